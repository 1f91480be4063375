"""Errors that end a run with a message for the user instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input or usage (exit 3): always names the file and line it is about."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def read_text_file(path: Path, *, what: str, display: str | None = None, max_bytes: int = 50_000_000) -> str:
    """Read a UTF-8 text input, refusing binary, undecodable or oversized files clearly."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(shown, None, f"{what} not found") from None
    except OSError as exc:
        raise InputError(shown, None, f"cannot read {what}: {exc.strerror}") from None
    if size > max_bytes:
        raise InputError(shown, None, f"{what} is {size:,} bytes; the limit is {max_bytes:,}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(shown, None, f"cannot read {what}: {exc.strerror}") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(shown, line, f"{what} is a binary file, not text (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            shown, line, f"{what} is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        ) from None
    return text
