"""The local source: CSL-JSON records in an FTS5 index answering identifier look-ups and search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.errors import InputError
from claimcheck.model import Entry, Person
from claimcheck.sources.local import LocalSource, read_records


@pytest.fixture(scope="module")
def seed_source(seed_records: Path) -> LocalSource:
    return LocalSource.from_files([seed_records])


def test_reads_every_seed_record_with_its_fields(seed_records: Path) -> None:
    records = list(read_records(seed_records))
    raw = json.loads(seed_records.read_text(encoding="utf-8"))
    assert len(records) == len(raw)
    by_id = {r.id: r for r in records}
    for item in raw:
        record = by_id[str(item["id"])]
        assert record.title == item["title"]
        assert len(record.authors) == len(item["author"])
        assert record.container_title == item["container-title"]
        assert record.year == str(item["issued"]["date-parts"][0][0])
        assert record.doi == item.get("DOI", "").lower()
        assert bool(record.abstract) == bool(item.get("abstract"))
        assert record.abstract_complete == ("abstract incomplete" not in item.get("note", ""))
        assert record.authors_complete == ("author list incomplete" not in item.get("note", ""))
        if "container-title-short" in item:
            assert item["container-title-short"] in record.container_aliases
    literal = [p for r in records for p in r.authors if p.literal]
    assert literal and literal[0].literal.startswith("for the SURMOUNT-1")


def test_identifier_lookups_by_doi_pmid_and_bib_key(seed_source: LocalSource, seed_records: Path) -> None:
    raw = json.loads(seed_records.read_text(encoding="utf-8"))
    with_pmid = next(i for i in raw if i.get("PMID"))
    keyed = next(i for i in raw if not i.get("DOI"))
    found = seed_source.lookup(
        [
            Entry(key="a", doi="https://doi.org/" + with_pmid["DOI"].upper()),
            Entry(key="b", pmid=with_pmid["PMID"]),
            Entry(key=keyed["id"]),
            Entry(key="d", doi="10.9999/not-there"),
            Entry(key="e"),
        ]
    )
    assert found["a"].title == with_pmid["title"] == found["b"].title
    assert found[keyed["id"]].title == keyed["title"]
    assert found["d"] is None  # answered: no such identifier here
    assert "e" not in found  # nothing to look up by


def test_search_ranks_the_matching_title_first(seed_source: LocalSource) -> None:
    entry = Entry(
        key="x",
        title="Tirzepatide once weekly for the treatment of obesity",
        authors=(Person("Jastreboff", "AM"),),
    )
    results = seed_source.search(entry, limit=3)
    assert results[0].title == "Tirzepatide Once Weekly for the Treatment of Obesity"
    assert seed_source.search(Entry(key="y", title="zzzz qqqq")) == []
    # FTS syntax characters in titles are data, not query operators
    assert isinstance(seed_source.search(Entry(key="z", title='NEAR("a" OR *) AND -x:')), list)


def test_malformed_records_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "records.json"
    bad.write_text('[{"id": "a", "title": "x"},\n {"id": ]\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(read_records(bad, display="records.json"))
    assert caught.value.render().startswith("records.json:2: malformed JSON")


@pytest.mark.parametrize("where", ["memory", "index file"])
def test_a_source_made_on_one_thread_answers_on_any_other(tmp_path: Path, where: str) -> None:
    """The resolver searches on worker threads; the source is built on the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    from claimcheck.model import Record

    record = Record(
        source="local",
        id="r1",
        title="Tesamorelin reduces visceral fat in adults with abdominal obesity",
        authors=(Person("Stanley", "TL"),),
        doi="10.1000/t.1",
        year="2014",
    )
    if where == "memory":
        source = LocalSource([record])
    else:
        LocalSource([record], index_path=tmp_path / "local.sqlite").close()
        source = LocalSource(index_path=tmp_path / "local.sqlite", read_only=True)
    entry = Entry(key="e", title="Tesamorelin reduces visceral fat", doi="10.1000/T.1")
    with ThreadPoolExecutor(max_workers=4) as pool:
        searched = list(pool.map(lambda _: source.search(entry), range(8)))
        looked_up = list(pool.map(lambda _: source.lookup([entry]), range(8)))
    assert all(found and found[0].id == "r1" for found in searched)
    assert all(found["e"].id == "r1" for found in looked_up)
    assert len(source) == 1
