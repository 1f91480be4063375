"""Judge each bib entry against its resolved record: a status and one finding per defect."""

from __future__ import annotations

from claimcheck import rules
from claimcheck.compare import (
    compare_authors,
    describe_title_difference,
    dois_match,
    journal_matches,
    pages_match,
    people,
    similar_family,
    titles_match,
    volumes_match,
    year_matches,
)
from claimcheck.correction import corrected_bibtex
from claimcheck.model import (
    Candidate,
    Entry,
    Finding,
    Record,
    ReferenceResult,
    ReferenceStatus,
    Resolution,
)
from claimcheck.resolve import plausible
from claimcheck.sources import notices
from claimcheck.sources.needs import needs


def short_citation(record: Record) -> str:
    first = record.authors[0].display() if record.authors else "(no authors)"
    more = " et al." if len(record.authors) > 1 else ""
    journal = record.container_title or "(no journal)"
    ident = f", doi:{record.doi}" if record.doi else (f", PMID {record.pmid}" if record.pmid else "")
    return f"{first}{more}, \u201c{record.title}\u201d, {journal}, {record.year}{ident}"


def _why_not(candidate: Candidate) -> str:
    agreed = set(candidate.agreements)
    differs = [f for f in ("year", "author", "journal") if f not in agreed]
    parts = [f"title {candidate.title_similarity:.0%} similar"]
    if agreed - {"title"}:
        parts.append("agrees on " + ", ".join(sorted(agreed - {"title"})))
    if differs:
        parts.append("differs on " + ", ".join(differs))
    return "; ".join(parts)


def _author_finding(entry: Entry, record: Record) -> list[Finding]:
    comparison = compare_authors(entry, record)
    if comparison is None:
        return []
    printed, listed = entry.authors_display(), record.authors_display()
    findings: list[Finding] = []
    problems: list[str] = []
    persons = people(record.authors)
    first = people(entry.authors)[0]
    missing = [p for p in comparison.not_in_record if p is not first]
    if comparison.first_author_differs:
        record_first = persons[0].display()
        if first in comparison.not_in_record:
            hint = " (a misspelling?)" if similar_family(first, persons[0]) else ""
            problems.append(
                f"the first author '{first.display()}' is not an author of the record, "
                f"whose first author is '{record_first}'{hint}"
            )
        else:
            problems.append(
                f"'{first.display()}' is an author of the record but not the first "
                f"(the first is '{record_first}')"
            )
    if missing:
        names = ", ".join(f"'{p.display()}'" for p in missing)
        problems.append(
            f"{names} {'is' if len(missing) == 1 else 'are'} not among the "
            f"record's {len(persons)} authors"
        )
    if comparison.out_of_order and not problems:
        problems.append("the authors are printed in a different order")
    if problems:
        findings.append(
            rules.finding("R011", "; ".join(problems), field="authors", printed=printed, record=listed)
        )
    elif comparison.list_incomplete:
        findings.append(
            rules.finding(
                "R012",
                f"the entry prints {len(people(entry.authors))} of the record's {len(persons)} "
                "authors without 'et al.'",
                field="authors",
                printed=printed,
                record=listed,
            )
        )
    return findings


def field_findings(entry: Entry, record: Record) -> list[Finding]:
    """Every disagreement between the printed entry and the record, one finding per field."""
    found: list[Finding] = []
    if entry.title and record.title and not titles_match(entry.title, record.title):
        found.append(
            rules.finding(
                "R010",
                describe_title_difference(entry.title, record.title),
                field="title",
                printed=entry.title,
                record=record.title,
            )
        )
    found += _author_finding(entry, record)
    if (
        entry.journal
        and (record.container_title or record.container_aliases)
        and not (journal_matches(entry.journal, record))
    ):
        names = " / ".join(dict.fromkeys((record.container_title, *record.container_aliases)))
        found.append(
            rules.finding(
                "R013",
                f"the record's journal is {names}",
                field="journal",
                printed=entry.journal,
                record=record.container_title,
            )
        )
    if entry.year and (record.years or record.year) and not year_matches(entry.year, record):
        years = ", ".join(record.years or (record.year,))
        found.append(
            rules.finding(
                "R014", f"the record's dates are in {years}", field="year", printed=entry.year, record=years
            )
        )
    if entry.volume and record.volume and not volumes_match(entry.volume, record.volume):
        found.append(
            rules.finding(
                "R015", "the volume differs", field="volume", printed=entry.volume, record=record.volume
            )
        )
    if entry.pages and record.pages and not pages_match(entry.pages, record.pages):
        found.append(
            rules.finding("R016", "the pages differ", field="pages", printed=entry.pages, record=record.pages)
        )
    if entry.doi and record.doi and not dois_match(entry.doi, record.doi):
        found.append(
            rules.finding(
                "R017", "the record's DOI differs", field="doi", printed=entry.doi, record=record.doi
            )
        )
    return found


def verify_reference(entry: Entry, resolution: Resolution) -> ReferenceResult:
    """The reference's verdict, judged when what it needs answered (decision 0201)."""
    record = resolution.record
    retracted = record is not None and notices.RETRACTION in _notice_kinds(entry, record)
    enough = needs(resolution, retracted, entry)
    if not enough.judged:
        why = "; ".join(f"{o.service}: {o.reason}" for o in resolution.unavailable)
        if record is not None:
            # A record was found, but no source that could hold a notice about it answered.
            message = f"found {short_citation(record)}, but could not check it everywhere: {why}"
        else:
            message = f"could not be judged: {why}"
        finding = rules.finding("R003", message)
        return ReferenceResult(entry, ReferenceStatus.CANNOT_DETERMINE, resolution, (finding,))
    if record is None:
        if resolution.absence_unproven:
            why = "; ".join(f"{o.service}: {o.reason}" for o in resolution.unavailable)
            if why:
                message = f"could not be judged: {why}"
            elif resolution.sources:
                message = (
                    "could not be judged: not in the evidence lock or the local records, and no "
                    "bibliographic service was asked (offline); run `claimcheck lock` with the "
                    "network, or pass --records with its record"
                )
            else:
                message = (
                    "could not be judged: no source could look it up (no evidence lock entry, no "
                    "local records; run `claimcheck lock` or pass --records)"
                )
            finding = rules.finding("R003", message)
            return ReferenceResult(entry, ReferenceStatus.CANNOT_DETERMINE, resolution, (finding,))
        printed = (("doi", entry.doi), ("PMID", entry.pmid), ("PMCID", entry.pmcid))
        ident = next((f"{kind} {value}" for kind, value in printed if value), "")
        what = f"no record of {ident}" if ident else "no record"
        message = f"{what} found in {', '.join(resolution.sources)}"
        closest = next((c for c in resolution.candidates if plausible(c)), None)
        if closest is not None:
            message += f"; closest candidate: {short_citation(closest.record)} ({_why_not(closest)})"
        else:
            message += "; no close candidate"
        return ReferenceResult(
            entry, ReferenceStatus.NOT_FOUND, resolution, (rules.finding("R001", message),)
        )
    findings = field_findings(entry, record)
    codes = {f.code for f in findings}
    if resolution.method == "identifier" and {"R010", "R011"} <= codes:
        message = f"the identifier leads to a different paper: {short_citation(record)}"
        finding = rules.finding("R002", message, field="title", printed=entry.title, record=record.title)
        return ReferenceResult(entry, ReferenceStatus.WRONG_WORK, resolution, (finding,))
    status = ReferenceStatus.METADATA_MISMATCH if findings else ReferenceStatus.VERIFIED
    suggestion = corrected_bibtex(entry, record, {f.field for f in findings if f.field}) if findings else ""
    status, notice_findings = _notice_status(entry, record, status)
    return ReferenceResult(entry, status, resolution, tuple(notice_findings + findings), suggestion)


def _notice_kinds(entry: Entry, record: Record) -> set[str]:
    """The notices that apply to the cited work; none when the entry cites a notice itself."""
    if notices.is_retraction_notice(record):
        return set()  # a retraction notice cited on purpose is no defect
    return notices.kinds(record)


def _describe(record: Record, kind: str) -> str:
    details = []
    for update in record.updates:
        if update.kind == kind:
            part = update.notice or "flagged"
            if update.date:
                part += f" ({update.date})"
            details.append(f"{part} [{update.source}]")
    if kind == notices.RETRACTION and notices.has_type(record.publication_types, notices.RETRACTED_TYPES):
        details.append("publication type 'Retracted Publication'")
    return "; ".join(dict.fromkeys(details))


def _notice_status(
    entry: Entry, record: Record, status: ReferenceStatus
) -> tuple[ReferenceStatus, list[Finding]]:
    """Retraction and expression of concern decide the status; a correction only when all else agrees."""
    kinds = _notice_kinds(entry, record)
    found: list[Finding] = []
    if notices.RETRACTION in kinds:
        message = f"the cited work was retracted: {_describe(record, notices.RETRACTION)}"
        found.append(rules.finding("R020", message))
        status = ReferenceStatus.RETRACTED
    if notices.CONCERN in kinds:
        message = f"an expression of concern was published: {_describe(record, notices.CONCERN)}"
        found.append(rules.finding("R021", message))
        if status is not ReferenceStatus.RETRACTED:
            status = ReferenceStatus.EXPRESSION_OF_CONCERN
    if notices.CORRECTION in kinds:
        message = f"a correction was published: {_describe(record, notices.CORRECTION)}"
        found.append(rules.finding("R022", message))
        if status is ReferenceStatus.VERIFIED:
            status = ReferenceStatus.CORRECTED
    return status, found
