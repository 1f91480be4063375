"""Design: what kind of study the cited paper is, against what the claim asks of it.

Editorials, case reports and phase I or pharmacokinetic studies cannot show clinical efficacy
(C016); observational or post hoc associations cannot carry causal wording such as "directly
linked" or "a direct consequence" (C017). A review can support a claim that restates it, and
the report marks such evidence as secondary (C019, a note).
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.checks.strength import STRONG_CAUSAL

EFFECT = re.compile(
    r"\b(reduc\w*|improv\w*|lower\w*|decreas\w*|increas\w*|loss|promot\w*|impact\w*|remodel\w*|"
    r"benefi\w*|effective|efficacy|breakdown|glyc\w+ control|glucose control)\b",
    re.I,
)

REVIEW = re.compile(
    r"\b(review|meta-analys[ie]s|recent advances|an update on|overview|state of the art|"
    r"narrative synthesis|perspectives? on)\b",
    re.I,
)
EDITORIAL = re.compile(r"\b(editorial|commentary|letter to the editor|opinion)\b", re.I)
CASE_REPORT = re.compile(r"\b(case reports?|a case of|we (?:report|describe) (?:a|an|the case))\b", re.I)
EARLY_PHASE = re.compile(
    r"\b(phase (?:I|1)(?![I\d])|first-in-human|pharmacokinetic\w*|ascending[- ]dose|dose-escalation study|"
    r"healthy (?:volunteers|subjects))\b",
    re.I,
)
OBSERVATIONAL = re.compile(
    r"\b(cohort|cross-sectional|case-control|observational|retrospective|post hoc|registry|"
    r"is associated with|are associated with|was associated with|were associated with|"
    r"responders (?:vs|versus|and) non-?responders)\b",
    re.I,
)
TRIAL = re.compile(r"\b(randomi[sz]ed|placebo-controlled|double-blind)\b", re.I)
#: Outcomes whose improvement is clinical efficacy rather than a pharmacological effect.
EFFICACY = re.compile(
    r"\b(body composition|visceral|VAT|fat|weight|HbA1c|glyc\w+ control|blood sugar|insulin "
    r"(?:sensitivity|resistance)|lipid|triglyceride|cholesterol|metabolic (?:markers|profile|health)|"
    r"lean (?:muscle|tissue)|muscle mass|steatosis|clinical(?:ly)?|patients|outcomes?)\b",
    re.I,
)


EARLY = "early-phase (phase I / pharmacokinetic) study"


def study_design(ctx: Context) -> str:
    """review, editorial, case report, early phase, observational, trial, or '' (unknown)."""
    head = " ".join(s.text for s in ctx.sentences[:3])
    return _design(" ".join(ctx.record.publication_types), ctx.record.title or "", head, ctx.record_text)


@lru_cache(maxsize=4096)
def _design(types: str, title: str, head: str, record_text: str) -> str:
    head = title + " " + head
    if EDITORIAL.search(types) or re.match(r"\s*(editorial|commentary)\b", title, re.I):
        return "editorial"
    if REVIEW.search(types) or REVIEW.search(title):
        return "review"
    if CASE_REPORT.search(types) or CASE_REPORT.search(head):
        return "case report"
    later_phase = re.search(r"\bphase (?:II|III|2|3)\b", record_text, re.I)
    if (EARLY_PHASE.search(types) or EARLY_PHASE.search(record_text)) and not later_phase:
        return EARLY
    if (
        OBSERVATIONAL.search(title)
        or re.search(r"\bpost hoc\b", record_text, re.I)
        or (OBSERVATIONAL.search(record_text) and not TRIAL.search(record_text))
    ):
        return "observational"
    if TRIAL.search(types + " " + record_text):
        return "trial"
    return ""


def _design_sentences(ctx: Context, pattern: re.Pattern[str]) -> list:
    return [s for s in ctx.sentences if pattern.search(s.text)]


#: A claim that says a trial showed it.
TRIAL_CLAIM = re.compile(
    r"\b(?:(?:randomi[sz]ed|clinical|controlled|placebo-controlled)(?: controlled)? (?:clinical )?trials?|"
    r"randomi[sz]ed evidence)\b(?:\s+(?:has|have))?"
    r"(?:\s+(?:been\s+)?(?:\w+\s+)?(?:show\w*|found|demonstrat\w*|prov\w*|establish\w*|confirm\w*))?",
    re.I,
)
LAB = re.compile(
    r"\b(?:in vitro|in vivo|mice|mouse|rats?|rodents?|cultured|cell lines?|swine|animals?)\b", re.I
)
#: Association wording in the sentence a causal claim rests on.
ASSOCIATION = re.compile(r"\b(?:is|are|was|were) (?:\w+ )?(?:associated|correlated|linked) with\b", re.I)


def check(ctx: Context) -> list[Finding]:
    design = study_design(ctx)
    claim = ctx.claim_text
    findings: list[Finding] = []
    said = TRIAL_CLAIM.search(claim)
    if said and (design == "review" or (LAB.search(ctx.record_text) and not TRIAL.search(ctx.record_text))):
        what = "a review" if design == "review" else "a laboratory or animal study"
        findings.append(
            rules.finding(
                "C034",
                f"the claim says '{said.group(0)}', but the cited paper is {what}, not a trial",
                reference=ctx.key,
                evidence=ctx.quote(list(ctx.sentences[:1]) + list(ctx.top[:1])),
            )
        )
    causal = STRONG_CAUSAL.search(claim)
    associated = [s for s in ctx.top[:2] if ASSOCIATION.search(s.text)]
    if causal and associated and design not in ("observational",):
        findings.append(
            rules.finding(
                "C017",
                f"the claim uses causal wording ('{causal.group(0)}'), but the evidence it rests on "
                f"states an association ('{ASSOCIATION.search(associated[0].text).group(0)}')",
                reference=ctx.key,
                evidence=ctx.quote(associated),
            )
        )
    if design in ("editorial", "case report", EARLY):
        if EFFICACY.search(claim) and EFFECT.search(claim):
            pattern = {"editorial": EDITORIAL, "case report": CASE_REPORT}.get(design, EARLY_PHASE)
            shown = _design_sentences(ctx, pattern) or list(ctx.sentences[:1])
            findings.append(
                rules.finding(
                    "C016",
                    f"the cited paper is {'an' if design[0] in 'aeiou' else 'a'} {design}, which cannot "
                    "show the clinical efficacy the claim states",
                    reference=ctx.key,
                    evidence=ctx.quote(shown),
                )
            )
    elif design == "observational":
        match = STRONG_CAUSAL.search(claim)
        if match:
            shown = _design_sentences(ctx, OBSERVATIONAL) or list(ctx.top[:1])
            findings.append(
                rules.finding(
                    "C017",
                    f"the claim uses causal wording ('{match.group(0)}'), but the cited evidence is an "
                    "observational or post hoc association",
                    reference=ctx.key,
                    evidence=ctx.quote(shown),
                )
            )
    elif design == "review":
        findings.append(
            rules.finding(
                "C019",
                "the cited paper is a review: the evidence is secondary (the review's statement, "
                "not a study's result)",
                reference=ctx.key,
                evidence=ctx.quote(limit=2),
            )
        )
    return findings
