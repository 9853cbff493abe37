"""Transformer backend: a token classifier from `transformers`, run over sliding windows.

Two kinds of checkpoint load:
- our own char-level encoder (a `char_vocab.json` beside the weights): one id per character,
  whitespace kept as tokens of its own because tabs and newlines carry the table layout;
- any local Hugging Face checkpoint with a fast tokenizer (e.g. a Chinese BERT a user has);
  tokens are aligned to characters through the tokenizer's offset mapping.

Long documents are cut into overlapping windows; each character's class probabilities are
summed over every window that holds it, and the tags are the most probable valid IOB2 path.

A char-level checkpoint trained with `rule_features` (its config says `budget_ie_rule_types`)
also reads the rules backend's IOB2 tag of every character, as BERT's token type: the same
signal the CRF reads as a feature, so a small encoder learns where the rules are right
instead of learning the layout patterns from scratch.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ie.errors import ConfigError
from ie.spans import BIO_TAGS, Span, bio_tags
from ie.tagger import spans_from_bio

VOCAB_FILE = "char_vocab.json"
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
# Whitespace is layout (cell and line boundaries): each kind keeps a token of its own.
WHITESPACE_TOKENS = {" ": "[SP]", "\t": "[TAB]", "\n": "[NL]", "\f": "[FF]", "\u3000": "[SP]"}
# Model-config keys of checkpoints whose token types are the rules backend's tags, and also
# the jieba word-boundary tag (B/M/E/S) of each character.
RULE_TYPES_KEY = "budget_ie_rule_types"
WORD_TYPES_KEY = "budget_ie_word_types"
_TAG_ID = {t: i for i, t in enumerate(BIO_TAGS)}
_BMES = "BMES"


def type_vocab_size(rules: bool, words: bool) -> int:
    """How many token types an encoder with these inputs needs."""
    return (len(BIO_TAGS) if rules else 1) * (len(_BMES) if words else 1)


def rule_type_ids(text: str, rules, tokenizer=None) -> list[int]:
    """The token type of each character of `text`: the rules backend's IOB2 tag as an index
    into BIO_TAGS (0 is "O"), and with a `tokenizer` that index × 4 + its jieba B/M/E/S."""
    tags = (
        [_TAG_ID[t] for t in bio_tags(len(text), rules.predict(text))]
        if rules is not None
        else [0] * len(text)
    )
    if tokenizer is None:
        return tags
    from ie.tokenize import bmes_tags

    bmes = bmes_tags(tokenizer.words(text), len(text))
    return [t * len(_BMES) + _BMES.index(b) for t, b in zip(tags, bmes, strict=True)]


@dataclass(frozen=True)
class CharVocab:
    """Character ↔ id table for the char-level encoder."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, texts: Iterable[str], min_freq: int = 1, max_size: int = 8000) -> CharVocab:
        counts = Counter(ch for text in texts for ch in text if ch not in WHITESPACE_TOKENS)
        chars = [c for c, n in counts.most_common(max_size) if n >= min_freq]
        ws = sorted(set(WHITESPACE_TOKENS.values()))
        return cls((*SPECIAL_TOKENS, *ws, *sorted(chars)))

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        return self._index[token]  # type: ignore[attr-defined]

    def encode(self, text: str) -> list[int]:
        index = self._index  # type: ignore[attr-defined]
        unk = index["[UNK]"]
        return [index.get(WHITESPACE_TOKENS.get(ch, ch), unk) for ch in text]

    def save(self, directory: Path) -> None:
        (directory / VOCAB_FILE).write_text(
            json.dumps(list(self.tokens), ensure_ascii=False), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> CharVocab:
        return cls(tuple(json.loads((directory / VOCAB_FILE).read_text(encoding="utf-8"))))


def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """`[start, end)` windows of at most `size` covering `range(length)`, `stride` apart.

    >>> windows(10, 4, 3)
    [(0, 4), (3, 7), (6, 10)]
    """
    if size <= 0 or not 0 < stride <= size:
        raise ConfigError(f"window {size} and stride {stride}: need 0 < stride <= window")
    if length <= size:
        return [(0, length)]
    out = []
    start = 0
    while True:
        end = min(start + size, length)
        out.append((start, end))
        if end == length:
            return out
        start += stride


def viterbi_iob2(probs: np.ndarray, tags: Sequence[str]) -> np.ndarray:
    """The most probable tag sequence that is valid IOB2 (I-X only after B-X or I-X), from
    per-character probabilities `probs` (n × len(tags)). Per-character argmax can open an
    entity with I-X or switch label mid-entity, which strict decoding then cuts up.

    A hand-written Viterbi (a dozen numpy lines) rather than a dependency: torchcrf / allennlp
    decode with learned transitions, here the transitions are only allowed or not.

    >>> tags = ["O", "B-AMOUNT", "I-AMOUNT"]
    >>> p = np.array([[0.9, 0.05, 0.05], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    >>> [tags[i] for i in viterbi_iob2(p, tags)]
    ['O', 'B-AMOUNT', 'I-AMOUNT']
    """
    n, k = probs.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    logp = np.log(np.maximum(probs, 1e-12))
    opens = np.array([not t.startswith("I-") for t in tags])
    allowed = np.ones((k, k), dtype=bool)  # allowed[previous, current]
    for j, t in enumerate(tags):
        if t.startswith("I-"):
            allowed[:, j] = [p in (f"B-{t[2:]}", t) for p in tags]
    trans = np.where(allowed, 0.0, -np.inf)
    score = np.where(opens, 0.0, -np.inf) + logp[0]
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(axis=0)
        score = cand[back[i], np.arange(k)] + logp[i]
    path = np.zeros(n, dtype=int)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


class TransformerTagger:
    """`predict(text) -> list[Span]` with a local token-classification checkpoint."""

    def __init__(
        self,
        model_dir: str | Path,
        *,
        window: int | None = None,
        stride: int | None = None,
        batch_size: int = 16,
    ) -> None:
        import torch
        from transformers import AutoModelForTokenClassification

        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").exists():
            raise ConfigError(f"{self.model_dir}: not a Hugging Face checkpoint (no config.json)")
        from transformers.utils import logging as hf_logging

        # No "Loading weights" progress bar on stderr for every document of a batch run; the
        # caller's setting is put back afterwards.
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            self.model = AutoModelForTokenClassification.from_pretrained(
                self.model_dir, local_files_only=True
            ).eval()
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.id2label = {int(i): t for i, t in self.model.config.id2label.items()}
        max_len = int(getattr(self.model.config, "max_position_embeddings", 512))
        self.window = min(window or 256, max_len - 2)
        self.stride = stride or max(1, self.window * 3 // 4)
        self.batch_size = batch_size
        self._torch = torch
        self.rules = self.words = None
        if getattr(self.model.config, RULE_TYPES_KEY, False):
            from ie.tagger.rules import RulesTagger

            self.rules = RulesTagger()
        if getattr(self.model.config, WORD_TYPES_KEY, False):
            from ie.tokenize import Tokenizer

            self.words = Tokenizer()
        if (self.model_dir / VOCAB_FILE).exists():
            self.vocab: CharVocab | None = CharVocab.load(self.model_dir)
            self.tokenizer = None
        else:
            from transformers import AutoTokenizer

            self.vocab = None
            self.tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
            if not getattr(self.tokenizer, "is_fast", False):
                raise ConfigError(f"{self.model_dir}: needs a fast tokenizer (offset mapping)")

    def predict(self, text: str) -> list[Span]:
        if not text:
            return []
        types = None
        if self.vocab is not None:
            ids = self.vocab.encode(text)
            char_of = None
            if self.rules is not None or self.words is not None:
                types = rule_type_ids(text, self.rules, self.words)
        else:
            enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
            ids = enc["input_ids"]
            char_of = enc["offset_mapping"]
        probs = self._token_probs(ids, types)
        if char_of is None:
            char_probs = probs
        else:
            char_probs = np.zeros((len(text), probs.shape[1]), dtype=np.float32)
            char_probs[:, 0] = 1e-6  # characters no token covers (spaces) stay "O"
            for (start, end), p in zip(char_of, probs, strict=True):
                if end > start:
                    # The token's label opens at its first char and continues over the rest.
                    char_probs[start] += p
                    inside = p.copy()
                    for i, tag in self.id2label.items():
                        if tag.startswith("B-"):
                            j = self._tag_index(f"I-{tag[2:]}")
                            if j is not None:
                                inside[j] += inside[i]
                                inside[i] = 0
                    char_probs[start + 1 : end] += inside
        total = np.maximum(char_probs.sum(axis=1, keepdims=True), 1e-9)
        char_probs = char_probs / total
        labels = [self.id2label[i] for i in range(len(self.id2label))]
        best = viterbi_iob2(char_probs, labels)
        conf = char_probs[np.arange(len(best)), best]
        tags = [labels[int(i)] for i in best]
        return spans_from_bio(text, tags, conf.tolist())

    def _tag_index(self, tag: str) -> int | None:
        for i, t in self.id2label.items():
            if t == tag:
                return i
        return None

    def _token_probs(self, ids: list[int], types: list[int] | None = None) -> np.ndarray:
        torch = self._torch
        config = self.model.config
        cls_id = config.bos_token_id if self.vocab is None else self.vocab.id("[CLS]")
        sep_id = config.eos_token_id if self.vocab is None else self.vocab.id("[SEP]")
        pad_id = config.pad_token_id or 0
        if self.tokenizer is not None:
            cls_id = self.tokenizer.cls_token_id if cls_id is None else cls_id
            sep_id = self.tokenizer.sep_token_id if sep_id is None else sep_id
        spans = windows(len(ids), self.window, self.stride)
        n_labels = len(self.id2label)
        out = np.zeros((len(ids), n_labels), dtype=np.float32)
        for b in range(0, len(spans), self.batch_size):
            batch = spans[b : b + self.batch_size]
            width = max(e - s for s, e in batch) + 2
            input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            token_types = torch.zeros((len(batch), width), dtype=torch.long)
            for row, (s, e) in enumerate(batch):
                seq = [cls_id, *ids[s:e], sep_id]
                input_ids[row, : len(seq)] = torch.tensor(seq)
                mask[row, : len(seq)] = 1
                if types is not None:
                    token_types[row, 1 : 1 + e - s] = torch.tensor(types[s:e])
            extra = {"token_type_ids": token_types} if types is not None else {}
            with torch.inference_mode():
                logits = self.model(input_ids=input_ids, attention_mask=mask, **extra).logits
            p = torch.softmax(logits.float(), dim=-1).numpy()
            for row, (s, e) in enumerate(batch):
                out[s:e] += p[row, 1 : 1 + e - s]
        return out
