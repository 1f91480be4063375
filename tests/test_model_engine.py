"""The claim-verification model in the engine: the shipped ONNX model, the passages it reads,
the score cache, and the other models `[engine] model` can name (built tiny by the tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimcheck.config import EngineSettings, load_config
from claimcheck.errors import InputError
from claimcheck.model import Claim, Record
from claimcheck.verify import reader as reader_module
from claimcheck.verify.engine import Engine, build_engine
from claimcheck.verify.evidence import BM25Retriever, Sentence
from claimcheck.verify.passages import passages
from claimcheck.verify.reader import (
    BUNDLED_VERSION,
    MODELS,
    OnnxScorer,
    OpenAIScorer,
    Probabilities,
    Reader,
    ScoreCache,
    load_scorer,
)

ABSTRACT = (
    "Obesity is a risk factor for type 2 diabetes. We randomly assigned 400 adults with obesity to "
    "drug X or placebo for 52 weeks. Drug X reduced body weight by 12% compared with placebo "
    "(P<0.001). Nausea was the most common adverse event. Drug X is an effective treatment for weight "
    "loss in adults with obesity."
)
RECORD = Record(source="test", id="r1", title="Drug X for obesity", abstract=ABSTRACT)


class CountingScorer:
    """A scorer that counts the pairs it is asked about (every answer: 'supported')."""

    version = "counting-1"
    max_length = 128

    def __init__(self) -> None:
        self.pairs: list[tuple[str, str]] = []

    def fits(self, claim: str, passage: str) -> bool:
        return len(claim.split()) + len(passage.split()) <= 40

    def score(self, pairs):
        self.pairs.extend(pairs)
        return [Probabilities(0.8, 0.1, 0.1) for _ in pairs]


# --- the shipped model ----------------------------------------------------------------------------


def test_the_shipped_model_is_package_data_with_its_tokenizer():
    meta = json.loads((MODELS / f"claimcheck-{BUNDLED_VERSION}.json").read_text())
    assert (MODELS / f"claimcheck-{BUNDLED_VERSION}.onnx").stat().st_size < 30_000_000
    assert (MODELS / meta["tokenizer"]).exists()
    assert meta["labels"] == ["supported", "contradicted", "not-enough-information"]
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert '"models/*.onnx"' in pyproject and '"models/*.json"' in pyproject


def test_the_default_engine_reads_claims_with_the_shipped_model():
    engine = build_engine()
    assert engine.reader is not None and engine.reader.version.startswith(BUNDLED_VERSION)
    claim = Claim(id="c", text="Drug X reduced body weight by 12% compared with placebo.", cites=("r1",))
    reading = engine.assess(claim, RECORD, "r1").reading
    assert reading is not None
    p = reading.probabilities
    assert abs(p.supported + p.contradicted + p.nei - 1) < 1e-4
    # The passages quoted are the record's own text.
    assert all(passage.text in ABSTRACT for passage in reading.passages)


def test_the_shipped_model_tells_a_stated_claim_from_its_reversal():
    scorer = load_scorer("")
    passage = "Drug X reduced body weight by 12% compared with placebo (P<0.001)."
    stated, reversed_ = scorer.score(
        [
            ("Drug X reduced body weight compared with placebo.", passage),
            ("Drug X increased body weight compared with placebo.", passage),
        ]
    )
    assert stated.supported > reversed_.supported
    assert reversed_.contradicted > stated.contradicted


def test_model_none_leaves_the_word_rules_alone():
    engine = build_engine(EngineSettings(model="none"))
    assert engine.reader is None
    claim = Claim(id="c", text="Drug X reduced body weight by 12%.", cites=("r1",))
    assert engine.assess(claim, RECORD, "r1").reading is None


# --- passages ---------------------------------------------------------------------------------------


def _sentences(texts):
    return [Sentence(t, "", i) for i, t in enumerate(texts)]


def test_the_whole_abstract_is_read_when_it_fits():
    sentences = _sentences(["Drug X reduced weight.", "Nausea was common."])
    ranked = BM25Retriever().rank("Drug X reduced weight", sentences)
    (only,) = passages(sentences, ranked, lambda text: True)
    assert only.text == "Drug X reduced weight. Nausea was common." and only.indices == (0, 1)


def test_a_long_abstract_is_read_as_windows_around_the_best_sentences():
    texts = [f"Filler sentence number {i} about nothing." for i in range(10)]
    texts[5] = "Drug X reduced body weight by 12%."
    sentences = _sentences(texts)
    ranked = BM25Retriever().rank("Drug X reduced body weight", sentences)
    chosen = passages(sentences, ranked, lambda text: len(text.split()) <= 25, limit=1)
    assert chosen[0].indices == (4, 5, 6)
    assert "Drug X reduced body weight by 12%." in chosen[0].text
    # A window too long for the model falls back to the sentence alone.
    (alone,) = passages(sentences, ranked, lambda text: len(text.split()) <= 8, limit=1)
    assert alone.indices == (5,)


def test_the_title_is_not_a_passage():
    scorer = CountingScorer()
    engine = Engine(reader=Reader(scorer))
    claim = Claim(id="c", text="Drug X for obesity reduced body weight.", cites=("r1",))
    engine.assess(claim, RECORD, "r1")
    assert scorer.pairs and all("Drug X for obesity" not in passage for _, passage in scorer.pairs)


# --- the cache --------------------------------------------------------------------------------------


def test_a_warm_run_reads_no_pair_twice(tmp_path):
    scorer = CountingScorer()
    path = tmp_path / "scores.sqlite"
    claim = Claim(id="c", text="Drug X reduced body weight by 12%.", cites=("r1",))
    first = Engine(reader=Reader(scorer, ScoreCache(path))).assess(claim, RECORD, "r1").reading
    asked = len(scorer.pairs)
    assert asked >= 1
    # A new process: a new engine and cache object on the same file.
    again = Engine(reader=Reader(scorer, ScoreCache(path))).assess(claim, RECORD, "r1").reading
    assert len(scorer.pairs) == asked
    assert again == first


def test_the_cache_key_holds_the_model_version(tmp_path):
    cache = ScoreCache(tmp_path / "scores.sqlite")
    one, other = CountingScorer(), CountingScorer()
    other.version = "counting-2"
    Reader(one, cache).score("claim", ["passage"])
    Reader(other, cache).score("claim", ["passage"])
    assert len(one.pairs) == len(other.pairs) == 1


def test_an_unwritable_cache_costs_speed_not_results(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = ScoreCache(blocker / "sub" / "scores.sqlite")  # a file where a folder should be
    scorer = CountingScorer()
    assert Reader(scorer, cache).score("c", ["p"])[0].supported == pytest.approx(0.8)


# --- configuration and other models -----------------------------------------------------------------


def test_engine_model_is_read_from_the_configuration(tmp_path):
    path = tmp_path / "claimcheck.toml"
    path.write_text('[engine]\nmodel = "none"\n')
    assert load_config(path).engine.model == "none"
    path.write_text("[engine]\nmodel = 3\n")
    with pytest.raises(InputError) as error:
        load_config(path)
    assert error.value.line == 2 and "model must be a string" in str(error.value)


def test_an_onnx_path_without_its_description_is_a_clear_error(tmp_path):
    (tmp_path / "m.onnx").write_bytes(b"")
    with pytest.raises(InputError, match=r"m\.json"):
        load_scorer(str(tmp_path / "m.onnx"))


def test_openai_model_needs_a_name_and_an_address():
    with pytest.raises(InputError, match="openai:MODEL@URL"):
        load_scorer("openai:gpt-4o-mini")


def test_an_openai_compatible_endpoint_gives_the_probabilities(httpserver, monkeypatch):
    answer = {"supported": 0.7, "contradicted": 0.1, "not_enough_information": 0.2}
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {"choices": [{"message": {"content": "Here: " + json.dumps(answer)}}]}
    )
    monkeypatch.setenv("MY_KEY", "secret")
    scorer = load_scorer(f"openai:tiny@{httpserver.url_for('/v1')}", api_key_env="MY_KEY")
    assert isinstance(scorer, OpenAIScorer)
    (p,) = scorer.score([("Drug X reduces weight.", "Drug X reduced weight by 12%.")])
    assert p.label == "supported" and p.supported == pytest.approx(0.7)
    request = httpserver.log[0][0]
    assert request.headers["Authorization"] == "Bearer secret"
    assert "Drug X reduced weight by 12%." in request.get_data(as_text=True)


def test_an_unreachable_model_endpoint_leaves_the_claim_without_a_reading(monkeypatch):
    scorer = OpenAIScorer("tiny", "http://127.0.0.1:9", timeout=1)
    engine = Engine(reader=Reader(scorer))
    claim = Claim(id="c", text="Drug X reduced body weight by 12%.", cites=("r1",))
    assessment = engine.assess(claim, RECORD, "r1")
    assert assessment.reading is None
    assert (
        assessment.verdict is build_engine(EngineSettings(model="none")).assess(claim, RECORD, "r1").verdict
    )


def _tiny_encoder(tmp_path: Path):
    """A tiny randomly initialised BERT over the shipped tokenizer's vocabulary (needs torch)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=16,
        max_position_embeddings=512,
        num_labels=3,
        id2label={0: "entailment", 1: "neutral", 2: "contradiction"},
        label2id={"entailment": 0, "neutral": 1, "contradiction": 2},
    )
    torch.manual_seed(0)
    model = transformers.BertForSequenceClassification(config)
    with torch.no_grad():  # a clear preference, so the label mapping shows through quantisation noise
        model.classifier.bias.copy_(torch.tensor([3.0, 0.0, -3.0]))
    return torch, transformers, model


def test_a_local_onnx_model_with_its_description(tmp_path):
    """An .onnx file the test exports from a tiny model, named by path as `[engine] model` would."""
    torch, _, model = _tiny_encoder(tmp_path)
    pytest.importorskip("onnx")
    model.eval()

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    example = tuple(torch.ones((1, 8), dtype=torch.long) for _ in range(3))
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        Logits(model),
        example,
        str(tmp_path / "tiny.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
        dynamo=False,
    )
    shipped = json.loads((MODELS / f"claimcheck-{BUNDLED_VERSION}.json").read_text())
    (tmp_path / "tok.json").write_bytes((MODELS / shipped["tokenizer"]).read_bytes())
    (tmp_path / "tiny.json").write_text(
        json.dumps(
            {
                "version": "tiny",
                "labels": ["entailment", "neutral", "contradiction"],
                "max_length": 64,
                "tokenizer": "tok.json",
            }
        )
    )
    engine = build_engine(EngineSettings(model="tiny.onnx"), root=tmp_path)
    assert isinstance(engine.reader.scorer, OnnxScorer) and engine.reader.version.startswith("tiny:")
    claim = Claim(id="c", text="Drug X reduced body weight by 12%.", cites=("r1",))
    reading = engine.assess(claim, RECORD, "r1").reading
    with torch.no_grad():
        ids = engine.reader.scorer.tokenizer.encode(claim.text, reading.passages[-1].text)
        logits = (
            model(
                input_ids=torch.tensor([ids.ids]),
                attention_mask=torch.tensor([ids.attention_mask]),
                token_type_ids=torch.tensor([ids.type_ids]),
            )
            .logits.softmax(-1)[0]
            .tolist()
        )
    # The NLI label names map onto ours: entailment = supported, contradiction = contradicted.
    assert logits[0] > 0.8
    assert reading.passages[-1].probabilities.supported == pytest.approx(logits[0], abs=1e-3)
    assert reading.passages[-1].probabilities.contradicted == pytest.approx(logits[2], abs=1e-3)


def test_a_hugging_face_model_by_name(tmp_path, monkeypatch):
    """A Hugging Face model folder (what a hub name downloads to), loaded through extra `hf`."""
    _, transformers, model = _tiny_encoder(tmp_path)
    model.save_pretrained(tmp_path / "nli")
    tokenizer_json = json.loads((MODELS / f"claimcheck-{BUNDLED_VERSION}.json").read_text())["tokenizer"]
    transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(MODELS / tokenizer_json),
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        unk_token="[UNK]",
        mask_token="[MASK]",
    ).save_pretrained(tmp_path / "nli")
    engine = build_engine(EngineSettings(model=str(tmp_path / "nli")))
    assert engine.reader.version == f"hf:{tmp_path / 'nli'}"
    claim = Claim(id="c", text="Drug X reduced body weight by 12%.", cites=("r1",))
    p = engine.assess(claim, RECORD, "r1").reading.probabilities
    assert abs(p.supported + p.contradicted + p.nei - 1) < 1e-4


def test_a_hugging_face_name_without_the_extra_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_transformers(name, *args, **kwargs):
        if name in ("torch", "transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_transformers)
    with pytest.raises(InputError, match=r"claimcheck\[hf\]"):
        reader_module.HFScorer("cross-encoder/nli-deberta-v3-xsmall")


def test_the_bundled_article_carries_the_model_reading_into_the_json_report(tmp_path, bundled_project):
    """Each claim judged against an abstract has the model's probabilities and the passages it
    read, quoted from the record, in the JSON report; the verdicts stay the word rules' own."""
    import jsonschema

    from claimcheck.audit import AuditOptions, run_audit
    from claimcheck.project import load_project
    from claimcheck.report.json import render, schema

    result = run_audit(load_project(bundled_project), AuditOptions(offline=True))
    judged = [c for c in result.claims if c.evidence]
    assert judged and all(c.reading is not None for c in judged)
    data = json.loads(render(result))
    jsonschema.validate(data, schema())
    by_id = {c["id"]: c for c in data["claims"]}
    for claim in judged:
        model = by_id[claim.claim.id]["model"]
        assert model["name"].startswith(BUNDLED_VERSION)
        assert abs(sum(model["probabilities"].values()) - 1) < 1e-3
        assert model["passages"] and all(p["text"] for p in model["passages"])
    unjudged = [c for c in result.claims if c.reading is None]
    assert all(by_id[c.claim.id]["model"] is None for c in unjudged)


def test_a_hugging_face_name_that_cannot_be_loaded_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="could not be loaded"):
        load_scorer(str(tmp_path / "no-such-model"))
