from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from conftest import REAL_TXT, jiangsu_pdfs


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ie.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def validator():
    result = run_cli("schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    return jsonschema.Draft202012Validator(schema)


def test_extract_real_text_is_schema_valid(validator, tmp_path):
    out = tmp_path / "rec.json"
    result = run_cli("extract", str(REAL_TXT), "-o", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    validator.validate(record)
    assert record["doc_id"] == REAL_TXT.stem
    assert record["source"]["format"] == "txt"
    assert len(record["source"]["sha256"]) == 64


def test_extract_to_a_jsonl_file_writes_one_record_per_line(tmp_path):
    # what `evaluate --pred` reads: an indented record in a .jsonl file was "not valid JSON"
    out = tmp_path / "pred.jsonl"
    result = run_cli("extract", str(REAL_TXT), "-o", str(out))
    assert result.returncode == 0, result.stderr
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["doc_id"] == REAL_TXT.stem
    result = run_cli("evaluate", "--gold", str(REAL_TXT.parent), "--pred", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["fields"]["key_figures"]["gold"] > 0


@pytest.mark.skipif(not jiangsu_pdfs(), reason="../shared/corpora/jiangsu is absent")
def test_extract_every_jiangsu_pdf_is_schema_valid(validator, tmp_path):
    pdfs = jiangsu_pdfs()
    out = tmp_path / "all.jsonl"
    result = run_cli("extract", *map(str, pdfs), "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(pdfs)
    for record, path in zip(records, pdfs, strict=True):
        validator.validate(record)
        assert record["source"]["format"] == "pdf"
        assert record["source"]["pages"] > 1, path.name


@pytest.mark.parametrize(
    "kind",
    [
        "missing",
        "directory",
        "empty",
        "garbage",
        "truncated_pdf",
        "encrypted_pdf",
        "no_text_layer_pdf",
        "not_a_disclosure",
    ],
)
def test_bad_input_gives_one_line_and_nonzero_exit(bad_inputs, kind):
    result = run_cli("extract", str(bad_inputs[kind]))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("budget-ie: error:"), result.stderr
    assert "Traceback" not in result.stderr


def test_help_teaches_with_an_example():
    result = run_cli("extract", "--help")
    assert result.returncode == 0
    assert "budget-ie extract" in result.stdout


def test_evaluate_extracts_input_then_scores(tmp_path):
    result = run_cli(
        "evaluate", "--gold", str(REAL_TXT.parent), "--input", str(REAL_TXT.parent), "--json"
    )
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["docs"] == 1
    assert set(scores["fields"]) >= {
        "key_figures",
        "projects",
        "redactions",
        "indicators",
        "tables",
    }
    assert scores["fields"]["key_figures"]["gold"] > 0
    assert scores["spans"]["strict"]["micro"]["gold"] > 0


def test_evaluate_needs_pred_or_input():
    result = run_cli("evaluate", "--gold", str(REAL_TXT.parent))
    assert result.returncode != 0
    assert "exactly one of --pred" in result.stderr
