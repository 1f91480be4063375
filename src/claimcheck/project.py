"""A project on disk: `references.bib`, `claims/*.yaml`, optional `claimcheck.toml`, checked together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claimcheck.accept import check_acceptances
from claimcheck.config import Config, load_config
from claimcheck.errors import InputError
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.inputs.claims import ClaimsFile, load_claims
from claimcheck.model import Claim, Entry

BIBLIOGRAPHY = "references.bib"
CLAIMS_DIR = "claims"
CONFIG = "claimcheck.toml"


@dataclass(frozen=True)
class Project:
    root: Path
    config: Config
    entries: tuple[Entry, ...]
    claims_files: tuple[ClaimsFile, ...]

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(claim for f in self.claims_files for claim in f.claims)


def load_project(root: Path) -> Project:
    """Load and cross-check every input; the first problem is raised as an InputError."""
    if not root.is_dir():
        raise InputError(root, None, "not a directory (expected a project with references.bib)")
    config = load_config(root / CONFIG, display=CONFIG)
    bib_path = root / BIBLIOGRAPHY
    if not bib_path.exists():
        raise InputError(BIBLIOGRAPHY, None, f"no {BIBLIOGRAPHY} in the project directory")
    entries = load_bibliography(bib_path, display=BIBLIOGRAPHY)
    claim_paths = sorted((root / CLAIMS_DIR).glob("*.y*ml")) if (root / CLAIMS_DIR).is_dir() else []
    claim_paths = [p for p in claim_paths if p.suffix in {".yaml", ".yml"}]
    if not claim_paths:
        raise InputError(CLAIMS_DIR, None, "no claims files (claims/*.yaml) in the project")
    files = tuple(load_claims(p, display=f"{CLAIMS_DIR}/{p.name}") for p in claim_paths)
    keys = {entry.key for entry in entries}
    seen: dict[str, Claim] = {}
    for claims_file in files:
        doc_path = claims_file.document.path
        if doc_path and not (root / doc_path).is_file():
            raise InputError(claims_file.path, None, f"document.path '{doc_path}' does not exist")
        for claim in claims_file.claims:
            if claim.id in seen:
                first = seen[claim.id]
                raise InputError(
                    claim.file,
                    claim.line,
                    f"duplicate claim id '{claim.id}' (also at {first.file}:{first.line})",
                )
            seen[claim.id] = claim
            missing = [key for key in dict.fromkeys(claim.cites) if key not in keys]
            if missing:
                names = ", ".join(f"'{key}'" for key in missing)
                raise InputError(
                    claim.file,
                    claim.cites_line or claim.line,
                    f"claim '{claim.id}' cites {names}, which {'is' if len(missing) == 1 else 'are'} "
                    f"not in {BIBLIOGRAPHY}",
                )
    check_acceptances(config.accepts, seen.values(), entries)
    return Project(root=root, config=config, entries=entries, claims_files=files)
