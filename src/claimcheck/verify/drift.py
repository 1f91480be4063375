"""Keep claims in step with their document: drifted claims and uncovered sentences.

A claim's `text` is the document's sentence verbatim, so when the document changes under a
claim the audit is about words nobody publishes any more (drift), and a new check-worthy
sentence is a claim nobody audits (uncovered). Both are judged on a normalised form of the text
(Unicode quotes and dashes, whitespace, punctuation and case do not count), so re-typesetting
the document is not drift.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from claimcheck import rules
from claimcheck.extract.worthiness import assess
from claimcheck.inputs.claims import ClaimsFile
from claimcheck.inputs.documents import DocumentText, Sentence, read_document
from claimcheck.model import Claim, DocumentFinding, Finding

_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
        "«": '"', "»": '"', "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": "",
    }
)  # fmt: skip
_NON_WORD = re.compile(r"[^\w%<>~=+]+")


def normalise(text: str) -> str:
    """The form drift is judged on: typography, punctuation, spacing and case removed."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    text = re.sub(r"\s+%", "%", text)  # "15 %" is "15%"
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@dataclass(frozen=True)
class Drift:
    claim: Claim
    #: The current sentence most like the claim's text, and how alike (0-100).
    closest: Sentence | None
    similarity: float


@dataclass(frozen=True)
class Coverage:
    drifted: tuple[Drift, ...]
    #: Check-worthy sentences no claim quotes (nor a drifted claim's closest sentence).
    uncovered: tuple[Sentence, ...]


#: A drifted claim's closest sentence at least this alike is taken to be its edited sentence:
#: it is reported once, as drift, not again as uncovered.
SAME_SENTENCE = 60.0


def compare(claims: Sequence[Claim], document: DocumentText) -> Coverage:
    """Which claims no longer appear in the document, and which check-worthy sentences no claim holds."""
    sentences = document.sentences
    normalised = [normalise(s.text) for s in sentences]
    # The document as one string, each sentence at a known span, so a claim quoting two
    # sentences, or part of one, covers the sentences it overlaps.
    spans: list[tuple[int, int]] = []
    whole = " "
    for text in normalised:
        spans.append((len(whole), len(whole) + len(text)))
        whole += text + " "
    starts = [a for a, _ in spans]
    drifted: list[Drift] = []
    covered: set[int] = set()
    for claim in claims:
        text = normalise(claim.text)
        start = whole.find(f" {text} ") if text else -1
        if start >= 0:
            while start >= 0:
                low, high = start + 1, start + 1 + len(text)
                index = bisect_right(starts, low) - 1  # the sentence the quote begins in
                while index < len(spans) and spans[index][0] < high:
                    covered.add(index)
                    index += 1
                start = whole.find(f" {text} ", start + 1)
            continue
        best = process.extractOne(text, normalised, scorer=fuzz.ratio) if normalised else None
        if best is None:
            drifted.append(Drift(claim, None, 0.0))
            continue
        _, score, index = best
        if score >= SAME_SENTENCE:
            covered.add(index)
        drifted.append(Drift(claim, sentences[index], round(score, 1)))
    uncovered = [
        sentence
        for index, (sentence, text) in enumerate(zip(sentences, normalised, strict=True))
        if index not in covered and text and assess(sentence.text, sentence.kind).worthy
    ]
    return Coverage(tuple(drifted), tuple(uncovered))


def drift_finding(drift: Drift, document_path: str) -> Finding:
    if drift.closest is None:
        return rules.finding("D001", f"the claim's text is not in {document_path}, which has no sentences")
    return rules.finding(
        "D001",
        f"the claim's text is no longer in {document_path}; the closest sentence "
        f"(line {drift.closest.line}, {drift.similarity:.0f}% alike) is quoted below",
        evidence=(drift.closest.text,),
    )


def uncovered_finding(sentence: Sentence, document_path: str, claims_file: str) -> DocumentFinding:
    reasons = ", ".join(assess(sentence.text, sentence.kind).reasons)
    finding = rules.finding(
        "D002",
        f"check-worthy sentence ({reasons}) has no entry in {claims_file}",
        evidence=(sentence.text,),
    )
    return DocumentFinding(
        path=document_path,
        line=sentence.line,
        text=sentence.text,
        section=sentence.section,
        claims_file=claims_file,
        finding=finding,
    )


def check_documents(
    root: Path, claims_files: Sequence[ClaimsFile]
) -> tuple[dict[str, tuple[Finding, ...]], tuple[DocumentFinding, ...]]:
    """Drift findings by claim id, and uncovered sentences, for every file naming its document."""
    by_claim: dict[str, tuple[Finding, ...]] = {}
    uncovered: list[DocumentFinding] = []
    for claims_file in claims_files:
        doc_path = claims_file.document.path
        if not doc_path:
            continue
        document = read_document(root / doc_path, display=doc_path)
        coverage = compare(claims_file.claims, document)
        for drift in coverage.drifted:
            by_claim[drift.claim.id] = (drift_finding(drift, doc_path),)
        uncovered += [uncovered_finding(s, doc_path, claims_file.path) for s in coverage.uncovered]
    return by_claim, tuple(uncovered)
