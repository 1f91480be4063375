"""Semantic Scholar Graph API: `POST /paper/batch` (500 ids, unknown ones come back as null in
place) and `/paper/search/match` (one best match; a 404 "Title match not found" is a normal
no-match). S2 has no retraction data: it contributes abstracts and search candidates only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Person, Record
from claimcheck.names import person_from_display_name
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.live import LiveSource

NAME = "semanticscholar"
BATCH = 500
FIELDS = "title,authors,venue,journal,year,publicationDate,externalIds,abstract,publicationTypes"


def _person(author: dict[str, Any]) -> Person:
    name = str(author.get("name") or "")
    return person_from_display_name(name)


def parse_paper(paper: dict[str, Any]) -> Record:
    if not isinstance(paper, dict) or not paper.get("paperId"):
        raise ValueError("not a Semantic Scholar paper (no paperId)")
    ids = paper.get("externalIds") or {}
    journal = paper.get("journal") or {}
    years = [str(paper["year"])] if paper.get("year") else []
    if paper.get("publicationDate"):
        years.append(str(paper["publicationDate"])[:4])
    years = list(dict.fromkeys(years))
    pmcid = str(ids.get("PubMedCentral") or "")
    return Record(
        source=NAME,
        id=str(paper["paperId"]),
        title=str(paper.get("title") or ""),
        authors=tuple(_person(a) for a in paper.get("authors") or [] if isinstance(a, dict)),
        container_title=str(journal.get("name") or paper.get("venue") or ""),
        year=years[0] if years else "",
        years=tuple(years),
        volume=str(journal.get("volume") or "").strip(),
        pages=str(journal.get("pages") or "").strip(),
        doi=normalize_doi(str(ids.get("DOI") or "")),
        pmid=normalize_pmid(str(ids.get("PubMed") or "")),
        pmcid=normalize_pmcid(pmcid) if pmcid else "",
        abstract=str(paper.get("abstract") or ""),
        publication_types=tuple(str(t) for t in paper.get("publicationTypes") or []),
    )


def parse_batch(body: Any, asked: Sequence[str]) -> dict[str, Record | None]:
    """The batch reply, aligned with the ids asked: null (unknown id) stays None."""
    if not isinstance(body, list) or len(body) != len(asked):
        raise ValueError(f"batch reply does not match the {len(asked)} ids asked")
    return {ident: (parse_paper(p) if p is not None else None) for ident, p in zip(asked, body, strict=True)}


def parse_match(body: Any) -> list[Record]:
    """/paper/search/match: `data` holds the one best match (with matchScore)."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError(f"unexpected match reply: {str(body)[:120]}")
    return [parse_paper(p) for p in body["data"]]


def _s2_id(entry: Entry) -> str:
    if entry.doi:
        return f"DOI:{entry.doi}"
    if entry.pmid:
        return f"PMID:{entry.pmid}"
    if entry.pmcid:
        return f"PMCID:{entry.pmcid.removeprefix('PMC')}"
    return ""


class SemanticScholarSource(LiveSource):
    name = NAME

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        wanted = {e.key: _s2_id(e) for e in entries if _s2_id(e)}
        ids = list(dict.fromkeys(wanted.values()))
        answers: dict[str, Record | None] = {}
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            reply = self.http.post(
                NAME, f"{self.base_url}/paper/batch", params={"fields": FIELDS}, json_body={"ids": chunk}
            )
            if reply.status != 200:
                raise SourceUnavailable(NAME, f"HTTP {reply.status} for a batch")
            try:
                answers.update(parse_batch(reply.json(), chunk))
            except ValueError as exc:
                raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
            if any(answers[i] is None for i in chunk):
                self.http.set_lifetime(reply, "not-found")
        return {key: answers.get(ident) for key, ident in wanted.items()}

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        if not entry.title:
            return []
        reply = self.http.get(
            NAME,
            f"{self.base_url}/paper/search/match",
            params={"query": entry.title, "fields": FIELDS},
            kind="search",
        )
        if reply.status == 404:
            return []  # {"error":"Title match not found"}: no match, not an outage
        try:
            return parse_match(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
