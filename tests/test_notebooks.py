"""Every notebook in notebooks/ runs top to bottom on the real corpus without an error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import DATA, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LBPGRAPH_DATA", str(DATA))
    monkeypatch.setenv("LBPGRAPH_BUILD", str(tmp_path / "build"))
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {})) for o in outputs)
    assert "bw-unloads-discs" in text and "<table>" in text
    assert '<iframe srcdoc="&lt;!DOCTYPE html&gt;' in text and "Dufek JS et al. 2011" in text


def test_notebooks_are_committed_without_outputs() -> None:
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), path.name


def test_the_readme_introduces_the_notebook_and_its_first_cell_says_what_to_run() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^(\.venv/bin/jupyter nbconvert .*)$", readme, re.M)
    first = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4).cells[0]
    assert first.cell_type == "markdown" and "To run it" in first.source and command in first.source


def test_jupyter_nbconvert_runs_the_notebook_as_the_readme_says(tmp_path: Path) -> None:
    """The README's command, with the venv's own jupyter (nbconvert is in the test extra)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [command] = re.findall(r"^\.venv/bin/jupyter (nbconvert .*) --output-dir build/$", readme, re.M)
    jupyter = Path(sys.executable).parent / "jupyter"
    env = {**os.environ, "LBPGRAPH_DATA": str(DATA), "LBPGRAPH_BUILD": str(tmp_path / "build")}
    done = subprocess.run([str(jupyter), *command.split(), "--output-dir", str(tmp_path / "out")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    executed = nbformat.read(tmp_path / "out" / "explore.ipynb", as_version=4)
    assert not [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert "bw-reduces-lbp" in str([c.outputs for c in executed.cells if "project.search" in c.source])
