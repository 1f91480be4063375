"""OpenAlex: works by DOI (`filter=doi:a|b`, 50 per request; singletons `/works/doi:{doi}`) and search.

OpenAlex keeps abstracts as `abstract_inverted_index` (word → positions) for licensing reasons;
`abstract_text` rebuilds the text. Its `is_retracted` is a coarse boolean, counted as one
retraction signal among several. An unknown DOI answers 404 with an HTML page, not JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Person, Record, Update
from claimcheck.names import person_from_display_name
from claimcheck.normalize import strip_markup
from claimcheck.sources import notices
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.live import LiveSource

NAME = "openalex"
BATCH = 50


def abstract_text(index: dict[str, list[int]] | None) -> str:
    """The abstract from an inverted index; "" when the index is null or empty."""
    if not index:
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions or []:
            placed[int(position)] = word
    return " ".join(placed[i] for i in sorted(placed))


def _tail(url: Any) -> str:
    return str(url or "").rstrip("/").rsplit("/", 1)[-1]


def _person(authorship: dict[str, Any]) -> Person:
    name = str(
        (authorship.get("author") or {}).get("display_name") or authorship.get("raw_author_name") or ""
    )
    return person_from_display_name(name)


def parse_work(work: dict[str, Any]) -> Record:
    """One OpenAlex work (2022 `host_venue` and 2023+ `primary_location` schemas) as a record."""
    if not isinstance(work, dict) or not work.get("id"):
        raise ValueError("not an OpenAlex work (no id)")
    ids = work.get("ids") or {}
    source = ((work.get("primary_location") or {}).get("source") or {}) or (work.get("host_venue") or {})
    biblio = work.get("biblio") or {}
    first, last = biblio.get("first_page") or "", biblio.get("last_page") or ""
    years = [str(work["publication_year"])] if work.get("publication_year") else []
    if work.get("publication_date"):
        years.append(str(work["publication_date"])[:4])
    years = list(dict.fromkeys(years))
    updates = (Update(kind=notices.RETRACTION, source=NAME),) if work.get("is_retracted") is True else ()
    return Record(
        source=NAME,
        id=_tail(work["id"]),
        type=str(work.get("type") or ""),
        title=strip_markup(str(work.get("title") or work.get("display_name") or "")),
        authors=tuple(_person(a) for a in work.get("authorships") or [] if isinstance(a, dict)),
        container_title=str(source.get("display_name") or ""),
        year=years[0] if years else "",
        years=tuple(years),
        volume=str(biblio.get("volume") or ""),
        issue=str(biblio.get("issue") or ""),
        pages=f"{first}-{last}" if first and last and first != last else str(first),
        doi=normalize_doi(str(work.get("doi") or ids.get("doi") or "")),
        pmid=normalize_pmid(_tail(ids.get("pmid"))),
        pmcid=normalize_pmcid(_tail(ids.get("pmcid"))),
        abstract=abstract_text(work.get("abstract_inverted_index")),
        updates=updates,
    )


def parse_list(body: Any) -> list[Record]:
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ValueError(f"unexpected OpenAlex list reply: {str(body)[:120]}")
    return [parse_work(w) for w in body["results"]]


class OpenAlexSource(LiveSource):
    name = NAME

    def works(self, dois: Sequence[str]) -> dict[str, Record | None]:
        wanted = list(dict.fromkeys(d for d in dois if d))
        found: dict[str, Record | None] = {d: None for d in wanted}
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            if len(chunk) == 1:
                reply = self.http.get(
                    NAME, f"{self.base_url}/works/doi:{quote(chunk[0], safe='/()')}", kind=self.lookup_kind
                )
                if reply.status == 404:
                    continue  # an HTML "404 Not Found" page: OpenAlex has no such DOI
                try:
                    records = [parse_work(reply.json())]
                except ValueError as exc:
                    raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
            else:
                reply = self.http.get(
                    NAME,
                    f"{self.base_url}/works",
                    params={"filter": "doi:" + "|".join(chunk), "per-page": str(len(chunk))},
                    kind=self.lookup_kind,
                )
                if reply.status != 200:
                    raise SourceUnavailable(NAME, f"HTTP {reply.status} for a DOI batch")
                try:
                    records = parse_list(reply.json())
                except ValueError as exc:
                    raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
                if len(records) < len(chunk):
                    self.http.set_lifetime(reply, "not-found")
            for record in records:
                if record.doi in found:
                    found[record.doi] = record
        return found

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        by_doi = self.works([e.doi for e in entries if e.doi])
        return {e.key: by_doi[e.doi] for e in entries if e.doi}

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        if not entry.title:
            return []
        reply = self.http.get(
            NAME,
            f"{self.base_url}/works",
            params={"search": entry.title, "per-page": str(limit)},
            kind="search",
        )
        if reply.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {reply.status} for a search")
        try:
            return parse_list(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
