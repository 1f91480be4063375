"""JUnit XML for CI dashboards: one test case per reference and per claim.

A test case fails exactly when it trips the `--fail-on` gate, so the dashboard and the exit code
agree; a reference that could not be judged (a source did not answer) is an `<error>`. Other
findings, accepted ones included (marked so), go to the case's `<system-out>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from claimcheck.model import AuditResult, ClaimResult, Finding, ReferenceResult, ReferenceStatus
from claimcheck.report import ReportOptions, gated, repo_path

#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    text = f"{finding.code} {finding.name} ({finding.severity.value}): {finding.message}"
    if finding.accepted:
        text += f" [accepted: {finding.accept_reason}]"
    return text + "".join(f"\n    evidence: {s}" for s in finding.evidence)


def _case(
    suite: ET.Element,
    name: str,
    file: str,
    line: int,
    failing: list[str],
    findings: tuple[Finding, ...],
    error: str | None = None,
) -> None:
    """A case named by its subject, classed by its file (the JUnit schema has no line attribute)."""
    case = ET.SubElement(suite, "testcase", name=_clean(name), classname=_clean(file))
    failing = [f"{file}:{line}: {text}" for text in failing]
    if error is not None:
        node = ET.SubElement(case, "error", message=_clean(error), type="incomplete")
        node.text = _clean(error)
    elif failing:
        node = ET.SubElement(case, "failure", message=_clean(failing[0]), type="claimcheck")
        node.text = _clean("\n".join(failing))
    others = [_line(f) for f in findings]
    if others:
        ET.SubElement(case, "system-out").text = _clean("\n".join(others))


def _suite(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(parent, "testsuite", name=name)


def _close(suite: ET.Element) -> tuple[int, int, int]:
    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    errors = sum(1 for c in cases if c.find("error") is not None)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return len(cases), failures, errors


def _reference(suite: ET.Element, ref: ReferenceResult, options: ReportOptions) -> None:
    failing = [_line(f) for f in ref.findings if gated(f, options.fail_on)]
    error = None
    if ref.status is ReferenceStatus.CANNOT_DETERMINE:
        error = "; ".join(f.message for f in ref.findings) or "could not be determined"
    _case(
        suite,
        f"{ref.entry.key} [{ref.status.value}]",
        repo_path(options, ref.entry.file),
        ref.entry.line,
        failing,
        ref.findings,
        error,
    )


def _claim(suite: ET.Element, claim: ClaimResult, options: ReportOptions) -> None:
    failing = [_line(f) for f in claim.findings if gated(f, options.fail_on)]
    if claim.verdict in options.fail_on.verdicts and not (
        claim.findings and all(f.accepted for f in claim.findings)
    ):
        failing.insert(0, f"verdict {claim.verdict.value}")
    _case(
        suite,
        f"{claim.claim.id} [{claim.verdict.value}]",
        repo_path(options, claim.claim.file),
        claim.claim.line,
        failing,
        claim.findings,
    )


def render(result: AuditResult, options: ReportOptions) -> str:
    root = ET.Element("testsuites", name="claimcheck")
    references = _suite(root, "references")
    for ref in result.references:
        _reference(references, ref, options)
    claims = _suite(root, "claims")
    for claim in result.claims:
        _claim(claims, claim, options)
    totals = [_close(references), _close(claims)]
    root.set("tests", str(sum(t[0] for t in totals)))
    root.set("failures", str(sum(t[1] for t in totals)))
    root.set("errors", str(sum(t[2] for t in totals)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
