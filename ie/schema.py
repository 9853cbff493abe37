"""The Disclosure record: pydantic models of ../shared/SCHEMA.md, schema version 1.

The vocabularies (key figures, table kinds, column keys, labels) are declared once here and
imported everywhere else.
"""

from __future__ import annotations

import json
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

KeyFigure = Literal[
    "income_total",
    "income_general_budget",
    "income_gov_fund",
    "income_state_capital",
    "income_special_account",
    "income_business",
    "income_other",
    "carryover",
    "expense_total",
    "expense_basic",
    "expense_personnel",
    "expense_public",
    "expense_project",
    "expense_reserve",
    "change_total",
    "operating_cost",
    "three_public_total",
    "three_public_abroad",
    "three_public_vehicle",
    "three_public_vehicle_purchase",
    "three_public_vehicle_operation",
    "three_public_reception",
    "meeting_fee",
    "training_fee",
    "procurement_total",
    "fixed_assets_total",
    # schema 1.1, final accounts (决算)
    "grand_total",
    "carryover_end",
]
KEY_FIGURES: tuple[str, ...] = get_args(KeyFigure)

TableKind = Literal[
    "income_expense_summary",
    "income_summary",
    "expense_by_function",
    "basic_expense_by_economic",
    "three_public",
    "gov_fund_expense",
    "state_capital_expense",
    "procurement",
    "fixed_assets",
    "other",
]
TABLE_KINDS: tuple[str, ...] = get_args(TableKind)
# Tables scored cell by cell; the other kinds are scored for presence only.
CODED_TABLE_KINDS: tuple[str, ...] = ("expense_by_function", "basic_expense_by_economic")

ColumnKey = Literal["total", "basic", "project", "personnel", "public", "budget"]
COLUMN_KEYS: tuple[str, ...] = get_args(ColumnKey)

Label = Literal[
    "AMOUNT",
    "PROJECT",
    "IND_L1",
    "IND_L2",
    "IND_L3",
    "IND_DESC",
    "IND_TARGET",
    "IND_BASIS",
    "REDACTED",
    "DEPT",
    "CODE",
]
LABELS: tuple[str, ...] = get_args(Label)

Op = Literal["≥", "≤", ">", "<", "="]
#: budget (部门预算, before the year) or final accounts (部门决算, after it); schema 1.1.
DocumentKind = Literal["budget", "final_accounts"]
#: 部门预算/部门决算 (a department with its units) or 单位预算/单位决算 (one unit); schema 1.1.
DocumentLevel = Literal["department", "unit"]
SourceFormat = Literal["txt", "pdf", "image"]
RedactionScope = Literal["goal", "indicators"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OcrSource(_Model):
    """Which pages OCR read (1-based) and the engine that read them."""

    engine: str
    pages: list[int]


class Source(_Model):
    path: str
    format: SourceFormat
    pages: int | None = None
    sha256: str
    ocr: OcrSource | None = None  # only on a record of a scan; absent otherwise


class Department(_Model):
    name: str | None = None
    code: str | None = None


class Project(_Model):
    name: str
    redacted: bool = False
    goal: str | None = None


class TargetParsed(_Model):
    op: Op | None = None
    value: float | None = None
    unit: str | None = None


class Indicator(_Model):
    project: str | None = None
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    description: str | None = None
    target: str | None = None
    basis: str | None = None
    redacted: bool = False
    target_parsed: TargetParsed | None = None


class Redaction(_Model):
    project: str
    scope: RedactionScope
    marker: str = "不公开"


class TableRow(_Model):
    code: str | None = Field(default=None, pattern=r"^\d+$")
    name: str
    values: dict[ColumnKey, float] = Field(default_factory=dict)


class Table(_Model):
    kind: TableKind
    title: str
    unit: str = "万元"
    rows: list[TableRow] = Field(default_factory=list)


class Amount(_Model):
    text: str
    value: float
    unit: str
    context: str = ""
    start: int
    end: int


class Entity(_Model):
    label: Label
    start: int
    end: int
    text: str
    score: float = 1.0


class Check(_Model):
    rule: str
    ok: bool
    detail: str = ""


class ErrorInfo(_Model):
    type: str
    message: str


class Disclosure(_Model):
    """One document's record. Gold files may leave fields out; those fields are not scored."""

    # "1.1" is accepted on reading: it only adds `kind`, `level` and the 决算 keys below.
    schema_version: Literal["1", "1.1"] = SCHEMA_VERSION
    doc_id: str
    source: Source | None = None
    kind: DocumentKind | None = None
    level: DocumentLevel | None = None
    department: Department = Field(default_factory=Department)
    year: int | None = None
    key_figures: dict[KeyFigure, float] = Field(default_factory=dict)
    projects: list[Project] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    redactions: list[Redaction] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    error: ErrorInfo | None = None

    def to_json(self, indent: int | None = 2) -> str:
        """Serialise as SCHEMA.md JSON (non-ASCII kept; `error` only when set)."""
        exclude: dict[str, Any] = {}
        if self.error is None:
            exclude["error"] = True
        if self.source is not None and self.source.ocr is None:
            exclude["source"] = {"ocr"}
        data = self.model_dump(mode="json", exclude=exclude)
        return json.dumps(data, ensure_ascii=False, indent=indent)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a Disclosure record, as `budget-ie schema` prints it."""
    schema = Disclosure.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Disclosure"
    return schema
