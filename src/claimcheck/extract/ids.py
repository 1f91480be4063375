"""Claim ids from a sentence's content words: readable, deterministic, unique in the file."""

from __future__ import annotations

import re
from collections.abc import Collection

from claimcheck.normalize import fold

#: Words that carry no content in an id.
_STOPWORD_TEXT = """a about above across after again against all also although among an and any are as at be
    because been before being between both but by can could did do does during each either even
    for from further had has have having her here his how however if in into is it its itself
    just like likely may meaning might more most much must no nor not of often on once one only
    or other our out over own particularly same several should so some such than that the their
    them then there these they this those through thus to too under until up upon very via was
    we were what when where whether which while who whom whose why will with within without
    would yet you your additionally conversely consequently interestingly specifically directly
    significantly particularly relatively typically eg ie"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MAX_WORDS = 6
MAX_LENGTH = 60


def slug(text: str) -> str:
    """The first content words of the sentence, numbers kept, joined by hyphens."""
    words = [w for w in fold(text).split() if w not in STOPWORDS and (len(w) > 2 or w.isdigit())]
    picked: list[str] = []
    for word in words:
        if word in picked:
            continue
        if len("-".join([*picked, word])) > MAX_LENGTH:
            break
        picked.append(word)
        if len(picked) == MAX_WORDS:
            break
    return "-".join(picked) or "claim"


def unique_id(text: str, taken: Collection[str]) -> str:
    """`slug(text)`, with `-2`, `-3`, ... when the id is already used."""
    base = re.sub(r"[^a-z0-9-]", "", slug(text)) or "claim"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate
