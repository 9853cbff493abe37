"""The arithmetic of a rebuilt table: the checks that must hold (a parent equals the sum of its
children by code prefix, 合计 the sum of the top codes, total = basic + project, total =
personnel + public, the 三公 sums), as issues, and how far the code tree is from adding up."""

from __future__ import annotations

from collections.abc import Sequence

from ie.tables.money_types import _EXTRA_PART, TOLERANCE, Column, DetailedRow


def _misfit(rows: Sequence[DetailedRow]) -> float:
    """How far the code hierarchy is from adding up: the summed gaps between each parent's
    figures (and 合计's) and the sums of its children's, per column. Unlike a count of failed
    checks it drops with every child moved to its right column."""
    values = [r.values() for r in rows]
    coded = [(r.code, v) for r, v in zip(rows, values, strict=True) if r.code]
    codes = {c for c, _ in coded}
    gap = 0.0
    parents = list(coded)
    grand = next((v for r, v in zip(rows, values, strict=True) if r.total_row), None)
    if grand is not None and codes:
        parents.append(("", grand))
    top_len = min((len(c) for c in codes), default=0)
    for code, v in parents:
        if code:
            kids = [
                cv
                for c, cv in coded
                if c != code
                and c.startswith(code)
                and not any(p in codes for p in _between(code, c))
            ]
        else:
            kids = [cv for c, cv in coded if len(c) == top_len]
        if not kids:
            continue
        for key in {*v, *(k for cv in kids for k in cv)}:
            gap += abs(v.get(key, 0.0) - sum(cv.get(key, 0.0) for cv in kids))
    return gap


def table_issues(
    kind: str,
    rows: Sequence[DetailedRow],
    columns: Sequence[Column] = (),
    open_parts: bool = False,
) -> tuple[list[str], int]:
    """Arithmetic that fails in a rebuilt table, and how many relations were checked:
    row sums (total = basic + project [+ reserve and other expense columns], total = personnel +
    public) and code hierarchy (a parent's figures = the sums of its children's; 合计 = the sum
    of the top-level codes). With `open_parts` (columns unknown, as in a SCHEMA Table whose
    reserve column has no key) a row sum only fails when the parts exceed the total."""
    issues: list[str] = []
    checked = 0
    values = [r.values() for r in rows]
    extra = {i for i, c in enumerate(columns) if c.key is None and _EXTRA_PART.search(c.label)}
    for r, v in zip(rows, values, strict=True):
        label = r.code or r.name
        for a, b in (("basic", "project"), ("personnel", "public")):
            if "total" in v and (a in v or b in v):
                checked += 1
                more = sum(c.value for c in r.cells if c.column in extra) if a == "basic" else 0.0
                got = v.get(a, 0.0) + v.get(b, 0.0) + more
                short = v["total"] - got
                if short < -TOLERANCE or (short > TOLERANCE and not open_parts):
                    plus = " + other parts" if more else ""
                    issues.append(f"{label}: total {v['total']:g} != {a} + {b}{plus} = {got:g}")
    coded = [(r.code, v) for r, v in zip(rows, values, strict=True) if r.code]
    codes = {c for c, _ in coded}
    for code, v in coded:
        kids = [
            (c, cv)
            for c, cv in coded
            if c != code and c.startswith(code) and not any(p in codes for p in _between(code, c))
        ]
        if not kids:
            continue
        for key, parent in v.items():
            checked += 1
            total = sum(cv.get(key, 0.0) for _, cv in kids)
            if abs(parent - total) > TOLERANCE * max(1, len(kids)):
                issues.append(f"{code}: {key} {parent:g} != sum of children {total:g}")
    if kind == "three_public":
        named = {fold_name(r.name): v.get("total") for r, v in zip(rows, values, strict=True)}
        for whole, parts in _THREE_PUBLIC_SUMS:
            if whole in named and named[whole] is not None and any(p in named for p in parts):
                checked += 1
                got = sum(named.get(p) or 0.0 for p in parts)
                if abs(named[whole] - got) > TOLERANCE * len(parts):
                    issues.append(f"{whole} {named[whole]:g} != {' + '.join(parts)} = {got:g}")
    grand = next((v for r, v in zip(rows, values, strict=True) if r.total_row), None)
    if grand and coded:
        top_len = min(len(c) for c in codes)
        tops = [v for c, v in coded if len(c) == top_len]
        for key, g in grand.items():
            checked += 1
            total = sum(v.get(key, 0.0) for v in tops)
            if abs(g - total) > TOLERANCE * max(1, len(tops)):
                issues.append(f"合计: {key} {g:g} != sum of {top_len}-digit codes {total:g}")
    return issues, checked


_THREE_PUBLIC_SUMS = (
    ("“三公”经费小计", ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费")),
    ("公务用车购置及运行维护费", ("公务用车购置费", "公务用车运行维护费")),
)


def fold_name(name: str) -> str:
    """A 三公 row name in one spelling: half-width brackets, 运维费 → 运行维护费."""
    name = name.replace("（", "(").replace("）", ")").replace('"', "“")
    return name.replace("购置及运维费", "购置及运行维护费")


def _between(parent: str, child: str) -> list[str]:
    """Codes strictly between `parent` and `child` in the hierarchy (prefixes of child)."""
    return [child[:n] for n in range(len(parent) + 1, len(child))]
