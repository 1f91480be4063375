"""Read a published document (HTML, Markdown or plain text) into sentences with their sections.

Every format is first reduced to the same blocks (heading, paragraph, list item, table row),
so sectioning, sentence splitting, caption filtering and citation markers are written once.
What a reader sees as the article is kept: navigation, figures, captions, image alt text and the
reference list are not sentences of the article (the reference list is kept apart, to resolve
numbered citation markers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from claimcheck.errors import InputError, read_text_file

#: Documents larger than this are refused: no article is, and splitting is quadratic-free but
#: a 50 MB "document" is a mistake (a data dump, a binary renamed .txt).
MAX_DOCUMENT_BYTES = 5_000_000

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd"}


@dataclass(frozen=True)
class Sentence:
    """One sentence (or one table row) of the document, as a claim would quote it."""

    text: str
    section: str = ""
    line: int = 0
    #: "prose", "item" (a list item) or "row" (a table row, kept whole).
    kind: str = "prose"
    #: Bib keys named by pandoc citation markers in the sentence (`[@key]`).
    keys: tuple[str, ...] = ()
    #: Numbers named by numbered citation markers (`[3]`, `[1, 4-6]`, `<sup>3</sup>`, `[^3]`).
    numbers: tuple[int, ...] = ()
    #: (family name, year) named by author-year markers: `(Smith et al., 2018; Jones 2020)`.
    names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DocumentText:
    path: str
    format: str
    sentences: tuple[Sentence, ...]
    #: The document's own reference list, by number (1-based, in printed order).
    reference_list: dict[int, str] = field(default_factory=dict)
    #: The title (HTML <h1>/<title>, Markdown's single top heading); plain text has none.
    title: str = ""


@dataclass(frozen=True)
class Block:
    """A unit every reader produces: the format is gone, the structure stays."""

    kind: str  # heading | para | item | row | table-title | skip
    text: str
    line: int
    level: int = 0


# --- citation markers -------------------------------------------------------------------------

_PANDOC = re.compile(r"\[(?=[^\[\]]*(?<![\w.])@\{?\w)([^\[\]]{1,400})\]")
_PANDOC_KEY = re.compile(r"(?<![\w.])@\{?([A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*\w)?)\}?")
_NUMBERED = re.compile(r"\[(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\]")
#: A marker placed after the sentence's full stop is moved before it, so it stays in its sentence.
_PANDOC_AFTER_STOP = re.compile(r"([.!?])((?:\s?\[[^\[\]]*(?<![\w.])@\{?\w[^\[\]]*\])+)")
_NUMBERED_AFTER_STOP = re.compile(r"([.!?])((?:\s?\[\d{1,3}(?:\s*[-–,]\s*\d{1,3})*\])+)")
_PLACEHOLDER = re.compile(r"\s*\x00(\d+)\x00")
_AUTHOR_YEAR_ONE = (
    r"[A-Z][\w'’-]+(?:\s+(?:et\s+al\.?|and\s+[A-Z][\w'’-]+|&\s+[A-Z][\w'’-]+))?,?\s+(?:19|20)\d\d[a-z]?"
)
#: "(Smith et al., 2018)", "(Smith and Jones 2019; Brown, 2020)": read only beside a reference list.
_AUTHOR_YEAR = re.compile(
    rf"\s?\((?:see\s+|e\.g\.,?\s+|cf\.\s+)?({_AUTHOR_YEAR_ONE}(?:\s*;\s*{_AUTHOR_YEAR_ONE})*)\)"
)
_AUTHOR_YEAR_AFTER_STOP = re.compile(rf"([.!?])(\s?\({_AUTHOR_YEAR_ONE}(?:\s*;\s*{_AUTHOR_YEAR_ONE})*\))")


def _names(marker: str) -> tuple[tuple[str, str], ...]:
    found = []
    for part in marker.split(";"):
        match = re.match(r"\s*([A-Z][\w'’-]+).*?((?:19|20)\d\d)", part)
        if match:
            found.append((match.group(1), match.group(2)))
    return tuple(found)


def _numbers(marker: str) -> tuple[int, ...]:
    found: list[int] = []
    for part in re.split(r"\s*,\s*", marker):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            found += range(low, high + 1) if 0 < high - low < 50 else [low, high]
        elif part.isdigit():
            found.append(int(part))
    return tuple(found)


class _Markers:
    """Replace citation markers by placeholders, then give each sentence back its own."""

    def __init__(self, numbered: bool) -> None:
        self.numbered = numbered
        self.found: list[tuple[tuple[str, ...], tuple[int, ...], tuple[tuple[str, str], ...]]] = []

    def _hold(
        self, keys: tuple[str, ...], numbers: tuple[int, ...], names: tuple[tuple[str, str], ...] = ()
    ) -> str:
        self.found.append((keys, numbers, names))
        return f"\x00{len(self.found) - 1}\x00"

    def mark(self, text: str) -> str:
        text = _PANDOC_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text)
        text = _PANDOC.sub(lambda m: self._hold(tuple(_PANDOC_KEY.findall(m.group(1))), ()), text)
        if self.numbered:
            text = _NUMBERED_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text)
            text = _NUMBERED.sub(lambda m: self._hold((), _numbers(m.group(1))), text)
            text = _AUTHOR_YEAR_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text)
            text = _AUTHOR_YEAR.sub(lambda m: self._hold((), (), _names(m.group(1))), text)
        return text

    def take(
        self, sentence: str
    ) -> tuple[str, tuple[str, ...], tuple[int, ...], tuple[tuple[str, str], ...]]:
        keys: list[str] = []
        numbers: list[int] = []
        names: list[tuple[str, str]] = []
        for match in _PLACEHOLDER.finditer(sentence):
            held_keys, held_numbers, held_names = self.found[int(match.group(1))]
            keys += [k for k in held_keys if k not in keys]
            numbers += [n for n in held_numbers if n not in numbers]
            names += [n for n in held_names if n not in names]
        return _PLACEHOLDER.sub("", sentence).strip(), tuple(keys), tuple(numbers), tuple(names)


# --- sentences --------------------------------------------------------------------------------

_ABBREVIATIONS = {
    "e.g", "i.e", "al", "vs", "approx", "fig", "figs", "dr", "mr", "mrs", "ms", "prof", "no", "ref",
    "refs", "cf", "ca", "st", "jr", "inc", "ltd", "p", "pp", "vol", "eq", "resp", "incl", "min",
    "max", "sec", "u.s", "u.k", "ph.d", "viz", "est",
}  # fmt: skip
_STOP = re.compile(r"[.!?…]+[\"”’'\)\]]*(?=\s+)")
_NEXT_STARTS = re.compile(r"\s+[\"“‘'(\[]?[A-Z0-9\x00]")
#: A sentence whose subject was link text the page dump lost starts in lower case.
_NEXT_LOWER = re.compile(r"\s+[a-z]")
_SPACE = re.compile(r"\s+")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into sentences, with each one's offset; abbreviations and initials hold."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _STOP.finditer(text):
        end = match.end()
        before = text[start : match.start()].rsplit(None, 1)
        word = before[-1].lower().lstrip("(\"“") if before else ""
        if not _NEXT_STARTS.match(text, end) and not (
            _NEXT_LOWER.match(text, end) and len(word) >= 3 and word.isalpha()
        ):
            continue
        if match.group().startswith(".") and (
            word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or re.fullmatch(r"(\w\.)+\w", word)
        ):
            continue
        pieces.append((start, text[start:end]))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        pieces.append((start, text[start:]))
    return [(offset, piece.strip()) for offset, piece in pieces if piece.strip()]


# --- captions and boilerplate ----------------------------------------------------------------

#: Verbs with which image descriptions (captions, alt text dumped into text) describe a picture.
_DEPICTION = re.compile(
    r"\b(portray|depict|embod(y|ies|ied|ying)|symboli[sz]|showcas|illustrat|evok|signif(y|ies))\w*",
    re.IGNORECASE,
)
#: Who or what a picture shows as its subject: people and the picture itself.
_PICTURED = re.compile(
    r"\b(individuals?|adults?|wom[ae]n|m[ae]n|person|people|couple|smil\w*|expressions?|"
    r"image|photo\w*|close-up|macro)\b",
    re.IGNORECASE,
)
#: Objects of stock photos: evidence of a caption only on a line that does not end as prose.
_OBJECTS = re.compile(r"\b(spheres?|leaf|leaves|vegetables?|samples?|structures?|strands?)\b", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;…][\"”’'\)\]]*$")
_NAVIGATION = re.compile(
    r"^(skip to (main )?content|skip navigation|main menu|menu|share( this)?|subscribe|sign in|log in|"
    r"table of contents|print|advertisement|cookie settings)$",
    re.IGNORECASE,
)
#: Items of "Evidence" lists are numbered from here on, apart from the printed reference list.
EVIDENCE_NUMBERS = 1000
_EVIDENCE_LABEL = re.compile(
    r"^(?:evidences?|supporting evidence|scientific evidence|the evidence|key evidence)\s*:?$", re.IGNORECASE
)
_REFERENCE_HEADINGS = re.compile(
    r"^(references|bibliography|works cited|literature cited|sources|citations|notes|footnotes)$",
    re.IGNORECASE,
)


def is_caption(text: str) -> bool:
    """An image caption or alt text left in the text: it describes a picture, it claims nothing.

    The signals: depiction verbs ("portray", "embodies", "symbolizing"), people or a picture as
    the subject ("two individuals", "a close-up"), and a long line that does not end as prose
    does. Two depiction verbs, or any two signals, make a caption; stock-photo objects
    ("spheres", "a leaf") count only on an unterminated line.
    """
    depictions = len(_DEPICTION.findall(text))
    pictured = bool(_PICTURED.search(text))
    unterminated = len(text) > 80 and not _TERMINAL.search(text.strip())
    if depictions >= 2:
        return True
    if depictions:
        return pictured or unterminated
    return unterminated and (pictured or bool(_OBJECTS.search(text)))


# --- readers: each format to blocks ---------------------------------------------------------


def _text_blocks(text: str, join_items: bool = False) -> list[Block]:
    """Plain text: blank-line blocks; headings are short unpunctuated lines standing alone.

    A dump of a web page puts one paragraph per line and runs of captions or table rows as
    consecutive lines, so a block's lines are separate units unless the block is hard-wrapped.
    A table is a block that opens with a short title line and a short header line.
    """
    lines = text.splitlines()
    raw: list[tuple[int, list[str], int]] = []  # (first line number, lines, blank lines before)
    current: list[str] = []
    first = 0
    blanks = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                first = number
            current.append(line.rstrip())
        elif current:
            raw.append((first, current, blanks))
            current, blanks = [], 1
        else:
            blanks += 1
    if current:
        raw.append((first, current, blanks))
    blocks: list[Block] = []
    for first, block_lines, blanks_before in raw:
        stripped = [line.strip() for line in block_lines]
        if len(stripped) == 1 and _looks_like_heading(stripped[0]):
            level = 1 if blanks_before >= 2 else 2
            blocks.append(Block("heading", stripped[0], first, level))
            continue
        if (
            not join_items  # a PDF's wrapped lines never end in punctuation: not a table
            and len(stripped) >= 3
            and _short_label(stripped[0])
            and _short_label(stripped[1], 140)
            and not any(_ITEM.match(s) for s in stripped)
        ):
            blocks.append(Block("table-title", stripped[0], first))
            blocks.append(Block("skip", stripped[1], first + 1))
            blocks += [Block("row", s, first + i) for i, s in enumerate(stripped[2:], 2)]
            continue
        # A PDF's lines are always hard-wrapped (join_items): a block of them is one paragraph.
        wrapped = len(stripped) >= 2 and (join_items or all(len(s) <= 100 for s in stripped[:-1]))
        if wrapped and not any(_ITEM.match(s) for s in stripped):
            blocks.append(Block("para", "\n".join(stripped), first))
            continue
        if join_items and _ITEM.match(stripped[0]):
            # A hard-wrapped list (PDF): a line that does not open an item continues the last.
            items: list[list[str]] = []
            for line in stripped:
                if _ITEM.match(line) or not items:
                    items.append([line])
                else:
                    items[-1].append(line)
            for lines_of_item in items:
                line = " ".join(lines_of_item)
                item = _ITEM.match(line)
                text_of = line[item.end() :].strip() if item else line
                blocks.append(Block("item" if item else "para", text_of, first))
            continue
        for offset, line in enumerate(stripped):
            item = _ITEM.match(line)
            if item:
                blocks.append(Block("item", line[item.end() :].strip(), first + offset))
            else:
                blocks.append(Block("para", line, first + offset))
    return blocks


_ITEM = re.compile(r"^(?:[•·▪◦‣*+-]|\d{1,3}[.)]|\[\d{1,3}\])\s+")


def _short_label(line: str, limit: int = 100) -> bool:
    return len(line) <= limit and not _TERMINAL.search(line) and not _ITEM.match(line)


def _looks_like_heading(line: str) -> bool:
    line = re.sub(r"(\s*\[[^\[\]]*\])+$", "", line)  # a trailing citation marker is not the end
    if len(line) > 120 or _ITEM.match(line) or re.search(r"[.!?] +\S", line):
        return False
    if line.endswith("?"):
        return len(line.split()) <= 14
    return not _TERMINAL.search(line) and len(line.split()) <= 14


_FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.+)$", re.MULTILINE)
_FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s]+)\]")


def _footnotes_as_reference_list(text: str) -> str:
    """Markdown footnotes (`text[^1]` … `[^1]: Reference.`) as numbered markers and a
    "Footnotes" list, so they resolve like any numbered reference list. Lines keep their
    numbers: each definition line is blanked, not removed."""
    definitions = {m.group(1): m.group(2).strip() for m in _FOOTNOTE_DEFINITION.finditer(text)}
    if not definitions:
        return text
    numbers = {label: index for index, label in enumerate(definitions, 1)}
    text = _FOOTNOTE_DEFINITION.sub("", text)
    text = _FOOTNOTE_MARK.sub(
        lambda m: f"[{numbers[m.group(1)]}]" if m.group(1) in numbers else m.group(), text
    )
    listed = "\n".join(f"{numbers[label]}. {value}" for label, value in definitions.items())
    return f"{text.rstrip()}\n\n## Footnotes\n\n{listed}\n"


def _markdown_blocks(text: str) -> list[Block]:
    """Markdown via markdown-it: images (and so their alt text) and raw HTML are dropped."""
    from markdown_it import MarkdownIt

    text = _footnotes_as_reference_list(text)
    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(text)
    blocks: list[Block] = []
    stack: list[str] = []
    row: list[str] = []
    row_line = 0
    in_head = False
    for index, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type.endswith("_open"):
            stack.append(token.type[: -len("_open")])
            if token.type == "tr_open":
                row, row_line = [], line
            if token.type == "thead_open":
                in_head = True
        elif token.type.endswith("_close"):
            if stack:
                stack.pop()
            if token.type == "thead_close":
                in_head = False
            if token.type == "tr_close" and row and not in_head:
                blocks.append(Block("row", " ".join(c for c in row if c), row_line))
        elif token.type == "inline":
            content = _inline_text(token.children or [])
            parent = stack[-1] if stack else ""
            if parent == "heading":
                level = int(tokens[index - 1].tag[1:])
                blocks.append(Block("heading", content, line, level))
            elif parent in {"th", "td"}:
                row.append(content)
            elif parent == "paragraph" and content:
                blocks.append(Block("item" if "list_item" in stack else "para", content, line))
    return blocks


def _inline_text(children: list) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")  # kept, so each sentence knows its own line
        # image tokens (their alt text) and html_inline are left out on purpose
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


_HTML_DROP = (
    "script, style, noscript, template, nav, header, footer, aside, form, figure, figcaption, img, "
    "picture, svg, video, audio, iframe, button, [role=navigation], [role=banner], "
    "[role=contentinfo], [role=complementary], [aria-hidden=true], .caption, .wp-caption-text"
)
_HTML_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, tr, blockquote, dd, dt"
_HTML_FOOTNOTES = "section.footnotes, div.footnotes, ol.footnotes, [role=doc-endnotes], section.references"
_SUP_MARKER = re.compile(r"^\s*[\[(]?\s*(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*[\])]?\s*$")


def _html_blocks(text: str) -> list[Block]:
    """HTML via selectolax: the main content element only, without navigation or figures."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    root = tree.css_first("main") or tree.css_first("article") or tree.css_first("[role=main]") or tree.body
    if root is None:
        return []
    for node in root.css(_HTML_DROP):
        if node.tag == "header" and node.css_first("h1") is not None and node is not root:
            continue  # an article's own header holds its title (its nav is dropped on its own)
        node.decompose()
    for br in root.css("br"):
        br.replace_with(" ")
    for sup in root.css("sup"):
        # A superscript citation ("diabetes<sup>1,2</sup>") is a numbered marker, not a digit
        # glued to the last word.
        marker = _SUP_MARKER.match(sup.text(deep=True))
        if marker:
            sup.replace_with(f" [{marker.group(1)}]")
    for notes in root.css(_HTML_FOOTNOTES):
        if notes.css_first("h1, h2, h3, h4, h5, h6") is None:
            notes.insert_before(LexborHTMLParser("<h2>Footnotes</h2>").css_first("h2"))
    blocks: list[Block] = []
    line_of = _Lines(text)
    if root.css_first("h1") is None and tree.css_first("title") is not None:
        blocks.append(Block("heading", _SPACE.sub(" ", tree.css_first("title").text()).strip(), 1, 1))
    for node in root.css(_HTML_BLOCKS):
        # Only the innermost block: a <li> holding a <p> is read through its <p>. (Lexbor's css()
        # matches the node itself too.)
        if node.tag != "tr" and len(node.css(_HTML_BLOCKS)) > 1:
            # Invalid HTML (a <p> left open before a <table> or <div>) puts text beside the
            # inner blocks: keep it, or it silently vanishes from the document.
            own = _SPACE.sub(" ", _own_text(node)).strip()
            if own and not _inside(node, "tr"):
                blocks.append(Block("item" if node.tag == "li" else "para", own, line_of(node)))
            continue
        if node.tag != "tr" and _inside(node, "tr"):
            continue
        line = line_of(node)
        if node.tag == "tr":
            if node.css_first("th") is not None and node.css_first("td") is None:
                continue  # a header row
            cells = [_SPACE.sub(" ", c.text(deep=True)).strip() for c in node.css("td, th")]
            blocks.append(Block("row", " ".join(c for c in cells if c), line))
            continue
        content = _SPACE.sub(" ", node.text(deep=True, separator="")).strip()
        if not content:
            continue
        if node.tag[0] == "h" and node.tag[1:].isdigit():
            blocks.append(Block("heading", content, line, int(node.tag[1:])))
        else:
            blocks.append(Block("item" if node.tag == "li" else "para", content, line))
    return blocks


def _own_text(node) -> str:
    """The text of a block's children that are not blocks and hold none."""
    parts = []
    for child in node.iter(include_text=True):
        if child.tag == "-text":
            parts.append(child.text())
        elif not child.css(_HTML_BLOCKS):
            parts.append(child.text(deep=True, separator=""))
    return "".join(parts)


def _inside(node, tag: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


class _Lines:
    """Lines of nodes in the HTML source: selectolax keeps no positions, so find each node's
    first words, searching forward from the previous node (document order)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor = 0

    def __call__(self, node) -> int:
        words = node.text(deep=True, separator=" ").split()[:3]
        if not words:
            return 0
        pattern = re.compile(r"(?:\s|<[^>]*>)+".join(re.escape(w) for w in words))
        match = pattern.search(self.source, self.cursor) or pattern.search(self.source)
        if match is None:
            return 0
        self.cursor = match.end()
        return self.source.count("\n", 0, match.start()) + 1


# --- blocks to sentences -----------------------------------------------------------------------


def _reference_number(text: str, fallback: int) -> tuple[int, str]:
    match = re.match(r"^\[?(\d{1,3})[.)\]]\s*", text)
    return (int(match.group(1)), text[match.end() :]) if match else (fallback, text)


def blocks_to_document(blocks: list[Block], path: str, fmt: str) -> DocumentText:
    """Sections from headings, sentences from paragraphs, the reference list kept apart."""
    # A heading followed directly by another heading is their parent (e.g. "Reflection" over
    # "Recalibrating ..."), unless it is navigation ("Skip to main content").
    # A whole block is dropped as a caption only when it does not end as prose does; otherwise
    # its sentences are judged one by one (so one "illustrates" cannot drop a paragraph).
    content = [
        b
        for b in blocks
        if b.kind != "skip"
        and not (b.kind == "heading" and not _TERMINAL.search(b.text) and is_caption(b.text))
    ]
    content = [b for b in content if not (b.kind == "heading" and _NAVIGATION.match(b.text))]
    title = ""
    tops = [b for b in content if b.kind == "heading" and b.level == 1]
    firsts = [b for b in content if b.kind == "heading"][:1]
    if fmt not in {"text", "pdf"} and len(tops) == 1 and firsts == tops:
        # One top heading, first of all: the document's title, not a section.
        title = tops[0].text
        content = [b for b in content if b is not tops[0]]
    levels: dict[int, int] = {}
    for index, block in enumerate(content):
        if block.kind == "heading":
            following = content[index + 1] if index + 1 < len(content) else None
            promote = fmt in {"text", "pdf"} and following is not None and following.kind == "heading"
            levels[index] = 1 if promote or (fmt in {"text", "pdf"} and not levels) else block.level
    numbered = any(_REFERENCE_HEADINGS.match(b.text) for b in content if b.kind == "heading")
    markers = _Markers(numbered=numbered)
    headings: list[tuple[int, str]] = []
    table_title = ""
    in_references = False
    reference_list: dict[int, str] = {}
    sentences: list[Sentence] = []
    # An "Evidence" list printed under a paragraph: its items are references of that paragraph.
    evidence_for: list[int] | None = None
    last_paragraph: list[int] = []
    for index, block in enumerate(content):
        if _EVIDENCE_LABEL.match(block.text) and block.kind in {"heading", "para"}:
            evidence_for = last_paragraph
            continue
        if evidence_for is not None:
            if block.kind == "item":
                # Numbered apart from printed lists (which may follow and restart at 1).
                number = max([EVIDENCE_NUMBERS, *reference_list]) + 1
                reference_list[number] = block.text
                for position in evidence_for:
                    old = sentences[position]
                    if number not in old.numbers:
                        sentences[position] = replace(old, numbers=(*old.numbers, number))
                continue
            evidence_for = None
        if block.kind == "heading":
            level = levels[index]
            headings = [(lvl, title) for lvl, title in headings if lvl < level] + [(level, block.text)]
            in_references = bool(_REFERENCE_HEADINGS.match(block.text))
            table_title = ""
            continue
        if in_references:
            if block.kind in {"item", "para"}:
                printed = [n for n in reference_list if n < EVIDENCE_NUMBERS]
                number, entry = _reference_number(block.text, max(printed, default=0) + 1)
                reference_list[number] = entry
            continue
        if block.kind != "row" and not _TERMINAL.search(block.text) and is_caption(block.text):
            continue  # a caption block (checked here: a reference is never a caption)
        section = " / ".join(title for _, title in headings)
        if block.kind == "table-title":
            table_title = block.text
            continue
        if block.kind == "row":
            row_section = f"{section} / {table_title}" if table_title else section
            text, keys, numbers, names = markers.take(markers.mark(block.text))
            if text:
                sentences.append(Sentence(text, row_section, block.line, "row", keys, numbers, names))
            continue
        table_title = ""
        marked = markers.mark(block.text)
        last_paragraph = []
        for offset, piece in split_sentences(marked):
            text, keys, numbers, names = markers.take(_SPACE.sub(" ", piece))
            line = block.line if fmt == "pdf" else block.line + marked.count("\n", 0, offset)  # PDF: the page
            if text and not is_caption(text):
                last_paragraph.append(len(sentences))
                sentences.append(Sentence(text, section, line, block.kind, keys, numbers, names))
    return DocumentText(path, fmt, tuple(sentences), reference_list, title)


def document_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def parse_document(text: str, path: str, fmt: str) -> DocumentText:
    reader = {"html": _html_blocks, "markdown": _markdown_blocks, "text": _text_blocks}[fmt]
    return blocks_to_document(reader(text), path, fmt)


def read_document(path: Path, display: str | None = None) -> DocumentText:
    """Read a document file; undecodable, binary or oversized input is an InputError."""
    shown = display or str(path)
    if path.is_dir():
        raise InputError(shown, None, "document is a directory, not a file")
    if document_format(path) == "pdf":
        return read_pdf(path, shown)
    text = read_text_file(path, what="document", display=shown, max_bytes=MAX_DOCUMENT_BYTES)
    fmt = document_format(path)
    if fmt == "text" and re.match(r"\s*(<!doctype html|<html)", text[:1000], re.IGNORECASE):
        fmt = "html"
    return parse_document(text, shown, fmt)


def read_pdf(path: Path, display: str) -> DocumentText:
    """A PDF, page by page, read as plain text; each sentence's line is its page number."""
    from claimcheck.inputs.pdf import pdf_pages

    if not path.is_file():
        raise InputError(display, None, "document not found")
    blocks: list[Block] = []
    for number, text in enumerate(pdf_pages(path, display), 1):
        blocks += [replace(block, line=number) for block in _text_blocks(text, join_items=True)]
    return blocks_to_document(blocks, display, "pdf")
