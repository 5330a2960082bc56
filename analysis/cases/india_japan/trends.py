"""Trend and comparison tables for the narrative notebooks (02_trend, 05_comparisons).

Each function turns curated tables into one tidy table a chart or a sentence needs, with
the rows' ``source_id`` kept so that every chart can cite its sources. Bases (calendar or
fiscal year, reporter) are never mixed silently: every row says which one it is.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.measures import bilateral, indicators, prices

__all__ = [
    "bilateral_long_run",
    "calendar_pair_totals",
    "comparison_ratios",
    "dots_totals",
    "fiscal_partner_totals",
    "fiscal_totals",
    "japan_china_totals",
    "manufacturing_pair",
    "mirror",
    "pair_ratios",
    "partner_share",
    "period_midpoint",
    "price_views",
    "reporter_totals",
    "trade_to_gdp",
]


def bilateral_long_run(quad: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Return both directions of a pair's trade from the four-yearly Comtrade table.

    Parameters
    ----------
    quad
        The ``comtrade_quadrennial`` table.
    a, b
        The two countries.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``exporter_iso3``, ``importer_iso3``, ``series`` (for example
        ``"IND → JPN (reported by IND)"``), ``value_usd`` (blank where the source gives 0,
        which its notes read as not reported), ``source_id``.
    """
    pair = quad[
        ((quad["exporter_iso3"] == a) & (quad["importer_iso3"] == b))
        | ((quad["exporter_iso3"] == b) & (quad["importer_iso3"] == a))
    ]
    if pair.empty:
        raise DataError(Problem("comtrade_quadrennial", None, "exporter_iso3",
                                f"rows for {a} and {b}", "none"))  # fmt: skip
    out = pair.assign(
        series=pair["exporter_iso3"] + " → " + pair["importer_iso3"]
        + " (reported by " + pair["exporter_iso3"] + ")",
        value_usd=pair["value_usd"].astype("Float64").mask(pair["is_zero_reported"]),
    )  # fmt: skip
    cols = ["year", "exporter_iso3", "importer_iso3", "series", "value_usd", "source_id"]
    return out[cols].sort_values(["series", "year"], kind="mergesort").reset_index(drop=True)


def fiscal_totals(hs2: pd.DataFrame, partners: list[str]) -> pd.DataFrame:
    """Sum India's HS2 table over chapters: exports, imports and total by partner and year.

    Parameters
    ----------
    hs2
        The ``india_trade_hs2`` table (blank chapter cells count as missing, not zero:
        they are skipped, as the official totals do).
    partners
        Partner codes to keep (``WLD`` for the world).

    Returns
    -------
    pandas.DataFrame
        ``partner_iso3``, ``period``, ``period_start``, ``source_id`` and the columns of
        :func:`analysis.measures.indicators.summary`.
    """
    d = hs2[hs2["partner_iso3"].isin(partners)]
    keys = ["partner_iso3", "period", "period_start", "source_id"]
    flows = d.groupby([*keys, "flow"], as_index=False)["value_usd"].sum()
    return indicators.summary(flows, by=keys)


def partner_share(totals: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Compute a partner's share of India's trade with the world, year by year.

    Parameters
    ----------
    totals
        Output of :func:`fiscal_totals` with the partner and ``WLD``.
    partner
        The partner code.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``exports_share``, ``imports_share``, ``total_share`` (fractions),
        ``source_id``.
    """
    t = totals.set_index(["partner_iso3", "period"])
    p, w = t.loc[partner], t.loc["WLD"]
    return pd.DataFrame(
        {
            "period": p.index,
            "exports_share": (p["exports_usd"] / w["exports_usd"]).to_numpy(),
            "imports_share": (p["imports_usd"] / w["imports_usd"]).to_numpy(),
            "total_share": (p["total_usd"] / w["total_usd"]).to_numpy(),
            "source_id": p["source_id"].to_numpy(),
        }
    )


# A legend names the currency's country, so that its line may take the country's colour.
CURRENCY_NAMES = {"INR": "Indian rupees", "JPY": "Japanese yen"}


def price_views(
    trade: pd.DataFrame,
    *,
    cpi: pd.DataFrame,
    fx: pd.DataFrame,
    base_year: int,
    currencies: tuple[str, ...] = ("INR", "JPY"),
) -> pd.DataFrame:
    """Express a fiscal-year trade series in nominal US$, constant US$ and local currencies.

    Each view is an index (first year = 100) so that the lines can share one axis.

    Parameters
    ----------
    trade
        Rows of one reporter–partner pair: ``period``, ``period_start``,
        ``period_basis`` (one basis), ``flow``, ``value_usd``, ``source_id``.
    cpi, fx
        The ``cpi_us`` and ``exchange_rates`` tables.
    base_year
        Base year of the constant-dollar view.
    currencies
        Local currencies to show.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``flow``, ``view``, ``value`` (in the view's unit), ``index`` (first
        period = 100), ``source_id``.
    """
    real = prices.to_constant_usd(trade, cpi, base_year=base_year)
    views = [
        trade.assign(view="nominal US$", value=trade["value_usd"]),
        real.assign(view=f"constant {base_year} US$ (US CPI-U)", value=real["value_constant_usd"]),
    ]
    for cur in currencies:
        local = prices.to_local_currency(trade, fx, currency=cur)
        view = f"{CURRENCY_NAMES.get(cur, cur)}, at the year's average rate"
        views.append(local.assign(view=view, value=local["value_local"]))
    out = pd.concat(views, ignore_index=True)[
        ["period", "period_start", "flow", "view", "value", "source_id"]
    ].sort_values(["view", "flow", "period_start"], kind="mergesort")
    first = out.groupby(["view", "flow"])["value"].transform("first")
    return out.assign(index=100 * out["value"] / first).reset_index(drop=True)


def mirror(quad: pd.DataFrame, india: pd.DataFrame) -> pd.DataFrame:
    """Set Japan's reported exports to India beside India's reported imports from Japan.

    Japan reports calendar years (every fourth year, UN Comtrade); India reports fiscal
    years April–March (EIDB). The comparison pairs calendar year *t* with the fiscal year
    that starts in *t*, and says so: the periods overlap by nine months.

    Parameters
    ----------
    quad
        The ``comtrade_quadrennial`` table.
    india
        Preferred rows of ``india_japan_trade`` (fiscal years).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``japan_reported_exports_usd``, ``india_fiscal_year``,
        ``india_reported_imports_usd``, ``gap_pct`` (India's figure over Japan's, minus 1),
        ``source_id`` (both sources), for the years both exist.
    """
    jp = quad[(quad["exporter_iso3"] == "JPN") & (quad["importer_iso3"] == "IND")]
    ind = india[(india["period_basis"] == "fiscal_apr_mar") & (india["flow"] == "import")]
    ind = ind.assign(year=ind["period_start"].dt.year)
    both = jp.merge(ind, on="year", suffixes=("_jp", "_in"))
    return pd.DataFrame(
        {
            "year": both["year"],
            "japan_reported_exports_usd": both["value_usd_jp"],
            "india_fiscal_year": both["period"],
            "india_reported_imports_usd": both["value_usd_in"],
            "gap_pct": 100 * (both["value_usd_in"] / both["value_usd_jp"] - 1),
            "source_id": both["source_id_jp"] + ";" + both["source_id_in"],
        }
    )


def period_midpoint(period: str) -> float:
    """Return the midpoint of a calendar year (``2019``) or fiscal year (``2019-20``).

    Parameters
    ----------
    period
        The label.

    Returns
    -------
    float
        A decimal year: ``2019.5`` for calendar 2019, ``2019.75`` for April 2019 to
        March 2020.

    Examples
    --------
    >>> period_midpoint("2019"), period_midpoint("2019-20")
    (2019.5, 2019.75)
    """
    if len(period) == 4 and period.isdigit():
        return int(period) + 0.5
    if len(period) == 7 and period[:4].isdigit() and period[4] == "-":
        return int(period[:4]) + 0.75
    raise DataError(Problem("<periods>", None, "period", "2019 or 2019-20", repr(period)))


def pair_ratios(
    india_japan: pd.DataFrame, india_china: pd.DataFrame, japan_china: pd.DataFrame
) -> pd.DataFrame:
    """Compute India–Japan trade as a share of India–China and of Japan–China trade.

    Parameters
    ----------
    india_japan, india_china, japan_china
        Totals with ``year`` or ``period``, ``basis`` (a label naming reporter and year
        type), ``total_usd`` and ``source_id`` — one row per period and basis.

    Returns
    -------
    pandas.DataFrame
        ``comparison`` (``"of India–China"`` or ``"of Japan–China"``), ``period``,
        ``year_mid`` (the period's midpoint as a decimal year, for a time axis),
        ``numerator_basis``, ``denominator_basis``, ``ratio``, ``source_id``; one row per
        period where both series exist.
    """
    rows = []
    for label, denominator in [("of India–China", india_china), ("of Japan–China", japan_china)]:
        merged = india_japan.merge(denominator, on="period", suffixes=("_num", "_den"))
        rows.append(
            pd.DataFrame(
                {
                    "comparison": label,
                    "period": merged["period"],
                    "year_mid": merged["period"].map(period_midpoint),
                    "numerator_basis": merged["basis_num"],
                    "denominator_basis": merged["basis_den"],
                    "ratio": merged["total_usd_num"] / merged["total_usd_den"],
                    "source_id": merged["source_id_num"] + ";" + merged["source_id_den"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def trade_to_gdp(totals: pd.DataFrame, gdp: pd.DataFrame, countries: list[str]) -> pd.DataFrame:
    """Express calendar-year bilateral trade as a percentage of each country's GDP.

    Parameters
    ----------
    totals
        ``year``, ``total_usd``, ``source_id`` of one pair, calendar years.
    gdp
        The ``gdp`` table.
    countries
        Whose GDP to divide by.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``country_iso3``, ``trade_to_gdp_pct``, ``source_id`` (trade and GDP).
    """
    g = gdp[gdp["country_iso3"].isin(countries)]
    merged = totals.merge(g, on="year", suffixes=("_trade", "_gdp"))
    return pd.DataFrame(
        {
            "year": merged["year"],
            "country_iso3": merged["country_iso3"],
            "trade_to_gdp_pct": 100 * merged["total_usd"] / merged["gdp_usd"],
            "source_id": merged["source_id_trade"] + ";" + merged["source_id_gdp"],
        }
    )


def manufacturing_pair(panel: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Return both directions of a pair's manufacturing trade from the gravity panel.

    Parameters
    ----------
    panel
        The ``gravity_panel`` table (manufacturing only, US$ million).
    a, b
        The two countries.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``series`` (for example ``"IND → JPN, manufacturing"``), ``value_usd``,
        ``source_id``.
    """
    pair = panel[
        ((panel["exporter_iso3"] == a) & (panel["importer_iso3"] == b))
        | ((panel["exporter_iso3"] == b) & (panel["importer_iso3"] == a))
    ]
    if pair.empty:
        raise DataError(Problem("gravity_panel", None, "exporter_iso3",
                                f"rows for {a} and {b}", "none"))  # fmt: skip
    out = pd.DataFrame(
        {
            "year": pair["year"],
            "series": pair["exporter_iso3"] + " → " + pair["importer_iso3"] + ", manufacturing",
            "value_usd": pair["trade_usd_mn"] * 1e6,
            "source_id": pair["source_id"],
        }
    )
    return out.sort_values(["series", "year"], kind="mergesort").reset_index(drop=True)


def _totals(frame: pd.DataFrame, keys: list[str], basis: str) -> pd.DataFrame:
    """Sum values over the keys and label the result with a basis."""
    sources = frame.groupby(keys)["source_id"].agg(lambda s: ";".join(dict.fromkeys(s)))
    out = frame.groupby(keys)["value_usd"].agg(lambda s: s.sum(min_count=len(s)))
    return pd.DataFrame({"total_usd": out, "source_id": sources}).reset_index().assign(basis=basis)


def calendar_pair_totals(quad: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Add both directions of a pair's trade, each as reported by its exporter, by year.

    Parameters
    ----------
    quad
        The ``comtrade_quadrennial`` table.
    a, b
        The two countries.

    Returns
    -------
    pandas.DataFrame
        ``period`` (the year as text), ``total_usd`` (missing when a direction is not
        reported), ``basis``, ``source_id``.
    """
    pair = bilateral_long_run(quad, a, b)
    out = _totals(pair, ["year"], "UN Comtrade, each direction as its exporter reports")
    return out.assign(period=out["year"].astype("str")).drop(columns="year")


def reporter_totals(
    frame: pd.DataFrame, *, reporter: str, partner: str, basis: str
) -> pd.DataFrame:
    """Add one reporter's exports and imports with a partner, by year.

    Parameters
    ----------
    frame
        A table with ``reporter_iso3``, ``partner_iso3``, ``year``, ``flow``,
        ``value_usd``, ``source_id`` (for example ``india_china_trade_imf`` or
        ``india_trade_by_partner_2019``).
    reporter, partner
        The pair, from the reporter's side.
    basis
        Label of the series (who reports, what kind of year).

    Returns
    -------
    pandas.DataFrame
        ``period`` (the year as text), ``total_usd``, ``basis``, ``source_id``; years
        lacking a flow have a missing total.
    """
    rows = frame[(frame["reporter_iso3"] == reporter) & (frame["partner_iso3"] == partner)]
    both = rows.groupby("year")["flow"].nunique() == 2
    out = _totals(rows[rows["year"].isin(both.index[both])], ["year"], basis)
    return out.assign(period=out["year"].astype("str")).drop(columns="year")


def japan_china_totals(jc: pd.DataFrame) -> pd.DataFrame:
    """Add Japan–China trade in both directions for each measure and year.

    Parameters
    ----------
    jc
        The ``japan_china_trade`` table.

    Returns
    -------
    pandas.DataFrame
        ``period`` (the year as text), ``total_usd``, ``basis`` (the measure), ``source_id``;
        only years where the measure has both directions.
    """
    parts = []
    for measure, rows in jc.groupby("measure", sort=True):
        both = rows.groupby("year")["exporter_iso3"].nunique() == 2
        kept = rows[rows["year"].isin(both.index[both])]
        totals = _totals(kept, ["year"], f"Japan–China, {measure.replace('_', ' ')}")
        parts.append(totals.assign(period=totals["year"].astype("str")).drop(columns="year"))
    return pd.concat(parts, ignore_index=True)


def fiscal_partner_totals(totals: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Select one partner's fiscal-year totals in the shape :func:`pair_ratios` takes.

    Parameters
    ----------
    totals
        Output of :func:`fiscal_totals`.
    partner
        The partner code.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``total_usd``, ``basis`` (``"India-reported, fiscal year (EIDB)"``),
        ``source_id``.
    """
    rows = totals[totals["partner_iso3"] == partner]
    return rows[["period", "total_usd", "source_id"]].assign(
        basis="India-reported, fiscal year (EIDB)"
    )


def dots_totals(dots: pd.DataFrame, a: str, b: str, *, reporter: str, label: str) -> pd.DataFrame:
    """Give a pair's yearly totals from one reporter's DOTS figures, in :func:`pair_ratios` form.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    a, b
        The pair.
    reporter
        ``a`` or ``b``: whose figures.
    label
        The basis label, for example ``"IMF DOTS, India-reported (calendar)"``.

    Returns
    -------
    pandas.DataFrame
        ``period`` (the year as text), ``total_usd``, ``basis``, ``source_id``.
    """
    t = bilateral.pair_totals(dots, a, b, reporter=reporter)
    return pd.DataFrame(
        {
            "period": t["year"].astype("str"),
            "total_usd": t["total_usd"].astype("float64"),
            "basis": label,
            "source_id": t["source_id"],
        }
    )


def comparison_ratios(
    *,
    hs2: pd.DataFrame,
    quad: pd.DataFrame,
    by_partner_2019: pd.DataFrame,
    japan_china: pd.DataFrame,
    dots: pd.DataFrame,
) -> pd.DataFrame:
    """Compute India–Japan trade relative to India–China and Japan–China on every basis.

    India–Japan: India's fiscal years (EIDB), UN Comtrade every four years (each direction
    as its exporter reports), UN Comtrade 2019 (India-reported) and IMF DOTS calendar
    years as India and as Japan report them. India–China: the same fiscal and four-yearly
    series, and IMF DOTS as India and as China report it. Japan–China: UN Comtrade every
    four years, every measure of ``japan_china_trade``, and IMF DOTS as Japan and as China
    report it.

    Parameters
    ----------
    hs2, quad, by_partner_2019, japan_china, dots
        The tables ``india_trade_hs2``, ``comtrade_quadrennial``,
        ``india_trade_by_partner_2019``, ``japan_china_trade``, ``dots_trade``.

    Returns
    -------
    pandas.DataFrame
        Output of :func:`pair_ratios`: one row per comparison, period and pair of bases.
    """
    fiscal = fiscal_totals(hs2, ["JPN", "CHN"])
    india_japan = pd.concat([
        fiscal_partner_totals(fiscal, "JPN"),
        calendar_pair_totals(quad, "IND", "JPN"),
        reporter_totals(by_partner_2019, reporter="IND", partner="JPN",
                        basis="UN Comtrade, India-reported (calendar)"),
        dots_totals(dots, "IND", "JPN", reporter="IND",
                    label="IMF DOTS, India-reported (calendar)"),
        dots_totals(dots, "IND", "JPN", reporter="JPN",
                    label="IMF DOTS, Japan-reported (calendar)"),
    ])  # fmt: skip
    india_china = pd.concat([
        fiscal_partner_totals(fiscal, "CHN"),
        calendar_pair_totals(quad, "IND", "CHN"),
        dots_totals(dots, "IND", "CHN", reporter="IND",
                    label="IMF DOTS, India-reported (calendar)"),
        dots_totals(dots, "IND", "CHN", reporter="CHN",
                    label="IMF DOTS, China-reported (calendar)"),
    ])  # fmt: skip
    japan_china_totals_all = pd.concat([
        calendar_pair_totals(quad, "JPN", "CHN"),
        japan_china_totals(japan_china),
        dots_totals(dots, "JPN", "CHN", reporter="JPN",
                    label="IMF DOTS, Japan-reported (calendar)"),
        dots_totals(dots, "JPN", "CHN", reporter="CHN",
                    label="IMF DOTS, China-reported (calendar)"),
    ])  # fmt: skip
    return pair_ratios(india_japan, india_china, japan_china_totals_all)
