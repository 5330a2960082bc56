"""Load curated tables from the data package, validated against their Table Schema.

Every table in ``data/`` is described in ``data/datapackage.json`` (a Frictionless
Data Package). :func:`load` reads a table, checks every cell against its schema
(types, required values, ranges, allowed codes, patterns, unique keys and foreign
keys) and returns a typed DataFrame. Any failure raises :class:`DataError` naming
the file, the row, the column and what was expected. No row is ever dropped.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
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
_FORMULA = re.compile(r"[=+@-]")
_BOOLEAN = {"true": True, "false": False}
# Longer cells are refused before parsing: no curated value needs more, and a giant
# number must not hang the parser.
MAX_CELL_CHARS = 2000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


# Characters no curated text holds: control characters (tab included; line breaks are
# reported as such) and invisible ones that make two keys look equal.
_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# A run of characters that Windows-1252 or Latin-1 can encode: double-encoded UTF-8
# ("TÃ¼rkiye") decodes as UTF-8 once more.
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]{2,}")
# A cell text_problem need look at: any character but printable ASCII, or an edge space.
_SUSPECT = re.compile("[^\x20-\x7e]|^ | $")
# Rows converted at a time: bounds the memory validation needs for a large file.
CHUNK_ROWS = 50_000
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _character(ch: str) -> str:
    """Name a character for a message: ``U+200B`` and its Unicode name."""
    name = unicodedata.name(ch, "control character") if ch != "\x00" else "NUL byte"
    return f"U+{ord(ch):04X} ({name.lower()})"


def _mojibake(text: str) -> str | None:
    """Return what double-encoded UTF-8 text reads decoded once more, or ``None``."""
    for run in _NON_ASCII_RUN.findall(text):
        for encoding in ("cp1252", "latin-1"):
            try:
                fixed = run.encode(encoding).decode("utf-8")
            except UnicodeError:
                continue
            return text.replace(run, fixed)
    return None


def text_problem(cell: str) -> tuple[str, str] | None:
    """Tell what is wrong with a cell's text itself, whatever the column's type.

    Parameters
    ----------
    cell
        The cell as read from the file.

    Returns
    -------
    tuple or None
        ``(expected, found)`` for a message, or ``None`` when the text is clean: no
        control or invisible characters, no spaces around it, NFC form, not mojibake.
    """
    if (bad := _CONTROL.search(cell)) is not None:
        found = f"{_character(bad.group())} at character {bad.start() + 1}"
        return "text without control characters", found
    if cell != cell.strip():
        return "no spaces before or after the text", repr(cell)
    if cell.isascii():
        return None
    if (bad := _INVISIBLE.search(cell)) is not None:
        found = f"{_character(bad.group())} at character {bad.start() + 1}"
        return "text without invisible characters", found
    if not unicodedata.is_normalized("NFC", cell):
        return "text in Unicode NFC form (composed accents)", f"{cell!r}, decomposed"
    if (fixed := _mojibake(cell)) is not None:
        return "UTF-8 text decoded once", f"{cell!r}, double-encoded UTF-8 for {fixed!r}"
    return None


def _normal_key(cell: str) -> str:
    """Return a key cell as a reader would see it: NFC, no invisible characters or edge spaces."""
    if cell.isascii():
        return cell.strip()
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", cell)).strip()


def shown(text: str) -> str:
    """Return text for a message: as is when plain and printable, else its escaped ``repr``.

    Parameters
    ----------
    text
        A column name or cell from a file, which may hold anything.

    Returns
    -------
    str
        Text safe to print to a terminal or log.
    """
    return text if text.isprintable() and text_problem(text) is None and text else repr(text)


class CsvRecords:
    """The records of a CSV file, read one at a time, each with the line it starts on.

    The file is decoded line by line, so a large file is never held whole. Problems that
    do not stop the reading (a row with the wrong number of fields, a line break inside a
    quoted cell, blank lines) are collected in :attr:`problems`; the others raise.

    Parameters
    ----------
    path
        The CSV file (UTF-8, optionally gzip-compressed).
    delimiter
        The field separator.

    Raises
    ------
    DataError
        If the file cannot be read, is empty, UTF-16, has a byte-order mark, is not
        UTF-8 or is not well-formed CSV (on opening, or while iterating).
    """

    def __init__(self, path: Path, *, delimiter: str = ","):
        self.name = str(path)
        self.problems: list[Problem] = []
        self._fh = self._open(path)
        self._reader = csv.reader(self._lines(), delimiter=delimiter, strict=True)
        first = self._next()
        if first is None:
            self._fh.close()
            raise DataError(Problem(self.name, None, None, "a header row", "an empty file"))
        self.header_line, self.header = first
        if not self.header:
            self._fh.close()
            raise DataError(Problem(self.name, 1, None, "a header row", "a blank line"))
        self._blank: list[int] = []

    def __enter__(self) -> CsvRecords:
        """Return the records, to read within a ``with`` block that closes the file."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the file."""
        self._fh.close()

    def _open(self, path: Path) -> io.BufferedIOBase:
        try:
            fh: Any = path.open("rb")
        except FileNotFoundError:
            found = "no such file"
            raise DataError(Problem(self.name, None, None, "an existing file", found)) from None
        except OSError as err:
            found = "a symbolic link loop" if err.errno == errno.ELOOP else err.strerror
            raise DataError(Problem(self.name, None, None, "a readable file", str(found))) from None
        if not path.is_file():
            fh.close()
            raise DataError(Problem(self.name, None, None, "a file", "a folder or device"))
        if path.suffix == ".gz":
            fh = gzip.GzipFile(fileobj=fh)
        head = self._read_head(fh)
        if head.startswith(_UTF16_BOMS) or head[:200].count(b"\x00") > len(head[:200]) // 4:
            fh.close()
            raise DataError(
                Problem(self.name, 1, None, "UTF-8 text", "UTF-16 text (save as UTF-8)")
            )
        if head.startswith(codecs.BOM_UTF8):
            fh.close()
            raise DataError(
                Problem(self.name, 1, None, "UTF-8 text without a byte-order mark",
                        "a byte-order mark")
            )  # fmt: skip
        return fh

    def _read_head(self, fh: Any) -> bytes:
        try:
            return fh.peek(200)[:200]
        except (OSError, EOFError) as err:
            fh.close()
            raise DataError(
                Problem(self.name, None, None, "a complete gzip file", str(err))
            ) from None

    def _lines(self) -> Iterator[str]:
        """Decode the file line by line, naming the line and byte of any non-UTF-8 byte."""
        for number, raw in enumerate(self._fh, start=1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as err:
                byte = raw[err.start]
                hint = " (Windows-1252 or Latin-1 text? save it as UTF-8)" if byte >= 0x80 else ""
                raise DataError(
                    Problem(self.name, number, None, "UTF-8 text",
                            f"byte 0x{byte:02x} at byte {err.start + 1} of the line{hint}")
                ) from None  # fmt: skip

    def _next(self) -> tuple[int, list[str]] | None:
        """Read one record and the line it starts on; ``None`` at the end of the file."""
        start = self._reader.line_num + 1
        try:
            row = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as err:
            raise DataError(
                Problem(self.name, start, None, "well-formed CSV",
                        f"{err} (the record starting on this line)")
            ) from None  # fmt: skip
        except (OSError, EOFError) as err:
            raise DataError(
                Problem(self.name, None, None, "a complete gzip file", str(err))
            ) from None
        if self._reader.line_num != start:
            # Reported, then read on: every later message names the line it is on.
            self.problems.append(
                Problem(self.name, start, None, "one record per line",
                        f"a line break inside a quoted cell (the record ends on line "
                        f"{self._reader.line_num})")
            )  # fmt: skip
        return start, row

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Yield each data row with the correct number of fields, and its line number."""
        width = len(self.header)
        try:
            while (record := self._next()) is not None:
                line, row = record
                if not row:
                    self._blank.append(line)
                    continue
                self._report_blank_lines(at_end=False)
                if len(row) != width:
                    self.problems.append(
                        Problem(self.name, line, None, f"{width} fields as in the header",
                                f"{len(row)}")
                    )  # fmt: skip
                    continue
                yield line, row
            self._report_blank_lines(at_end=True)
        finally:
            self._fh.close()

    def _report_blank_lines(self, *, at_end: bool) -> None:
        if not self._blank:
            return
        first, last, n = self._blank[0], self._blank[-1], len(self._blank)
        if at_end:
            where = f"line {first}" if n == 1 else f"lines {first}-{last}"
            found = f"{n} blank line(s) at the end of the file ({where})"
            self.problems.append(Problem(self.name, first, None, "no blank lines", found))
        else:
            self.problems.extend(
                Problem(self.name, line, None, "a data row", "a blank line") for line in self._blank
            )
        self._blank = []


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
        The header (list of column names) and the data rows (lists of cells); row ``i``
        is on line ``i + 2`` of the file (a file where that fails is refused).

    Raises
    ------
    DataError
        If the file is missing, empty, not UTF-8, has blank lines or a line break in a
        cell, or a row has the wrong number of fields.
    """
    with CsvRecords(path, delimiter=delimiter) as records:
        body = [row for _, row in records]
    if records.problems:
        raise DataError(records.problems)
    return records.header, body


def _convert(
    values: list[str],
    lines: list[int],
    field: Mapping[str, Any],
    name: str,
    problems: list[Problem],
) -> pd.Series:
    """Convert one column of text cells to the field's type, recording every bad cell."""
    ftype = field.get("type", "string")
    col = field["name"]
    cons = field.get("constraints", {})
    out: list[Any] = []
    for line, cell in zip(lines, values, strict=True):
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
        if _SUSPECT.search(cell) and (bad := text_problem(cell)) is not None:
            problems.append(Problem(name, line, col, *bad))
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


class TableCheck:
    """Validate a table's rows against its Table Schema, a batch of rows at a time.

    The header is checked on construction; :meth:`add` converts a batch and checks it,
    keys included (against every earlier batch); :meth:`finish` raises every problem.

    Parameters
    ----------
    header
        The file's column names.
    schema
        A Frictionless Table Schema (``fields``, optional ``primaryKey`` and ``foreignKeys``).
    file
        The file name used in error messages.
    lookups
        For each foreign-key field, the set of allowed values (the referenced table's keys).

    Raises
    ------
    DataError
        If the header lacks a column, has an extra, repeated or unprintable one.
    """

    def __init__(
        self,
        header: list[str],
        schema: Mapping[str, Any],
        *,
        file: str,
        lookups: Mapping[str, set[str]] | None = None,
    ):
        self.file, self.schema, self.header = file, schema, header
        self.fields = schema["fields"]
        names = [f["name"] for f in self.fields]
        problems: list[Problem] = []
        for col in header:
            if (bad := text_problem(col)) is not None:
                problems.append(
                    Problem(file, 1, shown(col), f"a column name in plain text ({bad[0]})", bad[1])
                )
        for col in names:
            if col not in header:
                problems.append(Problem(file, 1, col, f"a column named {col!r}", "no such column"))
        for col in header:
            if col not in names:
                problems.append(
                    Problem(file, 1, shown(col), f"only the columns {', '.join(names)}",
                            "an extra column")
                )  # fmt: skip
        duplicated = sorted({c for c in header if header.count(c) > 1})
        for col in duplicated:
            problems.append(Problem(file, 1, shown(col), "each column once", "a repeated column"))
        if problems:
            raise DataError(problems)
        self.index = {c: header.index(c) for c in names}
        pk = schema.get("primaryKey", [])
        self.key = [pk] if isinstance(pk, str) else list(pk)
        self.foreign = []
        for fk in schema.get("foreignKeys", []):
            col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            allowed = (lookups or {}).get(col)
            if allowed is not None:
                self.foreign.append((col, fk["reference"]["resource"], allowed))
        self.problems: list[Problem] = []
        self.rows = 0
        # One joined string per key (not a tuple of cells) keeps a large file's keys small.
        self._first: dict[str, int] = {}
        self._written: dict[str, str] = {}  # a key's first spelling, if not its normal one

    def add(self, lines: list[int], rows: list[list[str]]) -> pd.DataFrame:
        """Convert and check a batch of rows.

        Parameters
        ----------
        lines
            The line of the file each row is on (for the messages).
        rows
            The rows, each with one cell per header column.

        Returns
        -------
        pandas.DataFrame
            The batch typed, one column per schema field (valid only if :meth:`finish`
            raises nothing).
        """
        file, problems, index = self.file, self.problems, self.index
        repeats = [i for i, row in enumerate(rows) if row == self.header]
        for i in repeats:
            problems.append(Problem(file, lines[i], None, "a data row", "the header repeated"))
        if repeats:
            # A repeated header would only add a type error per column: leave it out.
            skip = set(repeats)
            lines = [n for i, n in enumerate(lines) if i not in skip]
            rows = [r for i, r in enumerate(rows) if i not in skip]
        self.rows += len(rows)
        frame = pd.DataFrame(
            {
                f["name"]: _convert([r[index[f["name"]]] for r in rows], lines, f, file, problems)
                for f in self.fields
            }
        )
        if self.key:
            columns = [index[c] for c in self.key]
            for line, r in zip(lines, rows, strict=True):
                raw = "\x1f".join([r[c] for c in columns])
                # Keys that differ only by spaces or invisible characters are the same key.
                key = "\x1f".join([_normal_key(r[c]) for c in columns])
                first = self._first.setdefault(key, line)
                if first == line:
                    if raw != key:
                        self._written[key] = raw
                    continue
                expected = f"a unique key (first seen on row {first}"
                if raw != self._written.get(key, key):
                    expected += ", written differently: spaces or invisible characters"
                cells = raw.split("\x1f")
                found = shown(cells[0]) if len(cells) == 1 else repr(tuple(cells))
                problems.append(Problem(file, line, ",".join(self.key), expected + ")", found))
        for col, ref, allowed in self.foreign:
            c = index[col]
            for line, r in zip(lines, rows, strict=True):
                cell = r[c]
                if cell and cell not in allowed:
                    problems.append(Problem(file, line, col, f"a code listed in {ref}", repr(cell)))
        return frame

    def finish(self, more: list[Problem] | None = None) -> None:
        """Raise every problem found, with ``more`` from elsewhere (reading the file).

        Parameters
        ----------
        more
            Other problems with the same file, for example from :class:`CsvRecords`.

        Raises
        ------
        DataError
            Listing every problem, in line order; also if the table had no data row.
        """
        problems = [*(more or []), *self.problems]
        if self.rows == 0 and not problems:
            problems.append(Problem(self.file, 2, None, "at least one data row", "a header only"))
        if problems:
            raise DataError(sorted(problems, key=lambda p: -1 if p.row is None else p.row))


def check_records(
    records: CsvRecords,
    schema: Mapping[str, Any],
    *,
    file: str,
    lookups: Mapping[str, set[str]] | None = None,
    keep: bool = True,
    problems: list[Problem] | None = None,
) -> tuple[pd.DataFrame | None, int]:
    """Validate a CSV file's records against a Table Schema, a batch at a time.

    Parameters
    ----------
    records
        The file, opened.
    schema
        Its Table Schema.
    file
        The file name used in error messages.
    lookups
        For each foreign-key field, the allowed values.
    keep
        Whether to return the table; ``False`` only checks it, holding one batch of rows
        at a time (the table's keys aside).
    problems
        Problems already found with the file (reported with the others).

    Returns
    -------
    tuple
        The typed table (``None`` unless ``keep``) and its number of data rows.

    Raises
    ------
    DataError
        Listing every problem as ``file:row:column: expected …, found …``.
    """
    check = TableCheck(records.header, schema, file=file, lookups=lookups)
    frames = []
    batch: list[tuple[int, list[str]]] = []
    for record in records:
        batch.append(record)
        if len(batch) == CHUNK_ROWS:
            frame = check.add([n for n, _ in batch], [r for _, r in batch])
            frames.extend([frame] if keep else [])
            batch = []
    frame = check.add([n for n, _ in batch], [r for _, r in batch])
    check.finish([*(problems or []), *records.problems])
    if not keep:
        return None, check.rows
    return pd.concat([*frames, frame], ignore_index=True) if frames else frame, check.rows


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
        The CSV header and data rows, as returned by :func:`read_csv_text` (row ``i`` on
        line ``i + 2``).
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
    check = TableCheck(header, schema, file=file, lookups=lookups)
    frame = check.add(list(range(2, len(rows) + 2)), rows)
    check.finish()
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


def _version(path: Path) -> tuple[int, int, int, int]:
    """Return what identifies one version of a file: size, modification and change times, inode.

    A file replaced by another with the same modification time still has a new change
    time (and usually a new inode), so a cache keyed on this reads it again.
    """
    try:
        st = path.stat()
    except OSError:
        return (-1, -1, -1, -1)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# Field types the loaders know; a descriptor naming another is refused up front.
_FIELD_TYPES = {"string", "integer", "year", "number", "boolean", "date"}
_TYPES_EXPECTED = f"a field type among {', '.join(sorted(_FIELD_TYPES))}"


def _descriptor_problems(pkg: Any, file: str) -> list[Problem]:
    """List what keeps a parsed descriptor from being a usable data package."""
    if not isinstance(pkg, dict) or not isinstance(pkg.get("resources"), list):
        return [Problem(file, None, None, "an object with a list of resources", "none")]
    problems = []
    names: set[str] = set()
    for i, res in enumerate(pkg["resources"]):
        where = f"resource {i + 1}"
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            problems.append(Problem(file, None, None, f"a name for {where}", "none"))
            continue
        where = f"resource {res['name']!r}"
        if res["name"] in names:
            problems.append(Problem(file, None, None, "each resource name once", f"{where} twice"))
        names.add(res["name"])
        if not isinstance(res.get("path"), str):
            problems.append(Problem(file, None, None, f"a path for {where}", "none"))
        schema = res.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
        ):
            problems.append(Problem(file, None, None, f"a schema with named fields for {where}",
                                    "none"))  # fmt: skip
            continue
        field_names = [f["name"] for f in fields]
        for f in fields:
            if f.get("type", "string") not in _FIELD_TYPES:
                problems.append(
                    Problem(file, None, None, _TYPES_EXPECTED,
                            f"{f.get('type')!r} for {where} field {f['name']!r}")
                )  # fmt: skip
            if field_names.count(f["name"]) > 1:
                problems.append(Problem(file, None, None, f"each field of {where} once",
                                        f"{f['name']!r} twice"))  # fmt: skip
    return problems


@cache
def _package_cached(path: str, version: tuple[int, int, int, int]) -> dict[str, Any]:
    _READ.add(Path(path).name)
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise DataError(Problem(path, None, None, "a readable file", str(err.strerror))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        found = f"byte 0x{raw[err.start]:02x}"
        raise DataError(Problem(path, line, None, "UTF-8 text", found)) from None
    try:
        pkg = json.loads(text)
    except json.JSONDecodeError as err:
        found = f"{err.msg.lower()} (column {err.colno})"
        raise DataError(Problem(path, err.lineno, None, "valid JSON", found)) from None
    except RecursionError:
        found = f"arrays or objects nested deeper than {sys.getrecursionlimit()} levels"
        raise DataError(Problem(path, None, None, "a data package descriptor", found)) from None
    if problems := _descriptor_problems(pkg, path):
        raise DataError(problems)
    return pkg


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

    Raises
    ------
    DataError
        If the descriptor is missing, not UTF-8, not JSON (naming its line and column),
        nested too deeply, or lacks a resource's name, path or schema.
    """
    path = data_dir / "datapackage.json"
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "a data package descriptor", "no file"))
    return _package_cached(str(path), _version(path))


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
        Problem(str(data_dir / "datapackage.json"), None, None, f"a table among {known}",
                shown(name))
    )  # fmt: skip


def resource_path(res: Mapping[str, Any], data_dir: Path) -> Path:
    """Return a resource's file, refusing any path that leads out of the data folder.

    Parameters
    ----------
    res
        The resource, from ``datapackage.json``.
    data_dir
        The data folder.

    Returns
    -------
    pathlib.Path
        ``data_dir / res["path"]``, which is (or links to) a file inside ``data_dir``.

    Raises
    ------
    DataError
        If the path is absolute, climbs out with ``..``, or is a link to a file outside
        the folder or a link loop; the message names the descriptor, not the file's content.
    """
    descriptor = str(data_dir / "datapackage.json")
    rel = res["path"]
    expected = f"a path inside the data folder for table {res['name']}"
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts or "\x00" in rel:
        raise DataError(Problem(descriptor, None, None, expected, shown(rel)))
    path = data_dir / rel
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise DataError(
            Problem(str(path), None, None, "an existing file", "no such file")
        ) from None
    except (OSError, RuntimeError):
        # Python reports a symbolic link loop as either, depending on the version.
        raise DataError(Problem(str(path), None, None, "a file", "a symbolic link loop")) from None
    if not real.is_relative_to(data_dir.resolve()):
        raise DataError(
            Problem(
                str(path), None, None, f"a file inside {data_dir}", "a link to a file outside it"
            )
        )
    return path


@cache
def _digest(path: str, algorithm: str, version: tuple[int, int, int, int]) -> str:
    """Hash a file once per version (the cache key changes whenever the file does)."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _checksum_problems(path: Path, res: Mapping[str, Any]) -> list[Problem]:
    """Compare a file with the size and hash its resource records (Frictionless ``hash``)."""
    name = str(path)
    version = _version(path)
    problems = []
    if isinstance(res.get("bytes"), int) and res["bytes"] != version[0]:
        problems.append(
            Problem(name, None, None, f"{res['bytes']} bytes as recorded in datapackage.json",
                    f"{version[0]} bytes")
        )  # fmt: skip
    recorded = res.get("hash") or (res.get("sha256") and f"sha256:{res['sha256']}")
    if not isinstance(recorded, str):
        return problems
    # Frictionless: "algorithm:digest", or a bare MD5 digest.
    algorithm, _, digest = recorded.rpartition(":")
    algorithm = algorithm or "md5"
    if algorithm not in hashlib.algorithms_guaranteed:
        expected = f"a hash algorithm among {', '.join(sorted(hashlib.algorithms_guaranteed))}"
        return [*problems, Problem(name, None, None, expected, shown(algorithm))]
    actual = _digest(name, algorithm, version)
    if actual != digest.lower():
        problems.append(
            Problem(name, None, None,
                    f"the {algorithm} {digest[:12]}… recorded in datapackage.json",
                    f"{algorithm} {actual[:12]}… (the file changed since the package was written)")
        )  # fmt: skip
    return problems


def check_package(data_dir: Path = DATA_DIR) -> None:
    """Check the data package before anything uses it: descriptor, paths, sizes and hashes.

    The cells of each table were checked when the package was written (``data rebuild``)
    and are checked again by :func:`load`; a file whose hash still matches is the file
    that passed. A build calls this before any notebook runs, so that a changed or missing
    table stops it with a message naming the file, not a notebook cell.

    Parameters
    ----------
    data_dir
        The data folder.

    Raises
    ------
    DataError
        Naming every table whose file is missing, outside the folder or changed.
    """
    problems: list[Problem] = []
    for res in package(data_dir)["resources"]:
        try:
            problems += _checksum_problems(resource_path(res, data_dir), res)
        except DataError as err:
            problems += err.problems
    if problems:
        raise DataError(problems)


def load(name: str, *, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Load a curated table, validated against its schema in ``datapackage.json``.

    The file must be inside ``data_dir`` and match the size and hash recorded for it.

    Parameters
    ----------
    name
        The table's name, for example ``"dots_trade"``.
    data_dir
        The data folder (the repository's ``data/`` by default).

    Returns
    -------
    pandas.DataFrame
        The table, one typed column per field, every row of the file in file order.

    Raises
    ------
    DataError
        If the table is unknown, its file is outside the data folder or changed since
        ``datapackage.json`` was written, or any cell breaks the schema; the message
        names the file, row and column and says what was expected.

    Examples
    --------
    >>> trade = load("dots_trade")
    >>> sorted(trade["flow"].unique())
    ['export', 'import']
    """
    return _load_cached(name, str(data_dir), _stamp(data_dir)).copy()


def _stamp(data_dir: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """Return the version of each of the folder's files: a changed file is read again."""
    files = sorted([*data_dir.glob("*.csv"), *data_dir.glob("*.parquet")])
    return tuple((p.name, *_version(p)) for p in [data_dir / "datapackage.json", *files])


@cache
def _load_cached(name: str, data_dir_str: str, stamp: tuple[Any, ...]) -> pd.DataFrame:
    data_dir = Path(data_dir_str)
    res = _resource(name, data_dir)
    path = resource_path(res, data_dir)
    _READ.add(res["path"])
    lookups = {}
    for fk in res["schema"].get("foreignKeys", []):
        col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        ref = fk["reference"]
        ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
        lookups[col] = set(_load_cached(ref["resource"], data_dir_str, stamp)[ref_field])
    # A changed file is still validated: the report then says what changed as well.
    changed = _checksum_problems(path, res)
    if res.get("format") == "parquet":
        from analysis import columnar, memo

        def read() -> pd.DataFrame:
            return columnar.read_table(path, res["schema"], file=str(path), lookups=lookups)

        if changed:
            try:
                read()
            except DataError as err:
                raise DataError([*changed, *err.problems]) from None
            raise DataError(changed)
        # The file's bytes match the recorded hash: the kernels of one build validate a
        # large table once and share the result (analysis.memo), keyed by that hash, the
        # schema and the keys its foreign keys may take.
        key = hashlib.sha256(json.dumps(
            [res["hash"], res["schema"], {c: sorted(map(str, v)) for c, v in lookups.items()}],
            sort_keys=True).encode()).hexdigest()  # fmt: skip
        return memo.kept(f"table-{name}", key, read)
    with CsvRecords(path) as records:
        frame, _ = check_records(
            records, res["schema"], file=str(path), lookups=lookups, problems=changed
        )
    assert frame is not None  # kept, as check_records does by default
    return frame


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
