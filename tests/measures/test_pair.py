import ast
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import data
from analysis.__main__ import main
from analysis.errors import DataError
from analysis.measures import pair
from analysis.present import charts
from analysis.readers import formats
from analysis.report import read
from analysis.report.pair import PAIR_NOTEBOOK

FIXTURES = Path(__file__).parents[1] / "fixtures"
ALL = sorted(FIXTURES.glob("*.csv"))
# The figures every report draws from the embedded data (IMF DOTS and the gravity model).
EMBEDDED_FIGURES = {"both_reporters.png", "mirror_gap.png", "rank_over_time.png",
                    "world_share.png", "potential.png"}  # fmt: skip
EMBEDDED_TABLES = {"overview.csv", "both_reporters.csv", "mirror_gaps.csv", "rank_over_time.csv",
                   "world_share.csv", "potential.csv"}  # fmt: skip


def markdown_outputs(path):
    nb = nbformat.read(path, as_version=4)
    return "\n".join(
        o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
        for o in c.outputs if "text/markdown" in o.get("data", {})
    )  # fmt: skip


@pytest.fixture(scope="module")
def loaded():
    return formats.load_files(ALL)


@pytest.fixture(scope="module")
def ind_kor(loaded):
    return pair.select(loaded, "IND", "Korea, Rep.")


def test_unknown_country_is_named(loaded):
    with pytest.raises(
        DataError, match=r"<arguments>::--partner: expected a country code.*'Atlantis'"
    ):
        pair.select(loaded, "IND", "Atlantis")


def test_absent_pair_lists_the_pairs_held(loaded):
    with pytest.raises(DataError, match=r"trade between IND and BRA.*IND–KOR"):
        pair.select(loaded, "IND", "BRA")


def test_year_range_without_data_names_the_years_held(loaded):
    with pytest.raises(DataError, match=r"IND–KOR trade in 2030–2031.*2016, 2017"):
        pair.select(loaded, "IND", "KOR", years=pair.parse_years("2030-2031"))
    with pytest.raises(DataError, match="--years"):
        pair.parse_years("2022-2018")


def test_same_country_twice_is_refused(loaded):
    with pytest.raises(DataError, match="a country other than the reporter"):
        pair.select(loaded, "IND", "India")


def test_mixed_units_across_files_are_refused(tmp_path):
    # A WITS file whose values are in US$ although its column says thousands.
    text = (FIXTURES / "wits_IND_2018.csv").read_text(encoding="utf-8")
    wrong = tmp_path / "wits_in_dollars.csv"
    wrong.write_text(text.replace("4703214.5", "4703.2145"), encoding="utf-8")
    files = [FIXTURES / "imf_dots_IND_KOR_2018-2022.csv", wrong]
    with pytest.raises(DataError, match=r"wits_in_dollars.csv.*mixed units.*a factor of 0.001"):
        pair.select(formats.load_files(files), "IND", "KOR")


def test_years_prefer_the_reporters_own_figures_in_file_order(ind_kor):
    years = pair.by_year(ind_kor).set_index("year")
    assert list(years.index) == list(range(2016, 2024))
    assert set(years["basis"]) == {"reported"}
    # 2020: the classic Comtrade file (India-reported) wins over BACI and Korea's mirror.
    assert years.loc[2020, "source_id"] == "comtrade_classic_IND_KOR_2019-2020.csv"
    assert years.loc[2022, "exports_usd"] == 6.73e9
    assert years.loc[2022, "balance_usd"] == pytest.approx(6.73e9 - 21.23e9)


def test_baci_and_the_mirror_fill_years_the_reporter_lacks():
    files = [FIXTURES / "BACI_HS17_Y2020_V202401.csv", FIXTURES / "country_codes_V202401.csv",
             FIXTURES / "comtrade_classic_IND_KOR_2019-2020.csv"]  # fmt: skip
    p = pair.select(formats.load_files(files), "KOR", "IND")
    years = pair.by_year(p).set_index("year")
    # Korea's own figures (2020) come first; 2019 has only India's report, seen from Korea.
    assert years.loc[2020, "basis"] == "reported"
    assert years.loc[2019, "basis"] == "mirror"
    assert years.loc[2019, "exports_usd"] == 16.76e9  # India's imports from Korea
    only_baci = pair.select(formats.load_files(files[:2]), "IND", "KOR")
    row = pair.by_year(only_baci).iloc[0]
    assert row["basis"] == "reconciled" and row["exports_usd"] > 4e9


def test_mirror_shares_ranking_chapters_and_kept_apart(ind_kor):
    mirrored = pair.mirror(ind_kor)
    assert sorted(set(mirrored["year"])) == [2018, 2020]
    assert pair.world_shares(ind_kor)["share"].between(0, 1).all()
    year, ranked = pair.ranking(ind_kor)
    assert year == 2022 and ranked.set_index("partner_iso3").loc["KOR", "rank"] == 3
    year, chapters = pair.chapters(ind_kor)
    assert year == 2022
    assert chapters.groupby("flow")["share"].sum().tolist() == pytest.approx([1, 1])
    kept = pair.labelled(ind_kor)
    assert {"re-exports", "re-imports", "confidential or unspecified product (HS 99)",
            "aggregate or unspecified partner"} == set(kept["what"])  # fmt: skip


def test_charts_cite_user_files_through_sources(ind_kor):
    fig = charts.plot_trade_by_period(pair.by_year(ind_kor), reporter="IND", partner="KOR",
                                      sources=pair.sources(ind_kor))  # fmt: skip
    line = fig.get_supxlabel()
    assert line.startswith("Source: IMF, file imf_dots_wide") and "UN Comtrade" in line


def test_cli_builds_the_report_of_a_second_pair(tmp_path, capsys):
    status = main(["build", "--reporter", "IND", "--partner", "KOR", "--out", str(tmp_path),
                   "--data", *map(str, ALL)])  # fmt: skip
    assert status == 0, capsys.readouterr().err
    out = tmp_path / "IND-KOR"
    assert (out / "index.html").is_file() and (out / "pair_report.ipynb").is_file()
    figures = {p.name for p in (out / "figures").glob("*.png")}
    # The files' figures, and the embedded panel's beside them.
    files_figures = {"trade_by_year.png", "partner_share.png", "partner_rank.png",
                     "top_chapters_export.png", "top_chapters_import.png"}  # fmt: skip
    assert figures == files_figures | EMBEDDED_FIGURES
    trade = pd.read_csv(out / "tables" / "trade_by_year.csv")
    assert trade["year"].tolist() == list(range(2016, 2024))
    assert "India–Rep. of Korea" in (out / "index.html").read_text(encoding="utf-8")


def test_sections_without_data_say_so_and_one_flow_is_enough(tmp_path, capsys):
    # India's exports to Korea only: the IMF file without its import rows.
    lines = (FIXTURES / "imf_dots_wide_IND_KOR_2016-2017.csv").read_text("utf-8").splitlines()
    exports = tmp_path / "imf_exports_only.csv"
    exports.write_text("\n".join(ln for ln in lines if "TMG_CIF_USD" not in ln) + "\n", "utf-8")
    assert main(["build", "--reporter", "IND", "--partner", "KOR", "--out", str(tmp_path),
                 "--data", str(exports)]) == 0, capsys.readouterr().err  # fmt: skip
    text = markdown_outputs(tmp_path / "IND-KOR" / "pair_report.ipynb")
    assert "this section needs a file of India's trade with all partners" in text
    assert "this section needs a file with HS product detail" in text
    assert "this section needs a file reported by Rep. of Korea" in text
    # The newest year's exports, as in the file's Value row for Korea in 2017.
    assert "India exported US$4.5 billion to Rep. of Korea (the files hold exports only)" in text
    assert "in all goods" in text and "not the pair's total trade" not in text


def test_cli_reports_a_data_error_without_building(tmp_path, capsys):
    status = main(["build", "--reporter", "IND", "--partner", "XYZ", "--out", str(tmp_path),
                   "--data", str(FIXTURES / "wits_IND_2018.csv")])  # fmt: skip
    assert status == 1 and "--partner" in capsys.readouterr().err
    assert not (tmp_path / "IND-XYZ").exists()


def test_cli_builds_a_pair_from_the_embedded_data_alone(tmp_path, capsys):
    assert main(["build", "--reporter", "KOR", "--partner", "USA", "--out", str(tmp_path)]) == 0
    out = tmp_path / "KOR-USA"
    assert (out / "index.html").is_file()
    assert {p.name for p in (out / "figures").glob("*.png")} == EMBEDDED_FIGURES
    assert {p.name for p in (out / "tables").glob("*.csv")} == EMBEDDED_TABLES
    # Both reporters' totals, every year, are the sums of their own DOTS rows: Korea's
    # exports to the US are Korea's export rows, and the US's import rows in its figures.
    sides = pd.read_csv(out / "tables" / "both_reporters.csv").set_index(["reporter_iso3", "year"])
    dots = data.load("dots_trade")
    rows = dots[dots.reporter_iso3.isin(["KOR", "USA"]) & dots.partner_iso3.isin(["KOR", "USA"])]
    sums = rows.pivot_table(index=["reporter_iso3", "year"], columns="flow", values="value_usd",
                            aggfunc="sum")  # fmt: skip
    korea_exports = sums["export"].where(sums.index.get_level_values(0) == "KOR", sums["import"])
    assert sides.exports_usd.sort_index().equals(korea_exports.sort_index().rename("exports_usd"))
    assert (sides.total_usd == sides.exports_usd + sides.imports_usd).all()
    assert list(sides.loc["KOR"].index) == list(range(1960, 2021))
    world = pd.read_csv(out / "tables" / "world_share.csv").set_index(["flow", "year"])
    korea_world = dots[(dots.reporter_iso3 == "KOR") & (dots.partner_iso3 == "WLD")]
    assert world.world_usd.sort_index().equals(
        korea_world.groupby(["flow", "year"]).value_usd.sum().rename("world_usd").sort_index()
    )
    potential = pd.read_csv(out / "tables" / "potential.csv")
    directions = set(zip(potential.exporter_iso3, potential.importer_iso3, strict=True))
    assert directions == {("KOR", "USA"), ("USA", "KOR")}
    text = markdown_outputs(out / "pair_report.ipynb")
    assert "a UN Comtrade or BACI HS file for Rep. of Korea" in text
    assert "Both Rep. of Korea and USA are in it." in text


def test_unknown_code_is_refused_with_a_suggestion(tmp_path, capsys):
    with pytest.raises(DataError, match=r"--partner: expected a country code listed in "
                       r"country_codes.*'KOX'.*did you mean KOR \(Rep\. of Korea\)\?"):  # fmt: skip
        pair.resolve_country("KOX", option="--partner")
    with pytest.raises(DataError, match=r"not an unspecified area.*Europe not specified"):
        pair.resolve_country("XUU", option="--partner")
    # A group of countries is a side of its own, with a note saying what its figures are.
    assert pair.resolve_country("European Union", option="--reporter") == "XDN"
    assert pair.aggregate_note(["XDN", "IND"]).startswith("European Union is a group of ")
    assert pair.aggregate_note(["WLD", "XDN"]).count("is a group of countries") == 2
    assert main(["build", "--reporter", "USA", "--partner", "KOX", "--out", str(tmp_path)]) == 1
    assert "did you mean KOR" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_pair_without_embedded_rows_or_file_is_refused(tmp_path, capsys):
    # Afghanistan and Bhutan: neither reports trade with the other to DOTS.
    assert main(["build", "--reporter", "AFG", "--partner", "BTN", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "expected rows of AFG–BTN trade" in err and "give --data FILE" in err
    assert "neither reports trade with the other" in err
    assert not any(tmp_path.iterdir())
    dots = data.load("dots_trade")
    with pytest.raises(DataError, match=r"KOR–USA trade in 2021–2023.*holds it for 1960–2020"):
        pair.embedded_years(dots, "KOR", "USA", years=(2021, 2023))
    # With a file, the pair needs no DOTS rows.
    assert pair.embedded_years(dots, "AFG", "BTN", required=False) is None


def test_the_pair_notebook_follows_the_notebook_rules():
    nb = read(PAIR_NOTEBOOK)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert nb.cells[0].source.startswith("# ")
    first = "\n".join(ln for ln in code[0].source.splitlines() if not ln.startswith("%"))
    assert all(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.parse(first).body)
    assert code[1].metadata.get("tags") == ["parameters"]
    for cell in code[1:]:
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef
                                  | ast.Lambda) for n in ast.walk(tree))  # fmt: skip
    assert nb.cells[-2].source.strip() == "## Data and sources"
    assert "data.sources_for(" in nb.cells[-1].source


def test_a_curated_table_stands_in_for_a_download():
    (table,) = pair.curated_files(["india_trade_by_partner_2019"])
    raw = data.load("india_trade_by_partner_2019")
    assert list(table.table.columns) == list(formats.COLUMNS)
    assert len(table.table) == len(raw) and table.provenance.rows_in == len(raw)
    assert table.table["value_usd"].sum() == pytest.approx(float(raw["value_usd"].sum()))
    pkg = {r["name"]: r for r in data.package()["resources"]}
    assert table.provenance.sha256 == pkg["india_trade_by_partner_2019"]["hash"][7:]
    kinds = dict(zip(table.table["partner_iso3"], table.table["partner_kind"], strict=True))
    assert kinds["WLD"] == "world" and kinds["KOR"] == "country"
    chosen = pair.select([table], "IND", "JPN")
    year, ranked = pair.ranking(chosen)
    both = raw[raw.partner_iso3 == "JPN"].value_usd.sum()
    assert year == 2019 and pair.by_year(chosen).total_usd.iloc[0] == pytest.approx(float(both))
    assert "JPN" in set(ranked["partner_iso3"])


def test_a_table_without_the_canonical_columns_is_refused():
    with pytest.raises(DataError, match="the columns reporter_iso3"):
        pair.curated_files(["hs_chapters"])
