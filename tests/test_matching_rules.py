"""The reference-matching rules: each test guards against a known false alarm or a known miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.compare import journal_names_match, names_match, title_similarity, titles_match
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.model import Entry, Person, Record, ReferenceStatus
from claimcheck.resolve import resolve
from claimcheck.sources.local import LocalSource
from claimcheck.verify.references import verify_reference

RECORD = Record(
    source="local:test",
    id="r1",
    title="Effects of tesamorelin on hepatic fat: a randomized clinical trial",
    authors=(
        Person("Stanley", "Takara L"),
        Person("Feldpausch", "Meghan N"),
        Person("Thøgersen", "Henning"),
        Person("Grinspoon", "Steven K"),
    ),
    container_title="The Journal of Clinical Endocrinology & Metabolism",
    container_aliases=("J Clin Endocrinol Metab",),
    year="2014",
    years=("2014", "2013"),  # issued 2014, online first 2013
    volume="99",
    pages="1642-1651",
    doi="10.1210/jc.2014-0001",
)


def entry(**fields: object) -> Entry:
    base: dict[str, object] = {
        "key": "e",
        "title": RECORD.title,
        "authors": RECORD.authors,
        "journal": RECORD.container_title,
        "year": "2014",
    }
    base.update(fields)
    return Entry(**base)  # type: ignore[arg-type]


def judge(printed: Entry, record: Record = RECORD, method: str = "search"):
    from claimcheck.model import Resolution

    return verify_reference(
        printed, Resolution(key=printed.key, record=record, method=method, sources=("local",))
    )


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_exact_entry_verifies() -> None:
    result = judge(entry())
    assert result.status is ReferenceStatus.VERIFIED
    assert result.findings == ()


@pytest.mark.parametrize("year", ["2013", "2014"])
def test_online_first_and_print_year_both_accepted(year: str) -> None:
    assert judge(entry(year=year)).status is ReferenceStatus.VERIFIED


def test_year_outside_every_record_date_is_flagged_with_the_record_years() -> None:
    result = judge(entry(year="2012"))
    (finding,) = result.findings
    assert (finding.code, finding.field, finding.printed) == ("R014", "year", "2012")
    assert "2014" in finding.record and "2013" in finding.record


@pytest.mark.parametrize(
    "printed",
    [
        "J Clin Endocrinol Metab",
        "J. Clin. Endocrinol. Metab.",
        "Journal of Clinical Endocrinology and Metabolism",
        "The Journal of Clinical Endocrinology and Metabolism",
    ],
)
def test_abbreviated_and_full_journal_names_match(printed: str) -> None:
    assert judge(entry(journal=printed)).status is ReferenceStatus.VERIFIED


@pytest.mark.parametrize(
    ("printed", "record"),
    [
        ("Diabetes", "Diabetes Care"),
        ("Diabetes Care", "Diabetes"),
        ("The Journal of Infectious Diseases", "Clinical Infectious Diseases"),
        ("J Clin Endocrinol", "The Journal of Clinical Endocrinology & Metabolism"),
    ],
)
def test_journal_that_is_a_prefix_or_a_sibling_is_not_a_match(printed: str, record: str) -> None:
    assert not journal_names_match(printed, record)
    result = judge(
        entry(journal=printed),
        RECORD.__class__(**{**RECORD.__dict__, "container_title": record, "container_aliases": ()}),
    )
    assert codes(result) == ["R013"]


@pytest.mark.parametrize(
    ("printed", "record"),
    [
        ("NEJM", "The New England Journal of Medicine"),
        ("N Engl J Med", "The New England Journal of Medicine"),
        (
            "Proc Natl Acad Sci U S A",
            "Proceedings of the National Academy of Sciences of the United States of America",
        ),
    ],
)
def test_iso_abbreviations_and_acronyms(printed: str, record: str) -> None:
    assert journal_names_match(printed, record)


@pytest.mark.parametrize(
    ("printed", "record", "same"),
    [
        (Person("Bailey", "CJ"), Person("Bailey", "Clifford J"), True),
        (Person("Stanley", "T. L."), Person("Stanley", "Takara L"), True),
        (Person("Stanley", "T"), Person("Stanley", "TL"), True),
        (Person("Stanley", "Tara"), Person("Stanley", "Takara L"), False),
        (Person("Stanley", "J"), Person("Stanley", "TL"), False),
        (Person("Thogersen", "H"), Person("Thøgersen", "Henning"), True),
        (Person("Muller", "J"), Person("Müller", "Jörg"), True),
    ],
)
def test_initials_full_names_and_diacritics(printed: Person, record: Person, same: bool) -> None:
    assert names_match(printed, record) is same


def test_latex_escapes_are_decoded_before_comparing(tmp_path: Path) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(
        "@article{e,\n"
        "  author = {Stanley, T. L. and Feldpausch, M. N. and Th{\\o}gersen, H. and Grinspoon, S. K.},\n"
        "  title = {Effects of tesamorelin on hepatic fat: a randomized clinical trial},\n"
        "  journal = {The Journal of Clinical Endocrinology \\& Metabolism},\n"
        "  year = {2014},\n}\n",
        encoding="utf-8",
    )
    (printed,) = load_bibliography(bib)
    assert printed.authors[2].family == "Thøgersen"
    assert printed.journal.endswith("& Metabolism")
    assert judge(printed).status is ReferenceStatus.VERIFIED


def test_et_al_truncation_is_not_a_defect_but_a_silent_cut_is() -> None:
    assert judge(entry(authors=RECORD.authors[:2], authors_truncated=True)).findings == ()
    result = judge(entry(authors=RECORD.authors[:2], authors_truncated=False))
    assert codes(result) == ["R012"]
    assert result.findings[0].severity.value == "warning"


def test_invented_co_author_is_named() -> None:
    printed = (RECORD.authors[0], Person("Harman", "SM"), RECORD.authors[1])
    result = judge(entry(authors=printed, authors_truncated=True))
    (finding,) = result.findings
    assert finding.code == "R011"
    assert "'Harman SM'" in finding.message
    assert "first author" not in finding.message
    assert result.status is ReferenceStatus.METADATA_MISMATCH


def test_wrong_first_author_is_named_and_a_near_spelling_is_hinted() -> None:
    printed = (Person("Stanlee", "TL"), *RECORD.authors[1:])
    (finding,) = judge(entry(authors=printed)).findings
    assert finding.code == "R011"
    assert "first author 'Stanlee TL'" in finding.message and "misspelling" in finding.message


def test_author_missing_from_a_record_with_a_cut_list_is_not_called_invented() -> None:
    cut = Record(**{**RECORD.__dict__, "authors": RECORD.authors[:2], "authors_complete": False})
    printed = (*RECORD.authors[:2], Person("Grinspoon", "SK"))
    assert judge(entry(authors=printed), cut).findings == ()


def test_changed_subtitle_is_a_title_mismatch_that_says_so() -> None:
    result = judge(entry(title="Effects of tesamorelin on hepatic fat: an open-label pilot study"))
    (finding,) = result.findings
    assert (finding.code, finding.field) == ("R010", "title")
    assert "subtitle" in finding.message


def test_case_punctuation_and_spelling_variants_are_not_title_findings() -> None:
    variant = "EFFECTS OF TESAMORELIN ON HEPATIC FAT - A RANDOMISED CLINICAL TRIAL."
    assert judge(entry(title=variant)).findings == ()


def _search(printed: Entry, *records: Record):
    resolution = resolve([printed], [LocalSource(records)])[printed.key]
    return verify_reference(printed, resolution)


def test_paraphrased_title_with_year_authors_and_journal_agreeing_is_found_and_flagged() -> None:
    printed = entry(
        title="Tesamorelin reduces liver fat in a randomized trial",
        authors=(Person("Stanley", "TL"),),
        authors_truncated=True,
    )
    result = _search(printed, RECORD)
    assert result.record == RECORD
    assert codes(result) == ["R010"]


def test_paraphrased_title_alone_is_not_accepted_and_the_candidate_is_named() -> None:
    printed = entry(
        title="Tesamorelin reduces liver fat in a randomized trial",
        authors=(Person("Bredella", "MA"),),
        authors_truncated=True,
        journal="Radiology",
        year="2009",
    )
    result = _search(printed, RECORD)
    assert result.status is ReferenceStatus.NOT_FOUND
    assert result.findings[0].code == "R001"
    assert "closest candidate" in result.findings[0].message
    assert "Effects of tesamorelin on hepatic fat" in result.findings[0].message


def test_exact_title_with_every_other_field_wrong_is_the_same_work_with_mismatches() -> None:
    printed = entry(
        authors=(Person("Mosa", "R"),), authors_truncated=True, journal="Medical Science Monitor", year="2009"
    )
    result = _search(printed, RECORD)
    assert result.status is ReferenceStatus.METADATA_MISMATCH
    assert sorted(codes(result)) == ["R011", "R013", "R014"]


def test_identifier_leading_to_another_paper_is_wrong_work() -> None:
    printed = entry(
        title="Semaglutide and weight loss in adolescents", authors=(Person("Weghuber", "D"),), doi=RECORD.doi
    )
    result = judge(printed, method="identifier")
    assert result.status is ReferenceStatus.WRONG_WORK
    assert codes(result) == ["R002"]


def test_one_wrong_field_behind_an_identifier_is_only_a_mismatch() -> None:
    printed = entry(title="Semaglutide and weight loss in adolescents", doi=RECORD.doi)
    assert judge(printed, method="identifier").status is ReferenceStatus.METADATA_MISMATCH


def test_volume_pages_and_doi_compared_when_printed() -> None:
    assert (
        judge(entry(volume="99", pages="1642-51", doi="https://doi.org/10.1210/JC.2014-0001")).findings == ()
    )
    result = judge(entry(volume="98", pages="1700-1710", doi="10.1210/jc.2014-9999"))
    assert codes(result) == ["R015", "R016", "R017"]


def test_title_similarity_ignores_case_accents_and_order() -> None:
    assert title_similarity("Diabète et insuline", "DIABETE ET INSULINE") == 1.0
    assert title_similarity("insulin and diabetes", "diabetes and insulin") == 1.0


def test_missing_subtitle_and_a_year_off_with_first_author_and_journal_agreeing_is_that_paper() -> None:
    """Title (less its subtitle), first author and journal say it is the record: metadata findings."""
    printed = entry(
        title="Effects of tesamorelin on hepatic fat",
        authors=(Person("Stanley", "TL"),),
        authors_truncated=True,
        year="2012",
    )
    result = _search(printed, RECORD)
    assert result.status is ReferenceStatus.METADATA_MISMATCH
    assert codes(result) == ["R010", "R014"]
    assert "subtitle the printed title lacks" in result.findings[0].message
    assert result.suggested_bibtex  # so `bib fix` can correct it


@pytest.mark.parametrize(
    "changes",
    [
        {"authors": (Person("Bredella", "MA"),)},  # first author differs
        {"journal": "Radiology"},  # journal differs
        {"authors": (Person("Feldpausch", "MN"),)},  # a co-author, not the first
    ],
)
def test_missing_subtitle_needs_the_first_author_and_the_journal_both(changes: dict) -> None:
    printed = entry(
        title="Effects of tesamorelin on hepatic fat",
        authors=(Person("Stanley", "TL"),),
        authors_truncated=True,
        year="2012",
    )
    printed = Entry(**{**printed.__dict__, **changes})
    assert _search(printed, RECORD).status is ReferenceStatus.NOT_FOUND


def test_a_distant_candidate_is_not_named_as_the_closest() -> None:
    """39-49% title similarity with nothing else agreeing is noise, not a lead."""
    printed = Entry(
        key="x",
        title="Growth hormone analogs halve hepatic fat in all adult patients",
        authors=(Person("Hartmann", "K"),),
        journal="Journal of Hepatic Wonders",
        year="2021",
    )
    result = _search(printed, RECORD)
    candidate = result.resolution.candidates[0]
    assert candidate.title_similarity < 0.6 and not set(candidate.agreements) - {"title"}
    assert result.status is ReferenceStatus.NOT_FOUND
    assert result.findings[0].message == "no record found in local; no close candidate"


def test_a_paraphrase_with_one_field_agreeing_is_still_named() -> None:
    printed = Entry(
        key="x",
        title="Tesamorelin lowers hepatic fat content",
        authors=(Person("Hartmann", "K"),),
        journal="Journal of Hepatic Wonders",
        year="2014",
    )
    result = _search(printed, RECORD)
    assert result.status is ReferenceStatus.NOT_FOUND
    assert "closest candidate: Stanley Takara L et al." in result.findings[0].message


@pytest.mark.parametrize(
    ("printed", "record"),
    [
        ("Effects of γ-oryzanol on insulin secretion", "Effects of gamma-oryzanol on insulin secretion"),
        ("β-cell function after tirzepatide", "Beta-cell function after tirzepatide"),
        ("TNF-α, IL-6 and κB signalling", "TNF-alpha, IL-6 and kappaB signalling"),
        ("Dosing in μg per kilogram", "Dosing in µg per kilogram"),  # Greek mu, micro sign
        ("Dosing in μg per kilogram", "Dosing in mug per kilogram"),
    ],
)
def test_greek_letters_and_their_names_are_the_same_title(printed: str, record: str) -> None:
    assert titles_match(printed, record)
    assert judge(entry(title=printed), RECORD.__class__(**{**RECORD.__dict__, "title": record})).findings == ()


def test_a_reworded_title_says_which_words_differ() -> None:
    result = judge(entry(title="Effects of tesamorelin on liver fat: a randomized clinical trial"))
    (finding,) = result.findings
    assert finding.code == "R010"
    assert "printed 'liver' where the record has 'hepatic'" in finding.message
