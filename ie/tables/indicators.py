"""Indicator tables: a `Document` in, the 绩效目标表 it holds out, as `IndicatorTable`s.

One table per project: the title (`N、XXX绩效目标表`, `XXX项目绩效目标表`, or a generic title
followed by a 项目名称 row), the goal (绩效目标 row) and rows of six cells — 一级指标, 二级指标,
三级指标, 绩效指标描述, 指标值, 指标值确定依据 — each with its offsets into `Document.text`.

Layouts read (via `ie.segment.document_rows` when present, else text lines):

- ``tab`` / ``space`` rows: cells go to the header column with the same index / under the same
  x-range; a row with few cells and no 一级/二级 term continues the row above (a wrapped cell).
- ``pdf`` rows: as above by x-range; a continuation line joins the nearest row start
  vertically, so vertically centred single-line cells and wrapped cells line up.
- ``line`` (one cell per line, a flattened table): rows are found at 一级/二级指标 terms, and
  the lines between them are split into 三级/描述/指标值/依据 cells by scoring every split
  (targets look like ≥95%, 12月31日前; bases like 文号, 标准, 经验).

An empty 一级/二级 cell means "same as above" (merged cells); a missing 一级 is inferred from
the 二级 term (数量指标 → 产出指标 …). Cells holding only a redaction marker keep it. A 度量单位
column is appended to the 指标值, and a 指标性质 column's comparison (≥, 大于等于) put before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise, takewhile

from ie.ingest import Document
from ie.lexicon import REDACTION_MARKERS, data_lines
from ie.schema import TargetParsed
from ie.segment import Row, document_rows, grid_width
from ie.text import display_width, squash

FIELDS: tuple[str, ...] = ("level1", "level2", "level3", "description", "target", "basis")

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,40}>")
_CJK = r"\u3400-\u9fff"
#: A leading item number of a title or cell: 1、 (1) （一） 一、
ENUMERATOR = re.compile(
    r"^(?:\d+\s*[、.．]|[（(][\d一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)"
)
# 绩效目标表, or the national project form's 绩效目标申报表 / 绩效目标填报表 (generic: its
# 项目名称 row names the project)
_TITLE = re.compile(r"^(?P<name>.*?)绩效目标(?:申报|填报)?表(?:[（(][^）)]{0,12}[）)])?$")
# Generic titles name no project; the 项目名称 row does.
_GENERIC = re.compile(
    r"^(?:\d{4}年度?)?(?:部门)?(?:预算)?(?:财政)?(?:项目支出|项目|专项资金|专项)?$"
)
_NOT_PROJECT = re.compile(r"整体|部门预算$|^部门")
_REGION_STOP = re.compile(
    r"^(?:[一二三四五六七八九十]+、\S{2,30}$|第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十]+[）)]\S{2,20}$)"
)
_L1_INFER = (
    (re.compile(r"^(?:经济|社会|生态环境)成本指标$"), "成本指标"),
    (re.compile(r"^(?:数量|质量|时效|成本)指标$"), "产出指标"),
    (re.compile(r"效益指标$|可持续影响指标$"), "效益指标"),
    (re.compile(r"满意度指标$"), "满意度指标"),
)
# Header cell → field; the first matching test wins (依据 before 指标值).
_HEADER_TESTS: tuple[tuple[str, str], ...] = (
    ("依据", "basis"),
    ("一级", "level1"),
    ("二级", "level2"),
    ("三级", "level3"),
    ("描述", "description"),
    ("指标内容", "description"),
    ("计量单位", "unit"),
    ("度量单位", "unit"),
    # a column of comparison symbols (≥ ≤ =) printed apart from the 指标值
    ("指标性质", "op"),
    ("运算符", "op"),
    ("计算符号", "op"),
    ("指标值", "target"),
    ("目标值", "target"),
)
_GOAL_LABEL = re.compile(r"^(?:年度|项目|总体|预期){0,2}(?:绩效)?目标(?:内容)?$|^绩效目标")
_DATE = re.compile(r"(?:19|20)\d\d\s*年(?!\s*[以内])|\d{1,2}\s*月|\d{1,2}\s*日|年底|年末|月底")
_NUMBER = re.compile(r"\d[\d,，]*(?:\.\d+)?")
_OPS = (
    (">=", "≥"), ("<=", "≤"), ("≥", "≥"), ("≧", "≥"), ("≤", "≤"), ("≦", "≤"), ("＞", ">"),
    ("＜", "<"), (">", ">"), ("<", "<"), ("＝", "="), ("=", "="),
)  # fmt: skip
_UNIT = re.compile(rf"^\s*(%|％|‰|[A-Za-z{_CJK}㎡²³/／·.]{{1,10}})")
_UNIT_CUT = re.compile(r"(?:及以上|以上|以下|以内|之内|左右|内|前|后|办结|完成|及时|/年$)")
_BASIS_WORDS = re.compile(
    r"〔|\[|【|号|文件|依据|标准|经验|办法|规定|规划|方案|计划|要求|政策|制度|通知|意见|合同|"
    r"预算|测算|实际|历史|考核|部署|职责|法|条例|目标|《|批复|纪要|总结|水平|情况|统计|调查|要点"
)
RE_TARGET = re.compile(
    r"^(?:[≥≤><=＞＜≧≦]|>=|<=)\s*\d"
    r"|^\d+(?:\.\d+)?\s*(?:%|％|‰)$"
    r"|^(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*(?:\d{1,2}\s*日\s*)?(?:前|之前|底前|底|内|以前)?$"
    r"|^\d+(?:\.\d+)?\s*[\u4e00-\u9fff/]{1,6}$"
)


@dataclass(frozen=True, slots=True)
class SourceText:
    """A cleaned cell or title text and the `[start, end)` span it came from in the source."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator: the six cells (None where the table has no such column or cell)."""

    level1: SourceText | None
    level2: SourceText | None
    level3: SourceText | None
    description: SourceText | None
    target: SourceText | None
    basis: SourceText | None

    @property
    def marker(self) -> str | None:
        """The redaction marker of the first withheld cell, or None."""
        for f in FIELDS:
            cell = getattr(self, f)
            if cell is not None and (m := redaction_marker(cell.text)):
                return m
        return None

    @property
    def redacted(self) -> bool:
        return self.marker is not None

    @property
    def target_parsed(self) -> TargetParsed:
        return parse_target(self.target.text if self.target else None)

    def values(self) -> dict[str, str | None]:
        """The six cell texts by field name."""
        return {f: (c.text if (c := getattr(self, f)) is not None else None) for f in FIELDS}


@dataclass(frozen=True, slots=True)
class IndicatorTable:
    """One 绩效目标表: project name, title span, goal and indicator rows."""

    project: str
    title: SourceText
    goal: SourceText | None
    rows: tuple[IndicatorRow, ...] = field(default=())
    # how the rows were read: "pdf" (character boxes), "tab", "space" (columns by position),
    # "line" (one line per row, cells by order) or "flat" (one cell per line, cut by scoring)
    layout: str = ""

    @property
    def goal_marker(self) -> str | None:
        """The marker when the goal text is withheld (`1.不公开`), else None."""
        return redaction_marker(self.goal.text) if self.goal else None

    @property
    def indicator_marker(self) -> str | None:
        """The marker of the first withheld indicator cell, or None."""
        return next((m for r in self.rows if (m := r.marker)), None)


# --- small text helpers ---------------------------------------------------------------------


def clean_text(text: str, *, all_gaps: bool = False) -> str:
    """Cell text as printed minus HTML tags (`<p>`) and wrap whitespace (a line break and the
    spaces around it) unless it separates two ASCII words; with `all_gaps`, every gap that is
    not between two ASCII words goes too (goal texts: `。 2.` → `。2.`)."""
    text = _TAG.sub("\n" if not all_gaps else " ", text).strip()
    gap = re.compile(r"\s+" if all_gaps else r"[ \t\u3000]*\n\s*")
    return gap.sub(lambda m: _join_gap(text, m), text)


def _join_gap(text: str, m: re.Match[str]) -> str:
    before = text[m.start() - 1] if m.start() else ""
    after = text[m.end()] if m.end() < len(text) else ""
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return " "
    return ""


def redaction_marker(text: str) -> str | None:
    """The marker when `text` holds nothing but a redaction marker (optionally numbered, as in
    `1.不公开。`), else None."""
    key = ENUMERATOR.sub("", squash(text)).strip("。.；;，,、:：")
    key = re.sub(r"^\d+[.、．]", "", key)
    for marker in REDACTION_MARKERS:
        if key == marker:
            return marker
    return None


def parse_target(target: str | None) -> TargetParsed:
    """`target_parsed` of an 指标值 per SCHEMA.md: the comparison symbol written (>= read as ≥),
    the number, the unit as written; nulls for dates, text targets and withheld cells.

    >>> parse_target("≤350 元/人/天")
    TargetParsed(op='≤', value=350.0, unit='元/人/天')
    >>> parse_target("12月31日前")
    TargetParsed(op=None, value=None, unit=None)
    """
    if not target or redaction_marker(target):
        return TargetParsed()
    text = target.strip()
    if _DATE.search(text):
        return TargetParsed()
    op = None
    for written, symbol in _OPS:
        if text.startswith(written):
            op, text = symbol, text[len(written) :].lstrip()
            break
    m = _NUMBER.search(text)
    if m is None:
        return TargetParsed(op=op)
    value = float(re.sub(r"[,，]", "", m.group()))
    unit = None
    if um := _UNIT.match(text[m.end() :]):
        unit = _UNIT_CUT.split(um.group(1), maxsplit=1)[0].strip() or None
    return TargetParsed(op=op, value=value, unit=unit)


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    """The [L1], [L2] and [HEADER] terms of `ie/data/indicator_terms.txt`."""
    sections: dict[str, set[str]] = {}
    section = ""
    for line in data_lines("indicator_terms.txt"):
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        else:
            sections.setdefault(section, set()).add(line)
    return {k: frozenset(v) for k, v in sections.items()}


def is_level1(text: str) -> bool:
    """Whether `text` is a 一级指标 term (产出指标, 效益指标, 满意度指标, 成本指标…)."""
    return squash(text) in vocabulary().get("L1", frozenset())


def is_level2(text: str) -> bool:
    """Whether `text` is a 二级指标 term (数量指标 … 服务对象满意度指标), vocabulary or shape."""
    key = squash(text)
    return key in vocabulary().get("L2", frozenset()) or bool(
        re.fullmatch(rf"[{_CJK}]{{0,8}}(?:效益|满意度|成本|影响)指标", key)
    )


def infer_level1(level2: str) -> str | None:
    """The 一级指标 a 二级指标 belongs to in the standard framework, or None."""
    key = squash(level2)
    for pattern, level1 in _L1_INFER:
        if pattern.search(key):
            return level1
    return None


def looks_like_target(text: str) -> bool:
    """Whether `text` reads like an 指标值: ≥95%, 100%, 12月31日前, 1 次, 20万元."""
    return bool(RE_TARGET.search(squash(text)))


# --- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cell:
    text: str
    start: int
    end: int
    x0: float
    x1: float
    page: int = 1
    top: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True, slots=True)
class _Row:
    cells: tuple[_Cell, ...]
    layout: str
    page: int = 1
    top: float = 0.0
    bottom: float = 0.0

    @property
    def key(self) -> str:
        return squash("".join(c.text for c in self.cells))


def _rows(doc: Document, rows: Sequence[Row] | None = None) -> list[_Row]:
    """The document's rows: a PDF's rows rebuilt from character boxes (`ie.segment`'s
    `document_rows`, passed in by the pipeline so they are built once), else tab /
    multi-space / single-cell text rows."""
    has_boxes = doc.boxes is not None and any(b is not None for b in doc.boxes)
    if has_boxes:
        return [
            _Row(
                tuple(
                    _Cell(c.text, c.start, c.end, c.x0, c.x1, c.page, c.top, c.bottom)
                    for c in row.cells
                ),
                row.layout,
                row.page,
                row.top,
                row.bottom,
            )
            for row in (rows if rows is not None else document_rows(doc))
        ]
    width = grid_width(doc)
    return [
        r for line in doc.lines if (r := _text_row(line.text, line.start, line.page_number, width))
    ]


def _text_row(
    line: str, start: int, page: int, width: Callable[[str], int] = display_width
) -> _Row | None:
    """A text line's cells; in layout text a cell's x is its column as `width` counts the
    line (`ie.segment.grid_width`: by character for pdftotext/pdfplumber layout text, whose
    CJK characters take one column each, so a wrapped cell's next line stands under it)."""
    if not line.strip():
        return None
    layout = (
        "tab" if "\t" in line else "space" if re.search(r"\S(?: {2,}|\u3000+)\S", line) else "line"
    )
    sep = re.compile(
        r"\t" if layout == "tab" else r"(?: {2,}|\u3000+)" if layout == "space" else r"$^"
    )
    cells, pos, col = [], 0, 0
    for m in [*sep.finditer(line), None]:
        end = m.start() if m else len(line)
        part = line[pos:end]
        if part.strip():
            lead = len(part) - len(part.lstrip())
            text = part.strip()
            x0 = col if layout == "tab" else width(line[: pos + lead])
            x1 = col + 1 if layout == "tab" else x0 + width(text)
            cells.append(
                _Cell(text, start + pos + lead, start + pos + lead + len(text), x0, x1, page)
            )
        if m:
            pos, col = m.end(), col + 1
    return _Row(tuple(cells), layout, page) if cells else None


# --- tables ---------------------------------------------------------------------------------


def indicator_tables(doc: Document, rows: Sequence[Row] | None = None) -> list[IndicatorTable]:
    """Every 绩效目标表 in `doc`, in document order. Tables without a project name (部门整体
    绩效目标表) are skipped. `rows` are `ie.segment.document_rows(doc)` when the caller has
    them (a PDF's rows are read from them; a text's are split here)."""
    rows = _rows(doc, rows)
    titles = [(i, name) for i, row in enumerate(rows) if (name := _title_name(row)) is not None]
    out: list[IndicatorTable] = []
    for n, (i, name) in enumerate(titles):
        stop = titles[n + 1][0] if n + 1 < len(titles) else len(rows)
        region = rows[i + 1 : stop]
        for k, row in enumerate(region):
            if k and _REGION_STOP.match(row.key) and len(row.cells) == 1:
                region = region[:k]
                break
        region = region[:400]
        title_cell = rows[i].cells[0]
        title = SourceText(name, title_cell.start, rows[i].cells[-1].end)
        if _GENERIC.match(name) or not name:
            named = _project_name_row(region)
            if named is None:
                continue
            title = named
        if _NOT_PROJECT.search(title.text):
            continue
        goal, body = _goal_and_body(region)
        rows_read, layout = _parse_body(body)
        out.append(IndicatorTable(title.text, title, goal, tuple(rows_read), layout))
    return out


def _title_name(row: _Row) -> str | None:
    """The project name a title row gives (possibly "" for a generic title), or None."""
    if len(row.cells) > 2:
        return None
    key = row.key
    if (
        not key.endswith(("绩效目标表", "目标申报表", "目标填报表", "）", ")"))
        or "《" in key
        or re.search(r"[.…·]{3}", key)
    ):
        return None
    m = _TITLE.match(ENUMERATOR.sub("", key))
    if m is None:
        return None
    name = re.sub(r"^\d{4}年度?", "", m.group("name")).strip("：:")
    # "…业务费项目绩效目标表": 项目 belongs to the title (项目绩效目标表) when the name already
    # ends as a fund does ("…项目项目" too); "设备购置项目" keeps it, the fund is named by it
    return re.sub(r"(?:(?<=[费金项])|(?<=项目))项目$", "", name)


def _project_name_row(region: Sequence[_Row]) -> SourceText | None:
    """The name a 项目名称 cell gives: the rest of its cell, the next cell, or (one cell per
    line) the next line."""
    for n, row in enumerate(region[:8]):
        for k, cell in enumerate(row.cells):
            if squash(cell.text).startswith("项目名称"):
                rest = squash(cell.text)[4:].lstrip(":：")
                if rest:
                    return SourceText(rest, cell.start, cell.end)
                if k + 1 < len(row.cells):
                    nxt = row.cells[k + 1]
                else:  # one cell per line: the next lines up to the form's next label
                    lines = [
                        r.cells[0]
                        for r in takewhile(
                            lambda r: len(r.cells) == 1 and not _FORM_LABEL.match(r.key),
                            region[n + 1 : n + 5],
                        )
                    ]
                    if not lines:
                        return None
                    text = clean_text("\n".join(c.text for c in lines))
                    return SourceText(text, lines[0].start, lines[-1].end)
                return SourceText(clean_text(nxt.text), nxt.start, nxt.end)
    return None


# The labels of the project form's header block after 项目名称.
_FORM_LABEL = re.compile(
    r"^(?:主管部门|实施单位|项目资金|项目单位|预算单位|年度|总体目标|绩效目标|一级指标)"
)


def _goal_and_body(region: Sequence[_Row]) -> tuple[SourceText | None, list[_Row]]:
    """The goal (cells after the 绩效目标 label up to the header) and the rows from the
    header on."""
    header = next((k for k, r in enumerate(region) if "一级指标" in r.key), None)
    if header is None:
        header = len(region)
    goal_cells: list[_Cell] = []
    collecting = False
    for n, row in enumerate(region[:header]):
        for k, cell in enumerate(row.cells):
            key = squash(cell.text)
            if not collecting and (
                (_GOAL_LABEL.match(key) and len(key) <= 8) or key.startswith("绩效目标")
            ):
                collecting = True
                # the label and its text in one cell ("绩效目标 保密": a narrow gap between)
                # the label and its text in one cell ("绩效目标 保密": a narrow gap between)
                rest = re.sub(r"^(?:年度|项目)?绩效目标(?:内容)?[:：]?", "", key)
                if rest:
                    goal_cells.append(cell)
                prev = region[n - 1] if n else None
                if (
                    prev is not None
                    and prev.layout == "pdf" == row.layout
                    and all(c.x0 > cell.x1 for c in prev.cells)
                ):
                    # a PDF goal cell centred on its label starts on the line above it
                    goal_cells.extend(prev.cells)
                goal_cells.extend(row.cells[k + 1 :])
                break
        else:
            if collecting and row.cells and not squash(row.cells[0].text).startswith("绩效指标"):
                goal_cells.extend(row.cells)
    goal = None
    if goal_cells:
        text = clean_text(" ".join(c.text for c in goal_cells), all_gaps=True)
        text = re.sub(r"^(?:年度|项目)?绩效目标[:：]?", "", text)
        if text:
            goal = SourceText(text, goal_cells[0].start, goal_cells[-1].end)
    return goal, list(region[header:])


_HEADER_WORDS = re.compile(
    r"一级指标|二级指标|三级指标|绩效指标描述|指标值确定依据|指标值|指标描述"
)


def _split_header_cell(cell: _Cell) -> list[_Cell]:
    """A header cell that holds several header words (`三级指标 绩效指标描述 指标值`: cells
    closer than the splitter's gap) as one cell per word, x positions shared out by length."""
    words = list(_HEADER_WORDS.finditer(cell.text))
    if len(words) < 2 or squash(cell.text) != "".join(m.group() for m in words):
        return [cell]
    per = (cell.x1 - cell.x0) / max(1, len(cell.text))
    return [
        replace(
            cell,
            text=m.group(),
            start=cell.start + m.start(),
            end=cell.start + m.end(),
            x0=cell.x0 + per * m.start(),
            x1=cell.x0 + per * m.end(),
        )
        for m in words
    ]


def _header_columns(row: _Row) -> list[tuple[_Cell, str]]:
    out = []
    for cell in (c for whole in row.cells for c in _split_header_cell(whole)):
        key = squash(cell.text)
        label = next((f for word, f in _HEADER_TESTS if word in key), None)
        out.append((cell, label or "other"))
    return out


def _parse_body(body: Sequence[_Row]) -> tuple[list[IndicatorRow], str]:
    """The table's rows, and how they were read (`IndicatorTable.layout`)."""
    if not body:
        return [], ""
    head = body[0]
    if len(head.cells) == 1 and squash(head.cells[0].text) == "一级指标":
        return _parse_flat(body), "flat"
    rest = list(body[1:])
    if head.layout in ("pdf", "space"):
        head, rest = _merge_wrapped_header(head, rest)
    columns = _header_columns(head)
    labelled = [(c, f) for c, f in columns if f != "other"]
    if not any(f == "level2" for _, f in labelled):
        return [], head.layout
    # A header wrapped over two lines (指标值确定 / 依据): skip rows of header words only
    # (counted, then cut once: a pop(0) per row is quadratic in a long run of them).
    skip = 0
    while (
        skip < len(rest)
        and not any(_term_in(rest[skip]))
        and all(
            any(w in squash(c.text) for w in ("指标", "依据", "描述", "单位", "值"))
            for c in rest[skip].cells
        )
    ):
        skip += 1
    return _parse_grid(rest[skip:], columns, head.layout), head.layout


def _is_header_tail(row: _Row, head: _Row) -> bool:
    """Whether `row` holds only the wrapped tails of header cells (`值`, `据` under `指标`,
    `指标值确定依`): short pieces without terms or digits, each under a header cell, printed
    directly below the header line."""
    if row.page != head.page or not row.cells:
        return False
    height = max(1.0, head.bottom - head.top)
    if row.top - head.bottom > 1.2 * height:
        return False
    for cell in row.cells:
        key = squash(cell.text)
        if len(key) > 4 or re.search(r"\d", key) or is_level1(key) or is_level2(key):
            return False
        if not any(_overlap(cell, h) > 0 for h in head.cells):
            return False
    return True


def _overlap(a: _Cell, b: _Cell) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _merge_wrapped_header(head: _Row, rest: list[_Row]) -> tuple[_Row, list[_Row]]:
    """A PDF header whose cells wrap inside narrow columns (`指标` / `值`) as one header row:
    each tail piece joins the header cell it overlaps most in x. Returns the header and the
    rows after it."""
    cells = list(head.cells)
    while rest and _is_header_tail(rest[0], head):
        for piece in rest[0].cells:
            k = max(range(len(cells)), key=lambda i: _overlap(piece, cells[i]))
            c = cells[k]
            cells[k] = replace(
                c,
                text=squash(c.text) + squash(piece.text),
                end=max(c.end, piece.end),
                x0=min(c.x0, piece.x0),
                x1=max(c.x1, piece.x1),
                bottom=max(c.bottom, piece.bottom),
            )
        head = replace(head, cells=tuple(cells), bottom=rest[0].bottom)
        rest = rest[1:]
    return head, rest


def _aligned(rows: Sequence[_Row], columns: list[tuple[_Cell, str]]) -> bool:
    """Whether the cells of `rows` sit under the header cells: each starts at a header cell's
    start or centres on a header cell's centre (left-aligned or centred columns), within one
    character."""
    if not columns:
        return False
    tol = max(1.0, min((c.x1 - c.x0) / max(1, len(squash(c.text))) for c, _ in columns))
    starts = [c.x0 for c, _ in columns]
    centres = [(c.x0 + c.x1) / 2 for c, _ in columns]
    cells = [c for r in rows[:60] for c in r.cells if "一级指标" not in r.key]
    if not cells:
        return True
    hits = sum(
        1
        for c in cells
        if min(abs(c.x0 - x) for x in starts) <= tol
        or min(abs((c.x0 + c.x1) / 2 - x) for x in centres) <= tol
    )
    return hits == len(cells)


def _term_in(row: _Row) -> list[bool]:
    return [is_level1(c.text) or is_level2(c.text) for c in row.cells]


def _assign(row: _Row, columns: list[tuple[_Cell, str]], layout: str) -> dict[str, list[_Cell]]:
    """Cells of a data row by field: same column index (tab) or nearest header column."""
    out: dict[str, list[_Cell]] = {}
    if layout == "tab":
        by_col = {int(c.x0): f for c, f in columns}
        for cell in row.cells:
            f = by_col.get(int(cell.x0))
            if f and f != "other":
                out.setdefault(f, []).append(cell)
        return out
    if (
        layout == "space"
        and not _aligned([row], columns)
        and (seq := _assign_in_order(row, columns)) is not None
    ):
        # positions drift (spaces added inside cells push later cells right): read in order;
        # PDF rows keep their geometry (measured: reading them in order lost more than it won)
        return seq
    centres = [((c.x0 + c.x1) / 2, f) for c, f in columns]
    bounds = [(a[0] + b[0]) / 2 for a, b in pairwise(centres)]
    for cell in row.cells:
        cx = (cell.x0 + cell.x1) / 2
        k = sum(1 for b in bounds if cx >= b)
        f = centres[k][1]
        if f != "other":
            out.setdefault(f, []).append(cell)
    return out


def _split_leading_terms(cells: list[_Cell]) -> list[_Cell]:
    """Split 一级/二级 terms off the front of a cell that swallowed them (`满意度指标
    服务对象满意度指标 代表委员满意度`: cells closer together than the splitter's gap)."""
    vocab = vocabulary()
    terms = vocab.get("L1", frozenset()) | vocab.get("L2", frozenset())
    out: list[_Cell] = []
    for k, cell in enumerate(cells):
        if k > 1 or len(out) > k:  # only the first cells of a row hold the terms
            out.append(cell)
            continue
        text, cur = cell.text, cell
        while True:
            seen, cut = "", None
            for i, ch in enumerate(text):
                if ch.isspace():
                    if seen in terms and text[i:].strip():
                        cut = i
                    if cut is not None:
                        break
                    continue
                seen += ch
                if len(seen) > 12:
                    break
            if cut is None:
                out.append(cur)
                break
            rest = len(text) - len(text[cut:].lstrip())
            out.append(replace(cur, text=text[:cut].strip(), end=cur.start + cut))
            cur = replace(cur, text=text[rest:], start=cur.start + rest)
            text = cur.text
    return out


def _assign_in_order(row: _Row, columns: list[tuple[_Cell, str]]) -> dict[str, list[_Cell]] | None:
    """Cells of a space-separated row by their order rather than their x position: spaces
    that PDF-to-text or OCR add inside cells push later cells right, so positions drift.
    一级/二级 terms anchor the row's start; the other cells fill the last columns (merged
    一级/二级 cells are the ones left empty). None for a row with too few cells to be a row
    start (a wrapped cell's next line), which only its position can place."""
    fields = [f for _, f in columns]
    cells = _split_leading_terms(list(row.cells))
    col = 0
    out: dict[str, list[_Cell]] = {}
    while cells and col < len(fields):
        key = cells[0].text
        term = "level1" if is_level1(key) else "level2" if is_level2(key) else ""
        if (
            term == "level1"
            and is_level2(key)
            and not (len(cells) > 1 and is_level2(cells[1].text))
        ):
            term = "level2"  # 成本指标 is 一级 (2021 framework) only with a 二级 term after it
        if not term or term not in fields[col:]:
            break
        col = fields.index(term, col)
        out[term] = [cells.pop(0)]
        col += 1
    rest = [f for f in fields[col:] if f not in ("level1", "level2")]
    if not rest or (not out and len(cells) < len(rest) - 1):
        return None
    if len(cells) > len(rest):  # more cells than columns: the extra ones wrap the last cell
        cells = [*cells[: len(rest) - 1], *[c for c in cells[len(rest) - 1 :]]]
        head, tail = cells[: len(rest) - 1], cells[len(rest) - 1 :]
        for f, c in zip(rest, head, strict=False):
            out.setdefault(f, []).append(c)
        out.setdefault(rest[-1], []).extend(tail)
    else:
        for f, c in zip(rest[len(rest) - len(cells) :], cells, strict=True):
            out.setdefault(f, []).append(c)
    return {f: cs for f, cs in out.items() if f != "other"}


def _parse_grid(
    rows: list[_Row], columns: list[tuple[_Cell, str]], layout: str
) -> list[IndicatorRow]:
    fields_present = [f for _, f in columns if f not in ("other", "level1", "level2")]
    groups: list[list[tuple[_Row, dict[str, list[_Cell]]]]] = []
    pending: list[tuple[_Row, dict[str, list[_Cell]]]] = []
    if layout == "pdf":
        return _rows_from_groups(_pdf_bands(rows, columns), joiner="")
    for row in rows:
        if "一级指标" in row.key:  # a header repeated on a new page
            continue
        cells = _assign(row, columns, layout)
        if not cells:
            continue
        filled = sum(1 for f in fields_present if f in cells)
        has_level2 = any(is_level2(c.text) for c in cells.get("level2", []))
        only_level1 = set(cells) == {"level1"}
        starts = has_level2 or filled >= max(2, len(fields_present) - 1)
        if starts or (only_level1 and row.layout != "pdf"):
            groups.append([(row, cells)])
        elif row.layout == "pdf":
            pending.append((row, cells))
        elif groups:
            groups[-1].append((row, cells))
    if pending and groups:
        # A continuation line joins the row start nearest to it on the page.
        for row, cells in pending:
            same = [g for g in groups if g[0][0].page == row.page] or groups
            cy = (row.top + row.bottom) / 2
            nearest = min(same, key=lambda g: abs((g[0][0].top + g[0][0].bottom) / 2 - cy))
            nearest.append((row, cells))
        for g in groups:
            g.sort(key=lambda rc: (rc[0].page, rc[0].top))
    return _rows_from_groups(groups)


_Group = list[tuple[_Row, dict[str, list[_Cell]]]]


def _rows_from_groups(groups: Sequence[_Group], joiner: str = "\n") -> list[IndicatorRow]:
    """One IndicatorRow per group of physical rows: each field's pieces joined in order."""
    out: list[IndicatorRow] = []
    carry: dict[str, SourceText | None] = {"level1": None, "level2": None}
    for group in groups:
        merged: dict[str, list[_Cell]] = {}
        for _, cells in group:
            for f, cs in cells.items():
                merged.setdefault(f, []).extend(cs)
        values = {f: _join(cs, joiner) for f, cs in merged.items() if f not in ("level1", "level2")}
        for f in ("level1", "level2"):
            # a merged cell's text may sit on a line of its own next to two row starts: one term
            terms = [c for c in merged.get(f, []) if is_level1(c.text) or is_level2(c.text)]
            if terms or merged.get(f):
                values[f] = _join(terms[:1] or merged[f], joiner)
        out.append(_make_row(values, carry))
    return [r for r in out if any(getattr(r, f) for f in FIELDS[2:])]


def _join(cells: list[_Cell], joiner: str = "\n") -> SourceText:
    """Cells' texts as one cell; `joiner=""` glues PDF pieces wrapped inside a column as
    printed (no space between `≥9` and `5%`)."""
    text = joiner.join(c.text.strip() for c in cells)
    return SourceText(
        squash(text)
        if joiner == "" and not re.search(r"[A-Za-z]\s+[A-Za-z]", text)
        else clean_text(text),
        min(c.start for c in cells),
        max(c.end for c in cells),
    )


# --- PDF rows: physical lines grouped into row bands ----------------------------------------

_BAND_LINES = 14  # the most physical lines one logical row may take; bounds the search


def _pdf_bands(rows: Sequence[_Row], columns: list[tuple[_Cell, str]]) -> list[_Group]:
    """Group the physical lines of a PDF table into logical rows (bands).

    Cells wrap inside their column and are centred (or top-aligned) in their row, so one
    logical row spans several lines whose pieces fall in any column. Dynamic programming over
    each page's lines picks the cut into bands that scores best (`_band_score`): every band
    holds a cell in the anchor column (三级指标), fills most columns, and in each column its
    pieces read as one wrapped cell (every piece but the last as wide as the column allows)
    centred on the band."""
    lines: list[tuple[_Row, dict[str, list[_Cell]]]] = []
    tail_of: _Row | None = None
    for row in rows:
        if "一级指标" in row.key:  # a header repeated on a new page, maybe with wrapped tails
            tail_of = row
            continue
        if tail_of is not None and _is_header_tail(row, tail_of):
            tail_of = replace(tail_of, bottom=row.bottom)
            continue
        tail_of = None
        if cells := _assign(row, columns, "pdf"):
            lines.append((row, cells))
    if not lines:
        return []
    text_fields = [f for _, f in columns if f not in ("other", "level1", "level2")]
    used = [f for f in text_fields if any(f in cs for _, cs in lines)]
    anchor = next((f for f in ("level3", "description", "target") if f in used), None)
    pieces = [c for _, cs in lines for f in used for c in cs.get(f, [])]
    sizes = sorted((c.x1 - c.x0) / len(k) for c in pieces if len(k := squash(c.text)) >= 2)
    char = sizes[len(sizes) // 2] if sizes else 9.0
    heights = sorted(r.bottom - r.top for r, _ in lines if r.bottom > r.top)
    height = heights[len(heights) // 2] if heights else char * 1.2
    widest = {
        f: max((c.x1 - c.x0 for _, cs in lines for c in cs.get(f, [])), default=0.0) for f in used
    }
    ctx = _BandContext(used, anchor, widest, char, height)
    groups: list[_Group] = []
    start = 0
    for k in range(1, len(lines) + 1):
        if k == len(lines) or lines[k][0].page != lines[k - 1][0].page:
            groups.extend(_cut_bands(lines[start:k], ctx))
            start = k
    return groups


@dataclass(frozen=True, slots=True)
class _BandContext:
    fields: list[str]  # the text columns used in the table (not 一级/二级)
    anchor: str | None  # the column every row has a cell in
    widest: dict[str, float]  # each column's widest piece: a wrapped line is about as wide
    char: float  # a character's width
    height: float  # a line's height


def _cut_bands(
    lines: Sequence[tuple[_Row, dict[str, list[_Cell]]]], ctx: _BandContext
) -> list[_Group]:
    n = len(lines)
    neg = float("-inf")
    best = [neg] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for e in range(1, n + 1):
        for s in range(max(0, e - _BAND_LINES), e):
            if best[s] == neg:
                continue
            score = best[s] + _band_score(lines[s:e], ctx)
            if score > best[e]:
                best[e], back[e] = score, s
    cuts = []
    e = n
    while e > 0:
        cuts.append((back[e], e))
        e = back[e]
    return [list(lines[s:e]) for s, e in reversed(cuts)]


def _band_score(band: Sequence[tuple[_Row, dict[str, list[_Cell]]]], ctx: _BandContext) -> float:
    """How well consecutive lines read as one logical row (higher is better; +1 per row, so
    lines are kept apart unless joining them is needed)."""
    # a band does not span a gap a row's lines never leave
    for (a, _), (b, _) in pairwise(band):
        if b.top - a.bottom > 1.6 * ctx.height:
            return float("-inf")
    score = 1.0
    by_field = {f: [c for _, cs in band for c in cs.get(f, [])] for f in ctx.fields}
    filled = [f for f in ctx.fields if by_field[f]]
    if ctx.anchor is not None and not by_field[ctx.anchor]:
        score -= 10.0
    elif ctx.anchor is not None and ctx.anchor in band[0][1]:
        # ties (a wrapped tail line could close this row or open the next): cells centred on
        # whole lines or top-aligned put a row's extra lines below its first cell line
        score += 0.25
    score -= 1.5 * (len(ctx.fields) - len(filled))  # a new row fills most columns
    if not filled:
        return score
    top = min(c.top for f in filled for c in by_field[f])
    bottom = max(c.bottom for f in filled for c in by_field[f])
    for f in filled:
        cells = by_field[f]
        for a, b in pairwise(cells):
            if a.x1 - a.x0 < ctx.widest[f] - 0.75 * ctx.char:
                score -= 4.0  # a line short of the column's width ends its cell
            if b.top - a.bottom > 1.6 * ctx.height:
                score -= 4.0
        c_top, c_bottom = cells[0].top, max(c.bottom for c in cells)
        centred = abs((c_top + c_bottom) - (top + bottom)) / 2 <= 0.6 * ctx.height
        if not centred and abs(c_top - top) > 0.3 * ctx.height:
            score -= 2.0
    return score


_OP_WORDS = {"大于等于": "≥", "不低于": "≥", "不少于": "≥", "小于等于": "≤", "不高于": "≤",
             "不超过": "≤", "大于": ">", "小于": "<", "等于": "="}  # fmt: skip
_OP_PREFIXES = tuple(w for w, _ in _OPS)


def _op_symbol(cell: SourceText | None) -> str | None:
    """The comparison an 指标性质 cell holds (`≥`, `>=`, `大于等于`), or None (定性, 正向指标…)."""
    if cell is None:
        return None
    key = squash(cell.text)
    for written, symbol in _OPS:
        if key == written:
            return symbol
    return _OP_WORDS.get(key)


_OP_KIND = re.compile(r"^(?:定性|定量|正向|反向)(?:指标)?$")


def _attach_ops(lines: list[_Cell]) -> list[_Cell]:
    """The 指标性质 cells of a flattened row: a comparison (`≥`, `大于等于`) joins the 指标值
    line after it; a kind (定性, 正向指标) is dropped."""
    out: list[_Cell] = []
    k = 0
    while k < len(lines):
        cell = lines[k]
        op = _op_symbol(SourceText(cell.text, cell.start, cell.end))
        if op is not None and k + 1 < len(lines) and re.match(r"\d", squash(lines[k + 1].text)):
            out.append(replace(lines[k + 1], text=op + lines[k + 1].text, start=cell.start))
            k += 2
            continue
        if not _OP_KIND.match(squash(cell.text)):
            out.append(cell)
        k += 1
    return out


def _make_row(values: dict[str, SourceText], carry: dict[str, SourceText | None]) -> IndicatorRow:
    """An IndicatorRow from the cells found, carrying 一级/二级 down over merged cells; a 二级
    term whose standard parent differs from the carried 一级 takes that parent (a merged 一级
    cell printed in the middle of its span is not above all its rows)."""
    level1 = values.get("level1")
    level2 = values.get("level2")
    if level1 is not None:
        pass
    elif level2 is not None:
        inferred = infer_level1(level2.text)
        carried = carry["level1"]
        if carried is not None and (inferred is None or squash(carried.text) == inferred):
            level1 = carried
        elif inferred is not None:
            level1 = SourceText(inferred, level2.start, level2.start)
    else:
        level1, level2 = carry["level1"], carry["level2"]
    carry["level1"], carry["level2"] = level1, level2
    target = values.get("target")
    if target is not None and "unit" in values:
        unit = values["unit"].text
        if unit and not target.text.endswith(unit) and not redaction_marker(target.text):
            target = SourceText(
                target.text + unit, target.start, max(target.end, values["unit"].end)
            )
    if target is not None and (op := _op_symbol(values.get("op"))) is not None:
        if not redaction_marker(target.text) and not target.text.startswith(_OP_PREFIXES):
            target = SourceText(op + target.text, min(values["op"].start, target.start), target.end)
    return IndicatorRow(
        level1, level2, values.get("level3"), values.get("description"), target, values.get("basis")
    )


# --- flattened tables (one cell per line) ---------------------------------------------------


def _parse_flat(body: Sequence[_Row]) -> list[IndicatorRow]:
    """Rows of a table flattened to one cell per line: header terms first, then a stream of
    cells in which 一级/二级 terms start rows and the lines between are split into cells."""
    k = 0
    header: list[str] = []
    while k < len(body):
        key = body[k].key
        label = next((f for word, f in _HEADER_TESTS if word in key), None)
        if label and len(key) <= 12 and not is_level1(key) and not is_level2(key):
            header.append(label)
            k += 1
        elif header and k + 1 < len(body) and key in ("依据", "描述"):
            k += 1  # the tail of a wrapped header cell
        else:
            break
    other = [f for f in header if f not in ("level1", "level2", "unit", "op")]
    if not other:
        return []
    stream = _merge_wrapped_terms([c for row in body[k:] for c in row.cells])
    # Blocks: a 一级 and/or 二级 term and the cell lines that follow it.
    blocks: list[tuple[dict[str, SourceText], list[_Cell]]] = []
    for k_cell, cell in enumerate(stream):
        key = squash(cell.text)
        if "一级指标" in key:
            continue
        if is_level1(key) or is_level2(key):
            f = "level1" if is_level1(key) else "level2"
            if is_level1(key) and is_level2(key):
                # 成本指标 is 一级 (2021 framework) when a 二级 term follows, else 二级 of 产出
                nxt = stream[k_cell + 1].text if k_cell + 1 < len(stream) else ""
                f = "level1" if is_level2(nxt) and not is_level1(nxt) else "level2"
            if f == "level2" and blocks and _only_level1(blocks[-1]):
                blocks[-1][0]["level2"] = SourceText(key, cell.start, cell.end)
            else:
                blocks.append(({f: SourceText(key, cell.start, cell.end)}, []))
        elif blocks:
            blocks[-1][1].append(cell)
        else:
            blocks.append(({}, [cell]))
    out: list[IndicatorRow] = []
    carry: dict[str, SourceText | None] = {"level1": None, "level2": None}
    for terms, lines in blocks:
        if "op" in header:
            lines = _attach_ops(lines)
        for n, part in enumerate(_split_lines(lines, other)):
            out.append(_make_row({**(terms if n == 0 else {}), **part}, carry))
    return [r for r in out if any(getattr(r, f) for f in ("level3", "description", "target"))]


def _is_term(key: str, *, vocab_only: bool = False) -> bool:
    if vocab_only:
        v = vocabulary()
        return key in v.get("L1", frozenset()) or key in v.get("L2", frozenset())
    return is_level1(key) or is_level2(key)


def _merge_wrapped_terms(stream: list[_Cell]) -> list[_Cell]:
    """Rejoin 一级/二级 terms wrapped over lines (`满意` `度指` `标`) into one cell each.

    A run of lines joins when together they spell a term and read as one wrapped cell (equal
    widths); a vocabulary term beats a shape match (…效益指标) that would swallow a line of the
    cell before it."""
    keys = [squash(c.text) for c in stream]
    out: list[_Cell] = []
    i = 0
    while i < len(stream):
        found = 0
        if not _is_term(keys[i]):
            for j in range(min(len(stream), i + 6), i + 1, -1):
                joined = "".join(keys[i:j])
                if len(joined) > 12 or not _widths_consistent(keys[i:j]):
                    continue
                if _is_term(joined, vocab_only=True) or (
                    _is_term(joined)
                    and not any(
                        _is_term("".join(keys[k:j]), vocab_only=True) for k in range(i + 1, j)
                    )
                ):
                    found = j
                    break
        if found:
            first, last = stream[i], stream[found - 1]
            out.append(replace(first, text="".join(keys[i:found]), end=last.end))
            i = found
        else:
            out.append(stream[i])
            i += 1
    return out


def _only_level1(block: tuple[dict[str, SourceText], list[_Cell]]) -> bool:
    return set(block[0]) == {"level1"} and not block[1]


def _split_lines(lines: list[_Cell], fields: list[str]) -> list[dict[str, SourceText]]:
    """Split consecutive lines into rows of `fields`, choosing the split that scores best."""
    if not lines:
        return [{}]
    if len(lines) < len(fields):  # fewer lines than cells: empty cells vanished in flattening
        return [
            {f: SourceText(c.text, c.start, c.end) for f, c in _short_assign(lines, fields).items()}
        ]
    parts = _best_split(lines, fields)
    m = len(fields)
    out = []
    for r in range(0, len(parts), m):
        row = {fields[i]: _join(p) for i, p in enumerate(parts[r : r + m]) if p}
        out.append(row)
    return out or [{}]


_MAX_PART = 8  # lines one wrapped cell may take; bounds the search


def _best_split(lines: list[_Cell], fields: list[str]) -> list[list[_Cell]]:
    """The best cut of `lines` into whole rows of `fields`: consecutive parts, part i being
    cell `fields[i % m]` (a trailing 依据 cell may be empty). Parts score independently, so
    dynamic programming over (line, next field) finds the best cut in O(n·m·_MAX_PART)."""
    n, m = len(lines), len(fields)
    texts = [squash(c.text) for c in lines]
    neg = float("-inf")
    best = [[neg] * m for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n + 1)]
    best[0][0] = 0.0
    optional = {m - 1} if fields[-1] == "basis" and m > 2 else set()
    paired = next(
        (k for k in range(m - 1) if fields[k] == "level3" and fields[k + 1] == "description"), -1
    )
    mids: dict[tuple[int, int], int] = {}
    for a in range(n + 1):
        for _ in range(2):  # empty cells: a zero-line part moves to the next field
            for f in optional:
                nxt = (f + 1) % m
                if best[a][f] != neg and best[a][f] - _EMPTY_COST > best[a][nxt]:
                    best[a][nxt], back[a][nxt] = best[a][f] - _EMPTY_COST, (a, f)
        if a == n:
            break
        for f in range(m):
            if best[a][f] == neg:
                continue
            if f == paired:
                # 三级 and 描述 are scored together: a 描述 usually restates its 三级指标
                nxt = (f + 2) % m
                for mid in range(a + 1, min(n, a + _MAX_PART) + 1):
                    head = best[a][f] + _field_score(fields[f], texts, a, mid)
                    for b in range(mid + 1, min(n, mid + _MAX_PART) + 1):
                        score = (
                            head
                            + _field_score(fields[f + 1], texts, mid, b)
                            + _restates(texts[a:mid], texts[mid:b])
                        )
                        if score > best[b][nxt]:
                            best[b][nxt], back[b][nxt] = score, (a, f)
                            mids[(b, nxt)] = mid
                continue
            for b in range(a + 1, min(n, a + _MAX_PART) + 1):
                score = best[a][f] + _field_score(fields[f], texts, a, b)
                nxt = (f + 1) % m
                if score > best[b][nxt]:
                    best[b][nxt], back[b][nxt] = score, (a, f)
    if best[n][0] == neg:
        return [[c] for c in lines]
    parts: list[list[_Cell]] = []
    pos, f = n, 0
    while pos > 0 or f != 0:
        step = back[pos][f]
        if step is None:
            break
        a, pf = step
        if pf == paired and a != pos:
            mid = mids[(pos, f)]
            parts.extend([lines[mid:pos], lines[a:mid]])
        else:
            parts.append(lines[a:pos])
        pos, f = a, pf
    parts.reverse()
    return parts


_EMPTY_COST = 2.5


def _restates(level3: Sequence[str], description: Sequence[str]) -> float:
    """Bonus when a 描述 restates its 三级指标 (`印刷数量` / `全年印刷数量达标`), the usual way
    these tables are filled in; the longest shared run of characters decides."""
    a, b = "".join(level3), "".join(description)
    if len(a) >= 2 and a in b:
        return min(2.5, 1.0 + 0.15 * len(a))  # the more of it restated, the surer the cut
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match()
    return 0.8 if match.size >= 3 else 0.0


# A cell does not start with closing punctuation, a unit or the tail of a number.
_CONTINUES = re.compile(r"^[）)〕\]】》%％‰，,。、；;：:号/／]")
_OPENS = re.compile(r"[（(〔\[【《，,、：:/／]$")
_QUALITATIVE = re.compile(
    r"^(?:有效|显著|明显|持续|逐步|进一步|不断|按时|及时|全面|稳步|大幅|基本|充分|切实|有所|确保|"
    r"合格|达标|良好|优秀|较好|满意|是|否|无|完成|正常)"
    r"|(?:提升|提高|改善|保障|运转|达标|合格|完成|良好|稳定|作用|降低|减少|增强|规范|到位|有力|"
    r"有效|明显|显著|长期|及时|影响|发生|下降|增加|增长)$"
    r"|^(?:优|良|中|差|高|低|好|有|强)$"
)


_BRACKETS = (("（(", "）)"), ("〔[【", "〕]】"), ("《", "》"))
# An 指标值 as a whole: comparison, number, a measure word (量词) or unit, a bound word.
_MEASURE = (
    r"(?:%|％|‰|万?元|亿元|人次|人天|人|次|个工作日|工作日|个月|个|件|篇|册|户|台|套|期|天|年|"
    r"月|日|公里|千米|米|平方米|㎡|条|份|项|批次|批|家|所|场次|场|座|辆|本|部|张|间|处|村|吨|亩|"
    r"小时|分钟|课时|学时|班|门|株|棵|只|头|名|位|周|季度|GB|TB|M)"
)
_TARGET_WHOLE = re.compile(
    rf"^(?:[≥≤><=＞＜≧≦]|>=|<=)?\d[\d,，.]*{_MEASURE}?(?:/{_MEASURE}){{0,2}}"
    r"(?:以上|以下|以内|之内|内|前|左右|及以上|及以下|办结|完成)?$"
)


def _balanced(text: str) -> bool:
    """Whether every kind of bracket in `text` opens as often as it closes."""
    return all(
        sum(text.count(c) for c in o) == sum(text.count(c) for c in c_) for o, c_ in _BRACKETS
    )


def _widths_consistent(texts: Sequence[str]) -> bool:
    """Whether lines read as one cell wrapped at a column width: every line but the last about
    as long as the others (within one character), the last no longer."""
    for lens in ([len(t) for t in texts], [display_width(t) for t in texts]):
        body = lens[:-1]
        # the first line is a full line: a shorter first line is the tail of another cell
        if max(body) - min(body) <= 1 and lens[-1] <= max(body) + 1 and lens[0] >= max(lens) - 0:
            return True
    return False


def _field_score(f: str, texts: Sequence[str], a: int, b: int) -> float:
    """How well lines `texts[a:b]` read as one cell of field `f` that starts a new cell at
    line `a` (the line before it ends the previous cell)."""
    part = texts[a:b]
    text = "".join(part)
    score = 0.0
    if a > 0:  # a cell boundary before line a
        prev = texts[a - 1]
        if _OPENS.search(prev) or _CONTINUES.match(part[0]):
            score -= 3.0
        elif (re.search(r"[\d.≥≤<>=＞＜]$", prev) and re.match(r"^[\d.%％]", part[0])) or (
            re.search(r"\d", prev) and _TARGET_WHOLE.match(prev + part[0])
        ):
            score -= 2.0  # a number or its unit cut off: `=10` `0次`, `10人` `次`
    if len(part) > 1:
        score -= 0.6 * (len(part) - 1)  # every join needs a reason
        score += 0.5 * (len(part) - 1) if _widths_consistent(part) else -2.0
        for ta, tb in pairwise(part):
            if _OPENS.search(ta) or _CONTINUES.match(tb):
                score += 1.0
    if not _balanced(text):
        score -= 1.5  # a bracket opened and not closed (or the reverse): cut mid-cell
    if len(part) == 1 and len(text) <= 2 and not re.search(r"\d", text):
        score -= 0.5  # a one- or two-character cell is more often the tail of a wrap
    if redaction_marker(text):
        return score + 1.0
    target_like = looks_like_target(text)
    if f == "target":
        if _TARGET_WHOLE.match(text):
            score += 2.0
        elif target_like:
            score += 0.5  # a target's start, with something else glued on
        elif _QUALITATIVE.search(text) and len(text) <= 12:
            score += 1.0
        elif len(text) > 20:
            score -= 1.0
    elif f == "basis":
        score += 1.5 if _BASIS_WORDS.search(text) else 0.0
        score -= 1.0 if target_like else 0.0
    elif f in ("level3", "description"):
        if target_like and not re.search(rf"[{_CJK}]{{3}}", text):
            score -= 1.5
        if len(part) > 1 and re.fullmatch(r"[\d.,≥≤<>=＞＜]+", part[-1]):
            score -= 1.0  # a text cell rarely wraps into a bare number: the 指标值 starts there
    return score


def _short_assign(lines: list[_Cell], fields: list[str]) -> dict[str, _Cell]:
    out: dict[str, _Cell] = {}
    rest = list(lines)
    if "basis" in fields and rest and _BASIS_WORDS.search(rest[-1].text) and len(rest) > 1:
        out["basis"] = rest.pop()
    if "target" in fields and rest and looks_like_target(rest[-1].text) and len(rest) > 1:
        out["target"] = rest.pop()
    free = [f for f in fields if f not in out]
    for f, c in zip(free, rest, strict=False):
        out[f] = c
    return out
