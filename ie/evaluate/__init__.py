"""Scoring of records and spans against gold, as ../shared/SCHEMA.md "Scoring" defines it.

`evaluate_paths(gold, pred)` gives an `EvalReport`; its `to_json()` is the `budget-ie evaluate
--json` object, `render_rich(report)` the terminal view, `write_html_report(report, out_dir)`
the HTML view with the error list.
"""

from ie.evaluate.entities import Mention, SpanScores, score_spans, spans_from_bio
from ie.evaluate.fields import Accuracy, FieldScores, align_indicators, score_fields, table_cells
from ie.evaluate.loading import EvalPair, load_gold, load_pairs, load_pred
from ie.evaluate.metrics import NUMBER_TOLERANCE, Counts, Outcome, norm_text, same_number
from ie.evaluate.render import render_rich, write_html_report
from ie.evaluate.report import EvalReport, evaluate_pairs, evaluate_paths

__all__ = [
    "NUMBER_TOLERANCE",
    "Accuracy",
    "Counts",
    "EvalPair",
    "EvalReport",
    "FieldScores",
    "Mention",
    "Outcome",
    "SpanScores",
    "align_indicators",
    "evaluate_pairs",
    "evaluate_paths",
    "load_gold",
    "load_pairs",
    "load_pred",
    "norm_text",
    "render_rich",
    "same_number",
    "score_fields",
    "score_spans",
    "spans_from_bio",
    "table_cells",
    "write_html_report",
]
