"""What no report passes on from its inputs: control characters and spreadsheet formulas.

Claim text, bib fields and abstracts come from people and services claimcheck does not control.
Each format escapes its own syntax; these two hazards are shared. Terminal escape sequences
(ESC, BEL, C1 controls) in a Markdown file, a CI log or an annotation can rewrite what a reader
sees, and a CSV or Excel cell starting with `=`, `+`, `-` or `@` is run as a formula.
"""

from __future__ import annotations

import re

#: C0 controls except tab, newline and carriage return; DEL and the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def strip_controls(text: str) -> str:
    return _CONTROLS.sub("", text)


def spreadsheet_cell(value: object) -> object:
    """Text a spreadsheet shows as text: controls removed, a formula start quoted (OWASP)."""
    if not isinstance(value, str):
        return value
    value = strip_controls(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
