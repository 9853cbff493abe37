"""Time `generate_corpus`: N documents (default 1,000) with JSONL, gold files and the
DatasetDict, on this machine. Acceptance: 1,000 documents in at most 120 s.

    python benchmarks/bench_synth.py [-n 1000] [--noise medium] [--out benchmarks/_work/synth]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.synth import generate_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", default="medium")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/_work/synth"))
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    t0 = time.perf_counter()
    summary = generate_corpus(args.n, args.seed, args.out, noise=args.noise)
    dt = time.perf_counter() - t0
    chars = sum(p.stat().st_size for p in (args.out / "docs").glob("*.txt"))
    print(
        json.dumps(
            {
                **summary,
                "seconds": round(dt, 1),
                "docs_per_s": round(args.n / dt, 1),
                "txt_bytes": chars,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"{args.n} documents in {dt:.1f} s ({'OK' if dt <= 120 * args.n / 1000 else 'SLOW'})")


if __name__ == "__main__":
    main()
