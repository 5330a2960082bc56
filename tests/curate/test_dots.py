"""The DOTS panel against its raw file and the source's own cross-checks."""

import gzip

import pandas as pd
import pytest

from analysis import data
from analysis.curate.dots import reconcile_partner_sums
from analysis.measures import bilateral

RAW = "imf_dots_all_reporters_1960_2020/dots_all_reporters_all_partners_1960_2020.csv.gz"


@pytest.fixture(scope="module")
def dots():
    return data.load("dots_trade")


@pytest.fixture(scope="module")
def raw_pairs(raw_dir):
    """The raw rows of three reporters, read with the standard library (not the loader)."""
    import csv

    keep = {"India", "Japan", "China, P.R.: Mainland"}
    rows = []
    with gzip.open(raw_dir / RAW, "rt", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["reporter_name"] in keep:
                rows.append(r)
    return pd.DataFrame(rows)


def test_every_raw_cell_is_a_row(dots, raw_dir):
    with gzip.open(raw_dir / RAW, "rb") as fh:
        lines = sum(1 for _ in fh) - 1
    assert len(dots) == lines


@pytest.mark.parametrize(
    ("reporter", "partner"), [("JPN", "IND"), ("IND", "JPN"), ("CHN", "JPN"), ("JPN", "CHN")]
)
def test_pair_values_equal_the_raw_millions(dots, raw_pairs, reporter, partner):
    names = {"IND": "India", "JPN": "Japan", "CHN": "China, P.R.: Mainland"}
    raw = raw_pairs[
        (raw_pairs.reporter_name == names[reporter]) & (raw_pairs.partner_iso3 == partner)
    ]
    expected = {(int(r.year), r.flow[:6]): float(r.value_usd_mn) * 1e6 for r in raw.itertuples()}
    rows = dots[(dots.reporter_iso3 == reporter) & (dots.partner_iso3 == partner)]
    got = {(int(r.year), r.flow): float(r.value_usd) for r in rows.itertuples()}
    assert got.keys() == expected.keys()
    assert all(abs(got[k] - expected[k]) <= 0.5 for k in got)


def test_japan_china_2020_matches_cepii_imf_columns(dots):
    # PROVENANCE.md: JPN->CHN 2020 exports 140,543.9 and China's imports from Japan 176,089.0
    # equal CEPII Gravity's tradeflow_imf_o/d (US$ million).
    jc = bilateral.mirror_gaps(dots, "JPN", "CHN", cif_fob_factor=1.06)
    row = jc[(jc.exporter_iso3 == "JPN") & (jc.year == 2020)].iloc[0]
    assert row.exporter_fob_usd == pytest.approx(140_543.9e6, abs=1e5)
    assert row.importer_cif_usd == pytest.approx(176_089.0e6, abs=1e5)


def test_india_2019_matches_un_comtrade_within_a_tenth_of_a_percent(dots):
    comtrade = data.load("india_trade_by_partner_2019")
    mine = bilateral.pair_totals(dots, "IND", "JPN", reporter="IND").set_index("year").loc[2019]
    ct = comtrade[comtrade.partner_iso3 == "JPN"].set_index("flow")["value_usd"]
    assert mine.exports_usd == pytest.approx(ct["export"], rel=1e-3)
    assert mine.imports_usd == pytest.approx(ct["import"], rel=1e-3)


def test_partner_sums_reconcile_with_the_world_total(dots):
    check = reconcile_partner_sums(dots)
    assert check["reconciled"].mean() > 0.99
    assert check["gap_rel"].abs().median() < 1e-3


def test_aggregates_and_unallocated_are_kept_apart(dots):
    kinds = dots.groupby("partner_kind")["partner_iso3"].unique()
    assert "WLD" in kinds["aggregate"] and "XUP" in kinds["unallocated"]
    assert not set(kinds["aggregate"]) & set(kinds["economy"])
    ranking = bilateral.partner_ranking(dots, "JPN", 2020)
    assert not ranking.partner_iso3.isin([*kinds["aggregate"], *kinds["unallocated"]]).any()


def test_every_code_has_a_name(dots):
    names = data.load("country_codes").set_index("iso3")["name"]
    codes = set(dots.reporter_iso3) | set(dots.partner_iso3)
    assert codes <= set(names.index)
    assert data.country_name("XUP") == "Special Categories"
