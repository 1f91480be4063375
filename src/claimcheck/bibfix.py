"""`claimcheck bib fix`: the bibliography with each mismatched entry rewritten from its matched record.

Only entries whose status is metadata-mismatch are rewritten: their record is the same work, so
copying its fields is a correction. Within such an entry only the fields with a finding take the
record's value, and the identifying fields it lacks (volume, number, pages, DOI, PMID) are
added; a field that agrees keeps what was printed, to the character. Entries judged wrong-work,
not-found or retracted need a person (another paper, or none), so they are left as they are.
The rest of the file (comments, order, spacing, other entries) is kept byte for byte, and the
change is shown as a unified diff.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from claimcheck.correction import corrected_fields
from claimcheck.model import AuditResult, ReferenceStatus

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])\s*([^,\s{}()]+)\s*,")


@dataclass(frozen=True)
class Fix:
    key: str
    #: BibTeX field -> its corrected value (without braces): changed fields and added ones.
    fields: dict[str, str]


@dataclass(frozen=True)
class FieldSpan:
    name: str
    #: Start of the line the field is written on, and where its value starts and ends.
    line_start: int
    name_start: int
    value_start: int
    value_end: int


_FIELD_NAME = re.compile(r"\s*([A-Za-z][\w\-:.+]*)\s*=\s*")
#: BibTeX fields that may stand for the one claimcheck corrects (biblatex names).
_ALIASES = {"journal": ("journal", "journaltitle"), "year": ("year", "date")}


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


def _value_end(text: str, position: int, limit: int) -> int:
    """End of a field value: braced, quoted or bare parts, joined by `#`."""
    while position < limit:
        char = text[position]
        if char in "{\"":
            depth = 0
            index = position
            while index < limit:
                current = text[index]
                if current == "{":
                    depth += 1
                elif current == "}":
                    depth -= 1
                    if depth == 0 and char == "{":
                        break
                elif current == '"' and char == '"' and index > position and depth == 0:
                    break
                index += 1
            position = index + 1
        else:
            bare = re.compile(r"[^\s,#{}\"]+").match(text, position)
            position = bare.end() if bare else position + 1
        joined = re.compile(r"\s*#\s*").match(text, position)
        if not joined:
            return position
        position = joined.end()
    return position


def field_spans(text: str, start: int, end: int) -> list[FieldSpan]:
    """The fields of the entry written at text[start:end], in order."""
    head = _ENTRY_START.match(text, start)
    if head is None:
        return []
    position, close = head.end(), end - 1
    found: list[FieldSpan] = []
    while position < close:
        match = _FIELD_NAME.match(text, position)
        if match is None:
            break
        value_end = _value_end(text, match.end(), close)
        name_start = match.start(1)
        found.append(
            FieldSpan(
                name=match.group(1).lower(),
                line_start=text.rfind("\n", 0, name_start) + 1,
                name_start=name_start,
                value_start=match.end(),
                value_end=value_end,
            )
        )
        comma = re.compile(r"\s*,").match(text, value_end)
        position = comma.end() if comma else value_end
    return found


def fixes(result: AuditResult) -> list[Fix]:
    """For each metadata-mismatch, the fields to rewrite: those with findings, and those missing."""
    found = []
    for ref in result.references:
        if ref.status is not ReferenceStatus.METADATA_MISMATCH or ref.record is None:
            continue
        wrong = {f.field for f in ref.findings if f.field}
        fields = corrected_fields(ref.entry, ref.record, wrong)
        if fields:
            found.append(Fix(ref.entry.key, fields))
    return found


def why_nothing(result: AuditResult) -> str:
    """Why there is nothing to rewrite, from the statuses."""
    counts = Counter(r.status.value for r in result.references)
    listed = ", ".join(f"{n} {s}" for s, n in counts.most_common())
    return (
        f"no entry is metadata-mismatch ({listed or 'no references'}): only an entry matched to its "
        "record with fields that disagree is rewritten; not-found, wrong-work and retracted "
        "references need a person, and cannot-determine ones a run whose sources answer"
    )


def _rewrite_entry(text: str, start: int, end: int, fields: dict[str, str]) -> str:
    """The entry's text with these fields' values replaced, and the missing ones added after the
    last field in the entry's own layout; every other character is kept."""
    spans = field_spans(text, start, end)
    entry = text[start:end]
    edits: list[tuple[int, int, str]] = []  # (start, end, new text), positions within the entry
    missing = dict(fields)
    for name, value in fields.items():
        span = next((f for f in spans if f.name in _ALIASES.get(name, (name,))), None)
        if span is not None:
            edits.append((span.value_start - start, span.value_end - start, "{" + value + "}"))
            del missing[name]
    if missing and spans:
        model, last = spans[0], spans[-1]
        indent = text[model.line_start : model.name_start]
        if indent.strip():  # the first field shares its line with the entry's key
            indent = "  "
        between = text[model.name_start + len(model.name) : model.value_start]  # "  = "
        gap = len(between) - len(between.lstrip())  # spaces before '=' (alignment padding)
        width = len(model.name) + gap
        after_equals = between[between.index("=") + 1 :]
        comma = re.compile(r"\s*,").match(text, last.value_end)
        anchor = (comma.end() if comma else last.value_end) - start
        lines = [
            f"{indent}{name.ljust(max(width, len(name) + 1)) if gap else name}={after_equals}{{{value}}}"
            for name, value in missing.items()
        ]
        block = ("" if comma else ",") + "".join(f"\n{line}," for line in lines)
        if not comma:
            block = block[:-1]
        edits.append((anchor, anchor, block))
    for edit_start, edit_end, new in sorted(edits, reverse=True):
        entry = entry[:edit_start] + new + entry[edit_end:]
    return entry


def apply_fixes(text: str, to_apply: list[Fix]) -> str:
    spans = entry_spans(text)
    for fix in sorted(to_apply, key=lambda f: spans.get(f.key, (-1, -1))[0], reverse=True):
        if fix.key not in spans:
            continue
        start, end = spans[fix.key]
        text = text[:start] + _rewrite_entry(text, start, end, fix.fields) + text[end:]
    return text


def unified_diff(before: str, after: str, name: str) -> str:
    """A `git apply` / `patch -p1` compatible diff of the file."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )
