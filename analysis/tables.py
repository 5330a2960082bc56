"""Tables for the report: deterministic CSV exports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.config import output_dir


def save_table(df: pd.DataFrame, name: str, out_dir: Path | None = None) -> Path:
    """Save a table as CSV, byte-identical from one build to the next.

    Parameters
    ----------
    df
        The table; its index is not written.
    name
        File name without extension.
    out_dir
        The report folder; ``tables/`` is created in it. Defaults to the report being built.

    Returns
    -------
    pathlib.Path
        The CSV file.
    """
    folder = (out_dir or output_dir()) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    df.to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return path
