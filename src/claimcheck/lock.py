"""The evidence lock: what resolving each reference found, where from and when.

Committed with the claims, it lets `claimcheck check` run offline and reproducibly. Each entry
is stored with a fingerprint of its printed identity (title, authors, journal, year,
identifiers): when the entry is edited the fingerprint changes and the entry is resolved again
(offline, among the lock's own records and any local records). A resolution that a source
outage left undetermined is never written: the previous one is kept. A resolution judged
although some services did not answer (decision 0201) is written with its provenance (which
services held the record, which failed and how), and the next online run resolves it again:
the HTTP cache answers for the services that did answer, so only what is missing is asked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimcheck import __version__
from claimcheck.atomic import write_atomic
from claimcheck.errors import InputError, read_text_file
from claimcheck.model import Candidate, Entry, Outage, Record, Resolution
from claimcheck.sources.needs import needs

LOCK_VERSION = 1


def fingerprint(entry: Entry) -> str:
    data = json.dumps(entry.identity(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def record_ref(record: Record) -> str:
    return f"{record.source}|{record.id}"


@dataclass(frozen=True)
class Lock:
    created: str
    #: key -> (fingerprint, resolution)
    entries: dict[str, tuple[str, Resolution]] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)

    def resolution_for(self, entry: Entry) -> Resolution | None:
        locked = self.entries.get(entry.key)
        if locked and locked[0] == fingerprint(entry):
            return locked[1]
        return None

    def age_days(self, now: datetime | None = None) -> float:
        created = datetime.fromisoformat(self.created.replace("Z", "+00:00"))
        return ((now or datetime.now(UTC)) - created).total_seconds() / 86400


def _resolution_to_json(resolution: Resolution) -> dict[str, Any]:
    provenance: dict[str, Any] = {}
    if resolution.unavailable:  # only partial resolutions carry it: complete ones stay as they were
        provenance = {
            "held": list(resolution.held),
            "unavailable": [o.to_dict() for o in resolution.unavailable],
        }
    return {
        **provenance,
        "method": resolution.method,
        "resolved_at": resolution.resolved_at,
        "sources": list(resolution.sources),
        "record": record_ref(resolution.record) if resolution.record else None,
        "candidates": [
            {
                "record": record_ref(c.record),
                "score": c.score,
                "title_similarity": c.title_similarity,
                "agreements": list(c.agreements),
            }
            for c in resolution.candidates
        ],
    }


def read_lock(path: Path, display: str) -> Lock | None:
    if not path.exists():
        return None
    text = read_text_file(path, what="evidence lock", display=display)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(display, exc.lineno, f"malformed evidence lock: {exc.msg}") from None
    try:
        if data.get("lock_version") != LOCK_VERSION:
            raise InputError(
                display,
                1,
                f"lock_version {data.get('lock_version')!r} is not "
                f"supported (expected {LOCK_VERSION}); run `claimcheck lock`",
            )
        records = {ref: Record.from_dict(body) for ref, body in data["records"].items()}
        entries: dict[str, tuple[str, Resolution]] = {}
        for key, item in data["entries"].items():
            candidates = tuple(
                Candidate(
                    record=records[c["record"]],
                    score=c["score"],
                    title_similarity=c["title_similarity"],
                    agreements=tuple(c["agreements"]),
                )
                for c in item["candidates"]
            )
            resolution = Resolution(
                key=key,
                record=records[item["record"]] if item["record"] else None,
                method=item["method"],
                candidates=candidates,
                sources=tuple(item["sources"]),
                resolved_at=item["resolved_at"],
                held=tuple(item.get("held", ())),
                unavailable=tuple(Outage.from_dict(o) for o in item.get("unavailable", ())),
            )
            entries[key] = (item["fingerprint"], resolution)
        return Lock(created=data["created"], entries=entries, records=records)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputError(
            display, None, f"malformed evidence lock ({exc!r}); regenerate it with `claimcheck lock`"
        ) from None


def build_lock(
    entries: list[Entry], resolutions: dict[str, Resolution], previous: Lock | None, created: str
) -> tuple[Lock, list[str]]:
    """The new lock; keys whose resolution was incomplete keep their previous state."""
    kept: dict[str, tuple[str, Resolution]] = {}
    skipped: list[str] = []
    for entry in entries:
        resolution = resolutions[entry.key]
        old = previous.entries.get(entry.key) if previous else None
        printed = fingerprint(entry)
        settled_before = old is not None and old[0] == printed
        if resolution.absence_unproven and not resolution.unavailable and settled_before:
            # Offline and nothing local holds it, but the lock already settled this very entry
            # (found or not found, by the services): local silence does not overturn that.
            kept[entry.key] = old
            continue
        undetermined = not needs(resolution, entry=entry).judged or resolution.absence_unproven
        if undetermined or not resolution.sources:
            skipped.append(entry.key)
            if old is not None:
                kept[entry.key] = old
            continue
        if settled_before and resolution.unavailable and not old[1].unavailable:
            kept[entry.key] = old  # judged without some services: the complete resolution stays
        elif settled_before and _same(old[1], resolution):
            kept[entry.key] = old  # unchanged: keep the old timestamps, no churn in diffs
        else:
            kept[entry.key] = (printed, resolution)
    records: dict[str, Record] = {}
    for _, resolution in kept.values():
        for record in [resolution.record, *(c.record for c in resolution.candidates)]:
            if record is not None:
                records[record_ref(record)] = record
    return Lock(created=created, entries=kept, records=records), skipped


def _same(a: Resolution, b: Resolution) -> bool:
    return _resolution_to_json(a) | {"resolved_at": ""} == _resolution_to_json(b) | {"resolved_at": ""} and (
        a.record == b.record
    )


def write_lock(path: Path, lock: Lock) -> None:
    data = {
        "lock_version": LOCK_VERSION,
        "generator": f"claimcheck {__version__}",
        "created": lock.created,
        "entries": {
            key: {"fingerprint": fp, **_resolution_to_json(resolution)}
            for key, (fp, resolution) in sorted(lock.entries.items())
        },
        "records": {ref: record.to_dict() for ref, record in sorted(lock.records.items())},
    }
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
