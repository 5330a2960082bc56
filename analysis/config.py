"""Paths used by the package: repository root, data, notebooks, reports, raw sources."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
NOTEBOOK_DIR = ROOT / "notebooks"
REPORT_DIR = ROOT / "reports"
DEFAULT_RAW_DIR = ROOT.parent / "shared" / "sources"

# The build sets this so that notebooks save figures and tables into the report being built.
OUTPUT_DIR_ENV = "ANALYSIS_OUTPUT_DIR"


def output_dir() -> Path:
    """Return the folder where figures and tables are saved (the report being built)."""
    return Path(os.environ.get(OUTPUT_DIR_ENV, REPORT_DIR))
