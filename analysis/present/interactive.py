"""Draw interactive views for the report's pages: hover values, legend toggles, treemaps.

A view is a Plotly figure, kept as plain JSON, that the reader's browser draws with the
plotly.js shipped beside the pages (:data:`PLOTLY_JS`, copied from the installed
``plotly`` package by :func:`write_plotly_js`): nothing is fetched from a network. The
static PNG and SVG charts (:mod:`analysis.present.charts`) stay for print; a view shows
the same data, in the same colours (:mod:`analysis.present.style`), for readers who want
the values. Text from data is escaped before it reaches Plotly, which reads a few HTML
tags in labels.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.data import country_name
from analysis.errors import require_columns
from analysis.present import style, text

#: The file name of plotly.js beside the pages that hold a view.
PLOTLY_JS = "plotly.min.js"
#: The class of a view's box on a page; :func:`page_needs_plotly` looks for it.
VIEW_CLASS = "bt-view"
# Hover values, zoom and legend toggles; no Plotly logo, no link to its cloud editor.
_CONFIG = {
    "responsive": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
_FONT = {"family": "DejaVu Sans, Verdana, sans-serif", "size": 13}
_HOVER_VALUE = "<b>%{fullData.name}</b><br>%{x}: %{customdata}<extra></extra>"


@dataclass(frozen=True)
class View:
    """An interactive figure: its name (unique on a page), Plotly data and layout, height."""

    name: str
    figure: dict[str, Any]
    height_px: int = 460

    def __post_init__(self) -> None:
        # The name becomes an HTML id and a JavaScript string: letters, digits, _ and - only.
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.name):
            raise ValueError(f"a view's name is letters, digits, _ and -, not {self.name!r}")

    def to_json(self) -> str:
        """Return the figure as JSON for a ``<script>``: keys sorted, ``<`` escaped.

        Returns
        -------
        str
            The JSON text; ``NaN`` becomes ``null`` (a gap in a line).
        """
        body = json.dumps(_no_nan(self.figure), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, allow_nan=False)  # fmt: skip
        # "</script>" or "<!--" in a label must not end the script element.
        return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def to_html(self) -> str:
        """Return the view's box and the script that draws it (plotly.js loaded by the page).

        Returns
        -------
        str
            A ``<div>`` of class :data:`VIEW_CLASS` and an inline ``<script>``.
        """
        box = f"view-{self.name}"
        config = json.dumps(_CONFIG, sort_keys=True)
        return (
            f'<div class="{VIEW_CLASS}" id="{box}" style="width:100%;height:{self.height_px}px">'
            f"</div>\n<script>(function(){{var f={self.to_json()};"
            f'Plotly.newPlot("{box}",f.data,f.layout,{config});}})();</script>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        # JupyterLab draws Plotly's own type; a page built by nbconvert takes the HTML.
        return {"application/vnd.plotly.v1+json": _no_nan(self.figure), "text/html": self.to_html()}


def _no_nan(value: Any) -> Any:
    """Replace NaN and infinite floats (anywhere in a figure) by ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return value


def tint(colour: str, white: float = 0.45) -> str:
    """Return a colour mixed with white.

    Parameters
    ----------
    colour
        A ``#rrggbb`` colour.
    white
        The share of white, from 0 (the colour) to 1 (white).

    Returns
    -------
    str
        The mixed ``#rrggbb`` colour.

    Examples
    --------
    >>> tint("#000000", 0.5), tint("#E69F00", 0)
    ('#808080', '#e69f00')
    """
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


def _label(value: object) -> str:
    """Escape text from data for a Plotly label (Plotly reads ``<b>``, ``<a href>``, ...)."""
    return html.escape(text.one_line(value), quote=False)


def _amounts(values: pd.Series) -> dict[str, Any]:
    """Return a series of US$ amounts as a trace's points: gaps where missing, US$ on hover."""
    return {
        "y": [None if pd.isna(v) else float(v) for v in values],
        "customdata": ["no figure" if pd.isna(v) else text.usd(float(v)) for v in values],
        "hovertemplate": _HOVER_VALUE,
    }


def _layout(title: str, *, yaxis: dict[str, Any], xaxis: dict[str, Any] | None = None,
            legend_rows: int = 1) -> dict[str, Any]:  # fmt: skip
    """Return the layout the suite's views share: title, plain background, legend on top."""
    return {
        "title": {"text": _label(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
        "font": _FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "margin": {"l": 70, "r": 20, "t": 60 + 22 * legend_rows, "b": 50},
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "xaxis": {"showgrid": False, "linecolor": "#444", **(xaxis or {})},
        "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False, **yaxis},
    }


def both_reporters(df: pd.DataFrame, *, name: str = "both_reporters") -> View:
    """Draw a pair's exports and imports year by year as each side reports them, interactively.

    Parameters
    ----------
    df
        Output of :func:`analysis.measures.bilateral.both_reporters` (or
        :func:`analysis.measures.pair.both_sides`): ``year``, ``exports_usd``,
        ``imports_usd``, ``reporter_iso3``; the first reporter's own figures first.
    name
        The view's name on its page.

    Returns
    -------
    View
        Four lines, as :func:`analysis.present.charts.plot_both_reporters` draws them: each
        flow in its exporter's colour, the first reporter's figures solid and the other's
        dashed, a missing year a gap; a log value axis; the value in US$ on hover.
    """
    require_columns(df, ["year", "exports_usd", "imports_usd", "reporter_iso3"], "both_reporters")
    reporters = list(dict.fromkeys(df["reporter_iso3"]))
    a, b = reporters[0], reporters[-1]
    years = list(range(int(df["year"].min()), int(df["year"].max()) + 1))
    traces = []
    mine = text.possessive(country_name(a))
    flows = (("exports_usd", a, "exports to"), ("imports_usd", b, "imports from"))
    for col, exporter, verb in flows:
        for reporter, dash in zip(reporters, ("solid", "dash"), strict=False):
            rows = df[df["reporter_iso3"] == reporter].set_index("year")[col].reindex(years)
            theirs = text.possessive(country_name(reporter))
            whose = "own figures" if reporter == a else f"{theirs} figures"
            label = f"{mine} {verb} {country_name(b)} ({whose})"
            traces.append({
                "type": "scatter", "mode": "lines", "name": _label(label), "x": years,
                **_amounts(rows),
                "line": {"color": style.country_colour(exporter), "dash": dash, "width": 2},
                "connectgaps": False,
            })  # fmt: skip
    title = (
        f"{country_name(a)}–{country_name(b)} trade as each side reports it, {years[0]}–{years[-1]}"
    )
    layout = _layout(title, yaxis={"type": "log", "title": {"text": "log scale"},
                                   "tickprefix": "US$"},
                     legend_rows=2)  # fmt: skip
    return View(name, {"data": traces, "layout": layout})


def trade_by_period(
    df: pd.DataFrame, *, reporter: str, partner: str, title: str, name: str = "trade_by_period"
) -> View:
    """Draw exports, imports and the balance by period (fiscal or calendar year), interactively.

    Parameters
    ----------
    df
        ``period`` (its label), ``exports_usd``, ``imports_usd``, ``balance_usd``; one row
        per period, in order. A missing period is left out of the axis, not joined.
    reporter, partner
        ISO3 codes: exports are drawn in the reporter's colour, imports in the partner's.
    title
        What the view shows.
    name
        The view's name on its page.

    Returns
    -------
    View
        Two bar series and the balance as a line, values in US$ on hover; a click on a
        legend entry hides or shows its series.
    """
    require_columns(df, ["period", "exports_usd", "imports_usd", "balance_usd"], "trade_by_period")
    periods = [_label(p) for p in df["period"]]
    my, them = text.possessive(country_name(reporter)), country_name(partner)
    series = [
        ("exports_usd", f"{my} exports to {them}", style.country_colour(reporter), "bar"),
        ("imports_usd", f"{my} imports from {them}", style.country_colour(partner), "bar"),
        ("balance_usd", f"{my} balance", style.BALANCE_COLOUR, "scatter"),
    ]
    traces = []
    for col, label, colour, kind in series:
        trace = {"type": kind, "name": _label(label), "x": periods,
                 **_amounts(df[col].astype("float64"))}  # fmt: skip
        if kind == "bar":
            trace["marker"] = {"color": colour}
        else:
            trace.update(mode="lines+markers", line={"color": colour, "width": 2})
        traces.append(trace)
    layout = _layout(title, yaxis={"tickprefix": "US$", "zeroline": True},
                     xaxis={"type": "category"})  # fmt: skip
    layout["barmode"] = "group"
    return View(name, {"data": traces, "layout": layout})


def product_treemap(
    df: pd.DataFrame, *, title: str, colour: str, name: str, group: str = "group"
) -> View:
    """Draw one flow's products as a treemap, OEC-style: a tile per product inside its group.

    Parameters
    ----------
    df
        ``label`` (the product's name), ``value_usd`` and, optionally, a ``group``
        column (an HS section) the tiles sit in; one row per product.
    title
        What the view shows.
    colour
        The flow's colour (its exporter's): the groups are drawn in it, lighter inside.
    name
        The view's name on its page.
    group
        The column of the groups; without it every tile sits at the top.

    Returns
    -------
    View
        A treemap: each tile's value in US$ and its share of the flow on hover, a click
        opens a group.
    """
    require_columns(df, ["label", "value_usd"], "product_treemap")
    rows = df[df["value_usd"] > 0]
    total = float(rows["value_usd"].sum())
    grouped = group in rows.columns
    if grouped:
        rows = rows.assign(**{group: rows[group].fillna("Not classified").astype(str)})
    # Ids by position, not labels, tie a tile to its group: names may repeat or hold a "/".
    ids, labels, parents, values = [], [], [], []
    group_id = {}
    if grouped:
        for i, (g, part) in enumerate(rows.groupby(group, sort=True)):
            group_id[g] = f"g{i}"
            ids.append(f"g{i}")
            labels.append(_label(g))
            parents.append("")
            values.append(float(part["value_usd"].sum()))
    for i, r in enumerate(rows.itertuples(index=False)):
        ids.append(f"p{i}")
        labels.append(_label(r.label))
        parents.append(group_id[getattr(r, group)] if grouped else "")
        values.append(float(r.value_usd))
    shares = [text.pct(v / total, 1) if total else "" for v in values]
    trace = {
        "type": "treemap", "ids": ids, "labels": labels, "parents": parents, "values": values,
        "branchvalues": "total",
        "customdata": [[text.usd(v), s] for v, s in zip(values, shares, strict=True)],
        "hovertemplate": "<b>%{label}</b><br>%{customdata[0]}, %{customdata[1]} of the flow"
                         "<extra></extra>",
        "texttemplate": "%{label}<br>%{customdata[1]}",
        # Groups in the flow's colour, their products a lighter shade of it.
        "marker": {"colors": [colour if p == "" else tint(colour) for p in parents],
                   "line": {"color": "white", "width": 1}},
        "tiling": {"packing": "squarify"}, "maxdepth": 2,
    }  # fmt: skip
    layout = _layout(title, yaxis={})
    layout["margin"] = {"l": 5, "r": 5, "t": 50, "b": 5}
    return View(name, {"data": [trace], "layout": layout}, height_px=520)


def page_needs_plotly(page_html: str) -> bool:
    """Tell whether a page holds a view, and so needs plotly.js beside it.

    Parameters
    ----------
    page_html
        A rendered page.

    Returns
    -------
    bool
        ``True`` when the page holds a box of class :data:`VIEW_CLASS`.
    """
    return f'class="{VIEW_CLASS}"' in page_html


def load_plotly(page_html: str) -> str:
    """Load plotly.js in a page's head, from the file beside it, when the page holds a view.

    Parameters
    ----------
    page_html
        A rendered page.

    Returns
    -------
    str
        The page, with ``<script src="plotly.min.js">`` before ``</head>`` if it needs it.
    """
    if not page_needs_plotly(page_html):
        return page_html
    script = f'<script src="{PLOTLY_JS}" charset="utf-8"></script>\n'
    return page_html.replace("</head>", script + "</head>", 1)


def write_plotly_js(folder: Path) -> Path:
    """Copy the installed package's plotly.js into a report folder.

    Parameters
    ----------
    folder
        The folder of the pages.

    Returns
    -------
    pathlib.Path
        The copied file, :data:`PLOTLY_JS`.
    """
    source = resources.files("plotly") / "package_data" / PLOTLY_JS
    target = folder / PLOTLY_JS
    with resources.as_file(source) as path:
        shutil.copyfile(path, target)
    return target
