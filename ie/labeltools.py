"""Label-tool interop for the correct-and-retrain loop: Label Studio and doccano.

Out: labelled rows `{doc_id, text, spans: [{label, start, end, text}]}` (the training-row format
training/data.py reads) or records with `entities` become Label Studio tasks with predictions
(pre-annotations) and its labeling config, or doccano sequence-labeling JSONL.
In: what the annotators corrected, exported from either tool, becomes training rows again, every
span checked against its text (a mismatch raises AlignmentError naming the document and offsets).

Offsets are character offsets as Python indexes `str`: Unicode code points, end-exclusive. Label
Studio stores code points too (its frontend converts from JavaScript's UTF-16 since 2021), and
doccano's offsets index the text the same way for the BMP characters that make up budget text.
For a tool or version that counts UTF-16 code units instead (only characters outside the BMP,
such as CJK Extension B and emoji, differ), pass `offsets="utf16"`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree as ET

from ie.errors import AlignmentError, ConfigError, IngestError, SchemaError
from ie.schema import LABELS, Disclosure
from ie.spans import Span

log = logging.getLogger(__name__)

LabelTool = Literal["label-studio", "doccano"]
LABEL_TOOLS: tuple[str, ...] = ("label-studio", "doccano")
OffsetUnit = Literal["code_points", "utf16"]

#: Names of the Labels and Text tags in our Label Studio config; results refer to them.
FROM_NAME, TO_NAME = "label", "text"

#: What each label marks, shown to annotators as the label's hint in Label Studio.
LABEL_HINTS: dict[str, str] = {
    "AMOUNT": "金额 (a money figure as written, without its unit)",
    "PROJECT": "项目名称 (a budget project's name)",
    "IND_L1": "一级指标",
    "IND_L2": "二级指标",
    "IND_L3": "三级指标",
    "IND_DESC": "绩效指标描述",
    "IND_TARGET": "指标值",
    "IND_BASIS": "指标值确定依据",
    "REDACTED": "不公开/涉密 marker of a withheld cell or goal",
    "DEPT": "部门名称 (the department's name)",
    "CODE": "科目编码 (a functional or economic classification code)",
}
# Distinct background colours, one per label (cycled if labels are added).
_COLOURS = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
    "#f032e6", "#bfef45", "#9a6324", "#469990", "#808000",
)  # fmt: skip

Row = dict[str, Any]


# --- offsets ----------------------------------------------------------------------------------


class _Units:
    """Converts between code-point offsets (ours) and UTF-16 code-unit offsets in one text."""

    def __init__(self, text: str) -> None:
        # Cumulative UTF-16 length before each code point; None when the text is all BMP, where
        # the two units agree.
        self.u16: list[int] | None = None
        if any(ord(c) > 0xFFFF for c in text):
            pos, table = 0, [0]
            for c in text:
                pos += 2 if ord(c) > 0xFFFF else 1
                table.append(pos)
            self.u16 = table

    def to_tool(self, offset: int, unit: OffsetUnit) -> int:
        return offset if unit == "code_points" or self.u16 is None else self.u16[offset]

    def from_tool(self, offset: int, unit: OffsetUnit, where: str) -> int:
        if unit == "code_points" or self.u16 is None:
            return offset
        i = bisect_left(self.u16, offset)
        if i == len(self.u16) or self.u16[i] != offset:
            raise AlignmentError(f"{where}: UTF-16 offset {offset} splits a character")
        return i


def _check_unit(offsets: str) -> None:
    if offsets not in ("code_points", "utf16"):
        raise ConfigError(f"unknown offset unit {offsets!r}; valid: code_points, utf16")


# --- rows in ----------------------------------------------------------------------------------


def row_from_record(record: Disclosure | Mapping[str, Any], text: str | None = None) -> Row:
    """A record with `entities` in; a labelled row `{doc_id, text, spans}` out.

    `text` is the record's source text; when None it is read from `record.source.path` with
    `ie.ingest.ingest` (the file must be the one extracted: its sha256 is compared). Raises
    AlignmentError when an entity does not read its own text, IngestError when there is no text.
    """
    rec = record if isinstance(record, Disclosure) else Disclosure.model_validate(record)
    if rec.error is not None:
        raise SchemaError(f"{rec.doc_id}: the record is an error ({rec.error.message}); no text")
    if text is None:
        if rec.source is None:
            raise IngestError(f"{rec.doc_id}: the record names no source file; give its text")
        from ie.ingest import ingest

        doc = ingest(rec.source.path)
        if rec.source.sha256 and doc.sha256 != rec.source.sha256:
            raise AlignmentError(
                f"{rec.doc_id}: {rec.source.path} has changed since it was extracted "
                "(sha256 differs); re-run extraction so offsets match"
            )
        text = doc.text
    spans = []
    for e in rec.entities:
        span = _span(text, e.label, e.start, e.end, rec.doc_id, e.score)
        if span.text != e.text:
            raise AlignmentError(
                f"{rec.doc_id}: {e.label} entity {e.start}:{e.end} reads {span.text!r}, "
                f"not {e.text!r}"
            )
        spans.append(span)
    return {"doc_id": rec.doc_id, "text": text, "spans": [_span_dict(s) for s in sorted(spans)]}


def _as_row(item: Row | Disclosure) -> tuple[str, str, list[Span]]:
    """(doc_id, text, checked spans) of a labelled row, or of a record (text read from source)."""
    if isinstance(item, Disclosure) or "text" not in item:
        item = row_from_record(item)
    doc_id = str(item.get("doc_id") or "")
    text = item["text"]
    spans = []
    # Rows carry `spans`; a record-shaped dict given with its text carries `entities`.
    for s in item.get("spans", item.get("entities")) or []:
        span = _span(text, s["label"], s["start"], s["end"], doc_id, s.get("score", 1.0))
        if "text" in s and s["text"] != span.text:
            raise AlignmentError(
                f"{doc_id}: {s['label']} span {s['start']}:{s['end']} reads {span.text!r}, "
                f"not {s['text']!r}"
            )
        spans.append(span)
    return doc_id, text, sorted(spans)


def _span(text: str, label: str, start: Any, end: Any, doc_id: str, score: float = 1.0) -> Span:
    """Span.on with the document named in the error."""
    try:
        if not isinstance(start, int) or not isinstance(end, int):
            raise AlignmentError(f"offsets {start!r}:{end!r} are not integers")
        return Span.on(text, label, start, end, score)
    except AlignmentError as exc:
        raise AlignmentError(f"{doc_id or '<no doc_id>'}: {exc}") from None


def _span_dict(span: Span) -> dict[str, Any]:
    # A model's confidence travels with its spans; labelled spans (score 1) keep the plain form.
    return span.to_dict() if span.score == 1.0 else {**span.to_dict(), "score": span.score}


def _region_id(doc_id: str, span: Span) -> str:
    # Deterministic, so exporting the same predictions twice gives the same file.
    key = f"{doc_id}\0{span.label}\0{span.start}\0{span.end}"
    return hashlib.sha1(key.encode()).hexdigest()[:10]


# --- Label Studio -----------------------------------------------------------------------------


def label_studio_config(labels: Iterable[str] = LABELS) -> str:
    """The Label Studio labeling config (XML) for our labels: `Labels name="label"` over a
    `Text name="text" value="$text"`, matching the tasks `to_label_studio` writes."""
    view = ET.Element("View")
    tag = ET.SubElement(view, "Labels", name=FROM_NAME, toName=TO_NAME)
    for i, label in enumerate(labels):
        attrs = {"value": label, "background": _COLOURS[i % len(_COLOURS)]}
        if label in LABEL_HINTS:
            attrs["hint"] = LABEL_HINTS[label]
        ET.SubElement(tag, "Label", attrs)
    ET.SubElement(view, "Text", name=TO_NAME, value=f"${TO_NAME}")
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def to_label_studio(
    rows: Iterable[Row | Disclosure],
    *,
    model_version: str = "budget-ie",
    as_annotations: bool = False,
    offsets: OffsetUnit = "code_points",
) -> list[dict[str, Any]]:
    """Labelled rows (or records, text read from their source) in; Label Studio tasks out.

    Each task is `{"data": {"text", "doc_id"}, "predictions": [{"model_version", "score",
    "result": [...]}]}`, one result region per span. With `as_annotations` the spans are written
    as finished annotations instead (to import gold labels for review).
    """
    _check_unit(offsets)
    tasks = []
    for item in rows:
        doc_id, text, spans = _as_row(item)
        units = _Units(text)
        result = []
        for span in spans:
            region: dict[str, Any] = {
                "id": _region_id(doc_id, span),
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "value": {
                    "start": units.to_tool(span.start, offsets),
                    "end": units.to_tool(span.end, offsets),
                    "text": span.text,
                    "labels": [span.label],
                },
            }
            if not as_annotations:
                region["score"] = span.score
            result.append(region)
        task: dict[str, Any] = {"data": {"text": text, "doc_id": doc_id}}
        if as_annotations:
            task["annotations"] = [{"result": result}]
        else:
            score = sum(s.score for s in spans) / len(spans) if spans else 1.0
            task["predictions"] = [
                {"model_version": model_version, "score": round(score, 4), "result": result}
            ]
        tasks.append(task)
    return tasks


def _latest(items: list[dict[str, Any]]) -> dict[str, Any]:
    # ISO timestamps sort as strings; items without them keep list order (later wins).
    return max(
        enumerate(items),
        key=lambda p: (str(p[1].get("updated_at") or p[1].get("created_at") or ""), p[0]),
    )[1]


def from_label_studio(
    tasks: Iterable[dict[str, Any]] | dict[str, Any],
    *,
    use_predictions: bool = False,
    offsets: OffsetUnit = "code_points",
) -> list[Row]:
    """Label Studio's JSON export in; training rows `{doc_id, text, spans}` out.

    Per task the latest non-cancelled annotation is taken (by `updated_at`/`created_at`, else the
    last listed). A task with no such annotation is skipped, or, with `use_predictions`, its
    latest prediction is taken instead. JSON-MIN exports (`{"text", "label": [...]}`) are read
    too. Spans are sorted; a region that does not read its own `text` raises AlignmentError.
    """
    _check_unit(offsets)
    if isinstance(tasks, dict):
        tasks = [tasks]
    rows, skipped = [], 0
    for n, task in enumerate(tasks, 1):
        if "data" in task:
            data = task["data"]
            done = [
                a
                for a in task.get("annotations") or task.get("completions") or []
                if not a.get("was_cancelled")
            ]
            if done:
                regions = _latest(done).get("result") or []
            elif use_predictions and task.get("predictions"):
                regions = _latest(task["predictions"]).get("result") or []
            else:
                skipped += 1
                continue
            # JSON export results hold `value`; keep only our label regions.
            values = [
                r["value"]
                for r in regions
                if r.get("type") == "labels" and r.get("from_name", FROM_NAME) == FROM_NAME
            ]
        else:  # JSON-MIN: the data fields and one annotation's regions side by side
            data, values = task, task.get(FROM_NAME) or []
        if not isinstance(data.get(TO_NAME), str):
            raise SchemaError(f"task {n}: no data.{TO_NAME} string; is this a budget-ie project?")
        text = data[TO_NAME]
        doc_id = str(data.get("doc_id") or task.get("id") or f"task-{n}")
        rows.append(_row(doc_id, text, _ls_spans(doc_id, text, values, offsets)))
    if skipped:
        log.warning(
            "%d task(s) without an annotation skipped%s",
            skipped,
            ""
            if use_predictions
            else "; use_predictions (--use-predictions) takes their predictions",
        )
    return rows


def _ls_spans(doc_id: str, text: str, values: list[dict], offsets: OffsetUnit) -> list[Span]:
    units, spans = _Units(text), []
    for v in values:
        start = units.from_tool(v["start"], offsets, doc_id)
        end = units.from_tool(v["end"], offsets, doc_id)
        for label in v.get("labels") or []:
            span = _span(text, label, start, end, doc_id)
            if "text" in v and v["text"] != span.text:
                hint = (
                    "; the text has characters outside the BMP: try offsets='utf16'"
                    if units.u16 is not None and offsets == "code_points"
                    else ""
                )
                raise AlignmentError(
                    f"{doc_id}: {label} region {v['start']}:{v['end']} reads {span.text!r}, "
                    f"but Label Studio says {v['text']!r}{hint}"
                )
            spans.append(span)
    return spans


def _row(doc_id: str, text: str, spans: Iterable[Span]) -> Row:
    return {"doc_id": doc_id, "text": text, "spans": [_span_dict(s) for s in sorted(set(spans))]}


# --- doccano ----------------------------------------------------------------------------------


def to_doccano(
    rows: Iterable[Row | Disclosure], *, offsets: OffsetUnit = "code_points"
) -> Iterator[dict[str, Any]]:
    """Labelled rows (or records) in; doccano sequence-labeling JSONL objects out:
    `{"text", "label": [[start, end, "LABEL"], ...], "doc_id"}` (doccano keeps `doc_id` as meta)."""
    _check_unit(offsets)
    for item in rows:
        doc_id, text, spans = _as_row(item)
        units = _Units(text)
        yield {
            "text": text,
            "label": [
                [units.to_tool(s.start, offsets), units.to_tool(s.end, offsets), s.label]
                for s in spans
            ],
            "doc_id": doc_id,
        }


def from_doccano(
    lines: Iterable[dict[str, Any] | str], *, offsets: OffsetUnit = "code_points"
) -> list[Row]:
    """doccano's JSONL export (objects or raw lines) in; training rows out.

    Spans come from `label` (`[[start, end, "LABEL"], ...]`) or `entities` (`[{"start_offset",
    "end_offset", "label"}, ...]`), whichever the doccano version wrote. `doc_id` is taken from
    the line, its `meta`, or doccano's `id`.
    """
    _check_unit(offsets)
    rows = []
    for n, line in enumerate(lines, 1):
        if isinstance(line, str):
            if not line.strip():
                continue
            try:
                line = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SchemaError(f"line {n}: not JSON ({exc.msg})") from None
        if not isinstance(line, dict) or not isinstance(line.get("text"), str):
            raise SchemaError(f"line {n}: a doccano line needs a 'text' string")
        text = line["text"]
        meta = line.get("meta") if isinstance(line.get("meta"), dict) else {}
        doc_id = str(line.get("doc_id") or meta.get("doc_id") or line.get("id") or f"line-{n}")
        units, spans = _Units(text), []
        for item in [*(line.get("label") or []), *(line.get("entities") or [])]:
            if isinstance(item, dict):
                start = item.get("start_offset", item.get("start"))
                end = item.get("end_offset", item.get("end"))
                label = item.get("label")
            elif isinstance(item, list | tuple) and len(item) == 3:
                start, end, label = item
            else:
                raise SchemaError(f"{doc_id}: not a doccano span: {item!r}")
            start = units.from_tool(start, offsets, doc_id) if isinstance(start, int) else start
            end = units.from_tool(end, offsets, doc_id) if isinstance(end, int) else end
            spans.append(_span(text, str(label), start, end, doc_id))
        rows.append(_row(doc_id, text, spans))
    return rows


# --- files ------------------------------------------------------------------------------------


def _check_tool(tool: str) -> None:
    if tool not in LABEL_TOOLS:
        raise ConfigError(f"unknown label tool {tool!r}; valid: {', '.join(LABEL_TOOLS)}")


def export_labels(
    rows: Iterable[Row | Disclosure],
    out: Path,
    tool: LabelTool,
    *,
    offsets: OffsetUnit = "code_points",
    model_version: str = "budget-ie",
    as_annotations: bool = False,
) -> list[Path]:
    """Write rows (or records, text read from their source) for `tool`; return the files.

    label-studio: `out` (a JSON list of tasks: import it into a project) and, beside it,
    `<stem>.config.xml` (the project's labeling config); `model_version` and `as_annotations` as
    in `to_label_studio`. doccano: `out` as JSONL (import it as sequence-labeling JSONL).
    """
    _check_tool(tool)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if tool == "doccano":
        with out.open("w", encoding="utf-8") as fh:
            for obj in to_doccano(rows, offsets=offsets):
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        return [out]
    tasks = to_label_studio(
        rows, offsets=offsets, model_version=model_version, as_annotations=as_annotations
    )
    out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    config = out.with_name(f"{out.stem}.config.xml")
    config.write_text(label_studio_config(), encoding="utf-8")
    return [out, config]


def import_labels(
    path: Path,
    tool: LabelTool,
    *,
    use_predictions: bool = False,
    offsets: OffsetUnit = "code_points",
) -> list[Row]:
    """Read a Label Studio JSON export or a doccano JSONL export; return training rows."""
    _check_tool(tool)
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    if tool == "doccano":
        with path.open(encoding="utf-8") as fh:
            return from_doccano(fh, offsets=offsets)
    raw = path.read_text(encoding="utf-8")
    try:
        tasks = json.loads(raw)
    except json.JSONDecodeError:
        # Some users save tasks one per line.
        try:
            tasks = [json.loads(line) for line in raw.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{path}: not a Label Studio JSON export ({exc.msg})") from None
    return from_label_studio(tasks, use_predictions=use_predictions, offsets=offsets)


def write_rows(rows: Iterable[Row], path: Path) -> Path:
    """Write training rows as JSONL (one `{doc_id, text, spans}` object per line)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def iter_label_rows(sources: Iterable[str | Path]) -> Iterator[Row]:
    """Rows to label from files: training-row JSONL (`{doc_id, text, spans}`) and/or records
    (`.json`, `.jsonl` as `budget-ie batch` writes, or folders of them). A record's text is read
    from its `source.path`; error records are skipped with a warning."""
    from ie.export import iter_records

    for source in sources:
        path = Path(source)
        files = (
            sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            if file.name.endswith(".spans.jsonl"):
                continue
            if _is_row_file(file):
                with file.open(encoding="utf-8") as fh:
                    for line in fh:
                        if line.strip():
                            yield json.loads(line)
                continue
            for record in iter_records(file, strict=True):
                if record.error is not None:
                    log.warning("%s: error record skipped (%s)", record.doc_id, record.error.type)
                    continue
                yield row_from_record(record)


def _is_row_file(path: Path) -> bool:
    """Whether a `.jsonl` file holds training rows (its first object has `text`) not records."""
    if path.suffix != ".jsonl" or not path.is_file():
        return False
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    return False
                return isinstance(first, dict) and "text" in first
    return False
