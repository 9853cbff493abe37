"""部门决算 (final accounts): the generator family, 决算 read as 决算 (kind, key figures, tables,
the “三公” 预算数/决算数 pairs), the 决算 checks, the blank template, and budget meets actual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SHARED

from ie.evaluate import EvalPair, evaluate_pairs
from ie.panel import panel_rows
from ie.pipeline import get_extractor
from training.synth import generate_document
from training.synth.final import FINAL_TABLES
from training.synth.pdf import write_pdf

TEMPLATE = SHARED / "corpora" / "templates" / "部门决算模板_上海2024.pdf"


@pytest.fixture(scope="module")
def extractor():
    return get_extractor("crf")


def _extract(extractor, doc, tmp: Path, pdf: bool = False):
    if pdf:
        path = write_pdf(doc, tmp)
    else:
        path = tmp / f"{doc.doc_id}.txt"
        path.write_text(doc.text, encoding="utf-8")
    return extractor.extract(path)


def _three_public_cells(record) -> set[tuple[str, str, float]]:
    return {
        (row.name, column, round(value, 2))
        for t in record.tables
        if t.kind == "three_public"
        for row in t.rows
        for column, value in row.values.items()
    }


@pytest.mark.parametrize(
    ("layout", "pdf"), [("tab", False), ("cell", False), ("space", False), ("tab", True)]
)
def test_synthetic_final_accounts_read_as_final_accounts(extractor, tmp_path, layout, pdf):
    """High-noise 决算, three of each: kind right, key figures and coded table cells F1 ≥ 0.95,
    the “三公” budget and final columns ≥ 0.95, and the documents being consistent, a check
    fails only where the record misread a figure (noise that broke a figure over lines)."""
    pairs, tp_gold, tp_found = [], 0, 0
    for i in range(3):
        doc = generate_document(4100 + i, noise="high", layout=layout, kind="final_accounts")
        pred = _extract(extractor, doc, tmp_path, pdf)
        assert pred.kind == "final_accounts"
        if any(not c.ok for c in pred.checks):
            one = evaluate_pairs(
                [EvalPair.from_dicts(json.loads(doc.record.to_json()), json.loads(pred.to_json()))]
            )
            assert one.fields["tables"].f1 < 1 or one.fields["key_figures"].f1 < 1
        gold_cells = _three_public_cells(doc.record)
        tp_gold += len(gold_cells)
        tp_found += len(gold_cells & _three_public_cells(pred))
        pairs.append(
            EvalPair.from_dicts(json.loads(doc.record.to_json()), json.loads(pred.to_json()))
        )
    report = evaluate_pairs(pairs)
    assert report.fields["kind"].f1 == 1.0
    assert report.fields["key_figures"].f1 >= 0.95
    assert report.fields["tables"].f1 >= 0.95
    assert tp_found / tp_gold >= 0.95


def test_final_accounts_key_figures_mean_the_year_s_actuals(extractor, tmp_path):
    """The 决算 keys of SCHEMA 1.1: grand_total is the 总计, income_total the 本年收入合计, the
    balances are read, and the “三公” total is the 决算数, not the 预算数 printed before it."""
    doc = generate_document(4200, noise="low", layout="tab", kind="final_accounts")
    pred = _extract(extractor, doc, tmp_path)
    gold = doc.record.key_figures
    for key in ("grand_total", "income_total", "expense_total", "carryover", "carryover_end"):
        assert pred.key_figures[key] == pytest.approx(gold[key], abs=0.005), key
    assert gold["grand_total"] != gold["income_total"]  # the document is not trivial
    assert pred.key_figures["three_public_total"] == pytest.approx(gold["three_public_total"])
    budget = {
        r.name: r.values for t in doc.record.tables if t.kind == "three_public" for r in t.rows
    }
    assert "budget" in budget["合计"]


def test_budget_documents_say_budget(extractor, tmp_path):
    for i, layout in enumerate(("tab", "cell", "space")):
        doc = generate_document(4300 + i, noise="high", layout=layout)
        assert doc.record.kind == "budget"
        assert _extract(extractor, doc, tmp_path).kind == "budget"


def test_a_missing_standard_table_is_a_failed_check_naming_it(extractor, tmp_path):
    doc = generate_document(
        4400, noise="medium", layout="tab", kind="final_accounts", drop_table=True
    )
    printed = {t.title for t in doc.record.tables}
    missing = [name for name, _ in FINAL_TABLES if name not in printed]
    assert len(missing) == 1
    pred = _extract(extractor, doc, tmp_path)
    failed = [c for c in pred.checks if not c.ok]
    assert [c.rule for c in failed] == ["final accounts: the nine standard tables"]
    assert failed[0].detail == f"missing: {missing[0]}"


def test_budget_meets_actual_on_a_synthetic_pair(extractor, tmp_path):
    """A department's budget and final accounts of one year (one draw of the generator, written
    as each): the panel's execution rates are the ones the two gold records imply."""
    budget = generate_document(4500, noise="low", layout="tab", kind="budget")
    final = generate_document(4500, noise="low", layout="tab", kind="final_accounts")
    assert budget.record.department.name == final.record.department.name
    records = [_extract(extractor, doc, tmp_path) for doc in (budget, final)]
    rows, unmatched = panel_rows(records)
    assert unmatched == []
    rates = {r["key"]: r["execution_rate"] for r in rows}
    implied = {
        key: final.record.key_figures[key] / value
        for key, value in budget.record.key_figures.items()
        if key in final.record.key_figures and value
    }
    assert len(implied) >= 8
    for key, rate in implied.items():
        assert rates[key] == pytest.approx(rate, abs=1e-3), key


@pytest.mark.skipif(not TEMPLATE.exists(), reason="../shared/corpora/templates is absent")
def test_the_blank_template_is_nine_typed_tables_without_rows(extractor):
    record = extractor.extract(TEMPLATE)
    assert (record.kind, record.level, record.year) == ("final_accounts", "department", 2024)
    assert [(t.title, t.kind) for t in record.tables] == [
        (title, kind) for title, kind in FINAL_TABLES
    ]
    assert all(t.rows == [] for t in record.tables)
    assert record.key_figures == {}
    assert [c for c in record.checks if not c.ok] == []


def test_final_accounts_prose_the_actual_after_the_budget(tmp_path):
    """决算 prose as the template words it: totals under their 决算 names, a 预算数 stated
    first and the 决算数 after it, the 政府采购 actually bought."""
    text = (
        "某某局2023年度部门决算\n\n"
        "某某局2023年度收入、支出决算总计1,234.56万元。与2022年度相比，收入、支出决算总计各"
        "减少100.00万元，下降7.49%。\n"
        "本年收入合计1,200.00万元，其中：财政拨款收入1,100.00万元，占91.67%。\n"
        "“三公”经费财政拨款支出年初预算为30.00万元，支出决算为25.00万元，完成预算的83.33%，"
        "其中：公务接待费支出年初预算为5万元，支出决算为4.5万元。\n"
        "2023年度政府采购支出总额88.00万元，其中：政府采购货物支出20.00万元。\n"
    )
    path = tmp_path / "final.txt"
    path.write_text(text, encoding="utf-8")
    record = get_extractor("rules").extract(path)
    assert record.kind == "final_accounts"
    assert record.key_figures == {
        "grand_total": 1234.56,
        "change_total": -100.0,
        "income_total": 1200.0,
        "three_public_total": 25.0,
        "three_public_reception": 4.5,
        "procurement_total": 88.0,
    }
