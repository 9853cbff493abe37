"""Tagger benchmark: strict span F1 on the real labelled text, and throughput on one core.

Throughput is reported in characters per second and as a ratio to `jieba.lcut` over the same
text in the same run (machine speed cancels out of the ratio), of the shipped CRF model unless
`--crf` names another model directory. `--train` also trains CRFs with tiny settings on
alternate blocks of the real text and scores them on the other blocks (and times the last).

    python benchmarks/bench_tagger.py [--crf DIR] [--train] [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jieba

from ie.spans import Span, read_spans
from ie.tagger.crf import MODEL_FILE, CRFSettings, CRFTagger
from ie.tagger.rules import RulesTagger
from ie.text import forget_cells
from ie.tokenize import Tokenizer
from training.transformer import span_scores

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"
SHIPPED = ROOT / "ie" / "models" / "crf"


def best_seconds(
    fn: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None
) -> float:
    """The fastest of `repeat` timed calls of `fn`, each after an untimed call of `before`."""
    times = []
    for _ in range(repeat):
        before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def blocks(text: str, spans: list[Span], every: int = 8) -> tuple[list, list]:
    """Alternate blocks of `every` paragraphs as (train, held-out) lists of (text, spans)."""
    cuts = [0, *(m.end() for m in re.finditer(r"\n\n", text)), len(text)]
    out: tuple[list, list] = ([], [])
    for k, i in enumerate(range(0, len(cuts) - 1, every)):
        a, b = cuts[i], cuts[min(i + every, len(cuts) - 1)]
        inside = [
            Span(s.start - a, s.end - a, s.label, s.text)
            for s in spans
            if a <= s.start and s.end <= b
        ]
        out[k % 2].append((text[a:b], inside))
    return out


def _keys(spans: list[Span]) -> set[tuple[str, int, int]]:
    return {(s.label, s.start, s.end) for s in spans}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crf", type=Path, help="a trained CRF model directory")
    ap.add_argument("--train", action="store_true", help="train tiny CRFs on the real text")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()

    text = REAL.read_text(encoding="utf-8")
    gold = read_spans(REAL.with_name(REAL.stem + ".spans.jsonl"))
    report: dict = {"text_chars": len(text)}

    rules = RulesTagger()
    report["rules_f1_real"] = span_scores([_keys(gold)], [_keys(rules.predict(text))])

    tok = Tokenizer()

    def forget() -> None:
        tok.forget()
        forget_cells()

    tok.words(text)  # load dictionaries before timing
    jieba.lcut(text)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.train:
            crf = CRFTagger.load(args.crf or SHIPPED, tokenizer=tok)
        else:
            train, held = blocks(text, gold)
            for use_rules in (False, True):
                settings = CRFSettings(max_iterations=50, use_rules=use_rules)
                model = Path(tmp) / f"rules{int(use_rules)}" / MODEL_FILE
                crf = CRFTagger(settings, tok).fit(train, model)
                preds = [crf.predict(t) for t, _ in held]
                report[f"crf_f1_heldout_blocks_use_rules={use_rules}"] = span_scores(
                    [_keys(s) for _, s in held], [_keys(p) for p in preds]
                )
        timings = {
            "jieba.lcut": best_seconds(lambda: jieba.lcut(text), args.repeat),
            "tokenize.words": best_seconds(lambda: tok.words(text), args.repeat, forget),
            "rules": best_seconds(lambda: rules.predict(text), args.repeat, forget),
            # First pass: nothing remembered from an earlier call (jieba's blocks, cell keys),
            # as for a document unlike any before it; "warm": the same text again, an upper
            # bound on what a corpus of look-alike documents gets.
            "crf": best_seconds(lambda: crf.predict(text), args.repeat, forget),
            "crf (warm)": best_seconds(lambda: crf.predict(text), args.repeat),
        }
    base = timings["jieba.lcut"]
    report["cpu"] = platform.processor() or platform.machine()
    report["throughput"] = {
        name: {"chars_per_s": round(len(text) / s), "ratio_to_jieba_lcut": round(base / s, 3)}
        for name, s in timings.items()
    }
    for key, value in report.items():
        if isinstance(value, dict) and "micro" in value:
            per = {k: round(v["f1"], 3) for k, v in value.items()}
            print(f"{key}: {json.dumps(per, ensure_ascii=False)}")
    for name, v in report["throughput"].items():
        print(
            f"{name:15s} {v['chars_per_s']:>10,d} chars/s  "
            f"x{v['ratio_to_jieba_lcut']:.3f} of jieba.lcut"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
