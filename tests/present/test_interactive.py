"""Issue 17: interactive views hold the data, the suite's colours and escaped text."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.data import country_name
from analysis.errors import DataError
from analysis.present import interactive, style


def both_sides() -> pd.DataFrame:
    # Korea's own figures for 2000-2002 (2001 missing), the USA's for 2000-2002.
    return pd.DataFrame(
        {
            "reporter_iso3": ["KOR", "KOR", "USA", "USA", "USA"],
            "year": [2000, 2002, 2000, 2001, 2002],
            "exports_usd": [4e9, 5e9, 4.2e9, 4.4e9, 5.3e9],
            "imports_usd": [3e9, 3.5e9, 2.8e9, np.nan, 3.3e9],
        }
    )


def test_both_reporters_draws_each_flow_in_its_exporters_colour_with_gaps():
    view = interactive.both_reporters(both_sides())
    traces = view.figure["data"]
    assert len(traces) == 4
    colours = [t["line"]["color"] for t in traces]
    kor, usa = style.country_colour("KOR"), style.country_colour("USA")
    assert colours == [kor, kor, usa, usa]
    assert [t["line"]["dash"] for t in traces] == ["solid", "dash", "solid", "dash"]
    korea_exports = traces[0]
    assert korea_exports["x"] == [2000, 2001, 2002]
    # The year Korea does not give is a gap, not a joined line.
    assert korea_exports["y"] == [4e9, None, 5e9] and korea_exports["connectgaps"] is False
    assert korea_exports["customdata"] == ["US$4.0 billion", "no figure", "US$5.0 billion"]
    assert "(own figures)" in korea_exports["name"]
    korea, usa_name = country_name("KOR"), country_name("USA")
    assert traces[1]["name"] == f"{korea}'s exports to {usa_name} ({usa_name}'s figures)"
    assert view.figure["layout"]["yaxis"]["type"] == "log"


def test_trade_by_period_keeps_flow_colours_and_the_balance():
    df = pd.DataFrame(
        {
            "period": ["FY2020-21", "FY2021-22"],
            "exports_usd": [4e9, 6e9],
            "imports_usd": [1e10, np.nan],
            "balance_usd": [-6e9, np.nan],
        }
    )
    view = interactive.trade_by_period(df, reporter="IND", partner="JPN", title="t")
    exports, imports, balance = view.figure["data"]
    assert exports["marker"]["color"] == style.country_colour("IND")
    assert imports["marker"]["color"] == style.country_colour("JPN")
    assert balance["line"]["color"] == style.BALANCE_COLOUR
    assert imports["y"] == [1e10, None] and balance["customdata"][0] == "−US$6.0 billion"
    assert view.figure["layout"]["xaxis"]["type"] == "category"


def products() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["84 Machinery", "85 Electrical machinery", "27 Fuels", "Fuels", "Empty"],
            "section": ["Machinery", "Machinery", "Fuels", "Fuels", "Fuels"],
            "value_usd": [6e9, 2e9, 1e9, 1e9, 0.0],
        }
    )


def test_treemap_groups_add_up_and_ids_are_unique():
    view = interactive.product_treemap(
        products(), title="t", colour="#0072B2", name="x", group="section"
    )
    tree = view.figure["data"][0]
    assert len(set(tree["ids"])) == len(tree["ids"])
    # Every parent is a tile, and each group's value is the sum of its products'.
    assert set(tree["parents"]) - {""} <= set(tree["ids"])
    by_label = dict(zip(tree["labels"], tree["values"], strict=False))
    assert by_label["Machinery"] == 8e9
    groups = {i: v for i, p, v in zip(tree["ids"], tree["parents"], tree["values"], strict=True)
              if p == ""}  # fmt: skip
    for gid, total in groups.items():
        children = [v for p, v in zip(tree["parents"], tree["values"], strict=True) if p == gid]
        assert sum(children) == total
    # A zero tile is left out; a product named like its group is a tile of its own.
    assert tree["labels"].count("Fuels") == 2 and "Empty" not in tree["labels"]
    assert tree["branchvalues"] == "total"
    at = tree["labels"].index("Machinery")
    assert tree["customdata"][at] == ["US$8.0 billion", "80.0%"]
    groups = [c for c, p in zip(tree["marker"]["colors"], tree["parents"], strict=True) if p == ""]
    assert set(groups) == {"#0072B2"} and interactive.tint("#0072B2") in tree["marker"]["colors"]


def test_treemap_without_groups_puts_every_tile_at_the_top():
    tree = interactive.product_treemap(
        products().drop(columns="section"), title="t", colour="#000000", name="x"
    ).figure["data"][0]
    assert set(tree["parents"]) == {""} and len(tree["labels"]) == 4


def test_a_view_refuses_a_table_without_its_columns():
    with pytest.raises(DataError, match="value_usd"):
        interactive.product_treemap(pd.DataFrame({"label": ["a"]}), title="t", colour="#000000",
                                    name="x")  # fmt: skip


HOSTILE = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())


@given(label=HOSTILE)
def test_text_from_data_cannot_end_the_script_or_become_a_tag(label):
    df = pd.DataFrame({"label": [label, "</script><script>alert(1)</script>"],
                       "value_usd": [1.0, 2.0]})  # fmt: skip
    view = interactive.product_treemap(df, title=label, colour="#000000", name="x")
    body = view.to_json()
    assert "<" not in body and ">" not in body
    figure = json.loads(body)
    # Plotly reads a few tags in labels: they arrive escaped, as text.
    assert all("<" not in lab for lab in figure["data"][0]["labels"])
    assert figure == interactive._no_nan(view.figure)


def test_the_same_view_gives_the_same_bytes_and_no_nan():
    first = interactive.both_reporters(both_sides()).to_html()
    assert first == interactive.both_reporters(both_sides()).to_html()
    assert "NaN" not in first and 'class="bt-view"' in first
    assert "Plotly.newPlot(" in first


def test_pages_with_a_view_load_the_shipped_plotly(tmp_path):
    page = "<html><head></head><body>" + interactive.both_reporters(both_sides()).to_html()
    loaded = interactive.load_plotly(page + "</body></html>")
    assert '<script src="plotly.min.js" charset="utf-8"></script>\n</head>' in loaded
    plain = "<html><head></head><body>no view</body></html>"
    assert interactive.load_plotly(plain) == plain
    js = interactive.write_plotly_js(tmp_path)
    assert js.name == "plotly.min.js" and js.stat().st_size > 1_000_000
    assert b"plotly.js v" in js.read_bytes()[:2000]


def test_a_product_without_a_group_sits_in_a_group_of_its_own():
    df = products().assign(section=[None, "Machinery", "Fuels", "Fuels", "Fuels"])
    tree = interactive.product_treemap(df, title="t", colour="#000000", name="x",
                                       group="section").figure["data"][0]  # fmt: skip
    assert "Not classified" in tree["labels"]
    assert set(tree["parents"]) - {""} <= set(tree["ids"])


def test_a_view_name_cannot_carry_markup():
    with pytest.raises(ValueError, match="letters, digits"):
        interactive.View('x" onload="alert(1)', {"data": [], "layout": {}})
