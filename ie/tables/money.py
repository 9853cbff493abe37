"""Money tables: `TableRegion`s (ie.segment) in, `ie.schema.Table`s out.

Each region's rows are turned into logical table rows — 科目 code, name, and figures by column —
whatever the layout:

- ``tab`` rows: a cell's column is its tab index; a row without its 序号 continues the row
  before it cell by cell (a row broken at a page break: ``2013|行政|528.`` + ``101|运行|36``);
- ``pdf`` / ``space`` rows: figures are right-aligned, so a figure's column is found from its
  right edge (each page may sit on a grid of its own, shifted); column labels come from the
  header cells above each column, or in order where that reading is implausible; a text-only
  line is a wrapped piece of the name of the nearest row;
- ``line`` rows (one cell per line, or lines of single-space cells from PDF-to-text tools):
  a code or row label starts a row, figures follow; a row cut by a page break is rejoined
  around the page number; when a row has fewer figures than the table has columns,
  arithmetic picks their columns. Text-tool shapes: a name wrapped around its row's line,
  figures printed after the page's last row (`_displaced_figures`), column labels among a
  one-row table's figures, a column's cells printed one after another (`_column_order`,
  taken only when every sum passes), a page's code column printed after its rows and a whole
  table printed column by column (ie.tables.money_lines), and a wide “三公” table whose header
  lines came in any order, placed by its sums (`_three_public_by_sums`);
- layout text counts its columns by character or by display column (`ie.segment.grid_width`);
  a table whose sums fail, or with a row without its total, is also read the other way and
  the reading whose sums hold better is kept (`money_tables_detailed`).

Every search over placements is capped (`SolverSettings` in ie.tables.money_solver): a garbled
header never makes a table take more than a second or two.

Figures are converted to 万元. Arithmetic (a parent equals the sum of its children by code
prefix, total = basic + project, total = personnel + public) chooses between candidate
readings where the text is ambiguous, over the whole code tree at once; what stays
inconsistent is reported in `DetailedTable.issues`, never silently fixed, and a figure whose
column neither arithmetic nor position can decide is left out and reported.

`python -m ie.tables.money --report DIR` prints, per PDF/text file under DIR, whether its
functional and economic expense tables were rebuilt with every arithmetic check passing.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from ie.ingest import Document
from ie.schema import Table
from ie.segment import Row, Sections, TableRegion, document_rows, grid_width, segment
from ie.tables.money_arith import fold_name, table_issues
from ie.tables.money_cells import clean_name, column_key, parse_figure, three_public_name
from ie.tables.money_grid import _geometric_rows
from ie.tables.money_lines import _line_rows

# The private names are what tests/test_tables_money_limits.py reads as ie.tables.money.<name>.
from ie.tables.money_solver import (  # noqa: F401
    _MAX_PLACEMENTS,
    _TABLE_PLACEMENTS,
    SolverSettings,
    _order_keeping,
)
from ie.tables.money_special import (
    _summary,
    _three_public,
    _three_public_by_sums,
    _three_public_wide,
    final_accounts,
    side_by_side,
    three_public_final,
)
from ie.tables.money_tab import _tab_rows
from ie.tables.money_types import (
    CODED_KINDS,
    KIND_KEYS,
    SCALE,
    TOLERANCE,
    Column,
    DetailedRow,
    DetailedTable,
    SourceCell,
    _finish,
    _table,
)
from ie.text import display_width, squash_ascii

# The rebuild's parts live in ie.tables.money_* (types, cells, arith, solver, tab, grid, lines,
# special); these names stay importable from here.
__all__ = [
    "CODED_KINDS",
    "KIND_KEYS",
    "SCALE",
    "TOLERANCE",
    "Column",
    "DetailedRow",
    "DetailedTable",
    "SolverSettings",
    "SourceCell",
    "clean_name",
    "column_key",
    "fold_name",
    "money_tables",
    "money_tables_detailed",
    "parse_figure",
    "rebuild",
    "report",
    "table_issues",
    "three_public_name",
]


def money_tables(doc: Document, sections: Sections | None = None) -> list[Table]:
    """The money tables of `doc` as SCHEMA `Table`s, in document order (empty declared tables
    kept with no rows)."""
    return [t.to_table() for t in money_tables_detailed(doc, sections)]


def money_tables_detailed(doc: Document, sections: Sections | None = None) -> list[DetailedTable]:
    """The money tables of `doc` with the provenance of every cell and their arithmetic issues.

    In layout text (columns of spaces) a cell's column is read from where it starts on its
    line, counted in characters or in display columns (`ie.segment.grid_width` picks one for
    the document); a table whose arithmetic holds better counted the other way is read that
    way (pdftotext -layout places words by character, but wide CJK labels throw the header's
    columns off): only tables with an issue or a row without its total are read again."""
    sections = sections if sections is not None else segment(doc)
    tables = [rebuild(region) for region in sections.tables]
    if doc.boxes is None and any(t.layout == "space" and _doubtful(t) for t in tables):
        other = len if grid_width(doc) is display_width else display_width
        alternative = {
            (t.kind, t.start): t
            for t in (rebuild(r) for r in segment(doc, document_rows(doc, other)).tables)
        }
        tables = [
            alt
            if t.layout == "space"
            and _doubtful(t)
            and (alt := alternative.get((t.kind, t.start))) is not None
            and _quality(alt) > _quality(t)
            else t
            for t in tables
        ]
    return _codes_from_siblings(tables)


def _codes_from_siblings(tables: list[DetailedTable]) -> list[DetailedTable]:
    """Coded tables whose rows lost their codes take them from another table of the same kind
    in the document that prints the same names, with codes: a disclosure lists the same 科目
    in its 支出总表, 财政拨款支出表 and 一般公共预算支出表, and a text tool may print one
    table's code column apart from its names (pdftotext: 序号 and 类/款/项 pieces after the
    rows) where the parser cannot pair them back. Names are aligned in order (difflib), so a
    name printed under two parents ("行政运行") takes the code of its own place; a table takes
    the codes only where its arithmetic then fails no more often than before."""
    out = list(tables)
    for n, table in enumerate(tables):
        if table.kind not in CODED_KINDS or not any(_codeless(r) for r in table.rows):
            continue
        for donor in tables:
            if donor is table or donor.kind != table.kind:
                continue
            coded = [r for r in donor.rows if r.code and not r.total_row]
            if not coded:
                continue
            mine = [fold_name(r.name) for r in out[n].rows]
            theirs = [fold_name(r.name) for r in coded]
            matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
            taken = {r.code for r in out[n].rows if r.code}
            rows = list(out[n].rows)
            for block in matcher.get_matching_blocks():
                for k in range(block.size):
                    row, code = rows[block.a + k], coded[block.b + k].code
                    if _codeless(row) and code not in taken:
                        rows[block.a + k] = replace(row, code=code)
                        taken.add(code)
            if rows == list(out[n].rows):
                continue
            if _total_issues(table, rows) > _total_issues(table, out[n].rows):
                continue
            issues, checked = table_issues(table.kind, rows, table.columns)
            undecided = [i for i in out[n].issues if "column undecided" in i]
            out[n] = replace(
                out[n], rows=tuple(rows), issues=(*issues, *undecided), checked=checked
            )
    return out


def _codeless(row: DetailedRow) -> bool:
    return not row.code and not row.total_row and bool(row.cells)


def _total_issues(table: DetailedTable, rows: Sequence[DetailedRow]) -> int:
    """How many sums of the total column fail: codes aligned to the wrong names break them,
    while a part column may lack figures whose column the table left undecided."""
    totals = [replace(r, cells=tuple(c for c in r.cells if c.key == "total")) for r in rows]
    return len(table_issues(table.kind, totals, table.columns)[0])


def _doubtful(table: DetailedTable) -> bool:
    """A table whose sums fail, or with a row that has figures but no total (every kind of
    money table has a total column)."""
    return bool(table.issues) or any(r.cells and "total" not in r.values() for r in table.rows)


def _quality(table: DetailedTable) -> tuple[int, int, int]:
    """Fewer arithmetic issues, then more checks passed, then more figures."""
    return (-len(table.issues), table.checked, sum(len(r.cells) for r in table.rows))


def _points_restored(figures: Sequence[SourceCell]) -> list[SourceCell] | None:
    """The figures with the decimal point put back where OCR lost it: in a row whose other
    figures print two decimals, a bare integer of three or more digits ("15660" among
    "660.10" "106.00") read as hundredths. None when no figure is such. The caller keeps it
    only where every sum of the table then holds."""
    texts = [squash_ascii(c.text).replace(",", "") for c in figures]
    pointed = sum(bool(re.fullmatch(r"\d+\.\d{2}", t)) for t in texts)
    bare = [k for k, t in enumerate(texts) if re.fullmatch(r"\d{3,}", t)]
    if not bare or pointed < 2:
        return None
    return [replace(c, value=c.value / 100) if k in bare else c for k, c in enumerate(figures)]


def rebuild(region: TableRegion) -> DetailedTable:
    """Rebuild one table region."""
    scale = SCALE.get(region.unit, 1.0)
    body = list(region.body)
    layout = _layout(body)
    if region.empty or not body:
        return _table(region, (), (), layout)
    if region.kind == "income_expense_summary":
        return _summary(region, body, scale, layout)
    if region.kind == "three_public" and (paired := three_public_final(region, scale)):
        return _table(region, (), paired, layout)
    region = side_by_side(region)
    body = list(region.body)
    if layout == "tab":
        columns, rows = _tab_rows(region, body, scale)
    elif layout == "line" or 2 * sum(len(r.cells) == 1 for r in body) > len(body):
        # One cell per line, also when a PDF prints its table that way.
        columns, rows = _line_rows(region, body, scale)
    else:
        columns, rows = _geometric_rows(region, body, scale)
    undecided = [
        f"{r.code or r.name or 'figures'}: column undecided for {n}"
        for r in rows
        for n in r.undecided
    ]
    if region.kind == "three_public":
        named = _three_public(columns, rows)
        wide = [r for r in rows if len(r.cells) >= 3]
        if len(wide) == 1:
            # Where the header's labels, read by position, add up worse than the columns
            # every such table has (a text layout shifts figures off their labels).
            figures = sorted(wide[0].cells, key=lambda c: c.column)
            reading = {r.name: v["total"] for r in named if "total" in (v := r.values())}
            found = _three_public_by_sums(region, reading, [c.value for c in figures])
            mended = _points_restored(figures)
            if mended is not None and (
                whole := _three_public_by_sums(
                    region, None, [c.value for c in mended], complete=True
                )
            ):
                found, figures = whole, mended
            if found is not None:
                row = replace(wide[0], name="")
                budget = not final_accounts(region)
                columns, rows = _three_public_wide(found, figures, row, operation=budget)
                undecided += [f"figures: column undecided for {n}" for n in rows[0].undecided]
                named = _three_public(columns, rows)
        rows = named
    rows = _finish(rows)
    issues, checked = table_issues(region.kind, rows, columns)
    issues += undecided
    return _table(region, columns, rows, layout, issues, checked)


def _layout(body: Sequence[Row]) -> str:
    if not body:
        return ""
    counts: dict[str, int] = {}
    for r in body:
        counts[r.layout] = counts.get(r.layout, 0) + 1
    return max(counts, key=lambda k: counts[k])


def report(paths: Iterable[Path]) -> list[dict]:
    """Per document: which functional/economic expense tables were rebuilt and whether all their
    arithmetic holds."""
    from ie.errors import BudgetIEError
    from ie.ingest import ingest

    out = []
    for path in paths:
        entry: dict = {"doc": str(path), "tables": []}
        try:
            doc = ingest(path)
        except BudgetIEError as exc:
            entry["error"] = str(exc)
            out.append(entry)
            continue
        for t in money_tables_detailed(doc):
            if t.kind in ("expense_by_function", "basic_expense_by_economic"):
                entry["tables"].append(
                    {
                        "kind": t.kind,
                        "title": t.title,
                        "rows": len(t.rows),
                        "coded": sum(1 for r in t.rows if r.code),
                        "checked": t.checked,
                        "issues": list(t.issues),
                        "empty": t.empty,
                    }
                )
        out.append(entry)
    return out


def _main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] != "--report":
        print("usage: python -m ie.tables.money --report DIR", file=sys.stderr)
        return 2
    root = Path(argv[1])
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".pdf", ".txt"))
    results = report(files)
    ok_docs = 0
    for entry in results:
        name = Path(entry["doc"]).name
        if "error" in entry:
            print(f"ERROR      {name}: {entry['error']}")
            continue
        tables = entry["tables"]
        if not tables:
            print(f"no tables  {name}")
            continue
        good = all(not t["issues"] for t in tables) and any(t["coded"] for t in tables)
        ok_docs += good
        kinds = ", ".join(
            f"{'F' if t['kind'] == 'expense_by_function' else 'E'}:{t['coded']}rows/"
            f"{t['checked']}chk/{len(t['issues'])}bad"
            for t in tables
        )
        print(f"{'ok' if good else 'FAIL':10s} {name}: {kinds}")
        for t in tables:
            for issue in t["issues"]:
                print(f"           {t['title']}: {issue}")
    with_tables = sum(1 for e in results if e.get("tables"))
    print(f"{ok_docs}/{with_tables} documents with tables pass every check ({len(results)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
