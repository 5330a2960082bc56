import pytest

from analysis import data
from analysis.errors import DataError
from analysis.sources.investment import fdi_basis, parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-20", ("fiscal_year", "2019-04-01", "2020-03-31")),
        ("Apr 2000 - Feb 2014", ("cumulative", "2000-04-01", "2014-02-28")),
        ("Apr 2012 - Jan 2013", ("partial_fiscal_year", "2012-04-01", "2013-01-31")),
        ("Apr-Dec 2022", ("partial_fiscal_year", "2022-04-01", "2022-12-31")),
        ("2012 (calendar)", ("calendar_year", "2012-01-01", "2012-12-31")),
        ("2000 - 2017", ("cumulative", None, None)),
    ],
)
def test_period_labels_are_classified(text, expected):
    assert parse_period(text, file="f.csv", row=2) == expected


@pytest.mark.parametrize(
    "text", ["FY20", "2019-2020", "2019-21", "Dec-Apr 2022", "Feb 2014 - Apr 2000"]
)
def test_unknown_period_labels_are_refused(text):
    with pytest.raises(DataError, match="f.csv:2:"):
        parse_period(text, file="f.csv", row=2)


def test_bases_are_kept_apart():
    assert fdi_basis("RBI basis (provisional; not DPIIT) FDI flows from Japan") == "rbi"
    assert (
        fdi_basis("Japanese net outward FDI to India (Japan-side balance of payments basis)")
        == "japan_bop"
    )
    assert fdi_basis("DIPP basis (stated loosely) Japanese investments in India") == "unclear"
    assert fdi_basis("cumulative FDI equity inflows from Japan (DIPP basis)") == "dpiit_equity"


def test_fdi_table_keeps_every_figure_with_one_preferred_per_period_and_basis():
    fdi = data.load("japan_fdi_india")
    assert len(fdi) == 33
    preferred = fdi[fdi.is_preferred]
    assert not preferred.duplicated(["period", "basis"]).any()
    # FY2016-17: DIPP-loose 4.7 bn and RBI 4.2 bn are different bases, both kept.
    fy17 = fdi[fdi.period == "2016-17"].set_index("basis")
    assert fy17.loc["rbi", "value_usd"] == 4_200_000_000
    # The Feb 2014 DIPP synopsis gives 15.97 bn cumulative since April 2000, rank 4.
    synopsis = fdi[(fdi.period == "Apr 2000 - Feb 2014") & fdi.is_preferred].iloc[0]
    assert synopsis.value_usd == 15_970_000_000


def test_investor_reported_fdi_matches_the_provenance_notes():
    fdi = data.load("fdi_india_by_investor").set_index(["investor_iso3", "year"])["value_usd"]
    assert fdi[("JPN", 2008)] == 5_253_000_000  # Daiichi Sankyo-Ranbaxy year
    assert fdi.isna().sum() == 400


def test_a_dipp_figure_mentioning_rbi_schemes_stays_dipp():
    assert fdi_basis("DIPP FDI equity inflows (excl. RBI NRI schemes)") == "dpiit_equity"
    fy11 = data.load("japan_fdi_india").query("period == '2010-11'")
    assert fy11.basis.tolist() == ["dpiit_equity"]


def test_fdi_series_shows_missing_years_as_gaps_and_sums_only_complete_spans():
    from analysis import investment

    series = investment.fdi_series(data.load("japan_fdi_india"), data.load("fdi_india_by_investor"))
    dpiit = series[series.series == investment.BASIS_LABELS["dpiit_equity"]]
    assert dpiit.value_usd.isna().any()  # FY2012-13 and others are gaps, not zeros
    with pytest.raises(DataError, match="missing"):
        investment.sum_complete_years(series, label=investment.BASIS_LABELS["dpiit_equity"],
                                      first=2010.75, last=2023.75)  # fmt: skip
    total = investment.sum_complete_years(
        series, label=investment.BASIS_LABELS["investor_reported"], first=2000.5, last=2012.5
    )
    assert round(total / 1e9, 2) == 19.78


def test_investor_ranking_counts_reported_years():
    from analysis import investment

    ranking = investment.investor_ranking(data.load("fdi_india_by_investor"), first=2000, last=2012)
    japan = ranking.set_index("investor_iso3").loc["JPN"]
    assert japan["rank"] == 3 and japan.years_reported == 13
