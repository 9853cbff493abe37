"""PDF → validated record against `pdftotext -layout` on the same files, in the same run.

    python benchmarks/bench_vs_pdftotext.py [--backend crf] [--repeat 3] [--stages] [--before DIR]

The 22 Jiangsu PDFs (../shared/corpora/jiangsu): poppler's `pdftotext -layout` (text only, a C
program; Debian package poppler-utils) is the yardstick a researcher knows. Each side is timed
`--repeat` times over all files on one core, the two in turn, budget-ie in a fresh process each
time (warmed up on a text outside the set, with the OCR engine loaded: start-up costs are not
per-document costs), and the best run of each is kept; the ratio is
budget-ie's time over pdftotext's, in wall time and in CPU time (user + system). `--stages`
adds the time of each pipeline stage. `--before DIR` also times the `ie` package of another
checkout (`git archive BASE | tar -x -C DIR`), in turn with the other two.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"  # the warm-up document


def time_pdftotext(paths: list[Path]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, of the pdftotext processes) over `paths`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for p in paths:
        subprocess.run(
            ["pdftotext", "-layout", str(p), os.devnull], check=True, capture_output=True
        )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_budget_ie(
    paths: list[Path], backend: str, checkout: Path | None = None
) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds of extracting every file of `paths` in a fresh process, and the
    wall seconds of each stage.

    A fresh process each time: the pipeline remembers what it cut and parsed (jieba's blocks,
    figures, cell keys), so a second pass over the same files in one process is faster than
    any first pass a researcher's new corpus gets. `checkout`: import `ie` from that
    folder (another version of the code) instead."""
    env = {**os.environ, "PYTHONPATH": str(checkout)} if checkout else None
    out = subprocess.run(
        [sys.executable, __file__, "--child", backend, *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result = json.loads(out.stdout.splitlines()[-1])
    return result["seconds"], result["cpu"], result["stages"]


def _child(paths: list[Path], backend: str) -> tuple[float, float, dict[str, float]]:
    from ie.ingest import ingest
    from ie.pipeline import Extractor

    extractor = Extractor(backend)
    extractor.extract(REAL)  # warm-up on a file outside the set: jieba's dictionary, the model
    from ie.ocr import DEFAULT_ENGINE, OcrUnavailable, get_engine

    try:  # and the OCR engine (one Jiangsu page is an image), loaded once per process too
        get_engine(DEFAULT_ENGINE)
    except OcrUnavailable:  # no OCR extra: that page costs nothing either way
        pass
    stages: dict[str, float] = {"ingest": 0.0}
    start, cpu = time.perf_counter(), time.process_time()
    if not hasattr(extractor, "stages"):  # an older checkout (PYTHONPATH=...): no stage list
        for p in paths:
            extractor.extract(p)
        return time.perf_counter() - start, time.process_time() - cpu, {}
    for p in paths:
        t = time.perf_counter()
        doc = ingest(p)
        stages["ingest"] += time.perf_counter() - t
        values = {"document": doc}
        for stage in extractor.stages:
            t = time.perf_counter()
            values[stage.assigns] = stage.run(*(values[n] for n in stage.requires))
            stages[stage.name] = stages.get(stage.name, 0.0) + time.perf_counter() - t
    return time.perf_counter() - start, time.process_time() - cpu, stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="crf")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--before", type=Path, help="another checkout whose ie is 'before'")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # BACKEND PATH...: one timed pass
    args, rest = parser.parse_known_args()
    if args.child:
        seconds, cpu, stages = _child([Path(p) for p in rest], args.child)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "stages": stages}))
        return 0
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
    sides: dict[str, Path | None] = {"after": None}
    if args.before:
        sides = {"before": args.before, "after": None}
    runs: dict[str, list] = {"pdftotext": [], **{side: [] for side in sides}}
    for _ in range(args.repeat):  # the sides in turn: a slow spell of the machine hits all
        runs["pdftotext"].append(time_pdftotext(paths))
        for side, checkout in sides.items():
            runs[side].append(time_budget_ie(paths, args.backend, checkout))
    poppler_wall = min(r[0] for r in runs["pdftotext"])
    poppler_cpu = min(r[1] for r in runs["pdftotext"])
    print(f"{len(paths)} PDFs, {pages} pages, best of {args.repeat}, one process each")
    ratios = [r[0] / p[0] for r, p in zip(runs["after"], runs["pdftotext"], strict=True)]
    print(
        "(wall-time ratio of each run to the pdftotext run before it: "
        + ", ".join(f"{x:.2f}" for x in ratios)
        + ")\n"
    )
    print("| | wall s | CPU s | pages/s (wall) | × pdftotext -layout, wall | × pdftotext, CPU |")
    print("|---|---:|---:|---:|---:|---:|")
    print(
        f"| pdftotext -layout (text only) | {poppler_wall:.2f} | {poppler_cpu:.2f} | "
        f"{pages / poppler_wall:.0f} | 1.0 | 1.0 |"
    )
    best = {}
    for side in sides:
        wall, _, stages = min(runs[side], key=lambda r: r[0])
        cpu = min(r[1] for r in runs[side])
        best[side] = (wall, stages)
        label = f"budget-ie extract, {args.backend} (validated record)"
        if args.before:
            label += f", {side}" + (f" ({args.before.name})" if side == "before" else "")
        print(
            f"| {label} | {wall:.2f} | {cpu:.2f} | {pages / wall:.0f} | "
            f"{wall / poppler_wall:.1f} | {cpu / poppler_cpu:.1f} |"
        )
    if args.stages:
        names = list(dict.fromkeys(n for _, st in best.values() for n in st))
        print("\n| stage | " + " | ".join(f"{side} s" for side in sides) + " |")
        print("|---|" + "---:|" * len(sides))
        for name in names:
            cells = " | ".join(f"{best[side][1].get(name, 0.0):.2f}" for side in sides)
            print(f"| {name} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
