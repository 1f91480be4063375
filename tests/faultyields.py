"""Yields under fault rates: what share of references keep their fault-free verdict when the
loopback services misbehave at random, or one of them is down for good (issue 14).

The tests (tests/test_fault_rate.py) assert the bars on this harness; run as a script it writes
the table in docs/reliability.md (between the `fault-yields` markers, which the reliability
plugin keeps when it regenerates the rest of the page):

    PYTHONPATH=src:tests python tests/faultyields.py --seeds 5 --write docs/reliability.md

Every run is the real `claimcheck check --format json` in-process against a `FaultServer` that
serves a `FakeWeb` of the bibliography's papers. Timings are shortened through the policy's
CLAIMCHECK_HTTP_* variables (timeouts, backoff, budgets, cool-down): the retry and breaker logic
is the production one, only its clock is faster.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from fakeweb import FakeWeb, Paper, environment
from faultserver import RANDOM_FAULTS, FaultServer

from claimcheck.cli import main

TOPICS = ["insulin", "tesamorelin", "ipamorelin", "metformin", "semaglutide", "adiposity", "glucose"]
POPULATIONS = ["adults", "children", "older people", "women", "athletes"]
#: Every service, each permanently down in turn.
SERVICES = ("crossref", "pubmed", "idconv", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")
#: Test-fast timings: 1 s per read (a 2 s stall is a timeout; a loaded machine's healthy answer
#: is not), 3 s per attempt, 4 retries with 20-200 ms backoff, 15 s per request in all, a breaker
#: opening after 3 failed requests and probing again after 1 s.
FAST = {
    "CLAIMCHECK_HTTP_TIMEOUT": "1",
    "CLAIMCHECK_HTTP_DEADLINE": "3",
    "CLAIMCHECK_HTTP_RETRIES": "4",
    "CLAIMCHECK_HTTP_BACKOFF": "0.02",
    "CLAIMCHECK_HTTP_BACKOFF_MAX": "0.2",
    "CLAIMCHECK_HTTP_BUDGET": "15",
    "CLAIMCHECK_HTTP_BREAKER_AFTER": "3",
    "CLAIMCHECK_HTTP_COOLDOWN": "1",
    "CLAIMCHECK_HTTP_MAX_BYTES": "20000000",
}


def bibliography(count: int = 200, seed: int = 500) -> tuple[list[Paper], str]:
    """Papers for the fake services and a bib citing them, of every kind a real one has: DOIs
    (Crossref and DataCite), PMID-only and PMCID-only entries, title-only entries found by
    search, absent DOIs (not-found), metadata mismatches and retracted papers."""
    rng = random.Random(seed)
    papers: list[Paper] = []
    entries: list[str] = []
    for i in range(count):
        topic, population = rng.choice(TOPICS), rng.choice(POPULATIONS)
        title = f"Trial{i:04d} of {topic} dosing in {population} followed for {rng.randint(4, 104)} weeks"
        authors = [(f"Author{i:04d}", "A"), (rng.choice(["Smith", "Jones", "Chen", "Garcia"]), "B")]
        year = str(rng.randint(1995, 2024))
        kind = rng.random()
        doi = f"10.1000/t{i:04d}"
        paper = Paper(doi, title, authors, "Metabolism", year, volume=str(i % 90 + 1), pages=f"{i}-{i + 9}")
        if kind < 0.60:
            paper.pmid = str(30000000 + i)
            paper.abstract = f"{topic} changed outcomes in {population}" if i % 3 else ""
        if kind >= 0.95:
            paper.doi = f"10.48550/arxiv.{i:04d}"
            paper.agency = "DataCite"
        if i % 37 == 0:
            paper.retracted_by = f"10.1000/notice{i:04d}"
        printed_year = str(int(year) + 2) if i % 11 == 0 else year  # a metadata mismatch
        fields = [
            f"author = {{{authors[0][0]}, {authors[0][1]}. and {authors[1][0]}, {authors[1][1]}.}}",
            f"title = {{{title}}}",
            "journal = {Metabolism}",
            f"year = {{{printed_year}}}",
        ]
        if i % 29 == 0:
            fields.append(f"doi = {{10.1000/absent{i:04d}}}")  # not registered anywhere: not-found
        elif i % 53 == 0:
            pass  # no identifier: found by search
        elif i % 17 == 0 and paper.agency == "Crossref":
            paper.pmid = paper.pmid or str(30000000 + i)
            paper.pmcid = f"PMC{7000000 + i}"
            fields.append(f"pmcid = {{{paper.pmcid}}}")  # printed only a PMCID
        elif 0.60 <= kind < 0.70 and paper.agency == "Crossref":
            paper.pmid = str(30000000 + i)
            fields.append(f"pmid = {{{paper.pmid}}}")  # printed only a PMID
        else:
            fields.append(f"doi = {{{paper.doi}}}")
        papers.append(paper)
        entries.append(f"@article{{ref{i:04d}, " + ", ".join(fields) + "}")
    return papers, "\n".join(entries) + "\n"


def make_project(root: Path, bib: str) -> Path:
    project = root / "project"
    (project / "claims").mkdir(parents=True)
    (project / "references.bib").write_text(bib, encoding="utf-8")
    (project / "claims" / "c.yaml").write_text(
        "claims:\n  - id: one\n    text: Insulin changed outcomes in adults.\n    cites: [ref0001]\n",
        encoding="utf-8",
    )
    return project


@dataclass
class Run:
    code: int
    statuses: dict[str, str]
    seconds: float
    requests: int
    faulted: int
    report: dict


def audit(
    project: Path,
    papers: list[Paper],
    cache: Path,
    rate: float = 0.0,
    seed: int = 0,
    down: str = "",
    choices: tuple[str, ...] = RANDOM_FAULTS,
) -> Run:
    """One `claimcheck check` against loopback services with the given faults."""
    server = FaultServer(
        FakeWeb(papers),
        rate=rate,
        seed=seed,
        choices=choices,
        faults={down: "503"} if down else {},
        stall=2.0,
    )
    try:
        env = environment(server.url, str(cache)) | FAST
        started = time.monotonic()
        result = CliRunner().invoke(main, ["check", str(project), "--format", "json"], env=env)
        seconds = time.monotonic() - started
    finally:
        server.stop()
    assert result.exit_code in (1, 2), result.output
    report = json.loads(result.stdout)
    statuses = {r["key"]: r["status"] for r in report["references"]}
    faulted = sum(1 for _, fault in server.served if fault)
    return Run(result.exit_code, statuses, seconds, len(server.served), faulted, report)


@dataclass
class Outcome:
    """How a faulty run compares with the fault-free one."""

    same: int
    undetermined: int
    wrong: dict[str, tuple[str, str]]
    total: int

    @property
    def yield_(self) -> float:
        return self.same / self.total


def compare(truth: dict[str, str], found: dict[str, str]) -> Outcome:
    wrong = {k: (truth[k], found[k]) for k in truth if found[k] not in {truth[k], "cannot-determine"}}
    same = sum(1 for k in truth if found[k] == truth[k])
    undetermined = sum(1 for k in truth if found[k] == "cannot-determine" and truth[k] != "cannot-determine")
    return Outcome(same, undetermined, wrong, len(truth))


def held_by_pubmed_or_europepmc(truth: dict[str, str]) -> set[str]:
    """Keys of references whose paper PubMed or Europe PMC holds: the fake Europe PMC indexes
    every paper of the bibliography (preprints too), so every reference that exists."""
    return {key for key, status in truth.items() if status != "not-found"}


# -- the table in docs/reliability.md ----------------------------------------------------------

START, END = "<!-- fault-yields:start -->", "<!-- fault-yields:end -->"


def _pct(values: list[float]) -> str:
    if len(values) == 1:
        return f"{100 * values[0]:.1f}%"
    return f"{100 * statistics.mean(values):.1f}% ({100 * min(values):.1f}–{100 * max(values):.1f}%)"


def measure(count: int, seeds: int, rates: tuple[float, ...]) -> str:
    """Run every scenario and return the markdown section (with its markers)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    papers, bib = bibliography(count)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = make_project(root, bib)
        healthy = [audit(project, papers, root / f"cache-h{s}") for s in range(seeds)]
        truth = healthy[0].statuses
        base_seconds = statistics.mean(r.seconds for r in healthy)
        for rate in rates:
            outcomes, ratios, faulted = [], [], []
            for seed in range(seeds):
                run = audit(project, papers, root / f"cache-{rate}-{seed}", rate=rate, seed=seed)
                outcomes.append(compare(truth, run.statuses))
                ratios.append(run.seconds / base_seconds)
                faulted.append(run.faulted / run.requests)
            wrong = sum(len(o.wrong) for o in outcomes)
            rows.append(
                f"| {rate:.0%} of requests ({_pct(faulted)} served faulty) | "
                f"{_pct([o.yield_ for o in outcomes])} | {wrong} | {statistics.mean(ratios):.2f}× |"
            )
        held = held_by_pubmed_or_europepmc(truth)
        for service in SERVICES:
            run = audit(project, papers, root / f"cache-down-{service}", down=service)
            outcome = compare(truth, run.statuses)
            extra = ""
            if service == "crossref":
                judged = sum(1 for k in held if run.statuses[k] == truth[k])
                extra = f"; held by PubMed or Europe PMC: {judged} of {len(held)} judged"
            rows.append(
                f"| {service} always 503 (all others fine){extra} | {_pct([outcome.yield_])} | "
                f"{len(outcome.wrong)} | {run.seconds / base_seconds:.2f}× |"
            )
    verdicts = Counter(truth.values())
    return "\n".join(
        [
            START,
            "## Yields under fault rates",
            "",
            f"Measured on commit `{commit}` by `PYTHONPATH=src:tests python tests/faultyields.py "
            f"--seeds {seeds} --write docs/reliability.md` (do not edit by hand): a project of {count} "
            f"references ({', '.join(f'{n} {v}' for v, n in verdicts.most_common())} when fault-free) "
            "behind loopback services with a seeded fault-injecting layer drawing from "
            f"{', '.join(RANDOM_FAULTS)}. Rates: mean (min–max) over {seeds} seeds. Judged = the "
            "fault-free run's verdict; misjudged = any other verdict than that or cannot-determine. "
            f"Fault-free wall time {base_seconds:.1f} s. Wall times use the test timings (`FAST` in "
            "the script: retries wait 10-200 ms) on a shared 2-core machine, so a ratio is noisy "
            "(below 1 is noise); with the default policy a retry waits 0.25-8 s, so a real run's "
            "extra time is larger, bounded per request by its 90 s budget and per dead service by "
            "its circuit breaker (3 failed requests, then one probe a minute).",
            "",
            "| injected faults | references judged as fault-free | misjudged | wall time vs fault-free |",
            "|---|---:|---:|---:|",
            *rows,
            END,
        ]
    )


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--write", type=Path, help="replace the section in this file (else print it)")
    args = parser.parse_args()
    table = measure(args.count, args.seeds, (0.1, 0.3, 0.5))
    if args.write:
        write_section(args.write, table)
    else:
        sys.stdout.write(table + "\n")
