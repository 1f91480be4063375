"""`claimcheck bib fix`: the corrections, applied, make every reference with a matched record verify."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import report

from claimcheck.compare import compare_authors
from claimcheck.model import Entry, Person, Record


def test_diff_applied_with_git_makes_matched_references_verify(cli, bundled_project):
    _, before = report(cli, bundled_project)
    matched = {r["key"] for r in before["references"] if r["record"] is not None}
    mismatched = {r["key"] for r in before["references"] if r["status"] == "metadata-mismatch"}
    assert mismatched and matched - mismatched
    original = (bundled_project / "references.bib").read_text(encoding="utf-8")
    done = cli("bib", "fix", bundled_project)
    assert done.returncode == 0, done.stderr
    diff = done.stdout
    assert diff.startswith("--- a/references.bib\n+++ b/references.bib\n")
    assert (bundled_project / "references.bib").read_text(encoding="utf-8") == original, (
        "no --write: untouched"
    )
    for key in mismatched:
        assert f"@article{{{key}," in diff
    subprocess.run(["git", "init", "-q"], cwd=bundled_project, check=True)
    subprocess.run(["git", "apply", "-"], cwd=bundled_project, input=diff, text=True, check=True)
    _, after = report(cli, bundled_project)
    statuses = {r["key"]: r["status"] for r in after["references"]}
    assert {key: statuses[key] for key in matched} == dict.fromkeys(matched, "verified")
    # not-found references had nothing to copy from: left as they were
    for ref in before["references"]:
        if ref["record"] is None:
            assert statuses[ref["key"]] == ref["status"]


def test_write_rewrites_in_place_and_keeps_the_rest_of_the_file(cli, bundled_project, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(bundled_project, copy)
    done = cli("bib", "fix", copy, "--write")
    assert done.returncode == 0 and done.stdout == ""
    text = (copy / "references.bib").read_text(encoding="utf-8")
    assert text.startswith("% The reference list of")  # comments kept
    assert "doi     = {10.1210/jc.2005-1536}" in text
    _, after = report(cli, copy)
    assert all(r["status"] == "verified" for r in after["references"] if r["record"] is not None)
    assert cli("bib", "fix", copy).stdout == ""  # nothing left to fix


def test_two_authors_with_one_family_name_are_two_people():
    """Regression: 'Mahata S' and 'Mahata SK' both in one list must not look out of order."""
    people = (Person("Ying", "W"), Person("Mahata", "S"), Person("Corti", "A"), Person("Mahata", "SK"))
    result = compare_authors(Entry(key="k", authors=people), Record(source="t", id="1", authors=people))
    assert result is not None and not result.out_of_order and not result.first_author_differs


@pytest.mark.reliability(
    category="nothing lost (SIGKILL)",
    case="bib fix --write: the file changed meanwhile",
    outcome="refused, the file left as the user changed it",
)
def test_write_refuses_when_the_file_changed_while_working(bundled_project, monkeypatch):
    from click.testing import CliRunner

    from claimcheck import cli as cli_module

    original_audit = cli_module.run_audit
    bib = bundled_project / "references.bib"

    def audit_while_someone_edits(project, options):
        result = original_audit(project, options)
        bib.write_text(bib.read_text(encoding="utf-8") + "\n% edited meanwhile\n", encoding="utf-8")
        return result

    monkeypatch.setattr(cli_module, "run_audit", audit_while_someone_edits)
    done = CliRunner().invoke(cli_module.main, ["bib", "fix", str(bundled_project), "--write"])
    assert done.exit_code == 3
    assert "changed while claimcheck was working" in done.output
    assert bib.read_text(encoding="utf-8").endswith("% edited meanwhile\n")
    assert "doi     = {10.1210/jc.2005-1536}" not in bib.read_text(encoding="utf-8")


QUIET_BIB = """% my references

@article{jastreboff2022,
  author  = {Jastreboff, Ania M. and Nobody, X.},
  title   = {Tirzepatide Once Weekly for the Treatment of {Obesity}},
  journal = {N Engl J Med},
  year    = {2022},
  doi     = {10.1056/NEJMoa2206038},
}
"""
QUIET_RECORD = {
    "id": "surmount",
    "type": "article-journal",
    "title": "Tirzepatide Once Weekly for the Treatment of Obesity",
    "author": [
        {"family": "Jastreboff", "given": "Ania M"},
        {"family": "Aronne", "given": "Louis J"},
        {"literal": "for the SURMOUNT-1 Investigators"},
    ],
    "container-title": "The New England Journal of Medicine",
    "container-title-short": "N Engl J Med",
    "issued": {"date-parts": [[2022, 7, 21]]},
    "volume": "387",
    "page": "205-216",
    "DOI": "10.1056/NEJMoa2206038",
}


def test_the_diff_touches_only_what_is_wrong_or_missing(cli, tmp_path):
    """A right DOI keeps its printed case, a right title its braces; no group name becomes an author."""
    project = tmp_path / "p"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(QUIET_BIB, encoding="utf-8")
    (project / "claims" / "a.yaml").write_text(
        "claims:\n  - id: a\n    text: Tirzepatide lowered weight.\n    cites: [jastreboff2022]\n", encoding="utf-8"
    )
    records = tmp_path / "records.json"
    records.write_text(json.dumps([QUIET_RECORD]), encoding="utf-8")
    done = cli("bib", "fix", project, "--offline", "--records", records)
    assert done.returncode == 0, done.stderr
    removed = [line for line in done.stdout.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in done.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-  author  = {Jastreboff, Ania M. and Nobody, X.},"]
    assert added == [
        "+  author  = {Jastreboff, Ania M and Aronne, Louis J},",
        "+  volume  = {387},",
        "+  pages   = {205--216},",
    ]
    assert "  doi     = {10.1056/NEJMoa2206038},\n" in done.stdout  # printed case kept, unchanged


@pytest.mark.parametrize(
    ("entry", "fields", "expected"),
    [
        (  # quoted and bare values, no trailing comma: replaced in place, added in the entry's layout
            '@article{k,\n  year = 2020,\n  title = "A {GH} study"\n}\n',
            {"year": "2021", "pages": "1--2"},
            '@article{k,\n  year = {2021},\n  title = "A {GH} study",\n  pages = {1--2}\n}\n',
        ),
        (  # aligned fields stay aligned; biblatex journaltitle stands for journal
            "@article{k,\n  author       = {A},\n  journaltitle = {Diabetes},\n}\n",
            {"journal": "Diabetes Care", "doi": "10.1/x"},
            "@article{k,\n  author       = {A},\n  journaltitle = {Diabetes Care},\n  doi          = {10.1/x},\n}\n",
        ),
        (  # everything on one line
            "@article{k, author={A}, year=2020}\n",
            {"year": "2021"},
            "@article{k, author={A}, year={2021}}\n",
        ),
    ],
)
def test_fields_are_rewritten_in_the_entrys_own_layout(entry: str, fields: dict, expected: str):
    from claimcheck.bibfix import Fix, apply_fixes

    text = "% kept\n" + entry + "\n@article{other, title = {Untouched}}\n"
    assert apply_fixes(text, [Fix("k", fields)]) == "% kept\n" + expected + "\n@article{other, title = {Untouched}}\n"
