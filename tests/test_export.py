"""Tidy export of records: row counts against the real gold record, CSV/Parquet read-back,
error records kept apart, streaming of JSONL."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import ie.export  # noqa: E402
from ie.errors import ConfigError, SchemaError  # noqa: E402
from ie.export import TABLE_NAMES, export_tidy, iter_records, tidy_frames  # noqa: E402
from ie.schema import Disclosure  # noqa: E402

REAL = Path(__file__).resolve().parents[1] / "corpora" / "real"
GOLD_FILES = sorted(REAL.glob("*.gold.json"))


@pytest.fixture(scope="module")
def gold_raw() -> dict:
    assert GOLD_FILES, "corpora/real has no gold record"
    return json.loads(GOLD_FILES[0].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold(gold_raw) -> Disclosure:
    return Disclosure.model_validate(gold_raw)


def _error_record(doc_id: str) -> dict:
    return {
        "doc_id": doc_id,
        "source": {"path": f"in/{doc_id}.pdf", "format": "pdf", "sha256": "0" * 64},
        "error": {"type": "IngestError", "message": "in/bad.pdf: damaged or truncated PDF"},
    }


def _jsonl(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


def test_doctests() -> None:
    assert doctest.testmod(ie.export).failed == 0


def test_row_counts_match_the_gold_record(gold_raw, gold) -> None:
    frames = tidy_frames([gold])
    assert set(frames) == set(TABLE_NAMES)
    # Counted from the raw JSON, independently of the pydantic model.
    n_cells = sum(len(row["values"]) for t in gold_raw["tables"] for row in t["rows"])
    assert len(frames["table_cells"]) == n_cells > 0
    assert len(frames["indicators"]) == len(gold_raw["indicators"]) > 0
    assert len(frames["key_figures"]) == len(gold_raw["key_figures"]) > 0
    assert len(frames["projects"]) == len(gold_raw["projects"])
    assert len(frames["redactions"]) == len(gold_raw["redactions"])
    assert len(frames["tables"]) == len(gold_raw["tables"])
    assert len(frames["documents"]) == 1
    assert frames["errors"].empty and frames["amounts"].empty and frames["checks"].empty
    assert set(frames["indicators"]["doc_id"]) == {gold.doc_id}


def test_cells_and_figures_carry_the_gold_values(gold_raw) -> None:
    frames = tidy_frames([gold_raw])
    want = {
        (t["kind"], i, row.get("code"), row["name"], col, val)
        for i, t in enumerate(gold_raw["tables"])
        for row in t["rows"]
        for col, val in row["values"].items()
    }
    cells = frames["table_cells"].astype(object).where(frames["table_cells"].notna(), None)
    got = {(r.kind, r.table_index, r.code, r.name, r.column, r.value) for r in cells.itertuples()}
    assert got == want
    figures = dict(zip(frames["key_figures"]["key"], frames["key_figures"]["value"], strict=True))
    assert figures == pytest.approx(gold_raw["key_figures"])
    kf = frames["key_figures"]
    assert set(kf["department"]) == {gold_raw["department"]["name"]}
    assert set(kf["year"]) == {gold_raw["year"]}


def test_indicator_columns_flatten_target_parsed(gold_raw) -> None:
    ind = tidy_frames([gold_raw])["indicators"]
    for row, gold_row in zip(ind.itertuples(), gold_raw["indicators"], strict=True):
        parsed = gold_row.get("target_parsed") or {}
        assert row.level3 == gold_row.get("level3")
        assert bool(row.redacted) == gold_row.get("redacted", False)
        assert (None if pd.isna(row.op) else row.op) == parsed.get("op")
        value = None if pd.isna(row.value) else row.value
        assert value == parsed.get("value")


def test_error_records_appear_in_errors_and_nowhere_else(tmp_path, gold_raw) -> None:
    path = _jsonl(tmp_path / "batch.jsonl", [gold_raw, _error_record("broken"), gold_raw])
    frames = tidy_frames(path)
    assert frames["errors"]["doc_id"].tolist() == ["broken"]
    assert frames["errors"]["type"].tolist() == ["IngestError"]
    assert frames["errors"]["source_path"].tolist() == ["in/broken.pdf"]
    for name, frame in frames.items():
        if name != "errors":
            assert "broken" not in set(frame["doc_id"]), name
    assert len(frames["documents"]) == 2


def test_bad_lines_become_error_rows_or_raise_when_strict(tmp_path, gold_raw) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps(gold_raw, ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({"doc_id": "odd", "year": "not a year"})
        + "\n",
        encoding="utf-8",
    )
    errors = tidy_frames(path)["errors"]
    assert errors["type"].tolist() == ["SchemaError", "SchemaError"]
    assert f"{path}:2" in errors["message"][0]
    assert errors["doc_id"][1] == "odd"
    with pytest.raises(SchemaError, match=r"batch\.jsonl:2"):
        tidy_frames(path, strict=True)


def test_jsonl_is_streamed_line_by_line(tmp_path, gold_raw) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(gold_raw, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    records = iter_records(path, strict=True)
    # The first record arrives before the broken second line has been read.
    assert next(records).doc_id == gold_raw["doc_id"]
    with pytest.raises(SchemaError):
        next(records)


def test_folder_of_json_records_and_doc_id_from_file_name(tmp_path, gold_raw) -> None:
    (tmp_path / "a.json").write_text(json.dumps({**gold_raw, "doc_id": "a"}), encoding="utf-8")
    no_id = {k: v for k, v in gold_raw.items() if k != "doc_id"}
    (tmp_path / "b.gold.json").write_text(json.dumps(no_id), encoding="utf-8")
    (tmp_path / "b.spans.jsonl").write_text('{"label": "AMOUNT"}\n', encoding="utf-8")
    docs = tidy_frames(tmp_path)["documents"]
    assert docs["doc_id"].tolist() == ["a", "b"]


def test_csv_has_bom_and_reads_back(tmp_path, gold_raw) -> None:
    paths = export_tidy([gold_raw, _error_record("broken")], tmp_path / "out", "csv")
    assert [p.name for p in paths] == [f"{name}.csv" for name in TABLE_NAMES]
    frames = tidy_frames([gold_raw, _error_record("broken")])
    for path, name in zip(paths, TABLE_NAMES, strict=True):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
        back = pd.read_csv(path, encoding="utf-8-sig", dtype={"code": str})
        assert list(back.columns) == list(ie.export.TABLES[name])
        assert len(back) == len(frames[name]), name
    projects = pd.read_csv(tmp_path / "out" / "projects.csv", encoding="utf-8-sig")
    assert projects["name"].tolist() == [p["name"] for p in gold_raw["projects"]]
    cells = pd.read_csv(tmp_path / "out" / "table_cells.csv", dtype={"code": str})
    assert cells["value"].sum() == pytest.approx(frames["table_cells"]["value"].sum())


def test_csv_batches_append_without_repeating_header_or_bom(tmp_path, gold_raw) -> None:
    records = [{**gold_raw, "doc_id": f"d{i}"} for i in range(3)]
    export_tidy(records, tmp_path, "csv", batch_size=1)
    raw = (tmp_path / "indicators.csv").read_bytes()
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert raw.count(b"doc_id") == 1
    back = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig")
    assert back["doc_id"].value_counts().to_dict() == {
        f"d{i}": len(gold_raw["indicators"]) for i in range(3)
    }


def test_parquet_reads_back_with_types(tmp_path, gold_raw) -> None:
    records = [{**gold_raw, "doc_id": f"d{i}"} for i in range(3)]
    paths = export_tidy(records, tmp_path, "parquet", batch_size=2)
    assert all(p.suffix == ".parquet" for p in paths)
    cells = pd.read_parquet(tmp_path / "table_cells.parquet")
    n_cells = sum(len(row["values"]) for t in gold_raw["tables"] for row in t["rows"])
    assert len(cells) == 3 * n_cells
    assert cells["value"].dtype == "float64"
    assert cells["code"].dropna().str.fullmatch(r"\d+").all()
    errors = pd.read_parquet(tmp_path / "errors.parquet")
    assert errors.empty and list(errors.columns) == list(ie.export.TABLES["errors"])


def test_unknown_format_is_rejected(tmp_path, gold) -> None:
    with pytest.raises(ConfigError, match="csv, parquet"):
        export_tidy([gold], tmp_path, "xlsx")  # type: ignore[arg-type]


def _cli_commands() -> set[str]:
    from ie.cli import app

    return {c.name or c.callback.__name__ for c in app.registered_commands}


@pytest.mark.skipif("export" not in _cli_commands(), reason="budget-ie export not wired yet")
def test_cli_export_csv(tmp_path, gold_raw) -> None:
    from typer.testing import CliRunner

    from ie.cli import app

    batch = _jsonl(tmp_path / "batch.jsonl", [gold_raw, _error_record("broken")])
    result = CliRunner().invoke(app, ["export", str(batch), "--to", "csv", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    errors = pd.read_csv(tmp_path / "errors.csv", encoding="utf-8-sig")
    assert errors["doc_id"].tolist() == ["broken"]
    indicators = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig")
    assert len(indicators) == len(gold_raw["indicators"])
