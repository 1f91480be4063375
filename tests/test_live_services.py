"""Opt-in tests against the real services (CLAIMCHECK_LIVE_TESTS=1); skipped otherwise.

They check that the adapters still understand the services as they answer today.
"""

from __future__ import annotations

import os

import pytest

from claimcheck.model import Entry
from claimcheck.sources import notices
from claimcheck.sources.router import build_live_sources

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get("CLAIMCHECK_LIVE_TESTS"), reason="live APIs: set CLAIMCHECK_LIVE_TESTS=1"
    ),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}
    return build_live_sources(env=env)


def test_a_retracted_paper_is_retracted_everywhere(live):
    answer = live.lookup_answer([Entry(key="wakefield", doi="10.1016/s0140-6736(97)11096-0")])
    record = answer.records["wakefield"]
    assert record is not None and notices.RETRACTION in notices.kinds(record)


def test_a_datacite_doi_is_routed_to_datacite(live):
    answer = live.lookup_answer([Entry(key="arxiv", doi="10.48550/arxiv.2311.16162")])
    assert answer.records["arxiv"] is not None and "datacite" in answer.records["arxiv"].source


def test_an_unknown_crossref_doi_is_absent(live):
    answer = live.lookup_answer([Entry(key="nope", doi="10.1371/notarealdoi")])
    assert answer.records == {"nope": None}
