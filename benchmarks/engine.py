"""The claim engine alone: `judge_claims` on a project's claims, with its references verified
from the evidence lock beforehand (not timed). Run as a child by benchmarks/run.py:

    PYTHONPATH=src python -m benchmarks.engine PROJECT OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from claimcheck.audit import AuditOptions, _resolve_with_lock, load_lock
from claimcheck.project import load_project
from claimcheck.verify.claims import judge_claims
from claimcheck.verify.references import verify_reference


def main(project_dir: str, out: str) -> int:
    project = load_project(Path(project_dir))
    lock = load_lock(project)
    resolutions = _resolve_with_lock(project, AuditOptions(offline=True), lock)
    references = {e.key: verify_reference(e, resolutions[e.key]) for e in project.entries}
    claims = project.claims
    start = time.perf_counter()
    judged = judge_claims(claims, references)
    seconds = time.perf_counter() - start
    Path(out).write_text(json.dumps({"claims": len(judged), "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
