"""Certainty: boosters in the claim against hedges and limits in the evidence.

"Consistently shown", "proven", "directly" or "significant" in a claim whose evidence says
"may", "suggests", "preliminary" or "transient" states more certainty than the source (C013).
Claims of consistency or proof ("consistently shown", "proven", "well established") need the
evidence to speak of replication; a single report of a result does not show consistency.
"""

from __future__ import annotations

import re

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import tokens

#: Boosters that assert replication or proof: they need the evidence to say so.
STRONG_BOOSTERS = re.compile(
    r"\b(consistently (?:shown|demonstrated|found|reported)|consistently|proven|proved|proves|"
    r"conclusively|definitively|well[- ]established|well[- ]documented|undoubtedly|unequivocally|"
    r"always|invariably|beyond doubt)\b",
    re.I,
)
#: Boosters that overstate when the evidence is hedged.
BOOSTERS = re.compile(
    r"\b(significant(?:ly)?|directly (?:improv\w*|stimulat\w*|link\w*|caus\w*|address\w*|reduc\w*|lessen\w*|"
    r"lower\w*|increas\w*|correlat\w*|interfac\w*|contribut\w*)|powerful|potent|strong(?:ly)?|clearly|substantial(?:ly)?|"
    r"critical|dramatic(?:ally)?|marked(?:ly)?|robust(?:ly)?|confirm\w*|established|compelling)\b",
    re.I,
)
EVIDENCE_HEDGES = re.compile(
    r"\b(may|might|could|suggest\w*|preliminary|transient\w*|potential(?:ly)?|possibl[ey]|"
    r"modest|unknown|unclear|uncertain|emerging|appear\w*|further (?:studies|research|trials)|"
    r"early (?:clinical )?development|early-phase|early phase|entered clinical trials|in development|"
    r"not (?:statistically )?significant)\b",
    re.I,
)
REPLICATION = re.compile(
    r"\b(consistent(?:ly)?|replicat\w*|reproduc\w*|meta-analys\w*|pooled|several (?:trials|studies)|"
    r"multiple (?:trials|studies)|all (?:trials|studies)|across (?:trials|studies))\b",
    re.I,
)
CLAIM_HEDGES = re.compile(
    r"\b(may|might|could|some research|suggest\w*|possibl[ey]|potential(?:ly)?)\b", re.I
)


#: A claim for all of a group ("all forms of obesity") where the evidence speaks of some of it.
ALL = re.compile(r"\b(?:all|every|everyone|any)\b(?:\s+(?:forms?|types?|kinds?|patients|people))?", re.I)
SOME = re.compile(r"\b(?:certain|some|selected|specific|particular|a subset of|rare)\b", re.I)


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    evidence = ctx.top[:1]
    findings: list[Finding] = []
    every = ALL.search(claim)
    if every and evidence:
        claim_words = set(tokens(claim))
        some = SOME.search(evidence[0].text)
        if some and len(claim_words & set(tokens(evidence[0].text))) >= 2 and not SOME.search(claim):
            return [
                rules.finding(
                    "C013",
                    f"the claim says '{every.group(0)}', but the evidence speaks of "
                    f"'{some.group(0)}' cases only",
                    reference=ctx.key,
                    evidence=ctx.quote(evidence),
                )
            ]
    strong = STRONG_BOOSTERS.search(claim)
    if strong and not REPLICATION.search(ctx.record_text):
        findings.append(
            rules.finding(
                "C013",
                f"the claim says '{strong.group(0)}', but the cited evidence reports the result without "
                "speaking of replication or consistency",
                reference=ctx.key,
                evidence=ctx.quote(evidence),
            )
        )
        return findings
    booster = strong or BOOSTERS.search(claim)
    if booster is None or CLAIM_HEDGES.search(claim):
        return findings
    claim_words = set(tokens(claim))
    clauses = {s: closest_clause(s.text, claim_words) for s in evidence}
    # A background or objective sentence states the question, not the finding.
    hedged = [s for s in evidence if EVIDENCE_HEDGES.search(clauses[s]) and s.label not in _QUESTION_LABELS]
    if hedged:
        hedges = sorted({m.group(0).lower() for s in hedged for m in EVIDENCE_HEDGES.finditer(clauses[s])})
        findings.append(
            rules.finding(
                "C013",
                f"the claim says '{booster.group(0)}', but the evidence it rests on is hedged or limited "
                f"({', '.join(repr(h) for h in hedges)})",
                reference=ctx.key,
                evidence=ctx.quote(hedged),
            )
        )
    return findings


_QUESTION_LABELS = frozenset(
    {
        "BACKGROUND",
        "INTRODUCTION",
        "OBJECTIVE",
        "OBJECTIVES",
        "CONTEXT",
        "IMPORTANCE",
        "AIM",
        "AIMS",
        "PURPOSE",
        "RATIONALE",
    }
)
_CLAUSE_BREAK = re.compile(r",? but |; |, whereas |, although |, while |, yet ")


def closest_clause(sentence: str, claim_words: set[str]) -> str:
    """The clause of a sentence that shares most words with the claim: a hedge elsewhere in the
    sentence ("..., but it is unknown whether ...") is about something else."""
    clauses = _CLAUSE_BREAK.split(sentence)
    return max(clauses, key=lambda clause: len(claim_words & set(tokens(clause))))
