"""A shared HTTP cache: requests-cache's Redis backend, chosen in claimcheck.toml.

The Redis tests run a real `redis-server` (Debian's package) on a free loopback port, started
and stopped here; they are skipped, saying why, when the binary or the `redis` package is absent.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from claimcheck.config import load_config
from claimcheck.errors import InputError
from claimcheck.sources.http import Http, Policy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path: Path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    pytest.importorskip("redis", reason="the redis package is not installed (pip install 'claimcheck[redis]')")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _http(redis_url: str) -> Http:
    return Http(None, policies={"crossref": Policy(retries=0)}, redis_url=redis_url)


def test_two_machines_share_answers_through_redis(redis_url, httpserver):
    httpserver.expect_request("/works").respond_with_json({"status": "ok", "message": {"items": []}})
    first = _http(redis_url)
    assert first.redis_url == redis_url
    reply = first.get("crossref", httpserver.url_for("/works"), params={"filter": "doi:10.1/x"})
    assert reply.status == 200 and not reply.from_cache
    # Another process (another CI runner) with the same Redis does not ask again.
    second = _http(redis_url)
    again = second.get("crossref", httpserver.url_for("/works"), params={"filter": "doi:10.1/x"})
    assert again.from_cache and again.json() == reply.json()
    assert len(httpserver.log) == 1
    assert second.sent["crossref"] == 0


def test_a_short_lifetime_is_kept_in_redis(redis_url, httpserver):
    httpserver.expect_request("/works").respond_with_json({"status": "ok", "message": {"items": []}})
    http = _http(redis_url)
    reply = http.get("crossref", httpserver.url_for("/works"), params={"filter": "doi:10.1/y"})
    http.set_lifetime(reply, "not-found")
    stored = http._session.cache.get_response(reply.cache_key)
    assert stored is not None
    remaining = (stored.expires - stored.created_at).total_seconds()
    assert remaining < 2 * 86400  # the not-found lifetime (1 day), not the 30 days of a found record


def test_an_unreachable_redis_falls_back_to_a_run_only_cache(caplog):
    pytest.importorskip("redis", reason="the redis package is not installed")
    http = Http(None, redis_url=f"redis://127.0.0.1:{_free_port()}/0")
    assert http.redis_url == ""
    assert "cannot use the Redis cache" in caplog.text


def _config(tmp_path: Path, text: str):
    path = tmp_path / "claimcheck.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_cache_settings_are_read_and_validated(tmp_path):
    config = _config(tmp_path, '[cache]\nbackend = "redis"\nurl = "redis://127.0.0.1:6379/0"\n')
    assert (config.cache_backend, config.cache_url) == ("redis", "redis://127.0.0.1:6379/0")
    assert _config(tmp_path, "").cache_backend == "sqlite"
    with pytest.raises(InputError, match="backend must be one of"):
        _config(tmp_path, '[cache]\nbackend = "memcached"\n')
    with pytest.raises(InputError, match="needs url"):
        _config(tmp_path, '[cache]\nbackend = "redis"\n')
    with pytest.raises(InputError, match="unknown key 'ttl'"):
        _config(tmp_path, '[cache]\nttl = 3\n')


def test_the_live_sources_use_the_configured_backend(redis_url, tmp_path):
    from claimcheck.sources.router import build_live_sources

    env = {"CLAIMCHECK_CACHE_DIR": str(tmp_path)}
    live = build_live_sources({}, env=env, cache_backend="redis", cache_url=redis_url)
    assert live.http.redis_url == redis_url and live.http.cache_path is None
    off = build_live_sources({}, env={**env, "CLAIMCHECK_CACHE": "off"}, cache_backend="redis", cache_url=redis_url)
    assert off.http.redis_url == ""  # CLAIMCHECK_CACHE=off still keeps answers in memory only
    memory = build_live_sources({}, env=env, cache_backend="memory")
    assert memory.http.cache_path is None and memory.http.redis_url == ""
