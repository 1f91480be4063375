"""Field-level accuracy of a reference parser on labelled strings, per style and per field.

A field counts when the labelled string has it or the parser filled it: a field found where
none is printed is an error too. Authors are one field: the whole list, in order, with
"et al." (`others`) included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimcheck.model import Person
from claimcheck.refparse.parsed import FIELDS, ParsedReference

SCORED = ("type", *FIELDS)


def _person(text: str) -> Person:
    if text.startswith("{") and text.endswith("}"):
        return Person(literal=text[1:-1])
    family, _, given = text.partition(",")
    return Person(family=family.strip(), given=given.strip())


def expected_reference(item: Mapping[str, Any]) -> ParsedReference:
    return ParsedReference(
        text=item["text"],
        authors=tuple(_person(a) for a in item.get("authors", [])),
        others=bool(item.get("others", False)),
        type=item.get("type", "article"),
        **{name: str(item.get(name, "")) for name in FIELDS if name != "authors"},
    )


def load_labelled(path: Path) -> list[tuple[str, ParsedReference]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(item["style"], expected_reference(item)) for item in items]


def _value(reference: ParsedReference, name: str) -> Any:
    if name == "authors":
        return (reference.authors, reference.others) if reference.authors or reference.others else None
    return getattr(reference, name) or None


@dataclass
class Score:
    right: int = 0
    total: int = 0
    errors: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def score(
    labelled: Iterable[tuple[str, ParsedReference]], parser: Callable[[str], ParsedReference]
) -> dict[tuple[str, str], Score]:
    """Scores keyed by (style, field); ("all", field), (style, "all") and ("all", "all") too."""
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    for style, expected in labelled:
        got = parser(expected.text)
        for name in SCORED:
            want, have = _value(expected, name), _value(got, name)
            if want is None and have is None:
                continue
            # DOIs are case-insensitive: the parser keeps the printed case
            ok = want.lower() == have.lower() if name == "doi" and want and have else want == have
            for key in ((style, name), ("all", name), (style, "all"), ("all", "all")):
                scores[key].total += 1
                scores[key].right += ok
            if not ok:
                scores[(style, "all")].errors.append((expected.text, name, want, have))
    return scores


def table(results: Mapping[str, Mapping[tuple[str, str], Score]], styles: list[str]) -> str:
    """A Markdown table: one row per style, one column per parser (fields exact / fields)."""
    names = list(results)
    lines = ["| style | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for style in [*styles, "all"]:
        cells = []
        for name in names:
            s = results[name][(style, "all")]
            cells.append(f"{100 * s.accuracy:.1f}% ({s.right}/{s.total})")
        lines.append(f"| {style} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """`python -m claimcheck.refparse.evaluate FILE.yaml …`: the rules, the labeller and the
    combination side by side, per style (the table in docs/extract.md)."""
    import sys

    from claimcheck.refparse import crf, parse_reference, rules

    for name in argv if argv is not None else sys.argv[1:]:
        labelled = load_labelled(Path(name))
        styles = sorted({style for style, _ in labelled})
        results = {"rules": score(labelled, rules.parse), "crf": score(labelled, crf.parse)}
        results["combined"] = score(labelled, parse_reference)
        print(f"{name} ({len(labelled)} strings)\n{table(results, styles)}\n")


if __name__ == "__main__":
    main()
