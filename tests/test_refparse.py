"""Printed references to fields: the labelled strings (per style, per field), identifiers,
keys, BibTeX output, and the trained labeller shipped in the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.refparse import crf, parse_reference, rules
from claimcheck.refparse.bibtex import cite_key, render
from claimcheck.refparse.evaluate import load_labelled, score

FIXTURES = Path(__file__).parent / "fixtures"
LABELLED = load_labelled(FIXTURES / "reference_strings.yaml")
HELD_OUT = load_labelled(FIXTURES / "reference_strings_heldout.yaml")


def test_the_labelled_set_covers_every_style_with_at_least_150_strings() -> None:
    styles = {style for style, _ in LABELLED}
    assert len(LABELLED) >= 150
    assert styles == {"vancouver", "ama", "apa", "harvard", "mla", "nature", "science", "web"}


@pytest.mark.parametrize("labelled", [LABELLED, HELD_OUT], ids=["labelled", "held-out"])
def test_field_accuracy_meets_the_bar_per_style(labelled) -> None:
    scores = score(labelled, parse_reference)
    for style in ("vancouver", "ama", "apa"):
        assert scores[(style, "all")].accuracy >= 0.95, (style, scores[(style, "all")].errors)
    assert scores[("all", "all")].accuracy >= 0.90


def test_messy_strings_keep_what_is_printed() -> None:
    loose = rules.parse(
        "Smith A, Jones B et al. Title of the paper. Clinical Endocrinology. 2018. 111:650- 659."
    )
    assert [p.family for p in loose.authors] == ["Smith", "Jones"] and loose.others
    assert (loose.journal, loose.year, loose.volume, loose.pages) == (
        "Clinical Endocrinology",
        "2018",
        "111",
        "650-659",
    )
    dated = rules.parse("Khalil MA. Vitamin D in adolescents. Reprod Biol Endocrinol. 2012 Jan 26;10(1):28.")
    assert (dated.year, dated.volume, dated.issue, dated.pages) == ("2012", "10", "1", "28")
    colon = rules.parse(
        "Nauck MA, Meier JJ. Incretin hormones: their role in health and disease. Diabetes Obes Metab. 2018;20:5-21."
    )
    assert colon.title == "Incretin hormones: their role in health and disease"


def test_identifiers_in_the_string_win_and_links_are_not_urls() -> None:
    parsed = rules.parse(
        "Walker RF. Sermorelin. Clin Interv Aging. 2006;1(4):307-8. doi: 10.2147/CIA.2006.1.4.307. "
        "https://pubmed.ncbi.nlm.nih.gov/18046908/ PMCID: PMC2699646."
    )
    assert (parsed.doi, parsed.pmid, parsed.pmcid, parsed.url) == (
        "10.2147/CIA.2006.1.4.307",
        "18046908",
        "PMC2699646",
        "",
    )
    bare = parse_reference("https://doi.org/10.1056/NEJMoa2206038")
    assert bare.doi == "10.1056/NEJMoa2206038" and not bare.title


def test_web_pages_and_news_are_misc() -> None:
    page = rules.parse(
        "Mayo Clinic Staff. Insulin resistance. Mayo Clinic. Accessed May 2, 2024. https://www.mayoclinic.org/x"
    )
    assert page.type == "misc" and page.url == "https://www.mayoclinic.org/x" and page.year == "2024"
    assert page.authors[0].literal == "Mayo Clinic Staff"


def test_keys_are_stable_first_author_year_first_title_word() -> None:
    parsed = rules.parse(
        "Teich T, Harman SM. Prolonged stimulation of growth hormone. J Clin Endocrinol Metab. 2006."
    )
    assert cite_key(parsed) == "teich2006prolonged"
    assert cite_key(parsed, {"teich2006prolonged"}) == "teich2006prolongedb"
    assert (
        cite_key(rules.parse("Müller TD. An update on GLP-1. Mol Metab. 2019;30:72-130."))
        == "muller2019update"
    )


def test_rendered_entries_read_back_as_printed(tmp_path: Path) -> None:
    text = (
        "Lean ME, Leslie WS, et al. Primary care-led weight management for remission of type 2 diabetes "
        "(DiRECT): an open-label, cluster-randomised trial. Lancet. 2018;391(10120):541-551. doi:10.1016/S0140-6736(17)33102-1"
    )
    parsed = parse_reference(text)
    bib = tmp_path / "references.bib"
    bib.write_text(
        render(parsed, "lean2018primary")
        + render(rules.parse("Inserm. Novel peptide & pathway. GEN News, 2022."), "inserm2022novel")
    )
    lean, inserm = load_bibliography(bib)
    assert lean.title == parsed.title and lean.authors_truncated
    assert [a.family for a in lean.authors] == ["Lean", "Leslie"]
    assert (lean.volume, lean.issue, lean.pages, lean.doi) == (
        "391",
        "10120",
        "541-551",
        "10.1016/s0140-6736(17)33102-1",
    )
    assert inserm.authors[0].literal == "Inserm" and inserm.title == "Novel peptide & pathway"


def test_the_shipped_labeller_reads_what_the_rules_cannot() -> None:
    assert crf.available(), "the trained model ships in the package"
    # No full stops between the parts: the rules find no title, the labeller does.
    text = "Smith J, Brown K (2019) Insulin resistance in adolescents with obesity, Pediatric Diabetes 20(3) 250-260"
    labelled = crf.label(text)
    tags = {tag for *_, tag in labelled}
    assert {"author", "title", "date"} <= tags
    parsed = crf.parse(text)
    assert parsed.year == "2019" and parsed.authors and "Insulin resistance" in parsed.title


def test_the_labeller_is_trained_on_files_apart_from_those_it_is_scored_on() -> None:
    from claimcheck.refparse.train import held_out

    assert held_out(Path("x__corpus__evaluation-citation-arXive.org.tei.xml"))
    assert not held_out(Path("grobid-trainer__resources__dataset__citation__corpus__citations.xml"))


def test_a_printed_doi_keeps_its_case() -> None:
    """DOIs are case-insensitive: the entry records the DOI as printed, not a lower-cased copy."""
    parsed = parse_reference(
        "Jastreboff AM, et al. Tirzepatide once weekly for the treatment of obesity. "
        "N Engl J Med. 2022;387(3):205-216. https://doi.org/10.1056/NEJMoa2206038."
    )
    assert parsed.doi == "10.1056/NEJMoa2206038"
    assert "{10.1056/NEJMoa2206038}" in render(parsed, "jastreboff2022tirzepatide")
