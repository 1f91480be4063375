"""Field-by-field comparison of a printed entry with a record.

These are the matching rules the reference audit and candidate acceptance share. They are
written to avoid the false alarms and misses reference checkers are known for: the whole author
list is compared (not only the first author), initials match full given names, any date the
record holds counts for the year, and journal abbreviations are matched word by word to the end
of the name so that "Diabetes" never matches "Diabetes Care".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from claimcheck import names
from claimcheck.identifiers import normalize_doi
from claimcheck.model import Entry, Person, Record
from claimcheck.normalize import fold, words

# --- titles -------------------------------------------------------------------------------

#: Spelling variants (randomised/randomized) and typos up to this many edits are not findings.
_TITLE_EDIT_TOLERANCE = 2


def title_similarity(printed: str, record: str) -> float:
    """0..1 closeness of two titles, insensitive to case, accents, punctuation and word order."""
    a, b = fold(printed), fold(record)
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100.0


def titles_match(printed: str, record: str) -> bool:
    a, b = fold(printed), fold(record)
    if a == b:
        return True
    return min(len(a), len(b)) > 30 and Levenshtein.distance(a, b) <= _TITLE_EDIT_TOLERANCE


_SUBTITLE = re.compile(r"\s*(?::|\?|\.\s|\s[-–—]\s)")


def main_title(title: str) -> str:
    """The title without its subtitle: what comes before the first ':', '?', '. ' or ' - '."""
    return _SUBTITLE.split(title, maxsplit=1)[0]


def same_main_title(printed: str, record: str) -> bool:
    """One title is the other without its subtitle (or both have the same main title)."""
    main_p, main_r = main_title(printed), main_title(record)
    return bool(fold(main_p)) and (
        titles_match(main_p, record) or titles_match(printed, main_r) or titles_match(main_p, main_r)
    )


def describe_title_difference(printed: str, record: str) -> str:
    main_p, _, sub_p = printed.partition(":")
    main_r, _, sub_r = record.partition(":")
    if fold(main_p) == fold(main_r) and fold(sub_p) != fold(sub_r):
        if not sub_p.strip():
            return "the record's title has a subtitle the printed title lacks"
        if not sub_r.strip():
            return "the printed title adds a subtitle the record does not have"
        return "the subtitle differs"
    similarity = title_similarity(printed, record)
    where = _where_titles_differ(printed, record)
    if similarity >= 0.75:
        return f"the title is worded differently: {where}"
    return f"the title is a different one: {where}"


def _where_titles_differ(printed: str, record: str, most: int = 2) -> str:
    """The words that differ, printed against the record's: "printed 'fat' where the record has
    'adiposity'" (at most `most` places; words compared folded, shown as written)."""
    a, b = printed.split(), record.split()
    matcher = SequenceMatcher(None, [fold(w) for w in a], [fold(w) for w in b], autojunk=False)
    places = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        mine, theirs = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if tag == "insert":
            before = " ".join(a[max(0, i1 - 2) : i1]) or "the start"
            places.append(f"the record adds '{_cut(theirs)}' after '{before}'")
        elif tag == "delete":
            places.append(f"printed '{_cut(mine)}' is not in the record's title")
        else:
            places.append(f"printed '{_cut(mine)}' where the record has '{_cut(theirs)}'")
    shown = "; ".join(places[:most])
    return shown + (f"; and {len(places) - most} more" if len(places) > most else "")


def _cut(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- names --------------------------------------------------------------------------------

_GIVEN_SPLIT = re.compile(r"[\s.\-]+")


def _given_tokens(given: str) -> list[str]:
    """Given names as tokens; Vancouver initials ("SM") become one token per initial."""
    tokens: list[str] = []
    for raw in _GIVEN_SPLIT.split(given.strip()):
        if not raw:
            continue
        if raw.isupper() and len(raw) <= 3 and raw.isalpha():
            tokens.extend(raw)
        else:
            tokens.append(raw)
    return [fold(t) for t in tokens if fold(t)]


def _family_key(person: Person) -> str:
    return fold(person.literal or person.family).replace(" ", "")


def names_match(printed: Person, record: Person) -> bool:
    """Same person: same family name, and given names that agree as far as both go."""
    if _family_key(printed) != _family_key(record) or not _family_key(printed):
        return False
    for a, b in zip(_given_tokens(printed.given), _given_tokens(record.given), strict=False):
        if len(a) > 1 and len(b) > 1:
            if a != b:
                return False
        elif a[0] != b[0]:
            return False
    return True


def similar_family(printed: Person, record: Person) -> bool:
    """Family names close enough to be a misspelling of each other (Teich / Teichman)."""
    a, b = _family_key(printed), _family_key(record)
    return bool(a and b) and (a.startswith(b) or b.startswith(a) or fuzz.ratio(a, b) >= 80)


def is_group_name(person: Person) -> bool:
    """A literal author that names a group of people ("for the SURMOUNT-1 Investigators")."""
    return bool(person.literal) and not person.family and names.is_group_name(person.literal)


def people(authors: tuple[Person, ...]) -> tuple[Person, ...]:
    """The persons of an author list: group names are not authors to compare or count."""
    return tuple(p for p in authors if not is_group_name(p))


@dataclass(frozen=True)
class AuthorComparison:
    """What disagrees between the printed author list and the record's."""

    first_author_differs: bool
    #: Printed authors the record does not list (invented or misspelled).
    not_in_record: tuple[Person, ...]
    #: Printed authors present in the record but in another position.
    out_of_order: bool
    #: All printed authors are right but the list stops short without "et al.".
    list_incomplete: bool
    any_shared: bool

    @property
    def agrees(self) -> bool:
        return not (self.first_author_differs or self.not_in_record or self.out_of_order)


def compare_authors(entry: Entry, record: Record) -> AuthorComparison | None:
    """Compare the whole printed list with the record's (persons only, not group names); None when
    either side has none."""
    printed, listed = people(entry.authors), people(record.authors)
    if not printed or not listed:
        return None
    positions: list[int | None] = []
    used: set[int] = set()
    for person in printed:
        # Each record author answers for one printed author: "Mahata S" and "Mahata SK" are two people.
        matches = [j for j, other in enumerate(listed) if names_match(person, other)]
        found = next((j for j in matches if j not in used), matches[0] if matches else None)
        if found is not None:
            used.add(found)
        positions.append(found)
    first_differs = positions[0] != 0
    missing = tuple(p for p, pos in zip(printed, positions, strict=True) if pos is None)
    if not record.authors_complete:
        # The source cut its list short: an author it does not show may still be real.
        missing = tuple(p for p in missing if p is printed[0])
    found = [pos for pos in positions if pos is not None]
    out_of_order = found != sorted(found)
    incomplete = (
        not entry.authors_truncated
        and record.authors_complete
        and not missing
        and not first_differs
        and len(printed) < len(listed)
    )
    return AuthorComparison(
        first_author_differs=first_differs,
        not_in_record=missing,
        out_of_order=out_of_order,
        list_incomplete=incomplete,
        any_shared=bool(found),
    )


# --- journals -----------------------------------------------------------------------------

_JOURNAL_STOPWORDS = frozenset(
    {"the", "of", "and", "for", "in", "on", "de", "la", "et", "der", "und", "des", "du"}
)


def _journal_words(name: str) -> list[str]:
    return [w for w in words(name) if w not in _JOURNAL_STOPWORDS]


def _is_abbreviation(short: str, full: str) -> bool:
    """ISO 4 style: a truncation or contraction keeping the first letter ("Natl" for "National")."""
    if len(short) >= len(full) or short[0] != full[0]:
        return False
    letters = iter(full)
    return all(ch in letters for ch in short)


def _words_compatible(a: str, b: str) -> bool:
    return a == b or _is_abbreviation(a, b) or _is_abbreviation(b, a)


def journal_names_match(printed: str, name: str) -> bool:
    """Word by word to the end of the name, allowing abbreviations and an all-initials acronym."""
    a, b = _journal_words(printed), _journal_words(name)
    if not a or not b:
        return False
    if len(a) == len(b):
        return all(_words_compatible(x, y) for x, y in zip(a, b, strict=True))
    return any(
        len(short) == 1 and len(full) > 1 and short[0] == "".join(w[0] for w in full)
        for short, full in ((a, b), (b, a))
    )


def journal_matches(printed: str, record: Record) -> bool:
    names = (record.container_title, *record.container_aliases)
    return any(journal_names_match(printed, name) for name in names if name)


# --- numbers and identifiers --------------------------------------------------------------


def year_matches(printed: str, record: Record) -> bool:
    years = set(record.years) | ({record.year} if record.year else set())
    return printed.strip() in years


def _page_range(pages: str) -> tuple[str, str]:
    parts = [p for p in re.split(r"(?:-+|–|—)", re.sub(r"\s+", "", pages.lower())) if p]
    if not parts:
        return "", ""
    start = parts[0]
    end = parts[1] if len(parts) > 1 else ""
    if end and start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end  # 1642-51 means 1642-1651
    return start, end


def pages_match(printed: str, record: str) -> bool:
    p_start, p_end = _page_range(printed)
    r_start, r_end = _page_range(record)
    if p_start != r_start:
        return False
    return not (p_end and r_end) or p_end == r_end


def volumes_match(printed: str, record: str) -> bool:
    return fold(printed) == fold(record)


def dois_match(printed: str, record: str) -> bool:
    return normalize_doi(printed) == normalize_doi(record)
