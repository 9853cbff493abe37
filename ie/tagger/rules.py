"""The rules backend: high-precision patterns and layout cues that label budget disclosures.

Each rule is a small function `(text, context) -> list[Span]`; `RulesTagger.predict` runs them
all and keeps the best non-overlapping spans. The same rules serve as labelling functions for
weak supervision and as a feature of the CRF.

Layout cues used: tab-separated cells (PDF-to-text tables) and space-laid columns (layout
text: a gap of two or more spaces, the page's margin and line padding left out, each cell placed
under the header label it starts at), the header rows of tables (which column holds 科目编码,
序号, 数量 …), the 一级指标…指标值确定依据 header of indicator tables (which column holds which
IND_* label), tables flattened to a cell per line (blank lines between, as raw pdftotext prints
them), line starts (titles, enumerated lists) and section headings.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ie.lexicon import FUND_SUFFIXES, PROJECT_SUFFIXES, REDACTION_MARKERS, is_fund_name
from ie.spans import Span
from ie.text import OCR_TABLE, display_width, squash
from ie.tokenize import Term, load_terms

# Rule priority when spans overlap: a lower number wins, then the longer span.
PRIORITY = {
    "IND_L1": 0, "IND_L2": 0, "IND_L3": 0, "IND_DESC": 0, "IND_TARGET": 0, "IND_BASIS": 0,
    "REDACTED": 1, "PROJECT": 2, "DEPT": 3, "CODE": 5, "AMOUNT": 6,
}  # fmt: skip

_HAN = r"\u3400-\u9fff"
# A redaction marker standing alone: not part of a longer word (保密机要局, 涉密采购事项);
# wrapped in a narrow cell, its characters are split by a line break or two ("不公" / "开").
_WRAP = r"[ \t\u3000\r\n]{0,4}"
RE_REDACTED = re.compile(
    rf"(?<![{_HAN}])(?:{'|'.join(_WRAP.join(m) for m in REDACTION_MARKERS)})(?![{_HAN}])"
)
# Numbers as PDF-to-text prints them: 2,169.78 / 686. 71 (broken after the point) / 53.7 3
# (broken before the last digit) / 528. (cut at a page break).
_NUM = r"[-−]?\d[\d,，]*(?:\s?[.．]\s?\d*(?:\s\d{1,2}(?!\d))?)?"
RE_CELL_NUMBER = re.compile(rf"{_NUM}")
RE_UNIT = r"(?:万元|亿元|千元|元)"
# An amount with its unit, in prose or a cell: 686.71万元, 20 万元, 0万元.
RE_AMOUNT_UNIT = re.compile(
    rf"(?<![\d.,，．])[-−]?\d[\d,，]*(?:[.．]\d+)?\s?{RE_UNIT}(?![{_HAN}]*[/／])"
)
# A bare amount outside cells: thousands separators or exactly two decimals (13,649.07 / 528.36),
# not part of a longer number, a date or a percentage.
RE_AMOUNT_BARE = re.compile(
    r"(?<![\d.,，．\w])[-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{2})(?![\d.,，%％‰\w])"
)
_NOT_AMOUNT_AFTER = re.compile(r"\s*[%％‰倍个次人年月日天项件家本条名辆台套]")
# 文号: 冀办发〔2017〕39号, 京字〔2015〕30 号文件, 苏财预[2019]1号.
RE_DOC_NUMBER = re.compile(
    rf"[{_HAN}]{{1,12}}\s?[〔\[【（(]\s?(?:19|20)\d\d\s?[〕\]】）)]\s?\d+\s?号(?:文件)?"
)
# Indicator targets: ≥95%, ≤50人, 100%, 12月31日前, 2022年12月31日前, 1 次, 2 天内办结.
RE_TARGET = re.compile(
    r"(?:[≥≤><=＞＜]|>=|<=)\s?\d+(?:\.\d+)?\s?(?:%|％|[\u4e00-\u9fff]{1,3})?"
    r"|(?<![\d.])\d+(?:\.\d+)?\s?(?:%|％)"
    r"|(?:\d{4}\s?年\s?)?\d{1,2}\s?月\s?(?:\d{1,2}\s?日\s?)?(?:前|之前|底前|底|内)"
    r"|(?<![\d.])\d+(?:\.\d+)?\s?(?:次|人次|人|个|本|条|天内|天|项|件|家|场|期|篇|册|台|套|万元)"
)
# The most double-space gaps inside the cells of one space-laid indicator row.
_MAX_EXTRA_PIECES = 5
# The most lines one flattened indicator cell is read across.
_MAX_WRAP_LINES = 8
# The most header rows a table's column names are read from. A bound, not a real limit (a
# header is a few rows deep): without it a long run of text-only tab rows grew each column's
# name row by row and every data row read all of it, quadratic in the run's length.
_MAX_HEADER_ROWS = 16
# A line this short (without spaces) may be one table cell of a flattened table.
_FLAT_CELL_CHARS = 24
# A whole 指标值 cell: a number with comparison and compound unit, or a deadline phrase.
RE_TARGET_FULL = re.compile(
    r"(?:[≥≤><=＞＜]|>=|<=)?\d[\d.,]*(?:%|％|‰|[\u4e00-\u9fff]{1,3}(?:[/／][\u4e00-\u9fff]{1,2}){0,2})?"
    r"|(?:(?:19|20)\d\d年)?(?:[一二三四1-4]季度|年底|年末|上半年|下半年|\d{1,2}月(?:\d{1,2}日)?)"
    r"(?:前|之前|以前|底前|内)?(?:完成)?"
)
RE_CODE = re.compile(r"\d(?:\s?\d){2,6}")
# 一、 / （一） / (一) / 第一部分 / 1、 / 1. : enumerators that start titles and list items.
RE_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)"
)
RE_ENUM = re.compile(r"^\s*(?:\d+\s?[、.．]|[（(]\d+[）)])\s*")
# The name starts at a non-space: with `\s*(?:enum)?\s*(.+?)` the regex engine would try every
# way of sharing a run of leading spaces between the two `\s*`, cubic on space-aligned lines.
RE_PROJECT_TITLE = re.compile(
    r"^\s*(?:(?:\d+\s?[、.．]|[（(][\d一二三四五六七八九十]+[）)])\s*)?(\S.*?)\s*绩效目标表\s*$"
)
_NOT_PROJECT = ("部门整体", "整体支出", "预算项目", "专项资金", "部门", "项目", "单位")
_TOTALS = {"合计", "总计", "小计", "本年合计"}
RE_LIST_INTRO = re.compile(
    r"(?:主要为|主要包括|主要是|主要用于|包括)(?:增加|新增|安排)?((?:[^。；;\n]|\n(?!\n)){2,300}?)等"
)
_YEAR_TITLE = re.compile(r"\s*\d{4}\s*年(?:度)?\s*(?:部门)?(?:预算|决算)")
# Name characters, a single space allowed between two of them (extraction noise).
_NAME = rf"(?:[{_HAN}（）()](?: (?=[{_HAN}（）()]))?)"
RE_DEPT_LABEL = re.compile(
    rf"(?<![{_HAN}])(?:部门名称|单位名称|预算单位|编制单位|填报单位|部\s?门)\s*[:：]\s*([{_HAN}（）()]{{4,40}})"
)
RE_LEADING_CODE = re.compile(
    rf"^\s*(?:\d{{1,3}}\s+)?([2-5]\d\d(?:\d\d){{0,2}}|[2-5]\d\d(?: \d\d){{1,2}})\s+[{_HAN}]"
)  # after an optional 序号 ("2 201 一般公共服务支出 …": a row as pypdfium2 prints it)
RE_HEADER_CODE_LINE = re.compile(rf"^\s*\d{{3,7}}\s+([{_HAN}（）()]{{2,40}})\s*$")
_PLACE = re.compile(
    rf"^[{_HAN}]{{1,8}}?(?=[省市县区州旗盟](?:委|人大|政协|人民|政府|纪委|[{_HAN}]))"
)

# Indicator-table header cell -> label; the first matching test wins (依据 before 指标值).
_WORD = re.compile(r"\S+")
_IND_HEADER_TESTS: tuple[tuple[str, str], ...] = (
    ("依据", "IND_BASIS"),
    ("一级", "IND_L1"),
    ("二级", "IND_L2"),
    ("三级", "IND_L3"),
    ("描述", "IND_DESC"),
    ("指标内容", "IND_DESC"),
    ("指标值", "IND_TARGET"),
    ("目标值", "IND_TARGET"),
)
# How a 指标值确定依据 cell usually ends when it is not a 文号.
_BASIS_ENDINGS = ("标准", "依据", "计划", "批复", "文件", "要求", "办法", "规定", "方案", "经验",
                  "测算", "规划", "制度", "职责", "数据", "预算", "目标")  # fmt: skip
_ROW_SKIP_FIRST = {"栏次", "档次", "行次", "序号", "栏目"}
_NOT_AMOUNT_HEADER = ("序号", "编码", "代码", "数量", "计量单位", "名称", "栏次")


@dataclass(frozen=True, slots=True)
class Cell:
    """One tab-separated cell of a line: its stripped text and offsets into the whole text."""

    col: int
    start: int
    end: int
    text: str
    x0: int = -1  # display column (wide characters count 2) of a space-aligned cell, else -1
    x1: int = -1


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line (without its newline) with its offsets, and its non-blank cells when it holds
    a tab (`layout` "tab") or is laid out in space-separated columns (`layout` "space")."""

    start: int
    end: int
    text: str
    cells: tuple[Cell, ...] = ()
    layout: str = ""

    @property
    def tabbed(self) -> bool:
        return self.layout == "tab" or bool(self.cells)


# Columns printed with spaces (pdftotext -layout, fixed-width exports): a gap of two or more
# spaces (or an ideographic space) separates cells; a single space is noise inside a cell.
RE_COLUMN_GAP = re.compile(r"(?: {2,}|\u3000+)[ \u3000]*")


def split_lines(text: str) -> list[TextLine]:
    """Lines of `text` split at \\n and \\f (trailing \\r dropped), with their tab cells or,
    for lines of two or more space-separated columns, their space cells."""
    out: list[TextLine] = []
    start = 0
    for page in re.split(r"(?<=\f)", text):
        pieces = re.split(r"[\n\f]", page.removesuffix("\f"))
        margin = _margin(pieces)
        for piece in pieces:
            # trailing blanks dropped: pdfplumber's layout mode pads every line to the page width
            raw = piece.rstrip("\r \u3000")
            if "\t" in raw:
                cells = tuple(_cells(raw, start))
                out.append(TextLine(start, start + len(raw), raw, cells, "tab"))
            elif RE_COLUMN_GAP.search(raw.strip()):
                cells = _space_cells(raw, start, margin)
                out.append(TextLine(start, start + len(raw), raw, cells, "space"))
            else:
                out.append(TextLine(start, start + len(raw), raw))
            start += len(piece) + 1
    return out


def _margin(lines: list[str]) -> int:
    """The page margin of space-laid-out text: the least indent of the page's non-blank
    lines (pdfplumber's layout mode starts every line at the page's left edge)."""
    indents = [len(x) - len(x.lstrip(" ")) for x in lines if x.strip() and "\t" not in x]
    return min(indents, default=0)


def _cells(raw: str, offset: int) -> Iterator[Cell]:
    # Blank cells are left out (every reader skips them; `col` keeps the column): a line of
    # tab padding would make a Cell per tab, hundreds of megabytes for a few MB of text.
    pos = 0
    for col, part in enumerate(raw.split("\t")):
        stripped = part.strip()
        if stripped:
            lead = len(part) - len(part.lstrip())
            yield Cell(col, offset + pos + lead, offset + pos + lead + len(stripped), stripped)
        pos += len(part) + 1


# Figures of neighbouring columns one space apart ("80,304,600.00 80,304,600.00": layout text
# of a table in 元 whose columns are narrower than its figures).
RE_FIGURE_RUN = re.compile(r"[-−]?\d[\d,]*\.\d+(?: [-−]?\d[\d,]*\.\d+)+")


def _space_cells(raw: str, offset: int, margin: int = 0) -> tuple[Cell, ...]:
    """Cells between column gaps. An indent past the page's `margin` counts as empty leading
    cells, one per gap width of two (a merged 一级/二级 cell left blank), so `col` stays
    comparable between rows; a run of figures one space apart is a cell per figure."""
    body = raw.lstrip(" \u3000")
    indent = len(raw) - len(body)
    cells: list[Cell] = []
    col = (indent - margin) // 2 if indent - margin >= 2 else 0
    xs = list(itertools.accumulate((display_width(ch) for ch in raw), initial=0))
    bounds = [(indent + m.start(), indent + m.end()) for m in RE_COLUMN_GAP.finditer(body.rstrip())]
    pos = indent
    for end, after in [*bounds, (len(raw.rstrip()), -1)]:
        if end > pos:
            parts = [(pos, end)]
            if RE_FIGURE_RUN.fullmatch(raw, pos, end):
                parts = [
                    (pos + m.start(), pos + m.end()) for m in re.finditer(r"\S+", raw[pos:end])
                ]
            for a, b in parts:
                cells.append(Cell(col, offset + a, offset + b, raw[a:b], xs[a], xs[b]))
                col += 1
        pos = after
    return tuple(cells)


@dataclass
class _Vocab:
    l1: frozenset[str]
    l2: frozenset[str]
    dept_suffixes: tuple[str, ...]
    targets: frozenset[str] = frozenset()

    @cached_property
    def levels(self) -> frozenset[str]:
        """一级 and 二级 terms together."""
        return self.l1 | self.l2

    @classmethod
    def from_terms(cls, terms: tuple[Term, ...]) -> _Vocab:
        by = lambda cat, sec: [t.text for t in terms if t.category == cat and t.section == sec]  # noqa: E731
        suffixes = sorted(by("DEPT", "SUFFIX"), key=len, reverse=True)
        return cls(
            frozenset(by("IND", "L1")),
            frozenset(by("IND", "L2")),
            tuple(suffixes),
            frozenset(by("IND", "TARGET")),
        )


@dataclass
class _Context:
    """What the rules learn while reading a document (names found in headers and titles)."""

    text: str
    lines: list[TextLine]
    dept_names: set[str] = field(default_factory=set)
    project_names: set[str] = field(default_factory=set)


class RulesTagger:
    """High-precision patterns; `predict(text) -> list[Span]` (sorted, non-overlapping)."""

    name = "rules"

    def __init__(self, terms: tuple[Term, ...] | None = None) -> None:
        self.vocab = _Vocab.from_terms(load_terms() if terms is None else terms)

    def predict(self, text: str) -> list[Span]:
        """Label `text`; offsets are into `text`."""
        ctx = _Context(text, split_lines(text))
        spans: list[Span] = []
        spans += self.indicator_cells(ctx)
        spans += self.redactions(ctx)
        spans += self.departments(ctx)
        spans += self.projects(ctx)
        spans += self.prose_projects(ctx)
        spans += self.codes_and_cell_amounts(ctx)
        spans += self.one_cell_per_line(ctx)
        spans += self.prose_amounts(ctx)
        return resolve(spans)

    # --- indicator tables -----------------------------------------------------------------

    def indicator_cells(self, ctx: _Context) -> list[Span]:
        """IND_* by column under a 一级指标…指标值确定依据 header row; in flattened tables
        (no tabs) by vocabulary and pattern, line by line, until the next title."""
        out, consumed = self._cell_per_line_indicators(ctx)
        cols: dict[int, str] | None = None
        flat = False
        spaced: list[str] | None = None  # a single-space header's labels, in column order
        prev: dict[str, list[tuple[int, int]]] = {}
        grid: _Grid | None = None  # the columns of a space-laid header, where they are
        for k, line in enumerate(ctx.lines):
            squashed = squash(line.text)
            if k in consumed:
                continue
            if grid is not None and squashed:
                ends = _ends_table(line.text)
                placed = None if ends else grid.place(line)
                if placed is not None:
                    for label, start, end in placed:
                        if squash(ctx.text[start:end]) in REDACTION_MARKERS:
                            label = "REDACTED"
                        out.append(Span.on(ctx.text, label, start, end, 0.9))
                    continue
                if ends or line.layout != "space":
                    grid = None  # not the table's; a space row off its places: by content
            # Under a header of single-space cells, a row with a double space somewhere is
            # still a row of single-space cells (pdfplumber's layout mode spaces words apart);
            # so is such a header itself.
            header = _indicator_header(line) if line.tabbed else None
            mixed = (
                not header
                and line.layout == "space"
                and ((flat and spaced is not None) or _spaced_header(line.text) is not None)
            )
            if line.tabbed and not mixed:
                if header:
                    cols, flat = header, False
                    if line.layout == "space":
                        grid = _Grid.of(line, header)
                    continue
                if cols is None:
                    continue
                first = next((c.text for c in line.cells if c.text), "")
                if squash(first) in {"绩效目标", "年度绩效目标", "项目名称", "总体目标"}:
                    cols = None
                    continue
                if line.layout == "space":
                    placed = self._fit_space_row(line.cells, [cols[c] for c in sorted(cols)])
                else:
                    placed = [(cols.get(c.col), c.start, c.end) for c in line.cells if c.text]
                for label, start, end in placed:
                    if label:
                        if squash(ctx.text[start:end]) in REDACTION_MARKERS:
                            label = "REDACTED"
                        out.append(Span.on(ctx.text, label, start, end, 0.9))
                continue
            if not squashed:
                continue
            if "一级指标" in squashed and ("二级指标" in squashed or squashed == "一级指标"):
                cols, flat = None, True
                # a header of single-space cells: its rows are single-space cells too
                spaced = _spaced_labels(line.text)
                prev: dict[str, list[tuple[int, int]]] = {}
                continue
            if cols is not None or (
                flat and (RE_HEADING.match(line.text) or "绩效目标表" in squashed)
            ):
                cols, flat = None, False  # a line without tabs ends a tabbed table
            if flat:
                placed = self._spaced_row(ctx.text, line, spaced, prev) if spaced else None
                out += placed if placed is not None else self._flat_indicator_line(ctx.text, line)
        return out

    def _spaced_row(
        self,
        text: str,
        line: TextLine,
        labels: list[str],
        prev: dict[str, list[tuple[int, int]]],
    ) -> list[Span] | None:
        """IND_* spans of one line of a table whose cells a PDF-to-text tool joined with
        single spaces, under a header of single-space cells (`labels`, in column order).

        A row line starts with a 一级/二级 term, or has an 指标值 after its first word, or
        withheld cells: terms first, the 依据 after the target, the 三级/描述 cells between
        (by position when no target is recognised). Any other line continues the cells of
        the row above that wrapped, as many as it has words: those the words continue best
        (`_cell_fit`: a term completed, a 文号 closed). `prev` holds the last row's cells by
        label and is updated. None: not such a line."""
        words = [(line.start + m.start(), line.start + m.end()) for m in _WORD.finditer(line.text)]
        if not words:
            return None
        texts = [squash(text[a:b]) for a, b in words]
        k = 0
        placed: list[tuple[str, int, int]] = []
        for label, vocab in (("IND_L1", self.vocab.l1), ("IND_L2", self.vocab.l2)):
            if k < len(texts) and label in labels and texts[k] in vocab:
                placed.append((label, *words[k]))
                k += 1
        target = next((n for n in range(1, len(texts)) if self._is_target(texts[n])), None)
        marked = any(t in REDACTION_MARKERS for t in texts)
        if not placed and target is None and not marked:
            return self._continuation(text, words, texts, labels, prev)
        rest = [x for x in labels if x not in {p[0] for p in placed}]
        if target is None:
            if len(words) - k == len(rest) - 1 and rest[:1] == ["IND_L2"]:
                rest = rest[1:]  # 二级 merged over rows: printed on an earlier row
            placed += [
                (label, *words[n])
                for label, n in zip(rest, range(k, len(words)), strict=False)  # fewer words: ok
            ]
        else:
            before = [x for x in rest if x in ("IND_L2", "IND_L3", "IND_DESC")]
            if target - k < len(before) and before[:1] == ["IND_L2"]:
                before = before[1:]
            for n in range(k, target):
                if n - k < len(before):
                    placed.append((before[n - k], *words[n]))
                elif placed:  # more words than cells: the last cell wrapped
                    placed[-1] = (placed[-1][0], placed[-1][1], words[n][1])
            placed.append(("IND_TARGET", *words[target]))
            if target + 1 < len(words) and "IND_BASIS" in labels:
                placed.append(("IND_BASIS", words[target + 1][0], words[-1][1]))
        prev.clear()
        out = []
        for label, a, b in placed:
            prev.setdefault(label, []).append((a, b))
            is_marker = squash(text[a:b]) in REDACTION_MARKERS
            out.append(Span.on(text, "REDACTED" if is_marker else label, a, b, 0.7))
        return out

    def _continuation(
        self,
        text: str,
        words: list[tuple[int, int]],
        texts: list[str],
        labels: list[str],
        prev: dict[str, list[tuple[int, int]]],
    ) -> list[Span] | None:
        candidates = [x for x in labels if x in prev]
        if not prev or len(words) > len(candidates):
            return None
        best: tuple[float, tuple[str, ...]] | None = None
        for chosen in itertools.combinations(candidates, len(words)):
            score = sum(
                self._cell_fit(label, [text[a:b] for a, b in prev[label]] + [piece])
                for label, piece in zip(chosen, texts, strict=True)
            )
            if best is None or score > best[0]:
                best = (score, chosen)
        assert best is not None
        out = []
        for label, (a, b) in zip(best[1], words, strict=True):
            prev[label].append((a, b))
            out.append(Span.on(text, label, a, b, 0.6))
        return out

    def _cell_per_line_indicators(self, ctx: _Context) -> tuple[list[Span], set[int]]:
        """IND_* spans of indicator tables flattened to one cell per line (each header cell on
        its own line), and the indices of the lines they cover.

        The body (to the next blank line) is cut into cells and rows by dynamic programming:
        a row is [一级] [二级] 三级 描述 指标值 依据; a cell wrapped over several lines was cut
        at one column width, so all its lines but the last have the same length; cells score
        by vocabulary (一级/二级 terms), target and basis patterns."""
        out: list[Span] = []
        consumed: set[int] = set()
        # Blank lines are read apart from the lines: a blank line ends a table's body, except
        # where the tool prints blank lines inside tables too: in text padded to the page width
        # (pdfplumber's layout mode: a blank line wherever rows stand apart on the page), and
        # where the header's own cells stand blank lines apart (raw pdftotext). There the body
        # runs to the next title.
        padded = _padded(ctx.text)
        index = [k for k, x in enumerate(ctx.lines) if x.text.strip()]
        lines = [ctx.lines[k] for k in index]
        n = len(lines)
        gap_before = [i > 0 and index[i] - index[i - 1] > 1 for i in range(n)] + [True]
        # Per line: its header label, where the run of header lines from it ends, where the
        # next title and the next blank line after it are, and how many tabbed lines come
        # before it. Read once, so trying a header at every line stays linear in the lines.
        label_of = [_header_label(squash(x.text)) for x in lines]
        run_end, title_at, gap_after = [n] * (n + 1), [n] * (n + 1), [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            run_end[i] = run_end[i + 1] if label_of[i] else i
            title_at[i] = i if _ends_table(lines[i].text) else title_at[i + 1]
            gap_after[i] = i + 1 if gap_before[i + 1] else gap_after[i + 1]
        tabbed_before = [0, *itertools.accumulate(x.tabbed for x in lines)]
        k = 0
        while k < n:
            j = run_end[k]
            if j - k < 4 or label_of[k : k + 2] != ["IND_L1", "IND_L2"] or lines[k].tabbed:
                k += 1
                continue
            labels = [x for x in label_of[k:j] if x]
            gappy = padded or any(gap_before[k + 1 : j])
            body_end = title_at[j] if gappy else min(title_at[j], gap_after[j - 1])
            if tabbed_before[body_end] != tabbed_before[j]:
                k = j
                continue
            body = lines[j:body_end]
            for label, a, b in self._flat_rows(body, labels):
                first, last = _stripped(body[a])[0], _stripped(body[b - 1])[1]
                if squash(ctx.text[first:last]) in REDACTION_MARKERS:
                    label = "REDACTED"
                out.append(Span.on(ctx.text, label, first, last, 0.8))
            consumed.update(range(index[k], index[max(body_end, j) - 1] + 1))
            k = max(body_end, j)
        return out, consumed

    def _flat_rows(self, body: list[TextLine], labels: list[str]) -> list[tuple[str, int, int]]:
        """(label, first line, end line) per cell of a flattened indicator body; see
        `_cell_per_line_indicators`."""
        n, m = len(body), len(labels)
        texts = [x.text.strip() for x in body]
        squashed = [squash(t) for t in texts]  # once per line: the DP reads each line often
        cache: dict[tuple[str, int, int], float] = {}

        def cell(label: str, i: int, j: int) -> float:
            key = (label, i, j)
            if key not in cache:
                cache[key] = self._flat_cell_score(label, texts[i:j], squashed[i:j])
            return cache[key]

        # A row may open at 一级, 二级 or 三级 (merged cells above); the first row at 一级.
        openers = [i for i, lab in enumerate(labels) if lab in ("IND_L1", "IND_L2", "IND_L3")]
        neg = float("-inf")
        best = [[neg] * (m + 1) for _ in range(n + 1)]  # best[i][f]: lines < i read, next f
        back: dict[tuple[int, int], tuple[int, int, int]] = {}
        best[0][0] = 0.0
        for i in range(n):
            for f in range(m + 1):
                if best[i][f] == neg:
                    continue
                nexts = openers if f == m else [f]
                for g in nexts:
                    for j in range(i + 1, min(n, i + _MAX_WRAP_LINES) + 1):
                        score = best[i][f] + cell(labels[g], i, j)
                        if labels[g] == "IND_L3" and labels[g + 1 : g + 2] == ["IND_DESC"]:
                            # 三级 and 描述 read together: a description restates its indicator
                            for k in range(j + 1, min(n, j + _MAX_WRAP_LINES) + 1):
                                pair = score + cell("IND_DESC", j, k)
                                pair += _restates(squashed[i:j], squashed[j:k])
                                if pair > best[k][g + 2]:
                                    best[k][g + 2] = pair
                                    back[(k, g + 2)] = (i, f, j)
                        elif score > best[j][g + 1]:
                            best[j][g + 1] = score
                            back[(j, g + 1)] = (i, f, -1)
        if best[n][m] == neg:
            return []
        cells: list[tuple[str, int, int]] = []
        j, f = n, m
        while j > 0:
            i, prev, mid = back[(j, f)]
            if mid >= 0:
                cells += [(labels[f - 1], mid, j), (labels[f - 2], i, mid)]
            else:
                cells.append((labels[f - 1], i, j))
            j, f = i, prev
        return cells[::-1]

    def _flat_cell_score(self, label: str, texts: list[str], squashed: list[str]) -> float:
        """How well lines `texts` (`squashed`: the same without whitespace) form one cell of
        column `label`."""
        joined = "".join(squashed)
        # Each cell costs one point, so lines join into wrapped cells unless the columns'
        # evidence (vocabulary, patterns) pays for more cells.
        score = -1.0 - 0.1 * len(texts)
        if len(texts) > 1:
            # A wrapped cell was cut at one width: its full lines are about equally long (±1
            # for a dropped or doubled character) and its last line is no longer.
            widths = [len(t) for t in texts]
            width = max(widths[:-1])
            score -= 2.5 * sum(w < width - 1 for w in widths[:-1])
            score -= 2.5 * (widths[-1] > width + 1)
            # a 一级/二级 term alone on a line is its own cell
            score -= 3.0 * sum(t in self.vocab.levels for t in squashed)
        if joined in REDACTION_MARKERS:
            return score + 0.5
        in_l1, in_l2 = joined in self.vocab.l1, joined in self.vocab.l2
        is_target = self._is_target(joined)
        is_basis = bool(RE_DOC_NUMBER.search(joined) or joined.endswith(_BASIS_ENDINGS))
        if label == "IND_L1":
            return score + (3 if in_l1 else (0.5 if joined.endswith("指标") else -6))
        if label == "IND_L2":
            return score + (3 if in_l2 else (0.5 if joined.endswith("指标") else -6))
        if label == "IND_TARGET":
            return score + (2 if is_target else (-1 if is_basis else 0))
        if label == "IND_BASIS":
            return score + (2 if is_basis else (-1 if is_target else 0))
        return score - (3 if in_l1 or in_l2 else 0) - (1.5 if is_target else 0)

    def _is_target(self, squashed: str) -> bool:
        """Whether a squashed cell reads as an 指标值: a number with comparison and unit
        (≥95%, ≤350元/人/天), a deadline (12月31日前, 三季度前完成), a word target (有所提高)."""
        return bool(
            RE_TARGET.fullmatch(squashed)
            or RE_TARGET_FULL.fullmatch(squashed)
            or squashed in self.vocab.targets
        )

    def _fit_space_row(
        self, cells: tuple[Cell, ...], labels: list[str]
    ) -> list[tuple[str | None, int, int]]:
        """(label, start, end) per cell group of a space-laid indicator row.

        Without tabs, a blank merged cell is only an indent and a double space may fall inside
        a wrapped cell, so the row is fitted to the header's columns: it ends at the last
        column, starts at any column, and adjacent pieces may join into one cell; the fit whose
        cells look most like their columns (vocabulary, target and basis patterns, no dangling
        fragments) wins."""
        pieces = [c for c in cells if c.text]
        if not pieces or not labels or len(pieces) > len(labels) + _MAX_EXTRA_PIECES:
            return []  # not a row of this table (the search would also grow combinatorially)
        hint = pieces[0].col
        best: tuple[float, list[tuple[str | None, int, int]]] | None = None
        for first in range(len(labels)):
            cols = labels[first:]
            if len(cols) > len(pieces):
                continue
            for cuts in itertools.combinations(range(1, len(pieces)), len(cols) - 1):
                bounds = (0, *cuts, len(pieces))
                groups = [pieces[a:b] for a, b in itertools.pairwise(bounds)]
                score = 0.5 * (first == hint) - 0.1 * (len(pieces) - len(cols))
                placed: list[tuple[str | None, int, int]] = []
                for label, group in zip(cols, groups, strict=True):
                    texts = [g.text for g in group]
                    score += self._cell_fit(label, texts)
                    placed.append((label, group[0].start, group[-1].end))
                if best is None or score > best[0]:
                    best = (score, placed)
        if best is None:  # more columns than pieces: a short continuation row, left unlabelled
            return []
        return best[1]

    def _cell_fit(self, label: str, texts: list[str]) -> float:
        """How well the pieces `texts`, joined, fit an indicator column `label`."""
        joined = squash("".join(texts))
        score = 0.0
        for a, b in itertools.pairwise(texts):
            # A piece that cannot stand alone: a number cut from its unit, a 文号 cut open.
            if re.search(r"[\d（(〔\[【]$", a) or re.match(r"[\d号件人户次%％）)〕\]】/]", b):
                score += 1.5
            else:
                score -= 1.0
        if joined in REDACTION_MARKERS:
            return score
        in_l1, in_l2 = joined in self.vocab.l1, joined in self.vocab.l2
        is_target = bool(RE_TARGET.fullmatch(joined))
        is_basis = bool(RE_DOC_NUMBER.search(joined) or joined.endswith(_BASIS_ENDINGS))
        if label == "IND_L1":
            score += 3 if in_l1 else (0 if joined.endswith("指标") else -3)
        elif label == "IND_L2":
            score += 3 if in_l2 else (0 if joined.endswith("指标") else -3)
        elif label == "IND_TARGET":
            score += 2 if is_target else (-1 if is_basis else 0)
        elif label == "IND_BASIS":
            score += 2 if is_basis else (-1 if is_target else 0)
        elif in_l1 or in_l2 or is_target:
            score -= 1.5
        return score

    def _flat_indicator_line(self, text: str, line: TextLine) -> list[Span]:
        out: list[Span] = []
        for m in re.finditer(r"\S+", line.text):
            word, start = m.group(), line.start + m.start()
            if word in self.vocab.l1 and word not in self.vocab.l2:
                out.append(Span.on(text, "IND_L1", start, start + len(word), 0.8))
            elif word in self.vocab.l2 and word not in self.vocab.l1:
                out.append(Span.on(text, "IND_L2", start, start + len(word), 0.8))
        for m in RE_DOC_NUMBER.finditer(line.text):
            out.append(
                Span.on(text, "IND_BASIS", line.start + m.start(), line.start + m.end(), 0.7)
            )
        for m in RE_TARGET.finditer(line.text):
            out.append(
                Span.on(text, "IND_TARGET", line.start + m.start(), line.start + m.end(), 0.6)
            )
        return out

    # --- redactions -------------------------------------------------------------------------

    def redactions(self, ctx: _Context) -> list[Span]:
        """不公开 / 涉密 / 保密 … standing alone (a cell, or after ： in a goal)."""
        return [Span.on(ctx.text, "REDACTED", m.start(), m.end(), 0.95)
                for m in RE_REDACTED.finditer(ctx.text)]  # fmt: skip

    # --- departments ------------------------------------------------------------------------

    def departments(self, ctx: _Context) -> list[Span]:
        """DEPT from page headers (`201 部门名称`, possibly wrapped), `部门：` labels and
        `部门名称 2023 年部门预算` titles; then every other mention of the names found."""
        out: list[Span] = []
        lines = ctx.lines
        below_of = _next_texts(lines)
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            m = RE_HEADER_CODE_LINE.match(line.text)
            if m and not line.tabbed:
                span = self._wrapped_name(ctx.text, line.start + m.start(1), line.end, nxt)
                if span:
                    out.append(span)
                continue
            for m in RE_DEPT_LABEL.finditer(line.text):
                name = self._trim_to_suffix(m.group(1))
                if name:
                    s = line.start + m.start(1)
                    out.append(Span.on(ctx.text, "DEPT", s, s + len(name), 0.85))
            title = re.match(rf"^\s*({_NAME}{{4,40}}?)\s*(?=\d{{4}}\s*年)", line.text)
            if (
                title
                and _YEAR_TITLE.match(line.text[title.end(1) :])
                and self._is_dept(squash(title.group(1)))
            ):
                s = line.start + title.start(1)
                out.append(Span.on(ctx.text, "DEPT", s, s + len(title.group(1)), 0.85))
            elif (below := below_of[i]) and _YEAR_TITLE.match(below.text):
                # A name alone above `2017 年度部门预算`, maybe after a 第二部分 heading.
                # (A space inside the name is extraction noise, one after 第二部分 is not.)
                last = re.search(rf"(?:第[一二三四五六七八九十]+部分\s*)?({_NAME}+)\s*$", line.text)
                if last and self._is_dept(squash(last.group(1))):
                    out.append(
                        Span.on(
                            ctx.text,
                            "DEPT",
                            line.start + last.start(1),
                            line.start + last.end(1),
                            0.8,
                        )
                    )
        for span in out:
            ctx.dept_names.add(squash(span.text))
        names = {n for s in out if "\n" not in s.text for n in self._variants(squash(s.text))}
        ctx.dept_names |= names
        out += _mentions(ctx.text, names, "DEPT", 0.75)
        return out

    def _wrapped_name(self, text: str, start: int, end: int, nxt: TextLine | None) -> Span | None:
        name = text[start:end].rstrip()
        if nxt and not nxt.tabbed:
            cont = nxt.text.strip()
            if (
                0 < len(cont) <= 4
                and re.fullmatch(rf"[{_HAN}（）()]+", cont)
                and self._is_dept(name + cont)
            ):
                s_end = nxt.start + nxt.text.index(cont) + len(cont)
                return Span.on(text, "DEPT", start, s_end, 0.85)
        if self._is_dept(name):
            return Span.on(text, "DEPT", start, start + len(name), 0.85)
        return None

    def _is_page_header(self, text: str) -> bool:
        """Whether `text` is a `201 部门名称` page header (a department code, not a 科目)."""
        m = RE_HEADER_CODE_LINE.match(text)
        return bool(m) and self._is_dept(squash(m.group(1)))

    def _is_dept(self, name: str) -> bool:
        return (
            len(name) >= 4 and name.endswith(self.vocab.dept_suffixes) and not name.endswith("单位")
        )

    def _trim_to_suffix(self, name: str) -> str | None:
        """The longest prefix of `name` that ends with a department suffix, else None."""
        for end in range(len(name), 3, -1):
            if self._is_dept(name[:end]):
                return name[:end]
        return None

    def _variants(self, name: str) -> set[str]:
        """`name` and its usual short forms: without 中国共产党, 委员会→委, without the place."""
        out = {name}
        base = name.removeprefix("中国共产党")
        forms = {base, base.replace("人民代表大会常务委员会", "人大常委会")}
        forms |= {f.replace("委员会", "委", 1) for f in forms if not f.endswith("委员会")}
        for f in list(forms):
            m = _PLACE.match(f)
            if m:
                forms.add(f[m.end() :])
        out |= {f for f in forms if len(f) >= 4 and self._is_dept(f)}
        return out

    # --- projects ---------------------------------------------------------------------------

    def projects(self, ctx: _Context) -> list[Span]:
        """PROJECT from `N、名称绩效目标表` titles, `项目名称` cells, `N、名称：` items under
        分项绩效目标, and known or …经费 names in `主要为A、B等` lists."""
        out: list[Span] = []
        in_list = False
        for line in ctx.lines:
            squashed = squash(line.text)
            m = RE_PROJECT_TITLE.match(line.text)
            if m and not line.tabbed and _is_project_name(m.group(1)):
                name_end = line.start + m.end(1)
                # `XX经费项目绩效目标表` titles the fund XX经费: 项目绩效目标表 is the table's kind
                bare = re.sub(r"\s*项\s?目$", "", m.group(1))
                if bare != m.group(1) and squash(bare).endswith(FUND_SUFFIXES):
                    name_end = line.start + m.start(1) + len(bare)
                out.append(Span.on(ctx.text, "PROJECT", line.start + m.start(1), name_end, 0.9))
                in_list = False
                continue
            if "分项绩效目标" in squashed or ("项目绩效目标" in squashed and not m):
                in_list = True
                continue
            if (in_list and RE_HEADING.match(line.text)) or "名词解释" in squashed:
                in_list = False
            if in_list:
                item = re.match(
                    r"^\s*(?:\d+\s?[、.．]|[（(]\d+[）)])\s*([^：:。，\n]{2,40}?)\s*[：:]",
                    line.text,
                )
                if item and item.group(1).endswith(PROJECT_SUFFIXES) and "*" not in item.group(1):
                    out.append(
                        Span.on(
                            ctx.text,
                            "PROJECT",
                            line.start + item.start(1),
                            line.start + item.end(1),
                            0.8,
                        )
                    )
            cells = [c for c in line.cells if c.text]
            for a, b in itertools.pairwise(cells):
                if squash(a.text) == "项目名称" and _is_project_cell(b.text):
                    out.append(Span.on(ctx.text, "PROJECT", b.start, b.end, 0.85))
        ctx.project_names |= {s.text for s in out}
        for m in RE_LIST_INTRO.finditer(ctx.text):
            body, base = m.group(1), m.start(1)
            found = _mentions(body, ctx.project_names, "PROJECT", 0.8)
            out += [
                Span.on(ctx.text, "PROJECT", base + s.start, base + s.end, s.score) for s in found
            ]
            pos = 0
            for item in body.split("、"):
                s = base + pos
                pos += len(item) + 1
                if (
                    squash(item).endswith(FUND_SUFFIXES[:1] + FUND_SUFFIXES[2:])
                    and len(squash(item)) >= 5
                    and "\n\n" not in item
                    and not any(f.start <= s - base < f.end for f in found)
                ):
                    out.append(Span.on(ctx.text, "PROJECT", s, s + len(item), 0.6))
        return out

    def prose_projects(self, ctx: _Context) -> list[Span]:
        """PROJECT for fund names in prose, read without the line breaks and spaces PDF text
        puts inside names: lists after 项目支出 … 主要为/主要包括 (…等), lists right before
        等项目支出, and `（一）XX经费情况说明` section headings."""
        view, where = _squashed_prose(ctx)
        found: list[tuple[int, int]] = []
        for sentence in re.finditer(r"[^。；;]+", view):
            text, base = sentence.group(), sentence.start()
            first = text.find("项目")  # "项目" before a match: not a copy of the text before it
            if first < 0:
                continue
            for m in _LIST.finditer(text):
                after = text[m.end() : m.end() + 4]
                before_has = first + 2 <= m.start()
                if not before_has and ("项目" not in after or not m.group(0).endswith("等")):
                    continue
                found += _fund_items(text, m.start(1), m.end(1), r"[、，,和及与]", _LIST_LEAD, base)
            # "…检察办案费、检察网络运行维护费、检察教育培训费等项目支出有一定比例压减"
            for m in _LIST_BEFORE.finditer(text):
                found += _fund_items(text, m.start(1), m.end(1), r"、", _LEAD_IN, base)
        for m in _SECTION.finditer(view):
            start, end = m.start(1), m.end(1)
            name = m.group(1)
            # "健康教育项目情况说明" names 健康教育项目; "XX经费项目情况说明" names XX经费
            if name.endswith("项目") and is_fund_name(name[:-2]):
                end -= 2
            if is_fund_name(view[start:end]):
                found.append((start, end))
        return [Span.on(ctx.text, "PROJECT", where[a], where[b - 1] + 1, 0.7) for a, b in found]

    # --- tables: codes and amounts in cells ---------------------------------------------------

    def codes_and_cell_amounts(self, ctx: _Context) -> list[Span]:
        """CODE in 科目编码 columns (whole, or split into 类/款/项 cells) and AMOUNT in numeric
        cells of tab- or space-separated tables; in other lines a leading 3/5/7-digit code
        followed by a name and an amount."""
        out: list[Span] = []
        headers = _Headers()
        for k, line in enumerate(ctx.lines):
            if not line.tabbed:
                if line.text.strip():
                    headers = _Headers()  # a new table or page: its header will be read again
                    m = RE_LEADING_CODE.match(line.text)
                    # The row's amount may follow its name wrapped onto the next lines.
                    rest = [line.text[m.end() :] if m else "", *_texts(ctx.lines[k + 1 : k + 3])]
                    amount_at = next(
                        (j for j, x in enumerate(rest) if RE_AMOUNT_BARE.search(x)), None
                    )
                    if (
                        m
                        and amount_at is not None
                        and not any(RE_LEADING_CODE.match(x) for x in rest[1 : amount_at + 1])
                        and not self._is_page_header(line.text)
                    ):
                        # a whole code (2080505) or its 类 款 项 parts (208 05 05)
                        for part in re.finditer(r"\d+", m.group(1)):
                            a = line.start + m.start(1) + part.start()
                            out.append(Span.on(ctx.text, "CODE", a, a + len(part.group()), 0.7))
                continue
            cells = [c for c in line.cells if c.text]
            if not cells or (
                squash(cells[0].text) in _ROW_SKIP_FIRST
                and cells[0].col == 0
                and _all_small_ints(cells[1:])
            ):
                continue
            numeric = [c for c in cells if _is_number_cell(c.text)]
            if not numeric:
                if sum(bool(re.search(f"[{_HAN}]", c.text)) for c in cells) >= 2:
                    headers.add(cells)
                continue
            out += self._row(ctx.text, cells, headers)
        return out

    def _row(self, text: str, cells: list[Cell], headers: _Headers) -> list[Span]:
        out: list[Span] = []
        heads = [headers.of(c) for c in cells]
        has_code_cols = headers.has("编码", "代码", "类", "款", "项")
        name_at = next(
            (k for k, c in enumerate(cells) if re.match(f"[{_HAN}]", c.text)), len(cells)
        )
        # The code sits right before the row's name: whole (2013101) or as 类/款/项 parts
        # (201 | 31 | 01), after an optional 序号.
        lead = [k for k in range(name_at) if _code_digits(cells[k].text)]
        parts = _code_parts([_code_digits(cells[k].text) or "" for k in lead])
        for k in lead:
            c, head = cells[k], heads[k]
            if "序号" in head:
                continue
            if _is_code_header(head) if has_code_cols else k in lead[len(lead) - parts :]:
                # Under a 编码 header any code counts, even one cut by a page break (2013|101).
                out.append(Span.on(text, "CODE", c.start, c.end, 0.9))
        for k, c in enumerate(cells):
            # Name columns of project tables: 项目名称 holds funds, 单位名称 departments.
            if k < name_at or not re.match(f"[{_HAN}]", c.text) or squash(c.text) in _TOTALS:
                continue
            if "项目名称" in heads[k]:
                out.append(Span.on(text, "PROJECT", c.start, c.end, 0.85))
            elif heads[k].endswith(("单位名称", "实施单位", "预算单位")):
                out.append(Span.on(text, "DEPT", c.start, c.end, 0.8))
        has_code = any(s.label == "CODE" for s in out)
        decimal = any(_is_number_cell(c.text) and "." in _num_text(c.text) for c in cells)
        for k, c in enumerate(cells):
            if any(s.start == c.start for s in out):
                continue
            if any(h in heads[k] for h in _NOT_AMOUNT_HEADER) or c.col == 0:
                continue
            if _is_number_cell(c.text):
                whole = "." not in _num_text(c.text)
                if not whole or has_code or decimal:
                    out.append(Span.on(text, "AMOUNT", c.start, c.end, 0.7 if whole else 0.9))
            elif RE_AMOUNT_UNIT.fullmatch(c.text):
                out.append(Span.on(text, "AMOUNT", c.start, c.end, 0.9))
        return out

    # --- tables flattened to one cell per line ------------------------------------------------

    def one_cell_per_line(self, ctx: _Context) -> list[Span]:
        """CODE and AMOUNT in tables that text extraction flattened to one cell per line (runs
        of short untabbed lines). A code is the run of digit lines right before a row's name:
        whole (2013101), as 类/款/项 lines (201 | 31 | 01), or cut in two (2070 | 101). An
        amount is a number line with a point, or two lines when neither half stands alone
        (630. | 76, 39 | .24, 62.9 | 5)."""
        out: list[Span] = []
        block: list[TextLine] = []
        for line in ctx.lines:
            if not line.text.strip():
                continue  # pdftotext prints a table's cells with blank lines between
            if len(squash(line.text)) <= _FLAT_CELL_CHARS and not line.tabbed:
                block.append(line)
            elif block:
                out += self._flat_cells(ctx.text, block)
                block = []
        return out + (self._flat_cells(ctx.text, block) if block else [])

    def _flat_cells(self, text: str, block: list[TextLine]) -> list[Span]:
        out: list[Span] = []
        nums = [_num_text(x.text) for x in block]
        digits = [n if re.fullmatch(r"\d+", n) else "" for n in nums]
        k = 0
        while k < len(block):
            # A run of digit lines ended by a name line holds the row's code at its end.
            if digits[k]:
                j = k
                while j < len(block) and digits[j]:
                    j += 1
                if j < len(block) and re.match(f"\\s*[{_HAN}]", block[j].text):
                    out += [
                        Span.on(text, "CODE", a, b, 0.8)
                        for a, b in _flat_code(block[k:j], digits[k:j])
                    ]
                    k = j
                    continue
            num, nxt = nums[k], nums[k + 1] if k + 1 < len(block) else ""
            # a number broken over two lines, not over a blank line (cells apart)
            apart = text.count("\n", block[k].end, block[k + 1].start) if nxt else 0
            if num and nxt and _joins(num, nxt) and apart == 1:
                a, b = _stripped(block[k])[0], _stripped(block[k + 1])[1]
                out.append(Span.on(text, "AMOUNT", a, b, 0.8))
                k += 2
                continue
            if num and ("." in num or "," in num):
                out.append(Span.on(text, "AMOUNT", *_stripped(block[k]), 0.8))
            k += 1
        return out

    # --- amounts in prose ---------------------------------------------------------------------

    def prose_amounts(self, ctx: _Context) -> list[Span]:
        """Amounts with a unit anywhere (686.71万元, 20 万元); bare 1,234.56 / 528.36 in lines
        without tabs (PDF text), never a percentage, a date or a count."""
        out = [Span.on(ctx.text, "AMOUNT", m.start(), m.end(), 0.9)
               for m in RE_AMOUNT_UNIT.finditer(ctx.text)]  # fmt: skip
        for line in ctx.lines:
            if line.tabbed:
                continue
            for m in RE_AMOUNT_BARE.finditer(line.text):
                if _NOT_AMOUNT_AFTER.match(line.text, m.end()):
                    continue
                out.append(
                    Span.on(ctx.text, "AMOUNT", line.start + m.start(), line.start + m.end(), 0.7)
                )
        return out


def _spaced_labels(line: str) -> list[str] | None:
    """The IND_* labels of an indicator table's header whose labels are words apart
    ("一级指标 二级指标 三级指标 指标值"), in order; None when `line` is not such a header."""
    words = [_header_label(squash(w)) for w in line.split()]
    return words if len(words) >= 4 and all(words) else None  # type: ignore[return-value]


def _spaced_header(line: str) -> list[str] | None:
    """`_spaced_labels` of a header that opens with 一级指标 and 二级指标, else None."""
    labels = _spaced_labels(line)
    return labels if labels and labels[:2] == ["IND_L1", "IND_L2"] else None


def _ends_table(line: str) -> bool:
    """Whether `line` is a heading or title, or opens a project's form: not an indicator
    table's row."""
    squashed = squash(line)
    return bool(
        RE_HEADING.match(line)
        or squashed.endswith(("目标表", "申报表", "填报表", "绩效表", "预算表", "总表", "情况表"))
        or squashed.startswith(("项目名称", "绩效目标", "年度绩效目标", "总体目标"))
    )


def _padded(text: str) -> bool:
    """Whether most lines of `text` are padded with trailing spaces (pdfplumber's layout
    mode pads each line to the page's width)."""
    lines = [x for x in text.splitlines() if x]
    return sum(x.endswith(" ") for x in lines) > len(lines) / 2


@dataclass
class _Grid:
    """An indicator table laid out with spaces (pdftotext -layout, pdfplumber's layout mode):
    where each header cell starts on its line, by character and by display column. A line
    whose pieces each start where a label starts (the tools place each character at its x)
    is read by position: a row's pieces, or the pieces of cells wrapped onto a line of their
    own, each labelled by its column; a blank merged cell is only an indent. Other lines are
    read by content (`RulesTagger._fit_space_row`)."""

    labels: list[str | None]
    texts: list[str]  # the header cells' texts
    starts: tuple[list[int], list[int]]  # by character, by display column
    fresh: bool = True  # no line read after the header line yet (it may be wrapped labels)

    @classmethod
    def of(cls, line: TextLine, header: dict[int, str]) -> _Grid:
        cells = [c for c in line.cells if c.text]
        starts = ([c.start - line.start for c in cells], [c.x0 for c in cells])
        return cls([header.get(c.col) for c in cells], [c.text for c in cells], starts)

    def place(self, line: TextLine) -> list[tuple[str, int, int]] | None:
        """(label, start, end) for the pieces of `line` in labelled columns ([] for a line of
        the header's wrapped labels); None when a piece does not start where a header label
        starts (by characters or by display columns, ±1), or is itself a header label."""
        # a space line's cells are its pieces; another line is one piece, indented
        pieces = line.cells if line.layout == "space" else _space_cells(line.text, line.start)
        if line.layout == "tab" or any(_header_label(squash(p.text)) for p in pieces):
            return None
        cols = self._columns(pieces, 0, line.start) or self._columns(pieces, 1, line.start)
        if cols is None:
            return None
        first, self.fresh = self.fresh, False
        if first and all(len(p.text) <= 2 and not re.search(r"\d", p.text) for p in pieces):
            # the header's labels, wrapped ("指标值确定依" over "据"): read them whole
            for piece, col in zip(pieces, cols, strict=True):
                self.texts[col] += piece.text
                self.labels[col] = _header_label(squash(self.texts[col])) or self.labels[col]
            return []
        return [
            (label, piece.start, piece.end)
            for piece, col in zip(pieces, cols, strict=True)
            if (label := self.labels[col])
        ]

    def _columns(self, pieces: tuple[Cell, ...], measure: int, line_start: int) -> list[int] | None:
        """The column of each piece by one measure (0: characters, 1: display columns), or
        None when a piece starts away from every label or runs into the next label."""
        starts = self.starts[measure]
        cols = []
        for p in pieces:
            a, b = (p.x0, p.x1) if measure else (p.start - line_start, p.end - line_start)
            col = next((k for k, x in enumerate(starts) if abs(a - x) <= 1), None)
            if col is None or (col + 1 < len(starts) and b > starts[col + 1]):
                return None
            cols.append(col)
        return cols


def _indicator_header(line: TextLine) -> dict[int, str] | None:
    """Column -> IND_* label when `line` is an indicator table's header row, else None."""
    cols: dict[int, str] = {}
    for cell in line.cells:
        squashed = squash(cell.text)
        if (
            not squashed.endswith(("指标", "描述", "依据", "指标值", "目标值", "指标内容"))
            and "指标值" not in squashed
        ):
            continue
        for key, label in _IND_HEADER_TESTS:
            if key in squashed:
                cols[cell.col] = label
                break
    labels = set(cols.values())
    return cols if {"IND_L1", "IND_L2"} <= labels and len(labels) >= 3 else None


_NUMBER_TEXT = re.compile(r"[-−]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)")


def _num_text(s: str) -> str:
    """`s` as a plain number string: NFKC (full-width digits), no spaces, OCR letters read as
    digits, Chinese comma and point as ASCII; "" when `s` is not a number."""
    t = unicodedata.normalize("NFKC", squash(s)).replace("，", ",")
    if sum(ch.isdigit() for ch in t) < max(1, len(t) // 2):
        return ""
    t = t.translate(OCR_TABLE)  # OCR letters read as digits: only in an otherwise numeric cell
    return t if _NUMBER_TEXT.fullmatch(t) else ""


def _stripped(line: TextLine) -> tuple[int, int]:
    body = line.text.strip()
    start = line.start + line.text.index(body[0]) if body else line.start
    return start, start + len(body)


def _flat_code(lines: list[TextLine], digits: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the code spans at the end of a run of digit lines (see
    `one_cell_per_line`); earlier lines are 序号 or 栏次 numbers."""
    if len(digits) >= 2 and len(digits[-2]) in (4, 6) and _code_parts([digits[-2] + digits[-1]]):
        return [(_stripped(lines[-2])[0], _stripped(lines[-1])[1])]
    parts = _code_parts(digits)
    if parts == 1 and len(digits[-1]) == 2:
        return []  # a lone two-digit number before a name is a 序号
    return [_stripped(x) for x in lines[len(lines) - parts :]] if parts else []


def _joins(a: str, b: str) -> bool:
    """Whether number pieces `a` and `b` on two lines are one amount cut in two."""
    if "." in a and "." in b:
        return False
    if a.endswith(".") or b.startswith("."):
        return True
    if "." in a:  # 62.9 | 5: amounts carry two decimals
        return len(a.split(".")[1]) == 1 and len(b) == 1
    return "." in b and len(b.split(".")[1]) == 2 and len(a) <= 3 and "," not in b


def _texts(lines: list[TextLine]) -> list[str]:
    return [x.text for x in lines]


def _next_texts(lines: list[TextLine]) -> list[TextLine | None]:
    """Per line, the first line after it that is not blank (None at the end), in one pass
    from the end: a search per line would be quadratic in a run of blank lines."""
    out: list[TextLine | None] = [None] * len(lines)
    below: TextLine | None = None
    for i in range(len(lines) - 1, -1, -1):
        out[i] = below
        if lines[i].text.strip():
            below = lines[i]
    return out


def _restates(level3: list[str], desc: list[str]) -> float:
    """A bonus when a 绩效指标描述 restates its 三级指标 (全年检查次数 / 检查次数); both are
    lists of squashed lines."""
    a, b = "".join(level3), "".join(desc)
    if a and b and (a in b or b in a):
        return 1.5
    return 0.0


def _header_label(squashed: str) -> str | None:
    """The IND_* label of an indicator-table header cell (一级指标 … 指标值确定依据), else None."""
    if not squashed.endswith(("指标", "描述", "依据", "指标值", "目标值", "指标内容")):
        return None
    return next((label for key, label in _IND_HEADER_TESTS if key in squashed), None)


def _is_number_cell(s: str) -> bool:
    return bool(s) and bool(_num_text(s))


def _code_digits(s: str) -> str | None:
    """The digits of a 科目 code cell (2–7 digits, noise removed), else None."""
    t = _num_text(s)
    return t if re.fullmatch(r"\d{2,7}", t) else None


def _code_parts(digits: list[str]) -> int:
    """How many of the trailing cells in `digits` form one 科目 code: a whole 3/5/7-digit code
    starting 2–5 (功能/经济分类), or 类 (3 digits) then 款 and 项 (2 digits each), where a merged
    类/款 cell may be blank."""
    if not digits:
        return 0
    last = digits[-1]
    if len(last) in (3, 5, 7) and last[0] in "2345":
        return 1
    n = 0
    for d in reversed(digits):
        if len(d) == 2 and n < 2:
            n += 1
        elif len(d) == 3 and d[0] in "2345":
            return n + 1
        else:
            break
    return n


def _is_code_header(head: str) -> bool:
    return any(h in head for h in ("编码", "代码", "科目")) or head in ("类", "款", "项")


@dataclass
class _Headers:
    """Header text of a table's columns, read from its header rows: by cell index for tab
    rows, by horizontal position for space-aligned rows (an indent or a blank cell shifts the
    index, not the position)."""

    by_col: dict[int, str] = field(default_factory=dict)
    by_x: list[tuple[int, int, str]] = field(default_factory=list)
    rows: int = 0

    def add(self, cells: list[Cell]) -> None:
        if self.rows >= _MAX_HEADER_ROWS:
            return
        self.rows += 1
        for c in cells:
            if c.x0 >= 0:
                self.by_x.append((c.x0, c.x1, squash(c.text)))
            else:
                self.by_col[c.col] = self.by_col.get(c.col, "") + squash(c.text)

    def of(self, cell: Cell) -> str:
        if cell.x0 < 0:
            return self.by_col.get(cell.col, "")
        return "".join(t for a, b, t in self.by_x if a < cell.x1 and cell.x0 < b)

    def has(self, *words: str) -> bool:
        texts = [*self.by_col.values(), *(t for _, _, t in self.by_x)]
        return any(t == w or (len(w) > 1 and w in t) for t in texts for w in words)


def _all_small_ints(cells: list[Cell]) -> bool:
    return all(c.text.isdigit() and len(c.text) <= 2 for c in cells)


def _is_project_name(name: str) -> bool:
    return (
        2 <= len(name) <= 60
        and name not in _NOT_PROJECT
        and not name.startswith(("部门整体", "整体"))
    )


def _is_project_cell(s: str) -> bool:
    # A 项目名称 header cell is followed by another header (预算资金, 金额), not a name.
    return s.endswith(PROJECT_SUFFIXES) and not s.startswith(("预算", "资金", "金额", "专项"))


def _mentions(text: str, names: set[str], label: str, score: float) -> list[Span]:
    """Every occurrence of any of `names` in `text`, longest names first, not overlapping; a
    single space may fall between two characters of a name (extraction noise)."""
    # One flag per character taken, not a list of ranges to scan for every occurrence.
    taken = bytearray(len(text))
    out: list[Span] = []
    for name in sorted({squash(n) for n in names}, key=len, reverse=True):
        for m in re.finditer(" ?".join(map(re.escape, name)), text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            out.append(Span.on(text, label, m.start(), m.end(), score))
    return out


# --- fund names in prose -----------------------------------------------------------------------

_LIST = re.compile(
    r"(?:主要为|主要包括|主要用于|主要是|包括)(?:增加|新增|安排)?([^。；;]{2,300}?)等"
)
_LIST_LEAD = re.compile(r"增加|新增|安排|用于")
# A list of funds right before 等项目支出 / 等项目经费, after the last clause break.
_LIST_BEFORE = re.compile(r"([^，,：:（）()]{2,200}?、[^，,：:（）()]{2,200}?)等(?:项目|专项)")
_LEAD_IN = re.compile(r"原因是|主要[是为]|用于|包括|其中|同时|以及|新增|增加了?|安排")
_SECTION = re.compile(
    r"(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])"
    r"([\u3400-\u9fffA-Za-z0-9“”\"（）()]{2,40}?(?:项目)?)(?:绩效目标)?情况说明"
)


def _squashed_prose(ctx: _Context) -> tuple[str, list[int]]:
    """The text without white space and without tab-table lines (each such line a "\\n"),
    full-width letters and digits folded to ASCII, and the source offset of each character."""
    runs: list[str] = []  # runs of non-space characters (a regex finds them: one call a run,
    where: list[int] = []  # not a Python step a character)
    for line in ctx.lines:
        if line.tabbed:
            if runs and runs[-1] != "\n":
                runs.append("\n")
                where.append(line.start)
            continue
        for m in _NON_SPACE.finditer(line.text):
            runs.append(m.group().translate(_FOLD_FULLWIDTH))
            where.extend(range(line.start + m.start(), line.start + m.end()))
    return "".join(runs), where


_NON_SPACE = re.compile(r"\S+")  # re's \s is str.isspace (both Py_UNICODE_ISSPACE)
_FOLD_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def _fund_items(
    text: str, start: int, end: int, sep: str, lead: re.Pattern[str], base: int
) -> list[tuple[int, int]]:
    """The (start, end) of each item of `text[start:end]` split at `sep` that names a fund,
    after the last lead-in word (`lead`) inside it; offsets shifted by `base`."""
    out = []
    pos = start
    for item in re.split(sep, text[start:end]):
        a, b = pos, pos + len(item)
        pos = b + 1
        cut = None
        for m in lead.finditer(item):
            cut = m.end() if lead is _LEAD_IN or m.start() == 0 else cut
        if cut is not None:
            a += cut
        if "\n" not in text[a:b] and is_fund_name(text[a:b]):
            out.append((base + a, base + b))
    return out


def resolve(spans: list[Span]) -> list[Span]:
    """Keep the best of overlapping spans: lower PRIORITY first, then longer, then earlier."""
    ranked = sorted(spans, key=lambda s: (PRIORITY[s.label], -(s.end - s.start), s.start))
    kept: list[Span] = []
    taken = bytearray(max((s.end for s in spans), default=0))
    for s in ranked:
        if any(taken[s.start : s.end]):
            continue
        kept.append(s)
        taken[s.start : s.end] = b"\x01" * (s.end - s.start)
    return sorted(kept)
