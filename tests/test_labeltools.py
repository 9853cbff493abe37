"""Label Studio and doccano round trips on the real labelled text, offset units, and errors."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ie.errors import AlignmentError, ConfigError
from ie.ingest import ingest
from ie.labeltools import (
    export_labels,
    from_doccano,
    from_label_studio,
    import_labels,
    iter_label_rows,
    label_studio_config,
    row_from_record,
    to_doccano,
    to_label_studio,
    write_rows,
)
from ie.schema import LABELS, Disclosure
from ie.spans import read_spans

REAL = Path(__file__).resolve().parents[1] / "corpora" / "real"
REAL_TXT = sorted(REAL.glob("*.txt"))


def _accept(tasks: list[dict]) -> list[dict]:
    """What Label Studio exports after an annotator submits the pre-annotations unchanged."""
    out = []
    for task in json.loads(json.dumps(tasks)):
        result = task.pop("predictions")[0]["result"]
        task["annotations"] = [{"id": 1, "result": result, "was_cancelled": False}]
        out.append(task)
    return out


@pytest.fixture(scope="module")
def real_rows() -> list[dict]:
    assert REAL_TXT, "corpora/real has no labelled text"
    rows = []
    for txt in REAL_TXT:
        spans = read_spans(txt.with_suffix(".spans.jsonl"))
        text = ingest(txt).text
        rows.append({"doc_id": txt.stem, "text": text, "spans": [s.to_dict() for s in spans]})
    return rows


def test_real_spans_include_wrapped_and_chinese_spans(real_rows) -> None:
    spans = [s for row in real_rows for s in row["spans"]]
    assert any("\n" in s["text"] for s in spans)
    assert any(any("\u4e00" <= c <= "\u9fff" for c in s["text"]) for s in spans)


def test_label_studio_round_trip_gives_back_the_same_spans(real_rows) -> None:
    tasks = to_label_studio(real_rows, model_version="rules-0.1")
    assert tasks[0]["data"] == {"text": real_rows[0]["text"], "doc_id": real_rows[0]["doc_id"]}
    pred = tasks[0]["predictions"][0]
    assert pred["model_version"] == "rules-0.1"
    region = pred["result"][0]
    assert {region["from_name"], region["to_name"], region["type"]} == {"label", "text", "labels"}
    assert len({r["id"] for r in pred["result"]}) == len(pred["result"])
    back = from_label_studio(_accept(tasks))
    assert back == real_rows


def test_label_studio_predictions_only_with_the_flag(real_rows) -> None:
    tasks = json.loads(json.dumps(to_label_studio(real_rows)))
    assert from_label_studio(tasks) == []
    assert from_label_studio(tasks, use_predictions=True) == real_rows


def test_label_studio_takes_the_latest_non_cancelled_annotation() -> None:
    text = "项目支出290.15万元，基本支出396.56万元。"

    def ann(start: int, end: int, when: str, cancelled: bool = False) -> dict:
        value = {"start": start, "end": end, "text": text[start:end], "labels": ["AMOUNT"]}
        result = [{"from_name": "label", "to_name": "text", "type": "labels", "value": value}]
        return {"result": result, "updated_at": when, "was_cancelled": cancelled}

    task = {
        "id": 7,
        "data": {"text": text},
        "annotations": [
            ann(4, 10, "2024-01-01T00:00:00Z"),
            ann(17, 23, "2024-03-01T00:00:00Z", cancelled=True),
            ann(4, 12, "2024-02-01T00:00:00Z"),
        ],
        "predictions": [{"result": ann(17, 23, "")["result"]}],
    }
    [row] = from_label_studio([task], use_predictions=True)
    assert row["doc_id"] == "7"
    assert row["spans"] == [{"label": "AMOUNT", "start": 4, "end": 12, "text": "290.15万元"}]


def test_label_studio_ignores_other_controls_and_reads_json_min() -> None:
    text = "2013101 行政运行"
    region = {"start": 0, "end": 7, "text": "2013101", "labels": ["CODE"]}
    task = {
        "data": {"text": text, "doc_id": "d"},
        "annotations": [
            {
                "result": [
                    {"from_name": "label", "to_name": "text", "type": "labels", "value": region},
                    {
                        "from_name": "note",
                        "to_name": "text",
                        "type": "textarea",
                        "value": {"text": ["check"]},
                    },
                ]
            }
        ],
    }
    want = [{"label": "CODE", "start": 0, "end": 7, "text": "2013101"}]
    assert from_label_studio(task)[0]["spans"] == want
    json_min = {"id": 3, "text": text, "doc_id": "d", "label": [region]}
    assert from_label_studio([json_min])[0]["spans"] == want


def test_doccano_round_trip_through_files(tmp_path, real_rows) -> None:
    [out] = export_labels(real_rows, tmp_path / "doccano.jsonl", "doccano")
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == {"text", "label", "doc_id"}
    assert all(isinstance(s, int) and isinstance(e, int) for s, e, _ in first["label"])
    assert import_labels(out, "doccano") == real_rows


def test_doccano_entities_format_and_meta_doc_id(real_rows) -> None:
    row = real_rows[0]
    line = {
        "id": 12,
        "text": row["text"],
        "meta": {"doc_id": row["doc_id"]},
        "entities": [
            {"id": i, "label": s["label"], "start_offset": s["start"], "end_offset": s["end"]}
            for i, s in enumerate(reversed(row["spans"]))
        ],
        "relations": [],
    }
    assert from_doccano([json.dumps(line, ensure_ascii=False)]) == [row]
    assert from_doccano([{"id": 5, "text": "合计", "label": []}])[0]["doc_id"] == "5"


def test_label_studio_files_and_config(tmp_path, real_rows) -> None:
    tasks_path, config_path = export_labels(real_rows, tmp_path / "ls.json", "label-studio")
    assert config_path.name == "ls.config.xml"
    view = ET.fromstring(config_path.read_text(encoding="utf-8"))
    labels = view.find("Labels")
    text = view.find("Text")
    assert [el.get("value") for el in labels.findall("Label")] == list(LABELS)
    assert (labels.get("name"), labels.get("toName")) == ("label", "text")
    assert (text.get("name"), text.get("value")) == ("text", "$text")
    assert config_path.read_text(encoding="utf-8") == label_studio_config()
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    tasks_path.write_text(json.dumps(_accept(tasks), ensure_ascii=False), encoding="utf-8")
    assert import_labels(tasks_path, "label-studio") == real_rows


def test_a_wrong_offset_names_the_document_and_offsets(real_rows) -> None:
    tasks = _accept(to_label_studio(real_rows[:1]))
    value = tasks[0]["annotations"][0]["result"][3]["value"]
    value["start"] += 1
    doc_id = real_rows[0]["doc_id"]
    with pytest.raises(AlignmentError, match=rf"{doc_id}: .* {value['start']}:{value['end']}"):
        from_label_studio(tasks)
    n = len(real_rows[0]["text"])
    bad = {"text": real_rows[0]["text"], "doc_id": doc_id, "label": [[n - 2, n + 3, "AMOUNT"]]}
    with pytest.raises(AlignmentError, match=rf"{doc_id}: span {n - 2}:{n + 3} lies outside"):
        from_doccano([bad])


def test_bad_labels_and_rows_are_rejected(real_rows) -> None:
    with pytest.raises(AlignmentError, match="valid labels"):
        from_doccano([{"text": "合计", "doc_id": "x", "label": [[0, 2, "TOTAL"]]}])
    row = {**real_rows[0], "spans": [{**real_rows[0]["spans"][0], "text": "不对"}]}
    with pytest.raises(AlignmentError, match=real_rows[0]["doc_id"]):
        to_label_studio([row])
    with pytest.raises(ConfigError, match="label-studio, doccano"):
        export_labels(real_rows, Path("unused"), "brat")  # type: ignore[arg-type]


def test_offsets_outside_the_bmp_in_both_units() -> None:
    # U+20000 (CJK Extension B) is one code point but two UTF-16 code units.
    text = "\U00020000号文件：经费\n12.5万元"
    span = {"label": "AMOUNT", "start": 8, "end": 12, "text": "12.5"}
    assert text[8:12] == "12.5"
    row = {"doc_id": "ext-b", "text": text, "spans": [span]}
    ls = to_label_studio([row], offsets="utf16")
    assert ls[0]["predictions"][0]["result"][0]["value"]["start"] == 9
    assert from_label_studio(_accept(ls), offsets="utf16") == [row]
    with pytest.raises(AlignmentError, match="utf16"):
        from_label_studio(_accept(ls))
    dc = list(to_doccano([row], offsets="utf16"))
    assert dc[0]["label"] == [[9, 13, "AMOUNT"]]
    assert from_doccano(dc, offsets="utf16") == [row]
    assert from_doccano(list(to_doccano([row]))) == [row]


_CHARS = st.sampled_from(list("预算万元合计\n\t 0123456789.，\U00020000\U0002a6d6"))


@st.composite
def _rows(draw) -> dict:
    text = draw(st.text(_CHARS, min_size=1, max_size=40))
    spans = set()
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.add((start, end, draw(st.sampled_from(LABELS))))
    return {
        "doc_id": "p",
        "text": text,
        "spans": [
            {"label": lab, "start": s, "end": e, "text": text[s:e]} for s, e, lab in sorted(spans)
        ],
    }


@settings(max_examples=60, deadline=None)
@given(_rows(), st.sampled_from(["code_points", "utf16"]))
def test_round_trips_are_exact_for_any_spans(row, unit) -> None:
    assert from_label_studio(_accept(to_label_studio([row], offsets=unit)), offsets=unit) == [row]
    assert from_doccano(list(to_doccano([row], offsets=unit)), offsets=unit) == [row]


def test_rows_from_records_read_the_source_text(tmp_path, real_rows) -> None:
    txt = REAL_TXT[0]
    doc = ingest(txt)
    spans = real_rows[0]["spans"][:50]
    record = Disclosure(
        doc_id=txt.stem,
        source={"path": str(txt), "format": "txt", "sha256": doc.sha256},
        entities=[{**s, "score": 0.9} for s in spans],
    )
    row = row_from_record(record)
    assert row == {
        "doc_id": txt.stem,
        "text": doc.text,
        "spans": [{**s, "score": 0.9} for s in spans],
    }
    tasks = to_label_studio([record])
    assert tasks[0]["predictions"][0]["result"][0]["score"] == 0.9

    wrong = record.model_copy(update={"source": record.source.model_copy(update={"sha256": "0"})})
    with pytest.raises(AlignmentError, match="changed since"):
        row_from_record(wrong)
    moved = record.model_copy(
        update={
            "entities": [
                e.model_copy(update={"start": e.start + 1, "end": e.end + 1})
                for e in record.entities[:1]
            ]
        }
    )
    with pytest.raises(AlignmentError, match=txt.stem):
        row_from_record(moved)

    records = tmp_path / "batch.jsonl"
    error = {
        "doc_id": "bad",
        "source": {"path": "x.pdf", "format": "pdf", "sha256": "0"},
        "error": {"type": "IngestError", "message": "x.pdf: no text layer"},
    }
    records.write_text(record.to_json(indent=None) + "\n" + json.dumps(error) + "\n", "utf-8")
    training = write_rows(real_rows, tmp_path / "rows.jsonl")
    got = list(iter_label_rows([records, training]))
    assert [r["doc_id"] for r in got] == [txt.stem, txt.stem]
    assert got[0]["spans"] == row["spans"] and got[1] == real_rows[0]


def test_rows_given_with_entities_and_annotation_export(real_rows) -> None:
    row = real_rows[0]
    with_entities = {"doc_id": row["doc_id"], "text": row["text"], "entities": row["spans"]}
    tasks = to_label_studio([with_entities], as_annotations=True)
    assert "predictions" not in tasks[0]
    assert from_label_studio(json.loads(json.dumps(tasks))) == [row]


def _cli_commands() -> set[str]:
    from ie.cli import app

    return {c.name or c.callback.__name__ for c in app.registered_commands}


@pytest.mark.skipif(
    not {"export", "import"} <= _cli_commands(), reason="budget-ie export/import not wired yet"
)
def test_cli_label_round_trip(tmp_path, real_rows) -> None:
    from typer.testing import CliRunner

    from ie.cli import app

    rows = write_rows(real_rows, tmp_path / "rows.jsonl")
    runner = CliRunner()
    for tool in ("label-studio", "doccano"):
        out = tmp_path / tool / ("tasks.json" if tool == "label-studio" else "tasks.jsonl")
        result = runner.invoke(app, ["export", str(rows), "--to", tool, "-o", str(out)])
        assert result.exit_code == 0, result.output
        back = tmp_path / f"{tool}.rows.jsonl"
        args = ["import", str(out), "--from", tool, "--use-predictions", "-o", str(back)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        got = [json.loads(line) for line in back.read_text(encoding="utf-8").splitlines()]
        assert got == real_rows
