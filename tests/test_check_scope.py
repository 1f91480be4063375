import pytest
from claim_helpers import BAILEY_2024, RAUN, TEICH, codes, context, seed_record

from claimcheck.verify.checks.scope import check


def test_a_paper_about_something_else_is_unsupported(seed_records):
    claim = "Semaglutide lowers HbA1c and body weight in people with type 2 diabetes."
    findings = check(context(claim, seed_record(seed_records, TEICH)))
    assert codes(findings) == ["C018"] and "Semaglutide" in findings[0].message


def test_the_subject_field_counts_as_an_entity(seed_records):
    record = seed_record(seed_records, BAILEY_2024)
    claim = (
        "This dual action has been shown in clinical trials to produce even greater improvements in blood "
        "sugar control and weight loss compared to alone."
    )
    assert check(context(claim, record, subject="GLP-1 agonists (semaglutide)")) == []
    assert codes(check(context(claim, record, subject="Tesamorelin"))) == ["C018"]


def test_an_outcome_the_paper_never_mentions(seed_records):
    claim = (
        "Ipamorelin is a growth hormone-releasing peptide (GHRP) that mimics the hormone ghrelin, binding to "
        "a different receptor in the pituitary to stimulate a strong, clean pulse of GH release without "
        "significantly affecting cortisol or prolactin levels."
    )
    findings = check(context(claim, seed_record(seed_records, RAUN)))
    assert codes(findings) == ["C020"]
    assert "ghrelin" in findings[0].message and "cortisol" not in findings[0].message
    assert "incomplete" in findings[0].message


def test_a_claim_sharing_no_word_with_the_abstract_is_unsupported():
    from claim_helpers import invented

    record = invented("Aerobic exercise lowered blood pressure in older adults.", "Exercise and pressure")
    findings = check(context("Vitamin D supplements prevent colds in children.", record))
    assert codes(findings) == ["C018"] and "shares" in findings[0].message


def test_an_acronym_the_paper_spells_out_is_mentioned(seed_records):
    # The record's title says "growth hormone secretagogue" where the claim says GHS.
    record = seed_record(seed_records, RAUN)
    assert check(context("GHS stimulate GH release from pituitary cells.", record)) == []
    # An acronym the paper neither uses nor spells out still means a paper about something else.
    assert codes(check(context("SGLT2 inhibitors stimulate GH release.", record))) == ["C018"]


def test_citation_integrity_scope_flags_name_no_spelled_out_acronym(shared):
    """On the Citation-Integrity training sentences (read at run time), no C018 finding names an
    acronym whose words the cited sentences spell out."""
    import json
    import re

    from claimcheck.model import Claim, Record
    from claimcheck.verify.checks.scope import _initialisms
    from claimcheck.verify.engine import Engine

    folder = shared / "datasets" / "citation_integrity"
    if not (folder / "data__citint__claims_train.jsonl").exists():
        pytest.skip("the Citation-Integrity set is not in ../shared/datasets")
    corpus = {}
    for line in (folder / "data__citint__corpus.jsonl").open(encoding="utf-8"):
        item = json.loads(line)
        corpus[item["doc_id"]] = item
    engine, flagged, spelled = Engine(), 0, 0
    for n, line in enumerate((folder / "data__citint__claims_train.jsonl").open(encoding="utf-8")):
        if n >= 600:
            break
        item = json.loads(line)
        text = re.sub(r"\[?<\|[a-z_]+\|>\]?", "", item["claim"])
        for doc_id in item["cited_doc_ids"]:
            if doc_id not in corpus:
                continue
            record = Record(source="t", id=str(doc_id), abstract=" ".join(corpus[doc_id]["abstract"]))
            result = engine.assess(Claim(id="c", text=text, cites=("r",)), record, "r")
            for finding in result.findings:
                if finding.code != "C018":
                    continue
                flagged += 1
                named = re.findall(r"(?<![\w-])[A-Z]{2,6}(?![\w-])", finding.message.split(":")[0])
                spelled += any(a.lower() in _initialisms(record.abstract) for a in named)
    assert flagged > 0 and spelled == 0
