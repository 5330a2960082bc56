"""Issue 18: claims written as data, checked on every basis the data hold."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.measures import claims

HEADER = ",".join(claims.CLAIM_FIELDS)


def dots() -> pd.DataFrame:
    """USA and KOR trade in 2018-2019 from both sides, and their trade with the world."""
    rows = []

    def add(rep, par, year, flow, value, kind="economy"):
        rows.append({"reporter_iso3": rep, "partner_iso3": par, "year": year, "flow": flow,
                     "value_usd": value, "is_estimate": False, "reporter_kind": "economy",
                     "partner_kind": kind, "source_id": "imf_dots"})  # fmt: skip

    for year, scale in ((2018, 1.0), (2019, 1.1)):
        add("USA", "KOR", year, "export", 50e9 * scale)
        add("USA", "KOR", year, "import", 70e9 * scale)
        add("KOR", "USA", year, "export", 72e9 * scale)
        add("KOR", "USA", year, "import", 48e9 * scale)
        add("USA", "CAN", year, "export", 300e9 * scale)
        add("USA", "CAN", year, "import", 30e9 * scale)
        add("USA", "WLD", year, "export", 1000e9 * scale, "world")
        add("USA", "WLD", year, "import", 2000e9 * scale, "world")
    return pd.DataFrame(rows)


def write(tmp_path, *lines: str):
    path = tmp_path / "claims.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def row(cid="X1", quantity="exports", reporter="USA", partner="KOR", period="2019",
        value="55", unit="usd_bn", qualifier="exact", base="", other=("", "")):  # fmt: skip
    return (f"{cid},A sentence.,{quantity},{reporter},{partner},{period},{value},{unit},"
            f"{qualifier},{other[0]},{other[1]},{base},a source")  # fmt: skip


def check(tmp_path, *lines):
    found = claims.read_claims(write(tmp_path, *lines))
    return claims.evaluate(found, dots(), about_rel=0.05), found


def test_a_flow_is_measured_on_each_side_and_rounded_as_written(tmp_path):
    evidence, _ = check(tmp_path, row(value="55"), row("X2", value="55.0"))
    own, mirror = evidence[0], evidence[1]
    assert own.measured == pytest.approx(55.0) and own.verdict == "holds"
    # Korea's imports from the USA (CIF) stand for US exports: 52.8 bn.
    assert mirror.measured == pytest.approx(52.8) and mirror.verdict == "does not hold"
    assert claims.overall(evidence[:2]) == "holds"


def test_rounding_follows_the_digits_of_the_claim(tmp_path):
    # 55 written as 55.4 does not hold: written to one decimal, it means 55.35-55.45.
    evidence, _ = check(tmp_path, row(value="55.4"), row("X2", value="55.4", qualifier="about"))
    assert evidence[0].verdict == "does not hold" and evidence[2].verdict == "holds"


def test_deficit_share_rank_ratio_and_growth(tmp_path):
    evidence, _ = check(
        tmp_path,
        row("D", "deficit", value="22", unit="usd_bn"),
        row("S", "import_share", value="3.85", unit="pct"),
        row("R", "export_rank", value="2", unit="rank", qualifier="top"),
        row("G", "trade_growth", value="10", unit="pct", base="2018"),
        row(
            "Q", "trade_ratio", value="0.33", unit="ratio", qualifier="about", other=("USA", "CAN")
        ),
    )
    got = {(e.claim_id, e.basis.endswith("(mirror)")): e for e in evidence}
    assert got[("D", False)].measured == pytest.approx(22.0)  # 77 - 55
    assert got[("S", False)].measured == pytest.approx(3.5)  # 77 / 2200 %
    assert got[("S", False)].verdict == "does not hold"
    assert got[("S", True)].verdict == "cannot be checked"
    assert "world total" in got[("S", True)].explanation
    assert got[("R", False)].measured == 2 and got[("R", False)].verdict == "holds"
    assert got[("G", False)].measured == pytest.approx(10.0)
    assert got[("Q", False)].measured == pytest.approx(132 / 363)


def test_a_year_or_basis_the_panel_lacks_names_the_data_that_would_settle_it(tmp_path):
    evidence, _ = check(tmp_path, row(period="2023"), row("F", period="FY2019-20"))
    assert {e.verdict for e in evidence} == {"cannot be checked"}
    assert "--data" in evidence[0].explanation and "fiscal-year" in evidence[2].explanation
    assert claims.overall(evidence[:2]) == "cannot be checked"


@pytest.mark.parametrize(
    ("line", "column", "expected"),
    [
        (row(quantity="exportz"), "quantity", "one of exports"),
        (row(unit="bn"), "unit", "one of usd"),
        (row(quantity="export_share", unit="usd_bn"), "unit", "pct"),
        (row(reporter="Atlantis"), "reporter", "a country"),
        (row(partner="USA"), "partner", "other than the reporter"),
        (row(period="last year"), "period", "a year (2019)"),
        (row(value="about 5"), "value", "a number"),
        (row(value="-3"), "value", "zero or more"),
        (row(qualifier="roughly"), "qualifier", "one of exact"),
        (row(qualifier="top"), "qualifier", "with a rank only"),
        (row(quantity="trade_growth", unit="pct"), "base_period", "the year"),
        (row(quantity="trade_ratio", unit="ratio"), "other_reporter", "a country"),
        (row(value="1e-3"), "value", "a number"),
        (row(period="2019-21"), "period", "a year (2019)"),
        (row(quantity="trade_growth", unit="pct", base="FY2018-19"), "base_period", "calendar"),
        (row(quantity="trade_growth", unit="pct", base="2019"), "base_period", "a year before"),
        (row(base="2018"), "base_period", "not a growth"),
    ],
)
def test_a_claim_row_that_cannot_be_read_is_named_by_line_and_column(
    tmp_path, line, column, expected
):
    with pytest.raises(DataError) as err:
        claims.read_claims(write(tmp_path, row("OK"), line))
    problem = err.value.problems[0]
    assert (problem.row, problem.column) == (3, column) and expected in problem.expected


def test_every_bad_row_is_reported_and_ids_are_unique(tmp_path):
    with pytest.raises(DataError) as err:
        claims.read_claims(write(tmp_path, row("A"), row("A"), row("B", unit="x"), "B,short"))
    assert [(p.row, p.column) for p in err.value.problems] == [
        (3, "claim_id"),
        (4, "unit"),
        (5, None),
    ]
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("claim_id,statement\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing quantity"):
        claims.read_claims(bad_header)


def test_blank_countries_take_the_pair_given(tmp_path):
    found = claims.read_claims(write(tmp_path, row(reporter="", partner="")),
                               reporter="USA", partner="KOR")  # fmt: skip
    assert (found[0].reporter, found[0].partner) == ("USA", "KOR")


@given(value=st.floats(0, 1e4, allow_nan=False), digits=st.integers(0, 3),
       measured=st.floats(0, 1e4, allow_nan=False))  # fmt: skip
def test_qualifiers_agree_with_their_definitions(value, digits, measured):
    v = round(value, digits)
    c = claims.Claim("X", "s", "exports", "USA", "KOR", 2019, v, digits, "usd_bn", "exact")
    half = 0.5 * 10.0**-digits
    assert claims.judge(measured, c, 0.05) == (abs(measured - v) <= half + 1e-12)
    about = claims.Claim("X", "s", "exports", "USA", "KOR", 2019, v, digits, "usd_bn", "about")
    # "About" never rejects what "exact" accepts.
    assert claims.judge(measured, about, 0.05) >= claims.judge(measured, c, 0.05)
    more = claims.Claim("X", "s", "exports", "USA", "KOR", 2019, v, digits, "usd_bn", "more_than")
    assert claims.judge(measured, more, 0.05) == (measured > v)


def test_a_fiscal_year_is_never_read_as_a_calendar_one(tmp_path):
    found = claims.read_claims(write(tmp_path, row(period="FY2019"), row("B", period="2019-20")))
    assert [c.basis for c in found] == ["fiscal", "fiscal"]


def test_a_file_without_claims_is_refused(tmp_path):
    with pytest.raises(DataError, match="at least one claim"):
        claims.read_claims(write(tmp_path))


def test_a_basis_that_cannot_measure_a_claim_says_why_and_the_others_go_on(tmp_path):
    # No world total for the reporter in 2018: the share cannot be measured, the flow can.
    panel = dots()
    panel = panel[~((panel.partner_iso3 == "WLD") & (panel.year == 2018))]
    found = claims.read_claims(write(tmp_path, row("S", "import_share", period="2018",
                                                   value="3", unit="pct"), row()))  # fmt: skip
    evidence = claims.evaluate(found, panel, about_rel=0.05)
    share = evidence[0]
    assert share.verdict == "cannot be checked" and share.explanation
    assert evidence[2].verdict == "holds"
