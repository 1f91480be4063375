"""The model that reads a claim against a passage: supported, contradicted or not enough
information, with probabilities.

The default is the model trained for claimcheck (training/, docs/model.md), shipped as package
data and run with onnxruntime and `tokenizers`: no torch, no download. `[engine] model` in
claimcheck.toml chooses another:

- "none": no model (the word rules alone);
- a path ending in .onnx: a local ONNX cross-encoder, with `<name>.json` (labels, window) and a
  tokenizer beside it;
- "openai:MODEL@URL": an OpenAI-compatible chat endpoint (hosted, llama.cpp, Ollama); the key
  is read from the variable `llm_api_key_env` names;
- any other name: a Hugging Face sequence-classification model (NLI cross-encoder, MiniCheck),
  downloaded on first use (extra `claimcheck[hf]`).

Scores are cached by (model version, claim, passage) in SQLite, so a warm run reads no pair twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from claimcheck.errors import InputError
from claimcheck.verify.chat import chat_completion, json_object

LABELS = ("supported", "contradicted", "not-enough-information")
MODELS = Path(__file__).resolve().parents[1] / "models"
#: The shipped model (src/claimcheck/models/claimcheck-<version>.onnx).
BUNDLED_VERSION = "minilm-v2"


@dataclass(frozen=True)
class Probabilities:
    supported: float
    contradicted: float
    nei: float

    @property
    def label(self) -> str:
        values = (self.supported, self.contradicted, self.nei)
        return LABELS[values.index(max(values))]


@dataclass(frozen=True)
class PassageScore:
    """One passage of the record (its text and sentence positions) and what the model made of it."""

    text: str
    indices: tuple[int, ...]
    probabilities: Probabilities


@dataclass(frozen=True)
class Reading:
    """What the model says of a claim against one record: the deciding passage's probabilities,
    and every passage it read, best first. Checks and reports use it; verdicts do not yet."""

    model: str
    probabilities: Probabilities
    passages: tuple[PassageScore, ...]

    @property
    def label(self) -> str:
        return self.probabilities.label

    @property
    def passage(self) -> str:
        return self.passages[0].text if self.passages else ""


def combine(scored: Sequence[PassageScore]) -> tuple[Probabilities, tuple[PassageScore, ...]]:
    """The claim's reading from its passages: the passage that speaks to the claim most
    (highest supported or contradicted probability) decides; the rest follow, best first."""
    ordered = tuple(
        sorted(scored, key=lambda p: -max(p.probabilities.supported, p.probabilities.contradicted))
    )
    return ordered[0].probabilities, ordered


class Scorer(Protocol):
    #: Names the model and its version: part of every cache key.
    version: str
    max_length: int

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]: ...

    def fits(self, claim: str, passage: str) -> bool: ...


def _softmax(row: Sequence[float]) -> list[float]:
    import math

    top = max(row)
    exps = [math.exp(v - top) for v in row]
    total = sum(exps)
    return [e / total for e in exps]


def _probabilities(values: dict[str, float]) -> Probabilities:
    """Map a model's own label names onto ours (entailment = supported, neutral = NEI)."""
    out = {"supported": 0.0, "contradicted": 0.0, "nei": 0.0}
    for name, value in values.items():
        key = name.lower()
        if key.startswith(("entail", "support")) or (key in ("1", "label_1") and len(values) == 2):
            out["supported"] += value
        elif key.startswith(("contradict", "refute")):
            out["contradicted"] += value
        else:
            out["nei"] += value
    return Probabilities(**out)


class OnnxScorer:
    """An ONNX cross-encoder run with onnxruntime on one thread, tokenised by `tokenizers`."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        meta_path = path.with_suffix(".json")
        if not path.exists() or not meta_path.exists():
            raise InputError(
                "claimcheck.toml",
                None,
                f"engine model '{path}' needs the .onnx file and a {meta_path.name} beside it "
                "(labels, max_length, tokenizer)",
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.labels = tuple(meta["labels"])
        self.max_length = int(meta.get("max_length", 128))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self.version = f"{meta.get('version', path.stem)}:{digest}"
        self.tokenizer = Tokenizer.from_file(str(path.parent / meta["tokenizer"]))
        self.tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        self.tokenizer.enable_padding()
        #: The same tokenizer without truncation or padding, to measure whether a pair fits.
        self._counter = Tokenizer.from_file(str(path.parent / meta["tokenizer"]))
        self._counter.no_truncation()
        self._counter.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}

    def fits(self, claim: str, passage: str) -> bool:
        return len(self._counter.encode(claim, passage, add_special_tokens=True)) <= self.max_length

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        import numpy as np

        if not pairs:
            return []
        encodings = self.tokenizer.encode_batch(list(pairs))
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (logits,) = self.session.run(["logits"], {k: v for k, v in feed.items() if k in self._inputs})
        return [_probabilities(dict(zip(self.labels, _softmax(row.tolist()), strict=True))) for row in logits]


class HFScorer:
    """A Hugging Face sequence-classification model by name or folder (extra claimcheck[hf])."""

    def __init__(self, name: str, max_length: int = 256) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise InputError(
                "claimcheck.toml",
                None,
                f"engine model '{name}' is a Hugging Face model: pip install 'claimcheck[hf]'",
            ) from exc
        self.torch = torch
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(name)
            self.model = AutoModelForSequenceClassification.from_pretrained(name).eval()
        except (OSError, ValueError) as exc:
            raise InputError(
                "claimcheck.toml", None,
                f"engine model '{name}' could not be loaded: not a local model folder, and not downloadable "
                f"from the Hugging Face hub here ({type(exc).__name__})",
            ) from exc
        self.labels = [str(self.model.config.id2label[i]) for i in range(self.model.config.num_labels)]
        self.max_length = max_length
        self.version = f"hf:{name}"

    def fits(self, claim: str, passage: str) -> bool:
        return len(self.tokenizer(passage, claim)["input_ids"]) <= self.max_length

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        if not pairs:
            return []
        # NLI models read (premise, hypothesis): the passage first, then the claim.
        inputs = self.tokenizer(
            [p for _, p in pairs],
            [c for c, _ in pairs],
            return_tensors="pt",
            truncation=True,
            padding=True,
            max_length=self.max_length,
        )
        with self.torch.no_grad():
            rows = self.model(**inputs).logits.softmax(-1).tolist()
        return [_probabilities(dict(zip(self.labels, row, strict=True))) for row in rows]


_PROMPT = (
    "You check a health claim against a passage of the paper it cites. Answer with JSON only: "
    '{"supported": p, "contradicted": p, "not_enough_information": p} with probabilities summing to 1. '
    "'supported' only when the passage states what the claim says, at its strength, for its population."
)


class OpenAIScorer:
    """An OpenAI-compatible chat-completions endpoint, asked for the three probabilities."""

    max_length = 4096

    def __init__(self, model: str, url: str, api_key: str = "", timeout: float = 60.0) -> None:
        self.model, self.url, self.api_key, self.timeout = model, url.rstrip("/"), api_key, timeout
        self.version = f"openai:{model}@{self.url}"

    def fits(self, claim: str, passage: str) -> bool:
        return len(passage) < 8000

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[Probabilities]:
        return [self._one(claim, passage) for claim, passage in pairs]

    def _one(self, claim: str, passage: str) -> Probabilities:
        import requests

        try:
            user = f"Claim: {claim}\nPassage: {passage}"
            content = chat_completion(self.url, self.model, self.api_key, self.timeout, _PROMPT, user)
            answer = json_object(content)
            values = {
                k: float(answer.get(k, 0.0)) for k in ("supported", "contradicted", "not_enough_information")
            }
        except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelUnavailable(f"the model endpoint {self.url} gave no usable answer ({exc})") from exc
        total = sum(values.values()) or 1.0
        return Probabilities(
            values["supported"] / total,
            values["contradicted"] / total,
            values["not_enough_information"] / total,
        )


class ModelUnavailable(RuntimeError):
    """The configured model could not answer; the claim keeps the word rules' verdict alone."""


# --- cache ----------------------------------------------------------------------------------------


def default_cache_path() -> Path | None:
    """$CLAIMCHECK_CACHE_DIR/model-scores.sqlite, else the user cache directory; None when
    CLAIMCHECK_CACHE=off."""
    if os.environ.get("CLAIMCHECK_CACHE", "").lower() in {"off", "0", "no", "false"}:
        return None
    if os.environ.get("CLAIMCHECK_CACHE_DIR"):
        return Path(os.environ["CLAIMCHECK_CACHE_DIR"]) / "model-scores.sqlite"
    import platformdirs

    return Path(platformdirs.user_cache_dir("claimcheck")) / "model-scores.sqlite"


class ScoreCache:
    """Model scores by (model version, claim, passage): in memory, and in SQLite when a path is given."""

    def __init__(self, path: Path | None = None) -> None:
        self._memory: dict[str, Probabilities] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS scores (key TEXT PRIMARY KEY, s REAL, c REAL, n REAL)"
                )
            except (OSError, sqlite3.Error):
                self._db = None  # an unwritable cache directory costs speed, never a result

    @staticmethod
    def key(version: str, claim: str, passage: str) -> str:
        return hashlib.sha256("\x1f".join((version, claim, passage)).encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, Probabilities]:
        found = {k: self._memory[k] for k in keys if k in self._memory}
        missing = [k for k in keys if k not in found]
        if missing and self._db is not None:
            with self._lock:
                for start in range(0, len(missing), 500):
                    chunk = missing[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(f"SELECT key, s, c, n FROM scores WHERE key IN ({marks})", chunk)
                    for key, s, c, n in rows:
                        found[key] = self._memory[key] = Probabilities(s, c, n)
        return found

    def put_many(self, items: dict[str, Probabilities]) -> None:
        self._memory.update(items)
        if self._db is not None and items:
            with self._lock:
                try:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?)",
                        [(k, p.supported, p.contradicted, p.nei) for k, p in items.items()],
                    )
                    self._db.commit()
                except sqlite3.Error:
                    pass


class Reader:
    """Scores pairs through a cache: only pairs never scored before reach the model."""

    def __init__(self, scorer: Scorer, cache: ScoreCache | None = None) -> None:
        self.scorer = scorer
        self.cache = cache or ScoreCache()
        #: Pairs sent to the model (the rest came from the cache); benchmarks read it.
        self.inferred = 0

    @property
    def version(self) -> str:
        return self.scorer.version

    def fits(self, claim: str, passage: str) -> bool:
        return self.scorer.fits(claim, passage)

    def score(self, claim: str, passages: Sequence[str]) -> list[Probabilities]:
        keys = [ScoreCache.key(self.scorer.version, claim, p) for p in passages]
        found = self.cache.get_many(keys)
        todo = [(k, p) for k, p in zip(keys, passages, strict=True) if k not in found]
        if todo:
            unique = dict(todo)
            scores = self.scorer.score([(claim, p) for p in unique.values()])
            self.inferred += len(unique)
            fresh = dict(zip(unique, scores, strict=True))
            self.cache.put_many(fresh)
            found.update(fresh)
        return [found[k] for k in keys]


def load_scorer(
    model: str, root: Path | None = None, api_key_env: str = "", timeout: float = 60.0
) -> Scorer | None:
    """The scorer `[engine] model` names ("" or "bundled": the shipped model; "none": none)."""
    if model.lower() == "none":
        return None
    if model in ("", "bundled"):
        return _onnx(MODELS / f"claimcheck-{BUNDLED_VERSION}.onnx")
    if model.startswith("openai:"):
        name, _, url = model[len("openai:") :].partition("@")
        if not name or not url:
            raise InputError("claimcheck.toml", None, f"engine model '{model}': write openai:MODEL@URL")
        key = os.environ.get(api_key_env, "") if api_key_env else ""
        return OpenAIScorer(name, url, key, timeout)
    if model.endswith(".onnx"):
        path = Path(model).expanduser()
        if root is not None and not path.is_absolute():
            path = root / path
        return _onnx(path.resolve())
    return HFScorer(model)


@lru_cache(maxsize=4)
def _onnx(path: Path) -> OnnxScorer:
    """One session per model file and process: several engines (and threads) share it."""
    return OnnxScorer(path)


def build_reader(
    model: str = "", root: Path | None = None, api_key_env: str = "", timeout: float = 60.0
) -> Reader | None:
    scorer = load_scorer(model, root, api_key_env, timeout)
    return Reader(scorer, ScoreCache(default_cache_path())) if scorer is not None else None


def describe(reader: Any) -> str:
    return getattr(reader, "version", "none")
