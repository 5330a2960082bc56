import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import DataError, IndicatorWarning
from analysis.measures import indicators as ind


def long(exports, imports, years=None):
    years = years or list(range(2000, 2000 + len(exports)))
    return pd.DataFrame(
        {
            "year": years * 2,
            "flow": ["export"] * len(years) + ["import"] * len(years),
            "value_usd": list(map(float, exports)) + list(map(float, imports)),
        }
    )


def test_summary_on_a_small_table():
    out = ind.summary(long([4, 5], [9, 5]))
    expected = pd.DataFrame(
        {
            "year": [2000, 2001],
            "exports_usd": [4.0, 5.0],
            "imports_usd": [9.0, 5.0],
            "total_usd": [13.0, 10.0],
            "balance_usd": [-5.0, 0.0],
            "coverage_ratio": [4 / 9, 1.0],
            "normalised_balance": [-5 / 13, 0.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_zero_divisor_gives_nan_and_a_warning_naming_the_row():
    with pytest.warns(IndicatorWarning, match="coverage_ratio: divisor is zero.*year=2001"):
        out = ind.coverage_ratio(long([4, 5], [9, 0]))
    assert out.coverage_ratio.iloc[0] == pytest.approx(4 / 9)
    assert np.isnan(out.coverage_ratio.iloc[1])


def test_missing_flow_stays_missing_not_zero():
    df = long([4, 5], [9, 5]).iloc[:-1]  # no import row for 2001
    out = ind.balance(df)
    assert np.isnan(out.balance_usd.iloc[1])


def test_two_sources_for_one_period_are_refused():
    df = pd.concat([long([4], [9]), long([4], [9])])
    with pytest.raises(DataError, match="filter to one source or basis first"):
        ind.summary(df)


def test_unknown_flow_is_refused():
    df = long([4], [9]).replace({"import": "re-import"})
    with pytest.raises(DataError, match="expected export or import, found 're-import'"):
        ind.total(df)


def test_shares_use_the_world_row_as_denominator():
    df = pd.DataFrame(
        {"partner_iso3": ["JPN", "CHN", "WLD"], "flow": "export", "value_usd": [1.0, 3.0, 10.0]}
    )
    out = ind.shares(df)
    expected = pd.DataFrame(
        {"flow": ["export", "export"], "partner_iso3": ["JPN", "CHN"], "share": [0.1, 0.3]}
    )
    pd.testing.assert_frame_equal(out, expected)


def test_growth_and_cagr_by_hand():
    df = long([100, 110, 121], [50, 50, 50])
    g = ind.growth(df)
    assert g[g.flow == "export"].growth_pct.round(9).tolist()[1:] == [10.0, 10.0]
    c = ind.cagr(df).set_index("flow")
    assert c.loc["export", "cagr_pct"] == pytest.approx(10.0)
    assert c.loc["import", "cagr_pct"] == pytest.approx(0.0)
    assert c.loc["export", "years"] == 2


def test_cagr_over_dates_counts_years_to_the_month():
    df = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2010-04-01", "2023-04-01"]),
            "value_usd": [1.0, 2.0],
        }
    )
    out = ind.cagr(df, time="period_start")
    assert out.years.iloc[0] == 13
    assert out.cagr_pct.iloc[0] == pytest.approx(100 * (2 ** (1 / 13) - 1))


def test_partner_ranking_excludes_world_and_ranks_by_total():
    df = pd.DataFrame(
        {
            "partner_iso3": ["JPN", "JPN", "CHN", "CHN", "WLD", "WLD"],
            "flow": ["export", "import"] * 3,
            "value_usd": [1.0, 2.0, 3.0, 4.0, 10.0, 10.0],
            "source_id": "s",
        }
    )
    out = ind.partner_ranking(df)
    assert out.partner_iso3.tolist() == ["CHN", "JPN"]
    assert out["rank"].tolist() == [1, 2]
    assert out.share_of_total.tolist() == [0.35, 0.15]
    assert set(out.source_id) == {"s"}


values = st.lists(st.floats(min_value=0.01, max_value=1e12), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(values, st.data())
def test_properties_of_balance_indicators(exports, draw):
    imports = draw.draw(st.lists(st.floats(min_value=0.01, max_value=1e12),
                                 min_size=len(exports), max_size=len(exports)))  # fmt: skip
    df = long(exports, imports)
    s = ind.summary(df)
    # Identities: X + M = total and X - M = balance.
    np.testing.assert_allclose(s.exports_usd + s.imports_usd, s.total_usd, rtol=1e-12)
    np.testing.assert_allclose(s.exports_usd - s.imports_usd, s.balance_usd, rtol=1e-12, atol=1e-3)
    assert ((s.normalised_balance >= -1) & (s.normalised_balance <= 1)).all()
    assert (s.coverage_ratio > 0).all()
    # Ratios do not depend on the currency unit.
    scaled = ind.summary(df.assign(value_usd=df.value_usd * 1000))
    np.testing.assert_allclose(scaled.coverage_ratio, s.coverage_ratio, rtol=1e-12)
    np.testing.assert_allclose(
        scaled.normalised_balance, s.normalised_balance, rtol=1e-9, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(values)
def test_shares_sum_to_one_without_a_world_row(vals):
    df = pd.DataFrame(
        {
            "partner_iso3": [f"P{i:02d}" for i in range(len(vals))],
            "flow": "export",
            "value_usd": vals,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ind.shares(df)
    assert out.share.sum() == pytest.approx(1.0)
    assert ((out.share >= 0) & (out.share <= 1)).all()


def test_indicators_work_without_any_key_column():
    df = pd.DataFrame({"flow": ["export", "import"], "value_usd": [4.0, 9.0]})
    pd.testing.assert_frame_equal(ind.total(df), pd.DataFrame({"total_usd": [13.0]}))
    assert ind.summary(df).balance_usd.tolist() == [-5.0]


def test_shares_fall_back_to_the_member_sum_per_group():
    df = pd.DataFrame(
        {
            "year": [2019, 2019, 2019, 2020, 2020],
            "partner_iso3": ["JPN", "CHN", "WLD", "JPN", "CHN"],
            "flow": "export",
            "value_usd": [1.0, 3.0, 10.0, 1.0, 3.0],
        }
    )
    assert ind.shares(df).share.tolist() == [0.1, 0.3, 0.25, 0.75]


def test_cagr_refuses_missing_values_and_duplicates():
    with pytest.raises(DataError, match="value_usd: expected a value in every row"):
        ind.cagr(long([np.nan, 100, 121], [1, 1, 1]))
    dup = pd.DataFrame({"year": [2019, 2019, 2020], "value_usd": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match="filter to one source or basis first"):
        ind.growth(dup)


def test_growth_reports_the_years_it_spans():
    g = ind.growth(pd.DataFrame({"year": [2019, 2021], "value_usd": [1.0, 2.0]}))
    assert g.years.tolist()[1] == 2 and g.growth_pct.tolist()[1] == 100.0


def test_partner_ranking_with_a_zero_world_total_warns_instead_of_inf():
    df = pd.DataFrame(
        {"partner_iso3": ["JPN", "JPN", "WLD", "WLD"], "flow": ["export", "import"] * 2,
         "value_usd": [1.0, 2.0, 0.0, 0.0]}
    )  # fmt: skip
    with pytest.warns(IndicatorWarning, match="share_of_total"):
        out = ind.partner_ranking(df)
    assert np.isnan(out.share_of_total.iloc[0])
