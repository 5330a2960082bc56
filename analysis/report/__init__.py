"""Build the report: execute the notebooks in fresh kernels, in parallel, and render the site.

The notebooks are stored as MyST Markdown text (``NN_name.md``, paired through jupytext) and
read into notebooks only to run. A notebook is executed again only when something it read
has changed, as a compiler cache does: its own text, the build parameters, and the package
modules and data files it used the last time it ran (the kernel records them in a last
cell, dropped from the page). The executed page, figures and tables are kept in the
report's ``.cache/`` folder with the SHA-256 of each of those inputs and reused by the next
build, so an edit to one story module re-runs only the notebooks that import it. Notebooks
that do need to run are executed side by side, one kernel per available core. The folder
of a case (``notebooks/<case>/``) opens with the report of any pair run for the case's
pair and adds the case's key figures to the landing page.

The build writes into a temporary folder beside the target and swaps it in only when
every notebook has run, so a failed build leaves the previous report intact.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from tqdm import tqdm

from analysis import cases, data
from analysis.config import DATA_DIR, MEMO_ENV, NOTEBOOK_DIR, OUTPUT_DIR_ENV, REPORT_DIR, ROOT
from analysis.errors import DataError
from analysis.present import interactive
from analysis.report import site

PAIR_FOLDER = re.compile(r"[A-Z]{3}-[A-Z]{3}")
# The report of any pair; a case's report opens with it, run for the case's pair.
PAIR_NOTEBOOK = NOTEBOOK_DIR / "pair" / "pair_report.md"
PAIR_PAGE = "00_pair_report"
# The check of any claims file; a case's report ends with it, run on the case's example.
CLAIMS_NOTEBOOK = NOTEBOOK_DIR / "claims" / "claims_check.md"
CLAIMS_PAGE = "09_claims_check"
KERNEL_TIMEOUT_S = 600
# Fixed hash seed and Matplotlib backend: the same inputs give the same bytes.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
# Each kernel starts quiet (its start-up notices are not the notebook's output) and shows
# tables for readers (analysis.present.tables.for_readers) before the first cell runs.
KERNEL_ARGS = [
    "--IPKernelApp.log_level=ERROR",
    "--IPKernelApp.exec_lines=from analysis.present.tables import for_readers; for_readers()",
]
CACHE_DIR = ".cache"
# Bump when the layout of a cache entry changes.
CACHE_FORMAT = "2"
KEY_FIGURES_JOB = "key figures"
READS_FILE = "reads.json"
# The build's last cell: it records the package modules and data files the kernel used.
RECORD_READS = f"""import json as _json, os as _os, pathlib as _pathlib, sys as _sys
from analysis import data as _data
_package = _pathlib.Path(_data.__file__).parent
_code = sorted({{
    _pathlib.Path(_m.__file__).relative_to(_package).as_posix()
    for _n, _m in list(_sys.modules.items())
    if (_n == "analysis" or _n.startswith("analysis.")) and getattr(_m, "__file__", None)
}})
_out = _pathlib.Path(_os.environ["{OUTPUT_DIR_ENV}"], "{READS_FILE}")
_out.write_text(_json.dumps({{"code": _code, "data": _data.files_read()}}), encoding="utf-8")
"""
# Notebook pages drop the CDN scripts (RequireJS, MathJax, Mermaid): the report works offline,
# and MathJax would read the "$" of "US$" as mathematics.
# Code is folded under a "Code" line a reader may open (the notebook keeps it in view);
# outputs wider than a phone scroll inside their box, and images shrink to the page.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style>
details.code > summary { cursor: pointer; color: #555; font-size: 0.85rem;
                         padding: 0.1rem 0 0.1rem 0.3rem; }
details.code:not([open]) { margin: 0; }
.jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
.jp-RenderedImage img, .jp-RenderedMarkdown img { max-width: 100%; height: auto; }
.jp-Notebook { max-width: 72rem; margin: 0 auto; }
@media (max-width: 640px) {
  .jp-Notebook { padding: 0.3rem; }
  .jp-Cell { padding: 0.2rem 0; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none; }
}
</style>{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}<!--site-nav-->{%- endblock body_header -%}
{%- block input_group -%}
<details class="code"><summary>Code</summary>
{{ super() }}
</details>
{%- endblock input_group -%}
"""
# Cells a page leaves out: the notebook's parameters and those papermill adds for a build.
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
_SAVED_FIGURE = re.compile(r"save_figure\(\s*\w+\s*,\s*[\"']([^\"']+)[\"']")
logger = logging.getLogger(__name__)


class BuildError(RuntimeError):
    """Raise when a notebook fails; the message names the notebook, the cell and the error."""


class Job(NamedTuple):
    """A step of the build: a notebook (``None``: the key figures), its key, its parameters."""

    path: Path | None
    key: str
    parameters: dict[str, Any] | None


@dataclass(frozen=True)
class Page:
    """A rendered notebook: its file stem, title, HTML file name and whether it was reused."""

    stem: str
    title: str
    html: str
    cached: bool = False


def notebooks(folder: Path | None = None) -> list[Path]:
    """List the report's notebooks in build order (by their number prefix).

    Parameters
    ----------
    folder
        The notebooks folder; the flagship case's by default.

    Returns
    -------
    list of pathlib.Path
        ``NN_name.md`` files (MyST Markdown notebooks), sorted.
    """
    folder = cases.notebook_folder() if folder is None else folder
    return sorted(p for p in folder.glob("[0-9][0-9]_*.md"))


def pages(folder: Path | None = None) -> dict[str, tuple[Path, dict[str, Any] | None]]:
    """List the report's pages in order: each page's notebook and the parameters it runs with.

    A case's report opens with the report of any pair (:data:`PAIR_NOTEBOOK`) run for the
    case's pair, as page :data:`PAIR_PAGE`; its own numbered notebooks follow, and the
    check of its example claims file (:data:`CLAIMS_NOTEBOOK`) ends it.

    Parameters
    ----------
    folder
        The notebooks folder; the flagship case's by default.

    Returns
    -------
    dict
        For each page name (the HTML file's stem), the notebook and the parameters given
        to the cell tagged ``parameters`` (``None``: the notebook's own).
    """
    folder = cases.notebook_folder() if folder is None else folder
    found: dict[str, tuple[Path, dict[str, Any] | None]] = {}
    case = cases.case_of(folder)
    if case is not None:
        found[PAIR_PAGE] = (PAIR_NOTEBOOK, cases.pair_parameters(case))
    found.update((p.stem, (p, None)) for p in notebooks(folder))
    example = None if case is None else cases.example_claims(case)
    if example is not None:
        found[CLAIMS_PAGE] = (CLAIMS_NOTEBOOK, {"claims_file": example})
    return found


def parameters_cell(nb: nbformat.NotebookNode) -> int | None:
    """Return the index of the cell tagged ``parameters``, or ``None``."""
    tagged = (i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    return next(tagged, None)


def inject(nb: nbformat.NotebookNode, parameters: dict[str, Any]) -> nbformat.NotebookNode:
    """Give a notebook its parameters as papermill does: a cell after the ``parameters`` one.

    Parameters
    ----------
    nb
        The notebook (changed in place).
    parameters
        Names and values (Python literals).

    Returns
    -------
    nbformat.NotebookNode
        The notebook, with a cell tagged ``injected-parameters``.

    Raises
    ------
    BuildError
        If no cell is tagged ``parameters``.
    """
    at = parameters_cell(nb)
    if at is None:
        raise BuildError("the notebook has no cell tagged 'parameters' to give parameters to")
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(at + 1, cell)
    return nb


def cell_number(notebook: Path, index: int) -> int | str:
    """Return the number a reader gives the cell run as ``index`` (from 1) with parameters given.

    The cell of the given parameters follows the one tagged ``parameters``: cells after
    it are one further on than in the notebook.

    Parameters
    ----------
    notebook
        The notebook as stored.
    index
        The index of the cell in the notebook as run.

    Returns
    -------
    int or str
        The cell's number in the stored notebook, or a phrase for the parameters' cell.
    """
    at = parameters_cell(read(notebook))
    if at is None or index <= at:
        return index + 1
    return "of the parameters given" if index == at + 1 else index


def read(path: Path) -> nbformat.NotebookNode:
    """Read a text notebook (MyST Markdown) into an nbformat notebook, without outputs.

    Parameters
    ----------
    path
        The notebook file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook, version 4.
    """
    return jupytext.read(path)


def _title(nb: nbformat.NotebookNode, default: str) -> str:
    """Return the first Markdown heading of a notebook, or ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def execute(
    path: Path,
    out_dir: Path,
    *,
    timeout: int | None = None,
    parameters: dict[str, Any] | None = None,
) -> nbformat.NotebookNode:
    """Execute a notebook top to bottom in a fresh kernel, saving its outputs to ``out_dir``.

    Parameters
    ----------
    path
        The notebook: a MyST Markdown file (or any format jupytext reads).
    out_dir
        The folder where the notebook's figures and tables go.
    timeout
        Seconds a cell may run; :data:`KERNEL_TIMEOUT_S` if ``None``.
    parameters
        Values for the cell tagged ``parameters`` (:func:`inject`); ``None`` runs the
        notebook as it is.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook. A last cell, run after the notebook's own and not returned,
        writes ``reads.json`` to ``out_dir``: the package modules (paths inside the package)
        and data files the kernel used.

    Raises
    ------
    BuildError
        If a cell fails: names the notebook, the cell number and the error.
    """
    nb = read(path) if parameters is None else inject(read(path), parameters)
    nb.cells.append(nbformat.v4.new_code_cell(RECORD_READS))
    env = {**os.environ, **KERNEL_ENV, OUTPUT_DIR_ENV: str(out_dir)}
    client = NotebookClient(
        nb,
        timeout=KERNEL_TIMEOUT_S if timeout is None else timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        extra_arguments=KERNEL_ARGS,
    )
    current: dict[str, int | str] = {}
    # Cells are numbered as a reader counts them: every cell, Markdown included, from 1.
    client.on_cell_start = lambda cell, cell_index: current.update(
        cell=cell_index + 1 if parameters is None else cell_number(path, cell_index)
    )
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
    nb.cells.pop()
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    """Render an executed notebook as a standalone page for readers, with a slot for a menu.

    Parameters
    ----------
    nb
        The executed notebook.

    Returns
    -------
    str
        The HTML page: code folded, parameters left out, outputs made safe
        (:func:`for_page`), no script from a network; :data:`site.NAV_PLACEHOLDER` marks
        where the site's menu goes.
    """
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"page.html.j2": PAGE_TEMPLATE})],
        template_file="page.html.j2",
        # In[3] and Out[3] mean nothing to a reader.
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(for_page(nb))
    # A page with an interactive view loads plotly.js from beside it (no network).
    return interactive.load_plotly(body)


# A link or image whose address names a scheme other than the web's or mail's.
_UNSAFE_LINK = re.compile(r"\]\((?=\s*<?(?!(?:https?|mailto):)[A-Za-z][A-Za-z0-9+.-]*:)")


def safe_markdown(text: str) -> str:
    r"""Make Markdown that code wrote from data render as text: no raw HTML, no script links.

    nbconvert renders a Markdown output's HTML as it is, and its links whatever their
    scheme: a tag (``<img onerror=…>``) or a ``javascript:`` link that came in with the
    data would run in the reader's browser. The notebooks write no HTML into Markdown
    outputs, so every ``<`` is shown as the character, and a link to another scheme as
    its text.

    Parameters
    ----------
    text
        A ``text/markdown`` output.

    Returns
    -------
    str
        The same Markdown, safe to render.

    Examples
    --------
    >>> safe_markdown("**<img src=x onerror=alert(1)>** [x](javascript:alert(1))")
    '**&lt;img src=x onerror=alert(1)>** [x]\\(javascript:alert(1))'
    """
    return _UNSAFE_LINK.sub("]\\(", text.replace("<", "&lt;"))


def for_page(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return a copy of an executed notebook ready to render: outputs made safe, ``$`` escaped.

    Cells tagged with one of :data:`HIDDEN_TAGS` are left out of the page. ``$`` in
    Markdown (cells and outputs) would otherwise pair up as maths: the notebooks write
    amounts as ``US$4.3 billion``, and the text between two of them would be taken for a
    formula. Markdown outputs, written from data, go through :func:`safe_markdown`.

    Parameters
    ----------
    nb
        The executed notebook (left unchanged).

    Returns
    -------
    nbformat.NotebookNode
        The copy to render.
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _escape_dollars(cell.source)
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                page = safe_markdown(output.data["text/markdown"])
                output.data["text/markdown"] = _escape_dollars(page)
    return nb


def _escape_dollars(text: str) -> str:
    return re.sub(r"(?<!\\)\$", r"\\$", text)


def _figure_sections(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Map each figure a notebook saves to the heading of the section that saves it."""
    sections, heading = {}, ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = [
                ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")
            ]
            heading = found[-1] if found else heading
        elif cell.cell_type == "code":
            for name in _SAVED_FIGURE.findall(cell.source):
                sections[name] = heading
    return sections


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        # Length-prefixed, so that two different splits never hash alike.
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


@dataclass(frozen=True)
class Inputs:
    """The build's inputs, hashed: package code, data files and parameters."""

    code: dict[str, str]
    data: dict[str, str]
    params: str


def _digests(folder: Path, files: list[Path]) -> dict[str, str]:
    """Return the SHA-256 of each file, by its path inside ``folder``."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files}  # fmt: skip


def inputs(data_dir: Path = DATA_DIR) -> Inputs:
    """Hash what a notebook may read: package modules, data files and the build parameters.

    Parameters
    ----------
    data_dir
        The data folder.

    Returns
    -------
    Inputs
        The SHA-256 of each module (by its path inside the package) and of each data file
        (by name), and of the parameters (kernel environment, Python and installed package
        versions, the page template).
    """
    package = Path(__file__).resolve().parent.parent
    code = sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    versions = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    params = json.dumps(
        {"format": CACHE_FORMAT, "kernel_env": KERNEL_ENV, "kernel_args": KERNEL_ARGS,
         "python": sys.version,
         "packages": versions, "template": PAGE_TEMPLATE, "record": RECORD_READS},
        sort_keys=True,
    )  # fmt: skip
    return Inputs(
        code=_digests(package, code),
        data=_digests(data_dir, sorted(p for p in data_dir.iterdir() if p.is_file())),
        params=_sha256(params.encode()),
    )


def cache_key(path: Path | None, given: Inputs, parameters: dict[str, Any] | None = None) -> str:
    """Return the cache key of a notebook (or, for ``None``, of the landing page's figures).

    A notebook's key covers its text, the parameters it is given and the build's; what
    else it read is checked
    against the entry's record (:func:`reusable`). The key figures run in the build's own
    process, which records nothing: their key covers every module and data file.

    Parameters
    ----------
    path
        The notebook, or ``None`` for the key figures.
    given
        Output of :func:`inputs`.
    parameters
        The values the notebook's cell tagged ``parameters`` is given, if any.

    Returns
    -------
    str
        A SHA-256 hex digest.
    """
    if path is None:
        everything = json.dumps([given.code, given.data], sort_keys=True)
        return _sha256(b"key-figures", everything.encode(), given.params.encode())
    own = json.dumps(parameters, sort_keys=True).encode()
    return _sha256(b"notebook", path.read_bytes(), own, given.params.encode())


def reusable(meta: dict[str, Any], given: Inputs) -> bool:
    """Tell whether a cache entry still holds: every module and data file it read is unchanged.

    Parameters
    ----------
    meta
        The entry's ``meta.json``: its ``reads`` map each module and data file the
        notebook used to the SHA-256 it had when the notebook ran.
    given
        Output of :func:`inputs`.

    Returns
    -------
    bool
        ``True`` when each recorded file has the same digest now (a file gone counts as
        changed).
    """
    reads = meta.get("reads", {})
    return all(given.code.get(name) == sha for name, sha in reads.get("code", {}).items()) and all(
        given.data.get(name) == sha for name, sha in reads.get("data", {}).items()
    )


def _listing(entry: Path, sub: str, suffix: str) -> list[str]:
    return sorted(p.stem for p in (entry / sub).glob(f"*{suffix}"))


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels a build starts, restoring them after.

    Parameters
    ----------
    values
        Names and values.

    Yields
    ------
    None
        While the variables are set.
    """
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


def run_job(
    path: Path | None,
    entry: Path,
    timeout: int,
    given: Inputs,
    case: str | None = None,
    parameters: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run one step of the build into a cache entry: a notebook, or a case's key figures.

    Runs in a worker process. The entry gets ``figures/``, ``tables/``, ``meta.json`` and,
    for a notebook, ``page.html`` (the rendered page).

    Parameters
    ----------
    path
        The notebook, or ``None`` for the landing page's key figures.
    entry
        The cache entry folder to fill.
    timeout
        Seconds a cell may run.
    given
        Output of :func:`inputs`: the digests recorded for what the notebook read.
    case
        For the key figures: the module that computes them.
    parameters
        Values for the notebook's cell tagged ``parameters``, if any.

    Returns
    -------
    dict
        The entry's metadata (also in ``meta.json``).

    Raises
    ------
    BuildError
        If a cell fails, or the key figures cannot be computed from the data.
    """
    entry.mkdir(parents=True)
    if path is None:
        try:
            meta: dict[str, Any] = {"facts": importlib.import_module(case).key_figures(entry)}
        except DataError as err:
            raise BuildError(f"{KEY_FIGURES_JOB}: {err}") from None
    else:
        nb = execute(path, entry, timeout=timeout, parameters=parameters)
        (entry / "page.html").write_text(render(nb), encoding="utf-8")
        read = json.loads((entry / READS_FILE).read_text(encoding="utf-8"))
        reads = {
            "code": {name: given.code.get(name) for name in read["code"]},
            "data": {name: given.data.get(name) for name in read["data"]},
        }
        meta = {"stem": path.stem, "title": _title(nb, path.stem),
                "sections": _figure_sections(nb), "reads": reads}  # fmt: skip
    meta["figures"] = _listing(entry, "figures", ".png")
    meta["tables"] = _listing(entry, "tables", ".csv")
    (entry / "meta.json").write_text(json.dumps(meta, sort_keys=True), encoding="utf-8")
    return meta


def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link a file (nothing is ever rewritten in place), copying across file systems."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _merge(entry: Path, staging: Path, owners: dict[str, str], owner: str) -> None:
    """Copy a cache entry's figures and tables into the report; a name may be used once."""
    for sub in ("figures", "tables"):
        folder = entry / sub
        for src in sorted(folder.iterdir()) if folder.is_dir() else []:
            name = f"{sub}/{src.name}"
            if name in owners:
                raise BuildError(f"{name} is written by both {owners[name]} and {owner}")
            owners[name] = owner
            _link_or_copy(src, staging / sub / src.name)


def _meta(entry: Path) -> dict[str, Any] | None:
    """Return a cache entry's metadata, or ``None`` if there is no complete entry."""
    path = entry / "meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _run_all(
    jobs: dict[str, Job],
    old_cache: Path,
    staging: Path,
    given: Inputs,
    *,
    case: str | None,
    progress: bool,
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Reuse cached steps, run the others in parallel, and merge their outputs into the report.

    Returns each step's metadata and the names of the steps reused from the cache.
    """
    cache = staging / CACHE_DIR
    metas: dict[str, dict[str, Any]] = {}
    reused: set[str] = set()
    owners: dict[str, str] = {}
    bar = tqdm(total=len(jobs), desc="notebooks", unit="nb", disable=not progress,
               file=sys.stderr)  # fmt: skip
    pending: dict[str, Job] = {}
    for name, (path, key, parameters) in jobs.items():
        old = old_cache / key
        meta = _meta(old)
        if meta is not None and reusable(meta, given):
            shutil.copytree(old, cache / key, copy_function=_link_or_copy)
            metas[name] = meta
            reused.add(name)
            _merge(cache / key, staging, owners, name)
            bar.set_postfix_str(f"{name} (cached)")
            bar.update()
            logger.debug("%s: reused from the cache (%s)", name, key[:12])
        else:
            pending[name] = Job(path, key, parameters)
    try:
        if pending:
            notebooks_to_run = sum(job.path is not None for job in pending.values())
            workers = max(1, min(os.cpu_count() or 1, notebooks_to_run))
            logger.debug("running %s on %d worker(s)", ", ".join(pending), workers)
            # Spawned workers share no state with the parent (no inherited locks or kernels).
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures: dict[Future, str] = {
                    pool.submit(run_job, job.path, cache / job.key, KERNEL_TIMEOUT_S, given,
                                case, job.parameters): name
                    for name, job in pending.items()
                }  # fmt: skip
                running = set(futures)
                while running:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: futures[f]):
                        name = futures[future]
                        try:
                            metas[name] = future.result()
                        except BaseException:
                            pool.shutdown(wait=True, cancel_futures=True)
                            raise
                        _merge(cache / pending[name].key, staging, owners, name)
                        logger.debug("%s: done", name)
                        bar.set_postfix_str(name)
                        bar.update()
    except BrokenProcessPool as err:
        raise BuildError(f"a build worker stopped unexpectedly: {err}") from None
    finally:
        bar.close()
    return metas, reused


def _write_site(
    staging: Path,
    pages: list[Page],
    metas: dict[str, dict[str, Any]],
    jobs: dict[str, Job],
    reused: set[str],
    given: Inputs,
) -> None:
    """Write the notebook pages and the site's own pages into the report being built."""
    views = False
    for i, page in enumerate(pages):
        key = jobs[page.stem].key
        body = (staging / CACHE_DIR / key / "page.html").read_text(encoding="utf-8")
        prev = (pages[i - 1].html, pages[i - 1].title) if i > 0 else None
        next_ = (pages[i + 1].html, pages[i + 1].title) if i + 1 < len(pages) else None
        menu = site.nav(page.html, prev=prev, next_=next_)
        (staging / page.html).write_text(body.replace(site.NAV_PLACEHOLDER, menu, 1),
                                         encoding="utf-8")  # fmt: skip
        views = views or interactive.page_needs_plotly(body)
    if views:
        interactive.write_plotly_js(staging)
    key_job = metas.get(KEY_FIGURES_JOB, {"facts": None, "figures": []})
    origin = {
        name: (p.html, p.title, metas[p.stem]) for p in pages for name in metas[p.stem]["figures"]
    }
    for name in key_job["figures"]:
        origin[name] = ("index.html", "the overview", {"sections": {name: "Key figures"}})
    figures = []
    for name, (html_file, page_title, meta) in sorted(origin.items()):
        title, alt = site.describe_figure(staging / "figures" / f"{name}.svg")
        figures.append({"name": name, "title": title, "alt": alt, "page": html_file,
                        "page_title": page_title,
                        "section": meta.get("sections", {}).get(name, "")})  # fmt: skip
    tables = [{"name": t, "page": p.html, "page_title": p.title}
              for p in pages for t in metas[p.stem]["tables"]]  # fmt: skip
    claims_page = next((p.html for p in pages if "claims" in p.stem), None)
    steps = [(name, job.key, name in reused) for name, job in jobs.items()]
    written = {
        "index.html": site.index_page(key_job["facts"], pages, claims_page),
        "gallery.html": site.gallery_page(figures),
        "tables.html": site.tables_page(tables, staging / "tables"),
        "data.html": site.data_page(data.package()),
        "environment.html": site.environment_page(site.environment(given.data), steps),
    }
    for name, text in written.items():
        (staging / name).write_text(text, encoding="utf-8")


# A build writes to a staging folder beside the report, ``.<name>-<random>``, holding the
# build's process id; the previous report waits as ``.<name>-old`` during the swap.
PID_FILE = ".build-pid"


def _alive(pid_file: Path) -> bool:
    """Tell whether the build that wrote ``pid_file`` still runs (no file: assume so, briefly)."""
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        # A build killed between making its folder and writing its id: stale after a minute.
        return time.time() - pid_file.parent.stat().st_mtime < 60
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage(out_dir: Path) -> Path:
    """Clear what killed builds left beside ``out_dir``, then make this build's staging folder.

    A build killed during the swap leaves the previous report as ``.<name>-old``: it is put
    back if the report is missing, removed otherwise. Staging folders of builds that no
    longer run are removed.

    Parameters
    ----------
    out_dir
        The report folder.

    Returns
    -------
    pathlib.Path
        A new, empty staging folder, marked with this process's id.
    """
    old = out_dir.with_name(f".{out_dir.name}-old")
    if old.is_dir():
        if out_dir.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.rename(out_dir)
    for debris in out_dir.parent.glob(f".{out_dir.name}-*"):
        if debris.is_dir() and debris != old and not _alive(debris / PID_FILE):
            logger.info("removing %s, left by a build that was stopped", debris)
            shutil.rmtree(debris, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    (staging / PID_FILE).write_text(str(os.getpid()))
    return staging


def _publish(staging: Path, out_dir: Path) -> None:
    """Swap the finished build in for the previous report, restoring it if the swap fails."""
    umask = os.umask(0)
    os.umask(umask)
    # mkdtemp makes a private folder; the report is meant to be read like any other.
    staging.chmod(0o777 & ~umask)
    (staging / PID_FILE).unlink(missing_ok=True)
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    # Reports of other pairs (reports/IND-KOR/…) are built separately: keep them.
    for pair in out_dir.iterdir():
        if (
            pair.is_dir()
            and PAIR_FOLDER.fullmatch(pair.name)
            and not (staging / pair.name).exists()
        ):
            shutil.copytree(pair, staging / pair.name)
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
    out_dir: Path = REPORT_DIR, *, notebook_dir: Path | None = None, progress: bool = True
) -> list[Page]:
    """Execute the notebooks whose inputs changed, reuse the others, and write the site.

    Parameters
    ----------
    out_dir
        The report folder; replaced as a whole only when the build succeeds. Its
        ``.cache/`` folder holds the executed notebooks, by cache key, for the next build.
    notebook_dir
        Where the numbered notebooks are; the flagship case's folder by default. A case's
        folder adds its key figures to the landing page.
    progress
        Show a progress bar that advances as each notebook finishes.

    Returns
    -------
    list of Page
        The rendered notebooks, in order; ``cached`` tells which were reused.

    Raises
    ------
    BuildError
        If there is no notebook, or one fails (the previous report is left as it was).
    """
    notebook_dir = cases.notebook_folder() if notebook_dir is None else notebook_dir
    paths = pages(notebook_dir)
    if not notebooks(notebook_dir):
        raise BuildError(f"no numbered notebooks (NN_name.md) in {notebook_dir}")
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    logger.debug("notebooks from %s, data from %s, report to %s", notebook_dir, DATA_DIR, out_dir)
    # A changed or missing table stops the build here, not in a notebook cell.
    data.check_package()
    given = inputs()
    jobs = {name: Job(path, cache_key(path, given, params), params)
            for name, (path, params) in paths.items()}  # fmt: skip
    case = cases.for_folder(notebook_dir)
    if case is not None:
        # Queued last: it runs beside the last notebooks and is never started if one fails early.
        jobs[KEY_FIGURES_JOB] = Job(None, cache_key(None, given), None)
    staging = stage(out_dir)
    try:
        for sub in ("figures", "tables", CACHE_DIR):
            (staging / sub).mkdir()
        # The kernels share long results (the gravity model's draws) through a private folder.
        with tempfile.TemporaryDirectory(prefix="analysis-memo-") as memo_dir:
            with environment({MEMO_ENV: memo_dir}):
                metas, reused = _run_all(jobs, out_dir / CACHE_DIR, staging, given,
                                         case=case, progress=progress)  # fmt: skip
        done = [Page(name, metas[name]["title"], f"{name}.html", cached=name in reused)
                for name in paths]  # fmt: skip
        _write_site(staging, done, metas, jobs, reused, given)
        _publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done


def relative(path: Path) -> str:
    """Return a path relative to the repository root (installed: the current directory).

    Parameters
    ----------
    path
        Any path.

    Returns
    -------
    str
        The relative path when the path lies inside that folder, or the path as given.
    """
    try:
        return str(path.resolve().relative_to(ROOT or Path.cwd()))
    except ValueError:
        return str(path)
