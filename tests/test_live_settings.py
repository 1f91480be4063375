"""Source settings (environment over claimcheck.toml over defaults) and the progress bar."""

from __future__ import annotations

import io

from claimcheck.config import load_config
from claimcheck.progress import LiveProgress
from claimcheck.sources.live import DEFAULT_URLS, settings_for
from claimcheck.sources.router import build_live_sources


def test_environment_wins_over_toml_over_defaults():
    toml = {"base_url": "https://mirror.example.org/", "mailto": "team@example.org"}
    assert settings_for("crossref", {}, {}).base_url == DEFAULT_URLS["crossref"]
    assert settings_for("crossref", toml, {}).base_url == "https://mirror.example.org"
    env = {"CLAIMCHECK_CROSSREF_URL": "http://127.0.0.1:9/cr", "CLAIMCHECK_CROSSREF_MAILTO": "me@example.org"}
    crossref = settings_for("crossref", toml, env)
    assert crossref.base_url == "http://127.0.0.1:9/cr" and crossref.params == {"mailto": "me@example.org"}
    assert "me@example.org" not in repr(crossref)  # identification never shows in reprs or logs


def test_identification_per_service():
    env = {
        "CLAIMCHECK_EMAIL": "me@example.org",
        "CLAIMCHECK_PUBMED_API_KEY": "ncbi",
        "CLAIMCHECK_OPENALEX_API_KEY": "oa",
        "CLAIMCHECK_SEMANTICSCHOLAR_API_KEY": "s2",
        "CLAIMCHECK_CROSSREF_API_KEY": "plus",
    }
    assert settings_for("pubmed", {}, env).params == {
        "tool": "claimcheck",
        "email": "me@example.org",
        "api_key": "ncbi",
    }
    assert settings_for("crossref", {}, env).headers == {"Crossref-Plus-API-Token": "Bearer plus"}
    assert settings_for("openalex", {}, env).params["api_key"] == "oa"
    assert settings_for("semanticscholar", {}, env).headers == {"x-api-key": "s2"}


def test_toml_sources_are_validated_and_can_switch_a_service_off(tmp_path):
    path = tmp_path / "claimcheck.toml"
    path.write_text(
        "[sources.semanticscholar]\nenabled = false\n[sources.pubmed]\n"
        'idconv_url = "https://idconv.example.org"\nbase_url = "https://eutils.example.org"\n'
    )
    config = load_config(path)
    live = build_live_sources(config.sources, env={"CLAIMCHECK_CACHE": "off"})
    assert live.s2 is None and live.crossref is not None
    assert live.pubmed.base_url == "https://eutils.example.org"
    assert live.pubmed.idconv_url == "https://idconv.example.org"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_on_a_terminal_and_only_after_a_moment():
    piped = io.StringIO()
    quiet = LiveProgress(total=3, delay=0, stream=piped)
    quiet("looking up", 1)
    quiet.close()
    assert piped.getvalue() == ""
    terminal = _Terminal()
    soon = LiveProgress(total=3, delay=3600, stream=terminal)
    soon("looking up", 3)
    soon.close()
    assert terminal.getvalue() == ""  # finished before the delay: nothing drawn
    slow = LiveProgress(total=3, delay=0, stream=terminal)
    slow("looking up identifiers", 2)
    slow.close()
    assert "looking up identifiers" in terminal.getvalue()


def test_the_notice_rules_are_explained(cli):
    for code, name in (("R020", "retracted"), ("R021", "expression-of-concern"), ("R022", "corrected")):
        done = cli("explain", code)
        assert done.returncode == 0 and name in done.stdout
        assert cli("explain", name).returncode == 0
