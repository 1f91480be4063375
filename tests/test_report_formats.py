"""Each report format over the bundled article: valid against its schema, located, escaped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from helpers import XSS, add_claim

from claimcheck import rules
from claimcheck.report.github import escape_data, escape_property

SCHEMAS = Path(__file__).parent / "schemas"


def test_json_report_still_validates_against_its_schema(cli, bundled_project):
    from claimcheck.report.json import schema

    (bundled_project / "claimcheck.toml").write_text(
        '[[accept]]\ncode = "R011"\nreference = "teich2006cjc1295"\nreason = "confirmed"\n'
    )
    data = json.loads(cli("check", bundled_project, "--format", "json").stdout)
    jsonschema.validate(data, schema())


@pytest.mark.parametrize("schema_file", ["sarif-2.1.0-rtm.5.json", "sarif-2.1.0-rtm.4.json"])
def test_sarif_validates_and_points_at_entry_and_claim_lines(cli, bundled_project, schema_file):
    done = cli("check", bundled_project, "--format", "sarif")
    assert done.returncode == 1
    sarif = json.loads(done.stdout)
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == list(rules.registry())
    assert all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    by_message = {r["message"]["text"].split(":")[0]: r for r in run["results"]}
    teich = by_message["reference teich2006cjc1295"]
    location = teich["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "references.bib"
    assert location["region"]["startLine"] == 8
    claim = by_message["claim tesamorelin-ghrh-analogue"]
    location = claim["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "claims/peptides-insulin-resistance.yaml"
    assert location["region"]["startLine"] == 155
    assert {r["level"] for r in run["results"]} <= {"error", "warning", "note"}


def test_junit_validates_against_the_jenkins_schema_with_one_case_per_claim_and_reference(
    cli, bundled_project
):
    etree = pytest.importorskip("lxml.etree", reason="lxml validates the JUnit XSD (pip install lxml)")
    done = cli("check", bundled_project, "--format", "junit")
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    document = etree.fromstring(done.stdout.encode("utf-8"))
    schema.assertValid(document)
    suites = {s.get("name"): s for s in document.findall("testsuite")}
    assert len(suites["claims"].findall("testcase")) == 99
    assert len(suites["references"].findall("testcase")) == 10
    failed = [
        c.get("name") for c in suites["references"].findall("testcase") if c.find("failure") is not None
    ]
    assert len(failed) == 9  # every reference but the verified one has an error finding
    # the dashboard agrees with the gate: nothing fails under --fail-on never
    quiet = etree.fromstring(
        cli("check", bundled_project, "--format", "junit", "--fail-on", "never").stdout.encode()
    )
    assert quiet.get("failures") == "0"


def test_github_annotations_escape_per_workflow_command_rules():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_format_annotates_lines_and_appends_the_step_summary(cli, bundled_project, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    done = cli("check", bundled_project, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "::error file=references.bib,line=8,title=R011 author-mismatch (teich2006cjc1295)::" in lines[0]
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    # a message with a percent sign is escaped (R001 messages say "title 77% similar")
    assert any("%25 similar" in line for line in lines)
    text = summary.read_text()
    assert text.startswith("earlier step\n## claimcheck: How Do Peptide Protocols")


def test_markdown_escapes_claim_text(cli, bundled_project):
    add_claim(
        bundled_project,
        "hostile-claim",
        f"Peptides cure everything {XSS} [link](https://x.invalid)",
        ["stanley2009tesamorelin"],  # not found: the claim is listed in full, with its text
    )
    out = cli("check", bundled_project, "--format", "markdown").stdout
    assert "<script>" not in out and "](https://x.invalid)" not in out
    assert "&lt;script&gt;" in out


def test_csv_evidence_table_has_a_row_per_claim_and_cited_reference(cli, bundled_project, tmp_path):
    target = tmp_path / "table.csv"
    assert cli("check", bundled_project, "-o", target).returncode == 1  # format from the suffix
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    # no design, population or key-figure columns: the bundled audit's findings fill none of them
    assert list(rows[0])[:6] == ["claim", "reference", "study", "verdict", "why", "reasons"]
    row = next(r for r in rows if r["claim"] == "tesamorelin-ghrh-analogue")
    assert row["reference"] == "stanley2009tesamorelin"
    assert row["verdict"] == "cites-defective-reference"
    assert "C002" in row["reasons"]


def test_xlsx_when_openpyxl_is_installed(cli, bundled_project, tmp_path):
    pytest.importorskip("openpyxl", reason="Excel output is the optional 'excel' extra")
    import pandas as pd

    target = tmp_path / "table.xlsx"
    assert cli("check", bundled_project, "--output", target).returncode == 1
    frame = pd.read_excel(target)
    assert len(frame) >= 99 and "verdict" in frame.columns
    assert cli("check", bundled_project, "--format", "xlsx").returncode == 3  # binary needs --output
