"""A rule parser for printed references: Vancouver/NLM, AMA, APA, Harvard, MLA, Nature, Science
and the loose styles of health web pages.

The string is read in three steps, each with the cue the styles give:
1. identifiers (DOI, PMID, PMCID, links) are taken out first: they are unambiguous, and they win;
2. the author list is consumed name by name from the start, whatever shape the names take
   ("Teich T", "Stanley, T. L.", "S. E. Kahn", "Petersen, Max C., and Gerald I. Shulman"),
   up to the first thing that is not a name; a group ("UK Prospective Diabetes Study Group")
   is a corporate author;
3. the title runs to its closing punctuation (or its quotes), the container to the first
   number, and the numbers are read by their punctuation (`2002;347(4):284-7`,
   `444, 840–846 (2006)`, `vol. 27, no. 4, 2018, pp. 740-56`).
Everything is kept as printed; only spacing and dashes in page ranges are made plain.
"""

from __future__ import annotations

import re

from claimcheck.identifiers import printed_doi
from claimcheck.model import Person
from claimcheck.refparse.parsed import ParsedReference

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_PARTICLE = r"(?:(?:van|von|der|den|de|del|della|di|da|du|dos|das|le|la|ter|ten|St\.?)\s+)"
_FAMWORD = rf"[{_UP}][\w'’]*(?:-[{_UP}]?[\w'’]+)*"
_FAMILY = rf"{_PARTICLE}*{_FAMWORD}(?:\s{_FAMWORD})?"
_INITIALS_DOTTED = rf"[{_UP}]\.(?:\s?-?[{_UP}]\.)*"
_INITIALS_BARE = rf"[{_UP}]{{1,4}}(?:-[{_UP}]{{1,2}})?"
_GIVEN_FULL = rf"[{_UP}][\w'’-]+(?:\s(?:[{_UP}]\.(?:\s?[{_UP}]\.)*|[{_UP}][\w'’-]+))*"
_NAME_END = r"(?=\s*[,.;&]|\s+et\b|\s+and\b|\s*…|\s*$|(?<=\.)\s)"

#: "Teich T", "Harman SM", "van der Berg JD", "Castaigne J-P" (Vancouver, AMA).
_SURNAME_INITIALS = re.compile(rf"(?P<family>{_FAMILY})\s+(?P<given>{_INITIALS_BARE}){_NAME_END}")
#: "Stanley, T. L.", "Bailey, C.J.", "Chi, N.-W.", "Smith, JA" (APA, Harvard, Nature).
_SURNAME_COMMA = re.compile(
    rf"(?P<family>{_FAMILY}),\s*(?P<given>{_INITIALS_DOTTED}|{_INITIALS_BARE}(?![\w.])){_NAME_END}"
)
#: "S. E. Kahn", "J. P. H. Wilding" (Science).
_INITIALS_SURNAME = re.compile(rf"(?P<given>{_INITIALS_DOTTED})\s?(?P<family>{_FAMILY}){_NAME_END}")
_SEPARATOR = re.compile(r"\s*(?:,\s*(?:&|and\b)?|;|&|\band\b|…|\.\.\.)\s*(?:…\s*)?")
_ET_AL = re.compile(r"\s*,?\s*(?:et\.?\s*al\b\.?|and\s+others\b|&\s*al\b\.?)\s*,?")

_CORPORATE = re.compile(
    r"\b(group|association|organi[sz]ation|society|institutes?|committee|collaboration|agency|"
    r"foundation|centers?|centres?|council|college|department|ministry|network|consortium|"
    r"trialists|investigators|staff|team|publishing|clinic|news|services|administration|"
    r"inserm|who|cdc|fda|nih|nhs|nice|ema)\b",
    re.IGNORECASE,
)

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_PAGE = r"(?:[A-Za-z]?\d+(?:\.[a-z]\d+)?[A-Za-z]?|[ivxlcdm]+)"
_PAGES = rf"{_PAGE}(?:\s*[-–—‐]\s*{_PAGE})?(?:,\s*{_PAGE}\s*[-–—‐]\s*{_PAGE})*"

# --- identifiers --------------------------------------------------------------------------------

_DOI = re.compile(
    r"(?:(?:https?://)?(?:dx\.)?doi\.org/|\bdoi\s*:?\s*)(10\.\d{4,9}/[^\s\"<>]+)|\b(10\.\d{4,9}/[^\s\"<>,;]+)",
    re.IGNORECASE,
)
_PMID = re.compile(
    r"(?:PubMed\s*:?\s*)?(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)"
    r"(\d{1,9})/?|\bPMID\s*:?\s*(\d{1,9})",
    re.IGNORECASE,
)
_PMCID = re.compile(
    r"(?:https?://)?(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/)"
    r"(PMC\d{1,9})/?|\b(?:PMCID|PMC)\s*:?\s*(PMC\d{1,9})\b|\b(PMC\d{4,9})\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:<)?https?://[^\s<>\"]+", re.IGNORECASE)
_LINK_LABEL = re.compile(
    r"(?:\bAvailable\s+(?:at|from|online)\s*:?|\bRetrieved\s+(?:\w+\s+\d{1,2},\s*\d{4},\s*)?from\b|"
    r"\bURL\s*:|\bPubMed\s*:|\bFull\s+text\s*:)\s*$",
    re.IGNORECASE,
)
_ACCESSED = re.compile(
    r"[\[(]?\s*(?:Accessed|Cited|Viewed|Retrieved)\b\s*:?\s*(?P<date>[^\])]*?\d{4})\s*[\])]?\s*\.?",
    re.IGNORECASE,
)
_EPUB = re.compile(
    r"\b(?:Epub|E-pub)\s+(?:ahead\s+of\s+print\b|\d{4}[^.;]*)\.?|\[Epub[^\]]*\]", re.IGNORECASE
)
_NUMBERING = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)](?=\s)|[•·▪◦‣*+–-](?=\s))\s*")


def _clean_identifier_tail(value: str) -> str:
    value = value.rstrip(".,;:")
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,;:")
    while value.endswith("]") and value.count("]") > value.count("["):
        value = value[:-1].rstrip(".,;:")
    return value


def take_identifiers(text: str) -> tuple[str, dict[str, str]]:
    """The string without its identifiers and links, and the identifiers found (as printed)."""
    found: dict[str, str] = {}

    def doi(match: re.Match[str]) -> str:
        raw = _clean_identifier_tail(match.group(1) or match.group(2))
        found.setdefault("doi", printed_doi(raw))
        return " \x00 "

    def pmid(match: re.Match[str]) -> str:
        found.setdefault("pmid", (match.group(1) or match.group(2)).lstrip("0"))
        return " \x00 "

    def pmcid(match: re.Match[str]) -> str:
        found.setdefault("pmcid", (match.group(1) or match.group(2) or match.group(3)).upper())
        return " \x00 "

    def url(match: re.Match[str]) -> str:
        found.setdefault("url", _clean_identifier_tail(match.group().lstrip("<").rstrip(">")))
        return " \x00 "

    accessed = _ACCESSED.search(text)
    if accessed:
        year = re.search(_YEAR, accessed.group("date"))
        if year:
            found["accessed"] = year.group()
        text = text[: accessed.start()] + " \x00 " + text[accessed.end() :]
    text = _DOI.sub(doi, text)
    text = _PMID.sub(pmid, text)
    text = _PMCID.sub(pmcid, text)
    text = _URL.sub(url, text)
    text = _EPUB.sub(" \x00 ", text)
    # What labelled a link ("Available at:", "PubMed:") goes with it.
    pieces = text.split("\x00")
    pieces = [_LINK_LABEL.sub("", piece).rstrip() for piece in pieces[:-1]] + pieces[-1:]
    joined = pieces[0]
    for piece in pieces[1:]:
        piece = piece.lstrip(" .,;:")
        joined = f"{joined} {piece}" if piece else joined
    return " ".join(joined.split()).strip(" .,;:"), {k: v for k, v in found.items() if v}


# --- authors ------------------------------------------------------------------------------------


def _person(family: str, given: str) -> Person:
    return Person(family=" ".join(family.split()), given=" ".join(given.split()))


def consume_authors(text: str) -> tuple[list[Person], bool, int]:
    """The names at the start of `text`, whether "et al." ends them, and where they end."""
    persons: list[Person] = []
    position = 0
    others = False
    while True:
        match = (
            _SURNAME_COMMA.match(text, position)
            or _SURNAME_INITIALS.match(text, position)
            or _INITIALS_SURNAME.match(text, position)
        )
        if match is None:
            break
        persons.append(_person(match.group("family"), match.group("given")))
        position = match.end()
        et_al = _ET_AL.match(text, position)
        if et_al:
            others = True
            position = et_al.end()
            break
        separator = _SEPARATOR.match(text, position)
        if separator is None or separator.end() == position:
            break
        following = separator.end()
        if not (
            _SURNAME_COMMA.match(text, following)
            or _SURNAME_INITIALS.match(text, following)
            or _INITIALS_SURNAME.match(text, following)
        ):
            if separator.group().strip().startswith(","):
                position = following  # Science: the list ends with the comma before the title
            break
        position = following
    return persons, others, position


def _mla_authors(segment: str) -> tuple[list[Person], bool] | None:
    """MLA: "Petersen, Max C., and Gerald I. Shulman." / "Stanley, Takara L., et al." """
    segment = segment.strip()
    if not re.search(rf"\b[{_UP}]\.$", segment):
        segment = segment.rstrip(".").strip()
    others = False
    et_al = re.search(r",?\s*et al\.?$", segment)
    if et_al:
        others, segment = True, segment[: et_al.start()]
    first = re.match(rf"^(?P<family>{_FAMILY}),\s*(?P<given>{_GIVEN_FULL})", segment)
    if not first:
        return None
    persons = [_person(first.group("family"), first.group("given"))]
    for part in re.split(r",\s*and\s+|\s+and\s+|,\s*", segment[first.end() :]):
        part = part.strip(" ,")
        if not part:
            continue
        forward = re.match(rf"^(?P<given>{_GIVEN_FULL}\s)?(?P<family>{_FAMILY})$", part)
        if not forward:
            return None
        given = (forward.group("given") or "").strip()
        persons.append(_person(forward.group("family"), given))
    return persons, others


def _corporate(segment: str) -> bool:
    words = segment.split()
    if not words or len(words) > 12:
        return False
    return bool(_CORPORATE.search(segment)) or (len(words) == 1 and words[0][:1].isupper())


# --- title, container, numbers ------------------------------------------------------------------

_ABBREVIATED = {
    "vs",
    "e.g",
    "i.e",
    "etc",
    "al",
    "approx",
    "no",
    "st",
    "dr",
    "mr",
    "mrs",
    "ms",
    "fig",
    "ed",
    "eds",
}
_TITLE_END = re.compile(r"([.?!])([\"”’']?)(?=\s+\S|\s*$)")


def split_title(text: str) -> tuple[str, str]:
    """The title (to its closing punctuation) and what follows it."""
    for match in _TITLE_END.finditer(text):
        before = text[: match.start()]
        word = before.rsplit(None, 1)[-1].lower() if before.split() else ""
        if match.group(1) == "." and (
            word.strip("(“\"'") in _ABBREVIATED or re.fullmatch(r"\d{1,2}", before.strip())
        ):
            continue
        end = match.end()
        title = text[:end] if match.group(1) in "?!" or match.group(2) else text[: match.start()]
        return title.strip(), text[end:].strip()
    return text.strip().rstrip("."), ""


_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’", "«": "»"}


def split_quoted(text: str) -> tuple[str, str] | None:
    """A title in quotes at the start: 'Title', / "Title." """
    opening = text[:1]
    if opening not in _QUOTES:
        return None
    closing = _QUOTES[opening]
    pattern = re.compile(re.escape(closing) + r"(?=\s*[,.;:]|\s|$)")
    match = pattern.search(text, 1)
    if match is None:
        return None
    title = text[1 : match.start()].strip().rstrip(".,").strip()
    return title, text[match.end() :].lstrip(" ,.;:")


_NUMBERS_START = re.compile(
    rf"(?:[,.;:]\s*|\s+)(?=(?:vol\.|volume\b|no\.|pp?\.\s*\d|\(?{_YEAR}\b|{_MONTH}\s+\d|\d+\s*[(:,;]|"
    rf"\d+\s+Suppl|\d+\s*\.?\s*$|(?:Updated|Published|Posted|Last\s+updated|Reviewed)\b))",
    re.IGNORECASE,
)
_PUBLISHER = re.compile(r"\b(?:Publishing|Press|Publishers?|Inc|Ltd|LLC|GmbH)\.?$")


def split_container(text: str) -> tuple[str, str]:
    """The container (journal, site) and the numbers after it."""
    text = re.sub(r"^In\s+", "", text.strip())
    match = _NUMBERS_START.search(text)
    if match is None:
        return text.strip(" .,;:"), ""
    return text[: match.start()].strip(" ,;:").rstrip("."), text[match.end() :].strip()


def _pages(value: str) -> str:
    return re.sub(r"\s*[-–—‐]\s*", "-", value.strip())


_NUMBER_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bvol(?:ume)?\.?\s*(\w+)", re.IGNORECASE), ("volume",)),
    (re.compile(r"\b(?:no|issue|nr)\.?\s*(\w+)", re.IGNORECASE), ("issue",)),
    (re.compile(rf"\bpp?\.\s*({_PAGES})"), ("pages",)),
    (
        re.compile(rf"(\d+[A-Z]?)\s+(Suppl\.?\s*\d*)\s*:\s*({_PAGES})", re.IGNORECASE),
        ("volume", "issue", "pages"),
    ),
    (re.compile(rf"(\d+[A-Z]?)\s*(?:\(([^()]+)\))?\s*:\s*({_PAGES})"), ("volume", "issue", "pages")),
    (
        re.compile(rf"(\d+[A-Z]?)\s*\(([^()]+)\)\s*,\s*(?:Article\s+|pp?\.\s*)?({_PAGES})(?=\s*[.;,(]|\s*$)"),
        ("volume", "issue", "pages"),
    ),
    (re.compile(rf"(?<![\d(])(\d+[A-Z]?)\s*\((?!\s*{_YEAR}\s*\))([^()]+)\)"), ("volume", "issue")),
    (
        re.compile(rf"(?<![\d(])(\d+[A-Z]?)\s*,\s*(?:Article\s+|pp?\.\s*)?({_PAGES})(?=\s*[.;(]|\s*$)"),
        ("volume", "pages"),
    ),
)


def read_numbers(text: str, year_known: bool) -> dict[str, str]:
    """Volume, issue, pages and year from what follows the container, by their punctuation."""
    found: dict[str, str] = {}
    rest = text
    if not year_known:
        # A year that opens the numbers (Vancouver `2002 Jul 25;347(4)…`) is the year.
        leading = re.match(
            rf"\s*\(?({_YEAR})[a-z]?\)?(?:\s+{_MONTH}(?:\s*\d{{1,2}}(?:-\d{{1,2}})?)?)?\s*[;:.,]?", rest
        )
        if leading:
            found["year"] = leading.group(1)
            rest = rest[leading.end() :]
    date = re.search(rf"{_MONTH}\s+\d{{1,2}},?\s+({_YEAR})|\d{{1,2}}\s+{_MONTH}\s+({_YEAR})", rest)
    if date:  # a news or web date: "March 3, 2023", "12 January 2024"
        if not year_known and "year" not in found:
            found["year"] = date.group(1) or date.group(2)
        rest = rest[: date.start()] + " ; " + rest[date.end() :]
    for pattern, names in _NUMBER_PATTERNS:
        match = pattern.search(rest)
        if match is None:
            continue
        if any(name in found for name in names):
            continue
        for name, value in zip(names, match.groups(), strict=True):
            if value:
                found[name] = _pages(value) if name == "pages" else value.strip()
        rest = rest[: match.start()] + " ; " + rest[match.end() :]
    if "volume" not in found:
        lone = re.match(r"\s*[,;]?\s*(\d+[A-Z]?)\s*(?:[,;.]|$)", rest)
        if lone and (year_known or not re.fullmatch(_YEAR, lone.group(1))):
            found["volume"] = lone.group(1)
    if not year_known and "year" not in found:
        year = re.search(rf"(?<!\d){_YEAR}(?!\d)", rest)
        if year:
            found["year"] = year.group()
    return found


# --- the whole string -----------------------------------------------------------------------------

_PAREN_YEAR = re.compile(rf"^(?P<authors>.+?)\s*\(\s*(?P<year>{_YEAR})[a-z]?(?:,[^)]*)?\)\s*[.,:]?\s*")
_NEWS = re.compile(
    r"\b(New York Times|Washington Post|Guardian|BBC|Reuters|CNN|NPR|Healthline|WebMD|"
    r"Medical News Today|Mayo Clinic|Harvard Health|Cleveland Clinic|Verywell)\b",
    re.IGNORECASE,
)


def parse(text: str) -> ParsedReference:
    """Read one printed reference into its fields, as printed."""
    original = " ".join(text.split())
    body, ids = take_identifiers(_NUMBERING.sub("", original))
    fields: dict[str, str] = {}
    persons: list[Person] = []
    others = False
    year_known = False
    rest = body

    paren = _PAREN_YEAR.match(body)
    quote_at = re.search(r"(?:^|\s)([\"“‘'])(?=\w)", body)
    if (
        paren
        and len(paren.group("authors")) < 0.7 * len(body)
        and not re.search(r"[\"“]", paren.group("authors"))
    ):
        # APA / Harvard: the author list ends where "(2019)" starts.
        segment = paren.group("authors").strip()
        fields["year"] = paren.group("year")
        year_known = True
        persons, others, end = consume_authors(segment)
        if not persons or segment[end:].strip(" .,"):
            persons, others = ([Person(literal=segment.rstrip(". "))] if segment else []), False
        rest = body[paren.end() :]
    elif quote_at and quote_at.start(1) < 250 and quote_at.start(1) > 0:
        # MLA (and other styles that quote the title): the authors are what precedes the quote.
        segment = body[: quote_at.start(1)]
        mla = _mla_authors(segment)
        if mla:
            persons, others = mla
        else:
            persons, others, end = consume_authors(segment)
            if not persons and segment.strip(" ."):
                persons = [Person(literal=segment.strip(" ."))]
        rest = body[quote_at.start(1) :]
    else:
        persons, others, end = consume_authors(body)
        rest = body[end:]
        if not persons:
            first, after = split_title(body)
            if after and _corporate(first) and not re.match(rf"^{_YEAR}\b", after):
                persons, rest = [Person(literal=first)], after
            else:
                rest = body
    rest = rest.lstrip(" .,:")
    if rest.startswith(";"):
        # "et al; LEADER Steering Committee." : the group named after the authors.
        rest = rest[1:].split(". ", 1)[-1] if ". " in rest else ""
    if not year_known:
        lead_year = re.match(rf"^\(?({_YEAR})[a-z]?\)?\.\s+", rest)
        if lead_year:  # Harvard without brackets: "Smith, J. and Jones, K. 2019. Title."
            fields["year"], year_known, rest = lead_year.group(1), True, rest[lead_year.end() :]

    quoted = split_quoted(rest)
    if quoted:
        title, tail = quoted
    else:
        title, tail = split_title(rest)
    container, numbers = split_container(tail)
    # "Title. Report of a WHO consultation. Journal" : the container is the last sentence.
    segments = re.split(r"(?<=[a-z\)])\.\s+(?=[A-Z])", container)
    if len(segments) > 1 and _PUBLISHER.search(segments[-1]):
        segments = segments[:-1]
        container = ". ".join(segments)
    abbreviated = re.search(r"\b[A-Z][a-z]{0,7}\.\s", container)
    if len(segments) > 1 and not abbreviated and all(len(s.split()) >= 2 for s in segments):
        title = f"{title}. {'. '.join(segments[:-1])}"
        container = segments[-1]
    fields.update(read_numbers(numbers, year_known))
    if "year" not in fields and ids.get("accessed"):
        fields["year"] = ids["accessed"]

    kind = "article"
    if (ids.get("url") and not fields.get("volume") and not fields.get("pages")) or (
        _NEWS.search(container) and not fields.get("volume")
    ):
        kind = "misc"
    if not title and not container and not persons:
        kind = "article"
    return ParsedReference(
        text=original,
        authors=tuple(persons),
        others=others,
        title=title.strip(),
        journal=container.strip(),
        year=fields.get("year", ""),
        volume=fields.get("volume", ""),
        issue=fields.get("issue", ""),
        pages=fields.get("pages", ""),
        doi=ids.get("doi", ""),
        pmid=ids.get("pmid", ""),
        pmcid=ids.get("pmcid", ""),
        url=ids.get("url", ""),
        type=kind,
        source="rules",
    )
