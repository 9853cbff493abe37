"""Budget meets actual: the records of one department across years and kinds joined into a tidy
panel, one row per (department, year, key figure) with the budget value, the final-accounts
value and the execution rate (final ÷ budget).

Pairing rule: records are grouped by normalised department name (NFKC, whitespace and bracketed
qualifiers such as （本级） removed) and year. In each group the budget (`kind: budget`) and the
final accounts (`kind: final_accounts`) are paired; where a group holds several of one kind, the
department-level record is preferred to a unit's, then the one stating more key figures, and the
others are reported as unmatched. A record without a department name, a year or a kind, a group
with only one kind, and a record with `error` set are reported too, never dropped silently.

    >>> from ie.schema import Disclosure
    >>> b = Disclosure(doc_id="b", kind="budget", year=2023, key_figures={"expense_total": 100.0})
    >>> f = Disclosure(doc_id="f", kind="final_accounts", year=2023,
    ...                key_figures={"expense_total": 92.5})
    >>> b.department.name = f.department.name = "某某局"
    >>> rows, unmatched = panel_rows([b, f])
    >>> rows[0]["execution_rate"], unmatched
    (0.925, [])
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ie.schema import Disclosure

PANEL_COLUMNS: dict[str, str] = {
    "department": "str",
    "year": "int",
    "key": "str",
    "budget_value": "float",
    "final_value": "float",
    "execution_rate": "float",
    "budget_doc_id": "str",
    "final_doc_id": "str",
}
UNMATCHED_COLUMNS: dict[str, str] = {
    "doc_id": "str",
    "department": "str",
    "year": "int",
    "kind": "str",
    "reason": "str",
}

_QUALIFIER = re.compile(r"[（(][^）)]*[）)]|本级$")


def normalise_department(name: str | None) -> str:
    """The department name records are joined on: NFKC, no whitespace, no bracketed
    qualifier (（本级）, (汇总)) and no trailing 本级."""
    if not name:
        return ""
    text = "".join(unicodedata.normalize("NFKC", name).split())
    return _QUALIFIER.sub("", text)


def _slim(record: Disclosure) -> Disclosure:
    """Only what pairing needs, so a corpus of records is not held whole in memory."""
    return Disclosure(
        doc_id=record.doc_id,
        department=record.department,
        year=record.year,
        kind=record.kind,
        level=record.level,
        key_figures=record.key_figures,
        error=record.error,
    )


def _preference(record: Disclosure) -> tuple[int, int]:
    return (1 if record.level in (None, "department") else 0, len(record.key_figures))


def panel_rows(
    records: Iterable[Disclosure],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(panel rows, unmatched records) for `records`; see the module docstring for the rule."""
    groups: dict[tuple[str, int], dict[str, list[Disclosure]]] = {}
    unmatched: list[dict[str, Any]] = []

    def miss(record: Disclosure, reason: str) -> None:
        unmatched.append(
            {
                "doc_id": record.doc_id,
                "department": record.department.name,
                "year": record.year,
                "kind": record.kind,
                "reason": reason,
            }
        )

    for full in records:
        record = _slim(full)
        name = normalise_department(record.department.name)
        if record.error is not None:
            miss(record, f"not extracted ({record.error.type})")
        elif not name or record.year is None or record.kind is None:
            missing = [
                what
                for what, value in (
                    ("department", name),
                    ("year", record.year),
                    ("kind", record.kind),
                )
                if not value
            ]
            miss(record, f"no {' or '.join(missing)} to pair on")
        else:
            groups.setdefault((name, record.year), {}).setdefault(record.kind, []).append(record)
    rows: list[dict[str, Any]] = []
    for (name, year), kinds in sorted(groups.items()):
        chosen: dict[str, Disclosure] = {}
        for kind, found in kinds.items():
            found.sort(key=_preference, reverse=True)
            chosen[kind] = found[0]
            for other in found[1:]:
                miss(other, f"another {kind} of {name} {year} ({found[0].doc_id}) was paired")
        budget, final = chosen.get("budget"), chosen.get("final_accounts")
        if budget is None or final is None:
            only = budget or final
            assert only is not None
            other_kind = "final_accounts" if final is None else "budget"
            miss(only, f"no {other_kind} of {name} {year} among the records")
            continue
        for key in sorted(set(budget.key_figures) | set(final.key_figures)):
            planned, actual = budget.key_figures.get(key), final.key_figures.get(key)
            rate = actual / planned if planned and actual is not None else None
            rows.append(
                {
                    "department": name,
                    "year": year,
                    "key": key,
                    "budget_value": planned,
                    "final_value": actual,
                    "execution_rate": round(rate, 6) if rate is not None else None,
                    "budget_doc_id": budget.doc_id,
                    "final_doc_id": final.doc_id,
                }
            )
    return rows, unmatched


def export_panel(records: Any, out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write `panel.<fmt>` and `panel_unmatched.<fmt>` to `out_dir` (CSV: UTF-8 with BOM, as
    the tidy tables) for records read as `ie.export.iter_records` reads them; return the paths."""
    import pandas as pd

    from ie.errors import ConfigError
    from ie.export import EXPORT_FORMATS, iter_records

    if fmt not in EXPORT_FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; valid: {', '.join(EXPORT_FORMATS)}")
    rows, unmatched = panel_rows(iter_records(records))
    dtypes = {"str": "string", "int": "Int64", "float": "Float64"}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data, columns in (
        ("panel", rows, PANEL_COLUMNS),
        ("panel_unmatched", unmatched, UNMATCHED_COLUMNS),
    ):
        frame = pd.DataFrame(data, columns=list(columns)).astype(
            {col: dtypes[kind] for col, kind in columns.items()}
        )
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False, encoding="utf-8-sig")
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    return paths
