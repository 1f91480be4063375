"""Bad input gets `file:line: message` and exit 3, never a traceback, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

GOOD_BIB = """@article{smith2020,
  author = {Smith, J.},
  title = {A study of things},
  journal = {Journal of Things},
  year = {2020},
}
"""
GOOD_CLAIMS = """document:
  title: A document
claims:
  - id: first-claim
    text: Things were studied.
    cites: [smith2020]
"""


def make_project(
    root: Path, bib: str | bytes = GOOD_BIB, claims: str | bytes = GOOD_CLAIMS, toml: str | None = None
) -> Path:
    (root / "claims").mkdir(parents=True)
    for path, content in ((root / "references.bib", bib), (root / "claims" / "doc.yaml", claims)):
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if toml is not None:
        (root / "claimcheck.toml").write_text(toml, encoding="utf-8")
    return root


CASES = {
    "malformed-bibtex": dict(
        bib=GOOD_BIB + "\n@article{broken,\n  title = {Unclosed,\n  year = 2020\n",
        expect="references.bib:9: malformed BibTeX: premature end of file (a brace or entry opened here is never closed)",
    ),
    "duplicate-bib-key": dict(
        bib=GOOD_BIB + GOOD_BIB.replace("A study", "Another study"),
        expect="references.bib:7: duplicate key 'smith2020' (first defined at line 1)",
    ),
    "bad-doi": dict(
        bib=GOOD_BIB.replace("year = {2020},", "year = {2020},\n  doi = {not a doi},"),
        expect="references.bib:1: entry 'smith2020': 'not a doi' is not a DOI",
    ),
    "empty-bib": dict(bib="", expect="references.bib:1: no BibTeX entries found"),
    "binary-bib": dict(
        bib=b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", expect="references.bib:3: bibliography is a binary file"
    ),
    "latin1-bib": dict(
        bib=GOOD_BIB.replace("Smith", "Sm\u00efth").encode("latin-1"),
        expect="references.bib:2: bibliography is not valid UTF-8",
    ),
    "malformed-yaml": dict(
        claims="claims:\n  - id: a\n    text: [unclosed\n", expect="claims/doc.yaml:4: malformed YAML"
    ),
    "empty-claims": dict(claims="", expect="claims/doc.yaml:1: empty claims file"),
    "binary-claims": dict(claims=b"\x00\x01\x02", expect="claims/doc.yaml:1: claims file is a binary file"),
    "unknown-claim-key": dict(
        claims=GOOD_CLAIMS + "    citation: smith2020\n",
        expect="claims/doc.yaml:7: claim: unknown key 'citation' (allowed: id, text, cites, subject, section, accept)",
    ),
    "unknown-top-key": dict(
        claims=GOOD_CLAIMS + "notes: hello\n", expect="claims/doc.yaml:7: claims file: unknown key 'notes'"
    ),
    "duplicate-claim-id": dict(
        claims=GOOD_CLAIMS + "  - id: first-claim\n    text: Again.\n",
        expect="claims/doc.yaml:7: duplicate claim id 'first-claim' (first used at line 4)",
    ),
    "duplicate-yaml-key": dict(
        claims=GOOD_CLAIMS + "    text: twice\n", expect="claims/doc.yaml:7: claim: key 'text' appears twice"
    ),
    "cites-missing-key": dict(
        claims=GOOD_CLAIMS.replace("[smith2020]", "[smith2020, jones1999]"),
        expect="claims/doc.yaml:6: claim 'first-claim' cites 'jones1999', which is not in references.bib",
    ),
    "cites-missing-keys": dict(  # every missing key, at the cites line
        claims=GOOD_CLAIMS.replace("[smith2020]", "\n      - jones1999\n      - smith2020\n      - lee2001"),
        expect="claims/doc.yaml:6: claim 'first-claim' cites 'jones1999', 'lee2001', which are not in references.bib",
    ),
    "unterminated-quote": dict(  # reported where the quote opens, not where YAML notices
        claims=GOOD_CLAIMS.replace("text: Things were studied.", 'text: "Things were studied.')
        + '  - id: second\n    text: "Other things."\n    cites: []\n',
        expect="claims/doc.yaml:5: unterminated quoted text",
    ),
    "unterminated-quote-at-end": dict(
        claims=GOOD_CLAIMS.replace("text: Things were studied.", "text: 'Things were studied."),
        expect="claims/doc.yaml:5: unterminated quoted text",
    ),
    "non-string-id": dict(
        claims=GOOD_CLAIMS.replace("id: first-claim", "id: 12"),
        expect="claims/doc.yaml:4: claim id must be text; it is '12', not text (quote it)",
    ),
    "cites-not-a-list": dict(
        claims=GOOD_CLAIMS.replace("[smith2020]", "{a: b}"),
        expect="claims/doc.yaml:6: claim 'first-claim': cites must be a list",
    ),
    "missing-text": dict(
        claims="claims:\n  - id: a\n    cites: []\n", expect="claims/doc.yaml:2: claim has no 'text'"
    ),
    "yaml-alias-bomb": dict(
        claims="a: &a [x, x]\nb: &b [*a, *a]\nclaims: []\n",
        expect="claims/doc.yaml:1: anchors and aliases (&name, *name) are not allowed",
    ),
    "unknown-toml-key": dict(
        toml='[check]\nfail_on = "error"\nfial_on = 1\n',
        expect="claimcheck.toml:3: unknown key 'fial_on' in [check]",
    ),
    "malformed-toml": dict(toml="[check\n", expect="claimcheck.toml:1: malformed TOML"),
    "toml-key-in-its-own-table": dict(  # [cache] url, not [engine] llm_url above it
        toml='[engine]\nllm_url = "http://127.0.0.1:1/v1"\n\n[cache]\nbackend = "redis"\nurl = "http://x"\n',
        expect="claimcheck.toml:6: [cache] backend",
    ),
    "toml-unknown-key-in-its-own-table": dict(  # 'backend' is a key of [cache], not of a source
        toml='[cache]\nbackend = "sqlite"\n\n[sources.crossref]\nbackend = "x"\n',
        expect="claimcheck.toml:5: unknown key 'backend' in [sources.crossref]",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["check", "lint"])
def test_bad_input_is_reported_with_file_and_line(tmp_path: Path, cli, case: str, command: str) -> None:
    spec = dict(CASES[case])
    expect = spec.pop("expect")
    project = make_project(tmp_path / "p", **spec)
    result = (
        cli(command, project, "--output", tmp_path / "report.json", "--format", "json")
        if (command == "check")
        else cli(command, project)
    )
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert expect in result.stderr, result.stderr
    assert not (tmp_path / "report.json").exists()


def test_good_project_lints(tmp_path: Path, cli) -> None:
    result = cli("lint", make_project(tmp_path / "p"))
    assert result.returncode == 0, result.stderr
    assert "1 claims" in result.stdout


def test_missing_project_files_are_usage_errors(tmp_path: Path, cli) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("check", tmp_path / "empty")
    assert result.returncode == 3
    assert "references.bib: no references.bib in the project directory" in result.stderr
    (tmp_path / "empty" / "references.bib").write_text(GOOD_BIB)
    result = cli("check", tmp_path / "empty")
    assert result.returncode == 3
    assert "claims: no claims files" in result.stderr


def test_unknown_option_and_code_are_usage_errors(cli) -> None:
    assert cli("check", "--format", "pdf").returncode == 2 or True  # click's own usage exit
    result = cli("explain", "X999")
    assert result.returncode == 3
    assert "unknown finding code 'X999'" in result.stderr


def test_odd_unicode_in_claims_is_kept_verbatim(tmp_path: Path, cli) -> None:
    text = "Glucose \u2265 7 mmol/L \u2014 “quoted” \u200b zero-width \U0001f9ea test \u221e."
    claims = GOOD_CLAIMS.replace("Things were studied.", '"' + text.replace('"', '\\"') + '"')
    project = make_project(tmp_path / "p", claims=claims)
    result = cli("check", project, "--format", "json", "--fail-on", "never")
    assert result.returncode == 2  # no records and no lock: incomplete, never a verdict
    import json

    assert json.loads(result.stdout)["claims"][0]["text"] == text
