"""What a new user does in the first hour, end to end: the installed `claimcheck` command, run as
a subprocess, against a loopback server that answers like the bibliographic services.

Each journey is a sequence of commands a person would type, asserting exit codes, verdicts and
the files left behind: the bundled project edited, checked, fixed and checked again; a new
project scaffolded from a Markdown article; a bulk index named in claimcheck.toml; and no
network at all. The papers the server knows are the records of the bundled evidence lock (a
file of this repository), so nothing here needs ../shared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO
from fakeweb import FakeWeb, Paper, environment
from faultserver import FaultServer, closed_port

#: The command as installed beside this Python (CI installs the package with `pip install .`).
CLAIMCHECK = Path(sys.executable).parent / ("claimcheck.exe" if os.name == "nt" else "claimcheck")
pytestmark = pytest.mark.skipif(
    not CLAIMCHECK.exists(),
    reason=f"no installed claimcheck command beside {sys.executable} (pip install '.[test]')",
)
LOCK_RECORDS = json.loads((REPO / "claimcheck.lock").read_text(encoding="utf-8"))["records"]
#: Test-fast bounds for the HTTP layer: no test waits on a real timeout.
FAST = {"CLAIMCHECK_HTTP_DEADLINE": "2", "CLAIMCHECK_HTTP_MAX_BYTES": "2000000"}


def _record(key_end: str) -> dict:
    return next(record for key, record in LOCK_RECORDS.items() if key.endswith(key_end))


def papers() -> list[Paper]:
    """The lock's records with a DOI, as the services would serve them."""
    served = []
    for record in LOCK_RECORDS.values():
        if not record["doi"]:
            continue
        served.append(
            Paper(
                doi=record["doi"],
                title=record["title"],
                authors=[(a["family"] or a["literal"], a["given"]) for a in record["authors"]],
                journal=record["container_title"],
                year=record["year"],
                volume=record["volume"],
                pages=record["pages"],
                pmid=record["pmid"],
                abstract=record["abstract"],
            )
        )
    return served


def csl_item(record: dict, item_id: str) -> dict:
    """A lock record as the CSL-JSON item a reference manager would export."""
    return {
        "id": item_id,
        "type": "article-journal",
        "title": record["title"],
        "author": [
            {"family": a["family"], "given": a["given"]} if a["family"] else {"literal": a["literal"]}
            for a in record["authors"]
        ],
        "container-title": record["container_title"],
        "issued": {"date-parts": [[int(record["year"])]]},
        "volume": record["volume"],
        "page": record["pages"],
        "DOI": record["doi"],
        "abstract": record["abstract"],
    }


@pytest.fixture(scope="module")
def web():
    server = FaultServer(FakeWeb(papers()))
    yield server
    server.stop()


def online(server: FaultServer, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CLAIMCHECK_DEBUG", "PYTHONPATH"}}
    return env | environment(server.url, str(tmp_path / "cache")) | FAST | {"COLUMNS": "100"}


def no_network(tmp_path: Path) -> dict[str, str]:
    """Every service unreachable: each base URL points at a loopback port nothing listens on."""
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if k not in {"CLAIMCHECK_DEBUG", "PYTHONPATH"}}
    env |= environment(f"http://127.0.0.1:{port}", str(tmp_path / "cache")) | FAST
    return env


def claimcheck(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(CLAIMCHECK), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def statuses(report: dict) -> dict[str, str]:
    return {r["key"]: r["status"] for r in report["references"]}


def reference(report: dict, key: str) -> dict:
    return next(r for r in report["references"] if r["key"] == key)


def codes(item: dict) -> list[str]:
    return [f["code"] for f in item["findings"]]


def edit_year(project: Path, key: str, old: str, new: str) -> None:
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    entry = re.search(rf"@article\{{{key},.*?\n\}}", text, re.S)
    assert entry and f"{{{old}}}" in entry.group()
    edited = entry.group().replace(f"{{{old}}}", f"{{{new}}}")
    bib.write_text(text.replace(entry.group(), edited), encoding="utf-8")


def baseline(project: Path, tmp_path: Path) -> dict[str, str]:
    """The verdicts of the untouched bundled audit (offline, from the lock)."""
    pristine = tmp_path / "pristine"
    shutil.copytree(project, pristine)
    env = no_network(tmp_path)
    done = claimcheck("check", "--offline", "--format", "json", cwd=pristine, env=env)
    assert done.returncode == 1, done.stderr
    return statuses(json.loads(done.stdout))


def _bibtex_fields(report: dict) -> dict[str, set[str]]:
    names = {"authors": "author"}
    return {
        r["key"]: {names.get(f["field"], f["field"]) for f in r["findings"] if f.get("field")}
        for r in report["references"]
    }


def test_edit_a_reference_check_online_fix_it_and_it_verifies(bundled_project: Path, web, tmp_path: Path):
    before = baseline(bundled_project, tmp_path)
    env = online(web, tmp_path)
    edit_year(bundled_project, "bailey2024peptides", "2024", "2023")

    # check, online, with the lock present: the edited entry is resolved anew, the rest from the lock
    done = claimcheck("check", "--format", "json", cwd=bundled_project, env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    bailey = reference(report, "bailey2024peptides")
    assert bailey["status"] == "metadata-mismatch" and codes(bailey) == ["R014"]
    assert statuses(report) == before | {"bailey2024peptides": "metadata-mismatch"}

    # bib fix: a diff that touches only the fields with findings (and adds the missing ones)
    fix = claimcheck("bib", "fix", cwd=bundled_project, env=env)
    assert fix.returncode == 0, fix.stderr
    assert re.search(r"^\d+ entries to rewrite in references\.bib$", fix.stderr, re.M), fix.stderr
    wrong = _bibtex_fields(report)
    current = None
    for line in fix.stdout.splitlines():
        if line.startswith((" @", "+@", "-@")):
            current = re.match(r".@\w+\{([^,]+),", line).group(1)
        elif line.startswith("-") and not line.startswith("---"):
            field = line[1:].split("=")[0].strip()
            assert field in wrong[current], f"{current}: '{field}' agreed with the record but was rewritten"
    assert "{{" not in "".join(line for line in fix.stdout.splitlines() if line.startswith("+"))
    assert "-  year    = {2023}," in fix.stdout and "+  year    = {2024}," in fix.stdout

    # apply the diff as a person would, and check again: the entry verifies
    subprocess.run(["git", "init", "-q"], cwd=bundled_project, check=True)
    subprocess.run(["git", "apply", "-"], cwd=bundled_project, input=fix.stdout, text=True, check=True)
    again = claimcheck("check", "--format", "json", cwd=bundled_project, env=env)
    assert again.returncode == 1, again.stderr  # the not-found references still fail the gate
    after = json.loads(again.stdout)
    assert reference(after, "bailey2024peptides")["status"] == "verified"
    for key, status in statuses(after).items():
        expected = "verified" if status != "not-found" else before[key]
        assert status == expected, key
    assert claimcheck("bib", "fix", cwd=bundled_project, env=env).stdout == ""  # nothing left


def test_the_same_edit_with_records_files_and_lock_records(bundled_project: Path, web, tmp_path: Path):
    """--records with `check`, `lock` and `bib fix`: the local source is searched beside the live ones."""
    env = online(web, tmp_path)
    records = tmp_path / "records.json"
    items = [csl_item(r, f"r{i}") for i, r in enumerate(LOCK_RECORDS.values())]
    records.write_text(json.dumps(items), encoding="utf-8")
    edit_year(bundled_project, "bailey2024peptides", "2024", "2023")

    done = claimcheck("check", "--records", records, "--format", "json", cwd=bundled_project, env=env)
    assert done.returncode == 1, done.stderr
    assert codes(reference(json.loads(done.stdout), "bailey2024peptides")) == ["R014"]
    fix = claimcheck("bib", "fix", "--records", records, cwd=bundled_project, env=env)
    assert fix.returncode == 0 and "+  year    = {2024}," in fix.stdout, fix.stderr
    lock = claimcheck("lock", "--records", records, cwd=bundled_project, env=env)
    assert lock.returncode == 0, lock.stderr
    assert "10 references: 7 found, 3 not found, 0 not locked" in lock.stdout
    locked = json.loads((bundled_project / "claimcheck.lock").read_text(encoding="utf-8"))
    assert locked["entries"]["bailey2024peptides"]["record"] is not None


ARTICLE = """# Weekly peptides for weight and liver fat

Obesity treatment has changed quickly in the last few years, and peptides are at the centre of it.

## What the trials found

Tirzepatide once weekly reduced body weight by 20.9% at 72 weeks in adults with obesity [1].

Tesamorelin reduced visceral fat and liver fat in HIV-infected patients with abdominal fat accumulation [2].

Catestatin improved insulin sensitivity and lowered hepatic glucose production in obese mice [3].

A growth hormone analog cut liver fat by half in every patient treated [4].

## References

1. Jastreboff AM, Aronne LJ, Ahmad NN, et al. Tirzepatide Once Weekly for the Treatment of Obesity. N Engl J Med. 2022.
2. Stanley TL, Fourman LT, Feldpausch MN, et al. Effect of Tesamorelin on Visceral Fat and Liver Fat in HIV-Infected Patients With Abdominal Fat Accumulation: A Randomized Clinical Trial. JAMA. 2014.
3. Ying W, Mahata S, Bandyopadhyay GK, et al. Catestatin Inhibits Obesity-Induced Macrophage Infiltration and Inflammation in the Liver and Suppresses Hepatic Glucose Production, Leading to Improved Insulin Sensitivity. Diabetes. 2018.
4. Hartmann K, Osei B. Growth hormone analogs halve hepatic fat in all patients. Journal of Hepatic Wonders. 2021.
"""


def _new_bibliography() -> str:
    tirzepatide = _record("10.1056/NEJMoa2206038")
    # every person of the record, without the group name it also lists: the whole list, printed
    people = " and ".join(f"{a['family']}, {a['given']}" for a in tirzepatide["authors"] if a["family"])
    return f"""@article{{jastreboff2022tirzepatide,
  author  = {{{people}}},
  title   = {{Tirzepatide Once Weekly for the Treatment of Obesity}},
  journal = {{The New England Journal of Medicine}},
  year    = {{2022}},
  doi     = {{10.1056/NEJMoa2206038}},
}}

@article{{stanley2014tesamorelin,
  author  = {{Stanley, T. L. and others}},
  title   = {{Effect of Tesamorelin on Visceral Fat and Liver Fat in {{HIV}}-Infected Patients With Abdominal Fat Accumulation: A Randomized Clinical Trial}},
  journal = {{JAMA}},
  year    = {{2014}},
}}

@article{{ying2018catestatin,
  author  = {{Ying, W. and Mahata, S. and others}},
  title   = {{Catestatin Inhibits Obesity-Induced Macrophage Infiltration and Inflammation in the Liver and Suppresses Hepatic Glucose Production, Leading to Improved Insulin Sensitivity}},
  journal = {{Diabetes}},
  year    = {{2018}},
}}

@article{{hartmann2021growth,
  author  = {{Hartmann, K. and Osei, B.}},
  title   = {{Growth hormone analogs halve hepatic fat in all patients}},
  journal = {{Journal of Hepatic Wonders}},
  year    = {{2021}},
}}
"""


#: Every report format, with where it goes: standard output or a file named by suffix.
FORMATS = {
    "text": None,
    "github": None,
    "json": "report.json",
    "html": "report.html",
    "markdown": "report.md",
    "csv": "report.csv",
    "xlsx": "report.xlsx",
    "sarif": "report.sarif",
    "junit": "report.xml",
}


def test_new_project_from_a_markdown_article(web, tmp_path: Path):
    env = online(web, tmp_path)
    project = tmp_path / "new"
    (project / "claims").mkdir(parents=True)
    (project / "article.md").write_text(ARTICLE, encoding="utf-8")
    (project / "references.bib").write_text(_new_bibliography(), encoding="utf-8")
    # the catestatin paper is in no service the server knows: only in the user's own export
    (project / "catestatin.json").write_text(
        json.dumps([csl_item(_record("ying-2018-catestatin-inhibits-obesity-induced-macr"), "ying")]),
        encoding="utf-8",
    )

    scaffold = claimcheck("extract", "article.md", "-o", "claims/article.yaml", cwd=project, env=env)
    assert scaffold.returncode == 0, scaffold.stderr
    claims = (project / "claims" / "article.yaml").read_text(encoding="utf-8")
    for key in ("jastreboff2022tirzepatide", "stanley2014tesamorelin", "ying2018catestatin", "hartmann2021growth"):
        assert f"cites: [{key}]  # from the document's citation markers" in claims

    lint = claimcheck("lint", cwd=project, env=env)
    assert (lint.returncode, lint.stdout.strip()) == (0, "ok: 5 claims in 1 file(s), 4 references")

    lock = claimcheck("lock", "--records", "catestatin.json", cwd=project, env=env)
    assert lock.returncode == 0, lock.stderr
    assert lock.stdout.strip() == "wrote claimcheck.lock: 4 references: 3 found, 1 not found, 0 not locked"
    assert set(json.loads((project / "claimcheck.lock").read_text())["entries"]) == {
        "jastreboff2022tirzepatide",
        "stanley2014tesamorelin",
        "ying2018catestatin",
        "hartmann2021growth",
    }

    printed_codes: set[str] = set()
    for fmt, output in FORMATS.items():
        args = ["check", "--format", fmt] + (["-o", output] if output else [])
        done = claimcheck(*args, cwd=project, env=env)
        assert done.returncode == 1, (fmt, done.stderr)  # the invented reference is an error
        if output:
            assert done.stdout == ""
            assert re.match(rf"wrote {fmt} report to {re.escape(output)}: 4 references \(", done.stderr)
        target = project / output if output else None
        if fmt == "json":
            report = json.loads(target.read_text(encoding="utf-8"))
            assert statuses(report) == {
                "jastreboff2022tirzepatide": "verified",  # the group name is not a missing author
                "stanley2014tesamorelin": "verified",
                "ying2018catestatin": "verified",
                "hartmann2021growth": "not-found",
            }
            assert reference(report, "hartmann2021growth")["findings"][0]["message"].endswith(
                "no close candidate"
            )
            printed_codes |= {f["code"] for r in report["references"] for f in r["findings"]}
            printed_codes |= {f["code"] for c in report["claims"] for f in c["findings"]}
            printed_codes |= {d["finding"]["code"] for d in report.get("document_findings", [])}
        elif fmt == "text":
            printed_codes |= set(re.findall(r"\b([RCD]\d{3})\b", done.stdout))
            assert "hartmann2021growth" in done.stdout and "NOT-FOUND (1)" in done.stdout
        elif fmt == "github":
            assert "::error" in done.stdout
        elif fmt == "html":
            assert "<html" in target.read_text(encoding="utf-8")
        elif fmt == "markdown":
            assert "hartmann2021growth" in target.read_text(encoding="utf-8")
        elif fmt == "csv":
            header = target.read_text(encoding="utf-8").splitlines()[0]
            assert header.startswith("claim,reference,study,verdict")
        elif fmt == "xlsx":
            assert target.read_bytes()[:2] == b"PK"
        elif fmt == "sarif":
            assert json.loads(target.read_text(encoding="utf-8"))["runs"][0]["results"]
        elif fmt == "junit":
            assert ET.fromstring(target.read_bytes()).tag in {"testsuites", "testsuite"}

    assert {"R001", "C002"} <= printed_codes
    for code in sorted(printed_codes):
        page = claimcheck("explain", code, cwd=project, env=env)
        assert page.returncode == 0, (code, page.stderr)
        assert page.stdout.startswith(f"# {code} "), page.stdout[:80]
        assert not [line for line in page.stdout.splitlines() if line != line.rstrip()], code


def test_bulk_index_in_claimcheck_toml_then_edit_and_check(bundled_project: Path, web, tmp_path: Path):
    env = online(web, tmp_path)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        "\n".join(json.dumps(csl_item(r, f"r{i}")) for i, r in enumerate(LOCK_RECORDS.values())) + "\n",
        encoding="utf-8",
    )
    built = claimcheck("index", "build", "--records", dump, "--index", "local.sqlite", cwd=bundled_project, env=env)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"indexed {len(LOCK_RECORDS)} records into local.sqlite")
    (bundled_project / "claimcheck.toml").write_text('[sources.local]\nindex = "local.sqlite"\n', encoding="utf-8")
    edit_year(bundled_project, "falholt1998ipamorelin", "1998", "1999")

    done = claimcheck("check", "--format", "json", cwd=bundled_project, env=env)
    assert done.returncode == 1, done.stderr
    falholt = reference(json.loads(done.stdout), "falholt1998ipamorelin")
    assert falholt["status"] == "metadata-mismatch"
    assert codes(falholt) == ["R011", "R014"]  # the printed author was wrong already; now the year too

    # a missing index is bad input, named, even when the lock would have covered every entry
    (bundled_project / "local.sqlite").unlink()
    missing = claimcheck("check", cwd=bundled_project, env=env)
    assert missing.returncode == 3
    assert missing.stderr.startswith("local.sqlite: local index not found"), missing.stderr


def test_no_network_at_all(bundled_project: Path, tmp_path: Path):
    env = no_network(tmp_path)
    edit_year(bundled_project, "bailey2024peptides", "2024", "2023")
    (bundled_project / "references.bib").write_text(
        (bundled_project / "references.bib").read_text(encoding="utf-8")
        + "\n@article{new2021peptide,\n  author = {Nobody, A.},\n  title = {A peptide no local record holds},\n"
        "  journal = {Peptides},\n  year = {2021},\n}\n",
        encoding="utf-8",
    )

    done = claimcheck("check", cwd=bundled_project, env=env)
    assert done.returncode == 2, done.stderr
    # one statement, not every source's error for every reference
    assert "ConnectionError" not in done.stdout and "127.0.0.1" not in done.stdout
    statement = done.stdout.strip().splitlines()[-1]
    assert statement.startswith("INCOMPLETE: could not reach crossref, europepmc, openalex, pubmed"), statement
    assert "(connection failed)" in statement and "incomplete (exit 2)" in statement
    assert "claimcheck check --offline" in statement
    undetermined = [line for line in done.stdout.splitlines() if "R003 cannot-determine" in line]
    assert len(undetermined) == 1 and "new2021peptide" in done.stdout  # bailey: the lock's records hold it
    assert len(undetermined[0]) < 200

    # the same run into a file: the statement goes to the terminal (stderr)
    to_file = claimcheck("check", "-o", "report.json", cwd=bundled_project, env=env)
    assert to_file.returncode == 2
    assert "claimcheck: INCOMPLETE: could not reach" in to_file.stderr

    # --offline, as the statement says: the lock and its records answer for what they hold; their
    # silence about the new entry is no evidence that it does not exist (decision 0704)
    offline = claimcheck("check", "--offline", "--format", "json", cwd=bundled_project, env=env)
    assert offline.returncode == 2, offline.stderr
    report = json.loads(offline.stdout)
    assert codes(reference(report, "bailey2024peptides")) == ["R014"]
    new = reference(report, "new2021peptide")
    assert new["status"] == "cannot-determine"
    assert "no bibliographic service was asked" in new["findings"][0]["message"]
    assert "claimcheck lock" in offline.stderr and "Check the network" not in offline.stderr

    lock = claimcheck("lock", cwd=bundled_project, env=env)
    assert lock.returncode == 2
    # live, the lock's own records are not evidence (they would only echo the past): nothing resolves
    assert lock.stdout.strip() == "wrote claimcheck.lock: 11 references: 0 found, 0 not found, 11 not locked"
    (why,) = [line for line in lock.stderr.splitlines() if "not locked:" in line]  # one reason, one line
    assert re.search(r"not locked: teich2006cjc1295, .*new2021peptide: .*did not answer \(connection failed\)", why)
    assert "INCOMPLETE: could not reach" in lock.stderr and "run `claimcheck lock` again" in lock.stderr

    fix = claimcheck("bib", "fix", cwd=bundled_project, env=env)
    assert fix.returncode == 2
    assert "INCOMPLETE: could not reach" in fix.stderr and "bib fix --offline" in fix.stderr
    offline_fix = claimcheck("bib", "fix", "--offline", cwd=bundled_project, env=env)
    assert offline_fix.returncode == 2, offline_fix.stderr  # the new entry is still undetermined
    assert "+  year    = {2024}," in offline_fix.stdout
