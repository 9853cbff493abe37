"""The types of a rebuilt money table (columns, figures with provenance, rows, tables) and the
constants every part of the rebuild shares (tolerance, units, column keys per table kind)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ie.schema import Table, TableRow
from ie.segment import TableRegion

TOLERANCE = 0.011  # figures are printed to 0.01; sums of rounded figures may be off by a cent
SCALE = {"万元": 1.0, "元": 1e-4, "千元": 0.1, "亿元": 1e4}

# Column keys each kind of table may carry (SCHEMA.md).
# `budget` is a 决算 table's 年初预算数 / 全年预算数 column beside its 决算数 (SCHEMA 1.1).
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "expense_by_function": ("total", "basic", "project", "budget"),
    "gov_fund_expense": ("total", "basic", "project", "budget"),
    "state_capital_expense": ("total", "basic", "project", "budget"),
    "basic_expense_by_economic": ("total", "personnel", "public", "budget"),
    "other": ("total", "basic", "project", "personnel", "public", "budget"),
}
CODED_KINDS = (
    "expense_by_function",
    "basic_expense_by_economic",
    "income_summary",
    "gov_fund_expense",
    "state_capital_expense",
    "other",
)

_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、．](?!\d)|\d{1,2}\.(?!\d)"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）][、.．]?)"
)
_GRAND_TOTAL = re.compile(
    r"^(?:合计|总计|资产总额|(?:本年)?(?:收入|支出|收支)(?:总计|合计)|支出预算合计|收入预算合计)$"
)
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_STRUCT = re.compile(r"序号|编码|名称|科目|栏次|档次|行次|^项目$|^类$|^款$|^项$|说明|^数量")


@dataclass(frozen=True, slots=True)
class Column:
    """A figure column: its SCHEMA key (or None when the table's kind has no key for it), its
    header label path as printed (joined with "/"), and its position (tab index or the right
    edge of its figures)."""

    key: str | None
    label: str
    anchor: float


@dataclass(frozen=True, slots=True)
class SourceCell:
    """One figure with its provenance: the column it went to, the value in 万元, the text as
    printed, and its span in the source text."""

    column: int
    key: str | None
    value: float
    text: str
    start: int
    end: int
    page: int


@dataclass(frozen=True, slots=True)
class DetailedRow:
    """A logical table row with the provenance of its code, name and figures."""

    code: str | None
    name: str
    cells: tuple[SourceCell, ...]
    start: int
    end: int
    page: int
    total_row: bool = False
    # Figures left out because the arithmetic allows more than one column for them.
    undecided: tuple[str, ...] = ()

    def values(self) -> dict[str, float]:
        """Figures by SCHEMA column key (first figure per key)."""
        out: dict[str, float] = {}
        for c in self.cells:
            if c.key is not None and c.key not in out:
                out[c.key] = c.value
        return out


@dataclass(frozen=True, slots=True)
class DetailedTable:
    """A rebuilt table with provenance: the region it came from, its columns, rows, the unit
    printed (figures are already in 万元), and the arithmetic that failed."""

    kind: str
    title: str
    unit: str
    start: int
    end: int
    pages: tuple[int, ...]
    empty: bool
    columns: tuple[Column, ...]
    rows: tuple[DetailedRow, ...]
    issues: tuple[str, ...] = ()
    checked: int = 0
    layout: str = ""
    region: TableRegion | None = field(default=None, repr=False, compare=False)

    def to_table(self) -> Table:
        """The SCHEMA `Table` (values in 万元, empty cells omitted)."""
        rows = [
            TableRow(code=r.code, name=r.name, values=r.values())  # type: ignore[arg-type]
            for r in self.rows
        ]
        return Table(kind=self.kind, title=self.title, unit="万元", rows=rows)  # type: ignore[arg-type]


def _table(region, columns, rows, layout, issues=(), checked=0) -> DetailedTable:
    if not any(r.cells for r in rows):
        # a table printed without a figure (a blank template, an empty table not declared
        # so) has no rows to report, only its names
        rows, issues, checked = (), (), 0
    return DetailedTable(
        kind=region.kind,
        title=region.title,
        unit=region.unit,
        start=region.start,
        end=region.end,
        pages=region.pages,
        empty=region.empty,
        columns=tuple(columns),
        rows=tuple(rows),
        issues=tuple(issues),
        checked=checked,
        layout=layout,
        region=region,
    )


def _finish(rows: Iterable[DetailedRow]) -> list[DetailedRow]:
    """Drop rows with neither a name nor figures; a nameless first row of figures is 合计."""
    out = []
    for k, r in enumerate(rows):
        if not r.name and not r.code and r.cells and k == 0:
            r = replace(r, name="合计", total_row=True)
        if r.name or r.code or r.cells:
            out.append(r)
    return out


# A 决算 table's figure columns with no SCHEMA key (年初结转和结余, 本年收入, 年末结转和结余):
# columns all the same, not group labels.
_FINAL_COLUMN = re.compile(r"结转|结余|本年收入")
_EXTRA_PART = re.compile(r"预留|机动|经营支出|上缴上级|上解上级|对附属单位")
