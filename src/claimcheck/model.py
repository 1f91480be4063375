"""The result model every stage shares: frozen dataclasses, so results cannot drift after judging."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters; `--fail-on` compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class ReferenceStatus(StrEnum):
    VERIFIED = "verified"
    METADATA_MISMATCH = "metadata-mismatch"
    WRONG_WORK = "wrong-work"
    NOT_FOUND = "not-found"
    RETRACTED = "retracted"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTED = "corrected"
    CANNOT_DETERMINE = "cannot-determine"


#: Statuses under which a reference gives a claim no usable evidence.
DEFECTIVE_STATUSES = frozenset(
    {ReferenceStatus.NOT_FOUND, ReferenceStatus.WRONG_WORK, ReferenceStatus.RETRACTED}
)


class ClaimVerdict(StrEnum):
    SUPPORTED = "supported"
    OVERSTATED = "overstated"
    UNSUPPORTED = "unsupported"
    CONTRADICTED = "contradicted"
    UNVERIFIABLE = "unverifiable"
    CITES_DEFECTIVE_REFERENCE = "cites-defective-reference"
    UNCITED = "uncited"


#: Verdicts worst first: the order reports list claims in.
VERDICT_ORDER = (
    ClaimVerdict.CONTRADICTED,
    ClaimVerdict.CITES_DEFECTIVE_REFERENCE,
    ClaimVerdict.OVERSTATED,
    ClaimVerdict.UNSUPPORTED,
    ClaimVerdict.UNVERIFIABLE,
    ClaimVerdict.UNCITED,
    ClaimVerdict.SUPPORTED,
)


@dataclass(frozen=True)
class Person:
    """An author: a family name with given names, or a literal (corporate) name."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def display(self) -> str:
        if self.literal:
            return self.literal
        return f"{self.family} {self.given}".strip()


@dataclass(frozen=True)
class Entry:
    """A bibliography entry as printed (LaTeX already decoded to Unicode)."""

    key: str
    type: str = "article"
    title: str = ""
    authors: tuple[Person, ...] = ()
    #: The printed list ends in "et al." / "and others": later authors were left out on purpose.
    authors_truncated: bool = False
    journal: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    file: str = ""
    line: int = 0

    def authors_display(self) -> str:
        names = ", ".join(p.display() for p in self.authors)
        return f"{names}, et al." if self.authors_truncated else names

    def identity(self) -> dict[str, Any]:
        """The printed fields that decide which record is this entry's (for lock fingerprints)."""
        return {
            "title": self.title,
            "authors": [p.display() for p in self.authors],
            "journal": self.journal,
            "year": self.year,
            "doi": self.doi,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
        }


@dataclass(frozen=True)
class Update:
    """A notice attached to a record: retraction, expression of concern, correction."""

    kind: str
    notice: str = ""
    source: str = ""
    date: str = ""


@dataclass(frozen=True)
class Record:
    """A bibliographic record as a database holds it."""

    source: str
    id: str
    type: str = ""
    title: str = ""
    authors: tuple[Person, ...] = ()
    #: False when the source says its author list is cut short (then no co-author is "invented").
    authors_complete: bool = True
    container_title: str = ""
    #: Other names of the journal the source gives (NLM/ISO abbreviations).
    container_aliases: tuple[str, ...] = ()
    year: str = ""
    #: Every year of every date the record holds (print, online, issued): all count as right.
    years: tuple[str, ...] = ()
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    abstract: str = ""
    abstract_complete: bool = True
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    updates: tuple[Update, ...] = ()
    retrieved: str = ""

    def authors_display(self, limit: int = 0) -> str:
        names = [p.display() for p in self.authors]
        if limit and len(names) > limit:
            return ", ".join(names[:limit]) + f", … ({len(names)} authors)"
        return ", ".join(names)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        data["authors"] = tuple(Person(**p) for p in data.get("authors", ()))
        data["updates"] = tuple(Update(**u) for u in data.get("updates", ()))
        for name in ("container_aliases", "years", "publication_types", "mesh_terms"):
            data[name] = tuple(data.get(name, ()))
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Finding:
    """One problem, with the rule that names it and, for metadata, both values side by side."""

    code: str
    name: str
    severity: Severity
    message: str
    field: str | None = None
    printed: str | None = None
    record: str | None = None
    #: Evidence sentences a claim finding rests on.
    evidence: tuple[str, ...] = ()
    #: The reference (bib key) a claim finding is about, when it is about one.
    reference: str | None = None
    #: Accepted by a suppression (claims file or claimcheck.toml): still reported, never gates.
    accepted: bool = False
    accept_reason: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A record that search found for an entry, with how closely it agrees."""

    record: Record
    score: float
    title_similarity: float
    agreements: tuple[str, ...] = ()


#: The source name of the evidence lock's own records when they are searched (offline re-checks).
LOCK_SOURCE = "lock"


@dataclass(frozen=True)
class Outage:
    """One service that could not answer about one reference: who, how (data), and why (words).

    `status` is the last HTTP status seen (None when no answer came at all); `kind` is the
    fault's kind (http-5xx, rate-limited, timeout, reset, cut-body, html-page, empty-body,
    unparseable, circuit-open, ...; see `claimcheck.sources.http.retry.KINDS`).
    """

    service: str
    reason: str
    status: int | None = None
    kind: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "status": self.status, "kind": self.kind, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outage:
        return cls(data["service"], data.get("reason", ""), data.get("status"), data.get("kind", ""))


@dataclass(frozen=True)
class Resolution:
    """What resolving one entry found: the matched record, or the candidates and why not."""

    key: str
    record: Record | None = None
    method: str = ""
    candidates: tuple[Candidate, ...] = ()
    #: Services that answered about the entry (with a record or with "nothing").
    sources: tuple[str, ...] = ()
    #: Services that could not answer about the entry. Whether that leaves the reference
    #: undetermined depends on what its verdict needs (`claimcheck.sources.needs`).
    unavailable: tuple[Outage, ...] = ()
    resolved_at: str = ""
    #: Services whose record of the work was found (a subset of `sources`).
    held: tuple[str, ...] = ()

    @property
    def absence_unproven(self) -> bool:
        """No record, and nothing that speaks for the literature said it has none.

        A service, or records files the user gave as the databases' records (`--records`,
        `[sources.local]`), can say a paper is not there. The evidence lock's own records cannot:
        they are only what earlier runs found, so their silence about an entry (a new entry
        checked offline) is not evidence that the paper does not exist; such an entry is
        undetermined, never not-found, and is not locked as not-found.
        """
        if self.record is not None:
            return False
        return self.unavailable != () or not any(s != LOCK_SOURCE for s in self.sources)


@dataclass(frozen=True)
class ReferenceResult:
    entry: Entry
    status: ReferenceStatus
    resolution: Resolution
    findings: tuple[Finding, ...] = ()
    #: The entry rewritten from the record (BibTeX), when a record was matched and differs.
    suggested_bibtex: str = ""

    @property
    def record(self) -> Record | None:
        return self.resolution.record


@dataclass(frozen=True)
class Document:
    title: str = ""
    path: str = ""
    url: str = ""


@dataclass(frozen=True)
class Acceptance:
    """A finding code accepted, with the reason, for one claim or one reference."""

    code: str
    reason: str
    claim: str | None = None
    reference: str | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    cites: tuple[str, ...] = ()
    subject: str = ""
    section: str = ""
    file: str = ""
    line: int = 0
    #: Findings accepted for this claim in its claims file (`accept:`).
    accepts: tuple[Acceptance, ...] = ()
    #: The line of its `cites:` (where a cite to a missing key is reported); 0 when absent.
    cites_line: int = 0


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    verdict: ClaimVerdict
    findings: tuple[Finding, ...] = ()
    #: The reference the verdict rests on (best support among the cited ones).
    basis: str | None = None
    #: The sentences of the basis record that the verdict rests on, best first.
    evidence: tuple[str, ...] = ()
    #: Why: the element that decides the verdict and what the evidence says of it.
    reason: str = ""
    #: The claim-verification model's reading of the basis record (a
    #: claimcheck.verify.reader.Reading: probabilities and the passages read), None without a model.
    reading: Any = None


@dataclass(frozen=True)
class DocumentFinding:
    """A finding about a document rather than a claim, e.g. a check-worthy sentence no claim holds."""

    path: str
    line: int
    finding: Finding
    text: str = ""
    section: str = ""
    #: The claims file that names the document (where the missing entry belongs).
    claims_file: str = ""


@dataclass(frozen=True)
class LockInfo:
    path: str
    created: str
    age_days: float


@dataclass(frozen=True)
class AuditResult:
    references: tuple[ReferenceResult, ...]
    claims: tuple[ClaimResult, ...]
    documents: tuple[Document, ...] = ()
    lock: LockInfo | None = None
    #: Why the run is incomplete (empty when every needed source answered).
    incomplete: tuple[str, ...] = field(default=())
    #: Findings about documents (uncovered sentences), when claims files name their document.
    document_findings: tuple[DocumentFinding, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.incomplete

    def all_findings(self) -> list[Finding]:
        found = [f for r in self.references for f in r.findings]
        found += [f for c in self.claims for f in c.findings]
        found += [d.finding for d in self.document_findings]
        return found
