"""`claimcheck extract`: what it picks from the bundled article, HTML and Markdown, and merging
into a claims file without changing anything a person wrote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from claimcheck.extract.ids import unique_id
from claimcheck.extract.scaffold import propose
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.inputs.documents import read_document, split_sentences
from claimcheck.verify.drift import normalise

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE = REPO / "docs" / "articles" / "peptides-insulin-resistance.txt"
CURATED = REPO / "claims" / "peptides-insulin-resistance.yaml"


def _texts(path: Path) -> list[str]:
    return [c["text"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]]


@pytest.fixture(scope="module")
def article_proposals() -> list[str]:
    document = read_document(ARTICLE)
    entries = load_bibliography(REPO / "references.bib")
    return [p.sentence.text for p in propose(document, entries)]


def test_extract_recovers_the_curated_claims_of_the_article(article_proposals: list[str]) -> None:
    curated = {normalise(t) for t in _texts(CURATED)}
    proposed = {normalise(t) for t in article_proposals}
    recall = len(curated & proposed) / len(curated)
    assert len(curated) == 99
    assert recall >= 0.90, f"recall {recall:.1%}; missed: {sorted(curated - proposed)}"


def test_extract_proposals_are_claims_and_the_others_are_listed_with_reasons(
    article_proposals: list[str],
) -> None:
    curated = {normalise(t) for t in _texts(CURATED)}
    listed = yaml.safe_load((FIXTURES / "extract_not_claims.yaml").read_text(encoding="utf-8"))["not_claims"]
    not_claims = {normalise(item["text"]): item["reason"] for item in listed}
    assert all(reason.strip() for reason in not_claims.values())
    outside = {normalise(t) for t in article_proposals} - curated
    # The fixture is exactly the proposals the curated file does not hold: no more, no fewer.
    assert outside == set(not_claims)
    precision = sum(normalise(t) in curated for t in article_proposals) / len(article_proposals)
    assert precision >= 0.70, f"precision {precision:.1%}"


def test_captions_headings_and_the_reference_list_are_not_sentences() -> None:
    document = read_document(ARTICLE)
    texts = [s.text for s in document.sentences]
    assert not any("portray" in t or "embod" in t or "symboliz" in t for t in texts)
    assert not any(t.startswith("Meticulously arranged") for t in texts)
    assert "Skip to main content" not in texts
    assert not any("Journal of" in t for t in texts)  # the reference list
    assert len(document.reference_list) == 10
    by_text = {s.text: s for s in document.sentences}
    tesamorelin = by_text["Tesamorelin is a synthetic analogue of growth hormone-releasing hormone (GHRH)."]
    assert tesamorelin.section == "Intermediate / Tesamorelin"
    assert tesamorelin.line == 53
    row = next(s for s in document.sentences if s.text.startswith("Catestatin (CST)"))
    assert row.kind == "row"
    assert row.section.endswith("/ Summary of Clinical Trial Data for Metabolic Peptides")


def test_sentence_splitting_keeps_abbreviations_initials_and_lost_link_subjects() -> None:
    text = (
        "Stanley, T. L. et al. reported it. Agonists (e.g. Semaglutide) work. "
        "Use approx. 15 mg daily. The next step involves tools. offer a means of recalibrating."
    )
    assert [s for _, s in split_sentences(text)] == [
        "Stanley, T. L. et al. reported it.",
        "Agonists (e.g. Semaglutide) work.",
        "Use approx. 15 mg daily.",
        "The next step involves tools.",
        "offer a means of recalibrating.",
    ]


def test_ids_are_content_words_deterministic_and_unique() -> None:
    text = "Tesamorelin reduced VAT by 15-18% over 26-52 weeks."
    first = unique_id(text, ())
    assert first == unique_id(text, ()) == "tesamorelin-reduced-vat-15-18-26"
    assert unique_id(text, {first}) == f"{first}-2"
    assert unique_id(text, {first, f"{first}-2"}) == f"{first}-3"


def test_html_extracts_main_content_without_navigation_figures_or_asides(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.bib", tmp_path / "references.bib")
    shutil.copy(FIXTURES / "metformin.html", tmp_path / "metformin.html")
    result = cli("extract", "metformin.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert data["document"] == {"title": "Metformin and Diabetes Prevention", "path": "metformin.html"}
    claims = {c["text"]: c for c in data["claims"]}
    assert list(claims) == [
        "Metformin is the most widely prescribed first-line drug for type 2 diabetes.",
        "In the Diabetes Prevention Program, metformin reduced the incidence of diabetes by 31% compared with placebo.",
        "Metformin lowers hepatic glucose production and improves insulin sensitivity in muscle.",
        "Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients.",
        "DPP 31% fewer new cases of diabetes than placebo over 2.8 years",
    ]
    # nav, script, aside, footer, figure, figcaption and img alt text are gone; so are the
    # question and the advice.
    for absent in ("newsletter", "Share this", "99%", "doubles fat loss", "100% of cancers", "portray", "embodies", "doctor"):
        assert absent not in result.stdout
    # numbered markers [1], [2] resolved through the page's reference list: certain cites
    dpp = claims[
        "In the Diabetes Prevention Program, metformin reduced the incidence of diabetes by 31% compared with placebo."
    ]
    assert dpp["cites"] == ["knowler2002"]
    assert "section" not in dpp  # before the first section heading (the <h1> is the title)
    ukpds = claims[
        "Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients."
    ]
    assert ukpds["cites"] == ["ukpds1998"]
    assert ukpds["section"] == "How it works"
    assert "# from the document's citation markers" in result.stdout


def test_markdown_extracts_pandoc_citations_headings_and_tables(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.bib", tmp_path / "references.bib")
    shutil.copy(FIXTURES / "metformin.md", tmp_path / "metformin.md")
    result = cli("extract", "metformin.md", "-o", "claims/metformin.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "claims" / "metformin.yaml").read_text(encoding="utf-8"))
    assert data["document"]["title"] == "Metformin and Diabetes Prevention"
    cites = {c["text"]: c["cites"] for c in data["claims"]}
    assert cites == {
        "Metformin is the most widely prescribed first-line drug for type 2 diabetes.": ["bailey2017"],
        "In the Diabetes Prevention Program, metformin reduced the incidence of diabetes by 31% compared with placebo.": ["knowler2002"],
        "Metformin lowers hepatic glucose production and improves insulin sensitivity in muscle.": [],
        "Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients.": ["ukpds1998", "knowler2002"],
        "Metformin has been used for more than 60 years.": ["bailey2017"],
        "DPP 31% fewer new cases of diabetes than placebo over 2.8 years": [],
    }
    sections = {c["text"][:20]: c.get("section") for c in data["claims"]}
    assert sections["Metformin lowers hep"] == "How it works"
    assert sections["Metformin is the mos"] is None  # before the first section heading
    # the scaffold is a valid project: check runs on it (exit 2: nothing resolvable offline)
    checked = cli("lint", tmp_path)
    assert checked.returncode == 0, checked.stderr


def test_extract_twice_changes_nothing(cli, bundled_project: Path) -> None:
    claims = bundled_project / "claims" / "new.yaml"
    first = cli("extract", "docs/articles/peptides-insulin-resistance.txt", "-o", claims, cwd=bundled_project)
    assert first.returncode == 0, first.stderr
    written = claims.read_bytes()
    second = cli("extract", "docs/articles/peptides-insulin-resistance.txt", "-o", claims, cwd=bundled_project)
    assert second.returncode == 0, second.stderr
    assert claims.read_bytes() == written
    assert "0 new claim entries" in second.stderr


HAND_EDITED_ENTRY = """\
  # A person's note about this claim: keep it.
  - text: "Tesamorelin is a synthetic analogue of growth hormone-releasing hormone (GHRH)."
    cites: [fourman2012visceral]   # changed by hand
    id: tesamorelin-ghrh-analogue
    section: Intermediate / Tesamorelin
"""


def test_extract_over_a_hand_edited_claims_file_keeps_every_byte_a_person_wrote(
    cli, bundled_project: Path
) -> None:
    path = bundled_project / "claims" / "peptides-insulin-resistance.yaml"
    original = path.read_text(encoding="utf-8")
    entry_start = original.index("  - id: tesamorelin-ghrh-analogue")
    entry_end = original.index("  - id: tesamorelin-stimulates-pituitary-gh")
    # hand edits: a comment, reordered keys, changed cites
    edited = original[:entry_start] + HAND_EDITED_ENTRY + original[entry_end:]
    path.write_text(edited, encoding="utf-8")
    result = cli("extract", "docs/articles/peptides-insulin-resistance.txt", "-o", path, cwd=bundled_project)
    assert result.returncode == 0, result.stderr
    merged = path.read_text(encoding="utf-8")
    assert merged.startswith(edited)  # everything a person wrote, byte for byte, in its order
    appended = yaml.safe_load("claims:\n" + merged[len(edited) :])["claims"]
    not_claims = yaml.safe_load((FIXTURES / "extract_not_claims.yaml").read_text(encoding="utf-8"))
    assert [c["text"] for c in appended] == [c["text"] for c in not_claims["not_claims"]]
    assert len({c["id"] for c in appended}) == len(appended)
    # and again: nothing more
    again = cli("extract", "docs/articles/peptides-insulin-resistance.txt", "-o", path, cwd=bundled_project)
    assert again.returncode == 0
    assert path.read_text(encoding="utf-8") == merged
    # the merged file is a valid project with every check-worthy sentence covered
    check = cli("check", bundled_project, "--format", "json")
    assert '"D002"' not in check.stdout and '"D001"' not in check.stdout


def test_extract_merges_into_a_flow_style_empty_claims_list(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.md", tmp_path / "metformin.md")
    claims = tmp_path / "claims.yaml"
    claims.write_text("# my notes\ndocument:\n  path: metformin.md\nclaims: []\n", encoding="utf-8")
    result = cli("extract", "metformin.md", "-o", claims, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = claims.read_text(encoding="utf-8")
    assert text.startswith("# my notes\ndocument:\n  path: metformin.md\nclaims:\n  - id: ")
    assert len(yaml.safe_load(text)["claims"]) == 6


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.txt", b"PK\x03\x04\x00\x00binary", "document is a binary file, not text (NUL byte)"),
        ("latin1.md", "Caf\u00e9 au lait.\n".encode("latin-1"), "document is not valid UTF-8"),
    ],
)
def test_bad_documents_are_input_errors(cli, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    result = cli("extract", name, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stderr.startswith(f"{name}:1: {message}")
    assert "Traceback" not in result.stderr


def test_huge_and_missing_documents_are_input_errors(cli, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Insulin lowers glucose by 10%. " * 200_000)
    result = cli("extract", huge.name, cwd=tmp_path)
    assert result.returncode == 3
    assert "huge.txt: document is 6,200,000 bytes; the limit is 5,000,000" in result.stderr
    missing = cli("extract", "nowhere.html", cwd=tmp_path)
    assert missing.returncode == 3
    assert missing.stderr.startswith("nowhere.html: document not found")


def test_extract_refuses_to_merge_into_an_invalid_claims_file(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.md", tmp_path / "metformin.md")
    claims = tmp_path / "claims.yaml"
    broken = "claims:\n  - id: x\n    text: A claim.\n    colour: blue\n"
    claims.write_text(broken, encoding="utf-8")
    result = cli("extract", "metformin.md", "-o", claims, cwd=tmp_path)
    assert result.returncode == 3
    assert "claims.yaml:4: claim: unknown key 'colour'" in result.stderr
    assert claims.read_text(encoding="utf-8") == broken


def test_plain_text_numbered_markers_resolve_through_the_reference_list(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.bib", tmp_path / "references.bib")
    (tmp_path / "note.txt").write_text(
        "Metformin\n\n"
        "Metformin reduced new cases of diabetes by 31% compared with placebo [1]. "
        "Metformin reduced diabetes-related deaths by 42%.[2, 3]\n\n"
        "References\n\n"
        "1. Knowler WC, et al. Reduction in the incidence of type 2 diabetes with lifestyle "
        "intervention or metformin. N Engl J Med. 2002.\n"
        "2. UK Prospective Diabetes Study Group. Effect of intensive blood-glucose control with "
        "metformin on complications in overweight patients with type 2 diabetes. Lancet. 1998.\n"
        "3. A paper this bibliography does not hold. 2001.\n",
        encoding="utf-8",
    )
    result = cli("extract", "note.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    claims = yaml.safe_load(result.stdout)["claims"]
    assert [(c["text"], c["cites"], c["section"]) for c in claims] == [
        ("Metformin reduced new cases of diabetes by 31% compared with placebo.", ["knowler2002"], "Metformin"),
        ("Metformin reduced diabetes-related deaths by 42%.", ["ukpds1998"], "Metformin"),
    ]
    assert "not in the bibliography: [3]" in result.stdout


def test_merge_inserts_after_the_last_claim_whatever_follows_it() -> None:
    from claimcheck.extract.cites import Citations
    from claimcheck.extract.scaffold import Proposal, merge
    from claimcheck.inputs.documents import Sentence

    text = (
        "claims:\n"
        "    - id: first\n"
        "      text: >\n"
        "        A folded\n"
        "        claim.\n"
        "    # a person's trailing note\n"
        "document:\n"
        "  title: Last key\n"
    )
    new = Proposal("insulin-rises", Sentence("Insulin rises by 10%.", "Intro", 3), Citations(), ("quantity",))
    merged = merge(text, "c.yaml", [new])
    assert merged == (
        "claims:\n"
        "    - id: first\n"
        "      text: >\n"
        "        A folded\n"
        "        claim.\n"
        "    - id: insulin-rises\n"
        '      text: "Insulin rises by 10%."\n'
        "      section: Intro\n"
        "      cites: []\n"
        "    # a person's trailing note\n"
        "document:\n"
        "  title: Last key\n"
    )
    assert yaml.safe_load(merged)["claims"][1]["id"] == "insulin-rises"
    assert merge(text, "c.yaml", []) == text


def test_merge_into_one_file_and_write_another_or_print(cli, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "metformin.md", tmp_path / "metformin.md")
    shutil.copy(FIXTURES / "metformin.bib", tmp_path / "references.bib")
    mine = tmp_path / "mine.yaml"
    original = (
        "claims:\n"
        "  - id: dpp\n"
        "    text: In the Diabetes Prevention Program, metformin reduced the incidence of diabetes by 31% compared with placebo.\n"
        "    cites: [knowler2002]  # checked by hand\n"
    )
    mine.write_text(original, encoding="utf-8")
    printed = cli("extract", "metformin.md", "--claims", mine, cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith(original)
    assert "incidence of diabetes" not in printed.stdout[len(original) :]
    written = cli("extract", "metformin.md", "--claims", mine, "-o", tmp_path / "out.yaml", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "out.yaml").read_text(encoding="utf-8") == printed.stdout
    assert mine.read_text(encoding="utf-8") == original


@pytest.mark.parametrize(
    ("text", "caption"),
    [
        ("Two individuals portray radiant hormonal balance and metabolic health, reflecting optimal cellular function", True),
        ("Meticulously arranged translucent green biological samples, potentially peptide therapy formulations, prepared for analysis", True),
        ("Varied wooden spheres include two prominent green ones, symbolizing targeted intervention. This represents patient stratification.", False),
        ("A woman embodies vitality.", True),
        ("Crystal structures illustrate how semaglutide binds the GLP-1 receptor.", False),
        ("HbA1c levels in adults reflect average blood glucose over three months.", False),
        ("Tesamorelin Significant reduction in visceral adipose tissue (VAT) over 26-52 weeks in HIV-infected patients", False),
    ],
)
def test_caption_recognition_needs_two_signals(text: str, caption: bool) -> None:
    from claimcheck.inputs.documents import is_caption

    assert is_caption(text) is caption


@pytest.mark.parametrize(
    "sentence",
    [
        "Coffee drinking was associated with lower mortality in a large cohort.",
        "Men who smoke have a higher risk of lung cancer than men who never smoked.",
        "Vaccination reduced hospitalisation among older adults by 60%.",
        "Regular exercise improves sleep quality in people with depression.",
    ],
)
def test_claims_of_any_health_article_are_check_worthy_not_only_metabolic_ones(sentence: str) -> None:
    # A new article on coffee, smoking or vaccines names outcomes (mortality, cancer, risk)
    # and exposures the peptide article never used; its claims must still be scaffolded.
    from claimcheck.extract.worthiness import assess

    assert assess(sentence).worthy, assess(sentence).reasons
