"""Write corpora/SYNTH_VS_REAL.md: synthetic documents against the real labelled text.

    python -m training.synth.compare [-n 60] [--seed 0] [--noise medium]

Measures: line-length distribution; share of AMOUNT/CODE spans broken by whitespace; which
section and table titles occur; and how many of the real text's level-2/level-3 indicator
terms the generator's vocabulary can produce (the vocabulary is not copied from the real text).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import Counter
from pathlib import Path

from training.synth import generate_document, vocab

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real"
TITLES = [
    "收支总表",
    "收入总表",
    "支出总表",
    "财政拨款收支总表",
    "一般公共预算财政拨款支出表",
    "基本支出表",
    "政府基金",
    "国有资本经营",
    "“三公”经费",
    "机关运行经费",
    "政府采购",
    "固定资产",
    "绩效目标表",
    "名词解释",
    "部门职责",
    "比上年增减",
    "第一部分",
    "第三部分",
]


def _line_stats(texts: list[str]) -> dict[str, float]:
    lens = [len(x) for t in texts for x in t.split("\n") if x.strip()]
    q = statistics.quantiles(lens, n=10)
    return {
        "lines": len(lens),
        "median": statistics.median(lens),
        "p10": q[0],
        "p90": q[-1],
        "share_le_4": sum(n <= 4 for n in lens) / len(lens),
    }


def _broken(spans: list[dict], label: str) -> float:
    xs = [s for s in spans if s["label"] == label]
    return sum(bool(re.search(r"\s", s["text"])) for s in xs) / max(1, len(xs))


def _coverage(real_terms: set[str]) -> tuple[float, list[str]]:
    """Share of real terms the generator can produce: a template matches when its fixed parts
    occur in the term in order ({T} stands for any topic)."""
    templates = vocab.level3_terms() + [t for v in vocab.indicators()["levels"].values() for t in v]
    pats = [re.compile("^" + ".*".join(map(re.escape, t.split("{T}"))) + "$") for t in templates]
    hit = [t for t in real_terms if any(p.match(t) for p in pats)]
    return len(hit) / max(1, len(real_terms)), sorted(real_terms - set(hit))


def build_report(n: int, seed: int, noise: str) -> str:
    real = []
    for txt in sorted(REAL.glob("*.txt")):
        spans_path = REAL / (txt.name[: -len(".txt")] + ".spans.jsonl")
        lines = spans_path.read_text(encoding="utf-8").splitlines()
        spans = [json.loads(x) for x in lines if x.strip()]
        real.append((txt.read_text(encoding="utf-8"), spans))
    synth = [generate_document(seed + i, noise=noise) for i in range(n)]
    s_texts = [d.text for d in synth]
    s_spans = [s.to_dict() for d in synth for s in d.spans]
    r_texts = [t for t, _ in real]
    r_spans = [s for _, sp in real for s in sp]
    rl, sl = _line_stats(r_texts), _line_stats(s_texts)
    out = [
        "# Synthetic vs real",
        "",
        f"Made by `python -m training.synth.compare -n {n} --seed {seed} --noise {noise}`: "
        f"{n} synthetic documents (layouts mixed) against the {len(real)} real labelled "
        "text(s) in corpora/real.",
        "",
        "## Line lengths (non-empty lines, characters)",
        "",
        "| | lines | median | p10 | p90 | share ≤4 chars |",
        "|---|---|---|---|---|---|",
    ]
    for name, st in (("real", rl), ("synthetic", sl)):
        out.append(
            f"| {name} | {st['lines']} | {st['median']:.0f} | {st['p10']:.0f} | "
            f"{st['p90']:.0f} | {st['share_le_4']:.2f} |"
        )
    out += [
        "",
        "## Broken numbers and codes (span text containing whitespace)",
        "",
        "| | AMOUNT broken | CODE broken |",
        "|---|---|---|",
        f"| real | {_broken(r_spans, 'AMOUNT'):.2f} | {_broken(r_spans, 'CODE'):.2f} |",
        f"| synthetic | {_broken(s_spans, 'AMOUNT'):.2f} | {_broken(s_spans, 'CODE'):.2f} |",
        "",
        "## Sections and tables (share of documents containing the title)",
        "",
        "| title | real | synthetic |",
        "|---|---|---|",
    ]
    for t in TITLES:
        r = sum(t in x for x in r_texts) / len(r_texts)
        s = sum(t in x for x in s_texts) / len(s_texts)
        out.append(f"| {t} | {r:.2f} | {s:.2f} |")
    labels_r = Counter(s["label"] for s in r_spans)
    labels_s = Counter(s["label"] for s in s_spans)
    out += [
        "",
        "## Spans per document by label",
        "",
        "| label | real | synthetic |",
        "|---|---|---|",
    ]
    for lab in sorted(set(labels_r) | set(labels_s)):
        out.append(f"| {lab} | {labels_r[lab] / len(real):.0f} | {labels_s[lab] / n:.0f} |")
    l2 = {s["text"] for s in r_spans if s["label"] == "IND_L2"}
    l3 = {s["text"] for s in r_spans if s["label"] == "IND_L3"}
    c2, miss2 = _coverage(l2)
    c3, miss3 = _coverage(l3)
    out += [
        "",
        "## Indicator vocabulary coverage",
        "",
        "Share of the real text's distinct level-2 / level-3 terms that the generator's "
        "vocabulary (training/synth/data/indicators.json) can produce.",
        "",
        f"- level 2: {c2:.2f} ({len(l2)} terms)",
        f"- level 3: {c3:.2f} ({len(l3)} terms); not producible: {', '.join(miss3)}",
        "",
    ]
    if miss2:
        out.append(f"- level 2 not producible: {', '.join(miss2)}")
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description="Compare synthetic documents with the real text.")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", default="medium")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "corpora" / "SYNTH_VS_REAL.md")
    args = ap.parse_args()
    args.output.write_text(build_report(args.n, args.seed, args.noise), encoding="utf-8")
    print(args.output)


if __name__ == "__main__":
    main()
