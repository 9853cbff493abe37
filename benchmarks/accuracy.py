"""Accuracy on freshly generated synthetic documents and on the real labelled set.

    python benchmarks/accuracy.py --n 30 --noise high --backend rules [--by-layout] [--json F]

Documents are generated in memory from `--seed` (the training corpora use other seeds), written
as text, extracted through the whole pipeline exactly as `budget-ie extract` does, and scored
with `ie.evaluate` (SCHEMA.md rules). `--pdf` renders them as PDF first.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from ie.evaluate import EvalPair, evaluate_pairs
from ie.ingest import ingest
from ie.pipeline import Extractor, Stage

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("key_figures", "projects", "redactions", "indicators", "tables")


def spans_only(extractor: Extractor) -> Extractor:
    """`extractor` with the layout parser switched off: indicator rows come from the tagger's
    spans alone, as on a table layout the parser cannot read."""
    stages = [
        Stage(s.name, s.requires, s.assigns, lambda *_: []) if s.name == "layout" else s
        for s in extractor.stages
    ]
    return Extractor(extractor.backend, tagger=extractor.tagger, stages=stages)


def pdf_ready_document(seed: int, noise: str | float, kind: str = "budget"):
    """A generated document of `kind` whose PDF draws its tables on their grid: a 决算's wide
    tables (six figure columns, three mostly empty) are drawn so only from the tab layout (the
    cell layout drops empty cells and the space layout's noise shifts them, and synth.pdf
    places cells by position); a budget draws its layout, tab or space (`PDF_LAYOUTS`): drawn in
    the cell layout it is drawn again in one of those."""
    from training.synth import generate_document
    from training.synth.render import PDF_LAYOUTS

    layout = "tab" if kind == "final_accounts" else None
    doc = generate_document(seed, noise=noise, layout=layout, kind=kind)
    if doc.layout not in PDF_LAYOUTS:  # the cell layout: no PDF draws its tables so
        doc = generate_document(seed, noise=noise, layout=PDF_LAYOUTS[seed % 2], kind=kind)
    return doc


def synthetic_pairs(
    extractor: Extractor,
    n: int,
    seed: int,
    noise: str,
    layout: str | None,
    pdf: bool = False,
    kind: str = "budget",
) -> list[EvalPair]:
    """Generate `n` documents of `kind` (budget or final_accounts), extract each from a file,
    and pair prediction with gold."""
    from training.synth import generate_document

    pairs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            if pdf and layout is None:
                doc = pdf_ready_document(seed * 100_000 + i, noise, kind)
            else:
                doc = generate_document(seed * 100_000 + i, noise=noise, layout=layout, kind=kind)
            gold = json.loads(doc.record.model_dump_json())
            if pdf:
                from training.synth.pdf import write_pdf

                path = write_pdf(doc, Path(tmp))
                spans_path = Path(tmp) / f"{doc.doc_id}.spans.jsonl"
                spans = [json.loads(x) for x in spans_path.read_text(encoding="utf-8").splitlines()]
            else:
                path = Path(tmp) / f"{doc.doc_id}.txt"
                path.write_text(doc.text, encoding="utf-8")
                spans = [s.to_dict() for s in doc.spans]
            pred = json.loads(extractor.extract(path).to_json())
            text = ingest(path).text if pdf else doc.text
            pairs.append(EvalPair.from_dicts(gold, pred, spans, text))
    return pairs


def real_pairs(extractor: Extractor) -> list[EvalPair]:
    """The committed real labelled disclosures (corpora/real)."""
    pairs = []
    for gold_path in sorted((ROOT / "corpora" / "real").glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        text_path = gold_path.with_name(f"{stem}.txt")
        spans_path = gold_path.with_name(f"{stem}.spans.jsonl")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        spans = [json.loads(line) for line in spans_path.read_text(encoding="utf-8").splitlines()]
        pred = json.loads(extractor.extract(text_path).to_json())
        pairs.append(EvalPair.from_dicts(gold, pred, spans, text_path.read_text(encoding="utf-8")))
    return pairs


JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"


def jiangsu_pairs(extractor: Extractor) -> list[EvalPair]:
    """Three Jiangsu PDFs (../shared) against the key figures read from them by hand
    (corpora/jiangsu_hand_read.json); [] when ../shared is absent. Only key figures are
    scored: the gold states nothing else."""
    data = json.loads((ROOT / "corpora" / "jiangsu_hand_read.json").read_text(encoding="utf-8"))
    pairs = []
    for doc in data["documents"]:
        path = JIANGSU / doc["path"]
        if not path.exists():
            return []
        pred = json.loads(extractor.extract(path).to_json())
        gold = {
            "doc_id": pred["doc_id"],
            "source": pred["source"],
            "department": {"name": doc["department"]},
            "year": doc["year"],
            "key_figures": doc["key_figures"],
        }
        pairs.append(EvalPair.from_dicts(gold, pred))
    return pairs


def summary(report) -> dict:
    data = report.to_json()
    out = {f: round(data["fields"][f]["f1"], 3) for f in FIELDS if f in data["fields"]}
    if report.span_docs:
        out["spans_strict_micro"] = round(data["spans"]["strict"]["micro"]["f1"], 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=990)
    parser.add_argument("--noise", default="high")
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--model", default=None)
    parser.add_argument("--by-layout", action="store_true")
    parser.add_argument("--pdf", action="store_true")
    parser.add_argument(
        "--spans-only", action="store_true", help="layout parser off: rows from spans alone"
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    extractor = Extractor(args.backend, args.model)
    if args.spans_only:
        extractor = spans_only(extractor)
    results: dict[str, dict] = {}
    layouts = ["tab", "cell", "space"] if args.by_layout else [None]
    for layout in layouts:
        start = time.perf_counter()
        pairs = synthetic_pairs(extractor, args.n, args.seed, args.noise, layout, args.pdf)
        name = f"synthetic/{'pdf' if args.pdf else layout or 'mixed'}/{args.noise}"
        results[name] = summary(evaluate_pairs(pairs))
        results[name]["seconds"] = round(time.perf_counter() - start, 1)
        print(name, results[name], flush=True)
    results["real"] = summary(evaluate_pairs(real_pairs(extractor)))
    print("real", results["real"])
    if pairs := jiangsu_pairs(extractor):
        results["jiangsu hand-read"] = summary(evaluate_pairs(pairs))
        print("jiangsu hand-read", results["jiangsu hand-read"])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
