"""F1 of record fields and spans against the noise level, per tagger backend.

    python benchmarks/noise_sweep.py [--n 10] [--crf DIR] [--transformer DIR]
                                     [--png benchmarks/noise_sweep.png] [--md FILE]

For every level (none, low, medium, high, 1.0) the same `--n` synthetic documents are generated
afresh from `--seed` — same content and layout, only the noise differs, so the curves compare
like with like — extracted through the whole pipeline and scored with `ie.evaluate`, by
benchmarks/accuracy.py's functions. Backends: rules always; crf / transformer when a model
folder is given (or one ships with the package). Writes a PNG plot and a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import FIELDS, summary, synthetic_pairs

from ie.errors import ConfigError
from ie.evaluate import EvalReport, evaluate_pairs
from ie.pipeline import Extractor, shipped_model

LEVELS: tuple[str, ...] = ("none", "low", "medium", "high", "1.0")
METRICS: tuple[str, ...] = (
    "key_figures",
    "projects",
    "redactions",
    "indicators",
    "tables",
    "spans_strict_micro",
)


def scores(report: EvalReport) -> dict:
    """accuracy.summary's F1 per field, leaving out fields with nothing to score (no gold and
    no prediction: F1 0/0 is not a failure) so tables show them as '–'."""
    out = summary(report)
    fields = report.to_json()["fields"]
    for name in FIELDS:
        if name in out and fields[name]["gold"] == 0 and fields[name]["pred"] == 0:
            del out[name]
    return out


def level_value(level: str) -> float:
    """A named or numeric noise level -> its number in [0, 1] (training.synth's scale)."""
    from training.synth.noise import noise_level

    return noise_level(level)


def extractors(models: Mapping[str, Path | None]) -> dict[str, Extractor]:
    """rules, plus each backend in `models` with a folder given or shipped with the package."""
    out = {"rules": Extractor("rules")}
    for backend, folder in models.items():
        folder = folder or shipped_model(backend)
        if folder is not None:
            out[backend] = Extractor(backend, folder)
    return out


def sweep(
    backends: Mapping[str, Extractor],
    levels: Sequence[str] = LEVELS,
    n: int = 10,
    seed: int = 991,
    progress: bool = True,
) -> list[dict]:
    """Score every backend at every noise level on `n` fresh synthetic documents.

    Returns one row per (backend, level): {backend, level, noise, <metric>: F1, ..., seconds}.
    """
    rows = []
    for name, extractor in backends.items():
        for level in levels:
            start = time.perf_counter()
            pairs = synthetic_pairs(extractor, n, seed, level, layout=None)
            row = {"backend": name, "level": level, "noise": level_value(level)}
            row |= scores(evaluate_pairs(pairs))
            row["seconds"] = round(time.perf_counter() - start, 1)
            rows.append(row)
            if progress:
                print(row, flush=True)
    return rows


def markdown_table(rows: Sequence[dict]) -> str:
    """The sweep as a Markdown table: one line per backend and level, F1 per metric."""
    head = ["backend", "noise", *METRICS, "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for r in rows:
        cells = [r["backend"], f"{r['level']} ({r['noise']:.2f})"]
        cells += [f"{r[m]:.3f}" if m in r else "–" for m in METRICS]
        cells.append(f"{r['seconds']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(rows: Sequence[dict], path: Path, title: str = "") -> Path:
    """One panel per metric, F1 against noise level, one line per backend; saved as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display on benchmark machines
    import matplotlib.pyplot as plt

    backends = list(dict.fromkeys(r["backend"] for r in rows))
    # Distinct markers and dashes: backends often score alike and their lines overlap.
    styles = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-.")]
    fig, axes = plt.subplots(2, 3, figsize=(11, 6.5), sharex=True, sharey=True)
    for ax, metric in zip(axes.flat, METRICS, strict=True):
        for k, backend in enumerate(backends):
            mine = [r for r in rows if r["backend"] == backend and metric in r]
            marker, dashes = styles[k % len(styles)]
            ax.plot(
                [r["noise"] for r in mine],
                [r[metric] for r in mine],
                marker=marker,
                linestyle=dashes,
                markerfacecolor="none" if k else None,
                label=backend,
            )
        ax.set_title(metric.replace("_", " "))
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("noise level (0 = clean, 1 = worst)")
    for ax in axes[:, 0]:
        ax.set_ylabel("F1")
    axes.flat[0].legend(loc="lower left")
    fig.suptitle(title or "budget-ie: F1 against synthetic noise")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10, help="documents per level")
    parser.add_argument("--seed", type=int, default=991)
    parser.add_argument("--levels", default=",".join(LEVELS), help="comma-separated")
    parser.add_argument("--crf", type=Path, default=None, help="a trained CRF model folder")
    parser.add_argument("--transformer", type=Path, default=None, help="a transformer folder")
    parser.add_argument("--png", type=Path, default=Path("benchmarks/noise_sweep.png"))
    parser.add_argument("--md", type=Path, default=None, help="also write the table here")
    args = parser.parse_args()
    levels = [x.strip() for x in args.levels.split(",") if x.strip()]
    for level in levels:
        try:
            level_value(level)  # reject a bad level before any work
        except ConfigError as exc:
            parser.error(str(exc))
    rows = sweep(
        extractors({"crf": args.crf, "transformer": args.transformer}), levels, args.n, args.seed
    )
    table = markdown_table(rows)
    print(table)
    plot(rows, args.png, f"budget-ie: F1 against noise ({args.n} synthetic documents per level)")
    print(f"plot: {args.png}")
    if args.md:
        args.md.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    main()
