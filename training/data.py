"""Training and dev pairs (claim, passage, label) from ../shared/datasets, plus synthetic pairs.

Which sets are used and why is in docs/decisions/0801-training-data.md. In short: SciFact
train, Check-COVID train, Citation-Integrity train and Evidence Inference train articles are
trained on; their dev splits only choose settings; test splits are never read here. MultiNLI
and SNLI (share-alike parts, and dev splits) and SciTail (a test split) are only scored.

Every passage is a `window` of sentences, the same shape the engine reads at run time
(claimcheck.verify.passages). A claim labelled "not enough information" is paired with the
sentences its annotators marked, or the sentences the retriever ranks best, never with a
whole abstract: a whole abstract that does mention the claim's topic taught the last model
that topical passages are NEI.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import random
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimcheck.verify.evidence import BM25Retriever, Sentence
from claimcheck.verify.passages import window

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLAIMCHECK_SHARED", REPO.parent / "shared"))
DATA = SHARED / "datasets"

LABELS = ("supported", "contradicted", "not-enough-information")
SUPPORTED, CONTRADICTED, NEI = 0, 1, 2


@dataclass(frozen=True)
class Pair:
    claim: str
    passage: str
    label: int
    source: str


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _join(texts: Sequence[str], span: Sequence[int]) -> str:
    return " ".join(texts[i] for i in span)


def _best(claim: str, texts: Sequence[str], k: int = 2, skip: frozenset[int] = frozenset()) -> list[int]:
    """Positions of the k sentences BM25 ranks best for the claim (as the engine would pick them)."""
    sentences = [Sentence(t, "", i) for i, t in enumerate(texts) if i not in skip]
    return [s.sentence.index for s in BM25Retriever().rank(claim, sentences, k) if s.score > 0]


def _windows(rng: random.Random, texts: Sequence[str], centre: Sequence[int]) -> str:
    """The evidence with one neighbour each side most of the time, alone otherwise."""
    return _join(texts, window(texts, centre, 1 if rng.random() < 0.7 else 0))


# --- SciFact --------------------------------------------------------------------------------------


def scifact_corpus() -> dict[int, tuple[str, list[str]]]:
    corpus = {}
    path = DATA / "scifact" / "data__scifact.zip__corpus_train.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cell = row["abstract"]
            sentences = [
                ast.literal_eval(t.string)
                for t in tokenize.generate_tokens(io.StringIO(cell).readline)
                if t.type == tokenize.STRING
            ]
            corpus[int(row["doc_id"])] = (row["title"], [s.strip() for s in sentences])
    return corpus


def scifact(split: str, rng: random.Random, corpus: dict[int, tuple[str, list[str]]]) -> list[Pair]:
    out = []
    for item in _jsonl(DATA / "scifact" / f"data__SciFact__claims_{split}.jsonl"):
        claim = item["claim"]
        for doc in item["cited_doc_ids"]:
            if int(doc) not in corpus:
                continue
            _, texts = corpus[int(doc)]
            sets = item["evidence"].get(str(doc), [])
            if not sets:
                best = _best(claim, texts, 2)
                for i in best[: 1 + (rng.random() < 0.5)]:
                    out.append(Pair(claim, _windows(rng, texts, [i]), NEI, "scifact"))
                continue
            rationale: set[int] = set()
            for evidence in sets:
                label = SUPPORTED if evidence["label"] == "SUPPORT" else CONTRADICTED
                rationale |= set(evidence["sentences"])
                out.append(Pair(claim, _windows(rng, texts, evidence["sentences"]), label, "scifact"))
            # A sentence of the same abstract away from every rationale says nothing either way.
            near = {j for i in rationale for j in (i - 1, i, i + 1)}
            others = _best(claim, texts, 1, frozenset(near))
            if others and rng.random() < 0.5:
                out.append(Pair(claim, texts[others[0]], NEI, "scifact-other"))
    return out


# --- Check-COVID ----------------------------------------------------------------------------------

COVID_LABEL = {"SUPPORT": SUPPORTED, "REFUTE": CONTRADICTED, "NOTENOUGHINFO": NEI}


def covid_corpus() -> dict[str, list[str]]:
    corpus = {}
    for item in _jsonl(DATA / "check_covid" / "Check-COVID__corpus.json"):
        texts = list(item["abstract"])
        if texts:
            texts[0] = re.sub(r"^Abstract\s+", "", texts[0])
        corpus[item["cord_id"]] = [t.strip() for t in texts if t.strip()]
    return corpus


def check_covid(split: str, rng: random.Random, corpus: dict[str, list[str]]) -> list[Pair]:
    name = {
        "train": "Check-COVID__train__covidCheck_train_composed+extracted.json",
        "dev": "Check-COVID__dev__covidCheck_dev_composed+extracted.json",
    }[split]
    out = []
    for item in _jsonl(DATA / "check_covid" / name):
        texts = corpus.get(item["cord_id"])
        if not texts:
            continue
        centre = [e["sent_index"] for e in item["evidence_set"] if e["sent_index"] < len(texts)]
        centre = centre or _best(item["claim"], texts, 1)
        if centre:
            out.append(
                Pair(
                    item["claim"].strip(),
                    _windows(rng, texts, centre),
                    COVID_LABEL[item["label"]],
                    "check-covid",
                )
            )
    return out


# --- Citation-Integrity ---------------------------------------------------------------------------

_MARKER = re.compile(r"\[?<\|[a-z_]+\|>\]?|\(<\|[a-z_]+\|>\)|\[[\d,\s–-]*\]")


def citint_claim(text: str) -> str:
    text = _MARKER.sub("", text)
    return re.sub(r"\s+([.,;])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def citation_integrity(split: str, rng: random.Random) -> list[Pair]:
    corpus = {
        d["doc_id"]: d["abstract"] for d in _jsonl(DATA / "citation_integrity" / "data__citint__corpus.jsonl")
    }
    out = []
    for item in _jsonl(DATA / "citation_integrity" / f"data__citint__claims_{split}.jsonl"):
        claim = citint_claim(item["claim"])
        for doc in item["cited_doc_ids"]:
            texts = corpus.get(doc)
            if not texts:
                continue
            sets = item["evidence"].get(str(doc), [])
            if not sets:
                best = _best(claim, texts, 1) or [0]
                out.append(Pair(claim, _windows(rng, texts, best), NEI, "citation-integrity"))
            for evidence in sets:
                label = SUPPORTED if evidence["label"] == "SUPPORT" else CONTRADICTED
                out.append(
                    Pair(claim, _windows(rng, texts, evidence["sentences"]), label, "citation-integrity")
                )
    return out


# --- Evidence Inference (train articles only) -----------------------------------------------------


def evidence_inference(rng: random.Random, limit: int = 2500) -> list[Pair]:
    folder = DATA / "evidence_inference"
    train = set((folder / "annotations__splits__ev2_train_article_ids.txt").read_text().split())
    prompts = {r["PromptID"]: r for r in csv.DictReader((folder / "annotations__prompts_merged.csv").open())}
    rows = [
        r
        for r in csv.DictReader((folder / "annotations__v2_annotations.csv").open(encoding="utf-8"))
        if r["PMCID"] in train and r["Valid Label"] == "True" and r["PromptID"] in prompts
    ]
    seen: set[str] = set()
    spans = [re.sub(r"\s+", " ", r["Annotations"]).strip() for r in rows]
    out = []
    for row, span in zip(rows, spans, strict=True):
        if row["PromptID"] in seen or len(span) < 40 or len(span) > 600:
            continue
        seen.add(row["PromptID"])
        p = prompts[row["PromptID"]]
        i, c, o = p["Intervention"].strip(), p["Comparator"].strip(), p["Outcome"].strip()
        gold = (
            "increased"
            if "increase" in row["Label"]
            else "decreased"
            if "decrease" in row["Label"]
            else "none"
        )
        stated = rng.choice(["increased", "decreased", "none"])
        claim = {
            "increased": f"{i} significantly increased {o} compared with {c}.",
            "decreased": f"{i} significantly reduced {o} compared with {c}.",
            "none": f"There was no significant difference in {o} between {i} and {c}.",
        }[stated]
        out.append(Pair(claim, span, SUPPORTED if stated == gold else CONTRADICTED, "evidence-inference"))
        if rng.random() < 0.25:  # the same claim against another trial's result: nothing about it
            other = rng.choice(spans)
            if other != span:
                out.append(Pair(claim, other, NEI, "evidence-inference"))
        if len(out) >= limit:
            break
    return out


# --- sources of real abstract sentences for synthetic pairs ----------------------------------------


def abstracts(corpus: dict[int, tuple[str, list[str]]]) -> Iterator[list[str]]:
    """Abstracts as sentence lists: the SciFact corpus, PubMedQA contexts outside its test
    questions, and the seed records."""
    for _, texts in corpus.values():
        yield texts
    folder = DATA / "pubmedqa"
    test = set(json.loads((folder / "data__test_ground_truth.json").read_text()))
    for pmid, item in json.loads((folder / "data__ori_pqal.json").read_text()).items():
        if pmid in test:
            continue
        contexts = item["CONTEXTS"]
        if isinstance(contexts, str):
            contexts = ast.literal_eval(contexts)
        from claimcheck.verify.evidence import split_sentences

        yield [s.text for s in split_sentences(" ".join(contexts))]
    seed = SHARED / "seed" / "records.csl.json"
    if seed.exists():
        from claimcheck.verify.evidence import split_sentences

        for record in json.loads(seed.read_text()):
            if record.get("abstract"):
                yield [s.text for s in split_sentences(record["abstract"])]
