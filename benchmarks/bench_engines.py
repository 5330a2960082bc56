"""Time the Ibis indicators on DuckDB against a plain SQL floor, and on Spark for reference.

Run ``python -m benchmarks.bench_engines --rows 1000000 10000000 100000000`` (``make bench``
runs it). For each size, the BACI-shaped panel is generated once (``benchmarks/generate.py``)
as one Parquet file; then each contender runs each indicator of
:mod:`analysis.measures.expressions` in a fresh Python process, from the file to a Parquet
result, so that its peak memory (``ru_maxrss``) is its own:

* ``ibis-duckdb``: the Ibis expression on an embedded DuckDB with ``--memory-limit`` and a
  spill folder (``temp_directory``), written with ``COPY … TO`` (``con.to_parquet``);
* ``sql``: the floor, a plain DuckDB query written by hand for the indicator (no null
  handling, no casts), on the same settings and written the same way;
* ``spark``: the same Ibis expression on Spark in local mode (``local[2]``), written as
  Spark writes Parquet (a folder of part files), for the sizes in ``--spark-rows``. Its
  time is the query's, after the session has started and run a first query; its memory is
  the JVM's and is not measured here.

``checks`` is the input checks' expression (one row of counts) against the same counts in
SQL. Every time is the best of ``--repeat`` runs (one run from ``--single-run-rows`` up);
the scaling exponent is the slope of log time on log rows for each indicator on
ibis-duckdb. Targets are printed with the figures, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import generate
from benchmarks.bench_panel import FLOOR_SQL as PANEL_FLOOR_SQL

ROOT = Path(__file__).resolve().parent.parent
INDICATORS = (
    "checks",
    "rca",
    "symmetric_rca",
    "hhi",
    "trade_intensity",
    "complementarity",
    "export_similarity",
    "grubel_lloyd",
    "shares",
)

_RCA = """
    WITH x AS (SELECT t, i, k, sum(v) AS x FROM {src} GROUP BY ALL),
    xi AS (SELECT t, i, sum(x) AS xi FROM x GROUP BY ALL),
    xk AS (SELECT t, k, sum(x) AS xk FROM x GROUP BY ALL),
    xw AS (SELECT t, sum(x) AS xw FROM x GROUP BY ALL),
    r AS (SELECT t, i, k, (x / xi) / (xk / xw) AS rca
          FROM x JOIN xi USING (t, i) JOIN xk USING (t, k) JOIN xw USING (t))"""
# What one would write by hand in DuckDB, with no checks of the input.
FLOOR_SQL = {
    "checks": """
        SELECT count(*), count_if(t IS NULL OR i IS NULL OR j IS NULL OR k IS NULL),
               count_if(v IS NULL OR isnan(v)), count_if(v < 0), count_if(isinf(v)),
               count_if(i = j),
               (SELECT coalesce(sum(n), 0) FROM
                 (SELECT count(*) AS n FROM {src} GROUP BY t, i, j, k HAVING n > 1))
        FROM {src}""",
    "rca": _RCA + " SELECT * FROM r ORDER BY t, i, k",
    "symmetric_rca": _RCA
    + " SELECT t, i, k, (rca - 1) / (rca + 1) AS symmetric_rca FROM r ORDER BY t, i, k",
    # The floors bench_panel.py times for the engines of analysis.measures.panel.
    **{name: PANEL_FLOOR_SQL[name] for name in ("hhi", "trade_intensity", "complementarity")},
    "export_similarity": """
        WITH x AS (SELECT t, i, k, sum(v) AS x FROM {src} GROUP BY ALL),
        s AS (SELECT t, i, k, x / sum(x) OVER (PARTITION BY t, i) AS s FROM x),
        o AS (SELECT a.t, a.i AS a, b.i AS b, sum(least(a.s, b.s)) AS o
              FROM s AS a JOIN s AS b ON a.t = b.t AND a.k = b.k AND a.i < b.i GROUP BY ALL),
        e AS (SELECT DISTINCT t, i FROM x),
        pairs AS (SELECT e.t, e.i AS a, f.i AS b FROM e JOIN e AS f ON e.t = f.t AND e.i < f.i)
        SELECT t, a, b, 100 * coalesce(o, 0) AS export_similarity
        FROM pairs LEFT JOIN o USING (t, a, b) ORDER BY t, a, b""",
    "grubel_lloyd": """
        WITH f AS (SELECT t, least(i, j) AS a, greatest(i, j) AS b, k,
                          sum(CASE WHEN i < j THEN v ELSE 0 END) AS x,
                          sum(CASE WHEN i > j THEN v ELSE 0 END) AS m
                   FROM {src} GROUP BY ALL)
        SELECT t, a, b, k, (x + m - abs(x - m)) / (x + m) AS grubel_lloyd
        FROM f ORDER BY t, a, b, k""",
    "shares": """
        WITH x AS (SELECT t, k, i, sum(v) AS x FROM {src} GROUP BY ALL)
        SELECT t, k, i, x / sum(x) OVER (PARTITION BY t, k) AS share FROM x ORDER BY t, k, i""",
}


# --- Worker: one contender and one indicator in a fresh process -----------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _work(args: argparse.Namespace) -> None:
    from analysis.measures import expressions as ex

    out_dir = Path(tempfile.mkdtemp(prefix="bench-engines-", dir=args.scratch))
    spill = out_dir / "spill"
    name = args.indicator
    if args.worker == "spark":
        con = ex.connect("spark", spark_config={"spark.driver.memory": args.spark_memory,
                                                "spark.sql.shuffle.partitions": "4"})  # fmt: skip
        p = ex.read_panel(con, args.path)
        con.execute(ex.hhi(p.limit(1000)))  # the JVM's first query: class loading, JIT
    else:
        con = ex.connect(memory_limit=args.memory_limit, temp_directory=spill)
        p = ex.read_panel(con, args.path)
    times = []
    for n in range(args.repeat):
        target = out_dir / f"{n}.parquet"
        start = time.perf_counter()
        if args.worker == "sql":
            query = FLOOR_SQL[name].format(src=f"read_parquet('{args.path}')")
            if name == "checks":
                con.raw_sql(query).fetchall()
            else:
                con.raw_sql(f"COPY ({query}) TO '{target}' (FORMAT parquet)")
        elif name == "checks":
            con.execute(ex.checks(p))
        elif args.worker == "spark":
            con.to_parquet(ex.INDICATORS[name](p), target, mode="overwrite")
        else:
            con.to_parquet(ex.INDICATORS[name](p), target)
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": min(times), "peak_mb": _peak_mb()}))


def _spawn(worker: str, path: Path, indicator: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "benchmarks.bench_engines", "--worker", worker,
               "--path", str(path), "--indicator", indicator, "--repeat", str(args.repeat_now),
               "--memory-limit", args.memory_limit, "--spark-memory", args.spark_memory,
               "--scratch", str(args.scratch)]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{worker} {indicator} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def exponent(rows: list[int], seconds: list[float]) -> float:
    """Return the least-squares slope of log time on log rows.

    Parameters
    ----------
    rows, seconds
        The sizes and their times.

    Returns
    -------
    float
        ``b`` in ``time ∝ rows^b``.

    Examples
    --------
    >>> round(exponent([1, 10, 100], [2.0, 20.0, 200.0]), 6)
    1.0
    """
    x = [math.log(r) for r in rows]
    y = [math.log(s) for s in seconds]
    mx, my = sum(x) / len(x), sum(y) / len(y)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (a - mx) ** 2 for a in x
    )


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the table in Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--spark-rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--indicators", nargs="+", default=list(INDICATORS))
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--single-run-rows", type=int, default=50_000_000)
    parser.add_argument("--memory-limit", default="2GB", help="DuckDB's, for both contenders")
    parser.add_argument("--spark-memory", default="4g", help="Spark's driver memory")
    parser.add_argument("--scratch", type=Path, default=generate.DATA_DIR, help="results, spill")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--indicator", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _work(args)
        return
    import shutil

    args.scratch.mkdir(parents=True, exist_ok=True)
    print(f"# load average {os.getloadavg()[0]:.1f}; DuckDB memory_limit {args.memory_limit}",
          flush=True)  # fmt: skip
    header = "rows | indicator | ibis-duckdb s | SQL floor s | ratio | ibis MB | SQL MB | spark s"
    print(f"| {header} |\n|---:|---|---:|---:|---:|---:|---:|---:|", flush=True)
    results: dict[str, list[tuple[int, float]]] = {}
    for rows in args.rows:
        path = generate.ensure(rows)
        args.repeat_now = 1 if rows >= args.single_run_rows else args.repeat
        for name in args.indicators:
            ibis_run = _spawn("ibis-duckdb", path, name, args)
            sql_run = _spawn("sql", path, name, args)
            spark = (f"{_spawn('spark', path, name, args)['seconds']:.2f}"
                     if rows in args.spark_rows else "—")  # fmt: skip
            results.setdefault(name, []).append((rows, ibis_run["seconds"]))
            ratio = ibis_run["seconds"] / sql_run["seconds"]
            print(f"| {rows:,} | {name} | {ibis_run['seconds']:.2f} | {sql_run['seconds']:.2f} | "
                  f"{ratio:.2f}× | {ibis_run['peak_mb']:,.0f} | {sql_run['peak_mb']:,.0f} | "
                  f"{spark} |", flush=True)  # fmt: skip
        for leftover in args.scratch.glob("bench-engines-*"):
            shutil.rmtree(leftover, ignore_errors=True)
    if len(args.rows) > 1:
        print("\n| indicator | scaling exponent (ibis-duckdb) |\n|---|---:|")
        for name, pairs in results.items():
            print(f"| {name} | {exponent(*map(list, zip(*pairs, strict=True))):.2f} |")
    print(f"# load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
