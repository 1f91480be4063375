"""The evidence table (CSV, or Excel when openpyxl is installed): one row per claim and cited reference.

Columns: claim, reference, study (the cited record: first author, year, journal), verdict, why
(the element that decides the verdict), reasons, evidence, claim text, file and line. Design,
population and key figure columns are filled from claim findings whose `field` names them (the
record's value); a study column that would be empty in every row is left out rather than
shipped blank.
"""

from __future__ import annotations

import io

import pandas as pd

from claimcheck.model import AuditResult, ClaimResult, Finding, ReferenceResult
from claimcheck.report import ReportOptions
from claimcheck.report.inert import spreadsheet_cell

COLUMNS = [
    "claim",
    "reference",
    "study",
    "design",
    "population",
    "key figure",
    "verdict",
    "why",
    "reasons",
    "evidence",
    "claim text",
    "file",
    "line",
]
#: Finding fields that fill the study columns (the first found wins).
_STUDY_FIELDS = {
    "design": ("design", "study_design"),
    "population": ("population",),
    "key figure": ("key_figure", "key figure", "effect", "figure"),
}


def _reason(finding: Finding) -> str:
    text = f"{finding.code} {finding.name}: {finding.message}"
    return f"{text} [accepted: {finding.accept_reason}]" if finding.accepted else text


def _study(reference: ReferenceResult | None) -> str:
    """The cited record in a few words: "Stanley TL et al. 2014, JAMA"."""
    record = reference.record if reference is not None else None
    if record is None:
        return f"({reference.status.value})" if reference is not None else ""
    first = record.authors[0].display() if record.authors else "(no authors)"
    more = " et al." if len(record.authors) > 1 else ""
    parts = (f"{first}{more} {record.year}".strip(), record.container_title)
    return ", ".join(part for part in parts if part)


def _rows(claim: ClaimResult, references: dict[str, ReferenceResult]) -> list[dict[str, object]]:
    refs = list(claim.claim.cites) or [""]
    rows = []
    for key in refs:
        about = [f for f in claim.findings if f.reference in (None, key)]
        row: dict[str, object] = {
            "claim": claim.claim.id,
            "reference": key,
            "study": _study(references.get(key)),
            "verdict": claim.verdict.value,
            "why": claim.reason if key in (claim.basis, "") or len(refs) == 1 else "",
            "reasons": "; ".join(_reason(f) for f in about),
            # The sentences the verdict rests on (a supported claim: those that state it).
            "evidence": " | ".join(
                dict.fromkeys(
                    [*(claim.evidence if key == claim.basis else ()), *(s for f in about for s in f.evidence)]
                )
            ),
            "claim text": claim.claim.text,
            "file": claim.claim.file,
            "line": claim.claim.line,
        }
        for column, names in _STUDY_FIELDS.items():
            row[column] = next((f.record or "" for f in about if f.field in names), "")
        rows.append(row)
    return rows


def frame(result: AuditResult) -> pd.DataFrame:
    references = {r.entry.key: r for r in result.references}
    rows = [
        {k: spreadsheet_cell(v) for k, v in row.items()}
        for claim in result.claims
        for row in _rows(claim, references)
    ]
    filled = [c for c in COLUMNS if c not in _STUDY_FIELDS or any(row[c] for row in rows)]
    return pd.DataFrame(rows, columns=filled)


def render(result: AuditResult, options: ReportOptions) -> str:
    return frame(result).to_csv(index=False, lineterminator="\n")


def xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def render_xlsx(result: AuditResult, options: ReportOptions) -> bytes:
    """The table as an Excel workbook (needs openpyxl: `pip install claimcheck[excel]`)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame(result).to_excel(writer, index=False, sheet_name="evidence")
    return buffer.getvalue()
