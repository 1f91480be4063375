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
    r"benefit\w*|evok\w*|lipolytic|lowering|loss|control|releas\w*|secret\w*|rais\w*)\b",
    re.I,
)


_SPECIAL_PATTERNS = tuple(
    (population, re.compile(in_record, re.I), re.compile(in_claim, re.I))
    for population, (in_record, in_claim) in SPECIAL.items()
)
STUDY_PEOPLE = re.compile(
    r"\b(patients|participants|subjects|responders|non-?responders|volunteers|trial participants)\b", re.I
)


#: MeSH headings that say who or what was studied (PubMed, Europe PMC records).
_MESH_CELL = frozenset({"in vitro techniques", "cell line", "cells, cultured", "cell line, tumor"})
_CLINICAL_TYPES = re.compile(
    r"clinical trial|randomi[sz]ed controlled trial|observational study|cohort", re.I
)


def mesh_kind(mesh_terms: tuple[str, ...], publication_types: tuple[str, ...]) -> str:
    """'animal', 'cell or tissue' or '' from the record's MeSH headings: "Animals" without
    "Humans", or "In Vitro Techniques" / "Cell Line" in a paper that is no clinical study."""
    terms = {t.strip().lower().rstrip("*") for t in mesh_terms}
    if not terms:
        return ""
    if "animals" in terms and "humans" not in terms:
        return "animal"
    if terms & _MESH_CELL and not _CLINICAL_TYPES.search(" ".join(publication_types)):
        return "cell or tissue"
    return ""


#: Groups a claim may name, each with the words that show a study included it and the words
#: (or age limits) that show it did not.
GROUPS: dict[str, tuple[str, str, str]] = {
    # group: (in the claim, included in the record, MeSH headings that include it)
    "children": (
        r"\b(?:children|child|kids|pediatric|paediatric|adolescents?|teenagers?)\b",
        r"\b(?:child|children|pediatric|paediatric|adolescen\w*|infant\w*|youth)\b",
        "child|adolescent|infant",
    ),
    "older adults": (
        r"\b(?:elderly|older (?:adults|people|patients|persons)|"
        r"(?:over|aged) (?:6[5-9]|[7-9]\d)\b(?!\s*(?:weeks?|wks?|days?|months?|mg|kg|%|percent)))",
        r"\b(?:elderly|older|aged (?:6[5-9]|[7-9]\d)|geriatric|ages? (?:\d+)\s*(?:-|–|to)\s*(?:[7-9]\d))",
        "aged",
    ),
    "women": (
        r"(?<!men and )\b(?:women|female|postmenopausal|pregnan\w*)\b",
        r"\b(?:women|female|postmenopausal|pregnan\w*|86% of whom were men)\b",
        "female",
    ),
    "people with type 2 diabetes": (
        r"\b(?:type 2 diabetes|T2DM?|diabetic patients|people with diabetes|patients with diabetes)\b",
        r"\b(?:with (?:type 2 )?diabetes|T2DM?\b|diabetic (?:patients|individuals|subjects|rats|mice)|"
        r"type 2 diabetes)",
        "diabetes mellitus, type 2",
    ),
}
_GROUP_PATTERNS = tuple(
    (group, re.compile(claim, re.I), re.compile(record, re.I), mesh)
    for group, (claim, record, mesh) in GROUPS.items()
)
_EXCLUDED = re.compile(r"\b(?:excluding|excluded|without|non-?diabetic)\s+(?:\w+\s+){0,2}?diabet", re.I)
#: Who the study did include, quoted when a claim names another group.
_STUDIED = re.compile(
    r"\b(?:healthy|adults?|men|women|participants|patients|subjects|aged|ages?|yr|years or older|"
    r"excluding)\b",
    re.I,
)


def _not_studied(ctx: Context, claim: str) -> tuple[str, list[Sentence]] | None:
    """A group the claim names that the cited study did not include."""
    mesh = " ".join(ctx.record.mesh_terms).lower()
    record = ctx.record_text + " " + (ctx.record.title or "")
    for group, in_claim, included, mesh_words in _GROUP_PATTERNS:
        if not in_claim.search(claim):
            continue
        if group == "women" and re.search(r"\b(?:men and women|women and men)\b", claim, re.I):
            continue
        if mesh and re.search(rf"\b(?:{mesh_words})\b", mesh):
            continue
        if group == "people with type 2 diabetes":
            if not _has(_EXCLUDED, record) or included.search(re.sub(_EXCLUDED, "", record)):
                continue
        elif _has(included, record) or not _people(record):
            continue
        if group == "women" and not re.search(r"\bmen\b", record, re.I):
            continue
        shown = [s for s in ctx.sentences if _STUDIED.search(s.text) and _people(s.text)][:2]
        return group, shown
    return None


@lru_cache(maxsize=4096)
def _animal_or_cell(text: str) -> str:
    kinds = [kind for kind, pattern in (("animal", ANIMAL), ("cell or tissue", CELL)) if pattern.search(text)]
    return " and ".join(kinds)


@lru_cache(maxsize=4096)
def _people(text: str) -> bool:
    return PEOPLE.search(text) is not None


def _sentences_with(pattern: re.Pattern[str], sentences: tuple[Sentence, ...]) -> list[Sentence]:
    return [s for s in sentences if _has(pattern, s.text)]


@lru_cache(maxsize=65536)
def _has(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a pattern occurs in a text, remembered: the same record meets many claims."""
    return pattern.search(text) is not None


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    if not EFFECT.search(claim):
        return []
    findings: list[Finding] = []
    claim_nonhuman = ANIMAL.search(claim) or CELL.search(claim)
    top_text = " ".join(s.text for s in ctx.top[:2])
    by_mesh = mesh_kind(ctx.record.mesh_terms, ctx.record.publication_types) if not claim_nonhuman else ""
    kind = _animal_or_cell(ctx.record_text) if not claim_nonhuman else ""
    if by_mesh:
        headings = ", ".join(ctx.record.mesh_terms[:6])
        findings.append(
            rules.finding(
                "C014",
                f"the claim is stated for people, but the cited evidence is from {by_mesh} studies "
                f"(the record's MeSH headings: {headings}; 'Humans' is not among them)",
                reference=ctx.key,
                evidence=ctx.quote(),
            )
        )
        kind = ""
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
    missing = _not_studied(ctx, claim) if not claim_nonhuman else None
    if missing:
        group, shown = missing
        findings.append(
            rules.finding(
                "C033",
                f"the claim speaks of {group}, whom the cited study did not include",
                reference=ctx.key,
                evidence=ctx.quote(shown or list(ctx.top[:1])),
            )
        )
        return findings
    # A claim about the study's own patients ("non-responders showed ...") generalises nothing.
    if STUDY_PEOPLE.search(claim):
        return findings
    top_all = " ".join(s.text for s in ctx.top)
    for population, pattern, in_claim in _SPECIAL_PATTERNS:
        if not _has(pattern, ctx.record_text):
            continue
        mentions = _sentences_with(pattern, ctx.sentences)
        title_mentions = pattern.search(ctx.record.title or "")
        in_evidence = pattern.search(top_all)
        review = re.search(r"\breview\b|recent advances|an update on", ctx.record.title or "", re.I)
        if review:
            # A review speaks of many populations: only the sentence the claim rests on counts.
            in_evidence = ctx.top and pattern.search(ctx.top[0].text)
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
