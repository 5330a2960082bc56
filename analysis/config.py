"""Paths used by the package: data, notebooks, reports and raw sources.

Two layouts are supported:

- **A checkout** of the repository (made importable by the Makefile's ``.pth`` file or an
  editable install): the data and notebooks are the repository's own ``data/`` and
  ``notebooks/`` folders, reports go to ``reports/`` at its top, and the raw source files
  are looked for in ``../shared/sources`` beside it.
- **An installed package** (``pip install .``, a wheel): the same data and notebooks are
  shipped inside the package as ``analysis/_data/`` and ``analysis/_notebooks/`` and found
  with :mod:`importlib.resources`; reports go to ``./reports`` under the current
  directory; there is no default raw sources folder (``data rebuild`` needs ``--raw``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_PARENT = Path(__file__).resolve().parent.parent


def _is_checkout(folder: Path) -> bool:
    """Tell whether ``folder`` is the repository: its project file beside its data package."""
    return (folder / "pyproject.toml").is_file() and (
        folder / "data" / "datapackage.json"
    ).is_file()


#: True when the package runs from a checkout of the repository, False when installed.
CHECKOUT = _is_checkout(_PARENT)


def _packaged(name: str) -> Path:
    """Return a folder shipped inside the installed package (``analysis/<name>``)."""
    folder = resources.files("analysis") / name
    # Wheels install as plain files; a zipped import would give a path-like without a file.
    return folder if isinstance(folder, Path) else Path(str(folder))


#: The repository's top folder in a checkout; ``None`` when the package is installed.
ROOT: Path | None = _PARENT if CHECKOUT else None
if ROOT is not None:
    DATA_DIR = ROOT / "data"
    NOTEBOOK_DIR = ROOT / "notebooks"
    REPORT_DIR = ROOT / "reports"
    DEFAULT_RAW_DIR: Path | None = ROOT.parent / "shared" / "sources"
else:
    DATA_DIR = _packaged("_data")
    NOTEBOOK_DIR = _packaged("_notebooks")
    REPORT_DIR = Path.cwd() / "reports"
    DEFAULT_RAW_DIR = None

# The build sets this so that notebooks save figures and tables into the report being built.
OUTPUT_DIR_ENV = "ANALYSIS_OUTPUT_DIR"
#: A private folder where :func:`analysis.readers.formats.load_files` keeps what it read,
#: so that a build's check and its notebook read a large download once, not twice.
READ_MEMO_ENV = "ANALYSIS_READ_MEMO"
#: A private folder where :func:`analysis.memo.memoised` keeps long results (the gravity
#: model's draws) for the other notebooks of the same build.
MEMO_ENV = "ANALYSIS_MEMO"


def output_dir() -> Path:
    """Return the folder where figures and tables are saved (the report being built)."""
    return Path(os.environ.get(OUTPUT_DIR_ENV, REPORT_DIR))
