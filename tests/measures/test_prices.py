import pandas as pd
import pytest

from analysis import data
from analysis.errors import DataError, IndicatorWarning
from analysis.measures import prices


def monthly(start, n, values):
    return pd.DataFrame({"month": pd.date_range(start, periods=n, freq="MS"), "v": values})


def test_fiscal_year_average_runs_april_to_march():
    m = monthly("2019-01-01", 24, list(range(24)))
    out = prices.period_average(m, "v", basis="fiscal_apr_mar").set_index("start_year")
    assert out.loc[2019, "n_months"] == 12
    assert out.loc[2019, "v"] == pytest.approx(sum(range(3, 15)) / 12)
    # Incomplete years (Jan-Mar 2019 belongs to FY2018-19) are not averaged.
    assert out.loc[2018, "n_months"] == 3 and pd.isna(out.loc[2018, "v"])


def test_constant_dollars_follow_the_cpi_ratio():
    cpi = monthly("2019-01-01", 24, [100.0] * 12 + [125.0] * 12).rename(columns={"v": "cpi_index"})
    trade = pd.DataFrame({"year": [2019, 2020], "value_usd": [80.0, 100.0]})
    out = prices.to_constant_usd(trade, cpi, base_year=2020)
    assert out.value_constant_usd.tolist() == [100.0, 100.0]
    assert out.price_basis.iloc[0] == "constant 2020 US$ (US CPI-U, calendar-year average)"


def test_a_year_without_prices_is_nan_with_a_warning():
    cpi = monthly("2019-01-01", 12, [100.0] * 12).rename(columns={"v": "cpi_index"})
    trade = pd.DataFrame({"year": [2019, 2021], "value_usd": [1.0, 1.0]})
    with pytest.warns(IndicatorWarning, match=r"start year\(s\) \[2021\]"):
        out = prices.to_constant_usd(trade, cpi, base_year=2019)
    assert out.value_constant_usd.isna().tolist() == [False, True]


def test_mixed_bases_are_refused():
    trade = data.load("india_japan_trade")
    with pytest.raises(DataError, match="period_basis: expected one basis"):
        prices.to_local_currency(trade, data.load("exchange_rates"), currency="JPY")


def test_real_rates_give_known_magnitudes():
    fx = data.load("exchange_rates")
    avg = prices.period_average(fx[fx.currency == "INR"].drop(columns="country_iso3"), "per_usd",
                                basis="fiscal_apr_mar")  # fmt: skip
    inr_2019 = avg.set_index("start_year").loc[2019, "per_usd"]
    assert 69 < inr_2019 < 72  # RBI reference rate averaged about 70.9 rupees in FY2019-20
    with pytest.raises(DataError, match="currency: expected one of CNY, INR, JPY"):
        prices.to_local_currency(
            pd.DataFrame({"year": [2020], "value_usd": [1.0]}), fx, currency="EUR"
        )
