"""What a parser reads from one printed reference: the fields exactly as printed."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from claimcheck.model import Person

#: The fields a parser fills, in the order they are written to BibTeX.
FIELDS = ("authors", "title", "journal", "year", "volume", "issue", "pages", "doi", "pmid", "pmcid", "url")


@dataclass(frozen=True)
class ParsedReference:
    """One printed reference, field by field, as printed (errors and all).

    `others` is True when the printed author list ends in "et al."; `type` is "article",
    "misc" (news, web pages) or "book". `source` says which parser read it ("rules", "crf").
    """

    text: str
    authors: tuple[Person, ...] = ()
    others: bool = False
    title: str = ""
    journal: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    type: str = "article"
    source: str = "rules"

    def filled(self) -> set[str]:
        """The names of the fields that hold something."""
        return {f.name for f in fields(self) if f.name in FIELDS and getattr(self, f.name)}

    def with_identifiers(self, other: ParsedReference) -> ParsedReference:
        """This parse with `other`'s identifiers where this one has none."""
        changes = {
            name: getattr(other, name) for name in ("doi", "pmid", "pmcid", "url") if not getattr(self, name)
        }
        return replace(self, **changes)
