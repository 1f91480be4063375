"""The registry of finding codes: one Markdown page per rule, shipped with the package.

Each page starts with a small YAML header (code, name, severity, applies-to) followed by the
explanation that `claimcheck explain CODE` prints. Keeping the rules as pages means a new rule is
one new file, its documentation cannot go missing, and the severity lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from claimcheck.model import Finding, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    applies_to: str
    summary: str
    explanation: str


@cache
def registry() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for page in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if not page.name.endswith(".md"):
            continue
        text = page.read_text(encoding="utf-8")
        _, header, body = text.split("---\n", 2)
        meta = yaml.safe_load(header)
        rule = Rule(
            code=meta["code"],
            name=meta["name"],
            severity=Severity(meta["severity"]),
            applies_to=meta["applies-to"],
            summary=meta["summary"],
            explanation=body.strip(),
        )
        rules[rule.code] = rule
    return rules


def lookup(code_or_name: str) -> Rule | None:
    """Find a rule by code (`R011`, any case) or by name (`author-mismatch`)."""
    wanted = code_or_name.strip()
    rules = registry()
    if wanted.upper() in rules:
        return rules[wanted.upper()]
    return next((r for r in rules.values() if r.name == wanted.lower()), None)


def finding(code: str, message: str, **details: object) -> Finding:
    """Make a finding for a registered rule; the rule decides its name and severity."""
    rule = registry()[code]
    return Finding(code=rule.code, name=rule.name, severity=rule.severity, message=message, **details)
