"""Does weak supervision help on layouts the model never saw? Trained CRF models side by side.

    J=../shared/corpora/jiangsu
    budget-ie weak $J/江苏省人大办公厅 $J/江苏省人民检察院 $J/江苏省委办公厅 \\
        -o corpora/weak/jiangsu.jsonl \\
        --converters pdfium,pdftotext,pdftotext-layout,pdfminer,pdfplumber,pdfplumber-layout
    budget-ie train --config configs/crf-weak.yaml       # configs/crf.yaml + the weak rows
    budget-ie train --config configs/crf.yaml            # without them (output_dir elsewhere)
    python benchmarks/weak_supervision.py --models shipped=ie/models/crf,weak=models/crf-weak \\
        --held-out $J/江苏省政协办公厅,$J/江苏省高级人民法院 --out benchmarks/WEAK.md

Each model is scored on what no model trained on: strict span F1 and record F1 of the real
labelled disclosure (corpora/real), strict span F1 on the synthetic test split (its first
`--test-docs` rows), and the projects each names in real PDFs of departments whose text was
not among the weak rows (`--held-out`), listed name by name, since those PDFs have no gold:
the question is whether phrases of running prose are named as projects.
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

from ie.evaluate import EvalPair, evaluate_pairs  # noqa: E402
from ie.pipeline import Extractor  # noqa: E402
from ie.spans import read_spans  # noqa: E402
from ie.tagger.crf import CRFTagger  # noqa: E402
from training.train import read_rows  # noqa: E402
from training.transformer import span_scores  # noqa: E402

REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325"
TEST = ROOT / "corpora" / "synth" / "test.jsonl"


def _keys(spans) -> set[tuple[str, int, int]]:
    return {(s.label, s.start, s.end) for s in spans}


def score(model: Path, held_out: list[Path], test_docs: int) -> dict:
    """One model's figures (see the module docstring)."""
    tagger = CRFTagger.load(model)
    extractor = Extractor(tagger=tagger)
    text = REAL.with_suffix(".txt").read_text(encoding="utf-8")
    gold = _keys(read_spans(Path(f"{REAL}.spans.jsonl")))
    out: dict = {"real_spans": span_scores([gold], [_keys(tagger.predict(text))])["micro"]["f1"]}
    record = json.loads(extractor.extract(REAL.with_suffix(".txt")).to_json())
    gold_record = json.loads(Path(f"{REAL}.gold.json").read_text(encoding="utf-8"))
    fields = evaluate_pairs([EvalPair.from_dicts(gold_record, record)]).to_json()["fields"]
    out["real_record"] = {k: fields[k]["f1"] for k in ("key_figures", "projects", "indicators")}
    if TEST.exists():
        rows = read_rows(TEST)[:test_docs]
        scores = span_scores(
            [_keys(r.spans) for r in rows], [_keys(tagger.predict(r.text)) for r in rows]
        )
        out["test_spans"] = scores["micro"]["f1"]
    out["projects"] = {
        f"{pdf.parent.name}/{pdf.name}": sorted(
            p["name"] for p in json.loads(extractor.extract(pdf).to_json())["projects"]
        )
        for folder in held_out
        for pdf in sorted(folder.rglob("*.pdf"))
    }
    return out


def report(
    models: list[str], results: list[dict], seconds: float, test_docs: int, about: str = ""
) -> str:
    argv = sys.argv[1:]
    if "--about" in argv:  # the paragraph is printed below, not in the command
        k = argv.index("--about")
        argv = [*argv[:k], "--about", "…", *argv[k + 2 :]]
    command = shlex.join(["python", "benchmarks/weak_supervision.py", *argv])
    lines = [
        "# Weak supervision",
        "",
        f"    {command}",
        "",
        f"Models side by side on text none of them trained on. {seconds:.0f} s on 2 cores.",
        "",
        *([about, ""] if about else []),
        f"| model | real text spans | real record key figures / projects / indicators | "
        f"synthetic test spans (first {test_docs}) |",
        "|---|---:|---:|---:|",
    ]
    for model, r in zip(models, results, strict=True):
        rec = " / ".join(f"{r['real_record'][k]:.3f}" for k in r["real_record"])
        test = f"{r['test_spans']:.4f}" if "test_spans" in r else "–"
        lines.append(f"| {model} | {r['real_spans']:.4f} | {rec} | {test} |")
    lines += ["", "Projects named in the held-out departments' PDFs:", ""]
    lines += ["| PDF | " + " | ".join(map(str, models)) + " |", "|---" * (len(models) + 1) + "|"]
    for pdf in results[0]["projects"]:
        cells = ["、".join(r["projects"][pdf]) or "–" for r in results]
        lines.append(f"| {pdf} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", required=True, help="comma-separated CRF model folders, each NAME=DIR or DIR"
    )
    parser.add_argument("--held-out", default="", help="comma-separated folders of real PDFs")
    parser.add_argument("--test-docs", type=int, default=60)
    parser.add_argument("--about", default="", help="a paragraph on how the models were made")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    named = [m.rpartition("=") for m in args.models.split(",") if m]
    names = [name or folder for name, _, folder in named]
    models = [Path(folder) for _, _, folder in named]
    held_out = [Path(h) for h in args.held_out.split(",") if h]
    missing = [p for p in held_out if not p.is_dir()]
    if missing:
        sys.exit(f"no such folder: {', '.join(map(str, missing))} (../shared absent?)")
    started = time.perf_counter()
    results = [score(m, held_out, args.test_docs) for m in models]
    text = report(names, results, time.perf_counter() - started, args.test_docs, args.about)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
