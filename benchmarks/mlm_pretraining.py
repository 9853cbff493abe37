"""MLM pretraining, then fine-tuning, against training from scratch: transformer taggers side
by side on text none of them trained on.

    J=../shared/corpora/jiangsu
    budget-ie weak $J --text-only -o corpora/weak/jiangsu-text.jsonl \\
        --converters pdfium,pdftotext,pdftotext-layout,pdfminer,pdfplumber,pdfplumber-layout
    budget-ie train --config configs/pretrain-mlm.yaml      # the encoder, models/mlm-tiny
    budget-ie train --config configs/transformer-mlm.yaml   # fine-tuned from it
    budget-ie train --config configs/transformer-tiny.yaml  # from scratch (output_dir elsewhere)
    python benchmarks/mlm_pretraining.py \\
        --models scratch=models/transformer-scratch,mlm=models/transformer-mlm --out MLM.md

Each model: strict span F1 on the synthetic test split (its first `--test-docs` rows, at the
split's high noise), per converter, and on the real labelled disclosure (corpora/real), with
its own validation F1 and training time from its metrics.json. The models must come from the
same corpus and recipe but for `init_from`, or the comparison says nothing about pretraining.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_backends import REAL, measure  # noqa: E402

from ie.spans import read_spans  # noqa: E402
from ie.tagger import get_tagger  # noqa: E402
from training.data import iter_rows  # noqa: E402

TEST = ROOT / "corpora" / "synth" / "test.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", required=True, help="comma-separated transformer model folders, NAME=DIR"
    )
    parser.add_argument("--test", type=Path, default=TEST, help="a synthetic test split")
    parser.add_argument("--test-docs", type=int, default=60)
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown here")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)  # one core per model, as the other benchmarks
    rows = list(iter_rows(args.test))[: args.test_docs]
    real_text = REAL.read_text(encoding="utf-8")
    real_gold = read_spans(REAL.with_name(REAL.stem + ".spans.jsonl"))
    started = time.perf_counter()
    results = {}
    for item in args.models.split(","):
        name, _, path = item.rpartition("=")
        model = Path(path)
        res = measure(get_tagger("transformer", model), rows, real_text, real_gold)
        metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
        results[name or model.name] = (model, res, metrics)
    converters = sorted({c for _, res, _ in results.values() for c in res["converters"]})
    lines = [
        "# MLM pretraining against training from scratch",
        "",
        f"    python benchmarks/{Path(__file__).name} "
        + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "",
        f"Transformer taggers (configs/transformer-tiny.yaml; `mlm`: `init_from` the encoder "
        f"configs/pretrain-mlm.yaml pretrains) on text none of them trained on: strict span F1 "
        f"on the first {len(rows)} rows of {args.test.relative_to(ROOT)} (high noise), per "
        f"converter, and on the real labelled disclosure; validation F1 and training time from "
        f"each model's metrics.json. {time.perf_counter() - started:.0f} s, one core per model.",
        "",
        "| model | synthetic test | " + " | ".join(converters) + " | real text | validation "
        "| training s |",
        "|---|---:|" + "---:|" * len(converters) + "---:|---:|---:|",
    ]
    for name, (model, res, metrics) in results.items():
        per = [
            f"{res['converters'][c][1]:.3f}" if c in res["converters"] else "–" for c in converters
        ]
        validation = metrics.get("validation", {}).get("micro", {}).get("f1")
        lines.append(
            f"| {name} (`{model}`) | {res['synthetic']['micro']['f1']:.4f} | "
            + " | ".join(per)
            + f" | {res['real']['micro']['f1']:.4f} | "
            + (f"{validation:.4f}" if validation is not None else "–")
            + f" | {metrics.get('train_seconds', '–')} |"
        )
    labels = sorted({label for _, res, _ in results.values() for label in res["synthetic"]})
    lines += ["", "Per label, synthetic test split:", ""]
    lines.append("| label | " + " | ".join(results) + " |")
    lines.append("|---|" + "---:|" * len(results))
    for label in labels:
        cells = [
            f"{res['synthetic'].get(label, {}).get('f1', 0.0):.3f}"
            for _, res, _ in results.values()
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
