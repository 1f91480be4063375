"""`claimcheck bib fix`: the bibliography with each mismatched entry rewritten from its matched record.

Only entries whose status is metadata-mismatch are replaced: their record is the same work, so
copying its fields is a correction. Entries judged wrong-work, not-found or retracted need a
person (another paper, or none), so they are left as they are. The rest of the file (comments,
order, spacing, other entries) is kept byte for byte, and the change is shown as a unified diff.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from claimcheck.model import AuditResult, ReferenceStatus

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])\s*([^,\s{}()]+)\s*,")


@dataclass(frozen=True)
class Fix:
    key: str
    replacement: str


def entry_spans(text: str) -> dict[str, tuple[int, int]]:
    """Key -> (start, end) of each entry in the file, `end` just past its closing delimiter."""
    spans: dict[str, tuple[int, int]] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in {"comment", "preamble", "string"}:
            continue
        end = _entry_end(text, match.start(2), match.group(2))
        if end is not None:
            spans[match.group(3)] = (match.start(), end)
    return spans


def _entry_end(text: str, start: int, opener: str) -> int | None:
    """Index just past the delimiter closing the entry opened at `start` (braces nest inside)."""
    braces = 0
    for index in range(start + 1, len(text)):
        char = text[index]
        if char == "{":
            braces += 1
        elif char == "}":
            if braces == 0 and opener == "{":
                return index + 1
            braces -= 1
        elif char == ")" and opener == "(" and braces == 0:
            return index + 1
    return None


def fixes(result: AuditResult) -> list[Fix]:
    return [
        Fix(r.entry.key, r.suggested_bibtex)
        for r in result.references
        if r.status is ReferenceStatus.METADATA_MISMATCH and r.suggested_bibtex and r.record is not None
    ]


def apply_fixes(text: str, to_apply: list[Fix]) -> str:
    spans = entry_spans(text)
    for fix in sorted(to_apply, key=lambda f: spans.get(f.key, (-1, -1))[0], reverse=True):
        if fix.key not in spans:
            continue
        start, end = spans[fix.key]
        text = text[:start] + fix.replacement.rstrip("\n") + text[end:]
    return text


def unified_diff(before: str, after: str, name: str) -> str:
    """A `git apply` / `patch -p1` compatible diff of the file."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )
