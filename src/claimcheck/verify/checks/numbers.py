"""Numbers: the figures a claim states against the figures the cited abstract reports.

Quantities are extracted with their kind (percentage, fold change, duration, dose, level,
sample size, plain number), ranges ("15-20%", "15%-20%", "2- to 10-fold", "26 to 52 weeks")
and bounds ("more than 2%", ">2%", "≥8%"), and normalised (durations in weeks, so "6-12
months" meets "26 to 52 weeks"). A claim figure larger or more precise than anything the
evidence reports is overstated (C010); a figure the evidence never mentions is unsupported (C011).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import Sentence, expand, tokens

_NUM = r"[-−–]?\s?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−–]?\s?\d+(?:\.\d+)?"
_DASH = r"\s*(?:-|–|—|to|and)\s*"
_LOWER_BOUND = r"more than|greater than|over|above|at least|exceeding|in excess of|>=|≥|>|⩾"
_UPPER_BOUND = r"less than|fewer than|under|below|up to|at most|<=|≤|<|⩽"
_APPROX = r"approximately|about|around|roughly|nearly|almost|~|≈|some"
_BOUND = rf"(?P<bound>{_LOWER_BOUND}|{_UPPER_BOUND}|{_APPROX})?\s*"

_WEEKS_PER = {
    "day": 1 / 7,
    "d": 1 / 7,
    "days": 1 / 7,
    "week": 1.0,
    "weeks": 1.0,
    "wk": 1.0,
    "wks": 1.0,
    "month": 52 / 12,
    "months": 52 / 12,
    "mo": 52 / 12,
    "year": 52.0,
    "years": 52.0,
    "yr": 52.0,
    "yrs": 52.0,
}
_DURATION_UNIT = r"(?P<unit>days?|d|weeks?|wks?|wk|months?|mo|years?|yrs?|yr)"
_DOSE_UNIT = r"(?P<unit>mg|µg|μg|mcg|microg|ng|g|IU|units?)(?P<per>\s*/\s*kg|\s*kg\(-1\))?(?![/A-Za-z])"
_LEVEL_UNIT = r"(?P<unit>mg\s*/\s*d[lL]|mmol\s*/\s*L|cm\(2\)|cm2|cm²|kg/m2|kg|cm|mm\s?Hg|pg/mL|ng/mL)"
_PEOPLE = (
    r"(?P<unit>patients|participants|subjects|adults|men|women|people|persons|individuals|"
    r"children|volunteers|cases|mice|rats)"
)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fold", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*-?{_DASH}(?P<b>{_NUM})\s*-?\s*fold", re.I)),
    ("fold", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*-?\s*fold", re.I)),
    ("percent", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*%?{_DASH}(?P<b>{_NUM})\s*(?:%|percent)", re.I)),
    ("percent", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*(?:%|percent\b)", re.I)),
    ("duration", re.compile(rf"{_BOUND}(?P<a>{_NUM}){_DASH}(?P<b>{_NUM})[\s-]*{_DURATION_UNIT}\b", re.I)),
    ("duration", re.compile(rf"{_BOUND}(?P<a>{_NUM})[\s-]*{_DURATION_UNIT}\b", re.I)),
    ("duration", re.compile(r"\b(?P<unit>wk|week|month|day)\s+(?P<a>\d+)\b", re.I)),
    ("dose", re.compile(rf"{_BOUND}(?P<a>{_NUM}){_DASH}(?P<b>{_NUM})\s*{_DOSE_UNIT}", re.I)),
    ("dose", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*-?\s*{_DOSE_UNIT}", re.I)),
    ("level", re.compile(rf"{_BOUND}(?P<a>{_NUM})\s*{_LEVEL_UNIT}", re.I)),
    (
        "count",
        re.compile(rf"{_BOUND}(?P<a>\d{{1,3}}(?:,\d{{3}})+|\d+)\s+(?:[\w-]+\s+){{0,4}}?{_PEOPLE}\b", re.I),
    ),
    ("count", re.compile(r"\bn\s*=\s*(?P<a>\d+)", re.I)),
]
#: A number that is part of a name ("GLP-1", "COVID-19", "type 2", "phase 3", "R0") or a year.
_NAME_NUMBER = re.compile(
    r"(?:[A-Za-z]-?|type\s|phase\s|grade\s|stage\s|class\s|day\s|wave\s)\d+(?:\.\d+)?\b"
    r"|\b(?:19|20)\d\d\b|\b\d+(?:st|nd|rd|th)\b",
    re.I,
)
_PLAIN = re.compile(r"(?<![\w.,/])(?P<a>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w%]|[.,]\d)")
#: Reference markers left in a sentence ("[12]", "(37–40)", "… proteins –10]", "CI activity , 48]",
#: "thrombosis.38 40"): numbers that point at a bibliography, not figures the paper must report.
_CITATION_MARK = re.compile(
    r"\[[\d\s,;–—-]*\]?"
    r"|\(\s*\d{1,3}(?:\s*[,;–—-]\s*\d{0,3})*\s*\)"
    r"|(?:^|(?<=[\s,;–—-]))[,;–—-]?\s*\d{1,3}(?:\s*[,;–—-]\s*\d{0,3})*\s*\]"
    r"|(?<=[a-z)\]])[.,;]\d{1,3}(?:[,–—-]\d{1,3})*(?:\s\d{1,3})*(?=\s|$)"
)


def without_citation_marks(text: str) -> str:
    """The sentence with its reference markers blanked out (same length, so spans still line up)."""
    return _CITATION_MARK.sub(lambda m: " " * len(m.group(0)), text)
_DIGIT = re.compile(r"\d")
_WORD_NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
    "half": 50,
}


@dataclass(frozen=True)
class Quantity:
    """A figure with its kind, normalised to a range (low == high for a single value)."""

    kind: str
    low: float
    high: float
    #: ">" (at least), "<" (at most), "~" (approximately) or "".
    bound: str
    text: str
    #: Decimal places as written: a claim more precise than its source is overstated.
    decimals: int
    unit: str = ""

    def describe(self) -> str:
        return self.text.strip()


def _value(text: str) -> float:
    cleaned = text.replace("−", "-").replace("–", "-").replace(",", "").replace(" ", "")
    return abs(float(cleaned))


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _bound(word: str | None) -> str:
    if not word:
        return ""
    word = word.lower()
    if re.fullmatch(_LOWER_BOUND, word):
        return ">"
    if re.fullmatch(_UPPER_BOUND, word):
        return "<"
    return "~"


def extract(text: str) -> list[Quantity]:
    """Every quantity in a sentence, each span read once (the most specific pattern wins)."""
    return list(_extract(text))


@lru_cache(maxsize=65536)
def _extract(text: str) -> tuple[Quantity, ...]:
    if not _DIGIT.search(text):
        return ()
    taken: list[tuple[int, int]] = []
    found: list[Quantity] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start = match.start("a")
            if not free(start, match.end()):
                continue
            groups = match.groupdict()
            a = _value(groups["a"])
            b = _value(groups["b"]) if groups.get("b") else a
            unit = (groups.get("unit") or "").lower()
            if kind == "duration":
                factor = _WEEKS_PER.get(unit.rstrip("s") if unit not in _WEEKS_PER else unit, 1.0)
                a, b = a * factor, b * factor
            if kind == "dose" and groups.get("per"):
                unit += "/kg"
            low, high = min(a, b), max(a, b)
            bound = _bound(groups.get("bound"))
            if kind == "duration" and (groups.get("bound") or "").lower() == "over":
                bound = ""  # "over 26 weeks" is a period, not a lower bound
            if kind == "percent" and re.match(r"\s*(?:CI|confidence|credible)\b", text[match.end() :]):
                taken.append((match.start(), match.end()))
                continue
            decimals = max(_decimals(groups["a"]), _decimals(groups.get("b") or ""))
            found.append(Quantity(kind, low, high, bound, match.group(0).strip(), decimals, unit))
            taken.append((match.start(), match.end()))
    names = [(m.start(), m.end()) for m in _NAME_NUMBER.finditer(text)]
    for match in _PLAIN.finditer(text):
        start, end = match.start("a"), match.end("a")
        if not free(start, end) or any(s <= start < e for s, e in names):
            continue
        value = float(match.group("a").replace(",", ""))
        found.append(Quantity("number", value, value, "", match.group("a"), _decimals(match.group("a"))))
    return tuple(found)


def _close(a: float, b: float, approximate: bool = False) -> bool:
    tolerance = (0.10 if approximate else 0.03) * max(abs(a), abs(b)) + 0.05
    return abs(a - b) <= tolerance


def _supports(claim: Quantity, evidence: Quantity) -> bool:
    """Whether one evidence figure backs a claim figure (same kind, within rounding)."""
    approximate = claim.bound == "~" or evidence.bound == "~"
    if claim.bound == ">":
        return evidence.bound != "<" and (evidence.high >= claim.low or _close(evidence.low, claim.low))
    if claim.bound == "<":
        return evidence.bound != ">" and (evidence.low <= claim.high or _close(evidence.high, claim.high))
    if evidence.bound in "<>" and evidence.bound:
        return False
    covers = evidence.low <= claim.low + _slack(claim, approximate) and evidence.high >= claim.high - _slack(
        claim, approximate
    )
    if evidence.low == evidence.high:
        return _close(claim.low, evidence.low, approximate) and _close(claim.high, evidence.high, approximate)
    return covers


def _slack(q: Quantity, approximate: bool) -> float:
    return (0.10 if approximate else 0.03) * q.high + 0.05


def _endpoints_reported(claim: Quantity, evidence: list[Quantity]) -> bool:
    """A claimed range whose two ends are both figures the evidence reports ('15-18%')."""
    if claim.low == claim.high:
        return False
    approximate = claim.bound == "~"
    ends = [claim.low, claim.high]
    return all(
        any(_close(end, e.low, approximate) or _close(end, e.high, approximate) for e in evidence)
        for end in ends
    )


def _over_precise(claim: Quantity, evidence: Quantity) -> bool:
    """'15.27%' where the source says '15%': agreeing once rounded, but claiming more precision."""
    if claim.low != claim.high or evidence.low != evidence.high or claim.decimals <= evidence.decimals:
        return False
    return round(claim.low, evidence.decimals) == round(evidence.low, evidence.decimals) and round(
        claim.low, claim.decimals
    ) != round(evidence.low, claim.decimals)


def _near_words(text: str, q: Quantity) -> set[str]:
    """The content words within a few words of a figure (what the figure is a figure of)."""
    at = text.find(q.text)
    if at < 0:
        return set()
    before = _RAW_WORD.findall(text[max(0, at - 60) : at])[-6:]
    after = _RAW_WORD.findall(text[at + len(q.text) : at + len(q.text) + 40])[:4]
    return {w for w in tokens(expand(" ".join(before + after))) if not w[0].isdigit()} - _VAGUE


_RAW_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_VAGUE = {
    "reduction",
    "reduc",
    "decreas",
    "increas",
    "chang",
    "mean",
    "group",
    "level",
    "patient",
    "by",
    "week",
    "treatment",
    "effect",
    "total",
    "compar",
    "vs",
    "over",
    "period",
}


_KIND_NAMES = {
    "percent": "percentage",
    "fold": "fold change",
    "duration": "duration",
    "dose": "dose",
    "level": "measured level",
    "count": "number of participants",
    "number": "figure",
}


def _with_kind(kind: str, sentences: tuple[Sentence, ...]) -> list[tuple[Sentence, Quantity]]:
    return [(s, q) for s in sentences for q in extract(s.text) if q.kind == kind]


def _shares_words(claim_words: set[str], sentence: Sentence) -> bool:
    return bool(claim_words & set(tokens(sentence.text)))


def _plain_number_reported(value: float, text: str) -> bool:
    for q in extract(text):
        if q.low <= value <= q.high or math.isclose(q.low, value) or math.isclose(q.high, value):
            return True
    word_values = {v for w, v in _WORD_NUMBERS.items() if re.search(rf"\b{w}\b", text, re.I)}
    return value in word_values or re.search(rf"(?<![\d.]){re.escape(_fmt(value))}(?![\d])", text) is not None


def _fmt(value: float) -> str:
    return f"{value:g}"


def check(ctx: Context) -> list[Finding]:
    claim_quantities = extract(without_citation_marks(ctx.claim_text))
    if not claim_quantities:
        return []
    findings: list[Finding] = []
    claim_words = {t for t in tokens(ctx.claim_text) if not t[0].isdigit()}
    for q in claim_quantities:
        if q.kind == "number":
            if not _plain_number_reported(q.low, ctx.record_text):
                findings.append(
                    rules.finding(
                        "C011",
                        f"the claim's figure '{q.describe()}' does not appear in the cited abstract"
                        f"{ctx.incomplete_note}",
                        reference=ctx.key,
                        evidence=ctx.quote(),
                    )
                )
            continue
        candidates = _with_kind(q.kind, ctx.sentences)
        if q.kind == "count":
            candidates += [(s, e) for s, e in _with_kind("number", ctx.sentences)]
        # Figures near the same words as the claim's figure ("HbA1c by >2%", not "weight by >10%").
        near = _near_words(ctx.claim_text, q)
        contextual = [(s, e) for s, e in candidates if near & _near_words(s.text, e)] or candidates
        supporting = [e for _, e in contextual if _supports(q, e)]
        precise = next((e for e in supporting if _over_precise(q, e)), None)
        if supporting and precise is None:
            continue
        if precise is None and _endpoints_reported(q, [e for _, e in contextual]):
            continue
        if precise is not None:
            sentence = next(s for s, e in contextual if e is precise)
            findings.append(
                rules.finding(
                    "C010",
                    f"the claim gives '{q.describe()}', more precise than the '{precise.describe()}' "
                    "the cited abstract reports",
                    reference=ctx.key,
                    evidence=ctx.quote([sentence]),
                )
            )
            continue
        candidates = contextual
        what = _KIND_NAMES[q.kind]
        if not candidates:
            findings.append(
                rules.finding(
                    "C011",
                    f"the claim states {what} '{q.describe()}', but the cited abstract reports no {what}"
                    f"{ctx.incomplete_note}",
                    reference=ctx.key,
                    evidence=ctx.quote(),
                )
            )
            continue
        related = [(s, e) for s, e in candidates if _shares_words(claim_words, s)] or candidates
        sentences = list(dict.fromkeys(s for s, _ in related))
        largest = max(related, key=lambda pair: math.inf if pair[1].bound == ">" else pair[1].high)
        if q.bound != "<" and q.high > largest[1].high + _slack(largest[1], q.bound == "~"):
            findings.append(
                rules.finding(
                    "C010",
                    f"the claim's {what} '{q.describe()}' is larger than any the cited abstract reports "
                    f"(the largest related one is '{largest[1].describe()}'){ctx.incomplete_note}",
                    reference=ctx.key,
                    evidence=ctx.quote([largest[0], *sentences]),
                )
            )
        else:
            reported = ", ".join(dict.fromkeys(f"'{e.describe()}'" for _, e in related[:4]))
            findings.append(
                rules.finding(
                    "C011",
                    f"the claim's {what} '{q.describe()}' is not among those the cited abstract reports "
                    f"({reported}){ctx.incomplete_note}",
                    reference=ctx.key,
                    evidence=ctx.quote(sentences),
                )
            )
    return findings
