"""Retractions, expressions of concern and corrections: one vocabulary for every source's words.

Each database names its notices differently (Crossref `updated-by[].type`, PubMed
CommentsCorrections RefType and publication types, Europe PMC comment types, OpenAlex's
boolean). Adapters translate into `Update.kind` with `kind_of`, so merging is a plain union.
"""

from __future__ import annotations

from collections.abc import Iterable

from claimcheck.model import Record, Update

RETRACTION = "retraction"
CONCERN = "expression-of-concern"
CORRECTION = "correction"

_KINDS = {
    # Crossref update types
    "retraction": RETRACTION,
    "withdrawal": RETRACTION,
    "removal": RETRACTION,
    "expression_of_concern": CONCERN,
    "expression-of-concern": CONCERN,
    "correction": CORRECTION,
    "erratum": CORRECTION,
    "corrigendum": CORRECTION,
    "partial_retraction": CORRECTION,
    "clarification": CORRECTION,
    "addendum": CORRECTION,
    # PubMed CommentsCorrections RefType (the record is the one that was updated)
    "retractionin": RETRACTION,
    "expressionofconcernin": CONCERN,
    "erratumin": CORRECTION,
    # Europe PMC commentCorrection.type
    "retraction in": RETRACTION,
    "expression of concern in": CONCERN,
    "erratum in": CORRECTION,
    "correction in": CORRECTION,
}

#: Publication types that mark the record itself as retracted (matched exactly, any case).
RETRACTED_TYPES = frozenset({"retracted publication"})
#: Publication types that mark the record as a notice (citing one on purpose is no defect).
NOTICE_TYPES = frozenset(
    {"retraction of publication", "retraction notice", "expression of concern", "published erratum"}
)
RETRACTION_NOTICE_TYPES = frozenset({"retraction of publication", "retraction notice"})


def kind_of(label: str) -> str | None:
    """The update kind a source's label means, or None for unrelated links (new_version, Cites)."""
    return _KINDS.get(label.strip().lower())


def has_type(types: Iterable[str], wanted: frozenset[str]) -> bool:
    return any(t.strip().lower() in wanted for t in types)


def union(updates: Iterable[Update]) -> tuple[Update, ...]:
    """Updates without repeats: the same notice reported twice by one source counts once."""
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for update in updates:
        key = (update.kind, update.notice.lower(), update.source)
        if key not in seen:
            seen.add(key)
            unique.append(update)
    return tuple(unique)


def is_retraction_notice(record: Record) -> bool:
    return has_type(record.publication_types, RETRACTION_NOTICE_TYPES)


def kinds(record: Record) -> set[str]:
    """The kinds of notice that apply to the record itself (a notice does not retract itself)."""
    own = {record.doi.lower(), record.pmid, f"pmid:{record.pmid}"} - {"", "pmid:"}
    found = {u.kind for u in record.updates if not (u.notice and u.notice.lower() in own)}
    if has_type(record.publication_types, RETRACTED_TYPES):
        found.add(RETRACTION)
    return found
