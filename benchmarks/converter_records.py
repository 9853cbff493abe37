"""Records from converter text: key figures and coded-table cells per converter and family.

    python benchmarks/converter_records.py [--docs 20] [--noise medium] [--seed 63000]
        [--converters pdfium,pdftotext,...] [--work DIR] [--out benchmarks/CONVERTER_RECORDS.md]
        [--before DIR]

Issue 13's record acceptance: fresh synthetic disclosures (every fifth a 部门决算; the budget
families county and province as the generator draws them), rendered to PDF and extracted by
each converter a researcher uses (`training.synth.convert`), each text run through the shipped
default pipeline (`Extractor("crf")`, as `budget-ie extract` on a .txt file) and its record
scored against the generator's gold with SCHEMA.md's scorer: F1 of the key figures and of the
coded-table cells (kind, code, column, value), per converter and template family, counts summed
over the family's documents. The documents come from a seed of their own, apart from the
training corpus (seed 1), the leave-one-converter-out documents (benchmarks/loco.py, 62000)
and any document the table readers were tuned on. Conversions are kept in `--work` (default:
a temporary folder) so a rerun reuses them. `--before DIR` scores the same texts with another
checkout's code and model too (`git worktree add DIR <commit>`), in a child process that
imports from DIR. Writes Markdown to `--out` and prints it; run by benchmarks/run_all.py for
RESULTS.md.
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

import loco

from training.synth.convert import CONVERTERS

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20, help="documents (every fifth a 决算)")
    parser.add_argument("--noise", default="medium", help="the generator's noise level")
    parser.add_argument("--seed", type=int, default=63_000)
    parser.add_argument("--converters", default=",".join(c for c in CONVERTERS if c != "ocr"))
    parser.add_argument("--work", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "CONVERTER_RECORDS.md")
    parser.add_argument("--before", type=Path, help="another checkout to score the same texts")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # the child's scores
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        work = args.work or Path(tmp_name)
        work.mkdir(parents=True, exist_ok=True)
        usable = loco.available(args.converters.split(","), work)
        rows = loco.converted(args.docs, usable, work, seed=args.seed, noise=args.noise)
        records = loco.record_scores(rows, work / "records")
        if args.json:
            scores = [[*key, s] for key, s in records.items()]
            args.json.write_text(json.dumps(scores), encoding="utf-8")
            return ""
        before = _before(args, work) if args.before else None
    seconds = time.perf_counter() - started
    missing = [c for c in args.converters.split(",") if c not in usable]
    command = shlex.join(["python", "benchmarks/converter_records.py", *(argv or sys.argv[1:])])
    lines = [
        "# Records from converter text",
        "",
        f"    {command}",
        "",
        f"{args.docs} generated documents (seed {args.seed}, {args.noise} noise, every fifth a "
        f"部门决算), rendered to PDF and extracted by each converter; each text through the "
        f"shipped default pipeline and scored against the generator's gold (SCHEMA.md): F1 of "
        f"the key figures, the coded-table cells, the projects and the indicator rows, per "
        f"converter and template family{_bracketed(args.before)}. "
        f"{seconds:.0f} s on 2 cores, conversions included.",
        "",
        loco.records_table(records) if before is None else _compared(records, before),
        "",
        f"Converters not installed here, left out: {', '.join(missing) or 'none'}.",
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return text


def _bracketed(before: Path | None) -> str:
    return f"; in brackets, the same texts with the code and model of {before}" if before else ""


def _before(args: argparse.Namespace, work: Path) -> dict[tuple[str, str], dict[str, float]]:
    """The same measurement with the code and model of the checkout `args.before`."""
    out = work / "before.json"
    command = [sys.executable, __file__, "--docs", str(args.docs), "--noise", args.noise]
    command += ["--seed", str(args.seed), "--converters", args.converters]
    command += ["--work", str(work), "--json", str(out)]
    env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
    subprocess.run(command, check=True, env=env, cwd=args.before)
    return {(c, f): s for c, f, s in json.loads(out.read_text("utf-8"))}


def _compared(now: dict, before: dict) -> str:
    """Now and before side by side, field by field: "0.961 (0.565)"."""
    lines = [
        "| converter | family | docs | key figures | tables | projects | indicators |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (conv, family), s in now.items():
        b = before.get((conv, family), {})
        cells = []
        for f in loco.RECORD_FIELDS:
            was = f" ({b[f]:.3f})" if f in b else " (–)"
            cells.append(f"{s[f]:.3f}{was}" if f in s else "–" + (was if f in b else ""))
        lines.append(f"| {conv} | {family} | {s['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
