"""Run the scenarios against the simulated web and print the table for docs/performance.md.

    PYTHONPATH=src python -m benchmarks.run --sizes 1000 10000

Each scenario runs the real `claimcheck` command in a child process (so its peak RSS is its
own) with the default policies, the polite identification a real user sets (an e-mail), and
every base URL pointed at the simulated server:

- cold: empty cache, no lock: `claimcheck check`
- warm cache: the cache the cold run filled, lock ignored: `claimcheck check --no-lock`
- lock only: after `claimcheck lock`, offline: `claimcheck check --offline`
- claim engine: `verify.claims.judge_claims` alone on the project's claims (one per reference)

Generated projects and caches go to benchmarks/.data/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.limits import floor, needed_requests
from benchmarks.simserver import Server, SimulatedWeb
from benchmarks.workload import Workload, generate, write_project

DATA = Path(__file__).resolve().parent / ".data"
SOURCES = ("crossref", "pubmed", "openalex", "europepmc", "semanticscholar", "datacite", "doiorg")


@dataclass
class Result:
    scenario: str
    n: int
    wall: float
    rss_mb: float
    requests: dict[str, int] = field(default_factory=dict)
    id_requests: dict[str, int] = field(default_factory=dict)
    throttled: int = 0
    floor: float = 0.0
    bound_by: str = "-"
    exit: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def per_ref(self, with_ids: int) -> str:
        shown = [f"{s[:8]} {self.id_requests.get(s, 0) / with_ids:.3f}" for s in SOURCES
                 if self.id_requests.get(s)]
        return ", ".join(shown) or "0"


def _one_core() -> None:
    """Pin the child to one CPU (the bar: warm runs on one core); the server keeps the others."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _child(args: list[str], env: dict[str, str], cwd: Path | None = None,
           one_core: bool = True) -> tuple[int, float, float]:
    """Run a child; its exit code, wall seconds and peak RSS in MB (its own, via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_one_core if one_core else None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! exit {code}: {stderr[-2000:]}", file=sys.stderr)
    return code, wall, usage.ru_maxrss / 1024


def _env(server: Server, cache: Path, offline: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_")}
    env.update(server.environment())
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    env.update({"CLAIMCHECK_CACHE_DIR": str(cache), "CLAIMCHECK_EMAIL": "bench@example.org",
                "CLAIMCHECK_OFFLINE": "1" if offline else "0"})
    return env


def _statuses(report: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ref in json.loads(report.read_text())["references"]:
        counts[ref["status"]] = counts.get(ref["status"], 0) + 1
    return counts


def run_size(n: int, latency: float, scenarios: set[str]) -> list[Result]:
    workload = generate(n)
    root = DATA / f"n{n}"
    shutil.rmtree(root, ignore_errors=True)
    project = write_project(root / "project", workload)
    cache = root / "cache"
    report = root / "report.json"
    web = SimulatedWeb(workload.papers, latency=latency)
    results: list[Result] = []
    claimcheck = [sys.executable, "-m", "claimcheck"]
    with_ids = workload.count("doi") + workload.count("pmid")
    with Server(web) as server:

        def scenario(name: str, args: list[str], offline: bool, cold: bool) -> Result:
            web.stats.reset()
            code, wall, rss = _child(claimcheck + args, _env(server, cache, offline))
            needed = needed_requests(workload, cold=cold)
            bound, by = floor(needed, latency) if cold else (0.0, "-")
            result = Result(
                scenario=name, n=n, wall=wall, rss_mb=rss, requests=dict(web.stats.requests),
                id_requests={s: c for (s, kind), c in web.stats.kinds.items() if kind == "id"},
                throttled=sum(web.stats.throttled.values()), floor=bound, bound_by=by, exit=code,
                statuses=_statuses(report) if report.exists() else {},
            )
            print(_row(result, with_ids), flush=True)
            return result

        check = ["check", str(project), "--format", "json", "-o", str(report)]
        if "cold" in scenarios:
            results.append(scenario("cold cache", [*check, "--no-lock"], False, True))
        if scenarios & {"warm", "lock"}:
            if not results:  # fill the cache first
                scenario("fill cache", [*check, "--no-lock"], False, True)
            if "warm" in scenarios:
                results.append(scenario("warm cache", [*check, "--no-lock"], False, False))
            if "lock" in scenarios:
                _child([*claimcheck, "lock", str(project)], _env(server, cache))
                report.unlink(missing_ok=True)
                results.append(scenario("lock only", [*check, "--offline"], True, False))
                text = ["check", str(project), "--offline", "-o", str(root / "report.txt")]
                results.append(scenario("lock only, text report", text, True, False))
        if "claims" in scenarios:
            if not (project / "claimcheck.lock").exists():
                _child([*claimcheck, "lock", str(project)], _env(server, cache))
            env = _env(server, cache, offline=True)
            out = root / "engine.json"
            code, _, rss = _child([sys.executable, "-m", "benchmarks.engine", str(project), str(out)], env,
                                  cwd=Path(__file__).resolve().parents[1])
            timing = json.loads(out.read_text())
            result = Result(scenario="claim engine", n=timing["claims"], wall=timing["seconds"], rss_mb=rss,
                            exit=code)
            print(_row(result, with_ids), flush=True)
            results.append(result)
    return results


HEADER = ("| scenario | N | wall (s) | floor (s) | wall / floor | bound by | id requests per reference "
          "per source | 429s | peak RSS (MB) |\n|---|---|---|---|---|---|---|---|---|")


def _row(r: Result, with_ids: int) -> str:
    ratio = f"{r.wall / r.floor:.2f}" if r.floor else "-"
    floor_text = f"{r.floor:.1f}" if r.floor else "-"
    per_ref = r.per_ref(with_ids) if r.scenario != "claim engine" else "-"
    return (f"| {r.scenario} | {r.n:,} | {r.wall:.1f} | {floor_text} | {ratio} | {r.bound_by} | {per_ref} | "
            f"{r.throttled} | {r.rss_mb:.0f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--latency", type=float, default=0.08, help="seconds per request [0.08]")
    parser.add_argument("--scenarios", default="cold,warm,lock,claims")
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    print(HEADER)
    all_results = []
    for n in args.sizes:
        all_results += run_size(n, args.latency, set(args.scenarios.split(",")))
    for r in all_results:
        if r.statuses:
            print(f"  {r.scenario} N={r.n}: {r.statuses}", file=sys.stderr)
    return 0


def workload_summary(workload: Workload) -> str:
    return (f"{workload.count('doi')} DOI, {workload.count('pmid')} PMID only, {workload.count('title')} "
            f"title only, {workload.without_abstract} without an abstract")


if __name__ == "__main__":
    sys.exit(main())
