import ast
import subprocess
import sys

import nbformat
import pytest

from analysis.config import NOTEBOOK_DIR, ROOT
from analysis.report import notebooks, read

NOTEBOOKS = notebooks()
# Every notebook the suite stores: the numbered report and the pair report.
STORED = sorted(NOTEBOOK_DIR.rglob("*.md"))


def test_notebooks_are_stored_as_myst_markdown_only():
    assert NOTEBOOKS and NOTEBOOK_DIR / "pair" / "pair_report.md" in STORED
    assert not list(NOTEBOOK_DIR.rglob("*.ipynb"))
    for path in STORED:
        header = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        assert "format_name: myst" in header and "name: python3" in header, path.name


@pytest.mark.parametrize("path", STORED, ids=lambda p: p.name)
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=" ".join)
def test_code_cells_pass_ruff(path, command):
    # ruff reads the code cells as a notebook on stdin; the file name selects the
    # notebooks' rules in pyproject.toml.
    name = path.relative_to(ROOT).with_suffix(".ipynb").as_posix()
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--stdin-filename", name, "-"],
        input=nbformat.writes(read(path)), capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_a_title_then_one_import_cell(path):
    nb = read(path)
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
    nb = read(path)
    assert nb.cells[-2].source.strip() == "## Data and sources"
    assert "data.sources_for(" in nb.cells[-1].source
