from analysis import data


def test_japan_customs_in_dollars_agrees_with_comtrade():
    j = data.load("japan_china_trade").set_index(["exporter_iso3", "year", "measure"])["value_usd"]
    # Japan-reported, converted at the IMF's average yen rate, against Comtrade (CEPII).
    exports = j[("JPN", 2019, "japan_customs")] / j[("JPN", 2019, "comtrade_exporter_reported")]
    imports = j[("CHN", 2019, "japan_customs")] / j[("CHN", 2019, "comtrade_importer_reported")]
    assert abs(exports - 1) < 0.005 and abs(imports - 1) < 0.005


def test_eidb_pages_match_official_india_china_totals():
    p = data.load("india_trade_hs2_eidb_pages")
    fy = p[p.period == "2018-19"].groupby(["partner_iso3", "flow"]).value_usd.sum() / 1e9
    # India's imports from China FY2018-19: US$70.32 bn; India's total imports US$514.08 bn.
    assert round(fy[("CHN", "import")], 2) == 70.32
    assert round(fy[("WLD", "import")], 2) == 514.08
    assert sorted(p.period.unique())[0] == "1996-97"


def test_eidb_pages_agree_with_the_other_scrape_for_china():
    pages = data.load("india_trade_hs2_eidb_pages")
    kaggle = data.load("india_trade_hs2")
    keys = ["partner_iso3", "period", "hs2", "flow"]
    both = pages[pages.partner_iso3 == "CHN"].merge(
        kaggle[kaggle.partner_iso3 == "CHN"], on=keys, suffixes=("_pages", "_kaggle")
    )
    both = both[both.period <= "2018-19"]
    assert len(both) > 1700
    same = (both.value_usd_pages == both.value_usd_kaggle) | (
        both.value_usd_pages.isna() & both.value_usd_kaggle.isna()
    )
    assert same.all()


def test_imf_india_china_keeps_corrupted_cells_as_rows_without_value():
    d = data.load("india_china_trade_imf")
    assert d.value_usd.isna().sum() >= 28
    assert d[d.year.between(1981, 1999)].is_suspect.all()
    # The Lok Sabha figure for India's imports from China in calendar 2020: US$58.71 bn.
    imports = d[(d.reporter_iso3 == "IND") & (d.flow == "import") & (d.year == 2020)]
    assert abs(imports.value_usd.iloc[0] / 58.71e9 - 1) < 0.001
