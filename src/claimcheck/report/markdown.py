"""The Markdown report: a summary for pull-request comments, wikis and `$GITHUB_STEP_SUMMARY`.

Everything taken from the inputs is escaped (Markdown and the HTML GitHub allows in Markdown),
so a claim's text can never become a link, an image or markup in a comment.
"""

from __future__ import annotations

import re
from collections import Counter

from claimcheck.gate import failures
from claimcheck.model import AuditResult, ClaimResult, ClaimVerdict, Finding, ReferenceResult, ReferenceStatus
from claimcheck.report import ReportOptions
from claimcheck.report.inert import strip_controls

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_ICONS = {"error": "🔴", "warning": "🟡", "info": "⚪"}


def md(text: str) -> str:
    """Inline text made inert: HTML escaped, Markdown punctuation backslashed, one line."""
    text = strip_controls(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split())


def code(text: str) -> str:
    """A code span: inert by itself; backticks and line breaks are the only things to remove."""
    return "`" + " ".join(strip_controls(text).replace("`", "'").split()) + "`"


def _fence(text: str, info: str = "") -> str:
    text = strip_controls(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def _finding(finding: Finding) -> str:
    icon = "✅" if finding.accepted else _ICONS[finding.severity.value]
    line = f"{icon} `{finding.code}` {md(finding.name)}: {md(finding.message)}"
    if finding.accepted:
        line += f" — *accepted: {md(finding.accept_reason or '')}*"
    return line


def _counts(values: list[str]) -> str:
    return " · ".join(f"{n} {md(v)}" for v, n in Counter(values).most_common()) or "none"


def _claim(result: ClaimResult) -> list[str]:
    claim = result.claim
    lines = [
        f"#### {code(claim.id)} — **{result.verdict.value}**",
        code(f"{claim.file}:{claim.line}")
        + (f" · cites {', '.join(f'{code(k)}' for k in claim.cites)}" if claim.cites else ""),
        "",
        f"> {md(claim.text)}",
        "",
    ]
    if result.reason:
        lines += [f"**Why:** {md(result.reason)}", ""]
    for finding in result.findings:
        lines.append(f"- {_finding(finding)}")
        lines += [f"  > {md(sentence)}" for sentence in finding.evidence]
    lines.append("")
    return lines


def _reference(result: ReferenceResult) -> list[str]:
    entry = result.entry
    lines = [f"#### {code(entry.key)} — **{result.status.value}**", code(f"{entry.file}:{entry.line}"), ""]
    for finding in result.findings:
        lines.append(f"- {_finding(finding)}")
        if finding.field and finding.printed is not None:
            lines.append(f"  - printed: {md(finding.printed)}")
            lines.append(f"  - record: {md(finding.record or '')}")
    if result.suggested_bibtex and result.status is ReferenceStatus.METADATA_MISMATCH:
        lines += [
            "",
            "<details><summary>Suggested correction</summary>",
            "",
            _fence(result.suggested_bibtex, "bibtex"),
            "",
            "</details>",
        ]
    lines.append("")
    return lines


def render(result: AuditResult, options: ReportOptions) -> str:
    titles = ", ".join(md(d.title) for d in result.documents if d.title)
    failing = failures(result, options.fail_on)
    gate = (
        f"❌ **fails** `--fail-on {options.fail_on.describe()}` ({len(failing)} "
        f"{'item' if len(failing) == 1 else 'items'})"
        if failing
        else f"✅ passes `--fail-on {options.fail_on.describe()}`"
    )
    out = [
        f"## claimcheck{': ' + titles if titles else ''}",
        "",
        f"**Claims ({len(result.claims)})**: {_counts([c.verdict.value for c in result.claims])}  ",
        f"**References ({len(result.references)})**: "
        f"{_counts([r.status.value for r in result.references])}  ",
        f"**Gate**: {gate}",
        "",
    ]
    if not result.complete:
        out += ["> [!WARNING]", "> Incomplete: a source needed could not answer.", ""]
        out += [f"> - {md(reason)}" for reason in result.incomplete]
        out.append("")
    attention = sorted(
        (c for c in result.claims if c.verdict not in (ClaimVerdict.SUPPORTED, ClaimVerdict.UNCITED)),
        key=lambda c: -max((f.severity.rank for f in c.findings if not f.accepted), default=-1),
    )
    if attention:
        out += [f"### Claims to review ({len(attention)})", ""]
        for claim in attention:
            out += _claim(claim)
    uncited = [c for c in result.claims if c.verdict is ClaimVerdict.UNCITED]
    if uncited:
        ids = ", ".join(code(c.claim.id) for c in uncited)
        out += [f"### Uncited claims ({len(uncited)})", "", ids, ""]
    defective = [r for r in result.references if r.findings]
    if defective:
        out += [f"### References with findings ({len(defective)})", ""]
        for ref in defective:
            out += _reference(ref)
    supported = [c for c in result.claims if c.verdict is ClaimVerdict.SUPPORTED]
    if supported:
        # A supported verdict is a claim too: each quotes the sentences that state it.
        out += [f"### Supported claims ({len(supported)})", ""]
        for claim in supported:
            out += [f"- {code(claim.claim.id)}: {md(claim.reason)}"]
            out += [f"  > “{md(sentence)}”" for sentence in claim.evidence[:3]]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
