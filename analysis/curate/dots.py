"""IMF Direction of Trade Statistics: every reporter with every partner, 1960–2020.

``dots_trade`` is the embedded default of the any-pair pipeline: one row per reporter ×
partner × year × flow, as the reporter records it (exports FOB, imports CIF), in US$. It
is large (2.6 million rows), so it is kept as a compressed Parquet file and validated
column-wise on load. Aggregates (World, IMF regions and groups) and unallocated partners
("Asia not specified", "Special Categories") are kept, each with a code from the
``dots_area_codes`` register and marked by ``reporter_kind`` / ``partner_kind``, so that
totals with the world and the share of unallocated trade stay visible.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.curate.raw import refuse_rows
from analysis.curate.schema import SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

DOTS_COLUMNS = [
    "reporter_imf_code",
    "reporter_name",
    "reporter_iso3",
    "reporter_is_aggregate",
    "flow",
    "partner_name",
    "partner_iso3",
    "partner_is_aggregate",
    "partner_kind",
    "year",
    "value_usd_mn",
    "flag",
]
NAME_COLUMNS = [
    "imf_name",
    "iso3",
    "kind",
    "is_aggregate",
    "method",
    "country_converter_output",
    "note",
]
KINDS = ["economy", "former_economy", "aggregate", "unallocated"]
FLOWS = {"exports_fob": "export", "imports_cif": "import"}
# The largest cell is the World's trade with the world (about US$19 trillion in 2019);
# a cell above US$50 trillion would be a unit slip.
MAX_CELL_USD = 50_000_000_000_000
# Partner sums of an economy's flow that miss its World total by more than this share
# are counted in the rebuild log (DOTS does not force the two to agree).
RECONCILE_TOLERANCE = 0.01

DOTS_AREA_CODES = TableSpec(
    name="dots_area_codes",
    title="Codes for the IMF DOTS areas that have no ISO code",
    description=(
        "The aggregates, unallocated partners and one former area of IMF DOTS, each with "
        "the code the tables use and why. Every other DOTS name takes its ISO 3166 code "
        "from the source's name-to-ISO3 mapping."
    ),
    schema={
        "fields": [
            field("imf_name", "string", "The area's name as IMF DOTS writes it."),
            field("area_code", "string", "Code used in the tables.", pattern="[A-Z]{3}"),
            field("kind", "string", "What the name stands for.", enum=KINDS),
            field("reason", "string", "Why this code."),
        ],
        "primaryKey": ["imf_name"],
    },
    sources=(),
)


def area_codes(names: pd.DataFrame, register: pd.DataFrame, *, file: str) -> pd.DataFrame:
    """Give every DOTS name one code and kind: ISO3 from the mapping, else the register.

    Parameters
    ----------
    names
        The source's ``dots_name_to_iso3.csv`` (text columns ``imf_name``, ``iso3``,
        ``kind``).
    register
        The ``dots_area_codes`` register.
    file
        The mapping's name, for messages.

    Returns
    -------
    pandas.DataFrame
        ``imf_name, code, kind``, one row per name.

    Raises
    ------
    DataError
        If a name has neither an ISO3 code nor a register entry, has both, or two names
        of the same kind share a code.

    Examples
    --------
    >>> names = pd.DataFrame({"imf_name": ["Brazil", "World"], "iso3": ["BRA", ""],
    ...                       "kind": ["economy", "aggregate"]})
    >>> reg = pd.DataFrame({"imf_name": ["World"], "area_code": ["WLD"],
    ...                     "kind": ["aggregate"]})
    >>> area_codes(names, reg, file="names.csv")["code"].tolist()
    ['BRA', 'WLD']
    """
    reg = register.set_index("imf_name")
    problems = []
    codes, kinds = [], []
    for i, row in enumerate(names.itertuples(index=False)):
        listed = row.imf_name in reg.index
        if row.iso3 and listed:
            problems.append(
                Problem(
                    file,
                    i + 2,
                    "iso3",
                    "either an ISO3 code or a register entry",
                    f"both for {row.imf_name!r}",
                )
            )
        elif not row.iso3 and not listed:
            problems.append(
                Problem(
                    file,
                    i + 2,
                    "iso3",
                    "an ISO3 code or an entry in data/dots_area_codes.csv",
                    f"neither for {row.imf_name!r}",
                )
            )
        codes.append(row.iso3 or (reg.loc[row.imf_name, "area_code"] if listed else ""))
        kinds.append(reg.loc[row.imf_name, "kind"] if listed and not row.iso3 else row.kind)
    out = pd.DataFrame({"imf_name": names["imf_name"], "code": codes, "kind": kinds})
    # Two names may share a code only across kinds that do not overlap in time (North
    # Yemen to 1989 and unified Yemen from 1990 are both YEM).
    clash = out[out.duplicated(["code", "kind"], keep=False) & (out["code"] != "")]
    for row in clash.itertuples():
        problems.append(
            Problem(
                file,
                row.Index + 2,
                "iso3",
                "one name per code and kind",
                f"{row.code} shared by {row.imf_name!r}",
            )
        )
    if problems:
        raise DataError(problems)
    return out


def _codes(raw: pd.DataFrame, names: pd.DataFrame, side: str, *, file: str) -> pd.DataFrame:
    """Map one side's names to codes and kinds, checking the raw ISO column agrees."""
    lookup = names.set_index("imf_name")
    col = raw[f"{side}_name"]
    unknown = ~col.isin(lookup.index)
    refuse_rows(
        raw,
        unknown,
        file=file,
        column=f"{side}_name",
        expected="a name listed in dots_name_to_iso3.csv",
    )
    code = col.map(lookup["code"])
    kind = col.map(lookup["kind"])
    # The raw file carries its own ISO column: it must say the same as the mapping.
    given = raw[f"{side}_iso3"]
    differs = (given != "") & (given != code)
    refuse_rows(
        raw,
        differs,
        file=file,
        column=f"{side}_iso3",
        expected="the code dots_name_to_iso3.csv gives the name",
    )
    return pd.DataFrame({"code": code, "kind": kind})


def reconcile_partner_sums(
    frame: pd.DataFrame, *, tolerance: float = RECONCILE_TOLERANCE
) -> pd.DataFrame:
    """Compare each economy's flows summed over partners with its World total.

    Parameters
    ----------
    frame
        Rows of ``dots_trade``.
    tolerance
        Relative gap above which a reporter-year-flow counts as not reconciled.

    Returns
    -------
    pandas.DataFrame
        One row per economy reporter × flow × year that has a World total:
        ``world_usd``, ``partners_usd`` (economies, former economies and unallocated
        partners; aggregates left out), ``gap_rel`` and ``reconciled``.

    Examples
    --------
    >>> rows = pd.DataFrame({"reporter_iso3": ["JPN"] * 3, "partner_iso3": ["WLD", "CHN",
    ...     "XUS"], "year": [2020] * 3, "flow": ["export"] * 3, "value_usd": [10, 9, 1],
    ...     "reporter_kind": ["economy"] * 3,
    ...     "partner_kind": ["aggregate", "economy", "unallocated"]})
    >>> check = reconcile_partner_sums(rows).iloc[0]
    >>> float(check["partners_usd"]), bool(check["reconciled"])
    (10.0, True)
    """
    keys = ["reporter_iso3", "flow", "year"]
    econ = frame[frame["reporter_kind"].isin(["economy", "former_economy"])]
    world = econ[econ["partner_iso3"] == "WLD"].groupby(keys)["value_usd"].sum()
    parts = econ[econ["partner_kind"] != "aggregate"].groupby(keys)["value_usd"].sum()
    out = pd.DataFrame({"world_usd": world.astype("float64")}).join(
        parts.astype("float64").rename("partners_usd"), how="left"
    )
    out["partners_usd"] = out["partners_usd"].fillna(0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["gap_rel"] = out["partners_usd"] / out["world_usd"] - 1
    out["reconciled"] = out["gap_rel"].abs() <= tolerance
    return out.reset_index()


def build_dots_trade(ctx: RawContext) -> pd.DataFrame:
    """Derive the long DOTS table: codes for every name, flows renamed, values in US$.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        The ``dots_trade`` columns, one row per non-empty cell of the DOTS workbooks.
    """
    file = ctx.path("imf_dots_all")
    raw = ctx.read_columnar("imf_dots_all", DOTS_COLUMNS)
    names = area_codes(
        ctx.read("imf_dots_names", NAME_COLUMNS),
        ctx.registers["dots_area_codes"],
        file=ctx.path("imf_dots_names"),
    )
    reporter = _codes(raw, names, "reporter", file=file)
    partner = _codes(raw, names, "partner", file=file)
    refuse_rows(
        raw, ~raw["flow"].isin(FLOWS), file=file, column="flow", expected=" or ".join(FLOWS)
    )
    refuse_rows(
        raw,
        ~raw["flag"].isin(["", "e"]),
        file=file,
        column="flag",
        expected="blank or e (IMF estimate)",
    )
    year = pd.to_numeric(raw["year"], errors="coerce")
    refuse_rows(raw, year.isna(), file=file, column="year", expected="a year")
    value = pd.to_numeric(raw["value_usd_mn"], errors="coerce")
    refuse_rows(raw, value.isna(), file=file, column="value_usd_mn", expected="a number")
    out = pd.DataFrame(
        {
            "reporter_iso3": reporter["code"],
            "partner_iso3": partner["code"],
            "year": year.astype("int64"),
            "flow": raw["flow"].map(FLOWS),
            # Millions with up to three decimals: whole dollars lose nothing.
            "value_usd": np.round(value.to_numpy() * 1e6).astype("int64"),
            "is_estimate": raw["flag"] == "e",
            "reporter_kind": reporter["kind"],
            "partner_kind": partner["kind"],
            "source_id": "imf_dots_all",
        }
    )
    negative = out["value_usd"] < 0
    kinds = ", ".join(sorted(out.loc[negative, "reporter_kind"].unique()))
    ctx.log(f"  {int(negative.sum())} negative cells kept as published (reporter kinds: "
            f"{kinds or 'none'})")  # fmt: skip
    check = reconcile_partner_sums(out)
    ctx.log(
        f"  partner sums against the World total: {int(check['reconciled'].sum())} of "
        f"{len(check)} economy reporter-flow-years within {RECONCILE_TOLERANCE:.0%}; median "
        f"gap {check['gap_rel'].abs().median():.2%}"
    )
    ctx.log(
        f"  {len(raw)} raw cells in, {len(out)} rows out; {int(out['is_estimate'].sum())} "
        "IMF estimates flagged"
    )
    return out


DOTS_TRADE = TableSpec(
    name="dots_trade",
    title="Bilateral merchandise trade of every reporter with every partner, 1960–2020 (IMF DOTS)",
    description=(
        "Every non-empty cell of the IMF Direction of Trade Statistics workbooks: exports "
        "FOB and imports CIF as the reporting economy records them, calendar years, current "
        "US$ (converted from the IMF's US$ million); each economy's rows are its own "
        "statistics as the IMF compiles them. Aggregates (World = WLD, IMF regions and groups) "
        "and unallocated partners are kept, marked by reporter_kind and partner_kind; sum "
        "partners over economies, former economies and unallocated areas to compare with "
        "the World total. Zeros and the few negative cells (all of aggregate reporters; "
        "counted in the rebuild log) are kept as the IMF publishes them."
    ),
    schema={
        "fields": [
            field(
                "reporter_iso3",
                "string",
                "The economy or group whose statistics give the "
                "figure (ISO 3166 alpha-3, or a code of dots_area_codes).",
                pattern="[A-Z]{3}",
            ),
            field(
                "partner_iso3",
                "string",
                "The partner economy, group or unallocated area "
                "(ISO 3166 alpha-3, or a code of dots_area_codes).",
                pattern="[A-Z]{3}",
            ),
            field("year", "year", "Calendar year.", minimum=1960, maximum=2020),
            field(
                "flow",
                "string",
                "The reporter's exports (FOB) or imports (CIF).",
                enum=["export", "import"],
            ),
            field(
                "value_usd",
                "integer",
                "Value in current US dollars (the IMF's millions × 10^6, whole dollars).",
                unit="US$",
                minimum=-MAX_CELL_USD,
                maximum=MAX_CELL_USD,
            ),
            field(
                "is_estimate",
                "boolean",
                "True where the IMF marks the figure as its "
                "estimate (flag e) rather than the reporter's own.",
            ),
            field("reporter_kind", "string", "What the reporter is.", enum=KINDS),
            field("partner_kind", "string", "What the partner is.", enum=KINDS),
            source_id(),
        ],
        "primaryKey": ["reporter_iso3", "partner_iso3", "year", "flow"],
        "foreignKeys": [
            fk("reporter_iso3", "country_codes", "iso3"),
            fk("partner_iso3", "country_codes", "iso3"),
            SOURCE_FK,
        ],
    },
    sources=("imf_dots_all", "imf_dots_names"),
    build=build_dots_trade,
    sort_by=("reporter_iso3", "flow", "partner_iso3", "year"),
    format="parquet",
)

MIRROR_GAP_CAUSES = TableSpec(
    name="mirror_gap_causes",
    title="Why two reporters' figures for the same trade differ",
    description=(
        "The usual causes of the mirror gap (the importer's CIF figure against the "
        "exporter's FOB figure for the same flow), how each moves the gap, how the suite "
        "sizes it, and the CIF/FOB factor used to size the freight and insurance margin."
    ),
    schema={
        "fields": [
            field("cause_id", "string", "Short key.", pattern="[a-z_]+"),
            field("cause", "string", "The cause, in a sentence."),
            field("effect", "string", "Which side it makes higher."),
            field("how_sized", "string", "How the suite sizes it, or why it cannot."),
            field(
                "cif_fob_factor",
                "number",
                "Expected ratio of CIF to FOB values from "
                "freight and insurance alone (for the cif_fob cause).",
                required=False,
                minimum=1,
                maximum=1.5,
            ),
            field("reason", "string", "Where the statement or the factor comes from."),
        ],
        "primaryKey": ["cause_id"],
    },
    sources=(),
)
