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
