"""What a curated table is: its schema, its sources and the function that derives it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.curate.raw import Log, apply_corrections, read_raw, read_raw_columnar


@dataclass
class RawContext:
    """Everything a table builder may read: raw folder, sources, corrections, other registers."""

    raw_dir: Path
    registry: pd.DataFrame
    corrections: pd.DataFrame
    log: Log
    registers: dict[str, pd.DataFrame] = field(default_factory=dict)
    cache: dict[str, pd.DataFrame] = field(default_factory=dict)

    def read(self, source_id: str, columns: list[str], *, delimiter: str = ",") -> pd.DataFrame:
        """Read a registered raw file (checksum and header checked), corrections applied.

        Parameters
        ----------
        source_id
            The source's key in ``data/sources.csv``.
        columns
            The exact header expected.
        delimiter
            The field separator.

        Returns
        -------
        pandas.DataFrame
            The raw table as text.
        """
        if source_id not in self.cache:
            frame = read_raw(self.raw_dir, self.registry, source_id, columns, delimiter=delimiter)
            self.log(f"  read {self.path(source_id)}: {len(frame)} rows")
            self.cache[source_id] = apply_corrections(
                frame, self.corrections, source_id, file=self.path(source_id), log=self.log
            )
        return self.cache[source_id]

    def read_columnar(self, source_id: str, columns: list[str]) -> pd.DataFrame:
        """Read a large registered raw file column-wise (checksum and header checked).

        Corrections are applied as for :meth:`read`.

        Parameters
        ----------
        source_id
            The source's key in ``data/sources.csv``.
        columns
            The exact header expected.

        Returns
        -------
        pandas.DataFrame
            The raw table as text.
        """
        if source_id not in self.cache:
            frame = read_raw_columnar(self.raw_dir, self.registry, source_id, columns)
            self.log(f"  read {self.path(source_id)}: {len(frame)} rows")
            self.cache[source_id] = apply_corrections(
                frame, self.corrections, source_id, file=self.path(source_id), log=self.log
            )
        return self.cache[source_id]

    def path(self, source_id: str) -> str:
        """Return the raw file's path as shown in messages (relative to the raw folder).

        Parameters
        ----------
        source_id
            The source's key.

        Returns
        -------
        str
            The path.
        """
        return str(self.registry.loc[source_id, "raw_path"])


@dataclass(frozen=True)
class TableSpec:
    """A curated table: name, description, schema, sources and its builder."""

    name: str
    title: str
    description: str
    schema: dict[str, Any]
    sources: tuple[str, ...]
    build: Callable[[RawContext], pd.DataFrame] | None = None
    sort_by: tuple[str, ...] = ()
    # "csv", or "parquet" for a table too large to keep as text (read and validated
    # column-wise by analysis.data.load).
    format: str = "csv"
