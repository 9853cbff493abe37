"""The ``tab`` layout reader: a cell's column is its tab index; a row without its 序号
continues the row before it cell by cell (a row broken at a page break)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ie.segment import Cell, Row, TableRegion, digits
from ie.tables.money_cells import _assign_keys, _row, _source_cell, parse_figure
from ie.tables.money_types import _CODE, _ENUMERATOR, _STRUCT, Column, DetailedRow
from ie.text import squash_ascii


def _tab_header(header: Sequence[Row]) -> dict[int, list[str]]:
    """Label path per tab index; a group header (本年收入 over several columns) is carried to
    the columns on its right that have a label of their own below it."""
    width = max((int(c.x0) + 1 for r in header for c in r.cells), default=0)
    grid = [[""] * width for _ in header]
    for i, r in enumerate(header):
        for c in r.cells:
            grid[i][int(c.x0)] = c.text
    paths: dict[int, list[str]] = {j: [] for j in range(width)}
    for i in range(len(header)):
        carry = ""
        for j in range(width):
            if grid[i][j]:
                carry = grid[i][j]
                paths[j].append(carry)
            elif carry and any(grid[k][j] for k in range(i + 1, len(header))):
                paths[j].append(carry)
            else:
                carry = "" if not any(grid[k][j] for k in range(i + 1, len(header))) else carry
    return paths


def _tab_rows(
    region: TableRegion, body: list[Row], scale: float
) -> tuple[Sequence[Column], Sequence[DetailedRow]]:
    paths = _tab_header([r for r in region.header if not _is_stub(r)])
    seq_col = next((j for j, p in paths.items() if any("序号" in squash_ascii(x) for x in p)), None)
    code_col = next(
        (j for j, p in paths.items() if any(re.search(r"编码|代码", squash_ascii(x)) for x in p)),
        None,
    )
    name_col = next(
        (
            j
            for j, p in sorted(paths.items())
            if any(re.search(r"名称|^项目$", squash_ascii(x)) for x in p)
        ),
        None,
    )
    # 科目编码 printed as 类 | 款 | 项 columns: the code is their concatenation.
    part_cols = [
        j for j, p in sorted(paths.items()) if p and re.fullmatch(r"类|款|项", squash_ascii(p[-1]))
    ]
    if len(part_cols) >= 2:
        code_col = part_cols[0]
    structural = {j for j in (seq_col, code_col, name_col, *part_cols) if j is not None}
    labels = [
        (float(j), p)
        for j, p in sorted(paths.items())
        if j not in structural and p and not any(_STRUCT.search(squash_ascii(x)) for x in p[-1:])
    ]
    columns = _assign_keys(labels, region.kind)
    by_index = {int(c.anchor): k for k, c in enumerate(columns)}
    # Merge the pieces of rows broken across lines or pages, cell by cell.
    merged: list[dict[int, list[Cell]]] = []
    for n, row in enumerate(body):
        grid: dict[int, list[Cell]] = {}
        for c in row.cells:
            grid.setdefault(int(c.x0), []).append(c)
        has_seq = (
            seq_col is not None
            and seq_col in grid
            and squash_ascii(grid[seq_col][0].text).isdigit()
        )
        if merged and seq_col is not None and not has_seq:
            for j, cs in grid.items():
                merged[-1].setdefault(j, []).extend(cs)
            continue
        if (
            merged
            and seq_col is None
            and _continues(merged[-1], grid, code_col, by_index, n in region.breaks)
        ):
            for j, cs in grid.items():
                merged[-1].setdefault(j, []).extend(cs)
            continue
        merged.append(grid)
    rows = []
    for grid in merged:
        texts = {j: "".join(c.text for c in cs) for j, cs in grid.items()}
        code = None
        if len(part_cols) >= 2 and part_cols[0] in texts:
            joined = "".join(digits(texts[j], 1) for j in part_cols if j in texts)
            code = joined if joined.isdigit() else None
        elif code_col is not None and code_col in texts:
            code = digits(texts[code_col]) if digits(texts[code_col]).isdigit() else None
        name_parts = [texts[j] for j in sorted(texts) if j == name_col]
        if name_col is None:
            name_parts = [
                t
                for j, t in sorted(texts.items())
                if j not in by_index and j not in structural and parse_figure(t) is None
            ]
        figures = []
        for j, cs in sorted(grid.items()):
            if j in by_index:
                value = parse_figure(texts[j])
                if value is not None:
                    k = by_index[j]
                    figures.append(_source_cell(k, columns[k].key, value * scale, cs))
        if code is None and name_col is not None and name_col not in texts and code_col in texts:
            name_parts = [texts[code_col]]
        all_cells = [c for cs in grid.values() for c in cs]
        rows.append(_row(code, "".join(name_parts), figures, all_cells, region.kind))
    return columns, rows


def _continues(
    prev: dict[int, list[Cell]], cur: dict[int, list[Cell]], code_col, by_index, after_break: bool
) -> bool:
    """Without a 序号 column: a line continues the row above when that row is visibly cut off
    (a figure ending in "." or a code of impossible length), or when it is the first line after
    a page break and holds only unnumbered text, or has no code and follows a coded row that
    has no figures."""
    prev_text = {j: "".join(c.text for c in cs) for j, cs in prev.items()}
    if any(squash_ascii(prev_text[j]).endswith((".", ",")) for j in prev_text if j in by_index):
        return True
    if code_col is not None and code_col in prev_text:
        code = squash_ascii(prev_text[code_col])
        if code.isdigit() and not _CODE.match(code):
            return True
    if not after_break:
        return False
    texts = ["".join(c.text for c in cs) for cs in cur.values()]
    has_figures = any(parse_figure(t) is not None for t in texts)
    numbered = any(_ENUMERATOR.match(squash_ascii(t)) for t in texts)
    uncoded = code_col is None or code_col not in cur
    # a coded row left without its figures, and a line with no code that has them: the
    # row's name and figures went on past the break
    unfinished = (
        code_col is not None
        and code_col in prev
        and not any(parse_figure(prev_text[j]) is not None for j in prev_text if j in by_index)
    )
    return not numbered and uncoded and (not has_figures or unfinished)


def _is_stub(row: Row) -> bool:
    from ie.segment import is_stub_row

    return is_stub_row(row)
