"""The ``panel`` command: one indicator over a whole panel, on DuckDB or Spark, into Parquet.

``python -m analysis panel rca BACI_HS92_V202501.zip --years 2015-2023 --out rca.parquet``
reads a BACI archive (its year files, extracted one by one beside the output, never into
memory), BACI CSV files, or Parquet files (paths, folders or glob patterns), counts the
input's problems (:func:`analysis.measures.expressions.checks`) and prints the counts,
then writes the indicator as Parquet: one file from DuckDB, a folder of part files from
Spark (as Spark writes, so that a cluster's executors write in parallel). Progress goes to
stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analysis.errors import DataError, Problem

#: The indicators of :data:`analysis.measures.expressions.INDICATORS` (named here so that
#: building the parser does not import Ibis).
NAMES = (
    "rca",
    "symmetric_rca",
    "hhi",
    "trade_intensity",
    "complementarity",
    "export_similarity",
    "grubel_lloyd",
    "shares",
)
_YEAR_FILE = re.compile(r"_Y(\d{4})_[^/]*\.csv$", re.IGNORECASE)


def add_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``panel`` command to the command line's sub-commands.

    Parameters
    ----------
    sub
        The sub-command parsers of :func:`analysis.__main__._parser`.
    common
        The parent parser with the ``-q``/``-v`` options.
    """
    cmd = sub.add_parser(
        "panel", parents=[common],
        help="compute an indicator over a whole panel (BACI zip or CSV, Parquet) into Parquet",
    )  # fmt: skip
    cmd.add_argument("indicator", choices=NAMES)
    cmd.add_argument(
        "panel", nargs="+",
        help="a BACI zip, BACI CSV files, or Parquet files, folders or glob patterns",
    )  # fmt: skip
    cmd.add_argument("--out", type=Path, required=True, help="the Parquet file (folder on Spark)")
    cmd.add_argument("--years", help="first and last year, e.g. 2015-2023 (default: all)")
    cmd.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    cmd.add_argument(
        "--spark-remote", metavar="URL", help="a Spark Connect server, sc://host:15002"
    )
    cmd.add_argument(
        "--spark-master", default="local[2]",
        help="Spark's master when not under spark-submit (default local[2])",
    )  # fmt: skip
    cmd.add_argument("--memory-limit", help="DuckDB's memory limit, e.g. 2GB (default 80%% of RAM)")
    cmd.add_argument(
        "--temp-directory", type=Path, help="where DuckDB spills (default: a folder beside --out)"
    )
    cmd.add_argument(
        "--columns", default="t,i,j,k,v",
        help="the year, exporter, importer, product and value columns (default BACI's t,i,j,k,v)",
    )  # fmt: skip
    cmd.add_argument("--of", help="hhi: product or importer; shares: the key sharing the total")
    cmd.add_argument("--within", help="shares: the keys of the groups (default year,product)")
    cmd.add_argument("--kind", choices=["exports", "imports", "drysdale"], help="trade_intensity")
    cmd.add_argument("--market", choices=["world", "importer"], help="export_similarity")
    cmd.add_argument("--aggregate", action="store_true", help="grubel_lloyd: over products")
    cmd.add_argument("--adjusted", action="store_true", help="grubel_lloyd: for the imbalance")


def parse_years(text: str | None) -> tuple[int, int] | None:
    """Return the first and last year of ``2015-2023`` (or ``2020``), or None for all.

    Parameters
    ----------
    text
        The ``--years`` option.

    Returns
    -------
    tuple of int or None
        The years, first and last included.

    Examples
    --------
    >>> parse_years("2015-2023"), parse_years("2020"), parse_years(None)
    ((2015, 2023), (2020, 2020), None)
    """
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not found or (found[2] and int(found[2]) < int(found[1])):
        raise DataError(Problem("<arguments>", None, "--years", "FIRST-LAST, e.g. 2015-2023", text))
    return int(found[1]), int(found[2] or found[1])


@contextmanager
def _sources(
    paths: Sequence[str], years: tuple[int, int] | None, scratch: Path
) -> Iterator[tuple[list[str], Path]]:
    """Yield the files to read (a zip's year files extracted, others as given) and a folder.

    The folder, under ``scratch``, holds the extracted files and DuckDB's spill, and goes
    when the command ends.
    """
    out: list[str] = []
    with tempfile.TemporaryDirectory(dir=scratch, prefix=".panel-") as folder:
        for path in paths:
            if not path.lower().endswith(".zip"):
                out.append(path)
                continue
            with zipfile.ZipFile(path) as archive:
                members = _year_files(archive.namelist(), years)
                if not members:
                    raise DataError(
                        Problem(path, None, None, "BACI year files (BACI_…_Y2020_….csv)", "none")
                    )
                for name in members:
                    target = Path(folder, Path(name).name)
                    with archive.open(name) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    out.append(str(target))
        yield out, Path(folder)


def _year_files(names: Sequence[str], years: tuple[int, int] | None) -> list[str]:
    """Return an archive's year files, those of ``years`` only when given."""
    found = [(n, int(m[1])) for n in names if (m := _YEAR_FILE.search(n))]
    return sorted(n for n, y in found if years is None or years[0] <= y <= years[1])


def _options(args: argparse.Namespace) -> dict[str, object]:
    """Return the indicator's options that the command line gives."""
    wanted = {
        "hhi": {"of": args.of},
        "shares": {"of": args.of, "within": args.within and args.within.split(",")},
        "trade_intensity": {"kind": args.kind},
        "export_similarity": {"market": args.market},
        "grubel_lloyd": {"aggregate": args.aggregate, "adjusted": args.adjusted},
    }.get(args.indicator, {})
    return {k: v for k, v in wanted.items() if v not in (None, False)}


def run(args: argparse.Namespace) -> int:
    """Run the ``panel`` command: check the panel, print the counts, write the indicator.

    Parameters
    ----------
    args
        The parsed command line.

    Returns
    -------
    int
        0 on success; a :class:`~analysis.errors.DataError` (a problem counted, a bad
        option) is raised for the command line to report.
    """
    from analysis.measures import expressions as ex

    start = time.perf_counter()
    show = sys.stderr.isatty() and getattr(args, "quiet", 0) == 0

    def progress(message: str) -> None:
        if show:
            print(f"[{time.perf_counter() - start:6.1f} s] {message}", file=sys.stderr, flush=True)

    roles = args.columns.split(",")
    if len(roles) != 5:
        raise DataError(Problem("<arguments>", None, "--columns", "five names", args.columns))
    columns = dict(zip(("year", "exporter", "importer", "product", "value"), roles, strict=True))
    years = parse_years(args.years)
    options = _options(args)
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _sources(args.panel, years, out.parent) as (files, folder):
        progress(f"reading {len(files)} file(s) on {args.engine}")
        spill = (args.temp_directory or folder / "spill") if args.engine == "duckdb" else None
        con = ex.connect(args.engine, spark_remote=args.spark_remote,
                         spark_master=args.spark_master, memory_limit=args.memory_limit,
                         temp_directory=spill)  # fmt: skip
        p = ex.read_panel(con, files, columns=columns, years=years)
        progress("checking the panel")
        counts = {k: int(v) for k, v in con.execute(ex.checks(p)).iloc[0].items()}
        print(f"checked {counts['rows']:,} rows: "
              + ", ".join(f"{k} {counts[k]:,}" for k in ex.CHECKS))  # fmt: skip
        ex.refuse(counts, ", ".join(args.panel))
        progress(f"computing {args.indicator}")
        expr = ex.INDICATORS[args.indicator](p, **options)
        if args.engine == "duckdb":
            con.to_parquet(expr, out)
        else:
            con.to_parquet(expr, out, mode="overwrite")
    import pyarrow.parquet as pq

    rows = pq.ParquetDataset(out).read(columns=[]).num_rows
    took = time.perf_counter() - start
    print(f"wrote {rows:,} rows of {args.indicator} to {args.out} in {took:.1f} s")
    return 0
