"""The terminal report: references grouped by status, each defect on one line, printed vs record."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape

from claimcheck.model import (
    VERDICT_ORDER,
    AuditResult,
    ClaimResult,
    ClaimVerdict,
    Finding,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.report import outages
from claimcheck.verify.references import short_citation

_STATUS_ORDER = [
    ReferenceStatus.CANNOT_DETERMINE,
    ReferenceStatus.NOT_FOUND,
    ReferenceStatus.WRONG_WORK,
    ReferenceStatus.RETRACTED,
    ReferenceStatus.EXPRESSION_OF_CONCERN,
    ReferenceStatus.CORRECTED,
    ReferenceStatus.METADATA_MISMATCH,
    ReferenceStatus.VERIFIED,
]
_STATUS_STYLE = {
    "verified": "green",
    "metadata-mismatch": "yellow",
    "not-found": "red",
    "wrong-work": "red",
    "retracted": "red",
    "expression-of-concern": "yellow",
    "corrected": "yellow",
    "cannot-determine": "magenta",
}

_VERDICT_STYLE = {
    "supported": "green",
    "overstated": "yellow",
    "unsupported": "yellow",
    "contradicted": "red",
    "unverifiable": "dim",
    "cites-defective-reference": "red",
    "uncited": "dim",
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "dim"}


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _clip_pair(printed: str, record: str, width: int = 70) -> tuple[str, str]:
    """Both values clipped to `width`, starting near where they first differ when that is past
    the cut (two long titles cut at the same point would look identical)."""
    if len(printed) <= width and len(record) <= width:
        return printed, record
    first = next(
        (i for i, (a, b) in enumerate(zip(printed.casefold(), record.casefold(), strict=False)) if a != b),
        min(len(printed), len(record)),
    )
    if first < width - 10:
        return _clip(printed, width), _clip(record, width)
    start = max(0, first - 30)
    return "…" + _clip(printed[start:], width), "…" + _clip(record[start:], width)


def _accepted(finding: Finding) -> str:
    return f" [cyan](accepted: {escape(finding.accept_reason or '')})[/]" if finding.accepted else ""


def _defect_line(finding: Finding) -> str:
    style = _SEVERITY_STYLE[finding.severity.value]
    head = f"    [{style}]{finding.code}[/] {finding.name}{_accepted(finding)}"
    if finding.field and finding.printed is not None:
        printed, record = _clip_pair(finding.printed, finding.record or "")
        return (
            f"{head} [bold]{finding.field}[/]: printed \u201c{escape(printed)}"
            f"\u201d  record \u201c{escape(record)}\u201d"
            f"\n      [dim]{escape(finding.message)}[/]"
        )
    return f"{head}: {escape(finding.message)}"


def _outage_line(result: ReferenceResult, finding: Finding) -> str:
    """R003 for an outage in one line: the services and the kind of failure, not every error.

    The whole reasons stay in the machine-readable reports; the run's closing statement says
    once what failed and what to do.
    """
    why = outages.describe(result.resolution.unavailable)
    if result.record is not None:
        message = f"found {short_citation(result.record)}, but could not check it everywhere: {why}"
    else:
        message = f"could not be judged: {why}"
    style = _SEVERITY_STYLE[finding.severity.value]
    return f"    [{style}]{finding.code}[/] {finding.name}: {escape(message)}"


def _reference_block(result: ReferenceResult) -> list[str]:
    entry = result.entry
    lines = [f"  [bold]{escape(entry.key)}[/] [dim]{escape(entry.file)}:{entry.line}[/]"]
    if result.record is not None and result.status is not ReferenceStatus.CANNOT_DETERMINE:
        lines.append(
            f"    [dim]record ({escape(result.record.source)}): {escape(short_citation(result.record))}[/]"
        )
        if result.resolution.unavailable:
            # Judged without them: its verdict did not need them (decision 0201); say who was missing.
            why = outages.describe(result.resolution.unavailable)
            why = why.replace("did not answer", "could not be asked")
            lines.append(f"    [dim]judged without: {escape(why)}[/]")
    for finding in result.findings:
        outage = finding.code == "R003" and result.resolution.unavailable and not finding.accepted
        lines.append(_outage_line(result, finding) if outage else _defect_line(finding))
    return lines


def _claim_block(result: ClaimResult) -> list[str]:
    claim = result.claim
    subject = f" [dim](subject: {escape(claim.subject)})[/]" if claim.subject else ""
    lines = [
        f"  [bold]{escape(claim.id)}[/] [dim]{escape(claim.file)}:{claim.line}[/]{subject}",
        f"    \u201c{escape(_clip(claim.text, 110))}\u201d",
    ]
    if result.basis and result.verdict is not ClaimVerdict.UNCITED:
        lines.append(f"    [dim]judged on {escape(result.basis)}[/]")
    if result.reason and result.verdict is not ClaimVerdict.UNCITED:
        lines.append(f"    why: {escape(_clip(result.reason, 220))}")
    for finding in result.findings:
        style = _SEVERITY_STYLE[finding.severity.value]
        lines.append(
            f"    [{style}]{finding.code}[/] {finding.name}{_accepted(finding)}: {escape(finding.message)}"
        )
        lines += [f"      [dim]evidence: \u201c{escape(_clip(e, 160))}\u201d[/]" for e in finding.evidence]
    if result.verdict is ClaimVerdict.SUPPORTED:
        lines += [f"    [dim]states it: \u201c{escape(_clip(e, 160))}\u201d[/]" for e in result.evidence[:3]]
        lines += _model_doubt(result)
    return lines


def _model_doubt(result: ClaimResult) -> list[str]:
    """A supported verdict the model does not read as supported: worth a person's look (the
    verdict is the checks'; decision 0901)."""
    reading = result.reading
    if reading is None or reading.label == "supported":
        return []
    p = reading.probabilities
    return [
        f"    [yellow]model doubts it[/]: reads the evidence as {reading.label} "
        f"(supported {p.supported:.2f}, contradicted {p.contradicted:.2f}, "
        f"not enough information {p.nei:.2f}); review this claim"
    ]


def render(result: AuditResult, console: Console) -> None:
    out = console.print
    if result.lock is not None:
        out(
            f"[dim]Evidence lock {escape(result.lock.path)}, created {result.lock.created} "
            f"({result.lock.age_days:.0f} days old)[/]"
        )
    counts = Counter(r.status for r in result.references)
    summary = " · ".join(
        f"[{_STATUS_STYLE[s.value]}]{counts[s]} {s.value}[/]" for s in _STATUS_ORDER if counts[s]
    )
    out(f"\n[bold]References[/] ({len(result.references)}): {summary}")
    for status in _STATUS_ORDER:
        group = [r for r in result.references if r.status is status]
        if not group:
            continue
        out(f"\n [{_STATUS_STYLE[status.value]} bold]{status.value.upper()}[/] ({len(group)})")
        # One print per group, not per line: the same text, without rich's per-call overhead
        out("\n".join(line for ref in group for line in _reference_block(ref)), highlight=False)
    verdicts = Counter(c.verdict for c in result.claims)
    summary = " · ".join(
        f"[{_VERDICT_STYLE[v.value]}]{verdicts[v]} {v.value}[/]" for v in VERDICT_ORDER if verdicts[v]
    )
    out(f"\n[bold]Claims[/] ({len(result.claims)}): {summary}")
    for verdict in VERDICT_ORDER:
        group = [c for c in result.claims if c.verdict is verdict]
        if not group:
            continue
        out(f"\n [{_VERDICT_STYLE[verdict.value]} bold]{verdict.value.upper()}[/] ({len(group)})")
        if verdict is ClaimVerdict.UNCITED:
            out("  " + escape(", ".join(c.claim.id for c in group)), highlight=False)
            continue
        out("\n".join(line for claim in group for line in _claim_block(claim)), highlight=False)
    if result.document_findings:
        out(f"\n[bold]Documents[/]: {len(result.document_findings)} finding(s)")
        for item in result.document_findings:
            finding = item.finding
            style = _SEVERITY_STYLE[finding.severity.value]
            out(
                f"  [{style}]{finding.code}[/] {finding.name} [dim]{escape(item.path)}:{item.line}[/]: "
                f"{escape(finding.message)}\n    \u201c{escape(_clip(item.text, 110))}\u201d",
                highlight=False,
            )
    severities = Counter(f.severity.value for f in result.all_findings())
    out(
        f"\n[bold]Findings[/]: {severities['error']} errors, {severities['warning']} warnings, "
        f"{severities['info']} notes"
    )
    found = outages.outage(result)
    if found is not None:
        head, _, rest = outages.statement(found).partition(": ")
        out(f"[magenta bold]{head}[/]: {escape(rest)}")
