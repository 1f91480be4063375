"""Parsed references to BibTeX entries as printed, with stable keys."""

from __future__ import annotations

import re
from collections.abc import Collection

from claimcheck.extract.ids import STOPWORDS
from claimcheck.model import Person
from claimcheck.normalize import fold
from claimcheck.refparse.parsed import ParsedReference

_SPECIAL = re.compile(r"([&%$#_])")


def cite_key(reference: ParsedReference, taken: Collection[str] = ()) -> str:
    """First author's family name + year + first content word of the title: `teich2006prolonged`.

    The same printed reference always gets the same key; `b`, `c`, … are added when the key is
    already taken (two papers of one author in one year on one topic).
    """
    name = ""
    if reference.authors:
        first = reference.authors[0]
        words = fold(first.family or first.literal).split()
        name = words[-1] if first.family and words else (words[0] if words else "")
    word = next(
        (w for w in fold(reference.title).split() if w not in STOPWORDS and w.isalpha() and len(w) > 2),
        "",
    )
    if not name and not word and reference.doi:
        base = "doi" + re.sub(r"[^a-z0-9]", "", reference.doi)[:24]
    else:
        base = re.sub(r"[^a-z0-9]", "", f"{name}{reference.year}{word}") or "ref"
    candidate, suffix = base, ord("b")
    while candidate in taken:
        candidate, suffix = f"{base}{chr(suffix)}", suffix + 1
    return candidate


def _escape(value: str) -> str:
    value = value.replace("\\", "\\textbackslash{}")
    depth = 0
    for char in value:  # an unbalanced brace would break the file: drop braces then
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth != 0:
        value = value.replace("{", "").replace("}", "")
    return _SPECIAL.sub(r"\\\1", value)


def _protect(title: str) -> str:
    """Brace words whose capitals are meaning (GH, CJC-1295, HIV) so styles keep them."""
    return re.sub(r"(?<![\w{-])([\w-]*[A-Z][\w-]*[A-Z0-9][\w-]*)", lambda m: "{" + m.group(1) + "}", title)


def _name(person: Person) -> str:
    if person.literal:
        return "{" + _escape(person.literal) + "}"
    family = _escape(person.family)
    if " " in person.family and not re.match(
        r"^(?:van|von|de|der|den|del|della|di|da|du|le|la)\s", person.family
    ):
        family = "{" + family + "}"  # "Van Gaal", "Pérez Manghi": one family name
    return f"{family}, {_escape(person.given)}" if person.given else family


def render(reference: ParsedReference, key: str) -> str:
    """One entry, preceded by the printed string as a comment."""
    printed = reference.text.replace("@", "(at)")
    lines = [f"% printed: {printed}", f"@{reference.type}{{{key},"]
    authors = [_name(p) for p in reference.authors]
    if reference.others:
        authors.append("others")
    fields: list[tuple[str, str]] = []
    if authors:
        fields.append(("author", " and ".join(authors)))
    if reference.title:
        fields.append(("title", _protect(_escape(reference.title))))
    if reference.journal:
        fields.append(
            ("journal" if reference.type == "article" else "howpublished", _escape(reference.journal))
        )
    for name in ("year", "volume", "issue", "pages"):
        value = getattr(reference, name)
        if value:
            fields.append(("number" if name == "issue" else name, _escape(value)))
    for name in ("doi", "pmid", "pmcid"):
        value = getattr(reference, name)
        if value:
            fields.append((name, _escape(value)))
    if reference.url:
        fields.append(("url", reference.url.replace("{", "%7B").replace("}", "%7D")))
    width = max((len(n) for n, _ in fields), default=0)
    lines += [f"  {name.ljust(width)} = {{{value}}}," for name, value in fields]
    lines.append("}")
    return "\n".join(lines) + "\n"
