"""Ingest: a path in, a `Document` out (text, pages, lines, and for PDF the character boxes).

`Document.text` is the *source text* that SCHEMA.md offsets point into: for `.txt` the decoded
file exactly as read; for `.pdf` the text pypdfium2 extracts, page after page, with `\\r\\n`
folded to `\\n` and pages separated by a form feed (`\\f`).

PDF library: pypdfium2, chosen by measurement against pdfplumber (benchmarks/PDF_INGEST.md).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from ie.errors import IngestError
from ie.schema import Source

PAGE_BREAK = "\f"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Control characters that never occur in text (tab, newline, CR and form feed are fine).
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True, slots=True)
class Box:
    """Where one character of `Document.text` sits on its page (PDF points, top-left origin)."""

    x0: float
    top: float
    x1: float
    bottom: float
    page_number: int


@dataclass(frozen=True, slots=True)
class Page:
    """A page: its 1-based number and its `[start, end)` range in `Document.text`."""

    number: int
    start: int
    end: int
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of `Document.text`, without its newline, with its offsets."""

    start: int
    end: int
    text: str
    page_number: int


@dataclass(frozen=True)
class Document:
    """What a source file holds, with provenance. `boxes[i]` is the box of `text[i]` (PDF only;
    None for characters the PDF library generated, such as line breaks between cells)."""

    path: str
    format: str
    text: str
    pages: tuple[Page, ...]
    sha256: str
    encoding: str | None = None
    boxes: tuple[Box | None, ...] | None = field(default=None, repr=False)

    @property
    def doc_id(self) -> str:
        return Path(self.path).stem

    @cached_property
    def lines(self) -> tuple[Line, ...]:
        out: list[Line] = []
        for page in self.pages:
            pos = page.start
            for raw in self.text[page.start : page.end].split("\n"):
                out.append(Line(pos, pos + len(raw), raw, page.number))
                pos += len(raw) + 1
        return tuple(out)

    @cached_property
    def _page_ends(self) -> tuple[int, ...]:
        return tuple(page.end for page in self.pages)

    def page_of(self, offset: int) -> int:
        """The 1-based page number that holds character `offset` (the first page that ends
        after it, else the last page)."""
        if not self.pages:
            return 1
        k = bisect_right(self._page_ends, offset)
        return self.pages[min(k, len(self.pages) - 1)].number


def source_of(doc: Document) -> Source:
    """The record's `source`: path, format, page count (PDF, or text with form feeds), sha256."""
    pages = len(doc.pages) if doc.format == "pdf" or len(doc.pages) > 1 else None
    return Source(path=doc.path, format=doc.format, pages=pages, sha256=doc.sha256)


def ingest(path: str | Path) -> Document:
    """Read a `.txt` (UTF-8, UTF-8 with BOM, GB18030/GBK) or `.pdf` disclosure.

    Raises IngestError with a one-line reason for anything that is not a readable disclosure.
    """
    p = Path(path)
    if not p.exists():
        raise IngestError(f"{p}: no such file")
    if p.is_dir():
        raise IngestError(f"{p}: is a directory; use `budget-ie batch` for folders")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise IngestError(f"{p}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise IngestError(f"{p}: empty file")
    sha = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == _PDF_MAGIC or p.suffix.lower() == ".pdf":
        return _ingest_pdf(p, data, sha)
    return _ingest_text(p, data, sha)


# --- text -----------------------------------------------------------------------------------


def decode_text(data: bytes, name: str = "input") -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or GB18030, never guessing silently.

    Returns (text, encoding). GB18030 is a superset of GBK and GB2312, so one codec covers all
    three. Raises IngestError when the bytes are binary or decode to no Chinese text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise IngestError(f"{name}: binary data, not a text disclosure")
        if not _CJK.search(text):
            raise IngestError(f"{name}: no Chinese text found; not a budget disclosure")
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    if _looks_binary(data.decode("latin-1")):
        raise IngestError(f"{name}: binary data, not a text disclosure")
    raise IngestError(
        f"{name}: not valid UTF-8 or GB18030/GBK text; re-save it as UTF-8 and try again"
    )


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    return bool(sample) and len(_BINARY.findall(sample)) > max(2, len(sample) // 1000)


def _ingest_text(path: Path, data: bytes, sha: str) -> Document:
    text, encoding = decode_text(data, str(path))
    return text_document(text, str(path), sha, encoding)


def text_document(
    text: str, source: str = "made.txt", sha256: str = "0", encoding: str = "utf-8"
) -> Document:
    """A text Document from a string already in memory; pages split at form feeds."""
    pages = []
    pos = 0
    for number, chunk in enumerate(text.split(PAGE_BREAK), 1):
        pages.append(Page(number, pos, pos + len(chunk)))
        pos += len(chunk) + 1
    return Document(source, "txt", text, tuple(pages), sha256, encoding)


# --- pdf ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def pdfium_with_box_font():
    """pypdfium2, initialised to substitute only `ie/data/fonts/budget-ie-box.ttf` for fonts
    a PDF does not embed, never the machine's own fonts.

    pdfium drops a one-glyph text object whose substitute glyph has no outline (a lone CJK
    character on a machine without CJK fonts), so without this the text of a PDF would depend
    on the fonts installed (see tools/make_box_font.py). With user font paths set, pdfium
    searches only them. The library is re-initialised once, before the first PDF is opened;
    documents opened earlier through pypdfium2 in this process are closed by it.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from pypdfium2 import _library_scope
    from pypdfium2.internal import bases

    folder = str(resources.files("ie") / "data" / "fonts").encode()
    char_p = ctypes.POINTER(ctypes.c_char)
    paths = (char_p * 2)(ctypes.cast(ctypes.c_char_p(folder), char_p), None)
    if bases.LIBRARY_AVAILABLE:
        _library_scope.destroy_lib()
    config = pdfium_c.FPDF_LIBRARY_CONFIG(
        version=2, m_pUserFontPaths=paths, m_pIsolate=None, m_v8EmbedderSlot=0
    )
    pdfium_c.FPDF_InitLibraryWithConfig(config)
    bases.LIBRARY_AVAILABLE = True
    _FONT_PATHS.append((folder, paths))  # pdfium keeps the pointers: keep them alive
    return pdfium


_FONT_PATHS: list[object] = []


def _ingest_pdf(path: Path, data: bytes, sha: str) -> Document:
    pdfium = pdfium_with_box_font()

    if not data.lstrip().startswith(_PDF_MAGIC):
        raise IngestError(f"{path}: named .pdf but is not a PDF file")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise IngestError(
                f"{path}: encrypted PDF; decrypt it first (e.g. qpdf --decrypt)"
            ) from exc
        raise IngestError(f"{path}: damaged or truncated PDF ({exc})") from exc
    try:
        return _read_pdf(pdf, path, sha)
    finally:
        pdf.close()


def _read_pdf(pdf, path: Path, sha: str) -> Document:
    chars: list[str] = []
    boxes: list[Box | None] = []
    pages: list[Page] = []
    n_pages = len(pdf)
    if n_pages == 0:
        raise IngestError(f"{path}: PDF has no pages")
    for index in range(n_pages):
        page = pdf[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        if pages:
            chars.append(PAGE_BREAK)
            boxes.append(None)
        start = len(chars)
        raw = textpage.get_text_range()
        # get_text_range may differ in length from count_chars when pdfium adds characters;
        # boxes are taken by index only where the two agree.
        same = len(raw) == textpage.count_chars()
        for i, ch in enumerate(raw):
            if ch == "\r":
                continue
            chars.append(ch)
            box = None
            if same and ch not in "\n ":
                left, bottom, right, top = textpage.get_charbox(i)
                if right > left or top > bottom:
                    box = Box(left, height - top, right, height - bottom, index + 1)
            boxes.append(box)
        pages.append(Page(index + 1, start, len(chars), width, height))
        textpage.close()
        page.close()
    text = "".join(chars)
    if not _CJK.search(text) and not text.strip():
        raise IngestError(f"{path}: no text layer; OCR is not enabled")
    if not _CJK.search(text):
        raise IngestError(f"{path}: no Chinese text found; not a budget disclosure")
    return Document(str(path), "pdf", text, tuple(pages), sha, None, tuple(boxes))
