"""CSL-JSON (Zotero, Better BibTeX, pandoc, citation.js) items as records."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from claimcheck.errors import InputError, read_text_file
from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Person, Record
from claimcheck.normalize import strip_markup

#: Keys of which a CSL-JSON item has at least one.
_ITEM_KEYS = frozenset({"title", "DOI", "PMID", "PMCID", "author", "container-title"})
_DATE_FIELDS = ("issued", "published-print", "published-online", "original-date", "available-date")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return strip_markup(str(value)) if value is not None else ""


def _years(item: dict[str, Any]) -> list[str]:
    years: list[str] = []
    for name in _DATE_FIELDS:
        date = item.get(name)
        if not isinstance(date, dict):
            continue
        for parts in date.get("date-parts") or []:
            if parts and parts[0] not in (None, ""):
                years.append(str(parts[0]))
        for raw in (date.get("raw"), date.get("literal")):
            if raw:
                years += _YEAR.findall(str(raw))
    return list(dict.fromkeys(years))


def _person(author: dict[str, Any]) -> Person:
    if author.get("literal"):
        return Person(literal=str(author["literal"]))
    family = " ".join(filter(None, [author.get("non-dropping-particle"), author.get("family")]))
    return Person(family=str(family), given=str(author.get("given", "")))


def item_to_record(item: dict[str, Any], source: str) -> Record:
    """One CSL-JSON item as a record. A free-text note saying the source cut the author list or
    abstract short (as the seed records do) marks it, so absence there is not evidence."""
    note = str(item.get("note", "")).lower()
    years = _years(item)
    aliases = [_text(item.get(k)) for k in ("container-title-short", "journalAbbreviation")]
    return Record(
        source=source,
        id=str(item.get("id", "")),
        type=str(item.get("type", "")),
        title=_text(item.get("title", "")),
        authors=tuple(_person(a) for a in item.get("author", []) if isinstance(a, dict)),
        authors_complete="author list incomplete" not in note,
        container_title=_text(item.get("container-title", "")),
        container_aliases=tuple(dict.fromkeys(a for a in aliases if a)),
        year=years[0] if years else "",
        years=tuple(years),
        volume=str(item.get("volume", "")),
        issue=str(item.get("issue", "")),
        pages=str(item.get("page", "")),
        doi=normalize_doi(str(item.get("DOI", ""))),
        pmid=normalize_pmid(str(item.get("PMID", ""))),
        pmcid=normalize_pmcid(str(item.get("PMCID", ""))),
        abstract=_text(item.get("abstract", "")),
        abstract_complete="abstract incomplete" not in note,
    )


#: Files larger than this are streamed item by item (a small file is parsed whole, which gives
#: the exact line of a syntax error).
STREAM_ABOVE = 16 * 1024 * 1024
_ITEMS = re.compile(r'"items"\s*:\s*\[')
_BLANK = " \t\r\n,"
#: The largest item read (characters): a longer one is reported as malformed instead of the
#: reader buffering the rest of the file to find its end.
MAX_ITEM = 16 * 1024 * 1024
#: A syntax error this far before the end of what was read cannot be cured by reading more.
_SETTLED = 64


def iter_items(
    stream: IO[str], chunk: int = 1 << 20, shown: str = "", max_item: int = MAX_ITEM
) -> Iterator[Any]:
    """The items of a JSON array (or of an object's "items" array, as in Crossref's data file),
    decoded one at a time from a text stream: memory holds one item and one chunk, not the file.

    A malformed item is reported as soon as the error cannot be an item cut by the chunk
    boundary (a syntax error well before the end of the buffer), and an item still unfinished
    after `max_item` characters is reported too: a broken dump never fills memory.
    """
    decoder = json.JSONDecoder()
    buffer, position, line = stream.read(chunk), 0, 1

    def fail(message: str, at: int | None = None) -> InputError:
        where = position if at is None else at
        return InputError(shown, line + buffer.count("\n", 0, where), message)

    while True:
        found = _ITEMS.search(buffer) if buffer.lstrip().startswith("{") else None
        if found or not buffer.lstrip().startswith("{"):
            break
        more = stream.read(chunk)
        if not more:
            raise fail("CSL-JSON must be a list of items")
        buffer += more
    if found:
        position = found.end()
    else:
        position = len(buffer) - len(buffer.lstrip())
        if not buffer[position:].startswith("["):
            raise fail("CSL-JSON must be a list of items")
        position += 1
    while True:
        while position < len(buffer) and buffer[position] in _BLANK:
            position += 1
        if position >= len(buffer) or buffer[position] != "]":
            try:
                item, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError as exc:
                unfinished = exc.msg.startswith("Unterminated string") or len(buffer) - exc.pos <= _SETTLED
                if not unfinished:
                    raise fail(f"malformed JSON: {exc.msg}", exc.pos) from None
                if len(buffer) - position > max_item:
                    too_long = f"an item longer than {max_item} characters"
                    raise fail(f"malformed JSON: {too_long} ({exc.msg})") from None
                more = stream.read(chunk)
                if not more:
                    raise fail(f"malformed JSON: {exc.msg}", exc.pos) from None
                line += buffer.count("\n", 0, position)
                buffer, position = buffer[position:] + more, 0
                continue
            yield item
            position = end
            if position > chunk:  # keep the buffer short
                line += buffer.count("\n", 0, position)
                buffer, position = buffer[position:], 0
            continue
        return


def read_csl_json(path: Path, display: str | None = None) -> Iterator[Record]:
    shown = display or path.name
    if path.suffix == ".gz" or path.stat().st_size > STREAM_ABOVE:
        from claimcheck.sources.formats.jsonlines import item_record
        from claimcheck.sources.formats.opener import open_text

        source = f"local:{path.name}"
        with open_text(path) as stream:
            for index, item in enumerate(iter_items(stream, shown=shown)):
                if not isinstance(item, dict):
                    raise InputError(shown, None, f"item {index} is not a JSON object")
                yield item_record(item, source)
        return
    text = read_text_file(path, what="records file", display=shown)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(shown, exc.lineno, f"malformed JSON: {exc.msg}") from None
    if isinstance(data, dict):
        if "items" not in data and not data.keys() & _ITEM_KEYS:
            keys = ", ".join(f'"{k}"' for k in list(data)[:5]) or "none"
            raise InputError(
                shown, 1, f"CSL-JSON must be a list of items; this is an object with the keys {keys}"
            )
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise InputError(shown, 1, f"CSL-JSON must be a list of items, not {type(data).__name__}")
    source = f"local:{path.name}"
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError(shown, None, f"item {index} is not a JSON object")
    if data and not any(item.keys() & _ITEM_KEYS for item in data):
        raise InputError(
            shown, 1, f"none of its {len(data)} items has a title or an identifier: not CSL-JSON records"
        )
    for item in data:
        yield item_to_record(item, source)
