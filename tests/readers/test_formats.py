from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.readers import formats

FIXTURES = Path(__file__).parents[1] / "fixtures"
BACI = FIXTURES / "BACI_HS17_Y2020_V202401.csv"
BACI_CODES = FIXTURES / "country_codes_V202401.csv"


def load(name: str, *companions: Path) -> formats.Loaded:
    return formats.load_file(FIXTURES / name, companions=companions)


def reasons(pairs) -> dict[str, int]:
    return dict(pairs)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("comtrade_plus_IND_2021-2022.csv", "comtrade_plus"),
        ("comtrade_classic_IND_KOR_2019-2020.csv", "comtrade_classic"),
        ("BACI_HS17_Y2020_V202401.csv", "baci"),
        ("country_codes_V202401.csv", "baci_countries"),
        ("imf_dots_IND_KOR_2018-2022.csv", "imf_dots"),
        ("imf_dots_wide_IND_KOR_2016-2017.csv", "imf_dots"),
        ("imf_imts_sdmx_IND_KOR_2023.csv", "imf_sdmx"),
        ("wits_IND_2018.csv", "wits_raw"),
        ("wits_summary_IND_2017.csv", "wits_summary"),
    ],
)
def test_format_is_detected_from_the_header(name, fmt):
    header = list(pd.read_csv(FIXTURES / name, nrows=0, encoding="utf-8-sig").columns)
    assert formats.detect(header).name == fmt


def test_every_loader_returns_the_canonical_columns():
    paths = sorted(FIXTURES.glob("*.csv"))
    loaded = formats.load_files(paths)
    assert len(loaded) == len(paths) - 1  # the BACI country codes are a companion
    for x in loaded:
        assert tuple(x.table.columns) == formats.COLUMNS
        assert set(x.table["flow"]) <= {"export", "import", "re-export", "re-import"}
        assert x.table["value_usd"].notna().all()
        assert x.provenance.rows_out == len(x.table)
        assert len(x.provenance.sha256) == 64


def test_unknown_header_lists_what_was_expected(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("country,year,amount\nIND,2020,1\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        formats.load_files([path])
    message = str(err.value)
    assert "mystery.csv:1:" in message
    for expected in (
        "primaryValue",
        "Trade Value (US$)",
        "t, i, j, k, v, q",
        "OBS_VALUE",
        "TradeValue in 1000 USD",
        "Counterpart Country Name",
    ):
        assert expected in message


def test_bad_number_names_file_row_and_column(tmp_path):
    text = (FIXTURES / "wits_IND_2018.csv").read_text(encoding="utf-8")
    path = tmp_path / "wits_bad.csv"
    path.write_text(text.replace("4703214.5", "4 703 214.5", 1), encoding="utf-8")
    with pytest.raises(
        DataError, match=r"wits_bad.csv:2:TradeValue in 1000 USD: expected a number"
    ):
        formats.load_files([path])


def test_comtrade_plus_keeps_world_aggregates_reflows_and_confidential_labelled():
    x = load("comtrade_plus_IND_2021-2022.csv")
    t, p = x.table, x.provenance
    assert p.hs_vintage == "HS2022" and p.value_unit == "US$"
    assert "byte-order mark removed" in p.conversions
    assert reasons(p.dropped) == {
        "breakdown by motCode (totals kept)": 1,
        "months of an incomplete year (fewer than 12 months: not an annual figure)": 1,
    }
    world = t[t["partner_iso3"] == "WLD"]
    assert set(world["partner_kind"]) == {"world"} and len(world) == 4
    assert set(t.loc[t["partner_kind"] == "aggregate", "partner_iso3"]) == {"_X"}
    assert set(t["flow"]) == {"export", "import", "re-export", "re-import"}
    secret = t[t["product_kind"] == "confidential"]
    assert set(secret["product"]) == {"99"}
    labels = reasons(p.labelled)
    assert labels["quantity without a unit"] == 1
    steel = t[(t["product"] == "72") & (t["flow"] == "export")].iloc[0]
    assert steel["quantity"] == 1.25e9 and steel["quantity_unit"] == "kg"
    kor = t[(t["partner_iso3"] == "KOR") & (t["product"] == "TOTAL") & (t["year"] == 2022)]
    assert kor.set_index("flow").loc["export", "value_usd"] == 6.73e9


def test_comtrade_classic_reads_other_asia_nes_as_taiwan_and_says_so():
    x = load("comtrade_classic_IND_KOR_2019-2020.csv")
    t = x.table
    assert x.provenance.hs_vintage == "HS2017" and x.provenance.dropped == ()
    # "Other Asia, nes" has no ISO code in the file: UN statistics' name for Taiwan.
    assert "TWN" in set(t.loc[t["partner_kind"] == "country", "partner_iso3"])
    assert any("read as Taiwan (TWN)" in c for c in x.provenance.conversions)
    assert t.loc[t["product"] == "9999", "product_kind"].tolist() == ["confidential"]
    assert {"KOR", "IND"} <= set(t["reporter_iso3"])
    unitless = t[t["quantity"].notna() & (t["quantity_unit"] == "")]
    assert unitless["product"].tolist() == ["72"]
    # "No Quantity" means no quantity, not zero kilograms.
    assert t.loc[t["product"] == "TOTAL", "quantity"].isna().all()


def test_baci_converts_thousands_pads_codes_and_keeps_missing_quantities():
    x = load(BACI.name, BACI_CODES)
    t, p = x.table, x.provenance
    assert p.hs_vintage == "HS2017" and p.value_unit == "thousand US$"
    assert "v: thousand US$ × 1000 = US$" in p.conversions
    first = t.iloc[0]
    assert first["product"] == "010121" and first["value_usd"] == pytest.approx(12_500)
    assert pd.isna(first["quantity"]) and first["quantity_unit"] == ""
    assert t.loc[1, "quantity_unit"] == "t"
    assert set(t["basis"]) == {"reconciled"} and set(t["flow"]) == {"export"}
    assert t.loc[t["partner_kind"] == "aggregate", "partner_iso3"].tolist() == ["S19"]


def test_baci_needs_its_country_code_file():
    with pytest.raises(DataError, match="country_codes_V"):
        formats.load_files([BACI])


def test_imf_keeps_exports_fob_and_imports_cif_of_annual_periods():
    x = load("imf_dots_IND_KOR_2018-2022.csv")
    t, p = x.table, x.provenance
    assert reasons(p.dropped) == {
        "indicator TBG_USD (only exports FOB and imports CIF kept)": 1,
        "indicator TMG_FOB_USD (only exports FOB and imports CIF kept)": 1,
        "months of an incomplete year (fewer than 12 months: not an annual figure)": 1,
    }
    assert set(t["reporter_iso3"]) == {"IND", "KOR"}
    aggregates = set(t.loc[t["partner_kind"] == "aggregate", "partner_iso3"])
    # A region name that mentions countries is an aggregate, not Afghanistan.
    assert aggregates == {
        "Advanced Economies",
        "Middle East, North Africa, Afghanistan, and Pakistan",
    }


def test_imf_wide_and_sdmx_layouts():
    wide = load("imf_dots_wide_IND_KOR_2016-2017.csv")
    assert len(wide.table) == 8 and wide.provenance.rows_in == 6
    assert sorted(set(wide.table["year"])) == [2016, 2017]
    sdmx = load("imf_imts_sdmx_IND_KOR_2023.csv")
    kor = sdmx.table[sdmx.table["partner_iso3"] == "KOR"].set_index("flow")
    assert kor.loc["export", "value_usd"] == pytest.approx(6_390.2e6)
    assert sdmx.provenance.value_unit == "US$ × 1,000,000"
    assert set(sdmx.table.loc[sdmx.table["partner_kind"] == "world", "partner_iso3"]) == {"WLD"}


def test_wits_raw_and_summary_convert_thousands():
    raw = load("wits_IND_2018.csv")
    t = raw.table
    kor = t[(t["partner_iso3"] == "KOR") & (t["product"] == "TOTAL")].set_index("flow")
    assert kor.loc["export", "value_usd"] == pytest.approx(4_703_214_500)
    assert kor.loc["re-export", "value_usd"] == pytest.approx(35_120_300)
    assert t.loc[t["partner_kind"] == "aggregate", "partner_iso3"].tolist() == ["UNS"]
    assert reasons(raw.provenance.labelled)["quantity without a unit"] == 1
    summary = load("wits_summary_IND_2017.csv")
    s = summary.table
    assert s.loc[s["partner_iso3"] == "KOR", "value_usd"].tolist() == pytest.approx(
        [4_460_312_100, 16_354_210_700]
    )
    assert set(s.loc[s["partner_kind"] == "aggregate", "partner_iso3"]) == {"East Asia & Pacific"}


def test_country_converter_resolves_codes_and_names():
    assert formats.country_iso3("Korea, Rep. of") == "KOR"
    assert formats.country_iso3("kr") == "KOR"
    assert formats.country_iso3("Atlantis") is None
    assert formats.country_name("WLD") == "World"
