"""Outcome: the thing a claim says an intervention changes must be something the paper reports.

"Tirzepatide prevents cancer", "lowers mortality", "reverses liver fibrosis", "lower rates of
heart attack": the object of the claim's effect verb is read (up to the first preposition or
comma), and its content words must occur together in one sentence of the title or abstract
(or among the record's MeSH headings). When they do not, the paper did not report the outcome
and cannot support an effect on it: unsupported (C035), naming the outcome. The scope check
(C018/C020) covers a fixed list of known outcomes; this one reads any outcome the claim names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context, scope
from claimcheck.verify.evidence import expand, stem, tokens

EFFECT_VERB = re.compile(
    r"(?<!-)\b(prevent(?:s|ed|ing)?|reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|decreas(?:e|es|ed|ing)|"
    r"increas(?:e|es|ed|ing)|improv(?:e|es|ed|ing)|revers(?:e|es|ed|ing)|cur(?:e|es|ed|ing)|"
    r"protect(?:s|ed|ing)? against|rais(?:e|es|ed|ing)|caus(?:e|es|ed|ing)|promot(?:e|es|ed|ing)|"
    r"boost(?:s|ed|ing)?|normali[sz](?:e|es|ed|ing)|restor(?:e|es|ed|ing)|lessen(?:s|ed|ing)?|"
    r"ameliorat(?:e|es|ed|ing)|inhibit(?:s|ed|ing)?|suppress(?:es|ed|ing)?|stimulat(?:e|es|ed|ing)|"
    r"halt(?:s|ed|ing)?|slow(?:s|ed|ing)?|delay(?:s|ed|ing)?)\b\s+",
    re.I,
)
#: Where the object of the verb ends: a preposition that starts a qualifier, or punctuation.
_OBJECT_END = re.compile(
    r"[,.;:()]|\b(?:in|among|for|by|with|at|over|from|than|compared|versus|vs|after|during|while|"
    r"when|through|via|within|without|because|as|and (?:was|were|is|are)|up to|to|compared|like|such as|"
    r"seen|observed|reported|that|which|who)\b",
    re.I,
)
#: Words of an object that say how, how much or which way, not what.
_GENERIC = {
    stem(w)
    for w in [
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "these",
        "those",
        "this",
        "that",
        "risk",
        "risks",
        "rate",
        "rates",
        "level",
        "levels",
        "incidence",
        "number",
        "amount",
        "degree",
        "overall",
        "significant",
        "significantly",
        "substantial",
        "substantially",
        "marked",
        "markedly",
        "mean",
        "lower",
        "higher",
        "greater",
        "reduced",
        "increased",
        "reduction",
        "reductions",
        "increase",
        "increases",
        "decrease",
        "loss",
        "gain",
        "change",
        "changes",
        "improvement",
        "effects",
        "effect",
        "outcome",
        "outcomes",
        "symptoms",
        "markers",
        "marker",
        "no",
        "any",
        "all",
        "both",
        "whole",
        "total",
        "plasma",
        "serum",
        "blood",
        "directly",
        "much",
        "more",
        "less",
        "alone",
        "own",
        "endogenous",
        "natural",
        "pathology",
        "dysfunction",
        "health",
        "function",
        "profile",
        "parameters",
        "status",
        "mass",
        "volume",
        "content",
        "accumulation",
        "deposition",
        "size",
        "area",
        "burden",
        "overall",
        "strong",
        "clean",
        "powerful",
        "potent",
        "steady",
    ]
}
#: Words a paper may use for a claim's word ("sc adipose tissue", "myocardial infarction").
_ALIASES = {
    "subcutan": ("sc",),
    "attack": ("infarction",),
    "heart": ("myocardial", "cardiac"),
    "sugar": ("glucose",),
    "hepat": ("liver",),
    "liver": ("hepat",),
}
#: After the object: a verb means the phrase was the subject of a clause ("restoring X can resolve Y").
_CLAUSE_VERB = re.compile(
    r"\s*(?:can|may|could|will|would|might|is|are|was|were|has|have|leads?|results?)\b", re.I
)
#: Sections that state the question, not what was found.
_BACKGROUND = frozenset({"BACKGROUND", "INTRODUCTION", "CONTEXT", "IMPORTANCE", "RATIONALE"})


def _norm(text: str) -> str:
    """British and American spellings meet ("glycaemic" ~ "glycemic")."""
    return re.sub(r"(?<=[a-z])ae(?=[a-z])", "e", text.lower()).replace("oe", "e")


@lru_cache(maxsize=8192)
def _sentence_words(text: str) -> frozenset[str]:
    return frozenset(tokens(_norm(expand(text))))


def outcomes(claim: str) -> list[tuple[str, tuple[str, ...]]]:
    """The objects of the claim's effect verbs, each with its content words."""
    found = []
    for match in EFFECT_VERB.finditer(claim):
        rest = claim[match.end() : match.end() + 80]
        end = _OBJECT_END.search(rest)
        phrase = rest[: end.start()] if end else rest
        if _CLAUSE_VERB.match(rest, len(phrase)) or (end is None and len(rest) >= 80):
            continue
        words = tuple(
            w for w in tokens(_norm(phrase)) if not w[0].isdigit() and w not in _GENERIC and len(w) > 2
        )[:4]
        if words:
            found.append((phrase.strip(), words))
    return found


def _present(word: str, vocabulary: frozenset[str]) -> bool:
    if word in vocabulary:
        return True
    head = word[:5]
    return len(word) >= 5 and any(v.startswith(head) for v in vocabulary)


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    return _present(word, vocabulary) or any(
        any(v.startswith(alias) for v in vocabulary)
        for stem_, aliases in _ALIASES.items()
        if word.startswith(stem_)
        for alias in aliases
    )


def _known_outcome(phrase: str, record_text: str) -> bool:
    """An outcome the scope check knows by several names ("glucose uptake" ~ "glucose absorption")."""
    text = record_text.lower()
    return any(
        re.search(pattern, phrase, re.I) and scope.present(scope.OUTCOMES[name], text)
        for name, pattern in scope.CLAIM_OUTCOME.items()
    )


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    if not EFFECT_VERB.search(claim):
        return []
    subject = {w for w in tokens(_norm(ctx.claim.subject))} if ctx.claim.subject else set()
    vocabularies = [_sentence_words(s.text) for s in ctx.sentences if s.label.upper() not in _BACKGROUND]
    vocabularies += [_sentence_words(term) for term in ctx.record.mesh_terms]
    everywhere = frozenset().union(*vocabularies) if vocabularies else frozenset()
    reported = " ".join(s.text for s in ctx.sentences if s.label.upper() not in _BACKGROUND)
    findings: list[Finding] = []
    for phrase, words in outcomes(claim):
        words = tuple(w for w in words if w not in subject)
        if not words:
            continue
        if any(all(_known(w, v) for w in words) for v in vocabularies) or _known_outcome(phrase, reported):
            continue
        missing = [w for w in words if not _known(w, everywhere)]
        # Modifiers vary ("pathogenic visceral fat"): with three words or more, only a missing
        # head word (the last) says the outcome is absent; two words must occur together.
        if (not missing and len(words) != 2) or (len(words) >= 3 and words[-1] not in missing):
            continue
        note = ctx.incomplete_note.replace("the figure", "it")
        how = "never mentions it" if missing else "never mentions its words together"
        findings.append(
            rules.finding(
                "C035",
                f"the claim states an effect on {phrase!r}, but the cited paper does not report that outcome "
                f"(its title and abstract {how}){note}",
                reference=ctx.key,
                evidence=ctx.quote(list(ctx.sentences[:1]) + list(ctx.top[:1])),
            )
        )
        break
    return findings
