"""The pipeline end to end: load → resolve (lock first) → verify references → judge claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from claimcheck.lock import Lock, build_lock, read_lock, write_lock
from claimcheck.model import AuditResult, LockInfo, ReferenceStatus, Resolution
from claimcheck.project import Project
from claimcheck.resolve import now_iso, resolve
from claimcheck.sources.base import Source
from claimcheck.sources.local import LocalSource, read_records
from claimcheck.verify.claims import judge_claims
from claimcheck.verify.engine import build_engine
from claimcheck.verify.references import verify_reference


@dataclass(frozen=True)
class AuditOptions:
    #: Local records files given on the command line (relative to the working directory).
    records: Sequence[Path] = field(default=())
    #: Use no network source (there are none yet besides the lock and local records).
    offline: bool = False
    use_lock: bool = True


def lock_path(project: Project) -> Path:
    return project.root / project.config.lock_path


def load_lock(project: Project) -> Lock | None:
    return read_lock(lock_path(project), display=project.config.lock_path)


def build_sources(project: Project, options: AuditOptions, lock: Lock | None) -> list[Source]:
    """Local records (command line, then claimcheck.toml), then the lock's own records."""
    local = LocalSource()
    for path in options.records:
        local.add(read_records(path, display=str(path)))
    for name in project.config.local_records:
        local.add(read_records(project.root / name, display=name))
    if lock is not None:
        local.add(lock.records.values())
    return [local] if len(local) else []


def _resolve_with_lock(project: Project, options: AuditOptions, lock: Lock | None) -> dict[str, Resolution]:
    resolutions: dict[str, Resolution] = {}
    stale = []
    for entry in project.entries:
        locked = lock.resolution_for(entry) if lock and options.use_lock else None
        if locked is not None:
            resolutions[entry.key] = locked
        else:
            stale.append(entry)
    if stale:
        resolutions.update(resolve(stale, build_sources(project, options, lock)))
    return resolutions


def assemble(project: Project, resolutions: dict[str, Resolution], lock: Lock | None) -> AuditResult:
    references = tuple(verify_reference(e, resolutions[e.key]) for e in project.entries)
    by_key = {r.entry.key: r for r in references}
    claims = judge_claims(project.claims, by_key, build_engine(project.config.engine, project.root))
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
    return AuditResult(
        references=references,
        claims=claims,
        documents=tuple(f.document for f in project.claims_files),
        lock=lock_info,
        incomplete=incomplete,
    )


def run_audit(project: Project, options: AuditOptions) -> AuditResult:
    lock = load_lock(project) if options.use_lock else None
    return assemble(project, _resolve_with_lock(project, options, lock), lock)


def refresh_lock(project: Project, options: AuditOptions) -> tuple[AuditResult, list[str]]:
    """Resolve every entry afresh, write the lock, and return the audit with what was skipped."""
    previous = load_lock(project)
    resolutions = resolve(project.entries, build_sources(project, options, previous))
    lock, skipped = build_lock(list(project.entries), resolutions, previous, now_iso())
    write_lock(lock_path(project), lock)
    return assemble(project, resolutions, lock), skipped
