"""OCR: scans (image-only PDFs, page images) read into the same records as their born-digital
versions; orientation and skew; the errors when OCR is off or not installed.

Scans are made here from real PDFs in ../shared (their fonts are embedded, so they render the
same on any machine) or from text drawn with a CJK font the machine has; tests skip, saying
why, when neither is at hand or when the `ocr` extra is not installed.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import jiangsu_pdfs

from ie.errors import IngestError
from ie.evaluate.fields import score_fields
from ie.ingest import ingest
from ie.ocr import (
    OcrLine,
    OcrUnavailable,
    Rule,
    get_engine,
    line_chars,
    profile_skew,
    reading_order,
)
from ie.pipeline import get_extractor
from ie.schema import Disclosure

rapidocr = pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra is not installed")

from training.synth.scan import ScanNoise, degrade, write_scan_pdf  # noqa: E402

TABLES_PDF = "江苏省人大常委会办公厅2019年部门预算公开表.pdf"


def _jiangsu(name: str) -> Path:
    found = [p for p in jiangsu_pdfs() if p.name == name]
    if not found:
        pytest.skip("../shared/corpora/jiangsu is absent")
    return found[0]


def _pages(pdf_path: Path, numbers: list[int], dpi: int = 150):
    """PIL images of some pages of a PDF (0-based numbers), rendered as a scanner would."""
    import pypdfium2 as pdfium

    from ie.ingest import pdfium_with_box_font

    pdfium_with_box_font()  # the same library state as ingest; these PDFs embed their fonts
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in numbers]
    finally:
        pdf.close()


def _subset_pdf(pdf_path: Path, numbers: list[int], out: Path) -> Path:
    """A born-digital PDF of some pages of `pdf_path`."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf_path))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, numbers)
    new.save(str(out))
    new.close()
    src.close()
    return out


def _only(record: Disclosure, *fields: str) -> Disclosure:
    return Disclosure.model_validate(record.model_dump(include={"doc_id", *fields}))


@pytest.fixture(scope="module")
def tables_pair(tmp_path_factory) -> tuple[Path, Path]:
    """Pages 2-8 of a real tables PDF, born-digital and as a degraded image-only scan."""
    pdf = _jiangsu(TABLES_PDF)
    tmp = tmp_path_factory.mktemp("scan")
    numbers = [1, 2, 3, 4, 5, 6, 7]
    born = _subset_pdf(pdf, numbers, tmp / "born.pdf")
    import random

    rng = random.Random(3)
    pages = [degrade(p, ScanNoise(), rng) for p in _pages(pdf, numbers)]
    scan = write_scan_pdf(pages, tmp / "scan.pdf", 150)
    return born, scan


def test_image_only_pdf_gives_the_born_digital_tables_and_figures(tables_pair):
    born_path, scan_path = tables_pair
    extractor = get_extractor()
    born, scan = extractor.extract(born_path), extractor.extract(scan_path)
    assert scan.source.format == "pdf"
    assert scan.source.ocr is not None and scan.source.ocr.pages == list(range(1, 8))
    assert "PP-OCRv4" in scan.source.ocr.engine
    assert born.source.ocr is None and '"ocr"' not in born.to_json()
    gold = _only(born, "tables", "key_figures")
    scores = score_fields("t", gold, scan)
    assert scores.counts["tables"].gold > 40
    assert scores.counts["tables"].f1 >= 0.9, scores.counts["tables"]
    assert scores.counts["tables_present"].f1 == 1.0
    assert [t.kind for t in scan.tables] == [t.kind for t in born.tables]


def test_page_image_png_reads_like_its_pdf_page(tmp_path):
    pdf = _jiangsu(TABLES_PDF)
    born = _subset_pdf(pdf, [7], tmp_path / "born.pdf")  # 一般公共预算基本支出 by economic code
    png = tmp_path / "page.png"
    _pages(pdf, [7])[0].save(png, dpi=(150, 150))
    extractor = get_extractor()
    record = extractor.extract(png)
    assert record.source.format == "image" and record.source.pages == 1
    scores = score_fields("p", _only(extractor.extract(born), "tables"), record)
    assert scores.counts["tables"].gold >= 20
    assert scores.counts["tables"].f1 >= 0.9, scores.counts["tables"]


def _char_f1(a: str, b: str) -> float:
    from collections import Counter

    ca = Counter("".join(a.split()))
    cb = Counter("".join(b.split()))
    return 2 * sum((ca & cb).values()) / (sum(ca.values()) + sum(cb.values()))


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_and_skewed_pages_are_read_upright(turn):
    pdf = _jiangsu(TABLES_PDF)
    page = _pages(pdf, [7])[0]
    engine = get_engine()
    upright = engine.read(np.asarray(page.convert("L")))
    import random

    turned = degrade(page, ScanNoise(rotate=2.0, turn=turn), random.Random(turn))
    read = engine.read(np.asarray(turned))
    assert read.rotation == (360 - turn) % 360
    text = " ".join(ln.text for ln in read.lines)
    assert _char_f1(" ".join(ln.text for ln in upright.lines), text) >= 0.95
    # Lines of one table row share a row after deskewing: the code and its amount.
    row = [ln for ln in read.lines if ln.text in ("30101", "1,258.23")]
    assert len(row) == 2 and abs(row[0].top - row[1].top) < 0.5 * (row[0].bottom - row[0].top)


def test_ocr_never_on_a_scan_is_the_old_one_line_error(tables_pair, tmp_path):
    _, scan = tables_pair
    with pytest.raises(IngestError, match="no text layer; OCR is off"):
        ingest(scan, ocr="never")
    done = subprocess.run(
        [sys.executable, "-m", "ie.cli", "extract", str(scan), "--ocr", "never"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "OCR is off" in done.stderr


def test_missing_ocr_extra_is_a_one_line_error(tables_pair, monkeypatch):
    _, scan = tables_pair
    get_engine.cache_clear()
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails
    try:
        with pytest.raises(OcrUnavailable, match=r"pip install 'budget-ie\[ocr\]'"):
            ingest(scan)
    finally:
        get_engine.cache_clear()


def test_text_pdf_pages_are_not_ocrd_in_auto(pdf_with_text):
    doc = ingest(pdf_with_text)
    assert doc.ocr is None


def test_character_boxes_follow_the_recognised_positions():
    chars = line_chars(
        "合计1,258.23",
        [0.05, 0.15, 0.3, 0.36, 0.42, 0.48, 0.54, 0.6, 0.66, 0.72],
        100.0,
        300.0,
        10.0,
        40.0,
    )
    assert [c.ch for c in chars] == list("合计1,258.23")
    assert all(a.x1 <= b.x0 + 1e-9 for a, b in itertools.pairwise(chars))
    wide, narrow = chars[0].x1 - chars[0].x0, chars[3].x1 - chars[3].x0
    assert wide > narrow


def test_profile_skew_measures_a_tilted_page():
    import cv2

    page = np.full((1200, 900), 255, dtype=np.uint8)
    for y in range(100, 1100, 40):
        cv2.rectangle(page, (80, y), (820, y + 14), 0, -1)  # lines of "text"
    for angle in (-1.5, 0.0, 0.8):
        matrix = cv2.getRotationMatrix2D((450, 600), -angle, 1.0)
        tilted = cv2.warpAffine(page, matrix, (900, 1200), borderValue=255)
        assert profile_skew(tilted) == pytest.approx(angle, abs=0.1)


def test_reading_order_keeps_a_wrapped_cell_together():
    def line(text: str, x0: float, top: float) -> OcrLine:
        xs = [i / max(1, len(text) - 1) for i in range(len(text))]
        return OcrLine(line_chars(text, xs, x0, x0 + 20 * len(text), top, top + 20), 1.0)

    name1, name2 = line("常委会会议", 100, 100), line("工作会议经费", 100, 160)
    fee, amount = line("会议费", 300, 130), line("229.00", 500, 130)
    below = line("会议服务", 100, 260)
    rules = [Rule(50, 60, 700, 62), Rule(50, 220, 700, 222), Rule(50, 320, 700, 322)]
    rows = reading_order([fee, name2, amount, below, name1], rules)
    assert [[[ln.text for ln in block] for block in row] for row in rows] == [
        [["常委会会议", "工作会议经费"], ["会议费"], ["229.00"]],
        [["会议服务"]],
    ]
    # Without rules the wrapped lines are too far apart to be one cell.
    assert all(
        len(b) == 1 for row in reading_order([fee, name2, amount, below, name1]) for b in row
    )


def _cjk_font() -> str | None:
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False
        ).stdout
    except FileNotFoundError:
        return None
    files = [line.split(":")[0] for line in out.splitlines() if line.strip()]
    return files[0] if files else None


def test_png_drawn_from_text_gives_the_text_records_fields(tmp_path, real_txt):
    """Text drawn into a page image with a CJK system font: the scan's key figures are the
    text version's."""
    font_file = _cjk_font()
    if font_file is None:
        pytest.skip("no CJK font on this machine to draw text with (fc-list :lang=zh is empty)")
    import textwrap

    from PIL import Image, ImageDraw, ImageFont

    text = real_txt.read_text(encoding="utf-8")
    prose = [
        ln.strip()
        for ln in text.splitlines()
        if "万元" in ln and "\t" not in ln and not ln.startswith("单位")
    ][:6]
    lines = [piece for ln in prose for piece in textwrap.wrap(ln, 36)][:36]
    font = ImageFont.truetype(font_file, 22)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((80, 80 + k * 42), line, font=font, fill=0)
    png = tmp_path / "drawn.png"
    image.save(png, dpi=(150, 150))
    txt = tmp_path / "drawn.txt"
    txt.write_text("\n".join(lines), encoding="utf-8")
    extractor = get_extractor()
    from_text, from_scan = extractor.extract(txt), extractor.extract(png)
    assert from_text.key_figures, "the drawn lines carry no key figures"
    scores = score_fields("d", _only(from_text, "key_figures"), from_scan)
    assert scores.counts["key_figures"].f1 >= 0.9, scores.counts["key_figures"]
