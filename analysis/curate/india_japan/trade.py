"""India's merchandise trade tables: India–Japan by period, India by partner, Comtrade pairs.

Rules, in words:

* India–Japan fiscal years FY2010-11 to FY2021-22 are the sums over HS2 chapters of the
  EIDB file (blank chapter cells skipped, their count kept in ``note``). The sums must
  equal the file's own totals table to the cent of a million, and the officially
  published totals (grades A and B) to within ``OFFICIAL_TOLERANCE``.
* Later fiscal years come from the hand-transcribed official figures of grades A and B,
  each row citing the publisher registered for its address. Grade C rows are left out
  and counted in the log.
* Calendar 2019 comes from the UN Comtrade file (India-reported).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.curate.countries import COMTRADE_COLUMNS, COUNTRY_FKS, FLOW, FLOWS, VALUE_USD
from analysis.curate.hs import HS2_COLUMNS
from analysis.curate.raw import (
    MONTHS,
    first_by_rank,
    grade_letter,
    month_end,
    refuse_rows,
    to_number,
)
from analysis.curate.schema import SOURCE_FK, field, fk, iso3, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

# Published totals are rounded to US$10 million and may carry later revisions.
OFFICIAL_TOLERANCE = 0.005
# India–Japan trade in one direction over a full fiscal year: US$1–50 billion.
JAPAN_FLOW_RANGE_USD = (1e9, 5e10)
LAST_EIDB_FY_START = 2021
GRADE_PREFERENCE = {"file": 0, "A": 1, "B": 2}

TOTALS_COLUMNS = [
    "partner", "flow", "fy", "fy_start_year", "value_usd_mn", "n_hs2_rows", "n_hs2_blank",
    "official_ref_usd_mn", "official_ref_source", "diff_vs_ref_usd_mn",
]  # fmt: skip
PUBLISHED_COLUMNS = [
    "period", "period_type", "basis", "india_exports_to_japan_usd_bn",
    "india_imports_from_japan_usd_bn", "total_trade_usd_bn", "publisher_cited", "source_url",
    "retrieved_via", "reliability", "notes",
]  # fmt: skip
_FY = re.compile(r"([0-9]{4})-([0-9]{2})")
_PARTIAL_FY = re.compile(r"([0-9]{4})-([0-9]{2}) \(([A-Z][a-z]{2})-([A-Z][a-z]{2})\)")


def fiscal_year_bounds(fy: str, *, file: str, row: int | None) -> tuple[str, str]:
    """Return the first and last day of an Indian fiscal year written ``YYYY-YY``.

    Parameters
    ----------
    fy
        For example ``"2019-20"`` (April 2019 to March 2020).
    file, row
        Where the value was read, for the error message.

    Returns
    -------
    tuple of str
        ISO dates of 1 April and 31 March.

    Examples
    --------
    >>> fiscal_year_bounds("2019-20", file="f.csv", row=2)
    ('2019-04-01', '2020-03-31')
    """
    m = _FY.fullmatch(fy)
    if not m or (int(m[1]) + 1) % 100 != int(m[2]):
        raise DataError(Problem(file, row, "fy", "a fiscal year like 2019-20", repr(fy)))
    start = int(m[1])
    return f"{start}-04-01", f"{start + 1}-03-31"


def normalise_fiscal_year(fy: str, *, file: str, row: int | None) -> str:
    """Write an Indian fiscal year given as ``2019-20`` or ``2019-2020`` as ``2019-20``.

    Parameters
    ----------
    fy
        The label as found.
    file, row
        Where the value was read, for the error message.

    Returns
    -------
    str
        The ``YYYY-YY`` form. Ambiguous forms such as ``FY20`` are refused.

    Examples
    --------
    >>> normalise_fiscal_year("1996-1997", file="f.csv", row=2)
    '1996-97'
    """
    m = re.fullmatch(r"([0-9]{4})-([0-9]{4})", fy)
    short = f"{m[1]}-{m[2][2:]}" if m and int(m[2]) == int(m[1]) + 1 else fy
    fiscal_year_bounds(short, file=file, row=row)
    return short


def _partial_bounds(period: str, *, file: str, row: int) -> tuple[str, str, str]:
    """Return the period label and bounds of a partial fiscal year like ``2024-25 (Apr-Jan)``."""
    m = _PARTIAL_FY.fullmatch(period)
    expected = "a partial fiscal year like 2024-25 (Apr-Jan), months in order within it"
    if not m or m[3] not in MONTHS or m[4] not in MONTHS:
        raise DataError(Problem(file, row, "period", expected, repr(period)))
    start_year = int(m[1])
    fiscal_year_bounds(f"{m[1]}-{m[2]}", file=file, row=row)
    first, last = MONTHS.index(m[3]) + 1, MONTHS.index(m[4]) + 1
    # Fiscal months run April (0) to March (11).
    if (first - 4) % 12 > (last - 4) % 12:
        raise DataError(Problem(file, row, "period", expected, repr(period)))
    first_year = start_year if first >= 4 else start_year + 1
    last_year = start_year if last >= 4 else start_year + 1
    return m[0], f"{first_year}-{first:02d}-01", month_end(last_year, last)


def _bn_to_usd(frame: pd.DataFrame, column: str, *, file: str) -> pd.Series:
    """Convert a column of US$ billion figures to whole US dollars (blank stays missing)."""
    return (to_number(frame, column, file=file) * 1e9).round()


def _whole_dollars(frame: pd.DataFrame, column: str, *, file: str) -> pd.Series:
    """Convert a column of whole US-dollar values, refusing blanks and fractions by row."""
    values = to_number(frame, column, file=file)
    refuse_rows(frame, values.isna() | (values != values.round()), column,
                "a whole number of US dollars", file=file)  # fmt: skip
    return values.astype("int64")


def _guard(frame: pd.DataFrame, file: str, column: str, lo: float, hi: float) -> None:
    """Stop when a value lies outside a magnitude guard (a likely unit error)."""
    bad = frame[(frame[column] < lo) | (frame[column] > hi)]
    if len(bad):
        raise DataError(
            [
                Problem(file, None, column, f"between {lo:,.0f} and {hi:,.0f} US$", f"{v:,.0f}")
                for v in bad[column]
            ]
        )


def _eidb_japan(ctx: RawContext) -> pd.DataFrame:
    """Sum the EIDB HS2 rows for Japan into fiscal-year totals and check them."""
    file = ctx.path("dgcis_eidb_hs2")
    hs2 = ctx.read("dgcis_eidb_hs2", HS2_COLUMNS)
    japan = hs2[hs2["partner"] == "JAPAN"].copy()
    ctx.log(
        f"  india_japan_trade: {len(japan)} HS2 rows with partner JAPAN used; "
        f"{len(hs2) - len(japan)} rows of other partners not used here"
    )
    refuse_rows(japan, ~japan["flow"].isin(list(FLOWS)), "flow", "Export or Import", file=file)
    values = to_number(japan, "value_usd_mn", file=file)
    refuse_rows(japan, values < 0, "value_usd_mn", "a value >= 0", file=file)
    japan["value_usd_mn"] = values
    for i, fy in japan["fy"].items():
        fiscal_year_bounds(fy, file=file, row=int(i) + 2)
    sums = (
        japan.groupby(["flow", "fy"], sort=True)
        .agg(
            value_usd_mn=("value_usd_mn", lambda s: s.sum(min_count=1)),
            n_chapters=("hs2", "size"),
            n_blank=("value_usd_mn", lambda s: int(s.isna().sum())),
        )
        .reset_index()
    )
    empty = sums[sums["value_usd_mn"].isna()]
    if len(empty):
        raise DataError(
            [Problem(file, None, "value_usd_mn", f"at least one chapter value for {f} {fy}",
                     "every chapter blank") for f, fy in empty[["flow", "fy"]].to_numpy()]
        )  # fmt: skip
    _check_against_totals(ctx, sums)
    sums["value_usd"] = (sums["value_usd_mn"] * 1e6).round().astype("int64")
    sums["note"] = [
        f"sum over {n - b} HS2 chapters" + (f"; {b} chapter(s) blank in the source" if b else "")
        for n, b in zip(sums["n_chapters"], sums["n_blank"], strict=True)
    ]
    _guard(sums, file, "value_usd", *JAPAN_FLOW_RANGE_USD)
    bounds = [fiscal_year_bounds(fy, file=file, row=None) for fy in sums["fy"]]
    return pd.DataFrame(
        {
            "period": sums["fy"],
            "period_basis": "fiscal_apr_mar",
            "period_start": [b[0] for b in bounds],
            "period_end": [b[1] for b in bounds],
            "flow": sums["flow"].map(FLOWS),
            "value_usd": sums["value_usd"],
            "grade": "file",
            "source_id": "dgcis_eidb_hs2",
            "note": sums["note"],
        }
    )


def _check_against_totals(ctx: RawContext, sums: pd.DataFrame) -> None:
    """Check the chapter sums against the file's totals table and its official references."""
    file = ctx.path("dgcis_eidb_totals")
    totals = ctx.read("dgcis_eidb_totals", TOTALS_COLUMNS)
    totals = totals[totals["partner"] == "JAPAN"]
    merged = sums.merge(
        totals.reset_index(names="line"), on=["flow", "fy"], how="outer", indicator=True
    )
    problems = []
    for _, r in merged.iterrows():
        if r["_merge"] != "both":
            where = "the totals file" if r["_merge"] == "right_only" else "the HS2 file"
            problems.append(
                Problem(
                    file, None, "fy", f"{r['flow']} {r['fy']} in both files", f"only in {where}"
                )
            )
            continue
        line = int(r["line"]) + 2
        if abs(float(r["value_usd_mn_y"]) - r["value_usd_mn_x"]) > 0.011:
            problems.append(
                Problem(
                    file,
                    line,
                    "value_usd_mn",
                    f"{r['value_usd_mn_x']:.2f} (sum of chapters)",
                    r["value_usd_mn_y"],
                )
            )
        if r["official_ref_usd_mn"]:
            ref = float(r["official_ref_usd_mn"])
            if abs(r["value_usd_mn_x"] / ref - 1) > OFFICIAL_TOLERANCE:
                problems.append(
                    Problem(
                        file,
                        line,
                        "official_ref_usd_mn",
                        f"within {OFFICIAL_TOLERANCE:.1%} of {r['value_usd_mn_x']:.2f}",
                        r["official_ref_usd_mn"],
                    )
                )
    if problems:
        raise DataError(problems)
    ctx.log(f"  checked {len(merged)} Japan fiscal-year totals against {file}: all agree")


def _published(ctx: RawContext, eidb: pd.DataFrame) -> pd.DataFrame:
    """Take fiscal years after the EIDB file from graded official figures; check the overlap."""
    file = ctx.path("published_trade_figures")
    pub = ctx.read("published_trade_figures", PUBLISHED_COLUMNS)
    by_address = {a: s for s, a in ctx.registry["address"].items() if isinstance(a, str) and a}
    eidb_values = eidb.set_index(["period", "flow"])["value_usd"]
    usd = {
        "export": _bn_to_usd(pub, "india_exports_to_japan_usd_bn", file=file),
        "import": _bn_to_usd(pub, "india_imports_from_japan_usd_bn", file=file),
    }
    rows, checked, skipped = [], 0, []
    for i, r in pub.iterrows():
        line = int(i) + 2
        grade = grade_letter(r["reliability"], file=file, row=line)
        if r["period_type"] == "calendar year":
            skipped.append(f"{r['period']} (calendar year; taken from the Comtrade file itself)")
            continue
        full = r["period_type"] == "FY Apr-Mar"
        if not full and r["period"][:4] <= str(LAST_EIDB_FY_START):
            skipped.append(f"{r['period']} (partial year inside the EIDB file's span)")
            continue
        if full:
            period = r["period"]
            start, end = fiscal_year_bounds(period, file=file, row=line)
        else:
            period, start, end = _partial_bounds(r["period"], file=file, row=line)
        values = {flow: usd[flow][i] for flow in usd}
        if int(start[:4]) <= LAST_EIDB_FY_START:
            for flow, value in values.items():
                if grade in ("A", "B") and pd.notna(value):
                    ours = eidb_values.get((period, flow))
                    if ours is None:
                        raise DataError(
                            Problem(file, line, "period", "a fiscal year the EIDB file covers "
                                    "(FY2010-11 to FY2021-22)", repr(period))
                        )  # fmt: skip
                    if abs(ours / value - 1) > OFFICIAL_TOLERANCE:
                        raise DataError(
                            Problem(
                                file,
                                line,
                                f"india_{flow}s",
                                f"within {OFFICIAL_TOLERANCE:.1%} "
                                f"of the EIDB total {ours / 1e9:.2f}",
                                f"{value / 1e9:.2f}",
                            )
                        )
                    checked += 1
        if grade not in ("A", "B"):
            skipped.append(f"{r['period']} (grade {grade}: {r['notes'][:60]}...)")
            continue
        sid = by_address.get(r["source_url"])
        if sid is None:
            raise DataError(
                Problem(
                    file,
                    line,
                    "source_url",
                    "an address registered in data/sources.csv",
                    r["source_url"],
                )
            )
        for flow, value in values.items():
            if pd.isna(value):
                raise DataError(
                    Problem(file, line, f"india_{flow}s_usd_bn", "a value for a period we use",
                            "a blank cell")
                )  # fmt: skip
            rows.append(
                {
                    "period": period,
                    "period_basis": "fiscal_apr_mar" if full else "partial_fiscal_apr_mar",
                    "period_start": start,
                    "period_end": end,
                    "flow": flow,
                    "value_usd": int(value),
                    "grade": grade,
                    "source_id": sid,
                    "note": f"figure as published; {r['period_type']}",
                }
            )
    ctx.log(
        f"  {file}: {len(pub)} rows in; {len(rows) // 2} periods kept ({len(rows)} rows); "
        f"{checked} of them confirm EIDB totals within {OFFICIAL_TOLERANCE:.1%}; "
        f"{len(skipped)} rows not used: " + "; ".join(skipped)
    )
    return pd.DataFrame(rows)


def _comtrade(ctx: RawContext) -> pd.DataFrame:
    """Return the Comtrade 2019 file as a canonical long table (all partners, World too)."""
    file = ctx.path("comtrade_ind_2019")
    raw = ctx.read("comtrade_ind_2019", COMTRADE_COLUMNS)
    for col, expected in [("Year", "2019"), ("Reporter ISO", "IND"), ("Commodity Code", "TOTAL")]:
        refuse_rows(raw, raw[col] != expected, col, repr(expected), file=file)
    refuse_rows(raw, ~raw["Trade Flow"].isin(list(FLOWS)), "Trade Flow", "Export or Import",
                file=file)  # fmt: skip
    out = pd.DataFrame(
        {
            "reporter_iso3": raw["Reporter ISO"],
            "partner_iso3": raw["Partner ISO"],
            "year": 2019,
            "flow": raw["Trade Flow"].map(FLOWS),
            "value_usd": _whole_dollars(raw, "Trade Value (US$)", file=file),
            "source_id": "comtrade_ind_2019",
        }
    )
    # Identity: the partner rows add up to the World row (to rounding of each cell).
    world = out[out["partner_iso3"] == "WLD"].set_index("flow")["value_usd"]
    parts = out[out["partner_iso3"] != "WLD"].groupby("flow")["value_usd"].sum()
    for flow in FLOWS.values():
        if abs(parts[flow] / world[flow] - 1) > 1e-6:
            raise DataError(
                Problem(
                    file,
                    None,
                    "Trade Value (US$)",
                    f"{flow} partner rows summing to World {world[flow]:,}",
                    f"{parts[flow]:,}",
                )
            )
    ctx.log(f"  {file}: {len(raw)} rows in, {len(out)} rows out; partner sums equal World")
    return out


def build_india_japan_trade(ctx: RawContext) -> pd.DataFrame:
    """Derive India–Japan merchandise trade by period, flow, basis and source.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per period × basis × flow × source, India reporting, partner Japan.
    """
    eidb = _eidb_japan(ctx)
    published = _published(ctx, eidb)
    comtrade = _comtrade(ctx)
    cal = comtrade[comtrade["partner_iso3"] == "JPN"]
    calendar = pd.DataFrame(
        {
            "period": "2019",
            "period_basis": "calendar",
            "period_start": "2019-01-01",
            "period_end": "2019-12-31",
            "flow": cal["flow"].to_numpy(),
            "value_usd": cal["value_usd"].to_numpy(),
            "grade": "file",
            "source_id": "comtrade_ind_2019",
            "note": "UN Comtrade, reporter India, all commodities",
        }
    )
    out = pd.concat([eidb, published, calendar], ignore_index=True)
    out.insert(0, "reporter_iso3", "IND")
    out.insert(1, "partner_iso3", "JPN")
    # Rule: a figure derived from a data file is preferred to a transcribed one for the same
    # period, basis and flow; among transcribed figures, grade A before grade B.
    first = first_by_rank(
        out, [out["grade"].map(GRADE_PREFERENCE)], ["period_basis", "period", "flow"]
    )
    out["is_preferred"] = first
    ctx.log(
        f"  india_japan_trade: {len(eidb)} EIDB + {len(published)} published + "
        f"{len(calendar)} Comtrade rows = {len(out)} rows"
    )
    return out


def build_india_trade_by_partner_2019(ctx: RawContext) -> pd.DataFrame:
    """Derive India's exports and imports with every partner in 2019 (UN Comtrade).

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per partner × flow, World (``WLD``) included.
    """
    return _comtrade(ctx)


# India–Japan flows over a period of months are at least US$100 million: a smaller value
# is a unit slip (millions or billions written as dollars).
BILATERAL_VALUE_USD = {
    **VALUE_USD,
    "constraints": {**VALUE_USD["constraints"], "minimum": 100_000_000},
}
PERIOD_PATTERN = r"[0-9]{4}(-[0-9]{2}( \([A-Z][a-z]{2}-[A-Z][a-z]{2}\))?)?"


def build_comtrade_quadrennial(ctx: RawContext) -> pd.DataFrame:
    """Derive total merchandise exports every four years for pairs involving IND, JPN or CHN.

    Values are exporter-reported UN Comtrade exports (so the importer's side gives the mirror
    view). Zero values are kept as reported but flagged: the source's notes say most of them
    mean "not reported" rather than no trade.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer × year.
    """
    file = ctx.path("penppml_comtrade")
    cols = ["exp", "imp", "year", "export_usd", "agreement_id", "agreement"]
    raw = ctx.read("penppml_comtrade", cols)
    value = to_number(raw, "export_usd", file=file)
    refuse_rows(raw, value.isna() | (value < 0), "export_usd", "a value in US dollars >= 0",
                file=file)  # fmt: skip
    # The R package stores values in single precision (about 7 significant digits), so
    # fractions of a dollar are storage noise: round to whole dollars.
    fractional = int((value != value.round()).sum())
    value = value.round()
    out = pd.DataFrame(
        {
            "exporter_iso3": raw["exp"],
            "importer_iso3": raw["imp"],
            "year": raw["year"],
            "value_usd": value.astype("int64"),
            "is_zero_reported": value == 0,
            "agreement": raw["agreement"],
            "source_id": "penppml_comtrade",
        }
    )
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out; "
        f"{int((value == 0).sum())} zero values kept and flagged is_zero_reported; "
        f"{fractional} values with single-precision fractions rounded to whole dollars"
    )
    return out


COMTRADE_QUADRENNIAL = TableSpec(
    name="comtrade_quadrennial",
    title="Merchandise exports every four years, 1964–2016, for pairs involving India, Japan "
    "or China",
    description="Total merchandise exports in current US$ by exporter and importer, for 1964, "
    "1968, …, 2016 (UN Comtrade, exporter-reported as inferred by the source's notes; calendar "
    "years; stored by the source in single precision, about 7 significant digits). Each pair "
    "appears once per direction, so both partners' reports can be compared. "
    "Zeros are as reported and mostly mean 'not reported' (flagged). Partner sums are not world "
    "totals: partner coverage is incomplete.",
    schema={
        "fields": [
            field(
                "exporter_iso3",
                "string",
                "Exporting country (the reporter).",
                pattern="[A-Z0-9]{3}",
            ),
            field("importer_iso3", "string", "Importing country.", pattern="[A-Z0-9]{3}"),
            field("year", "year", "Calendar year (every fourth year from 1964)."),
            field("value_usd", "integer", "Exports in current US dollars.", unit="US$", minimum=0),
            field(
                "is_zero_reported",
                "boolean",
                "True where the source gives 0 (most likely not reported).",
            ),
            field(
                "agreement",
                "string",
                "Trade agreement in force for the pair, if any.",
                required=False,
            ),
            source_id(),
        ],
        "primaryKey": ["exporter_iso3", "importer_iso3", "year"],
        "foreignKeys": [
            fk("exporter_iso3", "country_codes", "iso3"),
            fk("importer_iso3", "country_codes", "iso3"),
            SOURCE_FK,
        ],
    },
    sources=("penppml_comtrade",),
    build=build_comtrade_quadrennial,
    sort_by=("exporter_iso3", "importer_iso3", "year"),
)

INDIA_JAPAN_TRADE = TableSpec(
    name="india_japan_trade",
    title="India–Japan merchandise trade by period (India-reported)",
    description=(
        "India's exports to and imports from Japan, one row per period × basis × flow × "
        "source: fiscal years (April–March) FY2010-11 to FY2021-22 summed from the EIDB "
        "HS2 file, later fiscal years from graded official figures (A and B only), and "
        "calendar 2019 from UN Comtrade. Exports are FOB, imports CIF, nominal US$."
    ),
    schema={
        "fields": [
            iso3("reporter_iso3", "Reporting country (India)."),
            iso3("partner_iso3", "Partner country (Japan)."),
            field(
                "period",
                "string",
                "Period label: 2019 (calendar), 2019-20 (fiscal "
                "year April 2019 to March 2020), or a partial fiscal year like "
                "2024-25 (Apr-Jan).",
                pattern=PERIOD_PATTERN,
            ),
            field(
                "period_basis",
                "string",
                "Calendar year, Indian fiscal year (April–March) or a part of one.",
                enum=["calendar", "fiscal_apr_mar", "partial_fiscal_apr_mar"],
            ),
            field("period_start", "date", "First day of the period."),
            field("period_end", "date", "Last day of the period."),
            FLOW,
            BILATERAL_VALUE_USD,
            field(
                "grade",
                "string",
                "'file' for rows derived from a data file; A (official "
                "page) or B (official figure relayed) for hand-transcribed figures.",
                enum=["file", "A", "B"],
            ),
            field(
                "is_preferred",
                "boolean",
                "The row to use where several sources give the same period, basis and flow: "
                "a data file before a transcription, grade A before B.",
            ),
            source_id(),
            field("note", "string", "How the value was obtained.", required=False),
        ],
        "primaryKey": [
            "reporter_iso3",
            "partner_iso3",
            "period_basis",
            "period",
            "flow",
            "source_id",
        ],
        "foreignKeys": COUNTRY_FKS,
    },
    sources=(
        "dgcis_eidb_hs2",
        "dgcis_eidb_totals",
        "published_trade_figures",
        "pib_moc_2014",
        "embassy_india_tokyo",
        "moc_pti_2025",
        "comtrade_ind_2019",
    ),
    build=build_india_japan_trade,
    sort_by=("period_start", "period_basis", "source_id", "flow"),
)

INDIA_TRADE_BY_PARTNER_2019 = TableSpec(
    name="india_trade_by_partner_2019",
    title="India's merchandise trade with every partner, 2019",
    description=(
        "India-reported total merchandise exports and imports with each partner in calendar "
        "2019 (UN Comtrade, all commodities); partner WLD is the world total. Partners with no "
        "recorded imports have no import row (not a zero)."
    ),
    schema={
        "fields": [
            iso3("reporter_iso3", "Reporting country (India)."),
            iso3("partner_iso3", "Partner country or area; WLD for the world total."),
            field("year", "year", "Calendar year."),
            FLOW,
            VALUE_USD,
            source_id(),
        ],
        "primaryKey": ["reporter_iso3", "partner_iso3", "year", "flow"],
        "foreignKeys": COUNTRY_FKS,
    },
    sources=("comtrade_ind_2019",),
    build=build_india_trade_by_partner_2019,
    sort_by=("reporter_iso3", "partner_iso3", "year", "flow"),
)
