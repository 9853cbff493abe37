"""ie.tables.money stays fast on generated worst cases: a header misread into dozens of
figure columns gives C(n, k) order-keeping placements per row (C(40, 20) ~ 1.4e11), and a code
tree with many children under one parent gives a product of placements per parent. The search
is capped (a fallback, never an exception); these tables must still come back whole, quickly."""

from __future__ import annotations

import time

import pytest

import ie.tables.money as money
import ie.tables.money_solver as solver
from ie.ingest import text_document as text_doc
from ie.tables.money import money_tables_detailed


def figure(k: int, j: int) -> str:
    return f"{(k * 7 + j) % 97 + 1}.{j % 10}0"


def wide_line_table(columns: int, parents: int, children: int, figures: int) -> str:
    """One cell per line: a header of `columns` figure labels, and `parents` 类 codes with
    `children` 款 codes each, every row printing `figures` figures (fewer than columns)."""
    lines = ["部门预算一般公共预算基本支出表", "单位：万元", "科目编码", "科目名称"]
    lines += [f"列{k}经费" for k in range(columns)]
    for p in range(parents):
        lines += [f"{301 + p}", f"类{p}"] + [figure(p, j) for j in range(figures)]
        for c in range(children):
            code = f"{301 + p}{c + 1:02d}"
            lines += [code, f"款{c}"] + [figure(c, j) for j in range(figures)]
    return "\n".join(lines)


def wide_space_table(columns: int, rows: int, figures: int) -> str:
    """Space-aligned rows whose figures drift right row by row (no column spans line up)."""
    head = "  ".join(f"列{k}经费" for k in range(columns))
    lines = ["部门预算一般公共预算基本支出表", "单位：万元", f"科目编码  科目名称  {head}"]
    for r in range(rows):
        figs = " ".join(figure(r, j) for j in range(figures))
        lines.append(f"{301 + r}  名称{r}  {' ' * (3 * r)}{figs}")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "text,rows",
    [
        (wide_line_table(40, 3, 20, 20), 63),
        (wide_line_table(60, 10, 60, 30), 610),
        (wide_space_table(40, 30, 20), 30),
    ],
    ids=["line-tree", "line-long", "space"],
)
def test_garbled_wide_tables_are_rebuilt_within_seconds(text: str, rows: int, monkeypatch) -> None:
    calls = {"n": 0}
    score = solver._row_score

    def counted(*args, **kwargs):
        calls["n"] += 1
        return score(*args, **kwargs)

    monkeypatch.setattr(solver, "_row_score", counted)  # looked up in the solver's module
    start = time.perf_counter()
    (table,) = money_tables_detailed(text_doc(text))
    seconds = time.perf_counter() - start
    assert sum(1 for r in table.rows if r.code) == rows
    # Every row is scored against a bounded number of placements.
    assert calls["n"] <= money._TABLE_PLACEMENTS + 16 * rows
    # Uncapped, these took from 12 s to hours; capped, a few seconds on a loaded 2-core machine.
    assert seconds < 10, seconds


def test_placements_are_capped_but_start_with_the_leftmost() -> None:
    got = list(money._order_keeping(40, 20))
    assert len(got) == money._MAX_PLACEMENTS
    assert got[0] == tuple(range(20))
    # A long table shares the budget: fewer per row, never fewer than 16.
    assert len(list(money._order_keeping(40, 20, rows=10_000))) == 16
    # Small cases are enumerated whole.
    assert len(list(money._order_keeping(5, 2))) == 10


def test_solver_settings_reject_unknown_keys_naming_the_valid_ones() -> None:
    from ie.errors import ConfigError
    from ie.tables.money import SolverSettings

    assert SolverSettings.from_mapping({}) == SolverSettings()
    assert SolverSettings.from_mapping({"max_visits": 10}).max_visits == 10
    with pytest.raises(ConfigError, match=r"max_placment.*valid: max_placements, "):
        SolverSettings.from_mapping({"max_placment": 10})
    with pytest.raises(ConfigError, match="max_combos must be a positive number"):
        SolverSettings(max_combos=0)


def test_placements_follow_the_settings() -> None:
    from ie.tables.money_solver import SolverSettings

    few = SolverSettings(max_placements=30, table_placements=20_000, min_placements=4)
    assert len(list(money._order_keeping(40, 20, settings=few))) == 30
    assert len(list(money._order_keeping(40, 20, rows=1_000, settings=few))) == 20
    assert len(list(money._order_keeping(40, 20, rows=10_000, settings=few))) == 4
