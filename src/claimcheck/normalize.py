"""Text normalisation shared by every comparison: LaTeX, markup, Unicode, case, punctuation."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from pybtex.richtext import Text

_TAG = re.compile(r"<[^>]{1,200}>")
_NON_WORD = re.compile(r"[^\w]+")
_SPACE = re.compile(r"\s+")
#: Letters NFKD does not decompose into a base letter + accent.
_FOLD_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
    }
)


def latex_to_text(value: str) -> str:
    """Decode BibTeX/LaTeX markup (accents, escapes, protective braces) to plain Unicode."""
    if not any(ch in value for ch in "\\{}$~"):
        return _SPACE.sub(" ", value).strip()
    try:
        text = Text.from_latex(value).render_as("text")
    except Exception:  # pybtex raises assorted errors on odd markup; keep the raw text then
        text = value.replace("{", "").replace("}", "")
    return _SPACE.sub(" ", text.replace("~", " ")).strip()


def strip_markup(value: str) -> str:
    """Remove HTML/JATS tags and entities that databases leave in titles and abstracts."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for comparing names and titles."""
    value = unicodedata.normalize("NFKD", value.translate(_FOLD_EXTRA))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.replace("&", " and ")
    return _SPACE.sub(" ", _NON_WORD.sub(" ", value.casefold()).replace("_", " ")).strip()


def words(value: str) -> list[str]:
    return fold(value).split()
