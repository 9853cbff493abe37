"""PDF rendering of a synthetic document with reportlab's CJK CID font (STSong-Light), drawn the
way born-digital budget PDFs are, with gold spans mapped onto the text `ie.ingest` extracts.

A born-digital PDF's text layer has none of the character noise PDF-to-text/OCR adds, so
`clean_units` undoes it before drawing: full-width digits and `．` back to ASCII, OCR letters in
numbers (O, l) back to digits, spaces (and, in the cell layout, line ends) inside a broken number
or code removed, spaces inside a table cell's words removed. Tables (tab rows, or space-padded
rows) are drawn cell by cell on one column grid per table (blank lines inside do not restart
it): figures right-aligned, names left-aligned and wrapped inside their column's box, cells
centred vertically in their row (on whole lines). In the cell layout (one cell per line) money
tables are regrouped into rows first (`_cell_rows`). Pages are cut at form feeds and when full;
other lines are wrapped at the page width. `write_pdf` writes `<doc_id>.pdf`, `.gold.json` and
`.spans.jsonl` (offsets into `ingest(pdf).text`; a span whose cell wraps around other cells'
text becomes one span per contiguous piece).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ie.spans import Span
from ie.text import display_width
from training.synth.doc import SynthDoc

_FONT = "STSong-Light"
_SIZE = 9.0
_MIN_SIZE = 5.0
_LEADING = 14.0
_MARGIN = 36.0
_CELL_GAP = 9.0
_TEXT_COL_CHARS = 12  # a text column is at most this many CJK characters wide, then it wraps
_MIN_TEXT_COL_CHARS = 4

Unit = tuple[str, int]  # a character to draw and its offset in the source text
Width = Callable[[str, str, float], float]

_NUMERIC = re.compile(r"^-?[\d,]*\.?\d+%?$")
_DIGITISH = set("0123456789.,")
_FULL_TO_HALF = {chr(c + 0xFEE0): chr(c) for c in range(0x30, 0x3A)}  # ０-９
_FULL_TO_HALF.update({chr(c + 0xFEE0): chr(c) for c in range(0x41, 0x5B)})  # Ａ-Ｚ
_FULL_TO_HALF.update({chr(c + 0xFEE0): chr(c) for c in range(0x61, 0x7B)})  # ａ-ｚ
_FULL_TO_HALF.update({"．": ".", "％": "%"})


@dataclass(frozen=True)
class Drawn:
    """One string drawn on a page: its text, where (left x, baseline y), in which font size, and
    for every character the offset in the source text it came from."""

    page: int
    x: float
    y: float
    size: float
    text: str
    src: tuple[int, ...]


@dataclass(frozen=True)
class _Item:
    """A string placed in a band: x (left), line offset from the band's top, size, units."""

    x: float
    dy: float
    size: float
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class _Band:
    """A horizontal strip of a page `height` lines tall (a text line or a table row)."""

    height: float
    items: tuple[_Item, ...]


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def clean_units(units: list[Unit], *, cell: bool = False) -> list[Unit]:
    """Undo text-layer noise a born-digital PDF never shows (see the module docstring). `cell`:
    the units are one table cell, where a single space is a wrap (a born-digital PDF breaks the
    line inside the cell's box instead), not a separator. Returns the units to draw, each
    keeping its source offset."""
    out = [(_FULL_TO_HALF.get(ch, ch), s) for ch, s in units]
    n = len(out)
    for i, (ch, s) in enumerate(out):
        if ch in "Ol":
            left = out[i - 1][0] if i else ""
            right = out[i + 1][0] if i + 1 < n else ""
            if left.isdigit() or right.isdigit() or (left in "., " and right in ".,"):
                out[i] = ("0" if ch == "O" else "1", s)
        elif ch == "，" and 0 < i < n - 1 and out[i - 1][0].isdigit() and out[i + 1][0].isdigit():
            out[i] = (",", s)
    keep: list[Unit] = []
    for i, (ch, s) in enumerate(out):
        if ch == " " and 0 < i < n - 1:
            left, right = out[i - 1][0], out[i + 1][0]
            if left in _DIGITISH and right in _DIGITISH and (left.isdigit() or right.isdigit()):
                continue  # "686. 71", "2013 1": one figure broken by a space
            if cell and not left.isspace() and not right.isspace():
                continue  # "行政 单位", "100 %": a wrap inside a cell, a line end in its box
        keep.append((ch, s))
    return keep


def _join_broken_lines(lines: list[list[Unit]]) -> list[list[Unit]]:
    """Cell layout: a figure or code the noise broke over two lines ("977400." + "00",
    "2101" + "1") back on one line; other lines unchanged."""
    out: list[list[Unit]] = []
    for line in lines:
        if out:
            prev = "".join(ch for ch, _ in out[-1]).strip()
            cur = "".join(ch for ch, _ in line).strip()
            if _broken_pair(prev, cur):
                out[-1] = [u for u in out[-1] if not u[0].isspace()] + [
                    u for u in line if not u[0].isspace()
                ]
                continue
        out.append(line)
    return out


def _broken_pair(a: str, b: str) -> bool:
    if not a or not b:
        return False
    joined = a + b
    if re.fullmatch(r"\d{4}", a) and re.fullmatch(r"\d{1,3}", b) and len(joined) in (5, 7):
        return True  # a functional/economic code cut after its 4th digit
    amount = r"\d[\d,]*\.\d\d"
    return (
        re.fullmatch(amount, joined) is not None
        and re.fullmatch(amount, a) is None
        and re.fullmatch(r"[\d,.]+", a) is not None
        # a code or a year followed by a figure, unless that figure cannot stand alone ("00.00")
        and (not re.fullmatch(r"\d{4}", a) or re.fullmatch(r"(?:0|[1-9][\d,]*)\.\d\d", b) is None)
    )


def layout_pages(
    text: str, width: float, height: float, layout: str | None = None
) -> list[list[Drawn]]:
    """Place `text` on pages: [[Drawn, ...] per page]. `layout` is the layout the text was
    generated in (`cell` lets figures broken over two lines be joined). Pure (no canvas)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _register()
    avail = width - 2 * _MARGIN
    per_page = (height - 2 * _MARGIN) / _LEADING
    pages: list[list[Drawn]] = []
    offset = 0
    for chunk in text.split("\f"):
        lines: list[list[Unit]] = []
        pos = offset
        for line in chunk.split("\n"):
            lines.append([(ch, pos + i) for i, ch in enumerate(line)])
            pos += len(line) + 1
        if layout == "cell":
            lines = _join_broken_lines([clean_units(x) for x in lines])
        bands: list[_Band] = []
        k = 0
        while k < len(lines):
            if layout == "cell":
                end = k
                while end < len(lines) and _text(lines[end]).strip():
                    end += 1
                rows = _cell_rows([clean_units(x, cell=True) for x in lines[k:end]])
                if rows:
                    bands += _grid_bands(rows, avail, stringWidth)
                    k = end
                    continue
            kind = _row_kind(lines[k])
            if kind:
                end = k + 1
                while end < len(lines):
                    if _row_kind(lines[end]) == kind:
                        end += 1
                        continue
                    # a blank line inside a table keeps its grid when the table goes on after it
                    nxt = end
                    while nxt < len(lines) and not _text(lines[nxt]).strip():
                        nxt += 1
                    if nxt > end and nxt < len(lines) and _row_kind(lines[nxt]) == kind:
                        end = nxt
                        continue
                    break
                bands += _table_bands(lines[k:end], kind, avail, stringWidth)
                k = end
                continue
            units = clean_units(lines[k])
            if not _text(units).strip():
                bands.append(_Band(1.0, ()))
            for piece in _wrap(units, avail, _SIZE, stringWidth) or [[]]:
                if piece and _text(piece).strip():
                    bands.append(_Band(1.0, (_Item(_MARGIN, 0.0, _SIZE, tuple(piece)),)))
            k += 1
        offset += len(chunk) + 1
        pages += _paginate(bands, per_page, height, len(pages))
    return pages


def _paginate(bands: list[_Band], per_page: float, height: float, first: int) -> list[list[Drawn]]:
    """Bands onto pages, a band never cut; page numbers start at `first`."""
    pages: list[list[Drawn]] = [[]]
    used = 0.0
    for band in bands:
        if used + band.height > per_page and used > 0:
            pages.append([])
            used = 0.0
        for it in band.items:
            y = height - _MARGIN - (used + it.dy) * _LEADING
            text = "".join(ch for ch, _ in it.units)
            src = tuple(s for _, s in it.units)
            pages[-1].append(Drawn(first + len(pages) - 1, it.x, y, it.size, text, src))
        used += band.height
    return pages


def _text(units: list[Unit] | tuple[Unit, ...]) -> str:
    return "".join(ch for ch, _ in units)


def _row_kind(units: list[Unit]) -> str | None:
    """`tab` or `space` for a table row line, None for any other line."""
    s = _text(units)
    if "\t" in s:
        return "tab"
    if "  " in s.strip():
        return "space"
    return None


def _strip(units: list[Unit]) -> list[Unit]:
    a, b = 0, len(units)
    while a < b and units[a][0].isspace():
        a += 1
    while b > a and units[b - 1][0].isspace():
        b -= 1
    return units[a:b]


def _space_tokens(units: list[Unit]) -> list[tuple[int, list[Unit]]]:
    """(display column, units) of each cell of a space-padded row (cells end at 2+ spaces)."""
    out: list[tuple[int, list[Unit]]] = []
    col, i, n = 0, 0, len(units)
    while i < n:
        if units[i][0] == " ":  # between cells
            col += 1
            i += 1
            continue
        start, j = col, i
        while j < n and not (units[j][0] == " " and j + 1 < n and units[j + 1][0] == " "):
            j += 1
        tok = _strip(units[i:j])
        if tok:
            out.append((start, tok))
        col += display_width(_text(units[i:j]))
        i = j
    return out


def _grid(lines: list[list[Unit]], kind: str) -> list[list[list[Unit]] | None]:
    """The block's rows as cells by column index (None for a blank line)."""
    rows: list[list[list[Unit]] | None] = []
    if kind == "tab":
        for line in lines:
            if not _text(line).strip():
                rows.append(None)
                continue
            cells, cur = [], []
            for u in line:
                if u[0] == "\t":
                    cells.append(cur)
                    cur = []
                else:
                    cur.append(u)
            cells.append(cur)
            rows.append(cells)
        return rows
    toks = [_space_tokens(line) if _text(line).strip() else None for line in lines]
    n = max((len(t) for t in toks if t), default=0)
    full = [t for t in toks if t and len(t) == n]
    ref = [sorted(t[i][0] for t in full)[len(full) // 2] for i in range(n)]
    for t in toks:
        if t is None:
            rows.append(None)
            continue
        cells: list[list[Unit]] = [[] for _ in range(n)]
        col = 0
        for k, (start, units) in enumerate(t):
            last = n - (len(t) - k)  # leave a column for every cell still to place
            best = min(range(col, last + 1), key=lambda c: abs(ref[c] - start))
            cells[best] = units
            col = best + 1
        rows.append(cells)
    return rows


_FIGURE = re.compile(r"^-?\d[\d,]*\.\d+$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def _cell_rows(lines: list[list[Unit]]) -> list[list[list[Unit]] | None] | None:
    """A cell-layout block (one cell per line, no blank line) regrouped into table rows
    [code, name, figures...], figures right-justified; None when the block is no money table
    (fewer than two figure lines). Lines before the first row that hold a colon (部门：, 单位：)
    are rows of their own; other text lines before a code are a header row."""
    texts = [_text(x).strip() for x in lines]
    if sum(1 for t in texts if _FIGURE.match(t)) < 2:
        return None
    groups: list[tuple[list[int], list[int]]] = []  # (text line ids, figure line ids)
    cur_t: list[int] = []
    cur_f: list[int] = []
    for i, t in enumerate(texts):
        if _FIGURE.match(t):
            cur_f.append(i)
            continue
        if cur_f:
            groups.append((cur_t, cur_f))
            cur_t, cur_f = [], []
        cur_t.append(i)
    groups.append((cur_t, cur_f))
    width = max(len(f) for _, f in groups)
    has_code = any(_CODE.match(texts[i]) for t, _ in groups for i in t)
    n = (2 if has_code else 1) + width
    rows: list[list[list[Unit]] | None] = []
    for tids, fids in groups:
        codes = [k for k, i in enumerate(tids) if _CODE.match(texts[i])]
        split = codes[-1] if codes else max(0, len(tids) - 1)
        head, body = tids[:split], tids[split:]
        if not fids:
            head, body = tids, []
        for i in head:
            if "：" in texts[i] or ":" in texts[i]:
                rows.append([lines[i]])
        heads = [lines[i] for i in head if "：" not in texts[i] and ":" not in texts[i]]
        for h in range(0, len(heads), n):  # a header of more cells than columns: two rows
            rows.append(heads[h : h + n])
        if not body and not fids:
            continue
        cells: list[list[Unit]] = [[] for _ in range(n)]
        if body and _CODE.match(texts[body[0]]) and has_code:
            cells[0] = lines[body[0]]
            body = body[1:]
        cells[1 if has_code else 0] = [u for i in body for u in lines[i]]
        for j, i in enumerate(fids):
            cells[n - len(fids) + j] = lines[i]
        rows.append(cells)
    return rows


def _table_bands(lines: list[list[Unit]], kind: str, avail: float, sw: Width) -> list[_Band]:
    """One band per row of a tab or space table block (see `_grid_bands`)."""
    grid = _grid(lines, kind)
    rows = [[_strip(clean_units(c, cell=True)) for c in r] if r is not None else None for r in grid]
    return _grid_bands(rows, avail, sw)


def _grid_bands(rows: list[list[list[Unit]] | None], avail: float, sw: Width) -> list[_Band]:
    """One band per row, every cell on the block's column grid: figures right-aligned, names
    left-aligned and wrapped in their column, headers over figures centred; a table too wide for
    the page wraps names more, then shrinks the font. None rows are blank lines."""
    n = max((len(r) for r in rows if r), default=0)
    if n == 0:
        return [_Band(1.0, ()) for _ in rows]
    cols: list[list[str]] = [[] for _ in range(n)]
    for r in rows:
        for i, c in enumerate(r or []):
            if c:
                cols[i].append(_text(c))
    figures = [
        sum(1 for t in col if _NUMERIC.match(t) and ("." in t or "," in t)) * 2 > len(col) > 0
        for col in cols
    ]
    cjk = sw("中", _FONT, _SIZE)
    num_w = [
        max((sw(t, _FONT, _SIZE) for t in col if _NUMERIC.match(t)), default=0.0) for col in cols
    ]
    text_w = [
        max((sw(t, _FONT, _SIZE) for t in col if not _NUMERIC.match(t)), default=0.0)
        for col in cols
    ]

    def widths(cap: float) -> list[float]:
        return [max(cjk, num_w[i], min(text_w[i], cap)) for i in range(n)]

    chars = _TEXT_COL_CHARS
    while chars > _MIN_TEXT_COL_CHARS and sum(widths(chars * cjk)) + _CELL_GAP * (n - 1) > avail:
        chars -= 1
    ws = widths(chars * cjk)
    need = sum(ws) + _CELL_GAP * (n - 1)
    size = max(_MIN_SIZE, min(_SIZE, _SIZE * avail / need))
    scale = size / _SIZE
    xs = [_MARGIN]
    for w in ws[:-1]:
        xs.append(xs[-1] + (w + _CELL_GAP) * scale)
    bands: list[_Band] = []
    for r in rows:
        if not r:
            bands.append(_Band(1.0, ()))
            continue
        placed: list[tuple[int, list[list[Unit]]]] = []
        last = max(i for i, c in enumerate(r) if c)
        for i, c in enumerate(r):
            if c:
                box = ws[i] * scale
                if i == last and not figures[i]:
                    box = xs[-1] + ws[-1] * scale - xs[i]  # a merged cell: to the table's edge
                wrap = [c] if _NUMERIC.match(_text(c)) else _wrap(c, box, size, sw)
                placed.append((i, wrap))
        height = float(max([len(w) for _, w in placed] + [1]))
        items = []
        for i, pieces in placed:
            for j, piece in enumerate(pieces):
                t = _text(piece)
                free = ws[i] * scale - sw(t, _FONT, size)
                if _FIGURE.match(t):
                    x = xs[i] + free  # figures right-aligned
                elif figures[i]:
                    x = xs[i] + free / 2  # a header over figures, centred
                else:
                    x = xs[i]
                dy = (height - len(pieces)) // 2 + j  # on the line grid: no half-line overlaps
                items.append(_Item(x, dy, size, tuple(piece)))
        bands.append(_Band(height, tuple(items)))
    return bands


def _wrap(units: list[Unit], avail: float, size: float, sw: Width) -> list[list[Unit]]:
    """`units` cut into pieces no wider than `avail` points (at least one character each)."""
    out: list[list[Unit]] = []
    cur: list[Unit] = []
    w = 0.0
    for u in units:
        cw = sw(u[0], _FONT, size)
        if cur and w + cw > avail:
            out.append(cur)
            cur, w = [], 0.0
        cur.append(u)
        w += cw
    if cur:
        out.append(cur)
    return out


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def render_pdf(text: str, path: Path, layout: str | None = None) -> list[list[Drawn]]:
    """Draw `text` into a PDF at `path` (same text, same bytes); returns what was drawn.
    `layout`: the layout the text was generated in (see `layout_pages`)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pages = layout_pages(text, width, height, layout)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)  # invariant: same seed, same bytes
    for page in pages:
        for d in page:
            pdf.setFont(_FONT, d.size)
            # pdfium reads no text from a one-character CID string; a trailing space fixes it
            pdf.drawString(d.x, d.y, d.text + " " if len(d.text) == 1 else d.text)
        pdf.showPage()
    pdf.save()
    return pages


def map_offsets(pages: list[list[Drawn]], extracted: str) -> dict[int, int]:
    """Source offset -> offset in `extracted` (the PDF's text), for every drawn non-space
    character found there. Characters are matched in order, whitespace ignored (a PDF reader
    decides spaces and line ends itself); where the two differ, difflib aligns them."""
    src = [
        s
        for page in pages
        for d in page
        for ch, s in zip(d.text, d.src, strict=True)
        if not ch.isspace()
    ]
    drawn = "".join(ch for page in pages for d in page for ch in d.text if not ch.isspace())
    ext_pos = [i for i, ch in enumerate(extracted) if not ch.isspace()]
    ext = "".join(extracted[i] for i in ext_pos)
    if drawn == ext:
        return dict(zip(src, ext_pos, strict=True))
    out: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, drawn, ext, autojunk=False)
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            out[src[a + k]] = ext_pos[b + k]
    return out


def pdf_spans(doc: SynthDoc, pages: list[list[Drawn]], extracted: str) -> list[Span]:
    """The document's gold spans moved onto the PDF's extracted text. A span's characters found
    there, in source order, make one span per run with only whitespace between them (a name
    wrapped in its cell around another cell's figure gives two spans); none found: dropped."""
    where = map_offsets(pages, extracted)
    out = []
    for sp in doc.spans:
        hits = [where[i] for i in range(sp.start, sp.end) if i in where]
        start = prev = None
        for h in [*hits, None]:
            if (
                start is not None
                and prev is not None
                and (h is None or h <= prev or extracted[prev + 1 : h].strip())
            ):
                out.append(Span(start, prev + 1, sp.label, extracted[start : prev + 1]))
                start = None
            if h is not None and start is None:
                start = h
            prev = h
    return out


def write_pdf(doc: SynthDoc, out_dir: Path) -> Path:
    """Write `<out_dir>/<doc_id>.pdf`, `.gold.json` and `.spans.jsonl` (offsets into the text
    `ie.ingest` extracts from the PDF); return the PDF path."""
    from ie.ingest import ingest

    out_dir = Path(out_dir)
    path = out_dir / f"{doc.doc_id}.pdf"
    pages = render_pdf(doc.text, path, doc.layout)
    extracted = ingest(path).text
    spans = pdf_spans(doc, pages, extracted)
    record = doc.record.model_copy(deep=True)
    record.source.path = path.name
    record.source.format = "pdf"
    record.source.pages = len(pages)
    record.source.sha256 = _sha256(path)
    Path(out_dir, f"{doc.doc_id}.gold.json").write_text(record.to_json(), encoding="utf-8")
    Path(out_dir, f"{doc.doc_id}.spans.jsonl").write_text(
        "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in spans),
        encoding="utf-8",
    )
    return path


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
