"""Leave one converter out: a tagger trained without converter X's text, tested on X's text.

    python benchmarks/loco.py [--base 60] [--docs 36] [--iterations 100] [--jobs 2]
                              [--converters pdfium,pdftotext,...] [--hold pdftotext,...]
                              [--work DIR] [--out FILE]

Our proxy for the real layouts we will never see (issue 13). Synthetic disclosures (a fifth
部门决算) are rendered to PDF and extracted by each converter (`training.synth.convert`: the
tools researchers use), gold spans projected onto each tool's text (a span that cannot be
projected exactly is dropped, and the share dropped per converter is reported). The `--docs`
converted documents are split two to one: the first part trains, the rest tests, so no test
document is seen in training under any converter. For each converter X a CRF (the shipped
recipe, configs/crf.yaml, with `--iterations`) is trained on `--base` documents of the
generator's own text plus the training documents as every converter but X made them, and
scored on the test documents as X made them: strict span F1, micro and per label. The
"no converter text" row trains on the base documents alone. Records: the shipped default
model's key figures and coded-table cells F1 on each converter's test text, per template
family. Conversions are kept in `--work` (default: a temporary folder) so a rerun reuses them.
Writes Markdown to `--out` and prints it.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from accuracy import pdf_ready_document

from ie.evaluate import EvalPair, evaluate_pairs
from ie.pipeline import Extractor
from ie.spans import Span
from ie.tagger.crf import MODEL_FILE, CRFSettings, CRFTagger
from training.synth.convert import CONVERTERS, ConverterUnavailable, converted_rows
from training.transformer import span_scores

ROOT = Path(__file__).resolve().parents[1]
BASE_SEED, CONV_SEED = 61_000, 62_000
KINDS = ("budget", "budget", "budget", "budget", "final_accounts")


def _doc(seed: int, i: int, noise: str):
    return pdf_ready_document(seed + i, noise, KINDS[i % len(KINDS)])


def converted(
    n: int,
    converters: list[str],
    work: Path,
    workers: int = 2,
    seed: int = CONV_SEED,
    noise: str = "low",
) -> list[dict]:
    """Rows of `n` documents (from `seed`, at `noise`) as each converter makes them, `workers`
    documents at a time (cached in `work`: a rerun converts only what is missing)."""
    todo = [i for i in range(n) if _cached(i, converters, work, seed, noise) is None]
    jobs = [(i, converters, work, seed, noise) for i in todo]
    with ProcessPoolExecutor(workers) as pool:
        for done, i in enumerate(pool.map(_convert_one, *zip(*jobs, strict=True)) if jobs
                                 else (), 1):  # fmt: skip
            print(f"converted {done}/{len(todo)} (document {i})", file=sys.stderr, flush=True)
    rows = []
    for i in range(n):
        rows += _cached(i, converters, work, seed, noise) or []
    return rows


def _cache(i: int, work: Path, seed: int, noise: str) -> Path:
    return work / f"conv{seed}-{noise}-{i:04d}.jsonl"


def _cached(i: int, converters: list[str], work: Path, seed: int, noise: str) -> list[dict] | None:
    cache = _cache(i, work, seed, noise)
    if not cache.exists():
        return None
    got = [json.loads(x) for x in cache.read_text("utf-8").splitlines()]
    if not {r["converter"] for r in got} >= set(converters):
        return None
    return [r for r in got if r["converter"] in converters]


def _convert_one(i: int, converters: list[str], work: Path, seed: int, noise: str) -> int:
    made = converted_rows(_doc(seed, i, noise), converters, work)
    for r in made:
        r["index"] = i
    _cache(i, work, seed, noise).write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in made), "utf-8"
    )
    return i


def available(converters: list[str], work: Path) -> list[str]:
    """The converters whose tools are installed here; the others are named on stderr."""
    from training.synth.convert import convert
    from training.synth.pdf import render_pdf

    probe = work / "probe.pdf"
    render_pdf("部门预算\t1.00\n", probe, "tab")
    usable = []
    for name in converters:
        try:
            convert(probe, name)
            usable.append(name)
        except ConverterUnavailable as exc:
            print(f"left out {name}: {exc}", file=sys.stderr)
    return usable


def _spans(row: dict) -> list[Span]:
    return [Span(s["start"], s["end"], s["label"], s["text"]) for s in row["spans"]]


def _pairs(rows: list[dict]) -> list[tuple[str, list[Span]]]:
    return [(r["text"], _spans(r)) for r in rows]


def _keys(spans) -> set[tuple[str, int, int]]:
    return {(s.label, s.start, s.end) for s in spans}


def train_and_score(
    train: list[tuple[str, list[Span]]],
    test: list[dict],
    settings: CRFSettings,
    where: Path,
    workers: int = 2,
) -> tuple[dict, float]:
    start = time.perf_counter()
    tagger = CRFTagger(settings).fit(train, where / MODEL_FILE, workers=workers)
    seconds = time.perf_counter() - start
    gold = [_keys(_spans(r)) for r in test]
    pred = [_keys(tagger.predict(r["text"])) for r in test]
    return span_scores(gold, pred), seconds


# The record fields scored per converter and family: the tables' figures, and what the tagger's
# spans make (projects and indicator rows, through the span-driven post-processor).
RECORD_FIELDS = ("key_figures", "tables", "projects", "indicators")


def record_scores(rows: list[dict], work: Path) -> dict[tuple[str, str], dict[str, float]]:
    """(converter, family) -> F1 of each of RECORD_FIELDS in the shipped model's records."""
    extractor = Extractor("crf")
    work.mkdir(parents=True, exist_ok=True)
    groups: dict[tuple[str, str], list[EvalPair]] = {}
    for r in rows:
        path = work / f"{r['doc_id'].replace('~', '__')}.txt"
        path.write_text(r["text"], encoding="utf-8")
        pred = json.loads(extractor.extract(path).to_json())
        gold = json.loads(r["record"])
        key = (r["converter"], r["family"])
        groups.setdefault(key, []).append(EvalPair.from_dicts(gold, pred))
    out = {}
    for key, pairs in sorted(groups.items()):
        fields = evaluate_pairs(pairs).to_json()["fields"]
        # a field neither the gold nor the record has (a 决算's projects) is not scored: "–"
        scored = [f for f in RECORD_FIELDS if fields[f]["gold"] + fields[f]["pred"]]
        out[key] = {f: fields[f]["f1"] for f in scored} | {"n": len(pairs)}
    return out


def records_table(records: dict[tuple[str, str], dict[str, float]]) -> str:
    """`record_scores` as a Markdown table, a row per converter and family."""
    lines = [
        "| converter | family | docs | key figures | tables | projects | indicators |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for (conv, family), s in records.items():
        cells = " | ".join(f"{s[f]:.3f}" if f in s else "–" for f in RECORD_FIELDS)
        lines.append(f"| {conv} | {family} | {s['n']} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=60, help="generator-text training docs")
    parser.add_argument("--docs", type=int, default=36, help="converted docs (2/3 train)")
    parser.add_argument(
        "--iterations",
        type=int,
        help="CRF training iterations (default: the recipe's, 100; at 40 single labels moved "
        "by up to 0.1 between feature sets that differed little)",
    )
    parser.add_argument("--converters", default=",".join(c for c in CONVERTERS if c != "ocr"))
    parser.add_argument(
        "--hold",
        help="comma-separated: hold out only these converters (default: each in turn, and none)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="held-out models trained at once, each in one process (CRFsuite trains on one "
        "core: two jobs on two cores take about half the time of one job with two feature "
        "workers)",
    )
    parser.add_argument("--work", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "LOCO.md")
    args = parser.parse_args()
    started = time.perf_counter()
    recipe = yaml.safe_load((ROOT / "configs" / "crf.yaml").read_text("utf-8"))["crf"]
    args.iterations = args.iterations or recipe["max_iterations"]
    settings = CRFSettings(**{**recipe, "max_iterations": args.iterations})
    with tempfile.TemporaryDirectory() as tmp_name:
        work = args.work or Path(tmp_name)
        work.mkdir(parents=True, exist_ok=True)
        wanted = args.converters.split(",")
        usable = available(wanted, work)
        rows = converted(args.docs, usable, work)
        cut = args.docs * 2 // 3
        train_rows = [r for r in rows if r["index"] < cut]
        test_rows = [r for r in rows if r["index"] >= cut]
        base = [_doc(BASE_SEED, i, "medium") for i in range(args.base)]
        base_pairs = [(d.text, list(d.spans)) for d in base]
        results: dict[str, tuple[dict, float]] = {}
        holds: list[str | None] = [None, *usable]
        if args.hold:
            holds = [h for h in usable if h in args.hold.split(",")]
        jobs = []
        for held in holds:
            name = held or "(no converter text)"
            train = base_pairs
            if held:
                train = base_pairs + _pairs([r for r in train_rows if r["converter"] != held])
            test = [r for r in test_rows if r["converter"] == held] if held else test_rows
            jobs.append((name, train, test, work / f"model-{name}"))
        with ProcessPoolExecutor(args.jobs) as pool:
            workers = 2 if args.jobs == 1 else 1
            running = {
                name: pool.submit(train_and_score, train, test, settings, where, workers)
                for name, train, test, where in jobs
            }
            for name, future in running.items():
                results[name] = future.result()
                micro = results[name][0]["micro"]["f1"]
                print(f"{name}: {micro:.3f}", file=sys.stderr, flush=True)
        records = record_scores(test_rows, work / "records")
        dropped: dict[str, list[int]] = {}
        for r in rows:
            d = dropped.setdefault(r["converter"], [0, 0])
            d[0] += r["dropped"]
            d[1] += r["dropped"] + len(r["spans"])
    print(report(args, usable, results, records, dropped, time.perf_counter() - started))


def report(args, usable, results, records, dropped, seconds: float) -> str:
    labels = sorted({k for s, _ in results.values() for k in s if k != "micro"})
    command = shlex.join(["python", "benchmarks/loco.py", *sys.argv[1:]])
    lines = [
        "# Leave one converter out",
        "",
        f"    {command}",
        "",
        f"{args.base} generator-text documents + {args.docs} converted documents "
        f"({args.docs * 2 // 3} train, {args.docs - args.docs * 2 // 3} test, low noise) per "
        f"converter; CRF of configs/crf.yaml with {args.iterations} iterations; {seconds:.0f} s "
        f"on 2 cores ({args.jobs} model(s) at a time). Each row: trained without that "
        "converter's text, tested on it (the first row: trained on generator text only, tested "
        "on every converter's). Cells: strict span F1 (gold spans in the test text); a label "
        "with under 50 gold spans there in brackets.",
        "",
        "| held out | micro | " + " | ".join(labels) + " | train s |",
        "|---|---:|" + "---:|" * len(labels) + "---:|",
    ]
    for name, (scores, secs) in results.items():
        cells = []
        for label in labels:
            s = scores.get(label)
            if s is None:
                cells.append("–")
            else:
                cells.append(f"{s['f1']:.3f}" if s["gold"] >= 50 else f"({s['f1']:.3f})")
        micro = scores["micro"]["f1"]
        lines.append(f"| {name} | {micro:.3f} | " + " | ".join(cells) + f" | {secs:.0f} |")
    lines += ["", "Gold spans dropped by the projection (could not be placed exactly):", ""]
    lines += ["| converter | dropped | of |", "|---|---:|---:|"]
    for name in usable:
        d, t = dropped.get(name, (0, 0))
        lines.append(f"| {name} | {d / t if t else 0:.3f} | {t} |")
    lines += [
        "",
        "Records of the shipped default model on the test documents' converter text, F1 per "
        "template family (key figures, coded-table cells, projects, indicator rows; SCHEMA.md "
        "scoring; more documents, apart from these: benchmarks/CONVERTER_RECORDS.md):",
        "",
        records_table(records),
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    main()
