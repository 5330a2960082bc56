import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import DataError, IndicatorWarning
from analysis.measures import indicators as ind

COUNTRIES = ["AAA", "BBB", "CCC"]
FAST = settings(max_examples=25, deadline=None)


def world_table(bilateral, rest, products):
    """Build a consistent canonical table: 3 countries, the world (WLD), by product.

    ``bilateral[i, j, k]`` is i's exports to j of product k; ``rest[i, k]`` is what i sells
    to countries outside the table. Imports mirror exports, so the totals add up.
    """
    n = len(COUNTRIES)
    rows = []

    def add(rep, par, k, flow, v):
        rows.append((rep, par, products[k], 2020, flow, float(v)))

    for k in range(len(products)):
        for i, j in itertools.product(range(n), range(n)):
            if i != j:
                add(COUNTRIES[i], COUNTRIES[j], k, "export", bilateral[i, j, k])
                add(COUNTRIES[j], COUNTRIES[i], k, "import", bilateral[i, j, k])
        for i in range(n):
            add(COUNTRIES[i], "WLD", k, "export", bilateral[i, :, k].sum() + rest[i, k])
            add(COUNTRIES[i], "WLD", k, "import", bilateral[:, i, k].sum() + rest[(i + 1) % n, k])
        for j in range(n):
            add("WLD", COUNTRIES[j], k, "export", bilateral[:, j, k].sum() + rest[(j + 1) % n, k])
        add("WLD", "WLD", k, "export", bilateral[:, :, k].sum() + 2 * rest[:, k].sum())
        add("WLD", "WLD", k, "import", bilateral[:, :, k].sum() + 2 * rest[:, k].sum())
    cols = ["reporter_iso3", "partner_iso3", "product", "year", "flow", "value_usd"]
    return pd.DataFrame(rows, columns=cols)


@st.composite
def worlds(draw, max_products=4):
    k = draw(st.integers(2, max_products))
    n = len(COUNTRIES)
    val = st.floats(min_value=1.0, max_value=1e9)
    bilateral = np.array(draw(st.lists(val, min_size=n * n * k, max_size=n * n * k)))
    rest = np.array(draw(st.lists(val, min_size=n * k, max_size=n * k)))
    return world_table(bilateral.reshape(n, n, k), rest.reshape(n, k), [f"P{i}" for i in range(k)])


def two_way(values):
    """Return a by-product table with exports and imports from a flat list (X0, M0, X1, ...)."""
    k = len(values) // 2
    return pd.DataFrame(
        {
            "product": np.repeat([f"P{i}" for i in range(k)], 2),
            "flow": ["export", "import"] * k,
            "value_usd": values[: 2 * k],
        }
    )


positive = st.floats(min_value=0.01, max_value=1e12)
non_negative = st.floats(min_value=0.0, max_value=1e12)


# --- Worked examples ---------------------------------------------------------------------


def test_canonical_uses_the_fiscal_start_year_and_keeps_the_basis():
    raw = pd.DataFrame(
        {
            "reporter_iso3": "IND",
            "partner_iso3": "JPN",
            "period": ["2019-20", "2020-21"],
            "period_basis": "fiscal_apr_mar",
            "period_start": pd.to_datetime(["2019-04-01", "2020-04-01"]),
            "period_end": pd.to_datetime(["2020-03-31", "2021-03-31"]),
            "hs2": "85",
            "flow": "export",
            "value_usd": pd.array([5, None], dtype="Int64"),
            "source_id": "s",
        }
    )
    expected = pd.DataFrame(
        {
            "reporter_iso3": "IND",
            "partner_iso3": "JPN",
            "product": "85",
            "year": [2019, 2020],
            "period_basis": "fiscal_apr_mar",
            "flow": "export",
            "value_usd": [5.0, np.nan],
            "source_id": "s",
        }
    )
    pd.testing.assert_frame_equal(ind.canonical(raw), expected, check_dtype=False)


def test_canonical_refuses_two_periods_starting_in_one_year():
    raw = pd.DataFrame(
        {
            "period": ["2019-20", "2019-20 (Apr-Dec)"],
            "period_basis": "fiscal_apr_mar",
            "period_start": pd.to_datetime(["2019-04-01", "2019-04-01"]),
            "flow": "export",
            "value_usd": [1, 2],
        }
    )
    with pytest.raises(DataError, match="one period per basis and start year"):
        ind.canonical(raw)


def test_trade_intensity_three_kinds_by_hand():
    df = pd.DataFrame(
        {
            "reporter_iso3": ["IND", "IND", "IND", "JPN", "WLD", "WLD", "WLD"],
            "partner_iso3": ["JPN", "WLD", "WLD", "WLD", "JPN", "WLD", "WLD"],
            "flow": ["export", "export", "import", "import", "export", "export", "import"],
            "value_usd": [2.0, 40.0, 50.0, 60.0, 50.0, 1000.0, 1000.0],
        }
    )
    got = {k: ind.trade_intensity(df, kind=k).trade_intensity.item() for k in ind._INTENSITY_KINDS}
    assert got["exports"] == pytest.approx((2 / 40) / (50 / 1000))  # 1.0
    assert got["imports"] == pytest.approx((2 / 40) / (60 / 1000))
    assert got["drysdale"] == pytest.approx((2 / 40) / (60 / 950))


def test_intensity_names_the_absent_rows_it_needs():
    df = pd.DataFrame(
        {"reporter_iso3": "IND", "partner_iso3": ["JPN", "WLD"], "flow": "export",
         "value_usd": [1.0, 10.0]}
    )  # fmt: skip
    with pytest.raises(DataError, match="partner's imports from the world.*'reporter_iso3': 'JPN'"):
        ind.trade_intensity(df, kind="drysdale")
    with pytest.raises(DataError, match="expected one of exports, imports, drysdale"):
        ind.trade_intensity(df, kind="export")


def test_grubel_lloyd_and_marginal_iit_by_hand():
    df = pd.DataFrame(
        {
            "product": ["A", "A", "B", "B", "A", "A", "B", "B"],
            "year": [2010] * 4 + [2020] * 4,
            "flow": ["export", "import"] * 4,
            "value_usd": [3.0, 1.0, 2.0, 2.0, 5.0, 1.0, 4.0, 5.0],
        }
    )
    gl = ind.grubel_lloyd(df[df.year == 2010], aggregate=True, adjusted=True)
    # (2 + 4) / (8 − |5 − 3|)
    pd.testing.assert_frame_equal(gl, pd.DataFrame({"year": [2010], "grubel_lloyd": [1.0]}))
    m = ind.marginal_iit(df, start=2010, end=2020)
    expected = pd.DataFrame(
        {"product": ["A", "B"], "start": 2010, "end": 2020, "marginal_iit": [0.0, 1 - 1 / 5]}
    )
    pd.testing.assert_frame_equal(m, expected)
    agg = ind.marginal_iit(df, start=2010, end=2020, aggregate=True)
    # weights (2 + 0) and (2 + 3): (0·2 + 0.8·5) / 7
    assert agg.marginal_iit.item() == pytest.approx(4 / 7)


def test_hhi_by_partner_leaves_out_the_world_row():
    df = pd.DataFrame(
        {"partner_iso3": ["JPN", "CHN", "WLD"], "flow": "export", "value_usd": [1.0, 1.0, 9.0]}
    )
    expected = pd.DataFrame({"flow": ["export"], "n": [2], "hhi": [0.5], "hhi_normalised": [0.0]})
    pd.testing.assert_frame_equal(ind.hhi(df, of="partner_iso3"), expected)


def test_market_penetration_from_the_exporters_side_needs_the_markets_imports():
    df = pd.DataFrame(
        {
            "reporter_iso3": ["IND", "JPN"],
            "partner_iso3": ["JPN", "WLD"],
            "flow": ["export", "import"],
            "value_usd": [3.0, 300.0],
        }
    )
    expected = pd.DataFrame(
        {"reporter_iso3": ["IND"], "partner_iso3": ["JPN"], "market_penetration": [0.01]}
    )
    pd.testing.assert_frame_equal(ind.market_penetration(df, side="exporter"), expected)


def test_openness_refuses_fiscal_years_against_calendar_gdp():
    trade = pd.DataFrame(
        {"reporter_iso3": "IND", "partner_iso3": "WLD", "year": 2019, "period_basis":
         "fiscal_apr_mar", "flow": ["export", "import"], "value_usd": [1.0, 2.0]}
    )  # fmt: skip
    gdp = pd.DataFrame({"country_iso3": ["IND"], "year": [2019], "gdp_usd": [10.0]})
    with pytest.raises(DataError, match="calendar years to match GDP"):
        ind.openness(trade, gdp=gdp)
    assert ind.openness(trade, gdp=gdp, mixed_basis=True).openness.item() == pytest.approx(0.3)
    with pytest.warns(IndicatorWarning, match="openness: divisor is zero.*year=2019"):
        ind.openness(trade, gdp=gdp.assign(gdp_usd=0.0), mixed_basis=True)


# --- Zero, blank and absent --------------------------------------------------------------


def test_zero_trade_in_a_product_gives_nan_and_names_it():
    df = two_way([3.0, 1.0, 0.0, 0.0])
    with pytest.warns(IndicatorWarning, match="grubel_lloyd: divisor is zero.*product=P1"):
        out = ind.grubel_lloyd(df)
    assert out.grubel_lloyd.iloc[0] == 0.5 and np.isnan(out.grubel_lloyd.iloc[1])


def test_aggregates_refuse_blanks_until_filled_openly():
    df = two_way([3.0, np.nan, 2.0, 2.0])
    assert np.isnan(ind.grubel_lloyd(df).grubel_lloyd.iloc[0])  # by product: stays missing
    with pytest.raises(DataError, match="use fill_missing"):
        ind.grubel_lloyd(df, aggregate=True)
    with pytest.raises(DataError, match="use fill_missing"):
        ind.hhi(df)
    filled = ind.fill_missing(df)
    assert filled.filled.tolist() == [False, True, False, False]
    assert ind.grubel_lloyd(filled, aggregate=True).grubel_lloyd.item() == pytest.approx(4 / 7)


def test_absent_product_rows_are_refused_not_read_as_zero():
    df = pd.DataFrame(
        {"reporter_iso3": ["AAA", "AAA", "BBB"], "product": ["A", "B", "A"], "flow": "export",
         "value_usd": [1.0, 2.0, 3.0]}
    )  # fmt: skip
    with pytest.raises(DataError, match="a row for each of the 2 values of product"):
        ind.rca(df)
    assert ind.rca(ind.fill_missing(df)).rca.notna().all()


def test_rca_with_one_reporter_warns_that_the_world_is_itself():
    df = pd.DataFrame({"reporter_iso3": "IND", "product": ["A", "B"], "flow": "export",
                       "value_usd": [1.0, 2.0]})  # fmt: skip
    with pytest.warns(IndicatorWarning, match="one reporter only"):
        assert (ind.rca(df).rca == 1).all()


# --- Properties --------------------------------------------------------------------------


@FAST
@given(st.lists(non_negative, min_size=1, max_size=12))
def test_hhi_lies_between_one_over_n_and_one(values):
    df = pd.DataFrame(
        {"product": [f"P{i}" for i in range(len(values))], "flow": "export", "value_usd": values}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)  # a zero total is tested elsewhere
        out = ind.hhi(df).iloc[0]
    if sum(values) == 0:
        assert np.isnan(out.hhi)
        return
    assert 1 / len(values) - 1e-12 <= out.hhi <= 1 + 1e-12
    if len(values) > 1:
        assert -1e-12 <= out.hhi_normalised <= 1 + 1e-12
    # Shares sum to 1 within the group.
    assert ind.shares(df, of="product").share.sum() == pytest.approx(1.0)


@FAST
@given(st.lists(positive, min_size=4, max_size=16))
def test_grubel_lloyd_range_and_aggregation(values):
    df = two_way(values)
    by_product = ind.grubel_lloyd(df)
    assert by_product.grubel_lloyd.between(0, 1).all()
    agg = ind.grubel_lloyd(df, aggregate=True).grubel_lloyd.item()
    adjusted = ind.grubel_lloyd(df, aggregate=True, adjusted=True).grubel_lloyd.item()
    assert 0 <= agg <= adjusted <= 1 + 1e-12
    # Aggregation consistency: the aggregate is the trade-weighted mean of the products.
    weight = ind.total(df).total_usd
    assert agg == pytest.approx(np.average(by_product.grubel_lloyd, weights=weight))


@FAST
@given(st.lists(positive, min_size=8, max_size=16))
def test_marginal_iit_range_and_aggregation(values):
    k = len(values) // 4
    df = pd.concat(
        [two_way(values[: 2 * k]).assign(year=1), two_way(values[2 * k : 4 * k]).assign(year=2)]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        by_product = ind.marginal_iit(df, start=1, end=2)
        agg = ind.marginal_iit(df, start=1, end=2, aggregate=True).marginal_iit.item()
    assert by_product.marginal_iit.dropna().between(0, 1 + 1e-12).all()
    w = ind.flows_wide(df).pivot(index="product", columns="year")
    change = (w["exports_usd"][2] - w["exports_usd"][1]).abs() + (
        w["imports_usd"][2] - w["imports_usd"][1]
    ).abs()
    if change.sum() > 0:
        mean = np.average(by_product.marginal_iit.fillna(0), weights=change.to_numpy())
        assert agg == pytest.approx(mean)


@settings(max_examples=15, deadline=None)
@given(worlds())
def test_intensity_equals_complementarity_times_bias(df):
    for kind in ("drysdale", "imports"):
        dec = ind.drysdale_decomposition(df, kind=kind)
        np.testing.assert_allclose(
            dec.trade_intensity, dec.drysdale_complementarity * dec.drysdale_bias, rtol=1e-9
        )
        # Aggregation consistency: the decomposition's intensity is that of the totals.
        totals = df.groupby(
            ["reporter_iso3", "partner_iso3", "year", "flow"], as_index=False
        ).value_usd.sum()
        direct = ind.trade_intensity(totals, kind=kind)
        merged = dec.merge(direct, on=["reporter_iso3", "partner_iso3", "year"])
        assert len(merged) == len(COUNTRIES) * (len(COUNTRIES) - 1)
        np.testing.assert_allclose(merged.trade_intensity_x, merged.trade_intensity_y, rtol=1e-9)


@FAST
@given(worlds())
def test_rca_identities_and_range(df):
    exports = df[(df.flow == "export") & (df.partner_iso3 == "WLD")]
    countries = exports[exports.reporter_iso3 != "WLD"]
    r = ind.rca(countries).merge(countries, on=["reporter_iso3", "partner_iso3", "product", "year"])
    world_share = r.groupby("product").value_usd.transform("sum") / r.value_usd.sum()
    size = r.groupby("reporter_iso3").value_usd.transform("sum") / r.value_usd.sum()
    # Weighted by the products' shares of world exports, each country's mean RCA is 1 ...
    by_country = (world_share * r.rca).groupby(r.reporter_iso3).sum()
    np.testing.assert_allclose(by_country, 1.0, rtol=1e-9)
    # ... and weighted by the countries' shares of world exports, each product's is 1.
    np.testing.assert_allclose((size * r.rca).groupby(r["product"]).sum(), 1.0, rtol=1e-9)
    assert (r.rca > 0).all()
    s = ind.symmetric_rca(countries).symmetric_rca
    assert s.between(-1, 1, inclusive="left").all()
    # With the world given as WLD rows, the same formula uses those totals instead.
    assert ind.rca(exports, world="WLD").rca.notna().all()


@FAST
@given(worlds())
def test_structure_indices_ranges_and_the_similarity_identity(df):
    tc = ind.complementarity(df)
    assert len(tc) == 6 and tc.complementarity.between(-1e-9, 100 + 1e-9).all()
    exports = df[(df.flow == "export") & (df.partner_iso3 == "WLD")]
    fk = ind.export_similarity(exports, compare="reporter_iso3")
    assert len(fk) == 6 and fk.export_similarity.between(-1e-9, 100 + 1e-9).all()
    # Diversification is 1 − similarity / 100 between a country and the world.
    div = ind.diversification(exports, world="WLD").set_index("reporter_iso3").diversification
    for c in COUNTRIES:
        pair = fk[(fk.reporter_iso3_a == c) & (fk.reporter_iso3_b == "WLD")].export_similarity
        assert div[c] == pytest.approx(1 - pair.item() / 100, abs=1e-9)
        assert 0 <= div[c] <= 1


@settings(max_examples=8, deadline=None)
@given(worlds(max_products=3), st.sampled_from([1e-6, 1e3, 7.5]))
def test_every_ratio_is_invariant_to_the_currency_unit(df, factor):
    scaled = df.assign(value_usd=df.value_usd * factor)
    exports = df[(df.flow == "export") & (df.partner_iso3 == "WLD")]
    calls = [
        lambda d: ind.coverage_ratio(d),
        lambda d: ind.normalised_balance(d),
        lambda d: ind.shares(d),
        lambda d: ind.trade_intensity(d, kind="exports"),
        lambda d: ind.trade_intensity(d, kind="drysdale"),
        lambda d: ind.drysdale_decomposition(d),
        lambda d: ind.rca(d[d.index.isin(exports.index) & (d.reporter_iso3 != "WLD")]),
        lambda d: ind.diversification(d[d.index.isin(exports.index)], world="WLD"),
        lambda d: ind.complementarity(d),
        lambda d: ind.export_similarity(d[d.index.isin(exports.index)]),
        lambda d: ind.grubel_lloyd(
            d[(d.partner_iso3 != "WLD") & (d.reporter_iso3 != "WLD")], aggregate=True
        ),
        lambda d: ind.hhi(d),
        lambda d: ind.market_penetration(d),
        lambda d: ind.market_penetration(d, side="exporter"),
    ]
    for call in calls:
        pd.testing.assert_frame_equal(call(df), call(scaled), rtol=1e-9)


# --- Cross-check against an independent implementation -----------------------------------


@settings(max_examples=10, deadline=None)
@given(worlds())
def test_rca_matches_the_ecomplexity_package(df):
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    exports = df[(df.flow == "export") & (df.partner_iso3 == "WLD") & (df.reporter_iso3 != "WLD")]
    ours = ind.rca(exports)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ecomplexity(
            exports[["reporter_iso3", "product", "year", "value_usd"]],
            {"time": "year", "loc": "reporter_iso3", "prod": "product", "val": "value_usd"},
            verbose=False,
        )
    merged = ours.merge(theirs, on=["reporter_iso3", "product", "year"], validate="one_to_one")
    assert len(merged) == len(ours)
    np.testing.assert_allclose(merged.rca_x, merged.rca_y, rtol=1e-9)
