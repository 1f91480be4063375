"""Suppressions: finding codes a team has accepted for a claim or a reference, each with a reason.

Accepted findings are marked, never dropped: every report still shows them (with the reason),
and only the CI gate (`gate.py`) ignores them. A suppression that names an unknown claim or
reference is bad input, so a typo cannot silently accept nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from claimcheck.errors import InputError
from claimcheck.model import Acceptance, AuditResult, Claim, Entry, Finding


def check_acceptances(
    acceptances: Sequence[Acceptance], claims: Iterable[Claim], entries: Iterable[Entry]
) -> None:
    """Every `[[accept]]` table must name a claim or reference that exists."""
    claim_ids = {c.id for c in claims}
    keys = {e.key for e in entries}
    for item in acceptances:
        if item.claim is not None and item.claim not in claim_ids:
            raise InputError(item.file, item.line or None, f"[[accept]] {item.code}: no claim '{item.claim}'")
        if item.reference is not None and item.reference not in keys:
            raise InputError(
                item.file, item.line or None, f"[[accept]] {item.code}: no reference '{item.reference}'"
            )


def _mark(findings: tuple[Finding, ...], accepted: dict[str, str]) -> tuple[Finding, ...]:
    return tuple(
        replace(f, accepted=True, accept_reason=accepted[f.code]) if f.code in accepted else f
        for f in findings
    )


def apply_acceptances(result: AuditResult, configured: Sequence[Acceptance] = ()) -> AuditResult:
    """The result with accepted findings marked (claims files' `accept:` and claimcheck.toml)."""
    by_reference: dict[str, dict[str, str]] = {}
    by_claim: dict[str, dict[str, str]] = {}
    for item in configured:
        if item.reference is not None:
            by_reference.setdefault(item.reference, {})[item.code] = item.reason
        if item.claim is not None:
            by_claim.setdefault(item.claim, {})[item.code] = item.reason
    for claim_result in result.claims:
        for item in claim_result.claim.accepts:
            by_claim.setdefault(claim_result.claim.id, {})[item.code] = item.reason
    if not by_reference and not by_claim:
        return result
    references = tuple(
        replace(r, findings=_mark(r.findings, by_reference[r.entry.key]))
        if r.entry.key in by_reference
        else r
        for r in result.references
    )
    claims = tuple(
        replace(c, findings=_mark(c.findings, by_claim[c.claim.id])) if c.claim.id in by_claim else c
        for c in result.claims
    )
    return replace(result, references=references, claims=claims)
