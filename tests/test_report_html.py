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

from ie.evaluate import EvalPair, evaluate_pairs, evaluate_paths, load_pairs, write_html_report
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
class Table:
    kind: str  # the table's class: "errors" or "docs"
    field: str  # the field of the <details> block around it ("" outside one)
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (class, cell texts)


@dataclass
class Page(HTMLParser):
    """Collects the SVG charts, the tables (with their <details> field), summaries and marks."""

    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    summaries: dict[str, str] = field(default_factory=dict)  # field -> summary text
    marks: list[tuple[str, str]] = field(default_factory=list)  # (class, text) of <mark>s
    lang: str = ""
    _field: str = ""
    _in: str = ""
    _buf: str = ""
    _mark: str | None = None

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        elif tag == "svg":
            self.charts.append(Chart(a.get("aria-label") or ""))
        elif tag == "rect" and self.charts and a.get("fill") not in (None, "#eee"):
            self.charts[-1].bars += 1
        elif tag == "details":
            self._field = a.get("data-field") or ""
        elif tag == "table":
            self.tables.append(Table(a.get("class") or "", self._field))
        elif tag == "tr":
            self.tables[-1].rows.append((a.get("class") or "", []))
        elif tag == "mark":
            self._mark = a.get("class") or ""
            self.marks.append((self._mark, ""))
        elif tag in ("td", "th", "text", "summary"):
            self._in, self._buf = tag, ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf += data
        if self._mark is not None:
            cls, text = self.marks[-1]
            self.marks[-1] = (cls, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = None
        if tag == "details":
            self._field = ""
        if tag != self._in:
            return
        if tag == "th":
            self.tables[-1].headers.append(self._buf.strip())
        elif tag == "td":
            self.tables[-1].rows[-1][1].append(self._buf)
        elif tag == "text" and self.charts:
            self.charts[-1].texts.append(self._buf)
        elif tag == "summary":
            self.summaries[self._field] = self._buf
        self._in = ""


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def error_rows(page: Page) -> list[dict[str, str]]:
    """Every error table's rows as dicts keyed by its header, plus the block's "field"."""
    return [
        {"field": t.field, **dict(zip(t.headers, cells, strict=True))}
        for t in page.tables
        if t.kind == "errors"
        for cls, cells in t.rows
        if cls
    ]


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
    assert page.lang == "en"
    assert {c.title for c in page.charts} == CHARTS
    by_title = {c.title: c for c in page.charts}
    fields = by_title["F1 per record field"]
    assert fields.bars == len(report.fields)
    for name, counts in report.fields.items():
        # Label, value and sample size, in that order, for every field.
        i = fields.texts.index(name)
        assert fields.texts[i + 1 : i + 3] == [f"{counts.f1:.3f}", f"n={counts.gold}"]
    strict = by_title["Span F1 per label (strict)"]
    assert strict.bars == len(report.strict)
    assert strict.texts[strict.texts.index("micro") + 2] == f"n={report.strict['micro'].gold}"

    # One row per document, its F1 per field as the document scored alone gives it.
    (docs,) = [t for t in page.tables if t.kind == "docs"]
    assert docs.headers[0] == "doc_id" and "spans.strict" in docs.headers
    assert [cells[0] for _, cells in docs.rows[1:]] == ["doc4101", "doc4102"]
    pairs, _ = load_pairs(tmp_path / "gold", pred)
    for (_, cells), pair in zip(docs.rows[1:], pairs, strict=True):
        alone = evaluate_pairs([pair])
        shown = dict(zip(docs.headers, cells, strict=True))
        for name, counts in alone.fields.items():
            if counts.pred + counts.gold:
                assert shown[name] == f"{counts.f1:.3f}", (pair.doc_id, name)
        assert shown["spans.strict"] == f"{alone.strict['micro'].f1:.3f}"

    rows = error_rows(page)
    assert {r["status"] for r in rows} <= {"wrong", "missed", "spurious"}
    # every error is of a scored document (a document read without one lists none)
    assert rows and {r["doc_id"] for r in rows} <= {"doc4101", "doc4102"}
    assert "spans.partial" not in {r["field"] for r in rows}  # strict errors only
    # Every error is shown once: a wrong row stands for one missed and one spurious outcome.
    listed = [o for o in report.errors() if o.field != "spans.partial"]
    wrong = sum(r["status"] == "wrong" for r in rows)
    assert len(rows) == len(listed) - wrong
    # (a row's every column: two span errors may show the same texts at different places)
    pairs_shown = [
        tuple(sorted(r.items()))
        for r in rows
        if r["gold"] and r["predicted"] and r["status"] != "spurious"
    ]
    assert len(pairs_shown) == len(set(pairs_shown))
    for name, summary in page.summaries.items():
        got = [r for r in rows if r["field"] == name]
        for status in ("wrong", "missed", "spurious"):
            assert f"{status} {sum(r['status'] == status for r in got)}" in summary


def test_report_shows_each_mistake_beside_its_gold(tmp_path: Path) -> None:
    doc = generate_document(4103, noise="low", layout="tab", doc_id="doc4103")
    gold = json.loads(doc.record.to_json())
    spans = [s.to_dict() for s in doc.spans]
    pred = json.loads(doc.record.to_json())
    key, value = next(iter(gold["key_figures"].items()))
    pred["key_figures"][key] = 12469.12  # a wrong value, 7 significant digits
    dropped = gold["projects"][0]["name"]
    pred["projects"] = pred["projects"][1:]  # a missed project
    amounts = [s for s in spans if s["label"] == "AMOUNT" and s["end"] - s["start"] > 2]
    missed, cut = amounts[0], amounts[1]
    short = {**cut, "end": cut["end"] - 1, "text": cut["text"][:-1]}  # a boundary error
    pred["entities"] = [
        {**s, "score": 1.0} for s in [short if s == cut else s for s in spans if s != missed]
    ]
    report = evaluate_pairs([EvalPair.from_dicts(gold, pred, spans, doc.text)])
    page = parse(write_html_report(report, tmp_path / "report"))
    rows = error_rows(page)

    # The wrong key figure: one row, gold and prediction side by side, no label repeated.
    (row,) = [r for r in rows if r["field"] == "key_figures"]
    assert (row["status"], row["label"]) == ("wrong", key)
    assert abs(number(row["gold"]) - value) < 0.01 and row["predicted"] == "12469.12"
    assert any(r["field"] == "projects" and r["gold"] == dropped for r in rows)

    (gone,) = [r for r in rows if r["field"] == "spans.strict" and r["status"] == "missed"]
    assert gone["offsets"] == f"gold {missed['start']}:{missed['end']}"
    assert gone["gold"] == missed["text"] and gone["page"]
    assert missed["text"] in gone["context"]
    (bound,) = [r for r in rows if r["field"] == "spans.strict" and r["status"] == "wrong"]
    assert bound["offsets"].splitlines() == [
        f"gold {cut['start']}:{cut['end']}",
        f"pred {cut['start']}:{cut['end'] - 1}",
    ]
    assert (bound["gold"], bound["predicted"]) == (cut["text"], short["text"])
    # Both extents are marked: the shared part as both, the last character as gold only.
    assert ("gold pred", short["text"]) in page.marks
    assert ("gold", cut["text"][-1]) in page.marks
    assert ("gold", missed["text"]) in page.marks
    if "【" not in doc.text:  # the context shows the source text, no in-band markers
        assert "【" not in "".join(r.get("context", "") for r in rows)
    # Record fields have no position: their tables leave the empty columns out.
    tables = {t.field: t.headers for t in page.tables if t.kind == "errors"}
    assert "context" in tables["spans.strict"] and "context" not in tables["key_figures"]
    assert {c.title for c in page.charts} == CHARTS


def test_long_error_lists_are_cut_per_field_over_all_documents(tmp_path: Path) -> None:
    pairs = []
    for seed in (4104, 4105):
        doc = generate_document(seed, noise="low", layout="cell", doc_id=f"doc{seed}")
        gold = json.loads(doc.record.to_json())
        pairs.append(EvalPair.from_dicts(gold, {"doc_id": gold["doc_id"]}))
    report = evaluate_pairs(pairs)
    cap = 3
    path = write_html_report(report, tmp_path / "r", max_per_field=cap)
    page = parse(path)
    rows = error_rows(page)
    for name in ("key_figures", "indicators", "tables"):
        total = sum(o.field == name for o in report.errors())
        assert total > cap
        got = [r for r in rows if r["field"] == name]
        assert len(got) == cap  # a cap for each field, not one for the whole list
        assert {r["doc_id"] for r in got} == {"doc4104", "doc4105"}  # not only the first doc
        assert f"first {cap} of {total}" in page.summaries[name]
    uncut = error_rows(parse(write_html_report(report, tmp_path / "all")))
    assert len(uncut) == len(report.errors())  # nothing to merge: every item is missed
