"""Investment tables for the narrative: FDI series by basis, cumulative figures, rankings."""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError, Problem

__all__ = [
    "cumulative_snapshots",
    "fdi_series",
    "investor_ranking",
    "sum_complete_years",
    "years_covered",
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
    rows = fdi[(fdi["period_type"] == "cumulative") & fdi["is_preferred"]]
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
