"""Write the corpus of broken files from a few valid rows (run once; the files are committed).

Each entry: file name, the table it claims to be (blank: recognise from the header), the text
its error must contain, and the line the error must name (blank: the whole file).
``python tests/bad_inputs/make_corpus.py`` rewrites every file and ``expected.csv``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).parent
HEADER = (
    "reporter_iso3,partner_iso3,period,period_basis,period_start,period_end,flow,value_usd,"
    "grade,is_preferred,source_id,note"
)
ROWS = [
    "IND,JPN,2010-11,fiscal_apr_mar,2010-04-01,2011-03-31,export,5090990000,file,true,dgcis_eidb_hs2,sum",
    "IND,JPN,2010-11,fiscal_apr_mar,2010-04-01,2011-03-31,import,8631800000,file,true,dgcis_eidb_hs2,sum",
    "IND,JPN,2011-12,fiscal_apr_mar,2011-04-01,2012-03-31,export,6328320000,file,true,dgcis_eidb_hs2,sum",
]
GOOD = HEADER + "\n" + "\n".join(ROWS) + "\n"


def with_cell(column: str, value: str, row: int = 1) -> str:
    """Return the good file with one cell of one data row replaced."""
    cols = HEADER.split(",")
    lines = GOOD.splitlines()
    cells = next(csv.reader([lines[row]]))
    cells[cols.index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    lines[row] = buf.getvalue().removesuffix("\n")
    return "\n".join(lines) + "\n"


T = "india_japan_trade"
CASES: list[tuple[str, str, bytes | str, str, str]] = [
    ("empty.csv", T, "", "expected a header row, found an empty file", ""),
    ("header_only.csv", T, HEADER + "\n", "at least one data row", "2"),
    ("truncated_last_line.csv", T, GOOD.rstrip("\n")[:-30] + "\n", "fields as in the header", "4"),
    ("wrong_delimiter_tab.csv", T, GOOD.replace(",", "\t"), "expected a column named 'reporter_iso3'", "1"),
    ("semicolons_decimal_commas.csv", T, GOOD.replace(",", ";"), "expected a column named", "1"),
    ("byte_order_mark.csv", T, "\ufeff" + GOOD, "byte-order mark", "1"),
    ("non_utf8.csv", T, GOOD.encode() + "IND,JPN,caf\xe9\n".encode("latin-1"), "expected UTF-8 text", "5"),
    ("thousands_separators.csv", T, with_cell("value_usd", "5,090,990,000"), "expected an integer", "2"),
    ("units_in_millions.csv", T, with_cell("value_usd", "5091"), "expected a value >= 100000000", "2"),
    ("negative_value.csv", T, with_cell("value_usd", "-5090990000"), "expected a value >= 100000000", "2"),
    ("nan_value.csv", T, with_cell("value_usd", "NaN"), "expected an integer", "2"),
    ("blank_required.csv", T, with_cell("value_usd", ""), "expected a value, found a blank cell", "2"),
    ("text_in_numeric.csv", T, with_cell("value_usd", "n/a"), "expected an integer", "2"),
    ("duplicated_key.csv", T, GOOD + ROWS[0] + "\n", "expected a unique key (first seen on row 2)", "5"),
    ("unknown_country.csv", T, with_cell("partner_iso3", "JPX"), "a code listed in country_codes", "2"),
    ("lowercase_country.csv", T, with_cell("partner_iso3", "jpn"), "text matching [A-Z]{3}", "2"),
    ("fiscal_year_long_form.csv", T, with_cell("period", "2010-2011"), "expected text matching", "2"),
    ("fiscal_year_fy_form.csv", T, with_cell("period", "FY11"), "expected text matching", "2"),
    ("fiscal_year_slash.csv", T, with_cell("period", "2010/11"), "expected text matching", "2"),
    ("invalid_date.csv", T, with_cell("period_start", "2010-02-30"), "a valid calendar date", "2"),
    ("date_other_format.csv", T, with_cell("period_start", "01/04/2010"), "a date YYYY-MM-DD", "2"),
    ("column_renamed.csv", T, GOOD.replace("value_usd", "value", 1), "expected a column named 'value_usd'", "1"),
    ("extra_column.csv", T, GOOD.replace("\n", ",x\n").replace("note,x", "note,comment", 1), "an extra column", "1"),
    ("repeated_column.csv", T, GOOD.replace("\n", ",sum\n").replace("note,sum", "note,note", 1), "each column once", "1"),
    ("formula.csv", T, with_cell("note", '=HYPERLINK("http://x","click")'), "found a formula", "2"),
    ("formula_minus_digit.csv", T, with_cell("note", "-2+3+cmd|' /C calc'!A0"), "found a formula", "2"),
    ("formula_at_sign.csv", T, with_cell("note", "@SUM(1+1)*cmd|' /C calc'!A0"), "found a formula", "2"),
    ("formula_plus.csv", T, with_cell("note", "+1+1"), "found a formula", "2"),
    ("unknown_flow.csv", T, with_cell("flow", "re-export"), "expected one of export, import", "2"),
    ("bad_boolean.csv", T, with_cell("is_preferred", "yes"), "expected true or false", "2"),
    ("unknown_source.csv", T, with_cell("source_id", "nowhere"), "a code listed in sources", "2"),
    ("grade_c.csv", T, with_cell("grade", "C"), "expected one of file, A, B", "2"),
    ("unclosed_quote.csv", T, GOOD + '"IND,JPN,2012-13\n', "expected well-formed CSV", "5"),
    ("line_break_in_cell.csv", T, with_cell("note", "two\nlines"), "a line break inside a quoted cell", "2"),
    ("integer_overflow.csv", T, with_cell("value_usd", "9" * 25), "a 64-bit integer", "2"),
    ("unknown_header.csv", "", "exporter,importer,value\nIND,JPN,1\n", "expected the columns of one of the tables", "1"),
    ("year_out_of_range.csv", "gdp", "country_iso3,year,gdp_usd,source_id\nIND,2200,1000000000000,wdi_gdp\n", "a value <= 2100", "2"),
    ("mixed_currencies.csv", "exchange_rates",
     "country_iso3,currency,month,per_usd,source_id\nIND,INR,2020-01-01,71.3,fred_fx_monthly\n"
     "IND,EUR,2020-02-01,0.9,fred_fx_monthly\n", "expected one of INR, JPY, CNY", "3"),
    ("infinite_number.csv", "cpi_us", "month,cpi_index,source_id\n2020-01-01,1e999,bls_cpi_u\n", "a finite number", "2"),
    # Issue 16: hostile and careless input.
    ("header_repeated.csv", T, "\n".join([HEADER, ROWS[0], HEADER, *ROWS[1:]]) + "\n", "expected a data row, found the header repeated", "3"),
    ("key_trailing_space.csv", T, GOOD + ROWS[0].replace(",sum", ",sum").replace("dgcis_eidb_hs2", "dgcis_eidb_hs2 ") + "\n", "first seen on row 2, written differently", "5"),
    ("key_zero_width_space.csv", T, GOOD + ROWS[0].replace("dgcis_eidb", "dgcis\u200b_eidb") + "\n", "U+200B (zero width space) at character 6", "5"),
    ("decomposed_accent.csv", T, with_cell("note", "Tu\u0308rkiye"), "expected text in Unicode NFC form", "2"),
    ("nul_byte.csv", T, with_cell("note", "a\x00b"), "found U+0000 (nul byte) at character 2", "2"),
    ("nul_in_number.csv", T, with_cell("value_usd", "5090990000\x00"), "value_usd: expected text without control characters", "2"),
    ("mojibake.csv", T, with_cell("note", "T\u00c3\u00bcrkiye"), "double-encoded UTF-8 for 'T\u00fcrkiye'", "2"),
    ("blank_trailing_lines.csv", T, GOOD + "\n\n", "2 blank line(s) at the end of the file (lines 5-6)", "5"),
    ("blank_line_inside.csv", T, "\n".join([HEADER, ROWS[0], "", *ROWS[1:]]) + "\n", "expected a data row, found a blank line", "3"),
    ("blank_first_line.csv", T, "\n" + GOOD, "expected a header row, found a blank line", "1"),
    ("header_only_blank_lines.csv", T, HEADER + "\n\n\n", "blank line(s) at the end of the file", "2"),
    ("utf16_with_bom.csv", T, GOOD.encode("utf-16"), "expected UTF-8 text, found UTF-16 text", "1"),
    ("utf16_without_bom.csv", T, GOOD.encode("utf-16-le"), "expected UTF-8 text, found UTF-16 text", "1"),
    ("utf16_big_endian.csv", T, b"\xfe\xff" + GOOD.encode("utf-16-be"), "found UTF-16 text", "1"),
    ("byte_not_in_cp1252.csv", T, GOOD.encode() + b"IND,JPN,\x81\n", "found byte 0x81 at byte 9 of the line", "5"),
    ("quoted_newline_then_error.csv", T, with_cell("note", "two\nlines").replace("6328320000", "n/a"), "found 'n/a'", "5"),
    ("unclosed_quote_early.csv", T, "\n".join([HEADER, ROWS[0], '"' + ROWS[1], ROWS[2]]) + "\n", "expected well-formed CSV", "3"),
    ("terminal_escape.csv", T, with_cell("note", "\x1b[31mred"), "U+001B (control character) at character 1", "2"),
    ("tab_in_cell.csv", T, with_cell("note", "a\tb"), "U+0009 (control character) at character 2", "2"),
    ("delete_char.csv", T, with_cell("note", "ab\x7f"), "U+007F (control character) at character 3", "2"),
    ("c1_control.csv", T, with_cell("note", "a\x85b"), "U+0085 (control character) at character 2", "2"),
    ("line_separator.csv", T, with_cell("note", "a\u2028b"), "U+2028 (line separator) at character 2", "2"),
    ("space_before_number.csv", T, with_cell("value_usd", " 5090990000"), "value_usd: expected no spaces before or after the text", "2"),
    ("no_break_space_after.csv", T, with_cell("note", "sum\u00a0"), "expected no spaces before or after the text, found 'sum\\xa0'", "2"),
    ("soft_hyphen.csv", T, with_cell("note", "re\u00adexport"), "U+00AD (soft hyphen) at character 3", "2"),
    ("right_to_left_override.csv", T, with_cell("note", "abc\u202edef"), "U+202E (right-to-left override)", "2"),
    ("word_joiner_in_key.csv", T, with_cell("period", "2010\u2060-11"), "U+2060 (word joiner) at character 5", "2"),
    ("header_trailing_space.csv", T, GOOD.replace("note", "note ", 1), "expected a column name in plain text (no spaces before or after the text)", "1"),
    ("header_zero_width.csv", T, "\u200b" + GOOD, "U+200B (zero width space) at character 1", "1"),
    ("header_escape.csv", T, GOOD.replace("note", "note\x1b[2J", 1), ":'note\\x1b[2J': expected a column name in plain text", "1"),
    ("header_twice_same_width.csv", T, GOOD.replace("grade", "note", 1), "note: expected each column once", "1"),
]  # fmt: skip


def main() -> None:
    """Write every case and the table of expected errors."""
    rows = []
    for name, table, content, expected, line in CASES:
        path = HERE / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        rows.append({"file": name, "table": table, "expected": expected, "row": line})
    with open(HERE / "expected.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["file", "table", "expected", "row"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
