"""Scoring primitives: string/number comparison, counts, per-item outcomes, one-to-one matching.

Everything here is a pure function. Counts are added over documents first and P/R/F1 are
computed once from the sums (the nervaluate lesson: never average per-document scores).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ie.text import squash

if TYPE_CHECKING:
    from ie.evaluate.mentions import Context

#: Two numbers are the same figure when they differ by at most this much (SCHEMA.md "Scoring").
NUMBER_TOLERANCE = 0.005
# Float noise: 686.715 - 686.71 is 0.00500000000005 in binary; it must still match.
_EPS = 1e-9

# Applied after NFKC (which already turns ［］ into [ ], ＞＝ into >=, ﹝﹞ into 〔〕, and leaves
# 【】 〔〕 ≥ ≤ alone) and after whitespace removal (so "> =" is also ≥).
_SYMBOLS = ((">=", "≥"), ("<=", "≤"), ("[", "〔"), ("]", "〕"), ("【", "〔"), ("】", "〕"))


def norm_text(value: object) -> str | None:
    """Canonical form of a string for comparison: NFKC, no whitespace, ≥ ≤ and 〔〕 unified.

    >>> norm_text(" ≥ 2000 本") == norm_text(">=2000本")
    True
    >>> norm_text("卢纪要【2017】31号") == norm_text("卢纪要〔2017〕31号")
    True
    >>> norm_text(None) is None
    True
    """
    if value is None:
        return None
    text = squash(unicodedata.normalize("NFKC", str(value)))
    for old, new in _SYMBOLS:
        text = text.replace(old, new)
    return text


def same_number(a: float | None, b: float | None) -> bool:
    """True when both are None, or both are numbers within NUMBER_TOLERANCE."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=NUMBER_TOLERANCE + _EPS)


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, predicted and gold item counts; P/R/F1 are derived, 0.0 when undefined."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.pred + other.pred, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        # 2tp / (pred + gold) equals 2PR/(P+R) and avoids a second rounding.
        return 2 * self.tp / (self.pred + self.gold) if self.pred + self.gold else 0.0

    def to_json(self) -> dict[str, int | float]:
        """`{"tp", "pred", "gold", "precision", "recall", "f1"}` as in SCHEMA.md."""
        return {
            "tp": self.tp,
            "pred": self.pred,
            "gold": self.gold,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


Status = Literal["correct", "missed", "spurious"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scored item: a gold item found (correct), not found (missed), or a pred not in gold.

    `gold`/`pred` are display strings of the two sides; a missed gold item carries its nearest
    prediction in `pred` (and a spurious one its nearest gold) when one exists, so a report can
    show them side by side. Offsets and page are set where the item has a position.
    """

    doc_id: str
    field: str
    status: Status
    label: str = ""
    gold: str | None = None
    pred: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    context: Context | None = None


@dataclass(frozen=True, slots=True)
class Matching:
    """Result of a one-to-one matching: index pairs, and the unmatched indices on each side."""

    pairs: tuple[tuple[int, int], ...]
    missed: tuple[int, ...]
    spurious: tuple[int, ...]

    @property
    def counts(self) -> Counts:
        n_pred = len(self.pairs) + len(self.spurious)
        return Counts(len(self.pairs), n_pred, len(self.pairs) + len(self.missed))


def _matching(n_gold: int, n_pred: int, pairs: Iterable[tuple[int, int]]) -> Matching:
    pairs = tuple(sorted(pairs))
    used_g = {g for g, _ in pairs}
    used_p = {p for _, p in pairs}
    return Matching(
        pairs,
        tuple(i for i in range(n_gold) if i not in used_g),
        tuple(j for j in range(n_pred) if j not in used_p),
    )


def match_exact(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> Matching:
    """Multiset matching of equal keys: each gold item is consumed once, in order."""
    free: dict[Hashable, list[int]] = {}
    for i, key in enumerate(gold):
        free.setdefault(key, []).append(i)
    pairs = []
    for j, key in enumerate(pred):
        slots = free.get(key)
        if slots:
            pairs.append((slots.pop(0), j))
    return _matching(len(gold), len(pred), pairs)


def match_keyed_numbers(
    gold: Sequence[tuple[Hashable, float]], pred: Sequence[tuple[Hashable, float]]
) -> Matching:
    """One-to-one matching of (key, number) items: same key, numbers within the tolerance.

    Within one key the values are matched by a sorted sweep, which gives a maximum matching for
    points under a fixed tolerance (each gold value is consumed once, so duplicates count).
    """
    by_key: dict[Hashable, tuple[list[int], list[int]]] = {}
    for i, (key, _) in enumerate(gold):
        by_key.setdefault(key, ([], []))[0].append(i)
    for j, (key, _) in enumerate(pred):
        by_key.setdefault(key, ([], []))[1].append(j)
    pairs = []
    for g_idx, p_idx in by_key.values():
        gs = sorted(g_idx, key=lambda i: gold[i][1])
        ps = sorted(p_idx, key=lambda j: pred[j][1])
        a = b = 0
        while a < len(gs) and b < len(ps):
            gv, pv = gold[gs[a]][1], pred[ps[b]][1]
            if same_number(gv, pv):
                pairs.append((gs[a], ps[b]))
                a += 1
                b += 1
            elif gv < pv:
                a += 1
            else:
                b += 1
    return _matching(len(gold), len(pred), pairs)


def match_bipartite(n_gold: int, n_pred: int, edges: Callable[[int], Iterable[int]]) -> Matching:
    """Maximum one-to-one matching (Kuhn's augmenting paths); `edges(j)` lists the gold indices
    pred j may match, best first. Used for span overlap, where greedy choices can lose a match."""
    owner: dict[int, int] = {}  # gold index -> pred index
    adjacency = [list(edges(j)) for j in range(n_pred)]

    def augment(j: int, seen: set[int]) -> bool:
        for i in adjacency[j]:
            if i in seen:
                continue
            seen.add(i)
            if i not in owner or augment(owner[i], seen):
                owner[i] = j
                return True
        return False

    for j in range(n_pred):
        if adjacency[j]:
            augment(j, set())
    return _matching(n_gold, n_pred, ((i, j) for i, j in owner.items()))


def nearest(items: Sequence[Any], want: Callable[[Any], bool]) -> Any | None:
    """The first item satisfying `want`, or None (used to find a side-by-side partner)."""
    return next((item for item in items if want(item)), None)
