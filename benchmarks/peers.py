"""Peers side by side: the same generated bibliography, the same simulated web, cold caches.

    PYTHONPATH=src python -m benchmarks.peers --sizes 1000

paper-preflight (PyPI) is installed by this script into a virtual environment under
benchmarks/.peers/ (git-ignored; never a dependency of claimcheck). It has a transport hook
(`paper_preflight.check.make_transport`): the runner below replaces it with an httpx transport
that sends every request for api.crossref.org, eutils.ncbi.nlm.nih.gov, api.openalex.org,
api.semanticscholar.org, api.datacite.org, doi.org and sparql.dblp.org to the simulated web
(any other host gets the simulator's 404). Both tools run with their default policies and an
e-mail for the polite pools. Reported: wall time, requests by service, 429s, peak RSS, and the
ratios peer / claimcheck.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.run import DATA, _child, _env
from benchmarks.simserver import Server, SimulatedWeb
from benchmarks.workload import generate, write_project

PEERS = Path(__file__).resolve().parent / ".peers"
PEER = "paper-preflight"

RUNNER = r'''
import json, os, sys, time
import httpx
import paper_preflight
from paper_preflight import check

BASE = httpx.URL(os.environ["SIM_URL"])
HOSTS = {
    "api.crossref.org": ("/crossref", ""),
    "eutils.ncbi.nlm.nih.gov": ("/pubmed", "/entrez/eutils"),
    "api.openalex.org": ("/openalex", ""),
    "api.semanticscholar.org": ("/semanticscholar", "/graph/v1"),
    "api.datacite.org": ("/datacite", ""),
    "doi.org": ("/doiorg", ""),
    "sparql.dblp.org": ("/dblp", ""),
}


class ToSimulatedWeb(httpx.AsyncBaseTransport):
    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        prefix, strip = HOSTS.get(request.url.host, ("/unsimulated/" + request.url.host, ""))
        raw = request.url.raw_path
        if strip and raw.startswith(strip.encode()):
            raw = raw[len(strip):]
        request.url = request.url.copy_with(scheme=BASE.scheme, host=BASE.host, port=BASE.port,
                                            raw_path=prefix.encode() + raw)
        request.headers["Host"] = f"{BASE.host}:{BASE.port}"
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


check.make_transport = lambda: ToSimulatedWeb()
started = time.perf_counter()
report = paper_preflight.check_paper(sys.argv[1], cache=None, settings=None)
seconds = time.perf_counter() - started
verdicts = {}
for ref in report.references:
    verdicts[ref.verdict] = verdicts.get(ref.verdict, 0) + 1
json.dump({"seconds": seconds, "complete": report.complete, "verdicts": verdicts}, open(sys.argv[2], "w"))
'''


def install() -> Path:
    """The peer's virtual environment (created once), with paper-preflight from PyPI."""
    venv = PEERS / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER], check=True)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--latency", type=float, default=0.08)
    args = parser.parse_args(argv)
    python = install()
    shown = subprocess.run([str(python), "-m", "pip", "show", PEER], capture_output=True, text=True).stdout
    version = next((v.split(":", 1)[1].strip() for v in shown.splitlines() if v.startswith("Version")), "?")
    runner = PEERS / "run_paper_preflight.py"
    runner.write_text(RUNNER, encoding="utf-8")
    print(f"peer: {PEER} {version}")
    print("| tool | N | wall (s) | requests (by service) | 429s | peak RSS (MB) | outcome |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes:
        workload = generate(n)
        root = DATA / f"peers{n}"
        project = write_project(root / "project", workload)
        web = SimulatedWeb(workload.papers, latency=args.latency)
        rows = {}
        with Server(web) as server:
            cache = root / "cache"
            for tool in ("claimcheck", PEER):
                web.stats.reset()
                out = root / f"{tool}.json"
                if tool == "claimcheck":
                    if cache.exists():
                        subprocess.run(["rm", "-rf", str(cache)], check=True)
                    command = [sys.executable, "-m", "claimcheck", "check", str(project), "--no-lock",
                               "--format", "json", "-o", str(out)]
                    env = _env(server, cache)
                else:
                    command = [str(python), str(runner), str(project / "references.bib"), str(out)]
                    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMCHECK_", "PYTHON"))}
                    env.update({"SIM_URL": server.url, "PAPER_PREFLIGHT_EMAIL": "bench@example.org"})
                started = time.perf_counter()
                code, wall, rss = _child(command, env)
                wall = time.perf_counter() - started
                if tool == "claimcheck":
                    refs = json.loads(out.read_text())["references"]
                    outcome: dict = {}
                    for ref in refs:
                        outcome[ref["status"]] = outcome.get(ref["status"], 0) + 1
                else:
                    outcome = json.loads(out.read_text()) if out.exists() else {"exit": code}
                    outcome = {"complete": outcome.get("complete"), **outcome.get("verdicts", {})}
                requests = dict(sorted(web.stats.requests.items()))
                rows[tool] = (wall, sum(requests.values()), sum(web.stats.throttled.values()), rss)
                shown = ", ".join(f"{k} {v}" for k, v in requests.items())
                print(f"| {tool} | {n:,} | {wall:.1f} | {shown} | {sum(web.stats.throttled.values())} | "
                      f"{rss:.0f} | {outcome} |", flush=True)
        ours, theirs = rows["claimcheck"], rows[PEER]
        print(f"| ratio {PEER} / claimcheck | {n:,} | {theirs[0] / ours[0]:.2f} | "
              f"{theirs[1] / max(ours[1], 1):.2f} (requests) | - | {theirs[3] / ours[3]:.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
