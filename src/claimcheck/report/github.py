"""GitHub Actions workflow commands: one `::error file=…,line=…::` annotation per finding.

GitHub shows each annotation on the line of the pull request's diff. Accepted findings become
`::notice` annotations that say so, so a suppression is visible in review. Values are escaped
per the workflow-command rules: `%`, CR and LF in the message; additionally `:` and `,` in
properties. The Markdown summary for `$GITHUB_STEP_SUMMARY` is `report.markdown`.
"""

from __future__ import annotations

from claimcheck.model import AuditResult
from claimcheck.report import ReportOptions, located, repo_path
from claimcheck.report.inert import strip_controls

_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return strip_controls(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: AuditResult, options: ReportOptions) -> str:
    lines = []
    # GitHub shows only the first few annotations of each level per step: worst first.
    ranked = sorted(located(result), key=lambda i: (i.finding.accepted, -i.finding.severity.rank))
    for item in ranked:
        finding = item.finding
        level = "notice" if finding.accepted else _LEVELS[finding.severity.value]
        title = f"{finding.code} {finding.name} ({item.subject})"
        message = finding.message
        if finding.accepted:
            message = f"accepted: {finding.accept_reason} — {message}"
        props = ",".join(
            f"{name}={escape_property(value)}"
            for name, value in (
                ("file", repo_path(options, item.file)),
                ("line", str(item.line)),
                ("title", title),
            )
        )
        lines.append(f"::{level} {props}::{escape_data(message)}")
    for reason in result.incomplete:
        lines.append(f"::error title=claimcheck incomplete::{escape_data(reason)}")
    return "\n".join(lines) + ("\n" if lines else "")
