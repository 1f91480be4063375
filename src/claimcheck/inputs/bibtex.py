"""Read `references.bib` with pybtex into printed entries, with the line of every entry."""

from __future__ import annotations

import re
from pathlib import Path

import pybtex.errors
from pybtex.database import BibliographyDataError, parse_string
from pybtex.scanner import PybtexError, PybtexSyntaxError

from claimcheck.errors import InputError, read_text_file
from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Person
from claimcheck.normalize import latex_to_text

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]\s*([^,\s{}()]+)\s*,")
_NON_ENTRIES = frozenset({"comment", "preamble", "string"})


def _entry_lines(text: str, path: Path) -> dict[str, int]:
    """Map each key to its line, rejecting duplicate keys with both lines named."""
    lines: dict[str, int] = {}
    folded: dict[str, str] = {}
    line, position = 1, 0
    for match in _ENTRY_START.finditer(text):
        line += text.count("\n", position, match.start())  # incremental: linear in file size
        position = match.start()
        if match.group(1).lower() in _NON_ENTRIES:
            continue
        key = match.group(2)
        if key.lower() in folded:
            first = lines[folded[key.lower()]]
            raise InputError(path, line, f"duplicate key '{key}' (first defined at line {first})")
        folded[key.lower()] = key
        lines[key] = line
    return lines


def _person(person: pybtex.database.Person) -> Person:
    family = latex_to_text(" ".join(person.prelast_names + person.last_names))
    given = latex_to_text(" ".join(person.first_names + person.middle_names))
    if not given and not person.prelast_names and " " in family:
        return Person(literal=family)  # {Corporate Name} in braces
    if not given and person.last_names and str(person).startswith("{"):
        return Person(literal=family)
    return Person(family=family, given=given)


def load_bibliography(path: Path, display: str | None = None) -> tuple[Entry, ...]:
    """Parse the bibliography; every problem is an InputError naming file and line.

    `display` is the path reports and messages show (relative to the project).
    """
    text = read_text_file(path, what="bibliography", display=display)
    path = Path(display) if display else path
    lines = _entry_lines(text, path)
    previous_mode = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        data = parse_string(text, "bibtex")
    except PybtexSyntaxError as exc:
        message = exc.args[0] if exc.args else str(exc)
        if message == "premature end of file":
            message += " (a brace or entry opened here is never closed)"
        raise InputError(path, exc.lineno, f"malformed BibTeX: {message}") from None
    except BibliographyDataError as exc:
        message = str(exc)
        key_match = re.search(r"key (\S+)", message)
        line = lines.get(key_match.group(1)) if key_match else None
        raise InputError(path, line, f"malformed BibTeX: {message}") from None
    except PybtexError as exc:
        raise InputError(path, None, f"malformed BibTeX: {exc}") from None
    finally:
        pybtex.errors.set_strict_mode(previous_mode)
    if not data.entries:
        raise InputError(path, 1, "no BibTeX entries found (is this a .bib file?)")
    entries = []
    for key, raw in data.entries.items():
        line = lines.get(key, 1)
        fields = {name.lower(): latex_to_text(value) for name, value in raw.fields.items()}
        people = list(raw.persons.get("author", []))
        truncated = bool(people) and str(people[-1]).strip().lower() in {"others", "et al."}
        if truncated:
            people = people[:-1]
        doi_raw = fields.get("doi", "")
        doi = normalize_doi(doi_raw)
        if doi_raw and not doi:
            raise InputError(path, line, f"entry '{key}': '{doi_raw}' is not a DOI")
        pmid_raw = fields.get("pmid", "")
        pmid = normalize_pmid(pmid_raw)
        if pmid_raw and not pmid:
            raise InputError(path, line, f"entry '{key}': pmid '{pmid_raw}' is not a PubMed ID")
        entries.append(
            Entry(
                key=key,
                type=raw.type.lower(),
                title=fields.get("title", ""),
                authors=tuple(_person(p) for p in people),
                authors_truncated=truncated,
                journal=fields.get("journal", "") or fields.get("journaltitle", ""),
                year=fields.get("year", "") or fields.get("date", "")[:4],
                volume=fields.get("volume", ""),
                issue=fields.get("number", "") or fields.get("issue", ""),
                pages=fields.get("pages", ""),
                doi=doi,
                pmid=pmid,
                pmcid=normalize_pmcid(fields.get("pmcid", "")),
                url=fields.get("url", ""),
                file=str(path),
                line=line,
            )
        )
    return tuple(entries)
