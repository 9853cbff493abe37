from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import REAL_DIR

from ie.schema import KEY_FIGURES, LABELS, Disclosure, json_schema


def test_real_gold_is_a_valid_disclosure():
    gold = json.loads((REAL_DIR / "004_3c37c7924f173325.gold.json").read_text(encoding="utf-8"))
    record = Disclosure.model_validate(gold)
    assert set(record.key_figures) <= set(KEY_FIGURES)
    jsonschema.validate(gold, json_schema())


def test_unknown_fields_and_values_are_rejected():
    with pytest.raises(Exception, match="extra"):
        Disclosure.model_validate({"doc_id": "x", "surprise": 1})
    bad = {"doc_id": "x", "tables": [{"kind": "balance_sheet", "title": "t", "rows": []}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())
    bad_code = {
        "doc_id": "x",
        "tables": [{"kind": "other", "title": "t", "rows": [{"code": "20 1", "name": "n"}]}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_code, json_schema())


def test_error_record_shape():
    record = Disclosure(doc_id="a", error={"type": "IngestError", "message": "empty file"})
    data = json.loads(record.to_json())
    assert data["error"] == {"type": "IngestError", "message": "empty file"}
    assert data["projects"] == [] and data["key_figures"] == {}
    assert "error" not in json.loads(Disclosure(doc_id="b").to_json())


def test_labels_match_design():
    assert set(LABELS) == {
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
    }
