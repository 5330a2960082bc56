"""Prices and currencies: period averages, constant dollars, local-currency views.

Every function takes the curated monthly tables (``exchange_rates``, ``cpi_us``) and a
trade table with ``value_usd`` and either ``year`` (calendar) or ``period_start`` +
``period_basis`` (fiscal years April–March), and returns a new table: nothing is
changed in place. A period without all twelve months of prices gives NaN and a warning
naming it, never a partial average.
"""

from __future__ import annotations

import warnings

import pandas as pd

from analysis.errors import DataError, IndicatorWarning, Problem

__all__ = ["period_average", "to_constant_usd", "to_local_currency"]


def _period_key(months: pd.Series, basis: str) -> pd.Series:
    """Return the start year of the calendar or fiscal (April–March) year of each month."""
    if basis == "calendar":
        return months.dt.year
    if basis == "fiscal_apr_mar":
        return months.dt.year - (months.dt.month < 4).astype("int64")
    raise DataError(
        Problem("<prices>", None, "period_basis", "calendar or fiscal_apr_mar", repr(basis))
    )


def period_average(monthly: pd.DataFrame, value: str, *, basis: str = "calendar") -> pd.DataFrame:
    """Average a monthly series over calendar years or April–March fiscal years.

    Parameters
    ----------
    monthly
        A table with ``month`` (dates) and the ``value`` column; any other key column
        (for example ``currency``) keeps series apart.
    value
        The column to average.
    basis
        ``"calendar"`` or ``"fiscal_apr_mar"``.

    Returns
    -------
    pandas.DataFrame
        The series keys, ``start_year`` (the calendar year, or the year the fiscal year
        starts in), ``n_months`` and the average, NaN where fewer than 12 months exist.

    Examples
    --------
    >>> m = pd.DataFrame({"month": pd.date_range("2019-04-01", periods=12, freq="MS"),
    ...                   "per_usd": [70.0] * 6 + [76.0] * 6})
    >>> period_average(m, "per_usd", basis="fiscal_apr_mar")
       start_year  n_months  per_usd
    0        2019        12     73.0
    """
    keys = [c for c in monthly.columns if c not in ("month", value, "source_id")]
    d = monthly.assign(start_year=_period_key(monthly["month"], basis))
    grouped = d.groupby([*keys, "start_year"], sort=True)[value]
    out = pd.DataFrame({"n_months": grouped.size(), value: grouped.mean()}).reset_index()
    out.loc[out["n_months"] < 12, value] = float("nan")
    return out


def _averages(
    trade: pd.DataFrame, monthly: pd.DataFrame, value: str, what: str
) -> tuple[pd.Series, str]:
    """Return, for each trade row, the average of a monthly series over the row's period."""
    if "period_basis" in trade.columns:
        bases = set(trade["period_basis"])
        if len(bases) != 1 or not bases <= {"calendar", "fiscal_apr_mar"}:
            raise DataError(
                Problem("<trade table>", None, "period_basis",
                        "one basis, calendar or fiscal_apr_mar (partial years have no "
                        "matching average)", ", ".join(sorted(bases)))
            )  # fmt: skip
        basis = bases.pop()
        start = trade["period_start"].dt.year
    elif "year" in trade.columns:
        basis, start = "calendar", trade["year"]
    else:
        raise DataError(
            Problem("<trade table>", None, "year", "a year or period_start column", "neither")
        )
    avg = period_average(monthly, value, basis=basis).set_index("start_year")[value]
    out = start.map(avg)
    missing = sorted(set(start[out.isna()]))
    if missing:
        warnings.warn(
            f"{what}: no full {basis} year of prices for start year(s) {missing}; set to NaN",
            IndicatorWarning,
            stacklevel=3,
        )
    return out, basis


def to_constant_usd(trade: pd.DataFrame, cpi: pd.DataFrame, *, base_year: int) -> pd.DataFrame:
    """Express US-dollar values in constant dollars of a base year, deflated by the US CPI-U.

    ``value_constant_usd = value_usd × CPI(base year) / CPI(period)``, each CPI the
    average over the same kind of period as the row (calendar or fiscal year).

    Parameters
    ----------
    trade
        Rows with ``value_usd`` and ``year`` or ``period_start`` + ``period_basis``.
    cpi
        The ``cpi_us`` table.
    base_year
        The year whose dollars the result is in (a calendar year, or the start year of
        the fiscal year when the rows are fiscal years).

    Returns
    -------
    pandas.DataFrame
        The rows with ``value_constant_usd`` and ``price_basis`` (for example
        ``"constant 2020 US$ (US CPI-U, fiscal-year average)"``) added.

    Examples
    --------
    >>> cpi = pd.DataFrame({"month": pd.date_range("2019-01-01", periods=24, freq="MS"),
    ...                     "cpi_index": [100.0] * 12 + [110.0] * 12})
    >>> t = pd.DataFrame({"year": [2019, 2020], "value_usd": [100.0, 110.0]})
    >>> to_constant_usd(t, cpi, base_year=2020)["value_constant_usd"].tolist()
    [110.0, 110.0]
    """
    per_row, basis = _averages(trade, cpi[["month", "cpi_index"]], "cpi_index", "CPI")
    base = period_average(cpi[["month", "cpi_index"]], "cpi_index", basis=basis)
    base_value = base.set_index("start_year")["cpi_index"].get(base_year)
    if base_value is None or pd.isna(base_value):
        raise DataError(
            Problem("cpi_us", None, "month", f"12 months of CPI for {basis} year {base_year}",
                    "fewer")
        )  # fmt: skip
    kind = "fiscal-year" if basis == "fiscal_apr_mar" else "calendar-year"
    return trade.assign(
        value_constant_usd=trade["value_usd"] * base_value / per_row.to_numpy(),
        price_basis=f"constant {base_year} US$ (US CPI-U, {kind} average)",
    )


def to_local_currency(trade: pd.DataFrame, fx: pd.DataFrame, *, currency: str) -> pd.DataFrame:
    """Convert US-dollar values to a national currency at the period's average rate.

    ``value_local = value_usd × (currency per US$, averaged over the row's period)``.

    Parameters
    ----------
    trade
        Rows with ``value_usd`` and ``year`` or ``period_start`` + ``period_basis``.
    fx
        The ``exchange_rates`` table.
    currency
        ``"INR"``, ``"JPY"`` or ``"CNY"``.

    Returns
    -------
    pandas.DataFrame
        The rows with ``value_local`` and ``currency`` added.

    Examples
    --------
    >>> fx = pd.DataFrame({"currency": "JPY", "month": pd.date_range("2020-01-01",
    ...                    periods=12, freq="MS"), "per_usd": 100.0})
    >>> t = pd.DataFrame({"year": [2020], "value_usd": [2.0]})
    >>> to_local_currency(t, fx, currency="JPY")[["value_local", "currency"]]
       value_local currency
    0        200.0      JPY
    """
    rates = fx[fx["currency"] == currency][["month", "per_usd"]]
    if rates.empty:
        known = ", ".join(sorted(set(fx["currency"])))
        raise DataError(Problem("exchange_rates", None, "currency", f"one of {known}", currency))
    per_row, _ = _averages(trade, rates, "per_usd", f"{currency} per US$")
    return trade.assign(value_local=trade["value_usd"] * per_row.to_numpy(), currency=currency)
