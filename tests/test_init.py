"""`claimcheck init`: a document to a project, then `lock` and `check` unchanged; re-runs keep
what a person edited; HTML, Markdown, text and PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.inputs.bibtex import load_bibliography

REPO = Path(__file__).resolve().parents[1]
ARTICLE = REPO / "docs" / "articles" / "peptides-insulin-resistance.txt"

HTML = """<!DOCTYPE html><html><head><title>Metformin</title></head><body><main>
<h1>Metformin and diabetes prevention</h1>
<p>Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo<sup>1</sup>.
Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients<sup>2</sup>.</p>
<h2>References</h2><ol>
<li>Knowler WC, Barrett-Connor E, Fowler SE, et al. Reduction in the incidence of type 2 diabetes with lifestyle intervention or metformin. N Engl J Med. 2002;346(6):393-403. doi:10.1056/NEJMoa012512</li>
<li>UK Prospective Diabetes Study (UKPDS) Group. Effect of intensive blood-glucose control with metformin on complications in overweight patients with type 2 diabetes (UKPDS 34). Lancet. 1998;352(9131):854-65.</li>
</ol></main></body></html>
"""

MARKDOWN = """# Metformin and diabetes prevention

Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo[^dpp].
Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients.[^ukpds]
Lifestyle intervention reduced the incidence of diabetes by 58% in adults at high risk (Knowler et al., 2002).

Metformin lowers hepatic glucose production in patients with diabetes.

Evidence:

- Knowler WC, Barrett-Connor E, Fowler SE, et al. Reduction in the incidence of type 2 diabetes with lifestyle intervention or metformin. N Engl J Med. 2002;346(6):393-403.

[^dpp]: Knowler WC, Barrett-Connor E, Fowler SE, et al. Reduction in the incidence of type 2 diabetes with lifestyle intervention or metformin. N Engl J Med. 2002;346(6):393-403.
[^ukpds]: UK Prospective Diabetes Study (UKPDS) Group. Effect of intensive blood-glucose control with metformin on complications in overweight patients with type 2 diabetes (UKPDS 34). Lancet. 1998;352(9131):854-65.
"""


def _claims(project: Path, stem: str) -> list[dict]:
    import yaml

    return yaml.safe_load((project / "claims" / f"{stem}.yaml").read_text())["claims"]


def _lock_and_check(cli, project: Path, records: Path) -> dict:
    locked = cli("lock", "--offline", "--records", records, cwd=project)
    assert locked.returncode == 0, locked.stderr
    checked = cli("check", "--offline", "--records", records, "--format", "json", cwd=project)
    assert checked.returncode in (0, 1), checked.stderr
    return json.loads(checked.stdout)


def test_init_on_the_bundled_article_matches_the_hand_written_bibliography(cli, tmp_path: Path) -> None:
    project = tmp_path / "audit"
    done = cli("init", ARTICLE, project)
    assert done.returncode == 0, done.stderr
    generated = load_bibliography(project / "references.bib")
    curated = load_bibliography(REPO / "references.bib")
    assert len(generated) == len(curated) == 10
    for mine, theirs in zip(generated, curated, strict=True):
        # Keys differ on purpose (first title word vs a word the curator chose): docs/extract.md.
        for field in (
            "type",
            "title",
            "authors",
            "authors_truncated",
            "journal",
            "year",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
            "pmcid",
            "url",
        ):
            assert getattr(mine, field) == getattr(theirs, field), (theirs.key, field)
    assert (project / "docs/articles/peptides-insulin-resistance.txt").read_bytes() == ARTICLE.read_bytes()
    assert "review" in (project / "README.md").read_text().lower()


def test_check_on_the_generated_project_gives_the_bundled_verdicts(
    cli, tmp_path: Path, seed_records: Path
) -> None:
    project = tmp_path / "audit"
    assert cli("init", ARTICLE, project).returncode == 0
    generated = _lock_and_check(cli, project, seed_records)
    bundled = json.loads(cli("check", "--offline", "--format", "json", cwd=REPO).stdout)
    mine = [(r["status"], sorted(f["code"] for f in r["findings"])) for r in generated["references"]]
    theirs = [(r["status"], sorted(f["code"] for f in r["findings"])) for r in bundled["references"]]
    assert len(mine) == 10
    assert sorted(mine) == sorted(theirs)


def test_init_html_with_sup_markers_end_to_end(cli, tmp_path: Path, seed_records: Path) -> None:
    (tmp_path / "metformin.html").write_text(HTML)
    project = tmp_path / "p"
    done = cli("init", tmp_path / "metformin.html", project)
    assert done.returncode == 0, done.stderr
    keys = [e.key for e in load_bibliography(project / "references.bib")]
    assert keys == ["knowler2002reduction", "uk1998effect"]
    claims = _claims(project, "metformin")
    cites = {c["text"]: c["cites"] for c in claims}
    assert cites["Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo."] == [
        "knowler2002reduction"
    ]
    assert not any("placebo1" in text or "patients2" in text for text in cites)
    report = _lock_and_check(cli, project, seed_records)
    assert len(report["references"]) == 2


def test_init_markdown_footnotes_author_year_and_evidence_lists(
    cli, tmp_path: Path, seed_records: Path
) -> None:
    (tmp_path / "metformin.md").write_text(MARKDOWN)
    project = tmp_path / "p"
    done = cli("init", tmp_path / "metformin.md", project)
    assert done.returncode == 0, done.stderr
    claims = {c["text"]: c["cites"] for c in _claims(project, "metformin")}
    knowler = "knowler2002reduction"
    assert claims["Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo."] == [
        knowler
    ]
    assert claims[
        "Intensive glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients."
    ] == ["uk1998effect"]
    assert claims[
        "Lifestyle intervention reduced the incidence of diabetes by 58% in adults at high risk."
    ] == [knowler]
    assert claims["Metformin lowers hepatic glucose production in patients with diabetes."] == [knowler]
    _lock_and_check(cli, project, seed_records)


def test_init_pdf_end_to_end(cli, tmp_path: Path, seed_records: Path) -> None:
    pytest.importorskip("pypdfium2", reason="the pdf extra is not installed")
    pytest.importorskip("reportlab", reason="reportlab (test extra) makes the test PDF")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    pdf = tmp_path / "metformin.pdf"
    SimpleDocTemplate(str(pdf), pagesize=A4).build(
        [
            Paragraph("Metformin and diabetes prevention", styles["Title"]),
            Paragraph(
                "Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo in adults "
                "with impaired glucose tolerance and a raised fasting glucose, in a large trial [1]. Intensive "
                "glucose control with metformin reduced diabetes-related deaths by 42% in overweight patients [2].",
                styles["BodyText"],
            ),
            PageBreak(),
            Paragraph("References", styles["Heading2"]),
            Paragraph(
                "1. Knowler WC, Barrett-Connor E, Fowler SE, et al. Reduction in the incidence of type 2 diabetes "
                "with lifestyle intervention or metformin. N Engl J Med. 2002;346(6):393-403.",
                styles["BodyText"],
            ),
            Paragraph(
                "2. UK Prospective Diabetes Study (UKPDS) Group. Effect of intensive blood-glucose control with "
                "metformin on complications in overweight patients with type 2 diabetes (UKPDS 34). Lancet. "
                "1998;352(9131):854-65.",
                styles["BodyText"],
            ),
        ]
    )
    project = tmp_path / "p"
    done = cli("init", pdf, project)
    assert done.returncode == 0, done.stderr
    entries = load_bibliography(project / "references.bib")
    assert [e.title[:20] for e in entries] == ["Reduction in the inc", "Effect of intensive "]
    assert entries[1].pages == "854-65"
    claims = _claims(project, "metformin")
    first = next(c for c in claims if c["text"].startswith("Metformin reduced the incidence"))
    assert first["cites"] == ["knowler2002reduction"]
    assert "in adults with impaired glucose tolerance" in first["text"]  # lines joined in reading order
    report = _lock_and_check(cli, project, seed_records)
    uncovered_pages = {f["line"] for f in report["document_findings"]}
    assert uncovered_pages <= {1}  # a claim's location in a PDF is its page


def test_pdf_without_the_extra_names_the_extra(cli, tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pypdfium2.py").write_text("raise ImportError('blocked for the test')\n")
    done = cli("extract", pdf, env={"PYTHONPATH": f"{blocker}:{REPO / 'src'}"})
    assert done.returncode == 3
    assert "claimcheck[pdf]" in done.stderr and "a.pdf" in done.stderr


def test_rerun_keeps_edits_and_adds_only_what_is_new(cli, tmp_path: Path) -> None:
    source = tmp_path / "metformin.html"
    source.write_text(HTML)
    project = tmp_path / "p"
    assert cli("init", source, project).returncode == 0
    bib = project / "references.bib"
    claims = project / "claims" / "metformin.yaml"
    edited_bib = bib.read_text().replace("N Engl J Med", "N Engl J Med  ")  # a person's edit
    bib.write_text(edited_bib + "% my note\n")
    edited_claims = claims.read_text() + "# reviewed by me\n"
    claims.write_text(edited_claims)
    again = cli("init", source, project)
    assert again.returncode == 0, again.stderr
    assert bib.read_text() == edited_bib + "% my note\n"
    assert claims.read_text() == edited_claims
    changed = HTML.replace(
        "</ol>",
        "<li>Zinman B, Wanner C, Lachin JM, et al. Empagliflozin, cardiovascular outcomes, and mortality in type 2 "
        "diabetes. N Engl J Med. 2015;373(22):2117-2128.</li></ol>",
    ).replace(
        "</p>\n<h2>",
        " Empagliflozin reduced cardiovascular death by 38% in patients with type 2 diabetes<sup>3</sup>.</p>\n<h2>",
    )
    source.write_text(changed)
    third = cli("init", source, project)
    assert third.returncode == 0, third.stderr
    assert bib.read_text().startswith(edited_bib + "% my note\n")
    assert "zinman2015empagliflozin" in bib.read_text()
    merged = claims.read_text().splitlines()
    kept = [
        line
        for line in merged
        if "zinman" not in line
        and "Empagliflozin reduced" not in line
        and "empagliflozin-reduced" not in line
    ]
    assert kept == edited_claims.splitlines()  # every line a person had, in order; one entry added
    assert "cites: [zinman2015empagliflozin]" in claims.read_text()


def test_init_bad_input_is_exit_3_with_the_file(cli, tmp_path: Path) -> None:
    no_refs = tmp_path / "plain.md"
    no_refs.write_text("# Title\n\nMetformin lowers glucose in patients with diabetes.\n")
    done = cli("init", no_refs, tmp_path / "p")
    assert done.returncode == 3 and "plain.md" in done.stderr and "reference list" in done.stderr
    project = tmp_path / "q"
    (tmp_path / "m.html").write_text(HTML)
    assert cli("init", tmp_path / "m.html", project).returncode == 0
    broken = "@article{x,\n  title = {unclosed\n"
    (project / "references.bib").write_text(broken)
    again = cli("init", tmp_path / "m.html", project)
    assert again.returncode == 3 and "references.bib" in again.stderr
    assert (project / "references.bib").read_text() == broken  # nothing written over it


def test_extract_matches_a_numbered_reference_ending_in_a_doi(cli, tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(
        "Vitamin D and Muscle\n\nVitamin D supplementation improved muscle strength by 12% in older adults [1]. "
        "Magnesium intake lowers blood pressure in adults with hypertension [2].\n\nReferences\n\n"
        "1. Smith J, Jones K. A trial in older adults. Nutrients. 2021;13(4):1234. doi:10.3390/nu13041234\n"
        "2. Brown A, Green B. Magnesium and blood pressure. Hypertension. 2016;68(2):324-333. "
        "https://doi.org/10.1161/HYPERTENSIONAHA.116.07664.\n"
    )
    (tmp_path / "references.bib").write_text(
        "@article{smith2021, author = {Smith, J}, title = {Vitamin D and muscle strength in older adults}, "
        "journal = {Nutrients}, year = {2021}, doi = {10.3390/nu13041234}}\n"
        "@article{brown2016, author = {Brown, A}, title = {Magnesium, blood pressure and more}, "
        "journal = {Hypertension}, year = {2016}, doi = {10.1161/HYPERTENSIONAHA.116.07664}}\n"
    )
    done = cli("extract", "doc.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "cites: [smith2021]" in done.stdout and "cites: [brown2016]" in done.stdout


def test_extract_reads_sup_markers_instead_of_gluing_them(cli, tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(HTML)
    (tmp_path / "references.bib").write_text(
        "@article{knowler, author = {Knowler, WC}, title = {Reduction in the incidence of type 2 diabetes with "
        "lifestyle intervention or metformin}, journal = {N Engl J Med}, year = {2002}}\n"
    )
    done = cli("extract", "a.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "placebo1" not in done.stdout
    assert '"Metformin reduced the incidence of type 2 diabetes by 31% compared with placebo."' in done.stdout
    assert "cites: [knowler]" in done.stdout
