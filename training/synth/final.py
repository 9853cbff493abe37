"""The 部门决算 (final accounts) family: one department's year-end accounts in the nine
standard tables of the 2019-2024 决算 template (the blank Shanghai 2024 部门决算模板 in
../shared/corpora/templates) and its 情况说明, written from the same `Content` as a budget,
whose amounts become the year's 决算数 (actuals). The numbers the budget family does not
have — 年初/年末结转和结余, 使用非财政拨款结余, 结余分配, the “三公” 预算数 beside its 决算数,
last year's 收入支出总计 — are drawn here so that every identity of the template holds:

    总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余
         = 本年支出合计 + 结余分配 + 年末结转和结余

and the same for the 财政拨款 part. The gold record has `kind: final_accounts` and the 决算 key
figures of SCHEMA 1.1 (grand_total, carryover, carryover_end).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ie import checks
from training.synth.content import Content, Leaf
from training.synth.render import Cell, Writer, cn, functional_rows, values_dict, wan
from training.synth.templates import (
    _duties,
    _economic_table,
    _h,
    _lanci,
    _nums,
    _seq,
    code_cells,
    code_header,
)

# The nine standard tables (ie.checks.FINAL_TABLES), in template order: (title, SCHEMA kind).
FINAL_TABLES: tuple[tuple[str, str], ...] = tuple(
    (name, kind)
    for (name, _, _), kind in zip(
        checks.FINAL_TABLES,
        (
            "income_expense_summary",
            "income_summary",
            "expense_by_function",
            "income_expense_summary",
            "expense_by_function",
            "basic_expense_by_economic",
            "three_public",
            "gov_fund_expense",
            "state_capital_expense",
        ),
        strict=True,
    )
)


@dataclass(frozen=True, slots=True)
class FinalFigures:
    """What a 决算 states beyond the budget `Content`, in 元."""

    income: dict[str, int]  # general_budget, gov_fund, business, other (本年收入 by source)
    carry_begin: int  # 年初结转和结余
    carry_end: int  # 年末结转和结余
    use_balance: int  # 使用非财政拨款结余
    distribution: int  # 结余分配
    fiscal_begin: int  # 年初财政拨款结转和结余
    fiscal_end: int  # 年末财政拨款结转和结余
    prior_grand: int  # last year's 收入支出总计
    three_public_budget: dict[str, int]  # “三公” 预算数 by item
    gb_budget: int  # 一般公共预算财政拨款支出 年初预算数

    @property
    def income_total(self) -> int:
        return sum(self.income.values())

    @property
    def grand_total(self) -> int:
        return self.income_total + self.use_balance + self.carry_begin


def _expense(x: Leaf) -> list[int]:
    """本年支出合计, 基本支出, 项目支出 of a leaf (a budget's 预留机动经费 went to projects)."""
    return [x.total, x.basic, x.total - x.basic]


def _fiscal(x: Leaf) -> int:
    return x.gb + x.fund


def draw_final(c: Content, rng: random.Random) -> FinalFigures:
    """The 决算's own numbers for `c`, consistent with its expenses (see the module doc)."""
    gran = 100
    spent = c.total
    fiscal_spent = sum(_fiscal(x) for x in c.leaves)
    fund = sum(x.fund for x in c.leaves)

    def some(share: float, p: float) -> int:
        if rng.random() >= p:
            return 0
        return int(spent * rng.uniform(0.005, share)) // gran * gran

    fiscal_begin, fiscal_end = some(0.08, 0.6), some(0.08, 0.6)
    other_begin, other_end = some(0.04, 0.3), some(0.04, 0.3)
    use_balance = min(other_begin, some(0.02, 0.15))
    distribution = some(0.01, 0.1)
    fiscal_income = fiscal_spent + fiscal_end - fiscal_begin
    # 本年收入合计 - 财政拨款收入: what the department's own money paid, net of its balances
    nonfiscal = (spent - fiscal_spent) + distribution + other_end - use_balance - other_begin
    if nonfiscal < 0:  # its own balances paid more than it spent of its own money
        other_begin += nonfiscal
        use_balance = min(use_balance, other_begin)
        nonfiscal = (spent - fiscal_spent) + distribution + other_end - use_balance - other_begin
    business = nonfiscal * rng.randint(0, 10) // 10 // gran * gran if c.income["business"] else 0
    income = {
        "general_budget": fiscal_income - fund,
        "gov_fund": fund,
        "business": business,
        "other": nonfiscal - business,
    }
    t = c.three_public
    tp_budget = {k: (v * rng.uniform(1.0, 1.3)) // gran * gran if v else 0 for k, v in t.items()}
    if rng.random() < 0.2 and t["reception"]:
        tp_budget["reception"] = t["reception"]  # 预决算持平
    gb_spent = sum(x.gb for x in c.leaves)
    return FinalFigures(
        income=income,
        carry_begin=fiscal_begin + other_begin,
        carry_end=fiscal_end + other_end,
        use_balance=use_balance,
        distribution=distribution,
        fiscal_begin=fiscal_begin,
        fiscal_end=fiscal_end,
        prior_grand=max(gran, int(spent * rng.uniform(0.7, 1.3)) // gran * gran),
        three_public_budget={k: int(v) for k, v in tp_budget.items()},
        gb_budget=int(gb_spent * rng.uniform(0.85, 1.1)) // gran * gran,
    )


# --- the document ---------------------------------------------------------------------------


def render_final(w: Writer) -> None:
    """A 部门决算 (or, one time in seven, a 单位决算: a unit's own accounts, `level` unit):
    cover, 目录, 概况, the nine tables, 情况说明, 名词解释."""
    c, rng = w.c, w.rng
    f = draw_final(c, rng)
    w.final = True
    w.level = "unit" if rng.random() < 1 / 7 else "department"
    who = "单位" if w.level == "unit" else "部门"
    y = c.year
    w.para(w.dept())
    w.para(f"{y}年度{who}决算" if rng.random() < 0.6 else f"{y} 年度{who}决算")
    w.para("目  录")
    parts = ["概况", f"{y}年度{who}决算表", f"{y}年度{who}决算情况说明", "名词解释"]
    leaders = rng.random() < 0.5  # dot leaders and page numbers, or titles alone
    for i, part in enumerate(parts):
        w.put(f"第{cn(i + 1)}部分 {part}")
        w.nl()
        if i == 1:
            for k, (title, _) in enumerate(FINAL_TABLES):
                w.put(f"{cn(k + 1)}、{title}" + (f"...... {4 + k}" if leaders else ""))
                w.nl()
    w.nl()
    w.para("第一部分 ", w.dept(), "概况")
    w.para("一、主要职能")
    _duties(w, c.topics)
    if w.level == "department":
        w.para("二、部门决算单位构成")
        w.para(
            "纳入",
            w.dept(),
            f"{y}年度部门决算编制范围的单位包括：本级"
            + ("及所属事业单位。" if c.has_institution else "。"),
        )
    w.para("第二部分 ", w.dept(), f"{y}年度{who}决算表")
    titles = [t for t, _ in FINAL_TABLES]
    skip = rng.randrange(len(titles)) if w.drop_final_table else None
    writers = (
        _summary,
        _income,
        _expense_table,
        _fiscal_summary,
        _gb_expense,
        _basic,
        _three_public,
        _fund,
        _state_capital,
    )
    for k, (write, title) in enumerate(zip(writers, titles, strict=True)):
        if k == skip:
            w.dropped_table = title
            continue
        prefix = f"{cn(k + 1)}、" if rng.random() < 0.3 else ""
        write(w, f, title, prefix)
    _prose(w, f)


def _money_rows(
    w: Writer,
    left: list[tuple[str, int]],
    right: list[tuple[str, list[int]]],
    line_no: tuple[int, int] | None = None,
) -> list[list[Cell]]:
    """Body rows of a two-sided 收入/支出 summary: each side an item name and its figures;
    with `line_no` (the first 行次 of each side, as the national template numbers its lines)
    a 行次 cell after each name, and no 序号."""
    width = max((len(v) for _, v in right), default=1)
    pad = 1 if line_no else 0
    body = []
    for i in range(max(len(left), len(right))):
        lc: list[Cell] = (
            [(left[i][0], None, "cell"), *_line_no(line_no, 0, i), *_nums(w, [left[i][1]])]
            if i < len(left)
            else [("", None, None)] * (2 + pad)
        )
        rc: list[Cell] = (
            [(right[i][0], None, "cell"), *_line_no(line_no, 1, i), *_nums(w, right[i][1])]
            if i < len(right)
            else [("", None, None)] * (1 + pad + width)
        )
        body.append(([] if line_no else _seq(w, len(body) + 1)) + lc + rc)
    return body


def _line_no(line_no: tuple[int, int] | None, side: int, i: int) -> list[Cell]:
    return [(str(line_no[side] + i), None, None)] if line_no else []


def _summary(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """收入支出决算总表: 收入 by source, 支出 by 类, the 结转结余 lines and 总计 on both sides."""
    c = w.c
    inc = f.income
    left = [
        ("一、一般公共预算财政拨款收入", inc["general_budget"]),
        ("二、政府性基金预算财政拨款收入", inc["gov_fund"]),
        ("三、国有资本经营预算财政拨款收入", 0),
        ("四、上级补助收入", 0),
        ("五、事业收入", inc["business"]),
        ("六、经营收入", 0),
        ("七、附属单位上缴收入", 0),
        ("八、其他收入", inc["other"]),
    ]
    lei = [
        (n, v) for code, n, v in functional_rows(c, c.leaves, lambda x: [x.total]) if len(code) == 3
    ]
    right = [(f"{cn(i + 1)}、{n}", v) for i, (n, v) in enumerate(lei)]
    # the national template numbers the lines of each side (行次 1… and 29…)
    line_no = (1, 29) if w.rng.random() < 0.4 else None
    body = _money_rows(w, left, right, line_no)
    tail = [
        ("本年收入合计", f.income_total, "本年支出合计", c.total),
        ("使用非财政拨款结余", f.use_balance, "结余分配", f.distribution),
        ("年初结转和结余", f.carry_begin, "年末结转和结余", f.carry_end),
        ("总计", f.grand_total, "总计", f.grand_total),
    ]
    n = max(len(left), len(right))
    for k, (a, av, b, bv) in enumerate(tail):  # the balances are printed even when 0
        body.append(
            [
                *([] if line_no else _seq(w, len(body) + 1)),
                (a, None, "cell"),
                *_line_no(line_no, 0, n + k),
                (w.num(av, zero_blank=False), "AMOUNT", "num"),
                (b, None, "cell"),
                *_line_no(line_no, 1, n + k),
                (w.num(bv, zero_blank=False), "AMOUNT", "num"),
            ]
        )
    if line_no:
        header = [["收入", "", "", "支出", "", ""], ["项目", "行次", "决算数"] * 2]
    else:
        header = [
            [*_h(w, "序号"), "收入", "", "支出", ""],
            [*_h(w, ""), "项目", "决算数", "项目", "决算数"],
            *_lanci(w, 4),
        ]
    w.table(title, header, body, title_prefix=prefix)
    rows = [{"code": None, "name": "合计", "values": {"total": wan(f.grand_total)}}]
    w.record_table("income_expense_summary", title, rows)
    w.kf.update(
        {
            "income_total": wan(f.income_total),
            "expense_total": wan(c.total),
            "grand_total": wan(f.grand_total),
            "carryover": wan(f.carry_begin),
            "carryover_end": wan(f.carry_end),
            "income_general_budget": wan(inc["general_budget"]),
        }
    )
    if inc["gov_fund"]:
        w.kf["income_gov_fund"] = wan(inc["gov_fund"])
    if inc["business"]:
        w.kf["income_business"] = wan(inc["business"])
    if inc["other"]:
        w.kf["income_other"] = wan(inc["other"])


def _coded(
    w: Writer, title: str, prefix: str, kind: str | None, labels: list[str], leaves, value, keys
) -> None:
    """A table by 功能分类科目 with a 合计 row first and `labels` as figure columns; recorded
    under `kind` with the figure columns `keys` (None: a column the schema has no key for)."""
    c = w.c
    rows = functional_rows(c, leaves, value)
    tot = [sum(value(x)[i] for x in leaves) for i in range(len(labels))]
    body = [
        _seq(w, 1)
        + [("", None, None)] * (3 if w.style.split_codes else 1)
        + [(w.rng.choice(["合计", "合计", "总计"]), None, "cell")]
        + _nums(w, tot)
    ]
    named = [(k, i) for i, k in enumerate(keys) if k]

    def rec_values(v: list[int]) -> dict[str, float]:
        return values_dict([k for k, _ in named], [v[i] for _, i in named])

    rec = [{"code": None, "name": "合计", "values": rec_values(tot)}]
    for code, name, v in rows:
        body.append(
            _seq(w, len(body) + 1) + code_cells(w, code) + [(name, None, "cell")] + _nums(w, v)
        )
        rec.append({"code": code, "name": name, "values": rec_values(v)})
    hdr = [
        _h(w, "序号") + ["项目"] + [""] * (3 if w.style.split_codes else 1) + labels,
        _h(w, "") + code_header(w) + ["科目名称"],
        *_lanci(w, len(labels) + 2),
    ]
    w.table(title, hdr, body, title_prefix=prefix)
    if kind:
        w.record_table(kind, title, rec)


def _income(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """收入决算表: 本年收入 by 功能分类科目 and source (a presence-only kind in scoring)."""
    # 本年收入 spread over the 科目 in proportion to their spending, the rounding left on the
    # largest, so that the 合计 is the 本年收入合计 of the summary
    fiscal_in = f.income["general_budget"] + f.income["gov_fund"]
    own_in = f.income_total - fiscal_in
    leaves = w.c.leaves
    fiscal_all = sum(_fiscal(x) for x in leaves) or 1
    own_all = sum(x.total - _fiscal(x) for x in leaves)
    got: dict[str, list[int]] = {}
    for x in leaves:
        a = fiscal_in * _fiscal(x) // fiscal_all // 100 * 100
        b = own_in * (x.total - _fiscal(x)) // own_all // 100 * 100 if own_all else 0
        got[x.code] = [a, b]
    big = max(leaves, key=lambda x: x.total).code
    got[big][0] += fiscal_in - sum(v[0] for v in got.values())
    got[big][1] += own_in - sum(v[1] for v in got.values())

    def value(x: Leaf) -> list[int]:
        a, b = got[x.code]
        return [
            a + b,
            a,
            0,
            b if w.c.income["business"] else 0,
            0,
            0,
            0 if w.c.income["business"] else b,
        ]

    labels = [
        "本年收入合计",
        "财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "附属单位上缴收入",
        "其他收入",
    ]
    keys = ["total"] + [None] * (len(labels) - 1)
    _coded(w, title, prefix, "income_summary", labels, w.c.leaves, value, keys)


def _expense_table(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    labels = [
        "本年支出合计",
        "基本支出",
        "项目支出",
        "上缴上级支出",
        "经营支出",
        "对附属单位补助支出",
    ]

    def value(x: Leaf) -> list[int]:
        return [*_expense(x), 0, 0, 0]

    keys = ["total", "basic", "project", None, None, None]
    _coded(w, title, prefix, "expense_by_function", labels, w.c.leaves, value, keys)
    c = w.c
    w.kf["expense_basic"] = wan(c.basic)
    w.kf["expense_project"] = wan(c.total - c.basic)


def _fiscal_summary(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """财政拨款收入支出决算总表: the appropriations' own 收入/支出 and 结转结余."""
    c = w.c
    inc = f.income
    leaves = [x for x in c.leaves if _fiscal(x)]
    lei = [
        (n, v)
        for code, n, v in functional_rows(c, leaves, lambda x: [_fiscal(x), x.gb, x.fund])
        if len(code) == 3
    ]
    left = [
        ("一、一般公共预算财政拨款", inc["general_budget"]),
        ("二、政府性基金预算财政拨款", inc["gov_fund"]),
        ("三、国有资本经营预算财政拨款", 0),
    ]
    right = [(f"{cn(i + 1)}、{n}", v) for i, (n, v) in enumerate(lei)]
    body = _money_rows(w, left, right)
    income = inc["general_budget"] + inc["gov_fund"]
    spent = [
        sum(_fiscal(x) for x in leaves),
        sum(x.gb for x in leaves),
        sum(x.fund for x in leaves),
    ]
    total = income + f.fiscal_begin
    for a, av, b, bv in (
        ("本年收入合计", income, "本年支出合计", spent),
        ("年初财政拨款结转和结余", f.fiscal_begin, "年末财政拨款结转和结余", [f.fiscal_end]),
        ("总计", total, "总计", [total]),
    ):
        body.append(
            [
                *_seq(w, len(body) + 1),
                (a, None, "cell"),
                *_nums(w, [av]),
                (b, None, "cell"),
                *_nums(w, bv),
            ]
        )
    hdr = [
        [*_h(w, "序号"), "收入", "", "支出"],
        [
            *_h(w, ""),
            "项目",
            "决算数",
            "项目",
            "合计",
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
        ],
        *_lanci(w, 6),
    ]
    w.table(title, hdr, body, title_prefix=prefix)
    w.record_table(
        "income_expense_summary",
        title,
        [{"code": None, "name": "合计", "values": {"total": wan(total)}}],
    )


def _gb_expense(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """一般公共预算财政拨款支出决算表: 合计/基本/项目, now and then with the 年初预算数 first."""
    leaves = [x for x in w.c.leaves if x.gb]
    if w.rng.random() < 0.3:
        # the 年初预算数 of each 科目 is drawn around its 决算数
        budget = {x.code: int(x.gb * w.rng.uniform(0.85, 1.1)) // 100 * 100 for x in leaves}

        def value(x: Leaf) -> list[int]:
            return [budget[x.code], x.gb, x.basic, x.gb - x.basic]

        labels, keys = (
            ["年初预算数", "决算数合计", "基本支出", "项目支出"],
            ["budget", "total", "basic", "project"],
        )
    else:

        def value(x: Leaf) -> list[int]:
            return [x.gb, x.basic, x.gb - x.basic]

        labels, keys = ["合计", "基本支出", "项目支出"], ["total", "basic", "project"]
    _coded(w, title, prefix, "expense_by_function", labels, leaves, value, keys)


def _basic(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """一般公共预算财政拨款基本支出决算表: as the 决算 template prints it, 人员经费 and 公用经费
    side by side (each a 科目编码 | 科目名称 | 决算数 block, their totals on the last line), or
    now and then one list with 合计/人员经费/公用经费 columns as budgets print it."""
    if w.rng.random() < 0.3:
        _economic_table(w, title, title_prefix=prefix)
        return
    from training.synth import vocab

    subj = vocab.economic_subjects()
    blocks: dict[str, list[tuple[str, str, int]]] = {"personnel": [], "public": []}
    groups: dict[str, list] = {}
    for e in w.c.econ:
        groups.setdefault(e.code[:3], []).append(e)
    for k in sorted(groups):
        es = groups[k]
        block = blocks[subj[k].group]
        block.append((k, subj[k].name, sum(e.amount for e in es)))
        block += [(e.code, e.name, e.amount) for e in es]
    left, right = blocks["personnel"], blocks["public"]
    body, rec = [], []
    for i in range(max(len(left), len(right))):
        row: list[Cell] = []
        for block in (left, right):
            if i < len(block):
                code, name, v = block[i]
                row += [(code, "CODE", "code"), (name, None, "cell"), *_nums(w, [v])]
            else:
                row += [("", None, None)] * 3
        body.append(row)
    pers, pub = w.c.personnel, w.c.public
    body.append(
        [
            *[("人员经费合计", None, "cell"), ("", None, None), *_nums(w, [pers])],
            *[("公用经费合计", None, "cell"), ("", None, None), *_nums(w, [pub])],
        ]
    )
    for code, name, v in left + right:
        rec.append({"code": code, "name": name, "values": values_dict(["total"], [v])})
    rec += [
        {"code": None, "name": "人员经费合计", "values": values_dict(["total"], [pers])},
        {"code": None, "name": "公用经费合计", "values": values_dict(["total"], [pub])},
    ]
    hdr = [["人员经费", "", "", "公用经费", "", ""]] if w.rng.random() < 0.5 else []
    hdr.append(["经济分类科目编码", "科目名称", "决算数"] * 2)
    w.table(title, hdr, body, title_prefix=prefix)
    w.record_table("basic_expense_by_economic", title, rec)
    w.kf["expense_personnel"] = wan(pers)
    w.kf["expense_public"] = wan(pub)


def _three_public(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    """财政拨款“三公”经费支出决算表: one row, a 预算数/决算数 pair under each item."""
    t, b = w.c.three_public, f.three_public_budget
    items = [
        ("合计", ("abroad", "vehicle_purchase", "vehicle_operation", "reception")),
        ("因公出国（境）费", ("abroad",)),
        ("公务用车购置及运行维护费", ("vehicle_purchase", "vehicle_operation")),
        ("公务用车购置费", ("vehicle_purchase",)),
        ("公务用车运行维护费", ("vehicle_operation",)),
        ("公务接待费", ("reception",)),
    ]
    pairs = [(name, sum(b[k] for k in keys), sum(t[k] for k in keys)) for name, keys in items]
    hdr = [
        [
            "合计",
            "",
            "因公出国（境）费",
            "",
            "公务用车购置及运行维护费",
            "",
            "",
            "",
            "",
            "",
            "公务接待费",
            "",
        ],
        ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行维护费", "", "", ""],
        ["预算数", "决算数"] * 6,
    ]
    body = [
        [(w.num(v, zero_blank=False), "AMOUNT", "num") for _, bv, tv in pairs for v in (bv, tv)]
    ]
    w.table(title, hdr, body, title_prefix=prefix)
    w.record_table(
        "three_public",
        title,
        [
            {"code": None, "name": n, "values": values_dict(["budget", "total"], [bv, tv], False)}
            for n, bv, tv in pairs
        ],
    )
    keys = ("three_public_total", "three_public_abroad", "three_public_vehicle",
            "three_public_vehicle_purchase", "three_public_vehicle_operation",
            "three_public_reception")  # fmt: skip
    w.kf.update({k: wan(tv) for k, (_, _, tv) in zip(keys, pairs, strict=True)})


def _fund_like(
    w: Writer, title: str, prefix: str, kind: str, what: str, leaves: list[Leaf]
) -> None:
    """政府性基金 / 国有资本经营 决算表: 年初结转和结余, 本年收入, 本年支出 (合计/基本/项目),
    年末结转和结余; with no such money the table is printed empty and declared so."""
    labels = [
        "年初结转和结余",
        "本年收入",
        "本年支出合计",
        "基本支出",
        "项目支出",
        "年末结转和结余",
    ]
    keys = [None, None, "total", "basic", "project", None]
    if not leaves:
        hdr = [
            _h(w, "序号") + ["项目"] + [""] * (3 if w.style.split_codes else 1) + labels,
            _h(w, "") + code_header(w) + ["科目名称"],
        ]
        body = [
            _seq(w, 1)
            + [("", None, None)] * (3 if w.style.split_codes else 1)
            + [("合计", None, "cell")]
        ]
        note = w.rng.choice(
            [
                f"说明：{w.c.dept_short}本年度没有{what}收入和支出，故本表无数据。",
                "注：此表为空。",
                f"本部门无{what}收入支出，此表为空表。",
            ]
        )
        w.table(title, hdr, body, empty_note=note, title_prefix=prefix)
        w.record_table(kind, title, [])
        return

    def value(x: Leaf) -> list[int]:
        return [0, x.fund, x.fund, 0, x.fund, 0]

    _coded(w, title, prefix, kind, labels, leaves, value, keys)


def _fund(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    leaves = [x for x in w.c.leaves if x.fund]
    _fund_like(w, title, prefix, "gov_fund_expense", "政府性基金预算财政拨款", leaves)


def _state_capital(w: Writer, f: FinalFigures, title: str, prefix: str) -> None:
    _fund_like(w, title, prefix, "state_capital_expense", "国有资本经营预算财政拨款", [])


# --- 情况说明 ---------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:.2f}%" if whole else "0%"


def _prose(w: Writer, f: FinalFigures) -> None:
    c, rng = w.c, w.rng
    y = c.year
    w.para("第三部分 ", w.dept(), f"{y}年度{'单位' if w.level == 'unit' else '部门'}决算情况说明")
    w.para("一、收入支出决算总体情况说明")
    ch = f.grand_total - f.prior_grand
    w.kf["change_total"] = wan(ch)
    more = ch >= 0
    w.para(
        w.dept(),
        f"{y}年度收入、支出决算总计" if rng.random() < 0.5 else f"{y}年度收入支出总计",
        w.amt(f.grand_total),
        f"。与{y - 1}年度相比，收入、支出总计各"
        if rng.random() < 0.5
        else f"。与{y - 1}年度相比，收入支出总计",
        "增加" if more else "减少",
        w.amt(abs(ch)),
        "，"
        + ("增长" if more else "下降")
        + f"{_pct(abs(ch), f.prior_grand)}。主要原因："
        + rng.choice(["人员经费增加", "项目支出减少", "政策性增资", "压减一般性支出"])
        + "。",
    )
    w.para("二、收入决算情况说明")
    inc = f.income
    fiscal = inc["general_budget"] + inc["gov_fund"]
    parts: list = ["本年收入合计", w.amt(f.income_total), "，其中：财政拨款收入", w.amt(fiscal),
                   f"，占{_pct(fiscal, f.income_total)}"]  # fmt: skip
    if inc["business"]:
        parts += [
            "；事业收入",
            w.amt(inc["business"]),
            f"，占{_pct(inc['business'], f.income_total)}",
        ]
    if inc["other"]:
        parts += ["；其他收入", w.amt(inc["other"]), f"，占{_pct(inc['other'], f.income_total)}"]
    w.para(*parts, "。")
    w.para("三、支出决算情况说明")
    proj = c.total - c.basic
    w.para(
        "本年支出合计",
        w.amt(c.total),
        "，其中：基本支出",
        w.amt(c.basic),
        f"，占{_pct(c.basic, c.total)}；项目支出",
        w.amt(proj),
        f"，占{_pct(proj, c.total)}。",
    )
    w.para("四、财政拨款收入支出决算总体情况说明")
    fiscal_total = fiscal + f.fiscal_begin
    w.para(
        w.dept(),
        f"{y}年度财政拨款收入支出总计",
        w.amt(fiscal_total),
        "。主要原因：" + rng.choice(["项目调整", "人员变动", "政策性增资"]) + "。",
    )
    w.para("五、一般公共预算财政拨款支出决算情况说明")
    gb = sum(x.gb for x in c.leaves)
    w.para(
        "一般公共预算财政拨款支出年初预算为",
        w.amt(f.gb_budget),
        "，支出决算为",
        w.amt(gb),
        f"，完成年初预算的{_pct(gb, f.gb_budget)}。",
    )
    w.para("六、一般公共预算财政拨款基本支出决算情况说明")
    w.para(
        "一般公共预算财政拨款基本支出",
        w.amt(c.basic),
        "。其中：人员经费",
        w.amt(c.personnel, "expense_personnel"),
        "，主要包括：基本工资、津贴补贴、奖金、绩效工资等；公用经费",
        w.amt(c.public, "expense_public"),
        "，主要包括：办公费、印刷费、水电费、差旅费等。",
    )
    w.para("七、财政拨款“三公”经费支出决算情况说明")
    t, b = c.three_public, f.three_public_budget
    veh, veh_b = (
        t["vehicle_purchase"] + t["vehicle_operation"],
        b["vehicle_purchase"] + b["vehicle_operation"],
    )
    tot, tot_b = t["abroad"] + veh + t["reception"], sum(b.values())
    w.para(
        "“三公”经费财政拨款支出年初预算为",
        w.amt(tot_b),
        "，支出决算为",
        w.amt(tot),
        f"，完成预算的{_pct(tot, tot_b)}，其中：因公出国（境）费支出决算为",
        w.amt(t["abroad"]),
        "；公务用车购置及运行维护费支出决算为",
        w.amt(veh),
        "；公务接待费支出决算为",
        w.amt(t["reception"]),
        "。决算数小于预算数的主要原因是厉行节约。" if tot < tot_b else "。",
    )
    w.para("八、机关运行经费支出情况说明")
    w.para(
        f"{y}年度",
        w.dept(),
        "机关运行经费支出",
        w.amt(c.operating_cost, "operating_cost"),
        "，主要用于办公费、差旅费等日常运行支出。",
    )
    w.para("第四部分 名词解释")
    w.para("一、财政拨款收入：指本年度从本级财政部门取得的财政拨款。")
    w.para("二、年末结转和结余：指单位按有关规定结转到下年或以后年度继续使用的资金。")
    del veh_b  # the vehicle 预算数 is stated in the table only
