"""Command-line interface (click). Commands only parse options, call the pipeline and pick exit codes.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 incomplete (a source
needed could not answer; wins over 1, as the verdicts are partial); 3 bad input or usage.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from claimcheck import __version__
from claimcheck.atomic import write_atomic, write_atomic_bytes
from claimcheck.errors import InputError
from claimcheck.gate import FailOn, failures, parse_fail_on
from claimcheck.report import BINARY_FORMATS, FORMATS, SUFFIX_FORMATS, ReportOptions, outages

if TYPE_CHECKING:
    from claimcheck.audit import AuditOptions
    from claimcheck.model import AuditResult
    from claimcheck.project import Project

# The pipeline, the HTTP stack, pandas and rich are imported by the commands that use them, not
# here: `--help`, `explain` and an offline `check` should not pay for what they never run.

#: --format -> (module under claimcheck.report, function): imported when that format is asked for.
_RENDERERS = {
    "html": ("html", "render"),
    "markdown": ("markdown", "render"),
    "csv": ("table", "render"),
    "xlsx": ("table", "render_xlsx"),
    "sarif": ("sarif", "render"),
    "junit": ("junit", "render"),
    "github": ("github", "render"),
}


def _report_module(name: str) -> Any:
    return importlib.import_module(f"claimcheck.report.{name}")


def run_audit(project: Project, options: AuditOptions) -> AuditResult:
    """The pipeline (claimcheck.audit), imported on first use."""
    from claimcheck.audit import run_audit as audit

    return audit(project, options)


def refresh_lock(project: Project, options: AuditOptions) -> tuple[AuditResult, list[str]]:
    from claimcheck.audit import refresh_lock as refresh

    return refresh(project, options)


EXIT_OK, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_INPUT = 0, 1, 2, 3
EXIT_INTERNAL = 4
#: Spaces at the end of a line, before any closing terminal styles (rich pads Markdown lines).
_TRAILING_SPACE = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
#: --output suffixes that mean the text report.
TEXT_SUFFIXES = (".txt", ".text")


def _fail(message: str, code: int = EXIT_INPUT) -> None:
    click.echo(f"claimcheck: {message}" if not message[:1].isspace() else message, err=True)
    sys.exit(code)


@contextmanager
def _usage_exits_3() -> Iterator[None]:
    """click gives usage errors exit 2, which claimcheck keeps for an incomplete run."""
    try:
        yield
    except click.UsageError as exc:
        exc.exit_code = EXIT_INPUT
        raise


class ClaimcheckGroup(click.Group):
    """A command group whose usage errors exit 3 and whose --help shows each summary whole."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _usage_exits_3():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _usage_exits_3():
            return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(limit=1000))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input becomes `file:line: message` and exit 3; a bug becomes one line, not a traceback
    (CLAIMCHECK_DEBUG=1 adds the traceback; the exit code stays 4)."""

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
            debug = bool(os.environ.get("CLAIMCHECK_DEBUG"))
            if debug:
                traceback.print_exc()
            click.echo(
                f"claimcheck: internal error: {exc!r}. This is a bug; please report it"
                + (" with the traceback above." if debug else " (set CLAIMCHECK_DEBUG=1 for the traceback)."),
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper


def exit_code(result: AuditResult, fail_on: str | FailOn) -> int:
    """2 when incomplete; 1 when the gate trips (accepted findings never count); else 0."""
    if not result.complete:
        return EXIT_INCOMPLETE
    policy = parse_fail_on(fail_on) if isinstance(fail_on, str) else fail_on
    return EXIT_FINDINGS if failures(result, policy) else EXIT_OK


def _emit(result: AuditResult, fmt: str, output: Path | None, options: ReportOptions | None = None) -> None:
    """Render the report to `output` (atomically) or standard output; text wraps only on a terminal."""
    options = options or ReportOptions()
    if fmt in _RENDERERS:
        module, function = _RENDERERS[fmt]
        rendered = getattr(_report_module(module), function)(result, options)
        if isinstance(rendered, bytes):
            if output is None:
                _fail(f"--format {fmt} is binary: give --output FILE")
            write_atomic_bytes(output, rendered)
        elif output:
            write_atomic(output, rendered)
        else:
            click.echo(rendered, nl=False)
        if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
                summary.write(_report_module("markdown").render(result, options) + "\n")
        return
    if fmt == "json":
        text = _report_module("json").render(result)
        if output:
            write_atomic(output, text)
        else:
            click.echo(text, nl=False)
        return
    from rich.console import Console

    text_report = _report_module("text")
    if output:
        buffer = io.StringIO()
        text_report.render(result, Console(file=buffer, no_color=True, force_terminal=False, soft_wrap=True))
        write_atomic(output, buffer.getvalue())
    else:
        console = Console(highlight=False)
        # A pipe, a pager or a file gets whole lines: wrapping mid-phrase is for the terminal.
        console.soft_wrap = not console.is_terminal
        text_report.render(result, console)


def _summary(result: AuditResult) -> str:
    """References and claims counted by status and verdict, and the findings by severity."""
    statuses = Counter(r.status.value for r in result.references)
    verdicts = Counter(c.verdict.value for c in result.claims)
    severities = Counter(f.severity.value for f in result.all_findings())
    refs = ", ".join(f"{n} {s}" for s, n in statuses.most_common())
    claims = ", ".join(f"{n} {v}" for v, n in verdicts.most_common())
    return (
        f"{len(result.references)} references ({refs or 'none'}), {len(result.claims)} claims "
        f"({claims or 'none'}); {severities['error']} errors, {severities['warning']} warnings, "
        f"{severities['info']} notes"
    )


def _report_format(fmt: str | None, output: Path | None) -> str:
    """--format, else what --output's suffix says; an unknown suffix is refused, not guessed."""
    if fmt is not None:
        return fmt
    if output is None:
        return "text"
    suffix = output.suffix.lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    if suffix in TEXT_SUFFIXES:
        return "text"
    known = " ".join(sorted({*SUFFIX_FORMATS, *TEXT_SUFFIXES}))
    what = f"the suffix {suffix!r}" if suffix else "a name without a suffix"
    raise InputError(
        str(output),
        None,
        f"cannot tell the report format from {what} (known: {known}); give --format "
        f"(one of {', '.join(FORMATS)})",
    )


def _check_records(project: Project, records: tuple[Path, ...]) -> None:
    """A records file (--records or claimcheck.toml) or an index that is missing or is not
    records is bad input now, not silence later (the lock may hold every entry)."""
    from claimcheck.sources.local import check_records_file

    for path in records:
        check_records_file(path, display=str(path))
    for name in project.config.local_records:
        check_records_file(project.root / name, display=name)
    index = project.config.local_index
    if index and not (project.root / index).is_file():
        raise InputError(index, None, "local index not found (build it with `claimcheck index build`)")


project_argument = click.argument(
    "project_dir", type=click.Path(path_type=Path, file_okay=False), default=".", required=False
)
records_option = click.option(
    "--records",
    "records",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Bibliographic records file for the local source: CSL-JSON (.json), Crossref / OpenAlex JSON "
    "lines (.jsonl), PubMed XML (.xml), each possibly gzipped. Repeatable.",
)


@click.group(cls=ClaimcheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    type=click.Choice(FORMATS),
    default=None,
    help="Report format [default: text, or as --output's suffix says: .html .md .csv .xlsx .sarif "
    ".xml (junit) .json .txt; another suffix needs --format]. github prints workflow annotations "
    "and appends the Markdown summary to $GITHUB_STEP_SUMMARY when set.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file (atomically) instead of standard output, and say so in one "
    "line with the counts.",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    metavar="POLICY",
    help="Exit 1 when a finding has this severity or worse (error, warning, info, never) and/or a "
    "claim has one of these verdicts (verdict:unsupported,overstated). Repeatable; accepted "
    "findings never count [default: error, or claimcheck.toml's check.fail_on].",
)
@click.option(
    "--changed-since",
    "changed_since",
    metavar="GITREF",
    help="Judge only claims added or changed since this git revision (and the references they "
    "cite, and bib entries edited since), e.g. origin/main in a pull request.",
)
@handle_errors
def check(
    project_dir: Path,
    records: tuple[Path, ...],
    offline: bool,
    no_lock: bool,
    refresh: bool,
    fmt: str | None,
    output: Path | None,
    fail_on: tuple[str, ...],
    changed_since: str | None,
) -> None:
    """Audit the project's references and claims, and report.

    Uses the evidence lock when present, so it runs offline on a fresh clone.
    """
    from claimcheck import git
    from claimcheck.audit import AuditOptions
    from claimcheck.changed import narrow
    from claimcheck.progress import LiveProgress
    from claimcheck.project import load_project

    try:
        policy = parse_fail_on(" ".join(fail_on)) if fail_on else None
    except ValueError as exc:
        raise InputError("--fail-on", None, str(exc)) from None
    fmt = _report_format(fmt, output)
    if fmt in BINARY_FORMATS and not _report_module("table").xlsx_available():
        raise InputError("--format", None, f"{fmt} needs openpyxl: pip install 'claimcheck[excel]'")
    project = load_project(project_dir)
    if changed_since:
        narrowed = narrow(project, changed_since)
        project = narrowed.project
        click.echo(
            f"claimcheck: changed since {changed_since} ({narrowed.commit[:12]}): "
            f"{len(project.claims)} of {narrowed.claims_total} claims, "
            f"{len(project.entries)} of {narrowed.references_total} references",
            err=True,
        )
    if refresh and offline:
        _fail("--refresh resolves with the live sources; it cannot be combined with --offline")
    _check_records(project, records)
    policy = policy or parse_fail_on(project.config.fail_on)
    progress = LiveProgress(total=len(project.entries))
    options = AuditOptions(
        records=records, offline=offline, use_lock=not no_lock, refresh=refresh, progress=progress
    )
    try:
        result = run_audit(project, options)
    finally:
        progress.close()
    _emit(result, fmt, output, ReportOptions(fail_on=policy, base=git.prefix(project.root)))
    if output is not None:
        click.echo(f"wrote {fmt} report to {output}: {_summary(result)}", err=True)
    found = outages.outage(result)
    if found is not None and (output is not None or fmt != "text"):
        click.echo(f"claimcheck: {outages.statement(found)}", err=True)  # the text report ends with it
    sys.exit(exit_code(result, policy))


@main.command()
@project_argument
@handle_errors
def lint(project_dir: Path) -> None:
    """Validate the inputs only (claims, bibliography, configuration); resolve nothing."""
    from claimcheck.project import load_project

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
    from claimcheck.audit import AuditOptions
    from claimcheck.progress import LiveProgress
    from claimcheck.project import load_project

    project = load_project(project_dir)
    _check_records(project, records)
    progress = LiveProgress(total=len(project.entries))
    try:
        result, skipped = refresh_lock(
            project, AuditOptions(records=records, offline=offline, progress=progress)
        )
    finally:
        progress.close()
    not_locked = set(skipped)
    found = sum(1 for r in result.references if r.record is not None and r.entry.key not in not_locked)
    absent = len(result.references) - found - len(not_locked)
    click.echo(
        f"wrote {project.config.lock_path}: {len(result.references)} references: {found} found, "
        f"{absent} not found, {len(not_locked)} not locked"
    )
    reasons: dict[str, list[str]] = {}  # why -> keys: one line per reason, not per entry
    for ref in result.references:
        if ref.entry.key in not_locked:
            why = outages.describe(ref.resolution.unavailable) or (
                "no source could look it up (offline, and neither the lock nor local records hold it: "
                "pass --records FILE)"
            )
            reasons.setdefault(why, []).append(ref.entry.key)
    for why, keys in reasons.items():
        click.echo(f"  not locked: {', '.join(keys)}: {why}", err=True)
    outage = outages.outage(result)
    if outage is not None and outage.services:
        click.echo(f"claimcheck: {outages.statement(outage, command='lock')}", err=True)
    sys.exit(EXIT_INCOMPLETE if skipped else EXIT_OK)


@main.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every finding code.")
@handle_errors
def explain(code: str | None, list_all: bool) -> None:
    """Explain a finding code, such as R011 or author-mismatch."""
    from rich.console import Console
    from rich.markdown import Markdown

    from claimcheck import rules

    if list_all or not code:
        for rule in rules.registry().values():
            click.echo(f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}")
        return
    rule = rules.lookup(code)
    if rule is None:
        _fail(f"unknown finding code '{code}' (see `claimcheck explain --list`)")
        return
    footer = f"severity: {rule.severity.value} · applies to: {rule.applies_to}"
    console = Console()
    if not console.is_terminal:  # a pipe or a file gets the page's Markdown as written
        click.echo(f"{rule.explanation}\n\n{footer}")
        return
    with console.capture() as captured:
        console.print(Markdown(rule.explanation))
        console.print(f"\n[dim]{footer}[/]")
    click.echo(_TRAILING_SPACE.sub(r"\1", captured.get()), nl=False)


@main.group(cls=ClaimcheckGroup)
def index() -> None:
    """Build the local source's on-disk index from bulk records (database dumps)."""


@index.command("build")
@click.option(
    "--records",
    "records",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Records file: CSL-JSON (.json), Crossref / OpenAlex JSON lines (.jsonl), PubMed XML "
    "(.xml); each may be gzipped (.gz). Repeatable.",
)
@click.option(
    "--index",
    "index_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The index file to create or extend (name it in claimcheck.toml: [sources.local] index).",
)
@handle_errors
def index_build(records: tuple[Path, ...], index_path: Path) -> None:
    """Index records files into INDEX, streaming; files already indexed unchanged are skipped."""
    import time

    from claimcheck.sources.local import LocalSource

    started = time.monotonic()
    source = LocalSource(index_path=index_path)
    total = 0
    try:
        for path in records:
            added = source.index_file(path, display=str(path))
            if added is None:
                click.echo(f"{path}: already indexed", err=True)
            else:
                total += added
                click.echo(f"{path}: {added} records", err=True)
        held = len(source)
    finally:
        source.close()
    click.echo(
        f"indexed {total} records into {index_path} ({held} in all) in {time.monotonic() - started:.1f}s"
    )


@main.group(cls=ClaimcheckGroup)
def bib() -> None:
    """Work on references.bib."""


@bib.command("fix")
@project_argument
@records_option
@click.option("--offline", is_flag=True, help="Use only the evidence lock and local records.")
@click.option(
    "--write", is_flag=True, help="Rewrite references.bib in place (atomically) instead of printing."
)
@handle_errors
def bib_fix(project_dir: Path, records: tuple[Path, ...], offline: bool, write: bool) -> None:
    """Show the corrected BibTeX entries as a unified diff of references.bib.

    Only entries judged metadata-mismatch are rewritten, and only in the fields that disagree
    with the record the audit matched (or that the entry lacks); wrong-work, not-found and
    retracted references need a person. With --write the file is replaced atomically, and only
    if it did not change while claimcheck worked.
    """
    from claimcheck import bibfix
    from claimcheck.audit import AuditOptions
    from claimcheck.progress import LiveProgress
    from claimcheck.project import BIBLIOGRAPHY, load_project

    bib_path = project_dir / BIBLIOGRAPHY
    before = bib_path.read_bytes() if bib_path.is_file() else b""
    project = load_project(project_dir)
    _check_records(project, records)
    progress = LiveProgress(total=len(project.entries))
    try:
        result = run_audit(project, AuditOptions(records=records, offline=offline, progress=progress))
    finally:
        progress.close()
    text = before.decode("utf-8-sig")
    to_apply = bibfix.fixes(result)
    after = bibfix.apply_fixes(text, to_apply)
    diff = bibfix.unified_diff(text, after, BIBLIOGRAPHY)
    if not write:
        click.echo(diff, nl=False)
    elif diff:
        if bib_path.read_bytes() != before:
            _fail(f"{BIBLIOGRAPHY} changed while claimcheck was working; nothing written (run again)")
        write_atomic(bib_path, after)
    count = f"{len(to_apply)} entr{'y' if len(to_apply) == 1 else 'ies'}"
    click.echo(f"{count} {'rewritten in' if write else 'to rewrite in'} {BIBLIOGRAPHY}", err=True)
    if not to_apply:
        click.echo(f"  {bibfix.why_nothing(result)}", err=True)
    found = outages.outage(result)
    if found is not None:
        click.echo(f"claimcheck: {outages.statement(found, command='bib fix')}", err=True)
    sys.exit(EXIT_INCOMPLETE if not result.complete else EXIT_OK)


@main.command()
@click.argument("document", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the claims file here (atomically); when it exists, new entries are appended to it.",
)
@click.option(
    "--claims",
    "claims_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Existing claims file to merge into [default: --output when it exists].",
)
@click.option(
    "--bib",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Bibliography for cites [default: references.bib in the current directory, if any].",
)
@handle_errors
def extract(document: Path, output: Path | None, claims_path: Path | None, bib: Path | None) -> None:
    """Scaffold claims from a document (HTML, Markdown, plain text, or PDF with the pdf extra).

    Picks the check-worthy sentences, gives each a stable id, its section and its cites (from
    the document's citation markers, else suggested by topic for review), and writes claims
    YAML. Merging into an existing claims file only appends entries for sentences no claim
    holds: what a person wrote is kept byte for byte.
    """
    from claimcheck.errors import read_text_file
    from claimcheck.extract import scaffold
    from claimcheck.inputs.bibtex import load_bibliography
    from claimcheck.inputs.documents import read_document

    doc = read_document(document, display=str(document))
    if bib is None and Path("references.bib").is_file():
        bib = Path("references.bib")
    entries = load_bibliography(bib, display=str(bib)) if bib else ()
    target = claims_path or (output if output is not None and output.exists() else None)
    if target is not None:
        text = read_text_file(target, what="claims file", display=str(target))
        existing = scaffold.existing_claims(target, str(target))
        proposals = scaffold.propose(doc, entries, existing)
        result = scaffold.merge(text, str(target), proposals)
    else:
        proposals = scaffold.propose(doc, entries)
        result = scaffold.render_new(doc, _relative_posix(document), proposals)
    if output is not None:
        before = read_text_file(output, what="claims file", display=str(output)) if output.exists() else None
        unchanged = result == before
        if not unchanged:  # a run that adds nothing leaves the file alone
            write_atomic(output, result)
        where = str(output)
    else:
        click.echo(result, nl=False)
        where = "standard output"
    click.echo(
        f"extract: {len(doc.sentences)} sentences, {len(proposals)} new claim entries → {where}", err=True
    )


@main.command()
@click.argument("document", type=click.Path(path_type=Path))
@project_argument
@handle_errors
def init(document: Path, project_dir: Path) -> None:
    """Start a project from a document (HTML, Markdown, text or PDF) and its reference list.

    Copies the document under docs/articles/, writes references.bib from its printed reference
    list (each entry as printed), claims/<document>.yaml from `extract` (cites from the
    citation markers) and a README saying what to review. Run again after the document
    changes: new references and claims are added, nothing a person edited is rewritten.
    PDF needs the pdf extra (pip install 'claimcheck[pdf]').
    """
    from claimcheck.extract.init import init_project

    result = init_project(document, project_dir)
    click.echo(
        f"init: {len(result.references_added)} references added, "
        f"{len(result.references_kept)} kept; "
        f"{result.claims_added} new claim entries in {result.claims_path}"
    )
    for path in result.wrote:
        click.echo(f"  wrote {path}", err=True)
    click.echo(
        "next: review references.bib and the claims file (see README.md), then claimcheck lock", err=True
    )


def _relative_posix(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
