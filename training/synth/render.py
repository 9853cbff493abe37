"""Write a `Content` as disclosure text in one of two template families and three layouts,
labelling spans as it goes, and build the gold Disclosure record from the same numbers.

Families: `county` (2020s county/city 部门预算信息公开: 序号/栏次 columns, dept header on every
page, 情况说明 一…九, one 绩效目标表 per project) and `province` (provincial 2016-2020 style:
第一部分 部门概况 / 第二部分 tables / 第三部分 说明, thousands separators, 机关运行经费 and
三公/会议费/培训费 tables). Layouts: `tab` (cells joined by tabs), `cell` (one cell per line),
`space` (columns padded with spaces).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from ie.schema import Disclosure
from ie.text import display_width
from training.synth.content import Content, Leaf
from training.synth.textbuf import Labelled, TextBuilder

LAYOUTS = ("tab", "cell", "space")
#: The layouts a document is drawn from when it is rendered to PDF. A PDF draws its tables on a
#: grid; the cell layout (one cell per line) is text a converter has already flattened, which
#: no PDF holds: drawn as a PDF, its indicator tables and project forms come out as runs of
#: cells in no row (a form's lines even regrouped as a money table's).
PDF_LAYOUTS = ("tab", "space")
Cell = tuple[str, str | None, str | None]  # text, label, noise-region kind
_CN_NUM = "一二三四五六七八九十"


def cn(n: int) -> str:
    """1 -> 一, 12 -> 十二, 23 -> 二十三 (enough for section and row numbers)."""
    if n <= 10:
        return _CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _CN_NUM[tens - 1] + "十"
    return head + (_CN_NUM[ones - 1] if ones else "")


def wan(yuan: int) -> float:
    """元 -> 万元, as the record holds it."""
    return round(yuan / 10000, 6)


@dataclass
class Style:
    """Template choices drawn once per document."""

    layout: str
    seq_col: bool  # 序号 column and 栏次 row
    split_codes: bool  # 类/款/项 columns instead of one code column
    thousands: bool
    header_every_page: bool
    rows_per_page: int
    page_numbers: bool
    form_feed: bool
    prose_unit_space: bool
    strip_zeros: bool
    row_split_p: float


@dataclass
class Rendered:
    """A rendered document: labelled text and its gold record."""

    doc: Labelled
    record: Disclosure
    family: str
    style: Style
    key_figures: dict[str, float] = field(default_factory=dict)


class Writer:
    """Turns one Content into text + record. One instance per document."""

    def __init__(
        self, c: Content, rng: random.Random, layout: str, row_split_p: float, rows_per_page: int
    ) -> None:
        self.c, self.rng, self.b = c, rng, TextBuilder()
        county = c.family == "county"
        self.style = Style(
            layout=layout,
            seq_col=county and rng.random() < 0.8,
            split_codes=rng.random() < (0.15 if county else 0.25),
            thousands=(not county and rng.random() < 0.8) or (county and rng.random() < 0.15),
            header_every_page=county or rng.random() < 0.3,
            rows_per_page=rows_per_page,
            page_numbers=rng.random() < 0.5,
            form_feed=rng.random() < 0.3,
            prose_unit_space=rng.random() < (0.6 if not county else 0.2),
            strip_zeros=rng.random() < 0.5,
            row_split_p=row_split_p,
        )
        self.kf: dict[str, float] = {}
        # projects described in "XX情况说明" sections instead of 绩效目标表 (no indicators)
        self.explain_projects = False
        # project name -> the indicator fields its table has, where it lacks some (the national
        # project form); gold rows leave the others empty
        self.indicator_fields: dict[str, tuple[str, ...]] = {}
        # a 部门决算 (training.synth.final); with drop_final_table one standard table is left
        # out, and dropped_table names it
        self.final = False
        self.drop_final_table = False
        self.dropped_table: str | None = None
        self.level = "department"  # or unit (单位预算 / 单位决算)
        self.tables: list[dict] = []
        self.page = 1

    # --- low-level --------------------------------------------------------------------------
    def put(self, text: str, label: str | None = None, kind: str | None = None) -> None:
        self.b.add(text, label, kind)

    def nl(self, n: int = 1) -> None:
        self.b.add("\n" * n)

    def para(self, *items: str | tuple[str, str | None]) -> None:
        """A prose paragraph; tuples are (text, label) spans. Ends with a blank line."""
        start = self.b.pos
        for it in items:
            if isinstance(it, tuple):
                self.b.add(it[0], it[1])
            else:
                self.b.add(it)
        self.b._regions.append(_region(start, self.b.pos, "prose"))
        self.nl(2)

    def amt(self, yuan: int, key: str | None = None, strip: bool | None = None) -> tuple[str, str]:
        """A prose amount in 万元 (labelled AMOUNT); `key` records it as a stated key figure."""
        v = yuan / 10000
        s = f"{v:.2f}"
        if (self.style.strip_zeros if strip is None else strip) and "." in s:
            s = s.rstrip("0").rstrip(".")
        if key:
            self.kf[key] = wan(yuan)
        return (s + (" 万元" if self.style.prose_unit_space else "万元"), "AMOUNT")

    def num(self, yuan: int | None, zero_blank: bool = True) -> str:
        """A table cell in the document's unit ('' for an empty cell)."""
        if yuan is None or (yuan == 0 and zero_blank):
            return ""
        v = yuan / 10000 if self.c.unit == "万元" else yuan
        if self.c.unit == "元" and yuan % 100 == 0 and self.rng.random() < 0.0:
            return f"{int(v):,}" if self.style.thousands else str(int(v))
        return f"{v:,.2f}" if self.style.thousands else f"{v:.2f}"

    def dept(self) -> tuple[str, str]:
        return (self.c.dept_name, "DEPT")

    # --- tables -------------------------------------------------------------------------------
    def page_break(self) -> None:
        self.page += 1
        if self.style.page_numbers:
            self.put(
                self.rng.choice(
                    [f"- {self.page - 1} -", f"第 {self.page - 1} 页", str(self.page - 1)]
                )
            )
            self.nl()
        self.put("\f" if self.style.form_feed else "\n")

    def table_head(self, title: str, unit_line: bool = True) -> None:
        c = self.c
        if self.final:
            self.put("编制单位：")
            self.put(c.dept_name, "DEPT")
            self.put(" " if self.style.layout != "cell" else "\n")
            self.put(f"{c.year}年度")
            self.put(" " if self.style.layout != "cell" else "\n")
            self.put(f"单位：{c.unit}")
            self.nl(2)
        elif self.c.family == "county":
            self.put(c.dept_code + " ")
            self.put(c.dept_name, "DEPT")
            self.nl(2)
            self.put(self.rng.choice(["预算年度：", "预算年度：\n"]) + str(c.year))
            self.nl(2)
            if unit_line:
                self.put(f"单位：{c.unit}")
                self.nl(2)
        else:
            self.put("部门：")
            self.put(" " if self.rng.random() < 0.5 else "")
            self.put(c.dept_name, "DEPT")
            self.put(" " if self.style.layout != "cell" else "\n")
            self.put(f"单位：{c.unit}")
            self.nl()

    def row(self, cells: list[Cell], widths: list[int] | None = None) -> None:
        lay = self.style.layout
        if lay == "tab":
            for i, (t, lab, kind) in enumerate(cells):
                if i:
                    self.put("\t")
                self.put(t, lab, kind)
            self.nl()
        elif lay == "cell":
            for t, lab, kind in cells:
                if t:
                    self.put(t, lab, kind)
                    self.nl()
        else:
            widths = widths or [display_width(t) for t, _, _ in cells]
            for i, (t, lab, kind) in enumerate(cells):
                if i:
                    self.put("  ")
                self.put(t, lab, kind)
                pad = widths[i] - display_width(t) if i < len(widths) else 0
                if pad > 0 and i < len(cells) - 1:
                    self.put(" " * pad)
            self.nl()

    def table(
        self,
        title: str,
        header: list[list[str]],
        body: list[list[Cell]],
        empty_note: str | None = None,
        title_prefix: str = "",
    ) -> None:
        """Title, head block, header rows, body rows paginated with the header repeated."""
        st = self.style
        if title_prefix:
            self.put(title_prefix)
        self.put(title)
        self.nl(2)
        widths = None
        if st.layout == "space":
            cols = max([len(r) for r in header] + [len(r) for r in body] + [1])
            widths = [0] * cols
            for r in header:
                for i, t in enumerate(r):
                    widths[i] = max(widths[i], display_width(t))
            for r in body:
                for i, (t, _, _) in enumerate(r):
                    widths[i] = max(widths[i], display_width(t))

        def head() -> None:
            self.table_head(title)
            for h in header:
                self.row([(t, None, None) for t in h], widths)

        head()
        n = 0
        i = 0
        while i < len(body):
            r = body[i]
            if n >= st.rows_per_page:
                if st.header_every_page:
                    if self.rng.random() < st.row_split_p:
                        first, second = self._split_row(r)
                        self.row(first, widths)
                        self.page_break()
                        head()
                        self.row(second, widths)
                        n = 1
                        i += 1
                        continue
                    self.page_break()
                    head()
                else:
                    self.page_break()
                n = 0
            self.row(r, widths)
            n += 1
            i += 1
        if empty_note:
            self.nl()
            self.put(empty_note)
            self.nl()
        self.nl()

    def _split_row(self, r: list[Cell]) -> tuple[list[Cell], list[Cell]]:
        """A row cut by a page break, as a PDF cuts one: a wrapped text cell continues on the
        next page; numbers and codes are one line each, so each stays whole on one page (all
        on the first page, or all on the second)."""
        first, second = [], []
        whole_first = self.rng.random() < 0.5
        for j, (t, lab, kind) in enumerate(r):
            if kind == "cell" and len(t) >= 2 and not (j == 0 and self.style.seq_col):
                k = self.rng.randint(1, len(t) - 1)
                first.append((t[:k], lab, kind))
                second.append((t[k:], lab, kind))
            elif whole_first or (j == 0 and self.style.seq_col):
                first.append((t, lab, kind))
                second.append(("", None, None))
            else:
                first.append(("", None, None))
                second.append((t, lab, kind))
        return first, second

    def record_table(self, kind: str, title: str, rows: list[dict]) -> None:
        self.tables.append({"kind": kind, "title": title, "unit": self.c.unit, "rows": rows})


def _region(start: int, end: int, kind: str):
    from training.synth.textbuf import Region

    return Region(start, end, kind)


# --- shared table bodies ------------------------------------------------------------------


def functional_rows(c: Content, leaves: list[Leaf], value) -> list[tuple[str, str, list[int]]]:
    """(code, name, values) rows: 类, 款, 项 with parent sums, in code order."""
    from training.synth import vocab

    names = vocab.functional_for_year(c.year)
    groups: dict[str, list[Leaf]] = {}
    for leaf in leaves:
        groups.setdefault(leaf.code[:3], []).append(leaf)
    out = []
    for lei in sorted(groups):
        ls = groups[lei]
        out.append((lei, names.get(lei, "其他支出"), _sum(ls, value)))
        kuans: dict[str, list[Leaf]] = {}
        for leaf in ls:
            kuans.setdefault(leaf.code[:5], []).append(leaf)
        for kuan in sorted(kuans):
            out.append((kuan, names.get(kuan, "其他支出"), _sum(kuans[kuan], value)))
            for leaf in sorted(kuans[kuan], key=lambda x: x.code):
                out.append((leaf.code, leaf.name, list(value(leaf))))
    return out


def _sum(leaves: list[Leaf], value) -> list[int]:
    vals = [value(x) for x in leaves]
    return [sum(v[i] for v in vals) for i in range(len(vals[0]))]


def code_cells(w: Writer, code: str) -> list[Cell]:
    if w.style.split_codes:
        parts = [code[:3], code[3:5], code[5:7]]
        return [(p, "CODE", "code") if p else ("", None, None) for p in parts]
    return [(code, "CODE", "code")]


def code_header(w: Writer) -> list[str]:
    return ["类", "款", "项"] if w.style.split_codes else ["科目编码"]


def values_dict(keys: list[str], vals: list[int], zero_blank: bool = True) -> dict[str, float]:
    return {k: wan(v) for k, v in zip(keys, vals, strict=False) if v or not zero_blank}


def strip_enum(name: str) -> str:
    return re.sub(r"^(?:[一二三四五六七八九十]+、|\d+、|（[一二三四五六七八九十]+）)", "", name)
