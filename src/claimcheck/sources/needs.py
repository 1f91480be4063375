"""What one reference's verdict needs to have heard, so that an outage elsewhere costs nothing.

A found record is judged when (1) a service that holds the record answered (it gives identity
and metadata) and (2) the notices were checked: a service that carries retraction and notice
signals for the record holds it (Crossref's update relations, which include Retraction Watch;
PubMed; Europe PMC; OpenAlex's is_retracted), or no such service failed. Other services being
down (Semantic Scholar, DataCite, doi.org, a second notice source) is named, not fatal.

"Not found" is stricter: every service able to find the entry must have said it has nothing,
so any failure about an entry without a record leaves it undetermined (never a false not-found).
Likewise a match found by bibliographic search while a searcher failed counts only when its
title is the printed one: the failed searcher, asked first, might have held a closer match.
A retraction already seen is certain enough to report whatever else failed.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.model import Entry, Outage, Resolution
from claimcheck.normalize import fold

#: Services whose records carry retraction and notice signals.
NOTICE_SOURCES = ("crossref", "pubmed", "europepmc", "openalex")
#: Services that search by title (sources/router.py SEARCH_ORDER).
SEARCHERS = ("crossref", "pubmed", "europepmc", "openalex", "semanticscholar")


@dataclass(frozen=True)
class Needs:
    """Whether a reference can be judged on what answered, and what did not answer."""

    judged: bool
    #: When not judged: what is missing, in words.
    missing: str = ""
    #: Services that failed without being needed (the report names them).
    not_asked: tuple[Outage, ...] = ()


def needs(resolution: Resolution, retracted: bool = False, entry: Entry | None = None) -> Needs:
    failed = tuple(resolution.unavailable)
    if not failed:
        return Needs(True)
    record = resolution.record
    if record is None:
        services = ", ".join(dict.fromkeys(o.service for o in failed))
        return Needs(False, f"not every service able to find it answered ({services} did not)")
    if retracted:
        return Needs(True, not_asked=failed)
    searchers_failed = [o.service for o in failed if o.service in SEARCHERS]
    exact = entry is not None and fold(entry.title) == fold(record.title)
    if resolution.method == "search" and searchers_failed and not exact:
        services = ", ".join(dict.fromkeys(searchers_failed))
        return Needs(False, f"the search could not ask {services}, which might hold a closer match")
    held = set(resolution.held) or {record.source}
    notice_failed = [o for o in failed if o.service in NOTICE_SOURCES]
    if held & set(NOTICE_SOURCES) or not notice_failed:
        return Needs(True, not_asked=failed)
    services = ", ".join(dict.fromkeys(o.service for o in notice_failed))
    return Needs(False, f"no service that carries retraction notices for it answered ({services} did not)")
