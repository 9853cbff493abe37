"""Cells and header to column keys: a printed figure as a number, a row name cleaned, a 科目
code found, header label paths read (wrapped labels joined, multi-level headers), each column's
SCHEMA key, and the building of a `DetailedRow` from its cells."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ie.segment import MONEY, Cell, Row, digits
from ie.tables.money_types import (
    _ENUMERATOR,
    _EXTRA_PART,
    _FINAL_COLUMN,
    _GRAND_TOTAL,
    _STRUCT,
    KIND_KEYS,
    Column,
    DetailedRow,
    SourceCell,
)
from ie.text import cell_memo, squash_ascii

# OCR's misreadings of a figure's punctuation, each mended only where the result is a figure
# with decimals: a colon or a comma for the decimal point before the last two digits ("28:00",
# "2,10": a thousands group has three), a point beside a comma ("10.,541.46"), a stray point
# after the decimals ("156.60.").
_OCR_POINT = (
    (re.compile(r"(?<=\d)[:：,](?=\d{2}$)"), "."),
    (re.compile(r"\.,|,\."), ","),
    (re.compile(r"(?<=\.\d{2})\.$"), ""),
)


# The most digits before the point an amount has: 10^13 元 is ten times a year of the whole
# national budget (a run of longer is codes or numbers a text tool printed without spaces).
_MAX_DIGITS = 13


@cell_memo
def parse_figure(text: str) -> float | None:
    """A printed figure ("13,649.07", "686. 71", "528.", "-12.5", OCR "1l65.37", "28:00") as
    a float, else None."""
    t = digits(text).replace("−", "-").replace("，", ",")
    if t and not MONEY.match(t):
        mended = t
        for pattern, repl in _OCR_POINT:
            mended = pattern.sub(repl, mended)
        if "." in mended and MONEY.match(mended):
            t = mended
    if not t or not MONEY.match(t):
        return None
    if len(t.lstrip("-").split(".")[0].replace(",", "")) > _MAX_DIGITS:
        return None  # a run of codes or row numbers printed together, not an amount
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
    if len(first) in (3, 5):  # 类 | 款 | 项 in separate cells (类 款 one space apart: "201 06")
        for t in texts[1 : 1 + (7 - len(first)) // 2]:
            piece = digits(t, 1)
            if len(piece) == 2 and piece.isdigit():
                code += piece
                used += 1
            else:
                break
    return code, used


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
        if re.fullmatch(r"(?:年初|全年|调整后?)预算数?", leaf):  # said in a 决算 only
            return "budget" if "budget" in allowed else None
        if re.fullmatch(r"决算数?(?:合计)?|本年支出(?:决算)?合计", leaf):
            return "total" if "total" in allowed else None
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
    # A 收支总表 prints 本年收入合计 / 本年支出合计 above the balances and the 总计: those keep
    # their names (a 决算's income_total and expense_total), the 总计 is the grand total.
    year_total = kind == "income_expense_summary" and name.startswith("本年")
    total = code is None and bool(_GRAND_TOTAL.match(name)) and not year_total
    return DetailedRow(
        code=code,
        name="合计" if total else name,
        cells=tuple(figures),
        start=min(c.start for c in cells),
        end=max(c.end for c in cells),
        page=cells[0].page,
        total_row=total,
    )


# A 科目 code and its name one space apart in one cell ("30201 办公费", "201 06 01 行政运行":
# layout text; 类 款 项 one space apart), or its 序号 before it ("13 2110101 行政运行", "16 221").
_CODE_THEN_NAME = re.compile(r"(?:(\d{1,3}) )?(\d{3}(?: ?\d{2}){0,2})(?: ([\u4e00-\u9fff（(]\S*))?")


def _match_parts(c: Cell, m: re.Match[str]) -> list[Cell]:
    """The cells of `c` that the groups of `m` (a full match of its text) hold, each placed
    by its characters' share of the cell (offsets exact where the cell's text is the source's:
    text, not PDF)."""
    width = (c.x1 - c.x0) / max(len(c.text), 1)
    exact = c.end - c.start == len(c.text)
    out = []
    for g in range(1, (m.re.groups or 0) + 1):
        if m.group(g) is None:
            continue
        a, b = m.span(g)
        where = {"start": c.start + a, "end": c.start + b} if exact else {}
        out.append(replace(c, text=m.group(g), x0=c.x0 + a * width, x1=c.x0 + b * width, **where))
    return out


def _code_cell_parts(c: Cell) -> list[Cell] | None:
    """A cell of a code and its name, or its 序号 and it, one space apart (`_CODE_THEN_NAME`)
    as its parts; None for any other cell."""
    m = _CODE_THEN_NAME.fullmatch(c.text)
    return _match_parts(c, m) if m is not None and (m.group(1) or m.group(3)) else None


def _split_figures(row: Row) -> list[Cell]:
    """Cells of a row, with a cell holding several figures ("767.60 199.25", "418.26 80")
    split: each part a figure, the first and any other with a point printing two or more
    decimals (a figure broken by a stray space, "686. 71" or "53.7 3", stays whole); and a
    cell of a code and its name (or its 序号 and it) one space apart split."""
    out: list[Cell] = []
    for c in row.cells:
        if (code_parts := _code_cell_parts(c)) is not None:
            out += code_parts
            continue
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


def _labels_of(text: str, kind: str) -> list[str]:
    """A header cell's labels: a line of labels one space apart ("合计 人员经费 公用经费 档次
    1", plain text of a ruled header; "基本支出 项目支出" in layout text) split where two or
    more of its words name columns."""
    words = text.split()
    if len(words) > 1 and sum(column_key([w], kind) is not None for w in words) >= 2:
        return words
    return [text]


def _split_labels(row: Row, kind: str) -> Row:
    """A header row with each cell of several column labels (`_labels_of`) split in one cell
    per label, placed by its characters' share of the cell."""
    cells: list[Cell] = []
    for c in row.cells:
        words = _labels_of(c.text, kind)
        if len(words) == 1:
            cells.append(c)
            continue
        width = (c.x1 - c.x0) / max(len(c.text), 1)
        for m in re.finditer(r"\S+", c.text):
            x0 = c.x0 + m.start() * width
            cells.append(replace(c, text=m.group(), x0=x0, x1=c.x0 + m.end() * width))
    return row if len(cells) == len(row.cells) else replace(row, cells=tuple(cells))


_STUB_LABEL = re.compile(r"^(?:栏次|档次|栏号|行次)$")
_CODE_LABEL = re.compile(r"编码|代码|^类$|^款$|^项$")


def _ordered_labels(header: Sequence[Row], kind: str, labels: list[list[str]]) -> list[list[str]]:
    """The figure columns' labels, read by position (`labels`) or, where that reading is
    implausible — a figure column under no label, under a 科目编码/名称 label or under two
    columns' labels, or none under a total — and the header names exactly as many figure
    columns as there are, by order: the header cells that name a column of this kind of table
    (合计, 基本支出, 人员经费, …), top row first, left to right (a header drawn on another grid
    than the figures below it, or figures shifted off their labels), the rightmost extra parts
    (上缴上级支出, …) left out when there are more labels than figure columns."""
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
    while len(named) > len(labels) and _FINAL_EXTRA.search(named[-1]):
        # the rightmost columns of a 支出决算表 (上缴上级支出 | 经营支出 | 对附属单位补助支出)
        # are empty in most departments' tables: no figure column is theirs
        named.pop()
    return [[t] for t in named] if len(named) == len(labels) else labels


# The 支出决算表's columns right of 项目支出, empty in most departments' tables.
_FINAL_EXTRA = re.compile(r"上缴上级|上解上级|经营支出|对附属单位")


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
        and (
            column_key([c.text], kind) is not None
            or _EXTRA_PART.search(c.text)
            or _FINAL_COLUMN.search(c.text)
        )
    ]


def _span_of(cell: Cell, spans: Sequence[tuple[float, float]]) -> int:
    mid = (cell.x0 + cell.x1) / 2
    return next((k for k, (lo, hi) in enumerate(spans) if lo <= mid <= hi), -1)


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


def decimals_of(tokens: Sequence[Cell]) -> int:
    """The number of decimals the table prints its figures with (the most common), 0 if none."""
    counts: dict[int, int] = {}
    for c in tokens:
        t = digits(c.text)
        if re.fullmatch(r"[\d,]*\d\.\d+", t):
            n = len(t.split(".")[1])
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else 0


def bare_number(piece: str, decimals: int) -> bool:
    """A short bare integer (at most three digits) where the table's figures print `decimals`
    decimals: a page number, a 序号 or a 行次, not a figure."""
    return decimals > 0 and piece.isdigit() and len(piece) <= 3
