"""The JSON report: versioned, described by `report.schema.json` shipped beside this module."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from typing import Any

from claimcheck import __version__
from claimcheck.model import AuditResult, Entry, Finding, Record, ReferenceResult

SCHEMA_VERSION = "1.0"


def _reading(reading: Any) -> dict[str, Any] | None:
    """The model's probabilities for the basis record and the passages it read, best first."""
    if reading is None:
        return None

    def probabilities(p: Any) -> dict[str, float]:
        return {"supported": round(p.supported, 4), "contradicted": round(p.contradicted, 4),
                "not-enough-information": round(p.nei, 4)}

    return {
        "name": reading.model,
        "label": reading.label,
        "probabilities": probabilities(reading.probabilities),
        "passages": [
            {"text": p.text, "probabilities": probabilities(p.probabilities)} for p in reading.passages
        ],
    }


def schema() -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath("report.schema.json").read_text())


def _finding(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
    }
    for name in ("field", "printed", "record", "reference"):
        value = getattr(finding, name)
        if value is not None:
            data[name] = value
    if finding.evidence:
        data["evidence"] = list(finding.evidence)
    if finding.accepted:
        data["accepted"] = True
        data["accept_reason"] = finding.accept_reason or ""
    return data


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "type": entry.type,
        "title": entry.title,
        "authors": [p.display() for p in entry.authors],
        "authors_truncated": entry.authors_truncated,
        "journal": entry.journal,
        "year": entry.year,
        "volume": entry.volume,
        "pages": entry.pages,
        "identifiers": {
            k: v for k, v in (("doi", entry.doi), ("pmid", entry.pmid), ("pmcid", entry.pmcid)) if v
        },
    }


def _record(record: Record) -> dict[str, Any]:
    return {
        "source": record.source,
        "id": record.id,
        "title": record.title,
        "authors": [p.display() for p in record.authors],
        "authors_complete": record.authors_complete,
        "journal": record.container_title,
        "journal_abbreviations": list(record.container_aliases),
        "year": record.year,
        "years": list(record.years),
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "identifiers": {
            k: v for k, v in (("doi", record.doi), ("pmid", record.pmid), ("pmcid", record.pmcid)) if v
        },
        "abstract": record.abstract,
        "abstract_complete": record.abstract_complete,
        "publication_types": list(record.publication_types),
        "retrieved": record.retrieved,
    }


def _reference(result: ReferenceResult) -> dict[str, Any]:
    resolution = result.resolution
    return {
        "key": result.entry.key,
        "file": result.entry.file,
        "line": result.entry.line,
        "entry": _entry(result.entry),
        "status": result.status.value,
        "record": _record(resolution.record) if resolution.record else None,
        "resolution": {
            "method": resolution.method,
            "sources": list(resolution.sources),
            "resolved_at": resolution.resolved_at,
            "held": list(resolution.held),
            "unavailable": [o.to_dict() for o in resolution.unavailable],
        },
        "candidates": [
            {
                "record": _record(c.record),
                "score": c.score,
                "title_similarity": c.title_similarity,
                "agreements": list(c.agreements),
            }
            for c in resolution.candidates
        ]
        if resolution.record is None
        else [],
        "findings": [_finding(f) for f in result.findings],
        "suggested_bibtex": result.suggested_bibtex or None,
    }


def to_dict(result: AuditResult) -> dict[str, Any]:
    findings = result.all_findings()
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"claimcheck {__version__}",
        "complete": result.complete,
        "incomplete_reasons": list(result.incomplete),
        "lock": None
        if result.lock is None
        else {"path": result.lock.path, "created": result.lock.created, "age_days": result.lock.age_days},
        "documents": [{"title": d.title, "path": d.path, "url": d.url} for d in result.documents],
        "references": [_reference(r) for r in result.references],
        "claims": [
            {
                "id": c.claim.id,
                "file": c.claim.file,
                "line": c.claim.line,
                "text": c.claim.text,
                "subject": c.claim.subject or None,
                "section": c.claim.section or None,
                "cites": list(c.claim.cites),
                "verdict": c.verdict.value,
                "basis": c.basis,
                "reason": c.reason or None,
                "evidence": list(c.evidence),
                "findings": [_finding(f) for f in c.findings],
                "model": _reading(c.reading),
            }
            for c in result.claims
        ],
        "document_findings": [
            {
                "path": d.path,
                "line": d.line,
                "text": d.text,
                "section": d.section or None,
                "claims_file": d.claims_file or None,
                "finding": _finding(d.finding),
            }
            for d in result.document_findings
        ],
        "summary": {
            "references": dict(Counter(r.status.value for r in result.references)),
            "claims": dict(Counter(c.verdict.value for c in result.claims)),
            "findings": dict(Counter(f.severity.value for f in findings)),
        },
    }


def render(result: AuditResult) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False) + "\n"
