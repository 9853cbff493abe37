"""Indicator tables (绩效目标表) from tab, flattened, space-aligned and PDF layouts."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ie.ingest import ingest
from ie.tables.indicators import (
    indicator_tables,
    infer_level1,
    parse_target,
    redaction_marker,
)

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325"
KEYS = ("level1", "level2", "level3", "target", "basis")


def _norm(s: str | None) -> str | None:
    if s is None:
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    return s.replace(">=", "≥").replace("<=", "≤")


def _tuples(path: Path) -> set[tuple]:
    out = set()
    for t in indicator_tables(ingest(path)):
        for r in t.rows:
            v = r.values()
            out.add((_norm(t.project), *(_norm(v[k]) for k in KEYS)))
    return out


@pytest.fixture(scope="module")
def gold_tuples() -> set[tuple]:
    gold = json.loads(REAL.with_suffix(".gold.json").read_text(encoding="utf-8"))
    return {(_norm(i["project"]), *(_norm(i[k]) for k in KEYS)) for i in gold["indicators"]}


@pytest.fixture(scope="module")
def section() -> str:
    """The 绩效目标表 part of the real text (tab-separated cells)."""
    text = REAL.with_suffix(".txt").read_text(encoding="utf-8")
    return text[text.index("第三部分 预算项目绩效目标") : text.rindex("六、政府采购预算情况")]


@pytest.mark.parametrize(
    ("target", "op", "value", "unit"),
    [
        ("≥2000 本", "≥", 2000, "本"),
        ("100%", None, 100, "%"),
        ("12月31日前", None, None, None),
        ("2022年12月31日前", None, None, None),
        ("≤350 元/人/天", "≤", 350, "元/人/天"),
        ("20万元", None, 20, "万元"),
        (">=90%", "≥", 90, "%"),
        ("＞3 次", ">", 3, "次"),
        ("2 天内办结", None, 2, "天"),
        ("1,200人次", None, 1200, "人次"),
        ("不公开", None, None, None),
        ("圆满完成", None, None, None),
    ],
)
def test_parse_target(target, op, value, unit) -> None:
    parsed = parse_target(target)
    assert (parsed.op, parsed.value, parsed.unit) == (op, value, unit)


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("不公开", "不公开"),
        ("1.不公开", "不公开"),
        ("涉密。", "涉密"),
        ("保密局业务费", None),
        ("", None),
    ],
)
def test_redaction_marker(text, marker) -> None:
    assert redaction_marker(text) == marker


def test_infer_level1() -> None:
    assert infer_level1("时效指标") == "产出指标"
    assert infer_level1("可持续影响指标") == "效益指标"
    assert infer_level1("服务对象满意度指标") == "满意度指标"
    assert infer_level1("经济成本指标") == "成本指标"
    assert infer_level1("印刷数量") is None


def test_real_tab_tables(gold_tuples) -> None:
    doc = ingest(REAL.with_suffix(".txt"))
    tables = indicator_tables(doc)
    assert len(tables) == 12
    assert _tuples(REAL.with_suffix(".txt")) == gold_tuples
    by_name = {t.project: t for t in tables}
    # A goal row withheld, every indicator cell withheld, a table with a goal but no rows.
    secret = by_name["国安办业务经费"]
    assert secret.goal_marker == "不公开" and secret.indicator_marker == "不公开"
    assert all(r.redacted for r in secret.rows) and len(secret.rows) == 6
    assert by_name["机要局业务费"].rows == ()
    # <p> tags and the gaps between numbered items are gone from goals.
    goal = by_name["招商争取资金经费"].goal
    assert goal is not None and "<p>" not in goal.text and "。2." in goal.text
    # Every cell points back at its source text.
    for t in tables:
        assert t.title.text in re.sub(r"\s", "", doc.text[t.title.start : t.title.end])
        for r in t.rows:
            for f in ("level3", "description", "target", "basis"):
                cell = getattr(r, f)
                assert cell is not None
                assert re.sub(r"\s", "", cell.text) in re.sub(
                    r"\s", "", doc.text[cell.start : cell.end]
                )


def test_flattened_one_cell_per_line(tmp_path, section, gold_tuples) -> None:
    """Every non-empty cell on its own line, long cells wrapped every 9 characters."""
    out = []
    for line in section.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        for cell in (c.strip() for c in line.split("\t")):
            if cell.startswith(("1.", "<p>")):
                out.append(cell)
                continue
            while len(cell) > 9:
                out.append(cell[:9])
                cell = cell[9:]
            if cell:
                out.append(cell)
    path = tmp_path / "flat.txt"
    path.write_text("\n".join(out), encoding="utf-8")
    assert _tuples(path) == gold_tuples


def test_space_aligned_columns(tmp_path, section, gold_tuples) -> None:
    lines = []
    for line in section.split("\n"):
        cells = line.split("\t")
        lines.append("".join(c.ljust(18, "\u3000") for c in cells[:-1]) + cells[-1])
    path = tmp_path / "space.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert _tuples(path) == gold_tuples


def test_flattened_cost_level1_framework(tmp_path) -> None:
    """成本指标 as a 一级指标 (2021 framework) when a 二级 term follows it."""
    text = "\n".join(
        [
            "1、设备购置项目绩效目标表",
            "绩效目标",
            "完成设备购置。",
            *"一级指标 二级指标 三级指标 指标值 指标值确定依据".split(),
            "产出指标", "数量指标", "购置台数", "≥10 台", "年度计划",
            "成本指标", "经济成本指标", "单台成本", "≤0.8万元", "市场价格",
            "满意度指标", "服务对象满意度指标", "使用人员满意度", "≥90%", "问卷调查",
        ]
    )  # fmt: skip
    path = tmp_path / "cost.txt"
    path.write_text(text, encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    assert table.project == "设备购置项目"
    assert table.goal is not None and table.goal.text == "完成设备购置。"
    rows = [r.values() for r in table.rows]
    assert [(r["level1"], r["level2"], r["target"]) for r in rows] == [
        ("产出指标", "数量指标", "≥10 台"),
        ("成本指标", "经济成本指标", "≤0.8万元"),
        ("满意度指标", "服务对象满意度指标", "≥90%"),
    ]
    assert rows[0]["description"] is None  # the table has no 描述 column


def test_generic_title_takes_project_name_row(tmp_path) -> None:
    text = "\n".join(
        [
            "项目支出绩效目标表",
            "项目名称\t农村公路养护经费",
            "年度绩效目标\t完成养护任务",
            "一级指标\t二级指标\t三级指标\t指标值",
            "产出指标\t数量指标\t养护里程\t≥50公里",
            "\t时效指标\t完成时间\t12月底前",
        ]
    )
    path = tmp_path / "generic.txt"
    path.write_text(text, encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    assert table.project == "农村公路养护经费"
    assert [r.values()["level1"] for r in table.rows] == ["产出指标", "产出指标"]
    assert table.rows[0].target_parsed.value == 50


@pytest.mark.parametrize(
    ("title", "project"),
    [
        ("1、森林防火项目项目绩效目标表", "森林防火项目"),
        ("2、设备购置项目绩效目标表", "设备购置项目"),
        ("3、档案整理业务费项目绩效目标表", "档案整理业务费"),
    ],
)
def test_title_names_the_project(tmp_path, title, project) -> None:
    text = "\n".join(
        [title, "一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t巡查次数\t≥12次"]
    )
    path = tmp_path / "title.txt"
    path.write_text(text, encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    assert table.project == project


def test_pdf_table_with_wrapped_and_centred_cells(tmp_path) -> None:
    """A drawn table: a 描述 cell wrapped over two lines with the other cells centred on it,
    and a merged 一级 cell printed once in the middle of its span."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "ind.pdf"
    c = canvas.Canvas(str(path), pagesize=(620, 842))
    c.setFont("STSong-Light", 9)

    def put(x: float, y: float, s: str) -> None:
        c.drawString(x, 842 - y, s)

    put(40, 60, "3、道路养护项目经费绩效目标表")
    put(40, 90, "绩效目标")
    put(190, 86, "1.完成道路养护120公里，保障通行安全；")
    put(190, 98, "2.提升路况水平。")
    cols = [40, 110, 200, 300, 420, 500]
    for x, h in zip(
        cols,
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        strict=True,
    ):
        put(x, 120, h)
    rows = [
        (None, "数量指标", "养护里程", ["全年完成道路日常养护", "里程数"], "≥120 公里", "年度计划"),
        ("产出指标", "质量指标", "养护合格率", ["养护工程验收合格率"], "≥95%", "行业标准"),
        (None, "时效指标", "完成时间", ["按计划完成养护任务"], "12月31日前", "年度计划"),
        ("效益指标", "社会效益指标", "通行安全", ["保障群众安全便捷出行，", "减少交通事故"],
         "有效保障", "历史经验"),
    ]  # fmt: skip
    y = 140.0
    for l1, l2, l3, desc, target, basis in rows:
        height = 14 * len(desc) + 8
        mid = y + height / 2
        if l1:
            put(cols[0], mid + 12 if l1 == "产出指标" else mid, l1)
        put(cols[1], mid, l2)
        put(cols[2], mid, l3)
        for k, line in enumerate(desc):
            put(cols[3], mid - 7 * (len(desc) - 1) + 14 * k, line)
        put(cols[4], mid, target)
        put(cols[5], mid, basis)
        y += height
    c.save()
    (table,) = indicator_tables(ingest(path))
    assert table.project == "道路养护项目经费"
    assert table.goal is not None and table.goal.text.startswith("1.完成道路养护")
    got = [tuple(_norm(v) for v in r.values().values()) for r in table.rows]
    assert got[0] == (
        "产出指标",
        "数量指标",
        "养护里程",
        "全年完成道路日常养护里程数",
        "≥120公里",
        "年度计划",
    )
    assert got[3][0] == "效益指标" and got[3][3] == _norm("保障群众安全便捷出行，减少交通事故")
    assert [g[0] for g in got] == ["产出指标"] * 3 + ["效益指标"]


def _rows_of(path: Path) -> list[tuple]:
    (table,) = indicator_tables(ingest(path))
    return [(table.project, *(_norm(r.values()[k]) for k in KEYS)) for r in table.rows]


def test_cell_layout_wrapped_terms_numbers_and_units(tmp_path) -> None:
    """One cell per line, cells wrapped at their column width: terms (`满意` `度指` `标`), a
    target cut inside its number (`10` `0%`) or before its unit (`10人` `次`), a 三级 cell
    that its 描述 restates, and a `…费项目绩效目标表` title (项目 belongs to the title)."""
    text = "\n".join(
        [
            "1、档案数字化业务费项目绩效目标表",
            "绩效目标",
            "完成档案数字化。",
            *"一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据".split(),
            "产出指标", "数量指", "标",
            "验收合", "格率", "验收", "合格", "率", "10", "0%", "《档案", "法》",
            "培训人次", "确保培训人", "次达标", "10人", "次", "采购", "合同",
            "满意", "度指", "标", "服务对象", "满意度指", "标",
            "群众满意度", "全年群众满意度", "≥95", "%", "计划标准",
        ]
    )  # fmt: skip
    path = tmp_path / "cell.txt"
    path.write_text(text, encoding="utf-8")
    assert _rows_of(path) == [
        ("档案数字化业务费", "产出指标", "数量指标", "验收合格率", "100%", "《档案法》"),
        ("档案数字化业务费", "产出指标", "数量指标", "培训人次", "10人次", "采购合同"),
        ("档案数字化业务费", "满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "计划标准"),
    ]


def test_space_layout_with_drifting_columns(tmp_path) -> None:
    """Cells two spaces apart whose positions drift right (spaces inside cells), merged
    一级/二级 cells left blank, and 成本指标 read as the 二级 term of the carried 产出指标."""
    text = "\n".join(
        [
            "2、会议保障专项资金绩效目标表",
            "绩效目标  提高会议保障 工作水平。",
            "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据",
            "产出指标  数量 指标  检查 次数  全年 检查 次数  24 次  《党 政机 关厉 行节 约条 例》",
            "    培训人次  培训人次  ≥24人次  京密委发〔2018〕120号文",
            "  成本指标  会议 成本  会议成本  ≤350 元/人/天  部门标准",
            "效益指 标  社会效益指标  群众获得感  群众获得感  有效 提升  工作 计划",
        ]
    )
    path = tmp_path / "space.txt"
    path.write_text(text, encoding="utf-8")
    p = "会议保障专项资金"
    assert _rows_of(path) == [
        (p, "产出指标", "数量指标", "检查次数", "24次", "《党政机关厉行节约条例》"),
        (p, "产出指标", "数量指标", "培训人次", "≥24人次", "京密委发〔2018〕120号文"),
        (p, "产出指标", "成本指标", "会议成本", "≤350元/人/天", "部门标准"),
        (p, "效益指标", "社会效益指标", "群众获得感", "有效提升", "工作计划"),
    ]


def test_layout_text_counted_by_character_keeps_wrapped_pieces_under_their_column(
    tmp_path,
) -> None:
    """pdftotext -layout places text by character (a CJK character one column): a wrapped
    cell's last line stands under its own column by character count, far left of it by
    display width. The document's money table tells which (`ie.segment.grid_width`)."""

    def line(*cells: tuple[int, str]) -> str:
        out = ""
        for col, text in cells:
            out = out.ljust(col) + text
        return out

    money = ["支出预算总表", "单位：万元", line((5, "项目"), (28, "合计"), (40, "基本支出"))]
    names = ["一般公共服务支出", "人大事务", "行政运行", "社会保障和就业支出", "住房公积金"] * 3
    for k, name in enumerate(names):  # figures end at one character column, names any width
        money.append(line((5, name), (26, f"{10 + k}.00".rjust(8)), (38, f"{k}.00".rjust(8))))
    cols = (0, 8, 21, 33, 51, 61)
    head = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    first = ["产出指标", "时效指标", "资金拨付及时率", "党外人士培训工作资金拨付", "≥96%"]
    second = ["效益指标", "可持续影响指标", "长效管理机制", "确保长效管理机制达标", "逐步完善"]
    table = ["1、党外人士培训经费绩效目标表", line(*zip(cols, head, strict=True))]
    table += [line(*zip(cols, [*first, "年度工作要点"], strict=True)), line((33, "及时率"))]
    table += [line(*zip(cols, [*second, "浙委发〔2015〕89号"], strict=True)), line((61, "文"))]
    path = tmp_path / "layout.txt"
    path.write_text("\n".join([*money, "", "", *table]), encoding="utf-8")
    p = "党外人士培训经费"
    assert _rows_of(path) == [
        (p, "产出指标", "时效指标", "资金拨付及时率", "≥96%", "年度工作要点"),
        (p, "效益指标", "可持续影响指标", "长效管理机制", "逐步完善", "浙委发〔2015〕89号文"),
    ]


def test_space_layout_header_wrapped_in_narrow_columns(tmp_path) -> None:
    """A header whose narrow cells wrap (`指标` / `值`, `指标值确定依` / `据`) in layout text:
    the tails join their header cells, so 指标值确定依据 is a column and the withheld rows keep
    all four markers (a target wrapped the same way, `不公` / `开`, stays one cell)."""
    from ie.text import display_width

    def line(*cells: tuple[int, str]) -> str:
        out = ""
        for col, text in cells:
            out += " " * max(1, col - display_width(out)) + text if out else " " * col + text
        return out

    cols = (0, 12, 28, 40, 54, 62)
    head = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标", "指标值确定依"]
    rows = [
        ["产出指标", "数量指标", "不公开", "不公开", "不公", "不公开"],
        ["", "质量指标", "不公开", "不公开", "不公", "不公开"],
    ]
    table = ["6、党建工作项目绩效目标表", "", line((0, "绩效目标"), (40, "不公开"))]
    table += [line(*zip(cols, head, strict=True)), line((54, "值"), (62, "据"))]
    for row in rows:
        table += [line(*((c, t) for c, t in zip(cols, row, strict=True) if t)), line((54, "开"))]
    path = tmp_path / "space.txt"
    path.write_text("\n".join(table), encoding="utf-8")
    p = "党建工作项目"
    assert _rows_of(path) == [
        (p, "产出指标", "数量指标", "不公开", "不公开", "不公开"),
        (p, "产出指标", "质量指标", "不公开", "不公开", "不公开"),
    ]


def test_flat_split_stays_polynomial() -> None:
    """A long run of one-character lines (no term to cut it) is split quickly."""
    import time

    from ie.tables.indicators import _Cell, _split_lines

    lines = [_Cell(ch, i, i + 1, 0, 0) for i, ch in enumerate("甲乙丙丁戊己庚辛壬癸" * 8)]
    start = time.perf_counter()
    rows = _split_lines(lines, ["level3", "description", "target", "basis"])
    assert time.perf_counter() - start < 5
    assert rows and all(set(r) <= {"level3", "description", "target", "basis"} for r in rows)


def test_wrapped_terms_rejoin_without_swallowing_a_cell() -> None:
    from ie.tables.indicators import _Cell, _merge_wrapped_terms

    cells = [_Cell(t, 0, 0, 0, 0) for t in ["预算批复", "效益指", "标", "生态效益", "指标", "节能"]]
    assert [c.text for c in _merge_wrapped_terms(cells)] == [
        "预算批复",
        "效益指标",
        "生态效益指标",
        "节能",
    ]


def test_merged_header_and_leading_term_cells_are_split() -> None:
    """PDF rows where cells closer than the splitter's gap came out as one cell."""
    from ie.tables.indicators import _Cell, _split_header_cell, _split_leading_terms

    head = _Cell("三级指标 绩效指标描述 指标值", 100, 116, 138.0, 298.0)
    parts = _split_header_cell(head)
    assert [p.text for p in parts] == ["三级指标", "绩效指标描述", "指标值"]
    assert parts[0].x0 == 138.0 and parts[0].x1 < parts[1].x0 < parts[2].x0 < 298.0
    assert [(p.start, p.end) for p in parts] == [(100, 104), (105, 111), (112, 115)]
    row = [_Cell("满意度指标 服务对象满意度 指标 群众满意度", 0, 25, 36.0, 238.0)]
    assert [c.text for c in _split_leading_terms(row)] == [
        "满意度指标",
        "服务对象满意度 指标",
        "群众满意度",
    ]


def test_goal_label_and_marker_in_one_cell(tmp_path) -> None:
    text = "\n".join(
        [
            "1、信息化专项经费绩效目标表",
            "绩效目标 保密",
            "一级指标\t二级指标\t三级指标\t指标值",
            "产出指标\t数量指标\t保密\t保密",
        ]
    )
    path = tmp_path / "goal.txt"
    path.write_text(text, encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    assert table.goal_marker == "保密" and table.indicator_marker == "保密"


def test_pdf_cells_wrapped_in_narrow_columns(tmp_path) -> None:
    """A drawn table on a column grid: header cells wrapped (`指标` / `值`, `指标值确定依` /
    `据`), a narrow 指标值 column wrapping `不公开` and `≥95%` over two lines with the other
    cells on the first line, and rows whose widest cells sit on consecutive lines (not a wrap)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "narrow.pdf"
    c = canvas.Canvas(str(path), pagesize=(620, 842))
    c.setFont("STSong-Light", 9)

    def put(x: float, y: float, s: str) -> None:
        c.drawString(x, 842 - y, s)

    put(40, 60, "2、档案整理经费绩效目标表")
    put(40, 88, "绩效目标")
    put(230, 88, "完成档案整理任务。")
    cols = [40, 95, 185, 260, 345, 375]
    header = [["一级指标"], ["二级指标"], ["三级指标"], ["绩效指标描述"], ["指标", "值"],
              ["指标值确定依", "据"]]  # fmt: skip
    for x, pieces in zip(cols, header, strict=True):
        for k, piece in enumerate(pieces):
            put(x, 110 + 14 * k, piece)
    rows = [
        ("产出指标", "数量指标", "整理卷数", "整理档案卷数", ["不公", "开"], "年度计划"),
        (None, "质量指标", "档案整理合格率", "整理合格率达标", ["≥9", "5%"], "行业标准"),
        (None, "时效指标", "完成时间", "按时完成", ["6月", "前"], "年度计划"),
        ("效益指标", "社会效益指标", "档案利用便捷", "查阅更加便捷", ["有效"], "历史经验"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "满意度", ["≥9", "0%"], "历史经验"),
    ]  # fmt: skip
    y = 140.0
    for l1, l2, l3, desc, target, basis in rows:
        for x, text in zip(cols, (l1, l2, l3, desc, None, basis), strict=True):
            if text:
                put(x, y, text)
        for k, piece in enumerate(target):
            put(cols[4], y + 14 * k, piece)
        y += 14 * len(target)
    c.save()
    (table,) = indicator_tables(ingest(path))
    assert table.project == "档案整理经费"
    got = [tuple(_norm(v) for v in r.values().values()) for r in table.rows]
    assert got == [
        ("产出指标", "数量指标", "整理卷数", "整理档案卷数", "不公开", "年度计划"),
        ("产出指标", "质量指标", "档案整理合格率", "整理合格率达标", "≥95%", "行业标准"),
        ("产出指标", "时效指标", "完成时间", "按时完成", "6月前", "年度计划"),
        ("效益指标", "社会效益指标", "档案利用便捷", "查阅更加便捷", "有效", "历史经验"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "满意度", "≥90%", "历史经验"),
    ]


@pytest.mark.parametrize("layout", ["tab", "cell", "space"])
def test_comparison_printed_in_its_own_column(tmp_path, layout) -> None:
    """指标性质 / 指标值 / 度量单位 columns (`≥` `500` `人次`): the target reads as the three
    written together, so its op is the one printed; 定性 is no comparison."""
    header = "一级指标 二级指标 三级指标 指标性质 指标值 度量单位".split()
    rows = [
        ["产出指标", "数量指标", "培训人次", "≥", "500", "人次"],
        ["", "质量指标", "合格率", "大于等于", "95", "%"],
        ["效益指标", "社会效益指标", "能力提升", "定性", "明显提升", ""],
    ]
    lines = ["1、教师培训经费绩效目标表", "年度绩效目标", "完成教师培训。"]
    if layout == "cell":
        lines += [c for row in [header, *rows] for c in row if c]
    else:
        for row in [header, *rows]:
            if layout == "tab":
                lines.append("\t".join(row))
            else:  # columns 8 full-width characters apart, an empty cell left blank
                lines.append("".join(c.ljust(8, "\u3000") for c in row[:-1]) + row[-1])
    path = tmp_path / f"{layout}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    got = [(r.values()["level3"], r.values()["target"], r.target_parsed.op) for r in table.rows]
    assert got == [
        ("培训人次", "≥500人次", "≥"),
        ("合格率", "≥95%", "≥"),
        ("能力提升", "明显提升", None),
    ]


_FORM = [
    ("{n}、2024年项目支出绩效目标申报表",),
    ("填报单位：", "某县农业农村局"),
    ("项目名称", "高标准农田建设项目经费"),
    ("主管部门", "某县农业农村局", "实施单位", "某县农业农村局"),
    ("项目资金（元）", "年度资金总额", "1,200,000.00"),
    ("", "其中：财政拨款", "1,200,000.00"),
    ("年度总体目标", "完成高标准农田建设2000亩。"),
    ("一级指标", "二级指标", "三级指标", "指标值"),
    ("产出指标", "数量指标", "建设面积", "≥2000亩"),
    ("", "", "验收合格率", "100%"),
    ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%"),
]
_FORM_ROWS = [
    ("产出指标", "数量指标", "建设面积", "≥2000亩"),
    ("产出指标", "数量指标", "验收合格率", "100%"),
    ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%"),
]


@pytest.mark.parametrize("layout", ["tab", "cell"])
def test_national_project_form(tmp_path, layout) -> None:
    """The national project form (项目支出绩效目标申报表): a generic title, a header block whose
    项目名称 names the project (on the next line, wrapped, when one cell is one line), and a
    grid without 绩效指标描述 and 指标值确定依据."""
    lines = []
    for n, row in enumerate(_FORM):
        cells = [c.format(n=n + 1) for c in row]
        if row[0] == "项目名称" and layout == "cell":
            cells = ["项目名称", "高标准农田", "建设项目经费"]  # the name wrapped in its cell
        if layout == "tab":
            lines.append("\t".join(cells))
        else:
            lines += [c for c in cells if c]
    path = tmp_path / "form.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (table,) = indicator_tables(ingest(path))
    assert _norm(table.project) == "高标准农田建设项目经费"
    got = [tuple(_norm(r.values()[k]) for k in KEYS) for r in table.rows]
    assert got == [(*row, None) for row in _FORM_ROWS]
