"""The HTML report: self-contained, every claim and both charts, inert data, no request leaves it.

The browser tests use Debian's headless Chromium (`apt-get install -y chromium`) and skip with
that instruction when it is missing. The screenshot lands in test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import XSS, add_claim, set_abstract

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
ALLOWED_LINKS = ("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/")

lxml_html = pytest.importorskip("lxml.html", reason="lxml parses the report's DOM (pip install lxml)")


def _chromium() -> str:
    found = (
        os.environ.get("CLAIMCHECK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install -y chromium)")
    return found


def _run_chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=3000",
        *extra,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def hostile_report(cli, bundled_project, tmp_path) -> Path:
    """The bundled article plus a claim and an abstract that carry markup, rendered to HTML."""
    add_claim(bundled_project, "hostile-claim", f"Peptides reverse ageing {XSS}", ["bailey2024peptides"])
    set_abstract(bundled_project, "bailey2024peptides", f"An abstract with markup {XSS} inside.")
    target = tmp_path / "report.html"
    done = cli("check", bundled_project, "--output", target)
    assert done.returncode == 1, done.stderr
    return target


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_report_is_self_contained_with_a_strict_policy(hostile_report):
    page = hostile_report.read_text(encoding="utf-8")
    doc = lxml_html.fromstring(page)
    policy = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert policy.startswith("default-src 'none';")
    assert "unsafe-inline" not in policy and "http" not in policy
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert f"style-src {_hash(style)}" in policy and f"script-src {_hash(script)}" in policy
    assert (
        not doc.xpath("//*[@src]") and not doc.xpath("//link") and not doc.xpath("//iframe|//object|//embed")
    )
    assert not doc.xpath("//*[@style]"), "style attributes would be blocked by the policy"
    for href in doc.xpath("//@href"):
        assert href.startswith("#") or href.startswith(ALLOWED_LINKS), href
    assert doc.xpath("//a[starts-with(@href, 'https://doi.org/10.1210/jc.2005-1536')]")
    assert "url(" not in style and "@import" not in style


def test_markup_in_claims_and_abstracts_is_inert_text(hostile_report):
    page = hostile_report.read_text(encoding="utf-8")
    assert "<script>alert" not in page and 'onload="alert' not in page
    doc = lxml_html.fromstring(page)
    assert len(doc.xpath("//script")) == 1, "only the report's own script"
    assert not [a for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")]
    claim = doc.get_element_by_id("claim-hostile-claim")
    assert XSS in claim.text_content()
    abstracts = [p.text_content() for p in doc.find_class("abstract")]
    assert any(XSS in text for text in abstracts)


def test_chromium_renders_charts_every_claim_and_makes_no_request(hostile_report, bundled_project, tmp_path):
    net_log = tmp_path / "net.json"
    done = _run_chromium(hostile_report.as_uri(), tmp_path, "--dump-dom", f"--log-net-log={net_log}")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = lxml_html.fromstring(done.stdout)
    assert dom.get("data-ready") == "true", "the inline script ran under the page's policy"
    claims = dom.xpath("//article[contains(concat(' ', @class, ' '), ' claim ')]")
    assert len(claims) == 100
    ids = {a.get("id") for a in claims}
    expected = {
        "claim-" + re.sub(r"[^A-Za-z0-9_-]", "-", line.split("id:", 1)[1].strip())
        for line in (bundled_project / "claims/peptides-insulin-resistance.yaml").read_text().splitlines()
        if line.strip().startswith("- id:")
    }
    assert ids == expected
    verdicts = {a.get("data-verdict") for a in claims}  # one bar per verdict present
    bars = dom.xpath("//figure[@id='chart-verdicts']//*[local-name()='g'][@data-filter-verdict]")
    assert {bar.get("data-filter-verdict") for bar in bars} == verdicts and len(bars) == len(verdicts)
    assert len(dom.xpath("//figure[@id='chart-statuses']//*[local-name()='g'][@data-filter-status]")) == 3
    assert len(dom.xpath("//article[contains(concat(' ', @class, ' '), ' reference ')]")) == 10
    assert len(dom.xpath("//script")) == 1
    hostile = dom.get_element_by_id("claim-hostile-claim")
    assert XSS in hostile.text_content()
    assert _page_requests(net_log) == []


def test_the_request_detector_sees_a_page_request(tmp_path):
    """Control for the test above: a page that loads an image does show up in the net log."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    net_log = tmp_path / "net.json"
    done = _run_chromium(page.as_uri(), tmp_path, "--dump-dom", f"--log-net-log={net_log}")
    assert done.returncode == 0
    assert _page_requests(net_log) == ["http://127.0.0.1:9/pixel.png"]


def test_filters_by_verdict_from_a_link(hostile_report, tmp_path):
    url = hostile_report.as_uri() + "#verdict=cites-defective-reference"
    done = _run_chromium(url, tmp_path, "--dump-dom")
    dom = lxml_html.fromstring(done.stdout)
    visible = dom.xpath("//article[contains(concat(' ', @class, ' '), ' claim ')][not(@hidden)]")
    assert len(visible) == 13
    assert {a.get("data-verdict") for a in visible} == {"cites-defective-reference"}
    assert dom.get_element_by_id("shown-claims").text == "13"
    url = hostile_report.as_uri() + "#code=C001"
    dom = lxml_html.fromstring(_run_chromium(url, tmp_path, "--dump-dom").stdout)
    assert len(dom.xpath("//article[contains(concat(' ', @class, ' '), ' claim ')][not(@hidden)]")) == 51


def test_screenshot_artifact(cli, bundled_project, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "html-report.html"
    assert cli("check", bundled_project, "--format", "html", "--output", target).returncode == 1
    shot = ARTIFACTS / "html-report.png"
    shot.unlink(missing_ok=True)
    done = _run_chromium(
        target.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1280,1800", "--hide-scrollbars"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = ARTIFACTS / "html-report.pdf"
    done = _run_chromium(target.as_uri(), tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    assert done.returncode == 0 and pdf.read_bytes()[:5] == b"%PDF-"


def _page_requests(net_log: Path) -> list[str]:
    """http(s) requests the page started (the browser's own, e.g. update checks, have no origin)."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in data["events"]:
        params = event.get("params", {})
        url = params.get("url", "")
        page_started = params.get("initiator") != "not an origin"
        if event["type"] == start and url.startswith(("http:", "https:")) and page_started:
            found.append(url)
    return found
