"""The corrected BibTeX entry for a reference, written from the record it matched."""

from __future__ import annotations

from claimcheck.model import Entry, Person, Record

_ESCAPES = str.maketrans({"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"})


def _escape(value: str) -> str:
    return value.translate(_ESCAPES)


def _name(person: Person) -> str:
    if person.literal:
        return "{" + _escape(person.literal) + "}"
    return _escape(f"{person.family}, {person.given}" if person.given else person.family)


def corrected_bibtex(entry: Entry, record: Record) -> str:
    """The entry as the record has it, keeping the key, type and any field the record lacks."""
    authors = [_name(p) for p in record.authors] or [_name(p) for p in entry.authors]
    if record.authors and not record.authors_complete:
        authors.append("others")
    fields = [
        ("author", " and ".join(authors)),
        ("title", "{" + _escape(record.title or entry.title) + "}"),
        ("journal", _escape(record.container_title or entry.journal)),
        ("year", record.year or entry.year),
        ("volume", record.volume or entry.volume),
        ("number", record.issue or entry.issue),
        ("pages", (record.pages or entry.pages).replace("-", "--")),
        ("doi", record.doi or entry.doi),
        ("pmid", record.pmid or entry.pmid),
    ]
    body = ",\n".join(f"  {name:<7} = {{{value}}}" for name, value in fields if value)
    return f"@{entry.type}{{{entry.key},\n{body},\n}}\n"
