"""The layouts people download, written here in the shape of real exports.

Each header is the one the publisher writes (the real files these were modelled on are
listed in the closing notes of the issue "The files people really download"); the rows
are small, and every expected figure is computed from the rows in the test.
"""

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.readers import files, formats

SHORT = (
    "Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Partner Code,"
    "Partner,Commodity Code,Commodity,Trade Value (US$),Flag"
)
SHORT_ROWS = [
    "H5,2017,1,Import,842,USA,156,China,1,Animals; live,36327640,4",
    "H5,2017,2,Export,842,USA,156,China,1,Animals; live,16729257,4",
    'H5,2017,1,Import,842,USA,156,China,85,"Electrical machinery, equipment",150000000,0',
    "H5,2017,3,Re-Export,842,USA,156,China,85,Electrical machinery,2500000,0",
    'H5,2017,1,Import,842,USA,490,"Other Asia, nes",85,Electrical machinery,42000000,0',
    "H5,2017,2,Export,842,USA,0,World,TOTAL,All Commodities,1546000000000,0",
]
CLASSIC = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,"
    "Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,"
    "Commodity Code,Commodity,Trade Value (US$),Flag"
)


def write(path: Path, header: str, rows: list[str], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def raw_sum(header: str, rows: list[str], column: str, **where: str) -> float:
    """Sum a column of the raw rows where the other columns have the given values."""
    frame = pd.read_csv(io.StringIO("\n".join([header, *rows])), dtype=str)
    for col, value in where.items():
        frame = frame[frame[col.replace("_", " ")] == value]
    return float(frame[column].astype(float).sum())


def test_the_short_classic_layout_resolves_m49_codes_and_keeps_every_flow(tmp_path):
    loaded = formats.load_file(write(tmp_path / "short.csv", SHORT, SHORT_ROWS))
    t = loaded.table
    assert loaded.provenance.format == "comtrade_classic" and loaded.provenance.dropped == ()
    assert set(t["reporter_iso3"]) == {"USA"}
    assert set(t.loc[t["partner_kind"] == "country", "partner_iso3"]) == {"CHN", "TWN"}
    assert set(t["flow"]) == {"import", "export", "re-export"}
    china_imports = t[(t["partner_iso3"] == "CHN") & (t["flow"] == "import")]["value_usd"].sum()
    assert china_imports == raw_sum(SHORT, SHORT_ROWS, "Trade Value (US$)", Partner="China",
                                    Trade_Flow="Import")  # fmt: skip
    assert t.loc[t["partner_iso3"] == "WLD", "partner_kind"].tolist() == ["world"]
    assert any("read as Taiwan (TWN)" in c for c in loaded.provenance.conversions)


def test_a_classic_file_without_reporter_or_partner_is_refused_with_the_columns_it_needs(
    tmp_path,
):
    path = write(tmp_path / "nopair.csv", "Year,Trade Flow,Commodity Code,Commodity,"
                 "Trade Value (US$)", ["2019,Import,5208,Woven cotton,1000"])  # fmt: skip
    with pytest.raises(DataError, match=r"nopair.csv:1:: expected .*Reporter ISO, Reporter Code "
                       r"or Reporter.*found no column for reporter or partner"):  # fmt: skip
        formats.load_file(path)


def test_sitc_codes_are_their_own_kind_never_hs_chapters(tmp_path):
    from analysis.measures import pair

    rows = [
        "S4,2014,2014,2014,2,0,1,Import,156,China,CHN,392,Japan,JPN,75,Office machines,9000,0",
        "S4,2014,2014,2014,2,0,2,Export,156,China,CHN,392,Japan,JPN,75,Office machines,7000,0",
        "S4,2014,2014,2014,0,0,2,Export,156,China,CHN,392,Japan,JPN,TOTAL,All,50000,0",
    ]
    loaded = formats.load_file(write(tmp_path / "sitc.csv", CLASSIC, rows))
    assert loaded.provenance.hs_vintage == "SITC Rev.4"
    kinds = dict(zip(loaded.table["product"], loaded.table["product_kind"], strict=False))
    assert kinds["75"] == "sitc" and kinds["TOTAL"] == "total"
    # HS chapter 75 is nickel: SITC 75 keeps the file's own name for it.
    chosen = pair.select([loaded], "CHN", "JPN")
    labels = pd.DataFrame({"hs2": ["75"], "chapter_label": ["Nickel and articles thereof"]})
    year, table = pair.chapters(chosen, labels=labels)
    assert year == 2014 and set(table["label"]) == {"75 Office machines"}
    assert pair.product_groups(chosen) == "SITC code"
    assert pair.products_covered(chosen) == "all goods"  # the file has a TOTAL row


def test_flow_letters_are_read_and_parts_of_flows_dropped_with_a_reason(tmp_path):
    # Newer classic exports carry the new flow codes, with Trade Flow Code 0 and W00 for World.
    rows = [
        "H6,2020,2020,2020,6,1,0,X,276,Germany,DEU,0,World,W00,252310,Clinker,500,0",
        "H6,2020,2020,2020,6,1,0,DX,276,Germany,DEU,0,World,W00,252310,Clinker,450,0",
        "H6,2020,2020,2020,6,1,0,M,276,Germany,DEU,0,World,W00,252310,Clinker,300,0",
    ]
    loaded = formats.load_file(write(tmp_path / "letters.csv", CLASSIC, rows))
    t = loaded.table
    assert sorted(t["flow"]) == ["export", "import"]
    assert t.set_index("flow").loc["export", "value_usd"] == 500
    assert sum(n for r, n in loaded.provenance.dropped if r.startswith("domestic exports")) == 1
    assert set(t["partner_kind"]) == {"world"}


def test_pre_2024_baci_country_codes_quoted_with_a_byte_order_mark(tmp_path):
    codes = tmp_path / "country_codes_V202201.csv"
    codes.write_bytes(
        b'\xef\xbb\xbfcountry_code,country_name_abbreviation,country_name_full,'
        b'iso_2digit_alpha,iso_3digit_alpha\r\n'
        b'392,"Japan","Japan","JP","JPN"\r\n699,"India","India","IN","IND"\r\n'
        b'490,"Other Asia, nes","Other Asia, not elsewhere specified","N/A","S19"\r\n'
    )  # fmt: skip
    year = write(tmp_path / "BACI_HS17_Y2020_V202201.csv", "t,i,j,k,v,q",
                 ["2020,392,699,870323,1500.5,12.0", "2020,699,392,30049,200.25,NA",
                  "2020,392,490,870323,10,1"])  # fmt: skip
    loaded = formats.load_file(year, companions=[codes])
    t = loaded.table
    assert set(zip(t["reporter_iso3"], t["partner_iso3"], strict=True)) >= {
        ("JPN", "IND"),
        ("IND", "JPN"),
    }
    assert t["value_usd"].sum() == pytest.approx((1500.5 + 200.25 + 10) * 1000)
    assert "030049" in set(t["product"])


def wide_imf(periods: list[str], values: list[str]) -> str:
    head = ("Country Name,Country Code,Indicator Name,Indicator Code,Counterpart Country Name,"
            "Counterpart Country Code,Attribute," + ",".join(periods) + ",")  # fmt: skip
    value = "Japan,158,Exports FOB,TXG_FOB_USD,India,534,Value," + ",".join(values) + ","
    status = "Japan,158,Exports FOB,TXG_FOB_USD,India,534,Status," + "," * len(values)
    return "\n".join([head, value, status]) + "\n"


def test_imf_months_are_summed_to_complete_years_and_partial_years_counted(tmp_path):
    months_2019 = [f"2019M{m}" for m in range(1, 13)]
    values = [str(100 * m) for m in range(1, 13)] + ["5", "6"]
    path = tmp_path / "dots_monthly.csv"
    path.write_text(wide_imf([*months_2019, "2020M1", "2020M2"], values), encoding="utf-8")
    loaded = formats.load_file(path)
    t = loaded.table
    assert t["year"].tolist() == [2019]
    assert t["value_usd"].iloc[0] == sum(100 * m for m in range(1, 13))
    dropped = dict(loaded.provenance.dropped)
    assert dropped["months of an incomplete year (fewer than 12 months: not an annual figure)"] == 2


def test_imf_quarters_are_summed_to_years(tmp_path):
    path = tmp_path / "dots_quarterly.csv"
    path.write_text(wide_imf(["2021Q1", "2021Q2", "2021Q3", "2021Q4"], ["1", "2", "3", "4"]),
                    encoding="utf-8")  # fmt: skip
    t = formats.load_file(path).table
    assert t[["year", "value_usd"]].values.tolist() == [[2021, 10.0]]


def test_comtrade_plus_services_are_dropped_and_taiwan_named(tmp_path):
    header = ("typeCode,freqCode,refYear,reporterCode,reporterISO,flowCode,partnerCode,"
              "partnerISO,partnerDesc,cmdCode,primaryValue")  # fmt: skip
    rows = ["C,A,2022,156,CHN,X,490,S19,\"Other Asia, nes\",TOTAL,121000",
            "C,A,2022,156,CHN,M,842,USA,USA,TOTAL,180000",
            "S,A,2022,156,CHN,X,842,USA,USA,S,99000"]  # fmt: skip
    loaded = formats.load_file(write(tmp_path / "plus.csv", header, rows, encoding="cp1252"))
    t = loaded.table
    assert sorted(t["partner_iso3"]) == ["TWN", "USA"]
    assert dict(loaded.provenance.dropped) == {"services (typeCode S), not goods": 1}


def xlsx(rows: list[list[str]], sheet: str = "Data") -> bytes:
    """Write a minimal .xlsx workbook: one sheet, text cells as inline strings, numbers bare."""

    def cell(ref: str, value: str) -> str:
        try:
            float(value)
            return f'<c r="{ref}"><v>{value}</v></c>'
        except ValueError:
            return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    body = "".join(
        f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r) if v)
        + "</row>"
        for i, r in enumerate(rows, start=1)
    )  # fmt: skip
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{ns}"><sheetData>{body}'
                   "</sheetData></worksheet>")  # fmt: skip
    return out.getvalue()


def test_an_excel_export_with_title_rows_is_read_from_its_header(tmp_path):
    header = ["Reporter", "TradeFlow", "ProductCode", "Product Description", "Year", "Partner",
              "Trade Value 1000USD", "Quantity", "Quantity Unit"]  # fmt: skip
    rows = [["WITS query result"], [], header, [],
            ["Japan", "Export", "390760", "PET", "2022", "India", "  21829.07", "7.97e+006",
             "Kg"],
            ["Japan", "Import", "390760", "PET", "2022", "India", "100.5", "", ""]]  # fmt: skip
    # The name says CSV; the bytes say Excel, and the bytes decide.
    path = tmp_path / "wits_query.csv"
    path.write_bytes(xlsx(rows))
    loaded = formats.load_file(path)
    t = loaded.table
    assert loaded.provenance.format == "wits_raw"
    assert loaded.provenance.file == "wits_query.csv[Data]"
    assert t.set_index("flow")["value_usd"].to_dict() == pytest.approx(
        {"export": 21829.07 * 1000, "import": 100.5 * 1000}
    )
    assert any("above the header" in c for c in loaded.provenance.conversions)


def test_a_zip_of_baci_files_is_read_in_place(tmp_path):
    archive = tmp_path / "BACI_HS17_V202401.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Readme.txt", "BACI: see the documentation.")
        z.writestr("country_codes_V202401.csv", "country_code,country_name,country_iso2,"
                   "country_iso3\n392,Japan,JP,JPN\n699,India,IN,IND\n")  # fmt: skip
        z.writestr("BACI_HS17_Y2020_V202401.csv", "t,i,j,k,v,q\n2020,392,699,870323,1.5,2\n")
        z.writestr("BACI_HS17_Y2021_V202401.csv", "t,i,j,k,v,q\n2021,699,392,870323,2.5,NA\n")
    loaded = formats.load_files([archive])
    assert [x.provenance.file for x in loaded] == [
        "BACI_HS17_V202401.zip:BACI_HS17_Y2020_V202401.csv",
        "BACI_HS17_V202401.zip:BACI_HS17_Y2021_V202401.csv",
    ]
    assert [x.table["value_usd"].sum() for x in loaded] == [1500.0, 2500.0]
    assert any("not read (not data): Readme.txt" in c for c in loaded[0].provenance.conversions)


@pytest.mark.parametrize(
    ("encoding", "note"),
    [("utf-16", "decoded as UTF-16 (LE)"), ("utf-8-sig", "byte-order mark removed"),
     ("cp1252", "decoded as Windows-1252 (not UTF-8)")],
)  # fmt: skip
def test_encodings_and_gzip_are_read_and_noted(tmp_path, encoding, note):
    rows = ["H5,2017,1,Import,842,USA,384,Côte d'Ivoire,18,Cocoa,5000,0"]
    plain = write(tmp_path / "f.csv", SHORT, rows, encoding=encoding)
    zipped = tmp_path / "f.csv.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes()))
    for path in (plain, zipped):
        loaded = formats.load_file(path)
        assert loaded.table["partner_iso3"].tolist() == ["CIV"]
        assert note in loaded.provenance.conversions


def test_a_tab_separated_file_is_read(tmp_path):
    text = "\n".join(line.replace(",", "\t") for line in [SHORT, SHORT_ROWS[0]]) + "\n"
    (tmp_path / "f.tsv").write_text(text, encoding="utf-8")
    loaded = formats.load_file(tmp_path / "f.tsv")
    assert loaded.table["value_usd"].tolist() == [36327640.0]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"Excel 97–2003 workbook \(.xls\)"),
     (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"binary data"),
     (b"PK\x03\x04broken", r"a complete zip archive"),
     (b"\x1f\x8b\x08\x00broken", r"a complete gzip file"),
     (b"", r"an empty file")],
)  # fmt: skip
def test_files_of_other_kinds_are_refused_with_what_would_work(tmp_path, content, message):
    path = tmp_path / "download.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        formats.load_files([path])


def test_a_zip_without_data_files_says_what_it_holds(tmp_path):
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Readme.txt", "nothing here")
    with pytest.raises(DataError, match=r"docs.zip::: expected a zip archive holding CSV, TSV "
                       r"or .xlsx files, found Readme.txt"):  # fmt: skip
        files.open_tables(archive)


def test_sheet_cells_keep_numbers_as_written(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx([["Year", "Value"], ["2019", "1234.5"]]))
    (table,) = files.open_tables(path)
    assert table.rows == [["Year", "Value"], ["2019", "1234.5"]]
    assert list(csv.reader(["2019,1234.5"])) == [table.rows[1]]


@pytest.mark.parametrize(
    ("kind", "codes", "expected"),
    [("hs", ["2402"], "HS 2402"),
     ("hs", [f"{c:02d}" for c in range(1, 21)], "20 HS codes (01, 02, 03, … 20)"),
     ("hs", [f"{c:02d}" for c in range(1, 98)], "all goods"),
     ("sitc", [f"{c:02d}" for c in range(0, 65)], "all goods"),
     ("sitc", ["75", "76"], "2 SITC codes (75, 76)")],
)  # fmt: skip
def test_the_goods_a_file_covers_are_named(kind, codes, expected):
    from analysis.measures import pair

    rows = pd.DataFrame({"flow": "export", "product_kind": kind, "product": codes})
    assert pair.products_covered(pair.Pair("CHN", "JPN", (2014, 2014), rows, rows, ())) == expected


def test_refusals_say_what_the_files_hold(tmp_path):
    from analysis.measures import pair

    codes = tmp_path / "country_codes_V202401.csv"
    codes.write_text("country_code,country_name,country_iso2,country_iso3\n392,Japan,JP,JPN\n")
    with pytest.raises(DataError, match=r"reference files only: country_codes_V202401.csv is "
                       r"BACI country codes"):  # fmt: skip
        formats.load_files([codes])
    header = (
        "typeCode,freqCode,refYear,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue"
    )
    services = write(tmp_path / "services.csv", header, ["S,A,2022,DEU,X,842,USA,S,99000"])
    expected = r"services.csv::: expected trade rows the report can use, found none of its 1 rows"
    with pytest.raises(DataError, match=expected + r": services \(typeCode S\), not goods: 1"):
        pair.select(formats.load_files([services]), "DEU", "USA")
    world = write(tmp_path / "world.csv", header, ["C,A,2022,DEU,X,0,W00,TOTAL,5"])
    with pytest.raises(DataError, match=r"the files hold DEU–WLD \(world\)"):
        pair.select(formats.load_files([world]), "DEU", "FRA")


def test_comtrade_months_are_summed_to_complete_years(tmp_path):
    rows = [
        f"H5,2019,2019{m:02d},Month {m} 2019,0,0,1,Import,410,Rep. of Korea,KOR,392,Japan,JPN,"
        f"TOTAL,All,{1000 * m},0"
        for m in range(1, 13)
    ] + [
        "H5,2020,202001,January 2020,0,0,1,Import,410,Rep. of Korea,KOR,392,Japan,JPN,TOTAL,All,7,0"
    ]
    loaded = formats.load_file(write(tmp_path / "monthly.csv", CLASSIC, rows))
    t = loaded.table
    assert t[["year", "value_usd"]].values.tolist() == [[2019, raw_sum(
        CLASSIC, rows[:12], "Trade Value (US$)")]]  # fmt: skip
    assert dict(loaded.provenance.dropped) == {
        "months of an incomplete year (fewer than 12 months: not an annual figure)": 1
    }
    assert any("12 monthly or quarterly observations summed" in c
               for c in loaded.provenance.conversions)  # fmt: skip
