"""Identifier-first routing, batching and merging, and the statuses notices give a reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakeweb import FakeWeb, Paper, environment

from claimcheck.model import Entry, Outage, Person, Record, ReferenceStatus, Resolution, Update
from claimcheck.resolve import resolve
from claimcheck.sources import notices
from claimcheck.sources.merge import merge
from claimcheck.sources.router import build_live_sources
from claimcheck.verify.references import verify_reference

SERVICES = ("crossref", "pubmed", "openalex", "europepmc", "semanticscholar", "datacite", "doiorg")


def hundred_papers() -> list[Paper]:
    return [
        Paper(
            f"10.1000/bulk.{i}",
            f"Study number {i} of peptide signalling in insulin resistant muscle",
            [("Author", "A"), (f"Coauthor{i}", "B")],
            "Metabolism",
            "2020",
            pmid=str(30000000 + i),
            abstract=("Abstract of study " + str(i)) if i % 2 else "",
        )
        for i in range(100)
    ]


@pytest.fixture
def web(httpserver) -> FakeWeb:
    fake = FakeWeb(hundred_papers())
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    return fake


def live(httpserver, cache: Path):
    return build_live_sources(env=environment(httpserver.url_for("").rstrip("/"), str(cache)))


def test_a_hundred_dois_take_a_handful_of_requests_per_source_and_none_the_second_time(
    httpserver, web, tmp_path
):
    entries = [Entry(key=f"e{i}", doi=f"10.1000/bulk.{i}", title=p.title) for i, p in enumerate(web.papers)]
    answer = live(httpserver, tmp_path / "cache").lookup_answer(entries)
    assert sum(r is not None for r in answer.records.values()) == 100
    assert not answer.unavailable
    counts = {s: web.count(s) for s in SERVICES}
    # Crossref 2 batches of 50, PubMed 1 esearch + 1 efetch, OpenAlex 2 batches of 50,
    # Europe PMC 4 queries of 25, Semantic Scholar 1 batch (for the 50 without an abstract).
    assert counts == {
        "crossref": 2,
        "pubmed": 2,
        "openalex": 2,
        "europepmc": 4,
        "semanticscholar": 1,
        "datacite": 0,
        "doiorg": 0,
    }, counts
    assert sum(bool(r.abstract) for r in answer.records.values()) == 50  # the odd ones have one
    before = len(web.log)
    again = live(httpserver, tmp_path / "cache").lookup_answer(entries)
    assert len(web.log) == before  # the second run is answered from the cache
    assert again.records == answer.records


def test_search_only_for_entries_without_identifiers(httpserver, web, tmp_path):
    sources = live(httpserver, tmp_path / "cache")
    with_doi = Entry(key="d", doi="10.1000/bulk.1", title="whatever")
    assert sources.search_answer(with_doi).found == ()
    assert web.log == []
    printed = web.papers[3]
    no_id = Entry(
        key="s",
        title=printed.title,
        year="2020",
        authors=(Person(family="Author", given="A"),),
        journal="Metabolism",
    )
    resolution = resolve([no_id], [sources])["s"]
    assert resolution.method == "search" and resolution.record.doi == "10.1000/bulk.3"
    # Crossref's search found it (then it was looked up by DOI like any other entry: its batch,
    # PubMed, one OpenAlex singleton, Europe PMC); the later search sources were not asked.
    assert web.count("crossref") == 2 and web.count("openalex") == 1
    assert web.count("semanticscholar") == 0


def test_merge_takes_the_union_of_retraction_signals_and_pubmeds_types():
    crossref = Record(
        source="crossref",
        id="10.1/x",
        title="T",
        doi="10.1/x",
        year="2001",
        updates=(Update("correction", "10.1/c", "crossref/publisher"),),
    )
    pubmed = Record(
        source="pubmed",
        id="1",
        title="T.",
        doi="10.1/x",
        pmid="1",
        abstract="A: b",
        publication_types=("Journal Article", "Retracted Publication"),
        mesh_terms=("Insulin",),
        container_aliases=("J X",),
        years=("2001", "2000"),
    )
    openalex = Record(
        source="openalex", id="W1", doi="10.1/x", updates=(Update(notices.RETRACTION, "", "openalex"),)
    )
    record = merge([openalex, pubmed, crossref])
    assert record.source == "crossref+pubmed+openalex" and record.title == "T"
    assert record.pmid == "1" and record.abstract == "A: b" and record.mesh_terms == ("Insulin",)
    assert "Retracted Publication" in record.publication_types and "J X" in record.container_aliases
    assert notices.kinds(record) == {notices.RETRACTION, notices.CORRECTION}
    assert set(record.years) == {"2001", "2000"}


def _result(record: Record, entry: Entry | None = None, unavailable=()):
    entry = entry or Entry(key="k", title=record.title, year=record.year, doi=record.doi)
    return verify_reference(
        entry,
        Resolution(
            key="k", record=record, method="identifier", sources=("crossref",), unavailable=unavailable
        ),
    )


BASE = Record(
    source="crossref",
    id="10.1/x",
    title="Peptides and insulin resistance in adults",
    doi="10.1/x",
    year="2010",
    years=("2010",),
)


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        (notices.RETRACTION, ReferenceStatus.RETRACTED, "R020"),
        (notices.CONCERN, ReferenceStatus.EXPRESSION_OF_CONCERN, "R021"),
        (notices.CORRECTION, ReferenceStatus.CORRECTED, "R022"),
    ],
)
def test_each_notice_gives_its_status_and_finding(kind, status, code):
    record = Record(**{**BASE.to_dict(), "updates": (Update(kind, "10.1/n", "crossref/publisher"),)})
    result = _result(record)
    assert result.status is status
    assert [f.code for f in result.findings] == [code]


def test_retraction_keeps_the_field_findings_and_correction_does_not_hide_a_mismatch():
    retracted = Record(**{**BASE.to_dict(), "updates": (Update(notices.RETRACTION, "10.1/n", "pubmed"),)})
    wrong_year = Entry(key="k", title=BASE.title, year="2012", doi=BASE.doi)
    result = _result(retracted, wrong_year)
    assert result.status is ReferenceStatus.RETRACTED
    assert {f.code for f in result.findings} == {"R020", "R014"}
    corrected = Record(**{**BASE.to_dict(), "updates": (Update(notices.CORRECTION, "10.1/n", "pubmed"),)})
    result = _result(corrected, wrong_year)
    assert result.status is ReferenceStatus.METADATA_MISMATCH
    assert {f.code for f in result.findings} == {"R022", "R014"}


def _held(record: Record, held: tuple[str, ...], unavailable: tuple[Outage, ...], entry: Entry | None = None):
    entry = entry or Entry(key="k", title=record.title, year=record.year, doi=record.doi)
    resolution = Resolution(
        key="k", record=record, method="identifier", sources=held, unavailable=unavailable, held=held
    )
    return verify_reference(entry, resolution)


def test_a_found_record_is_judged_when_a_notice_source_holding_it_answered():
    """Decision 0201: the verdict needs a holder and one notice source, not every service."""
    down = (
        Outage("openalex", "HTTP 503 (x)", 503, "http-5xx"),
        Outage("semanticscholar", "timed out", None, "timeout"),
    )
    judged = _held(BASE, ("crossref",), down)
    assert judged.status is ReferenceStatus.VERIFIED
    assert not any(f.code == "R003" for f in judged.findings)
    # only DataCite holds it and every notice source that was asked failed: notices unchecked
    datacite = Record(**{**BASE.to_dict(), "source": "datacite"})
    notices_down = (
        Outage("crossref", "HTTP 503", 503, "http-5xx"),
        Outage("openalex", "HTTP 502", 502, "http-5xx"),
    )
    assert _held(datacite, ("datacite",), notices_down).status is ReferenceStatus.CANNOT_DETERMINE
    # ... but a failure of services that carry no notices costs nothing
    assert _held(datacite, ("datacite",), (Outage("doi.org", "reset", None, "reset"),)).status is (
        ReferenceStatus.VERIFIED
    )
    # a retraction already seen is reported whatever failed
    retracted = Record(
        **{**datacite.to_dict(), "updates": (Update(notices.RETRACTION, "10.1/n", "datacite"),)}
    )
    assert _held(retracted, ("datacite",), notices_down).status is ReferenceStatus.RETRACTED


def test_not_found_needs_every_service_able_to_find_it():
    down = (Outage("semanticscholar", "HTTP 429", 429, "rate-limited"),)
    entry = Entry(key="k", title="x", doi="10.1/absent")
    resolution = Resolution(
        key="k", record=None, method="identifier", sources=("crossref",), unavailable=down
    )
    assert verify_reference(entry, resolution).status is ReferenceStatus.CANNOT_DETERMINE
    resolution = Resolution(key="k", record=None, method="identifier", sources=("crossref",))
    assert verify_reference(entry, resolution).status is ReferenceStatus.NOT_FOUND


def test_a_notice_does_not_retract_itself():
    notice = Record(**{**BASE.to_dict(), "updates": (Update(notices.RETRACTION, "10.1/x", "crossref"),)})
    assert _result(notice).status is ReferenceStatus.VERIFIED


def test_pmcids_go_through_the_id_converter_and_other_agencies_are_not_judged(httpserver, tmp_path):
    papers = [
        Paper(
            "10.1000/pmc.1",
            "A study found by its PMCID only",
            [("Author", "A")],
            "Metabolism",
            "2020",
            pmid="40000001",
            pmcid="PMC4000001",
        ),
        Paper(
            "10.3280/medra.1",
            "A paper registered with another agency",
            [("Author", "A")],
            "Rivista",
            "2020",
            agency="mEDRA",
        ),
    ]
    fake = FakeWeb(papers)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    entries = [
        Entry(key="pmc", pmcid="PMC4000001"),
        Entry(key="medra", doi="10.3280/medra.1"),
        Entry(key="badpmc", pmcid="PMC999"),
    ]
    answer = live(httpserver, tmp_path / "cache").lookup_answer(entries)
    assert answer.records["pmc"].doi == "10.1000/pmc.1" and answer.records["pmc"].pmid == "40000001"
    assert answer.records["badpmc"] is None  # PMC's own converter does not know it
    # Crossref lacks the mEDRA DOI, OpenAlex and Europe PMC have it: the record is theirs ...
    assert answer.records["medra"].doi == "10.3280/medra.1"
    fake.papers = [papers[0]]
    again = build_live_sources(env=environment(httpserver.url_for("").rstrip("/"), str(tmp_path / "other")))
    missing = again.lookup_answer([Entry(key="medra", doi="10.3280/medra.1")])
    # ... and when nobody has it, mEDRA cannot be asked: undetermined, never not-found.
    assert "medra" not in missing.records
    assert any("mEDRA" in o.reason for o in missing.unavailable["medra"])


def test_a_refresh_looks_identifiers_up_as_status_checks(httpserver, web, tmp_path):
    refreshing = build_live_sources(
        env=environment(httpserver.url_for("").rstrip("/"), str(tmp_path / "cache")), refresh=True
    )
    assert {a.lookup_kind for a in (refreshing.crossref, refreshing.pubmed, refreshing.openalex)} == {
        "status"
    }
    assert live(httpserver, tmp_path / "cache").crossref.lookup_kind == "found"
