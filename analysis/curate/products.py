"""Product tables: India's trade by HS2 chapter with Japan, China and the world; HS labels.

Rules, in words:

* ``india_trade_hs2`` keeps every chapter row of the EIDB file for Japan, China and the
  sum over all partners (``WLD``), values converted from US$ million to US$. A chapter
  whose cell is blank in the source stays blank (missing, not zero). A chapter with no
  row for a partner and year has no row here either: the source lists none.
* ``hs_chapters`` joins each chapter to its HS section and a short label (both
  registers written by hand, with reasons) and to the EIDB's own description.
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.raw import refuse_rows, to_number
from analysis.curate.schema import FISCAL_YEAR_PATTERN, SOURCE_FK, field, fk, iso3, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.curate.trade import COUNTRY_FKS, FLOW, FLOWS, HS2_COLUMNS, fiscal_year_bounds
from analysis.errors import DataError, Problem

EIDB_PARTNERS = {
    "JAPAN": "JPN",
    "CHINA P RP": "CHN",
    "WORLD (sum over all partner rows)": "WLD",
}
HS2 = field("hs2", "string", "HS 2017 chapter (two digits).", pattern="[0-9]{2}")

HS_SECTIONS = TableSpec(
    name="hs_sections",
    title="HS sections",
    description="The 21 sections of the Harmonized System (2017) with their chapter ranges "
    "and short labels, plus India's national chapters 98-99.",
    schema={
        "fields": [
            field("hs_section", "string", "Section number (Roman) or 'national'."),
            field("first_hs2", "string", "First chapter of the section.", pattern="[0-9]{2}"),
            field("last_hs2", "string", "Last chapter of the section.", pattern="[0-9]{2}"),
            field("section_label", "string", "Short label."),
            field("reason", "string", "Where the range comes from."),
        ],
        "primaryKey": ["hs_section"],
    },
    sources=(),
)

HS_CHAPTER_LABELS = TableSpec(
    name="hs_chapter_labels",
    title="Short labels of HS chapters",
    description="A short readable label for each HS 2017 chapter, for charts and tables.",
    schema={
        "fields": [
            HS2,
            field("chapter_label", "string", "Short label."),
            field("reason", "string", "Where the label comes from."),
        ],
        "primaryKey": ["hs2"],
    },
    sources=(),
)


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


def build_hs_chapters(ctx: RawContext) -> pd.DataFrame:
    """Derive the chapter → section → label table.

    Parameters
    ----------
    ctx
        The raw sources (the EIDB file gives each chapter's official description).

    Returns
    -------
    pandas.DataFrame
        One row per chapter in the EIDB file.
    """
    file = ctx.path("dgcis_eidb_hs2")
    raw = ctx.read("dgcis_eidb_hs2", HS2_COLUMNS)
    chapters = raw[["hs2", "commodity"]].drop_duplicates()
    clash = chapters[chapters["hs2"].duplicated(keep=False)]
    if len(clash):
        raise DataError(Problem(file, None, "commodity", "one description per chapter",
                                f"several for chapter {clash['hs2'].iloc[0]}"))  # fmt: skip
    labels = ctx.registers["hs_chapter_labels"].set_index("hs2")["chapter_label"]
    sections = ctx.registers["hs_sections"]
    rows = []
    for hs2, description in chapters.sort_values("hs2").to_numpy():
        within = sections[(sections["first_hs2"] <= hs2) & (sections["last_hs2"] >= hs2)]
        if len(within) != 1 or hs2 not in labels.index:
            label = "a label" if hs2 in labels.index else "no label"
            raise DataError(
                Problem("data/hs_sections.csv, data/hs_chapter_labels.csv", None, "hs2",
                        f"chapter {hs2} in exactly one section and with a label",
                        f"{len(within)} section(s) and {label}")
            )  # fmt: skip
        section = within.iloc[0]
        rows.append(
            {
                "hs2": hs2,
                "chapter_label": labels[hs2],
                "hs_section": section["hs_section"],
                "section_label": section["section_label"],
                "description": description.rstrip("."),
                "source_id": "dgcis_eidb_hs2",
            }
        )
    ctx.log(f"  {len(chapters)} chapters in the EIDB file, {len(rows)} rows out")
    return pd.DataFrame(rows)


HS_CHAPTERS = TableSpec(
    name="hs_chapters",
    title="HS chapters with their section and labels",
    description="Each HS chapter in India's trade data with its HS section, a short label for "
    "charts and the EIDB's own description.",
    schema={
        "fields": [
            HS2,
            field("chapter_label", "string", "Short label (data/hs_chapter_labels.csv)."),
            field("hs_section", "string", "HS section (Roman numeral) or 'national'."),
            field("section_label", "string", "Short label of the section."),
            field("description", "string", "The chapter's description as the EIDB gives it."),
            source_id(),
        ],
        "primaryKey": ["hs2"],
        "foreignKeys": [SOURCE_FK, fk("hs_section", "hs_sections", "hs_section")],
    },
    sources=("dgcis_eidb_hs2",),
    build=build_hs_chapters,
    sort_by=("hs2",),
)

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
