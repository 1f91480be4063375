"""The one HTTP layer every live source goes through: cache, pacing, retries, identification.

Why one layer: politeness (rate, concurrency, Retry-After, cool-down) and the cache have to be
right once, not once per adapter, and secrets (mailto, email, api keys) must stay out of cache
keys, logs, the lock and reports in a single place. Adapters only build URLs and parse bodies.

- Cache: requests-cache, SQLite, in the user cache directory (see `default_cache_path`).
  Lifetimes by kind: found records long, not-found answers and status checks short. Errors,
  429s and 5xx are never cached (only 200 and 404 are storable).
- Policy per source: minimum interval between requests, a concurrency bound, bounded retries
  with exponential backoff on timeouts / connection errors / 5xx / 429, Retry-After honoured up
  to a cap, and a cool-down after repeated 429s during which the source is not asked at all.
- Anything that cannot be answered raises SourceUnavailable: the caller records an outage,
  never a verdict.
- Bounds on hostile or broken servers: each attempt has a total deadline that includes reading
  the body (a slow drip cannot hold a run), the body has a size cap, redirects are limited, a
  200 that is an HTML page is an error page, and answers fetched inside `kept_if_parsed` are
  dropped from the cache when the caller could not parse them (a faulty answer is never reused).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

import requests
import requests_cache

from claimcheck import __version__
from claimcheck.sources.base import SourceUnavailable

log = logging.getLogger("claimcheck.http")

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

#: How long an answer of each kind is reused.
LIFETIMES: dict[str, timedelta] = {
    "found": timedelta(days=30),
    "not-found": timedelta(days=1),
    "status": timedelta(days=1),
    "search": timedelta(days=7),
    "routing": timedelta(days=90),
}

USER_AGENT = f"claimcheck/{__version__} (reference auditing; python-requests)"
#: Redirects followed per request (requests' default of 30 lets a loop run long).
MAX_REDIRECTS = 5
#: Cache keys of the answers fetched inside the current `kept_if_parsed` block.
_FETCHED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("fetched", default=None)


class BodyRefused(requests.RequestException):
    """A body that was too large or too slow to arrive: an outage, never cached."""


@dataclass(frozen=True)
class Policy:
    """How politely one source is asked. Defaults follow ../API_NOTES (see docs/sources.md)."""

    #: Minimum seconds between two requests to the source.
    interval: float = 0.0
    concurrency: int = 1
    #: Retries after the first attempt (timeouts, connection errors, 5xx, 429).
    retries: int = 3
    #: First backoff in seconds; doubled on each retry, with jitter.
    backoff: float = 1.0
    #: Longest Retry-After that is honoured; a longer one is treated as an outage.
    retry_after_cap: float = 60.0
    #: Consecutive 429s after which the source cools down (is not asked) for `cooldown` seconds.
    cooldown_after: int = 3
    cooldown: float = 120.0
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


def policy_from_env(base: Policy, env: Mapping[str, str] | None = None) -> Policy:
    """Overrides shared by every source (tests and impatient users): timeout, retries, backoff."""
    env = os.environ if env is None else env
    changes: dict[str, Any] = {}
    for name, attr, kind in (
        ("CLAIMCHECK_HTTP_TIMEOUT", "timeout", float),
        ("CLAIMCHECK_HTTP_RETRIES", "retries", int),
        ("CLAIMCHECK_HTTP_BACKOFF", "backoff", float),
        ("CLAIMCHECK_HTTP_RETRY_AFTER_CAP", "retry_after_cap", float),
        ("CLAIMCHECK_HTTP_INTERVAL", "interval", float),
        ("CLAIMCHECK_HTTP_COOLDOWN", "cooldown", float),
        ("CLAIMCHECK_HTTP_DEADLINE", "deadline", float),
        ("CLAIMCHECK_HTTP_MAX_BYTES", "max_bytes", int),
    ):
        if env.get(name):
            changes[attr] = kind(env[name])
    return replace(base, **changes) if changes else base


def default_cache_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The SQLite cache file: $CLAIMCHECK_CACHE_DIR, else the user cache directory.

    A user-level cache (not one in the project) is shared by every project, never committed by
    accident, and never mixed into a repository's diffs. CLAIMCHECK_CACHE=off disables it.
    """
    env = os.environ if env is None else env
    if env.get("CLAIMCHECK_CACHE", "").lower() in {"off", "0", "no", "false"}:
        return None
    if env.get("CLAIMCHECK_CACHE_DIR"):
        return Path(env["CLAIMCHECK_CACHE_DIR"]) / "http-cache.sqlite"
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimcheck")) / "http-cache.sqlite"


def _redis_cache(url: str) -> Any:
    """requests-cache's Redis backend on `url` (redis://host:port/db), checked with a PING."""
    import redis  # optional: pip install 'claimcheck[redis]'

    connection = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
    connection.ping()
    return requests_cache.RedisCache(namespace="claimcheck", connection=connection)


def redact(url: str) -> str:
    """The URL with identifying parameters removed, for logs and messages."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SECRET_NAMES
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


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
            raise SourceUnavailable(self.source, f"unparseable JSON from {self.url}: {exc}") from None


@dataclass
class _State:
    """Mutable per-source pacing state (the policy itself is frozen)."""

    policy: Policy
    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(1))
    next_at: float = 0.0
    interval: float = 0.0
    consecutive_429: int = 0
    cool_until: float = 0.0
    #: Why the source is considered down for the rest of the run ("" while it answers).
    down: str = ""


class Http:
    """A cached, polite HTTP client shared by all sources of one run."""

    def __init__(
        self,
        cache_path: Path | None = None,
        policies: Mapping[str, Policy] | None = None,
        identity: Mapping[str, tuple[Mapping[str, str], Mapping[str, str]]] | None = None,
        sleep: Any = time.sleep,
        redis_url: str = "",
    ) -> None:
        self._policies = dict(POLICIES if policies is None else policies)
        self._states: dict[str, _State] = {}
        self._states_lock = threading.Lock()
        #: source -> (query params, headers) that identify the user; never part of a cache key.
        self._identity = {k: (dict(v[0]), dict(v[1])) for k, v in (identity or {}).items()}
        self._sleep = sleep
        #: Requests that went over the network, by source (cache hits are not counted).
        self.sent: Counter[str] = Counter()
        # requests-cache redacts header names as spelled: add each identity header's own spelling
        # (Crossref-Plus-API-Token was stored in the cache as it was sent).
        spelled = {name for _, headers in self._identity.values() for name in headers}
        ignored = tuple(
            {n for n in SECRET_NAMES} | {n.title() for n in SECRET_NAMES} | {"X-API-Key"} | spelled
        )
        settings: dict[str, Any] = {
            "allowable_codes": (200, 404),
            "allowable_methods": ("GET", "POST"),
            "ignored_parameters": ignored,
            "match_headers": False,
            "expire_after": LIFETIMES["found"],
            "key_fn": _key_without_identity,
        }
        self.cache_path = cache_path
        #: The shared cache's URL when answers live in Redis (several machines, one budget).
        self.redis_url = ""
        if redis_url:
            try:
                backend = _redis_cache(redis_url)
                self._session = requests_cache.CachedSession(backend=backend, **settings)
                self.redis_url = redis_url
                cache_path = self.cache_path = None
            except Exception as exc:  # no redis package, server down, bad URL: cache for this run only
                where = urlsplit(redis_url)
                log.warning(
                    "cannot use the Redis cache on %s:%s (%s); caching in memory",
                    where.hostname,
                    where.port or 6379,
                    type(exc).__name__,
                )
                cache_path = self.cache_path = None
        if cache_path is not None:
            try:
                cache_path.parent.mkdir(parents=True, exist_ok=True)
                self._session: requests.Session = requests_cache.CachedSession(
                    str(cache_path), backend="sqlite", **settings
                )
            except (OSError, sqlite3.Error) as exc:
                # A read-only home (some CI runners) must not stop a run: cache for this run only.
                log.warning("cannot use the HTTP cache at %s (%s); caching in memory", cache_path, exc)
                self.cache_path = None
        if self.cache_path is None and not self.redis_url:
            self._session = requests_cache.CachedSession(backend="memory", **settings)
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.max_redirects = MAX_REDIRECTS
        self._session.rebuild_auth = _without_identity_elsewhere(self._session.rebuild_auth, spelled)

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
                state = _State(policy=policy, interval=policy.interval)
                state.slots = threading.Semaphore(max(1, policy.concurrency))
                self._states[source] = state
            return self._states[source]

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
            and _fresh(cached, lifetime)
        ):
            log.debug("cache hit %s %s", method, shown)
            return self._reply(source, cached, shown, True)
        state = self._state(source)
        # The slot is held through retries: requests queued behind one that is failing see its
        # outcome (down, cooling) instead of each spending its own retries on a failing service.
        with state.slots:
            return self._send(source, method, url, kwargs, lifetime, shown, where, state)

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
        """Send (paced, retried) while holding one of the source's concurrency slots."""
        policy = state.policy
        id_params, id_headers = self._identity.get(source, ({}, {}))  # scrubbed from error reasons
        attempt = 0  # retries used (a connection failure uses up all but one)
        tries = 0
        while True:
            now = time.monotonic()
            if state.down:
                raise SourceUnavailable(source, f"{state.down} (earlier in this run)")
            if state.cool_until > now:
                raise SourceUnavailable(
                    source,
                    f"rate-limited (HTTP 429 repeatedly); cooling down for {state.cool_until - now:.0f}s",
                )
            self._pace(state)
            self.sent[source] += 1
            tries += 1
            log.debug("%s %s (attempt %d)", method, shown, tries)
            reader = _BodyReader(policy, where)
            try:
                response = self._session.request(
                    method,
                    url,
                    timeout=policy.timeout,
                    expire_after=lifetime,
                    force_refresh=True,
                    stream=True,
                    hooks={"response": reader},
                    **kwargs,
                )
                problem = None
            except BodyRefused as exc:
                response, problem = None, str(exc)
            except requests.Timeout:
                response, problem = None, f"timed out after {policy.timeout:g}s ({where})"
            except requests.ConnectionError as exc:
                response, problem = None, f"connection failed ({where}): {type(exc).__name__}"
                # No network (or no such host) rarely heals within seconds: one retry only.
                attempt = max(attempt, policy.retries - 1)
            except requests.RequestException as exc:
                response, problem = None, f"request failed ({where}): {type(exc).__name__}"
            wait = policy.backoff * (2 ** (tries - 1)) * (0.5 + random.random() / 2)
            if response is not None:
                status = response.status_code
                self._learn_rate(state, response.headers)
                if status == 200 and "html" in response.headers.get("Content-Type", "").lower():
                    # A maintenance page, proxy or captive portal: no API answers 200 in HTML.
                    reply = self._reply(source, response, shown, False)
                    self._forget([reply.cache_key])
                    raise SourceUnavailable(source, f"an HTML page instead of data ({where})")
                if status in (200, 404):
                    state.consecutive_429 = 0
                    reply = self._reply(source, response, shown, False)
                    if status == 404:
                        self.set_lifetime(reply, "not-found")
                    return reply
                if status == 429:
                    state.consecutive_429 += 1
                    problem = f"HTTP 429 too many requests ({where})"
                    retry_after = _retry_after(response.headers.get("Retry-After"))
                    if retry_after is not None:
                        if retry_after > policy.retry_after_cap:
                            problem += f"; Retry-After {retry_after:.0f}s exceeds the cap"
                            attempt = policy.retries  # give up now
                        wait = retry_after
                    if state.consecutive_429 >= policy.cooldown_after:
                        state.cool_until = time.monotonic() + policy.cooldown
                        raise SourceUnavailable(source, problem + "; cooling down")
                elif status >= 500:
                    problem = f"HTTP {status} ({where})"
                else:
                    # Error bodies often echo the request: keep the identification out of the reason
                    # (scrubbed before clipping, so no half of a key survives the cut).
                    body = _snippet(_scrub(response.text, [*id_params.values(), *id_headers.values()]))
                    raise SourceUnavailable(source, f"HTTP {status} ({where}): {body}")
            if attempt >= policy.retries:
                # Do not keep a run waiting on a source that just failed every retry: later
                # requests to it fail at once with the same reason (the run is incomplete anyway).
                state.down = f"{problem}; gave up after {tries} attempt(s)"
                raise SourceUnavailable(source, state.down)
            attempt += 1
            log.info("%s: %s; retrying in %.1fs", source, problem, wait)
            self._sleep(min(wait, policy.retry_after_cap))

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


class _BodyReader:
    """A response hook that reads the body within the attempt's deadline and size cap.

    requests' timeout bounds each socket read, so a server dripping a byte a second never
    times out; this reads with `read1` (whatever has arrived) and checks the clock in between.
    It runs before requests-cache stores the response, so a refused body is never cached.
    """

    def __init__(self, policy: Policy, where: str) -> None:
        self.policy = policy
        self.where = where
        self.until = time.monotonic() + policy.deadline

    def __call__(self, response: requests.Response, **_: Any) -> requests.Response:
        if getattr(response, "_content_consumed", False):
            return response  # requests-cache dispatches the hooks a second time
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            response.close()
            raise BodyRefused(self._too_large())
        chunks: list[bytes] = []
        size = 0
        raw = response.raw
        try:
            while True:
                if time.monotonic() > self.until:
                    raise BodyRefused(f"no complete answer within {self.policy.deadline:g}s ({self.where})")
                chunk = raw.read1(65536, decode_content=True) if hasattr(raw, "read1") else raw.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.policy.max_bytes:
                    raise BodyRefused(self._too_large())
                chunks.append(chunk)
        except BodyRefused:
            response.close()
            raise
        except Exception as exc:  # urllib3 protocol errors: a cut or malformed body
            response.close()
            raise requests.ConnectionError(f"broken body ({self.where}): {type(exc).__name__}") from None
        response._content = b"".join(chunks)
        response._content_consumed = True
        # Tell requests-cache the body was read and decoded (it would otherwise read it again).
        raw._has_decoded_content = True
        return response

    def _too_large(self) -> str:
        return f"answer larger than {self.policy.max_bytes} bytes ({self.where})"


def _without_identity_elsewhere(rebuild_auth: Any, names: set[str]) -> Any:
    """requests drops only Authorization when a redirect leaves the host; drop our keys too."""

    def rebuild(prepared: requests.PreparedRequest, response: requests.Response) -> None:
        rebuild_auth(prepared, response)
        if urlsplit(prepared.url or "").netloc != urlsplit(response.request.url or "").netloc:
            for name in names:
                prepared.headers.pop(name, None)

    return rebuild


def _fresh(response: Any, lifetime: timedelta) -> bool:
    """Is a stored answer young enough for this kind of request? The kind's lifetime is also a
    maximum age on reading: a status check (1 day) does not accept a record stored 20 days ago."""
    created = getattr(response, "created_at", None)
    if created is None:
        return True
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created <= lifetime


def _strip(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k.lower() not in SECRET_NAMES])


def _key_without_identity(request: Any, **kwargs: Any) -> str:
    """The cache key with identification removed entirely, not just blanked: a run with an
    e-mail or key configured shares cache entries with one without."""
    if isinstance(request, requests.PreparedRequest):
        request = request.copy()
        parts = urlsplit(request.url or "")
        request.url = urlunsplit(parts._replace(query=_strip(parts.query)))
        content_type = request.headers.get("Content-Type", "")
        if request.body and "application/x-www-form-urlencoded" in content_type:
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            request.body = _strip(body)
    return requests_cache.create_key(request, **kwargs)


def _retry_after(value: str | None) -> float | None:
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


def _scrub(text: str, secrets: list[str]) -> str:
    """The text with every identification value (plain or URL-encoded) replaced."""
    for secret in secrets:
        value = str(secret).removeprefix("Bearer ")
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            if len(form) >= 4:
                text = text.replace(form, "[redacted]")
    return text


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
