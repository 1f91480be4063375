"""The checks that compare one claim with one cited record, each a small module of its own.

Every check takes the same `Context` (the claim, the record, its sentences and the sentences
ranked against the claim) and returns findings. A finding always quotes the evidence sentences
it rests on, so a reader can verify the flag without opening the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from claimcheck.model import Claim, Finding, Record
from claimcheck.verify.evidence import Scored, Sentence


@dataclass(frozen=True)
class Context:
    claim: Claim
    record: Record
    #: The bib key of the reference the record belongs to.
    key: str
    sentences: tuple[Sentence, ...]
    ranked: tuple[Scored, ...] = field(default=())

    @property
    def claim_text(self) -> str:
        """The claim as published plus the words the published text lost (`subject`)."""
        return f"{self.claim.subject}: {self.claim.text}" if self.claim.subject else self.claim.text

    @cached_property
    def record_text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def top(self) -> tuple[Sentence, ...]:
        """The best-ranked sentences that share at least one word with the claim."""
        return tuple(s.sentence for s in self.ranked if s.score > 0)

    def quote(
        self, sentences: tuple[Sentence, ...] | list[Sentence] | None = None, limit: int = 3
    ) -> tuple[str, ...]:
        chosen = list(dict.fromkeys(self.top if sentences is None else sentences))[:limit]
        return tuple(s.quoted() for s in chosen)

    @property
    def incomplete_note(self) -> str:
        """What a message must add when the record's abstract is cut short."""
        if self.record.abstract_complete:
            return ""
        return " (the abstract in this record is incomplete: the figure may be in the part left out)"


def has_word(pattern: str, text: str) -> bool:
    """Whether a word-bounded regex pattern occurs in text (case-insensitive)."""
    return re.search(rf"(?<![A-Za-z0-9]){pattern}(?![A-Za-z0-9])", text, re.IGNORECASE) is not None


__all__ = ["Context", "Finding", "has_word"]
