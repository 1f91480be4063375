"""Nothing lost: a process killed while resolving or while writing leaves every file as it was.

Every writer (the lock, reports given --output, `extract --output`, `bib fix --write`) writes a
temporary file and renames it over the target. The tests kill the real command with SIGKILL
(no handler, no cleanup) at the worst moment: while it waits on a slow server, and between
writing the temporary file and the rename.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SRC
from fakeweb import FakeWeb, environment
from faultserver import FaultServer
from test_live_e2e import BIB, CLAIMS, PAPERS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

#: Runs the CLI in a process that kills itself (SIGKILL) when it is about to rename a temporary
#: file over `target`: the last moment before the new content would become visible.
KILL_AT_RENAME = """
import os, runpy, signal, sys
target, argv = sys.argv[1], sys.argv[2:]
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    if os.path.basename(str(dst)) == target:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
sys.argv = ["claimcheck", *argv]
runpy.run_module("claimcheck", run_name="__main__")
"""


def run_killed_at_rename(target: str, *args: str | Path, cwd: Path, env: dict[str, str] | None = None):
    environment = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", KILL_AT_RENAME, target, *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


REL = pytest.mark.reliability.with_args(
    category="nothing lost (SIGKILL)", outcome="the old file, byte for byte"
)


@pytest.mark.parametrize(
    ("command", "target"),
    [
        pytest.param(
            ("lock", ".", "--offline"), "claimcheck.lock", marks=REL(case="lock: killed at the rename")
        ),
        pytest.param(
            ("check", ".", "--format", "json", "--output", "report.json"),
            "report.json",
            marks=REL(case="check --output: killed at the rename"),
        ),
        pytest.param(
            ("check", ".", "--format", "html", "--output", "report.html"),
            "report.html",
            marks=REL(case="check --format html --output: killed at the rename"),
        ),
        pytest.param(
            ("extract", "docs/articles/peptides-insulin-resistance.txt", "-o", "claims/new.yaml"),
            "new.yaml",
            marks=REL(case="extract --output: killed at the rename"),
        ),
        pytest.param(
            ("bib", "fix", ".", "--write"),
            "references.bib",
            marks=REL(case="bib fix --write: killed at the rename"),
        ),
    ],
)
def test_a_kill_at_the_rename_leaves_the_old_file_whole(bundled_project, command, target):
    """`outcome`: the old file, byte for byte."""
    files = {
        "report.json": bundled_project / "report.json",
        "report.html": bundled_project / "report.html",
        "new.yaml": bundled_project / "claims" / "new.yaml",
        "claimcheck.lock": bundled_project / "claimcheck.lock",
        "references.bib": bundled_project / "references.bib",
    }
    path = files[target]
    if not path.exists():
        path.write_text(
            "claims:\n  - id: old\n    text: An old claim that must survive.\n    cites: []\n"
            if target == "new.yaml"
            else "old content that must survive\n",
            encoding="utf-8",
        )
    before = path.read_bytes()
    done = run_killed_at_rename(target, *command, cwd=bundled_project)
    assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr)  # it got as far as writing
    assert path.read_bytes() == before


@REL(
    case="lock: killed while resolving against a slow server",
    outcome="the old lock, byte for byte; the cache passes SQLite's integrity_check",
)
def test_a_kill_while_resolving_leaves_the_old_lock_and_a_sound_cache(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(BIB, encoding="utf-8")
    (project / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    server = FaultServer(FakeWeb(PAPERS))
    env = {**os.environ, "PYTHONPATH": str(SRC), **environment(server.url, str(tmp_path / "cache"))}
    try:
        locked = subprocess.run(
            [sys.executable, "-m", "claimcheck", "lock", project], env=env, capture_output=True, timeout=120
        )
        assert locked.returncode == 0, locked.stderr
        before = (project / "claimcheck.lock").read_bytes()
        server.delay = 0.3  # slow, healthy: the run is still resolving when it is killed
        asked = len(server.served)
        process = subprocess.Popen(
            [sys.executable, "-m", "claimcheck", "lock", project],
            env={**env, "CLAIMCHECK_HTTP_TIMEOUT": "5", "CLAIMCHECK_CACHE_DIR": str(tmp_path / "cache2")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while len(server.served) < asked + 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert process.poll() is None, "finished before it could be killed"
        finally:
            process.kill()
            process.wait(timeout=30)
    finally:
        server.stop()
    assert (project / "claimcheck.lock").read_bytes() == before
    json.loads(before)  # and it is the whole lock
    with sqlite3.connect(tmp_path / "cache2" / "http-cache.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
