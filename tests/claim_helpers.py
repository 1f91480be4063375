"""Helpers for the claim-check tests: seed records by DOI, and one claim judged against one record."""

from __future__ import annotations

from pathlib import Path

from claimcheck.model import Claim, Finding, Record
from claimcheck.sources.local import read_records
from claimcheck.verify.checks import Context
from claimcheck.verify.evidence import BM25Retriever, record_sentences

#: Seed records the tests use, by DOI or id (the abstracts are read from ../shared at run time).
FOURMAN = "10.1093/cid/cis251"  # tesamorelin, HIV, post hoc responders analysis; abstract incomplete
STANLEY_NEJM = "10.1056/NEJMoa072375"  # tesamorelin 26-week trial, HIV
BREDELLA_JAMA = "10.1001/jama.2014.8334"  # tesamorelin, liver fat, "preliminary study"
TEICH = "10.1210/jc.2005-1536"  # CJC-1295 pharmacokinetics in healthy adults
RAUN = "10.1530/eje.0.1390552"  # ipamorelin in rat cells, rats and swine
BAILEY_2024 = "10.1016/j.peptides.2024.171149"  # review: semaglutide, tirzepatide
PATAS = "10.2337/db22-0058"  # PATAS in cultured human adipocytes and rodents
ADEGHATE = "adeghate-2004"  # ipamorelin on rat pancreatic tissue fragments
YING = "ying-2018"  # catestatin in mice


def seed_record(path: Path, wanted: str) -> Record:
    for record in read_records(path, display="records.csl.json"):
        if record.doi.lower() == wanted.lower() or record.id.split("|")[-1].startswith(wanted):
            return record
    raise LookupError(wanted)


def context(claim_text: str, record: Record, subject: str = "", k: int = 3) -> Context:
    claim = Claim(id="test", text=claim_text, subject=subject, cites=("ref",))
    sentences = record_sentences(record)
    query = f"{subject} {claim_text}" if subject else claim_text
    ranked = tuple(BM25Retriever().rank(query, sentences, k))
    return Context(claim=claim, record=record, key="ref", sentences=sentences, ranked=ranked)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def invented(abstract: str, title: str = "", complete: bool = True) -> Record:
    """A record written for an edge case (not a real paper)."""
    return Record(source="test", id="invented", title=title, abstract=abstract, abstract_complete=complete)
