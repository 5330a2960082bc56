"""Structural-gravity estimation inputs: the Advanced Guide panel and the gegravity sample.

Rules, in words:

* ``gravity_panel`` keeps the rows of the Advanced Guide's application data set
  (Yotov, Piermartini, Monteiro and Larch 2016, via the R package ``tradepolicy``) for
  the years 1986, 1990, …, 2006 that the book's chapter 1 uses, intra-national
  (exporter = importer) flows included. The other 15 years are left out and counted in
  the log. Columns are renamed to snake_case with units; ``trade`` (US$ million) is
  rounded to the dollar and distance to the metre, far below anything the models
  resolve. The 0/1 dummies must be exactly 0 or 1; the panel must be square (every
  exporter × importer × year once). The symmetric ``pair_id`` of the source is not
  shipped: :func:`analysis.gravity.prepare` derives the same grouping from the codes.
* ``gegravity_sample_2006`` is the gegravity package's example cross-section (30
  countries, 2006, domestic flows included), columns renamed, values unchanged.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.sources.raw import refuse_rows, to_number
from analysis.sources.schema import SOURCE_FK, field, iso3, source_id
from analysis.sources.spec import RawContext, TableSpec

AGTPA_COLUMNS = [
    "exporter", "importer", "pair_id", "year", "trade", "dist", "cntg", "lang", "clny", "rta",
    "rta_lag3", "rta_lag4", "rta_lag6", "rta_lag8", "rta_lag9", "rta_lag12", "rta_lead4",
]  # fmt: skip
GEGRAVITY_COLUMNS = [
    "exporter", "importer", "year", "trade", "Y", "E", "pta", "contiguity", "common_language",
    "lndist", "international",
]  # fmt: skip
# The book's chapter 1 applications use every fourth year.
PANEL_YEARS = (1986, 1990, 1994, 1998, 2002, 2006)
# Source column -> our column, for the 0/1 indicators.
AGTPA_DUMMIES = {
    "cntg": "contiguity",
    "lang": "common_language",
    "clny": "colony",
    "rta": "rta",
    "rta_lag4": "rta_lag4",
    "rta_lag8": "rta_lag8",
    "rta_lag12": "rta_lag12",
}
GEGRAVITY_DUMMIES = ("pta", "contiguity", "common_language", "international")


def _dummy(raw: pd.DataFrame, column: str, *, file: str) -> pd.Series:
    """Convert a 0/1 text column (``0``, ``1``, ``0.0``, ``1.0``) to int, naming any other cell."""
    values = to_number(raw, column, file=file)
    refuse_rows(raw, ~values.isin([0.0, 1.0]), column, "0 or 1", file=file)
    return values.astype("int64")


def _positive(raw: pd.DataFrame, column: str, *, file: str, allow_zero: bool) -> pd.Series:
    """Convert a numeric text column, refusing blanks and negative (or zero) values by row."""
    values = to_number(raw, column, file=file)
    bad = values.isna() | (values < 0 if allow_zero else values <= 0)
    expected = "a number >= 0" if allow_zero else "a number > 0"
    refuse_rows(raw, bad, column, expected, file=file)
    return values


def _check_square(out: pd.DataFrame, file: str) -> None:
    """Stop unless every exporter × importer × year appears exactly once."""
    key = ["exporter_iso3", "importer_iso3", "year"]
    dup = out[out.duplicated(key)]
    if len(dup):
        row = dup.iloc[0]
        raise DataError(
            Problem(file, None, ",".join(key), "each pair and year once",
                    f"{row.exporter_iso3}-{row.importer_iso3} {row.year} repeated")
        )  # fmt: skip
    countries = sorted(set(out["exporter_iso3"]) | set(out["importer_iso3"]))
    years = out["year"].nunique()
    if len(out) != len(countries) ** 2 * years:
        raise DataError(
            Problem(file, None, ",".join(key),
                    f"{len(countries)}² × {years} = {len(countries) ** 2 * years} rows "
                    "(a square panel)", f"{len(out)}")
        )  # fmt: skip


def build_gravity_panel(ctx: RawContext) -> pd.DataFrame:
    """Derive the Advanced Guide gravity panel for 1986, 1990, …, 2006.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer × year, intra-national flows included.
    """
    file = ctx.path("agtpa_applications")
    raw = ctx.read("agtpa_applications", AGTPA_COLUMNS)
    years = pd.to_numeric(raw["year"], errors="coerce")
    refuse_rows(raw, years.isna(), "year", "a year", file=file)
    keep = years.isin(PANEL_YEARS)
    sub = raw[keep]
    out = pd.DataFrame(
        {
            "exporter_iso3": sub["exporter"],
            "importer_iso3": sub["importer"],
            "year": years[keep].astype("int64"),
            "trade_usd_mn": _positive(sub, "trade", file=file, allow_zero=True).round(6),
            "distance_km": _positive(sub, "dist", file=file, allow_zero=False).round(3),
        }
    )
    for src, ours in AGTPA_DUMMIES.items():
        out[ours] = _dummy(sub, src, file=file)
    out["source_id"] = "agtpa_applications"
    _check_square(out, file)
    dropped = sorted(set(years[~keep].astype(int)))
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out "
        f"(years {', '.join(map(str, PANEL_YEARS))});"
        f" {int((~keep).sum())} rows of the other years {dropped[0]}-{dropped[-1]} not used; "
        f"{int((out.exporter_iso3 == out.importer_iso3).sum())} intra-national rows kept; "
        f"{int((out.trade_usd_mn == 0).sum())} zero flows kept"
    )
    return out


def build_gegravity_sample(ctx: RawContext) -> pd.DataFrame:
    """Derive the gegravity example cross-section (30 countries, 2006).

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer, domestic flows included.
    """
    file = ctx.path("gegravity_sample")
    raw = ctx.read("gegravity_sample", GEGRAVITY_COLUMNS)
    out = pd.DataFrame(
        {
            "exporter_iso3": raw["exporter"],
            "importer_iso3": raw["importer"],
            "year": _positive(raw, "year", file=file, allow_zero=False).astype("int64"),
            "trade_usd_mn": _positive(raw, "trade", file=file, allow_zero=True),
            "output_usd_mn": _positive(raw, "Y", file=file, allow_zero=False),
            "expenditure_usd_mn": _positive(raw, "E", file=file, allow_zero=False),
            "log_distance_km": to_number(raw, "lndist", file=file),
        }
    )
    for col in GEGRAVITY_DUMMIES:
        out[col] = _dummy(raw, col, file=file)
    domestic = out["exporter_iso3"] == out["importer_iso3"]
    if (out["international"] == domestic.astype(int)).any():
        i = out.index[out["international"] == domestic.astype(int)][0]
        raise DataError(
            Problem(file, int(i) + 2, "international", "1 exactly when exporter != importer",
                    repr(raw.at[i, "international"]))
        )  # fmt: skip
    out["source_id"] = "gegravity_sample"
    _check_square(out, file)
    ctx.log(f"  {file}: {len(raw)} rows in, {len(out)} rows out ({int(domestic.sum())} domestic)")
    return out


def _indicator(name: str, description: str) -> dict:
    return field(name, "integer", description, enum=[0, 1])


GRAVITY_PANEL = TableSpec(
    name="gravity_panel",
    title="Structural-gravity panel of the Advanced Guide (manufacturing, 69 countries)",
    description=(
        "Bilateral manufacturing trade, intra-national flows included, for 69 countries in "
        "1986, 1990, 1994, 1998, 2002 and 2006, with distance, contiguity, common language, "
        "colonial ties and regional trade agreements (with 4-, 8- and 12-year lags): the "
        "estimation data of chapter 1 of Yotov, Piermartini, Monteiro and Larch (2016), An "
        "Advanced Guide to Trade Policy Analysis (WTO/UNCTAD), as distributed with the R "
        "package tradepolicy (CC BY 4.0). Manufacturing only; ends in 2006."
    ),
    schema={
        "fields": [
            iso3("exporter_iso3", "Exporting country (the source's codes; ROM is Romania)."),
            iso3("importer_iso3", "Importing country; equal to the exporter for domestic sales."),
            field("year", "year", "Calendar year.", enum=list(PANEL_YEARS)),
            field(
                "trade_usd_mn",
                "number",
                "Manufacturing trade flow (for exporter = importer, domestic sales), current "
                "US$ million, rounded to the dollar.",
                unit="US$ million (current)",
                minimum=0,
            ),
            field(
                "distance_km",
                "number",
                "Population-weighted distance (CEPII GeoDist); internal distance for "
                "exporter = importer.",
                unit="km",
                minimum=0,
            ),
            _indicator("contiguity", "1 if the two countries share a border (CEPII)."),
            _indicator("common_language", "1 if they share an official language (CEPII)."),
            _indicator("colony", "1 if they ever had a colonial link (CEPII)."),
            _indicator("rta", "1 if a regional trade agreement is in force (Larch's database)."),
            _indicator("rta_lag4", "The rta indicator four years earlier."),
            _indicator("rta_lag8", "The rta indicator eight years earlier."),
            _indicator("rta_lag12", "The rta indicator twelve years earlier."),
            source_id(),
        ],
        "primaryKey": ["exporter_iso3", "importer_iso3", "year"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("agtpa_applications",),
    build=build_gravity_panel,
    sort_by=("year", "exporter_iso3", "importer_iso3"),
)

GEGRAVITY_SAMPLE_2006 = TableSpec(
    name="gegravity_sample_2006",
    title="gegravity example data: 30 countries, 2006",
    description=(
        "The example cross-section of the gegravity package (Peter Herman, USITC): "
        "manufacturing trade, output and expenditure from the Advanced Guide data, trade-cost "
        "proxies from the USITC Dynamic Gravity Dataset; 30 × 30 pairs, domestic flows "
        "included. Used to check our PPML against the package's published estimates."
    ),
    schema={
        "fields": [
            iso3("exporter_iso3", "Exporting country."),
            iso3("importer_iso3", "Importing country; equal to the exporter for domestic sales."),
            field("year", "year", "Calendar year.", enum=[2006]),
            field(
                "trade_usd_mn",
                "number",
                "Manufacturing trade flow (domestic sales when exporter = importer).",
                unit="US$ million (current)",
                minimum=0,
            ),
            field(
                "output_usd_mn",
                "number",
                "Exporter's manufacturing output.",
                unit="US$ million (current)",
                minimum=0,
            ),
            field(
                "expenditure_usd_mn",
                "number",
                "Importer's manufacturing expenditure.",
                unit="US$ million (current)",
                minimum=0,
            ),
            field(
                "log_distance_km",
                "number",
                "Natural log of population-weighted great-circle distance in km.",
                unit="ln(km)",
            ),
            _indicator("pta", "1 if both belong to a preferential trade agreement."),
            _indicator("contiguity", "1 if they share a border."),
            _indicator("common_language", "1 if they share a common language."),
            _indicator("international", "1 if exporter != importer."),
            source_id(),
        ],
        "primaryKey": ["exporter_iso3", "importer_iso3", "year"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("gegravity_sample",),
    build=build_gegravity_sample,
    sort_by=("year", "exporter_iso3", "importer_iso3"),
)
