"""Shared fixtures: paths to the committed real example, ../shared, and made-up bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = ROOT / "corpora" / "real"
REAL_TXT = REAL_DIR / "004_3c37c7924f173325.txt"
SHARED = ROOT.parent / "shared"
JIANGSU = SHARED / "corpora" / "jiangsu"


def jiangsu_pdfs() -> list[Path]:
    """The 22 real provincial PDFs, or an empty list when ../shared is absent."""
    return sorted(JIANGSU.glob("*/*.pdf")) if JIANGSU.is_dir() else []


@pytest.fixture
def real_txt() -> Path:
    return REAL_TXT


@pytest.fixture(scope="session")
def pdf_with_text(tmp_path_factory) -> Path:
    """A one-page PDF with a Chinese text layer, made with reportlab's CID font."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "部门预算支出总表")
    c.drawString(72, 740, "单位：万元")
    c.drawString(72, 720, "合计 686.71 396.56 290.15")
    c.save()
    return path


@pytest.fixture(scope="session")
def bad_inputs(tmp_path_factory, pdf_with_text) -> dict[str, Path]:
    """Every kind of bad input the CLI must reject with one line: name -> path."""
    from reportlab.pdfgen import canvas

    d = tmp_path_factory.mktemp("bad")
    out = {"missing": d / "does-not-exist.txt", "directory": d}
    (d / "empty.txt").write_bytes(b"")
    out["empty"] = d / "empty.txt"
    (d / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    out["garbage"] = d / "garbage.txt"
    data = pdf_with_text.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    out["truncated_pdf"] = d / "truncated.pdf"
    c = canvas.Canvas(str(d / "encrypted.pdf"), encrypt="secret")
    c.drawString(72, 720, "secret")
    c.save()
    out["encrypted_pdf"] = d / "encrypted.pdf"
    c = canvas.Canvas(str(d / "scan.pdf"))
    c.rect(72, 600, 300, 100, fill=1)  # a page with drawing only: no text layer
    c.save()
    out["no_text_layer_pdf"] = d / "scan.pdf"
    (d / "english.txt").write_text("Quarterly report\nRevenue 100\n", encoding="utf-8")
    out["not_a_disclosure"] = d / "english.txt"
    (d / "fake.pdf").write_bytes("部门预算".encode() * 10)
    out["fake_pdf"] = d / "fake.pdf"
    return out
