import json

import jsonschema

from claimcheck.report import json as json_report


def test_json_report_carries_claim_evidence_and_validates(bundled_project, cli):
    done = cli("check", "--format", "json", "--fail-on", "never", cwd=bundled_project)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    jsonschema.validate(report, json_report.schema())
    claims = {c["id"]: c for c in report["claims"]}
    semaglutide = claims["table-trials-glp1-hba1c-2pct"]
    assert semaglutide["verdict"] == "supported" and semaglutide["basis"] == "bailey2024peptides"
    assert any(">2%" in e for e in semaglutide["evidence"])
    ipamorelin = claims["ipamorelin-insulin-secretion"]
    assert ipamorelin["verdict"] == "overstated"
    assert any(f["code"] == "C014" and f["evidence"] for f in ipamorelin["findings"])


def test_text_report_shows_verdicts_reasons_and_evidence(bundled_project, cli):
    done = cli("check", "--fail-on", "never", cwd=bundled_project)
    assert done.returncode == 0, done.stderr
    assert "OVERSTATED" in done.stdout and "SUPPORTED" in done.stdout
    assert "C014 population-animal-or-cell" in done.stdout
    assert "judged on mosa2013ipamorelin" in done.stdout
    assert "has not been compared" not in done.stdout
