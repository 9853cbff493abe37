"""Taggers: text in, labelled character spans out, behind one protocol and one factory.

Backends: "rules" (high-precision patterns over layout cues; also the labelling functions for
weak supervision), "crf" (sklearn-crfsuite over character features, trained by
`training/train.py`) and "transformer" (a local token-classification checkpoint). Offsets are
into the text given to `predict`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from ie.errors import ConfigError
from ie.normalize import NormalizedText
from ie.spans import Span, decode_bio

BACKENDS: tuple[str, ...] = ("rules", "crf", "transformer")


@runtime_checkable
class Tagger(Protocol):
    """Anything that labels text: `predict(text)` returns sorted, non-overlapping Spans whose
    offsets index `text` and whose `score` is the backend's confidence in [0, 1]."""

    def predict(self, text: str) -> list[Span]: ...


def get_tagger(backend: str, model_path: Path | None = None) -> Tagger:
    """The tagger for `backend` (one of BACKENDS). "crf" and "transformer" need `model_path`,
    a model directory. Raises ConfigError for an unknown backend or a missing model."""
    if backend not in BACKENDS:
        raise ConfigError(
            f"unknown tagger backend {backend!r}; valid backends: {', '.join(BACKENDS)}"
        )
    if backend == "rules":
        from ie.tagger.rules import RulesTagger

        return RulesTagger()
    if model_path is None:
        raise ConfigError(
            f"the {backend} backend needs a model directory; train one with "
            f"`budget-ie train --config configs/{backend}.yaml` and pass its output directory"
        )
    if backend == "crf":
        from ie.tagger.crf import CRFTagger

        return CRFTagger.load(Path(model_path))
    from ie.tagger.transformer import TransformerTagger

    return TransformerTagger(model_path)


def tag_normalized(tagger: Tagger, normalized: NormalizedText) -> list[Span]:
    """`tagger`'s spans over the normalized text, mapped back to the source text (SCHEMA.md
    offsets): the model reads digits folded to half width and broken numbers rejoined, the
    record points at the characters as printed."""
    spans = tagger.predict(normalized.text)
    if normalized.text == normalized.source:
        return spans
    return [
        Span.on(normalized.source, s.label, *normalized.to_source(s.start, s.end), score=s.score)
        for s in spans
    ]


def spans_from_bio(
    text: str, tags: Sequence[str], scores: Sequence[float] | None = None
) -> list[Span]:
    """Spans of `text` from its IOB2 tags (strict decoding, ie.spans.decode_bio); a span's
    score is the mean of its characters' scores (1.0 without scores). Entities are trimmed of
    surrounding whitespace, which a span never starts or ends with.

    >>> spans_from_bio("ab 12", ["O", "O", "O", "B-AMOUNT", "I-AMOUNT"])[0].text
    '12'
    """
    if len(tags) != len(text):
        raise ValueError(f"{len(tags)} tags for a text of {len(text)} characters")
    out = []
    for label, start, end in decode_bio(tags):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        score = sum(scores[start:end]) / (end - start) if scores is not None else 1.0
        out.append(Span.on(text, label, start, end, round(float(score), 4)))
    return out
