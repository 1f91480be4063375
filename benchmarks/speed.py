"""How many claims per second the default engine judges on one core, records already resolved.

    python benchmarks/speed.py            # the bundled article (claims x their cited records)
    python benchmarks/speed.py --covid    # also the Check-COVID claims from ../shared/datasets

A benchmark, not a test: the figure depends on the machine. The first pass analyses each
record's sentences once; later passes reuse the cached analysis (as a run judging many claims
against the same records does).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from claimcheck.audit import AuditOptions, _resolve_with_lock, load_lock  # noqa: E402
from claimcheck.project import load_project  # noqa: E402
from claimcheck.verify.engine import Engine  # noqa: E402


def article_pairs(repeat: int):
    project = load_project(REPO)
    lock = load_lock(project)
    resolutions = _resolve_with_lock(project, AuditOptions(offline=True), lock)
    pairs = [
        (claim, resolutions[key].record)
        for claim in project.claims
        for key in claim.cites
        if resolutions[key].record is not None and resolutions[key].record.abstract
    ]
    return pairs * repeat


def measure(pairs, rounds: int = 3) -> tuple[float, float]:
    engine = Engine()
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for claim, record in pairs:
            engine.assess(claim, record, "r")
        rates.append(len(pairs) / (time.perf_counter() - start))
    return rates[0], max(rates[1:])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--covid", action="store_true", help="also time the Check-COVID claims")
    parser.add_argument(
        "--repeat", type=int, default=20, help="how many times the article's pairs are judged"
    )
    args = parser.parse_args()
    pairs = article_pairs(args.repeat)
    first, later = measure(pairs)
    print(f"article: {len(pairs)} claim-record judgements; first pass {first:,.0f}/s, cached {later:,.0f}/s")
    if args.covid:
        sys.path.insert(0, str(REPO / "eval"))
        import evaluate

        corpus = evaluate.covid_corpus()
        covid = [
            (evaluate.Claim(id=str(i["id"]), text=i["claim"], cites=(i["cord_id"],)), corpus[i["cord_id"]])
            for name in evaluate.COVID_SPLITS.values()
            for i in evaluate._jsonl(evaluate.COVID / name)
        ]
        first, later = evaluate.speed(Engine(), covid)
        print(f"Check-COVID: {len(covid)} claims; first pass {first:,.0f}/s, cached {later:,.0f}/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
