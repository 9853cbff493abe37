"""PDF → validated record against `pdftotext -layout` on the same files, in the same run.

    python benchmarks/bench_vs_pdftotext.py [--backend crf] [--repeat 3] [--stages]

The 22 Jiangsu PDFs (../shared/corpora/jiangsu): poppler's `pdftotext -layout` (text only, a C
program; Debian package poppler-utils) is the yardstick a researcher knows. Each side is timed
`--repeat` times over all files in one process on one core and the best run is kept; the ratio
is budget-ie's time over pdftotext's. `--stages` adds the time of each pipeline stage.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"


def time_pdftotext(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        subprocess.run(
            ["pdftotext", "-layout", str(p), os.devnull], check=True, capture_output=True
        )
    return time.perf_counter() - start


def time_budget_ie(paths: list[Path], backend: str) -> tuple[float, dict[str, float]]:
    from ie.ingest import ingest
    from ie.pipeline import Extractor

    extractor = Extractor(backend)
    extractor.extract(paths[0])  # warm-up: jieba's dictionary, the model
    stages: dict[str, float] = {"ingest": 0.0}
    start = time.perf_counter()
    if not hasattr(extractor, "stages"):  # an older checkout (PYTHONPATH=...): no stage list
        for p in paths:
            extractor.extract(p)
        return time.perf_counter() - start, {}
    for p in paths:
        t = time.perf_counter()
        doc = ingest(p)
        stages["ingest"] += time.perf_counter() - t
        values = {"document": doc}
        for stage in extractor.stages:
            t = time.perf_counter()
            values[stage.assigns] = stage.run(*(values[n] for n in stage.requires))
            stages[stage.name] = stages.get(stage.name, 0.0) + time.perf_counter() - t
    return time.perf_counter() - start, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="crf")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", action="store_true")
    args = parser.parse_args()
    paths = sorted(JIANGSU.glob("*/*.pdf"))
    if not paths:
        print("skipped: ../shared/corpora/jiangsu is not present")
        return 0
    if shutil.which("pdftotext") is None:
        print("skipped: pdftotext is not installed (apt-get install poppler-utils)")
        return 0
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from ie.ingest import ingest

    pages = sum(len(ingest(p).pages) for p in paths)
    poppler = min(time_pdftotext(paths) for _ in range(args.repeat))
    runs = [time_budget_ie(paths, args.backend) for _ in range(args.repeat)]
    ours, stages = min(runs, key=lambda r: r[0])
    print(f"{len(paths)} PDFs, {pages} pages, best of {args.repeat}, one process\n")
    print("| | seconds | pages/s | × pdftotext -layout |")
    print("|---|---:|---:|---:|")
    print(f"| pdftotext -layout (text only) | {poppler:.2f} | {pages / poppler:.0f} | 1.0 |")
    print(
        f"| budget-ie extract, {args.backend} (validated record) | {ours:.2f} | "
        f"{pages / ours:.0f} | {ours / poppler:.1f} |"
    )
    if args.stages:
        print("\n| stage | seconds | share |\n|---|---:|---:|")
        for name, seconds in stages.items():
            print(f"| {name} | {seconds:.2f} | {100 * seconds / ours:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
