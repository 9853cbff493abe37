"""Weak supervision: real text labelled by the rules, what they are unsure of left out, mixed
into a CRF recipe at a weight."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ie.cli import app
from ie.spans import Span
from training.train import read_rows, train, weighted
from training.weak import confident_text, unnamed_projects, weak_rows

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325.txt"
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"


def _span(text: str, piece: str, label: str, score: float) -> Span:
    start = text.index(piece)
    return Span.on(text, label, start, start + len(piece), score)


def test_lines_of_unsure_spans_are_left_out_with_what_reaches_into_them() -> None:
    text = "合计\t686.71\n办公经费\t12.00\n不公\n\n开\n201\t一般公共服务支出\n"
    sure_amount = _span(text, "686.71", "AMOUNT", 0.9)
    unsure = _span(text, "办公经费", "PROJECT", 0.5)
    # a sure span over three lines, one of which an unsure span touches: it goes too
    marker = _span(text, "不公\n\n开", "REDACTED", 0.95)
    blocker = Span.on(text, "AMOUNT", text.index("开"), text.index("开") + 1, 0.1)
    code = _span(text, "201", "CODE", 0.9)
    weak = confident_text(text, [sure_amount, unsure, marker, blocker, code], 0.7)
    assert weak.text == "合计\t686.71\n201\t一般公共服务支出\n"
    assert [(s.label, s.text) for s in weak.spans] == [("AMOUNT", "686.71"), ("CODE", "201")]
    assert all(weak.text[s.start : s.end] == s.text for s in weak.spans)
    assert weak.lines_left_out == 4
    # at a lower bar every span is trusted and nothing is left out
    kept = confident_text(text, [sure_amount, unsure, code], 0.5)
    assert kept.text == text and len(kept.spans) == 3 and kept.lines_left_out == 0


def test_project_words_the_rules_did_not_name_leave_their_lines_out() -> None:
    text = (
        "项目支出 12.00 万元，主要用于信息化建设经费。\n"
        "加大司法保护力度。\n"
        "（一）督考办业务费绩效目标表\n"
        "项目名称\t督考办业务费\n"
    )
    named = _span(text, "督考办业务费", "PROJECT", 0.9)
    amount = _span(text, "12.00 万元", "AMOUNT", 0.9)
    unsure = unnamed_projects(text, [named, amount])
    # 经费 outside every PROJECT span; 项目支出 and 项目名称 are no project's name
    assert [text[a:b] for a, b in unsure] == ["经费"]
    weak = confident_text(text, [amount, named], 0.7, unsure)
    assert weak.text.startswith("加大司法保护力度。\n")
    assert [s.text for s in weak.spans] == ["督考办业务费"]


def test_weak_rows_of_a_real_text_hold_the_rules_spans(tmp_path: Path) -> None:
    (row,) = weak_rows([REAL])
    assert row["weak"] is True and row["converter"] == "text"
    labels = {s["label"] for s in row["spans"]}
    assert {"AMOUNT", "PROJECT", "IND_L1", "REDACTED"} <= labels
    for s in row["spans"]:
        assert row["text"][s["start"] : s["end"]] == s["text"]
    # read back as training rows, spans checked against the text
    path = tmp_path / "weak.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert len(read_rows(path)[0].spans) == len(row["spans"])


def test_weight_is_copies_and_a_seeded_share() -> None:
    rows = list(range(10))
    assert weighted(rows, 0, 1) == []
    assert weighted(rows, 2, 1) == rows * 2
    half = weighted(rows, 0.5, 1)
    assert len(half) == 5 and set(half) <= set(rows) and half == weighted(rows, 0.5, 1)
    assert len(weighted(rows, 1.3, 1)) == 13


def test_cli_labels_a_pdf_and_a_recipe_trains_on_it(tmp_path: Path) -> None:
    pdfs = sorted(JIANGSU.rglob("*.pdf"))
    if not pdfs:
        pytest.skip("../shared/corpora/jiangsu is absent")
    out = tmp_path / "weak.jsonl"
    result = CliRunner().invoke(app, ["weak", str(pdfs[0]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["rows"] == 1
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["converter"] == "pdfium" and row["source"] == str(pdfs[0])
    assert {s["label"] for s in row["spans"]} >= {"AMOUNT", "CODE"}
    recipe = tmp_path / "crf.yaml"
    recipe.write_text(
        yaml.safe_dump(
            {
                "train": [str(out)],
                "validation": [str(REAL)],
                "weak": [str(out)],
                "weak_weight": 1,
                "output_dir": str(tmp_path / "model"),
                "crf": {"max_iterations": 5},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    model = train(recipe)
    metrics = json.loads((model / "metrics.json").read_text())
    assert (metrics["train_docs"], metrics["weak_docs"]) == (2, 1)
    assert "weakly labelled" in (model / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_cli_says_what_is_wrong_before_writing_anything(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    for args, said in (
        ([str(tmp_path / "nope")], "no such file or folder"),
        ([str(REAL), "--converters", "pdfium,pdftotxt"], "unknown converter pdftotxt"),
        ([str(tmp_path)], "no PDF or .txt file"),
    ):
        result = CliRunner().invoke(app, ["weak", *args, "-o", str(out)])
        assert result.exit_code == 2 and said in result.output, result.output
        assert not out.exists()


def test_unreadable_files_are_skipped_and_gbk_text_is_read(tmp_path: Path) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("产出指标\t数量指标\t不公开\t不公开\n".encode("gb18030"))
    out = tmp_path / "weak.jsonl"
    result = CliRunner().invoke(app, ["weak", str(bad), str(gbk), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"skipped {bad}" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["rows"], summary["skipped"]) == (1, 1)
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [s["text"] for s in row["spans"] if s["label"] == "REDACTED"] == ["不公开", "不公开"]


def test_text_only_rows_are_whole_unlabelled_texts_for_mlm(tmp_path: Path) -> None:
    """`--text-only` writes each text as read, without spans and without lines left out:
    the unlabelled text configs/pretrain-mlm.yaml pretrains on."""
    from training.transformer import MLMConfig, pretrain_mlm

    out = tmp_path / "text.jsonl"
    result = CliRunner().invoke(app, ["weak", str(REAL), "--text-only", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == REAL.read_text(encoding="utf-8")
    assert (row["spans"], row["converter"]) == ([], "text")
    # labelled rows of the same text leave the lines the rules are unsure of out
    (labelled,) = weak_rows([REAL])
    assert len(labelled["text"]) < len(row["text"]) and labelled["spans"]
    tiny = {"hidden_size": 32, "num_layers": 1, "num_heads": 2, "intermediate_size": 64}
    mlm = pretrain_mlm(
        MLMConfig.from_dict(
            {"output_dir": str(tmp_path / "mlm"), "train": str(out), "max_steps": 2, **tiny}
        )
    )
    assert (mlm / "config.json").exists()
