import pandas as pd
import pytest

from analysis import columnar
from analysis.errors import DataError

SCHEMA = {
    "fields": [
        {
            "name": "code",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Z]{3}"},
        },
        {
            "name": "year",
            "type": "year",
            "constraints": {"required": True, "minimum": 1960, "maximum": 2020},
        },
        {"name": "flow", "type": "string", "constraints": {"enum": ["export", "import"]}},
        {"name": "value_usd", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "is_estimate", "type": "boolean"},
    ],
    "primaryKey": ["code", "year", "flow"],
    "foreignKeys": [{"fields": "code", "reference": {"resource": "c", "fields": "iso3"}}],
}
GOOD = pd.DataFrame(
    {
        "code": ["IND", "IND", "JPN"],
        "year": [2019, 2020, 2020],
        "flow": ["export", "export", "import"],
        "value_usd": [1, 2, 3],
        "is_estimate": [False, True, False],
    }
)


def roundtrip(tmp_path, frame, lookups=None):
    path = tmp_path / "t.parquet"
    columnar.write_table(frame, SCHEMA, path)
    return columnar.read_table(path, SCHEMA, file="t.parquet", lookups=lookups)


def test_a_valid_table_comes_back_typed_and_whole(tmp_path):
    out = roundtrip(tmp_path, GOOD, {"code": {"IND", "JPN"}})
    pd.testing.assert_frame_equal(out, GOOD, check_dtype=False)
    assert str(out["code"].dtype) == "str" and out["year"].dtype == "int64"


def test_writes_are_byte_stable(tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    columnar.write_table(GOOD, SCHEMA, a)
    columnar.write_table(GOOD.copy(), SCHEMA, b)
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"code": ["IND", "IND", "jpn"]},
            "t.parquet:3:code: expected text matching [A-Z]{3}, found 'jpn'",
        ),
        (
            {"flow": ["export", "export", "imports"]},
            "t.parquet:3:flow: expected one of export, import",
        ),
        ({"year": [2019, 2020, 2021]}, "t.parquet:3:year: expected a value <= 2020, found 2021"),
        ({"value_usd": [1, -2, 3]}, "t.parquet:2:value_usd: expected a value >= 0, found -2"),
        (
            {"year": [2020, 2020, 2020]},
            "t.parquet:2:code,year,flow: expected a unique key, found 'IND=2020=export'",
        ),
        (
            {"code": ["IND", "IND", "KOR"]},
            "t.parquet:3:code: expected a code listed in c, found 'KOR'",
        ),
        ({"code": ["IND", "IND", "=1+2"]}, "t.parquet:3:code: expected text matching"),
    ],
)
def test_a_bad_cell_names_file_row_and_column(tmp_path, change, message):
    with pytest.raises(DataError) as err:
        roundtrip(tmp_path, GOOD.assign(**change), {"code": {"IND", "JPN"}})
    assert message in str(err.value)


def test_a_missing_required_value_is_named(tmp_path):
    bad = GOOD.assign(code=["IND", None, "JPN"])
    with pytest.raises(DataError, match="t.parquet:2:code: expected a value"):
        roundtrip(tmp_path, bad)


def test_many_bad_rows_are_counted_not_listed(tmp_path):
    n = 50
    frame = pd.DataFrame(
        {
            "code": ["IND"] * n,
            "year": range(1961, 1961 + n),
            "flow": ["exports"] * n,
            "value_usd": [1] * n,
            "is_estimate": [False] * n,
        }
    )
    with pytest.raises(DataError) as err:
        roundtrip(tmp_path, frame)
    assert f"{n - columnar.ROWS_SHOWN} more rows like these" in str(err.value)


def test_a_file_that_is_not_parquet_is_refused(tmp_path):
    path = tmp_path / "t.parquet"
    path.write_text("reporter,partner\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected a Parquet file"):
        columnar.read_table(path, SCHEMA, file="t.parquet")


def test_other_columns_are_refused(tmp_path):
    path = tmp_path / "t.parquet"
    columnar.write_table(GOOD, SCHEMA, path)
    other = {**SCHEMA, "fields": SCHEMA["fields"][:-1]}
    with pytest.raises(DataError, match="expected the columns code, year, flow, value_usd"):
        columnar.read_table(path, other, file="t.parquet")


def test_a_formula_in_plain_text_is_refused(tmp_path):
    schema = {"fields": [{"name": "note", "type": "string"}]}
    path = tmp_path / "t.parquet"
    columnar.write_table(pd.DataFrame({"note": ["fine", "=HYPERLINK(1)"]}), schema, path)
    with pytest.raises(DataError, match="t.parquet:2:note: expected plain text"):
        columnar.read_table(path, schema, file="t.parquet")


def test_nan_in_a_required_number_and_a_blank_key_are_refused(tmp_path):
    schema = {
        "fields": [
            {"name": "k", "type": "string"},
            {"name": "x", "type": "number", "constraints": {"required": True}},
            {"name": "flag", "type": "integer", "constraints": {"enum": [0, 1]}},
        ],
        "primaryKey": ["k"],
    }
    frame = pd.DataFrame({"k": ["a", None], "x": [1.0, float("nan")], "flag": [0, 2]})
    path = tmp_path / "t.parquet"
    columnar.write_table(frame, schema, path)
    with pytest.raises(DataError) as err:
        columnar.read_table(path, schema, file="t.parquet")
    text = str(err.value)
    assert "t.parquet:2:k: expected a value" in text
    assert "t.parquet:2:x: expected a value" in text
    assert "t.parquet:2:flag: expected one of 0, 1, found 2" in text


def test_a_type_parquet_cannot_hold_is_a_clear_error(tmp_path):
    path = tmp_path / "t.parquet"
    columnar.write_table(GOOD, SCHEMA, path)
    dated = {**SCHEMA, "fields": [*SCHEMA["fields"][:-1], {"name": "is_estimate",
                                                          "type": "date"}]}  # fmt: skip
    with pytest.raises(DataError, match="is_estimate: expected a type a Parquet table may hold"):
        columnar.read_table(path, dated, file="t.parquet")


def test_wide_keys_do_not_overflow(tmp_path):
    n = 3000
    schema = {"fields": [{"name": c, "type": "integer"} for c in "abcdef"],
              "primaryKey": list("abcdef")}  # fmt: skip
    frame = pd.DataFrame({c: range(i, i + n) for i, c in enumerate("abcdef")})
    path = tmp_path / "t.parquet"
    columnar.write_table(frame, schema, path)
    assert len(columnar.read_table(path, schema, file="t.parquet")) == n
    columnar.write_table(pd.concat([frame, frame.tail(1)]), schema, path)
    with pytest.raises(DataError, match=f"t.parquet:{n + 1}:a,b,c,d,e,f: expected a unique key"):
        columnar.read_table(path, schema, file="t.parquet")
