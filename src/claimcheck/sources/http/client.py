"""The client every adapter calls: cache first, then paced attempts under retry and breaker.

Adapters only build URLs and parse bodies; this is where a flaky service costs time instead of
verdicts. A request is retried on every transient fault (`retry.TRANSIENT`) within its attempt
and time budget; a service is declared down only by its circuit breaker (`breaker.Breaker`),
never by one unlucky request. Anything that cannot be answered raises SourceUnavailable with the
last status and the fault's kind: the caller records an outage, never a verdict.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import requests_cache

from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.http.breaker import Breaker, CircuitOpen
from claimcheck.sources.http.cache import LIFETIMES, cached_session, fresh
from claimcheck.sources.http.identity import redact, scrub, snippet
from claimcheck.sources.http.policy import POLICIES, Policy, policy_from_env
from claimcheck.sources.http.retry import ONCE, Fault, backoff, status_fault
from claimcheck.sources.http.transport import MAX_REDIRECTS, USER_AGENT, send, without_identity_elsewhere

log = logging.getLogger("claimcheck.http")

#: Cache keys of the answers fetched inside the current `kept_if_parsed` block.
_FETCHED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("fetched", default=None)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer the adapter may parse: 200 or 404 (anything else became an outage)."""

    source: str
    status: int
    text: str
    headers: Mapping[str, str]
    url: str
    from_cache: bool = False
    #: Opaque handle for `Http.set_lifetime` (the cache key), empty when not cached.
    cache_key: str = ""

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise SourceUnavailable(
                self.source, f"unparseable JSON from {self.url}: {exc}", self.status, "unparseable"
            ) from None


@dataclass
class _State:
    """Mutable per-source pacing state and breaker (the policy itself is frozen)."""

    policy: Policy
    breaker: Breaker
    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(1))
    next_at: float = 0.0
    interval: float = 0.0


class Http:
    """A cached, polite, persistent HTTP client shared by all sources of one run."""

    def __init__(
        self,
        cache_path: Path | None = None,
        policies: Mapping[str, Policy] | None = None,
        identity: Mapping[str, tuple[Mapping[str, str], Mapping[str, str]]] | None = None,
        sleep: Any = time.sleep,
        redis_url: str = "",
        seed: int | None = None,
    ) -> None:
        self._policies = dict(POLICIES if policies is None else policies)
        self._states: dict[str, _State] = {}
        self._states_lock = threading.Lock()
        #: source -> (query params, headers) that identify the user; never part of a cache key.
        self._identity = {k: (dict(v[0]), dict(v[1])) for k, v in (identity or {}).items()}
        self._sleep = sleep
        self._random = random.Random(seed)
        #: Requests that went over the network, by source (cache hits are not counted).
        self.sent: Counter[str] = Counter()
        #: Attempts that were retried, by source and fault kind (what flakiness cost).
        self.retried: Counter[tuple[str, str]] = Counter()
        spelled = {name for _, headers in self._identity.values() for name in headers}
        self._session, self.cache_path, self.redis_url = cached_session(cache_path, redis_url, spelled)
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.max_redirects = MAX_REDIRECTS
        self._session.rebuild_auth = without_identity_elsewhere(self._session.rebuild_auth, spelled)

    def close(self) -> None:
        self._session.close()

    @contextlib.contextmanager
    def kept_if_parsed(self) -> Iterator[None]:
        """Answers fetched inside the block stay cached only if the block ends without an error.

        Adapters parse after the HTTP layer stored a 200; a reply they could not use (malformed,
        truncated, wrong shape) must not be served again from the cache for days.
        """
        fetched: list[str] = []
        token = _FETCHED.set(fetched)
        try:
            yield
        except BaseException:
            self._forget(fetched)
            raise
        finally:
            _FETCHED.reset(token)

    def _forget(self, keys: list[str]) -> None:
        if keys and isinstance(self._session, requests_cache.CachedSession):
            with contextlib.suppress(Exception):
                self._session.cache.delete(*keys)

    def _state(self, source: str) -> _State:
        with self._states_lock:
            if source not in self._states:
                policy = policy_from_env(self._policies.get(source, Policy()))
                breaker = Breaker(policy.breaker_after, policy.cooldown)
                state = _State(policy=policy, breaker=breaker, interval=policy.interval)
                state.slots = threading.Semaphore(max(1, policy.concurrency))
                self._states[source] = state
            return self._states[source]

    def is_down(self, source: str) -> bool:
        """Is the service's circuit open right now (asking would fail at once)?"""
        state = self._states.get(source)
        return bool(state and state.breaker.is_open and time.monotonic() < state.breaker.open_until)

    def get(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        kind: str = "found",
    ) -> Reply:
        return self.request(source, "GET", url, params=params, headers=headers, kind=kind)

    def post(
        self,
        source: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        kind: str = "found",
    ) -> Reply:
        return self.request(
            source, "POST", url, params=params, data=data, json_body=json_body, headers=headers, kind=kind
        )

    def request(
        self,
        source: str,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        kind: str = "found",
    ) -> Reply:
        """One answer (200 or 404), from the cache when fresh; SourceUnavailable otherwise."""
        id_params, id_headers = self._identity.get(source, ({}, {}))
        all_params = {**(params or {}), **id_params}
        all_headers = {**(headers or {}), **id_headers}
        if data is not None and method == "POST" and source == "pubmed":
            # E-utilities POSTs carry everything in the form body.
            data, all_params = {**data, **all_params}, {}
        kwargs: dict[str, Any] = {"params": all_params, "headers": all_headers}
        if data is not None:
            kwargs["data"] = data
        if json_body is not None:
            kwargs["json"] = json_body
        lifetime = LIFETIMES.get(kind, LIFETIMES["found"])
        shown = redact(requests.Request(method, url, params=params or {}).prepare().url or url)
        where = urlunsplit(urlsplit(url)._replace(query="", fragment=""))  # for messages: no query
        cached = self._session.request(method, url, only_if_cached=True, expire_after=lifetime, **kwargs)
        if (
            getattr(cached, "from_cache", False)
            and cached.status_code in (200, 404)
            and fresh(cached, lifetime)
        ):
            log.debug("cache hit %s %s", method, shown)
            return self._reply(source, cached, shown, True)
        state = self._state(source)
        # The slot is held through retries: requests queued behind a failing one see its
        # outcome (an open circuit) instead of each spending its own retries on a dead service.
        with state.slots:
            try:
                return self._send(source, method, url, kwargs, lifetime, shown, where, state)
            except SourceUnavailable:
                raise
            except BaseException:
                state.breaker.end_probe()  # whatever went wrong here, the circuit must not stay wedged
                raise

    def _send(
        self,
        source: str,
        method: str,
        url: str,
        kwargs: dict[str, Any],
        lifetime: timedelta,
        shown: str,
        where: str,
        state: _State,
    ) -> Reply:
        """Send (paced, retried within the budget) while holding one of the source's slots."""
        policy, breaker = state.policy, state.breaker
        started = time.monotonic()
        waited = 0.0  # counted apart from the clock: `sleep` may be a test's fake
        tries = 0
        probe = False
        while True:
            try:
                # The probe spends its own retries; any other request checks the circuit each time.
                probe = probe or breaker.allow()
            except CircuitOpen as exc:
                raise SourceUnavailable(source, str(exc), None, "circuit-open") from None
            self._pace(state)
            self.sent[source] += 1
            tries += 1
            log.debug("%s %s (attempt %d)", method, shown, tries)
            outcome = send(
                self._session,
                method,
                url,
                policy,
                where,
                expire_after=lifetime,
                force_refresh=True,
                **kwargs,
            )
            if isinstance(outcome, Fault):
                fault = outcome
            else:
                self._learn_rate(state, outcome.headers)
                found = status_fault(outcome, where)
                if found is None:
                    breaker.succeeded()
                    reply = self._reply(source, outcome, shown, False)
                    if reply.status == 404:
                        self.set_lifetime(reply, "not-found")
                    return reply
                fault = found
                if outcome.status_code == 200:  # stored by requests-cache, but no answer
                    self._forget([self._reply(source, outcome, shown, False).cache_key])
                if fault.kind == "http-4xx":
                    # The service is up and refuses this request: no retry, no breaker.
                    breaker.succeeded()
                    raise self._refused(source, outcome, where)
            if fault.kind == "rate-limited":
                if breaker.rate_limited(policy.cooldown_after):
                    raise SourceUnavailable(source, f"{fault.message}; cooling down", 429, "rate-limited")
            else:
                breaker.answered()
            wait = backoff(policy, tries, self._random)
            stop = ""
            if fault.retry_after is not None:
                if fault.retry_after > policy.retry_after_cap:
                    stop = f"Retry-After {fault.retry_after:.0f}s exceeds the cap"
                wait = min(fault.retry_after, policy.retry_after_cap)
            if not fault.transient:
                stop = stop or "not worth retrying"
            elif tries > (1 if fault.kind in ONCE else policy.retries):
                stop = f"gave up after {tries} attempt(s)"
            elif max(time.monotonic() - started, waited) + wait > policy.budget:
                stop = f"gave up after {tries} attempt(s) ({policy.budget:g}s budget spent)"
            if stop:
                kind = "retry-after-too-long" if stop.startswith("Retry-After") else fault.kind
                message = f"{fault.message}; {stop}"
                breaker.failed(message, probe)
                raise SourceUnavailable(source, message, fault.status, kind)
            self.retried[(source, fault.kind)] += 1
            log.info("%s: %s; retrying in %.2fs", source, fault.message, wait)
            waited += wait
            self._sleep(wait)

    def _refused(self, source: str, response: requests.Response, where: str) -> SourceUnavailable:
        # Error bodies often echo the request: keep the identification out of the reason
        # (scrubbed before clipping, so no half of a key survives the cut).
        id_params, id_headers = self._identity.get(source, ({}, {}))
        body = snippet(scrub(response.text, [*id_params.values(), *id_headers.values()]))
        status = response.status_code
        return SourceUnavailable(source, f"HTTP {status} ({where}): {body}", status, "http-4xx")

    def _pace(self, state: _State) -> None:
        with state.lock:
            now = time.monotonic()
            delay = state.next_at - now
            state.next_at = max(now, state.next_at) + state.interval
        if delay > 0:
            self._sleep(delay)

    @staticmethod
    def _learn_rate(state: _State, headers: Mapping[str, str]) -> None:
        """Slow down to what the source announces (Crossref x-rate-limit-*), never speed up."""
        limit, interval = headers.get("x-rate-limit-limit"), headers.get("x-rate-limit-interval")
        try:
            if limit and interval:
                announced = float(interval.rstrip("s")) / float(limit)
                state.interval = max(state.interval, announced)
        except ValueError:
            pass

    def _reply(self, source: str, response: requests.Response, shown: str, from_cache: bool) -> Reply:
        key = getattr(response, "cache_key", "") or ""
        if not key and isinstance(self._session, requests_cache.CachedSession):
            key = self._session.cache.create_key(response.request)
        fetched = _FETCHED.get()
        if not from_cache and key and fetched is not None:
            fetched.append(key)
        return Reply(
            source=source,
            status=response.status_code,
            text=response.text,
            headers=dict(response.headers),
            url=shown,
            from_cache=from_cache,
            cache_key=key,
        )

    def set_lifetime(self, reply: Reply, kind: str) -> None:
        """Shorten (or lengthen) how long a stored answer lives, once its content is known.

        A batch answer that lacks some of the asked identifiers is a not-found for those, so it
        gets the short lifetime; a cache hit keeps the expiry it was stored with.
        """
        if (
            reply.from_cache
            or not reply.cache_key
            or not isinstance(self._session, requests_cache.CachedSession)
        ):
            return
        cache = self._session.cache
        stored = cache.get_response(reply.cache_key)
        if stored is None:
            return
        cache.save_response(
            stored,
            cache_key=reply.cache_key,
            expires=datetime.now(UTC) + LIFETIMES.get(kind, LIFETIMES["found"]),
        )
