"""A verdict for each claim from the references it cites.

This stage inherits what the reference audit found (uncited, defective references, no text to
judge). Judging the claim's content against the cited paper's text builds on it.
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


def judge_claim(claim: Claim, references: Mapping[str, ReferenceResult]) -> ClaimResult:
    if not claim.cites:
        finding = rules.finding("C001", "the claim cites no reference")
        return ClaimResult(claim, ClaimVerdict.UNCITED, (finding,))
    cited = [references[key] for key in claim.cites]
    findings = [
        rules.finding("C002", f"cites '{r.entry.key}', which is {r.status.value}", reference=r.entry.key)
        for r in cited
        if r.status in DEFECTIVE_STATUSES
    ]
    usable = [r for r in cited if r.status not in DEFECTIVE_STATUSES]
    if not usable:
        return ClaimResult(claim, ClaimVerdict.CITES_DEFECTIVE_REFERENCE, tuple(findings))
    resolved = [r for r in usable if r.status is not ReferenceStatus.CANNOT_DETERMINE]
    if not resolved:
        keys = ", ".join(r.entry.key for r in usable)
        findings.append(rules.finding("C003", f"the cited reference could not be resolved ({keys})"))
        return ClaimResult(claim, ClaimVerdict.UNVERIFIABLE, tuple(findings), usable[0].entry.key)
    with_text = [r for r in resolved if r.record and r.record.abstract]
    basis = (with_text or resolved)[0].entry.key
    if not with_text:
        keys = ", ".join(r.entry.key for r in resolved)
        findings.append(rules.finding("C003", f"the cited record has no abstract ({keys})", reference=basis))
    else:
        findings.append(
            rules.finding(
                "C003", "the claim's content has not been compared with the cited abstract", reference=basis
            )
        )
    return ClaimResult(claim, ClaimVerdict.UNVERIFIABLE, tuple(findings), basis)


def judge_claims(
    claims: Sequence[Claim], references: Mapping[str, ReferenceResult]
) -> tuple[ClaimResult, ...]:
    return tuple(judge_claim(claim, references) for claim in claims)
