from claim_helpers import ADEGHATE, FOURMAN, PATAS, YING, codes, context, seed_record

from claimcheck.verify.checks.population import check


def test_rat_pancreas_evidence_behind_a_claim_about_people(seed_records):
    claim = "Some research also indicates that Ipamorelin itself may directly stimulate insulin secretion."
    findings = check(context(claim, seed_record(seed_records, ADEGHATE)))
    assert codes(findings) == ["C014"]
    assert "rats" in findings[0].message and "pancreatic tissue" in findings[0].message
    assert any("pancreatic tissue fragments" in e for e in findings[0].evidence)


def test_a_claim_that_names_the_mouse_models_is_not_flagged(seed_records):
    claim = (
        "Catestatin (CST) Inhibited recruitment of inflammatory macrophages to the liver and reduced "
        "fatty liver in obese mouse models. Normalization of blood glucose and insulin levels"
    )
    assert check(context(claim, seed_record(seed_records, YING))) == []


def test_rodent_results_stated_as_systemic_benefits_are_flagged(seed_records):
    record = seed_record(seed_records, PATAS)
    preclinical = (
        "In preclinical rodent models, PATAS was shown to restore glucose uptake in hypertrophic adipocytes."
    )
    assert check(context(preclinical, record)) == []
    systemic = (
        "This cellular-level intervention produced systemic benefits, reducing whole-body insulin "
        "resistance, improving glucose intolerance, and ameliorating hepatic steatosis."
    )
    assert codes(check(context(systemic, record))) == ["C014"]


def test_hiv_evidence_behind_a_claim_about_everyone(seed_records):
    claim = (
        "Clinical studies have consistently shown that can reduce VAT by 15-20% over a period of "
        "26 to 52 weeks."
    )
    findings = check(context(claim, seed_record(seed_records, FOURMAN), subject="Tesamorelin"))
    assert codes(findings) == ["C015"] and "HIV" in findings[0].message
    restricted = "Tesamorelin reduced VAT by 15-20% in HIV-infected patients with abdominal fat."
    assert check(context(restricted, seed_record(seed_records, FOURMAN))) == []
