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
"""

from __future__ import annotations

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
    ("three_public_total", "three_public", "“三公”经费小计", "total"),
    ("three_public_abroad", "three_public", "因公出国（境）费", "total"),
    ("three_public_vehicle", "three_public", "公务用车购置及运行维护费", "total"),
    ("three_public_vehicle_purchase", "three_public", "公务用车购置费", "total"),
    ("three_public_vehicle_operation", "three_public", "公务用车运行维护费", "total"),
    ("three_public_reception", "three_public", "公务接待费", "total"),
    ("meeting_fee", "three_public", "会议费", "total"),
    ("training_fee", "three_public", "培训费", "total"),
)


def run_checks(record: Disclosure) -> list[Check]:
    """Every rule whose inputs `record` states, evaluated."""
    checks = figure_checks(record.key_figures)
    checks += table_figure_checks(record.key_figures, record.tables)
    for table in record.tables:
        checks += table_checks(table)
    return checks


def _close(a: float, b: float, parts: int = 1) -> bool:
    return abs(a - b) <= TOLERANCE * max(1, parts)


def figure_checks(figures: dict[str, float]) -> list[Check]:
    """Sums among the key figures."""
    out = []
    for whole, parts, optional in _SUMS:
        if whole not in figures or any(p not in figures for p in parts):
            continue
        used = list(parts) + [p for p in optional if p in figures]
        total = sum(figures[p] for p in used)
        rule = f"{whole} == {' + '.join(used)}"
        ok = _close(figures[whole], total, len(used))
        detail = (
            ""
            if ok
            else f"{figures[whole]:g} != {' + '.join(f'{figures[p]:g}' for p in used)} = {total:g}"
        )
        out.append(Check(rule=rule, ok=ok, detail=detail))
    return out


def _norm(name: str) -> str:
    return fold_name(name)


def table_figure_checks(figures: dict[str, float], tables: Sequence[Table]) -> list[Check]:
    """Key figures against the table cells that print them. One check per figure and table kind;
    it holds when any table of that kind prints the same figure."""
    out = []
    for key, kind, row_name, column in _TABLE_FIGURES:
        if key not in figures:
            continue
        printed = []
        for t in tables:
            if t.kind != kind:
                continue
            for r in t.rows:
                if r.code is None and _norm(r.name) == _norm(row_name) and column in r.values:
                    printed.append((t.title, r.values[column]))
        if not printed:
            continue
        ok = any(_close(figures[key], v) for _, v in printed)
        detail = (
            ""
            if ok
            else f"{key} {figures[key]:g}; "
            + "; ".join(f"{title} {row_name} {v:g}" for title, v in printed)
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
