"""Converter-made training text: gold spans projected onto what PDF-to-text tools make of a
synthetic document's PDF, exactly or not at all."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from ie.spans import Span
from training.synth.convert import converted_rows, fold_char, project_spans
from training.synth.corpus import generate_corpus, generate_document


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
