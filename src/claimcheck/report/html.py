"""The HTML report: one self-contained, printable file an editor can read, filter and pass on.

Everything comes from `templates/report.html.j2` (jinja2, autoescaped; no value is ever marked
safe). The page loads nothing: its Content-Security-Policy is `default-src 'none'` and allows
only its own inline style and script, by hash, so even markup that slipped through could not
run or fetch. Charts are inline SVG drawn with presentation attributes (no style attributes,
which the policy would block). The only external URLs are plain links to doi.org and PubMed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2

from claimcheck import __version__
from claimcheck.gate import failures
from claimcheck.model import (
    VERDICT_ORDER,
    AuditResult,
    ClaimResult,
    Finding,
    Record,
    ReferenceResult,
    ReferenceStatus,
)
from claimcheck.report import ReportOptions
from claimcheck.report.inert import strip_controls
from claimcheck.resolve import plausible

_CSP_PLACEHOLDER = "@@CLAIMCHECK-CSP@@"
VERDICT_COLORS = {
    "supported": "#1a7f37",
    "overstated": "#bf8700",
    "unsupported": "#d1242f",
    "contradicted": "#82071e",
    "unverifiable": "#8c959f",
    "cites-defective-reference": "#a0111f",
    "uncited": "#b6bec7",
}
STATUS_COLORS = {
    "verified": "#1a7f37",
    "metadata-mismatch": "#bf8700",
    "wrong-work": "#d1242f",
    "not-found": "#a0111f",
    "retracted": "#82071e",
    "expression-of-concern": "#9a6700",
    "corrected": "#bc4c00",
    "cannot-determine": "#8250df",
}
#: Claims are listed worst first, in document order within a verdict.

_PMID = re.compile(r"^[0-9]{1,9}$")


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    color: str
    width: float  # share of the largest bar, 0..1
    y: int


def _bars(counts: Counter[str], order: list[str], colors: dict[str, str]) -> list[Bar]:
    present = [name for name in order if counts[name]]
    top = max((counts[n] for n in present), default=1)
    return [Bar(n, counts[n], colors[n], counts[n] / top, i * 30) for i, n in enumerate(present)]


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()._-<>[]")


def pubmed_url(pmid: str) -> str | None:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if _PMID.match(pmid) else None


def _web_url(url: str) -> str:
    """Only http(s) links: autoescaping cannot stop a `javascript:` URL in an href."""
    return url if re.match(r"^https?://[^\s\"'<>]+$", url or "") else ""


def _record(record: Record | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "title": record.title,
        "authors": record.authors_display(limit=12),
        "journal": record.container_title,
        "year": record.year,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "doi_url": doi_url(record.doi) if record.doi else None,
        "pmid": record.pmid,
        "pubmed_url": pubmed_url(record.pmid) if record.pmid else None,
        "source": record.source,
        "abstract": record.abstract,
        "abstract_complete": record.abstract_complete,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "field": finding.field,
        "printed": finding.printed,
        "record": finding.record,
        "evidence": list(finding.evidence),
        "reference": finding.reference,
        "accepted": finding.accepted,
        "accept_reason": finding.accept_reason,
    }


def _reference(ref: ReferenceResult) -> dict[str, Any]:
    entry = ref.entry
    return {
        "key": entry.key,
        "anchor": "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", entry.key),
        "status": ref.status.value,
        "color": STATUS_COLORS[ref.status.value],
        "file": entry.file,
        "line": entry.line,
        "printed": {
            "authors": entry.authors_display(),
            "title": entry.title,
            "journal": entry.journal,
            "year": entry.year,
            "doi": entry.doi,
            "doi_url": doi_url(entry.doi) if entry.doi else None,
            "pmid": entry.pmid,
            "pubmed_url": pubmed_url(entry.pmid) if entry.pmid else None,
        },
        "record": _record(ref.record),
        "candidates": [
            {"record": _record(c.record), "similarity": f"{c.title_similarity:.0%}"}
            for c in [c for c in ref.resolution.candidates if plausible(c)][:3]
        ]
        if ref.record is None
        else [],
        "findings": [_finding(f) for f in ref.findings],
        "codes": " ".join(sorted({f.code for f in ref.findings})),
        "differs": sorted({f.field for f in ref.findings if f.field and not f.accepted}),
        "correction": ref.suggested_bibtex if ref.status is ReferenceStatus.METADATA_MISMATCH else "",
    }


def _claim(claim: ClaimResult, references: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": claim.claim.id,
        "anchor": "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", claim.claim.id),
        "text": claim.claim.text,
        "subject": claim.claim.subject,
        "section": claim.claim.section,
        "file": claim.claim.file,
        "line": claim.claim.line,
        "verdict": claim.verdict.value,
        "color": VERDICT_COLORS[claim.verdict.value],
        "findings": [_finding(f) for f in claim.findings],
        "codes": " ".join(sorted({f.code for f in claim.findings})),
        "references": [references[key] for key in claim.claim.cites if key in references],
        "basis": claim.basis,
        "reason": claim.reason,
        "evidence": list(claim.evidence) if claim.verdict.value == "supported" else [],
    }


def _environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    )
    return jinja2.Environment(
        loader=loader,
        autoescape=True,
        finalize=lambda value: strip_controls(value) if isinstance(value, str) else value,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _with_csp(page: str) -> str:
    """Allow exactly the page's own <style> and <script> (the first of each, in <head>), by hash."""
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    script = re.search(r"<script>(.*?)</script>", page, re.S)
    assert style and script, "the template has one inline style and one inline script"
    policy = (
        f"default-src 'none'; style-src {_sha256(style.group(1))}; script-src {_sha256(script.group(1))}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return page.replace(_CSP_PLACEHOLDER, policy, 1)


def render(result: AuditResult, options: ReportOptions) -> str:
    references = {r.entry.key: _reference(r) for r in result.references}
    order = {v: n for n, v in enumerate(VERDICT_ORDER)}
    ranked = sorted(result.claims, key=lambda c: order[c.verdict])  # stable: document order within
    claims = [_claim(c, references) for c in ranked]
    verdicts = Counter(c.verdict.value for c in result.claims)
    statuses = Counter(r.status.value for r in result.references)
    all_codes = sorted({f.code for f in result.all_findings()})
    failing = failures(result, options.fail_on)
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            csp=_CSP_PLACEHOLDER,
            version=__version__,
            documents=[{"title": d.title, "path": d.path, "url": _web_url(d.url)} for d in result.documents],
            complete=result.complete,
            incomplete=list(result.incomplete),
            lock=result.lock,
            claims=claims,
            references=list(references.values()),
            verdict_bars=_bars(verdicts, [v.value for v in VERDICT_ORDER], VERDICT_COLORS),
            status_bars=_bars(statuses, [s.value for s in ReferenceStatus], STATUS_COLORS),
            verdicts=[v.value for v in VERDICT_ORDER if verdicts[v.value]],
            codes=all_codes,
            severities=Counter(f.severity.value for f in result.all_findings() if not f.accepted),
            accepted=sum(1 for f in result.all_findings() if f.accepted),
            gate={"policy": options.fail_on.describe(), "failing": len(failing)},
        )
    )
    return _with_csp(page)
