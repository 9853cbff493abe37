"""ie.normalize: offset-map properties, one named example per noise case, and what must stay."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ie.errors import AlignmentError
from ie.normalize import (
    Edit,
    NormalizedText,
    apply_edits,
    identity,
    is_valid_code,
    normalize,
    parse_number,
)

ROOT = Path(__file__).resolve().parents[1]
REAL_TXT = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"
REAL_SPANS = REAL_TXT.with_name("004_3c37c7924f173325.spans.jsonl")
JIANGSU = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "jiangsu"

OCR = {"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"}


def norm(text: str, **kw) -> str:
    return normalize(text, **kw).text


def check_map(nt: NormalizedText) -> None:
    """The invariants every NormalizedText keeps."""
    n, src = len(nt.text), nt.source
    assert len(nt.offsets) == n + 1 and len(nt.ends) == n
    assert nt.offsets[n] == len(src)
    assert all(0 <= a <= b for a, b in zip(nt.offsets, nt.offsets[1:], strict=False))
    assert all(nt.offsets[i] < nt.ends[i] <= len(src) for i in range(n))
    assert all(a <= b for a, b in zip(nt.ends, nt.ends[1:], strict=False))
    for i, ch in enumerate(nt.text):
        orig = src[nt.offsets[i]]
        # every output character is its source character or a fold of it
        assert ch == orig or ch in (
            unicodedata.normalize("NFKC", orig),
            OCR.get(orig),
            "\n" if orig == "\r" else None,
            " " if orig.isspace() else None,
            "." if orig == "。" else None,
            "," if orig == "，" else None,
            "-" if orig in "－−" else None,
        ), (i, ch, orig)


# --- properties -----------------------------------------------------------------------------

ALPHABET = st.sampled_from(
    list("0123456789 \n\t\f.,-%")
    + list("江苏省合计年月第页共元万不公开")
    + list("０１２９．，％（）。，　")
    + list("OolI\r")
)
TEXTS = st.text(ALPHABET, max_size=120) | st.text(max_size=60)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, drop=st.booleans())
def test_offset_map_invariants(text: str, drop: bool) -> None:
    check_map(normalize(text, drop_furniture=drop))


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, data=st.data())
def test_to_source_covers_the_span_and_round_trips(text: str, data) -> None:
    nt = normalize(text)
    n = len(nt.text)
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    s, e = nt.to_source(a, b)
    assert 0 <= s <= e <= len(text)
    # untouched stretches map back to identical source text
    if not any(c.start < e and c.end > s for c in nt.changes):
        assert text[s:e] == nt.text[a:b]
    # mapping back contains the span
    s2, e2 = nt.to_normalized(s, e)
    if a < b:
        assert s2 <= a and e2 >= b


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from(list("江苏合计目录\t\n一二")), max_size=80))
def test_text_without_noise_is_unchanged(text: str) -> None:
    nt = normalize(text, drop_furniture=False)
    assert nt.text == text
    assert nt.offsets == (*range(len(text) + 1),)


def test_to_source_covers_deleted_inner_chars_only() -> None:
    nt = normalize("合计\t686. 71\t")
    start = nt.text.index("686.71")
    s, e = nt.to_source(start, start + 6)
    assert nt.source[s:e] == "686. 71"
    assert nt.to_source(start, start + 4) == (s, s + 4)  # "686." leaves the space out
    assert nt.to_normalized(s, e) == (start, start + 6)


def test_bad_ranges_and_edits_raise_alignment_error() -> None:
    nt = identity("abc")
    with pytest.raises(AlignmentError):
        nt.to_source(2, 5)
    with pytest.raises(AlignmentError):
        apply_edits(nt, [Edit(0, 2, "", "x"), Edit(1, 3, "", "x")])
    with pytest.raises(AlignmentError):
        apply_edits(nt, [Edit(1, 1, "z", "x")])  # pure insertion


def test_unknown_transform_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="valid"):
        normalize("x", transforms=["nope"])


# --- broken numbers and codes: the real example ---------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("686. 71", "686.71"),
        ("62.3 1", "62.31"),
        ("53.7 3", "53.73"),
        ("2,169. 78", "2,169.78"),
    ],
)
def test_broken_amount_in_a_tab_cell(raw: str, expected: str) -> None:
    assert norm(f"1\t\t合计\t{raw}\t{raw}\t\n") == f"1\t\t合计\t{expected}\t{expected}\t\n"


@pytest.mark.parametrize(
    ("raw", "expected"), [("2013 1", "20131"), ("2080 505", "2080505"), ("2013 150", "2013150")]
)
def test_broken_code_in_a_tab_cell(raw: str, expected: str) -> None:
    assert norm(f"3\t{raw}\t党委 办公 厅\t590. 67\n") == f"3\t{expected}\t党委 办公 厅\t590.67\n"


def test_amount_wrapped_after_its_decimal_point_joins_across_one_newline() -> None:
    assert norm("合计\t2,169.\n78\t") == "合计\t2,169.78\t"


def test_real_gold_amount_and_code_spans_read_joined_in_normalized_text() -> None:
    source = REAL_TXT.read_text(encoding="utf-8")
    nt = normalize(source, drop_furniture=False)
    spans = [json.loads(line) for line in REAL_SPANS.read_text(encoding="utf-8").splitlines()]
    broken = [
        s
        for s in spans
        if s["label"] in ("AMOUNT", "CODE") and re.fullmatch(r"[0-9.,]+ [0-9]+", s["text"])
    ]
    assert len(broken) >= 40  # 686. 71, 62.3 1, 2013 1, 2080 505 ...
    for span in broken:
        a, b = nt.to_normalized(span["start"], span["end"])
        assert nt.text[a:b] == span["text"].replace(" ", ""), span
        assert nt.to_source(a, b) == (span["start"], span["end"])


def test_real_text_joins_exactly_the_broken_cells() -> None:
    nt = normalize(REAL_TXT.read_text(encoding="utf-8"))
    assert all(c.before == " " for c in nt.changes if c.rule in ("number", "code"))
    assert sum(c.rule == "number" for c in nt.changes) == 42  # 14 rows x 3 cells
    codes = []
    for c in nt.changes:
        if c.rule == "code":
            at, _ = nt.to_normalized(c.start, c.end)  # a deleted range: empty, where it was
            codes.append(nt.text[nt.text.rfind("\t", 0, at) + 1 : nt.text.find("\t", at)])
    assert sorted(codes) == [
        "20131", "2013150", "20805", "2080501", "2080505",
        "21011", "2101101", "2101102", "22102", "2210201",
    ]  # fmt: skip
    assert "2023 年" in nt.text  # a year before 年 is never a code


# --- what must stay apart --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "合计 13,649.07 7,666.68 5,853.96 128.43",  # PDF row: one space between cells
        "201 一般公共服务支出 10,528.33",
        "2080504 未归口管理的行政单位离退休 1,608.51\n221 住房保障支出",
        "1276.7 418.26 80 237",
        "4335.30 3990.4",
        "12.5\t3\t",  # tab cells
        "686.\t71",  # never across a tab
        "2013\t1\t行政",
        "中国共产党卢龙县委员会办公室 2023 年部门预算",
        "1. 2019年完成",  # an enumerator
        "3. 20万元用于",
        "2018 1 月",
        "目标内容 1",
        "支出 7,666.68\n1. 一般",
        "12 月 31 日前",
        "IOS10 B2B",
    ],
)
def test_amounts_and_codes_that_must_not_be_joined(text: str) -> None:
    assert norm(text) == text


def test_space_layout_one_decimal_amount_next_to_a_count_stays() -> None:
    # a real one-decimal amount beside another one-decimal amount that is not broken
    assert norm("合计 3990.4 5 12.5") == "合计 3990.4 5 12.5"


def test_code_join_needs_a_valid_code() -> None:
    assert is_valid_code("2013101") and is_valid_code("30101") and is_valid_code("201")
    assert not is_valid_code("20131011") and not is_valid_code("3010101")
    assert not is_valid_code("1220805") and not is_valid_code("2350101")
    assert norm("4\t2019 12\t行政\n") == "4\t2019 12\t行政\n"  # 6 digits: no code


def test_code_at_start_of_a_space_layout_row() -> None:
    assert norm("2080 505 机关事业单位基本养老保险缴费支出 36.21") == (
        "2080505 机关事业单位基本养老保险缴费支出 36.21"
    )


# --- width folding and OCR -------------------------------------------------------------------


def test_width_folding_is_conservative() -> None:
    assert norm("合计：１２３．４５万元，增长３．５％") == "合计：123.45万元，增长3.5%"
    assert norm("党委办公厅（室）〔2017〕") == "党委办公厅（室）〔2017〕"
    assert norm("１，２３４．５６") == "1,234.56"
    assert norm("Ａ类，共３个") == "A类，共3个"


def test_ocr_confusions_only_inside_numbers() -> None:
    assert norm("合计\t1O5.31\t2,l69.78\t") == "合计\t105.31\t2,169.78\t"
    assert norm("预算686。71万元") == "预算686.71万元"
    assert norm("合计2，169.78万元") == "合计2,169.78万元"
    assert norm("Office 2O") == "Office 2O"  # one real digit: not provably a number
    assert norm("完成3。2.征集") == "完成3。2.征集"


def test_crlf_and_invisible_characters() -> None:
    nt = normalize("合计\r\n\ufeff686.71\u3000元")
    assert nt.text == "合计\n686.71 元"
    check_map(nt)


# --- spaced-out CJK --------------------------------------------------------------------------


def test_spaced_out_cjk_joins() -> None:
    assert norm("江 苏 省 人 民 检 察 院 2019 年 度 收 入") == "江苏省人民检察院 2019 年度收入"
    assert norm("合 计 24,169.74") == "合计 24,169.74"
    assert norm("一 般 公 共 预 算 收 入 17981.68 万 元 ， 占") == (
        "一般公共预算收入 17981.68 万元，占"
    )


def test_multi_char_tokens_and_tab_cells_stay() -> None:
    for text in ("一般 公共 服务 支出", "社会 保障 和就 业支 出", "出\t区\t费", "科目 编码"):
        assert norm(text) == text


# --- page furniture --------------------------------------------------------------------------


def test_decorated_page_numbers_dropped() -> None:
    text = "第一段\n- 3 -\n第二段\n第 4 页\n共 31 页\n— 5 —\n结束"
    assert norm(text) == "第一段\n第二段\n结束"
    assert norm(text, drop_furniture=False) == text


def test_bare_page_numbers_follow_the_pages() -> None:
    pages = [f"{n}\n正文第{n}页内容" for n in range(1, 6)]
    assert norm("\f".join(pages)) == "\f".join(f"正文第{n}页内容" for n in range(1, 6))
    # a lone number that does not run with the pages is data
    assert norm("合计\n0\f说明\n7\f结束") == "合计\n0\f说明\n7\f结束"
    # a year alone on a line, with no page breaks
    assert norm("预算年度：\n2023\n单位：万元") == "预算年度：\n2023\n单位：万元"


HEADER = (
    "单位 甲\n\n预算年度：2023\n\n单位：万元\n\n序号\t科目编码\t科目名称\t合计\n栏次\t1\t2\t3\n"
)


def test_repeated_table_header_after_a_page_break_dropped() -> None:
    text = (
        "支出总表\n\n"
        + HEADER
        + "1\t201\t一般公共服务支出\t590.67\n2\t20131\t事务\t590.67\n\n"
        + HEADER.replace("栏次", "档次")
        + "3\t2013101\t行政运行\t528.36\n"
    )
    nt = normalize(text)
    assert nt.text.count("单位：万元") == 1
    assert "档次" not in nt.text and "3\t2013101\t行政运行\t528.36" in nt.text
    check_map(nt)
    # a span across the dropped block maps back over it
    a = nt.text.index("590.67\n\n3")
    s, e = nt.to_source(a, a + len("590.67\n\n3"))
    assert "档次" in nt.source[s:e]


def test_header_of_a_new_table_after_its_title_stays() -> None:
    text = (
        "支出总表\n" + HEADER + "1\t201\t一般公共服务支出\t590.67\n"
        "一般公共预算支出表\n" + HEADER + "1\t201\t一般公共服务支出\t590.67\n"
    )
    assert norm(text) == text


def test_redacted_indicator_tables_are_not_headers() -> None:
    table = (
        "绩效目标\t\t\t1.不公开\n一级指标\t二级指标\t三级指标\t指标值\n"
        "产出指标\t数量指标\t不公开\t不公开\n\t质量指标\t不公开\t不公开\n"
    )
    text = f"1、甲经费绩效目标表\n{table}\n2、乙经费绩效目标表\n{table}"
    assert norm(text) == text


# --- parse_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "value"),
    [
        ("686.71", 686.71),
        ("2,169.78", 2169.78),
        ("１２３．４", 123.4),
        (" 0 ", 0.0),
        ("-5", -5.0),
        ("(12.5)", -12.5),
        ("686.71万元", 686.71),
        ("3亿元", 3.0),
        ("13,649,07", None),
        ("13,649.07 7,666.68", None),
        ("合计", None),
        ("", None),
        ("1,23", None),
    ],
)
def test_parse_number(s: str, value: float | None) -> None:
    assert parse_number(s) == value


# --- the Jiangsu PDFs ------------------------------------------------------------------------


def _pdf(name: str):
    from ie.ingest import ingest

    if not JIANGSU.is_dir():
        pytest.skip("../shared is absent")
    found = sorted(JIANGSU.glob(f"*/{name}"))
    if not found:
        pytest.skip(f"{name} not in ../shared")
    return ingest(found[0])


def test_pdf_spaced_heading_joined_and_cells_kept() -> None:
    doc = _pdf("2019年度部门预算公开.pdf")
    nt = normalize(doc)
    check_map(nt)
    assert "江苏省人民检察院 2019 年度收入、支出预算总计" in nt.text
    assert not [c for c in nt.changes if c.rule in ("number", "code")]
    assert "\n1\n" not in nt.text[:200]  # page numbers gone
    assert "5844.04" in nt.text


def test_pdf_one_char_cells_far_apart_stay_apart() -> None:
    doc = _pdf("江苏省人大办公厅2017年度预算公开.pdf")
    nt = normalize(doc)
    assert "小 费" in nt.text  # 小(计) and (公务接待)费: two cells, far apart on the page
    assert "当年收入 13,649.07" in nt.text
    assert "13,649.07 7,666.68 5,853.96 128.43" in nt.text


def test_pdf_decorated_page_numbers_dropped() -> None:
    doc = _pdf("江苏省人大常委会2019年度部门预算公开.pdf")
    nt = normalize(doc)
    assert "─ 3 ─" in doc.text and "─ 3 ─" not in nt.text


# --- speed -----------------------------------------------------------------------------------


def test_normalizes_40k_characters_fast() -> None:
    text = (REAL_TXT.read_text(encoding="utf-8") * 3)[:40_000]
    normalize(text)
    best = min(_timed(text) for _ in range(3))
    assert best < 0.25  # ~22 ms measured on the dev machine; generous for slow CI


def _timed(text: str) -> float:
    t = time.perf_counter()
    normalize(text)
    return time.perf_counter() - t


# --- layout whitespace, for the prose view (PROSE_LAYOUT) -------------------------------------

RAW_PROSE = (
    "1．公共安全（类）支出 13656.34 万元，主要用于检\n\n"
    "察院行政支出及办案业务、检察网络运行维护、检察教育培\n\n"
    "训费等项目支出。与上年相比增加 309.03 万元。\n\n"
    "二、收入预算情况\n"
)


def test_prose_wrapped_over_blank_lines_reads_as_one_newline_per_line() -> None:
    nt = normalize(RAW_PROSE, transforms=("wrapped_line",))
    assert "检察教育培\n训费等项目支出" in nt.text
    assert "主要用于检\n察院" in nt.text
    # a sentence that ends keeps its blank line; the source of the joined name is exact
    assert "309.03 万元。\n\n二、" in nt.text
    start = nt.text.index("检察教育培")
    s, e = nt.to_source(start, start + len("检察教育培\n训费"))
    assert RAW_PROSE[s:e] == "检察教育培\n\n训费"


@pytest.mark.parametrize(
    "text",
    [
        # a table row of single-space cells, its cell's tail wrapped after blank lines
        "产出指标 数量指标 购置设备数 全年购置设备数量 ≥12天 合同\n\n\n量\n",
        # short cells, one per line (raw pdftotext)
        "一般公共服务支出\n\n人大事务\n\n行政运行\n",
        # a line that ends its sentence
        "全年工作规范性有所提高，确保各项任务按时完成。\n\n下一年度工作计划\n",
    ],
)
def test_blank_lines_that_are_not_inside_a_wrapped_line_stay(text: str) -> None:
    assert normalize(text, transforms=("wrapped_line",)).text == text


def test_layout_padding_in_a_sentence_squeezed_table_rows_kept() -> None:
    text = (
        "            训费等项目支出。与上年相比增加                   309.03  万元，增长     \n"
        "一级指标     二级指标            三级指标      指标值\n"
        "公务用车购置费 公务用车运行维护 \n"
    )
    out = normalize(text, transforms=("layout_space",)).text.splitlines()
    assert out[0] == "训费等项目支出。与上年相比增加 309.03 万元，增长"
    # a table row's spaces place its cells; pypdfium2's one trailing space marks a wrap
    assert out[1:] == text.splitlines()[1:]


def test_prose_view_of_a_layout_text_tool_reads_a_wrapped_project_name() -> None:
    # The pipeline's prose view runs both (ie.records.PROSE_TRANSFORMS); the tagger reads it.
    from ie.records import PROSE_TRANSFORMS

    layout = RAW_PROSE.replace("察院行政", "      察院行政").replace(" 309.03", "      309.03")
    nt = normalize(layout, transforms=PROSE_TRANSFORMS)
    assert "检察网络运行维护、检察教育培\n训费等项目支出。与上年相比增加 309.03 万元。" in nt.text


@pytest.mark.parametrize(
    "line",
    [
        "1     一、一般公共预算拨款收入      417.18  一、一般公共服务支出    387.35",  # items
        "11,814.28  9，193.42  2，620.86",  # a full-width comma inside figures
    ],
)
def test_table_rows_with_enumerators_or_figure_commas_are_no_sentences(line: str) -> None:
    for name in ("layout_space", "wrapped_line"):
        text = f"{line}\n\n\n下一行\n"
        assert normalize(text, transforms=(name,)).text == text
