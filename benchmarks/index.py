"""Bulk resolution: index N generated records into the local source, then look references up.

    PYTHONPATH=src python -m benchmarks.index --records 1000000

The records are written as dumps in the services' own shapes (half Crossref JSON lines, three
tenths OpenAlex JSON lines, a fifth PubMed XML), then `claimcheck index build` indexes them in a
child process (its wall time and peak RSS are reported), then identifier look-ups (DOI or PMID,
at random) and title searches are timed against the index opened read-only, as `check` opens it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.run import DATA
from benchmarks.simserver import SimulatedWeb
from benchmarks.workload import make_paper


def write_dumps(n: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    crossref, openalex, pubmed = (folder / "crossref.jsonl", folder / "openalex.jsonl", folder / "pubmed.xml")
    rng = random.Random(3)
    with open(crossref, "w") as cr, open(openalex, "w") as oa, open(pubmed, "w") as pm:
        pm.write('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>\n')
        for i in range(n):
            paper = make_paper(rng, i)
            share = i % 10
            if share < 5:
                cr.write(json.dumps(SimulatedWeb._crossref_work(paper)) + "\n")
            elif share < 8:
                oa.write(json.dumps(SimulatedWeb._openalex_work(paper)) + "\n")
            else:
                pm.write(SimulatedWeb._medline(paper) + "\n")
        pm.write("</PubmedArticleSet>\n")
    return [crossref, openalex, pubmed]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="time the look-ups on the index built before")
    args = parser.parse_args(argv)
    folder = DATA / f"index{args.records}"
    index = folder / "local.sqlite"
    if not (args.reuse and index.exists()) and build(args, folder, index):
        return 1
    return lookups(args, index)


def build(args: argparse.Namespace, folder: Path, index: Path) -> int:
    started = time.perf_counter()
    dumps = write_dumps(args.records, folder)
    print(f"wrote {args.records:,} records in {time.perf_counter() - started:.0f}s "
          f"({sum(p.stat().st_size for p in dumps) / 1e9:.2f} GB)", flush=True)
    index.unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    command = [sys.executable, "-m", "claimcheck", "index", "build", "--index", str(index)]
    for dump in dumps:
        command += ["--records", str(dump)]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    build = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print("index build failed", file=sys.stderr)
        return 1
    rate = args.records / build
    print(f"| index build | {args.records:,} records | {build:.0f} s | {rate:,.0f} records/s | "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MB | index {index.stat().st_size / 1e9:.2f} GB |",
          flush=True)
    return 0


def lookups(args: argparse.Namespace, index: Path) -> int:
    from claimcheck.model import Entry
    from claimcheck.sources.local import LocalSource

    source = LocalSource(index_path=index, read_only=True)
    rng = random.Random(5)
    wanted = [rng.randrange(args.records) for _ in range(args.lookups)]
    # by PMID where the dump's record carries one (OpenAlex and PubMed shares), else by DOI
    entries = [
        Entry(key=f"r{n}", pmid=str(30_000_000 + i))
        if n % 2 and i % 10 >= 5
        else Entry(key=f"r{n}", doi=f"10.{5000 + i % 37}/bench.{i}")
        for n, i in enumerate(wanted)
    ]
    started = time.perf_counter()
    found = source.lookup(entries)
    seconds = time.perf_counter() - started
    hits = sum(1 for r in found.values() if r is not None)
    print(f"| identifier look-ups | {len(entries):,} | {seconds:.2f} s | "
          f"{len(entries) / seconds:,.0f} per second | {hits:,} found |", flush=True)
    rng = random.Random(3)  # the dump's own sequence: regenerate the searched papers' titles
    titles = {}
    targets = set(rng.sample(range(args.records), args.searches)) if args.records > args.searches else set()
    rng = random.Random(3)
    for i in range(max(targets, default=-1) + 1):
        paper = make_paper(rng, i)
        if i in targets:
            titles[i] = paper.title
    started = time.perf_counter()
    right = 0
    for title in titles.values():
        results = source.search(Entry(key="s", title=title), limit=5)
        right += bool(results and results[0].title.lower() == title.lower())
    seconds = time.perf_counter() - started
    if titles:
        print(f"| title searches | {len(titles):,} | {seconds:.2f} s | "
              f"{len(titles) / seconds:,.0f} per second | {right:,} ranked first |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
