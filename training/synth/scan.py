"""Scans made from born-digital PDFs: each page rendered to a greyscale image and degraded as a
desk scanner degrades paper (a slight rotation, blur, speckle noise, JPEG artefacts), then
wrapped as an image-only PDF, or kept as page images.

Used by benchmarks/ocr_scans.py (the 22 Jiangsu PDFs as scans, scored against their own
born-digital records) and by the tests. Deterministic for a given seed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter


@dataclass(frozen=True, slots=True)
class ScanNoise:
    """How a page is degraded. `rotate` is the largest skew in degrees (drawn per page)."""

    dpi: int = 150
    rotate: float = 1.0
    blur: float = 0.6
    speckle: float = 0.02
    jpeg_quality: int = 60
    turn: int = 0  # 90, 180 or 270: the page is scanned turned by this (clockwise)


def degrade(image: Image.Image, noise: ScanNoise, rng: random.Random) -> Image.Image:
    """One page image made to look scanned (greyscale)."""
    import numpy as np

    page = image.convert("L")
    if noise.rotate:
        angle = rng.uniform(-noise.rotate, noise.rotate)
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noise.turn:
        page = page.rotate(-noise.turn, expand=True)
    if noise.blur:
        page = page.filter(ImageFilter.GaussianBlur(noise.blur))
    if noise.speckle:
        pixels = np.asarray(page, dtype=np.int16)
        gen = np.random.default_rng(rng.randrange(2**32))
        grain = gen.normal(0, 12, pixels.shape)
        dots = gen.random(pixels.shape) < noise.speckle / 10
        pixels = np.clip(pixels + grain, 0, 255)
        pixels[dots] = gen.integers(0, 160, int(dots.sum()))
        page = Image.fromarray(pixels.astype(np.uint8), "L")
    if noise.jpeg_quality:
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=noise.jpeg_quality)
        page = Image.open(io.BytesIO(buffer.getvalue()))
        page.load()
    return page


def pdf_pages(pdf_path: str | Path, noise: ScanNoise, seed: int = 0) -> list[Image.Image]:
    """The pages of a PDF rendered at `noise.dpi` and degraded."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [
            degrade(pdf[i].render(scale=noise.dpi / 72).to_pil(), noise, rng)
            for i in range(len(pdf))
        ]
    finally:
        pdf.close()


def write_scan_pdf(pages: list[Image.Image], out: str | Path, dpi: int) -> Path:
    """An image-only PDF of `pages` (no text layer), each page its image at `dpi`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    first, rest = pages[0], pages[1:]
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return out


def scan_pdf(pdf_path: str | Path, out: str | Path, noise: ScanNoise, seed: int = 0) -> Path:
    """`pdf_path` printed and scanned: an image-only PDF written to `out`."""
    return write_scan_pdf(pdf_pages(pdf_path, noise, seed), out, noise.dpi)
