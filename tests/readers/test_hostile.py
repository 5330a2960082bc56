"""Careless and hostile downloads: each is read exactly, or refused naming file, line and column.

Every case starts from a small valid classic Comtrade file and breaks it the way a tired
analyst or an attacker would; the expected figures are computed from the rows here.
"""

import gzip
import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.measures import pair
from analysis.readers import files, formats

HEADER = (
    "Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,"
    "Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Trade Value (US$)"
)
ROWS = [
    "H4,2019,2,Export,699,India,IND,392,Japan,JPN,TOTAL,All,1000",
    "H4,2019,1,Import,699,India,IND,392,Japan,JPN,TOTAL,All,2000",
    "H4,2019,2,Export,699,India,IND,0,World,WLD,TOTAL,All,50000",
    "H4,2019,1,Import,699,India,IND,0,World,WLD,TOTAL,All,60000",
    "H4,2019,2,Export,699,India,IND,392,Japan,JPN,03,Fish,400",
    "H4,2019,2,Export,699,India,IND,392,Japan,JPN,85,Electrical machinery,600",
]


def write(path: Path, rows: list[str], *, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def value(rows: list[str]) -> pd.Series:
    """The raw file's Trade Value by (flow, partner ISO, commodity), summed from its cells."""
    frame = pd.read_csv(io.StringIO("\n".join([HEADER, *rows])), dtype=str)
    frame["v"] = frame["Trade Value (US$)"].astype(float)
    return frame.groupby(["Trade Flow", "Partner ISO", "Commodity Code"])["v"].sum()


def exports(path: Path) -> float:
    t = formats.load_file(path).table
    return float(t[(t["partner_iso3"] == "JPN") & (t["flow"] == "export")
                   & (t["product"] == "TOTAL")]["value_usd"].sum())  # fmt: skip


def refusal(paths: list[Path]) -> str:
    with pytest.raises(DataError) as err:
        pair.select(formats.load_files(paths), "IND", "JPN")
    return str(err.value)


@pytest.mark.parametrize(
    "repeat",
    [ROWS[0], ROWS[0].replace("JPN,", "JPN ,"), ROWS[0].replace("India,", " India ,")],
    ids=["exact", "trailing-space", "spaces-around"],
)
def test_a_row_given_twice_is_counted_once_and_said(tmp_path, repeat):
    loaded = formats.load_file(write(tmp_path / "f.csv", [*ROWS, repeat]))
    assert exports(tmp_path / "f.csv") == value(ROWS)[("Export", "JPN", "TOTAL")]
    assert dict(loaded.provenance.dropped) == {formats._REPEATED_ROW: 1}


def test_a_row_given_twice_with_another_value_is_refused_with_both_lines(tmp_path):
    message = refusal([write(tmp_path / "f.csv", [*ROWS, ROWS[0].replace("1000", "1500")])])
    assert "f.csv:2:value" in message
    assert "1,000 US$ on line 2; 1,500 US$ on line 8" in message


def test_rows_that_differ_only_in_a_name_read_as_one_code_say_so(tmp_path):
    twin = ROWS[0].replace("392,Japan,JPN", "392,Nippon,JPN").replace("1000", "7")
    message = refusal([write(tmp_path / "f.csv", [*ROWS, twin])])
    assert "the lines differ in Partner ('Japan' vs 'Nippon')" in message


def test_two_unspecified_areas_of_one_name_are_kept_apart(tmp_path):
    area = "H4,2019,2,Export,699,India,IND,899,Areas nes,,TOTAL,All,{}"
    loaded = formats.load_file(write(tmp_path / "f.csv", [*ROWS, area.format(5), area.format(9)]))
    t = loaded.table
    assert t.loc[t["partner_iso3"] == "899", "value_usd"].sum() == 14


def test_a_download_joined_to_itself_counts_each_figure_once(tmp_path):
    joined = [*ROWS, HEADER, *ROWS]
    loaded = formats.load_file(write(tmp_path / "f.csv", joined))
    assert exports(tmp_path / "f.csv") == value(ROWS)[("Export", "JPN", "TOTAL")]
    assert dict(loaded.provenance.dropped) == {formats._REPEATED_ROW: len(ROWS)}
    assert any("1 repeated header line(s) skipped" in c for c in loaded.provenance.conversions)


def test_two_downloads_joined_keep_both_years_and_skip_the_second_header(tmp_path):
    later = [r.replace("2019", "2020") for r in ROWS]
    loaded = formats.load_file(write(tmp_path / "f.csv", [*ROWS, HEADER, *later]))
    t = loaded.table
    assert sorted(set(t["year"])) == [2019, 2020] and loaded.provenance.dropped == ()


def test_a_large_joined_download_read_by_the_columnar_reader_skips_the_header_too(tmp_path):
    # Past files.LARGE_BYTES a file is read by pyarrow, which would take the header for data.
    partners = ["JPN", "KOR", "USA", "CHN", "DEU", "FRA", "GBR", "ITA", "BRA", "ZAF"]
    body = [f"H4,{y},2,Export,699,India,IND,1,Partner,{p},{c:02d},Goods,{y + c}"
            for y in range(1980, 2020) for p in partners for c in range(1, 98)]  # fmt: skip
    half = len(body) // 2
    path = write(tmp_path / "big.csv", [*body[:half], HEADER, *body[half:]])
    assert path.stat().st_size > files.LARGE_BYTES
    loaded = formats.load_file(path)
    assert len(loaded.table) == len(body)
    assert loaded.table["value_usd"].sum() == sum(int(r.rsplit(",", 1)[1]) for r in body)
    assert any("1 repeated header line(s) skipped" in c for c in loaded.provenance.conversions)


@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        ("0000", "Year", "a year from 1920 to"),
        ("1850", "Year", "a year from 1920 to"),
        ("2999", "Year", "a year from 1920 to"),
        ("-5", "Trade Value (US$)", "a finite amount of zero or more"),
        ("inf", "Trade Value (US$)", "a finite amount of zero or more"),
        ("-inf", "Trade Value (US$)", "a finite amount of zero or more"),
        ("1,5", "Trade Value (US$)", "a number (no separators)"),
    ],
)
def test_impossible_years_and_amounts_name_line_and_column(tmp_path, cell, column, expected):
    cells = ROWS[1].split(",")
    cells[HEADER.split(",").index(column)] = f'"{cell}"' if "," in cell else cell
    with pytest.raises(DataError) as err:
        formats.load_file(write(tmp_path / "f.csv", [*ROWS, ",".join(cells)]))
    assert f"f.csv:8:{column}: expected {expected}" in str(err.value)
    assert repr(cell) in str(err.value)


def test_a_partner_larger_than_the_world_is_refused(tmp_path):
    rows = [r.replace(",1000", ",90000") for r in ROWS]
    message = refusal([write(tmp_path / "f.csv", rows)])
    assert "f.csv::value" in message and "at most its exports with the World" in message
    assert "90,000 US$" in message


def test_codes_of_no_classification_are_counted_and_lost_zeros_put_back(tmp_path):
    rows = [*ROWS, ROWS[4].replace("03,Fish", "72A,Iron"), ROWS[4].replace("03,Fish", "7,Veg")]
    loaded = formats.load_file(write(tmp_path / "f.csv", rows))
    t, labelled = loaded.table, dict(loaded.provenance.labelled)
    assert [k for k in labelled if k.startswith("product code of no HS")] and sum(
        n for k, n in labelled.items() if k.startswith("product code of no HS")
    ) == 1
    assert t.loc[t["product"] == "07", "product_kind"].tolist() == ["hs"]
    assert any("leading zero" in c for c in loaded.provenance.conversions)


def test_sitc_sections_of_one_digit_are_sitc_products(tmp_path):
    rows = [r.replace("H4,", "S4,") for r in ROWS[:4]]
    rows += ["S4,2019,2,Export,699,India,IND,392,Japan,JPN,7,Machinery,700"]
    t = formats.load_file(write(tmp_path / "f.csv", rows)).table
    assert t.loc[t["product"] == "7", "product_kind"].tolist() == ["sitc"]


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    header = HEADER.replace("Commodity,", "Partner,")
    with pytest.raises(DataError, match=r"f.csv:1:Partner: expected each column named once"):
        formats.load_file(write(tmp_path / "f.csv", ROWS, header=header))


def test_a_file_of_two_encodings_is_refused_at_the_line_that_breaks(tmp_path):
    text = "\n".join([HEADER, *ROWS]).replace("Japan", "Türkiye") + "\n"
    latin = ROWS[1].replace("Japan", "Türkiye").replace("2019", "2018")
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8") + latin.encode("latin-1") + b"\n")
    with pytest.raises(DataError) as err:
        formats.load_file(path)
    assert "f.csv:8:: expected one encoding for the whole file (UTF-8 like line 2)" in str(
        err.value
    )


def test_the_same_file_twice_is_refused_and_two_files_of_one_name_stay_apart(tmp_path):
    first = write(tmp_path / "f.csv", ROWS)
    assert "expected each file given once" in refusal([first, first])
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    a = write(tmp_path / "a" / "comtrade.csv", ROWS)
    b = write(tmp_path / "b" / "comtrade.csv", [r.replace(",1000", ",1100") for r in ROWS])
    chosen = pair.select(formats.load_files([a, b]), "IND", "JPN")
    assert len({p.file for p in chosen.provenance}) == 2
    # The first file listed wins: its figure, not the two summed.
    assert pair.by_year(chosen)["exports_usd"].tolist() == [value(ROWS)[("Export", "JPN", "TOTAL")]]


def test_sdmx_without_its_unit_multiplier_is_refused(tmp_path):
    path = tmp_path / "imf.csv"
    header = "DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,OBS_VALUE"
    path.write_text(f"{header}\nIMF.STA:IMTS(1.0.0),IND,XG_FOB_USD,KOR,A,2023,6390.2\n")
    with pytest.raises(DataError, match="imf.csv:1:UNIT_MULT: expected a UNIT_MULT"):
        formats.load_file(path)


def test_a_month_given_twice_is_counted_once_or_refused(tmp_path):
    head = HEADER.replace("Year,", "Year,Period,")
    months = [ROWS[0].replace("2019,", f"2019,2019{m:02d},").replace("1000", "10")
              for m in range(1, 13)]  # fmt: skip
    loaded = formats.load_file(write(tmp_path / "m.csv", [*months, months[3]], header=head))
    assert loaded.table["value_usd"].sum() == 120
    assert dict(loaded.provenance.dropped) == {formats._REPEATED_ROW: 1}
    clash = months[3].replace(",10", ",11")
    with pytest.raises(DataError, match=r"2019M04 given twice with different values"):
        formats.load_file(write(tmp_path / "c.csv", [*months, clash], header=head))


def test_a_gzip_bomb_is_stopped_before_it_fills_the_memory(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write((HEADER + "\n").encode())
        zeros = b"0" * (1 << 24)
        for _ in range(4):  # 64 MiB of digits, some 60 KiB packed
            out.write(zeros)
    with pytest.raises(DataError) as err:
        files.open_tables(path)
    assert "a compressed file that inflates to at most" in str(err.value)
    assert "decompression bomb" in str(err.value)


def test_a_zip_bomb_member_is_stopped(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data.csv", HEADER + "\n" + "0" * (48 << 20))
    with pytest.raises(DataError, match=r"bomb.zip:data.csv::: expected a compressed file"):
        files.open_tables(path)


@pytest.mark.parametrize("kind", ["loop", "missing", "folder"])
def test_paths_that_are_not_readable_files_are_named(tmp_path, kind):
    path = tmp_path / kind
    if kind == "loop":
        os.symlink(path, path)
    elif kind == "folder":
        path.mkdir()
    expected = {"loop": "Too many levels of symbolic links", "missing": "No such file",
                "folder": "a folder"}[kind]  # fmt: skip
    with pytest.raises(DataError, match=expected):
        formats.load_files([path])


def test_an_excel_workbook_with_an_impossible_row_number_is_refused(tmp_path):
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="99999999"><c t="inlineStr"><is><t>x</t></is></c></row>'
             "</sheetData></worksheet>")  # fmt: skip
    buf = io.BytesIO()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   '<sheet name="S" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Target="worksheets/s.xml"/>'
                   "</Relationships>")  # fmt: skip
        z.writestr("xl/worksheets/s.xml", sheet)
    path = tmp_path / "book.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(DataError, match="beyond Excel's 1,048,576"):
        files.open_tables(path)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(repeats=st.lists(st.integers(0, len(ROWS) - 1), max_size=8), spaces=st.booleans())
def test_repeating_any_rows_changes_no_figure(tmp_path, repeats, spaces):
    extra = [ROWS[i].replace(",", " ," if spaces else ",", 1) for i in repeats]
    path = write(tmp_path / "p.csv", [*ROWS, *extra])
    loaded = formats.load_file(path)
    t = loaded.table
    got = t.groupby(["flow", "partner_iso3", "product"])["value_usd"].sum()
    assert got.tolist() == value(ROWS).tolist()
    assert sum(dict(loaded.provenance.dropped).values()) == len(repeats)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(row=st.integers(0, len(ROWS) - 1), delta=st.integers(1, 10**6))
def test_repeating_a_row_with_another_value_is_always_refused(tmp_path, row, delta):
    cells = ROWS[row].split(",")
    cells[-1] = str(int(cells[-1]) + delta)
    with pytest.raises(DataError, match="given twice with different values"):
        formats.load_file(write(tmp_path / "q.csv", [*ROWS, ",".join(cells)]))


def test_lines_are_counted_from_where_a_row_starts_after_a_quoted_line_break(tmp_path):
    rows = [ROWS[0].replace("Japan", '"Japan,\nthe islands"'), ROWS[1].replace("2000", "x")]
    with pytest.raises(DataError, match=r"f.csv:4:Trade Value \(US\$\): expected a number"):
        formats.load_file(write(tmp_path / "f.csv", rows))


def test_an_iso2_code_in_an_iso3_column_is_read_as_its_country(tmp_path):
    rows = [*ROWS, ROWS[4].replace("JPN,03,Fish", "JP,04,Dairy")]
    t = formats.load_file(write(tmp_path / "f.csv", rows)).table
    assert t.loc[t["product"] == "04", "partner_iso3"].tolist() == ["JPN"]


def test_a_large_baci_file_read_for_two_countries_keeps_their_rows_and_counts_the_rest(tmp_path):
    codes = Path(__file__).parents[1] / "fixtures" / "country_codes_V202401.csv"
    numbers = pd.read_csv(codes, dtype=str)["country_code"].astype(int).tolist()[:40]
    rows = [f"{t},{i},{j},{k:06d},{(i * j + k) % 997 + 1}.5,NA" for t in range(2000, 2021)
            for i in numbers for j in numbers if i != j for k in range(10101, 10301)]  # fmt: skip
    path = tmp_path / "BACI_HS17_Y2020_V202401.csv"
    path.write_text("t,i,j,k,v,q\n" + "\n".join(rows) + "\n")
    assert path.stat().st_size > files.LARGE_BYTES
    iso = dict(pd.read_csv(codes, dtype=str)[["country_code", "country_iso3"]].values)
    a, b = iso[str(numbers[0])], iso[str(numbers[1])]
    whole = formats.load_files([path, codes])[0]
    part = formats.load_files([path, codes], countries=[a, b])[0]
    mine = whole.table[whole.table["reporter_iso3"].isin([a, b])
                       | whole.table["partner_iso3"].isin([a, b])]  # fmt: skip
    assert len(part.table) == len(mine) and part.table["value_usd"].sum() == mine["value_usd"].sum()
    skipped = dict(part.provenance.dropped)
    assert skipped == {
        f"rows without {a} or {b}, not read (not used for the pair)": len(rows) - len(mine)
    }
    assert part.provenance.rows_in == len(rows)
    assert pair.by_year(pair.select([part], a, b)).equals(pair.by_year(pair.select([whole], a, b)))


def test_a_build_reads_a_file_once_and_again_if_it_changes(tmp_path, monkeypatch):
    from analysis.config import READ_MEMO_ENV

    memo = tmp_path / "memo"
    memo.mkdir()
    monkeypatch.setenv(READ_MEMO_ENV, str(memo))
    path = write(tmp_path / "f.csv", ROWS)
    first = formats.load_files([path], countries=["IND", "JPN"])
    assert len(list(memo.iterdir())) == 1
    again = formats.load_files([path], countries=["IND", "JPN"])
    assert again[0].table.equals(first[0].table)
    write(path, [r.replace(",1000", ",1234") for r in ROWS])
    changed = formats.load_files([path], countries=["IND", "JPN"])
    assert 1234 in changed[0].table["value_usd"].tolist()


FIXTURES = Path(__file__).parents[1] / "fixtures"
DOWNLOADS = sorted(p.name for p in FIXTURES.glob("*.csv") if "country_codes" not in p.name)
DAMAGE = [b",", b'"', b"\n", b"\r", b"-", b"1e309", b"\xff\xfe", b"\t", b";", b"NaN", b"\x00", b""]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(DOWNLOADS),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 30), st.sampled_from(DAMAGE)),
        min_size=1,
        max_size=4,
    ),  # fmt: skip
)
def test_a_damaged_download_is_read_or_refused_never_a_traceback(tmp_path, name, edits):
    data = (FIXTURES / name).read_bytes()
    for where, cut, text in edits:
        at = int(where * len(data))
        data = data[:at] + text + data[at + cut :]
    path = tmp_path / name
    path.write_bytes(data)
    paths = [path, FIXTURES / "country_codes_V202401.csv"] if name.startswith("BACI") else [path]
    try:
        loaded = formats.load_files(paths)
        for x in loaded:
            t = x.table
            assert set(formats.COLUMNS) == set(t.columns)
            assert (t["value_usd"].dropna() >= 0).all() and t["year"].between(1920, 2100).all()
            countries = [c for c in pd.unique(t["reporter_iso3"].astype(str)) if len(c) == 3]
            if countries:
                partner = next((c for c in ("KOR", "IND", "USA") if c != countries[0]), "KOR")
                pair.by_year(pair.select(loaded, countries[0], partner))
    except DataError as err:
        # Every refusal names the file (or the argument) it is about.
        assert name in str(err) or "<arguments>" in str(err)
