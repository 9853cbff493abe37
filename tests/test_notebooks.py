"""The notebooks in notebooks/ run top to bottom on a fresh kernel, as a researcher would run them.

Each is executed with nbclient in its own folder (as Jupyter does), with TMPDIR pointed at the
test's tmp_path so what the notebook writes is cleaned up. Stored notebooks carry no outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run notebook `name` and return it with its outputs."""
    # The kernel inherits the environment: tempfile.mkdtemp() in the notebook lands in tmp_path.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    return nb


def _outputs(nb) -> list[dict]:
    return [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]


def _text(nb) -> str:
    parts = []
    for out in _outputs(nb):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["01_quickstart.ipynb", "02_train_and_evaluate.ipynb"])
def test_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook with no code"
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_quickstart_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("01_quickstart.ipynb", tmp_path, monkeypatch)
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # The chart is drawn (an inline PNG), and the tidy tables were shown.
    assert any("image/png" in o.get("data", {}) for o in outputs)
    text = _text(nb)
    for table in ("key_figures", "indicators", "redactions"):
        assert table in text
    assert "expense_by_function" in text


def test_train_and_evaluate_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = _execute("02_train_and_evaluate.ipynb", tmp_path, monkeypatch)
    reports = list(tmp_path.glob("budget-ie-notebook-*/report/index.html"))
    assert len(reports) == 1
    assert "<svg" in reports[0].read_text(encoding="utf-8")
    model = reports[0].parents[1] / "model"
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["train_docs"] == 3
    # The notebook told the reader where the report is.
    assert reports[0].as_uri() in _text(nb)
