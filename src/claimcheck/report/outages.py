"""What a run could not reach, said once: which services, why, what it cost, and what to do.

Built from the outage data the run already holds (each resolution's `unavailable` list), so a
run without network prints one statement instead of every source's error for every reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from claimcheck.model import AuditResult, ReferenceStatus

_PARENTHESES = re.compile(r"\s*\([^()]*\)")
#: Short reasons that mean the service could not be reached at all (no network, no such host).
_UNREACHABLE = ("connection failed", "timed out")


def short_reason(reason: str) -> str:
    """The kind of failure without URLs, retries and details: 'connection failed', 'HTTP 503'."""
    text = _PARENTHESES.sub("", reason)
    text = re.split(r"[;:]", text, maxsplit=1)[0].strip()
    return text or reason.strip()[:80]


def by_reason(unavailable: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Short reason -> the services that failed that way (each once, under its first reason),
    sorted, so the same outage reads the same for every reference."""
    grouped: dict[str, list[str]] = {}
    for name, reason in unavailable:
        names = grouped.setdefault(short_reason(reason), [])
        if name not in names and not any(name in other for other in grouped.values()):
            names.append(name)
    return {reason: sorted(names) for reason, names in grouped.items() if names}


def describe(unavailable: Iterable[tuple[str, str]]) -> str:
    """'crossref, pubmed did not answer (connection failed)', one clause per kind of failure."""
    return "; ".join(
        f"{', '.join(names)} did not answer ({reason})" for reason, names in by_reason(unavailable).items()
    )


@dataclass(frozen=True)
class Outage:
    """The services that did not answer in a run, and the references left undetermined."""

    #: Short reason -> services.
    services: dict[str, list[str]]
    undetermined: tuple[str, ...]
    total: int
    #: Undetermined references that no source could even look up (offline, nothing local).
    unsearched: tuple[str, ...] = ()

    @property
    def unreachable(self) -> bool:
        """Every failure is a failure to connect: most likely no network at all."""
        return bool(self.services) and all(r.startswith(_UNREACHABLE) for r in self.services)


def outage(result: AuditResult) -> Outage | None:
    """The run's outage, or None when every reference could be judged."""
    undetermined = [r for r in result.references if r.status is ReferenceStatus.CANNOT_DETERMINE]
    if not undetermined:
        return None
    unavailable = [pair for r in undetermined for pair in r.resolution.unavailable]
    unsearched = tuple(
        r.entry.key
        for r in undetermined
        if not r.resolution.unavailable and r.resolution.record is None and r.resolution.absence_unproven
    )
    return Outage(
        services=by_reason(unavailable),
        undetermined=tuple(r.entry.key for r in undetermined),
        total=len(result.references),
        unsearched=unsearched,
    )


def _services(services: dict[str, list[str]]) -> str:
    return "; ".join(f"{', '.join(names)} ({reason})" for reason, names in services.items())


def statement(found: Outage, command: str = "check") -> str:
    """One paragraph for the end of a run: what failed, that the run is incomplete, what to do."""
    count = len(found.undetermined)
    refs = f"{count} of {found.total} reference{'s' if found.total != 1 else ''}"
    parts = []
    if found.services:
        verb = "could not reach" if found.unreachable else "these services did not answer:"
        parts.append(f"{verb} {_services(found.services)}.")
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
