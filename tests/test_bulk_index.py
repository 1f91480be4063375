"""Bulk records for the local source: PubMed XML, Crossref / OpenAlex JSON lines and CSL-JSON,
streamed (gzipped or not) into an on-disk index that `claimcheck check` opens."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from claimcheck.errors import InputError
from claimcheck.model import Entry
from claimcheck.sources.formats import csljson
from claimcheck.sources.formats.csljson import iter_items
from claimcheck.sources.local import LocalSource, read_records


def _article(pmid: str, title: str, doi: str) -> str:
    return (
        f'<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{pmid}</PMID><Article>'
        "<Journal><JournalIssue><Volume>12</Volume><PubDate><Year>2019</Year></PubDate></JournalIssue>"
        f"<Title>Metabolism</Title></Journal><ArticleTitle>{title}</ArticleTitle>"
        '<Abstract><AbstractText Label="METHODS">We measured.</AbstractText></Abstract>'
        '<AuthorList CompleteYN="Y"><Author><LastName>Raun</LastName><Initials>K</Initials></Author>'
        "</AuthorList><PublicationTypeList><PublicationType>Journal Article</PublicationType>"
        "</PublicationTypeList></Article></MedlineCitation><PubmedData><ArticleIdList>"
        f'<ArticleId IdType="doi">{doi}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>'
    )


def _baseline(n: int) -> str:
    articles = "".join(_article(str(1000 + i), f"Ipamorelin trial cohort{i}", f"10.1000/pm.{i}") for i in range(n))
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>{articles}</PubmedArticleSet>\n'


CROSSREF = {
    "DOI": "10.1016/J.CR.1",
    "title": ["Tesamorelin and <i>visceral</i> fat"],
    "author": [{"family": "Stanley", "given": "T"}],
    "container-title": ["Metabolism"],
    "issued": {"date-parts": [[2014]]},
    "updated-by": [{"DOI": "10.1016/j.notice", "type": "retraction", "source": "publisher"}],
}
OPENALEX = {
    "id": "https://openalex.org/W42",
    "doi": "https://doi.org/10.1000/oa.42",
    "title": "Sermorelin in older adults",
    "publication_year": 2011,
    "authorships": [{"author": {"display_name": "Ann Lee"}}],
    "abstract_inverted_index": {"Sermorelin": [0], "works": [1]},
    "is_retracted": False,
}
CSL = {"id": "csl1", "title": "A CSL item", "DOI": "10.1000/csl.1", "issued": {"date-parts": [[2020]]}}


def test_pubmed_xml_is_streamed_with_the_live_parser(tmp_path):
    plain = tmp_path / "pubmed26n0001.xml"
    plain.write_text(_baseline(5), encoding="utf-8")
    packed = tmp_path / "pubmed26n0002.xml.gz"
    packed.write_bytes(gzip.compress(_baseline(3).encode()))
    records = list(read_records(plain)) + list(read_records(packed))
    assert [r.pmid for r in records[:2]] == ["1000", "1001"] and len(records) == 8
    first = records[0]
    assert first.doi == "10.1000/pm.0" and first.abstract == "METHODS: We measured."
    assert first.source == "local:pubmed26n0001.xml" and first.authors[0].family == "Raun"


def test_malformed_pubmed_xml_is_an_input_error(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<PubmedArticleSet>\n<PubmedArticle>\n</Oops>", encoding="utf-8")
    with pytest.raises(InputError, match="malformed XML"):
        list(read_records(bad, display="bad.xml"))


def test_json_lines_take_each_services_shape(tmp_path):
    dump = tmp_path / "works.jsonl.gz"
    lines = "\n".join(json.dumps(item) for item in (CROSSREF, OPENALEX, CSL)) + "\n\n"
    dump.write_bytes(gzip.compress(lines.encode()))
    crossref, openalex, csl = read_records(dump)
    assert crossref.doi == "10.1016/j.cr.1" and crossref.title == "Tesamorelin and visceral fat"
    assert crossref.updates[0].kind == "retraction"  # parsed as the Crossref adapter parses it
    assert openalex.doi == "10.1000/oa.42" and openalex.abstract == "Sermorelin works"
    assert csl.id == "csl1" and csl.doi == "10.1000/csl.1"
    assert {r.source for r in (crossref, openalex, csl)} == {"local:works.jsonl.gz"}


def test_a_bad_json_line_names_its_line(tmp_path):
    dump = tmp_path / "works.jsonl"
    dump.write_text(json.dumps(CSL) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_records(dump, display="works.jsonl"))
    assert caught.value.render().startswith("works.jsonl:2: malformed JSON")


def test_a_large_csl_json_file_is_streamed_item_by_item(tmp_path, monkeypatch):
    items = [dict(CSL, id=f"csl{i}", DOI=f"10.1000/csl.{i}") for i in range(50)]
    assert list(iter_items(io.StringIO(json.dumps(items, indent=2)), chunk=64)) == items
    # Crossref's data file wraps its works in {"items": [...]}
    assert list(iter_items(io.StringIO(json.dumps({"items": items})), chunk=64)) == items
    path = tmp_path / "big.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    monkeypatch.setattr(csljson, "STREAM_ABOVE", 0)
    assert [r.id for r in read_records(path)] == [f"csl{i}" for i in range(50)]


class CountingStream(io.StringIO):
    """A text stream that counts how much was read from it."""

    taken = 0

    def read(self, size: int = -1) -> str:
        text = super().read(size)
        self.taken += len(text)
        return text


def test_a_malformed_item_near_the_start_of_a_large_dump_is_reported_without_reading_it_all():
    """Issue 14: the reader used to buffer the whole rest of the file looking for the item's end."""
    good = [dict(CSL, id=f"csl{i}", DOI=f"10.1000/csl.{i}") for i in range(40000)]  # about 6 MB
    body = json.dumps(good, indent=1)[1:]
    dump = "[\n" + json.dumps(CSL) + ',\n{"id": "broken", "title": "no closing quote, then a colon": 1},\n' + body
    stream = CountingStream(dump)
    items = iter_items(stream, chunk=65536, shown="dump.json")
    assert next(items)["id"] == CSL["id"]
    with pytest.raises(InputError) as caught:
        next(items)
    assert caught.value.render().startswith("dump.json:3: malformed JSON")
    assert len(dump) > 5_000_000 and stream.taken <= 2 * 65536  # one chunk or two, not the dump


def test_an_unfinished_item_is_cut_off_at_the_item_size_bound():
    """A string that never ends (a dump cut mid-item, then garbage) costs at most `max_item`."""
    stream = CountingStream('[{"id": "a", "title": "' + "x" * 3_000_000)
    with pytest.raises(InputError, match="an item longer than 100000 characters"):
        list(iter_items(stream, chunk=65536, shown="cut.json", max_item=100_000))
    assert stream.taken <= 100_000 + 2 * 65536


def test_the_index_file_is_built_once_and_answers_look_ups(tmp_path):
    xml = tmp_path / "pubmed.xml"
    xml.write_text(_baseline(20), encoding="utf-8")
    index = tmp_path / "local.sqlite"
    source = LocalSource(index_path=index)
    assert source.index_file(xml) == 20
    assert source.index_file(xml) is None  # unchanged: not indexed twice
    source.close()
    reopened = LocalSource(index_path=index, read_only=True)
    assert len(reopened) == 20
    found = reopened.lookup([Entry(key="a", pmid="1007"), Entry(key="b", doi="10.1000/PM.3"), Entry(key="c", pmid="9")])
    assert found["a"].title == "Ipamorelin trial cohort7" and found["b"].pmid == "1003"
    assert found["c"] is None
    assert reopened.search(Entry(key="d", title="Ipamorelin trial cohort12"))[0].pmid == "1012"


def test_check_resolves_from_the_index_named_in_claimcheck_toml(cli, tmp_path):
    dump = tmp_path / "works.jsonl"
    dump.write_text(json.dumps(CROSSREF) + "\n" + json.dumps(OPENALEX) + "\n", encoding="utf-8")
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    built = cli("index", "build", "--records", dump, "--index", project / "local.sqlite")
    assert built.returncode == 0, built.stderr
    assert "indexed 2 records" in built.stdout
    (project / "claimcheck.toml").write_text('[sources.local]\nindex = "local.sqlite"\n', encoding="utf-8")
    (project / "references.bib").write_text(
        "@article{oa, author = {Lee, Ann}, title = {Sermorelin in older adults}, year = {2011},\n"
        "  doi = {10.1000/oa.42}}\n",
        encoding="utf-8",
    )
    (project / "claims" / "a.yaml").write_text(
        "document:\n  title: T\nclaims:\n  - id: c1\n    text: Sermorelin works.\n    cites: [oa]\n",
        encoding="utf-8",
    )
    done = cli("check", project, "--offline", "--format", "json")
    report = json.loads(done.stdout)
    assert report["references"][0]["status"] == "verified", done.stderr
    assert report["references"][0]["resolution"]["sources"] == ["local"]


def test_a_missing_index_is_an_input_error(cli, tmp_path):
    project = tmp_path / "project"
    (project / "claims").mkdir(parents=True)
    (project / "claimcheck.toml").write_text('[sources.local]\nindex = "nope.sqlite"\n', encoding="utf-8")
    (project / "references.bib").write_text("@article{a, title = {T}, doi = {10.1000/x}}\n", encoding="utf-8")
    (project / "claims" / "a.yaml").write_text(
        "document:\n  title: T\nclaims:\n  - id: c1\n    text: T.\n    cites: [a]\n", encoding="utf-8"
    )
    done = cli("check", project, "--offline")
    assert done.returncode == 3 and "local index not found" in done.stderr


def test_a_bulk_index_asks_for_every_title_word_first_then_any(tmp_path, monkeypatch):
    from claimcheck.model import Person
    from claimcheck.sources import local

    xml = tmp_path / "pubmed.xml"
    xml.write_text(_baseline(30), encoding="utf-8")
    source = LocalSource(index_path=tmp_path / "local.sqlite")
    source.index_file(xml)
    monkeypatch.setattr(local, "AND_FIRST_ABOVE", 10)  # as if it held millions
    exact = source.search(Entry(key="a", title="Ipamorelin trial cohort17", authors=(Person("Raun", "K"),)))
    assert exact[0].pmid == "1017" and len(exact) == 1
    # a misprinted word: no title holds them all, so any word is asked for, as in a small index
    misprinted = source.search(Entry(key="b", title="Ipamorelin study cohort17"))
    assert misprinted[0].pmid == "1017" and len(misprinted) > 1
