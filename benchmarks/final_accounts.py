"""部门决算 (final accounts): kind, key figures, coded tables and the “三公” 预算数/决算数 pairs.

    python benchmarks/final_accounts.py --n 20 [--backend crf] [--out benchmarks/FINAL_ACCOUNTS.md]

Fresh synthetic 决算 and budgets (training.synth, seeds the corpora do not use) at high noise,
as text in each layout and as PDF, extracted through the whole pipeline and scored with
`ie.evaluate`; the “三公” cells scored apart (F1 over row, column — budget or total — and
value); failed checks counted on documents whose numbers are consistent by construction. Then
`kind` on every real document there is: the labelled text (corpora/real), the 22 Jiangsu
budgets and the blank Shanghai 2024 决算 template (../shared, skipped when absent).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from accuracy import JIANGSU, ROOT, synthetic_pairs

from ie.evaluate import evaluate_pairs
from ie.pipeline import get_extractor

TEMPLATE = ROOT.parent / "shared" / "corpora" / "templates" / "部门决算模板_上海2024.pdf"


def three_public_f1(pairs) -> float:
    """F1 over (row name, column, value) of the “三公” tables, budget and final columns."""

    def cells(record) -> Counter:
        return Counter(
            (row.name, column, round(value, 2))
            for t in record.tables
            if t.kind == "three_public"
            for row in t.rows
            for column, value in row.values.items()
        )

    tp = gold = pred = 0
    for pair in pairs:
        g, p = cells(pair.gold), cells(pair.pred)
        tp += sum((g & p).values())
        gold += sum(g.values())
        pred += sum(p.values())
    return 2 * tp / (gold + pred) if gold + pred else 1.0


def misread(pair) -> bool:
    """Whether the record got a key figure or a cell of any table (of every kind, scored or
    not) other than the gold states it."""

    def cells(record) -> Counter:
        return Counter(
            (t.kind, row.code or row.name, column, round(value, 2))
            for t in record.tables
            for row in t.rows
            for column, value in row.values.items()
        )

    g, p = pair.gold, pair.pred
    figures = {k: round(v, 2) for k, v in g.key_figures.items()}
    said = {k: round(v, 2) for k, v in p.key_figures.items() if k in figures}
    return said != figures or bool(cells(g) - cells(p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="documents per set")
    parser.add_argument("--seed", type=int, default=611)
    parser.add_argument("--backend", default="crf")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "FINAL_ACCOUNTS.md")
    args = parser.parse_args()
    extractor = get_extractor(args.backend)
    rows = []
    runs = [
        ("决算, text, tab", "tab", False, "final_accounts"),
        ("决算, text, cell", "cell", False, "final_accounts"),
        ("决算, text, space", "space", False, "final_accounts"),
        ("决算, PDF", None, True, "final_accounts"),
        ("budget, text, mixed layouts", None, False, "budget"),
    ]
    for name, layout, pdf, kind in runs:
        start = time.perf_counter()
        pairs = synthetic_pairs(extractor, args.n, args.seed, "high", layout, pdf, kind)
        report = evaluate_pairs(pairs)
        fields = report.to_json()["fields"]
        row = {"set": name, "docs": len(pairs)}
        for field in ("kind", "key_figures", "tables", "tables_present"):
            row[field] = round(fields[field]["f1"], 3)
        # the budget family names its “三公” rows as printed (其中：…), which SCHEMA scores
        # for presence only: the cell F1 is a 决算 figure
        row["three_public"] = round(three_public_f1(pairs), 3) if kind == "final_accounts" else "–"
        row["failed_checks"] = sum(not c.ok for p in pairs for c in p.pred.checks)
        row["on_exact_reads"] = sum(
            not c.ok for p in pairs if not misread(p) for c in p.pred.checks
        )
        row["seconds"] = round(time.perf_counter() - start, 1)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    real = []
    for path in sorted((ROOT / "corpora" / "real").glob("*.txt")):
        real.append(("labelled text (budget)", path.name, "budget", extractor.extract(path).kind))
    for path in sorted(JIANGSU.rglob("*.pdf")) if JIANGSU.exists() else []:
        real.append(("Jiangsu PDF (budget)", path.name, "budget", extractor.extract(path).kind))
    if TEMPLATE.exists():
        record = extractor.extract(TEMPLATE)
        real.append(("决算 template", TEMPLATE.name, "final_accounts", record.kind))
        template = {
            "tables": [(t.title, t.kind, len(t.rows)) for t in record.tables],
            "failed_checks": [c.rule for c in record.checks if not c.ok],
        }
    else:
        template = None
    right = sum(expected == got for _, _, expected, got in real)
    print(f"kind on real documents: {right}/{len(real)}", flush=True)
    args.out.write_text(render(rows, real, template, args), encoding="utf-8")
    print(f"wrote {args.out}")


def render(rows, real, template, args) -> str:
    cols = ["set", "docs", "kind", "key_figures", "tables", "tables_present", "three_public",
            "failed_checks", "on_exact_reads", "seconds"]  # fmt: skip
    lines = [
        "# 部门决算 (final accounts)",
        "",
        f"`python benchmarks/final_accounts.py --n {args.n} --seed {args.seed} --backend "
        f"{args.backend}` on the 2-core development machine. Synthetic documents at high noise "
        "(the test split's level); `tables` is F1 over the coded tables' cells, `three_public` "
        "F1 over the “三公” table's cells (budget and final columns), `failed_checks` the "
        "checks that failed on documents consistent by construction, `on_exact_reads` those "
        "of them on records that read every key figure and every table cell (of every kind) "
        "as the gold states it: a failed check on a consistent document that was read right "
        "would be a false alarm; the others point at a misread (noise that broke a figure "
        "over lines, a wide table's empty columns under space-padded noise).",
        "",
        "| " + " | ".join(cols) + " |",
        "|---|" + "---:|" * (len(cols) - 1),
    ]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    right = sum(expected == got for _, _, expected, got in real)
    lines += ["", f"## kind on real documents: {right} of {len(real)} right", ""]
    by_set = Counter(s for s, *_ in real)
    ok = Counter(s for s, _, expected, got in real if expected == got)
    lines += [f"- {s}: {ok[s]} of {n}" for s, n in by_set.items()]
    wrong = [f"{name} ({got})" for _, name, expected, got in real if expected != got]
    if wrong:
        lines.append("- wrong: " + ", ".join(wrong))
    if template is not None:
        lines += ["", "## The blank 决算 template (Shanghai 2024)", ""]
        lines += [f"- {title}: `{kind}`, {n} rows" for title, kind, n in template["tables"]]
        lines.append(f"- failed checks: {template['failed_checks'] or 'none'}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
