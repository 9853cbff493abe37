"""PDF rendering of a synthetic document with reportlab's CJK CID font (STSong-Light), with gold
spans mapped onto the text `ie.ingest` extracts from the PDF.

Pages are cut at form feeds and when a page is full. A line with tabs is a table row: each cell
is drawn at its own x position (a wide row in a smaller font), as table PDFs do; other lines are
wrapped at the page width (never cut). `write_pdf` writes `<doc_id>.pdf`, `.gold.json` and
`.spans.jsonl`, the spans' offsets into `ingest(pdf).text` (SCHEMA.md "Offsets").
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from ie.spans import Span
from training.synth.corpus import SynthDoc

_FONT = "STSong-Light"
_SIZE = 9.0
_MIN_SIZE = 5.0
_LEADING = 14.0
_MARGIN = 36.0
_CELL_GAP = 9.0


@dataclass(frozen=True)
class Drawn:
    """One string drawn on a page: its text, where, in which font size, and for every character
    the offset in the source text it came from."""

    page: int
    x: float
    y: float
    size: float
    text: str
    src: tuple[int, ...]


def layout_pages(text: str, width: float, height: float) -> list[list[Drawn]]:
    """Place `text` on pages: [[Drawn, ...] per page]. Pure (no reportlab canvas)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    _register()
    avail = width - 2 * _MARGIN
    per_page = int((height - 2 * _MARGIN) // _LEADING)
    pages: list[list[Drawn]] = []
    offset = 0
    for chunk in text.split("\f"):
        rows: list[list[tuple[float, float, str, tuple[int, ...]]]] = []  # (x, size, text, src)
        lines = chunk.split("\n")
        starts = [offset]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        k = 0
        while k < len(lines):
            if "\t" in lines[k]:
                # a table: consecutive tab lines share column positions, as a PDF grid does
                end = k
                while end < len(lines) and "\t" in lines[end]:
                    end += 1
                rows += _table_rows(lines[k:end], starts[k:end], avail, stringWidth)
                k = end
                continue
            line, pos, start = lines[k], starts[k], 0
            size = _SIZE
            if "  " in line.strip():  # a space-aligned table row: shrink it rather than wrap
                need = stringWidth(line, _FONT, _SIZE)
                size = max(_MIN_SIZE, min(_SIZE, _SIZE * avail / need)) if need else _SIZE
            while True:
                end = _fit(line, start, avail * _SIZE / size, stringWidth)
                piece = line[start:end]
                src = tuple(range(pos + start, pos + end))
                rows.append([(_MARGIN, size, piece, src)] if piece.strip() else [])
                if end >= len(line):
                    break
                start = end
            k += 1
        offset += len(chunk) + 1
        for first in range(0, max(1, len(rows)), per_page):
            page: list[Drawn] = []
            y = height - _MARGIN
            for row in rows[first : first + per_page]:
                for x, size, piece, src in row:
                    page.append(Drawn(len(pages), x, y, size, piece, src))
                y -= _LEADING
            pages.append(page)
    return pages


def _table_rows(lines: list[str], starts: list[int], avail: float, string_width) -> list[list]:
    """Rows of (x, size, cell, src) for a block of tab-separated lines: column i starts at the
    same x on every row; a block wider than the page is drawn in a smaller font."""
    grid = []
    for line, pos in zip(lines, starts, strict=True):
        cells, k = [], pos
        for cell in line.split("\t"):
            cells.append((cell, tuple(range(k, k + len(cell)))))
            k += len(cell) + 1
        grid.append(cells)
    n = max(len(r) for r in grid)
    widths = [_SIZE] * n
    for r in grid:
        for i, (cell, _) in enumerate(r):
            widths[i] = max(widths[i], string_width(cell, _FONT, _SIZE))
    need = sum(widths) + _CELL_GAP * (n - 1)
    size = max(_MIN_SIZE, min(_SIZE, _SIZE * avail / need))
    scale = size / _SIZE
    xs = [_MARGIN]
    for w in widths[:-1]:
        xs.append(xs[-1] + (w + _CELL_GAP) * scale)
    return [
        [(xs[i], size, cell, src) for i, (cell, src) in enumerate(r) if cell.strip()] for r in grid
    ]


def _fit(line: str, start: int, avail: float, string_width) -> int:
    """The end of the longest piece of `line` from `start` that fits `avail` points."""
    end, w = start, 0.0
    while end < len(line):
        w += string_width(line[end], _FONT, _SIZE)
        if w > avail and end > start:
            break
        end += 1
    return end


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


def render_pdf(text: str, path: Path) -> list[list[Drawn]]:
    """Draw `text` into a PDF at `path` (same text, same bytes); returns what was drawn."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pages = layout_pages(text, width, height)
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
    """The document's gold spans moved onto the PDF's extracted text. A span keeps the
    stretch from its first to its last character found there; one with none found is dropped."""
    where = map_offsets(pages, extracted)
    out = []
    for sp in doc.spans:
        hits = [where[i] for i in range(sp.start, sp.end) if i in where]
        if not hits:
            continue
        start, end = min(hits), max(hits) + 1
        out.append(Span(start, end, sp.label, extracted[start:end]))
    return out


def write_pdf(doc: SynthDoc, out_dir: Path) -> Path:
    """Write `<out_dir>/<doc_id>.pdf`, `.gold.json` and `.spans.jsonl` (offsets into the text
    `ie.ingest` extracts from the PDF); return the PDF path."""
    from ie.ingest import ingest

    out_dir = Path(out_dir)
    path = out_dir / f"{doc.doc_id}.pdf"
    pages = render_pdf(doc.text, path)
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
