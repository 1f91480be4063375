"""What a run could not reach, said once: which services, why, what it cost, and what to do.

Built from the outage data the run already holds (each resolution's `unavailable` list of
`claimcheck.model.Outage`), so a run without network prints one statement instead of every
source's error for every reference. Outages are grouped by their fault kind when they have one
(older data, and tests, may still give (service, reason) pairs: those are grouped by wording).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from claimcheck import model
from claimcheck.model import AuditResult, ReferenceStatus

_PARENTHESES = re.compile(r"\s*\([^()]*\)")
#: Short reasons that mean the service could not be reached at all (no network, no such host).
_UNREACHABLE = ("connection failed", "timed out")


def short_reason(reason: str) -> str:
    """The kind of failure without URLs, retries and details: 'connection failed', 'HTTP 503'."""
    text = _PARENTHESES.sub("", reason)
    text = re.split(r"[;:]", text, maxsplit=1)[0].strip()
    return text or reason.strip()[:80]


#: How each fault kind is said in a summary (kinds not listed are said by their reason's wording).
_KIND_WORDS = {
    "rate-limited": "rate-limited",
    "retry-after-too-long": "rate-limited",
    "unreachable": "connection failed",
    "reset": "connection dropped",
    "cut-body": "answers cut off",
    "slow-body": "answers too slow",
    "html-page": "HTML pages instead of data",
    "empty-body": "empty answers",
    "unparseable": "unparseable answers",
    "unexpected-answer": "unexpected answers",
    "too-large": "answers too large",
    "redirect-loop": "too many redirects",
    "unsupported-agency": "registered with an agency claimcheck cannot query",
}


def kind_words(outage: model.Outage) -> str:
    """The kind of failure in a few words: 'HTTP 503', 'connection dropped', 'timed out after 10s'."""
    if outage.kind == "circuit-open" and "last: " in outage.reason:
        return short_reason(outage.reason.split("last: ", 1)[1])
    if outage.kind in {"http-5xx", "http-4xx"} and outage.status:
        return f"HTTP {outage.status}"
    return _KIND_WORDS.get(outage.kind) or short_reason(outage.reason)


def _pair(item: model.Outage | tuple[str, str]) -> tuple[str, str]:
    if isinstance(item, model.Outage):
        return item.service, kind_words(item)
    name, reason = item
    return name, short_reason(reason)


def by_reason(unavailable: Iterable[model.Outage | tuple[str, str]]) -> dict[str, list[str]]:
    """Short reason -> the services that failed that way (each once, under its first reason),
    sorted, so the same outage reads the same for every reference."""
    grouped: dict[str, list[str]] = {}
    for name, reason in map(_pair, unavailable):
        names = grouped.setdefault(reason, [])
        if name not in names and not any(name in other for other in grouped.values()):
            names.append(name)
    return {reason: sorted(names) for reason, names in grouped.items() if names}


def describe(unavailable: Iterable[model.Outage | tuple[str, str]]) -> str:
    """'crossref, pubmed did not answer (connection failed)', one clause per kind of failure."""
    return "; ".join(
        f"{', '.join(names)} did not answer ({reason})" for reason, names in by_reason(unavailable).items()
    )


@dataclass(frozen=True)
class RunOutage:
    """The services that did not answer in a run, and the references left undetermined."""

    #: Short reason -> services.
    services: dict[str, list[str]]
    undetermined: tuple[str, ...]
    total: int
    #: Undetermined references that no source could even look up (offline, nothing local).
    unsearched: tuple[str, ...] = ()
    #: References judged although some services did not answer (their verdicts did not need them).
    judged_without: tuple[str, ...] = ()

    @property
    def unreachable(self) -> bool:
        """Every failure is a failure to connect: most likely no network at all."""
        return bool(self.services) and all(r.startswith(_UNREACHABLE) for r in self.services)


def outage(result: AuditResult) -> RunOutage | None:
    """The run's outage, or None when every service answered about every reference."""
    undetermined = [r for r in result.references if r.status is ReferenceStatus.CANNOT_DETERMINE]
    judged = [
        r
        for r in result.references
        if r.status is not ReferenceStatus.CANNOT_DETERMINE and r.resolution.unavailable
    ]
    if not undetermined and not judged:
        return None
    unavailable = [o for r in [*undetermined, *judged] for o in r.resolution.unavailable]
    unsearched = tuple(
        r.entry.key
        for r in undetermined
        if not r.resolution.unavailable and r.resolution.record is None and r.resolution.absence_unproven
    )
    return RunOutage(
        services=by_reason(unavailable),
        undetermined=tuple(r.entry.key for r in undetermined),
        total=len(result.references),
        unsearched=unsearched,
        judged_without=tuple(r.entry.key for r in judged),
    )


def _services(services: dict[str, list[str]]) -> str:
    return "; ".join(f"{', '.join(names)} ({reason})" for reason, names in services.items())


def statement(found: RunOutage, command: str = "check") -> str:
    """One paragraph for the end of a run: what failed, that the run is incomplete, what to do."""
    count = len(found.undetermined)
    refs = f"{count} of {found.total} reference{'s' if found.total != 1 else ''}"
    parts = []
    if found.services:
        verb = "could not reach" if found.unreachable else "these services did not answer:"
        parts.append(f"{verb} {_services(found.services)}.")
    if found.judged_without:
        n = len(found.judged_without)
        parts.append(
            f"{n} of {found.total} reference{'s were' if n != 1 else ' was'} judged without them "
            "(what their verdicts need did answer)."
        )
    if not count:
        return "PARTIAL: " + " ".join(parts)
    if command == "lock":
        parts.append(
            f"{refs} could not be resolved and were not locked (the lock keeps what it held for them); "
            "the run is incomplete (exit 2)."
        )
    else:
        parts.append(f"{refs} could not be judged, so the run is incomplete (exit 2).")
    if found.unsearched:
        parts.append(
            f"No source could look up {', '.join(found.unsearched)}: neither the evidence lock nor "
            "any local records hold them, and no bibliographic service was asked."
        )
    if found.unsearched and not found.services:
        # Already offline: the way forward is to lock them with the network, or to give records.
        parts.append(
            "Run `claimcheck lock` with the network to resolve and lock them, or pass --records FILE "
            "with their records."
        )
    elif found.unreachable or found.unsearched:
        offline = {
            "check": "`claimcheck check --offline` audits from the evidence lock and local records "
            "(--records FILE) without the network",
            "lock": "run `claimcheck lock` again when they answer (offline, entries that no local "
            "record holds would be locked as not found)",
            "bib fix": "`claimcheck bib fix --offline` proposes fixes from the evidence lock and local "
            "records (--records FILE) without the network",
        }[command]
        parts.append(f"Check the network or the services' URLs; {offline}.")
    else:
        parts.append("Run again when the services answer.")
    return "INCOMPLETE: " + " ".join(parts)


#: The name this class had before outages became data per service (`claimcheck.model.Outage`);
#: kept for callers of the run-level summary.
Outage = RunOutage
