"""A small trained sequence labeller for printed references (a CRF, python-crfsuite).

Each token of the string gets a field label (author, title, journal, date, volume, issue,
pages, identifiers, other) from features of itself and its neighbours: its shape, whether it
is a year or an initial, and how many sentence breaks precede it. It was trained on GROBID's
citation corpus (see MODEL_CARD.md; rebuilt by `python -m claimcheck.refparse.train`) and reads
what the rules cannot: unusual orders, missing punctuation. Its output is turned into the same
fields as the rules', read by the same author and number readers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from claimcheck.model import Person
from claimcheck.refparse import rules
from claimcheck.refparse.parsed import ParsedReference

MODEL_NAME = "citation.crfsuite"
LABELS = (
    "author",
    "title",
    "journal",
    "date",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "other",
    "O",
)

_TOKEN = re.compile(r"\w+|[^\w\s]")
_MONTH_TEXT = """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april
    june july august september october november december"""
_MONTHS = frozenset(_MONTH_TEXT.split())


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Words and punctuation marks, each with its offsets in the string."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _shape(token: str) -> str:
    shape = re.sub(r"[A-ZÀ-Þ]", "X", token)
    shape = re.sub(r"[a-zß-ÿ]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)[:6]


def _token_features(token: str) -> dict[str, str | float]:
    lower = token.lower()
    features: dict[str, str | float] = {
        "w": lower,
        "shape": _shape(token),
        "suf3": lower[-3:],
        "pre3": lower[:3],
    }
    if re.fullmatch(r"(1[89]|20)\d\d", token):
        features["year"] = 1.0
    if token.isdigit():
        features["digits"] = float(min(len(token), 5))
    if lower in _MONTHS:
        features["month"] = 1.0
    if len(token) == 1 and token.isupper():
        features["initial"] = 1.0
    if token[:1].isupper() and token[1:].islower():
        features["title"] = 1.0
    if token.isupper() and len(token) > 1:
        features["upper"] = 1.0
    return features


def features(text: str) -> list[dict[str, str | float]]:
    """Features of every token: its own, its neighbours', and where it stands in the string."""
    tokens = tokenize(text)
    own = [_token_features(t) for t, _, _ in tokens]
    result: list[dict[str, str | float]] = []
    breaks = 0
    seen_year = False
    count = len(tokens)
    for index, (token, start, end) in enumerate(tokens):
        item: dict[str, str | float] = dict(own[index])
        item["pos"] = str(int(10 * index / max(count, 1)))
        item["breaks"] = str(min(breaks, 6))
        item["after_year"] = str(seen_year)
        item["space_before"] = str(start > 0 and text[start - 1].isspace())
        for offset in (-2, -1, 1, 2):
            other = index + offset
            if 0 <= other < count:
                neighbour = own[other]
                item[f"{offset}:w"] = str(neighbour["w"])
                item[f"{offset}:shape"] = str(neighbour["shape"])
            else:
                item[f"{offset}:edge"] = 1.0
        if index == 0:
            item["first"] = 1.0
        if index == count - 1:
            item["last"] = 1.0
        result.append(item)
        # A sentence break: a full stop (not after an initial) followed by a space.
        if token == "." and index > 0 and len(tokens[index - 1][0]) > 1 and text[end : end + 1].isspace():
            breaks += 1
        if "year" in own[index]:
            seen_year = True
    return result


def to_crfsuite(items: list[dict[str, str | float]]) -> list[dict[str, str | float]]:
    """python-crfsuite's item form: string features become name=value flags."""
    converted = []
    for item in items:
        converted.append(
            {
                (f"{k}={v}" if isinstance(v, str) else k): (1.0 if isinstance(v, str) else v)
                for k, v in item.items()
            }
        )
    return converted


def model_path() -> Path:
    return Path(str(resources.files("claimcheck.refparse") / MODEL_NAME))


@lru_cache(maxsize=1)
def _tagger():
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path()))
    return tagger


def available() -> bool:
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:
        return False
    return model_path().is_file()


def label(text: str) -> list[tuple[str, int, int, str]]:
    """Each token with its offsets and the field label the model gives it."""
    tokens = tokenize(text)
    if not tokens:
        return []
    tags = _tagger().tag(to_crfsuite(features(text)))
    return [(t, s, e, tag) for (t, s, e), tag in zip(tokens, tags, strict=True)]


def _spans(labelled: list[tuple[str, int, int, str]], name: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    previous = None
    for _token, start, end, tag in labelled:
        if tag == name and previous == name and spans:
            spans[-1] = (spans[-1][0], end)
        elif tag == name:
            spans.append((start, end))
        if tag != "O" or previous != name:
            previous = tag
    return spans


def _first(text: str, labelled: list[tuple[str, int, int, str]], name: str) -> str:
    spans = _spans(labelled, name)
    if not spans:
        return ""
    start, end = spans[0]
    return text[start:end].strip(" .,;:\"“”'‘’")


def parse(text: str) -> ParsedReference:
    """Read one printed reference with the trained labeller."""
    original = " ".join(text.split())
    body, ids = rules.take_identifiers(rules._NUMBERING.sub("", original))
    labelled = label(body)
    author_text = ""
    spans = _spans(labelled, "author")
    if spans:
        author_text = body[spans[0][0] : spans[-1][1]]
    after_authors = body[spans[-1][1] : spans[-1][1] + 12] if spans else ""
    persons, others, end = rules.consume_authors(author_text)
    if author_text and (not persons or author_text[end:].strip(" .,;&")):
        remainder = author_text[end:].strip(" .,;&")
        if re.fullmatch(r"(?:et\.?\s*al\.?|and others)", remainder):
            others = True
        elif not persons:
            persons = [Person(literal=author_text.strip(" .,"))]
    if re.match(r"\s*,?\s*et\.?\s*al\b", after_authors):
        others = True
    date = _first(body, labelled, "date")
    year = re.search(r"(?:1[89]|20)\d\d", date)
    pages = _first(body, labelled, "pages")
    kind = "misc" if ids.get("url") and not pages else "article"
    return ParsedReference(
        text=original,
        authors=tuple(persons),
        others=others,
        title=_first(body, labelled, "title"),
        journal=_first(body, labelled, "journal"),
        year=year.group() if year else ids.get("accessed", ""),
        volume=_first(body, labelled, "volume"),
        issue=_first(body, labelled, "issue"),
        pages=rules._pages(pages) if pages else "",
        doi=ids.get("doi", ""),
        pmid=ids.get("pmid", ""),
        pmcid=ids.get("pmcid", ""),
        url=ids.get("url", ""),
        type=kind,
        source="crf",
    )
