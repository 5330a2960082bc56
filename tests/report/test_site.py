import csv
import re

import numpy as np
import pandas as pd
import pytest

from analysis import data
from analysis.present import charts, style
from analysis.present.tables import publication_table, safe_for_spreadsheets, save_table
from analysis.report import cache_key, inputs, notebooks, reusable
from analysis.report.site import describe_figure

EVENTS = pd.DataFrame(
    {
        "date": pd.to_datetime(["1991-06-01", "2011-02-16", "2014-09-01"]),
        "event": ["Too early", "Comprehensive Economic Partnership Agreement signed", "Visit"],
    }
)


def test_spreadsheet_formulas_are_neutralised_and_numbers_kept():
    df = pd.DataFrame({"text": ["=1+2", "+x", "-y", "@z", "plain", "\tt"], "value": [-1.5] * 6})
    out = safe_for_spreadsheets(df)
    assert out["text"].tolist() == ["'=1+2", "'+x", "'-y", "'@z", "plain", "'\tt"]
    assert out["value"].tolist() == [-1.5] * 6


def test_saved_table_has_csv_latex_and_html_with_units_and_source(tmp_path):
    df = pd.DataFrame(
        {
            "label": ["=SUM(A1)", "FY2020-21"],
            "exports_usd": [4.3e9, np.nan],
            "share": [0.125, 0.5],
            "year": [2019, 2020],
            "source_id": ["comtrade_ind_2019", None],
        }
    )
    path = save_table(df, "example", tmp_path)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[1][0] == "'=SUM(A1)" and rows[1][1] == "4300000000.0"
    html = (tmp_path / "tables" / "example.html").read_text(encoding="utf-8")
    tex = (tmp_path / "tables" / "example.tex").read_text(encoding="utf-8")
    for text in (html, tex):
        assert "Exports (US$ bn)" in text.replace("US\\$", "US$")
        assert "4.30" in text and "12.5" in text and "2019" in text and "2,019" not in text
        assert "Source: UN Comtrade, reporter India (2019)" in text
    assert "\\toprule" in tex and "source_id" not in tex
    # A fixed id: the same table gives the same bytes.
    assert publication_table(df, "example").as_raw_html() == html


def test_figure_description_names_title_axis_series_and_source(tmp_path):
    df = pd.DataFrame(
        {
            "year": [2010, 2011, 2010, 2011],
            "value_usd": [1e9, 2e9, 3e9, 4e9],
            "series": ["A & B", "A & B", "C", "C"],
            "source_id": "comtrade_ind_2019",
        }
    )
    fig = charts.plot_lines(df, x="year", y="value_usd", hue="series", scale=1e9,
                            title="Trade & more", ylabel="US$ billion")  # fmt: skip
    _, svg = style.save_figure(fig, "lines", tmp_path)
    title, alt = describe_figure(svg)
    assert title == "Trade & more"
    assert alt == (
        "Chart: Trade & more. Vertical axis: US$ billion. Series: A & B, C. "
        "Source: UN Comtrade, reporter India (2019)"
    )


def event_lines(ax):
    return {ln.get_gid(): ln.get_xdata()[0] for ln in ax.lines if "event" in str(ln.get_gid())}


def test_events_are_marked_on_a_year_axis_and_left_out_when_outside_it():
    df = pd.DataFrame({"year": [2008, 2016], "v": [1.0, 2.0], "s": "x", "source_id": "wdi_gdp"})
    ax = charts.plot_lines(df, x="year", y="v", hue="s", title="t", ylabel="y",
                           events=EVENTS).axes[0]  # fmt: skip
    lines = event_lines(ax)
    assert set(lines) == {"event 2011-02-16", "event 2014-09-01"}
    assert lines["event 2011-02-16"] == pytest.approx(2011 + 46 / 366)
    labels = [t.get_text() for t in ax.texts]
    assert "2011: Comprehensive Economic Partnership…" in labels and "2014: Visit" in labels


def test_events_fall_inside_their_fiscal_year_on_period_bars():
    df = pd.DataFrame(
        {
            "period": ["2010-11", "2011-12", "2014-15"],
            "exports_usd": [5e9, 6e9, 5e9],
            "imports_usd": [8e9, 12e9, 10e9],
            "balance_usd": [-3e9, -6e9, -5e9],
            "source_id": "dgcis_eidb_hs2",
        }
    )
    ax = charts.plot_trade_by_period(df, reporter="IND", partner="JPN", events=EVENTS).axes[0]
    lines = event_lines(ax)
    # February 2011 is late in FY2010-11 (bar 0); September 2014 early in FY2014-15 (bar 2).
    assert 0 < lines["event 2011-02-16"] < 0.5
    assert 1.5 < lines["event 2014-09-01"] < 2.0
    assert event_lines(charts.plot_trade_by_period(df, reporter="IND", partner="JPN").axes[0]) == {}


def test_cache_entries_follow_content_not_timestamps(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    table = folder / "t.csv"
    table.write_text("a\n1\n", encoding="utf-8")
    nb = notebooks()[0]
    first = inputs(folder)
    # An entry records the digest of each file its notebook read.
    entry = {"reads": {"code": {"data.py": first.code["data.py"]}, "data": dict(first.data)}}
    table.touch()
    assert reusable(entry, inputs(folder))
    table.write_text("a\n2\n", encoding="utf-8")
    assert not reusable(entry, inputs(folder))
    table.unlink()
    assert not reusable(entry, inputs(folder))
    # A notebook's key is its text and the parameters; the key figures' covers all data.
    assert cache_key(nb, inputs(folder)) == cache_key(nb, first)
    assert cache_key(None, inputs(folder)) != cache_key(None, first)


def test_landing_page_shows_key_figures_and_every_verdict(built_report):
    index = (built_report / "index.html").read_text(encoding="utf-8")
    assert "Key figures" in index and "The claims at a glance" in index
    assert index.count('class="card"') >= 4
    for claim_id in data.load("claims")["claim_id"]:
        assert f"<td>{claim_id}</td>" in index
    assert 'src="figures/key_trade_and_milestones.png"' in index


def test_gallery_has_every_figure_with_alt_text_png_and_svg(built_report):
    gallery = (built_report / "gallery.html").read_text(encoding="utf-8")
    names = sorted(p.stem for p in (built_report / "figures").glob("*.png"))
    assert names and gallery.count("<figure>") == len(names)
    for name in names:
        assert f'href="figures/{name}.svg"' in gallery
        alt = re.search(rf'<img src="figures/{name}\.png" alt="([^"]+)"', gallery)
        assert alt and alt.group(1).startswith("Chart: ") and "Source:" in alt.group(1), name


def test_data_page_lists_every_table_its_fields_and_sources(built_report):
    page = (built_report / "data.html").read_text(encoding="utf-8")
    package = data.package()
    for res in package["resources"]:
        assert f'id="{res["name"]}"' in page
        for field in res["schema"]["fields"]:
            assert f"<code>{field['name']}</code>" in page
        for src in res["sources"]:
            assert src["source_id"] and src["licence"] in page


def test_environment_page_has_versions_checksums_and_date(built_report):
    page = (built_report / "environment.html").read_text(encoding="utf-8")
    assert f"<td>{pd.__version__}</td>" in page
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", page)
    for name, digest in inputs().data.items():
        assert f"data/{name}" in page and digest in page


def test_every_table_is_exported_three_ways_and_safe_for_spreadsheets(built_report):
    folder = built_report / "tables"
    names = sorted(p.stem for p in folder.glob("*.csv"))
    page = (built_report / "tables.html").read_text(encoding="utf-8")
    for name in names:
        assert (folder / f"{name}.tex").is_file() and (folder / f"{name}.html").is_file()
        assert f'href="tables/{name}.tex"' in page
        for row in csv.reader((folder / f"{name}.csv").open(encoding="utf-8")):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (name, cell)
                assert not re.match(r"-[^0-9.]", cell), (name, cell)


def test_notebook_pages_work_offline_and_carry_the_menu(built_report):
    for nb in notebooks():
        page = (built_report / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert '<nav class="site"' in page and 'href="index.html"' in page
        assert not re.search(r'<script[^>]+src="https?:', page)
