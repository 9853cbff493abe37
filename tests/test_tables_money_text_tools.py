"""Money tables from the text that common PDF-to-text tools write: rows whose cells are
separated by single spaces, titles printed after their tables (pypdfium2 writes a page in the
order of its drawing commands), wrapped names around a row, a “三公” header whose lines come in
any order, and the figures pdftotext (without -layout) prints away from their rows. Each case
is a small hand-made text in the tool's shape; the last ones run real Jiangsu PDFs through the
tools (skipped without ../shared)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ie.ingest import ingest
from ie.ingest import text_document as text_doc
from ie.segment import segment
from ie.tables.money import money_tables_detailed

JIANGSU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"


def by_kind(text: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for t in money_tables_detailed(text_doc(text)):
        out.setdefault(t.kind, []).append(t)
    return out


def one_cell_per_line(lines: list[str], kind: str):
    """The one table of `kind` in `lines` printed as raw pdftotext prints a ruled table: each
    cell on a line of its own, a blank line after it."""
    (table,) = by_kind("\n\n".join(lines))[kind]
    return table


def values(table) -> dict[str | None, dict[str, float]]:
    return {r.code or r.name: {k: round(v, 2) for k, v in r.values().items()} for r in table.rows}


def names(table) -> dict[str | None, str]:
    return {r.code: r.name for r in table.rows}


# The small 基本支出 table several tests print each its own way: 工资福利 100, 商品和服务 30.
BASIC_130 = {
    "合计": {"total": 130.0, "personnel": 100.0, "public": 30.0},
    "301": {"total": 100.0, "personnel": 100.0},
    "30101": {"total": 100.0, "personnel": 100.0},
    "302": {"total": 30.0, "public": 30.0},
    "30201": {"total": 30.0, "public": 30.0},
}


# One department's 支出总表, 功能科目 table and 经济科目 table, as pypdfium2 writes them: each
# page's rows first, its title after them, the 部门/单位 lines wherever they were drawn.
SUMMARY_ROWS = [
    "合 计 基本支出 项目支出 单位预留机动经费 结转下年资金",
    "1,000.00 600.00 300.00 100.00",
]
FUNCTION_ROWS = [
    "功能科目代码 功能科目名称 金额",
    "合计 1,000.00",
    "201 一般公共服务支出 900.00",
    "20131 党委办公厅（室）及相关机构事务 900.00",
    "2013101 行政运行 600.00",
    "2013102 一般行政管理事务 300.00",
    "221 住房保障支出 100.00",
    "22102 住房改革支出 100.00",
    "2210201 住房公积金 100.00",
]
ECONOMIC_ROWS = [
    "科目编码 科目名称 金额",
    "合计 600.00",
    "301 工资福利支出 500.00",
    "30101 基本工资 300.00",
    "30102 津贴补贴 200.00",
    "302 商品和服务支出 100.00",
    "30201 办公费 100.00",
]
TOC = [
    "序号 报表名称",
    "一、 支出预算总表",
    "二、 财政拨款支出预算表",
    "三、 财政拨款基本支出预算表",
]
TITLE_AFTER = "\n".join(
    [
        "江苏省2018年度省级部门预算公开报表",
        *TOC,
        "目 录",
        "部门：某某厅 单位：万元",
        *SUMMARY_ROWS,
        "支出预算总表",
        "部门：某某厅 单位：万元",
        *FUNCTION_ROWS,
        "财政拨款支出预算表",
        "单位：万元",
        *ECONOMIC_ROWS,
        "财政拨款基本支出预算表",
        "部门：某某厅",
    ]
)
TITLE_BEFORE = "\n".join(
    [
        "江苏省2018年度省级部门预算公开报表",
        *TOC,
        "支出预算总表",
        "部门：某某厅 单位：万元",
        *SUMMARY_ROWS,
        "财政拨款支出预算表",
        "部门：某某厅 单位：万元",
        *FUNCTION_ROWS,
        "财政拨款基本支出预算表",
        "部门：某某厅 单位：万元",
        *ECONOMIC_ROWS,
    ]
)


@pytest.mark.parametrize("text", [TITLE_AFTER, TITLE_BEFORE], ids=["title-after", "title-before"])
def test_single_space_tables_get_their_own_titles(text: str) -> None:
    tables = by_kind(text)
    summary, function = tables["expense_by_function"]
    (economic,) = tables["basic_expense_by_economic"]
    assert (summary.title, function.title, economic.title) == (
        "支出预算总表",
        "财政拨款支出预算表",
        "财政拨款基本支出预算表",
    )
    # The one-row 支出总表: 合计 = 基本 + 项目 + 单位预留机动经费 (a column without a key).
    assert values(summary) == {"合计": {"total": 1000.0, "basic": 600.0, "project": 300.0}}
    got = values(function)
    assert got["合计"] == {"total": 1000.0}
    assert got["2013101"] == {"total": 600.0} and got["2210201"] == {"total": 100.0}
    assert (
        next(r for r in function.rows if r.code == "20131").name == "党委办公厅（室）及相关机构事务"
    )
    assert values(economic)["30102"] == {"total": 200.0}
    for t in (summary, function, economic):
        assert not t.issues and t.checked


def test_title_after_regions_span_their_rows() -> None:
    doc = text_doc(TITLE_AFTER)
    regions = {t.title: t for t in segment(doc).tables}
    economic = regions["财政拨款基本支出预算表"]
    assert doc.text[economic.start :].startswith("单位：万元\n科目编码")
    assert doc.text[: economic.end].endswith("财政拨款基本支出预算表")


def test_prose_with_single_spaces_is_not_split_into_cells() -> None:
    # A sentence with a figure and its unit, and a 单位 line with its code, are not table rows.
    doc = text_doc(
        "一、收支预算总体情况\n2018 年部门预算收入 24,458.43 万元\n201 中共某某县委员会办公室\n"
    )
    assert all(len(r.cells) == 1 for t in segment(doc).tables for r in t.body)
    assert not segment(doc).tables


# --- rows that a tool printed around a wrapped name ---------------------------------------


def test_wrapped_name_around_a_code_and_figure_line() -> None:
    # pdfplumber centres the row's line between the two lines of its wrapped name.
    text = "\n".join(
        [
            "财政拨款支出预算表",
            "部门：某某厅 单位：万元",
            "功能科目代码 功能科目名称 金额",
            "合计 1,068.78",
            "208 社会保障和就业支出 1,068.78",
            "20805 行政事业单位离退休 1,068.78",
            "2080504 未归口管理的行政单位离退休 256.76",
            "机关事业单位基本养老保险缴费支",
            "2080505 580.01",
            "出",
            "2080506 机关事业单位职业年金缴费支出 232.01",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    row = next(r for r in table.rows if r.code == "2080505")
    assert row.name == "机关事业单位基本养老保险缴费支出" and row.values() == {"total": 580.01}
    assert not table.issues


def test_code_alone_and_wrapped_name_before_the_figure_line() -> None:
    # pypdfium2 prints a wrapped cell's lines one after another: code, name, last piece + figure.
    text = "\n".join(
        [
            "财政拨款基本支出预算表",
            "单位：万元",
            "科目编码 科目名称 金额",
            "合计 1,490.25",
            "301 工资福利支出 1,490.25",
            "30107 绩效工资 425.79",
            "30108",
            "机关事业单位基本养老保险",
            "缴费 1,064.46",
        ]
    )
    (table,) = by_kind(text)["basic_expense_by_economic"]
    row = next(r for r in table.rows if r.code == "30108")
    assert row.name == "机关事业单位基本养老保险缴费" and row.values() == {"total": 1064.46}
    assert not table.issues


# A county table in 类 | 款 | 项 columns as pypdfium2 writes it: the department's code and name
# over the page, 栏次 last on a header line with its numbers on the next, each 序号 on a line of
# its own, the 款/项 digits run into the name, a wrapped name with its figures on a third line.
COUNTY_FUNCTION = [
    "部门预算支出总表",
    "303021 霍城县生态环境分局",
    "预算年度：2020",
    "单位：万元",
    "序号 功能分类科目 合计 基本支出 项目支出",
    "类 款 项 科目名称 栏次",
    "1 2 3 4 5 ",
    "1 ",
    "合计 103.00 92.58 10.42",
    "2 ",
    "208 社会保障和就业支出 92.58 92.58",
    "3 ",
    "208 05行政事业单位养老支出 92.58 92.58",
    "4 ",
    "208 0501行政单位离退休 38.27 38.27",
    "5 ",
    "208 0505机关事业单位基本养老",
    "保险缴费支出",
    "54.31 54.31",
    "6 211 节能环保支出 10.42 10.42",
    "7 21101 环境保护管理事务 10.42 10.42",
    "8 2110101 行政运行 10.42 10.42",
]


@pytest.mark.parametrize("dept_line", ["303021 霍城县生态环境分局", "201 中国共产党某县委员会办"])
def test_county_table_with_code_columns_run_together(dept_line: str) -> None:
    text = "\n".join(COUNTY_FUNCTION).replace("303021 霍城县生态环境分局", dept_line)
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 103.0, "basic": 92.58, "project": 10.42},
        "208": {"total": 92.58, "basic": 92.58},
        "20805": {"total": 92.58, "basic": 92.58},
        "2080501": {"total": 38.27, "basic": 38.27},
        "2080505": {"total": 54.31, "basic": 54.31},
        "211": {"total": 10.42, "project": 10.42},
        "21101": {"total": 10.42, "project": 10.42},
        "2110101": {"total": 10.42, "project": 10.42},
    }
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert names(table)["2080501"] == "行政单位离退休"
    assert not table.issues


def test_pdftotext_code_column_printed_after_its_rows() -> None:
    # pdftotext without -layout prints a page's header column by column (栏次 numbers among the
    # labels), then names and figures, then the 序号 and codes, a wrapped name's end after its
    # code.
    lines = ["部门预算支出总表", "757 清远市科学技术局", "预算年度：", "2023", "单位：万元"]
    lines += ["序号", "功能分类科目", "合计", "基本支出 项目支出", "科目编码", "科目名称", "栏次"]
    lines += ["3", "4", "5", "1", "合计", "300.00", "200.00", "100.00"]
    lines += ["科学技术支出", "280.00", "180.00", "100.00", "科学技术管理事务", "280.00"]
    lines += ["180.00", "100.00", "行政运行", "180.00", "180.00", "一般行政管理事务", "100.00"]
    lines += ["100.00", "社会保障和就业支出", "20.00", "20.00", "行政事业单位养老支出", "20.00"]
    lines += ["20.00", "机关事业单位基本养老保险", "20.00", "20.00"]
    lines += ["2", "206", "3", "20601", "4", "2060101", "5", "2060102", "6", "208", "7"]
    lines += ["20805", "8", "2080505", "缴费支出"]
    table = one_cell_per_line(lines, "expense_by_function")
    assert values(table) == {
        "合计": {"total": 300.0, "basic": 200.0, "project": 100.0},
        "206": {"total": 280.0, "basic": 180.0, "project": 100.0},
        "20601": {"total": 280.0, "basic": 180.0, "project": 100.0},
        "2060101": {"total": 180.0, "basic": 180.0},
        "2060102": {"total": 100.0, "project": 100.0},
        "208": {"total": 20.0, "basic": 20.0},
        "20805": {"total": 20.0, "basic": 20.0},
        "2080505": {"total": 20.0, "basic": 20.0},
    }
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert not table.issues


# pdftotext -layout places each character at its x position, one column a character however
# wide the glyph: a figure's column is its start in characters, not in display columns (a
# generated county budget's table through pdftotext -layout).
LAYOUT_BY_CHARACTER = [
    "部门预算支出总表",
    "218 海淀区住房和城乡建设局",
    "预算年度：2020",
    "单位：万元",
    "序号   功能分类科目                   合计       基本支出        项目支出",
    "     科目编码      科目名称",
    "栏次   1         2                3       4           5",
    "1              总计             579.91    486.17      93.74",
    "2    208       社会保障和就业支出       52.92     52.92",
    "3    20805     行政事业单位养老支出      52.92     52.92",
    "4    2080501   行政单位离退休         12.33     12.33",
    "5    2080505   机关事业单位基本养老保险    40.59     40.59",
    "               缴费支出",
    "6    210       卫生健康支出          15.89     15.89",
    "7    21011     行政事业单位医疗        15.89     15.89",
    "8    2101101   行政单位医疗           9.96        9.96",
    "9    2101102   事业单位医疗           3.32        3.32",
    "10   2101103   公务员医疗补助          2.61        2.61",
    "11   212       城乡社区支出         487.79    394.05      93.74",
    "12   21201     城乡社区管理事务       487.79    394.05      93.74",
    "13   2120101   行政运行           394.05    394.05",
    "14   2120104   城管执法            93.74                93.74",
    "15   221       住房保障支出          23.31     23.31",
    "16   22102     住房改革支出          23.31     23.31",
    "17   2210201   住房公积金           23.31     23.31",
    "部门预算财政拨款收支总表",
    "",
    "218 海淀区住房和城乡建设局",
]


def test_layout_text_columns_counted_in_characters() -> None:
    from ie.segment import grid_width

    text = "\n".join(LAYOUT_BY_CHARACTER)
    assert grid_width(text_doc(text)) is len
    (table,) = by_kind(text)["expense_by_function"]
    got = values(table)
    assert got["合计"] == {"total": 579.91, "basic": 486.17, "project": 93.74}
    assert got["2101102"] == {"total": 3.32, "basic": 3.32}
    assert got["2120104"] == {"total": 93.74, "project": 93.74}
    assert got["2080505"] == {"total": 40.59, "basic": 40.59}
    assert len(got) == 17 and not table.issues


def test_padded_text_columns_counted_in_display_columns() -> None:
    from ie.segment import grid_width
    from ie.text import display_width

    # the same table padded for a monospaced screen (a CJK character two columns wide)
    rows = [("合计", "579.91", "486.17", "93.74"), ("行政单位离退休", "12.33", "12.33", "")]
    rows += [("城管执法", "93.74", "", "93.74"), ("住房公积金", "23.31", "23.31", "")] * 6
    lines = []
    for name, *figures in rows:
        line = name + " " * (24 - display_width(name))
        lines.append(line + "".join(f.rjust(12) for f in figures))
    assert grid_width(text_doc("\n".join(lines))) is display_width


# pdfplumber's layout text: a row's figures one space apart ("255.78 215.64 40.14", the 合计
# row too), a seven-digit code one space before its name (a generated county budget's table).
PDFPLUMBER_LAYOUT = [
    "     部门预算支出总表",
    "     797 依安县司法局",
    "     预算年度：",
    "     2025",
    "     单位：万元",
    "     序号  功能分类科目                   合计  基本支出  项目支出",
    "         科目编码    科目名称",
    "     档次  1       2                 3    4     5",
    "     1           总计               255.78 215.64 40.14",
    "     2   204     公共安全支出           207.13 166.99 40.14",
    "     3   20406   司法               207.13 166.99 40.14",
    "     4   2040601 行政运行             166.99 166.99",
    "     5   2040602 一般行政管理事务         23.08        23.08",
    "     6   2040605 普法宣传             17.06        17.06",
    "     7   208     社会保障和就业支出        24.79 24.79",
    "     8   20805   行政事业单位养老支出       24.79 24.79",
    "     9   2080501 行政单位离退休           7.05  7.05",
    "     10  2080505 机关事业单位基本养老保险     17.74 17.74",
    "                 缴费支出",
    "     11  210     卫生健康支出            9.39  9.39",
    "     12  21011   行政事业单位医疗          9.39  9.39",
    "     13  2101101 行政单位医疗            9.39  9.39",
    "     14  221     住房保障支出           14.47 14.47",
    "     15  22102   住房改革支出           14.47 14.47",
    "     16  2210201 住房公积金            14.47 14.47",
    "     部门预算财政拨款收支总表",
]


def test_pdfplumber_layout_figures_and_codes_one_space_apart() -> None:
    (table,) = by_kind("\n".join(PDFPLUMBER_LAYOUT))["expense_by_function"]
    got = values(table)
    assert got["合计"] == {"total": 255.78, "basic": 215.64, "project": 40.14}
    assert got["2040601"] == {"total": 166.99, "basic": 166.99}
    assert got["2040602"] == {"total": 23.08, "project": 23.08}
    assert got["2080505"] == {"total": 17.74, "basic": 17.74}
    assert names(table)["2040601"] == "行政运行"
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert len(got) == 16 and not table.issues


def test_final_accounts_summary_line_numbers_run_into_figures_and_names() -> None:
    # pypdfium2's text of a 收入支出决算总表 in 元 whose lines are numbered (行次): the header
    # read as one cell, a 行次 one space before a figure or after a name.
    text = "\n".join(
        [
            "收入支出决算总表",
            "编制单位：江苏省发展和改革委员会 2017年度 单位：元",
            "收入 支出",
            "项目 行次 决算数 项目 行次 决算数",
            "一、一般公共预算财政拨款",
            "收入",
            "1 83,173,718.00 一、一般公共服务支出 29 54,314,811.00",
            "二、政府性基金预算财政拨",
            "款收入",
            "2 二、社会保障和就业支出 30 24,212,575.00",
            "三、国有资本经营预算财政",
            "拨款收入",
            "3 三、医疗卫生与计划生育支",
            "出",
            "31 4,646,832.00",
            "五、事业收入 5",
            "本年收入合计 9 83,173,718.00 本年支出合计 37 83,173,718.00",
            "总计 12 83,173,718.00 总计 40 83,173,718.00",
        ]
    )
    (table,) = by_kind(text)["income_expense_summary"]
    got = {r.name: r.values().get("total") for r in table.rows}
    assert got["一般公共预算财政拨款收入"] == pytest.approx(8317.3718)
    assert got["医疗卫生与计划生育支出"] == pytest.approx(464.6832)
    assert got["本年收入合计"] == pytest.approx(8317.3718)
    assert got["事业收入"] is None and got["合计"] == pytest.approx(8317.3718)


def test_pdftotext_three_public_figures_among_the_header_labels() -> None:
    # pdftotext without -layout reads a wide “三公” header column by column, the one figure
    # row's figures among the labels; in order, they fill every column and add up.
    lines = ["“三公”经费、会议费、培训费支出预算表", "部门： 海东市财政局 单位：元", "合计"]
    lines += ["“三公”经费", "小计", "312,800.00", "116,400.00", "会议费", "因公出国（境"]
    lines += ["公务用车购置", "公务用车购置", "公务用车运行", "）费", "及运行维护费", "费"]
    lines += ["维护费", "94,600.00", "0.00", "0.00", "0.00", "培训费", "公务接待费"]
    lines += ["21,800.00 153,800.00 42,600.00"]
    table = one_cell_per_line(lines, "three_public")
    got = {r.name: r.values().get("total") for r in table.rows}
    assert got == {
        "合计": 31.28,
        "“三公”经费小计": 11.64,
        "因公出国（境）费": 9.46,
        "公务用车购置及运行维护费": 0.0,
        "公务用车购置费": 0.0,
        "公务用车运行维护费": 0.0,
        "公务接待费": 2.18,
        "会议费": 15.38,
        "培训费": 4.26,
    }


# pdfplumber's layout text of a 收入支出决算总表: a figure run into the next column's item by
# one space ("9,569,772.00 一、公共安全支出 7,986,412.00"; a generated 决算).
PDFPLUMBER_LAYOUT_SUMMARY = [
    "     一、收入支出决算总表",
    "     编制单位：金寨县司法局   2024年度 单位：元",
    "     序号  收入                     支出",
    "         项目               决算数   项目              决算数",
    "     档次  1                  2   3                 4",
    "     1   一、一般公共预算财政拨款    9,569,772.00 一、公共安全支出 7,986,412.00",
    "         收入",
    "     2   二、政府性基金预算财政拨           二、社会保障和就业支出     604,726.00",
    "         款收入",
    "                                                                                  ",
    "",
    "     3   三、国有资本经营预算财政           三、卫生健康支出        251,580.00",
    "         拨款收入",
    "     4   四、上级补助收入               四、住房保障支出        348,349.00",
    "     5   五、事业收入",
    "     6   六、经营收入",
    "     7   七、附属单位上缴收入",
    "     8   八、其他收入           280,595.00",
    "     9   本年收入合计          9,850,367.00 本年支出合计   9,191,067.00",
    "     10  使用非财政拨款结余           0.00 结余分配             0.00",
    "     11  年初结转和结余             0.00 年末结转和结余       659,300.00",
]


def test_pdfplumber_layout_figure_run_into_the_next_item() -> None:
    (table,) = by_kind("\n".join(PDFPLUMBER_LAYOUT_SUMMARY))["income_expense_summary"]
    got = {r.name: r.values().get("total") for r in table.rows}
    assert got["一般公共预算财政拨款收入"] == pytest.approx(956.9772)
    assert got["公共安全支出"] == pytest.approx(798.6412)
    assert got["其他收入"] == pytest.approx(28.0595)
    assert got["本年收入合计"] == pytest.approx(985.0367)
    assert got["本年支出合计"] == pytest.approx(919.1067)
    assert got["年末结转和结余"] == pytest.approx(65.93)


# pdfplumber's layout text of a 决算's 基本支出 table printed as 人员经费 and 公用经费 blocks
# side by side: a figure run into the next block's code by one space ("708.35 302").
PDFPLUMBER_LAYOUT_SIDE_BY_SIDE = [
    "     六、一般公共预算财政拨款基本支出决算表",
    "     编制单位：中国共产党隆安县委员会宣传部     2019年度 单位：万元",
    "     人员经费                            公用经费",
    "     经济分类科目编码   科目名称             决算  经济分类科目编码   科目名称       决算",
    "                                  数                         数",
    "     301        工资福利支出           708.35 302     商品和服务支出     8.16",
    "     30101      基本工资             287.63 30209   物业管理费       1.43",
    "     30102      津贴补贴             166.73 30213   维修（护）费      3.86",
    "     30103      奖金               36.41 30215    会议费         1.41",
    "     30106      伙食补助费            18.13 30226    劳务费         1.46",
    "     30108      机关事业单位基本养老保险     74.12",
    "                缴费",
    "     30109      职业年金缴费           33.89",
    "     30110      职工基本医疗保险缴费       33.54",
    "     30112      其他社会保障缴费          3.32",
    "     30113      住房公积金            54.58",
    "     303        对个人和家庭的补助        19.36",
    "     30302      退休费              18.92",
    "     30309      奖励金               0.44",
]


def test_pdfplumber_layout_figure_run_into_the_next_blocks_code() -> None:
    (table,) = by_kind("\n".join(PDFPLUMBER_LAYOUT_SIDE_BY_SIDE))["basic_expense_by_economic"]
    got = values(table)
    assert got["301"] == {"total": 708.35} and got["302"] == {"total": 8.16}
    assert got["30101"] == {"total": 287.63} and got["30209"] == {"total": 1.43}
    assert got["30226"] == {"total": 1.46} and got["30309"] == {"total": 0.44}


def test_pdfplumber_layout_side_by_side_code_and_name_one_space_apart() -> None:
    # The right block's code and name one space apart ("30201 办公费"): a code and a name.
    lines = [
        "     六、一般公共预算财政拨款基本支出决算表",
        "     编制单位：某某厅     2016年度 单位：元",
    ]
    lines += [
        "     经济分类科目编码   科目名称              决算数   经济分类科目编码   科目名称"
        "       决算数",
        "     301        工资福利支出          91,407,200.00 302  商品和服务支出   1,069,200.00",
        "     30101      基本工资            91,407,200.00 30201 办公费       475,200.00",
        "                                                 30208 取暖费       594,000.00",
        "     人员经费合计                     91,407,200.00 公用经费合计         1,069,200.00",
    ]
    (table,) = by_kind("\n".join(lines))["basic_expense_by_economic"]
    got = values(table)
    assert got["30201"] == {"total": 47.52} and names(table)["30201"] == "办公费"
    assert got["30208"] == {"total": 59.4} and names(table)["30208"] == "取暖费"


def test_pdfplumber_layout_class_item_codes_one_space_apart_before_the_name() -> None:
    # 类 款 项 printed one space apart and run into the name ("201 06 01 行政运行").
    lines = ["     财政拨款支出预算表", "     部门： 某某局  单位：万元"]
    lines += ["     科目编码          科目名称                 金额"]
    lines += ["                   合计                       825.21"]
    lines += [
        "     201     一般公共服务支出         825.21",
        "     201 06  财政事务            825.21",
    ]
    lines += ["     201 06 01 行政运行          316.49", "     201 06 50 事业运行          105.49"]
    lines += ["     201 06 99 其他财政事务支出      403.23"]
    (table,) = by_kind("\n".join(lines))["expense_by_function"]
    assert values(table)["2010601"] == {"total": 316.49}
    assert names(table)["2010699"] == "其他财政事务支出"
    assert not table.issues


def test_pdfplumber_layout_sequence_number_code_and_name_one_space_apart() -> None:
    # A narrow page of pdfplumber's layout text runs 序号, code and name together one space
    # apart ("13 2110101 行政运行"), or 序号 and code ("16 221", then the name).
    lines = ["     部门预算支出总表", "     单位：万元"]
    lines += ["     序号  功能分类科目         合计 基本支出   项目支出"]
    lines += ["         科目编码    科目名称", "     栏次  1       2      3  4      5"]
    lines += ["     1           总计               283.17 283.17"]
    lines += ["     2   211     节能环保支出           239.68 239.68"]
    lines += ["     3   21101   环境保护管理事务         239.68 239.68"]
    lines += [
        "     4 2110101 行政运行    239.68 239.68",
        "     5 221  住房保障支出     43.49 43.49",
    ]
    lines += ["     6 22102 住房改革支出    43.49 43.49", "     7 2210201 住房公积金   43.49 43.49"]
    (table,) = by_kind("\n".join(lines))["expense_by_function"]
    got = values(table)
    assert got["2110101"] == {"total": 239.68, "basic": 239.68}
    assert got["221"] == got["2210201"] == {"total": 43.49, "basic": 43.49}
    assert names(table)["2110101"] == "行政运行" and not table.issues


def test_layout_text_class_and_section_one_space_apart_then_the_item() -> None:
    # pdftotext -layout of a 类 | 款 | 项 table: "201 06" in one cell, the 项 "01" in the next.
    lines = ["财政拨款支出预算表", "部门：某某局 单位：万元"]
    lines += ["类     款   项    功能科目名称               金额"]
    lines += [
        "               合计                  825.21",
        "201            一般公共服务支出            825.21",
    ]
    lines += [
        "201 06         财政事务                825.21",
        "201 06    01   行政运行                316.49",
    ]
    lines += [
        "201 06    50   事业运行                105.49",
        "201 06    99   其他财政事务支出            403.23",
    ]
    (table,) = by_kind("\n".join(lines))["expense_by_function"]
    got = values(table)
    assert got["20106"] == {"total": 825.21} and got["2010601"] == {"total": 316.49}
    assert got["2010699"] == {"total": 403.23} and not table.issues


def test_layout_text_figure_broken_at_its_point_is_no_code_and_name() -> None:
    # Noise broke a figure at its point ("913 ．57"): a figure, not code 913 and a name "．57".
    lines = ["部门预算支出总表", "单位：万元"]
    lines += ["序号  功能分类科目                                    合计    基本支出  项目支出"]
    lines += ["1                   合计                              913 ．57  847.49    66.08"]
    lines += ["2     201           一般公共服务支出                  913.57    847.49    66.08"]
    (table,) = by_kind("\n".join(lines))["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 913.57, "basic": 847.49, "project": 66.08},
        "201": {"total": 913.57, "basic": 847.49, "project": 66.08},
    }


def test_coded_line_after_a_row_wrapped_over_three_lines() -> None:
    # pypdfium2: a row whose name wraps ("…离退" / "休") and whose figure follows on a third
    # line, then a code and a name with no figure on their line.
    text = "\n".join(
        [
            "财政拨款支出预算表",
            "单位：万元",
            "科目编码 科目名称 金额",
            "合计 228.75",
            "208 社会保障和就业支出 228.75",
            "20805 行政事业单位离退休 228.75",
            "2080504 未归口管理的行政单位离退",
            "休",
            "41.07",
            "2080505 机关事业单位基本养老保险",
            "缴费支出",
            "187.68",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    got = values(table)
    assert got["2080504"] == {"total": 41.07} and got["2080505"] == {"total": 187.68}
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert not table.issues


# pdfplumber's layout text of a 类 | 款 | 项 table: the 类 code one space before the 款/项 digits
# run into the name ("208 0501行政单位离退休"), each 序号 on a line of its own (a generated
# county budget's table, its 合计 row made the sum of the one 类 kept).
PDFPLUMBER_LAYOUT_CODE_COLUMNS = [
    "     部门预算支出总表",
    "     303021 霍城县生态环境分局",
    "     预算年度：2020",
    "     单位：万元",
    "     序号  功能分类科目          合计   基本支出  项目支出",
    "     类   款               项    科目名称   栏次",
    "     1   2               3      4     5",
    "     1",
    "         合计                92.58  92.58   0.00",
    "     2",
    "     208 社会保障和就业支出              92.58 92.58",
    "     3",
    "     208 05行政事业单位养老支出           92.58 92.58",
    "     4",
    "     208 0501行政单位离退休            11.16 11.16",
    "     5",
    "     208 0505机关事业单位基本养老         54.31 54.31",
    "         保险缴费支出",
    "     6",
    "     208 0506机关事业单位职业年金         27.11 27.11",
    "         缴费支出",
]


def test_pdfplumber_layout_code_columns_run_together() -> None:
    (table,) = by_kind("\n".join(PDFPLUMBER_LAYOUT_CODE_COLUMNS))["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 92.58, "basic": 92.58, "project": 0.0},
        "208": {"total": 92.58, "basic": 92.58},
        "20805": {"total": 92.58, "basic": 92.58},
        "2080501": {"total": 11.16, "basic": 11.16},
        "2080505": {"total": 54.31, "basic": 54.31},
        "2080506": {"total": 27.11, "basic": 27.11},
    }
    assert names(table)["2080501"] == "行政单位离退休"
    assert not table.issues


def test_empty_rows_of_an_income_table_stay_rows() -> None:
    # A line with only a label is a row without figures, not the start of the next row's name.
    text = "\n".join(
        [
            "收入预算总表",
            "部门：某某厅 单位：万元",
            "项目名称 金额",
            "收入总计 9,146.79",
            "小计 9,066.79",
            "一般公共预算资金 公共财政拨款(补助)资金 9,066.79",
            "政府性基金 小计",
            "其他非税收入",
            "其他资金 经营收入",
            "其他收入 80.00",
        ]
    )
    (table,) = by_kind(text)["income_summary"]
    rows = {r.name: r.values() for r in table.rows}
    assert rows["其他收入"] == {"total": 80.0}
    assert rows["政府性基金小计"] == {} and rows["其他资金经营收入"] == {}


# --- a “三公” table whose header lines came in any order ------------------------------------


def test_three_public_header_in_any_order_is_read_by_its_sums() -> None:
    # pdfplumber sorts the lines of a four-row header by height: the labels' order is lost,
    # the figures keep theirs. The sums place them; the one figure of 购置 and 运行维护 (the
    # other cell empty) is the 运行维护费, as the PDF itself prints it.
    text = "\n".join(
        [
            "“三公”经费、会议费、培训费支出预算表",
            "部门：某某厅",
            "单位：万元",
            "“三公”经费",
            "公务用车购置及运行维护费",
            "合计 会议费 培训费",
            "因公出国",
            "小计 公务接待费",
            "（境）费",
            "公务用车购 公务用车运行",
            "小计",
            "置费 维护费",
            "1,471.70 508.20 70.00 411.20 411.20 27.00 933.50 30.00",
        ]
    )
    (table,) = by_kind(text)["three_public"]
    got = {r.name: r.values()["total"] for r in table.rows}
    assert got == {
        "合计": 1471.7,
        "“三公”经费小计": 508.2,
        "因公出国（境）费": 70.0,
        "公务用车购置及运行维护费": 411.2,
        "公务用车运行维护费": 411.2,
        "公务接待费": 27.0,
        "会议费": 933.5,
        "培训费": 30.0,
    }
    assert not table.issues


# --- pdftotext without -layout --------------------------------------------------------------


def test_pdftotext_labels_among_the_figures_of_a_one_row_table() -> None:
    # Each header cell, then the figure under it: the labels are columns, not rows.
    text = "\n".join(
        [
            "支出预算总表",
            "部门：",
            "某某厅",
            "合计",
            "基本支出",
            "18,330.37",
            "单位：万元",
            "项目支出",
            "9,312.90",
            "单位预留机动经费",
            "6,459.58",
            "2,557.89",
            "结转下年资金",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table) == {"合计": {"total": 18330.37, "basic": 9312.9, "project": 6459.58}}
    assert not table.issues


def test_pdftotext_figures_printed_after_the_last_row_go_back_to_their_rows() -> None:
    # Bold parent rows' figures come after the page's last row, in row order.
    text = "\n".join(
        [
            "财政拨款基本支出预算表",
            "单位：万元",
            "科目编码",
            "科目名称",
            "金额",
            "合计",
            "610.00",
            "301",
            "工资福利支出",
            "30101",
            "基本工资",
            "500.00",
            "302",
            "商品和服务支出",
            "30201",
            "办公费",
            "100.00",
            "30205",
            "水费",
            "10.00",
            "500.00",
            "110.00",
        ]
    )
    (table,) = by_kind(text)["basic_expense_by_economic"]
    got = values(table)
    assert got["301"] == {"total": 500.0} and got["302"] == {"total": 110.0}
    assert got["30205"] == {"total": 10.0}
    assert not table.issues


# Raw pdftotext tables (each cell on a line of its own): the lines, the table's kind, every
# row's figures, and one row's name where the case is about names.
RAW_PDFTOTEXT_TABLES = [
    pytest.param(
        # A generated economic table over two pages: the 合计 row's label and total among the
        # header's cells, its other figures on top of the body (after its 序号), each page's
        # codes after its rows, and the header repeated on the second page in an order of its
        # own.
        ["部门预算一般公共预算财政拨款基本支出表", "单位：万元", "序号", "支出部门经济分类科目",
         "合计", "人员经费", "公用经费", "2", "3", "4", "总计", "160.00", "科目编码", "科目名称",
         "栏次", "1", "5", "1", "150.00", "10.00", "工资福利支出", "150.00", "150.00",
         "基本工资", "100.00", "100.00", "津贴补贴", "50.00", "50.00", "2", "301", "3", "30101",
         "4", "30102", "合计", "栏次", "1", "人员经费", "公用经费", "2", "3", "4", "5",
         "商品和服务支出", "10.00", "10.00", "办公费", "6.00", "6.00", "水费", "4.00", "4.00",
         "5", "302", "6", "30201", "7", "30205"],
        "basic_expense_by_economic",
        {
            "合计": {"total": 160.0, "personnel": 150.0, "public": 10.0},
            "301": {"total": 150.0, "personnel": 150.0},
            "30101": {"total": 100.0, "personnel": 100.0},
            "30102": {"total": 50.0, "personnel": 50.0},
            "302": {"total": 10.0, "public": 10.0},
            "30201": {"total": 6.0, "public": 6.0},
            "30205": {"total": 4.0, "public": 4.0},
        },
        None,
        id="total-row-and-repeated-header-printed-apart",
    ),
    pytest.param(
        # A provincial table (类 | 款 | 项 | 科目名称 columns): the 款/项 digits run into the
        # name, a name wrapped after its row's figure.
        ["财政拨款支出预算表", "单位：万元", "科目编码", "科目名称", "金额", "合计", "300.00",
         "208", "社会保障和就业支出", "300.00", "208", "05行政事业单位离退休", "300.00", "208",
         "0505机关事业单位基本养老", "200.00", "保险缴费支出", "208",
         "0506机关事业单位职业年金", "100.00", "缴费支出"],
        "expense_by_function",
        {
            "合计": {"total": 300.0},
            "208": {"total": 300.0},
            "20805": {"total": 300.0},
            "2080505": {"total": 200.0},
            "2080506": {"total": 100.0},
        },
        ("2080505", "机关事业单位基本养老保险缴费支出"),
        id="class-codes-with-the-rest-of-the-code-glued-to-names",
    ),
    pytest.param(
        # A real provincial table: on top of a page, after the page number, two rows' codes
        # one after the other, then each row's name and figure.
        ["一般公共预算基本支出预算表（经济科目）", "单位：万元", "科目编码", "科目名称", "金额",
         "合计", "1,300.00", "301", "工资福利支出", "1,300.00", "30101", "基本工资",
         "1,000.00", "18", "30103", "30108", "奖金", "100.00", "机关事业单位基本养老保险",
         "缴费", "200.00"],
        "basic_expense_by_economic",
        {
            "合计": {"total": 1300.0},
            "301": {"total": 1300.0},
            "30101": {"total": 1000.0},
            "30103": {"total": 100.0},
            "30108": {"total": 200.0},
        },
        ("30108", "机关事业单位基本养老保险缴费"),
        id="codes-printed-before-their-rows-names",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "kind", "expected", "name"), RAW_PDFTOTEXT_TABLES)
def test_raw_pdftotext_tables(lines, kind, expected, name) -> None:
    table = one_cell_per_line(lines, kind)
    assert values(table) == expected
    if name is not None:
        code, text = name
        assert names(table)[code] == text
    assert not table.issues


def test_pdftotext_spaced_total_label_and_page_number_before_a_grouped_figure() -> None:
    # A real provincial table through pdftotext without -layout: 合　计 printed letter by
    # letter around the 金额 label, the page number "17" before the figures of the rows above
    # (printed after the page's last row), figures with thousands separators.
    lines = ["一般公共预算支出预算表", "单位：万元", "功能科目代码", "功能科目名称", "合"]
    lines += ["金额", "计", "1,900.00", "208", "社会保障和就业支出", "1,900.00", "20805"]
    lines += ["行政事业单位离退休", "1,900.00", "2080505", "机关事业单位基本养老保险缴费支出"]
    lines += ["2080506", "机关事业单位职业年金缴费支出", "17", "1,200.00", "700.00"]
    table = one_cell_per_line(lines, "expense_by_function")
    got = values(table)
    assert got["2080505"] == {"total": 1200.0} and got["2080506"] == {"total": 700.0}
    assert got["合计"] == {"total": 1900.0}
    assert not table.issues


def test_pdftotext_total_row_figure_printed_after_a_later_row() -> None:
    # pdftotext without -layout prints the bold 合计 row's third figure after another row's
    # figures: the 合计 row takes the figure with which it adds up.
    lines = ["部门预算一般公共预算财政拨款基本支出表", "单位：万元", "序号", "科目编码"]
    lines += ["科目名称", "合计", "人员经费", "公用经费", "1", "合计", "160.00", "150.00", "2"]
    lines += ["301", "工资福利支出", "150.00", "150.00", "3", "30101", "基本工资", "100.00"]
    lines += ["100.00", "10.00", "4", "30102", "津贴补贴", "50.00", "50.00", "5", "302"]
    lines += ["商品和服务支出", "10.00", "10.00", "6", "30201", "办公费", "10.00", "10.00"]
    table = one_cell_per_line(lines, "basic_expense_by_economic")
    got = values(table)
    assert got["合计"] == {"total": 160.0, "personnel": 150.0, "public": 10.0}
    assert got["30101"] == {"total": 100.0, "personnel": 100.0}
    assert got["302"] == {"total": 10.0, "public": 10.0}
    assert not table.issues


def test_pdftotext_three_public_labels_and_figures_interleaved() -> None:
    # A real provincial 三公 table through pdftotext without -layout: the header's labels
    # and the one row's figures interleaved, a label wrapped into pieces ("公务用车购" "置费"),
    # the empty 公务用车购置费 cell printed as nothing. The sums place every figure.
    lines = ["“三公”经费、会议费、培训费支出预算表", "部门：某某厅", "单位：万元", "“三公”经费"]
    lines += ["公务用车购置及运行维护费", "合计", "小计", "1,471.70", "508.20", "因公出国"]
    lines += ["（境）费", "70.00", "小计", "411.20", "会议费", "公务用车购 公务用车运行", "置费"]
    lines += ["维护费", "411.20", "培训费", "公务接待费", "27.00", "933.50", "30.00"]
    table = one_cell_per_line(lines, "three_public")
    got = {r.name: r.values()["total"] for r in table.rows}
    assert got == {
        "合计": 1471.7,
        "“三公”经费小计": 508.2,
        "因公出国（境）费": 70.0,
        "公务用车购置及运行维护费": 411.2,
        "公务用车运行维护费": 411.2,
        "公务接待费": 27.0,
        "会议费": 933.5,
        "培训费": 30.0,
    }


def test_layout_text_final_accounts_three_public_figures_one_space_apart() -> None:
    # A 决算 “三公” table through pdfplumber's layout mode: 预算数 and 决算数 under each
    # column, the narrow columns' figures one space apart.
    text = "\n".join(
        [
            "财政拨款“三公”经费支出决算表",
            "     编制单位：某某办公厅   2019年度 单位：万元",
            "               因公出国（       公务用车购",
            "     合计        境）费         置及运行维                   公务接待费",
            "                           护费",
            "                           小计           公务用车购       公务用车运行维护费",
            "                                        置费",
            "     预算   决算   预算数    决算   预算数     决算   "
            "预算数    决算   预算数     决算   预算数    决算",
            "     数    数           数            数           数            数           数",
            "      22.78 19.15  0.00 0.00    1.85 1.82   0.00 0.00   1.85 1.82   20.93 17.33",
        ]
    )
    (table,) = by_kind(text)["three_public"]
    got = {r.name: r.values() for r in table.rows}
    assert got["合计"] == {"budget": 22.78, "total": 19.15}
    assert got["公务用车购置费"] == {"budget": 0.0, "total": 0.0}
    assert got["公务用车运行维护费"] == {"budget": 1.85, "total": 1.82}
    assert got["公务接待费"] == {"budget": 20.93, "total": 17.33}
    assert not table.issues


def test_raw_pdftotext_codes_in_class_cells_after_their_rows_and_no_column_labels() -> None:
    # A 支出总表 in 类 | 款 | 项 cells as raw pdftotext printed it: no 合计 | 基本支出 | 项目支出
    # label in the text, the first rows' names and figures before their 序号 and code cells
    # ("201" "01" "01" is 2010101), the last code of that run starting the row after it, and
    # that row's second figure printed before the run.
    cells = ["部门预算支出总表", "单位：万元", "序号", "栏次", "功能分类科目", "类", "款", "项"]
    cells += ["科目名称", "1", "2", "3", "4", "1", "5", "总计", "100.00", "60.00", "40.00"]
    cells += ["一般公共服务支出", "100.00", "60.00", "40.00", "人大事务", "100.00", "60.00"]
    cells += ["40.00", "60.00", "2", "201", "3", "201", "01", "4", "201", "01", "01", "行政运行"]
    cells += ["60.00", "5", "201", "01", "04", "人大会议", "40.00", "40.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "201": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "20101": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "2010101": {"total": 60.0, "basic": 60.0},
        "2010104": {"total": 40.0, "project": 40.0},
    }
    assert names(table)["20101"] == "人大事务" and names(table)["2010101"] == "行政运行"
    assert not table.issues


def test_raw_pdftotext_code_block_holds_a_wrapped_name_of_a_row_printed_without_one() -> None:
    # Raw pdftotext: a page's names and figures, then its 序号 and codes; a row's name came
    # after its code in two pieces, its figures were printed with the row before it.
    cells = ["部门预算一般公共预算财政拨款支出表", "单位：万元", "序号", "功能分类科目", "合计"]
    cells += ["科目编码", "科目名称", "基本支出 项目支出", "合计", "100.00", "60.00", "40.00"]
    cells += ["一般公共服务支出", "40.00", "40.00", "档案事务", "40.00", "40.00", "档案馆"]
    cells += ["40.00", "40.00", "社会保障和就业支出", "60.00", "60.00", "行政事业单位养老支出"]
    cells += ["60.00", "60.00", "机关事业单位基本养老保险", "45.00", "45.00", "15.00", "15.00"]
    cells += ["1", "2", "201", "3", "20126", "4", "2012604", "5", "208", "6", "20805", "7"]
    cells += ["2080505", "缴费支出", "8", "2080506", "机关事业单位职业年金缴费", "支出", "9"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "201": {"total": 40.0, "project": 40.0},
        "20126": {"total": 40.0, "project": 40.0},
        "2012604": {"total": 40.0, "project": 40.0},
        "208": {"total": 60.0, "basic": 60.0},
        "20805": {"total": 60.0, "basic": 60.0},
        "2080505": {"total": 45.0, "basic": 45.0},
        "2080506": {"total": 15.0, "basic": 15.0},
    }
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert names(table)["2080506"] == "机关事业单位职业年金缴费支出"
    assert not table.issues


def test_raw_pdftotext_class_codes_apart_from_names_that_start_with_the_rest() -> None:
    # A 类 | 款 | 项 table as raw pdftotext printed it: the 类 codes in blocks after the rows,
    # the 款/项 digits run into the names; a row's figures printed with the row before it (two
    # equal pairs) and its name after its 类 code in the block; the last rows' 类 code printed
    # once, before them.
    cells = ["部门预算支出总表", "单位：万元", "序号", "功能分类科目", "合计"]
    cells += ["基本支出 项目支出", "类", "款", "项", "科目名称", "合计", "200.00", "170.00"]
    cells += ["30.00"]
    cells += ["社会保障和就业支出", "100.00", "100.00", "05行政事业单位养老支出", "100.00"]
    cells += ["100.00", "0505机关事业单位基本养老", "60.00", "60.00", "40.00", "40.00"]
    cells += ["1", "2", "208", "3", "208", "4", "208", "保险缴费支出", "5", "208"]
    cells += ["0506机关事业单位职业年金", "缴费支出", "6"]
    cells += ["卫生健康支出", "30.00", "30.00", "11行政事业单位医疗", "30.00", "30.00"]
    cells += ["1101行政单位医疗", "30.00", "30.00", "住房保障支出", "70.00", "70.00"]
    cells += ["6", "210", "7", "210", "8", "210", "9", "221"]
    cells += ["02住房改革支出", "70.00", "70.00", "0201住房公积金", "70.00", "70.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    got = values(table)
    assert got["2080505"] == {"total": 60.0, "basic": 60.0}
    assert got["2080506"] == {"total": 40.0, "basic": 40.0}
    assert got["22102"] == got["2210201"] == {"total": 70.0, "basic": 70.0}
    assert got["2101101"] == {"total": 30.0, "project": 30.0}
    assert names(table)["2210201"] == "住房公积金"
    assert not table.issues


def test_raw_pdftotext_part_printed_after_the_last_row_of_the_page() -> None:
    # Raw pdftotext prints a displaced cell after the page's last row: 参政议政's 项目支出
    # comes after 住房公积金's own total and part.
    cells = ["部门预算支出总表", "单位：万元", "序号", "栏次", "功能分类科目", "合计", "科目编码"]
    cells += ["科目名称", "基本支出", "项目支出", "合计", "350.00", "250.00", "100.00", "2", "201"]
    cells += ["一般公共服务支出", "300.00", "200.00", "100.00", "3", "20102", "政协事务", "300.00"]
    cells += ["200.00", "100.00", "4", "2010201", "行政运行", "200.00", "200.00", "5", "2010206"]
    cells += ["参政议政", "100.00", "6", "221", "住房保障支出", "50.00", "50.00", "7", "22102"]
    cells += ["住房改革支出", "50.00", "50.00", "8", "2210201", "住房公积金", "50.00", "50.00"]
    cells += ["100.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    got = values(table)
    assert got["2010206"] == {"total": 100.0, "project": 100.0}
    assert got["2210201"] == {"total": 50.0, "basic": 50.0}
    assert not table.issues


def test_raw_pdftotext_side_by_side_final_table_figure_run_into_the_next_code() -> None:
    # A 决算 基本支出 table printed as 人员经费 and 公用经费 blocks side by side, through raw
    # pdftotext: a figure of the left block and the right block's next code on one line.
    cells = ["一般公共预算财政拨款基本支出决算表", "编制单位：某某厅 2019年度 单位：万元"]
    cells += ["人员经费", "公用经费", "经济分类科目编码", "科目名称", "决算数", "经济分类科目编码"]
    cells += ["科目名称", "决算", "301", "工资福利支出", "300.00", "302", "商品和服务支出"]
    cells += ["30.00", "30101", "基本工资", "200.00", "30201", "办公费", "10.00", "30102"]
    cells += ["津贴补贴", "100.00 30207", "邮电费", "20.00"]
    (table,) = by_kind("\n\n".join(cells))["basic_expense_by_economic"]
    got = values(table)
    assert got["30102"] == {"total": 100.0}
    assert got["30207"] == {"total": 20.0} and names(table)["30207"] == "邮电费"


def test_raw_pdftotext_run_of_displaced_figures_beside_the_repeated_header() -> None:
    # Raw pdftotext printed two rows' missing figures as a run after the page's last row,
    # next to the repeated header's 科目编码 | 科目名称: 一般行政管理事务's part, then 委员视察's
    # total and part.
    cells = ["一般公共预算财政拨款支出决算表", "编制单位：某某厅 2019年度 单位：万元", "项目"]
    cells += ["合计", "基本支出", "项目支出", "合计", "400.00", "200.00", "200.00", "201"]
    cells += ["一般公共服务支出", "300.00", "100.00", "200.00", "20102", "政协事务", "300.00"]
    cells += ["100.00", "200.00", "2010201", "行政运行", "100.00", "100.00", "2010202"]
    cells += ["一般行政管理事务", "50.00", "2010205", "委员视察", "208", "社会保障和就业支出"]
    cells += ["100.00", "100.00", "20805", "行政事业单位养老支出", "100.00", "100.00"]
    cells += ["科目编码", "科目名称", "50.00", "150.00", "150.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    got = values(table)
    assert got["2010202"] == {"total": 50.0, "project": 50.0}
    assert got["2010205"] == {"total": 150.0, "project": 150.0}
    assert not table.issues


def test_raw_pdftotext_code_and_name_one_space_apart_at_the_top_of_a_page() -> None:
    # The rows at the top of a page come as "2240101 行政运行": one line, one space.
    cells = ["财政拨款支出预算表", "部门： 某某厅 单位：元", "功能科目代码", "功能科目名称"]
    cells += ["合计", "金额", "3,000,000.00", "224", "灾害防治及应急管理支出", "3,000,000.00"]
    cells += ["22401", "应急管理事务", "3,000,000.00", "第1页", "\f2240101 行政运行"]
    cells += ["2,000,000.00", "2240106 安全监管", "1,000,000.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    assert values(table)["2240101"] == {"total": 200.0}
    assert names(table)["2240106"] == "安全监管"
    assert not table.issues


def test_raw_pdftotext_final_accounts_three_public_labels_among_figures() -> None:
    # The same kind of table through raw pdftotext: the wide header read column by column, so
    # most 预算数 / 决算 / 数 labels come among the figures (and another table's labels too).
    cells = ["财政拨款“三公”经费支出决算表", "编制单位：某某局 2020年度 单位：万元", "合计"]
    cells += ["因公出国（", "公务用车购", "境）费", "置及运行维", "公务接待费", "护费", "小计"]
    cells += ["公务用车购", "公务用车运行维护费", "置费", "预算", "决算", "数", "数", "23.05"]
    cells += ["预算数", "决算", "预算数", "决算", "数", "20.46", "10.60", "预算数", "决算", "数"]
    cells += ["8.56", "5.41", "预算数", "决算", "数", "4.86", "0.00", "本年支出合计", "基本支出"]
    cells += ["预算数", "决算", "数", "0.00", "5.41", "数", "4.86", "7.04", "7.04"]
    (table,) = by_kind("\n\n".join(cells))["three_public"]
    got = {r.name: r.values() for r in table.rows}
    assert got["合计"] == {"budget": 23.05, "total": 20.46}
    assert got["因公出国（境）费"] == {"budget": 10.6, "total": 8.56}
    assert got["公务用车购置费"] == {"budget": 0.0, "total": 0.0}
    assert got["公务用车运行维护费"] == {"budget": 5.41, "total": 4.86}
    assert got["公务接待费"] == {"budget": 7.04, "total": 7.04}
    assert not table.issues


# --- pdfplumber's plain text: a ruled table's rows one line each, cells one space apart ---------


def test_plain_text_header_labels_one_space_apart_and_column_numbers_on_their_own_line() -> None:
    # The header's labels on one line with 档次 and its first number, the other numbers (and the
    # 合计 row's 序号) on the next line: neither a code "23451" nor one label.
    lines = [
        "部门预算一般公共预算财政拨款基本支出表",
        "911024 某某部",
        "预算年度：2024",
        "单位：万元",
    ]
    lines += ["序号 支出部门经济分类科目 一般公共预算基本支出 科目编码 科目名称"]
    lines += ["合计 人员经费 公用经费 档次 1", "2 3 4 5 1", "总计 130.00 100.00 30.00", "2"]
    lines += ["301 工资福利支出 100.00 100.00", "3", "30101 基本工资 100.00 100.00", "4"]
    lines += ["302 商品和服务支出 30.00 30.00", "5", "30201 办公费 30.00 30.00"]
    (table,) = by_kind("\n".join(lines))["basic_expense_by_economic"]
    assert values(table) == BASIC_130
    assert not table.issues


def test_plain_text_stub_numbers_after_the_header_and_a_header_repeated_on_the_next_page() -> None:
    # "栏次 1 2" ends a header line and "3 4 5 1" follows; the next page repeats the header,
    # its 栏次 at the end of a line: the body starts after the first page's numbers.
    lines = ["部门预算一般公共预算财政拨款支出表", "752008 某某部", "预算年度：", "2022单位：万元"]
    lines += ["序号 功能分类科目 合计 基本支出 项目支出", "科目编码 科目名称 栏次 1 2", "3 4 5 1"]
    lines += ["合计 150.00 110.00 40.00", "2", "201 一般公共服务支出 100.00 60.00 40.00", "3"]
    lines += ["20132 组织事务 100.00 60.00 40.00", "4", "2013201 行政运行 60.00 60.00", "5"]
    lines += ["2013299 其他组织事务支出 40.00 40.00", "6", "210 卫生健康支出 50.00 50.00", "7"]
    lines += ["21011 行政事业单位医疗 50.00 50.00", "8", "2101101 行政单位 50.00 50.00"]
    lines += ["752008 某某部", "预算年度：2022", "单位：万元", "序号 功能分类科目 合计 基本支"]
    lines += ["出", "项目支出 科目编码 科目名称 栏次", "1 2 3 4", "5 医疗 9"]
    lines += ["2101102 事业单位医疗 0.00 0.00"]
    (table,) = by_kind("\n".join(lines))["expense_by_function"]
    got = values(table)
    assert got["合计"] == {"total": 150.0, "basic": 110.0, "project": 40.0}
    assert got["2013201"] == {"total": 60.0, "basic": 60.0}
    assert got["2013299"] == {"total": 40.0, "project": 40.0}
    assert got["2101101"] == {"total": 50.0, "basic": 50.0}


# --- pdfminer: a column's cells one after another -----------------------------------------


def test_pdfminer_column_order_block() -> None:
    # The codes, then 合计 and the names, then the column label and the figures in row order.
    text = "\n\n".join(
        [
            "财政拨款支出预算表",
            "部门：某某厅",
            "单位：万元",
            "功能科目代码",
            "功能科目名称",
            *["201", "20131", "2013101", "2013102", "221", "22102", "2210201"],
            "合计",
            *["一般公共服务支出", "党委办公厅（室）及相关机构事务", "行政运行", "一般行政管理事务"],
            *["住房保障支出", "住房改革支出", "住房公积金"],
            "金额",
            *["1,000.00", "900.00", "900.00", "600.00", "300.00", "100.00", "100.00", "100.00"],
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    got = values(table)
    assert got["合计"] == {"total": 1000.0} and got["2013102"] == {"total": 300.0}
    assert next(r for r in table.rows if r.code == "22102").name == "住房改革支出"
    assert not table.issues and table.checked


def test_pdfminer_column_order_with_a_page_number_a_note_and_a_wrapped_name() -> None:
    # As pdfminer prints real 功能科目 tables: the figures first, then the codes, then 合　计
    # set letter by letter, the header's 科目编码 among the names, a name wrapped in two pieces,
    # the note under the table and the page number.
    text = "\n\n".join(
        [
            "财政拨款支出预算表（功能科目）",
            "部门：某某厅",
            "单位：万元",
            "功能科目代码",
            "功能科目名称",
            "金额",
            *["1,500.00", "1,000.00", "1,000.00", "600.00", "400.00", "500.00", "500.00"],
            "500.00",
            *["201", "20131", "2013101", "2013102", "208", "20805", "2080505"],
            *["合", "计", "科目名称", "一般公共服务支出", "党委办公厅（室）及相关机构事务"],
            *["行政运行", "一般行政管理事务", "社会保障和就业支出", "行政事业单位养老支出"],
            *["机关事业单位基本养老保险缴费支", "出"],
            "注：“科目编码”和“科目名称”为必填项。",
            "11",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 1500.0},
        "201": {"total": 1000.0},
        "20131": {"total": 1000.0},
        "2013101": {"total": 600.0},
        "2013102": {"total": 400.0},
        "208": {"total": 500.0},
        "20805": {"total": 500.0},
        "2080505": {"total": 500.0},
    }
    assert names(table)["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert names(table)["2013101"] == "行政运行"
    assert not table.issues and table.checked


def test_pdfminer_three_columns_printed_one_after_another() -> None:
    # pdfminer prints a ruled table column by column: 序号, codes, names (a wrapped one in two
    # pieces), then each figure column top to bottom with its empty cells left out, the 合计
    # row first in each; here the parts before the total column, as it printed a 基本支出表.
    lines = ["部门预算一般公共预算财政拨款基本支出表", "单位：万元", "序号 支出部门经济分类科目"]
    lines += ["一般公共预算基本支出", "合计", "人员经费 公用经费", "科目编码", "科目名称", "栏次 1"]
    lines += [str(k) for k in range(1, 8)]
    lines += ["301", "30101", "30108", "302", "30201", "30211", "合计", "工资福利支出", "基本工资"]
    lines += ["机关事业单位基本养老保险", "缴费", "商品和服务支出", "办公费", "差旅费"]
    lines += ["4", "100.00", "100.00", "60.00", "40.00"]  # 人员经费
    lines += ["5", "30.00", "30.00", "10.00", "20.00"]  # 公用经费
    lines += ["130.00", "100.00", "60.00", "40.00", "30.00", "10.00", "20.00"]  # 合计
    (table,) = by_kind("\n".join(lines))["basic_expense_by_economic"]
    assert values(table) == {
        "合计": {"total": 130.0, "personnel": 100.0, "public": 30.0},
        "301": {"total": 100.0, "personnel": 100.0},
        "30101": {"total": 60.0, "personnel": 60.0},
        "30108": {"total": 40.0, "personnel": 40.0},
        "302": {"total": 30.0, "public": 30.0},
        "30201": {"total": 10.0, "public": 10.0},
        "30211": {"total": 20.0, "public": 20.0},
    }
    assert (
        names(table)["30108"] == "机关事业单位基本养老保险缴费"
        and names(table)["30211"] == "差旅费"
    )
    assert not table.issues


def test_column_order_reading_needs_its_sums_to_pass() -> None:
    # The same shape with one figure that does not add up is not read column by column.
    text = "\n".join(
        [
            "财政拨款支出预算表",
            "单位：万元",
            "功能科目代码",
            "功能科目名称",
            *["201", "20131", "2013101"],
            "合计",
            *["一般公共服务支出", "党委办公厅（室）及相关机构事务", "行政运行"],
            "金额",
            *["900.00", "900.00", "900.00", "600.00"],
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table).get("2013101") != {"total": 600.0}


# --- layout text ------------------------------------------------------------------------------


def test_layout_text_lone_figure_line_stands_under_its_column() -> None:
    # pdfplumber's layout text centres the 合计 label and its figure on lines of their own.
    text = "\n".join(
        [
            "                    财政拨款支出预算表",
            "     部门：某某厅                                    单位：万元",
            "         功能科目代码          功能科目名称            金额",
            "                                合计",
            "                                                  1,000.00",
            "         201           一般公共服务支出              1,000.00",
            "         20101         人大事务                      1,000.00",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 1000.0},
        "201": {"total": 1000.0},
        "20101": {"total": 1000.0},
    }


def test_layout_text_final_expense_table_under_a_six_column_header() -> None:
    # pdfplumber's layout text of a 支出决算表: the header's wide labels take one character
    # each, so by position the figures sit under the next label; the three figure columns are
    # the first three of the six the header names (the other three empty), left to right.
    text = "\n".join(
        [
            "     三、支出决算表",
            "     编制单位：某某厅      2018年度 单位：万元",
            "     项目                    本年支出合计   基本支出  项目支出  上缴上级支出"
            "   经营支出  对附属单位补助支出",
            "     科目编码  科目名称",
            "           合计                  4,028.10 3,507.43 520.67",
            "     208   社会保障和就业支出           4,028.10 3,507.43 520.67",
            "     20801 人力资源和社会保障管理事务        4,028.10 3,507.43 520.67",
            "     2080101 行政运行              3,507.43 3,507.43",
            "     2080109 社会保险经办机构           520.67      520.67",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table)["合计"] == {"total": 4028.1, "basic": 3507.43, "project": 520.67}
    assert values(table)["2080101"] == {"total": 3507.43, "basic": 3507.43}
    assert values(table)["2080109"] == {"total": 520.67, "project": 520.67}
    assert not table.issues


def test_layout_text_two_column_labels_one_space_apart() -> None:
    # pdftotext -layout ran two narrow header cells together: "基本支出 项目支出".
    text = "\n".join(
        [
            "部门预算支出总表",
            "单位：万元",
            "序号     功能分类科目                   合计             基本支出 项目支出",
            "类      款                        项              科目名称          栏次",
            "       合计                       100.00         60.00          40.00",
            "201    一般公共服务支出                     100.00         60.00          40.00",
            "201    01行政运行                                    60.00          60.00",
            "201    02一般行政管理事务                                 40.00          40.00",
        ]
    )
    (table,) = by_kind(text)["expense_by_function"]
    assert values(table)["合计"] == {"total": 100.0, "basic": 60.0, "project": 40.0}
    assert values(table)["20101"] == {"total": 60.0, "basic": 60.0}
    assert values(table)["20102"] == {"total": 40.0, "project": 40.0}


def test_layout_text_figures_a_single_space_apart_are_two() -> None:
    # "418.26 80": two cells that a single space separates; "53.7 3" stays one broken figure.
    text = "\n".join(
        [
            "“三公”经费支出预算表",
            "单位：万元",
            "    合计    因公出国（境）费    公务用车购置费    公务用车运行维护费    公务接待费",
            "   498.26 80    0.00    318.00    100.26",
        ]
    )
    (table,) = by_kind(text)["three_public"]
    got = {r.name: r.values()["total"] for r in table.rows}
    assert got["合计"] == 498.26 and got["因公出国（境）费"] == 80.0
    assert got["公务接待费"] == 100.26


# --- real documents through the tools -------------------------------------------------------


def _pypdfium2_text(path: Path) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _pdfplumber_text(path: Path) -> str:
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _pdftotext_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "name,tool",
    [
        ("江苏省委办公厅/江苏省委办公厅2018年度部门预算公开表.pdf", _pypdfium2_text),  # title after
        ("江苏省高级人民法院/省法院2018年度部门预算公开.pdf", _pypdfium2_text),  # title before
        ("江苏省政协办公厅/江苏省政协办公厅2019年预算公开表.pdf", _pdfplumber_text),
        # raw pdftotext: a page number before a figure printed after the page's last row
        ("江苏省人大办公厅/省人大办公厅2018预算公开.pdf", _pdftotext_text),
        # 合 计 letter by letter around 金额; figures after the page's last row
        ("江苏省人民检察院/2018年省检察院部门预算公开.pdf", _pdftotext_text),
        ("江苏省高级人民法院/江苏省高级人民法院2019年度部门预算公开.pdf", _pdftotext_text),
        # two codes printed before their rows' names on top of a page
        ("江苏省人民检察院/2019年度部门预算公开.pdf", _pdftotext_text),
    ],
)
def test_jiangsu_text_tool_tables_add_up(name: str, tool, tmp_path: Path) -> None:
    path = JIANGSU / name
    if not path.exists():
        pytest.skip("../shared/corpora/jiangsu is absent")
    out = tmp_path / "made.txt"
    out.write_text(tool(path), encoding="utf-8")
    tables = money_tables_detailed(ingest(out))
    coded = [t for t in tables if t.kind in ("expense_by_function", "basic_expense_by_economic")]
    function = [t for t in coded if t.kind == "expense_by_function" and any(r.code for r in t.rows)]
    economic = [t for t in coded if t.kind == "basic_expense_by_economic"]
    assert len(function) >= 2 and len(economic) >= 2
    for t in coded:
        assert t.rows and not t.issues, (t.title, t.issues)
    # The functional tables' 合计 equals the sum of their top-level codes.
    for t in function:
        assert t.checked and next(r for r in t.rows if r.total_row).values()["total"] > 0


def test_raw_pdftotext_header_with_one_label_and_a_part_printed_after_the_total_row() -> None:
    # A 支出总表 as raw pdftotext printed it: of the header's figure labels only 项目支出 in the
    # table's text (合计 | 基本支出 printed with another table), and the first row's 项目支出
    # printed after the 总计 row's three figures. The kind's three columns are read by the
    # sums, and the fourth figure goes to the row whose total and 基本支出 it completes.
    cells = ["部门预算支出总表", "单位：万元", "序号", "栏次", "功能分类科目", "科目编码"]
    cells += ["科目名称", "1", "2", "项目支出", "3", "4", "5", "总计", "100.00", "60.00"]
    cells += ["40.00", "40.00", "2", "201", "一般公共服务支出", "100.00", "60.00", "3"]
    cells += ["20101", "人大事务", "100.00", "60.00", "40.00", "4", "2010101", "行政运行"]
    cells += ["60.00", "60.00", "5", "2010104", "人大会议", "40.00", "40.00"]
    (table,) = by_kind("\n\n".join(cells))["expense_by_function"]
    assert values(table) == {
        "合计": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "201": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "20101": {"total": 100.0, "basic": 60.0, "project": 40.0},
        "2010101": {"total": 60.0, "basic": 60.0},
        "2010104": {"total": 40.0, "project": 40.0},
    }
    assert not table.issues


def test_pdfminer_code_column_printed_before_its_tables_title() -> None:
    # pdfminer printed each table's code column (its header cell and codes) as a box before
    # the title's box, after the previous table's figures: the codes are the next table's.
    blocks = [
        ["公开05表", "部门：某某厅", "功能科目代码", "201", "20131", "2013101", "2013102"],
        ["财政拨款支出预算表", "单位：万元", "功能科目名称", "合计", "一般公共服务支出"],
        ["党委办公厅（室）及相关机构事务", "行政运行", "一般行政管理事务", "金额"],
        ["1,000.00", "1,000.00", "1,000.00", "600.00", "400.00"],
        ["公开06表", "部门：某某厅", "科目编码", "301", "30101", "302", "30201"],
        ["财政拨款基本支出预算表", "单位：万元", "科目名称", "合计", "工资福利支出"],
        ["基本工资", "商品和服务支出", "办公费", "金额", "700.00", "600.00", "600.00"],
        ["100.00", "100.00"],
    ]
    tables = by_kind("\n\n".join(cell for block in blocks for cell in block))
    (function,) = tables["expense_by_function"]
    (economic,) = tables["basic_expense_by_economic"]
    assert values(function) == {
        "合计": {"total": 1000.0},
        "201": {"total": 1000.0},
        "20131": {"total": 1000.0},
        "2013101": {"total": 600.0},
        "2013102": {"total": 400.0},
    }
    assert values(economic) == {
        "合计": {"total": 700.0},
        "301": {"total": 600.0},
        "30101": {"total": 600.0},
        "302": {"total": 100.0},
        "30201": {"total": 100.0},
    }
    assert names(economic)["30201"] == "办公费"


def test_raw_pdftotext_displaced_figure_after_the_wrapped_end_of_a_name() -> None:
    # At the page's end raw pdftotext printed the wrapped end of a name ("缴费", 30108's) and
    # then the part of the row it left without one (302's 公用经费): the figure goes back to
    # that row, the piece is a name's.
    cells = ["部门预算一般公共预算财政拨款基本支出表", "单位：万元", "序号", "科目编码"]
    cells += ["科目名称", "合计", "人员经费", "公用经费", "1", "合计", "150.00", "100.00"]
    cells += ["50.00", "2", "301", "工资福利支出", "100.00", "100.00", "3", "30108"]
    cells += ["机关事业单位基本养老保险", "100.00", "100.00", "4", "302", "商品和服务支出"]
    cells += ["50.00", "5", "30201", "办公费", "20.00", "20.00", "6", "30205", "水费"]
    cells += ["30.00", "30.00", "缴费", "50.00"]
    (table,) = by_kind("\n\n".join(cells))["basic_expense_by_economic"]
    got = values(table)
    assert got["302"] == {"total": 50.0, "public": 50.0}
    assert got["30201"] == {"total": 20.0, "public": 20.0}
    assert "缴费" not in got
    assert names(table)["30108"] == "机关事业单位基本养老保险缴费"
    assert not table.issues


def test_raw_pdftotext_stray_figures_between_the_title_and_the_header() -> None:
    # Raw pdftotext printed the last figures of the table before and the 预算年度 value after
    # this table's title, then the header's labels, the 合计 row's 公用经费 with them: the
    # header is read past the strays, and the 合计 row keeps its three figures.
    cells = ["部门预算一般公共预算财政拨款基本支出表", "预算年度：", "6.75", "459.45", "6.75"]
    cells += ["2024", "单位：万元", "支出部门经济分类科目", "一般公共预算基本支出", "科目编码"]
    cells += ["科目名称", "合计", "人员经费", "公用经费", "30.00", "合计", "130.00", "100.00"]
    cells += ["301", "工资福利支出", "100.00", "100.00", "30101", "基本工资", "100.00"]
    cells += ["100.00", "302", "商品和服务支出", "30.00", "30.00", "30201", "办公费", "30.00"]
    cells += ["30.00"]
    (table,) = by_kind("\n\n".join(cells))["basic_expense_by_economic"]
    assert values(table) == BASIC_130
    assert not table.issues


def test_raw_pdftotext_final_summary_row_numbers_among_names_are_no_figures() -> None:
    # Raw pdftotext's 财政拨款收入支出决算总表, one cell per line: the 序号 column's numbers
    # printed among the names and figures ("拨款" "4" "5" "本年收入合计" "6"), in a table whose
    # figures print two decimals; 本年收入合计's own figure is not in this text.
    cells = ["财政拨款收入支出决算总表", "编制单位：某某局 2020年度 单位：万元", "序号", "收入"]
    cells += ["支出", "项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "4", "5"]
    cells += ["档次", "1", "2", "1", "一、一般公共预算财政拨款", "2", "二、政府性基金预算财政拨"]
    cells += ["100.00", "3", "6", "一、一般公共服务支出", "80.00", "80.00", "二、卫生健康支出"]
    cells += ["20.00", "20.00", "100.00", "100.00", "款", "3", "三、国有资本经营预算财政"]
    cells += ["拨款", "4", "5", "本年收入合计", "6", "年初财政拨款结转和结余", "7", "总计"]
    cells += ["100.00", "本年支出合计", "年末财政拨款结转和结余", "100.00", "总计", "100.00"]
    (table,) = by_kind("\n\n".join(cells))["income_expense_summary"]
    got = {r.name: r.values().get("total") for r in table.rows}
    assert got.get("本年收入合计") is None
    assert got.get("国有资本经营预算财政拨款") is None
    assert 4.0 not in got.values() and 6.0 not in got.values()
    assert got["一般公共服务支出"] == 80.0


def test_pdfminer_summary_right_column_printed_after_the_next_title() -> None:
    # pdfminer's text of a 收入支出决算总表: a left figure runs into the right label beside it,
    # and the right column's last figures come as a box of their own after the next title.
    lines = [
        "收入支出决算总表",
        "编制单位：测试区人力资源和社会保障局 2018年度 单位：万元",
        "收入",
        "项目",
        "支出",
        "决算数 项目",
        "决算数",
        "一、一般公共预算财政拨款",
        "4,124.76 一、社会保障和就业支出",
        "4,028.10",
        "本年收入合计",
        "4,124.76 本年支出合计",
        "使用非财政拨款结余",
        "0.00 结余分配",
        "年初结转和结余",
        "0.00 年末结转和结余",
        "总计",
        "4,124.76 总计",
        "收入决算表",
        "4,028.10",
        "0.00",
        "96.66",
        "4,124.76",
        "编制单位：测试区人力资源和社会保障局 2018年度 单位：万元",
        "项目",
        "本年收入合计 财政拨款收入",
        "科目编码 科目名称",
        "合计",
        "4,124.76",
        "4,124.76",
    ]
    tables = by_kind("\n\n".join(lines))
    (summary,) = tables["income_expense_summary"]
    got = [(r.name, r.values().get("total")) for r in summary.rows]
    assert got[2:] == [
        ("本年收入合计", 4124.76),
        ("本年支出合计", 4028.10),
        ("使用非财政拨款结余", 0.0),
        ("结余分配", 0.0),
        ("年初结转和结余", 0.0),
        ("年末结转和结余", 96.66),
        ("合计", 4124.76),  # 总计, both sides
        ("合计", 4124.76),
    ]
    # the parts must add up to the total: a run that does not is left where it was
    broken = by_kind("\n\n".join(lines).replace("\n\n96.66\n\n", "\n\n95.66\n\n"))
    (summary,) = broken["income_expense_summary"]
    assert dict((r.name, r.values().get("total")) for r in summary.rows)["年末结转和结余"] is None


def _cells(*cells: str) -> str:
    """One cell per line with blank lines between, as pdftotext prints a ruled table."""
    return "\n\n".join(cells) + "\n"


HEAD = ("单位：万元", "科目名称", "合计", "基本支出", "项目支出")
CODED = _cells(
    "部门预算支出总表", "单位：万元", "序号", "类", "款", "项", *HEAD[1:],
    "1", "合计", "100.00", "60.00", "40.00",
    "2", "201", "一般公共服务支出", "100.00", "60.00", "40.00",
    "3", "201", "01", "人大事务", "100.00", "60.00", "40.00",
    "4", "201", "01", "01", "行政运行", "60.00", "60.00",
    "5", "201", "01", "04", "人大会议", "40.00", "40.00",
)  # fmt: skip
NAMES_ONLY = _cells(
    "部门预算一般公共预算财政拨款支出表", *HEAD,
    "合计", "90.00", "60.00", "30.00",
    "一般公共服务支出", "90.00", "60.00", "30.00",
    "人大事务", "90.00", "60.00", "30.00",
    "行政运行", "60.00", "60.00",
    "人大会议", "30.00", "30.00",
)  # fmt: skip


def test_rows_without_codes_take_them_from_a_table_of_the_same_kind() -> None:
    """A table printed without its code column (or whose codes the parser could not pair back)
    takes the codes of the same names, in order, from another table of its kind."""
    doc = text_doc(CODED + "\f" + NAMES_ONLY)
    coded, names_only = money_tables_detailed(doc)
    assert names_only.kind == coded.kind == "expense_by_function"
    assert [(r.code, r.name) for r in names_only.rows] == [
        (None, "合计"),
        ("201", "一般公共服务支出"),
        ("20101", "人大事务"),
        ("2010101", "行政运行"),
        ("2010104", "人大会议"),
    ]
    # the leaves' single figures stay undecided between 基本支出 and 项目支出: reported
    assert any("column undecided" in issue for issue in names_only.issues)
    # alone, the table keeps its rows without codes: nothing to take them from
    (alone,) = money_tables_detailed(text_doc(NAMES_ONLY))
    assert [r.code for r in alone.rows] == [None] * 5
