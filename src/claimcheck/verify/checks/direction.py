"""Direction and negation: the evidence reports the opposite direction, no effect, or a
non-significant result where the claim states an effect (C012, contradicted).

Only sentences that are about what the claim is about count: a direction is compared on the
words it governs ("reduced visceral adipose tissue"), and a sentence stating the claimed
direction for the same outcome anywhere in the evidence clears the flag.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimcheck import rules
from claimcheck.model import Finding
from claimcheck.verify.checks import Context
from claimcheck.verify.checks.scope import claim_entities, subject_present
from claimcheck.verify.evidence import Sentence, stem, tokens

#: Changes in amount only: "enhance", "promote" or "stimulate" say too little about which way a
#: measured outcome moved to set against a claim.
UP = re.compile(
    r"\b(increas\w*|rais(?:e|es|ed|ing)|elevat\w*|higher|gain\w*|ris(?:e|es|ing)|rose|"
    r"augment\w*)\b",
    re.I,
)
DOWN = re.compile(
    r"\b(decreas\w*|reduc\w*|lower(?:s|ed|ing)?|declin\w*|diminish\w*|fall\w*|fell|"
    r"drop\w*|loss|lost|shorten\w*|halv\w*)\b",
    re.I,
)
BETTER = re.compile(
    r"\b(improv\w*|benefi\w*|ameliorat\w*|alleviat\w*|protect\w*|restor\w*|normali[sz]\w*)\b", re.I
)
WORSE = re.compile(r"\b(worsen\w*|impair\w*|deteriorat\w*|exacerbat\w*|aggravat\w*|harm\w*)\b", re.I)
NULL = re.compile(
    r"\b(no (?:significant |statistically significant |meaningful |clinically \w+ )?(?:effect|difference|"
    r"change|association|improvement|reduction|increase|benefit|evidence|impact|relationship|correlation|"
    r"link)s?|not (?:statistically )?significant(?:ly)?|non-?significant(?:ly)?|did not|does not|do not|"
    r"was not|were not|is not|are not|has not|have not|failed to|unaltered|unchanged|unaffected|"
    r"neither|nor|none of|not associated|not related|no longer|without|cannot|can ?not|never|"
    r"neutral|similar (?:in|between|to)|comparable)\b",
    re.I,
)
#: Words that deny without "not": "unable to", "lacked any", "no evidence", "absence of".
PRIVATIVE = re.compile(r"\b(unable|lack(?:s|ed|ing)?|absen(?:t|ce)|fail(?:s|ed)?|free of|none|no)\b", re.I)
#: A flat denial in a claim (not "not merely", not "neutral").
DENIAL = re.compile(
    r"\b(?:no|not|never|cannot|can ?not|unable|lack(?:s|ed|ing)?|fail(?:s|ed)? to|none|neither|"
    r"(?:did|does|do|is|are|was|were|has|have)n't|without)\b(?!\s+(?:merely|only|just|simply|necessarily))",
    re.I)
_POLES = {"up": "down", "down": "up", "better": "worse", "worse": "better"}
_GENERIC = {
    stem(w)
    for w in (
        "level",
        "levels",
        "patient",
        "group",
        "effect",
        "treatment",
        "mean",
        "change",
        "significant",
        "significantly",
        "study",
        "result",
        "baseline",
    )
}


_OF_DOSE = re.compile(r"\s+(?:\w+\s+)?(?:doses?|dosages?|concentrations? of the drug)\b", re.I)
_PASSIVE_TAIL = re.compile(r"\s*(?:by|in|from|at|to|significantly|[,.;:()]|$)", re.I)


def _directions(text: str) -> list[tuple[str, set[str]]]:
    return [(name, set(words)) for name, words in _directions_of(text)]


@lru_cache(maxsize=16384)
def _directions_of(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each direction word with what it is said of: the words after it ("reduced VAT"), and the
    words before it when it closes a phrase ("VAT decreased by 15%")."""
    found: list[tuple[str, frozenset[str]]] = []
    for part in re.split(r"(?<=[.;])\s+", text):
        for name, pattern in (("up", UP), ("down", DOWN), ("better", BETTER), ("worse", WORSE)):
            for match in pattern.finditer(part):
                if _OF_DOSE.match(part, match.end()):
                    continue  # "at higher doses" says which arm, not which way an outcome moved
                words = tokens(part[match.end() : match.end() + 50])[:4]
                if _PASSIVE_TAIL.match(part[match.end() :]):
                    words += tokens(part[max(0, match.start() - 30) : match.start()])[-2:]
                found.append((name, frozenset(w for w in words if not w[0].isdigit()) - _GENERIC))
    return tuple(found)


ANTONYMS = (
    ("increase", "decrease"), ("increased", "decreased"), ("increases", "decreases"), ("higher", "lower"),
    ("more", "less"), ("positive", "negative"), ("mild", "severe"), ("before", "after"), ("early", "late"),
    ("younger", "older"), ("safe", "unsafe"), ("effective", "ineffective"), ("common", "rare"),
    ("high", "low"), ("rise", "fall"), ("benefit", "harm"), ("improved", "worsened"), ("improve", "worsen"),
    ("symptomatic", "asymptomatic"), ("efficient", "inefficient"), ("likely", "unlikely"),
    ("sufficient", "insufficient"), ("major", "minor"), ("strong", "weak"), ("fast", "slow"),
    ("better", "worse"), ("greater", "smaller"), ("above", "below"), ("long", "short"),
    ("associated", "unassociated"), ("all", "some"), ("always", "sometimes"), ("most", "few"),
)
ANTONYMS += (
    ("abolished", "preserved"), ("abolishes", "preserves"), ("abolish", "preserve"),
    ("inhibited", "evoked"), ("severe", "moderate"), ("lasting", "transient"), ("unsafe", "safe"),
    ("poorly", "well"),
)
_ANTONYM: dict[str, set[str]] = {}
for _a, _b in ANTONYMS:
    _ANTONYM.setdefault(_a, set()).add(_b)
    _ANTONYM.setdefault(_b, set()).add(_a)
#: "are severe" / "are ... mild": both words are what the same subject is said to be.
_PREDICATE = r"\b(?:is|are|was|were|be|been|being)\s+(?:[\w-]+\s+){0,4}?[\w-]*?"


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


def _antonym(claim: str, evidence: str, claim_words: set[str]) -> tuple[str, str] | None:
    """A claim word whose opposite the evidence sentence uses instead, in a sentence that
    otherwise says much the same (at least three shared content words)."""
    if len(claim_words & set(tokens(evidence))) < 3:
        return None
    in_claim, in_evidence = _words(claim), _words(evidence)
    for word in sorted(in_claim):
        for opposite in sorted(_ANTONYM.get(word, ())):
            # The two words must be said of the same thing ("high rate" / "low rate"), not merely
            # occur in similar sentences ("high-throughput sequencing" / "low antibody levels").
            if (
                opposite in in_evidence
                and word not in in_evidence
                and opposite not in in_claim
                and (
                    _neighbours(claim, word) & _neighbours(evidence, opposite)
                    or _predicates(claim, word, evidence, opposite)
                )
            ):
                return word, opposite
    return None


def _predicates(claim: str, word: str, evidence: str, opposite: str) -> bool:
    """Both words are predicated of the subject ("effects are severe" / "these are ... mild")."""
    return bool(
        re.search(_PREDICATE + rf"\b{word}\b", claim, re.I)
        and re.search(_PREDICATE + rf"\b{opposite}\b", evidence, re.I)
    )


def _neighbours(text: str, word: str) -> set[str]:
    """The content words just around each use of a word."""
    found: set[str] = set()
    for match in re.finditer(rf"(?<![A-Za-z-]){word}(?![A-Za-z-])", text, re.I):
        found |= set(tokens(text[max(0, match.start() - 30) : match.start()])[-2:])
        found |= set(tokens(text[match.end() : match.end() + 40])[:3])
    return found - _GENERIC


def _relevant(ctx: Context, claim_words: set[str]) -> list[Sentence]:
    chosen = []
    for sentence in ctx.top[:3]:
        shared = claim_words & set(tokens(sentence.text))
        if len(shared) >= 2:
            chosen.append(sentence)
    return chosen


#: Sections that state the question, not the finding ("... are not known").
_BACKGROUND = frozenset(
    {"BACKGROUND", "INTRODUCTION", "OBJECTIVE", "OBJECTIVES", "CONTEXT", "IMPORTANCE", "AIM", "AIMS"}
    | {"PURPOSE"}
)
_UNKNOWN = re.compile(r"\s*(?:known|clear|established|understood|studied)\b", re.I)
#: "No serious adverse reactions were reported": an event the evidence says did not happen.
NO_EVENT = re.compile(
    r"\b(?:no|none of the)\s+((?:[\w-]+\s+){0,4}?[\w-]+)\s+(?:was|were|has been|have been|occurred)"
    r"(?:\s+(?:reported|observed|seen|found|detected|noted|recorded))?"
    r"|\bthere (?:was|were) no\s+((?:[\w-]+\s+){0,4}?[\w-]+)",
    re.I,
)
#: A claimed difference between two things ("more frequent with X than with placebo").
COMPARATIVE = re.compile(
    r"\b(?:more|less|greater|fewer|higher|lower|larger|smaller|better|worse|superior|inferior)\b"
    r"[^.;]{0,60}?\b(?:than|to)\b",
    re.I,
)
NO_DIFFERENCE = re.compile(
    r"\b(?:did not differ|do not differ|does not differ|no (?:significant |statistically significant )?"
    r"differences?|not (?:significantly |statistically )?different|comparable to|similar to|very similar)\b",
    re.I,
)


def _null_about(text: str, claim_object: set[str]) -> re.Match[str] | None:
    """A negation or null result that governs what the claim's direction is said of: words of
    the claim's object within a few words after it ("did not reduce VAT") or just before it
    ("VAT was unchanged"). A negation elsewhere in the sentence ("has not been studied in
    children, but ...") says nothing of the claimed effect, and "are not known" states a question."""
    needed = min(2, len(claim_object))
    for match in NULL.finditer(text):
        if _UNKNOWN.match(text, match.end()):
            continue
        after = set(tokens(text[match.end() : match.end() + 60]))
        before = set(tokens(text[max(0, match.start() - 40) : match.start()]))
        if len(claim_object & (after | before)) >= max(1, needed):
            return match
    return None


def _governed(text: str, match: re.Match[str]) -> set[str]:
    after = tokens(text[match.end() : match.end() + 60])
    return set(after) | set(tokens(text[max(0, match.start() - 40) : match.start()]))


def _about(subjects: list[str]):
    """Whether a sentence speaks of the claim's agent (when the claim names one)."""

    def test(sentence: Sentence) -> bool:
        text = sentence.text.lower()
        if not subjects or any(subject_present(x, text) for x in subjects):
            return True
        # A sentence that names no agent ("These included decreased ...") continues the last one.
        return not (_AGENT.search(sentence.text) or _OTHER_AGENT.search(sentence.text))

    return test


_AGENT = re.compile(
    r"\b([a-z]+(?:glutide|zepatide|morelin|relin|statin|lintide|formin|gliflozin|mab|tatin)|[a-z]+tide)\b",
    re.I,
)


_OTHER_AGENT = re.compile(r"\b[A-Z]{2,}[A-Z0-9]*-\d+\b")


def _agent(ctx: Context) -> list[str]:
    """The agent the claim speaks of: the first drug or named entity in it ("ipamorelin", not the
    "GHRP-6" it is compared with)."""
    text = ctx.claim_text
    found = [(m.start(), m.group(1)) for m in _AGENT.finditer(text)]
    found += [(text.find(e), e) for e in claim_entities(ctx)[0] if text.find(e) >= 0]
    return [min(found)[1]] if found else []


@lru_cache(maxsize=16384)
def _no_events(text: str) -> tuple[tuple[frozenset[str], str, str], ...]:
    """Each "no X were reported" of a sentence: X's content words, X, and the words matched."""
    found = []
    for match in NO_EVENT.finditer(text):
        thing = match.group(1) or match.group(2) or ""
        found.append((frozenset(tokens(thing)) - _GENERIC, thing, match.group(0).strip()))
    return tuple(found)


@lru_cache(maxsize=16384)
def _negated(text: str) -> bool:
    return bool(NULL.search(text) or PRIVATIVE.search(text) or NO_EVENT.search(text))


def check(ctx: Context) -> list[Finding]:
    claim = ctx.claim_text
    claim_words = {w for w in tokens(claim) if not w[0].isdigit()} - _GENERIC
    claim_null = NULL.search(claim) is not None or PRIVATIVE.search(claim) is not None
    # "No serious adverse reactions were reported" against a claim that they occurred.
    if not claim_null:
        for sentence in ctx.sentences:
            for thing, said, matched in _no_events(sentence.text):
                if len(thing) >= 2 and len(thing & claim_words) >= max(2, len(thing) - 1):
                    return [
                        rules.finding(
                            "C012",
                            f"the claim states that {said} occurred, but the evidence reports '{matched}'",
                            reference=ctx.key,
                            evidence=ctx.quote([sentence]),
                        )
                    ]
    relevant = _relevant(ctx, claim_words)
    if not relevant:
        return []
    findings_about = [s for s in relevant if s.label.upper() not in _BACKGROUND]
    about = _about(_agent(ctx))
    if any(about(s) for s in findings_about):
        findings_about = [s for s in findings_about if about(s)] + [s for s in findings_about if not about(s)]
    claim_dirs = _directions(claim)
    # A claimed difference where the evidence reports none ("did not differ", "comparable to").
    if not claim_null and COMPARATIVE.search(claim):
        for sentence in findings_about:
            same = NO_DIFFERENCE.search(sentence.text)
            if same and len(claim_words & _governed(sentence.text, same) & set(tokens(sentence.text))) >= 2:
                return [
                    rules.finding(
                        "C012",
                        f"the claim states a difference, but the evidence reports '{same.group(0)}'",
                        reference=ctx.key,
                        evidence=ctx.quote([sentence]),
                    )
                ]
    # No effect where the claim states one.
    if not claim_null and claim_dirs:
        claim_object = set().union(*(words for _, words in claim_dirs))
        nulls = [(s, m) for s in findings_about if (m := _null_about(s.text, claim_object))]
        if not nulls and len(claim_object) >= 3:
            # A null result about most of the claim's outcome, wherever the retriever ranked it
            # ("No significant changes ... in abdominal sc adipose tissue").
            nulls = [
                (s, m)
                for s in ctx.sentences
                if s.label.upper() not in _BACKGROUND
                and (m := _null_about(s.text, claim_object))
                and len(claim_object & _governed(s.text, m)) >= 3
            ]
        if nulls:
            sentence, null = nulls[0]
            weight = len(claim_object & _governed(sentence.text, null))
            # A sentence stating the claimed direction of as much of the same outcome, of the same
            # agent, clears it ("GH secretion was increased" does not clear "pulse frequency unaltered").
            affirmed = any(
                name == claim_name and len(words & claim_object) >= weight
                for other in relevant
                if not NULL.search(other.text) and (about(other) or not about(sentence))
                for name, words in _directions(other.text)
                for claim_name, _ in claim_dirs
            )
            if not affirmed:
                return [
                    rules.finding(
                        "C012",
                        f"the claim states an effect, but the evidence reports '{null.group(0)}'",
                        reference=ctx.key,
                        evidence=ctx.quote([sentence]),
                    )
                ]
    # The claim denies what the evidence states ("lacked any antibodies" / "antibody was detected").
    if claim_null:
        denial = DENIAL.search(claim)
        # The evidence denies it too ("No serious adverse reactions were reported"): agreement.
        agreeing = [
            s
            for s in ctx.sentences
            if _negated(s.text) and len(claim_words & set(tokens(s.text))) >= max(2, 0.3 * len(claim_words))
        ]
        if agreeing or denial is None:
            return []
        for sentence in [s for s in relevant if s.label != "TITLE"][:2]:
            shared = claim_words & set(tokens(sentence.text))
            if len(shared) >= max(3, 0.3 * len(claim_words)):
                return [rules.finding(
                    "C012",
                    f"the claim says '{denial.group(0)}', but the evidence states it without negation",
                    reference=ctx.key, evidence=ctx.quote([sentence]))]
        return []
    # The opposite direction for the same outcome: the direction said of most of the claim's
    # outcome (and of the claim's agent, when the evidence names it) decides.
    for claim_name, claim_object in claim_dirs:
        if not claim_object:
            continue
        same_best, opposite_best, opposite = 0, 0, None
        for sentence in findings_about:
            if NULL.search(sentence.text):
                continue
            if not about(sentence) and any(about(s) for s in findings_about):
                continue
            for name, words in _directions(sentence.text):
                overlap = len(words & claim_object)
                if not overlap:
                    continue
                if name == claim_name:
                    same_best = max(same_best, overlap)
                elif name == _POLES[claim_name] and overlap > opposite_best:
                    opposite_best, opposite = overlap, sentence
        if opposite is not None and opposite_best > same_best:
            return [
                rules.finding(
                    "C012",
                    f"the claim says {claim_name}, the evidence reports the opposite direction "
                    f"({_POLES[claim_name]}) for the same outcome",
                    reference=ctx.key,
                    evidence=ctx.quote([opposite]),
                )
            ]
    # An antonym in the sentence the claim rests on ("mild" where the evidence says "severe").
    for sentence in relevant[:2]:
        antonym = _antonym(claim, sentence.text, claim_words)
        if antonym:
            return [rules.finding(
                "C012",
                f"the claim says '{antonym[0]}', the evidence says '{antonym[1]}'",
                reference=ctx.key, evidence=ctx.quote([sentence]))]
    return []
