"""Converter-made training text: gold spans projected onto what PDF-to-text tools make of a
synthetic document's PDF, exactly or not at all."""

from __future__ import annotations

import json
import random
import re
import shutil

import pytest

from ie.spans import Span
from training.synth.convert import (
    ConverterUnavailable,
    convert,
    converted_rows,
    fold_char,
    project_spans,
)
from training.synth.corpus import generate_corpus, generate_document
from training.synth.pdf import render_pdf


def test_projection_follows_characters_not_strings():
    source = "收入合计 686.71万元\n项目支出 120.00万元\n"
    spans = [Span(5, 11, "AMOUNT", "686.71"), Span(19, 25, "AMOUNT", "120.00")]
    # The second figure comes first in the target, the first is broken by a stray character.
    target = "项目支出\n120.00 万元\n收入合计 686.x71万元"
    projected = project_spans(source, spans, target)
    assert [s.text for s in projected.spans] == ["120.00"]
    assert target[projected.spans[0].start : projected.spans[0].end] == "120.00"
    assert projected.dropped == 1


def test_a_span_split_by_a_line_break_is_kept_across_it():
    source = "常委会会议经费及省人大工作会议经费 229.00"
    spans = [Span(0, 17, "PROJECT", source[:17])]
    target = "常委会会议\n经费及省人大工\n作会议经费\n会议费 229.00"
    projected = project_spans(source, spans, target)
    assert projected.dropped == 0
    assert "".join(projected.spans[0].text.split()) == source[:17]


def _hand_made() -> tuple[str, list[Span]]:
    """A money table and an indicator table, every labelled cell's text a word found once in
    the document, so where each span must land in a tool's text is known without alignment."""
    rows = [
        [("201", "CODE"), ("一般公共服务支出", None), ("686.71", "AMOUNT"), ("512.30", "AMOUNT"),
         ("174.41", "AMOUNT")],
        [("20101", "CODE"), ("人大事务", None), ("425.16", "AMOUNT"), ("390.05", "AMOUNT"),
         ("35.11", "AMOUNT")],
        [("2010101", "CODE"), ("行政运行", None), ("318.92", "AMOUNT"), ("301.77", "AMOUNT"),
         ("17.15", "AMOUNT")],
        [("208", "CODE"), ("社会保障和就业支出", None), ("97.64", "AMOUNT"), ("96.48", "AMOUNT"),
         ("1.16", "AMOUNT")],
        [],
        [("一级指标", None), ("二级指标", None), ("三级指标", None), ("指标值", None)],
        [("产出指标", "IND_L1"), ("数量指标", "IND_L2"), ("会议次数", "IND_L3"),
         ("≥12次", "IND_TARGET")],
        [("", None), ("时效指标", "IND_L2"), ("完成时间", "IND_L3"), ("12月底前", "IND_TARGET")],
        [("效益指标", "IND_L1"), ("社会效益指标", "IND_L2"), ("履职保障水平", "IND_L3"),
         ("不公开", "REDACTED")],
    ]  # fmt: skip
    text, spans = "部门预算支出总表\n单位：万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n", []
    for row in rows:
        for k, (cell, label) in enumerate(row):
            text += "\t" if k else ""
            if label:
                spans.append(Span(len(text), len(text) + len(cell), label, cell))
            text += cell
        text += "\n"
    return text, spans


@pytest.mark.parametrize(
    "converter",
    ["pdfium", "pdftotext", "pdftotext-layout", "pdfminer", "pdfplumber", "pdfplumber-layout"],
)
def test_projection_onto_each_tool_lands_every_span_where_it_is(converter, tmp_path):
    """The acceptance of issue 13: a hand-made PDF whose spans are known, each converter's
    projected spans equal the truth. pdfminer prints the table's columns one after another
    (the figures after every name), which the monotone alignment alone cannot follow."""
    text, spans = _hand_made()
    pdf = tmp_path / "hand.pdf"
    render_pdf(text, pdf, "tab")
    try:
        out = convert(pdf, converter)
    except ConverterUnavailable as exc:
        pytest.skip(str(exc))
    # each cell is one word of the tool's text, found once (效益指标 also ends 社会效益指标)
    cells = [re.search(rf"(?<!\S){re.escape(s.text)}(?!\S)", out) for s in spans]
    truth = sorted((m.start(), m.end(), s.label) for m, s in zip(cells, spans, strict=True))
    projected = project_spans(text, spans, out)
    assert projected.dropped == 0
    assert sorted((s.start, s.end, s.label) for s in projected.spans) == truth


@pytest.mark.parametrize("converter", ["pdfium", "pdftotext", "pdfplumber"])
def test_converted_rows_keep_only_exact_spans(converter, tmp_path):
    if converter == "pdftotext" and shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    doc = generate_document(random.Random(11), noise=0.3, layout="cell", doc_id="c11")
    (row,) = converted_rows(doc, [converter], tmp_path)
    assert row["converter"] == converter and row["doc_id"] == f"c11~{converter}"
    # compared folded: a PDF draws the source's noise (３, 3O2) as the ASCII it stands for
    fold = lambda text: "".join(map(fold_char, "".join(text.split())))  # noqa: E731
    gold = {(fold(s.text), s.label) for s in doc.spans}
    kept = row["spans"]
    assert len(kept) + row["dropped"] == len(doc.spans)
    assert len(kept) > 0.5 * len(doc.spans)
    for span in kept:
        assert row["text"][span["start"] : span["end"]] == span["text"]
        assert (fold(span["text"]), span["label"]) in gold


def test_corpus_with_converters_writes_their_rows(tmp_path):
    summary = generate_corpus(
        10, 4, tmp_path, converters=("pdfium",), save_dataset=True, noise="low"
    )
    assert summary["converters"]["pdfium"]["rows"] == 1
    assert 0 <= summary["converters"]["pdfium"]["dropped_share"] < 0.5
    rows = [json.loads(line) for line in (tmp_path / "train.jsonl").read_text().splitlines()]
    assert [r["converter"] for r in rows if "converter" in r] == ["pdfium"]
    import datasets

    dd = datasets.load_from_disk(str(tmp_path / "dataset"))
    assert "pdfium" in dd["train"]["converter"] and "" in dd["train"]["converter"]
