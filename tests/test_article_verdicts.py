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


#: Every judged claim of the bundled article: verdict, the finding that must decide it, and the
#: reason a careful health editor would give (re-pinned for issue 13).
PINNED = [
    ("gh-peptides-body-composition-visceral-fat", "unsupported", "C018",
     "the CJC-1295 pharmacokinetic study reports GH and IGF-I, never fat, muscle or body composition"),
    ("ghs-stimulate-endogenous-gh", "overstated", "C014",
     "pituitary GH release is shown in rat pituitary cells, rats and swine, stated for people"),
    ("ghs-amplify-natural-gh-pattern", "supported", None,
     "CJC-1295 stimulates the body's own GH and IGF-I secretion: a paraphrase of the title and results"),
    ("tesamorelin-primary-effect-vat-reduction", "overstated", "C015",
     "VAT reduction is shown in HIV-associated abdominal adiposity; 'most well-documented' adds certainty"),
    ("tesamorelin-vat-15-20", "overstated", "C013",
     "15-20% over 6-12 months is the paper's figure, but only in HIV, and one source is no 'consistently'"),
    ("tesamorelin-vat-reduction-metabolic-markers", "overstated", "C017",
     "a post hoc association between VAT loss and metabolic change stated as a direct link"),
    ("tesamorelin-lowers-triglycerides-lipids", "overstated", "C015",
     "the triglyceride fall is in HIV-infected patients, stated for everyone"),
    ("cjc1295-long-acting-ghrh-analogue", "supported", None,
     "the title calls CJC-1295 a long-acting GHRH analogue with prolonged GH stimulation"),
    ("ipamorelin-selective-ghrp", "unsupported", "C020",
     "the abstract never mentions ghrelin; its selectivity data are animal data"),
    ("ipamorelin-insulin-secretion", "overstated", "C014",
     "insulin release from rat pancreatic tissue fragments, stated without saying so"),
    ("incretin-mimetics-long-acting-glp1", "supported", "C019",
     "the review describes long-acting GLP-1 analogues (secondary evidence, marked C019)"),
    ("semaglutide-tirzepatide-class-leaders", "supported", "C019",
     "the review singles out semaglutide and tirzepatide (a review's statement)"),
    ("semaglutide-tirzepatide-hba1c-reduction", "overstated", "C015",
     "HbA1c reductions are reported in individuals with T2DM; the claim drops the restriction"),
    ("semaglutide-tirzepatide-weight-loss", "unsupported", "C020",
     "the review says nothing of appetite or caloric intake, the mechanism the claim states"),
    ("tirzepatide-dual-glp1-gip-agonist", "supported", "C019",
     "the review names tirzepatide the GLP-1R/GIP-R dual agonist"),
    ("tirzepatide-superior-to-glp1-alone", "overstated", "C034",
     "'shown in clinical trials' rests on a review that reports no head-to-head trial"),
    ("incretin-mimetics-improve-insulin-sensitivity", "unsupported", "C018",
     "the review never mentions insulin sensitivity"),
    ("table-mechanisms-growth-hormone-secretagogues", "unsupported", "C020",
     "the CJC-1295 study reports no VAT, lean mass or lipid outcome"),
    ("table-mechanisms-incretin-mimetics", "unsupported", "C020",
     "appetite and gastric emptying are not in the cited review"),
    ("tesamorelin-clinical-model-vat", "overstated", "C015",
     "metabolic improvement with VAT loss is shown in HIV-infected patients only"),
    ("tesamorelin-vat-15-18-phase3", "overstated", "C015",
     "the phase III figures are from HIV-infected patients; the claim states them for everyone"),
    ("tesamorelin-vat-correlates-metabolic-profile", "overstated", "C017",
     "'directly correlated' on a post hoc responder analysis"),
    ("tesamorelin-responders-triglycerides-non-hdl", "supported", None,
     "responders had greater triglyceride reductions than nonresponders, as the abstract reports"),
    ("tesamorelin-nonresponders-no-lipid-change", "supported", None,
     "the abstract contrasts responders' lipid improvement with nonresponders'"),
    ("tesamorelin-benefits-from-vat-reduction", "overstated", "C017",
     "a post hoc association stated as 'a direct consequence'"),
    ("tesamorelin-neutral-glucose-long-term", "overstated", "C015",
     "the glucose findings are from HIV-infected patients"),
    ("tesamorelin-transient-glucose-hba1c-rise", "overstated", "C015",
     "the glucose and HbA1c findings are from HIV-infected patients"),
    ("tesamorelin-body-composition-not-glucose-lowering", "overstated", "C015",
     "the body-composition role is shown in HIV-infected patients"),
    ("table-trials-tesamorelin-vat", "supported", None,
     "names the HIV population and gives the paper's ~15-20% over 26-52 weeks"),
    ("table-trials-glp1-hba1c-2pct", "supported", "C019",
     "'>2% reduction in HbA1c in individuals with T2DM' is the review's sentence"),
    ("table-trials-tirzepatide-weight-15pct", "unsupported", "C032",
     "'superior ... compared to GLP-1 agonists alone': the review compares no two drugs head to head"),
    ("table-trials-catestatin-liver-glucose", "supported", None,
     "names the obese mouse models and states the mouse results"),
    ("glp1-agonists-gut-brain-glycemic-intake", "unsupported", "C020",
     "caloric intake and the gut-brain axis are not in the cited review"),
    ("axis-hypothalamic-pituitary", "unsupported", "C020",
     "the CJC-1295 study does not mention the pituitary, tesamorelin or ipamorelin"),
    ("axis-gut-brain", "unsupported", "C020",
     "appetite centres are not in the cited review"),
]


@pytest.mark.parametrize(("claim_id", "verdict", "code", "reason"), PINNED, ids=[p[0] for p in PINNED])
def test_pinned_article_verdicts(article, claim_id, verdict, code, reason):
    result = article[claim_id]
    assert result.verdict.value == verdict, reason
    if code:
        assert code in _codes(result), reason
    # Every verdict explains itself: the deciding element and the sentences it rests on.
    assert result.reason.startswith(verdict), result.reason
    assert result.evidence, claim_id


def test_every_judged_article_claim_is_pinned(article):
    judged = {
        c.claim.id
        for c in article.values()
        if c.verdict
        not in (ClaimVerdict.UNCITED, ClaimVerdict.CITES_DEFECTIVE_REFERENCE, ClaimVerdict.UNVERIFIABLE)
    }
    assert judged == {p[0] for p in PINNED}


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
