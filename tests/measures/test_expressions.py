"""The Ibis indicators on both engines: DuckDB embedded and Spark in local mode."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import DataError, IndicatorWarning
from analysis.measures import expressions as ex
from analysis.measures import indicators as ind
from analysis.measures import panel as pn

AGREE = dict(check_exact=False, rtol=1e-9, atol=1e-9)
# Tiny panels: one shuffle partition, no adaptive planning or code generation to warm up.
SPARK_TESTS = {
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    # A short-lived JVM: the quick JIT compiler only.
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1",
}
# ibis 12 and PySpark 4.0 call APIs that pandas 3 and DuckDB 2 deprecate.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated"),
    pytest.mark.filterwarnings("ignore:fetch_arrow_table\\(\\) is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def make_panel(seed=0, countries=5, products=6, years=2, density=0.4, zero_share=0.0):
    """Return a small BACI-layout panel (t, i, j, k, v) with lognormal values."""
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
    return df.assign(v=v)


PANEL = make_panel(seed=7, zero_share=0.1)


@pytest.fixture(scope="module")
def spark():
    # Not stopped after the module: the JVM lives as long as pytest, and a later
    # getOrCreate() (the panel command's test) reuses the session instead of a new one.
    return ex.connect("spark", spark_config=SPARK_TESTS)


@pytest.fixture(params=["duckdb", "spark"])
def con(request):
    if request.param == "duckdb":
        return ex.connect()
    return request.getfixturevalue("spark")


@pytest.fixture
def p(con):
    return ex.read_panel(con, PANEL)


def run(con, expr):
    return con.execute(expr)


def oracle(fn, df, **kwargs):
    """The NumPy engine of analysis.measures.panel, itself tested against indicators."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return fn(df, engine="pandas", **kwargs)


def quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return fn(*args, **kwargs)


def same(got, expected):
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, **AGREE
    )


def code(values):
    return values.map("C{:03d}".format)


# --- Agreement with analysis.measures.panel and analysis.measures.indicators ----------------


def test_rca_and_symmetric_rca(con, p):
    got = run(con, ex.rca(p))
    same(got, oracle(pn.rca, PANEL))
    x = PANEL.groupby(["t", "i", "k"], as_index=False)["v"].sum()
    canonical = pd.DataFrame({"reporter_iso3": code(x["i"]), "product": x["k"], "year": x["t"],
                              "flow": "export", "value_usd": x["v"]})  # fmt: skip
    grid = ind.fill_missing(canonical).drop(columns="filled")
    reference = quiet(ind.symmetric_rca, grid)
    sym = run(con, ex.symmetric_rca(p)).assign(reporter_iso3=lambda d: code(d["exporter"]))
    merged = sym.merge(reference, on=["reporter_iso3", "product", "year"], suffixes=("", "_ref"))
    assert len(merged) == len(sym)  # every row of the panel's is in the reference
    np.testing.assert_allclose(merged["symmetric_rca"], merged["symmetric_rca_ref"], rtol=1e-9)
    np.testing.assert_allclose(sym["symmetric_rca"], (got["rca"] - 1) / (got["rca"] + 1))


@pytest.mark.parametrize("of", ["product", "importer"])
def test_hhi(con, p, of):
    same(run(con, ex.hhi(p, of=of)), oracle(pn.hhi, PANEL, of=of))


@pytest.mark.parametrize("kind", ["exports", "drysdale"])
def test_trade_intensity(con, p, kind):
    same(run(con, ex.trade_intensity(p, kind=kind)), oracle(pn.trade_intensity, PANEL, kind=kind))


def test_trade_intensity_imports_form_is_the_exports_form_in_one_panel():
    con = ex.connect()
    p = ex.read_panel(con, PANEL)
    same(run(con, ex.trade_intensity(p, kind="imports")), run(con, ex.trade_intensity(p)))


def test_complementarity(con, p):
    same(run(con, ex.complementarity(p)), oracle(pn.complementarity, PANEL))


@pytest.mark.parametrize("market", ["world", "importer"])
def test_export_similarity(con, p, market):
    keys = ["t", "i", "k"] if market == "world" else ["t", "i", "j", "k"]
    x = PANEL.groupby(keys, as_index=False)["v"].sum()
    canonical = pd.DataFrame({"reporter_iso3": code(x["i"]), "product": x["k"], "year": x["t"],
                              "flow": "export", "value_usd": x["v"]})  # fmt: skip
    if market == "importer":
        canonical.insert(1, "partner_iso3", code(x["j"]))
    reference = quiet(ind.export_similarity, ind.fill_missing(canonical).drop(columns="filled"))
    got = run(con, ex.export_similarity(p, market=market))
    got = got.assign(
        reporter_iso3_a=code(got["exporter_a"]), reporter_iso3_b=code(got["exporter_b"])
    )
    on = ["year", "reporter_iso3_a", "reporter_iso3_b"]
    if market == "importer":
        got = got.assign(partner_iso3=code(got["importer"]))
        on.append("partner_iso3")
        # The reference pairs the grid's every reporter; the panel only a market's suppliers.
        merged = got.merge(reference, on=on, suffixes=("", "_ref"), validate="one_to_one")
        assert len(merged) == len(got)
    else:
        merged = got.merge(reference, on=on, suffixes=("", "_ref"), validate="one_to_one")
        assert len(merged) == len(got) == len(reference)
    np.testing.assert_allclose(
        merged["export_similarity"], merged["export_similarity_ref"], rtol=1e-9, atol=1e-9
    )


def gl_reference(**options):
    """Grubel–Lloyd of analysis.measures.indicators: each flow from both sides of the pair.

    The grid is completed with zeros, as the panel reads an absent row (BACI lists
    positive flows only).
    """
    rows = PANEL.assign(a=np.minimum(PANEL["i"], PANEL["j"]), b=np.maximum(PANEL["i"], PANEL["j"]))
    canonical = pd.DataFrame({"reporter_iso3": code(rows["a"]), "partner_iso3": code(rows["b"]),
                              "product": rows["k"], "year": rows["t"],
                              "flow": np.where(rows["i"] < rows["j"], "export", "import"),
                              "value_usd": rows["v"]})  # fmt: skip
    grid = ind.fill_missing(canonical).drop(columns="filled")
    return quiet(ind.grubel_lloyd, grid, **options)


@pytest.mark.parametrize(
    "options", [{}, {"aggregate": True}, {"aggregate": True, "adjusted": True}], ids=str
)
def test_grubel_lloyd(con, p, options):
    got = run(con, ex.grubel_lloyd(p, **options))
    got = got.assign(reporter_iso3=code(got["reporter"]), partner_iso3=code(got["partner"]))
    reference = gl_reference(**options)
    on = ["reporter_iso3", "partner_iso3", "year", *([] if options else ["product"])]
    merged = reference.merge(got, on=on, how="left", suffixes=("_ref", ""), indicator=True)
    matched = merged[merged["_merge"] == "both"]
    assert len(matched) == len(got)
    np.testing.assert_allclose(matched["grubel_lloyd"], matched["grubel_lloyd_ref"], rtol=1e-9)
    # The grid's other rows trade nothing either way: no index.
    assert merged.loc[merged["_merge"] == "left_only", "grubel_lloyd_ref"].isna().all()


def test_shares(con, p):
    got = run(con, ex.shares(p, of="exporter", within=("year", "product")))
    x = PANEL.groupby(["t", "i", "k"], as_index=False)["v"].sum()
    canonical = pd.DataFrame({"reporter_iso3": code(x["i"]), "product": x["k"], "year": x["t"],
                              "value_usd": x["v"]})  # fmt: skip
    reference = quiet(ind.shares, canonical, of="reporter_iso3", within=["year", "product"])
    got = got.assign(reporter_iso3=code(got["exporter"]))
    merged = got.merge(reference, on=["year", "product", "reporter_iso3"], suffixes=("", "_ref"))
    assert len(merged) == len(got) == len(reference)
    np.testing.assert_allclose(merged["share"], merged["share_ref"], rtol=1e-9)


def test_zero_divisors_give_nulls_not_infinities(con):
    # Exporter 8 sells only zeros: its shares are undefined, on either engine.
    df = pd.DataFrame({"t": 2020, "i": [4, 4, 8, 8], "j": [8, 12, 4, 12], "k": [1, 2, 1, 2],
                       "v": [3.0, 1.0, 0.0, 0.0]})  # fmt: skip
    p = ex.read_panel(con, df)
    out = run(con, ex.rca(p))
    assert out.loc[out["exporter"] == 8, "rca"].isna().all()
    assert np.isfinite(out.loc[out["exporter"] == 4, "rca"]).all()
    c = run(con, ex.complementarity(p))
    assert c.loc[c["exporter"] == 8, "complementarity"].isna().all()


# --- Checks, counted on the engine ------------------------------------------------------------


def bad_panel():
    """A panel with a known number of rows for each problem."""
    df = make_panel(seed=3).astype({"v": "float64", "k": "float64"})
    bad = pd.DataFrame(
        {"t": 2000, "i": [4, 8, 8, 12, 4, 16, 16], "j": [4, 8, 4, 8, 8, 20, 20],
         "k": [101.0, 101.0, np.nan, 202.0, 303.0, 909.0, 909.0],
         "v": [1.0, 2.0, 3.0, -1.0, np.inf, np.nan, 5.0]}
    )  # fmt: skip
    expected = {"rows": len(df) + len(bad), "blank_keys": 1, "blank_values": 1,
                "negative_values": 1, "infinite_values": 1, "self_trade": 2}  # fmt: skip
    both = pd.concat([df, bad], ignore_index=True)
    expected["duplicate_rows"] = int(both.duplicated(["t", "i", "j", "k"], keep=False).sum())
    return both, expected


def test_checks_count_each_problem(con):
    df, expected = bad_panel()
    assert expected["duplicate_rows"] >= 2
    counts = run(con, ex.checks(ex.read_panel(con, df))).iloc[0].to_dict()
    assert {k: int(v) for k, v in counts.items()} == expected


def test_a_clean_panel_has_no_problem():
    con = ex.connect()
    counts = run(con, ex.checks(ex.read_panel(con, PANEL))).iloc[0]
    assert counts["rows"] == len(PANEL)
    assert (counts[list(ex.CHECKS)] == 0).all()


def test_compute_refuses_a_bad_panel_naming_every_count():
    df, expected = bad_panel()
    with pytest.raises(DataError) as err:
        ex.compute("rca", df)
    text = str(err.value)
    for check in ex.CHECKS:
        assert f"found {expected[check]:,} of {expected['rows']:,} rows ({check})" in text


def test_wrong_options_are_refused():
    p = ex.read_panel(ex.connect(), PANEL)
    for call in (lambda: ex.hhi(p, of="year"), lambda: ex.trade_intensity(p, kind="x"),
                 lambda: ex.grubel_lloyd(p, adjusted=True), lambda: ex.shares(p, of="value"),
                 lambda: ex.export_similarity(p, market="j"),
                 lambda: ex.compute("eci", PANEL)):  # fmt: skip
        with pytest.raises(DataError):
            call()


# --- Files read in place ------------------------------------------------------------------------


def write_years(folder):
    for year, rows in PANEL.groupby("t"):
        rows.to_parquet(folder / f"y{year}.parquet")
        rows.to_csv(folder / f"y{year}.csv", index=False)


def test_a_parquet_folder_and_csv_files_give_the_same_panel(con, tmp_path):
    write_years(tmp_path)
    expected = oracle(pn.hhi, PANEL)
    for source in (tmp_path, sorted(tmp_path.glob("*.csv"))):
        same(run(con, ex.hhi(ex.read_panel(con, source))), expected)


def test_a_glob_and_a_range_of_years(tmp_path):
    write_years(tmp_path)
    con = ex.connect()
    expected = oracle(pn.hhi, PANEL)
    same(run(con, ex.hhi(ex.read_panel(con, str(tmp_path / "y*.parquet")))), expected)
    one_year = run(con, ex.hhi(ex.read_panel(con, tmp_path, years=(2001, 2001))))
    same(one_year, expected[expected["year"] == 2001])


def test_missing_files_and_columns_are_named(tmp_path):
    con = ex.connect()
    with pytest.raises(DataError, match="no such file"):
        ex.read_panel(con, tmp_path / "absent.parquet")
    with pytest.raises(DataError, match="::v: expected these columns"):
        ex.read_panel(con, PANEL.drop(columns="v"))


# --- Properties, on DuckDB (the expressions are the same on Spark) -------------------------------

PROPERTY = settings(max_examples=10, deadline=None)
panels = st.builds(
    make_panel,
    seed=st.integers(0, 10_000),
    countries=st.integers(2, 6),
    products=st.integers(1, 5),
    years=st.integers(1, 2),
    density=st.floats(0.3, 1.0),
    zero_share=st.sampled_from([0.0, 0.2]),
)


@PROPERTY
@given(panels)
def test_properties_of_the_indicators(df):
    if df.empty:
        return
    con = ex.connect()
    p = ex.read_panel(con, df)
    # Balassa: Σ_k (X_wk / X_w) · RCA_ik = Σ_k X_ik / X_i = 1 for every exporter that sells.
    world_k = df.groupby(["t", "k"])["v"].sum()
    world = df.groupby("t")["v"].sum()
    r = run(con, ex.rca(p))
    weight = world_k.loc[list(zip(r["year"], r["product"], strict=True))].to_numpy()
    r = r.assign(term=weight / world.loc[r["year"]].to_numpy() * r["rca"]).dropna()
    sellers = df.groupby(["t", "i"])["v"].sum() > 0
    mean = r.groupby(["year", "exporter"])["term"].sum()
    assert set(mean.index) == set(sellers[sellers].index)
    np.testing.assert_allclose(mean, 1.0, rtol=1e-9)
    s = run(con, ex.shares(p))
    sums = s.groupby(["year", "product"])["share"].sum(min_count=1).dropna()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-9)
    h = run(con, ex.hhi(p)).dropna()
    assert ((h["hhi"] >= 1 / h["n"] - 1e-12) & (h["hhi"] <= 1 + 1e-12)).all()
    gl = run(con, ex.grubel_lloyd(p)).dropna()
    assert gl["grubel_lloyd"].between(0, 1).all()
    c = run(con, ex.complementarity(p))
    same(c, oracle(pn.complementarity, df))
    assert c["complementarity"].dropna().between(-1e-9, 100 + 1e-9).all()
    same(run(con, ex.trade_intensity(p, kind="drysdale")),
         oracle(pn.trade_intensity, df, kind="drysdale"))  # fmt: skip
