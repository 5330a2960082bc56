import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import DataError, IndicatorWarning
from analysis.measures import indicators as ind
from analysis.measures import panel as pn

FAST = settings(max_examples=12, deadline=None)
ENGINES = ["pandas", "duckdb"]
AGREE = dict(check_exact=False, rtol=1e-9, atol=1e-9)


def make_panel(seed=0, countries=5, products=6, years=2, density=0.4, zero_share=0.0):
    """Return a small BACI-layout panel (t, i, j, k, v), sorted, with lognormal values."""
    rng = np.random.default_rng(seed)
    t, i, j, k = np.meshgrid(
        np.arange(2000, 2000 + years),
        np.arange(1, countries + 1) * 4,
        np.arange(1, countries + 1) * 4,
        np.arange(1, products + 1) * 101,
        indexing="ij",
    )
    keep = (i != j) & (rng.random(i.shape) < density)
    df = pd.DataFrame({"t": t[keep], "i": i[keep], "j": j[keep], "k": k[keep]})
    v = np.round(rng.lognormal(3.0, 2.0, len(df)), 3)
    v[rng.random(len(df)) < zero_share] = 0.0
    return df.assign(v=v, q=1.0)


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return fn(*args, **kwargs)


def by_engine(fn, df, tmp_path, **kwargs):
    """Compute with each engine, from the DataFrame and from a Parquet file."""
    path = tmp_path / "panel.parquet"
    df.to_parquet(path)
    return {
        (engine, kind): quiet(fn, source, engine=engine, **kwargs)
        for engine in ENGINES
        for kind, source in (("frame", df), ("parquet", path))
    }


def assert_engines_agree(results):
    first, *others = results.values()
    for other in others:
        pd.testing.assert_frame_equal(first, other, **AGREE)
    return first


# --- Canonical tables for analysis.measures.indicators -----------------------------


def canonical(df, **extra):
    return pd.DataFrame(
        {
            "reporter_iso3": df["i"].map("C{:03d}".format),
            "partner_iso3": df["j"].map("C{:03d}".format) if "j" in df else "WLD",
            **({"product": df["k"]} if "k" in df else {}),
            "year": df["t"],
            "flow": "export",
            "value_usd": df["v"],
            **extra,
        }
    )


def as_codes(out, *columns):
    return out.assign(**{c: out[c].map("C{:03d}".format) for c in columns})


def compare_subset(panel_out, reference, keys, column, rest):
    """Panel rows must match the reference; the reference's other rows must satisfy ``rest``."""
    both = reference.merge(panel_out, on=keys, how="left", suffixes=("_ref", ""), indicator=True)
    matched = both[both["_merge"] == "both"]
    assert len(matched) == len(panel_out)
    np.testing.assert_allclose(matched[column], matched[f"{column}_ref"], rtol=1e-9, atol=1e-9)
    assert rest(both.loc[both["_merge"] == "left_only", f"{column}_ref"]).all()


# --- Agreement: two engines and analysis.measures.indicators ------------------------


def test_rca_agrees_across_engines_and_with_indicators(tmp_path):
    df = make_panel(seed=1)
    out = assert_engines_agree(by_engine(pn.rca, df, tmp_path))
    x = df.groupby(["t", "i", "k"], as_index=False)["v"].sum()
    reference = quiet(ind.rca, ind.fill_missing(canonical(x)).drop(columns="filled"))
    got = as_codes(out.rename(columns={"exporter": "reporter_iso3"}), "reporter_iso3")
    # Products an exporter does not export: RCA 0 (or NaN where nobody exports them).
    compare_subset(
        got, reference, ["reporter_iso3", "product", "year"], "rca", lambda r: r.fillna(0) == 0
    )


@pytest.mark.parametrize("of", ["product", "importer"])
def test_hhi_agrees_across_engines_and_with_indicators(tmp_path, of):
    df = make_panel(seed=2)
    out = assert_engines_agree(by_engine(pn.hhi, df, tmp_path, of=of))
    if of == "product":
        reference = quiet(ind.hhi, canonical(df), of="product")
    else:
        pairs = df.groupby(["t", "i", "j"], as_index=False)["v"].sum()
        reference = quiet(ind.hhi, canonical(pairs), of="partner_iso3")
    got = as_codes(
        out.rename(columns={"exporter": "reporter_iso3", "importer": "partner_iso3"}),
        *(["reporter_iso3", "partner_iso3"] if of == "product" else ["reporter_iso3"]),
    )
    keys = [c for c in ("reporter_iso3", "partner_iso3", "year") if c in got]
    merged = reference.merge(got, on=keys, validate="one_to_one", suffixes=("_ref", ""))
    assert len(merged) == len(got) == len(reference)
    assert (merged["n"] == merged["n_ref"]).all()
    for column in ("hhi", "hhi_normalised"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_ref"], rtol=1e-9)


def intensity_reference(df, kind):
    """Build the canonical table trade_intensity needs: bilateral, world and import rows."""
    pairs = df.groupby(["t", "i", "j"], as_index=False)["v"].sum()
    countries = np.union1d(df["i"], df["j"])
    rows = [canonical(pairs)]
    for t, year in pairs.groupby("t"):
        x_i = year.groupby("i")["v"].sum()
        m_j = year.groupby("j")["v"].sum().reindex(countries, fill_value=0.0)
        w = year["v"].sum()
        code = pd.Index(countries).map("C{:03d}".format)
        rows += [
            pd.DataFrame({"reporter_iso3": x_i.index.map("C{:03d}".format), "partner_iso3": "WLD",
                          "year": t, "flow": "export", "value_usd": x_i.to_numpy()}),
            pd.DataFrame({"reporter_iso3": "WLD", "partner_iso3": code, "year": t,
                          "flow": "export", "value_usd": m_j.to_numpy()}),
            pd.DataFrame({"reporter_iso3": code, "partner_iso3": "WLD", "year": t,
                          "flow": "import", "value_usd": m_j.to_numpy()}),
            pd.DataFrame({"reporter_iso3": "WLD", "partner_iso3": "WLD", "year": [t, t],
                          "flow": ["export", "import"], "value_usd": [w, w]}),
        ]  # fmt: skip
    return quiet(ind.trade_intensity, pd.concat(rows, ignore_index=True), kind=kind)


@pytest.mark.parametrize("kind", ["exports", "imports", "drysdale"])
def test_trade_intensity_agrees_across_engines_and_with_indicators(tmp_path, kind):
    df = make_panel(seed=3)
    out = assert_engines_agree(by_engine(pn.trade_intensity, df, tmp_path, kind=kind))
    reference = intensity_reference(df, kind)
    got = as_codes(
        out.rename(columns={"exporter": "reporter_iso3", "importer": "partner_iso3"}),
        "reporter_iso3",
        "partner_iso3",
    )
    keys = ["reporter_iso3", "partner_iso3", "year"]
    compare_subset(got, reference, keys, "trade_intensity", lambda r: r.isna())
    assert len(got) == len(reference)


def test_complementarity_agrees_across_engines_and_with_indicators(tmp_path):
    df = make_panel(seed=4, density=0.25)
    out = assert_engines_agree(by_engine(pn.complementarity, df, tmp_path))
    x = df.groupby(["t", "i", "k"], as_index=False)["v"].sum()
    m = df.groupby(["t", "j", "k"], as_index=False)["v"].sum().rename(columns={"j": "i"})
    table = pd.concat([canonical(x), canonical(m).assign(flow="import")], ignore_index=True)
    reference = quiet(ind.complementarity, ind.fill_missing(table).drop(columns="filled"))
    got = as_codes(
        out.rename(columns={"exporter": "reporter_iso3", "importer": "partner_iso3"}),
        "reporter_iso3",
        "partner_iso3",
    )
    # Countries that do not export (or import) in a year have no row: NaN in indicators.
    keys = ["reporter_iso3", "partner_iso3", "year"]
    compare_subset(got, reference, keys, "complementarity", lambda r: r.isna())


@FAST
@given(
    seed=st.integers(0, 10_000),
    countries=st.integers(2, 6),
    products=st.integers(1, 5),
    years=st.integers(1, 3),
    density=st.floats(0.05, 1.0),
    zero_share=st.sampled_from([0.0, 0.3]),
)
def test_engines_agree_on_random_panels(seed, countries, products, years, density, zero_share):
    df = make_panel(seed, countries, products, years, density, zero_share)
    if df.empty:
        return
    for fn, kwargs in (
        (pn.rca, {}),
        (pn.hhi, {"of": "product"}),
        (pn.hhi, {"of": "importer"}),
        (pn.trade_intensity, {"kind": "drysdale"}),
        (pn.complementarity, {}),
    ):
        results = [quiet(fn, df, engine=e, **kwargs) for e in ENGINES]
        pd.testing.assert_frame_equal(*results, **AGREE)


def test_unsorted_panels_and_glob_patterns_give_the_same_results(tmp_path):
    df = make_panel(seed=5, years=3)
    for year, rows in df.groupby("t"):
        rows.to_parquet(tmp_path / f"baci_{year}.parquet")
    expected = pn.rca(df, engine="pandas")
    shuffled = df.sample(frac=1.0, random_state=0)
    for engine in ENGINES:
        pd.testing.assert_frame_equal(pn.rca(shuffled, engine=engine), expected, **AGREE)
        got = pn.rca(str(tmp_path / "baci_*.parquet"), engine=engine)
        pd.testing.assert_frame_equal(got, expected, **AGREE)


def test_string_codes_and_other_column_names(tmp_path):
    df = make_panel(seed=6)
    named = pd.DataFrame(
        {
            "exporter": df["i"].map("C{:03d}".format),
            "importer": df["j"].map("C{:03d}".format),
            "hs6": df["k"].map("{:06d}".format),
            "year": df["t"],
            "value_usd": df["v"],
        }
    )
    columns = {"exporter": "exporter", "importer": "importer", "product": "hs6",
               "year": "year", "value": "value_usd"}  # fmt: skip
    results = by_engine(pn.complementarity, named, tmp_path, columns=columns)
    out = assert_engines_agree(results)
    expected = pn.complementarity(df, engine="pandas")
    np.testing.assert_allclose(out["complementarity"], expected["complementarity"], rtol=1e-9)
    assert out["exporter"].iloc[0] == "C004"


# --- Worked example, warnings, engine choice ---------------------------------------------------


def test_rca_by_hand_with_a_zero_valued_exporter():
    df = pd.DataFrame(
        {"t": 2020, "i": [4, 4, 8, 12], "j": [8, 8, 4, 4], "k": [1, 2, 1, 1],
         "v": [3.0, 1.0, 4.0, 0.0]}
    )  # fmt: skip
    for engine in ENGINES:
        with pytest.warns(IndicatorWarning, match="rca: divisor is zero.*1 rows.*'exporter': 12"):
            out = pn.rca(df, engine=engine)
        # World: product 1 = 7 of 8. Exporter 4: (3/4) / (7/8); exporter 8: (4/4) / (7/8).
        np.testing.assert_allclose(out["rca"], [6 / 7, 2.0, 8 / 7, np.nan], rtol=1e-12)


def test_auto_engine_by_size(tmp_path, monkeypatch):
    df = make_panel(seed=7)
    path = tmp_path / "panel.parquet"
    df.to_parquet(path)
    assert pn.choose_engine(df) == "pandas"
    assert pn.choose_engine(path) == "pandas"
    monkeypatch.setattr(pn, "AUTO_ROWS", len(df) - 1)
    assert pn.choose_engine(path) == "duckdb"
    assert pn.choose_engine(df) == "pandas"  # in memory already
    assert pn.choose_engine(path, "pandas") == "pandas"


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop(columns="v"), "v: expected these columns"),
        (lambda d: d.assign(v=d["v"].where(d.index != 3, -1.0)), "finite value >= 0"),
        (lambda d: d.assign(v=d["v"].where(d.index != 3, np.nan)), "finite value >= 0"),
        (lambda d: d.assign(v=d["v"].where(d.index != 3, np.inf)), "finite value >= 0"),
        (lambda d: d.assign(j=d["j"].where(d.index != 3, d["i"])), "trading with itself"),
        (lambda d: pd.concat([d, d.iloc[[3]]]), "1 rows|2 rows sharing their keys"),
        (lambda d: pd.concat([d.iloc[[3]], d]), "2 rows sharing their keys"),
        (lambda d: d.iloc[0:0], "at least one row"),
    ],
)
def test_bad_panels_are_refused_by_both_engines(engine, change, message):
    bad = change(make_panel(seed=8)).reset_index(drop=True)
    with pytest.raises(DataError, match=message):
        pn.rca(bad, engine=engine)


def test_bad_arguments_are_refused(tmp_path):
    df = make_panel(seed=9)
    with pytest.raises(DataError, match="engine: expected pandas, duckdb or auto"):
        pn.rca(df, engine="spark")
    with pytest.raises(DataError, match="kind"):
        pn.trade_intensity(df, kind="gravity")
    with pytest.raises(DataError, match="of: expected product or importer"):
        pn.hhi(df, of="partner")
    with pytest.raises(DataError, match="no such file"):
        pn.rca(tmp_path / "absent.parquet")
    with pytest.raises(DataError, match="columns"):
        pn.rca(df, columns={"exporter": "i"})
