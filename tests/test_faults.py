"""Fault injection: every service, every way a server breaks, over real loopback sockets.

Each case runs `claimcheck check --refresh` (live look-ups, lock rewritten) with one service
broken, then asserts what issues 8 and 14 ask: a bounded run, no traceback, every reference
either its true verdict or `cannot-determine` (never `not-found` or `wrong-work` because of the
fault), exit 2 exactly when one is undetermined, the broken service named (as incomplete or
as not asked), the lock keeping its records, and nothing faulty in the cache (a second run with
the fault gone, same cache, gives the fault-free verdicts).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakeweb import FakeWeb, environment
from faultserver import FAULTS, FaultServer, closed_port
from reliability import FAULT_OUTCOME
from test_live_e2e import BIB, CLAIMS, EXPECTED, PAPERS

from claimcheck.cli import main

SERVICES = ("crossref", "pubmed", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")
#: References a service is not asked about (everything else may become cannot-determine).
UNAFFECTED = {
    "semanticscholar": {"good", "preprint", "pmidonly", "searchonly"},  # they have abstracts
    "datacite": set(EXPECTED) - {"preprint"},
    "doiorg": {"good", "mismatch", "retracted", "notice", "pmidonly", "searchonly"},
}
#: Test-fast bounds: 0.5 s per read, 1.5 s per attempt in all, 1 MB bodies, one retry.
FAST = {"CLAIMCHECK_HTTP_DEADLINE": "1.5", "CLAIMCHECK_HTTP_MAX_BYTES": "1000000"}


def run(args: list[str], env: dict[str, str]):
    """The real command, in-process (a subprocess per case would cost a second each)."""
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=True)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        result.exception
    )
    assert "Traceback" not in result.output
    return result


def statuses(output: str) -> dict[str, str]:
    return {r["key"]: r["status"] for r in json.loads(output)["references"]}


def lock_entries(project: Path) -> dict:
    entries = json.loads((project / "claimcheck.lock").read_text())["entries"]
    return {key: {k: v for k, v in entry.items() if k != "resolved_at"} for key, entry in entries.items()}


@pytest.fixture(scope="module")
def locked_template(tmp_path_factory) -> Path:
    """A project locked once against a fault-free server: the state every case starts from."""
    root = tmp_path_factory.mktemp("template") / "project"
    (root / "claims").mkdir(parents=True)
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    server = FaultServer(FakeWeb(PAPERS))
    try:
        env = environment(server.url, str(root.parent / "cache")) | FAST | {"CLAIMCHECK_CACHE": "off"}
        done = run(["lock", str(root)], env)
        assert done.exit_code == 0, done.output
    finally:
        server.stop()
    return root


@pytest.fixture
def server():
    fault_server = FaultServer(FakeWeb(PAPERS), hang=3.0)
    yield fault_server
    fault_server.stop()


CASES = [(service, fault) for service in SERVICES for fault in FAULTS]


@pytest.mark.parametrize(
    ("service", "fault"),
    [
        pytest.param(
            s, f, marks=pytest.mark.reliability(category=f"fault: {s}", case=f, outcome=FAULT_OUTCOME)
        )
        for s, f in CASES
    ],
)
def test_a_broken_service_makes_the_run_incomplete_and_nothing_else(
    locked_template, tmp_path, server, service, fault
):
    project = tmp_path / "project"
    shutil.copytree(locked_template, project)
    before = lock_entries(project)
    env = environment(server.url, str(tmp_path / "cache")) | FAST
    if fault == "refused":
        variable = f"CLAIMCHECK_{service.upper()}_URL"
        env[variable] = f"http://127.0.0.1:{closed_port()}/{service}"
    else:
        server.faults[service] = fault
    done = run(["check", str(project), "--refresh", "--format", "json"], env)

    found = statuses(done.stdout)
    assert done.exit_code == (2 if "cannot-determine" in found.values() else 1), done.output
    assert set(found) == set(EXPECTED)
    for key, status in found.items():
        assert status in {EXPECTED[key], "cannot-determine"}, (key, status)
    for key in UNAFFECTED.get(service, ()):
        assert found[key] == EXPECTED[key], key
    shown = "doi.org" if service == "doiorg" else service
    report = json.loads(done.stdout)
    named = [o for r in report["references"] for o in r["resolution"]["unavailable"] if o["service"] == shown]
    assert named or any(shown in reason for reason in report["incomplete_reasons"])
    assert shown in done.stderr  # the run's closing statement names it either way
    # The client bounded what the server did: it hung up on drips and floods, and followed a
    # redirect loop only a few times (5 redirects, one retry) on each of the request chains that
    # run concurrently before the service is marked down (first and second look-up round, search).
    assert server.endured == []
    if fault == "redirect-loop":
        assert sum(1 for s, _ in server.served if s == service) <= 3 * 2 * 6
    # The lock keeps what the fault-free run found for every reference (a partial resolution,
    # even one judged, never replaces a complete one).
    assert lock_entries(project) == before

    # Nothing faulty was cached: with the service healthy again the same cache gives the truth.
    server.faults.clear()
    env = environment(server.url, str(tmp_path / "cache")) | FAST
    again = run(["check", str(project), "--refresh", "--format", "json"], env)
    assert again.exit_code == 1, again.output
    assert statuses(again.stdout) == EXPECTED
