"""Which references a sentence cites: certain from citation markers, suggested by topic otherwise.

Markers (`[@key]`, numbered `[3]` resolved through the document's own reference list) are the
author's links and are certain. Without them, a reference is suggested when the sentence shares
its distinctive title words (weighted by how few titles use them): a lead to review, never
evidence, so the scaffold writes suggestions as a comment and leaves `cites` to the person.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from claimcheck.extract.ids import STOPWORDS
from claimcheck.inputs.documents import Sentence
from claimcheck.model import Entry
from claimcheck.normalize import fold
from claimcheck.refparse.rules import take_identifiers

#: Title words that say nothing about a paper's topic.
_GENERIC_TEXT = """study studies effect effects patients patient novel recent advances update review analysis
    clinical trial trials new based first could create improves improved reduces reduction
    associated receiving healthy normal mechanism evoked"""
_GENERIC = frozenset(_GENERIC_TEXT.split())
#: A suggestion needs at least this much shared, distinctive topic.
MIN_SCORE = 6.0
MAX_SUGGESTIONS = 2


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ities", "ity", "ies", "es", "s", "ic", "al"):
        if len(word) > len(suffix) + 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _topic_words(text: str) -> set[str]:
    return {
        _stem(w)
        for w in fold(text).split()
        if w not in STOPWORDS and w not in _GENERIC and (len(w) > 2 or any(c.isdigit() for c in w))
    }


@dataclass(frozen=True)
class Citations:
    #: Bib keys the document's own markers name (certain).
    cited: tuple[str, ...] = ()
    #: Markers that name no entry of the bibliography (shown, never written as cites).
    unknown: tuple[str, ...] = ()
    #: Bib keys suggested by topic (to review).
    suggested: tuple[str, ...] = ()


class CiteFinder:
    def __init__(
        self, entries: Sequence[Entry], reference_list: Mapping[int, str], sentences: Sequence[str] = ()
    ) -> None:
        self.entries = list(entries)
        self.keys = {e.key for e in self.entries}
        self.topics = {e.key: _topic_words(e.title) for e in self.entries}
        # A word is distinctive when few titles use it and few of the document's sentences do:
        # "insulin" in an article about insulin points to no paper in particular.
        in_titles = Counter(w for words in self.topics.values() for w in words)
        in_text = Counter(w for text in sentences for w in _topic_words(text))
        titles, texts = max(len(self.entries), 1), max(len(sentences), 1)
        self.weight = {
            w: math.log(1 + titles / n) * math.log(1 + texts / (1 + in_text[w])) for w, n in in_titles.items()
        }
        self.numbered = {n: self._match_reference(text) for n, text in reference_list.items()}

    def _match_reference(self, printed: str) -> str | None:
        """The bib entry the reference list's entry prints: by its DOI or PMID when the entry
        has one and the printed reference names it, else by the title it prints."""
        _rest, identifiers = take_identifiers(printed)
        for entry in self.entries:
            if (entry.doi and entry.doi == identifiers.get("doi", "").lower()) or (
                entry.pmid and entry.pmid == identifiers.get("pmid")
            ):
                return entry.key
        folded = fold(printed)
        best, best_score = None, 0.0
        for entry in self.entries:
            title = fold(entry.title)
            if not title:
                continue
            score = fuzz.partial_ratio(title, folded)
            if score > best_score:
                best, best_score = entry.key, score
        return best if best_score >= 90 else None

    def _by_author_year(self, family: str, year: str) -> str | None:
        """The one entry whose first author and year an author-year marker names."""
        wanted = fold(family)
        found = [
            e.key
            for e in self.entries
            if e.year == year
            and e.authors
            and fold(e.authors[0].family or e.authors[0].literal).split()[-1:] == [wanted]
        ]
        return found[0] if len(found) == 1 else None

    def for_sentence(self, sentence: Sentence) -> Citations:
        cited: list[str] = []
        unknown: list[str] = []
        for key in sentence.keys:
            (cited if key in self.keys or not self.keys else unknown).append(key)
        for number in sentence.numbers:
            key = self.numbered.get(number)
            if key:
                cited.append(key)
            else:
                unknown.append(f"[{number}]")
        for family, year in sentence.names:
            key = self._by_author_year(family, year)
            if key:
                cited.append(key)
            else:
                unknown.append(f"({family} {year})")
        cited = list(dict.fromkeys(cited))
        if cited or unknown:
            return Citations(tuple(cited), tuple(unknown))
        return Citations(suggested=self.suggest(sentence.text))

    def suggest(self, text: str) -> tuple[str, ...]:
        words = _topic_words(text)
        scored = []
        for key, topic in self.topics.items():
            shared = words & topic
            score = sum(self.weight[w] for w in shared)
            if score >= MIN_SCORE and len(shared) >= 2:
                scored.append((-score, key))
        return tuple(key for _, key in sorted(scored)[:MAX_SUGGESTIONS])
