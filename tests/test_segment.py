"""ie.segment: rows from every layout, table titles, regions, furniture, stitching."""

from __future__ import annotations

from pathlib import Path

import pytest

from ie.ingest import Document, Page, ingest
from ie.segment import digits, document_rows, segment, text_row, title_kind
from ie.text import squash_ascii as squash

ROOT = Path(__file__).resolve().parents[1]
REAL_TXT = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"
JIANGSU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"


def text_doc(text: str) -> Document:
    return Document("made.txt", "txt", text, (Page(1, 0, len(text)),), "0")


# --- titles -----------------------------------------------------------------------------------

TITLES = {
    "部门预算支出总表": "expense_by_function",
    "支出预算总表": "expense_by_function",
    "公开 05 表：财政拨款支出预算表（功能科目）": "expense_by_function",
    "部门预算一般公共预算财政拨款基本支出表": "basic_expense_by_economic",
    "一般公共预算基本支出预算表（经济科目）": "basic_expense_by_economic",
    "部门预算财政拨款“三公”经费支出表": "three_public",
    "“三公”经费、会议费、培训费支出预算表": "three_public",
    "部门预算收支总表": "income_expense_summary",
    "财政拨款收支预算总表": "income_expense_summary",
    "部门预算收入总表": "income_summary",
    "部门预算政府基金预算财政拨款支出表": "gov_fund_expense",
    "部门预算国有资本经营预算财政拨款支出表": "state_capital_expense",
    "部门政府采购预算": "procurement",
    "2019年政府采购预算表": "procurement",
    "部门固定资产占用情况表": "fixed_assets",
    "一般公共预算机关运行经费支出预算表": "other",
    "9一、收支预算总表": "income_expense_summary",
}
NOT_TITLES = [
    "一、收支预算总表情况说明",  # a prose heading about a table
    "款支出安排数与《财政拨款收支预算总表》的财政拨款数一致。",  # a mention in prose
    "2、党史办业务费绩效目标表",  # an indicator table, not a money table
    "第二部分 2019年度部门预算表",  # a part heading
    "六、政府采购预算情况",
]


@pytest.mark.parametrize("text,kind", TITLES.items())
def test_title_kinds(text: str, kind: str) -> None:
    found = title_kind(text)
    assert found is not None and found[0] == kind
    assert not found[1][0].isdigit() or found[1].startswith("2019")  # enumerators dropped


@pytest.mark.parametrize("text", NOT_TITLES)
def test_not_titles(text: str) -> None:
    assert title_kind(text) is None


# --- rows -------------------------------------------------------------------------------------


def test_tab_row_keeps_column_indices_and_offsets() -> None:
    line = "3\t2013 1\t党委 办公 厅\t590. 67\t\t590. 67"
    row = text_row(line, 100)
    assert row is not None and row.layout == "tab"
    assert [c.x0 for c in row.cells] == [0, 1, 2, 3, 5]  # the empty cell 4 still counts
    for c in row.cells:
        assert line[c.start - 100 : c.end - 100] == c.text


def test_space_row_uses_display_columns() -> None:
    row = text_row("201   一般公共服务支出    100.00", 0)
    assert row is not None and row.layout == "space"
    assert [c.text for c in row.cells] == ["201", "一般公共服务支出", "100.00"]
    assert row.cells[2].x0 == 3 + 3 + 16 + 4  # CJK characters are two columns wide


def test_one_cell_line() -> None:
    row = text_row("  合计  ", 10)
    assert row is not None and row.layout == "line" and row.cells[0].start == 12
    # Its indent is its position (a lone figure under its column in layout text).
    assert (row.cells[0].x0, row.cells[0].x1) == (2, 6)


# Lines that PDF-to-text tools print with single spaces between a table row's cells, and what
# each becomes: its cells, or None for a line that stays one cell.
WORD_ROWS = {
    "2013101 行政运行 8,072.29": ["2013101", "行政运行", "8,072.29"],
    "合计 24,458.43": ["合计", "24,458.43"],
    "1,471.70 508.20 70.00": ["1,471.70", "508.20", "70.00"],
    "功能科目代码 功能科目名称 金额": ["功能科目代码", "功能科目名称", "金额"],
    "合 计 基本支出 项目支出 单位预留机动经费 结转下年资金": [
        "合 计",  # a label spaced out is one cell
        "基本支出",
        "项目支出",
        "单位预留机动经费",
        "结转下年资金",
    ],
    "2018 年部门预算收入 24,458.43 万元": None,  # prose: a unit after the figure
    "收入 686.71 万元，比上年增加 12.50 万元。": None,  # sentence punctuation
    "0.0 0": None,  # one figure with a stray space
    "116 5.3７": None,
    "项目 支出": None,  # one label wrapped by a space
    "201 中国共产党卢龙县委员会办公室": None,  # alone, a department line
    "第二部分 专项资金绩效目标": None,
}


@pytest.mark.parametrize("line,cells", WORD_ROWS.items())
def test_single_space_table_rows(line: str, cells: list[str] | None) -> None:
    row = text_row(line, 100)
    assert row is not None and row.layout == "line"
    if cells is None:
        assert len(row.cells) == 1 and row.cells[0].text == line
    else:
        assert [c.text for c in row.cells] == cells
        for c in row.cells:
            assert line[c.start - 100 : c.end - 100] == c.text


def test_coded_line_splits_only_among_single_space_rows() -> None:
    # "2080505 580.01" (the name wrapped around it) and "201 一般公共服务支出" (no figure) are
    # table rows next to rows of cells; alone they are a broken figure and a department line.
    text = "\n".join(
        [
            "2080504 未归口管理的行政单位离退休 256.76",
            "机关事业单位基本养老保险缴费支",
            "2080505 580.01",
            "出",
            "201 一般公共服务支出",
            "20101 人大事务 100.00",
        ]
    )
    rows = document_rows(text_doc(text))
    assert [c.text for c in rows[2].cells] == ["2080505", "580.01"]
    assert [c.text for c in rows[4].cells] == ["201", "一般公共服务支出"]
    alone = document_rows(text_doc("单位：万元\n201 一般公共服务支出\n2080505 580.01\n"))
    assert all(len(r.cells) == 1 for r in alone)


def test_wrapped_title_joins_but_not_an_item_row_before_a_title() -> None:
    text = "\n".join(
        [
            "其他资金",
            "上年结转和结余资金",  # the 收入总表's last row, drawn before the next title
            "收入预算总表",
            "单位：万元",
            "项目名称 金额",
            "收入总计 100.00",
            "国有资本经营预算财政拨款支",  # a title wrapped over two lines
            "出表",
            "单位：万元",
            "科目编码 科目名称 金额",
            "合计 10.00",
        ]
    )
    sections = segment(text_doc(text))
    assert [(t.kind, t.title) for t in sections.tables] == [
        ("income_summary", "收入预算总表"),
        ("state_capital_expense", "国有资本经营预算财政拨款支出表"),
    ]
    # Titles after their tables (pypdfium2): 上年结转和结余资金 ends the 收入总表 just before
    # its title, and is not read as the start of a title "上年结转和结余资金收入预算总表".
    after = "\n".join(
        [
            "部门：某某厅 单位：万元",
            "项目名称 金额",
            "收入总计 100.00",
            "一般公共预算资金 100.00",
            "上年结转和结余资金",
            "收入预算总表",
            "单位：万元",
            "科目编码 科目名称 金额",
            "合计 100.00",
            "201 一般公共服务支出 100.00",
            "20101 人大事务 100.00",
            "财政拨款支出预算表",
        ]
    )
    sections = segment(text_doc(after))
    assert [(t.kind, t.title) for t in sections.tables] == [
        ("income_summary", "收入预算总表"),
        ("expense_by_function", "财政拨款支出预算表"),
    ]


# --- regions on the real example -------------------------------------------------------------


def test_real_example_regions() -> None:
    doc = ingest(REAL_TXT)
    sections = segment(doc)
    kinds = [t.kind for t in sections.tables]
    assert kinds == [
        "income_expense_summary",
        "income_summary",
        "expense_by_function",
        "income_expense_summary",
        "expense_by_function",
        "basic_expense_by_economic",
        "gov_fund_expense",
        "state_capital_expense",
        "three_public",
        "procurement",
        "fixed_assets",
    ]
    # The 目录 lists the same titles; none of them starts a table.
    assert sections.toc is not None
    assert all(t.start > sections.toc[1] for t in sections.tables)
    empty = {t.kind for t in sections.tables if t.empty}
    assert empty == {"gov_fund_expense", "state_capital_expense", "procurement"}
    assert all(t.unit == "万元" for t in sections.tables)
    for t in sections.tables:
        assert doc.text[t.start : t.end].lstrip().startswith(t.title[:2])
    assert sections.prose and any("说明" in p.title or p.title for p in sections.prose)


def test_real_example_drops_furniture_and_stitches_pages() -> None:
    doc = ingest(REAL_TXT)
    table = next(t for t in segment(doc).tables if t.title == "部门预算支出总表")
    # Two pages of 8 rows each; the repeated dept line, 预算年度, 单位 and header are gone.
    assert len(table.body) == 16
    assert all(r.layout == "tab" for r in table.body)
    assert not any(r.key.startswith(("预算年度", "单位:", "201中国")) for r in table.body)
    assert len(table.header) >= 2


MADE_UP = """二〇二四年部门预算公开目录
部门支出总表.....3
基本支出表.....4

部门支出总表
单位：元
序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出
1\t\t合计\t300.00\t200.00\t100.00
2\t201\t一般公共服务支出\t300.00\t200.00\t100.00
\f
某某局
单位：元
序号\t科目编码\t科目名称\t合计\t基本支出\t项目支出
3\t20101\t人大事务\t300.00\t200.00\t100.00

基本支出表
单位：元
序号\t科目编码\t科目名称\t合计\t人员经费\t公用经费
此表为空。
一、部门职责
本部门负责…，主要职责如下。
"""


def test_made_up_document() -> None:
    doc = ingest_text(MADE_UP)
    sections = segment(doc)
    assert [t.kind for t in sections.tables] == ["expense_by_function", "basic_expense_by_economic"]
    first, second = sections.tables
    assert first.unit == "元" and first.pages == (1, 2)
    assert [r.cells[0].text for r in first.body] == ["1", "2", "3"]
    assert second.empty and not second.body
    assert sections.prose[-1].title.startswith("一、部门职责")


def ingest_text(text: str) -> Document:
    pages, pos = [], 0
    for n, chunk in enumerate(text.split("\f"), 1):
        pages.append(Page(n, pos, pos + len(chunk)))
        pos += len(chunk) + 1
    return Document("made.txt", "txt", text, tuple(pages), "0")


# --- PDF geometry -----------------------------------------------------------------------------


def _pdf(tmp_path: Path, rotate: int) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / f"table_{rotate}.pdf"
    c = canvas.Canvas(str(path))
    c.setPageRotation(rotate)
    c.setFont("STSong-Light", 10)
    # Drawn out of reading order on purpose: the title comes last, as in many real PDFs.
    rows = [
        (700, [(60, "科目编码"), (160, "科目名称"), (330, "合计"), (420, "基本支出")]),
        (680, [(60, "201"), (160, "一般公共服务支出"), (300, "1,234.50"), (400, "1,000.00")]),
        (660, [(60, "20101"), (160, "人大事务"), (300, "1,234.50"), (400, "1,000.00")]),
        (740, [(60, "部门：某某局"), (420, "单位：万元")]),
        (770, [(200, "财政拨款支出预算表")]),
    ]
    for y, cells in rows:
        for x, text in cells:
            c.drawString(x, y, text)
    c.save()
    return path


@pytest.mark.parametrize("rotate", [0, 90])
def test_pdf_rows_come_out_upright_and_in_reading_order(tmp_path: Path, rotate: int) -> None:
    doc = ingest(_pdf(tmp_path, rotate))
    rows = document_rows(doc)
    texts = [r.text for r in rows]
    assert texts[0] == "财政拨款支出预算表"
    assert "201 一般公共服务支出 1,234.50 1,000.00" in texts
    for r in rows:
        for c in r.cells:
            assert doc.text[c.start : c.end].replace(" ", "").startswith(c.text[0])
    table = segment(doc).tables[0]
    assert table.kind == "expense_by_function" and len(table.body) == 2


# --- the Jiangsu PDFs (../shared) -------------------------------------------------------------


def _jiangsu(name: str) -> Path:
    if not JIANGSU.is_dir():
        pytest.skip("../shared/corpora/jiangsu is absent")
    found = sorted(JIANGSU.glob(f"*/{name}"))
    if not found:
        pytest.skip(f"{name} not in ../shared")
    return found[0]


def test_jiangsu_table_pdf_regions() -> None:
    doc = ingest(_jiangsu("江苏省人大常委会办公厅2019年部门预算公开表.pdf"))  # pages rotated 90°
    kinds = [t.kind for t in segment(doc).tables]
    assert kinds.count("expense_by_function") == 3
    assert kinds.count("basic_expense_by_economic") == 2
    assert "three_public" in kinds and "procurement" in kinds


def test_jiangsu_prose_only_pdf_has_no_tables() -> None:
    doc = ingest(_jiangsu("江苏省政协办公厅2019年度部门预算.pdf"))
    sections = segment(doc)
    assert sections.tables == () and sections.toc is not None and sections.prose


@pytest.mark.parametrize(
    "text,fixed",
    [
        ("2O80５05", "2080505"),
        ("280 .S８", "280.58"),
        ("1，534.71", "1,534.71"),
        ("l.", "1."),
        ("行政运行", "行政运行"),
        ("IT服务", "IT服务"),
    ],
)
def test_digits_fixes_ocr_letters_only_in_numbers(text: str, fixed: str) -> None:
    assert digits(text, 0) == fixed


# --- PDF cells split by geometry ---------------------------------------------------------------


def _row_pdf(
    tmp_path: Path, rows: list[tuple[float, list[tuple[float, str]]]], size: float
) -> Path:
    """A one-page PDF with each (y, [(x, text), …]) drawn as separate strings (one per cell)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "cells.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", size)
    for y, cells in rows:
        for x, text in cells:
            c.drawString(x, y, text)
    c.save()
    return path


def _right_of(text: str, x: float, size: float, gap: float) -> float:
    """The x where a cell starts `gap` points after `text` drawn at x."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    return x + pdfmetrics.stringWidth(text, "STSong-Light", size) + gap


def test_pdf_cell_is_not_split_at_bracket_ink_or_inner_spaces(tmp_path: Path) -> None:
    # Full-width brackets have narrow ink at one side of their em square, and a space typed
    # into a cell leaves a quarter-em gap: neither is a cell gap.
    size = 9.0
    a, b, c = "数量指标", "宁通字（2012）82号文件", "≥60%"
    d, e = "满意度指标", "宁通 字（20 12）82号"
    rows = [
        (700, [(60, a), (130, b), (_right_of(b, 130, size, size), c)]),
        (680, [(60, d), (130, e), (_right_of(e, 130, size, size), "426151.00")]),
    ]
    doc = ingest(_row_pdf(tmp_path, rows, size))
    got = [[cell.text for cell in row.cells] for row in document_rows(doc)]
    assert got == [[a, b, c], [d, e, "426151.00"]]


def test_pdf_neighbouring_cells_a_few_points_apart_are_split(tmp_path: Path) -> None:
    # One em between text cells (a tight table), and a right-aligned figure only a few points
    # before the next column's label: each is a cell boundary, though narrower than 1.5 glyphs.
    size = 9.0
    x2 = _right_of("满意度指标", 60, size, size)
    x3 = _right_of("服务对象满意度指标", x2, size, size)
    x4 = _right_of("代表委员满意度", x3, size, size)
    rows = [
        (
            700,
            [(60, "满意度指标"), (x2, "服务对象满意度指标"), (x3, "代表委员满意度"), (x4, "≥96%")],
        ),
        (
            680,
            [
                (60, "一、财政拨款"),
                (150, "20,702.25"),
                (_right_of("20,702.25", 150, size, 4), "一、一般公共服务支出"),
            ],
        ),
    ]
    doc = ingest(_row_pdf(tmp_path, rows, size))
    got = [[cell.text for cell in row.cells] for row in document_rows(doc)]
    assert got == [
        ["满意度指标", "服务对象满意度指标", "代表委员满意度", "≥96%"],
        ["一、财政拨款", "20,702.25", "一、一般公共服务支出"],
    ]
    for row in document_rows(doc):
        for cell in row.cells:
            assert squash(doc.text[cell.start : cell.end]) == squash(cell.text)


# --- one-cell-per-line tables: page breaks and where the figures start ------------------------


def _line_region(*cells: str):
    (region,) = segment(ingest_text("\n".join(cells))).tables
    return region


def test_line_table_reports_its_page_breaks() -> None:
    # The header repeated after a page (no form feed) and a form feed are both breaks: the
    # index into the body of the first row of the new page.
    head = ["科目编码", "科目名称", "合计"]
    region = _line_region(
        "一般公共预算支出表",
        "单位：万元",
        *head,
        "合计",
        "10.00",
        "201",
        "一般公共",
        *head,
        "服务支出",
        "10.00",
        "\f202",
        "外交支出",
        "0.00",
    )
    keys = [r.key for r in region.body]
    assert keys[region.breaks[0]] == "服务支出"
    assert keys[region.breaks[1]] == "202"
    assert "科目编码" not in keys


def test_line_table_starts_at_total_label_before_a_broken_figure() -> None:
    # "合计" then "3" + "0.47": the 3 is the start of a figure, not a 序号, so 合计 opens the
    # body instead of staying in the header.
    region = _line_region(
        "一般公共预算支出表", "单位：万元", "科目编码", "科目名称", "合计", "合计", "3", "0.47"
    )
    assert [r.key for r in region.header][-1] == "合计"
    assert [r.key for r in region.body] == ["合计", "3", "0.47"]
    region = _line_region(
        "一般公共预算支出表", "单位：万元", "科目名称", "金额", "总计", "2,04", "7.66"
    )
    assert [r.key for r in region.body] == ["总计", "2,04", "7.66"]
    # A 序号 and a code after the last label (合计) of the header: the label stays there.
    region = _line_region(
        "一般公共预算支出表",
        "单位：万元",
        "科目编码",
        "科目名称",
        "合计",
        "1",
        "201",
        "一般",
        "7.66",
    )
    assert [r.key for r in region.header][-1] == "合计"
    assert [r.key for r in region.body][:2] == ["1", "201"]


def test_part_heading_after_a_table_ends_it_even_in_cells() -> None:
    text = (
        "政府采购预算表\n单位：万元\n采购品目\t金额\n合计\t12.00\n办公设备\t12.00\n"
        "第三部分\t省检察院\t2017\t年度部门预算情况说明\n"
    )
    (region,) = segment(ingest_text(text)).tables
    assert [r.cells[0].text for r in region.body] == ["合计", "办公设备"]


def test_page_number_line_between_tab_rows_is_furniture() -> None:
    # Text without form feeds: the page number sits alone between two tab rows (then a blank
    # line), where it would cut the table's rows in two.
    text = (
        "财政拨款基本支出预算表\n单位：元\n科目编码\t科目名称\t金额\n\t总计\t300.00\n"
        "30206\t电费\t100.00\n2\n\n30207\t邮电费\t200.00\n"
    )
    (region,) = segment(ingest_text(text)).tables
    assert [r.cells[0].text for r in region.body] == ["总计", "30206", "30207"]
