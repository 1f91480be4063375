"""The errors issue 13 quotes, each against the seed record it was found on, and the element
that must decide each verdict. Every test here failed before issue 13's checks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from claim_helpers import BAILEY_2024, STANLEY_NEJM, TEICH, invented, seed_record

from claimcheck.model import Claim, ClaimVerdict, Person
from claimcheck.verify.engine import Engine

SURMOUNT = "10.1056/NEJMoa2206038"  # tirzepatide in adults with obesity; author list names SURMOUNT-1


def assess(text: str, record, subject: str = ""):
    return Engine().assess(Claim(id="probe", text=text, subject=subject, cites=("ref",)), record, "ref")


def codes(assessment) -> set[str]:
    return {f.code for f in assessment.findings}


@pytest.mark.parametrize(
    ("text", "record_id", "verdict", "code"),
    [
        ("Tirzepatide prevents cancer in adults with obesity.", SURMOUNT, "unsupported", "C035"),
        ("Tirzepatide directly causes lower rates of heart attack.", SURMOUNT, "unsupported", "C035"),
        (
            "Incretin-based peptides are more effective than any other diabetes drug.",
            BAILEY_2024,
            "unsupported",
            "C032",
        ),
    ],
)
def test_the_three_probes_are_not_supported(seed_records, text, record_id, verdict, code):
    result = assess(text, seed_record(seed_records, record_id))
    assert result.verdict.value == verdict and code in codes(result)
    assert result.reason.startswith(verdict) and code in result.reason


def test_no_serious_adverse_reactions_contradicts_caused_them(seed_records):
    record = seed_record(seed_records, TEICH)
    caused = assess("CJC-1295 caused serious adverse reactions in healthy adults.", record)
    assert caused.verdict is ClaimVerdict.CONTRADICTED
    assert any("No serious adverse reactions were reported" in e for e in caused.evidence)
    # The same negation in the claim agrees with the evidence.
    agrees = assess("No serious adverse reactions to CJC-1295 were reported in healthy adults.", record)
    assert agrees.verdict is ClaimVerdict.SUPPORTED
    assert any("No serious adverse reactions were reported" in e for e in agrees.evidence)


def test_a_reduction_by_19_5_percent_is_the_abstracts_minus_19_5(seed_records):
    record = seed_record(seed_records, SURMOUNT)
    result = assess("Tirzepatide 10 mg reduced body weight by 19.5% at 72 weeks in adults with obesity.", record)
    assert result.verdict is ClaimVerdict.SUPPORTED, [f.message for f in result.findings]
    assert any("−19.5%" in e for e in result.evidence)


def test_more_than_15_percent_at_higher_doses_is_supported_by_19_5_and_20_9(seed_records):
    record = seed_record(seed_records, SURMOUNT)
    result = assess(
        "At the higher doses, tirzepatide reduced body weight by more than 15% in adults with obesity.", record
    )
    assert result.verdict is ClaimVerdict.SUPPORTED, [f.message for f in result.findings]
    bigger = assess("Tirzepatide reduced body weight by more than 25% in adults with obesity.", record)
    assert bigger.verdict is ClaimVerdict.OVERSTATED and "C010" in codes(bigger)


def test_the_surmount_1_investigators_name_the_trial(seed_records):
    record = seed_record(seed_records, SURMOUNT)
    text = "In the SURMOUNT-1 trial, tirzepatide reduced body weight by up to 20.9% in adults with obesity."
    assert assess(text, record).verdict is ClaimVerdict.SUPPORTED
    without = replace(record, authors=tuple(p for p in record.authors if not p.literal))
    assert "C018" in codes(assess(text, without))


def test_a_figure_for_another_arm_dose_or_time_point_is_not_the_claims(seed_records):
    surmount = seed_record(seed_records, SURMOUNT)
    placebo = assess("Participants given placebo lost 19.5% of their body weight in the tirzepatide trial.", surmount)
    assert placebo.verdict is ClaimVerdict.CONTRADICTED and "C030" in codes(placebo)
    assert "−3.1%" in placebo.reason
    dose = assess("Tirzepatide 5 mg reduced body weight by 19.5% in adults with obesity.", surmount)
    assert dose.verdict is ClaimVerdict.OVERSTATED and "−15.0%" in dose.reason
    share = assess("57% of participants on tirzepatide 5 mg lost at least 20% of their body weight.", surmount)
    assert share.verdict is ClaimVerdict.UNSUPPORTED and "C031" in codes(share)
    falutz = seed_record(seed_records, STANLEY_NEJM)
    other_way = assess("IGF-I levels decreased by 81.0% with tesamorelin in patients with HIV.", falutz)
    assert other_way.verdict is ClaimVerdict.CONTRADICTED


def test_population_groups_the_study_did_not_include(seed_records):
    surmount = seed_record(seed_records, SURMOUNT)
    diabetes = assess("Tirzepatide reduced body weight by 20.9% in people with type 2 diabetes.", surmount)
    assert "C033" in codes(diabetes) and diabetes.verdict is ClaimVerdict.OVERSTATED
    children = assess("Tirzepatide reduces body weight by about 20% in children with obesity.", surmount)
    assert "C033" in codes(children)
    adults = assess("Tirzepatide reduced body weight by 20.9% in adults with obesity.", surmount)
    assert "C033" not in codes(adults)


def test_mesh_headings_animals_without_humans_flag_a_claim_for_people():
    abstract = "Treatment lowered fasting glucose in treated subjects compared with controls."
    record = invented(abstract, title="Peptide X lowers fasting glucose")
    claim = "Peptide X lowers fasting glucose."
    assert "C014" not in codes(assess(claim, record))
    animal = replace(record, mesh_terms=("Animals", "Blood Glucose", "Mice, Inbred C57BL"))
    flagged = assess(claim, animal)
    assert "C014" in codes(flagged) and "MeSH" in flagged.reason
    human = replace(record, mesh_terms=("Animals", "Humans", "Blood Glucose"))
    assert "C014" not in codes(assess(claim, human))


def test_mesh_headings_survive_the_evidence_lock(tmp_path):
    from claimcheck.lock import Lock, read_lock, write_lock
    from claimcheck.model import Resolution

    record = replace(
        invented("An abstract."),
        authors=(Person(literal="for the SURMOUNT-1 Investigators"),),
        mesh_terms=("Animals", "In Vitro Techniques"),
        publication_types=("Journal Article",),
    )
    resolution = Resolution(key="k", record=record, method="doi", sources=("pubmed",), resolved_at="t")
    path = tmp_path / "claimcheck.lock"
    write_lock(path, Lock(created="2026-01-01T00:00:00Z", entries={"k": ("fp", resolution)},
                          records={"test|invented": record}))
    back = read_lock(path, "claimcheck.lock")
    assert back is not None
    assert back.records["test|invented"].mesh_terms == ("Animals", "In Vitro Techniques")
    assert back.records["test|invented"].authors[0].literal == "for the SURMOUNT-1 Investigators"


def test_comparisons_need_head_to_head_evidence(seed_records):
    surmount = seed_record(seed_records, SURMOUNT)
    versus = assess("Tirzepatide produces more weight loss than semaglutide in adults with obesity.", surmount)
    assert versus.verdict is ClaimVerdict.UNSUPPORTED and "semaglutide" in versus.reason
    placebo = assess("In adults with obesity, tirzepatide reduced body weight more than placebo did.", surmount)
    assert "C032" not in codes(placebo)


def test_design_review_cited_as_trial_and_association_as_cause(seed_records):
    bailey = seed_record(seed_records, BAILEY_2024)
    trial = assess("A randomised trial showed that semaglutide lowers HbA1c by more than 2% in T2DM.", bailey)
    assert "C034" in codes(trial)
    record = invented(
        "Bimagrumab blocks activin type II receptors and is associated with growth of skeletal muscle.",
        title="An update on obesity drugs",
    )
    causal = assess("Bimagrumab directly causes growth of skeletal muscle.", record)
    assert "C017" in codes(causal) and causal.verdict is ClaimVerdict.OVERSTATED
