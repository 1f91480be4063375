"""The GitHub Action and the pre-commit hooks: well-formed, and calling commands that exist."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def test_action_validates_against_the_github_actions_schema():
    vendor = pytest.importorskip(
        "check_jsonschema.builtin_schemas.vendor", reason="check-jsonschema ships the GitHub Actions schema"
    )
    schema = json.loads(resources.files(vendor).joinpath("github-actions.json").read_text(encoding="utf-8"))
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    jsonschema.validate(action, schema)
    uses = [step.get("uses", "") for step in action["runs"]["steps"]]
    assert any(u.startswith("actions/cache@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "check")
    assert "--format sarif" in script and "--format github" in script
    assert "${{" not in script, "inputs reach the shell through env, never pasted into the script"


def test_pre_commit_hooks_call_real_commands(cli, bundled_project):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        program, *args = hook["entry"].split()
        assert program == "claimcheck"
        done = cli(*args, bundled_project)
        assert done.returncode in (0, 1), done.stderr
