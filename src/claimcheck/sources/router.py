"""The live sources as one: identifier-first routing, batched look-ups, merged records.

Look-up (entries with a DOI, PMID or PMCID), one batch per service, in this order:

1. PubMed: PMCIDs through the ID converter, DOIs through one OR'd esearch, then efetch for all
   PMIDs (this also gives DOIs to entries that printed only a PMID).
2. Crossref by DOI (`filter=doi:` batches). DOIs Crossref lacks are routed by doi.org's agency
   look-up: DataCite DOIs go to DataCite; only the owning agency's "no" (or doi.org's "DOI does
   not exist") makes an entry absent, i.e. `not-found`.
3. OpenAlex and Europe PMC by DOI/PMID (abstracts, retraction flags, comment/corrections).
4. Semantic Scholar's batch for entries still without an abstract.

Search only for entries with no identifier, source by source, stopping at the first that yields
an acceptable match, which is then looked up by its identifiers like any other entry so that its
notices are known. Every service that fails is recorded against the entries it was asked about.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from claimcheck.model import Entry, Record
from claimcheck.sources.base import Answer, Source, SourceUnavailable
from claimcheck.sources.crossref import CrossrefSource
from claimcheck.sources.datacite import DataCiteSource, DoiOrg
from claimcheck.sources.europepmc import EuropePMCSource
from claimcheck.sources.http import POLICIES, Http, default_cache_path
from claimcheck.sources.live import SourceSettings, settings_for
from claimcheck.sources.merge import merge
from claimcheck.sources.openalex import OpenAlexSource
from claimcheck.sources.pubmed import PubMedSource
from claimcheck.sources.semanticscholar import SemanticScholarSource

LIVE_NAMES = ("crossref", "pubmed", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")
SEARCH_ORDER = ("crossref", "pubmed", "europepmc", "openalex", "semanticscholar")
Progress = Callable[[str, int], None]
#: How internal service names are shown (the ID converter is part of PubMed).
_SHOWN = {"idconv": "pubmed", "doiorg": "doi.org"}


def _has_id(entry: Entry) -> bool:
    return bool(entry.doi or entry.pmid or entry.pmcid)


#: What a parser raises on a reply of the wrong shape (valid JSON, but not the API's): an outage.
_SHAPE_ERRORS = (KeyError, TypeError, AttributeError, IndexError, ValueError)


class _Ledger:
    """Who answered about which entry, and who could not."""

    def __init__(self, keys: Sequence[str], http: Http | None = None) -> None:
        self.answered: dict[str, list[str]] = {k: [] for k in keys}
        self.unavailable: dict[str, list[tuple[str, str]]] = {k: [] for k in keys}
        self.http = http

    def ask(self, name: str, keys: Sequence[str], call: Callable[[], Any]) -> Any:
        if not keys:
            return None
        try:
            # Answers the adapter could not use are dropped from the cache, never reused.
            with self.http.kept_if_parsed() if self.http else contextlib.nullcontext():
                result = call()
        except SourceUnavailable as exc:
            for key in keys:
                self.unavailable[key].append((_SHOWN.get(exc.source, exc.source), exc.reason))
            return None
        except _SHAPE_ERRORS as exc:
            reason = f"unexpected answer ({type(exc).__name__})"
            for key in keys:
                self.unavailable[key].append((_SHOWN.get(name, name), reason))
            return None
        for key in keys:
            if name not in self.answered[key]:
                self.answered[key].append(name)
        return result


class LiveSources(Source):
    """Crossref, PubMed, OpenAlex, Semantic Scholar, Europe PMC, DataCite behind one interface."""

    name = "live"

    def __init__(
        self,
        http: Http,
        settings: Mapping[str, SourceSettings],
        progress: Progress | None = None,
        refresh: bool = False,
    ):
        self.http = http
        self.settings = dict(settings)
        self.progress = progress or (lambda _label, _n: None)
        on = {n for n, s in settings.items() if s.enabled}
        url = {n: s.base_url for n, s in settings.items()}
        self.crossref = CrossrefSource(http, url.get("crossref")) if "crossref" in on else None
        self.pubmed = PubMedSource(http, url.get("pubmed"), url.get("idconv")) if "pubmed" in on else None
        self.openalex = OpenAlexSource(http, url.get("openalex")) if "openalex" in on else None
        self.s2 = SemanticScholarSource(http, url.get("semanticscholar")) if "semanticscholar" in on else None
        self.europepmc = EuropePMCSource(http, url.get("europepmc")) if "europepmc" in on else None
        self.datacite = DataCiteSource(http, url.get("datacite")) if "datacite" in on else None
        self.doiorg = DoiOrg(http, url.get("doiorg")) if "doiorg" in on else None
        if refresh:  # a refresh re-checks notices: identifier answers older than a day are asked anew
            for adapter in (self.crossref, self.pubmed, self.openalex, self.europepmc, self.datacite):
                if adapter is not None:
                    adapter.lookup_kind = "status"

    # -- the plain Source interface (used when a caller does not want per-entry outages) --------

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        return self.lookup_answer(entries).records

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        return list(self.search_answer(entry).found)

    # -- identifier look-ups ------------------------------------------------------------------

    def lookup_answer(self, entries: Sequence[Entry], report: bool = True) -> Answer:
        entries = [e for e in entries if _has_id(e)]
        if not entries:
            return Answer()
        keys = [e.key for e in entries]
        ledger = _Ledger(keys, self.http)
        third = len(entries) // 3
        progress = self.progress if report else (lambda _label, _n: None)
        progress("looking up identifiers", 0)
        pubmed: dict[str, Record | None] = {}
        if self.pubmed:
            pubmed = ledger.ask("pubmed", keys, lambda: self.pubmed.lookup(entries)) or {}
        doi_of = {e.key: e.doi or ((pubmed.get(e.key) or Record("", "")).doi) for e in entries}
        with_doi = [k for k in keys if doi_of[k]]
        dois = [doi_of[k] for k in with_doi]
        crossref: dict[str, Record | None] = {}
        if self.crossref:
            crossref = (
                ledger.ask("crossref", with_doi, lambda: self.crossref.works(dois, confirm=False)) or {}
            )
        progress("looking up identifiers", third)
        owner_says_no, datacite = self._route_misses(ledger, with_doi, doi_of, crossref)
        openalex = (
            (ledger.ask("openalex", with_doi, lambda: self.openalex.works(dois)) or {})
            if self.openalex
            else {}
        )
        europepmc: dict[str, Record | None] = {}
        if self.europepmc:
            probes = [Entry(key=e.key, doi=doi_of[e.key], pmid=e.pmid) for e in entries]
            probes = [p for p in probes if p.doi or p.pmid]
            europepmc = (
                ledger.ask("europepmc", [p.key for p in probes], lambda: self.europepmc.lookup(probes)) or {}
            )
        progress("looking up identifiers", third)
        merged: dict[str, list[Record]] = {}
        for entry in entries:
            doi = doi_of[entry.key]
            found = [
                crossref.get(doi) if doi else None,
                datacite.get(doi) if doi else None,
                pubmed.get(entry.key),
                europepmc.get(entry.key),
                openalex.get(doi) if doi else None,
            ]
            merged[entry.key] = [r for r in found if r is not None and (not doi or not r.doi or r.doi == doi)]
        if self.s2:
            lacking = [e for e in entries if not any(r.abstract for r in merged[e.key])]
            probes = [Entry(key=e.key, doi=doi_of[e.key], pmid=e.pmid, pmcid=e.pmcid) for e in lacking]
            s2 = ledger.ask("semanticscholar", [p.key for p in probes], lambda: self.s2.lookup(probes)) or {}
            for key, record in s2.items():
                if record is not None:
                    merged[key].append(record)
        records: dict[str, Record | None] = {}
        for entry in entries:
            if merged[entry.key]:
                records[entry.key] = merge(merged[entry.key])
            elif self._absent(entry, doi_of[entry.key], owner_says_no, pubmed, ledger):
                records[entry.key] = None
        progress("looking up identifiers", len(entries) - 2 * third)
        return Answer(
            records=records,
            answered={k: tuple(v) for k, v in ledger.answered.items() if v},
            unavailable={k: tuple(v) for k, v in ledger.unavailable.items() if v},
        )

    def _route_misses(
        self, ledger: _Ledger, keys: Sequence[str], doi_of: dict[str, str], crossref: dict[str, Record | None]
    ) -> tuple[set[str], dict[str, Record | None]]:
        """Ask doi.org who registered each DOI Crossref lacks; ask DataCite for DataCite's."""
        missing = [k for k in keys if doi_of[k] in crossref and crossref[doi_of[k]] is None]
        if not self.crossref:
            missing = list(keys)
        owner_says_no: set[str] = set()
        to_datacite: list[str] = []
        agencies: dict[str, str] = {}
        for key in missing:
            doi = doi_of[key]
            prefix = doi.split("/", 1)[0]
            if prefix not in agencies and self.doiorg:
                agency = ledger.ask("doi.org", [key], lambda d=doi: self.doiorg.agency(d))
                if agency is None:
                    continue
                agencies[prefix] = agency
            agency = agencies.get(prefix)
            if agency is None:
                continue
            if agency == "":
                owner_says_no.add(doi)  # doi.org: no such DOI
            elif agency.lower() == "crossref" and self.crossref:
                # Crossref's prefix: its own 404 for the single work is the owner's "no".
                record = ledger.ask("crossref", [key], lambda d=doi: self.crossref.work(d))
                if record is not None:
                    crossref[doi] = record  # the batch missed it (e.g. just registered)
                elif not any(name == "crossref" for name, _ in ledger.unavailable[key]):
                    owner_says_no.add(doi)
            elif agency.lower() == "datacite" and self.datacite:
                to_datacite.append(key)
            else:
                ledger.unavailable[key].append(
                    (
                        "doi.org",
                        f"{doi} is registered with {agency or 'an unknown agency'}, "
                        "which claimcheck cannot query",
                    )
                )
        datacite: dict[str, Record | None] = {}
        if to_datacite and self.datacite:
            wanted = [doi_of[k] for k in to_datacite]
            datacite = ledger.ask("datacite", to_datacite, lambda: self.datacite.works(wanted)) or {}
            owner_says_no |= {doi for doi, record in datacite.items() if record is None}
        return owner_says_no, datacite

    @staticmethod
    def _absent(
        entry: Entry, doi: str, owner_says_no: set[str], pubmed: dict[str, Record | None], ledger: _Ledger
    ) -> bool:
        """Is the entry's identifier known not to exist, by the one who would hold it?"""
        if ledger.unavailable[entry.key]:
            return False
        if doi:
            return doi in owner_says_no
        return entry.key in pubmed and pubmed[entry.key] is None

    # -- bibliographic search -----------------------------------------------------------------

    def _searchers(self) -> list[Source]:
        named = {
            "crossref": self.crossref,
            "pubmed": self.pubmed,
            "europepmc": self.europepmc,
            "openalex": self.openalex,
            "semanticscholar": self.s2,
        }
        return [s for n in SEARCH_ORDER if (s := named[n]) is not None]

    def search_answer(self, entry: Entry) -> Answer:
        """Search (entries without identifiers only), stopping at the first acceptable match."""
        if _has_id(entry) or not entry.title:
            return Answer()
        from claimcheck.resolve import accept, assess  # resolve imports sources; avoid a cycle

        ledger = _Ledger([entry.key], self.http)
        self.progress(f"searching {entry.key}", 0)
        found: list[Record] = []
        best: Record | None = None
        for source in self._searchers():
            records = ledger.ask(source.name, [entry.key], lambda s=source: s.search(entry)) or []
            found += records
            assessed = sorted((assess(entry, r) for r in records), key=lambda c: -c.score)
            best = next((c.record for c in assessed if accept(entry, c)), None)
            if best is not None:
                break
        if best is not None and (best.doi or best.pmid):
            probe = Entry(key=entry.key, doi=best.doi, pmid=best.pmid)
            answer = self.lookup_answer([probe], report=False)
            for name in answer.answered.get(entry.key, ()):
                if name not in ledger.answered[entry.key]:
                    ledger.answered[entry.key].append(name)
            ledger.unavailable[entry.key] += answer.unavailable.get(entry.key, ())
            full = answer.records.get(entry.key)
            if full is not None:
                found = [full, *(r for r in found if r is not best)]
        self.progress(f"searched {entry.key}", 1)
        return Answer(
            answered={entry.key: tuple(ledger.answered[entry.key])},
            unavailable={entry.key: tuple(ledger.unavailable[entry.key])}
            if ledger.unavailable[entry.key]
            else {},
            found=tuple(found),
        )


def build_live_sources(
    config_sources: Mapping[str, Mapping[str, Any]] | None = None,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    http: Http | None = None,
    refresh: bool = False,
) -> LiveSources:
    """The live sources with settings from the environment and `[sources.<name>]`."""
    config_sources = config_sources or {}
    settings = {name: settings_for(name, config_sources.get(name), env) for name in LIVE_NAMES}
    settings["idconv"] = replace(
        settings_for("idconv", config_sources.get("pubmed"), env), enabled=settings["pubmed"].enabled
    )
    if http is None:
        identity = {name: (s.params, s.headers) for name, s in settings.items()}
        policies = dict(POLICIES)
        if settings["pubmed"].params.get("api_key"):  # NCBI allows 10 requests/s with a key
            policies["pubmed"] = replace(policies["pubmed"], interval=0.11)
        http = Http(default_cache_path(env), policies=policies, identity=identity)
    return LiveSources(http, settings, progress, refresh=refresh)
