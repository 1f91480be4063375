"""Read a PDF's text with PDFium (pypdfium2, the `[pdf]` extra) into plain-text lines per page.

PDFium gives each line of text with its box. Lines are put in reading order (a page whose
text leaves the middle of the page empty is read as two columns, left then right), a gap
taller than the usual line spacing is a paragraph break, and a word broken at a line end
("meta-" / "bolic") is joined again. The result is read as plain text, page by page, so a
sentence's location is its page; the reference list is found by its heading as in any text.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from claimcheck.errors import InputError

PDF_SUFFIXES = {".pdf"}
EXTRA_HINT = "reading PDF documents needs the pdf extra: pip install 'claimcheck[pdf]'"


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    top: float
    bottom: float
    right: float


def _lines(textpage, width: float) -> list[Line]:
    lines = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
        text = " ".join(text.split())
        if text:
            lines.append(Line(text, left, top, bottom, right))
    return lines


def _reading_order(lines: list[Line], width: float) -> list[list[Line]]:
    """One column, or two when no line crosses the middle of the page."""
    middle = width / 2
    crossing = [line for line in lines if line.left < middle - 5 and line.right > middle + 5]
    left = [line for line in lines if line.right <= middle + 5]
    right = [line for line in lines if line.left >= middle - 5]
    columns = [left, right] if not crossing and left and right else [lines]
    return [sorted(column, key=lambda line: (-line.top, line.left)) for column in columns]


def _merge_same_row(column: list[Line]) -> list[Line]:
    merged: list[Line] = []
    for line in column:
        if merged and abs(merged[-1].top - line.top) < 2:
            last = merged[-1]
            merged[-1] = Line(
                f"{last.text} {line.text}", last.left, last.top, min(last.bottom, line.bottom), line.right
            )
        else:
            merged.append(line)
    return merged


def page_text(lines: list[Line], width: float) -> str:
    """The page's text: paragraphs separated by blank lines, broken words joined."""
    out: list[str] = []
    for column in _reading_order(lines, width):
        column = _merge_same_row(column)
        gaps = [a.bottom - b.top for a, b in pairwise(column) if a.bottom - b.top >= 0]
        heights = [line.top - line.bottom for line in column]
        usual = statistics.median(gaps) if gaps else 0.0
        height = statistics.median(heights) if heights else 10.0
        previous: Line | None = None
        for line in column:
            if previous is not None:
                gap = previous.bottom - line.top
                if gap > max(usual * 1.8, height * 0.6) or line.left - previous.left > 3 * height:
                    out.append("")
            out.append(line.text)
            previous = line
        out.append("")
    text = "\n".join(out)
    # A word broken at the end of a line: "meta-\nbolic" is "metabolic".
    return re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text)


def pdf_pages(path: Path, display: str) -> list[str]:
    """The text of each page of the PDF; a PDF that cannot be read is an InputError."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise InputError(display, None, EXTRA_HINT) from None
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise InputError(display, None, f"cannot read this PDF: {exc}") from None
    pages = []
    try:
        for page in document:
            width = page.get_width()
            textpage = page.get_textpage()
            pages.append(page_text(_lines(textpage, width), width))
            textpage.close()
            page.close()
    finally:
        document.close()
    if not any(p.strip() for p in pages):
        raise InputError(display, None, "this PDF has no text layer (a scan?); nothing to read")
    return pages
