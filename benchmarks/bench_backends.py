"""Tagger backends side by side: strict span F1 on a synthetic test split and on the real
labelled text, and speed as a ratio to `jieba.lcut` on the same text in the same run.

    budget-ie synth -n 1000 --seed 1 -o /tmp/synth1000 --noise medium
    python benchmarks/bench_backends.py --test /tmp/synth1000/test.jsonl [--n 100] \
        [--crf ie/models/crf] [--transformer ie/models/transformer] \
        [--backends rules,crf,transformer] [--json out.json]

The test split is generated at +0.3 noise over the training level (high noise for the
recipe above). Figures are printed per backend: micro and per-label F1, per layout, per
converter (rows of `synth --converters`; "generator" for the generator's own text), on the
real text, and characters per second.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import jieba

from ie.pipeline import shipped_model
from ie.spans import Span, read_spans
from ie.tagger import Tagger, get_tagger
from training.data import iter_rows, row_spans
from training.transformer import span_scores

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"


def _keys(spans: list[Span]) -> set[tuple[str, int, int]]:
    return {(s.label, s.start, s.end) for s in spans}


def measure(tagger: Tagger, rows: list[dict], real_text: str, real_gold: list[Span]) -> dict:
    """F1 (micro and per label) on `rows`, per layout, and on the real text; chars/s."""
    gold, pred = [], []
    by_layout: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    by_converter: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    t0 = time.perf_counter()
    for row in rows:
        g, p = _keys(list(row_spans(row))), _keys(tagger.predict(row["text"]))
        gold.append(g)
        pred.append(p)
        by_layout[row.get("layout", "?")][0].append(g)
        by_layout[row.get("layout", "?")][1].append(p)
        by_converter[row.get("converter", "generator")][0].append(g)
        by_converter[row.get("converter", "generator")][1].append(p)
    seconds = time.perf_counter() - t0
    chars = sum(len(r["text"]) for r in rows)
    real = span_scores([_keys(real_gold)], [_keys(tagger.predict(real_text))])
    return {
        "synthetic": span_scores(gold, pred),
        "layouts": {k: span_scores(*v)["micro"]["f1"] for k, v in sorted(by_layout.items())},
        # rows written by a PDF-to-text converter (`synth --converters`) apart from the
        # generator's own text
        "converters": {
            k: (len(v[0]), span_scores(*v)["micro"]["f1"]) for k, v in sorted(by_converter.items())
        },
        "real": real,
        "chars_per_second": round(chars / seconds) if seconds else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", type=Path, required=True, help="a synthetic test split (JSONL)")
    ap.add_argument("--n", type=int, default=None, help="score only the first N documents")
    ap.add_argument("--crf", type=Path, default=None, help="CRF model directory")
    ap.add_argument("--transformer", type=Path, default=None, help="transformer model directory")
    ap.add_argument(
        "--backends", default="rules,crf", help="comma-separated, e.g. rules,crf,transformer"
    )
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    rows = list(iter_rows(args.test))[: args.n]
    real_text = REAL.read_text(encoding="utf-8")
    real_gold = read_spans(REAL.with_name(REAL.stem + ".spans.jsonl"))
    sample = "".join(r["text"] for r in rows[:10])
    jieba.lcut(sample[:100])  # load jieba's dictionary before timing
    t0 = time.perf_counter()
    jieba.lcut(sample)
    jieba_cps = len(sample) / (time.perf_counter() - t0)

    report: dict = {"docs": len(rows), "jieba_chars_per_second": round(jieba_cps)}
    for backend in args.backends.split(","):
        model = {"crf": args.crf, "transformer": args.transformer}.get(backend)
        if backend == "transformer":
            import torch

            torch.set_num_threads(1)  # throughput on one core, as for the other backends
        if backend != "rules" and model is None:
            model = shipped_model(backend)
        tagger = get_tagger(backend, model)
        res = measure(tagger, rows, real_text, real_gold)
        res["speed_vs_jieba"] = round(res["chars_per_second"] / jieba_cps, 4)
        report[backend] = res
        syn, real = res["synthetic"], res["real"]
        print(f"\n## {backend}  ({res['chars_per_second']} chars/s, "
              f"{res['speed_vs_jieba']:.3f}x jieba.lcut)")  # fmt: skip
        print("| label | synthetic F1 | real F1 |")
        print("|---|---|---|")
        for label in syn:
            r = real.get(label, {}).get("f1", float("nan"))
            print(f"| {label} | {syn[label]['f1']:.3f} | {r:.3f} |")
        print("per layout:", {k: round(v, 3) for k, v in res["layouts"].items()})
        by_conv = {k: (n, round(f, 3)) for k, (n, f) in res["converters"].items()}
        print("per converter (rows, F1):", by_conv)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
