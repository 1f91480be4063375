"""Text normalisation shared by every comparison: LaTeX, markup, Unicode, case, punctuation."""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from functools import lru_cache

import latexcodec  # noqa: F401  (registers the 'ulatex' codec)

_TAG = re.compile(r"<[^>]{1,200}>")
_NON_WORD = re.compile(r"[^\w]+")
_SPACE = re.compile(r"\s+")
#: Font and box macros whose argument is plain text: keep the argument, drop the macro.
_FORMATTING_MACRO = re.compile(
    r"\\(?:textit|textbf|textrm|textsf|texttt|textsc|textup|textnormal|emph|mathrm|mathit|mbox"
    r"|textsuperscript|textsubscript)\b\s*"
)
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


#: Greek letters and their spelled names are the same word in a title (γ-oryzanol, gamma-oryzanol).
_GREEK = str.maketrans(
    {
        "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta", "η": "eta",
        "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
        "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon",
        "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    }
)


def latex_to_text(value: str) -> str:
    """Decode BibTeX/LaTeX markup (accents, escapes, protective braces) to plain Unicode.

    latexcodec does the decoding; pybtex's own richtext parser is avoided on purpose: it looks
    its plugins up through package metadata on every call, which made 1,000 entries take a minute.
    """
    if not any(ch in value for ch in "\\{}$~"):
        return _SPACE.sub(" ", value).strip()
    value = _FORMATTING_MACRO.sub("", value)
    try:
        text = codecs.decode(value, "ulatex")
    except Exception:  # latexcodec may reject odd markup; keep the raw text then
        text = value
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return _SPACE.sub(" ", text).strip()


def strip_markup(value: str) -> str:
    """Remove HTML/JATS tags and entities that databases leave in titles and abstracts."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", value))).strip()


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for comparing names and titles; Greek
    letters are spelled out (NFKD has already made µ and ϐ plain μ and β)."""
    value = unicodedata.normalize("NFKD", value.translate(_FOLD_EXTRA))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.casefold().translate(_GREEK).replace("&", " and ")
    return _SPACE.sub(" ", _NON_WORD.sub(" ", value).replace("_", " ")).strip()


#: Words too common in titles to narrow a bibliographic search (local index, PubMed queries).
TITLE_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "its",
        "their",
        "than",
        "that",
        "this",
        "via",
        "was",
        "were",
        "be",
        "been",
        "after",
        "among",
        "between",
        "during",
        "under",
        "over",
        "vs",
        "versus",
    ]
)


def words(value: str) -> list[str]:
    return fold(value).split()
