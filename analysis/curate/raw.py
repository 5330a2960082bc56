"""Read raw source files safely: checksum, exact header, strict CSV, recorded corrections."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from analysis.data import read_csv_text
from analysis.errors import DataError, Problem

Log = Callable[[str], None]


def sha256(path: Path) -> str:
    """Return the hexadecimal SHA-256 digest of a file.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        64 hexadecimal characters.
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_raw(
    raw_dir: Path,
    registry: pd.DataFrame,
    source_id: str,
    columns: Sequence[str],
    *,
    delimiter: str = ",",
) -> pd.DataFrame:
    """Read a registered raw CSV as text after checking its checksum and header.

    Parameters
    ----------
    raw_dir
        The raw sources folder (``../shared/sources`` by default).
    registry
        The sources register (``data/sources.csv``), indexed by ``source_id``.
    source_id
        The source to read; its ``raw_path`` and ``raw_sha256`` locate and pin the file.
    columns
        The exact header expected, in order.
    delimiter
        The field separator.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (blank cells are empty strings), every row of the file.

    Raises
    ------
    DataError
        If the file is missing, changed since it was registered, or its header differs.
    """
    path = _checked_path(raw_dir, registry, source_id)
    header, rows = read_csv_text(path, delimiter=delimiter)
    if header != list(columns):
        raise DataError(
            Problem(str(path), 1, None, f"the header {','.join(columns)}", ",".join(header))
        )
    return pd.DataFrame(rows, columns=header, dtype="str")


def _checked_path(raw_dir: Path, registry: pd.DataFrame, source_id: str) -> Path:
    """Return a registered raw file's path after checking that it exists and is unchanged."""
    entry = registry.loc[source_id]
    path = raw_dir / entry["raw_path"]
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, f"the raw file of {source_id}", "no file"))
    digest = sha256(path)
    if digest != entry["raw_sha256"]:
        raise DataError(
            Problem(
                str(path),
                None,
                None,
                f"sha256 {entry['raw_sha256']} as registered in data/sources.csv "
                "(review the new file, then update its row)",
                digest,
            )
        )
    return path


def read_raw_columnar(
    raw_dir: Path, registry: pd.DataFrame, source_id: str, columns: Sequence[str]
) -> pd.DataFrame:
    """Read a large registered raw CSV (optionally gzip) as text columns with pyarrow.

    The same checks as :func:`read_raw` (checksum, exact header, one record per line, every
    row with as many fields as the header), but columnar: millions of rows in seconds,
    without a Python object per cell.

    Parameters
    ----------
    raw_dir
        The raw sources folder.
    registry
        The sources register, indexed by ``source_id``.
    source_id
        The source to read.
    columns
        The exact header expected, in order.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (blank cells are empty strings), every row of the file.

    Raises
    ------
    DataError
        If the file is missing, changed, has another header or a malformed row.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    path = _checked_path(raw_dir, registry, source_id)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(columns))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as err:
        raise DataError(Problem(str(path), None, None, "well-formed CSV", str(err))) from None
    header = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    if header != list(columns):
        raise DataError(
            Problem(str(path), 1, None, f"the header {','.join(columns)}", ",".join(header))
        )
    frame = table.slice(1).rename_columns(header).to_pandas()
    return frame.astype("str")


def apply_corrections(
    frame: pd.DataFrame, corrections: pd.DataFrame, source_id: str, *, file: str, log: Log
) -> pd.DataFrame:
    """Apply the recorded corrections for one source to its raw text table.

    Each correction names a key column and value that select rows, the column to change,
    the value it must hold now and the new value. A correction that selects no row, or
    whose old value no longer matches, is stale and stops the rebuild.

    Parameters
    ----------
    frame
        The raw table as text.
    corrections
        The corrections table (``data/corrections.csv``).
    source_id
        Only corrections for this source are applied.
    file
        The raw file's name, for error messages.
    log
        Receives one line per correction applied.

    Returns
    -------
    pandas.DataFrame
        A corrected copy; the input is left unchanged.
    """
    out = frame.copy()
    for _, c in corrections[corrections["source_id"] == source_id].iterrows():
        hit = out[c["key_column"]] == str(c["key_value"])
        old = "" if pd.isna(c["old_value"]) else str(c["old_value"])
        if not hit.any() or not (out.loc[hit, c["column"]] == old).all():
            raise DataError(
                Problem(
                    file,
                    None,
                    c["column"],
                    f"{old!r} where {c['key_column']} = {c['key_value']} "
                    f"(correction {c['correction_id']} in data/corrections.csv)",
                    "no such row, or another value: the correction is stale",
                )
            )
        out.loc[hit, c["column"]] = str(c["new_value"])
        log(
            f"  correction {c['correction_id']}: {c['column']} {old!r} -> {c['new_value']!r} "
            f"on {int(hit.sum())} row(s) where {c['key_column']} = {c['key_value']}"
        )
    return out


def refuse_rows(
    frame: pd.DataFrame, bad: pd.Series, column: str, expected: str, *, file: str
) -> None:
    """Stop with every row of a raw table where ``bad`` is true, naming row and column.

    Parameters
    ----------
    frame
        The raw table, in file order (its index gives the line: index + 2).
    bad
        A boolean Series aligned with ``frame``.
    column
        The column whose cell is shown.
    expected
        What the cell should have been.
    file
        The raw file's name.

    Raises
    ------
    DataError
        If any row is bad.
    """
    rows = frame.index[bad.to_numpy()]
    if len(rows):
        raise DataError(
            [Problem(file, int(i) + 2, column, expected, repr(frame.at[i, column])) for i in rows]
        )


def to_number(frame: pd.DataFrame, column: str, *, file: str) -> pd.Series:
    """Convert a text column of a raw table to float, blanks to NaN, naming any bad cell.

    Parameters
    ----------
    frame
        The raw table as text, in file order.
    column
        The column to convert.
    file
        The raw file's name, for error messages.

    Returns
    -------
    pandas.Series
        Floats, NaN where the cell was blank.
    """
    values = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    refuse_rows(frame, values.isna() & (frame[column] != ""), column, "a number", file=file)
    return values.astype("float64")


MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def month_end(year: int, month: int) -> str:
    """Return the last day of a month as an ISO date.

    Parameters
    ----------
    year, month
        The month (1–12).

    Returns
    -------
    str
        For example ``"2025-01-31"``.

    Examples
    --------
    >>> month_end(2024, 2)
    '2024-02-29'
    """
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date().isoformat()


def grade_letter(reliability: str, *, file: str, row: int) -> str:
    """Return the grade (A, B or C) at the start of a transcribed figure's reliability cell.

    Parameters
    ----------
    reliability
        The cell, for example ``"B (official figure via press)"``.
    file, row
        Where it was read, for the error message.

    Returns
    -------
    str
        ``"A"``, ``"B"`` or ``"C"``.

    Raises
    ------
    DataError
        If the cell does not start with one of them.
    """
    grade = reliability[:1]
    if grade not in ("A", "B", "C") or reliability[1:2] not in ("", " "):
        raise DataError(Problem(file, row, "reliability", "a grade A, B or C", repr(reliability)))
    return grade


def first_by_rank(frame: pd.DataFrame, ranks: list[pd.Series], keys: list[str]) -> pd.Series:
    """Mark, in each group of rows sharing ``keys``, the row that ranks first.

    Parameters
    ----------
    frame
        The table.
    ranks
        Sort keys aligned with ``frame``, most important first (lower is better); ties
        keep file order.
    keys
        The columns that make rows compete (for example period, basis and flow).

    Returns
    -------
    pandas.Series
        Boolean, aligned with ``frame``: true for the preferred row of each group.
    """
    names = [f"_rank{i}" for i in range(len(ranks))]
    order = frame.assign(**dict(zip(names, ranks, strict=True))).sort_values(
        names, kind="mergesort"
    )
    return (~order.duplicated(keys)).reindex(frame.index)


def positive(frame: pd.DataFrame, column: str, *, file: str) -> pd.Series:
    """Convert a raw column to numbers and refuse blanks, zeros and negative values by row."""
    values = to_number(frame, column, file=file)
    refuse_rows(frame, values.isna() | (values <= 0), column, "a positive number", file=file)
    return values
