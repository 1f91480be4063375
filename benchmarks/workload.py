"""Generated workloads: N papers, the bibliography that cites them, and claims.

Deterministic (seeded), so two runs of a scenario ask for the same things. The default mix
follows the issue: 70% of references print a DOI, 20% a PMID only, 10% a title only. Every
paper has a DOI and a PMID in the simulated services (as most biomedical papers do); a share
of them has no abstract anywhere, so Semantic Scholar is asked about those.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

_WORDS_TEXT = (
    "insulin resistance peptide visceral adipose tissue growth hormone secretagogue glucose "
    "tolerance obesity metabolic syndrome randomized trial placebo controlled adults older "
    "patients diabetes mellitus type liver fat lipid profile cardiovascular risk inflammation "
    "muscle mass strength elderly women men children adolescents cohort study effects therapy "
    "treatment weeks months dose response signalling pathway receptor agonist antagonist "
    "plasma concentration secretion pituitary hypothalamus sleep appetite ghrelin leptin "
    "adiponectin skeletal energy expenditure body composition bone density fracture kidney "
    "function blood pressure endothelial oxidative stress mitochondrial biogenesis exercise "
    "training caloric restriction fasting intermittent ketogenic diet supplementation vitamin "
    "zinc magnesium omega fatty acids microbiome gut barrier permeability hepatic steatosis "
    "fibrosis cirrhosis tesamorelin ipamorelin sermorelin semaglutide liraglutide tirzepatide "
    "metformin pioglitazone sitagliptin empagliflozin dapagliflozin canagliflozin"
)
_FAMILIES_TEXT = (
    "Stanley Grinspoon Nass Thorner Raun Hansen Fourman Czerwonka Smith Jones Garcia Martinez "
    "Chen Wang Li Zhang Kumar Singh Muller Schmidt Rossi Bianchi Dubois Laurent Kowalski Nowak "
    "Tanaka Suzuki Kim Park Silva Santos Cohen Levi Olsen Berg Murphy Kelly"
)
_WORDS = _WORDS_TEXT.split()
_FAMILIES = _FAMILIES_TEXT.split()
_JOURNALS = (
    "Journal of Clinical Endocrinology and Metabolism",
    "Diabetes Care",
    "Metabolism",
    "The Lancet Diabetes and Endocrinology",
    "European Journal of Endocrinology",
    "Obesity",
    "Annals of Internal Medicine",
    "Clinical Nutrition",
)


@dataclass(frozen=True)
class Paper:
    doi: str
    pmid: str
    title: str
    authors: tuple[tuple[str, str], ...]
    journal: str
    year: str
    volume: str
    pages: str
    abstract: str


@dataclass(frozen=True)
class Workload:
    papers: tuple[Paper, ...]
    #: how each reference prints its paper: "doi", "pmid" or "title"
    kinds: tuple[str, ...]

    def count(self, kind: str) -> int:
        return sum(1 for k in self.kinds if k == kind)

    @property
    def without_abstract(self) -> int:
        return sum(1 for p in self.papers if not p.abstract)


def make_paper(rng: random.Random, i: int, no_abstract: float = 0.1) -> Paper:
    """The i-th generated paper (titles are unique: each carries its number as a word)."""
    title_words = [*rng.sample(_WORDS, rng.randint(8, 12)), f"s{i}"]
    rng.shuffle(title_words)
    authors = tuple(
        (rng.choice(_FAMILIES), rng.choice("ABCDEFGHJKLMNPRST") + rng.choice("ABCDEFGHJKLMN"))
        for _ in range(rng.randint(2, 6))
    )
    abstract = "" if rng.random() < no_abstract else " ".join(rng.choices(_WORDS, k=60)) + "."
    return Paper(
        doi=f"10.{5000 + i % 37}/bench.{i}",
        pmid=str(30_000_000 + i),
        title=" ".join(title_words).capitalize(),
        authors=authors,
        journal=rng.choice(_JOURNALS),
        year=str(rng.randint(1995, 2024)),
        volume=str(rng.randint(1, 120)),
        pages=f"{(p := rng.randint(1, 900))}-{p + rng.randint(3, 15)}",
        abstract=abstract,
    )


def generate(n: int, seed: int = 7, mix: tuple[float, float, float] = (0.7, 0.2, 0.1),
             no_abstract: float = 0.1) -> Workload:
    """N papers and how the bibliography cites each (the mix: DOI, PMID only, title only)."""
    rng = random.Random(seed)
    papers = [make_paper(rng, i, no_abstract) for i in range(n)]
    doi_share, pmid_share, _ = mix
    kinds = tuple(
        "doi" if (r := rng.random()) < doi_share else "pmid" if r < doi_share + pmid_share else "title"
        for _ in range(n)
    )
    return Workload(papers=tuple(papers), kinds=kinds)


def _bib_entry(key: str, paper: Paper, kind: str) -> str:
    authors = " and ".join(f"{f}, {' '.join(g)}" for f, g in paper.authors)
    ident = {"doi": f"  doi = {{{paper.doi}}},\n", "pmid": f"  pmid = {{{paper.pmid}}},\n"}.get(kind, "")
    return (
        f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{paper.title}}},\n"
        f"  journal = {{{paper.journal}}},\n  year = {{{paper.year}}},\n  volume = {{{paper.volume}}},\n"
        f"  pages = {{{paper.pages.replace('-', '--')}}},\n{ident}}}\n"
    )


def write_project(root: Path, workload: Workload, claims: int | None = None) -> Path:
    """A claimcheck project: references.bib citing every paper, and claims/bench.yaml."""
    (root / "claims").mkdir(parents=True, exist_ok=True)
    with open(root / "references.bib", "w", encoding="utf-8") as bib:
        for i, (paper, kind) in enumerate(zip(workload.papers, workload.kinds, strict=True)):
            bib.write(_bib_entry(f"ref{i}", paper, kind))
    n = len(workload.papers)
    claims = n if claims is None else claims
    rng = random.Random(11)
    with open(root / "claims" / "bench.yaml", "w", encoding="utf-8") as out:
        out.write("document:\n  title: Generated benchmark article\nclaims:\n")
        for i in range(claims):
            cites = sorted({f"ref{rng.randrange(n)}" for _ in range(rng.randint(1, 2))})
            text = " ".join(rng.choices(_WORDS, k=14)).capitalize()
            out.write(f"  - id: claim-{i}\n    text: \"{text} by 15% over 26 weeks.\"\n"
                      f"    cites: [{', '.join(cites)}]\n")
    return root
