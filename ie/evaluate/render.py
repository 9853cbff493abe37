"""Show an EvalReport: rich tables for the terminal, and a self-contained HTML report.

The HTML report is what a researcher reads to decide what to label next: F1 charts with their
sample sizes, a score table per document, and per field the errors, each with gold and
prediction side by side and the source text around it (gold and predicted extents marked).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import Literal, cast

from rich.console import Group
from rich.table import Table

from ie.evaluate.fields import FIELDS
from ie.evaluate.mentions import Context
from ie.evaluate.metrics import Counts, Outcome
from ie.evaluate.report import EvalReport

#: The span errors listed: partial errors repeat the strict ones (their chart stays).
SPAN_FIELD = "spans.strict"
RowStatus = Literal["wrong", "missed", "spurious"]


def _counts_table(title: str, rows: dict[str, Counts], first: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first, no_wrap=True, min_width=10)
    for name in ("tp", "pred", "gold", "P", "R", "F1"):
        table.add_column(name, justify="right")
    for name, c in rows.items():
        # nothing on either side (a field no gold states, as `kind` in schema 1.0 gold): not
        # scored, so no 0.000 that reads as a failure
        scores = (
            ("–", "–", "–")
            if c.gold == c.pred == 0
            else (f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}")
        )
        table.add_row(name, str(c.tp), str(c.pred), str(c.gold), *scores)
    return table


def render_rich(report: EvalReport) -> Group:
    """Record-field F1, indicator field accuracy and span F1 (strict, partial) as rich tables."""
    parts: list[Table] = [
        _counts_table(f"Record fields ({report.docs} documents)", report.fields, "field")
    ]
    acc = Table(title="Indicator fields on aligned rows", title_justify="left")
    acc.add_column("field", no_wrap=True, min_width=10)
    for name in ("correct", "total", "accuracy"):
        acc.add_column(name, justify="right")
    for name, a in report.indicator_fields.items():
        acc.add_row(name, str(a.correct), str(a.total), f"{a.accuracy:.3f}")
    parts.append(acc)
    if report.span_docs:
        spans = Table(title=f"Spans ({report.span_docs} labelled documents)", title_justify="left")
        spans.add_column("label", no_wrap=True, min_width=10)
        for mode in ("strict", "partial"):
            for name in ("P", "R", "F1"):
                spans.add_column(f"{mode} {name}", justify="right")
        spans.add_column("gold", justify="right")
        for label, s in report.strict.items():
            p = report.partial[label]
            spans.add_row(
                label,
                f"{s.precision:.3f}",
                f"{s.recall:.3f}",
                f"{s.f1:.3f}",
                f"{p.precision:.3f}",
                f"{p.recall:.3f}",
                f"{p.f1:.3f}",
                str(s.gold),
            )
        parts.append(spans)
    return Group(*parts)


# --- the error list ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """One line of the HTML error list.

    `status`: "wrong" (a gold item and the prediction that stands for it, merged from a missed
    and a spurious outcome), "missed" or "spurious". `gold`/`pred`: the two sides without the
    label and offsets, which have their own cells; `offsets`: ("gold"|"pred", start, end) per
    side that has a position; `context`: the source text around it, for spans with a text.
    """

    doc_id: str
    field: str
    status: RowStatus
    label: str
    gold: str
    pred: str
    offsets: tuple[tuple[str, int, int], ...] = ()
    page: int | None = None
    context: Context | None = None


def _strip_label(shown: str | None, label: str) -> str:
    """A display string without its leading label ("income_total = 686.71" -> "686.71")."""
    if not shown:
        return ""
    for prefix in (f"{label} = ", f"{label} "):
        if label and shown.startswith(prefix):
            return shown[len(prefix) :]
    return shown


def _row(o: Outcome, partner: Outcome | None) -> ErrorRow:
    """The row of outcome `o`, merged with `partner` (its spurious side) when given."""
    ctx = o.context if isinstance(o.context, Context) else None
    status = "wrong" if partner is not None else cast(RowStatus, o.status)
    if ctx is not None:
        sides = (("gold", ctx.gold), ("pred", ctx.pred))
        label = o.label
        if ctx.gold and ctx.pred and ctx.gold.label != ctx.pred.label:
            label = f"{ctx.gold.label} → {ctx.pred.label}"
        return ErrorRow(
            o.doc_id,
            o.field,
            status,
            label,
            ctx.gold.text if ctx.gold else "",
            ctx.pred.text if ctx.pred else "",
            tuple((side, m.start, m.end) for side, m in sides if m is not None),
            o.page,
            ctx,
        )
    pred_label = partner.label if partner is not None else o.label
    offsets: tuple[tuple[str, int, int], ...] = ()
    if o.start is not None and o.end is not None:
        offsets = (("pred" if o.status == "spurious" else "gold", o.start, o.end),)
    return ErrorRow(
        o.doc_id,
        o.field,
        status,
        o.label,
        _strip_label(o.gold, o.label),
        _strip_label(o.pred, pred_label),
        offsets,
        o.page,
    )


def error_rows(report: EvalReport) -> list[ErrorRow]:
    """The report's errors as rows: span errors strict only, and each missed item merged with
    the spurious item shown beside it into one "wrong" row. Grouped by field (FIELDS order, then
    spans), within a field in document order, spans by offset."""
    errors = [o for o in report.errors() if o.field != "spans.partial"]
    spurious: dict[tuple[str, str, str | None, str | None], list[int]] = defaultdict(list)
    for k, o in enumerate(errors):
        if o.status == "spurious" and o.gold is not None:
            spurious[(o.doc_id, o.field, o.gold, o.pred)].append(k)
    merged: dict[int, int] = {}  # missed index -> spurious index
    for k, o in enumerate(errors):
        if o.status == "missed" and o.pred is not None:
            free = spurious.get((o.doc_id, o.field, o.gold, o.pred))
            if free:
                merged[k] = free.pop(0)
    taken = set(merged.values())
    rows = [
        _row(o, errors[merged[k]] if k in merged else None)
        for k, o in enumerate(errors)
        if k not in taken
    ]
    doc_rank = {doc: k for k, doc in enumerate(dict.fromkeys(o.doc_id for o in report.outcomes))}
    field_rank = {name: k for k, name in enumerate((*FIELDS, SPAN_FIELD))}

    def order(r: ErrorRow) -> tuple[int, int, int]:
        start = r.offsets[0][1] if r.offsets else -1
        return (field_rank.get(r.field, len(field_rank)), doc_rank.get(r.doc_id, 0), start)

    return sorted(rows, key=order)


def _first_per_document(rows: Sequence[ErrorRow], cap: int) -> list[ErrorRow]:
    """At most `cap` rows, taken round-robin over documents (so every document is sampled), in
    their original order."""
    if len(rows) <= cap:
        return list(rows)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        by_doc[r.doc_id].append(k)
    picked = [k for turn in zip_longest(*by_doc.values()) for k in turn if k is not None][:cap]
    return [rows[k] for k in sorted(picked)]


# --- HTML ---------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _bar_chart(title: str, values: Sequence[tuple[str, float, int]]) -> str:
    """A horizontal bar chart of (name, value in [0, 1], sample size) as inline SVG; each bar is
    labelled with its value and `n=` its sample size (gold items)."""
    row, label_w, bar_w = 22, 190, 320
    height = row * len(values) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" '
        f'height="{height}" role="img" aria-label="{_esc(title)}">',
        f'<text x="0" y="16" font-weight="bold">{_esc(title)}</text>',
    ]
    for k, (name, value, n) in enumerate(values):
        y = 26 + k * row
        width = max(0.0, min(1.0, value)) * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_esc(name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row - 6}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
            f'fill="#4a7bb7"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{value:.3f}</text>'
            f'<text x="{label_w + bar_w + 50}" y="{y + 14}" fill="#666">n={n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _context_cell(ctx: Context | None) -> str:
    if ctx is None:
        return ""
    marked = "".join(
        f'<mark class="{"gold pred" if whose == "both" else whose}">{_esc(run)}</mark>'
        if whose
        else _esc(run)
        for run, whose in ctx.runs()
    )
    return _esc(ctx.before) + marked + _esc(ctx.after)


_ERROR_HEADERS = ("doc_id", "status", "label", "gold", "predicted", "offsets", "page", "context")
# Columns left out of a field's table when no row of it has a value (record fields have no
# position), so gold and prediction get the width.
_OPTIONAL = {"offsets", "page", "context"}


def _error_cells(r: ErrorRow) -> dict[str, str]:
    return {
        "doc_id": f'<td lang="zh">{_esc(r.doc_id)}</td>',
        "status": f'<td class="status">{r.status}</td>',
        "label": f"<td>{_esc(r.label)}</td>",
        "gold": f'<td class="gold" lang="zh">{_esc(r.gold)}</td>',
        "predicted": f'<td class="pred" lang="zh">{_esc(r.pred)}</td>',
        "offsets": '<td class="off">'
        + "\n".join(f"{side} {start}:{end}" for side, start, end in r.offsets)
        + "</td>",
        "page": f"<td>{'' if r.page is None else r.page}</td>",
        "context": f'<td class="ctx" lang="zh">{_context_cell(r.context)}</td>',
    }


def _error_table(rows: Sequence[ErrorRow]) -> str:
    filled = {
        "offsets": any(r.offsets for r in rows),
        "page": any(r.page is not None for r in rows),
        "context": any(r.context is not None for r in rows),
    }
    headers = [h for h in _ERROR_HEADERS if h not in _OPTIONAL or filled[h]]
    head = "".join(f"<th>{h}</th>" for h in headers)
    lines = [f'<table class="errors"><tr>{head}</tr>']
    for r in rows:
        cells = _error_cells(r)
        lines.append(f'<tr class="{r.status}">{"".join(cells[h] for h in headers)}</tr>')
    lines.append("</table>")
    return "\n".join(lines)


def document_counts(report: EvalReport) -> dict[str, dict[str, Counts]]:
    """doc_id -> field -> counts, from the report's outcomes (record fields and strict spans);
    they add up to the report's totals."""
    tally: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for o in report.outcomes:
        if o.field != "spans.partial":
            tally[(o.doc_id, o.field)][o.status] += 1
    out: dict[str, dict[str, Counts]] = {}
    for (doc, name), c in tally.items():
        out.setdefault(doc, {})[name] = Counts(
            c["correct"], c["correct"] + c["spurious"], c["correct"] + c["missed"]
        )
    return out


def _document_table(report: EvalReport) -> str:
    per_doc = document_counts(report)
    names = [n for n in (*FIELDS, SPAN_FIELD) if any(n in f for f in per_doc.values())]
    head = "".join(f"<th>{_esc(n)}</th>" for n in ("doc_id", *names))
    lines = [f'<table class="docs"><tr>{head}</tr>']
    for doc, fields in per_doc.items():
        cells = []
        for n in names:
            c = fields.get(n)
            if c is None or c.pred + c.gold == 0:
                cells.append('<td class="na">—</td>')
                continue
            # Hue from red (F1 0) to green (F1 1), so weak documents stand out.
            cells.append(
                f'<td style="background:hsl({c.f1 * 120:.0f},70%,85%)" '
                f'title="tp {c.tp} / pred {c.pred} / gold {c.gold}">{c.f1:.3f}</td>'
            )
        lines.append(f'<tr><td lang="zh">{_esc(doc)}</td>{"".join(cells)}</tr>')
    lines.append("</table>")
    return "\n".join(lines)


def _field_block(name: str, rows: Sequence[ErrorRow], cap: int) -> str:
    statuses = Counter(r.status for r in rows)
    counts = " · ".join(f"{s} {statuses[s]}" for s in ("wrong", "missed", "spurious"))
    shown = _first_per_document(rows, cap)
    cut = f" (first {cap} of {len(rows)}, spread over documents)" if len(shown) < len(rows) else ""
    return (
        f'<details open data-field="{_esc(name)}" id="errors-{_esc(name)}">'
        f"<summary><b>{_esc(name)}</b>: {len(rows)} errors — {counts}{cut}</summary>\n"
        f"{_error_table(shown)}</details>"
    )


_LEGEND = """<div class="legend"><b>Legend.</b>
Rows: <span class="swatch wrong">wrong</span> a gold item and the prediction standing for it
(wrong value, label or boundary), in one row;
<span class="swatch missed">missed</span> a gold item with no prediction;
<span class="swatch spurious">spurious</span> a prediction with no gold item.
Context: <mark class="gold">gold extent</mark>, <mark class="pred">predicted extent</mark>,
<mark class="gold pred">both</mark>; ⏎ is a line or page break, ⇥ a tab.
Offsets are character offsets into the source text, each marked gold or pred; the page is the
gold item's (the prediction's for a spurious row). Labels "A → B": gold A, predicted B.
Charts: n = gold items (indicator fields: aligned rows). Document scores: F1, red (0) to
green (1), hover for counts; — where the document has no such items.</div>"""

_CSS = """
body{font-family:"Noto Sans CJK SC",sans-serif;margin:2em}
table{border-collapse:collapse;font-size:13px;margin-bottom:1em}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}
table.errors td.gold,table.errors td.pred{max-width:22em;overflow-wrap:anywhere}
td.off{white-space:pre;font-family:monospace}
td.ctx{font-family:"Noto Sans Mono CJK SC",monospace;white-space:pre-wrap;min-width:34em;
max-width:60em;overflow-wrap:anywhere}
tr.missed td.status,.swatch.missed{background:#f8c9c9}
tr.spurious td.status,.swatch.spurious{background:#fff0b3}
tr.wrong td.status,.swatch.wrong{background:#ffd8a8}
.swatch{padding:0 4px}
mark{background:none;color:inherit}
mark.gold{background:#b7e1cd}mark.pred{border-bottom:3px solid #3b78e7}
td.na{color:#999;text-align:center}
details{margin:0.5em 0}summary{cursor:pointer;font-size:15px;margin:0.3em 0}
.legend{font-size:13px;background:#fafafa;border:1px solid #ddd;padding:0.5em;max-width:70em}
svg{font-size:12px;margin:0 2em 1em 0}
"""


def write_html_report(report: EvalReport, out_dir: Path, *, max_per_field: int = 300) -> Path:
    """Write `out_dir/index.html` and return its path: bar charts (F1 per record field, F1 per
    span label strict and partial, accuracy per indicator field, each bar with its n), F1 per
    document and field, and per field the errors (at most `max_per_field`, spread over the
    documents) with gold and prediction side by side, offsets, page and marked context."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = [
        _bar_chart("F1 per record field", [(n, c.f1, c.gold) for n, c in report.fields.items()]),
        _bar_chart(
            "Accuracy per indicator field",
            [(n, a.accuracy, a.total) for n, a in report.indicator_fields.items()],
        ),
    ]
    if report.span_docs:
        for mode, counts in (("strict", report.strict), ("partial", report.partial)):
            charts.append(
                _bar_chart(
                    f"Span F1 per label ({mode})", [(n, c.f1, c.gold) for n, c in counts.items()]
                )
            )
    rows = error_rows(report)
    by_field: dict[str, list[ErrorRow]] = defaultdict(list)
    for r in rows:
        by_field[r.field].append(r)
    blocks = "\n".join(_field_block(n, rs, max_per_field) for n, rs in by_field.items())
    warnings = "".join(f'<li lang="zh">{_esc(w)}</li>' for w in report.warnings)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>budget-ie evaluation</title>
<style>{_CSS}</style></head><body>
<h1>budget-ie evaluation: {report.docs} documents</h1>
{f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else ""}
{_LEGEND}
<div>{"".join(charts)}</div>
<h2>Scores per document</h2>
{_document_table(report)}
<h2>Errors ({len(rows)})</h2>
{blocks or "<p>No errors.</p>"}
</body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
