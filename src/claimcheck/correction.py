"""The corrected BibTeX for a reference, written from the record it matched.

Only what is wrong changes: a field with a finding takes the record's value, a field the entry
lacks (volume, number, pages, DOI, PMID) is added from the record, and every other field keeps
what was printed. So a DOI printed in capitals that resolves is left alone (DOIs ignore case),
and a title that agrees is not rewritten.
"""

from __future__ import annotations

from collections.abc import Collection

from claimcheck.compare import people
from claimcheck.model import Entry, Person, Record

_ESCAPES = str.maketrans({"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})
#: Finding field -> the BibTeX field it corrects.
BIBTEX_FIELD = {
    "title": "title",
    "authors": "author",
    "journal": "journal",
    "year": "year",
    "volume": "volume",
    "pages": "pages",
    "doi": "doi",
}
#: Fields added from the record when the entry has none, in the order they are written.
ADDED_FIELDS = ("volume", "number", "pages", "doi", "pmid")


def _escape(value: str) -> str:
    return value.translate(_ESCAPES)


def _name(person: Person) -> str:
    if person.literal:
        return "{" + _escape(person.literal) + "}"
    return _escape(f"{person.family}, {person.given}" if person.given else person.family)


def _authors(authors: tuple[Person, ...], complete: bool) -> str:
    """BibTeX names; group names ("for the SURMOUNT-1 Investigators") are not authors."""
    names = [_name(p) for p in people(authors)]
    if names and not complete:
        names.append("others")
    return " and ".join(names)


def _record_values(record: Record) -> dict[str, str]:
    return {
        "author": _authors(record.authors, record.authors_complete),
        "title": _escape(record.title),
        "journal": _escape(record.container_title),
        "year": record.year,
        "volume": record.volume,
        "number": record.issue,
        "pages": record.pages.replace("--", "-").replace("-", "--"),
        "doi": record.doi,
        "pmid": record.pmid,
    }


def corrected_fields(entry: Entry, record: Record, wrong: Collection[str]) -> dict[str, str]:
    """BibTeX field -> corrected value (without its braces): the fields whose findings are in
    `wrong` (finding fields: title, authors, journal, ...), then the fields the entry lacks."""
    values = _record_values(record)
    corrected = {
        BIBTEX_FIELD[name]: values[BIBTEX_FIELD[name]]
        for name in wrong
        if name in BIBTEX_FIELD and values[BIBTEX_FIELD[name]]
    }
    printed = {"volume": entry.volume, "number": entry.issue, "pages": entry.pages, "doi": entry.doi,
               "pmid": entry.pmid}
    for name in ADDED_FIELDS:
        if not printed[name] and values[name]:
            corrected.setdefault(name, values[name])
    return corrected


def corrected_bibtex(entry: Entry, record: Record, wrong: Collection[str] = BIBTEX_FIELD) -> str:
    """The whole entry as it should read: printed fields, with the corrections applied."""
    printed = {
        "author": _authors(entry.authors, not entry.authors_truncated) or "",
        "title": _escape(entry.title),
        "journal": _escape(entry.journal),
        "year": entry.year,
        "volume": entry.volume,
        "number": entry.issue,
        "pages": entry.pages.replace("--", "-").replace("-", "--"),
        "doi": entry.doi,
        "pmid": entry.pmid,
    }
    printed.update(corrected_fields(entry, record, wrong))
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in printed.items() if value)
    return f"@{entry.type}{{{entry.key},\n{body},\n}}\n"
