"""Comparator tables: Japan–China trade, India–China trade (IMF), India by HS2 since FY1996-97.

Rules, in words:

* ``japan_china_trade`` has one row per exporter × importer × year × measure. Japan's
  customs figures (thousand yen, monthly) are summed over complete calendar years and
  converted at the year's average of the IMF's daily yen rates. CEPII's rows give UN
  Comtrade exporter- and importer-reported flows, BACI and IMF flows (thousand US$).
* ``india_china_trade_imf`` keeps India's and China's reports on their mutual trade
  (IMF DOTS). Cells the source flags as corrupted (> US$1 trillion) are kept as rows with
  no value and ``is_suspect`` true; every other value from 1981 to 1999 is flagged too,
  as the source's notes advise caution there.
* ``india_trade_hs2_eidb_pages`` keeps India–China and India–World by HS2 chapter for
  FY1996-97 to FY2019-20 from the EIDB report pages (a second scrape of the same publisher).
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.countries import FLOW, FLOWS
from analysis.curate.india_japan.trade import fiscal_year_bounds, normalise_fiscal_year
from analysis.curate.raw import refuse_rows, to_number
from analysis.curate.schema import FISCAL_YEAR_PATTERN, SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

CEPII_MEASURES = {
    "tradeflow_comtrade_o": "comtrade_exporter_reported",
    "tradeflow_comtrade_d": "comtrade_importer_reported",
    "tradeflow_baci": "baci",
    "tradeflow_imf_o": "imf_exporter_reported",
    "tradeflow_imf_d": "imf_importer_reported",
}
DOTS_CODES = {"534": "IND", "924": "CHN"}
DOTS_INDICATORS = {"TXG_FOB_USD": "export", "TMG_CIF_USD": "import"}
SUSPECT_YEARS = range(1981, 2000)
EIDB_PAGE_PARTNERS = {"CHINA P RP": "CHN", "WORLD": "WLD"}


def _japan_customs(ctx: RawContext) -> pd.DataFrame:
    """Sum Japan's monthly customs figures with China into calendar years, in US$."""
    file = ctx.path("mof_japan_china")
    raw = ctx.read("mof_japan_china", ["Date", "Exports", "Imports"], delimiter=";")
    year = raw["Date"].str[:4]
    refuse_rows(raw, ~raw["Date"].str.fullmatch(r"[0-9]{4}/[0-9]{2}"), "Date", "YYYY/MM",
                file=file)  # fmt: skip
    fx_file = ctx.path("imf_fx_daily")
    fx = ctx.read("imf_fx_daily", ["Date", "CNY", "JPY", "KRW", "USD"], delimiter=";")
    jpy = to_number(fx, "JPY", file=fx_file)
    fx_year = pd.to_datetime(fx["Date"], format="%d-%b-%Y").dt.year.astype("str")
    rate = jpy.groupby(fx_year).mean()
    rows = []
    for column, exporter, importer in [("Exports", "JPN", "CHN"), ("Imports", "CHN", "JPN")]:
        thousand_yen = to_number(raw, column, file=file)
        months = thousand_yen.groupby(year).count()
        totals = thousand_yen.groupby(year).sum()
        for y in totals.index[months == 12]:
            rows.append(
                {
                    "exporter_iso3": exporter,
                    "importer_iso3": importer,
                    "year": y,
                    "measure": "japan_customs",
                    "reporter_iso3": "JPN",
                    "value_usd": round(totals[y] * 1000 / rate[y]),
                    "value_jpy": round(totals[y] * 1000),
                    "source_id": "mof_japan_china",
                }
            )
    ctx.log(
        f"  {file}: {len(raw)} months in, {len(rows)} year rows out (complete years only); "
        f"converted at annual means of {int(jpy.notna().sum())} daily yen rates from {fx_file}"
    )
    return pd.DataFrame(rows)


def _cepii(ctx: RawContext) -> pd.DataFrame:
    """Reshape CEPII's Japan–China rows into one row per measure, in US$."""
    file = ctx.path("cepii_gravity_jpn_chn")
    path = ctx.raw_dir / file
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    raw = ctx.read("cepii_gravity_jpn_chn", header)
    missing = [c for c in ["year", "iso3_o", "iso3_d", *CEPII_MEASURES] if c not in header]
    if missing:
        raise DataError(Problem(file, 1, ", ".join(missing), "these columns", "none such"))
    rows = []
    for column, measure in CEPII_MEASURES.items():
        thousand = to_number(raw, column, file=file)
        reporter = raw["iso3_d"] if measure.endswith("importer_reported") else raw["iso3_o"]
        for i in raw.index[thousand.notna()]:
            rows.append(
                {
                    "exporter_iso3": raw.at[i, "iso3_o"],
                    "importer_iso3": raw.at[i, "iso3_d"],
                    "year": raw.at[i, "year"],
                    "measure": measure,
                    "reporter_iso3": "" if measure == "baci" else reporter[i],
                    "value_usd": round(thousand[i] * 1000),
                    "value_jpy": None,
                    "source_id": "cepii_gravity_jpn_chn",
                }
            )
    ctx.log(
        f"  {file}: {len(raw)} rows × {len(CEPII_MEASURES)} measures in, {len(rows)} rows out "
        "(blank cells, such as every 2021 flow, have no row)"
    )
    return pd.DataFrame(rows)


def build_japan_china_trade(ctx: RawContext) -> pd.DataFrame:
    """Derive Japan–China trade by year and measure (Japan's customs, Comtrade, BACI, IMF).

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer × year × measure.
    """
    return pd.concat([_japan_customs(ctx), _cepii(ctx)], ignore_index=True)


def build_india_china_trade_imf(ctx: RawContext) -> pd.DataFrame:
    """Derive India's and China's reports of their mutual trade from IMF DOTS.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per reporter × flow × year.
    """
    file = ctx.path("imf_dots_ind_chn")
    raw = ctx.read(
        "imf_dots_ind_chn",
        ["Country Name", "Country Code", "Indicator Name", "Indicator Code",
         "Counterpart Country Name", "Counterpart Country Code", "year", "value_usd",
         "suspect_value"],
    )  # fmt: skip
    pair = raw[
        raw["Country Code"].isin(list(DOTS_CODES))
        & raw["Counterpart Country Code"].isin(list(DOTS_CODES))
        & (raw["Country Code"] != raw["Counterpart Country Code"])
    ]
    refuse_rows(pair, ~pair["Indicator Code"].isin(list(DOTS_INDICATORS)), "Indicator Code",
                "TXG_FOB_USD or TMG_CIF_USD", file=file)  # fmt: skip
    value = to_number(pair, "value_usd", file=file)
    corrupted = pair["suspect_value"] == "True"
    caution = pair["year"].astype("int64").isin(SUSPECT_YEARS)
    ctx.log(
        f"  {file}: {len(raw)} rows in; {len(pair)} India–China rows kept, {len(raw) - len(pair)} "
        f"rows of other pairs not used; {int(corrupted.sum())} corrupted cells kept without a "
        f"value; {int(value.isna().sum() - corrupted.sum())} blank"
    )
    return pd.DataFrame(
        {
            "reporter_iso3": pair["Country Code"].map(DOTS_CODES),
            "partner_iso3": pair["Counterpart Country Code"].map(DOTS_CODES),
            "year": pair["year"],
            "flow": pair["Indicator Code"].map(DOTS_INDICATORS),
            "value_usd": value.where(~corrupted).round().astype("Int64"),
            "is_suspect": corrupted | caution,
            "source_id": "imf_dots_ind_chn",
        }
    )


def build_india_trade_hs2_eidb_pages(ctx: RawContext) -> pd.DataFrame:
    """Derive India–China and India–World trade by HS2 chapter, FY1996-97 to FY2019-20.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per partner × fiscal year × chapter × flow.
    """
    file = ctx.path("dgcis_eidb_pages")
    raw = ctx.read(
        "dgcis_eidb_pages",
        ["partner", "flow", "fy", "hs2", "commodity", "value_usd_mn", "source_file", "page_dated"],
    )
    for column, allowed in [("partner", EIDB_PAGE_PARTNERS), ("flow", FLOWS)]:
        refuse_rows(raw, ~raw[column].isin(list(allowed)), column,
                    "one of " + ", ".join(allowed), file=file)  # fmt: skip
    mn = to_number(raw, "value_usd_mn", file=file)
    fy = pd.Series(
        [normalise_fiscal_year(v, file=file, row=int(i) + 2) for i, v in raw["fy"].items()],
        index=raw.index,
    )
    bounds = {v: fiscal_year_bounds(v, file=file, row=None) for v in fy.unique()}
    ctx.log(f"  {file}: {len(raw)} rows in, {len(raw)} rows out (fiscal years as YYYY-YY)")
    return pd.DataFrame(
        {
            "reporter_iso3": "IND",
            "partner_iso3": raw["partner"].map(EIDB_PAGE_PARTNERS),
            "period": fy,
            "period_basis": "fiscal_apr_mar",
            "period_start": fy.map(lambda v: bounds[v][0]),
            "period_end": fy.map(lambda v: bounds[v][1]),
            "hs2": raw["hs2"],
            "flow": raw["flow"].map(FLOWS),
            "value_usd": (mn * 1e6).round().astype("Int64"),
            "source_id": "dgcis_eidb_pages",
        }
    )


PAIR_FIELDS = [
    field("exporter_iso3", "string", "Exporting country.", pattern="[A-Z]{3}"),
    field("importer_iso3", "string", "Importing country.", pattern="[A-Z]{3}"),
    field("year", "year", "Calendar year."),
]

JAPAN_CHINA_TRADE = TableSpec(
    name="japan_china_trade",
    title="Japan–China merchandise trade by year, reporter and measure",
    description="Japan's exports to and imports from China from Japan's customs (2001–2019, "
    "converted from yen at the IMF's annual average rate) and, for 2015–2020, UN Comtrade "
    "(exporter- and importer-reported), BACI and IMF flows from the CEPII Gravity database. "
    "Exports are FOB, imports CIF: the reporter matters.",
    schema={
        "fields": [
            *PAIR_FIELDS,
            field(
                "measure",
                "string",
                "Which series.",
                enum=["japan_customs", *CEPII_MEASURES.values()],
            ),
            field(
                "reporter_iso3",
                "string",
                "Who reported the flow (blank for BACI, which reconciles both).",
                required=False,
            ),
            field("value_usd", "integer", "Value in current US dollars.", unit="US$", minimum=0),
            field(
                "value_jpy",
                "integer",
                "Value in yen as reported (Japan's customs only).",
                unit="JPY",
                required=False,
                minimum=0,
            ),
            source_id(),
        ],
        "primaryKey": ["exporter_iso3", "importer_iso3", "year", "measure"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("mof_japan_china", "imf_fx_daily", "cepii_gravity_jpn_chn"),
    build=build_japan_china_trade,
    sort_by=("measure", "exporter_iso3", "year"),
)

INDIA_CHINA_TRADE_IMF = TableSpec(
    name="india_china_trade_imf",
    title="India–China trade as reported by each side (IMF DOTS), 1948–2020",
    description="Goods exports (FOB) and imports (CIF) between India and China as reported by "
    "India and by China to the IMF, calendar years. 1981–1999 values are flagged is_suspect; "
    "cells corrupted in the source (over US$1 trillion) have no value.",
    schema={
        "fields": [
            field("reporter_iso3", "string", "Reporting country.", enum=["IND", "CHN"]),
            field("partner_iso3", "string", "Partner country.", enum=["IND", "CHN"]),
            field("year", "year", "Calendar year."),
            FLOW,
            field(
                "value_usd",
                "integer",
                "Value in current US dollars (blank: not reported or corrupted).",
                unit="US$",
                required=False,
                minimum=0,
            ),
            field(
                "is_suspect", "boolean", "True for 1981–1999 and corrupted cells: use with caution."
            ),
            source_id(),
        ],
        "primaryKey": ["reporter_iso3", "partner_iso3", "year", "flow"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("imf_dots_ind_chn",),
    build=build_india_china_trade_imf,
    sort_by=("reporter_iso3", "flow", "year"),
)

INDIA_TRADE_HS2_EIDB_PAGES = TableSpec(
    name="india_trade_hs2_eidb_pages",
    title="India's trade by HS2 chapter with China and the world, FY1996-97 to FY2019-20",
    description="India-reported exports (FOB) and imports (CIF) by HS2 chapter and fiscal year "
    "(April–March) for China and the world (EIDB's own world totals), parsed from EIDB report "
    "pages. FY2019-20 comes from provisional monthly sheets. Overlaps india_trade_hs2 for "
    "FY2010-11 to FY2019-20: China cells agree exactly there, world cells within US$2.2 million.",
    schema={
        "fields": [
            field("reporter_iso3", "string", "Reporting country (India).", pattern="[A-Z]{3}"),
            field(
                "partner_iso3", "string", "CHN, or WLD (EIDB's world total).", enum=["CHN", "WLD"]
            ),
            field(
                "period", "string", "Indian fiscal year, e.g. 2019-20.", pattern=FISCAL_YEAR_PATTERN
            ),
            field("period_basis", "string", "Always fiscal_apr_mar.", enum=["fiscal_apr_mar"]),
            field("period_start", "date", "First day of the fiscal year."),
            field("period_end", "date", "Last day of the fiscal year."),
            field("hs2", "string", "HS chapter.", pattern="[0-9]{2}"),
            FLOW,
            field(
                "value_usd",
                "integer",
                "Value in current US dollars (blank: blank in the source).",
                unit="US$",
                required=False,
                minimum=0,
            ),
            source_id(),
        ],
        "primaryKey": ["reporter_iso3", "partner_iso3", "period", "hs2", "flow"],
        "foreignKeys": [fk("hs2", "hs_chapters", "hs2"), SOURCE_FK],
    },
    sources=("dgcis_eidb_pages",),
    build=build_india_trade_hs2_eidb_pages,
    sort_by=("partner_iso3", "period", "flow", "hs2"),
)
