"""End to end: the real `claimcheck` command against a local HTTP server standing in for every
bibliographic service (real sockets, base URLs from the environment)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from fakeweb import FakeWeb, Paper, environment

ABSTRACT = "Tesamorelin lowered visceral fat by fifteen percent over 26 weeks in adults with obesity"

PAPERS = [
    Paper(
        "10.1000/good.1",
        "Tesamorelin reduces visceral adipose tissue in adults with abdominal obesity",
        [("Stanley", "TL"), ("Grinspoon", "SK")],
        "Journal of Clinical Endocrinology and Metabolism",
        "2014",
        volume="99",
        pages="1-10",
        pmid="11111111",
        abstract=ABSTRACT,
    ),
    Paper(
        "10.1000/mismatch.2",
        "Growth hormone secretagogues and glucose tolerance in older people",
        [("Nass", "R"), ("Thorner", "MO")],
        "Annals of Internal Medicine",
        "2008",
        volume="149",
        pages="601-611",
        pmid="22222222",
    ),
    Paper(
        "10.1000/retracted.3",
        "Peptide therapy reverses insulin resistance within four weeks",
        [("Fraud", "A"), ("Fabricator", "B")],
        "Metabolism",
        "2016",
        volume="65",
        pages="10-20",
        pmid="33333333",
        retracted_by="10.1000/notice.9",
    ),
    Paper(
        "10.1000/notice.9",
        "Retraction notice to: Peptide therapy reverses insulin resistance within four weeks",
        [("The Editors", "")],
        "Metabolism",
        "2019",
        volume="90",
        pages="1",
        retracts="10.1000/retracted.3",
    ),
    Paper(
        "10.48550/arxiv.2401.00001",
        "A benchmark of growth hormone releasing peptides in silico",
        [("Smith", "J"), ("Jones", "K")],
        "arXiv",
        "2024",
        agency="DataCite",
        abstract="We benchmark peptides in silico.",
    ),
    Paper(
        "10.1000/pmidonly.5",
        "Ipamorelin stimulates growth hormone release without raising cortisol",
        [("Raun", "K"), ("Hansen", "BS")],
        "European Journal of Endocrinology",
        "1998",
        volume="139",
        pages="552-561",
        pmid="55555555",
        abstract="Ipamorelin is selective.",
    ),
    Paper(
        "10.1000/search.6",
        "Visceral adiposity and metabolic profile in patients receiving tesamorelin",
        [("Fourman", "LT"), ("Czerwonka", "N")],
        "The Journal of Infectious Diseases",
        "2012",
        volume="206",
        pages="1-8",
        pmid="66666666",
        abstract="Reduction in visceral adiposity.",
    ),
]

BIB = r"""
@article{good, author = {Stanley, T. L. and Grinspoon, S. K.},
  title = {Tesamorelin reduces visceral adipose tissue in adults with abdominal obesity},
  journal = {Journal of Clinical Endocrinology and Metabolism}, year = {2014}, doi = {10.1000/good.1}}
@article{mismatch, author = {Nass, R. and Thorner, M. O.},
  title = {Growth hormone secretagogues and glucose tolerance in older people},
  journal = {Annals of Internal Medicine}, year = {2011}, doi = {https://doi.org/10.1000/MISMATCH.2}}
@article{retracted, author = {Fraud, A. and Fabricator, B.},
  title = {Peptide therapy reverses insulin resistance within four weeks},
  journal = {Metabolism}, year = {2016}, doi = {10.1000/retracted.3}}
@article{notice, author = {{The Editors}},
  title = {Retraction notice to: Peptide therapy reverses insulin resistance within four weeks},
  journal = {Metabolism}, year = {2019}, doi = {10.1000/notice.9}}
@article{missing, author = {Ghost, G.}, title = {A paper that was never published anywhere at all},
  journal = {Metabolism}, year = {2020}, doi = {10.1000/missing.404}}
@article{nosuchprefix, author = {Ghost, G.}, title = {Another paper under an unregistered prefix},
  journal = {Metabolism}, year = {2020}, doi = {10.9999/nowhere.1}}
@article{preprint, author = {Smith, J. and Jones, K.},
  title = {A benchmark of growth hormone releasing peptides in silico}, journal = {arXiv}, year = {2024},
  doi = {10.48550/arXiv.2401.00001}}
@article{pmidonly, author = {Raun, K. and Hansen, B. S.},
  title = {Ipamorelin stimulates growth hormone release without raising cortisol},
  journal = {European Journal of Endocrinology}, year = {1998}, pmid = {55555555}}
@article{searchonly, author = {Fourman, L. T. and Czerwonka, N.},
  title = {Visceral adiposity and metabolic profile in patients receiving tesamorelin},
  journal = {The Journal of Infectious Diseases}, year = {2012}}
"""

CLAIMS = """
document:
  title: Test article
claims:
  - id: tesamorelin-vat
    text: "Tesamorelin reduces visceral fat by 15% over 26 weeks."
    cites: [good, searchonly]
  - id: peptides-reverse-ir
    text: "Peptide therapy reverses insulin resistance within four weeks."
    cites: [retracted]
"""

EXPECTED = {
    "good": "verified",
    "mismatch": "metadata-mismatch",
    "retracted": "retracted",
    "notice": "verified",
    "missing": "not-found",
    "nosuchprefix": "not-found",
    "preprint": "verified",
    "pmidonly": "verified",
    "searchonly": "verified",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "claims").mkdir(parents=True)
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "claims" / "test.yaml").write_text(CLAIMS, encoding="utf-8")
    return root


@pytest.fixture
def web(httpserver) -> FakeWeb:
    # A copy: tests change papers (a late retraction), and other modules import PAPERS.
    fake = FakeWeb(copy.deepcopy(PAPERS))
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    return fake


@pytest.fixture
def env(httpserver, tmp_path: Path) -> dict[str, str]:
    return environment(httpserver.url_for("").rstrip("/"), str(tmp_path / "cache"))


def _statuses(stdout: str) -> dict[str, str]:
    report = json.loads(stdout)
    return {r["key"]: r["status"] for r in report["references"]}


def _report(stdout: str) -> dict:
    return json.loads(stdout)


def test_mixed_bibliography_resolves_with_expected_verdicts(cli, project, web, env):
    done = cli("check", project, "--format", "json", env=env)
    assert done.returncode == 1, done.stderr  # findings (the retraction, the mismatch), run complete
    report = _report(done.stdout)
    assert report["complete"] is True
    assert _statuses(done.stdout) == EXPECTED
    by_key = {r["key"]: r for r in report["references"]}
    codes = {r["key"]: [f["code"] for f in r["findings"]] for r in report["references"]}
    assert "R014" in codes["mismatch"]  # the year, printed 2011, record 2008
    assert codes["notice"] == []  # citing the retraction notice itself is no defect
    assert by_key["pmidonly"]["record"]["identifiers"]["doi"] == "10.1000/pmidonly.5"
    assert "pubmed" in by_key["good"]["resolution"]["sources"]
    assert by_key["good"]["record"]["abstract"].startswith("BACKGROUND: Tesamorelin")
    assert "10.48550" in by_key["preprint"]["record"]["identifiers"]["doi"]
    assert by_key["searchonly"]["resolution"]["method"] == "search"


def test_retracted_paper_is_flagged_with_the_notice_and_keeps_field_findings(cli, project, web, env):
    bib = (project / "references.bib").read_text().replace("year = {2016}, doi", "year = {2015}, doi")
    (project / "references.bib").write_text(bib)
    report = _report(cli("check", project, "--format", "json", env=env).stdout)
    retracted = next(r for r in report["references"] if r["key"] == "retracted")
    assert retracted["status"] == "retracted"
    codes = [f["code"] for f in retracted["findings"]]
    assert "R020" in codes and "R014" in codes
    r020 = next(f for f in retracted["findings"] if f["code"] == "R020")
    assert "10.1000/notice.9" in r020["message"] and r020["severity"] == "error"
    claim = next(c for c in report["claims"] if c["id"] == "peptides-reverse-ir")
    assert claim["verdict"] == "cites-defective-reference"


def test_unknown_doi_is_not_found_only_because_the_owning_agency_said_so(cli, project, web, env):
    done = cli("check", project, "--format", "json", env=env)
    statuses = _statuses(done.stdout)
    assert statuses["missing"] == "not-found"
    # Crossref answered 404 for it, and doi.org was asked who owns the prefix before concluding.
    assert ("crossref", "GET", "works/10.1000/missing.404") in web.log
    assert any(s == "doiorg" and path == "ra/10.1000" for s, _, path in web.log)
    # A DataCite DOI that Crossref lacks is not "not found": DataCite holds it.
    assert statuses["preprint"] == "verified"
    assert any(s == "datacite" for s, _, _ in web.log)
    assert ("crossref", "GET", "works/10.48550/arxiv.2401.00001") not in web.log  # not Crossref's to deny


def test_an_agency_outage_is_never_a_missing_paper(cli, project, web, env):
    web.faults["doiorg"] = "503"
    done = cli("check", project, "--format", "json", env=env)
    assert done.returncode == 2
    statuses = _statuses(done.stdout)
    assert statuses["missing"] == "cannot-determine"
    # DataCite could not be found as the owner, but OpenAlex and Europe PMC hold the preprint and
    # answered: its verdict needs nothing doi.org gives (decision 0201); doi.org is named.
    assert statuses["preprint"] == "verified"
    preprint = next(r for r in _report(done.stdout)["references"] if r["key"] == "preprint")
    assert [o["service"] for o in preprint["resolution"]["unavailable"]] == ["doi.org"]
    assert statuses["good"] == "verified"  # every source answered about it


@pytest.mark.parametrize("service", ["crossref", "pubmed", "europepmc"])
def test_a_503_makes_the_run_incomplete_not_a_missing_paper(cli, project, web, env, service):
    web.faults[service] = "503"
    done = cli("check", project, "--format", "json", env=env)
    assert done.returncode == 2, done.stderr
    report = _report(done.stdout)
    assert report["complete"] is False
    statuses = _statuses(done.stdout)
    assert "not-found" not in {statuses[k] for k in ("good", "missing", "pmidonly")}
    assert statuses["missing"] == "cannot-determine"  # not-found needs every service's "no"
    # "good" is held by the others, which carry its notices: judged, the 503 named (decision 0201)
    assert statuses["good"] == "verified"
    good = next(r for r in report["references"] if r["key"] == "good")
    assert {(o["service"], o["status"]) for o in good["resolution"]["unavailable"]} == {(service, 503)}
    assert any("HTTP 503" in reason for reason in report["incomplete_reasons"])


def test_a_timeout_makes_the_run_incomplete(cli, project, web, env):
    web.faults["crossref"] = "timeout"
    web.hang = 1.0
    done = cli(
        "check", project, "--format", "json", env={**env, "CLAIMCHECK_HTTP_TIMEOUT": "0.3"}, timeout=60
    )
    assert done.returncode == 2
    statuses = _statuses(done.stdout)
    assert statuses["missing"] == "cannot-determine"
    assert "timed out" in " ".join(_report(done.stdout)["incomplete_reasons"])


def test_429_beyond_the_retry_budget_makes_the_run_incomplete(cli, project, web, env):
    web.faults["crossref"] = "429"
    done = cli("check", project, "--format", "json", env=env)
    assert done.returncode == 2
    assert _statuses(done.stdout)["missing"] == "cannot-determine"
    assert "HTTP 429" in " ".join(_report(done.stdout)["incomplete_reasons"])
    # The first request and its one retry, then the next request's first attempt: the third 429
    # in a row opens Crossref's circuit, and nothing more is sent to it during the cool-down.
    assert web.count("crossref") == 3


def test_an_unparseable_reply_is_an_outage(cli, project, web, env):
    web.faults["openalex"] = "garbage"
    done = cli("check", project, "--format", "json", env=env)
    assert done.returncode == 2
    assert _statuses(done.stdout)["missing"] == "cannot-determine"
    assert _statuses(done.stdout)["good"] == "verified"  # OpenAlex was not needed for it
    good = next(r for r in _report(done.stdout)["references"] if r["key"] == "good")
    assert [(o["service"], o["kind"]) for o in good["resolution"]["unavailable"]] == [
        ("openalex", "html-page")
    ]


def test_second_run_is_answered_from_the_cache(cli, project, web, env):
    first = cli("check", project, "--format", "json", env=env)
    sent = len(web.log)
    assert sent > 0
    second = cli("check", project, "--format", "json", env=env)
    assert len(web.log) == sent  # not a single request
    assert _statuses(second.stdout) == _statuses(first.stdout)


def test_lock_then_check_works_without_the_network(cli, project, web, env):
    locked = cli("lock", project, env=env)
    assert locked.returncode == 0, locked.stderr
    lock_text = (project / "claimcheck.lock").read_text()
    assert "retraction" in lock_text
    web.faults.update(
        {
            s: "503"
            for s in (
                "crossref",
                "pubmed",
                "openalex",
                "europepmc",
                "semanticscholar",
                "datacite",
                "doiorg",
                "idconv",
            )
        }
    )
    before = len(web.log)
    done = cli("check", project, "--format", "json", env={**env, "CLAIMCHECK_CACHE": "off"})
    assert len(web.log) == before  # every entry is locked: no source is asked
    assert done.returncode == 1
    assert _statuses(done.stdout) == EXPECTED
    assert _report(done.stdout)["lock"]["age_days"] >= 0


def test_refresh_goes_live_and_rewrites_the_lock(cli, project, web, env):
    cli("lock", project, env=env)
    web.papers[0].retracted_by = "10.1000/late.notice"  # retracted since the lock was written
    before = len(web.log)
    done = cli("check", project, "--refresh", "--format", "json", env={**env, "CLAIMCHECK_CACHE": "off"})
    assert len(web.log) > before
    assert _statuses(done.stdout)["good"] == "retracted"
    assert "10.1000/late.notice" in (project / "claimcheck.lock").read_text()


def test_offline_asks_no_source(cli, project, web, env):
    done = cli("check", project, "--offline", "--format", "json", env=env)
    assert web.log == []
    assert done.returncode == 2  # nothing locked, no local records: cannot be determined
    assert set(_statuses(done.stdout).values()) == {"cannot-determine"}
    by_environment = cli("check", project, "--format", "json", env={**env, "CLAIMCHECK_OFFLINE": "1"})
    assert web.log == [] and by_environment.returncode == 2


def test_identification_stays_out_of_reports_and_lock(cli, project, web, env, httpserver):
    secret_env = {
        **env,
        "CLAIMCHECK_CROSSREF_MAILTO": "zqx-person@example.org",
        "CLAIMCHECK_SEMANTICSCHOLAR_API_KEY": "zqx-s2-key",
        "CLAIMCHECK_PUBMED_API_KEY": "zqx-ncbi-key",
    }
    done = cli("lock", project, env=secret_env)
    assert done.returncode == 0, done.stderr
    report = cli("check", project, "--format", "json", env=secret_env)
    for text in (
        done.stdout,
        done.stderr,
        report.stdout,
        report.stderr,
        (project / "claimcheck.lock").read_text(),
    ):
        assert "zqx" not in text
    # ... but the services did receive it.
    sent = [entry[0] for entry in httpserver.log]
    assert any("mailto=zqx-person" in r.query_string.decode() for r in sent if "crossref" in r.path)
    assert any(r.headers.get("x-api-key") == "zqx-s2-key" for r in sent if "semanticscholar" in r.path)
    cache_bytes = b"".join(p.read_bytes() for p in Path(env["CLAIMCHECK_CACHE_DIR"]).glob("*.sqlite*"))
    assert b"secret-person" not in cache_bytes and b"zqx-s2-key" not in cache_bytes


def test_the_bundled_project_checks_offline_from_its_lock(cli, bundled_project, httpserver, tmp_path):
    """A fresh clone: every entry is locked, so `claimcheck check` asks no service at all."""
    fake = FakeWeb([])
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake)
    env = environment(httpserver.url_for("").rstrip("/"), str(tmp_path / "cache"))
    done = cli("check", bundled_project, "--format", "json", env=env)
    assert fake.log == []
    assert done.returncode in (0, 1), done.stderr
    assert _report(done.stdout)["complete"] is True
