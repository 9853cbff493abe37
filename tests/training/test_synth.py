"""The synthetic corpus: exact spans at every noise level and layout, consistent gold records,
determinism, and the on-disk formats."""

from __future__ import annotations

import json
import random

import pytest

from ie.errors import ConfigError
from ie.schema import LABELS, Disclosure, json_schema
from training.synth import LAYOUTS, NOISE_LEVELS, generate_corpus, generate_document
from training.synth.noise import NoiseConfig, add_noise, noise_level
from training.synth.textbuf import Edit, TextBuilder, apply_edits

SEEDS = range(6)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("noise", [*NOISE_LEVELS, 1.0])
def test_every_span_reads_its_text(layout: str, noise) -> None:
    for seed in SEEDS:
        doc = generate_document(seed, noise=noise, layout=layout)
        assert doc.spans, "a document without spans"
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text
            assert span.text == span.text.strip()


def test_all_labels_occur_across_documents() -> None:
    labels = set()
    for seed in range(12):
        labels |= {s.label for s in generate_document(seed, noise="low").spans}
    assert labels == set(LABELS)


def test_record_validates_against_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    for seed in range(3):
        doc = generate_document(seed, noise="high")
        data = json.loads(doc.record.to_json())
        validator.validate(data)
        # the gold spans are valid `entities` of the same record
        data["entities"] = [s.to_dict() for s in doc.spans[:50]]
        validator.validate(data)


def _children_sum(rows: list[dict]) -> None:
    by_code = {r["code"]: r["values"] for r in rows if r["code"]}
    for code, vals in by_code.items():
        kids = [v for c, v in by_code.items() if c.startswith(code) and len(c) == len(code) + 2]
        if not kids:
            continue
        for key, value in vals.items():
            assert abs(sum(k.get(key, 0) for k in kids) - value) < 1e-6, (code, key)
    total = next(r["values"] for r in rows if r["code"] is None and r["name"] == "合计")
    top = [v for c, v in by_code.items() if len(c) == 3]
    if not top:  # a totals-only 支出总表
        return
    for key, value in total.items():
        assert abs(sum(t.get(key, 0) for t in top) - value) < 1e-6, key


def test_money_is_consistent() -> None:
    for seed in range(10):
        rec = generate_document(seed, noise="none").record
        kf = rec.key_figures
        assert kf["expense_total"] == pytest.approx(
            kf["expense_basic"] + kf["expense_project"] + kf.get("expense_reserve", 0)
        )
        assert kf["expense_basic"] == pytest.approx(kf["expense_personnel"] + kf["expense_public"])
        assert kf["three_public_total"] == pytest.approx(
            kf["three_public_abroad"] + kf["three_public_vehicle"] + kf["three_public_reception"]
        )
        assert kf["three_public_vehicle"] == pytest.approx(
            kf["three_public_vehicle_purchase"] + kf["three_public_vehicle_operation"]
        )
        for t in rec.tables:
            if t.kind in ("expense_by_function", "basic_expense_by_economic") and t.rows:
                _children_sum([r.model_dump() for r in t.rows])
        econ = next(t for t in rec.tables if t.kind == "basic_expense_by_economic")
        assert econ.rows[0].values["total"] == pytest.approx(kf["expense_basic"])


def test_prose_amounts_match_key_figures() -> None:
    """Amounts in the prose are the record's key figures, written in 万元."""
    for seed in range(6):
        doc = generate_document(seed, noise="none", layout="tab")
        prose = {
            float(s.text.replace("万元", "").strip())
            for s in doc.spans
            if s.label == "AMOUNT" and "万元" in s.text
        }
        kf = doc.record.key_figures
        assert round(kf["expense_total"], 2) in prose
        assert round(kf["expense_basic"], 2) in prose


def test_projects_indicators_and_redactions_agree() -> None:
    seen_scopes = set()
    for seed in range(15):
        rec = generate_document(seed, noise="none").record
        names = {p.name for p in rec.projects}
        assert 3 <= len(rec.projects) <= 15
        for ind in rec.indicators:
            assert ind.project in names
            if ind.redacted:
                assert ind.target in {"不公开", "涉密", "保密"}
        for r in rec.redactions:
            assert r.project in names
            seen_scopes.add(r.scope)
            assert next(p for p in rec.projects if p.name == r.project).redacted
    assert seen_scopes == {"goal", "indicators"}


def test_target_parsed_follows_schema_rules() -> None:
    ops = set()
    for seed in range(8):
        for ind in generate_document(seed, noise="none").record.indicators:
            tp = ind.target_parsed
            if tp.op:
                assert ind.target.startswith(tp.op)
                ops.add(tp.op)
            elif ind.target and ind.target[0] in "≥≤<>=":
                pytest.fail(f"op missing for {ind.target}")
            if tp.value is not None and not ind.redacted:
                assert tp.unit and tp.unit in ind.target
    assert "≥" in ops


def test_noise_damages_text_but_not_the_record() -> None:
    clean = generate_document(11, noise="none", layout="tab")
    noisy = generate_document(11, noise="high", layout="tab")
    assert clean.record.key_figures == noisy.record.key_figures
    assert clean.text != noisy.text
    broken = [s for s in noisy.spans if s.label == "AMOUNT" and " " in s.text]
    assert broken, "high noise should break some numbers like '686. 71'"


def test_cell_layout_puts_one_cell_per_line() -> None:
    doc = generate_document(2, noise="none", layout="cell")
    assert "\t" not in doc.text
    tab = generate_document(2, noise="none", layout="tab")
    assert "\t" in tab.text


def test_deterministic_same_seed_same_bytes(tmp_path) -> None:
    a = generate_document(5, noise="medium")
    b = generate_document(5, noise="medium")
    assert a.text == b.text and a.record.to_json() == b.record.to_json()
    assert generate_document(6).text != a.text
    s1 = generate_corpus(4, 1, tmp_path / "a", save_dataset=False)
    s2 = generate_corpus(4, 1, tmp_path / "b", save_dataset=False)
    assert s1["splits"] == s2["splits"]
    for split in ("train", "validation", "test"):
        assert (tmp_path / "a" / f"{split}.jsonl").read_bytes() == (
            tmp_path / "b" / f"{split}.jsonl"
        ).read_bytes()


def test_documents_drawn_to_pdf_have_a_grid_layout(tmp_path) -> None:
    """The documents a corpus renders to PDF are drawn in the tab or space layout (a PDF draws
    its tables on a grid); the others keep the cycle of layouts, the cell layout included."""
    from training.synth.render import PDF_LAYOUTS

    generate_corpus(21, 2, tmp_path, pdf=True, save_dataset=False)
    rows = [
        json.loads(line)
        for split in ("train", "validation", "test")
        for line in (tmp_path / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    layout = {r["doc_id"]: r["layout"] for r in rows}
    drawn = sorted(p.stem for p in (tmp_path / "pdf").glob("*.pdf"))
    assert len(drawn) == 3 and all(layout[d] in PDF_LAYOUTS for d in drawn)
    assert "cell" in layout.values()


def test_corpus_on_disk(tmp_path) -> None:
    pytest.importorskip("datasets")
    import datasets

    summary = generate_corpus(10, 3, tmp_path, noise="low")
    assert summary["splits"] == {"train": 8, "validation": 1, "test": 1}
    assert summary["test_noise"] > summary["noise"]
    dd = datasets.load_from_disk(str(tmp_path / "dataset"))
    assert set(dd) >= {"train", "validation", "test"}
    row = dd["train"][0]
    spans_feature = dd["train"].features["spans"]  # Sequence(dict) or dict of lists
    label_feature = (
        spans_feature.feature["label"]
        if hasattr(spans_feature, "feature")
        else spans_feature["label"].feature
    )
    labels = label_feature.names
    for lab, s, e, t in zip(
        *(row["spans"][k] for k in ("label", "start", "end", "text")), strict=True
    ):
        assert row["text"][s:e] == t and labels[lab]
    Disclosure.model_validate_json(row["record"])
    if summary["real"]:
        real = dd["real"][0]
        assert real["noise"] == -1.0 and len(real["spans"]["start"]) > 100
    gold = next((tmp_path / "docs").glob("*.gold.json"))
    Disclosure.model_validate_json(gold.read_text(encoding="utf-8"))


def test_bad_settings_raise_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="valid layouts"):
        generate_document(1, layout="columns")
    with pytest.raises(ConfigError, match="low"):
        noise_level("extreme")
    with pytest.raises(ConfigError):
        noise_level(1.5)
    with pytest.raises(ConfigError):
        generate_corpus(2, 0, tmp_path, layouts=("tab", "html"))


# --- the edit mechanism, by named example -----------------------------------------------------


def _doc(*pieces):
    b = TextBuilder()
    for text, label in pieces:
        b.add(text, label, "num" if label == "AMOUNT" else None)
    return b.build()


def test_wrap_inside_a_number_stays_in_the_span() -> None:
    doc = _doc(("合计\t", None), ("686.71", "AMOUNT"), ("\n", None))
    out = apply_edits(doc, [Edit(7, 7, " ")])
    assert [s.text for s in out.spans()] == ["686. 71"]


def test_page_furniture_inside_a_code_splits_it() -> None:
    doc = _doc(("4\t", None), ("2013101", "CODE"), ("\t行政运行\n", None))
    out = apply_edits(doc, [Edit(6, 6, "\n页眉\n", join=False)])
    assert [s.text for s in out.spans()] == ["2013", "101"]


def test_replacement_at_span_edge_keeps_the_span() -> None:
    doc = _doc(("x", None), ("1.50", "AMOUNT"), ("y", None))
    out = apply_edits(doc, [Edit(1, 2, "l"), Edit(4, 5, "０")])
    assert [s.text for s in out.spans()] == ["l.5０"]


def test_deleting_a_whole_span_drops_it() -> None:
    doc = _doc(("a", None), ("12", "AMOUNT"), ("b", None))
    assert apply_edits(doc, [Edit(1, 3, "")]).spans() == []


def test_noise_random_property() -> None:
    """Property: random text with random spans keeps every span exact under any noise."""
    rng = random.Random(0)
    for _ in range(50):
        b = TextBuilder()
        for _ in range(rng.randint(1, 30)):
            text = "".join(rng.choice("０1O2〔〕≥中文预算 .") for _ in range(rng.randint(1, 9)))
            b.add(
                text,
                rng.choice([None, "AMOUNT", "CODE"]),
                rng.choice(["num", "code", "cell", "prose"]),
            )
        doc = add_noise(b.build(), NoiseConfig(rng.random()), rng.choice(LAYOUTS), rng)
        for s in doc.spans():
            s.check(doc.text)


# --- fairness: the gold record is what the text states ------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_gold_value_is_recoverable_from_the_noisy_text(layout: str) -> None:
    """Every scored gold item (key figure, coded table cell, project, indicator row, redaction)
    occurs in the text at the highest noise, modulo the scoring normalization."""
    from training.synth.audit import audit_documents

    docs = [generate_document(seed, noise=1.0, layout=layout) for seed in range(4)]
    audit = audit_documents((d.text, d.record) for d in docs)
    assert audit.total["tables"] > 100 and audit.total["key_figures"] > 40
    assert audit.rates() == dict.fromkeys(audit.rates(), 1.0), audit.misses


def test_audit_catches_a_value_the_text_lost() -> None:
    """The audit is not vacuous: a figure removed from the text is reported missing."""
    from training.synth.audit import audit_record, number_forms

    doc = generate_document(3, noise="none", layout="tab")
    value = doc.record.key_figures["expense_basic"]
    text = doc.text
    for form in sorted(number_forms(value), key=len, reverse=True):
        text = text.replace(form, "#")
    audit = audit_record(text, doc.record)
    assert audit.rates()["key_figures"] < 1.0
    assert any(m.startswith("expense_basic") for m in audit.misses["key_figures"])


def _prose_with_amount() -> tuple:
    b = TextBuilder()
    b.add("反映本部门当年全部收入。2023年一般公共预算收入", None, "prose")
    b.add("686.71万元", "AMOUNT", "prose")
    b.add("，其中基本支出安排用于人员和日常公用经费开支。" * 3, None, "prose")
    return b.build()


def test_character_loss_never_touches_an_amount_or_its_words() -> None:
    """Named example: at full noise, drops and duplicates leave '686.71万元' and the words
    before it readable (only width swaps and O/l digit confusions may touch it)."""
    from training.synth.audit import normalized

    clean = _prose_with_amount()
    lost = 0
    for seed in range(300):
        doc = add_noise(clean, NoiseConfig(1.0), "tab", random.Random(seed))
        (span,) = doc.spans()
        assert normalized(span.text) == "686.71万元", span.text
        assert "一般公共预算收入" in normalized(doc.text[: span.start])
        lost += len(normalized(doc.text)) != len(normalized(clean.text))
    assert lost > 0, "character loss should still happen in plain prose"


def test_space_layout_never_puts_a_column_gap_inside_a_cell() -> None:
    """Named example: in the space layout two spaces separate columns, so a wrap or a CJK
    space never lands beside another space inside a labelled cell ('2000  件')."""
    for seed in range(6):
        doc = generate_document(seed, noise=1.0, layout="space")
        inside = [s.text for s in doc.spans if s.label.startswith("IND_") and "  " in s.text]
        assert not inside, inside[:3]


def test_row_cut_by_a_page_break_keeps_numbers_whole() -> None:
    """Named example: a row split across pages divides its text cells, never a number."""
    from training.synth.content import generate_content
    from training.synth.render import Writer

    w = Writer(generate_content(random.Random(0)), random.Random(1), "tab", 1.0, 5)
    row = [("12", None, None), ("机关事业单位基本养老保险缴费支出", None, "cell")]
    row += [("1,064.46", "AMOUNT", "num"), ("2080505", "CODE", "code")]
    for _ in range(20):
        first, second = w._split_row(row)
        assert first[1][0] + second[1][0] == row[1][0]
        for k in (2, 3):
            assert {first[k][0], second[k][0]} == {row[k][0], ""}


# --- realism: project tables and 情况说明 sections ----------------------------------------------


def test_project_table_and_explained_projects_occur() -> None:
    tables = explained = 0
    for seed in range(40):
        doc = generate_document(seed, noise="none", layout="tab")
        rec = doc.record
        if "项目支出表" in doc.text:
            tables += 1
            table = next(t for t in rec.tables if t.title.endswith("项目支出表"))
            assert [r.name for r in table.rows[1:]] == [p.name for p in rec.projects]
        if "项目支出情况说明" in doc.text:
            explained += 1
            assert rec.indicators == []
            assert {r.scope for r in rec.redactions} <= {"goal"}
            for p in rec.projects:
                assert f"{p.name}情况说明" in doc.text
    assert tables >= 5 and explained >= 3


# --- PDF: spans onto the text ingest reads ------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_spans_are_exact_against_ingested_text(layout: str, tmp_path) -> None:
    pytest.importorskip("reportlab")
    from ie.ingest import ingest
    from ie.spans import read_spans
    from training.synth.audit import audit_record, normalized
    from training.synth.pdf import write_pdf

    doc = generate_document(7, noise="high", layout=layout)
    path = write_pdf(doc, tmp_path)
    text = ingest(path).text
    spans = read_spans(tmp_path / f"{doc.doc_id}.spans.jsonl")
    for sp in spans:
        sp.check(text)
    # none lost: every label's spans read the same characters as the text's, in order (a PDF
    # draws them without text-layer noise, and a name wrapped around a figure is two pieces)
    for label in {sp.label for sp in doc.spans}:
        got = "".join(normalized(sp.text) for sp in spans if sp.label == label)
        want = "".join(normalized(sp.text) for sp in doc.spans if sp.label == label)
        assert got == want, label
    assert len(spans) >= len(doc.spans)
    gold = Disclosure.model_validate_json((tmp_path / f"{doc.doc_id}.gold.json").read_text())
    assert gold.source.format == "pdf"
    assert audit_record(text, gold).rates()["tables"] == 1.0


def test_pdf_keeps_one_character_lines_and_long_lines(tmp_path) -> None:
    """Named examples: a wrapped cell's last character alone on a line ('计'), and a prose line
    longer than the page is wide, both reach the extracted text."""
    pytest.importorskip("reportlab")
    from ie.ingest import ingest
    from training.synth.pdf import render_pdf

    long_line = "反映本部门当年全部收入。" * 12 + "预算收入686.71万元。"
    render_pdf("本年支出合\n计\n417.18\n" + long_line + "\n", tmp_path / "a.pdf")
    text = "".join(ingest(tmp_path / "a.pdf").text.split())
    assert "本年支出合计417.18" in text
    assert "预算收入686.71万元" in text


def test_pdf_is_deterministic(tmp_path) -> None:
    pytest.importorskip("reportlab")
    from training.synth.pdf import write_pdf

    doc = generate_document(2, noise="medium", layout="tab")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = write_pdf(doc, tmp_path / "a"), write_pdf(doc, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a" / f"{doc.doc_id}.spans.jsonl").read_bytes() == (
        tmp_path / "b" / f"{doc.doc_id}.spans.jsonl"
    ).read_bytes()


def _drawn(text: str, layout: str | None = None):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from training.synth.pdf import layout_pages

    items = [d for page in layout_pages(text, *A4, layout) for d in page]
    return {d.text: (d.x, d.x + stringWidth(d.text, "STSong-Light", d.size), d.y) for d in items}


def test_pdf_table_right_aligns_figures_on_one_grid() -> None:
    """Named example: figures of one column share a right edge, names a left edge, also across
    a blank line inside the table and in the space layout."""
    pytest.importorskip("reportlab")
    for text, layout in (
        ("项目\t金额\n合计\t1,234.56\n\n小计\t7.00\n", "tab"),
        ("项目      金额\n合计      1,234.56\n\n小计      7.00\n", "space"),
    ):
        d = _drawn(text, layout)
        assert d["1,234.56"][1] == pytest.approx(d["7.00"][1])  # right edges
        assert d["1,234.56"][0] < d["7.00"][0]
        assert d["合计"][0] == d["小计"][0] == d["项目"][0]
        assert d["合计"][2] == d["1,234.56"][2]  # same row, same baseline


def test_pdf_wraps_a_long_name_inside_its_column() -> None:
    pytest.importorskip("reportlab")
    name = "机关事业单位基本养老保险缴费支出" * 2
    d = _drawn(f"2080505\t{name}\t1937700.00\n208\t社会保障\t1.00\n", "tab")
    pieces = [t for t in d if t and t in name]
    assert len(pieces) >= 2 and "".join(pieces) == name
    assert len({d[t][0] for t in pieces}) == 1  # one left edge: the column's
    assert all(d[t][1] < d["1937700.00"][0] for t in pieces)  # never into the next column


def test_pdf_text_layer_has_no_character_noise(tmp_path) -> None:
    """A born-digital PDF has no full-width digits and no spaces inside figures or codes."""
    pytest.importorskip("reportlab")
    import re

    from ie.ingest import ingest
    from training.synth.pdf import render_pdf, write_pdf

    for layout in LAYOUTS:
        doc = generate_document(11, noise="high", layout=layout)
        (tmp_path / layout).mkdir()
        text = ingest(write_pdf(doc, tmp_path / layout)).text
        assert re.search(r"[\uff10-\uff19．]", doc.text)  # the noise was there
        assert not re.search(r"[\uff10-\uff19．]", text)
        assert not re.search(r"\d\.[ ]+\d|\d[ ]+\.\d|\d[ ]+\d{2}\.\d\d", text)
    render_pdf("合计\n977400.\n00\n2101\n1\n行政 单位\n", tmp_path / "c.pdf", layout="cell")
    text = ingest(tmp_path / "c.pdf").text
    assert "977400.00" in text and "21011" in text


def test_pdf_regroups_a_cell_layout_money_table_into_rows() -> None:
    """Named example: one cell per line (code, name, figure) is drawn as rows on a grid."""
    pytest.importorskip("reportlab")
    d = _drawn("部门：某局\n合计\n1,172.33\n208\n社会保障\n和就业支出\n789.35\n", "cell")
    assert d["208"][2] == d["社会保障和就业支出"][2] == d["789.35"][2]  # one row
    assert d["1,172.33"][1] == pytest.approx(d["789.35"][1])  # one right edge
    assert d["部门：某局"][2] > d["合计"][2]  # the unit line stays above the table


def test_project_form_occurs_with_its_header_block_and_fewer_columns() -> None:
    """The national project form (项目支出绩效目标申报表): a header block naming the project,
    its funds and goal, then the indicator grid, most often without 绩效指标描述 and
    指标值确定依据; the gold rows leave a missing column's field empty."""
    forms = without_basis = 0
    for seed in range(40):
        doc = generate_document(seed, noise="none", layout="tab")
        if "年度资金总额" not in doc.text:
            continue
        forms += 1
        rec, flat = doc.record, "".join(doc.text.split())
        assert any(t in doc.text for t in ("绩效目标申报表", "绩效目标填报表", "绩效目标表"))
        for p in rec.projects:
            assert f"项目名称{p.name}" in flat
        for row in rec.indicators:
            if row.basis is None:
                without_basis += 1
                assert row.description is None
            if not row.redacted:
                assert "".join(row.target.split()) in flat
        labels = {s.label for s in doc.spans}
        assert {"PROJECT", "IND_L1", "IND_L2", "IND_L3", "IND_TARGET", "AMOUNT"} <= labels
    assert forms >= 5 and without_basis > 0
