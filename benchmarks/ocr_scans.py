"""Scans of the 22 Jiangsu PDFs, read by OCR and scored against the same PDFs' born-digital
records; and the OCR engines compared on the same scanned pages.

Each PDF in ../shared/corpora/jiangsu is rendered at 150 dpi and degraded as a desk scanner
degrades paper (training/synth/scan.py: up to 1° of skew, blur, speckle, JPEG at quality 60),
then wrapped as an image-only PDF. `budget-ie` extracts both versions with the default backend;
the born-digital record is the gold (`ie.evaluate.fields.score_fields`: key figures, coded
table cells, projects).

Engines are compared on a sample of the scanned pages, one thread each, after a warm-up page:
seconds per page, and characters right against the PDF's text layer (order-free: the multiset
of non-space characters, since a scan's reading order of a table is not the text layer's;
"character error" below is 1 - that F1) and figures (numbers) found exactly.

    python benchmarks/ocr_scans.py                 # all 22 PDFs, writes benchmarks/OCR.md
    python benchmarks/ocr_scans.py --limit 3 --out /tmp/ocr.md
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _char_f1(truth: str, text: str) -> float:
    a = Counter(ch for ch in truth if not ch.isspace())
    b = Counter(ch for ch in text if not ch.isspace())
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 1.0


def _figures(truth: str, text: str) -> tuple[int, int]:
    a, b = Counter(FIGURE.findall(truth)), Counter(FIGURE.findall(text))
    return sum((a & b).values()), sum(a.values())


def compare_engines(pdfs: list[Path], engines: list[str], every: int) -> list[dict]:
    """Per engine: s/page, order-free character F1 and figure recall on sampled scan pages."""
    import numpy as np
    import pypdfium2 as pdfium

    from ie.ocr import get_engine
    from training.synth.scan import ScanNoise, pdf_pages

    sample: list[tuple[np.ndarray, str]] = []
    for n, pdf_path in enumerate(pdfs):
        pdf = pdfium.PdfDocument(str(pdf_path))
        pages = pdf_pages(pdf_path, ScanNoise(), seed=n)
        for i in range(n % every, len(pdf), every):
            truth = pdf[i].get_textpage().get_text_range()
            if truth.strip():
                sample.append((np.asarray(pages[i]), truth))
        pdf.close()
    rows = []
    for name in engines:
        try:
            engine = get_engine(name)
        except Exception as exc:  # an engine not installed is reported, not fatal
            rows.append({"engine": name, "error": str(exc)})
            continue
        engine.read(sample[0][0])  # warm-up
        f1s, right, total, seconds = [], 0, 0, 0.0
        for image, truth in sample:
            start = time.perf_counter()
            page = engine.read(image)
            seconds += time.perf_counter() - start
            text = "\n".join(line.text for line in page.lines)
            f1s.append(_char_f1(truth, text))
            r, t = _figures(truth, text)
            right, total = right + r, total + t
        rows.append(
            {
                "engine": engine.version,
                "pages": len(sample),
                "s_per_page": seconds / len(sample),
                "char_f1": sum(f1s) / len(f1s),
                "figure_recall": right / total if total else 1.0,
            }
        )
    return rows


def _extract_pair(args: tuple[str, str, int]) -> tuple[str, str, str, float, int]:
    pdf_path, scan_dir, seed = args
    from ie.pipeline import get_extractor
    from training.synth.scan import ScanNoise, scan_pdf

    scan = scan_pdf(pdf_path, Path(scan_dir) / f"{seed:02d}.pdf", ScanNoise(), seed=seed)
    extractor = get_extractor()
    born = extractor.extract(pdf_path)
    start = time.perf_counter()
    scanned = extractor.extract(scan)
    seconds = time.perf_counter() - start
    pages = born.source.pages if born.source else 0
    return born.to_json(None), scanned.to_json(None), Path(pdf_path).name, seconds, pages


def score_scans(pdfs: list[Path], workers: int) -> dict:
    from ie.evaluate.fields import score_fields
    from ie.evaluate.metrics import Counts
    from ie.schema import Disclosure

    sums: dict[str, Counts] = {}
    per_doc = []
    seconds = pages = 0.0
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(workers) as pool:
        jobs = [(str(p), tmp, n) for n, p in enumerate(pdfs)]
        for born_json, scan_json, name, secs, n_pages in pool.map(_extract_pair, jobs):
            gold = Disclosure.model_validate_json(born_json)
            pred = Disclosure.model_validate_json(scan_json)
            # Only the fields the benchmark scores count as stated in the gold.
            gold = Disclosure.model_validate(
                gold.model_dump(include={"doc_id", "key_figures", "tables", "projects"})
            )
            scores = score_fields(name, gold, pred)
            for key, counts in scores.counts.items():
                sums[key] = sums.get(key, Counts()) + counts
            per_doc.append((name, n_pages, secs, scores.counts))
            seconds += secs
            pages += n_pages
            print(f"  {name}: {n_pages} pages, {secs:.1f} s", file=sys.stderr, flush=True)
    return {"sums": sums, "per_doc": per_doc, "seconds": seconds, "pages": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N PDFs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=8, help="engine sample: every Nth page")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "OCR.md")
    args = parser.parse_args()
    if not JIANGSU.is_dir():
        sys.exit(f"skipped: {JIANGSU} is absent")
    pdfs = sorted(JIANGSU.rglob("*.pdf"))
    if args.limit:
        pdfs = pdfs[: args.limit]

    engines = compare_engines(pdfs, args.engines.split(","), args.every)
    print(engines, file=sys.stderr, flush=True)
    scans = score_scans(pdfs, args.workers)

    lines = [
        "# OCR: engines, and scans of the 22 Jiangsu PDFs",
        "",
        "Made by `python benchmarks/ocr_scans.py` on the 2-core development machine "
        f"({len(pdfs)} PDFs). Scans: each page rendered at 150 dpi, up to 1° of skew, blur, "
        "speckle and JPEG at quality 60, wrapped as an image-only PDF "
        "(`training/synth/scan.py`).",
        "",
        "## Engines on the same scanned pages (one thread, after a warm-up page)",
        "",
        "Character F1 is order-free (the multiset of non-space characters against the PDF's "
        "text layer); character error = 1 − F1. Figures: numbers in the text layer read "
        "exactly.",
        "",
        "| engine | pages | s/page | pages/s per core | character F1 | character error "
        "| figures right |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in engines:
        if "error" in row:
            lines.append(f"| {row['engine']} | not run: {row['error']} | | | | | |")
            continue
        lines.append(
            f"| {row['engine']} | {row['pages']} | {row['s_per_page']:.2f} | "
            f"{1 / row['s_per_page']:.2f} | {row['char_f1']:.4f} | {1 - row['char_f1']:.4f} | "
            f"{row['figure_recall']:.3f} |"
        )
    sums = scans["sums"]
    lines += [
        "",
        "## Scan record against the born-digital record (default engine and backend)",
        "",
        f"{scans['pages']:.0f} pages in {scans['seconds']:.0f} s of extraction "
        f"({scans['pages'] / scans['seconds']:.2f} pages/s per worker, "
        f"{args.workers} workers, rendering the scans not counted).",
        "",
        "| field | tp | pred | gold | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in ("key_figures", "tables", "tables_present", "projects"):
        if key in sums:
            c = sums[key]
            lines.append(
                f"| {key} | {c.tp} | {c.pred} | {c.gold} | {c.precision:.3f} | "
                f"{c.recall:.3f} | {c.f1:.3f} |"
            )
    lines += ["", "| PDF | pages | s | key figures F1 | table cells F1 | projects F1 |"]
    lines.append("|---|---:|---:|---:|---:|---:|")
    for name, n_pages, secs, counts in scans["per_doc"]:
        cells = [
            f"{counts[k].f1:.3f}" if k in counts and counts[k].gold else "–"
            for k in ("key_figures", "tables", "projects")
        ]
        lines.append(f"| {name} | {n_pages} | {secs:.0f} | " + " | ".join(cells) + " |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
