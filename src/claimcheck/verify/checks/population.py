"""Population: who the evidence is about against who the claim speaks of.

Animal, cell or tissue results (mice, rats, in vitro, isolated pancreas) stated as effects in
people are overstated (C014); so are results from a special population (HIV-infected patients,
people with type 2 diabetes) stated for everyone (C015). A claim that names the population
itself ("in obese mouse models", "in people with T2DM") is not flagged.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import Sentence

ANIMAL = re.compile(
    r"\b(mice|mouse|murine|rats?|rodents?|swine|pigs?|porcine|dogs?|canine|monkeys?|primates?|"
    r"rabbits?|zebrafish|hamsters?|sheep|animals?|preclinical|pre-clinical|knockout)\b",
    re.I,
)
CELL = re.compile(
    r"\b(in vitro|ex vivo|cultured|cell lines?|cell cultures?|isolated (?:\w+ )?(?:islets?|pancreas|"
    r"cells|tissue|hepatocytes|adipocytes)|tissue fragments|pancreatic tissue|primary (?:\w+ ){0,2}cells|"
    r"hepatocytes cocultured)\b",
    re.I,
)
PEOPLE = re.compile(
    r"\b(patients?|participants?|adults|volunteers|men and women|humans?(?! (?:cells?|adipocytes|"
    r"hepatocytes|tissue|islets))|people|persons|individuals|subjects|children|clinical trials?|"
    r"randomi[sz]ed|placebo)\b",
    re.I,
)
#: Special populations, each with the words a claim may use to name it.
SPECIAL: dict[str, tuple[str, str]] = {
    "HIV-infected patients": (
        r"\bHIV\b|antiretroviral|human immunodeficiency virus",
        r"\bHIV\b|lipodystrophy",
    ),
    "people with type 2 diabetes": (
        r"\bT2DM?\b|type 2 diabetes|diabetic patients|patients with diabetes|individuals with diabetes",
        r"\bT2DM?\b|diabet",
    ),
    "patients with cirrhosis": (r"cirrho", r"cirrho"),
    "patients with cancer": (r"\bcancer patients|patients with (?:\w+ )?cancer", r"cancer|tumou?r"),
    "pregnant women": (r"pregnan", r"pregnan"),
    "children": (
        r"\bchildren\b|pediatric|paediatric|adolescents",
        r"child|pediatric|paediatric|adolescent|young",
    ),
    "older adults": (
        r"\belderly\b|older adults|aged \d\d? years or older",
        r"elderly|older|aging|ageing|age",
    ),
    "postmenopausal women": (r"postmenopausal", r"menopaus"),
    "critically ill patients": (r"critically ill|intensive care", r"critical|intensive care|ICU"),
}
#: Words that make a claim a statement of effect (where population matters).
EFFECT = re.compile(
    r"\b(reduc\w*|decreas\w*|lower\w*|increas\w*|improv\w*|rais\w*|stimulat\w*|promot\w*|enhanc\w*|"
    r"elevat\w*|suppress\w*|inhibit\w*|restor\w*|revers\w*|prevent\w*|produc\w*|lead(?:s|ing)? to|"
    r"result\w* in|caus\w*|boost\w*|normali[sz]\w*|ameliorat\w*|resolv\w*|achiev\w*|effect\w*|"
    r"benefit\w*|evok\w*|lipolytic|lowering|loss|control)\b",
    re.I,
)


_SPECIAL_PATTERNS = tuple(
    (population, re.compile(in_record, re.I), re.compile(in_claim, re.I))
    for population, (in_record, in_claim) in SPECIAL.items()
)
STUDY_PEOPLE = re.compile(
    r"\b(patients|participants|subjects|responders|non-?responders|volunteers|trial participants)\b", re.I
)


@lru_cache(maxsize=4096)
def _animal_or_cell(text: str) -> str:
    kinds = [kind for kind, pattern in (("animal", ANIMAL), ("cell or tissue", CELL)) if pattern.search(text)]
    return " and ".join(kinds)


@lru_cache(maxsize=4096)
def _people(text: str) -> bool:
    return PEOPLE.search(text) is not None


def _sentences_with(pattern: re.Pattern[str], sentences: tuple[Sentence, ...]) -> list[Sentence]:
    return [s for s in sentences if pattern.search(s.text)]


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    if not EFFECT.search(claim):
        return []
    findings: list[Finding] = []
    claim_nonhuman = ANIMAL.search(claim) or CELL.search(claim)
    top_text = " ".join(s.text for s in ctx.top[:2])
    kind = _animal_or_cell(ctx.record_text) if not claim_nonhuman else ""
    if kind:
        record_people = _people(ctx.record_text)
        # The whole paper is non-human, or the sentences the claim rests on are.
        if kind and (not record_people or (_animal_or_cell(top_text) and not _people(top_text))):
            shown = _sentences_with(CELL, ctx.sentences) + _sentences_with(ANIMAL, ctx.sentences)
            words = sorted(
                {
                    m.group(0).lower()
                    for m in (*ANIMAL.finditer(ctx.record_text), *CELL.finditer(ctx.record_text))
                }
            )
            findings.append(
                rules.finding(
                    "C014",
                    f"the claim is stated for people, but the cited evidence is from {kind} studies "
                    f"({', '.join(words[:5])})",
                    reference=ctx.key,
                    evidence=ctx.quote(list(dict.fromkeys(shown))),
                )
            )
    # A claim about the study's own patients ("non-responders showed ...") generalises nothing.
    if STUDY_PEOPLE.search(claim):
        return findings
    top_all = " ".join(s.text for s in ctx.top)
    for population, pattern, in_claim in _SPECIAL_PATTERNS:
        if not pattern.search(ctx.record_text):
            continue
        mentions = _sentences_with(pattern, ctx.sentences)
        title_mentions = pattern.search(ctx.record.title or "")
        in_evidence = pattern.search(top_all)
        review = re.search(r"\breview\b|recent advances|an update on", ctx.record.title or "", re.I)
        if not (in_evidence or (not review and (title_mentions or len(mentions) >= 2))):
            continue
        if in_claim.search(claim):
            continue
        findings.append(
            rules.finding(
                "C015",
                f"the cited evidence is from {population}; the claim states the effect without that "
                "restriction",
                reference=ctx.key,
                evidence=ctx.quote(mentions[:2]),
            )
        )
        break
    return findings
