"""Checks: a `Disclosure` in, the arithmetic that ties its figures together out (`Check`s).

Only rules whose inputs are all present are evaluated; a failing rule's `detail` gives the
numbers. Rules:

- income_total == expense_total
- expense_total == expense_basic + expense_project (+ expense_reserve when stated)
- expense_basic == expense_personnel + expense_public
- three_public_total == three_public_abroad + three_public_vehicle + three_public_reception
- three_public_vehicle == three_public_vehicle_purchase + three_public_vehicle_operation
- key figures == the 合计 rows of the tables that print them (any table of the kind may match:
  a department can print the whole budget and its 财政拨款 part in tables of one kind)
- within each coded table: parent == sum of children, 合计 == sum of top-level codes,
  total == basic + project, total == personnel + public (ie.tables.money.table_issues)

Final accounts (部门决算, `kind` final_accounts) have no income_total == expense_total; they
get instead:

- the 收入支出决算总表 identity: 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 =
  本年支出合计 + 结余分配 + 年末结转和结余
- the nine standard 决算 tables all there (printed, or printed empty), where five or more are

Where the department has money besides its appropriations (income_total > 一般公共预算 +
政府性基金 + 国有资本经营 income), a 财政拨款 / 一般公共预算 table and the 人员/公用经费 the prose
gives for the 财政拨款 basic expense cover a part of the budget only: the whole-budget figures
are not compared with them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ie.schema import Check, Disclosure, Table
from ie.tables.money import TOLERANCE, DetailedRow, SourceCell, fold_name, table_issues

_SUMS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (whole, parts that must be present, parts added when present)
    ("income_total", ("expense_total",), ()),
    ("expense_total", ("expense_basic", "expense_project"), ("expense_reserve",)),
    ("expense_basic", ("expense_personnel", "expense_public"), ()),
    (
        "three_public_total",
        ("three_public_abroad", "three_public_vehicle", "three_public_reception"),
        (),
    ),
    (
        "three_public_vehicle",
        ("three_public_vehicle_purchase", "three_public_vehicle_operation"),
        (),
    ),
)

# key figure → (table kind, row name, column key) of the table cell that prints it.
_TABLE_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("expense_total", "expense_by_function", "合计", "total"),
    ("expense_basic", "expense_by_function", "合计", "basic"),
    ("expense_project", "expense_by_function", "合计", "project"),
    ("expense_basic", "basic_expense_by_economic", "合计", "total"),
    ("expense_personnel", "basic_expense_by_economic", "合计", "personnel"),
    ("expense_public", "basic_expense_by_economic", "合计", "public"),
    ("expense_personnel", "basic_expense_by_economic", "人员经费合计", "total"),
    ("expense_public", "basic_expense_by_economic", "公用经费合计", "total"),
    ("three_public_total", "three_public", "“三公”经费小计", "total"),
    ("three_public_abroad", "three_public", "因公出国（境）费", "total"),
    ("three_public_vehicle", "three_public", "公务用车购置及运行维护费", "total"),
    ("three_public_vehicle_purchase", "three_public", "公务用车购置费", "total"),
    ("three_public_vehicle_operation", "three_public", "公务用车运行维护费", "total"),
    ("three_public_reception", "three_public", "公务接待费", "total"),
    ("meeting_fee", "three_public", "会议费", "total"),
    ("training_fee", "three_public", "培训费", "total"),
)


# Whole-budget figures that a 财政拨款-only table or statement does not cover when the
# department has other money.
_WHOLE_BUDGET = ("expense_total", "expense_basic", "expense_project")
_APPROPRIATION_TITLE = re.compile(r"财政拨款|一般公共预算|公共财政")
_APPROPRIATION_INCOME = ("income_general_budget", "income_gov_fund", "income_state_capital")


def format_amount(value: float) -> str:
    """A figure as a check detail prints it: every decimal it has (up to 6), none invented.

    >>> format_amount(12323.46), format_amount(700.0), format_amount(0.000125)
    ('12323.46', '700', '0.000125')
    """
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def has_other_money(figures: dict[str, float]) -> bool:
    """Whether the figures show money besides the appropriations: income_total above the
    一般公共预算 + 政府性基金 + 国有资本经营 income it states (False when either is missing)."""
    if "income_total" not in figures or "income_general_budget" not in figures:
        return False
    appropriated = sum(figures.get(k, 0.0) for k in _APPROPRIATION_INCOME)
    return figures["income_total"] - appropriated > TOLERANCE


def run_checks(record: Disclosure) -> list[Check]:
    """Every rule whose inputs `record` states, evaluated; final accounts (`kind`
    final_accounts) get the 决算 rules instead of income_total == expense_total."""
    final = record.kind == "final_accounts"
    checks = figure_checks(record.key_figures, final)
    checks += table_figure_checks(record.key_figures, record.tables)
    for table in record.tables:
        checks += table_checks(table)
    if final:
        checks += final_summary_checks(record.tables)
        checks += final_tables_check(record.tables, record.year)
    return checks


def _close(a: float, b: float, parts: int = 1) -> bool:
    return abs(a - b) <= TOLERANCE * max(1, parts)


def figure_checks(figures: dict[str, float], final: bool = False) -> list[Check]:
    """Sums among the key figures. In final accounts (`final`) the year's income and
    expense differ by the balances, so income_total == expense_total is no rule there."""
    out = []
    other_money = has_other_money(figures)
    for whole, parts, optional in _SUMS:
        if whole not in figures or any(p not in figures for p in parts):
            continue
        if final and whole == "income_total":
            continue
        if whole == "expense_basic" and other_money:
            continue  # 人员/公用经费 are stated for the 财政拨款 basic expense only
        used = list(parts) + [p for p in optional if p in figures]
        total = sum(figures[p] for p in used)
        rule = f"{whole} == {' + '.join(used)}"
        ok = _close(figures[whole], total, len(used))
        said = " + ".join(format_amount(figures[p]) for p in used)
        detail = "" if ok else f"{format_amount(figures[whole])} != {said} = {format_amount(total)}"
        out.append(Check(rule=rule, ok=ok, detail=detail))
    return out


def _norm(name: str) -> str:
    return fold_name(name)


def table_figure_checks(figures: dict[str, float], tables: Sequence[Table]) -> list[Check]:
    """Key figures against the table cells that print them. One check per figure and table kind;
    it holds when any table of that kind prints the same figure."""
    out = []
    partial_tables = has_other_money(figures)
    for key, kind, row_name, column in _TABLE_FIGURES:
        if key not in figures:
            continue
        printed = []
        for t in tables:
            if t.kind != kind:
                continue
            if partial_tables and key in _WHOLE_BUDGET and _APPROPRIATION_TITLE.search(t.title):
                continue  # the 财政拨款 part of the budget, not the whole
            for r in t.rows:
                if r.code is None and _norm(r.name) == _norm(row_name) and column in r.values:
                    printed.append((t.title, r.values[column]))
        if not printed:
            continue
        ok = any(_close(figures[key], v) for _, v in printed)
        detail = (
            ""
            if ok
            else f"{key} {format_amount(figures[key])}; "
            + "; ".join(f"{title} {row_name} {format_amount(v)}" for title, v in printed)
        )
        out.append(Check(rule=f"{key} == {kind}[{row_name}].{column}", ok=ok, detail=detail))
    return out


def table_checks(table: Table) -> list[Check]:
    """The arithmetic inside one table: row sums and the code hierarchy. One check per table
    and relation family; the detail lists what failed."""
    if not table.rows:
        return []
    rows = [
        DetailedRow(
            code=r.code,
            name=r.name,
            cells=tuple(
                SourceCell(k, key, value, "", 0, 0, 0)
                for k, (key, value) in enumerate(r.values.items())
            ),
            start=0,
            end=0,
            page=0,
            total_row=r.code is None and r.name == "合计",
        )
        for r in table.rows
    ]
    issues, checked = table_issues(table.kind, rows, open_parts=True)
    if not checked:
        return []
    rule = f"{table.kind}[{table.title}]: parents == sum(children), total == sum(parts)"
    return [Check(rule=rule, ok=not issues, detail="; ".join(issues))]


# --- final accounts (部门决算) -----------------------------------------------------------------

# The two sides of a 收入支出决算总表, each adding up to its 总计: (row name prefixes, side).
_FINAL_SIDES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("本年收入", "使用非财政拨款结余", "年初结"), "收入"),
    (("本年支出", "结余分配", "年末结"), "支出"),
)

# The nine standard 决算 tables (2019 template on): name, title pattern, first year required.
FINAL_TABLES: tuple[tuple[str, str, int], ...] = (
    ("收入支出决算总表", r"^(?!.*财政拨款).*收入支出决算总表", 0),
    ("收入决算表", r"(?<!支出)收入决算表", 0),
    ("支出决算表", r"^(?!.*(?:财政拨款|一般公共|基金|国有资本|三公)).*支出决算表", 0),
    ("财政拨款收入支出决算总表", r"财政拨款收入支出决算总表", 0),
    ("一般公共预算财政拨款支出决算表", r"一般公共预算财政拨款支出决算表", 0),
    ("一般公共预算财政拨款基本支出决算表", r"一般公共预算财政拨款基本支出决算表", 0),
    ("财政拨款“三公”经费支出决算表", r"三公", 0),
    ("政府性基金预算财政拨款收入支出决算表", r"政府性基金", 0),
    ("国有资本经营预算财政拨款收入支出决算表", r"国有资本经营", 2019),
)


def final_summary_checks(tables: Sequence[Table]) -> list[Check]:
    """The 决算 identity on the whole department's 收入支出决算总表: 总计 = 本年收入合计 +
    使用非财政拨款结余 + 年初结转和结余 = 本年支出合计 + 结余分配 + 年末结转和结余, on each side
    whose three lines are all there (a line without a figure counts 0); the 总计 rows,
    income side first, are its 合计 rows."""
    table = next(
        (
            t
            for t in tables
            if t.kind == "income_expense_summary"
            and "决算" in t.title
            and not _APPROPRIATION_TITLE.search(t.title)
        ),
        None,
    )
    if table is None:
        return []
    totals = [r.values["total"] for r in table.rows if r.name == "合计" and "total" in r.values]
    if not totals:
        return []
    out = []
    for (prefixes, side), grand in zip(_FINAL_SIDES, (totals[0], totals[-1]), strict=True):
        found = [
            next((r for r in table.rows if fold_name(r.name).startswith(p)), None) for p in prefixes
        ]
        if any(row is None for row in found):
            continue  # a line not read (or not in this template): nothing to add up
        parts = [(p, r.values.get("total", 0.0)) for p, r in zip(prefixes, found, strict=True)]
        got = sum(v for _, v in parts)
        ok = _close(grand, got, len(parts))
        said = " + ".join(f"{name} {format_amount(v)}" for name, v in parts)
        detail = "" if ok else f"总计 {format_amount(grand)} != {said} = {format_amount(got)}"
        rule = f"income_expense_summary[{table.title}]: {side} side adds up to 总计"
        out.append(Check(rule=rule, ok=ok, detail=detail))
    return out


def final_tables_check(tables: Sequence[Table], year: int | None) -> list[Check]:
    """Whether a 决算 disclosure has the nine standard tables (printed, or printed empty and
    declared so). Only where it prints at least five of them: a file of the 情况说明 alone,
    or of a few tables, is not held to the set."""
    titles = [re.sub(r"\s", "", t.title) for t in tables]
    required = [
        (name, pattern)
        for name, pattern, since in FINAL_TABLES
        if year is None or year >= since or since == 0
    ]
    missing = [name for name, pattern in required if not any(re.search(pattern, t) for t in titles)]
    if len(required) - len(missing) < 5:
        return []
    detail = "" if not missing else "missing: " + "、".join(missing)
    return [Check(rule="final accounts: the nine standard tables", ok=not missing, detail=detail)]
