"""Every report makes what it shows inert: hostile claim text, abstracts and titles.

One project carries the payloads an attacker controls (a claims file in a pull request, a bib
entry, an abstract served by a source): HTML and attribute injection, Markdown links and images,
GitHub workflow commands smuggled after a newline, spreadsheet formulas, terminal escape
sequences and characters XML cannot carry. Each format is rendered by the real command and
checked with that format's own parser.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from helpers import add_claim, set_abstract
from lxml import etree
from lxml import html as lxml_html

HOSTILE = (
    "=HYPERLINK(\"https://evil.invalid\") <script>alert('x')</script>\" onload=\"alert(1)\" "
    "[click](javascript:alert(1)) ![pixel](https://evil.invalid/p.png) <img src=x onerror=alert(1)> "
    "\n::error file=x::pwned\n# Injected heading\n| a | b |\n"
    "\x1b]0;owned\x07\x1b[2J[bold red]markup[/] \x00\x08\x0b\x0c\ufffe tail"
)
REL = pytest.mark.reliability.with_args(category="security: reports escape what they show")


@pytest.fixture
def hostile(bundled_project):
    add_claim(bundled_project, "hostile-claim", HOSTILE, ["bailey2024peptides"])
    add_claim(bundled_project, "plain-claim", "-5 kg of weight " + HOSTILE, ["bailey2024peptides"])
    set_abstract(bundled_project, "bailey2024peptides", "Abstract " + HOSTILE)
    return bundled_project


def render(cli, project, fmt: str) -> str:
    done = cli("check", project, "--format", fmt, "--fail-on", "never")
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@REL(case="html", outcome="no script, handler, javascript: link or remote image; text shown escaped")
def test_html(cli, hostile):
    out = render(cli, hostile, "html")
    assert "alert('x')" in out.replace("&#39;", "'")  # the text is there, as text
    tree = lxml_html.fromstring(out)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        assert not any(name.lower().startswith("on") for name in element.attrib), element.attrib
        assert "javascript:" not in element.get("href", "")
        assert "evil.invalid" not in element.get("src", "") and element.tag != "img"
        if element.tag == "script":
            assert "alert" not in (element.text or "")
    assert "\x1b" not in out and "\x00" not in out


@REL(case="markdown", outcome="no HTML, link, image, heading or table row from the payload")
def test_markdown(cli, hostile):
    out = render(cli, hostile, "markdown")
    assert "&lt;script&gt;" in out
    assert "<script" not in out and "<img" not in out
    assert "](javascript:" not in out and "![pixel]" not in out
    assert not any(line.startswith("# Injected") for line in out.splitlines())
    assert "\x1b" not in out and "\x00" not in out


@REL(case="sarif", outcome="valid JSON; results carry plain-text messages only (no markdown)")
def test_sarif(cli, hostile):
    sarif = json.loads(render(cli, hostile, "sarif"))
    assert any("hostile-claim" in r["message"]["text"] for run in sarif["runs"] for r in run["results"])
    for run in sarif["runs"]:
        for result in run["results"]:
            assert "markdown" not in result["message"]


@REL(case="junit", outcome="well-formed XML; characters XML cannot carry replaced")
def test_junit(cli, hostile):
    out = render(cli, hostile, "junit")
    document = etree.fromstring(out.encode("utf-8"))  # strict: raises on any invalid character
    assert "hostile-claim" in etree.tostring(document, encoding="unicode")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", out)


@REL(case="github annotations", outcome="one line per annotation; no smuggled workflow command")
def test_github(cli, hostile):
    out = render(cli, hostile, "github")
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert commands
    for line in commands:
        assert re.match(r"::(error|warning|notice)( [^:]*)?::", line), line
    assert not any(line.startswith("::error file=x") for line in out.splitlines())
    assert "hostile-claim" in out


@REL(case="csv", outcome="no cell a spreadsheet would run as a formula")
def test_csv(cli, hostile):
    rows = list(csv.reader(io.StringIO(render(cli, hostile, "csv"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not any(cell[:1] in {"=", "+", "-", "@", "\t", "\r"} for cell in cells)


@REL(case="text (terminal)", outcome="no escape sequence reaches the terminal; Rich markup shown literally")
def test_text(cli, hostile):
    out = render(cli, hostile, "text")
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert "=HYPERLINK" in out and "\\[bold" not in out
