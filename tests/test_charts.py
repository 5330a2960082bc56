import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis import charts, style

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
    fig = charts.plot_headline(HEADLINE)
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
    out = charts.plot_headline(HEADLINE, ax=right)
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
    fig = charts.plot_trade_by_period(df)
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
    fig = charts.plot_partner_rank(df)
    ax = fig.axes[0]
    widths = [b.get_width() for b in bars(ax, "total_usd")]
    np.testing.assert_allclose(widths, [89, 85, 17.5])
    labels = {t.get_text(): t.get_fontweight() for t in ax.get_yticklabels()}
    assert labels["3. Japan"] == "bold" and labels["1. USA"] != "bold"
    assert ax.get_xlabel().endswith("US$ billion")


def test_charts_do_not_touch_pyplot_state():
    before = plt.get_fignums()
    fig = charts.plot_headline(HEADLINE)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before


def test_missing_column_is_a_clear_error():
    from analysis.errors import DataError

    with pytest.raises(DataError, match="source_id: expected these columns"):
        charts.plot_headline(HEADLINE.drop(columns="source_id"))


def test_saved_figures_are_byte_identical(tmp_path):
    a = style.save_figure(charts.plot_headline(HEADLINE), "h", tmp_path / "a")
    b = style.save_figure(charts.plot_headline(HEADLINE), "h", tmp_path / "b")
    for x, y in zip(a, b, strict=True):
        assert x.read_bytes() == y.read_bytes()
