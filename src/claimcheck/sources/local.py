"""The `local` source: records from files, answered from an embedded SQLite FTS5 index.

It is the offline default (the evidence lock and `--records` files feed it) and the bulk path
for users with database dumps: identifier look-ups hit an indexed table, bibliographic search
ranks title and author words with FTS5's BM25. Files are read as streams (CSL-JSON, PubMed XML,
Crossref / OpenAlex JSON lines, gzipped or not) and written in batches, so a dump of millions of
records can be indexed once into a file (`claimcheck index build`) and opened by every run.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from itertools import islice
from pathlib import Path
from typing import Any

from claimcheck.errors import InputError
from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Record
from claimcheck.normalize import TITLE_STOPWORDS, fold
from claimcheck.sources.base import Source
from claimcheck.sources.formats.csljson import read_csl_json
from claimcheck.sources.formats.jsonlines import read_json_lines
from claimcheck.sources.formats.opener import suffixes
from claimcheck.sources.formats.pubmedxml import read_pubmed_xml

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (rowid INTEGER PRIMARY KEY, id TEXT, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS identifiers (kind TEXT, value TEXT, rowid INTEGER);
CREATE INDEX IF NOT EXISTS identifiers_lookup ON identifiers (kind, value);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, authors, container, year, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime REAL, records INTEGER);
"""
#: Records files up to this size are read whole when checked before a run.
CHECK_WHOLE_BELOW = 4_000_000
#: Records written per transaction batch.
_BATCH = 5000
#: Index size above which a search asks for titles holding every title word first (see search).
AND_FIRST_ABOVE = 100_000
#: Suffix (under any .gz) -> reader.
READERS = {
    ".xml": read_pubmed_xml,
    ".jsonl": read_json_lines,
    ".ndjson": read_json_lines,
    ".json": read_csl_json,
}


def read_records(path: Path, display: str | None = None) -> Iterable[Record]:
    """Records from a file, streamed, by format: the suffix decides (`.json` CSL-JSON or a
    Crossref data file, `.jsonl`/`.ndjson` Crossref / OpenAlex / CSL-JSON lines, `.xml` PubMed;
    each may be gzipped)."""
    if not path.exists():
        raise InputError(display or str(path), None, "records file not found")
    reader = READERS.get(suffixes(path), read_csl_json)
    return reader(path, display)


def check_records_file(path: Path, display: str | None = None) -> None:
    """Refuse now a records file that is missing or is not records, before a run that might not
    read it (an evidence lock that holds every entry) or would read it as holding nothing.

    A small file is read whole; a large or gzipped one up to its first record.
    """
    shown = display or str(path)
    if not path.exists():
        raise InputError(shown, None, "records file not found")
    if not path.is_file():
        raise InputError(shown, None, "records file is not a file")
    records = iter(read_records(path, shown))
    if path.suffix == ".gz" or path.stat().st_size > CHECK_WHOLE_BELOW:
        next(records, None)
    else:
        for _ in records:
            pass


_FIELDS = tuple(f.name for f in fields(Record))


def _body(record: Record) -> str:
    """The record as JSON, like `Record.to_dict` but without asdict's deep copies (bulk indexing)."""
    data: dict[str, Any] = {name: getattr(record, name) for name in _FIELDS}
    data["authors"] = [vars(p) for p in record.authors]
    data["updates"] = [vars(u) for u in record.updates]
    return json.dumps(data, ensure_ascii=False)


def _chunks(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


class LocalSource(Source):
    """Records indexed in one SQLite database, safe to query from any thread.

    The resolver searches on worker threads while the main thread looks up by identifier, so the
    one connection is opened with `check_same_thread=False` and every use of it is serialised by a
    lock (decision 0700): an in-memory index lives in its connection alone, so a connection per
    thread would see an empty database, and a query takes far less than the network round trips
    it runs beside.
    """

    name = "local"

    def __init__(
        self,
        records: Iterable[Record] = (),
        index_path: Path | None = None,
        read_only: bool = False,
        name: str = "local",
    ) -> None:
        self.name = name
        if index_path and read_only:
            if not index_path.is_file():
                raise InputError(str(index_path), None, "local index not found (build it with "
                                 "`claimcheck index build`)")
            self._db = sqlite3.connect(
                f"{index_path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        else:
            self._db = sqlite3.connect(str(index_path) if index_path else ":memory:", check_same_thread=False)
            self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._count: int | None = None
        self.add(records)

    @classmethod
    def from_files(cls, paths: Sequence[Path]) -> LocalSource:
        source = cls()
        for path in paths:
            source.add(read_records(path))
        return source

    def add(self, records: Iterable[Record]) -> int:
        """Index records, in batches of one transaction each; the number added."""
        count = 0
        self._count = None
        next_row = (self._rows("SELECT max(rowid) FROM records")[0][0] or 0) + 1
        for chunk in _chunks(records, _BATCH):
            rows, ids, texts = [], [], []
            for rowid, record in enumerate(chunk, start=next_row):
                rows.append((rowid, record.id, _body(record)))
                for kind, value in (
                    ("key", record.id),
                    ("doi", record.doi),
                    ("pmid", record.pmid),
                    ("pmcid", record.pmcid),
                ):
                    if value:
                        ids.append((kind, value, rowid))
                texts.append(
                    (
                        rowid,
                        record.title,
                        " ".join(p.family or p.literal for p in record.authors),
                        " ".join((record.container_title, *record.container_aliases)),
                        " ".join(record.years),
                    )
                )
            with self._lock, self._db:
                self._db.executemany("INSERT INTO records (rowid, id, body) VALUES (?, ?, ?)", rows)
                self._db.executemany("INSERT INTO identifiers VALUES (?, ?, ?)", ids)
                self._db.executemany(
                    "INSERT INTO search (rowid, title, authors, container, year) VALUES (?,?,?,?,?)", texts
                )
            next_row += len(chunk)
            count += len(chunk)
        return count

    def index_file(self, path: Path, display: str | None = None) -> int | None:
        """Index one records file unless this index already holds it unchanged (same size and
        modification time); the records added, or None when it was already indexed."""
        stat = path.stat()
        key = str(path.resolve())
        rows = self._rows("SELECT size, mtime FROM files WHERE path = ?", (key,))
        row = rows[0] if rows else None
        if row and row[0] == stat.st_size and row[1] == stat.st_mtime:
            return None
        if row:
            raise InputError(display or str(path), None, "changed since it was indexed: build the index "
                             "anew (delete the index file)")
        added = self.add(read_records(path, display))
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?)", (key, stat.st_size, stat.st_mtime, added)
            )
        return added

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement's rows, fetched whole under the lock (any thread may call this)."""
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    def __len__(self) -> int:
        return self._rows("SELECT count(*) FROM records")[0][0]

    def _load(self, rowid: int) -> Record:
        body = self._rows("SELECT body FROM records WHERE rowid = ?", (rowid,))[0][0]
        return Record.from_dict(json.loads(body))

    def _find(self, kind: str, value: str) -> Record | None:
        rows = self._rows("SELECT rowid FROM identifiers WHERE kind = ? AND value = ? LIMIT 1", (kind, value))
        return self._load(rows[0][0]) if rows else None

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
        """Records ranked by BM25 over any title or author word. In a bulk index (over
        `AND_FIRST_ABOVE` records) titles holding every title word are asked for first: ranking
        every record that shares one common word with the title is what makes a search slow there,
        and the work's own record holds them all (any word is still the fallback)."""
        title_terms = [w for w in fold(entry.title).split() if len(w) > 2 and w not in TITLE_STOPWORDS]
        terms = title_terms + [fold(p.family or p.literal) for p in entry.authors if (p.family or p.literal)]
        terms = list(dict.fromkeys(t for t in terms if t))
        if not terms:
            return []
        if title_terms and self._size() > AND_FIRST_ABOVE:
            rows = self._match(" AND ".join(_phrase(t) for t in dict.fromkeys(title_terms)), limit)
            if rows:
                return rows
        return self._match(" OR ".join(_phrase(t) for t in terms), limit)

    def _match(self, query: str, limit: int) -> list[Record]:
        rows = self._rows(
            "SELECT rowid FROM search WHERE search MATCH ? ORDER BY bm25(search, 4.0, 2.0, 1.0, 1.0) LIMIT ?",
            (query, limit),
        )
        return [self._load(row[0]) for row in rows]

    def _size(self) -> int:
        if self._count is None:
            self._count = len(self)
        return self._count


def _phrase(term: str) -> str:
    """A word as an FTS5 string: its syntax characters are data, not query operators."""
    return '"' + term.replace('"', "") + '"'
