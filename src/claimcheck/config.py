"""`claimcheck.toml`: project settings, validated so a typo is an error and not a silent default."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimcheck.errors import InputError, read_text_file

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
    "engine": ("backend", "model_path", "llm_url", "llm_model", "llm_api_key_env", "llm_timeout", "top_k"),
}
ENGINE_BACKENDS = ("default", "embedding", "nli", "llm")
_SOURCE_KEYS = ("records", "base_url", "enabled", "mailto", "email", "tool", "api_key")
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class EngineSettings:
    """`[engine]`: which claim-judging backend runs (see claimcheck.verify.engine)."""

    backend: str = "default"
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
    engine: EngineSettings = field(default_factory=EngineSettings)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def load_config(path: Path, display: str = "claimcheck.toml") -> Config:
    if not path.exists():
        return Config()
    text = read_text_file(path, what="configuration", display=display)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(
            display, line, f"malformed TOML: {exc.msg if hasattr(exc, 'msg') else exc}"
        ) from None

    def unknown(section: str, key: str, allowed: tuple[str, ...]) -> InputError:
        return InputError(
            display,
            _line_of(text, key),
            f"unknown key '{key}' in [{section}] (allowed: {', '.join(allowed)})",
        )

    for section, value in data.items():
        if section == "sources":
            continue
        if section not in _SCHEMA:
            raise unknown("top level", section, (*_SCHEMA, "sources"))
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
    if fail_on not in FAIL_ON_CHOICES:
        raise InputError(
            display, _line_of(text, "fail_on"), f"fail_on must be one of {', '.join(FAIL_ON_CHOICES)}"
        )
    engine = _engine_settings(data.get("engine", {}), text, display)
    records = sources.get("local", {}).get("records", [])
    if isinstance(records, str):
        records = [records]
    return Config(
        fail_on=fail_on,
        lock_path=data.get("lock", {}).get("path", "claimcheck.lock"),
        local_records=tuple(records),
        sources=sources,
        engine=engine,
    )


def _engine_settings(data: dict[str, Any], text: str, display: str) -> EngineSettings:
    backend = data.get("backend", "default")
    if backend not in ENGINE_BACKENDS:
        raise InputError(display, _line_of(text, "backend"),
                         f"engine backend must be one of {', '.join(ENGINE_BACKENDS)}")
    for key in ("model_path", "llm_url", "llm_model", "llm_api_key_env"):
        if not isinstance(data.get(key, ""), str):
            raise InputError(display, _line_of(text, key), f"engine {key} must be a string")
    top_k = data.get("top_k", 3)
    if not isinstance(top_k, int) or isinstance(top_k, bool) or not 1 <= top_k <= 20:
        raise InputError(display, _line_of(text, "top_k"), "engine top_k must be a whole number from 1 to 20")
    timeout = data.get("llm_timeout", 60.0)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        raise InputError(
            display, _line_of(text, "llm_timeout"), "engine llm_timeout must be a positive number"
        )
    if backend == "llm" and not (data.get("llm_url") and data.get("llm_model")):
        raise InputError(
            display, _line_of(text, "backend"), "engine backend 'llm' needs llm_url and llm_model"
        )
    if backend == "nli" and not data.get("model_path"):
        raise InputError(display, _line_of(text, "backend"), "engine backend 'nli' needs model_path")
    return EngineSettings(
        backend=backend,
        model_path=data.get("model_path", ""),
        llm_url=data.get("llm_url", ""),
        llm_model=data.get("llm_model", ""),
        llm_api_key_env=data.get("llm_api_key_env", "CLAIMCHECK_LLM_API_KEY"),
        llm_timeout=float(timeout),
        top_k=top_k,
    )
