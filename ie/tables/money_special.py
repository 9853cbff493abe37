"""Tables with a shape of their own: the 收支总表 (income/expense summary, two column pairs
side by side) and the “三公”经费 table (rows named by their 三公 item; a wide table whose header
lines came in any order is placed by its sums, `_three_public_by_sums`)."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import replace

from ie.segment import Cell, Row, TableRegion, digits
from ie.tables.money_cells import (
    _THREE_PUBLIC_ORDER,
    _row,
    _source_cell,
    _split_figures,
    bare_number,
    decimals_of,
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


def _three_public_columns(said: str) -> list[str]:
    """The columns every wide “三公”经费 table has, in their printed order: 合计, (“三公”经费
    小计,) 因公出国（境）费, 公务用车购置及运行维护费, 公务用车购置费, 公务用车运行维护费,
    公务接待费, then 会议费 and 培训费 where its title or header (`said`) names them."""
    extra = [name for name, word in (("会议费", "会议"), ("培训费", "培训")) if word in said]
    return [
        "合计",
        *(["“三公”经费小计"] if extra else []),
        "因公出国（境）费",
        "公务用车购置及运行维护费",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
        *extra,
    ]


def _three_public_by_sums(
    region: TableRegion,
    reading: dict[str, float] | None,
    values: Sequence[float],
    complete: bool = False,
) -> tuple[list[str], list[tuple[int, ...]]] | None:
    """The columns of a wide “三公”经费 table (one row of `values`) read by its sums: the
    columns every such table has, in their printed order (合计, “三公”经费小计, 因公出国（境）
    费, 公务用车购置及运行维护费, 公务用车购置费, 公务用车运行维护费, 公务接待费, then 会议费
    and 培训费 where the title or header names them), and the order-keeping placements of
    the figures that satisfy the most of the table's sums. Text tools print a multi-row
    header's lines in any order and shift figures off their labels, so the header's labels
    (`reading`: row name -> figure, None when they do not give one label per figure) are
    kept unless this reading adds up better. None then, or when no placement adds up (with
    `complete`, when none passes every sum it checks)."""
    said = squash_ascii(region.title + "".join(c.text for r in region.header for c in r.cells))
    columns = _three_public_columns(said)
    subtotal = "“三公”经费小计" if "“三公”经费小计" in columns else "合计"
    if len(values) > len(columns):
        return None
    scored = []
    for slots in itertools.combinations(range(len(columns)), len(values)):
        placed = {columns[s]: v for s, v in zip(slots, values, strict=True)}
        passed, failed = _three_public_sums(placed, subtotal)
        if not (complete and failed):
            scored.append((passed - failed, slots))
    if not scored:
        return None
    best = max(score for score, _ in scored)
    if reading is not None:
        passed, failed = _three_public_sums(reading, subtotal)
        if passed - failed >= best:
            return None  # the labels add up as well
    if best <= 0:
        return None
    return columns, [slots for score, slots in scored if score == best]


def final_accounts(region: TableRegion) -> bool:
    """Whether a “三公” table is a 决算's (预算数/决算数 pairs): 决算 in its title or header."""
    said = region.title + "".join(c.text for r in region.header for c in r.cells)
    return "决算" in squash_ascii(said)


def three_public_final(region: TableRegion, scale: float) -> list[DetailedRow] | None:
    """A 决算 “三公” table printed wide: a 预算数 and a 决算数 under each of the columns every such
    table has (in their printed order, as `_three_public_by_sums`), one figure row. Its figures
    are read in order — pieces of a figure a text tool broke over lines joined again — and
    paired: one row per item with `budget` and `total` (the 决算数). None when the header has
    no 预算数/决算数 pairs or the figures do not fill the columns two by two."""
    rows = (*region.header, *region.body)
    head = squash_ascii("".join(c.text for r in region.header for c in r.cells))
    # 预算数 决算数 (wrapped: 决算 / 数) pairs, in the header or, as raw pdftotext prints a wide
    # header column by column, among the figures
    labels = squash_ascii("".join(c.text for r in rows for c in r.cells))
    if labels.count("决算") < 2 or labels.count("预算") < 2:
        return None
    said = squash_ascii(region.title) + head
    columns = _three_public_columns(said)
    figures: list[tuple[float, list[Cell]]] = []
    buf: list[Cell] = []
    # layout text puts two narrow columns' figures one space apart ("22.78 19.15"): such a
    # cell's whole figures one by one (not a figure noise broke at a space: "686. 71")
    parts = [part for r in rows for c in r.cells for part in _whole_figures(c)]
    for c in parts:
        piece = digits(c.text, 1)
        if not re.search(r"\d", piece) or re.search(r"[^\d.,，\s-]", piece):
            if buf:
                return None  # a label inside a figure
            continue
        buf.append(c)
        text = digits("".join(x.text for x in buf), 1)
        if re.fullmatch(r"-?[\d,]*\d\.\d\d", text):
            figures.append((float(text.replace(",", "")) * scale, buf))
            buf = []
        elif text.count(".") > 1 or len(text) > 16:
            return None
    if buf or len(figures) != 2 * len(columns):
        return None
    out = []
    for k, name in enumerate(columns):
        cells = tuple(
            _source_cell(2 * k + j, key, value, used)
            for j, (key, (value, used)) in enumerate(
                zip(("budget", "total"), figures[2 * k : 2 * k + 2], strict=True)
            )
        )
        out.append(
            DetailedRow(
                None,
                name,
                cells,
                min(c.start for c in cells),
                max(c.end for c in cells),
                cells[0].page,
                name == "合计",
            )
        )
    return out


def _whole_figures(cell: Cell) -> list[Cell]:
    """`cell` split at spaces where every part is a whole figure ("22.78 19.15"), else itself."""
    found = list(re.finditer(r"\S+", cell.text))
    if len(found) < 2 or not all(re.fullmatch(r"-?[\d,]*\d\.\d\d", m.group()) for m in found):
        return [cell]
    return [
        replace(cell, text=m.group(), start=cell.start + m.start(), end=cell.start + m.end())
        for m in found
    ]


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
    found: tuple[list[str], list[tuple[int, ...]]],
    figures: Sequence[SourceCell],
    row: DetailedRow,
    operation: bool = False,
) -> tuple[list[Column], list[DetailedRow]]:
    """The columns and the one row (`row`, its figures replaced) of a wide “三公”经费 table
    placed by `_three_public_by_sums`; a figure that the best placements put in different
    columns is left out and reported (the labels that misread the table cannot tell which),
    except, with `operation` (a budget's one row), the one figure under 公务用车购置及运行维护费
    when the other part is empty: its 运行维护费."""
    names, placements = found
    columns = [Column(None, name, float(k)) for k, name in enumerate(names)]
    kept, undecided = [], []
    for j, cell in enumerate(figures):
        slots = {p[j] for p in placements}
        if operation and {names[k] for k in slots} == {"公务用车购置费", "公务用车运行维护费"}:
            # the one figure of 公务用车购置及运行维护费's two parts, its other cell empty:
            # a department buys cars in few years and runs them in every one
            slots = {names.index("公务用车运行维护费")}
        if len(slots) == 1:
            kept.append(replace(cell, column=slots.pop(), key=None))
        else:
            undecided.append(f"{cell.text}: " + " or ".join(names[k] for k in sorted(slots)))
    return columns, [replace(row, cells=tuple(kept), undecided=tuple(undecided))]


def _summary(region: TableRegion, body: list[Row], scale: float, layout: str) -> DetailedTable:
    """收支总表: two (or three) tables side by side — each text cell starts an item and the
    figures after it are its values; the first figure is its total."""
    rows: list[DetailedRow] = []
    lines = _summary_lines(body, layout)
    head = [c for r in region.header for c in r.cells]
    # the national template numbers each side's lines: a 行次 after each name
    numbered = any(
        squash_ascii(c.text) == "行次" or "行次" in c.text.split() for c in head
    )  # a header cell alone, or a word of a header line read as one cell
    if numbered and layout != "tab":  # a tab layout gives the 行次 a cell of its own
        lines = [_without_line_numbers(cells) for cells in lines]
        head = _without_line_numbers(head)
    # one cell a line (text tools' cell layout, or a PDF printed so): one stream of names and
    # figures
    stream = layout == "line" or 2 * sum(len(r.cells) == 1 for r in body) > len(body)
    if stream:
        # the first item may have gone to the header when its figure was broken
        first = next((k for k, c in enumerate(head) if _ITEM_START.match(c.text)), len(head))
        lines = [_cell_stream([head[first:], *lines], numbered)]
        # Where the figures print decimals, a bare number of one to three digits is a 序号 or
        # 行次 that a text tool printed among the names (raw pdftotext: "本年收入合计" "10"
        # "使用非财政拨款结余" "0.00"), not a figure.
        decimals = decimals_of(lines[0])
        lines = [[c for c in lines[0] if not bare_number(squash_ascii(c.text), decimals)]]
    read: list[list[tuple[list[Cell], list[Cell]]]] = []
    # in a stream, where each page's rows begin (after a repeated header)
    page_starts = {id(c) for b in region.breaks if b < len(body) for c in body[b].cells[:1]}
    if stream:
        lines = _at_page_starts(lines[0], page_starts)
    for cells in lines:
        items: list[tuple[list[Cell], list[Cell]]] = []
        for c in cells:
            if parse_figure(c.text) is None:
                if stream and items and not items[-1][1] and not _ITEM_START.match(c.text):
                    items[-1][0].append(c)  # a wrapped piece of the name before
                else:
                    items.append(([c], []))
            elif items:
                items[-1][1].append(c)
        names = [squash_ascii("".join(c.text for c in item)) for item, _ in items]
        prev = read[-1] if read else None
        # the wrapped end of a name above ("一、一般公共预算财政拨款" / "收入"): a lone piece
        # under an item's name, in a table of lines (not a stream of cells)
        under = (
            _under(items[0][0][0], prev)
            if not stream and prev and len(items) == 1 and not items[0][1]
            else None
        )
        wrap = under is not None and not _ITEM_START.match(names[0])
        if items and all(n in _HEAD_WORDS for n in names) and not wrap:
            continue  # the header, repeated on the next page
        if stream and prev is not None:
            _join_cut_items(prev, items)
        if (
            not stream
            and prev is not None
            and len(prev) == len(items)
            and not (any(f for _, f in prev) and any(f for _, f in items))
            and not any(_ITEM_START.match(n) for n in names)
        ):
            # a line cut by a page break: the names' ends and the figures on either side of
            # the break are one line
            read[-1] = [(a + b, fa + fb) for (a, fa), (b, fb) in zip(prev, items, strict=True)]
            continue
        if wrap and prev is not None and under is not None and len(prev) > 1:
            prev[under][0].extend(items[0][0])
            continue
        read.append(items)
    if stream and read:
        _spread_trailing(read[-1])
    for items in read:
        for item, figures in items:
            if numbered and figures and re.fullmatch(r"\d{1,3}", squash_ascii(figures[0].text)):
                figures = figures[1:]  # its 行次
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


def _spread_trailing(items: list[tuple[list[Cell], list[Cell]]]) -> None:
    """Where the last item holds k figures that are parts and their 总计, the k - 1 nearest
    items before it without a figure take the parts, in order, and it keeps the total: pdfminer
    can print a 收支总表's right column after all its labels ("本年支出合计" … "结余分配" …
    "年末结转和结余" "总计" "4,124.76 总计" "4,028.10" "0.00" "96.66" "4,124.76"). Only when the
    parts add up to the last figure and an earlier 总计 states that same total."""
    if not items or len(items[-1][1]) < 3:
        return
    figures = list(items[-1][1])
    values = [v for c in figures if (v := parse_figure(c.text)) is not None]
    if len(values) < len(figures):
        return
    *parts, whole = values
    if abs(sum(parts) - whole) > TOLERANCE * len(parts):
        return
    totals = [
        parse_figure(f[0].text)
        for name, f in items[:-1]
        if f and squash_ascii("".join(c.text for c in name)).endswith("总计")
    ]
    if not any(t is not None and abs(t - whole) <= TOLERANCE for t in totals):
        return
    empty = [held for _, held in items[:-1] if not held][-len(parts) :]
    if len(empty) < len(parts):
        return
    for held, figure in zip(empty, figures, strict=False):
        held[:] = [figure]
    items[-1][1][:] = figures[-1:]


def _under(cell: Cell, items: Sequence[tuple[list[Cell], list[Cell]]]) -> int | None:
    """The index of the item whose name starts at most two columns from `cell`, if any."""
    near = [(abs(name[0].x0 - cell.x0), k) for k, (name, _) in enumerate(items) if name]
    best = min(near, default=None)
    return best[1] if best is not None and best[0] <= 2 else None


_HEAD_WORDS = {"收入", "支出", "项目", "决算数", "预算数", "金额"}


def _at_page_starts(cells: list[Cell], starts: set[int]) -> list[list[Cell]]:
    """A stream of cells cut where pages begin."""
    out: list[list[Cell]] = [[]]
    for c in cells:
        if id(c) in starts and out[-1]:
            out.append([])
        out[-1].append(c)
    return out


def _join_cut_items(before: list, after: list) -> None:
    """Items cut by a page break in a one-cell-a-line 收支总表 put together: the items that
    begin the page without starting a name (和结余 217.62, 和结余 230.80) finish, in order,
    the items that ended the page before without a figure (年初结转, 年末结转). In place."""
    lead = 0
    while lead < len(after) and not _ITEM_START.match(
        squash_ascii("".join(c.text for c in after[lead][0]))
    ):
        lead += 1
    cut = 0
    while cut < len(before) and not before[len(before) - 1 - cut][1]:
        cut += 1
    n = min(lead, cut)
    if not n:
        return
    for k in range(n):
        (names, _), (rest, figures) = before[len(before) - cut + k], after[k]
        before[len(before) - cut + k] = (names + rest, figures)
    del after[:n]


# A 收支总表 item that starts a name: an enumerator (一、 …) or a total/balance line's words.
_ITEM_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|本年|上年|年初|年末|年终|使用|结余分配|[收支]?\s*[入出]?\s*总\s*计)"
)


def _cell_stream(lines: list[list[Cell]], numbered: bool = False) -> list[Cell]:
    """The cells of a one-cell-a-line 收支总表 in order, without its 序号 (1, 2, 3 … each
    before a name); `numbered`: the table prints a 行次 before each figure."""
    cells = _joined_figures([c for line in lines for c in line], numbered)
    out, expected = [], 1
    for k, c in enumerate(cells):
        nxt = cells[k + 1].text if k + 1 < len(cells) else ""
        if squash_ascii(c.text) == str(expected) and nxt and parse_figure(nxt) is None:
            expected += 1
            continue
        out.append(c)
    return out


_WHOLE = re.compile(r"-?[\d,]*\d\.\d\d")
_PIECE = re.compile(r"-?[\d,]*\.?\d*")


def _joined_figures(cells: list[Cell], numbered: bool = False) -> list[Cell]:
    """Figures that a text tool broke over lines ("909" + ".83", "1" + "9.92") joined again:
    a piece that is not a whole figure with its two decimals and, with the pieces after it,
    makes one. In a table with 行次 (`numbered`) a number before a whole figure is its 行次,
    not a piece of it."""
    out: list[Cell] = []
    k = 0
    while k < len(cells):
        c = cells[k]
        text = digits(c.text, 1)
        end = k + 1
        # with 行次, a number right after a name is the 行次, the one after that the figure
        after_name = k > 0 and parse_figure(cells[k - 1].text) is None
        line_number = numbered and after_name and re.fullmatch(r"\d{1,3}", text) is not None
        if (
            not line_number
            and not _WHOLE.fullmatch(text)
            and _PIECE.fullmatch(text)
            and re.search(r"\d", text)
        ):
            joined = text
            for j in range(k + 1, min(k + 3, len(cells))):
                piece = digits(cells[j].text, 1)
                if not _PIECE.fullmatch(piece):
                    break
                joined += piece
                if _WHOLE.fullmatch(joined):
                    end = j + 1
                    break
        if end > k + 1:
            text = "".join(x.text for x in cells[k:end])
            c = replace(c, text=text, end=cells[end - 1].end)
        out.append(c)
        k = end
    return out


_NUMBER_FIGURE = re.compile(r"(\d{1,2}) ([-−]?(?:0|[1-9][\d,]*)\.\d+)")  # "31 4,646,832.00"
_NUMBER_NAME = re.compile(r"(\d{1,2}) (\D.*)|(.*\D) (\d{1,2})")  # "3 三、…", "五、事业收入 5"


def _without_line_numbers(cells: Sequence[Cell]) -> list[Cell]:
    """Cells of a 收支总表 that numbers its lines (行次) with a line number a text tool ran
    into a figure or a name by one space ("31 4,646,832.00", "五、事业收入 5") cut to the
    figure or the name."""
    out = []
    for c in cells:
        text = c.text
        if (m := _NUMBER_FIGURE.fullmatch(text)) and parse_figure(m.group(2)) is not None:
            out.append(replace(c, text=m.group(2), start=c.start + m.start(2)))
        elif m := _NUMBER_NAME.fullmatch(text):
            a, b = m.span(2) if m.group(2) is not None else m.span(3)
            out.append(replace(c, text=text[a:b], start=c.start + a, end=c.start + b))
        else:
            out.append(c)
    return out


def _summary_lines(body: list[Row], layout: str) -> list[list[Cell]]:
    """Lines of a 收支总表 as cell lists; in a tab layout the 序号 is dropped and a line without
    one continues the line above cell by cell (one cell per item side)."""
    if layout != "tab":
        return [_split_figures(r) for r in body]
    numbered = any(r.cells and squash_ascii(r.cells[0].text).isdigit() for r in body)
    if not numbered:  # no 序号 column: every line is a row
        return [list(r.cells) for r in body]
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
        keyed = _final_keys(columns)
        out = []
        for r in rows:
            cells = sorted(r.cells, key=lambda c: c.column)
            if keyed:  # a 决算's 预算数 and 决算数 columns
                cells = [replace(c, key=keyed.get(c.column)) for c in cells]
                out.append(replace(r, cells=tuple(c for c in cells if c.key)))
            else:
                out.append(replace(r, cells=tuple(replace(c, key="total") for c in cells[:1])))
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
    labels = [columns[c.column].label if c.column < len(columns) else "" for c in cells]
    if any("决算" in label for label in labels):
        return _three_public_pairs(cells, names, labels)
    return [
        DetailedRow(None, name, (replace(c, key="total"),), c.start, c.end, c.page, name == "合计")
        for c, name in zip(cells, names, strict=True)
    ]


def _final_keys(columns: Sequence[Column]) -> dict[int, str]:
    """Column index → budget / total for the 预算数 and first 决算数 columns of a 决算 table
    (empty when no column says 决算)."""
    out: dict[int, str] = {}
    for k, c in enumerate(columns):
        leaf = c.label.rsplit("/", 1)[-1]
        if "决算" in leaf and "total" not in out.values():
            out[k] = "total"
        elif "预算" in leaf and "决算" not in leaf and "budget" not in out.values():
            out[k] = "budget"
    return out if "total" in out.values() else {}


def _three_public_pairs(
    cells: Sequence[SourceCell], names: Sequence[str], labels: Sequence[str]
) -> list[DetailedRow]:
    """A 决算 “三公” table: a 预算数 and a 决算数 under each item, one row per item with
    `budget` and `total` (the 决算数)."""
    rows: dict[str, list[SourceCell]] = {}
    for c, name, label in zip(cells, names, labels, strict=True):
        leaf = label.rsplit("/", 1)[-1]
        key = "budget" if "预算" in leaf and "决算" not in leaf else "total"
        got = rows.setdefault(name, [])
        if all(x.key != key for x in got):
            got.append(replace(c, key=key))
    return [
        DetailedRow(
            None,
            name,
            tuple(got),
            min(c.start for c in got),
            max(c.end for c in got),
            got[0].page,
            name == "合计",
        )
        for name, got in rows.items()
    ]


def side_by_side(region: TableRegion) -> TableRegion:
    """A 决算 基本支出 table printed as two blocks side by side — 人员经费 on the left, 公用经费
    on the right, each 科目编码 | 科目名称 | 决算数, their totals on the last line — as one
    list: the right block's cells moved under the left block's columns (its rows after the
    left block's), the header reduced to one block without the 人员经费/公用经费 group
    labels. Other tables, and a one-block header, are returned as they are."""
    if region.kind != "basic_expense_by_economic":
        return region
    head = [c for r in region.header for c in r.cells]
    codes = [c for c in head if re.search(r"编码|代码", squash_ascii(c.text))]
    if sum("名称" in squash_ascii(c.text) for c in head) < 2 or len(codes) < 2:
        return region
    left, right = codes[0].x0, codes[1].x0
    if right <= left:  # one cell a line: the rows come in code order anyway
        cut = codes[1]
        header = _first_block(region.header, lambda c: c.start < cut.start)
        return replace(region, header=header)
    slack = 0.3 * min(
        (b.x0 - a.x0 for a, b in itertools.pairwise(sorted(head, key=lambda c: c.x0)))
        if len(head) > 1
        else [1.0]
    )
    edge = right - max(slack, 0.5)
    # Where the right block starts, page by page (a PDF may draw each page's grid anew): from
    # the rows that print both blocks, else from the header.
    seen: dict[int, list[tuple[float, float]]] = {}
    for row in region.body:
        if (i := _right_block(row)) is not None:
            seen.setdefault(row.page, []).append((row.cells[i].x0, row.cells[0].x0))
    at = {
        page: (statistics.median(r for r, _ in xs), statistics.median(r - x for r, x in xs))
        for page, xs in seen.items()
    }
    lefts: list[Row] = []
    rights: list[Row] = []
    breaks: tuple[list[int], list[int]] = ([], [])  # page breaks within each block
    for k, row in enumerate(region.body):
        if k in region.breaks:
            breaks[0].append(len(lefts))
            breaks[1].append(len(rights))
        page_edge, shift = at.get(row.page, (right, right - left))
        if (i := _right_block(row)) is not None:
            a, b = row.cells[:i], row.cells[i:]
        else:
            cut = min(edge, page_edge - max(slack, 0.5))
            a = tuple(c for c in row.cells if c.x0 < cut)
            b = tuple(c for c in row.cells if c.x0 >= cut)
        b = tuple(replace(c, x0=c.x0 - shift, x1=c.x1 - shift) for c in b)
        if a:
            lefts.append(replace(row, cells=tuple(a)))
        if b:
            rights.append(replace(row, cells=b))
    header = _first_block(region.header, lambda c: c.x0 < edge)
    moved = (*breaks[0], *(len(lefts) + b for b in breaks[1]))
    return replace(region, header=header, body=(*lefts, *rights), breaks=moved)


_ECONOMIC_CODE = re.compile(r"[35]\d{2}(?:\d{2})?")


def _right_block(row: Row) -> int | None:
    """The index of the cell that starts a side-by-side row's right block: a second 经济分类
    code after the left block's code and name, or the 公用经费 total after the 人员经费 one."""
    for i, c in enumerate(row.cells):
        text = squash_ascii(c.text)
        if i >= 2 and _ECONOMIC_CODE.fullmatch(digits(c.text)):
            return i
        if i >= 1 and text.startswith("公用经费"):
            return i
    return None


def _first_block(header: Sequence[Row], keep) -> tuple[Row, ...]:
    """The header rows with the cells `keep` says are the first block's, without the
    人员经费 / 公用经费 group labels."""
    out = []
    for row in header:
        cells = tuple(
            c
            for c in row.cells
            if keep(c) and not re.fullmatch(r"(?:人员|公用)经费", squash_ascii(c.text))
        )
        if cells:
            out.append(replace(row, cells=cells))
    return tuple(out)
