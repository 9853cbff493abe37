"""Money tables: `TableRegion`s (ie.segment) in, `ie.schema.Table`s out.

Each region's rows are turned into logical table rows — 科目 code, name, and figures by column —
whatever the layout:

- ``tab`` rows: a cell's column is its tab index; a row without its 序号 continues the row
  before it cell by cell (a row broken at a page break: ``2013|行政|528.`` + ``101|运行|36``);
- ``pdf`` / ``space`` rows: figures are right-aligned, so a figure's column is found from its
  right edge (each page may sit on a grid of its own, shifted); column labels come from the
  header cells above each column, or in order where that reading is implausible; a text-only
  line is a wrapped piece of the name of the nearest row;
- ``line`` rows (one cell per line, or lines of single-space cells from PDF-to-text tools):
  a code or row label starts a row, figures follow; a row cut by a page break is rejoined
  around the page number; when a row has fewer figures than the table has columns,
  arithmetic picks their columns. Text-tool shapes: a name wrapped around its row's line,
  figures printed after the page's last row (`_displaced_figures`), column labels among a
  one-row table's figures, a column's cells printed one after another (`_column_order`,
  taken only when every sum passes), and a wide “三公” table whose header lines came in any
  order, placed by its sums (`_three_public_by_sums`).

Every search over placements is capped (`_MAX_PLACEMENTS`, `_TABLE_PLACEMENTS`, `_MAX_OPTIONS`,
`_MAX_VISITS`): a garbled header never makes a table take more than a second or two.

Figures are converted to 万元. Arithmetic (a parent equals the sum of its children by code
prefix, total = basic + project, total = personnel + public) chooses between candidate
readings where the text is ambiguous, over the whole code tree at once; what stays
inconsistent is reported in `DetailedTable.issues`, never silently fixed, and a figure whose
column neither arithmetic nor position can decide is left out and reported.

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
    has_money,
    is_prose,
    segment,
)
from ie.text import OCR_LETTERS, OCR_TABLE, squash_ascii

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
    # Figures left out because the arithmetic allows more than one column for them.
    undecided: tuple[str, ...] = ()

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
    undecided = [
        f"{r.code or r.name or 'figures'}: column undecided for {n}"
        for r in rows
        for n in r.undecided
    ]
    if region.kind == "three_public":
        named = _three_public(columns, rows)
        wide = [r for r in rows if len(r.cells) >= 3]
        if len(wide) == 1:
            # Where the header's labels, read by position, add up worse than the columns
            # every such table has (a text layout shifts figures off their labels).
            figures = sorted(wide[0].cells, key=lambda c: c.column)
            reading = {r.name: v["total"] for r in named if "total" in (v := r.values())}
            found = _three_public_by_sums(region, reading, [c.value for c in figures])
            if found is not None:
                columns, rows = _three_public_wide(found, figures, replace(wide[0], name=""))
                undecided += [f"figures: column undecided for {n}" for n in rows[0].undecided]
                named = _three_public(columns, rows)
        rows = named
    rows = _finish(rows)
    issues, checked = table_issues(region.kind, rows, columns)
    issues += undecided
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
    name = squash_ascii(text)
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
    parts = [squash_ascii(p) for p in label if squash_ascii(p)]
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
        cols.append(
            Column(key, "/".join(squash_ascii(p) for p in label if squash_ascii(p)), anchor)
        )
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
    a page break and holds only unnumbered text."""
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
    """Cells of a row, with a cell holding several figures ("767.60 199.25", "418.26 80")
    split: each part a figure, the first and any other with a point printing two or more
    decimals (a figure broken by a stray space, "686. 71" or "53.7 3", stays whole)."""
    out: list[Cell] = []
    for c in row.cells:
        parts = c.text.split(" ")
        points = [p for p in parts if "." in p]
        if (
            len(parts) > 1
            and "." in parts[0]
            and all(parse_figure(p) is not None for p in parts)
            and all(re.search(r"\.\d\d+$", p) for p in points)
        ):
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
    seq = next((c for c in cells if squash_ascii(c.text) in ("序号", "序", "行次")), None)
    if seq is None:
        return None
    right = [c.x0 for c in cells if c.x0 >= seq.x1 - 0.1]
    return min(right) if right else seq.x1


def _lead(
    cells: Sequence[Cell], seq_limit: float | None, coded: bool = False
) -> tuple[str | None, int]:
    """The 科目 code at the start of a row's cells and how many cells it and a 序号 before it
    (a small integer inside the 序号 column) take. In a table with a code column (`coded`), a
    number under the 序号 that no code follows is the code itself when it is shaped like one
    (the row printed no 序号, or the header sits on another grid than the rows)."""
    skip = 0
    if (
        seq_limit is not None
        and cells
        and (cells[0].x0 + cells[0].x1) / 2 < seq_limit
        and re.fullmatch(r"\d{1,4}", digits(cells[0].text, 1))
    ):
        skip = 1
    code, used = _code_of([c.text for c in cells[skip:]])
    if skip and code is None and coded and _CODE.match(digits(cells[0].text, 1)):
        return _code_of([c.text for c in cells])
    return code, used + skip


def _glued_code(code: str, cell: Cell) -> tuple[str, Cell]:
    """A 类 (or 类款) code whose 款/项 digits were drawn against the name that follows
    ("207" | "0101行政运行"): the code with those digits, and the name without them."""
    m = re.match(r"(\d{2}|\d{4})(?=[^\d.,\s年%％])", squash_ascii(cell.text))
    if len(code) not in (3, 5) or m is None or len(code) + len(m.group(1)) > 7:
        return code, cell
    seen, cut = 0, 0
    while seen < len(m.group(1)):  # past as many digits of the printed text
        seen += squash_ascii(cell.text[cut]).isdigit()
        cut += 1
    return code + m.group(1), replace(cell, text=cell.text[cut:].lstrip())


def _column_spans(
    body: Sequence[Row], seq_limit: float | None = None, coded: bool = False
) -> list[tuple[float, float]]:
    """Horizontal spans of the figure columns: figures of one column overlap horizontally
    whether the column is left-, right- or centre-aligned; figures of two columns never do."""
    spans = []
    for r in body:
        cells = _split_figures(r)
        code, used = _lead(cells, seq_limit, coded)  # a leading 序号 and code are not figures
        stub = _loose_numbers(cells, code, coded)
        spans += [(c.x0, c.x1) for c in cells[used:] if _is_figure(c.text, stub)]
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
    coded = any(_CODE_LABEL.search(squash_ascii(c.text)) for r in region.header for c in r.cells)
    spans = _column_spans(body, seq_limit, coded)
    # Logical rows: a row with a code or figures; text-only lines are wrapped name pieces that
    # belong to the nearest such row on the same page.
    data: list[tuple[Row, list[Cell]]] = []
    pieces: list[Row] = []
    for row in body:
        cells = _split_figures(row)
        code, used = _lead(cells, seq_limit, coded)
        stub = _loose_numbers(cells, code, coded)
        figures = [c for c in cells[used:] if _is_figure(c.text, stub)]
        if figures or code or _GRAND_TOTAL.match(clean_name(row.text)):
            data.append((row, cells))
        else:
            pieces.append(row)
    # Figure cells per row: what follows the 序号/code and is a figure right of the names.
    parsed: list[tuple[str | None, list[Cell], list[Cell], list[Cell]]] = []
    for _, cells in data:
        code, used = _lead(cells, seq_limit, coded)
        name_cells, figs = [], []
        stub = _loose_numbers(cells, code, coded)
        rest = list(cells[used:])
        if code and coded and rest:
            code, rest[0] = _glued_code(code, rest[0])
        for c in rest:
            if not _is_figure(c.text, stub) or (not figs and _is_label_number(c, spans)):
                name_cells.append(c)
            else:
                figs.append(c)
        parsed.append((code, name_cells, figs, cells))
    header = list(region.header)
    if parsed and _header_label_row(parsed[0], header, region.kind):
        # The header's last label printed on the line of the first figures: a header cell.
        code, name_cells, figs, cells = parsed[0]
        top = max((r.bottom for r in header), default=0.0) + 1
        header.append(Row(tuple(name_cells), name_cells[0].page, "pdf", top, top))
        parsed[0] = (code, [], figs, cells)
    figs_of = {id(row): figs for (row, _), (*_, figs, _) in zip(data, parsed, strict=True)}

    def columns_of(rows: Sequence[Row]) -> list[tuple[float, float]]:
        """Column spans of some rows. Text layouts shift figures sideways (inserted spaces),
        so overlapping figures of neighbouring columns merge their spans: then the columns
        are rebuilt from the rows that print every column, and the figures of the others
        are placed by arithmetic and position."""
        found = _column_spans(rows, seq_limit, coded)
        figs = [figs_of[id(r)] for r in rows if id(r) in figs_of]
        return found if _spans_hold(found, figs) else _ordered_spans(figs)

    # Each page lays its columns out anew (a table continued on the next page may sit
    # elsewhere), and so may a block of rows after a blank gap: spans per block, matched to
    # the columns of the block that prints the most (`_fit_blocks`); per page when blocks
    # do not match, else one set.
    block_spans: dict[int, list[tuple[float, float]]] = {}
    pdf = all(row.layout == "pdf" for row in body)  # text rows' gaps are blank lines only
    for blocks in (_blocks(body, split_gaps=pdf), _blocks(body, split_gaps=False)):
        by_block: dict[int, list[Row]] = {}
        for row, b in zip(body, blocks, strict=True):
            by_block.setdefault(b, []).append(row)
        found = _fit_blocks({b: columns_of(rows) for b, rows in by_block.items()})
        if len(by_block) > 1 and found is not None:
            spans = found[blocks[0]]
            block_spans = {id(row): found[b] for row, b in zip(body, blocks, strict=True)}
            break
    if not block_spans:
        spans = columns_of(body)
    if (
        len(spans) > 1
        and all(len(f) <= 1 for f in figs_of.values())
        and len(_named_columns(header, region.kind)) == 1
    ):
        # The header names one figure column and no row prints more than one figure: one
        # column, wherever each block drew it.
        spans, block_spans = [(min(lo for lo, _ in spans), max(hi for _, hi in spans))], {}
    anchors = [hi for _, hi in spans]
    width = statistics.median([hi - lo for lo, hi in spans] or [size * 6])
    # Column regions for the header: halfway between neighbouring columns' figures.
    bounds = [spans[0][0] - width / 2 - 2 * size] if spans else []
    bounds += [(spans[k][1] + spans[k + 1][0]) / 2 for k in range(len(spans) - 1)]
    bounds += [spans[-1][1] + 4 * width] if spans else []
    labels = []
    joined = _join_wrapped_cells(header)
    for k in range(len(spans)):
        lo, hi = bounds[k], bounds[k + 1]
        parts = []
        for hr in joined:
            for c in hr.cells:
                overlap = min(c.x1, hi) - max(c.x0, lo)
                if (
                    overlap > 0.5 * min(c.x1 - c.x0, hi - lo)
                    and parse_figure(c.text) is None
                    and not _STUB_LABEL.match(squash_ascii(c.text))
                ):
                    parts.append((hr.top, c.x0, c.text))
        labels.append(_join_wrapped(parts))
    if region.kind == "three_public":
        labels = [_leaf_path(header, (lo + hi) / 2, width) for lo, hi in spans]
        if len(spans) > len(data):
            # A wide table (a row of figures under a row of item labels): one figure per
            # leaf label, in order, wherever inserted spaces pushed the figures; where the
            # leaves cannot be told by position, the header read row by row.
            leaves = _leaf_paths(header)
            if len(leaves) != len(spans):
                flat = _group_leaves(_header_lines(header), len(spans))
                leaves = [[t] for t in flat]
            if len(leaves) == len(spans):
                labels = leaves
    else:
        labels = _ordered_labels(header, region.kind, labels)
    columns = _assign_keys([(a, lab) for a, lab in zip(anchors, labels, strict=True)], region.kind)
    extra: dict[int, list[tuple[float, Row]]] = {}
    for piece in pieces:
        if _stub_row(piece.cells):  # column numbers are no part of a name
            kept = tuple(c for c in piece.cells if not digits(c.text).isdigit())
            if not kept:
                continue
            piece = replace(piece, cells=kept)
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
    placed = [
        _place(figs, block_spans.get(id(row), spans), columns, len(data))
        for (row, _), (*_, figs, _) in zip(data, parsed, strict=True)
    ]
    options = [opts for opts, _ in placed]

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
    near = [k for _, k in placed]
    return columns, _settle(options, build_row, region.kind, columns, codes, near=near)


_STUB_LABEL = re.compile(r"^(?:栏次|档次|栏号|行次)$")
_CODE_LABEL = re.compile(r"编码|代码|^类$|^款$|^项$")


def _is_figure(text: str, stub: bool = False) -> bool:
    """Whether a cell is a figure; in a row of column numbers (`stub`, see `_stub_row`) a
    short bare integer is not one."""
    if parse_figure(text) is None:
        return False
    t = digits(text)
    return not (stub and t.isdigit() and len(t) <= 2)


def _stub_row(cells: Sequence[Cell]) -> bool:
    """A row that holds column numbers (a 栏次 row, or pieces of one a page break mixed into a
    name: "3 4 5 害防治… 14"): no figure with decimals, and bare numbers of one or two
    digits that count up by one."""
    if any("." in digits(c.text) for c in cells if parse_figure(c.text) is not None):
        return False
    nums = [int(t) for c in cells if (t := digits(c.text)).isdigit() and len(t) <= 2]
    return any(b == a + 1 for a, b in itertools.pairwise(nums))


def _loose_numbers(cells: Sequence[Cell], code: str | None, coded: bool) -> bool:
    """Whether the short bare integers of a row are not figures: column numbers
    (`_stub_row`), or, in a table with a code column, the only numbers of a row with neither
    code nor figure with decimals nor 合计 (a page number beside a wrapped name)."""
    if _stub_row(cells):
        return True
    name = "".join(c.text for c in cells if parse_figure(c.text) is None)
    if not coded or code or _GRAND_TOTAL.match(clean_name(name)):
        return False
    numbers = [digits(c.text) for c in cells if parse_figure(c.text) is not None]
    return bool(numbers) and all(t.isdigit() and len(t) <= 2 for t in numbers)


def _ordered_labels(header: Sequence[Row], kind: str, labels: list[list[str]]) -> list[list[str]]:
    """The figure columns' labels, read by position (`labels`) or, where that reading is
    implausible — a figure column under no label, under a 科目编码/名称 label or under two
    columns' labels, or none under a total — and the header names exactly as many figure
    columns as there are, by order: the header cells that name a column of this kind of table
    (合计, 基本支出, 人员经费, …), top row first, left to right (a header drawn on another grid
    than the figures below it, or figures shifted off their labels)."""
    keys = [column_key(label, kind) for label in labels]
    odd = any(
        not label  # a figure column under no label
        or _STRUCT.search(squash_ascii(label[-1]))  # under 科目编码
        or len({column_key([p], kind) for p in label} - {None}) > 1  # under two columns' labels
        for label in labels
    )
    if not odd and "total" in keys:
        return labels
    named, seen = [], set()
    for t in _named_columns(header, kind):
        key = column_key([t], kind) or t
        if key not in seen:  # a second 合计 is the total row's label, not a column
            named.append(t)
            seen.add(key)
    return [[t] for t in named] if len(named) == len(labels) else labels


def _named_columns(header: Sequence[Row], kind: str) -> list[str]:
    """The header cells that name a figure column of this kind of table (合计, 金额, 基本支出,
    人员经费, …, and the other parts of a total: 单位预留机动经费, …), top row first, left to
    right."""
    cells = [c for r in header for c in sorted(r.cells, key=lambda c: c.x0)]
    return [
        c.text
        for c in cells
        if parse_figure(c.text) is None
        and not _STRUCT.search(squash_ascii(c.text))
        and (column_key([c.text], kind) is not None or _EXTRA_PART.search(c.text))
    ]


def _fit_blocks(
    found: dict[int, list[tuple[float, float]]],
) -> dict[int, list[tuple[float, float]]] | None:
    """Column spans per block on one set of columns, or None when the blocks do not fit one.

    The block whose rows print the most columns sets them; a block that prints fewer (a page
    whose rows leave some columns empty) is the same columns shifted sideways. Its spans are
    matched, in order, to the columns whose right edges (figures are right-aligned; left
    edges where those fit better) they line up with under one shift; of fits as good, the
    smallest shift wins. A block whose spans do not line up within a quarter of the
    columns' spacing leaves the blocks unmatched."""
    full = max(found.values(), key=len)
    if not full:
        return None
    spacing = min((b[1] - a[1] for a, b in itertools.pairwise(full)), default=float("inf"))
    out = {}
    for b, spans in found.items():
        if len(spans) == len(full) or not spans:
            out[b] = spans or full
            continue
        fits = []
        for cols in _order_keeping(len(full), len(spans)):
            for edge in (1, 0):
                diffs = [full[c][edge] - s[edge] for c, s in zip(cols, spans, strict=True)]
                shift = statistics.median(diffs)
                fits.append((sum(abs(d - shift) for d in diffs), shift))
        low = min(cost for cost, _ in fits)
        if low > 0.25 * spacing * len(spans):
            return None
        # Of the fits that line up as well, the smallest shift: pages share their columns
        # unless their figures say otherwise (a page with one column in use fits any).
        shift = min(
            (shift for cost, shift in fits if cost <= low + 0.05 * spacing * len(spans)), key=abs
        )
        out[b] = [(lo - shift, hi - shift) for lo, hi in full]
    return out


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
    figs: Sequence[Cell],
    spans: Sequence[tuple[float, float]],
    columns: Sequence[Column],
    rows: int = 1,
) -> tuple[list[tuple[int, ...]], int]:
    """Column placements for a row's figures, best first (-1: not a figure column), and how
    many of them position supports. Figures keep their order. Where every figure lies in its
    own column's span, position supports that placement alone; else row arithmetic ranks
    placements first and nearness to the columns next, and those that arithmetic cannot tell
    apart and position barely does are supported. The other placements that the row's
    arithmetic allows follow, for the table's arithmetic to choose when position misled (a
    text layout shifts figures sideways by the spaces and wide characters before them)."""
    n = len(spans)
    if not figs or not n:
        return [tuple(-1 for _ in figs)], 1
    inside = [_span_of(c, spans) for c in figs]
    if len(figs) > n:
        return [tuple(inside)], 1
    values = [parse_figure(c.text) or 0.0 for c in figs]
    scored = []
    for slots in _order_keeping(n, len(figs), rows):
        score = _row_score(values, slots, columns)
        dist = sum(
            abs((c.x0 + c.x1) / 2 - (spans[s][0] + spans[s][1]) / 2)
            for c, s in zip(figs, slots, strict=True)
        )
        scored.append((-score, dist, slots))
    scored.sort()
    best_score, best_dist, _ = scored[0]
    if all(k >= 0 for k in inside) and len(set(inside)) == len(inside):
        # every figure inside its own column's span
        others = [s for score, _, s in scored if score == best_score and s != tuple(inside)]
        return [tuple(inside), *others], 1
    gap = min((b[0] - a[1] for a, b in itertools.pairwise(spans)), default=1.0)
    width = max(statistics.median(hi - lo for lo, hi in spans), gap, 1e-6)
    near = [
        s for score, dist, s in scored if score == best_score and dist - best_dist < 0.5 * width
    ]
    far = [s for score, _, s in scored if score == best_score and s not in near]
    return near + far, len(near)


# Order-keeping placements tried per row. A misread header can name dozens of columns, and
# k figures in n columns have C(n, k) placements (C(40, 20) ~ 1.4e11): past this many only
# the first ones in lexicographic order are tried — those that skip the fewest columns on the
# left, which is where a row's figures start. A table shares `_TABLE_PLACEMENTS` among its
# rows, so a long table tries fewer per row.
_MAX_PLACEMENTS = 2000
_TABLE_PLACEMENTS = 60_000


def _order_keeping(n: int, k: int, rows: int = 1) -> Iterable[tuple[int, ...]]:
    """Placements of k figures, in order, into n columns (`itertools.combinations`): at most
    `_MAX_PLACEMENTS`, and at most the share of one of `rows` rows in `_TABLE_PLACEMENTS`."""
    limit = max(16, min(_MAX_PLACEMENTS, _TABLE_PLACEMENTS // max(1, rows)))
    return itertools.islice(itertools.combinations(range(n), k), limit)


def _row_score(values: Sequence[float], slots: Sequence[int], columns: Sequence[Column]) -> int:
    """How well a placement fits the row's arithmetic (total = basic + project [+ the other
    parts of a total: 单位预留机动经费, …], total = personnel + public); a table with a total
    column fills it first."""
    by_key = {columns[s].key: v for s, v in zip(slots, values, strict=True) if columns[s].key}
    more = sum(
        v
        for s, v in zip(slots, values, strict=True)
        if columns[s].key is None and _EXTRA_PART.search(columns[s].label)
    )
    score = 0
    total = by_key.get("total")
    for a, b in (("basic", "project"), ("personnel", "public")):
        if total is not None and (a in by_key or b in by_key) and _has_keys(columns, a, b):
            parts = by_key.get(a, 0.0) + by_key.get(b, 0.0) + (more if a == "basic" else 0.0)
            ok = abs(total - parts) <= TOLERANCE
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
    guess: bool = True,
    near: Sequence[int] | None = None,
) -> list[DetailedRow]:
    """Pick one placement per row and return the rows built with it. `build_row(k, pick)`
    builds row k with its `pick`-th placement, the placements ranked best first by position.
    Rows whose own arithmetic and position leave several open are settled by the table's
    arithmetic (fewest failed checks, then the smallest gaps): exactly over the code tree
    (`_settle_tree`); where a code is printed twice, open siblings (rows under one parent
    `codes` prefix) are tried together, since moving one child alone can make its parent's
    sums worse before they get better. Where the arithmetic cannot decide, position does;
    without `guess` (no position to go by) the figures whose column the code tree leaves
    open are left out and the row says so (`DetailedRow.undecided`). `near[k]` is how many
    of row k's placements position supports (all when None): the others are taken only where
    they make fewer checks fail. Each row is built once per placement."""
    # Each placement tried is a row built and scored: a row with more placements than
    # `_MAX_OPTIONS` (fewer in a long table) keeps its best-ranked ones (a garbled header can
    # leave thousands tied).
    cap = max(2, min(_MAX_OPTIONS, _MAX_BUILDS // max(1, len(options))))
    options = [opts[:cap] for opts in options]
    near = list(near) if near is not None else [len(opts) for opts in options]
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
    if scorer.tree is not None:
        picks, possible = _settle_tree(options, row, scorer, near)
        out = [row(k, pick) for k, pick in enumerate(picks)]
        if not guess:
            for k, alive in enumerate(possible):
                if len(alive) > 1:
                    out[k] = _undecided(out[k], [row(k, p) for p in sorted(alive)])
        return out

    options = [opts[: max(1, m)] for opts, m in zip(options, near, strict=True)]
    open_rows = [k for k, opts in enumerate(options) if len(opts) > 1]

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


def _undecided(chosen: DetailedRow, readings: Sequence[DetailedRow]) -> DetailedRow:
    """`chosen` with only the figures that every reading puts in the same column; the others
    are named in `undecided` ("16.28: basic or project")."""

    def cells(r: DetailedRow) -> set[tuple[str | None, float]]:
        return {(c.key, round(c.value, 6)) for c in r.cells}

    common = set.intersection(*(cells(r) for r in readings))
    kept = tuple(c for c in chosen.cells if (c.key, round(c.value, 6)) in common)
    if len(kept) == len(chosen.cells):
        return chosen
    notes = []
    for c in chosen.cells:
        if (c.key, round(c.value, 6)) not in common:
            keys = sorted(
                {
                    d.key or "?"
                    for r in readings
                    for d in r.cells
                    if abs(d.value - c.value) < 1e-9 and (d.key, round(d.value, 6)) not in common
                }
            )
            notes.append(f"{c.text}: {' or '.join(keys)}")
    return replace(chosen, cells=kept, undecided=tuple(notes))


# Sibling placements tried together (each trial scores only its parent's relations, so this
# many stay fast); larger groups are settled row by row.
_MAX_COMBOS = 1024
_MAX_OPTIONS = 24
_MAX_BUILDS = 4000
_MAX_VISITS = 300_000


def _settle_tree(
    options: Sequence[Sequence[tuple[int, ...]]], row, scorer: _Scorer, near: Sequence[int]
) -> tuple[list[int], list[set[int]]]:
    """The placement per row that fails the fewest checks of the whole table (then leaves the
    smallest gaps), found exactly where the code hierarchy is a tree: each relation ties a
    row to its children only, so the best placements under a row depend only on that row's
    own placement and are found bottom-up, once per placement (dynamic programming).
    Children with more joint placements than `_MAX_COMBOS` are improved one at a time.
    Among readings that fail as many checks, fewer placements that position does not
    support (beyond `near`) come first, then smaller gaps.

    Returns the chosen pick per row (on a tie, the one position ranked first) and, per row,
    every pick that some best reading of the whole table gives it (more than one where the
    arithmetic cannot decide)."""
    assert scorer.tree is not None
    kids = scorer.tree
    Cost = tuple[int, int, float]  # failed checks, placements position does not support, gaps

    def add(*costs: Cost) -> Cost:
        return sum(c[0] for c in costs), sum(c[1] for c in costs), sum(c[2] for c in costs)

    def key(c: Cost) -> tuple[int, int, float]:
        return c[0], c[1], round(c[2], 6)

    own = [
        [(scorer.row_fails(row(k, p)), int(p >= near[k]), 0.0) for p in range(len(options[k]))]
        for k in range(len(options))
    ]
    best: dict[int, list[Cost]] = {}
    # (row, pick) -> the children's picks of every best reading under it, the first chosen
    below: dict[tuple[int, int], list[tuple[int, ...]]] = {}
    # Child rows visited by trials so far: past `_MAX_VISITS` the search takes each child's
    # own best instead of trying more (a wide garbled table stays within a second or two).
    spent = 0

    def solve(k: int) -> None:
        ch = kids.get(k, [])
        for c in ch:
            solve(c)
        best[k] = []
        for p in range(len(options[k])):
            if not ch:
                best[k].append(own[k][p])
                continue
            parent = row(k, p)

            def total(picks: Sequence[int], parent=parent, p=p, ch=ch) -> Cost:
                nonlocal spent
                spent += len(ch)
                kid_rows = [row(c, q) for c, q in zip(ch, picks, strict=True)]
                failed, gap = scorer.relation(parent, kid_rows)
                return add(
                    own[k][p],
                    (failed, 0, gap),
                    *(best[c][q] for c, q in zip(ch, picks, strict=True)),
                )

            combos = 1
            for c in ch:
                combos *= len(options[c])
            if combos <= _MAX_COMBOS and spent + combos * len(ch) <= _MAX_VISITS:
                scored = [
                    (total(t), t) for t in itertools.product(*(range(len(options[c])) for c in ch))
                ]
                low = min(key(c) for c, _ in scored)
                tied = [t for c, t in scored if key(c) == low]
                below[k, p] = tied
                best[k].append(next(c for c, _ in scored if key(c) == low))
                continue

            # One child at a time, from each child's own best, until nothing improves. A
            # failed sum needs several children moved before it passes, so moves go by the
            # gaps before position: each child moved to its column narrows them.
            def steer(c: Cost) -> tuple[int, float, int]:
                return c[0], round(c[2], 6), c[1]

            cur = [min(range(len(options[c])), key=lambda q, c=c: key(best[c][q])) for c in ch]
            now = steer(total(cur))
            for _ in range(4):
                moved = False
                for m, c in enumerate(ch):
                    for q in range(len(options[c])):
                        if spent > _MAX_VISITS:
                            break
                        trial = [*cur[:m], q, *cur[m + 1 :]]
                        if (cost := steer(total(trial))) < now:
                            cur, now, moved = trial, cost, True
                if not moved:
                    break
            below[k, p] = [tuple(cur)]
            best[k].append(total(cur))

    choice = [0] * len(options)
    possible: list[set[int]] = [set() for _ in options]

    def assign(k: int, p: int) -> None:
        choice[k] = p
        readings = below.get((k, p), [()])
        for c, q in zip(kids.get(k, []), readings[0], strict=True):
            assign(c, q)

    def reach(k: int, p: int) -> None:
        if p in possible[k]:
            return
        possible[k].add(p)
        for picks in below.get((k, p), []):
            for c, q in zip(kids.get(k, []), picks, strict=True):
                reach(c, q)

    children = {c for ch in kids.values() for c in ch}
    for k in range(len(options)):
        if k not in children:
            solve(k)
            low = min(key(c) for c in best[k])
            tied = [p for p in range(len(options[k])) if key(best[k][p]) == low]
            assign(k, tied[0])
            for p in tied:
                reach(k, p)
    return choice, possible


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
        if grand is None and rows and not rows[0].name and not rows[0].code and rows[0].cells:
            grand = 0  # a nameless first row of figures is 合计 (as `_finish` names it)
        if grand is not None and coded:
            top_len = min(len(c) for c in codes)
            self.relations.append((grand, [j for j, c in coded if len(c) == top_len]))
        self.touching: dict[int, list[int]] = {}
        for n, (parent, kids) in enumerate(self.relations):
            for k in {parent, *kids}:
                self.touching.setdefault(k, []).append(n)
        # The relations as a tree (row -> its children) when each row has one parent at most
        # (no code printed twice); the 三公 sums go by name, so those tables have none.
        self.tree: dict[int, list[int]] | None = None
        kid_rows = [j for _, kids in self.relations for j in kids]
        if kind != "three_public" and len(kid_rows) == len(set(kid_rows)):
            self.tree = {parent: kids for parent, kids in self.relations}

    def row_fails(self, row: DetailedRow) -> int:
        """How many of the row's own sums fail (total = basic + project [+ other parts],
        total = personnel + public)."""
        got = row.values()
        if "total" not in got:
            return 0
        failed = 0
        for a, b in (("basic", "project"), ("personnel", "public")):
            if a in got or b in got:
                more = (
                    sum(c.value for c in row.cells if c.column in self.extra)
                    if a == "basic"
                    else 0.0
                )
                short = got["total"] - got.get(a, 0.0) - got.get(b, 0.0) - more
                failed += abs(short) > TOLERANCE
        return failed

    def relation(self, parent: DetailedRow, kids: Sequence[DetailedRow]) -> tuple[int, float]:
        """(failed checks, summed gaps) of one parent = sum of its children."""
        pv = parent.values()
        kid_values = [r.values() for r in kids]
        failed, gap = 0, 0.0
        for key in {*pv, *(key for kv in kid_values for key in kv)}:
            diff = abs(pv.get(key, 0.0) - sum(kv.get(key, 0.0) for kv in kid_values))
            gap += diff
            if key in pv and diff > TOLERANCE * max(1, len(kids)):
                failed += 1
        return failed, gap

    def cost(self, rows: Sequence[DetailedRow], members: Sequence[int]) -> tuple[int, float]:
        """(failed checks, summed gaps) of the relations that involve `members`."""
        if self.kind == "three_public":  # name-based sums: score the whole table
            return len(table_issues(self.kind, rows, self.columns)[0]), _misfit(rows)
        failed, gap = sum(self.row_fails(rows[k]) for k in members), 0.0
        seen = sorted({n for k in members for n in self.touching.get(k, ())})
        for n in seen:
            parent, kids = self.relations[n]
            f, g = self.relation(rows[parent], [rows[j] for j in kids])
            failed, gap = failed + f, gap + g
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


def _leaf_paths(header: Sequence[Row]) -> list[list[str]]:
    """Header paths of the leaf cells, left to right: a leaf is a label cell with no label
    below it overlapping its centre; its path is every label cell above it that spans its
    centre, top to bottom (a wrapped label's lines included)."""
    cells = [
        (r.top, c)
        for r in header
        for c in r.cells
        if parse_figure(c.text) is None and not _STUB_LABEL.match(squash_ascii(c.text))
    ]

    def spans(c: Cell, x: float) -> bool:
        return c.x0 - 1 <= x <= c.x1 + 1

    paths = []
    for top, c in sorted(cells, key=lambda tc: tc[1].x0):
        mid = (c.x0 + c.x1) / 2
        if any(t > top and spans(d, mid) for t, d in cells):
            continue
        above = sorted((t, d.x0, d.text) for t, d in cells if t <= top and spans(d, mid))
        paths.append([text for *_, text in above])
    return paths


def _header_label_row(
    parsed: tuple[str | None, list[Cell], list[Cell], list[Cell]], header: Sequence[Row], kind: str
) -> bool:
    """Whether the first row of figures is named by a column label rather than a row name
    (项目支出 beside the 合计 row's figures, 公务接待费 beside a wide “三公” row): no code, a
    name that is a column label of this kind other than 合计, and more figures than the
    header names columns."""
    code, names, figs, _ = parsed
    name = squash_ascii("".join(c.text for c in names))
    if code or not names or not figs:
        return False
    if kind == "three_public":
        label = three_public_name(name) in _THREE_PUBLIC_ORDER[2:] and name.endswith("费")
        named = len(_header_lines(header))
    else:
        label = column_key([name], kind) not in (None, "total") or bool(_EXTRA_PART.search(name))
        named = len(_named_columns(header, kind))
    return label and len(figs) > named - (kind == "three_public")


def _header_lines(header: Sequence[Row]) -> list[str]:
    """The header's labels row by row, left to right, with the lines of a wrapped label
    (公务用车购置及运 / 行维护费) joined: a piece that starts where a label of the row above
    starts, under a label that does not end like one (`_join_wrapped`)."""
    out: list[tuple[float, str]] = []  # (x0, text) of the labels so far
    for r in header:
        for c in r.cells:
            if parse_figure(c.text) is not None or _STUB_LABEL.match(squash_ascii(c.text)):
                continue
            above = next((k for k, (x0, _) in enumerate(out) if abs(x0 - c.x0) < 2), None)
            if (
                above is not None
                and len(_join_wrapped([(0, 0, out[above][1]), (1, 0, c.text)])) == 1
            ):
                out[above] = (out[above][0], out[above][1] + c.text)
            else:
                out.append((c.x0, c.text))
    return [t for _, t in out]


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


_LABEL_END = re.compile(r"(合计|小计|支出|经费|费|金额|总计|科目|\))$")


def _join_wrapped_cells(header: Sequence[Row]) -> list[Row]:
    """Header rows with the lines of a wrapped label cell (项目支 / 出) made one cell over
    both lines' extent, so that the label goes to one column whole: a piece that lies under
    a label of the line above (its centre within that label's extent) that does not end
    like a label (`_LABEL_END`)."""
    rows: list[list[Cell]] = []
    for r in header:
        cells = []
        for c in r.cells:
            mid = (c.x0 + c.x1) / 2
            above = next(
                (
                    (k, j)
                    for k in range(len(rows) - 1, -1, -1)
                    for j, d in enumerate(rows[k])
                    if d.x0 - 2 <= mid <= d.x1 + 2
                ),
                None,
            )
            if (
                above is not None
                and above[0] == len(rows) - 1
                and parse_figure(c.text) is None
                and not _LABEL_END.search(squash_ascii(rows[above[0]][above[1]].text))
            ):
                d = rows[above[0]][above[1]]
                rows[above[0]][above[1]] = replace(
                    d, text=d.text + c.text, x0=min(d.x0, c.x0), x1=max(d.x1, c.x1)
                )
            else:
                cells.append(c)
        rows.append(cells)
    return [replace(r, cells=tuple(cs)) for r, cs in zip(header, rows, strict=True) if cs]


def _join_wrapped(parts: list[tuple[float, float, str]]) -> list[str]:
    """Header pieces above one column, top to bottom; lines of one wrapped header cell
    (公务用车购置 / 费) are joined when the upper line does not end a known label."""
    parts.sort()
    out: list[str] = []
    for _top, _x0, text in parts:
        if out and not _LABEL_END.search(squash_ascii(out[-1])):
            out[-1] += text
        else:
            out.append(text)
    return out


# --- line layout (one cell per line) ----------------------------------------------------------


def _line_rows(region: TableRegion, body: list[Row], scale: float):
    header = [c.text for r in region.header for c in r.cells]
    texts = [
        t
        for t in header
        if not _STRUCT.search(squash_ascii(t))
        and not _is_group(t)
        and parse_figure(t) is None
        and not _UNIT_LINE.match(squash_ascii(t))
    ]
    if region.kind in KIND_KEYS and region.kind != "other":
        # Header cells print top row first, so a group header (一般公共预算基本支出 over
        # 合计 | 人员经费 | 公用经费) comes before the leaves: labels without a key before the
        # total column are not figure columns.
        first = next((k for k, t in enumerate(texts) if column_key([t], region.kind) == "total"), 0)
        texts = [t for k, t in enumerate(texts) if k >= first or column_key([t], region.kind)]
        # 合计 before another total label (合计 | 金额) is the total row's label, which a text
        # tool printed before the header's last cell.
        totals = [k for k, t in enumerate(texts) if column_key([t], region.kind) == "total"]
        if len(totals) > 1 and _GRAND_TOTAL.match(squash_ascii(texts[totals[0]])):
            del texts[totals[0]]
    has_seq = any(re.search(r"序号|行次", squash_ascii(t)) for t in header)
    region_breaks = region.breaks
    moved = _labels_among_figures(region.kind, body)
    if moved:
        first_cell = body[0].cells[0]
        if _GRAND_TOTAL.match(clean_name(first_cell.text)) and not any(
            column_key([t], region.kind) == "total" for t in texts
        ):
            # 合计 then a figure, then the other columns' labels and figures: the 合计 is
            # the first column's label (the table's one row has no name).
            moved = [first_cell, *moved]
        texts += [c.text for c in moved]
        body = [
            replace(r, cells=kept)
            for r in body
            if (kept := tuple(c for c in r.cells if id(c) not in {id(m) for m in moved}))
        ]
        region_breaks = ()
    tokens = [c for r in body for c in r.cells]
    # Page breaks as token indices (a body row may hold more than one cell).
    firsts = list(itertools.accumulate((len(r.cells) for r in body), initial=0))
    breaks = [firsts[b] for b in region_breaks if b < len(body)]
    # Rows of single-space cells (a PDF-to-text tool's table rows): token index -> row.
    words = {
        firsts[k] + m: k
        for k, r in enumerate(body)
        if len(r.cells) > 1
        for m in range(len(r.cells))
    }
    # In a table that prints its figures in such rows, a line of only text is a row of its
    # own (an empty row, or a piece of a wrapped name that `_wrapped_names` puts back), not
    # the rest of a name.
    lines = None
    if sum(len(r.cells) > 1 and has_money(r) for r in body) >= 2:
        lines = [k for k, r in enumerate(body) for _ in r.cells]
    parsed = _line_groups(tokens, has_seq, _decimals(tokens), breaks, words, lines)
    if region.kind == "three_public":
        texts = _group_leaves(texts, max((len(figs) for *_, figs, _ in parsed), default=0))
        wide = [p for p in parsed if len(p[2]) >= 3]
        if len(wide) == 1:
            _code, names, figs, cells = wide[0]
            labels = [three_public_name(t) for t in texts]
            reading = None
            if len(labels) == len(figs) and len(set(labels)) == len(labels):
                reading = dict(zip(labels, [v for v, _ in figs], strict=True))
            found = _three_public_by_sums(region, reading, [v for v, _ in figs])
            if found is not None:
                figures = [_source_cell(k, None, v * scale, fc) for k, (v, fc) in enumerate(figs)]
                row = _row(None, "".join(c.text for c in names), [], cells, region.kind)
                return _three_public_wide(found, figures, row)
    labels = [(float(k), [t]) for k, t in enumerate(texts)]
    columns = _assign_keys(labels, region.kind)
    if len(columns) <= 1:
        # One figure column (or none named: its label printed among the rows, "金额").
        one = columns or [Column("total", "金额", 0.0)]
        if (by_column := _column_order(tokens, region.kind, one, scale)) is not None:
            return one, by_column
    if len(columns) == 1:
        parsed = _displaced_figures(parsed, region.kind, columns)
    options = []
    for _code, _names, figs, _cells in parsed:
        values = [v for v, _ in figs][: len(columns)]
        options.append(_slot_options(values, columns, len(parsed)) if columns else [()])

    def build_row(k: int, pick: int) -> DetailedRow:
        code, names, figs, cells = parsed[k]
        figures = [
            _source_cell(s, columns[s].key, v * scale, fc)
            for (v, fc), s in zip(figs, options[k][pick], strict=False)
        ]
        return _row(code, "".join(c.text for c in names), figures, cells, region.kind)

    codes = [code for code, *_ in parsed]
    return columns, _settle(options, build_row, region.kind, columns, codes, guess=False)


def _column_order(
    tokens: Sequence[Cell], kind: str, columns: Sequence[Column], scale: float
) -> list[DetailedRow] | None:
    """The rows of a one-figure-column table that a text tool printed column by column
    (pdfminer groups a column's cells into one text box): runs of codes, then runs of as
    many names, then the figures in row order ("201" "20131" … "合计" "一般公共服务支出"
    "党委办公厅…" … "24,458.43" "20,153.75" …). Each name goes to the oldest code still
    waiting for one; the 合计 label makes a total row, first or last; a column label among
    them ("金额") is skipped. None unless the codes come in runs (two or more in a row) and
    the reading accounts for every token and passes every sum of the code tree, with at
    least one checked."""
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [_line_text(c.text) for c in tokens]
    is_code = [k == "int" and bool(_CODE.match(t)) for k, t in zip(kinds, texts, strict=True)]
    if not any(a and b for a, b in itertools.pairwise(is_code)):
        return None
    rows: list[tuple[str | None, list[Cell], list[Cell]]] = []  # code, name cells, all cells
    waiting: list[int] = []  # rows without their name yet
    total: tuple[list[Cell], list[Cell]] | None = None
    figures: list[tuple[float, Cell]] = []
    for k, cell in enumerate(tokens):
        if is_code[k]:
            rows.append((texts[k], [], [cell]))
            waiting.append(len(rows) - 1)
        elif kinds[k] == "text":
            name = clean_name(cell.text, kind)
            if _GRAND_TOTAL.match(name) and total is None:
                total = ([cell], [cell])
            elif waiting:
                _code, names, cells = rows[waiting.pop(0)]
                names.append(cell)
                cells.append(cell)
            elif column_key([cell.text], kind) is None:
                return None  # a name with no code to go with: not this shape
        elif (value := parse_figure(cell.text)) is not None and "." in texts[k]:
            figures.append((value, cell))
        else:
            return None
    if waiting or not rows:
        return None
    orders = [rows]
    if total is None and len(figures) == len(rows) + 1:
        total = ([], [])  # its 合计 label printed before the codes, with the header
    if total is not None:
        head = (None, total[0], total[1])
        orders = [[head, *rows], [*rows, head]]
    for order in orders:
        if len(figures) != len(order):
            continue
        built = [
            _row(
                code,
                "".join(c.text for c in names) or ("" if code else "合计"),
                [_source_cell(0, columns[0].key, v * scale, [fc])],
                [*cells, fc],
                kind,
            )
            for (code, names, cells), (v, fc) in zip(order, figures, strict=True)
        ]
        issues, checked = table_issues(kind, built, columns)
        if checked and not issues:
            return built
    return None


def _labels_among_figures(kind: str, body: Sequence[Row]) -> list[Cell]:
    """Column labels printed among the figures of a table without 科目 codes (the one 合计
    row of a 支出总表): a text tool that reads a header cell and the figure under it one
    after the other leaves 基本支出, 项目支出, 单位预留机动经费, … between the figures. The
    cells of the body that name a column of this kind of table other than its total (or
    another part of a total, or 结转下年), in order; none when the body has codes."""
    if kind not in KIND_KEYS or kind == "other":
        return []
    cells = [c for r in body for c in r.cells]
    if any(_CODE.match(digits(c.text)) for c in cells):
        return []
    return [
        c
        for c in cells
        if parse_figure(c.text) is None
        and (
            column_key([c.text], kind) not in (None, "total")
            or _EXTRA_PART.search(c.text)
            or "结转下年" in squash_ascii(c.text)
        )
    ]


def _displaced_figures(parsed: list, kind: str, columns: Sequence[Column]) -> list:
    """Rows of a one-figure-column table with figures a text tool printed away from their
    rows put back. pdftotext without -layout prints the figures of rows set in another font
    (bold parent rows) after the page's last row, or a row's figure after the next row's
    name: where a row carries k figures more than its one and the k coded rows before it
    have none, those rows take k of the figures in order — the waiting rows first (the
    order of the text), or the row's own figure first and the others after it — whichever
    reading fails fewer of the table's sums (the first on a tie)."""

    def fails(rows: list) -> int:
        built = [
            _row(
                code,
                "".join(c.text for c in names),
                [_source_cell(0, columns[0].key, v, fc) for v, fc in figs[:1]],
                cells,
                kind,
            )
            for code, names, figs, cells in rows
            if cells
        ]
        return len(table_issues(kind, built, columns)[0])

    def moved(rows: list, k: int, waiting: list[int], own_first: bool) -> list:
        out = list(rows)
        code, names, figs, cells = out[k]
        own, rest = (figs[:1], figs[1:]) if own_first else (figs[-1:], figs[:-1])
        gone = {id(c) for _, fc in rest for c in fc}
        for w, fig in zip(waiting, rest, strict=True):
            wc, wn, _, wcells = out[w]
            out[w] = (wc, wn, [fig], wcells + fig[1])
        out[k] = (code, names, own, [c for c in cells if id(c) not in gone])
        return out

    out = list(parsed)
    waiting: list[int] = []
    for k, (code, _names, figs, _cells) in enumerate(parsed):
        if code is not None and not figs:
            waiting.append(k)
        elif len(figs) > 1 and len(figs) - 1 == len(waiting):
            # Each such place is read the way that fails fewer sums, the text's order first.
            out = min((moved(out, k, waiting, own) for own in (False, True)), key=fails)
            waiting = []
    return out


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


def _group_leaves(labels: list[str], figures: int) -> list[str]:
    """“三公”经费 column labels of a two-row header printed one cell per line, in the order of
    the figure columns. The top row comes first, with the “三公”经费 group among its cells;
    the second row, from the first leaf of the group on (小计, 因公出国（境）费, 公务用车…,
    公务接待费), holds the group's leaves, which stand where the group cell stood. Unchanged
    unless that reading gives one label per figure."""
    group = next(
        (k for k, t in enumerate(labels) if "三公" in t and not re.search(r"小计|合计", t)), None
    )
    if group is None or len(labels) != figures + 1:
        return labels
    leaf = next(
        (
            k
            for k in range(group + 1, len(labels))
            if squash_ascii(labels[k]) == "小计"
            or three_public_name(labels[k]) in _THREE_PUBLIC_ORDER[2:7]
        ),
        None,
    )
    if leaf is None:
        return labels
    return labels[:group] + labels[leaf:] + labels[group + 1 : leaf]


def _decimals(tokens: Sequence[Cell]) -> int:
    """The number of decimals the table prints its figures with (the most common), 0 if none."""
    counts: dict[int, int] = {}
    for c in tokens:
        t = digits(c.text)
        if re.fullmatch(r"[\d,]*\d\.\d+", t):
            n = len(t.split(".")[1])
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else 0


def _line_text(text: str) -> str:
    """A one-cell-per-line token as `digits` reads it; a lone letter that OCR reads for a digit
    (l, I, |, O …: ie.text.OCR_DIGITS) is that digit (a piece of a broken figure: "l" + "0.64"),
    since a name is never one Latin letter."""
    t = squash_ascii(text)
    if len(t) == 1 and t in OCR_LETTERS:
        return t.translate(OCR_TABLE)
    return digits(text, 0)


def _kind_of(text: str) -> str:
    """int | dec (a figure or a piece of one) | text."""
    t = _line_text(text)
    if re.fullmatch(r"\d+", t):
        return "int"
    if re.fullmatch(r"[-−]?[\d,]*\.?[\d,]*", t) and re.search(r"\d", t):
        return "dec"
    return "text"


def _line_groups(
    tokens: Sequence[Cell],
    has_seq: bool,
    decimals: int,
    breaks: Iterable[int] = (),
    words: dict[int, int] | None = None,
    lines: Sequence[int] | None = None,
) -> list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]]:
    """Rows of a one-cell-per-line table from its cells in reading order: [序号] code name
    figures. A code broken over lines ("2070" + "111", 类 | 款 | 项 as "201" + "13" + "01") is
    rejoined, and so is a figure ("630." + "76", "76" + "7.42", "847.4" + "9") where its pieces
    cannot stand alone as figures printed with `decimals` decimals.

    `breaks` are token indices that start a new page. A row cut by a page break prints its
    pieces on both sides, with the page number between them: a name piece before the break
    and a code after it are one row ("对" | 4 | "303" "个人和家庭的补助"); a name piece after a
    break that is followed by the next row's 序号 or code ends the row above ("行政" … | "运行"
    | "2240150" "事业运行").

    `words` maps the tokens that are cells of one line printed with single spaces (a
    PDF-to-text tool's table row) to that line: their figures and codes are whole cells (no
    piece joins unless it ends or starts with a separator), a code first on its line starts a
    row, and a name wrapped around a row whose line has a code and figures only ("机关…缴费支"
    | "2080505 580.01" | "出") is that row's name. With `lines` (the source line of each
    token) a text token that starts a line starts a row."""
    words = words or {}
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [_line_text(c.text) for c in tokens]
    # A table that prints thousands separators: pieces never join into a figure of four or
    # more digits before the point without one (a page number before a figure: "11" +
    # "232.01" is not 11232.01).
    big = [
        t for t in texts if re.fullmatch(r"[\d,]+\.\d+", t) and float(t.replace(",", "")) >= 1000
    ]
    commas = len(big) >= 2 and all("," in t for t in big)
    starts_page = set(breaks)
    rows: list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]] = []
    tails: set[int] = set()  # rows that are only the end of the name of the row above
    seq = 0
    i, n = 0, len(tokens)

    def complete(t: str) -> bool:
        if t.endswith((".", ",")) or t.startswith((".", ",")):
            return False
        return decimals == 0 or ("." in t and len(t.split(".")[1]) >= decimals)

    def lead(k: int) -> tuple[list[int], int | None, list[int]] | None:
        """The integers from token k read as the start of a row — (page numbers, 序号,
        code pieces) — when a name follows them, else None. The code is the longest run of
        trailing pieces that joins to 3, 5 or 7 digits from a first piece of at least 3 (a
        类 code); what comes before it is the 序号 (the expected next number, else the last)
        and page numbers. Page numbers are only told from figures where figures print
        decimals."""
        j = k
        while j < n and kinds[j] == "int":
            j += 1
        if j == k or j >= n or kinds[j] != "text":
            return None
        run = list(range(k, j))
        cut = len(run)
        for s in range(len(run)):
            joined = "".join(texts[m] for m in run[s:])
            if len(texts[run[s]]) >= 3 and len(joined) in (3, 5, 7):
                cut = s
                break
        prefix, code = run[:cut], run[cut:]
        if len(prefix) > 2 or any(len(texts[m]) > 3 for m in prefix):
            return None
        number = None
        if has_seq and prefix:
            number = next((m for m in prefix if texts[m] == str(seq + 1)), prefix[-1])
        junk = [m for m in prefix if m != number]
        if junk and decimals == 0:
            return None
        if not code and number is None:
            return None
        return junk, number, code

    def code_first(k: int) -> bool:
        """A code first on a line of single-space cells, before a figure or name there."""
        return (
            k in words
            and (k == 0 or words.get(k - 1) != words[k])
            and k + 1 < n
            and words.get(k + 1) == words[k]
            and kinds[k] == "int"
            and bool(_CODE.match(texts[k]))
        )

    def new_line(k: int) -> bool:
        return lines is not None and 0 < k and lines[k] != lines[k - 1]

    def starts_row(k: int, cur_figs: int, coded: bool = False) -> bool:
        """Whether token k starts a new row (the current row has `cur_figs` figures and,
        when `coded`, a code: its name may wrap over lines)."""
        if kinds[k] == "text":
            return cur_figs > 0 or (new_line(k) and not coded)
        if code_first(k):
            return True
        if kinds[k] != "int" or not cur_figs:
            return False
        # An integer after a finished figure: the next 序号 or code when a name follows it,
        # or the 序号 when no figure piece does, else the first piece of a figure.
        if lead(k) is not None:
            return True
        return has_seq and texts[k] == str(seq + 1) and (k + 1 >= n or kinds[k + 1] != "dec")

    def take_lead(found: tuple[list[int], int | None, list[int]], cells: list[Cell]) -> str | None:
        nonlocal seq, i
        junk, number, code = found
        if number is not None:
            seq = int(texts[number])
        cells.extend(tokens[m] for m in [*junk, *([number] if number is not None else []), *code])
        i = (code or [number or 0])[-1] + 1
        return "".join(texts[m] for m in code) or None

    while i < n:
        cells: list[Cell] = []
        code: str | None = None
        names: list[Cell] = []
        figs: list[tuple[float, list[Cell]]] = []
        first = i
        if kinds[i] == "int" and (found := lead(i)) is not None:
            code = take_lead(found, cells)
        else:
            if has_seq and kinds[i] == "int" and texts[i] == str(seq + 1) and len(texts[i]) <= 3:
                if i + 1 < n and kinds[i + 1] != "dec":
                    seq += 1
                    cells.append(tokens[i])
                    i += 1
            if i < n and kinds[i] == "int" and len(texts[i]) >= 3:
                code = texts[i]
                cells.append(tokens[i])
                i += 1
                while (
                    i < n
                    and kinds[i] == "int"
                    and len(code) + len(texts[i]) <= 7
                    and i - 1 not in words  # a code printed in a cell is whole
                ):
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
            if names and new_line(i) and code is None:
                break
            names.append(tokens[i])
            cells.append(tokens[i])
            i += 1
        while i < n and not starts_row(i, len(figs), code is not None):
            if kinds[i] == "int" and not figs and (found := lead(i)) is not None:
                if code is not None:
                    break  # the next row after a row without figures
                if rows and names and (found[1] is not None or first in starts_page):
                    # A name piece before the next row's 序号, or on top of a page: the end
                    # of the name of the row above.
                    tails.add(len(rows))
                    break
                if found[1] is not None:
                    break
                # The code printed after the start of the name (a row cut by a page break).
                code = take_lead(found, cells)
                continue
            if kinds[i] == "text":  # a name piece between figures: keep it with the name
                names.append(tokens[i])
                cells.append(tokens[i])
                i += 1
                continue
            piece, used = texts[i], [tokens[i]]
            i += 1
            last = False
            while (
                i < n
                and kinds[i] != "text"
                and not complete(piece)
                and not (
                    i - 1 in words  # a figure printed in a cell is whole unless cut at a point
                    and not piece.endswith((".", ","))
                    and not texts[i].startswith((".", ","))
                )
            ):
                joined = piece + texts[i]
                if kinds[i] == "int" and has_seq and texts[i] == str(seq + 1) and complete(piece):
                    break
                if parse_figure(joined) is None:
                    break
                if commas and _bare_thousands(joined):
                    # a short number before a figure it cannot be part of: a page number
                    last = _page_number(piece, decimals)
                    break
                piece = joined
                used.append(tokens[i])
                i += 1
            value = parse_figure(piece)
            cells.extend(used)
            last = last or i >= n or i in starts_page  # a page number ends a page
            if value is not None and not (last and _page_number(piece, decimals)):
                figs.append((value, used))
        if not cells:  # nothing consumed: take the token as a name so the loop moves on
            names.append(tokens[i])
            cells.append(tokens[i])
            i += 1
        rows.append((code, names, figs, cells))
    # A name piece that ends the row above joins it.
    out: list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]] = []
    for k, (code, names, figs, cells) in enumerate(rows):
        if k in tails and out:
            above = out[-1]
            out[-1] = (above[0], above[1] + names, above[2], above[3] + cells)
        else:
            out.append((code, names, figs, cells))
    return _wrapped_names(out, {id(tokens[k]) for k in words}) if words else out


def _wrapped_names(rows: list, worded: set[int]) -> list:
    """Rows of `_line_groups` with the pieces of a name wrapped around a line of single-space
    cells that prints a code and figures but no name (pdfplumber centres that line between
    the name's lines: "机关…缴费支" | "2080505 580.01" | "出") joined to that row: a row of
    only a name just before it, and one just after it when the next row has a code too (or
    there is none)."""

    def bare(r) -> bool:  # a name piece: no code, no figures
        return r[0] is None and not r[2] and bool(r[1])

    out = []
    k = 0
    while k < len(rows):
        code, names, figs, cells = rows[k]
        if (
            code is not None
            and not names
            and figs
            and id(cells[0]) in worded
            and out
            and bare(out[-1])
        ):
            before = out.pop()
            names, cells = before[1], before[3] + cells
            if (
                k + 1 < len(rows)
                and bare(rows[k + 1])
                and (k + 2 >= len(rows) or rows[k + 2][0] is not None)
            ):
                names, cells = names + rows[k + 1][1], cells + rows[k + 1][3]
                k += 1
            out.append((code, names, figs, cells))
        else:
            out.append(rows[k])
        k += 1
    return out


def _bare_thousands(figure: str) -> bool:
    """A figure with four or more digits before its point and no thousands separator."""
    whole = figure.lstrip("-−").split(".")[0]
    return "," not in whole and len(whole) >= 4


def _page_number(piece: str, decimals: int) -> bool:
    """A short bare integer where figures print decimals: a page number, not a figure."""
    return decimals > 0 and piece.isdigit() and len(piece) <= 3


def _is_group(text: str) -> bool:
    return bool(
        re.fullmatch(
            r"本年收入|本年支出|.*(?:功能|经济)分类科目|.*资金性质|收入|支出", squash_ascii(text)
        )
    )


# A 单位 line above a one-cell-per-line table: its code and name ("507016 襄阳市住房和城乡建设局").
_UNIT_LINE = re.compile(r"\d{3,}(?![\d年])\D")


def _has_figures(cells: list[Cell]) -> bool:
    return any(
        parse_figure(c.text) is not None and not _CODE.match(squash_ascii(c.text)) for c in cells
    )


def _slot_options(
    values: list[float], columns: Sequence[Column], rows: int = 1
) -> list[tuple[int, ...]]:
    """Column placements for `values` read left to right when some cells were empty: of every
    order-keeping placement, those whose row arithmetic scores best (total = basic + project,
    total = personnel + public; a total column is filled first). Several are returned when
    the row alone cannot tell (total 40 = basic 40 or project 40)."""
    n = len(columns)
    if len(values) >= n or not values:
        return [tuple(range(len(values)))]
    scored: list[tuple[int, tuple[int, ...]]] = []
    for slots in _order_keeping(n, len(values), rows):
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


def three_public_name(label: str) -> str:
    """The row name for a “三公”经费 column from its header path (group/…/leaf, pieces of a
    wrapped header cell included): “三公”经费小计, 因公出国（境）费, 公务用车购置及运行维护费,
    公务用车购置费, 公务用车运行维护费, 公务接待费, 会议费, 培训费, 合计."""
    path = squash_ascii(label.replace("/", ""))
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
