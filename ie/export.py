"""Tidy tables for researchers: many Disclosure records in, one pandas DataFrame per field out.

Every table has one row per fact (a key figure, a table cell, an indicator row, ...) and a
`doc_id` column to join on; `documents` has one row per record. A record whose `error` is set
(a file `budget-ie batch` could not process) appears in `errors` and in no other table.

Records come from Disclosure objects, dicts, `.json` files (one record each), `.jsonl` files (one
record per line, as `budget-ie batch` writes; read line by line, never whole) or folders of them.

    >>> frames = tidy_frames([Disclosure(doc_id="a", key_figures={"income_total": 1.5})])
    >>> frames["key_figures"][["doc_id", "key", "value"]].values.tolist()
    [['a', 'income_total', 1.5]]
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ie.errors import ConfigError, IngestError, SchemaError
from ie.evaluate.loading import parse_record
from ie.schema import Disclosure

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

log = logging.getLogger(__name__)

ExportFormat = Literal["csv", "parquet"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "parquet")

# Column name -> type, per table: "str", "int", "float" or "bool" (all nullable). Declared once so
# that every export has the same columns and types, even a table with no rows.
TABLES: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "str",
        "department": "str",
        "department_code": "str",
        "year": "int",
        "source_path": "str",
        "source_format": "str",
        "pages": "int",
        "sha256": "str",
        "n_warnings": "int",
    },
    "key_figures": {
        "doc_id": "str",
        "department": "str",
        "year": "int",
        "key": "str",
        "value": "float",
    },
    "tables": {
        "doc_id": "str",
        "table_index": "int",
        "kind": "str",
        "title": "str",
        "unit": "str",
        "n_rows": "int",
    },
    "table_cells": {
        "doc_id": "str",
        "table_index": "int",
        "kind": "str",
        "title": "str",
        "unit": "str",
        "row_index": "int",
        "code": "str",
        "name": "str",
        "column": "str",
        "value": "float",
    },
    "indicators": {
        "doc_id": "str",
        "project": "str",
        "level1": "str",
        "level2": "str",
        "level3": "str",
        "description": "str",
        "target": "str",
        "basis": "str",
        "redacted": "bool",
        "op": "str",
        "value": "float",
        "unit": "str",
    },
    "projects": {"doc_id": "str", "name": "str", "redacted": "bool", "goal": "str"},
    "redactions": {"doc_id": "str", "project": "str", "scope": "str", "marker": "str"},
    "amounts": {
        "doc_id": "str",
        "text": "str",
        "value": "float",
        "unit": "str",
        "context": "str",
        "start": "int",
        "end": "int",
    },
    "checks": {"doc_id": "str", "rule": "str", "ok": "bool", "detail": "str"},
    "warnings": {"doc_id": "str", "warning": "str"},
    "errors": {
        "doc_id": "str",
        "source_path": "str",
        "type": "str",
        "message": "str",
    },
}
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

RecordLike = Disclosure | dict[str, Any] | str | Path


# --- reading records ------------------------------------------------------------------------


def iter_records(
    sources: RecordLike | Iterable[RecordLike], *, strict: bool = False
) -> Iterator[Disclosure]:
    """Yield Disclosure records from objects, dicts, `.json`/`.jsonl` files or folders of them.

    A `.jsonl` file is read one line at a time. A line or file that is not a valid record raises
    SchemaError when `strict`; otherwise it is logged and yielded as an error record (type
    `SchemaError`, the message naming file and line), so one bad line never stops an export.
    """
    if isinstance(sources, Disclosure | dict | str | Path):
        sources = [sources]
    for item in sources:
        if isinstance(item, Disclosure):
            yield item
        elif isinstance(item, dict):
            yield _parse(item, "record", None, strict)
        elif isinstance(item, str | Path):
            yield from _iter_path(Path(item), strict)
        else:
            raise SchemaError(
                f"cannot read records from a {type(item).__name__}; "
                "give Disclosure objects, dicts, .json/.jsonl files or folders"
            )


def _iter_path(path: Path, strict: bool) -> Iterator[Disclosure]:
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix in (".json", ".jsonl")
            and not p.name.endswith(".spans.jsonl")
        )
        if not files:
            raise IngestError(f"{path}: no .json or .jsonl record files in this folder")
        for file in files:
            yield from _iter_path(file, strict)
        return
    if not path.is_file():
        raise IngestError(f"{path}: no such file or folder")
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    yield _parse_json(line, f"{path}:{n}", path, strict)
    else:
        yield _parse_json(path.read_text(encoding="utf-8"), str(path), path, strict)


def _parse_json(raw: str, where: str, path: Path, strict: bool) -> Disclosure:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        return _bad(f"{where}: not valid JSON ({exc.msg})", None, path, strict)
    if isinstance(obj, dict) and "doc_id" not in obj:
        # Gold files often leave doc_id out; the file name is the document's name.
        obj = {**obj, "doc_id": _stem(path)}
    return _parse(obj, where, path, strict)


def _parse(obj: Any, where: str, path: Path | None, strict: bool) -> Disclosure:
    try:
        return parse_record(obj, where)
    except SchemaError as exc:
        doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
        return _bad(str(exc), doc_id, path, strict)


def _bad(message: str, doc_id: Any, path: Path | None, strict: bool) -> Disclosure:
    if strict:
        raise SchemaError(message)
    log.warning("%s", message)
    return Disclosure(
        doc_id=str(doc_id) if doc_id else (_stem(path) if path else "?"),
        error={"type": "SchemaError", "message": message},
    )


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gold.json", ".pred.json", ".jsonl", ".json"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


# --- records to rows ------------------------------------------------------------------------


def record_rows(record: Disclosure) -> dict[str, list[tuple]]:
    """The tidy rows of one record: table name -> list of row tuples in TABLES column order."""
    out: dict[str, list[tuple]] = {name: [] for name in TABLES}
    d = record.doc_id
    if record.error is not None:
        path = record.source.path if record.source else None
        out["errors"].append((d, path, record.error.type, record.error.message))
        return out
    dept, year, src = record.department.name, record.year, record.source
    out["documents"].append(
        (
            d,
            dept,
            record.department.code,
            year,
            src.path if src else None,
            src.format if src else None,
            src.pages if src else None,
            src.sha256 if src else None,
            len(record.warnings),
        )
    )
    out["key_figures"] = [(d, dept, year, k, v) for k, v in record.key_figures.items()]
    for t, table in enumerate(record.tables):
        out["tables"].append((d, t, table.kind, table.title, table.unit, len(table.rows)))
        for r, row in enumerate(table.rows):
            for column, value in row.values.items():
                cell = (row.code, row.name, column, value)
                out["table_cells"].append((d, t, table.kind, table.title, table.unit, r, *cell))
    for ind in record.indicators:
        parsed = ind.target_parsed
        out["indicators"].append(
            (
                d,
                ind.project,
                ind.level1,
                ind.level2,
                ind.level3,
                ind.description,
                ind.target,
                ind.basis,
                ind.redacted,
                parsed.op if parsed else None,
                parsed.value if parsed else None,
                parsed.unit if parsed else None,
            )
        )
    out["projects"] = [(d, p.name, p.redacted, p.goal) for p in record.projects]
    out["redactions"] = [(d, r.project, r.scope, r.marker) for r in record.redactions]
    out["amounts"] = [
        (d, a.text, a.value, a.unit, a.context, a.start, a.end) for a in record.amounts
    ]
    out["checks"] = [(d, c.rule, c.ok, c.detail) for c in record.checks]
    out["warnings"] = [(d, w) for w in record.warnings]
    return out


class _Rows:
    """Row tuples gathered per table, record by record (no JSON text is kept)."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
        self.records = 0

    def add(self, record: Disclosure) -> None:
        for name, rows in record_rows(record).items():
            self.rows[name].extend(rows)
        self.records += 1

    def take(self) -> dict[str, pa.Table]:
        """The gathered rows as one Arrow table per name (empty ones too); starts afresh."""
        import pyarrow as pa

        out = {}
        for name, rows in self.rows.items():
            schema = arrow_schema(name)
            columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
            out[name] = pa.Table.from_arrays(
                [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                schema=schema,
            )
        self.rows = {name: [] for name in TABLES}
        self.records = 0
        return out


def _batches(
    records: RecordLike | Iterable[RecordLike], batch_size: int, strict: bool
) -> Iterator[dict[str, pa.Table]]:
    """Arrow tables of `batch_size` records at a time (at least one batch, maybe empty)."""
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
    acc, sent = _Rows(), False
    for record in iter_records(records, strict=strict):
        acc.add(record)
        if acc.records >= batch_size:
            yield acc.take()
            sent = True
    if acc.records or not sent:
        yield acc.take()


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of tidy table `name` (columns and types as TABLES declares them)."""
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(col, types[kind]) for col, kind in TABLES[name].items()])


def tidy_frames(
    records: RecordLike | Iterable[RecordLike], *, strict: bool = False
) -> dict[str, pd.DataFrame]:
    """Many records (see `iter_records`) in; table name -> DataFrame out, for every name in
    TABLE_NAMES, with nullable pandas dtypes (string, Int64, Float64, boolean).

    Money is in 万元 as in the records. Tables: documents, key_figures, tables (one row per
    reconstructed table, so empty tables are visible), table_cells, indicators, projects,
    redactions, amounts, checks, warnings, errors.
    """
    import pandas as pd
    import pyarrow as pa

    parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for batch in _batches(records, 1000, strict):
        for name, table in batch.items():
            parts[name].append(table)
    dtypes = {
        pa.string(): pd.StringDtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    return {
        name: pa.concat_tables(tables).to_pandas(types_mapper=dtypes.get)
        for name, tables in parts.items()
    }


# --- writing files --------------------------------------------------------------------------


class _Writers:
    """One open writer per table, fed batch by batch, so `export_tidy` holds one batch of
    records in memory at a time."""

    def __init__(self, out_dir: Path, fmt: str) -> None:
        self.fmt = fmt
        self.paths = {name: out_dir / f"{name}.{fmt}" for name in TABLES}
        self.writers: dict[str, Any] = {}
        self.files: list[Any] = []

    def write(self, name: str, table: pa.Table) -> None:
        if name not in self.writers:
            self.writers[name] = self._open(name, table.schema)
        self.writers[name].write_table(table)

    def _open(self, name: str, schema: pa.Schema) -> Any:
        path = self.paths[name]
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetWriter(path, schema)
        import pyarrow.csv as pacsv

        fh = path.open("wb")
        self.files.append(fh)
        # A UTF-8 BOM at the start tells Excel the file is UTF-8, so Chinese text opens right.
        fh.write(b"\xef\xbb\xbf")
        return pacsv.CSVWriter(fh, schema)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        for fh in self.files:
            fh.close()


def export_tidy(
    records: RecordLike | Iterable[RecordLike],
    out_dir: Path,
    fmt: ExportFormat = "csv",
    *,
    batch_size: int = 1000,
    strict: bool = False,
) -> list[Path]:
    """Write each tidy table (see `tidy_frames`) to `out_dir/<table>.<fmt>`; return the paths.

    `csv`: UTF-8 *with BOM* (utf-8-sig) so that Excel shows Chinese correctly; pandas and R read
    it as UTF-8 (`pd.read_csv(p, dtype={"code": str})` keeps codes as text). `parquet`: via
    pyarrow, with declared column types. Records are processed `batch_size` at a time, so memory
    stays flat on large corpora. Every table is written, with its header, even when empty.
    """
    if fmt not in EXPORT_FORMATS:
        valid = ", ".join(EXPORT_FORMATS)
        raise ConfigError(f"unknown export format {fmt!r}; valid formats: {valid}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writers = _Writers(out_dir, fmt)
    try:
        for batch in _batches(records, batch_size, strict):
            for name, table in batch.items():
                writers.write(name, table)
    finally:
        writers.close()
    return list(writers.paths.values())
