"""Report formats: one module per format, each a `render(result, options)` over the same result model.

`located(result)` is the one place that says where each finding lives (the bib entry's or the
claim's file and line), so every machine-readable format points at the same line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from claimcheck.gate import FailOn
from claimcheck.model import AuditResult, Finding

#: Formats `claimcheck check --format` accepts (xlsx needs the optional openpyxl).
FORMATS = ("text", "json", "html", "markdown", "csv", "xlsx", "sarif", "junit", "github")
#: Formats written as bytes rather than text.
BINARY_FORMATS = frozenset({"xlsx"})
#: What `--output NAME.ext` implies when --format is not given.
SUFFIX_FORMATS = {
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".sarif": "sarif",
    ".xml": "junit",
}


@dataclass(frozen=True)
class ReportOptions:
    #: The gate, so JUnit failures and report badges agree with the exit code.
    fail_on: FailOn = field(default_factory=FailOn)
    #: Path of the project directory relative to the repository root ("" when it is the root),
    #: prefixed to file names where tools resolve them from the root (SARIF, annotations).
    base: str = ""


@dataclass(frozen=True)
class Located:
    """A finding with the subject it is about and where that subject is written."""

    kind: str  # "reference" or "claim"
    subject: str  # bib key or claim id
    file: str
    line: int
    finding: Finding


def located(result: AuditResult) -> Iterator[Located]:
    for ref in result.references:
        for finding in ref.findings:
            yield Located("reference", ref.entry.key, ref.entry.file, ref.entry.line, finding)
    for claim in result.claims:
        for finding in claim.findings:
            yield Located("claim", claim.claim.id, claim.claim.file, claim.claim.line, finding)


def repo_path(options: ReportOptions, file: str) -> str:
    """A project-relative file name as seen from the repository root (POSIX separators)."""
    return str(PurePosixPath(options.base) / file) if options.base else file


def gated(finding: Finding, fail_on: FailOn) -> bool:
    """True when this finding alone trips the severity gate."""
    return (
        not finding.accepted
        and fail_on.severity is not None
        and finding.severity.rank >= fail_on.severity.rank
    )
