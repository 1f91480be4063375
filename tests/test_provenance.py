"""Provenance (issue 14): which services answered about each reference, which failed and how,
in the JSON report and the lock; and a re-run that asks again only what is missing."""

from __future__ import annotations

import json

from click.testing import CliRunner
from fakeweb import FakeWeb, environment
from faultserver import FaultServer
from test_live_e2e import BIB, CLAIMS, EXPECTED, PAPERS

from claimcheck.cli import main

#: Short waits between retries, but generous timeouts: on a loaded machine a healthy answer must
#: not time out (these tests compare exactly which services failed).
FAST = {"CLAIMCHECK_HTTP_TIMEOUT": "10", "CLAIMCHECK_HTTP_DEADLINE": "20", "CLAIMCHECK_HTTP_BACKOFF": "0.01"}


def test_the_lock_records_who_failed_and_a_rerun_asks_only_them(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(BIB, encoding="utf-8")
    (project / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    server = FaultServer(FakeWeb(PAPERS), faults={"openalex": "503"})
    try:
        env = environment(server.url, str(tmp_path / "cache")) | FAST
        locked = CliRunner().invoke(main, ["lock", str(project)], env=env)
        assert locked.exit_code == 2, locked.output  # "missing" needs OpenAlex's "no" too
        entries = json.loads((project / "claimcheck.lock").read_text())["entries"]
        good = entries["good"]
        # judged without OpenAlex, so locked, with how OpenAlex failed
        assert good["record"] and "crossref" in good["held"]
        assert [(o["service"], o["status"], o["kind"]) for o in good["unavailable"]] == [
            ("openalex", 503, "http-5xx")
        ]
        assert "missing" not in entries  # undetermined: never locked
        assert "unavailable" not in entries["pmidonly"] or entries["pmidonly"]["unavailable"]

        server.faults.clear()
        before = len(server.served)
        done = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env=env)
        assert done.exit_code == 1, done.output
        report = json.loads(done.stdout)
        assert {r["key"]: r["status"] for r in report["references"]} == EXPECTED
        assert all(r["resolution"]["unavailable"] == [] for r in report["references"])
        # Entries locked whole are not asked again; the others are re-resolved, and the cache
        # answers every request that was answered the first time: only OpenAlex goes out again.
        asked = {service for service, _ in server.served[before:]}
        assert asked == {"openalex"}
    finally:
        server.stop()


def test_the_json_report_says_how_each_service_failed(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(BIB, encoding="utf-8")
    (project / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    server = FaultServer(FakeWeb(PAPERS), faults={"semanticscholar": "html-error-page"})
    try:
        env = environment(server.url, str(tmp_path / "cache")) | FAST
        done = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env=env)
    finally:
        server.stop()
    report = json.loads(done.stdout)
    failed = {
        r["key"]: [(o["service"], o["status"], o["kind"]) for o in r["resolution"]["unavailable"]]
        for r in report["references"]
        if r["resolution"]["unavailable"]
    }
    assert failed and all(("semanticscholar", 200, "html-page") in v for v in failed.values())
    statuses = {r["key"]: r["status"] for r in report["references"]}
    for key in failed:  # Semantic Scholar carries no notices: found records are judged without it
        if statuses[key] != "cannot-determine":
            assert statuses[key] == EXPECTED[key]
    assert "semanticscholar" in done.stderr  # the closing statement names it
