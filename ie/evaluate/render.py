"""Show an EvalReport: rich tables for the terminal, and a self-contained HTML report."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from rich.console import Group
from rich.table import Table

from ie.evaluate.metrics import Counts, Outcome
from ie.evaluate.report import EvalReport


def _counts_table(title: str, rows: dict[str, Counts], first: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(first)
    for name in ("tp", "pred", "gold", "P", "R", "F1"):
        table.add_column(name, justify="right")
    for name, c in rows.items():
        table.add_row(
            name,
            str(c.tp),
            str(c.pred),
            str(c.gold),
            f"{c.precision:.3f}",
            f"{c.recall:.3f}",
            f"{c.f1:.3f}",
        )
    return table


def render_rich(report: EvalReport) -> Group:
    """Record-field F1, indicator field accuracy and span F1 (strict, partial) as rich tables."""
    parts: list[Table] = [
        _counts_table(f"Record fields ({report.docs} documents)", report.fields, "field")
    ]
    acc = Table(title="Indicator fields on aligned rows", title_justify="left")
    for name in ("field", "correct", "total", "accuracy"):
        acc.add_column(name, justify="left" if name == "field" else "right")
    for name, a in report.indicator_fields.items():
        acc.add_row(name, str(a.correct), str(a.total), f"{a.accuracy:.3f}")
    parts.append(acc)
    if report.span_docs:
        spans = Table(title=f"Spans ({report.span_docs} labelled documents)", title_justify="left")
        spans.add_column("label")
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


def _bar_chart(title: str, values: Sequence[tuple[str, float]]) -> str:
    """A horizontal bar chart of values in [0, 1] as inline SVG."""
    row, label_w, bar_w = 22, 190, 320
    height = row * len(values) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
        f'height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>',
    ]
    for k, (name, value) in enumerate(values):
        y = 26 + k * row
        width = max(0.0, min(1.0, value)) * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{html.escape(name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row - 6}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
            f'fill="#4a7bb7"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{value:.3f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _error_rows(outcomes: Sequence[Outcome]) -> str:
    cells = []
    for o in outcomes:
        where = "" if o.start is None else f"{o.start}:{o.end}"
        cols = (
            o.doc_id,
            o.field,
            o.status,
            o.label,
            o.gold or "",
            o.pred or "",
            where,
            "" if o.page is None else str(o.page),
            o.context or "",
        )
        tds = "".join(f"<td>{html.escape(c)}</td>" for c in cols)
        cells.append(f'<tr class="{o.status}">{tds}</tr>')
    return "\n".join(cells)


_CSS = """
body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
tr.missed td:nth-child(5){background:#fde2e2}tr.spurious td:nth-child(6){background:#fff2cc}
svg{font-size:12px;margin:0 2em 1em 0}
"""


def write_html_report(report: EvalReport, out_dir: Path, *, max_errors: int = 2000) -> Path:
    """Write `out_dir/index.html`: bar charts (F1 per record field, F1 per span label, strict
    and partial, accuracy per indicator field) and the missed/spurious items, gold and
    prediction side by side with doc_id, offsets, page and context. Returns the file's path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = [
        _bar_chart("F1 per record field", [(n, c.f1) for n, c in report.fields.items()]),
        _bar_chart(
            "Accuracy per indicator field",
            [(n, a.accuracy) for n, a in report.indicator_fields.items()],
        ),
    ]
    if report.span_docs:
        for mode, rows in (("strict", report.strict), ("partial", report.partial)):
            charts.append(
                _bar_chart(f"Span F1 per label ({mode})", [(n, c.f1) for n, c in rows.items()])
            )
    errors = report.errors()
    shown = errors[:max_errors]
    note = f" (first {max_errors} of {len(errors)})" if len(errors) > max_errors else ""
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in report.warnings)
    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>budget-ie evaluation</title>
<style>{_CSS}</style></head><body>
<h1>budget-ie evaluation: {report.docs} documents</h1>
{f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else ""}
<div>{"".join(charts)}</div>
<h2>Errors{note}</h2>
<table><tr><th>doc_id</th><th>field</th><th>status</th><th>label</th><th>gold</th>
<th>predicted</th><th>offsets</th><th>page</th><th>context</th></tr>
{_error_rows(shown)}
</table></body></html>
"""
    path = out_dir / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
