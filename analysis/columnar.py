"""Large curated tables as Parquet: written byte-stably, validated column-wise on load.

A table of millions of rows cannot be checked cell by cell in Python within a second or
two, so :func:`read_table` checks each rule of the Table Schema on whole columns: types,
required values, enums and patterns on the distinct values, ranges on the column's
minimum and maximum, the primary key by sorting one integer key per row, foreign keys on
the distinct values. A problem is reported like any other (``file:row:column: expected …,
found …``), ``row`` being the 1-based row number in the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.errors import DataError, Problem

# Beyond this many bad rows in one column, the message gives a count instead.
ROWS_SHOWN = 5
_FORMULA = re.compile(r"[=+@]|-[^0-9. ]")
_ARROW_TYPES = {
    "string": pa.dictionary(pa.int32(), pa.string()),
    "integer": pa.int64(),
    "year": pa.int16(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def write_table(frame: pd.DataFrame, schema: Mapping[str, Any], path: Path) -> None:
    """Write a table as Parquet with types from its Table Schema, the same bytes every time.

    Text columns are dictionary-encoded, years are 16-bit, and the file is compressed with
    zstd; no pandas index or metadata is stored, so the bytes depend on the data only (and
    on the pinned pyarrow version).

    Parameters
    ----------
    frame
        The table, one column per schema field.
    schema
        Its Table Schema.
    path
        The file to write.
    """
    arrays = {}
    for f in schema["fields"]:
        kind = _ARROW_TYPES[f.get("type", "string")]
        col = frame[f["name"]]
        if pa.types.is_dictionary(kind):
            text = pa.array(col.astype("str"), pa.string(), from_pandas=True)
            arrays[f["name"]] = text.dictionary_encode()
        else:
            arrays[f["name"]] = pa.array(col.to_numpy(), kind)
    table = pa.table(arrays)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=9,
        write_statistics=False,
        store_schema=False,
    )


def _rows(mask: np.ndarray) -> list[int]:
    return (np.flatnonzero(mask)[:ROWS_SHOWN] + 1).tolist()


def _report(
    problems: list[Problem],
    file: str,
    col: str,
    mask: np.ndarray,
    expected: str,
    found: pd.Series | np.ndarray,
) -> None:
    """Add one problem per bad row (the first few) and a count of the others."""
    bad = np.flatnonzero(mask)
    values = np.asarray(found)
    for i in bad[:ROWS_SHOWN]:
        value = values[i].item() if isinstance(values[i], np.generic) else values[i]
        problems.append(Problem(file, int(i) + 1, col, expected, repr(value)))
    if len(bad) > ROWS_SHOWN:
        problems.append(
            Problem(file, None, col, expected, f"{len(bad) - ROWS_SHOWN} more rows like these")
        )


def _check_strings(
    problems: list[Problem], file: str, field: Mapping[str, Any], values: pd.Series
) -> None:
    """Check a text column's enum, pattern and formula rules on its distinct values."""
    col, cons = field["name"], field.get("constraints", {})
    distinct = pd.unique(values.dropna())
    bad: dict[str, str] = {}
    for v in distinct:
        if "enum" in cons and v not in cons["enum"]:
            bad[v] = f"one of {', '.join(map(str, cons['enum']))}"
        elif "pattern" in cons and not re.fullmatch(cons["pattern"], v):
            bad[v] = f"text matching {cons['pattern']}"
        elif _FORMULA.match(v):
            bad[v] = "plain text"
    for v, expected in bad.items():
        _report(problems, file, col, (values == v).to_numpy(), expected, values.to_numpy())


def _check_values(
    problems: list[Problem], file: str, field: Mapping[str, Any], values: pd.Series
) -> None:
    """Check a typed (non-text) column's enum and pattern rules on its distinct values."""
    col, cons = field["name"], field.get("constraints", {})
    if "enum" not in cons and "pattern" not in cons:
        return
    for v in pd.unique(values.dropna()):
        item = v.item() if isinstance(v, np.generic) else v
        if "enum" in cons and item not in cons["enum"]:
            expected = f"one of {', '.join(map(str, cons['enum']))}"
        elif "pattern" in cons and not re.fullmatch(cons["pattern"], str(item)):
            expected = f"text matching {cons['pattern']}"
        else:
            continue
        _report(problems, file, col, (values == v).to_numpy(), expected, values.to_numpy())


def _check_key(problems: list[Problem], file: str, frame: pd.DataFrame, key: list[str]) -> None:
    """Report rows whose primary key repeats an earlier row's (one sort of an int64 key)."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for col in key:
        codes, uniques = pd.factorize(frame[col], sort=False)
        if combined.max(initial=0) >= np.iinfo(np.int64).max // (len(uniques) + 1):
            # Too many distinct keys for one int64: number the combinations seen so far.
            combined = pd.factorize(combined)[0].astype(np.int64)
        combined = combined * (len(uniques) + 1) + codes
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    repeat = np.zeros(len(frame), dtype=bool)
    repeat[order[1:][ordered[1:] == ordered[:-1]]] = True
    if repeat.any():
        shown = frame[key].astype("str").agg("=".join, axis=1) if repeat.sum() < 1000 else None
        found = shown.to_numpy() if shown is not None else np.full(len(frame), "a repeated key")
        _report(problems, file, ",".join(key), repeat, "a unique key", found)


def read_table(
    path: Path,
    schema: Mapping[str, Any],
    *,
    file: str,
    lookups: Mapping[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Read a Parquet table and validate it column-wise against its Table Schema.

    Parameters
    ----------
    path
        The Parquet file.
    schema
        Its Table Schema.
    file
        The name used in messages.
    lookups
        For each foreign-key field, the allowed values.

    Returns
    -------
    pandas.DataFrame
        One column per field, in schema order: text as ``str``, integers as ``int64``,
        booleans as ``bool``; every row of the file.

    Raises
    ------
    DataError
        Naming file, row, column, what was expected and what was found.
    """
    if not path.is_file():
        raise DataError(Problem(file, None, None, "an existing file", "no such file"))
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as err:
        raise DataError(Problem(file, None, None, "a Parquet file", str(err))) from None
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    pk = schema.get("primaryKey", [])
    primary_key = [pk] if isinstance(pk, str) else list(pk)
    if table.column_names != names:
        raise DataError(
            Problem(
                file, None, None, f"the columns {', '.join(names)}", ", ".join(table.column_names)
            )
        )
    if table.num_rows == 0:
        raise DataError(Problem(file, None, None, "at least one row", "none"))
    problems: list[Problem] = []
    columns = {}
    for f in fields:
        col, ftype = f["name"], f.get("type", "string")
        cons = f.get("constraints", {})
        arr = table.column(col)
        want = _ARROW_TYPES.get(ftype)
        if want is None:
            expected = f"a type a Parquet table may hold ({', '.join(_ARROW_TYPES)})"
            problems.append(Problem(file, None, col, expected, ftype))
            continue
        is_text = pa.types.is_string(arr.type) or (
            pa.types.is_dictionary(arr.type) and pa.types.is_string(arr.type.value_type)
        )
        if (ftype == "string") != is_text or (ftype != "string" and arr.type != want):
            problems.append(Problem(file, None, col, f"a {ftype} column", str(arr.type)))
            continue
        if ftype == "string":
            arr = pc.cast(arr, pa.string())
        series = arr.to_pandas()
        if ftype in ("integer", "year"):
            series = series.astype("int64") if arr.null_count == 0 else series.astype("Int64")
        if cons.get("required") or col in primary_key:
            # NaN is no value either (the CSV loader refuses "nan" the same way).
            _report(problems, file, col, series.isna().to_numpy(), "a value", series.to_numpy())
        if ftype == "string":
            series = series.astype("str")
            _check_strings(problems, file, f, series)
        else:
            _check_values(problems, file, f, series)
        if ftype in ("integer", "year", "number"):
            values = series.to_numpy(dtype="float64", na_value=np.nan)
            if ftype == "number":
                _report(problems, file, col, np.isinf(values), "a finite number", values)
            if "minimum" in cons:
                _report(
                    problems,
                    file,
                    col,
                    values < cons["minimum"],
                    f"a value >= {cons['minimum']}",
                    series.to_numpy(),
                )
            if "maximum" in cons:
                _report(
                    problems,
                    file,
                    col,
                    values > cons["maximum"],
                    f"a value <= {cons['maximum']}",
                    series.to_numpy(),
                )
        columns[col] = series
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(columns)
    if primary_key:
        _check_key(problems, file, frame, primary_key)
    for fk in schema.get("foreignKeys", []):
        col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        allowed = (lookups or {}).get(col)
        if allowed is None:
            continue
        distinct = set(pd.unique(frame[col].dropna()))
        for v in sorted(distinct - allowed):
            _report(
                problems,
                file,
                col,
                (frame[col] == v).to_numpy(),
                f"a code listed in {fk['reference']['resource']}",
                frame[col].to_numpy(),
            )
    if problems:
        raise DataError(problems)
    return frame
