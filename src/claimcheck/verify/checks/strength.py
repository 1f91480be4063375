"""Claim strength: how strongly a sentence states a relationship, on the scale of Yu et al. (2019).

0 no relationship stated, 1 correlational ("associated with"), 2 conditional causal ("may
reduce"), 3 direct causal ("reduces", "leads to"). A hand-written lexicon, so it runs anywhere
and carries no weights learnt from the GPL-licensed corpora it is measured on. The design check
uses it for causal wording, the certainty check for hedges, and the evaluation for the
claim-strength and exaggeration sets.
"""

from __future__ import annotations

import re

NONE, CORRELATIONAL, CONDITIONAL, CAUSAL = 0, 1, 2, 3

CORRELATION = re.compile(
    r"\b(associat\w*|correlat\w*|linked (?:to|with)|link between|relationship|related to|"
    r"predict\w*|predictor|risk factor|higher risk|lower risk|greater risk|increased risk|reduced risk|"
    r"more likely|less likely|odds|hazard|prevalen\w*|was higher|were higher|was lower|were lower|"
    r"higher (?:in|among|levels?|rates?)|lower (?:in|among|levels?|rates?)|independently|"
    r"accompanied by|coincid\w*|co-occur\w*|varied with|differ\w* (?:between|by))\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(may|might|could|can potentially|possibl[ey]|potential(?:ly)?|suggest\w*|appear\w*|seem\w*|"
    r"likely|unlikely|perhaps|plausibl[ey]|indicat\w*|hypothes\w*|propos\w*|preliminary|emerging|"
    r"transient\w*|modest|unclear|unknown|uncertain|warrant\w*|further (?:studies|research|trials|"
    r"investigation)|needed|whether|promising|point(?:s)? to)\b",
    re.I,
)
CAUSE = re.compile(
    r"\b(caus\w*|leads? to|led to|leading to|result(?:s|ed)? in|induc\w*|reduc\w*|decreas\w*|increas\w*|"
    r"improv\w*|lower\w*|rais\w*|prevent\w*|protect\w*|enhanc\w*|boost\w*|promot\w*|inhibit\w*|"
    r"suppress\w*|stimulat\w*|trigger\w*|driv\w*|attenuat\w*|alleviat\w*|ameliorat\w*|restor\w*|"
    r"revers\w*|effective|efficac\w*|benefi\w*|affect\w*|impair\w*|worsen\w*|elevat\w*|diminish\w*|"
    r"contribut\w*|help\w*|saves?|saving|cuts?|halv\w*|doubl\w*|tripl\w*|produc\w*|facilitat\w*|"
    r"exacerbat\w*|mitigat\w*|eliminat\w*|impact\w*|effect of|effects? on|due to|because|"
    r"responsible for|direct(?:ly)?|consequence|outperform\w*|superior|inferior|safe|well tolerated|"
    r"noninferior|non-inferior|was not inferior|achiev\w*)\b",
    re.I,
)
#: Words that state no relation even when a causal verb is present (descriptive findings).
DESCRIPTIVE = re.compile(
    r"\b(is|are|was|were) (?:common|rare|high|low|feasible|acceptable|similar|comparable|"
    r"within the normal range|not realised|not realized)\b|\bfeasib\w*|\bprevalence of\b|"
    r"\bwas (?:not )?(?:found|observed)\b",
    re.I,
)


def strength(sentence: str) -> int:
    """The strength of the relationship a sentence states (0-3, see the module docstring)."""
    hedged = HEDGE.search(sentence) is not None
    causal = CAUSE.search(sentence) is not None
    correlational = CORRELATION.search(sentence) is not None
    if correlational and not re.search(
        r"\b(caus\w*|leads? to|result(?:s|ed)? in|reduc\w*|"
        r"improv\w*|prevent\w*|effective)\b",
        sentence,
        re.I,
    ):
        return CORRELATIONAL
    if causal and hedged:
        return CONDITIONAL
    if causal:
        return CAUSAL
    if correlational:
        return CORRELATIONAL
    if hedged and re.search(r"\b(role|effect|benefit|relation|contribut)", sentence, re.I):
        return CONDITIONAL
    return NONE


#: Causal wording that goes beyond "reduces": asserting mechanism or direct consequence.
STRONG_CAUSAL = re.compile(
    r"\b(direct(?:ly)? (?:linked|correlated|caus\w*|consequence|result|address\w*|improv\w*|"
    r"contribut\w*|lessen\w*|stimulat\w*)|a direct consequence|drives?|caus(?:es|ed|ing)|"
    r"leads? to|leading to|results? in|resulting in|is responsible for|this demonstrates that|"
    r"demonstrates that)\b",
    re.I,
)
