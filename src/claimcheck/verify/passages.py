"""The passages a claim is read against: the retriever's best sentences with their neighbours,
and the whole abstract when it fits the model's window.

A sentence alone often lacks its subject ("It reduced mortality by 20%"), and a whole abstract
rarely fits a small model's window, so the model reads short windows around the sentences the
retriever ranks best. The training code builds its pairs with the same `window`, so the model
sees at run time the kind of passage it was trained on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from claimcheck.verify.evidence import Scored, Sentence


@dataclass(frozen=True)
class Passage:
    """A stretch of a record's text and the sentence positions it spans."""

    text: str
    indices: tuple[int, ...]


def window(texts: Sequence[str], centre: Sequence[int], radius: int = 1) -> tuple[int, ...]:
    """The positions from `radius` before the first centre sentence to `radius` after the last."""
    if not texts or not centre:
        return ()
    start = max(0, min(centre) - radius)
    end = min(len(texts) - 1, max(centre) + radius)
    return tuple(range(start, end + 1))


def passages(
    sentences: Sequence[Sentence],
    ranked: Sequence[Scored],
    fits: Callable[[str], bool],
    limit: int = 3,
    radius: int = 1,
) -> list[Passage]:
    """The whole text when it fits, else a window around each of the `limit` best sentences
    (sentence and `radius` neighbours each side when they fit, the sentence alone when not),
    without repeats."""
    texts = [s.text for s in sentences]
    whole = " ".join(texts)
    if texts and fits(whole):
        return [Passage(whole, tuple(range(len(texts))))]
    out: list[Passage] = []
    seen: set[tuple[int, ...]] = set()
    position = {s.index: i for i, s in enumerate(sentences)}
    for scored in list(ranked)[:limit]:
        if scored.score <= 0 or scored.sentence.index not in position:
            continue
        i = position[scored.sentence.index]
        for width in range(radius, -1, -1):
            span = window(texts, [i], width)
            text = " ".join(texts[j] for j in span)
            if width == 0 or fits(text):
                break
        if span not in seen:
            seen.add(span)
            out.append(Passage(text, span))
    return out
