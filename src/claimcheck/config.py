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
}
_SOURCE_KEYS = ("records", "base_url", "enabled", "mailto", "email", "tool", "api_key", "idconv_url")
FAIL_ON_CHOICES = ("error", "warning", "info", "never")


@dataclass(frozen=True)
class Config:
    fail_on: str = "error"
    lock_path: str = "claimcheck.lock"
    local_records: tuple[str, ...] = ()
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)


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
    records = sources.get("local", {}).get("records", [])
    if isinstance(records, str):
        records = [records]
    return Config(
        fail_on=fail_on,
        lock_path=data.get("lock", {}).get("path", "claimcheck.lock"),
        local_records=tuple(records),
        sources=sources,
    )
