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
    "项目支出表",
    "情况说明",
]
# template features: (name, pattern) searched in each text
FEATURES = [
    ("tables in 元 (单位：元)", r"单位[:：]\s*元"),
    ("tables in 万元", r"单位[:：]\s*万元"),
    ("codes in 类/款/项 columns", r"类\s+款\s+项"),
    ("thousands separators", r"\d,\d{3}\.\d"),
    ("项目支出表", r"项目支出(?:预算)?表"),
    ("XX情况说明 project sections", r"(?:经费|资金|费|项目)情况说明"),
    ("绩效目标表", r"绩效目标表"),
    ("决算 (final accounts) wording", r"决算"),
]
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"


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


def _lengths(texts: list[str]) -> str:
    lens = sorted(len(t) for t in texts)
    return f"{len(lens)} | {lens[0]} | {statistics.median(lens):.0f} | {lens[-1]}"


def _feature_share(texts: list[str], pattern: str) -> str:
    if not texts:
        return "–"
    return f"{sum(bool(re.search(pattern, t)) for t in texts) / len(texts):.2f}"


def _jiangsu_texts() -> list[str]:
    """The text ie.ingest reads from the 22 Jiangsu PDFs (empty when ../shared is absent)."""
    if not JIANGSU.is_dir():
        return []
    from ie.ingest import ingest

    return [ingest(p).text for p in sorted(JIANGSU.glob("*/*.pdf"))]


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
    j_texts = _jiangsu_texts()
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
    stats = [("real", rl), ("synthetic", sl)]
    if j_texts:
        stats.insert(1, ("jiangsu PDFs (ingest text)", _line_stats(j_texts)))
    for name, st in stats:
        out.append(
            f"| {name} | {st['lines']} | {st['median']:.0f} | {st['p10']:.0f} | "
            f"{st['p90']:.0f} | {st['share_le_4']:.2f} |"
        )
    out += [
        "",
        "## Document length (characters)",
        "",
        "| | docs | min | median | max |",
        "|---|---|---|---|---|",
        f"| real (corpora/real) | {_lengths(r_texts)} |",
    ]
    if j_texts:
        out.append(f"| jiangsu PDFs | {_lengths(j_texts)} |")
    out += [
        f"| synthetic | {_lengths(s_texts)} |",
        "",
        "## Template features (share of documents)",
        "",
        "| feature | real | jiangsu PDFs | synthetic |",
        "|---|---|---|---|",
    ]
    for name, pat in FEATURES:
        out.append(
            f"| {name} | {_feature_share(r_texts, pat)} | {_feature_share(j_texts, pat)} | "
            f"{_feature_share(s_texts, pat)} |"
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
        "## Spans by label (per document, and per 10,000 characters)",
        "",
        "| label | real /doc | synthetic /doc | real /10k chars | synthetic /10k chars |",
        "|---|---|---|---|---|",
    ]
    r_chars = sum(map(len, r_texts)) / 10_000
    s_chars = sum(map(len, s_texts)) / 10_000
    for lab in sorted(set(labels_r) | set(labels_s)):
        out.append(
            f"| {lab} | {labels_r[lab] / len(real):.0f} | {labels_s[lab] / n:.0f} | "
            f"{labels_r[lab] / r_chars:.0f} | {labels_s[lab] / s_chars:.0f} |"
        )
    from training.synth.audit import audit_documents

    audit = audit_documents((d.text, d.record) for d in synth)
    out += [
        "",
        "## Fairness: gold items the synthetic text states (training.synth.audit)",
        "",
        "| " + " | ".join(audit.rates()) + " |",
        "|" + "---|" * len(audit.rates()),
        "| " + " | ".join(f"{v:.3f}" for v in audit.rates().values()) + " |",
    ]
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
