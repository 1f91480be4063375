"""The `local` source: records from files, answered from an embedded SQLite FTS5 index.

It is the offline default (the evidence lock and `--records` files feed it) and the bulk path
for users with database dumps: identifier look-ups hit an indexed table, bibliographic search
ranks title and author words with FTS5's BM25.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from claimcheck.errors import InputError
from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Record
from claimcheck.normalize import fold
from claimcheck.sources.base import Source
from claimcheck.sources.formats.csljson import read_csl_json

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (rowid INTEGER PRIMARY KEY, id TEXT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identifiers (kind TEXT, value TEXT, rowid INTEGER);
CREATE INDEX IF NOT EXISTS identifiers_lookup ON identifiers (kind, value);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, authors, container, year, tokenize = 'unicode61 remove_diacritics 2'
);
"""
#: Words too common in titles to narrow a search.
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "its",
        "their",
        "than",
        "that",
        "this",
        "via",
        "was",
        "were",
        "be",
        "been",
        "after",
        "among",
        "between",
        "during",
        "under",
        "over",
        "vs",
        "versus",
    ]
)


def read_records(path: Path, display: str | None = None) -> Iterable[Record]:
    """Records from a file, by format (CSL-JSON for now; the suffix or content decides)."""
    if not path.exists():
        raise InputError(display or str(path), None, "records file not found")
    return read_csl_json(path, display)


class LocalSource(Source):
    name = "local"

    def __init__(self, records: Iterable[Record] = (), index_path: Path | None = None) -> None:
        self._db = sqlite3.connect(str(index_path) if index_path else ":memory:")
        self._db.executescript(_SCHEMA)
        self.add(records)

    @classmethod
    def from_files(cls, paths: Sequence[Path]) -> LocalSource:
        source = cls()
        for path in paths:
            source.add(read_records(path))
        return source

    def add(self, records: Iterable[Record]) -> int:
        count = 0
        with self._db:
            for record in records:
                cursor = self._db.execute(
                    "INSERT INTO records (id, body) VALUES (?, ?)",
                    (record.id, json.dumps(record.to_dict(), ensure_ascii=False)),
                )
                rowid = cursor.lastrowid
                ids = [
                    ("key", record.id),
                    ("doi", record.doi),
                    ("pmid", record.pmid),
                    ("pmcid", record.pmcid),
                ]
                self._db.executemany(
                    "INSERT INTO identifiers VALUES (?, ?, ?)",
                    [(kind, value, rowid) for kind, value in ids if value],
                )
                self._db.execute(
                    "INSERT INTO search (rowid, title, authors, container, year) VALUES (?,?,?,?,?)",
                    (
                        rowid,
                        record.title,
                        " ".join(p.family or p.literal for p in record.authors),
                        " ".join((record.container_title, *record.container_aliases)),
                        " ".join(record.years),
                    ),
                )
                count += 1
        return count

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM records").fetchone()[0]

    def _load(self, rowid: int) -> Record:
        body = self._db.execute("SELECT body FROM records WHERE rowid = ?", (rowid,)).fetchone()[0]
        return Record.from_dict(json.loads(body))

    def _find(self, kind: str, value: str) -> Record | None:
        row = self._db.execute(
            "SELECT rowid FROM identifiers WHERE kind = ? AND value = ? LIMIT 1", (kind, value)
        ).fetchone()
        return self._load(row[0]) if row else None

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        """By DOI, PMID, PMCID, and by bib key (a CSL-JSON item whose id is the entry's key)."""
        found: dict[str, Record | None] = {}
        for entry in entries:
            for kind, value in (
                ("doi", normalize_doi(entry.doi)),
                ("pmid", normalize_pmid(entry.pmid)),
                ("pmcid", normalize_pmcid(entry.pmcid)),
                ("key", entry.key),
            ):
                if value and (record := self._find(kind, value)):
                    found[entry.key] = record
                    break
            else:
                if entry.doi or entry.pmid or entry.pmcid:
                    found[entry.key] = None
        return found

    def search(self, entry: Entry, limit: int = 10) -> list[Record]:
        terms = [w for w in fold(entry.title).split() if len(w) > 2 and w not in _STOP]
        terms += [fold(p.family or p.literal) for p in entry.authors if (p.family or p.literal)]
        terms = list(dict.fromkeys(t for t in terms if t))
        if not terms:
            return []
        query = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        rows = self._db.execute(
            "SELECT rowid FROM search WHERE search MATCH ? ORDER BY bm25(search, 4.0, 2.0, 1.0, 1.0) LIMIT ?",
            (query, limit),
        ).fetchall()
        return [self._load(row[0]) for row in rows]
