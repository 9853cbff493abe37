"""The ``line`` layout reader (one cell per line, or lines of single-space cells from
PDF-to-text tools): a code or row label starts a row, figures follow; a row cut by a page break
is rejoined around the page number; when a row has fewer figures than the table has columns,
arithmetic picks their columns. Text-tool shapes: a name wrapped around its row's line, figures
printed after the page's last row (`_displaced_figures`), column labels among a one-row table's
figures, a column's cells printed one after another (`_column_order`, taken only when every
sum passes), a page's code column printed after its names and figures (`_codes_printed_apart`,
raw pdftotext; codes in 类 | 款 | 项 cells joined, `_block_codes`), a total | part | part table
printed column by column (`_columns_in_order`, pdfminer), the 款/项 digits run into the name
after the 类 code (`_joined_code`), and a total | part | part table whose header labels the text
left out (its 合计 row's three figures add up: the kind's columns, kept when its sums hold)."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ie.lexicon import subject_names
from ie.segment import Cell, Row, TableRegion, digits, has_money
from ie.tables.money_arith import table_issues
from ie.tables.money_cells import (
    _assign_keys,
    _code_cell_parts,
    _group_leaves,
    _labels_of,
    _match_parts,
    _row,
    _source_cell,
    bare_number,
    clean_name,
    column_key,
    decimals_of,
    parse_figure,
    three_public_name,
)
from ie.tables.money_solver import _settle, _slot_options
from ie.tables.money_special import _three_public_by_sums, _three_public_wide, final_accounts
from ie.tables.money_types import (
    _CODE,
    _EXTRA_PART,
    _FINAL_COLUMN,
    _GRAND_TOTAL,
    _STRUCT,
    KIND_KEYS,
    TOLERANCE,
    Column,
    DetailedRow,
)
from ie.text import OCR_LETTERS, OCR_TABLE, squash_ascii


def _line_rows(
    region: TableRegion, body: list[Row], scale: float
) -> tuple[Sequence[Column], Sequence[DetailedRow]]:
    head_cells = [c for r in region.header for c in r.cells]
    total_label = _header_total(head_cells)
    header = [
        t
        for k, c in enumerate(head_cells)
        if k != total_label
        for t in _labels_of(c.text, region.kind)
    ]
    texts = [
        t
        for t in header
        if not _STRUCT.search(squash_ascii(t))
        and not _is_group(t)
        and parse_figure(t) is None
        and not _UNIT_LINE.match(squash_ascii(t))
    ]
    texts = _spaced_letters(texts)
    if region.kind in KIND_KEYS and region.kind != "other":
        # Header cells print top row first, so a group header (一般公共预算基本支出 over
        # 合计 | 人员经费 | 公用经费) comes before the leaves: labels without a key before the
        # total column are not figure columns.
        first = next((k for k, t in enumerate(texts) if column_key([t], region.kind) == "total"), 0)
        texts = [
            t
            for k, t in enumerate(texts)
            if k >= first or column_key([t], region.kind) or _FINAL_COLUMN.search(t)
        ]
        # 合计 before another total label (合计 | 金额) is the total row's label, which a text
        # tool printed before the header's last cell.
        totals = [k for k, t in enumerate(texts) if column_key([t], region.kind) == "total"]
        if len(totals) > 1 and _GRAND_TOTAL.match(squash_ascii(texts[totals[0]])):
            del texts[totals[0]]
    has_seq = any(re.search(r"序号|行次", squash_ascii(t)) for t in header)
    body = [_cells_run_together(_joined_code(r)) for r in body]
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
    parsed = _line_groups(tokens, has_seq, decimals_of(tokens), breaks, words, lines)
    if blocks := _code_blocks(tokens, breaks):
        apart = _codes_printed_apart(tokens, blocks, has_seq, breaks, words, lines)
        if apart is None:  # the counts disagree: maybe a block's last code is its next row's
            own = [_own_row_left_out(tokens, a, b, has_seq) for a, b in blocks]
            apart = _codes_printed_apart(tokens, own, has_seq, breaks, words, lines)
        parsed = apart or parsed
    parsed = _glued_rows(_total_rejoined(_codes_before_rows(parsed), head_cells, total_label))
    if region.kind == "three_public":
        texts = _group_leaves(texts, max((len(figs) for *_, figs, _ in parsed), default=0))
        final = final_accounts(region)
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
                row = _row(None, _joined(names), [], cells, region.kind)
                return _three_public_wide(found, figures, row, operation=not final)
        if not final and (wide := _figures_among_labels(parsed)):
            # one figure row printed among its header's labels (pdftotext without -layout
            # reads a wide header column by column): its figures in order fill every column
            # of the table but at most one (an empty cell), placed by its sums alone
            figs = [f for *_, fs, _ in wide for f in fs]
            found = _three_public_by_sums(region, None, [v for v, _ in figs], complete=True)
            if found is not None and len(found[0]) - len(figs) <= 1:
                figures = [_source_cell(k, None, v * scale, fc) for k, (v, fc) in enumerate(figs)]
                cells = [c for *_, cs in wide for c in cs]
                row = _row(None, "", [], cells, region.kind)
                return _three_public_wide(found, figures, row, operation=True)
    labels = [(float(k), [t]) for k, t in enumerate(texts)]
    columns = _assign_keys(labels, region.kind)
    if len(columns) <= 1:
        # One figure column (or none named: its label printed among the rows, "金额").
        one = columns or [Column("total", "金额", 0.0)]
        if (by_column := _column_order(tokens, region.kind, one, scale)) is not None:
            return one, by_column
    if region.kind in _PARTS and (by_columns := _columns_in_order(tokens, region.kind, scale)):
        return by_columns
    if (
        region.kind in _PARTS
        and len({c.key for c in columns} & {"total", *_PARTS[region.kind]}) < 3
        and _three_part_total(parsed)
    ):
        # Not every column label printed with the table (raw pdftotext can leave a wide
        # header's labels out of its text, or print them with another table) and a 合计 row of
        # total | part | part (a fourth figure may follow, a later row's): the kind's three
        # columns, taken when at least four sums pass for each that fails (the failures are
        # reported with the table, as every table's are).
        assumed = [Column(k, k, float(i)) for i, k in enumerate(("total", *_PARTS[region.kind]))]
        fixed = _displaced_run(_part_printed_late(_extras_to_next(_total_from_extras(parsed))))
        rows = _placed(fixed, assumed, region.kind, scale)
        issues, checked = table_issues(region.kind, rows, assumed)
        if checked and checked >= 4 * len(issues):
            return assumed, rows
    if len(columns) == 1:
        parsed = _displaced_figures(parsed, region.kind, columns)
    elif len(columns) == 3:
        parsed = _displaced_run(_part_printed_late(_extras_to_next(_total_from_extras(parsed))))
    return columns, _placed(parsed, columns, region.kind, scale)


def _three_part_total(parsed: Sequence[_Parsed]) -> bool:
    """Whether the table's 合计 row prints three figures, the first the sum of the others."""
    for code, names, figs, _cells in parsed:
        if code is None and _GRAND_TOTAL.match(clean_name(_joined(names))):
            v = [f for f, _ in figs]
            return len(v) >= 3 and abs(v[0] - v[1] - v[2]) <= TOLERANCE
    return False


def _placed(
    parsed: list[_Parsed], columns: Sequence[Column], kind: str, scale: float
) -> list[DetailedRow]:
    """The rows with their figures placed in `columns` (by arithmetic where a row prints
    fewer figures than there are columns)."""
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
        return _row(code, _joined(names), figures, cells, kind)

    codes = [code for code, *_ in parsed]
    return list(_settle(options, build_row, kind, columns, codes, guess=False))


_Parsed = tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]


def _codes_before_rows(parsed: list[_Parsed]) -> list[_Parsed]:
    """Rows whose codes a text tool printed one after another before their names and figures
    (raw pdftotext at the top of a page: "30103" "30108" "奖金" "180.14" "机关…养老保险" "缴费"
    "1,064.46"): a run of rows of a code alone, then a coded row with a name, then as many
    rows without a code as the run is long, each with a name and figures; the codes go to
    those rows in order."""
    out = list(parsed)
    k = 0
    while k < len(out):
        j = k
        while j < len(out) and out[j][0] is not None and not out[j][1] and not out[j][2]:
            j += 1
        m = j - k
        after = out[j + 1 : j + 1 + m]
        if (
            m
            and j < len(out)
            and out[j][0] is not None
            and out[j][1]
            and len(after) == m
            and all(code is None and names and figs for code, names, figs, _ in after)
        ):
            codes = [out[t][0] for t in range(k, j + 1)]
            bare = [c for t in range(k, j) for c in out[t][3]]
            targets = [out[j], *after]
            pairs = enumerate(zip(codes, targets, strict=True))
            moved = [
                (code, names, figs, (bare if t == 0 else []) + cells)
                for t, (code, (_, names, figs, cells)) in pairs
            ]
            out[k : j + 1 + m] = moved
            k += len(moved)
        else:
            k = max(j, k + 1)
    return out


def _extras_to_next(parsed: list[_Parsed]) -> list[_Parsed]:
    """A total | part | part table's row with a fourth figure printed after its own three
    (which add up), where the next coded row has its total alone: raw pdftotext printed that
    row's part before its code ("人大事务" "92.36" "58.65" "33.71" "58.65" "4" "2010101"
    "行政运行" "58.65"). The figure goes to that row when it equals the row's total (a row
    with one part prints it equal to its total), or when the row prints its total and one
    part and the figure is the other ("总计" "312.01" "102.80" "209.21" "209.21" "208" "…"
    "295.02" "85.81"); two equal pairs ("139.05" "139.05" "54.35" "54.35") before a coded row
    without figures: the second pair is that row's."""
    out = list(parsed)
    for k in range(len(out) - 1):
        code, names, figs, cells = out[k]
        v = [f for f, _ in figs]
        n_code, n_names, n_figs, n_cells = out[k + 1]
        if len(v) != 4 or n_code is None:
            continue
        if len(n_figs) in (1, 2) and abs(v[0] - v[1] - v[2]) <= TOLERANCE:
            n = [f for f, _ in n_figs]
            # its total alone (a row of one part prints it equal to its total), or its total
            # and one part: the figure is the other part
            if abs((n[0] if len(n) == 1 else n[0] - n[1]) - v[3]) > TOLERANCE:
                continue
            moved = figs[3:]
        elif not n_figs and _two_rows(v):
            moved = figs[2:]  # two rows of a total and its one part: the second pair is its
        else:
            continue
        gone = {id(c) for _, fc in moved for c in fc}
        out[k] = (code, names, figs[: 4 - len(moved)], [c for c in cells if id(c) not in gone])
        out[k + 1] = (
            n_code,
            n_names,
            [*n_figs, *moved],
            n_cells + [c for _, fc in moved for c in fc],
        )
    return out


def _part_printed_late(parsed: list[_Parsed]) -> list[_Parsed]:
    """A total | part | part table's row printed with its total alone, its part printed after
    a later row's own total and part (raw pdftotext prints a page's displaced cells after its
    last row: "2210201" "住" "25.05" "25.05" "192.73"): the extra figure goes to the one row
    above with its total alone equal to it (none or several: left as it is)."""
    out = list(parsed)
    for k, (code, names, figs, cells) in enumerate(out):
        v = [f for f, _ in figs]
        if len(v) != 3 or abs(v[0] - v[1]) > TOLERANCE or abs(v[0] - v[1] - v[2]) <= TOLERANCE:
            continue
        lone = [
            j
            for j in range(k)
            if out[j][0] is not None
            and len(out[j][2]) == 1
            and abs(out[j][2][0][0] - v[2]) <= TOLERANCE
        ]
        if len(lone) != 1:
            continue
        j, moved = lone[0], figs[2]
        gone = {id(c) for c in moved[1]}
        out[k] = (code, names, figs[:2], [c for c in cells if id(c) not in gone])
        j_code, j_names, j_figs, j_cells = out[j]
        out[j] = (j_code, j_names, [*j_figs, moved], j_cells + moved[1])
    return out


# The most characters of a wrapped name's end printed on a line of its own ("缴费", "支出").
_NAME_PIECE = 4


def _displaced_run(parsed: list[_Parsed]) -> list[_Parsed]:
    """A total | part | part table's figures printed as a run of their own after a page's
    last row (raw pdftotext; the run may sit beside the repeated header's 科目编码 | 科目名称,
    or after the wrapped end of a name printed there too, "缴费" "124029.00", which then
    joins the name it completes into a 科目 name, `_piece_owner`):
    given, in order, to the coded rows above that lack them — a row with its total alone takes
    one figure equal to it, a row without figures a total and its part (two equal figures) or
    a total and two parts. Taken only when the run is used up exactly so."""
    out = list(parsed)
    joined: set[int] = set()  # name pieces joined to their rows' names
    for k, (code, names, figs, cells) in enumerate(out):
        if code is not None or not figs:
            continue
        label = clean_name(_joined(names))
        piece = len(label) <= _NAME_PIECE and not _GRAND_TOTAL.match(label)
        if not piece and not all(_STRUCT.search(squash_ascii(c.text)) for c in names):
            continue
        run = [f for f, _ in figs]
        given: list[tuple[int, int]] = []  # (row, figures taken)
        at = 0
        for j in range(k):
            j_code, _n, j_figs, _c = out[j]
            if j_code is None or len(j_figs) > 1 or at >= len(run):
                continue
            if len(j_figs) == 1:
                if abs(run[at] - j_figs[0][0]) > TOLERANCE:
                    continue
                take = 1
            elif at + 2 < len(run) and abs(run[at] - run[at + 1] - run[at + 2]) <= TOLERANCE:
                take = 3
            elif at + 1 < len(run) and abs(run[at] - run[at + 1]) <= TOLERANCE:
                take = 2
            else:
                continue
            given.append((j, take))
            at += take
        if at != len(run) or not given:
            continue
        at = 0
        for j, take in given:
            j_code, j_names, j_figs, j_cells = out[j]
            moved = figs[at : at + take]
            out[j] = (
                j_code,
                j_names,
                [*j_figs, *moved],
                j_cells + [c for _, fc in moved for c in fc],
            )
            at += take
        out[k] = (
            code,
            names,
            [],
            [c for c in cells if all(c is not x for _, fc in figs for x in fc)],
        )
        if piece and (owner := _piece_owner(out[:k], label)) is not None:
            o_code, o_names, o_figs, o_cells = out[owner]
            out[owner] = (o_code, o_names + names, o_figs, o_cells + out[k][3])
            joined.add(k)
    return [p for k, p in enumerate(out) if k not in joined]


def _piece_owner(rows: Sequence[_Parsed], piece: str) -> int | None:
    """The one coded row above whose name the wrapped end `piece` completes into a 科目 name
    (机关事业单位基本养老保险 + 缴费); None when no row or several do."""
    names = subject_names()
    owners = [
        k
        for k, (code, row_names, _, _) in enumerate(rows)
        if code is not None
        and (name := clean_name(_joined(row_names))) not in names
        and name + piece in names
    ]
    return owners[0] if len(owners) == 1 else None


def _total_from_extras(parsed: list[_Parsed]) -> list[_Parsed]:
    """A total | part | part table's 合计 row with a figure missing, given a figure printed
    after the first row below it with more figures than a row holds (more than three, or
    three that do not add up: pdftotext's raw mode prints a figure of the bold 合计 row after
    a later row's, "434.21" "434.21" "24.62"): the first such figure with which the 合计 row
    adds up (its largest figure the sum of the other two)."""
    total = next(
        (
            k
            for k, (code, names, figs, _) in enumerate(parsed)
            if code is None and _GRAND_TOTAL.match(clean_name(_joined(names))) and len(figs) == 2
        ),
        None,
    )
    if total is None:
        return parsed

    def too_many(figs: list) -> bool:  # more than a row of the table holds
        v = [f for f, _ in figs]
        return len(v) > 3 or (len(v) == 3 and abs(v[0] - v[1] - v[2]) > TOLERANCE)

    extra = next((k for k in range(total + 1, len(parsed)) if too_many(parsed[k][2])), None)
    if extra is None:
        return parsed
    code, names, figs, cells = parsed[extra]
    have = [v for v, _ in parsed[total][2]]
    fits = [
        j
        for j in range(2, len(figs))  # a row has its total and at least one part
        if abs((v := sorted([*have, figs[j][0]]))[2] - v[0] - v[1]) <= TOLERANCE
    ]
    if not fits:
        return parsed
    moved = figs[fits[0]]
    out = list(parsed)
    t_code, t_names, t_figs, t_cells = parsed[total]
    out[total] = (t_code, t_names, [*t_figs, moved], t_cells + moved[1])
    gone = {id(c) for c in moved[1]}
    rest = figs[: fits[0]] + figs[fits[0] + 1 :]
    out[extra] = (code, names, rest, [c for c in cells if id(c) not in gone])
    return out


def _header_total(header: Sequence[Cell]) -> int | None:
    """The index of a 合计 row's label printed among the header's cells, a figure after it
    ("总计" "1031.69": pdftotext's raw mode)."""
    return next(
        (
            k
            for k in range(len(header) - 1)
            if _GRAND_TOTAL.match(clean_name(header[k].text))
            and _kind_of(header[k + 1].text) == "dec"
            and parse_figure(header[k + 1].text) is not None
        ),
        None,
    )


def _total_rejoined(
    parsed: list[_Parsed], header: Sequence[Cell], found: int | None
) -> list[_Parsed]:
    """The rows with the 合计 row put together where a text tool printed its label and first
    figure apart from its other figures: a first row of figures only (no name, no code) and
    one 合计 row below it become one row, the 合计 row's own figures first (pdftotext's raw
    mode: "1" "149.65" "16.37" on top, "合计" "166.02" after the page's last row). The 合计
    label and figure may also have been printed among the `header` cells, at `found`
    (`_header_total`)."""
    if not parsed or parsed[0][0] is not None or parsed[0][1] or not parsed[0][2]:
        return parsed
    totals = [
        k
        for k, (code, names, figs, _) in enumerate(parsed)
        if k and code is None and figs and _GRAND_TOTAL.match(clean_name(_joined(names)))
    ]
    _, _, first_figs, first_cells = parsed[0]
    if not totals:
        if found is None:
            return parsed
        label, figure = header[found], header[found + 1]
        figs = [(parse_figure(figure.text), [figure]), *first_figs]
        return [(None, [label], figs, [label, figure, *first_cells]), *parsed[1:]]
    if len(totals) != 1:
        return parsed
    out = list(parsed)
    code, names, figs, cells = parsed[totals[0]]
    out[totals[0]] = (code, names, figs + first_figs, first_cells + cells)
    return out[1:]


def _joined(cells: Sequence[Cell]) -> str:
    return "".join(c.text for c in cells)


def _code_blocks(tokens: Sequence[Cell], breaks: Sequence[int] = ()) -> list[tuple[int, int]]:
    """[start, end) token ranges of a code column printed apart from its rows (pdftotext's
    raw mode prints a page's names and figures first, then its 序号 and codes: "1" "2" "206"
    "3" "20601" …, a wrapped name's last pieces after its code): runs of integers, with text
    only right after a code, holding at least three codes and no figure, within a page (the
    next page may start with a row's code: `breaks` are the token indices that start one)."""
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [_line_text(c.text) for c in tokens]
    starts_page = set(breaks)
    out = []
    k, n = 0, len(tokens)
    while k < n:
        if kinds[k] != "int":
            k += 1
            continue
        j = k
        while j < n and (j == k or j not in starts_page):
            if kinds[j] == "int":
                j += 1
                continue
            # a name's pieces (one to three lines) right after a code, an integer after them
            e = j
            while e < n and e - j < 3 and kinds[e] == "text" and e not in starts_page:
                e += 1
            if (
                e > j
                and j > k
                and _CODE.match(texts[j - 1])
                and len(texts[j - 1]) > 3
                and (e == n or kinds[e] == "int")
            ):
                j = e
                continue
            break
        codes = sum(1 for m in range(k, j) if kinds[m] == "int" and len(texts[m]) >= 3
                    and _CODE.match(texts[m]))  # fmt: skip
        if codes >= 3 and j - k >= 2 * codes - 1:
            out.append((k, j))
        k = j
    return out


def _codes_printed_apart(
    tokens: Sequence[Cell],
    blocks: Sequence[tuple[int, int]],
    has_seq: bool,
    breaks: Sequence[int],
    words: dict[int, int],
    lines: Sequence[int] | None,
) -> list[_Parsed] | None:
    """The rows read without the code `blocks` (`_code_blocks`), each block's codes given in
    order to the rows without a code printed before it (after the block before), a name
    piece in a block ending its code's name; None unless every block has exactly as many
    codes as such rows."""
    drop = {m for a, b in blocks for m in range(a, b)}
    keep = [m for m in range(len(tokens)) if m not in drop]
    index = {old: new for new, old in enumerate(keep)}
    kept = [tokens[m] for m in keep]
    parsed = _line_groups(
        kept,
        has_seq,
        decimals_of(kept),
        sorted({index.get(b, bisect_left(keep, b)) for b in breaks}),
        {index[m]: r for m, r in words.items() if m in index},
        [lines[m] for m in keep] if lines is not None else None,
    )
    position = {id(c): index[m] for m, c in enumerate(tokens) if m in index}
    out = list(parsed)
    done = 0  # rows before this are taken by an earlier block
    for a, b in blocks:
        before = bisect_left(keep, a)  # kept tokens printed before the block
        codes = [(code, tail) for code, _first, tail in _block_codes(tokens, a, b, has_seq)]
        # the rows without a code printed before the block, with names; failing that, the
        # nameless rows of figures too (a row whose name came in the block after its code)
        for nameless in (False, True):
            tried = _nameless_split(out, done) if nameless else out
            rows = [
                k
                for k in range(done, len(tried))
                if tried[k][3] and position[id(tried[k][3][0])] < before
                and tried[k][0] is None and (tried[k][1] or nameless) and tried[k][2]
                and not _GRAND_TOTAL.match(clean_name(_joined(tried[k][1])))
            ]  # fmt: skip
            if len(rows) == len(codes):
                out = tried
                break
        else:
            return None
        for k, (code, tail) in zip(rows, codes, strict=True):
            _, names, figs, cells = out[k]
            out[k] = (code, names + tail, figs, cells + tail)
        done = rows[-1] + 1 if rows else done
    return out


def _two_rows(values: Sequence[float]) -> bool:
    """Whether four figures are two rows of a total and its one part: two equal pairs."""
    return (
        len(values) == 4
        and abs(values[0] - values[1]) <= TOLERANCE
        and abs(values[2] - values[3]) <= TOLERANCE
    )


def _nameless_split(parsed: list[_Parsed], start: int) -> list[_Parsed]:
    """`parsed` with each row from `start` on that holds two rows' figures — four figures, two
    equal pairs: a total and its one part twice, "32.65" "32.65" "16.80" "16.80" — split in
    two, the second row nameless (its name printed elsewhere: in a code block after its
    code)."""
    out = list(parsed[:start])
    for code, names, figs, cells in parsed[start:]:
        v = [f for f, _ in figs]
        if _two_rows(v):
            second = {id(c) for _, fc in figs[2:] for c in fc}
            out.append((code, names, figs[:2], [c for c in cells if id(c) not in second]))
            out.append((None, [], figs[2:], [c for _, fc in figs[2:] for c in fc]))
        else:
            out.append((code, names, figs, cells))
    return out


def _block_codes(
    tokens: Sequence[Cell], a: int, b: int, has_seq: bool
) -> list[tuple[str, int, list[Cell]]]:
    """The codes of the code block tokens[a:b], each with the index of its first token (its
    序号 where one precedes it) and the name pieces printed after it. A code printed in 类 |
    款 | 项 cells comes as "201" "01" "04": a two-digit number after a 类 or 类款 code is
    its next part, unless it is the next 序号 (a 序号 has no leading zero and counts up)."""
    out: list[tuple[str, int, list[Cell]]] = []
    seq: tuple[int, int] | None = None  # the last 序号 seen: (value, token index)
    for m in range(a, b):
        t = _line_text(tokens[m].text)
        kind = _kind_of(t)
        last = out[-1] if out else None
        piece = (
            kind == "int"
            and len(t) == 2
            and last is not None
            and len(last[0]) in (3, 5)
            and not last[2]
            and (t.startswith("0") or not has_seq or seq is None or int(t) != seq[0] + 1)
        )
        if piece and last is not None:  # (`last` is set whenever `piece` is)
            out[-1] = (last[0] + t, last[1], last[2])
        elif kind == "int" and len(t) >= 3 and _CODE.match(t):
            first = seq[1] if seq is not None and seq[1] == m - 1 else m
            out.append((t, first, []))
        elif kind == "int":
            seq = (int(t), m)
        elif kind == "text" and last is not None:
            last[2].append(tokens[m])
    return out


def _own_row_left_out(tokens: Sequence[Cell], a: int, b: int, has_seq: bool) -> tuple[int, int]:
    """The code block tokens[a:b] without its last code when a name and figures follow that
    code: it starts the row printed after the block ("… 4 201 01 01" "行政运行" "58.65"),
    not one of the rows before it."""
    found = _block_codes(tokens, a, b, has_seq)
    if not found or found[-1][2] or b + 1 >= len(tokens):
        return a, b
    name = _line_text(tokens[b].text)
    if _kind_of(name) == "text" and not name[0].isdigit() and _kind_of(tokens[b + 1].text) == "dec":
        return a, found[-1][1]
    return a, b


# A line of column numbers one space apart ("2 3 4 5 1": the rest of a 栏次 row).
_STUB_NUMBERS = re.compile(r"\d{1,2}(?: \d{1,2}){2,}")
# A figure and the next row's code one space apart on one line: "92.99 30207".
_FIGURE_CODE = re.compile(r"(-?[\d,]*\d\.\d+) +(\d{3}(?:\d{2}){0,2})")


def _cells_run_together(row: Row) -> Row:
    """`row` with a cell holding a figure and a 科目 code one space apart split in two (raw
    pdftotext runs a row's last figure into the next row's code when the next row sits a
    little higher: a side-by-side 决算 table's blocks), and a cell of a code and its name one
    space apart (a page's first rows: `_code_cell_parts`); a line of column numbers left
    out."""
    cells: list[Cell] = []
    for c in row.cells:
        if _STUB_NUMBERS.fullmatch(c.text.strip()):
            continue  # column numbers, not a code ("23451") nor figures
        if (m := _FIGURE_CODE.fullmatch(c.text)) is not None:
            cells += _match_parts(c, m)
        else:
            cells += _code_cell_parts(c) or [c]
    return row if cells == list(row.cells) else replace(row, cells=tuple(cells))


# A 款 (and 项) code printed against its name, after the 类 code's cell: "208" "0501行政单位离退休"
# (a 类 | 款 | 项 | 科目名称 table whose narrow code cells a text tool ran together).
_GLUED_CODE = re.compile(r"(\d{2}|\d{4})(?=[^\d.,%\s])")


def _joined_code(row: Row) -> Row:
    """`row` with a 类 code and the 款/项 digits glued to the name that follows it made one
    code cell and one name cell ("208" + "0501行政单位离退休" → "2080501" + "行政单位离退休")."""
    cells = list(row.cells)
    for k in range(len(cells) - 1):
        if (glued := _glued(cells[k].text, cells[k + 1])) is not None:
            cells[k] = replace(cells[k], text=glued[0], end=glued[1].start)
            cells[k + 1] = glued[1]
            return replace(row, cells=tuple(cells))
    return row


def _glued(code: str, name: Cell) -> tuple[str, Cell] | None:
    """A 类 `code` with the 款/项 digits that start `name` ("0501行政单位离退休"): the whole
    code and the name without them; None unless the name starts with such digits."""
    m = _GLUED_CODE.match(name.text)
    if not (re.fullmatch(r"[2-5]\d\d", code) and m and not _CODE.match(name.text)):
        return None
    n = m.end()
    return code + m.group(1), replace(name, text=name.text[n:], start=name.start + n)


def _glued_rows(parsed: list[_Parsed]) -> list[_Parsed]:
    """`_joined_code` over rows read one cell per line: a row whose code is a 类 code and
    whose name starts with the 款/项 digits (raw pdftotext prints "221" and "02住房改革支出"
    on lines of their own, or the 类 codes in a column apart from the rows). A row without a
    code whose name starts with such digits takes the 类 code of the last coded row (the
    code column printed its 类 once: "221" "住房保障支出" … "02住房改革支出" "0201住房公积金")."""
    out = []
    last_class = None
    for code, names, figs, cells in parsed:
        if code is None and names and last_class is not None:
            code = last_class if _glued(last_class, names[0]) is not None else None
        if code is not None and names and (glued := _glued(code, names[0])) is not None:
            code, first = glued
            cells = [first if c is names[0] else c for c in cells]
            names = [first, *names[1:]]
        if code is not None and re.fullmatch(r"[2-5]\d\d(?:\d\d){0,2}", code):
            last_class = code[:3]
        out.append((code, names, figs, cells))
    return out


def _column_order(
    tokens: Sequence[Cell], kind: str, columns: Sequence[Column], scale: float
) -> list[DetailedRow] | None:
    """The rows of a one-figure-column table that a text tool printed column by column
    (pdfminer groups a column's cells into one text box): runs of codes, then runs of as
    many names, then the figures in row order ("201" "20131" … "合计" "一般公共服务支出"
    "党委办公厅…" … "24,458.43" "20,153.75" …; the figures may come first). Each name goes to
    the oldest code still waiting for one, a wrapped name's pieces joined (`_wrapped_pieces`);
    the 合计 label (set letter by letter or not) makes a total row, first or last; a column
    label ("金额"), a header label (科目名称), a note under the table and a page number among
    them are skipped. None unless the codes come in runs (two or more in a row) and
    the reading accounts for every token and passes every sum of the code tree, with at
    least one checked."""
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [_line_text(c.text) for c in tokens]
    is_code = [k == "int" and bool(_CODE.match(t)) for k, t in zip(kinds, texts, strict=True)]
    if not any(a and b for a, b in itertools.pairwise(is_code)):
        return None
    # 合　计 set letter by letter to fill its cell comes as two tokens: "合" "计".
    spaced = {
        k + 1
        for k in range(len(tokens) - 1)
        if kinds[k] == kinds[k + 1] == "text"
        and _GRAND_TOTAL.match(clean_name(texts[k] + texts[k + 1], kind))
        and len(texts[k]) == 1
    }
    texts = [t + texts[k + 1] if k + 1 in spaced else t for k, t in enumerate(texts)]
    kinds = ["skip" if k in spaced else kind_ for k, kind_ in enumerate(kinds)]
    # A wrapped name printed in pieces ("机关事业单位基本养老保险缴费支" + "出"): where there are
    # more names than codes, the pieces that join the name before them.
    names_at = [k for k in range(len(tokens)) if kinds[k] == "text" and _row_name(texts[k], kind)]
    joined = _wrapped_pieces([clean_name(tokens[k].text, kind) for k in names_at], sum(is_code))
    pieces = {names_at[j] for j in joined or ()}
    rows: list[tuple[str | None, list[Cell], list[Cell]]] = []  # code, name cells, all cells
    waiting: deque[int] = deque()  # rows without their name yet (a queue: popleft is O(1))
    total: tuple[list[Cell], list[Cell]] | None = None
    figures: list[tuple[float, Cell]] = []
    named = None  # the row that took the last name
    for k, cell in enumerate(tokens):
        if is_code[k]:
            rows.append((texts[k], [], [cell]))
            waiting.append(len(rows) - 1)
        elif kinds[k] == "skip":
            continue
        elif kinds[k] == "text":
            name = clean_name(texts[k] if k + 1 in spaced else cell.text, kind)
            if _STRUCT.search(squash_ascii(texts[k])):
                continue  # a header's 科目编码 | 科目名称 printed among the columns
            if _GRAND_TOTAL.match(name) and total is None:
                letters = [cell, tokens[k + 1]] if k + 1 in spaced else [cell]
                total = (letters, letters)
            elif k in pieces and named is not None:
                rows[named][1].append(cell)
                rows[named][2].append(cell)
            elif waiting:
                named = waiting.popleft()
                rows[named][1].append(cell)
                rows[named][2].append(cell)
            elif column_key([cell.text], kind) is None and not _is_note(cell.text):
                return None  # a name with no code to go with: not this shape
        elif (value := parse_figure(cell.text)) is not None and "." in texts[k]:
            figures.append((value, cell))
        elif not (kinds[k] == "int" and len(texts[k]) <= 2):
            return None  # a page number or a 栏次 number is skipped; anything else: not this shape
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
                _joined(names) or ("" if code else "合计"),
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


def _is_note(text: str) -> bool:
    """A note printed under a table (注：“科目编码”和“科目名称”为必填项。), not a row's name."""
    t = squash_ascii(text)
    return t.startswith(("注", "：", ":")) or t.endswith("。")


def _figures_among_labels(parsed: Sequence[_Parsed]) -> list[_Parsed]:
    """The rows of a table without codes whose names are all column labels of a “三公” table
    (`three_public_name` knows them, or 小计/合计) and that hold figures between them; empty
    when any row names something else."""
    if any(code is not None for code, *_ in parsed):
        return []
    for _code, names, _figs, _cells in parsed:
        for c in names:
            t = squash_ascii(c.text)
            if not (
                _THREE_PUBLIC_WORD.search(t)
                or _GRAND_TOTAL.match(t)
                or (len(t) <= 3 and any(t in label for label in _THREE_PUBLIC_LABELS))
            ):
                return []
    return [p for p in parsed if p[2]]


# Pieces of a label wrapped in its cell are labels too ("公务用车购" + "置费").
_THREE_PUBLIC_LABELS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
_THREE_PUBLIC_WORD = re.compile(r"三公|小计|出国|境|公务|购置|运行|维护|接待|会议|培训|^[)）费]+$")


# The two columns that add up to the total, left to right, per kind of coded table.
_PARTS = {
    "expense_by_function": ("basic", "project"),
    "basic_expense_by_economic": ("personnel", "public"),
}
# A cap on the alignment search over all readings of one table (`_align_parts`): a table of
# equal figures (a column of 0.00) leaves every placement open.
_ALIGN_STATES = 200_000


def _columns_in_order(
    tokens: Sequence[Cell], kind: str, scale: float
) -> tuple[list[Column], list[DetailedRow]] | None:
    """The rows of a total | part | part table (合计 | 基本支出 | 项目支出) that a text tool
    printed column by column (pdfminer: the 序号 column, the codes, the names, then each
    figure column top to bottom, a column's empty cells left out). The total column has a
    figure on every row; each part column's figures go to the rows, in order, so that every
    row's total is the sum of its parts. The figures may hold the 合计 row first in each
    column, or print it before the others as a row of three. Tried: which of the three runs
    of figures is the total column and where the other two split (the parts keep their
    left-to-right order); a reading is taken only when it places every figure and every sum
    of the code tree passes, with at least one checked. None otherwise."""
    kinds = [_kind_of(c.text) for c in tokens]
    texts = [_line_text(c.text) for c in tokens]
    is_code = [k == "int" and bool(_CODE.match(t)) for k, t in zip(kinds, texts, strict=True)]
    if not any(all(is_code[k : k + 3]) for k in range(len(tokens) - 2)):
        return None  # codes not printed one after another: not a column-by-column text
    codes = [k for k in range(len(tokens)) if is_code[k]]
    names = [k for k in range(len(tokens)) if kinds[k] == "text" and _row_name(texts[k], kind)]
    figures = [
        (value, tokens[k])
        for k in range(len(tokens))
        if kinds[k] == "dec" and "." in texts[k] and (value := parse_figure(texts[k])) is not None
    ]
    n = len(codes)
    if n > 400:  # the placing searches row by row, one call deeper a row
        return None
    labels = _names_for(codes, names, tokens, kind)
    budget = [_ALIGN_STATES]
    keys = ("total", *_PARTS[kind])
    # (figures printed as the 合计 row first, whether each column starts with the 合计 row)
    for head, in_columns in ((0, True), (3, False), (0, False)):
        rows_n = n + 1 if in_columns else n
        rest = figures[head:]
        m = len(rest)
        for where in range(3):  # which run is the total column
            for cut in range(m - rows_n + 1):
                # runs in print order: the parts keep theirs, the total's run sits at `where`
                parts_len = m - rows_n
                if where == 0:
                    total, a, b = rest[:rows_n], rest[rows_n : rows_n + cut], rest[rows_n + cut :]
                elif where == 1:
                    a = rest[:cut]
                    total = rest[cut : cut + rows_n]
                    b = rest[cut + rows_n :]
                else:
                    a, b, total = rest[:cut], rest[cut:parts_len], rest[parts_len:]
                if len(a) + len(b) != parts_len or not total:
                    continue
                placed = _align_parts([v for v, _ in total], [v for v, _ in a],
                                      [v for v, _ in b], budget)  # fmt: skip
                if placed is None:
                    continue
                built = _built_rows(
                    kind, scale, keys, codes, labels, tokens, total, a, b, placed,
                    figures[:head], in_columns,
                )  # fmt: skip
                columns = [Column(k, k, float(i)) for i, k in enumerate(keys)]
                issues, checked = table_issues(kind, built, columns)
                if checked and not issues:
                    return columns, built
    return None


def _row_name(text: str, kind: str) -> bool:
    """Whether a text printed among a column-by-column table's cells names a row: not the
    合计 label nor a header's (科目编码, 栏次, 基本支出 …)."""
    name = clean_name(text, kind)
    return not (
        _GRAND_TOTAL.match(name) or _STRUCT.search(squash_ascii(text)) or _COLUMN_WORD.match(name)
    )


_COLUMN_WORD = re.compile(r"^(?:基本支出|项目支出|人员经费|公用经费|金额|小计|预算数|决算数)$")


def _names_for(
    codes: Sequence[int], names: Sequence[int], tokens: Sequence[Cell], kind: str
) -> list[str]:
    """A name per code, from the names printed in order; a wrapped name's pieces ("机关事业单位
    基本养老保险" + "缴费支出") join where the counts say some did: a piece joins the name before
    it when together they are a known 科目 name (`_wrapped_pieces`). Empty names when the
    counts cannot agree."""
    texts = [clean_name(tokens[k].text, kind) for k in names]
    joined = _wrapped_pieces(texts, len(codes))
    if joined is None:
        return [""] * len(codes)
    out: list[str] = []
    for j, text in enumerate(texts):
        if j in joined:
            out[-1] += text
        else:
            out.append(text)
    return out


def _wrapped_pieces(texts: Sequence[str], want: int) -> set[int] | None:
    """Which of a column's names, printed in order, are pieces that join the name before them
    so that `want` names are left: a piece joins where the two make a known 科目 name
    (ie.lexicon), first such pair first. None when the joins cannot bring the count to
    `want` (none needed when it is already)."""
    from ie.lexicon import subject_names

    known = subject_names()
    groups = [[j] for j in range(len(texts))]  # the pieces of each name, by index
    while len(groups) > want:
        joins = [
            g
            for g in range(1, len(groups))
            if "".join(texts[j] for j in groups[g - 1] + groups[g]) in known
        ]
        if not joins:
            return None
        g = joins[0]
        groups[g - 1 : g + 1] = [groups[g - 1] + groups[g]]
    if len(groups) != want:
        return None
    return {j for group in groups for j in group[1:]}


def _align_parts(
    total: Sequence[float], a: Sequence[float], b: Sequence[float], budget: list[int]
) -> list[tuple[int | None, int | None]] | None:
    """For each total, the index of its figure in part column `a` and in `b` (None: empty
    cell), the parts taken in order and every total their sum; None when no such placing
    uses every part figure (searched depth first, spending `budget[0]` states at most)."""
    seen: set[tuple[int, int, int]] = set()

    def go(r: int, i: int, j: int) -> list[tuple[int | None, int | None]] | None:
        if r == len(total):
            return [] if i == len(a) and j == len(b) else None
        if (r, i, j) in seen or budget[0] <= 0:
            return None
        seen.add((r, i, j))
        budget[0] -= 1
        t = total[r]
        options: list[tuple[int | None, int | None]] = []
        if i < len(a) and j < len(b) and abs(a[i] + b[j] - t) <= TOLERANCE:
            options.append((i, j))
        if i < len(a) and abs(a[i] - t) <= TOLERANCE:
            options.append((i, None))
        if j < len(b) and abs(b[j] - t) <= TOLERANCE:
            options.append((None, j))
        if abs(t) <= TOLERANCE:
            options.append((None, None))
        for x, y in options:
            rest = go(r + 1, i + (x is not None), j + (y is not None))
            if rest is not None:
                return [(x, y), *rest]
        return None

    return go(0, 0, 0)


def _built_rows(
    kind: str,
    scale: float,
    keys: tuple[str, str, str],
    codes: Sequence[int],
    labels: Sequence[str],
    tokens: Sequence[Cell],
    total: Sequence[tuple[float, Cell]],
    a: Sequence[tuple[float, Cell]],
    b: Sequence[tuple[float, Cell]],
    placed: Sequence[tuple[int | None, int | None]],
    head: Sequence[tuple[float, Cell]],
    in_columns: bool,
) -> list[DetailedRow]:
    """DetailedRows of an `_align_parts` placing: the 合计 row first (from the columns or
    from the `head` figures), then a row per code."""
    rows: list[DetailedRow] = []
    for r, (t, (x, y)) in enumerate(zip(total, placed, strict=True)):
        figures = [_source_cell(0, keys[0], t[0] * scale, [t[1]])]
        if x is not None:
            figures.append(_source_cell(1, keys[1], a[x][0] * scale, [a[x][1]]))
        if y is not None:
            figures.append(_source_cell(2, keys[2], b[y][0] * scale, [b[y][1]]))
        k = r - 1 if in_columns else r
        if k < 0:
            rows.append(_row(None, "合计", figures, [t[1]], kind))
            continue
        code = tokens[codes[k]]
        rows.append(_row(_line_text(code.text), labels[k], figures, [code, t[1]], kind))
    if head:
        figures = [
            _source_cell(c, key, v * scale, [fc])
            for c, (key, (v, fc)) in enumerate(zip(keys, head, strict=True))
        ]
        rows.insert(0, _row(None, "合计", figures, [fc for _, fc in head], kind))
    return rows


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
                _joined(names),
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
    # (Most, not all: a table may print one such figure without its separator, "1895.00".)
    commas = len(big) >= 2 and 4 * sum("," in t for t in big) >= 3 * len(big)
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

    def whole_code(k: int) -> bool:
        return kinds[k] == "int" and len(texts[k]) in (3, 5, 7) and bool(_CODE.match(texts[k]))

    def code_run(k: int) -> bool:
        """Two or three codes from token k, then a name: a page's first rows' codes printed
        before their names (not a whole code column printed apart, as pdfminer prints it)."""
        j = k
        while j < n and whole_code(j):
            j += 1
        return 2 <= j - k <= 3 and j < n and kinds[j] == "text"

    def figures_end(k: int) -> bool:
        """Whether only whole figures follow token k to the end of its page."""
        m = k
        while m < n and (m == k or m not in starts_page):
            if kinds[m] == "text" or not complete(texts[m]):
                return False
            m += 1
        return True

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
        # or the 序号 when no figure piece does, else the first piece of a figure; a code
        # before another code where figures print decimals (a page's codes printed before
        # their rows' names: "30103" "30108" "奖金").
        if lead(k) is not None or (decimals and code_run(k)):
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
                # (a table's first token is never a piece of a figure: "1" "149.65" is the
                # first row's 序号 and figure)
                if i + 1 < n and (kinds[i + 1] != "dec" or i == 0):
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
                after = (found[2] or [found[1] or i])[-1] + 1
                glued = after < n and _glued(texts[after - 1], tokens[after]) is not None
                if rows and names and (found[1] is not None or first in starts_page or glued):
                    # A name piece before the next row's 序号, or on top of a page, or before
                    # a 类 code whose own name follows with the 款/项 digits ("保险缴费支出"
                    # | "208" "0506机关…"): the end of the name of the row above.
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
                if commas and (
                    _bare_thousands(joined) or (_grouped(piece, texts[i]) and figures_end(i))
                ):
                    # a short number before a figure it cannot be part of: a page number
                    last = bare_number(piece, decimals)
                    break
                piece = joined
                used.append(tokens[i])
                i += 1
            stray = len(used) > 1 and decimals > 0 and not complete(piece)
            if stray:
                # integers that never reach a figure's decimals are not one figure's pieces,
                # nor a figure ("2" "301" "3" "30101": a code column's 序号 and codes)
                i -= len(used) - 1
                used = used[:1]
            value = None if stray else parse_figure(piece)
            cells.extend(used)
            last = last or i >= n or i in starts_page  # a page number ends a page
            if value is not None and not (last and bare_number(piece, decimals)):
                figs.append((value, used))
        if not cells:  # nothing consumed: take the token as a name so the loop moves on
            names.append(tokens[i])
            cells.append(tokens[i])
            i += 1
        rows.append((code, names, figs, cells))
    # A name piece that ends the row above joins it; so does a last piece of only a name
    # after a coded row's figures (the name wrapped after the table's last figure).
    if len(rows) > 1 and rows[-1][0] is None and rows[-1][1] and not rows[-1][2]:
        if rows[-2][0] is not None and rows[-2][2]:
            tails.add(len(rows) - 1)
    out: list[tuple[str | None, list[Cell], list[tuple[float, list[Cell]]], list[Cell]]] = []
    for k, (code, names, figs, cells) in enumerate(rows):
        if k in tails and out:
            # (not a 合计 row printed after the page's last row: the row above that)
            m = len(out) - 1
            if m and _GRAND_TOTAL.match(clean_name(_joined(out[m][1]))):
                m -= 1
            above = out[m]
            out[m] = (above[0], above[1] + names, above[2], above[3] + cells)
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


def _spaced_letters(texts: Sequence[str]) -> list[str]:
    """Header labels with a label set letter by letter (合　计 spaced to fill its cell: one
    character per line in the text) joined back into one label; a letter left alone (the
    other letters printed among another column's label: "合" "金额" "计") is no label."""
    out: list[tuple[str, bool]] = []  # (label, made of letters)
    for t in texts:
        letter = len(t.strip()) == 1 and not t.strip().isascii()
        if letter and out and out[-1][1]:
            out[-1] = (out[-1][0] + t.strip(), True)
        else:
            out.append((t.strip() if letter else t, letter))
    return [t for t, letters in out if not (letters and len(t) == 1)]


def _grouped(piece: str, after: str) -> bool:
    """A bare integer before a whole figure with thousands separators ("12" + "1,579.38"): a
    wrapped figure's first line is never shorter than its last, so where only figures follow
    to the page's end (figures printed after the page's last row) the integer is the page
    number. (The generator's noise breaks figures anywhere: "10" + "4,700.00" among rows.)"""
    return piece.isdigit() and len(piece) < len(after) and bool(_WHOLE_GROUPED.fullmatch(after))


_WHOLE_GROUPED = re.compile(r"[-−]?\d{1,3}(?:,\d{3})+\.\d+")


def _bare_thousands(figure: str) -> bool:
    """A figure with four or more digits before its point and no thousands separator."""
    whole = figure.lstrip("-−").split(".")[0]
    return "," not in whole and len(whole) >= 4


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
