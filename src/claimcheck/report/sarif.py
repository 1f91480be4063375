"""SARIF 2.1.0 for GitHub code scanning: one result per finding at the entry's or claim's line.

Rules come from the rule registry with their pages as help text. Accepted findings carry a
SARIF `suppressions` entry with the reason, so code scanning shows them as dismissed rather than
losing them. `partialFingerprints` key each alert to its subject, not its line, so an alert
survives lines moving above it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from claimcheck import __version__, rules
from claimcheck.model import AuditResult
from claimcheck.report import ReportOptions, located, repo_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule(rule: rules.Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.explanation, "markdown": rule.explanation},
        "defaultConfiguration": {"level": _LEVELS[rule.severity.value]},
        "properties": {"applies-to": rule.applies_to, "tags": ["claimcheck", rule.applies_to]},
    }


def to_dict(result: AuditResult, options: ReportOptions) -> dict[str, Any]:
    registry = list(rules.registry().values())
    for item in located(result):  # a finding whose rule page is missing still gets a descriptor
        if item.finding.code not in {r.code for r in registry}:
            f = item.finding
            registry.append(rules.Rule(f.code, f.name, f.severity, item.kind, f.name, f.name))
    index = {rule.code: n for n, rule in enumerate(registry)}
    results = []
    for item in located(result):
        finding = item.finding
        subject = f"{item.kind} {item.subject}"
        entry: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": _LEVELS[finding.severity.value],
            "message": {"text": f"{subject}: {finding.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": repo_path(options, item.file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": max(item.line, 1)},
                    }
                }
            ],
            "partialFingerprints": {
                "claimcheckSubject/v1": hashlib.sha256(
                    f"{finding.code}|{item.kind}|{item.subject}|{finding.field or ''}".encode()
                ).hexdigest()[:32]
            },
        }
        if finding.accepted:
            entry["suppressions"] = [{"kind": "external", "justification": finding.accept_reason or ""}]
        results.append(entry)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claimcheck",
                        "version": __version__,
                        "rules": [_rule(rule) for rule in registry],
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": result.complete,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": reason}} for reason in result.incomplete
                        ],
                    }
                ],
            }
        ],
    }


def render(result: AuditResult, options: ReportOptions) -> str:
    return json.dumps(to_dict(result, options), indent=2, ensure_ascii=False) + "\n"
