"""What claim checks will fill in (overstated verdicts, evidence sentences, study fields) reaches
every report; built from the result model directly, as the claim-judging stage will produce it."""

from __future__ import annotations

import csv
import io
import json

from claimcheck.gate import parse_fail_on
from claimcheck.model import (
    AuditResult,
    Claim,
    ClaimResult,
    ClaimVerdict,
    Document,
    Entry,
    Finding,
    Person,
    Record,
    ReferenceResult,
    ReferenceStatus,
    Resolution,
    Severity,
)
from claimcheck.report import ReportOptions, html, junit, markdown, sarif, table

SENTENCE = "Tesamorelin reduced VAT by 15.2% at 26 weeks (95% CI 11.0 to 19.4) in HIV-infected adults."


def _result(document_url: str = "") -> AuditResult:
    record = Record(
        source="local",
        id="10.1/x",
        title="Tesamorelin trial",
        authors=(Person("Falutz", "J"),),
        container_title="NEJM",
        year="2007",
        doi="10.1056/NEJMoa072375",
        pmid="18057338",
        abstract="An abstract.",
    )
    entry = Entry(
        key="falutz2007",
        title="Tesamorelin trial",
        authors=(Person("Falutz", "J"),),
        year="2007",
        file="references.bib",
        line=3,
    )
    reference = ReferenceResult(entry, ReferenceStatus.VERIFIED, Resolution("falutz2007", record))
    findings = (
        Finding(
            "C013",
            "certainty-overstated",
            Severity.WARNING,
            "the claim says 15-20%; the paper reports 15.2%",
            evidence=(SENTENCE,),
            reference="falutz2007",
        ),
        Finding(
            "C020",
            "study-design",
            Severity.INFO,
            "design",
            field="design",
            record="randomized controlled trial",
            reference="falutz2007",
        ),
        Finding(
            "C021",
            "study-population",
            Severity.INFO,
            "population",
            field="population",
            record="HIV-infected adults with abdominal fat",
            reference="falutz2007",
        ),
    )
    claim = Claim(
        id="tesamorelin-vat",
        text="Tesamorelin cuts VAT by 15-20%.",
        cites=("falutz2007",),
        file="claims/a.yaml",
        line=7,
    )
    return AuditResult(
        references=(reference,),
        claims=(ClaimResult(claim, ClaimVerdict.OVERSTATED, findings, basis="falutz2007"),),
        documents=(Document(title="Article", url=document_url),),
    )


def test_evidence_sentences_and_study_fields_reach_every_report():
    result = _result()
    options = ReportOptions(fail_on=parse_fail_on("verdict:overstated"))
    page = html.render(result, options)
    assert "15.2% at 26 weeks" in page and "overstated" in page
    assert 'href="https://doi.org/10.1056/NEJMoa072375"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/18057338/"' in page
    assert f"> {SENTENCE.replace('(', chr(92) + '(').replace(')', chr(92) + ')')}" in markdown.render(
        result, options
    )
    rows = list(csv.DictReader(io.StringIO(table.render(result, options))))
    assert rows[0]["study"] == "Falutz J 2007, NEJM"
    assert rows[0]["design"] == "randomized controlled trial"
    assert rows[0]["population"] == "HIV-infected adults with abdominal fat"
    assert rows[0]["evidence"] == SENTENCE and rows[0]["verdict"] == "overstated"
    xml = junit.render(result, options)
    assert 'failures="1"' in xml and "verdict overstated" in xml
    assert json.loads(sarif.render(result, options))["runs"][0]["results"][0]["ruleId"] == "C013"


def test_document_links_are_http_only():
    assert 'href="javascript:' not in html.render(_result("javascript:alert(1)"), ReportOptions())
    assert 'href="https://example.org/a"' in html.render(_result("https://example.org/a"), ReportOptions())


def test_the_evidence_table_ships_no_column_empty_in_every_row(cli, bundled_project):
    """The bundled audit's claim findings name no design, population or figure: no blank columns."""
    done = cli("check", bundled_project, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and list(rows[0]) == [
        "claim", "reference", "study", "verdict", "why", "reasons", "evidence", "claim text", "file", "line"
    ]
    studies = {row["reference"]: row["study"] for row in rows if row["reference"]}
    assert studies["bailey2024peptides"] == "Bailey Clifford J et al. 2024, Peptides"
    assert studies["stanley2009tesamorelin"] == "(not-found)"
    for column in rows[0]:
        assert any(row[column] for row in rows), column
    # Every judged claim says why, and a supported one quotes the sentences that state it (issue 13).
    basis = [row for row in rows if row["verdict"] == "supported" and row["why"]]
    assert {row["claim"] for row in basis} == {row["claim"] for row in rows if row["verdict"] == "supported"}
    assert all(row["why"].startswith("supported: the quoted evidence states") for row in basis)
    assert all(row["evidence"] for row in basis)


def test_the_text_report_says_when_the_model_doubts_a_supported_claim():
    from rich.console import Console

    from claimcheck.report import text
    from claimcheck.verify.reader import PassageScore, Probabilities, Reading

    doubt = Probabilities(supported=0.12, contradicted=0.10, nei=0.78)
    agree = Probabilities(supported=0.81, contradicted=0.09, nei=0.10)

    def rendered(probabilities: Probabilities, verdict: ClaimVerdict) -> str:
        reading = Reading("m", probabilities, (PassageScore(SENTENCE, (0,), probabilities),))
        claim = Claim(id="c1", text="Tesamorelin cures HIV.", cites=("k",))
        result = AuditResult(
            references=(), claims=(ClaimResult(claim, verdict, (), "k", (SENTENCE,), reading=reading),)
        )
        buffer = io.StringIO()
        text.render(result, Console(file=buffer, no_color=True, width=200))
        return buffer.getvalue()

    said = rendered(doubt, ClaimVerdict.SUPPORTED)
    assert "model doubts it: reads the evidence as not-enough-information (supported 0.12" in said
    assert "model doubts" not in rendered(agree, ClaimVerdict.SUPPORTED)
    assert "model doubts" not in rendered(doubt, ClaimVerdict.OVERSTATED)  # flagged already
