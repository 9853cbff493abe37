"""Train the transformer token classifier (and optionally MLM-pretrain its encoder first).

The default recipe is a small char-level BERT-style encoder trained from scratch on our corpus,
its vocabulary built from the training text. `model_name_or_path` instead fine-tunes any local
Hugging Face checkpoint (nothing is downloaded: `local_files_only`).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from ie.errors import ConfigError
from ie.spans import BIO_TAGS, bio_tags
from ie.tagger.transformer import (
    RULE_TYPES_KEY,
    WORD_TYPES_KEY,
    CharVocab,
    TransformerTagger,
    rule_type_ids,
    type_vocab_size,
    windows,
)
from training.data import iter_rows, row_spans

Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class EncoderConfig:
    """What every char-encoder recipe shares: data, output, encoder shape and optimisation."""

    output_dir: str
    train: tuple[str, ...]
    seed: int = 13
    hidden_size: int = 128
    num_layers: int = 2
    num_heads: int = 4
    intermediate_size: int = 512
    window: int = 256
    stride: int = 192
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-4
    max_train_docs: int | None = None
    max_steps: int | None = None
    threads: int = 2

    @classmethod
    def from_dict(cls, data: dict):
        """Build from a config mapping; unknown or missing keys raise ConfigError by name."""
        return config_from_dict(cls, data)


@dataclass(frozen=True, kw_only=True)
class TransformerConfig(EncoderConfig):
    """One token-classifier run; every field is a key of configs/transformer-*.yaml."""

    validation: tuple[str, ...] = ()
    model_name_or_path: str | None = None
    init_from: str | None = None
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    # The rules backend's tag of each character enters as its token type (char-level only),
    # and with word_features its jieba word-boundary tag (B/M/E/S) too.
    rule_features: bool = False
    word_features: bool = False


@dataclass(frozen=True, kw_only=True)
class MLMConfig(EncoderConfig):
    """MLM pretraining of the char encoder on unlabelled text (configs/pretrain-mlm.yaml)."""

    stride: int = 256
    epochs: int = 1
    learning_rate: float = 1e-3
    mask_probability: float = 0.15


def config_from_dict(cls, data: dict):
    """Instantiate the dataclass `cls` from `data`; unknown or missing keys raise ConfigError."""
    valid = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - valid)
    if unknown:
        raise ConfigError(
            f"unknown config key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(valid))}"
        )
    missing = [k for k in ("output_dir", "train") if k not in data]
    if missing:
        raise ConfigError(f"config needs {', '.join(missing)}")
    data = dict(data)
    for key in ("train", "validation"):
        if key in valid:
            value = data.get(key, ())
            data[key] = (value,) if isinstance(value, str) else tuple(value or ())
    return cls(**data)


def _seed_all(seed: int, threads: int) -> None:
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, threads))


def _load_rows(sources: Iterable[str], limit: int | None) -> list[dict]:
    rows: list[dict] = []
    for source in sources:
        for row in iter_rows(source):
            rows.append(row)
            if limit and len(rows) >= limit:
                return rows
    return rows


def _bert_config(cfg, vocab: CharVocab, **extra):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=len(vocab),
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.intermediate_size,
        max_position_embeddings=cfg.window + 2,
        pad_token_id=vocab.id("[PAD]"),
        bos_token_id=vocab.id("[CLS]"),
        eos_token_id=vocab.id("[SEP]"),
        **extra,
    )


Example = tuple[list[int], list[int], list[int] | None]


def _examples(rows: list[dict], vocab: CharVocab, cfg, rules=None, words=None) -> list[Example]:
    """Windows of (input ids with [CLS]/[SEP], label ids with -100 on the specials, and with
    `rules` / `words` (a Tokenizer) the token types of `rule_type_ids`, 0 on the specials)."""
    tag_id = {t: i for i, t in enumerate(BIO_TAGS)}
    cls_id, sep_id = vocab.id("[CLS]"), vocab.id("[SEP]")
    out: list[Example] = []
    for row in rows:
        text = row["text"]
        ids = vocab.encode(text)
        labels = [tag_id[t] for t in bio_tags(len(text), row_spans(row))]
        typed = rules is not None or words is not None
        types = rule_type_ids(text, rules, words) if typed else None
        for s, e in windows(len(ids), cfg.window, cfg.stride):
            out.append(
                (
                    [cls_id, *ids[s:e], sep_id],
                    [-100, *labels[s:e], -100],
                    [0, *types[s:e], 0] if types is not None else None,
                )
            )
    return out


def _batches(examples: list[Example], batch_size: int, pad_id: int, rng: random.Random):
    """Shuffled, padded batches: (input ids, attention mask, labels, token types or None)."""
    import torch

    order = list(range(len(examples)))
    rng.shuffle(order)
    for b in range(0, len(order), batch_size):
        batch = [examples[i] for i in order[b : b + batch_size]]
        width = max(len(ids) for ids, _, _ in batch)
        input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        labels = torch.full((len(batch), width), -100, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        with_types = batch[0][2] is not None
        types = torch.zeros((len(batch), width), dtype=torch.long) if with_types else None
        for r, (ids, labs, typ) in enumerate(batch):
            input_ids[r, : len(ids)] = torch.tensor(ids)
            labels[r, : len(labs)] = torch.tensor(labs)
            mask[r, : len(ids)] = 1
            if types is not None and typ is not None:
                types[r, : len(typ)] = torch.tensor(typ)
        yield input_ids, mask, labels, types


def _optimizer(model, cfg, total_steps: int):
    import torch

    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": getattr(cfg, "weight_decay", 0.0)},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=cfg.learning_rate,
    )
    warmup = max(1, int(total_steps * getattr(cfg, "warmup_ratio", 0.06)))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, schedule)


def span_scores(gold: list[set], pred: list[set]) -> dict[str, dict[str, float]]:
    """Strict span P/R/F1, micro and per label, over per-document sets of (label, start, end)."""
    labels = sorted({s[0] for doc in gold + pred for s in doc})
    out = {}
    for name in ["micro", *labels]:
        tp = n_pred = n_gold = 0
        for g, p in zip(gold, pred, strict=True):
            if name != "micro":
                g = {s for s in g if s[0] == name}
                p = {s for s in p if s[0] == name}
            tp += len(g & p)
            n_pred += len(p)
            n_gold += len(g)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "tp": tp,
            "pred": n_pred,
            "gold": n_gold,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    return out


def evaluate_tagger(tagger, rows: list[dict]) -> dict[str, dict[str, float]]:
    """Strict span scores of `tagger.predict` over labelled rows."""
    gold = [{(s.label, s.start, s.end) for s in row_spans(r)} for r in rows]
    pred = [{(s.label, s.start, s.end) for s in tagger.predict(r["text"])} for r in rows]
    return span_scores(gold, pred)


def train_transformer(cfg: TransformerConfig, progress: Progress | None = None) -> Path:
    """Train as `cfg` says; writes the checkpoint, metrics.json and MODEL_CARD.md."""
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        BertConfig,
        BertForTokenClassification,
    )

    say = progress or (lambda _m: None)
    _seed_all(cfg.seed, cfg.threads)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    train_rows = _load_rows(cfg.train, cfg.max_train_docs)
    if not train_rows:
        raise ConfigError(f"no training rows in {', '.join(cfg.train)}")
    id2label = dict(enumerate(BIO_TAGS))
    label2id = {t: i for i, t in id2label.items()}
    if cfg.model_name_or_path:
        raise ConfigError(
            "fine-tuning a foreign checkpoint is predict-only in this release; "
            "train the char-level recipe (leave model_name_or_path empty)"
        )
    heads = {"num_labels": len(id2label), "id2label": id2label, "label2id": label2id}
    rules = words = None
    if cfg.rule_features:
        from ie.tagger.rules import RulesTagger

        rules = RulesTagger()
    if cfg.word_features:
        from ie.tokenize import Tokenizer

        words = Tokenizer()
    # Always written, so that a model started from a typed checkpoint without the features
    # is not read with them.
    heads |= {RULE_TYPES_KEY: cfg.rule_features, WORD_TYPES_KEY: cfg.word_features}
    typed = cfg.rule_features or cfg.word_features
    if typed:
        # One token type per (IOB2 tag, B/M/E/S) pair; a pretrained encoder's 2 type
        # embeddings are replaced.
        heads["type_vocab_size"] = type_vocab_size(cfg.rule_features, cfg.word_features)
    if cfg.init_from:
        vocab = CharVocab.load(Path(cfg.init_from))
        config = BertConfig.from_pretrained(cfg.init_from, local_files_only=True)
        if cfg.window + 2 > config.max_position_embeddings:
            raise ConfigError(
                f"window {cfg.window} is longer than {cfg.init_from} reads "
                f"({config.max_position_embeddings - 2} characters); set window to at most that"
            )
        for key, value in heads.items():
            setattr(config, key, value)
        model = BertForTokenClassification.from_pretrained(
            cfg.init_from,
            config=config,
            local_files_only=True,
            ignore_mismatched_sizes=typed,
        )
    else:
        vocab = CharVocab.build(r["text"] for r in train_rows)
        model = AutoModelForTokenClassification.from_config(_bert_config(cfg, vocab, **heads))
    if typed:
        say(f"token types for {len(train_rows)} training documents (rules / jieba)")
    examples = _examples(train_rows, vocab, cfg, rules, words)
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    opt, sched = _optimizer(model, cfg, total)
    rng = random.Random(cfg.seed)
    say(f"{len(train_rows)} docs, {len(examples)} windows, {total} steps")
    model.train()
    step, started = 0, time.perf_counter()
    while step < total:
        pad = vocab.id("[PAD]")
        for input_ids, mask, labels, types in _batches(examples, cfg.batch_size, pad, rng):
            extra = {"token_type_ids": types} if types is not None else {}
            loss = model(input_ids=input_ids, attention_mask=mask, labels=labels, **extra).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0 or step == total:
                say(f"step {step}/{total} loss {loss.item():.4f}")
            if step >= total:
                break
    train_seconds = time.perf_counter() - started
    model.eval()
    model.save_pretrained(out)
    vocab.save(out)
    (out / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2), encoding="utf-8")
    metrics: dict = {
        "train_docs": len(train_rows),
        "train_windows": len(examples),
        "steps": step,
        "train_seconds": round(train_seconds, 1),
    }
    val_rows = _load_rows(cfg.validation, None) if cfg.validation else []
    if val_rows:
        tagger = TransformerTagger(out, window=cfg.window, stride=cfg.stride)
        started = time.perf_counter()
        metrics["validation"] = evaluate_tagger(tagger, val_rows)
        chars = sum(len(r["text"]) for r in val_rows)
        metrics["chars_per_second"] = round(chars / (time.perf_counter() - started))
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    _write_card(out, cfg, model, metrics)
    return out


def pretrain_mlm(cfg: MLMConfig, progress: Progress | None = None) -> Path:
    """MLM-pretrain the char encoder on the text of `cfg.train`; `init_from` takes the result."""
    import torch
    from transformers import BertForMaskedLM

    say = progress or (lambda _m: None)
    _seed_all(cfg.seed, cfg.threads)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = _load_rows(cfg.train, cfg.max_train_docs)
    vocab = CharVocab.build(r["text"] for r in rows)
    model = BertForMaskedLM(_bert_config(cfg, vocab))
    mask_id, pad_id = vocab.id("[MASK]"), vocab.id("[PAD]")
    n_special = len(vocab.tokens) - len([t for t in vocab.tokens if not t.startswith("[")])
    examples = []
    for row in rows:
        ids = vocab.encode(row["text"])
        for s, e in windows(len(ids), cfg.window, cfg.stride):
            examples.append(([vocab.id("[CLS]"), *ids[s:e], vocab.id("[SEP]")], None))
    total = math.ceil(len(examples) / cfg.batch_size) * cfg.epochs
    if cfg.max_steps:
        total = min(total, cfg.max_steps)
    opt, sched = _optimizer(model, cfg, total)
    rng = random.Random(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model.train()
    step = 0
    while step < total:
        padded: list[Example] = [(ids, [-100] * len(ids), None) for ids, _ in examples]
        for input_ids, mask, _, _ in _batches(padded, cfg.batch_size, pad_id, rng):
            labels = input_ids.clone()
            chosen = torch.rand(input_ids.shape, generator=gen) < cfg.mask_probability
            chosen &= mask.bool() & (input_ids >= n_special)
            labels[~chosen] = -100
            input_ids = input_ids.masked_fill(chosen, mask_id)
            loss = model(input_ids=input_ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0 or step == total:
                say(f"mlm step {step}/{total} loss {loss.item():.4f}")
            if step >= total:
                break
    model.save_pretrained(out)
    vocab.save(out)
    (out / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2), encoding="utf-8")
    return out


def _write_card(out: Path, cfg: TransformerConfig, model, metrics: dict) -> None:
    params = sum(p.numel() for p in model.parameters())
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    val = metrics.get("validation", {})
    lines = [
        f"# Model card: {out.name}",
        "",
        "Char-level BERT-style token classifier (transformers), trained by budget-ie's recipe.",
        "",
        f"- data: {', '.join(cfg.train)} ({metrics['train_docs']} docs); "
        f"validation: {', '.join(cfg.validation) or 'none'}",
        f"- labels: {', '.join(BIO_TAGS)}",
        f"- size: {params:,} parameters, {size / 1e6:.1f} MB on disk",
        f"- training: {metrics['steps']} steps in {metrics['train_seconds']} s, seed {cfg.seed}",
        f"- speed: {metrics.get('chars_per_second', 'n/a')} chars/s on CPU",
        "",
        "| label | precision | recall | F1 |",
        "|---|---:|---:|---:|",
    ]
    for label, s in val.items():
        lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |")
    (out / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
