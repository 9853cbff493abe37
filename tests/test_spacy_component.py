"""The `budget_ie` spaCy component, found through its entry point."""

from __future__ import annotations

import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")

from conftest import REAL_DIR  # noqa: E402

from ie.spans import read_spans  # noqa: E402
from ie.tagger import get_tagger  # noqa: E402

STEM = "004_3c37c7924f173325"


def test_add_pipe_by_name_in_a_fresh_interpreter():
    """No import of ie first: spaCy must find the factory through the entry point."""
    code = (
        "import spacy; nlp = spacy.blank('zh'); nlp.add_pipe('budget_ie');"
        "doc = nlp('2023年预算收入686.71万元，其中：一般公共预算收入686.71万元。');"
        "print(sorted({(e.text, e.label_) for e in doc.ents}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "('686.71万元', 'AMOUNT')" in out.stdout


def test_ents_match_the_tagger_on_the_real_text():
    text = (REAL_DIR / f"{STEM}.txt").read_text(encoding="utf-8")
    nlp = spacy.blank("zh")
    nlp.add_pipe("budget_ie", config={"backend": "rules"})
    doc = nlp(text)
    ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
    tagged = {(s.start, s.end, s.label) for s in get_tagger("rules").predict(text)}
    assert ents <= tagged and len(ents) >= 0.95 * len(tagged)
    gold = {(s.start, s.end, s.label) for s in read_spans(REAL_DIR / f"{STEM}.spans.jsonl")}
    assert len(ents & gold) >= 0.8 * len(gold)


def test_unknown_backend_fails_at_build_time():
    nlp = spacy.blank("zh")
    with pytest.raises(Exception, match="valid backends"):
        nlp.add_pipe("budget_ie", config={"backend": "magic"})
