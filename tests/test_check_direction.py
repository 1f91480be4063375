import json

import pytest
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


def _check_covid_pair(shared, claim_id):
    """A Check-COVID claim and the abstract it rests on, read from ../shared at run time."""
    folder = shared / "datasets" / "check_covid"
    train = folder / "Check-COVID__train__covidCheck_train_composed+extracted.json"
    if not train.exists():
        pytest.skip("the Check-COVID dataset is not in ../shared/datasets")
    item = next(json.loads(line) for line in train.open() if json.loads(line)["id"] == claim_id)
    doc = next(json.loads(line) for line in (folder / "Check-COVID__corpus.json").open()
               if json.loads(line)["cord_id"] == item["cord_id"])
    return item, invented(" ".join(doc["abstract"]), doc["title"])


def test_a_claim_denying_what_the_abstract_states_is_contradicted(shared):
    # MERS survivors: the refuting claim says they "lacked" antibodies, the abstract says antibody
    # was detected; the supporting claim (same abstract) is not flagged.
    refute, record = _check_covid_pair(shared, "60b83b2af9b9e03ea4d8e6c4_0")
    support, _ = _check_covid_pair(shared, "60b83b2af9b9e03ea4d8e6c4_1")
    assert (refute["label"], support["label"]) == ("REFUTE", "SUPPORT")
    findings = check(context(refute["claim"], record))
    assert codes(findings) == ["C012"] and "without negation" in findings[0].message
    assert check(context(support["claim"], record)) == []


def test_a_negation_about_something_else_does_not_deny_the_effect():
    # The article's claim; the record's negation is about bone density, not about the claimed effect.
    claim = "By decreasing the amount of this inflammatory fat tissue, Tesamorelin helps to lower triglyceride levels."
    record = invented(
        "Triglyceride levels and abdominal fat were measured in adults receiving tesamorelin for 26 weeks, "
        "but bone density was not assessed in this trial."
    )
    assert check(context(claim, record)) == []
    denied = invented("Tesamorelin did not lower triglyceride levels or visceral fat in adults.")
    assert codes(check(context(claim, denied))) == ["C012"]


def test_an_antonym_must_be_said_of_the_same_thing():
    # The article's sentence: "high" is said of blood sugar; the record's "low" of the dose.
    claim = (
        "It stimulates the pancreas to release insulin in a glucose-dependent manner, meaning it only works "
        "when blood sugar is high."
    )
    other = invented("At a low dose, GLP-1 stimulates the pancreas to release insulin only when blood sugar rises.")
    assert check(context(claim, other)) == []
    same = invented("GLP-1 stimulates the pancreas to release insulin even when blood sugar is low.")
    assert codes(check(context(claim, same))) == ["C012"]
