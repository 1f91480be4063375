"""Fault rates (issue 14): flaky or dead services cost time, never verdicts.

A project of 200 references (every kind a real bibliography has, see `faultyields.bibliography`)
is audited once against healthy loopback services, then against the same services behind a
seeded fault-injecting layer: random faults at 10%, 30% and 50% of requests over 5 seeds, and
every service permanently down in turn. Bars asserted (issue 14):

- in every run, no reference gets a verdict other than the fault-free run's (it may only become
  `cannot-determine`), and the run is incomplete (exit 2) exactly when one does;
- at 10% faults every reference is judged as in the fault-free run; at 30%, at least 95% (each seed);
- with Semantic Scholar, Europe PMC, OpenAlex or PubMed down for good, at least 90% are judged;
  with Crossref down, every reference PubMed or Europe PMC holds is judged.

Wall times are recorded (docs/reliability.md), never asserted.
"""

from __future__ import annotations

from collections import Counter

import pytest
from faultserver import QUICK_FAULTS
from faultyields import audit, bibliography, compare, held_by_pubmed_or_europepmc, make_project

SEEDS = range(5)
#: The least share of references judged as in the fault-free run, by fault rate.
RATE_BARS = {0.1: 1.0, 0.3: 0.95, 0.5: 0.0}
#: The least share judged with one service permanently down (others: no bar, 0 misjudged).
DOWN_BARS = {"semanticscholar": 0.90, "europepmc": 0.90, "openalex": 0.90, "pubmed": 0.90}


def REL(category: str, case: str, outcome: str) -> pytest.MarkDecorator:
    return pytest.mark.reliability(category=category, case=case, outcome=outcome)


@pytest.fixture(scope="module")
def fault_free(tmp_path_factory):
    root = tmp_path_factory.mktemp("fault-rate")
    papers, bib = bibliography(200)
    project = make_project(root, bib)
    healthy = audit(project, papers, root / "cache-healthy")
    assert healthy.code == 1 and len(healthy.statuses) == 200
    truth = healthy.statuses
    assert {"verified", "metadata-mismatch", "not-found", "retracted"} <= set(truth.values())
    assert "cannot-determine" not in truth.values()
    return papers, project, healthy


def _judged_as_before(outcome) -> str:
    return f"{outcome.same} of {outcome.total} judged as fault-free ({outcome.yield_:.1%})"


@pytest.mark.parametrize(
    ("rate", "seed"),
    [
        pytest.param(
            rate,
            seed,
            marks=REL(
                "fault rate: 200 references",
                f"{rate:.0%} random faults",
                f"0 misjudged; at least {RATE_BARS[rate]:.0%} judged as fault-free",
            ),
            id=f"{rate:.0%}-seed{seed}",
        )
        for rate in RATE_BARS
        for seed in SEEDS
    ],
)
def test_random_faults_cost_time_not_verdicts(fault_free, tmp_path, request, rate, seed):
    papers, project, healthy = fault_free
    run = audit(project, papers, tmp_path / "cache", rate=rate, seed=seed)
    assert run.faulted >= 3  # faults were really served
    outcome = compare(healthy.statuses, run.statuses)
    assert outcome.wrong == {}
    assert run.code == (2 if "cannot-determine" in run.statuses.values() else 1)
    assert outcome.yield_ >= RATE_BARS[rate], _judged_as_before(outcome)
    request.node.user_properties.append(
        (
            "reliability",
            f"seed {seed}: {run.requests} requests, {run.faulted} faulted; {_judged_as_before(outcome)}; "
            f"wall time {run.seconds / healthy.seconds:.2f}× the fault-free run",
        )
    )


SERVICES = ("crossref", "pubmed", "idconv", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")


@pytest.mark.parametrize(
    "service",
    [
        pytest.param(
            s,
            marks=REL(
                "one service down: 200 references",
                f"{s} always 503",
                "0 misjudged; the service named in the report"
                + (f"; at least {DOWN_BARS[s]:.0%} judged" if s in DOWN_BARS else "")
                + ("; every reference PubMed or Europe PMC holds judged" if s == "crossref" else ""),
            ),
            id=s,
        )
        for s in SERVICES
    ],
)
def test_one_service_down_for_good_costs_only_what_needs_it(fault_free, tmp_path, request, service):
    papers, project, healthy = fault_free
    run = audit(project, papers, tmp_path / "cache", down=service)
    outcome = compare(healthy.statuses, run.statuses)
    assert outcome.wrong == {}
    assert run.code == (2 if "cannot-determine" in run.statuses.values() else 1)
    shown = {"idconv": "pubmed", "doiorg": "doi.org"}.get(service, service)
    named = {o["service"] for r in run.report["references"] for o in r["resolution"]["unavailable"]}
    assert shown in named
    for reference in run.report["references"]:  # provenance: how each failure happened
        for outage in reference["resolution"]["unavailable"]:
            assert outage["kind"] and outage["reason"]
    assert outcome.yield_ >= DOWN_BARS.get(service, 0.0), _judged_as_before(outcome)
    detail = _judged_as_before(outcome)
    if service == "crossref":
        held = held_by_pubmed_or_europepmc(healthy.statuses)
        judged = {k for k in held if run.statuses[k] == healthy.statuses[k]}
        assert judged == held
        detail += f"; held by PubMed or Europe PMC: {len(judged)} of {len(held)} judged"
    request.node.user_properties.append(("reliability", detail))


@pytest.mark.parametrize(
    "choices",
    [
        pytest.param(
            QUICK_FAULTS,
            marks=REL(
                "fault rate: 500 references",
                "30% of every quick fault kind",
                "every reference judged as in the fault-free run or cannot-determine",
            ),
        )
    ],
)
def test_every_quick_fault_kind_at_30_percent_never_misjudges(tmp_path, request, choices):
    """Wrong shapes, malformed bodies, wrong content types and redirect loops as well."""
    papers, bib = bibliography(500)
    project = make_project(tmp_path, bib)
    healthy = audit(project, papers, tmp_path / "cache-healthy")
    run = audit(project, papers, tmp_path / "cache-faulty", rate=0.3, seed=30, choices=choices)
    outcome = compare(healthy.statuses, run.statuses)
    assert outcome.wrong == {}
    assert run.code == (2 if "cannot-determine" in run.statuses.values() else 1)
    judged = Counter(v for v in run.statuses.values() if v != "cannot-determine")
    request.node.user_properties.append(
        (
            "reliability",
            f"{run.requests} requests, {run.faulted} faulted; {_judged_as_before(outcome)} "
            f"({', '.join(f'{n} {v}' for v, n in judged.most_common())}); 0 misjudged",
        )
    )
