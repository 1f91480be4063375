"""`claimcheck bib fix`: the corrections, applied, make every reference with a matched record verify."""

from __future__ import annotations

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
