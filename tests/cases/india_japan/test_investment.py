import pandas as pd
import pytest

from analysis import data
from analysis.curate.india_japan.investment import fdi_basis, parse_period
from analysis.errors import DataError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-20", ("fiscal_year", "2019-04-01", "2020-03-31")),
        ("Apr 2000 - Feb 2014", ("cumulative", "2000-04-01", "2014-02-28")),
        ("Apr 2012 - Jan 2013", ("partial_fiscal_year", "2012-04-01", "2013-01-31")),
        ("Apr-Dec 2022", ("partial_fiscal_year", "2022-04-01", "2022-12-31")),
        ("2012 (calendar)", ("calendar_year", "2012-01-01", "2012-12-31")),
        ("2000 - 2017", ("cumulative", None, None)),
    ],
)
def test_period_labels_are_classified(text, expected):
    assert parse_period(text, file="f.csv", row=2) == expected


@pytest.mark.parametrize(
    "text", ["FY20", "2019-2020", "2019-21", "Dec-Apr 2022", "Feb 2014 - Apr 2000"]
)
def test_unknown_period_labels_are_refused(text):
    with pytest.raises(DataError, match="f.csv:2:"):
        parse_period(text, file="f.csv", row=2)


def test_bases_are_kept_apart():
    assert fdi_basis("RBI basis (provisional; not DPIIT) FDI flows from Japan") == "rbi"
    assert (
        fdi_basis("Japanese net outward FDI to India (Japan-side balance of payments basis)")
        == "japan_bop"
    )
    assert fdi_basis("DIPP basis (stated loosely) Japanese investments in India") == "unclear"
    assert fdi_basis("cumulative FDI equity inflows from Japan (DIPP basis)") == "dpiit_equity"
    # A transcriber's reading of an unstated basis is not the page's basis.
    assert fdi_basis("unstated (reads as DPIIT cumulative) Japanese investments in India") == (
        "unclear"
    )


def test_fdi_table_keeps_every_figure_with_one_preferred_per_period_and_basis():
    fdi = data.load("japan_fdi_india")
    assert len(fdi) == 37  # 16 + 17 + the 4 rows for Japan of the extra graded file
    preferred = fdi[fdi.is_preferred]
    assert not preferred.duplicated(["period", "basis"]).any()
    # FY2016-17: DIPP-loose 4.7 bn and RBI 4.2 bn are different bases, both kept.
    fy17 = fdi[fdi.period == "2016-17"].set_index("basis")
    assert fy17.loc["rbi", "value_usd"] == 4_200_000_000
    # The Feb 2014 DIPP synopsis gives 15.97 bn cumulative since April 2000, rank 4.
    synopsis = fdi[(fdi.period == "Apr 2000 - Feb 2014") & fdi.is_preferred].iloc[0]
    assert synopsis.value_usd == 15_970_000_000


def test_investor_reported_fdi_matches_the_provenance_notes():
    fdi = data.load("fdi_india_by_investor").set_index(["investor_iso3", "year"])["value_usd"]
    assert fdi[("JPN", 2008)] == 5_253_000_000  # Daiichi Sankyo-Ranbaxy year
    assert fdi.isna().sum() == 400


def test_a_dipp_figure_mentioning_rbi_schemes_stays_dipp():
    assert fdi_basis("DIPP FDI equity inflows (excl. RBI NRI schemes)") == "dpiit_equity"
    fy11 = data.load("japan_fdi_india").query("period == '2010-11'")
    assert fy11.basis.tolist() == ["dpiit_equity"]


def test_fdi_series_shows_missing_years_as_gaps_and_sums_only_complete_spans():
    from analysis.cases.india_japan import investment

    series = investment.fdi_series(data.load("japan_fdi_india"), data.load("fdi_india_by_investor"))
    dpiit = series[series.series == investment.BASIS_LABELS["dpiit_equity"]]
    assert dpiit.value_usd.isna().any()  # FY2012-13 and others are gaps, not zeros
    with pytest.raises(DataError, match="missing"):
        investment.sum_complete_years(series, label=investment.BASIS_LABELS["dpiit_equity"],
                                      first=2010.75, last=2023.75)  # fmt: skip
    total = investment.sum_complete_years(
        series, label=investment.BASIS_LABELS["investor_reported"], first=2000.5, last=2012.5
    )
    assert round(total / 1e9, 2) == 19.78


def test_investor_ranking_counts_reported_years():
    from analysis.cases.india_japan import investment

    ranking = investment.investor_ranking(data.load("fdi_india_by_investor"), first=2000, last=2012)
    japan = ranking.set_index("investor_iso3").loc["JPN"]
    assert japan["rank"] == 3 and japan.years_reported == 13


# --- The extra graded figures (published_figures_extra) --------------------------------

EXTRA = "published_figures_extra/figures_graded.csv"


def raw_rows(raw_dir, relpath):
    """Read a raw file with the csv module, independently of the builder."""
    import csv

    with (raw_dir / relpath).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def extra_japan_rows(raw_dir):
    """The extra file's FDI rows for Japan: FDI, and not an all-country total."""
    rows = raw_rows(raw_dir, EXTRA)
    return [r for r in rows if r["item"] == "FDI" and "all countries" not in r["measure"].lower()]


def test_extra_fdi_rows_for_japan_keep_value_grade_address_and_notes(raw_dir):
    fdi = data.load("japan_fdi_india")
    extra = fdi[fdi.source_id == "published_figures_extra"].set_index("publisher_cited")
    japan = extra_japan_rows(raw_dir)
    assert len(extra) == len(japan) == 4
    usd = {"US$ billion": 1e9, "US$ million": 1e6}
    for r in japan:
        row = extra.loc[r["publisher_cited"]]
        assert (row.grade, row.source_url, row.notes) == (r["grade"], r["source_url"], r["notes"])
        assert row.period == r["period"].removeprefix("FY")
        if r["unit"] == "rank":
            assert row.japan_rank == int(r["value"]) and pd.isna(row.value_usd)
        else:
            assert row.value_usd == round(float(r["value"]) * usd[r["unit"]])


def test_extra_rank_2020_is_a_dpiit_cumulative_rank_without_a_value(raw_dir):
    (raw,) = [r for r in extra_japan_rows(raw_dir) if r["unit"] == "rank"]
    fdi = data.load("japan_fdi_india")
    row = fdi[(fdi.period == raw["period"]) & (fdi.source_id == "published_figures_extra")].iloc[0]
    assert row.basis == "dpiit_equity" and row.period_type == "cumulative"
    assert row.period_end == pd.Timestamp("2020-09-30") and row.japan_rank == int(raw["value"])
    # Not a total: the cumulative snapshots (C05) leave it out; the ranks (C06) keep it.
    from analysis.cases.india_japan import investment

    assert raw["period"] not in set(investment.cumulative_snapshots(fdi).period)
    ranks = investment.japan_ranks(fdi, data.load("fdi_india_by_investor"), first=2000, last=2019)
    assert ranks.set_index("period").loc[raw["period"], "rank"] == int(raw["value"])


def test_extra_fy2020_21_sits_beside_the_grade_c_figure_on_its_own_basis(raw_dir):
    (raw,) = [r for r in extra_japan_rows(raw_dir) if r["period"].startswith("FY")]
    period = raw["period"].removeprefix("FY")
    (misc,) = [r for r in raw_rows(raw_dir, "published_figures/india_japan_fdi_published.csv")
               if r["period"] == period]  # fmt: skip
    fdi = data.load("japan_fdi_india")
    rows = fdi[fdi.period == period].set_index("basis")
    assert set(rows.index) == {"dpiit_equity", "unclear"}
    assert rows.loc["dpiit_equity", "value_usd"] == round(float(raw["value"]) * 1e9)
    assert rows.loc["unclear", "value_usd"] == round(float(misc["value_usd_bn"]) * 1e9)
    assert rows.loc["dpiit_equity", "value_usd"] == rows.loc["unclear", "value_usd"]  # agree
    assert (rows.loc["dpiit_equity", "grade"], rows.loc["unclear", "grade"]) == ("B", "C")
    assert rows.is_preferred.all()  # different bases: each is preferred on its own


def test_extra_cumulative_figures_of_unstated_basis_2000_2019(raw_dir):
    japan = [r for r in extra_japan_rows(raw_dir) if r["period"] == "2000 - 2019"]
    fdi = data.load("japan_fdi_india")
    rows = fdi[(fdi.period == "2000 - 2019")].set_index("publisher_cited")
    assert len(rows) == len(japan) == 2
    assert (rows.basis == "unclear").all() and rows.period_end.isna().all()
    for r in japan:
        assert rows.loc[r["publisher_cited"], "value_usd"] == round(float(r["value"]) * 1e9)
    # The rank is stated in the quoted sentence of one page ("third largest"), not the other.
    (stated,) = [r for r in japan if "third largest investor" in r["notes"]]
    assert rows.loc[stated["publisher_cited"], "japan_rank"] == 3
    assert rows.japan_rank.isna().sum() == 1
    # Same period and basis, same grade: the first in file order is preferred.
    assert rows.loc[japan[0]["publisher_cited"], "is_preferred"]
    assert not rows.loc[japan[1]["publisher_cited"], "is_preferred"]


def test_the_builder_logs_what_it_leaves_out_of_the_extra_file(raw_dir):
    from analysis.curate.india_japan.investment import build_japan_fdi_india
    from analysis.curate.spec import RawContext

    log = []
    ctx = RawContext(raw_dir=raw_dir, registry=data.load("sources").set_index("source_id"),
                     corrections=data.load("corrections"), log=log.append)  # fmt: skip
    out = build_japan_fdi_india(ctx)
    raw = raw_rows(raw_dir, EXTRA)
    not_fdi = [r for r in raw if r["item"] != "FDI"]
    all_countries = len(raw) - len(not_fdi) - len(extra_japan_rows(raw_dir))
    text = "\n".join(log)
    assert f"{len(raw)} rows in, {len(raw) - len(not_fdi) - all_countries} rows out" in text
    assert f"left out {all_countries} all-country DPIIT cumulative totals: not Japan's" in text
    assert f"left out {len(not_fdi)} rows that are not FDI (ODA 1, trade 2)" in text
    # No all-country total reached the table.
    totals = {round(float(r["value"]) * 1e6) for r in raw if "ALL countries" in r["measure"]}
    assert len(totals) == all_countries and not totals & set(out.value_usd.dropna())


def test_notes_are_kept_and_a_leading_plus_is_written_up(raw_dir):
    misc = raw_rows(raw_dir, "published_figures/india_japan_fdi_published.csv")
    (raw,) = [r for r in misc if r["notes"].startswith("+")]
    fdi = data.load("japan_fdi_india")
    row = fdi[(fdi.period == raw["period"]) & (fdi.source_id == "fdi_japan_published_misc")]
    assert row.notes.iloc[0] == "up " + raw["notes"][1:]
    # A cumulative row whose notes open with "rank N" gets that rank.
    fy = raw_rows(raw_dir, "japan_fdi_india/japan_fdi_india_published_by_fy.csv")
    (dec16,) = [r for r in fy if r["period"] == "Apr 2000 - Dec 2016"]
    assert dec16["notes"].startswith("rank ")
    rank = int(dec16["notes"].split()[1].rstrip(";,"))
    assert fdi.set_index("period").loc["Apr 2000 - Dec 2016", "japan_rank"] == rank


# --- Aid to India by donor -------------------------------------------------------------

AID_COLUMNS = ["recipient_iso3", "donor_code", "donor_name", "year", "measure", "value_usd",
               "source_id"]  # fmt: skip
NAMES = {"JPN": "Japan", "GBR": "United Kingdom", "DEU": "Germany", "DAC": "All DAC donors",
         "ALL": "All donors"}  # fmt: skip


def aid(flows, *, totals=None, all_donors=None):
    """Build rows like oda_india_by_donor from {year: {donor: value}}; totals default to sums."""
    rows = []
    for year, by_donor in flows.items():
        for code, value in by_donor.items():
            rows.append(("IND", code, NAMES[code], year, "net_bilateral_oda", value, "s"))
        total = (totals or {}).get(year, sum(by_donor.values()))
        rows.append(("IND", "DAC", NAMES["DAC"], year, "dac_total", total, "s"))
        if all_donors and year in all_donors:
            rows.append(("IND", "ALL", NAMES["ALL"], year, "net_oda_all_donors",
                         all_donors[year], "s"))  # fmt: skip
    return pd.DataFrame(rows, columns=AID_COLUMNS)


def test_donor_ranking_ranks_net_flows_with_shares_of_both_totals():
    from analysis.cases.india_japan import investment

    oda = aid({2019: {"JPN": 600e6, "DEU": 300e6, "GBR": 100e6}}, all_donors={2019: 800e6})
    ranking = investment.donor_ranking(oda, 2019)
    assert ranking.donor_code.tolist() == ["JPN", "DEU", "GBR"]
    assert ranking["rank"].tolist() == [1, 2, 3]
    assert ranking.share_of_dac_total.tolist() == pytest.approx([0.6, 0.3, 0.1])
    # Multilaterals can be net negative, so a share of all donors can exceed the DAC one.
    assert ranking.share_of_all_donors.tolist() == pytest.approx([0.75, 0.375, 0.125])


def test_a_dac_total_that_disagrees_with_its_donors_is_refused():
    from analysis.cases.india_japan import investment

    oda = aid({2018: {"JPN": 5e6, "GBR": 4e6}, 2019: {"JPN": 6e6, "GBR": 1e6}},
              totals={2019: 9e6})  # fmt: skip
    assert investment.donor_ranking(oda, 2018)["rank"].tolist() == [1, 2]
    with pytest.raises(DataError, match="DAC total in 2019"):
        investment.donor_ranking(oda, 2019)
    with pytest.raises(DataError, match="7,000,000 against 9,000,000"):
        investment.largest_donor_by_year(oda)


def test_largest_donor_by_year_follows_the_donor_given():
    from analysis.cases.india_japan import investment

    oda = aid({2017: {"GBR": 5e6, "JPN": -1e6}, 2018: {"GBR": 2e6, "DEU": 1e6},
               2019: {"JPN": 6e6, "DEU": 2e6, "GBR": 1e6}})  # fmt: skip
    japan = investment.largest_donor_by_year(oda, donor="JPN").set_index("year")
    assert japan.leader_code.tolist() == ["GBR", "GBR", "JPN"]
    assert japan.runner_up_code.tolist() == ["JPN", "DEU", "DEU"]
    assert japan.loc[2017, "donor_rank"] == 2 and pd.isna(japan.loc[2018, "donor_rank"])
    assert japan.loc[2019, "donor_share_of_dac_total"] == pytest.approx(6 / 9)
    uk = investment.largest_donor_by_year(oda, donor="GBR").set_index("year")
    assert uk.donor_rank.tolist() == [1, 1, 3] and (uk.donor_code == "GBR").all()
    spells = investment.years_led_by_others(japan.reset_index())
    assert spells[["first_year", "last_year", "leaders"]].values.tolist() == [
        [2017, 2018, "United Kingdom"]
    ]
    assert spells.donor_min_usd.iloc[0] == -1e6 and spells.donor_min_year.iloc[0] == 2017


def raw_aid_rows(raw_dir):
    """Read the registered WDI aid extract with the csv module, independently of the builder."""
    import csv

    path = raw_dir / "wdi_india_dac_bilateral_aid" / "wdi_india_oda_by_dac_donor_1960_2019.csv"
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_aid_table_holds_every_raw_amount_as_published(raw_dir):
    oda = data.load("oda_india_by_donor")
    raw = [r for r in raw_aid_rows(raw_dir) if r["Indicator Code"] != "DT.ODA.ODAT.GN.ZS"]
    assert len(oda) == len(raw)
    table = oda.set_index(["indicator_code", "year"])["value_usd"]
    for r in raw:
        # Published to US$10,000; the file stores single-precision floats of those figures.
        expected = round(float(r["value_current_usd"]) / 1e4) * 10_000
        assert table[(r["Indicator Code"], int(r["year"]))] == expected
    japan = oda.query("donor_code == 'JPN' and year == 2019").iloc[0]
    assert japan.indicator_code == "DC.DAC.JPNL.CD" and japan.measure == "net_bilateral_oda"
    assert (oda.value_usd < 0).any()  # net flows can be negative, and are kept


def test_aid_table_matches_the_figures_in_its_provenance_notes(raw_dir):
    """The notes' table of the largest donors (US$ million) agrees with the curated table."""
    import re

    notes = (raw_dir / "wdi_india_dac_bilateral_aid" / "PROVENANCE.md").read_text("utf-8")
    codes = {"Japan": "JPN", "UK": "GBR", "Germany": "DEU", "France": "FRA", "EU inst.": "EUI"}
    oda = data.load("oda_india_by_donor")
    flows = oda[oda.measure == "net_bilateral_oda"].set_index(["donor_code", "year"])["value_usd"]
    totals = oda[oda.measure == "dac_total"].set_index("year")["value_usd"]
    rows = re.findall(r"^\| (\d{4}) \| (.+) \| (.+) \| (.+) \| ([\d,]+) \|$", notes, re.M)
    assert len(rows) == 6
    for year, *donors, total in rows:
        year = int(year)
        # The notes round to the million, at times in two steps (2,319.45 is written 2,320).
        assert totals[year] / 1e6 == pytest.approx(int(total.replace(",", "")), abs=1)
        for cell in donors:
            name, value = cell.rsplit(" ", 1)
            expected = int(value.replace(",", ""))
            assert flows[(codes[name], year)] / 1e6 == pytest.approx(expected, abs=1)
    # "For 2019, Japan is 59% of the DAC bilateral total (1,795 of 3,059)".
    assert round(flows[("JPN", 2019)] / totals[2019], 2) == 0.59


def test_aid_donor_codes_and_dac_totals_are_consistent():
    from analysis.curate.india_japan.aid import dac_total_gaps

    oda = data.load("oda_india_by_donor")
    assert not oda.duplicated(["recipient_iso3", "donor_code", "year", "measure"]).any()
    for a, b in [("donor_code", "indicator_code"), ("donor_code", "donor_name")]:
        pairs = oda.drop_duplicates(["measure", a, b])
        assert not pairs.duplicated(["measure", a]).any()
        assert not pairs.duplicated(["measure", b]).any()
    assert set(oda.query("donor_kind != 'dac_member'").donor_code) == {"EUI", "DAC", "ALL"}
    gaps = dac_total_gaps(oda)
    assert len(gaps) == 60 and gaps.agrees.all()


def aid_context(tmp_path, text):
    """A RawContext holding one registered raw aid file with the given content."""
    from analysis.curate.raw import sha256
    from analysis.curate.spec import RawContext

    path = tmp_path / "aid.csv"
    path.write_text(text, encoding="utf-8")
    registry = pd.DataFrame(
        {"source_id": ["wdi_dac_aid_ind"], "raw_path": ["aid.csv"], "raw_sha256": [sha256(path)]}
    ).set_index("source_id")
    corrections = pd.DataFrame(columns=["source_id"])
    return RawContext(raw_dir=tmp_path, registry=registry, corrections=corrections,
                      log=lambda _: None)  # fmt: skip


AID_HEADER = "Country Name,Country Code,Indicator Name,Indicator Code,year,value_current_usd\n"


def aid_line(donor, code, year, value):
    return (f'India,IND,"Net bilateral aid flows from DAC donors, {donor} (current US$)",'
            f"{code},{year},{value}\n")  # fmt: skip


def test_aid_builder_checks_the_dac_total_and_the_series(tmp_path):
    from analysis.curate.india_japan.aid import build_oda_india_by_donor

    lines = [
        aid_line("Japan", "DC.DAC.JPNL.CD", 2019, "1794770020.41"),
        aid_line("European Union institutions", "DC.DAC.CECL.CD", 2019, "186400000.0"),
    ]
    good = AID_HEADER + "".join(lines) + aid_line("Total", "DC.DAC.TOTL.CD", 2019, "1981170000")
    out = build_oda_india_by_donor(aid_context(tmp_path, good))
    assert out.set_index("donor_code").loc["JPN", "value_usd"] == 1_794_770_000
    assert out.set_index("donor_code").loc["EUI", "donor_kind"] == "eu_institutions"
    off = AID_HEADER + "".join(lines) + aid_line("Total", "DC.DAC.TOTL.CD", 2019, "1794770000")
    with pytest.raises(DataError, match="DC.DAC.TOTL.CD: expected the DAC total .* in 2019"):
        build_oda_india_by_donor(aid_context(tmp_path, off))
    unknown = good + aid_line("Narnia", "DC.DAC.NRNL.CD", 2019, "1000")
    with pytest.raises(DataError, match="aid.csv:5:Indicator Code"):
        build_oda_india_by_donor(aid_context(tmp_path, unknown))
