"""Comparison: a claim that ranks two treatments needs evidence that compared them directly.

"Superior to sitagliptin", "more weight loss than semaglutide", "more effective than any other
diabetes drug": the comparator is read from the claim, and the cited paper must name it in a
sentence that compares ("vs", "compared with", "than", "between", "similar to"). Placebo counts
when the paper had a placebo arm. "Any other" or "all other" cannot be shown by one paper that
names no other. Otherwise the claim is unsupported (C032), naming the comparator.
"""

from __future__ import annotations

import re

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import stem, tokens

COMPARATIVE = re.compile(
    r"\b(?:superior to|inferior to|better than|outperform(?:s|ed|ing)?|"
    r"(?:more|greater|larger|less|fewer|higher|lower|bigger|stronger)\s+(?:[\w-]+\s+){0,4}?than|"
    r"compared (?:with|to)|relative to|versus|vs\.?)\s+(?P<other>[^,.;()]{1,60})",
    re.I,
)
_OTHER_END = re.compile(r"\b(?:for|in|at|on|among|over|during|after|with|by|at|did|does|do|alone)\b", re.I)
_ANY_OTHER = re.compile(r"^\s*(?:the |with )?(?:any|all|every)(?: other)?\b", re.I)
_CUE = re.compile(
    r"\b(?:vs\.?|versus|compared|comparison|than|between|similar to|comparable to|relative to|"
    r"head-to-head|superior|inferior|non-?inferior)\b",
    re.I,
)
_FILLER = {
    stem(w)
    for w in [
        "the",
        "a",
        "an",
        "with",
        "any",
        "other",
        "all",
        "every",
        "those",
        "that",
        "drug",
        "drugs",
        "treatment",
        "treatments",
    ]
}


def _comparator(other: str) -> tuple[str, tuple[str, ...]]:
    text = re.sub(r"^\s*(?:the|a|an|with|those|that of|those of)\s+", "", other, flags=re.I)
    end = _OTHER_END.search(text)
    phrase = (text[: end.start()] if end else text).strip()
    words = tuple(w for w in tokens(phrase) if w not in _FILLER)[:3]
    return phrase, words


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    match = next(
        (m for m in COMPARATIVE.finditer(claim) if not re.match(r"\s*[-−–]?\d", m.group("other"))), None
    )
    if match is None:
        return []
    other = match.group("other")
    phrase, words = _comparator(other)
    if "placebo" in words or "control" in words:
        if re.search(r"\bplacebo|control group|controls\b", ctx.record_text, re.I):
            return []
        reason = "the cited paper reports no placebo or control comparison"
    elif _ANY_OTHER.match(other):
        if re.search(r"\bthan (?:any|all) other\b", ctx.record_text, re.I):
            return []
        reason = "one paper that compares with no other treatment cannot rank it above all others"
    elif not words:
        return []
    else:
        for sentence in ctx.sentences:
            have = set(tokens(sentence.text))
            if all(w in have for w in words) and _CUE.search(sentence.text):
                return []
        named = any(all(w in set(tokens(s.text)) for w in words) for s in ctx.sentences)
        reason = (
            f"the cited paper names {phrase!r} but does not compare it head to head"
            if named
            else f"the cited paper does not mention {phrase!r}"
        )
    return [
        rules.finding(
            "C032",
            f"the claim compares ({match.group(0).strip()!r}), but {reason}",
            reference=ctx.key,
            evidence=ctx.quote(limit=2),
        )
    ]
