"""Every parser, proven on genuine recorded replies in ../shared/fixtures/recorded (read at run
time, never copied; the tests skip with a reason when the folder is absent).

Replies are served with `responses`, with the status and content type they were recorded with,
so the 404 shapes (Crossref text/plain, OpenAlex HTML, S2 JSON) go through the real adapters.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import responses

from claimcheck.model import Entry, Person, Record, ReferenceStatus, Resolution
from claimcheck.sources import crossref, datacite, europepmc, notices, openalex, pubmed, semanticscholar
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.crossref import CrossrefSource
from claimcheck.sources.datacite import DataCiteSource, DoiOrg
from claimcheck.sources.http import Http, Policy
from claimcheck.sources.openalex import OpenAlexSource
from claimcheck.sources.pubmed import PubMedSource
from claimcheck.sources.semanticscholar import SemanticScholarSource
from claimcheck.verify.references import verify_reference


@pytest.fixture(scope="module")
def recorded(shared: Path) -> Path:
    folder = shared / "fixtures" / "recorded"
    if not (folder / "PROVENANCE.tsv").exists():
        pytest.skip(f"no recorded replies in {folder}")
    return folder


@pytest.fixture(scope="module")
def provenance(recorded: Path) -> dict[str, dict[str, str]]:
    with (recorded / "PROVENANCE.tsv").open(encoding="utf-8") as handle:
        return {f"{row['api']}/{row['file']}": row for row in csv.DictReader(handle, delimiter="\t")}


def body(recorded: Path, name: str) -> str:
    return (recorded / name).read_bytes().decode("utf-8")


def serve(
    mock: responses.RequestsMock, recorded: Path, provenance: dict, name: str, url: str, method: str = "GET"
) -> None:
    """Register the recorded reply `name` (status and content type as recorded) at `url`."""
    row = provenance[name]
    mock.add(
        method,
        url,
        body=(recorded / name).read_bytes(),
        status=int(row["status"]),
        content_type=row["content_type"].split(";")[0],
    )


@pytest.fixture
def http() -> Http:
    fast = Policy(retries=0, backoff=0, interval=0)
    return Http(
        None,
        policies={
            n: fast
            for n in (
                "crossref",
                "pubmed",
                "idconv",
                "openalex",
                "semanticscholar",
                "europepmc",
                "datacite",
                "doiorg",
            )
        },
    )


def entry(key: str = "k", **fields: str) -> Entry:
    return Entry(key=key, **fields)


# -- Crossref ---------------------------------------------------------------------------------


def test_crossref_work_with_authors_dates_and_a_publisher_correction(recorded):
    record = crossref.parse_single(_json(recorded, "crossref/works_10.1371_journal.pone.0033693.json"))
    assert record.doi == "10.1371/journal.pone.0033693"
    assert record.title and record.authors and record.container_title == "PLoS ONE"
    assert [u.kind for u in record.updates] == [notices.CORRECTION]
    assert record.updates[0].source == "crossref/publisher"


def test_crossref_retracted_work_carries_retraction_watch_notices(recorded):
    name = "crossref/works_10.1016_s0140-6736(97)11096-0_RETRACTED_trimmed.json"
    record = crossref.parse_single(_json(recorded, name))
    kinds = {(u.kind, u.notice, u.source) for u in record.updates}
    assert (notices.RETRACTION, "10.1016/s0140-6736(10)60175-4", "crossref/retraction-watch") in kinds
    assert notices.kinds(record) == {notices.RETRACTION, notices.CORRECTION}
    assert record.authors[0] == Person(family="Wakefield", given="AJ")
    assert record.years == ("1998",) and record.pages == "637-641"


def test_crossref_retraction_notice_is_marked_as_a_notice_not_retracted(recorded):
    name = "crossref/works_10.1016_s0140-6736(10)60175-4_retraction_notice_trimmed.json"
    record = crossref.parse_single(_json(recorded, name))
    assert record.updates == ()
    assert notices.is_retraction_notice(record)
    cited = Entry(key="notice", title=record.title, year="2010", doi=record.doi)
    result = verify_reference(
        cited, Resolution(key="notice", record=record, method="identifier", sources=("crossref",))
    )
    assert result.status is ReferenceStatus.VERIFIED
    assert "R020" not in {f.code for f in result.findings}


def test_crossref_regular_work_and_new_version_links_are_no_notices(recorded):
    regular = crossref.parse_single(
        _json(recorded, "crossref/works_10.1038_nature14539_regular_trimmed.json")
    )
    assert regular.updates == () and notices.kinds(regular) == set()
    versioned = crossref.parse_single(_json(recorded, "crossref/works_10.1371_journal.ppat.1008184.json"))
    assert notices.kinds(versioned) == set()  # updated-by type new_version is not a correction


def test_crossref_abstract_loses_its_jats_markup(recorded):
    record = crossref.parse_single(_json(recorded, "crossref/works_10.7554_elife.01567.json"))
    assert record.abstract and "<jats:" not in record.abstract


def test_crossref_work_lists(recorded):
    assert len(crossref.parse_list(_json(recorded, "crossref/works_query_ecology_rows2.json"))) == 2
    assert crossref.parse_list(_json(recorded, "crossref/works_query.title_no_match.json")) == []
    hits = crossref.parse_list(
        _json(recorded, "crossref/works_query.title_rows1_augmenting_llm_chemistry.json")
    )
    assert "chemistry" in hits[0].title.lower()


def test_crossref_404_is_not_a_crossref_doi_and_400_is_an_outage(recorded, provenance, http):
    source = CrossrefSource(http, "https://api.crossref.org")
    with responses.RequestsMock() as mock:
        mock.add(
            "GET",
            "https://api.crossref.org/works",
            json={"status": "ok", "message-type": "work-list", "message": {"items": []}},
        )
        serve(
            mock,
            recorded,
            provenance,
            "crossref/works_404_notarealdoi.txt",
            "https://api.crossref.org/works/10.1371/notarealdoi",
        )
        assert source.works(["10.1371/notarealdoi"]) == {"10.1371/notarealdoi": None}
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "crossref/error_400_field_query_on_single_work.json",
            "https://api.crossref.org/works",
        )
        with pytest.raises(SourceUnavailable, match="HTTP 400"):
            source.works(["10.1371/journal.pone.0033693"])


# -- PubMed -----------------------------------------------------------------------------------


def test_pubmed_labelled_abstract_keeps_its_section_labels(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_28775130_labelled_abstract.xml"))
    sections = record.abstract.split("\n")
    assert [s.split(":")[0] for s in sections] == ["OBJECTIVES", "METHODS", "RESULTS", "CONCLUSIONS"]
    assert record.doi == "10.1136/oemed-2017-104431" and record.pmcid == "PMC5771820"
    assert "Occup Environ Med" in record.container_aliases


def test_pubmed_structured_abstract_mesh_and_publication_types(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_27797938_structured_abstract.xml"))
    assert record.pmid == "27797938" and record.abstract.startswith("OBJECTIVE:")
    assert len(record.mesh_terms) > 5 and "Observational Study" in record.publication_types
    assert notices.kinds(record) == set()  # CommentIn and Cites are not notices


def test_pubmed_retracted_record_by_type_and_retraction_in(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_10066780_RETRACTED_fragment.xml"))
    assert "Retracted Publication" in record.publication_types
    assert any(u.kind == notices.RETRACTION and u.notice == "pmid:11905463" for u in record.updates)
    only_type = Record(source="pubmed", id="1", publication_types=("retracted publication",))
    assert notices.kinds(only_type) == {notices.RETRACTION}  # matched exactly, any case
    lookalike = Record(source="pubmed", id="1", publication_types=("Retracted Publication Commentary",))
    assert notices.kinds(lookalike) == set()


def test_pubmed_retraction_notice_in_upper_case_is_a_notice(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_27508352_retraction_notice.xml"))
    assert notices.is_retraction_notice(record) and record.updates == ()


def test_pubmed_erratum_in_is_a_correction(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_35649368_erratum.xml"))
    assert [(u.kind, u.notice) for u in record.updates] == [(notices.CORRECTION, "pmid:35767954")]


@pytest.mark.parametrize(
    "name",
    [
        "pubmed/efetch_pubmed_12091962_9997_abstract.xml",
        "pubmed/efetch_pubmed_11748933_11700088.xml",
        "pubmed/efetch_pubmed_1234567_post.xml",
        "pubmed/efetch_pubmed_11618220.xml",
        "pubmed/efetch_pubmed_29963580_referencelist.xml",
        "pubmed/efetch_pubmed_29913552_rettype_abstract.xml",
    ],
)
def test_pubmed_efetch_formats_of_every_vintage(recorded, name):
    records = pubmed.parse_efetch(body(recorded, name))
    assert records and all(r.pmid and r.title and r.year for r in records)


def test_pubmed_reference_list_ids_do_not_leak_into_the_record(recorded):
    (record,) = pubmed.parse_efetch(body(recorded, "pubmed/efetch_pubmed_29963580_referencelist.xml"))
    assert record.doi == "10.1117/1.jmi.5.2.026002"


def test_pubmed_esearch_hits_and_no_hits(recorded):
    assert pubmed.parse_esearch(body(recorded, "pubmed/esearch_pubmed_json_doi_field_aid.json")) == [
        "29913552"
    ]
    assert pubmed.parse_esearch(body(recorded, "pubmed/esearch_protein_zero_hits.xml")) == []
    assert len(pubmed.parse_esearch(body(recorded, "pubmed/esearch_pubmed_biopython.xml"))) > 0


def test_pubmed_error_element_in_a_200_reply_is_an_error(recorded):
    with pytest.raises(ValueError, match="Neither query_key nor id"):
        pubmed.parse_efetch(body(recorded, "pubmed/esummary_error_no_id.xml"))


def test_pubmed_esummary_json(recorded):
    (record,) = pubmed.parse_esummary(body(recorded, "pubmed/esummary_pubmed_27933103_json.json"))
    assert record.pmid == "27933103" and record.doi == "10.1186/s13321-016-0181-z"
    assert record.authors[0] == Person(family="Scalfani", given="VF")


def test_pubmed_id_converter_and_its_error_reply(recorded, provenance, http):
    converted = pubmed.parse_idconv(body(recorded, "pubmed/idconv_doi_10.1038_ng.590.json"))
    assert converted["PMC2883744"]["pmid"] == "20495566"
    source = PubMedSource(http, "https://eutils.example/eutils", "https://idconv.example/v1")
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "pubmed/idconv_error_404_idtype_mismatch.json",
            "https://idconv.example/v1/",
        )
        assert source.convert(["PMC28371833"]) == {}


def test_pubmed_lookup_by_doi_through_esearch_then_efetch(recorded, provenance, http):
    source = PubMedSource(http, "https://eutils.example/eutils")
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "pubmed/esearch_pubmed_json_doi_field_aid.json",
            "https://eutils.example/eutils/esearch.fcgi",
        )
        serve(
            mock,
            recorded,
            provenance,
            "pubmed/efetch_pubmed_29913552_rettype_abstract.xml",
            "https://eutils.example/eutils/efetch.fcgi",
        )
        found = source.lookup([entry("a", doi="10.4014/jmb.1812.02044")])
    assert found["a"].pmid == "29913552"


# -- OpenAlex ---------------------------------------------------------------------------------


def test_openalex_abstract_from_the_inverted_index(recorded):
    record = openalex.parse_work(_json(recorded, "openalex/works_doi_10.1371_journal.pone.0000030.json"))
    assert record.abstract.startswith("Triosephosphate isomerase (TPI)")
    assert record.doi == "10.1371/journal.pone.0000030" and record.pmid == "17183658"
    assert record.container_title == "PLoS ONE" and record.authors[0].family == "Ralser"
    assert record.updates == ()  # is_retracted: false


def test_openalex_null_inverted_index_is_no_abstract(recorded):
    record = openalex.parse_work(_json(recorded, "openalex/works_W2162348455_single_2026.json"))
    assert record.abstract == "" and record.title


def test_openalex_batch_and_legacy_schema(recorded):
    records = openalex.parse_list(_json(recorded, "openalex/works_filter_doi_OR_2022.json"))
    assert {r.doi for r in records} == {"10.1371/journal.pone.0266781", "10.1371/journal.pone.0267149"}
    legacy = openalex.parse_work(_json(recorded, "openalex/works_doi_10.7717_peerj.4375_2022_schema.json"))
    assert legacy.container_title  # host_venue
    full = openalex.parse_work(_json(recorded, "openalex/works_W2741809807_full_2025.json"))
    assert full.abstract and full.years


def test_openalex_is_retracted_is_a_retraction_signal(recorded):
    work = _json(recorded, "openalex/works_doi_10.7554_elife.01567.json")
    record = openalex.parse_work({**work, "is_retracted": True})
    assert notices.kinds(record) == {notices.RETRACTION}


def test_openalex_html_404_is_no_such_doi(recorded, provenance, http):
    source = OpenAlexSource(http, "https://api.openalex.org")
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "openalex/works_doi_404_html.txt",
            "https://api.openalex.org/works/doi:10.1046/j.1365-2699.2003.00795",
        )
        assert source.works(["10.1046/j.1365-2699.2003.00795"]) == {"10.1046/j.1365-2699.2003.00795": None}
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "openalex/error_400_invalid_filter.json",
            "https://api.openalex.org/works",
        )
        with pytest.raises(SourceUnavailable):
            source.works(["10.1/a", "10.1/b"])


# -- Semantic Scholar -------------------------------------------------------------------------


def test_semanticscholar_batch_keeps_nulls_in_place(recorded):
    asked = [
        "CorpusId:211530585",
        "CorpusId:470667",
        "10.2139/ssrn.2250500",
        "0f40b1f08821e22e859c6050916cec3667778613",
    ]
    found = semanticscholar.parse_batch(_json(recorded, "semanticscholar/paper_batch_with_null.json"), asked)
    assert found["CorpusId:211530585"] is None
    assert found["CorpusId:470667"].doi == "10.2139/ssrn.288970"
    assert found["CorpusId:470667"].abstract.startswith("Most Difference-in-Difference")
    with pytest.raises(ValueError):
        semanticscholar.parse_batch(_json(recorded, "semanticscholar/paper_batch_with_null.json"), asked[:2])


def test_semanticscholar_match_and_title_not_found(recorded, provenance, http):
    (match,) = semanticscholar.parse_match(_json(recorded, "semanticscholar/paper_search_match_200.json"))
    assert match.title
    source = SemanticScholarSource(http, "https://api.semanticscholar.org/graph/v1")
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "semanticscholar/paper_search_match_404_title_not_found.json",
            "https://api.semanticscholar.org/graph/v1/paper/search/match",
        )
        assert source.search(entry(title="no such title at all")) == []
    with responses.RequestsMock() as mock:
        serve(
            mock,
            recorded,
            provenance,
            "semanticscholar/paper_400_bad_fields.json",
            "https://api.semanticscholar.org/graph/v1/paper/search/match",
        )
        with pytest.raises(SourceUnavailable, match="HTTP 400"):
            source.search(entry(title="anything"))


def test_semanticscholar_single_paper_shape(recorded):
    record = semanticscholar.parse_paper(
        _json(recorded, "semanticscholar/paper_DOI_10.1073_pnas.1414271111.json")
    )
    assert record.doi == "10.1073/pnas.1414271111" and record.authors


# -- Europe PMC -------------------------------------------------------------------------------


def test_europepmc_core_results(recorded):
    records = europepmc.parse_search(_json(recorded, "europepmc/search_cancer_core.json"))
    assert len(records) == 25
    assert any(r.abstract for r in records) and any(r.mesh_terms for r in records)
    erratum = next(r for r in records if "Published Erratum" in r.publication_types)
    assert notices.kinds(erratum) == set()  # "Erratum for": it is the erratum, not a corrected work
    assert europepmc.parse_search(_json(recorded, "europepmc/search_no_results.json")) == []
    assert europepmc.parse_search(_json(recorded, "europepmc/search_cancer_lite.json"))


def test_europepmc_retraction_in_is_a_retraction():
    item = {
        "id": "1",
        "source": "MED",
        "title": "t",
        "commentCorrectionList": {
            "commentCorrection": [{"id": "2", "source": "MED", "type": "Retraction in"}]
        },
    }
    assert notices.kinds(europepmc.parse_result(item)) == {notices.RETRACTION}


# -- DataCite and doi.org ---------------------------------------------------------------------


def test_datacite_records_and_agency(recorded, provenance, http):
    record = datacite.parse_doi(_json(recorded, "datacite/dois_10.48550_arxiv.2311.16162.json"))
    assert record.doi == "10.48550/arxiv.2311.16162" and record.year == "2023"
    assert record.authors[0] == Person(family="Yin", given="Hui") and record.abstract
    assert datacite.parse_doi(_json(recorded, "datacite/dois_10.5061_dryad.8515.json")).title
    assert datacite.parse_agency(_json(recorded, "datacite/doi_ra_10.5061.json")) == "DataCite"
    assert datacite.parse_agency([{"DOI": "10.9999", "status": "DOI does not exist"}]) == ""
    with responses.RequestsMock() as mock:
        serve(mock, recorded, provenance, "datacite/doi_ra_10.5061.json", "https://doi.org/ra/10.5061")
        serve(
            mock,
            recorded,
            provenance,
            "datacite/dois_10.5061_dryad.8515.json",
            "https://api.datacite.org/dois/10.5061/dryad.8515",
        )
        assert DoiOrg(http, "https://doi.org").agency("10.5061/dryad.8515") == "DataCite"
        found = DataCiteSource(http, "https://api.datacite.org").works(["10.5061/dryad.8515"])
    assert found["10.5061/dryad.8515"].doi == "10.5061/dryad.8515"


def test_arxiv_doi_is_not_crossrefs(recorded, provenance, http):
    """The recorded Crossref 404 for an arXiv DOI: Crossref has no such DOI, DataCite does."""
    with responses.RequestsMock() as mock:
        mock.add("GET", "https://api.crossref.org/works", json={"status": "ok", "message": {"items": []}})
        serve(
            mock,
            recorded,
            provenance,
            "crossref/works_404_arxiv_datacite_doi_mailto.txt",
            "https://api.crossref.org/works/10.48550/arxiv.2312.07559",
        )
        assert CrossrefSource(http, "https://api.crossref.org").works(["10.48550/arxiv.2312.07559"]) == {
            "10.48550/arxiv.2312.07559": None
        }


def _json(recorded: Path, name: str):
    import json

    return json.loads(body(recorded, name))
