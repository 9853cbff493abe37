"""The generator's vocabularies, read once from `training/synth/data/`.

functional.tsv / economic.tsv: 政府收支分类科目 (function and economic classification) codes and
names, with the years a name is valid for; places.json: provinces, cities, counties;
departments.json: department names per level with their functional 款 and project topics;
indicators.json: 绩效目标表 vocabulary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Subject:
    """One classification subject (科目): code, name and the years it is valid for."""

    code: str
    name: str
    first: int = 0
    last: int = 9999
    group: str = ""


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@cache
def functional_subjects() -> tuple[Subject, ...]:
    """All functional subjects (类/款/项), with year ranges."""
    out = []
    for row in _read_tsv("functional.tsv"):
        row += [""] * (4 - len(row))
        first = int(row[2]) if row[2].strip() else 0
        last = int(row[3]) if row[3].strip() else 9999
        out.append(Subject(row[0], row[1], first, last))
    return tuple(out)


@cache
def functional_for_year(year: int) -> dict[str, str]:
    """code -> name of the functional subjects valid in `year`."""
    return {s.code: s.name for s in functional_subjects() if s.first <= year <= s.last}


@cache
def economic_subjects() -> dict[str, Subject]:
    """code -> economic subject (group: personnel, public)."""
    return {r[0]: Subject(r[0], r[1], group=r[2]) for r in _read_tsv("economic.tsv")}


@cache
def places() -> dict[str, Any]:
    return json.loads((DATA / "places.json").read_text(encoding="utf-8"))


@cache
def departments() -> list[dict[str, Any]]:
    return json.loads((DATA / "departments.json").read_text(encoding="utf-8"))


@cache
def indicators() -> dict[str, Any]:
    return json.loads((DATA / "indicators.json").read_text(encoding="utf-8"))


def level3_terms() -> list[str]:
    """Every level-3 indicator template (with `{T}` unfilled), for coverage reports."""
    return [t for items in indicators()["level3"].values() for t, _ in items]
