"""The Harmonized System: sections, short chapter labels and chapters with descriptions.

Rules, in words:

* ``hs_chapters`` joins each chapter of the EIDB file (the flagship's product data) to
  its HS section and a short label (both registers written by hand, with reasons) and to
  the file's own description.
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.schema import SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

# The columns of the EIDB HS2 file (DGCI&S Export Import Data Bank), a download of chapters.
HS2_COLUMNS = ["partner", "flow", "fy", "fy_start_year", "hs2", "commodity", "value_usd_mn"]
HS2 = field("hs2", "string", "HS 2017 chapter (two digits).", pattern="[0-9]{2}")

HS_SECTIONS = TableSpec(
    name="hs_sections",
    title="HS sections",
    description="The 21 sections of the Harmonized System (2017) with their chapter ranges "
    "and short labels, plus the national chapters 98-99 a reporter may use.",
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
    description="Each HS chapter of the EIDB file with its HS section, a short label for "
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
