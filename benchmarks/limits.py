"""Each service's published limits (../shared API_NOTES, summarised in docs/performance.md), and the
floor: the shortest time those limits allow for a workload.

The simulated server enforces these limits (429 beyond them); the harness computes the floor
from the requests a workload needs at the documented batch sizes, so a client that batches
less, or leaves a service idle, shows up as a ratio above 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from benchmarks.workload import Workload


@dataclass(frozen=True)
class Limit:
    """Requests per second (a token bucket holding one second's worth) and concurrent requests.

    `rate=0` means no published rate; `concurrency=0` means no published concurrency limit.
    """

    rate: float
    concurrency: int = 0
    note: str = ""


#: What the simulated services allow the benchmark's client. Crossref: the polite pool (the
#: client sends mailto) splits single-record (10/s) and list (3/s) requests, both concurrency 3;
#: the public pool is 5/s and 1/s with concurrency 1.
LIMITS: dict[str, Limit] = {
    "crossref": Limit(3.0, 3, "polite pool, list requests (filter, query); 10/s for /works/{doi}"),
    "crossref-single": Limit(10.0, 3, "polite pool, /works/{doi}"),
    "crossref-public": Limit(1.0, 1, "public pool, list requests"),
    "crossref-public-single": Limit(5.0, 1, "public pool, /works/{doi}"),
    "pubmed": Limit(3.0, 0, "NCBI E-utilities without an API key (10/s with one)"),
    "idconv": Limit(3.0, 0, "NCBI"),
    "openalex": Limit(100.0, 0, "100 requests/s per user"),
    "semanticscholar": Limit(1.0, 0, "1 request/s with an API key"),
    "europepmc": Limit(0.0, 0, "no published limit"),
    "datacite": Limit(1000 / 300, 0, "1,000 per 5 minutes, identified"),
    "doiorg": Limit(0.0, 0, "no published limit"),
}

#: Batch sizes the floor assumes: the documented maxima (Crossref's filter has no documented
#: maximum; 50 is the value OpenAlex documents and claimcheck uses for both).
BATCH = {"crossref": 50, "openalex": 50, "pubmed-efetch": 200, "pubmed-esearch": 200,
         "europepmc": 25, "semanticscholar": 500}


def _batches(n: int, size: int) -> int:
    return math.ceil(n / size) if n else 0


def needed_requests(workload: Workload, cold: bool = True) -> dict[str, int]:
    """The fewest requests per service that resolve the workload with every service consulted.

    Identifier references: Crossref, OpenAlex and Europe PMC by DOI (PMID-only references get
    their DOI from PubMed first, in separate batches), PubMed by DOI (esearch) and PMID (efetch),
    Semantic Scholar for papers no other source gives an abstract. Title-only references: one
    Crossref search each (the first search source; it finds every generated paper), then the
    matches are looked up by identifier in batches like the rest.
    """
    if not cold:
        return {}
    n_doi, n_pmid, n_title = workload.count("doi"), workload.count("pmid"), workload.count("title")
    lacking = [p for p in workload.papers if not p.abstract]
    kinds = dict(zip(workload.papers, workload.kinds, strict=True))
    lacking_ids = sum(1 for p in lacking if kinds[p] != "title")
    lacking_title = sum(1 for p in lacking if kinds[p] == "title")
    return {
        "crossref": _batches(n_doi, 50) + _batches(n_pmid, 50) + n_title + _batches(n_title, 50),
        "pubmed": _batches(n_doi, 200) + _batches(n_doi + n_pmid, 200)
        + _batches(n_title, 200) * 2,
        "openalex": _batches(n_doi, 50) + _batches(n_pmid, 50) + _batches(n_title, 50),
        "europepmc": _batches(n_doi + n_pmid, 25) + _batches(n_title, 25),
        "semanticscholar": _batches(lacking_ids, 500) + _batches(lacking_title, 500),
    }


def service_floor(requests: int, limit: Limit, latency: float) -> float:
    """Seconds a service needs for `requests`: its rate, or its round trips over its concurrency."""
    if not requests:
        return 0.0
    by_rate = (requests - min(requests, math.floor(limit.rate))) / limit.rate if limit.rate else 0.0
    by_rate = max(by_rate, 0.0)
    by_slots = requests * latency / limit.concurrency if limit.concurrency else latency
    return max(by_rate, by_slots) + latency


def floor(requests: dict[str, int], latency: float) -> tuple[float, str]:
    """The workload's floor (services work in parallel: the slowest one bounds it) and which
    service that is."""
    times = {name: service_floor(n, LIMITS[name], latency) for name, n in requests.items()}
    if not times:
        return 0.0, "-"
    name = max(times, key=lambda k: times[k])
    return times[name], name
