from claim_helpers import STANLEY_NEJM, codes, context, invented, seed_record

from claimcheck.verify.checks.direction import check


def test_no_significant_difference_contradicts_a_claimed_effect(seed_records):
    record = seed_record(seed_records, STANLEY_NEJM)
    ctx = context(
        "Tesamorelin significantly improved glycemic measures such as glucose and insulin levels.", record
    )
    findings = check(ctx)
    assert codes(findings) == ["C012"]
    assert "No significant differences were observed in glycemic measures" in findings[0].evidence[0]


def test_the_reported_direction_is_not_flagged(seed_records):
    record = seed_record(seed_records, STANLEY_NEJM)
    claim = "Daily tesamorelin for 26 weeks decreased visceral fat and improved lipid profiles."
    assert check(context(claim, record)) == []


def test_opposite_direction_for_the_same_outcome_is_contradicted():
    record = invented("Fasting glucose increased in the treated group at 12 weeks. Body weight was stable.")
    findings = check(context("Treatment decreased fasting glucose at 12 weeks.", record))
    assert codes(findings) == ["C012"] and "opposite direction" in findings[0].message


def test_a_claim_of_no_effect_agrees_with_a_null_result(seed_records):
    record = seed_record(seed_records, STANLEY_NEJM)
    claim = "Adverse events did not differ significantly between the tesamorelin and placebo groups."
    assert check(context(claim, record)) == []
