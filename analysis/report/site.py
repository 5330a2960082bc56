"""Render the report's site: landing page, gallery, tables, data and sources, environment.

Every page is a static HTML file that opens from disk (no server, no network): the
landing page with the key figures and the claims verdicts, a gallery of every figure,
the publication tables, the notebooks, the data package and the build's environment.
The key figures are computed from the curated data by the case (its ``key_figures``
module, :func:`analysis.cases.for_folder`); nothing on the landing page is typed in by hand.
"""

from __future__ import annotations

import html
import platform
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

NAV_PLACEHOLDER = "<!--site-nav-->"
# Milestone categories marked on the landing chart: the ones about trade and the relationship.
# The package's own dependencies, listed first on the environment page.
KEY_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "statsmodels",
                "pyfixest", "nbclient", "nbconvert", "ipykernel")  # fmt: skip
MENU = (("index.html", "Overview"), ("gallery.html", "Figures"), ("tables.html", "Tables"),
        ("data.html", "Data and sources"), ("environment.html", "Environment"))  # fmt: skip
VERDICT_CLASSES = {
    "holds": "holds",
    "holds approximately": "approx",
    "does not hold": "fails",
    "cannot be checked with the data at hand": "unchecked",
}

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; line-height: 1.5;
       margin: 0; }
main.site { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
nav.site { background: #0b3d63; padding: 0.6rem 1.5rem; font-size: 0.95rem; }
nav.site a { color: #fff; margin-right: 1.2rem; text-decoration: none; }
nav.site a[aria-current] { font-weight: bold; text-decoration: underline; }
nav.site .pager { float: right; }
h1 { font-size: 1.9rem; margin-bottom: 0.3rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { flex: 1 1 15rem; border: 1px solid #ccc; border-radius: 6px; padding: 0.8rem 1rem; }
.card .value { font-size: 1.6rem; font-weight: bold; color: #0b3d63; }
.card .label { font-size: 0.9rem; color: #444; }
.card .detail { font-size: 0.85rem; color: #555; }
table.plain { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.plain th, table.plain td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem;
                                 text-align: left; vertical-align: top; }
.scroll { overflow-x: auto; }
table.publication { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
table.publication caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
table.publication th, table.publication td { border-bottom: 1px solid #ddd;
                                             padding: 0.25rem 0.6rem; text-align: left;
                                             white-space: nowrap; }
table.publication .wrap { white-space: normal; min-width: 24rem; }
table.publication thead th { border-bottom: 2px solid #333; vertical-align: bottom; }
table.publication .num { text-align: right; font-variant-numeric: tabular-nums;
                         white-space: nowrap; }
table.publication tfoot td { border-bottom: none; font-size: 0.8rem; color: #555;
                             white-space: normal; }
.verdict { display: inline-block; padding: 0 0.5rem; border-radius: 4px; color: #fff;
           white-space: nowrap; font-size: 0.85rem; }
.verdict.holds { background: #00795a; }
.verdict.approx { background: #1f6f9f; }
.verdict.fails { background: #b34700; }
.verdict.unchecked { background: #666; }
.gallery { display: flex; flex-wrap: wrap; gap: 1.2rem; }
.gallery figure { flex: 0 1 21rem; margin: 0; border: 1px solid #ddd; padding: 0.5rem; }
.gallery img { width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
img.key { max-width: 100%; height: auto; border: 1px solid #ddd; }
details { margin: 0.4rem 0 1rem; }
code { background: #f3f3f3; padding: 0 0.2rem; }
.small { font-size: 0.85rem; color: #555; }
code, a { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  main.site { padding: 0.8rem 0.8rem 2rem; }
  nav.site { padding: 0.5rem 0.8rem; }
  nav.site .pager { float: none; display: block; }
  /* A wide table scrolls inside its own box, not the page. */
  table.plain, table.publication { display: block; overflow-x: auto; max-width: 100%; }
}
"""


def esc(text: object) -> str:
    """Escape text for HTML (quotes included).

    Parameters
    ----------
    text
        Any value; it is converted to ``str``.

    Returns
    -------
    str
        The escaped text.
    """
    return html.escape(str(text), quote=True)


def nav(current: str, *, prev: tuple[str, str] | None = None,
        next_: tuple[str, str] | None = None) -> str:  # fmt: skip
    """Return the site's navigation bar, marking the current page.

    Parameters
    ----------
    current
        File name of the current page.
    prev, next_
        ``(file, title)`` of the previous and next notebook, on notebook pages.

    Returns
    -------
    str
        A ``<nav>`` element with its own styles, so that it also works on notebook pages.
    """
    mark = ' aria-current="page"'
    links = " ".join(
        f'<a href="{href}"{mark if href == current else ""}>{label}</a>' for href, label in MENU
    )
    pager = ""
    if prev or next_:
        parts = []
        if prev:
            parts.append(f'<a href="{esc(prev[0])}" title="{esc(prev[1])}">← previous</a>')
        if next_:
            parts.append(f'<a href="{esc(next_[0])}" title="{esc(next_[1])}">next →</a>')
        pager = f'<span class="pager">{" ".join(parts)}</span>'
    return f'<style>{CSS}</style>\n<nav class="site" aria-label="Report">{links}{pager}</nav>'


def layout(title: str, current: str, body: str) -> str:
    """Wrap a page's body in the site's HTML skeleton, styles and navigation.

    Parameters
    ----------
    title
        The page title (also its ``<h1>``).
    current
        The page's file name, for the navigation bar.
    body
        HTML of the page's content, after the heading.

    Returns
    -------
    str
        The whole page.
    """
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
</head>
<body>
{nav(current)}
<main class="site">
<h1>{esc(title)}</h1>
{body}
</main>
</body>
</html>
"""


def number(value: object) -> str:
    """Format a claimed or measured value with four significant digits ('' if missing)."""
    if value is None or value != value:
        return ""
    return f"{float(value):.4g}"


def _text_of(group: ET.Element) -> str:
    """Return the text a Matplotlib SVG group draws (written as a comment before its glyphs)."""
    return " ".join(
        html.unescape(node.text or "").strip() for node in group.iter() if node.tag is ET.Comment
    ).strip()


def describe_figure(svg: Path) -> tuple[str, str]:
    """Read a chart's title and a description for its alt text from its SVG file.

    Matplotlib writes every text of a chart as a comment in the SVG (even when glyphs
    are drawn as paths), in groups named by role: the axes' title, axis labels, legend
    entries, and the source line at the figure's level.

    Parameters
    ----------
    svg
        The chart's SVG file.

    Returns
    -------
    tuple of str
        The title and the alt text ("Chart: title. Vertical axis: …. Series: …. Source: …").
    """
    svg_ns = "{http://www.w3.org/2000/svg}"
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(svg, parser=parser).getroot()
    figure = root.find(f".//{svg_ns}g[@id='figure_1']")
    if figure is None:
        return svg.stem, f"Chart: {svg.stem.replace('_', ' ')}"
    titles, axis_labels, series, source = [], [], [], []
    for group in figure.findall(f"{svg_ns}g"):
        gid = group.get("id", "")
        if gid.startswith("text_"):
            source.append(_text_of(group))
        if not gid.startswith("axes_"):
            continue
        texts = [g for g in group.findall(f"{svg_ns}g") if g.get("id", "").startswith("text_")]
        if texts:
            # The title is the axes' last text: Matplotlib draws it after labels and notes.
            titles.append(_text_of(texts[-1]))
        for name, axis in (("Horizontal", "matplotlib.axis_1"), ("Vertical", "matplotlib.axis_2")):
            node = group.find(f"{svg_ns}g[@id='{axis}']")
            groups = [] if node is None else node.findall(f"{svg_ns}g")
            labels = [_text_of(g) for g in groups if g.get("id", "").startswith("text_")]
            if labels and labels[-1]:
                axis_labels.append(f"{name} axis: {labels[-1]}")
        legend = group.find(f"{svg_ns}g[@id='legend_1']")
        if legend is not None:
            series += [_text_of(g) for g in legend.iter(f"{svg_ns}g")
                       if g.get("id", "").startswith("text_")]  # fmt: skip
    title = "; ".join(t for t in titles if t) or svg.stem.replace("_", " ")
    parts = [f"Chart: {title}.", *(f"{a}." for a in axis_labels)]
    if series:
        parts.append("Series: " + ", ".join(dict.fromkeys(series)) + ".")
    parts += [s for s in source if s]
    return title, " ".join(" ".join(parts).split())


def _cards(facts: dict[str, Any]) -> str:
    return "\n".join(
        f'<div class="card"><div class="label">{esc(c["label"])}</div>'
        f'<div class="value">{esc(c["value"])}</div><div class="detail">{esc(c["detail"])}</div>'
        "</div>"
        for c in facts["cards"]
    )


def _verdict(verdict: str) -> str:
    return (
        f'<span class="verdict {VERDICT_CLASSES.get(verdict, "unchecked")}">{esc(verdict)}</span>'
    )


def _page_lists(pages: list[Any]) -> str:
    """Return the landing page's list of notebooks and of the site's other pages."""
    notebooks = "\n".join(
        f'<li><a href="{esc(p.html)}">{esc(p.title)}</a> <small>({esc(p.stem)})</small></li>'
        for p in pages
    )
    return f"""<h2>Notebooks</h2>
<ol>
{notebooks}
</ol>
<h2>More</h2>
<ul>
<li><a href="gallery.html">Every figure</a>, as PNG and SVG.</li>
<li><a href="tables.html">Every table</a>, as HTML, CSV and LaTeX.</li>
<li><a href="data.html">Data and sources</a>: each table, its fields, sources and licence.</li>
<li><a href="environment.html">The build's environment</a>: versions, data checksums, date.</li>
</ul>"""


def index_page(facts: dict[str, Any] | None, pages: list[Any], claims_page: str | None) -> str:
    """Return the landing page: key figures, claims verdicts, key chart, notebooks.

    Parameters
    ----------
    facts
        The case's key figures (its ``key_figures`` module); ``None`` for a folder of
        notebooks that is not a case's, whose landing page lists its notebooks only.
    pages
        The notebook pages (with ``stem``, ``title``, ``html``), in order.
    claims_page
        File name of the claims notebook's page, if there is one.

    Returns
    -------
    str
        The page. Every link on it is to a file of the report.
    """
    if facts is None:
        return layout("Report", "index.html", _page_lists(pages))
    counts = " ".join(f"{_verdict(v['verdict'])} {v['count']}" for v in facts["verdicts"])
    rows = "\n".join(
        f"<tr><td>{esc(c['claim_id'])}</td><td>{esc(c['statement'])}</td>"
        f"<td>{_verdict(c['verdict'])}</td><td>{esc(c['claimed'])}</td>"
        f"<td>{esc(c['measured'])}</td><td>{esc(c['unit'])}</td><td>{esc(c['period'])}</td></tr>"
        for c in facts["claims"]
    )
    more = f' The reasoning for each is in <a href="{esc(claims_page)}">the claims ledger</a>.'
    fig = facts["figure"]
    body = f"""<p>{esc(facts["intro"])} Every
number on this page is computed from the data in <code>data/</code> when the report is built;
each notebook was executed top to bottom in a fresh kernel.</p>
<h2>Key figures</h2>
<div class="cards">
{_cards(facts)}
</div>
<p><a href="figures/{fig}.png"><img class="key" src="figures/{fig}.png" width="900"
 alt="{esc(facts["figure_alt"])}"></a></p>
<h2>The claims at a glance</h2>
<p>{counts}.{more if claims_page else ""}</p>
<table class="plain">
<thead><tr><th>Claim</th><th>Statement</th><th>Verdict</th><th>Claimed</th><th>Measured</th>
<th>Unit</th><th>Period</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{_page_lists(pages)}"""
    return layout(facts["title"], "index.html", body)


def gallery_page(figures: list[dict[str, str]]) -> str:
    """Return the gallery: a thumbnail of every figure, linked to its PNG and SVG.

    Parameters
    ----------
    figures
        One dict per figure: ``name``, ``title``, ``alt``, ``page`` and ``page_title`` (the
        notebook or page that made it) and ``section`` (the heading it sits under).

    Returns
    -------
    str
        The page.
    """
    items = "\n".join(
        f'<figure><a href="figures/{esc(f["name"])}.png"><img src="figures/{esc(f["name"])}.png" '
        f'alt="{esc(f["alt"])}" width="336"></a>'
        f"<figcaption><strong>{esc(f['title'])}</strong><br>"
        f'From <a href="{esc(f["page"])}">{esc(f["page_title"])}</a>'
        f"{': ' + esc(f['section']) if f['section'] else ''}<br>"
        f'<a href="figures/{esc(f["name"])}.png">PNG</a> · '
        f'<a href="figures/{esc(f["name"])}.svg">SVG</a> · <code>{esc(f["name"])}</code>'
        "</figcaption></figure>"
        for f in figures
    )
    body = f"""<p>{len(figures)} charts. Click a chart for the full-size PNG; the SVG scales to
any size. Countries keep their colours in every chart (Okabe–Ito colour-blind-safe palette);
each chart names its sources under it.</p>
<div class="gallery">
{items}
</div>"""
    return layout("Figures", "gallery.html", body)


def tables_page(tables: list[dict[str, str]], folder: Path) -> str:
    """Return the tables page: each publication table, with CSV and LaTeX downloads.

    Parameters
    ----------
    tables
        One dict per table: ``name``, ``page`` and ``page_title``.
    folder
        The report's ``tables/`` folder, holding each table's HTML fragment.

    Returns
    -------
    str
        The page; long tables start folded.
    """
    parts = []
    for t in tables:
        name = t["name"]
        fragment = (folder / f"{name}.html").read_text(encoding="utf-8")
        rows = fragment.count("<tr") - 2
        parts.append(
            f'<h2 id="{esc(name)}"><code>{esc(name)}</code></h2>\n'
            f'<p class="small">From <a href="{esc(t["page"])}">{esc(t["page_title"])}</a> · '
            f'<a href="tables/{esc(name)}.csv">CSV</a> · <a href="tables/{esc(name)}.tex">LaTeX</a>'
            f"</p>\n<details{' open' if rows <= 25 else ''}><summary>Show the table</summary>\n"
            f'<div class="scroll">{fragment}</div>\n</details>'
        )
    body = (
        "<p>Publication tables: units in the column labels, numbers formatted, the sources "
        "under each table. The CSV files open safely in a spreadsheet (a text cell starting "
        "with =, +, − or @ is prefixed with an apostrophe); the LaTeX files use booktabs.</p>\n"
        + "\n".join(parts)
    )
    return layout("Tables", "tables.html", body)


def _constraints(field: dict[str, Any]) -> str:
    """Summarise a Table Schema field's constraints in words."""
    out = []
    for key, value in field.get("constraints", {}).items():
        if key == "required" and value:
            out.append("required")
        elif key == "enum":
            out.append("one of " + ", ".join(map(str, value)))
        elif key != "required":
            out.append(f"{key} {value}")
    return "; ".join(out)


def data_page(package: dict[str, Any]) -> str:
    """Return the "Data and sources" page, generated from the data package descriptor.

    Parameters
    ----------
    package
        The parsed ``data/datapackage.json``.

    Returns
    -------
    str
        The page: the package's licence, then each table with its fields, sources and
        licences.
    """
    licences = ", ".join(
        f'<a href="{esc(lic["path"])}">{esc(lic.get("title", lic["name"]))}</a>'
        if lic.get("path") else esc(lic.get("title", lic["name"]))
        for lic in package.get("licenses", [])
    )  # fmt: skip
    toc = ", ".join(
        f'<a href="#{esc(r["name"])}">{esc(r["name"])}</a>' for r in package["resources"]
    )
    sections = []
    for res in package["resources"]:
        fields = "\n".join(
            f"<tr><td><code>{esc(f['name'])}</code></td><td>{esc(f.get('type', ''))}</td>"
            f"<td>{esc(f.get('unit', ''))}</td><td>{esc(f.get('description', ''))}</td>"
            f"<td>{esc(_constraints(f))}</td></tr>"
            for f in res["schema"]["fields"]
        )
        sources = (
            "\n".join(
                f"<li>{esc(s['title'])}"
                + (f' — <a href="{esc(s["path"])}">{esc(s["path"])}</a>' if s.get("path") else "")
                + f" (accessed {esc(s.get('date_accessed', '?'))}; "
                f"licence {esc(s.get('licence', '?'))})</li>"
                for s in res.get("sources", [])
            )
            or "<li>Compiled for this project (no outside source).</li>"
        )
        res_licences = ", ".join(
            esc(lic.get("title", lic["name"])) for lic in res.get("licenses", [])
        )
        key = res["schema"].get("primaryKey")
        sections.append(
            f'<h2 id="{esc(res["name"])}">{esc(res.get("title", res["name"]))}</h2>\n'
            f"<p><code>data/{esc(res['path'])}</code> · {esc(res.get('bytes', '?'))} bytes · "
            f"<code>{esc(res.get('hash', ''))}</code></p>\n"
            f"<p>{esc(res.get('description', ''))}</p>\n"
            f"<p><strong>Licence:</strong> {res_licences or 'see the sources'}"
            + (f" · <strong>Key:</strong> {esc(', '.join(key))}" if key else "")
            + f"</p>\n<h3>Sources</h3>\n<ul>\n{sources}\n</ul>\n"
            f"<details><summary>Fields ({len(res['schema']['fields'])})</summary>\n"
            '<table class="plain"><thead><tr><th>Field</th><th>Type</th><th>Unit</th>'
            f"<th>Description</th><th>Constraints</th></tr></thead>\n<tbody>\n{fields}\n"
            "</tbody></table></details>"
        )
    body = (
        f"<p><strong>{esc(package.get('title', ''))}.</strong> "
        f"{esc(package.get('description', ''))}</p>\n"
        f"<p><strong>Licence of the compilation:</strong> {licences}.</p>\n"
        f"<p>{len(package['resources'])} tables: {toc}.</p>\n" + "\n".join(sections)
    )
    return layout("Data and sources", "data.html", body)


def environment(checksums: dict[str, str]) -> dict[str, Any]:
    """Describe the build's environment: Python, platform, package versions, data, date.

    Parameters
    ----------
    checksums
        SHA-256 of each data file, by file name.

    Returns
    -------
    dict
        ``python``, ``platform``, ``date`` (UTC, to the second), ``packages`` (name and
        version of every installed distribution, the package's own dependencies first)
        and ``checksums``.
    """
    installed = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            installed.setdefault(name.lower(), dist.version)
    keys = [p for p in KEY_PACKAGES if p in installed]
    others = sorted(set(installed) - set(keys))
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "packages": [(p, installed[p]) for p in keys + others],
        "key_packages": keys,
        "checksums": checksums,
    }


def environment_page(env: dict[str, Any], jobs: Iterable[tuple[str, str, bool]]) -> str:
    """Return the environment page: versions, data checksums, date and cache use.

    Parameters
    ----------
    env
        Output of :func:`environment`.
    jobs
        ``(name, cache key, reused)`` for each notebook and the key figures.

    Returns
    -------
    str
        The page.
    """
    key_set = set(env["key_packages"])
    packages = "\n".join(
        f"<tr><td>{'<strong>' if p in key_set else ''}{esc(p)}{'</strong>' if p in key_set else ''}"
        f"</td><td>{esc(v)}</td></tr>"
        for p, v in env["packages"]
    )
    checksums = "\n".join(
        f"<tr><td><code>data/{esc(n)}</code></td><td><code>{esc(h)}</code></td></tr>"
        for n, h in sorted(env["checksums"].items())
    )
    runs = "\n".join(
        f"<tr><td>{esc(n)}</td><td><code>{esc(k[:16])}</code></td>"
        f"<td>{'reused from the cache' if reused else 'executed'}</td></tr>"
        for n, k, reused in jobs
    )
    body = f"""<table class="plain">
<tr><th>Built</th><td>{esc(env["date"])}</td></tr>
<tr><th>Python</th><td>{esc(env["python"])}</td></tr>
<tr><th>Platform</th><td>{esc(env["platform"])}</td></tr>
</table>
<h2>This build</h2>
<p>A notebook is executed again only when its inputs change: the notebook, the package code,
the data files or the build parameters (their SHA-256 is the cache key).</p>
<table class="plain"><thead><tr><th>Step</th><th>Cache key</th><th>Result</th></tr></thead>
<tbody>
{runs}
</tbody></table>
<h2>Data checksums (SHA-256)</h2>
<table class="plain"><tbody>
{checksums}
</tbody></table>
<h2>Packages</h2>
<p>The report's own dependencies in bold, then every installed package.</p>
<table class="plain"><thead><tr><th>Package</th><th>Version</th></tr></thead><tbody>
{packages}
</tbody></table>"""
    return layout("Build environment", "environment.html", body)
