"""Build the report: execute every notebook in a fresh kernel and render the site.

The build writes into a temporary folder beside the target and swaps it in only when
every notebook has run, so a failed build leaves the previous report intact.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from tqdm import tqdm

from analysis.config import NOTEBOOK_DIR, OUTPUT_DIR_ENV, REPORT_DIR, ROOT

KERNEL_TIMEOUT_S = 600
# Fixed hash seed and Matplotlib backend: the same inputs give the same bytes.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


class BuildError(RuntimeError):
    """Raise when a notebook fails; the message names the notebook, the cell and the error."""


@dataclass(frozen=True)
class Page:
    """A rendered notebook: its file stem, title and HTML file name."""

    stem: str
    title: str
    html: str


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """List the report's notebooks in build order (by their number prefix).

    Parameters
    ----------
    folder
        The notebooks folder.

    Returns
    -------
    list of pathlib.Path
        ``NN_name.ipynb`` files, sorted.
    """
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    """Return the first Markdown heading of a notebook, or ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def execute(path: Path, out_dir: Path) -> nbformat.NotebookNode:
    """Execute a notebook top to bottom in a fresh kernel, saving its outputs to ``out_dir``.

    Parameters
    ----------
    path
        The notebook.
    out_dir
        The report folder being built; the notebook's figures and tables go there.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    BuildError
        If a cell fails: names the notebook, the cell number and the error.
    """
    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, **KERNEL_ENV, OUTPUT_DIR_ENV: str(out_dir)}
    client = NotebookClient(
        nb,
        timeout=KERNEL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        # The kernel's start-up notices are not the notebook's output.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    current: dict[str, int] = {}
    # Cells are numbered as a reader counts them: every cell, Markdown included, from 1.
    client.on_cell_start = lambda cell, cell_index: current.update(cell=cell_index + 1)
    try:
        client.execute(env=env)
    except CellExecutionError as err:
        raise BuildError(
            f"{path.name}: cell {current.get('cell')} failed: {err.ename}: {err.evalue}"
        ) from None
    except (CellTimeoutError, DeadKernelError) as err:
        first_line = str(err).splitlines()[0]
        raise BuildError(
            f"{path.name}: cell {current.get('cell')} failed: {type(err).__name__}: {first_line}"
        ) from None
    return nb


def _render(nb: nbformat.NotebookNode) -> str:
    """Render an executed notebook as a standalone HTML page."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(nb)
    return body


def _index(pages: list[Page], out_dir: Path) -> str:
    """Write the report's landing page: notebooks, figures and tables."""
    figures = sorted(p.stem for p in (out_dir / "figures").glob("*.png"))
    tables = sorted(p.name for p in (out_dir / "tables").glob("*.csv"))
    esc = html.escape
    items = "\n".join(
        f'<li><a href="{esc(p.html)}">{esc(p.title)}</a> <small>({esc(p.stem)})</small></li>'
        for p in pages
    )
    gallery = "\n".join(
        f'<figure><a href="figures/{esc(f)}.png"><img src="figures/{esc(f)}.png" '
        f'alt="Chart: {esc(f.replace("_", " "))}" width="360"></a>'
        f'<figcaption>{esc(f)} — <a href="figures/{esc(f)}.png">PNG</a> · '
        f'<a href="figures/{esc(f)}.svg">SVG</a></figcaption></figure>'
        for f in figures
    )
    table_items = "\n".join(f'<li><a href="tables/{esc(t)}">{esc(t)}</a></li>' for t in tables)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Bilateral trade report: India–Japan</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.5; }}
figure {{ display: inline-block; margin: 0.5rem; vertical-align: top; }}
figcaption {{ font-size: 0.85rem; color: #555; }}
</style>
</head>
<body>
<h1>Bilateral trade report: India–Japan</h1>
<p>Every number is computed from the curated, source-cited tables in <code>data/</code>;
each notebook was executed top to bottom in a fresh kernel.</p>
<h2>Notebooks</h2>
<ol>
{items}
</ol>
<h2>Figures</h2>
{gallery}
<h2>Tables (CSV)</h2>
<ul>
{table_items}
</ul>
</body>
</html>
"""


def _publish(staging: Path, out_dir: Path) -> None:
    """Swap the finished build in for the previous report, restoring it if the swap fails."""
    umask = os.umask(0)
    os.umask(umask)
    # mkdtemp makes a private folder; the report is meant to be read like any other.
    staging.chmod(0o777 & ~umask)
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old)


def build(
    out_dir: Path = REPORT_DIR, *, notebook_dir: Path = NOTEBOOK_DIR, progress: bool = True
) -> list[Page]:
    """Execute every notebook in order and write the report (HTML pages, figures, tables).

    Parameters
    ----------
    out_dir
        The report folder; replaced as a whole only when the build succeeds.
    notebook_dir
        Where the numbered notebooks are.
    progress
        Show a progress bar, notebook by notebook.

    Returns
    -------
    list of Page
        The rendered notebooks.

    Raises
    ------
    BuildError
        If there is no notebook, or one fails (the previous report is left as it was).
    """
    paths = notebooks(notebook_dir)
    if not paths:
        raise BuildError(f"no numbered notebooks (NN_name.ipynb) in {notebook_dir}")
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        (staging / "figures").mkdir()
        (staging / "tables").mkdir()
        pages = []
        bar = tqdm(paths, desc="notebooks", unit="nb", disable=not progress, file=sys.stderr)
        for path in bar:
            bar.set_postfix_str(path.stem)
            nb = execute(path, staging)
            page = Page(path.stem, _title(nb, path.stem), f"{path.stem}.html")
            (staging / page.html).write_text(_render(nb), encoding="utf-8")
            pages.append(page)
        (staging / "index.html").write_text(_index(pages, staging), encoding="utf-8")
        _publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return pages


def relative(path: Path) -> str:
    """Return a path relative to the repository root when it lies inside it.

    Parameters
    ----------
    path
        Any path.

    Returns
    -------
    str
        The relative path, or the path as given.
    """
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
