"""Record scoring: key figures, projects, redactions, indicators and tables (SCHEMA.md "Scoring").

Each scorer takes the gold and predicted records of one document and returns counts and
per-item outcomes. A field the gold record leaves out is not scored at all (the caller checks
`Disclosure.model_fields_set`, i.e. the keys of the raw JSON, not pydantic defaults).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ie.evaluate.metrics import (
    Counts,
    Matching,
    Outcome,
    match_exact,
    match_keyed_numbers,
    norm_text,
    same_number,
)
from ie.schema import CODED_TABLE_KINDS, Disclosure, Indicator, TargetParsed

#: Record fields scored by F1, in report order.
FIELDS: tuple[str, ...] = (
    "key_figures",
    "projects",
    "redactions",
    "indicators",
    "tables",
    "tables_present",
    "kind",
)
#: Indicator fields whose accuracy is reported on aligned rows.
INDICATOR_FIELDS: tuple[str, ...] = (
    "level1",
    "level2",
    "level3",
    "description",
    "target",
    "basis",
    "redacted",
    "target_parsed",
)
_TUPLE_FIELDS = ("level1", "level2", "level3", "target", "basis")
# An unmatched gold row and an unmatched predicted row of the same project are aligned for the
# per-field accuracy when at least this many of the six string fields agree (half of them).
MIN_ROW_AGREEMENT = 3
_STRING_FIELDS = ("level1", "level2", "level3", "description", "target", "basis")


@dataclass(frozen=True, slots=True)
class Accuracy:
    """Correct out of total, summed over documents; accuracy 0.0 when total is 0."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_json(self) -> dict[str, int | float]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass(frozen=True, slots=True)
class FieldScores:
    """One document's (or a sum of documents') field counts, indicator accuracy and outcomes."""

    counts: dict[str, Counts] = field(default_factory=dict)
    indicator_fields: dict[str, Accuracy] = field(default_factory=dict)
    outcomes: tuple[Outcome, ...] = ()


def _outcomes(
    doc_id: str,
    name: str,
    matching: Matching,
    gold: Sequence[str],
    pred: Sequence[str],
    labels: tuple[Sequence[str], Sequence[str]],
    partner: Callable[[int, int], bool],
) -> list[Outcome]:
    """Outcomes of a matching over display strings; `partner(i, j)` says whether unmatched gold i
    and unmatched pred j are two versions of one item (shown side by side)."""
    g_labels, p_labels = labels
    out = [
        Outcome(doc_id, name, "correct", g_labels[i], gold[i], pred[j]) for i, j in matching.pairs
    ]
    # One partner each way, so a report can merge a missed row and its spurious row into one.
    partners: dict[int, int] = {}
    taken: set[int] = set()
    for i in matching.missed:
        j = next((j for j in matching.spurious if j not in taken and partner(i, j)), None)
        if j is not None:
            partners[i] = j
            taken.add(j)
    gold_of = {j: i for i, j in partners.items()}
    for i in matching.missed:
        j = partners.get(i)
        out.append(
            Outcome(doc_id, name, "missed", g_labels[i], gold[i], None if j is None else pred[j])
        )
    for j in matching.spurious:
        i = gold_of.get(j)
        out.append(
            Outcome(doc_id, name, "spurious", p_labels[j], None if i is None else gold[i], pred[j])
        )
    return out


def money(value: float) -> str:
    """A figure as the documents print it: up to 2 decimals, no exponent, no trailing zeros.

    >>> money(12469.12), money(1.0), money(0.5), money(1e8)
    ('12469.12', '1', '0.5', '100000000')
    """
    shown = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if shown == "-0" else shown


def _similar(a: str, b: str, cutoff: float = 0.6) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= cutoff


def score_key_figures(
    doc_id: str, gold: Disclosure, pred: Disclosure
) -> tuple[Counts, list[Outcome]]:
    """P/R/F1 over (key, value) pairs; values within the numeric tolerance."""
    g, p = list(gold.key_figures.items()), list(pred.key_figures.items())
    m = match_keyed_numbers(g, p)

    def shown(kv: tuple[str, float]) -> str:
        return f"{kv[0]} = {money(kv[1])}"

    return m.counts, _outcomes(
        doc_id,
        "key_figures",
        m,
        [shown(x) for x in g],
        [shown(x) for x in p],
        ([k for k, _ in g], [k for k, _ in p]),
        lambda i, j: g[i][0] == p[j][0],
    )


def score_projects(doc_id: str, gold: Disclosure, pred: Disclosure) -> tuple[Counts, list[Outcome]]:
    """F1 over project names (normalized); a name listed twice counts twice."""
    g, p = [x.name for x in gold.projects], [x.name for x in pred.projects]
    gk, pk = [norm_text(x) for x in g], [norm_text(x) for x in p]
    m = match_exact(gk, pk)
    return m.counts, _outcomes(
        doc_id,
        "projects",
        m,
        g,
        p,
        ([""] * len(g), [""] * len(p)),
        lambda i, j: _similar(gk[i], pk[j]),
    )


def score_redactions(
    doc_id: str, gold: Disclosure, pred: Disclosure
) -> tuple[Counts, list[Outcome]]:
    """F1 over (project, scope) pairs."""
    gk = [(norm_text(r.project), r.scope) for r in gold.redactions]
    pk = [(norm_text(r.project), r.scope) for r in pred.redactions]
    m = match_exact(gk, pk)
    return m.counts, _outcomes(
        doc_id,
        "redactions",
        m,
        [f"{r.project} / {r.scope}" for r in gold.redactions],
        [f"{r.project} / {r.scope}" for r in pred.redactions],
        ([r.scope for r in gold.redactions], [r.scope for r in pred.redactions]),
        lambda i, j: gk[i][1] == pk[j][1] and _similar(gk[i][0], pk[j][0]),
    )


def _indicator_key(row: Indicator) -> tuple[str | None, ...]:
    return (norm_text(row.project), *(norm_text(getattr(row, f)) for f in _TUPLE_FIELDS))


def _show_indicator(row: Indicator) -> str:
    return " | ".join(
        str(getattr(row, f)) for f in ("project", "level1", "level2", "level3", "target", "basis")
    )


def _same_parsed(a: TargetParsed | None, b: TargetParsed | None) -> bool:
    # A missing target_parsed and one with every part null say the same thing.
    a, b = a or TargetParsed(), b or TargetParsed()
    return (
        norm_text(a.op) == norm_text(b.op)
        and same_number(a.value, b.value)
        and norm_text(a.unit) == norm_text(b.unit)
    )


def _field_agrees(name: str, gold: Indicator, pred: Indicator) -> bool:
    if name == "redacted":
        return gold.redacted == pred.redacted
    if name == "target_parsed":
        return _same_parsed(gold.target_parsed, pred.target_parsed)
    return norm_text(getattr(gold, name)) == norm_text(getattr(pred, name))


def align_indicators(
    gold: Sequence[Indicator], pred: Sequence[Indicator]
) -> tuple[Matching, list[tuple[int, int]]]:
    """Match indicator rows: first one-to-one on the (project, level1, level2, level3, target,
    basis) tuple (these are the F1 hits); then pair the leftovers greedily by best partial
    agreement — same project, most of the six string fields equal (at least MIN_ROW_AGREEMENT),
    ties broken by document order — for the per-field accuracy. Returns (tuple matching,
    partial pairs)."""
    exact = match_exact([_indicator_key(r) for r in gold], [_indicator_key(r) for r in pred])
    candidates = []
    for i in exact.missed:
        for j in exact.spurious:
            if norm_text(gold[i].project) != norm_text(pred[j].project):
                continue
            score = sum(_field_agrees(f, gold[i], pred[j]) for f in _STRING_FIELDS)
            if score >= MIN_ROW_AGREEMENT:
                candidates.append((-score, i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    partial = []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            partial.append((i, j))
    return exact, partial


def score_indicators(
    doc_id: str, gold: Disclosure, pred: Disclosure
) -> tuple[Counts, dict[str, Accuracy], list[Outcome]]:
    """F1 over indicator tuples, and per-field accuracy over aligned rows (see align_indicators).

    A field is counted for a row only when the gold row states it (its raw JSON has the key).
    """
    g, p = gold.indicators, pred.indicators
    exact, partial = align_indicators(g, p)
    accuracy = {name: Accuracy() for name in INDICATOR_FIELDS}
    for i, j in (*exact.pairs, *partial):
        for name in INDICATOR_FIELDS:
            if name in g[i].model_fields_set:
                accuracy[name] += Accuracy(int(_field_agrees(name, g[i], p[j])), 1)
    partners = set(partial)
    outcomes = _outcomes(
        doc_id,
        "indicators",
        exact,
        [_show_indicator(r) for r in g],
        [_show_indicator(r) for r in p],
        ([r.level2 or "" for r in g], [r.level2 or "" for r in p]),
        lambda i, j: (i, j) in partners,
    )
    return exact.counts, accuracy, outcomes


def table_cells(record: Disclosure) -> list[tuple[tuple[str, str, str], float]]:
    """The scored cells of a record's coded tables: ((kind, row key, column), value).

    The row key is the code, or the normalized name for a row without one (so the grand total
    is keyed "合计"). A cell repeated in two tables of the same kind (equal within the tolerance)
    is kept once.
    """
    seen: dict[tuple[str, str, str], list[float]] = {}
    cells: list[tuple[tuple[str, str, str], float]] = []
    for table in record.tables:
        if table.kind not in CODED_TABLE_KINDS:
            continue
        for row in table.rows:
            row_key = row.code if row.code else (norm_text(row.name) or "")
            for column, value in row.values.items():
                key = (table.kind, row_key, column)
                values = seen.setdefault(key, [])
                if not any(same_number(v, value) for v in values):
                    values.append(value)
                    cells.append((key, value))
    return cells


def score_tables(
    doc_id: str, gold: Disclosure, pred: Disclosure
) -> tuple[Counts, Counts, list[Outcome]]:
    """F1 over coded-table cells, and F1 over the set of other table kinds present."""
    g, p = table_cells(gold), table_cells(pred)
    m = match_keyed_numbers(g, p)

    def shown(cell: tuple[tuple[str, str, str], float]) -> str:
        (kind, row, column), value = cell
        return f"{kind} {row} {column} = {money(value)}"

    outcomes = _outcomes(
        doc_id,
        "tables",
        m,
        [shown(c) for c in g],
        [shown(c) for c in p],
        ([c[0][0] for c in g], [c[0][0] for c in p]),
        # One cell read wrong: same row, and the same column (wrong value) or value (wrong column).
        lambda i, j: (
            g[i][0][:2] == p[j][0][:2]
            and (g[i][0][2] == p[j][0][2] or same_number(g[i][1], p[j][1]))
        ),
    )
    g_kinds = sorted({t.kind for t in gold.tables} - set(CODED_TABLE_KINDS))
    p_kinds = sorted({t.kind for t in pred.tables} - set(CODED_TABLE_KINDS))
    present = match_exact(g_kinds, p_kinds)
    outcomes += _outcomes(
        doc_id,
        "tables_present",
        present,
        g_kinds,
        p_kinds,
        (g_kinds, p_kinds),
        lambda i, j: False,
    )
    return m.counts, present.counts, outcomes


def score_kind(doc_id: str, gold: Disclosure, pred: Disclosure) -> tuple[Counts, list[Outcome]]:
    """Accuracy of `kind` (budget / final_accounts) as counts: one item per document whose gold
    states it, so precision = recall = F1 = accuracy once summed."""
    ok = pred.kind == gold.kind
    outcome = Outcome(
        doc_id, "kind", "correct" if ok else "missed", gold=gold.kind, pred=pred.kind or "–"
    )
    return Counts(int(ok), 1, 1), [outcome]


def score_fields(doc_id: str, gold: Disclosure, pred: Disclosure) -> FieldScores:
    """Score every record field the gold record states; the others are left out of the sums."""
    stated = gold.model_fields_set
    counts: dict[str, Counts] = {}
    indicator_fields: dict[str, Accuracy] = {}
    outcomes: list[Outcome] = []
    simple: dict[str, Callable[[str, Disclosure, Disclosure], tuple[Counts, list[Outcome]]]] = {
        "key_figures": score_key_figures,
        "projects": score_projects,
        "redactions": score_redactions,
    }
    for name, scorer in simple.items():
        if name in stated:
            counts[name], found = scorer(doc_id, gold, pred)
            outcomes += found
    if "indicators" in stated:
        counts["indicators"], indicator_fields, found = score_indicators(doc_id, gold, pred)
        outcomes += found
    if "tables" in stated:
        counts["tables"], counts["tables_present"], found = score_tables(doc_id, gold, pred)
        outcomes += found
    if "kind" in stated and gold.kind is not None:
        counts["kind"], found = score_kind(doc_id, gold, pred)
        outcomes += found
    return FieldScores(counts, indicator_fields, tuple(outcomes))
