"""Printed reference strings to BibTeX entries, as printed: a rule parser for the common styles
and a small trained sequence labeller (CRF) for what the rules cannot read.

`parse_reference` is the combination used by `claimcheck init` (see docs/extract.md for the
comparison): the rules read the string; when they cannot find a title, or neither a container
nor a year, the labeller reads it instead. Identifiers found in the string always win.
"""

from __future__ import annotations

from claimcheck.refparse import crf, rules
from claimcheck.refparse.parsed import ParsedReference

__all__ = ["ParsedReference", "parse_reference"]


def rules_complete(reference: ParsedReference) -> bool:
    """The rules read enough: a title and something that places it (container, year or link)."""
    bare_identifier = not reference.title and (reference.doi or reference.pmid or reference.pmcid)
    return bool(bare_identifier) or bool(
        reference.title and (reference.journal or reference.year or reference.url)
    )


def parse_reference(text: str) -> ParsedReference:
    """The printed reference's fields: rules first, the trained labeller when they fall short."""
    by_rules = rules.parse(text)
    if rules_complete(by_rules) or not crf.available():
        return by_rules
    by_model = crf.parse(text)
    return by_model if by_model.title else by_rules
