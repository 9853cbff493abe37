"""Records: what the stages before made of a `Document` in (prose-normalized text, sections,
money tables, indicator layout, the tagger's spans and what `ie.tables.assemble` built from
them), the SCHEMA.md `Disclosure` out.

What is read from where:

- department, year — the `201 XXX` header lines of table pages, `部门：XXX` labels, the title
  (`XXX 2023 年部门预算…`);
- key figures — the 情况说明 prose (收入/支出说明, 比上年增减, 机关运行经费, “三公”经费, 政府采购,
  国有资产), then the money tables for keys the prose leaves out; a prose figure that a table
  contradicts becomes a failed `Check`, and so does a key the prose states twice with two
  numbers (the one a table confirms is taken, else the first);
- projects, indicators, redactions — assembled from the tagger's spans (`ie.tables.assemble`);
  the goal texts of projects from the 分项绩效目标 items and XX经费情况说明 sections;
- amounts — the tagger's AMOUNT spans in the prose that carry a unit, in 万元, with the words
  before them.

Prose is matched on a whitespace-free view of the source without page numbers (PDF text wraps
mid-phrase, spaces out characters and puts page footers mid-sentence); every match maps back to
source offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ie.checks import format_amount, run_checks
from ie.ingest import Document, source_of
from ie.lexicon import DEPT_END, is_fund_name
from ie.normalize import PROSE_LAYOUT, TRANSFORMS, NormalizedText, Offsets
from ie.schema import (
    Amount,
    Check,
    Department,
    Disclosure,
    Entity,
    Project,
    Table,
)
from ie.segment import Sections
from ie.spans import Span
from ie.tables.assemble import Assembled, name_key
from ie.tables.indicators import FIELDS, IndicatorTable, redaction_marker
from ie.tables.money_arith import fold_name
from ie.text import OCR_DIGITS

_HAN = r"\u3400-\u9fff"
_NUM = r"\d[\d,，]*(?:\.\d+)?"
_UNIT = r"(?:亿元|万元|元)"
_AMOUNT = re.compile(rf"(?<![\d.])({_NUM})({_UNIT})")
_Q = r"[“”\"'‘’「」『』]?"
# Words allowed between a keyword and its figure: 预算数为, 共计安排, 支出 … but no change word,
# no figure, no clause break.
_FILL = (
    r"(?:(?!增加|减少|增长|下降|相比|比上|较上|持平|占|调[增减]|压减|新增|[小大多少低高]于)"
    r"[^，。；;,:：\d（）()、])"
)
# The prose is read from text normalized by every transform plus page-number removal (a footer
# such as "- 17 -" or a bare "18" lands mid-sentence in PDF text: "经费预算\f- 17 -\n支出
# 1,130.74 万元"); repeated table headers stay, they are blanked as table lines anyway.
# Layout whitespace goes too (`PROSE_LAYOUT`): blank lines inside a wrapped line, padding
# between words, so prose from a layout-mode or raw text tool reads as one-newline-per-line text.
PROSE_TRANSFORMS: tuple[str, ...] = (
    *(name for name, _ in TRANSFORMS),
    "page_number",
    *(name for name, _ in PROSE_LAYOUT),
)
_TOTAL_OK_BEFORE = set("年度门位部厅院局委会室计：:）)，,、为中是。；;\n") | {""}


@dataclass(frozen=True, slots=True)
class _View:
    """The prose of a document, normalized (`ie.normalize`: full-width digits, OCR confusions
    and broken numbers mended) and without whitespace (tab-table lines blanked), with the
    source range of each of its characters."""

    text: str
    offsets: Sequence[int]
    ends: Sequence[int]
    # view positions whose character is the first of its source line ("三、支出决算情况说明" /
    # "本年支出合计4028.10万元" read as one run once whitespace is gone)
    line_starts: frozenset[int] = frozenset()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source `[start, end)` of view `[start, end)`."""
        return self.offsets[start], self.ends[end - 1]


def _ocr_lead(line: str, i: int) -> bool:
    """Whether `line[i]` (a letter of `ie.text.OCR_DIGITS`) is an OCR misreading of a digit:
    a number's first digit, with a digit or a decimal point and digit after it (`预算l70.99万元`)
    or alone before a money unit (`基金预算收入O 万元`), and no ASCII letter or digit glued
    before it; or a digit inside a number, before a digit or a money unit (`0.0O 万元`)."""
    before = line[i - 1] if i else ""
    after = line[i + 1 : i + 6]
    if re.fullmatch(r"[\d.]", before):  # inside a number: `0.0O 万元`, `1O5.3万元`
        return bool(re.match(r"\d|\s*(?:万元|亿元|元)", after))
    return not (before.isascii() and before.isalnum()) and bool(
        re.match(r"\d|\.\d|\s*(?:万元|亿元|元)", after)
    )


def _prose_view(nt: NormalizedText, skip: Sequence[tuple[int, int]] = ()) -> _View:
    """The prose view of a document from its text normalized for prose (`PROSE_TRANSFORMS`);
    source ranges in `skip` (table regions) and tab-table lines are left out, each run
    replaced by one "\\n" so no phrase reads across a table."""
    blank = bytearray(len(nt.source) + 1)
    for start, end in skip:
        blank[max(0, start) : max(0, end)] = b"\x01" * (max(0, end) - max(0, start))
    chars: list[str] = []
    code = Offsets.typecode_for(len(nt.source))
    offsets, ends = Offsets(code), Offsets(code)  # not a Python int per character

    def cut(at: int) -> None:
        if chars and chars[-1] != "\n":
            chars.append("\n")
            offsets.append(at)
            ends.append(at)

    starts: set[int] = set()
    pos = 0
    for line in re.split(r"[\n\f]", nt.text):
        if "\t" in line:  # a table line of PDF-to-text output, not prose
            cut(nt.offsets[pos])
        else:
            first = True
            for i, ch in enumerate(line):
                src = nt.offsets[pos + i]
                if blank[src]:
                    cut(src)
                elif not ch.isspace():
                    if ch in OCR_DIGITS and _ocr_lead(line, i):
                        ch = OCR_DIGITS[ch]
                    if first:
                        starts.add(len(chars))
                        first = False
                    chars.append(ch)
                    offsets.append(src)
                    ends.append(nt.ends[pos + i])
        pos += len(line) + 1
    return _View("".join(chars), offsets, ends, frozenset(starts))


def _table_spans(sections: Sections, ind_tables: Sequence[IndicatorTable]) -> list[tuple[int, int]]:
    """Source ranges of the money tables (`ie.segment`) and of the 绩效目标表, which hold
    words (会议费, 培训费…) and figures that are not prose statements."""
    spans = [(t.start, t.end) for t in sections.tables if not t.empty]
    for t in ind_tables:
        cells = [c for r in t.rows for f in FIELDS if (c := getattr(r, f)) is not None]
        if cells:
            spans.append((t.title.start, max(c.end for c in cells)))
    return spans


def _number(text: str) -> float:
    return float(re.sub(r"[,，]", "", text))


def to_wan(value: float, unit: str) -> float:
    """`value` in `unit` (元, 万元, 亿元) as 万元."""
    if unit == "元":
        return round(value / 10000, 6)
    if unit == "亿元":
        return round(value * 10000, 6)
    return value


# --- key figures from prose -----------------------------------------------------------------

# 收入、支出预算总计 / 收支总预算 / 收支预算总额 / 收支预算安排: one figure for both totals.
_BOTH_TOTAL = r"收[入]?[、,，]?支[出]?(?:预算|决算)?总[计预额]"
_BOTH_PLAN = r"收[入]?[、,，]?支[出]?(?:预算)?安排"
# key → keyword patterns; a keyword is followed by filler words and a figure with its unit.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "income_total": (
        r"收入预算总计", r"收入总计", r"收入预算合计", r"收入合计", r"收入总预算", r"收入总额",
        r"预算收入", r"收入预算", _BOTH_TOTAL, _BOTH_PLAN,
    ),
    "income_general_budget": (r"一般公共预算(?:财政)?(?:拨款)?(?:资金)?收入",),
    "income_gov_fund": (r"政府性基金(?:预算)?(?:财政)?(?:拨款)?收入", r"基金预算(?:拨款)?收入"),
    "income_state_capital": (r"国有资本经营预算(?:财政)?(?:拨款)?收入",),
    "income_special_account": (r"财政专户(?:管理资金|核拨)(?:收入)?",),
    "income_business": (r"事业收入",),
    "income_other": (r"其他来源收入", r"其他收入", r"其他资金(?:收入)?"),
    "carryover": (r"上年结转(?:和?结余)?(?:资金)?(?:收入)?",),
    "expense_total": (
        r"支出预算总计", r"支出总计", r"支出预算合计", r"支出合计", r"支出总额", r"支出预算",
        r"预算支出", _BOTH_TOTAL, _BOTH_PLAN,
    ),
    "expense_basic": (r"基本支出",),
    "expense_personnel": (r"人员经费", r"人员支出"),
    "expense_public": (r"日常公用经费", r"公用经费", r"公用支出"),
    "expense_project": (r"项目支出",),
    "expense_reserve": (r"单位预留机动经费", r"预留机动经费"),
    "operating_cost": (r"机关运行经费",),
    "three_public_total": (rf"{_Q}三公{_Q}经费",),
    "three_public_abroad": (r"因公出国[（(]境[）)]费", r"因公出国境费"),
    "three_public_vehicle": (r"公务用车购置及运(?:行)?(?:维护?)?费",),
    # 公务用车购置费 / "公务用车购置预算支出 0 万元" / "公务用车购置为 0", not 购置及运行费
    "three_public_vehicle_purchase": (r"公务用车购置费", r"公务用车购置(?![及和与、运费])"),
    "three_public_vehicle_operation": (r"公务用车运(?:行)?(?:维护?)?费",),
    "three_public_reception": (r"公务接待费",),
    "meeting_fee": (r"会议费",),
    "training_fee": (r"培训费",),
    "procurement_total": (r"政府采购(?:支出)?预算(?:总额|合计|总计)?",),
    "fixed_assets_total": (
        r"年末\S{0,16}?固定资产(?:金额|总额|原值|价值)?(?:合计|共计|总计)?",
        r"固定资产(?:金额|总额|原值|价值)(?:合计|共计|总计)?",
    ),
}  # fmt: skip
# A 部门决算 (final accounts) names its totals otherwise (SCHEMA 1.1): 收入支出总计 is the
# grand_total, 本年收入合计 / 本年支出合计 the year's income and expense, 年初/年末结转和结余 the
# balances; the other keys read as in a budget.
_FINAL_KEYWORDS: dict[str, tuple[str, ...]] = {
    **_KEYWORDS,
    "grand_total": (_BOTH_TOTAL, r"收支总计"),
    "income_total": (r"本年收入(?:决算)?合计", r"收入决算合计"),
    "expense_total": (r"本年支出(?:决算)?合计", r"支出决算合计"),
    "carryover": (r"年初结转和?结余", r"上年结转和?结余"),
    "carryover_end": (r"年末结转和?结余",),
    # 政府采购支出总额 (what was bought), not a 政府采购预算 it may state beside it
    "procurement_total": (r"政府采购支出(?:总额|合计|总计)",),
}
# Keywords that name a figure only when the figure follows at once ("其中：一般公共预算拨款
# 686.71万元"): with filler words they would read "一般公共预算拨款安排的会议费 …".
_TIGHT: dict[str, tuple[str, ...]] = {
    "income_general_budget": (r"一般公共预算(?:当年)?(?:财政)?拨款(?:资金)?",),
    "income_gov_fund": (r"政府性基金(?:预算)?(?:财政)?拨款",),
    "income_state_capital": (r"国有资本经营预算(?:财政)?拨款",),
}
# Words that, just before a keyword, make it a part of something else (财政拨款收入, 基金预算收入).
_DENY_BEFORE: dict[str, tuple[str, ...]] = {
    "income_total": (
        "拨款",
        "公共",
        "基金",
        "经营",
        "专户",
        "事业",
        "其他",
        "核拨",
        "资金",
        "上年",
    ),
    "expense_total": (
        "拨款",
        "公共",
        "基金",
        "经营",
        "经费",
        "费",
        "类）",
        "类)",
        "）",
        "上年",
        "项目",
        "基本",
    ),
    # 一般公共预算基本支出 / 财政拨款项目支出: the appropriations' part only
    "expense_basic": ("拨款", "公共预算"),
    "expense_project": ("等", "拨款", "公共预算"),
    "fixed_assets_total": ("购置", "新增", "购买", "拟"),
    "three_public_vehicle_operation": ("及",),
    # 拟采购 / 货物类政府采购支出预算: a part of the procurement budget
    "procurement_total": ("拟", "类", "货物", "服务", "工程"),
}
_DENY_BEFORE["grand_total"] = _DENY_BEFORE["income_total"]
# 年初/年末财政拨款结转和结余 is the appropriations' part
for _key in ("carryover", "carryover_end"):
    _DENY_BEFORE[_key] = ("拨款",)
_ALLOW_ONLY_AFTER = ("income_total", "expense_total", "grand_total")
# "增加基本支出844.15万元" states a change, not the figure.
_CHANGE_WORDS = ("增加", "减少", "新增", "压减", "调增", "调减", "增长", "下降")
# A figure: a number with its unit, or a bare 0 right after 为 ("公务用车购置为 0，与上年持平":
# zero needs no unit).
_FIGURE = rf"(?:(?P<num>{_NUM})(?P<unit>{_UNIT})|(?<=为)(?P<zero>0(?:\.0+)?)(?=[，。；;,]))"
# Words that name a figure of their own: a figure with one of them between it and a keyword
# is theirs ("…会议费和培训费" + next line "“三公”经费预算为40万元" is not the 培训费).
_TOPIC = re.compile(
    r"三公|会议费|培训费|机关运行|接待费|出国|公务用车|政府采购|基本支出|项目支出|人员经费|"
    r"公用经费|预留机动|固定资产"
)


@dataclass(frozen=True, slots=True)
class _Statement:
    """One prose statement of a key figure: its value in 万元 and source range."""

    value: float
    start: int
    end: int


def _statements(
    view: _View, year: int | None, kind: str | None = None
) -> dict[str, list[_Statement]]:
    """key → every prose statement of it for `year`, in text order (a document may state a
    figure twice, and now and then with two different numbers). In final accounts (`kind`
    final_accounts) the keywords are the 决算 ones, and a figure stated as a 预算数 (“三公”经费
    年初预算为 …，支出决算为 …) is not the key's: the 决算数 after it is."""
    text = view.text
    final = kind == "final_accounts"
    out: dict[str, list[_Statement]] = {}
    for key, words in (_FINAL_KEYWORDS if final else _KEYWORDS).items():
        patterns = [
            rf"(?P<kw>{'|'.join(words)}){_FILL}{{0,10}}?[:：]?(?:为|是|共计|合计)?{_FIGURE}"
        ]
        if key in _TIGHT:
            patterns.append(
                rf"(?P<kw>{'|'.join(_TIGHT[key])})(?:收入)?(?:预算数?)?[:：]?(?:为|是)?{_FIGURE}"
            )
        found: dict[int, _Statement] = {}  # by the figure's position
        for pattern in map(re.compile, patterns):
            # every start, overlapping: a keyword whose figure is rejected may hold the next
            # keyword and its figure ("“三公”经费“三公”经费预算安排5万元")
            pos = 0
            while m := pattern.search(text, pos):
                pos = m.start() + 1
                before = text[max(0, m.start() - 4) : m.start()]
                deny = (*_DENY_BEFORE.get(key, ()), *_CHANGE_WORDS)
                if any(before.endswith(w) for w in deny):
                    continue
                if key in _ALLOW_ONLY_AFTER and (
                    (before[-1:] not in _TOTAL_OK_BEFORE and m.start() not in view.line_starts)
                    or _in_subject_item(text, m.start())
                ):
                    continue
                # assets are counted at the end of the year before the budget year
                if _other_year(text, m.start(), year, key == "fixed_assets_total"):
                    continue
                figure = "zero" if m.group("zero") is not None else "num"
                if _TOPIC.search(text, m.end("kw"), m.start(figure)):
                    continue
                if final and "预算" in text[m.end("kw") : m.start(figure)]:
                    # "…年初预算为 30 万元，支出决算为 25 万元": the 决算数 after it is the key's
                    m = _ACTUAL_AFTER.match(text, m.end())
                    if m is None:
                        continue
                    figure = "zero" if m.group("zero") is not None else "num"
                if figure == "zero":
                    value, (start, end) = 0.0, view.span(m.start("zero"), m.end("zero"))
                else:
                    value = to_wan(_number(m.group("num")), m.group("unit"))
                    start, end = view.span(m.start("num"), m.end("unit"))
                found.setdefault(m.start(figure), _Statement(value, start, end))
        if found:
            out[key] = [found[k] for k in sorted(found)]
    if (change := _change_total(view, final)) is not None:
        out["change_total"] = [_Statement(*change)]
    return out


# The 决算数 stated right after a 预算数 in the same clause: "，支出决算为25万元".
_ACTUAL_AFTER = re.compile(rf"[，,]\s*(?:支出)?决算(?:数)?(?:为|是)?\s*{_FIGURE}")


def _in_subject_item(text: str, pos: int) -> bool:
    """Whether the sentence before `pos` is about one 科目 ("检察（款）：2018 年预算支出合计"):
    its 支出合计 is that item's, not the budget's."""
    sentence = re.split(r"[。；;\n]", text[max(0, pos - 60) : pos])[-1]
    return bool(re.search(r"[（(][类款项][）)]", sentence))


def _other_year(text: str, pos: int, year: int | None, year_end: bool = False) -> bool:
    """Whether the clause before `pos` speaks of another year than `year` (上年, 2016 年度 …).
    With `year_end` (a figure counted at the end of the year before, 截至2018年12月31日) that
    year is not another one."""
    clause = re.split(r"[。；;，,（(]", text[max(0, pos - 40) : pos])[-1]
    if not year_end and re.search(r"上年|去年|上一年", clause):
        return True
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", clause)]
    ok = (year, year - 1) if year_end and year is not None else (year,)
    return year is not None and any(y not in ok for y in years)


_CHANGE = re.compile(
    rf"(?:同比|(?:较|比|与)(?:上年|上一年|去年|(?:19|20)\d\d年(?:度)?)(?:预算|决算|执行)?(?:数)?"
    rf"(?:相比)?)[，,]?"
    rf"(?P<both>收[入]?[、,，]?支[出]?(?:预算|决算)?总计)?各?(增加|减少|增长|下降|持平)(?:了)?"
    rf"({_NUM})?({_UNIT})?"
)
# Words that make a sentence about the whole budget ("2020年部门预算收入总额为…，比上年增加…")
_TOTAL_CUE = re.compile(
    r"收[入]?[、,，]?支|预算总计|收支|总预算|预算安排|收入总额|支出总额|预算总额|预算收入|收入预算"
)
# … and words that make it about one part of it.
_PART_CUE = re.compile(
    r"拨款收|一般公共预算|基本支出|项目支出|三公|机关运行|类）|类\)|专户|其他资金|其他收入|"
    r"事业收入|经营收入|结转|基金"
)


def _change_total(view: _View, final: bool = False) -> tuple[float, int, int] | None:
    """The signed change of the total budget: the first change stated in a sentence about the
    total (收支 / 预算总计), before any 其中 breakdown. In final accounts the sentence may name
    the total in the change itself ("与2023年度相比，收入、支出总计各增加…")."""
    text = view.text
    pos = 0
    # a blanked table line ends a sentence too, and so does a numbered heading ("3、比上年…")
    for sentence in re.split(r"(?<=[。\n])|(?=(?<![\d.])\d{1,2}、)", text):
        head = sentence.split("其中")[0]
        m = _CHANGE.search(head)
        cued = m is not None and (
            bool(_TOTAL_CUE.search(head[: m.start()])) or (final and m.group("both") is not None)
        )
        if m and cued and not _PART_CUE.search(head[: m.start()]):
            word, num, unit = m.group(2), m.group(3), m.group(4)
            if word == "持平":
                s, e = view.span(pos + m.start(2), pos + m.end(2))
                return 0.0, s, e
            if num and unit:
                value = to_wan(_number(num), unit)
                if word in ("减少", "下降"):
                    value = -value
                s, e = view.span(pos + m.start(3), pos + m.end(4))
                return value, s, e
        pos += len(sentence)
    return None


# --- key figures from tables ------------------------------------------------------------------

_ROW_KEYS: tuple[tuple[str, str, str], ...] = (
    # (table kinds, row name pattern, key) — applied to values["total"]
    ("income_expense_summary income_summary", r"^(?:本年)?收入[总合]计$", "income_total"),
    ("income_expense_summary income_summary", r"一般公共预算", "income_general_budget"),
    ("income_expense_summary income_summary", r"政府性基金", "income_gov_fund"),
    ("income_expense_summary income_summary", r"国有资本经营", "income_state_capital"),
    ("income_expense_summary income_summary", r"财政专户", "income_special_account"),
    ("income_expense_summary income_summary", r"^事业收入$", "income_business"),
    ("income_expense_summary income_summary", r"^其他(?:资金|收入|来源收入)$", "income_other"),
    ("income_expense_summary income_summary", r"上年结转", "carryover"),
    ("income_expense_summary", r"预留机动经费$", "expense_reserve"),
    ("three_public", r"三公.{0,2}经费(?:小计|合计)?$", "three_public_total"),
    ("three_public", r"因公出国", "three_public_abroad"),
    ("three_public", r"购置及运", "three_public_vehicle"),
    ("three_public", r"公务用车购置费", "three_public_vehicle_purchase"),
    # not the 公务用车购置及运行维护费 row above it
    ("three_public", r"(?<!及)(?:运行维护费|运维费)$", "three_public_vehicle_operation"),
    ("three_public", r"公务接待", "three_public_reception"),
    ("three_public", r"会议费", "meeting_fee"),
    ("three_public", r"培训费", "training_fee"),
    ("procurement", r"^合计$", "procurement_total"),
    ("fixed_assets", r"^合计$", "fixed_assets_total"),
)  # fmt: skip
# A table that covers only the appropriations (财政拨款 / 一般公共预算), not the whole budget.
_APPROPRIATION_TITLE = re.compile(r"财政拨款|一般公共预算|公共财政")


# A 决算's 收入支出决算总表 rows: (row name pattern, key), the 总计 row being the grand total.
_FINAL_SUMMARY_ROWS: tuple[tuple[str, str], ...] = (
    # prefixes: a text tool may wrap a name and leave its figure beside the first piece
    (r"^本年收入", "income_total"),
    (r"^本年支出", "expense_total"),
    (r"^(?:年初|上年)结", "carryover"),
    (r"^年末结", "carryover_end"),
)


def _final_summary_figures(table: Table) -> dict[str, float]:
    """The 决算 totals a whole-department 收入支出决算总表 prints (`_FINAL_SUMMARY_ROWS`, and its
    last 合计, the 总计, as grand_total)."""
    out: dict[str, float] = {}
    totals = [r for r in table.rows if r.code is None and r.name == "合计" and "total" in r.values]
    if totals:
        out["grand_total"] = totals[-1].values["total"]
    for pattern, key in _FINAL_SUMMARY_ROWS:
        for row in table.rows:
            if re.search(pattern, re.sub(r"\s", "", row.name)) and "total" in row.values:
                out.setdefault(key, row.values["total"])
    return out


def table_figures(tables: Sequence[Table], kind: str | None = None) -> dict[str, float]:
    """Key figures the money tables state: totals of the 支出 and 基本支出 tables, the 合计 of
    the 收入总表 (and of a 收支总表 that is not the 财政拨款 one), the rows of 收入/收支总表,
    “三公”经费, 政府采购 and 固定资产 tables, the 合计 of the 机关运行经费 table (first table of
    a kind wins, a whole-budget 支出 table before a 财政拨款 one). In final accounts (`kind`
    final_accounts) the 收入支出决算总表 gives the 决算 totals instead (`_final_summary_figures`).
    """
    out: dict[str, float] = {}
    if kind == "final_accounts":
        for table in tables:
            if table.kind == "income_expense_summary" and not _APPROPRIATION_TITLE.search(
                table.title
            ):
                out.update(_final_summary_figures(table))
                break

    def put(key: str, value: float | None) -> None:
        if value is not None and key not in out:
            out[key] = value

    def partial(table: Table) -> bool:
        return table.kind in (
            "expense_by_function",
            "basic_expense_by_economic",
        ) and bool(_APPROPRIATION_TITLE.search(table.title))

    # A whole-budget 支出总表 wins over the 财政拨款 one, whichever is printed first.
    for table in sorted(tables, key=partial):
        total = next((r for r in table.rows if r.code is None and r.name == "合计"), None)
        if table.kind == "expense_by_function" and total is not None:
            put("expense_total", total.values.get("total"))
            put("expense_basic", total.values.get("basic"))
            put("expense_project", total.values.get("project"))
        elif table.kind == "basic_expense_by_economic" and total is not None:
            put("expense_basic", total.values.get("total"))
            put("expense_personnel", total.values.get("personnel"))
            put("expense_public", total.values.get("public"))
        elif table.kind == "basic_expense_by_economic":
            # a 决算's 人员经费 and 公用经费 blocks side by side, each with its total line
            for row in table.rows:
                if row.code is None and (key := _BLOCK_TOTALS.get(fold_name(row.name))):
                    put(key, row.values.get("total"))
        elif (
            table.kind in ("income_summary", "income_expense_summary")
            and total is not None
            and not _APPROPRIATION_TITLE.search(table.title)
        ):
            # 收入总计. A 收支总表 totals its 收入 and 支出 sides alike, and may print 本年收入
            # 合计 above 上年结转 and the 收入总计 below: its last 合计 is the grand total.
            if table.kind == "income_expense_summary":
                total = [r for r in table.rows if r.code is None and r.name == "合计"][-1]
            if table.kind == "income_summary" or kind != "final_accounts":
                put("income_total", total.values.get("total"))  # a 决算's 总计: grand_total
        elif table.kind == "other" and "机关运行经费" in table.title and total is not None:
            put("operating_cost", total.values.get("total"))
        if table.kind == "three_public" and total is not None:
            names = "".join(r.name for r in table.rows)
            if (
                "会议" not in names
                and "培训" not in names
                and not re.search(r"三公.{0,2}经费", names)
            ):
                put("three_public_total", total.values.get("total"))  # 合计 is the 三公 total
        for kinds, pattern, key in _ROW_KEYS:
            if table.kind not in kinds.split():
                continue
            if table.kind == "three_public" and not _three_public_adds_up(table):
                continue  # columns read out of place: trust none of its figures
            for row in table.rows:
                if table.kind == "three_public" and _merged_three_public_row(row.name):
                    continue
                name = re.sub(r"\s", "", row.name)
                if table.kind == "income_expense_summary" and _merged_summary_row(name, pattern):
                    continue
                if key in _INCOME_ITEMS and _merged_income_row(name, pattern):
                    continue
                if re.search(pattern, name) and "total" in row.values:
                    put(key, row.values["total"])
                    break
    return out


_BLOCK_TOTALS = {"人员经费合计": "expense_personnel", "公用经费合计": "expense_public"}


def _merged_summary_row(name: str, pattern: str) -> bool:
    """Whether a 收支总表 row name runs an item into a total line ("上年结转资金结转下年资金
    收入合计": items without figures, read as one): its one figure is the total's."""
    m = re.search(pattern, name)
    return m is not None and bool(re.search(r"合计|总计|小计", name[m.end() :]))


_INCOME_ITEMS = {
    key: pattern
    for kinds, pattern, key in _ROW_KEYS
    if kinds == "income_expense_summary income_summary" and key != "income_total"
}


def _merged_income_row(name: str, pattern: str) -> bool:
    """Whether a 收入 row name holds more than its item: another item ("专项收入政府性基金小计
    …财政专户管理资金…"), an expense-side name ("一般公共服务支出1.一般公共预算"), or header
    labels ("…支出用途金额项目名称"): labels a text tool printed as one line, whose figure is
    none of theirs for sure."""
    others = sum(bool(re.search(p, name)) for p in _INCOME_ITEMS.values() if p != pattern)
    return others > 0 or "支出" in name or bool(re.search(r"金额|项目名称|用途|栏次", name))


_THREE_PUBLIC_ITEMS = tuple(p for kinds, p, _ in _ROW_KEYS if kinds == "three_public")


def _merged_three_public_row(name: str) -> bool:
    """Whether a “三公” row name holds the names of several rows ("因公出国（境）费二、公务用车
    购置及运维费其中：…"): rows run together, whose one figure is none of theirs for sure."""
    name = re.sub(r"\s", "", name)
    # unanchored: "“三公”经费小计一、因公出国（境）费" holds the 小计 too
    return sum(bool(re.search(p.rstrip("$"), name)) for p in _THREE_PUBLIC_ITEMS) > 1


def _three_public_adds_up(table: Table) -> bool:
    """Whether a “三公” table's rows add up where both sides are printed: 公务用车购置及运行维护费
    = 购置费 + 运行维护费, 小计 = 出国 + 用车 + 接待, and (with 会议费/培训费 columns) 合计 =
    三公 + 会议费 + 培训费. A table that does not was read with its columns out of place."""
    got: dict[str, float] = {}
    for row in table.rows:
        name = re.sub(r"\s", "", row.name)
        if "total" not in row.values:
            continue
        for key, pattern in (
            ("total", r"^合计$"),
            ("subtotal", r"三公.{0,2}经费(?:小计|合计)?$"),
            ("abroad", r"因公出国"),
            ("vehicle", r"购置及运"),
            ("purchase", r"公务用车购置费"),
            ("operation", r"运行维护费$|运维费$"),
            ("reception", r"公务接待"),
            ("meeting", r"会议费"),
            ("training", r"培训费"),
        ):
            if key not in got and re.search(pattern, name):
                got[key] = row.values["total"]
                break

    def ok(whole: str, parts: tuple[str, ...]) -> bool:
        if whole not in got or not all(p in got for p in parts):
            return True
        return abs(got[whole] - sum(got[p] for p in parts)) < 0.015

    three = ("subtotal",) if "subtotal" in got else ("abroad", "vehicle", "reception")
    return (
        ok("vehicle", ("purchase", "operation"))
        and ok("subtotal", ("abroad", "vehicle", "reception"))
        and (
            not ("meeting" in got or "training" in got)
            or ok("total", (*three, "meeting", "training"))
        )
    )


# --- department and year -------------------------------------------------------------------

_HEADER_LINE = re.compile(rf"^\s*(\d{{3,9}})\s+([{_HAN}（）()]{{2,40}})\s*$")
_LABEL = re.compile(
    rf"(?:部门名称|单位名称|预算单位|编制单位|填报单位|部门|单位)\s*[:：]\s*([{_HAN}（）()]{{4,40}}?)"
    rf"(?=\s|单位[:：]|金额单位|$)"
)
_TITLE_DEPT = re.compile(
    rf"([{_HAN}（）()]{{4,40}}?)\s*((?:19|20)\d\d)\s*年\s*度?\s*(?:部门|单位)?(?:预算|决算)"
)
_SUBJECT = re.compile(
    rf"([{_HAN}（）()]{{3,30}}?)(?:19|20)\d\d年度?(?:部门)?(?:预算|决算|收入|收支|财政拨款)"
)
_YEAR_FIRST_TITLE = re.compile(
    rf"(?:19|20)\d\d年度?([{_HAN}（）()]{{3,30}}?)(?:部门|单位)(?:综合)?(?:预算|决算)"
)
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年\s*度?\s*(?:部门|单位)?\s*(?:综合)?(?:预算|决算)")
_YEAR_LOOSE = re.compile(rf"((?:19|20)\d\d)年度?[{_HAN}“”]{{0,12}}?(?:预算|决算)")
_YEAR_FIELD = re.compile(r"预算年度\s*[:：]?\s*((?:19|20)\d\d)")


def department(doc: Document) -> Department:
    """The department's name and code: the `201 XXX` line printed on table pages (rejoined
    when wrapped), else the most frequent `部门：XXX` label, else the title's subject."""
    lines = doc.lines
    coded: Counter[tuple[str, str]] = Counter()
    for k, line in enumerate(lines):
        m = _HEADER_LINE.match(line.text)
        if not m:
            continue
        name = m.group(2)
        nxt = lines[k + 1].text.strip() if k + 1 < len(lines) else ""
        if not DEPT_END.search(name) and re.fullmatch(rf"[{_HAN}（）()]{{1,6}}", nxt):
            name += nxt
        if DEPT_END.search(name):
            coded[(m.group(1), name)] += 1
    if coded:
        (code, name), count = coded.most_common(1)[0]
        if count >= 2:
            return Department(name=name, code=code)
    labels = Counter(m.group(1) for m in _LABEL.finditer(doc.text) if DEPT_END.search(m.group(1)))
    if labels:
        return Department(name=labels.most_common(1)[0][0], code=None)
    # The subject of "XXX 2019 年度部门预算" titles and "XXX 2019 年度收入、支出预算总计"
    # sentences, wherever they wrap.
    flat = re.sub(r"\s+", "", doc.text)
    subjects = Counter(
        name for m in _SUBJECT.finditer(flat) if (name := _dept_tail(m.group(1))) is not None
    )
    head = next((n for m in _SUBJECT.finditer(flat[:1500]) if (n := _dept_tail(m.group(1)))), None)
    if head is not None:  # the cover title names the department in full
        return Department(name=head, code=None)
    # a title with the year first: "2023年度XX局部门预算", "关于公开2023年XX局部门预算的说明"
    m = _YEAR_FIRST_TITLE.search(flat[:300])
    if m and (name := _dept_tail(m.group(1))) is not None:
        return Department(name=name, code=None)
    if subjects:
        return Department(name=subjects.most_common(1)[0][0], code=None)
    return Department()


def _dept_tail(text: str) -> str | None:
    """The department name that `text` ends with (after the last clause break), or None."""
    text = re.split(r"[，。；：:、）)]", text)[-1]
    text = re.sub(r"^(?:\d+|第[一二三四五六七八九十]+部分|目录)", "", text)
    # 3 characters is a whole name for central ministries (外交部, 商务部)
    return text if 3 <= len(text) <= 30 and DEPT_END.search(text) else None


# The names of the budget types contain 预算 in a 决算 as much as in a budget: left out.
_BUDGET_TYPES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|社会保险基金预算|预算数")
_FINAL_WORDS = re.compile(r"决算")
_BUDGET_WORDS = re.compile(r"预算")
_LEVEL = re.compile(r"(部门|单位)(?:预算|决算)")


def document_kind(doc: Document, sections: Sections) -> tuple[str | None, str | None]:
    """(kind, level) from the document's own words: "final_accounts" when its title lines or
    table titles say 决算 (收入支出决算总表, 2023年度部门决算), "budget" when they say 预算 and
    not 决算 (the names of budget types, 一般公共预算…, say nothing either way); "department"
    or "unit" from 部门预算/部门决算 vs 单位预算/单位决算. None where the words do not tell."""
    head = [line.text for line in doc.lines[:40]]
    titles = [t.title for t in sections.tables]
    kind = level = None
    for texts in (head + titles, [doc.text]):
        words = _BUDGET_TYPES.sub("", re.sub(r"\s+", "", "\n".join(texts)))
        final, budget = len(_FINAL_WORDS.findall(words)), len(_BUDGET_WORDS.findall(words))
        if kind is None and (final or budget):
            kind = "final_accounts" if final >= budget or final >= 3 else "budget"
        levels = Counter(m.group(1) for m in _LEVEL.finditer(words))
        if level is None and levels:
            level = "department" if levels["部门"] >= levels["单位"] else "unit"
        if kind is not None and level is not None:
            break
    return kind, level


def budget_year(doc: Document) -> int | None:
    """The 预算年度: `预算年度：2023` fields, else the most frequent `2023 年（度）部门预算`."""
    text = doc.text
    fields = Counter(int(y) for y in _YEAR_FIELD.findall(re.sub(r"\s+", "", text)))
    if fields:
        return fields.most_common(1)[0][0]
    years = Counter(int(y) for y in _YEAR.findall(text))
    if not years:  # a tables-only file: "2019年政府采购预算表", "2018年度…表"
        years = Counter(int(y) for y in _YEAR_LOOSE.findall(re.sub(r"\s+", "", text)))
    return years.most_common(1)[0][0] if years else None


# --- projects ----------------------------------------------------------------------------------

_ITEM = re.compile(
    rf"^\s*(?:\d+\s*[、.．]|[（(]\d+[）)])\s*([{_HAN}A-Za-z0-9“”\"、（）()]{{2,40}}?)\s*[:：]\s*(.*)$"
)
_HEADING = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)"
)
_SECTION = re.compile(
    rf"(?:[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])([{_HAN}A-Za-z0-9“”\"（）()]{{2,40}}?(?:项目)?)"
    r"(?:绩效目标)?情况说明"
)
# The goal runs to the next numbered heading or part title.
_SECTION_GOAL = re.compile(
    r"绩效目标[:：](.*?)(?=(?:[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+部分"
    r"|[一二三四五六七八九十]+、|$))"
)


def _subitem_goals(doc: Document) -> list[tuple[str, str]]:
    """(name, goal) of the 分项绩效目标 items that name a fund. An item wrapped over lines is
    rejoined (a line that starts no new item or heading continues the one before) and read
    without the spaces PDF text and OCR put between characters."""
    items: list[str] = []
    inside = False
    for line in doc.lines:
        text = re.sub(r"\s+", "", line.text)
        if not text:
            continue
        if "分项绩效目标" in text and len(text) < 30:
            inside = True
            continue
        if inside and (_HEADING.match(text) or "绩效目标表" in text):
            inside = False
        if not inside:
            continue
        if _ITEM.match(text) or not items:
            items.append(text)
        else:
            items[-1] += text
    out = []
    for text in items:
        if (m := _ITEM.match(text)) and is_fund_name(m.group(1)):
            out.append((m.group(1), m.group(2).strip()))
    return out


def _section_goals(view: _View) -> list[tuple[str, str]]:
    """(name, goal) of "（一）XX经费情况说明" sections (a project described in prose instead of
    a 绩效目标表): the heading names the fund, a "绩效目标：" sentence in it states the goal."""
    text = view.text
    heads = [m for m in _SECTION.finditer(text) if is_fund_name(m.group(1))]
    out = []
    for k, m in enumerate(heads):
        stop = heads[k + 1].start() if k + 1 < len(heads) else min(len(text), m.end() + 600)
        body = text[m.end() : stop]
        g = _SECTION_GOAL.search(body)
        goal = g.group(1).split("\n")[0] if g else ""
        # "健康教育项目情况说明" names 健康教育项目; "XX经费项目情况说明" names XX经费
        name = m.group(1)
        if name.endswith("项目") and is_fund_name(name[:-2]):
            name = name[:-2]
        out.append((name, goal))
    return out


def with_prose_goals(
    projects: Sequence[Project], goals: Iterable[tuple[str, str]]
) -> list[Project]:
    """`projects` with the goal texts that prose states for them (分项绩效目标 items, XX经费情况
    说明 sections) where the tables gave none. Goal texts are not tagged; the projects are."""
    by_key = {name_key(n): g for n, g in goals if g and redaction_marker(g) is None}
    return [
        p
        if p.goal is not None or name_key(p.name) not in by_key
        else p.model_copy(update={"goal": by_key[name_key(p.name)]})
        for p in projects
    ]


# --- amounts -----------------------------------------------------------------------------------


_CLAUSE_BREAK = set("，。；;：:、,\n")
# "（一）", "(1)", "1．", "二、": an item number, wherever the line join left it
_ENUMERATOR = re.compile(
    r"[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|(?<![\d.])\d{1,2}[、.．](?!\d)"
    r"|[一二三四五六七八九十]{1,3}、"
)


def amount_context(head: str) -> str:
    """The words before an amount (`head` ends where the amount starts): back to the last
    clause break outside brackets, or to an unclosed bracket, and after the last item number
    or heading (…情况说明) that the line join glued on; without a trailing 为/是/共计.

    >>> amount_context("1．一般公共服务（类）支出")
    '一般公共服务（类）支出'
    >>> amount_context("其中：公务用车购置费为")
    '公务用车购置费'
    >>> amount_context("二、收入预算情况说明江苏省本年收入预算为")
    '江苏省本年收入预算'
    >>> amount_context("与上年相比收、支预算总计各增加")
    '与上年相比收、支预算总计各增加'
    >>> amount_context("（一）公共安全（类）1．检察（款）行政运行（项）支出")
    '检察（款）行政运行（项）支出'
    """
    depth, cut = 0, 0
    for i in range(len(head) - 1, -1, -1):
        ch = head[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                cut = i + 1  # inside "（其中：…" the clause starts after the bracket
                break
            depth -= 1
        elif depth == 0 and ch in _CLAUSE_BREAK and head[i - 1 : i + 2] != "收、支":
            cut = i + 1
            break
    # the words after the last item number, heading (…情况说明) or part title
    context = re.split(
        rf"{_ENUMERATOR.pattern}|情况说明|第[一二三四五六七八九十]+部分", head[cut:]
    )[-1]
    return re.sub(r"(?:为|是|共计|合计|约)$", "", context)


def _amounts(doc: Document, view: _View, spans: Iterable[Span]) -> list[Amount]:
    """The AMOUNT spans that lie in the prose and carry a unit, in 万元, with the words before
    them as context (table cells have their unit in the table header, not beside them)."""
    out: list[Amount] = []
    seen: set[int] = set()
    for span in spans:
        if span.label != "AMOUNT":
            continue
        i = bisect_left(view.offsets, span.start)
        j = bisect_left(view.offsets, span.end)
        if i >= j or view.offsets[i] >= span.end:
            continue  # a table cell, or outside the prose view
        # The number is read from the prose view around the span: a figure broken over a line
        # ("1,2\n00.5 万元") is one amount there, though a tagger may label only part of it.
        lo = max(0, i - 24)
        m = next(
            (m for m in _AMOUNT.finditer(view.text, lo, j + 4) if m.start() < j and m.end() > i),
            None,
        )
        if m is None or m.start() in seen:
            continue
        seen.add(m.start())
        start, end = view.span(m.start(), m.end())
        out.append(
            Amount(
                text=doc.text[start:end],
                value=to_wan(_number(m.group(1)), m.group(2)),
                unit=m.group(2),
                context=amount_context(view.text[max(0, m.start() - 40) : m.start()]),
                start=start,
                end=end,
            )
        )
    return out


def _merge_figures(
    prose: dict[str, list[_Statement]], table: dict[str, float]
) -> tuple[dict[str, float], list[Check]]:
    """Key figures from the prose statements, then from the tables for keys the prose leaves
    out. Where the prose states a key twice with two numbers, the one a table confirms is
    taken (else the first) and a failed check says so; a prose figure that a table
    contradicts is kept and a failed check says that too."""
    figures: dict[str, float] = {}
    chosen: dict[str, _Statement] = {}
    checks: list[Check] = []
    for key, statements in prose.items():
        pick = statements[0]
        confirmed = key in table and any(abs(s.value - table[key]) <= 0.005 for s in statements)
        if confirmed:
            pick = next(s for s in statements if abs(s.value - table[key]) <= 0.005)
        distinct = {round(s.value, 2) for s in statements}
        if len(distinct) > 1:
            said = ", ".join(
                f"{format_amount(s.value)} 万元 (at {s.start}:{s.end})" for s in statements
            )
            why = "the one a table confirms" if confirmed else "the first"
            checks.append(
                Check(
                    rule=f"prose {key} statements agree",
                    ok=False,
                    detail=f"prose says {said}; took {format_amount(pick.value)}, {why}",
                )
            )
        figures[key], chosen[key] = pick.value, pick
    for key, value in table.items():
        if key not in figures:
            figures[key] = value
        elif abs(figures[key] - value) > 0.005:
            s = chosen[key]
            checks.append(
                Check(
                    rule=f"prose {key} == table {key}",
                    ok=False,
                    detail=f"prose says {format_amount(s.value)} 万元 (at {s.start}:{s.end}), "
                    f"a table says {format_amount(value)} 万元",
                )
            )
        else:
            checks.append(Check(rule=f"prose {key} == table {key}", ok=True))
    return figures, checks


# --- the record --------------------------------------------------------------------------------


def build_record(
    doc: Document,
    *,
    normalized: NormalizedText,
    sections: Sections,
    tables: list[Table],
    layout: Sequence[IndicatorTable],
    assembled: Assembled,
    spans: Sequence[Span],
) -> Disclosure:
    """The Disclosure record of `doc` from what the stages before made of it: its text
    normalized for prose (`PROSE_TRANSFORMS`), its sections, the money tables, the indicator
    tables' layout, the projects/indicators/redactions assembled from the tagger's `spans`,
    and the spans themselves (amounts and entities).

    Key figures come from the prose, then the tables; projects, indicators and redactions are
    the assembled ones, with goal texts the prose states.
    """
    view = _prose_view(normalized, _table_spans(sections, layout))
    year = budget_year(doc)
    kind, level = document_kind(doc, sections)
    key_figures, checks = _merge_figures(_statements(view, year, kind), table_figures(tables, kind))
    projects = with_prose_goals(assembled.projects, [*_subitem_goals(doc), *_section_goals(view)])
    record = Disclosure(
        doc_id=doc.doc_id,
        source=source_of(doc),
        kind=kind,
        level=level,
        department=department(doc),
        year=year,
        key_figures=key_figures,
        projects=projects,
        indicators=assembled.indicators,
        redactions=assembled.redactions,
        tables=list(tables),
        amounts=_amounts(doc, view, spans),
        entities=[
            Entity(label=s.label, start=s.start, end=s.end, text=s.text, score=s.score)
            for s in spans
        ],
        checks=checks,
    )
    warnings = []
    if kind is None:
        warnings.append("cannot tell a budget (预算) from final accounts (决算): no title says")
    if not tables:
        warnings.append("no budget tables found")
    if not key_figures and not projects and not record.indicators and not tables:
        warnings.append("not a 部门预算 disclosure? no key figures, projects or tables found")
    checks.extend(run_checks(record))
    return record.model_copy(update={"checks": checks, "warnings": warnings})
