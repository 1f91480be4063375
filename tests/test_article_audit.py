"""The bundled article audited end to end through the real CLI, from the committed lock."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO

from claimcheck.report.json import schema

#: What a careful reading of the article's reference list against the seed records finds.
EXPECTED = {
    "teich2006cjc1295": ("metadata-mismatch", {"R011"}),  # Teich/Teichman; invented co-authors
    "bailey2024peptides": ("verified", set()),
    "falholt1998ipamorelin": ("metadata-mismatch", {"R011"}),  # first author is Raun K
    "stanley2009tesamorelin": ("not-found", {"R001"}),  # no such NEJM 2009 paper
    "fourman2012visceral": ("metadata-mismatch", {"R011", "R013"}),  # Stanley TL, Clin Infect Dis
    "mosa2013ipamorelin": ("metadata-mismatch", {"R011", "R013", "R014"}),  # Adeghate 2004
    "inserm2022patas": ("not-found", {"R001"}),  # a news item, not indexed
    "mahata2018catestatin": ("metadata-mismatch", {"R010", "R011"}),  # Ying W et al., retitled
    "bredella2014tesamorelin": ("not-found", {"R001"}),  # closest: Stanley 2014 JAMA
    "muttalib2023peptides": ("metadata-mismatch", {"R011", "R013"}),  # Bailey 2023 Peptides
}


def report(cli, project: Path, *args: str) -> tuple[int, dict]:
    result = cli("check", project, "--format", "json", *args)
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout)


def test_every_printed_reference_gets_the_expected_verdict(cli, bundled_project: Path) -> None:
    code, data = report(cli, bundled_project)
    assert code == 1  # findings at or above the default --fail-on error
    assert data["complete"] is True
    got = {r["key"]: (r["status"], {f["code"] for f in r["findings"]}) for r in data["references"]}
    assert got == EXPECTED


def test_every_disagreement_is_named_by_field_with_both_values(cli, bundled_project: Path) -> None:
    _, data = report(cli, bundled_project)
    for reference in data["references"]:
        for finding in reference["findings"]:
            if finding["code"].startswith("R01"):
                assert finding["field"] in {"title", "authors", "journal", "year"}
                assert finding["printed"] and finding["record"]
        if reference["status"] == "verified":
            assert reference["findings"] == []
    teich = next(r for r in data["references"] if r["key"] == "teich2006cjc1295")
    (authors,) = teich["findings"]
    assert authors["printed"].startswith("Teich T, Harman SM, GADD I")
    assert authors["record"].startswith("Teichman SL, Neale A")
    assert "'Harman SM', 'GADD I' are not among the record's 6 authors" in authors["message"]
    assert teich["suggested_bibtex"].startswith("@article{teich2006cjc1295,")
    assert "Teichman, SL and Neale, A" in teich["suggested_bibtex"]


def test_not_found_names_the_closest_candidate(cli, bundled_project: Path) -> None:
    _, data = report(cli, bundled_project)
    bredella = next(r for r in data["references"] if r["key"] == "bredella2014tesamorelin")
    assert bredella["record"] is None
    assert bredella["candidates"][0]["record"]["identifiers"]["doi"] == "10.1001/jama.2014.8334"
    assert "closest candidate: Stanley TL et al." in bredella["findings"][0]["message"]


def test_claim_verdicts_come_from_their_references(cli, bundled_project: Path) -> None:
    _, data = report(cli, bundled_project)
    statuses = {r["key"]: r["status"] for r in data["references"]}
    claims = data["claims"]
    assert len(claims) >= 40
    for claim in claims:
        assert claim["line"] >= 1 and claim["file"] == "claims/peptides-insulin-resistance.yaml"
        if not claim["cites"]:
            assert claim["verdict"] == "uncited"
        elif all(statuses[k] == "not-found" for k in claim["cites"]):
            assert claim["verdict"] == "cites-defective-reference"
        else:
            assert claim["verdict"] not in {"uncited", "cites-defective-reference"}


def test_json_report_validates_against_the_committed_schema(cli, bundled_project: Path) -> None:
    _, data = report(cli, bundled_project)
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema())
    assert data["schema_version"] == "1.0"


def test_schema_rejects_a_report_missing_what_it_promises(cli, bundled_project: Path) -> None:
    _, data = report(cli, bundled_project)
    del data["references"][0]["status"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_text_report_groups_by_status_with_printed_and_record_values(cli, bundled_project: Path) -> None:
    result = cli("check", bundled_project)
    assert result.returncode == 1
    out = result.stdout
    assert "Evidence lock claimcheck.lock" in out
    order = [out.index(h) for h in ("NOT-FOUND (3)", "METADATA-MISMATCH (6)", "VERIFIED (1)")]
    assert order == sorted(order)
    line = next(x for x in out.splitlines() if "R013 journal-mismatch journal" in x and "Medical" in x)
    assert "printed “Medical Science Monitor”" in line and "record “Neuroendocrinology Letters”" in line


def test_output_file_and_fail_on(cli, bundled_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    result = cli("check", bundled_project, "--format", "json", "--output", target, "--fail-on", "never")
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(target.read_text())["complete"] is True
    text_target = tmp_path / "report.txt"
    cli("check", bundled_project, "--output", text_target)
    assert "\x1b[" not in text_target.read_text()  # no terminal colour codes in files


def test_lock_is_reproducible_from_the_seed_records(cli, bundled_project: Path, seed_records: Path) -> None:
    (bundled_project / "claimcheck.lock").unlink()
    result = cli("lock", bundled_project, "--records", seed_records)
    assert result.returncode == 0, result.stderr
    # counted by outcome: three of the article's references are not found (locked as such)
    assert "10 references: 7 found, 3 not found, 0 not locked" in result.stdout
    fresh = json.loads((bundled_project / "claimcheck.lock").read_text())
    committed = json.loads((REPO / "claimcheck.lock").read_text())

    def without_times(lock: dict) -> dict:
        text = re.sub(r'"(created|resolved_at)": "[^"]*"', '"x": ""', json.dumps(lock, sort_keys=True))
        return json.loads(text)

    assert without_times(fresh) == without_times(committed)
    assert "/work/" not in (REPO / "claimcheck.lock").read_text()


def test_without_lock_or_records_the_run_is_incomplete_not_not_found(cli, bundled_project: Path) -> None:
    (bundled_project / "claimcheck.lock").unlink()
    code, data = report(cli, bundled_project)
    assert code == 2
    assert data["complete"] is False
    assert {r["status"] for r in data["references"]} == {"cannot-determine"}
    assert all(f["code"] == "R003" for r in data["references"] for f in r["findings"])


def test_with_records_and_no_lock_the_same_verdicts(cli, bundled_project: Path, seed_records: Path) -> None:
    (bundled_project / "claimcheck.lock").unlink()
    code, data = report(cli, bundled_project, "--records", str(seed_records))
    assert code == 1
    assert {r["key"]: r["status"] for r in data["references"]} == {k: v[0] for k, v in EXPECTED.items()}


def test_editing_an_entry_re_resolves_it_offline_from_the_lock(cli, bundled_project: Path) -> None:
    bib = bundled_project / "references.bib"
    bib.write_text(bib.read_text().replace("{Falholt, K. and others}", "{Raun, K. and others}"))
    _, data = report(cli, bundled_project, "--offline")
    falholt = next(r for r in data["references"] if r["key"] == "falholt1998ipamorelin")
    assert falholt["status"] == "verified"
    assert data["complete"] is True


def test_lock_never_loses_an_entry_it_could_not_resolve_again(cli, bundled_project: Path) -> None:
    before = json.loads((bundled_project / "claimcheck.lock").read_text())
    # no records given: every entry still resolves among the lock's own records
    result = cli("lock", bundled_project)
    assert result.returncode == 0, result.stderr
    after = json.loads((bundled_project / "claimcheck.lock").read_text())
    assert after["entries"].keys() == before["entries"].keys()


def test_fresh_checkout_layout_runs_from_any_directory(cli, bundled_project: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(bundled_project, moved)
    result = cli("check", "--fail-on", "never", cwd=moved)
    assert result.returncode == 0
    assert "References (10)" in result.stdout
