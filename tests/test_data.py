import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import data
from analysis.config import DATA_DIR
from analysis.data import parse_table, read_csv_text
from analysis.errors import DataError

SCHEMA = {
    "fields": [
        {
            "name": "iso3",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{3}"},
        },
        {"name": "year", "type": "year", "constraints": {"required": True}},
        {"name": "flow", "type": "string", "constraints": {"enum": ["export", "import"]}},
        {"name": "value_usd", "type": "integer", "constraints": {"required": True, "minimum": 0}},
    ],
    "primaryKey": ["iso3", "year", "flow"],
    "foreignKeys": [
        {"fields": "iso3", "reference": {"resource": "country_codes", "fields": "iso3"}}
    ],
}
GOOD = "iso3,year,flow,value_usd\nJPN,2019,export,111\nJPN,2019,import,222\n"


def check(tmp_path: Path, text: str | bytes) -> pd.DataFrame:
    path = tmp_path / "t.csv"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    header, rows = read_csv_text(path)
    return parse_table(header, rows, SCHEMA, file="t.csv", lookups={"iso3": {"JPN", "CHN"}})


def test_valid_table_is_typed_and_complete(tmp_path):
    out = check(tmp_path, GOOD)
    expected = pd.DataFrame(
        {
            "iso3": pd.Series(["JPN", "JPN"], dtype="str"),
            "year": [2019, 2019],
            "flow": pd.Series(["export", "import"], dtype="str"),
            "value_usd": [111, 222],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "expected a header row, found an empty file"),
        ("iso3,year,flow\nJPN,2019,export\n", "t.csv:1:value_usd: expected a column named"),
        (
            GOOD.replace("value_usd", "value_usd,extra")
            .replace(",111", ",111,x")
            .replace(",222", ",222,y"),
            "t.csv:1:extra: expected only the columns",
        ),
        (GOOD + "JPN,2020,export\n", "t.csv:4:: expected 4 fields as in the header, found 3"),
        (GOOD.replace(",111", ",-1"), "t.csv:2:value_usd: expected a value >= 0, found -1"),
        (GOOD.replace(",111", ","), "t.csv:2:value_usd: expected a value, found a blank cell"),
        (GOOD.replace(",111", ",1 000"), "t.csv:2:value_usd: expected an integer"),
        (GOOD.replace(",111", ',"1,000"'), "t.csv:2:value_usd: expected an integer"),
        (GOOD.replace(",111", ",ten"), "found 'ten'"),
        (
            GOOD.replace("import", "export"),
            "t.csv:3:iso3,year,flow: expected a unique key (first seen on row 2)",
        ),
        (
            GOOD.replace("JPN,2019,import", "XXX,2019,import"),
            "t.csv:3:iso3: expected a code listed in country_codes, found 'XXX'",
        ),
        (
            GOOD.replace("JPN,2019,import", "jp,2019,import"),
            "t.csv:3:iso3: expected text matching [A-Z]{3}",
        ),
        (GOOD.replace("import", "re-export"), "t.csv:3:flow: expected one of export, import"),
        (GOOD.replace("2019,import", "FY20,import"), "t.csv:3:year: expected a year"),
    ],
)
def test_each_rule_names_file_row_and_column(tmp_path, text, expected):
    with pytest.raises(DataError) as err:
        check(tmp_path, text)
    assert expected in str(err.value)


def test_encoding_problems_are_named(tmp_path):
    with pytest.raises(DataError, match=r"t.csv:4:: expected UTF-8 text, found byte 0xe9"):
        check(tmp_path, GOOD.encode() + "CHN,2019,caf\xe9,1\n".encode("latin-1"))
    with pytest.raises(DataError, match="byte-order mark"):
        check(tmp_path, "\ufeff" + GOOD)


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    with pytest.raises(DataError) as err:
        check(tmp_path, GOOD.replace(",111", ",-1").replace(",222", ",x"))
    assert len(err.value.problems) == 2


@pytest.mark.parametrize("name", data.table_names())
def test_every_committed_table_loads(name):
    df = data.load(name)
    assert len(df) > 0
    fields = [
        f["name"]
        for f in next(r for r in data.package()["resources"] if r["name"] == name)["schema"][
            "fields"
        ]
    ]
    assert list(df.columns) == fields


def test_load_keeps_every_row_of_the_file():
    import pyarrow.parquet as pq

    for name in data.table_names():
        path = DATA_DIR / data.package()["resources"][data.table_names().index(name)]["path"]
        if path.suffix == ".parquet":
            assert len(data.load(name)) == pq.ParquetFile(path).metadata.num_rows, name
            continue
        lines = path.read_text(encoding="utf-8").count("\n")
        # Quoted cells may hold no newlines here, so rows = lines - header.
        assert len(data.load(name)) == lines - 1, name


def test_unknown_country_code_in_a_copied_data_folder(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "india_trade_by_partner_2019.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("IND,JPN,", "IND,JPX,"), encoding="utf-8"
    )
    with pytest.raises(
        DataError,
        match=r"india_trade_by_partner_2019.csv:\d+:partner_iso3: expected a code listed in "
        r"country_codes, found 'JPX'",
    ):
        data.load("india_trade_by_partner_2019", data_dir=folder)


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(DataError, match="expected a table among .*india_japan_trade"):
        data.load("no_such_table")


def test_every_data_row_cites_a_registered_source():
    sources = set(data.load("sources")["source_id"])
    for name in data.table_names():
        df = data.load(name)
        if "source_id" in df.columns and name != "corrections":
            assert set(df["source_id"]) <= sources, name


def test_citation_lists_each_source_once_in_order():
    line = data.citation(["comtrade_ind_2019", "dgcis_eidb_hs2", "comtrade_ind_2019"])
    assert (
        line == "Source: UN Comtrade, reporter India (2019); Dept of Commerce India, EIDB / DGCI&S"
    )
