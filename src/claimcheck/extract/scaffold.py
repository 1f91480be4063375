"""Write the claims scaffold, or append to a claims file without touching what a person wrote.

Merging is done on the file's text, not by loading and re-dumping it: the existing bytes
(entries, their order, comments, quoting, key order) are kept exactly, and the new entries are
inserted after the last existing claim, in document order. Which sentences are new is decided
by the same comparison `claimcheck check` uses for D002, so after a merge `check` reports no
uncovered sentence, and a second run appends nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from claimcheck.errors import InputError
from claimcheck.extract.cites import Citations, CiteFinder
from claimcheck.extract.ids import unique_id
from claimcheck.extract.worthiness import assess
from claimcheck.inputs.claims import load_claims
from claimcheck.inputs.documents import DocumentText, Sentence
from claimcheck.model import Claim, Entry
from claimcheck.verify.drift import compare

SUGGESTED = "suggested by topic, review"
FROM_MARKERS = "from the document's citation markers"


@dataclass(frozen=True)
class Proposal:
    """One new claim entry: the sentence, its id, its cites and why it was picked."""

    id: str
    sentence: Sentence
    citations: Citations
    reasons: tuple[str, ...]


def propose(
    document: DocumentText,
    entries: Sequence[Entry],
    existing: Sequence[Claim] = (),
) -> list[Proposal]:
    """Entries for the check-worthy sentences no existing claim holds, in document order."""
    finder = CiteFinder(entries, document.reference_list, [s.text for s in document.sentences])
    taken = {claim.id for claim in existing}
    proposals = []
    for sentence in compare(existing, document).uncovered:
        claim_id = unique_id(sentence.text, taken)
        taken.add(claim_id)
        reasons = assess(sentence.text, sentence.kind).reasons
        proposals.append(Proposal(claim_id, sentence, finder.for_sentence(sentence), reasons))
    return proposals


def _quote(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


_PLAIN = re.compile(r"^[A-Za-z0-9][\w ./()'?,+-]*$")


def _scalar(value: str) -> str:
    """Plain when YAML reads it back as the same text (sections, paths), else double-quoted."""
    if _PLAIN.match(value) and not value.endswith(" ") and yaml.safe_load(f"k: {value}") == {"k": value}:
        return value
    return _quote(value)


def render_entry(proposal: Proposal, indent: int = 2) -> str:
    pad = " " * indent
    lines = [f"{pad}- id: {proposal.id}", f"{pad}  text: {_quote(proposal.sentence.text)}"]
    if proposal.sentence.section:
        lines.append(f"{pad}  section: {_scalar(proposal.sentence.section)}")
    citations = proposal.citations
    if citations.cited:
        comment = FROM_MARKERS
        if citations.unknown:
            comment += f"; not in the bibliography: {', '.join(citations.unknown)}"
        lines.append(f"{pad}  cites: [{', '.join(citations.cited)}]  # {comment}")
    elif citations.unknown:
        lines.append(f"{pad}  cites: []  # markers not in the bibliography: {', '.join(citations.unknown)}")
    elif citations.suggested:
        lines.append(f"{pad}  cites: []  # {SUGGESTED}: {', '.join(citations.suggested)}")
    else:
        lines.append(f"{pad}  cites: []")
    return "\n".join(lines) + "\n"


def render_new(document: DocumentText, document_path: str, proposals: Sequence[Proposal]) -> str:
    """A whole claims file for a document that has none yet."""
    lines = [
        f"# Claims of {_quote(document.title) if document.title else document_path}, "
        "scaffolded by `claimcheck extract`.",
        "# Review each entry: `text` is the document's sentence verbatim; cites marked",
        f"# '{SUGGESTED}' are leads from title words, not evidence: move the right keys into",
        "# `cites` and delete the comment.",
        "document:",
    ]
    if document.title:
        lines.append(f"  title: {_scalar(document.title)}")
    lines.append(f"  path: {_scalar(document_path)}")
    if not proposals:
        lines.append("claims: []")
        return "\n".join(lines) + "\n"
    lines.append("claims:")
    return "\n".join(lines) + "\n" + "".join(render_entry(p) for p in proposals)


def _last_scalar(node: Node) -> Node:
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _claims_node(text: str) -> SequenceNode:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, MappingNode)  # load_claims_text has validated the file
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "claims":
            assert isinstance(value, SequenceNode)
            return value
    raise AssertionError("validated claims file has a claims list")


def merge(text: str, display: str, proposals: Sequence[Proposal]) -> str:
    """`text` with entries for `proposals` inserted after its last claim; every other byte kept."""
    if not proposals:
        return text
    node = _claims_node(text)
    if node.flow_style:
        if node.value:
            raise InputError(
                display,
                node.start_mark.line + 1,
                "cannot append to a claims list written in flow style ([...]); write it as a block list",
            )
        block = "\n" + "".join(render_entry(p) for p in proposals)
        start, end = node.start_mark.index, node.end_mark.index
        rest = text[end:]
        tail = rest if rest.startswith("\n") else "\n" + rest
        return text[:start].rstrip(" ") + block.rstrip("\n") + tail
    last_item = node.value[-1]
    indent = max(last_item.start_mark.column - 2, 0)
    if text[last_item.start_mark.index - 2 : last_item.start_mark.index] != "- ":
        indent = _dash_column(text, last_item.start_mark.index)
    end = _last_scalar(last_item).end_mark.index
    if end > 0 and text[end - 1] != "\n":
        newline = text.find("\n", end)  # keep the rest of the line (a trailing comment)
        end = len(text) if newline < 0 else newline + 1
    head = text[:end]
    if not head.endswith("\n"):
        head += "\n"
    return head + "".join(render_entry(p, indent) for p in proposals) + text[end:]


def _dash_column(text: str, index: int) -> int:
    line_start = text.rfind("\n", 0, index) + 1
    match = re.match(r"\s*", text[line_start:index])
    return len(match.group()) if match else 0


def existing_claims(path: Path, display: str) -> tuple[Claim, ...]:
    """The claims a person already wrote (validated: a broken file is an InputError, not merged)."""
    return load_claims(path, display=display).claims
