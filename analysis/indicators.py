"""Bilateral trade indicators: pure functions from a tidy long table to a tidy table.

Input is the canonical long table: key columns (any of ``reporter_iso3``,
``partner_iso3``, ``product``, ``year``, ``period``, ``period_basis``, ``period_start``),
``flow`` (``"export"`` or ``"import"``, from the reporter's side) and ``value_usd``.
Every function returns the key columns plus one column named after the indicator.

Zero and missing are kept apart: a division by zero gives NaN and an
:class:`~analysis.errors.IndicatorWarning` naming the rows, never a silent ``inf``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.errors import DataError, IndicatorWarning, Problem

__all__ = [
    "KEY_COLUMNS",
    "balance",
    "cagr",
    "coverage_ratio",
    "flows_wide",
    "growth",
    "normalised_balance",
    "partner_ranking",
    "shares",
    "summary",
    "total",
]

KEY_COLUMNS = (
    "reporter_iso3",
    "partner_iso3",
    "product",
    "year",
    "period",
    "period_basis",
    "period_start",
)
WORLD = "WLD"


def _keys(df: pd.DataFrame, by: Sequence[str] | None) -> list[str]:
    """Return the grouping columns: those given, or every key column present."""
    return list(by) if by is not None else [c for c in KEY_COLUMNS if c in df.columns]


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            Problem("<DataFrame>", None, ", ".join(missing), "these columns", "none such")
        )


def _divide(num: pd.Series, den: pd.Series, labels: pd.DataFrame, what: str) -> pd.Series:
    """Divide, giving NaN and a warning naming the rows where the divisor is zero."""
    zero = den == 0
    if zero.any():
        rows = "; ".join(
            ", ".join(f"{k}={v}" for k, v in row.items())
            for row in labels[zero.to_numpy()].to_dict("records")
        )
        warnings.warn(
            f"{what}: divisor is zero, result set to NaN for {rows}",
            IndicatorWarning,
            stacklevel=3,
        )
    return num / den.where(~zero)


def flows_wide(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Put exports and imports side by side, one row per group.

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``exports_usd``, ``imports_usd`` (NaN where a flow has no row).

    Raises
    ------
    DataError
        If a group has two rows for the same flow (for example, two sources for one
        period): choose one before computing indicators.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [4.0, 9.0]})
    >>> flows_wide(df)
       year  exports_usd  imports_usd
    0  2020          4.0          9.0
    """
    keys = _keys(df, by)
    _require(df, [*keys, "flow", "value_usd"])
    bad = ~df["flow"].isin(["export", "import"])
    if bad.any():
        found = df.loc[bad, "flow"].iloc[0]
        raise DataError(Problem("<DataFrame>", None, "flow", "export or import", repr(found)))
    _refuse_duplicates(df, [*keys, "flow"], "each group and flow")
    # A constant key stands in for "no grouping" so that unstack has an index to keep.
    d = df if keys else df.assign(_all=0)
    wide = d.set_index([*(keys or ["_all"]), "flow"])["value_usd"].unstack("flow").sort_index()
    wide = wide.reindex(columns=["export", "import"]).rename(
        columns={"export": "exports_usd", "import": "imports_usd"}
    )
    wide.columns.name = None
    out = wide.reset_index().astype({"exports_usd": "float64", "imports_usd": "float64"})
    return out if keys else out.drop(columns="_all")


def total(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Compute total trade, exports plus imports: ``X + M``.

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``total_usd`` (NaN when a flow is missing).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [4.0, 9.0]})
    >>> total(df)
       year  total_usd
    0  2020       13.0
    """
    w = flows_wide(df, by=by)
    return w.drop(columns=["exports_usd", "imports_usd"]).assign(
        total_usd=w["exports_usd"] + w["imports_usd"]
    )


def balance(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Compute the trade balance from the reporter's side: ``X − M`` (negative is a deficit).

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``balance_usd``.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [4.0, 9.0]})
    >>> balance(df)
       year  balance_usd
    0  2020         -5.0
    """
    w = flows_wide(df, by=by)
    return w.drop(columns=["exports_usd", "imports_usd"]).assign(
        balance_usd=w["exports_usd"] - w["imports_usd"]
    )


def coverage_ratio(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Compute the coverage ratio, exports over imports: ``X / M`` (range 0 to ∞, 1 balanced).

    Defined in WITS's trade indicators; below 1 the reporter's exports pay for only
    part of its imports from the partner.

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``coverage_ratio`` (NaN, with a warning, where imports are zero).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [4.0, 8.0]})
    >>> coverage_ratio(df)
       year  coverage_ratio
    0  2020             0.5
    """
    w = flows_wide(df, by=by)
    keys = w.drop(columns=["exports_usd", "imports_usd"])
    return keys.assign(
        coverage_ratio=_divide(w["exports_usd"], w["imports_usd"], keys, "coverage_ratio")
    )


def normalised_balance(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Compute the normalised trade balance: ``(X − M) / (X + M)``, in [−1, 1].

    −1 means imports only, 1 exports only, 0 balanced (WITS, UN ESCAP).

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``normalised_balance`` (NaN, with a warning, where X + M is zero).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [1.0, 3.0]})
    >>> normalised_balance(df)
       year  normalised_balance
    0  2020                -0.5
    """
    w = flows_wide(df, by=by)
    keys = w.drop(columns=["exports_usd", "imports_usd"])
    value = _divide(
        w["exports_usd"] - w["imports_usd"],
        w["exports_usd"] + w["imports_usd"],
        keys,
        "normalised_balance",
    )
    return keys.assign(normalised_balance=value)


def summary(df: pd.DataFrame, *, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Compute exports, imports, total, balance, coverage ratio and normalised balance together.

    Parameters
    ----------
    df
        Long table with ``flow`` and ``value_usd``.
    by
        Grouping columns; by default every key column present.

    Returns
    -------
    pandas.DataFrame
        ``by`` + ``exports_usd, imports_usd, total_usd, balance_usd, coverage_ratio,
        normalised_balance``.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2020, 2020], "flow": ["export", "import"],
    ...                    "value_usd": [1.0, 3.0]})
    >>> summary(df).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'year': 2020.0, 'exports_usd': 1.0, 'imports_usd': 3.0, 'total_usd': 4.0,
     'balance_usd': -2.0, 'coverage_ratio': 0.3333333333333333, 'normalised_balance': -0.5}
    """
    out = flows_wide(df, by=by)
    keys = _keys(df, by)
    for part in (total, balance, coverage_ratio, normalised_balance):
        result = part(df, by=by)
        if keys:
            out = out.merge(result, on=keys, how="left", validate="one_to_one")
        else:
            out = pd.concat([out, result], axis=1)
    return out


def shares(
    df: pd.DataFrame,
    *,
    of: str = "partner_iso3",
    within: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compute each member's share of its group: ``v_i / Σ v`` (fractions summing to 1).

    Where a group holds a world row (``partner_iso3 == "WLD"``), the world value is that
    group's denominator and the world row is not returned; in a group without one, the sum
    of the members is.

    Parameters
    ----------
    df
        Long table with ``of``, the ``within`` columns and ``value_usd``.
    of
        The column whose members share the total (for example ``partner_iso3``).
    within
        The groups; by default every key column present other than ``of``, plus ``flow``.

    Returns
    -------
    pandas.DataFrame
        ``within`` + ``of`` + ``share`` (between 0 and 1).

    Examples
    --------
    >>> df = pd.DataFrame({"partner_iso3": ["JPN", "CHN", "WLD"], "flow": "export",
    ...                    "value_usd": [1.0, 3.0, 10.0]})
    >>> shares(df)
         flow partner_iso3  share
    0  export          JPN    0.1
    1  export          CHN    0.3
    """
    groups = list(within) if within is not None else [c for c in _keys(df, None) if c != of]
    if within is None and "flow" in df.columns:
        groups.append("flow")
    _require(df, [*groups, of, "value_usd"])
    _refuse_duplicates(df, [*groups, of], "shares")
    # A constant key stands in for "no grouping", so one code path serves both cases.
    keys = groups or ["_all"]
    d = df.assign(_all=0) if not groups else df
    is_world = d[of] == WORLD if of == "partner_iso3" else pd.Series(False, index=d.index)
    value = d["value_usd"].astype("float64")
    world = value.where(is_world).groupby([d[k] for k in keys], dropna=False).transform("max")
    members_sum = (
        value.where(~is_world).groupby([d[k] for k in keys], dropna=False).transform("sum")
    )
    den = world.fillna(members_sum)[~is_world].reset_index(drop=True)
    labels = d.loc[~is_world, [*groups, of]].reset_index(drop=True)
    share = _divide(value[~is_world].reset_index(drop=True), den, labels, "share")
    return labels.assign(share=share.to_numpy())


def _refuse_duplicates(df: pd.DataFrame, keys: list[str], what: str) -> None:
    """Raise when two rows share the keys: two sources or bases must be told apart first."""
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        first = df.loc[dup, keys].iloc[0].to_dict()
        raise DataError(
            Problem("<DataFrame>", None, ", ".join(keys),
                    f"one row per {', '.join(keys)} for {what} (filter to one source or basis "
                    "first)", f"{int(dup.sum())} rows sharing keys such as {first}")
        )  # fmt: skip


def _refuse_missing(df: pd.DataFrame, what: str) -> None:
    """Raise when values are missing where a computation would silently skip them."""
    missing = df["value_usd"].isna()
    if missing.any():
        raise DataError(
            Problem("<DataFrame>", None, "value_usd", f"a value in every row for {what} "
                    "(drop or fill the missing rows first)", f"{int(missing.sum())} blank")
        )  # fmt: skip


def _elapsed_years(start: pd.Series, end: pd.Series) -> pd.Series:
    """Return the years between two time points (integers, or dates to the month)."""
    if pd.api.types.is_datetime64_any_dtype(start):
        return (end.dt.year - start.dt.year) + (end.dt.month - start.dt.month) / 12
    return (end - start).astype("float64")


def growth(df: pd.DataFrame, *, time: str = "year") -> pd.DataFrame:
    """Compute growth on the previous observation of each series: ``100 · (v_t / v_{t−1} − 1)``.

    Series are told apart by every key column present other than ``time``, and by
    ``flow`` if present. The first observation of each series has no growth (NaN). Where
    periods are missing, the change spans several years: ``years`` says how many, so that
    a two-year change is not read as a yearly one (use :func:`cagr` to annualise).

    Parameters
    ----------
    df
        Long table with ``time`` and ``value_usd``.
    time
        The time column (integer years or dates).

    Returns
    -------
    pandas.DataFrame
        The series keys, ``time``, ``years`` (since the previous observation) and
        ``growth_pct``, sorted by series and time.

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2019, 2020, 2022], "value_usd": [10.0, 12.0, 9.0]})
    >>> growth(df)
       year  years  growth_pct
    0  2019    NaN         NaN
    1  2020    1.0        20.0
    2  2022    2.0       -25.0
    """
    series = [c for c in _keys(df, None) if c not in (time, "period")]
    if "flow" in df.columns:
        series.append("flow")
    _require(df, [*series, time, "value_usd"])
    _refuse_duplicates(df, [*series, time], "growth")
    d = df.sort_values([*series, time], kind="mergesort").reset_index(drop=True)
    prev = (
        d.groupby(series, sort=False, dropna=False)["value_usd"].shift()
        if series
        else d["value_usd"].shift()
    )
    prev_time = (
        d.groupby(series, sort=False, dropna=False)[time].shift() if series else (d[time].shift())
    )
    labels = d[[*series, time]]
    ratio = _divide(d["value_usd"].astype("float64"), prev.astype("float64"), labels, "growth")
    return labels.assign(years=_elapsed_years(prev_time, d[time]), growth_pct=100 * (ratio - 1))


def cagr(
    df: pd.DataFrame,
    *,
    time: str = "year",
    start: object | None = None,
    end: object | None = None,
) -> pd.DataFrame:
    """Compute the compound annual growth rate: ``100 · ((v_end / v_start)^(1 / years) − 1)``.

    Parameters
    ----------
    df
        Long table with ``time`` and ``value_usd``.
    time
        The time column (integer years, or dates: years are counted to the month).
    start, end
        The first and last time points; by default each series' first and last.

    Returns
    -------
    pandas.DataFrame
        The series keys, ``start``, ``end``, ``years`` and ``cagr_pct`` (NaN, with a
        warning, where the start value is zero or negative).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2010, 2012], "value_usd": [100.0, 121.0]})
    >>> cagr(df)
       start   end  years  cagr_pct
    0   2010  2012    2.0      10.0
    """
    series = [c for c in _keys(df, None) if c not in (time, "period")]
    if "flow" in df.columns:
        series.append("flow")
    _require(df, [*series, time, "value_usd"])
    _refuse_duplicates(df, [*series, time], "cagr")
    _refuse_missing(df, "cagr")
    d = df
    if start is not None:
        d = d[d[time] >= start]
    if end is not None:
        d = d[d[time] <= end]
    d = d.sort_values([*series, time], kind="mergesort")
    grouped = d.groupby(series, sort=True, dropna=False) if series else d.groupby(lambda _: 0)
    first, last = grouped.first(), grouped.last()
    out = pd.DataFrame(
        {
            "start": first[time],
            "end": last[time],
            "years": _elapsed_years(first[time], last[time]),
        }
    )
    labels = out[["start", "end"]].reset_index(drop=not series)
    base = first["value_usd"].astype("float64").where(first["value_usd"] > 0, 0.0)
    ratio = _divide(last["value_usd"].astype("float64"), base, labels, "cagr (start value <= 0)")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cagr_pct"] = 100 * (ratio ** (1 / out["years"].where(out["years"] > 0)) - 1)
    return out.reset_index(drop=not series)


def partner_ranking(
    df: pd.DataFrame, *, countries: pd.DataFrame | None = None, n: int | None = None
) -> pd.DataFrame:
    """Rank a reporter's partners by total trade, with shares of its trade with the world.

    Parameters
    ----------
    df
        Long table of one reporter and year with ``partner_iso3``, ``flow`` and
        ``value_usd``, including the world row (``WLD``).
    countries
        The ``country_codes`` table; when given, only partners of kind
        ``country_or_area`` are ranked (unspecified areas are not partners) and a
        ``partner_name`` column is added.
    n
        Keep the first ``n`` partners; all by default.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``partner_iso3`` (and ``partner_name``), ``exports_usd``, ``imports_usd``,
        ``total_usd``, ``share_of_total`` (fraction of the reporter's total trade with the
        world), and ``source_id`` if the input has it; sorted by rank. Ties share the lower
        rank.

    Examples
    --------
    >>> df = pd.DataFrame({"partner_iso3": ["JPN", "JPN", "CHN", "CHN", "WLD", "WLD"],
    ...                    "flow": ["export", "import"] * 3,
    ...                    "value_usd": [1.0, 2.0, 3.0, 4.0, 10.0, 10.0]})
    >>> partner_ranking(df)[["rank", "partner_iso3", "total_usd", "share_of_total"]]
       rank partner_iso3  total_usd  share_of_total
    0     1          CHN        7.0            0.35
    1     2          JPN        3.0            0.15
    """
    # The source travels with the rows so that charts can cite it.
    by = ["partner_iso3", "source_id"] if "source_id" in df.columns else ["partner_iso3"]
    wide = flows_wide(df, by=by).fillna({"exports_usd": 0.0, "imports_usd": 0.0})
    wide["total_usd"] = wide["exports_usd"] + wide["imports_usd"]
    world = wide.loc[wide["partner_iso3"] == WORLD, "total_usd"]
    if world.empty:
        raise DataError(Problem("<DataFrame>", None, "partner_iso3", "a WLD row", "none"))
    out = wide[wide["partner_iso3"] != WORLD].copy()
    if countries is not None:
        kinds = countries.set_index("iso3")
        out = out[out["partner_iso3"].map(kinds["kind"]) == "country_or_area"]
        out.insert(1, "partner_name", out["partner_iso3"].map(kinds["name"]))
    world_total = pd.Series(float(world.iloc[0]), index=out.index)
    out["share_of_total"] = _divide(
        out["total_usd"], world_total, out[["partner_iso3"]], "share_of_total (world total)"
    )
    out.insert(0, "rank", out["total_usd"].rank(method="min", ascending=False).astype("int64"))
    out = out.sort_values(["rank", "partner_iso3"], kind="mergesort").reset_index(drop=True)
    return out if n is None else out.head(n)
