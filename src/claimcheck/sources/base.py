"""The interface every bibliographic source implements, and the outage error that is never a verdict."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from claimcheck.model import Entry, Record


class SourceUnavailable(Exception):
    """The source could not answer (outage, error, unparseable reply): no verdict may follow."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class Source(ABC):
    """A place records come from. Identifier look-ups first; search only for what has none."""

    name: str

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
