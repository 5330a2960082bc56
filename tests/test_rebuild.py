import shutil

import pytest

from analysis import data
from analysis.config import DATA_DIR
from analysis.errors import DataError
from analysis.sources.rebuild import rebuild


def test_rebuild_gives_the_committed_tables_byte_for_byte(raw_dir, tmp_path):
    lines = []
    written = rebuild(raw_dir, tmp_path, log=lines.append)
    assert {p.name for p in written} == {p.name for p in DATA_DIR.glob("*.csv")} | {
        "datapackage.json"
    }
    for path in written:
        assert path.read_bytes() == (DATA_DIR / path.name).read_bytes(), path.name
    # Every step reports its row counts.
    assert any("rows in" in line for line in lines)


def test_a_changed_raw_file_stops_the_rebuild(raw_dir, tmp_path):
    raw = tmp_path / "sources"
    shutil.copytree(raw_dir, raw)
    shutil.copytree(raw_dir.parent / "brief", tmp_path / "brief")
    path = raw / "comtrade_india_2019_by_partner" / "comtrade_IND_2019_all_partners_total.csv"
    path.write_bytes(path.read_bytes().replace(b"12744471522", b"12744471523"))
    with pytest.raises(
        DataError, match="comtrade_IND_2019_all_partners_total.csv::: expected sha256"
    ):
        rebuild(raw, tmp_path / "out", log=lambda _: None)


def test_a_missing_raw_folder_names_the_file(tmp_path):
    with pytest.raises(DataError, match="no file"):
        rebuild(tmp_path / "nowhere", tmp_path / "out", log=lambda _: None)


def test_a_stale_correction_stops_the_rebuild(raw_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "corrections.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",490,", ",491,"), encoding="utf-8")
    with pytest.raises(DataError, match="correction K001 in data/corrections.csv"):
        rebuild(raw_dir, tmp_path / "out", data_dir=folder, log=lambda _: None)


def test_india_japan_totals_match_the_official_figures():
    trade = data.load("india_japan_trade").set_index(["period", "flow", "source_id"])["value_usd"]
    # FY2018-19: Embassy of India Tokyo / MEA give 4.86 and 12.77 bn; the EIDB sums are exact.
    assert trade[("2018-19", "export", "dgcis_eidb_hs2")] == 4_861_500_000
    assert trade[("2018-19", "import", "dgcis_eidb_hs2")] == 12_772_430_000
    # PIB, FY2010-11: 5,092.15 and 8,632.03 US$ mn.
    assert abs(trade[("2010-11", "export", "dgcis_eidb_hs2")] / 5_092.15e6 - 1) < 0.001
    assert abs(trade[("2010-11", "import", "dgcis_eidb_hs2")] / 8_632.03e6 - 1) < 0.001


def test_india_world_totals_2019_and_partner_sums_reconcile():
    df = data.load("india_trade_by_partner_2019")
    world = df[df.partner_iso3 == "WLD"].set_index("flow")["value_usd"]
    assert world["export"] == 323_250_726_424 and world["import"] == 478_883_729_111
    parts = df[df.partner_iso3 != "WLD"].groupby("flow")["value_usd"].sum()
    assert (abs(parts / world - 1) < 1e-6).all()


def test_india_japan_trade_has_one_row_per_key_and_both_flows():
    trade = data.load("india_japan_trade")
    per_period = trade.groupby(["period_basis", "period", "source_id"])["flow"].agg(sorted)
    assert all(flows == ["export", "import"] for flows in per_period)
    fiscal = trade[(trade.period_basis == "fiscal_apr_mar") & (trade.source_id == "dgcis_eidb_hs2")]
    assert sorted(fiscal.period.unique()) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2010, 2022)]
    assert set(trade.grade) <= {"file", "A", "B"}  # no grade C figure is used
