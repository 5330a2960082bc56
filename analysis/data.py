"""Load curated tables from the data package, validated against their Table Schema.

Every table in ``data/`` is described in ``data/datapackage.json`` (a Frictionless
Data Package). :func:`load` reads a table, checks every cell against its schema
(types, required values, ranges, allowed codes, patterns, unique keys and foreign
keys) and returns a typed DataFrame. Any failure raises :class:`DataError` naming
the file, the row, the column and what was expected. No row is ever dropped.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.config import DATA_DIR
from analysis.errors import DataError, Problem

__all__ = [
    "DataError",
    "citation",
    "country_name",
    "files_read",
    "load",
    "package",
    "sources_for",
    "parse_table",
    "read_csv_text",
    "source_table",
    "table_names",
]

_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Text a spreadsheet would evaluate: =…, +…, @…, or - followed by something not a number.
_FORMULA = re.compile(r"[=+@]|-[^0-9. ]")
_BOOLEAN = {"true": True, "false": False}
# Longer cells are refused before parsing: no curated value needs more, and a giant
# number must not hang the parser.
MAX_CELL_CHARS = 2000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def read_csv_text(path: Path, *, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    """Read a UTF-8 CSV file (optionally gzip-compressed) strictly: header and rows as text.

    Parameters
    ----------
    path
        The CSV file.
    delimiter
        The field separator (some raw sources use ``;``).

    Returns
    -------
    tuple
        The header (list of column names) and the data rows (lists of cells).

    Raises
    ------
    DataError
        If the file is missing, empty, not UTF-8, or a row has the wrong number of fields.
    """
    name = str(path)
    if not path.is_file():
        raise DataError(Problem(name, None, None, "an existing file", "no such file"))
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise DataError(Problem(name, None, None, "a complete gzip file", str(err))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            Problem(name, line, None, "UTF-8 text", f"byte 0x{raw[err.start]:02x}")
        ) from None
    if text.startswith("\ufeff"):
        raise DataError(
            Problem(name, 1, None, "UTF-8 text without a byte-order mark", "a byte-order mark")
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        for row in reader:
            if len(rows) + 1 != reader.line_num:
                # A quoted line break would shift every later row number in our messages.
                raise DataError(
                    Problem(name, len(rows) + 1, None, "one record per line", "a line break "
                            "inside a quoted cell")
                )  # fmt: skip
            rows.append(row)
    except csv.Error as err:
        raise DataError(Problem(name, reader.line_num, None, "well-formed CSV", str(err))) from None
    if not rows:
        raise DataError(Problem(name, None, None, "a header row", "an empty file"))
    header, body = rows[0], rows[1:]
    problems = [
        Problem(name, i + 2, None, f"{len(header)} fields as in the header", f"{len(row)}")
        for i, row in enumerate(body)
        if len(row) != len(header)
    ]
    if problems:
        raise DataError(problems)
    return header, body


def _convert(
    values: list[str], field: Mapping[str, Any], name: str, problems: list[Problem]
) -> pd.Series:
    """Convert one column of text cells to the field's type, recording every bad cell."""
    ftype = field.get("type", "string")
    col = field["name"]
    cons = field.get("constraints", {})
    out: list[Any] = []
    for i, cell in enumerate(values):
        line = i + 2
        if len(cell) > MAX_CELL_CHARS:
            problems.append(
                Problem(name, line, col, f"at most {MAX_CELL_CHARS} characters", f"{len(cell)}")
            )
            out.append(None)
            continue
        if cell == "":
            if cons.get("required"):
                problems.append(Problem(name, line, col, "a value", "a blank cell"))
            out.append(None)
            continue
        value: Any = cell
        if ftype == "string" and _FORMULA.match(cell):
            # A spreadsheet would run it: refuse rather than pass it on to an export.
            problems.append(Problem(name, line, col, "plain text", f"a formula {cell[:40]!r}"))
            out.append(None)
            continue
        if ftype == "integer" or ftype == "year":
            if not _INTEGER.fullmatch(cell):
                article = "an" if ftype == "integer" else "a"
                problems.append(
                    Problem(name, line, col, f"{article} {ftype} (digits only)", repr(cell))
                )
                value = None
            elif not INT64_MIN <= int(cell) <= INT64_MAX:
                problems.append(Problem(name, line, col, "a 64-bit integer", f"{len(cell)} digits"))
                value = None
            else:
                value = int(cell)
        elif ftype == "number":
            if not _NUMBER.fullmatch(cell):
                problems.append(
                    Problem(name, line, col, "a number like 1234.5 (no separators)", repr(cell))
                )
                value = None
            elif not np.isfinite(float(cell)):
                problems.append(Problem(name, line, col, "a finite number", repr(cell)))
                value = None
            else:
                value = float(cell)
        elif ftype == "boolean":
            if cell not in _BOOLEAN:
                problems.append(Problem(name, line, col, "true or false", repr(cell)))
                value = None
            else:
                value = _BOOLEAN[cell]
        elif ftype == "date":
            if not _DATE.fullmatch(cell):
                problems.append(Problem(name, line, col, "a date YYYY-MM-DD", repr(cell)))
                value = None
            else:
                try:
                    np.datetime64(cell, "D")
                except ValueError:
                    problems.append(Problem(name, line, col, "a valid calendar date", repr(cell)))
                    value = None
        if value is not None:
            _check_constraints(value, cell, cons, name, line, col, problems)
        out.append(value)
    return _typed_series(out, ftype, col)


def _check_constraints(
    value: Any,
    cell: str,
    cons: Mapping[str, Any],
    name: str,
    line: int,
    col: str,
    problems: list[Problem],
) -> None:
    """Record a problem for each constraint the value breaks."""
    if "enum" in cons and value not in cons["enum"]:
        allowed = ", ".join(map(str, cons["enum"]))
        problems.append(Problem(name, line, col, f"one of {allowed}", repr(cell)))
    if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
        problems.append(Problem(name, line, col, f"text matching {cons['pattern']}", repr(cell)))
    if "minimum" in cons and value < cons["minimum"]:
        problems.append(Problem(name, line, col, f"a value >= {cons['minimum']}", cell))
    if "maximum" in cons and value > cons["maximum"]:
        problems.append(Problem(name, line, col, f"a value <= {cons['maximum']}", cell))


def _typed_series(values: list[Any], ftype: str, col: str) -> pd.Series:
    """Build a pandas Series of the dtype that matches a Table Schema type."""
    if ftype in ("integer", "year"):
        has_na = any(v is None for v in values)
        return pd.Series(values, name=col, dtype="Int64" if has_na else "int64")
    if ftype == "number":
        return pd.Series([np.nan if v is None else v for v in values], name=col, dtype="float64")
    if ftype == "boolean":
        return pd.Series(values, name=col, dtype="boolean")
    if ftype == "date":
        # Second resolution reaches back past year 1677, which milestone dates need.
        arr = np.array(["NaT" if v is None else v for v in values], dtype="datetime64[s]")
        return pd.Series(arr, name=col)
    return pd.Series(values, name=col, dtype="str")


def parse_table(
    header: list[str],
    rows: list[list[str]],
    schema: Mapping[str, Any],
    *,
    file: str,
    lookups: Mapping[str, set[str]] | None = None,
) -> pd.DataFrame:
    """Validate text rows against a Table Schema and return them as a typed DataFrame.

    Parameters
    ----------
    header, rows
        The CSV header and data rows, as returned by :func:`read_csv_text`.
    schema
        A Frictionless Table Schema (``fields``, optional ``primaryKey`` and ``foreignKeys``).
    file
        The file name used in error messages.
    lookups
        For each foreign-key field, the set of allowed values (the referenced table's keys).

    Returns
    -------
    pandas.DataFrame
        One column per schema field, in schema order, typed; the same rows in the same order.

    Raises
    ------
    DataError
        Listing every problem as ``file:row:column: expected …, found …``.
    """
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    problems: list[Problem] = []
    for col in names:
        if col not in header:
            problems.append(Problem(file, 1, col, f"a column named {col!r}", "no such column"))
    for col in header:
        if col not in names:
            problems.append(
                Problem(file, 1, col, f"only the columns {', '.join(names)}", "an extra column")
            )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    for col in duplicated:
        problems.append(Problem(file, 1, col, "each column once", "a repeated column"))
    if not rows:
        problems.append(Problem(file, 2, None, "at least one data row", "a header only"))
    if problems:
        raise DataError(problems)
    index = {c: header.index(c) for c in names}
    frame = pd.DataFrame(
        {
            f["name"]: _convert([r[index[f["name"]]] for r in rows], f, file, problems)
            for f in fields
        }
    )
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk:
        keys = [tuple(r[index[c]] for c in pk) for r in rows]
        first: dict[tuple[str, ...], int] = {}
        for i, key in enumerate(keys):
            if key in first:
                problems.append(
                    Problem(
                        file,
                        i + 2,
                        ",".join(pk),
                        f"a unique key (first seen on row {first[key]})",
                        "=".join(key) if len(key) == 1 else repr(key),
                    )
                )
            else:
                first[key] = i + 2
    for fk in schema.get("foreignKeys", []):
        col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        allowed = (lookups or {}).get(col)
        if allowed is None:
            continue
        ref = fk["reference"]["resource"]
        for i, r in enumerate(rows):
            cell = r[index[col]]
            if cell and cell not in allowed:
                problems.append(Problem(file, i + 2, col, f"a code listed in {ref}", repr(cell)))
    if problems:
        raise DataError(problems)
    return frame


# The data files this process has read, by name: the build keys a notebook's cache entry
# on them (see files_read).
_READ: set[str] = set()


def files_read() -> list[str]:
    """List the data files this process has read through :func:`package` and :func:`load`.

    Returns
    -------
    list of str
        File names inside the data folder (``datapackage.json`` and the tables'
        files), sorted. The report build records them for each notebook, so that an edit
        to one table re-runs only the notebooks that read it.
    """
    return sorted(_READ)


@cache
def _package_cached(path: str, mtime_ns: int) -> dict[str, Any]:
    _READ.add(Path(path).name)
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def package(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Return the parsed ``datapackage.json`` of a data folder.

    Parameters
    ----------
    data_dir
        The folder holding ``datapackage.json`` and the tables.

    Returns
    -------
    dict
        The data package descriptor.
    """
    path = data_dir / "datapackage.json"
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "a data package descriptor", "no file"))
    return _package_cached(str(path), path.stat().st_mtime_ns)


def table_names(data_dir: Path = DATA_DIR) -> list[str]:
    """List the names of the tables in the data package.

    Parameters
    ----------
    data_dir
        The folder holding ``datapackage.json``.

    Returns
    -------
    list of str
        Resource names, in package order.
    """
    return [r["name"] for r in package(data_dir)["resources"]]


def _resource(name: str, data_dir: Path) -> dict[str, Any]:
    for res in package(data_dir)["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(table_names(data_dir))
    raise DataError(
        Problem(str(data_dir / "datapackage.json"), None, None, f"a table among {known}", name)
    )


def load(name: str, *, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Load a curated table, validated against its schema in ``datapackage.json``.

    Parameters
    ----------
    name
        The table's name, for example ``"india_japan_trade"``.
    data_dir
        The data folder (the repository's ``data/`` by default).

    Returns
    -------
    pandas.DataFrame
        The table, one typed column per field, every row of the file in file order.

    Raises
    ------
    DataError
        If the table is unknown or any cell breaks the schema; the message names the
        file, row and column and says what was expected.

    Examples
    --------
    >>> trade = load("india_japan_trade")
    >>> sorted(trade["flow"].unique())
    ['export', 'import']
    """
    return _load_cached(name, str(data_dir), _stamp(data_dir)).copy()


def _stamp(data_dir: Path) -> tuple[int, ...]:
    """Return the modification times of the folder's files: a changed file is read again."""
    files = sorted([*data_dir.glob("*.csv"), *data_dir.glob("*.parquet")])
    return tuple(p.stat().st_mtime_ns for p in files)


@cache
def _load_cached(name: str, data_dir_str: str, stamp: tuple[int, ...]) -> pd.DataFrame:
    data_dir = Path(data_dir_str)
    res = _resource(name, data_dir)
    path = data_dir / res["path"]
    _READ.add(res["path"])
    lookups = {}
    for fk in res["schema"].get("foreignKeys", []):
        col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        ref = fk["reference"]
        ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
        lookups[col] = set(_load_cached(ref["resource"], data_dir_str, stamp)[ref_field])
    if res.get("format") == "parquet":
        from analysis import columnar

        return columnar.read_table(path, res["schema"], file=str(path), lookups=lookups)
    header, rows = read_csv_text(path)
    return parse_table(header, rows, res["schema"], file=str(path), lookups=lookups)


def source_table(data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Return the register of sources (publisher, title, address, access date, licence).

    Parameters
    ----------
    data_dir
        The data folder.

    Returns
    -------
    pandas.DataFrame
        One row per ``source_id``.
    """
    return load("sources", data_dir=data_dir)


def citation(source_ids: pd.Series | list[str], *, data_dir: Path = DATA_DIR) -> str:
    """Format a short source line for the given source ids, for a chart or table note.

    Parameters
    ----------
    source_ids
        The ``source_id`` values of the rows shown (repeats are fine; a value may join
        several ids with ``;``).
    data_dir
        The data folder.

    Returns
    -------
    str
        ``"Source: "`` and each source's short title, in order of first appearance.

    Examples
    --------
    >>> citation(["wdi_gdp", "imf_dots_all"])
    'Source: World Bank WDI; IMF Direction of Trade Statistics'
    """
    reg = source_table(data_dir).set_index("source_id")
    parts = []
    # Rows standing for missing periods carry no source.
    # A derived row may carry several sources joined by ";".
    ids = [sid for s in source_ids if isinstance(s, str) for sid in s.split(";")]
    for sid in dict.fromkeys(ids):
        if sid not in reg.index:
            raise DataError(
                Problem(str(data_dir / "sources.csv"), None, "source_id", "a listed source", sid)
            )
        parts.append(reg.loc[sid, "short_title"])
    return "Source: " + "; ".join(parts)


def country_name(iso3: str, *, data_dir: Path = DATA_DIR) -> str:
    """Return the name of a country or area code from the ``country_codes`` table.

    Parameters
    ----------
    iso3
        The code.
    data_dir
        The data folder.

    Returns
    -------
    str
        The name; the code itself if it is not listed.

    Examples
    --------
    >>> country_name("WLD")
    'World'
    """
    names = load("country_codes", data_dir=data_dir).set_index("iso3")["name"]
    return str(names.get(iso3, iso3))


def sources_for(tables: list[str], *, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """List the sources of the given tables, for a notebook's "Data and sources" section.

    Parameters
    ----------
    tables
        Table names.
    data_dir
        The data folder.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``source_id``, ``publisher``, ``title``, ``address``, ``date_accessed``,
        ``licence``; one row per table and source.
    """
    rows = []
    for name in tables:
        for src in _resource(name, data_dir)["sources"]:
            rows.append(
                {
                    "table": name,
                    "source_id": src["source_id"],
                    "publisher": src["publisher"],
                    "title": src["title"].removeprefix(f"{src['publisher']}: "),
                    "address": src.get("path", ""),
                    "date_accessed": src["date_accessed"],
                    "licence": src["licence"],
                }
            )
    return pd.DataFrame(rows)
