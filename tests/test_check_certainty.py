from claim_helpers import BREDELLA_JAMA, FOURMAN, codes, context, seed_record

from claimcheck.verify.checks.certainty import check


def test_consistently_shown_needs_evidence_of_replication(seed_records):
    claim = (
        "Clinical studies have consistently shown that can reduce VAT by 15-20% over a period of "
        "26 to 52 weeks."
    )
    findings = check(context(claim, seed_record(seed_records, FOURMAN), subject="Tesamorelin"))
    assert codes(findings) == ["C013"] and "consistently shown" in findings[0].message


def test_a_booster_against_a_preliminary_study(seed_records):
    record = seed_record(seed_records, BREDELLA_JAMA)
    claim = "Tesamorelin produces significant reductions in liver fat in HIV-infected patients."
    findings = check(context(claim, record))
    assert codes(findings) == ["C013"]
    assert "preliminary" in findings[0].message


def test_a_hedged_claim_is_not_overstated(seed_records):
    record = seed_record(seed_records, BREDELLA_JAMA)
    claim = "Tesamorelin may produce modest reductions in liver fat in HIV-infected patients."
    assert check(context(claim, record)) == []


def test_a_hedge_in_the_background_question_does_not_count(seed_records):
    claim = (
        "Patients who were classified as responders demonstrated significant reductions in triglycerides "
        "and non-HDL cholesterol."
    )
    assert check(context(claim, seed_record(seed_records, FOURMAN))) == []


def _record(abstract: str):
    from claimcheck.model import Record

    return Record(source="test", id="r", title="A trial", abstract=abstract)


def test_a_denied_proof_word_is_no_claim_of_proof():
    record = _record("There are no proven pharmacological treatments for NAFLD in HIV. We ran a trial.")
    claim = "There are no proven pharmacological treatments for NAFLD in people with HIV."
    assert check(context(claim, record)) == []
    assert codes(check(context("Tesamorelin is proven to treat NAFLD in people with HIV.", record))) == ["C013"]


def test_a_cure_needs_evidence_of_cure_or_remission():
    record = _record("PATAS improved glucose tolerance and insulin sensitivity in mice with diabetes.")
    findings = check(context("PATAS cures type 2 diabetes.", record))
    assert codes(findings) == ["C013"] and "cure" in findings[0].message
    remission = _record("Half of the patients reached remission of type 2 diabetes after surgery.")
    assert check(context("Surgery cured type 2 diabetes in half of the patients.", remission)) == []


def test_definitive_needs_replication():
    record = _record("In this preliminary study, tesamorelin reduced liver fat in HIV-infected patients.")
    assert codes(check(context("Tesamorelin produced definitive reductions in liver fat.", record))) == ["C013"]
