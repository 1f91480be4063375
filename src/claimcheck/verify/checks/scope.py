"""Scope: the claim's key entities (the drug, the outcome: VAT, HbA1c, insulin sensitivity)
against what the cited paper is about.

The drug or subject of the claim absent from the paper means the paper is about something
else: unsupported (C018). Some of the claim's outcomes absent while the drug is there means the
claim says more than the paper (C020, part-unsupported). The claim's `subject` (words the
published text lost, e.g. "Tesamorelin") counts as one of its entities.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import SYNONYMS

#: Outcomes and mechanisms health claims turn on, with the words a paper may use for them.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "visceral fat": ("visceral", "vat"),
    "HbA1c": ("hba1c", "a1c", "glycated", "glycosylated"),
    "insulin sensitivity": (
        "insulin sensitivity",
        "insulin resistance",
        "insulin-sensitizing",
        "insulin sensitiv",
    ),
    "insulin secretion": ("insulin secretion", "insulin release", "insulinotropic", "secretion of insulin"),
    "triglycerides": ("triglycerid",),
    "lipid profile": ("lipid", "cholesterol", "triglycerid", "hdl", "ldl"),
    "body weight": ("weight", "bmi", "body-mass"),
    "appetite": ("appetite", "food intake", "caloric intake", "satiety", "ate more food", "energy intake"),
    "cortisol": ("cortisol",),
    "prolactin": ("prolactin", "prl"),
    "ghrelin": ("ghrelin",),
    "IGF-1": ("igf-1", "igf-i", "insulin-like growth factor"),
    "lean muscle mass": ("lean", "muscle"),
    "hepatic steatosis": (
        "steatosis",
        "fatty liver",
        "liver fat",
        "nafld",
        "hepatic fat",
        "hepatic/plasma lipids",
    ),
    "gastric emptying": ("gastric emptying",),
    "glucagon": ("glucagon",),
    "glucose uptake": ("glucose uptake", "glucose absorption", "glucose utilization"),
    "inflammation": ("inflamm",),
    "macrophages": ("macrophag",),
    "pituitary": ("pituitar",),
    "growth hormone": ("growth hormone", "gh", "somatotrop"),
    "blood glucose": ("glucose", "glycemic", "glycaemic", "blood sugar"),
    "cardiovascular outcomes": ("cardiovascular", "cardio-protective", "cardioprotective"),
}
CLAIM_OUTCOME = {
    "visceral fat": r"\bvisceral|\bVAT\b",
    "HbA1c": r"HbA1c|A1c|glycated|glycosylated",
    "insulin sensitivity": r"insulin sensitivity|insulin resistance",
    "insulin secretion": r"insulin (?:secretion|release)|release (?:of )?insulin|secrete insulin",
    "triglycerides": r"triglycerid",
    "lipid profile": r"lipid",
    "body weight": r"\bweight\b",
    "appetite": r"appetite|caloric intake|food intake",
    "cortisol": r"cortisol",
    "prolactin": r"prolactin",
    "ghrelin": r"ghrelin",
    "IGF-1": r"IGF-?1|IGF-I\b",
    "lean muscle mass": r"lean (?:muscle|tissue)|muscle mass|muscle growth",
    "hepatic steatosis": r"steatosis|fatty liver",
    "gastric emptying": r"gastric emptying",
    "glucagon": r"glucagon(?!-like)",
    "glucose uptake": r"glucose uptake",
    # "inflammatory fat tissue" describes the fat; inflammation as an outcome is named as such.
    "inflammation": r"inflammation|inflammatory (?:markers?|cytokines?|molecules|response|burden|state)",
    "macrophages": r"macrophag",
    "pituitary": r"pituitar",
    "growth hormone": r"growth hormone|\bGH\b",
    "blood glucose": r"glucose|glycemic|glycaemic|blood sugar",
    "cardiovascular outcomes": r"cardiovascular|cardio-?protect",
}
_DRUG = re.compile(
    r"\b([A-Z][a-z]+(?:glutide|zepatide|tide|morelin|relin|statin|lintide|formin|gliflozin|mab)|"
    r"[A-Z]{2,}[A-Z0-9]*(?:-\d+)?|[A-Z]+\d+[A-Z0-9]*)\b"
)
#: Acronyms that name no drug or outcome (or too generic to test).
_NOT_ENTITIES = {
    "GH",
    "HIV",
    "VAT",
    "HBA1C",
    "GLP",
    "GIP",
    "GHRH",
    "IGF",
    "HDL",
    "LDL",
    "T2DM",
    "T2D",
    "CI",
    "USA",
    "UK",
    "US",
    "II",
    "III",
    "IV",
    "AND",
    "OR",
    "THE",
    "DNA",
    "RNA",
    "NCD",
    "KO",
    "COVID",
    "SARS",
}


@lru_cache(maxsize=4096)
def _variant(variant: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(variant.lower())}")


def present(variants: tuple[str, ...], text: str) -> bool:
    return any(variant.lower() in text and _variant(variant).search(text) for variant in variants)


def claim_entities(ctx: Context) -> tuple[list[str], list[str]]:
    """The claim's subjects (drugs, named agents, `subject` words) and its outcomes."""
    subjects, outcomes = _claim_entities(ctx.claim.text, ctx.claim.subject, ctx.claim_text)
    return list(subjects), list(outcomes)


@lru_cache(maxsize=8192)
def _claim_entities(text: str, subject: str, claim_text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    subjects: list[str] = []
    for part in re.split(r"[;,()]", subject):
        part = part.strip()
        if part and not any(re.search(p, part, re.I) for p in CLAIM_OUTCOME.values()):
            subjects.append(part)
    for match in _DRUG.finditer(text):
        word = match.group(1)
        if word.upper().split("-")[0] in _NOT_ENTITIES or word.upper() in _NOT_ENTITIES:
            continue
        if word.lower() not in {s.lower() for s in subjects}:
            subjects.append(word)
    outcomes = [name for name, pattern in CLAIM_OUTCOME.items() if re.search(pattern, claim_text, re.I)]
    if "lipid profile" in outcomes and "triglycerides" in outcomes:
        outcomes.remove("lipid profile")
    if "blood glucose" in outcomes and {"HbA1c", "glucose uptake"} & set(outcomes):
        outcomes.remove("blood glucose")
    return tuple(subjects), tuple(outcomes)


@lru_cache(maxsize=4096)
def _initialisms(text: str) -> frozenset[str]:
    """The initials of every run of two to six consecutive words ("receptor-binding domain" ->
    "rbd", "non-human primates" -> "nhp"), so an acronym the paper spells out still counts."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", text) if w]
    found = set()
    for i in range(len(words)):
        initials = ""
        for word in words[i : i + 6]:
            initials += word[0].lower()
            if len(initials) >= 2:
                found.add(initials)
    return frozenset(found)


@lru_cache(maxsize=65536)
def subject_present(subject: str, text: str) -> bool:
    if present(_subject_variants(subject), text):
        return True
    if re.fullmatch(r"[A-Z]{2,6}", subject) and subject.lower() in _initialisms(text):
        return True
    # Every content word of a multi-word subject, each in any form ("GLP-1 agonists" ~ "GLP-1R agonist").
    words = [w for w in re.findall(r"[a-z0-9][a-z0-9-]+", subject.lower()) if len(w) > 2]
    return len(words) > 1 and all(present((w.rstrip("s")[: max(4, len(w) - 3)],), text) for w in words)


def _subject_variants(subject: str) -> tuple[str, ...]:
    lower = subject.lower()
    variants = [lower, *SYNONYMS.get(lower, ())]
    for short, longs in SYNONYMS.items():
        if lower in longs:
            variants.append(short)
    if " " in lower:  # "hormone secretagogues": the head word is enough
        variants.append(lower.split()[-1])
    return tuple(variants)


def check(ctx: Context) -> list[Finding]:
    # A group author ("for the SURMOUNT-1 Investigators") names the trial the paper reports.
    groups = " ".join(p.literal for p in ctx.record.authors if p.literal)
    text = (ctx.record_text + " " + " ".join(ctx.record.mesh_terms) + " " + groups).lower()
    subjects, outcomes = claim_entities(ctx)
    if not ctx.top:
        return [
            rules.finding(
                "C018",
                "no sentence of the cited abstract shares a content word with the claim: the paper does "
                f"not address it{ctx.incomplete_note.replace('the figure', 'the claim')}",
                reference=ctx.key,
                evidence=ctx.quote(list(ctx.sentences[:1])),
            )
        ]
    missing_subjects = [s for s in subjects if not subject_present(s, text)]
    missing_outcomes = [o for o in outcomes if not present(OUTCOMES[o], text)]
    note = ctx.incomplete_note.replace("the figure", "it")
    # The `subject` field holds what the claim is about (words the published text lost).
    key_outcomes = [o for o, pattern in CLAIM_OUTCOME.items() if re.search(pattern, ctx.claim.subject, re.I)]
    key_missing = bool(key_outcomes) and all(o in missing_outcomes for o in key_outcomes)
    if (
        key_missing
        or (subjects and len(missing_subjects) == len(subjects))
        or (outcomes and len(missing_outcomes) == len(outcomes) and len(outcomes) >= 2)
    ):
        absent = ", ".join(missing_subjects + missing_outcomes)
        message = f"the cited paper does not mention {absent}: it is about something else{note}"
        if key_missing:
            others = [x for x in missing_subjects + missing_outcomes if x not in key_outcomes]
            also = f" (nor {', '.join(others)})" if others else ""
            message = (
                f"the claim is about {', '.join(key_outcomes)}, which the cited paper does not mention"
                f"{also}{note}"
            )
        return [
            rules.finding(
                "C018",
                message,
                reference=ctx.key,
                evidence=ctx.quote(list(ctx.sentences[:1]) + list(ctx.top[:1])),
            )
        ]
    missing = missing_subjects + missing_outcomes
    if missing:
        return [
            rules.finding(
                "C020",
                f"the cited paper does not mention {', '.join(missing)}, which the claim states{note}",
                reference=ctx.key,
                evidence=ctx.quote(limit=2),
            )
        ]
    return []
