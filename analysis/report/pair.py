"""Build the report for any country pair, from the embedded data and any downloaded files.

``python -m analysis build --reporter KOR --partner USA`` builds the report offline from
the embedded IMF DOTS panel (``dots_trade``: both reporters' figures for every calendar
year 1960–2020, world totals, ranks) and the gravity model's inputs; ``--data FILE...``
adds the files' figures (product detail, newer years). The pair is checked first (a wrong
country, a pair that neither the panel nor the files hold, an empty year range or mixed
units stop the build with a clear message), then the parameterised notebook
``notebooks/pair/pair_report.md`` (MyST Markdown; its cell tagged ``parameters`` holds the
defaults) is read with jupytext and executed with papermill into
``reports/<REPORTER>-<PARTNER>/``: the executed notebook, its HTML page (``index.html``),
``figures/`` and ``tables/``. The folder is replaced only when the build succeeds.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from analysis import data
from analysis.config import OUTPUT_DIR_ENV, READ_MEMO_ENV, REPORT_DIR
from analysis.measures import pair
from analysis.present import interactive
from analysis.readers import formats
from analysis.report import (
    KERNEL_ARGS,
    KERNEL_ENV,
    KERNEL_TIMEOUT_S,
    PAIR_NOTEBOOK,
    PID_FILE,
    BuildError,
    cell_number,
    environment,
    read,
    render,
    stage,
)
from analysis.report.site import NAV_PLACEHOLDER


def pair_folder(reporter: str, partner: str, out_root: Path = REPORT_DIR) -> Path:
    """Return the report folder of a pair, ``reports/<REPORTER>-<PARTNER>``.

    Parameters
    ----------
    reporter, partner
        ISO3 codes.
    out_root
        The reports folder.

    Returns
    -------
    pathlib.Path
        The folder.
    """
    return out_root / f"{reporter}-{partner}"


def _html(nb: nbformat.NotebookNode) -> str:
    """Render an executed notebook as a standalone HTML page, as the flagship's pages are."""
    return render(nb).replace(NAV_PLACEHOLDER, "")


def check_pair(
    reporter: str, partner: str, files: Sequence[Path] = (), *, years: str | None = None
) -> tuple[str, str]:
    """Check that the embedded panel or the files can serve the pair, before any notebook runs.

    Parameters
    ----------
    reporter, partner
        Country codes or names.
    files
        Trade downloads (none: the embedded panel alone).
    years
        A year or range (``2018-2022``), or ``None``.

    Returns
    -------
    tuple of str
        The reporter's and the partner's ISO3 codes.

    Raises
    ------
    DataError
        If a country is unknown, the two are the same, the year range is malformed, or
        neither the panel nor the files hold the pair (in the range), or the files mix
        units.
    """
    data.check_package()
    codes = data.load("country_codes")
    # Countries and years first: a mistyped code should not wait for any data to load.
    reporter = pair.resolve_country(reporter, option="--reporter", codes=codes)
    partner = pair.resolve_country(partner, option="--partner", codes=codes)
    span = pair.parse_years(years)
    # Files before the embedded panel: a large download is read before the panel fills memory.
    if files:
        pair.select(formats.load_files(files, countries=[reporter, partner]), reporter, partner,
                    years=span)  # fmt: skip
    pair.embedded_years(data.load("dots_trade"), reporter, partner, years=span,
                        required=not files)  # fmt: skip
    return reporter, partner


def build_pair(
    reporter: str,
    partner: str,
    files: Sequence[Path] = (),
    *,
    years: str | None = None,
    out_root: Path = REPORT_DIR,
    notebook: Path = PAIR_NOTEBOOK,
) -> Path:
    """Check the pair (:func:`check_pair`), then execute the pair notebook into its folder.

    Parameters
    ----------
    reporter, partner
        Country codes or names; the report is from the reporter's side.
    files
        Trade downloads in any supported format (and BACI's country-code file), in order
        of preference; none for a report from the embedded data alone.
    years
        A year or range (``2018-2022``); every year in the data by default.
    out_root
        The reports folder; the pair's report goes in ``<REPORTER>-<PARTNER>/`` inside it.
    notebook
        The parameterised notebook (MyST Markdown, or any format jupytext reads).

    Returns
    -------
    pathlib.Path
        The pair's report folder.

    Raises
    ------
    DataError
        If neither the embedded panel nor the files can serve the pair (checked before
        any notebook runs).
    BuildError
        If a notebook cell fails; the previous report is left as it was.
    """
    paths = [Path(f).resolve() for f in files]
    # The check's reading of the files is kept for the notebook, which would read them again.
    memo = tempfile.mkdtemp(prefix="analysis-reads-")
    try:
        with environment({READ_MEMO_ENV: memo}):
            reporter, partner = check_pair(reporter, partner, paths, years=years)
            return _build(reporter, partner, paths, years, out_root, notebook, memo)
    finally:
        shutil.rmtree(memo, ignore_errors=True)


def _build(
    reporter: str,
    partner: str,
    paths: list[Path],
    years: str | None,
    out_root: Path,
    notebook: Path,
    memo: str,
) -> Path:
    """Execute the pair notebook into a staging folder and swap it in for the report."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    out_dir = pair_folder(reporter, partner, out_root).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = stage(out_dir)
    try:
        executed = staging / f"{notebook.stem}.ipynb"
        # papermill reads .ipynb files: the text notebook is converted beside the build.
        source = staging / f".{notebook.stem}.source.ipynb"
        nbformat.write(read(notebook), source)
        parameters = {
            "reporter": reporter,
            "partner": partner,
            "data_files": [str(p) for p in paths],
            "years": years,
        }
        with environment({**KERNEL_ENV, OUTPUT_DIR_ENV: str(staging), READ_MEMO_ENV: memo}):
            try:
                papermill.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=parameters,
                    kernel_name="python3",
                    progress_bar=False,
                    cwd=str(notebook.parent),
                    execution_timeout=KERNEL_TIMEOUT_S,
                    extra_arguments=KERNEL_ARGS,
                )
            except PapermillExecutionError as err:
                raise BuildError(
                    f"{notebook.name}: cell {cell_number(notebook, err.cell_index)} failed: "
                    f"{err.ename}: {err.evalue}"
                ) from None
            except (CellTimeoutError, DeadKernelError) as err:
                raise BuildError(
                    f"{notebook.name}: stopped: {type(err).__name__}: "
                    f"{str(err).splitlines()[0]} (a cell may run {KERNEL_TIMEOUT_S} s)"
                ) from None
            finally:
                source.unlink()
        nb = nbformat.read(executed, as_version=4)
        # Name the notebook the user edits, not the converted copy.
        nb.metadata.papermill.input_path = str(notebook)
        nbformat.write(nb, executed)
        page = _html(nb)
        (staging / "index.html").write_text(page, encoding="utf-8")
        if interactive.page_needs_plotly(page):
            interactive.write_plotly_js(staging)
        staging.chmod(0o755)
        (staging / PID_FILE).unlink(missing_ok=True)
        old = out_dir.with_name(f".{out_dir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
