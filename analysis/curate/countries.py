"""Country and area codes: every code the tables use, with its name, kind and reason.

Rules, in words:

* ``country_codes`` lists the codes of the UN Comtrade partner list (ISO 3166-1 alpha-3 as
  Comtrade gives them, or assigned by a recorded correction), the codes added by hand
  (``country_code_additions``) and the IMF DOTS codes not yet listed, one name each.
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.schema import MAX_FLOW_USD, SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

COMTRADE_COLUMNS = [
    "Classification", "Year", "Period", "Period Desc.", "Aggregate Level", "Is Leaf Code",
    "Trade Flow Code", "Trade Flow", "Reporter Code", "Reporter", "Reporter ISO",
    "Partner Code", "Partner", "Partner ISO", "2nd Partner Code", "2nd Partner",
    "2nd Partner ISO", "Customs Proc. Code", "Customs", "Mode of Transport Code",
    "Mode of Transport", "Commodity Code", "Commodity", "Qty Unit Code", "Qty Unit", "Qty",
    "Alt Qty Unit Code", "Alt Qty Unit", "Alt Qty", "Netweight (kg)", "Gross weight (kg)",
    "Trade Value (US$)", "CIF Trade Value (US$)", "FOB Trade Value (US$)", "Flag",
]  # fmt: skip
FLOWS = {"Export": "export", "Import": "import"}


def build_country_codes(ctx: RawContext) -> pd.DataFrame:
    """Derive the list of country and area codes used by the tables, with names and reasons.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per code: ISO 3166 codes as UN Comtrade gives them, plus the codes assigned
        by ``data/corrections.csv`` for partners without one.
    """
    raw = ctx.read("comtrade_ind_2019", COMTRADE_COLUMNS)
    additions = ctx.registers["country_code_additions"]
    corrected = dict(
        ctx.corrections.query("column == 'Partner ISO'")[["new_value", "correction_id"]].to_numpy()
    )
    names = pd.concat(
        [
            raw[["Reporter ISO", "Reporter"]].set_axis(["iso3", "name"], axis=1),
            raw[["Partner ISO", "Partner"]].set_axis(["iso3", "name"], axis=1),
        ]
    ).drop_duplicates()
    clash = names[names["iso3"].duplicated(keep=False)]
    if len(clash):
        raise DataError(
            Problem(
                ctx.path("comtrade_ind_2019"),
                None,
                "Partner ISO",
                "one name per code",
                ", ".join(f"{c}={n}" for c, n in clash.to_numpy()),
            )
        )

    def kind(code: str, name: str) -> str:
        if code == "WLD":
            return "aggregate"
        return "unspecified" if name.endswith(", nes") else "country_or_area"

    def reason(code: str) -> str:
        if code in corrected:
            return f"no ISO code in the source; assigned by correction {corrected[code]}"
        return "ISO 3166-1 alpha-3 code as given by UN Comtrade"

    from_comtrade = pd.DataFrame(
        {
            "iso3": names["iso3"],
            "name": names["name"],
            "kind": [kind(c, n) for c, n in names.to_numpy()],
            "reason": [reason(c) for c in names["iso3"]],
            "source_id": "comtrade_ind_2019",
        }
    )
    overlap = sorted(set(additions["iso3"]) & set(from_comtrade["iso3"]))
    if overlap:
        raise DataError(
            Problem("data/country_code_additions.csv", None, "iso3",
                    "codes not already given by UN Comtrade", ", ".join(overlap))
        )  # fmt: skip
    added = additions.assign(source_id="penppml_comtrade")
    known = pd.concat([from_comtrade, added], ignore_index=True)
    dots = _dots_codes(ctx, set(known["iso3"]))
    ctx.log(f"  {len(from_comtrade)} codes from UN Comtrade 2019 + {len(added)} added by hand "
            f"+ {len(dots)} from IMF DOTS")  # fmt: skip
    return pd.concat([known, dots], ignore_index=True)


_DOTS_KIND = {
    "economy": "country_or_area",
    "former_economy": "country_or_area",
    "aggregate": "aggregate",
    "unallocated": "unspecified",
}


def _dots_codes(ctx: RawContext, known: set[str]) -> pd.DataFrame:
    """Return the IMF DOTS codes not yet listed, one name each (the current economy first)."""
    from analysis.curate.dots import NAME_COLUMNS, area_codes

    register = ctx.registers["dots_area_codes"].set_index("imf_name")
    names = area_codes(ctx.read("imf_dots_names", NAME_COLUMNS), register.reset_index(),
                       file=ctx.path("imf_dots_names"))  # fmt: skip
    order = {"economy": 0, "former_economy": 1, "aggregate": 2, "unallocated": 3}
    names = names.sort_values("kind", key=lambda k: k.map(order), kind="mergesort")
    new = names[~names["code"].isin(known)].drop_duplicates("code")
    reason = [
        register.loc[n, "reason"] if n in register.index
        else "ISO 3166 code of the IMF DOTS name (dots_name_to_iso3.csv)"
        for n in new["imf_name"]
    ]  # fmt: skip
    return pd.DataFrame({"iso3": new["code"], "name": new["imf_name"],
                         "kind": new["kind"].map(_DOTS_KIND), "reason": reason,
                         "source_id": "imf_dots_names"})  # fmt: skip


FLOW = field("flow", "string", "Direction from the reporter's side.", enum=["export", "import"])
VALUE_USD = field(
    "value_usd",
    "integer",
    "Value of the flow in current US dollars (not thousands or millions).",
    unit="US$",
    minimum=0,
    maximum=MAX_FLOW_USD,
)
COUNTRY_FKS = [
    fk("reporter_iso3", "country_codes", "iso3"),
    fk("partner_iso3", "country_codes", "iso3"),
    SOURCE_FK,
]


COUNTRY_CODE_ADDITIONS = TableSpec(
    name="country_code_additions",
    title="Country codes added by hand",
    description="Codes that appear in the historical UN Comtrade data but not in the 2019 "
    "partner list (former countries, legacy and territory codes), with a name and a reason.",
    schema={
        "fields": [
            field(
                "iso3", "string", "Three-letter code as the source uses it.", pattern="[A-Z0-9]{3}"
            ),
            field("name", "string", "Name."),
            field(
                "kind",
                "string",
                "What the code stands for.",
                enum=["country_or_area", "aggregate", "unspecified"],
            ),
            field("reason", "string", "Why this code and name."),
        ],
        "primaryKey": ["iso3"],
    },
    sources=(),
)


COUNTRY_CODES = TableSpec(
    name="country_codes",
    title="Country and area codes",
    description=(
        "Every reporter and partner code the tables use, with its name, kind and the reason "
        "for the code (ISO 3166-1 alpha-3, or assigned by a recorded correction)."
    ),
    schema={
        "fields": [
            field(
                "iso3",
                "string",
                "Three-letter code (ISO 3166-1 alpha-3 where one exists).",
                pattern="[A-Z0-9]{3}",
            ),
            field("name", "string", "Name as the source gives it."),
            field(
                "kind",
                "string",
                "What the code stands for.",
                enum=["country_or_area", "aggregate", "unspecified"],
            ),
            field("reason", "string", "Why this code: ISO, or which correction assigned it."),
            source_id(),
        ],
        "primaryKey": ["iso3"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("comtrade_ind_2019", "penppml_comtrade", "imf_dots_names"),
    build=build_country_codes,
    sort_by=("iso3",),
)
