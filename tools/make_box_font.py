"""Build ie/data/fonts/budget-ie-box.ttf: the one font pdfium may substitute, so that reading a
PDF does not depend on the fonts a machine has (`ie.ingest`).

A PDF that does not embed its fonts (reportlab's STSong-Light, many real disclosures) is read
with whatever system font pdfium finds for them. Its glyph outlines decide which characters
pdfium keeps and where their boxes are: a text object of one glyph with an empty outline has
zero width and is dropped from the page text, so on a machine without CJK fonts
single-character cells vanish. This font maps every Basic Multilingual Plane code point to one
of two glyphs shaped like a typical CJK font's ink: an ideograph's box for wide characters
(East Asian width W, F or A) and a digit's box for the rest, so every glyph has an outline,
and the same one, on every machine. It is built with fontTools (a binary font made by hand
could not be reviewed); run `python tools/make_box_font.py` to rebuild it.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib.tables._c_m_a_p import cmap_format_13

OUT = Path(__file__).resolve().parent.parent / "ie" / "data" / "fonts" / "budget-ie-box.ttf"
EM, ASCENT, DESCENT = 1000, 880, 120


# Ink boxes (x0, y0, x1, y1) in font units, as Noto Sans CJK draws an ideograph and a digit.
WIDE_INK = (40, -80, 960, 860)
NARROW_INK = (50, 0, 450, 720)


def _rectangle(x0: int, y0: int, x1: int, y1: int) -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


def _glyph_of(cp: int) -> str:
    return "wide" if unicodedata.east_asian_width(chr(cp)) in "WFA" else "narrow"


def build(path: Path = OUT) -> Path:
    """Write the font to `path` and return it."""
    fb = FontBuilder(EM, isTTF=True)
    fb.setupGlyphOrder([".notdef", "wide", "narrow", "space"])
    # A format-4 subtable for the space (required by many readers) plus a format-13 subtable
    # that maps every other BMP code point to one of the two glyphs.
    fb.setupCharacterMap({0x20: "space"})
    many = cmap_format_13(13)
    many.platformID, many.platEncID, many.language = 3, 10, 0
    many.cmap = {cp: _glyph_of(cp) for cp in range(0x21, 0x10000) if not 0xD800 <= cp < 0xE000}
    fb.font["cmap"].tables.append(many)
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf(
        {
            ".notdef": empty,
            "wide": _rectangle(*WIDE_INK),
            "narrow": _rectangle(*NARROW_INK),
            "space": empty,
        }
    )
    fb.setupHorizontalMetrics(
        {".notdef": (EM, 0), "wide": (EM, 40), "narrow": (EM // 2, 50), "space": (EM // 4, 0)}
    )
    fb.setupHorizontalHeader(ascent=ASCENT, descent=-DESCENT)
    fb.setupNameTable({"familyName": "BudgetIEBox", "styleName": "Regular"})
    # Code pages: Latin 1, simplified and traditional Chinese, Japanese, Korean, so the font is
    # a candidate for every charset a disclosure's fonts declare.
    fb.setupOS2(
        sTypoAscender=ASCENT,
        sTypoDescender=-DESCENT,
        usWinAscent=ASCENT,
        usWinDescent=DESCENT,
        ulCodePageRange1=(1 << 0) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20),
        ulUnicodeRange1=(1 << 0) | (1 << 1),
        ulUnicodeRange2=(1 << (48 - 32)) | (1 << (59 - 32)),
    )
    fb.setupPost()
    path.parent.mkdir(parents=True, exist_ok=True)
    fb.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
