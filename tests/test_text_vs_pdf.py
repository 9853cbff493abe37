"""benchmarks/text_vs_pdf.py: real PDFs through PDF-to-text tools, the text record scored against
the PDF record. The PDF tests skip without ../shared (or without the tool)."""

from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest
from conftest import JIANGSU, REAL_TXT, ROOT


@pytest.fixture(scope="module")
def tvp():
    spec = importlib.util.spec_from_file_location(
        "text_vs_pdf", ROOT / "benchmarks" / "text_vs_pdf.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["text_vs_pdf"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_lines_holding_counts_newlines_only_and_finds_any_rendering(tvp):
    # A form feed does not end a line (as for `sed -n`); 13377.11 万元 may be printed with
    # thousands separators or in 元, never as part of a longer number.
    text = "收入总计\f13,377.11\n113,377.11\n合计 133771100.00\n13377.11"
    assert tvp.lines_holding(text, 13377.11) == [1, 3, 4]


def test_disagreements_list_the_lines_of_a_missed_figure(tvp):
    from ie.evaluate.metrics import Outcome

    outcomes = [
        Outcome("d", "tables", "correct", "", "expense_by_function 201 total = 5", "…"),
        Outcome("d", "tables", "missed", "", "expense_by_function 201 total = 528.36", None),
    ]
    out = tvp.disagreements(outcomes, "201 行政运行\n528.36\n")
    assert out.count("\n") == 1 and "missed" in out and "[text lines [2]]" in out


def test_a_hanging_extraction_is_a_result_not_a_hang(tvp, tmp_path):
    got = tvp.extract_isolated(REAL_TXT, timeout=0.05)
    assert got.record is None and got.error.startswith("timeout")
    text = tmp_path / "tiny.txt"
    text.write_text(
        "一、部门预算安排的总体情况\n2023年收入预算总计686.71万元。\n", encoding="utf-8"
    )
    got = tvp.extract_isolated(text, timeout=120)
    assert got.error is None and got.record.key_figures["income_total"] == pytest.approx(686.71)


def _pdf(name: str):
    found = sorted(JIANGSU.glob(f"*/{name}")) if JIANGSU.is_dir() else []
    if not found:
        pytest.skip("../shared/corpora/jiangsu is absent")
    return found[0]


def test_pdfplumber_text_of_a_prose_pdf_gives_the_pdf_key_figures(tvp, tmp_path):
    pytest.importorskip("pdfplumber")
    pdf = _pdf("江苏省政协办公厅2017年度部门预算.pdf")
    (ref,) = tvp.references([pdf], tmp_path, timeout=120)
    assert ref.record is not None and len(ref.record.key_figures) >= 15
    # The PDF record scored against itself: every field perfect (the scorer sees every field).
    counts, _ = tvp.compare(ref.record, ref.record)
    assert counts["key_figures"].f1 == 1.0
    row = tvp.run_tool(tvp.TOOLS["pdfplumber"], ref, tmp_path, timeout=120)
    assert row.error is None
    # Measured 1.00 (19/19) on 2026-11-23; prose figures do not depend on the layout.
    assert row.counts["key_figures"].f1 >= 0.95
    assert (tmp_path / "pdfplumber" / f"{pdf.stem}.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is absent")
def test_pdftotext_layout_text_of_a_table_pdf_rebuilds_the_tables(tvp, tmp_path):
    pdf = _pdf("2017年度部门预算公开表.pdf")
    tool = tvp.TOOLS["pdftotext-layout"]
    refs, (row,) = tvp.run([pdf], [tool], tmp_path, timeout=120)
    assert row.error is None and row.counts["tables"].gold >= 40
    # Measured 1.00 (45/45 cells) on 2026-11-23.
    assert row.counts["tables"].f1 >= 0.95
    report = tvp.render(refs, [row], [tool])
    line = next(x for x in report.splitlines() if x.startswith("| pdftotext-layout"))
    tables = row.counts["tables"]
    assert f"{tables.f1:.2f} ({tables.tp}/{tables.gold}/{tables.pred})" in line
