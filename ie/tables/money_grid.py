"""The ``pdf`` / ``space`` layout reader: figures are right-aligned, so a figure's column is
found from its right edge (each page may sit on a grid of its own, shifted); column labels come
from the header cells above each column, or in order where that reading is implausible; a
text-only line is a wrapped piece of the name of the nearest row."""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import replace

from ie.segment import Cell, Row, TableRegion, digits, is_prose
from ie.tables.money_cells import (
    _CODE_LABEL,
    _STUB_LABEL,
    _assign_keys,
    _code_of,
    _group_leaves,
    _header_label_row,
    _header_lines,
    _join_wrapped,
    _join_wrapped_cells,
    _leaf_path,
    _leaf_paths,
    _named_columns,
    _ordered_labels,
    _row,
    _source_cell,
    _span_of,
    _split_figures,
    _split_labels,
    clean_name,
    parse_figure,
)
from ie.tables.money_solver import _order_keeping, _place, _settle
from ie.tables.money_types import _CODE, _GRAND_TOTAL, Column, DetailedRow
from ie.text import squash_ascii


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


def _geometric_rows(
    region: TableRegion, body: list[Row], scale: float
) -> tuple[Sequence[Column], Sequence[DetailedRow]]:
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
        # a row that prints its 序号 is a row of its own, figures or not (an empty item)
        numbered = used > (0 if code is None else 1) and len(cells) > used
        if figures or code or numbered or _GRAND_TOTAL.match(clean_name(row.text)):
            data.append((row, cells))
        else:
            pieces.append(row)
    data = _rejoin_at_breaks(
        data, [body[b] for b in region.breaks if b < len(body)], seq_limit, coded
    )
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
    header = [_split_labels(r, region.kind) for r in region.header]
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
            row_parts = []
            for c in hr.cells:
                overlap = min(c.x1, hi) - max(c.x0, lo)
                if (
                    overlap > 0.5 * min(c.x1 - c.x0, hi - lo)
                    and parse_figure(c.text) is None
                    and not _STUB_LABEL.match(squash_ascii(c.text))
                ):
                    row_parts.append(c)
            # Two labels of one header line over one figure column: the other one heads an
            # empty column beside it; the label over the figures themselves is this one's.
            over = [c for c in row_parts if c.x0 < spans[k][1] and c.x1 > spans[k][0]]
            if len(row_parts) > 1 and len(over) == 1:
                row_parts = over
            parts += [(hr.top, c.x0, c.text) for c in row_parts]
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


def _rejoin_at_breaks(
    data: list[tuple[Row, list[Cell]]], firsts: Sequence[Row], seq_limit: float | None, coded: bool
) -> list[tuple[Row, list[Cell]]]:
    """Rows cut by a page break put back together: the first line after a break that has no
    code goes with the coded row before the break when that row has no figures (its name's
    end and its figures were printed on the next page)."""
    after = {id(r) for r in firsts}
    out: list[tuple[Row, list[Cell]]] = []
    for row, cells in data:
        if out and id(row) in after and _lead(cells, seq_limit, coded)[0] is None:
            prev_row, prev = out[-1]
            code, used = _lead(prev, seq_limit, coded)
            if code and not any(_is_figure(c.text) for c in prev[used:]):
                out[-1] = (prev_row, prev + cells)
                continue
        out.append((row, cells))
    return out


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


def _is_label_number(cell: Cell, spans: Sequence[tuple[float, float]]) -> bool:
    """A number printed inside a name (单价在20万元以上) is not a figure: it sits left of every
    figure column."""
    return bool(spans) and cell.x1 < spans[0][0] and "." not in cell.text
