"""`claimcheck init`: from a document to a project (document copy, references.bib, claims, README).

The bibliography is the document's own reference list, each item parsed as printed
(`refparse`); the claims file is `extract`'s scaffold, with cites from the citation markers.
Running it again on a changed document only adds: a reference already in references.bib (same
key, DOI or title) is left as it is, even if a person edited it; new references are appended
to the file's text; new claims are merged as `extract` merges. A person's edits are never
rewritten, and every file is written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.atomic import write_atomic, write_atomic_bytes
from claimcheck.errors import InputError, read_text_file
from claimcheck.extract import scaffold
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.inputs.documents import DocumentText, read_document
from claimcheck.model import Entry
from claimcheck.normalize import fold
from claimcheck.project import BIBLIOGRAPHY, CLAIMS_DIR
from claimcheck.refparse import parse_reference
from claimcheck.refparse.bibtex import cite_key, render
from claimcheck.refparse.parsed import ParsedReference

ARTICLES_DIR = "docs/articles"
README = "README.md"
BIB_HEADER = """\
% The reference list of {title},
% parsed by `claimcheck init` AS PRINTED: authors ("et al." kept as "and others"), title,
% journal, year, volume, pages and identifiers exactly as the document prints them, errors and all.
% Review each entry against its "% printed:" line; do
% not correct an entry to the real paper: the printed form is what is audited
% (`claimcheck bib fix` proposes the corrections).

"""
PROJECT_README = """\
# Evidence audit of {title}

Written by `claimcheck init {document}`. Review by hand before trusting the audit:

1. `references.bib`: each entry was parsed from the printed reference list; compare it with
   its `% printed:` line (authors, title, journal, year, volume, pages). Fix parsing mistakes
   only: the printed form, errors and all, is what claimcheck audits.
2. `{claims}`: one entry per check-worthy sentence. Delete entries that are not claims; fill
   `cites` where the comment suggests keys by topic (suggestions are not evidence); check the
   cites read from the document's citation markers.
3. Then `claimcheck lock` (resolve the references and write the evidence lock) and
   `claimcheck check` (the audit).

Running `claimcheck init` again after the document changes adds new references and claims and
keeps every edit made here.
"""


@dataclass(frozen=True)
class InitResult:
    document: Path
    references_added: tuple[str, ...]
    references_kept: tuple[str, ...]
    claims_added: int
    claims_path: Path
    wrote: tuple[Path, ...]


def parse_reference_list(document: DocumentText) -> list[ParsedReference]:
    return [parse_reference(text) for _, text in sorted(document.reference_list.items())]


def _same(entry: Entry, reference: ParsedReference) -> bool:
    if entry.doi and entry.doi == reference.doi.lower():
        return True
    return bool(entry.title) and fold(entry.title) == fold(reference.title)


def _bibliography(
    references: Sequence[ParsedReference], existing: Sequence[Entry], existing_text: str, title: str
) -> tuple[str, list[str], list[str]]:
    """The new text of references.bib, the keys added, the keys kept."""
    taken = {entry.key for entry in existing}
    added, kept, blocks = [], [], []
    seen: list[str] = []
    for reference in references:
        match = next((entry for entry in existing if _same(entry, reference)), None)
        if match is not None:
            kept.append(match.key)
            continue
        if reference.title and fold(reference.title) in seen:
            continue  # printed twice (an evidence list and the reference list)
        seen.append(fold(reference.title))
        key = cite_key(reference, taken)
        taken.add(key)
        added.append(key)
        blocks.append(render(reference, key))
    if not existing_text:
        return BIB_HEADER.format(title=title) + "\n".join(blocks), added, kept
    if not blocks:
        return existing_text, added, kept
    separator = "" if existing_text.endswith("\n\n") else ("\n" if existing_text.endswith("\n") else "\n\n")
    return existing_text + separator + "\n".join(blocks), added, kept


def init_project(document_path: Path, project_dir: Path) -> InitResult:
    """Write (or extend) the project for `document_path` in `project_dir`."""
    shown = str(document_path)
    document = read_document(document_path, display=shown)
    if not document.reference_list:
        raise InputError(
            shown,
            None,
            "no reference list found (a section headed References, Bibliography, Sources, Notes or "
            "Footnotes, or footnotes); nothing to audit",
        )
    project_dir.mkdir(parents=True, exist_ok=True)
    wrote: list[Path] = []
    # 1. the document, copied where the claims file will name it
    copy = project_dir / ARTICLES_DIR / document_path.name
    data = document_path.read_bytes()
    if not copy.exists() or (copy.resolve() != document_path.resolve() and copy.read_bytes() != data):
        write_atomic_bytes(copy, data)
        wrote.append(copy)
    relative = copy.relative_to(project_dir).as_posix()
    # 2. references.bib
    bib_path = project_dir / BIBLIOGRAPHY
    existing_text = (
        read_text_file(bib_path, what="bibliography", display=BIBLIOGRAPHY) if bib_path.exists() else ""
    )
    existing = load_bibliography(bib_path, display=BIBLIOGRAPHY) if existing_text.strip() else ()
    title = f'"{document.title}"' if document.title else relative
    references = parse_reference_list(document)
    bib_text, added, kept = _bibliography(references, existing, existing_text, title)
    if bib_text != existing_text:
        write_atomic(bib_path, bib_text)
        wrote.append(bib_path)
    entries = load_bibliography(bib_path, display=BIBLIOGRAPHY)
    # 3. claims/<doc>.yaml, from extract's scaffold (document.path relative to the project)
    claims_path = project_dir / CLAIMS_DIR / f"{document_path.stem}.yaml"
    shown_claims = f"{CLAIMS_DIR}/{claims_path.name}"
    document = read_document(copy, display=relative)
    if claims_path.exists():
        text = read_text_file(claims_path, what="claims file", display=shown_claims)
        proposals = scaffold.propose(document, entries, scaffold.existing_claims(claims_path, shown_claims))
        claims_text = scaffold.merge(text, shown_claims, proposals)
        if claims_text != text:
            write_atomic(claims_path, claims_text)
            wrote.append(claims_path)
    else:
        proposals = scaffold.propose(document, entries)
        write_atomic(claims_path, scaffold.render_new(document, relative, proposals))
        wrote.append(claims_path)
    # 4. the project's README, once (a person's README is theirs)
    readme = project_dir / README
    if not readme.exists():
        write_atomic(
            readme,
            PROJECT_README.format(title=title, document=document_path.name, claims=shown_claims),
        )
        wrote.append(readme)
    return InitResult(copy, tuple(added), tuple(kept), len(proposals), claims_path, tuple(wrote))
