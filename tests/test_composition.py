import pandas as pd
import pytest

from analysis import composition as comp
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
