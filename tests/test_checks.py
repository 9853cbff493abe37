"""ie.checks: arithmetic rules over key figures and tables, evaluated only when stated."""

from __future__ import annotations

import json
from pathlib import Path

from ie.checks import (
    figure_checks,
    format_amount,
    has_other_money,
    run_checks,
    table_checks,
    table_figure_checks,
)
from ie.schema import Disclosure, Table, TableRow

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "corpora" / "real" / "004_3c37c7924f173325.gold.json"


def rules(checks) -> dict[str, tuple[bool, str]]:
    return {c.rule: (c.ok, c.detail) for c in checks}


def test_figure_sums_pass_and_fail_with_numbers() -> None:
    got = rules(
        figure_checks(
            {
                "income_total": 100.0,
                "expense_total": 100.0,
                "expense_basic": 60.0,
                "expense_project": 30.0,
                "expense_reserve": 10.0,
                "expense_personnel": 50.0,
                "expense_public": 5.0,
            }
        )
    )
    assert got["income_total == expense_total"] == (True, "")
    assert got["expense_total == expense_basic + expense_project + expense_reserve"][0]
    ok, detail = got["expense_basic == expense_personnel + expense_public"]
    assert not ok and detail == "60 != 50 + 5 = 55"


def test_rules_without_inputs_are_not_evaluated() -> None:
    assert figure_checks({"expense_total": 10.0, "expense_basic": 10.0}) == []
    assert figure_checks({}) == []


def test_three_public_figures() -> None:
    got = rules(
        figure_checks(
            {
                "three_public_total": 34.5,
                "three_public_abroad": 0,
                "three_public_vehicle": 4.5,
                "three_public_reception": 30,
                "three_public_vehicle_purchase": 0,
                "three_public_vehicle_operation": 4.0,
            }
        )
    )
    assert got[
        "three_public_total == three_public_abroad + three_public_vehicle + three_public_reception"
    ] == (True, "")
    ok, detail = got[
        "three_public_vehicle == three_public_vehicle_purchase + three_public_vehicle_operation"
    ]
    assert not ok and "4.5 != 0 + 4 = 4" == detail


def _table(
    kind: str, rows: list[tuple[str | None, str, dict[str, float]]], title: str = "t"
) -> Table:
    return Table(
        kind=kind,
        title=title,
        rows=[TableRow(code=c, name=n, values=v) for c, n, v in rows],  # type: ignore[arg-type]
    )


def test_key_figures_against_table_totals() -> None:
    whole = _table("expense_by_function", [(None, "合计", {"total": 100.0, "basic": 70.0})])
    part = _table("expense_by_function", [(None, "合计", {"total": 90.0, "basic": 60.0})])
    got = rules(table_figure_checks({"expense_total": 90.0, "expense_basic": 65.0}, [whole, part]))
    # Any table of the kind may print the figure (the 财政拨款 part of the budget, say).
    assert got["expense_total == expense_by_function[合计].total"] == (True, "")
    ok, detail = got["expense_basic == expense_by_function[合计].basic"]
    assert not ok and "65" in detail and "70" in detail and "60" in detail


def test_table_hierarchy_and_row_sums() -> None:
    good = _table(
        "expense_by_function",
        [
            (None, "合计", {"total": 100.0, "basic": 60.0, "project": 40.0}),
            ("201", "一般公共服务支出", {"total": 100.0, "basic": 60.0, "project": 40.0}),
            ("20101", "人大事务", {"total": 100.0, "basic": 60.0, "project": 40.0}),
            ("2010101", "行政运行", {"total": 60.0, "basic": 60.0}),
            ("2010104", "人大会议", {"total": 40.0, "project": 40.0}),
        ],
    )
    (check,) = table_checks(good)
    assert check.ok and check.rule.startswith("expense_by_function[t]")
    bad_rows = [*good.rows[:-1], TableRow(code="2010104", name="人大会议", values={"total": 30.0})]
    (check,) = table_checks(good.model_copy(update={"rows": bad_rows}))
    assert not check.ok and "20101: total 100 != sum of children 90" in check.detail


def test_empty_table_has_no_checks() -> None:
    assert table_checks(_table("gov_fund_expense", [])) == []


def test_real_gold_record_is_consistent() -> None:
    record = Disclosure.model_validate(json.loads(GOLD.read_text("utf-8")))
    checks = run_checks(record)
    assert len(checks) >= 10
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert any(c.rule == "expense_total == expense_basic + expense_project" for c in checks)


def test_details_print_every_decimal() -> None:
    """Two figures that differ in the second decimal read differently in the detail."""
    assert format_amount(12323.46) == "12323.46" and format_amount(700.0) == "700"
    got = rules(
        figure_checks(
            {"expense_total": 17996.68, "expense_basic": 12323.46, "expense_project": 5533}
        )
    )
    assert got["expense_total == expense_basic + expense_project"] == (
        False,
        "17996.68 != 12323.46 + 5533 = 17856.46",
    )


# A department with 80 万元 of other money (其他资金) besides its appropriations, as in the
# Jiangsu 政协 2017 budget: its basic expense is 5916.27 in all, 5836.27 from appropriations.
OTHER_MONEY = {
    "income_total": 9146.79,
    "income_general_budget": 9066.79,
    "income_other": 80.0,
    "expense_basic": 5916.27,
    "expense_personnel": 4704.35,  # stated for the 财政拨款 basic expense
    "expense_public": 1131.92,
}


def test_other_money_makes_appropriation_tables_a_part() -> None:
    assert has_other_money(OTHER_MONEY)
    assert not has_other_money({**OTHER_MONEY, "income_total": 9066.79})
    assert not has_other_money({"expense_basic": 1.0})  # unknown: compare as before
    whole = _table(
        "expense_by_function",
        [(None, "合计", {"total": 9146.79, "basic": 5916.27})],
        "支出预算总表",
    )
    part = _table(
        "basic_expense_by_economic",
        [(None, "合计", {"total": 5836.27})],
        "财政拨款基本支出预算表",
    )
    got = rules(table_figure_checks(OTHER_MONEY, [whole, part]))
    assert got["expense_basic == expense_by_function[合计].basic"] == (True, "")
    assert "expense_basic == basic_expense_by_economic[合计].total" not in got
    # personnel + public add up to the 财政拨款 basic expense, not the whole: not compared
    assert not any("expense_personnel" in c.rule for c in figure_checks(OTHER_MONEY))
    # all money appropriated: the 财政拨款 table is the whole budget and must agree
    only = {**OTHER_MONEY, "income_total": 9066.79, "income_other": 0.0}
    got = rules(table_figure_checks(only, [part]))
    ok, detail = got["expense_basic == basic_expense_by_economic[合计].total"]
    assert not ok and "5916.27" in detail and "5836.27" in detail
    assert any("expense_personnel" in c.rule and not c.ok for c in figure_checks(only))


def test_doctests() -> None:
    import doctest

    import ie.checks

    assert doctest.testmod(ie.checks).failed == 0
