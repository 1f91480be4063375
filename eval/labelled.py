"""Score the claim engine on claimcheck's own labelled set (eval/labelled_claims.yaml).

    python eval/labelled.py                      # the tuned part (two thirds), with its errors
    python eval/labelled.py --part held-aside    # the held-aside third: score it once, at the end
    python eval/labelled.py --part all --quiet
    python eval/labelled.py --part final         # eval/labelled_final.yaml: the untouched final test

The claims cite the bundled seed records by id; the records (and their abstracts) are read at
run time from ../shared/seed/records.csl.json (override with CLAIMCHECK_SHARED). A claim belongs
to the held-aside third when CRC-32 of its id is divisible by three: deterministic, independent
of the order of the file, and fixed before any tuning. The held-aside part prints no per-claim
errors, so that looking at it cannot become tuning.
"""

from __future__ import annotations

import argparse
import os
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from claimcheck.model import Claim, Record  # noqa: E402
from claimcheck.sources.local import read_records  # noqa: E402
from claimcheck.verify.engine import Assessment, Engine  # noqa: E402

SHARED = Path(os.environ.get("CLAIMCHECK_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "records.csl.json"
LABELLED = REPO / "eval" / "labelled_claims.yaml"
#: Written afterwards by someone who never ran the engine on it: the final test, scored once.
FINAL = REPO / "eval" / "labelled_final.yaml"
LABELS = ("supported", "overstated", "unsupported", "contradicted")
FLAGS = ("overstated", "unsupported", "contradicted")


def held_aside(claim_id: str) -> bool:
    """The held-aside third: CRC-32 of the claim id divisible by three."""
    return zlib.crc32(claim_id.encode("utf-8")) % 3 == 0


@dataclass(frozen=True)
class Item:
    id: str
    ref: str
    claim: str
    label: str
    reason: str


def load(path: Path = LABELLED) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = [
        Item(c["id"], str(c["ref"]), c["claim"], c["label"], c.get("reason", "")) for c in data["claims"]
    ]
    bad = [i.id for i in items if i.label not in LABELS]
    if bad:
        raise SystemExit(f"{path}: unknown labels on {', '.join(bad)}")
    return items


def records(path: Path = SEED) -> dict[str, Record]:
    found: dict[str, Record] = {}
    for record in read_records(path, display=path.name):
        found[record.id.split("|")[-1]] = record
    return found


@dataclass(frozen=True)
class Result:
    item: Item
    predicted: str
    assessment: Assessment


def judge(items: Sequence[Item], engine: Engine | None = None) -> list[Result]:
    engine = engine or Engine()
    by_id = records()
    results = []
    for item in items:
        if item.ref not in by_id:
            raise SystemExit(f"{item.id}: no seed record '{item.ref}'")
        claim = Claim(id=item.id, text=item.claim, cites=(item.ref,))
        assessment = engine.assess(claim, by_id[item.ref], item.ref)
        results.append(Result(item, assessment.verdict.value, assessment))
    return results


@dataclass(frozen=True)
class Figures:
    n: int
    right: int
    #: Claims labelled unsupported or contradicted that the engine called supported.
    false_supported: int
    flags: int
    right_flags: int
    confusion: dict[tuple[str, str], int]

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0

    @property
    def flag_precision(self) -> float:
        """Share of non-supported verdicts that are right (the exact label)."""
        return self.right_flags / self.flags if self.flags else 0.0

    @property
    def flag_precision_any(self) -> float:
        """Share of non-supported verdicts on claims that are indeed not supported."""
        return self._any / self.flags if self.flags else 0.0

    _any: int = 0

    def matrix(self) -> str:
        head = "| labelled \\ verdict | " + " | ".join(LABELS) + " |"
        rows = [head, "|---|" + "---:|" * len(LABELS)]
        for gold in LABELS:
            rows.append(
                f"| {gold} | " + " | ".join(str(self.confusion.get((gold, p), 0)) for p in LABELS) + " |"
            )
        return "\n".join(rows)

    def summary(self) -> str:
        return (
            f"{self.n} claims: {self.accuracy:.3f} verdicts right ({self.right}/{self.n}); "
            f"false 'supported' on unsupported/contradicted: {self.false_supported}; "
            f"flag precision {self.flag_precision:.3f} ({self.right_flags}/{self.flags}; "
            f"{self.flag_precision_any:.3f} counting any non-supported verdict on a non-supported claim)"
        )


def figures(results: Sequence[Result]) -> Figures:
    confusion = Counter((r.item.label, r.predicted) for r in results)
    flagged = [r for r in results if r.predicted in FLAGS]
    return Figures(
        n=len(results),
        right=sum(r.item.label == r.predicted for r in results),
        false_supported=sum(
            r.predicted == "supported" and r.item.label in ("unsupported", "contradicted") for r in results
        ),
        flags=len(flagged),
        right_flags=sum(r.item.label == r.predicted for r in flagged),
        confusion=dict(confusion),
        _any=sum(r.item.label != "supported" for r in flagged),
    )


def part(items: Sequence[Item], name: str) -> list[Item]:
    if name == "final":
        return load(FINAL)
    if name == "all":
        return list(items)
    aside = name == "held-aside"
    return [i for i in items if held_aside(i.id) == aside]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=("tuned", "held-aside", "all", "final"), default="tuned")
    parser.add_argument("--quiet", action="store_true", help="figures only, no per-claim errors")
    args = parser.parse_args(argv)
    if not SEED.exists():
        print(f"the seed records are not at {SEED} (set CLAIMCHECK_SHARED)", file=sys.stderr)
        return 3
    items = part(load(), args.part)
    results = judge(items)
    if args.part in ("tuned", "all") and not args.quiet:
        for r in results:
            if r.predicted != r.item.label:
                codes = ",".join(f.code for f in r.assessment.findings) or "-"
                print(f"{r.item.label:>12} -> {r.predicted:<12} {r.item.id} [{codes}] {r.item.claim}")
                for f in r.assessment.findings:
                    print(f"{'':>16}{f.code}: {f.message}")
    result = figures(results)
    print(f"\n{args.part}: {result.summary()}\n")
    print(result.matrix())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
