"""How politely, and how persistently, each service is asked.

A policy is frozen; the mutable pacing state lives in the client. Defaults follow the services'
published limits (../API_NOTES, docs/sources.md). Tests and impatient users shorten every
timing through the CLAIMCHECK_HTTP_* variables (`policy_from_env`), so a fault test can run the
real retry logic in milliseconds instead of weakening what it asserts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Policy:
    """Rate, retry budget and circuit breaker of one service."""

    #: Minimum seconds between two requests to the service.
    interval: float = 0.0
    concurrency: int = 1
    #: Retries after the first attempt, for every transient fault (see `retry.TRANSIENT`).
    retries: int = 4
    #: First backoff in seconds; doubled on each retry up to `backoff_max`, with jitter.
    backoff: float = 0.5
    backoff_max: float = 8.0
    #: Seconds one request may spend in all, retries and waits included (the time budget).
    budget: float = 90.0
    #: Longest Retry-After that is waited for; a longer one ends that request's retries.
    retry_after_cap: float = 60.0
    #: Consecutive 429s (across requests) after which the service cools down for `cooldown`.
    cooldown_after: int = 3
    #: Consecutive failed requests (each after its own retries) that open the circuit breaker.
    breaker_after: int = 3
    #: Seconds an open circuit waits before one probe request is let through (half-open).
    cooldown: float = 60.0
    timeout: float = 30.0
    #: Longest one attempt may take in all, body included (`timeout` bounds each socket read only).
    deadline: float = 120.0
    #: Largest body accepted, in bytes (after decompression).
    max_bytes: int = 64 * 2**20


#: Per-source defaults: Crossref polite list pool 3/s, NCBI 3/s without a key (10/s with),
#: OpenAlex 100/s, Semantic Scholar 1/s, DataCite ~3/s, doi.org and Europe PMC modest.
POLICIES: dict[str, Policy] = {
    "crossref": Policy(interval=0.34, concurrency=1),
    "pubmed": Policy(interval=0.34, concurrency=1),
    "idconv": Policy(interval=0.34, concurrency=1),
    "openalex": Policy(interval=0.02, concurrency=2),
    "semanticscholar": Policy(interval=1.0, concurrency=1),
    "europepmc": Policy(interval=0.2, concurrency=1),
    "datacite": Policy(interval=0.3, concurrency=1),
    "doiorg": Policy(interval=0.2, concurrency=1),
}

_ENV = (
    ("CLAIMCHECK_HTTP_TIMEOUT", "timeout", float),
    ("CLAIMCHECK_HTTP_RETRIES", "retries", int),
    ("CLAIMCHECK_HTTP_BACKOFF", "backoff", float),
    ("CLAIMCHECK_HTTP_BACKOFF_MAX", "backoff_max", float),
    ("CLAIMCHECK_HTTP_BUDGET", "budget", float),
    ("CLAIMCHECK_HTTP_RETRY_AFTER_CAP", "retry_after_cap", float),
    ("CLAIMCHECK_HTTP_INTERVAL", "interval", float),
    ("CLAIMCHECK_HTTP_COOLDOWN", "cooldown", float),
    ("CLAIMCHECK_HTTP_BREAKER_AFTER", "breaker_after", int),
    ("CLAIMCHECK_HTTP_DEADLINE", "deadline", float),
    ("CLAIMCHECK_HTTP_MAX_BYTES", "max_bytes", int),
)


def policy_from_env(base: Policy, env: Mapping[str, str] | None = None) -> Policy:
    """Overrides shared by every source (tests and impatient users): timeouts, retries, budgets."""
    env = os.environ if env is None else env
    changes: dict[str, Any] = {}
    for name, attr, kind in _ENV:
        if env.get(name):
            changes[attr] = kind(env[name])
    return replace(base, **changes) if changes else base
