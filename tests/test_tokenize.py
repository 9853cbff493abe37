"""ie.tokenize: jieba words re-aligned against the original string, BMES tags, char classes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ie import tokenize
from ie.errors import AlignmentError
from ie.tokenize import Tokenizer, _aligned, bmes_tags, char_class, load_terms


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


# Named noise cases as PDF-to-text and OCR print them.
NOISY = {
    "tab_cells": "1\t一、一般公共预算 拨款收入\t686.71\t一、一般公共服务 支出\t590.67",
    "broken_number": "合计\t686. 71\t53.7 3\t528.",
    "crlf_and_page_break": "部门预算收支总表\r\n201 中国共产党某县委员会办\r\n公室\f单位：万元",
    "full_width": "ＡＢＣ１２３　预算（万元）：２，１６９．７８",
    "indicator_row": "产出指标\t数量指标\t印刷数量\t≥2000 本\t某办发〔2017〕39号文件",
    "empty": "",
}


@pytest.mark.parametrize("name", sorted(NOISY))
def test_words_cover_the_original_string(tok: Tokenizer, name: str) -> None:
    text = NOISY[name]
    words = tok.words(text)
    assert "".join(w.text for w in words) == text
    assert all(text[w.start : w.end] == w.text for w in words)
    assert [w.start for w in words[1:]] == [w.end for w in words[:-1]]


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet="一般公共服务支出预算合计万元不公开0123456789.,% \t\n\r\f（）≥ＡＢ", max_size=60
    )
)
def test_words_offsets_round_trip(tok: Tokenizer, text: str) -> None:
    words = tok.words(text)
    assert "".join(text[w.start : w.end] for w in words) == text


def test_domain_dictionary_keeps_budget_terms_whole(tok: Tokenizer) -> None:
    words = [w.text for w in tok.words("服务对象满意度指标\t机关事业单位基本养老保险缴费支出")]
    assert "服务对象满意度指标" in words
    assert "机关事业单位基本养老保险缴费支出" in words


def test_tokenizers_do_not_share_dictionaries(tok: Tokenizer) -> None:
    bare = Tokenizer(terms=())
    text = "服务对象满意度指标"
    assert [w.text for w in tok.words(text)] == [text]
    assert len(bare.words(text)) > 1  # the other instance never saw the domain dictionary


def test_misaligned_words_raise_alignment_error() -> None:
    with pytest.raises(AlignmentError, match="does not line up"):
        list(_aligned("预算收入", iter(["预算", "支出"])))
    with pytest.raises(AlignmentError, match="cover 2 of 4"):
        list(_aligned("预算收入", iter(["预算"])))


def test_bmes_tags_per_character(tok: Tokenizer) -> None:
    text = "基本支出\t12.5"
    tags = tok.bmes(text)
    assert len(tags) == len(text)
    assert tags[:4] == ["B", "M", "M", "E"]
    assert tags[4] == "S"
    assert bmes_tags([], 3) == ["S", "S", "S"]


REAL = Path(__file__).resolve().parents[1] / "corpora" / "real" / "004_3c37c7924f173325.txt"


def test_remembered_blocks_give_jiebas_own_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory of jieba's blocks changes no word: a real disclosure cut cold, warm, and
    with a memory of three blocks a generation (evicting all the time) gives the words of
    jieba's own tokenize over the whole text."""
    tok = Tokenizer()
    text = REAL.read_text(encoding="utf-8")[:6000] + "\n\t 合计\u3000686.71\f"
    expected = [w for w, _, _ in tok._jieba.tokenize(text, HMM=True)]
    assert [t.text for t in tok.words(text)] == expected  # cold
    assert [t.text for t in tok.words(text)] == expected  # warm
    monkeypatch.setattr(tokenize, "_MEMO_BLOCKS", 3)
    tok.forget()
    for _ in range(2):
        assert [t.text for t in tok.words(text)] == expected
    assert len(tok._memo) <= 3 and len(tok._older) <= 3


def test_word_marks_are_the_bmes_tags_and_dictionary_hits(tok: Tokenizer) -> None:
    text = "一般公共服务支出\t590.67\n服务对象满意度指标≥95%"
    bmes, cats = tok.word_marks(text)
    assert any(cats)  # 一般公共服务支出 is a term of the dictionary
    assert bmes.decode("ascii") == "".join(tok.bmes(text))
    assert [tok.category_names[k] or "" for k in cats] == tok.dictionary_hits(text)


def test_chars_and_classes(tok: Tokenizer) -> None:
    assert [c.text for c in tok.chars("a\t1")] == ["a", "\t", "1"]
    assert [char_class(c) for c in "预1 \t\n，a%"] == [
        "cjk",
        "digit",
        "space",
        "tab",
        "newline",
        "punct",
        "latin",
        "punct",
    ]


def test_dictionary_hits_name_the_category(tok: Tokenizer) -> None:
    text = "行政运行\t办公费"
    hits = tok.dictionary_hits(text)
    assert hits[:4] == ["FUNC"] * 4
    assert hits[5:] == ["ECON"] * 3


def test_terms_load_with_sections() -> None:
    terms = load_terms()
    l1 = {t.text for t in terms if t.category == "IND" and t.section == "L1"}
    assert {"产出指标", "效益指标", "满意度指标"} <= l1
    assert any(t.category == "DEPT" and t.section == "SUFFIX" and t.text == "办公室" for t in terms)


def test_word_targets_are_indicator_terms_and_leave_words_whole() -> None:
    from ie.tokenize import Tokenizer, load_terms

    targets = {t.text for t in load_terms() if t.section == "TARGET"}
    assert {"有所提高", "按时完成"} <= targets
    assert all(len(t) >= 2 for t in targets)  # one-character terms would cut words apart
    words = [w.text for w in Tokenizer().words("中国共产党有所提高")]
    assert words == ["中国共产党", "有所提高"]
