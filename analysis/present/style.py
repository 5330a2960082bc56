"""The suite's look: theme, one fixed colour per country, deterministic figure files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

from analysis import data
from analysis.config import output_dir

OTHER_COLOUR = "#BBBBBB"
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


# Beside a chart whose texts collide: the list of collisions.
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
        problems = layout_problems(fig)
    # Colliding text is listed beside the chart (the report's tests require none), not
    # printed: a warning would show on the page.
    if problems:
        note = folder / f"{name}{LAYOUT_SUFFIX}"
        note.write_text(json.dumps(problems, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths
