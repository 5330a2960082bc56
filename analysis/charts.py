"""Charts: each ``plot_<name>(df, *, ax=None) -> Figure``, pure (no file I/O, no ``show``).

Each chart draws on ``ax`` when given (like seaborn's axes-level functions), otherwise
on a new figure in the suite's theme; it titles the chart, puts units on the value
axis and writes a source line, built from the rows' ``source_id``, under the chart.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.data import citation, country_name
from analysis.errors import DataError, Problem, require_columns
from analysis.style import BALANCE_COLOUR, add_source_line, country_colour, new_axes

__all__ = [
    "plot_claims",
    "plot_headline",
    "plot_lines",
    "plot_potential_comparison",
    "plot_potential_over_time",
    "plot_partner_rank",
    "plot_timeline",
    "plot_top_products",
    "plot_trade_by_period",
]

BN = 1e9
_BN_AXIS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def _require(df: pd.DataFrame, columns: list[str], chart: str) -> None:
    require_columns(df, columns, f"<{chart} input>")


def _source_line(df: pd.DataFrame, sources: Mapping[str, str] | None) -> str:
    """Return the source line: from ``data/sources.csv``, or from ``sources`` when given.

    ``sources`` maps each ``source_id`` to its citation; user-supplied files are cited
    this way without being registered in ``data/sources.csv``.
    """
    if sources is None:
        return citation(df["source_id"])
    ids = [i for s in df["source_id"] if isinstance(s, str) for i in s.split(";")]
    missing = [i for i in dict.fromkeys(ids) if i not in sources]
    if missing:
        raise DataError(Problem("<sources>", None, "source_id", "a citation for every id",
                                ", ".join(missing)))  # fmt: skip
    return "Source: " + "; ".join(sources[i] for i in dict.fromkeys(ids))


def _finish(
    ax: plt.Axes,
    df: pd.DataFrame,
    title: str,
    ylabel: str,
    sources: Mapping[str, str] | None = None,
) -> Figure:
    """Title the chart, label the value axis, add the source line; return the figure."""
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    fig = ax.get_figure()
    add_source_line(fig, _source_line(df, sources))
    return fig


def _fiscal_position(date: pd.Timestamp, periods: list[str]) -> float | None:
    """Return the x position of a date on an axis of fiscal-year labels (``2019-20``)."""
    start = date.year if date.month >= 4 else date.year - 1
    label = f"{start}-{(start + 1) % 100:02d}"
    if label not in periods:
        return None
    # Category i spans i - 0.5 to i + 0.5, from April to March.
    return periods.index(label) - 0.5 + ((date.month - 4) % 12 + (date.day - 1) / 31) / 12


def _annotate_events(ax: plt.Axes, events: pd.DataFrame, periods: list[str] | None) -> None:
    """Mark dated events (the ``milestones`` table) on a time axis, each with a short label.

    On a numeric axis (years) an event sits at its decimal year; on an axis of fiscal-year
    labels (``periods``) inside its fiscal year. Events outside the axis are left out.
    """
    _require(events, ["date", "event"], "events")
    lo, hi = ax.get_xlim()
    for _, row in events.sort_values("date").iterrows():
        date = row["date"]
        if periods is None:
            x = date.year + (date.day_of_year - 1) / 366
        else:
            x = _fiscal_position(date, periods)
        if x is None or not lo <= x <= hi:
            continue
        # Long events are cut at a word so that labels stay inside the chart.
        label = f"{date.year}: {row['event'].split(';')[0].split(' (')[0]}"
        if len(label) > 42:
            label = label[:41].rsplit(" ", 1)[0] + "…"
        ax.axvline(x, color="#777777", linestyle=":", linewidth=1, zorder=0.5,
                   gid=f"event {date:%Y-%m-%d}")  # fmt: skip
        box = {"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1}
        ax.text(x, 0.98, label, transform=ax.get_xaxis_transform(), rotation=90, ha="right",
                va="top", fontsize=7, color="#444444", bbox=box)  # fmt: skip
    ax.set_xlim(lo, hi)


def plot_headline(
    df: pd.DataFrame, *, reporter: str = "IND", partner: str = "JPN", ax: plt.Axes | None = None
) -> Figure:
    """Plot exports, imports and balance side by side for a few headline series.

    Parameters
    ----------
    df
        One row per series: ``label``, ``exports_usd``, ``imports_usd``, ``balance_usd``,
        ``source_id``; drawn in row order.
    reporter, partner
        Country codes: exports are drawn in the reporter's colour, imports in the partner's.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; bars carry their value in US$ billion as a label.
    """
    _require(df, ["label", "exports_usd", "imports_usd", "balance_usd", "source_id"], "headline")
    ax = new_axes(ax, figsize=(8.0, 4.8))
    x = np.arange(len(df))
    width = 0.26
    bars = [
        ("exports_usd", f"Exports to {country_name(partner)}", country_colour(reporter)),
        ("imports_usd", f"Imports from {country_name(partner)}", country_colour(partner)),
        ("balance_usd", "Balance (exports − imports)", BALANCE_COLOUR),
    ]
    for i, (col, label, colour) in enumerate(bars):
        container = ax.bar(
            x + (i - 1) * width, df[col] / BN, width, label=label, color=colour, gid=col
        )
        ax.bar_label(container, fmt="%.1f", fontsize=8, padding=2)
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(x, df["label"])
    ax.yaxis.set_major_formatter(_BN_AXIS)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    ax.margins(y=0.15)
    title = f"{country_name(reporter)}–{country_name(partner)} trade: headline figures"
    return _finish(ax, df, title, "US$ billion")


def plot_trade_by_period(
    df: pd.DataFrame,
    *,
    reporter: str = "IND",
    partner: str = "JPN",
    events: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot exports and imports as bars and the balance as a line, period by period.

    Parameters
    ----------
    df
        One row per period in time order: ``period``, ``exports_usd``, ``imports_usd``,
        ``balance_usd``, ``source_id``. A row whose values are missing is drawn as a gap
        marked "no data".
    reporter, partner
        Country codes, for colours and labels.
    events
        Dated events to mark (the ``milestones`` table: ``date``, ``event``); each falls in
        its fiscal year. None by default.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    _require(df, ["period", "exports_usd", "imports_usd", "balance_usd", "source_id"], "trade")
    ax = new_axes(ax, figsize=(9.0, 5.0))
    x = np.arange(len(df))
    width = 0.4
    ax.bar(x - width / 2, df["exports_usd"] / BN, width, color=country_colour(reporter),
           label=f"Exports to {country_name(partner)}", gid="exports_usd")  # fmt: skip
    ax.bar(x + width / 2, df["imports_usd"] / BN, width, color=country_colour(partner),
           label=f"Imports from {country_name(partner)}", gid="imports_usd")  # fmt: skip
    ax.plot(x, df["balance_usd"] / BN, color=BALANCE_COLOUR, marker="o", linewidth=1.5,
            label="Balance (exports − imports)", gid="balance_usd")  # fmt: skip
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(x, df["period"], rotation=45, ha="right")
    for xi in x[df["exports_usd"].isna().to_numpy() & df["imports_usd"].isna().to_numpy()]:
        ax.text(xi, 0.5, "no data", rotation=90, ha="center", va="bottom", fontsize=8,
                color="#555555")  # fmt: skip
    ax.yaxis.set_major_formatter(_BN_AXIS)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    ax.margins(y=0.12)
    if events is not None:
        _annotate_events(ax, events, list(df["period"]))
    title = f"{country_name(reporter)}–{country_name(partner)} merchandise trade by period"
    return _finish(ax, df, title, "US$ billion", sources)


def plot_partner_rank(
    df: pd.DataFrame,
    *,
    reporter: str = "IND",
    highlight: str = "JPN",
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot a reporter's largest partners by total trade as horizontal bars, one highlighted.

    Parameters
    ----------
    df
        Output of :func:`analysis.indicators.partner_ranking`: ``rank``, ``partner_iso3``,
        ``partner_name``, ``total_usd``, ``source_id``; drawn top to bottom in row order.
    reporter
        The reporting country, for the title.
    highlight
        The partner drawn in its own colour; other countries with a fixed colour keep it,
        the rest are grey.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    _require(df, ["rank", "partner_iso3", "partner_name", "total_usd", "source_id"], "rank")
    ax = new_axes(ax, figsize=(8.0, 0.32 * len(df) + 1.6))
    y = np.arange(len(df))[::-1]
    colours = [country_colour(c) for c in df["partner_iso3"]]
    container = ax.barh(y, df["total_usd"] / BN, color=colours, gid="total_usd")
    ax.bar_label(container, fmt="%.1f", fontsize=8, padding=2)
    labels = [f"{r}. {n}" for r, n in zip(df["rank"], df["partner_name"], strict=True)]
    ax.set_yticks(y, labels)
    for tick, code in zip(ax.get_yticklabels(), df["partner_iso3"], strict=True):
        if code == highlight:
            tick.set_fontweight("bold")
    ax.xaxis.set_major_formatter(_BN_AXIS)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Total trade (exports + imports), US$ billion")
    ax.margins(x=0.1)
    ax.set_title(f"{country_name(reporter)}'s largest trading partners")
    fig = ax.get_figure()
    add_source_line(fig, _source_line(df, sources))
    return fig


def plot_lines(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str,
    title: str,
    ylabel: str,
    scale: float = 1.0,
    colours: dict[str, str] | None = None,
    events: pd.DataFrame | None = None,
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot one line per ``hue`` value over ``x``, gaps where values are missing.

    Parameters
    ----------
    df
        Long table with ``x``, ``y``, ``hue`` and ``source_id`` columns, in ``x`` order.
    x, y, hue
        Column names: the horizontal axis, the values, the series.
    title, ylabel
        Chart title and value-axis label (with its unit).
    scale
        Divide values by this before drawing (``1e9`` for US$ billion).
    colours
        A colour per series (country colours from :mod:`analysis.style`); the
        colour-blind-safe palette otherwise.
    events
        Dated events to mark (the ``milestones`` table: ``date``, ``event``): at their
        decimal year on a numeric ``x``, in their fiscal year on ``2019-20`` labels.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; each line's ``gid`` is its series name.
    """
    _require(df, [x, y, hue, "source_id"], "lines")
    ax = new_axes(ax, figsize=(9.0, 5.0))
    series = list(dict.fromkeys(df[hue]))
    palette = dict(zip(series, sns.color_palette("colorblind", len(series)), strict=True))
    palette.update(colours or {})
    for name in series:
        part = df[df[hue] == name]
        values = part[y].astype("float64") / scale
        ax.plot(part[x], values, marker="o", markersize=4, linewidth=1.8, label=name,
                color=palette[name], gid=str(name))  # fmt: skip
    if pd.api.types.is_numeric_dtype(df[x]):
        # Years, even as decimal midpoints, read as whole years.
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    else:
        # Period labels such as 2019-20 need room.
        ax.tick_params(axis="x", labelrotation=45)
    if events is not None:
        numeric = pd.api.types.is_numeric_dtype(df[x])
        _annotate_events(ax, events, None if numeric else list(dict.fromkeys(df[x])))
    ax.legend(fontsize=8, frameon=False)
    return _finish(ax, df, title, ylabel, sources)


def plot_top_products(
    df: pd.DataFrame,
    *,
    title: str,
    colour: str,
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot products as horizontal bars of value with their share written beside each bar.

    Parameters
    ----------
    df
        One row per product in display order (largest first): ``label``, ``value_usd``,
        ``share`` (fraction of the flow), ``source_id``.
    title
        Chart title.
    colour
        Bar colour (the exporting country's colour).
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    _require(df, ["label", "value_usd", "share", "source_id"], "products")
    ax = new_axes(ax, figsize=(8.0, 0.36 * len(df) + 1.6))
    y = np.arange(len(df))[::-1]
    container = ax.barh(y, df["value_usd"] / BN, color=colour, gid="value_usd")
    ax.bar_label(container, labels=[f"{s:.0%}" for s in df["share"]], fontsize=8, padding=2)
    ax.set_yticks(y, df["label"])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.1f}"))
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("US$ billion (share of the flow beside each bar)")
    ax.margins(x=0.12)
    ax.set_title(title)
    fig = ax.get_figure()
    add_source_line(fig, _source_line(df, sources))
    return fig


def plot_timeline(df: pd.DataFrame, *, since: int = 1950, ax: plt.Axes | None = None) -> Figure:
    """Plot dated milestones on a time axis, labelled and coloured by category.

    Parameters
    ----------
    df
        The ``milestones`` table (``date``, ``event``, ``category``, ``source_id``).
    since
        First year shown; earlier milestones are named in a note instead of drawn.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; each marker's ``gid`` is the event.
    """
    _require(df, ["date", "event", "category", "source_id"], "timeline")
    shown = df[df["date"].dt.year >= since].sort_values("date").reset_index(drop=True)
    earlier = df[df["date"].dt.year < since]
    ax = new_axes(ax, figsize=(10.0, 0.34 * len(shown) + 1.8))
    categories = list(dict.fromkeys(shown["category"]))
    palette = dict(zip(categories, sns.color_palette("colorblind", len(categories)), strict=True))
    years = shown["date"].dt.year + (shown["date"].dt.dayofyear - 1) / 366
    y = np.arange(len(shown))[::-1]
    for yi, xi, (_, row) in zip(y, years, shown.iterrows(), strict=True):
        ax.scatter(xi, yi, color=palette[row["category"]], s=30, zorder=3, gid=row["event"])
        # Labels run into the empty early years, so late events are written leftwards.
        left = xi > (since + 2025) / 2
        ax.text(xi - 0.8 if left else xi + 0.8, yi, f"{row['date'].year}: {row['event']}",
                va="center", ha="right" if left else "left", fontsize=7.5)  # fmt: skip
    for cat in categories:
        ax.scatter([], [], color=palette[cat], label=cat)
    ax.set_yticks([])
    ax.set_xlim(since - 2, 2026)
    ax.legend(fontsize=8, frameon=False, loc="lower left", ncols=2)
    ax.set_xlabel("Year")
    title = "Milestones of the India–Japan partnership"
    if len(earlier):
        title += f" (since {since}; {len(earlier)} earlier milestone(s) not drawn)"
    ax.set_title(title)
    fig = ax.get_figure()
    add_source_line(fig, citation(df["source_id"]))
    return fig


VERDICT_COLOURS = {
    "holds": "#009E73",
    "holds approximately": "#56B4E9",
    "does not hold": "#D55E00",
    "cannot be checked with the data at hand": "#999999",
}


def plot_claims(df: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Plot each numeric claim's measured value as a percentage of the claimed one.

    Parameters
    ----------
    df
        Ledger rows with a measured value: ``claim_id``, ``claimed_value``,
        ``measured_value``, ``verdict``, ``tolerance_rel``, ``source_id``; one row per claim,
        drawn top to bottom in row order.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: a dot per claim at 100 × measured / claimed, its tolerance as a band,
        coloured by verdict; each dot's ``gid`` is the claim id.
    """
    _require(df, ["claim_id", "claimed_value", "measured_value", "verdict", "tolerance_rel",
                  "source_id"], "claims")  # fmt: skip
    ax = new_axes(ax, figsize=(8.0, 0.45 * len(df) + 1.8))
    y = np.arange(len(df))[::-1]
    pct = 100 * df["measured_value"].astype("float64") / df["claimed_value"].astype("float64")
    for yi, (_, row), p in zip(y, df.iterrows(), pct, strict=True):
        tol = 100 * float(row["tolerance_rel"])
        ax.plot([100 - tol, 100 + tol], [yi, yi], color="#CCCCCC", linewidth=6,
                solid_capstyle="butt")  # fmt: skip
        ax.scatter(p, yi, color=VERDICT_COLOURS[row["verdict"]], s=60, zorder=3,
                   gid=row["claim_id"])  # fmt: skip
        ax.annotate(f"{p:.0f}%", (p, yi), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)  # fmt: skip
    ax.axvline(100, color="#333333", linewidth=1)
    ax.set_yticks(y, df["claim_id"])
    for verdict, colour in VERDICT_COLOURS.items():
        if verdict in set(df["verdict"]):
            ax.scatter([], [], color=colour, label=verdict)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_xlabel("Measured as % of claimed (grey band: the claim's tolerance)")
    ax.set_title("The articles' numeric claims against the data")
    fig = ax.get_figure()
    add_source_line(fig, citation(df["source_id"]))
    return fig


RATIO_COLUMNS = ["exporter_iso3", "importer_iso3", "year", "ratio", "ratio_low", "ratio_high",
                 "source_id"]  # fmt: skip
_RATIO_AXIS = FuncFormatter(lambda v, _: f"{v:g}")


def _finish_potential(ax: plt.Axes, df: pd.DataFrame, title: str) -> Figure:
    """Title the chart, draw the 'as predicted' line, add the source line."""
    ax.set_title(title)
    fig = ax.get_figure()
    add_source_line(
        fig,
        citation(df["source_id"])
        + ". Model: PPML structural gravity, exporter-year and importer-year effects; "
        "intervals: 95%, from the coefficients' uncertainty. Manufacturing only.",
    )
    return fig


def plot_potential_over_time(df: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Plot actual / predicted trade by year for a few directed pairs, with intervals.

    Parameters
    ----------
    df
        Rows of :func:`analysis.gravity.potential` (``exporter_iso3``, ``importer_iso3``,
        ``year``, ``ratio``, ``ratio_low``, ``ratio_high``, ``source_id``); one line per
        directed pair, in the exporter's colour.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the value axis is logarithmic, with a line at 1 (trade as predicted).
    """
    _require(df, RATIO_COLUMNS, "potential_over_time")
    ax = new_axes(ax, figsize=(8.0, 4.8))
    for (exp, imp), grp in df.groupby(["exporter_iso3", "importer_iso3"], sort=True):
        grp = grp.sort_values("year")
        label = f"{country_name(exp)} → {country_name(imp)}"
        colour = country_colour(exp)
        ax.fill_between(grp["year"], grp["ratio_low"], grp["ratio_high"], color=colour,
                        alpha=0.2, linewidth=0)  # fmt: skip
        ax.plot(grp["year"], grp["ratio"], marker="o", color=colour, label=label,
                gid=f"{exp}-{imp}")  # fmt: skip
    ax.axhline(1, color="#333333", linewidth=0.8, linestyle="--")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(_RATIO_AXIS)
    ax.yaxis.set_minor_formatter(_RATIO_AXIS)
    ax.set_xticks(sorted(df["year"].unique()))
    ax.set_ylabel("Actual / predicted trade (log scale)")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    return _finish_potential(ax, df, "Trade relative to the gravity model's prediction")


def plot_potential_comparison(df: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Plot actual / predicted trade for several directed pairs in one year, with intervals.

    Parameters
    ----------
    df
        Rows of :func:`analysis.gravity.potential` for one year, drawn top to bottom in row
        order; each point in the exporter's colour.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the ratio axis is logarithmic, with a line at 1.
    """
    _require(df, RATIO_COLUMNS, "potential_comparison")
    years = df["year"].unique()
    if len(years) != 1:
        raise DataError(
            Problem("<potential_comparison input>", None, "year", "a single year",
                    ", ".join(map(str, sorted(years))))
        )  # fmt: skip
    ax = new_axes(ax, figsize=(8.0, 0.32 * len(df) + 1.6))
    y = np.arange(len(df))[::-1]
    for pos, (_, r) in zip(y, df.iterrows(), strict=True):
        colour = country_colour(r["exporter_iso3"])
        ax.plot([r["ratio_low"], r["ratio_high"]], [pos, pos], color=colour, linewidth=2)
        ax.plot(r["ratio"], pos, "o", color=colour,
                gid=f"{r['exporter_iso3']}-{r['importer_iso3']}")  # fmt: skip
    ax.axvline(1, color="#333333", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, [f"{e} → {i}" for e, i in zip(df["exporter_iso3"], df["importer_iso3"],
                                                     strict=True)])  # fmt: skip
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(_RATIO_AXIS)
    ax.set_xlabel("Actual / predicted trade (log scale; 1 = as predicted)")
    return _finish_potential(
        ax, df, f"Trade relative to prediction, {years[0]}: India, Japan and partners"
    )
