"""Build the report for any country pair from downloaded trade files.

``python -m analysis build --reporter IND --partner KOR --data FILE...`` checks the files
and the pair first (so that a wrong country, an absent pair, an empty year range or mixed
units stop the build with a clear message), then executes the parameterised notebook
``notebooks/pair/pair_report.ipynb`` with papermill into ``reports/<REPORTER>-<PARTNER>/``:
the executed notebook, its HTML page (``index.html``), ``figures/`` and ``tables/``. The
folder is replaced only when the build succeeds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import nbformat

from analysis import pair
from analysis.config import NOTEBOOK_DIR, OUTPUT_DIR_ENV, REPORT_DIR
from analysis.report import KERNEL_ENV, KERNEL_TIMEOUT_S, BuildError
from analysis.sources import formats

PAIR_NOTEBOOK = NOTEBOOK_DIR / "pair" / "pair_report.ipynb"


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernel papermill starts, restoring them after."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


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
    """Render an executed notebook as a standalone HTML page without the input prompts."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab", exclude_input_prompt=True).from_notebook_node(nb)
    return body


def build_pair(
    reporter: str,
    partner: str,
    files: Sequence[Path],
    *,
    years: str | None = None,
    out_root: Path = REPORT_DIR,
    notebook: Path = PAIR_NOTEBOOK,
) -> Path:
    """Check the files for the pair, then execute the pair notebook into the pair's folder.

    Parameters
    ----------
    reporter, partner
        Country codes or names; the report is from the reporter's side.
    files
        Trade downloads in any supported format (and BACI's country-code file), in order
        of preference.
    years
        A year or range (``2018-2022``); every year in the files by default.
    out_root
        The reports folder; the pair's report goes in ``<REPORTER>-<PARTNER>/`` inside it.
    notebook
        The parameterised notebook.

    Returns
    -------
    pathlib.Path
        The pair's report folder.

    Raises
    ------
    DataError
        If the files cannot serve the pair (checked before any notebook runs).
    BuildError
        If a notebook cell fails; the previous report is left as it was.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # Countries first: a mistyped code should not wait for the files to load.
    reporter = pair.resolve_country(reporter, option="--reporter")
    partner = pair.resolve_country(partner, option="--partner")
    paths = [Path(f).resolve() for f in files]
    if not paths:
        raise BuildError("no data files: give at least one with --data FILE")
    checked = pair.select(
        formats.load_files(paths), reporter, partner, years=pair.parse_years(years)
    )
    out_dir = pair_folder(checked.reporter, checked.partner, out_root).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        executed = staging / notebook.name
        parameters = {
            "reporter": checked.reporter,
            "partner": checked.partner,
            "data_files": [str(p) for p in paths],
            "years": years,
        }
        with _environment({**KERNEL_ENV, OUTPUT_DIR_ENV: str(staging)}):
            try:
                papermill.execute_notebook(
                    str(notebook),
                    str(executed),
                    parameters=parameters,
                    kernel_name="python3",
                    progress_bar=False,
                    cwd=str(notebook.parent),
                    execution_timeout=KERNEL_TIMEOUT_S,
                )
            except PapermillExecutionError as err:
                raise BuildError(
                    f"{notebook.name}: cell {err.cell_index + 1} failed: {err.ename}: {err.evalue}"
                ) from None
        nb = nbformat.read(executed, as_version=4)
        (staging / "index.html").write_text(_html(nb), encoding="utf-8")
        staging.chmod(0o755)
        old = out_dir.with_name(f".{out_dir.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir
