"""The post-processor: projects, indicator rows and redactions assembled from tagger spans."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ie.errors import ConfigError
from ie.ingest import text_document
from ie.pipeline import Extractor
from ie.segment import document_rows
from ie.spans import Span
from ie.tables.assemble import assemble, project_name
from ie.tables.indicators import indicator_tables

REAL = Path(__file__).resolve().parents[1] / "corpora" / "real" / "004_3c37c7924f173325"


def _spans(text: str, *pieces: tuple[str, str]) -> list[Span]:
    """Label each (label, piece) at its next occurrence after the previous piece."""
    out, pos = [], 0
    for label, piece in pieces:
        start = text.index(piece, pos)
        out.append(Span.on(text, label, start, start + len(piece)))
        pos = start + len(piece)
    return out


def _rows(assembled) -> list[tuple]:
    return [
        (i.project, i.level1, i.level2, i.level3, i.description, i.target, i.basis, i.redacted)
        for i in assembled.indicators
    ]


FLAT = """\
1、档案整理经费绩效目标表
绩效目标
完成档案整理任务。
产出指标
数量指标
整理卷数
整理档案
卷数
≥100卷
年度计划
质量指标
合格率
≥95%
行业标准
效益指标
社会效益指标
利用便捷
有效
历史经验
"""


def test_rows_from_a_table_flattened_one_cell_per_line() -> None:
    """A new row starts where a field comes round again; a second fragment of the same field
    right after the first is a wrapped cell; merged 一级 cells carry down; a table without a
    描述 cell in a row leaves it empty."""
    spans = _spans(
        FLAT,
        ("PROJECT", "档案整理经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "整理卷数"),
        ("IND_DESC", "整理档案"), ("IND_DESC", "卷数"), ("IND_TARGET", "≥100卷"),
        ("IND_BASIS", "年度计划"),
        ("IND_L2", "质量指标"), ("IND_L3", "合格率"), ("IND_TARGET", "≥95%"),
        ("IND_BASIS", "行业标准"),
        ("IND_L1", "效益指标"), ("IND_L2", "社会效益指标"), ("IND_L3", "利用便捷"),
        ("IND_TARGET", "有效"), ("IND_BASIS", "历史经验"),
    )  # fmt: skip
    a = assemble(FLAT, spans)
    assert [p.name for p in a.projects] == ["档案整理经费"]
    p = "档案整理经费"
    assert _rows(a) == [
        (p, "产出指标", "数量指标", "整理卷数", "整理档案卷数", "≥100卷", "年度计划", False),
        (p, "产出指标", "质量指标", "合格率", None, "≥95%", "行业标准", False),
        (p, "效益指标", "社会效益指标", "利用便捷", None, "有效", "历史经验", False),
    ]
    assert a.indicators[0].target_parsed.op == "≥" and a.indicators[0].target_parsed.value == 100
    assert a.redactions == []


SIDE_BY_SIDE = """\
4、档案整理经费绩效目标表
产出指标 数量指标 档案整理合 档案整理合 ≥95% 行业
格率 格率达标 标准
 时效指标 完成时间 按时完成 6月前 年度计划
"""


def test_cells_wrapped_side_by_side_continue_their_row() -> None:
    """PDF-to-text output of a ruled table: the second line holds the wrapped ends of several
    cells of the row above, printed side by side; the next row has its own 指标值."""
    spans = _spans(
        SIDE_BY_SIDE,
        ("PROJECT", "档案整理经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "档案整理合"),
        ("IND_DESC", "档案整理合"), ("IND_TARGET", "≥95%"), ("IND_BASIS", "行业"),
        ("IND_L3", "格率"), ("IND_DESC", "格率达标"), ("IND_BASIS", "标准"),
        ("IND_L2", "时效指标"), ("IND_L3", "完成时间"), ("IND_DESC", "按时完成"),
        ("IND_TARGET", "6月前"), ("IND_BASIS", "年度计划"),
    )  # fmt: skip
    p, rate = "档案整理经费", "档案整理合格率"
    assert _rows(assemble(SIDE_BY_SIDE, spans)) == [
        (p, "产出指标", "数量指标", rate, f"{rate}达标", "≥95%", "行业标准", False),
        (p, "产出指标", "时效指标", "完成时间", "按时完成", "6月前", "年度计划", False),
    ]


WITHHELD = """\
2、机要局业务费绩效目标表
绩效目标 1.不公开
一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据
产出指标 数量指标 不公开 不公开 不公开 不公开
 质量指标 不公开 不公开 不公开 不公开
"""


# The national project form (no 绩效指标描述 column) as pypdfium2 flattens it: rows run on
# from one line to the next, a 三级指标 after the row above's 指标值.
FORM = """\
项目名称 档案数字化专项经费 主管部门 某某档案馆
绩效指标 一级指标 二级指标
三级指标 指标值 产出指标
数量 指标 购置设备数量
≥12台 信息报送条数 ≤20条
档案数字化覆盖人数 ≥30人
"""


def test_a_third_level_tagged_as_a_description_in_a_table_without_that_column() -> None:
    spans = _spans(
        FORM,
        ("PROJECT", "档案数字化专项经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量 指标"), ("IND_L3", "购置设备数量"),
        ("IND_TARGET", "≥12台"), ("IND_DESC", "信息报送条数"), ("IND_TARGET", "≤20条"),
        ("IND_L3", "档案数字化覆盖人数"), ("IND_TARGET", "≥30人"),
    )  # fmt: skip
    assert [r[3:6] for r in _rows(assemble(FORM, spans))] == [
        ("购置设备数量", None, "≥12台"),
        ("信息报送条数", None, "≤20条"),
        ("档案数字化覆盖人数", None, "≥30人"),
    ]
    # where the header has the column, a 描述 without its 三级指标 is no row of its own
    with_column = FORM.replace("三级指标 指标值", "三级指标 绩效指标描述 指标值")
    spans = _spans(with_column, *[(s.label, s.text) for s in spans])
    rows = _rows(assemble(with_column, spans))
    assert [r[3] for r in rows] == ["购置设备数量", "档案数字化覆盖人数"]


def test_withheld_cells_of_a_table_without_a_description_column_are_targets() -> None:
    # Before any row has shown the table's columns, the header tells them: no 描述 here, so
    # the marker after a withheld 三级指标 is the 指标值.
    text = FORM.replace("购置设备数量\n≥12台 信息报送条数 ≤20条\n档案数字化覆盖人数 ≥30人\n",
                        "购置设备数量 不公开 不公开\n")  # fmt: skip
    spans = _spans(
        text,
        ("PROJECT", "档案数字化专项经费"), ("IND_L1", "产出指标"), ("IND_L2", "数量 指标"),
        ("REDACTED", "不公开"), ("REDACTED", "不公开"),
    )  # fmt: skip
    assert [r[3:7] for r in _rows(assemble(text, spans))] == [("不公开", None, "不公开", None)]
    # a stray 描述 tagged in the goal text above the table is no row, nor one of its columns
    text = text.replace("绩效指标 一级指标", "总体目标 提升档案数字化工作质量\n绩效指标 一级指标")
    spans = _spans(
        text,
        ("PROJECT", "档案数字化专项经费"), ("IND_DESC", "档案数字化工作质量"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量 指标"),
        ("IND_L3", "购置设备数量"), ("REDACTED", "不公开"),
    )  # fmt: skip
    rows = [r[3:7] for r in _rows(assemble(text, spans))]
    assert rows == [("购置设备数量", None, "不公开", None)]


def test_a_piece_of_the_departments_name_is_no_project() -> None:
    text = (
        "填报单位：石林彝族自治县民政局\n项目名称 办公楼维修改造项目 主管部门\n"
        "石林 彝族\n自治 县民\n政局 实施单位\n石林彝 族自治\n县民政 局\n"
    )
    spans = _spans(
        text, ("DEPT", "石林彝族自治县民政局"), ("PROJECT", "办公楼维修改造项目"),
        ("PROJECT", "石林彝 族自治"),
    )  # fmt: skip
    assert [p.name for p in assemble(text, spans).projects] == ["办公楼维修改造项目"]
    # a name that names a fund stays a project, whatever a DEPT span ran it into
    text += "党外人士培训项目市委统战部\n1、党外人士培训项目：不公开。\n"
    spans = _spans(
        text, ("DEPT", "党外人士培训项目市委统战部"), ("PROJECT", "党外人士培训项目"),
    )  # fmt: skip
    assert [p.name for p in assemble(text, spans).projects] == ["党外人士培训项目"]


def test_a_line_with_a_withheld_cell_starts_a_row_of_its_own() -> None:
    # rows printed side by side, one a line; the second's 指标值 withheld: its line is a new
    # row, not the wrapped end of the first's cells
    text = (
        "项目名称 法律顾问经费\n一级指标 二级指标 三级指标 指标值\n"
        "效益指标 经济效益指标 降低运行成本 明显提升\n可持续影响指标 长效管理机制 不公开\n"
    )
    spans = _spans(
        text, ("PROJECT", "法律顾问经费"), ("IND_L1", "效益指标"), ("IND_L2", "经济效益指标"),
        ("IND_L3", "降低运行成本"), ("IND_TARGET", "明显提升"), ("IND_L2", "可持续影响指标"),
        ("IND_L3", "长效管理机制"), ("REDACTED", "不公开"),
    )  # fmt: skip
    rows = [r[2:6] for r in _rows(assemble(text, spans))]
    assert rows == [
        ("经济效益指标", "降低运行成本", None, "明显提升"),
        ("可持续影响指标", "长效管理机制", None, "不公开"),
    ]


def test_a_forms_project_name_line_names_the_rows_below_it() -> None:
    # The tagger found the project in the goals list but not in its form's 项目名称 line,
    # printed with spaces: the form's rows are still that project's.
    text = (
        "1、法律顾问专项资金：不公开。2、调研课题项目：不公开。\n"
        "项目名称 法律顾问专项资金\n一级指标 二级指标 三级指标 指标值\n"
        "产出指标 数量指标 不公开 不公开\n"
        "项目名称 调研 课题项 目\n一级指标 二级指标 三级指标 指标值\n"
        "产出指标 数量指标 检查次数 6次\n"
    )
    spans = _spans(
        text, ("PROJECT", "法律顾问专项资金"), ("PROJECT", "调研课题项目"),
        ("PROJECT", "法律顾问专项资金"), ("IND_L1", "产出指标"), ("IND_L2", "数量指标"),
        ("REDACTED", "不公开"), ("REDACTED", "不公开"), ("IND_L1", "产出指标"),
        ("IND_L2", "数量指标"), ("IND_L3", "检查次数"), ("IND_TARGET", "6次"),
    )  # fmt: skip
    rows = [(r[0], r[3], r[5]) for r in _rows(assemble(text, spans))]
    assert rows == [("法律顾问专项资金", "不公开", "不公开"), ("调研课题项目", "检查次数", "6次")]


def test_withheld_cells_fill_the_row_in_column_order() -> None:
    spans = _spans(
        WITHHELD,
        ("PROJECT", "机要局业务费"),
        ("REDACTED", "不公开"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"),
        *[("REDACTED", "不公开")] * 4,
        ("IND_L2", "质量指标"),
        *[("REDACTED", "不公开")] * 4,
    )  # fmt: skip
    a = assemble(WITHHELD, spans)
    m = "不公开"
    assert _rows(a) == [
        ("机要局业务费", "产出指标", "数量指标", m, m, m, m, True),
        ("机要局业务费", "产出指标", "质量指标", m, m, m, m, True),
    ]
    assert {(r.project, r.scope, r.marker) for r in a.redactions} == {
        ("机要局业务费", "goal", m),
        ("机要局业务费", "indicators", m),
    }
    (project,) = a.projects
    assert project.redacted and project.goal == m


def test_a_withheld_target_between_other_cells() -> None:
    text = "3、云平台经费绩效目标表\n产出指标\t数量指标\t接入单位数\t接入数量\t涉密\t年度计划\n"
    spans = _spans(
        text,
        ("PROJECT", "云平台经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "接入单位数"),
        ("IND_DESC", "接入数量"), ("REDACTED", "涉密"), ("IND_BASIS", "年度计划"),
    )  # fmt: skip
    (row,) = assemble(text, spans).indicators
    assert (row.level3, row.description, row.target, row.basis) == (
        "接入单位数",
        "接入数量",
        "涉密",
        "年度计划",
    )
    assert row.redacted and row.target_parsed.op is None


# pypdfium2's text of a ruled table: the first two rows withhold 指标值 and 依据; the third
# row's 描述 wraps, so its 指标值 and 依据 come two lines after its 二级指标.
WITHHELD_FIRST = """\
1、培训经费绩效目标表
一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据
产出指标 数量指标 印刷数量 培训印刷数量 不公开 不公开
质量指标 问题整改率 问题整改率达到预期 不公开 不公开
时效指标 资金拨付及时率 培训工作资金拨付
及时率
≥96% 年度工作要点
"""


def test_rows_after_rows_withheld_in_the_same_columns() -> None:
    """A withheld cell fills the columns the header names even when every row so far withheld
    them; a whole 二级 term starts the next row although its 指标值 wraps to a later line."""
    spans = _spans(
        WITHHELD_FIRST,
        ("PROJECT", "培训经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "印刷数量"),
        ("IND_DESC", "培训印刷数量"), ("REDACTED", "不公开"), ("REDACTED", "不公开"),
        ("IND_L2", "质量指标"), ("IND_L3", "问题整改率"), ("IND_DESC", "问题整改率达到预期"),
        ("REDACTED", "不公开"), ("REDACTED", "不公开"),
        ("IND_L2", "时效指标"), ("IND_L3", "资金拨付及时率"),
        ("IND_DESC", "培训工作资金拨付\n及时率"), ("IND_TARGET", "≥96%"),
        ("IND_BASIS", "年度工作要点"),
    )  # fmt: skip
    p, m = "培训经费", "不公开"
    assert _rows(assemble(WITHHELD_FIRST, spans)) == [
        (p, "产出指标", "数量指标", "印刷数量", "培训印刷数量", m, m, True),
        (p, "产出指标", "质量指标", "问题整改率", "问题整改率达到预期", m, m, True),
        (p, "产出指标", "时效指标", "资金拨付及时率", "培训工作资金拨付及时率", "≥96%",
         "年度工作要点", False),
    ]  # fmt: skip


# pdfplumber's text of a table withheld whole: the third marker wraps beside the fourth
# ("不公" / "开"), so the tagger finds two markers where the row has four.
WITHHELD_WRAPPED = """\
6、党建工作项目绩效目标表
一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据
产出指标 数量指标 不公开 不公开 不公 不公开
开
"""


def test_a_row_withheld_whole_withholds_every_column_of_its_table() -> None:
    spans = _spans(
        WITHHELD_WRAPPED,
        ("PROJECT", "党建工作项目"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("REDACTED", "不公开"),
        ("REDACTED", "不公开"),
    )  # fmt: skip
    m = "不公开"
    assert _rows(assemble(WITHHELD_WRAPPED, spans)) == [
        ("党建工作项目", "产出指标", "数量指标", m, m, m, m, True)
    ]
    # in a table without 描述 and 依据 columns, only its own columns are filled
    form = WITHHELD_WRAPPED.replace("绩效指标描述 ", "").replace(" 指标值确定依据", "")
    spans = _spans(
        form, ("PROJECT", "党建工作项目"), ("IND_L1", "产出指标"), ("IND_L2", "数量指标"),
        ("REDACTED", "不公开"),
    )  # fmt: skip
    assert _rows(assemble(form, spans)) == [
        ("党建工作项目", "产出指标", "数量指标", m, None, m, None, True)
    ]


# pdftotext's default text of a table withheld whole: the header's right-hand cells and their
# wrapped markers ("不公" / "开") printed after the rows' first cells.
WITHHELD_HEADER_LATE = """\
7、档案编研建设经费绩效目标表
绩效目标

1.不公开

一级指标

二级指标

三级指标

绩效指标描述

产出指标

数量指标

不公开

不公开

质量指标

不公开

不公开

指标

指标值确定依

值

据

不公

不公开

开
不公

不公开

开
8、信息化运维经费绩效目标表
"""


def test_a_header_printed_after_the_rows_still_names_its_columns() -> None:
    """Rows withheld whole are withheld in every column the header names, the 依据 too when
    the tool printed that header cell after the rows."""
    spans = _spans(
        WITHHELD_HEADER_LATE,
        ("PROJECT", "档案编研建设经费"), ("REDACTED", "不公开"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("REDACTED", "不公开"),
        ("REDACTED", "不公开"),
        ("IND_L2", "质量指标"), ("REDACTED", "不公开"), ("REDACTED", "不公开"),
    )  # fmt: skip
    m = "不公开"
    p = "档案编研建设经费"
    assert _rows(assemble(WITHHELD_HEADER_LATE, spans)) == [
        (p, "产出指标", "数量指标", m, m, m, m, True),
        (p, "产出指标", "质量指标", m, m, m, m, True),
    ]


# pdfplumber's layout text: the last row's 指标值 and 依据 printed one space apart, so the
# layout parser reads them as one cell.
JOINED_CELLS = """\
1、调研课题经费绩效目标表
一级指标    二级指标            三级指标        绩效指标描述        指标值  指标值确定依据
产出指标    数量指标            调研课题次数    按要求完成调研      ≤5次    藏发〔2014〕108号
满意度指标  服务对象满意度指标  参训人员满意度  按要求完成调研工作  100% 上年度完成情况
"""


def test_cells_the_layout_joined_are_split_where_the_spans_tell_them_apart() -> None:
    document = text_document(JOINED_CELLS)
    layout = indicator_tables(document, document_rows(document))
    assert layout[0].rows[1].basis.text == "100% 上年度完成情况"  # what the parser reads
    spans = _spans(
        JOINED_CELLS,
        ("PROJECT", "调研课题经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "调研课题次数"),
        ("IND_DESC", "按要求完成调研"), ("IND_TARGET", "≤5次"),
        ("IND_BASIS", "藏发〔2014〕108号"),
        ("IND_L1", "满意度指标"), ("IND_L2", "服务对象满意度指标"), ("IND_L3", "参训人员满意度"),
        ("IND_DESC", "按要求完成调研工作"), ("IND_TARGET", "100%"),
        ("IND_BASIS", "上年度完成情况"),
    )  # fmt: skip
    rows = _rows(assemble(JOINED_CELLS, spans, layout))
    assert [r[5:7] for r in rows] == [("≤5次", "藏发〔2014〕108号"), ("100%", "上年度完成情况")]


# pdftotext's default text of a ruled table: one cell per line, and the wrapped end of a 描述
# ("…在预算范" / "围内支出") printed after the last row of the table.
FLAT_TAIL = """\
2、会议保障经费绩效目标表
一级指标

二级指标

三级指标

绩效指标描述

指标值

指标值确定依据

产出指标

成本指标

在预算范围内支出

会议保障经费在预算范

≤150元/人/天

部门标准

满意度指标

服务对象满意度指标

参会人员满意度

参会人员满意度

≥95%

上级文件

围内支出
"""


def test_a_table_flattened_one_cell_per_line_is_read_from_the_spans() -> None:
    """Lines cut into cells by scoring have no geometry to trust over the tagger: a wrapped
    tail printed after the table joins its last 依据 in the parser's reading, while the spans
    say it is another column's."""
    document = text_document(FLAT_TAIL)
    layout = indicator_tables(document, document_rows(document))
    assert layout[0].layout == "flat"
    assert layout[0].rows[-1].basis.text.endswith("围内支出")  # what the parser reads
    spans = _spans(
        FLAT_TAIL,
        ("PROJECT", "会议保障经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "成本指标"), ("IND_L3", "在预算范围内支出"),
        ("IND_DESC", "会议保障经费在预算范"), ("IND_TARGET", "≤150元/人/天"),
        ("IND_BASIS", "部门标准"),
        ("IND_L1", "满意度指标"), ("IND_L2", "服务对象满意度指标"), ("IND_L3", "参会人员满意度"),
        ("IND_DESC", "参会人员满意度"), ("IND_TARGET", "≥95%"), ("IND_BASIS", "上级文件"),
        ("IND_DESC", "围内支出"),
    )  # fmt: skip
    rows = _rows(assemble(FLAT_TAIL, spans, layout))
    assert [(r[3], r[5], r[6]) for r in rows] == [
        ("在预算范围内支出", "≤150元/人/天", "部门标准"),
        ("参会人员满意度", "≥95%", "上级文件"),
    ]


def test_a_description_that_restates_the_projects_name_names_no_project() -> None:
    text = (
        "6、电子政务内网运维工作经费绩效目标表\n"
        "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据\n"
        "满意度指标 服务对象满意度指标 企业满意度 电子政务内网运维企业满意度 ≥80% 行业标准\n"
    )
    spans = _spans(
        text,
        ("PROJECT", "电子政务内网运维工作经费"),
        ("IND_L1", "满意度指标"), ("IND_L2", "服务对象满意度指标"), ("IND_L3", "企业满意度"),
        ("PROJECT", "电子政务内网运维企业满意"),  # the tagger's error
        ("IND_TARGET", "≥80%"), ("IND_BASIS", "行业标准"),
    )  # fmt: skip
    a = assemble(text, spans)
    assert [p.name for p in a.projects] == ["电子政务内网运维工作经费"]
    p = "电子政务内网运维工作经费"
    assert _rows(a) == [
        (p, "满意度指标", "服务对象满意度指标", "企业满意度", "电子政务内网运维企业满意", "≥80%",
         "行业标准", False),
    ]  # fmt: skip


def test_a_phrase_of_running_prose_named_once_is_no_project() -> None:
    text = (
        "三、抓督查，促落实。坚持明查与暗访相结合、全面检查与重点抽查相结合的原则。\n"
        "主要为救助站运行经费、低保信息平台项目等。\n"
        "1、督考办业务费：完成督查任务。\n"
    )
    spans = _spans(
        text,
        ("PROJECT", "全面检查与重点抽查相结合"),  # the tagger's error, in a sentence
        ("PROJECT", "救助站运行经费"),  # in a sentence too, but funds
        ("PROJECT", "低保信息平台项目"),
        ("PROJECT", "督考办业务费"),  # a list item
    )
    assert [p.name for p in assemble(text, spans).projects] == [
        "救助站运行经费",
        "低保信息平台项目",
        "督考办业务费",
    ]


# pypdfium2's text of a row whose 三级指标 wraps: its tail "量" is alone on the next line, where
# the tagger takes it for the 描述's; the 描述 restates the whole 三级指标.
RESTATED_TAIL = """\
1、档案数字化专项经费绩效目标表
一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据
产出指标 数量指标 购置设备数 全年购置设备数量 ≥12天 合同
量
"""


def test_a_wrapped_tail_the_description_restates_ends_the_third_level() -> None:
    spans = _spans(
        RESTATED_TAIL,
        ("PROJECT", "档案数字化专项经费"),
        ("IND_L1", "产出指标"), ("IND_L2", "数量指标"), ("IND_L3", "购置设备数"),
        ("IND_DESC", "全年购置设备数量"), ("IND_TARGET", "≥12天"), ("IND_BASIS", "合同"),
        ("IND_DESC", "量"),
    )  # fmt: skip
    (row,) = _rows(assemble(RESTATED_TAIL, spans))
    assert row[3:5] == ("购置设备数量", "全年购置设备数量")
    # a fragment the description does not show to be the 三级指标's stays where it was tagged
    other = RESTATED_TAIL.replace("全年购置设备数量", "全年购置设备台数")
    spans = [s if s.label != "IND_DESC" or s.text == "量" else
             Span.on(other, "IND_DESC", s.start, s.end) for s in spans]  # fmt: skip
    (row,) = _rows(assemble(other, spans))
    assert row[3:5] == ("购置设备数", "全年购置设备台数量")


def test_one_project_per_name_named_as_titled() -> None:
    text = (
        "项目支出主要为档案整理 经费、信息化建设项目等。\n"
        "（二）分项绩效目标\n1、档案整理经费：完成整理。\n"
        "2、信息化建设项目：不公开。\n"
        "1、档案整理经费绩效目标表\n"
    )
    spans = _spans(
        text,
        ("PROJECT", "档案整理 经费"),
        ("PROJECT", "信息化建设项目"),
        ("PROJECT", "档案整理经费"),
        ("PROJECT", "信息化建设项目"),
        ("REDACTED", "不公开"),
        ("PROJECT", "1、档案整理经费绩效目标表"),
    )
    a = assemble(text, spans)
    assert [(p.name, p.redacted) for p in a.projects] == [
        ("档案整理经费", False),
        ("信息化建设项目", True),
    ]
    assert [(r.project, r.scope) for r in a.redactions] == [("信息化建设项目", "goal")]


def test_project_names_lose_numbers_and_table_words() -> None:
    assert project_name("12、电子政务内网\n运维费项目绩效目标表") == "电子政务内网运维费"
    assert project_name("（三）党史办业务费") == "党史办业务费"


def test_no_spans_no_projects() -> None:
    assert assemble(FLAT, []).projects == [] and assemble(FLAT, []).indicators == []


# --- the pipeline: the record comes from the tagger -------------------------------------------


class _Silent:
    """A tagger that finds nothing."""

    def predict(self, text: str) -> list[Span]:
        return []


def _norm(s) -> str | None:
    return None if s is None else re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def _f1(pred: set, gold: set) -> float:
    return 2 * len(pred & gold) / (len(pred) + len(gold)) if pred or gold else 1.0


def _scores(record) -> dict[str, float]:
    gold = json.loads(REAL.with_suffix(".gold.json").read_text(encoding="utf-8"))
    keys = ("project", "level1", "level2", "level3", "target", "basis")
    return {
        "projects": _f1(
            {_norm(p.name) for p in record.projects}, {_norm(p["name"]) for p in gold["projects"]}
        ),
        "indicators": _f1(
            {tuple(_norm(getattr(i, k)) for k in keys) for i in record.indicators},
            {tuple(_norm(i[k]) for k in keys) for i in gold["indicators"]},
        ),
    }


def test_without_spans_the_record_has_no_projects_or_indicators() -> None:
    record = Extractor(tagger=_Silent()).extract(REAL.with_suffix(".txt"))
    assert record.projects == [] and record.indicators == [] and record.redactions == []
    assert record.key_figures  # key figures and money tables still come from prose and tables


def test_with_the_shipped_tagger_the_record_has_them_all() -> None:
    record = Extractor().extract(REAL.with_suffix(".txt"))
    scores = _scores(record)
    assert scores["projects"] >= 0.95 and scores["indicators"] >= 0.95, scores


def test_a_pipeline_out_of_order_fails_when_built() -> None:
    stages = Extractor(tagger=_Silent()).stages
    without_tagger = [s for s in stages if s.name != "tagger"]
    with pytest.raises(ConfigError, match="'assemble' needs spans"):
        Extractor(tagger=_Silent(), stages=without_tagger)
    swapped = [stages[-1], *stages[:-1]]
    with pytest.raises(ConfigError, match="'record' needs"):
        Extractor(tagger=_Silent(), stages=swapped)


def test_each_stage_value_is_kept_for_inspection() -> None:
    values = Extractor(tagger=_Silent()).run(text_document("2023年预算收入686.71万元。\n"))
    assert list(values) == [
        "document", "normalized", "rows", "sections", "tables", "layout", "spans", "assembled",
        "record",
    ]  # fmt: skip
    assert values["record"].key_figures == {"income_total": 686.71}


def test_names_of_budget_items_are_no_projects() -> None:
    """SCHEMA: a name that appears only as a 政府采购 专项名称 (here also once where a text tool
    printed a row of that table before its title) is no project, nor is a budget category; a
    name a sentence states as project spending is, though the same table lists it too."""
    stray = "机要及电子政务业务费 办公设备购置 50.00\n"
    table = "政府采购预算表\n机要及电子政务业务费 会议费 11.40\n检察教育培训费 培训费 630.00\n"
    prose = "主要用于检察教育培训费等项目支出。\n单位预留机动经费，13.48%\n"
    text = stray + table + prose

    def span(name: str, after: int = 0) -> Span:
        start = text.index(name, after)
        return Span(start, start + len(name), "PROJECT", name)

    spans = [
        span("机要及电子政务业务费"),
        span("机要及电子政务业务费", len(stray)),
        span("检察教育培训费", len(stray)),
        span("检察教育培训费", len(stray) + len(table)),
        span("预留机动经费"),
    ]
    items = [(len(stray), len(stray) + len(table))]
    assembled = assemble(text, spans, not_projects=items)
    assert [p.name for p in assembled.projects] == ["检察教育培训费"]
    assert [p.name for p in assemble(text, spans).projects] == [
        "机要及电子政务业务费",
        "检察教育培训费",
    ]
