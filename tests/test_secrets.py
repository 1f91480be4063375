"""E-mail addresses and API keys reach the services and nothing else.

The real command runs with sentinel secrets from the environment and from claimcheck.toml
against the local fake services, healthy and faulty (a 503, and a 400 whose body echoes the
request with its identification, as many APIs' error messages do). Then every output is
searched for them: standard output and error of every run, every report format, the lock, and
every byte of the cache directory.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import SRC
from fakeweb import FakeWeb, environment
from faultserver import ECHO, FaultServer
from test_live_e2e import BIB, CLAIMS, PAPERS

SECRET_ENV = {
    "CLAIMCHECK_CROSSREF_MAILTO": "zqxcrossref@example.org",
    "CLAIMCHECK_CROSSREF_API_KEY": "zqxcrossrefkey",
    "CLAIMCHECK_PUBMED_EMAIL": "zqxncbi@example.org",
    "CLAIMCHECK_PUBMED_API_KEY": "zqxncbikey",
    "CLAIMCHECK_OPENALEX_API_KEY": "zqxopenalexkey",
    "CLAIMCHECK_SEMANTICSCHOLAR_API_KEY": "zqxs2key",
}
SECRET_TOML = """
[sources.pubmed]
tool = "zqxtool"

[sources.openalex]
mailto = "zqxopenalex@example.org"

[sources.datacite]
mailto = "zqxdatacite@example.org"
"""
SENTINEL = b"zqx"
FORMATS = {
    "text": "r.txt",
    "json": "r.json",
    "html": "r.html",
    "markdown": "r.md",
    "csv": "r.csv",
    "sarif": "r.sarif",
    "junit": "r.xml",
    "github": None,
}


@pytest.mark.reliability(
    category="security: secrets and contacts",
    case="sentinel secrets (env and claimcheck.toml), healthy, 503 and echoing-400 runs",
    outcome="in every request sent; in no stdout, stderr, report, lock or cache byte",
)
def test_identification_reaches_the_services_and_no_output(tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(BIB, encoding="utf-8")
    (project / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    (project / "claimcheck.toml").write_text(SECRET_TOML, encoding="utf-8")
    server = FaultServer(FakeWeb(PAPERS))
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(SRC), **environment(server.url, str(cache)), **SECRET_ENV}
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "summary.md")
    outputs: list[bytes] = []

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "claimcheck", *args], env=env, capture_output=True, timeout=120
        )
        assert done.returncode in (0, 1, 2), done.stderr
        assert b"Traceback" not in done.stderr
        outputs.extend([done.stdout, done.stderr])

    try:
        run("lock", str(project))
        for fmt, name in FORMATS.items():
            extra = ["--output", str(tmp_path / name)] if name else []
            run("check", str(project), "--refresh", "--format", fmt, *extra)
        for fault in ("503", ECHO):
            server.faults.update({"crossref": fault, "pubmed": fault, "datacite": fault})
            env["CLAIMCHECK_CACHE"] = "off"
            run("check", str(project), "--refresh", "--format", "json")
            run("check", str(project), "--refresh", "--format", "github")
            run("lock", str(project))
    finally:
        server.stop()

    sent = b"\n".join(server.heads)
    for value in (*SECRET_ENV.values(), "zqxtool", "zqxopenalex@example.org", "zqxdatacite@example.org"):
        assert value.replace("@", "%40").encode() in sent or value.encode() in sent, value
    assert any(b"echo-400" not in h for h in server.heads)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "claimcheck.toml"]
    assert (project / "claimcheck.lock") in written and any(p.suffix == ".sqlite" for p in written)
    for path in written:
        assert SENTINEL not in path.read_bytes(), path
    for text in outputs:
        assert SENTINEL not in text, text[:2000]


@pytest.mark.reliability(
    category="security: secrets and contacts",
    case="a bib `url` pointing at a listening server",
    outcome="never requested (claimcheck fetches no URL from a bibliography)",
)
def test_urls_in_the_bibliography_are_never_fetched(tmp_path):
    server = FaultServer(FakeWeb(PAPERS))
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    bib = BIB.replace(
        "journal = {Metabolism}, year = {2020}, doi = {10.1000/missing.404}}",
        f"journal = {{Metabolism}}, year = {{2020}}, doi = {{10.1000/missing.404}}, url = {{{server.url}/linkbait/a}}}}",
    ).replace(
        "year = {2012}}",
        f"year = {{2012}}, url = {{{server.url}/linkbait/b}}, howpublished = {{\\url{{{server.url}/linkbait/c}}}}}}",
    )
    assert bib.count("/linkbait/") == 3
    (project / "references.bib").write_text(bib, encoding="utf-8")
    (project / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC), **environment(server.url, str(tmp_path / "cache"))}
    try:
        for command in (["lock"], ["check", "--refresh"], ["bib", "fix"]):
            done = subprocess.run(
                [sys.executable, "-m", "claimcheck", command[0], *command[1:2], str(project), *command[2:]]
                if command[0] != "bib"
                else [sys.executable, "-m", "claimcheck", "bib", "fix", str(project)],
                env=env,
                capture_output=True,
                timeout=120,
            )
            assert done.returncode in (0, 1, 2), done.stderr
    finally:
        server.stop()
    assert server.served  # the configured services were asked ...
    assert not any(service == "linkbait" for service, _ in server.served)  # ... the bib's URLs never
    assert {service for service, _ in server.served} <= {
        "crossref",
        "pubmed",
        "idconv",
        "openalex",
        "semanticscholar",
        "europepmc",
        "datacite",
        "doiorg",
    }


@pytest.mark.reliability(
    category="security: secrets and contacts",
    case="a redirect to another host",
    outcome="followed without the API key headers",
)
def test_a_redirect_to_another_host_does_not_carry_the_keys(tmp_path):
    from claimcheck.sources.http import Http, Policy

    server = FaultServer(FakeWeb(PAPERS))
    elsewhere = server.url.replace("127.0.0.1", "localhost")
    server.faults["semanticscholar"] = f"redirect-to:{elsewhere}/moved"
    identity = {"semanticscholar": ({}, {"x-api-key": "zqxs2key"})}
    try:
        http = Http(None, policies={"semanticscholar": Policy(retries=0)}, identity=identity)
        http.get("semanticscholar", f"{server.url}/semanticscholar/paper/x")
    except Exception:
        pass  # the redirected request may fail; what matters is what it carried
    finally:
        server.stop()
    first, second = server.heads[0], server.heads[1]
    assert b"zqxs2key" in first and b"/moved/" in second
    assert b"zqxs2key" not in second
