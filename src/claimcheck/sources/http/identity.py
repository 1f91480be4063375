"""The user's identification (mailto, e-mail, api keys): sent, but never in keys, logs or reports."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

#: Parameter and header names that identify the user: ignored in cache keys, redacted in the
#: cache's stored requests and in every log line or error message.
SECRET_NAMES = (
    "mailto",
    "email",
    "tool",
    "api_key",
    "apikey",
    "x-api-key",
    "crossref-plus-api-token",
    "authorization",
)


def strip_query(query: str) -> str:
    """A query string without identifying parameters."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k.lower() not in SECRET_NAMES])


def redact(url: str) -> str:
    """The URL with identifying parameters removed, for logs and messages."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=strip_query(parts.query)))


def scrub(text: str, secrets: list[str]) -> str:
    """The text with every identification value (plain or URL-encoded) replaced."""
    for secret in secrets:
        value = str(secret).removeprefix("Bearer ")
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            if len(form) >= 4:
                text = text.replace(form, "[redacted]")
    return text


def snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
