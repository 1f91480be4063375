"""Small helpers shared by the report, gate and CI tests (edit a copied project, run a check)."""

from __future__ import annotations

import json
from pathlib import Path

CLAIMS = "claims/peptides-insulin-resistance.yaml"
XSS = "<script>alert('x')</script>\" onload=\"alert(1)"


def add_claim(project: Path, claim_id: str, text: str, cites: list[str], extra: str = "") -> None:
    """Append a claim entry to the bundled claims file."""
    path = project / CLAIMS
    cites_yaml = ", ".join(cites)
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"  - id: {claim_id}\n    text: {json.dumps(text)}\n    cites: [{cites_yaml}]\n{extra}",
        encoding="utf-8",
    )


def set_abstract(project: Path, key: str, abstract: str) -> None:
    """Replace the abstract of the record the evidence lock holds for `key`."""
    lock_path = project / "claimcheck.lock"
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    lock["records"][lock["entries"][key]["record"]]["abstract"] = abstract
    lock_path.write_text(json.dumps(lock, indent=2, ensure_ascii=False), encoding="utf-8")


def report(cli, project: Path, *args: str) -> tuple[int, dict]:
    done = cli("check", project, "--format", "json", *args)
    assert done.returncode in (0, 1, 2), done.stderr
    return done.returncode, json.loads(done.stdout)
