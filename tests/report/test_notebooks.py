import ast

import nbformat
import pytest

from analysis.report import notebooks

NOTEBOOKS = notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_a_title_then_one_import_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = "\n".join(ln for ln in code[0].source.splitlines() if not ln.startswith("%"))
    assert all(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.parse(first).body)
    for cell in code[1:]:
        tree = ast.parse(cell.source)
        # Imports live in the first cell; functions live in the package.
        assert not any(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(tree))
        assert not any(isinstance(n, ast.FunctionDef | ast.ClassDef) for n in ast.walk(tree))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ends_with_its_data_and_sources(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[-2].source.strip() == "## Data and sources"
    assert "data.sources_for(" in nb.cells[-1].source
