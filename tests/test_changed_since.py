"""`check --changed-since REF`: a pull request is judged on the claims it adds or changes."""

from __future__ import annotations

import subprocess

from helpers import CLAIMS, add_claim, report


def _git(repo, *args: str) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _repo_with_two_commits(project, new_cites: list[str]) -> None:
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the article's claims")
    sentence = "Tesamorelin lowers visceral fat by a fifth."
    article = project / "docs" / "articles" / "peptides-insulin-resistance.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\n" + sentence + "\n", encoding="utf-8")
    add_claim(project, "pr-added-claim", sentence, new_cites)
    _git(project, "commit", "-q", "-am", "add a sentence to the article and its claim")


def test_only_the_claim_the_second_commit_added_is_judged(cli, bundled_project):
    _repo_with_two_commits(bundled_project, ["stanley2009tesamorelin"])
    full_code, full = report(cli, bundled_project)
    assert len(full["claims"]) == 100 and full_code == 1
    code, data = report(cli, bundled_project, "--changed-since", "HEAD~1")
    assert [c["id"] for c in data["claims"]] == ["pr-added-claim"]
    assert [r["key"] for r in data["references"]] == ["stanley2009tesamorelin"]
    assert data["claims"][0]["verdict"] == "cites-defective-reference"
    assert code == 1  # the added claim cites a reference that was not found
    done = cli("check", bundled_project, "--changed-since", "HEAD~1", "--format", "github")
    assert done.returncode == 1
    assert "1 of 100 claims" in done.stderr
    assert all(f"file={CLAIMS}" in line or "file=references.bib" in line for line in done.stdout.splitlines())


def test_a_clean_addition_passes_and_no_change_judges_nothing(cli, bundled_project):
    _repo_with_two_commits(bundled_project, ["bailey2024peptides"])
    code, data = report(cli, bundled_project, "--changed-since", "HEAD~1")
    assert [c["id"] for c in data["claims"]] == ["pr-added-claim"]
    assert code == 0  # its reference is verified; only an info finding remains
    code, data = report(cli, bundled_project, "--changed-since", "HEAD")
    assert data["claims"] == [] and data["references"] == [] and code == 0


def test_an_edited_claim_text_counts_as_changed(cli, bundled_project):
    _repo_with_two_commits(bundled_project, ["bailey2024peptides"])
    path = bundled_project / CLAIMS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("At the heart of this experience", "At the very heart of this experience"),
        encoding="utf-8",
    )
    _, data = report(cli, bundled_project, "--changed-since", "HEAD")
    assert [c["id"] for c in data["claims"]] == ["insulin-resistance-underlies-fatigue-midsection-weight"]


def test_an_unknown_revision_is_bad_input(cli, bundled_project):
    _repo_with_two_commits(bundled_project, ["bailey2024peptides"])
    done = cli("check", bundled_project, "--changed-since", "no-such-branch")
    assert done.returncode == 3
    assert "unknown revision 'no-such-branch'" in done.stderr


def test_a_project_in_a_subdirectory_of_its_repository(cli, bundled_project, tmp_path):
    repo = tmp_path / "site"
    project = repo / "content" / "audit"
    project.parent.mkdir(parents=True)
    bundled_project.rename(project)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the article's claims")
    add_claim(
        project, "pr-added-claim", "Tesamorelin lowers visceral fat by a fifth.", ["stanley2009tesamorelin"]
    )
    code, data = report(cli, project, "--changed-since", "HEAD")
    assert [c["id"] for c in data["claims"]] == ["pr-added-claim"] and code == 1
    lines = cli("check", project, "--changed-since", "HEAD", "--format", "github").stdout.splitlines()
    assert any(line.startswith(f"::error file=content/audit/{CLAIMS},line=") for line in lines)
