"""Load gold and predicted records from files or directories and pair them by doc_id.

Gold: a `<doc_id>.gold.json` file, a directory of them (as corpora/real: optional
`<doc_id>.spans.jsonl` labels and `<doc_id>.txt` source beside each), or a `.jsonl` of records.
Pred: a `.json` record, a `.jsonl` with one record per line (what `budget-ie batch` writes), or a
directory of those; predicted spans are the records' `entities`.
A record's `doc_id` field names it; a file without one is named by its stem.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ie.errors import BudgetIEError, IngestError, SchemaError
from ie.evaluate.entities import Mention
from ie.schema import Disclosure
from ie.spans import read_spans

log = logging.getLogger(__name__)

GOLD_SUFFIX = ".gold.json"
SPANS_SUFFIX = ".spans.jsonl"


@dataclass(frozen=True, slots=True)
class EvalPair:
    """One document to score: its gold record, its prediction (None when missing), its gold
    spans (None when the document has no span labels: spans are then not scored) and, where
    available, its source text (for page numbers and context in the error list)."""

    doc_id: str
    gold: Disclosure
    pred: Disclosure | None
    gold_spans: tuple[Mention, ...] | None = None
    text: str | None = None

    @classmethod
    def from_dicts(
        cls,
        gold: dict[str, Any],
        pred: dict[str, Any] | None,
        gold_spans: list[dict[str, Any]] | None = None,
        text: str | None = None,
    ) -> EvalPair:
        """Build a pair from raw JSON objects (spans as `{label, start, end, text}` dicts)."""
        g = parse_record(gold, "gold")
        p = None if pred is None else parse_record(pred, "pred")
        spans = None
        if gold_spans is not None:
            spans = tuple(
                Mention(s["label"], s["start"], s["end"], s.get("text", "")) for s in gold_spans
            )
        return cls(g.doc_id, g, p, spans, text)


def parse_record(data: Any, where: str) -> Disclosure:
    """Validate one JSON object as a Disclosure; SchemaError naming `where` and the first problem.

    A missing `schema_version` is accepted (gold files often leave it out)."""
    if not isinstance(data, dict):
        raise SchemaError(f"{where}: expected a JSON object, got {type(data).__name__}")
    try:
        return Disclosure.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"])
        raise SchemaError(
            f"{where}: not a Disclosure record: {loc}: {first['msg']} "
            f"({exc.error_count()} problem(s); see SCHEMA.md)"
        ) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None


def iter_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (where, object) for each record in a `.json` (one object) or `.jsonl` file."""
    if path.suffix == ".jsonl":
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise IngestError(f"{path}: not UTF-8 text ({exc.reason})") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{n}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    else:
        yield str(path), _read_json(path)


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (GOLD_SUFFIX, ".pred.json", ".jsonl", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _records(path: Path) -> dict[str, tuple[str, Disclosure]]:
    """doc_id -> (where, record) for every record in one file."""
    out: dict[str, tuple[str, Disclosure]] = {}
    for where, obj in iter_records(path):
        if isinstance(obj, dict) and "doc_id" not in obj:
            obj = {**obj, "doc_id": _stem(path)}
        record = parse_record(obj, where)
        if record.doc_id in out:
            log.warning("%s: doc_id %s appears twice; keeping the first", where, record.doc_id)
            continue
        out[record.doc_id] = (where, record)
    return out


def _need(path: Path, what: str) -> None:
    if not path.exists():
        raise IngestError(f"{what} {path} does not exist; give a file or a directory")


def load_gold(path: Path) -> dict[str, tuple[Disclosure, tuple[Mention, ...] | None, str | None]]:
    """doc_id -> (gold record, gold spans or None, source text or None)."""
    path = Path(path)
    _need(path, "gold")
    files = sorted(path.glob(f"*{GOLD_SUFFIX}")) if path.is_dir() else [path]
    if path.is_dir() and not files:
        raise IngestError(f"gold directory {path} has no *{GOLD_SUFFIX} files")
    out = {}
    for file in files:
        for doc_id, (_, record) in _records(file).items():
            if doc_id in out:
                raise SchemaError(f"{file}: gold doc_id {doc_id} is already given by another file")
            spans_path = file.parent / f"{_stem(file)}{SPANS_SUFFIX}"
            spans = None
            if spans_path.is_file():
                spans = tuple(
                    Mention(s.label, s.start, s.end, s.text) for s in read_spans(spans_path)
                )
            out[doc_id] = (record, spans, _source_text(file.parent / f"{_stem(file)}.txt"))
    return out


def _source_text(path: Path) -> str | None:
    """The source text of a `.txt` gold document as ingest decodes it (offsets point into it)."""
    if not path.is_file():
        return None
    from ie.ingest import ingest  # only needed for the error context

    try:
        return ingest(path).text
    except BudgetIEError as exc:
        log.warning("%s: no context for the error list (%s)", path, exc)
        return None


def load_pred(path: Path) -> dict[str, Disclosure]:
    """doc_id -> predicted record, from a `.json`/`.jsonl` file or a directory of them.

    In a directory, `*.spans.jsonl` files are skipped, and `*.gold.json` ones unless they are
    all there is (so a gold directory can be scored against itself)."""
    path = Path(path)
    _need(path, "pred")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl") and p.is_file())
        files = [p for p in files if not p.name.endswith(SPANS_SUFFIX)]
        preds = [p for p in files if not p.name.endswith(GOLD_SUFFIX)]
        files = preds or files
        if not files:
            raise IngestError(f"pred directory {path} has no .json or .jsonl files")
    else:
        files = [path]
    out: dict[str, Disclosure] = {}
    for file in files:
        for doc_id, (where, record) in _records(file).items():
            if doc_id in out:
                log.warning("%s: doc_id %s was already predicted; keeping the first", where, doc_id)
                continue
            out[doc_id] = record
    return out


def load_pairs(gold: Path, pred: Path) -> tuple[list[EvalPair], list[str]]:
    """Pair gold and predicted records by doc_id. Returns (pairs, warnings): a gold document
    without a prediction is paired with None (all its items missed); a prediction without gold
    is left out."""
    golds, preds = load_gold(gold), load_pred(pred)
    warnings = []
    pairs = []
    for doc_id, (record, spans, text) in sorted(golds.items()):
        p = preds.get(doc_id)
        if p is None:
            warnings.append(f"{doc_id}: no prediction; every gold item counts as missed")
        elif p.error is not None:
            warnings.append(f"{doc_id}: prediction failed ({p.error.type}: {p.error.message})")
        pairs.append(EvalPair(doc_id, record, p, spans, text))
    for doc_id in sorted(set(preds) - set(golds)):
        warnings.append(f"{doc_id}: predicted but has no gold; not scored")
    for w in warnings:
        log.warning(w)
    return pairs, warnings
