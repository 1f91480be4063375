"""A verdict for each claim from the references it cites.

The reference audit decides what evidence there is (uncited, defective references, no text to
judge); the engine (claimcheck.verify.engine) then judges the claim against each cited record
that has an abstract. A claim citing several references is judged on the best support among
them, and `ClaimResult.basis` says which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimcheck import rules
from claimcheck.model import (
    DEFECTIVE_STATUSES,
    Claim,
    ClaimResult,
    ClaimVerdict,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.verify.engine import VERDICT_ORDER, Assessment, Engine

_DEFAULT_ENGINE: Engine | None = None


def default_engine() -> Engine:
    global _DEFAULT_ENGINE
    if _DEFAULT_ENGINE is None:
        _DEFAULT_ENGINE = Engine()
    return _DEFAULT_ENGINE


def best_assessment(assessments: Sequence[Assessment]) -> Assessment:
    """The best support: the mildest verdict, then the closest evidence, then citation order."""
    return min(
        enumerate(assessments),
        key=lambda pair: (-VERDICT_ORDER.index(pair[1].verdict), -pair[1].score, pair[0]),
    )[1]


def judge_claim(
    claim: Claim, references: Mapping[str, ReferenceResult], engine: Engine | None = None
) -> ClaimResult:
    if not claim.cites:
        finding = rules.finding("C001", "the claim cites no reference")
        return ClaimResult(claim, ClaimVerdict.UNCITED, (finding,), reason=f"uncited: {finding.message}")
    cited = [references[key] for key in claim.cites]
    findings = [
        rules.finding("C002", f"cites '{r.entry.key}', which is {r.status.value}", reference=r.entry.key)
        for r in cited
        if r.status in DEFECTIVE_STATUSES
    ]
    usable = [r for r in cited if r.status not in DEFECTIVE_STATUSES]
    if not usable:
        return ClaimResult(
            claim,
            ClaimVerdict.CITES_DEFECTIVE_REFERENCE,
            tuple(findings),
            reason="cites-defective-reference: " + "; ".join(f.message for f in findings),
        )
    resolved = [r for r in usable if r.status is not ReferenceStatus.CANNOT_DETERMINE]
    if not resolved:
        keys = ", ".join(r.entry.key for r in usable)
        findings.append(rules.finding("C003", f"the cited reference could not be resolved ({keys})"))
        basis, reason = usable[0].entry.key, findings[-1].message
        return ClaimResult(claim, ClaimVerdict.UNVERIFIABLE, tuple(findings), basis, reason=reason)
    with_text = [r for r in resolved if r.record and r.record.abstract]
    if not with_text:
        keys = ", ".join(r.entry.key for r in resolved)
        basis = resolved[0].entry.key
        findings.append(rules.finding(
            "C003", f"the cited record has no abstract to judge the claim against ({keys})", reference=basis))
        reason = findings[-1].message
        return ClaimResult(claim, ClaimVerdict.UNVERIFIABLE, tuple(findings), basis, reason=reason)
    engine = engine or default_engine()
    assessments = [engine.assess(claim, r.record, r.entry.key) for r in with_text if r.record]
    best = best_assessment(assessments)
    return ClaimResult(
        claim,
        best.verdict,
        (*findings, *best.findings),
        best.key,
        best.evidence,
        reason=best.reason,
        reading=best.reading,
    )


def judge_claims(
    claims: Sequence[Claim], references: Mapping[str, ReferenceResult], engine: Engine | None = None
) -> tuple[ClaimResult, ...]:
    return tuple(judge_claim(claim, references, engine) for claim in claims)
