import pandas as pd
import pytest

from analysis.cases.india_japan import composition as comp
from analysis.errors import DataError

CHAPTERS = pd.DataFrame(
    {
        "hs2": ["27", "84", "85"],
        "chapter_label": ["Mineral fuels", "Machinery", "Electrical machinery"],
        "hs_section": ["V", "XVI", "XVI"],
        "section_label": ["Minerals", "Machinery", "Machinery"],
    }
)
HS2 = pd.DataFrame(
    {
        "partner_iso3": "JPN",
        "period": "2021-22",
        "hs2": ["27", "84", "85", "27", "84", "85"],
        "flow": ["export"] * 3 + ["import"] * 3,
        "value_usd": pd.array([6, 3, None, 1, 6, 3], dtype="Int64"),
        "source_id": "s",
    }
)


def test_chapter_table_ranks_and_shares_leave_blanks_out():
    t = comp.chapter_table(HS2, CHAPTERS, partner="JPN", period="2021-22")
    exports = t[t.flow == "export"]
    assert exports.hs2.tolist() == ["27", "84"]  # the blank chapter is not a zero
    assert exports.share.tolist() == [6 / 9, 3 / 9]
    assert exports.label.iloc[0] == "27 Mineral fuels"
    assert t[t.flow == "import"]["rank"].tolist() == [1, 2, 3]


def test_balances_and_sections():
    t = comp.chapter_table(HS2, CHAPTERS, partner="JPN", period="2021-22")
    b = comp.chapter_balances(t).set_index("hs2").balance_usd
    assert b.to_dict() == {"27": 5.0, "84": -3.0, "85": -3.0}
    s = comp.section_shares(HS2, CHAPTERS, partner="JPN").set_index(["flow", "hs_section"]).share
    assert s[("import", "XVI")] == pytest.approx(0.9)


def test_named_groups_against_the_largest_chapters():
    t = comp.chapter_table(HS2, CHAPTERS, partner="JPN", period="2021-22")
    groups = pd.DataFrame(
        {"claim_id": "C19", "flow": "import", "product_group": ["machinery", "fuels"],
         "hs2": ["84", "27"]}
    )  # fmt: skip
    out = comp.named_groups(t, groups, top=2).set_index("product_group")
    assert out.loc["machinery", "in_top"] and not out.loc["fuels", "in_top"]
    assert out.loc["machinery", "share"] == pytest.approx(0.6)


def test_unknown_partner_is_a_clear_error():
    with pytest.raises(DataError, match="none for KOR"):
        comp.chapter_table(HS2, CHAPTERS, partner="KOR", period="2021-22")


def test_section_comparison_puts_partners_side_by_side():
    both = pd.concat([HS2, HS2.assign(partner_iso3="CHN", value_usd=HS2.value_usd * 2)])
    out = comp.section_comparison(both, CHAPTERS, partners=["JPN", "CHN"], period="2021-22",
                                  flow="import")  # fmt: skip
    assert out.columns.tolist() == ["hs_section", "section_label", "share_JPN", "share_CHN"]
    assert out.share_JPN.tolist() == out.share_CHN.tolist() == [0.9, 0.1]


def test_concentration_labels_series_and_counts_blanks_as_zero():
    data = HS2.assign(reporter_iso3="IND", period_basis="fiscal_apr_mar",
                      period_start=pd.Timestamp("2021-04-01"))  # fmt: skip
    out = comp.concentration(data, names={"JPN": "Japan"}).set_index("series")
    # exports 6, 3 and a blank (zero): shares 2/3, 1/3, 0.
    assert out.loc["exports to Japan", "hhi"] == pytest.approx(4 / 9 + 1 / 9)
    assert out.loc["exports to Japan", "n"] == 3
