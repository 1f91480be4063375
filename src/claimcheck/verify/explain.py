"""Why a claim got its verdict: the deciding element, and the sentences the verdict rests on.

A flagged claim is decided by the finding that implies its verdict (the worst one): the reason
names the element it is about (direction, magnitude, population, design, comparison, outcome)
and quotes that finding's sentences. A supported claim quotes the sentences that state it (the
ones covering most of its words) and names what they state: the agent, the outcome, the figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from claimcheck.model import ClaimVerdict, Finding
from claimcheck.verify.checks import Context, numbers, outcome
from claimcheck.verify.evidence import Sentence, expand, tokens

#: The element of a claim each finding code is about.
ELEMENT: dict[str, str] = {
    "C010": "magnitude",
    "C011": "figure",
    "C012": "direction",
    "C013": "certainty",
    "C014": "population (animal or cell evidence)",
    "C015": "population",
    "C016": "study design",
    "C017": "causal wording",
    "C018": "subject",
    "C019": "secondary evidence",
    "C020": "element not in the paper",
    "C021": "model: contradiction",
    "C022": "model: not stated",
    "C030": "arm",
    "C031": "dose or time point",
    "C032": "comparison",
    "C033": "population",
    "C034": "study design",
    "C035": "outcome",
}


def entailing(ctx: Context, limit: int = 3) -> list[Sentence]:
    """The sentences that state the claim: the sentence giving each of its figures, the one
    covering most of its words, and then sentences adding words the others lack (up to three)."""
    claim = {w for w in tokens(expand(ctx.claim_text))}
    if not claim:
        return list(ctx.top[:1])
    pool = list(dict.fromkeys([*ctx.top, *ctx.sentences]))

    def covered(sentence: Sentence) -> set[str]:
        return claim & set(tokens(expand(sentence.text)))

    ranked = sorted(pool, key=lambda s: (-len(covered(s)), s.index))
    if not ranked or not covered(ranked[0]):
        return list(ctx.top[:1])
    chosen = [ranked[0]]
    have = covered(ranked[0])
    # The sentence that gives each of the claim's figures is part of what states it.
    for q in numbers.extract(ctx.claim_text):
        if q.kind not in ("percent", "fold", "level"):
            continue
        giving = next(
            (s for s in ranked for e in numbers.extract(s.text) if e.kind == q.kind and numbers.backs(q, e)),
            None,
        )
        if giving is not None and giving not in chosen:
            chosen.insert(0, giving)
            have |= covered(giving)
    limit = max(limit, len(chosen))
    for sentence in ranked[1:]:
        if len(chosen) >= limit:
            break
        extra = covered(sentence) - have
        if extra:
            chosen.append(sentence)
            have |= extra
    return chosen


def _stated(ctx: Context, sentences: Sequence[Sentence]) -> list[str]:
    text = " ".join(s.text for s in sentences)
    words = set(tokens(expand(text)))
    parts: list[str] = []
    for phrase, outcome_words in outcome.outcomes(ctx.claim_text)[:2]:
        if all(any(v.startswith(w[:5]) for v in words) for w in outcome_words):
            parts.append(f"the outcome ({phrase})")
    figures = [q.describe() for q in numbers.extract(ctx.claim_text) if q.kind not in ("number", "count")]
    if figures:
        parts.append(
            "the figure" + ("s " if len(figures) > 1 else " ") + ", ".join(f"'{f}'" for f in figures[:3])
        )
    return parts


def explain(
    ctx: Context,
    verdict: ClaimVerdict,
    findings: Sequence[Finding],
    code_verdict: Mapping[str, ClaimVerdict],
) -> tuple[str, tuple[str, ...]]:
    """(reason, quoted sentences) for the verdict."""
    if verdict is ClaimVerdict.SUPPORTED:
        sentences = entailing(ctx)
        parts = _stated(ctx, sentences)
        what = ", ".join(parts) if parts else "what the claim says"
        return f"supported: the quoted evidence states {what}", ctx.quote(sentences)
    decider = next((f for f in findings if code_verdict.get(f.code) is verdict), None)
    if decider is None:
        return verdict.value, ctx.quote()
    element = ELEMENT.get(decider.code, decider.name)
    return (
        f"{verdict.value} ({element}, {decider.code}): {decider.message}",
        decider.evidence or ctx.quote(),
    )
