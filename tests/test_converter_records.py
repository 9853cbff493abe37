"""benchmarks/converter_records.py: generated disclosures rendered to PDF, read back by a
converter, and the record of its text scored against the generator's gold."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT


def test_records_from_pdfium_text_are_scored_per_family(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import converter_records
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out = tmp_path / "records.md"
    text = converter_records.main(
        ["--docs", "2", "--converters", "pdfium", "--work", str(tmp_path), "--out", str(out)]
    )
    assert out.read_text(encoding="utf-8") == text
    rows = [line.split("|") for line in text.splitlines() if line.startswith("| pdfium |")]
    assert rows, text
    for row in rows:
        docs, key_figures, tables = int(row[3]), float(row[4]), float(row[5])
        projects, indicators = float(row[6]), float(row[7])
        # two budgets as pypdfium2 reads them (what `budget-ie` ingests a PDF with)
        assert docs >= 1 and key_figures >= 0.95 and tables >= 0.9, text
        assert projects >= 0.9 and indicators > 0.5, text
    assert "left out: none" in text
    # a rerun reads the conversions back
    assert (
        converter_records.main(
            ["--docs", "2", "--converters", "pdfium", "--work", str(tmp_path), "--out", str(out)]
        ).splitlines()[6:]
        == text.splitlines()[6:]
    )
