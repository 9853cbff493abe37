"""The transformer backend on tiny checkpoints built here (nothing is downloaded)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from conftest import REAL_DIR

from ie.errors import ConfigError
from ie.spans import BIO_TAGS, read_spans
from ie.tagger.transformer import (
    RULE_TYPES_KEY,
    WORD_TYPES_KEY,
    CharVocab,
    TransformerTagger,
    rule_type_ids,
    windows,
)
from training.transformer import (
    MLMConfig,
    TransformerConfig,
    pretrain_mlm,
    train_transformer,
)

TINY = {
    "hidden_size": 32,
    "num_layers": 1,
    "num_heads": 2,
    "intermediate_size": 64,
    "window": 64,
    "stride": 48,
}


@pytest.fixture(scope="module")
def real_rows(tmp_path_factory):
    stem = "004_3c37c7924f173325"
    text = (REAL_DIR / f"{stem}.txt").read_text(encoding="utf-8")
    spans = read_spans(REAL_DIR / f"{stem}.spans.jsonl")
    path = tmp_path_factory.mktemp("data") / "real.jsonl"
    row = {"doc_id": stem, "text": text, "spans": [s.to_dict() for s in spans]}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_windows_cover_every_position():
    for length in (1, 63, 64, 65, 500):
        spans = windows(length, 64, 48)
        covered = {i for s, e in spans for i in range(s, e)}
        assert covered == set(range(length))
        assert all(e - s <= 64 for s, e in spans)
    with pytest.raises(ConfigError):
        windows(10, 4, 5)


def test_char_vocab_keeps_layout_whitespace(tmp_path):
    vocab = CharVocab.build(["合计\t686.71\n"])
    ids = vocab.encode("合\t计 \n未")
    assert ids[1] == vocab.id("[TAB]") and ids[3] == vocab.id("[SP]")
    assert ids[4] == vocab.id("[NL]") and ids[5] == vocab.id("[UNK]")
    vocab.save(tmp_path)
    assert CharVocab.load(tmp_path) == vocab


def test_train_predict_round_trip_learns_the_real_text(real_rows, tmp_path):
    cfg = TransformerConfig.from_dict(
        {
            "output_dir": str(tmp_path / "m"),
            "train": str(real_rows),
            "validation": str(real_rows),
            "epochs": 12,
            "batch_size": 8,
            "learning_rate": 3e-3,
            **TINY,
        }
    )
    out = train_transformer(cfg)
    metrics = json.loads((out / "metrics.json").read_text())
    assert (out / "MODEL_CARD.md").exists() and (out / "train_config.json").exists()
    # A model fitted on the text it is scored on must beat chance by far.
    assert metrics["validation"]["micro"]["f1"] > 0.3
    tagger = TransformerTagger(out)
    text = (REAL_DIR / "004_3c37c7924f173325.txt").read_text(encoding="utf-8")
    spans = tagger.predict(text)
    assert spans and all(text[s.start : s.end] == s.text for s in spans)
    assert all(0.0 <= s.score <= 1.0 for s in spans)


def test_mlm_pretraining_initialises_the_classifier(real_rows, tmp_path):
    mlm = pretrain_mlm(
        MLMConfig.from_dict(
            {"output_dir": str(tmp_path / "mlm"), "train": str(real_rows), "max_steps": 3, **TINY}
        )
    )
    out = train_transformer(
        TransformerConfig.from_dict(
            {
                "output_dir": str(tmp_path / "cls"),
                "train": str(real_rows),
                "init_from": str(mlm),
                "max_steps": 2,
                "window": 64,
                "stride": 48,
            }
        )
    )
    assert CharVocab.load(out) == CharVocab.load(mlm)


def test_rule_features_enter_as_token_types(real_rows, tmp_path):
    import numpy as np

    out = train_transformer(
        TransformerConfig.from_dict(
            {
                "output_dir": str(tmp_path / "m"),
                "train": str(real_rows),
                "validation": str(real_rows),
                "rule_features": True,
                "epochs": 12,
                "batch_size": 8,
                "learning_rate": 3e-3,
                **TINY,
            }
        )
    )
    config = json.loads((out / "config.json").read_text())
    assert config[RULE_TYPES_KEY] is True and config["type_vocab_size"] == len(BIO_TAGS)
    tagger = TransformerTagger(out)
    assert tagger.rules is not None
    text = (REAL_DIR / "004_3c37c7924f173325.txt").read_text(encoding="utf-8")
    ids = tagger.vocab.encode(text)
    types = rule_type_ids(text, tagger.rules)
    assert any(types)  # the rules tag the text
    # The model reads the types: dropping them changes its probabilities.
    assert not np.allclose(tagger._token_probs(ids, types), tagger._token_probs(ids, None))
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["validation"]["micro"]["f1"] > 0.5


def test_word_features_add_jieba_word_boundaries_to_the_types(real_rows, tmp_path):
    out = train_transformer(
        TransformerConfig.from_dict(
            {
                "output_dir": str(tmp_path / "m"),
                "train": str(real_rows),
                "rule_features": True,
                "word_features": True,
                "max_steps": 2,
                **TINY,
            }
        )
    )
    config = json.loads((out / "config.json").read_text())
    assert config["type_vocab_size"] == len(BIO_TAGS) * 4 and config[WORD_TYPES_KEY] is True
    tagger = TransformerTagger(out)
    text = "预算收入686.71万元，主要用于机关运行。"
    types = rule_type_ids(text, tagger.rules, tagger.words)
    rule_only = rule_type_ids(text, tagger.rules)
    assert [t // 4 for t in types] == rule_only  # the rule tag is kept, the word tag added
    assert len({t % 4 for t in types}) > 1  # words of several characters and single ones
    assert max(types) < config["type_vocab_size"]
    assert tagger.predict(text) is not None


def test_rule_features_on_an_mlm_encoder_replace_its_type_embeddings(real_rows, tmp_path):
    mlm = pretrain_mlm(
        MLMConfig.from_dict(
            {"output_dir": str(tmp_path / "mlm"), "train": str(real_rows), "max_steps": 1, **TINY}
        )
    )
    cfg = {"output_dir": str(tmp_path / "cls"), "train": str(real_rows), "init_from": str(mlm)}
    out = train_transformer(
        TransformerConfig.from_dict(
            {**cfg, "rule_features": True, "max_steps": 1, "window": 64, "stride": 48}
        )
    )
    assert json.loads((out / "config.json").read_text())["type_vocab_size"] == len(BIO_TAGS)
    assert TransformerTagger(out).predict("预算收入686.71万元\n") is not None


def test_foreign_checkpoint_with_fast_tokenizer(tmp_path):
    """`model_name_or_path`-style checkpoints: a tiny random BERT with a WordPiece tokenizer."""
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

    chars = sorted(set("部门预算支出总表合计基本项目一般公共服务万元不公开"))
    vocab_file = tmp_path / "vocab.txt"
    vocab_file.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, *"0123456789."]),
        encoding="utf-8",
    )
    tokenizer = BertTokenizerFast(vocab_file=str(vocab_file))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        id2label=dict(enumerate(BIO_TAGS)),
        label2id={t: i for i, t in enumerate(BIO_TAGS)},
    )
    ckpt = tmp_path / "ckpt"
    BertForTokenClassification(config).save_pretrained(ckpt)
    tokenizer.save_pretrained(ckpt)
    text = "部门预算支出总表\t合计 686.71万元\n不公开"
    spans = TransformerTagger(ckpt, window=8, stride=6).predict(text)
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_unknown_config_key_is_named():
    with pytest.raises(ConfigError, match=r"unknown config key.*lr.*valid keys"):
        TransformerConfig.from_dict({"output_dir": "x", "train": "y", "lr": 1})


def test_viterbi_repairs_what_argmax_breaks() -> None:
    import numpy as np

    from ie.spans import BIO_TAGS, decode_bio
    from ie.tagger.transformer import viterbi_iob2

    tags = list(BIO_TAGS)
    b, i, i_code = tags.index("B-AMOUNT"), tags.index("I-AMOUNT"), tags.index("I-CODE")
    probs = np.full((5, len(tags)), 0.01)
    probs[0, 0] = 0.9  # O
    probs[1, i], probs[1, b] = 0.5, 0.4  # argmax opens with I-AMOUNT
    probs[2, i] = 0.9
    probs[3, i_code], probs[3, i] = 0.5, 0.45  # argmax switches label mid-entity
    probs[4, 0] = 0.9
    argmax = [tags[k] for k in probs.argmax(axis=1)]
    path = [tags[k] for k in viterbi_iob2(probs, tags)]
    assert argmax[1] == "I-AMOUNT" and argmax[3] == "I-CODE"
    assert path == ["O", "B-AMOUNT", "I-AMOUNT", "I-AMOUNT", "O"]
    assert decode_bio(path) == [("AMOUNT", 1, 4)]


def test_the_shipped_transformer_labels_the_real_text():
    from ie.pipeline import Extractor, shipped_model
    from ie.tagger import get_tagger
    from training.transformer import span_scores

    model = shipped_model("transformer")
    if model is None:
        pytest.skip("no transformer ships in ie/models/transformer")
    real = REAL_DIR / "004_3c37c7924f173325.txt"
    text = real.read_text(encoding="utf-8")
    gold = {(s.label, s.start, s.end) for s in read_spans(real.with_suffix(".spans.jsonl"))}
    pred = {(s.label, s.start, s.end) for s in get_tagger("transformer", model).predict(text)}
    # trained on synthetic documents only, like the default CRF
    assert span_scores([gold], [pred])["micro"]["f1"] >= 0.90
    # and `--backend transformer` works after install, with no model path
    assert Extractor("transformer").extract(real).projects


@pytest.mark.parametrize("recipe", ["transformer-tiny.yaml", "pretrain-mlm.yaml"])
def test_the_transformer_recipes_parse(recipe):
    import yaml

    root = REAL_DIR.parents[1]
    data = yaml.safe_load((root / "configs" / recipe).read_text(encoding="utf-8"))
    kind = data.pop("backend")
    cfg = (MLMConfig if kind == "mlm" else TransformerConfig).from_dict(data)
    assert cfg.window >= cfg.stride > 0
    if kind == "transformer":
        # the recipe writes the shipped model, whose inputs it must describe
        shipped = json.loads((root / cfg.output_dir / "config.json").read_text())
        assert shipped[RULE_TYPES_KEY] is cfg.rule_features
        assert shipped.get(WORD_TYPES_KEY, False) is cfg.word_features


def test_the_shipped_transformer_trains_further_on_your_documents(real_rows, tmp_path):
    from ie.pipeline import shipped_model

    model = shipped_model("transformer")
    if model is None:
        pytest.skip("no transformer ships in ie/models/transformer")
    cfg = {"output_dir": str(tmp_path / "ft"), "train": str(real_rows), "init_from": str(model)}
    out = train_transformer(
        TransformerConfig.from_dict(
            {**cfg, "rule_features": True, "max_steps": 1, "window": 128, "stride": 96}
        )
    )
    assert CharVocab.load(out) == CharVocab.load(model)
    assert TransformerTagger(out).rules is not None
    # without the features, the new model does not expect them
    cfg["output_dir"] = str(tmp_path / "plain")
    plain = train_transformer(
        TransformerConfig.from_dict({**cfg, "max_steps": 1, "window": 128, "stride": 96})
    )
    assert TransformerTagger(plain).rules is None
    with pytest.raises(ConfigError, match="window 256 is longer than"):
        train_transformer(TransformerConfig.from_dict({**cfg, "max_steps": 1}))
