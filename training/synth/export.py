"""Corpus export: the JSONL splits as a `datasets.DatasetDict` with declared Features."""

from __future__ import annotations

import json
from pathlib import Path

from ie.schema import LABELS


def features():
    """The corpus row schema, declared once (labels as a ClassLabel)."""
    import datasets

    span = {
        "label": datasets.ClassLabel(names=list(LABELS)),
        "start": datasets.Value("int32"),
        "end": datasets.Value("int32"),
        "text": datasets.Value("string"),
    }
    return datasets.Features(
        {
            "doc_id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "spans": datasets.Sequence(span),
            "record": datasets.Value("string"),
            "layout": datasets.Value("string"),
            "noise": datasets.Value("float32"),
            "family": datasets.Value("string"),
            "split": datasets.Value("string"),
            # the tool that made the text: "" for the generator's own rendering
            "converter": datasets.Value("string"),
        }
    )


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def save_dataset_dict(corpus_dir: Path, out: Path) -> None:
    """Load `<split>.jsonl` (train, validation, test, real) and `save_to_disk(out)`."""
    import datasets

    datasets.disable_progress_bars()  # the CLI shows its own progress
    feats = features()
    dd = {}
    for split in ("train", "validation", "test", "real"):
        rows = _read(Path(corpus_dir) / f"{split}.jsonl")
        if not rows:
            continue
        cols = {k: [r.get(k, "") if k == "converter" else r[k] for r in rows] for k in feats}
        # Sequence(dict) takes a dict of lists per row
        cols["spans"] = [
            {
                "label": [s["label"] for s in r["spans"]],
                "start": [s["start"] for s in r["spans"]],
                "end": [s["end"] for s in r["spans"]],
                "text": [s["text"] for s in r["spans"]],
            }
            for r in rows
        ]
        dd[split] = datasets.Dataset.from_dict(cols, features=feats)
    datasets.DatasetDict(dd).save_to_disk(str(out))
