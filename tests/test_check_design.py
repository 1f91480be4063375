from claim_helpers import BAILEY_2024, FOURMAN, TEICH, codes, context, seed_record

from claimcheck.verify.checks.design import check, study_design


def test_pharmacokinetic_study_cited_for_body_composition(seed_records):
    claim = (
        "Other peptides can influence the to release growth hormone, which has a significant impact on "
        "body composition—promoting and the breakdown of fat, particularly the visceral fat that is "
        "metabolically harmful."
    )
    record = seed_record(seed_records, TEICH)
    findings = check(context(claim, record))
    assert codes(findings) == ["C016"]
    assert any("pharmacokinetic" in e for e in findings[0].evidence)
    # What the study did measure is not flagged.
    assert (
        check(
            context(
                "CJC-1295 is a long-acting GHRH analogue that provides a steady stimulation for GH release.",
                record,
            )
        )
        == []
    )


def test_causal_wording_on_a_post_hoc_association(seed_records):
    record = seed_record(seed_records, FOURMAN)
    assert study_design(context("x", record)) == "observational"
    claim = (
        "This demonstrates that the metabolic benefits are a direct consequence of reducing the "
        "pathogenic visceral fat mass."
    )
    findings = check(context(claim, record))
    assert codes(findings) == ["C017"]
    assert any("Post hoc" in e for e in findings[0].evidence)


def test_a_review_is_marked_as_secondary_evidence(seed_records):
    findings = check(
        context(
            "Peptides like Semaglutide and Tirzepatide are leaders in this class.",
            seed_record(seed_records, BAILEY_2024),
        )
    )
    assert codes(findings) == ["C019"] and findings[0].severity.value == "info"
