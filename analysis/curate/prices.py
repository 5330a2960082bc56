"""Prices: the US consumer price index (BLS), for constant-dollar views.

Rules, in words:

* ``cpi_us`` keeps the monthly CPI-U index (1982–84 = 100).
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.raw import positive
from analysis.curate.schema import SOURCE_FK, field, source_id
from analysis.curate.spec import RawContext, TableSpec


def build_cpi_us(ctx: RawContext) -> pd.DataFrame:
    """Derive the monthly US CPI-U index.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per month.
    """
    file = ctx.path("bls_cpi_u")
    raw = ctx.read("bls_cpi_u", ["Date", "Index", "Inflation"])
    index = positive(raw, "Index", file=file)
    ctx.log(f"  {file}: {len(raw)} rows in, {len(raw)} rows out (the inflation column not kept)")
    return pd.DataFrame({"month": raw["Date"], "cpi_index": index, "source_id": "bls_cpi_u"})


CPI_US = TableSpec(
    name="cpi_us",
    title="US consumer price index (CPI-U), monthly",
    description="CPI for all urban consumers, all items, US city average, 1982–84 = 100 (BLS "
    "series CUUR0000SA0), for constant-dollar views.",
    schema={
        "fields": [
            field("month", "date", "First day of the month."),
            field(
                "cpi_index",
                "number",
                "Index level, 1982–84 = 100.",
                unit="index 1982-84=100",
                minimum=0,
            ),
            source_id(),
        ],
        "primaryKey": ["month"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("bls_cpi_u",),
    build=build_cpi_us,
    sort_by=("month",),
)
