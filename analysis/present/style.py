"""The suite's look: theme, one fixed colour per country, deterministic figure files."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from analysis import data
from analysis.config import output_dir

OTHER_COLOUR = "#BBBBBB"
# Paul Tol's green, olive and wine, and grey: hues no country has in the colour register.
VERDICT_COLOURS = {
    "holds": "#117733",
    "holds approximately": "#999933",
    "does not hold": "#882255",
    "cannot be checked with the data at hand": "#999999",
    "cannot be checked": "#999999",
}
# Paul Tol's "muted" scheme (colour-blind safe): for series that are not countries
# (categories, bases, product sections), in hues no country has in ``country_colours``.
CATEGORY_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
                    "#CC6677", "#882255", "#AA4499")  # fmt: skip
BALANCE_COLOUR = "#333333"
SOURCE_FONT_SIZE = 8
_RC = {
    "font.family": "DejaVu Sans",
    "svg.hashsalt": "bilateral-trade-suite",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.figsize": (8.0, 4.8),
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


@cache
def country_colours() -> dict[str, str]:
    """Return the fixed colour of each listed country (the ``country_colours`` register).

    Returns
    -------
    dict
        Code to hex colour.
    """
    table = data.load("country_colours")
    return dict(zip(table["iso3"], table["colour"], strict=True))


def country_colour(iso3: str) -> str:
    """Return the fixed colour of a country (grey for countries without one).

    Parameters
    ----------
    iso3
        Three-letter country code.

    Returns
    -------
    str
        A hex colour.

    Examples
    --------
    >>> country_colour("WLD"), country_colour("XXX")
    ('#555555', '#BBBBBB')
    """
    return country_colours().get(iso3, OTHER_COLOUR)


def category_colours(names: Iterable[object]) -> dict[object, str]:
    """Give each of a chart's series that is not a country a colour no country has.

    Parameters
    ----------
    names
        The series, in the order drawn; the scheme repeats after nine.

    Returns
    -------
    dict
        Series to hex colour, from :data:`CATEGORY_COLOURS`.

    Examples
    --------
    >>> category_colours(["a", "b"])
    {'a': '#332288', 'b': '#88CCEE'}
    """
    names = list(dict.fromkeys(names))
    return {n: CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)] for i, n in enumerate(names)}


def set_theme() -> None:
    """Apply the suite's theme (seaborn whitegrid, fixed fonts and SVG hash salt)."""
    sns.set_theme(style="whitegrid", context="notebook")
    mpl.rcParams.update(_RC)


def new_axes(ax: plt.Axes | None, *, figsize: tuple[float, float] | None = None) -> plt.Axes:
    """Return ``ax`` or, if it is ``None``, the axes of a new figure in the suite's theme.

    Parameters
    ----------
    ax
        Axes to draw on, or ``None``.
    figsize
        Size of a new figure in inches.

    Returns
    -------
    matplotlib.axes.Axes
        The axes to draw on.
    """
    if ax is not None:
        return ax
    set_theme()
    fig = Figure(figsize=figsize or _RC["figure.figsize"], layout="constrained")
    return fig.add_subplot()


def add_source_line(fig: Figure, text: str) -> None:
    """Write a source line under a figure's axes, in small grey type.

    Parameters
    ----------
    fig
        The figure.
    text
        The line, for example ``"Source: IMF Direction of Trade Statistics"``.
    """
    fig.supxlabel(text, x=0.01, ha="left", fontsize=SOURCE_FONT_SIZE, color="#555555", wrap=True)


# Beside a chart whose texts collide or whose legend misleads: the list of problems.
LAYOUT_SUFFIX = ".layout.json"


def layout_problems(fig: Figure, *, tolerance_px: float = 1.0) -> list[str]:
    """List the texts of a figure that collide with each other or leave the figure.

    Parameters
    ----------
    fig
        The figure, drawn as it will be saved.
    tolerance_px
        Overlap (in pixels each way) below which two boxes only touch.

    Returns
    -------
    list of str
        One line per problem, naming the texts (empty when the layout is clean).
    """
    from matplotlib.text import Text

    fig.draw_without_rendering()
    # An axis keeps labels for ticks outside its limits, which are not drawn.
    ticks, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            span = (hi - lo) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                ticks |= {id(tick.label1), id(tick.label2)}
                if lo - span <= tick.get_loc() <= hi + span:
                    drawn += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    texts = [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible()]
    texts = [t for t in [*texts, *drawn] if t.get_text().strip() and t.get_alpha() != 0]
    boxes = [(t, t.get_window_extent()) for t in texts]
    frame = fig.bbox
    problems = []
    for t, b in boxes:
        if (b.x0 < frame.x0 - tolerance_px or b.x1 > frame.x1 + tolerance_px
                or b.y0 < frame.y0 - tolerance_px or b.y1 > frame.y1 + tolerance_px):  # fmt: skip
            problems.append(f"{t.get_text()[:40]!r} leaves the figure")
    for i, (t, a) in enumerate(boxes):
        for u, b in boxes[i + 1 :]:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > tolerance_px and h > tolerance_px:
                problems.append(f"{t.get_text()[:40]!r} overlaps {u.get_text()[:40]!r}")
    return problems


# A legend entry that reads as a code or a series id (``us census``, ``baci``).
_RAW_ID = re.compile(r"[a-z0-9_ .-]+")


def _legend_entries(ax: plt.Axes) -> list[tuple[str, set[str], bool]]:
    """List what an axes' legend can show: each label, its colours, whether it drew data."""
    entries = []
    for line in ax.get_lines():
        values = list(line.get_ydata())
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
        # Categories on the value axis (text) count as drawn; only missing numbers do not.
        drew = bool(np.isfinite(numbers).any()) or any(isinstance(v, str) for v in values)
        entries.append((line.get_label(), {to_hex(line.get_color())}, drew))
    for bars in ax.containers:
        if isinstance(bars, BarContainer) and bars.get_label():
            sizes = [p.get_height() if bars.orientation == "vertical" else p.get_width()
                     for p in bars.patches]  # fmt: skip
            colours = {to_hex(p.get_facecolor()) for p in bars.patches}
            entries.append(
                (bars.get_label(), colours, any(np.isfinite(sizes) & (np.asarray(sizes) != 0)))
            )
    for coll in ax.collections:
        colours = {to_hex(c) for c in coll.get_facecolor()}
        entries.append((coll.get_label(), colours, len(coll.get_paths()) > 0))
    return [e for e in entries if e[0] and not e[0].startswith("_")]


@cache
def _country_words(iso3: str) -> tuple[str, ...]:
    """Return the words that name a country: its code, its names here and country_converter's."""
    from analysis.readers.formats import country_name as common_name

    codes = data.load("country_codes").set_index("iso3")["name"]
    names = [iso3, data.country_name(iso3), str(codes.get(iso3, iso3)), common_name(iso3)]
    # "Korea's exports" names the Republic of Korea: the last word of a long name counts.
    names += [n.split()[-1] for n in names if " " in n and len(n.split()[-1]) >= 4]
    return tuple(dict.fromkeys(names))


def _names(iso3: str, label: str) -> bool:
    """Tell whether a legend entry names a country (``Brazilian`` names Brazil)."""
    return any(re.search(rf"\b{re.escape(w)}", label) for w in _country_words(iso3))


def legend_problems(fig: Figure) -> list[str]:
    """List legend entries a reader would trip on: empty, codes, a country's colour misused.

    An entry drawn in the colour the ``country_colours`` register gives one country must
    name that country: "Korea's exports to the United States" may be in Korea's colour,
    "won" may not. An entry must draw something, and read as words, not as a code.

    Parameters
    ----------
    fig
        The figure.

    Returns
    -------
    list of str
        One line per problem (empty when every entry is sound).
    """
    owners: dict[str, list[str]] = {}
    for iso3, colour in country_colours().items():
        owners.setdefault(colour.lower(), []).append(iso3)
    shown = {t.get_text() for leg in fig.legends for t in leg.get_texts()}
    for ax in fig.axes:
        if ax.get_legend() is not None:
            shown |= {t.get_text() for t in ax.get_legend().get_texts()}
    problems = []
    for ax in fig.axes:
        for label, colours, drew in _legend_entries(ax):
            if label not in shown:
                continue
            if not drew:
                problems.append(f"legend entry {label[:40]!r} draws no data")
            if _RAW_ID.fullmatch(label):
                problems.append(f"legend entry {label[:40]!r} reads as a code, not words")
            for colour in sorted(colours):
                who = owners.get(colour.lower(), [])
                if len(who) == 1 and not _names(who[0], label):
                    problems.append(f"legend entry {label[:40]!r} is drawn in "
                                    f"{data.country_name(who[0])}'s colour")  # fmt: skip
    return problems


def save_figure(fig: Figure, name: str, out_dir: Path | None = None) -> list[Path]:
    """Save a figure as PNG and SVG, byte-identical from one build to the next.

    Parameters
    ----------
    fig
        The figure.
    name
        File name without extension (the chart's name).
    out_dir
        The report folder; ``figures/`` is created in it. Defaults to the report being built.

    Returns
    -------
    list of pathlib.Path
        The PNG and SVG files.
    """
    folder = (out_dir or output_dir()) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    with mpl.rc_context(_RC):
        fig.savefig(paths[0], metadata={"Software": None})
        fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
        problems = layout_problems(fig) + legend_problems(fig)
    # Colliding text is listed beside the chart (the report's tests require none), not
    # printed: a warning would show on the page.
    if problems:
        note = folder / f"{name}{LAYOUT_SUFFIX}"
        note.write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths
