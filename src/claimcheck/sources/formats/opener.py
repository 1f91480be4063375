"""Open a records file for streaming, uncompressing `.gz` on the fly (dumps ship gzipped)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO


def open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def open_text(path: Path) -> IO[str]:
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig")


def suffixes(path: Path) -> str:
    """The format suffix, under any `.gz`: `works.jsonl.gz` → `.jsonl`."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    return Path(name).suffix.lower()
