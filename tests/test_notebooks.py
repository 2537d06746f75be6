"""The notebooks in examples/notebooks run from top to bottom and show what they promise.

Each is executed with nbclient in a fresh kernel (its cells assert the published figures
they reproduce: FIIAPP 2018 for the 2017 results, UNODC/DEVIDA for the national series, the
flat formula for the police year-end balance); the repository copies hold no outputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "examples" / "notebooks"
NAMES = ("reproduce-2017.ipynb", "uncertainty-and-provenance.ipynb", "your-own-data.ipynb")


def test_there_are_the_three_notebooks_and_their_outputs_are_stripped() -> None:
    assert tuple(sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))) == NAMES
    for name in NAMES:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{name}: strip the outputs"
                assert cell.execution_count is None, name
                assert "execution" not in cell.metadata, name


def _outputs(notebook: Any, mime: str) -> list[str]:
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if mime in data:
                found.append(data[mime])
            elif mime == "text/plain" and output.get("output_type") == "stream":
                found.append(output["text"])
    return found


@pytest.fixture(scope="module", params=NAMES)
def executed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    notebook = nbformat.read(NOTEBOOKS / request.param, as_version=4)
    where = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(
        notebook,
        timeout=300,
        startup_timeout=300,  # a kernel may take over the default minute on a loaded machine
        kernel_name="python3",
        resources={"metadata": {"path": where}},
    )
    with pytest.MonkeyPatch.context() as env:
        # A notebook shows figures inline whatever backend the test run sets (CI sets Agg).
        env.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        client.execute()  # raises CellExecutionError, naming the cell, when a cell fails
    return request.param, notebook


def test_each_notebook_runs_and_shows_html_tables_and_a_figure(executed: Any) -> None:
    name, notebook = executed
    html = _outputs(notebook, "text/html")
    assert html, f"{name}: no rich display"
    assert any("<table" in h for h in html), name
    assert _outputs(notebook, "image/png"), f"{name}: no figure"
    text = "\n".join(_outputs(notebook, "text/html") + _outputs(notebook, "text/plain"))
    expected = {
        # FIIAPP, 1 Feb 2018: 324 laboratories, 22,165 ha, "up to 204.8 tonnes".
        "reproduce-2017.ipynb": ["204.8 t", "324", "SeizureTable", "OperationTable"],
        # The flat formula: 22,885 ha x 2,415 kg/ha / 258.6 / 1000 = 213.7 t.
        "uncertainty-and-provenance.ipynb": ["213.7 t", "pe-gov-2022", "Citations"],
        "your-own-data.ipynb": ["OperationTable", "OUT-3", "airstrips_destroyed"],
    }[name]
    for snippet in expected:
        assert snippet in text, (name, snippet)
