import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.present import charts, style

HEADLINE = pd.DataFrame(
    {
        "label": ["Articles: 2020", "FY2020-21"],
        "exports_usd": [4.3e9, 4.4344e9],
        "imports_usd": [9.4e9, 10.92455e9],
        "balance_usd": [-5.1e9, -6.49015e9],
        "source_id": ["brief_claims", "dgcis_eidb_hs2"],
    }
)


def bars(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def source_line(fig):
    return fig._supxlabel.get_text()


def test_headline_bar_heights_equal_the_data_in_billions():
    fig = charts.plot_headline(HEADLINE, reporter="IND", partner="JPN")
    ax = fig.axes[0]
    for col in ["exports_usd", "imports_usd", "balance_usd"]:
        heights = [b.get_height() for b in bars(ax, col)]
        np.testing.assert_allclose(heights, HEADLINE[col] / 1e9)
    assert [t.get_text() for t in ax.get_xticklabels()] == HEADLINE.label.tolist()
    assert ax.get_ylabel() == "US$ billion"
    assert "India–Japan" in ax.get_title(loc="left")
    assert source_line(fig) == (
        "Source: claims of the 2022 explainer and 2020 USI commentary (project brief); "
        "Dept of Commerce India, EIDB / DGCI&S"
    )
    # Countries keep their colours: India's exports in India's, imports in Japan's.
    assert bars(ax, "exports_usd")[0].get_facecolor()[:3] == pytest.approx(
        tuple(int(style.country_colour("IND")[i : i + 2], 16) / 255 for i in (1, 3, 5))
    )


def test_chart_draws_on_the_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    out = charts.plot_headline(HEADLINE, reporter="IND", partner="JPN", ax=right)
    assert out is fig
    assert not left.patches and right.patches
    plt.close(fig)


def test_trade_by_period_shows_a_missing_year_as_a_gap():
    df = pd.DataFrame(
        {
            "period": ["2020-21", "2021-22", "2022-23"],
            "exports_usd": [4e9, np.nan, 5e9],
            "imports_usd": [10e9, np.nan, 17e9],
            "balance_usd": [-6e9, np.nan, -12e9],
            "source_id": ["dgcis_eidb_hs2", np.nan, "moc_pti_2025"],
        }
    )
    fig = charts.plot_trade_by_period(df, reporter="IND", partner="JPN")
    ax = fig.axes[0]
    np.testing.assert_allclose([b.get_height() for b in bars(ax, "imports_usd")], [10, np.nan, 17])
    line = next(ln for ln in ax.lines if ln.get_gid() == "balance_usd")
    np.testing.assert_allclose(line.get_ydata(), [-6, np.nan, -12])
    assert "no data" in [t.get_text() for t in ax.texts]
    assert "Ministry of Commerce India via PTI" in source_line(fig)


def test_partner_rank_highlights_the_partner_and_keeps_order():
    df = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "partner_iso3": ["USA", "CHN", "JPN"],
            "partner_name": ["USA", "China", "Japan"],
            "total_usd": [89e9, 85e9, 17.5e9],
            "source_id": "comtrade_ind_2019",
        }
    )
    fig = charts.plot_partner_rank(df, reporter="IND", highlight="JPN")
    ax = fig.axes[0]
    widths = [b.get_width() for b in bars(ax, "total_usd")]
    np.testing.assert_allclose(widths, [89, 85, 17.5])
    labels = {t.get_text(): t.get_fontweight() for t in ax.get_yticklabels()}
    assert labels["3. Japan"] == "bold" and labels["1. USA"] != "bold"
    assert ax.get_xlabel().endswith("US$ billion")


def rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def test_aid_by_donor_draws_the_largest_donors_in_their_colours():
    from matplotlib.colors import to_rgb

    rows = [
        (code, name, year, value)
        for code, name, values in [
            ("JPN", "Japan", [-82e6, 500e6, 1795e6]),
            ("GBR", "United Kingdom", [370e6, 600e6, 100e6]),
            ("FRA", "France", [10e6, None, 215e6]),
            ("ISL", "Iceland", [0.0, 0.1e6, 0.2e6]),
        ]
        for year, value in zip([2004, 2005, 2006], values, strict=True)
        if value is not None
    ]
    flows = pd.DataFrame(rows, columns=["donor_code", "donor_name", "year", "value_usd"])
    total = flows.groupby("year", as_index=False)["value_usd"].sum()
    df = pd.concat(
        [
            flows.assign(measure="net_bilateral_oda"),
            total.assign(donor_code="DAC", donor_name="All DAC donors", measure="dac_total"),
        ]
    ).assign(recipient_iso3="IND", source_id="wdi_dac_aid_ind")
    fig = charts.plot_aid_by_donor(df, n=3, highlight="JPN", window=(2005, 2006))
    ax = fig.axes[0]
    donors = [ln for ln in ax.lines if ln.get_gid() != "zero"]
    # The three largest by summed net flow, largest first; the DAC total is not a donor.
    assert [ln.get_gid() for ln in donors] == ["JPN", "GBR", "FRA"]
    assert [ln.get_label() for ln in donors] == ["Japan", "United Kingdom", "France"]
    colours = {ln.get_gid(): to_rgb(ln.get_color()) for ln in donors}
    assert colours["JPN"] == pytest.approx(rgb(style.country_colour("JPN")))
    assert colours["GBR"] == pytest.approx(rgb(style.country_colour("GBR")))
    assert colours["FRA"] == pytest.approx(rgb(style.OTHER_COLOUR))  # no colour of its own
    japan = flows[flows.donor_code == "JPN"].value_usd / 1e6
    np.testing.assert_allclose(donors[0].get_ydata(), japan)
    np.testing.assert_allclose(donors[2].get_ydata(), [10, np.nan, 215])  # a gap, not a zero
    zero = next(ln for ln in ax.lines if ln.get_gid() == "zero")
    assert list(zero.get_ydata()) == [0, 0]
    assert [p.get_gid() for p in ax.patches] == ["window"]
    assert ax.get_ylabel().startswith("US$ million")
    assert "India" in ax.get_title(loc="left")
    assert source_line(fig) == "Source: World Bank WDI from OECD DAC"


def test_charts_do_not_touch_pyplot_state():
    before = plt.get_fignums()
    fig = charts.plot_headline(HEADLINE, reporter="IND", partner="JPN")
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before


def test_missing_column_is_a_clear_error():
    from analysis.errors import DataError

    with pytest.raises(DataError, match="source_id: expected these columns"):
        charts.plot_headline(HEADLINE.drop(columns="source_id"), reporter="IND", partner="JPN")


def test_saved_figures_are_byte_identical(tmp_path):
    a = style.save_figure(
        charts.plot_headline(HEADLINE, reporter="IND", partner="JPN"), "h", tmp_path / "a"
    )
    b = style.save_figure(
        charts.plot_headline(HEADLINE, reporter="IND", partner="JPN"), "h", tmp_path / "b"
    )
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()


def test_potential_by_year_draws_both_directions_with_intervals_in_country_colours():
    years = [2012, 2016, 2020]
    df = pd.DataFrame(
        {
            "exporter_iso3": ["IND"] * 3 + ["JPN"] * 3,
            "importer_iso3": ["JPN"] * 3 + ["IND"] * 3,
            "year": years * 2,
            "ratio": [0.33, 0.33, 0.36, 0.35, 0.42, 0.50],
            "ratio_low": [0.30, 0.30, 0.33, 0.32, 0.38, 0.46],
            "ratio_high": [0.37, 0.37, 0.40, 0.39, 0.48, 0.56],
            "source_id": "imf_dots_all;cepii_geodist;wto_rta",
        }
    )
    fig = charts.plot_potential_by_year(df)
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.lines if ln.get_gid()}
    for exp, imp in [("IND", "JPN"), ("JPN", "IND")]:
        rows = df[df.exporter_iso3 == exp]
        line = lines[f"{exp}-{imp}"]
        np.testing.assert_allclose(line.get_xdata(), years)
        np.testing.assert_allclose(line.get_ydata(), rows.ratio)
        assert line.get_color() == style.country_colour(exp)
        (band,) = [c for c in ax.collections if c.get_gid() == f"{exp}-{imp}-interval"]
        ys = band.get_paths()[0].vertices[:, 1]
        assert ys.min() == pytest.approx(rows.ratio_low.min())
        assert ys.max() == pytest.approx(rows.ratio_high.max())
    assert lines["threshold"].get_ydata()[0] == 0.5
    assert any(list(ln.get_ydata()) == [1, 1] for ln in ax.lines)  # the "as predicted" line
    assert ax.get_yscale() == "log" and list(ax.get_xticks()) == years
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["India → Japan", "Japan → India"]
    assert "2012–2020" in ax.get_title(loc="left")
    assert "Direction of Trade" in source_line(fig) and "Total merchandise" in source_line(fig)
    assert "Manufacturing" not in source_line(fig)
    plain = charts.plot_potential_by_year(df, threshold=None).axes[0]
    assert "threshold" not in [ln.get_gid() for ln in plain.lines]
    plt.close("all")


def test_both_reporters_keeps_flow_colours_and_tells_the_reporters_apart():
    from matplotlib.colors import to_rgb

    df = pd.DataFrame(
        {
            "year": [2018, 2019, 2020, 2018, 2020],
            "exports_usd": [4.9e9, 4.8e9, 4.0e9, 5.5e9, 4.7e9],
            "imports_usd": [12.8e9, 12.9e9, 10.1e9, 11.0e9, 9.1e9],
            "is_estimate": [False, True, False, False, False],
            "reporter_iso3": ["IND", "IND", "IND", "JPN", "JPN"],
            "source_id": "imf_dots_all",
        }
    )
    fig = charts.plot_both_reporters(df)
    ax = fig.axes[0]
    flows = {ln.get_gid(): ln for ln in ax.lines if not ln.get_gid().startswith("estimate")}
    assert sorted(flows) == ["exports_usd-IND", "exports_usd-JPN", "imports_usd-IND",
                             "imports_usd-JPN"]  # fmt: skip
    for gid, line in flows.items():
        # Exports in the exporter's (India's) colour, imports in Japan's; reporters by style.
        flow, reporter = gid.split("-")
        colour = style.country_colour("IND" if flow == "exports_usd" else "JPN")
        assert to_rgb(line.get_color()) == pytest.approx(rgb(colour))
        assert line.get_linestyle() == ("-" if reporter == "IND" else "--")
    np.testing.assert_allclose(flows["exports_usd-IND"].get_ydata(), [4.9, 4.8, 4.0])
    np.testing.assert_allclose(flows["imports_usd-JPN"].get_ydata(), [11.0, np.nan, 9.1])
    estimate = next(ln for ln in ax.lines if ln.get_gid() == "estimate-IND")
    assert list(estimate.get_xdata()) == [2019]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "India's exports to Japan, as India reports"
    assert labels[1] == "India's exports to Japan, as Japan reports (Japan's imports from India)"
    assert "IMF estimate" in labels and not any("IND" in t or "JPN" in t for t in labels)
    assert ax.get_yscale() == "log"
    assert "India–Japan" in ax.get_title(loc="left") and "2018–2020" in ax.get_title(loc="left")
    assert source_line(fig) == "Source: IMF Direction of Trade Statistics"
    assert charts.plot_both_reporters(df, log=False).axes[0].get_yscale() == "linear"
    plt.close("all")


def test_mirror_gap_draws_each_direction_and_a_labelled_cif_fob_line():
    from matplotlib.colors import to_rgb

    df = pd.DataFrame(
        {
            "exporter_iso3": ["IND"] * 3 + ["JPN"] * 3,
            "importer_iso3": ["JPN"] * 3 + ["IND"] * 3,
            "year": [2018, 2019, 2020] * 2,
            "gap_pct": [16.1, 11.3, 16.8, 13.8, -2.0, 12.2],
            "is_estimate": [False, False, False, False, True, False],
            "source_id": "imf_dots_all",
        }
    )
    fig = charts.plot_mirror_gap(df, cif_fob_factor=1.06)
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.lines}
    assert {"IND-JPN", "JPN-IND", "JPN-IND-estimate", "cif_fob", "zero"} == set(lines)
    for exp, imp in [("IND", "JPN"), ("JPN", "IND")]:
        line = lines[f"{exp}-{imp}"]
        assert to_rgb(line.get_color()) == pytest.approx(rgb(style.country_colour(exp)))
        np.testing.assert_allclose(line.get_ydata(), df[df.exporter_iso3 == exp].gap_pct)
        assert [c for c in ax.collections if c.get_gid() == f"{exp}-{imp}-beyond"]
    margin = lines["cif_fob"]
    assert list(margin.get_ydata()) == pytest.approx([6, 6])
    assert "CIF/FOB margin" in margin.get_label() and "1.06" in margin.get_label()
    assert margin.get_label() in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "+6%\nCIF/FOB" in [t.get_text() for t in ax.texts]  # labelled on the chart too
    assert lines["JPN-IND"].get_label() == (
        "Japan → India: India's imports (CIF) over Japan's exports (FOB)"
    )
    assert "India–Japan mirror gap, 2018–2020" in ax.get_title(loc="left")
    plt.close("all")


def test_partner_rank_series_puts_rank_one_at_the_top():
    df = pd.DataFrame(
        {
            "reporter_iso3": ["JPN"] * 2 + ["IND"] * 2,
            "partner_iso3": ["IND"] * 2 + ["JPN"] * 2,
            "year": [2019, 2020] * 2,
            "rank": [21, 22, 12, 11],
            "share_pct": [1.15, 1.09, 2.18, 2.21],
            "source_id": "imf_dots_all",
        }
    )
    fig = charts.plot_partner_rank_series(df)
    ax = fig.axes[0]
    lines = {ln.get_gid(): ln for ln in ax.lines}
    np.testing.assert_allclose(lines["IND-in-JPN"].get_ydata(), [21, 22])
    assert lines["IND-in-JPN"].get_color() == style.country_colour("IND")
    assert lines["JPN-in-IND"].get_label() == "Japan among India's partners"
    bottom, top = ax.get_ylim()
    assert top < 1 < bottom  # inverted: rank 1 at the top
    assert {"rank 22, 1.1%", "rank 11, 2.2%"} <= {t.get_text() for t in ax.texts}
    assert "each other's ranking" in ax.get_title(loc="left")
    plt.close("all")


def test_layout_check_finds_colliding_text_and_text_outside_the_figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlim(0, 10)
    assert style.layout_problems(fig) == [], "ticks beyond the limits are not drawn"
    ax.text(5, 0.5, "first label")
    ax.text(5.05, 0.5, "second label")
    fig.text(1.2, 0.5, "far out")
    problems = style.layout_problems(fig)
    assert "'first label' overlaps 'second label'" in problems
    assert "'far out' leaves the figure" in problems
    plt.close(fig)


def test_close_events_get_lanes_of_their_own_and_the_legend_its_own():
    periods = [f"{y}-{(y + 1) % 100:02d}" for y in range(2010, 2024)]
    n = len(periods)
    df = pd.DataFrame({"period": periods, "exports_usd": np.linspace(4e9, 6e9, n),
                       "imports_usd": np.linspace(9e9, 17e9, n),
                       "balance_usd": np.linspace(-5e9, -11e9, n),
                       "source_id": "dgcis_eidb_hs2"})  # fmt: skip
    events = pd.DataFrame({
        "date": pd.to_datetime(["2011-02-16", "2013-11-30", "2014-01-25", "2014-09-01",
                                "2014-09-02", "2014-09-03"]),
        "event": ["Comprehensive Economic Partnership Agreement in force", "State visit",
                  "Prime Minister Abe visits India", "Special Strategic and Global Partnership",
                  "A second event the same week", "A third event the same week"],
    })  # fmt: skip
    fig = charts.plot_trade_by_period(df, reporter="IND", partner="JPN", events=events)
    assert style.layout_problems(fig) == []
    ax = fig.axes[0]
    # Every event keeps its line; a label with no free lane is left out, not drawn over.
    assert len([ln for ln in ax.lines if str(ln.get_gid()).startswith("event")]) == len(events)
    labels = [t for t in ax.texts if t.get_text()[:4].isdigit()]
    assert 3 <= len(labels) < len(events)
    plt.close(fig)


def test_saved_charts_with_colliding_text_are_listed_beside_them(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "one")
    ax.text(0.5, 0.5, "two")
    style.save_figure(fig, "crowded", tmp_path)
    note = tmp_path / "figures" / f"crowded{style.LAYOUT_SUFFIX}"
    assert "'one' overlaps 'two'" in note.read_text(encoding="utf-8")
    fig2, _ = plt.subplots(figsize=(6, 4))
    style.save_figure(fig2, "clean", tmp_path)
    assert not (tmp_path / "figures" / f"clean{style.LAYOUT_SUFFIX}").exists()
    plt.close("all")


def test_reference_lines_are_drawn_and_labelled():
    df = pd.DataFrame({"year": [2004, 2008, 2012], "ratio": [0.25, 0.2, 0.15],
                       "basis": "reported", "source_id": "dgcis_eidb_hs2"})  # fmt: skip
    fig = charts.plot_lines(df, x="year", y="ratio", hue="basis", scale=0.01, title="t",
                            ylabel="%", references=[(20.0, "the claim: under 20%")])  # fmt: skip
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_gid() == "reference the claim: under 20%")
    assert list(line.get_ydata()) == [20.0, 20.0]
    assert "the claim: under 20%" in [t.get_text() for t in ax.texts]
    assert style.layout_problems(fig) == []
    plt.close(fig)


def test_a_fiscal_year_missing_from_a_line_is_a_gap_not_a_join():
    df = pd.DataFrame({"period": ["2020-21", "2021-22", "2023-24"], "index": [100, 120, 150],
                       "view": "nominal US$", "source_id": "dgcis_eidb_hs2"})  # fmt: skip
    fig = charts.plot_lines(df, x="period", y="index", hue="view", title="t", ylabel="index")
    line = next(ln for ln in fig.axes[0].lines if ln.get_gid() == "nominal US$")
    assert list(line.get_xdata()) == ["2020-21", "2021-22", "2022-23", "2023-24"]
    np.testing.assert_array_equal(line.get_ydata(), [100, 120, np.nan, 150])
    plt.close(fig)


def test_legend_check_names_empty_coded_and_miscoloured_entries():
    fig = Figure()
    ax = fig.add_subplot()
    india = style.country_colour("IND")
    ax.plot([1, 2], [1, 2], color=india, label="India's exports to Japan")
    ax.plot([1, 2], [2, 3], color=india, label="Rupees")
    ax.plot([1, 2], [3, 4], color=style.CATEGORY_COLOURS[0], label="baci")
    ax.plot([1, 2], [np.nan, np.nan], color=style.CATEGORY_COLOURS[1], label="Nothing here")
    ax.plot([1, 2], [4, 5], color=india, label="_hidden")
    ax.legend()
    problems = style.legend_problems(fig)
    assert problems == [
        "legend entry 'Rupees' is drawn in India's colour",
        "legend entry 'baci' reads as a code, not words",
        "legend entry 'Nothing here' draws no data",
    ]
    # An entry that names the country in any of its forms may take its colour.
    ax.get_lines()[1].set_label("Indian rupees")
    ax.legend()
    assert "legend entry 'Indian rupees' is drawn in India's colour" not in style.legend_problems(
        fig
    )


def test_series_that_are_not_countries_never_take_a_countrys_colour():
    countries = {c.lower() for c in style.country_colours().values()}
    assert not countries & {c.lower() for c in style.CATEGORY_COLOURS}
    fig = charts.plot_lines(
        pd.DataFrame({"year": [1, 2, 1, 2], "v": [1, 2, 3, 4], "s": ["a", "a", "b", "b"],
                      "source_id": "imf_dots_all"}),
        x="year", y="v", hue="s", title="t", ylabel="u",
    )  # fmt: skip
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["A", "B"] and style.legend_problems(fig) == []


def test_legend_check_reads_a_line_of_categories_as_drawn():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([1, 2], ["low", "high"], color=style.CATEGORY_COLOURS[0], label="Level")
    ax.legend()
    assert style.legend_problems(fig) == []
