"""NCBI E-utilities for PubMed: esearch (DOI → PMID, title search), efetch XML (abstracts with their
labels, MeSH, publication types, CommentsCorrections), esummary, and the PMC ID converter.

PubMed is where publication types and MeSH come from, and the second retraction signal
(`RetractionIn`, the "Retracted Publication" type). Long ID lists are POSTed, 200 at a time.
E-utilities report some errors as HTTP 200 with an <ERROR> element: those are outages too.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from claimcheck.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from claimcheck.model import Entry, Person, Record, Update
from claimcheck.normalize import TITLE_STOPWORDS, fold
from claimcheck.sources import notices
from claimcheck.sources.base import SourceUnavailable
from claimcheck.sources.http import Http
from claimcheck.sources.live import DEFAULT_URLS, LiveSource

NAME = "pubmed"
BATCH = 200
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_SPACE = re.compile(r"\s+")


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _xml(text: str) -> ET.Element:
    try:
        root = ET.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ET.ParseError as exc:
        raise ValueError(f"malformed XML: {exc}") from None
    error = root.find("ERROR") if root.tag != "ERROR" else root
    if error is not None and _text(error):
        raise ValueError(f"E-utilities error: {_text(error)}")
    return root


def _abstract(article: ET.Element) -> str:
    """Abstract sections joined, each with its label ("METHODS: ...") as PubMed prints them."""
    parts = []
    for section in article.findall("Abstract/AbstractText"):
        body = _text(section)
        label = section.get("Label")
        if body:
            parts.append(f"{label}: {body}" if label else body)
    return "\n".join(parts)


def _person(author: ET.Element) -> Person | None:
    if author.find("CollectiveName") is not None:
        return Person(literal=_text(author.find("CollectiveName")))
    family = _text(author.find("LastName"))
    if not family:
        return None
    given = _text(author.find("ForeName")) or _text(author.find("Initials"))
    return Person(family=family, given=given)


def _pages(article: ET.Element) -> str:
    pages = _text(article.find("Pagination/MedlinePgn"))
    if pages:
        return pages
    start, end = _text(article.find("Pagination/StartPage")), _text(article.find("Pagination/EndPage"))
    return f"{start}-{end}" if start and end else start


def parse_article(node: ET.Element) -> Record:
    """One <PubmedArticle> as a record."""
    citation = node.find("MedlineCitation")
    if citation is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    pmid = normalize_pmid(_text(citation.find("PMID")))
    article = citation.find("Article")
    if article is None or not pmid:
        raise ValueError("PubmedArticle without PMID or Article")
    journal = article.find("Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    years: list[str] = []
    if issue is not None:
        pub_date = issue.find("PubDate")
        years += (
            _YEAR.findall(_text(pub_date.find("Year")) or _text(pub_date.find("MedlineDate")))
            if (pub_date is not None)
            else []
        )
    for date in article.findall("ArticleDate"):
        years += _YEAR.findall(_text(date.find("Year")))
    years = list(dict.fromkeys(years))
    doi = ""
    for location in article.findall("ELocationID"):
        if location.get("EIdType") == "doi":
            doi = normalize_doi(_text(location))
    pmcid = ""
    for ident in node.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = ident.get("IdType")
        if kind == "doi" and not doi:
            doi = normalize_doi(_text(ident))
        elif kind == "pmc":
            pmcid = normalize_pmcid(_text(ident))
    author_list = article.find("AuthorList")
    authors = tuple(
        p
        for p in (_person(a) for a in (author_list.findall("Author") if author_list is not None else []))
        if p
    )
    aliases = [
        _text(journal.find("ISOAbbreviation")) if journal is not None else "",
        _text(citation.find("MedlineJournalInfo/MedlineTA")),
    ]
    updates = []
    for comment in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        kind = notices.kind_of(comment.get("RefType", ""))
        if kind:
            notice_pmid = normalize_pmid(_text(comment.find("PMID")))
            updates.append(
                Update(
                    kind=kind,
                    notice=f"pmid:{notice_pmid}" if notice_pmid else _text(comment.find("RefSource")),
                    source=NAME,
                )
            )
    return Record(
        source=NAME,
        id=pmid,
        type="journal-article",
        title=_text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle")),
        authors=authors,
        authors_complete=(author_list is None or author_list.get("CompleteYN", "Y") != "N"),
        container_title=_text(journal.find("Title")) if journal is not None else "",
        container_aliases=tuple(dict.fromkeys(a for a in aliases if a)),
        year=years[0] if years else "",
        years=tuple(years),
        volume=_text(issue.find("Volume")) if issue is not None else "",
        issue=_text(issue.find("Issue")) if issue is not None else "",
        pages=_pages(article),
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        abstract=_abstract(article),
        publication_types=tuple(_text(t) for t in article.findall("PublicationTypeList/PublicationType")),
        mesh_terms=tuple(_text(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")),
        updates=notices.union(updates),
    )


def parse_efetch(text: str) -> list[Record]:
    """An efetch XML reply: a PubmedArticleSet (or a bare PubmedArticle) as records."""
    root = _xml(text)
    articles = [root] if root.tag == "PubmedArticle" else root.findall("PubmedArticle")
    if root.tag not in {"PubmedArticle", "PubmedArticleSet"}:
        raise ValueError(f"unexpected efetch root <{root.tag}>")
    return [parse_article(a) for a in articles]


def parse_esearch(text: str) -> list[str]:
    """PMIDs from an esearch reply (XML or JSON). No hits (PhraseNotFound) is an empty list."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        body = json.loads(stripped)
        result = body.get("esearchresult")
        if not isinstance(result, dict):
            raise ValueError("esearch JSON without esearchresult")
        if result.get("ERROR"):
            raise ValueError(f"E-utilities error: {result['ERROR']}")
        return [str(i) for i in result.get("idlist", [])]
    root = _xml(text)
    if root.tag != "eSearchResult":
        raise ValueError(f"unexpected esearch root <{root.tag}>")
    return [_text(i) for i in root.findall("IdList/Id")]


def parse_esummary(text: str) -> list[Record]:
    """Short records from esummary JSON (`result.uids`): no abstract, but publication types."""
    body = json.loads(text)
    result = body.get("result")
    if not isinstance(result, dict):
        raise ValueError(f"esummary JSON without result: {str(body)[:120]}")
    records = []
    for uid in result.get("uids", []):
        item = result.get(uid) or {}
        ids = {a.get("idtype"): a.get("value", "") for a in item.get("articleids", [])}
        years = list(dict.fromkeys(_YEAR.findall(f"{item.get('pubdate', '')} {item.get('epubdate', '')}")))
        authors = []
        for author in item.get("authors", []):
            name = str(author.get("name", ""))
            family, _, given = name.rpartition(" ")
            authors.append(Person(family=family, given=given) if family else Person(literal=name))
        updates = [
            Update(kind=kind, notice=f"pmid:{ref.get('pmid')}", source=NAME)
            for ref in item.get("references", [])
            if (kind := notices.kind_of(str(ref.get("reftype", "")).replace(" ", "")))
        ]
        records.append(
            Record(
                source=NAME,
                id=str(uid),
                title=str(item.get("title", "")),
                authors=tuple(authors),
                container_title=str(item.get("fulljournalname", "")),
                container_aliases=(str(item.get("source", "")),) if item.get("source") else (),
                year=years[0] if years else "",
                years=tuple(years),
                volume=str(item.get("volume", "")),
                issue=str(item.get("issue", "")),
                pages=str(item.get("pages", "")),
                doi=normalize_doi(ids.get("doi", "")),
                pmid=str(uid),
                pmcid=normalize_pmcid(ids.get("pmc", "")),
                publication_types=tuple(str(t) for t in item.get("pubtype", [])),
                updates=notices.union(updates),
            )
        )
    return records


def parse_idconv(text: str) -> dict[str, dict[str, str]]:
    """PMC ID converter JSON: requested id → {pmid, pmcid, doi}. An error body is a ValueError."""
    body = json.loads(text)
    if body.get("status") != "ok":
        raise ValueError(f"ID converter error: {body.get('message', body.get('status'))}")
    converted = {}
    for record in body.get("records", []):
        if record.get("status") == "error":
            continue
        ids = {
            "pmid": normalize_pmid(str(record.get("pmid", ""))),
            "pmcid": normalize_pmcid(str(record.get("pmcid", ""))),
            "doi": normalize_doi(str(record.get("doi", ""))),
        }
        for value in ids.values():
            if value:
                converted[value] = ids
        if record.get("requested-id"):
            converted[str(record["requested-id"])] = ids
    return converted


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class PubMedSource(LiveSource):
    name = NAME

    def __init__(self, http: Http, base_url: str | None = None, idconv_url: str | None = None) -> None:
        super().__init__(http, base_url)
        self.idconv_url = (idconv_url or DEFAULT_URLS["idconv"]).rstrip("/")

    def _call(self, tool: str, params: dict[str, str], kind: str = "found") -> str:
        url = f"{self.base_url}/{tool}.fcgi"
        long = len(params.get("id", "")) > 400 or len(params.get("term", "")) > 400
        reply = (
            self.http.post(NAME, url, data=params, kind=kind)
            if long
            else self.http.get(NAME, url, params=params, kind=kind)
        )
        if reply.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {reply.status} from {tool}")
        return reply.text

    def fetch(self, pmids: Sequence[str]) -> dict[str, Record]:
        """efetch records by PMID, 200 per request; absent PMIDs are simply missing."""
        found: dict[str, Record] = {}
        for chunk in _chunks(list(dict.fromkeys(p for p in pmids if p)), BATCH):
            params = {"db": "pubmed", "id": ",".join(chunk), "retmode": "xml"}
            text = self._call("efetch", params, kind=self.lookup_kind)
            try:
                records = parse_efetch(text)
            except ValueError as exc:
                raise SourceUnavailable(NAME, f"unparseable efetch reply: {exc}") from None
            found.update({r.pmid: r for r in records})
        return found

    def esearch(self, term: str, retmax: int, kind: str = "found") -> list[str]:
        text = self._call("esearch", {"db": "pubmed", "term": term, "retmax": str(retmax)}, kind=kind)
        try:
            return parse_esearch(text)
        except ValueError as exc:
            raise SourceUnavailable(NAME, f"unparseable esearch reply: {exc}") from None

    def pmids_for_dois(self, dois: Sequence[str]) -> list[str]:
        """PMIDs of the DOIs (one OR'd esearch per 100 DOIs); efetch's ArticleIds map them back."""
        pmids: list[str] = []
        for chunk in _chunks(list(dict.fromkeys(dois)), 100):
            term = " OR ".join(f'"{d}"[aid]' for d in chunk)
            pmids += self.esearch(term, retmax=len(chunk) * 2, kind=self.lookup_kind)
        return pmids

    def convert(self, ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """PMCIDs (or DOIs) to PMIDs with the PMC ID converter, 200 per request."""
        converted: dict[str, dict[str, str]] = {}
        for chunk in _chunks(list(dict.fromkeys(ids)), BATCH):
            reply = self.http.get(
                "idconv", f"{self.idconv_url}/", params={"ids": ",".join(chunk), "format": "json"}
            )
            if reply.status == 404:
                continue  # error body: none of these ids is in PMC
            try:
                converted.update(parse_idconv(reply.text))
            except ValueError as exc:
                raise SourceUnavailable(NAME, f"unparseable ID converter reply: {exc}") from None
        return converted

    def lookup(self, entries: Sequence[Entry]) -> dict[str, Record | None]:
        """By PMID, by PMCID (through the ID converter) and by DOI (through esearch)."""
        pmcids = [e.pmcid for e in entries if e.pmcid and not e.pmid]
        converted = self.convert(pmcids) if pmcids else {}
        dois = [e.doi for e in entries if e.doi and not e.pmid and e.pmcid not in converted]
        by_doi_pmids = self.pmids_for_dois(dois) if dois else []
        wanted = [e.pmid for e in entries if e.pmid]
        wanted += [converted[p]["pmid"] for p in pmcids if p in converted and converted[p]["pmid"]]
        records = self.fetch(wanted + by_doi_pmids)
        by_doi = {r.doi: r for r in records.values() if r.doi}
        found: dict[str, Record | None] = {}
        for entry in entries:
            pmid = entry.pmid or (converted.get(entry.pmcid, {}).get("pmid", "") if entry.pmcid else "")
            if pmid:
                found[entry.key] = records.get(pmid)
            elif entry.doi:
                found[entry.key] = by_doi.get(entry.doi)
            elif entry.pmcid:
                found[entry.key] = None
        return found

    def search(self, entry: Entry, limit: int = 5) -> list[Record]:
        terms = [w for w in fold(entry.title).split() if len(w) > 2 and w not in TITLE_STOPWORDS][:12]
        if not terms:
            return []
        term = " AND ".join(f"{w}[ti]" for w in terms)
        pmids = self.esearch(term, retmax=limit, kind="search")
        return list(self.fetch(pmids).values()) if pmids else []
