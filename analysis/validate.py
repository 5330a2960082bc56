"""Check a CSV file against a table's schema and list every problem found.

``python -m analysis validate FILE [--table NAME]`` prints each problem as
``file:row:column: expected …, found …`` and exits 1, or says the file is valid and
exits 0. Without ``--table`` the table is recognised from the file's header.
"""

from __future__ import annotations

from pathlib import Path

from analysis.config import DATA_DIR
from analysis.data import CsvRecords, check_records, load, package, shown
from analysis.errors import DataError, Problem

__all__ = ["detect_table", "validate_file"]


def detect_table(header: list[str], *, file: str, data_dir: Path = DATA_DIR) -> str:
    """Recognise which table a header belongs to.

    Parameters
    ----------
    header
        The file's column names.
    file
        The file's name, for the error message.
    data_dir
        The data folder whose ``datapackage.json`` lists the tables.

    Returns
    -------
    str
        The table whose columns are exactly the header's (in any order).

    Raises
    ------
    DataError
        If no table has these columns; the message lists the tables and what is closest.
    """
    resources = package(data_dir)["resources"]
    columns = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in resources}
    for name, fields in columns.items():
        if set(fields) == set(header):
            return name
    closest = max(columns, key=lambda n: len(set(columns[n]) & set(header)))
    raise DataError(
        Problem(file, 1, None,
                f"the columns of one of the tables ({', '.join(columns)}); closest: {closest} "
                f"({', '.join(columns[closest])})", ", ".join(map(shown, header)) or "no columns")
    )  # fmt: skip


def validate_file(
    path: Path, *, table: str | None = None, data_dir: Path = DATA_DIR
) -> tuple[str, int]:
    """Validate a CSV file against a table's schema, foreign keys included.

    Parameters
    ----------
    path
        The file.
    table
        The table it should match; recognised from the header when ``None``.
    data_dir
        The data folder (schemas, and the tables foreign keys point to).

    Returns
    -------
    tuple
        The table name and the number of data rows, when the file is valid.

    Raises
    ------
    DataError
        With every problem found, each naming the file, the row and the column.
    """
    # Rows are checked a batch at a time and not kept: a large file needs little memory.
    with CsvRecords(path) as records:
        name = table or detect_table(records.header, file=str(path), data_dir=data_dir)
        resources = {r["name"]: r for r in package(data_dir)["resources"]}
        if name not in resources:
            expected = f"a table among {', '.join(resources)}"
            raise DataError(Problem(str(path), None, None, expected, shown(name)))
        schema = resources[name]["schema"]
        lookups = {}
        for fk in schema.get("foreignKeys", []):
            col = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            ref = fk["reference"]
            ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
            lookups[col] = set(load(ref["resource"], data_dir=data_dir)[ref_field])
        _, rows = check_records(records, schema, file=str(path), lookups=lookups, keep=False)
    return name, rows
