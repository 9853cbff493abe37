"""Cost against input size: wall time and peak RSS of one extraction at 1×, 2×, 4× and 8×.

    python benchmarks/scaling.py [--backends crf,rules] [--families real,header,tabs,longline]
                                 [--scales 1,2,4,8] [--timeout 300] [--max-gib 6] [--repeat 1]
                                 [--before DIR] [--out benchmarks/SCALING.md]

Each input goes through the whole pipeline (`Extractor(backend).extract(path)`) in a fresh child
process, after a warm-up extraction of a small text (jieba's dictionary, the model), so its peak
RSS (VmHWM) is its own and its time is the extraction's. Input families, generated into a
temporary folder: `real` (corpora/real/004 repeated), `header` (indicator-table header lines,
with tabs, spaces and full-width spaces), `tabs` (lines of many tabs with a few numbers and
words) and `longline` (one line of CJK prose with numbers, no newline). `--before DIR` runs
every input a second time with the `ie` package of another checkout (e.g. `git archive BASE |
tar -x -C DIR`) and puts both figures side by side. A child that runs past `--timeout` is
stopped and shown as `>N s`. The ratio is time(8×) / time(1×); the target is at most 10. On a
shared machine single runs are noisy: `--repeat N` keeps the fastest of N runs per input.
Writes the Markdown table to `--out` (with the command on top) and prints it.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"

# Base sizes in characters, chosen so that 1× takes about a second with the crf backend.
BASE_CHARS = {"real": 40_000, "header": 30_000, "tabs": 60_000, "longline": 30_000}
FAMILIES = tuple(BASE_CHARS)

_HEADERS = (
    "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据",
    "一级指标 二级指标 三级指标 绩效指标描述 指标值 指标值确定依据",
    "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据",
    "一级指标\u3000二级指标\u3000三级指标\u3000绩效指标描述\u3000指标值\u3000指标值确定依据",
    "一级指标\t\t二级指标\t三级指标\t\t绩效指标描述\t指标值\t\t指标值确定依据",
)
_PROSE = (
    "本部门{y}年一般公共预算拨款收入{a}.{b}万元，比上年增加{c}.{d}万元，增长{e}%，"
    "主要原因是人员经费和{w}项目支出增加；其中基本支出{f}.{b}万元，项目支出{g}.{d}万元。"
)
_WORDS = ("合计", "办公费", "差旅费", "培训费", "公务接待费", "项目支出", "基本支出")


def make_text(family: str, chars: int) -> str:
    """About `chars` characters of `family` (deterministic: the same input every run)."""
    parts: list[str] = []
    size, i = 0, 0
    while size < chars:
        if family == "real":
            piece = REAL.read_text("utf-8") if not parts else parts[0]
        elif family == "header":
            piece = _HEADERS[i % len(_HEADERS)] + "\n"
        elif family == "tabs":
            word = _WORDS[i % len(_WORDS)]
            piece = "\t" * (20 + i % 17) + f"{i % 997}.{i % 89:02d}" + "\t" * 13 + word
            piece += "\t" * (9 + i % 5) + str(i) + "\t" * 30 + "\n"
        elif family == "longline":
            piece = _PROSE.format(
                y=2000 + i % 30, a=100 + i % 900, b=i % 100, c=i % 97, d=i % 89, e=i % 50,
                f=50 + i % 500, g=20 + i % 300, w=_WORDS[i % len(_WORDS)],
            )  # fmt: skip
        else:
            raise ValueError(f"unknown family {family!r}; valid: {', '.join(FAMILIES)}")
        parts.append(piece)
        size += len(piece)
        i += 1
    return "".join(parts)


def child(path: str, backend: str) -> None:
    """Extract `path` once after a warm-up; print time, peak RSS and per-stage seconds."""
    from ie.ingest import ingest, text_document
    from ie.pipeline import Extractor

    extractor = Extractor(backend)
    warm = text_document("单位：万元\n一般公共预算拨款收入686.71万元。\n")
    extractor.run(warm)
    rss_before = _status_kib("VmRSS")
    start = time.perf_counter()
    doc = ingest(path)
    stages = {"ingest": time.perf_counter() - start}
    values: dict = {"document": doc}
    for stage in extractor.stages:  # as Extractor.run, timed
        t = time.perf_counter()
        values[stage.assigns] = stage.run(*(values[n] for n in stage.requires))
        stages[stage.name] = time.perf_counter() - t
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "peak_kib": _status_kib("VmHWM"), "base_kib": rss_before,
                      "stages": stages}))  # fmt: skip


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run_child(path: Path, backend: str, source: Path, timeout: float, max_gib: float) -> dict:
    """One extraction in a fresh process with `ie` from `source`. The result has "error"
    ("timeout" or "memory") when the child ran past `timeout` seconds or `max_gib` GiB of
    address space (a limit that keeps a runaway input from taking the machine down)."""
    import resource

    def limit() -> None:
        cap = int(max_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(source), OMP_NUM_THREADS="1")
    cmd = [sys.executable, __file__, "--child", str(path), backend]
    try:
        out = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=limit
        )
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if out.returncode != 0:
        if "MemoryError" in out.stderr or "bad_alloc" in out.stderr:
            return {"error": "memory"}
        raise SystemExit(f"child failed on {path} ({backend}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cell(result: dict, timeout: float, max_gib: float) -> str:
    if result.get("error") == "timeout":
        return f">{timeout:.0f} s"
    if result.get("error") == "memory":
        return f">{max_gib:g} GiB"
    return f"{result['wall']:.2f} s, {result['peak_kib'] / 1024:.0f} MB"


def _ratio(results: list[dict], timeout: float) -> str:
    first, last = results[0], results[-1]
    if "error" in first:
        return "–"
    if "error" in last:
        return f">{timeout / first['wall']:.0f}" if last["error"] == "timeout" else "–"
    return f"{last['wall'] / first['wall']:.1f}"


def _slowest(results: list[dict], scales: list[int]) -> str:
    done = [(s, r) for s, r in zip(scales, results, strict=True) if "error" not in r]
    if not done:
        return "–"
    scale, result = done[-1]
    name, seconds = max(result["stages"].items(), key=lambda kv: kv[1])
    return f"{scale}×: {name} {100 * seconds / max(result['wall'], 1e-9):.0f} %"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="crf,rules")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--scales", default="1,2,4,8")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--max-gib", type=float, default=6.0, help="address-space cap")
    parser.add_argument("--repeat", type=int, default=1, help="runs per input; the fastest kept")
    parser.add_argument("--before", type=Path, help="another checkout whose ie is 'before'")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SCALING.md")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    backends = args.backends.split(",")
    families = args.families.split(",")
    scales = [int(s) for s in args.scales.split(",")]
    sources = [("after", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    if args.before:
        sources.reverse()
    top = max(scales)
    header = ["backend", "input", "1× chars"]
    for name, _ in sources:
        prefix = f"{name}: " if args.before else ""
        header += [f"{prefix}{s}×" for s in scales]
        header += [f"{prefix}{top}×/{min(scales)}× time", f"{prefix}slowest stage"]
    command = shlex.join(argv if argv is not None else sys.argv[1:])
    lines = [
        "# Cost against input size",
        "",
        f"    python benchmarks/scaling.py {command}".rstrip(),
        "",
        "Each cell: wall time of one extraction (ingest to record) and the peak RSS of its fresh "
        "process (model and dictionary loaded included), one core. Target: time ratio at most "
        "10 for 8× the input, peak RSS at most 500 MB.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * 3 + "---:|" * (len(header) - 3),
    ]
    print("\n".join(lines), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for family in families:
            base = BASE_CHARS[family]
            paths = {}
            for s in scales:
                paths[s] = Path(tmp) / f"{family}_{s}x.txt"
                paths[s].write_text(make_text(family, base * s), "utf-8")
            for backend in backends:
                row = [backend, family, f"{base:,}"]
                for _, source in sources:
                    results: list[dict] = []
                    for s in scales:
                        if results and "error" in results[-1]:
                            results.append(results[-1])  # a larger input fails the same way
                            continue
                        runs = [
                            run_child(paths[s], backend, source, args.timeout, args.max_gib)
                            for _ in range(args.repeat)
                        ]
                        results.append(min(runs, key=lambda r: r.get("wall", float("inf"))))
                    row += [_cell(r, args.timeout, args.max_gib) for r in results]
                    row += [_ratio(results, args.timeout), _slowest(results, scales)]
                line = "| " + " | ".join(row) + " |"
                lines.append(line)
                print(line, flush=True)
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
