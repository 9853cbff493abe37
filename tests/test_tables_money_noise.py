"""ie.tables.money on the shapes high noise gives its tables: rows cut by page breaks in
one-cell-per-line text, columns shifted in space-aligned text, PDF pages laid out on grids of
their own, and placements only the table's arithmetic can decide. Each case is a small
hand-made table in the failing shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from ie.ingest import text_document as text_doc
from ie.segment import Cell, Row, TableRegion
from ie.tables.money import money_tables_detailed, rebuild, report
from ie.tables.money_grid import _glued_code

JIANGSU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"


def lines(*rows: str) -> str:
    """One cell per line: each argument is a row of cells separated by "|"."""
    return "\n".join(cell for row in rows for cell in row.split("|"))


def detailed(text: str):
    (table,) = money_tables_detailed(text_doc(text))
    return table


def values(table) -> dict[str | None, dict[str, float]]:
    return {r.code or r.name: {k: round(v, 2) for k, v in r.values().items()} for r in table.rows}


ECONOMIC_HEAD = (
    "部门预算一般公共预算基本支出表|单位：万元|支出部门经济分类科目|一般公共预算基本支出"
)
ECONOMIC_COLUMNS = "科目编码|科目名称|合计|人员经费|公用经费"


# --- one cell per line: rows cut by a page break ----------------------------------------------


def test_line_row_cut_by_page_break_keeps_its_code_after_the_page_number() -> None:
    # "其他商品" ends page 1, then the page number 4 and the repeated header; the code "3029" +
    # "9" and the rest of the name open page 2. Neither the page number nor the code is a
    # figure, and the row keeps its code.
    text = lines(
        ECONOMIC_HEAD,
        ECONOMIC_COLUMNS,
        "合计|60.00|50.00|10.00",
        "301|工资福利支出|50.00|50.00",
        "30101|基本工资|50.00|50.00",
        "302|商品和服务支出|10.00|10.00",
        "30201|办公费|6.00|6.00",
        "其他商品|4",
        "支出部门经济分类科目|一般公共预算基本支出",
        ECONOMIC_COLUMNS,
        "3029|9|和服务支出|4.00|4.00",
    )
    table = detailed(text)
    got = values(table)
    assert got["30299"] == {"total": 4.0, "public": 4.0}
    assert table.rows[-1].name == "其他商品和服务支出"
    assert not table.issues
    assert len(table.rows) == 6


def test_line_name_piece_on_top_of_a_page_ends_the_row_above() -> None:
    # "人大" ends page 1 with its figures; "事务" opens page 2 before the next row's 序号 and
    # code: it belongs to 20101, and "4" + "2010101" is 序号 and code, not a figure.
    text = lines(
        "部门预算支出总表|单位：万元|序号|科目编码|科目名称|合计|基本支出|项目支出",
        "1|合计|10.00|10.00|0.00",
        "2|201|一般公共服务支出|10.00|10.00",
        "3|20101|人大|10.00|10.00",
        "序号|科目编码|科目名称|合计|基本支出|项目支出",
        "事务",
        "4|2010101|行政运行|10.00|10.00",
    )
    table = detailed(text)
    rows = {r.code: r for r in table.rows if r.code}
    assert rows["20101"].name == "人大事务"
    assert values(table)["2010101"] == {"total": 10.0, "basic": 10.0}
    assert not table.issues


def test_line_page_number_before_the_next_rows_seq_is_no_figure() -> None:
    # The page number "2" ends page 1 of a table whose rows start with a 序号 ("18"); the
    # next page's first row is 序号 18, code 221.
    text = lines(
        "部门预算支出总表|单位：万元|序号|科目编码|科目名称|合计|基本支出|项目支出|栏次|1|2|3|4|5",
        "1|合计|12.88|12.88|0.00",
        "2|221|住房保障支出|12.88|12.88",
        "2",
        "序号|科目编码|科目名称|合计|基本支出|项目支出|栏次|1|2|3|4|5",
        "3|22102|住房改革支出|12.88|12.88",
    )
    got = values(detailed(text))
    assert got["22102"] == {"total": 12.88, "basic": 12.88}
    assert set(got) == {"合计", "221", "22102"}


def test_line_figure_broken_after_a_digit_that_equals_the_next_seq() -> None:
    # "30.47" broken into "3" + "0.47" right where the next 序号 would be 3.
    text = lines(
        "部门预算支出总表|单位：万元|序号|科目编码|科目名称|合计|基本支出|项目支出",
        "1|合计|134.63|104.16|30.47",
        "2|201|一般公共服务支出|13|4.63|104.16|3|0.47",
        "3|20133|宣传事务|134.63|104.16|30.47",
    )
    got = values(detailed(text))
    assert got["201"] == {"total": 134.63, "basic": 104.16, "project": 30.47}
    assert got["20133"]["project"] == 30.47


def test_line_lone_ocr_letter_is_a_digit_of_a_broken_figure() -> None:
    text = lines(
        "部门预算支出总表|单位：万元|科目编码|科目名称|合计",
        "合计|10.64",
        "201|一般公共服务支出|l|0.64",
    )
    assert values(detailed(text))["201"] == {"total": 10.64}


def test_line_unit_line_and_group_header_are_not_columns() -> None:
    # A county table: the 单位 line ("507016 襄阳市…") and the group header over the three
    # columns print above the labels; the columns are 合计, 人员经费, 公用经费 only.
    text = lines(
        "部门预算一般公共预算基本支出表",
        "507016 襄阳市住房和城乡建设局",
        "单位：万元",
        "支出部门经济分类科目|一般公共预算基本支出|科目编码|科目名称|合计|人员经费|公用经费",
        "合计|30.00|20.00|10.00",
        "301|工资福利支出|20.00|20.00",
        "302|商品和服务支出|10.00|10.00",
    )
    table = detailed(text)
    assert [c.key for c in table.columns] == ["total", "personnel", "public"]
    assert values(table)["302"] == {"total": 10.0, "public": 10.0}


# --- the table's arithmetic -------------------------------------------------------------------


def test_nameless_first_row_is_the_grand_total_that_settles_the_placements() -> None:
    # Every row prints two equal figures (total and one part), and the 合计 label is lost
    # (wrapped into the header): the nameless first row of figures is 合计, and its parts
    # decide which subtrees are personnel and which public.
    text = lines(
        ECONOMIC_HEAD,
        ECONOMIC_COLUMNS,
        "37.00|27.00|10.00",
        "301|工资福利支出|20.00|20.00",
        "30101|基本工资|20.00|20.00",
        "302|商品和服务支出|10.00|10.00",
        "30201|办公费|6.00|6.00",
        "30202|印刷费|4.00|4.00",
        "303|对个人和家庭的补助|7.00|7.00",
        "30302|退休费|7.00|7.00",
    )
    table = detailed(text)
    got = values(table)
    assert got["合计"] == {"total": 37.0, "personnel": 27.0, "public": 10.0}
    assert got["302"] == {"total": 10.0, "public": 10.0}
    assert got["30201"] == {"total": 6.0, "public": 6.0}
    assert got["30202"] == {"total": 4.0, "public": 4.0}
    assert got["30302"] == {"total": 7.0, "personnel": 7.0}
    assert not table.issues


def test_placement_arithmetic_cannot_decide_is_left_out_and_reported() -> None:
    # Two children print "10.00 10.00": one is basic, the other project, and swapping them
    # fits the parent as well. Their totals are kept, their parts left out, and the table
    # says which figures it could not place.
    text = lines(
        "部门预算支出总表|单位：万元|科目编码|科目名称|合计|基本支出|项目支出",
        "合计|20.00|10.00|10.00",
        "201|一般公共服务支出|20.00|10.00|10.00",
        "2010101|行政运行|10.00|10.00",
        "2010102|一般行政管理事务|10.00|10.00",
    )
    table = detailed(text)
    got = values(table)
    assert got["2010101"] == {"total": 10.0}
    assert got["2010102"] == {"total": 10.0}
    assert got["201"] == {"total": 20.0, "basic": 10.0, "project": 10.0}
    assert any("undecided" in issue and "basic or project" in issue for issue in table.issues)


# --- space-aligned text: columns shifted by inserted spaces -----------------------------------

SPACE_PAGE = [
    "序号  功能分类科目                      合计    基本支出  项目支出",
    "      科目编码      科目名称",
]


def test_space_page_whose_shifted_figures_merge_columns_is_rebuilt_by_row_order() -> None:
    # Two pages (form feed). On each, inserted spaces and wide digits shift figures into the
    # neighbouring column's range, so the figures' extents overlap from column to column.
    page1 = [
        "部门预算支出总表",
        "单位：万元",
        *SPACE_PAGE,
        "1                   合计                417.18  1 35.６8    281.50",
        "2     201           一般公共 服务支出    387.35  1 05.85    28１.50",
        "3     2011101       行政 运行              105.85  10５.85",
        "4     2011102       一般行 政管理 事务      281.50             281.50",
    ]
    page2 = [
        *SPACE_PAGE,
        "5     208           社会保障和就业支出  29.83   29.83",
        "6     2080501       行政单位离退休      29.8 3     2９.83",
    ]
    table = detailed("\n".join(page1) + "\n\f" + "\n".join(page2))
    got = values(table)
    assert got["合计"] == {"total": 417.18, "basic": 135.68, "project": 281.5}
    assert got["2011101"] == {"total": 105.85, "basic": 105.85}
    assert got["2011102"] == {"total": 281.5, "project": 281.5}
    assert got["208"] == {"total": 29.83, "basic": 29.83}
    assert not table.issues


# --- PDF: pages on grids of their own ---------------------------------------------------------


def _pdf_row(page: int, top: float, cells: list[tuple[str, float, float]]) -> Row:
    made = tuple(Cell(t, 0, len(t), x0, x1, page, top, top + 9) for t, x0, x1 in cells)
    return Row(made, page, "pdf", top, top + 9)


def _region(kind: str, header: tuple[Row, ...], body: tuple[Row, ...]) -> TableRegion:
    return TableRegion(
        kind=kind,
        title="表",
        unit="万元",
        start=0,
        end=1,
        pages=tuple(sorted({r.page for r in body})),
        empty=False,
        title_start=0,
        header=header,
        body=body,
    )


def _economic_row(page: int, top: float, code: str, name: str, figures, rights) -> Row:
    cells = [(code, 36, 36 + 6 * len(code))] if code else []
    cells.append((name, 100, 100 + 9 * len(name)))
    cells += [(f, right - 5 * len(f), right) for f, right in zip(figures, rights, strict=True)]
    return _pdf_row(page, top, cells)


ECONOMIC_HEADER = (
    _pdf_row(
        1,
        80,
        [
            ("科目编码", 36, 72),
            ("科目名称", 100, 136),
            ("合计", 270, 288),
            ("人员经费", 312, 348),
            ("公用经费", 362, 398),
        ],
    ),
)


def test_pdf_page_that_prints_fewer_columns_is_matched_by_its_shift() -> None:
    # Page 2 is drawn 40 points further left and its rows fill only two of the three
    # columns: its figures line up with 合计 and 公用经费 shifted, not with the columns at
    # their page 1 positions.
    rights = (300, 350, 400)
    left = tuple(r - 40 for r in rights)
    body = (
        _economic_row(1, 100, "", "合计", ("30.00", "20.00", "10.00"), rights),
        _economic_row(1, 114, "301", "工资福利支出", ("20.00", "20.00"), rights[:2]),
        _economic_row(1, 128, "30101", "基本工资", ("20.00", "20.00"), rights[:2]),
        _economic_row(2, 100, "302", "商品和服务支出", ("10.00", "10.00"), left[::2]),
        _economic_row(2, 114, "30201", "办公费", ("10.00", "10.00"), left[::2]),
    )
    table = rebuild(_region("basic_expense_by_economic", ECONOMIC_HEADER, body))
    got = values(table)
    assert got["302"] == {"total": 10.0, "public": 10.0}
    assert got["30201"] == {"total": 10.0, "public": 10.0}
    assert got["301"] == {"total": 20.0, "personnel": 20.0}
    assert not table.issues


def test_pdf_header_on_another_grid_is_read_in_order() -> None:
    # The header's cells sit one column to the right of the figures below them (a table
    # whose header and body were laid out apart): a figure column under 科目编码 is not
    # plausible, so the labels that name columns are taken in order.
    header = (
        _pdf_row(
            1,
            80,
            [
                ("功能分类科目", 36, 88),
                ("合计", 99, 116),
                ("基本支出", 218, 253),
                ("项目支出", 266, 301),
                ("科目编码", 315, 350),
            ],
        ),
        _pdf_row(1, 92, [("科目名称", 36, 72)]),
    )
    rights = (256, 304, 353)
    body = (
        _economic_row(1, 100, "", "合计", ("30.00", "20.00", "10.00"), rights),
        _economic_row(1, 114, "201", "一般公共服务支出", ("30.00", "20.00", "10.00"), rights),
    )
    table = rebuild(_region("expense_by_function", header, body))
    assert [c.key for c in table.columns] == ["total", "basic", "project"]
    assert values(table)["201"] == {"total": 30.0, "basic": 20.0, "project": 10.0}


def test_pdf_one_named_column_drawn_at_several_places_is_one_column() -> None:
    header = (_pdf_row(1, 80, [("功能科目名称", 36, 90), ("金额", 153, 171)]),)
    body = (
        _economic_row(1, 100, "", "合计", ("30.00",), (292,)),
        _economic_row(1, 114, "201", "一般公共服务支出", ("30.00",), (292,)),
        _economic_row(1, 150, "20101", "人大事务", ("30.00",), (198,)),
        _economic_row(1, 190, "2010101", "行政运行", ("30.00",), (169,)),
    )
    table = rebuild(_region("expense_by_function", header, body))
    assert len(table.columns) == 1
    assert values(table)["2010101"] == {"total": 30.0}
    assert not table.issues


def test_pdf_column_numbers_and_page_numbers_are_not_figures() -> None:
    # A 栏次 row broken into pieces by a page break ("2 3 4 5 1", "4 5 费 14") and a page
    # number beside a wrapped name ("事务 4"): no figures, and no part of a row's name.
    header = ECONOMIC_HEADER
    rights = (300, 350, 400)
    body = (
        _pdf_row(
            1,
            90,
            [("2", 40, 45), ("3", 100, 105), ("4", 280, 285), ("5", 330, 335), ("1", 390, 395)],
        ),
        _economic_row(1, 100, "", "合计", ("30.00", "20.00", "10.00"), rights),
        _economic_row(1, 114, "301", "工资福利支出", ("20.00", "20.00"), rights[:2]),
        _economic_row(1, 128, "30101", "基本", ("20.00", "20.00"), rights[:2]),
        _pdf_row(1, 142, [("4", 40, 45), ("5", 60, 65), ("工资", 100, 118), ("14", 340, 350)]),
        _economic_row(1, 156, "302", "商品和服务支出", ("10.00", "10.00"), rights[::2]),
        _economic_row(1, 170, "30201", "办公费", ("10.00", "10.00"), rights[::2]),
        _pdf_row(1, 184, [("办公", 100, 118), ("4", 335, 340)]),
    )
    table = rebuild(_region("basic_expense_by_economic", header, body))
    got = values(table)
    assert set(got) == {"合计", "301", "30101", "302", "30201"}
    assert got["30101"] == {"total": 20.0, "personnel": 20.0}
    assert next(r for r in table.rows if r.total_row).name == "合计"
    assert not table.issues


def test_code_digits_drawn_against_the_name() -> None:
    cell = Cell("0101行政运行", 0, 8, 150, 200, 1)
    code, name = _glued_code("207", cell)
    assert (code, name.text) == ("2070101", "行政运行")
    assert _glued_code("207", Cell("01 文化和旅游", 0, 8, 150, 200, 1))[0] == "20701"
    # A year or a percentage at the start of a name is not a piece of the code.
    assert _glued_code("207", Cell("2019年新增项目", 0, 9, 150, 200, 1))[0] == "207"
    assert _glued_code("2070101", Cell("01行政运行", 0, 7, 150, 200, 1))[0] == "2070101"


# --- “三公”经费 tables with a two-row header --------------------------------------------------

THREE_PUBLIC_TOP = ["合计", "“三公”经费", "会议费", "培训费"]
THREE_PUBLIC_LEAVES = [
    "小计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
]
THREE_PUBLIC_WANT = {
    "合计": 257.21,
    "“三公”经费小计": 25.38,
    "因公出国（境）费": 0.0,
    "公务用车购置及运行维护费": 0.0,
    "公务用车购置费": 0.0,
    "公务用车运行维护费": 0.0,
    "公务接待费": 25.38,
    "会议费": 47.68,
    "培训费": 184.15,
}


def _three_public(table) -> dict[str, float]:
    return {r.name: round(r.values()["total"], 2) for r in table.rows}


def test_line_three_public_two_row_header_puts_the_group_leaves_in_its_place() -> None:
    # One cell per line, the header's top row first (合计, “三公”经费, 会议费, 培训费), then
    # the group's leaves: the figures follow the leaves' order, not the labels' order.
    text = "\n".join(
        [
            "“三公”经费、会议费、培训费支出预算表",
            "单位：万元",
            *THREE_PUBLIC_TOP,
            *THREE_PUBLIC_LEAVES,
            *"257.21|25.３8|0.00|0.0 0|0.00|0.00|25.3|8|47.68|184.|1５".split("|"),
        ]
    )
    table = detailed(text)
    assert _three_public(table) == THREE_PUBLIC_WANT
    assert not table.issues


# A wide “三公” table in space-aligned text: title, unit, the two header lines.
THREE_PUBLIC_SPACE_HEAD = (
    "“三公”经费、会议费、培训费支出预算表",
    "单位：万元",
    "合计          “三公”经费" + " " * 94 + "会议费      培训费",
    "              小计        因公出国（境）费  公务用车购置及运行维护费  公务用车购置费  "
    "公务用车运行维护费  公务接待费",
)


def test_space_wide_three_public_with_shifted_figures_reads_leaves_in_order() -> None:
    # Wide characters and inserted spaces push each figure right, past the label of the
    # next column (the 公务接待费 figure sits under 会议费).
    text = "\n".join(
        [
            *THREE_PUBLIC_SPACE_HEAD,
            "257.21          25.３8      0.00              0.0 0               0.00             "
            "0.00                25.38      47.68      184.15",
        ]
    )
    table = detailed(text)
    assert _three_public(table) == THREE_PUBLIC_WANT
    assert not table.issues


def test_pdf_column_label_beside_the_first_figures_is_a_header_cell() -> None:
    # The header's last label (项目支出) was printed on the line of the first figures, where
    # the 合计 label would be: it names the third column, and the row is the total.
    header = (_pdf_row(1, 80, [("合计", 36, 54), ("基本支出", 153, 188)]),)
    body = (
        _pdf_row(
            1,
            100,
            [
                ("项目支出", 36, 71),
                ("10963.61", 158, 189),
                ("10170.59", 199, 230),
                ("793.02", 239, 262),
            ],
        ),
    )
    table = rebuild(_region("expense_by_function", header, body))
    assert [c.key for c in table.columns] == ["total", "basic", "project"]
    assert values(table) == {"合计": {"total": 10963.61, "basic": 10170.59, "project": 793.02}}


def test_pdf_wrapped_header_label_goes_to_one_column_whole() -> None:
    # "项目支" / "出": the second line's piece reaches across the boundary between the basic
    # and the project column; the two lines are one label, over the project column.
    header = (
        _pdf_row(1, 70, [("合计", 246, 263), ("基本支出", 275, 310), ("项目支", 320, 347)]),
        _pdf_row(1, 80, [("出", 316, 324)]),
    )
    body = (
        _economic_row(1, 100, "", "合计", ("816.56", "789.76", "26.80"), (266, 311, 356)),
        _economic_row(1, 114, "213", "农林水支出", ("816.56", "789.76", "26.80"), (266, 311, 356)),
    )
    table = rebuild(_region("expense_by_function", header, body))
    assert [c.label for c in table.columns] == ["合计", "基本支出", "项目支出"]
    assert values(table)["213"] == {"total": 816.56, "basic": 789.76, "project": 26.8}


def test_pdf_labels_read_in_order_go_left_to_right_within_a_header_line() -> None:
    # The first figure column sits right of its label (合计 is printed left of the figures):
    # no label over it, so the labels are read in order; the cells of one header line have
    # tops a point apart (glyphs of different heights) and still read left to right.
    def cell(text: str, x0: float, x1: float, top: float) -> Cell:
        return Cell(text, 0, len(text), x0, x1, 1, top, top + 9)

    header = (
        Row(
            (
                cell("合计", 150, 169, 80.6),
                cell("基本支出", 252, 291, 80.2),
                cell("项目支出", 309, 348, 80.4),
                cell("单位预留机动经费", 367, 446, 79.9),
            ),
            1,
            "pdf",
            79.9,
            89.6,
        ),
    )
    body = (
        _pdf_row(
            1,
            100,
            [
                ("15897.44", 203, 239),
                ("7877.76", 261, 293),
                ("6333.96", 322, 353),
                ("1685.72", 417, 448),
            ],
        ),
    )
    table = rebuild(_region("expense_by_function", header, body))
    assert [c.label for c in table.columns] == ["合计", "基本支出", "项目支出", "单位预留机动经费"]
    assert values(table) == {"合计": {"total": 15897.44, "basic": 7877.76, "project": 6333.96}}
    assert not table.issues


def test_jiangsu_table_pdfs_pass_every_arithmetic_check() -> None:
    if not JIANGSU.is_dir():
        pytest.skip("../shared/corpora/jiangsu is absent")
    entries = report(sorted(JIANGSU.rglob("*.pdf")))
    with_tables = [e for e in entries if e.get("tables")]
    assert len(with_tables) >= 15
    bad = {e["doc"]: [t["issues"] for t in e["tables"] if t["issues"]] for e in with_tables}
    assert not any(bad.values()), bad


def test_ocr_decimal_point_lost_in_a_wide_three_public_row_is_restored_by_its_sums() -> None:
    # OCR read 156.60 as "15660" in a wide “三公” row: read as hundredths, every sum holds.
    text = "\n".join(
        [
            *THREE_PUBLIC_SPACE_HEAD,
            "2224.43         660.10      106.00            15660                               "
            "156.60              397.50     1282.56    281.77",
        ]
    )
    table = detailed(text)
    got = _three_public(table)
    assert got["公务用车购置及运行维护费"] == 156.6 and got["公务用车运行维护费"] == 156.6
    assert got["公务接待费"] == 397.5 and got["会议费"] == 1282.56
    assert not table.issues


@pytest.mark.parametrize(
    "text,value",
    [
        ("28:00", 28.0),  # a colon for the point
        ("28:0 0", 28.0),
        ("2,10", 2.1),  # a comma for the point: a thousands group has three digits
        ("10.,541.46", 10541.46),  # a point beside the thousands comma
        ("156.60.", 156.6),  # a stray point after the decimals
        ("1,234", 1234.0),
        ("12:3", None),
        ("9:30 上午", None),
    ],
)
def test_ocr_figure_punctuation_mended_only_into_a_figure(text: str, value) -> None:
    from ie.tables.money_cells import parse_figure

    assert parse_figure(text) == value
