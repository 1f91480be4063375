"""The persistent answer cache: requests-cache on SQLite (or a shared Redis), lifetimes by kind.

Only 200 and 404 are storable: errors, 429s and 5xx never are, and a 200 that turns out to be
faulty (HTML, empty, unparseable) is deleted again by the client before it is retried.
Identification is removed from cache keys entirely, so runs with and without a key share answers.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import requests_cache

from claimcheck.sources.http.identity import SECRET_NAMES, strip_query

log = logging.getLogger("claimcheck.http")

#: How long an answer of each kind is reused.
LIFETIMES: dict[str, timedelta] = {
    "found": timedelta(days=30),
    "not-found": timedelta(days=1),
    "status": timedelta(days=1),
    "search": timedelta(days=7),
    "routing": timedelta(days=90),
}


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


def key_without_identity(request: Any, **kwargs: Any) -> str:
    """The cache key with identification removed entirely, not just blanked: a run with an
    e-mail or key configured shares cache entries with one without."""
    if isinstance(request, requests.PreparedRequest):
        request = request.copy()
        parts = urlsplit(request.url or "")
        request.url = urlunsplit(parts._replace(query=strip_query(parts.query)))
        content_type = request.headers.get("Content-Type", "")
        if request.body and "application/x-www-form-urlencoded" in content_type:
            body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
            request.body = strip_query(body)
    return requests_cache.create_key(request, **kwargs)


def cached_session(
    cache_path: Path | None, redis_url: str, spelled: set[str]
) -> tuple[requests_cache.CachedSession, Path | None, str]:
    """The session, and the cache file and Redis URL actually in use (None/"" when they failed)."""
    # requests-cache redacts header names as spelled: add each identity header's own spelling.
    ignored = tuple({*SECRET_NAMES, *(n.title() for n in SECRET_NAMES), "X-API-Key", *spelled})
    settings: dict[str, Any] = {
        "allowable_codes": (200, 404),
        "allowable_methods": ("GET", "POST"),
        "ignored_parameters": ignored,
        "match_headers": False,
        "expire_after": LIFETIMES["found"],
        "key_fn": key_without_identity,
    }
    if redis_url:
        try:
            backend = _redis_cache(redis_url)
            return requests_cache.CachedSession(backend=backend, **settings), None, redis_url
        except Exception as exc:  # no redis package, server down, bad URL: cache for this run only
            where = urlsplit(redis_url)
            log.warning(
                "cannot use the Redis cache on %s:%s (%s); caching in memory",
                where.hostname,
                where.port or 6379,
                type(exc).__name__,
            )
            cache_path = None
    if cache_path is not None:
        try:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            return requests_cache.CachedSession(str(cache_path), backend="sqlite", **settings), cache_path, ""
        except (OSError, sqlite3.Error) as exc:
            # A read-only home (some CI runners) must not stop a run: cache for this run only.
            log.warning("cannot use the HTTP cache at %s (%s); caching in memory", cache_path, exc)
    return requests_cache.CachedSession(backend="memory", **settings), None, ""


def fresh(response: Any, lifetime: timedelta) -> bool:
    """Is a stored answer young enough for this kind of request? The kind's lifetime is also a
    maximum age on reading: a status check (1 day) does not accept a record stored 20 days ago."""
    created = getattr(response, "created_at", None)
    if created is None:
        return True
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created <= lifetime
