"""Tables with a shape of their own: the 收支总表 (income/expense summary, two column pairs
side by side) and the “三公”经费 table (rows named by their 三公 item; a wide table whose header
lines came in any order is placed by its sums, `_three_public_by_sums`)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

from ie.segment import Cell, Row, TableRegion
from ie.tables.money_cells import (
    _THREE_PUBLIC_ORDER,
    _row,
    _source_cell,
    _split_figures,
    parse_figure,
    three_public_name,
)
from ie.tables.money_types import (
    TOLERANCE,
    Column,
    DetailedRow,
    DetailedTable,
    SourceCell,
    _finish,
    _table,
)
from ie.text import squash_ascii


def _three_public_by_sums(
    region: TableRegion, reading: dict[str, float] | None, values: Sequence[float]
) -> tuple[list[str], list[tuple[int, ...]]] | None:
    """The columns of a wide “三公”经费 table (one row of `values`) read by its sums: the
    columns every such table has, in their printed order (合计, “三公”经费小计, 因公出国（境）
    费, 公务用车购置及运行维护费, 公务用车购置费, 公务用车运行维护费, 公务接待费, then 会议费
    and 培训费 where the title or header names them), and the order-keeping placements of
    the figures that satisfy the most of the table's sums. Text tools print a multi-row
    header's lines in any order and shift figures off their labels, so the header's labels
    (`reading`: row name -> figure, None when they do not give one label per figure) are
    kept unless this reading adds up better. None then, or when no placement adds up."""
    said = squash_ascii(region.title + "".join(c.text for r in region.header for c in r.cells))
    extra = [name for name, word in (("会议费", "会议"), ("培训费", "培训")) if word in said]
    subtotal = "“三公”经费小计" if extra else "合计"
    columns = [
        "合计",
        *(["“三公”经费小计"] if extra else []),
        "因公出国（境）费",
        "公务用车购置及运行维护费",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
        *extra,
    ]
    if len(values) > len(columns):
        return None
    scored = []
    for slots in itertools.combinations(range(len(columns)), len(values)):
        placed = {columns[s]: v for s, v in zip(slots, values, strict=True)}
        passed, failed = _three_public_sums(placed, subtotal)
        scored.append((passed - failed, slots))
    best = max(score for score, _ in scored)
    if reading is not None:
        passed, failed = _three_public_sums(reading, subtotal)
        if passed - failed >= best:
            return None  # the labels add up as well
    if best <= 0:
        return None
    return columns, [slots for score, slots in scored if score == best]


def _three_public_sums(
    values: dict[str, float], subtotal: str = "“三公”经费小计"
) -> tuple[int, int]:
    """(passed, failed) of the “三公”经费 sums whose whole is in `values` (an absent part is
    an empty cell, 0): 合计 = `subtotal` + 会议费 + 培训费 (where those are columns),
    `subtotal` = 出国 + 公务用车 + 接待, 公务用车 = 购置 + 运行维护."""
    sums = [
        (subtotal, ("因公出国（境）费", "公务用车购置及运行维护费", "公务接待费")),
        ("公务用车购置及运行维护费", ("公务用车购置费", "公务用车运行维护费")),
    ]
    if subtotal != "合计":
        sums.append(("合计", (subtotal, "会议费", "培训费")))
    passed = failed = 0
    for whole, parts in sums:
        if whole in values and any(p in values for p in parts):
            got = sum(values.get(p, 0.0) for p in parts)
            ok = abs(values[whole] - got) <= TOLERANCE * len(parts)
            passed, failed = passed + ok, failed + (not ok)
    return passed, failed


def _three_public_wide(
    found: tuple[list[str], list[tuple[int, ...]]], figures: Sequence[SourceCell], row: DetailedRow
) -> tuple[list[Column], list[DetailedRow]]:
    """The columns and the one row (`row`, its figures replaced) of a wide “三公”经费 table
    placed by `_three_public_by_sums`; a figure that the best placements put in different
    columns (公务用车购置费 or 运行维护费 when one of them is empty) is left out and reported:
    the labels that misread the table cannot tell which."""
    names, placements = found
    columns = [Column(None, name, float(k)) for k, name in enumerate(names)]
    kept, undecided = [], []
    for j, cell in enumerate(figures):
        slots = {p[j] for p in placements}
        if len(slots) == 1:
            kept.append(replace(cell, column=slots.pop(), key=None))
        else:
            undecided.append(f"{cell.text}: " + " or ".join(names[k] for k in sorted(slots)))
    return columns, [replace(row, cells=tuple(kept), undecided=tuple(undecided))]


def _summary(region: TableRegion, body: list[Row], scale: float, layout: str) -> DetailedTable:
    """收支总表: two (or three) tables side by side — each text cell starts an item and the
    figures after it are its values; the first figure is its total."""
    rows: list[DetailedRow] = []
    for cells in _summary_lines(body, layout):
        items: list[tuple[list[Cell], list[Cell]]] = []
        for c in cells:
            if parse_figure(c.text) is None:
                items.append(([c], []))
            elif items:
                items[-1][1].append(c)
        for item, figures in items:
            values = [
                _source_cell(
                    0, "total" if k == 0 else None, (parse_figure(c.text) or 0) * scale, [c]
                )
                for k, c in enumerate(figures)
            ]
            name = "".join(c.text for c in item)
            rows.append(_row(None, name, values, item + figures, region.kind))
    columns = (Column("total", "金额", 0.0),)
    return _table(region, columns, _finish(rows), layout)


def _summary_lines(body: list[Row], layout: str) -> list[list[Cell]]:
    """Lines of a 收支总表 as cell lists; in a tab layout the 序号 is dropped and a line without
    one continues the line above cell by cell (one cell per item side)."""
    if layout != "tab":
        return [_split_figures(r) for r in body]
    grids: list[dict[int, list[Cell]]] = []
    for row in body:
        grid: dict[int, list[Cell]] = {}
        for c in row.cells:
            grid.setdefault(int(c.x0), []).append(c)
        seq = grid.get(0)
        if seq and squash_ascii(seq[0].text).isdigit():
            del grid[0]
        elif grids:
            for j, cs in grid.items():
                grids[-1].setdefault(j, []).extend(cs)
            continue
        grids.append(grid)
    out = []
    for grid in grids:
        line = []
        for j in sorted(grid):
            cs = grid[j]
            line.append(replace(cs[0], text="".join(c.text for c in cs), end=cs[-1].end))
        out.append(line)
    return out


def _three_public(columns: Sequence[Column], rows: list[DetailedRow]) -> list[DetailedRow]:
    """“三公”经费 tables come long (one row per item, figures by fund) or wide (one figure row,
    one column per item); either way the result has one row per item with its total."""
    named = [r for r in rows if (r.name and r.name != "合计") or r.total_row]
    if len(named) >= 3:  # long layout: the first figure of each row is its total
        out = []
        for r in rows:
            first = sorted(r.cells, key=lambda c: c.column)[:1]
            out.append(replace(r, cells=tuple(replace(c, key="total") for c in first)))
        return out
    cells = [c for r in rows for c in sorted(r.cells, key=lambda c: c.column)]
    names = [
        three_public_name(columns[c.column].label if c.column < len(columns) else "") for c in cells
    ]
    known = set(_THREE_PUBLIC_ORDER)
    for k, name in enumerate(names):
        if name in known:
            continue
        # A bare 小计 whose group header did not reach it: its neighbours tell which group.
        after = next((n for n in names[k + 1 :] if n in known), "")
        before = next((n for n in reversed(names[:k]) if n in known), "")
        if after == "因公出国（境）费" or before == "合计":
            names[k] = "“三公”经费小计"
        elif after in ("公务用车购置费", "公务用车运行维护费") or before == "因公出国（境）费":
            names[k] = "公务用车购置及运行维护费"
    return [
        DetailedRow(None, name, (replace(c, key="total"),), c.start, c.end, c.page, name == "合计")
        for c, name in zip(cells, names, strict=True)
    ]
