"""Crossref REST API: works by DOI (batched with `filter=doi:a,doi:b`), `query.bibliographic` search.

A Crossref 404 means "not a Crossref DOI", not "no such paper": the router asks doi.org which
agency registered the DOI before concluding anything (see router.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from claimcheck.identifiers import normalize_doi, normalize_pmid
from claimcheck.model import Entry, Person, Record, Update
from claimcheck.normalize import strip_markup
from claimcheck.sources import notices
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.live import LiveSource, query_text

NAME = "crossref"
BATCH = 50
_DATE_FIELDS = ("issued", "published-print", "published-online", "published")
_NOTICE_TYPE = {
    notices.RETRACTION: "Retraction Notice",
    notices.CONCERN: "Expression of Concern",
    notices.CORRECTION: "Published Erratum",
}


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return strip_markup(str(value or ""))


def _years(work: dict[str, Any]) -> list[str]:
    years = []
    for name in _DATE_FIELDS:
        for parts in (work.get(name) or {}).get("date-parts") or []:
            if parts and parts[0]:
                years.append(str(parts[0]))
    return list(dict.fromkeys(years))


def _person(author: dict[str, Any]) -> Person:
    if author.get("family"):
        return Person(family=str(author["family"]), given=str(author.get("given", "")))
    return Person(literal=str(author.get("name") or author.get("given") or ""))


def _date(update: dict[str, Any]) -> str:
    updated = update.get("updated") or {}
    if updated.get("date-time"):
        return str(updated["date-time"])[:10]
    parts = (updated.get("date-parts") or [[]])[0]
    return "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts) if p)


def parse_work(work: dict[str, Any]) -> Record:
    """One Crossref work (`message` of /works/{doi}, or an item of a work-list) as a record."""
    if not isinstance(work, dict) or not work.get("DOI"):
        raise ValueError("not a Crossref work (no DOI)")
    updates = []
    for update in work.get("updated-by") or []:
        kind = notices.kind_of(str(update.get("type", "")))
        if kind:
            origin = update.get("source")
            updates.append(
                Update(
                    kind=kind,
                    notice=normalize_doi(str(update.get("DOI", ""))),
                    source=f"crossref/{origin}" if origin else NAME,
                    date=_date(update),
                )
            )
    types = []
    for update in work.get("update-to") or []:
        kind = notices.kind_of(str(update.get("type", "")))
        if kind:
            types.append(_NOTICE_TYPE[kind])
    years = _years(work)
    return Record(
        source=NAME,
        id=normalize_doi(work["DOI"]),
        type=str(work.get("type", "")),
        title=_first(work.get("title")),
        authors=tuple(_person(a) for a in work.get("author") or [] if isinstance(a, dict)),
        container_title=_first(work.get("container-title")),
        container_aliases=tuple(
            dict.fromkeys(strip_markup(str(a)) for a in work.get("short-container-title") or [] if a)
        ),
        year=years[0] if years else "",
        years=tuple(years),
        volume=str(work.get("volume", "")),
        issue=str(work.get("issue", "")),
        pages=str(work.get("page", "")),
        doi=normalize_doi(work["DOI"]),
        pmid=normalize_pmid(str(work.get("pmid", ""))),
        abstract=strip_markup(str(work.get("abstract", ""))),
        publication_types=tuple(dict.fromkeys(types)),
        updates=notices.union(updates),
    )


def parse_single(body: Any) -> Record:
    """The body of GET /works/{doi} (status ok, message-type work)."""
    if not isinstance(body, dict) or body.get("status") != "ok" or not isinstance(body.get("message"), dict):
        raise ValueError(f"unexpected Crossref reply: {str(body)[:120]}")
    return parse_work(body["message"])


def parse_list(body: Any) -> list[Record]:
    """The body of GET /works?... (a work-list): filter batches and searches."""
    if not isinstance(body, dict) or body.get("status") != "ok":
        raise ValueError(f"unexpected Crossref reply: {str(body)[:120]}")
    message = body.get("message") or {}
    if message.get("message-type", "work-list") != "work-list" and "items" not in message:
        raise ValueError("Crossref reply is not a work-list")
    return [parse_work(item) for item in message.get("items") or []]


class CrossrefSource(LiveSource):
    name = NAME

    def work(self, doi: str) -> Record | None:
        """GET /works/{doi}; None on Crossref's 404 ("Resource not found.", text/plain)."""
        return self._fetch_one(doi)

    def _fetch_one(self, doi: str) -> Record | None:
        reply = self.http.get(NAME, f"{self.base_url}/works/{quote(doi, safe='/()')}", kind=self.lookup_kind)
        if reply.status == 404:
            return None  # "Resource not found.": not a Crossref DOI (text/plain, not JSON)
        try:
            return parse_single(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None

    def works(self, dois: Sequence[str], confirm: bool = True) -> dict[str, Record | None]:
        """Records by DOI; None for DOIs Crossref does not hold.

        With `confirm`, each DOI a batch lacks is asked for singly; the router passes False and
        confirms only DOIs whose prefix doi.org says is Crossref's (others are not its to deny).
        """
        wanted = list(dict.fromkeys(d for d in dois if d))
        found: dict[str, Record | None] = {}
        batchable = [d for d in wanted if "," not in d]
        for start in range(0, len(batchable), BATCH):
            chunk = batchable[start : start + BATCH]
            reply = self.http.get(
                NAME,
                f"{self.base_url}/works",
                params={"filter": ",".join(f"doi:{d}" for d in chunk), "rows": str(len(chunk))},
                kind=self.lookup_kind,
            )
            if reply.status != 200:
                raise SourceUnavailable(NAME, f"HTTP {reply.status} for a DOI batch")
            try:
                records = parse_list(reply.json())
            except ValueError as exc:
                raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
            for record in records:
                if record.doi in chunk:
                    found[record.doi] = record
            if any(d not in found for d in chunk):
                self.http.set_lifetime(reply, "not-found")
        for doi in wanted:
            if doi not in found:
                found[doi] = self._fetch_one(doi) if confirm else None
        return found

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        by_doi = self.works([e.doi for e in entries if e.doi])
        return {e.key: by_doi[e.doi] for e in entries if e.doi}

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        if not entry.title:
            return []
        params = {"query.bibliographic": query_text(entry), "rows": str(limit)}
        reply = self.http.get(NAME, f"{self.base_url}/works", params=params, kind="search")
        if reply.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {reply.status} for a search")
        try:
            return parse_list(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
