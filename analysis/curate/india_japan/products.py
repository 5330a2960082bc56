"""Product tables: India's trade by HS2 chapter with Japan, China and the world; HS labels.

Rules, in words:

* ``india_trade_hs2`` keeps every chapter row of the EIDB file for Japan, China and the
  sum over all partners (``WLD``), values converted from US$ million to US$. A chapter
  whose cell is blank in the source stays blank (missing, not zero). A chapter with no
  row for a partner and year has no row here either: the source lists none.
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.countries import COUNTRY_FKS, FLOW, FLOWS
from analysis.curate.hs import HS2, HS2_COLUMNS
from analysis.curate.india_japan.trade import fiscal_year_bounds
from analysis.curate.raw import refuse_rows, to_number
from analysis.curate.schema import FISCAL_YEAR_PATTERN, field, fk, iso3, source_id
from analysis.curate.spec import RawContext, TableSpec

EIDB_PARTNERS = {
    "JAPAN": "JPN",
    "CHINA P RP": "CHN",
    "WORLD (sum over all partner rows)": "WLD",
}


def build_india_trade_hs2(ctx: RawContext) -> pd.DataFrame:
    """Derive India's trade by HS2 chapter with Japan, China and the world, FY2010-11 on.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per partner × fiscal year × chapter × flow, as in the source.
    """
    file = ctx.path("dgcis_eidb_hs2")
    raw = ctx.read("dgcis_eidb_hs2", HS2_COLUMNS)
    refuse_rows(raw, ~raw["partner"].isin(list(EIDB_PARTNERS)), "partner",
                "one of " + ", ".join(EIDB_PARTNERS), file=file)  # fmt: skip
    refuse_rows(raw, ~raw["flow"].isin(list(FLOWS)), "flow", "Export or Import", file=file)
    mn = to_number(raw, "value_usd_mn", file=file)
    refuse_rows(raw, mn < 0, "value_usd_mn", "a value >= 0", file=file)
    bounds = {fy: fiscal_year_bounds(fy, file=file, row=None) for fy in raw["fy"].unique()}
    out = pd.DataFrame(
        {
            "reporter_iso3": "IND",
            "partner_iso3": raw["partner"].map(EIDB_PARTNERS),
            "period": raw["fy"],
            "period_basis": "fiscal_apr_mar",
            "period_start": raw["fy"].map(lambda fy: bounds[fy][0]),
            "period_end": raw["fy"].map(lambda fy: bounds[fy][1]),
            "hs2": raw["hs2"],
            "flow": raw["flow"].map(FLOWS),
            "value_usd": (mn * 1e6).round().astype("Int64"),
            "source_id": "dgcis_eidb_hs2",
        }
    )
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out; "
        f"{int(out['value_usd'].isna().sum())} chapter cells blank in the source kept blank"
    )
    return out


INDIA_TRADE_HS2 = TableSpec(
    name="india_trade_hs2",
    title="India's trade by HS2 chapter with Japan, China and the world, FY2010-11 to FY2021-22",
    description="India-reported merchandise exports (FOB) and imports (CIF) by HS2 chapter and "
    "Indian fiscal year (April–March), nominal US$, for partners Japan, China and the world "
    "(WLD: the sum over every partner row of the EIDB file, within ±2.2 US$ million per "
    "chapter of EIDB's own world figures). Blank value: blank in the source (missing or "
    "negligible, not a known zero).",
    schema={
        "fields": [
            iso3("reporter_iso3", "Reporting country (India)."),
            iso3("partner_iso3", "Partner: JPN, CHN, or WLD (sum over all partners)."),
            field(
                "period",
                "string",
                "Indian fiscal year, e.g. 2019-20 (April 2019 to March 2020).",
                pattern=FISCAL_YEAR_PATTERN,
            ),
            field("period_basis", "string", "Always fiscal_apr_mar here.", enum=["fiscal_apr_mar"]),
            field("period_start", "date", "First day of the fiscal year."),
            field("period_end", "date", "Last day of the fiscal year."),
            HS2,
            FLOW,
            field(
                "value_usd",
                "integer",
                "Value in current US dollars (blank where the source cell is blank).",
                unit="US$",
                required=False,
                minimum=0,
            ),
            source_id(),
        ],
        "primaryKey": ["reporter_iso3", "partner_iso3", "period", "hs2", "flow"],
        "foreignKeys": [*COUNTRY_FKS, fk("hs2", "hs_chapters", "hs2")],
    },
    sources=("dgcis_eidb_hs2",),
    build=build_india_trade_hs2,
    sort_by=("partner_iso3", "period", "flow", "hs2"),
)

CLAIM_PRODUCT_GROUPS = TableSpec(
    name="claim_product_groups",
    title="Product groups named in the claims, mapped to HS chapters",
    description="Each product group the explainer names as a main export to or import from "
    "Japan (claims C18 and C19), with the HS 2017 chapters that hold it and the reason for the "
    "mapping. Groups narrower than a chapter are mapped to the whole chapter, as the reason says.",
    schema={
        "fields": [
            field("claim_id", "string", "The claim naming the group.", pattern="C[0-9]{2}"),
            field("flow", "string", "India's export or import.", enum=["export", "import"]),
            field("product_group", "string", "The group as the claim names it."),
            HS2,
            field("reason", "string", "Why this chapter stands for the group."),
        ],
        "primaryKey": ["claim_id", "product_group", "hs2"],
        "foreignKeys": [fk("hs2", "hs_chapter_labels", "hs2")],
    },
    sources=(),
)
