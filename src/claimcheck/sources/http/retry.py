"""Which faults are transient, how long to wait before the next attempt, and when to stop.

Every failed attempt becomes a `Fault` with a kind. Transient kinds are retried with exponential
backoff and jitter within the policy's attempt and time budgets; a 429's Retry-After replaces
the backoff (capped). An answer with status 200 is checked before it is trusted: an empty body,
an HTML page (maintenance pages and proxies answer 200 in HTML) and a JSON or XML body that
does not parse (truncated, cut) are transient faults like a 503, not answers.
"""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

from claimcheck.sources.http.policy import Policy

#: Every fault kind, as recorded in outages (`claimcheck.model.Outage.kind`).
KINDS = (
    "http-5xx",
    "rate-limited",
    "timeout",
    "reset",
    "cut-body",
    "slow-body",
    "html-page",
    "empty-body",
    "unparseable",
    "unreachable",
    "redirect-loop",
    "too-large",
    "http-4xx",
    "retry-after-too-long",
    "circuit-open",
    "unexpected-answer",
    "unsupported-agency",
    "error",
)
#: Kinds worth another attempt: the server may well answer properly in a moment.
TRANSIENT = frozenset(
    {
        "http-5xx",
        "rate-limited",
        "timeout",
        "reset",
        "cut-body",
        "slow-body",
        "html-page",
        "empty-body",
        "unparseable",
        "error",
    }
)
#: Kinds retried once only: no network or no such host rarely heals within seconds.
ONCE = frozenset({"unreachable"})


@dataclass(frozen=True)
class Fault:
    """Why one attempt gave no usable answer."""

    kind: str
    message: str
    status: int | None = None
    #: Seconds the server asked us to wait (429 Retry-After), when it said.
    retry_after: float | None = None

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT or self.kind in ONCE


def status_fault(response: requests.Response, where: str) -> Fault | None:
    """The fault a status means (None for 200 and 404, which are answers)."""
    status = response.status_code
    if status in (200, 404):
        return body_fault(response, where) if status == 200 else None
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Fault("rate-limited", f"HTTP 429 too many requests ({where})", status, retry_after)
    if status >= 500:
        return Fault("http-5xx", f"HTTP {status} ({where})", status)
    return Fault("http-4xx", f"HTTP {status} ({where})", status)


def body_fault(response: requests.Response, where: str) -> Fault | None:
    """A 200 that is no answer: empty, an HTML page, or JSON/XML that does not parse."""
    content_type = response.headers.get("Content-Type", "").lower()
    body = response.content.lstrip()
    if not body:
        return Fault("empty-body", f"an empty answer with status 200 ({where})", 200)
    head = body[:64].lower()
    if "html" in content_type or head.startswith((b"<!doctype html", b"<html")):
        # No API of ours answers 200 in HTML: a maintenance page, a proxy or a captive portal.
        return Fault("html-page", f"an HTML page instead of data ({where})", 200)
    try:
        if "json" in content_type or body[:1] in (b"{", b"["):
            json.loads(body)
        elif "xml" in content_type or body[:1] == b"<":
            ET.fromstring(body)
    except (ValueError, ET.ParseError) as exc:
        return Fault("unparseable", f"an unparseable answer ({where}): {type(exc).__name__}", 200)
    return None


def backoff(policy: Policy, retry: int, rng: random.Random | None = None) -> float:
    """Seconds before retry number `retry` (1-based): exponential, capped, with jitter."""
    base = min(policy.backoff_max, policy.backoff * 2 ** (retry - 1))
    return base * (0.5 + (rng or random).random() / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
