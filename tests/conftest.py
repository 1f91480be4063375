"""Shared test fixtures: the team's ../shared folder (skipped with a reason when absent), a
copy of the bundled project to mutate, and a runner for the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from reliability import (  # noqa: F401  (hooks: the docs/reliability.md table)
    pytest_addoption,
    pytest_runtest_makereport,
    pytest_sessionfinish,
)

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
SHARED = Path(os.environ.get("CLAIMCHECK_SHARED", REPO.parent / "shared"))
# Tests never reach the real bibliographic services by accident: live sources are off unless a
# test turns them on (the end-to-end tests pass CLAIMCHECK_OFFLINE=0 with a local server).
os.environ.setdefault("CLAIMCHECK_OFFLINE", "1")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The team's shared folder beside the checkout; tests needing it skip when it is absent."""
    if not (SHARED / "seed" / "records.csl.json").exists():
        pytest.skip(
            f"../shared is not beside the checkout (looked in {SHARED}); "
            "set CLAIMCHECK_SHARED to its path to run this test"
        )
    return SHARED


@pytest.fixture(scope="session")
def seed_records(shared: Path) -> Path:
    return shared / "seed" / "records.csl.json"


@pytest.fixture
def bundled_project(tmp_path: Path) -> Path:
    """A copy of the project's own audit (claims, bibliography, article, lock) to run or edit."""
    target = tmp_path / "project"
    target.mkdir()
    for name in ("references.bib", "claimcheck.lock"):
        shutil.copy(REPO / name, target / name)
    shutil.copytree(REPO / "claims", target / "claims")
    shutil.copytree(REPO / "docs" / "articles", target / "docs" / "articles")
    return target


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> CliResult:
    """Run `python -m claimcheck` from this checkout's src, as a user would run the command."""
    environment = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", **(env or {})}
    environment.pop("CLAIMCHECK_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "claimcheck", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli():
    return run_cli
