"""One record from what several sources say about the same work.

The owning agency's record (Crossref or DataCite for a DOI, else PubMed) gives the bibliographic
fields that are compared with the entry; the others fill what it lacks. Abstracts come from
whichever source has one, publication types and MeSH from PubMed (else Europe PMC), and the
notices (retractions, expressions of concern, corrections) are the union of every source's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from claimcheck.model import Record
from claimcheck.sources import notices

#: Which source's record leads, best first.
PRIMARY_ORDER = ("crossref", "datacite", "pubmed", "europepmc", "openalex", "semanticscholar")
_TYPE_ORDER = ("pubmed", "europepmc")


def _first(records: Sequence[Record], attribute: str) -> str:
    return next((getattr(r, attribute) for r in records if getattr(r, attribute)), "")


def merge(records: Sequence[Record]) -> Record:
    """Merge records of one work; `records` may come in any order."""
    if not records:
        raise ValueError("nothing to merge")
    ranked = sorted(records, key=lambda r: PRIMARY_ORDER.index(r.source) if r.source in PRIMARY_ORDER else 99)
    primary = ranked[0]
    if len(ranked) == 1:
        return primary
    by_source = {r.source: r for r in ranked}
    typed = next(
        (by_source[s] for s in _TYPE_ORDER if s in by_source and by_source[s].publication_types), None
    )
    types = list(typed.publication_types) if typed else list(primary.publication_types)
    for record in ranked:  # keep notice markers (a Crossref `update-to`) whoever reports them
        types += [t for t in record.publication_types if t.strip().lower() in notices.NOTICE_TYPES]
    meshed = next((by_source[s] for s in _TYPE_ORDER if s in by_source and by_source[s].mesh_terms), None)
    aliases = [a for r in ranked for a in (r.container_aliases or ())]
    if primary.container_title:
        aliases = [a for a in aliases if a != primary.container_title]
    with_abstract = next((r for r in ranked if r.abstract), None)
    return replace(
        primary,
        source="+".join(r.source for r in ranked),
        container_title=primary.container_title or _first(ranked, "container_title"),
        container_aliases=tuple(dict.fromkeys(aliases)),
        years=tuple(dict.fromkeys(y for r in ranked for y in (r.years or ((r.year,) if r.year else ())))),
        year=primary.year or _first(ranked, "year"),
        volume=primary.volume or _first(ranked, "volume"),
        issue=primary.issue or _first(ranked, "issue"),
        pages=primary.pages or _first(ranked, "pages"),
        doi=primary.doi or _first(ranked, "doi"),
        pmid=primary.pmid or _first(ranked, "pmid"),
        pmcid=primary.pmcid or _first(ranked, "pmcid"),
        abstract=with_abstract.abstract if with_abstract else "",
        abstract_complete=with_abstract.abstract_complete if with_abstract else True,
        publication_types=tuple(dict.fromkeys(types)),
        mesh_terms=meshed.mesh_terms if meshed else primary.mesh_terms,
        updates=notices.union(u for r in ranked for u in r.updates),
    )
