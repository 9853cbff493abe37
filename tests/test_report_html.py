"""The HTML evaluation report as a researcher gets it: charts and the error list, parsed.

One test goes the user's way (`budget-ie extract` then `budget-ie evaluate --report`) on fresh
synthetic documents; one builds a report from a prediction with known mistakes and checks that
each mistake is listed with gold and prediction side by side, and its context.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ie.evaluate import EvalPair, evaluate_pairs, evaluate_paths, write_html_report
from training.synth import generate_document

CHARTS = {
    "F1 per record field",
    "Accuracy per indicator field",
    "Span F1 per label (strict)",
    "Span F1 per label (partial)",
}


@dataclass
class Chart:
    title: str
    bars: int = 0  # filled rects (the value bar; the grey track is the other rect of a row)
    texts: list[str] = field(default_factory=list)


@dataclass
class Page(HTMLParser):
    """Collects the SVG charts and the rows of the error table."""

    charts: list[Chart] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (class, cell texts)
    _in: str = ""
    _buf: str = ""

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "svg":
            self.charts.append(Chart(a.get("aria-label") or ""))
        elif tag == "rect" and self.charts and a.get("fill") not in (None, "#eee"):
            self.charts[-1].bars += 1
        elif tag == "tr":
            self.rows.append((a.get("class") or "", []))
        elif tag in ("td", "th", "text"):
            self._in, self._buf = tag, ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf += data

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        if tag == "th":
            self.headers.append(self._buf.strip())
        elif tag == "td":
            self.rows[-1][1].append(self._buf)
        elif tag == "text" and self.charts:
            self.charts[-1].texts.append(self._buf)
        self._in = ""


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def error_rows(page: Page) -> list[dict[str, str]]:
    """The error table as dicts keyed by its header (rows with a status class only)."""
    return [dict(zip(page.headers, cells, strict=True)) for cls, cells in page.rows if cls]


def number(cell: str) -> float:
    """The number after '=' in a displayed key figure ("income_total = 686.71")."""
    return float(cell.rpartition("=")[2])


def write_gold(folder: Path, seeds: list[int], layouts: list[str]) -> list[Path]:
    """Fresh synthetic documents as a gold folder (txt, gold.json, spans.jsonl); their texts."""
    folder.mkdir()
    texts = []
    for seed, layout in zip(seeds, layouts, strict=True):
        doc = generate_document(seed, noise="high", layout=layout, doc_id=f"doc{seed}")
        (folder / f"{doc.doc_id}.txt").write_text(doc.text, encoding="utf-8")
        (folder / f"{doc.doc_id}.gold.json").write_text(doc.record.to_json(), encoding="utf-8")
        (folder / f"{doc.doc_id}.spans.jsonl").write_text(
            "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in doc.spans),
            encoding="utf-8",
        )
        texts.append(folder / f"{doc.doc_id}.txt")
    return texts


def test_cli_report_has_charts_and_the_whole_error_list(tmp_path: Path) -> None:
    texts = write_gold(tmp_path / "gold", [4101, 4102], ["tab", "space"])
    pred = tmp_path / "pred.jsonl"
    cli = [sys.executable, "-m", "ie.cli"]
    done = subprocess.run(
        [*cli, "extract", *map(str, texts), "--format", "jsonl", "-o", str(pred)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = tmp_path / "report"
    done = subprocess.run(
        [
            *cli,
            "evaluate",
            "--gold",
            str(tmp_path / "gold"),
            "--pred",
            str(pred),
            "--report",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    page = parse(out / "index.html")

    report = evaluate_paths(tmp_path / "gold", pred)
    assert {c.title for c in page.charts} == CHARTS
    by_title = {c.title: c for c in page.charts}
    fields = by_title["F1 per record field"]
    assert fields.bars == len(report.fields)
    for name, counts in report.fields.items():
        # Label then value, in that order, for every field.
        i = fields.texts.index(name)
        assert fields.texts[i + 1] == f"{counts.f1:.3f}"
    assert by_title["Span F1 per label (strict)"].bars == len(report.strict)

    assert page.headers[:6] == ["doc_id", "field", "status", "label", "gold", "predicted"]
    assert "context" in page.headers
    rows = error_rows(page)
    assert len(rows) == len(report.errors()) > 0
    assert {r["status"] for r in rows} <= {"missed", "spurious"}
    assert {r["doc_id"] for r in rows} <= {"doc4101", "doc4102"}


def test_report_shows_each_mistake_beside_its_gold(tmp_path: Path) -> None:
    doc = generate_document(4103, noise="low", layout="tab", doc_id="doc4103")
    gold = json.loads(doc.record.to_json())
    spans = [s.to_dict() for s in doc.spans]
    pred = json.loads(doc.record.to_json())
    key, value = next(iter(gold["key_figures"].items()))
    pred["key_figures"][key] = round(value + 123.45, 2)  # a wrong value
    dropped = gold["projects"][0]["name"]
    pred["projects"] = pred["projects"][1:]  # a missed project
    missed = next(s for s in spans if s["label"] == "AMOUNT")
    pred["entities"] = [
        {**s, "score": 1.0} for s in spans if s != missed
    ]  # every span found but one
    report = evaluate_pairs([EvalPair.from_dicts(gold, pred, spans, doc.text)])
    page = parse(write_html_report(report, tmp_path / "report"))
    rows = error_rows(page)

    wrong = [r for r in rows if r["field"] == "key_figures" and r["label"] == key]
    assert wrong, "the wrong key figure is not listed"
    # Gold and prediction side by side in one row (numbers compared, not their formatting).
    assert any(
        abs(number(r["gold"]) - value) < 0.1 and abs(number(r["predicted"]) - value - 123.45) < 0.1
        for r in wrong
        if r["gold"] and r["predicted"]
    )
    assert any(r["field"] == "projects" and dropped in r["gold"] for r in rows)
    span_rows = [
        r
        for r in rows
        if r["field"] == "spans.strict" and r["offsets"] == f"{missed['start']}:{missed['end']}"
    ]
    assert len(span_rows) == 1
    assert span_rows[0]["status"] == "missed"
    assert missed["text"] in span_rows[0]["context"]
    assert span_rows[0]["page"]  # a position the reader can find in the document
    assert {c.title for c in page.charts} == CHARTS


@pytest.mark.parametrize("max_errors", [1, 3])
def test_long_error_lists_are_cut_and_say_so(tmp_path: Path, max_errors: int) -> None:
    doc = generate_document(4104, noise="low", layout="cell", doc_id="doc4104")
    gold = json.loads(doc.record.to_json())
    report = evaluate_pairs([EvalPair.from_dicts(gold, {"doc_id": "doc4104"})])
    assert len(report.errors()) > max_errors
    path = write_html_report(report, tmp_path / "r", max_errors=max_errors)
    assert len(error_rows(parse(path))) == max_errors
    assert f"first {max_errors} of {len(report.errors())}" in path.read_text(encoding="utf-8")
