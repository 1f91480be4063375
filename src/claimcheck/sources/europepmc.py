"""Europe PMC REST search with `resultType=core`: abstracts, publication types, MeSH, and the
comment/correction links ("Retraction in", "Erratum in") that count towards a record's status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Person, Record, Update
from claimcheck.normalize import strip_markup
from claimcheck.sources import notices
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.live import LiveSource

NAME = "europepmc"
BATCH = 25


def _person(author: dict[str, Any]) -> Person:
    if author.get("collectiveName"):
        return Person(literal=str(author["collectiveName"]))
    given = str(author.get("firstName") or author.get("initials") or "")
    return Person(family=str(author.get("lastName") or author.get("fullName") or ""), given=given)


def parse_result(item: dict[str, Any]) -> Record:
    if not isinstance(item, dict) or not item.get("id"):
        raise ValueError("not a Europe PMC result (no id)")
    info = item.get("journalInfo") or {}
    journal = info.get("journal") or {}
    years = [str(y) for y in (item.get("pubYear"), info.get("yearOfPublication")) if y]
    if item.get("firstPublicationDate"):
        years.append(str(item["firstPublicationDate"])[:4])
    years = list(dict.fromkeys(years))
    updates = []
    for comment in (item.get("commentCorrectionList") or {}).get("commentCorrection") or []:
        kind = notices.kind_of(str(comment.get("type", "")))
        if kind:
            ident = str(comment.get("id", ""))
            notice = (
                f"pmid:{ident}"
                if comment.get("source") == "MED" and ident
                else str(comment.get("reference", ""))
            )
            updates.append(Update(kind=kind, notice=notice, source=NAME))
    aliases = [str(journal.get(k) or "") for k in ("isoabbreviation", "medlineAbbreviation")]
    return Record(
        source=NAME,
        id=f"{item.get('source', '')}:{item['id']}",
        title=strip_markup(str(item.get("title") or "")),
        authors=tuple(
            _person(a) for a in (item.get("authorList") or {}).get("author") or [] if isinstance(a, dict)
        ),
        container_title=str(journal.get("title") or item.get("journalTitle") or ""),
        container_aliases=tuple(dict.fromkeys(a for a in aliases if a)),
        year=years[0] if years else "",
        years=tuple(years),
        volume=str(info.get("volume") or ""),
        issue=str(info.get("issue") or ""),
        pages=str(item.get("pageInfo") or ""),
        doi=normalize_doi(str(item.get("doi") or "")),
        pmid=normalize_pmid(str(item.get("pmid") or "")),
        pmcid=normalize_pmcid(str(item.get("pmcid") or "")) if item.get("pmcid") else "",
        abstract=strip_markup(str(item.get("abstractText") or "")),
        publication_types=tuple(str(t) for t in (item.get("pubTypeList") or {}).get("pubType") or []),
        mesh_terms=tuple(
            str(m.get("descriptorName"))
            for m in (item.get("meshHeadingList") or {}).get("meshHeading") or []
            if isinstance(m, dict) and m.get("descriptorName")
        ),
        updates=notices.union(updates),
    )


def parse_search(body: Any) -> list[Record]:
    if not isinstance(body, dict) or "resultList" not in body:
        raise ValueError(f"unexpected Europe PMC reply: {str(body)[:120]}")
    return [parse_result(r) for r in (body.get("resultList") or {}).get("result") or []]


class EuropePMCSource(LiveSource):
    name = NAME

    def _search(self, query: str, size: int, kind: str) -> list[Record]:
        reply = self.http.get(
            NAME,
            f"{self.base_url}/search",
            params={"query": query, "resultType": "core", "format": "json", "pageSize": str(size)},
            kind=kind,
        )
        if reply.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {reply.status} for a search")
        try:
            return parse_search(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        """DOIs and PMIDs, OR'd into one query per 25 identifiers."""
        terms = list(
            dict.fromkeys(
                f'DOI:"{e.doi}"' if e.doi else f"EXT_ID:{e.pmid} AND SRC:MED"
                for e in entries
                if e.doi or e.pmid
            )
        )
        records: list[Record] = []
        for start in range(0, len(terms), BATCH):
            chunk = terms[start : start + BATCH]
            records += self._search(
                " OR ".join(f"({t})" for t in chunk), size=len(chunk) * 2, kind=self.lookup_kind
            )
        by_doi = {r.doi: r for r in records if r.doi}
        by_pmid = {r.pmid: r for r in records if r.pmid}
        return {
            e.key: (by_doi.get(e.doi) if e.doi else by_pmid.get(e.pmid)) for e in entries if e.doi or e.pmid
        }

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        if not entry.title:
            return []
        title = entry.title.replace('"', " ")
        return self._search(f'TITLE:"{title}"', size=limit, kind="search")
