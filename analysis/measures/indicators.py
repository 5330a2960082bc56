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

from analysis.errors import DataError, IndicatorWarning, Problem, require_columns

__all__ = [
    "KEY_COLUMNS",
    "WORLD",
    "aggregate",
    "balance",
    "cagr",
    "canonical",
    "complementarity",
    "coverage_ratio",
    "diversification",
    "drysdale_decomposition",
    "export_similarity",
    "fill_missing",
    "flows_wide",
    "growth",
    "grubel_lloyd",
    "hhi",
    "marginal_iit",
    "market_penetration",
    "normalised_balance",
    "openness",
    "partner_ranking",
    "rca",
    "shares",
    "summary",
    "symmetric_rca",
    "total",
    "trade_intensity",
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
    require_columns(df, columns)


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
    >>> df = pd.DataFrame({"partner_iso3": ["USA", "CHN", "WLD"], "flow": "export",
    ...                    "value_usd": [1.0, 3.0, 10.0]})
    >>> shares(df)
         flow partner_iso3  share
    0  export          USA    0.1
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
    by_group = [d[k] for k in keys]
    members_sum = value.where(~is_world).groupby(by_group, dropna=False).transform("sum")
    # A blank member makes the sum of the members unknown, not smaller.
    blank_member = (value.isna() & ~is_world).groupby(by_group, dropna=False).transform("any")
    members_sum = members_sum.where(~blank_member)
    world = value.where(is_world).groupby(by_group, dropna=False).transform("max")
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
    >>> df = pd.DataFrame({"partner_iso3": ["USA", "USA", "CHN", "CHN", "WLD", "WLD"],
    ...                    "flow": ["export", "import"] * 3,
    ...                    "value_usd": [1.0, 2.0, 3.0, 4.0, 10.0, 10.0]})
    >>> partner_ranking(df)[["rank", "partner_iso3", "total_usd", "share_of_total"]]
       rank partner_iso3  total_usd  share_of_total
    0     1          CHN        7.0            0.35
    1     2          USA        3.0            0.15
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


# --- Adapters ---------------------------------------------------------------------------


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """Convert a curated table to the canonical long table the indicators expect.

    Renames ``hs2`` to ``product``; where the table has ``period_start`` but no ``year``,
    the year is the calendar year in which each period starts (FY2019-20 becomes 2019) and
    ``period_basis`` is kept beside it, so that a fiscal year is never read as a calendar
    one. ``period``, ``period_start`` and ``period_end`` are then redundant and dropped;
    ``value_usd`` becomes float64 with NaN where the source is blank. Every row is kept.

    Parameters
    ----------
    df
        A curated table of trade by product (``hs2`` and ``period`` columns).

    Returns
    -------
    pandas.DataFrame
        ``reporter_iso3, partner_iso3, product, year, period_basis, flow, value_usd`` (those
        present) followed by the table's other columns (such as ``source_id``).

    Raises
    ------
    DataError
        If the table has neither ``year`` nor ``period_start``, or two periods of one basis
        start in the same year.

    Examples
    --------
    >>> raw = pd.DataFrame({"hs2": ["09", "09"], "period": ["2019-20", "2020-21"],
    ...                     "period_basis": "fiscal_apr_mar",
    ...                     "period_start": pd.to_datetime(["2019-04-01", "2020-04-01"]),
    ...                     "flow": "export", "value_usd": pd.array([5, None], "Int64")})
    >>> canonical(raw)
      product  year    period_basis    flow  value_usd
    0      09  2019  fiscal_apr_mar  export        5.0
    1      09  2020  fiscal_apr_mar  export        NaN
    """
    _require(df, ["flow", "value_usd"])
    out = df.rename(columns={"hs2": "product"})
    if "year" not in out.columns:
        _require(out, ["period_start"])
        out = out.assign(year=out["period_start"].dt.year.astype("int64"))
        if "period" in out.columns:
            # Two periods starting in one year (a partial and a full year) would merge.
            ids = [c for c in ("period_basis", "year") if c in out.columns]
            clash = out.groupby(ids)["period"].nunique() > 1
            if clash.any():
                raise DataError(
                    Problem("<DataFrame>", None, "period", "one period per basis and start "
                            "year", f"several for {clash[clash].index[0]}")
                )  # fmt: skip
        out = out.drop(columns=[c for c in ("period", "period_start", "period_end") if c in out])
    out = out.assign(value_usd=out["value_usd"].astype("float64"))
    first = [c for c in (*KEY_COLUMNS, "flow", "value_usd") if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def fill_missing(df: pd.DataFrame, *, value: float = 0.0) -> pd.DataFrame:
    """Complete the grid of keys and flows and fill blank values, marking what was filled.

    Aggregated indicators refuse blanks (a blank is not a zero). When the source says a
    blank means "nil or negligible", call this to treat it as ``value`` openly: the
    ``filled`` column marks every row that was blank or absent.

    Parameters
    ----------
    df
        Canonical long table.
    value
        The value to put in blank or absent cells.

    Returns
    -------
    pandas.DataFrame
        One row for every combination of the key values and flows present (sorted), with
        ``filled`` (bool); other columns of added rows are missing.

    Examples
    --------
    >>> df = pd.DataFrame({"product": ["01", "01", "02"], "flow": ["export", "import", "export"],
    ...                    "value_usd": [3.0, None, 4.0]})
    >>> fill_missing(df)
      product    flow  value_usd  filled
    0      01  export        3.0   False
    1      01  import        0.0    True
    2      02  export        4.0   False
    3      02  import        0.0    True
    """
    keys = [*_keys(df, None), "flow"]
    _require(df, [*keys, "value_usd"])
    _refuse_duplicates(df, keys, "fill_missing")
    grid = pd.MultiIndex.from_product([sorted(df[k].unique()) for k in keys], names=keys)
    out = df.set_index(keys).reindex(grid).reset_index()
    blank = out["value_usd"].isna()
    return out.assign(value_usd=out["value_usd"].astype("float64").fillna(value), filled=blank)


def aggregate(df: pd.DataFrame, *, over: str = "product") -> pd.DataFrame:
    """Sum values over one key column, for example products into totals, refusing blanks.

    Parameters
    ----------
    df
        Canonical long table.
    over
        The key column summed away.

    Returns
    -------
    pandas.DataFrame
        The other keys, ``flow``, ``value_usd``; ``source_id`` too when each group has a
        single source.

    Examples
    --------
    >>> df = pd.DataFrame({"product": ["01", "02", "01"], "flow": ["export", "export", "import"],
    ...                    "value_usd": [1.0, 2.0, 5.0]})
    >>> aggregate(df)
         flow  value_usd
    0  export        3.0
    1  import        5.0
    """
    keys = _keys(df, None)
    _require(df, [over, "flow", "value_usd"])
    _refuse_duplicates(df, [*keys, "flow"], "aggregate")
    d = _float(df)
    _refuse_missing_used(d, "aggregate")
    group = [*(k for k in keys if k != over), "flow"]
    out = d.groupby(group, as_index=False, sort=True)["value_usd"].sum()
    if "source_id" in d.columns:
        sources = d.groupby(group, sort=True)["source_id"].agg(["nunique", "first"])
        if (sources["nunique"] == 1).all():
            out["source_id"] = sources["first"].to_numpy()
    return out


# --- Shared steps -----------------------------------------------------------------------


def _float(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with ``value_usd`` as float64 (NaN for blanks)."""
    return df.assign(value_usd=df["value_usd"].astype("float64"))


def _refuse_missing_used(df: pd.DataFrame, what: str) -> None:
    """Refuse blanks among the rows an aggregate sums over, naming the first one."""
    blank = df["value_usd"].isna()
    if blank.any():
        first = df.loc[blank].drop(columns="value_usd").iloc[0].to_dict()
        raise DataError(
            Problem("<DataFrame>", None, "value_usd", f"a value in every row {what} sums over "
                    "(use fill_missing to treat blanks as zero openly)",
                    f"{int(blank.sum())} blank, such as {first}")
        )  # fmt: skip


def _flow(df: pd.DataFrame, flow: str, what: str) -> pd.DataFrame:
    """Return the rows of one flow, refusing an unknown flow name or no rows at all."""
    if flow not in ("export", "import"):
        raise DataError(Problem("<arguments>", None, "flow", "export or import", repr(flow)))
    rows = df[df["flow"] == flow]
    if rows.empty:
        raise DataError(Problem("<DataFrame>", None, "flow", f"{flow} rows for {what}", "none"))
    return rows


def _attach(
    base: pd.DataFrame,
    df: pd.DataFrame,
    on: list[str],
    name: str,
    *,
    flow: str,
    reporter: str,
    partner: str,
    role: str,
) -> pd.DataFrame:
    """Add column ``name``: the value of the row with the given reporter, partner and flow.

    ``reporter`` and ``partner`` are either ``WORLD`` or the column of ``base`` holding the
    code to look up. A row that is absent raises (the indicator needs it); a blank one
    gives NaN, which stays missing.
    """
    src = df[df["flow"] == flow]
    left, right = list(on), list(on)
    for column, spec in (("reporter_iso3", reporter), ("partner_iso3", partner)):
        if spec == WORLD:
            src = src[src[column] == WORLD]
        else:
            left.append(spec)
            right.append(column)
    table = src[[*right, "value_usd"]].copy()
    table.columns = [*left, name]
    if left:
        out = base.merge(table, on=left, how="left", validate="many_to_one", indicator=True)
    else:  # No key to match on: the one world row serves every row.
        out = base.assign(**{name: table[name].iloc[0] if len(table) else np.nan})
        out["_merge"] = "both" if len(table) else "left_only"
    absent = out["_merge"] == "left_only"
    if absent.any():
        first = out.loc[absent, left].iloc[0].to_dict()
        wanted = {
            "reporter_iso3": first.get(reporter, WORLD),
            "partner_iso3": first.get(partner, WORLD),
            "flow": flow,
            **{k: first[k] for k in on},
        }
        raise DataError(
            Problem("<DataFrame>", None, "reporter_iso3, partner_iso3", f"rows for {role}, "
                    f"such as {wanted}", f"none for {int(absent.sum())} of the rows needed")
        )  # fmt: skip
    return out.drop(columns="_merge")


def _others(df: pd.DataFrame, *drop: str) -> list[str]:
    """Return the key columns present other than ``drop``."""
    return [c for c in _keys(df, None) if c not in drop]


def _countries(df: pd.DataFrame) -> pd.DataFrame:
    """Return the rows between two countries (neither side the world)."""
    return df[(df["reporter_iso3"] != WORLD) & (df["partner_iso3"] != WORLD)]


# --- Openness -------------------------------------------------------------------------


def openness(df: pd.DataFrame, *, gdp: pd.DataFrame, mixed_basis: bool = False) -> pd.DataFrame:
    """Compute trade openness, trade with the world over GDP: ``(X + M) / GDP``.

    The World Bank's "Trade (% of GDP)" (WDI NE.TRD.GNFS.ZS, goods and services) and
    WITS/UN ESCAP's trade-to-GDP ratio; here on merchandise trade. Range 0 to ∞ (small
    entrepôts exceed 1). Uses the rows with ``partner_iso3 == "WLD"``, summed over
    products when there is a ``product`` column.

    Parameters
    ----------
    df
        Canonical long table with ``reporter_iso3`` and ``year``.
    gdp
        ``country_iso3``, ``year``, ``gdp_usd`` (current US$, calendar years).
    mixed_basis
        GDP is by calendar year: trade on another ``period_basis`` (such as April–March fiscal
        years) is refused unless this is True.

    Returns
    -------
    pandas.DataFrame
        ``reporter_iso3``, ``year`` (and ``period_basis``) + ``openness`` (a fraction:
        0.45 is 45% of GDP; NaN where GDP is missing, with a warning where it is zero).

    Raises
    ------
    DataError
        If values are blank, the world rows are absent, or the bases differ.

    Examples
    --------
    >>> trade = pd.DataFrame({"reporter_iso3": "KOR", "partner_iso3": "WLD", "year": 2019,
    ...                       "flow": ["export", "import"], "value_usd": [300.0, 450.0]})
    >>> gdp = pd.DataFrame({"country_iso3": ["KOR"], "year": [2019], "gdp_usd": [2500.0]})
    >>> openness(trade, gdp=gdp)
      reporter_iso3  year  openness
    0           KOR  2019       0.3
    """
    _require(df, ["reporter_iso3", "partner_iso3", "year", "flow", "value_usd"])
    _require(gdp, ["country_iso3", "year", "gdp_usd"])
    if (
        "period_basis" in df.columns
        and not mixed_basis
        and (df["period_basis"] != "calendar").any()
    ):
        found = df.loc[df["period_basis"] != "calendar", "period_basis"].iloc[0]
        raise DataError(
            Problem("<DataFrame>", None, "period_basis", "calendar years to match GDP (or "
                    "mixed_basis=True)", repr(found))
        )  # fmt: skip
    _refuse_duplicates(gdp, ["country_iso3", "year"], "openness (GDP)")
    world = _float(df[df["partner_iso3"] == WORLD])
    if world.empty:
        raise DataError(Problem("<DataFrame>", None, "partner_iso3", "WLD rows", "none"))
    keys = _others(world, "partner_iso3", "product")
    _refuse_duplicates(world, [*_keys(world, None), "flow"], "openness")
    _refuse_missing_used(world, "openness")
    trade = world.groupby(keys, as_index=False)["value_usd"].sum()
    g = gdp.rename(columns={"country_iso3": "reporter_iso3"})[["reporter_iso3", "year", "gdp_usd"]]
    out = trade.merge(g, on=["reporter_iso3", "year"], how="left", validate="one_to_one")
    value = _divide(out["value_usd"], out["gdp_usd"].astype("float64"), out[keys], "openness")
    return out[keys].assign(openness=value)


# --- Trade intensity and Drysdale's decomposition ----------------------------------------

_INTENSITY_KINDS = ("exports", "imports", "drysdale")


def _check_kind(kind: str, kinds: Sequence[str], name: str = "kind") -> None:
    if kind not in kinds:
        raise DataError(
            Problem("<arguments>", None, name, f"one of {', '.join(kinds)}", repr(kind))
        )


def trade_intensity(df: pd.DataFrame, *, kind: str = "exports") -> pd.DataFrame:
    """Compute the trade intensity of each reporter's exports to each partner.

    The reporter's share of exports going to the partner, over a benchmark share (range 0
    to ∞; above 1 the pair trades more than the partner's weight in world trade implies):

    * ``"exports"``: ``(X_ij / X_i) / (X_wj / X_w)``, the world's export share going to
      j — the form of WITS and UN ESCAP (Brown 1949; Kojima 1964);
    * ``"imports"``: ``(X_ij / X_i) / (M_j / M_w)``, j's share of world imports (Kojima
      1964, the import-based form);
    * ``"drysdale"``: ``(X_ij / X_i) / (M_j / (M_w − M_i))``, which leaves out i's own
      imports, since i cannot export to itself (Drysdale 1967; Drysdale & Garnaut 1982,
      Hitotsubashi J. Econ. 22(2)).

    ``X_ij``: rows reporter i, partner j, export. ``X_i``, ``M_i``: reporter i, partner
    ``WLD``. ``M_j``: reporter j, partner ``WLD``, import. ``X_wj``: reporter ``WLD``,
    partner j, export. ``X_w``, ``M_w``: reporter and partner ``WLD``. With a ``product``
    column each product is its own market (product intensity).

    Parameters
    ----------
    df
        Canonical long table with ``reporter_iso3``, ``partner_iso3``, ``flow``, ``value_usd``.
    kind
        ``"exports"``, ``"imports"`` or ``"drysdale"``.

    Returns
    -------
    pandas.DataFrame
        One row per reporter–partner export row: the keys + ``trade_intensity``.

    Raises
    ------
    DataError
        If a row the benchmark needs is absent (for example, the partner's imports from
        the world); the message names it.

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["KOR", "KOR", "KOR", "USA", "WLD"],
    ...                    "partner_iso3": ["USA", "WLD", "WLD", "WLD", "WLD"],
    ...                    "flow": ["export", "export", "import", "import", "import"],
    ...                    "value_usd": [2.0, 40.0, 50.0, 60.0, 1000.0]})
    >>> trade_intensity(df, kind="drysdale")  # (2/40) / (60/(1000-50)) = 0.7917
      reporter_iso3 partner_iso3  trade_intensity
    0           KOR          USA         0.791667
    """
    _check_kind(kind, _INTENSITY_KINDS)
    _require(df, ["reporter_iso3", "partner_iso3", "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "trade_intensity")
    d = _float(df)
    on = _others(d, "reporter_iso3", "partner_iso3")
    base = _countries(d[d["flow"] == "export"])[keys]
    if base.empty:
        raise DataError(
            Problem("<DataFrame>", None, "partner_iso3", "export rows between two countries",
                    "none")
        )  # fmt: skip
    a = base.merge(d[d["flow"] == "export"][[*keys, "value_usd"]], on=keys, how="left")
    a = a.rename(columns={"value_usd": "x_ij"})
    look = dict(df=d, on=on)
    a = _attach(a, **look, name="x_i", flow="export", reporter="reporter_iso3", partner=WORLD,
                role="the reporter's exports to the world")  # fmt: skip
    if kind == "exports":
        a = _attach(a, **look, name="x_wj", flow="export", reporter=WORLD,
                    partner="partner_iso3", role="world exports to the partner")  # fmt: skip
        a = _attach(a, **look, name="x_w", flow="export", reporter=WORLD, partner=WORLD,
                    role="world exports")  # fmt: skip
        benchmark = _divide(a["x_wj"], a["x_w"], a[keys], "trade_intensity (world exports)")
    else:
        a = _attach(a, **look, name="m_j", flow="import", reporter="partner_iso3",
                    partner=WORLD, role="the partner's imports from the world")  # fmt: skip
        a = _attach(a, **look, name="m_w", flow="import", reporter=WORLD, partner=WORLD,
                    role="world imports")  # fmt: skip
        if kind == "drysdale":
            a = _attach(a, **look, name="m_i", flow="import", reporter="reporter_iso3",
                        partner=WORLD, role="the reporter's imports from the world")  # fmt: skip
            a["m_w"] = a["m_w"] - a["m_i"]
        benchmark = _divide(a["m_j"], a["m_w"], a[keys], "trade_intensity (world imports)")
    share = _divide(a["x_ij"], a["x_i"], a[keys], "trade_intensity (reporter's exports)")
    value = _divide(share, benchmark, a[keys], "trade_intensity (benchmark share)")
    return a[keys].assign(trade_intensity=value)


def drysdale_decomposition(df: pd.DataFrame, *, kind: str = "drysdale") -> pd.DataFrame:
    """Split trade intensity into complementarity and country bias: ``I_ij = C_ij × B_ij``.

    Drysdale (1967) and Drysdale & Garnaut (1982, Hitotsubashi J. Econ. 22(2)), with
    ``D = M_w − M_i`` (``kind="drysdale"``) or ``D = M_w`` (``kind="imports"``), and
    ``D_k`` the same by product k:

    * complementarity ``C_ij = Σ_k (X_ik / X_i) · (M_jk / D_k) · (D / M_j)``: how well i's
      export mix matches j's import mix (1 = no better than the world's);
    * bias ``B_ij = Σ_k w_k · (X_ijk / X_ik) / (M_jk / D_k)`` with weights
      ``w_k ∝ (X_ik / X_i) · (M_jk / D_k)``: how much more i sells to j, product by
      product, than j's share of the market predicts;
    * intensity ``I_ij = (X_ij / X_i) / (M_j / D)``, equal to ``C_ij × B_ij``.

    All range 0 to ∞. Totals are sums over products; products that i does not export or
    j does not import carry no weight in the bias.

    Parameters
    ----------
    df
        Canonical long table with ``product``: i's exports to j, i's exports to and imports
        from the world, j's imports from the world, and world imports (reporter ``WLD``),
        all by product.
    kind
        ``"drysdale"`` (leave out i's own imports) or ``"imports"``.

    Returns
    -------
    pandas.DataFrame
        Keys other than ``product`` + ``trade_intensity``, ``drysdale_complementarity``,
        ``drysdale_bias``.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "reporter_iso3": ["KOR"] * 2 + ["KOR"] * 2 + ["USA"] * 2 + ["WLD"] * 2,
    ...     "partner_iso3": ["USA"] * 2 + ["WLD"] * 6, "product": ["A", "B"] * 4,
    ...     "flow": ["export"] * 4 + ["import"] * 4,
    ...     "value_usd": [1.0, 1.0, 8.0, 2.0, 4.0, 1.0, 50.0, 50.0]})
    >>> out = drysdale_decomposition(df, kind="imports")
    >>> out.iloc[0, 2:].round(4).to_dict()  # I = (2/10)/(5/100); C = .8·.08·20 + .2·.02·20
    {'trade_intensity': 4.0, 'drysdale_complementarity': 1.36, 'drysdale_bias': 2.9412}
    """
    _check_kind(kind, ("imports", "drysdale"))
    _require(df, ["reporter_iso3", "partner_iso3", "product", "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "drysdale_decomposition")
    d = _float(df)
    on = _others(d, "reporter_iso3", "partner_iso3", "product")
    used = d[(d["flow"] == "export") | (d["partner_iso3"] == WORLD)]
    _refuse_missing_used(used, "drysdale_decomposition")
    exports = d[d["flow"] == "export"]
    bilateral = _countries(exports)
    if bilateral.empty:
        raise DataError(
            Problem("<DataFrame>", None, "partner_iso3", "export rows between two countries",
                    "none")
        )  # fmt: skip
    by_product = [*on, "product"]
    # Every bilateral product must be among the reporter's exports to the world ...
    _attach(bilateral[keys], d, by_product, "x_ik", flow="export", reporter="reporter_iso3",
            partner=WORLD, role="the reporter's exports to the world")  # fmt: skip
    # ... and every product the reporter exports counts in the complementarity.
    pairs = bilateral[["reporter_iso3", "partner_iso3", *on]].drop_duplicates()
    world_x = exports[exports["partner_iso3"] == WORLD]
    a = pairs.merge(world_x[["reporter_iso3", *by_product]], on=["reporter_iso3", *on])
    look = dict(df=d, on=by_product)
    a = _attach(a, **look, name="x_ik", flow="export", reporter="reporter_iso3",
                partner=WORLD, role="the reporter's exports to the world")  # fmt: skip
    a = _attach(a, **look, name="x_ijk", flow="export", reporter="reporter_iso3",
                partner="partner_iso3", role="the reporter's exports to the partner "
                "(complete the grid with fill_missing)")  # fmt: skip
    a = _attach(a, **look, name="m_jk", flow="import", reporter="partner_iso3", partner=WORLD,
                role="the partner's imports from the world")  # fmt: skip
    a = _attach(a, **look, name="d_k", flow="import", reporter=WORLD, partner=WORLD,
                role="world imports")  # fmt: skip
    imports = d[(d["flow"] == "import") & (d["partner_iso3"] == WORLD)]
    totals = _join(pairs, _sum(world_x, ["reporter_iso3", *on], "x_i"), ["reporter_iso3", *on])
    totals = _join(
        totals,
        _sum(imports[imports["reporter_iso3"] != WORLD], ["reporter_iso3", *on], "m_j").rename(
            columns={"reporter_iso3": "partner_iso3"}
        ),
        ["partner_iso3", *on],
    )
    totals = _join(totals, _sum(imports[imports["reporter_iso3"] == WORLD], on, "d"), on)
    if kind == "drysdale":
        a = _attach(a, **look, name="m_ik", flow="import", reporter="reporter_iso3",
                    partner=WORLD, role="the reporter's imports from the world")  # fmt: skip
        a["d_k"] = a["d_k"] - a["m_ik"]
        own = _sum(imports[imports["reporter_iso3"] != WORLD], ["reporter_iso3", *on], "m_i")
        totals = _join(totals, own, ["reporter_iso3", *on])
        totals["d"] = totals["d"] - totals["m_i"]
    pair = ["reporter_iso3", "partner_iso3", *on]
    a = a.merge(totals, on=pair, how="left", validate="many_to_one")
    labels = a[[c for c in keys if c in a.columns]]
    x_share = _divide(a["x_ik"], a["x_i"], labels, "drysdale (reporter's exports)")
    m_share = _divide(a["m_jk"], a["d_k"], labels, "drysdale (world imports of the product)")
    weight = x_share * m_share * _divide(a["d"], a["m_j"], labels, "drysdale (partner's imports)")
    # A product's own intensity is undefined where it carries no weight; it adds nothing.
    product_intensity = (a["x_ijk"] / a["x_ik"] / m_share).where(weight > 0, 0.0)
    parts = a[pair].assign(c=weight, cb=weight * product_intensity, x_ij=a["x_ijk"])
    sums = parts.groupby(pair, sort=False, as_index=False)[["c", "cb", "x_ij"]].sum()
    out = totals.merge(sums, on=pair, how="left", validate="one_to_one")
    out = out.sort_values(pair, kind="mergesort").reset_index(drop=True)
    pair_labels = out[[c for c in keys if c in pair]]
    share = _divide(out["x_ij"], out["x_i"], pair_labels, "trade_intensity (reporter's exports)")
    benchmark = _divide(out["m_j"], out["d"], pair_labels, "trade_intensity (partner's share)")
    bias = _divide(out["cb"], out["c"], pair_labels, "drysdale_bias (no complementarity)")
    return pair_labels.assign(
        trade_intensity=_divide(share, benchmark, pair_labels, "trade_intensity"),
        drysdale_complementarity=out["c"],
        drysdale_bias=bias,
    )


def _sum(rows: pd.DataFrame, by: list[str], name: str) -> pd.DataFrame:
    """Sum ``value_usd`` by ``by`` (all rows when empty) into a column ``name``."""
    if not by:
        return pd.DataFrame({name: [float(rows["value_usd"].sum())]})
    return rows.groupby(by, as_index=False)["value_usd"].sum().rename(columns={"value_usd": name})


def _join(left: pd.DataFrame, right: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Attach a table of totals to the rows (a cross join when there is no key)."""
    if not on:
        return left.merge(right, how="cross")
    return left.merge(right, on=on, how="left", validate="many_to_one")


def _refuse_incomplete(d: pd.DataFrame, group: list[str], member: str, what: str) -> None:
    """Refuse groups that lack a row for a member listed elsewhere: absent is not zero."""
    expected = d[member].nunique()
    counts = d.groupby(group, dropna=False)[member].nunique() if group else d[member].nunique()
    short = counts[counts < expected] if group else pd.Series(dtype="int64")
    if not group and counts < expected:
        short = pd.Series([counts])
    if len(short):
        where = dict(zip(group, np.atleast_1d(short.index[0]), strict=True))
        raise DataError(
            Problem("<DataFrame>", None, member, f"a row for each of the {expected} values of "
                    f"{member} in every group for {what} (use fill_missing to complete the "
                    "grid)", f"{int(short.iloc[0])} for {where}")
        )  # fmt: skip


def _product_shares(df: pd.DataFrame, *, world: str, flow: str, what: str) -> pd.DataFrame:
    """Return each reporter's and the world's product shares, side by side.

    Columns: the keys, ``x_ik`` and ``s_i`` (the reporter's value and share of product k in
    its market), ``x_wk`` and ``s_w`` (the world's).
    """
    _require(df, ["reporter_iso3", "product", "flow", "value_usd"])
    if world not in ("reporters", WORLD):
        raise DataError(Problem("<arguments>", None, "world", "'reporters' or 'WLD'", repr(world)))
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], what)
    d = _float(_flow(df, flow, what))
    _refuse_missing_used(d, what)
    market = _others(d, "reporter_iso3", "product")
    is_world = d["reporter_iso3"] == WORLD
    if world == WORLD and not is_world.any():
        raise DataError(
            Problem("<DataFrame>", None, "reporter_iso3", "WLD reporter rows (world trade by "
                    f"product) for {what} with world='WLD'", "none")
        )  # fmt: skip
    if world == "reporters" and d["reporter_iso3"].nunique() == 1:
        warnings.warn(
            f"{what}: one reporter only, so the 'world' is that reporter itself",
            IndicatorWarning,
            stacklevel=3,
        )
    if world == "reporters":
        if is_world.any():
            raise DataError(
                Problem("<DataFrame>", None, "reporter_iso3", "no WLD reporter rows when the "
                        "world is the sum of the reporters (pass world='WLD' to use them)",
                        f"{int(is_world.sum())} rows")
            )  # fmt: skip
        countries = d
        world_k = _sum(d, [*market, "product"], "x_wk")
    else:
        countries = d[~is_world]
        world_k = d.loc[is_world, [*market, "product", "value_usd"]]
        world_k = world_k.rename(columns={"value_usd": "x_wk"})
    _refuse_incomplete(countries, ["reporter_iso3", *market], "product", what)
    a = countries[[*keys, "value_usd"]].rename(columns={"value_usd": "x_ik"})
    a = a.merge(world_k, on=[*market, "product"], how="outer", indicator=True)
    if (a["_merge"] != "both").any():
        first = a.loc[a["_merge"] != "both", [*market, "product"]].iloc[0].to_dict()
        raise DataError(
            Problem("<DataFrame>", None, "product", f"the same products for the reporters and "
                    f"the world ({what})", f"a product on one side only: {first}")
        )  # fmt: skip
    a = a.drop(columns="_merge")
    a = _join(a, _sum(world_k.rename(columns={"x_wk": "value_usd"}), market, "x_w"), market)
    totals = a.groupby(["reporter_iso3", *market], dropna=False)["x_ik"].transform("sum")
    labels = a[keys]
    a["s_i"] = _divide(a["x_ik"], totals, labels, f"{what} (reporter's total)")
    a["s_w"] = _divide(a["x_wk"], a["x_w"], labels, f"{what} (world total)")
    return a.sort_values(keys, kind="mergesort").reset_index(drop=True)


def rca(df: pd.DataFrame, *, world: str = "reporters", flow: str = "export") -> pd.DataFrame:
    """Compute Balassa's revealed comparative advantage: ``(X_ik / X_i) / (X_wk / X_w)``.

    The share of product k in reporter i's exports over its share in world exports
    (Balassa 1965, The Manchester School 33(2); WITS, UN ESCAP, UNCTAD). Range 0 to ∞;
    above 1 the reporter is relatively specialised in k. The world's export-weighted mean
    ``Σ_k (X_wk / X_w) · RCA_ik`` is 1. With a ``partner_iso3`` column each partner is its
    own market (use the ``WLD`` rows for the usual index); ``flow="import"`` gives the
    import analogue (revealed import dependence).

    Parameters
    ----------
    df
        Canonical long table with ``reporter_iso3`` and ``product``; every reporter needs
        a row for every product (absent is not zero: see :func:`fill_missing`).
    world
        ``"reporters"``: the world is the sum over the reporters in the table (as in the
        ``ecomplexity`` package and most work on BACI); ``"WLD"``: rows with
        ``reporter_iso3 == "WLD"`` give world trade by product.
    flow
        ``"export"`` (Balassa) or ``"import"``.

    Returns
    -------
    pandas.DataFrame
        The keys + ``rca`` (NaN, with a warning, where the world does not trade k).

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["KOR", "KOR", "USA", "USA"],
    ...                    "product": ["A", "B", "A", "B"], "flow": "export",
    ...                    "value_usd": [3.0, 1.0, 1.0, 3.0]})
    >>> rca(df)  # KOR, A: (3/4) / (4/8) = 1.5
      reporter_iso3 product  rca
    0           KOR       A  1.5
    1           KOR       B  0.5
    2           USA       A  0.5
    3           USA       B  1.5
    """
    a = _product_shares(df, world=world, flow=flow, what="rca")
    keys = _keys(df, None)
    return a[keys].assign(rca=_divide(a["s_i"], a["s_w"], a[keys], "rca (world share)"))


def symmetric_rca(
    df: pd.DataFrame, *, world: str = "reporters", flow: str = "export"
) -> pd.DataFrame:
    """Compute the symmetric RCA: ``(RCA − 1) / (RCA + 1)``, in [−1, 1).

    Dalum, Laursen & Villumsen (1998, Int. Rev. Appl. Econ. 12(3)); Laursen (2015, Eurasian
    Bus. Rev. 5). It maps Balassa's skewed 0-to-∞ index onto a symmetric scale with 0 at
    RCA = 1, so that gains and losses of specialisation weigh alike in averages and
    regressions. Options and inputs as :func:`rca`.

    Parameters
    ----------
    df
        Canonical long table, as for :func:`rca`.
    world, flow
        As for :func:`rca`.

    Returns
    -------
    pandas.DataFrame
        The keys + ``symmetric_rca``.

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["KOR", "KOR", "USA", "USA"],
    ...                    "product": ["A", "B", "A", "B"], "flow": "export",
    ...                    "value_usd": [3.0, 1.0, 1.0, 3.0]})
    >>> symmetric_rca(df).round(4)  # (1.5 − 1) / (1.5 + 1) = 0.2; (0.5 − 1) / (0.5 + 1)
      reporter_iso3 product  symmetric_rca
    0           KOR       A         0.2000
    1           KOR       B        -0.3333
    2           USA       A        -0.3333
    3           USA       B         0.2000
    """
    r = rca(df, world=world, flow=flow)
    value = (r["rca"] - 1) / (r["rca"] + 1)  # RCA >= 0, so the divisor is >= 1
    return r.drop(columns="rca").assign(symmetric_rca=value)


def diversification(
    df: pd.DataFrame, *, world: str = "reporters", flow: str = "export"
) -> pd.DataFrame:
    """Compute UNCTAD's diversification index: ``½ Σ_k |X_ik / X_i − X_wk / X_w|``, in [0, 1].

    UNCTAD (UNCTADstat, "Merchandise: product concentration and diversification indices"):
    how far the reporter's product mix is from the world's; 0 means the same mix, values
    near 1 a very different one. It equals ``1 − export_similarity / 100`` between the
    reporter and the world. Options and inputs as :func:`rca`.

    Parameters
    ----------
    df
        Canonical long table, as for :func:`rca`.
    world, flow
        As for :func:`rca`.

    Returns
    -------
    pandas.DataFrame
        The keys other than ``product`` + ``diversification``.

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["KOR", "KOR", "USA", "USA"],
    ...                    "product": ["A", "B", "A", "B"], "flow": "export",
    ...                    "value_usd": [3.0, 1.0, 1.0, 3.0]})
    >>> diversification(df)  # ½ (|0.75 − 0.5| + |0.25 − 0.5|)
      reporter_iso3  diversification
    0           KOR             0.25
    1           USA             0.25
    """
    a = _product_shares(df, world=world, flow=flow, what="diversification")
    group = _others(a, "product")
    gap = (a["s_i"] - a["s_w"]).abs().rename("gap")
    out = pd.concat([a[group], gap], axis=1).groupby(group, as_index=False, sort=True)
    return (
        out["gap"]
        .sum(min_count=1)
        .rename(columns={"gap": "diversification"})
        .assign(diversification=lambda t: t["diversification"] / 2)
    )


def _structure(d: pd.DataFrame, group: list[str], what: str) -> pd.DataFrame:
    """Add ``s``: each product's share of its group's total (a warning where it is zero)."""
    total = d.groupby(group, dropna=False)["value_usd"].transform("sum")
    return d.assign(s=_divide(d["value_usd"], total, d[[*group, "product"]], what))


def complementarity(df: pd.DataFrame) -> pd.DataFrame:
    """Compute the trade complementarity index: ``100 · (1 − ½ Σ_k |m_jk − x_ik|)``, in [0, 100].

    Michaely (1996, "Trade preferential agreements in Latin America: an ex-ante
    assessment", World Bank WP 1583); WITS and UN ESCAP. ``x_ik`` is product k's share in
    exporter i's exports to the world, ``m_jk`` its share in importer j's imports from the
    world: 100 when i's export mix matches j's import mix exactly, 0 when i exports nothing
    j imports. Every ordered pair of different reporters is computed.

    Parameters
    ----------
    df
        Canonical long table with ``product``; the rows with ``partner_iso3 == "WLD"``
        are used: exports of the exporter, imports of the importer, by product.

    Returns
    -------
    pandas.DataFrame
        ``reporter_iso3`` (the exporter), ``partner_iso3`` (the importer), the other keys
        but ``product`` + ``complementarity``.

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["KOR", "KOR", "USA", "USA"],
    ...                    "partner_iso3": "WLD", "product": ["A", "B", "A", "B"],
    ...                    "flow": ["export", "export", "import", "import"],
    ...                    "value_usd": [3.0, 1.0, 1.0, 1.0]})
    >>> complementarity(df)  # 100 · (1 − ½ (|0.5 − 0.75| + |0.5 − 0.25|))
      reporter_iso3 partner_iso3  complementarity
    0           KOR          USA             75.0
    """
    _require(df, ["reporter_iso3", "partner_iso3", "product", "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "complementarity")
    d = _float(df[(df["partner_iso3"] == WORLD) & (df["reporter_iso3"] != WORLD)])
    _refuse_missing_used(d, "complementarity")
    on = _others(d, "reporter_iso3", "partner_iso3", "product")
    sides = []
    for flow, name in (("export", "x"), ("import", "m")):
        rows = _flow(d, flow, "complementarity (trade with WLD)")
        _refuse_incomplete(rows, ["reporter_iso3", *on], "product", "complementarity")
        rows = _structure(rows, ["reporter_iso3", *on], f"complementarity ({flow}s)")
        sides.append(rows[["reporter_iso3", *on, "product", "s"]].rename(columns={"s": name}))
    x, m = sides
    pairs = x.merge(m.rename(columns={"reporter_iso3": "partner_iso3"}), on=[*on, "product"])
    pairs = pairs[pairs["reporter_iso3"] != pairs["partner_iso3"]]
    if pairs.empty:
        raise DataError(
            Problem("<DataFrame>", None, "reporter_iso3", "exports to WLD of one reporter and "
                    "imports from WLD of another, by product", "no such pair")
        )  # fmt: skip
    group = ["reporter_iso3", "partner_iso3", *on]
    gap = pairs.assign(gap=(pairs["m"] - pairs["x"]).abs())
    out = gap.groupby(group, as_index=False, sort=True)["gap"].sum(min_count=1)
    return out[group].assign(complementarity=100 * (1 - out["gap"] / 2))


def export_similarity(df: pd.DataFrame, *, compare: str = "reporter_iso3") -> pd.DataFrame:
    """Compute Finger and Kreinin's export similarity: ``100 · Σ_k min(s_ak, s_bk)``, in [0, 100].

    Finger & Kreinin (1979, "A measure of 'export similarity' and its possible uses",
    Economic Journal 89(356)); WITS and UN ESCAP. ``s_ak`` is product k's share in what a
    sells: 100 when a and b sell the same mix, 0 when they share no product. ``compare``
    says who a and b are, within each group of the other keys and ``flow``:

    * ``"reporter_iso3"`` (the original): two exporters' sales to one market;
    * ``"partner_iso3"`` with imports: two suppliers in the reporter's market, read from
      the reporter's import records (mirror data);
    * ``"partner_iso3"`` with exports: one exporter's mix in two markets.

    Parameters
    ----------
    df
        Canonical long table with ``product``; each member needs a row for every product.
    compare
        The key column whose members are compared pairwise.

    Returns
    -------
    pandas.DataFrame
        The other keys, ``flow``, ``<compare>_a``, ``<compare>_b`` (a before b) +
        ``export_similarity``.

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": ["CHN", "CHN", "USA", "USA"],
    ...                    "product": ["A", "B", "A", "B"], "flow": "export",
    ...                    "value_usd": [1.0, 3.0, 1.0, 1.0]})
    >>> export_similarity(df)  # 100 · (min(.25, .5) + min(.75, .5))
         flow reporter_iso3_a reporter_iso3_b  export_similarity
    0  export             CHN             USA               75.0
    """
    _require(df, [compare, "product", "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "export_similarity")
    d = _float(df)
    _refuse_missing_used(d, "export_similarity")
    group = [*_others(d, compare, "product"), "flow"]
    _refuse_incomplete(d, [*group, compare], "product", "export_similarity")
    d = _structure(d, [*group, compare], "export_similarity")
    a, b = f"{compare}_a", f"{compare}_b"
    side = d[[*group, compare, "product", "s"]]
    pairs = side.rename(columns={compare: a, "s": "s_a"}).merge(
        side.rename(columns={compare: b, "s": "s_b"}), on=[*group, "product"]
    )
    pairs = pairs[pairs[a] < pairs[b]]
    pairs = pairs.assign(low=np.fmin(pairs["s_a"], pairs["s_b"]).where(pairs["s_a"].notna()))
    out = pairs.groupby([*group, a, b], as_index=False, sort=True)["low"].sum(min_count=1)
    return out[[*group, a, b]].assign(export_similarity=100 * out["low"])


def _wide_complete(df: pd.DataFrame, what: str) -> pd.DataFrame:
    """Return :func:`flows_wide`, refusing a blank or absent flow (aggregates sum them)."""
    w = flows_wide(df)
    gap = w["exports_usd"].isna() | w["imports_usd"].isna()
    if gap.any():
        first = w.loc[gap].drop(columns=["exports_usd", "imports_usd"]).iloc[0].to_dict()
        raise DataError(
            Problem("<DataFrame>", None, "value_usd", f"both flows for every row {what} sums "
                    "over (use fill_missing to treat blanks as zero openly)",
                    f"{int(gap.sum())} with a blank or absent flow, such as {first}")
        )  # fmt: skip
    return w


def grubel_lloyd(
    df: pd.DataFrame, *, aggregate: bool = False, adjusted: bool = False
) -> pd.DataFrame:
    """Compute the Grubel–Lloyd index of intra-industry trade: ``1 − |X − M| / (X + M)``.

    Grubel & Lloyd (1975), *Intra-Industry Trade*, Macmillan; WITS and UN ESCAP. Range
    [0, 1]: 0 when trade in a product runs one way only, 1 when exports equal imports.

    * by product (default): ``GL_k = 1 − |X_k − M_k| / (X_k + M_k)``;
    * ``aggregate=True``: ``Σ_k (X_k + M_k − |X_k − M_k|) / Σ_k (X_k + M_k)``, the
      trade-weighted mean of ``GL_k``;
    * ``adjusted=True`` (with ``aggregate``): Grubel and Lloyd's correction for an
      overall imbalance, dividing instead by ``Σ_k (X_k + M_k) − |Σ X_k − Σ M_k|``.

    Parameters
    ----------
    df
        Canonical long table, by product for the aggregate.
    aggregate
        Sum over products.
    adjusted
        Correct the aggregate for the overall trade imbalance.

    Returns
    -------
    pandas.DataFrame
        The keys (less ``product`` when aggregated) + ``grubel_lloyd`` (NaN, with a
        warning, where there is no trade at all).

    Examples
    --------
    >>> df = pd.DataFrame({"product": ["A", "A", "B", "B"],
    ...                    "flow": ["export", "import"] * 2,
    ...                    "value_usd": [3.0, 1.0, 2.0, 2.0]})
    >>> grubel_lloyd(df)  # A: 1 − 2/4
      product  grubel_lloyd
    0       A           0.5
    1       B           1.0
    >>> grubel_lloyd(df, aggregate=True)  # (2 + 4) / (4 + 4)
       grubel_lloyd
    0          0.75
    """
    if adjusted and not aggregate:
        raise DataError(
            Problem("<arguments>", None, "adjusted", "aggregate=True with adjusted=True", "False")
        )
    if not aggregate:
        w = flows_wide(df)
        labels = w.drop(columns=["exports_usd", "imports_usd"])
        x, m = w["exports_usd"], w["imports_usd"]
        return labels.assign(
            grubel_lloyd=_divide(x + m - (x - m).abs(), x + m, labels, "grubel_lloyd")
        )
    _require(df, ["product"])
    w = _wide_complete(df, "grubel_lloyd")
    group = _others(w, "product")
    x, m = w["exports_usd"], w["imports_usd"]
    parts = w[group].assign(overlap=x + m - (x - m).abs(), trade=x + m, x=x, m=m)
    sums = (
        parts.groupby(group, as_index=False, sort=True)[["overlap", "trade", "x", "m"]].sum()
        if group
        else parts[["overlap", "trade", "x", "m"]].sum().to_frame().T
    )
    den = sums["trade"] - (sums["x"] - sums["m"]).abs() if adjusted else sums["trade"]
    labels = sums[group]
    index = _divide(sums["overlap"], den, labels, "grubel_lloyd")
    # The index is at most 1; the adjusted denominator is a difference of two large sums,
    # whose rounding can push the ratio a few parts in a million above it.
    return labels.assign(grubel_lloyd=index.clip(upper=1.0))


def marginal_iit(
    df: pd.DataFrame,
    *,
    start: object,
    end: object,
    time: str = "year",
    aggregate: bool = False,
) -> pd.DataFrame:
    """Compute Brülhart's marginal intra-industry trade: ``1 − |ΔX − ΔM| / (|ΔX| + |ΔM|)``.

    Brülhart (1994, "Marginal intra-industry trade: measurement and relevance for the
    pattern of industrial adjustment", Weltwirtschaftliches Archiv 130(3)), index A.
    Range [0, 1]: 1 when exports and imports of a product grew (or shrank) by the same
    amount between ``start`` and ``end``, 0 when only one of them changed or they moved
    in opposite directions. Grubel–Lloyd describes the level of trade; this describes the
    change, which matters for adjustment costs. With ``aggregate=True``, the products'
    indices are averaged with weights ``(|ΔX_k| + |ΔM_k|) / Σ (|ΔX| + |ΔM|)``.

    Parameters
    ----------
    df
        Canonical long table with the ``time`` column.
    start, end
        The two time points compared.
    time
        The time column.
    aggregate
        Average over products.

    Returns
    -------
    pandas.DataFrame
        The keys other than ``time`` (less ``product`` when aggregated), ``start``, ``end``
        + ``marginal_iit`` (NaN, with a warning, where neither flow changed).

    Examples
    --------
    >>> df = pd.DataFrame({"year": [2010, 2010, 2020, 2020], "product": "A",
    ...                    "flow": ["export", "import"] * 2,
    ...                    "value_usd": [10.0, 10.0, 16.0, 12.0]})
    >>> marginal_iit(df, start=2010, end=2020)  # ΔX = 6, ΔM = 2: 1 − 4/8
      product  start   end  marginal_iit
    0       A   2010  2020           0.5
    """
    _require(df, [time])
    d = df[df[time].isin([start, end])]
    w = _wide_complete(d, "marginal_iit") if aggregate else flows_wide(d)
    series = [c for c in _others(w, time) if c != "period"]
    first = w[w[time] == start].drop(columns=[time, "period"], errors="ignore")
    last = w[w[time] == end].drop(columns=[time, "period"], errors="ignore")
    if series:
        both = first.merge(last, on=series, how="outer", suffixes=("_0", "_1"))
    else:
        both = pd.concat([first.add_suffix("_0"), last.add_suffix("_1")], axis=1)
    dx = (both["exports_usd_1"] - both["exports_usd_0"]).abs()
    dm = (both["imports_usd_1"] - both["imports_usd_0"]).abs()
    gap = ((both["exports_usd_1"] - both["exports_usd_0"])
           - (both["imports_usd_1"] - both["imports_usd_0"])).abs()  # fmt: skip
    if aggregate:
        if gap.isna().any():
            raise DataError(
                Problem("<DataFrame>", None, time, f"rows for both {start} and {end} in every "
                        "series", f"{int(gap.isna().sum())} series with only one")
            )  # fmt: skip
        _require(df, ["product"])
        series = [c for c in series if c != "product"]
        parts = both[series].assign(change=dx + dm, overlap=dx + dm - gap)
        both = (parts.groupby(series, as_index=False, sort=True)[["change", "overlap"]].sum()
                if series else parts[["change", "overlap"]].sum().to_frame().T)  # fmt: skip
        num, den = both["overlap"], both["change"]
    else:
        num, den = dx + dm - gap, dx + dm
    labels = both[series].assign(start=start, end=end)
    return labels.assign(marginal_iit=_divide(num, den, labels, "marginal_iit"))


def hhi(df: pd.DataFrame, *, of: str = "product") -> pd.DataFrame:
    """Compute the Herfindahl–Hirschman concentration index: ``H = Σ_i s_i²``, in [1/N, 1].

    Hirschman (1945), Herfindahl (1950); WITS ("Hirschman Herfindahl index"), UN ESCAP
    and UNCTAD. ``s_i`` is member i's share of its group (products of an export basket,
    partners of a reporter); N counts the members listed, zeros included. The normalised
    form ``H* = (H − 1/N) / (1 − 1/N)`` (WITS) runs from 0 (equal shares) to 1 (one
    member); UNCTAD's concentration index applies the same normalisation to ``√H``.

    Parameters
    ----------
    df
        Canonical long table.
    of
        The column whose members share the total: ``"product"`` or ``"partner_iso3"``
        (the world row, a total, is then left out: list every partner for a meaningful H).

    Returns
    -------
    pandas.DataFrame
        The other keys, ``flow``, ``n`` (members), ``hhi`` and ``hhi_normalised`` (NaN,
        with a warning, for a single member or a zero total).

    Examples
    --------
    >>> df = pd.DataFrame({"product": ["A", "B", "C"], "flow": "export",
    ...                    "value_usd": [2.0, 1.0, 1.0]})
    >>> hhi(df)  # .5² + .25² + .25² = .375; (.375 − 1/3) / (1 − 1/3) = .0625
         flow  n    hhi  hhi_normalised
    0  export  3  0.375          0.0625
    """
    _require(df, [of, "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "hhi")
    d = _float(df[df[of] != WORLD] if of == "partner_iso3" else df)
    _refuse_missing_used(d, "hhi")
    group = [*_others(d, of), "flow"]
    total = d.groupby(group)["value_usd"].transform("sum")
    share = _divide(d["value_usd"], total, d[[*group, of]], "hhi (group total)")
    parts = d[group].assign(sq=share**2, one=1)
    out = parts.groupby(group, as_index=False, sort=True).agg(
        n=("one", "sum"), hhi=("sq", lambda s: s.sum(min_count=1))
    )
    inverse = 1 / out["n"]
    norm = _divide(out["hhi"] - inverse, 1 - inverse, out[group], "hhi_normalised (one member)")
    return out.assign(n=out["n"].astype("int64"), hhi_normalised=norm)


def market_penetration(df: pd.DataFrame, *, side: str = "importer") -> pd.DataFrame:
    """Compute an exporter's share of an importer's market: ``X_ij / M_j``, in [0, 1].

    The market-share form of market penetration (UN ESCAP; WITS "partner share" of
    imports); by product when there is a ``product`` column. It can be read from either
    side's records, which differ by freight (imports are valued CIF, exports FOB) and by
    reporting errors:

    * ``side="importer"``: the reporter is the market; the partner's penetration is
      ``M_ij / M_iW``, from the reporter's imports from the partner and from the world;
    * ``side="exporter"``: the reporter sells; its penetration of the partner's market is
      ``X_ij / M_jW``, which needs the partner's imports from the world (reporter j,
      partner ``WLD``) — mirror data can push it above 1.

    WITS's count-based "market penetration index" (number of markets reached over number
    importing the product) is a different indicator and is not computed here.

    Parameters
    ----------
    df
        Canonical long table with ``reporter_iso3`` and ``partner_iso3``.
    side
        ``"importer"`` or ``"exporter"``.

    Returns
    -------
    pandas.DataFrame
        The keys of each bilateral row + ``market_penetration`` (for ``"importer"``,
        ``partner_iso3`` is the supplier and ``reporter_iso3`` the market).

    Examples
    --------
    >>> df = pd.DataFrame({"reporter_iso3": "KOR", "partner_iso3": ["USA", "CHN", "WLD"],
    ...                    "flow": "import", "value_usd": [2.0, 5.0, 40.0]})
    >>> market_penetration(df)  # the US sells 2 of Korea's 40
      reporter_iso3 partner_iso3  market_penetration
    0           KOR          USA               0.050
    1           KOR          CHN               0.125
    """
    _check_kind(side, ("importer", "exporter"), "side")
    _require(df, ["reporter_iso3", "partner_iso3", "flow", "value_usd"])
    keys = _keys(df, None)
    _refuse_duplicates(df, [*keys, "flow"], "market_penetration")
    d = _float(df)
    on = _others(d, "reporter_iso3", "partner_iso3")
    flow = "import" if side == "importer" else "export"
    base = _countries(_flow(d, flow, "market_penetration"))
    base = base[[*keys, "value_usd"]].rename(columns={"value_usd": "v"})
    market = "reporter_iso3" if side == "importer" else "partner_iso3"
    a = _attach(base, d, on, "m", flow="import", reporter=market, partner=WORLD,
                role="the market's imports from the world")  # fmt: skip
    value = _divide(a["v"], a["m"], a[keys], "market_penetration")
    return a[keys].assign(market_penetration=value)
