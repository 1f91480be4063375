"""Numbers: the figures a claim states against the figures the cited abstract reports.

Quantities are extracted with their kind (percentage, fold change, duration, dose, level,
sample size, plain number), ranges ("15-20%", "15%-20%", "2- to 10-fold", "26 to 52 weeks")
and bounds ("more than 2%", ">2%", "≥8%"), and normalised (durations in weeks, so "6-12
months" meets "26 to 52 weeks"). A claim figure larger or more precise than anything the
evidence reports is overstated (C010); a figure the evidence never mentions is unsupported (C011).

Figures are read with their sign: "reduced by 19.5%" is -19.5%, as is "−19.5%"; the same
magnitude in the opposite direction contradicts the claim (C012). Each evidence figure is bound
to the arm, dose and time point it is given for ("−19.5% ... with 10-mg doses", "52 weeks:
-0.8 mmol/L", "... in the placebo group"), and a figure given for another arm, dose or time
point is not the claim's figure (C030 for the comparison arm, C031 for another dose or time).
Only effect sizes (percentages, fold changes, measured changes) can be "larger than reported";
a sample size, dose or period the evidence does not give is unsupported.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
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
#: "at least a 20% reduction": the article between bound and figure is skipped.
_BOUND = rf"(?:(?P<bound>{_LOWER_BOUND}|{_UPPER_BOUND}|{_APPROX})\s*(?:an?\s+)?)?\s*"

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

#: A bound just before a figure ("more than 15%", "at least a 20%", ">2%"), read backwards from
#: the figure: the figure patterns start at a digit, so the regex engine does not try a bound
#: at every position of every sentence (the number check was the engine's hot spot).
_BOUND_WORDS = "|".join(
    w for w in f"{_LOWER_BOUND}|{_UPPER_BOUND}|{_APPROX}".split("|") if any(c.isalpha() for c in w)
)
_BOUND_SIGNS = "|".join(
    w for w in f"{_LOWER_BOUND}|{_UPPER_BOUND}|{_APPROX}".split("|") if not any(c.isalpha() for c in w)
)
_BOUND_BEFORE = re.compile(
    rf"(?P<bound>(?<![A-Za-z])(?:{_BOUND_WORDS})|{_BOUND_SIGNS})\s*(?:an?\s+)?$", re.I
)
#: Which kinds a sentence can hold at all: a cheap test before each kind's patterns.
_HINTS: dict[str, re.Pattern[str]] = {
    "fold": re.compile(r"fold", re.I),
    "percent": re.compile(r"%|percent", re.I),
    "duration": re.compile(
        r"\d[\s-]*(?:d|days?|weeks?|wks?|months?|mo|years?|yrs?)\b|(?:wk|week|month|day)\s+\d", re.I
    ),
    "dose": re.compile(r"\d\s*-?\s*(?:mg|µg|μg|mcg|microg|ng|g\b|IU\b|units?\b)", re.I),
    "level": re.compile(r"\d\s*(?:mg|mmol|cm|kg|mm|pg|ng)", re.I),
    "count": re.compile(
        r"\bn\s*=|patients|participants|subjects|adults|\bmen\b|women|people|persons|individuals|children|"
        r"volunteers|cases|mice|rats",
        re.I,
    ),
}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fold", re.compile(rf"(?P<a>{_NUM})\s*-?{_DASH}(?P<b>{_NUM})\s*-?\s*fold", re.I)),
    ("fold", re.compile(rf"(?P<a>{_NUM})\s*-?\s*fold", re.I)),
    ("percent", re.compile(rf"(?P<a>{_NUM})\s*%?{_DASH}(?P<b>{_NUM})\s*(?:%|percent)", re.I)),
    ("percent", re.compile(rf"(?P<a>{_NUM})\s*(?:%|percent\b)", re.I)),
    ("duration", re.compile(rf"(?P<a>{_NUM}){_DASH}(?P<b>{_NUM})[\s-]*{_DURATION_UNIT}\b", re.I)),
    ("duration", re.compile(rf"(?P<a>{_NUM})[\s-]*{_DURATION_UNIT}\b", re.I)),
    ("duration", re.compile(r"\b(?P<unit>wk|week|month|day)\s+(?P<a>\d+)\b", re.I)),
    ("dose", re.compile(rf"(?P<a>{_NUM}){_DASH}(?P<b>{_NUM})\s*{_DOSE_UNIT}", re.I)),
    ("dose", re.compile(rf"(?P<a>{_NUM})\s*-?\s*{_DOSE_UNIT}", re.I)),
    ("level", re.compile(rf"(?P<a>{_NUM})\s*{_LEVEL_UNIT}", re.I)),
    (
        "count",
        re.compile(rf"(?P<a>\d{{1,3}}(?:,\d{{3}})+|\d+)\s+(?:[\w-]+\s+){{0,4}}?{_PEOPLE}\b", re.I),
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
#: Words whose number names a thing ("phase 3", "type 2", "grade 4"), read just before a figure.
_ORDINAL_NAME = re.compile(r"\b(?:phase|type|grade|stage|class|wave|study|trial)\s+$", re.I)
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
    #: -1 a fall ("reduced by", "−19.5%"), +1 a rise, 0 unsigned (a level, a threshold).
    sign: int = 0
    start: int = -1

    def describe(self) -> str:
        return " ".join(self.text.split())


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


#: "7·0%" (Lancet style) is 7.0%; "-0.6 ± 1.7 mmol/L" is -0.6 mmol/L (the spread is blanked out).
_MIDDOT = re.compile(r"(?<=\d)·(?=\d)")
_SPREAD = re.compile(r"(?:±|\+/-|\+/−)\s*\d+(?:\.\d+)?")
#: Confidence intervals and interquartile ranges: the figures inside are not results.
_INTERVAL = re.compile(
    r"[\[(][^\[\]()]{0,12}?\b(?:CI|Cl|confidence interval|IQR|interquartile range)\b"
    r"(?:[^\[\]()]|\[[^\]]*\]|\([^)]*\))*[\])]"
)
_AFTER_BOUND = re.compile(r"\s*(?:or more|or greater|or higher|or above|and above|or over)\b", re.I)
_AFTER_UPPER = re.compile(r"\s*(?:or less|or fewer|or lower|or below|and below)\b", re.I)
_DOWN_WORD = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lower(?:ed|ing|s)?|fell|fall\w*|drop\w*|declin\w*|loss|lost|los(?:e|ing)|"
    r"diminish\w*|shrank|cut)\b",
    re.I,
)
_UP_WORD = re.compile(
    r"\b(?:increas\w*|rais\w*|rose|ris(?:e|es|ing)|gain\w*|elevat\w*|grew|boost\w*)\b", re.I
)
_SIGN_WINDOW = 70
_DEFINING = re.compile(
    rf"\b(?:with|having|had|achieving|achieved)\s+(?:an?\s+)?(?:(?:{_LOWER_BOUND}|{_UPPER_BOUND})\s*)?(?:an?\s+)?$",
    re.I,
)
_AGE = re.compile(r"\b(?:over|aged|age|older than|younger than|under)\s*$", re.I)


def _direction_before(text: str, at: int) -> int:
    """The sign the nearest direction word before a figure gives it ("decreased by 15.2%")."""
    window = text[max(0, at - _SIGN_WINDOW) : at]
    # Only words since the previous figure count ("a reduction of 5% or more was 85%": 85% is a share).
    window = re.split(r"[;:]|\bvs\.?|\bversus\b|\bcompared with\b|\d\s*(?:%|percent\b)", window)[-1]
    best, sign = -1, 0
    for pattern, value in ((_DOWN_WORD, -1), (_UP_WORD, 1)):
        for match in pattern.finditer(window):
            if match.start() > best:
                best, sign = match.start(), value
    return sign


#: Shares and multiples written in words, as the figure they mean. Replaced by a string of the
#: same length, so every position into the text stays right.
_WORD_FIGURES = (
    (re.compile(r"\b(?:one|1) in (?:two|2)\b", re.I), "50%"),
    (re.compile(r"\b(?:one|1) in (?:three|3)\b", re.I), "33%"),
    (re.compile(r"\b(?:two|2) in (?:three|3)\b", re.I), "67%"),
    (re.compile(r"\b(?:one|1) in (?:four|4)\b", re.I), "25%"),
    (re.compile(r"\b(?:three|3) in (?:four|4)\b", re.I), "75%"),
    (re.compile(r"\b(?:one|1) in (?:five|5)\b", re.I), "20%"),
    (re.compile(r"\b(?:one|1) in (?:ten|10)\b", re.I), "10%"),
    (re.compile(r"\b(?:nine|9) in (?:ten|10)\b", re.I), "90%"),
    (re.compile(r"\b(?:a|one) quarter\b", re.I), "25%"),
    (re.compile(r"\bthree quarters\b", re.I), "75%"),
    (re.compile(r"\b(?:a|one) third\b(?! (?:of the )?(?:dose|trimester|day|week|month|phase))", re.I), "33%"),
    (re.compile(r"\btwo[- ]thirds\b", re.I), "67%"),
    (re.compile(r"\bdoubl(?:ed|ing|es)\b", re.I), "2-fold"),
    (re.compile(r"\btripl(?:ed|ing|es)\b", re.I), "3-fold"),
    (re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten)-fold\b", re.I), None),
)
_WORD_FIGURE_HINT = re.compile(r"\b(?:in|quarters?|third|thirds|doubl|tripl|fold)", re.I)


def _figures_in_words(text: str) -> str:
    if not _WORD_FIGURE_HINT.search(text):
        return text
    for pattern, figure in _WORD_FIGURES:
        def same_length(match: re.Match[str], figure: str | None = figure) -> str:
            value = figure or f"{_WORD_NUMBERS[match.group(1).lower()]}-fold"
            return value.ljust(len(match.group(0)))

        text = pattern.sub(same_length, text)
    return text


@lru_cache(maxsize=65536)
def _extract(text: str) -> tuple[Quantity, ...]:
    text = _figures_in_words(text)
    if not _DIGIT.search(text):
        return ()
    text = _MIDDOT.sub(".", text)
    if "±" in text or "+/" in text:
        text = _SPREAD.sub(lambda m: " " * len(m.group(0)), text)
    taken: list[tuple[int, int]] = []
    if "I" in text or "l," in text:
        taken = [m.span() for m in _INTERVAL.finditer(text)]
    found: list[Quantity] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    hinted = {kind: hint.search(text) is not None for kind, hint in _HINTS.items()}
    for kind, pattern in _PATTERNS:
        if not hinted[kind]:
            continue
        for match in pattern.finditer(text):
            # The figure proper starts after any space the number pattern allows before it.
            start = match.start("a") + len(match.group("a")) - len(match.group("a").lstrip())
            if not free(start, match.end()):
                continue
            # A number that is part of a name ("CJC-1295", "GLP-1") is no figure.
            lead = start + (1 if text[start] in "-−–" else 0)
            ahead = text[max(0, lead - 2) : lead]
            if ahead[-1:].isalpha() or (ahead[-1:] == "-" and ahead[:1].isalpha()):
                continue
            if _ORDINAL_NAME.search(text, max(0, lead - 8), lead):
                continue  # "phase 3 trials", "type 2 diabetes": a name, not 3 trials
            groups = match.groupdict()
            before = _BOUND_BEFORE.search(text, max(0, start - 32), start)
            groups["bound"] = before.group("bound") if before else None
            begin = before.start() if before else match.start()
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
            if not bound and _AFTER_BOUND.match(text, match.end()):
                bound = ">"
            elif not bound and _AFTER_UPPER.match(text, match.end()):
                bound = "<"
            if kind == "duration" and (groups.get("bound") or "").lower() == "over":
                bound = ""  # "over 26 weeks" is a period, not a lower bound
            if kind == "percent" and re.match(r"\s*(?:CI|Cl|confidence|credible)\b", text[match.end() :]):
                taken.append((begin, match.end()))
                continue
            decimals = max(_decimals(groups["a"]), _decimals(groups.get("b") or ""))
            sign = 0
            if kind in _EFFECT_KINDS:
                raw = groups["a"].lstrip()
                sign = -1 if raw[:1] in "-−–" else _direction_before(text, begin)
            shown = text[begin : match.end()].strip()
            found.append(Quantity(kind, low, high, bound, shown, decimals, unit, sign, start))
            taken.append((begin, match.end()))
    names = [(m.start(), m.end()) for m in _NAME_NUMBER.finditer(text)]
    for match in _PLAIN.finditer(text):
        start, end = match.start("a"), match.end("a")
        if not free(start, end) or any(s <= start < e for s, e in names):
            continue
        value = float(match.group("a").replace(",", ""))
        found.append(
            Quantity("number", value, value, "", match.group("a"), _decimals(match.group("a")), start=start)
        )
    return tuple(found)


#: Kinds whose figures are effects (a change can be larger than reported, or go the other way).
_EFFECT_KINDS = frozenset({"percent", "fold", "level"})


def _close(a: float, b: float, approximate: bool = False) -> bool:
    tolerance = (0.10 if approximate else 0.03) * max(abs(a), abs(b)) + 0.05
    return abs(a - b) <= tolerance


def _supports(claim: Quantity, evidence: Quantity) -> bool:
    """Whether one evidence figure backs a claim figure (same kind, within rounding)."""
    approximate = claim.bound == "~" or evidence.bound == "~"
    if claim.kind == "duration" and not claim.bound and evidence.bound == "<":
        # "remained above baseline for up to 28 d": how long an effect lasted, as the claim's is.
        evidence = replace(evidence, bound="")
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


def _near_words(text: str, q: Quantity) -> frozenset[str]:
    """The content words within a few words of a figure (what the figure is a figure of)."""
    return _near(text, q.start, q.text)


@lru_cache(maxsize=65536)
def _near(text: str, start: int, shown: str) -> frozenset[str]:
    q = Quantity("", 0.0, 0.0, "", shown, 0, start=start)
    at = q.start if q.start >= 0 and text[q.start : q.start + 1].strip() else text.find(q.text)
    if at < 0:
        return frozenset()
    before = _RAW_WORD.findall(text[max(0, at - 60) : at])[-6:]
    after = _RAW_WORD.findall(text[at + len(q.text) : at + len(q.text) + 40])[:4]
    return frozenset(w for w in tokens(expand(" ".join(before + after))) if not w[0].isdigit()) - _VAGUE


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


@dataclass(frozen=True)
class Qualifier:
    """What an effect figure is given for: a dose, the comparison arm, a time point (weeks)."""

    dose: float | None = None
    dose_text: str = ""
    placebo: bool = False
    time: tuple[float, float] | None = None


#: A figure given for the comparison arm ("−3.1% with placebo", "in the placebo group"), not a
#: comparison with it ("P<0.001 for all comparisons with placebo", "tesamorelin vs. placebo").
_PLACEBO = re.compile(
    r"(?<!compared )(?<!comparisons )(?<!comparison )(?<!vs\. )(?<!vs )(?<!versus )"
    r"\b(?:(?:with|in the|on|for|receiving|given)\s+(?:the\s+)?placebo(?:\s+(?:group|arm))?|"
    r"placebo\s+(?:group|arm|recipients)|control group)\b",
    re.I,
)
#: A claim about the comparison arm itself ("participants given placebo lost ..."), not one that
#: only names it ("tesamorelin or placebo", "relative to placebo").
_CLAIM_PLACEBO = re.compile(
    r"(?<!\bor )(?<!\band )(?<!\bto )(?<!\bthan )(?<!\bvs )(?<!versus )(?<!compared with )"
    r"\b(?:(?:given|on|receiving|taking|took|in the|with)\s+(?:the\s+)?placebo|"
    r"placebo\s+(?:group|arm|recipients))\b",
    re.I,
)
_EFFECT_DURATION = re.compile(
    r"(?:up to|for up to|lasting|sustained for|persist\w* for|remained \w+ for)\s*$", re.I
)


@lru_cache(maxsize=16384)
def qualifiers(text: str) -> dict[int, Qualifier]:
    """Each effect figure of a sentence (by position) with the dose, arm and time point it is
    given for. Doses and arms listed in the order of the figures ("85%, 89% and 91% with 5 mg,
    10 mg and 15 mg") pair in order; otherwise a figure takes the marker that follows it before
    the next figure ("−19.5% ... with 10-mg doses"), else the nearest one before it. A figure
    takes the time point nearest before it in the sentence ("52 weeks: -0.8 mmol/L")."""
    found = extract(text)
    # A threshold ("a reduction of 5% or more") is what a figure counts, not a result of an arm.
    figures = [q for q in found if q.kind in _EFFECT_KINDS and not q.bound]
    if not figures:
        return {}
    markers: list[tuple[int, str, float, str]] = [
        (q.start, "dose", q.low, q.describe()) for q in found if q.kind == "dose"
    ]
    markers += [(m.start(), "placebo", 0.0, "") for m in _PLACEBO.finditer(text)]
    markers.sort()
    times = sorted((q.start, q.low, q.high) for q in found if q.kind == "duration")
    paired: dict[int, tuple[str, float, str]] = {}
    if len(markers) == len(figures) > 1 and markers[0][0] > figures[0].start:
        paired = {f.start: (m[1], m[2], m[3]) for f, m in zip(figures, markers, strict=True)}
    else:
        starts = [f.start for f in figures] + [len(text)]
        for i, f in enumerate(figures):
            after = [m for m in markers if f.start < m[0] < min(starts[i + 1], f.start + 90)]
            before = [m for m in markers if (starts[i - 1] if i else -1) < m[0] < f.start and m[1] == "dose"]
            chosen = after[0] if after else (before[-1] if before else None)
            if chosen:
                paired[f.start] = (chosen[1], chosen[2], chosen[3])
    result = {}
    for f in figures:
        kind, value, shown = paired.get(f.start, ("", 0.0, ""))
        time = next(((lo, hi) for at, lo, hi in reversed(times) if at < f.start), None)
        result[f.start] = Qualifier(
            dose=value if kind == "dose" else None, dose_text=shown, placebo=kind == "placebo", time=time
        )
    return result


def claim_qualifier(text: str) -> tuple[tuple[float, ...], bool, tuple[tuple[float, float], ...]]:
    """The doses, the comparison arm and the time points a claim names."""
    found = extract(text)
    doses = tuple(q.low for q in found if q.kind == "dose")
    times = tuple(
        (q.low, q.high)
        for q in found
        if q.kind == "duration" and not _EFFECT_DURATION.search(text[max(0, q.start - 25) : q.start])
    )
    return doses, _CLAIM_PLACEBO.search(text) is not None, times


def _conflict(claim: tuple[tuple[float, ...], bool, tuple[tuple[float, float], ...]], q: Qualifier) -> str:
    """'arm', 'dose', 'time' or '': how an evidence figure's qualifier rules it out for the claim."""
    doses, placebo, times = claim
    if placebo != q.placebo:
        return "arm"
    if doses and q.dose is not None and not any(_close(d, q.dose) for d in doses):
        return "dose"
    if times and q.time is not None:
        low, high = q.time
        if not any(_close(lo, low, True) or _close(hi, high, True) or lo <= low <= hi for lo, hi in times):
            return "time"
    return ""


def _qualifier_of(sentence: Sentence, q: Quantity) -> Qualifier:
    if q.kind not in _EFFECT_KINDS or q.bound:
        return Qualifier()
    return qualifiers(sentence.text).get(q.start, Qualifier())


def _describe_qualifier(q: Qualifier) -> str:
    parts = []
    if q.placebo:
        parts.append("the placebo arm")
    if q.dose is not None:
        parts.append(f"the {q.dose_text or format(q.dose, 'g')} dose")
    if q.time is not None:
        low, high = q.time
        parts.append(f"week {low:g}" if low == high else f"weeks {low:g}-{high:g}")
    return " at ".join(parts) or "another group"


def backs(claim: Quantity, evidence: Quantity) -> bool:
    """Whether an evidence figure gives the claim's figure (same size within rounding, same way)."""
    signed = not claim.sign or bool(evidence.sign)
    return _supports(claim, evidence) and _sign_ok(claim, evidence) and signed


def _sign_ok(claim: Quantity, evidence: Quantity) -> bool:
    return not claim.sign or not evidence.sign or claim.sign == evidence.sign


def check(ctx: Context) -> list[Finding]:
    claim_text = without_citation_marks(ctx.claim_text)
    claim_quantities = extract(claim_text)
    if not claim_quantities:
        return []
    findings: list[Finding] = []
    claim_words = {t for t in tokens(ctx.claim_text) if not t[0].isdigit()}
    wanted = claim_qualifier(claim_text)
    for q in claim_quantities:
        if q.kind == "number":
            if _AGE.search(claim_text[max(0, q.start - 12) : q.start]):
                continue  # an age names a population: the population check reads it
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
        periods = _with_kind("duration", ctx.sentences) if q.kind == "duration" else []
        # A time point or treatment period qualifies the claim's effect figures; on its own it
        # needs only to be a period the study reports.
        if (
            q.kind == "duration"
            and not _EFFECT_DURATION.search(claim_text[max(0, q.start - 25) : q.start])
            and any(_supports(q, e) or _endpoints_reported(q, [e]) for _, e in periods)
        ):
            continue
        if q.kind == "duration" and q.bound == "<":
            # "for up to 90 days" is how long an effect lasted, not an upper bound.
            q = replace(q, bound="")
        candidates = _with_kind(q.kind, ctx.sentences)
        if q.kind == "count":
            candidates += [(s, e) for s, e in _with_kind("number", ctx.sentences)]
        # Figures near the same words as the claim's figure ("HbA1c by >2%", not "weight by >10%").
        near = _near_words(ctx.claim_text, q)
        tier1 = [(s, e) for s, e in candidates if near & _near_words(s.text, e)]
        # In a sentence listing one measure by arm or dose ("−15.0% with 5 mg, −19.5% with 10 mg
        # ... and −3.1% with placebo") the measure is named once: every listed figure is of it.
        listed = {s for s, _ in tier1}
        tier2 = [
            (s, e)
            for s, e in candidates
            if s in listed and (s, e) not in tier1 and not e.bound and _qualifier_of(s, e) != Qualifier()
        ]
        contextual = tier1 + tier2 or candidates
        # A threshold in the claim ("lost 5% or more") is not tied to an arm.
        mine_only = not q.bound
        own = [(s, e) for s, e in contextual if not (mine_only and _conflict(wanted, _qualifier_of(s, e)))]
        other = [(s, e) for s, e in contextual if mine_only and _conflict(wanted, _qualifier_of(s, e))]
        # A change in the claim ("reduced by more than 25%") is backed by a change, not by a share
        # of participants that happens to be larger, unless the figure sits by the same words.
        supporting = [(s, e) for s, e in own if backs(q, e)]
        defining = bool(q.bound) and _DEFINING.search(claim_text[max(0, q.start - 30) : q.start]) is not None
        if defining:
            # A threshold that defines a group ("patients with at least a 20% reduction") is the
            # study's threshold or none: a larger result elsewhere does not make it one.
            supporting = [(s, e) for s, e in supporting if e.bound == q.bound and _close(e.low, q.low)]
        exact = [pair for pair in supporting if not _over_precise(q, pair[1])]
        if exact or (not supporting and _endpoints_reported(q, [e for _, e in own])):
            continue
        if supporting:
            sentence, precise = supporting[0]
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
        what = _KIND_NAMES[q.kind]
        # The same magnitude, the other way: "decreased by 81%" where the evidence says it rose.
        reversed_ = [(s, e) for s, e in own if q.sign and e.sign and e.sign != q.sign and _supports(q, e)]
        if reversed_:
            sentence, e = reversed_[0]
            way = "a rise" if e.sign > 0 else "a fall"
            findings.append(
                rules.finding(
                    "C012",
                    f"the claim's {what} '{q.describe()}' goes the other way: the evidence reports "
                    f"'{e.describe()}' as {way}",
                    reference=ctx.key,
                    evidence=ctx.quote([sentence]),
                )
            )
            continue
        elsewhere = [(s, e) for s, e in other if _supports(q, e) and _sign_ok(q, e)]
        if elsewhere:
            sentence, e = elsewhere[0]
            conflict = _conflict(wanted, _qualifier_of(sentence, e))
            given_for = _describe_qualifier(_qualifier_of(sentence, e))
            # The claim's own arm in the same list of figures (the same measure).
            mine = [(s, x) for s, x in own if s == sentence and _sign_ok(q, x) and not x.bound]
            if conflict == "arm":
                shown = [sentence] + [s for s, _ in mine[:1] if s != sentence]
                findings.append(
                    rules.finding(
                        "C030",
                        f"'{e.describe()}' is the evidence's figure for "
                        f"{'the comparison (placebo) arm' if not wanted[1] else 'the treated arm'}, "
                        f"not for the group the claim names"
                        + (f" (which the evidence gives as '{mine[0][1].describe()}')" if mine else ""),
                        reference=ctx.key,
                        evidence=ctx.quote(shown),
                    )
                )
                continue
            larger = [
                (s, x)
                for s, x in mine
                if conflict == "dose" and q.bound != "<" and q.high > x.high + _slack(x, q.bound == "~")
            ]
            if larger:
                s_own, x = max(larger, key=lambda pair: pair[1].high)
                findings.append(
                    rules.finding(
                        "C010",
                        f"the claim's {what} '{q.describe()}' is the figure for {given_for}; for the "
                        f"{conflict} the claim names the evidence reports '{x.describe()}'",
                        reference=ctx.key,
                        evidence=ctx.quote(list(dict.fromkeys([s_own, sentence]))),
                    )
                )
                continue
            findings.append(
                rules.finding(
                    "C031",
                    f"the claim's {what} '{q.describe()}' is reported for {given_for}, not for the "
                    f"{conflict} the claim names",
                    reference=ctx.key,
                    evidence=ctx.quote([sentence]),
                )
            )
            continue
        candidates = own or contextual
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
        # Only an effect can be larger than reported, and only against a reported effect (a
        # change, not an eligibility threshold); a duration only when it is how long an effect lasts.
        lasting = q.kind == "duration" and _EFFECT_DURATION.search(claim_text[max(0, q.start - 25) : q.start])
        effects = [(s, e) for s, e in related if e.sign or not q.sign] if q.kind in _EFFECT_KINDS else related
        largest = max(effects or related, key=lambda pair: math.inf if pair[1].bound == ">" else pair[1].high)
        effect = (q.kind in _EFFECT_KINDS and bool(effects) and not defining) or bool(lasting)
        if (
            effect
            and q.bound != "<"
            and (largest[1].bound != ">" or q.bound == ">")
            and q.high > largest[1].high + _slack(largest[1], q.bound == "~")
        ):
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
