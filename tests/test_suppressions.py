"""Suppressions: accepted findings stay in every report, marked, and never count for --fail-on."""

from __future__ import annotations

import json

from helpers import CLAIMS, add_claim, report


def _accept_all_errors_in_toml(cli, project, reason: str = "checked by hand with the editor") -> None:
    _, data = report(cli, project)
    lines = []
    for ref in data["references"]:
        for code in sorted({f["code"] for f in ref["findings"] if f["severity"] == "error"}):
            lines += [
                "[[accept]]",
                f'code = "{code}"',
                f'reference = "{ref["key"]}"',
                f'reason = "{reason}"',
                "",
            ]
    for claim in data["claims"]:
        for code in sorted({f["code"] for f in claim["findings"] if f["severity"] == "error"}):
            lines += [
                "[[accept]]",
                f'code = "{code}"',
                f'claim = "{claim["id"]}"',
                f'reason = "{reason}"',
                "",
            ]
    (project / "claimcheck.toml").write_text("\n".join(lines), encoding="utf-8")


def test_accepting_every_error_passes_the_gate_but_keeps_the_findings_visible(cli, bundled_project):
    code, before = report(cli, bundled_project)
    assert code == 1
    _accept_all_errors_in_toml(cli, bundled_project)
    code, after = report(cli, bundled_project)
    assert code == 0
    findings = [f for r in after["references"] for f in r["findings"]]
    findings += [f for c in after["claims"] for f in c["findings"]]
    errors = [f for f in findings if f["severity"] == "error"]
    assert errors, "accepted findings must still be reported"
    assert all(f["accepted"] and f["accept_reason"] == "checked by hand with the editor" for f in errors)
    assert len(findings) == sum(len(r["findings"]) for r in before["references"]) + sum(
        len(c["findings"]) for c in before["claims"]
    )
    text = cli("check", bundled_project).stdout
    assert "accepted: checked by hand with the editor" in text


def test_accept_in_a_claim_entry_marks_that_claims_finding_only(cli, bundled_project):
    extra = "    accept:\n      - code: C002\n        reason: the printed reference is being replaced\n"
    add_claim(
        bundled_project,
        "new-tesamorelin-claim",
        "Tesamorelin reduces visceral fat.",
        ["stanley2009tesamorelin"],
        extra,
    )
    add_claim(
        bundled_project, "other-tesamorelin-claim", "Tesamorelin is an analogue.", ["stanley2009tesamorelin"]
    )
    _, data = report(cli, bundled_project)
    claims = {c["id"]: c for c in data["claims"]}
    accepted = [f for f in claims["new-tesamorelin-claim"]["findings"] if f["code"] == "C002"]
    assert accepted and accepted[0]["accepted"] is True
    assert accepted[0]["accept_reason"] == "the printed reference is being replaced"
    other = [f for f in claims["other-tesamorelin-claim"]["findings"] if f["code"] == "C002"]
    assert other and "accepted" not in other[0]


def test_a_suppression_without_a_reason_is_bad_input_with_its_line(cli, bundled_project):
    add_claim(
        bundled_project,
        "no-reason",
        "Tesamorelin reduces visceral fat.",
        ["stanley2009tesamorelin"],
        "    accept:\n      - code: C002\n",
    )
    done = cli("check", bundled_project)
    assert done.returncode == 3
    lines = (bundled_project / CLAIMS).read_text(encoding="utf-8").splitlines()
    line = len(lines)  # the `- code: C002` item is the last line
    assert f"{CLAIMS}:{line}:" in done.stderr
    assert "reason is required" in done.stderr


def test_toml_suppression_without_reason_or_with_unknown_target_is_bad_input(cli, bundled_project):
    config = bundled_project / "claimcheck.toml"
    config.write_text(
        '[check]\nfail_on = "error"\n\n[[accept]]\ncode = "R011"\nreference = "teich2006cjc1295"\n'
    )
    done = cli("check", bundled_project)
    assert done.returncode == 3
    assert "claimcheck.toml:4:" in done.stderr and "reason is required" in done.stderr
    config.write_text('[[accept]]\ncode = "R011"\nreference = "nosuchkey"\nreason = "x"\n')
    done = cli("lint", bundled_project)
    assert done.returncode == 3 and "no reference 'nosuchkey'" in done.stderr
    config.write_text('[[accept]]\ncode = "R999"\nclaim = "x"\nreason = "x"\n')
    assert cli("check", bundled_project).returncode == 3


def test_accepted_findings_are_marked_in_sarif_junit_html_and_markdown(cli, bundled_project, tmp_path):
    (bundled_project / "claimcheck.toml").write_text(
        '[[accept]]\ncode = "R011"\nreference = "teich2006cjc1295"\nreason = "author list confirmed"\n'
    )
    sarif = json.loads(cli("check", bundled_project, "--format", "sarif").stdout)
    suppressed = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["R011"]
    assert suppressed[0]["suppressions"][0]["justification"] == "author list confirmed"
    assert "accepted: author list confirmed" in cli("check", bundled_project, "--format", "junit").stdout
    assert "accepted: author list confirmed" in cli("check", bundled_project, "--format", "markdown").stdout
    assert "accepted: author list confirmed" in cli("check", bundled_project, "--format", "html").stdout
    github = cli("check", bundled_project, "--format", "github").stdout
    assert any(
        line.startswith("::notice ") and "accepted: author list confirmed" in line
        for line in github.splitlines()
    )
