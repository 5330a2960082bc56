"""Macro tables of the flagship: GDP (World Bank), exchange rates (US Federal Reserve).

Rules, in words:

* ``gdp`` keeps India, Japan, China and the World from WDI, current US$, calendar years.
* ``exchange_rates`` keeps the monthly averages of rupee, yen and yuan per US dollar. The
  monthly rows' calendar-year means must equal the published annual averages to within
  ``ANNUAL_TOLERANCE`` (checked on every rebuild).
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.raw import positive, refuse_rows
from analysis.curate.schema import SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

GDP_COUNTRIES = {"IND", "JPN", "CHN", "WLD"}
CURRENCIES = {"India": ("IND", "INR"), "Japan": ("JPN", "JPY"), "China": ("CHN", "CNY")}
# The Fed's annual figure is the mean of its daily rates; the mean of monthly means differs
# slightly because months have different numbers of trading days.
ANNUAL_TOLERANCE = 0.01
# Magnitude guards on GDP: the world is US$ 1–1,000 trillion, a country at least US$ 1 bn.
GDP_RANGE_USD = (1e9, 1e15)


def build_gdp(ctx: RawContext) -> pd.DataFrame:
    """Derive GDP in current US$ for India, Japan, China and the World.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per country and calendar year.
    """
    file = ctx.path("wdi_gdp")
    raw = ctx.read("wdi_gdp", ["Country Name", "Country Code", "Year", "Value"])
    kept = raw[raw["Country Code"].isin(GDP_COUNTRIES)]
    gdp = positive(kept, "Value", file=file)
    lo, hi = GDP_RANGE_USD
    refuse_rows(kept, (gdp < lo) | (gdp > hi), "Value", f"between {lo:.0e} and {hi:.0e} US$",
                file=file)  # fmt: skip
    ctx.log(
        f"  {file}: {len(raw)} rows in; {len(kept)} rows for {', '.join(sorted(GDP_COUNTRIES))} "
        f"kept, {len(raw) - len(kept)} rows of other economies not used"
    )
    return pd.DataFrame(
        {
            "country_iso3": kept["Country Code"],
            "year": kept["Year"],
            "gdp_usd": gdp.round().astype("int64"),
            "source_id": "wdi_gdp",
        }
    )


def build_exchange_rates(ctx: RawContext) -> pd.DataFrame:
    """Derive monthly average exchange rates (national currency per US$) and check them.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per currency and month.
    """
    file = ctx.path("fred_fx_monthly")
    columns = ["Date", "Country", "Exchange rate"]
    raw = ctx.read("fred_fx_monthly", columns)
    refuse_rows(raw, ~raw["Country"].isin(list(CURRENCIES)), "Country", "India, Japan or China",
                file=file)  # fmt: skip
    rate = positive(raw, "Exchange rate", file=file)
    out = pd.DataFrame(
        {
            "country_iso3": raw["Country"].map(lambda c: CURRENCIES[c][0]),
            "currency": raw["Country"].map(lambda c: CURRENCIES[c][1]),
            "month": raw["Date"],
            "per_usd": rate,
            "source_id": "fred_fx_monthly",
        }
    )
    _check_annual(ctx, out)
    ctx.log(f"  {file}: {len(raw)} rows in, {len(out)} rows out")
    return out


def _check_annual(ctx: RawContext, monthly: pd.DataFrame) -> None:
    """Check that full years of monthly means agree with the published annual averages."""
    file = ctx.path("fred_fx_annual")
    annual = ctx.read("fred_fx_annual", ["Date", "Country", "Exchange rate"])
    ours = monthly.assign(year=monthly["month"].str[:4]).groupby(["currency", "year"])["per_usd"]
    means = ours.mean()[ours.size() == 12]
    problems, checked = [], 0
    for i, r in annual.iterrows():
        key = (CURRENCIES[r["Country"]][1], r["Date"][:4])
        if key not in means.index:
            continue
        checked += 1
        if abs(means[key] / float(r["Exchange rate"]) - 1) > ANNUAL_TOLERANCE:
            problems.append(
                Problem(file, int(i) + 2, "Exchange rate",
                        f"within {ANNUAL_TOLERANCE:.0%} of the monthly mean {means[key]:.4f}",
                        r["Exchange rate"])
            )  # fmt: skip
    if problems:
        raise DataError(problems)
    ctx.log(f"  checked {checked} annual averages against the monthly means: all agree")


GDP = TableSpec(
    name="gdp",
    title="GDP in current US dollars: India, Japan, China and the World",
    description="Gross domestic product at purchaser's prices, current US$, calendar years "
    "(World Bank WDI NY.GDP.MKTP.CD, vintage of about 2024).",
    schema={
        "fields": [
            field(
                "country_iso3", "string", "Country code, or WLD for the world.", pattern="[A-Z]{3}"
            ),
            field("year", "year", "Calendar year."),
            field("gdp_usd", "integer", "GDP in current US dollars.", unit="US$", minimum=0),
            source_id(),
        ],
        "primaryKey": ["country_iso3", "year"],
        "foreignKeys": [fk("country_iso3", "country_codes", "iso3"), SOURCE_FK],
    },
    sources=("wdi_gdp",),
    build=build_gdp,
    sort_by=("country_iso3", "year"),
)

EXCHANGE_RATES = TableSpec(
    name="exchange_rates",
    title="Exchange rates: rupee, yen and yuan per US dollar, monthly averages",
    description="Monthly averages of daily noon buying rates in New York (US Federal Reserve "
    "H.10). Annual and fiscal-year averages are computed from these by analysis.measures.prices.",
    schema={
        "fields": [
            field("country_iso3", "string", "Country whose currency it is.", pattern="[A-Z]{3}"),
            field("currency", "string", "ISO 4217 currency code.", enum=["INR", "JPY", "CNY"]),
            field("month", "date", "First day of the month."),
            field(
                "per_usd",
                "number",
                "Units of the currency per US dollar, monthly average.",
                unit="currency per US$",
                minimum=0,
            ),
            source_id(),
        ],
        "primaryKey": ["currency", "month"],
        "foreignKeys": [fk("country_iso3", "country_codes", "iso3"), SOURCE_FK],
    },
    sources=("fred_fx_monthly", "fred_fx_annual"),
    build=build_exchange_rates,
    sort_by=("currency", "month"),
)
