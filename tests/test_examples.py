"""The example notebook runs from top to bottom with the public API and draws its figure."""

from __future__ import annotations

import pytest

from tests.builders import ROOT

NOTEBOOK = ROOT / "examples" / "caracas.ipynb"


def test_caracas_notebook_runs_and_draws_its_figure(monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    monkeypatch.setenv("IADSIM_NOTEBOOK_N", "3")  # a handful of replications: seconds
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError with the cell and traceback on any error
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # the figure
    text = "".join(
        str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs
    )
    assert "3 replications:" in text and "P(at least one)" in text
    assert "LINK_DOWN" in text or "IN_STORAGE" in text  # the ledger says why chains broke
