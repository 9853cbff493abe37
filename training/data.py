"""Labelled rows for training: `{doc_id, text, spans: [{label, start, end, text}], ...}`.

Rows come from a JSONL file, a folder of JSONL files, or a `datasets` folder saved with
`save_to_disk` (pick the split with `path::split`, e.g. `corpora/synth/hf::train`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from ie.errors import ConfigError
from ie.spans import Span


def iter_rows(source: str | Path) -> Iterator[dict]:
    """Yield labelled rows from `source` (see module doc); raises ConfigError if unreadable."""
    text = str(source)
    path_str, _, split = text.partition("::")
    path = Path(path_str)
    if not path.exists():
        raise ConfigError(
            f"training data not found: {path} (make a corpus first: budget-ie synth -o DIR)"
        )
    is_hf = (path / "dataset_dict.json").exists() or (path / "state.json").exists()
    if path.is_dir() and is_hf:
        yield from _iter_hf(path, split or None)
    elif path.is_dir():
        files = sorted(path.glob("*.jsonl"))
        if not files:
            raise ConfigError(f"{path}: no *.jsonl files and not a saved datasets folder")
        for file in files:
            yield from _iter_jsonl(file)
    else:
        yield from _iter_jsonl(path)


def row_spans(row: dict) -> list[Span]:
    """The row's spans as checked `Span`s (each must read its own text)."""
    spans = [Span(s["start"], s["end"], s["label"], s["text"]) for s in row.get("spans") or []]
    for span in spans:
        span.check(row["text"])
    return spans


def _iter_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{n}: not JSON ({exc.msg})") from exc
            if "text" not in row:
                raise ConfigError(f"{path}:{n}: a row needs a 'text' field")
            yield row


def _iter_hf(path: Path, split: str | None) -> Iterator[dict]:
    import datasets

    data = datasets.load_from_disk(str(path))
    if isinstance(data, datasets.DatasetDict):
        if split is None:
            raise ConfigError(f"{path} holds splits {list(data)}; name one as '{path}::SPLIT'")
        if split not in data:
            raise ConfigError(f"{path} has no split {split!r}; splits: {', '.join(data)}")
        data = data[split]
    for row in data:
        row = dict(row)
        if isinstance(row.get("spans"), str):
            row["spans"] = json.loads(row["spans"])
        yield row
