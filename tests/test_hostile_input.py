"""Hostile and malformed input: for any input, a loader returns a result or raises InputError.

Property tests (hypothesis) feed the BibTeX, claims-YAML and document loaders arbitrary bytes
and text assembled from the syntax each format is made of (braces, @-entries, LaTeX macros,
YAML flow and block markers, HTML tags), then named edge cases check the result is correct or
the error clear (file and line).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.errors import InputError
from claimcheck.inputs.bibtex import load_bibliography
from claimcheck.inputs.claims import load_claims
from claimcheck.inputs.documents import read_document

PROPERTY = settings(
    max_examples=int(os.environ.get("CLAIMCHECK_HYPOTHESIS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BIB_PIECES = [
    "@article{",
    "@book(",
    "@string{x = ",
    "@comment{",
    "@preamble{",
    "key1,",
    "key1,",
    "KEY1,",
    "title = ",
    "author = ",
    "doi = ",
    "pmid = ",
    "year = ",
    "{",
    "}",
    "}}",
    "(",
    ")",
    '"',
    ",",
    "=",
    "#",
    "\\'e",
    '\\"{o}',
    "{\\ss}",
    "\\emph{",
    "\\textbf{x}",
    "$x^2$",
    "\\",
    "%",
    " and ",
    "others",
    "10.1000/x",
    "10.",
    "https://doi.org/10.1/a",
    "12345",
    "\n",
    " ",
    "é",
    "\u202e",
    "\ufeff",
    "\x0b",
    "\U0001f600",
    "ÿ",
    "\u0000",
]
YAML_PIECES = [
    "claims:",
    "document:",
    "  - id: ",
    "    text: ",
    "    cites: ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!binary ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "#",
    "\n",
    "  ",
    "\t",
    "---\n",
    "...\n",
    "12",
    "null",
    "true",
    "~",
    "0x1F",
    "1e9",
    "é",
    "\u2028",
    "\ufeff",
]
HTML_PIECES = [
    "<html>",
    "<body>",
    "<p>",
    "</p>",
    "<h1>",
    "</h2>",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "<sup>[1]</sup>",
    "<a href='javascript:x'>",
    "</a>",
    "<li>",
    "<table><tr><td>",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&bogus;",
    "<![CDATA[",
    "]]>",
    "<",
    ">",
    "Insulin lowers glucose by 20%.",
    " ",
    "\n",
    "é",
    "\x85",
    "\ufffe",
    "<meta charset='latin-1'>",
]


def assembled(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=8), max_size=60).map("".join)


def raw_input(pieces: list[str]) -> st.SearchStrategy[bytes]:
    """Text from the format's own syntax (in UTF-8, UTF-16 or Latin-1) or arbitrary bytes."""
    encoded = st.tuples(assembled(pieces), st.sampled_from(["utf-8", "utf-16", "latin-1"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")
    )
    return encoded | st.binary(max_size=400)


def loads_or_refuses(load, path: Path, data: bytes):
    path.write_bytes(data)
    try:
        return load(path)
    except InputError as exc:
        assert exc.path and exc.message  # a message that names the file
        return None


REL = pytest.mark.reliability


@REL(category="hostile input: property tests", case="BibTeX: any bytes", outcome="entries or InputError")
@PROPERTY
@given(data=raw_input(BIB_PIECES))
def test_any_bibliography_loads_or_is_refused(tmp_path, data):
    loads_or_refuses(load_bibliography, tmp_path / "references.bib", data)


@REL(category="hostile input: property tests", case="claims YAML: any bytes", outcome="claims or InputError")
@PROPERTY
@given(data=raw_input(YAML_PIECES))
def test_any_claims_file_loads_or_is_refused(tmp_path, data):
    loads_or_refuses(load_claims, tmp_path / "claims.yaml", data)


@REL(
    category="hostile input: property tests",
    case="documents: any bytes (html, md, txt)",
    outcome="sentences or InputError",
)
@PROPERTY
@given(data=raw_input(HTML_PIECES), suffix=st.sampled_from([".html", ".md", ".txt"]))
def test_any_document_loads_or_is_refused(tmp_path, data, suffix):
    loads_or_refuses(read_document, tmp_path / f"article{suffix}", data)


# -- named cases: a correct result or a clear error ----------------------------------------------

ENTRY = "@article{{{key}, author = {{Smith, J. and Jones, K.}}, title = {{{title}}}, journal = {{J}}, year = {{2020}}}}\n"


def bib(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "references.bib"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def refused(load, path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load(path)
    return caught.value


BIB_CASE = REL.with_args(category="hostile input: BibTeX")


@BIB_CASE(case="unbalanced braces", outcome="InputError with the line of the unclosed entry")
def test_unbalanced_braces_name_the_line(tmp_path):
    error = refused(
        load_bibliography, bib(tmp_path, ENTRY.format(key="a", title="T") + "@article{b, title = {x\n")
    )
    assert error.line == 2 and "never closed" in error.message


@BIB_CASE(case="duplicate keys (differing in case)", outcome="InputError naming both lines")
def test_duplicate_keys_differing_in_case_are_refused(tmp_path):
    text = ENTRY.format(key="Smith2020", title="A") + ENTRY.format(key="smith2020", title="B")
    error = refused(load_bibliography, bib(tmp_path, text))
    assert error.line == 2 and "first defined at line 1" in error.message


@BIB_CASE(case="UTF-16, Latin-1 and a BOM", outcome="UTF-8 with BOM loads; others InputError with line")
def test_strange_encodings(tmp_path):
    text = ENTRY.format(key="a", title="Caf\u00e9 au lait")
    assert load_bibliography(bib(tmp_path, "\ufeff" + text))[0].title == "Café au lait"
    assert "UTF-8" in refused(load_bibliography, bib(tmp_path, text.encode("latin-1"))).message
    assert refused(load_bibliography, bib(tmp_path, text.encode("utf-16"))).line is not None


@BIB_CASE(case="LaTeX macros and math", outcome="decoded to Unicode text")
def test_latex_macros_become_text(tmp_path):
    title = r"Effect of {\"o}strogen and \'{e}tude of $\beta$-cells in M{\"u}nchen \& Z\"urich"
    [entry] = load_bibliography(bib(tmp_path, ENTRY.format(key="a", title=title)))
    assert "östrogen" in entry.title and "étude" in entry.title and "München" in entry.title
    assert "\\" not in entry.title


@BIB_CASE(case="undefined @string macro", outcome="InputError with the entry's line")
def test_undefined_string_macro_is_refused(tmp_path):
    text = ENTRY.format(key="a", title="A") + "@article{b, title = undefinedmacro, year = 2020}\n"
    error = refused(load_bibliography, bib(tmp_path, text))
    assert "undefinedmacro" in error.message and error.line == 2


@BIB_CASE(case="5,000 entries (linear)", outcome="every entry loaded with its line")
def test_many_entries_load_with_their_lines(tmp_path):
    text = "".join(ENTRY.format(key=f"k{i}", title=f"Title {i}") for i in range(5000))
    entries = load_bibliography(bib(tmp_path, text))
    assert len(entries) == 5000 and entries[-1].line == 5000 and entries[-1].key == "k4999"


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CLAIMCHECK_SLOW_TESTS"), reason="slow: set CLAIMCHECK_SLOW_TESTS=1")
@BIB_CASE(case="100,000 entries (opt-in, about 20 s)", outcome="every entry loaded")
def test_a_hundred_thousand_entries_load(tmp_path):
    text = "".join(ENTRY.format(key=f"k{i}", title=f"Title {i}") for i in range(100_000))
    assert len(load_bibliography(bib(tmp_path, text))) == 100_000


@BIB_CASE(case="a file beyond the 50 MB size limit", outcome="InputError before parsing")
def test_an_oversized_bibliography_is_refused_before_parsing(tmp_path):
    path = bib(tmp_path, ENTRY.format(key="a", title="A"))
    with path.open("ab") as handle:
        handle.truncate(50_000_001)  # sparse: no 50 MB written
    started = time.monotonic()
    error = refused(load_bibliography, path)
    assert "limit" in error.message and time.monotonic() - started < 30  # a hang guard, not a timing


CLAIMS_CASE = REL.with_args(category="hostile input: claims YAML")


def claims(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@CLAIMS_CASE(case="billion laughs (anchors and aliases)", outcome="InputError: anchors and aliases refused")
def test_alias_expansion_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
    )
    error = refused(load_claims, claims(tmp_path, bomb + "claims: []\n"))
    assert "anchors and aliases" in error.message and error.line == 1


@CLAIMS_CASE(case="nesting 100,000 deep", outcome="InputError with a line, no RecursionError")
@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_clearly(tmp_path, opening):
    depth = 100_000
    if opening == "- ":
        text = "claims:\n" + "".join("  " * i + "- \n" for i in range(2000))
    else:
        text = "claims: " + opening * depth + ("]" if opening == "[" else "}") * depth + "\n"
    error = refused(load_claims, claims(tmp_path, text))
    assert error.line is not None


@CLAIMS_CASE(case="non-string ids (int, float, bool, null, list, date)", outcome="InputError: quote it")
@pytest.mark.parametrize("value", ["12", "1.5", "true", "null", "[a]", "2024-01-01", "{a: b}"])
def test_non_string_ids_are_refused_with_the_line(tmp_path, value):
    error = refused(load_claims, claims(tmp_path, f"claims:\n  - id: {value}\n    text: A claim.\n"))
    assert error.line == 2 and "claim id must be text" in error.message


@CLAIMS_CASE(
    case="a 1 MB scalar; a 20 MB file", outcome="InputError: the text limit with the line; the size limit"
)
def test_huge_scalars_are_refused(tmp_path):
    text = "claims:\n  - id: a\n    text: " + "x" * 1_000_000 + "\n"
    error = refused(load_claims, claims(tmp_path, text))
    assert error.line == 3 and "10,000" in error.message
    error = refused(load_claims, claims(tmp_path, text + "#" + "x" * 20_000_000))
    assert "the limit is 5,000,000" in error.message


@CLAIMS_CASE(case="python object tags", outcome="InputError (safe loading), nothing executed")
def test_python_tags_are_refused(tmp_path):
    text = "claims:\n  - id: a\n    text: !!python/object/apply:os.system [touch pwned]\n"
    refused(load_claims, claims(tmp_path, text))
    assert not (tmp_path / "pwned").exists()


DOC_CASE = REL.with_args(category="hostile input: documents")


@DOC_CASE(case="invalid, unclosed HTML with scripts", outcome="the visible sentences, no script text")
def test_invalid_html_gives_the_visible_text(tmp_path):
    path = tmp_path / "a.html"
    path.write_text(
        "<html><body><p>Insulin lowers glucose by 20% in adults.<script>steal()</script>"
        "<div><p>Metformin is safe for most people.<table><td>cell",
        encoding="utf-8",
    )
    document = read_document(path)
    text = " ".join(s.text for s in document.sentences)
    assert "Insulin lowers glucose by 20% in adults." in text and "Metformin is safe" in text
    assert "steal" not in text


@DOC_CASE(case="mixed encodings (UTF-8 with Latin-1 bytes)", outcome="InputError naming the line")
def test_mixed_encodings_are_refused_with_the_line(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes("First line é.\n".encode() + "Second line é.\n".encode("latin-1"))
    error = refused(read_document, path)
    assert error.line == 2 and "UTF-8" in error.message
