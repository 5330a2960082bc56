"""Every curated table checked against the totals its provenance notes publish."""

import pytest

from analysis import data
from analysis.cases.india_japan import trends


@pytest.mark.parametrize(
    ("country", "year", "trillions"),
    [("IND", 2019, 2.836), ("JPN", 2019, 5.118), ("CHN", 2019, 14.280),
     ("IND", 2020, 2.675), ("JPN", 2020, 5.056), ("CHN", 2020, 14.688)],
)  # fmt: skip
def test_wdi_gdp(country, year, trillions):
    gdp = data.load("gdp").set_index(["country_iso3", "year"]).gdp_usd
    assert round(gdp[(country, year)] / 1e12, 3) == trillions


@pytest.mark.parametrize(
    ("year", "ind_to_jpn", "jpn_to_ind"),
    [(1964, 0.13, 0.19), (1980, 0.72, 0.91), (1992, 1.59, 1.48), (2000, 1.81, 2.43),
     (2008, 3.58, 7.72), (2012, 6.38, 10.29), (2016, 3.80, 8.02)],
)  # fmt: skip
def test_comtrade_every_four_years(year, ind_to_jpn, jpn_to_ind):
    quad = data.load("comtrade_quadrennial").set_index(["exporter_iso3", "importer_iso3", "year"])
    assert round(quad.value_usd[("IND", "JPN", year)] / 1e9, 2) == ind_to_jpn
    assert round(quad.value_usd[("JPN", "IND", year)] / 1e9, 2) == jpn_to_ind


def test_eidb_pages_fy2019_20_totals():
    p = data.load("india_trade_hs2_eidb_pages")
    fy = p[p.period == "2019-20"].groupby(["partner_iso3", "flow"]).value_usd.sum() / 1e9
    assert round(fy[("WLD", "export")], 2) == 313.03
    assert round(fy[("WLD", "import")], 2) == 473.97
    assert round(fy[("CHN", "export")], 2) == 16.60
    assert round(fy[("CHN", "import")], 2) == 65.26


def test_imf_dots_india_china_2019():
    d = data.load("india_china_trade_imf").set_index(["reporter_iso3", "flow", "year"]).value_usd
    assert round(d[("IND", "import", 2019)] / 1e9, 1) == 68.3
    assert round(d[("CHN", "export", 2019)] / 1e9, 1) == 74.9
    assert round(d[("IND", "export", 2019)] / 1e9, 1) == 17.3


def test_cepii_japan_china_2019_totals():
    totals = trends.japan_china_totals(data.load("japan_china_trade"))
    by = totals[totals.period == "2019"].set_index("basis").total_usd / 1e9
    assert round(by["Japan–China, comtrade exporter reported"], 1) == 277.7
    assert round(by["Japan–China, comtrade importer reported"], 1) == 340.5
    assert round(by["Japan–China, baci"], 1) == 277.9


@pytest.mark.parametrize(
    ("exporter", "importer", "year", "millions"),
    [("IND", "JPN", 1986, 392), ("IND", "JPN", 2006, 2435),
     ("JPN", "IND", 1986, 1975), ("JPN", "IND", 2006, 4345)],
)  # fmt: skip
def test_gravity_panel_india_japan(exporter, importer, year, millions):
    panel = data.load("gravity_panel").set_index(["exporter_iso3", "importer_iso3", "year"])
    assert round(panel.trade_usd_mn[(exporter, importer, year)]) == millions


def test_comtrade_2019_india_totals():
    df = (
        data.load("india_trade_by_partner_2019").set_index(["partner_iso3", "flow"]).value_usd / 1e9
    )
    assert round(df[("JPN", "export")], 3) == 4.816 and round(df[("JPN", "import")], 3) == 12.744
    assert round(df[("CHN", "export")], 3) == 17.279 and round(df[("CHN", "import")], 3) == 68.402
    assert round(df[("WLD", "export")], 3) == 323.251 and round(df[("WLD", "import")], 3) == 478.884
