"""ie.tables.money: money tables rebuilt from every layout, scored against the real gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ie.ingest import ingest
from ie.ingest import text_document as text_doc
from ie.schema import CODED_TABLE_KINDS
from ie.tables.money import (
    clean_name,
    column_key,
    money_tables,
    money_tables_detailed,
    parse_figure,
    report,
    three_public_name,
)

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325"
JIANGSU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"


def table_cells(tables: list[dict]) -> set[tuple[str, str, str, float]]:
    """SCHEMA.md table scoring: (kind, code or 合计, column, value) over the coded kinds."""
    out = set()
    for t in tables:
        if t["kind"] not in CODED_TABLE_KINDS:
            continue
        for r in t["rows"]:
            key = r["code"] or r["name"]
            for column, value in r["values"].items():
                out.add((t["kind"], key, column, round(value, 2)))
    return out


# --- the real example ---------------------------------------------------------------------------


def test_real_example_table_cells_f1() -> None:
    pred = table_cells([t.model_dump() for t in money_tables(ingest(REAL.with_suffix(".txt")))])
    gold = table_cells(json.loads(REAL.with_suffix(".gold.json").read_text("utf-8"))["tables"])
    tp = len(pred & gold)
    precision, recall = tp / len(pred), tp / len(gold)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (sorted(gold - pred)[:10], sorted(pred - gold)[:10])


def test_real_example_row_broken_at_page_break_is_rejoined() -> None:
    tables = money_tables(ingest(REAL.with_suffix(".txt")))
    income = next(t for t in tables if t.kind == "income_summary")
    rows = {r.code: r for r in income.rows}
    # "2013 | 行政 | 528." on one page, "101 | 运行 | 36" after the repeated header.
    assert rows["2013101"].name == "行政运行"
    assert rows["2013101"].values == {"total": 528.36}
    assert rows["20131"].name == "党委办公厅(室)及相关机构事务"  # wrap spaces removed
    assert rows["2101101"].name == "行政单位医疗"  # "医疗" continued after a page break
    assert income.rows[0].code is None and income.rows[0].name == "合计"


def test_real_example_three_public_and_empty_tables() -> None:
    tables = money_tables(ingest(REAL.with_suffix(".txt")))
    three = next(t for t in tables if t.kind == "three_public")
    names = {r.name: r.values for r in three.rows}
    assert names["合计"] == {"total": 34.5}
    assert names["“三公”经费小计"] == {"total": 34.5}
    assert names["公务接待费"] == {"total": 30.0}
    assert names["公务用车购置费"] == {}  # 其中： dropped, empty cell omitted
    empty = [t for t in tables if t.kind in ("gov_fund_expense", "state_capital_expense")]
    assert len(empty) == 2 and all(t.rows == [] for t in empty)


def test_real_example_provenance_points_at_the_printed_figure() -> None:
    doc = ingest(REAL.with_suffix(".txt"))
    tables = money_tables_detailed(doc)
    basic = next(t for t in tables if t.kind == "basic_expense_by_economic")
    assert not basic.issues and basic.checked > 10
    for row in basic.rows:
        for cell in row.cells:
            assert doc.text[cell.start : cell.end] == cell.text
            assert parse_figure(cell.text) == pytest.approx(cell.value)


# --- hand-made layouts --------------------------------------------------------------------------


def test_tab_table_in_yuan_is_converted_and_totals_renamed() -> None:
    text = (
        "支出总表\n单位：元\n"
        "序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
        "1\t\t总计\t1,500,000.00\t1,000,000.00\t500,000.00\n"
        "2\t201\t一、一般公共服务支出\t1,500,000.00\t1,000,000.00\t500,000.00\n"
        "3\t20101\t（一）人大事务\t1,500,000.00\t1,000,000.00\t500,000.00\n"
    )
    (table,) = money_tables(text_doc(text))
    assert table.unit == "万元"
    assert [(r.code, r.name) for r in table.rows] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("20101", "人大事务"),
    ]
    assert table.rows[0].values == {"total": 150.0, "basic": 100.0, "project": 50.0}


def test_space_aligned_table_places_figures_by_column() -> None:
    text = (
        "支出总表\n单位：万元\n"
        "科目编码    科目名称              合计       基本支出     项目支出\n"
        "            合计                 100.00        60.00        40.00\n"
        "201         一般公共服务支出       100.00        60.00        40.00\n"
        "2010101     行政运行               60.00        60.00\n"
        "2010104     人大会议               40.00                     40.00\n"
    )
    (table,) = money_tables(text_doc(text))
    rows = {r.code: r.values for r in table.rows}
    assert rows["2010101"] == {"total": 60.0, "basic": 60.0}
    assert rows["2010104"] == {"total": 40.0, "project": 40.0}


ONE_CELL_PER_LINE = "\n".join(
    [
        "一般公共预算支出表",
        "单位：元",
        "科目编码",
        "科目名称",
        "合计",
        "基本支出",
        "项目支出",
        "合计",
        "1000000.00",
        "600000.00",
        "400000.00",
        "201",
        "一般公共服务支出",
        "1000000.00",
        "600000.00",
        "400000.00",
        "20101",
        "人大事务",
        "1000000.00",
        "600000.00",
        "400000.00",
        "2010101",
        "行政运行",
        "600000.00",
        "600000.00",
        "2010104",
        "人大会议",
        "400000.00",
        "400000.00",
    ]
)


def test_one_cell_per_line_arithmetic_places_missing_cells() -> None:
    (detailed,) = money_tables_detailed(text_doc(ONE_CELL_PER_LINE))
    assert detailed.layout == "line" and not detailed.issues
    rows = {r.code: r.values() for r in detailed.rows}
    assert rows["2010101"] == {"total": 60.0, "basic": 60.0}
    # Row arithmetic alone allows basic or project; the parent 20101 (project 40) decides.
    assert rows["2010104"] == {"total": 40.0, "project": 40.0}


def test_inconsistent_table_is_reported_not_fixed() -> None:
    text = (
        "支出总表\n单位：万元\n"
        "序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出\n"
        "1\t\t合计\t100.00\t60.00\t40.00\n"
        "2\t201\t一般公共服务支出\t100.00\t60.00\t40.00\n"
        "3\t20101\t人大事务\t90.00\t60.00\t40.00\n"
    )
    (detailed,) = money_tables_detailed(text_doc(text))
    assert any("20101: total 90" in issue for issue in detailed.issues)
    assert any(issue.startswith("201: total 100") for issue in detailed.issues)
    assert {r.code: r.values() for r in detailed.rows}["20101"]["total"] == 90.0


# --- small pure functions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("686. 71", 686.71),
        ("53.7 3", 53.73),
        ("13,649.07", 13649.07),
        ("24, 458 . 43", 24458.43),
        ("528.", 528.0),
        ("-12.50", -12.5),
        ("0.00", 0.0),
        ("行政运行", None),
        ("", None),
        ("1,234,567,890,123.45", 1234567890123.45),  # 13 digits: a large total in 元
        # codes printed one after another without spaces (pdftotext: 221 02 01 …) joined into
        # one "figure" when read as the pieces of a figure cut at its line end
        ("22013201014201010152", None),
    ],
)
def test_parse_figure(text: str, value: float | None) -> None:
    assert parse_figure(text) == value


@pytest.mark.parametrize(
    "text,name",
    [
        ("一般 公共 服务 支出", "一般公共服务支出"),
        ("一、一般公共预算 拨款收入", "一般公共预算拨款收入"),
        ("（一）人大事务", "人大事务"),
        ("1、房屋（平方米）", "房屋（平方米）"),
        ("2.政府性基金预算", "政府性基金预算"),
        ("30101", "30101"),
    ],
)
def test_clean_name(text: str, name: str) -> None:
    assert clean_name(text) == name


@pytest.mark.parametrize(
    "label,kind,key",
    [
        (["合计"], "expense_by_function", "total"),
        (["金额"], "expense_by_function", "total"),
        (["基本支出"], "expense_by_function", "basic"),
        (["项目 支出"], "expense_by_function", "project"),
        (["基本支出", "小计"], "expense_by_function", "basic"),
        (["一般公共预算基本支出", "合计"], "basic_expense_by_economic", "total"),
        (["一般公共预算基本支出", "人员经费"], "basic_expense_by_economic", "personnel"),
        (["公用经费"], "basic_expense_by_economic", "public"),
        (["本年收入", "小计"], "income_summary", None),
        (["经营支出"], "expense_by_function", None),
    ],
)
def test_column_key(label: list[str], kind: str, key: str | None) -> None:
    assert column_key(label, kind) == key


@pytest.mark.parametrize(
    "label,name",
    [
        ("合计", "合计"),
        ("“三公”经费/小计", "“三公”经费小计"),
        ("“三公”经费/因公出国（境）费", "因公出国（境）费"),
        ("“三公”经费/公务用车购置及运行维护费/小计", "公务用车购置及运行维护费"),
        ("“三公”经费/公务用车购置及运行维护费/公务用车购置费", "公务用车购置费"),
        ("“三公”经费/公务用车购置及运行维护费/公务用车运行维护费", "公务用车运行维护费"),
        ("“三公”经费/公务接待费", "公务接待费"),
        ("会议费", "会议费"),
    ],
)
def test_three_public_names(label: str, name: str) -> None:
    assert three_public_name(label) == name


# --- the Jiangsu PDFs (../shared) ---------------------------------------------------------------


def _jiangsu(name: str) -> Path:
    if not JIANGSU.is_dir():
        pytest.skip("../shared/corpora/jiangsu is absent")
    found = sorted(JIANGSU.glob(f"*/{name}"))
    if not found:
        pytest.skip(f"{name} not in ../shared")
    return found[0]


def test_jiangsu_rotated_pdf_tables_rebuild_with_arithmetic_passing() -> None:
    doc = ingest(_jiangsu("江苏省人大常委会办公厅2019年部门预算公开表.pdf"))
    tables = money_tables_detailed(doc)
    coded = [t for t in tables if t.kind in CODED_TABLE_KINDS and any(r.code for r in t.rows)]
    assert len(coded) == 4
    for t in coded:
        assert not t.issues and t.checked >= 4
    function = next(t for t in coded if t.kind == "expense_by_function")
    assert function.rows[0].name == "合计" and function.rows[0].values()["total"] > 0
    three = next(t for t in tables if t.kind == "three_public")
    names = [r.name for r in three.rows]
    assert names[:2] == ["合计", "“三公”经费小计"] and "培训费" in names
    # 合计 = “三公”经费小计 + 会议费 + 培训费
    v = {r.name: r.values()["total"] for r in three.rows}
    assert v["合计"] == pytest.approx(v["“三公”经费小计"] + v["会议费"] + v["培训费"], abs=0.02)


def test_jiangsu_report_letter_spaced_pdf() -> None:
    # Letter-spaced figures ("10, 403 ." + "1 1") and a 支出预算总表 with a reserve column.
    path = _jiangsu("江苏省委办公厅2018年度部门预算公开表.pdf")
    (entry,) = report([path])
    assert entry["tables"] and all(not t["issues"] for t in entry["tables"])
    assert sum(t["coded"] for t in entry["tables"]) > 40


# --- noisy layouts: named examples (high-noise text as PDF-to-text / OCR makes it) --------------


def _cells(text: str) -> dict[tuple[str, str | None, str], float]:
    out = {}
    for t in money_tables(text_doc(text)):
        for r in t.rows:
            for column, value in r.values.items():
                out[(t.kind, r.code or r.name, column)] = round(value, 2)
    return out


def test_tab_split_code_columns_and_ocr_letters() -> None:
    # 类 | 款 | 项 in their own tab columns, 功能科目代码 headers, O/l read for 0/1.
    text = (
        "财政拨款支出预算表\n单位：万元\n"
        "类\t款\t项\t功能科目名称\t金额\n"
        "\t\t\t合计\t1,172.33\n"
        "208\t\t\t社会保 障和就业支出\t1 172.33\n"
        "208\t05\t\t行政事业单位离退休\t1172. 33\n"
        "208\t0５\t01\t行政单位离退休\t382.98\n"
        "2O8\t05\t05\t机关事业单位基本养老保险缴费支出\t789.3S\n"
    )
    got = _cells(text)
    assert got[("expense_by_function", "2080501", "total")] == 382.98
    assert got[("expense_by_function", "2080505", "total")] == 789.35
    assert got[("expense_by_function", "合计", "total")] == 1172.33


SPACE_WITH_SEQ = "\n".join(
    [
        "部门预算支出总表",
        "单位：万元",
        "序号  功能分类科目                      合计    基本支出  项目支出",
        "      科目编码      科目名称",
        "栏次  1             2                   3       4         5",
        "1                   总计                913.57  847.49    ６6.08",
        "2     207           文化旅游体育 与传媒支出  630. 7６  564. 68    66.08",
        "3     20701         文化和 旅游          ６30.76  564.6８    66.08",
        "4     2070101       行政运行            5 64.68  564.68",
        "5     2070 111       文化创作与 保护      66.08             66.08",
        "6     ２08           社会保障和就业支 出  14０. ９3  １40．93",
        "7     2O805         行政事业单位养老支出  140. 93  140. 93",
        "8     2080501       行政单位离退休        140.93   140.9 3",
    ]
)


def test_space_layout_with_seq_column_and_shifted_figures() -> None:
    # Inserted spaces shift figures into their neighbours' columns; the 序号 is no figure;
    # a row with one empty cell is placed by arithmetic and position.
    got = _cells(SPACE_WITH_SEQ)
    assert got[("expense_by_function", "合计", "basic")] == 847.49
    assert got[("expense_by_function", "207", "total")] == 630.76
    assert got[("expense_by_function", "2070101", "basic")] == 564.68
    assert got[("expense_by_function", "2070111", "project")] == 66.08
    assert ("expense_by_function", "2070111", "basic") not in got
    assert got[("expense_by_function", "20805", "basic")] == 140.93


CELL_WITH_SEQ = "\n".join(
    [
        "部门预算一般公共预算财政拨款基本支出表",
        "单位：万元",
        *"序号|支出部门经济分类科目|一般公共预算基本支出|科目编码|科目名称|合计|人员经费|公用经费".split(
            "|"
        ),
        *"栏次|1|2|3|4|5".split("|"),
        *"1|合计|80.4|9|7６.94|3.55".split("|"),
        *"2|30１|工资福利支出|76|.94|76.９4".split("|"),
        *"3|3010|1|基本工资|60.|13|60. 13".split("|"),
        *"4|30102|津贴补贴|16.81|16.81".split("|"),
        # the header repeated on the next page (no form feed in the text)
        *"序号|支出部门经济分类科目|一般公共预算基本支出|科目编码|科目名称".split("|"),
        *"合计|人员经费|公用经费|栏次|1|2|3|4|5".split("|"),
        *"5|302|商品和服务支出|3.55|3.55".split("|"),
        *"6|30201|办公费|3.55|3.55".split("|"),
    ]
)


def test_one_cell_per_line_with_seq_split_codes_and_figures() -> None:
    # Codes and figures broken over lines ("3010" + "1", "76" + ".94", "80.4" + "9"), a
    # header repeated mid-table, and single-figure rows placed by the parents' sums.
    got = _cells(CELL_WITH_SEQ)
    kind = "basic_expense_by_economic"
    assert got[(kind, "合计", "total")] == 80.49
    assert got[(kind, "301", "total")] == 76.94
    assert got[(kind, "30101", "personnel")] == 60.13
    assert got[(kind, "30201", "public")] == 3.55
    assert (kind, "30201", "personnel") not in got
    assert not any(key[1] in ("1", "5", "栏次") for key in got)


def test_page_number_at_page_end_is_not_a_row() -> None:
    text = (
        "支出总表\n单位：万元\n科目编码\t科目名称\t合计\n"
        "\t合计\t10.00\n201\t一般公共服务支出\t10.00\n2\n\f20101\t人大事务\t10.00\n"
    )
    got = _cells(text)
    assert got[("expense_by_function", "20101", "total")] == 10.0
    assert got[("expense_by_function", "201", "total")] == 10.0


def _many_siblings_text(n: int) -> tuple[str, dict[str, str]]:
    """A one-cell-per-line function table whose 20101 has `n` children with one part each,
    every child's part (basic or project) decided only by the parent's sums (figures 1, 2,
    4, ...: one split of the children matches them)."""
    kids = [(f"20101{k + 1:02d}", float(2**k), "basic" if k % 3 else "project") for k in range(n)]
    basic = sum(v for _, v, key in kids if key == "basic")
    project = sum(v for _, v, key in kids if key == "project")
    total = basic + project
    lines = ["一般公共预算支出表", "单位：万元", "科目编码", "科目名称", "合计", "基本支出"]
    lines += ["项目支出", "合计", f"{total:.2f}", f"{basic:.2f}", f"{project:.2f}"]
    for code, name in (("201", "一般公共服务支出"), ("20101", "人大事务")):
        lines += [code, name, f"{total:.2f}", f"{basic:.2f}", f"{project:.2f}"]
    for code, value, _ in kids:
        lines += [code, f"事务{code[-2:]}", f"{value:.2f}", f"{value:.2f}"]
    return "\n".join(lines), {code: key for code, _, key in kids}


def test_one_cell_per_line_many_open_siblings_are_settled_fast() -> None:
    # 10 children with two possible placements each (1024 combinations, more than are tried
    # together): each is still placed by the parent's sums, quickly.
    import time

    text, want = _many_siblings_text(10)
    began = time.perf_counter()
    (detailed,) = money_tables_detailed(text_doc(text))
    assert time.perf_counter() - began < 2.0
    assert not detailed.issues
    rows = {r.code: r.values() for r in detailed.rows}
    for code, key in want.items():
        assert set(rows[code]) == {"total", key}, code


def _pdf_row(page: int, top: float, cells: list[tuple[str, float, float]]):
    from ie.segment import Cell, Row

    made = tuple(Cell(t, 0, len(t), x0, x1, page, top, top + 9) for t, x0, x1 in cells)
    return Row(made, page, "pdf", top, top + 9)


def test_pdf_block_after_a_blank_gap_keeps_its_own_columns() -> None:
    # Rows after a blank gap on the same page drawn on another grid (names narrower, figures
    # further left): their figures still go to their columns, matched by order.
    from ie.segment import TableRegion
    from ie.tables.money import rebuild

    wide = (270, 330, 400)  # right-hand figure columns of the first block
    narrow = (151, 200, 250)  # ... and of the block after the gap

    def data(top: float, code: str, name: str, figures: tuple[str, ...], xs, name_x) -> object:
        cells = [(code, 36, 36 + 6 * len(code))] if code else []
        cells.append((name, name_x, name_x + 9 * len(name)))
        cells += [(f, x, x + 23) for f, x in zip(figures, xs, strict=True)]
        return _pdf_row(1, top, cells)

    header = (
        _pdf_row(
            1,
            80,
            [
                ("科目编码", 36, 72),
                ("科目名称", 100, 136),
                ("合计", 275, 293),
                ("基本支出", 330, 366),
                ("项目支出", 400, 436),
            ],
        ),
    )
    rows = (
        data(100, "", "合计", ("30.00", "24.00", "6.00"), wide, 135),
        data(114, "201", "一般公共服务支出", ("20.00", "20.00", "0.00"), wide, 135),
        data(128, "20101", "人大事务", ("20.00", "20.00", "0.00"), wide, 135),
        data(170, "202", "外交支出", ("10.00", "4.00", "6.00"), narrow, 73),
        data(184, "20201", "外交管理事务", ("10.00", "4.00", "6.00"), narrow, 73),
    )
    region = TableRegion(
        kind="expense_by_function",
        title="支出表",
        unit="万元",
        start=0,
        end=1,
        pages=(1,),
        empty=False,
        title_start=0,
        header=header,
        body=rows,
    )
    table = rebuild(region)
    got = {r.code or r.name: r.values() for r in table.rows}
    assert [c.key for c in table.columns] == ["total", "basic", "project"]
    assert got["20201"] == {"total": 10.0, "basic": 4.0, "project": 6.0}
    assert got["合计"] == {"total": 30.0, "basic": 24.0, "project": 6.0}
    assert not table.issues
