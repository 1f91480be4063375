"""The CI gate: which results make `claimcheck check` exit 1, from the `--fail-on` policy.

A policy is one or more criteria separated by spaces (or given as repeated `--fail-on`):

- a severity, `error`, `warning` or `info`: any finding at that severity or worse fails;
- `never`: nothing fails (only an incomplete run still exits 2);
- `verdict:V1,V2`: any claim whose verdict is one of these fails, e.g.
  `verdict:unsupported,overstated,contradicted`.

Accepted findings never count. A claim with a listed verdict does not count either when every
finding it has was accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimcheck.model import AuditResult, ClaimVerdict, Severity

SEVERITY_WORDS = ("error", "warning", "info", "never")
VERDICT_PREFIX = "verdict:"


@dataclass(frozen=True)
class FailOn:
    #: Findings at this severity or worse fail; None when no severity criterion was given.
    severity: Severity | None = Severity.ERROR
    verdicts: frozenset[ClaimVerdict] = frozenset()

    def describe(self) -> str:
        parts = [self.severity.value] if self.severity else []
        if self.verdicts:
            parts.append(VERDICT_PREFIX + ",".join(sorted(v.value for v in self.verdicts)))
        return " ".join(parts) or "never"


def parse_fail_on(spec: str) -> FailOn:
    """Parse a policy; a ValueError says what is wrong in words a user can act on."""
    severity: Severity | None = None
    severity_given = False
    verdicts: set[ClaimVerdict] = set()
    words = spec.split()
    if not words:
        raise ValueError("empty; use error, warning, info, never or verdict:V1,V2")
    for word in words:
        if word.startswith(VERDICT_PREFIX):
            names = [n.strip() for n in word[len(VERDICT_PREFIX) :].split(",") if n.strip()]
            if not names:
                raise ValueError(f"'{word}' names no verdict")
            for name in names:
                try:
                    verdicts.add(ClaimVerdict(name))
                except ValueError:
                    known = ", ".join(v.value for v in ClaimVerdict)
                    raise ValueError(f"unknown verdict '{name}' (known: {known})") from None
        elif word in SEVERITY_WORDS:
            if severity_given:
                raise ValueError(f"more than one severity in '{spec}'")
            severity_given = True
            severity = None if word == "never" else Severity(word)
        else:
            raise ValueError(f"'{word}' is not error, warning, info, never or verdict:V1,V2")
    if not severity_given and not verdicts:
        severity = Severity.ERROR
    return FailOn(severity=severity, verdicts=frozenset(verdicts))


def failures(result: AuditResult, policy: FailOn) -> list[str]:
    """What trips the gate, one line each (empty: the gate passes)."""
    found: list[str] = []
    if policy.severity is not None:
        threshold = policy.severity.rank
        for ref in result.references:
            found += [
                f"{ref.entry.key}: {f.code} {f.name}"
                for f in ref.findings
                if not f.accepted and f.severity.rank >= threshold
            ]
        for claim in result.claims:
            found += [
                f"{claim.claim.id}: {f.code} {f.name}"
                for f in claim.findings
                if not f.accepted and f.severity.rank >= threshold
            ]
        for item in result.document_findings:
            if not item.finding.accepted and item.finding.severity.rank >= threshold:
                found.append(f"{item.path}:{item.line}: {item.finding.code} {item.finding.name}")
    for claim in result.claims:
        if claim.verdict not in policy.verdicts:
            continue
        if claim.findings and all(f.accepted for f in claim.findings):
            continue
        found.append(f"{claim.claim.id}: verdict {claim.verdict.value}")
    return found
