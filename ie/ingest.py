"""Ingest: a path in, a `Document` out (text, pages, lines, and for PDF the character boxes).

`Document.text` is the *source text* that SCHEMA.md offsets point into: for `.txt` the decoded
file exactly as read; for `.pdf` the text pypdfium2 extracts, page after page, with `\\r\\n`
folded to `\\n` and pages separated by a form feed (`\\f`); for a scan (an image file, or a
PDF page without a text layer) the text OCR read (`ie.ocr`), one visual row per line, the
row's pieces joined by a space as pdfium joins a table row's cells, each character with its
box, so a scan goes through the rest of the pipeline as a born-digital PDF does.

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
from typing import NamedTuple

from ie.errors import IngestError
from ie.schema import OcrSource, Source

PAGE_BREAK = "\f"
_CJK = re.compile(r"[\u3400-\u9fff]")
# Control characters that never occur in text (tab, newline, CR and form feed are fine).
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PDF_MAGIC = b"%PDF-"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})
# Magic numbers of the image formats read (PNG, JPEG, TIFF both byte orders, BMP, WebP's RIFF).
_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"RIFF")


class Box(NamedTuple):
    """Where one character of `Document.text` sits on its page (PDF points, top-left origin).
    A named tuple: a document has one per character, made ~4× faster than a frozen
    dataclass's."""

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
    ocr: OcrSource | None = None

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
    """The record's `source`: path, format, page count (PDF, image, or text with form feeds),
    sha256, and for a scan which pages OCR read and with what engine."""
    pages = len(doc.pages) if doc.format != "txt" or len(doc.pages) > 1 else None
    return Source(path=doc.path, format=doc.format, pages=pages, sha256=doc.sha256, ocr=doc.ocr)


def ingest(path: str | Path, ocr: str = "auto", engine: str | None = None) -> Document:
    """Read a `.txt` (UTF-8, UTF-8 with BOM, GB18030/GBK), `.pdf` or page-image disclosure
    (PNG, JPEG, TIFF with one or more pages, BMP, WebP).

    `ocr`: ``auto`` reads the PDF pages that have no text layer, and images, with OCR;
    ``always`` reads every page with OCR (a PDF whose text layer is garbage); ``never`` reads
    none (a scan is then an error). `engine`: the OCR engine (`ie.ocr.ENGINES`; default
    rapidocr). Raises IngestError with a one-line reason for anything that is not a readable
    disclosure, and `ie.ocr.OcrUnavailable` when OCR is needed but not installed.
    """
    if ocr not in ("auto", "always", "never"):
        raise IngestError(f"--ocr must be auto, always or never, not {ocr!r}")
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
        return _ingest_pdf(p, data, sha, ocr, engine)
    if data.startswith(_IMAGE_MAGIC) or p.suffix.lower() in IMAGE_SUFFIXES:
        return _ingest_image(p, data, sha, ocr, engine)
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


def _ingest_pdf(path: Path, data: bytes, sha: str, ocr: str, engine: str | None) -> Document:
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
        return _read_pdf(pdf, path, sha, ocr, engine)
    finally:
        pdf.close()


def _read_pdf(pdf, path: Path, sha: str, ocr: str, engine: str | None) -> Document:
    out = _PageWriter()
    n_pages = len(pdf)
    if n_pages == 0:
        raise IngestError(f"{path}: PDF has no pages")
    reader = None
    for index in range(n_pages):
        page = pdf[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        raw = textpage.get_text_range()
        if ocr == "always" or (ocr == "auto" and not raw.strip()):
            reader = reader or _OcrReader(engine)
            image = page.render(scale=reader.dpi / 72, grayscale=True).to_pil().convert("L")
            out.ocr_page(reader.read(image, index + 1), 72 / reader.dpi, index + 1)
        else:
            # get_text_range may differ in length from count_chars when pdfium adds
            # characters; boxes are taken by index only where the two agree.
            same = len(raw) == textpage.count_chars()
            charbox = _CharBoxes(textpage)
            out.start_page()
            chars, boxes = out.chars, out.boxes  # out.add, inlined: a call per character
            for i, ch in enumerate(raw):
                if ch == "\r":
                    continue
                box = None
                if same and ch not in "\n " and (got := charbox(i)) is not None:
                    left, bottom, right, top = got
                    if right > left or top > bottom:
                        box = Box(left, height - top, right, height - bottom, index + 1)
                chars.append(ch)
                boxes.append(box)
            out.end_page(index + 1, width, height)
        textpage.close()
        page.close()
    text = "".join(out.chars)
    if not text.strip():
        if ocr == "never":
            raise IngestError(f"{path}: no text layer; OCR is off (--ocr never)")
        raise IngestError(f"{path}: no text found, neither in a text layer nor by OCR")
    if not _CJK.search(text):
        raise IngestError(f"{path}: no Chinese text found; not a budget disclosure")
    return Document(
        str(path),
        "pdf",
        text,
        tuple(out.pages),
        sha,
        None,
        tuple(out.boxes),
        reader.source() if reader else None,
    )


class _CharBoxes:
    """`textpage.get_charbox(i)` (left, bottom, right, top): the same pdfium function, called
    with its four output doubles made once per page, and through a copy of its ctypes pointer
    without `argtypes`, whose per-argument conversions cost twice the call itself (the
    arguments passed are already what the C function takes: a handle, an int, four double
    pointers). The wrapper's way was a third of the time of reading a born-digital PDF."""

    def __init__(self, textpage) -> None:
        import ctypes

        import pypdfium2.raw as pdfium_c

        typed = pdfium_c.FPDFText_GetCharBox
        self._get = type(typed).from_address(ctypes.addressof(typed))
        self._get.restype = ctypes.c_int
        self._page = ctypes.cast(textpage.raw, ctypes.c_void_p)
        self._out = [ctypes.c_double() for _ in range(4)]
        self._refs = [ctypes.byref(d) for d in self._out]

    def __call__(self, i: int) -> tuple[float, float, float, float] | None:
        """None where pdfium has no box for the character (a damaged page): the character is
        kept, without a place, as one whose box is empty."""
        left, right, bottom, top = self._out
        if not self._get(self._page, i, *self._refs):  # pdfium's order: left, right, bottom, top
            return None
        return left.value, bottom.value, right.value, top.value


# --- scans ----------------------------------------------------------------------------------


class _PageWriter:
    """Builds `Document.text`, its boxes and its pages, page after page (form feed between)."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.boxes: list[Box | None] = []
        self.pages: list[Page] = []
        self._start = 0

    def add(self, ch: str, box: Box | None = None) -> None:
        self.chars.append(ch)
        self.boxes.append(box)

    def start_page(self) -> None:
        if self.pages:
            self.add(PAGE_BREAK)
        self._start = len(self.chars)

    def end_page(self, number: int, width: float | None, height: float | None) -> None:
        self.pages.append(Page(number, self._start, len(self.chars), width, height))

    def ocr_page(self, page, scale: float, number: int) -> None:
        """Write an `ie.ocr.OcrPage` (pixels; `scale` points per pixel) as text and boxes."""
        from ie.ocr import reading_order

        self.start_page()
        for k, row in enumerate(reading_order(page.lines, page.rules[0])):
            if k:
                self.add("\n")
            for n, block in enumerate(row):
                # One-line cells of a row are joined by a space, a cell of several lines is
                # set off by line breaks: as pdfium writes a table row.
                if n:
                    single = len(block) == 1 and len(row[n - 1]) == 1
                    self.add(" " if single else "\n")
                for m, line in enumerate(block):
                    if m:
                        self.add("\n")
                    for c in line.chars:
                        x0, x1 = c.x0 * scale, c.x1 * scale
                        self.add(c.ch, Box(x0, c.top * scale, x1, c.bottom * scale, number))
        self.end_page(number, page.width * scale, page.height * scale)


class _OcrReader:
    """The OCR engine, loaded on first need, and the pages it read."""

    def __init__(self, engine: str | None) -> None:
        from ie.ocr import DEFAULT_DPI, DEFAULT_ENGINE, get_engine

        self.engine = get_engine(engine or DEFAULT_ENGINE)
        self.dpi = DEFAULT_DPI
        self.pages: list[int] = []

    def read(self, image, number: int):
        """OCR one page (a PIL image) and note its number."""
        import numpy as np

        self.pages.append(number)
        return self.engine.read(np.asarray(image))

    def source(self) -> OcrSource:
        return OcrSource(engine=self.engine.version, pages=self.pages)


def _ingest_image(path: Path, data: bytes, sha: str, ocr: str, engine: str | None) -> Document:
    """A page image, or a multi-page TIFF: every page read by OCR."""
    import io

    from PIL import Image, ImageOps, UnidentifiedImageError

    if ocr == "never":
        raise IngestError(f"{path}: an image has no text layer; OCR is off (--ocr never)")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise IngestError(f"{path}: not a readable image ({exc})") from exc
    reader = _OcrReader(engine)
    out = _PageWriter()
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        frame = ImageOps.exif_transpose(image).convert("L")
        dpi = image.info.get("dpi", (0, 0))[0]
        # Without a resolution, the page is taken to be A4 across its shorter side.
        scale = 72 / dpi if dpi and dpi >= 50 else 595.28 / min(frame.size)
        out.ocr_page(reader.read(frame, index + 1), scale, index + 1)
    text = "".join(out.chars)
    if not _CJK.search(text):
        raise IngestError(f"{path}: OCR found no Chinese text; not a budget disclosure")
    return Document(
        str(path), "image", text, tuple(out.pages), sha, None, tuple(out.boxes), reader.source()
    )
