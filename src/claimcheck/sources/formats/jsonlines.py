"""JSON-lines dumps: one work per line, read line by line.

A line may be an OpenAlex work (the OpenAlex snapshot), a Crossref work (Crossref's public data
file and `cursor` harvests), or a CSL-JSON item; each is turned into a record by the parser the
live adapters already use (`sources.openalex.parse_work`, `sources.crossref.parse_work`) or by
the CSL-JSON reader, so a dump says exactly what the service would have said.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimcheck.errors import InputError
from claimcheck.model import Record
from claimcheck.sources import crossref, openalex
from claimcheck.sources.formats.csljson import item_to_record
from claimcheck.sources.formats.opener import open_text


def item_record(item: dict[str, Any], source: str) -> Record:
    """One dumped item as a record, by its shape: OpenAlex, Crossref or CSL-JSON."""
    if str(item.get("id", "")).startswith("https://openalex.org/") or "abstract_inverted_index" in item:
        return replace(openalex.parse_work(item), source=source)
    if isinstance(item.get("title"), list) and item.get("DOI"):
        return replace(crossref.parse_work(item), source=source)
    return item_to_record(item, source)


def read_json_lines(path: Path, display: str | None = None) -> Iterator[Record]:
    shown = display or path.name
    source = f"local:{path.name}"
    with open_text(path) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(shown, number, f"malformed JSON: {exc.msg}") from None
            if not isinstance(item, dict):
                raise InputError(shown, number, "each line must be a JSON object (one work)")
            try:
                yield item_record(item, source)
            except ValueError as exc:
                raise InputError(shown, number, f"not a work: {exc}") from None
