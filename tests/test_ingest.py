from __future__ import annotations

import pytest
from conftest import REAL_TXT, jiangsu_pdfs

from ie.errors import IngestError
from ie.ingest import PAGE_BREAK, decode_text, ingest


def test_real_text_is_read_verbatim():
    doc = ingest(REAL_TXT)
    assert doc.format == "txt"
    assert doc.encoding == "utf-8"
    assert doc.text == REAL_TXT.read_text(encoding="utf-8")
    assert doc.lines[0].start == 0
    assert all(doc.text[ln.start : ln.end] == ln.text for ln in doc.lines)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_encodings_decode_to_the_same_text(tmp_path, encoding):
    text = REAL_TXT.read_text(encoding="utf-8")
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = ingest(path)
    assert doc.text == text
    assert doc.sha256 != ingest(REAL_TXT).sha256 or encoding == "utf-8"


def test_utf16_with_bom_is_read():
    text, encoding = decode_text("部门预算收支总表\n".encode("utf-16"))
    assert text == "部门预算收支总表\n" and encoding == "utf-16"


def test_form_feeds_split_pages(tmp_path):
    path = tmp_path / "paged.txt"
    path.write_text(f"部门预算{PAGE_BREAK}收支总表{PAGE_BREAK}三公经费", encoding="utf-8")
    doc = ingest(path)
    assert [doc.text[p.start : p.end] for p in doc.pages] == ["部门预算", "收支总表", "三公经费"]
    assert doc.page_of(doc.text.index("三")) == 3


def test_pdf_text_and_boxes(pdf_with_text):
    doc = ingest(pdf_with_text)
    assert doc.format == "pdf" and len(doc.pages) == 1
    assert "部门预算支出总表" in doc.text
    i = doc.text.index("合计")
    box = doc.boxes[i]
    assert box is not None and box.page_number == 1 and box.x1 > box.x0 and box.bottom > box.top
    assert len(doc.boxes) == len(doc.text)


@pytest.mark.parametrize(
    ("kind", "needle"),
    [
        ("missing", "no such file"),
        ("directory", "is a directory"),
        ("empty", "empty file"),
        ("garbage", "binary data"),
        ("truncated_pdf", "damaged or truncated PDF"),
        ("encrypted_pdf", "encrypted PDF"),
        ("no_text_layer_pdf", "no text found, neither in a text layer nor by OCR"),
        ("not_a_disclosure", "not a budget disclosure"),
        ("fake_pdf", "not a PDF"),
    ],
)
def test_bad_input_raises_one_clear_error(bad_inputs, kind, needle):
    with pytest.raises(IngestError) as info:
        ingest(bad_inputs[kind])
    message = str(info.value)
    assert needle in message
    assert "\n" not in message


@pytest.mark.skipif(not jiangsu_pdfs(), reason="../shared/corpora/jiangsu is absent")
def test_every_jiangsu_pdf_ingests_with_boxes():
    for path in jiangsu_pdfs():
        doc = ingest(path)
        assert doc.format == "pdf" and len(doc.pages) > 1
        assert len(doc.boxes) == len(doc.text)
        boxed = sum(b is not None for b in doc.boxes)
        assert boxed > 0.8 * sum(not c.isspace() for c in doc.text), path.name
        assert doc.text.count(PAGE_BREAK) == len(doc.pages) - 1
