"""One command for every figure: writes benchmarks/RESULTS.md (and benchmarks/noise_sweep.png).

    python benchmarks/run_all.py [--crf DIR] [--transformer DIR] [--n 10] [--out FILE]
                                 [--before DIR]

Sections: the machine; speed (documents/s and pages/s per backend on synthetic text, synthetic
PDF, the real labelled text and the 22 Jiangsu PDFs, one process on one core, each measured in a
fresh child process so its peak RSS is its own); accuracy (fresh synthetic documents per layout
at high noise, synthetic PDFs, and the real labelled set, through benchmarks/accuracy.py); the
noise sweep (benchmarks/noise_sweep.py); and, when ../shared is present, the PDF library
comparison (bench_pdf_ingest.py), PDF to record against pdftotext -layout
(bench_vs_pdftotext.py; `--before DIR` adds another checkout's figures), the tagger's throughput
(bench_tagger.py), the batch speed-up (bench_batch.py) and the records from converter text
(converter_records.py) run as subprocesses with small settings. Backends: rules, plus crf /
transformer when a model folder is given or ships with the package. Takes a few minutes on two
cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import noise_sweep  # noqa: E402
from accuracy import (  # noqa: E402
    FIELDS,
    jiangsu_pairs,
    real_pairs,
    spans_only,
    synthetic_pairs,
)

from ie.evaluate import evaluate_pairs  # noqa: E402
from ie.pipeline import Extractor  # noqa: E402

ROOT = HERE.parent
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"
LIBRARIES = (
    "budget-ie",
    "pydantic",
    "pypdfium2",
    "jieba",
    "sklearn-crfsuite",
    "python-crfsuite",
    "numpy",
    "pandas",
    "pyarrow",
    "torch",
    "transformers",
    "datasets",
    "reportlab",
    "pdfplumber",
    "ray",
    "matplotlib",
)
SPEED_SEED = 7001  # seeds apart from the training corpora and from accuracy.py's 990


# --- machine ------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python and the versions of the libraries that matter here."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram_s = f"{ram:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        ram_s = "unknown"
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    info = {
        "CPU": _cpu_model(),
        "cores": f"{cores} ({usable} usable by this process)",
        "RAM": ram_s,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "load average (1 min) at start": f"{os.getloadavg()[0]:.2f}",
    }
    for name in LIBRARIES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return info


def git_commit() -> str:
    """The checkout's commit (and '+ changes' when the tree differs from it), or 'unknown'."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        # the run's own outputs (written before this is asked) are no change to the code
        outputs = [f":!{p.relative_to(ROOT)}" for p in (ROOT / "benchmarks").glob("noise_sweep*")]
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", *outputs],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes' if dirty else ''}"


# --- speed --------------------------------------------------------------------------------------


def speed_sets(tmp: Path, n: int) -> dict[str, list[Path]]:
    """The inputs timed: synthetic text and the same documents as PDF, the real labelled texts,
    and the Jiangsu PDFs when ../shared is present. Name -> files."""
    from training.synth import generate_document

    sets: dict[str, list[Path]] = {"text, synthetic": [], "PDF, synthetic": []}
    for i in range(n):
        doc = generate_document(SPEED_SEED * 100_000 + i, noise="medium")
        path = tmp / f"{doc.doc_id}.txt"
        path.write_text(doc.text, encoding="utf-8")
        sets["text, synthetic"].append(path)
        try:
            from training.synth.pdf import write_pdf
        except ImportError:  # reportlab (the synth extra) is not installed
            continue
        (tmp / "pdf").mkdir(exist_ok=True)
        sets["PDF, synthetic"].append(write_pdf(doc, tmp / "pdf"))
    sets["text, real labelled"] = sorted((ROOT / "corpora" / "real").glob("*.txt"))
    sets["PDF, Jiangsu (real)"] = sorted(JIANGSU.glob("*/*.pdf"))
    return {name: paths for name, paths in sets.items() if paths}


def time_extraction(backend: str, model: str | None, paths: Sequence[str]) -> dict:
    """Run in a fresh process: build the Extractor, extract the first file once to warm up
    (lazy dictionary and model loading), then time extracting every file. Returns seconds,
    CPU seconds, documents, pages, characters, errors, start-up seconds and peak RSS (MiB)."""
    from ie.ingest import ingest

    t0 = time.perf_counter()
    extractor = Extractor(backend, model)
    extractor.extract(paths[0])
    startup = time.perf_counter() - t0
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    docs = pages = chars = errors = 0
    start = time.perf_counter()
    for path in paths:
        try:
            doc = ingest(path)
            extractor.extract_document(doc)
        except Exception:  # a bad file is counted, as budget-ie batch would record it
            errors += 1
            continue
        docs += 1
        pages += len(doc.pages)
        chars += len(doc.text)
    seconds = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": seconds,
        "cpu_seconds": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "docs": docs,
        "pages": pages,
        "chars": chars,
        "errors": errors,
        "startup_seconds": startup,
        "peak_rss_mib": peak_rss_mib(),
    }


def peak_rss_mib() -> float:
    """This process's peak resident set (MiB): VmHWM where /proc has it. Not ru_maxrss: a
    spawned child is forked from this script before it execs, and Linux carries the parent's
    peak across the exec into the child's ru_maxrss (every row read the parent's 775 MiB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_speed(backends: dict[str, str | None], sets: dict[str, list[Path]]) -> list[dict]:
    """Time every backend on every set, each in its own spawned child process."""
    rows = []
    spawn = multiprocessing.get_context("spawn")
    for backend, model in backends.items():
        for name, paths in sets.items():
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
                result = pool.submit(
                    time_extraction, backend, model, [str(p) for p in paths]
                ).result()
            rows.append({"backend": backend, "set": name, **result})
            print(f"speed {backend} / {name}: {result}", flush=True)
    return rows


def speed_table(rows: Sequence[dict]) -> str:
    head = (
        "| backend | input | docs | pages | docs/s | pages/s | chars/s | CPU s / wall s "
        "| start-up s | peak RSS MiB | errors |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in rows:
        s = r["seconds"] or float("nan")
        lines.append(
            f"| {r['backend']} | {r['set']} | {r['docs']} | {r['pages']} | {r['docs'] / s:.2f} "
            f"| {r['pages'] / s:.1f} | {r['chars'] / s:,.0f} | {r['cpu_seconds'] / s:.2f} "
            f"| {r['startup_seconds']:.1f} | {r['peak_rss_mib']:.0f} | {r['errors']} |"
        )
    return head + "\n".join(lines) + "\n"


# --- accuracy -----------------------------------------------------------------------------------


def measure_accuracy(extractors: dict[str, Extractor], n: int, seed: int) -> list[dict]:
    """Per backend: fresh synthetic documents per layout at high noise, the same rendered as
    PDF, and the real labelled set. One row each with F1 per field (and strict span F1)."""
    from training.synth import LAYOUTS

    rows = []
    for backend, extractor in extractors.items():
        runs: list[tuple[str, str | None, bool]] = [(f"synthetic {x}", x, False) for x in LAYOUTS]
        runs.append(("synthetic PDF", None, True))
        runs.append(("synthetic mixed, spans only (layout parser off)", None, False))
        for name, layout, pdf in runs:
            start = time.perf_counter()
            ex = spans_only(extractor) if "spans only" in name else extractor
            try:
                pairs = synthetic_pairs(ex, n, seed, "high", layout, pdf)
            except ImportError as exc:  # PDF rendering needs reportlab
                print(f"skip {name}: {exc}")
                continue
            row = {"backend": backend, "set": f"{name}, high noise", "docs": len(pairs)}
            row |= noise_sweep.scores(evaluate_pairs(pairs))
            row["seconds"] = round(time.perf_counter() - start, 1)
            rows.append(row)
            print(f"accuracy {row}", flush=True)
        for name, pairs in (
            ("real labelled", real_pairs(extractor)),
            ("Jiangsu PDFs, hand-read key figures", jiangsu_pairs(extractor)),
        ):
            if pairs:
                row = {"backend": backend, "set": name, "docs": len(pairs)}
                rows.append(row | noise_sweep.scores(evaluate_pairs(pairs)))
                print(f"accuracy {rows[-1]}", flush=True)
    return rows


def accuracy_table(rows: Sequence[dict]) -> str:
    metrics = [*FIELDS, "spans_strict_micro"]
    head = ["backend", "documents", "n", *metrics]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for r in rows:
        cells = [r["backend"], r["set"], str(r["docs"])]
        cells += [f"{r[m]:.3f}" if m in r else "–" for m in metrics]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- other benchmarks ---------------------------------------------------------------------------


def run_script(args: Sequence[str], timeout: int = 600) -> str:
    """Run another benchmark script with this interpreter; its stdout, or why it failed."""
    cmd = [sys.executable, *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return f"(timed out after {timeout} s: `{shlex.join(args)}`)\n"
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return f"(failed, exit {done.returncode}: `{shlex.join(args)}`)\n\n```\n{tail}\n```\n"
    took = time.perf_counter() - start
    return done.stdout.strip() + f"\n\n(`python {shlex.join(args)}`, {took:.0f} s)\n"


def demote(markdown: str) -> str:
    """A script's printout inside our sections: its '# Title' headings become bold lines, and
    every line outside a table its own paragraph (printed lines are separate facts)."""
    out: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("#"):
            line = f"**{line.lstrip('#').strip()}**"
        if not line:
            continue  # paragraphs are separated below, once
        in_table = line.startswith("|") and bool(out) and out[-1].startswith("|")
        if out and not in_table:
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


# --- main ---------------------------------------------------------------------------------------


def available_backends(crf: Path | None, transformer: Path | None) -> dict[str, str | None]:
    """Backend -> model folder (None for rules): those given, or shipped with the package."""
    from ie.pipeline import shipped_model

    out: dict[str, str | None] = {"rules": None}
    for backend, folder in (("crf", crf), ("transformer", transformer)):
        folder = folder or shipped_model(backend)
        if folder is not None:
            out[backend] = str(folder)
    return out


def model_notes(backends: dict[str, str | None]) -> str:
    """One line per trained model measured: its folder and what its metrics.json says."""
    import json

    lines = []
    for backend, folder in backends.items():
        if folder is None:
            continue
        shown = Path(folder).resolve()
        shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown
        note = f"- {backend}: `{shown}`"
        try:
            m = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))
            # crf metrics keep span scores under "spans_strict", transformer ones "validation"
            scores = m.get("spans_strict") or m.get("validation") or {}
            f1 = scores.get("micro", {}).get("f1")
            config = "config.yaml" if backend == "crf" else "train_config.json"
            note += (
                f", trained on {m.get('train_docs', '?')} documents"
                + (f", validation strict span F1 {f1:.3f}" if f1 is not None else "")
                + f" (its metrics.json; its {config} is beside it)"
            )
        except (OSError, ValueError):
            note += " (no metrics.json)"
        lines.append(note)
    return "\n".join(lines) + "\n" if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crf", type=Path, default=None, help="a trained CRF model folder")
    parser.add_argument("--transformer", type=Path, default=None, help="a transformer folder")
    parser.add_argument("--n", type=int, default=8, help="synthetic documents per accuracy set")
    parser.add_argument("--n-speed", type=int, default=10, help="synthetic documents timed")
    parser.add_argument("--n-sweep", type=int, default=5, help="documents per noise level")
    parser.add_argument("--seed", type=int, default=990, help="accuracy seed (accuracy.py's)")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--before", type=Path, help="another checkout, timed beside this one against pdftotext"
    )
    parser.add_argument("--png", type=Path, default=HERE / "noise_sweep.png")
    args = parser.parse_args()

    started = time.perf_counter()
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    info = machine_info()
    backends = available_backends(args.crf, args.transformer)
    extractors = {name: Extractor(name, model) for name, model in backends.items()}
    shared = JIANGSU.is_dir() and any(JIANGSU.glob("*/*.pdf"))

    with tempfile.TemporaryDirectory() as tmp:
        sets = speed_sets(Path(tmp), args.n_speed)
        speed = measure_speed(backends, sets)
    accuracy = measure_accuracy(extractors, args.n, args.seed)
    sweep_rows = noise_sweep.sweep(extractors, n=args.n_sweep, seed=args.seed + 1)
    noise_sweep.plot(
        sweep_rows, args.png, f"F1 against noise ({args.n_sweep} synthetic documents per level)"
    )
    tagger = run_script(["benchmarks/bench_tagger.py", "--repeat", "5"])
    # the converters this machine has (poppler's pdftotext, pdfminer.six, pdfplumber, pypdfium2)
    converters = demote(
        run_script(["benchmarks/converter_records.py", "--out", os.devnull], timeout=1800)
    )
    if shared:
        pdf_ingest = demote(run_script(["benchmarks/bench_pdf_ingest.py"]))
        before = ["--before", str(args.before)] if args.before else []
        vs_poppler = run_script(["benchmarks/bench_vs_pdftotext.py", "--stages", *before])
        batch = demote(run_script(["benchmarks/bench_batch.py", "--runs", "1"]))
    else:
        pdf_ingest = vs_poppler = batch = "(skipped: ../shared/corpora/jiangsu is not present)\n"
    info["load average (1 min) at end"] = f"{os.getloadavg()[0]:.2f}"

    crf_note = "" if "crf" in backends else " (no CRF model given: pass `--crf DIR` to add it)"
    machine = "\n".join(f"| {k} | {v} |" for k, v in info.items())
    command = shlex.join(["python", "benchmarks/run_all.py", *sys.argv[1:]])
    png = os.path.relpath(args.png, args.out.parent)
    text = f"""# budget-ie benchmark results

Generated by `{command}` on {when} from commit {git_commit()}, in
{time.perf_counter() - started:.0f} s. Backends measured: {", ".join(backends)}{crf_note}.
Do not edit by hand: run the command again. A field with nothing to score (no gold item and no
prediction) shows as –.

{model_notes(backends)}
## Machine

| | |
|---|---|
{machine}

The machine may be shared: figures are wall-clock, so compare rows taken in the same run
(CPU s / wall s below 1 means the process waited for a core).

## Speed

One process, one document at a time, after one warm-up document (start-up s: building the
extractor and the first document, with jieba's dictionary and any model). Each row is a fresh
child process; peak RSS is that process's maximum resident set. Synthetic documents: {args.n_speed}
generated at medium noise from seed {SPEED_SEED}, the PDFs rendered from the same texts. Pages
of a text file are its form-feed separated pages (one when it has none).

{speed_table(speed)}
### PDF to record against `pdftotext -layout`

The 22 Jiangsu PDFs, default backend, one process per run (a fresh one, warmed up on a text
outside the set), run in turn with poppler's `pdftotext -layout` and the best of three of each
kept (`bench_vs_pdftotext.py --stages{" --before " + args.before.name if args.before else ""}`;
with `--before DIR`, the `ie` of another checkout as well). Target: at most 3× pdftotext.

{vs_poppler}
### Tagger throughput on real text

The default CRF on the labelled real text (corpora/real, 16,623 characters), one core, best of
five (`bench_tagger.py --repeat 5`). "crf": a first pass, with nothing remembered from an earlier
call (jieba's blocks, cell keys); "crf (warm)": the same text again. Target: 50,000 chars/s.

```
{tagger.strip()}
```

## Accuracy

F1 per record field (SCHEMA.md scoring) and strict span F1 (micro over labels). Synthetic rows:
{args.n} documents generated afresh from seed {args.seed} per layout at high noise (0.75) — a
held-out test set, as the training corpora use other seeds; the PDF row renders such documents
(mixed layouts) as PDF; its spans are the gold spans mapped onto the text pypdfium2 extracts.
The "spans only" row switches the layout parser off, so indicator rows are assembled from the
tagger's spans alone: what a layout the parser cannot read gets.
The real row
is corpora/real (hand-checked gold); the Jiangsu row scores key figures only, against the figures
read by hand from three of the PDFs in ../shared (corpora/jiangsu_hand_read.json). Produced by
benchmarks/accuracy.py's functions (`python benchmarks/accuracy.py --by-layout` gives the same
for one backend).

{accuracy_table(accuracy)}
## Noise sweep

The same {args.n_sweep} synthetic documents (seed {args.seed + 1}, mixed layouts) at each noise
level; `python benchmarks/noise_sweep.py` runs it alone.

![F1 against noise]({png})

{noise_sweep.markdown_table(sweep_rows)}
## Records from converter text

Generated disclosures rendered to PDF and read back by the PDF-to-text tools researchers use;
key figures and coded-table cells of the default pipeline's record per converter and template
family (`converter_records.py`, which writes benchmarks/CONVERTER_RECORDS.md when run alone).

{converters}
## PDF ingest libraries

{pdf_ingest}
## Batch speed-up (budget-ie batch, 1 vs 2 workers)

The 22 Jiangsu PDFs and 66 generated ones, every file different, one run per setting
(`bench_batch.py --runs 1`).

{batch}"""
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} and {args.png} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
