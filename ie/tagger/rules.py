"""The rules backend: high-precision patterns and layout cues that label budget disclosures.

Each rule is a small function `(text, context) -> list[Span]`; `RulesTagger.predict` runs them
all and keeps the best non-overlapping spans. The same rules serve as labelling functions for
weak supervision and as a feature of the CRF.

Layout cues used: tab-separated cells (PDF-to-text tables), the header rows of tables (which
column holds 科目编码, 序号, 数量 …), the 一级指标…指标值确定依据 header of indicator tables (which
column holds which IND_* label), line starts (titles, enumerated lists) and section headings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ie.spans import Span
from ie.tokenize import Term, load_terms

# Rule priority when spans overlap: a lower number wins, then the longer span.
PRIORITY = {
    "IND_L1": 0, "IND_L2": 0, "IND_L3": 0, "IND_DESC": 0, "IND_TARGET": 0, "IND_BASIS": 0,
    "REDACTED": 1, "PROJECT": 2, "DEPT": 3, "CODE": 5, "AMOUNT": 6,
}  # fmt: skip

REDACTION_MARKERS = ("涉密不公开", "不予公开", "不公开", "涉密", "保密")
_HAN = r"\u3400-\u9fff"
# A redaction marker standing alone: not part of a longer word (保密机要局, 涉密采购事项).
RE_REDACTED = re.compile(rf"(?<![{_HAN}])(?:{'|'.join(REDACTION_MARKERS)})(?![{_HAN}])")
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
RE_CODE = re.compile(r"\d(?:\s?\d){2,6}")
# 一、 / （一） / (一) / 第一部分 / 1、 / 1. : enumerators that start titles and list items.
RE_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)"
)
RE_ENUM = re.compile(r"^\s*(?:\d+\s?[、.．]|[（(]\d+[）)])\s*")
RE_PROJECT_TITLE = re.compile(
    r"^\s*(?:\d+\s?[、.．]|[（(][\d一二三四五六七八九十]+[）)])?\s*(.+?)\s*绩效目标表\s*$"
)
_NOT_PROJECT = ("部门整体", "整体支出", "预算项目", "专项资金", "部门", "项目", "单位")
PROJECT_SUFFIXES = ("经费", "费", "项目", "资金", "工程", "专项", "补助", "基地")
RE_LIST_INTRO = re.compile(
    r"(?:主要为|主要包括|主要是|主要用于|包括)(?:增加|新增|安排)?([^。；;\n]{2,300}?)等"
)
_YEAR_TITLE = re.compile(r"\s*\d{4}\s*年(?:度)?\s*(?:部门)?(?:预算|决算)")
RE_DEPT_LABEL = re.compile(
    rf"(?<![{_HAN}])(?:部门名称|单位名称|预算单位|编制单位|填报单位|部\s?门)\s*[:：]\s*([{_HAN}（）()]{{4,40}})"
)
RE_HEADER_CODE_LINE = re.compile(rf"^\s*\d{{3,7}}\s+([{_HAN}（）()]{{2,40}})\s*$")
_PLACE = re.compile(
    rf"^[{_HAN}]{{1,8}}?(?=[省市县区州旗盟](?:委|人大|政协|人民|政府|纪委|[{_HAN}]))"
)

# Indicator-table header cell -> label; the first matching test wins (依据 before 指标值).
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
_ROW_SKIP_FIRST = {"栏次", "档次", "行次", "序号", "栏目"}
_NOT_AMOUNT_HEADER = ("序号", "编码", "代码", "数量", "计量单位", "名称", "栏次")


@dataclass(frozen=True, slots=True)
class Cell:
    """One tab-separated cell of a line: its stripped text and offsets into the whole text."""

    col: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line (without its newline) with its offsets, and its cells when it holds a tab."""

    start: int
    end: int
    text: str
    cells: tuple[Cell, ...] = ()

    @property
    def tabbed(self) -> bool:
        return bool(self.cells)


def split_lines(text: str) -> list[TextLine]:
    """Lines of `text` split at \\n and \\f (trailing \\r dropped), with their tab cells."""
    out: list[TextLine] = []
    start = 0
    for piece in re.split(r"[\n\f]", text):
        raw = piece.rstrip("\r")
        cells = tuple(_cells(raw, start)) if "\t" in raw else ()
        out.append(TextLine(start, start + len(raw), raw, cells))
        start += len(piece) + 1
    return out


def _cells(raw: str, offset: int) -> Iterator[Cell]:
    pos = 0
    for col, part in enumerate(raw.split("\t")):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        yield Cell(col, offset + pos + lead, offset + pos + lead + len(stripped), stripped)
        pos += len(part) + 1


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@dataclass
class _Vocab:
    l1: frozenset[str]
    l2: frozenset[str]
    dept_suffixes: tuple[str, ...]

    @classmethod
    def from_terms(cls, terms: tuple[Term, ...]) -> _Vocab:
        by = lambda cat, sec: [t.text for t in terms if t.category == cat and t.section == sec]  # noqa: E731
        suffixes = sorted(by("DEPT", "SUFFIX"), key=len, reverse=True)
        return cls(frozenset(by("IND", "L1")), frozenset(by("IND", "L2")), tuple(suffixes))


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
        spans += self.codes_and_cell_amounts(ctx)
        spans += self.prose_amounts(ctx)
        return resolve(spans)

    # --- indicator tables -----------------------------------------------------------------

    def indicator_cells(self, ctx: _Context) -> list[Span]:
        """IND_* by column under a 一级指标…指标值确定依据 header row; in flattened tables
        (no tabs) by vocabulary and pattern, line by line, until the next title."""
        out: list[Span] = []
        cols: dict[int, str] | None = None
        flat = False
        for line in ctx.lines:
            squashed = _squash(line.text)
            if line.tabbed:
                header = _indicator_header(line)
                if header:
                    cols, flat = header, False
                    continue
                if cols is None:
                    continue
                first = next((c.text for c in line.cells if c.text), "")
                if _squash(first) in {"绩效目标", "年度绩效目标", "项目名称", "总体目标"}:
                    cols = None
                    continue
                for cell in line.cells:
                    label = cols.get(cell.col)
                    if label and cell.text:
                        if _squash(cell.text) in REDACTION_MARKERS:
                            label = "REDACTED"
                        out.append(Span.on(ctx.text, label, cell.start, cell.end, 0.9))
                continue
            if not squashed:
                continue
            if "一级指标" in squashed and ("二级指标" in squashed or squashed == "一级指标"):
                cols, flat = None, True
                continue
            if cols is not None or (
                flat and (RE_HEADING.match(line.text) or "绩效目标表" in squashed)
            ):
                cols, flat = None, False  # a line without tabs ends a tabbed table
            if flat:
                out += self._flat_indicator_line(ctx.text, line)
        return out

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
            title = re.match(rf"^\s*([{_HAN}（）()]{{4,40}}?)\s*(?=\d{{4}}\s*年)", line.text)
            if (
                title
                and _YEAR_TITLE.match(line.text[title.end(1) :])
                and self._is_dept(title.group(1))
            ):
                s = line.start + title.start(1)
                out.append(Span.on(ctx.text, "DEPT", s, s + len(title.group(1)), 0.85))
            elif nxt and _YEAR_TITLE.match(nxt.text):
                # A name alone above `2017 年度部门预算`, maybe after a 第二部分 heading.
                last = re.search(r"(\S+)\s*$", line.text)
                if last and self._is_dept(last.group(1)):
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
            ctx.dept_names.add(span.text)
        names = {n for s in out if "\n" not in s.text for n in self._variants(s.text)}
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
            squashed = _squash(line.text)
            m = RE_PROJECT_TITLE.match(line.text)
            if m and not line.tabbed and _is_project_name(m.group(1)):
                out.append(
                    Span.on(
                        ctx.text, "PROJECT", line.start + m.start(1), line.start + m.end(1), 0.9
                    )
                )
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
                if _squash(a.text) == "项目名称" and _is_project_cell(b.text):
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
                    item.endswith("经费")
                    and len(item) >= 5
                    and not any(f.start <= s - base < f.end for f in found)
                ):
                    out.append(Span.on(ctx.text, "PROJECT", s, s + len(item), 0.6))
        return out

    # --- tables: codes and amounts in cells ---------------------------------------------------

    def codes_and_cell_amounts(self, ctx: _Context) -> list[Span]:
        """CODE in 科目编码 columns and AMOUNT in numeric cells of tab-separated tables; in
        untabbed lines a leading 3/5/7-digit code followed by a name and an amount."""
        out: list[Span] = []
        headers: dict[int, str] = {}
        for line in ctx.lines:
            if not line.tabbed:
                if line.text.strip():
                    headers = {}  # a new table or page: its header will be read again
                    m = re.match(rf"^\s*([2-5]\d\d(?:\d\d){{0,2}})\s+[{_HAN}]", line.text)
                    if m and RE_AMOUNT_BARE.search(line.text, m.end()):
                        out.append(
                            Span.on(
                                ctx.text,
                                "CODE",
                                line.start + m.start(1),
                                line.start + m.end(1),
                                0.7,
                            )
                        )
                continue
            cells = [c for c in line.cells if c.text]
            if not cells or (
                _squash(cells[0].text) in _ROW_SKIP_FIRST
                and cells[0].col == 0
                and _all_small_ints(cells[1:])
            ):
                continue
            numeric = [c for c in cells if _is_number_cell(c.text)]
            if not numeric:
                if sum(bool(re.search(f"[{_HAN}]", c.text)) for c in cells) >= 2:
                    for c in cells:
                        headers[c.col] = headers.get(c.col, "") + _squash(c.text)
                continue
            out += self._row(ctx.text, line, headers)
        return out

    def _row(self, text: str, line: TextLine, headers: dict[int, str]) -> list[Span]:
        out: list[Span] = []
        cells = [c for c in line.cells if c.text]
        code_cols = {col for col, h in headers.items() if "编码" in h or "代码" in h}
        has_code = False
        for k, c in enumerate(cells):
            nxt = cells[k + 1].text if k + 1 < len(cells) else ""
            digits = _squash(c.text)
            looks_code = bool(RE_CODE.fullmatch(c.text)) and nxt[:1] > "\u3400"
            if looks_code and (
                c.col in code_cols
                or (
                    not code_cols
                    and c.col <= 2
                    and digits[0] in "2345"
                    and len(digits) in (3, 5, 7)
                    and "序号" not in headers.get(c.col, "")
                )
            ):
                out.append(Span.on(text, "CODE", c.start, c.end, 0.9))
                has_code = True
        decimal = any(_is_number_cell(c.text) and not c.text.isdigit() for c in cells)
        for c in cells:
            if any(s.start == c.start for s in out):
                continue
            header = headers.get(c.col, "")
            if any(h in header for h in _NOT_AMOUNT_HEADER) or c.col == 0:
                continue
            if _is_number_cell(c.text):
                if not c.text.isdigit() or has_code or decimal:
                    out.append(
                        Span.on(
                            text, "AMOUNT", c.start, c.end, 0.9 if not c.text.isdigit() else 0.7
                        )
                    )
            elif RE_AMOUNT_UNIT.fullmatch(c.text):
                out.append(Span.on(text, "AMOUNT", c.start, c.end, 0.9))
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


def _indicator_header(line: TextLine) -> dict[int, str] | None:
    """Column -> IND_* label when `line` is an indicator table's header row, else None."""
    cols: dict[int, str] = {}
    for cell in line.cells:
        squashed = _squash(cell.text)
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


def _is_number_cell(s: str) -> bool:
    return bool(s) and RE_CELL_NUMBER.fullmatch(s) is not None and any(ch.isdigit() for ch in s)


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
    """Every occurrence of any of `names` in `text`, longest names first, not overlapping."""
    taken: list[tuple[int, int]] = []
    out: list[Span] = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(Span.on(text, label, m.start(), m.end(), score))
    return out


def resolve(spans: list[Span]) -> list[Span]:
    """Keep the best of overlapping spans: lower PRIORITY first, then longer, then earlier."""
    ranked = sorted(spans, key=lambda s: (PRIORITY[s.label], -(s.end - s.start), s.start))
    kept: list[Span] = []
    occupied: list[tuple[int, int]] = []
    for s in ranked:
        if any(a < s.end and s.start < b for a, b in occupied):
            continue
        kept.append(s)
        occupied.append((s.start, s.end))
    return sorted(kept)
