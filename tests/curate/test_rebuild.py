import shutil

import pytest

from analysis import data
from analysis.config import DATA_DIR
from analysis.curate.rebuild import rebuild
from analysis.errors import DataError


def test_rebuild_gives_the_committed_tables_byte_for_byte(raw_dir, tmp_path):
    lines = []
    written = rebuild(raw_dir, tmp_path, log=lines.append)
    committed = {p.name for p in [*DATA_DIR.glob("*.csv"), *DATA_DIR.glob("*.parquet")]}
    assert {p.name for p in written} == committed | {"datapackage.json"}
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


def edited_sources(raw_dir, tmp_path, relpath, old, new):
    """Copy the raw folder, edit one file, and register its new checksum in a copied data/."""
    from analysis.curate.raw import sha256

    raw = tmp_path / "sources"
    shutil.copytree(raw_dir, raw)
    shutil.copytree(raw_dir.parent / "brief", tmp_path / "brief")
    path = raw / relpath
    before = sha256(path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    reg = folder / "sources.csv"
    reg.write_text(reg.read_text(encoding="utf-8").replace(before, sha256(path)), encoding="utf-8")
    return raw, folder


PUBLISHED = "published_figures/india_japan_trade_published.csv"
COMTRADE = "comtrade_india_2019_by_partner/comtrade_IND_2019_all_partners_total.csv"
HS2 = "dgcis_india_japan_hs2_fy2010_2021/india_hs2_by_partner_fy2010_2021_JPN_CHN_WORLD.csv"


@pytest.mark.parametrize(
    ("relpath", "old", "new", "expected"),
    [
        (PUBLISHED, ",5.15,17.70,", ",,17.70,", "india_exports_usd_bn: expected a value"),
        (PUBLISHED, ",5.15,17.70,", ",5;15,17.70,", "expected a number, found '5;15'"),
        (PUBLISHED, "stored web page (PTI wire copy),B,", "stored web page (PTI wire copy),,",
         "reliability: expected a grade A, B or C, found ''"),
        (PUBLISHED, "2024-25 (Apr-Jan)", "2024-25 (Jan-Apr)", "period: expected a partial fiscal"),
        (PUBLISHED, "Import Data Bank),4.66,9.85", "Import Data Bank),5.66,9.85",
         "india_exports: expected within 0.5% of the EIDB total 4.66, found 5.66"),
        (COMTRADE, ",4815593351,", ",4815593351.9,", "expected a whole number of US dollars"),
        (COMTRADE, ",4815593351,", ",,", "expected a whole number of US dollars"),
        (HS2, "JAPAN,Export,2010-11,2010,01,LIVE ANIMALS.,0.0",
         "JAPAN,Export,2010-11,2010,01,LIVE ANIMALS.,n/a",
         ":2321:value_usd_mn: expected a number"),
    ],
)  # fmt: skip
def test_bad_raw_values_stop_the_rebuild_with_file_row_and_column(
    raw_dir, tmp_path, relpath, old, new, expected
):
    raw, folder = edited_sources(raw_dir, tmp_path, relpath, old, new)
    with pytest.raises(DataError) as err:
        rebuild(raw, tmp_path / "out", data_dir=folder, log=lambda _: None)
    message = str(err.value)
    assert expected in message
    assert relpath.split("/")[-1] in message


def test_hs2_table_matches_the_official_totals_and_keeps_blanks():
    hs2 = data.load("india_trade_hs2")
    jp = hs2[(hs2.partner_iso3 == "JPN") & (hs2.period == "2018-19")]
    totals = jp.groupby("flow")["value_usd"].sum()
    assert totals["export"] == 4_861_500_000 and totals["import"] == 12_772_430_000
    # India's total imports FY2018-19: US$514.07 bn (DoC/PIB 514.08) from the sum over partners.
    world = hs2[(hs2.partner_iso3 == "WLD") & (hs2.period == "2018-19") & (hs2.flow == "import")]
    assert abs(world.value_usd.sum() / 514.07e9 - 1) < 0.001
    assert hs2.value_usd.isna().sum() == 98  # blank in the source, kept blank
    chapters = data.load("hs_chapters").set_index("hs2")
    assert chapters.loc["84", "hs_section"] == "XVI" and chapters.loc["27", "chapter_label"]
