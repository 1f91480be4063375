"""Rebuild the reference labeller from GROBID's citation corpus.

    python -m claimcheck.refparse.train --data ../shared/datasets/grobid_citations

Files are split, not references: every fifth file (by a stable hash of its name) and GROBID's
own evaluation files are held out, so no reference of a held-out file, nor a near-copy of one,
is trained on. `evaluation/` repeats `corpus/evaluation-citation-*` and is never read. Writes
the model into the package and prints token accuracy on the held-out files.
"""

from __future__ import annotations

import argparse
import re
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from pathlib import Path

from claimcheck.refparse import crf

_TEI = "{http://www.tei-c.org/ns/1.0}"
_IDNO = {"doi": "doi", "pmid": "pmid", "pmc": "pmcid", "pmcid": "pmcid"}
_SCOPE = {"volume": "volume", "vol": "volume", "issue": "issue", "page": "pages", "pp": "pages"}


def _tag(element: ET.Element, levels: set[str]) -> str:
    name = element.tag.replace(_TEI, "")
    if name == "author":
        return "author"
    if name == "title":
        level = element.get("level", "")
        if level == "a":
            return "title"
        if level == "j":
            return "journal"
        if level == "m":
            return "journal" if "a" in levels else "title"
        return "other"
    if name == "date":
        return "date"
    if name == "biblScope":
        return _SCOPE.get((element.get("unit") or element.get("type") or "").lower(), "other")
    if name == "idno":
        return _IDNO.get((element.get("type") or "").lower(), "other")
    if name == "ptr":
        return "url"
    return "other"


def bibl_sequences(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Each reference of a TEI file: its text and the labelled character spans."""
    tree = ET.parse(path)
    sequences = []
    for bibl in tree.iter(f"{_TEI}bibl"):
        levels = {t.get("level", "") for t in bibl.iter(f"{_TEI}title")}
        text = bibl.text or ""
        spans: list[tuple[int, int, str]] = []
        for child in bibl:
            label = _tag(child, levels)
            inner = "".join(child.itertext())
            if child.tag.replace(_TEI, "") == "lb":
                inner = " "
            start = len(text)
            text += inner
            if inner.strip() and child.tag.replace(_TEI, "") != "lb":
                spans.append((start, len(text), label))
            text += child.tail or ""
        if text.strip():
            sequences.append((text, spans))
    return sequences


def token_labels(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[str]]:
    """The text with spaces made single, and one label per token."""
    squeezed = re.sub(r"\s+", " ", text)
    # Map offsets of the original onto the squeezed text.
    mapping, position, previous_space = [], 0, False
    for char in text:
        space = char.isspace()
        if space and previous_space:
            mapping.append(position)
            continue
        mapping.append(position)
        position += 1
        previous_space = space
    mapping.append(position)
    labels = []
    for _token, start, _end in crf.tokenize(squeezed):
        tag = "O"
        for span_start, span_end, name in spans:
            if mapping[span_start] <= start < mapping[span_end]:
                tag = name
                break
        labels.append(tag)
    return squeezed, labels


def held_out(path: Path) -> bool:
    name = path.name
    if "evaluation-citation" in name:
        return True
    if name.endswith("corpus__citations.xml"):
        return False
    return zlib.crc32(name.encode()) % 5 == 0


def load(data: Path) -> tuple[list, list]:
    train, test = [], []
    for path in sorted(data.glob("*.xml")):
        if "__citation__evaluation__" in path.name:
            continue  # near-copies of corpus/evaluation-citation-*
        target = test if held_out(path) else train
        for text, spans in bibl_sequences(path):
            target.append(token_labels(text, spans))
    return train, test


def main(argv: list[str] | None = None) -> None:
    import pycrfsuite

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the grobid_citations folder")
    parser.add_argument("--output", type=Path, default=crf.model_path())
    parser.add_argument("--iterations", type=int, default=120)
    args = parser.parse_args(argv)
    train, test = load(args.data)
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, labels in train:
        trainer.append(crf.to_crfsuite(crf.features(text)), labels)
    trainer.set_params(
        {
            "c1": 0.2,
            "c2": 0.01,
            "max_iterations": args.iterations,
            "feature.minfreq": 2,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(args.output))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(args.output))
    right = total = 0
    per_label: Counter[str] = Counter()
    per_label_right: Counter[str] = Counter()
    for text, labels in test:
        predicted = tagger.tag(crf.to_crfsuite(crf.features(text)))
        for want, have in zip(labels, predicted, strict=True):
            total += 1
            right += want == have
            per_label[want] += 1
            per_label_right[want] += want == have
    print(f"trained on {len(train)} references; held out {len(test)} (by file)")
    print(f"held-out token accuracy: {right / total:.3f} ({right}/{total})")
    for name in sorted(per_label, key=lambda n: -per_label[n]):
        print(f"  {name:8} {per_label_right[name] / per_label[name]:.3f} of {per_label[name]}")
    print(f"model: {args.output} ({args.output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
