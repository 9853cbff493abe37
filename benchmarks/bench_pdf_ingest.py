"""Time PDF text + character-box extraction on the 22 Jiangsu PDFs with two libraries.

    python benchmarks/bench_pdf_ingest.py [--out benchmarks/PDF_INGEST.md]

Both candidates produce the same thing ingest needs: every character with its box. The figures
are measured in one run on the same files, so the ratio is the number to read.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import date
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"


def with_pypdfium2(path: Path) -> tuple[int, int]:
    from ie.ingest import ingest

    doc = ingest(path)
    return len(doc.pages), sum(b is not None for b in doc.boxes)


def with_pdfplumber(path: Path) -> tuple[int, int]:
    import pdfplumber

    chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.chars)
            page.extract_text()
        return len(pdf.pages), chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="write a Markdown table here")
    args = parser.parse_args()
    pdfs = sorted(SHARED.glob("*/*.pdf"))
    if not pdfs:
        raise SystemExit(f"no PDFs under {SHARED}; this benchmark needs ../shared")
    rows = []
    for name, fn in [("pypdfium2 (ie.ingest)", with_pypdfium2), ("pdfplumber", with_pdfplumber)]:
        fn(pdfs[0])  # warm imports
        start = time.perf_counter()
        pages = chars = 0
        for path in pdfs:
            p, c = fn(path)
            pages += p
            chars += c
        seconds = time.perf_counter() - start
        rows.append((name, seconds, pages, chars))
    base = rows[0][1]
    lines = [
        "# PDF ingest: pypdfium2 vs pdfplumber",
        "",
        f"{len(pdfs)} Jiangsu PDFs, text + per-character boxes, one process, measured "
        f"{date.today().isoformat()} on {platform.machine()} / Python {platform.python_version()} "
        f"({platform.processor() or 'cpu'}).",
        "",
        "| library | seconds | pages | boxed chars | pages/s | time vs pypdfium2 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, seconds, pages, chars in rows:
        lines.append(
            f"| {name} | {seconds:.2f} | {pages} | {chars} | {pages / seconds:.0f} | "
            f"{seconds / base:.1f}× |"
        )
    lines += [
        "",
        "pypdfium2 is the ingest library: same information (text, character boxes), "
        "far less time per page, which matters for corpora of 100k files.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
