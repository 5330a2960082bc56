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
  shipped: :func:`analysis.models.gravity.prepare` derives the same grouping from the codes.
* ``gegravity_sample_2006`` is the gegravity package's example cross-section (30
  countries, 2006, domestic flows included), columns renamed, values unchanged.
* ``geodist_pairs`` keeps every directed pair of CEPII's GeoDist ``dist_cepii`` (Mayer
  and Zignago 2011), own pairs included, under the file's standardised codes ``iso3_o``
  and ``iso3_d`` (ROM→ROU, ZAR→COD, TMP→TLS, PAL→PSE; YUG stays YUG). ``distance_km`` is
  the population-weighted ``distw``; where ``distw`` is blank (every pair of Cocos
  Islands, Christmas Island, Macao, Montserrat and Pitcairn) it falls back to the
  distance between capitals ``distcap``, as the Advanced Guide's panel does for Macao;
  the fallbacks are counted in the log. ``distance_simple_km`` is ``dist`` (main
  cities). ``common_language`` is ``comlang_off`` (a common official language). The
  other nine columns of the file are not used and not shipped.
* ``rta_pairs`` keeps the undirected pair-years 1986–2020 of the WTO RTA expansion in
  which at least one agreement is in force (a pair-year absent from the table has
  none): 1986 is the first year of the Advanced Guide's panel, and 2021 is left out
  because the export ends in March 2021. ``rta_any`` counts every agreement, partial-
  scope agreements (PSA) included, so it is 1 on every row; ``rta_excl_psa`` is 1 where
  at least one free-trade agreement, customs union or economic-integration agreement is
  in force. The agreement counts, types and ids are not shipped.
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.raw import refuse_rows, to_number
from analysis.curate.schema import SOURCE_FK, field, iso3, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

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
GEODIST_COLUMNS = [
    "iso_o", "iso_d", "iso3_o", "iso3_d", "contig", "comlang_off", "comlang_ethno", "colony",
    "comcol", "curcol", "col45", "smctry", "dist", "distcap", "distw", "distwces",
]  # fmt: skip
GEODIST_DUMMIES = {"contig": "contiguity", "comlang_off": "common_language", "colony": "colony"}
RTA_COLUMNS = [
    "iso3_a", "iso3_b", "year", "rta_any", "rta_excl_psa", "n_agreements", "types", "rta_ids",
]  # fmt: skip
# The first year of the Advanced Guide's panel, and the last complete year of the export.
RTA_YEARS = (1986, 2020)


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


def build_geodist_pairs(ctx: RawContext) -> pd.DataFrame:
    """Derive the directed GeoDist pairs: distances, contiguity, language, colonial ties.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer (own pairs included) under the standardised codes.
    """
    file = ctx.path("cepii_geodist")
    raw = ctx.read("cepii_geodist", GEODIST_COLUMNS)
    weighted = to_number(raw, "distw", file=file)
    capitals = _positive(raw, "distcap", file=file, allow_zero=False)
    fallback = weighted.isna()
    refuse_rows(raw, weighted <= 0, "distw", "a number > 0 or blank", file=file)
    out = pd.DataFrame(
        {
            "exporter_iso3": raw["iso3_o"],
            "importer_iso3": raw["iso3_d"],
            "distance_km": weighted.fillna(capitals),
            "distance_simple_km": _positive(raw, "dist", file=file, allow_zero=False),
        }
    )
    for src, ours in GEODIST_DUMMIES.items():
        out[ours] = _dummy(raw, src, file=file)
    out["source_id"] = "cepii_geodist"
    dup = out.duplicated(["exporter_iso3", "importer_iso3"])
    refuse_rows(raw, dup, "iso3_d", "each standardised pair once", file=file)
    codes = sorted(set(out["exporter_iso3"]))
    if len(out) != len(codes) ** 2:
        raise DataError(Problem(file, None, "iso3_o,iso3_d", f"{len(codes)}² pairs", f"{len(out)}"))
    renamed = raw.loc[raw["iso_o"] != raw["iso3_o"], ["iso_o", "iso3_o"]].drop_duplicates()
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out ({len(codes)} codes; "
        f"{', '.join(f'{a}→{b}' for a, b in renamed.itertuples(index=False))} as in iso3_o); "
        f"distw blank on {int(fallback.sum())} pairs "
        f"({', '.join(sorted(set(raw.loc[fallback & (raw['iso3_o'] == raw['iso3_d']), 'iso3_o'])))}"
        " with everyone): distance_km falls back to distcap there"
    )
    return out


def build_rta_pairs(ctx: RawContext) -> pd.DataFrame:
    """Derive the undirected pair-years with a trade agreement in force, 1986–2020.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per pair (``iso3_a`` < ``iso3_b``) and year with at least one agreement.
    """
    file = ctx.path("wto_rta")
    raw = ctx.read("wto_rta", RTA_COLUMNS)
    years = pd.to_numeric(raw["year"], errors="coerce")
    refuse_rows(raw, years.isna(), "year", "a year", file=file)
    refuse_rows(raw, raw["iso3_a"] >= raw["iso3_b"], "iso3_b", "a code after iso3_a",
                file=file)  # fmt: skip
    any_rta = _dummy(raw, "rta_any", file=file)
    refuse_rows(raw, any_rta != 1, "rta_any", "1 (only pair-years in force are listed)",
                file=file)  # fmt: skip
    keep = years.between(*RTA_YEARS)
    sub = raw[keep]
    out = pd.DataFrame(
        {
            "iso3_a": sub["iso3_a"],
            "iso3_b": sub["iso3_b"],
            "year": years[keep].astype("int64"),
            "rta_any": any_rta[keep],
            "rta_excl_psa": _dummy(sub, "rta_excl_psa", file=file),
            "source_id": "wto_rta",
        }
    )
    dup = out.duplicated(["iso3_a", "iso3_b", "year"])
    refuse_rows(sub, dup, "year", "each pair and year once", file=file)
    before, after = years < RTA_YEARS[0], years > RTA_YEARS[1]
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out (years {RTA_YEARS[0]}-"
        f"{RTA_YEARS[1]}; {int(before.sum())} rows before {RTA_YEARS[0]} and "
        f"{int(after.sum())} of {', '.join(map(str, sorted(set(years[after].astype(int)))))} "
        f"(incomplete: the export ends in March 2021) not used); "
        f"{int((out['rta_excl_psa'] == 0).sum())} pair-years with partial-scope agreements only"
    )
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
    format="parquet",
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

GEODIST_PAIRS = TableSpec(
    name="geodist_pairs",
    title="Bilateral distances and ties between 224 countries (CEPII GeoDist)",
    description=(
        "Every directed pair of CEPII's GeoDist dist_cepii file (Mayer and Zignago 2011, "
        "'Notes on CEPII's distances measures: the GeoDist database', CEPII Working Paper "
        "2011-25), own pairs included, under current ISO codes (ROM→ROU, ZAR→COD, TMP→TLS, "
        "PAL→PSE; YUG is Serbia and Montenegro as of 2004). Population-weighted distance, "
        "with the distance between capitals where GeoDist has no weighted distance (every "
        "pair of CCK, CXR, MAC, MSR and PCN: 2,215 pairs); distance between main cities; "
        "contiguity, common official language and colonial link. Time-invariant."
    ),
    schema={
        "fields": [
            iso3("exporter_iso3", "Origin country (GeoDist iso3_o)."),
            iso3(
                "importer_iso3",
                "Destination country (GeoDist iso3_d); equal to the origin "
                "for the internal distance.",
            ),  # fmt: skip
            field(
                "distance_km",
                "number",
                "Population-weighted great-circle distance (GeoDist distw); distance between "
                "capitals (distcap) where distw is blank.",
                unit="km",
                minimum=0,
            ),
            field(
                "distance_simple_km",
                "number",
                "Great-circle distance between the main cities (GeoDist dist).",
                unit="km",
                minimum=0,
            ),
            _indicator("contiguity", "1 if the two share a border (GeoDist contig)."),
            _indicator("common_language", "1 if they share an official language (comlang_off)."),
            _indicator("colony", "1 if they ever had a colonial link (GeoDist colony)."),
            source_id(),
        ],
        "primaryKey": ["exporter_iso3", "importer_iso3"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("cepii_geodist",),
    build=build_geodist_pairs,
    format="parquet",
    sort_by=("exporter_iso3", "importer_iso3"),
)

RTA_PAIRS = TableSpec(
    name="rta_pairs",
    title="Country pairs with a regional trade agreement in force, 1986–2020 (WTO RTA database)",
    description=(
        "Undirected country pairs and years, 1986-2020, in which at least one regional "
        "trade agreement notified to the WTO is in force, expanded from the WTO Regional "
        "Trade Agreements database export of about March 2021 (blocs expanded to their "
        "members in each year). A pair-year that is not listed has no agreement. rta_any "
        "counts partial-scope agreements too; rta_excl_psa only free-trade agreements, "
        "customs unions and economic-integration agreements."
    ),
    schema={
        "fields": [
            iso3("iso3_a", "One party (the code that sorts first)."),
            iso3("iso3_b", "The other party (the code that sorts last)."),
            field("year", "year", "Calendar year.", minimum=RTA_YEARS[0], maximum=RTA_YEARS[1]),
            _indicator(
                "rta_any",
                "1: at least one agreement of any type in force (always 1 "
                "here; pairs without one are not listed).",
            ),  # fmt: skip
            _indicator(
                "rta_excl_psa",
                "1 if at least one agreement other than a partial-scope "
                "agreement (an FTA, customs union or EIA) is in force.",
            ),  # fmt: skip
            source_id(),
        ],
        "primaryKey": ["iso3_a", "iso3_b", "year"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("wto_rta",),
    build=build_rta_pairs,
    format="parquet",
    sort_by=("iso3_a", "iso3_b", "year"),
)
