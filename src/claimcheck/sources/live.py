"""What every live adapter shares: its settings (base URL, enabled, identification) and the client.

Settings come from the environment first (per user, never committed: keys and e-mail belong
there), then `[sources.<name>]` in claimcheck.toml, then the defaults below. Identification is
handed to the HTTP layer, which keeps it out of cache keys and logs; adapters never see it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from claimcheck.model import Entry
from claimcheck.sources.base import Source
from claimcheck.sources.http import Http

DEFAULT_URLS = {
    "crossref": "https://api.crossref.org",
    "pubmed": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "idconv": "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles",
    "openalex": "https://api.openalex.org",
    "semanticscholar": "https://api.semanticscholar.org/graph/v1",
    "europepmc": "https://www.ebi.ac.uk/europepmc/webservices/rest",
    "datacite": "https://api.datacite.org",
    "doiorg": "https://doi.org",
}
#: Environment variable of each base URL (idconv is PubMed's ID converter, on its own host).
URL_VARIABLES = {name: f"CLAIMCHECK_{name.upper()}_URL" for name in DEFAULT_URLS}
URL_VARIABLES["idconv"] = "CLAIMCHECK_PMC_IDCONV_URL"


@dataclass(frozen=True)
class SourceSettings:
    name: str
    base_url: str
    enabled: bool = True
    #: Identifying query parameters and headers (secrets: only the HTTP layer uses them).
    params: Mapping[str, str] = field(default_factory=dict, repr=False)
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)


def _value(name: str, key: str, toml: Mapping[str, Any], env: Mapping[str, str]) -> str:
    variable = f"CLAIMCHECK_{name.upper()}_{key.upper()}"
    if env.get(variable):
        return env[variable]
    if toml.get(key):
        return str(toml[key])
    if key in {"mailto", "email"} and env.get("CLAIMCHECK_EMAIL"):
        return env["CLAIMCHECK_EMAIL"]
    return ""


def settings_for(
    name: str, toml: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> SourceSettings:
    """A source's settings: environment, then claimcheck.toml, then defaults."""
    env = os.environ if env is None else env
    toml = toml or {}
    # The ID converter is configured in [sources.pubmed] (it is PubMed's), as `idconv_url`.
    toml_url = toml.get("idconv_url") if name == "idconv" else toml.get("base_url")
    base = env.get(URL_VARIABLES[name]) or toml_url or DEFAULT_URLS[name]
    enabled = bool(toml.get("enabled", True))
    params: dict[str, str] = {}
    headers: dict[str, str] = {}
    if name == "crossref":
        if mailto := _value(name, "mailto", toml, env):
            params["mailto"] = mailto
        if key := _value(name, "api_key", toml, env):
            headers["Crossref-Plus-API-Token"] = f"Bearer {key}"
    elif name in {"pubmed", "idconv"}:
        pubmed_toml = toml
        params["tool"] = _value("pubmed", "tool", pubmed_toml, env) or "claimcheck"
        if email := _value("pubmed", "email", pubmed_toml, env):
            params["email"] = email
        if name == "pubmed" and (key := _value("pubmed", "api_key", pubmed_toml, env)):
            params["api_key"] = key
    elif name == "openalex":
        if key := _value(name, "api_key", toml, env):
            params["api_key"] = key
        if mailto := _value(name, "mailto", toml, env):
            params["mailto"] = mailto
    elif name == "semanticscholar":
        if key := _value(name, "api_key", toml, env):
            headers["x-api-key"] = key
    elif name == "datacite" and (mailto := _value(name, "mailto", toml, env)):
        params["mailto"] = mailto
    return SourceSettings(
        name=name, base_url=str(base).rstrip("/"), enabled=enabled, params=params, headers=headers
    )


class LiveSource(Source):
    """An adapter over one web API: URLs in, records out, through the shared HTTP layer."""

    name = "live"
    #: The cache lifetime of identifier look-ups: "found", or "status" when the run is a refresh
    #: (the look-up then doubles as a check for new retractions, so old answers are not reused).
    lookup_kind = "found"

    def __init__(self, http: Http, base_url: str | None = None) -> None:
        self.http = http
        self.base_url = (base_url or DEFAULT_URLS.get(self.name, "")).rstrip("/")

    def search(self, entry: Entry, limit: int = 5) -> list:  # pragma: no cover - overridden
        return []


def query_text(entry: Entry, with_authors: bool = True) -> str:
    """Free-text bibliographic query from what the entry prints."""
    parts = [entry.title]
    if with_authors:
        parts += [p.family or p.literal for p in entry.authors[:3]]
    if entry.year:
        parts.append(entry.year)
    return " ".join(p for p in parts if p)
