"""Charts: each ``plot_<name>(df, *, ax=None) -> Figure``, pure (no file I/O, no ``show``).

Each chart draws on ``ax`` when given (like seaborn's axes-level functions), otherwise
on a new figure in the suite's theme; it titles the chart, puts units on the value
axis and writes a source line, built from the rows' ``source_id``, under the chart.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis.data import citation, country_name
from analysis.errors import DataError, Problem, require_columns
from analysis.present import style, text
from analysis.present.style import (
    BALANCE_COLOUR,
    add_source_line,
    category_colours,
    country_colour,
    new_axes,
)

__all__ = [
    "plot_aid_by_donor",
    "plot_both_reporters",
    "plot_claims",
    "plot_headline",
    "plot_lines",
    "plot_mirror_gap",
    "plot_partner_rank_series",
    "plot_potential_by_year",
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


_FISCAL_LABEL = re.compile(r"([0-9]{4})-([0-9]{2})")


def _fiscal_range(labels: pd.Series) -> list[str] | None:
    """Return every fiscal year from the first label to the last, if all are ``2019-20``."""
    found = [_FISCAL_LABEL.fullmatch(str(v)) for v in pd.unique(labels)]
    if not found or not all(found):
        return None
    starts = sorted(int(m.group(1)) for m in found if m)
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(starts[0], starts[-1] + 1)]


def _annotate_events(ax: plt.Axes, events: pd.DataFrame, periods: list[str] | None) -> None:
    """Mark dated events (the ``milestones`` table) on a time axis, each with a short label.

    On a numeric axis (years) an event sits at its decimal year; on an axis of fiscal-year
    labels (``periods``) inside its fiscal year. Events outside the axis are left out.
    """
    _require(events, ["date", "event"], "events")
    lo, hi = ax.get_xlim()
    # The width of an upright label in data units: two labels closer than this collide.
    fontsize = 7
    thickness = 1.4 * fontsize / 72 * ax.figure.dpi * (hi - lo) / max(ax.bbox.width, 1.0)
    edge = -math.inf
    for _, row in events.sort_values("date").iterrows():
        date = row["date"]
        if periods is None:
            x = date.year + (date.day_of_year - 1) / 366
        else:
            x = _fiscal_position(date, periods)
        if x is None or not lo <= x <= hi:
            continue
        ax.axvline(x, color="#777777", linestyle=":", linewidth=1, zorder=0.5,
                   gid=f"event {date:%Y-%m-%d}")  # fmt: skip
        # Each label has its own lane: left of its line, else right of it; an event too
        # close to the last two keeps its line without a label.
        if x - thickness >= edge:
            side, edge = "right", x
        elif x >= edge:
            side, edge = "left", x + thickness
        else:
            continue
        # Long events are cut at a word so that labels stay inside the chart.
        label = f"{date.year}: {row['event'].split(';')[0].split(' (')[0]}"
        if len(label) > 42:
            label = label[:41].rsplit(" ", 1)[0] + "…"
        box = {"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1}
        ax.text(x, 0.98, label, transform=ax.get_xaxis_transform(), rotation=90, ha=side,
                va="top", fontsize=fontsize, color="#444444", bbox=box)  # fmt: skip
    ax.set_xlim(lo, hi)


def plot_headline(
    df: pd.DataFrame, *, reporter: str, partner: str, ax: plt.Axes | None = None
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
        (
            "exports_usd",
            f"{_mine(reporter)} exports to {country_name(partner)}",
            country_colour(reporter),
        ),
        (
            "imports_usd",
            f"{_mine(reporter)} imports from {country_name(partner)}",
            country_colour(partner),
        ),
        ("balance_usd", "Balance (exports − imports)", BALANCE_COLOUR),
    ]
    for i, (col, label, colour) in enumerate(bars):
        container = ax.bar(
            x + (i - 1) * width, df[col] / BN, width, label=label, color=colour, gid=col
        )
        ax.bar_label(container, fmt="%.1f", fontsize=8, padding=2)
    ax.axhline(0, color="#333333", linewidth=0.8)
    # Wrapped so that long basis names ("X-reported, fiscal year 2020-21") never collide.
    ax.set_xticks(x, [textwrap.fill(str(label), 16) for label in df["label"]])
    ax.yaxis.set_major_formatter(_BN_AXIS)
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=3)
    ax.margins(y=0.15)
    title = f"{country_name(reporter)}–{country_name(partner)} trade: headline figures"
    return _finish(ax, df, title, "US$ billion")


def plot_trade_by_period(
    df: pd.DataFrame,
    *,
    reporter: str,
    partner: str,
    events: pd.DataFrame | None = None,
    title: str | None = None,
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
    title
        The chart's title; by default the pair's trade from the first period to the last.
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
           label=f"{_mine(reporter)} exports to {country_name(partner)}",
           gid="exports_usd")  # fmt: skip
    ax.bar(x + width / 2, df["imports_usd"] / BN, width, color=country_colour(partner),
           label=f"{_mine(reporter)} imports from {country_name(partner)}",
           gid="imports_usd")  # fmt: skip
    ax.plot(x, df["balance_usd"] / BN, color=BALANCE_COLOUR, marker="o", linewidth=1.5,
            label="Balance (exports − imports)", gid="balance_usd")  # fmt: skip
    ax.axhline(0, color="#333333", linewidth=0.8)
    # Many periods: upright labels, which do not run into each other.
    many = len(x) > 8
    ax.set_xticks(x, df["period"], rotation=90 if many else 45, ha="center" if many else "right")
    for xi in x[df["exports_usd"].isna().to_numpy() & df["imports_usd"].isna().to_numpy()]:
        ax.text(xi, 0.5, "no data", rotation=90, ha="center", va="bottom", fontsize=8,
                color="#555555")  # fmt: skip
    ax.yaxis.set_major_formatter(_BN_AXIS)
    # Above the plot, in a lane of its own: event labels hang from the top of the plot.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=8, frameon=False, ncols=3,
              borderaxespad=0.2)  # fmt: skip
    ax.margins(y=0.12)
    if events is not None:
        _annotate_events(ax, events, list(df["period"]))
    if title is None:
        span = f"{df['period'].iloc[0]} to {df['period'].iloc[-1]}" if len(df) else ""
        title = f"{country_name(reporter)}–{country_name(partner)} merchandise trade, {span}"
    fig = _finish(ax, df, title, "US$ billion", sources)
    ax.set_title(title, pad=22)
    return fig


def plot_partner_rank(
    df: pd.DataFrame,
    *,
    reporter: str,
    highlight: str,
    sources: Mapping[str, str] | None = None,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot a reporter's largest partners by total trade as horizontal bars, one highlighted.

    Parameters
    ----------
    df
        Output of :func:`analysis.measures.indicators.partner_ranking`: ``rank``, ``partner_iso3``,
        ``partner_name``, ``total_usd``, ``source_id``; drawn top to bottom in row order.
    reporter
        The reporting country, for the title.
    highlight
        The partner drawn in its own colour; other countries with a fixed colour keep it,
        the rest are grey.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    title
        The title; "<reporter>'s largest trading partners" by default.
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
    ax.set_title(title or f"{country_name(reporter)}'s largest trading partners")
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
    xlabel: str | None = None,
    references: Sequence[tuple[float, str]] = (),
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
    xlabel
        Label of the horizontal axis (what its years are); none by default.
    references
        Reference lines (value in drawn units, label), each drawn dashed and labelled at
        its right end: a claim's threshold, for instance.
    scale
        Divide values by this before drawing (``1e9`` for US$ billion).
    colours
        A colour per series (country colours from :mod:`analysis.present.style`); the
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
    # Series that are not a country's take colours no country has (style.category_colours).
    palette = {**category_colours(series), **(colours or {})}
    periods = _fiscal_range(df[x]) if not pd.api.types.is_numeric_dtype(df[x]) else None
    for name in series:
        part = df[df[hue] == name]
        if periods is not None and part[x].is_unique:
            # A fiscal year missing from the data keeps its place, so the line breaks there.
            part = part.set_index(x).reindex(periods).rename_axis(x).reset_index()
        values = part[y].astype("float64") / scale
        ax.plot(part[x], values, marker="o", markersize=4, linewidth=1.8,
                label=_sentence(str(name)), color=palette[name], gid=str(name))  # fmt: skip
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
    for value, label in references:
        ax.axhline(value, color="#333333", linestyle="--", linewidth=1, gid=f"reference {label}")
        ax.annotate(label, (1.0, value), xycoords=("axes fraction", "data"), xytext=(-2, 3),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8,
                    color="#333333")  # fmt: skip
    if xlabel:
        ax.set_xlabel(xlabel)
    return _finish(ax, df, title, ylabel, sources)


AID_COLUMNS = ["recipient_iso3", "donor_code", "donor_name", "year", "measure", "value_usd",
               "source_id"]  # fmt: skip
_MN_AXIS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def plot_aid_by_donor(
    df: pd.DataFrame,
    *,
    n: int = 4,
    donors: list[str] | None = None,
    highlight: str,
    window: tuple[int, int] | None = None,
    window_label: str = "years checked",
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot the net bilateral aid a recipient got from its largest donors, year by year.

    Parameters
    ----------
    df
        An aid-by-donor table, for one recipient: its
        ``net_bilateral_oda`` rows are drawn.
    n
        How many donors to draw: those with the largest net flows summed over the years in
        ``df``. Ignored when ``donors`` is given.
    donors
        The donor codes to draw, in legend order.
    highlight
        The donor drawn with a thicker line.
    window
        First and last year of a span to shade (for example the years a claim is checked
        on), or ``None``.
    window_label
        The shaded span's label.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: one line per donor in its country colour (grey for donors without one),
        each line's ``gid`` its donor code, a year without a flow a gap; a line at zero
        (``gid`` ``zero``), since net flows can be negative.
    """
    _require(df, AID_COLUMNS, "aid_by_donor")
    flows = df[df["measure"] == "net_bilateral_oda"]
    recipients = list(dict.fromkeys(flows["recipient_iso3"]))
    if len(recipients) != 1:
        raise DataError(Problem("<aid_by_donor input>", None, "recipient_iso3", "one recipient",
                                ", ".join(recipients) or "none"))  # fmt: skip
    if donors is None:
        totals = flows.groupby("donor_code")["value_usd"].sum()
        donors = list(totals.sort_values(ascending=False, kind="mergesort").index[:n])
    shown = flows[flows["donor_code"].isin(donors)]
    years = np.arange(int(flows["year"].min()), int(flows["year"].max()) + 1)
    ax = new_axes(ax, figsize=(9.0, 5.0))
    if window is not None:
        ax.axvspan(window[0] - 0.5, window[1] + 0.5, color="#EEEEEE", zorder=0, gid="window")
        ax.text((window[0] + window[1]) / 2, 0.98, window_label, transform=ax.get_xaxis_transform(),
                ha="center", va="top", fontsize=8, color="#555555")  # fmt: skip
    for code in donors:
        rows = shown[shown["donor_code"] == code]
        values = rows.set_index("year")["value_usd"].astype("float64").reindex(years) / 1e6
        name = rows["donor_name"].iloc[0] if len(rows) else code
        ax.plot(years, values, color=country_colour(code), linewidth=2.4 if code == highlight
                else 1.5, label=name, gid=code)  # fmt: skip
    ax.axhline(0, color="#333333", linewidth=0.8, gid="zero")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(_MN_AXIS)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    title = f"Net bilateral aid to {country_name(recipients[0])} from its largest DAC donors"
    return _finish(ax, shown, title, "US$ million (current), net disbursements", sources)


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


def plot_timeline(
    df: pd.DataFrame, *, title: str, since: int = 1950, ax: plt.Axes | None = None
) -> Figure:
    """Plot dated milestones on a time axis, labelled and coloured by category.

    Parameters
    ----------
    df
        The ``milestones`` table (``date``, ``event``, ``category``, ``source_id``).
    title
        What the milestones are of (a note on milestones left out is added to it).
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
    palette = category_colours(categories)
    years = shown["date"].dt.year + (shown["date"].dt.dayofyear - 1) / 366
    y = np.arange(len(shown))[::-1]
    for yi, xi, (_, row) in zip(y, years, shown.iterrows(), strict=True):
        ax.scatter(xi, yi, color=palette[row["category"]], s=30, zorder=3, gid=row["event"])
        # Labels run into the empty early years, so late events are written leftwards.
        left = xi > (since + 2025) / 2
        ax.text(xi - 0.8 if left else xi + 0.8, yi, f"{row['date'].year}: {row['event']}",
                va="center", ha="right" if left else "left", fontsize=7.5)  # fmt: skip
    for cat in categories:
        ax.scatter([], [], color=palette[cat], label=_sentence(cat))
    ax.set_yticks([])
    ax.set_xlim(since - 2, 2026)
    ax.legend(fontsize=8, frameon=False, loc="lower left", ncols=2)
    ax.set_xlabel("Year")
    if len(earlier):
        title += f" (since {since}; {len(earlier)} earlier milestone(s) not drawn)"
    ax.set_title(title)
    fig = ax.get_figure()
    add_source_line(fig, citation(df["source_id"]))
    return fig


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
        ax.scatter(p, yi, color=style.VERDICT_COLOURS[row["verdict"]], s=60, zorder=3,
                   gid=row["claim_id"])  # fmt: skip
        ax.annotate(f"{p:.0f}%", (p, yi), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=8)  # fmt: skip
    ax.axvline(100, color="#333333", linewidth=1)
    ax.set_yticks(y, df["claim_id"])
    for verdict, colour in style.VERDICT_COLOURS.items():
        if verdict in set(df["verdict"]):
            ax.scatter([], [], color=colour, label=_sentence(verdict))
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_xlabel("Measured as % of claimed (grey band: the claim's tolerance)")
    ax.set_title("The articles' numeric claims against the data")
    fig = ax.get_figure()
    add_source_line(fig, citation(df["source_id"]))
    return fig


RATIO_COLUMNS = ["exporter_iso3", "importer_iso3", "year", "ratio", "ratio_low", "ratio_high",
                 "source_id"]  # fmt: skip
_RATIO_AXIS = FuncFormatter(lambda v, _: f"{v:g}")


def _finish_potential(ax: plt.Axes, df: pd.DataFrame, title: str,
                      coverage: str = "Manufacturing only.") -> Figure:  # fmt: skip
    """Title the chart, draw the 'as predicted' line, add the source line."""
    ax.set_title(title)
    fig = ax.get_figure()
    add_source_line(
        fig,
        citation(df["source_id"])
        + ". Model: PPML structural gravity, exporter-year and importer-year effects; "
        f"intervals: 95%, from the coefficients' uncertainty. {coverage}",
    )
    return fig


def _ratio_lines(ax: plt.Axes, df: pd.DataFrame) -> None:
    """Draw one line of actual / predicted per directed pair, with its interval band."""
    for (exp, imp), grp in df.groupby(["exporter_iso3", "importer_iso3"], sort=True):
        grp = grp.sort_values("year")
        label = f"{country_name(exp)} → {country_name(imp)}"
        colour = country_colour(exp)
        ax.fill_between(grp["year"], grp["ratio_low"], grp["ratio_high"], color=colour,
                        alpha=0.2, linewidth=0, gid=f"{exp}-{imp}-interval")  # fmt: skip
        ax.plot(grp["year"], grp["ratio"], marker="o", color=colour, label=label,
                gid=f"{exp}-{imp}")  # fmt: skip
    ax.axhline(1, color="#333333", linewidth=0.8, linestyle="--")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(_RATIO_AXIS)
    ax.yaxis.set_minor_formatter(_RATIO_AXIS)
    ax.set_ylabel("Actual / predicted trade (log scale)")


def plot_potential_over_time(df: pd.DataFrame, *, ax: plt.Axes | None = None) -> Figure:
    """Plot actual / predicted trade by year for a few directed pairs, with intervals.

    Parameters
    ----------
    df
        Rows of :func:`analysis.models.gravity.potential` (``exporter_iso3``, ``importer_iso3``,
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
    _ratio_lines(ax, df)
    ax.set_xticks(sorted(df["year"].unique()))
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    return _finish_potential(ax, df, "Trade relative to the gravity model's prediction")


def plot_potential_by_year(
    df: pd.DataFrame,
    *,
    threshold: float | None = 0.5,
    title: str | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot a pair's actual / predicted total trade in both directions by year, to 2020.

    Parameters
    ----------
    df
        Rows of :func:`analysis.models.gravity.potential_international` for the two directions of
        a pair (``exporter_iso3``, ``importer_iso3``, ``year``, ``ratio``, ``ratio_low``,
        ``ratio_high``, ``source_id``): one line per direction in the exporter's colour,
        with its interval as a band.
    threshold
        A ratio to mark with a dotted line (``0.5``, half the prediction: the claims
        ledger's "far below"), or ``None``.
    title
        The chart's title; by default it names the pair and the years.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; the ratio axis is logarithmic, with a dashed line at 1 (as predicted).
    """
    _require(df, RATIO_COLUMNS, "potential_by_year")
    ax = new_axes(ax, figsize=(8.0, 4.8))
    _ratio_lines(ax, df)
    if threshold is not None:
        ax.axhline(threshold, color="#777777", linewidth=0.8, linestyle=":",
                   gid="threshold")  # fmt: skip
        ax.annotate(f"{threshold:g} × predicted", (df["year"].min(), threshold), xytext=(0, 3),
                    textcoords="offset points", fontsize=8, color="#555555")  # fmt: skip
    ax.set_xticks(sorted(df["year"].unique()))
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    first, last = int(df["year"].min()), int(df["year"].max())
    pair = "–".join(country_name(c) for c in dict.fromkeys(df["exporter_iso3"]))
    title = title or f"{pair} trade relative to the gravity model's prediction, {first}–{last}"
    return _finish_potential(
        ax, df, title,
        coverage="Total merchandise trade, international flows; importer-reported (the "
        "exporter's figure where the importer reports none).",
    )  # fmt: skip


def plot_potential_comparison(
    df: pd.DataFrame, *, focus: Sequence[str], ax: plt.Axes | None = None
) -> Figure:
    """Plot actual / predicted trade for several directed pairs in one year, with intervals.

    Parameters
    ----------
    df
        Rows of :func:`analysis.models.gravity.potential` for one year, drawn top to bottom in row
        order; each point in the exporter's colour.
    focus
        The countries whose partners are shown (named in the title).
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
        ax,
        df,
        f"Trade relative to prediction, {years[0]}: "
        f"{', '.join(country_name(c) for c in focus)} and partners",
    )


BOTH_REPORTERS_COLUMNS = ["year", "exports_usd", "imports_usd", "is_estimate", "reporter_iso3",
                          "source_id"]  # fmt: skip
MIRROR_GAP_COLUMNS = ["exporter_iso3", "importer_iso3", "year", "gap_pct", "is_estimate",
                      "source_id"]  # fmt: skip
RANK_SERIES_COLUMNS = ["reporter_iso3", "partner_iso3", "year", "rank", "share_pct", "source_id"]
# Each reporter's own figures are drawn solid, its partner's (the mirror view) dashed.
_REPORTER_STYLES = ("-", "--")


def _mine(iso3: str) -> str:
    """Return a country's name in the possessive (``Brazil's``), for a legend entry."""
    return text.possessive(country_name(iso3))


def _sentence(label: str) -> str:
    """Start a legend entry with a capital, as a reader expects (``diplomacy``: ``Diplomacy``)."""
    return label[:1].upper() + label[1:]


def _year_axis(ax: plt.Axes, years: np.ndarray) -> None:
    """Label a time axis with whole years and fit it to the years drawn."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    ax.set_xlim(years.min() - 0.5, years.max() + 0.5)


def _isolated(values: pd.Series) -> list[bool]:
    """Mark the values with no neighbour on either side, which a line alone would not show."""
    known = values.notna().to_numpy()
    before = np.r_[False, known[:-1]]
    after = np.r_[known[1:], False]
    return list(known & ~before & ~after)


def _log_value_axis(ax: plt.Axes, values: np.ndarray) -> None:
    """Make the value axis logarithmic with ticks at 1, 2 and 5 times powers of ten."""
    ax.set_yscale("log")
    shown = values[np.isfinite(values) & (values > 0)]
    lo, hi = float(shown.min()), float(shown.max())
    exponents = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    ticks = [m * 10.0**e for e in exponents for m in (1, 2, 5)]
    ax.set_yticks([t for t in ticks if lo / 2 <= t <= hi * 2])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def plot_both_reporters(
    df: pd.DataFrame,
    *,
    log: bool = True,
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot a pair's exports and imports year by year as each of the two sides reports them.

    Parameters
    ----------
    df
        Output of :func:`analysis.measures.bilateral.both_reporters` for a pair ``a``, ``b``:
        ``year``, ``exports_usd`` (``a`` → ``b``), ``imports_usd`` (``b`` → ``a``),
        ``is_estimate``, ``reporter_iso3``, ``source_id``; ``a``'s own figures first.
    log
        Draw the value axis on a log scale (the default): over decades trade grows a
        hundredfold, and on a log scale the same gap between two reporters looks the same
        size in every decade.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: four lines, each flow in its exporter's colour (the suite's export and
        import colours, as in :func:`plot_trade_by_period`: ``a``'s exports in ``a``'s,
        its imports in ``b``'s), ``a``'s figures solid and ``b``'s dashed; each line's
        ``gid`` is ``<flow column>-<reporter>`` (``exports_usd-IND``), a year a reporter
        does not give is a gap, and IMF-estimated years are open circles (``gid``
        ``estimate-<reporter>``).
    """
    _require(df, BOTH_REPORTERS_COLUMNS, "both_reporters")
    reporters = list(dict.fromkeys(df["reporter_iso3"]))
    if len(reporters) != 2:
        raise DataError(Problem("<both_reporters input>", None, "reporter_iso3",
                                "two reporters", ", ".join(reporters) or "none"))  # fmt: skip
    a, b = reporters
    name = {c: country_name(c) for c in (a, b)}
    years = np.arange(int(df["year"].min()), int(df["year"].max()) + 1)
    ax = new_axes(ax, figsize=(9.0, 5.4))
    flows = [
        ("exports_usd", f"{text.possessive(name[a])} exports to {name[b]}", a),
        ("imports_usd", f"{text.possessive(name[a])} imports from {name[b]}", b),
    ]
    mirror = {"exports_usd": "imports from", "imports_usd": "exports to"}
    estimated = []
    for col, flow_label, exporter in flows:
        for reporter, linestyle in zip((a, b), _REPORTER_STYLES, strict=True):
            rows = df[df["reporter_iso3"] == reporter].set_index("year")
            values = rows[col].astype("float64").reindex(years) / BN
            label = f"{flow_label}, as {name[reporter]} reports"
            if reporter == b:
                label += f" ({text.possessive(name[b])} {mirror[col]} {name[a]})"
            ax.plot(years, values, color=country_colour(exporter), linestyle=linestyle,
                    linewidth=1.8, marker="o", markersize=3, markevery=_isolated(values),
                    label=label, gid=f"{col}-{reporter}")  # fmt: skip
            est = rows[rows["is_estimate"].astype(bool)]
            estimated.append((est.index, est[col] / BN, country_colour(exporter), reporter))
    for i, (x, y, colour, reporter) in enumerate(e for e in estimated if len(e[0])):
        ax.plot(x, y, linestyle="none", marker="o", markerfacecolor="white",
                markeredgecolor=colour, label="_nolegend_" if i else "IMF estimate",
                gid=f"estimate-{reporter}")  # fmt: skip
    values = (df[["exports_usd", "imports_usd"]].to_numpy(dtype="float64") / BN).ravel()
    if log:
        _log_value_axis(ax, values)
        ylabel = "US$ billion (current; log scale)"
    else:
        ax.yaxis.set_major_formatter(_BN_AXIS)
        ylabel = "US$ billion (current)"
    _year_axis(ax, years)
    legend = ax.legend(loc="upper left", fontsize=8, frameon=False)
    for handle in legend.legend_handles[: len(flows) * 2]:
        handle.set_marker("")  # markers show only years with no neighbour
    for handle in legend.legend_handles[len(flows) * 2 :]:
        handle.set_markeredgecolor("#555555")  # estimates of either flow
    title = (f"{name[a]}–{name[b]} trade as each side reports it, {years[0]}–{years[-1]} "
             "(calendar years)")  # fmt: skip
    return _finish(ax, df, title, ylabel, sources)


def plot_mirror_gap(
    df: pd.DataFrame,
    *,
    cif_fob_factor: float,
    sources: Mapping[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> Figure:
    """Plot the mirror gap of each direction of a pair's trade by year, against the CIF/FOB margin.

    Parameters
    ----------
    df
        Output of :func:`analysis.measures.bilateral.mirror_gaps`: ``exporter_iso3``,
        ``importer_iso3``, ``year``, ``gap_pct`` (the importer's CIF figure over the
        exporter's FOB figure, minus one, in %), ``is_estimate``, ``source_id``.
    cif_fob_factor
        The CIF/FOB ratio freight and insurance alone would give (``mirror_gap_causes``);
        drawn as a labelled reference line at ``100 * (cif_fob_factor - 1)`` %.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: one line per direction in its exporter's colour (``gid``
        ``<exporter>-<importer>``), the gap beyond the margin shaded (``gid``
        ``<exporter>-<importer>-beyond``), the margin as a dashed line (``gid``
        ``cif_fob``) and a line at zero (``gid`` ``zero``); IMF-estimated years are open
        circles.
    """
    _require(df, MIRROR_GAP_COLUMNS, "mirror_gap")
    margin = 100 * (cif_fob_factor - 1)
    years = np.arange(int(df["year"].min()), int(df["year"].max()) + 1)
    ax = new_axes(ax, figsize=(9.0, 6.0))
    pairs = list(dict.fromkeys(zip(df["exporter_iso3"], df["importer_iso3"], strict=True)))
    estimate_labelled = False
    for exp, imp in pairs:
        rows = df[(df["exporter_iso3"] == exp) & (df["importer_iso3"] == imp)].set_index("year")
        gap = rows["gap_pct"].astype("float64").reindex(years)
        colour = country_colour(exp)
        ne, ni = country_name(exp), country_name(imp)
        ax.plot(years, gap, color=colour, linewidth=1.8, marker="o", markersize=3,
                label=f"{ne} → {ni}: {text.possessive(ni)} imports (CIF) over "
                f"{text.possessive(ne)} exports (FOB)", gid=f"{exp}-{imp}")  # fmt: skip
        ax.fill_between(years, margin, gap, where=(gap > margin).to_numpy(), interpolate=True,
                        color=colour, alpha=0.15, linewidth=0,
                        gid=f"{exp}-{imp}-beyond")  # fmt: skip
        estimated = rows[rows["is_estimate"].astype(bool)]
        if len(estimated):
            ax.plot(estimated.index, estimated["gap_pct"], linestyle="none", marker="o",
                    markersize=7, markerfacecolor="white", markeredgecolor=colour,
                    label="_nolegend_" if estimate_labelled else "A side is an IMF estimate",
                    gid=f"{exp}-{imp}-estimate")  # fmt: skip
            estimate_labelled = True
    ax.axhline(0, color="#333333", linewidth=0.8, gid="zero")
    label = (f"CIF/FOB margin, freight and insurance (IMF factor {cif_fob_factor:g}: "
             f"+{margin:g}%); shaded: the gap beyond it")  # fmt: skip
    ax.axhline(margin, color="#333333", linewidth=1.2, linestyle="--", label=label,
               gid="cif_fob")  # fmt: skip
    # The reference line's label also sits outside the plot, at its right end.
    ax.annotate(f"+{margin:g}%\nCIF/FOB", (1, margin), xycoords=("axes fraction", "data"),
                xytext=(4, 0), textcoords="offset points", ha="left", va="center",
                fontsize=8, color="#333333", gid="cif_fob_label")  # fmt: skip
    _year_axis(ax, years)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:+.0f}%" if v else "0%"))
    # Below the chart: the gaps fill the plot's height in some years.
    legend = ax.legend(loc="upper left", bbox_to_anchor=(0, -0.08), fontsize=8, frameon=False)
    for entry, handle in zip(legend.get_texts(), legend.legend_handles, strict=True):
        if entry.get_text() == "A side is an IMF estimate":
            handle.set_markeredgecolor("#555555")  # estimates of either direction
    first = country_name(pairs[0][0])
    second = country_name(pairs[0][1])
    title = (f"{first}–{second} mirror gap, {years[0]}–{years[-1]}: importer's figure "
             "against exporter's")  # fmt: skip
    return _finish(ax, df, title, "Importer's figure over exporter's, % (mirror gap)", sources)


def plot_partner_rank_series(
    df: pd.DataFrame, *, sources: Mapping[str, str] | None = None, ax: plt.Axes | None = None
) -> Figure:
    """Plot partners' ranks among reporters' trading partners by year, rank 1 at the top.

    Parameters
    ----------
    df
        Rows of :func:`analysis.measures.bilateral.partner_rank_series` for one or more pairs, with
        ``reporter_iso3`` and ``partner_iso3`` added: ``year``, ``rank``, ``share_pct``,
        ``source_id``.
    sources
        Citations by ``source_id``, for files not registered in ``data/sources.csv``.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure: one line per pair in the partner's colour (``gid``
        ``<partner>-in-<reporter>``) on an inverted rank axis, the last year's rank and
        share written at the line's end.
    """
    _require(df, RANK_SERIES_COLUMNS, "partner_rank_series")
    years = np.arange(int(df["year"].min()), int(df["year"].max()) + 1)
    ax = new_axes(ax, figsize=(9.0, 5.0))
    pairs = list(dict.fromkeys(zip(df["reporter_iso3"], df["partner_iso3"], strict=True)))
    for rep, par in pairs:
        rows = df[(df["reporter_iso3"] == rep) & (df["partner_iso3"] == par)].set_index("year")
        rank = rows["rank"].astype("float64").reindex(years)
        colour = country_colour(par)
        ax.plot(years, rank, color=colour, linewidth=1.8, marker="o", markersize=3,
                label=f"{country_name(par)} among {text.possessive(country_name(rep))} partners",
                gid=f"{par}-in-{rep}")  # fmt: skip
        last = rows.index.max()
        ax.annotate(f"rank {int(rows.loc[last, 'rank'])}, {rows.loc[last, 'share_pct']:.1f}%",
                    (last, rows.loc[last, "rank"]), xytext=(5, 0), textcoords="offset points",
                    va="center", fontsize=8, color=colour)  # fmt: skip
    worst = int(df["rank"].max())
    ax.set_yticks([1, *range(5, worst + 5, 5)])
    ax.set_ylim(worst + 1.5, 0.5)  # inverted: rank 1 at the top
    _year_axis(ax, years)
    ax.set_xlim(years[0] - 0.5, years[-1] + 8)
    ax.legend(loc="center", bbox_to_anchor=(0.36, 0.66), fontsize=8, frameon=True,
              framealpha=0.9, edgecolor="none", title=f"Rank by total trade\nat each line's end: "
              f"{years[-1]} rank, share of the reporter's trade", title_fontsize=8)  # fmt: skip
    names = " and ".join(dict.fromkeys(country_name(p) for _, p in pairs))
    reciprocal = {(p, r) for r, p in pairs} == set(pairs)
    whose = "each other's" if reciprocal else "their reporters'"
    title = f"{names} in {whose} ranking of trading partners, {years[0]}–{years[-1]}"
    return _finish(ax, df, title, "Rank among the reporter's partners (1 = largest)", sources)


# The range of "measured as % of claimed" a chart of claims shows; values beyond sit at its edge.
_CLAIM_RANGE = (0.0, 200.0)


def plot_claim_bases(
    evidence: pd.DataFrame, claims: pd.DataFrame, *, ax: plt.Axes | None = None
) -> Figure:
    """Plot each claim as measured on each basis, as a percentage of the claimed value.

    Parameters
    ----------
    evidence
        :func:`analysis.measures.claims.evidence_table`: ``claim_id``, ``basis``,
        ``side`` (whose figures: an ISO3 code, blank for the files), ``measured`` (in the
        claim's unit), ``verdict``; a basis that cannot check a claim draws nothing.
    claims
        :func:`analysis.measures.claims.claims_table`: ``claim_id``, ``value``; drawn top
        to bottom in row order.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.figure.Figure
        A dot per claim and basis at 100 × measured / claimed, in the colour of the
        country whose figures it uses (the files: a colour no country has); a filled
        circle where the claim holds on that basis, a cross where it does not; a value
        beyond 0–200% sits at the edge with its value written beside it.
    """
    _require(evidence, ["claim_id", "basis", "side", "measured", "verdict"], "claim_bases")
    _require(claims, ["claim_id", "value"], "claim_bases")
    shown = evidence.merge(claims[["claim_id", "value"]], on="claim_id", validate="many_to_one")
    shown = shown[shown["measured"].notna() & (shown["value"] != 0)]
    order = list(dict.fromkeys(claims["claim_id"]))
    ax = new_axes(ax, figsize=(8.0, 0.4 * len(order) + 2.4))
    row = {c: i for i, c in enumerate(order[::-1])}
    sides = list(dict.fromkeys(evidence["side"]))
    files = category_colours(["files"])["files"]
    handles = []
    for i, side in enumerate(sides):
        part = shown[shown["side"] == side]
        colour = country_colour(side) if side else files
        # Bases side by side within a claim's row, so that equal values do not hide each other.
        dy = (i - (len(sides) - 1) / 2) * 0.22
        for verdict, marker in (("holds", "o"), ("does not hold", "X")):
            sel = part[part["verdict"] == verdict]
            pct = 100 * sel["measured"].astype(float) / sel["value"].astype(float)
            ys = [row[c] + dy for c in sel["claim_id"]]
            # Far-off values (a growth rate several times the claimed one) sit at the edge,
            # labelled, so that the claims near 100% keep a readable scale.
            ax.scatter(pct.clip(*_CLAIM_RANGE), ys, color=colour, marker=marker, s=55,
                       zorder=3, gid=f"{side or 'files'} {verdict}")  # fmt: skip
            for p, yi in zip(pct, ys, strict=True):
                if not _CLAIM_RANGE[0] <= p <= _CLAIM_RANGE[1]:
                    high = p > _CLAIM_RANGE[1]
                    ax.annotate(f"{p:,.0f}%", (_CLAIM_RANGE[high], yi),
                                xytext=(-8 if high else 8, 0), textcoords="offset points",
                                ha="right" if high else "left", va="center", fontsize=8,
                                color="#333333")  # fmt: skip
        label = f"{text.possessive(country_name(side))} figures" if side else "The files given"
        handles.append(Line2D([], [], color=colour, marker="s", linestyle="", label=label))
    handles += [
        Line2D([], [], color="#555555", marker=m, linestyle="", label=v)
        for m, v in (("o", "Holds on that basis"), ("X", "Does not hold on it"))
    ]
    ax.axvline(100, color="#333333", linewidth=1)
    ax.set_xlim(_CLAIM_RANGE[0] - 5, _CLAIM_RANGE[1] + 5)
    ax.set_yticks(list(row.values()), list(row))
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.legend(handles=handles, fontsize=8, frameon=False, ncols=2, loc="lower left",
              bbox_to_anchor=(0, 1.0))  # fmt: skip
    ax.set_xlabel("Measured as % of the claimed value (100%: as claimed)")
    ax.set_title(f"{len(order)} claims against the data, by whose figures are used", pad=44)
    fig = ax.get_figure()
    add_source_line(fig, citation(["imf_dots_all"]))
    return fig
