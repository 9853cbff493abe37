"""Scoring (ie.evaluate) against SCHEMA.md "Scoring": hand-made pairs for every rule, the real
gold against itself, a hand-counted perturbation of the real gold, and seqeval as reference."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from conftest import REAL_DIR
from rich.console import Console
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from ie.errors import AlignmentError, IngestError, SchemaError
from ie.evaluate import (
    Counts,
    EvalPair,
    Mention,
    evaluate_pairs,
    evaluate_paths,
    norm_text,
    render_rich,
    same_number,
    score_spans,
    spans_from_bio,
    write_html_report,
)
from ie.evaluate.fields import money
from ie.evaluate.render import error_rows
from ie.schema import LABELS

REAL_ID = "004_3c37c7924f173325"
REAL_GOLD = REAL_DIR / f"{REAL_ID}.gold.json"
REAL_SPANS = REAL_DIR / f"{REAL_ID}.spans.jsonl"
COUNT_KEYS = {"tp", "pred", "gold", "precision", "recall", "f1"}


def real_gold() -> dict:
    return json.loads(REAL_GOLD.read_text(encoding="utf-8"))


def real_spans() -> list[dict]:
    return [json.loads(line) for line in REAL_SPANS.read_text(encoding="utf-8").splitlines()]


def score(gold: dict, pred: dict | None, **kwargs) -> dict:
    """The --json object for one hand-made pair (doc_id filled in)."""
    gold = {"doc_id": "d", **gold}
    pred = None if pred is None else {"doc_id": "d", **pred}
    return evaluate_pairs([EvalPair.from_dicts(gold, pred, **kwargs)]).to_json()


def counts(result: dict, name: str) -> tuple[int, int, int]:
    c = result["fields"][name]
    return c["tp"], c["pred"], c["gold"]


# --- string and number comparison -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("党史办 业务费", "党史办业务费"),  # a space left by a line wrap
        ("党史办\n业务费", "党史办业务费"),
        ("党史办\u3000业务费", "党史办业务费"),  # ideographic space
        ("≥２０００本", "≥2000本"),  # full-width digits
        ("党委办公厅（室）", "党委办公厅(室)"),  # full-width parentheses
        (">=2000本", "≥2000本"),
        ("> = 2000本", "≥2000本"),  # the symbol split by whitespace
        ("＞＝2000本", "≥2000本"),  # full-width >= folds to >= under NFKC, then to ≥
        ("<=5%", "≤5%"),
        ("卢纪要[2017]31号", "卢纪要〔2017〕31号"),
        ("卢纪要【2017】31号", "卢纪要〔2017〕31号"),
        ("卢纪要［2017］31号", "卢纪要〔2017〕31号"),  # full-width square brackets
        ("卢纪要﹝2017﹞31号", "卢纪要〔2017〕31号"),  # small tortoise-shell brackets
    ],
)
def test_norm_text_equates_variants(a, b):
    assert norm_text(a) == norm_text(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("≥2000本", "≤2000本"), (">2000本", "≥2000本"), ("(2017)", "〔2017〕"), ("业务费", "业务")],
)
def test_norm_text_keeps_real_differences(a, b):
    assert norm_text(a) != norm_text(b)


def test_numbers_match_within_tolerance():
    assert same_number(686.71, 686.715)  # exactly 0.005 apart, despite float noise
    assert same_number(686.71, 686.705)
    assert not same_number(686.71, 686.716)
    assert same_number(None, None)
    assert not same_number(0.0, None)


def test_counts_without_items_are_zero_not_errors():
    c = Counts()
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
    assert set(c.to_json()) == COUNT_KEYS
    c = Counts(3, 4, 6)
    assert c.precision == 0.75 and c.recall == 0.5 and c.f1 == pytest.approx(0.6)


# --- key figures, projects, redactions --------------------------------------------------------


def test_key_figures_match_key_and_value_within_tolerance():
    gold = {"key_figures": {"income_total": 686.71, "expense_basic": 396.56, "carryover": 0}}
    pred = {"key_figures": {"income_total": 686.714, "expense_basic": 396.5, "operating_cost": 1}}
    result = score(gold, pred)
    assert counts(result, "key_figures") == (1, 3, 3)
    # A zero is a stated figure: predicting it is a hit, leaving it out a miss.
    result = score({"key_figures": {"carryover": 0}}, {"key_figures": {"carryover": 0.0}})
    assert counts(result, "key_figures") == (1, 1, 1)


def test_wrong_value_is_listed_side_by_side():
    gold = {"key_figures": {"expense_total": 686.71}}
    pred = {"key_figures": {"expense_total": 686.17}}
    report = evaluate_pairs([EvalPair.from_dicts({"doc_id": "d", **gold}, {"doc_id": "d", **pred})])
    missed, spurious = report.errors()
    assert (missed.status, missed.gold, missed.pred) == (
        "missed",
        "expense_total = 686.71",
        "expense_total = 686.17",
    )
    assert spurious.status == "spurious" and spurious.gold == missed.gold
    assert missed.doc_id == "d" and missed.field == "key_figures"


def test_projects_compare_normalized_names():
    gold = {"projects": [{"name": "党委办公厅（室）业务费"}, {"name": "督考办业务费"}]}
    pred = {"projects": [{"name": "党委办公厅(室) 业务费"}, {"name": "督考办业务"}]}
    assert counts(score(gold, pred), "projects") == (1, 2, 2)


def test_duplicates_are_matched_one_to_one():
    one, two = {"projects": [{"name": "A费"}]}, {"projects": [{"name": "A费"}, {"name": "A费"}]}
    assert counts(score(one, two), "projects") == (1, 2, 1)
    assert counts(score(two, one), "projects") == (1, 1, 2)
    assert counts(score(two, two), "projects") == (2, 2, 2)


def test_redactions_are_project_and_scope_pairs():
    gold = {
        "redactions": [
            {"project": "甲经费", "scope": "goal", "marker": "不公开"},
            {"project": "甲经费", "scope": "indicators", "marker": "不公开"},
        ]
    }
    # The marker is not part of the key; the scope is.
    pred = {
        "redactions": [
            {"project": "甲经费", "scope": "goal", "marker": "涉密"},
            {"project": "乙经费", "scope": "indicators", "marker": "不公开"},
        ]
    }
    assert counts(score(gold, pred), "redactions") == (1, 2, 2)


# --- indicators -------------------------------------------------------------------------------


def indicator(**fields) -> dict:
    row = {
        "project": "党史办业务费",
        "level1": "产出指标",
        "level2": "数量指标",
        "level3": "印刷数量",
        "description": "印刷数量",
        "target": "≥2000本",
        "basis": "卢纪要〔2017〕31号",
        "redacted": False,
        "target_parsed": {"op": "≥", "value": 2000, "unit": "本"},
    }
    row.update(fields)
    return row


def test_indicator_tuples_and_field_accuracy():
    gold = {
        "indicators": [
            indicator(),
            indicator(level2="时效指标", level3="完成时间", target="12月底前"),
            indicator(level2="质量指标", level3="合格率", target="100%", basis="行业标准"),
        ]
    }
    pred = {
        "indicators": [
            # tuple hit through normalization; description and target_parsed differ
            indicator(
                target=">= 2000 本",
                basis="卢纪要[2017]31号",
                description="印数",
                target_parsed={"op": "≥", "value": 2000.004, "unit": None},
            ),
            # wrong target: not a tuple hit, but aligned with its gold row for the accuracy
            indicator(level2="时效指标", level3="完成时间", target="11月底前"),
            # another project: neither a hit nor aligned
            indicator(
                project="督考办业务费",
                level2="质量指标",
                level3="合格率",
                target="100%",
                basis="行业标准",
            ),
        ]
    }
    result = score(gold, pred)
    assert counts(result, "indicators") == (1, 3, 3)
    acc = result["fields"]["indicator_fields"]
    assert acc["level1"] == {"correct": 2, "total": 2, "accuracy": 1.0}
    assert acc["target"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert acc["description"]["correct"] == 1
    assert acc["target_parsed"]["correct"] == 1  # the unit differs on the first row
    assert acc["basis"]["correct"] == 2


def test_indicator_fields_the_gold_row_leaves_out_are_not_counted():
    row = indicator()
    del row["basis"], row["target_parsed"]
    result = score({"indicators": [row]}, {"indicators": [indicator(target_parsed=None)]})
    acc = result["fields"]["indicator_fields"]
    assert acc["basis"]["total"] == 0 and acc["target_parsed"]["total"] == 0
    assert acc["level1"]["total"] == 1
    # A missing basis is None on the gold side, so the tuple differs from a stated basis.
    assert counts(result, "indicators") == (0, 1, 1)


def test_null_target_parsed_equals_all_null_parts():
    gold = {"indicators": [indicator(target="不公开", target_parsed=None, redacted=True)]}
    pred_row = indicator(target="不公开", redacted=True)
    pred_row["target_parsed"] = {"op": None, "value": None, "unit": None}
    result = score(gold, {"indicators": [pred_row]})
    assert result["fields"]["indicator_fields"]["target_parsed"]["correct"] == 1


# --- tables -----------------------------------------------------------------------------------


def table(kind: str, rows: list[tuple[str | None, str, dict]], title: str = "表") -> dict:
    return {
        "kind": kind,
        "title": title,
        "rows": [{"code": c, "name": n, "values": v} for c, n, v in rows],
    }


def test_table_cells_key_the_total_row_as_heji():
    gold = {
        "tables": [
            table(
                "expense_by_function",
                [
                    (None, "合计", {"total": 10.0, "basic": 6.0}),
                    ("2013101", "行政运行", {"total": 10.0}),
                ],
            )
        ]
    }
    pred = {
        "tables": [
            table(
                "expense_by_function",
                # the name of a coded row is not scored; the code is
                [
                    (None, "合计", {"total": 10.004, "basic": 6.1}),
                    ("2013101", "行政 运行X", {"total": 10}),
                ],
            )
        ]
    }
    assert counts(score(gold, pred), "tables") == (2, 3, 3)
    # Same values under another kind are other cells.
    pred["tables"][0]["kind"] = "basic_expense_by_economic"
    assert counts(score(gold, pred), "tables") == (0, 3, 3)


def test_a_cell_repeated_in_two_tables_of_a_kind_counts_once():
    rows = [(None, "合计", {"total": 5.0}), ("201", "一般公共服务支出", {"total": 5.0})]
    other = [(None, "合计", {"total": 4.0}), ("201", "一般公共服务支出", {"total": 5.0})]
    gold = {"tables": [table("expense_by_function", rows), table("expense_by_function", other)]}
    # gold cells: (合计 total 5), (201 total 5), (合计 total 4) — the repeated 201 cell once
    pred = {"tables": [table("expense_by_function", rows)]}
    assert counts(score(gold, pred), "tables") == (2, 2, 3)
    assert counts(score(gold, gold), "tables") == (3, 3, 3)


def test_other_table_kinds_are_scored_for_presence_only():
    gold = {
        "tables": [
            table("three_public", [(None, "合计", {"total": 34.5})]),
            table("procurement", []),  # declared empty: still present
            table("fixed_assets", [(None, "合计", {"total": 1.0})]),
        ]
    }
    pred = {
        "tables": [
            table("three_public", [(None, "合计", {"total": 99.0})]),
            table("three_public", []),
            table("other", []),
        ]
    }
    result = score(gold, pred)
    assert counts(result, "tables_present") == (1, 2, 3)
    assert counts(result, "tables") == (0, 0, 0)


# --- fields left out, empty lists, missing predictions ----------------------------------------


def test_fields_the_gold_leaves_out_are_not_scored():
    gold = {"key_figures": {"income_total": 1.0}}
    pred = {
        "key_figures": {"income_total": 1.0},
        "projects": [{"name": "A费"}],
        "tables": [table("expense_by_function", [(None, "合计", {"total": 1.0})])],
    }
    result = score(gold, pred)
    assert counts(result, "key_figures") == (1, 1, 1)
    for name in ("projects", "redactions", "indicators", "tables", "tables_present"):
        assert counts(result, name) == (0, 0, 0), name


def test_an_empty_gold_list_is_scored():
    empty = {"projects": [], "indicators": [], "tables": [], "redactions": []}
    result = score(empty, empty)
    for name in ("projects", "indicators", "tables", "redactions"):
        assert result["fields"][name] == {
            "tp": 0,
            "pred": 0,
            "gold": 0,
            "precision": 0.0,
            "recall": 0.0,
            "f1": 0.0,
        }
    # A gold that states "no projects" makes a predicted one spurious.
    assert counts(score(empty, {"projects": [{"name": "A费"}]}), "projects") == (0, 1, 0)


def test_missing_prediction_counts_everything_missed():
    gold = {"projects": [{"name": "A费"}], "key_figures": {"income_total": 1.0}}
    spans = [{"label": "PROJECT", "start": 0, "end": 3, "text": "A费用"}]
    result = score(gold, None, gold_spans=spans)
    assert counts(result, "projects") == (0, 0, 1)
    assert counts(result, "key_figures") == (0, 0, 1)
    assert result["spans"]["strict"]["PROJECT"]["gold"] == 1


def test_counts_are_summed_before_f1():
    a = EvalPair.from_dicts(
        {"doc_id": "a", "projects": [{"name": "A费"}]},
        {"doc_id": "a", "projects": [{"name": "A费"}]},
    )
    b = EvalPair.from_dicts(
        {"doc_id": "b", "projects": [{"name": f"{n}费"} for n in "BCD"]},
        {"doc_id": "b", "projects": []},
    )
    report = evaluate_pairs([a, b])
    c = report.fields["projects"]
    assert (c.tp, c.pred, c.gold) == (1, 1, 4)
    assert c.f1 == pytest.approx(2 * 1 / (1 + 4))  # not the mean of per-document F1 (0.5)
    assert report.docs == 2


# --- spans ------------------------------------------------------------------------------------


def test_strict_and_partial_span_matching():
    gold = [Mention("AMOUNT", 0, 6), Mention("PROJECT", 10, 16), Mention("CODE", 20, 27)]
    pred = [
        Mention("AMOUNT", 0, 6),  # exact
        Mention("PROJECT", 10, 14),  # overlap: partial hit only
        Mention("PROJECT", 14, 16),  # overlaps the same gold span: spurious under partial too
        Mention("AMOUNT", 20, 27),  # right place, wrong label: no hit at all
    ]
    s = score_spans(gold, pred)
    assert s.strict["AMOUNT"] == Counts(1, 2, 1)
    assert s.strict["PROJECT"] == Counts(0, 2, 1)
    assert s.partial["PROJECT"] == Counts(1, 2, 1)
    assert s.partial["CODE"] == Counts(0, 0, 1)


def test_partial_matching_is_maximal_one_to_one():
    # Greedy in order would give the long prediction gold 0 and leave (1, 2) unmatched.
    gold = [Mention("AMOUNT", 0, 2), Mention("AMOUNT", 5, 7)]
    pred = [Mention("AMOUNT", 0, 10), Mention("AMOUNT", 1, 2)]
    assert score_spans(gold, pred).partial["AMOUNT"] == Counts(2, 2, 2)
    # One prediction across two gold spans is one hit.
    assert score_spans(gold, [Mention("AMOUNT", 0, 8)]).partial["AMOUNT"] == Counts(1, 1, 2)


def test_partial_matching_is_a_maximum_matching_on_random_spans():
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    rng = random.Random(7)
    for _ in range(60):

        def mentions(n: int) -> list[Mention]:
            out = []
            for _ in range(n):
                start = rng.randrange(0, 60)
                out.append(
                    Mention(rng.choice(["AMOUNT", "CODE"]), start, start + rng.randint(1, 9))
                )
            return out

        gold, pred = mentions(rng.randint(0, 15)), mentions(rng.randint(0, 15))
        got = score_spans(gold, pred).partial
        for label in ("AMOUNT", "CODE"):
            g = sorted((m for m in gold if m.label == label), key=lambda m: m.key)
            p = sorted((m for m in pred if m.label == label), key=lambda m: m.key)
            # brute-force overlap graph, maximum matching by scipy (an independent computation)
            graph = [[int(a.overlaps(b)) for b in g] for a in p]
            expected = 0
            if g and p:
                match = maximum_bipartite_matching(csr_matrix(graph), perm_type="column")
                expected = int((match >= 0).sum())
            assert got.get(label, Counts()) == Counts(expected, len(p), len(g))


def test_span_outcomes_carry_page_offsets_and_context():
    text = "第一页\f预算收入686.71万元"
    gold = [Mention("AMOUNT", 8, 14, "686.71")]
    pred = [Mention("AMOUNT", 8, 16, "686.71万元")]
    outcomes = score_spans(gold, pred, doc_id="d", text=text).outcomes
    missed = next(o for o in outcomes if o.field == "spans.strict" and o.status == "missed")
    assert (missed.start, missed.end, missed.page) == (8, 14, 2)
    assert missed.pred == "AMOUNT 8:16 686.71万元"  # the overlapping prediction beside it
    # Context: the item is kept apart from its surroundings (no in-band brackets), and a
    # boundary error covers both extents: "686.71" is gold and predicted, "万元" predicted only.
    ctx = missed.context
    assert (ctx.before, ctx.item, ctx.after) == ("第一页⏎预算收入", "686.71万元", "")
    assert ctx.runs() == [("686.71", "both"), ("万元", "pred")]
    assert (ctx.gold.start, ctx.gold.end, ctx.pred.end) == (8, 14, 16)
    assert str(ctx) == "第一页⏎预算收入686.71万元"
    spurious = next(o for o in outcomes if o.field == "spans.strict" and o.status == "spurious")
    assert spurious.context == ctx  # the same pair, seen from the prediction


def test_context_of_a_lone_span_marks_it_alone():
    text = "收入\t合计\n686.71"
    (missed,) = [
        o
        for o in score_spans([Mention("AMOUNT", 6, 12)], [], doc_id="d", text=text).outcomes
        if o.field == "spans.strict"
    ]
    ctx = missed.context
    assert (ctx.before, ctx.item, ctx.after) == ("收入⇥合计⏎", "686.71", "")
    assert ctx.runs() == [("686.71", "gold")] and ctx.pred is None
    assert ctx.gold.text == "686.71"  # filled from the source text
    assert score_spans([Mention("AMOUNT", 6, 12)], [], text=None).outcomes[0].context is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [(12469.12, "12469.12"), (1.0, "1"), (0.5, "0.5"), (1e8, "100000000"), (-0.001, "0")],
)
def test_money_keeps_two_decimals_without_exponent(value, shown):
    assert money(value) == shown


def test_table_cells_are_shown_with_two_decimals():
    def record(total: float) -> dict:
        row = {"code": "201", "name": "x", "values": {"total": total}}
        return {"tables": [{"kind": "expense_by_function", "title": "t", "rows": [row]}]}

    gold, pred = record(12469.12), record(1.5e7)
    report = evaluate_pairs([EvalPair.from_dicts({"doc_id": "d", **gold}, {"doc_id": "d", **pred})])
    missed = next(o for o in report.errors() if o.field == "tables")
    assert missed.gold.endswith("= 12469.12") and missed.pred.endswith("= 15000000")


def test_a_table_value_in_the_wrong_column_is_shown_beside_its_gold():
    def record(column: str) -> dict:
        row = {"code": "201", "name": "x", "values": {column: 52.71}}
        table = {"kind": "expense_by_function", "title": "t", "rows": [row]}
        return {"doc_id": "d", "tables": [table]}

    report = evaluate_pairs([EvalPair.from_dicts(record("basic"), record("project"))])
    missed, spurious = report.errors()
    assert missed.gold == "expense_by_function 201 basic = 52.71"
    assert missed.pred == spurious.pred == "expense_by_function 201 project = 52.71"
    assert spurious.gold == missed.gold


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-A", "I-A", "O"], [("A", 0, 2)]),
        (["I-A", "I-A", "O"], []),  # strict: no span without a B
        (["B-A", "I-B", "I-A"], [("A", 0, 1)]),
        (["B-A", "B-A", "I-A"], [("A", 0, 1), ("A", 1, 3)]),
        (["O", "B-A"], [("A", 1, 2)]),
        ([], []),
    ],
)
def test_spans_from_bio(tags, spans):
    assert spans_from_bio(tags) == spans


def random_tags(rng: random.Random, n: int, labels: list[str]) -> list[str]:
    # Mostly well-formed, with stray I- tags so strict decoding is exercised.
    out: list[str] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.45:
            out.append("O")
        elif r < 0.65:
            out.append(f"B-{rng.choice(labels)}")
        elif r < 0.95 and out and out[-1] != "O":
            out.append(f"I-{out[-1][2:]}")
        else:
            out.append(f"I-{rng.choice(labels)}")
    return out


# seqeval averages over labels with numpy and warns when a label has no prediction.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_strict_span_scores_agree_with_seqeval():
    rng = random.Random(20240601)
    labels = ["AMOUNT", "PROJECT", "CODE"]
    hits = 0
    for _ in range(40):
        gold_seqs = [random_tags(rng, rng.randint(0, 30), labels) for _ in range(rng.randint(1, 8))]
        pred_seqs = [
            [
                t if rng.random() < 0.8 else rng.choice(["O", "B-AMOUNT", "I-CODE", "I-PROJECT"])
                for t in seq
            ]
            for seq in gold_seqs
        ]
        pairs = [
            EvalPair.from_dicts(
                {"doc_id": str(k)},
                {
                    "doc_id": str(k),
                    "entities": [
                        {"label": lab, "start": s, "end": e, "text": "x" * (e - s)}
                        for lab, s, e in spans_from_bio(p)
                    ],
                },
                gold_spans=[
                    {"label": lab, "start": s, "end": e} for lab, s, e in spans_from_bio(g)
                ],
            )
            for k, (g, p) in enumerate(zip(gold_seqs, pred_seqs, strict=True))
        ]
        strict = evaluate_pairs(pairs).to_json()["spans"]["strict"]
        hits += strict["micro"]["tp"]
        kw = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
        assert strict["micro"]["precision"] == pytest.approx(
            precision_score(gold_seqs, pred_seqs, **kw)
        )
        assert strict["micro"]["recall"] == pytest.approx(recall_score(gold_seqs, pred_seqs, **kw))
        assert strict["micro"]["f1"] == pytest.approx(f1_score(gold_seqs, pred_seqs, **kw))
        per_label = classification_report(gold_seqs, pred_seqs, output_dict=True, **kw)
        for label in labels:
            if label in per_label:
                assert strict[label]["f1"] == pytest.approx(per_label[label]["f1-score"]), label
                assert strict[label]["gold"] == per_label[label]["support"], label
    assert hits > 100  # the comparison saw real matches, not only empty cases


# --- the real gold ----------------------------------------------------------------------------


def test_real_gold_against_itself_scores_one():
    gold = real_gold()
    pred = {**copy.deepcopy(gold), "entities": real_spans()}
    result = evaluate_pairs([EvalPair.from_dicts(gold, pred, gold_spans=real_spans())]).to_json()
    for name in ("key_figures", "projects", "redactions", "indicators", "tables", "tables_present"):
        c = result["fields"][name]
        assert c["gold"] > 0 and (c["precision"], c["recall"], c["f1"]) == (1.0, 1.0, 1.0), name
    for field in result["fields"]["indicator_fields"].values():
        assert field["accuracy"] == 1.0
    for mode in ("strict", "partial"):
        assert result["spans"][mode]["micro"]["f1"] == 1.0
        assert result["spans"][mode]["micro"]["gold"] == len(real_spans())


def test_real_gold_perturbed_by_hand():
    gold = real_gold()
    pred = copy.deepcopy(gold)
    n_kf, n_proj, n_red, n_ind = (
        len(gold[k]) for k in ("key_figures", "projects", "redactions", "indicators")
    )
    # key figures: one value changed beyond the tolerance, one within it, one spurious key
    pred["key_figures"]["expense_basic"] += 0.01
    pred["key_figures"]["expense_total"] += 0.004
    assert "meeting_fee" not in gold["key_figures"]
    pred["key_figures"]["meeting_fee"] = 1.0
    # projects: two dropped, one renamed only by width/whitespace (still a hit)
    del pred["projects"][3:5]
    pred["projects"][0]["name"] = " " + pred["projects"][0]["name"].replace("(", "（")
    # redactions: one dropped
    pred["redactions"].pop()
    # indicators: the first unredacted row gets another target
    k = next(i for i, row in enumerate(pred["indicators"]) if not row["redacted"])
    pred["indicators"][k]["target"] += "以上"
    # tables: one cell changed in both expense_by_function tables (the cell counts once),
    # one cell of the economic table dropped, one added
    fn = [t for t in pred["tables"] if t["kind"] == "expense_by_function"]
    assert len(fn) == 2
    for t in fn:
        t["rows"][-1]["values"]["total"] += 1
    econ = next(t for t in pred["tables"] if t["kind"] == "basic_expense_by_economic")
    assert "public" not in econ["rows"][1]["values"]
    econ["rows"][1]["values"]["public"] = 1.0
    del econ["rows"][2]["values"]["total"]
    # presence: one non-coded kind removed
    pred["tables"] = [t for t in pred["tables"] if t["kind"] != "fixed_assets"]
    # spans: three AMOUNT spans dropped, one PROJECT span shortened by a character
    spans = real_spans()
    pred_spans = copy.deepcopy(spans)
    amounts = [i for i, s in enumerate(pred_spans) if s["label"] == "AMOUNT"][:3]
    p = next(s for s in pred_spans if s["label"] == "PROJECT")
    p["end"] -= 1
    p["text"] = p["text"][:-1]
    pred["entities"] = [s for i, s in enumerate(pred_spans) if i not in amounts]

    # Hand count of the gold: expense_by_function tables are identical (16 rows; 36 cells once),
    # the economic table has 47 cells; 5 non-coded kinds.
    n_cells = 36 + 47
    result = evaluate_pairs([EvalPair.from_dicts(gold, pred, gold_spans=spans)]).to_json()
    f = result["fields"]
    assert counts(result, "key_figures") == (n_kf - 1, n_kf + 1, n_kf)
    assert counts(result, "projects") == (n_proj - 2, n_proj - 2, n_proj)
    assert counts(result, "redactions") == (n_red - 1, n_red - 1, n_red)
    assert counts(result, "indicators") == (n_ind - 1, n_ind, n_ind)
    assert f["indicator_fields"]["target"] == {
        "correct": n_ind - 1,
        "total": n_ind,
        "accuracy": (n_ind - 1) / n_ind,
    }
    assert f["indicator_fields"]["level3"]["correct"] == n_ind
    assert counts(result, "tables") == (n_cells - 2, n_cells, n_cells)
    assert counts(result, "tables_present") == (4, 4, 5)
    n_spans = len(spans)
    strict, partial = result["spans"]["strict"], result["spans"]["partial"]
    assert (strict["micro"]["tp"], strict["micro"]["pred"], strict["micro"]["gold"]) == (
        n_spans - 4,
        n_spans - 3,
        n_spans,
    )
    assert (partial["micro"]["tp"], partial["micro"]["pred"]) == (n_spans - 3, n_spans - 3)
    assert strict["AMOUNT"]["gold"] - strict["AMOUNT"]["tp"] == 3
    assert strict["PROJECT"]["pred"] - strict["PROJECT"]["tp"] == 1


# --- loading, JSON shape, rendering -----------------------------------------------------------


def write_gold_dir(d: Path) -> Path:
    d.mkdir()
    (d / f"{REAL_ID}.gold.json").write_text(REAL_GOLD.read_text(encoding="utf-8"), "utf-8")
    (d / f"{REAL_ID}.spans.jsonl").write_text(REAL_SPANS.read_text(encoding="utf-8"), "utf-8")
    (d / "other.gold.json").write_text(
        json.dumps({"doc_id": "other", "projects": [{"name": "A费"}]})
    )
    return d


def test_evaluate_paths_with_batch_jsonl(tmp_path):
    gold_dir = write_gold_dir(tmp_path / "gold")
    pred = {**real_gold(), "entities": real_spans()}
    lines = [json.dumps(pred, ensure_ascii=False), json.dumps({"doc_id": "stray"})]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = evaluate_paths(gold_dir, tmp_path / "batch.jsonl")
    assert report.docs == 2 and report.span_docs == 1
    assert counts(report.to_json(), "projects") == (12, 12, 13)  # "other" has no prediction
    assert report.strict["micro"].f1 == 1.0
    assert any("other" in w and "no prediction" in w for w in report.warnings)
    assert any("stray" in w and "no gold" in w for w in report.warnings)


def test_evaluate_paths_with_a_directory_of_json_records(tmp_path):
    gold_dir = write_gold_dir(tmp_path / "gold")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    # doc_id comes from the record, or from the file name when the record has none
    (pred_dir / "x.json").write_text(json.dumps(real_gold(), ensure_ascii=False), "utf-8")
    (pred_dir / "other.json").write_text(json.dumps({"projects": [{"name": "A 费"}]}), "utf-8")
    report = evaluate_paths(gold_dir, pred_dir)
    assert counts(report.to_json(), "projects") == (13, 13, 13)
    assert report.warnings == ()


def test_a_failed_batch_line_is_an_empty_prediction(tmp_path):
    gold_dir = write_gold_dir(tmp_path / "gold")
    failed = {"doc_id": "other", "error": {"type": "IngestError", "message": "empty file"}}
    (tmp_path / "b.jsonl").write_text(json.dumps(failed) + "\n")
    report = evaluate_paths(gold_dir / "other.gold.json", tmp_path / "b.jsonl")
    assert counts(report.to_json(), "projects") == (0, 0, 1)
    assert any("IngestError" in w for w in report.warnings)


@pytest.mark.parametrize(
    ("content", "error", "needle"),
    [
        ("{not json", SchemaError, "not valid JSON"),
        ("[1, 2]", SchemaError, "expected a JSON object"),
        ('{"doc_id": "d", "key_figures": {"income_total": "many"}}', SchemaError, "key_figures"),
        ('{"doc_id": "d", "projectz": []}', SchemaError, "projectz"),
    ],
)
def test_bad_prediction_files_raise_typed_one_line_errors(tmp_path, content, error, needle):
    gold_dir = write_gold_dir(tmp_path / "gold")
    (tmp_path / "p.json").write_text(content)
    with pytest.raises(error) as info:
        evaluate_paths(gold_dir, tmp_path / "p.json")
    assert needle in str(info.value) and "\n" not in str(info.value)
    assert "p.json" in str(info.value)


def test_bad_paths_and_span_files(tmp_path):
    with pytest.raises(IngestError, match="does not exist"):
        evaluate_paths(tmp_path / "nope", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IngestError, match=r"no \*\.gold\.json"):
        evaluate_paths(tmp_path / "empty", tmp_path)
    gold_dir = write_gold_dir(tmp_path / "gold")
    (gold_dir / "other.spans.jsonl").write_text('{"label": "NOPE", "start": 0, "end": 1}\n')
    with pytest.raises(AlignmentError):
        evaluate_paths(gold_dir, gold_dir)
    (tmp_path / "bad.jsonl").write_text('{"doc_id": "a"}\n{oops\n')
    with pytest.raises(SchemaError, match=r"bad\.jsonl:2"):
        evaluate_paths(REAL_GOLD, tmp_path / "bad.jsonl")


def test_json_shape_is_the_contract():
    result = score({"projects": []}, {"projects": []})
    assert set(result) == {"fields", "spans", "docs"}
    assert set(result["fields"]) == {
        "key_figures",
        "projects",
        "redactions",
        "indicators",
        "tables",
        "tables_present",
        "kind",
        "indicator_fields",
    }
    for name, c in result["fields"].items():
        if name != "indicator_fields":
            assert set(c) == COUNT_KEYS
    assert set(result["spans"]) == {"strict", "partial"}
    for mode in result["spans"].values():
        assert list(mode) == ["micro", *LABELS]
        assert all(set(c) == COUNT_KEYS for c in mode.values())
    json.dumps(result)  # plain JSON types only


def test_schema_1_1_gold_is_scored_and_kind_is_accuracy():
    """A 决算 gold file in schema 1.1 (kind, level, grand_total, carryover_end, a `budget`
    column) loads; kind is scored as accuracy over the documents whose gold states it."""
    gold = real_gold()
    final = dict(
        gold,
        schema_version="1.1",
        kind="final_accounts",
        level="department",
        key_figures=dict(gold["key_figures"], grand_total=700.0, carryover_end=1.5),
    )
    final["tables"] = [
        {"kind": "three_public", "title": "财政拨款“三公”经费支出决算表", "rows": [
            {"name": "合计", "values": {"budget": 10.0, "total": 8.5}}]},
    ]  # fmt: skip
    right = dict(final, doc_id="a")
    wrong = dict(final, doc_id="b", kind="budget")
    unstated = {k: v for k, v in real_gold().items() if k != "kind"} | {"doc_id": "c"}
    result = evaluate_pairs(
        [
            EvalPair.from_dicts(dict(final, doc_id="a"), right),
            EvalPair.from_dicts(dict(final, doc_id="b"), wrong),
            EvalPair.from_dicts(unstated, dict(unstated, kind="budget")),
        ]
    ).to_json()["fields"]
    assert (result["kind"]["tp"], result["kind"]["gold"], result["kind"]["f1"]) == (1, 2, 0.5)
    assert result["key_figures"]["f1"] == 1.0


def test_render_rich_and_html_report(tmp_path):
    gold = real_gold()
    pred = copy.deepcopy(gold)
    pred["key_figures"]["expense_basic"] = 1.0
    pred["entities"] = real_spans()[1:]
    report = evaluate_pairs(
        [
            EvalPair.from_dicts(
                gold,
                pred,
                gold_spans=real_spans(),
                text=(REAL_DIR / f"{REAL_ID}.txt").read_text(encoding="utf-8"),
            )
        ]
    )
    console = Console(record=True, width=140)
    console.print(render_rich(report))
    out = console.export_text()
    assert "key_figures" in out and "AMOUNT" in out and "0.955" in out  # 21/22 key figures
    # the real gold is schema 1.0: kind is stated by no document, shown as not scored
    (kind_row,) = [line for line in out.splitlines() if " kind " in line]
    assert "–" in kind_row and "0.000" not in kind_row
    assert "IND_TARGET" in out
    narrow = Console(record=True, width=60)
    narrow.print(render_rich(report))
    assert "IND_TARGET" in narrow.export_text()  # labels are not cut ("IND_T…")
    path = write_html_report(report, tmp_path / "report")
    page = path.read_text(encoding="utf-8")
    assert page.count("<svg") == 4
    assert '<html lang="en">' in page
    # The wrong key figure is one row, its values without the key (the label column has it).
    (row,) = [r for r in error_rows(report) if r.field == "key_figures"]
    assert (row.status, row.label, row.gold, row.pred) == ("wrong", "expense_basic", "396.56", "1")
    missed_span = real_spans()[0]
    assert f"gold {missed_span['start']}:{missed_span['end']}" in page
    assert f'<mark class="gold">{missed_span["text"]}</mark>' in page  # marked in its context
