"""Is a sentence check-worthy? A claim someone could check against the literature.

Transparent rules rather than a model: a sentence is check-worthy when it names something a
paper can speak to (a hormone, a drug, an organ, an outcome, a population) and asserts
something about it (a quantity, a comparison, a cause or an effect, a study's result, or what
the thing is or does). Rhetoric, advice, questions, predictions and talk about the text itself
are not claims, however medical their words. Every decision carries its reasons, so the
scaffold can say why a sentence was picked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

#: Things a paper can speak to: physiology, drugs, outcomes, populations.
_ENTITY = re.compile(
    r"\b(hormones?|insulin\w*|glucose|glyc\w+|sugar|pancrea\w*|liver|hepat\w+|muscles?|fat|fats|"
    r"adip\w+|lipid\w*|lipo\w+|cholesterol|triglycerid\w*|cells?|cellular|receptors?|pituitar\w*|"
    r"glands?|proteins?|amino|peptides?|molecules?|enzymes?|gut|brain|organs?|tissues?|blood|"
    r"metabol\w+|endocrin\w*|inflammat\w+|diabet\w+|obes\w+|weight|appetite|satiety|gastric|"
    r"steatosis|secretagogues?|agonists?|analog(ue)?s?|incretins?|mimetics?|ghrelin|glucagon|"
    r"cortisol|prolactin|visceral|body composition|hyper\w+|hypo\w+|syndrome|disease|patients?|"
    r"mice|rats?|rodents?|humans?|adults?|therap(y|ies)|treatment|dose\w*|drugs?|medication\w*|"
    r"vitamin\w*|calor\w+|carbohydrates?|protocols?|"
    # Outcomes, conditions, exposures and groups any health article speaks of.
    r"mortality|death\w*|dying|survival|lifespan|longevity|risks?|incidence|prevalence|"
    r"morbidity|hospitali[sz]\w+|cancer\w*|tumou?r\w*|carcinom\w+|heart|cardi\w+|"
    r"coronary|stroke|vascular|arter\w+|hypertension|blood pressure|kidney\w*|renal|lungs?|"
    r"pulmonary|asthma|infect\w+|vaccin\w+|virus\w*|viral|bacteri\w+|antibiotic\w*|immun\w+|"
    r"antibod\w+|allerg\w+|pain|depress\w+|anxiety|mental|cognit\w+|dementia|alzheimer\w*|"
    r"sleep|bones?|fractures?|osteo\w+|pregnan\w+|births?|fertility|infants?|child(ren)?|"
    r"women|men|elderly|older adults|smok\w+|tobacco|alcohol|coffee|caffeine|diet\w*|nutri\w+|"
    r"exercise|physical activity|fibre|fiber|sodium|salt|supplement\w*|microbio\w+|skin|"
    r"testosterone|estrogen|oestrogen|thyroid|frailty|sarcopenia)\b",
    _I,
)
#: Drug and molecule names: -tide/-relin/-glutide suffixes, acronyms, names with digits.
_NAMED = re.compile(
    r"\b((?!Peptide\b)[A-Z][a-z]+(tide|relin|glutide|glinide|gliflozin|formin|statin|mab|nib)|"
    r"[A-Z]{2,}[a-z]?[A-Z0-9]*(-\d+)?|[A-Z][A-Za-z]*-\d+)\b"
)
_QUANTITY = re.compile(
    r"(\d+(\.\d+)?\s*(%|percent|mg|kg|g\b|ml|mmol|weeks?|months?|years?|days?|fold|times)|"
    r"\d+\s*(-|–|to)\s*\d+|[~≈<>≤≥]\s*\d|\b(half|double|twice|triple|one-third|most|majority)\b)",
    _I,
)
_COMPARISON = re.compile(
    r"\b(more|less|greater|fewer|higher|lower|superior|inferior|better|worse|compared|than|"
    r"most|least|even greater|outweigh\w*|rather than|neutral)\b",
    _I,
)
_EFFECT = re.compile(
    r"\b(caus\w+|lead(s|ing)? to|leads|drive[sn]?|driv\w+|result(s|ed|ing)? in|reduc\w+|lower\w*|"
    r"rais\w+|increas\w+|decreas\w+|improv\w+|restor\w+|stimulat\w+|suppress\w+|inhibit\w+|"
    r"promot\w+|prevent\w+|treat\w*|revers\w+|resolv\w+|trigger\w*|mediat\w+|modulat\w+|"
    r"correct\w*|enhanc\w+|affect\w*|impact\w*|contribut\w+|link(ed)?|associat\w+|correlat\w+|"
    r"regulat\w+|bind\w*|mimic\w*|secret\w+|release\w*|signal\w*|declin\w+|elevat\w+|"
    r"compensat\w+|allow\w*|govern\w*|recalibrat\w+|remodel\w*|interface\w*|leverag\w+|"
    r"lessen\w*|diminish\w*|address\w*|benefit\w*|effect\w*|because|due to|consequen\w+|"
    r"enter\w*|absorb\w*|travel\w*|break(s)? down|broken down|slow\w*|acts?|work\w*|produc\w+|"
    r"responds?|responded|resistan\w+|sensitiv\w+|dysfunction\w*|deficien\w+)\b",
    _I,
)
_STUDY = re.compile(
    r"\b(stud(y|ies)|trials?|research|evidence|data|analys[ie]s|meta-analys\w+|randomi[sz]ed|"
    r"placebo|cohort|shown|demonstrated?|found|reported|indicates?|identified|preclinical|"
    r"clinical\w*|FDA|approved|documented|responders?)\b",
    _I,
)
#: What a thing is: "X is a hormone produced by ...", "Peptides are short chains of ...".
_DEFINES = re.compile(r"\b(is|are)\s+(a|an|the|not|short|highly|crucial|critical)\b", _I)

_QUESTION = re.compile(r"\?[\"”’')\]]*$")
_IMPERATIVE = re.compile(
    r"^(consider|ask|talk|try|seek|remember|imagine|think|note|speak|discuss|learn|read|start|"
    r"make|take|keep|avoid|let|see|contact|call|book|schedule|join|sign|click|find|discover|"
    r"explore|begin|stop)\b",
    _I,
)
#: Talk about the text, the reader's journey or the future: no finding behind it.
_DISCOURSE = re.compile(
    r"\b(this (article|section|page|guide|post|chapter|knowledge|information)|"
    r"the information (presented|provided|given)|(first|next|foundational) step|moving beyond|"
    r"the future of|will likely|may lie in|(the|our) (primary |main )?(goal|aim) (is|was)|"
    r"empowers? you|the path (toward|to)|understanding (this|the|these|your)|"
    r"let'?s|we will|we'll|read on|in this (article|section|post))\b",
    _I,
)
_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", _I)
_ADVICE = re.compile(
    r"\b(you should|you must|we recommend|talk to your|consult (a|your)|speak with your|ask your)\b", _I
)


@dataclass(frozen=True)
class Worthiness:
    worthy: bool
    #: Why: the signals found (e.g. "quantity", "effect") or the veto ("question", "advice").
    reasons: tuple[str, ...]


def assess(text: str, kind: str = "prose") -> Worthiness:
    """Decide whether one sentence (or table row) is a check-worthy claim, and say why."""
    words = text.split()
    if len(words) < 4:
        return Worthiness(False, ("too short",))
    for name, pattern in (
        ("question", _QUESTION),
        ("imperative", _IMPERATIVE),
        ("advice", _ADVICE),
        ("discourse", _DISCOURSE),
    ):
        if pattern.search(text):
            return Worthiness(False, (name,))
    entities = len(_ENTITY.findall(text)) + len(_NAMED.findall(text))
    if not entities:
        return Worthiness(False, ("names nothing a paper could speak to",))
    signals = [
        name
        for name, pattern in (
            ("quantity", _QUANTITY),
            ("comparison", _COMPARISON),
            ("effect", _EFFECT),
            ("study", _STUDY),
            ("named", _NAMED),
            ("defines", _DEFINES),
        )
        if pattern.search(text)
    ]
    if kind == "row" and entities:
        signals.append("table row")
    if not signals:
        return Worthiness(False, ("asserts nothing checkable",))
    second_person = len(_SECOND_PERSON.findall(text))
    if second_person and entities < 2 * second_person:
        return Worthiness(False, ("addresses the reader",))
    return Worthiness(True, tuple(signals))
