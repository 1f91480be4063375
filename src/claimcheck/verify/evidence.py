"""Evidence retrieval: a record's text as labelled sentences, ranked against a claim.

Every claim finding quotes the sentences it rests on, so a reader can check the flag. The
default ranking is BM25 over the record's own sentences with two boosts that matter for health
claims: numbers the claim states, and named entities (drug names, acronyms such as VAT or HbA1c)
count more than ordinary words. It needs no model and runs in microseconds per sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from claimcheck.model import Record

#: A structured-abstract label: "RESULTS:", "Conclusions and Relevance:", "DESIGN, SETTING, AND
#: PATIENTS:". At most six words, each capitalised (or a joining word), followed by a colon.
_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[.!?\]]\s)|(?<=[.!?\]]\s\s))"
    r"((?:[A-Z][A-Za-z]*|and|AND|of|OF)(?:[ ,]+(?:[A-Z][A-Za-z]*|and|AND|of|OF|&)){0,5}):\s+"
)
#: Abbreviations after which a full stop does not end a sentence.
_NO_BREAK = (
    "vs",
    "e.g",
    "i.e",
    "et al",
    "approx",
    "fig",
    "no",
    "ref",
    "dr",
    "mr",
    "ms",
    "st",
    "ca",
    "cf",
    "resp",
)
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")
_ELISION = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]|\[[^\]]*(?:\.\.\.|…)\]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a record: its text, the abstract section it sits in, and its position."""

    text: str
    label: str = ""
    index: int = 0

    def quoted(self) -> str:
        """The sentence as the report quotes it, with its section label when it has one."""
        return f"{self.label}: {self.text}" if self.label else self.text


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    score: float


def _split_plain(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BREAK.finditer(text):
        before = text[start : match.start()].rstrip()
        tail = before.lower()
        if any(tail.endswith(" " + abbr + ".") or tail == abbr + "." for abbr in _NO_BREAK):
            continue
        pieces.append(before)
        start = match.end()
    pieces.append(text[start:].strip())
    return [p.strip() for p in pieces if len(p.strip()) > 1]


@lru_cache(maxsize=4096)
def split_sentences(abstract: str, title: str = "") -> tuple[Sentence, ...]:
    """Split a title and abstract into sentences, keeping structured-abstract labels.

    Elision marks that seed records use for cut text ("[...]", "…") are removed; the sentence
    around them is kept, so a truncated abstract still yields what it holds.
    """
    sentences: list[Sentence] = []
    if title.strip():
        sentences.append(Sentence(title.strip().rstrip("."), "TITLE", 0))
    segments: list[tuple[str, str]] = []
    label = ""
    for chunk in _ELISION.split(abstract or ""):
        chunk = re.sub(r"\s*(?:\.{3,}|…)\s*", " … ", chunk)
        chunk = re.sub(r"\s+", " ", chunk).strip()
        position = 0
        for match in _LABEL.finditer(chunk):
            segments.append((label, chunk[position : match.start()]))
            label = match.group(1).strip().upper()
            position = match.end()
        segments.append((label, chunk[position:]))
    for label, segment in segments:
        for piece in _split_plain(segment.strip()):
            if re.search(r"[A-Za-z]{2}", piece):
                sentences.append(Sentence(piece, label, len(sentences)))
    return tuple(sentences)


def record_sentences(record: Record) -> tuple[Sentence, ...]:
    return split_sentences(record.abstract, record.title)


# --- tokens ---------------------------------------------------------------------------------------

_STOP_WORDS = """
    a an the of in on at to for from by with without and or but as is are was were be been being this
    that these those it its their there which who whom whose what when where while than then such can
    could may might will would should shall has have had do does did not no nor also into onto over
    under about after before between during through per via both each other more most less least very
    much many some any all only own same so too just our we they he she his her them us i you your one
    two three who's it's based using used use shown show shows showed study studies
"""
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|\d+(?:\.\d+)?")

#: Abbreviations health writing uses interchangeably with their expansions.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "vat": ("visceral adipose tissue", "visceral fat", "visceral adiposity"),
    "hba1c": (
        "glycated haemoglobin",
        "glycated hemoglobin",
        "hemoglobin a1c",
        "haemoglobin a1c",
        "glycosylated hemoglobin",
        "a1c",
    ),
    "gh": ("growth hormone",),
    "ghrh": (
        "growth hormone-releasing hormone",
        "growth hormone-releasing factor",
        "ghrf",
        "gh-releasing hormone",
    ),
    "glp-1": ("glucagon-like peptide-1", "glp-1r"),
    "gip": ("glucose-dependent insulinotropic polypeptide", "gipr", "gip-r"),
    "t2dm": ("type 2 diabetes", "t2d", "type 2 diabetes mellitus"),
    "igf-1": ("igf-i", "insulin-like growth factor i", "insulin-like growth factor 1"),
    "hiv": ("human immunodeficiency virus",),
    "cst": ("catestatin",),
    "hdl": ("high-density lipoprotein",),
}


_SUFFIXES = ("ations", "ation", "ments", "ment", "ities", "ity", "ness", "ing", "ed", "es", "ly", "s", "e")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to meet 'reduces'/'reduced'/'reduction' half-way."""
    w = word.lower()
    if len(w) <= 4 or not w.isalpha():
        return w
    if w.endswith(("ies", "ied")) and len(w) > 5:
        return w[:-3] + "y"
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def tokens(text: str) -> list[str]:
    """Content tokens, stemmed; numbers kept as they are written."""
    return list(_tokens(text))


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in _WORD.findall(text) if t.lower() not in _STOP)


@lru_cache(maxsize=65536)
def numbers_in(text: str) -> frozenset[str]:
    return frozenset(n.lstrip("0") or "0" for n in re.findall(r"(?<![A-Za-z-])\d+(?:\.\d+)?", text))


def entities(text: str) -> set[str]:
    """Names a claim cannot be about without: acronyms, drug-like names, capitalised terms."""
    found: set[str] = set()
    for match in re.finditer(r"\b[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b", text):
        word = match.group(0)
        upper = sum(1 for c in word if c.isupper())
        acronym = (upper >= 2 and len(word) <= 12) or bool(re.search(r"[a-z][A-Z]|\d", word))
        named = match.start() > 0 and word[0].isupper() and len(word) > 3 and word.lower() not in _STOP
        drug = len(word) > 6 and re.search(r"(tide|relin|statin|mab|tatin)$", word.lower()) is not None
        if acronym or named or drug:
            found.add(word.lower())
    return found


# --- ranking --------------------------------------------------------------------------------------


class BM25Retriever:
    """BM25 over one record's sentences, boosting shared numbers and named entities."""

    name = "bm25"

    def __init__(
        self, k1: float = 1.2, b: float = 0.75, number_boost: float = 1.5, entity_boost: float = 1.0
    ) -> None:
        self.k1, self.b = k1, b
        self.number_boost, self.entity_boost = number_boost, entity_boost

    def rank(self, claim: str, sentences: Sequence[Sentence], k: int = 3) -> list[Scored]:
        if not sentences:
            return []
        docs = [_tokens(s.text) for s in sentences]
        query = set(tokens(expand(claim)))
        claim_numbers = numbers_in(claim)
        claim_entities = {stem(e) for e in entities(claim)}
        n = len(docs)
        average = sum(len(d) for d in docs) / n or 1.0
        frequency = Counter(t for d in docs for t in set(d))
        scored: list[Scored] = []
        for sentence, doc in zip(sentences, docs, strict=True):
            counts = Counter(doc)
            score = 0.0
            for term in query:
                tf = counts.get(term, 0)
                if not tf:
                    continue
                idf = math.log(1 + (n - frequency[term] + 0.5) / (frequency[term] + 0.5))
                weight = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * len(doc) / average))
                boost = 1 + self.entity_boost if term in claim_entities else 1.0
                score += idf * weight * boost
            shared_numbers = claim_numbers & numbers_in(sentence.text)
            score += self.number_boost * len(shared_numbers)
            scored.append(Scored(sentence, score))
        scored.sort(key=lambda s: (-s.score, s.sentence.index))
        return scored[:k]


@lru_cache(maxsize=65536)
def expand(text: str) -> str:
    """The text with each abbreviation's expansion appended (and vice versa), for matching."""
    lower = text.lower()
    extra: list[str] = []
    for short, longs in SYNONYMS.items():
        if short in lower and re.search(rf"(?<![a-z0-9]){re.escape(short)}(?![a-z0-9])", lower):
            extra.extend(longs)
        elif any(long in lower for long in longs):
            extra.append(short)
    return text + (" " + " ".join(extra) if extra else "")
