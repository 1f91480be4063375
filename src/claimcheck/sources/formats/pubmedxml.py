"""PubMed XML files (the annual baseline, the daily update files, saved efetch replies), streamed.

`iterparse` hands over one <PubmedArticle> at a time, which the live adapter's own parser
(`sources.pubmed.parse_article`) turns into a record; the element is then dropped, so a
30,000-article baseline file (or a bigger one) never sits in memory whole. `.gz` is read as is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.model import Record
from claimcheck.sources.formats.opener import open_binary
from claimcheck.sources.pubmed import parse_article


def read_pubmed_xml(path: Path, display: str | None = None) -> Iterator[Record]:
    shown = display or path.name
    source = f"local:{path.name}"
    with open_binary(path) as stream:
        events = ET.iterparse(stream, events=("start", "end"))
        root = None
        try:
            for event, element in events:
                if root is None and event == "start":
                    root = element
                if event != "end" or element.tag != "PubmedArticle":
                    continue
                try:
                    record = parse_article(element)
                except ValueError:
                    record = None  # an article without a PMID or Article: nothing to index
                if root is not None:
                    root.clear()  # drop what was parsed so far (the article included)
                if record is not None:
                    yield replace(record, source=source)
        except ET.ParseError as exc:
            raise InputError(shown, exc.position[0], f"malformed XML: {exc}") from None
