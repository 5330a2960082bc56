"""Aid table: net official development assistance to India by donor (World Bank WDI).

Rules, in words:

* ``oda_india_by_donor`` keeps, for every year of the WDI extract, the net bilateral aid
  flow to India from each DAC member and from the EU institutions
  (``DC.DAC.<donor>L.CD``), the DAC total (``DC.DAC.TOTL.CD``), net ODA received from all
  donors (``DT.ODA.ODAT.CD``) and net ODA and official aid received (``DT.ODA.ALLD.CD``).
  The series of net ODA as a share of GNI (``DT.ODA.ODAT.GN.ZS``) is not an amount in
  US$, so it is left out; the log counts its rows.
* Donors keep the ISO 3166-1 alpha-3 code that the WDI series code embeds (``JPNL`` →
  ``JPN``), checked against the list of DAC members below. Donors that are not countries
  get codes that are not ISO codes, each with its reason in ``OTHER_DONORS``.
* Values are net disbursements in current US$, as published to US$10,000 (the file's
  single-precision floats are rounded back to that unit). They may be negative: a donor's
  repayments received can exceed its disbursements in a year.
* On every rebuild the DAC members' flows plus the EU institutions' must add up to the DAC
  total within ``DAC_TOTAL_TOLERANCE_USD`` in every year; any year that does not stops the
  rebuild and is named, unless it is listed with its reason in ``DAC_TOTAL_EXCEPTIONS``
  (none is: every year from 1960 to 2019 agrees).
"""

from __future__ import annotations

import pandas as pd

from analysis.curate.raw import refuse_rows, to_number
from analysis.curate.schema import SOURCE_FK, field, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

SOURCE = "wdi_dac_aid_ind"
RAW_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "year",
               "value_current_usd"]  # fmt: skip
MEMBER_PATTERN = r"DC\.DAC\.([A-Z]{3})L\.CD"
SHARE_OF_GNI = "DT.ODA.ODAT.GN.ZS"

# DAC members (ISO 3166-1 alpha-3) that can appear as DC.DAC.<code>L.CD: the 29 member
# countries of 2019, plus Lithuania (2022) and Estonia (2023) for later vintages. A code
# outside this list stops the rebuild: it would be a new member or a misread series.
DAC_MEMBERS = frozenset(
    "AUS AUT BEL CAN CHE CZE DEU DNK ESP EST FIN FRA GBR GRC HUN IRL ISL ITA JPN KOR LTU LUX "
    "NLD NOR NZL POL PRT SVK SVN SWE USA".split()
)
# Series whose donor is not a country: indicator code -> (donor_code, donor_name,
# donor_kind, measure, reason for the code).
OTHER_DONORS = {
    "DC.DAC.CECL.CD": (
        "EUI", "EU institutions", "eu_institutions", "net_bilateral_oda",
        "The EU institutions are a DAC member but not a country; WDI's own code (CEC) is "
        "not ISO, so a self-explaining code is used.",
    ),
    "DC.DAC.TOTL.CD": (
        "DAC", "All DAC donors", "aggregate", "dac_total",
        "Sum of the DAC members' and EU institutions' net bilateral flows, as WDI publishes it.",
    ),
    "DT.ODA.ODAT.CD": (
        "ALL", "All donors", "aggregate", "net_oda_all_donors",
        "Net ODA received from every donor: DAC members, multilaterals (IDA, ADB, ...) and "
        "the non-DAC providers that report to the OECD.",
    ),
    "DT.ODA.ALLD.CD": (
        "ALL", "All donors", "aggregate", "net_oda_and_official_aid",
        "Net ODA and official aid received, from every donor (same code as net ODA: the "
        "measure tells them apart).",
    ),
}  # fmt: skip
# The figures are in US$0.01 million: every amount of the 2022 file is a multiple of
# US$10,000 held as a single-precision float (9560000.4196167 for 9.56 million), so each
# is rounded back to US$10,000. A value further than one part in a million from such a
# multiple is not such a figure, and stops the rebuild.
PUBLISHED_UNIT_USD = 10_000
FLOAT_SLACK_REL = 1e-6
# The DAC total is the sum of the published parts: in this vintage it agrees exactly in
# every year. One publication unit allows for a total rounded apart from its parts in
# another vintage; a missing or double-counted donor shows unless its flow is smaller.
DAC_TOTAL_TOLERANCE_USD = PUBLISHED_UNIT_USD
# Years allowed to miss the DAC-total check, each with its reason. None is needed.
DAC_TOTAL_EXCEPTIONS: dict[int, str] = {}
# India's net aid from one donor in one year has never been above US$5 billion; above
# US$100 billion either way is a unit slip.
MAX_AID_USD = 100_000_000_000

MEASURES = ["net_bilateral_oda", "dac_total", "net_oda_all_donors", "net_oda_and_official_aid"]


def _member_name(indicator_name: str) -> str:
    """Return the donor's name from a WDI series name.

    Examples
    --------
    >>> _member_name("Net bilateral aid flows from DAC donors, Korea, Rep. (current US$)")
    'Korea, Rep.'
    """
    return indicator_name.removeprefix("Net bilateral aid flows from DAC donors, ").removesuffix(
        " (current US$)"
    )


def dac_total_gaps(oda: pd.DataFrame, *, tolerance_usd: float = DAC_TOTAL_TOLERANCE_USD):
    """Compare, year by year, the donors' net bilateral flows with the published DAC total.

    Parameters
    ----------
    oda
        Rows of ``oda_india_by_donor`` (at least ``year``, ``measure``, ``value_usd``).
    tolerance_usd
        Largest absolute gap, in US$, that still counts as agreement.

    Returns
    -------
    pandas.DataFrame
        One row per year with a DAC total: ``year``, ``donors_sum_usd``, ``dac_total_usd``,
        ``gap_usd`` (sum minus total), ``donors`` (how many reported), ``agrees``. A year
        with donor rows but no total, or a total but no donor rows, does not agree.

    Examples
    --------
    >>> rows = pd.DataFrame({"year": [2019] * 3, "value_usd": [2, 1, 4],
    ...                      "measure": ["net_bilateral_oda"] * 2 + ["dac_total"]})
    >>> dac_total_gaps(rows, tolerance_usd=0)[["year", "gap_usd", "agrees"]].to_dict("records")
    [{'year': 2019, 'gap_usd': -1.0, 'agrees': False}]
    """
    flows = oda[oda["measure"] == "net_bilateral_oda"].groupby("year")["value_usd"]
    totals = oda[oda["measure"] == "dac_total"].set_index("year")["value_usd"]
    out = pd.DataFrame(
        {"donors_sum_usd": flows.sum().astype("float64"), "donors": flows.count()}
    ).join(totals.astype("float64").rename("dac_total_usd"), how="outer")
    out["donors"] = out["donors"].fillna(0).astype("int64")
    out["gap_usd"] = out["donors_sum_usd"] - out["dac_total_usd"]
    out["agrees"] = out["gap_usd"].abs().le(tolerance_usd) & out["gap_usd"].notna()
    out = out.rename_axis("year").reset_index()
    return out[["year", "donors_sum_usd", "dac_total_usd", "gap_usd", "donors", "agrees"]]


def build_oda_india_by_donor(ctx: RawContext) -> pd.DataFrame:
    """Derive net aid to India by donor, year and measure, with the DAC total checked.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per donor, year and measure.

    Raises
    ------
    DataError
        If a row is not India's, a series is unknown, a donor code maps to more than one
        series or name (or the reverse), a key repeats, or the donors' flows do not add up
        to the DAC total in a year not listed in ``DAC_TOTAL_EXCEPTIONS``.
    """
    file = ctx.path(SOURCE)
    raw = ctx.read(SOURCE, RAW_COLUMNS)
    refuse_rows(raw, raw["Country Code"] != "IND", "Country Code", "'IND'", file=file)
    code = raw["Indicator Code"]
    # The ISO code a member's series embeds; CECL (EU) and TOTL (total) are not members.
    member = code.str.extract(MEMBER_PATTERN)[0]
    member = member.where(member.isin(DAC_MEMBERS))
    known = code.isin(list(OTHER_DONORS)) | member.notna() | (code == SHARE_OF_GNI)
    refuse_rows(raw, ~known, "Indicator Code", "a DC.DAC.<DAC member>L.CD, DC.DAC.CECL.CD, "
                "DC.DAC.TOTL.CD or DT.ODA.* series", file=file)  # fmt: skip
    value = to_number(raw, "value_current_usd", file=file)
    # The extraction dropped empty cells, so a blank here is a damaged file, not "no aid".
    refuse_rows(raw, value.isna(), "value_current_usd", "an amount", file=file)
    year = to_number(raw, "year", file=file)
    refuse_rows(raw, year.isna() | (year % 1 != 0), "year", "a calendar year", file=file)
    kept = (code != SHARE_OF_GNI).to_numpy()
    published = (value / PUBLISHED_UNIT_USD).round() * PUBLISHED_UNIT_USD
    slack = FLOAT_SLACK_REL * value.abs() + 1
    refuse_rows(raw, kept & ((value - published).abs() > slack), "value_current_usd",
                f"a multiple of US${PUBLISHED_UNIT_USD:,} (read through a single-precision "
                "float)", file=file)  # fmt: skip
    names = raw["Indicator Name"].map(_member_name)
    # (donor_code, donor_name, donor_kind, measure) of each row.
    donors = [
        (m, n, "dac_member", "net_bilateral_oda") if isinstance(m, str) else OTHER_DONORS[c][:4]
        for m, n, c in zip(member, names, code, strict=True)
        if c != SHARE_OF_GNI
    ]
    rows = raw[kept]
    out = pd.DataFrame(
        {
            "recipient_iso3": rows["Country Code"],
            "donor_code": [d[0] for d in donors],
            "donor_name": [d[1] for d in donors],
            "donor_kind": [d[2] for d in donors],
            "year": year[kept].astype("int64"),
            "measure": [d[3] for d in donors],
            "value_usd": published[kept].astype("int64"),
            "indicator_code": rows["Indicator Code"],
            "source_id": SOURCE,
        }
    )
    problems = []
    for left, right in [("donor_code", "indicator_code"), ("indicator_code", "donor_code"),
                        ("donor_code", "donor_name"), ("donor_name", "donor_code")]:  # fmt: skip
        pairs = out.drop_duplicates(["measure", left, right])
        clash = pairs[pairs.duplicated(["measure", left], keep=False)]
        if len(clash):
            problems.append(Problem(file, None, right, f"one {right} per {left}",
                                    ", ".join(sorted(set(clash[left].astype(str))))))  # fmt: skip
    dup = out[out.duplicated(["recipient_iso3", "donor_code", "year", "measure"], keep=False)]
    if len(dup):
        problems.append(Problem(file, None, "year", "one value per donor, year and measure",
                                ", ".join(sorted(set(dup["donor_code"] + " " +
                                                     dup["year"].astype(str))))))  # fmt: skip
    if problems:
        raise DataError(problems)
    gaps = dac_total_gaps(out)
    off = gaps[~gaps["agrees"]]
    unexplained = off[~off["year"].isin(list(DAC_TOTAL_EXCEPTIONS))]
    if len(unexplained):
        raise DataError(
            [Problem(file, None, "DC.DAC.TOTL.CD",
                     f"the DAC total to within US${DAC_TOTAL_TOLERANCE_USD:,} of the "
                     f"{r.donors} donors' sum {r.donors_sum_usd:,.0f} in {r.year}",
                     "no total" if pd.isna(r.dac_total_usd) else f"{r.dac_total_usd:,.0f}")
             for r in unexplained.itertuples()]
        )  # fmt: skip
    for r in off.itertuples():
        ctx.log(f"  {r.year}: donors' sum misses the DAC total by US${r.gap_usd:,.0f} "
                f"({DAC_TOTAL_EXCEPTIONS[r.year]})")  # fmt: skip
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(out)} rows out; {int((~kept).sum())} rows of "
        f"{SHARE_OF_GNI} (a share of GNI, not US$) left out; "
        f"{int((out['value_usd'] < 0).sum())} negative net flows kept"
    )
    ctx.log(
        f"  DAC total checked in {len(gaps)} years: {len(gaps) - len(off)} agree with the "
        f"donors' sum within US${DAC_TOTAL_TOLERANCE_USD:,}, {len(off)} listed as exceptions"
    )
    return out


ODA_INDIA_BY_DONOR = TableSpec(
    name="oda_india_by_donor",
    title="Net official development assistance to India by donor, 1960–2019 (WDI from OECD DAC)",
    description="Net bilateral aid flows to India from each DAC member and the EU institutions, "
    "the DAC total, and net ODA (and official aid) received from all donors, calendar years "
    "1960–2019, current US$, net disbursements (gross disbursements minus repayments), as the "
    "World Bank's WDI republishes OECD DAC table 2a (2022-02 vintage). Non-DAC bilateral "
    "providers appear only inside the all-donor measures; multilateral donors (IDA, ADB) are "
    "not bilateral and appear only there too. Gross disbursements or commitments can rank "
    "donors differently.",
    schema={
        "fields": [
            field("recipient_iso3", "string", "Recipient country (India).", pattern="[A-Z]{3}"),
            field(
                "donor_code",
                "string",
                "Donor: the ISO 3166-1 alpha-3 code of a DAC member (JPN, GBR, DEU, ...), or "
                "a code that is not ISO for donors that are not countries: EUI, the EU "
                "institutions; DAC, all DAC donors (the DAC total); ALL, all donors "
                "(bilateral, multilateral and non-DAC).",
                pattern="[A-Z]{3}",
            ),
            field("donor_name", "string", "Donor's name (as WDI gives it for DAC members)."),
            field(
                "donor_kind",
                "string",
                "A DAC member country, the EU institutions, or an aggregate of donors.",
                enum=["dac_member", "eu_institutions", "aggregate"],
            ),
            field("year", "year", "Calendar year of the disbursements."),
            field(
                "measure",
                "string",
                "net_bilateral_oda: one donor's net bilateral flow (DC.DAC.<donor>L.CD); "
                "dac_total: the DAC members' and EU institutions' flows together "
                "(DC.DAC.TOTL.CD); net_oda_all_donors: net ODA received from all donors "
                "(DT.ODA.ODAT.CD); net_oda_and_official_aid: net ODA and official aid "
                "received (DT.ODA.ALLD.CD).",
                enum=MEASURES,
            ),
            field(
                "value_usd",
                "integer",
                "Net disbursements in current US dollars, as published (to US$10,000). No minimum "
                "of zero: a net flow is negative when repayments of earlier loans to the "
                "donor exceed its new disbursements in the year.",
                unit="US$",
                minimum=-MAX_AID_USD,
                maximum=MAX_AID_USD,
            ),
            field(
                "indicator_code",
                "string",
                "The WDI series code the value comes from.",
                pattern=r"(DC\.DAC\.[A-Z]{4}|DT\.ODA\.[A-Z]{4})\.CD",
            ),
            source_id(),
        ],
        "primaryKey": ["recipient_iso3", "donor_code", "year", "measure"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=(SOURCE,),
    build=build_oda_india_by_donor,
    sort_by=("measure", "donor_code", "year"),
)
