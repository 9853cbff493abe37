"""`EvalReport`: counts summed over documents, P/R/F1 computed once, and the outcomes behind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ie.evaluate.entities import Mention, score_spans, with_micro
from ie.evaluate.fields import FIELDS, INDICATOR_FIELDS, Accuracy, score_fields
from ie.evaluate.loading import EvalPair, load_pairs
from ie.evaluate.metrics import Counts, Outcome
from ie.schema import Disclosure


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Scores of a set of documents.

    `fields`: record field -> counts (key_figures, projects, redactions, indicators, tables,
    tables_present); `indicator_fields`: per-field accuracy on aligned indicator rows;
    `strict`/`partial`: span counts per label with "micro"; `docs`: documents scored;
    `span_docs`: how many of them had gold spans; `outcomes`: every scored item; `warnings`:
    one line per loading problem (missing prediction, failed prediction, pred without gold).
    """

    fields: dict[str, Counts]
    indicator_fields: dict[str, Accuracy]
    strict: dict[str, Counts]
    partial: dict[str, Counts]
    docs: int
    span_docs: int = 0
    outcomes: tuple[Outcome, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The `budget-ie evaluate --json` object of SCHEMA.md; the indicator per-field accuracy
        is the extra key `fields.indicator_fields` ({field: {correct, total, accuracy}})."""
        fields: dict[str, Any] = {name: c.to_json() for name, c in self.fields.items()}
        fields["indicator_fields"] = {n: a.to_json() for n, a in self.indicator_fields.items()}
        return {
            "fields": fields,
            "spans": {
                "strict": {label: c.to_json() for label, c in self.strict.items()},
                "partial": {label: c.to_json() for label, c in self.partial.items()},
            },
            "docs": self.docs,
        }

    def errors(self) -> list[Outcome]:
        """The missed and spurious outcomes, in document order."""
        return [o for o in self.outcomes if o.status != "correct"]


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        total[key] = total[key] + value if key in total else value


def _pred_mentions(pred: Disclosure | None) -> list[Mention]:
    if pred is None:
        return []
    return [Mention(e.label, e.start, e.end, e.text) for e in pred.entities]


def evaluate_pairs(pairs: Iterable[EvalPair], warnings: Iterable[str] = ()) -> EvalReport:
    """Score gold/pred pairs; a pair whose pred is None counts every gold item as missed."""
    fields: dict[str, Counts] = {name: Counts() for name in FIELDS}
    accuracy: dict[str, Accuracy] = {name: Accuracy() for name in INDICATOR_FIELDS}
    strict: dict[str, Counts] = {}
    partial: dict[str, Counts] = {}
    outcomes: list[Outcome] = []
    docs = span_docs = 0
    for pair in pairs:
        docs += 1
        # A missing prediction is an empty record: everything the gold states is missed.
        pred = pair.pred if pair.pred is not None else Disclosure(doc_id=pair.doc_id)
        scored = score_fields(pair.doc_id, pair.gold, pred)
        _add(fields, scored.counts)
        _add(accuracy, scored.indicator_fields)
        outcomes += scored.outcomes
        if pair.gold_spans is not None:
            span_docs += 1
            spans = score_spans(
                pair.gold_spans, _pred_mentions(pair.pred), doc_id=pair.doc_id, text=pair.text
            )
            _add(strict, spans.strict)
            _add(partial, spans.partial)
            outcomes += spans.outcomes
    return EvalReport(
        fields=fields,
        indicator_fields=accuracy,
        strict=with_micro(strict),
        partial=with_micro(partial),
        docs=docs,
        span_docs=span_docs,
        outcomes=tuple(outcomes),
        warnings=tuple(warnings),
    )


def evaluate_paths(gold: Path, pred: Path) -> EvalReport:
    """Load gold and predictions (files or directories, matched by doc_id) and score them.

    Raises IngestError for a missing path or unreadable file, SchemaError for a file that is not
    JSON or not a Disclosure record, AlignmentError for a bad gold spans file."""
    pairs, warnings = load_pairs(Path(gold), Path(pred))
    return evaluate_pairs(pairs, warnings)
