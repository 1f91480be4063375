"""Synthetic (claim, passage, label) pairs made by rule from real abstract sentences.

The idea of MiniCheck's training data (claims written from a passage, then perturbed) with
rules instead of an LLM. From one result sentence of an abstract:

- supported: the sentence itself, or one of its clauses, against the window around it;
- contradicted: its direction reversed, a negation added or removed, a figure changed past
  rounding, a comparison inverted;
- not enough information: a sentence from another abstract on a related topic, or the
  sentence with an outcome, population or comparator added that the passage never mentions.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from claimcheck.verify.evidence import tokens
from claimcheck.verify.passages import window
from training.data import CONTRADICTED, NEI, SUPPORTED, Pair

#: Words whose swap reverses a finding's direction (both ways).
_DIRECTION = [
    ("increased", "decreased"),
    ("increase", "decrease"),
    ("increases", "decreases"),
    ("higher", "lower"),
    ("greater", "smaller"),
    ("more", "less"),
    ("improved", "worsened"),
    ("enhanced", "impaired"),
    ("elevated", "reduced"),
    ("raised", "lowered"),
    ("positively", "negatively"),
    ("upregulated", "downregulated"),
    ("promotes", "inhibits"),
    ("promoted", "inhibited"),
    ("induced", "suppressed"),
    ("activates", "inhibits"),
    ("larger", "smaller"),
    ("longer", "shorter"),
    ("better", "worse"),
    ("gain", "loss"),
    ("benefit", "harm"),
    ("rise", "fall"),
]
_SWAP = {a: b for a, b in _DIRECTION} | {b: a for a, b in _DIRECTION}
_DIRECTION_RE = re.compile(r"\b(" + "|".join(map(re.escape, _SWAP)) + r")\b", re.IGNORECASE)

_NEGATIONS = [
    (r"\bwas not\b", "was"),
    (r"\bwere not\b", "were"),
    (r"\bdid not\b", "did"),
    (r"\bdoes not\b", "does"),
    (r"\bis not\b", "is"),
    (r"\bare not\b", "are"),
    (r"\bno significant\b", "a significant"),
    (r"\bnot significantly\b", "significantly"),
    (r"\bcannot\b", "can"),
    (r"\bfailed to\b", "managed to"),
]
_AFFIRM = [
    (r"\bwas\b", "was not"),
    (r"\bwere\b", "were not"),
    (r"\bis\b", "is not"),
    (r"\bare\b", "are not"),
    (r"\bsignificantly\b", "not significantly"),
    (r"\bcan\b", "cannot"),
]
_RESULT = re.compile(
    r"\b(increas|decreas|reduc|improv|associat|higher|lower|significant|inhibit|induc|promot|correlat|"
    r"elevat|impair|enhanc|risk|effect|prevent|caus)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(\s?%|\s?-?fold| mg| patients| participants)?")

_POPULATIONS = [
    "in children",
    "in pregnant women",
    "in adults over 65",
    "in patients with type 1 diabetes",
    "in healthy volunteers",
    "in women",
    "in men",
    "in people with kidney disease",
    "in athletes",
]
_OUTCOMES = [
    "and reduces all-cause mortality",
    "and improves quality of life",
    "and prevents cancer",
    "and lowers blood pressure",
    "and reduces hospital admissions",
    "and increases life expectancy",
    "and improves cognitive function",
    "and reduces body weight",
]
_COMPARATORS = [
    "compared with placebo",
    "compared with metformin",
    "compared with standard care",
    "compared with exercise alone",
    "compared with aspirin",
]


def _case(original: str, word: str) -> str:
    return word.capitalize() if original[0].isupper() else word


def reverse_direction(sentence: str, rng: random.Random) -> str | None:
    matches = list(_DIRECTION_RE.finditer(sentence))
    if not matches:
        return None
    m = rng.choice(matches)
    swapped = _case(m.group(0), _SWAP[m.group(0).lower()])
    return sentence[: m.start()] + swapped + sentence[m.end() :]


def toggle_negation(sentence: str, rng: random.Random) -> str | None:
    for pattern, replacement in _NEGATIONS:
        if re.search(pattern, sentence):
            return re.sub(pattern, replacement, sentence, count=1)
    options = [(p, r) for p, r in _AFFIRM if re.search(p, sentence)]
    if not options:
        return None
    pattern, replacement = rng.choice(options)
    return re.sub(pattern, replacement, sentence, count=1)


def change_figure(sentence: str, rng: random.Random) -> str | None:
    """A number moved well past any rounding (at least doubled or halved), years left alone."""
    matches = [m for m in _NUMBER.finditer(sentence) if not re.fullmatch(r"(19|20)\d\d", m.group(1))]
    if not matches:
        return None
    m = rng.choice(matches)
    value = float(m.group(1))
    if value == 0:
        return None
    new = value * rng.choice([2.5, 3, 0.3, 0.4, 4])
    decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
    text = f"{new:.{decimals}f}" if decimals else str(max(1, round(new)))
    if text == m.group(1):
        return None
    return sentence[: m.start(1)] + text + sentence[m.end(1) :]


def clause(sentence: str, rng: random.Random) -> str:
    """One clause of a compound sentence, when it stands alone, else the sentence."""
    parts = [p.strip() for p in re.split(r";\s+|,\s+(?:and|whereas|while|but)\s+", sentence) if p.strip()]
    parts = [p for p in parts if len(p.split()) >= 6 and _RESULT.search(p)]
    if len(parts) < 2:
        return sentence
    part = rng.choice(parts).rstrip(".")
    return part[0].upper() + part[1:] + "."


def add_element(sentence: str, rng: random.Random) -> str:
    body = sentence.rstrip(". ")
    kind = rng.random()
    if kind < 0.4:
        return f"{body} {rng.choice(_POPULATIONS)}."
    if kind < 0.75:
        return f"{body}, {rng.choice(_OUTCOMES)}."
    return f"{body} {rng.choice(_COMPARATORS)}."


def pairs(abstracts: Iterable[list[str]], rng: random.Random, limit: int) -> list[Pair]:
    """Up to `limit` pairs, roughly a third of each label."""
    docs = [texts for texts in abstracts if len(texts) >= 3]
    rng.shuffle(docs)
    # Related abstracts for the NEI-by-topic pairs: an inverted index of rarer content words.
    by_word: dict[str, list[int]] = defaultdict(list)
    for d, texts in enumerate(docs):
        for word in set(tokens(" ".join(texts[:2]))):
            if len(word) > 5:
                by_word[word].append(d)
    out: list[Pair] = []
    for d, texts in enumerate(docs):
        if len(out) >= limit:
            break
        candidates = [i for i, t in enumerate(texts) if _RESULT.search(t) and 8 <= len(t.split()) <= 60]
        if not candidates:
            continue
        i = rng.choice(candidates)
        sentence = texts[i]
        passage = " ".join(texts[j] for j in window(texts, [i], 1 if rng.random() < 0.7 else 0))
        choice = rng.random()
        if choice < 0.3:
            claim = sentence if rng.random() < 0.5 else clause(sentence, rng)
            out.append(Pair(claim, passage, SUPPORTED, "synthetic-supported"))
        elif choice < 0.65:
            rules = [reverse_direction, toggle_negation, change_figure]
            rng.shuffle(rules)
            for rule in rules:
                changed = rule(sentence, rng)
                if changed and changed != sentence:
                    out.append(Pair(changed, passage, CONTRADICTED, f"synthetic-{rule.__name__}"))
                    break
        elif choice < 0.82:
            out.append(Pair(add_element(sentence, rng), passage, NEI, "synthetic-added-element"))
        else:
            related = _related(d, texts, by_word, rng)
            if related is not None:
                other = docs[related]
                j = rng.choice([k for k, t in enumerate(other) if len(t.split()) >= 6] or [0])
                out.append(Pair(other[j], passage, NEI, "synthetic-other-abstract"))
    return out


def _related(d: int, texts: Sequence[str], by_word: dict[str, list[int]], rng: random.Random) -> int | None:
    words = [w for w in set(tokens(" ".join(texts[:2]))) if 1 < len(by_word.get(w, ())) < 50]
    rng.shuffle(words)
    for word in words[:5]:
        others = [o for o in by_word[word] if o != d]
        if others:
            return rng.choice(others)
    return None
