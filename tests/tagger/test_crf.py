"""The crf backend and training/train.py: features, chunking, train → save → load → predict,
and config checking. Tiny settings: the whole file runs in a few seconds."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest
import yaml

from ie.errors import ConfigError
from ie.spans import Span
from ie.tagger import get_tagger
from ie.tagger.crf import (
    MODEL_FILE,
    CRFSettings,
    CRFTagger,
    _Annotation,
    _distinct,
    _parallel_sequences,
    _unpack,
    annotate,
    char_features,
    chunk_bounds,
    chunk_features,
)
from ie.tokenize import Tokenizer
from training.train import load_config, read_rows, train

NAMES = ["行政运行", "事业运行", "住房公积金", "办公费", "差旅费"]


class _Doc:
    """Builds a labelled text piece by piece, so gold offsets are right by construction."""

    def __init__(self) -> None:
        self.text, self.spans = "", []

    def add(self, piece: str, label: str | None = None) -> _Doc:
        if label:
            self.spans.append(Span(len(self.text), len(self.text) + len(piece), label, piece))
        self.text += piece
        return self


def tiny_doc(rng: random.Random) -> _Doc:
    d = (
        _Doc()
        .add("部门预算支出总表\n\n201 ")
        .add("中国共产党某某县委员会办公室", "DEPT")
        .add("\n\n单位：万元\n\n")
    )
    d.add("序号\t科目编码\t科目名称\t合计\n")
    for k in range(rng.randint(2, 4)):
        d.add(f"{k + 1}\t").add(f"2{rng.randint(10, 99)}{rng.randint(10, 99)}01", "CODE")
        d.add(f"\t{rng.choice(NAMES)}\t").add(
            f"{rng.randint(1, 999)}.{rng.randint(10, 99)}", "AMOUNT"
        ).add("\n")
    d.add("\n2023年预算收入").add(
        f"{rng.randint(100, 999)}.{rng.randint(10, 99)}万元", "AMOUNT"
    ).add("。\n\n")
    d.add("1、").add("某某业务经费", "PROJECT").add("：").add("不公开", "REDACTED").add("。\n")
    return d


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    rng = random.Random(7)
    d = tmp_path_factory.mktemp("data")
    for name, n in (("train", 12), ("val", 4)):
        with (d / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(n):
                doc = tiny_doc(rng)
                row = {
                    "doc_id": f"{name}{i}",
                    "text": doc.text,
                    "spans": [s.to_dict() for s in doc.spans],
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return d / "train.jsonl", d / "val.jsonl"


def write_config(path: Path, **data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_char_features_are_pure_and_positional(tok: Tokenizer) -> None:
    text = "合计\t686.71\n201"
    chars = annotate(text, tok, None)
    f = char_features(chars, 3)  # "6", first char of the second cell
    assert f == char_features(chars, 3)
    assert {"c:6", "cls:digit", "col:1", "cell_start", "c-1:TAB"} <= set(f)
    assert "line_start" not in f
    last = char_features(chars, len(text) - 1)
    assert "line_start" not in last and {"c+1:<pad>", "col:0"} <= set(last)
    assert "line_start" in char_features(chars, 0)


def test_rules_tag_is_a_feature(tok: Tokenizer) -> None:
    from ie.tagger.rules import RulesTagger

    text = "预算收入686.71万元"
    chars = annotate(text, tok, RulesTagger())
    assert "rule:B-AMOUNT" in char_features(chars, 4)
    assert "rule:O" in char_features(chars, 0)


def test_digits_see_the_word_after_them(tok: Tokenizer) -> None:
    # A department's code over a table and a 科目 code in a row differ only in the words after
    # the digits, beyond the character window.
    text = "201 中国共产党卢龙县委员会办公室\n201 一般公共服务支出 6,188\n10\t210\t卫生健康支出"
    chars = annotate(text, tok, None)
    after = {(i, c.ch): c.after for i, c in enumerate(chars) if c.cls == "digit"}
    assert {after[(k, "2")] for k in (0,)} == {"DEPT"}
    row = text.index("201 一般")
    assert [after[(row + k, ch)] for k, ch in enumerate("201")] == ["FUNC"] * 3
    tab = text.index("10\t")
    assert after[(tab, "1")] == ""  # a 序号 before a code: the code, not a word, follows
    assert after[(tab + 3, "2")] == "FUNC"
    assert after[(text.index("6,188"), "6")] == ""  # a figure at the end of its line
    assert "after:DEPT" in char_features(chars, 1)
    assert not any(f.startswith("after:") for f in char_features(chars, 4))  # not a digit


def test_a_line_padded_to_the_page_width_reads_as_ending_at_its_ink(tok: Tokenizer) -> None:
    # pdfplumber's layout text pads every line with spaces; "2023" then looks like the last
    # cell of a wide row (a 指标值确定依据) unless the padding reads as the line's end.
    padded = "     2023" + " " * 30 + "\n     单位：元" + " " * 25
    plain = "     2023\n     单位：元"
    for text in (padded, plain):
        chars = annotate(text, tok, None)
        f = set(char_features(chars, text.index("3")))
        assert {"c+1:NL", "bi+:3NL"} <= f, repr(text)
        assert len(chars) == len(text)  # positions are the text's
    chars = annotate(padded, tok, None)
    assert chars[padded.index("3") + 1].ch == "\n" and chars[3].ch == " "  # indent stays


def test_cells_see_across_column_gaps(tok: Tokenizer) -> None:
    # The cell after 产出指标 is the same whether a tab, a padded gap, a line break or blank
    # lines separate the two (each tool flattens tables its own way); one space is no gap.
    for sep in ("\t", "      ", "\n", "   \n\n     "):
        text = f"产出指标{sep}数量指标"
        chars = annotate(text, tok, None)
        end, start = text.index("标"), text.index("数")
        assert {"gap+", "ink+1:数", "irule+1:O"} <= set(char_features(chars, end)), repr(sep)
        assert {"gap-", "ink-1:标"} <= set(char_features(chars, start)), repr(sep)
        assert not chars[1].across and not chars[start + 1].across  # inside a cell
    chars = annotate("产出指标 数量指标", tok, None)
    assert not any(c.across for c in chars)
    # across chunks: a cell after a blank line sees the cell before it
    text = "合计\n\n2,169.78"
    columns = list(_Annotation(text, tok, None).chunks(chunk_bounds(text, 2000)))
    assert [len(c) for c in columns] == [4, 8] and "ink-1:计" in columns[1].across[0]


def test_cells_see_a_nearby_cell_that_restates_them(tok: Tokenizer) -> None:
    # A 三级指标 and the 绩效指标描述 that restates it, however a tool separates or orders the
    # cells: a row per line, a cell per line, a column per block (other cells between).
    for text in (
        "数量指标\t调研课题次数\t严格控制调研课题次数\t1次",
        "数量指标\n\n调研课题次数\n\n严格控制调研课题次数\n\n1次",
        "调研课题次数\n带动投资\n项目总成本\n严格控制调研课题次数\n1次",
    ):
        chars = annotate(text, tok, None)
        l3, desc = text.index("调研"), text.index("严格")
        assert {"rep:in_next", "rep:in_later"} & set(char_features(chars, l3)), repr(text)
        assert {"rep:holds_prev", "rep:holds_earlier"} & set(char_features(chars, desc + 2))
        assert not any(a.startswith("rep:") for a in char_features(chars, text.index("1次")))
    chars = annotate("受益群众满意度 受益群众满意度\n≥95%", tok, None)
    assert "rep:same_next" in char_features(chars, 0)
    assert "rep:same_prev" in char_features(chars, 9)


def test_chunks_cover_the_text_in_order() -> None:
    text = "a\n\nbb\nccc\fdddd\n" * 30
    bounds = chunk_bounds(text, 20)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(bounds))
    assert max(b - a for a, b in bounds) <= 20


def test_train_save_load_predict_round_trip(tmp_path: Path, tok: Tokenizer) -> None:
    rng = random.Random(1)
    docs = [tiny_doc(rng) for _ in range(10)]
    crf = CRFTagger(CRFSettings(max_iterations=30), tok).fit(
        [(d.text, d.spans) for d in docs], tmp_path / MODEL_FILE
    )
    crf.save(tmp_path)
    test = tiny_doc(random.Random(99))
    before = crf.predict(test.text)
    loaded = get_tagger("crf", tmp_path)
    after = loaded.predict(test.text)
    assert after == before
    for s in after:
        s.check(test.text)
        assert 0.0 < s.score <= 1.0
    gold = {(s.start, s.end, s.label) for s in test.spans}
    assert len(gold & {(s.start, s.end, s.label) for s in after}) >= len(gold) - 1


@pytest.mark.parametrize("algorithm", ["ap", "l2sgd"])
def test_same_recipe_same_model_whatever_ran_before(
    tmp_path: Path, tok: Tokenizer, algorithm: str
) -> None:
    """CRFsuite shuffles with the C library's rand(): another library drawing from it (OpenCV,
    an earlier training) must not change the model."""
    import ctypes

    rng = random.Random(2)
    data = [(d.text, d.spans) for d in (tiny_doc(rng) for _ in range(6))]
    libc = ctypes.CDLL(None)
    models = []
    for k, draws in enumerate((0, 7)):
        for _ in range(draws):
            libc.rand()
        settings = CRFSettings(algorithm=algorithm, max_iterations=5, use_rules=False)
        CRFTagger(settings, tok).fit(data, tmp_path / f"m{k}")
        models.append((tmp_path / f"m{k}").read_bytes())
    assert models[0] == models[1]


def test_parallel_features_equal_serial_ones(tok: Tokenizer) -> None:
    rng = random.Random(5)
    docs = [(d.text, d.spans) for d in (tiny_doc(rng) for _ in range(7))]
    settings = CRFSettings()
    serial = [
        p for text, spans in docs for p in CRFTagger(settings, tok).labelled_sequences(text, spans)
    ]
    packed = list(_parallel_sequences(iter(docs), settings, tok.terms, workers=2))
    assert all(isinstance(x, str) for x, _ in packed)  # one string per chunk between processes
    assert [(_unpack(x), y) for x, y in packed] == serial
    assert len(serial) >= 7 * 3  # several chunks per document: the order is really tested


def test_chunk_features_equal_char_features(tok: Tokenizer) -> None:
    from ie.tagger.rules import RulesTagger

    text = tiny_doc(random.Random(8)).text + "\n\t 合计\u3000686.71\f行政运行\n\n确保行政运行达标"
    chars = annotate(text, tok, RulesTagger())
    for window in (0, 1, 2, 3):
        for n in (0, 1, 2, 3, 5, 8, len(chars)):
            piece = chars[:n]
            expected = [char_features(piece, i, window) for i in range(n)]
            assert chunk_features(piece, window) == expected, (window, n)


def test_remembered_attribute_strings_change_no_feature(
    tok: Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attribute strings are looked up by value (`_Attribute`); with a memory of two values,
    emptied all the time, the features are still `char_features`'."""
    from ie.tagger import crf
    from ie.tagger.rules import RulesTagger

    text = tiny_doc(random.Random(9)).text
    chars = annotate(text, tok, RulesTagger())
    expected = [char_features(chars, i) for i in range(len(chars))]
    monkeypatch.setattr(crf, "_ATTRIBUTE_VALUES", 2)
    monkeypatch.setattr(crf, "_ATTR", crf._Attributes())
    assert chunk_features(chars) == expected
    assert chunk_features(chars) == expected


def test_features_that_hold_the_separators_travel_unpacked(tok: Tokenizer) -> None:
    docs = [("合计\x1e686.71\n", []), ("合计\t686.71\n", [])]
    out = list(_parallel_sequences(iter(docs), CRFSettings(use_rules=False), tok.terms, 2))
    assert isinstance(out[0][0], list) and isinstance(out[1][0], str)
    assert (
        _unpack(out[0][0])
        == CRFTagger(CRFSettings(use_rules=False), tok).sequences(docs[0][0])[0][2]
    )


def test_repeated_chunks_are_read_once() -> None:
    a, b = (["x:1|bias", "bias"], ["O", "O"]), ("bias\x1fc:1", ["B-AMOUNT"])
    counts = {"chunks": 0, "duplicate_chunks_skipped": 0}
    out = list(_distinct([a, b, a, (b[0], ["O"]), b], counts))
    assert out == [a, b, (b[0], ["O"])]  # same features with other tags are kept
    assert counts == {"chunks": 5, "duplicate_chunks_skipped": 2}


@pytest.mark.parametrize("algorithm", ["l2sgd", "ap"])
def test_fast_algorithms_train_from_config(
    tmp_path: Path, corpus: tuple[Path, Path], algorithm: str
) -> None:
    train_path, val_path = corpus
    cfg = write_config(
        tmp_path / "crf.yaml",
        seed=3,
        train=[str(train_path)],
        validation=[str(val_path)],
        output_dir=str(tmp_path / "model"),
        workers=2,
        crf={"algorithm": algorithm, "max_iterations": 10, "skip_duplicate_chunks": True},
    )
    out = train(cfg)
    assert json.loads((out / "tagger.json").read_text())["settings"]["algorithm"] == algorithm
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0 <= metrics["duplicate_chunks_skipped"] < metrics["chunks"]
    assert json.loads((out / "metrics.json").read_text())["spans_strict"]["micro"]["f1"] > 0.8


def test_train_from_config_writes_model_metrics_and_card(
    tmp_path: Path, corpus: tuple[Path, Path]
) -> None:
    train_path, val_path = corpus
    cfg = write_config(
        tmp_path / "crf.yaml",
        seed=3,
        train=[str(train_path)],
        validation=[str(val_path)],
        output_dir=str(tmp_path / "model"),
        crf={"max_iterations": 25, "use_rules": False},
    )
    out = train(cfg)
    assert {p.name for p in out.iterdir()} >= {
        MODEL_FILE,
        "tagger.json",
        "config.yaml",
        "metrics.json",
        "MODEL_CARD.md",
    }
    metrics = json.loads((out / "metrics.json").read_text())
    micro = metrics["spans_strict"]["micro"]
    assert micro["gold"] == sum(len(r.spans) for r in read_rows(val_path))
    assert micro["f1"] > 0.8
    assert "| CODE |" in (out / "MODEL_CARD.md").read_text()
    assert json.loads((out / "tagger.json").read_text())["tags"][:3] == [
        "O",
        "B-AMOUNT",
        "I-AMOUNT",
    ]


def test_seeded_split_when_no_validation(tmp_path: Path, corpus: tuple[Path, Path]) -> None:
    cfg = write_config(
        tmp_path / "c.yaml",
        train=[str(corpus[0])],
        validation_fraction=0.25,
        output_dir=str(tmp_path / "m"),
        crf={"max_iterations": 5},
    )
    metrics = json.loads((train(cfg) / "metrics.json").read_text())
    assert (metrics["train_docs"], metrics["validation_docs"]) == (9, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"train": ["x"], "output_dir": "o", "learning_rate": 1},
            "unknown key 'learning_rate'; valid keys: backend, seed",
        ),
        (
            {"train": ["x"], "output_dir": "o", "crf": {"c3": 1}},
            "unknown key 'crf.c3'; valid keys: algorithm, c1, c2",
        ),
        ({"output_dir": "o"}, "train: Field required"),
        ({"train": ["x"], "output_dir": "o", "backend": "svm"}, "backend"),
    ],
    ids=["unknown_top_key", "unknown_crf_key", "missing_train", "bad_backend"],
)
def test_config_rejects_bad_keys(tmp_path: Path, data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path / "bad.yaml", **data))


def test_one_document_without_validation_is_refused(
    tmp_path: Path, corpus: tuple[Path, Path]
) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(corpus[0].read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    cfg = write_config(tmp_path / "c.yaml", train=[str(one)], output_dir=str(tmp_path / "m"))
    with pytest.raises(ConfigError, match="cannot be split"):
        train(cfg)


def test_loading_a_non_model_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a CRF model directory"):
        get_tagger("crf", tmp_path)


@pytest.mark.parametrize("recipe", ["crf.yaml", "crf-1000.yaml", "crf-weak.yaml"])
def test_the_shipped_recipes_parse(recipe: str) -> None:
    cfg = load_config(Path(__file__).resolve().parents[2] / "configs" / recipe)
    assert cfg.backend == "crf" and cfg.crf.max_iterations > 0


def test_the_shipped_model_labels_the_real_text() -> None:
    from ie.pipeline import shipped_model
    from ie.spans import read_spans
    from training.transformer import span_scores

    model = shipped_model("crf")
    if model is None:
        pytest.skip("no CRF model ships in ie/models/crf")
    real = Path(__file__).resolve().parents[2] / "corpora" / "real" / "004_3c37c7924f173325.txt"
    text = real.read_text(encoding="utf-8")
    gold = {(s.label, s.start, s.end) for s in read_spans(real.with_suffix(".spans.jsonl"))}
    pred = {(s.label, s.start, s.end) for s in get_tagger("crf", model).predict(text)}
    # trained on synthetic documents only (generated and converter text): issue 13's bar
    assert span_scores([gold], [pred])["micro"]["f1"] >= 0.98


def test_cells_in_lines_counts_each_line_whole_across_chunks() -> None:
    """The tab cells of a character's line, the whole line even where chunks (with gaps
    between them) cut it, equal a count made afresh for every character."""
    import random

    from ie.tagger.crf import _cells_in_lines

    def fresh(text: str, a: int, b: int) -> list[int]:
        out = []
        for i in range(a, b):
            start = max(text.rfind("\n", 0, i), text.rfind("\f", 0, i)) + 1
            ends = [k for k in (text.find("\n", i), text.find("\f", i)) if k >= 0]
            out.append(text.count("\t", start, min(ends, default=len(text))) + 1)
        return out

    rng = random.Random(2)
    for _ in range(500):
        text = "".join(rng.choice("ab\t\n\f") for _ in range(rng.randint(0, 60)))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(1, 8))))
        line = [-1, -1, 1]
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            assert _cells_in_lines(text, a, b, line) == fresh(text, a, b), (text, a, b)
