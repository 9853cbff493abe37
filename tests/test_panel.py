"""budget-ie export --panel: a department's budget and final accounts of a year, joined."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from ie.panel import normalise_department, panel_rows
from ie.schema import Department, Disclosure, ErrorInfo


def _record(doc_id: str, name: str, year: int | None, kind: str | None, **figures: float):
    return Disclosure(
        doc_id=doc_id,
        department=Department(name=name),
        year=year,
        kind=kind,
        level="department",
        key_figures=figures,
    )


def test_budget_and_final_accounts_of_a_year_pair_with_rates():
    records = [
        _record("b23", "上海市某某局", 2023, "budget", expense_total=200.0, expense_basic=120.0),
        _record(
            "f23",
            "上海市某某局（本级）",
            2023,
            "final_accounts",
            expense_total=180.0,
            expense_basic=126.0,
            carryover_end=5.0,
        ),
        _record("b24", "上海市某某局", 2024, "budget", expense_total=210.0),
    ]
    rows, unmatched = panel_rows(records)
    by_key = {r["key"]: r for r in rows}
    assert by_key["expense_total"]["execution_rate"] == 0.9
    assert by_key["expense_basic"]["execution_rate"] == 1.05
    assert by_key["carryover_end"]["budget_value"] is None
    assert by_key["carryover_end"]["execution_rate"] is None
    assert {r["budget_doc_id"] for r in rows} == {"b23"}
    assert [(u["doc_id"], u["reason"]) for u in unmatched] == [
        ("b24", "no final_accounts of 上海市某某局 2024 among the records")
    ]


def test_nothing_is_dropped_silently():
    failed = Disclosure(doc_id="bad", error=ErrorInfo(type="IngestError", message="x"))
    no_year = _record("ny", "某局", None, "budget", expense_total=1.0)
    twice = [
        _record("a", "某局", 2023, "budget", expense_total=1.0),
        _record("a2", "某局", 2023, "budget", expense_total=1.0, expense_basic=1.0),
        _record("f", "某局", 2023, "final_accounts", expense_total=1.0),
    ]
    rows, unmatched = panel_rows([failed, no_year, *twice])
    reasons = {u["doc_id"]: u["reason"] for u in unmatched}
    assert reasons["bad"].startswith("not extracted")
    assert reasons["ny"] == "no year to pair on"
    assert "(a2) was paired" in reasons["a"]  # the one stating more figures is kept
    assert {r["budget_doc_id"] for r in rows} == {"a2"}


def test_department_names_normalise():
    assert normalise_department(" 上海市 某某局（本级） ") == "上海市某某局"
    assert normalise_department("某某局本级") == "某某局"


def test_cli_writes_panel_and_unmatched(tmp_path):
    records = tmp_path / "records.jsonl"
    lines = [
        _record("b", "某局", 2023, "budget", expense_total=100.0).to_json(indent=None),
        _record("f", "某局", 2023, "final_accounts", expense_total=95.0).to_json(indent=None),
    ]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "panel"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ie.cli",
            "export",
            str(records),
            "--to",
            "csv",
            "--panel",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out / "panel.csv", encoding="utf-8-sig")
    assert frame.to_dict("records") == [
        {
            "department": "某局",
            "year": 2023,
            "key": "expense_total",
            "budget_value": 100.0,
            "final_value": 95.0,
            "execution_rate": 0.95,
            "budget_doc_id": "b",
            "final_doc_id": "f",
        }
    ]
    assert pd.read_csv(out / "panel_unmatched.csv").empty
    assert json.loads(lines[0])["kind"] == "budget"
