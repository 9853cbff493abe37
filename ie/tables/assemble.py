"""The post-processor: the tagger's spans (plus the layout's indicator tables) in, projects,
indicator rows and redactions out.

The tagger decides *what* is there (PROJECT, IND_L1 … IND_BASIS, REDACTED); this module decides
*which pieces belong together*:

- **Tables the layout parser read by position** (`ie.tables.indicators`: tab, space and PDF
  geometry): where the tagger's spans fall in that table's cells and agree with its columns
  (most spans carry the label of the column their cell is in), the table's geometry is trusted
  for the cells' extent and the rows, and its rows are the indicator rows. A table whose
  columns the spans contradict, where the tagger found nothing, or that was flattened to one
  cell per line (no geometry: the parser cuts the lines by scoring them, and a wrapped cell's
  continuation printed after the row's last cell, as pdftotext and pdfminer print it, would
  join that last cell) is read from the spans alone, as below.
- **Everywhere else** (a table flattened in a way the parser does not know, a layout the model
  was retrained for) spans are read in source order: a new row starts when a field comes round
  again (a 一级/二级 term after the row's cells, a 三级指标 after an 指标值, …), and a second
  fragment of the same field right after the first (a wrapped cell) is joined to it, as are
  the fragments on a line that only continues the row's cells (several cells wrapped side by
  side). A row
  without 一级/二级 takes them from the row above (merged cells are printed once). A REDACTED
  span fills the row's next empty field in column order, among the columns the table has.
- **Projects.** Every PROJECT span names a project, without its number and a trailing
  绩效目标表; names that differ only in punctuation or a trailing 经费/费/项目 are one project,
  named as its 绩效目标表 title names it when there is one; a name that is only the tail of
  another (the second line of a wrapped cell) and has nothing of its own is dropped.
  Indicator rows belong to the project named last before them.
- **Redactions.** A REDACTED span in an indicator row withholds the project's indicators; one
  after a project's name but before its indicator rows withholds its goal.

Goal texts are not labelled by the tagger; they come from the layout (a table's 绩效目标 row).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from ie.lexicon import BUDGET_CATEGORY, is_fund_name
from ie.schema import Indicator, Project, Redaction
from ie.segment import Sections
from ie.spans import Span
from ie.tables.indicators import (
    ENUMERATOR,
    FIELDS,
    IndicatorRow,
    IndicatorTable,
    SourceText,
    clean_text,
    infer_level1,
    is_level1,
    is_level2,
    parse_target,
    redaction_marker,
)
from ie.text import LineStarts, squash

# Tagger label → indicator field, in column order.
FIELD_OF: dict[str, str] = {
    "IND_L1": "level1",
    "IND_L2": "level2",
    "IND_L3": "level3",
    "IND_DESC": "description",
    "IND_TARGET": "target",
    "IND_BASIS": "basis",
}
_ORDER = {f: k for k, f in enumerate(FIELDS)}
# The cells a withheld row's markers stand in for, in column order.
_CELL_FIELDS = ("level3", "description", "target", "basis")
_HAN = r"\u3400-\u9fff"
_NAME_TAIL = re.compile(r"(?:项目)?绩效目标(?:表|申报表|填报表)?$")
# A fragment of the same field continues the one before across at most this much white space
# (a wrapped cell: a line break, blank lines, the indentation of the next line).
_WRAP_GAP = re.compile(r"[ \t\u3000\r\n\f]{0,40}")


@dataclass(frozen=True, slots=True)
class Assembled:
    """What the spans say about projects: the SCHEMA.md lists, in document order."""

    projects: list[Project]
    indicators: list[Indicator]
    redactions: list[Redaction]


def name_key(name: str) -> str:
    """A project name for matching: no punctuation or spaces, no trailing 经费/费/项目."""
    key = re.sub(rf"[^{_HAN}A-Za-z0-9]", "", name)
    return re.sub(r"(?:项目经费|经费|项目|费)$", "", key)


def project_name(text: str) -> str:
    """A PROJECT span's text as a record name: wrap whitespace out, no leading number, no
    trailing 绩效目标表."""
    name = re.sub(r"\s+", "", clean_text(text))
    name = ENUMERATOR.sub("", name)  # whitespace is already gone
    return _NAME_TAIL.sub("", name).strip("：:，,。；;、")


@dataclass
class _Row:
    cells: dict[str, list[Span]] = field(default_factory=dict)
    marker: str | None = None  # the first redaction marker among its cells
    last: Span | None = None

    def empty(self) -> bool:
        return not self.cells

    def furthest(self) -> int:
        """The column index of the rightmost field filled so far (-1 when none)."""
        return max((_ORDER[f] for f in self.cells), default=-1)


@dataclass
class _Project:
    name: str
    titled: bool = False
    goal: str | None = None
    goal_marker: str | None = None
    indicator_marker: str | None = None
    rows: list[dict[str, str | None]] = field(default_factory=list)


class _Builder:
    """Reads spans in order and keeps the current project, table and row."""

    def __init__(
        self,
        text: str,
        line_fields: dict[int, set[str]] | None = None,
        lines: LineStarts | None = None,
        units: Iterable[str] = (),
    ) -> None:
        self.text = text
        self.lines = lines or LineStarts(text)
        # the fields labelled on each source line (by the offset of the line's start)
        self.line_fields = line_fields or {}
        self.projects: dict[str, _Project] = {}
        self.order: list[str] = []
        self.current: str | None = None  # key of the project named last
        self.row = _Row()
        self.carry: dict[str, str | None] = {}
        self.columns: set[str] = set()  # fields seen in the current project's table
        self.in_table = False  # indicator spans have started since the project was named
        self.named_at = 0  # where the last project name in the text ends
        self.units = set(units)  # the department's and units' names (name_key)

    # --- projects ---------------------------------------------------------------------------

    def project(self, span: Span) -> None:
        key = name_key(span.text)
        fund = re.search(r"(?:费|项目|资金|专项|工程)\s*$", span.text)
        if len(key) >= 2 and not fund and any(key in unit for unit in self.units):
            return
        titled = bool(re.match(r"\s*(?:项目)?绩效目标", self.text[span.end : span.end + 12]))
        self._name(project_name(span.text), titled)
        self.named_at = span.end

    def form_name(self, named: _Named) -> None:
        """A project form's 项目名称 that names a project the tagger found: the rows below
        are that project's, whether or not the name itself was tagged there."""
        if self.current != name_key(named.name):
            self._name(named.name, titled=False)
        self.named_at = max(self.named_at, named.start)

    def _name(self, name: str, titled: bool) -> _Project | None:
        key = name_key(name)
        if len(key) < 2 or BUDGET_CATEGORY.match(re.sub(r"\s", "", name)):
            return None
        p = self.projects.get(key)
        if p is None:
            p = self.projects[key] = _Project(name, titled)
            self.order.append(key)
        elif titled and not p.titled:
            p.name, p.titled = name, True
        self.flush()
        self.current, self.carry, self.columns, self.in_table = key, {}, set(), False
        return p

    def layout_table(self, trusted: _Trusted) -> None:
        """A table whose geometry the spans agree with: its rows as the layout read them, under
        the project its title names."""
        table = trusted.table
        p = self._name(table.project, titled=True) or self._anonymous()
        if trusted.goal_withheld and (m := table.goal_marker) is not None:
            p.goal_marker = p.goal_marker or m
        for row in trusted.rows:
            if row.marker is not None and p.indicator_marker is None:
                p.indicator_marker = row.marker
            p.rows.append(row.values() | {"_marker": row.marker})
        # Labels after the table start afresh: a row read from spans needs 一级/二级 of its own.
        self.carry = {}
        self.in_table = True

    # --- rows -------------------------------------------------------------------------------

    def cell(self, span: Span) -> None:
        """An indicator cell (IND_*) or a withheld cell (REDACTED) of a row."""
        if span.label == "REDACTED":
            if not self.in_table:
                self.goal_withheld(span)
                return
            f = self._marker_field(span.start)
        else:
            f = FIELD_OF[span.label]
        row = self.row
        if row.empty():
            pass
        elif f in row.cells:
            wrapped = row.last is not None and row.last.label == span.label and self._wraps(span)
            if not wrapped and not self._continues(span):
                self.flush()
        elif _ORDER[f] < row.furthest() or (
            f in ("level1", "level2") and row.furthest() >= _ORDER["level3"]
        ):
            self.flush()
        row = self.row
        row.cells.setdefault(f, []).append(span)
        if span.label == "REDACTED" and row.marker is None:
            row.marker = redaction_marker(span.text) or _marker_text(span.text)
        row.last = span
        self.in_table = True

    def _marker_field(self, at: int) -> str:
        """The field a withheld cell stands in: the next column after the row's last filled
        one, among the columns the table has (all four until a row has shown them)."""
        row = self.row
        known = [f for f in _CELL_FIELDS if f in self.columns] or self._header_fields(at)
        after = max(row.furthest(), _ORDER["level2"])
        free = [f for f in known if _ORDER[f] > after]
        if not free:
            # the rows so far showed only some columns (the others were withheld in every
            # one of them): the header's columns after the row's last cell
            free = [f for f in self._header_fields(at) if _ORDER[f] > after]
        return free[0] if free else known[0]

    def goal_withheld(self, span: Span) -> None:
        p = self._current()
        if p is not None and p.goal_marker is None:
            p.goal_marker = redaction_marker(span.text) or _marker_text(span.text)

    def flush(self) -> None:
        row, self.row = self.row, _Row()
        if row.empty():
            return
        if (
            "level3" not in row.cells
            and "description" in row.cells
            and "target" in row.cells
            and self._no_description(min(s.start for s in row.cells["description"]))
        ):
            # a 三级指标 tagged as 绩效指标描述 (one printed after the row above's 指标值 on
            # the same line) in a table without that column: the row's 三级指标
            row.cells["level3"] = row.cells.pop("description")
        self._restated_tail(row)
        values: dict[str, str | None] = {
            f: clean_text("".join(_joined(self.text, spans))) for f, spans in row.cells.items()
        }
        if row.marker is not None and all(
            s.label == "REDACTED" for f in _CELL_FIELDS for s in row.cells.get(f, [])
        ):
            # a row withheld whole ("不公开" in every cell): the text lost some of its markers
            # (a marker wrapped beside another, "不公 不公开" / "开"), the row withholds them
            # all, in every column its table has
            at = min(s.start for spans in row.cells.values() for s in spans)
            head = self._header_fields(at)
            for f in _CELL_FIELDS:
                if not values.get(f) and (f in head or f in self.columns):
                    values[f] = row.marker
        if "level1" not in values:
            if "level2" in values:
                values["level1"] = infer_level1(values["level2"] or "") or self.carry.get("level1")
            else:
                values["level1"] = self.carry.get("level1")
        if "level2" not in values and "level1" not in row.cells:
            values["level2"] = self.carry.get("level2")
        self.carry = {"level1": values.get("level1"), "level2": values.get("level2")}
        if not values.get("level3") or not (values.get("level1") or values.get("level2")):
            # a header, a merged cell printed apart, or stray labels outside any table (whose
            # fields say nothing of the table's columns)
            return
        self.columns.update(
            f
            for f, spans in row.cells.items()
            if f in _CELL_FIELDS and any(s.label != "REDACTED" for s in spans)
        )
        p = self._current()
        if p is None:
            p = self._anonymous()
        if row.marker is not None and p.indicator_marker is None:
            p.indicator_marker = row.marker
        p.rows.append({f: values.get(f) for f in FIELDS} | {"_marker": row.marker})

    def _restated_tail(self, row: _Row) -> None:
        """Move to the 三级指标 a fragment on a later line that the row's 绩效指标描述 shows to be
        its wrapped tail: "购置设备数" then "量" alone on the next line, tagged as the 描述's, where
        the 描述 "全年购置设备数量" restates "购置设备数量" (cells wrapped side by side leave a
        lone tail whose column the text no longer shows)."""
        l3, desc = row.cells.get("level3"), row.cells.get("description")
        if not l3 or not desc or len(desc) < 2:
            return
        tail = desc[-1]
        if not (l3[-1].end <= tail.start and "\n" in self.text[desc[-2].end : tail.start]):
            return
        name = squash("".join(s.text for s in l3))
        rest = squash("".join(s.text for s in desc[:-1]))
        if (name + squash(tail.text)) in rest:
            row.cells["level3"] = [*l3, tail]
            row.cells["description"] = desc[:-1]

    # --- helpers ----------------------------------------------------------------------------

    def _header_fields(self, at: int) -> list[str]:
        """The cell fields of the indicator table whose header was printed last before `at`
        (after the last project name): 描述 and 指标值确定依据 only where the header names them
        (a label may wrap: 描 …, 依 …); all four when there is no such header."""
        head = self.text.rfind("三级指标", 0, at)
        if head < 0 or head < self.named_at:
            return list(_CELL_FIELDS)
        said = self.text[max(0, head - 40) : head + 60]
        later = ""
        if "描" not in said or "依" not in said:
            # the header's right-hand cells a text tool printed after the rows (pdftotext:
            # "指标值确定依" "据" after the table's withheld cells), up to the next 绩效目标;
            # read only when the header itself does not name them (called once per row)
            end = self.text.find("绩效目标", head)
            later = squash(self.text[head : end if end >= 0 else head + 3000])
        return [
            f
            for f in _CELL_FIELDS
            if (f != "description" or "描" in said or "指标描" in later)
            and (f != "basis" or "依" in said or "确定依" in later)
        ]

    def _no_description(self, at: int) -> bool:
        """Whether `at` is in an indicator table whose header has no 绩效指标描述 column (the
        national project form: 一级指标 二级指标 三级指标 指标值), and no row of the table has
        shown one."""
        return "description" not in self._header_fields(at) and "description" not in self.columns

    def _wraps(self, span: Span) -> bool:
        prev = self.row.last
        assert prev is not None
        return prev.end <= span.start and bool(
            _WRAP_GAP.fullmatch(self.text[prev.end : span.start])
        )

    def _continues(self, span: Span) -> bool:
        """Whether `span` sits on a line that only continues the row's cells: wrapped lines
        of several cells printed side by side ("档案整理合 档案整理合 ≥95% 行业" then
        "格率 格率 标准"; "服务对象满意" then "度指标"). Such a line, after the row's
        指标值, repeats fields the row has and has no 指标值 (nor a withheld cell) of its own
        (a new row has). A 一级/二级 fragment continues only a row printed side by side: in a
        table flattened one cell per line, a 二级 term on its own line starts the next row."""
        line = self.lines.start_of(span.start)
        withheld = "withheld" in self.line_fields.get(line, set())
        fields = self.line_fields.get(line, set()) - {"withheld"}
        row = self.row
        first = min(s.start for spans in row.cells.values() for s in spans)
        first_fields = len(self.line_fields.get(self.lines.start_of(first), set()) - {"withheld"})
        side_by_side = first_fields >= 3
        if not side_by_side and fields & {"level1", "level2"}:
            return False
        if span.label in ("IND_L1", "IND_L2") and _whole_term(span.text):
            held = row.cells.get(FIELD_OF[span.label], [])
            if held and _whole_term("".join(s.text for s in held)):
                # a second whole 一级/二级 term ("质量指标" after "数量指标") is the next row, its
                # 指标值 wrapped onto a later line, not the wrapped tail of this row's cell
                return False
        if first_fields == 1 and len(fields) == 1:
            return False  # one cell per line: a field the row has starts the next row
        return (
            line > first
            and bool(fields)
            and "target" not in fields
            and not withheld
            and fields <= set(row.cells)
            and "target" in row.cells
        )

    def _current(self) -> _Project | None:
        return self.projects.get(self.current) if self.current else None

    def _anonymous(self) -> _Project:
        # Indicator rows before any project name: kept under an empty name rather than lost.
        key = ""
        if key not in self.projects:
            self.projects[key] = _Project("")
            self.order.append(key)
        self.current = key
        return self.projects[key]


def _fragment(key: str, p: _Project, builder: _Builder) -> bool:
    """Whether a project is only the tail of another's name (a name wrapped in a table cell
    and read apart from its first line) with nothing of its own: no rows, goal or marker."""
    if p.rows or p.goal or p.goal_marker or p.indicator_marker or p.titled:
        return False
    return any(other != key and other.endswith(key) for other in builder.projects)


def _whole_term(text: str) -> bool:
    """Whether `text` is a whole 一级/二级 term of the standard framework (数量指标, 效益指标,
    服务对象满意度指标), not the wrapped piece of one (满意, 度指标)."""
    return is_level1(text) or is_level2(text)


def _marker_text(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("。.；;，,、:：0123456789")


def _joined(text: str, spans: Sequence[Span]) -> list[str]:
    """The texts of a field's fragments, with the source's line breaks between fragments that
    sit on different lines (clean_text then drops them, or keeps a space between ASCII words)."""
    out: list[str] = []
    for k, span in enumerate(spans):
        if k and "\n" in text[spans[k - 1].end : span.start]:
            out.append("\n")
        out.append(span.text)
    return out


@dataclass(frozen=True, slots=True)
class _Trusted:
    """A layout table the spans agree with, and the spans it uses."""

    table: IndicatorTable
    rows: tuple[IndicatorRow, ...]
    used: frozenset[int]  # indices into the sorted spans
    goal_withheld: bool


# A table's geometry is trusted when at least this share of the spans in its cells carry the
# label of their cell's column (a withheld cell's marker counts for any column).
_AGREEMENT = 0.7


def _trusted_tables(spans: Sequence[Span], layout: Sequence[IndicatorTable]) -> list[_Trusted]:
    """The layout tables the spans (sorted by start) agree with. Spans are found by bisection
    on their starts, not by a scan of all spans per table."""
    out = []
    starts = [s.start for s in spans]
    projects = [n for n, s in enumerate(spans) if s.label == "PROJECT"]
    # reach[k]: the furthest end of projects[:k + 1], so the scan back from a title stops
    # where no earlier project can still overlap it.
    reach = list(itertools.accumulate((spans[n].end for n in projects), max))
    project_starts = [spans[n].start for n in projects]
    for table in layout:
        if table.layout == "flat":
            # one cell per line, cut into rows by scoring the lines: no geometry to trust, and
            # a wrapped cell's continuation printed after the row's last cell (pdftotext,
            # pdfminer) is joined to that cell, where the tagger's labels place it right
            continue
        cell_at: dict[int, tuple[int, str, SourceText]] = {}
        for k, row in enumerate(table.rows):
            for f in FIELDS:
                cell = getattr(row, f)
                if cell is not None and cell.end - cell.start <= 2000:
                    for i in range(cell.start, cell.end):
                        cell_at.setdefault(i, (k, f, cell))
        if not cell_at:
            continue
        # The table's region runs from its title to its last cell: labels there (a title or a
        # goal misread as a cell, a repeated header) are the table's, read through its layout.
        lo, hi = min(table.title.start, min(cell_at)), max(cell_at) + 1
        first, stop = bisect_left(starts, lo), bisect_left(starts, hi)
        inside = [(n, spans[n]) for n in range(first, stop)]
        located = [
            (n, s, cell_at[s.start])
            for n, s in inside
            if s.start in cell_at and (s.label in FIELD_OF or s.label == "REDACTED")
        ]
        agree = sum(
            1
            for _, s, (_, f, cell) in located
            if (redaction_marker(cell.text) if s.label == "REDACTED" else FIELD_OF[s.label] == f)
        )
        if len(located) < 2 or agree < _AGREEMENT * len(located):
            continue
        used = {n for n, s in inside if s.label in FIELD_OF or s.label in ("REDACTED", "PROJECT")}
        goal = table.goal
        goal_withheld = goal is not None and any(
            s.label == "REDACTED" and goal.start <= s.start < goal.end for _, s in inside
        )
        k = bisect_left(project_starts, table.title.end) - 1
        while k >= 0 and reach[k] > table.title.start:
            if spans[projects[k]].end > table.title.start:
                used.add(projects[k])
            k -= 1
        in_row: dict[int, list[tuple[Span, str]]] = {}
        for _, s, (k, f, _) in located:
            in_row.setdefault(k, []).append((s, f))
        rows = tuple(_split_cells(row, in_row.get(k, ())) for k, row in enumerate(table.rows))
        out.append(_Trusted(table, rows, frozenset(used), goal_withheld))
    return out


def _split_cells(row: IndicatorRow, located: Sequence[tuple[Span, str]]) -> IndicatorRow:
    """`row` with the cells the layout joined and the spans tell apart split: a span at the
    start or end of a cell whose label is another column's, empty in this row, moves to that
    column ("100% 上年度完成情况" read as one 依据 cell where the 指标值 is 100%: the two cells
    printed one space apart)."""
    cells = {f: getattr(row, f) for f in FIELDS}
    for span, f in located:
        g = FIELD_OF.get(span.label)
        current = cells[f]
        if g is None or g == f or cells[g] is not None or current is None:
            continue
        piece = clean_text(span.text)
        if not piece or piece == current.text:
            continue
        if current.text.endswith(piece):
            rest = SourceText(current.text[: -len(piece)].rstrip(), current.start, span.start)
        elif current.text.startswith(piece):
            rest = SourceText(current.text[len(piece) :].lstrip(), span.end, current.end)
        else:
            continue
        if not rest.text:
            continue
        cells[f], cells[g] = rest, SourceText(piece, span.start, span.end)
    return IndicatorRow(**cells)


def item_tables(sections: Sections) -> list[tuple[int, int]]:
    """The source ranges of the money tables whose rows are budget items, not projects: every
    kind but the project lists (`other` tables titled …项目…) — the 收支总表's 单位预留机动经费
    or a 政府采购 table's 专项名称 (SCHEMA.md) is no project."""
    return [
        (t.start, t.end) for t in sections.tables if not (t.kind == "other" and "项目" in t.title)
    ]


def assemble(
    text: str,
    spans: Sequence[Span],
    layout: Sequence[IndicatorTable] = (),
    goals: Iterable[tuple[str, str]] = (),
    not_projects: Sequence[tuple[int, int]] = (),
) -> Assembled:
    """Projects, indicator rows and redactions from the tagger's `spans` over `text`.

    `layout` is what the layout parser read of the 绩效目标表 (rows group spans; its goal rows
    give goal texts); `goals` are (project name, goal text) pairs read from prose; a PROJECT
    span inside one of the `not_projects` ranges (`item_tables`) names no project.
    """
    spans = _not_prose_names(text, _not_item_names(text, spans, sorted(not_projects)))
    ordered = _described_projects(text, sorted(spans, key=lambda s: (s.start, s.end)))
    trusted = _trusted_tables(ordered, layout)
    used = frozenset().union(*(t.used for t in trusted))
    events: list[tuple[int, Span | _Trusted | _Named]] = [(t.table.title.start, t) for t in trusted]
    events += [(s.start, s) for n, s in enumerate(ordered) if n not in used]
    events += [(n.start, n) for n in _form_names(text, ordered)]
    line_fields: dict[int, set[str]] = {}
    lines = LineStarts(text)
    for n, s in enumerate(ordered):
        if n not in used and s.label in FIELD_OF:
            line_fields.setdefault(lines.start_of(s.start), set()).add(FIELD_OF[s.label])
        elif n not in used and s.label == "REDACTED":  # a withheld cell: a value of its row
            line_fields.setdefault(lines.start_of(s.start), set()).add("withheld")
    # a piece of the department's (or a unit's) name that names no fund is no project
    # ("石林彝 族自治" tagged in a form's 实施单位 cell)
    units = {name_key(s.text) for s in ordered if s.label == "DEPT"}
    builder = _Builder(text, line_fields, lines, units)
    for _, event in sorted(events, key=lambda e: e[0]):
        if isinstance(event, _Trusted):
            builder.layout_table(event)
        elif isinstance(event, _Named):
            builder.form_name(event)
        elif event.label == "PROJECT":
            builder.project(event)
        elif event.label in FIELD_OF or event.label == "REDACTED":
            builder.cell(event)
    builder.flush()
    goal_texts = [(t.project, t.goal.text) for t in layout if t.goal is not None]
    for name, goal in [*goal_texts, *goals]:
        p = builder.projects.get(name_key(name))
        if p is None or not goal:
            continue
        if (m := redaction_marker(goal)) is not None:
            p.goal_marker = p.goal_marker or m
        elif p.goal is None:
            p.goal = goal
    return _record_lists(builder)


@dataclass(frozen=True)
class _Named:
    name: str  # a project's name as the tagger found it elsewhere
    start: int  # where the form's 项目名称 line starts


# A project form's name line: 项目名称, then the name up to the next label of the form.
_FORM_NAME = re.compile(r"项目名称[ \t:：]*(.*)")
_FORM_LABELS = re.compile(r"主管部门|实施单位|项目资金|预算单位|项目负责人")


def _form_names(text: str, spans: Sequence[Span]) -> list[_Named]:
    """The 项目名称 lines of project forms whose name (spaces out: "调研 课题项 目") is, or
    begins, the name of a PROJECT span of the document: where each form starts."""
    names: dict[str, str] = {}
    for s in spans:
        if s.label == "PROJECT" and len(key := name_key(s.text)) >= 4:
            names.setdefault(key, project_name(s.text))
    out = []
    for m in _FORM_NAME.finditer(text):
        said = name_key(_FORM_LABELS.split(m.group(1))[0])
        if len(said) < 4:
            continue
        found = [n for k, n in names.items() if said.startswith(k) or k.startswith(said)]
        if len(found) == 1:
            out.append(_Named(found[0], m.start()))
    return out


def _not_item_names(
    text: str, spans: Sequence[Span], items: Sequence[tuple[int, int]]
) -> list[Span]:
    """`spans` without the PROJECT spans that name a budget item, not a project: those inside
    a budget-item table (`item_tables`), and every span of a name found in one unless the
    name is also stated as a project is — titled (…绩效目标表), as a listed item ("1、XX经费：
    …") or in a sentence ("…检察教育培训费等项目支出"). A table's rows that a PDF-to-text tool
    printed before its title lie outside its range, and are no projects either, nor is a name
    on a 政府采购 row that no region holds (`_procurement_row`)."""
    in_items: set[str] = set()
    stated: set[str] = set()
    item_spans: set[int] = set()  # ids of the spans on a budget-item row
    for s in spans:
        if s.label != "PROJECT":
            continue
        key = name_key(project_name(s.text))
        if _inside(s.start, items) or _procurement_row(text, s):
            in_items.add(key)
            item_spans.add(id(s))
        elif re.match(r"\s*(?:[:：]|(?:项目)?绩效目标)", text[s.end : s.end + 12]) or _sentence(
            text, s
        ):
            stated.add(key)
    unstated = in_items - stated
    return [
        s
        for s in spans
        if s.label != "PROJECT"
        or not (id(s) in item_spans or name_key(project_name(s.text)) in unstated)
    ]


# What may follow a name that a list item, a title or a sentence states as a project.
_STATED_AFTER = re.compile(r"\s*(?:[:：]|(?:项目)?绩效目标|等?(?:\d+个)?(?:项目|专项))")


def _not_prose_names(text: str, spans: Sequence[Span]) -> list[Span]:
    """`spans` without the PROJECT spans in the middle of a prose sentence (sentence text
    before them on their line) that name no fund (…经费, …费, …项目: `is_fund_name`), whose
    name the document states nowhere else and that nothing after them states as a project (a
    colon, 绩效目标, 等项目). Projects are named in titles, project lists and 分项绩效目标
    items, in prose where they name a fund (SCHEMA.md); a phrase of running prose the tagger
    took for a name ("全面检查与重点抽查相结合", in a paragraph of work goals) is none."""
    keys = [name_key(project_name(s.text)) if s.label == "PROJECT" else "" for s in spans]
    named = Counter(k for k in keys if k)
    out = []
    for s, key in zip(spans, keys, strict=True):
        if s.label == "PROJECT" and named.get(key, 0) == 1:
            before = text[text.rfind("\n", 0, s.start) + 1 : s.start]
            if (
                re.search(r"[，。；]", before)
                and not is_fund_name(project_name(s.text))
                and not _STATED_AFTER.match(text, s.end)
            ):
                continue
        out.append(s)
    return out


def _described_projects(text: str, ordered: list[Span]) -> list[Span]:
    """`ordered` (sorted by start) with each PROJECT span that follows a 三级指标 on its line,
    no other cell between, read as that row's 绩效指标描述: a description that restates the
    project's name ("电子政务内网运维企业满意度" after 企业满意度) is a cell of the row, and
    names no project (nor moves the rows after it to one)."""
    out = list(ordered)
    for n, s in enumerate(ordered):
        if s.label != "PROJECT" or n == 0:
            continue
        prev = ordered[n - 1]
        if prev.label == "IND_L3" and "\n" not in text[prev.end : s.start]:
            out[n] = replace(s, label="IND_DESC")
    return out


_PROCUREMENT_METHOD = re.compile(r"政府集中采购|部门集中采购|分散自行组织|分散采购|自行采购")


def _procurement_row(text: str, span: Span) -> bool:
    """Whether `span` is on a 政府采购 table row (its line or the next names a procurement
    method): for a table whose title was lost or printed after its rows."""
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    end = text.find("\n", end + 1) if end >= 0 else -1
    return bool(_PROCUREMENT_METHOD.search(text[start : end if end >= 0 else len(text)]))


def _sentence(text: str, span: Span) -> bool:
    """Whether `span` lies in prose: its line has sentence punctuation (a table row has none)."""
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    line = text[start : end if end >= 0 else len(text)]
    return bool(re.search(r"[，。；、]", line))


def _inside(pos: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether `pos` lies in one of the sorted, non-overlapping `ranges`."""
    k = bisect_right(ranges, (pos, float("inf"))) - 1
    return k >= 0 and ranges[k][0] <= pos < ranges[k][1]


def _record_lists(builder: _Builder) -> Assembled:
    projects: list[Project] = []
    indicators: list[Indicator] = []
    redactions: list[Redaction] = []
    for key in builder.order:
        p = builder.projects[key]
        if key and _fragment(key, p, builder):
            continue
        if key:
            redacted = p.goal_marker is not None or p.indicator_marker is not None
            goal = p.goal_marker if p.goal_marker is not None else p.goal
            projects.append(Project(name=p.name, redacted=redacted, goal=goal))
            if p.goal_marker is not None:
                redactions.append(Redaction(project=p.name, scope="goal", marker=p.goal_marker))
            if p.indicator_marker is not None:
                redactions.append(
                    Redaction(project=p.name, scope="indicators", marker=p.indicator_marker)
                )
        for row in p.rows:
            marker = row.pop("_marker")
            indicators.append(
                Indicator(
                    project=p.name or None,
                    redacted=marker is not None,
                    target_parsed=parse_target(row.get("target")),
                    **row,
                )
            )
    return Assembled(projects, indicators, redactions)
