"""Table Schema building blocks shared by the curated tables' definitions."""

from __future__ import annotations

from typing import Any

ISO3_PATTERN = "[A-Z]{3}"
# A single bilateral flow above a trillion US$ is a unit error, not trade.
MAX_FLOW_USD = 1_000_000_000_000
MIN_YEAR, MAX_YEAR = 1900, 2100
FISCAL_YEAR_PATTERN = "[0-9]{4}-[0-9]{2}"


def field(
    name: str,
    ftype: str,
    description: str,
    *,
    unit: str | None = None,
    required: bool = True,
    **constraints: Any,
) -> dict[str, Any]:
    """Describe one column as a Table Schema field.

    Parameters
    ----------
    name
        Column name (snake_case, with the unit where it has one).
    ftype
        Table Schema type: ``string``, ``integer``, ``number``, ``date``, ``year``, ``boolean``.
    description
        What the column holds, in a sentence.
    unit
        The unit of measure, or ``None`` for codes and text.
    required
        Whether a blank cell is an error.
    **constraints
        Further Table Schema constraints (``enum``, ``pattern``, ``minimum``, ``maximum``).

    Returns
    -------
    dict
        The field descriptor.
    """
    out: dict[str, Any] = {"name": name, "type": ftype, "description": description}
    if unit:
        out["unit"] = unit
    cons = dict(constraints)
    if ftype == "year":
        # A year outside this range is a typo or a unit slip, not data.
        cons.setdefault("minimum", MIN_YEAR)
        cons.setdefault("maximum", MAX_YEAR)
    if required:
        cons["required"] = True
    if cons:
        out["constraints"] = cons
    return out


def iso3(name: str, description: str) -> dict[str, Any]:
    """Describe a country-code column (three capital letters, listed in ``country_codes``).

    Parameters
    ----------
    name
        Column name, for example ``reporter_iso3``.
    description
        What the code identifies.

    Returns
    -------
    dict
        The field descriptor.
    """
    return field(name, "string", description, pattern=ISO3_PATTERN)


def source_id() -> dict[str, Any]:
    """Describe the ``source_id`` column that every data row carries.

    Returns
    -------
    dict
        The field descriptor.
    """
    return field(
        "source_id",
        "string",
        "Where the row comes from: a key of the sources table (publisher, title, address, "
        "date accessed, licence).",
    )


def fk(column: str, resource: str, ref_field: str) -> dict[str, Any]:
    """Describe a foreign key from a column to another table's key.

    Parameters
    ----------
    column
        The referencing column.
    resource
        The referenced table.
    ref_field
        The referenced column.

    Returns
    -------
    dict
        The foreign-key descriptor.
    """
    return {"fields": column, "reference": {"resource": resource, "fields": ref_field}}


SOURCE_FK = fk("source_id", "sources", "source_id")
