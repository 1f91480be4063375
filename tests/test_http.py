"""The HTTP layer: what is cached and for how long, retries, Retry-After, cool-down, secrets."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import responses

from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.http import Http, Policy, default_cache_path, redact

URL = "https://api.example.org/works"


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(tmp_path: Path, sleeps: Sleeps | None = None, **policy) -> Http:
    settings = {"retries": 2, "backoff": 0.01, "interval": 0.0, **policy}
    identity = {"crossref": ({"mailto": "person@example.org"}, {"x-api-key": "k-123"})}
    return Http(
        tmp_path / "cache.sqlite",
        policies={"crossref": Policy(**settings)},
        identity=identity,
        sleep=sleeps if sleeps is not None else Sleeps(),
    )


def expiry(http: Http, reply) -> datetime:
    return http._session.cache.get_response(reply.cache_key).expires


@responses.activate
def test_a_found_record_is_reused_and_lives_long(tmp_path):
    responses.add("GET", URL, json={"ok": 1})
    http = client(tmp_path)
    first = http.get("crossref", URL, params={"q": "a"})
    second = http.get("crossref", URL, params={"q": "a"})
    assert len(responses.calls) == 1 and second.from_cache and not first.from_cache
    assert expiry(http, first) > datetime.now(UTC) + timedelta(days=20)
    # a new client on the same cache file (the next run) asks nothing either
    assert client(tmp_path).get("crossref", URL, params={"q": "a"}).from_cache
    assert len(responses.calls) == 1


@responses.activate
def test_not_found_and_status_checks_live_short(tmp_path):
    responses.add("GET", URL + "/missing", body="Resource not found.", status=404)
    responses.add("GET", URL + "/status", json={})
    http = client(tmp_path)
    missing = http.get("crossref", URL + "/missing")
    status = http.get("crossref", URL + "/status", kind="status")
    assert missing.status == 404
    for reply in (missing, status):
        assert expiry(http, reply) < datetime.now(UTC) + timedelta(days=2)


@responses.activate
def test_a_partial_batch_is_shortened_to_the_not_found_lifetime(tmp_path):
    responses.add("GET", URL, json={"items": []})
    http = client(tmp_path)
    reply = http.get("crossref", URL, params={"filter": "doi:10.1/a"})
    http.set_lifetime(reply, "not-found")
    assert expiry(http, reply) < datetime.now(UTC) + timedelta(days=2)


@responses.activate
def test_errors_are_retried_with_backoff_and_never_cached(tmp_path):
    responses.add("GET", URL, status=503)
    responses.add("GET", URL, status=502)
    responses.add("GET", URL, json={"ok": 1})
    sleeps = Sleeps()
    http = client(tmp_path, sleeps)
    assert http.get("crossref", URL).status == 200
    assert len(responses.calls) == 3 and len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.9


@responses.activate
def test_5xx_beyond_the_retry_budget_is_an_outage_and_not_cached(tmp_path):
    responses.add("GET", URL, status=500)
    http = client(tmp_path, retries=1)
    with pytest.raises(SourceUnavailable, match=r"HTTP 500.*gave up after 2"):
        http.get("crossref", URL)
    assert len(responses.calls) == 2
    responses.replace("GET", URL, json={"ok": 1})
    later = client(tmp_path)  # the next run: nothing bad was stored
    assert later.get("crossref", URL).status == 200


@responses.activate
def test_one_failed_request_does_not_take_the_service_down(tmp_path):
    """A request that spent its retries is bad luck, not an outage: the next one is asked."""
    responses.add("GET", URL, status=503)
    responses.add("GET", URL + "/other", json={"ok": 1})
    http = client(tmp_path, retries=0, breaker_after=3)
    with pytest.raises(SourceUnavailable) as caught:
        http.get("crossref", URL)
    assert (caught.value.status, caught.value.kind) == (503, "http-5xx")
    assert http.get("crossref", URL + "/other").status == 200
    assert len(responses.calls) == 2


@responses.activate
def test_sustained_failure_opens_the_circuit_and_a_probe_closes_it(tmp_path):
    responses.add("GET", URL, status=503)
    http = client(tmp_path, retries=1, breaker_after=3, cooldown=0.3)
    for _ in range(3):
        with pytest.raises(SourceUnavailable, match="HTTP 503"):
            http.get("crossref", URL)
    assert len(responses.calls) == 6  # three requests, each with its retry
    with pytest.raises(SourceUnavailable, match="down after 3 failed") as caught:
        http.get("crossref", URL + "/other")
    assert caught.value.kind == "circuit-open" and len(responses.calls) == 6  # not even asked
    assert http.is_down("crossref")
    time.sleep(0.35)  # the cool-down passes: one probe is let through (half-open)
    responses.replace("GET", URL, json={"ok": 1})
    assert http.get("crossref", URL).status == 200
    assert not http.is_down("crossref")


@responses.activate
def test_a_failed_probe_opens_the_circuit_again_at_once(tmp_path):
    responses.add("GET", URL, status=502)
    http = client(tmp_path, retries=0, breaker_after=2, cooldown=0.2)
    for _ in range(2):
        with pytest.raises(SourceUnavailable):
            http.get("crossref", URL)
    time.sleep(0.25)
    with pytest.raises(SourceUnavailable, match="HTTP 502"):
        http.get("crossref", URL)  # the probe, failing
    with pytest.raises(SourceUnavailable) as caught:
        http.get("crossref", URL)
    assert caught.value.kind == "circuit-open" and len(responses.calls) == 3


@responses.activate
def test_a_probe_met_by_429s_does_not_wedge_the_circuit(tmp_path):
    """The probe's 429s reopen the circuit; after the next cool-down another probe is let through."""
    responses.add("GET", URL, status=503)
    http = client(tmp_path, retries=3, breaker_after=1, cooldown_after=2, cooldown=0.2)
    with pytest.raises(SourceUnavailable):
        http.get("crossref", URL)  # opens the circuit
    time.sleep(0.25)
    responses.replace("GET", URL, status=429)
    with pytest.raises(SourceUnavailable, match="cooling down"):
        http.get("crossref", URL)  # the probe: two 429s in a row
    time.sleep(0.25)
    responses.replace("GET", URL, json={"ok": 1})
    assert http.get("crossref", URL).status == 200


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        ("", "application/json", "empty-body"),
        ('{"items": [', "application/json", "unparseable"),
        ("<eSearchResult><Count>1</Count>", "text/xml", "unparseable"),
        ("<!DOCTYPE html><p>Maintenance</p>", "text/html", "html-page"),
        ("<html><p>Proxy</p></html>", "application/json", "html-page"),
    ],
)
@responses.activate
def test_a_200_that_is_no_answer_is_retried_and_never_cached(tmp_path, body, content_type, kind):
    responses.add("GET", URL, body=body, content_type=content_type)
    responses.add("GET", URL, json={"ok": 1})
    http = client(tmp_path)
    assert http.get("crossref", URL).json() == {"ok": 1}
    assert http.retried[("crossref", kind)] == 1 and len(responses.calls) == 2
    assert http.get("crossref", URL).from_cache  # the good answer, not the faulty one


@responses.activate
def test_the_time_budget_ends_the_retries(tmp_path):
    responses.add("GET", URL, status=503)
    sleeps = Sleeps()
    http = client(tmp_path, sleeps, retries=50, backoff=10, backoff_max=10, budget=25)
    with pytest.raises(SourceUnavailable, match="budget spent"):
        http.get("crossref", URL)
    # waits of 5-10 s each (jittered) fit at most 5 times into 25 s
    assert len(sleeps) <= 5 and sum(sleeps) <= 25


@responses.activate
def test_timeouts_and_connection_errors_are_outages(tmp_path):
    responses.add("GET", URL, body=requests.Timeout("slow"))
    http = client(tmp_path, retries=1)
    with pytest.raises(SourceUnavailable, match="timed out"):
        http.get("crossref", URL)
    assert len(responses.calls) == 2


@responses.activate
def test_retry_after_is_honoured_up_to_the_cap(tmp_path):
    responses.add("GET", URL, status=429, headers={"Retry-After": "2"})
    responses.add("GET", URL, json={"ok": 1})
    sleeps = Sleeps()
    assert client(tmp_path, sleeps, retry_after_cap=5).get("crossref", URL).status == 200
    assert sleeps == [2.0]


@responses.activate
def test_a_retry_after_beyond_the_cap_is_an_outage_at_once(tmp_path):
    responses.add("GET", URL, status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(SourceUnavailable, match="exceeds the cap"):
        client(tmp_path, sleeps, retry_after_cap=5).get("crossref", URL)
    assert len(responses.calls) == 1 and sleeps == []


@responses.activate
def test_repeated_429s_cool_the_source_down(tmp_path):
    responses.add("GET", URL, status=429)
    http = client(tmp_path, retries=5, cooldown_after=2, cooldown=60)
    with pytest.raises(SourceUnavailable, match="cooling down"):
        http.get("crossref", URL)
    assert len(responses.calls) == 2
    with pytest.raises(SourceUnavailable, match="cooling down"):
        http.get("crossref", URL + "/next")
    assert len(responses.calls) == 2  # not even asked during the cool-down


@responses.activate
def test_identification_is_sent_but_kept_out_of_cache_keys_and_stored_requests(tmp_path):
    responses.add("GET", URL, json={"ok": 1})
    http = client(tmp_path)
    reply = http.get("crossref", URL, params={"q": "x"})
    sent = responses.calls[0].request
    assert "mailto=person%40example.org" in sent.url and sent.headers["x-api-key"] == "k-123"
    assert "person" not in reply.url
    stored = http._session.cache.get_response(reply.cache_key).request
    assert "person@" not in stored.url and "person%40" not in stored.url
    assert stored.headers.get("x-api-key") in (None, "REDACTED")
    # someone else's e-mail hits the same cache entry: the identity is not part of the key
    other = Http(tmp_path / "cache.sqlite", identity={"crossref": ({"mailto": "other@example.org"}, {})})
    assert other.get("crossref", URL, params={"q": "x"}).from_cache
    assert Http(tmp_path / "cache.sqlite").get("crossref", URL, params={"q": "x"}).from_cache  # none at all
    assert b"person@example.org" not in (tmp_path / "cache.sqlite").read_bytes()


def test_redact_and_cache_location():
    assert redact("https://x.org/w?mailto=a@b.c&q=1&api_key=s") == "https://x.org/w?q=1"
    assert default_cache_path({"CLAIMCHECK_CACHE": "off"}) is None
    assert default_cache_path({"CLAIMCHECK_CACHE_DIR": "/c"}) == Path("/c/http-cache.sqlite")
    assert default_cache_path({}).name == "http-cache.sqlite"


@responses.activate
def test_identification_in_posted_forms_is_kept_out_of_the_cache(tmp_path):
    """E-utilities POSTs carry tool/email/api_key in the form body: ignored and redacted there too."""
    responses.add("POST", "https://eutils.example/efetch.fcgi", body="<PubmedArticleSet/>")
    secret = {"pubmed": ({"api_key": "zqx-key", "email": "zqx@example.org", "tool": "cc"}, {})}
    http = Http(tmp_path / "c.sqlite", identity=secret)
    http.post("pubmed", "https://eutils.example/efetch.fcgi", data={"db": "pubmed", "id": "1,2"})
    assert "api_key=zqx-key" in responses.calls[0].request.body
    other = Http(tmp_path / "c.sqlite", identity={"pubmed": ({"api_key": "another"}, {})})
    assert other.post(
        "pubmed", "https://eutils.example/efetch.fcgi", data={"db": "pubmed", "id": "1,2"}
    ).from_cache
    assert b"zqx" not in (tmp_path / "c.sqlite").read_bytes()


def test_an_unusable_cache_directory_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    http = Http(blocker / "sub" / "cache.sqlite")
    assert http.cache_path is None


@responses.activate
def test_a_status_check_does_not_accept_an_old_answer(tmp_path, monkeypatch):
    """The kind's lifetime is also a maximum age on reading: a refresh sees new retractions."""
    from claimcheck.sources import http as http_module

    responses.add("GET", URL, json={"ok": 1})
    http = client(tmp_path)
    http.get("crossref", URL)
    assert http.get("crossref", URL).from_cache  # a found record: reused
    monkeypatch.setitem(http_module.LIFETIMES, "status", timedelta(0))
    assert not http.get("crossref", URL, kind="status").from_cache  # older than a status check allows
    assert len(responses.calls) == 2


@responses.activate
def test_an_answer_the_caller_could_not_parse_is_not_kept_in_the_cache(tmp_path):
    responses.add("GET", URL + "/good", json={"ok": 1})
    responses.add("GET", URL + "/bad", json={"message": 7})  # valid JSON, not the API's shape
    http = client(tmp_path)
    with http.kept_if_parsed():
        http.get("crossref", URL + "/good").json()
    with pytest.raises(TypeError), http.kept_if_parsed():
        http.get("crossref", URL + "/bad").json()["message"]["items"]
    assert http.get("crossref", URL + "/good").from_cache
    assert not http.get("crossref", URL + "/bad").from_cache  # asked again, not served stale
    assert len(responses.calls) == 3


@responses.activate
def test_a_200_html_page_is_an_outage_and_not_cached(tmp_path):
    responses.add("GET", URL, body="<html>Down for maintenance</html>", content_type="text/html")
    http = client(tmp_path, retries=0, breaker_after=5)
    for _ in range(2):
        with pytest.raises(SourceUnavailable, match="HTML page") as caught:
            http.get("crossref", URL)
        assert (caught.value.status, caught.value.kind) == (200, "html-page")
    assert len(responses.calls) == 2


@responses.activate
def test_a_body_over_the_size_cap_is_an_outage(tmp_path):
    responses.add("GET", URL, body="x" * 5000)
    http = client(tmp_path, retries=0, max_bytes=1000)
    with pytest.raises(SourceUnavailable, match="larger than 1000 bytes"):
        http.get("crossref", URL)


@responses.activate
def test_identity_headers_are_redacted_in_the_cache_whatever_their_spelling(tmp_path):
    responses.add("GET", URL, json={"ok": 1})
    identity = {"crossref": ({}, {"Crossref-Plus-API-Token": "Bearer zqx-plus"})}
    http = Http(tmp_path / "c.sqlite", policies={"crossref": Policy(retries=0)}, identity=identity)
    http.get("crossref", URL)
    assert responses.calls[0].request.headers["Crossref-Plus-API-Token"] == "Bearer zqx-plus"
    stored = b"".join(f.read_bytes() for f in tmp_path.glob("c.sqlite*"))
    assert b"/works" in stored and b"zqx-plus" not in stored


@responses.activate
def test_an_error_body_echoing_the_identification_is_scrubbed_before_it_is_clipped(tmp_path):
    echoed = "x" * 140 + " mailto=person%40example.org&key=k-123 " + "y" * 200  # cut at 160
    responses.add("GET", URL, body=echoed, status=400)
    with pytest.raises(SourceUnavailable) as caught:
        client(tmp_path).get("crossref", URL)
    assert "HTTP 400" in caught.value.reason
    assert "person" not in caught.value.reason and "k-12" not in caught.value.reason
