"""How many claims per second the model engine reads on one core, cold and warm.

    PYTHONPATH=src python -m benchmarks.model_speed            # Check-COVID dev + test claims
    PYTHONPATH=src python -m benchmarks.model_speed --article  # the bundled article instead

Cold: a fresh process's engine with an empty score cache, so every (claim, passage) pair goes
through the model; warm: the same claims again, every score from the cache. The process is
pinned to one CPU. Claims per second are given by wall time and by the process's CPU time (on
a machine shared with other jobs the CPU figure is the one that says what one core does).
A benchmark, not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "eval"))

from claimcheck.verify.engine import Engine  # noqa: E402
from claimcheck.verify.reader import Reader, ScoreCache, load_scorer  # noqa: E402


def covid_pairs() -> list:
    import evaluate

    corpus = evaluate.covid_corpus()
    names = [evaluate.COVID_SPLITS[k] for k in ("dev", "test (composed)", "test (extracted)")]
    return [
        (evaluate.Claim(id=str(i["id"]), text=i["claim"], cites=(i["cord_id"],)), corpus[i["cord_id"]])
        for name in names
        for i in evaluate._jsonl(evaluate.COVID / name)
    ]


def article_pairs() -> list:
    from speed import article_pairs as pairs  # benchmarks/speed.py

    return pairs(1)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--article", action="store_true", help="the bundled article's claims")
    parser.add_argument("--model", default="", help="[engine] model (default: the shipped one)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    sys.path.insert(0, str(REPO / "benchmarks"))
    pairs = article_pairs() if args.article else covid_pairs()
    scorer = load_scorer(args.model)
    assert scorer is not None
    reader = Reader(scorer, ScoreCache(None))  # memory only: starts empty
    engine = Engine(reader=reader)
    for label in ("cold", "warm"):
        before = reader.inferred
        wall, cpu = time.perf_counter(), time.process_time()
        for claim, record in pairs:
            engine.assess(claim, record, "r")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{label}: {len(pairs)} claims, {reader.inferred - before} passages read by the model; "
            f"{len(pairs) / wall:,.1f} claims/s by wall time ({wall:.1f} s), "
            f"{len(pairs) / cpu:,.1f} claims/s by CPU time ({cpu:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
