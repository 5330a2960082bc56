"""The corpus of broken files: each must stop with its own clear error, never a traceback."""

import csv
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import ROOT
from analysis.data import parse_table, read_csv_text
from analysis.errors import DataError, IndicatorWarning
from analysis.measures import indicators
from analysis.validate import validate_file

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = list(csv.DictReader(open(CORPUS / "expected.csv", encoding="utf-8")))
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def test_the_corpus_is_complete():
    assert len(CASES) >= 65
    assert {c["file"] for c in CASES} == {p.name for p in CORPUS.glob("*.csv")} - {"expected.csv"}


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_each_broken_file_gives_its_error(case):
    path = CORPUS / case["file"]
    with pytest.raises(DataError) as err:
        validate_file(path, table=case["table"] or None)
    message = str(err.value)
    assert case["expected"] in message
    assert all(p.file == str(path) for p in err.value.problems)
    if case["row"]:
        assert int(case["row"]) in {p.row for p in err.value.problems}
    # Nothing from the file reaches a terminal unescaped.
    assert not UNSAFE.search(message.replace("\n", ""))


@pytest.mark.parametrize(
    ("name", "cell"), [("huge_number", "9" * 10_000_000), ("very_long_line", "x" * 200_000)]
)
def test_giant_cells_are_refused_quickly(tmp_path, name, cell):
    path = tmp_path / f"{name}.csv"
    good = (CORPUS / "units_in_millions.csv").read_text(encoding="utf-8")
    path.write_text(good.replace(",5091,", f",{cell},"), encoding="utf-8")
    with pytest.raises(DataError, match=f"{name}.csv:2:"):
        validate_file(path, table="india_japan_trade")


def test_validate_command_prints_problems_and_exits_1():
    bad = CORPUS / "duplicated_key.csv"
    result = subprocess.run([sys.executable, "-m", "analysis", "validate", str(bad)],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert result.returncode == 1
    assert f"{bad}:5:" in result.stderr and "Traceback" not in result.stderr
    good = ROOT / "data" / "gdp.csv"
    result = subprocess.run([sys.executable, "-m", "analysis", "validate", str(good)],
                            capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0 and "valid gdp table" in result.stdout


SCHEMA = {
    "fields": [
        {"name": "code", "type": "string",
         "constraints": {"required": True, "pattern": "[A-Z]{3}"}},
        {"name": "year", "type": "year", "constraints": {"required": True, "minimum": 1900,
                                                         "maximum": 2100}},
        {"name": "value_usd", "type": "integer", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["code", "year"],
}  # fmt: skip
codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
valid_rows = st.lists(
    st.tuples(codes, st.integers(1900, 2100), st.one_of(st.none(), st.integers(0, 10**15))),
    min_size=1, max_size=30, unique_by=lambda r: (r[0], r[1]),
)  # fmt: skip


# Cells that break each column's rule (code, year, value_usd).
INVALID = [
    ["", "jp", "JAPAN", "=1+1", "J1N"],
    ["", "x", "2019-20", "3000", "1899", "1,999", "nan"],
    ["x", "1,000", "-5", "nan", "1.5", "=1+1"],
]


def as_text(rows):
    return [[c, str(y), "" if v is None else str(v)] for c, y, v in rows]


@settings(max_examples=80, deadline=None)
@given(valid_rows)
def test_valid_tables_never_raise_and_keep_every_row(rows):
    out = parse_table(["code", "year", "value_usd"], as_text(rows), SCHEMA, file="f.csv")
    assert len(out) == len(rows)
    assert out["year"].tolist() == [y for _, y, _ in rows]


@settings(max_examples=80, deadline=None)
@given(valid_rows, st.data())
def test_a_corrupted_cell_always_raises_the_package_error(rows, draw):
    text = as_text(rows)
    i = draw.draw(st.integers(0, len(text) - 1))
    j = draw.draw(st.integers(0, 2))
    text[i][j] = draw.draw(st.sampled_from(INVALID[j]))
    with pytest.raises(DataError):
        parse_table(["code", "year", "value_usd"], text, SCHEMA, file="f.csv")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_random_bytes_give_data_error_or_a_table(tmp_path, blob):
    path = tmp_path / "random.csv"
    path.write_bytes(blob)
    try:
        header, rows = read_csv_text(path)
        parse_table(header, rows, SCHEMA, file="random.csv")
    except DataError:
        pass


flows = st.lists(
    st.tuples(st.integers(2000, 2005), st.sampled_from(["export", "import"]),
              st.floats(0, 1e12, allow_nan=False)),
    min_size=1, max_size=12, unique_by=lambda r: (r[0], r[1]),
)  # fmt: skip


def long_table(rows):
    return pd.DataFrame(rows, columns=["year", "flow", "value_usd"])


@settings(max_examples=60, deadline=None)
@given(flows)
def test_indicators_accept_every_valid_table_and_keep_every_group(rows):
    df = long_table(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IndicatorWarning)  # zero divisors warn by design
        out = indicators.summary(df)
    assert sorted(out.year) == sorted(df.year.unique())


@settings(max_examples=60, deadline=None)
@given(flows, st.sampled_from(["duplicate", "flow", "column"]))
def test_indicators_refuse_every_invalid_table_with_the_package_error(rows, kind):
    df = long_table(rows)
    if kind == "duplicate":
        df = pd.concat([df, df.iloc[:1]])
    elif kind == "flow":
        df.loc[df.index[0], "flow"] = "re-export"
    else:
        df = df.drop(columns="flow")
    with pytest.raises(DataError):
        indicators.summary(df)
