"""The arithmetic solver: where position leaves a figure's column open, the placement of each
row's figures is chosen by the arithmetic of the row and of the whole table (`_settle`, exactly
over the code tree in `_settle_tree`).

Every search is capped so that a garbled header never makes a table take more than a second or
two; the caps and the scoring weights are one `SolverSettings`."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from ie.errors import ConfigError
from ie.segment import Cell
from ie.tables.money_arith import _between, _misfit, table_issues
from ie.tables.money_cells import _span_of, parse_figure
from ie.tables.money_types import _EXTRA_PART, TOLERANCE, Column, DetailedRow


@dataclass(frozen=True, slots=True)
class SolverSettings:
    """The solver's search limits and scoring weights. Every search over placements is capped
    so that a garbled header never makes a table take more than a second or two.

    Placements: a misread header can name dozens of columns, and k figures in n columns have
    C(n, k) order-keeping placements (C(40, 20) ~ 1.4e11). Past `max_placements` per row only
    the first ones in lexicographic order are tried — those that skip the fewest columns on
    the left, which is where a row's figures start. A table shares `table_placements` among
    its rows, so a long table tries fewer per row, never fewer than `min_placements`.

    Settling: each placement tried is a row built and scored; a row keeps its `max_options`
    best-ranked placements, fewer in a long table (`max_builds` rows built per table).
    Sibling placements are tried together up to `max_combos` joint placements (each trial
    scores only its parent's relations, so this many stay fast); larger groups are settled
    row by row. Past `max_visits` child rows visited, the code-tree search takes each child's
    own best instead of trying more.

    Weights: a row sum (total = basic + project, total = personnel + public) that holds
    scores `sum_weight`, one that fails `-sum_weight`; a placement that leaves the table's
    total column empty scores `-empty_total_penalty`; each figure put in a column of a rarer
    part of a total (上缴上级支出, 经营支出, 对附属单位补助支出, 预留机动经费), where the basic
    and project columns would do as well, scores `-extra_penalty`. Placements that the
    arithmetic ties and that lie within `near_width` column widths of the nearest one are all
    supported by position.
    """

    max_placements: int = 2000
    table_placements: int = 60_000
    min_placements: int = 16
    max_options: int = 24
    max_builds: int = 4000
    max_combos: int = 1024
    max_visits: int = 300_000
    sum_weight: int = 10
    empty_total_penalty: int = 5
    extra_penalty: int = 1
    near_width: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(
                    f"solver setting {f.name} must be a positive number, not {value!r}"
                )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SolverSettings:
        """Settings from a mapping (a config section); keys left out keep their defaults.
        Raises ConfigError naming the valid keys when a key is unknown."""
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(valid))
        if unknown:
            raise ConfigError(
                f"unknown solver setting(s) {', '.join(unknown)}; valid: {', '.join(valid)}"
            )
        return cls(**values)


#: The settings the rebuild uses.
SETTINGS = SolverSettings()
# Two caps under their names from before SolverSettings (tests read them).
_MAX_PLACEMENTS = SETTINGS.max_placements
_TABLE_PLACEMENTS = SETTINGS.table_placements


def _place(
    figs: Sequence[Cell],
    spans: Sequence[tuple[float, float]],
    columns: Sequence[Column],
    rows: int = 1,
    settings: SolverSettings = SETTINGS,
) -> tuple[list[tuple[int, ...]], int]:
    """Column placements for a row's figures, best first (-1: not a figure column), and how
    many of them position supports. Figures keep their order. Where every figure lies in its
    own column's span, position supports that placement alone; else row arithmetic ranks
    placements first and nearness to the columns next, and those that arithmetic cannot tell
    apart and position barely does are supported. The other placements that the row's
    arithmetic allows follow, for the table's arithmetic to choose when position misled (a
    text layout shifts figures sideways by the spaces and wide characters before them)."""
    n = len(spans)
    if not figs or not n:
        return [tuple(-1 for _ in figs)], 1
    inside = [_span_of(c, spans) for c in figs]
    if len(figs) > n:
        return [tuple(inside)], 1
    values = [parse_figure(c.text) or 0.0 for c in figs]
    scored = []
    for slots in _order_keeping(n, len(figs), rows, settings):
        score = _row_score(values, slots, columns, settings)
        dist = sum(
            abs((c.x0 + c.x1) / 2 - (spans[s][0] + spans[s][1]) / 2)
            for c, s in zip(figs, slots, strict=True)
        )
        scored.append((-score, dist, slots))
    scored.sort()
    best_score, best_dist, _ = scored[0]
    if all(k >= 0 for k in inside) and len(set(inside)) == len(inside):
        # every figure inside its own column's span
        others = [s for score, _, s in scored if score == best_score and s != tuple(inside)]
        return [tuple(inside), *others], 1
    gap = min((b[0] - a[1] for a, b in itertools.pairwise(spans)), default=1.0)
    width = max(statistics.median(hi - lo for lo, hi in spans), gap, 1e-6)
    near = [
        s
        for score, dist, s in scored
        if score == best_score and dist - best_dist < settings.near_width * width
    ]
    far = [s for score, _, s in scored if score == best_score and s not in near]
    return near + far, len(near)


def _order_keeping(
    n: int, k: int, rows: int = 1, settings: SolverSettings = SETTINGS
) -> Iterable[tuple[int, ...]]:
    """Placements of k figures, in order, into n columns (`itertools.combinations`): at most
    `max_placements`, and at most the share of one of `rows` rows in `table_placements`."""
    limit = max(
        settings.min_placements,
        min(settings.max_placements, settings.table_placements // max(1, rows)),
    )
    return itertools.islice(itertools.combinations(range(n), k), limit)


def _row_score(
    values: Sequence[float],
    slots: Sequence[int],
    columns: Sequence[Column],
    settings: SolverSettings = SETTINGS,
) -> int:
    """How well a placement fits the row's arithmetic (total = basic + project [+ the other
    parts of a total: 单位预留机动经费, …], total = personnel + public); a table with a total
    column fills it first."""
    by_key = {columns[s].key: v for s, v in zip(slots, values, strict=True) if columns[s].key}
    more = sum(
        v
        for s, v in zip(slots, values, strict=True)
        if columns[s].key is None and _EXTRA_PART.search(columns[s].label)
    )
    score = 0
    total = by_key.get("total")
    for a, b in (("basic", "project"), ("personnel", "public")):
        if total is not None and (a in by_key or b in by_key) and _has_keys(columns, a, b):
            parts = by_key.get(a, 0.0) + by_key.get(b, 0.0) + (more if a == "basic" else 0.0)
            ok = abs(total - parts) <= TOLERANCE
            score += settings.sum_weight if ok else -settings.sum_weight
    if "total" not in by_key and any(c.key == "total" for c in columns):
        score -= settings.empty_total_penalty
    extra = sum(1 for s in slots if columns[s].key is None and _EXTRA_PART.search(columns[s].label))
    return score - extra * settings.extra_penalty


def _settle(
    options: Sequence[Sequence[tuple[int, ...]]],
    build_row,
    kind: str,
    columns: Sequence[Column],
    codes: Sequence[str | None] = (),
    guess: bool = True,
    near: Sequence[int] | None = None,
    settings: SolverSettings = SETTINGS,
) -> list[DetailedRow]:
    """Pick one placement per row and return the rows built with it. `build_row(k, pick)`
    builds row k with its `pick`-th placement, the placements ranked best first by position.
    Rows whose own arithmetic and position leave several open are settled by the table's
    arithmetic (fewest failed checks, then the smallest gaps): exactly over the code tree
    (`_settle_tree`); where a code is printed twice, open siblings (rows under one parent
    `codes` prefix) are tried together, since moving one child alone can make its parent's
    sums worse before they get better. Where the arithmetic cannot decide, position does;
    without `guess` (no position to go by) the figures whose column the code tree leaves
    open are left out and the row says so (`DetailedRow.undecided`). `near[k]` is how many
    of row k's placements position supports (all when None): the others are taken only where
    they make fewer checks fail. Each row is built once per placement."""
    # Each placement tried is a row built and scored: a row with more placements than
    # `max_options` (fewer in a long table) keeps its best-ranked ones (a garbled header can
    # leave thousands tied).
    cap = max(2, min(settings.max_options, settings.max_builds // max(1, len(options))))
    options = [opts[:cap] for opts in options]
    near = list(near) if near is not None else [len(opts) for opts in options]
    cache: dict[tuple[int, int], DetailedRow] = {}

    def row(k: int, pick: int) -> DetailedRow:
        if (k, pick) not in cache:
            cache[k, pick] = build_row(k, pick)
        return cache[k, pick]

    choice = [0] * len(options)
    open_rows = [k for k, opts in enumerate(options) if len(opts) > 1]
    if not open_rows:
        return [row(k, 0) for k in range(len(options))]
    base = [row(k, 0) for k in range(len(options))]
    scorer = _Scorer(kind, base, columns)
    if scorer.tree is not None:
        picks, possible = _settle_tree(options, row, scorer, near, settings)
        out = [row(k, pick) for k, pick in enumerate(picks)]
        if not guess:
            for k, alive in enumerate(possible):
                if len(alive) > 1:
                    out[k] = _undecided(out[k], [row(k, p) for p in sorted(alive)])
        return out

    options = [opts[: max(1, m)] for opts, m in zip(options, near, strict=True)]
    open_rows = [k for k, opts in enumerate(options) if len(opts) > 1]

    def cost(members: Sequence[int], picks: Sequence[int]) -> tuple[int, float]:
        rows = {k: row(k, pick) for k, pick in zip(members, picks, strict=True)}
        current = [rows.get(k) or row(k, choice[k]) for k in range(len(options))]
        return scorer.cost(current, members)

    groups: dict[str, list[int]] = {}
    for k in open_rows:
        code = codes[k] if k < len(codes) else None
        if code:
            groups.setdefault(code[:-2] if len(code) > 3 else "", []).append(k)
    settled: set[int] = set()
    for members in groups.values():
        combos = 1
        for k in members:
            combos *= len(options[k])
        if len(members) < 2 or combos > settings.max_combos:
            continue
        settled.update(members)
        best = min(
            itertools.product(*(range(len(options[k])) for k in members)),
            key=lambda picks: cost(members, picks),
        )
        for k, pick in zip(members, best, strict=True):
            choice[k] = pick
    for k in open_rows:
        if k not in settled:
            choice[k] = min(range(len(options[k])), key=lambda pick: (*cost([k], [pick]), pick))
    return [row(k, choice[k]) for k in range(len(options))]


def _undecided(chosen: DetailedRow, readings: Sequence[DetailedRow]) -> DetailedRow:
    """`chosen` with only the figures that every reading puts in the same column; the others
    are named in `undecided` ("16.28: basic or project")."""

    def cells(r: DetailedRow) -> set[tuple[str | None, float]]:
        return {(c.key, round(c.value, 6)) for c in r.cells}

    common = set.intersection(*(cells(r) for r in readings))
    kept = tuple(c for c in chosen.cells if (c.key, round(c.value, 6)) in common)
    if len(kept) == len(chosen.cells):
        return chosen
    notes = []
    for c in chosen.cells:
        if (c.key, round(c.value, 6)) not in common:
            keys = sorted(
                {
                    d.key or "?"
                    for r in readings
                    for d in r.cells
                    if abs(d.value - c.value) < 1e-9 and (d.key, round(d.value, 6)) not in common
                }
            )
            notes.append(f"{c.text}: {' or '.join(keys)}")
    return replace(chosen, cells=kept, undecided=tuple(notes))


def _settle_tree(
    options: Sequence[Sequence[tuple[int, ...]]],
    row,
    scorer: _Scorer,
    near: Sequence[int],
    settings: SolverSettings = SETTINGS,
) -> tuple[list[int], list[set[int]]]:
    """The placement per row that fails the fewest checks of the whole table (then leaves the
    smallest gaps), found exactly where the code hierarchy is a tree: each relation ties a
    row to its children only, so the best placements under a row depend only on that row's
    own placement and are found bottom-up, once per placement (dynamic programming).
    Children with more joint placements than `max_combos` are improved one at a time.
    Among readings that fail as many checks, fewer placements that position does not
    support (beyond `near`) come first, then smaller gaps.

    Returns the chosen pick per row (on a tie, the one position ranked first) and, per row,
    every pick that some best reading of the whole table gives it (more than one where the
    arithmetic cannot decide)."""
    assert scorer.tree is not None
    kids = scorer.tree
    Cost = tuple[int, int, float]  # failed checks, placements position does not support, gaps

    def add(*costs: Cost) -> Cost:
        return sum(c[0] for c in costs), sum(c[1] for c in costs), sum(c[2] for c in costs)

    def key(c: Cost) -> tuple[int, int, float]:
        return c[0], c[1], round(c[2], 6)

    own = [
        [(scorer.row_fails(row(k, p)), int(p >= near[k]), 0.0) for p in range(len(options[k]))]
        for k in range(len(options))
    ]
    best: dict[int, list[Cost]] = {}
    # (row, pick) -> the children's picks of every best reading under it, the first chosen
    below: dict[tuple[int, int], list[tuple[int, ...]]] = {}
    # Child rows visited by trials so far: past `max_visits` the search takes each child's
    # own best instead of trying more (a wide garbled table stays within a second or two).
    spent = 0

    def solve(k: int) -> None:
        ch = kids.get(k, [])
        for c in ch:
            solve(c)
        best[k] = []
        for p in range(len(options[k])):
            if not ch:
                best[k].append(own[k][p])
                continue
            parent = row(k, p)

            def total(picks: Sequence[int], parent=parent, p=p, ch=ch) -> Cost:
                nonlocal spent
                spent += len(ch)
                kid_rows = [row(c, q) for c, q in zip(ch, picks, strict=True)]
                failed, gap = scorer.relation(parent, kid_rows)
                return add(
                    own[k][p],
                    (failed, 0, gap),
                    *(best[c][q] for c, q in zip(ch, picks, strict=True)),
                )

            combos = 1
            for c in ch:
                combos *= len(options[c])
            if combos <= settings.max_combos and spent + combos * len(ch) <= settings.max_visits:
                scored = [
                    (total(t), t) for t in itertools.product(*(range(len(options[c])) for c in ch))
                ]
                low = min(key(c) for c, _ in scored)
                tied = [t for c, t in scored if key(c) == low]
                below[k, p] = tied
                best[k].append(next(c for c, _ in scored if key(c) == low))
                continue

            # One child at a time, from each child's own best, until nothing improves. A
            # failed sum needs several children moved before it passes, so moves go by the
            # gaps before position: each child moved to its column narrows them.
            def steer(c: Cost) -> tuple[int, float, int]:
                return c[0], round(c[2], 6), c[1]

            cur = [min(range(len(options[c])), key=lambda q, c=c: key(best[c][q])) for c in ch]
            now = steer(total(cur))
            for _ in range(4):
                moved = False
                for m, c in enumerate(ch):
                    for q in range(len(options[c])):
                        if spent > settings.max_visits:
                            break
                        trial = [*cur[:m], q, *cur[m + 1 :]]
                        if (cost := steer(total(trial))) < now:
                            cur, now, moved = trial, cost, True
                if not moved:
                    break
            below[k, p] = [tuple(cur)]
            best[k].append(total(cur))

    choice = [0] * len(options)
    possible: list[set[int]] = [set() for _ in options]

    def assign(k: int, p: int) -> None:
        choice[k] = p
        readings = below.get((k, p), [()])
        for c, q in zip(kids.get(k, []), readings[0], strict=True):
            assign(c, q)

    def reach(k: int, p: int) -> None:
        if p in possible[k]:
            return
        possible[k].add(p)
        for picks in below.get((k, p), []):
            for c, q in zip(kids.get(k, []), picks, strict=True):
                reach(c, q)

    children = {c for ch in kids.values() for c in ch}
    for k in range(len(options)):
        if k not in children:
            solve(k)
            low = min(key(c) for c in best[k])
            tied = [p for p in range(len(options[k])) if key(best[k][p]) == low]
            assign(k, tied[0])
            for p in tied:
                reach(k, p)
    return choice, possible


class _Scorer:
    """The arithmetic relations of a table whose codes and names are fixed and whose figures
    vary with the placements tried: row sums, parent = sum of children, 合计 = sum of the
    top-level codes (and the 三公 sums). `cost` counts the failed relations that involve the
    given rows and sums their gaps (as `table_issues` and `_misfit` would for the whole
    table, less the relations no trial changes)."""

    def __init__(self, kind: str, rows: Sequence[DetailedRow], columns: Sequence[Column]):
        self.kind = kind
        self.columns = columns
        self.extra = {
            i for i, c in enumerate(columns) if c.key is None and _EXTRA_PART.search(c.label)
        }
        coded = [(k, r.code) for k, r in enumerate(rows) if r.code]
        codes = {c for _, c in coded}
        # (parent row, its child rows): a 科目 and the codes right below it, 合计 and the tops
        self.relations: list[tuple[int, list[int]]] = []
        for k, code in coded:
            kids = [
                j
                for j, c in coded
                if c != code
                and c.startswith(code)
                and not any(p in codes for p in _between(code, c))
            ]
            if kids:
                self.relations.append((k, kids))
        grand = next((k for k, r in enumerate(rows) if r.total_row), None)
        if grand is None and rows and not rows[0].name and not rows[0].code and rows[0].cells:
            grand = 0  # a nameless first row of figures is 合计 (as `_finish` names it)
        if grand is not None and coded:
            top_len = min(len(c) for c in codes)
            self.relations.append((grand, [j for j, c in coded if len(c) == top_len]))
        self.touching: dict[int, list[int]] = {}
        for n, (parent, kids) in enumerate(self.relations):
            for k in {parent, *kids}:
                self.touching.setdefault(k, []).append(n)
        # The relations as a tree (row -> its children) when each row has one parent at most
        # (no code printed twice); the 三公 sums go by name, so those tables have none.
        self.tree: dict[int, list[int]] | None = None
        kid_rows = [j for _, kids in self.relations for j in kids]
        if kind != "three_public" and len(kid_rows) == len(set(kid_rows)):
            self.tree = {parent: kids for parent, kids in self.relations}

    def row_fails(self, row: DetailedRow) -> int:
        """How many of the row's own sums fail (total = basic + project [+ other parts],
        total = personnel + public)."""
        got = row.values()
        if "total" not in got:
            return 0
        failed = 0
        for a, b in (("basic", "project"), ("personnel", "public")):
            if a in got or b in got:
                more = (
                    sum(c.value for c in row.cells if c.column in self.extra)
                    if a == "basic"
                    else 0.0
                )
                short = got["total"] - got.get(a, 0.0) - got.get(b, 0.0) - more
                failed += abs(short) > TOLERANCE
        return failed

    def relation(self, parent: DetailedRow, kids: Sequence[DetailedRow]) -> tuple[int, float]:
        """(failed checks, summed gaps) of one parent = sum of its children."""
        pv = parent.values()
        kid_values = [r.values() for r in kids]
        failed, gap = 0, 0.0
        for key in {*pv, *(key for kv in kid_values for key in kv)}:
            diff = abs(pv.get(key, 0.0) - sum(kv.get(key, 0.0) for kv in kid_values))
            gap += diff
            if key in pv and diff > TOLERANCE * max(1, len(kids)):
                failed += 1
        return failed, gap

    def cost(self, rows: Sequence[DetailedRow], members: Sequence[int]) -> tuple[int, float]:
        """(failed checks, summed gaps) of the relations that involve `members`."""
        if self.kind == "three_public":  # name-based sums: score the whole table
            return len(table_issues(self.kind, rows, self.columns)[0]), _misfit(rows)
        failed, gap = sum(self.row_fails(rows[k]) for k in members), 0.0
        seen = sorted({n for k in members for n in self.touching.get(k, ())})
        for n in seen:
            parent, kids = self.relations[n]
            f, g = self.relation(rows[parent], [rows[j] for j in kids])
            failed, gap = failed + f, gap + g
        return failed, gap


def _slot_options(
    values: list[float],
    columns: Sequence[Column],
    rows: int = 1,
    settings: SolverSettings = SETTINGS,
) -> list[tuple[int, ...]]:
    """Column placements for `values` read left to right when some cells were empty: of every
    order-keeping placement, those whose row arithmetic scores best (total = basic + project,
    total = personnel + public; a total column is filled first). Several are returned when
    the row alone cannot tell (total 40 = basic 40 or project 40)."""
    n = len(columns)
    if len(values) >= n or not values:
        return [tuple(range(len(values)))]
    scored: list[tuple[int, tuple[int, ...]]] = []
    for slots in _order_keeping(n, len(values), rows, settings):
        scored.append((_row_score(values, slots, columns, settings), slots))
    best = max(score for score, _ in scored)
    return [slots for score, slots in scored if score == best]


def _has_keys(columns: Sequence[Column], *keys: str) -> bool:
    present = {c.key for c in columns}
    return all(k in present for k in keys)
