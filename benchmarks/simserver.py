"""A simulated bibliographic web: Crossref, PubMed (and the PMC ID converter), OpenAlex, Semantic
Scholar, Europe PMC, DataCite and doi.org on one loopback port, each under its own path prefix
(`/crossref/works`, `/pubmed/efetch.fcgi`, ...), so claimcheck's base-URL settings point at it.

It answers in the shapes the real services use (Crossref work-lists and a text/plain 404,
E-utilities XML, OpenAlex works with inverted-index abstracts, Semantic Scholar batches with
nulls in place, Europe PMC `core` results), waits a configurable latency per request, and
enforces each service's published limits (`limits.LIMITS`): a token bucket per service and a
concurrency bound, with HTTP 429 beyond them. It counts every request, by service and by kind
(identifier look-up or search), and every 429 it sent.

Threaded (one thread per connection), so concurrent clients really run concurrently.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from benchmarks.limits import LIMITS, Limit
from benchmarks.workload import Paper

SERVICES = ("crossref", "pubmed", "idconv", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 2]


class Bucket:
    """A token bucket holding one second's worth of requests, plus a concurrency bound."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.tokens = max(1.0, limit.rate)
        self.stamp = time.monotonic()
        self.active = 0
        self.lock = threading.Lock()

    def enter(self) -> bool:
        with self.lock:
            if self.limit.concurrency and self.active >= self.limit.concurrency:
                return False
            if self.limit.rate:
                now = time.monotonic()
                capacity = max(1.0, self.limit.rate)
                self.tokens = min(capacity, self.tokens + (now - self.stamp) * self.limit.rate)
                self.stamp = now
                if self.tokens < 1.0:
                    return False
                self.tokens -= 1.0
            self.active += 1
            return True

    def leave(self) -> None:
        with self.lock:
            self.active -= 1


@dataclass
class Stats:
    requests: Counter = field(default_factory=Counter)
    #: (service, "id" | "search") -> requests
    kinds: Counter = field(default_factory=Counter)
    throttled: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.kinds.clear()
            self.throttled.clear()


class Catalogue:
    """The papers the services know, indexed by DOI, PMID and title words."""

    def __init__(self, papers: Iterable[Paper]) -> None:
        self.papers = list(papers)
        self.by_doi = {p.doi.lower(): p for p in self.papers}
        self.by_pmid = {p.pmid: p for p in self.papers}
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, paper in enumerate(self.papers):
            for word in set(_words(paper.title)):
                self.postings[word].append(i)

    def search(self, text: str, limit: int) -> list[Paper]:
        scores: Counter = Counter()
        for word in set(_words(text)):
            postings = self.postings.get(word, ())
            if len(postings) < len(self.papers) // 2 or len(self.papers) < 20:
                scores.update(postings)
        return [self.papers[i] for i, score in scores.most_common(limit) if score >= 3]


class SimulatedWeb:
    """The services' behaviour, independent of the HTTP plumbing (see `serve`)."""

    def __init__(self, papers: Iterable[Paper], latency: float = 0.08,
                 limits: dict[str, Limit] | None = None) -> None:
        self.catalogue = Catalogue(papers)
        self.latency = latency
        self.limits = dict(LIMITS if limits is None else limits)
        self.buckets = {name: Bucket(limit) for name, limit in self.limits.items()}
        self.stats = Stats()

    # -- dispatch -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: bytes,
               headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        service, _, rest = path.lstrip("/").partition("/")
        rest = unquote(rest)
        args = {k: v[-1] for k, v in query.items()}
        if method == "POST" and headers.get("content-type", "").startswith("application/x-www-form"):
            args.update({k: v[-1] for k, v in parse_qs(body.decode()).items()})
        bucket_name = self._bucket(service, rest, args, headers)
        bucket = self.buckets.get(bucket_name)
        extra: dict[str, str] = {}
        if service == "crossref":
            polite = "mailto" in args or "mailto:" in headers.get("user-agent", "")
            extra = {"x-rate-limit-limit": "10" if polite else "5", "x-rate-limit-interval": "1s",
                     "x-concurrency-limit": "3" if polite else "1",
                     "x-api-pool": "polite" if polite else "public"}
        with self.stats.lock:
            self.stats.requests[service] += 1
        if bucket is not None and not bucket.enter():
            with self.stats.lock:
                self.stats.throttled[service] += 1
            return 429, "text/plain", b"Too Many Requests", {**extra, "Retry-After": "1"}
        try:
            if self.latency:
                time.sleep(self.latency)
            handler = getattr(self, f"_{service}", None)
            if handler is None:
                return 404, "text/plain", b"no such service", {}
            status, ctype, payload, kind = handler(method, rest, args, body)
            with self.stats.lock:
                self.stats.kinds[(service, kind)] += 1
            return status, ctype, payload, extra
        finally:
            if bucket is not None:
                bucket.leave()

    def _bucket(self, service: str, rest: str, args: dict[str, str], headers: dict[str, str]) -> str:
        if service != "crossref":
            return service
        polite = "mailto" in args or "mailto:" in headers.get("user-agent", "")
        single = rest.startswith("works/")
        return "crossref" + ("" if polite else "-public") + ("-single" if single else "")

    @staticmethod
    def _json(data: object, status: int = 200, kind: str = "id") -> tuple[int, str, bytes, str]:
        return status, "application/json", json.dumps(data).encode(), kind

    # -- Crossref -----------------------------------------------------------------------------

    @staticmethod
    def _crossref_work(p: Paper) -> dict:
        return {
            "DOI": p.doi,
            "type": "journal-article",
            "title": [p.title],
            "author": [{"given": g, "family": f, "sequence": "additional", "affiliation": []}
                       for f, g in p.authors],
            "container-title": [p.journal],
            "published": {"date-parts": [[int(p.year)]]},
            "issued": {"date-parts": [[int(p.year)]]},
            "volume": p.volume,
            "page": p.pages,
            "score": 1.0,
        }

    def _crossref(self, method: str, rest: str, args: dict[str, str], body: bytes):
        if rest.startswith("works/"):
            paper = self.catalogue.by_doi.get(rest[len("works/"):].lower())
            if paper is None:
                return 404, "text/plain", b"Resource not found.", "id"
            return self._json({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                               "message": self._crossref_work(paper)})
        if "filter" in args:
            dois = [d.removeprefix("doi:") for d in args["filter"].split(",")]
            items = [p for d in dois if (p := self.catalogue.by_doi.get(d.lower()))]
            kind = "id"
        else:
            items = self.catalogue.search(args.get("query.bibliographic", ""), int(args.get("rows", 20)))
            kind = "search"
        message = {"facets": {}, "total-results": len(items), "items-per-page": len(items),
                   "items": [self._crossref_work(p) for p in items]}
        return self._json({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                           "message": message}, kind=kind)

    # -- doi.org and DataCite -------------------------------------------------------------------

    def _doiorg(self, method: str, rest: str, args: dict[str, str], body: bytes):
        if rest.startswith("doiRA/"):  # doi.org's agency of several DOIs at once, as peers ask
            return self._json([{"DOI": d, "RA": "Crossref"} for d in rest[len("doiRA/"):].split(",")])
        prefix = rest.removeprefix("ra/")
        return self._json([{"DOI": prefix, "RA": "Crossref"}])

    def _dblp(self, method: str, rest: str, args: dict[str, str], body: bytes):
        """dblp's SPARQL endpoint (peers ask it): it holds none of these biomedical papers."""
        return self._json({"head": {"vars": []}, "results": {"bindings": []}}, kind="search")

    def _datacite(self, method: str, rest: str, args: dict[str, str], body: bytes):
        return self._json({"errors": [{"status": "404", "title": "The resource you are looking for "
                                       "doesn't exist."}]}, status=404)

    # -- PubMed ---------------------------------------------------------------------------------

    def _pubmed(self, method: str, rest: str, args: dict[str, str], body: bytes):
        if rest == "esearch.fcgi":
            term = args.get("term", "")
            dois = re.findall(r'"([^"]+)"\[aid\]', term)
            if dois:
                hits = [p.pmid for d in dois if (p := self.catalogue.by_doi.get(d.lower()))]
                kind = "id"
            else:
                title = " ".join(re.findall(r"(\w+)\[ti\]", term))
                hits = [p.pmid for p in self.catalogue.search(title, int(args.get("retmax", 20)))]
                kind = "search"
            ids = "".join(f"<Id>{h}</Id>" for h in hits)
            text = (f'<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult>\n<eSearchResult>'
                    f"<Count>{len(hits)}</Count><RetMax>{len(hits)}</RetMax><RetStart>0</RetStart>"
                    f"<IdList>{ids}</IdList></eSearchResult>")
            return 200, "text/xml; charset=UTF-8", text.encode(), kind
        if rest == "efetch.fcgi":
            papers = [p for i in args.get("id", "").split(",") if (p := self.catalogue.by_pmid.get(i))]
            text = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet>\n<PubmedArticleSet>'
                    + "".join(map(self._medline, papers)) + "</PubmedArticleSet>")
            return 200, "text/xml; charset=UTF-8", text.encode(), "id"
        if rest == "esummary.fcgi":  # JSON (retmode=json), as peers use it
            papers = [p for i in args.get("id", "").split(",") if (p := self.catalogue.by_pmid.get(i))]
            result: dict = {"uids": [p.pmid for p in papers]}
            for p in papers:
                result[p.pmid] = {
                    "uid": p.pmid, "pubdate": p.year, "source": p.journal, "fulljournalname": p.journal,
                    "title": p.title, "volume": p.volume, "issue": "", "pages": p.pages,
                    "authors": [{"name": f"{f} {g}", "authtype": "Author"} for f, g in p.authors],
                    "articleids": [{"idtype": "pubmed", "value": p.pmid}, {"idtype": "doi", "value": p.doi}],
                    "pubtype": ["Journal Article"], "references": [],
                }
            return self._json({"header": {"type": "esummary", "version": "0.3"}, "result": result})
        text = "<eSummaryResult><ERROR>unsupported</ERROR></eSummaryResult>"
        return 200, "text/xml", text.encode(), "id"

    @staticmethod
    def _medline(p: Paper) -> str:
        authors = "".join(
            f'<Author ValidYN="Y"><LastName>{escape(f)}</LastName><ForeName>{escape(g)}</ForeName>'
            f"<Initials>{escape(g)}</Initials></Author>" for f, g in p.authors
        )
        abstract = (f"<Abstract><AbstractText>{escape(p.abstract)}</AbstractText></Abstract>"
                    if p.abstract else "")
        start, _, end = p.pages.partition("-")
        return (
            f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{p.pmid}</PMID>'
            f'<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Internet"><Volume>{p.volume}'
            f"</Volume><PubDate><Year>{p.year}</Year></PubDate></JournalIssue><Title>{escape(p.journal)}"
            f"</Title></Journal><ArticleTitle>{escape(p.title)}</ArticleTitle><Pagination><StartPage>"
            f"{start}</StartPage><EndPage>{end}</EndPage><MedlinePgn>{p.pages}</MedlinePgn></Pagination>"
            f'<ELocationID EIdType="doi" ValidYN="Y">{p.doi}</ELocationID>{abstract}'
            f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
            '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>'
            "</PublicationTypeList></Article><MeshHeadingList><MeshHeading>"
            '<DescriptorName UI="D007333" MajorTopicYN="N">Insulin Resistance</DescriptorName>'
            "</MeshHeading></MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{p.pmid}</ArticleId><ArticleId IdType="doi">{p.doi}</ArticleId>'
            "</ArticleIdList></PubmedData></PubmedArticle>"
        )

    def _idconv(self, method: str, rest: str, args: dict[str, str], body: bytes):
        records = [{"pmcid": i, "status": "error", "errmsg": "invalid article id"}
                   for i in args.get("ids", "").split(",")]
        return self._json({"status": "ok", "responseDate": "2026-01-01 00:00:00", "records": records})

    # -- OpenAlex -------------------------------------------------------------------------------

    @staticmethod
    def _openalex_work(p: Paper) -> dict:
        index: dict[str, list[int]] = {}
        for position, word in enumerate(p.abstract.split()):
            index.setdefault(word, []).append(position)
        first, _, last = p.pages.partition("-")
        return {
            "id": f"https://openalex.org/W{p.pmid}",
            "doi": f"https://doi.org/{p.doi}",
            "title": p.title,
            "display_name": p.title,
            "publication_year": int(p.year),
            "publication_date": f"{p.year}-01-01",
            "ids": {"openalex": f"https://openalex.org/W{p.pmid}", "doi": f"https://doi.org/{p.doi}",
                    "pmid": f"https://pubmed.ncbi.nlm.nih.gov/{p.pmid}"},
            "type": "article",
            "authorships": [{"author_position": "middle", "author": {"display_name": f"{g} {f}"},
                             "raw_author_name": f"{g} {f}"} for f, g in p.authors],
            "primary_location": {"source": {"display_name": p.journal, "type": "journal"}},
            "biblio": {"volume": p.volume, "issue": None, "first_page": first, "last_page": last},
            "is_retracted": False,
            "abstract_inverted_index": index or None,
        }

    def _openalex(self, method: str, rest: str, args: dict[str, str], body: bytes):
        if rest.startswith("works/doi:"):
            paper = self.catalogue.by_doi.get(rest[len("works/doi:"):].lower())
            if paper is None:
                return 404, "text/html; charset=utf-8", b"<!doctype html><title>404 Not Found</title>", "id"
            return self._json(self._openalex_work(paper))
        if "filter" in args:
            dois = args["filter"].removeprefix("doi:").split("|")
            papers = [p for d in dois if (p := self.catalogue.by_doi.get(d.lower()))]
            kind = "id"
        else:
            papers = self.catalogue.search(args.get("search", ""), int(args.get("per-page", 25)))
            kind = "search"
        meta = {"count": len(papers), "db_response_time_ms": 12, "page": 1, "per_page": len(papers)}
        return self._json({"meta": meta, "results": [self._openalex_work(p) for p in papers],
                           "group_by": []}, kind=kind)

    # -- Europe PMC -----------------------------------------------------------------------------

    def _europepmc(self, method: str, rest: str, args: dict[str, str], body: bytes):
        query = args.get("query", "")
        dois = re.findall(r'DOI:"([^"]+)"', query)
        pmids = re.findall(r"EXT_ID:(\d+)", query)
        if dois or pmids:
            papers = [p for d in dois if (p := self.catalogue.by_doi.get(d.lower()))]
            papers += [p for i in pmids if (p := self.catalogue.by_pmid.get(i))]
            kind = "id"
        else:
            papers = self.catalogue.search(" ".join(re.findall(r'TITLE:"([^"]+)"', query)),
                                           int(args.get("pageSize", 25)))
            kind = "search"
        results = []
        for p in papers:
            results.append({
                "id": p.pmid, "source": "MED", "pmid": p.pmid, "doi": p.doi, "title": p.title,
                "pubYear": p.year,
                "authorList": {"author": [{"fullName": f"{f} {g}", "firstName": g, "lastName": f,
                                           "initials": g} for f, g in p.authors]},
                "journalInfo": {"volume": p.volume, "yearOfPublication": int(p.year),
                                "journal": {"title": p.journal}},
                "pageInfo": p.pages,
                "abstractText": p.abstract,
                "pubTypeList": {"pubType": ["Journal Article"]},
            })
        return self._json({"version": "6.9", "hitCount": len(results), "request": {"queryString": query},
                           "resultList": {"result": results}}, kind=kind)

    # -- Semantic Scholar -----------------------------------------------------------------------

    @staticmethod
    def _s2_paper(p: Paper) -> dict:
        return {
            "paperId": f"{int(p.pmid):040x}",
            "externalIds": {"DOI": p.doi, "PubMed": p.pmid},
            "title": p.title,
            "venue": p.journal,
            "journal": {"name": p.journal, "volume": p.volume, "pages": p.pages},
            "year": int(p.year),
            "publicationDate": f"{p.year}-01-01",
            "abstract": p.abstract or None,
            "authors": [{"authorId": None, "name": f"{g} {f}"} for f, g in p.authors],
            "publicationTypes": ["JournalArticle"],
        }

    def _semanticscholar(self, method: str, rest: str, args: dict[str, str], body: bytes):
        if rest == "paper/batch":
            ids = json.loads(body or b"{}").get("ids", [])
            answers = []
            for ident in ids:
                kind, _, value = ident.partition(":")
                paper = (self.catalogue.by_doi.get(value.lower()) if kind == "DOI"
                         else self.catalogue.by_pmid.get(value))
                answers.append(self._s2_paper(paper) if paper else None)
            return self._json(answers)
        matches = self.catalogue.search(args.get("query", ""), 1)
        if not matches:
            return self._json({"error": "Title match not found"}, status=404, kind="search")
        return self._json({"data": [{**self._s2_paper(matches[0]), "matchScore": 250.0}]}, kind="search")


def _handler_for(web: SimulatedWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, ctype, payload, extra = web.handle(
                self.command, parts.path, parse_qs(parts.query, keep_blank_values=True), body, headers
            )
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


class Server:
    """The simulated web on 127.0.0.1 (an ephemeral port), in a background thread."""

    def __init__(self, web: SimulatedWeb, port: int = 0) -> None:
        self.web = web
        ThreadingHTTPServer.daemon_threads = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(web))
        self.httpd.request_queue_size = 128
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def environment(self) -> dict[str, str]:
        """Base-URL variables pointing claimcheck at this server."""
        names = {"idconv": "CLAIMCHECK_PMC_IDCONV_URL"}
        return {names.get(s, f"CLAIMCHECK_{s.upper()}_URL"): f"{self.url}/{s}" for s in SERVICES}
