"""The interface every bibliographic source implements, and the outage error that is never a verdict."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from claimcheck.model import Entry, Outage, Record


class SourceUnavailable(Exception):
    """The source could not answer (outage, error, unparseable reply): no verdict may follow.

    `status` is the last HTTP status seen (None when there was no answer at all) and `kind` the
    fault's kind (see `claimcheck.sources.http.retry.KINDS`), so outages are data, not prose.
    """

    def __init__(self, source: str, reason: str, status: int | None = None, kind: str = "") -> None:
        self.source = source
        self.reason = reason
        self.status = status
        self.kind = kind or ("unparseable" if "unparseable" in reason else "error")
        super().__init__(f"{source}: {reason}")


class Source(ABC):
    """A place records come from. Identifier look-ups first; search only for what has none."""

    name: str
    #: True when `lookup` answers only by identifier (never by bib key), so entries without an
    #: identifier may be searched while it works.
    lookup_needs_identifiers: bool = False

    @abstractmethod
    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        """Records for the entries' identifiers, by bib key.

        A key maps to None when the source answered that it has no such identifier; a key is
        absent when the source cannot look that entry up (no identifier it knows). Raises
        SourceUnavailable when it could not answer at all.
        """

    @abstractmethod
    def search(self, entry: Entry, limit: int = 10) -> list[Record]:
        """Records whose title, authors and year resemble the entry's, best first."""


@dataclass(frozen=True)
class Answer:
    """What asking a source found, entry by entry, with who answered and who could not.

    A source made of several services (the live sources) answers for some entries and fails
    for others; `unavailable` keeps those outages per entry so they are never read as absence.
    """

    records: dict[str, Record | None] = field(default_factory=dict)
    #: key -> names of the services that answered about it
    answered: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: key -> every service that could not answer about it, and how
    unavailable: dict[str, tuple[Outage, ...]] = field(default_factory=dict)
    #: search results, best first (for `search_answer`)
    found: tuple[Record, ...] = ()
    #: key -> services whose record of the work was found
    held: dict[str, tuple[str, ...]] = field(default_factory=dict)


def lookup_answer(source: Source, entries: Sequence[Entry]) -> Answer:
    """`source.lookup` as an Answer; sources that report per-entry outages override this."""
    if hasattr(source, "lookup_answer"):
        return source.lookup_answer(entries)
    try:
        records = source.lookup(entries)
    except SourceUnavailable as exc:
        outage = Outage(source.name, exc.reason, exc.status, exc.kind)
        return Answer(unavailable={e.key: (outage,) for e in entries if e.doi or e.pmid or e.pmcid})
    return Answer(
        records=records,
        answered={key: (source.name,) for key in records},
        held={key: (source.name,) for key, record in records.items() if record is not None},
    )


def search_answer(source: Source, entry: Entry) -> Answer:
    """`source.search` as an Answer for one entry."""
    if hasattr(source, "search_answer"):
        return source.search_answer(entry)
    try:
        found = source.search(entry)
    except SourceUnavailable as exc:
        return Answer(unavailable={entry.key: (Outage(source.name, exc.reason, exc.status, exc.kind),)})
    return Answer(answered={entry.key: (source.name,)}, found=tuple(found))


def search_answers(source: Source, entries: Sequence[Entry]) -> dict[str, Answer]:
    """`search_answer` for many entries: at once when the source can (the live sources search
    concurrently and look their matches up in one batch), else one by one."""
    if hasattr(source, "search_many"):
        return source.search_many(entries)
    return {entry.key: search_answer(source, entry) for entry in entries}
