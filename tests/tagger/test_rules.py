"""The rules backend: named examples per pattern, the real labelled text, the factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ie.errors import ConfigError
from ie.spans import Span, read_spans
from ie.tagger import BACKENDS, Tagger, get_tagger, spans_from_bio
from ie.tagger.rules import RulesTagger, resolve, split_lines

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="module")
def rules() -> RulesTagger:
    return RulesTagger()


def labelled(rules: RulesTagger, text: str) -> list[tuple[str, str]]:
    spans = rules.predict(text)
    for s in spans:
        s.check(text)
    return [(s.label, s.text) for s in spans]


EXPENSE_TABLE = (
    "部门预算支出总表\n\n201 中国共产党某某县委员会办\n公室\n\n单位：万元\n\n"
    "序号\t功能分类科目\t\t合计\t基本支出\t项目支出\n"
    "\t科目 编码\t科目 名称\t\t\t\n"
    "栏次\t1\t2\t3\t4\t5\n"
    "1\t\t合计\t2,169.78\t686. 71\t53.7 3\n"
    "2\t2013 1\t党委 办公 厅\t528.\t528.\t\n"
    "3\t101\t运行\t36\t36\t\n"
)


def test_amounts_in_cells_including_broken_numbers(rules: RulesTagger) -> None:
    amounts = [t for lab, t in labelled(rules, EXPENSE_TABLE) if lab == "AMOUNT"]
    assert amounts == ["2,169.78", "686. 71", "53.7 3", "528.", "528.", "36", "36"]


def test_codes_in_code_column_even_when_broken(rules: RulesTagger) -> None:
    codes = [t for lab, t in labelled(rules, EXPENSE_TABLE) if lab == "CODE"]
    assert codes == ["2013 1", "101"]  # the 序号 column and the 栏次 row are not codes


def test_department_header_wrapped_over_a_line(rules: RulesTagger) -> None:
    depts = [t for lab, t in labelled(rules, EXPENSE_TABLE) if lab == "DEPT"]
    assert depts == ["中国共产党某某县委员会办\n公室"]  # and the 201 before it is no CODE


def test_amounts_in_prose_need_a_unit(rules: RulesTagger) -> None:
    text = "2023年预算收入686.71万元，较2022年增加20 万元，增长12.50%，共3 次，其他收入0万元。"
    assert labelled(rules, text) == [
        ("AMOUNT", "686.71万元"),
        ("AMOUNT", "20 万元"),
        ("AMOUNT", "0万元"),
    ]


def test_bare_amounts_in_untabbed_pdf_lines(rules: RulesTagger) -> None:
    text = "一、财政拨款 13,649.07 一、一般公共服务支出 10,528.33\n完成率 95.50%\n2022-12-31"
    assert [t for lab, t in labelled(rules, text) if lab == "AMOUNT"] == ["13,649.07", "10,528.33"]


def test_code_at_start_of_untabbed_row(rules: RulesTagger) -> None:
    text = "2013101 行政运行 528.36 238.21\n"
    assert labelled(rules, text)[0] == ("CODE", "2013101")


INDICATOR_TABLE = (
    "2、某某业务费绩效目标表\n\n"
    "绩效目标\t\t\t1.完成资料搜集工作。\t\t\n"
    "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\n"
    "产出指标\t数量指标\t印刷数量\t印刷数量\t≥2000 本\t某纪要〔2017〕31号\n"
    "\t时效指标\t完成时间\t按时完成\t12 月 31 日前\t历史经验\n"
    "\t成本指标\t印刷成本\t单册成本\t20万元\t不公开\n"
    "满意度指标\t服务对象满意度指标\t群众满意度\t群众满意度\t≥95%\t某办发〔2017〕39号文件\n"
)


def test_indicator_cells_by_header_column(rules: RulesTagger) -> None:
    got = labelled(rules, INDICATOR_TABLE)
    assert ("PROJECT", "某某业务费") in got
    assert [t for lab, t in got if lab == "IND_L1"] == ["产出指标", "满意度指标"]
    assert [t for lab, t in got if lab == "IND_L2"] == [
        "数量指标",
        "时效指标",
        "成本指标",
        "服务对象满意度指标",
    ]
    assert [t for lab, t in got if lab == "IND_TARGET"] == [
        "≥2000 本",
        "12 月 31 日前",
        "20万元",
        "≥95%",
    ]
    assert [t for lab, t in got if lab == "IND_BASIS"] == [
        "某纪要〔2017〕31号",
        "历史经验",
        "某办发〔2017〕39号文件",
    ]
    assert ("REDACTED", "不公开") in got
    assert not [t for lab, t in got if lab == "AMOUNT"]  # 20万元 is a target here


def test_flattened_indicator_table_one_cell_per_line(rules: RulesTagger) -> None:
    text = (
        "一级指标\n二级指标\n三级指标\n产出指标\n数量指标\n培训人数\n≥300人\n苏财预〔2019〕12号\n满意度指标\n"
        "服务对象满意度指标\n满意度\n≥90%\n历史标准\n二、政府采购情况\n产出指标\n"
    )
    got = labelled(rules, text)
    assert [t for lab, t in got if lab == "IND_L1"] == ["产出指标", "满意度指标"]
    assert [t for lab, t in got if lab == "IND_L2"] == ["数量指标", "服务对象满意度指标"]
    assert [t for lab, t in got if lab == "IND_TARGET"] == ["≥300人", "≥90%"]
    assert [t for lab, t in got if lab == "IND_BASIS"] == ["苏财预〔2019〕12号"]


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("6、某设备购置费：不公开。", ["不公开"]),
        ("绩效目标\t\t\t1.涉密\t\t", ["涉密"]),
        ("涉密采购事项按照相关规定执行。", []),
        ("负责县委保密机要局管理工作。", []),
        ("指标值\n\n不公\n\n开 \n\n不公开\n", ["不公\n\n开", "不公开"]),
        ("采购项目不\n公开招标的，", []),
    ],
    ids=[
        "goal_after_colon",
        "goal_cell",
        "word_inside_prose",
        "part_of_a_name",
        "wrapped_in_a_narrow_cell",
        "wrapped_prose",
    ],
)
def test_redaction_markers_standing_alone(
    rules: RulesTagger, text: str, markers: list[str]
) -> None:
    assert [t for lab, t in labelled(rules, text) if lab == "REDACTED"] == markers


def test_department_from_label_and_title_and_mentions(rules: RulesTagger) -> None:
    text = "部门：江苏省某某厅 单位：万元\n江苏省某某厅2019年度部门预算\n省某某厅负责全省工作。\n"
    depts = [t for lab, t in labelled(rules, text) if lab == "DEPT"]
    assert depts == ["江苏省某某厅", "江苏省某某厅", "省某某厅"]


def test_projects_from_titles_lists_and_prose(rules: RulesTagger) -> None:
    text = (
        "（二）分项绩效目标\n\n1、综合事务经费：保障机关运转。\n2、某平台运维费：不公开。\n\n"
        "（三）工作保障措施\n\n1、抓学习，定思路：学习。\n\n"
        "3、示范基地建设绩效目标表\n\n项目支出100万元，主要为示范基地建设、某系统建设经费等。\n\n"
        "八、名词解释\n\n1、机关运行费：指公用经费。\n"
    )
    projects = [t for lab, t in labelled(rules, text) if lab == "PROJECT"]
    assert projects == [
        "综合事务经费",
        "某平台运维费",
        "示范基地建设",
        "示范基地建设",
        "某系统建设经费",
    ]


def test_real_labelled_text_strict_f1(rules: RulesTagger) -> None:
    text = REAL.read_text(encoding="utf-8")
    gold = {
        (s.start, s.end, s.label) for s in read_spans(REAL.with_name(REAL.stem + ".spans.jsonl"))
    }
    pred = {(s.start, s.end, s.label) for s in rules.predict(text)}
    tp = len(gold & pred)
    assert tp / len(pred) >= 0.95 and tp / len(gold) >= 0.95


@pytest.mark.skipif(not (SHARED / "corpora" / "jiangsu").is_dir(), reason="../shared is absent")
def test_jiangsu_pdf_tables_amounts_are_numbers(rules: RulesTagger) -> None:
    from ie.ingest import ingest

    pdf = sorted((SHARED / "corpora" / "jiangsu").glob("*/*预算公开表*.pdf"))[0]
    doc = ingest(pdf)
    spans = rules.predict(doc.text)
    amounts = [s.text for s in spans if s.label == "AMOUNT"]
    assert len(amounts) > 50
    assert all(any(ch.isdigit() for ch in a) for a in amounts)
    assert [s for s in spans if s.label == "DEPT"]


def test_resolve_prefers_priority_then_length() -> None:
    text = "20万元"
    spans = [
        Span.on(text, "AMOUNT", 0, 4),
        Span.on(text, "IND_TARGET", 0, 4),
        Span.on(text, "AMOUNT", 0, 2),
    ]
    assert [(s.label, s.text) for s in resolve(spans)] == [("IND_TARGET", "20万元")]


def test_split_lines_offsets_and_cells() -> None:
    text = "a\tb \r\n\fc"
    lines = split_lines(text)
    assert [(ln.start, ln.end, ln.text) for ln in lines] == [
        (0, 3, "a\tb"),  # trailing blanks dropped
        (6, 6, ""),
        (7, 8, "c"),
    ]
    assert [(c.col, c.text, text[c.start : c.end]) for c in lines[0].cells] == [
        (0, "a", "a"),
        (1, "b", "b"),
    ]


def test_get_tagger_rules_and_unknown_backend() -> None:
    assert isinstance(get_tagger("rules"), Tagger)
    with pytest.raises(ConfigError, match="valid backends: rules, crf, transformer"):
        get_tagger("bilstm")
    with pytest.raises(ConfigError, match="needs a model directory"):
        get_tagger("crf")
    assert BACKENDS == ("rules", "crf", "transformer")


def test_spans_from_bio_scores_are_means() -> None:
    spans = spans_from_bio("x12", ["O", "B-AMOUNT", "I-AMOUNT"], [1.0, 0.5, 1.0])
    assert [(s.text, s.score) for s in spans] == [("12", 0.75)]


# --- space-aligned and one-cell-per-line layouts (named examples) ----------------------------

SPACE_EXPENSE_TABLE = (
    "单位：万元\n\n"
    "序号  功能分类科目                        合计    基本支出  项目支出\n"
    "      科目编码      科目名称\n"
    "1                   合计                  913.57  847.49    66.08\n"
    "2     2070 １01     行政 运 行              5 64.68  564.68\n"
    "3     208O5０5      机关事业单位养老缴费    71. B５   71.85\n"
)


def test_space_table_codes_and_amounts_by_column_position(rules: RulesTagger) -> None:
    got = labelled(rules, SPACE_EXPENSE_TABLE)
    assert [t for lab, t in got if lab == "CODE"] == ["2070 １01", "208O5０5"]
    assert [t for lab, t in got if lab == "AMOUNT"] == [
        "913.57", "847.49", "66.08", "5 64.68", "564.68", "71. B５", "71.85",
    ]  # fmt: skip


def test_split_code_columns_are_each_a_code(rules: RulesTagger) -> None:
    text = "科目编码\t\t\t科目名称\t金额\n类\t款\t项\t\t\n201\t32\t02\t一般行政管理事务\t66.74\n"
    assert [t for lab, t in labelled(rules, text) if lab == "CODE"] == ["201", "32", "02"]
    assert [t for lab, t in labelled(rules, text) if lab == "AMOUNT"] == ["66.74"]


SPACE_INDICATORS = (
    "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据\n"
    "产出指标  数量 指标  办理 案件 数  确保办理案件数达标  2000  件  京财预 （20 17） 26  号文件\n"
    "  质量指标  合格率  验收合格率  ≥95%  行业标准\n"
    "    维护设 备台数  严格控制维护设备台数  ≥500 户  工作计划\n"
)


def test_space_indicator_rows_fit_the_header_columns(rules: RulesTagger) -> None:
    got = [(lab, t) for lab, t in labelled(rules, SPACE_INDICATORS) if lab.startswith("IND")]
    assert got[:6] == [
        ("IND_L1", "产出指标"), ("IND_L2", "数量 指标"), ("IND_L3", "办理 案件 数"),
        ("IND_DESC", "确保办理案件数达标"), ("IND_TARGET", "2000  件"),
        ("IND_BASIS", "京财预 （20 17） 26  号文件"),
    ]  # fmt: skip
    # a blank merged 一级 (then 一级 and 二级) cell is only an indent
    assert got[6:11] == [
        ("IND_L2", "质量指标"), ("IND_L3", "合格率"), ("IND_DESC", "验收合格率"),
        ("IND_TARGET", "≥95%"), ("IND_BASIS", "行业标准"),
    ]  # fmt: skip
    assert got[11:] == [
        ("IND_L3", "维护设 备台数"), ("IND_DESC", "严格控制维护设备台数"),
        ("IND_TARGET", "≥500 户"), ("IND_BASIS", "工作计划"),
    ]  # fmt: skip


CELL_TABLE = (
    "单位：万元\n\n序号\n科目编码\n科目名称\n合计\n基本支出\n"
    "1\n合计\n630.76\n630.\n７6\n"
    "2\n2070\n１01\n行政运行\n62.9\n5\n39\n.24\n"
    "3\n210\n11\n01\n行政单位医疗\n7\n1.85\n"
    "4\n208\n社会保障和就业支出\n140.93\n"
)


def test_one_cell_per_line_joins_broken_codes_and_amounts(rules: RulesTagger) -> None:
    got = labelled(rules, CELL_TABLE)
    assert [t for lab, t in got if lab == "CODE"] == ["2070\n１01", "210", "11", "01", "208"]
    assert [t for lab, t in got if lab == "AMOUNT"] == [
        "630.76", "630.\n７6", "62.9\n5", "39\n.24", "7\n1.85", "140.93",
    ]  # fmt: skip


def test_prose_with_double_spaces_is_not_a_table(rules: RulesTagger) -> None:
    text = "2023年预算收入  686.71万元，比上年增加  12.00万元。\n"
    assert [lab for lab, _ in labelled(rules, text)] == ["AMOUNT", "AMOUNT"]


CELL_INDICATORS = (
    "一级指标\n二级指标\n三级指标\n绩效指标描述\n指标值\n指标值确定依据\n"
    "产出指标\n数量\n指标\n办理\n案件\n数\n确保办理案件数达标\n2000 件\n京财预\n（20\n17）\n"
    "26号\n文件\n检查次数\n全年检查\n次数\n≥24 次\n工作计划\n"
    "效益指标\n社会效益指标\n服务\n质量\n服务质量\n有所提高\n不公开\n"
)


def test_one_cell_per_line_indicator_rows_by_wrap_width_and_vocabulary(
    rules: RulesTagger,
) -> None:
    got = [(lab, t) for lab, t in labelled(rules, CELL_INDICATORS) if lab != "AMOUNT"]
    assert got == [
        ("IND_L1", "产出指标"), ("IND_L2", "数量\n指标"), ("IND_L3", "办理\n案件\n数"),
        ("IND_DESC", "确保办理案件数达标"), ("IND_TARGET", "2000 件"),
        ("IND_BASIS", "京财预\n（20\n17）\n26号\n文件"),
        # a row under the merged 一级/二级 cells: it opens at 三级
        ("IND_L3", "检查次数"), ("IND_DESC", "全年检查\n次数"), ("IND_TARGET", "≥24 次"),
        ("IND_BASIS", "工作计划"),
        ("IND_L1", "效益指标"), ("IND_L2", "社会效益指标"), ("IND_L3", "服务\n质量"),
        ("IND_DESC", "服务质量"), ("IND_TARGET", "有所提高"), ("REDACTED", "不公开"),
    ]  # fmt: skip


def test_project_table_name_columns_and_project_titles(rules: RulesTagger) -> None:
    text = (
        "单位：万元\n\n序号\t项目名称\t单位名称\t合计\n1\t合计\t\t248.08\n"
        "2\t案件查办补助资金\t县纪委监委\t108.07\n\n"
        "3、野生动物保护工作经费项目绩效目标表\n"
    )
    got = [(lab, t) for lab, t in labelled(rules, text) if lab in ("PROJECT", "DEPT")]
    assert got == [("PROJECT", "案件查办补助资金"), ("DEPT", "县纪委监委"),
                   ("PROJECT", "野生动物保护工作经费")]  # fmt: skip


def test_department_names_with_extraction_spaces(rules: RulesTagger) -> None:
    text = "重 庆市文化 和旅游厅\n\n2019 年度部门预算\n\n重庆市文化和 旅游厅的主要职责是：\n"
    depts = [t for lab, t in labelled(rules, text) if lab == "DEPT"]
    assert depts == ["重 庆市文化 和旅游厅", "重庆市文化和 旅游厅"]


def test_pdf_text_rows_with_single_spaces_and_wrapped_names(rules: RulesTagger) -> None:
    text = (
        "201 中国共产党某某县委员会办公室\n"
        "208 05 01 行政单位离退休 382.98\n"
        "2080505 机关事业单位基本养老保险\n缴费支出\n122.12\n"
    )
    got = labelled(rules, text)
    assert [t for lab, t in got if lab == "CODE"] == ["208", "05", "01", "2080505"]
    assert [t for lab, t in got if lab == "AMOUNT"] == ["382.98", "122.12"]


def test_space_aligned_lines_do_not_backtrack(rules: RulesTagger) -> None:
    # pdfplumber's layout text pads lines with hundreds of spaces; a title regex with two
    # adjacent optional `\s*` once took minutes per line. An alarm turns a hang into a failure.
    import signal

    line = " " * 600 + "1、 办公经费" + " " * 600 + "2,047.66"
    text = "\n".join([line] * 20 + [" " * 300 + "2、某某工作经费项目绩效目标表"])

    def hang(*_: object) -> None:
        raise TimeoutError("rules.predict backtracked on space-aligned lines")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(20)
    try:
        found = labelled(rules, text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert ("PROJECT", "某某工作经费") in found or ("PROJECT", "某某工作经费项目") in found


# A ruled indicator table as pdftotext writes it: the short cells of a row joined by single
# spaces, long cells wrapped onto the next lines (a blank line between), 三级 repeated as 描述.
SINGLE_SPACED = """\
2、党史办业务费绩效目标表

一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据

产出指标 数量指标 印刷数量 印刷数量 ≥2000本 样纪要〔2017〕

31号

质量指标 资料准确率 资料准确率 100% 历史经验

效益指标 社会效益指标 党史宣传教育 党史宣传教育 作用明显 历史经验

效果 效果

满意度指标 服务对象满意 群众满意度 群众满意度 ≥95% 历史经验

度指标
"""


def test_single_spaced_rows_and_their_wrapped_cells() -> None:
    from ie.tables.assemble import assemble

    spans = RulesTagger().predict(SINGLE_SPACED)
    rows = [
        (i.level1, i.level2, i.level3, i.description, i.target, i.basis)
        for i in assemble(SINGLE_SPACED, spans).indicators
    ]
    effect = "党史宣传教育效果"
    assert rows == [
        ("产出指标", "数量指标", "印刷数量", "印刷数量", "≥2000本", "样纪要〔2017〕31号"),
        ("产出指标", "质量指标", "资料准确率", "资料准确率", "100%", "历史经验"),
        ("效益指标", "社会效益指标", effect, effect, "作用明显", "历史经验"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "群众满意度", "≥95%", "历史经验"),
    ]


# Text as PDF-to-text tools print tables (the shapes of `training.synth.convert`'s tools on
# generated documents, shortened): each test fails without the reading it names.

# pdfplumber's layout mode: every line starts at the page's margin and is padded to its width;
# figures of narrow columns one space apart.
PADDED_MONEY = "".join(
    f"     {line}".ljust(70) + "\n"
    for line in [
        "序号  功能分类科目  合计               本年收入  财政拨款收入",
        "    科目编码    科目名称",
        "1           合计                80,304,600.00 80,304,600.00 80,304,600.00",
        "2   201     一般公共服务支出          61,837,500.00 61,837,500.00 61,355,300.00",
    ]
)


def test_layout_text_figures_one_space_apart_and_the_page_margin(rules: RulesTagger) -> None:
    got = labelled(rules, PADDED_MONEY)
    assert [t for lab, t in got if lab == "AMOUNT"] == ["80,304,600.00"] * 3 + [
        "61,837,500.00", "61,837,500.00", "61,355,300.00",
    ]  # fmt: skip
    # the 序号 past the margin is the first column, not an amount
    assert ("CODE", "201") in got and not any(t in ("1", "2") for _, t in got)
    lines = split_lines(PADDED_MONEY)
    assert lines[0].text == lines[0].text.rstrip()  # the padding is not part of the line


# pdftotext -layout: each character where the PDF has it; the header's labels and the cells
# wrap onto lines of their own, a merged 一级 cell is blank below its first row.
def placed(*cells: tuple[int, str]) -> str:
    """A line with each text at its character column."""
    line = ""
    for col, text in cells:
        line = line.ljust(col) + text
    return line + "\n"


LAYOUT_INDICATORS = "".join(
    [
        placed((0, "一级指标"), (8, "二级指标"), (20, "三级指标"), (33, "绩效指标描述"),
               (54, "指标"), (64, "指标值确定依")),
        placed((54, "值"), (64, "据")),
        placed((0, "产出指标"), (8, "数量指标"), (20, "建设站点个数"),
               (33, "办公楼维修改造工作建设站"), (54, "≤6个"), (64, "采购合同")),
        placed((33, "点个数")),
        placed((20, "举办培训班期数"), (33, "严格控制举办培训班期数"), (54, "24期"),
               (64, "相关规定")),
        placed((8, "质量指标"), (20, "办公楼维修改造合格率"), (33, "办公楼维修改造合格率"),
               (54, "不公"), (64, "不公开")),
        placed((54, "开")),
        "\n4、法律顾问业务费绩效目标表\n",
    ]
)  # fmt: skip


def test_layout_text_indicator_cells_by_the_column_they_sit_in(rules: RulesTagger) -> None:
    got = [(lab, t) for lab, t in labelled(rules, LAYOUT_INDICATORS) if lab != "PROJECT"]
    assert got == [
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "建设站点个数"),
        ("IND_DESC", "办公楼维修改造工作建设站"), ("IND_TARGET", "≤6个"),
        ("IND_BASIS", "采购合同"), ("IND_DESC", "点个数"),
        ("IND_L3", "举办培训班期数"), ("IND_DESC", "严格控制举办培训班期数"),
        ("IND_TARGET", "24期"), ("IND_BASIS", "相关规定"),
        ("IND_L2", "质量指标"), ("IND_L3", "办公楼维修改造合格率"),
        ("IND_DESC", "办公楼维修改造合格率"), ("IND_TARGET", "不公"), ("REDACTED", "不公开"),
        ("IND_TARGET", "开"),
    ]  # fmt: skip


def test_a_single_space_header_with_a_double_space_somewhere(rules: RulesTagger) -> None:
    text = (
        "     一级指标 二级指标 三级指标  绩效指标描述 指标值 指标值确定依据\n"
        "     产出指标 数量指标 接待人次  全年接待人次 ≥100人次 部门标准\n"
    )
    assert labelled(rules, text) == [
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "接待人次"),
        ("IND_DESC", "全年接待人次"), ("IND_TARGET", "≥100人次"), ("IND_BASIS", "部门标准"),
    ]  # fmt: skip


def test_padded_cell_per_line_indicators_read_across_blank_lines(rules: RulesTagger) -> None:
    cells = [
        "一级指标", "二级指标", "三级指标", "", "", "指标值", "产出指标", "数量指标", "",
        "培训人次", "≥6人次", "质量指标", "审核通过率", "", "100%",
        "3、安全保卫专项经费绩效目标表",
    ]  # fmt: skip
    text = "".join(f"     {c}".ljust(40) + "\n" for c in cells)
    got = [(lab, t) for lab, t in labelled(rules, text) if lab.startswith("IND")]
    assert got == [
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "培训人次"),
        ("IND_TARGET", "≥6人次"), ("IND_L2", "质量指标"), ("IND_L3", "审核通过率"),
        ("IND_TARGET", "100%"),
    ]  # fmt: skip


def test_raw_pdftotext_cells_apart_by_blank_lines(rules: RulesTagger) -> None:
    cells = ["序号", "科目编码", "科目名称", "合计", "2", "208", "社会保障和就业支出", "14.31"]
    cells += ["3", "20805", "行政事业单位养老支出", "14.31"]
    text = "\n\n".join(cells) + "\n"
    got = labelled(rules, text)
    assert [t for lab, t in got if lab == "CODE"] == ["208", "20805"]
    # a 序号 and the figure after it, a blank line apart, are two cells, not one broken figure
    assert [t for lab, t in got if lab == "AMOUNT"] == ["14.31", "14.31"]


def test_a_code_after_its_row_number_on_a_flattened_row(rules: RulesTagger) -> None:
    text = (
        "2 201 一般公共服务支出 61,837,500.00 61,837,500.00\n3 20134 统战事务 1,000.00 1,000.00\n"
    )
    got = labelled(rules, text)
    assert [t for lab, t in got if lab == "CODE"] == ["201", "20134"]
