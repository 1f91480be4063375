"""Identifier normalisation: one canonical form per DOI, PMID and PMCID, whatever was printed."""

from __future__ import annotations

import re
from urllib.parse import unquote

#: What is printed before a DOI: a resolver URL (with or without scheme, dx. or www.), the
#: `info:doi/` URI, or the word DOI followed by a colon or a space.
_DOI_PREFIXES = re.compile(
    r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|info:doi/|doi(?::\s*|\s+))", re.IGNORECASE
)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(?:PMC)?(\d{1,9})$", re.IGNORECASE)


def printed_doi(value: str) -> str:
    """The DOI without URL or "doi:" prefix, in the case it was printed (DOIs are
    case-insensitive, so a printed form is kept as written), or "" when it is not a DOI."""
    doi = unquote(value.strip()).replace("\\_", "_").replace("{", "").replace("}", "")
    doi = _DOI_PREFIXES.sub("", doi).strip().rstrip(".")
    return doi if _DOI.match(doi) else ""


def normalize_doi(value: str) -> str:
    """Return the DOI in lower case without URL prefix, or "" when it is not a DOI."""
    return printed_doi(value).lower()


def normalize_pmid(value: str) -> str:
    match = _PMID.match(value.strip())
    return match.group(1).lstrip("0") if match else ""


def normalize_pmcid(value: str) -> str:
    match = _PMCID.match(value.strip())
    return f"PMC{match.group(1)}" if match else ""
