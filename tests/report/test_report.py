import os
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.config import NOTEBOOK_DIR, ROOT
from analysis.report import BuildError, build, notebooks, site


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_report_has_index_pages_figures_and_tables(built_report):
    index = (built_report / "index.html").read_text(encoding="utf-8")
    for nb in notebooks():
        assert f'href="{nb.stem}.html"' in index
        assert (built_report / f"{nb.stem}.html").is_file()
    figures = sorted(p.name for p in (built_report / "figures").iterdir())
    for name in ["headline_2020", "india_japan_trade_by_fiscal_year", "india_top_partners_2019"]:
        assert f"{name}.png" in figures and f"{name}.svg" in figures
    assert (built_report / "tables" / "india_japan_trade_summary.csv").is_file()
    # Every link on the landing page resolves to a file.
    for href in re.findall(r'href="([^"]+)"', index):
        assert (built_report / href).is_file(), href


def test_notebook_pages_hold_their_executed_outputs(built_report):
    page = (built_report / "01_headline.html").read_text(encoding="utf-8")
    assert "India–Japan trade: the headline figures" in page
    # No cell wrote to stderr (warnings included).
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page
    assert page.count("data:image/png;base64") >= 3


def test_two_builds_give_identical_figures_and_tables(built_report, tmp_path):
    second = tmp_path / "reports"
    build(second, progress=False)
    for sub in ["figures", "tables"]:
        assert files(built_report / sub) == files(second / sub)


def test_readme_picture_is_the_built_chart(built_report):
    readme_png = ROOT / "docs" / "india_japan_trade_by_fiscal_year.png"
    assert readme_png.read_bytes() == (built_report / "figures" / readme_png.name).read_bytes()


def failing_notebook(folder: Path) -> None:
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    jupytext.write(nb, folder / "01_broken.md", fmt="md:myst")


def test_failing_notebook_stops_with_name_cell_and_error(tmp_path):
    failing_notebook(tmp_path / "nb")
    with pytest.raises(BuildError, match=r"01_broken.md: cell 2 failed: ZeroDivisionError"):
        build(tmp_path / "out", notebook_dir=tmp_path / "nb", progress=False)


def test_failed_build_leaves_the_previous_report_intact(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous", encoding="utf-8")
    failing_notebook(tmp_path / "nb")
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--out", str(out), "--notebooks",
         str(tmp_path / "nb"), "--no-progress"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "01_broken.md: cell 2 failed: ZeroDivisionError" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_notebooks_are_numbered_and_found():
    names = [p.name for p in notebooks()]
    assert names[0] == "01_headline.md"
    assert names == sorted(names)
    # The default report is the flagship case's notebooks, in its own folder.
    assert notebooks() == notebooks(NOTEBOOK_DIR / "india_japan")


def two_notebooks(folder: Path) -> None:
    """Write one notebook that formats a number and one that loads a table."""
    folder.mkdir()
    for name, code in [
        ("01_text", "from analysis.present import text\nprint(text.usd_bn(1e9))"),
        ("02_table", "from analysis import data\nlen(data.load('country_codes'))"),
    ]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(code)]
        jupytext.write(nb, folder / f"{name}.md", fmt="md:myst")


def test_an_edit_reruns_only_the_notebooks_that_read_the_file(tmp_path, monkeypatch):
    import analysis.report as report

    two_notebooks(tmp_path / "nb")
    out = tmp_path / "out"
    first = build(out, notebook_dir=tmp_path / "nb", progress=False)
    assert [p.cached for p in first] == [False, False]
    # A folder that is not a case's gets no key figures: a landing page listing its notebooks.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="01_text.html"' in index and "Key figures" not in index
    # The kernel's record of what it read is not part of the page.
    assert "files_read" not in (out / "01_text.html").read_text(encoding="utf-8")

    real = report.inputs

    def edited(module: str = "", table: str = ""):
        # The build's digests as if a module or a table had been edited.
        def fake():
            given = real()
            code, data = dict(given.code), dict(given.data)
            if module:
                code[module] = "edited"
            if table:
                data[table] = "edited"
            return report.Inputs(code=code, data=data, params=given.params)

        return fake

    monkeypatch.setattr(report, "inputs", edited(module="present/text.py"))
    assert [p.cached for p in build(out, notebook_dir=tmp_path / "nb", progress=False)] == [
        False,
        True,
    ]
    # The module's edit stays; a table's edit follows.
    monkeypatch.setattr(report, "inputs", edited("present/text.py", "country_codes.csv"))
    assert [p.cached for p in build(out, notebook_dir=tmp_path / "nb", progress=False)] == [
        True,
        False,
    ]


def test_a_cell_that_runs_too_long_is_named(tmp_path, monkeypatch):
    import analysis.report as report

    monkeypatch.setattr(report, "KERNEL_TIMEOUT_S", 2)
    folder = tmp_path / "nb"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import time"),
        nbformat.v4.new_code_cell("time.sleep(60)"),
    ]
    jupytext.write(nb, folder / "01_slow.md", fmt="md:myst")
    with pytest.raises(BuildError, match=r"01_slow.md: cell 2 failed: CellTimeoutError"):
        build(tmp_path / "out", notebook_dir=folder, progress=False)


def test_report_folder_is_readable_by_others(built_report):
    assert built_report.stat().st_mode & 0o005 == 0o005


def test_unchanged_inputs_are_reused_from_the_cache(built_report):
    # Speed is measured by the benchmarks, not asserted here: the test checks the reuse.
    before = {sub: files(built_report / sub) for sub in ["figures", "tables"]}
    pages = build(built_report, progress=False)
    assert pages and all(p.cached for p in pages)
    for sub in ["figures", "tables"]:
        assert files(built_report / sub) == before[sub]
    assert "reused from the cache" in (built_report / "environment.html").read_text("utf-8")


def test_a_build_keeps_the_reports_of_other_pairs(tmp_path):
    from analysis.report import _publish

    out = tmp_path / "reports"
    (out / "IND-KOR").mkdir(parents=True)
    (out / "IND-KOR" / "index.html").write_text("pair", encoding="utf-8")
    (out / "stale.html").write_text("old", encoding="utf-8")
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "index.html").write_text("new", encoding="utf-8")
    _publish(staging, out)
    assert (out / "IND-KOR" / "index.html").read_text(encoding="utf-8") == "pair"
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert not (out / "stale.html").exists()


def test_a_killed_build_leaves_no_debris_and_the_previous_report(tmp_path):
    from analysis.report import PID_FILE, stage

    out = tmp_path / "reports"
    # A build killed mid-swap: the report moved aside, the new one not yet in place.
    old = tmp_path / ".reports-old"
    old.mkdir()
    (old / "index.html").write_text("previous")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = tmp_path / ".reports-dead1234"
    dead.mkdir()
    (dead / PID_FILE).write_text(finished.stdout.strip())
    running = tmp_path / ".reports-alive5678"
    running.mkdir()
    (running / PID_FILE).write_text(str(os.getpid()))
    staging = stage(out)
    assert (out / "index.html").read_text() == "previous"
    assert not old.exists() and not dead.exists()
    assert running.exists(), "a build still running keeps its folder"
    assert (staging / PID_FILE).read_text() == str(os.getpid())


def test_pair_build_errors_number_cells_as_the_notebook_does(tmp_path):
    from analysis.report import cell_number

    nb = tmp_path / "n.md"
    cells = [nbformat.v4.new_markdown_cell("# Title"),
             nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("assert x")]  # fmt: skip
    jupytext.write(nbformat.v4.new_notebook(cells=cells), nb, fmt="md:myst")
    # Cells: 1 Markdown, 2 parameters; papermill inserts its own after them.
    assert cell_number(nb, 0) == 1 and cell_number(nb, 1) == 2
    assert cell_number(nb, 2) == "of the parameters given"
    assert cell_number(nb, 3) == 3


ATTACKS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![x]( JAVASCRIPT:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='javascript:alert(1)'>x</a>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_written_from_data_renders_no_tag_and_no_script_link(attack):
    from analysis.report.pair import _html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("display_data", data={
            "text/markdown": f"Exports of **{attack}** were US$4.3 billion, [see](https://a.org)."
        })])])  # fmt: skip
    page = _html(nb)
    body = page[page.index("<body") :]
    assert "<img src=x" not in body and "<script>alert" not in body
    assert not re.search(r"""(?i)<[a-z][^>]*(href|src)=["']?\s*(javascript|data):""", body)
    assert '<a href="https://a.org">see</a>' in body and "<strong>" in body


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'()[]!:/ =abjscriptvJS*_`\\")), max_size=40))
def test_no_text_makes_safe_markdown_render_a_tag(text):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from analysis.report import safe_markdown

    rendered = markdown2html_mistune(safe_markdown(text))
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", rendered))
    assert tags <= {"p", "a", "em", "strong", "code", "img", "del", "br", "ul", "ol", "li",
                    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "blockquote"}  # fmt: skip
    assert "<img" not in rendered or 'src="' in rendered
    assert not re.search(r"(?i)(href|src)=\"\s*[a-z][a-z0-9+.-]*:", rendered.replace(
        'href="http', "").replace('src="http', "").replace('href="mailto', ""))  # fmt: skip


def test_pages_fold_code_leave_out_parameters_and_show_no_stderr(built_report):
    for page in sorted(built_report.glob("0*.html")):
        body = page.read_text(encoding="utf-8")
        assert '<details class="code"><summary>Code</summary>' in body, page.name
        # Warnings and errors are handled or said in prose, never printed on a page.
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in body, page.name
        # The only script a page loads is the plotly.js shipped beside it (no network).
        loaded = re.findall(r'<script src="([^"]+)"', body)
        assert loaded in ([], ["plotly.min.js"]), page.name
        assert not loaded or (built_report / loaded[0]).is_file()


def test_the_pair_page_leaves_out_its_parameter_cell(tmp_path):
    from analysis.report.pair import _html

    cells = [nbformat.v4.new_code_cell('reporter = "IND"', metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell('reporter = "KOR"',
                                       metadata={"tags": ["injected-parameters"]}),
             nbformat.v4.new_code_cell("total = 1")]  # fmt: skip
    page = _html(nbformat.v4.new_notebook(cells=cells))
    assert "reporter" not in page and "total" in page
    assert site.NAV_PLACEHOLDER not in page


def test_no_chart_of_the_report_has_colliding_text_or_a_misleading_legend(built_report):
    from analysis.present.style import LAYOUT_SUFFIX

    crowded = {p.name: p.read_text(encoding="utf-8")
               for p in (built_report / "figures").glob(f"*{LAYOUT_SUFFIX}")}  # fmt: skip
    assert crowded == {}
    assert len(list((built_report / "figures").glob("*.svg"))) >= 20


def test_every_chart_of_the_report_has_a_title_of_its_own(built_report):
    titles = [site.describe_figure(p)[0] for p in sorted((built_report / "figures").glob("*.svg"))]
    repeated = {t for t in titles if titles.count(t) > 1}
    assert repeated == set() and all(titles)


def test_a_case_report_opens_with_the_pair_report_run_for_its_pair(built_report):
    from analysis import cases
    from analysis.report import CLAIMS_NOTEBOOK, CLAIMS_PAGE, PAIR_NOTEBOOK, PAIR_PAGE, pages

    listed = pages()
    assert list(listed)[0] == PAIR_PAGE and list(listed)[-1] == CLAIMS_PAGE
    assert listed[PAIR_PAGE] == (PAIR_NOTEBOOK, cases.pair_parameters())
    assert listed[CLAIMS_PAGE] == (CLAIMS_NOTEBOOK, {"claims_file": cases.example_claims()})
    assert all(params is None for _, params in list(listed.values())[1:-1])
    # A folder that is no case's has no pair page.
    assert PAIR_PAGE not in pages(NOTEBOOK_DIR / "pair")
    body = (built_report / f"{PAIR_PAGE}.html").read_text(encoding="utf-8")
    assert "This report covers <strong>India–Japan</strong> trade" in body
    # Neither the notebook's parameters nor those the build gave show on the page.
    assert 'reporter = "IND"' not in body and "reporter = 'IND'" not in body


def test_given_parameters_reach_the_notebook_and_its_cache_key(tmp_path):
    from analysis.report import cache_key, execute, inputs

    nb = tmp_path / "n.md"
    cells = [nbformat.v4.new_markdown_cell("# Title"),
             nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("assert x == 1, x")]  # fmt: skip
    jupytext.write(nbformat.v4.new_notebook(cells=cells), nb, fmt="md:myst")
    given = inputs()
    assert cache_key(nb, given, {"x": 1}) != cache_key(nb, given, {"x": 2})
    assert cache_key(nb, given, None) != cache_key(nb, given, {"x": 1})
    # The failing cell is named by its number in the stored notebook, not in the run one.
    with pytest.raises(BuildError, match=r"n.md: cell 3 failed: AssertionError: 2"):
        execute(nb, tmp_path / "out", parameters={"x": 2})


def test_the_report_checks_an_article_about_another_pair(built_report):
    from analysis.report import CLAIMS_PAGE

    body = (built_report / f"{CLAIMS_PAGE}.html").read_text(encoding="utf-8")
    assert "Fact-checking an article" in body and "Yonhap" in body
    assert (built_report / "figures" / "claims_by_basis.svg").is_file()
