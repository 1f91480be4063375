"""The live sources as one: identifier-first routing, batched look-ups, merged records.

Look-up (entries with a DOI, PMID or PMCID), batched per service; steps 1-3 run concurrently
(DOIs that only PubMed gives follow in a second round), and answers are booked in this order:

1. PubMed: PMCIDs through the ID converter, DOIs through one OR'd esearch, then efetch for all
   PMIDs (this also gives DOIs to entries that printed only a PMID).
2. Crossref by DOI (`filter=doi:` batches). DOIs Crossref lacks are routed by doi.org's agency
   look-up: DataCite DOIs go to DataCite; only the owning agency's "no" (or doi.org's "DOI does
   not exist") makes an entry absent, i.e. `not-found`.
3. OpenAlex and Europe PMC by DOI/PMID (abstracts, retraction flags, comment/corrections).
4. Semantic Scholar's batch for entries still without an abstract.

Search only for entries with no identifier, source by source, stopping at the first that yields
an acceptable match; entries are searched concurrently and all matches are then looked up by
their identifiers in one batched round, like any other entry, so that their notices are known.
Every service that fails is recorded against the entries it was asked about (decision 0500).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import replace
from typing import Any

from claimcheck.model import Entry, Outage, Record
from claimcheck.normalize import fold
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


#: Attempts at one adapter call whose answer could not be used (unparseable, wrong shape): the
#: HTTP layer retries what it can check (empty, HTML, malformed JSON/XML); this covers the rest.
_PARSE_ATTEMPTS = 3


def _parsed(http: Http | None, name: str, call: Callable[[], Any]) -> Any:
    """The call's result; an answer the adapter could not use is dropped and asked again."""
    for attempt in range(1, _PARSE_ATTEMPTS + 1):
        try:
            # Answers the adapter could not use are dropped from the cache, never reused.
            with http.kept_if_parsed() if http else contextlib.nullcontext():
                return call()
        except SourceUnavailable as exc:
            if exc.kind not in {"unparseable", "unexpected-answer"} or attempt == _PARSE_ATTEMPTS:
                raise
        except _SHAPE_ERRORS as exc:
            if attempt == _PARSE_ATTEMPTS:
                reason = f"unexpected answer ({type(exc).__name__}), {attempt} times"
                raise SourceUnavailable(name, reason, 200, "unexpected-answer") from None
    raise AssertionError("unreachable")


class _Ledger:
    """Who answered about which entry, and who could not (and how)."""

    def __init__(self, keys: Sequence[str], http: Http | None = None) -> None:
        self.answered: dict[str, list[str]] = {k: [] for k in keys}
        self.unavailable: dict[str, list[Outage]] = {k: [] for k in keys}
        self.http = http

    def failed(self, keys: Sequence[str], exc: SourceUnavailable) -> None:
        outage = Outage(_SHOWN.get(exc.source, exc.source), exc.reason, exc.status, exc.kind)
        for key in keys:
            self.unavailable[key].append(outage)

    def ask(self, name: str, keys: Sequence[str], call: Callable[[], Any]) -> Any:
        if not keys:
            return None
        try:
            result = _parsed(self.http, _SHOWN.get(name, name), call)
        except SourceUnavailable as exc:
            self.failed(keys, exc)
            return None
        for key in keys:
            if name not in self.answered[key]:
                self.answered[key].append(name)
        return result

    def take(self, name: str, keys: Sequence[str], future: Future | None) -> Any:
        """`ask`, for a call already running on a worker (which did the re-asking)."""
        if future is None or not keys:
            return None
        try:
            result = future.result()
        except SourceUnavailable as exc:
            exc.source = exc.source or name
            self.failed(keys, exc)
            return None
        for key in keys:
            if name not in self.answered[key]:
                self.answered[key].append(name)
        return result


class _Submitter:
    """Starts a call on the pool when its service is on and has work (else no future)."""

    def __init__(self, pool: ThreadPoolExecutor, http: Http | None = None) -> None:
        self.pool = pool
        self.http = http

    def __call__(self, wanted: Any, call: Callable[[], Any]) -> Future | None:
        if not wanted:
            return None
        http = self.http

        def guarded() -> Any:
            # The answers to forget when parsing fails are tracked per thread (a context
            # variable): the guard must be entered on the worker that makes the requests.
            return _parsed(http, "", call)

        return self.pool.submit(guarded)


def _after(first: Future | None, call: Callable[[], Any]) -> Callable[[], Any]:
    """A second round to a service: it waits for the first (answers stay in a fixed order). A
    first round that failed does not fail the second: the service's circuit breaker decides
    whether it is down, so one unlucky request costs only the entries it was about."""

    def run() -> Any:
        if first is not None:
            first.exception()  # wait; its failure is booked against its own entries
        return call()

    return run


def _booked(ledger: _Ledger, name: str, *rounds: tuple[Sequence[str], Future | None]) -> dict:
    """The answers of a service's rounds, booked against the entries each round was about."""
    merged: dict = {}
    for keys, future in rounds:
        merged.update(ledger.take(name, keys, future) or {})
    return merged


class LiveSources(Source):
    """Crossref, PubMed, OpenAlex, Semantic Scholar, Europe PMC, DataCite behind one interface."""

    name = "live"
    #: Look-ups here need a DOI, PMID or PMCID, so entries without one can be searched meanwhile.
    lookup_needs_identifiers = True

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
        entries, unconverted = self._converted(entries, ledger)
        to_pubmed = [e for e in entries if e.key not in unconverted]
        # Every service that needs nothing from another starts at once, each on its own worker
        # (the HTTP layer paces each service); DOIs learnt from PubMed follow in a second round.
        # Answers are booked in the fixed order below, so who-answered lists stay deterministic.
        printed = [e.key for e in entries if e.doi]
        printed_dois = [e.doi for e in entries if e.doi]
        with ThreadPoolExecutor(max_workers=6, thread_name_prefix="claimcheck-lookup") as pool:
            submit = _Submitter(pool, self.http)
            f_pubmed = submit(self.pubmed and to_pubmed, lambda: self.pubmed.lookup(to_pubmed))
            f_crossref = submit(
                self.crossref and printed, lambda: self.crossref.works(printed_dois, confirm=False)
            )
            f_openalex = submit(self.openalex and printed, lambda: self.openalex.works(printed_dois))
            probes = [Entry(key=e.key, doi=e.doi, pmid=e.pmid) for e in entries if e.doi or e.pmid]
            f_europepmc = submit(self.europepmc and probes, lambda: self.europepmc.lookup(probes))
            pubmed_keys = [e.key for e in to_pubmed]
            pubmed: dict[str, Record | None] = ledger.take("pubmed", pubmed_keys, f_pubmed) or {}
            doi_of = {e.key: e.doi or ((pubmed.get(e.key) or Record("", "")).doi) for e in entries}
            learnt = [e.key for e in entries if not e.doi and doi_of[e.key]]
            learnt_dois = [doi_of[k] for k in learnt]
            late_crossref = submit(
                self.crossref and learnt,
                _after(f_crossref, lambda: self.crossref.works(learnt_dois, confirm=False)),
            )
            late_openalex = submit(
                self.openalex and learnt, _after(f_openalex, lambda: self.openalex.works(learnt_dois))
            )
            unprobed = [
                Entry(key=e.key, doi=doi_of[e.key])
                for e in entries
                if not e.pmid and not e.doi and doi_of[e.key]
            ]
            late_europepmc = submit(
                self.europepmc and unprobed, _after(f_europepmc, lambda: self.europepmc.lookup(unprobed))
            )
            with_doi = [k for k in keys if doi_of[k]]
            crossref: dict[str, Record | None] = {}
            if self.crossref:
                crossref = _booked(ledger, "crossref", (printed, f_crossref), (learnt, late_crossref))
            progress("looking up identifiers", third)
            owner_says_no, datacite = self._route_misses(ledger, with_doi, doi_of, crossref)
            openalex: dict[str, Record | None] = {}
            if self.openalex:
                openalex = _booked(ledger, "openalex", (printed, f_openalex), (learnt, late_openalex))
            europepmc: dict[str, Record | None] = {}
            if self.europepmc:
                europepmc = _booked(
                    ledger,
                    "europepmc",
                    ([p.key for p in probes], f_europepmc),
                    ([p.key for p in unprobed], late_europepmc),
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
            held={k: tuple(dict.fromkeys(r.source for r in v)) for k, v in merged.items() if v},
        )

    def _converted(self, entries: list[Entry], ledger: _Ledger) -> tuple[list[Entry], set[str]]:
        """PMCID-only entries with the PMID and DOI the PMC ID converter gives, asked first and
        on its own: a PubMed outage then still leaves Europe PMC, Crossref and OpenAlex able to
        look them up, and a converter outage costs only the entries that needed it (returned,
        booked, and not given to PubMed's look-up)."""
        needing = [e for e in entries if e.pmcid and not e.pmid]
        if not needing or not self.pubmed:
            return entries, set()
        pmcids = [e.pmcid for e in needing]
        try:
            converted = _parsed(self.http, "pubmed", lambda: self.pubmed.convert(pmcids))
        except SourceUnavailable as exc:
            ledger.failed([e.key for e in needing], exc)
            return entries, {e.key for e in needing}
        out = []
        for entry in entries:
            ids = converted.get(entry.pmcid) if entry.pmcid and not entry.pmid else None
            if ids and ids.get("pmid"):
                entry = replace(entry, pmid=ids["pmid"], doi=entry.doi or ids.get("doi", ""))
            out.append(entry)
        return out, set()

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
                elif not any(o.service == "crossref" for o in ledger.unavailable[key]):
                    owner_says_no.add(doi)
            elif agency.lower() == "datacite" and self.datacite:
                to_datacite.append(key)
            else:
                agency = agency or "an unknown agency"
                reason = f"{doi} is registered with {agency}, which claimcheck cannot query"
                ledger.unavailable[key].append(Outage("doi.org", reason, None, "unsupported-agency"))
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
        return self.search_many([entry]).get(entry.key, Answer())

    def _search_one(self, entry: Entry) -> tuple[_Ledger, list[Record], Record | None]:
        """One entry's search, source by source, up to the first acceptable match."""
        from claimcheck.resolve import accept, assess  # resolve imports sources; avoid a cycle

        ledger = _Ledger([entry.key], self.http)
        found: list[Record] = []
        best: Record | None = None
        exact: Record | None = None
        for source in self._searchers():
            records = ledger.ask(source.name, [entry.key], lambda s=source: s.search(entry)) or []
            found += records
            assessed = sorted((assess(entry, r) for r in records), key=lambda c: -c.score)
            best = best or next((c.record for c in assessed if accept(entry, c)), None)
            exact = next((r for r in records if fold(r.title) == fold(entry.title)), None)
            # While a searcher failed, an acceptable match may not be the one the failed searcher
            # would have given: go on to an exact title (decision 0201).
            if exact is not None or (best is not None and not ledger.unavailable[entry.key]):
                break
        return ledger, found, exact or best

    def search_many(self, entries: Sequence[Entry]) -> dict[str, Answer]:
        """Search every entry without identifiers, each stopping at its first acceptable match.

        Entries are searched concurrently (the HTTP layer paces each service, so the slowest
        service stays busy instead of waiting on the others); the matches are then looked up by
        their identifiers in one batched look-up, so their notices are known.
        """
        todo = [e for e in entries if not _has_id(e) and e.title]
        if not todo:
            return {}
        searched: dict[str, tuple[_Ledger, list[Record], Record | None]] = {}
        workers = min(8, len(todo))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="claimcheck-search") as pool:
            futures = {pool.submit(self._search_one, e): e for e in todo}
            for future in as_completed(futures):
                entry = futures[future]
                searched[entry.key] = future.result()
                self.progress(f"searched {entry.key}", 1)
        probes = [
            Entry(key=e.key, doi=best.doi, pmid=best.pmid)
            for e in todo
            if (best := searched[e.key][2]) is not None and (best.doi or best.pmid)
        ]
        looked_up = self.lookup_answer(probes, report=False) if probes else Answer()
        answers: dict[str, Answer] = {}
        for entry in todo:
            ledger, found, best = searched[entry.key]
            key = entry.key
            if best is not None and (best.doi or best.pmid):
                for name in looked_up.answered.get(key, ()):
                    if name not in ledger.answered[key]:
                        ledger.answered[key].append(name)
                ledger.unavailable[key] += looked_up.unavailable.get(key, ())
                full = looked_up.records.get(key)
                if full is not None:
                    found = [full, *(r for r in found if r is not best)]
            # A match whose look-up failed was seen only in a search result: its notices were
            # not checked, whoever found it (decision 0201).
            held = (looked_up.held.get(key) or ("search result",)) if best is not None else ()
            answers[key] = Answer(
                answered={key: tuple(ledger.answered[key])},
                unavailable={key: tuple(ledger.unavailable[key])} if ledger.unavailable[key] else {},
                found=tuple(found),
                held={key: held} if held else {},
            )
        return answers


def build_live_sources(
    config_sources: Mapping[str, Mapping[str, Any]] | None = None,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    http: Http | None = None,
    refresh: bool = False,
    cache_backend: str = "sqlite",
    cache_url: str = "",
) -> LiveSources:
    """The live sources with settings from the environment and `[sources.<name>]`, and the HTTP
    cache `[cache]` names (SQLite in the user cache directory, a shared Redis, or memory)."""
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
        crossref = settings["crossref"]
        if not crossref.params.get("mailto") and not crossref.headers:
            # Crossref's public pool (no mailto, no Plus key) allows 1 list request/s, not 3.
            policies["crossref"] = replace(policies["crossref"], interval=1.0)
        env_ = os.environ if env is None else env
        cache_path = default_cache_path(env)
        redis_url = ""
        if cache_backend == "memory":
            cache_path = None
        elif cache_backend == "redis" and cache_path is not None:  # CLAIMCHECK_CACHE=off still wins
            redis_url = env_.get("CLAIMCHECK_CACHE_URL") or cache_url
        http = Http(cache_path, policies=policies, identity=identity, redis_url=redis_url)
    return LiveSources(http, settings, progress, refresh=refresh)
