"""The pipeline end to end: load → resolve (lock first) → verify references → judge claims."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from claimcheck.accept import apply_acceptances
from claimcheck.lock import Lock, build_lock, read_lock, record_ref, write_lock
from claimcheck.model import LOCK_SOURCE, AuditResult, LockInfo, Record, ReferenceStatus, Resolution
from claimcheck.project import Project
from claimcheck.resolve import now_iso, resolve
from claimcheck.sources.base import Source
from claimcheck.sources.local import LocalSource, read_records
from claimcheck.verify.claims import judge_claims
from claimcheck.verify.drift import check_documents
from claimcheck.verify.engine import build_engine
from claimcheck.verify.references import verify_reference


@dataclass(frozen=True)
class AuditOptions:
    #: Local records files given on the command line (relative to the working directory).
    records: Sequence[Path] = field(default=())
    #: Use no network source: only the evidence lock and local records.
    offline: bool = False
    use_lock: bool = True
    #: Resolve every entry live (ignoring the lock's resolutions) and rewrite the lock.
    refresh: bool = False
    #: Called as (label, entries done) while live sources work (a progress bar on a terminal).
    progress: Callable[[str, int], None] | None = None


def is_offline(options: AuditOptions) -> bool:
    """--offline, or CLAIMCHECK_OFFLINE=1 (CI runners without network, test suites)."""
    return options.offline or os.environ.get("CLAIMCHECK_OFFLINE", "").lower() in {"1", "true", "yes"}


def lock_path(project: Project) -> Path:
    return project.root / project.config.lock_path


def load_lock(project: Project) -> Lock | None:
    return read_lock(lock_path(project), display=project.config.lock_path)


def build_sources(project: Project, options: AuditOptions, lock: Lock | None) -> list[Source]:
    """Local records (command line, then claimcheck.toml), then the lock's own records, then the
    live sources (unless offline). Pass lock=None to leave the lock's records out (a refresh)."""
    local = LocalSource()
    seen: set[tuple[str, str]] = set()

    def unseen(records: Iterable[Record]) -> Iterator[Record]:
        # The lock holds copies of records the files also give: index each record once, or the
        # copies crowd the search results and make re-locking depend on what was locked before.
        for record in records:
            if (record.source, record.id) not in seen:
                seen.add((record.source, record.id))
                yield record

    for path in options.records:
        local.add(unseen(read_records(path, display=str(path))))
    for name in project.config.local_records:
        local.add(unseen(read_records(project.root / name, display=name)))
    sources: list[Source] = [local] if len(local) else []
    if lock is not None:
        # Apart from the records given: the lock's silence about an entry is no not-found.
        locked = LocalSource(name=LOCK_SOURCE)
        locked.add(unseen(lock.records.values()))
        if len(locked):
            sources.append(locked)
    if project.config.local_index:  # a bulk index built once by `claimcheck index build`
        sources.append(LocalSource(index_path=project.root / project.config.local_index, read_only=True))
    if not is_offline(options):
        from claimcheck.sources.router import build_live_sources  # requests-cache only when needed

        sources.append(
            build_live_sources(
                project.config.sources,
                progress=options.progress,
                refresh=options.refresh,
                cache_backend=project.config.cache_backend,
                cache_url=project.config.cache_url,
            )
        )
    return sources


def _resolve_with_lock(project: Project, options: AuditOptions, lock: Lock | None) -> dict[str, Resolution]:
    resolutions: dict[str, Resolution] = {}
    stale = []
    for entry in project.entries:
        locked = lock.resolution_for(entry) if lock and options.use_lock else None
        if locked is not None and locked.unavailable and not is_offline(options):
            locked = None  # judged without some services: ask them again (the cache has the rest)
        if locked is not None:
            resolutions[entry.key] = locked
        else:
            stale.append(entry)
    if stale:
        resolutions.update(resolve(stale, build_sources(project, options, _whole_only(lock, options))))
    return resolutions


def _whole_only(lock: Lock | None, options: AuditOptions) -> Lock | None:
    """The lock without its partial entries' records, online: an entry judged without some
    services is asked again live, not answered from its own locked record."""
    if lock is None or is_offline(options):
        return lock
    partial = {key for key, (_, resolution) in lock.entries.items() if resolution.unavailable}
    if not partial:
        return lock
    entries = {key: value for key, value in lock.entries.items() if key not in partial}
    kept = {
        record_ref(record)
        for _, resolution in entries.values()
        for record in [resolution.record, *(c.record for c in resolution.candidates)]
        if record is not None
    }
    records = {ref: record for ref, record in lock.records.items() if ref in kept}
    return replace(lock, entries=entries, records=records)


def assemble(project: Project, resolutions: dict[str, Resolution], lock: Lock | None) -> AuditResult:
    references = tuple(verify_reference(e, resolutions[e.key]) for e in project.entries)
    by_key = {r.entry.key: r for r in references}
    claims = judge_claims(project.claims, by_key, build_engine(project.config.engine, project.root))
    # Drift is about the claim's text, not its evidence: attached here, beside the judgement.
    drift, uncovered = check_documents(project.root, project.claims_files)
    claims = tuple(replace(c, findings=c.findings + drift.get(c.claim.id, ())) for c in claims)
    incomplete = tuple(
        f"{r.entry.key}: {r.findings[0].message}"
        for r in references
        if r.status is ReferenceStatus.CANNOT_DETERMINE
    )
    lock_info = None
    if lock is not None:
        lock_info = LockInfo(
            path=project.config.lock_path, created=lock.created, age_days=round(lock.age_days(), 2)
        )
    result = AuditResult(
        references=references,
        claims=claims,
        documents=tuple(f.document for f in project.claims_files),
        lock=lock_info,
        incomplete=incomplete,
        document_findings=uncovered,
    )
    return apply_acceptances(result, project.config.accepts)


def run_audit(project: Project, options: AuditOptions) -> AuditResult:
    if options.refresh:
        return refresh_lock(project, options)[0]
    lock = load_lock(project) if options.use_lock else None
    return assemble(project, _resolve_with_lock(project, options, lock), lock)


def refresh_lock(project: Project, options: AuditOptions) -> tuple[AuditResult, list[str]]:
    """Resolve every entry afresh, write the lock, and return the audit with what was skipped."""
    previous = load_lock(project)
    # Offline, the lock's own records are the only evidence; live, they would only echo the past.
    refreshing = replace(options, refresh=True)
    sources = build_sources(project, refreshing, previous if is_offline(options) else None)
    resolutions = resolve(project.entries, sources)
    lock, skipped = build_lock(list(project.entries), resolutions, previous, now_iso())
    write_lock(lock_path(project), lock)
    # What the lock kept from before (an entry it had settled that nothing local holds) is what
    # the audit reports, as a plain `check` from the new lock would.
    for key, (_, kept) in lock.entries.items():
        if key not in skipped and resolutions.get(key) is not None and resolutions[key].absence_unproven:
            resolutions[key] = kept
    return assemble(project, resolutions, lock), skipped
