from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import data
from analysis.curate.gravity import PANEL_YEARS, _dummy
from analysis.errors import DataError
from analysis.models import gravity
from analysis.present import charts


@pytest.fixture(scope="module")
def panel():
    return data.load("gravity_panel")


@pytest.fixture(scope="module")
def table1(panel):
    return gravity.replicate_table1(panel)


@pytest.fixture(scope="module")
def potential(panel):
    return gravity.potential(panel, n_draws=50)


# Table 1 of Yotov, Piermartini, Monteiro and Larch (2016), An Advanced Guide to Trade
# Policy Analysis, p. 42, as printed (3 decimals) in the rendered solutions of the R package
# tradepolicy: github.com/pachadotdev/tradepolicy @ 2ff22faa3adade05a3e1e8d1103752d2ebd72dc3,
# _freeze/01-traditional-gravity/execute-results/html.json, whose text says the estimates
# match the book's Table 1 (except the PPML R², not asserted here).
TABLE1 = {
    ("ols", "log_distance"): (-1.002, 0.027),
    ("ols", "contiguity"): (0.574, 0.185),
    ("ols", "common_language"): (0.802, 0.082),
    ("ols", "colony"): (0.735, 0.144),
    ("ols", "log_output"): (1.190, 0.009),
    ("ols", "log_expenditure"): (0.908, 0.010),
    ("ols", "Intercept"): (-11.283, 0.296),
    ("ols_remoteness", "log_distance"): (-1.185, 0.031),
    ("ols_remoteness", "contiguity"): (0.247, 0.177),
    ("ols_remoteness", "common_language"): (0.739, 0.078),
    ("ols_remoteness", "colony"): (0.842, 0.150),
    ("ols_remoteness", "log_output"): (1.164, 0.009),
    ("ols_remoteness", "log_expenditure"): (0.903, 0.010),
    ("ols_remoteness", "log_remoteness_exp"): (0.972, 0.068),
    ("ols_remoteness", "log_remoteness_imp"): (0.274, 0.060),
    ("ols_remoteness", "Intercept"): (-35.219, 1.986),
    ("ols_fe", "log_distance"): (-1.216, 0.038),
    ("ols_fe", "contiguity"): (0.223, 0.199),
    ("ols_fe", "common_language"): (0.661, 0.081),
    ("ols_fe", "colony"): (0.670, 0.147),
    ("ppml_fe", "log_distance"): (-0.841, 0.032),
    ("ppml_fe", "contiguity"): (0.437, 0.083),
    ("ppml_fe", "common_language"): (0.247, 0.077),
    ("ppml_fe", "colony"): (-0.222, 0.116),
}
# gegravity documentation, github.com/peter-herman/gegravity @
# 1daaff068c320240a02bbc5fa82bb026c261c9c2, docs/gegravity/index.html ("These values were
# estimated separately via PPML"); specification in examples/getting_started.py.
GEGRAVITY = {
    "log_distance_km": (-0.3898623, 0.0729915),
    "contiguity": (0.891577, 0.1327354),
    "common_language": (0.0326249, 0.0840702),
    "pta": (0.4711383, 0.1076578),
    "international": (-3.412584, 0.2151235),
}


def test_table1_of_the_advanced_guide_is_reproduced_to_3_decimals(table1):
    """OLS, OLS with remoteness, OLS with fixed effects and PPML with fixed effects.

    Published numbers: the R package tradepolicy's rendered chapter 1 (see TABLE1 above),
    which reproduces Table 1 of the book; we could not read the book's table itself.
    """
    ours = table1.set_index(["model", "term"])
    for key, (estimate, std_error) in TABLE1.items():
        assert round(ours.loc[key, "estimate"], 3) == estimate, key
        assert round(ours.loc[key, "std_error"], 3) == std_error, key
    # The book's samples: OLS drops the zero flows, PPML keeps them.
    assert ours.loc[("ols", "log_distance"), "n_obs"] == 25_689
    assert ours.loc[("ppml_fe", "log_distance"), "n_obs"] == 28_152
    assert (table1.loc[table1.model == "ols", "dropped_missing"] == 28_152 - 25_689).all()
    assert table1.converged.all() and (table1.dropped_separation == 0).all()


def test_the_published_register_holds_the_cited_numbers():
    pub = gravity.published("agtpa_table1").set_index(["model", "term"])
    assert {k: (r.estimate, r.std_error) for k, r in pub.iterrows()} == TABLE1
    assert pub.source.str.contains("2ff22faa3adade05a3e1e8d1103752d2ebd72dc3").all()
    geg = gravity.published("gegravity_example").set_index("term")
    assert {k: (r.estimate, r.std_error) for k, r in geg.iterrows()} == GEGRAVITY


def test_gegravity_published_ppml_is_reproduced():
    """PPML with exporter and importer effects on all 900 flows (gegravity example).

    Published numbers: gegravity documentation (see GEGRAVITY above). The robust standard
    errors agree to 3 decimals; the published ones carry an extra N/(N-1) factor.
    """
    ours = gravity.replicate_gegravity(data.load("gegravity_sample_2006")).set_index("term")
    for term, (estimate, std_error) in GEGRAVITY.items():
        assert ours.loc[term, "estimate"] == pytest.approx(estimate, abs=5e-6), term
        assert round(ours.loc[term, "std_error"], 3) == round(std_error, 3), term
    assert (ours.n_obs == 900).all()


def test_compare_with_published_lines_up_every_cited_coefficient(table1):
    cmp = gravity.compare_with_published(table1, gravity.published("agtpa_table1"))
    assert len(cmp) == len(TABLE1)
    assert (cmp.ours == cmp.published).all()
    assert cmp.difference.abs().max() < 5e-4
    with pytest.raises(DataError, match="a term we estimate"):
        gravity.compare_with_published(
            table1[table1.term != "colony"], gravity.published("agtpa_table1")
        )


def test_shipped_panel_is_the_square_chapter_1_panel(panel):
    assert len(panel) == 69 * 69 * len(PANEL_YEARS)
    assert sorted(panel.year.unique()) == list(PANEL_YEARS)
    ind_jpn = panel.set_index(["exporter_iso3", "importer_iso3", "year"]).trade_usd_mn
    # PROVENANCE.md of the raw folder: IND->JPN 392 (1986), 2,435 (2006); JPN->IND 4,345 (2006).
    assert round(ind_jpn[("IND", "JPN", 1986)]) == 392
    assert round(ind_jpn[("IND", "JPN", 2006)]) == 2435
    assert round(ind_jpn[("JPN", "IND", 2006)]) == 4345
    assert (panel.source_id == "agtpa_applications").all()


def test_prepare_adds_identifiers_and_drops_nothing(panel):
    df = gravity.prepare(panel)
    assert len(df) == len(panel)
    row = df.set_index(["exporter_iso3", "importer_iso3", "year"])
    assert row.loc[("IND", "JPN", 2006), "pair"] == row.loc[("JPN", "IND", 2006), "pair"]
    assert row.loc[("IND", "JPN", 2006), "exporter_year"] == "IND_2006"
    assert df.log_trade.isna().sum() == (panel.trade_usd_mn == 0).sum()
    ind = panel[(panel.exporter_iso3 == "IND") & (panel.year == 2006)].trade_usd_mn.sum()
    assert row.loc[("IND", "JPN", 2006), "output_usd_mn"] == pytest.approx(ind)
    assert (df.border_2006 == ((df.year == 2006) & (df.international == 1))).all()


def _simulated(seed=7, n=12):
    """Poisson flows from known coefficients: distance -1, border -2."""
    rng = np.random.default_rng(seed)
    codes = [f"C{i:02d}" for i in range(n)]
    size = dict(zip(codes, rng.uniform(2, 6, n), strict=True))
    rows = []
    for e in codes:
        for i in codes:
            dist = rng.uniform(1, 4)
            mu = np.exp(size[e] + size[i] - 1.0 * dist - 2.0 * (e != i))
            rows.append((e, i, dist, int(e != i), rng.poisson(mu)))
    return pd.DataFrame(rows, columns=["exp", "imp", "dist", "border", "flow"])


def test_ppml_recovers_known_coefficients_and_returns_aligned_fitted_values():
    df = _simulated()
    table, fitted = gravity.ppml(df, y="flow", x=["dist", "border"], fe=["exp", "imp"])
    est = table.set_index("term").estimate
    assert est["dist"] == pytest.approx(-1.0, abs=0.05)
    assert est["border"] == pytest.approx(-2.0, abs=0.1)
    assert fitted.index.equals(df.index)
    # PPML's adding-up property: fitted flows sum to actual flows by exporter.
    by_exp = fitted.groupby(df.exp).sum() / df.flow.groupby(df.exp).sum()
    np.testing.assert_allclose(by_exp, 1, rtol=1e-5)


def test_ppml_counts_rows_left_out_for_missing_values_and_separation():
    df = _simulated()
    df.loc[df.exp == "C03", "flow"] = 0  # an exporter that never sells: separated
    df.loc[5, "dist"] = np.nan
    table, fitted = gravity.ppml(df, y="flow", x=["dist", "border"], fe=["exp", "imp"])
    diag = table.attrs["diagnostics"]
    assert diag["dropped_missing"] == 1
    assert diag["dropped_separation"] == 12
    assert diag["n_obs"] == len(df) - 13 == table.n_obs.iloc[0]
    assert diag["converged"]
    assert fitted.isna().sum() == 13 and fitted[df.exp == "C03"].isna().all()


def test_ols_drops_zero_flows_and_says_so():
    df = _simulated()
    df["log_flow"] = np.log(df.flow.where(df.flow > 0))
    table, fitted = gravity.ols(df, y="log_flow", x=["dist", "border"], fe=["exp", "imp"])
    zeros = int((df.flow == 0).sum())
    assert zeros > 0 and table.attrs["diagnostics"]["dropped_missing"] == zeros
    assert fitted.notna().sum() == len(df) - zeros


def test_a_missing_column_is_a_data_error():
    with pytest.raises(DataError, match="nope"):
        gravity.ppml(_simulated(), y="flow", x=["nope"], fe=["exp"])


def test_potential_ratio_is_actual_over_predicted_with_an_interval(potential):
    pairs, coefficients = potential
    assert len(pairs) == 69 * 68 * len(PANEL_YEARS)  # international flows only
    np.testing.assert_allclose(pairs.ratio, pairs.trade_usd_mn / pairs.predicted_usd_mn)
    assert (pairs.ratio_low <= pairs.ratio_high).all()
    positive = pairs[pairs.trade_usd_mn > 0]
    inside = (positive.ratio >= positive.ratio_low) & (positive.ratio <= positive.ratio_high)
    assert inside.mean() > 0.9
    diag = coefficients.attrs["diagnostics"]
    assert diag["converged"] and diag["n_obs"] == 69 * 69 * len(PANEL_YEARS)
    # Borders thicken less over time (globalisation), as in the book's application 2.
    border = coefficients.set_index("term").estimate
    assert border["border_1986"] < border["border_2006"] < 0


def test_india_japan_trade_is_below_prediction_in_every_year(potential):
    pairs, _ = potential
    ij = pairs[pairs.exporter_iso3.isin(["IND", "JPN"]) & pairs.importer_iso3.isin(["IND", "JPN"])]
    assert len(ij) == 2 * len(PANEL_YEARS)
    assert (ij.ratio_high < 1).all()


def test_solved_fixed_effects_add_up_to_output_and_expenditure():
    rng = np.random.default_rng(1)
    costs = rng.uniform(0.1, 2, (3, 5, 5))
    output, expenditure = rng.uniform(1, 9, (3, 5)), rng.uniform(1, 9, (3, 5))
    expenditure *= output.sum(axis=1, keepdims=True) / expenditure.sum(axis=1, keepdims=True)
    flows = gravity._solve_fixed_effects(costs, output, expenditure)
    np.testing.assert_allclose(flows.sum(axis=2), output, rtol=1e-9)
    np.testing.assert_allclose(flows.sum(axis=1), expenditure, rtol=1e-9)


def test_largest_partners_ranks_two_way_trade(panel):
    ranked = gravity.largest_partners(panel, "IND", year=2006, n=3, exclude=["JPN"])
    assert ranked == ["USA", "CHN", "SGP"]
    assert "JPN" in gravity.largest_partners(panel, "IND", year=2006, n=15)
    with pytest.raises(DataError, match="flows of XXX"):
        gravity.largest_partners(panel, "XXX", year=2006)


def test_a_dummy_other_than_0_or_1_names_its_row():
    raw = pd.DataFrame({"cntg": ["0.0", "1.0", "2.0"]})
    with pytest.raises(DataError, match="f.csv:4:cntg: expected 0 or 1, found '2.0'"):
        _dummy(raw, "cntg", file="f.csv")


def test_potential_charts_draw_one_line_per_pair_and_the_parity_line(potential):
    pairs, _ = potential
    ij = pairs[pairs.exporter_iso3.isin(["IND", "JPN"]) & pairs.importer_iso3.isin(["IND", "JPN"])]
    fig = charts.plot_potential_over_time(ij)
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_gid() == "IND-JPN")
    np.testing.assert_allclose(line.get_ydata(), ij[ij.exporter_iso3 == "IND"].ratio)
    assert ax.get_yscale() == "log"
    assert "Yotov" in fig._supxlabel.get_text()
    one_year = pairs[(pairs.year == 2006) & (pairs.exporter_iso3 == "IND")].head(4)
    fig = charts.plot_potential_comparison(one_year, focus=["IND", "JPN"])
    assert len([ln for ln in fig.axes[0].lines if ln.get_gid()]) == 4
    with pytest.raises(DataError, match="a single year"):
        charts.plot_potential_comparison(ij, focus=["IND", "JPN"])


# --- DOTS: the panel, the model to 2020, the comparison with the Advanced Guide ----------

RAW = Path(__file__).resolve().parents[3] / "shared" / "sources"
DOTS_COLUMNS = ["reporter_iso3", "partner_iso3", "year", "flow", "value_usd", "is_estimate",
                "reporter_kind", "partner_kind", "source_id"]  # fmt: skip


def _dots(*rows):
    """dots_trade rows from (reporter, partner, year, flow, US$ million[, estimate, kind])."""
    out = []
    for r in rows:
        reporter, partner, year, flow, value_mn, *rest = r
        estimate = rest[0] if rest else False
        partner_kind = rest[1] if len(rest) > 1 else "economy"
        out.append((reporter, partner, year, flow, round(value_mn * 1e6), estimate, "economy",
                    partner_kind, "imf_dots_all"))  # fmt: skip
    return pd.DataFrame(out, columns=DOTS_COLUMNS)


def _geodist(codes, distance=None):
    rows = [(e, i, (distance or {}).get((e, i), 1000.0 + 10 * k), 0, 0, 0)
            for k, (e, i) in enumerate((e, i) for e in codes for i in codes)]  # fmt: skip
    return pd.DataFrame(rows, columns=["exporter_iso3", "importer_iso3", "distance_km",
                                       "contiguity", "common_language", "colony"])  # fmt: skip


NO_RTA = pd.DataFrame({"iso3_a": ["AAA"], "iso3_b": ["BBB"], "year": [2020], "rta_any": [1],
                       "rta_excl_psa": [1]})  # fmt: skip


def test_dots_panel_takes_the_importers_figure_and_falls_back_to_the_exporters():
    dots = _dots(
        ("AAA", "BBB", 2020, "import", 100.0),  # A's imports from B (CIF): wins ...
        ("BBB", "AAA", 2020, "export", 90.0),  # ... over B's exports to A (FOB)
        ("AAA", "BBB", 2020, "export", 50.0, True),  # B reports no imports from A: fallback
        ("AAA", "CCC", 2020, "import", 0.0),  # a reported zero is a report ...
        ("CCC", "AAA", 2020, "export", 5.0),  # ... and wins over C's positive export
        ("AAA", "WLD", 2020, "import", 999.0, False, "aggregate"),  # not a pair of economies
        ("CCC", "SUN", 2020, "export", 7.0, False, "former_economy"),
    )
    panel = gravity.dots_panel(dots, _geodist(["AAA", "BBB", "CCC"]), NO_RTA, years=[2020],
                               countries=["AAA", "BBB", "CCC"])  # fmt: skip
    row = panel.set_index(["exporter_iso3", "importer_iso3"])
    assert len(panel) == 3 * 2  # every ordered pair of different economies, once
    assert row.loc[("BBB", "AAA"), "trade_usd_mn"] == 100.0
    assert row.loc[("BBB", "AAA"), "reporter_side"] == "importer"
    assert row.loc[("AAA", "BBB"), ["trade_usd_mn", "reporter_side", "is_estimate"]].tolist() == [
        50.0, "exporter", True]  # fmt: skip
    assert row.loc[("CCC", "AAA"), ["trade_usd_mn", "reporter_side"]].tolist() == [0.0, "importer"]
    for pair in [("AAA", "CCC"), ("BBB", "CCC"), ("CCC", "BBB")]:  # neither side reports
        assert row.loc[pair, ["trade_usd_mn", "reporter_side"]].tolist() == [0.0, "none"]
    assert row.loc[("AAA", "BBB"), "rta"] == 1 and row.loc[("BBB", "AAA"), "rta"] == 1
    assert row.loc[("AAA", "CCC"), "rta"] == 0
    attrs = panel.attrs
    sides = (attrs["importer_side"], attrs["exporter_side"], attrs["zeros_not_reported"])
    assert sides == (2, 1, 3)
    assert attrs["zeros_reported"] == 1 and attrs["importer_zero_over_exporter_positive"] == 1
    assert attrs["estimates"] == 1 and attrs["n_economies"] == 3 and attrs["n_rows"] == 6
    # CCC sells nothing that is recorded; BBB buys nothing from anyone but AAA.
    assert attrs["economy_years_without_trade"] == ["CCC 2020"]


def test_dots_panel_chooses_economies_that_trade_with_enough_partners_every_year():
    codes = ["AAA", "BBB", "CCC", "DDD", "EEE"]
    rows = []
    for year in (2016, 2020):
        for e in ["AAA", "BBB", "CCC"]:
            for i in ["AAA", "BBB", "CCC"]:
                if e != i:  # A, B, C report their imports from one another
                    rows.append((i, e, year, "import", 10.0))
        # EEE reports nothing, but A and B record trade with it both ways (mirror flows).
        for other in ["AAA", "BBB"]:
            rows += [(other, "EEE", year, "import", 3.0), (other, "EEE", year, "export", 4.0)]
    rows += [("DDD", "AAA", 2020, "export", 1.0), ("AAA", "DDD", 2020, "export", 1.0)]
    dots = _dots(*rows)
    panel = gravity.dots_panel(dots, _geodist(codes), NO_RTA, years=[2016, 2020], min_partners=2)
    assert sorted(panel.exporter_iso3.unique()) == ["AAA", "BBB", "CCC", "EEE"]
    assert panel.attrs["left_out"] == ["DDD"]  # one partner, one year only
    assert "at least 2 of the others in every year" in panel.attrs["rule"]
    assert len(panel) == 4 * 3 * 2
    row = panel.set_index(["exporter_iso3", "importer_iso3", "year"])
    assert row.loc[("AAA", "EEE", 2020), ["trade_usd_mn", "reporter_side"]].tolist() == [
        4.0, "exporter"]  # fmt: skip
    assert row.loc[("EEE", "AAA", 2016), ["trade_usd_mn", "reporter_side"]].tolist() == [
        3.0, "importer"]  # fmt: skip
    # Without a GeoDist row an economy cannot enter, and a given one is refused.
    assert "EEE" not in gravity.dots_panel(dots, _geodist(codes[:4]), NO_RTA, years=[2016, 2020],
                                           min_partners=2).exporter_iso3.unique()  # fmt: skip
    with pytest.raises(DataError, match="no GeoDist row for EEE"):
        gravity.dots_panel(dots, _geodist(codes[:4]), NO_RTA, years=[2020], countries=codes)


def test_dots_panel_refuses_repeated_keys_and_negative_values():
    dots = _dots(("AAA", "BBB", 2020, "import", 1.0), ("AAA", "BBB", 2020, "import", 2.0))
    with pytest.raises(DataError, match="AAA-BBB 2020 import repeated"):
        gravity.dots_panel(dots, _geodist(["AAA", "BBB"]), NO_RTA, years=[2020])
    dots = _dots(("AAA", "BBB", 2020, "import", -1.0))
    with pytest.raises(DataError, match="a value >= 0"):
        gravity.dots_panel(dots, _geodist(["AAA", "BBB"]), NO_RTA, years=[2020])


KNOWN = {"log_distance": -0.9, "contiguity": 0.5, "common_language": 0.3, "colony": 0.2,
         "rta": 0.4}  # fmt: skip


def _international_panel(seed=3, n=14, years=(2016, 2020), noise=False):
    """International flows with mean exp(a_it + b_jt + x'β) for the KNOWN β; no self-trade."""
    rng = np.random.default_rng(seed)
    codes = [f"C{i:02d}" for i in range(n)]
    rows = []
    for e in codes:
        for i in codes:
            if e == i:
                continue
            ties = {
                "distance_km": rng.uniform(300, 15000),
                "contiguity": int(rng.random() < 0.2),
                "common_language": int(rng.random() < 0.3),
                "colony": int(rng.random() < 0.1),
            }
            for year in years:
                rows.append({"exporter_iso3": e, "importer_iso3": i, "year": year, **ties,
                             "rta": int(rng.random() < 0.4)})  # fmt: skip
    df = pd.DataFrame(rows)
    size = {(c, y): rng.uniform(8, 12) for c in codes for y in years}
    index = (np.log(df.distance_km) * KNOWN["log_distance"]
             + sum(df[t] * b for t, b in KNOWN.items() if t != "log_distance"))  # fmt: skip
    mu = np.exp(df.apply(lambda r: size[(r.exporter_iso3, r.year)]
                         + size[(r.importer_iso3, r.year)] / 2, axis=1) + index)  # fmt: skip
    df["trade_usd_mn"] = rng.poisson(mu).astype(float) if noise else mu
    return df.assign(reporter_side="importer", source_id="imf_dots_all")


def test_ppml_recovers_known_coefficients_of_an_international_panel():
    pairs, table = gravity.potential_international(_international_panel(noise=True), n_draws=20)
    est = table.set_index("term").estimate
    for term, beta in KNOWN.items():
        assert est[term] == pytest.approx(beta, abs=0.02), term
    assert table.attrs["diagnostics"]["n_obs"] == 14 * 13 * 2


def test_potential_international_reproduces_flows_made_by_the_model():
    """Flows equal to the model's mean: coefficients exact, every ratio 1, no self-trade."""
    panel = _international_panel()
    pairs, table = gravity.potential_international(panel, n_draws=30)
    est = table.set_index("term").estimate
    for term, beta in KNOWN.items():
        assert est[term] == pytest.approx(beta, abs=1e-6), term
    np.testing.assert_allclose(pairs.ratio, 1, rtol=1e-6)
    assert (pairs.ratio_low <= 1 + 1e-9).all() and (pairs.ratio_high >= 1 - 1e-9).all()
    assert (pairs.exporter_iso3 != pairs.importer_iso3).all() and len(pairs) == len(panel)
    # Adding up: predicted exports and imports equal the actual ones, with a zero diagonal.
    for side in ("exporter_iso3", "importer_iso3"):
        sums = pairs.groupby([side, "year"])[["trade_usd_mn", "predicted_usd_mn"]].sum()
        np.testing.assert_allclose(sums.predicted_usd_mn, sums.trade_usd_mn, rtol=1e-8)
    assert set(pairs.reporter_side) == {"importer"}
    with pytest.raises(DataError, match="international flows only"):
        self_trade = panel.iloc[:1].assign(importer_iso3=panel.exporter_iso3.iloc[0])
        gravity.potential_international(pd.concat([panel, self_trade]), n_draws=5)


@pytest.fixture(scope="module")
def dots_tables():
    return data.load("dots_trade"), data.load("geodist_pairs"), data.load("rta_pairs")


def test_dots_panel_on_the_real_data(dots_tables):
    dots, geodist, rta = dots_tables
    panel = gravity.dots_panel(dots, geodist, rta)
    n, years = panel.attrs["n_economies"], gravity.DOTS_YEARS
    assert len(panel) == n * (n - 1) * len(years) and 150 <= n <= 200
    assert {"IND", "JPN", "CHN", "USA", "TWN", "ZAF"} <= set(panel.exporter_iso3)
    assert "RUS" in panel.attrs["left_out"] and "BEL" in panel.attrs["left_out"]
    assert panel.attrs["economy_years_without_trade"] == []
    counts = panel.reporter_side.value_counts()
    assert counts["importer"] > 10 * counts["exporter"]
    assert counts.sum() == len(panel) and counts["none"] == panel.attrs["zeros_not_reported"]
    # IND -> JPN 2020 is Japan's record of its imports from India, in US$ million.
    japan = dots[(dots.reporter_iso3 == "JPN") & (dots.partner_iso3 == "IND")
                 & (dots.year == 2020) & (dots.flow == "import")].value_usd.iloc[0]  # fmt: skip
    row = panel.set_index(["exporter_iso3", "importer_iso3", "year"])
    assert row.loc[("IND", "JPN", 2020), "trade_usd_mn"] == japan / 1e6
    assert row.loc[("IND", "JPN", 2020), "reporter_side"] == "importer"
    # Taiwan does not report to DOTS: its imports are its partners' exports.
    assert row.loc[("JPN", "TWN", 2020), "reporter_side"] == "exporter"
    assert row.loc[("IND", "JPN", 2020), "rta"] == 1 and row.loc[("IND", "JPN", 2008), "rta"] == 0
    assert row.loc[("CHN", "IND", 2020), "rta"] == 0  # APTA is partial-scope only


def test_potential_international_on_dots_2016_2020(dots_tables):
    panel = gravity.dots_panel(*dots_tables, years=(2016, 2020))
    pairs, table = gravity.potential_international(panel, n_draws=20)
    diag = table.attrs["diagnostics"]
    assert diag["converged"] and diag["n_obs"] == len(panel) == len(pairs)
    est = table.set_index("term").estimate
    assert -1 < est["log_distance"] < -0.5 and est["rta"] > 0
    ij = pairs[pairs.exporter_iso3.isin(["IND", "JPN"]) & pairs.importer_iso3.isin(["IND", "JPN"])]
    assert len(ij) == 4 and (ij.ratio_high < 1).all()


# Table 1 (ppml_fe) is manufacturing trade; DOTS is total merchandise trade, importer-
# reported. Same countries, years and specification: the distance elasticity should agree
# to within 0.05 (about 1.5 published standard errors); on the shipped data it is 0.02.
DISTANCE_BAND = 0.05


def test_dots_comparison_with_the_advanced_guide(dots_tables):
    cmp = gravity.compare_with_agtpa(*dots_tables, data.load("gravity_panel"))
    assert cmp.term.tolist() == ["log_distance", "contiguity", "common_language", "colony"]
    assert list(cmp.columns[:3]) == ["term", "published", "ours"]
    dist = cmp.set_index("term").loc["log_distance"]
    assert dist.published == -0.841
    assert abs(dist.difference) < DISTANCE_BAND
    assert cmp.note.str.contains("manufacturing").all()
    assert cmp.note.str.contains("total merchandise").all()
    panel = cmp.attrs["panel"]
    assert panel["n_economies"] == 69 and panel["years"] == list(gravity.TABLE1_YEARS)
    assert panel["economy_years_without_trade"] == ["BEL 1986", "BEL 1990", "BEL 1994"]
    assert cmp.attrs["left_out_flows"] == 3 * 2 * 68
    assert cmp.attrs["diagnostics"]["dropped_separation"] == 0


def test_geodist_pairs_are_dist_cepii_under_standard_codes():
    raw = pd.read_csv(RAW / "cepii_geodist" / "dist_cepii.csv", keep_default_na=False,
                      na_values=[""])  # fmt: skip
    geo = data.load("geodist_pairs")
    assert len(geo) == len(raw) == 224 * 224
    row = geo.set_index(["exporter_iso3", "importer_iso3"])
    # PROVENANCE.md: IND-JPN distw 6,003.3 km, dist 5,847.7 km, no border, language, colony.
    ind_jpn = raw[(raw.iso3_o == "IND") & (raw.iso3_d == "JPN")].iloc[0]
    assert row.loc[("IND", "JPN"), "distance_km"] == ind_jpn.distw == pytest.approx(6003.253)
    assert row.loc[("IND", "JPN"), "distance_simple_km"] == ind_jpn.dist
    assert row.loc[("IND", "JPN"), ["contiguity", "common_language", "colony"]].sum() == 0
    blank = raw.distw.isna()
    assert blank.sum() == 2215
    merged = raw.merge(geo, left_on=["iso3_o", "iso3_d"], right_on=["exporter_iso3",
                                                                    "importer_iso3"])  # fmt: skip
    assert len(merged) == len(raw)
    np.testing.assert_array_equal(merged.distance_km, merged.distw.fillna(merged.distcap))
    assert (merged.contiguity == merged.contig).all() and merged.colony_x.equals(merged.colony_y)
    assert (merged.common_language == merged.comlang_off).all()
    mac_hkg = raw[(raw.iso3_o == "MAC") & (raw.iso3_d == "HKG")].iloc[0]
    assert pd.isna(mac_hkg.distw) and row.loc[("MAC", "HKG"), "distance_km"] == mac_hkg.distcap
    assert "ROU" in row.index.get_level_values(0) and "ROM" not in row.index.get_level_values(0)
    assert (geo.source_id == "cepii_geodist").all()


def test_rta_pairs_are_the_wto_pair_years_1986_2020():
    raw = pd.read_csv(RAW / "wto_rta_pairs" / "wto_rta_pairs_in_force_by_year.csv.gz")
    rta = data.load("rta_pairs")
    kept = raw[raw.year.between(1986, 2020)]
    assert len(rta) == len(kept) and rta.rta_excl_psa.sum() == kept.rta_excl_psa.sum()
    assert (rta.rta_any == 1).all() and (rta.iso3_a < rta.iso3_b).all()
    # PROVENANCE.md: 3,359 pairs in 2006 (2,389 without PSA-only), 5,096 in 2020 (4,195).
    by_year = rta.groupby("year").rta_excl_psa.agg(["size", "sum"])
    assert by_year.loc[2006].tolist() == [3359, 2389]
    assert by_year.loc[2020].tolist() == [5096, 4195]
    ind_jpn = rta[(rta.iso3_a == "IND") & (rta.iso3_b == "JPN")]
    assert ind_jpn.year.tolist() == list(range(2011, 2021))  # CEPA in force 2011-08-01
    chn_ind = rta[(rta.iso3_a == "CHN") & (rta.iso3_b == "IND")]
    assert chn_ind.year.min() == 2002 and (chn_ind.rta_excl_psa == 0).all()  # APTA: PSA
    assert rta[(rta.iso3_a == "CHN") & (rta.iso3_b == "JPN")].empty
