import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.errors import DataError
from analysis.measures import bilateral


def rows(*cells):
    """Build dots-shaped rows from (reporter, partner, year, flow, value[, kind])."""
    out = []
    for c in cells:
        kind = c[5] if len(c) > 5 else ("aggregate" if c[1] == "WLD" else "economy")
        out.append(
            {
                "reporter_iso3": c[0],
                "partner_iso3": c[1],
                "year": c[2],
                "flow": c[3],
                "value_usd": c[4],
                "is_estimate": False,
                "reporter_kind": "economy",
                "partner_kind": kind,
                "source_id": "s",
            }
        )
    return pd.DataFrame(out)


PAIR = rows(
    ("IND", "JPN", 2020, "export", 40),
    ("IND", "JPN", 2020, "import", 100),
    ("JPN", "IND", 2020, "import", 47),
    ("JPN", "IND", 2020, "export", 90),
    ("IND", "JPN", 2019, "export", 50),  # 2019: India's imports missing
)


def test_each_reporter_gives_its_own_view_of_the_pair():
    india = bilateral.pair_totals(PAIR, "IND", "JPN", reporter="IND")
    japan = bilateral.pair_totals(PAIR, "IND", "JPN", reporter="JPN")
    assert india[["year", "exports_usd", "imports_usd", "total_usd"]].values.tolist() == [
        [2020, 40, 100, 140]
    ]
    # Japan's imports from India are India's exports in the mirror view.
    assert japan[["exports_usd", "imports_usd", "balance_usd"]].values.tolist() == [[47, 90, -43]]


def test_a_year_with_one_flow_has_no_total():
    assert 2019 not in bilateral.pair_totals(PAIR, "IND", "JPN", reporter="IND").year.tolist()


def test_a_third_country_as_reporter_is_refused():
    with pytest.raises(DataError, match="expected IND or JPN, found CHN"):
        bilateral.pair_totals(PAIR, "IND", "JPN", reporter="CHN")


def test_mirror_gap_sets_fob_beside_cif_and_removes_the_margin():
    gaps = bilateral.mirror_gaps(PAIR, "IND", "JPN", cif_fob_factor=1.06).set_index("exporter_iso3")
    assert gaps.loc["IND", "gap_pct"] == pytest.approx(100 * (47 / 40 - 1))
    assert gaps.loc["JPN", "beyond_cif_fob_pct"] == pytest.approx(100 * (100 / 90 / 1.06 - 1))


def test_mirror_gap_needs_both_sides():
    with pytest.raises(DataError, match="a year where both IND and KOR report"):
        bilateral.mirror_gaps(PAIR, "IND", "KOR", cif_fob_factor=1.06)


def test_ranking_counts_economies_only_and_shares_of_the_world():
    panel = rows(
        ("JPN", "WLD", 2020, "export", 100),
        ("JPN", "WLD", 2020, "import", 100),
        ("JPN", "CHN", 2020, "export", 50),
        ("JPN", "USA", 2020, "import", 60),
        ("JPN", "XUP", 2020, "export", 30, "unallocated"),
        ("JPN", "XDA", 2020, "import", 90, "aggregate"),
    )
    ranking = bilateral.partner_ranking(panel, "JPN", 2020)
    assert ranking.partner_iso3.tolist() == ["USA", "CHN"]
    assert ranking.share_pct.tolist() == [30.0, 25.0]
    series = bilateral.partner_rank_series(panel, "JPN", "CHN")
    assert series[["year", "rank", "n_partners"]].values.tolist() == [[2020, 2, 2]]


@given(st.lists(st.tuples(st.integers(0, 10**12), st.integers(0, 10**12)), min_size=1, max_size=20))
def test_exports_plus_imports_is_the_total(values):
    cells = []
    for i, (x, m) in enumerate(values):
        cells += [("AAA", "BBB", 1960 + i, "export", x), ("AAA", "BBB", 1960 + i, "import", m)]
    out = bilateral.pair_totals(rows(*cells), "AAA", "BBB", reporter="AAA")
    assert (out.exports_usd + out.imports_usd == out.total_usd).all()
    assert (out.exports_usd - out.imports_usd == out.balance_usd).all()
    assert len(out) == len(values)


def test_repeated_rows_are_refused_not_summed():
    doubled = pd.concat([PAIR, PAIR.head(1)])
    with pytest.raises(DataError, match="1 repeated, first IND→JPN 2020 export"):
        bilateral.pair_totals(doubled, "IND", "JPN", reporter="IND")


def test_years_with_one_flow_are_counted():
    out = bilateral.pair_totals(PAIR, "IND", "JPN", reporter="IND")
    assert out.attrs["years_with_one_flow"] == [2019]
