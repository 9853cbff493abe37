"""Train a tagger from a YAML config: `train(config_path) -> model directory`.

A config (see configs/crf.yaml) names the seed, the training and validation data, the
hyper-parameters and the output directory; unknown keys are rejected. Data files are JSONL rows
`{doc_id, text, spans: [{label, start, end, text}]}` (what training/synth writes), or a labelled
`.txt` with its `.spans.jsonl` beside it. Relative paths are relative to the working directory.

A run writes into `output_dir`: the model, `tagger.json` (settings and label map), a copy of the
config, `metrics.json` (strict span P/R/F1, micro and per label, on the validation data) and
`MODEL_CARD.md`.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ie.errors import AlignmentError, ConfigError
from ie.schema import LABELS
from ie.spans import Span, read_spans
from training.data import iter_rows, row_spans
from training.transformer import span_scores


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CRFParams(_Strict):
    """Hyper-parameters of the crf backend (ie.tagger.crf.CRFSettings)."""

    algorithm: Literal["lbfgs", "l2sgd", "ap"] = "lbfgs"
    c1: float = Field(0.1, ge=0)
    c2: float = Field(0.05, ge=0)
    max_iterations: int = Field(100, ge=1)
    all_possible_transitions: bool = True
    use_rules: bool = True
    window: int = Field(2, ge=0, le=4)
    max_chunk_chars: int = Field(2000, ge=50)
    skip_duplicate_chunks: bool = False  # read each distinct (features, tags) chunk once


class TrainConfig(_Strict):
    """A training recipe. `validation` empty: hold out `validation_fraction` of the training
    documents (seeded), at least one."""

    backend: Literal["crf"] = "crf"
    seed: int = 0
    train: list[Path]
    validation: list[Path] = Field(default_factory=list)
    validation_fraction: float = Field(0.2, gt=0, lt=1)
    max_train_docs: int | None = Field(None, ge=1)
    # rows of real text the rules labelled (`budget-ie weak`, training.weak), mixed in at
    # `weak_weight` copies each (a fraction: that share of them, seeded); not validated on
    weak: list[Path] = Field(default_factory=list)
    weak_weight: float = Field(1.0, ge=0)
    workers: int = Field(1, ge=1)  # processes computing features while CRFsuite trains
    output_dir: Path
    crf: CRFParams = Field(default_factory=CRFParams)


@dataclass(frozen=True, slots=True)
class Row:
    """One labelled document."""

    doc_id: str
    text: str
    spans: tuple[Span, ...]


def read_yaml(path: str | Path) -> dict:
    """A YAML config file as a mapping. Raises ConfigError when unreadable or not a mapping."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the config ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"{p}: a training config is a mapping of keys; valid keys: {_keys(TrainConfig)}"
        )
    return data


def load_config(path: str | Path) -> TrainConfig:
    """Read and check a YAML CRF training config. Raises ConfigError naming the valid keys."""
    data = read_yaml(path)
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_explain(exc)}") from None


def _keys(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"])
        if err["type"] == "extra_forbidden":
            model = CRFParams if err["loc"][0] == "crf" and len(err["loc"]) > 1 else TrainConfig
            parts.append(f"unknown key {loc!r}; valid keys: {_keys(model)}")
        else:
            parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def read_rows(source: str | Path) -> list[Row]:
    """Labelled documents from a JSONL file, a folder of them or a saved `datasets` folder
    (training.data.iter_rows), or from `X.txt` with its `X.spans.jsonl` beside it.

    Raises ConfigError for missing data and AlignmentError for spans that do not fit.
    """
    p = Path(str(source).partition("::")[0])
    if p.suffix == ".txt":
        spans_path = p.with_name(p.stem + ".spans.jsonl")
        if not p.is_file() or not spans_path.is_file():
            raise ConfigError(f"{p}: a labelled .txt needs {spans_path.name} beside it")
        text = p.read_text(encoding="utf-8")
        spans = read_spans(spans_path)
        for span in spans:
            span.check(text)
        return [Row(p.stem, text, tuple(spans))]
    rows = []
    for n, obj in enumerate(iter_rows(source), 1):
        try:
            rows.append(
                Row(str(obj.get("doc_id", f"{p.stem}:{n}")), obj["text"], tuple(row_spans(obj)))
            )
        except (KeyError, TypeError) as exc:
            raise AlignmentError(f"{source}: row {n} is not a labelled row ({exc})") from exc
    return rows


def weighted(rows: list[Row], weight: float, seed: int) -> list[Row]:
    """`rows` at `weight`: each `int(weight)` times, and a seeded sample of the fraction left
    over (0.5: half of them, once)."""
    copies, rest = divmod(weight, 1)
    sample = random.Random(seed).sample(rows, round(rest * len(rows)))
    return rows * int(copies) + sample


def _keys_of(spans: Iterable[Span]) -> set[tuple[str, int, int]]:
    return {(s.label, s.start, s.end) for s in spans}


def split_rows(rows: list[Row], fraction: float, seed: int) -> tuple[list[Row], list[Row]]:
    """(train, validation): a seeded shuffle holds out `fraction` of the rows, at least one."""
    if len(rows) < 2:
        raise ConfigError(
            "one training document cannot be split into train and validation; "
            "add documents or list validation files under `validation`"
        )
    order = list(rows)
    random.Random(seed).shuffle(order)
    n_val = max(1, round(len(order) * fraction))
    return order[n_val:], order[:n_val]


RECIPES = ("crf", "transformer", "mlm")


def train(config_path: str | Path, progress=None) -> Path:
    """Train what a recipe describes (its `backend:` key: crf, transformer or mlm); returns the
    output directory."""
    p = Path(config_path)
    data = read_yaml(p)
    backend = data.get("backend", "crf")
    if backend not in RECIPES:
        raise ConfigError(f"{p}: unknown backend {backend!r}; valid: {', '.join(RECIPES)}")
    if backend == "crf":
        return train_crf(p, progress)
    from training import transformer

    rest = {k: v for k, v in data.items() if k != "backend"}
    try:
        if backend == "mlm":
            return transformer.pretrain_mlm(transformer.MLMConfig.from_dict(rest), progress)
        return transformer.train_transformer(
            transformer.TransformerConfig.from_dict(rest), progress
        )
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc}") from None


def train_crf(config_path: str | Path, progress=None) -> Path:
    """Train the CRF a config describes; returns its output directory. `progress(message)`
    hears how far feature extraction and training are."""
    from ie.tagger.crf import MODEL_FILE, CRFSettings, CRFTagger

    say = progress or (lambda _m: None)
    config_path = Path(config_path)
    cfg = load_config(config_path)
    random.seed(cfg.seed)
    rows = [r for path in cfg.train for r in read_rows(path)]
    if cfg.max_train_docs:
        rows = rows[: cfg.max_train_docs]
    if cfg.validation:
        train_rows, val_rows = rows, [r for path in cfg.validation for r in read_rows(path)]
    else:
        train_rows, val_rows = split_rows(rows, cfg.validation_fraction, cfg.seed)
    weak = weighted([r for path in cfg.weak for r in read_rows(path)], cfg.weak_weight, cfg.seed)
    train_rows = train_rows + weak
    out = cfg.output_dir
    out.mkdir(parents=True, exist_ok=True)
    tagger = CRFTagger(CRFSettings(**cfg.crf.model_dump()))
    say(
        f"{len(train_rows)} training documents ({len(weak)} weakly labelled), "
        f"{len(val_rows)} validation; "
        f"{cfg.crf.algorithm}, {cfg.crf.max_iterations} iterations, {cfg.workers} worker(s)"
    )

    def docs() -> Iterable[tuple[str, list[Span]]]:
        for n, r in enumerate(train_rows, 1):
            yield r.text, list(r.spans)
            if n % 100 == 0 or n == len(train_rows):
                say(f"features: {n}/{len(train_rows)} documents")

    t0 = time.perf_counter()
    tagger.fit(docs(), out / MODEL_FILE, cfg.workers)
    train_s = time.perf_counter() - t0
    say(f"trained in {train_s:.0f} s; scoring the validation documents")
    tagger.save(out)
    shutil.copyfile(config_path, out / "config.yaml")

    t0 = time.perf_counter()
    preds = [tagger.predict(r.text) for r in val_rows]
    pred_s = time.perf_counter() - t0
    val_chars = sum(len(r.text) for r in val_rows)
    metrics = {
        "spans_strict": span_scores(
            [_keys_of(r.spans) for r in val_rows], [_keys_of(p) for p in preds]
        ),
        "validation_docs": len(val_rows),
        "validation_chars": val_chars,
        "train_docs": len(train_rows),
        "weak_docs": len(weak),
        "train_chars": sum(len(r.text) for r in train_rows),
        "train_seconds": round(train_s, 2),
        "train_workers": cfg.workers,
        **tagger.fit_counts,
        "peak_rss_mib": _peak_rss_mib(),
        "predict_chars_per_second": round(val_chars / pred_s) if pred_s else None,
        "model_bytes": (out / MODEL_FILE).stat().st_size,
        "seed": cfg.seed,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    (out / "MODEL_CARD.md").write_text(model_card(cfg, metrics), encoding="utf-8")
    return out


def _peak_rss_mib() -> int:
    """Peak resident memory of this process (the CRFsuite trainer lives here), in MiB."""
    import resource

    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return round(kib / (1024 if sys.platform != "darwin" else 1024 * 1024))


def model_card(cfg: TrainConfig, metrics: dict[str, Any]) -> str:
    """A short MODEL_CARD.md: data, labels, scores, size and speed."""
    scores = metrics["spans_strict"]
    rows = "\n".join(
        f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['gold']} |"
        for lab, s in scores.items()
    )
    m = metrics
    val = ", ".join(map(str, cfg.validation))
    val = val or f"{cfg.validation_fraction:.0%} of train, seed {cfg.seed}"
    lines = [
        f"# budget-ie {cfg.backend} tagger",
        "",
        "Character-level IOB2 tagger for Chinese budget disclosures (部门预算信息公开).",
        "",
        "## Data",
        f"- train: {', '.join(map(str, cfg.train))} "
        f"({m['train_docs']} documents, {m['train_chars']} characters)",
        *(
            [
                f"- weakly labelled: {', '.join(map(str, cfg.weak))} ({m['weak_docs']} of the "
                f"training documents, weight {cfg.weak_weight:g}; training/weak.py)"
            ]
            if cfg.weak
            else []
        ),
        f"- validation: {val} "
        f"({m['validation_docs']} documents, {m['validation_chars']} characters)",
        "",
        "## Labels",
        ", ".join(LABELS),
        "",
        "## Scores (strict span match on validation)",
        "| label | precision | recall | F1 | gold spans |",
        "|---|---|---|---|---|",
        rows,
        "",
        "## Size and speed",
        f"- model file: {m['model_bytes']} bytes",
        f"- training: {m['train_seconds']} s with {m['train_workers']} feature worker(s), "
        f"peak memory {m['peak_rss_mib']} MiB; "
        f"prediction: {m['predict_chars_per_second']} characters/s (one process)",
        "",
        "## Hyper-parameters",
        "```json",
        json.dumps(cfg.crf.model_dump(), indent=2),
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(train(sys.argv[1]))
