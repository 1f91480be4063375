"""The bundled article's important verdicts, pinned: the project's own audit, run end to end
from the committed evidence lock, and the claims whose cited record is not matched yet judged
against the record the bibliography points at (from ../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest
from claim_helpers import PATAS, seed_record

from claimcheck.audit import AuditOptions, run_audit
from claimcheck.model import ClaimVerdict
from claimcheck.project import load_project
from claimcheck.verify.engine import Engine

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def article():
    result = run_audit(load_project(REPO), AuditOptions(offline=True))
    return {c.claim.id: c for c in result.claims}


def _codes(result) -> set[str]:
    return {f.code for f in result.findings}


def test_tesamorelin_15_20_is_overstated_for_population_and_certainty(article):
    result = article["tesamorelin-vat-15-20"]
    assert result.verdict is ClaimVerdict.OVERSTATED
    assert result.basis == "fourman2012visceral"
    # 15-20% over 26 to 52 weeks is the abstract's "15%-20% over 6-12 months": no number finding.
    assert not _codes(result) & {"C010", "C011"}
    assert {"C013", "C015"} <= _codes(result)


def test_ipamorelin_rat_pancreas_insulin_claim_is_overstated(article):
    result = article["ipamorelin-insulin-secretion"]
    assert result.verdict is ClaimVerdict.OVERSTATED
    animal = next(f for f in result.findings if f.code == "C014")
    assert "rats" in animal.message
    assert any("pancreatic tissue fragments" in e for e in animal.evidence)


def test_catestatin_mouse_row_names_its_mice_and_is_supported(article):
    result = article["table-trials-catestatin-liver-glucose"]
    assert result.verdict is ClaimVerdict.SUPPORTED
    assert any("normalized glucose and insulin levels" in e for e in result.evidence)


def test_semaglutide_hba1c_row_is_supported_as_secondary_evidence(article):
    result = article["table-trials-glp1-hba1c-2pct"]
    assert result.verdict is ClaimVerdict.SUPPORTED
    assert _codes(result) == {"C019"}
    assert any(">2%" in e for e in result.evidence)


def test_pharmacokinetic_study_behind_body_composition(article):
    result = article["gh-peptides-body-composition-visceral-fat"]
    # The CJC-1295 pharmacokinetic study says nothing of fat, muscle or the pituitary.
    assert result.verdict is ClaimVerdict.UNSUPPORTED
    assert {"C016", "C018"} <= _codes(result)


def test_a_paper_that_never_mentions_the_claimed_outcome_is_unsupported(article):
    result = article["incretin-mimetics-improve-insulin-sensitivity"]
    assert result.verdict is ClaimVerdict.UNSUPPORTED
    scope = next(f for f in result.findings if f.code == "C018")
    assert "insulin sensitivity" in scope.message


def test_causal_wording_on_post_hoc_analysis_is_overstated(article):
    result = article["tesamorelin-benefits-from-vat-reduction"]
    assert "C017" in _codes(result)


def test_every_flag_quotes_evidence(article):
    for result in article.values():
        for finding in result.findings:
            if finding.code.startswith("C01") or finding.code == "C020":
                assert finding.evidence, (result.claim.id, finding.code)


def test_claims_citing_only_unmatched_references_inherit_the_defect(article):
    assert (
        article["patas-restores-adipocyte-glucose-uptake"].verdict is ClaimVerdict.CITES_DEFECTIVE_REFERENCE
    )


@pytest.mark.parametrize(
    ("claim_id", "verdict", "code"),
    [
        ("patas-restores-adipocyte-glucose-uptake", ClaimVerdict.SUPPORTED, None),
        ("patas-systemic-benefits", ClaimVerdict.OVERSTATED, "C014"),
        ("adipocyte-restoration-resolves-insulin-resistance", ClaimVerdict.OVERSTATED, "C014"),
    ],
)
def test_patas_claims_against_the_patas_record(seed_records, claim_id, verdict, code):
    """inserm2022patas is not matched (its printed entry is wrong); judged against the paper it
    points at, the claim that says "in preclinical rodent models" passes and the ones stating
    rodent results for people do not."""
    project = load_project(REPO)
    claim = next(c for c in project.claims if c.id == claim_id)
    assessment = Engine().assess(claim, seed_record(seed_records, PATAS), "inserm2022patas")
    assert assessment.verdict is verdict
    if code:
        assert code in {f.code for f in assessment.findings}
