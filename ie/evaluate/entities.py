"""Span scoring for labelled text: strict and partial F1 per label, and BIO decoding.

- strict: a prediction is correct when a gold span has the same (label, start, end).
- partial: a prediction is correct when it overlaps a gold span of the same label. As in
  nervaluate's "partial" schema an overlapping prediction counts as a hit once; unlike
  nervaluate's 0.5 credit it counts fully, and the matching is one-to-one (a maximum bipartite
  matching, exact pairs preferred), so two predictions inside one gold span give one hit and one
  spurious, and tp is the same number for precision and recall.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

# Mention and Context live in ie.evaluate.mentions; importable from here as before.
from ie.evaluate.mentions import Context, Mention, span_context  # noqa: F401
from ie.evaluate.metrics import Counts, Matching, Outcome, match_bipartite, match_exact
from ie.schema import LABELS
from ie.spans import decode_bio


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Per-label counts for one or more documents, with the outcomes behind them."""

    strict: dict[str, Counts]
    partial: dict[str, Counts]
    outcomes: tuple[Outcome, ...] = ()


# One IOB2 decoder for the whole project (strict, as seqeval reads it); the seqeval agreement
# test in tests/test_evaluate.py exercises it through this name.
spans_from_bio = decode_bio


class _Pages:
    """Page number (1-based) of an offset; pages are separated by form feeds (ie.ingest)."""

    def __init__(self, text: str | None) -> None:
        self.breaks = None if text is None else [m.start() for m in re.finditer("\f", text)]

    def of(self, offset: int) -> int | None:
        return None if self.breaks is None else bisect_left(self.breaks, offset) + 1


def _shown(m: Mention, text: str | None) -> str:
    surface = m.text or (text[m.start : m.end] if text is not None else "")
    return f"{m.label} {m.start}:{m.end} {surface}"


class _OverlapIndex:
    """Find the mentions overlapping a range by bisection (a document has thousands)."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self.starts = [mentions[i].start for i in self.order]
        self.ends = [m.end for m in mentions]
        # Running maximum of ends: walking left, once it is <= start nothing further overlaps.
        self.max_end = list(accumulate((mentions[i].end for i in self.order), max))

    def overlapping(self, start: int, end: int) -> list[int]:
        hits = []
        k = bisect_left(self.starts, end) - 1
        while k >= 0 and self.max_end[k] > start:
            i = self.order[k]
            if self.ends[i] > start:
                hits.append(i)
            k -= 1
        return hits[::-1]


def _partial_matching(gold: Sequence[Mention], pred: Sequence[Mention]) -> Matching:
    index = _OverlapIndex(gold)

    def edges(j: int) -> list[int]:
        p = pred[j]
        hits = [i for i in index.overlapping(p.start, p.end) if gold[i].label == p.label]
        # Exact pairs first, then the largest overlap: Kuhn tries edges in this order.
        return sorted(
            hits,
            key=lambda i: (
                gold[i].key != p.key,
                -(min(gold[i].end, p.end) - max(gold[i].start, p.start)),
            ),
        )

    return match_bipartite(len(gold), len(pred), edges)


def _by_label(
    matching: Matching, gold: Sequence[Mention], pred: Sequence[Mention]
) -> dict[str, Counts]:
    tp = Counter(gold[i].label for i, _ in matching.pairs)
    missed = Counter(gold[i].label for i in matching.missed)
    spurious = Counter(pred[j].label for j in matching.spurious)
    return {
        label: Counts(tp[label], tp[label] + spurious[label], tp[label] + missed[label])
        for label in sorted(tp.keys() | missed.keys() | spurious.keys())
    }


def _outcomes(
    doc_id: str,
    field: str,
    matching: Matching,
    gold: Sequence[Mention],
    pred: Sequence[Mention],
    text: str | None,
) -> list[Outcome]:
    out = []
    pages = _Pages(text)
    for i, j in matching.pairs:
        g = gold[i]
        out.append(
            Outcome(
                doc_id,
                field,
                "correct",
                g.label,
                _shown(g, text),
                _shown(pred[j], text),
                g.start,
                g.end,
                pages.of(g.start),
                None,  # context only where a reader needs it: the errors
            )
        )
    spurious = [pred[j] for j in matching.spurious]
    missed = [gold[i] for i in matching.missed]
    spurious_index, missed_index = _OverlapIndex(spurious), _OverlapIndex(missed)
    for g in missed:
        # The overlapping prediction, if any, is the likely boundary or label error.
        hits = spurious_index.overlapping(g.start, g.end)
        partner = spurious[hits[0]] if hits else None
        out.append(
            Outcome(
                doc_id,
                field,
                "missed",
                g.label,
                _shown(g, text),
                _shown(partner, text) if partner else None,
                g.start,
                g.end,
                pages.of(g.start),
                span_context(text, g, partner),
            )
        )
    for p in spurious:
        hits = missed_index.overlapping(p.start, p.end)
        partner = missed[hits[0]] if hits else None
        out.append(
            Outcome(
                doc_id,
                field,
                "spurious",
                p.label,
                _shown(partner, text) if partner else None,
                _shown(p, text),
                p.start,
                p.end,
                pages.of(p.start),
                span_context(text, partner, p),
            )
        )
    return out


def score_spans(
    gold: Iterable[Mention],
    pred: Iterable[Mention],
    *,
    doc_id: str = "",
    text: str | None = None,
) -> SpanScores:
    """Score one document's predicted spans against its gold spans, strict and partial.

    `text` (the source text), when given, adds page numbers and context to the outcomes.
    """
    gold, pred = sorted(gold, key=lambda m: m.key), sorted(pred, key=lambda m: m.key)
    strict = match_exact([g.key for g in gold], [p.key for p in pred])
    partial = _partial_matching(gold, pred)
    outcomes = _outcomes(doc_id, "spans.strict", strict, gold, pred, text)
    outcomes += _outcomes(doc_id, "spans.partial", partial, gold, pred, text)
    return SpanScores(
        _by_label(strict, gold, pred), _by_label(partial, gold, pred), tuple(outcomes)
    )


def with_micro(per_label: dict[str, Counts]) -> dict[str, Counts]:
    """`{"micro": sum, label: counts…}` with every label of ie.schema.LABELS present (zeros when
    unseen), then any other label found in the data, so the JSON shape does not depend on data."""
    labels = list(LABELS) + sorted(set(per_label) - set(LABELS))
    micro = sum(per_label.values(), Counts())
    return {"micro": micro, **{label: per_label.get(label, Counts()) for label in labels}}
