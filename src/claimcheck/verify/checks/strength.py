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
    r"predict\w*|predictors?|risk factors?|markers?|indicators?|determinants?|"
    r"higher risk|lower risk|greater risk|increased risk|reduced risk|"
    r"more likely|less likely|odds|hazard|was higher|were higher|was lower|were lower|"
    r"higher (?:in|among|levels?|rates?)|lower (?:in|among|levels?|rates?)|independently|"
    r"accompanied by|coincid\w*|co-occur\w*|varied with|differ\w* (?:\w+ )?(?:between|by|from)|"
    r"independent(?:ly)? of|dose-response|prognostic|secondary to|tend(?:s|ed)? to|with increasing|"
    r"regardless of|differences? between|had (?:more|less|higher|lower|greater)|vary|varies|varied|"
    r"(?:increase|decrease|rise|decline)s? in|over time|inverse(?:ly)?|at (?:\w+ )?risk|"
    r"no (?:significant |statistically significant )?differences?|"
    r"significant(?:ly)? (?:differ\w*|more|less|higher|lower|greater)|"
    r"(?:more|less) (?:often|frequent\w*)|susceptib\w*|worse|poorer)\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(may|might|could|can potentially|possibl[ey]|potential(?:ly)?|appear\w*|seem\w*|"
    r"likely|unlikely|perhaps|plausibl[ey]|hypothes\w*|propos\w*|"
    r"unclear|unknown|uncertain|whether|promising|point(?:s)? to|implicat\w*)\b",
    re.I,
)
CAUSE = re.compile(
    r"\b(caus(?:e|es|ed|ing|al|ally)|leads? to|led to|leading to|result(?:s|ed)? in|induc(?:e|es|ed)|"
    r"reduc(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|increas(?:e|es|ing)|improv(?:e|es|ed|ing)|"
    r"lower(?:s|ed|ing)|rais(?:e|es|ed)|prevent(?:s|ed|ing)?|protect(?:s|ed)?|enhanc(?:e|es|ed)|"
    r"boost(?:s|ed)?|promot(?:e|es|ed)|inhibit(?:s|ed)?|suppress(?:es|ed)?|stimulat(?:e|es|ed)|trigger(?:s|ed)?|"
    r"driv(?:e|es|en)|attenuat(?:e|es|ed)|alleviat(?:e|es|ed)|ameliorat(?:e|es|ed)|restor(?:e|es|ed)|"
    r"revers(?:e|es|ed)|effective(?:ly)?|benefit(?:s|ed)?|beneficial|affect(?:s|ed)|impair(?:s|ed)|"
    r"worsen(?:s|ed)?|elevat(?:e|es)|diminish(?:es|ed)?|contribut(?:e|es|ed|ing)|help(?:s|ed)? to|protective|"
    r"saves?|saving|cuts?|halv(?:e|es|ed)|doubl(?:e|es|ed)|tripl(?:e|es|ed)|facilitat(?:e|es|ed)|"
    r"exacerbat(?:e|es|ed)|mitigat(?:e|es|ed)|eliminat(?:e|es|ed)|impact(?:s|ed)? on|effects? of|effects? on|"
    r"due to|because of|responsible for|directly|consequence|outperform(?:s|ed)?|superior to|inferior to|"
    r"makes?|made|allow(?:s|ed)|enabl(?:e|es|ed)|play(?:s|ed)? a (?:\w+ )?role|relie(?:ve|ves|ved)|"
    r"efficacious|influenc(?:e|es|ed)|determin(?:es|ed by)|regulat(?:e|es|ed)|modulat(?:e|es|ed)|"
    r"curb(?:s|ed)?|affect|confer(?:s|red)?|counter(?:s|ed)?|depends? on|disrupt(?:s|ed)?|imped(?:e|es|ed)|"
    r"produc(?:e|es|ed)|pose(?:s|d)?|treats|cur(?:e|es|ed)|kill(?:s|ed)?|"
    r"block(?:ed|ing)|blocks (?:the|a|an)\b|"
    r"uncoupl(?:e|es|ed)|shap(?:e|es|ed)|speed(?:s)? up|slow(?:s|ed)? down|spots?|save lives|"
    r"favou?rable|detrimental|harmful|(?:critical|crucial|essential) (?:for|to|in|role)|key role|involved in|"
    r"mediat(?:e|es|ed|ing)|causative|translat\w* (?:in)?to|"
    r"(?:positively|negatively|adversely|significantly|directly|not|may|might|could) impact(?:s|ed)?|"
    r"impacted|has impacted)\b",
    re.I,
)
#: Explicit causation: stronger than an association cue in the same sentence.
EXPLICIT_CAUSE = re.compile(
    r"\b(caus(?:e|es|ed|ing|al)|leads? to|led to|result(?:s|ed)? in|due to|because of|effects? of|"
    r"responsible for|play(?:s|ed)? a (?:\w+ )?role|"
    r"(?:more|less|most|highly|as|equally) (?:effective|efficacious)|"
    r"(?:reduces|improves|prevents|lowers|enhances|protects|promotes|inhibits|induces|restores|"
    r"attenuates|alleviates|ameliorates|worsens|impairs)(?! in\b)|"
    r"(?:did|does|do) not (?:significantly )?(?:reduce|improve|increase|decrease|affect|change|influence|"
    r"alter|prevent|lower|cause|worsen|impair))\b", re.I)
COMPARISON = re.compile(
    r"\b(higher|lower|greater|less|more|fewer|larger|smaller|worse|better)\b(?!\s+than\s+\d)(?:\s+\S+){0,5}?\s+"
    r"(?:than|among|in (?:patients|women|men|children|those|the|individuals)|compared)\b|"
    r"\bcompared (?:with|to)\b|"
    r"\bless common\b|\bmore common\b",
    re.I,
)
#: Recommendations and calls for research state no finding.
RECOMMENDATION = re.compile(
    r"\b(should|is needed|are needed|needs to|need to|further (?:studies|research|investigation|work)|"
    r"future (?:studies|research)|warrant\w*|recommend\w*|must|remains? to be|it is important to|"
    r"(?:is|are|was|were|be) required|requires? (?:further|more|additional|larger)|"
    r"need for|needs? (?:for|of)|"
    r"merits?|imperative|worthwhile|we suggest|(?:it is )?hoped|is warranted|needed)\b",
    re.I,
)


FINDING = re.compile(r"\b(we found|our (?:results|findings|study)|this study (?:shows|showed|found))\b", re.I)


#: Usefulness stated under a hedge ("may be useful", "could offer") is a conditional effect; stated
#: flatly ("a useful tool") it is a description.
HEDGED_EFFECT = re.compile(r"\b(useful|helpful|necessary|advantage\w*|offers?|yields?)\b", re.I)


def strength(sentence: str) -> int:
    """The strength of the relationship a sentence states (0-3, see the module docstring)."""
    hedged = HEDGE.search(sentence) is not None
    causal = CAUSE.search(sentence) is not None or (hedged and HEDGED_EFFECT.search(sentence) is not None)
    correlational = CORRELATION.search(sentence) is not None or COMPARISON.search(sentence) is not None
    if RECOMMENDATION.search(sentence) and not FINDING.search(sentence):
        return NONE
    if correlational and not EXPLICIT_CAUSE.search(sentence):
        return CORRELATIONAL
    if causal and hedged:
        return CONDITIONAL
    if causal:
        return CAUSAL
    if correlational:
        return CORRELATIONAL
    return NONE


#: Causal wording that goes beyond "reduces": asserting mechanism or direct consequence.
STRONG_CAUSAL = re.compile(
    r"\b(direct(?:ly)? (?:linked|correlated|caus\w*|consequence|result|address\w*|improv\w*|"
    r"contribut\w*|lessen\w*|stimulat\w*)|a direct consequence|drives?|caus(?:es|ed|ing)|"
    r"leads? to|leading to|results? in|resulting in|is responsible for|this demonstrates that|"
    r"demonstrates that)\b",
    re.I,
)
