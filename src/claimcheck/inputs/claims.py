"""Read `claims/*.yaml`, validating the schema node by node so every error has a line.

The file is composed (not constructed) with PyYAML, so each value keeps its position. Anchors
and aliases are refused: a claims file has no use for them and they are the vehicle of
"billion laughs" expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from claimcheck import rules
from claimcheck.errors import InputError, read_text_file
from claimcheck.model import Acceptance, Claim, Document

DOCUMENT_KEYS = ("title", "path", "url")
CLAIM_KEYS = ("id", "text", "cites", "subject", "section", "accept")
ACCEPT_KEYS = ("code", "reason")
TOP_KEYS = ("document", "claims")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_MAX_TEXT = 10_000
#: PyYAML reads about 1.5 MB/s; a claims file of 25,000 claims is under 5 MB.
MAX_CLAIMS_BYTES = 5_000_000
#: A claims file nests four levels; this is far beyond any real one.
_MAX_DEPTH = 50


@dataclass(frozen=True)
class ClaimsFile:
    path: str
    document: Document
    claims: tuple[Claim, ...]


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Node | None, message: str) -> InputError:
        line = node.start_mark.line + 1 if node is not None else None
        return InputError(self.path, line, message)

    def mapping(self, node: Node, what: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        result: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, f"{what}: keys must be plain words")
            key = key_node.value
            if key in result:
                raise self.fail(key_node, f"{what}: key '{key}' appears twice")
            if key not in allowed:
                raise self.fail(key_node, f"{what}: unknown key '{key}' (allowed: {', '.join(allowed)})")
            result[key] = value_node
        return result

    def string(self, node: Node, what: str) -> str:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            kind = (
                "a list"
                if isinstance(node, SequenceNode)
                else ("a mapping" if isinstance(node, MappingNode) else "not text")
            )
            if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:str":
                kind = f"'{node.value}', not text (quote it)"
            raise self.fail(node, f"{what} must be text; it is {kind}")
        if len(node.value) > _MAX_TEXT:
            raise self.fail(node, f"{what} is {len(node.value):,} characters; the limit is {_MAX_TEXT:,}")
        return node.value

    def string_list(self, node: Node, what: str) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return ()
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list, e.g. [key1, key2]")
        return tuple(self.string(item, f"{what} item") for item in node.value)

    def acceptances(self, node: Node, claim_id: str) -> tuple[Acceptance, ...]:
        """`accept: [{code: R011, reason: ...}]`: a finding code accepted for this claim, with why."""
        what = f"claim '{claim_id}': accept"
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list of {{code, reason}}")
        accepted = []
        for item in node.value:
            fields = self.mapping(item, f"{what} item", ACCEPT_KEYS)
            if "code" not in fields:
                raise self.fail(item, f"{what} item has no 'code'")
            code = self.string(fields["code"], f"{what} code")
            rule = rules.lookup(code)
            if rule is None:
                raise self.fail(fields["code"], f"{what}: unknown finding code '{code}'")
            reason = self.string(fields["reason"], f"{what} reason").strip() if "reason" in fields else ""
            if not reason:
                raise self.fail(item, f"{what} {rule.code}: a reason is required to accept a finding")
            accepted.append(
                Acceptance(rule.code, reason, claim=claim_id, file=self.path, line=item.start_mark.line + 1)
            )
        return tuple(accepted)


#: libyaml's parser when PyYAML has it (about 10 times faster on a 10,000-claim file).
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str, path: str) -> Node | None:
    if _FAST_LOADER is not None:
        try:
            return _compose_with(text, path, _FAST_LOADER)
        except (yaml.YAMLError, InputError):
            pass  # parse again in pure Python: its messages and lines are the ones users see
    return _compose_with(text, path, yaml.SafeLoader)


_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[\w.-]+\s*:\s+)?(?:-\s+)?(["'])""")


def _unclosed_quote(line: str) -> bool:
    """The line opens a quoted value that it does not close."""
    opening = _OPENING_QUOTE.match(line)
    if opening is None:
        return False
    quote, rest = opening.group(1), line[opening.end() :]
    if quote == '"':
        return re.search(r'(?<!\\)(?:\\\\)*"', rest) is None
    return rest.replace("''", "").count("'") % 2 == 0


def _malformed(text: str, path: str, exc: yaml.MarkedYAMLError) -> InputError:
    """A parse error at the line of its cause. An unterminated quote is where it opened: PyYAML
    notices it lines later ("expected <block end>") or at the end of the file."""
    problem, context = exc.problem_mark, exc.context_mark
    if exc.context and "quoted scalar" in exc.context and context is not None:
        message = "unterminated quoted text: the quote opened here is never closed"
        return InputError(path, context.line + 1, message)
    mark = problem or context
    if mark is not None:
        lines = text.splitlines()
        first = context.line if context is not None else 0
        for number in range(min(mark.line, len(lines) - 1), first - 1, -1):
            if _unclosed_quote(lines[number]):
                return InputError(
                    path,
                    number + 1,
                    "unterminated quoted text: the quote opened on this line is not closed on it "
                    f"(YAML reads on to line {mark.line + 1} and stops: {exc.problem or exc.context})",
                )
    line = mark.line + 1 if mark else None
    return InputError(path, line, f"malformed YAML: {exc.problem or exc.context}")


def _compose_with(text: str, path: str, loader_class: type) -> Node | None:
    try:
        # Walk the events first: refuse anchors/aliases before anything is built from them, and
        # nesting deep enough to exhaust the (recursive) composer.
        depth = 0
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise InputError(path, line, "anchors and aliases (&name, *name) are not allowed")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > _MAX_DEPTH:
                    line = event.start_mark.line + 1
                    raise InputError(path, line, f"nested more than {_MAX_DEPTH} levels deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise _malformed(text, path, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"malformed YAML: {exc}") from None
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(path, line, "a claims file holds one YAML document, not several") from None
    finally:
        loader.dispose()


def _key_line(mapping: Node, key: str) -> int:
    """The line a key of a mapping is written on (its value may start on the next), or 0."""
    return next((k.start_mark.line + 1 for k, _ in mapping.value if k.value == key), 0)


def load_claims(path: Path, display: str | None = None) -> ClaimsFile:
    """Parse and validate one claims file (cross-file checks such as cites are the project's)."""
    shown = display or str(path)
    text = read_text_file(path, what="claims file", display=shown, max_bytes=MAX_CLAIMS_BYTES)
    reader = _Reader(shown)
    root = _compose(text, shown)
    if root is None:
        raise InputError(shown, 1, "empty claims file: expected 'document' and 'claims'")
    top = reader.mapping(root, "claims file", TOP_KEYS)
    document = Document()
    if "document" in top:
        fields = reader.mapping(top["document"], "document", DOCUMENT_KEYS)
        document = Document(**{k: reader.string(v, f"document.{k}") for k, v in fields.items()})
    if "claims" not in top:
        raise reader.fail(root, "no 'claims' list")
    claims_node = top["claims"]
    if not isinstance(claims_node, SequenceNode):
        raise reader.fail(claims_node, "'claims' must be a list of claims")
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for item in claims_node.value:
        fields = reader.mapping(item, "claim", CLAIM_KEYS)
        line = item.start_mark.line + 1
        for required in ("id", "text"):
            if required not in fields:
                raise reader.fail(item, f"claim has no '{required}'")
        claim_id = reader.string(fields["id"], "claim id")
        if not _ID.match(claim_id):
            raise reader.fail(
                fields["id"], f"claim id '{claim_id}' must be letters, digits, '.', '_', ':' or '-'"
            )
        if claim_id in seen:
            raise reader.fail(
                fields["id"], f"duplicate claim id '{claim_id}' (first used at line {seen[claim_id]})"
            )
        seen[claim_id] = line
        text_value = reader.string(fields["text"], f"claim '{claim_id}': text").strip()
        if not text_value:
            raise reader.fail(fields["text"], f"claim '{claim_id}': text is empty")
        cites = (
            reader.string_list(fields["cites"], f"claim '{claim_id}': cites") if ("cites" in fields) else ()
        )
        claims.append(
            Claim(
                id=claim_id,
                text=text_value,
                cites=cites,
                subject=reader.string(fields["subject"], "subject") if "subject" in fields else "",
                section=reader.string(fields["section"], "section") if "section" in fields else "",
                file=shown,
                line=line,
                accepts=reader.acceptances(fields["accept"], claim_id) if "accept" in fields else (),
                cites_line=_key_line(item, "cites"),
            )
        )
    return ClaimsFile(path=shown, document=document, claims=tuple(claims))
