"""The small things a new user hit in the first hour (issue 11), each pinned by a test.

Exit codes of usage errors, records files checked before a run, report files by suffix, the
debug switch, help and explain output, text that wraps only on a terminal, display names, DOI
spellings, group authors, declared dependencies, and what `lock` and `bib fix` say.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from claimcheck import cli as cli_module
from claimcheck.identifiers import normalize_doi
from claimcheck.model import Entry, Person, Record, Resolution
from claimcheck.sources import openalex, semanticscholar
from claimcheck.verify.references import verify_reference

ENV: dict[str, str | None] = {"CLAIMCHECK_OFFLINE": "1", "CLAIMCHECK_DEBUG": None}


def invoke(*args: str | Path, env: dict[str, str] | None = None, **kwargs):
    return CliRunner().invoke(cli_module.main, [str(a) for a in args], env=ENV | (env or {}), **kwargs)


# --- exit codes and usage -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--bogus"], ["nope"], ["check", "--format", "nonsense"], ["check", "--bogus"], ["bib", "fix", "--nope"]],
)
def test_usage_errors_exit_3_not_2(args: list[str]) -> None:
    done = invoke(*args)
    assert done.exit_code == 3, done.output  # 2 is an incomplete run
    assert "Error:" in done.output


def test_debug_adds_the_traceback_and_keeps_exit_4(bundled_project: Path, monkeypatch) -> None:
    def broken(project, options):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_module, "run_audit", broken)
    quiet = invoke("check", bundled_project)
    assert quiet.exit_code == 4 and "Traceback" not in quiet.output
    assert "internal error: RuntimeError('a bug')" in quiet.output
    debug = invoke("check", bundled_project, env={"CLAIMCHECK_DEBUG": "1"})
    assert debug.exit_code == 4, debug.output
    assert "Traceback (most recent call last)" in debug.output and "RuntimeError: a bug" in debug.output


# --- records files ------------------------------------------------------------------------------


def test_a_records_file_that_is_not_there_is_named_even_when_the_lock_holds_everything(
    bundled_project: Path,
) -> None:
    for command in (["check", "--offline"], ["lock", "--offline"], ["bib", "fix", "--offline"]):
        done = invoke(*command, bundled_project, "--records", "/no/such/file.json")
        assert done.exit_code == 3, (command, done.output)
        assert "/no/such/file.json: records file not found" in done.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"not": "a list"}', 'CSL-JSON must be a list of items; this is an object with the keys "not"'),
        ('[{"foo": 1}, {"bar": 2}]', "none of its 2 items has a title or an identifier"),
        ("42", "CSL-JSON must be a list of items, not int"),
    ],
)
def test_a_records_file_of_the_wrong_shape_is_bad_input(
    bundled_project: Path, tmp_path: Path, content: str, message: str
) -> None:
    records = tmp_path / "records.json"
    records.write_text(content, encoding="utf-8")
    (bundled_project / "claimcheck.lock").unlink()  # the records would be all the evidence
    done = invoke("check", bundled_project, "--offline", "--records", records)
    assert done.exit_code == 3, done.output
    assert f"{records}:1: {message}" in done.output


# --- report files -------------------------------------------------------------------------------


def test_an_unknown_report_suffix_is_refused_unless_the_format_is_given(bundled_project: Path) -> None:
    target = bundled_project / "report.pdf"
    done = invoke("check", bundled_project, "-o", target)
    assert done.exit_code == 3 and not target.exists()
    assert "report.pdf: cannot tell the report format from the suffix '.pdf'" in done.output
    assert "give --format" in done.output
    written = invoke("check", bundled_project, "-o", target, "--format", "text")
    assert written.exit_code == 1 and target.read_text(encoding="utf-8").startswith("Evidence lock")
    assert invoke("check", bundled_project, "-o", bundled_project / "report.txt").exit_code == 1


def test_writing_a_report_says_what_where_and_how_many(bundled_project: Path) -> None:
    target = bundled_project / "report.html"
    done = invoke("check", bundled_project, "-o", target)
    assert done.exit_code == 1
    line = done.output.strip().splitlines()[-1]
    assert line.startswith(f"wrote html report to {target}: 10 references (6 metadata-mismatch, 3 not-found, ")
    assert re.search(r"99 claims \(.*\); \d+ errors, \d+ warnings, \d+ notes$", line), line


# --- what lock and bib fix say ------------------------------------------------------------------


NEW_ENTRY = (
    "\n@article{new2021peptide,\n  author = {Nobody, A.},\n  title = {A peptide no record holds},\n"
    "  journal = {Peptides},\n  year = {2021},\n}\n"
)


def test_lock_counts_by_outcome_and_says_why_an_entry_was_not_locked(bundled_project: Path) -> None:
    bib = bundled_project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    (bundled_project / "claimcheck.lock").unlink()
    done = invoke("lock", bundled_project, "--offline")
    assert done.exit_code == 2
    assert "wrote claimcheck.lock: 11 references: 0 found, 0 not found, 11 not locked" in done.output
    # one line per reason, naming the entries: here the same for all (no lock, no records, offline)
    (line,) = [line for line in done.output.splitlines() if "not locked:" in line]
    assert re.search(r"not locked: teich2006cjc1295, .*, new2021peptide: no source could look it up \(offline", line)


def test_bib_fix_says_why_it_has_nothing_to_propose(bundled_project: Path, tmp_path: Path) -> None:
    fixed = invoke("bib", "fix", bundled_project, "--write", "--offline")
    assert fixed.exit_code == 0, fixed.output
    again = invoke("bib", "fix", bundled_project, "--offline")
    assert again.exit_code == 0
    assert "0 entries to rewrite in references.bib" in again.output
    assert "no entry is metadata-mismatch (7 verified, 3 not-found)" in again.output
    assert "not-found, wrong-work and retracted references need a person" in again.output


# --- help, explain and wrapping -----------------------------------------------------------------


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), group, command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


def test_help_shows_every_command_summary_whole() -> None:
    for path, _group, command in _commands(cli_module.main):
        shown = invoke(*path[:-1], "--help", terminal_width=80).output
        summary = command.get_short_help_str(limit=10_000)
        assert not summary.endswith("..."), summary
        assert " ".join(summary.split()) in " ".join(shown.split()), (path, summary)
    assert "(e.g." not in invoke("--help").output


def test_explain_has_no_trailing_spaces_on_a_pipe_or_a_terminal() -> None:
    piped = invoke("explain", "R010").output
    assert piped.startswith("# R010 title-mismatch\n")
    assert piped.rstrip().endswith("severity: error · applies to: reference")
    on_terminal = invoke("explain", "R010", env={"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}, color=True).output
    assert "\x1b[" in on_terminal  # rendered for the terminal
    for output in (piped, on_terminal):
        plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
        assert [line for line in plain.splitlines() if line != line.rstrip()] == []


def test_text_report_on_a_pipe_is_not_wrapped(bundled_project: Path) -> None:
    done = invoke("check", bundled_project)
    long_line = (
        "      the first author 'Teich T' is not an author of the record, whose first author is "
        "'Teichman SL' (a misspelling?); 'Harman SM', 'GADD I' are not among the record's 6 authors"
    )
    assert long_line in done.output.splitlines()
    written = invoke("check", bundled_project, "-o", bundled_project / "report.txt")
    assert long_line in (bundled_project / "report.txt").read_text(encoding="utf-8").splitlines()
    assert written.exit_code == 1


def test_text_report_shows_where_two_long_titles_differ() -> None:
    from claimcheck import rules
    from claimcheck.report.text import _defect_line

    common = "Prolonged stimulation of growth hormone and insulin-like growth factor I secretion by CJC-1295"
    finding = rules.finding(
        "R010", "x", field="title", printed=common + ", in adults", record=common + ", in healthy adults"
    )
    line = _defect_line(finding)
    printed, record = re.findall(r"\u201c([^\u201d]*)\u201d", line)[:2]
    assert printed != record and "healthy" in record


# --- names, DOIs, group authors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("display", "family", "given"),
    [
        ("Jean-Paul van der Berg", "van der Berg", "Jean-Paul"),
        ("John Smith Jr.", "Smith", "John"),
        ("John Smith, Jr.", "Smith", "John"),
        ("Maria de la Cruz", "de la Cruz", "Maria"),
        ("Ludwig Van Beethoven", "Van Beethoven", "Ludwig"),
        ("Steven K. Grinspoon", "Grinspoon", "Steven K."),
        ("Robert Downey III", "Downey", "Robert"),
    ],
)
def test_display_names_from_openalex_and_semantic_scholar(display: str, family: str, given: str) -> None:
    work = {"id": "https://openalex.org/W1", "title": "T", "authorships": [{"author": {"display_name": display}}]}
    paper = {"paperId": "p1", "title": "T", "authors": [{"name": display}]}
    for record in (openalex.parse_work(work), semanticscholar.parse_paper(paper)):
        assert record.authors == (Person(family=family, given=given),)


def test_a_printed_author_with_a_particle_is_found_in_a_display_named_record() -> None:
    work = {
        "id": "https://openalex.org/W1",
        "title": "Peptide signalling in the liver",
        "authorships": [{"author": {"display_name": n}} for n in ("Jean-Paul van der Berg", "John Smith Jr.")],
    }
    record = openalex.parse_work(work)
    entry = Entry(
        key="e",
        title="Peptide signalling in the liver",
        authors=(Person("van der Berg", "J.-P."), Person("Smith", "J.")),
    )
    result = verify_reference(entry, Resolution("e", record, method="identifier", sources=("openalex",)))
    assert result.findings == ()


@pytest.mark.parametrize(
    "printed",
    [
        "www.doi.org/10.1210/JC.2005-1536",
        "https://www.doi.org/10.1210/jc.2005-1536",
        "DOI 10.1210/jc.2005-1536",
        "doi: 10.1210/jc.2005-1536.",
        "info:doi/10.1210/jc.2005-1536",
        "https://dx.doi.org/10.1210/jc.2005-1536",
    ],
)
def test_doi_spellings_are_accepted(printed: str) -> None:
    assert normalize_doi(printed) == "10.1210/jc.2005-1536"


def test_a_bib_doi_written_with_the_word_doi_loads(tmp_path: Path) -> None:
    from claimcheck.inputs.bibtex import load_bibliography

    bib = tmp_path / "references.bib"
    bib.write_text("@article{a,\n  title = {T},\n  doi = {DOI 10.1210/jc.2005-1536},\n}\n", encoding="utf-8")
    (entry,) = load_bibliography(bib)
    assert entry.doi == "10.1210/jc.2005-1536"


SURMOUNT = Record(
    source="t",
    id="1",
    title="Tirzepatide Once Weekly for the Treatment of Obesity",
    authors=(Person("Jastreboff", "AM"), Person("Aronne", "LJ"), Person(literal="for the SURMOUNT-1 Investigators")),
    container_title="The New England Journal of Medicine",
    year="2022",
)


def test_group_names_are_not_authors_in_comparisons_counts_or_fixes() -> None:
    from claimcheck.compare import compare_authors, people
    from claimcheck.correction import corrected_bibtex

    both = Entry(key="e", title=SURMOUNT.title, authors=SURMOUNT.authors[:2], journal=SURMOUNT.container_title,
                 year="2022")
    assert people(SURMOUNT.authors) == SURMOUNT.authors[:2]
    comparison = compare_authors(both, SURMOUNT)
    assert comparison is not None and not comparison.list_incomplete  # not "2 of the record's 3"
    assert verify_reference(both, Resolution("e", SURMOUNT, sources=("t",))).findings == ()
    invented = Entry(key="e", title=SURMOUNT.title, authors=(Person("Jastreboff", "AM"), Person("Nobody", "X")),
                     journal=SURMOUNT.container_title, year="2022")
    (finding,) = verify_reference(invented, Resolution("e", SURMOUNT, sources=("t",))).findings
    assert "not among the record's 2 authors" in finding.message
    corrected = corrected_bibtex(invented, SURMOUNT, {"authors"})
    assert "author  = {Jastreboff, AM and Aronne, LJ}" in corrected and "SURMOUNT" not in corrected


# --- dependencies -------------------------------------------------------------------------------


def test_every_third_party_module_imported_at_run_time_is_declared() -> None:
    """A module imported outside a function (or by a default code path) is a declared dependency."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=!~\[ ;]", d)[0].lower().replace("_", "-") for d in project["dependencies"]}
    optional = {
        re.split(r"[<>=!~\[ ;]", d)[0].lower().replace("_", "-")
        for extra in project["optional-dependencies"].values()
        for d in extra
    }
    distributions = metadata.packages_distributions()
    imported: set[str] = set()
    for path in (REPO / "src" / "claimcheck").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            imported |= {name.split(".")[0] for name in names}
    third_party = {
        name for name in imported if name not in sys.stdlib_module_names and name != "claimcheck"
    }
    undeclared = {}
    for module in third_party:
        owners = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        if not owners & (declared | optional):
            undeclared[module] = sorted(owners)
    assert undeclared == {}
    assert {"latexcodec", "markdown-it-py"} <= declared


def test_an_outage_is_summarised_by_service_and_kind_of_failure() -> None:
    from claimcheck.report import outages

    unavailable = [
        ("pubmed", "connection failed (https://eutils.example/esearch.fcgi): ConnectionError; gave up after 2 attempt(s)"),
        ("crossref", "connection failed (https://api.example/works): ConnectionError (earlier in this run)"),
        ("openalex", "HTTP 503 (https://api.openalex.example/works)"),
        ("semanticscholar", "rate-limited (HTTP 429 repeatedly); cooling down for 30s"),
        ("pubmed", "timed out after 10s (https://eutils.example/efetch.fcgi)"),
    ]
    assert outages.by_reason(unavailable) == {
        "connection failed": ["crossref", "pubmed"],
        "HTTP 503": ["openalex"],
        "rate-limited": ["semanticscholar"],
    }
    assert outages.describe(unavailable[:2]) == "crossref, pubmed did not answer (connection failed)"
    found = outages.Outage(outages.by_reason(unavailable), ("a",), 3)
    said = outages.statement(found)
    assert said.startswith("INCOMPLETE: these services did not answer: crossref, pubmed (connection failed); ")
    assert "1 of 3 references could not be judged" in said and "--offline" not in said  # some answered


def test_offline_with_nothing_to_look_up_says_lock_or_records_not_go_offline() -> None:
    # Already offline: advising `--offline` or "check the network" sends the user in a circle.
    from claimcheck.report import outages

    said = outages.statement(outages.Outage({}, ("a", "b"), 2, unsearched=("a", "b")))
    assert "No source could look up a, b" in said
    assert "claimcheck lock" in said and "--records FILE" in said
    assert "--offline" not in said and "Check the network" not in said


def test_offline_an_entry_neither_the_lock_nor_local_records_hold_is_undetermined_not_missing(
    bundled_project: Path,
) -> None:
    # The lock's records act as a local source offline; its silence about a new entry is not
    # evidence that the paper does not exist (it would be a false R001), nor may it be locked.
    bib = bundled_project / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    checked = invoke("check", bundled_project, "--offline", "--format", "json")
    assert checked.exit_code == 2, checked.output
    import json

    report = json.loads(checked.stdout)
    (new,) = [r for r in report["references"] if r["key"] == "new2021peptide"]
    assert new["status"] == "cannot-determine"
    assert "no bibliographic service was asked" in json.dumps(new)
    locked = invoke("lock", bundled_project, "--offline")
    assert locked.exit_code == 2
    assert "11 references: 7 found, 3 not found, 1 not locked" in locked.output, locked.output
    lock = json.loads((bundled_project / "claimcheck.lock").read_text(encoding="utf-8"))
    assert "new2021peptide" not in lock["entries"]


def test_help_and_explain_do_not_import_the_pipeline_the_http_stack_or_pandas() -> None:
    # `--help` took about 70x a bare interpreter because every report format and the HTTP stack
    # were imported eagerly; the commands now import what they use.
    import subprocess

    probe = (
        "import sys; from click.testing import CliRunner; from claimcheck.cli import main; "
        "CliRunner().invoke(main, ['--help']); CliRunner().invoke(main, ['explain', 'R001']); "
        "print(' '.join(m for m in ('pandas', 'requests', 'requests_cache', 'pybtex', 'claimcheck.audit', "
        "'claimcheck.sources.http', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
