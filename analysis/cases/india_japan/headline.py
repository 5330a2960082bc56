"""The headline story: the articles' 2020 figures set against the reporter's own series."""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.measures import bilateral, indicators

BASIS_LABELS = {
    "calendar": "Calendar",
    "fiscal_apr_mar": "FY",
    "partial_fiscal_apr_mar": "part of FY",
}
SERIES_KEYS = ["period", "period_basis", "period_start", "source_id"]
VALUE_COLUMNS = ["exports_usd", "imports_usd", "total_usd", "balance_usd"]


def claimed_figures(
    claims: pd.DataFrame, *, ids: tuple[str, str, str] = ("C02", "C03", "C01")
) -> pd.DataFrame:
    """Collect the articles' claimed exports, imports and total into one headline row.

    Parameters
    ----------
    claims
        The ``claims`` table.
    ids
        Claim ids of the exports, imports and total claims, all in ``USD bn``.

    Returns
    -------
    pandas.DataFrame
        One row: ``label``, ``period``, ``exports_usd``, ``imports_usd``, ``total_usd``,
        ``balance_usd`` (exports − imports), ``source_id``.
    """
    rows = claims.set_index("claim_id")
    missing = [i for i in ids if i not in rows.index]
    if missing:
        raise DataError(
            Problem("claims", None, "claim_id", "the headline claims", ", ".join(missing))
        )
    units = set(rows.loc[list(ids), "unit"])
    if units != {"USD bn"}:
        raise DataError(
            Problem("claims", None, "unit", "USD bn for every headline claim", str(units))
        )
    exports, imports, total = (float(rows.at[i, "claimed_value"]) * 1e9 for i in ids)
    period = rows.at[ids[2], "period"]
    return pd.DataFrame(
        {
            "label": [f"Articles: {period}"],
            "period": [period],
            "exports_usd": [exports],
            "imports_usd": [imports],
            "total_usd": [total],
            "balance_usd": [exports - imports],
            "source_id": [rows.at[ids[2], "source_id"]],
        }
    )


def series_summary(trade: pd.DataFrame) -> pd.DataFrame:
    """Summarise every period of every series (basis × source) of a bilateral trade table.

    Parameters
    ----------
    trade
        A table like ``india_japan_trade``; only its preferred rows are used where it has
        an ``is_preferred`` column.

    Returns
    -------
    pandas.DataFrame
        One row per period and source: ``label`` (for example ``"FY2020-21"``),
        ``period``, ``period_basis``, ``period_start``, ``source_id`` and the columns of
        :func:`analysis.measures.indicators.summary`; in time order.
    """
    if "is_preferred" in trade.columns:
        # Where sources overlap, the table marks one row per period, basis and flow.
        trade = trade[trade["is_preferred"]]
    out = indicators.summary(trade, by=SERIES_KEYS)
    out = out.sort_values(["period_start", "period_basis"], kind="mergesort").reset_index(drop=True)
    prefix = out["period_basis"].map(BASIS_LABELS)
    label = [
        f"{p} {per}" if p != "FY" else f"FY{per}"
        for p, per in zip(prefix, out["period"], strict=True)
    ]
    out.insert(0, "label", label)
    return out


def closest_period(summary: pd.DataFrame, total_usd: float) -> pd.Series:
    """Return the full-period row whose total trade is closest to a claimed total.

    Parameters
    ----------
    summary
        Output of :func:`series_summary`.
    total_usd
        The claimed total, in US$.

    Returns
    -------
    pandas.Series
        The matching row, with ``gap_usd`` (measured − claimed) added.
    """
    full = summary[summary["period_basis"] != "partial_fiscal_apr_mar"]
    gap = full["total_usd"] - total_usd
    row = full.loc[gap.abs().idxmin()].copy()
    row["gap_usd"] = gap.loc[row.name]
    return row


def fiscal_years(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the full fiscal years of a series summary, with missing years as empty rows.

    Parameters
    ----------
    summary
        Output of :func:`series_summary`.

    Returns
    -------
    pandas.DataFrame
        One row per fiscal year from the first to the last, in order; a year absent from
        the data has NaN values and no source, so that charts show it as a gap.
    """
    fy = summary[summary["period_basis"] == "fiscal_apr_mar"]
    starts = fy["period_start"].dt.year
    every = pd.DataFrame({"start_year": range(int(starts.min()), int(starts.max()) + 1)})
    every["period"] = [f"{y}-{(y + 1) % 100:02d}" for y in every["start_year"]]
    out = every.merge(fy, on="period", how="left").drop(columns="start_year")
    out["label"] = "FY" + out["period"]
    out["period_basis"] = "fiscal_apr_mar"
    return out


def compare(claimed: pd.DataFrame, summary: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Stack the claimed headline row above the measured series with the given labels.

    Parameters
    ----------
    claimed
        Output of :func:`claimed_figures`.
    summary
        Output of :func:`series_summary`.
    labels
        Labels of the measured rows to show, in order.

    Returns
    -------
    pandas.DataFrame
        ``label``, ``period``, ``exports_usd``, ``imports_usd``, ``total_usd``,
        ``balance_usd``, ``source_id``: the claim first, then each labelled series.
    """
    missing = [label for label in labels if label not in set(summary["label"])]
    if missing:
        raise DataError(
            Problem("<series summary>", None, "label", "labels present in the data",
                    ", ".join(missing))
        )  # fmt: skip
    measured = summary.set_index("label").loc[labels].reset_index()
    return pd.concat([claimed, measured[claimed.columns]], ignore_index=True)


def bases_for_year(
    dots: pd.DataFrame,
    trade: pd.DataFrame,
    countries: pd.DataFrame,
    *,
    a: str,
    b: str,
    year: int,
) -> pd.DataFrame:
    """Give a pair's trade in one year on every basis that could stand behind a figure.

    The bases are the partner's own figures for the calendar year (``b``'s imports CIF
    from ``a`` as ``a``'s exports, ``b``'s exports FOB to ``a`` as ``a``'s imports), the
    reporter's own figures for the calendar year (both from ``dots_trade``), and the
    reporter's fiscal year that starts in that year (from ``trade``, a table like
    ``india_japan_trade``).

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    trade
        The reporter's fiscal-year series (preferred rows are used).
    countries
        The ``country_codes`` table, for names.
    a, b
        The pair, seen from ``a``.
    year
        The calendar year.

    Returns
    -------
    pandas.DataFrame
        One row per basis found: ``basis``, ``reporter_iso3``, ``period``,
        ``period_basis``, ``exports_usd``, ``imports_usd``, ``total_usd``,
        ``balance_usd``, ``source_id``.
    """
    names = countries.set_index("iso3")["name"]
    rows = []
    for reporter in (b, a):
        totals = bilateral.pair_totals(dots, a, b, reporter=reporter)
        hit = totals[totals["year"] == year]
        if len(hit):
            r = hit.iloc[0]
            rows.append(
                {
                    "basis": f"{names.get(reporter, reporter)}-reported, calendar {year}",
                    "reporter_iso3": reporter,
                    "period": str(year),
                    "period_basis": "calendar",
                    **{c: float(r[c]) for c in VALUE_COLUMNS},
                    "source_id": r["source_id"],
                }
            )
    fiscal = f"{year}-{(year + 1) % 100:02d}"
    summary = series_summary(trade)
    hit = summary[(summary["period"] == fiscal) & (summary["period_basis"] == "fiscal_apr_mar")]
    for r in hit.itertuples():
        rows.append(
            {
                "basis": f"{names.get(a, a)}-reported, fiscal year {fiscal}",
                "reporter_iso3": a,
                "period": fiscal,
                "period_basis": "fiscal_apr_mar",
                **{c: float(getattr(r, c)) for c in VALUE_COLUMNS},
                "source_id": r.source_id,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["basis", "reporter_iso3", "period", "period_basis", *VALUE_COLUMNS, "source_id"],
    )
