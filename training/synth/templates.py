"""The two template families, section by section. Each function writes into a `Writer` and
records the gold tables and key figures it states."""

from __future__ import annotations

import random

from ie.text import display_width
from training.synth.content import Content, Leaf, ProjectSpec
from training.synth.render import (
    Cell,
    Writer,
    cn,
    code_cells,
    code_header,
    functional_rows,
    strip_enum,
    values_dict,
    wan,
)

_DUTY_VERBS = ["负责", "承担", "组织", "协调", "指导", "统筹"]
_DUTY_OBJECTS = [
    "本{L}{T}工作的组织实施",
    "{T}相关政策的贯彻落实",
    "全{L}{T}的监督管理",
    "{T}的规划、计划和标准制定",
    "上级交办的{T}事项",
    "{T}信息的收集、整理和报送",
    "{T}工作的检查、考核和评估",
    "机关日常运转保障和后勤服务",
]


# --- county family ------------------------------------------------------------------------


def render_county(w: Writer) -> None:
    c, b = w.c, w
    y = c.year
    b.put(f"{y} 年部门预算信息公开目录" if w.rng.random() < 0.5 else f"{y}年部门预算公开目录")
    b.nl(2)
    titles = [
        "部门预算收支总表",
        "部门预算收入总表",
        "部门预算支出总表",
        "部门预算财政拨款收支总表",
        "部门预算一般公共预算财政拨款支出表",
        "部门预算一般公共预算财政拨款基本支出表",
        "部门预算政府基金预算财政拨款支出表",
        "部门预算国有资本经营预算财政拨款支出表",
        "部门预算财政拨款“三公”经费支出表",
    ]
    # Some templates add a 项目支出表 (the project list with amounts) after the basic-expense
    # table; some describe each project in an "XX情况说明" section instead of 绩效目标表.
    project_table = w.rng.random() < 0.5
    if project_table:
        titles.insert(6, "部门预算财政拨款项目支出表")
    w.explain_projects = w.rng.random() < 0.25
    if w.explain_projects:
        _explained_withholding(c)
    sep = {"tab": "\t", "cell": "\n", "space": " "}[w.style.layout]
    for i, t in enumerate(titles):
        b.put(f"{t}.....{sep}{3 + 2 * i}")
        b.nl()
    b.nl()
    _summary_table(w, titles[0])
    _income_table(w, titles[1])
    _function_table(w, titles[2], c.leaves, all_sources=True, kind="expense_by_function")
    _grant_summary(w, titles[3])
    gb = [x for x in c.leaves if x.gb > 0]
    _function_table(w, titles[4], gb, all_sources=False, kind="expense_by_function")
    _economic_table(w, titles[5])
    if project_table:
        _project_table(w, titles.pop(6))
    funds = [x for x in c.leaves if x.fund > 0]
    _fund_table(w, titles[6], funds, "gov_fund_expense", "政府基金预算财政拨款")
    _fund_table(w, titles[7], [], "state_capital_expense", "国有资本经营预算财政拨款")
    _three_public_table(w, titles[8])
    _county_prose(w)


def _explained_withholding(c: Content) -> None:
    """Without 绩效目标表 only a goal can be withheld: a withheld table becomes a withheld goal
    and withheld cells are not there to withhold."""
    for p in c.projects:
        if p.withheld == "table":
            p.withheld = "goal"
        elif p.withheld == "cells":
            p.withheld, p.hidden = "", set()


def _project_table(w: Writer, title: str) -> None:
    """项目支出表: one row per project with its 财政拨款 amount, 合计 first."""
    c = w.c
    tot = sum(p.amount for p in c.projects)
    body = [[*_seq(w, 1), ("合计", None, "cell"), ("", None, None), *_nums(w, [tot, tot])]]
    rec = [{"code": None, "name": "合计", "values": {"total": wan(tot)}}]
    unit_name = c.dept_name if w.rng.random() < 0.5 else c.dept_short
    for p in c.projects:
        body.append(
            [
                *_seq(w, len(body) + 1),
                (p.name, "PROJECT", "cell"),
                (unit_name, "DEPT", "cell"),
                *_nums(w, [p.amount, p.amount]),
            ]
        )
        rec.append({"code": None, "name": p.name, "values": {"total": wan(p.amount)}})
    hdr = [
        [*_h(w, "序号"), "项目名称", "单位名称", "合计", "一般公共预算财政拨款"],
        *_lanci(w, 4),
    ]
    w.table(title, hdr, body)
    w.record_table("other", title, rec)


def _h(w: Writer, first: str) -> list[str]:
    """The 序号 column's header cell, when the table has that column."""
    return [first] if w.style.seq_col else []


def _seq(w: Writer, i: int) -> list[Cell]:
    return [(str(i), None, None)] if w.style.seq_col else []


def _lanci(w: Writer, n: int) -> list[list[str]]:
    if not w.style.seq_col:
        return []
    return [[w.rng.choice(["栏次", "栏次", "档次"]), *[str(i) for i in range(1, n + 1)]]]


def _summary_table(w: Writer, title: str) -> None:
    c = w.c
    inc = c.income
    left = [
        ("一、一般公共预算拨款收入", inc["general_budget"], "income_general_budget"),
        ("二、政府性基金预算拨款收入", inc["gov_fund"], None),
        ("三、国有资本经营预算拨款收入", 0, None),
        ("四、财政专户管理资金收入", inc["special_account"], None),
        ("五、事业收入", inc["business"], None),
        ("六、事业单位经营收入", 0, None),
        ("七、上级补助收入", 0, None),
        ("八、附属单位上缴收入", 0, None),
        ("九、其他收入", inc["other"], None),
    ]
    w.kf["income_general_budget"] = wan(inc["general_budget"])
    rows = functional_rows(c, c.leaves, lambda x: [x.total])
    lei = [(n, v[0]) for code, n, v in rows if len(code) == 3]
    body = []
    for i in range(max(len(left), len(lei))):
        lc = (
            [
                (left[i][0], None, "cell"),
                (w.num(left[i][1]), "AMOUNT" if left[i][1] else None, "num"),
            ]
            if i < len(left)
            else [("", None, None), ("", None, None)]
        )
        rc = (
            [(f"{cn(i + 1)}、{lei[i][0]}", None, "cell"), (w.num(lei[i][1]), "AMOUNT", "num")]
            if i < len(lei)
            else [("", None, None), ("", None, None)]
        )
        body.append(_seq(w, len(body) + 1) + lc + rc)
    tot = c.total
    body.append(
        [
            *_seq(w, len(body) + 1),
            ("本年收入合计", None, "cell"),
            (w.num(tot - c.income["carryover"]), "AMOUNT", "num"),
            ("本年支出合计", None, "cell"),
            (w.num(tot), "AMOUNT", "num"),
        ]
    )
    co = c.income["carryover"]
    body.append(
        [
            *_seq(w, len(body) + 1),
            ("上年结转结余", None, "cell"),
            (w.num(co), "AMOUNT" if co else None, "num"),
            ("年终结转结余", None, "cell"),
            ("", None, None),
        ]
    )
    body.append(
        [
            *_seq(w, len(body) + 1),
            ("收入总计", None, "cell"),
            (w.num(tot), "AMOUNT", "num"),
            ("支出总计", None, "cell"),
            (w.num(tot), "AMOUNT", "num"),
        ]
    )
    w.kf["income_total"] = wan(tot)
    w.kf["expense_total"] = wan(tot)
    header = [
        [*_h(w, "序号"), "收入", "", "支出", ""],
        [*_h(w, ""), "项目", "预算数", "项目", "预算数"],
        *_lanci(w, 4),
    ]
    w.table(title, header, body)
    # a presence-only kind in scoring: its grand total is enough of a record
    w.record_table(
        "income_expense_summary",
        title,
        [{"code": None, "name": "合计", "values": {"total": wan(tot)}}],
    )


def _income_table(w: Writer, title: str) -> None:
    c = w.c
    rows = functional_rows(c, c.leaves, lambda x: [x.total, x.gb + x.fund, x.other])
    body = [
        _seq(w, 1)
        + [("", None, None)] * (3 if w.style.split_codes else 1)
        + [("合计", None, "cell")]
        + _nums(w, [c.total, c.total, c.total - c.income["carryover"]])
    ]
    for code, name, v in rows:
        body.append(
            _seq(w, len(body) + 1)
            + code_cells(w, code)
            + [(name, None, "cell")]
            + _nums(w, [v[0], v[0], v[1]])
        )
    hdr = (
        (["序号"] if w.style.seq_col else [])
        + ["功能分类科目"]
        + [""] * (3 if w.style.split_codes else 1)
        + ["合计", "本年收入", "财政拨款收入", "上年结转"]
    )
    w.table(title, [hdr, _h(w, "") + code_header(w) + ["科目名称"]], body)
    w.record_table(
        "income_summary", title, [{"code": None, "name": "合计", "values": {"total": wan(c.total)}}]
    )


def _nums(w: Writer, vals: list[int]) -> list[Cell]:
    return [(w.num(v), "AMOUNT" if v else None, "num") for v in vals]


def _function_table(
    w: Writer, title: str, leaves: list[Leaf], all_sources: bool, kind: str
) -> None:
    c = w.c
    if all_sources:

        def val(x: Leaf) -> list[int]:
            return [x.total, x.basic, x.project + x.other + x.fund + x.reserve]
    else:

        def val(x: Leaf) -> list[int]:
            return [x.gb, x.basic, x.project + x.reserve]

    rows = functional_rows(c, leaves, val)
    tot = [sum(val(x)[i] for x in leaves) for i in range(3)]
    keys = ["total", "basic", "project"]
    rec = [{"code": None, "name": "合计", "values": values_dict(keys, tot)}]
    body = [
        _seq(w, 1)
        + [("", None, None)] * (3 if w.style.split_codes else 1)
        + [(w.rng.choice(["合计", "合计", "总计"]), None, "cell")]
        + _nums(w, tot)
    ]
    for code, name, v in rows:
        body.append(
            _seq(w, len(body) + 1) + code_cells(w, code) + [(name, None, "cell")] + _nums(w, v)
        )
        rec.append({"code": code, "name": name, "values": values_dict(keys, v)})
    if all_sources:
        w.kf["expense_basic"] = wan(tot[1])
        w.kf["expense_project"] = wan(tot[2])
    hdr = [
        _h(w, "序号")
        + ["功能分类科目"]
        + [""] * (3 if w.style.split_codes else 1)
        + ["合计", "基本支出", "项目支出"],
        _h(w, "") + code_header(w) + ["科目名称"],
        *_lanci(w, 5),
    ]
    w.table(title, hdr, body)
    w.record_table(kind, title, rec)


def _grant_summary(w: Writer, title: str) -> None:
    c = w.c
    rows = functional_rows(c, c.leaves, lambda x: [x.gb + x.fund, x.gb, x.fund])
    lei = [(n, v) for code, n, v in rows if len(code) == 3]
    left = [
        ("一、一般公共预算拨款", c.income["general_budget"]),
        ("二、政府性基金预算拨款", c.income["gov_fund"]),
        ("三、国有资本经营预算拨款", 0),
    ]
    body = []
    for i in range(max(len(left), len(lei))):
        lc = (
            [
                (left[i][0], None, "cell"),
                (w.num(left[i][1]), "AMOUNT" if left[i][1] else None, "num"),
            ]
            if i < len(left)
            else [("", None, None)] * 2
        )
        rc = (
            [(f"{cn(i + 1)}、{lei[i][0]}", None, "cell"), *_nums(w, lei[i][1])]
            if i < len(lei)
            else [("", None, None)] * 4
        )
        body.append(_seq(w, len(body) + 1) + lc + rc)
    g = c.income["general_budget"] + c.income["gov_fund"]
    body.append(
        [
            *_seq(w, len(body) + 1),
            ("收入总计", None, "cell"),
            (w.num(g), "AMOUNT", "num"),
            ("支出总计", None, "cell"),
            *_nums(w, [g, c.income["general_budget"], c.income["gov_fund"]]),
        ]
    )
    hdr = [
        [*_h(w, "序号"), "收入", "", "支出"],
        [
            *_h(w, ""),
            "项目",
            "金额",
            "项目",
            "合计",
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
        ],
        *_lanci(w, 6),
    ]
    w.table(title, hdr, body)
    w.record_table(
        "income_expense_summary",
        title,
        [{"code": None, "name": "合计", "values": {"total": wan(g)}}],
    )


def _economic_table(
    w: Writer,
    title: str,
    kind: str = "basic_expense_by_economic",
    only: str | None = None,
    total_only: bool = False,
    title_prefix: str = "",
) -> None:
    c = w.c
    items = [e for e in c.econ if only is None or e.group == only]
    groups: dict[str, list] = {}
    for e in items:
        groups.setdefault(e.code[:3], []).append(e)
    from training.synth import vocab

    subj = vocab.economic_subjects()
    keys = ["total"] if total_only else ["total", "personnel", "public"]

    def vals(amount: int, group: str) -> list[int]:
        if total_only:
            return [amount]
        return [amount, amount if group == "personnel" else 0, amount if group == "public" else 0]

    pers = sum(e.amount for e in items if e.group == "personnel")
    pub = sum(e.amount for e in items if e.group == "public")
    tot = [pers + pub] if total_only else [pers + pub, pers, pub]
    rec = [{"code": None, "name": "合计", "values": values_dict(keys, tot)}]
    body = [
        [
            *_seq(w, 1),
            ("", None, None),
            (w.rng.choice(["合计", "合计", "总计"]), None, "cell"),
            *_nums(w, tot),
        ]
    ]
    for k in sorted(groups):
        es = groups[k]
        grp = subj[k].group
        v = vals(sum(e.amount for e in es), grp)
        body.append(
            [
                *_seq(w, len(body) + 1),
                (k, "CODE", "code"),
                (subj[k].name, None, "cell"),
                *_nums(w, v),
            ]
        )
        rec.append({"code": k, "name": subj[k].name, "values": values_dict(keys, v)})
        for e in es:
            v = vals(e.amount, e.group)
            body.append(
                [
                    *_seq(w, len(body) + 1),
                    (e.code, "CODE", "code"),
                    (e.name, None, "cell"),
                    *_nums(w, v),
                ]
            )
            rec.append({"code": e.code, "name": e.name, "values": values_dict(keys, v)})
    if not total_only and kind == "basic_expense_by_economic":
        w.kf["expense_personnel"] = wan(pers)
        w.kf["expense_public"] = wan(pub)
    hdr = [
        [*_h(w, "序号"), "支出部门经济分类科目", "", "一般公共预算基本支出"],
        _h(w, "")
        + ["科目编码", "科目名称"]
        + (["金额"] if total_only else ["合计", "人员经费", "公用经费"]),
        *_lanci(w, len(keys) + 2),
    ]
    w.table(title, hdr, body, title_prefix=title_prefix)
    w.record_table(kind, title, rec)


def _fund_table(w: Writer, title: str, leaves: list[Leaf], kind: str, what: str) -> None:
    c = w.c
    hdr = [
        [*_h(w, "序号"), "功能分类科目", "", "合计", "基本支出", "项目支出"],
        _h(w, "") + code_header(w) + ["科目名称"],
        *_lanci(w, 5),
    ]
    if not leaves:
        note = w.rng.choice(
            [f"注：无{what}预算，空表列示。", "注：此表为空。", f"本部门无{what}支出，此表为空表。"]
        )
        w.table(title, hdr, [], empty_note=note)
        w.record_table(kind, title, [])
        if kind == "gov_fund_expense":
            w.kf["income_gov_fund"] = 0.0
        return
    rows = functional_rows(c, leaves, lambda x: [x.fund, 0, x.fund])
    keys = ["total", "basic", "project"]
    tot = sum(x.fund for x in leaves)
    rec = [{"code": None, "name": "合计", "values": values_dict(keys, [tot, 0, tot])}]
    body = [
        _seq(w, 1)
        + [("", None, None)] * (3 if w.style.split_codes else 1)
        + [("合计", None, "cell")]
        + _nums(w, [tot, 0, tot])
    ]
    for code, name, v in rows:
        body.append(
            _seq(w, len(body) + 1) + code_cells(w, code) + [(name, None, "cell")] + _nums(w, v)
        )
        rec.append({"code": code, "name": name, "values": values_dict(keys, v)})
    w.table(title, hdr, body)
    w.record_table(kind, title, rec)
    w.kf["income_gov_fund"] = wan(tot)


def _three_public_rows(c: Content) -> list[tuple[str, str, int]]:
    t = c.three_public
    veh = t["vehicle_purchase"] + t["vehicle_operation"]
    total = t["abroad"] + veh + t["reception"]
    return [
        ("合计", "合计", total),
        ("“三公”经费 小计", "“三公”经费小计", total),
        ("一、因公出国（境）费", "因公出国（境）费", t["abroad"]),
        ("二、公务用车购置及运维费", "公务用车购置及运维费", veh),
        ("其中：公务用车购置费", "其中：公务用车购置费", t["vehicle_purchase"]),
        ("公务用车运行维护费", "公务用车运行维护费", t["vehicle_operation"]),
        ("三、公务接待费", "公务接待费", t["reception"]),
    ]


def _three_public_table(w: Writer, title: str) -> None:
    body, rec = [], []
    for printed, name, v in _three_public_rows(w.c):
        body.append(
            [*_seq(w, len(body) + 1), (printed, None, "cell"), *_nums(w, [v, v]), ("", None, None)]
        )
        rec.append({"code": None, "name": name, "values": values_dict(["total"], [v])})
    hdr = [
        [*_h(w, "序号"), "项目", "资金性质"],
        [*_h(w, ""), "", "合计", "一般公共预算财政拨款", "政府性基金预算拨款"],
        *_lanci(w, 4),
    ]
    w.table(title, hdr, body)
    w.record_table("three_public", title, rec)


def _indicator_table(w: Writer, i: int, p: ProjectSpec) -> None:
    """One 绩效目标表: title naming the project, goal row, header, indicator rows."""
    lay = w.style.layout
    w.put(f"{i}、")
    w.put(p.name, "PROJECT")
    w.put("绩效目标表" if w.rng.random() < 0.85 else "项目绩效目标表")
    w.nl(2)
    sep = "\t" if lay == "tab" else ("\n" if lay == "cell" else "  ")
    w.put("绩效目标" + (sep * 3 if lay == "tab" else sep))
    if p.withheld in ("goal", "table"):
        w.put("1." if w.rng.random() < 0.5 else "")
        w.put(p.marker, "REDACTED")
    else:
        start = w.b.pos
        for k, g in enumerate(p.goal_items):
            if k:
                w.put(" ")
            w.put(f"{k + 1}.{g}。" if len(p.goal_items) > 1 else g + "。")
        w.b._regions.append(_reg(start, w.b.pos, "cell"))
    w.nl()
    out: list[list[Cell]] = []
    out.append(
        [
            (t, None, None)
            for t in [
                "一级指标",
                "二级指标",
                "三级指标",
                "绩效指标描述",
                "指标值",
                "指标值确定依据",
            ]
        ]
    )
    last1 = last2 = None
    if p.withheld == "table":
        seen = []
        for r in p.indicators:
            if (r.level1, r.level2) not in seen:
                seen.append((r.level1, r.level2))
        for l1, l2 in seen:
            cells: list = [
                (l1 if l1 != last1 else "", "IND_L1" if l1 != last1 else None, "cell"),
                (l2, "IND_L2", "cell"),
            ]
            cells += [(p.marker, "REDACTED", None)] * 4
            last1 = l1
            out.append(cells)
        _emit_rows(w, out)
        return
    rng = w.rng
    hidden = p.hidden
    for k, r in enumerate(p.indicators):
        show1 = r.level1 != last1
        show2 = r.level2 != last2 or rng.random() < 0.4 or show1
        cells = [
            (r.level1 if show1 else "", "IND_L1" if show1 else None, "cell"),
            (r.level2 if show2 else "", "IND_L2" if show2 else None, "cell"),
            (r.level3, "IND_L3", "cell"),
            (r.description, "IND_DESC", "cell"),
        ]
        if k in hidden:
            cells += [(p.marker, "REDACTED", None)] * 2
        else:
            cells += [(r.target, "IND_TARGET", "cell"), (r.basis, "IND_BASIS", "cell")]
        out.append(cells)
        last1, last2 = r.level1, r.level2
    # Some tables come as pdftotext prints a ruled table: short cells joined by single spaces,
    # long cells wrapped at the column width onto the following lines. Drawn from the
    # project's own seed, so the document's other draws are unchanged.
    if lay != "cell" and random.Random(f"ruled|{p.name}|{i}").random() < RULED_SHARE:
        _emit_ruled(w, out, random.Random(f"widths|{p.name}|{i}"))
        return
    _emit_rows(w, out)


# The share of 绩效目标表 (outside the cell layout) printed as `_emit_ruled` prints them.
RULED_SHARE = 0.3

# The share of documents whose projects come as the national project form (项目支出绩效目标申报表)
# instead of a 绩效目标表.
FORM_SHARE = 0.3

# The form's indicator grid: which of 绩效指标描述 / 指标值确定依据 it has (most have neither).
_FORM_COLUMNS = (
    (("level1", "level2", "level3", "target"), 0.55),
    (("level1", "level2", "level3", "target", "basis"), 0.2),
    (("level1", "level2", "level3", "description", "target", "basis"), 0.25),
)
_FIELD = {
    "level1": ("一级指标", "IND_L1"),
    "level2": ("二级指标", "IND_L2"),
    "level3": ("三级指标", "IND_L3"),
    "description": ("绩效指标描述", "IND_DESC"),
    "target": ("指标值", "IND_TARGET"),
    "basis": ("指标值确定依据", "IND_BASIS"),
}


def project_targets(w: Writer, i: int, p: ProjectSpec) -> None:
    """Project `p`'s performance targets as the document's template states them: a 绩效目标表
    or, in a `FORM_SHARE` of documents, the national project form. The choice is drawn from
    the document's own seed (its department and year), so the other draws are unchanged."""
    c = w.c
    if random.Random(f"form|{c.dept_name}|{c.year}|{c.total}").random() < FORM_SHARE:
        _project_form(w, i, p)
    else:
        _indicator_table(w, i, p)


def _project_form(w: Writer, i: int, p: ProjectSpec) -> None:
    """项目支出绩效目标申报表 (财政项目支出绩效目标填报表), as the national template has it: a
    header block (项目名称, 主管部门 and 实施单位, 项目资金 in 元 or 万元 with 年度资金总额 and
    its parts, 年度总体目标), then the 一级/二级/三级指标/指标值 grid, often without the
    绩效指标描述 and 指标值确定依据 columns. Gold rows leave a missing column's field empty
    (`Writer.indicator_fields`). Drawn from its own Random, so the document's other draws are
    unchanged."""
    rng = random.Random(f"formrows|{p.name}|{i}")
    c, y = w.c, w.c.year
    fields = rng.choices([f for f, _ in _FORM_COLUMNS], [wt for _, wt in _FORM_COLUMNS])[0]
    w.indicator_fields[p.name] = fields
    title = rng.choice(
        [f"{y}年项目支出绩效目标申报表", "财政项目支出绩效目标填报表", f"{y}年度项目支出绩效目标表"]
    )
    w.put(f"{i}、" if rng.random() < 0.5 else "")
    w.put(title)
    w.nl(2)
    if rng.random() < 0.5:
        w.put("填报单位（盖章）：" if rng.random() < 0.5 else "填报单位：")
        w.put(c.dept_name, "DEPT")
        w.nl(2)
    in_yuan = rng.random() < 0.6

    def money(yuan: int) -> Cell:
        v = yuan if in_yuan else yuan / 10000
        text = f"{v:,.2f}" if rng.random() < 0.6 else f"{v:.2f}"
        return (text, "AMOUNT" if yuan else None, "num")

    other = 0 if rng.random() < 0.7 else p.amount // rng.choice((5, 10, 20))
    head: list[list[Cell]] = [
        [("项目名称", None, None), (p.name, "PROJECT", "cell")],
        [("主管部门", None, None), (c.dept_name, "DEPT", "cell")]
        + ([("实施单位", None, None), (c.dept_name, "DEPT", "cell")] if rng.random() < 0.6 else []),
        [
            ("项目资金（元）" if in_yuan else "项目资金（万元）", None, None),
            ("年度资金总额", None, None),
            money(p.amount + other),
        ],
        [("", None, None), ("其中：财政拨款", None, None), money(p.amount)],
        [("", None, None), ("其他资金", None, None), money(other)],
    ]
    goal = (
        (p.marker, "REDACTED", None)
        if p.withheld in ("goal", "table")
        else ("".join(f"{k + 1}.{g}。" for k, g in enumerate(p.goal_items)), None, "cell")
    )
    head.append([(rng.choice(["年度总体目标", "年度绩效目标", "总体目标"]), None, None), goal])
    grid: list[list[Cell]] = [[(_FIELD[f][0], None, None) for f in fields]]
    lead: list[Cell] = []
    if rng.random() < 0.4:  # a 绩效指标 cell merged down the grid's first column
        grid[0].insert(0, ("绩效指标", None, None))
        lead = [("", None, None)]
    hidden = p.hidden
    last1 = last2 = None
    rows = p.indicators
    if p.withheld == "table":
        rows = [r for k, r in enumerate(rows) if (r.level1, r.level2) not in
                {(q.level1, q.level2) for q in rows[:k]}]  # fmt: skip
    for k, r in enumerate(rows):
        show1 = r.level1 != last1
        show2 = r.level2 != last2 or show1
        cells: list[Cell] = []
        for f in fields:
            if f == "level1":
                cells.append((r.level1 if show1 else "", "IND_L1" if show1 else None, "cell"))
            elif f == "level2":
                shown = show2 or p.withheld == "table"
                cells.append((r.level2 if shown else "", "IND_L2" if shown else None, "cell"))
            elif p.withheld == "table" or (k in hidden and f in ("target", "basis")):
                cells.append((p.marker, "REDACTED", None))
            else:
                cells.append((getattr(r, f), _FIELD[f][1], "cell"))
        grid.append(lead + cells)
        last1, last2 = r.level1, r.level2
    if w.style.layout != "cell" and rng.random() < RULED_SHARE:
        _emit_ruled(w, head + grid, random.Random(f"widths|{p.name}|{i}"))
        return
    for row in head:
        w.row(row)
    _emit_rows(w, grid)


def _emit_ruled(w: Writer, rows: list[list[Cell]], rng: random.Random) -> None:
    """Rows as pdftotext writes a ruled table without -layout: each row's non-empty cells
    joined by single spaces, a cell longer than its column's width (in characters) cut there
    and continued on the next lines (pieces of several cells side by side), a blank line
    between lines. Every piece keeps its cell's label."""
    widths = [rng.choice((4, 5, 6)), rng.choice((5, 6, 7)), rng.choice((5, 6, 7, 8)),
              rng.choice((5, 6, 7, 8)), rng.choice((6, 8, 10)), rng.choice((6, 7, 8))]  # fmt: skip
    for k, row in enumerate(rows):
        pieces = []
        for col, (text, label, kind) in enumerate(row):
            width = 99 if k == 0 else widths[min(col, len(widths) - 1)]
            # a target (≥95%, 12月31日前) or a figure is not cut: it fits its column
            if label in ("IND_TARGET", "REDACTED") or kind == "num" or not text:
                width = 99
            pieces.append([(text[a : a + width], label, kind) for a in range(0, len(text), width)])
        for n in range(max((len(p) for p in pieces), default=0)):
            cells = [p[n] for p in pieces if n < len(p) and p[n][0]]
            for j, (text, label, kind) in enumerate(cells):
                if j:
                    w.put(" ")
                w.put(text, label, kind)
            w.nl(2)


def _emit_rows(w: Writer, rows: list[list[Cell]]) -> None:
    """Write table rows; in the space layout the columns are padded to a common width, as a
    layout-preserving PDF-to-text tool prints them."""
    widths = None
    if w.style.layout == "space":
        n = max(len(r) for r in rows)
        widths = [
            max((display_width(r[i][0]) for r in rows if i < len(r)), default=0) for i in range(n)
        ]
    for r in rows:
        w.row(r, widths)


def _project_explained(w: Writer, i: int, p: ProjectSpec) -> None:
    """ "（一）XX经费情况说明": amount, use and goal in prose, instead of a 绩效目标表."""
    w.para(f"（{cn(i)}）", (p.name, "PROJECT"), "情况说明")
    use = "；".join(p.goal_items)
    w.para(
        f"该项目{w.c.year}年预算安排",
        w.amt(p.amount),
        f"，主要用于{p.topic}相关工作。",
    )
    if p.withheld == "goal":
        w.para("绩效目标：", (p.marker, "REDACTED"), "。")
    else:
        w.para(f"绩效目标：{use}。")


def _reg(s: int, e: int, kind: str):
    from training.synth.textbuf import Region

    return Region(s, e, kind)


# Duties that name the party and government bodies the department serves (省委, 县委、县政府,
# 县人大 ...): real 职责 text is full of them, and none is a DEPT entity. The department's own
# short name, when a duty names it, is. {UP}: the bodies above, {L}: the level character,
# {D}: the department's short name (labelled).
_BODY_DUTIES = [
    "负责推动{UP}决策部署的贯彻落实",
    "负责{UP}重要工作部署落实情况的督促检查",
    "承办{L}委、{L}政府交办的其他事项",
    "围绕{L}委中心工作开展调查研究，提出意见建议",
    "协助{L}委协调{L}人大、{L}政府、{L}政协有关工作",
    "负责{L}委重要会议的组织和服务保障",
    "负责{UP}领导批示事项的催办和反馈",
    "负责{L}委和{D}文件的起草、审核工作",
    "负责{D}机关的公文运转、归档和保密工作",
]


def _bodies_above(w: Writer) -> str:
    """The party bodies above the department's level, as prose lists them."""
    L = w.c.place.lchar
    chain = {"county": ["党中央", "省委", "市委", f"{L}委"], "city": ["党中央", "省委", f"{L}委"]}
    bodies = chain.get(w.c.place.level, ["党中央", "国务院", f"{L}委"])
    sep = w.rng.choice(["、", "，"])
    return sep.join(bodies[:-1]) + "和" + bodies[-1]


def _body_duty(w: Writer) -> list[str | tuple[str, str]]:
    c = w.c
    text = w.rng.choice(_BODY_DUTIES).format(UP=_bodies_above(w), L=c.place.lchar, D="\0")
    head, named, tail = text.partition("\0")
    return [head, (c.dept_short, "DEPT"), tail] if named else [head]


def _duties(w: Writer, topics: list[str]) -> None:
    c = w.c
    w.para((c.dept_short, "DEPT"), "的主要职责是：")
    for i, t in enumerate(w.rng.sample(topics, min(len(topics), w.rng.randint(3, 7))), 1):
        if w.rng.random() < 0.35:
            w.para(f"（{cn(i)}）", *_body_duty(w), "。")
            continue
        verb = w.rng.choice(_DUTY_VERBS)
        obj = w.rng.choice(_DUTY_OBJECTS).format(T=t, L=c.place.lchar)
        w.para(f"（{cn(i)}）{verb}{obj}。")


def _county_prose(w: Writer) -> None:
    c, rng = w.c, w.rng
    y = c.year
    w.para(w.dept(), f" {y} 年部门预算信息公开情况说明")
    w.para(
        "按照《中华人民共和国预算法》、《地方预决算公开操作规程》等规定，现将",
        w.dept(),
        f" {y} 年部门预算公开如下：",
    )
    w.para("一、部门职责及机构设置情况")
    w.para("部门职责：")
    _duties(w, c.topics)
    w.para("二、部门预算安排的总体情况")
    w.para(
        "按照预算管理有关规定，目前我",
        c.place.lchar if c.place.level != "province" else "省",
        "部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。",
        w.dept(),
        "机关及所属事业单位的收支包含在部门预算中。",
    )
    w.para("1、收入说明")
    inc = c.income
    w.para(
        f"反映本部门当年全部收入。{y}年预算收入",
        w.amt(c.total, "income_total"),
        "，其中：一般公共预算收入",
        w.amt(inc["general_budget"], "income_general_budget"),
        "，基金预算收入",
        w.amt(inc["gov_fund"], "income_gov_fund"),
        "，国有资本经营预算收入",
        w.amt(0, "income_state_capital"),
        "，财政专户核拨收入",
        w.amt(inc["special_account"], "income_special_account"),
        *(("，事业收入", w.amt(inc["business"], "income_business")) if inc["business"] else ()),
        "，其他来源收入",
        w.amt(inc["other"], "income_other"),
        "，上年结转结余",
        w.amt(inc["carryover"], "carryover"),
        "。",
    )
    w.para("2、支出说明")
    names = [p.name for p in c.projects if p.withheld != "table"][: rng.randint(2, 4)]
    items: list = []
    for k, n in enumerate(names):
        items += ["、" if k else "", (n, "PROJECT")]
    w.para(
        f"{y}年支出预算",
        w.amt(c.total, "expense_total"),
        "，其中基本支出",
        w.amt(c.basic, "expense_basic"),
        "，包括人员经费",
        w.amt(c.personnel, "expense_personnel"),
        "和日常公用经费",
        w.amt(c.public, "expense_public"),
        "；项目支出",
        w.amt(c.project, "expense_project"),
        "，主要为",
        *items,
        "等。",
    )
    w.para("3、比上年增减情况")
    ch = c.total - c.prior_total
    chb = c.basic - c.prior_basic
    chp = ch - chb
    word = "增加" if ch >= 0 else "减少"
    w.kf["change_total"] = wan(ch)
    w.para(
        f"{y}年预算收支安排",
        w.amt(c.total),
        f"，较{y - 1}年预算{word}",
        w.amt(abs(ch)),
        f"，其中：基本支出{'增加' if chb >= 0 else '减少'}",
        w.amt(abs(chb)),
        f"，主要为{rng.choice(['人员工资等经费增加', '人员变动', '政策性调资', '公用经费调整'])}；"
        f"项目支出{'增加' if chp >= 0 else '减少'}",
        w.amt(abs(chp)),
        f"，主要为{rng.choice(['项目调整', '新增项目', '部分项目完成', '压减一般性支出'])}。",
    )
    w.para("三、机关运行经费安排情况")
    w.para(
        f"{y}年，我部门机关运行经费共计安排",
        w.amt(c.operating_cost, "operating_cost"),
        "，主要用于办公费、差旅费、其他交通费等日常运行支出。",
    )
    w.para("四、财政拨款“三公”经费预算情况及增减变化原因")
    t = c.three_public
    veh = t["vehicle_purchase"] + t["vehicle_operation"]
    w.para(
        f"{y}年，我部门财政拨款“三公”经费预算安排",
        w.amt(t["abroad"] + veh + t["reception"], "three_public_total"),
        "，其中因公出国（境）费",
        w.amt(t["abroad"], "three_public_abroad"),
        "；公务用车购置及运维费",
        w.amt(veh, "three_public_vehicle"),
        "（其中：公务用车购置费为",
        w.amt(t["vehicle_purchase"], "three_public_vehicle_purchase"),
        "，公务用车运维费",
        w.amt(t["vehicle_operation"], "three_public_vehicle_operation"),
        "）；公务接待费",
        w.amt(t["reception"], "three_public_reception"),
        "。",
        rng.choice([f"与{y - 1}年相比持平，无增减变化。", "比上年有所减少，主要是厉行节约。", ""]),
    )
    w.para("五、预算绩效信息")
    w.para("第一部分 部门整体绩效目标")
    w.para("（一）总体绩效目标")
    w.para(
        "围绕",
        (c.dept_short, "DEPT"),
        "中心工作，",
        "；".join(
            g.format(T=tp, L=c.place.lchar)
            for tp, g in zip(c.topics, ["做好{T}工作", "推进{T}", "完善{T}机制"], strict=False)
        )
        + "。",
    )
    w.para("（二）分项绩效目标")
    for i, p in enumerate(c.projects, 1):
        if p.withheld in ("goal", "table"):
            w.para(f"{i}、", (p.name, "PROJECT"), "：", (p.marker, "REDACTED"), "。")
        else:
            w.para(f"{i}、", (p.name, "PROJECT"), "：" + "；".join(p.goal_items) + "。")
    if w.explain_projects:
        w.para("第三部分 项目支出情况说明")
        for i, p in enumerate(c.projects, 1):
            _project_explained(w, i, p)
    else:
        w.para("第三部分 预算项目绩效目标")
        for i, p in enumerate(c.projects, 1):
            project_targets(w, i, p)
            w.nl()
    _procurement(w, "六、政府采购预算情况")
    _assets(w)
    w.para("八、名词解释")
    w.para("1、一般公共预算拨款收入：指", c.place.lchar, "级财政当年拨付的资金。")
    w.para("2、基本支出：指为保障机构正常运转、完成日常工作而发生的人员支出和公用支出。")
    w.para("3、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。")
    w.para("九、其他需要说明的事项")
    w.para("我部门无其他需要说明的事项。")


def _procurement(w: Writer, heading: str) -> None:
    c = w.c
    tot = sum(a for _, a in c.procurement)
    w.para(heading)
    w.para(
        f"{c.year}年，",
        w.dept(),
        "安排政府采购预算",
        w.amt(tot, "procurement_total", strip=False),
        "。具体内容见下表。",
    )
    title = "部门政府采购预算"
    hdr = [["采购品目", "采购物品名称", "政府采购金额"]]
    if not c.procurement:
        w.table(title, hdr, [], empty_note="注：无政府采购预算，空表列示。")
        w.record_table("procurement", title, [])
        return
    body = [[("合计", None, "cell"), ("", None, None), *_nums(w, [tot])]]
    rec = [{"code": None, "name": "合计", "values": {"total": wan(tot)}}]
    for name, a in c.procurement:
        body.append(
            [(w.rng.choice(["货物", "服务"]), None, "cell"), (name, None, "cell"), *_nums(w, [a])]
        )
        rec.append({"code": None, "name": name, "values": {"total": wan(a)}})
    w.table(title, hdr, body)
    w.record_table("procurement", title, rec)


def _assets(w: Writer) -> None:
    c = w.c
    fa = c.fixed_assets
    tot = sum(fa.values())
    w.para("七、国有资产信息")
    w.para(
        w.dept(),
        "（含所属单位）上年末固定资产金额为",
        w.amt(tot, "fixed_assets_total", strip=False),
        "（详见下表）。",
    )
    title = "部门固定资产占用情况表"
    rows = [
        ("资产总额", "合计", tot, ""),
        ("1、房屋（平方米）", "房屋（平方米）", fa["house"], ""),
        (
            "2、车辆（台、辆）",
            "车辆（台、辆）",
            fa["vehicle"],
            str(c.vehicles) if c.vehicles else "",
        ),
        ("3、单价在 20 万元以上的设备", "单价在20万元以上的设备", fa["equipment"], ""),
        ("4、其他固定资产", "其他固定资产", fa["other"], ""),
    ]
    body, rec = [], []
    for printed, name, v, count in rows:
        body.append(
            [
                (printed, None, "cell"),
                (count, None, None),
                (w.num(v), "AMOUNT" if v else None, "num"),
            ]
        )
        rec.append({"code": None, "name": name, "values": values_dict(["total"], [v])})
    w.table(title, [["项目", "数量", f"价值（金额单位：{c.unit}）"]], body)
    w.record_table("fixed_assets", title, rec)


# --- province family -----------------------------------------------------------------------


def render_province(w: Writer) -> None:
    c, rng = w.c, w.rng
    y = c.year
    # provincial templates of these years often describe projects in prose, not in tables
    w.explain_projects = rng.random() < 0.4
    if w.explain_projects:
        _explained_withholding(c)
    w.para(w.dept())
    w.para(f"{y} 年度部门预算")
    w.para("第一部分 部门概况")
    w.para("一、主要职能")
    _duties(w, c.topics)
    w.para(f"二、{y} 年主要工作任务及目标")
    for i, t in enumerate(c.topics[: rng.randint(2, 5)], 1):
        w.para(f"（{cn(i)}）扎实推进{t}工作，确保完成年度目标任务。")
    w.para("三、部门机构设置和所属单位情况")
    w.para(w.dept(), f"内设{rng.randint(5, 30)}个处室，所属事业单位{rng.randint(0, 6)}个。")
    w.para("第二部分 ", w.dept(), f" {y} 年度部门预算表")
    tot = c.total
    w.kf["income_total"] = wan(tot)
    w.kf["expense_total"] = wan(tot)
    # 支出预算总表: one totals row
    vals = [tot, c.basic, c.project] + ([c.reserve] if c.reserve else [])
    w.table(
        "支出预算总表",
        [["合计", "基本支出", "项目支出"] + (["单位预留机动经费"] if c.reserve else [])],
        [_nums(w, vals)],
        title_prefix="三、" if rng.random() < 0.3 else "",
    )
    # A 支出总表 under SCHEMA.md even with one row; 单位预留机动经费 has no column key.
    totals = {"total": wan(tot), "basic": wan(c.basic), "project": wan(c.project)}
    w.record_table(
        "expense_by_function", "支出预算总表", [{"code": None, "name": "合计", "values": totals}]
    )
    w.kf["expense_basic"] = wan(c.basic)
    w.kf["expense_project"] = wan(c.project)
    if c.reserve:
        w.kf["expense_reserve"] = wan(c.reserve)
    grant = [x for x in c.leaves if x.gb + x.fund > 0]
    _prov_function(w, "财政拨款支出预算表", grant, lambda x: x.gb + x.fund)
    _economic_table(w, "财政拨款基本支出预算表", total_only=True)
    funds = [x for x in c.leaves if x.fund > 0]
    if funds:
        _prov_function(
            w, "财政拨款政府性基金支出预算表", funds, lambda x: x.fund, "gov_fund_expense"
        )
        w.kf["income_gov_fund"] = wan(sum(x.fund for x in funds))
    else:
        w.table(
            "财政拨款政府性基金支出预算表",
            [["功能科目代码", "功能科目名称", "金额"], ["合计"]],
            [],
            empty_note=rng.choice(
                [
                    "(无政府性基金支出）",
                    "注：此表为空。",
                    "本部门无政府性基金预算支出，此表为空表。",
                ]
            ),
        )
        w.record_table("gov_fund_expense", "财政拨款政府性基金支出预算表", [])
    _prov_function(w, "一般公共预算支出预算表", [x for x in c.leaves if x.gb > 0], lambda x: x.gb)
    _economic_table(w, "一般公共预算基本支出预算表", total_only=True)
    _operating_table(w)
    _prov_three_public(w)
    _prov_prose(w)


def _prov_function(
    w: Writer, title: str, leaves: list[Leaf], val, kind: str = "expense_by_function"
) -> None:
    c = w.c
    rows = functional_rows(c, leaves, lambda x: [val(x)])
    tot = sum(val(x) for x in leaves)
    rec = [{"code": None, "name": "合计", "values": {"total": wan(tot)}}]
    body = [
        [("", None, None)] * (3 if w.style.split_codes else 1)
        + [("合计", None, "cell")]
        + _nums(w, [tot])
    ]
    if not w.style.split_codes and w.style.layout != "tab":
        body[0] = [("合计", None, "cell"), *_nums(w, [tot])]
    for code, name, v in rows:
        body.append([*code_cells(w, code), (name, None, "cell"), *_nums(w, v)])
        rec.append({"code": code, "name": name, "values": values_dict(["total"], v)})
    hdr = [
        (["类", "款", "项"] if w.style.split_codes else ["功能科目代码"]) + ["功能科目名称", "金额"]
    ]
    w.table(title, hdr, body)
    w.record_table(kind, title, rec)


def _operating_table(w: Writer) -> None:
    c = w.c
    pub = [e for e in c.econ if e.group == "public"]
    extra = c.operating_cost - sum(e.amount for e in pub)
    title = "一般公共预算机关运行经费支出预算表"
    rec = [{"code": None, "name": "合计", "values": {"total": wan(c.operating_cost)}}]
    body = [[("", None, None), ("合计", None, "cell"), *_nums(w, [c.operating_cost])]]
    items = [(e.code, e.name, e.amount) for e in pub]
    if extra > 0:
        items.append(("30299", "其他商品和服务支出", extra))
    merged: dict[str, list] = {}
    for code, name, a in items:
        if code in merged:
            merged[code][1] += a
        else:
            merged[code] = [name, a]
    for code in sorted(merged):
        name, a = merged[code]
        body.append([(code, "CODE", "code"), (name, None, "cell"), *_nums(w, [a])])
        rec.append({"code": code, "name": name, "values": {"total": wan(a)}})
    w.table(title, [["科目编码", "科目名称", "机关运行经费支出"]], body)
    w.record_table("other", title, rec)
    w.kf["operating_cost"] = wan(c.operating_cost)


def _prov_three_public(w: Writer) -> None:
    c = w.c
    t = c.three_public
    veh = t["vehicle_purchase"] + t["vehicle_operation"]
    sub = t["abroad"] + veh + t["reception"]
    total = sub + c.meeting_fee + c.training_fee
    title = "“三公”经费、会议费、培训费支出预算表"
    cols = [
        ("合计", "合计", total),
        ("小计", "“三公”经费小计", sub),
        ("因公出国（境）费", "因公出国（境）费", t["abroad"]),
        ("公务用车购置及运行维护费", "公务用车购置及运行维护费", veh),
        ("公务用车购置费", "公务用车购置费", t["vehicle_purchase"]),
        ("公务用车运行维护费", "公务用车运行维护费", t["vehicle_operation"]),
        ("公务接待费", "公务接待费", t["reception"]),
        ("会议费", "会议费", c.meeting_fee),
        ("培训费", "培训费", c.training_fee),
    ]
    hdr = [
        ["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
        # the sub-header sits under the “三公”经费 group: column 1 on, as printed
        ["", *[h for h, _, _ in cols[1:7]], "", ""],
    ]
    body = [[(w.num(v, zero_blank=False), "AMOUNT", "num") for _, _, v in cols]]
    w.table(title, hdr, body)
    w.record_table(
        "three_public",
        title,
        [{"code": None, "name": n, "values": {"total": wan(v)}} for _, n, v in cols],
    )
    w.kf.update(
        {
            "three_public_total": wan(sub),
            "three_public_abroad": wan(t["abroad"]),
            "three_public_vehicle": wan(veh),
            "three_public_vehicle_purchase": wan(t["vehicle_purchase"]),
            "three_public_vehicle_operation": wan(t["vehicle_operation"]),
            "three_public_reception": wan(t["reception"]),
            "meeting_fee": wan(c.meeting_fee),
            "training_fee": wan(c.training_fee),
        }
    )


def _prov_prose(w: Writer) -> None:
    c, rng = w.c, w.rng
    y = c.year
    w.para("第三部分 ", w.dept(), f" {y} 年度部门预算情况说明")
    w.para("一、收支预算总表情况说明")
    ch = c.total - c.prior_total
    w.kf["change_total"] = wan(ch)
    word = "增加" if ch >= 0 else "减少"
    pct = abs(ch) / c.prior_total * 100
    w.para(
        w.dept(),
        f" {y} 年度收入、支出预算总计",
        w.amt(c.total, strip=True),
        f"，与上年相比收、支预算总计各{word}",
        w.amt(abs(ch), strip=True),
        f"，{'增长' if ch >= 0 else '减少'} {pct:.2f}%。主要原因是",
        rng.choice(["政策性增资", "项目调整", "压减一般性支出", "人员变动"]),
        "。",
    )
    inc = c.income
    w.para(
        "（一）收入预算总计",
        w.amt(c.total, strip=True),
        "。包括：一般公共预算收入",
        w.amt(inc["general_budget"], "income_general_budget", strip=True),
        "，政府性基金预算收入",
        w.amt(inc["gov_fund"], "income_gov_fund", strip=True),
        "，财政专户管理资金收入",
        w.amt(inc["special_account"], "income_special_account", strip=True),
        "，其他资金",
        w.amt(inc["other"] + inc["business"], "income_other", strip=True),
        "，上年结转资金",
        w.amt(inc["carryover"], "carryover", strip=True),
        "。",
    )
    w.para(
        "（二）支出预算总计",
        w.amt(c.total, strip=True),
        "。其中：基本支出",
        w.amt(c.basic, strip=True),
        "，项目支出",
        w.amt(c.project, strip=True),
        *(("，单位预留机动经费", w.amt(c.reserve, strip=True)) if c.reserve else ()),
        "。",
    )
    w.para("二、财政拨款基本支出预算表情况说明")
    w.para(w.dept(), f" {y} 年度财政拨款基本支出预算", w.amt(c.basic, strip=True), "，其中：")
    w.para(
        "人员经费",
        w.amt(c.personnel, "expense_personnel", strip=True),
        "。主要包括：基本工资、津贴补贴、奖金、社会保障缴费、离休费、退休费等。",
    )
    w.para(
        "公用经费",
        w.amt(c.public, "expense_public", strip=True),
        "。主要包括：办公费、水费、电费、邮电费、差旅费、公务用车运行维护费等。",
    )
    w.para("三、一般公共预算机关运行经费支出预算表情况说明")
    w.para(
        f"{y} 年本部门一般公共预算机关运行经费预算支出", w.amt(c.operating_cost, strip=True), "。"
    )
    w.para("四、一般公共预算“三公”经费支出预算表情况说明")
    t = c.three_public
    w.para(
        w.dept(),
        f" {y} 年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费支出",
        w.amt(t["abroad"], strip=True),
        "；公务用车购置及运行费支出",
        w.amt(t["vehicle_purchase"] + t["vehicle_operation"], strip=True),
        "；公务接待费支出",
        w.amt(t["reception"], strip=True),
        "。",
    )
    tot = sum(a for _, a in c.procurement)
    w.para(f"五、{y} 年部门政府采购预算情况说明")
    w.para(f"{y} 年度我部门政府采购预算总金额为", w.amt(tot, "procurement_total", strip=True), "。")
    w.para("六、预算绩效目标情况说明")
    w.para(f"{y} 年本部门实行绩效目标管理的项目{len(c.projects)}个，具体如下：")
    for i, p in enumerate(c.projects, 1):
        if w.explain_projects:
            _project_explained(w, i, p)
        else:
            project_targets(w, i, p)
            w.nl()
    w.para("第四部分 名词解释")
    w.para("一、财政拨款：指由一般公共预算、政府性基金预算安排的财政拨款数。")
    w.para("二、基本支出：包括人员经费、商品和服务支出（定额）。")


__all__ = ["render_county", "render_province", "strip_enum"]
