"""Issue 16: CSV cells a spreadsheet would run as formulas are neutralised (OWASP rules)."""

import csv
import io

import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analysis.present.tables import csv_text, neutralise, safe_for_spreadsheets

TRIGGERS = ("=", "+", "-", "@")


def triggered(cell):
    return cell.lstrip().startswith(TRIGGERS) or cell.startswith(("\t", "\r"))


@pytest.mark.parametrize(
    "cell", ["=1+2", "+x", "-2+3", "-2", "@SUM(A1)", " =1", "  -1+1", "\t=1", "\r=1", "\n@x",
             "\u00a0=1", "\tplain"],
)  # fmt: skip
def test_formulas_behind_blanks_and_controls_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain", "a=b", "2-3", "'=1", "", " x"])
def test_other_text_is_unchanged(cell):
    assert neutralise(cell) == cell


def test_numbers_stay_numbers_and_negative_text_does_not():
    df = pd.DataFrame({"n": [-2.5, 3.0], "mixed": [-2.5, "-2"], "t": ["-2", "x"]})
    out = safe_for_spreadsheets(df)
    assert out["n"].tolist() == [-2.5, 3.0] and out["mixed"].tolist() == [-2.5, "'-2"]
    assert out["t"].tolist() == ["'-2", "x"]


def csv_cell(value):
    """Write one text cell as the CSV exports do, and read it back."""
    buf = io.StringIO()
    buf.write(csv_text(pd.DataFrame({"c": [value]}, dtype=object)))
    (row,) = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))[1:]
    return row[0]


@given(st.text())
@example(" -1+1")
@example("\t=1")
@example("\r\n=cmd|' /C calc'!A0")
def test_a_neutralised_cell_never_starts_a_formula_and_keeps_its_text(value):
    out = neutralise(value)
    assert not triggered(out)
    assert out == ("'" + value if triggered(value) else value)
    assert csv_cell(value) == out


def test_page_tables_cite_registered_sources_and_name_the_users_files():
    from analysis.present.tables import display_html

    df = pd.DataFrame({"year": [2020, 2021, 2022], "exports_usd": [4.3e9, float("nan"), 5e9],
                       "period_basis": ["fiscal_apr_mar", "calendar", "calendar"],
                       "source_id": ["dgcis_eidb_hs2", "my_download.csv", None]})  # fmt: skip
    page = display_html(df, max_rows=2)
    assert "Dept of Commerce India" in page and "the file my_download.csv" in page
    assert "Exports (US$ bn)" in page and ">4.30<" in page and "e+09" not in page
    assert "fiscal year (Apr–Mar)" in page and "fiscal_apr_mar" not in page
    assert "First 2 of 3 rows." in page and "–: no value in the data." in page
    assert "<script" not in display_html(pd.DataFrame({"note": ["<script>x</script>"]}))


def test_verdicts_are_marked_in_their_colours_and_keep_their_words():
    from analysis.present import tables
    from analysis.present.style import VERDICT_COLOURS

    df = pd.DataFrame({"claim_id": ["C1", "C2"], "statement": ["holds", "x"],
                       "verdict": ["holds", "does not hold"]})  # fmt: skip
    page = tables.display_html(df)
    held = f'<td style="border-left: 0.5rem solid {VERDICT_COLOURS["holds"]}">holds</td>'
    refuted = VERDICT_COLOURS["does not hold"]
    assert held in page and f'solid {refuted}">does not hold</td>' in page
    # Only the verdict column is marked, not a cell that happens to read like a verdict.
    assert page.count("border-left") == 2
