"""The ``panel`` command: a BACI zip or Parquet files in, the indicator as Parquet out."""

import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from analysis.__main__ import main
from analysis.errors import IndicatorWarning
from analysis.measures import expressions as ex
from analysis.measures import panel as pn
from analysis.measures import panel_cli

pytestmark = [
    pytest.mark.filterwarnings("ignore:The 'future.infer_string' option is deprecated"),
    pytest.mark.filterwarnings("ignore:fetch_arrow_table\\(\\) is deprecated"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


def make_panel(seed=0, years=(2014, 2015, 2016)):
    rng = np.random.default_rng(seed)
    t, i, j, k = np.meshgrid(years, [4, 8, 12, 16], [4, 8, 12, 16], [10121, 20110, 30211],
                             indexing="ij")  # fmt: skip
    keep = (i != j) & (rng.random(i.shape) < 0.6)
    df = pd.DataFrame({"t": t[keep], "i": i[keep], "j": j[keep], "k": k[keep]})
    return df.assign(v=np.round(rng.lognormal(2.0, 1.5, len(df)), 3), q=1.0)


def baci_zip(path, df):
    """Write the panel as BACI ships it: a CSV per year and the country codes, zipped."""
    with zipfile.ZipFile(path, "w") as archive:
        for year, rows in df.groupby("t"):
            archive.writestr(f"BACI_HS92_Y{year}_V202501.csv", rows.to_csv(index=False))
        archive.writestr("country_codes_V202501.csv", "country_code,country_iso3\n4,AFG\n")
    return path


def oracle(fn, df, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)
        return fn(df, engine="pandas", **kwargs).reset_index(drop=True)


def same(got, expected):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False,
                                  check_exact=False, rtol=1e-9, atol=1e-9)  # fmt: skip


def test_the_command_names_every_indicator():
    assert panel_cli.NAMES == tuple(ex.INDICATORS)


def test_rca_of_some_years_of_a_baci_zip(tmp_path, capsys):
    df = make_panel()
    out = tmp_path / "out" / "rca.parquet"
    status = main(["panel", "rca", str(baci_zip(tmp_path / "baci.zip", df)),
                   "--years", "2015-2016", "--out", str(out)])  # fmt: skip
    assert status == 0
    kept = df[df["t"] >= 2015]
    same(pd.read_parquet(out), oracle(pn.rca, kept))
    printed = capsys.readouterr()
    assert f"checked {len(kept):,} rows: blank_keys 0" in printed.out
    assert "duplicate_rows 0" in printed.out
    assert printed.err == ""  # progress only on a terminal
    assert not list(out.parent.glob(".panel-*"))  # the extracted year files are gone


def test_options_reach_the_indicator(tmp_path):
    df = make_panel(seed=1)
    df.to_parquet(tmp_path / "panel.parquet")
    out = tmp_path / "hhi.parquet"
    assert main(["panel", "hhi", str(tmp_path / "*.parquet"), "--of", "importer",
                 "--out", str(out)]) == 0  # fmt: skip
    same(pd.read_parquet(out), oracle(pn.hhi, df, of="importer"))
    assert main(["panel", "trade_intensity", str(tmp_path / "panel.parquet"), "--kind",
                 "drysdale", "--out", str(out)]) == 0  # fmt: skip
    same(pd.read_parquet(out), oracle(pn.trade_intensity, df, kind="drysdale"))


def test_a_bad_panel_prints_its_counts_and_fails(tmp_path, capsys):
    df = make_panel(seed=2)
    bad = pd.concat([df, df.head(3), df.head(1).assign(j=df["i"].iloc[0])], ignore_index=True)
    bad.to_parquet(tmp_path / "bad.parquet")
    status = main(["panel", "rca", str(tmp_path / "bad.parquet"), "--out",
                   str(tmp_path / "rca.parquet")])  # fmt: skip
    assert status == 1
    printed = capsys.readouterr()
    assert "self_trade 1," in printed.out
    duplicates = int(bad.duplicated(["t", "i", "j", "k"], keep=False).sum())
    assert f"duplicate_rows {duplicates:,}" in printed.out
    assert "(self_trade)" in printed.err
    assert not (tmp_path / "rca.parquet").exists()


def test_bad_years_are_refused(tmp_path, capsys):
    assert main(["panel", "rca", str(tmp_path), "--years", "2020-2015", "--out",
                 str(tmp_path / "x.parquet")]) == 1  # fmt: skip
    assert "--years" in capsys.readouterr().err


def test_spark_writes_the_same_table_as_duckdb(tmp_path):
    df = make_panel(seed=3)
    folder = tmp_path / "panel"
    folder.mkdir()
    for year, rows in df.groupby("t"):
        rows.to_parquet(folder / f"{year}.parquet")
    duck, spark = tmp_path / "duck.parquet", tmp_path / "spark"
    args = ["panel", "complementarity", str(folder), "--years", "2014-2015"]
    assert main([*args, "--out", str(duck)]) == 0
    assert main([*args, "--out", str(spark), "--engine", "spark"]) == 0
    # Spark writes a folder of part files, in no particular order.
    got = pd.read_parquet(spark).sort_values(["year", "exporter", "importer"])
    same(got, pd.read_parquet(duck))
    same(pd.read_parquet(duck), oracle(pn.complementarity, df[df["t"] <= 2015]))
