"""Find each entry's record: identifiers first, bibliographic search only for the rest.

Search candidates are accepted as the entry's record only on evidence that they are the same
work (see `accept`); everything else is kept as a named candidate for the not-found report.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime

from claimcheck.compare import (
    compare_authors,
    journal_matches,
    main_title,
    same_main_title,
    title_similarity,
    titles_match,
    year_matches,
)
from claimcheck.model import Candidate, Entry, Outage, Record, Resolution
from claimcheck.normalize import fold, words
from claimcheck.sources.base import Answer, Source, lookup_answer, search_answers

#: A title this long that matches exactly identifies the work on its own.
_SPECIFIC_TITLE_WORDS = 4
_NEAR_TITLE = 0.90
_RELATED_TITLE = 0.60
_PARAPHRASED_TITLE = 0.45
_KEEP_CANDIDATES = 3


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def assess(entry: Entry, record: Record) -> Candidate:
    """How closely a record agrees with an entry: title similarity plus the fields that agree."""
    similarity = title_similarity(entry.title, record.title)
    agreements: list[str] = []
    if entry.title and titles_match(entry.title, record.title):
        agreements.append("title")
    if entry.year and year_matches(entry.year, record):
        agreements.append("year")
    authors = compare_authors(entry, record)
    if authors is not None and authors.any_shared:
        agreements.append("author")
    if entry.journal and journal_matches(entry.journal, record):
        agreements.append("journal")
    score = similarity + 0.1 * len([a for a in agreements if a != "title"])
    return Candidate(
        record=record,
        score=round(score, 4),
        title_similarity=round(similarity, 4),
        agreements=tuple(agreements),
    )


def accept(entry: Entry, candidate: Candidate) -> bool:
    """Is the candidate the entry's work? Never on title resemblance alone unless it is exact.

    - an exact, specific title (4+ words) is the same work, whatever else was misprinted;
    - a near-identical title with the year, an author or the journal agreeing;
    - a related title with the year and an author or the journal agreeing;
    - a paraphrased title when year, an author and the journal all agree;
    - a title that is the record's without its subtitle (or with one the record lacks), with the
      first author and the journal agreeing, whatever the year says (decision 0701).
    """
    agreed = set(candidate.agreements)
    similarity = candidate.title_similarity
    if "title" in agreed and len(words(entry.title)) >= _SPECIFIC_TITLE_WORDS:
        return True
    if {"author", "journal"} <= agreed and _same_title_but_subtitle(entry, candidate.record):
        return True
    if similarity >= _NEAR_TITLE and agreed & {"year", "author", "journal"}:
        return True
    if similarity >= _RELATED_TITLE and "year" in agreed and agreed & {"author", "journal"}:
        return True
    return similarity >= _PARAPHRASED_TITLE and {"year", "author", "journal"} <= agreed


def plausible(candidate: Candidate) -> bool:
    """Worth naming as "the closest candidate" of a not-found entry: a related title, or a
    paraphrase with the year, an author or the journal agreeing. Anything less is noise."""
    agreed = set(candidate.agreements) - {"title"}
    similarity = candidate.title_similarity
    return similarity >= _RELATED_TITLE or (similarity >= _PARAPHRASED_TITLE and bool(agreed))


def _same_title_but_subtitle(entry: Entry, record: Record) -> bool:
    """A specific title that differs from the record's only by a subtitle, and the same first author."""
    shared = min(len(words(main_title(entry.title))), len(words(main_title(record.title))))
    if shared < _SPECIFIC_TITLE_WORDS or not same_main_title(entry.title, record.title):
        return False
    authors = compare_authors(entry, record)
    return authors is not None and not authors.first_author_differs


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    unique = []
    # Ties are broken by record identity so the same records always rank the same way.
    ranked = sorted(candidates, key=lambda c: (-c.score, -c.title_similarity, c.record.source, c.record.id))
    for candidate in ranked:
        identity = candidate.record.doi or candidate.record.pmid or fold(candidate.record.title)
        if identity not in seen:
            seen.add(identity)
            unique.append(candidate)
    return unique


def _has_id(entry: Entry) -> bool:
    return bool(entry.doi or entry.pmid or entry.pmcid)


def _search(
    entries: Sequence[Entry],
    sources: Sequence[Source],
    problems: dict[str, list[Outage]],
    asked: dict[str, list[str]],
) -> dict[str, Resolution]:
    """Search each entry source by source, stopping (per entry) at the first acceptable match.

    `problems` and `asked` hold what the look-ups recorded for these entries; only these
    entries' lists are touched, so this may run beside the look-ups of other entries.
    """
    candidates: dict[str, list[Candidate]] = {e.key: [] for e in entries}
    held: dict[str, tuple[str, ...]] = {}
    remaining = list(entries)
    for source in sources:
        if not remaining:
            break
        answers = search_answers(source, remaining)
        still = []
        for entry in remaining:
            answer = answers.get(entry.key) or Answer()
            problems[entry.key].extend(answer.unavailable.get(entry.key, ()))
            for name in answer.answered.get(entry.key, ()):
                if name not in asked[entry.key]:
                    asked[entry.key].append(name)
            if answer.held.get(entry.key):
                held[entry.key] = answer.held[entry.key]
            assessed = [assess(entry, record) for record in answer.found]
            candidates[entry.key] += assessed
            # an acceptable match: no need to ask (and pay) further sources
            if not any(accept(entry, c) for c in assessed):
                still.append(entry)
        remaining = still
    resolved = {}
    for entry in entries:
        ranked = _dedupe(candidates[entry.key])
        best = next((c for c in ranked if accept(entry, c)), None)
        record = best.record if best else None
        resolved[entry.key] = Resolution(
            key=entry.key,
            record=record,
            method="search",
            candidates=tuple(ranked[:_KEEP_CANDIDATES]),
            sources=tuple(asked[entry.key]),
            unavailable=tuple(problems[entry.key]),
            resolved_at=now_iso(),
            held=(held.get(entry.key) or (record.source,)) if record is not None else (),
        )
    return resolved


def resolve(entries: Sequence[Entry], sources: Sequence[Source]) -> dict[str, Resolution]:
    """Resolve every entry against the sources, in order; outages are recorded, never judged.

    Entries without identifiers are searched while the others are still being looked up, once
    only sources that look up by identifier remain (they cannot resolve such entries).
    """
    resolved: dict[str, Resolution] = {}
    problems: dict[str, list[Outage]] = {e.key: [] for e in entries}
    asked: dict[str, list[str]] = {e.key: [] for e in entries}
    early: Future | None = None
    early_keys: set[str] = set()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimcheck-search") as pool:
        for index, source in enumerate(sources):
            pending = [e for e in entries if e.key not in resolved]
            if not pending:
                break
            if early is None and all(getattr(s, "lookup_needs_identifiers", False) for s in sources[index:]):
                idless = [e for e in pending if not _has_id(e)]
                if idless:
                    early_keys = {e.key for e in idless}
                    early = pool.submit(_search, idless, sources, problems, asked)
            answer = lookup_answer(source, [e for e in pending if e.key not in early_keys])
            for key, reasons in answer.unavailable.items():
                problems[key].extend(reasons)
            for key, names in answer.answered.items():
                asked[key].extend(n for n in names if n not in asked[key])
            for key, record in answer.records.items():
                if record is not None:
                    resolved[key] = Resolution(
                        key=key,
                        record=record,
                        method="identifier",
                        sources=answer.answered.get(key, (source.name,)),
                        unavailable=tuple(problems[key]),
                        resolved_at=now_iso(),
                        held=answer.held.get(key, (record.source,)),
                    )
        rest = [e for e in entries if e.key not in resolved and e.key not in early_keys]
        searched = _search(rest, sources, problems, asked)
        if early is not None:
            searched.update(early.result())
    for entry in entries:
        if entry.key not in resolved:
            resolved[entry.key] = searched[entry.key]
    return resolved
