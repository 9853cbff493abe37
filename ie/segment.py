"""Segment: a `Document` in, `Sections` out — the 说明 prose sections and the table regions.

A disclosure is read as a sequence of `Row`s of `Cell`s, whatever its layout:

- ``tab``   — text with tab-separated cells (PDF-to-text of ruled tables); `Cell.x0` is the
  column index;
- ``space`` — text whose cells are separated by two or more spaces; `x0`/`x1` are display
  columns (a CJK character is two columns wide);
- ``line``  — one cell per line (a flattened table, or plain prose), or a table row that a
  PDF-to-text tool printed with single spaces between its cells ("2013101 行政运行 8,072.29",
  see `_word_cells`), cut into those cells;
- ``pdf``   — rows rebuilt from the character boxes of a PDF (`Document.boxes`): characters on
  one visual line, split into cells at wide horizontal gaps; `x0`/`x1`/`top`/`bottom` are points
  on the upright page (rotated pages are turned upright first).

Table regions are found by their titles (部门预算支出总表, 一般公共预算基本支出表,
“三公”经费支出表…) and confirmed by what follows (单位, header rows, figures), so the 目录
and prose mentions (《…表》, …表情况说明) are not taken as tables. A region runs until the next
table or the next prose; `TableRegion.header`/`body` have the page furniture (repeated
title, department line, 预算年度, 单位, page numbers, repeated header blocks on later pages)
dropped, which stitches a table that is broken across pages back into one. Text written in
the order of a page's drawing commands (pypdfium2) prints titles after their tables: a title
then ends the table rows before it, and the pairing whose tables' 科目 codes agree better
with their titles' kinds is kept.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

from ie.ingest import Box, Document
from ie.lexicon import is_department_name
from ie.text import OCR_LETTERS, OCR_TABLE, cell_memo, display_width, squash_ascii

Layout = Literal["tab", "space", "line", "pdf"]

# --- small text helpers -----------------------------------------------------------------------

# A token that is otherwise all digits and separators, some of them letters OCR reads for digits.
_OCR_CLASS = rf"[-−\d.,，{re.escape(OCR_LETTERS)}]"
_OCR_TOKEN = re.compile(rf"{_OCR_CLASS}*[\d.]{_OCR_CLASS}*")


def digits(text: str, least: int = 2) -> str:
    """`text` squashed (`squash_ascii`), with OCR letter-for-digit confusions fixed when it is
    otherwise a number or code ("2O80５05" → "2080505", "280.S8" → "280.58"); other text only
    squashed."""
    return _digits(text) if least == 2 else _fix_digits(text, least)


@cell_memo
def _digits(text: str) -> str:
    return _fix_digits(text, 2)


def _fix_digits(text: str, least: int) -> str:
    t = squash_ascii(text)
    if _OCR_TOKEN.fullmatch(t) and sum(ch.isdigit() for ch in t) >= least:
        fixed = t.translate(OCR_TABLE).replace("，", ",")
        if sum(not ch.isdigit() for ch in fixed if ch not in ".,-−，") == 0:
            return fixed
    return t


# --- rows and cells ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text as in the source (wrap spaces included) and where it lies.

    `start`/`end` are offsets into `Document.text` (end-exclusive; for a PDF cell, the span from
    its first to its last character in the source text). `x0`/`x1` are horizontal positions in
    the units of the row's layout (see the module docstring)."""

    text: str
    start: int
    end: int
    x0: float
    x1: float
    page: int
    top: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table or of prose: its non-empty cells, left to right."""

    cells: tuple[Cell, ...]
    page: int
    layout: Layout
    top: float
    bottom: float

    @property
    def start(self) -> int:
        return min(c.start for c in self.cells)

    @property
    def end(self) -> int:
        return max(c.end for c in self.cells)

    @property
    def text(self) -> str:
        """The cells' texts joined with one space."""
        return " ".join(c.text for c in self.cells)

    @property
    def key(self) -> str:
        """The row's text, NFKC-folded and without whitespace, for matching."""
        return squash_ascii(unicodedata.normalize("NFKC", "".join(c.text for c in self.cells)))


def document_rows(doc: Document, width: Callable[[str], int] | None = None) -> list[Row]:
    """All non-empty rows of `doc` in reading order: from the character boxes for a PDF (page
    by page, top to bottom), else from `doc.lines`, the columns of layout text counted by
    `width` (default: as `grid_width` finds the text counts them)."""
    if doc.boxes is not None and any(b is not None for b in doc.boxes):
        rows: list[Row] = []
        for page in doc.pages:
            rows.extend(_pdf_page_rows(doc, page.start, page.end, page.number))
        return rows
    # A text row's `top` is its line number, so that "the nearest row" means the nearest line.
    width = width or grid_width(doc)
    rows = [
        row
        for n, line in enumerate(doc.lines)
        if (row := text_row(line.text, line.start, line.page_number, float(n), width))
    ]
    # A coded line with no figure ("201 一般公共服务支出") or with no name ("2080505 580.01")
    # is a row of single-space cells when a row near it is one (four lines either side: a
    # wrapped row before it may take three, "2080504 …离退" "休" "41.07").
    for k, row in enumerate(rows):
        near = [rows[j] for j in range(k - 4, k + 5) if j != k and 0 <= j < len(rows)]
        if row.layout == "line" and len(row.cells) == 1 and any(_words(r) for r in near):
            cell = row.cells[0]
            text = doc.text[cell.start : cell.end]
            if cells := _word_cells(text, cell.start, row.page, coded_ok=True):
                rows[k] = replace(row, cells=cells)
    return rows


def _words(row: Row) -> bool:
    """A row of single-space cells (`_word_cells`)."""
    return row.layout == "line" and len(row.cells) > 1


_SPACE_GAP = re.compile(r"(?: {2,}|\u3000+| *\t+ *)")


# a code, one space, then a name (a letter: CJK too) or the 款/项 digits run into one
_CODE_BEFORE_NAME = re.compile(r"(\d{3}(?:\d{2}){0,2}) (?=[^\W\d_]|\d{2}(?:\d{2})?[^\W\d_])")
_LAYOUT_FIGURE = re.compile(r"(?<![\d.,])[-−]?\d[\d,]*\.\d+(?![\d.])")


_FIGURE_WORD = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+")
_UNIT_WORD = re.compile(r"^(?:万元|元|亿元|千元|%|％)")


def _figure_text_cuts(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """`text[a:b]` (words one space apart) cut where a figure with decimals meets a word that
    is not one: pdfplumber's layout mode runs a figure into the next column's label by one
    space ("9,569,772.00 一、公共安全支出 7,986,412.00"). Not before a unit ("686.71 万元")."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[a:b])]
    if len(words) < 2:
        return [(a, b)]
    texts = [text[a + x : a + y] for x, y in words]
    figure = [bool(_FIGURE_WORD.fullmatch(t)) for t in texts]
    out = [[a + words[0][0], a + words[0][1]]]
    for k in range(1, len(words)):
        before, word = texts[k - 1], texts[k]
        # the other side a word: not digits (a figure broken by a space, "5 64.68"), not a unit
        after_figure = figure[k - 1] and not figure[k] and not _UNIT_WORD.match(word)
        before_figure = figure[k] and not figure[k - 1]
        # a whole figure, then the next block's 科目 code ("708.35 302 商品和服务支出")
        code_after = (
            figure[k - 1]
            and re.search(r"\.\d\d$", before) is not None
            and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", word) is not None
        )
        if (
            (after_figure and not _NUMERIC_EDGE.match(word[0]))
            or (before_figure and not _NUMERIC_EDGE.match(before[-1]))
            or code_after
        ):
            out.append([a + words[k][0], a + words[k][1]])
        else:
            out[-1][1] = a + words[k][1]
    return [(x, y) for x, y in out]


_NUMERIC_EDGE = re.compile(r"[\d.,，．０-９\-−]")


def grid_width(doc: Document) -> Callable[[str], int]:
    """`_grid_width` of the lines of `doc`."""
    return _grid_width(line.text for line in doc.lines)


def _grid_width(lines: Iterable[str]) -> Callable[[str], int]:
    """How a layout text counts its columns: `display_width` (pdftotext -layout pads a CJK
    character to two columns) or one a character (pdfplumber's layout mode puts each
    character at its x position as one column, so a figure stands at its column however many
    CJK characters come before it on the line; pdftotext -layout does the same). Per
    measure, how many figures end where a figure ends on the figure line before them:
    characters when they line up at least twice as many (the tools' text: three to five
    times, 22 Jiangsu PDFs through pdftotext -layout), else display columns (text padded
    for a monospaced screen)."""
    aligned = {"display": 0, "chars": 0}
    before: dict[str, set[int]] = {"display": set(), "chars": set()}
    for line in lines:
        if "  " not in line:
            continue
        ends = {"display": set(), "chars": set()}
        shown = done = 0  # display columns of line[:done], counted on as figures are met
        for m in _LAYOUT_FIGURE.finditer(line):
            shown += display_width(line[done : m.end()])
            done = m.end()
            ends["chars"].add(done)
            ends["display"].add(shown)
        if not ends["chars"]:
            continue
        for key in aligned:
            aligned[key] += len(ends[key] & before[key])
        before = ends
    chars = aligned["chars"] >= max(20, 2 * aligned["display"])
    return len if chars else display_width


def text_row(
    line: str,
    start: int,
    page: int = 1,
    index: float = 0.0,
    width: Callable[[str], int] = display_width,
) -> Row | None:
    """Split one text line (offset `start` in the source) into a Row, or None if blank.

    Tabs make a ``tab`` row (x0 = column index, empty cells skipped but counted); two or more
    spaces make a ``space`` row (x = columns as `width` counts them: `_grid_width`);
    otherwise the line is one ``line`` cell."""
    if not line.strip():
        return None
    cells: list[Cell] = []
    if "\t" in line:
        pos = start
        for col, part in enumerate(line.split("\t")):
            if part.strip():
                lead = len(part) - len(part.lstrip())
                text = part.strip()
                cells.append(Cell(text, pos + lead, pos + lead + len(text), col, col + 1, page))
            pos += len(part) + 1
        return Row(tuple(cells), page, "tab", index, index)
    if re.search(r"\S(?: {2,}|\u3000+)\S", line):
        spaced = line.replace("\u3000", "  ")
        for m in re.finditer(r"\S+(?: \S+)*", spaced):
            a, b = m.span()
            if code := _CODE_BEFORE_NAME.match(m.group()):
                # a code one space before its name (a layout text that ran the code column
                # into the name column): two cells
                cut = a + code.end(1)
                x0 = width(line[:a])
                cells.append(Cell(code.group(1), start + a, start + cut, x0, x0 + cut - a, page))
                a = cut + 1
            for lo, hi in _figure_text_cuts(spaced, a, b):
                text = spaced[lo:hi]
                x0 = width(line[:lo])
                # a cell is as wide as its glyphs whichever way its start is counted
                x1 = x0 + display_width(text)
                cells.append(Cell(text, start + lo, start + hi, x0, x1, page))
        return Row(tuple(cells), page, "space", index, index)
    words = _word_cells(line, start, page)
    if words is not None:
        return Row(words, page, "line", index, index)
    lead = len(line) - len(line.lstrip())
    text = line.strip()
    # A lone cell keeps its indent as its position: in layout text ("pdftotext -layout") a
    # figure or label alone on its line stands under its column.
    x0 = width(line[:lead].replace("\t", " "))
    cell = Cell(text, start + lead, start + lead + len(text), x0, x0 + display_width(text), page)
    return Row((cell,), page, "line", index, index)


# A figure as printed in a table cell: decimals or thousands separators ("8,072.29", "46.00").
_WORD_FIGURE = re.compile(r"[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+|[-−]?\d{1,3}(?:,\d{3})+")
_WORD_CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_WORD_UNIT = re.compile(r"^(?:万元|元|亿元|千元|%|％|个|人|辆|台|次)$")


def _word_cells(
    line: str, start: int, page: int, coded_ok: bool = False
) -> tuple[Cell, ...] | None:
    """The cells of a table row that a PDF-to-text tool printed with single spaces between
    them ("2013101 行政运行 8,072.29", "科目编码 科目名称 金额"), or None when the line is
    not one. A row has a figure, or is a header (header vocabulary, no digits), or, with
    `coded_ok` (a row near it is such a row), a 科目 code before a name or a figure (alone,
    "201 中共…办公室" is a department line and "116 5.37" a broken figure); prose has
    sentence punctuation or a unit after a figure ("收入 686.71 万元"). A one-character CJK
    word joins the one next to it (a label spaced out: "合 计", "金 额"; not 类 款 项, which
    are column labels)."""
    text = line.strip()
    if " " not in text or "  " in text or re.search(r"[。，；！？]", text):
        return None
    parts = text.split(" ")
    if MONEY.match(digits(text)) and not (
        coded_ok
        and _WORD_CODE.fullmatch(parts[0])
        and all(_WORD_FIGURE.fullmatch(p) for p in parts[1:])
    ):
        # One figure or code with a stray space in it ("0.0 0", "116 5.37", "2013 1"); among
        # rows of cells, a code and a figure ("2080505 580.01").
        return None
    # [start, end, lone] of each word in the source, lone CJK characters joined.
    spans: list[list] = []
    pos = start + len(line) - len(line.lstrip())
    for p in text.split(" "):
        lone = len(p) == 1 and unicodedata.east_asian_width(p) in "WF" and p not in "类款项"
        if spans and lone and spans[-1][2]:
            spans[-1][1] = pos + len(p)
        else:
            spans.append([pos, pos + len(p), lone])
        pos += len(p) + 1
    words = [line[a - start : b - start] for a, b, _ in spans]
    if len(words) < 2:
        return None
    figures = [bool(_WORD_FIGURE.fullmatch(w)) for w in words]
    if any(f and _WORD_UNIT.match(w) for f, w in zip(figures, words[1:], strict=False)):
        return None
    # [序号] code, then a name or the 款/项 digits glued to one ("208 0501行政单位离退休")
    lead = int(
        len(words) >= 3
        and bool(re.fullmatch(r"\d{1,3}", words[0]))
        and bool(_WORD_CODE.fullmatch(words[1]))
    )
    after = words[lead + 1]
    named = not after[0].isdigit() or bool(re.match(r"\d{2}(?:\d{2})?[^\d.,%]", after))
    coded = coded_ok and bool(_WORD_CODE.fullmatch(words[lead])) and named
    # A header: every word header vocabulary, or most of three or more (合计 基本支出 项目支出
    # 单位预留机动经费); two words of which one is not ("项目 支出") are one wrapped label.
    heads = sum(bool(_HEADER_WORDS.search(squash_ascii(w))) for w in words)
    header = not any(ch.isdigit() for ch in text) and (
        heads == len(words) or (len(words) >= 3 and 2 * heads >= len(words))
    )
    if not (any(figures) or coded or header):
        return None
    cells = []
    for (a, b, _), word in zip(spans, words, strict=True):
        x0 = display_width(line[: a - start])
        cells.append(Cell(word, a, b, x0, x0 + display_width(word), page))
    return tuple(cells)


# --- PDF rows from character boxes ------------------------------------------------------------


class _Char(NamedTuple):
    """One character's box, upright; `cy` and `h` are its vertical centre and height, computed
    once (rows read them millions of times on a long document)."""

    index: int
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    cy: float
    h: float


def _char(index: int, ch: str, x0: float, x1: float, top: float, bottom: float) -> _Char:
    return _Char(index, ch, x0, x1, top, bottom, (top + bottom) / 2, bottom - top)


def _median(ordered: Sequence[float]) -> float:
    """`statistics.median` of values already sorted (the same figure, without the sort)."""
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _upright(chars: list[tuple[int, str, Box]]) -> list[_Char]:
    """Turn a page's character boxes upright. Pages with /Rotate 90 or 270 keep their boxes in
    unrotated coordinates, so their text runs vertically; detect that from how consecutive
    characters advance and rotate the boxes so that text runs left to right."""
    votes = {"h": 0, "down": 0, "up": 0}
    for (i, _, a), (j, _, b) in itertools.pairwise(chars):
        if j != i + 1:
            continue
        dx = (b.x0 + b.x1 - a.x0 - a.x1) / 2
        dy = (b.top + b.bottom - a.top - a.bottom) / 2
        if abs(dx) >= abs(dy):
            votes["h"] += 1
        else:
            votes["down" if dy > 0 else "up"] += 1
    way = max(votes, key=lambda k: votes[k])
    out = []
    for i, ch, b in chars:
        if way == "up":  # /Rotate 90: upright x runs against the page's y
            c = _char(i, ch, -b.bottom, -b.top, b.x0, b.x1)
        elif way == "down":  # /Rotate 270
            c = _char(i, ch, b.top, b.bottom, -b.x1, -b.x0)
        else:
            c = _char(i, ch, b.x0, b.x1, b.top, b.bottom)
        width = c.x1 - c.x0
        if c.h < 0.2 * width:
            # Glyphs of a font that is not embedded get a flat box on the baseline; give them
            # the height of a CJK glyph of that width so that they line up with digits.
            c = _char(i, ch, c.x0, c.x1, c.bottom - 0.88 * width, c.bottom + 0.12 * width)
        out.append(c)
    return out


def _pdf_page_rows(doc: Document, start: int, end: int, page: int) -> list[Row]:
    assert doc.boxes is not None
    raw = [
        (i, doc.text[i], box)
        for i in range(start, end)
        if (box := doc.boxes[i]) is not None and not doc.text[i].isspace()
    ]
    if not raw:
        return []
    chars = _upright(raw)
    size = statistics.median(c.h for c in chars if c.h > 0) if chars else 10.0
    # Runs: characters that follow each other in the source and sit side by side. A run's
    # vertical centre is the median of its characters', so small punctuation (. , 、) whose
    # boxes hang low does not pull it onto another line.
    runs: list[list[_Char]] = [[chars[0]]]
    half = size * 0.5
    for p, c in itertools.pairwise(chars):  # (max() and the like inlined: a step per char)
        tall = p.h if p.h > c.h else c.h
        if tall < half:
            tall = half
        if (
            c.index <= p.index + 2
            and abs(c.cy - p.cy) < 0.6 * tall
            and -0.5 * tall < c.x0 - p.x1 < 0.6 * tall
        ):
            runs[-1].append(c)
        else:
            runs.append([c])
    centres = [run[0].cy if len(run) == 1 else _median(sorted(c.cy for c in run)) for run in runs]
    placed = sorted(range(len(runs)), key=centres.__getitem__)
    lines: list[list[list[_Char]]] = []
    line_cys: list[float] = []  # the last line's characters' centres, kept sorted
    for k in placed:
        run, cy = runs[k], centres[k]
        h = max(run[0].h if len(run) == 1 else _median(sorted(c.h for c in run)), half)
        if lines and abs(cy - _median(line_cys)) < 0.45 * max(h, size):
            lines[-1].append(run)
            for c in run:
                insort(line_cys, c.cy)
            continue
        lines.append([run])
        line_cys = sorted(c.cy for c in run)
    rows = []
    for line in lines:
        ordered = sorted((c for run in line for c in run), key=lambda c: (c.x0, c.index))
        em = _line_em(ordered, size)
        cells = _split_cells(ordered, em, doc.text)
        out = tuple(_pdf_cell(cs, page, em, doc.text) for cs in _join_split_figures(cells, size))
        rows.append(Row(out, page, "pdf", min(c.top for c in out), max(c.bottom for c in out)))
    return rows


# Full-width punctuation has a box only as wide as its ink, which sits at one side of its em
# square (which side depends on the font). Measured by ink, "字（2012）82号" shows gaps as wide
# as a cell gap, so these boxes are widened towards the characters they are set against.
_PUNCT = frozenset("（〔【《「『“‘〈［｛〖）〕】》」』”’〉］｝〗，。、：；！？")
# The cell gap, as a share of the letter height of the cell it follows: a space inside a cell
# (a word space, a space OCR or typing left) is a quarter to half of it.
_CELL_GAP = 0.6
# Characters next to each other in the source with no space between: pdfium saw no gap there,
# so only a very wide gap splits them.
_JOINED_GAP_EM = 1.5


def _line_em(chars: Sequence[_Char], size: float) -> float:
    """The font size of a visual line, estimated from its letters' box heights (the ink of a
    CJK ideograph is about as tall as the font size, a digit's or a Latin letter's about 4/5)."""
    heights = [
        c.h if unicodedata.east_asian_width(c.ch) in "WF" else c.h * 1.2
        for c in chars
        if c.ch.isalnum() and c.h > 0
    ]
    return statistics.median(heights) if heights else size


def _em_boxes(chars: Sequence[_Char], em: float) -> list[tuple[float, float]]:
    """(x0, x1) of each of a line's characters; a narrow full-width punctuation mark's box is
    widened to an em from the character it directly follows or precedes in the source."""
    at = {c.index: c for c in chars}
    out = []
    for c in chars:
        x0, x1 = c.x0, c.x1
        if c.ch in _PUNCT and x1 - x0 < 0.75 * em:
            prev, nxt = at.get(c.index - 1), at.get(c.index + 1)
            if nxt is not None and nxt.x0 >= x1:
                x0 = min(x0, nxt.x0 - em)
            if prev is not None and prev.x1 <= x0 + em:
                x1 = max(x1, prev.x1 + em)
        out.append((x0, x1))
    return out


def _spaced(a: _Char, b: _Char, text: str) -> bool | None:
    """Whether the source has a space between `a` and `b` when they follow each other there
    (True/False), or None when they do not (another text object, a wrapped line)."""
    lo, hi = (a.index, b.index) if a.index < b.index else (b.index, a.index)
    if hi - lo == 1:  # neighbours in the source (most pairs): nothing between
        return False
    if hi - lo > 3:
        return None
    between = text[lo + 1 : hi]
    if "\n" in between or "\f" in between:
        return None
    return any(ch.isspace() for ch in between)


def _split_cells(chars: Sequence[_Char], em: float, text: str) -> list[list[_Char]]:
    """The characters of one visual line (sorted by x0) cut into cells at wide gaps.

    A gap is measured from the em square of full-width punctuation, not its ink. It splits when
    it is wider than `_CELL_GAP` of the cell's letter height (tables often leave only a few
    points between a right-aligned figure and the next column), or, between characters that
    follow each other in the source with no space between, wider than `_JOINED_GAP_EM` ems."""
    cells: list[list[_Char]] = []
    right = -float("inf")  # the right edge so far: boxes of overlapping glyphs may interleave
    # The current cell's letter heights (and all its heights), kept sorted for their median.
    letters: list[float] = []
    heights: list[float] = []
    for c, (x0, x1) in zip(chars, _em_boxes(chars, em), strict=True):
        if cells:
            cell = cells[-1]
            if _spaced(cell[-1], c, text) is False:
                limit = _JOINED_GAP_EM * em
            else:
                limit = _CELL_GAP * max(_median(letters or heights), 0.5 * em)
            if x0 - right <= limit:
                cell.append(c)
                right = max(right, x1)
                insort(heights, c.h)
                if c.ch.isalnum():
                    insort(letters, c.h)
                continue
        cells.append([c])
        right = x1
        heights = [c.h]
        letters = [c.h] if c.ch.isalnum() else []
    return cells


def _join_split_figures(cells: list[list[_Char]], size: float) -> list[list[_Char]]:
    """Rejoin a figure that letter-spacing split into two cells ("10,403." + "11"): a cell that
    ends in a separator cannot end a figure, so it continues into the next digits."""
    out: list[list[_Char]] = []
    for cs in cells:
        if out:
            prev = digits("".join(c.ch for c in sorted(out[-1], key=lambda c: c.x0)), 0)
            nxt = digits("".join(c.ch for c in sorted(cs, key=lambda c: c.x0)), 0)
            gap = min(c.x0 for c in cs) - max(c.x1 for c in out[-1])
            # A figure cut at its decimal point ("1172" + ".33") or after its first digits
            # by a stray space ("6" + "834.69") is rejoined too.
            cut = re.fullmatch(r"[-\d,.]*\d[.,]", prev) and nxt[:1].isdigit()
            point = re.fullmatch(r"-?[\d,]*\d", prev) and re.match(r"[.,]\d", nxt)
            if (cut or point) and gap < 3 * size:
                out[-1] = out[-1] + cs
                continue
        out.append(cs)
    return out


def _pdf_cell(chars: list[_Char], page: int, em: float, text: str) -> Cell:
    """A Cell from its characters: their text left to right, with a space where the source has
    one between neighbours (or, for neighbours from different places in the source, where
    they stand a visible gap apart)."""
    chars = sorted(chars, key=lambda c: (c.x0, c.index))
    parts = []
    for k, c in enumerate(chars):
        if k:
            spaced = _spaced(chars[k - 1], c, text)
            if spaced is None:
                spaced = c.x0 - chars[k - 1].x1 > 0.25 * em
            if spaced:
                parts.append(" ")
        parts.append(c.ch)
    return Cell(
        "".join(parts),
        min(c.index for c in chars),
        max(c.index for c in chars) + 1,
        min(c.x0 for c in chars),
        max(c.x1 for c in chars),
        page,
        min(c.top for c in chars),
        max(c.bottom for c in chars),
    )


# --- table titles -----------------------------------------------------------------------------

_ENUM_PREFIX = re.compile(
    r"^(?:公开\d*表[一二三四五六七八九十\d]*[:：]?|表[一二三四五六七八九十\d]+[:：]?"
    r"|[一二三四五六七八九十]+[、.．]|\d+[、.．](?!\d)|[（(][一二三四五六七八九十\d]+[)）])"
)
_TITLE_END = re.compile(r"(?:表|政府采购预算|政府采购预算明细)(?:[（(][^）)]{1,10}[)）])?$")
_NOT_TITLE = re.compile(r"说明|《|》|。|，|；|见下表|如下|\.{3}|…|绩效|目标|第.部分|附表|^\d+$")

# Title keywords → kind, first match wins (gov-fund tables also say 支出, basic tables 支出…).
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"三公", "three_public"),
    (r"政府性?基金", "gov_fund_expense"),
    (r"国有资本经营", "state_capital_expense"),
    (r"政府采购", "procurement"),
    (r"固定资产|资产占用|资产情况", "fixed_assets"),
    (r"机关运行经费|项目支出|上年结转", "other"),
    (r"收支|收入支出", "income_expense_summary"),
    (r"收入", "income_summary"),
    (r"基本支出", "basic_expense_by_economic"),
    (r"支出", "expense_by_function"),
)


def title_kind(text: str) -> tuple[str, str] | None:
    """(kind, title) when `text` is a money-table title, else None.

    The title loses its enumerator (一、, 公开表三, 公开 05 表：) and whitespace. Prose that merely
    names a table (《…表》, …表情况说明), 目录 entries with dot leaders, and indicator tables
    (绩效目标表) are not titles."""
    key = squash_ascii(text)
    if not 3 < len(key) <= 56 or _NOT_TITLE.search(key):
        return None
    # 目录 entries end in a page number after the title.
    key = re.sub(r"[.·…]*\d{1,3}$", "", key) if re.search(r"表[.·…]+\d{1,3}$", key) else key
    # A page number printed just before the title ("9一、收支预算总表") goes with the enumerator.
    title = _ENUM_PREFIX.sub("", re.sub(r"^\d{1,3}(?=[一二三四五六七八九十]+、)", "", key))
    # An enumerator whose 、 wrapped away: 十一 + 一般公共预算…
    title = re.sub(r"^[一二三四五六七八九十]+(?=一般公共预算|部门|财政拨款|政府)", "", title)
    if not _TITLE_END.search(title) or ("预算表" == title[-3:] and len(title) <= 5):
        return None
    for pattern, kind in _KIND_RULES:
        if re.search(pattern, title):
            return kind, title
    return None


# --- row roles --------------------------------------------------------------------------------

MONEY = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$")
_DECIMAL = re.compile(r"\d\.\d")
_UNIT = re.compile(r"(?:金额)?单位[:：]?\s*(万元|千元|亿元|元)")
_FURNITURE = re.compile(
    r"^(?:(?:部门|单位|预算单位|编制单位|填报单位|部门名称|单位名称)[:：]"
    r"|(?:金额)?单位[:：]|预算年度|截止时间|截至|\d{4}年?度?$|[-—–―]+\d+[-—–―]+$|第\d+页$"
    r"|第\d+页共\d+页|(?:公开\d*)?表[一二三四五六七八九十\d]*$|续表)"
)
_EMPTY_DECL = re.compile(
    r"空表|此表为空|本表为空|无数据|[（(]无[^）)]{0,24}[)）]|本部门无|没有.{0,12}(?:收入|支出|预算)"
)
_HEADER_WORDS = re.compile(
    r"序号|科目|编码|名称|项目|合计|金额|小计|总计|栏次|档次|预算数|基本支出|项目支出|人员经费|公用经费|"
    r"功能分类|经济分类|资金性质|数量|价值|采购|类|款|项"
)
_PROSE = re.compile(r"[，。；！？]")
_PART_HEAD = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION_HEAD = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")


def is_prose(row: Row) -> bool:
    """A sentence rather than a table line: long text with sentence punctuation, or a 说明
    heading."""
    key = row.key
    if len(row.cells) > 2 and row.layout != "line":
        return False
    sentence = len(key) >= 12 and key.endswith("。") and not key.startswith("注")
    return (
        sentence
        or (len(key) >= 28 and bool(_PROSE.search(key)))
        or (
            "说明" in key
            and len(key) <= 40
            and not MONEY.match(row.cells[-1].text.replace(" ", ""))
        )
    )


def is_furniture(row: Row) -> bool:
    """Page furniture: department line, 预算年度, 单位, page numbers, 公开表 tags. A bare
    number alone on a line is a page number except in one-cell-per-line text, where it may be
    a 科目 code."""
    key = row.key
    if len(row.cells) == 1 and row.layout != "line" and key.isdigit() and len(key) <= 3:
        return True
    return bool(_FURNITURE.match(key))


def is_department_line(row: Row) -> bool:
    """A department's code and name over a table ("797 某县司法局"), printed as two cells of
    a row: not a 科目 row, whose name is a subject's ("204 公共安全支出")."""
    if len(row.cells) != 2 or has_money(row):
        return False
    code, name = row.cells
    return bool(re.fullmatch(r"\d{3,9}", code.text.strip())) and is_department_name(name.text)


def is_stub_row(row: Row) -> bool:
    """A 栏次 row (栏次 1 2 3 …) that numbers the columns under the header."""
    key = row.key
    if re.match(r"^(?:栏次|档次|栏号|行次)", key):
        return True
    nums = [c.text for c in row.cells]
    if len(nums) == 1:  # "1 2 3 4 5" as one cell: a text tool's line read as one figure
        nums = nums[0].split()
    return len(nums) >= 3 and nums == [str(i) for i in range(1, len(nums) + 1)]


def has_money(row: Row) -> bool:
    """Whether any cell holds a figure with decimals or thousands separators (also where a
    layout text ran figures together with single spaces: "215.64 193.70 21.94")."""
    for c in row.cells:
        t = digits(c.text)
        if MONEY.match(t) and ("." in t or "," in t):
            return True
        if " " in c.text.strip() and all(MONEY.match(p) and "." in p for p in c.text.split()):
            return True
    return False


def is_header_row(row: Row) -> bool:
    """A header line: header vocabulary and no figures."""
    if has_money(row) or is_stub_row(row):
        return is_stub_row(row)
    words = sum(1 for c in row.cells if _HEADER_WORDS.search(squash_ascii(c.text)))
    return words >= max(1, len(row.cells) // 2)


# --- sections ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRegion:
    """One table: its kind (SCHEMA TableKind), title, unit, source span, pages, and rows with
    page furniture dropped (header rows first, as printed once)."""

    kind: str
    title: str
    unit: str
    start: int
    end: int
    pages: tuple[int, ...]
    empty: bool
    title_start: int
    header: tuple[Row, ...] = field(repr=False)
    body: tuple[Row, ...] = field(repr=False)
    notes: tuple[Row, ...] = field(default=(), repr=False)
    # Indices into `body` of the first row after a dropped repeated header (a page break).
    breaks: tuple[int, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class ProseSection:
    """A 说明 section: its heading (or "" before the first heading) and source span."""

    title: str
    start: int
    end: int
    pages: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Sections:
    """What `segment` found: table regions and prose sections in document order, and the span
    of the 目录 (table of contents) when there is one."""

    tables: tuple[TableRegion, ...]
    prose: tuple[ProseSection, ...]
    toc: tuple[int, int] | None = None

    def of_kind(self, *kinds: str) -> list[TableRegion]:
        return [t for t in self.tables if t.kind in kinds]


def segment(doc: Document, rows: Sequence[Row] | None = None) -> Sections:
    """Find the table regions and prose sections of `doc` (rows from `document_rows` unless
    given).

    A table's title usually comes before its rows; text that a PDF-to-text tool wrote in the
    order of the page's drawing commands (pypdfium2) puts it after them. Where figure rows
    come before the first title, both pairings are built, and titles after their rows win
    only when more tables' 科目 codes agree with their titles that way (`_pairing_score`),
    and more agree than disagree."""
    rows = list(rows if rows is not None else document_rows(doc))
    rows = [r for k, r in enumerate(rows) if not _page_number(rows, k)]
    titles = [(i, t) for i in range(len(rows)) if (t := _title_at(rows, i))]
    toc_rows = _toc_rows(rows, titles)
    best: tuple[int, list[TableRegion], set[int]] | None = None
    for after in (False, True):
        starts = _starts(rows, titles, toc_rows, after)
        tables = _regions(rows, starts, toc_rows - {i for i, _ in starts}, after)
        score = _pairing_score(tables)
        # Titles after their rows win on evidence: more codes that agree with their titles
        # than disagree (text printed in column blocks, pdfminer's, moves codes between
        # neighbouring tables, so both pairings can disagree; then titles come first).
        if best is None or (score > best[0] and score > 0):
            best = (score, tables, toc_rows - {i for i, _ in starts})
        if not after and not _title_after_possible(rows, starts, toc_rows):
            break
    assert best is not None
    _, tables, toc_left = best
    toc = (rows[min(toc_left)].start, rows[max(toc_left)].end) if toc_left else None
    return Sections(tuple(tables), tuple(_prose(doc, rows, tables, toc)), toc)


def _starts(
    rows: list[Row], titles: list[tuple[int, tuple[str, str]]], toc_rows: set[int], after: bool
) -> list[tuple[int, tuple[str, str]]]:
    """The title rows that head a table: confirmed by what follows them (or, with `after`,
    by what precedes them), not a 目录 entry, and not the same title repeated on the next
    page of a table (one table, stitched)."""
    starts: list[tuple[int, tuple[str, str]]] = []
    order = reversed(titles) if after else iter(titles)
    for i, t in order:
        ok = _confirmed_after(rows, i, toc_rows) if after else _confirmed(rows, i)
        if not ok or (i in toc_rows and (after or _dot_leader(rows[i]))):
            continue
        if starts and starts[-1][1] == t:
            lo, hi = sorted((starts[-1][0], i))
            if _only_table_rows(rows[lo + 1 : hi]):
                if after:  # the earlier of the two heads the rows before both
                    starts[-1] = (i, t)
                continue
        starts.append((i, t))
    return starts[::-1] if after else starts


def _regions(
    rows: list[Row], starts: list[tuple[int, tuple[str, str]]], toc_rows: set[int], after: bool
) -> list[TableRegion]:
    """The table region of each start: the rows up to the next title, or, with `after`, the
    table rows between the previous title (or the prose or 目录 before them) and this one."""
    tables = []
    leads = [
        None if after else _codes_before_title(rows, i, starts[n - 1][0] if n else -1)
        for n, (i, _) in enumerate(starts)
    ]
    for n, (i, (kind, title)) in enumerate(starts):
        tail = None
        if not after and n + 1 < len(starts) and kind == "income_expense_summary":
            tail = _figures_after_title(rows, starts[n + 1][0])
        if after:
            lo = starts[n - 1][0] + 1 if n else 0
            first = i
            while first > lo and not _ends_table_run(rows[first - 1], first - 1, toc_rows):
                first -= 1
            region = _region(rows, i, i, kind, title, first)
        else:
            stop = len(rows)
            if n + 1 < len(starts):
                stop = leads[n + 1] if leads[n + 1] is not None else starts[n + 1][0]
            region = _region(rows, i, stop, kind, title, lead=leads[n], tail=tail)
        if region is not None:
            tables.append(region)
    return tables


def _figures_after_title(rows: list[Row], i: int) -> range | None:
    """The lone figures printed just after the title at row i and before anything else of its
    table, when there are a few (at most `_STRAYS`): pdfminer can print the last column of a
    收支总表 as a box of its own after the next table's title ("总计" "收入决算表" "4,028.10"
    "0.00" "96.66" "4,124.76" "编制单位：…"). None when there are none."""
    k = i + 1
    while (
        k < len(rows)
        and len(rows[k].cells) == 1
        and MONEY.match(rows[k].key)
        and "." in rows[k].key
    ):
        k += 1
    return range(i + 1, k) if 0 < k - i - 1 <= _STRAYS else None


def _codes_before_title(rows: list[Row], i: int, lo: int) -> int | None:
    """The row of a code column's header (科目编码, 功能科目代码) printed, with the column's
    codes one per line, just before the title at row i and after row `lo`: pdfminer prints a
    table's first column as a box of its own, which can come before the title's ("功能科目代码"
    "201" "20102" … "财政拨款支出预算表" "单位：万元" "功能科目名称" "合计" …). None when the
    rows before the title are not such a column (at least two codes)."""
    codes = 0
    for j in range(i - 1, lo, -1):
        row = rows[j]
        if len(row.cells) != 1:
            return None
        if _WORD_CODE.fullmatch(row.key):
            codes += 1
        elif re.search(r"科目(?:代码|编码)$", row.key):
            return j if codes >= 2 else None
        else:
            return None
    return None


def _ends_table_run(row: Row, k: int, toc_rows: set[int]) -> bool:
    """A row that table rows above a title do not reach back past: prose, a part heading, a
    目录 entry."""
    key = row.key
    if k in toc_rows or (_PART_HEAD.match(key) and not has_money(row)):
        return True
    return is_prose(row) and not _EMPTY_DECL.search(key) and not key.startswith("注")


def _title_after_possible(
    rows: list[Row], starts: list[tuple[int, tuple[str, str]]], toc_rows: set[int]
) -> bool:
    """Whether titles may follow their tables: some table row (a row with a figure) comes
    before the first title past the 目录 that heads a table (else every table has its title
    first)."""
    first = next((i for i, _ in starts if i not in toc_rows), len(rows))
    return any(
        len(r.cells) > 1 and has_money(r) for k, r in enumerate(rows[:first]) if k not in toc_rows
    )


# 科目 codes by their first digit: 2 — 功能分类 (functional), 3 or 5 — 经济分类 (economic).
_FUNCTIONAL_KINDS = ("expense_by_function", "gov_fund_expense", "state_capital_expense")
_UNCODED_KINDS = ("income_expense_summary", "three_public", "procurement", "fixed_assets")


def _pairing_score(tables: list[TableRegion]) -> int:
    """How well titles and tables agree under one pairing: +1 for a table whose 科目 codes are
    the classification its title names (functional codes under a 支出表, economic ones under
    a 基本支出表), -1 for one whose codes are the other classification or that has codes
    where its kind has none (收支总表, “三公”, 采购)."""
    score = 0
    for t in tables:
        functional = economic = 0
        for r in t.body:
            # A row's leading code (201 | 一般公共服务支出 …), or a 款/项 code on a line of its own.
            first = squash_ascii(r.cells[0].text)
            lead = len(r.cells) > 1 and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", first)
            codes = [first] if lead else [squash_ascii(c.text) for c in r.cells[:3]]
            for code in codes:
                if lead or re.fullmatch(r"\d{5}(?:\d{2})?", code):
                    functional += code[0] == "2"
                    economic += code[0] in "35"
        if functional + economic < 2:
            continue
        coded = "functional" if functional > economic else "economic"
        if t.kind in _FUNCTIONAL_KINDS:
            score += 1 if coded == "functional" else -1
        elif t.kind == "basic_expense_by_economic":
            score += 1 if coded == "economic" else -1
        elif t.kind in _UNCODED_KINDS:
            score -= 1
    return score


def _page_number(rows: Sequence[Row], k: int) -> bool:
    """A page number: a lone number of at most three digits that is the last row of its page
    (in one-cell-per-line text a lone number elsewhere may be a 序号 or a 科目 code)."""
    row = rows[k]
    if len(row.cells) != 1 or not re.fullmatch(r"\d{1,3}", row.key):
        return False
    return k + 1 < len(rows) and rows[k + 1].page != row.page


def _title_at(rows: Sequence[Row], i: int) -> tuple[str, str] | None:
    """The title starting at row i, also when its last characters wrapped onto the next row."""
    found = _row_title(rows[i])
    text = rows[i].text
    for nxt in rows[i + 1 : i + 3]:
        if found is not None or len(nxt.key) > 6 or len(rows[i].cells) > 8:
            break
        if has_money(rows[i]) or has_money(nxt):
            break  # a row of figures (or a figure broken over two lines: "1" + "9.92")
        if "上年结转" in rows[i].key and _row_title(nxt) and "上年结转" not in nxt.key:
            # 上年结转（结余）, the last row of the standard 收入/收支总表, printed just
            # before the next table's title (text in drawing order): not a title's start.
            break
        if re.fullmatch(r"[、，,.。·]+", nxt.key):
            continue  # the 、 of a wrapped enumerator (十一 / 、)
        text += nxt.text
        found = title_kind(text)
    return found


def _row_title(row: Row) -> tuple[str, str] | None:
    if len(row.cells) > 8 or (len(row.cells) > 3 and has_money(row)):
        return None
    found = title_kind(row.text)
    if found is None and len(row.cells) > 1:
        # A title that shares its line with a tag (公开表一 | 收支预算总表 | …).
        for cell in row.cells:
            if found := title_kind(cell.text):
                break
    return found


def _toc_rows(rows: list[Row], titles: list[tuple[int, tuple[str, str]]]) -> set[int]:
    """Rows of the 目录: runs of three or more titles with at most one other row between."""
    out: set[int] = set()
    run: list[int] = []
    for i, _ in titles:
        if run and i - run[-1] > 2:
            if len(run) >= 3:
                out.update(run)
            run = []
        run.append(i)
    if len(run) >= 3:
        out.update(run)
    out.update(i for i, row in enumerate(rows) if _dot_leader(row))
    return out


def _dot_leader(row: Row) -> bool:
    """A 目录 entry: title, dot leaders, page number."""
    return bool(re.search(r"(?:\.{3,}|…+|·{3,})\s*\d{1,3}$", row.text.strip()))


def _only_table_rows(rows: Sequence[Row]) -> bool:
    return not any(is_prose(r) for r in rows)


def _confirmed(rows: list[Row], i: int) -> bool:
    """A title starts a table when a unit, header or figure row follows before prose does."""
    for j in range(i + 1, min(i + 24, len(rows))):
        row = rows[j]
        if (_title_at(rows, j) and not is_furniture(row)) or re.match(r"第.部分", row.key):
            return False
        if _dot_leader(row):
            return False  # the next 目录 entry: this title is one too
        if is_prose(row) and not _EMPTY_DECL.search(row.key):
            return False
        key = row.key
        if _UNIT.search(key) or is_stub_row(row) or has_money(row):
            return True
        if len(row.cells) >= 2 and is_header_row(row):
            return True
        if re.search(r"序号|科目编码|科目名称|项目名称|功能分类|经济分类", key):
            return True
    return False


def _confirmed_after(rows: list[Row], i: int, toc_rows: set[int]) -> bool:
    """A title ends a table printed before it when figure rows, its header or an empty-table
    note come just before it (the table's furniture may come after: 部门, 单位), before
    prose or another title does."""
    for j in range(i - 1, max(i - 16, -1), -1):
        row = rows[j]
        if j in toc_rows or (_title_at(rows, j) and not is_furniture(row)):
            return False
        if _ends_table_run(row, j, toc_rows):
            return False
        if has_money(row) or _looks_like_data(row) or (is_stub_row(row) and j < i - 1):
            return True
        if _EMPTY_DECL.search(row.key) or (len(row.cells) >= 2 and is_header_row(row)):
            return True  # an empty table (此表为空, 本部门无…) or its header
    return False


def _region(
    rows: list[Row],
    i: int,
    stop: int,
    kind: str,
    title: str,
    first: int | None = None,
    lead: int | None = None,
    tail: range | None = None,
) -> TableRegion | None:
    """The table titled at row i: its rows from i + 1 up to `stop` (exclusive), after the rows
    from `lead` up to i when given (its code column printed before its title,
    `_codes_before_title`) and before the rows `tail` (its last figures printed after the next
    title, `_figures_after_title`), or, when `first` is given (a title printed after its
    table), the rows from `first` up to i."""
    unit = "万元"
    header: list[Row] = []
    body: list[Row] = []
    notes: list[Row] = []
    preamble: list[str] = []
    seen_header: set[str] = set()
    end_row = i
    in_repeat = False
    breaks: list[int] = []
    kept: list[Row] = []  # rows past the furniture filters, for one-cell-per-line tables
    if first is not None:
        span: Iterable[int] = range(first, i)
    else:
        span = itertools.chain(
            range(lead, i) if lead is not None else (), range(i + 1, stop), tail or ()
        )
    for j in span:
        row = rows[j]
        key = row.key
        if is_prose(row) and not _EMPTY_DECL.search(key) and not key.startswith("注"):
            break
        if _PART_HEAD.match(key) and not has_money(row):
            break  # 第三部分 … 情况说明: the next part of the document, however many cells
        if (
            _SECTION_HEAD.match(key)
            and len(row.cells) == 1
            and not has_money(row)
            and (body or header)
            # a 收支总表's item with no figure (五、事业收入) is a row, not a heading
            and not (
                kind == "income_expense_summary"
                and (re.search(r"(?:收入|支出|结余)$", key) or _next_item(body, key))
            )
        ):
            # A new numbered heading after the table (四、…情况) ends it; in a one-cell-per-line
            # table such a line may be a row label instead.
            seen = header + body
            if row.layout != "line" or 2 * sum(r.layout != "line" for r in seen) > len(seen):
                break
        end_row = j
        if m := _UNIT.search(key):
            unit = m.group(1)
        if key.startswith("注") or (_EMPTY_DECL.search(key) and not has_money(row)):
            notes.append(row)
            continue
        if (
            row.layout == "line"
            and re.fullmatch(r"\d{1,3}", key)
            and body
            and body[-1].layout in ("tab", "space")
            and not body[-1].key.endswith((".", ","))
            and j + 1 < stop
            and rows[j + 1].layout in ("tab", "space")
        ):
            continue  # a page number between the tab or space rows (text without form feeds)
        # In one-cell-per-line text a bare 4-digit line inside the table is a piece of a code
        # ("2070" + "111"), not the 预算年度 value that follows its label.
        code_piece = (
            bool(body)
            and row.layout == "line"
            and key.isdigit()
            and not re.search(r"[:：]$", rows[j - 1].key)
        )
        if (
            (is_furniture(row) and not code_piece)
            or key == squash_ascii(title)
            or _row_title(row)
            or (not body and not header and is_department_line(row))
        ):
            if not body:
                preamble.append(key)
            continue
        if (
            not body
            and not header
            and len(key) <= 6
            and (key in squash_ascii(title) or re.fullmatch(r"[、，,.。·]+", key))
        ):
            continue  # the wrapped end of the title
        kept.append(row)
        if not body:
            if (has_money(row) or _looks_like_data(row)) and not is_stub_row(row):
                body.append(row)
            elif is_header_row(row) or is_stub_row(row) or len(row.cells) > 1:
                header.append(row)
                seen_header.add(key)
            else:
                # A lone line above the figures: a wrapped header cell or a department line.
                header.append(row)
                preamble.append(key)
            continue
        # After the first data row: a repeated header block or preamble is page furniture.
        if key in seen_header or is_stub_row(row):
            # The lines just before a repeated header are that page's furniture too (a
            # department line the first page did not print, say).
            while (
                body
                and body[-1].page == row.page
                and len(body[-1].cells) == 1
                and not has_money(body[-1])
                and not _looks_like_data(body[-1])
            ):
                body.pop()
            in_repeat = True
            continue
        if any(
            p and (p == key or (len(key) <= len(p) and (p.endswith(key) or p.startswith(key))))
            for p in preamble
        ) and not has_money(row):
            continue
        if in_repeat and is_header_row(row) and not has_money(row) and not _looks_like_data(row):
            continue
        if in_repeat:
            breaks.append(len(body))
        in_repeat = False
        body.append(row)
    if kept and 2 * sum(len(r.cells) == 1 for r in kept) > len(kept):
        header, body, breaks = _split_line_table(kept)
    span_rows = rows[first : i + 1] if first is not None else rows[i : end_row + 1]
    empty = not any(has_money(r) for r in body) and (
        any(_EMPTY_DECL.search(r.key) for r in notes) or not body
    )
    pages = tuple(sorted({r.page for r in span_rows}))
    return TableRegion(
        kind=kind,
        title=title,
        unit=unit,
        start=span_rows[0].start,
        end=span_rows[-1].end,
        pages=pages,
        empty=empty,
        title_start=rows[i].start,
        header=tuple(header),
        body=tuple(body),
        notes=tuple(notes),
        breaks=tuple(breaks),
    )


_CN_DIGITS = {c: k for k, c in enumerate("一二三四五六七八九", 1)}


def _enumerator(text: str) -> int | None:
    """The number of a leading 一、 … 九十九、 enumerator, else None."""
    m = re.match(r"([一二三四五六七八九十]{1,3})[、.．]", text)
    if not m:
        return None
    head, _, tail = m.group(1).partition("十")
    if "十" not in m.group(1):
        return _CN_DIGITS.get(head) if len(head) == 1 else None
    tens = _CN_DIGITS.get(head, 0 if not head else -99) if head else 1
    ones = _CN_DIGITS.get(tail, -99) if tail else 0
    value = tens * 10 + ones
    return value if value > 0 else None


def _next_item(body: Sequence[Row], key: str) -> bool:
    """Whether `key` continues the numbering of the table's rows above (六、… then 七、…)."""
    number = _enumerator(key)
    if number is None or number < 2:
        return False
    for row in reversed(body[-3:]):
        for cell in row.cells:
            if _enumerator(squash_ascii(cell.text)) == number - 1:
                return True
    return False


_CODE = re.compile(r"^\d{3}(?:\s?\d){0,6}$")
_TOTAL_LABEL = re.compile(r"^(?:合计|总计|(?:本年)?(?:收入|支出|收支)(?:总计|合计))$")
_STUB_LABEL = re.compile(r"^(?:栏次|档次|栏号|行次)$")


def _split_line_table(rows: Sequence[Row]) -> tuple[list[Row], list[Row], list[int]]:
    """Header, body and page breaks of a one-cell-per-line table, with the header repeated
    after a page break dropped. The figures start after the 栏次 numbers (栏次 1 2 3 …), else
    at the first code or figure (with the 合计 label or 序号 just before it). A break is the
    index into the body of the first row of a new page (after a dropped repeated header or a
    form feed): a row cut there has its pieces on both sides."""
    keys = [digits(r.key) for r in rows]
    start = None
    # 栏次 alone, or last on a header line ("类 款 项 科目名称 栏次" over "1 2 3 4 5")
    # (or "栏次 1 2" with the first numbers on its line, above every figure: plain text of a
    # ruled header)
    money = next((k for k, r in enumerate(rows) if has_money(r)), len(rows))
    stub = next(
        (
            k
            for k, key in enumerate(keys)
            if _STUB_LABEL.match(key)
            or key.endswith("栏次")
            or (k < money and re.search(r"栏次1(?:2(?:3)?)?$", key))
        ),
        None,
    )
    if stub is not None:
        start, n = stub + 1, 1
        if start < len(rows) and len(rows[start].cells) == 1 and is_stub_row(rows[start]):
            start += 1  # the numbers on one line
        while start < len(keys) and keys[start] == str(n):
            start, n = start + 1, n + 1
        # the numbers among the column labels (pdftotext prints a header column by column:
        # "1" "2" "合计" "基本支出" "3" "4"): the figures start further on
        found = _first_figures(keys, rows, stub + 1)
        if (
            found is not None
            and found > start
            and all(
                re.fullmatch(r"\d{1,2}", keys[m])
                or re.fullmatch(r"\d{1,2}(?:\s+\d{1,2})+", rows[m].text.strip())
                or _column_labels(rows[m])
                for m in range(start, found)
            )
        ):
            start = found
    else:
        start = _first_figures(keys, rows, 0)
        if start is not None:
            start = _after_stray_figures(keys, rows, start)
    if start is None:
        return list(rows), [], []
    header, body, breaks = list(rows[:start]), [], []
    head_keys = [r.key for r in header]
    head_set = {key for key, r in zip(head_keys, header, strict=True) if not has_money(r)}
    labels = {key for key in head_set if not key.isdigit() and not _TOTAL_LABEL.match(key)}

    def header_run(k: int) -> tuple[int, int]:
        """The end of a run of the header's cells (or pieces of its labels: "基本支" "出";
        栏次 numbers counting up from 1) from row k, and how many distinct labels it holds."""
        run, stub = k, 0
        while run < len(rows):
            key = rows[run].key
            if key.isdigit():
                if run == k or key != str(stub + 1):
                    break
                stub += 1
            elif not (key in head_set or (len(key) <= 4 and any(key in h for h in labels))):
                break
            run += 1
        return run, len({rows[m].key for m in range(k, run)} & labels)

    k = start
    while k < len(rows):
        new_page = bool(body) and rows[k].page != body[-1].page
        if body and head_keys and rows[k].key in head_keys[:2]:
            # A header repeated on the next page (text without form feeds too): a run of at
            # least three rows that follow the header's own order, then any more of its
            # cells in an order of their own (pdftotext's raw mode).
            m, run = 0, k
            while run < len(rows) and rows[run].key in head_keys[m:]:
                m = head_keys.index(rows[run].key, m) + 1
                run += 1
            if run - k >= min(3, len(head_keys)):
                k = header_run(run)[0]
                if not breaks or breaks[-1] != len(body):
                    breaks.append(len(body))
                continue
        if new_page and (not breaks or breaks[-1] != len(body)):
            breaks.append(len(body))
        if body:
            # The header repeated in an order of its own (pdftotext's raw mode: "合计" "栏次"
            # "1" "人员经费" …), on top of a new page or wherever the tool printed it: two or
            # more of its labels there, three elsewhere.
            run, found = header_run(k)
            if found >= (2 if new_page else 3):
                if not breaks or breaks[-1] != len(body):
                    breaks.append(len(body))
                k = run
                continue
        body.append(rows[k])
        k += 1
    return header, body, breaks


# The most stray figures (and the year) that text tools print between a table's title and its
# header.
_STRAYS = 6


def _after_stray_figures(keys: Sequence[str], rows: Sequence[Row], start: int) -> int:
    """The body's start when the figures found first are strays before the table's header
    (raw pdftotext prints the last figures of the table before, and the 预算年度 value, after
    the title: "6.75" "459.45" "2024" "支出部门经济分类科目" "科目编码" "科目名称" "合计" …):
    a few lone figures, then a run of at least three of the header's column labels naming the code
    or name column, then the body (which may start with a figure of its 合计 row printed before
    the row's label, "公用经费" "16.37" "合计" "166.02" "149.65": the row reader takes it)."""
    k = start
    while k < len(rows) and len(rows[k].cells) == 1 and re.fullmatch(r"[\d.,]+", keys[k]):
        k += 1
    if k - start > _STRAYS:
        return start  # a whole column of figures printed before the labels (pdfminer)
    run = k
    while (
        run < len(rows)
        and len(rows[run].cells) == 1
        and (_COLUMN_LABEL.match(keys[run]) or is_header_row(rows[run]))
    ):
        run += 1
    named = any(re.search(r"科目(?:编码|名称)", keys[m]) for m in range(k, run))
    if k == start or run - k < 3 or not named:
        return start
    found = _first_figures(keys, rows, run)
    return start if found is None else found


def _first_figures(keys: Sequence[str], rows: Sequence[Row], begin: int) -> int | None:
    """Where the body of a one-cell-per-line table starts, searching from `begin`: the first
    code or figure, with the 合计 label or 序号 just before it."""
    for k in range(begin, len(keys)):
        key = keys[k]
        if is_stub_row(rows[k]):
            continue  # "1 2 3 4 5" read as one figure
        if (MONEY.match(key) and ("." in key or "," in key or len(key) >= 3)) or (
            len(rows[k].cells) > 1 and has_money(rows[k])  # a row of single-space cells
        ):
            start = k
            if (
                k > begin + 1
                and re.fullmatch(r"\d[\d,]*", keys[k - 1])
                and _TOTAL_LABEL.match(keys[k - 2])
                and re.search(r"[.,]", key)
            ):
                # 合计 and a figure broken after its first digits ("3" + "0.47", "2,04" +
                # "7.66")
                start = k - 2
            elif k > begin and _TOTAL_LABEL.match(keys[k - 1]):
                start = k - 1
            if start > begin and re.fullmatch(r"\d{1,3}", keys[start - 1]):
                start -= 1  # its 序号
            return start
    return None


_COLUMN_LABEL = re.compile(
    r"^(?:合计|总计|小计|金额|基本支出|项目支出|人员经费|公用经费|科目名称|科目编码|预算数|决算数"
    r"|(?:支出)?(?:部门)?(?:功能|经济)(?:分类)?科目(?:编码|名称)?|[类款项])$"
)


def _column_labels(row: Row) -> bool:
    """Whether `row` reads as column labels (合计 | 基本支出, 一般公共预算基本支出), not as a
    row label: no digits, no 一、 item numbering, no total label (a row's, when a figure
    follows)."""
    key = squash_ascii(row.key)
    return (
        not any(ch.isdigit() for ch in key)
        and not re.match(r"^[一二三四五六七八九十]+、", key)
        and (
            all(_COLUMN_LABEL.match(squash_ascii(c.text)) for c in row.cells)
            or (bool(_HEADER_WORDS.search(key)) and not _TOTAL_LABEL.match(key))
            or bool(re.search(r"(?:支出|经费|科目)$", key))
        )
    )


def _looks_like_data(row: Row) -> bool:
    """A data row without figures: a 科目 code followed by a name, or a 序号 and a row label."""
    texts = [squash_ascii(c.text) for c in row.cells]
    if len(texts) >= 2 and _CODE.match(row.cells[0].text) and not texts[1].isdigit():
        return True
    if len(texts) >= 2 and _CODE.match(row.cells[1].text) and texts[0].isdigit():
        return True
    if len(texts) >= 2 and texts[0].isdigit() and not _HEADER_WORDS.search(texts[1]):
        return True
    return (
        bool(texts)
        and bool(re.match(r"^[一二三四五六七八九十]+、", texts[0]))
        and not is_header_row(row)
    )


def _prose(
    doc: Document, rows: list[Row], tables: Iterable[TableRegion], toc: tuple[int, int] | None
) -> list[ProseSection]:
    taken = _Ranges([(t.start, t.end) for t in tables] + ([toc] if toc else []))
    out: list[ProseSection] = []
    title, start, last = "", None, None
    for row in rows:
        if row.start in taken:
            continue
        heading = len(row.cells) == 1 and len(row.key) <= 30 and _SECTION_HEAD.match(row.key)
        if heading and start is not None and last is not None:
            out.append(_section(doc, title, start, last))
            start = None
        if start is None:
            title, start = (row.key if heading else ""), row.start
        last = row.end
    if start is not None and last is not None:
        out.append(_section(doc, title, start, last))
    return out


class _Ranges:
    """`[a, b)` ranges, merged and sorted: `x in ranges` by bisection, not a scan of all of
    them (a scan per row was rows × tables)."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(r for r in ranges if r[0] < r[1]):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, x: int) -> bool:
        k = bisect_right(self.starts, x) - 1
        return k >= 0 and x < self.ends[k]


def _section(doc: Document, title: str, start: int, end: int) -> ProseSection:
    pages = tuple(range(doc.page_of(start), doc.page_of(max(start, end - 1)) + 1))
    return ProseSection(title, start, end, pages)
