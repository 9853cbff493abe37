"""Money tables: `TableRegion`s (ie.segment) in, `ie.schema.Table`s out.

Each region's rows are turned into logical table rows — 科目 code, name, and figures by column —
whatever the layout:

- ``tab`` rows: a cell's column is its tab index; a row without its 序号 continues the row
  before it cell by cell (a row broken at a page break: ``2013|行政|528.`` + ``101|运行|36``);
- ``pdf`` / ``space`` rows: figures are right-aligned, so a figure's column is found from its
  right edge; column labels come from the header cells above each column; a text-only line is
  a wrapped piece of the name of the nearest row;
- ``line`` rows (one cell per line): a code or row label starts a row, figures follow; when a
  row has fewer figures than the table has columns, arithmetic picks their columns.

Figures are converted to 万元. Arithmetic (a parent equals the sum of its children by code
prefix, total = basic + project, total = personnel + public) chooses between candidate
readings where the text is ambiguous; what stays inconsistent is reported in
`DetailedTable.issues`, never silently fixed.

`python -m ie.tables.money --report DIR` prints, per PDF/text file under DIR, whether its
functional and economic expense tables were rebuilt with every arithmetic check passing.
"""

from __future__ import annotations

import itertools
import re
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ie.ingest import Document
from ie.schema import Table, TableRow
from ie.segment import (
    MONEY,
    Cell,
    Row,
    Sections,
    TableRegion,
    digits,
    is_prose,
    segment,
    squash,
)

TOLERANCE = 0.011  # figures are printed to 0.01; sums of rounded figures may be off by a cent
SCALE = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4}

# Column keys each kind of table may carry (SCHEMA.md).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "expense_by_function": ("total", "basic", "project"),
    "gov_fund_expense": ("total", "basic", "project"),
    "state_capital_expense": ("total", "basic", "project"),
    "basic_expense_by_economic": ("total", "personnel", "public"),
    "other": ("total", "basic", "project", "personnel", "public"),
}
CODED_KINDS = (
    "expense_by_function",
    "basic_expense_by_economic",
    "income_summary",
    "gov_fund_expense",
    "state_capital_expense",
    "other",
)

_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、．](?!\d)|\d{1,2}\.(?!\d)"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）][、.．]?)"
)
_GRAND_TOTAL = re.compile(
    r"^(?:合计|总计|资产总额|(?:本年)?(?:收入|支出|收支)(?:总计|合计)|支出预算合计|收入预算合计)$"
)
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_STRUCT = re.compile(r"序号|编码|名称|科目|栏次|档次|行次|^项目$|^类$|^款$|^项$|说明|^数量")


# --- data types -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A figure column: its SCHEMA key (or None when the table's kind has no key for it), its
    header label path as printed (joined with "/"), and its position (tab index or the right
    edge of its figures)."""

    key: str | None
    label: str
    anchor: float


@dataclass(frozen=True, slots=True)
class SourceCell:
    """One figure with its provenance: the column it went to, the value in 万元, the text as
    printed, and its span in the source text."""

    column: int
    key: str | None
    value: float
    text: str
    start: int
    end: int
    page: int


@dataclass(frozen=True, slots=True)
class DetailedRow:
    """A logical table row with the provenance of its code, name and figures."""

    code: str | None
    name: str
    cells: tuple[SourceCell, ...]
    start: int
    end: int
    page: int
    total_row: bool = False

    def values(self) -> dict[str, float]:
        """Figures by SCHEMA column key (first figure per key)."""
        out: dict[str, float] = {}
        for c in self.cells:
            if c.key is not None and c.key not in out:
                out[c.key] = c.value
        return out


@dataclass(frozen=True, slots=True)
class DetailedTable:
    """A rebuilt table with provenance: the region it came from, its columns, rows, the unit
    printed (figures are already in 万元), and the arithmetic that failed."""

    kind: str
    title: str
    unit: str
    start: int
    end: int
    pages: tuple[int, ...]
    empty: bool
    columns: tuple[Column, ...]
    rows: tuple[DetailedRow, ...]
    issues: tuple[str, ...] = ()
    checked: int = 0
    layout: str = ""
    region: TableRegion | None = field(default=None, repr=False, compare=False)

    def to_table(self) -> Table:
        """The SCHEMA `Table` (values in 万元, empty cells omitted)."""
        rows = [
            TableRow(code=r.code, name=r.name, values=r.values())  # type: ignore[arg-type]
            for r in self.rows
        ]
        return Table(kind=self.kind, title=self.title, unit="万元", rows=rows)  # type: ignore[arg-type]


# --- entry points -----------------------------------------------------------------------------


def money_tables(doc: Document, sections: Sections | None = None) -> list[Table]:
    """The money tables of `doc` as SCHEMA `Table`s, in document order (empty declared tables
    kept with no rows)."""
    return [t.to_table() for t in money_tables_detailed(doc, sections)]


def money_tables_detailed(doc: Document, sections: Sections | None = None) -> list[DetailedTable]:
    """The money tables of `doc` with the provenance of every cell and their arithmetic issues."""
    sections = sections if sections is not None else segment(doc)
    return [rebuild(region) for region in sections.tables]


def rebuild(region: TableRegion) -> DetailedTable:
    """Rebuild one table region."""
    scale = SCALE.get(region.unit, 1.0)
    body = list(region.body)
    layout = _layout(body)
    if region.empty or not body:
        return _table(region, (), (), layout)
    if region.kind == "income_expense_summary":
        return _summary(region, body, scale, layout)
    if layout == "tab":
        columns, rows = _tab_rows(region, body, scale)
    elif layout == "line" or 2 * sum(len(r.cells) == 1 for r in body) > len(body):
        # One cell per line, also when a PDF prints its table that way.
        columns, rows = _line_rows(region, body, scale)
    else:
        columns, rows = _geometric_rows(region, body, scale)
    if region.kind == "three_public":
        rows = _three_public(columns, rows)
    rows = _finish(rows)
    issues, checked = table_issues(region.kind, rows, columns)
    return _table(region, columns, rows, layout, issues, checked)


def _table(region, columns, rows, layout, issues=(), checked=0) -> DetailedTable:
    return DetailedTable(
        kind=region.kind,
        title=region.title,
        unit=region.unit,
        start=region.start,
        end=region.end,
        pages=region.pages,
        empty=region.empty,
        columns=tuple(columns),
        rows=tuple(rows),
        issues=tuple(issues),
        checked=checked,
        layout=layout,
        region=region,
    )


def _layout(body: Sequence[Row]) -> str:
    if not body:
        return ""
    counts: dict[str, int] = {}
    for r in body:
        counts[r.layout] = counts.get(r.layout, 0) + 1
    return max(counts, key=lambda k: counts[k])


# --- cell text --------------------------------------------------------------------------------


def parse_figure(text: str) -> float | None:
    """A printed figure ("13,649.07", "686. 71", "528.", "-12.5", OCR "1l65.37") as a float,
    else None."""
    t = digits(text).replace("−", "-").replace("，", ",")
    if not t or not MONEY.match(t):
        return None
    try:
        return float(t.replace(",", "").rstrip("."))
    except ValueError:
        return None


def clean_name(text: str, kind: str = "") -> str:
    """A row name as printed, without wrap spaces or a leading enumerator (一、 1、 （一）)."""
    name = squash(text)
    name = _ENUMERATOR.sub("", name)
    if kind == "three_public":
        name = re.sub(r"^其中[:：]", "", name)
    return name


def _code_of(texts: Sequence[str]) -> tuple[str | None, int]:
    """The 科目 code at the start of `texts` (a whole code, one broken by wraps, or 类/款/项
    pieces in separate cells) and how many cells it took."""
    if not texts:
        return None, 0
    first = digits(texts[0])
    if not first.isdigit() or not 3 <= len(first) <= 9:
        return None, 0
    code, used = first, 1
    if len(first) == 3:  # 类 | 款 | 项 in separate cells
        for t in texts[1:3]:
            piece = digits(t, 1)
            if len(piece) == 2 and piece.isdigit():
                code += piece
                used += 1
            else:
                break
    return code, used


# --- column labels ----------------------------------------------------------------------------


def column_key(label: Sequence[str], kind: str) -> str | None:
    """The SCHEMA key of a column from its header label path (top to bottom), given the table
    kind: 合计/金额/小计 → total (or the group above it: 基本支出 小计 → basic), 基本支出 → basic,
    项目支出 → project, 人员经费/工资福利 → personnel, 公用经费 → public."""
    allowed = KIND_KEYS.get(kind, ("total",))
    parts = [squash(p) for p in label if squash(p)]
    if not parts:
        return None

    def direct(text: str) -> str | None:
        if re.search(r"人员经费|人员支出|工资福利", text):
            return "personnel"
        if re.search(r"公用经费|公用支出|日常公用", text):
            return "public"
        if re.search(r"基本支出", text) and not re.search(r"项目支出", text):
            return "basic"
        if re.search(r"项目支出", text) and not re.search(r"基本支出", text):
            return "project"
        return None

    for depth in range(len(parts) - 1, -1, -1):
        leaf = parts[depth]
        if re.match(r"价值|金额", leaf) and "total" in allowed:
            return "total"
        key = direct(leaf)
        if key in allowed:
            return key
        if re.fullmatch(
            r"合计|金额|总计|小计|预算数|预算金额|金额合计|预算|全年预算|本年预算|数额", leaf
        ):
            for above in reversed(parts[:depth]):
                up = direct(above)
                if up in allowed and up != "total":
                    return up
                if up is None and leaf == "小计" and re.search(r"收入|拨款|资金", above):
                    return None
            return "total"
        if key is not None:
            return None
    return None


def _assign_keys(labels: Sequence[tuple[float, Sequence[str]]], kind: str) -> list[Column]:
    """Columns from (anchor, label path) pairs; each key goes to its first column only."""
    cols: list[Column] = []
    used: set[str] = set()
    for anchor, label in labels:
        key = column_key(label, kind)
        if kind == "three_public":
            key = None
        if key in used:
            key = None
        if key is not None:
            used.add(key)
        cols.append(Column(key, "/".join(squash(p) for p in label if squash(p)), anchor))
    if "total" not in used:  # a single figure column with an unusual header is the total
        for i, c in enumerate(cols):
            if c.key is None and not _STRUCT.search(c.label) and kind != "three_public":
                cols[i] = replace(c, key="total")
                break
    return cols


# --- tab layout -------------------------------------------------------------------------------


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


def _tab_rows(region: TableRegion, body: list[Row], scale: float):
    paths = _tab_header([r for r in region.header if not _is_stub(r)])
    seq_col = next((j for j, p in paths.items() if any("序号" in squash(x) for x in p)), None)
    code_col = next(
        (j for j, p in paths.items() if any(re.search(r"编码|代码", squash(x)) for x in p)), None
    )
    name_col = next(
        (
            j
            for j, p in sorted(paths.items())
            if any(re.search(r"名称|^项目$", squash(x)) for x in p)
        ),
        None,
    )
    # 科目编码 printed as 类 | 款 | 项 columns: the code is their concatenation.
    part_cols = [
        j for j, p in sorted(paths.items()) if p and re.fullmatch(r"类|款|项", squash(p[-1]))
    ]
    if len(part_cols) >= 2:
        code_col = part_cols[0]
    structural = {j for j in (seq_col, code_col, name_col, *part_cols) if j is not None}
    labels = [
        (float(j), p)
        for j, p in sorted(paths.items())
        if j not in structural and p and not any(_STRUCT.search(squash(x)) for x in p[-1:])
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
            seq_col is not None and seq_col in grid and squash(grid[seq_col][0].text).isdigit()
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
    a page break and holds only unnumbered text."""
    prev_text = {j: "".join(c.text for c in cs) for j, cs in prev.items()}
    if any(squash(prev_text[j]).endswith((".", ",")) for j in prev_text if j in by_index):
        return True
    if code_col is not None and code_col in prev_text:
        code = squash(prev_text[code_col])
        if code.isdigit() and not _CODE.match(code):
            return True
    if not after_break:
        return False
    texts = ["".join(c.text for c in cs) for cs in cur.values()]
    has_figures = any(parse_figure(t) is not None for t in texts)
    numbered = any(_ENUMERATOR.match(squash(t)) for t in texts)
    return not has_figures and not numbered and (code_col is None or code_col not in cur)


def _is_stub(row: Row) -> bool:
    from ie.segment import is_stub_row

    return is_stub_row(row)


def _source_cell(column: int, key: str | None, value: float, cells: Sequence[Cell]) -> SourceCell:
    return SourceCell(
        column,
        key,
        round(value, 6),
        "".join(c.text for c in cells),
        min(c.start for c in cells),
        max(c.end for c in cells),
        cells[0].page,
    )


def _row(code, name_text, figures, cells, kind) -> DetailedRow:
    name = clean_name(name_text, kind)
    total = code is None and bool(_GRAND_TOTAL.match(name))
    return DetailedRow(
        code=code,
        name="合计" if total else name,
        cells=tuple(figures),
        start=min(c.start for c in cells),
        end=max(c.end for c in cells),
        page=cells[0].page,
        total_row=total,
    )


# --- pdf / space layout -----------------------------------------------------------------------


def _split_figures(row: Row) -> list[Cell]:
    """Cells of a row, with a cell holding several figures ("767.60 199.25") split in two."""
    out: list[Cell] = []
    for c in row.cells:
        parts = c.text.split(" ")
        if len(parts) > 1 and all(parse_figure(p) is not None and "." in p for p in parts):
            width = (c.x1 - c.x0) / len(c.text)
            pos = 0
            for p in parts:
                x0 = c.x0 + pos * width
                out.append(replace(c, text=p, x0=x0, x1=x0 + len(p) * width))
                pos += len(p) + 1
        else:
            out.append(c)
    return out


def _seq_limit(header: Sequence[Row]) -> float | None:
    """Where a 序号 column ends: the left edge of the first header cell right of 序号, or None
    when the header has no 序号."""
    cells = [c for r in header for c in r.cells]
    seq = next((c for c in cells if squash(c.text) in ("序号", "序", "行次")), None)
    if seq is None:
        return None
    right = [c.x0 for c in cells if c.x0 >= seq.x1 - 0.1]
    return min(right) if right else seq.x1


def _lead(cells: Sequence[Cell], seq_limit: float | None) -> tuple[str | None, int]:
    """The 科目 code at the start of a row's cells and how many cells it and a 序号 before it
    (a small integer inside the 序号 column) take."""
    skip = 0
    if (
        seq_limit is not None
        and cells
        and (cells[0].x0 + cells[0].x1) / 2 < seq_limit
        and re.fullmatch(r"\d{1,4}", digits(cells[0].text, 1))
    ):
        skip = 1
    code, used = _code_of([c.text for c in cells[skip:]])
    return code, used + skip


def _column_spans(body: Sequence[Row], seq_limit: float | None = None) -> list[tuple[float, float]]:
    """Horizontal spans of the figure columns: figures of one column overlap horizontally
    whether the column is left-, right- or centre-aligned; figures of two columns never do."""
    spans = []
    for r in body:
        cells = _split_figures(r)
        _, used = _lead(cells, seq_limit)  # a leading 序号 and 科目 code are not figures
        spans += [(c.x0, c.x1) for c in cells[used:] if parse_figure(c.text) is not None]
    spans.sort()
    out: list[list[float]] = []
    for x0, x1 in spans:
        if out and x0 < out[-1][1]:
            out[-1][1] = max(out[-1][1], x1)
        else:
            out.append([x0, x1])
    return [(a, b) for a, b in out]


def _geometric_rows(region: TableRegion, body: list[Row], scale: float):
    size = statistics.median(
        [c.bottom - c.top for r in body for c in r.cells if c.bottom > c.top] or [1]
    )
    seq_limit = _seq_limit(region.header)
    # Each page lays its columns out anew (a table continued on the next page may sit
    # elsewhere), and so may a block of rows after a blank gap: spans per block, matched to
    # the first block's columns by order; per page when blocks disagree, else one set.
    spans, block_spans = _column_spans(body, seq_limit), {}
    pdf = all(row.layout == "pdf" for row in body)  # text rows' gaps are blank lines only
    for blocks in (_blocks(body, split_gaps=pdf), _blocks(body, split_gaps=False)):
        by_block: dict[int, list[Row]] = {}
        for row, b in zip(body, blocks, strict=True):
            by_block.setdefault(b, []).append(row)
        found = {b: _column_spans(rows, seq_limit) for b, rows in by_block.items()}
        first = found[blocks[0]]
        if len(found) > 1 and first and all(len(v) == len(first) for v in found.values()):
            spans = first
            block_spans = {id(row): found[b] for row, b in zip(body, blocks, strict=True)}
            break
    # Logical rows: a row with a code or figures; text-only lines are wrapped name pieces that
    # belong to the nearest such row on the same page.
    data: list[tuple[Row, list[Cell]]] = []
    pieces: list[Row] = []
    for row in body:
        cells = _split_figures(row)
        code, used = _lead(cells, seq_limit)
        figures = [c for c in cells[used:] if parse_figure(c.text) is not None]
        if figures or code or _GRAND_TOTAL.match(clean_name(row.text)):
            data.append((row, cells))
        else:
            pieces.append(row)
    # Figure cells per row: what follows the 序号/code and is a figure right of the names.
    parsed: list[tuple[str | None, list[Cell], list[Cell], list[Cell]]] = []
    for _, cells in data:
        code, used = _lead(cells, seq_limit)
        name_cells, figs = [], []
        for c in cells[used:]:
            if parse_figure(c.text) is None or (not figs and _is_label_number(c, spans)):
                name_cells.append(c)
            else:
                figs.append(c)
        parsed.append((code, name_cells, figs, cells))
    if not block_spans and not _spans_hold(spans, [figs for *_, figs, _ in parsed]):
        # Text layouts shift figures sideways (inserted spaces), so overlapping figures of
        # neighbouring columns merged their spans: rebuild the columns from the rows that
        # print every column, and place the figures of the others by arithmetic and position.
        spans = _ordered_spans([figs for *_, figs, _ in parsed])
    anchors = [hi for _, hi in spans]
    width = statistics.median([hi - lo for lo, hi in spans] or [size * 6])
    # Column regions for the header: halfway between neighbouring columns' figures.
    bounds = [spans[0][0] - width / 2 - 2 * size] if spans else []
    bounds += [(spans[k][1] + spans[k + 1][0]) / 2 for k in range(len(spans) - 1)]
    bounds += [spans[-1][1] + 4 * width] if spans else []
    labels = []
    for k in range(len(spans)):
        lo, hi = bounds[k], bounds[k + 1]
        parts = []
        for hr in region.header:
            for c in hr.cells:
                overlap = min(c.x1, hi) - max(c.x0, lo)
                if overlap > 0.5 * min(c.x1 - c.x0, hi - lo) and parse_figure(c.text) is None:
                    parts.append((hr.top, c.x0, c.text))
        labels.append(_join_wrapped(parts))
    if region.kind == "three_public":
        labels = [_leaf_path(region.header, (lo + hi) / 2, width) for lo, hi in spans]
    columns = _assign_keys([(a, lab) for a, lab in zip(anchors, labels, strict=True)], region.kind)
    extra: dict[int, list[tuple[float, Row]]] = {}
    for piece in pieces:
        near = [
            (abs((r.top + r.bottom) / 2 - (piece.top + piece.bottom) / 2), k)
            for k, (r, _) in enumerate(data)
            if r.page == piece.page
        ]
        if is_prose(piece) or "。" in piece.key:
            continue  # a note such as 注：…为必填项。
        if near and min(near)[0] < 2.5 * size:
            extra.setdefault(min(near)[1], []).append((piece.top, piece))
        elif data or near:
            data.append((piece, list(piece.cells)))
            parsed.append((None, list(piece.cells), [], list(piece.cells)))
    options = [
        _place(figs, block_spans.get(id(row), spans), columns)
        for (row, _), (*_, figs, _) in zip(data, parsed, strict=True)
    ]

    def build_row(k: int, pick: int) -> DetailedRow:
        (row, _), (code, name_cells, figs, cells) = data[k], parsed[k]
        slots = options[k][pick]
        names = list(name_cells) + [c for c, s in zip(figs, slots, strict=True) if s < 0]
        names.sort(key=lambda c: c.x0)
        figures = [
            _source_cell(s, columns[s].key, (parse_figure(c.text) or 0.0) * scale, [c])
            for c, s in zip(figs, slots, strict=True)
            if s >= 0
        ]
        pieces_here = sorted(extra.get(k, []), key=lambda t: t[0])
        above = [p.text for top, p in pieces_here if top < row.top]
        below = [p.text for top, p in pieces_here if top >= row.top]
        name = "".join(above + [c.text for c in names] + below)
        all_cells = list(cells) + [c for _, p in pieces_here for c in p.cells]
        return _row(code, name, figures, all_cells, region.kind)

    codes = [code for code, *_ in parsed]
    return columns, _settle(options, build_row, region.kind, columns, codes)


def _blocks(body: Sequence[Row], split_gaps: bool) -> list[int]:
    """A block number per row: a new block starts on each page and, with `split_gaps`, after
    a vertical gap of more than twice the usual distance between rows (a blank line)."""
    pitches = [b.top - a.top for a, b in itertools.pairwise(body) if a.page == b.page]
    pitch = statistics.median([d for d in pitches if d > 0] or [0.0])
    out, block = [], 0
    for k, row in enumerate(body):
        if k and (
            row.page != body[k - 1].page
            or (split_gaps and pitch > 0 and row.top - body[k - 1].top > 2 * pitch)
        ):
            block += 1
        out.append(block)
    return out


def _spans_hold(spans: Sequence[tuple[float, float]], rows: Sequence[Sequence[Cell]]) -> bool:
    """Whether column spans separate every row's figures (no two figures of a row in one)."""
    for figs in rows:
        cols = [_span_of(c, spans) for c in figs]
        cols = [k for k in cols if k >= 0]
        if len(cols) != len(set(cols)):
            return False
    return True


def _span_of(cell: Cell, spans: Sequence[tuple[float, float]]) -> int:
    mid = (cell.x0 + cell.x1) / 2
    return next((k for k, (lo, hi) in enumerate(spans) if lo <= mid <= hi), -1)


def _ordered_spans(rows: Sequence[Sequence[Cell]]) -> list[tuple[float, float]]:
    """Column spans from the rows that print the most figures: the k-th span runs over the
    k-th figures of those rows, cut where it would reach into its neighbours."""
    most = max((len(f) for f in rows), default=0)
    full = [f for f in rows if len(f) == most]
    if not most:
        return []
    centres = [statistics.median((f[k].x0 + f[k].x1) / 2 for f in full) for k in range(most)]
    half = [
        min(
            (centres[k] - centres[k - 1]) / 2 if k else float("inf"),
            (centres[k + 1] - centres[k]) / 2 if k + 1 < most else float("inf"),
        )
        for k in range(most)
    ]
    widths = statistics.median(c.x1 - c.x0 for f in full for c in f)
    return [
        (centres[k] - min(half[k], widths), centres[k] + min(half[k], widths)) for k in range(most)
    ]


def _place(
    figs: Sequence[Cell], spans: Sequence[tuple[float, float]], columns: Sequence[Column]
) -> list[tuple[int, ...]]:
    """Column placements for a row's figures, best first (-1: not a figure column). Figures
    keep their order; row arithmetic ranks placements first, nearness to the columns next;
    placements that arithmetic cannot tell apart and position barely does are all kept for
    the table's arithmetic to settle."""
    n = len(spans)
    if not figs or not n:
        return [tuple(-1 for _ in figs)]
    inside = [_span_of(c, spans) for c in figs]
    if all(k >= 0 for k in inside) and len(set(inside)) == len(inside):
        return [tuple(inside)]  # every figure inside its own column's span
    if len(figs) > n:
        return [tuple(inside)]
    values = [parse_figure(c.text) or 0.0 for c in figs]
    scored = []
    for slots in itertools.combinations(range(n), len(figs)):
        score = _row_score(values, slots, columns)
        dist = sum(
            abs((c.x0 + c.x1) / 2 - (spans[s][0] + spans[s][1]) / 2)
            for c, s in zip(figs, slots, strict=True)
        )
        scored.append((-score, dist, slots))
    scored.sort()
    best_score, best_dist, _ = scored[0]
    gap = min((b[0] - a[1] for a, b in itertools.pairwise(spans)), default=1.0)
    width = max(statistics.median(hi - lo for lo, hi in spans), gap, 1e-6)
    return [
        slots
        for score, dist, slots in scored
        if score == best_score and dist - best_dist < 0.5 * width
    ]


def _row_score(values: Sequence[float], slots: Sequence[int], columns: Sequence[Column]) -> int:
    """How well a placement fits the row's arithmetic (total = basic + project, total =
    personnel + public); a table with a total column fills it first."""
    by_key = {columns[s].key: v for s, v in zip(slots, values, strict=True) if columns[s].key}
    score = 0
    total = by_key.get("total")
    for a, b in (("basic", "project"), ("personnel", "public")):
        if total is not None and (a in by_key or b in by_key) and _has_keys(columns, a, b):
            ok = abs(total - by_key.get(a, 0.0) - by_key.get(b, 0.0)) <= TOLERANCE
            score += 10 if ok else -10
    if "total" not in by_key and any(c.key == "total" for c in columns):
        score -= 5
    return score


def _settle(
    options: Sequence[Sequence[tuple[int, ...]]],
    build_row,
    kind: str,
    columns: Sequence[Column],
    codes: Sequence[str | None] = (),
) -> list[DetailedRow]:
    """Pick one placement per row and return the rows built with it. `build_row(k, pick)`
    builds row k with its `pick`-th placement. Rows whose own arithmetic and position leave
    several open are settled by the table's arithmetic (fewest parent/child mismatches, then
    the smallest gaps). Open siblings (rows under one parent `codes` prefix) are tried
    together, since moving one child alone can make its parent's sums worse before they get
    better. Only the relations a trial touches are scored (the rest are the same for every
    trial), and each row is built once per placement."""
    cache: dict[tuple[int, int], DetailedRow] = {}

    def row(k: int, pick: int) -> DetailedRow:
        if (k, pick) not in cache:
            cache[k, pick] = build_row(k, pick)
        return cache[k, pick]

    choice = [0] * len(options)
    open_rows = [k for k, opts in enumerate(options) if len(opts) > 1]
    if not open_rows:
        return [row(k, 0) for k in range(len(options))]
    base = [row(k, 0) for k in range(len(options))]
    scorer = _Scorer(kind, base, columns)

    def cost(members: Sequence[int], picks: Sequence[int]) -> tuple[int, float]:
        rows = {k: row(k, pick) for k, pick in zip(members, picks, strict=True)}
        current = [rows.get(k) or row(k, choice[k]) for k in range(len(options))]
        return scorer.cost(current, members)

    groups: dict[str, list[int]] = {}
    for k in open_rows:
        code = codes[k] if k < len(codes) else None
        if code:
            groups.setdefault(code[:-2] if len(code) > 3 else "", []).append(k)
    settled: set[int] = set()
    for members in groups.values():
        combos = 1
        for k in members:
            combos *= len(options[k])
        if len(members) < 2 or combos > _MAX_COMBOS:
            continue
        settled.update(members)
        best = min(
            itertools.product(*(range(len(options[k])) for k in members)),
            key=lambda picks: cost(members, picks),
        )
        for k, pick in zip(members, best, strict=True):
            choice[k] = pick
    for k in open_rows:
        if k not in settled:
            choice[k] = min(range(len(options[k])), key=lambda pick: (*cost([k], [pick]), pick))
    return [row(k, choice[k]) for k in range(len(options))]


# Sibling placements tried together (each trial scores only its parent's relations, so this
# many stay fast); larger groups are settled row by row.
_MAX_COMBOS = 1024


class _Scorer:
    """The arithmetic relations of a table whose codes and names are fixed and whose figures
    vary with the placements tried: row sums, parent = sum of children, 合计 = sum of the
    top-level codes (and the 三公 sums). `cost` counts the failed relations that involve the
    given rows and sums their gaps (as `table_issues` and `_misfit` would for the whole
    table, less the relations no trial changes)."""

    def __init__(self, kind: str, rows: Sequence[DetailedRow], columns: Sequence[Column]):
        self.kind = kind
        self.columns = columns
        self.extra = {
            i for i, c in enumerate(columns) if c.key is None and _EXTRA_PART.search(c.label)
        }
        coded = [(k, r.code) for k, r in enumerate(rows) if r.code]
        codes = {c for _, c in coded}
        # (parent row, its child rows): a 科目 and the codes right below it, 合计 and the tops
        self.relations: list[tuple[int, list[int]]] = []
        for k, code in coded:
            kids = [
                j
                for j, c in coded
                if c != code
                and c.startswith(code)
                and not any(p in codes for p in _between(code, c))
            ]
            if kids:
                self.relations.append((k, kids))
        grand = next((k for k, r in enumerate(rows) if r.total_row), None)
        if grand is not None and coded:
            top_len = min(len(c) for c in codes)
            self.relations.append((grand, [j for j, c in coded if len(c) == top_len]))
        self.touching: dict[int, list[int]] = {}
        for n, (parent, kids) in enumerate(self.relations):
            for k in {parent, *kids}:
                self.touching.setdefault(k, []).append(n)

    def cost(self, rows: Sequence[DetailedRow], members: Sequence[int]) -> tuple[int, float]:
        """(failed checks, summed gaps) of the relations that involve `members`."""
        if self.kind == "three_public":  # name-based sums: score the whole table
            return len(table_issues(self.kind, rows, self.columns)[0]), _misfit(rows)
        values: dict[int, dict[str, float]] = {}

        def v(k: int) -> dict[str, float]:
            if k not in values:
                values[k] = rows[k].values()
            return values[k]

        failed, gap = 0, 0.0
        for k in members:
            got = v(k)
            if "total" not in got:
                continue
            for a, b in (("basic", "project"), ("personnel", "public")):
                if a in got or b in got:
                    more = (
                        sum(c.value for c in rows[k].cells if c.column in self.extra)
                        if a == "basic"
                        else 0.0
                    )
                    short = got["total"] - got.get(a, 0.0) - got.get(b, 0.0) - more
                    failed += abs(short) > TOLERANCE
        seen = sorted({n for k in members for n in self.touching.get(k, ())})
        for n in seen:
            parent, kids = self.relations[n]
            pv = v(parent)
            kid_values = [v(j) for j in kids]
            for key in {*pv, *(key for kv in kid_values for key in kv)}:
                diff = abs(pv.get(key, 0.0) - sum(kv.get(key, 0.0) for kv in kid_values))
                gap += diff
                if key in pv and diff > TOLERANCE * max(1, len(kids)):
                    failed += 1
        return failed, gap


def _misfit(rows: Sequence[DetailedRow]) -> float:
    """How far the code hierarchy is from adding up: the summed gaps between each parent's
    figures (and 合计's) and the sums of its children's, per column. Unlike a count of failed
    checks it drops with every child moved to its right column."""
    values = [r.values() for r in rows]
    coded = [(r.code, v) for r, v in zip(rows, values, strict=True) if r.code]
    codes = {c for c, _ in coded}
    gap = 0.0
    parents = list(coded)
    grand = next((v for r, v in zip(rows, values, strict=True) if r.total_row), None)
    if grand is not None and codes:
        parents.append(("", grand))
    top_len = min((len(c) for c in codes), default=0)
    for code, v in parents:
        if code:
            kids = [
                cv
                for c, cv in coded
                if c != code
                and c.startswith(code)
                and not any(p in codes for p in _between(code, c))
            ]
        else:
            kids = [cv for c, cv in coded if len(c) == top_len]
        if not kids:
            continue
        for key in {*v, *(k for cv in kids for k in cv)}:
            gap += abs(v.get(key, 0.0) - sum(cv.get(key, 0.0) for cv in kids))
    return gap


def _is_label_number(cell: Cell, spans: Sequence[tuple[float, float]]) -> bool:
    """A number printed inside a name (单价在20万元以上) is not a figure: it sits left of every
    figure column."""
    return bool(spans) and cell.x1 < spans[0][0] and "." not in cell.text


def _leaf_path(header: Sequence[Row], x: float, width: float) -> list[str]:
    """Header path above position `x`: the lowest header cell near `x` (the leaf; a figure
    may sit off the centre of its label) and every cell above that spans the leaf's centre."""
    cells = [c for r in header for c in r.cells if parse_figure(c.text) is None]
    if not cells:
        return []

    def distance(c: Cell) -> float:
        return max(c.x0 - x, x - c.x1, 0.0)

    near = min(distance(c) for c in cells)
    leaf = max((c for c in cells if distance(c) <= near + width / 2), key=lambda c: c.top)
    mid = (leaf.x0 + leaf.x1) / 2
    above = [c for c in cells if c.x0 - 1 <= mid <= c.x1 + 1 and c.top <= leaf.top]
    return [c.text for c in sorted(above, key=lambda c: c.top)]


def _join_wrapped(parts: list[tuple[float, float, str]]) -> list[str]:
    """Header pieces above one column, top to bottom; lines of one wrapped header cell
    (公务用车购置 / 费) are joined when the upper line does not end a known label."""
    parts.sort()
    out: list[str] = []
    for _top, _x0, text in parts:
        if out and not re.search(r"(合计|小计|支出|经费|费|金额|总计|科目|\))$", squash(out[-1])):
            out[-1] += text
        else:
            out.append(text)
    return out


# --- line layout (one cell per line) ----------------------------------------------------------


def _line_rows(region: TableRegion, body: list[Row], scale: float):
    header = [c.text for r in region.header for c in r.cells]
    labels = [
        (float(k), [t])
        for k, t in enumerate(
            t
            for t in header
            if not _STRUCT.search(squash(t)) and not _is_group(t) and parse_figure(t) is None
        )
    ]
    columns = _assign_keys(labels, region.kind)
    has_seq = any(re.search(r"序号|行次", squash(t)) for t in header)
    tokens = [c for r in body for c in r.cells]
    parsed = _line_groups(tokens, has_seq, _decimals(tokens))
    options = []
    for _code, _names, figs, _cells in parsed:
        values = [v for v, _ in figs][: len(columns)]
        options.append(_slot_options(values, columns) if columns else [()])

    def build_row(k: int, pick: int) -> DetailedRow:
        code, names, figs, cells = parsed[k]
        figures = [
            _source_cell(s, columns[s].key, v * scale, fc)
            for (v, fc), s in zip(figs, options[k][pick], strict=False)
        ]
        return _row(code, "".join(c.text for c in names), figures, cells, region.kind)

    codes = [code for code, *_ in parsed]
    return columns, _settle(options, build_row, region.kind, columns, codes)


def _decimals(tokens: Sequence[Cell]) -> int:
    """The number of decimals the table prints its figures with (the most common), 0 if none."""
    counts: dict[int, int] = {}
    for c in tokens:
        t = digits(c.text)
        if re.fullmatch(r"[\d,]*\d\.\d+", t):
            n = len(t.split(".")[1])
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else 0


def _kind_of(text: str) -> str:
    """int | dec (a figure or a piece of one) | text."""
    t = digits(text, 0)
    if re.fullmatch(r"\d+", t):
        return "int"
    if re.fullmatch(r"[-−]?[\d,]*\.?[\d,]*", t) and re.search(r"\d", t):
        return "dec"
    return "text"


def _line_groups(
    tokens: Sequence[Cell], has_seq: bool, decimals: int
) -> list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]]:
    """Rows of a one-cell-per-line table from its cells in reading order: [序号] code name
    figures. A code broken over lines ("2070" + "111") is rejoined, and so is a figure
    ("630." + "76", "76" + "7.42", "847.4" + "9") where its pieces cannot stand alone as
    figures printed with `decimals` decimals."""
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [digits(c.text, 0) for c in tokens]
    rows: list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]] = []
    seq = 0
    i, n = 0, len(tokens)

    def complete(t: str) -> bool:
        if t.endswith((".", ",")) or t.startswith((".", ",")):
            return False
        return decimals == 0 or ("." in t and len(t.split(".")[1]) >= decimals)

    def starts_row(k: int, cur_figs: int) -> bool:
        """Whether token k starts a new row (the current row has `cur_figs` figures)."""
        if kinds[k] == "text":
            return cur_figs > 0
        if kinds[k] != "int" or not cur_figs:
            return False
        # An integer after a finished figure: the next 序号 or code when a code or name
        # follows it, else the first piece of a figure.
        nxt = k + 1
        if has_seq and texts[k] == str(seq + 1):
            return nxt >= n or kinds[nxt] != "dec" or not texts[nxt][:1] == "."
        while nxt < n and kinds[nxt] == "int" and len(texts[k]) + len(texts[nxt]) <= 7:
            nxt += 1
        return nxt >= n or kinds[nxt] == "text"

    while i < n:
        cells: list[Cell] = []
        code: str | None = None
        names: list[Cell] = []
        figs: list[tuple[float, list[Cell]]] = []
        if has_seq and kinds[i] == "int" and texts[i] == str(seq + 1) and len(texts[i]) <= 3:
            if i + 1 < n and kinds[i + 1] != "dec":
                seq += 1
                cells.append(tokens[i])
                i += 1
        if i < n and kinds[i] == "int" and len(texts[i]) >= 3:
            code = texts[i]
            cells.append(tokens[i])
            i += 1
            while i < n and kinds[i] == "int" and len(code) + len(texts[i]) <= 7:
                code += texts[i]
                cells.append(tokens[i])
                i += 1
        while (
            i < n
            and kinds[i] == "text"
            and not (names and _GRAND_TOTAL.match(clean_name(texts[i])))
        ):
            if (names or code) and _GRAND_TOTAL.match(clean_name(texts[i])):
                break
            names.append(tokens[i])
            cells.append(tokens[i])
            i += 1
        while i < n and not starts_row(i, len(figs)):
            if (
                kinds[i] == "int"
                and code is None
                and not figs
                and len(texts[i]) >= 3
                and (i + 1 >= n or kinds[i + 1] == "text")
            ):
                # The code printed after the start of the name (a row cut by a page break).
                code = texts[i]
                cells.append(tokens[i])
                i += 1
                continue
            if kinds[i] == "text":  # a name piece between figures: keep it with the name
                names.append(tokens[i])
                cells.append(tokens[i])
                i += 1
                continue
            piece, used = texts[i], [tokens[i]]
            i += 1
            while i < n and kinds[i] != "text" and not complete(piece):
                joined = piece + texts[i]
                if kinds[i] == "int" and has_seq and texts[i] == str(seq + 1) and complete(piece):
                    break
                if parse_figure(joined) is None:
                    break
                piece = joined
                used.append(tokens[i])
                i += 1
            value = parse_figure(piece)
            cells.extend(used)
            if value is not None:
                figs.append((value, used))
        if not cells:  # nothing consumed: take the token as a name so the loop moves on
            names.append(tokens[i])
            cells.append(tokens[i])
            i += 1
        rows.append((code, names, figs, cells))
    return rows


def _is_group(text: str) -> bool:
    return bool(
        re.fullmatch(
            r"本年收入|本年支出|功能分类科目|经济分类科目|.*资金性质|收入|支出", squash(text)
        )
    )


def _has_figures(cells: list[Cell]) -> bool:
    return any(parse_figure(c.text) is not None and not _CODE.match(squash(c.text)) for c in cells)


def _slot_options(values: list[float], columns: Sequence[Column]) -> list[tuple[int, ...]]:
    """Column placements for `values` read left to right when some cells were empty: of every
    order-keeping placement, those whose row arithmetic scores best (total = basic + project,
    total = personnel + public; a total column is filled first). Several are returned when
    the row alone cannot tell (total 40 = basic 40 or project 40)."""
    n = len(columns)
    if len(values) >= n or not values:
        return [tuple(range(len(values)))]
    scored: list[tuple[int, tuple[int, ...]]] = []
    for slots in itertools.combinations(range(n), len(values)):
        scored.append((_row_score(values, slots, columns), slots))
    best = max(score for score, _ in scored)
    return [slots for score, slots in scored if score == best]


def _has_keys(columns: Sequence[Column], *keys: str) -> bool:
    present = {c.key for c in columns}
    return all(k in present for k in keys)


# --- special tables ---------------------------------------------------------------------------


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
        if seq and squash(seq[0].text).isdigit():
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


def three_public_name(label: str) -> str:
    """The row name for a “三公”经费 column from its header path (group/…/leaf, pieces of a
    wrapped header cell included): “三公”经费小计, 因公出国（境）费, 公务用车购置及运行维护费,
    公务用车购置费, 公务用车运行维护费, 公务接待费, 会议费, 培训费, 合计."""
    path = squash(label.replace("/", ""))
    if "会议费" in path:
        return "会议费"
    if "培训费" in path:
        return "培训费"
    if "接待" in path:
        return "公务接待费"
    if "出国" in path or "境" in path:
        return "因公出国（境）费"
    vehicle = re.search(r"公务用车购置及运(?:行维护|维)费?", path)
    rest = path.replace(vehicle.group(), "") if vehicle else path
    if "运行" in rest or "运维" in rest:
        return "公务用车运行维护费"
    if "购置" in rest:
        return "公务用车购置费"
    if vehicle:
        return "公务用车购置及运行维护费"
    if "三公" in path:
        return "“三公”经费小计"
    if re.search(r"合计|总计", path) or not path:
        return "合计"
    return path


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


_THREE_PUBLIC_ORDER = (
    "合计",
    "“三公”经费小计",
    "因公出国（境）费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
    "会议费",
    "培训费",
)


def _finish(rows: Iterable[DetailedRow]) -> list[DetailedRow]:
    """Drop rows with neither a name nor figures; a nameless first row of figures is 合计."""
    out = []
    for k, r in enumerate(rows):
        if not r.name and not r.code and r.cells and k == 0:
            r = replace(r, name="合计", total_row=True)
        if r.name or r.code or r.cells:
            out.append(r)
    return out


# --- arithmetic -------------------------------------------------------------------------------


_EXTRA_PART = re.compile(r"预留|机动|经营支出|上缴上级|上解上级|对附属单位")


def table_issues(
    kind: str,
    rows: Sequence[DetailedRow],
    columns: Sequence[Column] = (),
    open_parts: bool = False,
) -> tuple[list[str], int]:
    """Arithmetic that fails in a rebuilt table, and how many relations were checked:
    row sums (total = basic + project [+ reserve and other expense columns], total = personnel +
    public) and code hierarchy (a parent's figures = the sums of its children's; 合计 = the sum
    of the top-level codes). With `open_parts` (columns unknown, as in a SCHEMA Table whose
    reserve column has no key) a row sum only fails when the parts exceed the total."""
    issues: list[str] = []
    checked = 0
    values = [r.values() for r in rows]
    extra = {i for i, c in enumerate(columns) if c.key is None and _EXTRA_PART.search(c.label)}
    for r, v in zip(rows, values, strict=True):
        label = r.code or r.name
        for a, b in (("basic", "project"), ("personnel", "public")):
            if "total" in v and (a in v or b in v):
                checked += 1
                more = sum(c.value for c in r.cells if c.column in extra) if a == "basic" else 0.0
                got = v.get(a, 0.0) + v.get(b, 0.0) + more
                short = v["total"] - got
                if short < -TOLERANCE or (short > TOLERANCE and not open_parts):
                    plus = " + other parts" if more else ""
                    issues.append(f"{label}: total {v['total']:g} != {a} + {b}{plus} = {got:g}")
    coded = [(r.code, v) for r, v in zip(rows, values, strict=True) if r.code]
    codes = {c for c, _ in coded}
    for code, v in coded:
        kids = [
            (c, cv)
            for c, cv in coded
            if c != code and c.startswith(code) and not any(p in codes for p in _between(code, c))
        ]
        if not kids:
            continue
        for key, parent in v.items():
            checked += 1
            total = sum(cv.get(key, 0.0) for _, cv in kids)
            if abs(parent - total) > TOLERANCE * max(1, len(kids)):
                issues.append(f"{code}: {key} {parent:g} != sum of children {total:g}")
    if kind == "three_public":
        named = {fold_name(r.name): v.get("total") for r, v in zip(rows, values, strict=True)}
        for whole, parts in _THREE_PUBLIC_SUMS:
            if whole in named and named[whole] is not None and any(p in named for p in parts):
                checked += 1
                got = sum(named.get(p) or 0.0 for p in parts)
                if abs(named[whole] - got) > TOLERANCE * len(parts):
                    issues.append(f"{whole} {named[whole]:g} != {' + '.join(parts)} = {got:g}")
    grand = next((v for r, v in zip(rows, values, strict=True) if r.total_row), None)
    if grand and coded:
        top_len = min(len(c) for c in codes)
        tops = [v for c, v in coded if len(c) == top_len]
        for key, g in grand.items():
            checked += 1
            total = sum(v.get(key, 0.0) for v in tops)
            if abs(g - total) > TOLERANCE * max(1, len(tops)):
                issues.append(f"合计: {key} {g:g} != sum of {top_len}-digit codes {total:g}")
    return issues, checked


_THREE_PUBLIC_SUMS = (
    ("“三公”经费小计", ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费")),
    ("公务用车购置及运行维护费", ("公务用车购置费", "公务用车运行维护费")),
)


def fold_name(name: str) -> str:
    """A 三公 row name in one spelling: half-width brackets, 运维费 → 运行维护费."""
    name = name.replace("（", "(").replace("）", ")").replace('"', "“")
    return name.replace("购置及运维费", "购置及运行维护费")


def _between(parent: str, child: str) -> list[str]:
    """Codes strictly between `parent` and `child` in the hierarchy (prefixes of child)."""
    return [child[:n] for n in range(len(parent) + 1, len(child))]


# --- report -----------------------------------------------------------------------------------


def report(paths: Iterable[Path]) -> list[dict]:
    """Per document: which functional/economic expense tables were rebuilt and whether all their
    arithmetic holds."""
    from ie.errors import BudgetIEError
    from ie.ingest import ingest

    out = []
    for path in paths:
        entry: dict = {"doc": str(path), "tables": []}
        try:
            doc = ingest(path)
        except BudgetIEError as exc:
            entry["error"] = str(exc)
            out.append(entry)
            continue
        for t in money_tables_detailed(doc):
            if t.kind in ("expense_by_function", "basic_expense_by_economic"):
                entry["tables"].append(
                    {
                        "kind": t.kind,
                        "title": t.title,
                        "rows": len(t.rows),
                        "coded": sum(1 for r in t.rows if r.code),
                        "checked": t.checked,
                        "issues": list(t.issues),
                        "empty": t.empty,
                    }
                )
        out.append(entry)
    return out


def _main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] != "--report":
        print("usage: python -m ie.tables.money --report DIR", file=sys.stderr)
        return 2
    root = Path(argv[1])
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".pdf", ".txt"))
    results = report(files)
    ok_docs = 0
    for entry in results:
        name = Path(entry["doc"]).name
        if "error" in entry:
            print(f"ERROR      {name}: {entry['error']}")
            continue
        tables = entry["tables"]
        if not tables:
            print(f"no tables  {name}")
            continue
        good = all(not t["issues"] for t in tables) and any(t["coded"] for t in tables)
        ok_docs += good
        kinds = ", ".join(
            f"{'F' if t['kind'] == 'expense_by_function' else 'E'}:{t['coded']}rows/"
            f"{t['checked']}chk/{len(t['issues'])}bad"
            for t in tables
        )
        print(f"{'ok' if good else 'FAIL':10s} {name}: {kinds}")
        for t in tables:
            for issue in t["issues"]:
                print(f"           {t['title']}: {issue}")
    with_tables = sum(1 for e in results if e.get("tables"))
    print(f"{ok_docs}/{with_tables} documents with tables pass every check ({len(results)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
