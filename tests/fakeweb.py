"""Hand-made stand-ins for the bibliographic services, served over real sockets by pytest-httpserver.

The bodies are written here, shaped like the real replies (checked against the recordings in
../shared, which tests never copy): Crossref work-lists and a text/plain 404, E-utilities XML,
OpenAlex works with inverted-index abstracts and an HTML 404, Semantic Scholar batches with
nulls in place and the "Title match not found" 404, Europe PMC `core` results, DataCite
JSON:API, and doi.org's agency answers. Each service can be told to fail (503) or hang (timeout).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

SERVICES = ("crossref", "pubmed", "idconv", "openalex", "semanticscholar", "europepmc", "datacite", "doiorg")


@dataclass
class Paper:
    doi: str
    title: str
    authors: list[tuple[str, str]]
    journal: str
    year: str
    volume: str = ""
    pages: str = ""
    pmid: str = ""
    abstract: str = ""
    agency: str = "Crossref"
    #: DOI of a retraction notice (Crossref updated-by, PubMed RetractionIn, OpenAlex is_retracted)
    retracted_by: str = ""
    corrected_by: str = ""
    #: The paper is itself a retraction notice of this DOI.
    retracts: str = ""
    pmcid: str = ""


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


@dataclass
class FakeWeb:
    papers: list[Paper]
    #: service -> "503" | "429" | "timeout" | "garbage"
    faults: dict[str, str] = field(default_factory=dict)
    hang: float = 2.0
    #: (service, method, path) of every request that reached the server
    log: list[tuple[str, str, str]] = field(default_factory=list)

    def by_doi(self, doi: str) -> Paper | None:
        return next((p for p in self.papers if p.doi.lower() == doi.lower()), None)

    def by_pmid(self, pmid: str) -> Paper | None:
        return next((p for p in self.papers if p.pmid and p.pmid == pmid), None)

    def by_title(self, query: str) -> list[Paper]:
        wanted = _words(query)
        scored = [(len(wanted & _words(p.title)), p) for p in self.papers]
        return [p for score, p in sorted(scored, key=lambda s: -s[0]) if score >= 3]

    def count(self, service: str) -> int:
        return sum(1 for s, _, _ in self.log if s == service)

    # -- dispatch -----------------------------------------------------------------------------

    def __call__(self, request: Request) -> Response:
        service, _, rest = request.path.lstrip("/").partition("/")
        self.log.append((service, request.method, rest))
        fault = self.faults.get(service)
        if fault == "503":
            return Response("Service Unavailable", status=503, content_type="text/plain")
        if fault == "429":
            return Response("Too Many Requests", status=429, headers={"Retry-After": "0"})
        if fault == "timeout":
            time.sleep(self.hang)
        if fault == "garbage":
            return Response("<html>maintenance</html>", status=200, content_type="text/html")
        handler = getattr(self, f"_{service}", None)
        if handler is None:
            return Response("no such service", status=500)
        return handler(request, unquote(rest))

    @staticmethod
    def _json(data: object, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    # -- Crossref -----------------------------------------------------------------------------

    def _crossref_work(self, p: Paper) -> dict:
        work = {
            "DOI": p.doi,
            "type": "journal-article",
            "title": [p.title],
            "author": [{"family": f, "given": g} if g else {"name": f} for f, g in p.authors],
            "container-title": [p.journal],
            "issued": {"date-parts": [[int(p.year)]]},
            "volume": p.volume,
            "page": p.pages,
        }
        if p.retracted_by:
            work["updated-by"] = [
                {
                    "DOI": p.retracted_by,
                    "type": "retraction",
                    "source": "retraction-watch",
                    "updated": {"date-parts": [[2020, 1, 2]], "date-time": "2020-01-02T00:00:00Z"},
                },
            ]
        if p.corrected_by:
            work["updated-by"] = [{"DOI": p.corrected_by, "type": "correction", "source": "publisher"}]
        if p.retracts:
            work["update-to"] = [{"DOI": p.retracts, "type": "retraction", "source": "publisher"}]
        return work

    def _crossref(self, request: Request, rest: str) -> Response:
        if rest.startswith("works/"):
            paper = self.by_doi(rest[len("works/") :])
            if paper is None or paper.agency != "Crossref":
                return Response("Resource not found.", status=404, content_type="text/plain")
            return self._json({"status": "ok", "message-type": "work", "message": self._crossref_work(paper)})
        if "filter" in request.args:
            dois = [d.removeprefix("doi:") for d in request.args["filter"].split(",")]
            items = [p for d in dois if (p := self.by_doi(d)) and p.agency == "Crossref"]
        else:
            items = self.by_title(request.args.get("query.bibliographic", ""))[
                : int(request.args.get("rows", 5))
            ]
        message = {"items": [self._crossref_work(p) for p in items], "total-results": len(items)}
        return self._json({"status": "ok", "message-type": "work-list", "message": message})

    # -- doi.org and DataCite -------------------------------------------------------------------

    def _doiorg(self, request: Request, rest: str) -> Response:
        prefix = rest.removeprefix("ra/")
        agencies = {p.doi.split("/")[0]: p.agency for p in self.papers}
        agencies.setdefault("10.3280", "mEDRA")
        if prefix.startswith("10.9999"):
            return self._json([{"DOI": prefix, "status": "DOI does not exist"}])
        return self._json([{"DOI": prefix, "RA": agencies.get(prefix, "Crossref")}])

    def _datacite(self, request: Request, rest: str) -> Response:
        paper = self.by_doi(rest.removeprefix("dois/"))
        if paper is None or paper.agency != "DataCite":
            return self._json(
                {"errors": [{"status": "404", "title": "The resource you are looking for doesn't exist."}]},
                status=404,
            )
        attributes = {
            "doi": paper.doi,
            "titles": [{"title": paper.title}],
            "creators": [
                {"name": f"{f}, {g}", "nameType": "Personal", "givenName": g, "familyName": f}
                for f, g in paper.authors
            ],
            "publicationYear": int(paper.year),
            "container": {},
            "types": {"resourceTypeGeneral": "Preprint"},
            "descriptions": [{"description": paper.abstract, "descriptionType": "Abstract"}],
        }
        return self._json({"data": {"id": paper.doi, "type": "dois", "attributes": attributes}})

    # -- PubMed ---------------------------------------------------------------------------------

    def _pubmed(self, request: Request, rest: str) -> Response:
        args = request.values
        if rest == "esearch.fcgi":
            term = args.get("term", "")
            dois = re.findall(r'"([^"]+)"\[aid\]', term)
            if dois:
                hits = [p.pmid for d in dois if (p := self.by_doi(d)) and p.pmid]
            else:
                title = " ".join(re.findall(r"(\w+)\[ti\]", term))
                hits = [p.pmid for p in self.by_title(title) if p.pmid]
            ids = "".join(f"<Id>{h}</Id>" for h in hits)
            body = (
                f'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>{len(hits)}</Count>'
                f"<RetMax>{len(hits)}</RetMax><RetStart>0</RetStart><IdList>{ids}</IdList>"
                "</eSearchResult>"
            )
            return Response(body, content_type="text/xml; charset=UTF-8")
        if rest == "efetch.fcgi":
            papers = [p for i in args.get("id", "").split(",") if (p := self.by_pmid(i))]
            body = '<?xml version="1.0" ?>\n<PubmedArticleSet>' + "".join(map(self._medline, papers))
            return Response(body + "</PubmedArticleSet>", content_type="text/xml; charset=UTF-8")
        return Response("<eSummaryResult><ERROR>unknown</ERROR></eSummaryResult>", content_type="text/xml; charset=UTF-8")

    @staticmethod
    def _medline(p: Paper) -> str:
        authors = "".join(
            f"<Author><LastName>{escape(f)}</LastName><Initials>{escape(g)}</Initials></Author>"
            if g
            else f"<Author><CollectiveName>{escape(f)}</CollectiveName></Author>"
            for f, g in p.authors
        )
        types = '<PublicationType UI="D016428">Journal Article</PublicationType>'
        comments = ""
        if p.retracted_by:
            types += '<PublicationType UI="D016441">Retracted Publication</PublicationType>'
            comments = (
                '<CommentsCorrectionsList><CommentsCorrections RefType="RetractionIn">'
                "<RefSource>Notice</RefSource><PMID>99999999</PMID></CommentsCorrections>"
                "</CommentsCorrectionsList>"
            )
        abstract = ""
        if p.abstract:
            abstract = (
                f'<Abstract><AbstractText Label="BACKGROUND">{escape(p.abstract)}</AbstractText></Abstract>'
            )
        return (
            f'<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">{p.pmid}</PMID>'
            f"<Article><Journal><JournalIssue><Volume>{p.volume}</Volume><PubDate><Year>{p.year}</Year>"
            f"</PubDate></JournalIssue><Title>{escape(p.journal)}</Title></Journal>"
            f"<ArticleTitle>{escape(p.title)}</ArticleTitle><Pagination><MedlinePgn>{p.pages}</MedlinePgn>"
            f'</Pagination><ELocationID EIdType="doi">{p.doi}</ELocationID>{abstract}'
            f'<AuthorList CompleteYN="Y">{authors}</AuthorList><PublicationTypeList>{types}'
            f"</PublicationTypeList></Article>{comments}<MeshHeadingList><MeshHeading>"
            '<DescriptorName UI="D007333">Insulin Resistance</DescriptorName></MeshHeading>'
            "</MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{p.pmid}</ArticleId><ArticleId IdType="doi">{p.doi}</ArticleId>'
            "</ArticleIdList></PubmedData></PubmedArticle>"
        )

    def _idconv(self, request: Request, rest: str) -> Response:
        records = []
        for ident in request.args.get("ids", "").split(","):
            paper = next((p for p in self.papers if p.pmcid and p.pmcid == ident), None)
            if paper:
                records.append({"pmcid": paper.pmcid, "pmid": paper.pmid, "doi": paper.doi})
            else:
                records.append({"pmcid": ident, "status": "error", "errmsg": "invalid article id"})
        return self._json({"status": "ok", "records": records})

    # -- OpenAlex -------------------------------------------------------------------------------

    def _openalex_work(self, p: Paper) -> dict:
        index: dict[str, list[int]] = {}
        for position, word in enumerate(p.abstract.split()):
            index.setdefault(word, []).append(position)
        return {
            "id": f"https://openalex.org/W{abs(hash(p.doi)) % 10**9}",
            "doi": f"https://doi.org/{p.doi}",
            "title": p.title,
            "publication_year": int(p.year),
            "ids": {"pmid": f"https://pubmed.ncbi.nlm.nih.gov/{p.pmid}"} if p.pmid else {},
            "authorships": [{"author": {"display_name": f"{g} {f}"}} for f, g in p.authors],
            "primary_location": {"source": {"display_name": p.journal}},
            "biblio": {"volume": p.volume},
            "is_retracted": bool(p.retracted_by),
            "abstract_inverted_index": index or None,
        }

    def _openalex(self, request: Request, rest: str) -> Response:
        if rest.startswith("works/doi:"):
            paper = self.by_doi(rest[len("works/doi:") :])
            if paper is None:
                return Response(
                    "<!doctype html><title>404 Not Found</title>",
                    status=404,
                    content_type="text/html; charset=utf-8",
                )
            return self._json(self._openalex_work(paper))
        if "filter" in request.args:
            dois = request.args["filter"].removeprefix("doi:").split("|")
            papers = [p for d in dois if (p := self.by_doi(d))]
        else:
            papers = self.by_title(request.args.get("search", ""))
        return self._json(
            {"meta": {"count": len(papers)}, "results": [self._openalex_work(p) for p in papers]}
        )

    # -- Europe PMC -----------------------------------------------------------------------------

    def _europepmc(self, request: Request, rest: str) -> Response:
        query = request.args.get("query", "")
        dois = re.findall(r'DOI:"([^"]+)"', query)
        pmids = re.findall(r"EXT_ID:(\d+)", query)
        if dois or pmids:
            papers = [p for d in dois if (p := self.by_doi(d))] + [p for i in pmids if (p := self.by_pmid(i))]
        else:
            papers = self.by_title(" ".join(re.findall(r'TITLE:"([^"]+)"', query)))
        results = []
        for p in papers:
            result = {
                "id": p.pmid or p.doi,
                "source": "MED" if p.pmid else "PPR",
                "pmid": p.pmid,
                "doi": p.doi,
                "title": p.title,
                "pubYear": p.year,
                "authorList": {"author": [{"lastName": f, "initials": g} for f, g in p.authors]},
                "journalInfo": {"volume": p.volume, "journal": {"title": p.journal}},
                "pubTypeList": {"pubType": ["Journal Article"]},
            }
            if p.retracted_by:
                result["pubTypeList"]["pubType"].append("Retracted Publication")
            results.append(result)
        return self._json({"hitCount": len(results), "resultList": {"result": results}})

    # -- Semantic Scholar -----------------------------------------------------------------------

    def _s2_paper(self, p: Paper) -> dict:
        return {
            "paperId": f"s2{abs(hash(p.doi)) % 10**9}",
            "externalIds": {"DOI": p.doi, **({"PubMed": p.pmid} if p.pmid else {})},
            "title": p.title,
            "year": int(p.year),
            "abstract": p.abstract or None,
            "authors": [{"name": f"{g} {f}"} for f, g in p.authors],
            "venue": p.journal,
        }

    def _semanticscholar(self, request: Request, rest: str) -> Response:
        if rest == "paper/batch":
            ids = json.loads(request.get_data(as_text=True))["ids"]
            answers = []
            for ident in ids:
                kind, _, value = ident.partition(":")
                paper = self.by_doi(value) if kind == "DOI" else self.by_pmid(value)
                answers.append(self._s2_paper(paper) if paper else None)
            return self._json(answers)
        matches = self.by_title(request.args.get("query", ""))
        if not matches:
            return self._json({"error": "Title match not found"}, status=404)
        return self._json({"data": [{**self._s2_paper(matches[0]), "matchScore": 99.0}]})


def environment(base: str, cache_dir: str) -> dict[str, str]:
    """Environment that points every service at the fake server, with test-fast HTTP settings."""
    env = {
        "CLAIMCHECK_OFFLINE": "0",
        "CLAIMCHECK_CACHE_DIR": cache_dir,
        "CLAIMCHECK_HTTP_TIMEOUT": "0.5",
        "CLAIMCHECK_HTTP_RETRIES": "1",
        "CLAIMCHECK_HTTP_BACKOFF": "0",
        "CLAIMCHECK_HTTP_INTERVAL": "0",
        "CLAIMCHECK_HTTP_RETRY_AFTER_CAP": "0.1",
    }
    names = {"idconv": "CLAIMCHECK_PMC_IDCONV_URL"}
    for service in SERVICES:
        env[names.get(service, f"CLAIMCHECK_{service.upper()}_URL")] = f"{base}/{service}"
    return env
