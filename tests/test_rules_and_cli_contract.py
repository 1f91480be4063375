"""Every finding code is explained; the README's commands are the ones CI and users run."""

from __future__ import annotations

import re

from conftest import REPO

from claimcheck import rules


def test_every_rule_has_a_page_with_summary_and_explanation() -> None:
    registry = rules.registry()
    assert {"R001", "R002", "R003", "R010", "R011", "R013", "R014", "C001", "C002", "C003"} <= set(registry)
    for code, rule in registry.items():
        assert re.fullmatch(r"[A-Z]\d{3}", code)
        assert rule.summary and len(rule.explanation) > 80, code
        assert rules.lookup(rule.name) is rule


def test_every_code_the_source_emits_is_registered() -> None:
    emitted = set()
    for path in (REPO / "src" / "claimcheck").rglob("*.py"):
        emitted |= set(re.findall(r'finding\(\s*"([A-Z]\d{3})"', path.read_text(encoding="utf-8")))
    assert emitted and emitted <= set(rules.registry())


def test_explain_prints_the_rule_page(cli) -> None:
    result = cli("explain", "R013")
    assert result.returncode == 0
    assert "Diabetes Care" in result.stdout
    assert cli("explain", "journal-mismatch").stdout == result.stdout
    listing = cli("explain", "--list").stdout
    assert all(code in listing for code in rules.registry())


def _readme_block_after(marker: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    tail = readme[readme.index(marker) :]
    return re.search(r"```sh\n(.+?)\n```", tail, re.S).group(1).strip()


def test_ci_runs_the_readme_test_command_exactly() -> None:
    command = _readme_block_after("Run the tests")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert command in ci.splitlines()


def test_readme_main_command_installs_and_checks() -> None:
    command = _readme_block_after("Install and audit the bundled article")
    assert command == "pip install . && claimcheck check"
    assert (REPO / "claimcheck.lock").exists()  # what makes that command work offline
