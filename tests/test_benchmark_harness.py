"""The benchmark harness is itself correct: the simulated web enforces its limits, the floor
adds up, and claimcheck asks it few requests per reference (batches, no per-entry searches for
references with identifiers). No timing is asserted here; benchmarks/run.py measures that."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.limits import LIMITS, Limit, floor, needed_requests
from benchmarks.simserver import Server, SimulatedWeb
from benchmarks.workload import generate, write_project


def test_a_burst_beyond_the_rate_gets_429(tmp_path):
    web = SimulatedWeb(generate(5).papers, latency=0, limits={"pubmed": Limit(rate=3.0)})
    with Server(web) as server:
        codes = [
            requests.get(f"{server.url}/pubmed/esearch.fcgi", params={"term": "x[ti]"}, timeout=5).status_code
            for _ in range(6)
        ]
    assert codes[:3] == [200, 200, 200]  # one second's worth of tokens
    assert 429 in codes[3:]
    assert web.stats.throttled["pubmed"] >= 1


def test_concurrency_beyond_the_limit_gets_429():
    web = SimulatedWeb(generate(5).papers, latency=0.3, limits={"crossref": Limit(rate=0, concurrency=1)})
    codes: list[int] = []
    with Server(web) as server:

        def ask() -> None:
            reply = requests.get(f"{server.url}/crossref/works", params={"filter": "doi:10.1/x", "mailto": "a@b.c"},
                                 timeout=5)
            codes.append(reply.status_code)

        threads = [threading.Thread(target=ask) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(codes) == [200, 429, 429]


def test_the_simulated_services_answer_in_shapes_the_adapters_parse():
    from claimcheck.sources import crossref, europepmc, openalex, pubmed, semanticscholar

    workload = generate(3)
    paper = workload.papers[0]
    web = SimulatedWeb(workload.papers, latency=0, limits={})
    with Server(web) as server:
        get = lambda path, **params: requests.get(f"{server.url}/{path}", params=params, timeout=5)  # noqa: E731
        works = crossref.parse_list(get("crossref/works", filter=f"doi:{paper.doi}").json())
        assert works[0].title == paper.title
        fetched = pubmed.parse_efetch(get("pubmed/efetch.fcgi", id=paper.pmid).text)
        assert fetched[0].doi == paper.doi
        assert openalex.parse_work(get(f"openalex/works/doi:{paper.doi}").json()).abstract == paper.abstract
        found = europepmc.parse_search(get("europepmc/search", query=f'DOI:"{paper.doi}"').json())
        assert found[0].pmid == paper.pmid
        batch = requests.post(f"{server.url}/semanticscholar/paper/batch", json={"ids": [f"DOI:{paper.doi}", "DOI:x"]},
                              timeout=5)
        assert semanticscholar.parse_batch(batch.json(), ["a", "b"])["b"] is None


def test_the_floor_is_set_by_the_slowest_service():
    workload = generate(1000)
    needed = needed_requests(workload)
    title_only = workload.count("title")
    assert needed["crossref"] >= title_only  # one search per title-only reference
    seconds, bound_by = floor(needed, latency=0.08)
    assert bound_by == "crossref"
    assert seconds == pytest.approx((needed["crossref"] - 3) / LIMITS["crossref"].rate + 0.08)


def test_claimcheck_asks_few_requests_per_reference(tmp_path, monkeypatch):
    """N=1,000 against the simulated web (no latency, limits off, test-fast pacing): at most 0.05
    identifier requests per identifier-carrying reference per service, and every reference
    verified."""
    from claimcheck.audit import AuditOptions, run_audit
    from claimcheck.project import load_project

    workload = generate(1000)
    project = write_project(tmp_path / "project", workload, claims=10)
    web = SimulatedWeb(workload.papers, latency=0, limits={})
    with Server(web) as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("CLAIMCHECK_OFFLINE", "0")
        monkeypatch.setenv("CLAIMCHECK_CACHE", "off")
        monkeypatch.setenv("CLAIMCHECK_HTTP_INTERVAL", "0")
        monkeypatch.setenv("CLAIMCHECK_EMAIL", "bench@example.org")
        result = run_audit(load_project(project), AuditOptions(use_lock=False))
    assert {r.status.value for r in result.references} == {"verified"}
    with_ids = workload.count("doi") + workload.count("pmid")
    by_service = {service: count for (service, kind), count in web.stats.kinds.items() if kind == "id"}
    assert set(by_service) >= {"crossref", "pubmed", "openalex", "europepmc"}
    for service, count in by_service.items():
        assert count / with_ids <= 0.05, (service, count)
    searches = {service: count for (service, kind), count in web.stats.kinds.items() if kind == "search"}
    assert searches == {"crossref": workload.count("title")}  # only title-only references are searched
