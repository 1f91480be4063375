"""DataCite REST API (`/dois/{doi}`, JSON:API) and the doi.org registration-agency look-up.

Crossref does not hold every DOI (arXiv, Zenodo, Dryad, figshare are DataCite's), so a DOI that
Crossref lacks is routed by asking doi.org which agency registered its prefix; only that
agency's answer can make the reference `not-found`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from claimcheck.identifiers import normalize_doi
from claimcheck.model import Entry, Person, Record
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.live import LiveSource

NAME = "datacite"


def _person(creator: dict[str, Any]) -> Person:
    if creator.get("familyName"):
        return Person(family=str(creator["familyName"]), given=str(creator.get("givenName") or ""))
    name = str(creator.get("name") or "")
    if creator.get("nameType") == "Personal" and "," in name:
        family, _, given = name.partition(",")
        return Person(family=family.strip(), given=given.strip())
    return Person(literal=name)


def parse_doi(body: Any) -> Record:
    """GET /dois/{doi}: data.attributes as a record."""
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict) or not attributes.get("doi"):
        raise ValueError(f"unexpected DataCite reply: {str(body)[:120]}")
    titles = [t.get("title", "") for t in attributes.get("titles") or [] if isinstance(t, dict)]
    main = next((t.get("title", "") for t in attributes.get("titles") or [] if not t.get("titleType")), "")
    abstracts = [
        str(d.get("description") or "")
        for d in attributes.get("descriptions") or []
        if isinstance(d, dict) and d.get("descriptionType") == "Abstract"
    ]
    container = attributes.get("container") or {}
    types = attributes.get("types") or {}
    year = str(attributes.get("publicationYear") or "")
    first, last = container.get("firstPage") or "", container.get("lastPage") or ""
    return Record(
        source=NAME,
        id=normalize_doi(str(attributes["doi"])),
        type=str(types.get("resourceTypeGeneral") or ""),
        title=str(main or (titles[0] if titles else "")),
        authors=tuple(_person(c) for c in attributes.get("creators") or [] if isinstance(c, dict)),
        container_title=str(container.get("title") or ""),
        year=year,
        years=(year,) if year else (),
        volume=str(container.get("volume") or ""),
        issue=str(container.get("issue") or ""),
        pages=f"{first}-{last}" if first and last else str(first),
        doi=normalize_doi(str(attributes["doi"])),
        abstract=abstracts[0] if abstracts else "",
        publication_types=tuple(
            t for t in (types.get("resourceTypeGeneral"), types.get("resourceType")) if t
        ),
    )


def parse_agency(body: Any) -> str:
    """doi.org/ra/{prefix}: the agency ("Crossref", "DataCite", ...) or "" when the DOI does not exist."""
    if not isinstance(body, list) or not body or not isinstance(body[0], dict):
        raise ValueError(f"unexpected doi.org reply: {str(body)[:120]}")
    answer = body[0]
    if answer.get("RA"):
        return str(answer["RA"])
    status = str(answer.get("status", ""))
    if status.lower() in {"doi does not exist", "invalid doi"}:
        return ""
    raise ValueError(f"unexpected doi.org status: {status!r}")


class DataCiteSource(LiveSource):
    name = NAME

    def works(self, dois: Sequence[str]) -> dict[str, Record | None]:
        found: dict[str, Record | None] = {}
        for doi in dict.fromkeys(d for d in dois if d):
            reply = self.http.get(
                NAME, f"{self.base_url}/dois/{quote(doi, safe='/()')}", kind=self.lookup_kind
            )
            if reply.status == 404:
                found[doi] = None
                continue
            try:
                found[doi] = parse_doi(reply.json())
            except ValueError as exc:
                raise SourceUnavailable(NAME, f"unparseable reply: {exc}") from None
        return found

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        by_doi = self.works([e.doi for e in entries if e.doi])
        return {e.key: by_doi[e.doi] for e in entries if e.doi}

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        return []  # DataCite is asked by DOI only (routed there by doi.org)


class DoiOrg:
    """The doi.org registration-agency look-up, one request per prefix (cached for long)."""

    name = "doiorg"

    def __init__(self, http: Any, base_url: str | None = None) -> None:
        self.http = http
        self.base_url = (base_url or "https://doi.org").rstrip("/")

    def agency(self, doi: str) -> str:
        prefix = normalize_doi(doi).split("/", 1)[0] if normalize_doi(doi) else doi.split("/", 1)[0]
        reply = self.http.get(self.name, f"{self.base_url}/ra/{prefix}", kind="routing")
        if reply.status != 200:
            raise SourceUnavailable(self.name, f"HTTP {reply.status} for the agency of {prefix}")
        try:
            return parse_agency(reply.json())
        except ValueError as exc:
            raise SourceUnavailable(self.name, f"unparseable reply: {exc}") from None
