"""PDF rendering of a synthetic document with reportlab's CJK CID font (STSong-Light).

The PDF carries the document's text line by line (tabs become spaces), pages cut at form feeds
or every `lines_per_page` lines. It ships with its gold record only: the gold spans are relative
to the .txt rendering, not to the text a PDF library extracts (see corpora/README.md).
"""

from __future__ import annotations

from pathlib import Path

from training.synth.corpus import SynthDoc

_FONT = "STSong-Light"


def write_pdf(doc: SynthDoc, out_dir: Path, lines_per_page: int = 48) -> Path:
    """Write `<out_dir>/<doc_id>.pdf` and `<doc_id>.gold.json`; return the PDF path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    path = Path(out_dir) / f"{doc.doc_id}.pdf"
    height = A4[1]
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)  # invariant: same seed, same bytes
    for page in doc.text.split("\f"):
        lines = page.split("\n")
        for start in range(0, max(1, len(lines)), lines_per_page):
            pdf.setFont(_FONT, 9)
            y = height - 40
            for line in lines[start : start + lines_per_page]:
                pdf.drawString(36, y, line.replace("\t", "  ")[:90])
                y -= 16
            pdf.showPage()
    pdf.save()
    Path(out_dir, f"{doc.doc_id}.gold.json").write_text(doc.record.to_json(), encoding="utf-8")
    return path
