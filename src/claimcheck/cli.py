"""Command-line interface (click). Commands only parse options, call the pipeline and pick exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 incomplete (a source
needed could not answer; wins over 1, as the verdicts are partial); 3 bad input or usage.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markdown import Markdown

from claimcheck import __version__, rules
from claimcheck.atomic import write_atomic
from claimcheck.audit import AuditOptions, refresh_lock, run_audit
from claimcheck.config import FAIL_ON_CHOICES
from claimcheck.errors import InputError
from claimcheck.model import AuditResult, Severity
from claimcheck.progress import LiveProgress
from claimcheck.project import load_project
from claimcheck.report import json as json_report
from claimcheck.report import text as text_report

EXIT_OK, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_INPUT = 0, 1, 2, 3
EXIT_INTERNAL = 4


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"claimcheck: {message}" if not message[:1].isspace() else message, err=True)
    sys.exit(code)


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input becomes `file:line: message` and exit 3; a bug becomes one line, not a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            click.echo(exc.render(), err=True)
            sys.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("claimcheck: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("CLAIMCHECK_DEBUG"):
                raise
            click.echo(
                f"claimcheck: internal error: {exc!r}. This is a bug; please report it "
                "(set CLAIMCHECK_DEBUG=1 for the traceback).",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


def exit_code(result: AuditResult, fail_on: str) -> int:
    if not result.complete:
        return EXIT_INCOMPLETE
    if fail_on == "never":
        return EXIT_OK
    threshold = Severity(fail_on).rank
    failing = [f for f in result.all_findings() if f.severity.rank >= threshold]
    return EXIT_FINDINGS if failing else EXIT_OK


def _emit(result: AuditResult, fmt: str, output: Path | None) -> None:
    if fmt == "json":
        text = json_report.render(result)
        if output:
            write_atomic(output, text)
        else:
            click.echo(text, nl=False)
        return
    if output:
        buffer = io.StringIO()
        text_report.render(result, Console(file=buffer, width=120, no_color=True, force_terminal=False))
        write_atomic(output, buffer.getvalue())
    else:
        text_report.render(result, Console(highlight=False))


project_argument = click.argument(
    "project_dir", type=click.Path(path_type=Path, file_okay=False), default=".", required=False
)
records_option = click.option(
    "--records",
    "records",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Bibliographic records file (CSL-JSON) for the local source. Repeatable.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimcheck")
def main() -> None:
    """Audit the evidence behind written health claims.

    A project holds claims/*.yaml (each claim with the references it cites), references.bib
    and optionally claimcheck.toml and the evidence lock claimcheck.lock.
    """


@main.command()
@project_argument
@records_option
@click.option("--offline", is_flag=True, help="Use only the evidence lock and local records.")
@click.option("--no-lock", is_flag=True, help="Ignore the evidence lock; resolve everything anew.")
@click.option(
    "--refresh", is_flag=True, help="Resolve every reference with the live sources and update the lock."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON_CHOICES),
    default=None,
    help="Exit 1 when a finding has this severity or worse [default: error, or "
    "claimcheck.toml's check.fail_on].",
)
@handle_errors
def check(
    project_dir: Path,
    records: tuple[Path, ...],
    offline: bool,
    no_lock: bool,
    refresh: bool,
    fmt: str,
    output: Path | None,
    fail_on: str | None,
) -> None:
    """Audit the project's references and claims, and report.

    Uses the evidence lock when present, so it runs offline on a fresh clone.
    """
    project = load_project(project_dir)
    if refresh and offline:
        _fail("--refresh resolves with the live sources; it cannot be combined with --offline")
    progress = LiveProgress(total=len(project.entries))
    options = AuditOptions(
        records=records, offline=offline, use_lock=not no_lock, refresh=refresh, progress=progress
    )
    try:
        result = run_audit(project, options)
    finally:
        progress.close()
    _emit(result, fmt, output)
    sys.exit(exit_code(result, fail_on or project.config.fail_on))


@main.command()
@project_argument
@handle_errors
def lint(project_dir: Path) -> None:
    """Validate the inputs only (claims, bibliography, configuration); resolve nothing."""
    project = load_project(project_dir)
    click.echo(
        f"ok: {len(project.claims)} claims in {len(project.claims_files)} file(s), "
        f"{len(project.entries)} references"
    )


@main.command()
@project_argument
@records_option
@click.option("--offline", is_flag=True, help="Re-lock from local records and the lock's own records only.")
@handle_errors
def lock(project_dir: Path, records: tuple[Path, ...], offline: bool) -> None:
    """Resolve every reference and write the evidence lock (claimcheck.lock).

    Commit the lock with the claims: `claimcheck check` then runs offline and gives the same
    verdicts on every machine.
    """
    project = load_project(project_dir)
    progress = LiveProgress(total=len(project.entries))
    try:
        _result, skipped = refresh_lock(
            project, AuditOptions(records=records, offline=offline, progress=progress)
        )
    finally:
        progress.close()
    resolved = len(project.entries) - len(skipped)
    click.echo(f"wrote {project.config.lock_path}: {resolved} of {len(project.entries)} references resolved")
    for key in skipped:
        click.echo(f"  not locked (could not be resolved): {key}", err=True)
    sys.exit(EXIT_INCOMPLETE if skipped else EXIT_OK)


@main.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every finding code.")
@handle_errors
def explain(code: str | None, list_all: bool) -> None:
    """Explain a finding code (e.g. R011 or author-mismatch)."""
    if list_all or not code:
        for rule in rules.registry().values():
            click.echo(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}")
        return
    rule = rules.lookup(code)
    if rule is None:
        _fail(f"unknown finding code '{code}' (see `claimcheck explain --list`)")
        return
    console = Console()
    console.print(Markdown(rule.explanation))
    console.print(f"\n[dim]severity: {rule.severity.value} · applies to: {rule.applies_to}[/]")
