"""`claimcheck.toml`: project settings, validated so a typo is an error and not a silent default."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck import rules
from claimcheck.errors import InputError, read_text_file
from claimcheck.gate import parse_fail_on
from claimcheck.model import Acceptance

SOURCE_NAMES = (
    "local",
    "crossref",
    "pubmed",
    "openalex",
    "semanticscholar",
    "europepmc",
    "datacite",
    "doiorg",
)
_SCHEMA: dict[str, tuple[str, ...]] = {
    "check": ("fail_on",),
    "lock": ("path",),
    "engine": (
        "backend", "model", "model_path", "llm_url", "llm_model", "llm_api_key_env", "llm_timeout", "top_k",
    ),
    "cache": ("backend", "url"),
}
CACHE_BACKENDS = ("sqlite", "redis", "memory")
_ACCEPT_KEYS = ("code", "reason", "claim", "reference")
_SOURCE_KEYS = (
    "records", "base_url", "enabled", "mailto", "email", "tool", "api_key", "idconv_url", "index",
)
ENGINE_BACKENDS = ("default", "embedding", "nli", "llm")


@dataclass(frozen=True)
class EngineSettings:
    """`[engine]`: which claim-judging backend runs (see claimcheck.verify.engine)."""

    backend: str = "default"
    #: The claim-verification model: "" (the one shipped with claimcheck), "none", a path to an
    #: .onnx file, a Hugging Face model name, or "openai:MODEL@URL" (see claimcheck.verify.reader).
    model: str = ""
    #: A local folder holding the NLI / cross-encoder model (backend "nli").
    model_path: str = ""
    #: An OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (backend "llm").
    llm_url: str = ""
    llm_model: str = ""
    #: The environment variable holding the API key (the key itself never goes in the file).
    llm_api_key_env: str = "CLAIMCHECK_LLM_API_KEY"
    llm_timeout: float = 60.0
    #: How many evidence sentences are kept per cited record.
    top_k: int = 3


@dataclass(frozen=True)
class Config:
    fail_on: str = "error"
    lock_path: str = "claimcheck.lock"
    local_records: tuple[str, ...] = ()
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: `[[accept]]` tables: finding codes accepted for a claim or a reference, each with a reason.
    accepts: tuple[Acceptance, ...] = ()
    engine: EngineSettings = field(default_factory=EngineSettings)
    #: `[sources.local] index`: an on-disk index built by `claimcheck index build` (bulk dumps).
    local_index: str = ""
    #: `[cache] backend` (sqlite, redis, memory) and `url` (redis://host:port/db).
    cache_backend: str = "sqlite"
    cache_url: str = ""


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def _line_of(text: str, key: str, table: str = "") -> int | None:
    """The line where `key` is set inside `[table]` ("" for the top level, "sources.local"):
    an assignment `key = ...` (or a dotted `table.key = ...` above it), or a `[table.key]`
    header. Falls back to the first line holding the key anywhere."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
            if current == f"{table}.{key}".strip("."):
                return number
            continue
        assigned = re.match(r"^\s*([\w.\-\"' ]+?)\s*=", line)
        if assigned:
            name = re.sub(r"\s*\.\s*", ".", assigned.group(1)).replace('"', "").replace("'", "")
            if f"{current}.{name}".strip(".") == f"{table}.{key}".strip("."):
                return number
    for number, line in enumerate(text.splitlines(), start=1):
        if key in line:
            return number
    return None


def load_config(path: Path, display: str = "claimcheck.toml") -> Config:
    if not path.exists():
        return Config()
    text = read_text_file(path, what="configuration", display=display)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = str(exc)[: where.start()].strip() if where else str(exc)
        raise InputError(display, int(where.group(1)) if where else None,
                         f"malformed TOML: {message}") from None

    def unknown(section: str, key: str, allowed: tuple[str, ...]) -> InputError:
        table = "" if section == "top level" else section
        return InputError(
            display,
            _line_of(text, key, table),
            f"unknown key '{key}' in [{section}] (allowed: {', '.join(allowed)})",
        )

    for section, value in data.items():
        if section in ("sources", "accept"):
            continue
        if section not in _SCHEMA:
            raise unknown("top level", section, (*_SCHEMA, "sources", "accept"))
        for key in value:
            if key not in _SCHEMA[section]:
                raise unknown(section, key, _SCHEMA[section])
    sources: dict[str, dict[str, Any]] = {}
    for name, settings in data.get("sources", {}).items():
        if name not in SOURCE_NAMES:
            raise unknown("sources", name, SOURCE_NAMES)
        for key in settings:
            if key not in _SOURCE_KEYS:
                raise unknown(f"sources.{name}", key, _SOURCE_KEYS)
        sources[name] = dict(settings)
    fail_on = data.get("check", {}).get("fail_on", "error")
    if isinstance(fail_on, list):
        fail_on = " ".join(map(str, fail_on))
    try:
        if not isinstance(fail_on, str):
            raise ValueError("must be a string or a list of strings")
        parse_fail_on(fail_on)
    except ValueError as exc:
        raise InputError(display, _line_of(text, "fail_on", "check"), f"fail_on: {exc}") from None
    engine = _engine_settings(data.get("engine", {}), text, display)
    records = sources.get("local", {}).get("records", [])
    if isinstance(records, str):
        records = [records]
    local_index = sources.get("local", {}).get("index", "")
    if not isinstance(local_index, str):
        raise InputError(
            display,
            _line_of(text, "index", "sources.local"),
            "[sources.local] index must be a path (a string)",
        )
    cache = data.get("cache", {})
    backend = cache.get("backend", "sqlite")
    if backend not in CACHE_BACKENDS:
        raise InputError(
            display,
            _line_of(text, "backend", "cache"),
            f"[cache] backend must be one of {', '.join(CACHE_BACKENDS)}, not {backend!r}",
        )
    cache_url = cache.get("url", "")
    if backend == "redis" and not (isinstance(cache_url, str) and cache_url.startswith(("redis://", "rediss://",
                                                                                      "unix://"))):
        raise InputError(
            display, _line_of(text, "url", "cache") or _line_of(text, "backend", "cache"),
            "[cache] backend = \"redis\" needs url = \"redis://host:port/db\"",
        )
    return Config(
        fail_on=fail_on,
        lock_path=data.get("lock", {}).get("path", "claimcheck.lock"),
        local_records=tuple(records),
        sources=sources,
        accepts=_acceptances(data.get("accept", []), text, display),
        engine=engine,
        local_index=local_index,
        cache_backend=backend,
        cache_url=str(cache_url),
    )


def _engine_settings(data: dict[str, Any], text: str, display: str) -> EngineSettings:
    backend = data.get("backend", "default")
    if backend not in ENGINE_BACKENDS:
        raise InputError(display, _line_of(text, "backend", "engine"),
                         f"engine backend must be one of {', '.join(ENGINE_BACKENDS)}")
    for key in ("model", "model_path", "llm_url", "llm_model", "llm_api_key_env"):
        if not isinstance(data.get(key, ""), str):
            raise InputError(display, _line_of(text, key, "engine"), f"engine {key} must be a string")
    top_k = data.get("top_k", 3)
    if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= 20:
        raise InputError(
            display, _line_of(text, "top_k", "engine"), "engine top_k must be a whole number from 1 to 20"
        )
    timeout = data.get("llm_timeout", 60.0)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise InputError(
            display, _line_of(text, "llm_timeout", "engine"), "engine llm_timeout must be a positive number"
        )
    if backend == "llm" and not (data.get("llm_url") and data.get("llm_model")):
        raise InputError(
            display, _line_of(text, "backend", "engine"), "engine backend 'llm' needs llm_url and llm_model"
        )
    if backend == "nli" and not data.get("model_path"):
        raise InputError(
            display, _line_of(text, "backend", "engine"), "engine backend 'nli' needs model_path"
        )
    return EngineSettings(
        backend=backend,
        model=data.get("model", "").strip(),
        model_path=data.get("model_path", ""),
        llm_url=data.get("llm_url", ""),
        llm_model=data.get("llm_model", ""),
        llm_api_key_env=data.get("llm_api_key_env", "CLAIMCHECK_LLM_API_KEY"),
        llm_timeout=float(timeout),
        top_k=top_k,
    )


def _acceptances(tables: Any, text: str, display: str) -> tuple[Acceptance, ...]:
    """Validate `[[accept]]` tables; each names a code, a reason and one claim or reference."""
    if not isinstance(tables, list):
        raise InputError(display, _line_of(text, "accept"), "accept must be written as [[accept]] tables")
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[accept]]"]
    accepted = []
    for index, table in enumerate(tables):
        line = headers[index] if index < len(headers) else None
        if not isinstance(table, dict):
            raise InputError(display, line, "accept must be written as [[accept]] tables")
        for key in table:
            if key not in _ACCEPT_KEYS:
                raise InputError(display, line, f"unknown key '{key}' in [[accept]] (allowed: "
                                 f"{', '.join(_ACCEPT_KEYS)})")
        code = str(table.get("code", ""))
        rule = rules.lookup(code) if code else None
        if rule is None:
            raise InputError(display, line, f"[[accept]]: unknown or missing finding code '{code}'")
        reason = str(table.get("reason", "")).strip()
        if not reason:
            raise InputError(
                display, line, f"[[accept]] {rule.code}: a reason is required to accept a finding"
            )
        claim, reference = table.get("claim"), table.get("reference")
        if (claim is None) == (reference is None):
            raise InputError(
                display, line, f"[[accept]] {rule.code}: name exactly one claim or one reference"
            )
        accepted.append(Acceptance(rule.code, reason, claim=claim, reference=reference, file=display,
                                   line=line or 0))
    return tuple(accepted)
