"""`claimcheck check` keeps claims in step with their document: D001 claim-drifted, D002
sentence-uncovered, and both gate CI through the normal severities."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from claimcheck.inputs.documents import DocumentText, Sentence
from claimcheck.model import Claim
from claimcheck.report.json import schema
from claimcheck.verify.drift import compare, normalise

ARTICLE = Path("docs") / "articles" / "peptides-insulin-resistance.txt"
EDITED = "Clinical studies have consistently shown that can reduce VAT by 15-20% over a period of 26 to 52 weeks."


def check(cli, project: Path, *args: str) -> tuple[int, dict]:
    result = cli("check", project, "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def drift_codes(data: dict) -> dict[str, list[dict]]:
    return {
        c["id"]: [f for f in c["findings"] if f["code"] == "D001"]
        for c in data["claims"]
        if any(f["code"] == "D001" for f in c["findings"])
    }


def uncovered(data: dict) -> list[dict]:
    return [d for d in data["document_findings"] if d["finding"]["code"] == "D002"]


def test_the_curated_claims_do_not_drift_from_the_bundled_article(cli, bundled_project: Path) -> None:
    _, data = check(cli, bundled_project)
    assert drift_codes(data) == {}
    # what is uncovered is exactly what extract proposes beyond the curated file
    texts = {d["text"] for d in uncovered(data)}
    assert "These protocols function by intervening at different points in the complex web of metabolic regulation." in texts
    assert len(texts) == 6
    jsonschema.validate(data, schema())


def test_editing_one_sentence_makes_exactly_that_claim_drift(cli, bundled_project: Path) -> None:
    article = bundled_project / ARTICLE
    text = article.read_text(encoding="utf-8")
    assert text.count(EDITED) == 1
    new_sentence = EDITED.replace("15-20%", "25-30%")
    article.write_text(text.replace(EDITED, new_sentence), encoding="utf-8")
    code, data = check(cli, bundled_project)
    drifted = drift_codes(data)
    assert list(drifted) == ["tesamorelin-vat-15-20"]
    (finding,) = drifted["tesamorelin-vat-15-20"]
    assert finding["severity"] == "error"
    assert finding["evidence"] == [new_sentence]  # the closest current sentence
    assert "line 53" in finding["message"]
    # reported once, as drift, not again as an uncovered sentence
    assert new_sentence not in {d["text"] for d in uncovered(data)}
    assert code == 1
    jsonschema.validate(data, schema())


def test_typography_and_spacing_are_not_drift(cli, bundled_project: Path) -> None:
    article = bundled_project / ARTICLE
    text = article.read_text(encoding="utf-8")
    retypeset = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", " - ")
    retypeset = retypeset.replace("15-20%", "15–20 %").replace(". ", ".  ")
    assert retypeset != text
    article.write_text(retypeset, encoding="utf-8")
    _, data = check(cli, bundled_project)
    assert drift_codes(data) == {}


def test_a_new_quantitative_sentence_is_uncovered_and_gates_on_warning(cli, bundled_project: Path) -> None:
    article = bundled_project / ARTICLE
    text = article.read_text(encoding="utf-8")
    added = "In a 2021 trial, semaglutide lowered body weight by 14.9% over 68 weeks compared with placebo."
    anchor = "Peptides like Semaglutide and Tirzepatide are leaders in this class."
    article.write_text(text.replace(anchor, f"{anchor} {added}"), encoding="utf-8")
    _, before = check(cli, bundled_project, "--fail-on", "never")
    new = [d for d in uncovered(before) if d["text"] == added]
    assert len(new) == 1
    assert new[0]["line"] == 76
    assert new[0]["section"] == "Intermediate / Incretin Mimetics and Glucose Control"
    assert new[0]["claims_file"] == "claims/peptides-insulin-resistance.yaml"
    assert new[0]["finding"]["severity"] == "warning"
    assert "quantity" in new[0]["finding"]["message"]
    assert drift_codes(before) == {}
    jsonschema.validate(before, schema())
    # the text report shows it with the document's file and line
    text_report = cli("check", bundled_project, "--fail-on", "never")
    assert f"D002 sentence-uncovered {ARTICLE.as_posix()}:76" in text_report.stdout


BIB = """@article{knowler2002,
  author  = {Knowler, W. C. and Barrett-Connor, E.},
  title   = {Reduction in the incidence of type 2 diabetes with lifestyle intervention or metformin},
  journal = {New England Journal of Medicine},
  year    = {2002},
}
"""
RECORDS = [
    {
        "id": "knowler2002",
        "type": "article-journal",
        "title": "Reduction in the incidence of type 2 diabetes with lifestyle intervention or metformin",
        "author": [{"family": "Knowler", "given": "W. C."}, {"family": "Barrett-Connor", "given": "E."}],
        "container-title": "New England Journal of Medicine",
        "issued": {"date-parts": [[2002]]},
    }
]
CLAIMS = """document:
  path: doc.md
claims:
  - id: dpp-hba1c
    text: "Metformin lowered HbA1c by 1.1% in a 2002 trial."
    cites: [knowler2002]
"""


def test_uncovered_sentences_gate_ci_at_warning_and_not_at_error(cli, tmp_path: Path) -> None:
    (tmp_path / "claims").mkdir()
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "records.json").write_text(json.dumps(RECORDS), encoding="utf-8")
    (tmp_path / "claims" / "doc.yaml").write_text(CLAIMS, encoding="utf-8")
    doc = "# Doc\n\nMetformin lowered HbA1c by 1.1% in a 2002 trial. Metformin reduced weight by 2.1 kg over 3 years.\n"
    (tmp_path / "doc.md").write_text(doc, encoding="utf-8")
    options = ("--offline", "--records", str(tmp_path / "records.json"))
    code, data = check(cli, tmp_path, *options, "--fail-on", "error")
    assert code == 0
    assert [d["text"] for d in uncovered(data)] == ["Metformin reduced weight by 2.1 kg over 3 years."]
    assert check(cli, tmp_path, *options, "--fail-on", "warning")[0] == 1
    # without the document's sentence, nothing is uncovered and nothing fails at warning
    (tmp_path / "doc.md").write_text("# Doc\n\nMetformin lowered HbA1c by 1.1% in a 2002 trial.\n", encoding="utf-8")
    code, data = check(cli, tmp_path, *options, "--fail-on", "warning")
    assert uncovered(data) == []
    assert code == 0


def test_a_bad_document_named_by_a_claims_file_is_an_input_error(cli, bundled_project: Path) -> None:
    (bundled_project / ARTICLE).write_bytes(b"\xff\xfe not utf-8")
    result = cli("check", bundled_project)
    assert result.returncode == 3
    assert result.stderr.startswith(f"{ARTICLE.as_posix()}:1: document is not valid UTF-8")


def test_normalise_ignores_typography_case_and_punctuation() -> None:
    assert normalise("The “locks” — 15–20 %,  insulin’s KEY.") == normalise('the "locks" - 15-20% insulin\'s key')


def test_compare_matches_claims_spanning_or_quoting_part_of_sentences() -> None:
    document = DocumentText(
        "doc.txt",
        "text",
        (
            Sentence("Metformin lowers glucose production in the liver.", line=1),
            Sentence("Metformin reduced deaths by 42% in overweight patients.", line=2),
        ),
    )
    claims = [
        Claim("a", "Metformin lowers glucose production in the liver. Metformin reduced deaths by 42%"),
        Claim("b", "Aspirin cures everything."),
    ]
    coverage = compare(claims, document)
    assert [d.claim.id for d in coverage.drifted] == ["b"]
    assert coverage.uncovered == ()


def test_explain_knows_the_drift_codes(cli) -> None:
    assert "closest" in cli("explain", "D001").stdout
    assert "claimcheck extract" in cli("explain", "sentence-uncovered").stdout
