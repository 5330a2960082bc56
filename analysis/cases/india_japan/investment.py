"""Investment tables for the narrative: FDI series by basis, cumulative figures, rankings."""

from __future__ import annotations

import pandas as pd

from analysis.curate.india_japan.aid import DAC_TOTAL_TOLERANCE_USD, dac_total_gaps
from analysis.errors import DataError, Problem

__all__ = [
    "cumulative_snapshots",
    "donor_ranking",
    "fdi_series",
    "investor_ranking",
    "japan_ranks",
    "largest_donor_by_year",
    "sum_complete_years",
    "years_covered",
    "years_led_by_others",
]

BASIS_LABELS = {
    "dpiit_equity": "DPIIT FDI equity inflows (Indian fiscal year)",
    "rbi": "RBI FDI flows (Indian fiscal year)",
    "unclear": "basis not stated clearly",
    "japan_bop": "Japan's outward FDI, balance of payments (calendar year)",
    "investor_reported": "investor-reported net flows, UNCTAD/OECD (calendar year)",
}


def _gapped(frame: pd.DataFrame) -> pd.DataFrame:
    """Insert empty rows for the missing years inside each series, so lines break there."""
    parts = []
    for series, rows in frame.groupby("series", sort=False):
        step = rows["year_mid"].min() % 1
        every = pd.DataFrame(
            {"year_mid": [y + step for y in range(int(rows["year_mid"].min()),
                                                  int(rows["year_mid"].max()) + 1)]}
        )  # fmt: skip
        parts.append(every.merge(rows, on="year_mid", how="left").assign(series=series))
    return pd.concat(parts, ignore_index=True)


def fdi_series(
    fdi: pd.DataFrame, by_investor: pd.DataFrame, *, investor: str = "JPN"
) -> pd.DataFrame:
    """Put every annual FDI series from one investor on one time axis, one series per basis.

    Parameters
    ----------
    fdi
        The ``japan_fdi_india`` table (its preferred fiscal- and calendar-year rows are used;
        parts of years and cumulative figures are left out).
    by_investor
        The ``fdi_india_by_investor`` table.
    investor
        The investing country.

    Returns
    -------
    pandas.DataFrame
        ``year_mid`` (midpoint of the period as a decimal year), ``series`` (the basis,
        in words), ``period``, ``value_usd``, ``grade``, ``source_id``; a missing year
        inside a series is a row with no value.
    """
    annual = fdi[
        fdi["is_preferred"] & fdi["period_type"].isin(["fiscal_year", "calendar_year"])
        & fdi["value_usd"].notna()
    ]  # fmt: skip
    published = pd.DataFrame(
        {
            "year_mid": annual["period_start"].dt.year
            + annual["period_type"].map({"fiscal_year": 0.75, "calendar_year": 0.5}),
            "series": annual["basis"].map(BASIS_LABELS),
            "period": annual["period"],
            "value_usd": annual["value_usd"].astype("float64"),
            "grade": annual["grade"],
            "source_id": annual["source_id"],
        }
    )
    reported = by_investor[
        (by_investor["investor_iso3"] == investor) & by_investor["value_usd"].notna()
    ]
    investor_rows = pd.DataFrame(
        {
            "year_mid": reported["year"] + 0.5,
            "series": BASIS_LABELS["investor_reported"],
            "period": reported["year"].astype("str"),
            "value_usd": reported["value_usd"].astype("float64"),
            "grade": "file",
            "source_id": reported["source_id"],
        }
    )
    out = pd.concat([published, investor_rows], ignore_index=True)
    return _gapped(out.sort_values(["series", "year_mid"], kind="mergesort"))


def cumulative_snapshots(fdi: pd.DataFrame) -> pd.DataFrame:
    """List the published cumulative totals since April 2000, in order of their end date.

    Rows that give Japan's rank without a value are left out: they are not totals.

    Parameters
    ----------
    fdi
        The ``japan_fdi_india`` table.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``period_end`` (blank where the page gives no month), ``basis``,
        ``value_usd``, ``japan_rank``, ``grade``, ``publisher_cited``, ``source_id``.
    """
    # A row that gives only Japan's rank is not a total (see japan_ranks for the ranks).
    valued = fdi["value_usd"].notna() | fdi["value_inr"].notna()
    rows = fdi[(fdi["period_type"] == "cumulative") & fdi["is_preferred"] & valued]
    cols = ["period", "period_end", "basis", "value_usd", "japan_rank", "grade",
            "publisher_cited", "source_id"]  # fmt: skip
    return rows.sort_values(["period_end", "period"], kind="mergesort")[cols].reset_index(drop=True)


def sum_complete_years(series: pd.DataFrame, *, label: str, first: float, last: float) -> float:
    """Add a series over a span of years, refusing to do so if any year is missing.

    Parameters
    ----------
    series
        Output of :func:`fdi_series`.
    label
        The series to add (a value of ``series``).
    first, last
        The first and last ``year_mid`` to include.

    Returns
    -------
    float
        The sum in US$.

    Raises
    ------
    DataError
        If a year in the span has no value: a cumulative total over a gap would be wrong.
    """
    rows = series[(series["series"] == label) & series["year_mid"].between(first, last)]
    expected = int(last - first) + 1
    missing = expected - int(rows["value_usd"].notna().sum())
    if missing:
        raise DataError(
            Problem("<fdi series>", None, "value_usd",
                    f"all {expected} years from {first:.0f} to {last:.0f} of {label}",
                    f"{missing} missing")
        )  # fmt: skip
    return float(rows["value_usd"].sum())


def investor_ranking(by_investor: pd.DataFrame, *, first: int, last: int) -> pd.DataFrame:
    """Rank investing countries by their reported net FDI into India over a span of years.

    Parameters
    ----------
    by_investor
        The ``fdi_india_by_investor`` table.
    first, last
        The span of calendar years (inclusive).

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``investor_iso3``, ``total_usd``, ``years_reported`` (out of the span),
        ``source_id``; sorted by rank. Blank years count as not reported, not as zero,
        and ``years_reported`` says how many each total covers.
    """
    span = by_investor[by_investor["year"].between(first, last)]
    grouped = span.groupby("investor_iso3")
    out = pd.DataFrame(
        {
            "total_usd": grouped["value_usd"].sum().astype("float64"),
            "years_reported": grouped["value_usd"].count(),
            "source_id": grouped["source_id"].first(),
        }
    ).reset_index()
    out.insert(0, "rank", out["total_usd"].rank(method="min", ascending=False).astype("int64"))
    return out.sort_values(["rank", "investor_iso3"], kind="mergesort").reset_index(drop=True)


# The largest conduits of FDI into India on its own statistics; investor-reported lists lack them.
CONDUITS = {"MUS": "Mauritius", "SGP": "Singapore", "CYP": "Cyprus"}


def japan_ranks(
    fdi: pd.DataFrame, by_investor: pd.DataFrame, *, first: int, last: int, investor: str = "JPN"
) -> pd.DataFrame:
    """List every rank of Japan among India's investors, by basis and date.

    Parameters
    ----------
    fdi
        The ``japan_fdi_india`` table: its cumulative rows with a ``japan_rank`` (one per
        period and basis, the higher grade first, then the preferred row).
    by_investor
        The ``fdi_india_by_investor`` table, ranked over ``first``–``last`` (cut to the
        years it holds) with :func:`investor_ranking`.
    first, last
        The span of calendar years for the investor-reported ranking (its ``period`` is
        the part of the span the data cover).
    investor
        The investing country ranked in ``by_investor``.

    Returns
    -------
    pandas.DataFrame
        One row per ranking, in order of ``as_of``: ``kind`` (``dpiit``: India's own
        cumulative count, a rank among all investors; ``unclear``: a page that does not
        state its basis; ``investor_reported``: a rank among the reporting economies only),
        ``period``, ``as_of`` (the last day; 31 December of the label's last year where the
        page gives no month), ``end_stated``, ``rank``, ``grade`` (``file`` for the data
        file), ``publisher_cited``, ``notes``, ``source_id``, and for the investor-reported
        row ``ranked`` (how many economies) and ``missing_conduits`` (the conduits the list
        lacks, by name).
    """
    ranked = fdi[fdi["japan_rank"].notna() & (fdi["period_type"] == "cumulative")]
    ranked = ranked.sort_values(["grade", "is_preferred"], ascending=[True, False],
                                kind="mergesort").drop_duplicates(["period", "basis"])  # fmt: skip
    label_end = pd.to_datetime(ranked["period"].str[-4:] + "-12-31")
    published = pd.DataFrame(
        {
            "kind": ranked["basis"].map({"dpiit_equity": "dpiit"}).fillna("unclear"),
            "period": ranked["period"],
            "as_of": ranked["period_end"].fillna(label_end),
            "end_stated": ranked["period_end"].notna(),
            "rank": ranked["japan_rank"].astype("int64"),
            "grade": ranked["grade"],
            "publisher_cited": ranked["publisher_cited"],
            "notes": ranked["notes"] if "notes" in ranked else None,
            "source_id": ranked["source_id"],
        }
    )
    parts = [published]
    span = by_investor[by_investor["year"].between(first, last) & by_investor["value_usd"].notna()]
    if (span["investor_iso3"] == investor).any():
        first, last = int(span["year"].min()), int(span["year"].max())
        ranking = investor_ranking(by_investor, first=first, last=last)
        mine = ranking.set_index("investor_iso3").loc[investor]
        missing = [
            name for code, name in CONDUITS.items() if code not in set(ranking.investor_iso3)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "kind": ["investor_reported"],
                    "period": f"{first}-{last}" if first < last else str(last),
                    "as_of": pd.Timestamp(f"{last}-12-31"),
                    "end_stated": True,
                    "rank": int(mine["rank"]),
                    "grade": "file",
                    "publisher_cited": "UNCTAD/OECD (Aisbett, Busse and Nunnenkamp 2018)",
                    "notes": f"net FDI flows reported by {len(ranking)} investing economies",
                    "source_id": mine["source_id"],
                    "ranked": len(ranking),
                    "missing_conduits": ", ".join(missing),
                }
            )
        )
    out = pd.concat([p for p in parts if len(p)] or [published], ignore_index=True)
    out = out.reindex(columns=[*published.columns, "ranked", "missing_conduits"])
    out["ranked"] = out["ranked"].astype("Int64")
    out["as_of"] = pd.to_datetime(out["as_of"])
    return out.sort_values(["as_of", "kind"], kind="mergesort").reset_index(drop=True)


def years_covered(series: pd.DataFrame, *, label: str, first: float, last: float) -> int:
    """Count the years of a span that have a value in one series.

    Parameters
    ----------
    series
        Output of :func:`fdi_series`.
    label
        The series (a value of ``series``).
    first, last
        The first and last ``year_mid`` of the span.

    Returns
    -------
    int
        Years with a value (the span has ``last - first + 1``).
    """
    rows = series[(series["series"] == label) & series["year_mid"].between(first, last)]
    return int(rows["value_usd"].notna().sum())


def _ranked_donors(oda: pd.DataFrame) -> pd.DataFrame:
    """Rank the donors' net bilateral flows within each year, with shares of the totals.

    Refuses years whose donors' flows do not add up to the DAC total: shares of a total
    the parts do not make would mislead.
    """
    gaps = dac_total_gaps(oda)
    off = gaps[~gaps["agrees"]]
    if len(off):
        raise DataError(
            [Problem("<oda_india_by_donor>", None, "value_usd",
                     f"donors' net bilateral flows adding up to the DAC total in {r.year} "
                     f"(within US${DAC_TOTAL_TOLERANCE_USD:,})",
                     f"{r.donors_sum_usd:,.0f} against "
                     + ("no DAC total" if pd.isna(r.dac_total_usd) else f"{r.dac_total_usd:,.0f}"))
             for r in off.itertuples()]
        )  # fmt: skip
    by_year = {
        m: oda[oda["measure"] == m].set_index("year")["value_usd"].astype("float64")
        for m in ("dac_total", "net_oda_all_donors")
    }
    flows = oda[oda["measure"] == "net_bilateral_oda"]
    value = flows["value_usd"].astype("float64")
    out = pd.DataFrame(
        {
            "year": flows["year"],
            "donor_code": flows["donor_code"],
            "donor_name": flows["donor_name"],
            "value_usd": value,
            "share_of_dac_total": value / flows["year"].map(by_year["dac_total"]),
            "share_of_all_donors": value / flows["year"].map(by_year["net_oda_all_donors"]),
            "source_id": flows["source_id"],
            "dac_total_usd": flows["year"].map(by_year["dac_total"]),
        }
    )
    out.insert(1, "rank", out.groupby("year")["value_usd"].rank(method="min", ascending=False))
    out["rank"] = out["rank"].astype("int64")
    return out.sort_values(["year", "rank", "donor_code"], kind="mergesort").reset_index(drop=True)


def donor_ranking(oda: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rank the bilateral DAC donors to a recipient in one year by their net flow.

    Parameters
    ----------
    oda
        The ``oda_india_by_donor`` table (or rows like it): its ``net_bilateral_oda`` rows
        are ranked, its ``dac_total`` and ``net_oda_all_donors`` rows give the shares.
    year
        The calendar year.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = largest net flow; ties share the better rank), ``donor_code``,
        ``donor_name``, ``value_usd``, ``share_of_dac_total``, ``share_of_all_donors``
        (blank without an all-donor total; above 1 when the multilaterals' net flow is
        negative), ``source_id``; sorted by rank. The EU institutions are ranked with the
        member countries, as WDI counts them among the DAC donors.

    Raises
    ------
    DataError
        If the donors' flows in the year do not add up to its DAC total (within
        ``analysis.curate.india_japan.aid.DAC_TOTAL_TOLERANCE_USD``), or the year has no DAC total.

    Examples
    --------
    >>> oda = pd.DataFrame({
    ...     "year": 2019, "donor_code": ["JPN", "DEU", "DAC", "ALL"],
    ...     "donor_name": ["Japan", "Germany", "All DAC donors", "All donors"],
    ...     "measure": ["net_bilateral_oda"] * 2 + ["dac_total", "net_oda_all_donors"],
    ...     "value_usd": [300, 100, 400, 500], "source_id": "s"})
    >>> donor_ranking(oda, 2019)[["rank", "donor_code", "share_of_dac_total"]]
       rank donor_code  share_of_dac_total
    0     1        JPN                0.75
    1     2        DEU                0.25
    """
    ranked = _ranked_donors(oda[oda["year"] == year])
    return ranked.drop(columns=["year", "dac_total_usd"]).reset_index(drop=True)


def largest_donor_by_year(oda: pd.DataFrame, *, donor: str = "JPN") -> pd.DataFrame:
    """Name the largest and second-largest bilateral donor of each year, and one donor's rank.

    Parameters
    ----------
    oda
        The ``oda_india_by_donor`` table (or rows like it).
    donor
        The donor followed: its rank, flow and shares are given every year.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``leader_code``, ``leader_name``, ``leader_usd``,
        ``runner_up_code``, ``runner_up_name``, ``runner_up_usd``, ``donor_code``,
        ``donor_rank`` (blank in a year without a flow from the donor), ``donor_usd``,
        ``donor_share_of_dac_total``, ``donor_share_of_all_donors``, ``donors_reporting``,
        ``dac_total_usd``, ``source_id``.

    Raises
    ------
    DataError
        If in some year the donors' flows do not add up to the DAC total.

    Examples
    --------
    >>> oda = pd.DataFrame({
    ...     "year": [2018] * 3 + [2019] * 3, "donor_code": ["GBR", "JPN", "DAC"] * 2,
    ...     "donor_name": ["United Kingdom", "Japan", "All DAC donors"] * 2,
    ...     "measure": ["net_bilateral_oda"] * 2 + ["dac_total"] + ["net_bilateral_oda"] * 2
    ...     + ["dac_total"], "value_usd": [5, -1, 4, 2, 6, 8], "source_id": "s"})
    >>> largest_donor_by_year(oda, donor="JPN")[["year", "leader_code", "donor_rank"]]
       year leader_code  donor_rank
    0  2018         GBR           2
    1  2019         JPN           1
    """
    ranked = _ranked_donors(oda)
    rows = []
    for year, grp in ranked.groupby("year", sort=True):
        first = grp.iloc[0]
        second = grp.iloc[1] if len(grp) > 1 else None
        own = grp[grp["donor_code"] == donor]
        mine = own.iloc[0] if len(own) else None
        rows.append(
            {
                "year": year,
                "leader_code": first["donor_code"],
                "leader_name": first["donor_name"],
                "leader_usd": first["value_usd"],
                "runner_up_code": None if second is None else second["donor_code"],
                "runner_up_name": None if second is None else second["donor_name"],
                "runner_up_usd": None if second is None else second["value_usd"],
                "donor_code": donor,
                "donor_rank": None if mine is None else mine["rank"],
                "donor_usd": None if mine is None else mine["value_usd"],
                "donor_share_of_dac_total": None if mine is None else mine["share_of_dac_total"],
                "donor_share_of_all_donors": None
                if mine is None else mine["share_of_all_donors"],
                "donors_reporting": len(grp),
                "dac_total_usd": first["dac_total_usd"],
                "source_id": ";".join(dict.fromkeys(grp["source_id"])),
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    if len(out):
        out["donor_rank"] = out["donor_rank"].astype("Int64")
        for col in ["leader_usd", "runner_up_usd", "donor_usd", "donor_share_of_dac_total",
                    "donor_share_of_all_donors", "dac_total_usd"]:  # fmt: skip
            out[col] = out[col].astype("float64")
    return out


def years_led_by_others(by_year: pd.DataFrame) -> pd.DataFrame:
    """List the spells of consecutive years in which another donor than the one followed led.

    Parameters
    ----------
    by_year
        Output of :func:`largest_donor_by_year`.

    Returns
    -------
    pandas.DataFrame
        One row per spell, in time order: ``first_year``, ``last_year``, ``years`` (how
        many), ``leaders`` (their names, in order of first appearance), ``donor_min_usd``
        (the followed donor's lowest net flow in the spell; blank if it gave nothing) and
        ``donor_min_year``.

    Examples
    --------
    >>> by_year = pd.DataFrame({"year": [2001, 2002, 2003, 2004],
    ...                         "leader_code": ["JPN", "GBR", "GBR", "JPN"],
    ...                         "leader_name": ["Japan", "UK", "UK", "Japan"],
    ...                         "donor_code": "JPN", "donor_usd": [5.0, -1.0, 2.0, 6.0]})
    >>> years_led_by_others(by_year)[["first_year", "last_year", "leaders", "donor_min_usd"]]
       first_year  last_year leaders  donor_min_usd
    0        2002       2003      UK           -1.0
    """
    rows = by_year.sort_values("year")
    other = rows["leader_code"] != rows["donor_code"]
    # A new spell starts where another donor leads after the followed one, or after a gap.
    start = other & (~other.shift(fill_value=False) | (rows["year"].diff() != 1))
    spell = start.cumsum()[other]
    out = []
    for _, grp in rows[other].groupby(spell, sort=True):
        values = grp["donor_usd"].astype("float64")
        low = values.idxmin() if values.notna().any() else None
        out.append(
            {
                "first_year": int(grp["year"].min()),
                "last_year": int(grp["year"].max()),
                "years": len(grp),
                "leaders": ", ".join(dict.fromkeys(grp["leader_name"])),
                "donor_min_usd": None if low is None else float(values[low]),
                "donor_min_year": None if low is None else int(grp.loc[low, "year"]),
            }
        )
    columns = ["first_year", "last_year", "years", "leaders", "donor_min_usd", "donor_min_year"]
    result = pd.DataFrame(out, columns=columns)
    result["donor_min_usd"] = result["donor_min_usd"].astype("float64")
    result["donor_min_year"] = result["donor_min_year"].astype("Int64")
    return result
