"""The little of git claimcheck needs: a file as it was at a revision, and where the project sits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from claimcheck.errors import InputError


class GitError(Exception):
    pass


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None


def prefix(root: Path) -> str:
    """The project directory relative to its repository's top ("" at the top or outside git)."""
    try:
        done = _git(root, "rev-parse", "--show-prefix")
    except GitError:
        return ""
    return done.stdout.decode("utf-8", "replace").strip().rstrip("/") if done.returncode == 0 else ""


def verify_revision(root: Path, ref: str) -> str:
    """The commit `ref` names; an InputError (exit 3) when it names none."""
    if ref.startswith("-"):
        raise InputError("--changed-since", None, f"'{ref}' is not a revision")
    try:
        done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError as exc:
        raise InputError("--changed-since", None, str(exc)) from None
    if done.returncode != 0:
        inside = _git(root, "rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0:
            raise InputError("--changed-since", None, f"{root} is not inside a git repository")
        raise InputError(
            "--changed-since",
            None,
            f"unknown revision '{ref}' (fetch it first in CI: actions/checkout with fetch-depth: 0)",
        )
    return done.stdout.decode().strip()


def show(root: Path, commit: str, relative: str) -> str | None:
    """The text of project file `relative` at `commit`, or None when it did not exist there."""
    path = f"{prefix(root)}/{relative}" if prefix(root) else relative
    done = _git(root, "show", f"{commit}:{path}")
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8-sig", "replace")


def list_files(root: Path, commit: str, relative_dir: str) -> list[str]:
    """Project-relative names of the files in `relative_dir` at `commit` (empty if it did not exist)."""
    base = prefix(root)
    path = f"{base}/{relative_dir}" if base else relative_dir
    done = _git(root, "ls-tree", "--full-tree", "--name-only", f"{commit}:{path}")
    if done.returncode != 0:
        return []
    return [f"{relative_dir}/{name}" for name in done.stdout.decode("utf-8", "replace").splitlines() if name]
