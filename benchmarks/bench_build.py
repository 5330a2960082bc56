"""Time a cold build of the flagship report against the serial floor of its notebooks.

Run ``python -m benchmarks.bench_build`` (part of ``make bench``). Four figures:

* the floor: an empty notebook (one cell importing pandas, Matplotlib and seaborn) run
  in a fresh kernel, times the flagship report's number of pages — the price of starting
  a kernel and importing the stack, paid once per notebook, one after another (the
  issue's definition, about 2.9 s a notebook);
* the same empty notebook built as a one-notebook report (the kernel and the build's
  fixed costs: the data package check, the site), times the pages, for reference;
* the cold build: ``analysis.report.build`` of ``notebooks/india_japan/`` into an empty
  folder (no cache), on every core;
* the warm build: the same again, every notebook reused from the cache.

The target (issue "One suite for every pair") is a cold build within 1.3× the floor.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat

from analysis.report import build, pages

TARGET_RATIO = 1.3
EMPTY = "import matplotlib.pyplot as plt\nimport pandas as pd\nimport seaborn as sns"


def _timed_build(out: Path, folder: Path | None) -> float:
    start = time.perf_counter()
    build(out, notebook_dir=folder, progress=False)
    return time.perf_counter() - start


def empty_notebook_s(work: Path, repeat: int) -> float:
    """Return the best time of building a report of one empty notebook, ``repeat`` tries."""
    folder = work / "empty"
    folder.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(EMPTY)])
    jupytext.write(nb, folder / "01_empty.md", fmt="md:myst")
    return min(_timed_build(work / f"empty-{i}", folder) for i in range(repeat))


def empty_kernel_s(repeat: int) -> float:
    """Return the best time of running the empty notebook in a fresh kernel, ``repeat`` tries."""
    from nbclient import NotebookClient

    def run() -> float:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(EMPTY)])
        start = time.perf_counter()
        NotebookClient(nb, kernel_name="python3").execute()
        return time.perf_counter() - start

    return min(run() for _ in range(repeat))


def main(argv: list[str] | None = None) -> None:
    """Print the floor, the cold and the warm build times and the cold build's ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="tries of the empty notebook")
    args = parser.parse_args(argv)
    count = len(pages())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kernel = empty_kernel_s(args.repeat)
        empty = empty_notebook_s(work, args.repeat)
        floor = count * kernel
        cold = _timed_build(work / "report", None)
        warm = _timed_build(work / "report", None)
    ratio = cold / floor
    verdict = "met" if ratio <= TARGET_RATIO else "not met"
    print(f"empty notebook in a fresh kernel: {kernel:6.1f} s (best of {args.repeat})")
    print(f"floor, {count} notebooks serially: {floor:6.1f} s")
    print(f"empty notebook built as a report: {empty:6.1f} s; {count} of them: "
          f"{count * empty:6.1f} s")  # fmt: skip
    print(f"cold build of the flagship report: {cold:6.1f} s = {ratio:.2f}x the floor "
          f"(target <= {TARGET_RATIO}x: {verdict}); {cold / (count * empty):.2f}x the "
          "one-notebook reports")  # fmt: skip
    print(f"warm build, all reused from the cache: {warm:6.1f} s")


if __name__ == "__main__":
    main()
