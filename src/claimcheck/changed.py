"""`--changed-since REF`: narrow a project to what a pull request adds, so CI judges only that.

A claim is new or changed when no claim with its id existed at REF (in any claims file), or its
text, cites or subject differ from then. The references kept are those the kept claims cite,
plus bib entries added or edited since REF (their printed identity differs). The earlier files
are read with `git show REF:path`; the working tree is the other side.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from claimcheck import git
from claimcheck.errors import InputError
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.model import Claim, Entry
from claimcheck.project import BIBLIOGRAPHY, CLAIMS_DIR, Project


@dataclass(frozen=True)
class Narrowed:
    project: Project
    commit: str
    claims_total: int
    references_total: int


def _identity(claim: dict) -> tuple[str, tuple[str, ...], str]:
    cites = claim.get("cites") or []
    return (
        " ".join(str(claim.get("text", "")).split()),
        tuple(str(c) for c in cites) if isinstance(cites, list) else (str(cites),),
        str(claim.get("subject") or ""),
    )


def _claims_at(root: Path, commit: str) -> dict[str, tuple[str, tuple[str, ...], str]]:
    """Claim id -> (text, cites, subject) at the commit; unreadable files count as holding none."""
    found: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for name in git.list_files(root, commit, CLAIMS_DIR):
        if not name.endswith((".yaml", ".yml")):
            continue
        text = git.show(root, commit, name)
        try:
            data = yaml.safe_load(text or "")
        except yaml.YAMLError:
            continue
        claims = data.get("claims") if isinstance(data, dict) else None
        for item in claims if isinstance(claims, list) else []:
            if isinstance(item, dict) and "id" in item:
                found[str(item["id"])] = _identity(item)
    return found


def _entries_at(root: Path, commit: str) -> dict[str, Entry] | None:
    text = git.show(root, commit, BIBLIOGRAPHY)
    if text is None:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / BIBLIOGRAPHY
        path.write_text(text, encoding="utf-8")
        try:
            return {e.key: e for e in load_bibliography(path, display=BIBLIOGRAPHY)}
        except InputError:
            return None  # the old bibliography did not parse: every entry counts as changed


def _changed(claim: Claim, before: dict[str, tuple[str, tuple[str, ...], str]]) -> bool:
    now = (" ".join(claim.text.split()), claim.cites, claim.subject)
    return before.get(claim.id) != now


def narrow(project: Project, ref: str) -> Narrowed:
    commit = git.verify_revision(project.root, ref)
    before = _claims_at(project.root, commit)
    old_entries = _entries_at(project.root, commit)
    files = tuple(
        replace(f, claims=tuple(c for c in f.claims if _changed(c, before))) for f in project.claims_files
    )
    keys = {key for f in files for c in f.claims for key in c.cites}
    for entry in project.entries:
        old = None if old_entries is None else old_entries.get(entry.key)
        if old is None or old.identity() != entry.identity():
            keys.add(entry.key)
    entries = tuple(e for e in project.entries if e.key in keys)
    return Narrowed(
        project=replace(project, claims_files=files, entries=entries),
        commit=commit,
        claims_total=len(project.claims),
        references_total=len(project.entries),
    )
