"""Time the panel indicators on BACI-shaped panels against a SQL floor and ``ecomplexity``.

Run ``make bench`` or ``python -m benchmarks.bench_panel --rows 1000000 10000000``. For
each size, the panel is generated once (``benchmarks/generate.py``, git-ignored
``benchmarks/data/``), then each contender runs each indicator in a fresh Python process,
so that its peak memory (``ru_maxrss``, interpreter and imports included) is its own:

* ``pandas`` and ``duckdb``: :mod:`analysis.measures.panel` with that engine, from the Parquet file
  (pandas loads it; DuckDB reads it); and the pandas engine on the panel already loaded
  as a DataFrame (the load is timed apart);
* ``sql``: the floor, one plain DuckDB SQL query per indicator over the same file, with no
  checks of the input;
* ``ecomplexity``: the panel read and summed by exporter and product with pandas, then
  the package's ``ecomplexity()`` (its RCA comes with ECI, proximity and density; at the
  largest size only, as it takes a minute or more at any size), and its RCA step alone
  (``ComplexityData.calculate_rca``, an internal API).

Every time runs from the Parquet file to a pandas DataFrame, after a warm-up, and is the
best of ``--repeat`` runs (``ecomplexity()`` runs once). Then a cold build of the report
(into a fresh output folder, so that its cache is empty) is timed against as many empty
notebooks (imports of pandas, matplotlib and seaborn), run one after the other and, as
the build runs them, in parallel on every core. Targets are
printed with the measurements, never asserted; the machine's load average is printed too,
since other work on it slows every contender.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
INDICATORS = ("rca", "hhi", "trade_intensity", "complementarity")
ENGINES = ("pandas", "duckdb")
IN_MEMORY = "pandas-frame"
COLUMNS = ["t", "i", "j", "k", "v"]

# The floor: what one would write by hand in DuckDB, with no checks of the input.
FLOOR_SQL = {
    "rca": """
        WITH x AS (SELECT t, i, k, sum(v) AS x FROM {src} GROUP BY ALL),
        xi AS (SELECT t, i, sum(x) AS xi FROM x GROUP BY ALL),
        xk AS (SELECT t, k, sum(x) AS xk FROM x GROUP BY ALL),
        xw AS (SELECT t, sum(x) AS xw FROM x GROUP BY ALL)
        SELECT t, i, k, (x / xi) / (xk / xw) AS rca
        FROM x JOIN xi USING (t, i) JOIN xk USING (t, k) JOIN xw USING (t)
        ORDER BY t, i, k""",
    "hhi": """
        SELECT t, i, j, count(*) AS n, sum(v * v) / (sum(v) * sum(v)) AS hhi,
               (hhi - 1 / n) / (1 - 1 / n) AS hhi_normalised
        FROM {src} GROUP BY ALL ORDER BY t, i, j""",
    "trade_intensity": """
        WITH x AS (SELECT t, i, j, sum(v) AS x FROM {src} GROUP BY ALL),
        xi AS (SELECT t, i, sum(x) AS xi FROM x GROUP BY ALL),
        mj AS (SELECT t, j, sum(x) AS mj FROM x GROUP BY ALL),
        mw AS (SELECT t, sum(x) AS mw FROM x GROUP BY ALL)
        SELECT t, i, j, (x / xi) / (mj / mw) AS trade_intensity
        FROM x JOIN xi USING (t, i) JOIN mj USING (t, j) JOIN mw USING (t)
        ORDER BY t, i, j""",
    # Σ_k |m_jk − x_ik| = 2 − 2 Σ_k min(m_jk, x_ik): only products both trade count.
    "complementarity": """
        WITH x AS (SELECT t, i, k, sum(v) AS x FROM {src} GROUP BY ALL),
        m AS (SELECT t, j, k, sum(v) AS m FROM {src} GROUP BY ALL),
        xs AS (SELECT t, i, k, x / sum(x) OVER (PARTITION BY t, i) AS s FROM x),
        ms AS (SELECT t, j, k, m / sum(m) OVER (PARTITION BY t, j) AS s FROM m),
        overlap AS (SELECT xs.t, i, j, sum(least(xs.s, ms.s)) AS o
                    FROM xs JOIN ms ON xs.t = ms.t AND xs.k = ms.k AND i <> j GROUP BY ALL),
        pairs AS (SELECT DISTINCT e.t, i, j FROM (SELECT DISTINCT t, i FROM x) e
                  JOIN (SELECT DISTINCT t, j FROM m) USING (t) WHERE i <> j)
        SELECT t, i, j, 100 * coalesce(o, 0) AS complementarity
        FROM pairs LEFT JOIN overlap USING (t, i, j) ORDER BY t, i, j""",
}


# --- Worker: one contender in a fresh process -------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _best(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Return the best wall time of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _engine_run(engine: str, source: object, name: str) -> Callable[[], object]:
    from analysis.measures import panel

    if isinstance(source, str):  # a slice of the first row group: the file is not loaded
        first = pq.ParquetFile(source).read_row_group(0, columns=COLUMNS)
        small = first.slice(0, 20_000).to_pandas()
    else:
        small = source.head(20_000)
    options = {"trade_intensity": {"kind": "exports"}, "hhi": {"of": "product"}}.get(name, {})
    function = getattr(panel, name)
    function(small, engine=engine, **options)  # warm-up: lazy imports, a first query
    return lambda: function(source, engine=engine, **options)


def _sql_run(path: str, name: str) -> Callable[[], object]:
    import duckdb

    sql = FLOOR_SQL[name].format(src="read_parquet('" + path.replace("'", "''") + "')")

    def run(query: str = sql):
        con = duckdb.connect()  # a connection per query, as the engine opens one per call
        try:
            return con.sql(query).df()
        finally:
            con.close()

    run("SELECT 42")
    return run


def _ecomplexity(path: str, repeat: int, full: bool) -> dict[str, object]:
    import numpy as np
    import pandas as pd
    from ecomplexity import ecomplexity
    from ecomplexity.ComplexityData import ComplexityData

    from analysis.measures import panel

    columns = {"time": "t", "loc": "i", "prod": "k", "val": "v"}

    def prepare() -> pd.DataFrame:  # ecomplexity wants one row per exporter and product
        df = pd.read_parquet(path, columns=["t", "i", "k", "v"])
        return df.groupby(["t", "i", "k"], as_index=False)["v"].sum()

    def rca_step(x: pd.DataFrame) -> list[tuple[object, pd.MultiIndex, np.ndarray]]:
        data = ComplexityData(x, columns, "coerce")
        out = []
        for t in data.data.index.unique("time"):
            data.create_full_df(t)  # the exporter × product grid, zeros included
            data.calculate_rca()
            out.append((t, data.data_t.index, data.rca_t))
        return out

    prep, x = _best(prepare, repeat)
    step, grids = _best(lambda: rca_step(x), repeat)
    report = {"prepare": prep, "rca_step": step}
    if full:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints as it goes
            start = time.perf_counter()
            ecomplexity(x, columns, check_logsupermodularity=False, verbose=False)
            report["call"] = time.perf_counter() - start
    report["peak_mb"] = _peak_mb()  # before the check below adds its own memory
    # The same numbers as analysis.measures.panel? Its grid holds the zeros; the merge drops them.
    theirs = pd.concat(
        pd.DataFrame({"year": t, "exporter": index.get_level_values("loc"),
                      "product": index.get_level_values("prod"), "rca_ec": rca.ravel()})
        for t, index, rca in grids
    )  # fmt: skip
    both = panel.rca(path, engine="duckdb").merge(theirs, on=["year", "exporter", "product"])
    report["max_rel_gap"] = float(np.max(np.abs(both["rca"] - both["rca_ec"]) / both["rca"]))
    return report


def _work(runner: str, path: str, repeat: int, name: str | None, full: bool) -> None:
    """Run one contender on one indicator; print its time, result size and peak memory."""
    warnings.simplefilter("ignore")  # single-product pairs' hhi_normalised warns, by design
    import duckdb  # noqa: F401  (imports are not timed: the baseline counts them)
    import scipy.spatial  # noqa: F401

    report: dict[str, object] = {"baseline_mb": _peak_mb()}
    if runner == "ecomplexity":
        print(json.dumps(report | _ecomplexity(path, repeat, full)))
        return
    assert name is not None
    if runner == "sql":
        run = _sql_run(path, name)
    elif runner == IN_MEMORY:  # the panel loaded first, as an analyst would have it
        report["load"], frame = _best(lambda: pd.read_parquet(path, columns=COLUMNS), 1)
        run = _engine_run("pandas", frame, name)
    else:
        run = _engine_run(runner, path, name)
    seconds, result = _best(run, repeat)
    report |= {"times": {name: seconds}, "rows": {name: len(result)}, "peak_mb": _peak_mb()}
    print(json.dumps(report))


def _spawn(runner: str, path: Path, repeat: int, full: bool = False) -> dict:
    """Run a contender in a fresh interpreter per indicator; return its merged report.

    The peak memory is the largest of the indicators' (each process measures its own).
    """
    reports = []
    for name in INDICATORS if runner != "ecomplexity" else [None]:
        command = [sys.executable, "-m", "benchmarks.bench_panel", "--worker", runner,
                   "--path", str(path), "--repeat", str(repeat)]  # fmt: skip
        command += ["--indicator", name] if name else []
        command += ["--full-ecomplexity"] if full else []
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    merged = reports[0]
    for key in ("times", "rows"):
        if key in merged:
            merged[key] = {k: v for r in reports for k, v in r[key].items()}
    for key in ("baseline_mb", "peak_mb", "load"):
        if key in merged:
            merged[key] = max(r[key] for r in reports)
    return merged


# --- Report build against empty notebooks ------------------------------------------------------


def _report_build() -> list[str]:
    """Time a cold build of the report and as many empty notebooks; return lines to print."""
    import nbformat

    from analysis import report

    count = len(report.notebooks())
    workers = max(1, min(os.cpu_count() or 1, count))  # as the build runs its notebooks
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        code = "import pandas\nimport matplotlib\nimport seaborn"
        empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        empty.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}  # fmt: skip
        paths = [folder / f"{n:02d}_empty.ipynb" for n in range(count)]
        for path in paths:
            nbformat.write(empty, path)
        (folder / "out").mkdir()
        start = time.perf_counter()
        for path in paths:
            report.execute(path, folder / "out")
        one_by_one = time.perf_counter() - start
        start = time.perf_counter()
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
            list(pool.map(report.execute, paths, [folder / "out"] * count))
        parallel = time.perf_counter() - start
        start = time.perf_counter()
        command = [sys.executable, "-m", "analysis", "build", "--out", str(folder / "site"),
                   "--no-progress"]  # fmt: skip
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        build = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:]
        return [f"report build failed ({' '.join(last)}); {count} empty notebooks: "
                f"{one_by_one:.1f} s"]  # fmt: skip
    return [
        "| | wall time | build / this |",
        "|---|---:|---:|",
        f"| cold build, `python -m analysis build` into a fresh folder | {build:.1f} s | |",
        f"| {count} empty notebooks, one after the other | {one_by_one:.1f} s | "
        f"{build / one_by_one:.2f}× (target ≤ 1.5×: {_verdict(build <= 1.5 * one_by_one)}) |",
        f"| {count} empty notebooks, {workers} at a time as the build runs them | "
        f"{parallel:.1f} s | {build / parallel:.2f}× (target ≤ 1.5×: "
        f"{_verdict(build <= 1.5 * parallel)}) |",
    ]


# --- Printing ---------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _data_mb(path: Path) -> float:
    """Return the size of the five columns in memory (Arrow or NumPy: fixed widths)."""
    meta = pq.ParquetFile(path).metadata
    schema = meta.schema.to_arrow_schema()
    return meta.num_rows * sum(schema.field(c).type.bit_width // 8 for c in COLUMNS) / 2**20


def _size_table(rows: int, path: Path, reports: dict[str, dict]) -> list[str]:
    data = _data_mb(path)
    names = {
        "pandas": "pandas engine",
        "duckdb": "DuckDB engine",
        IN_MEMORY: "pandas engine, panel in memory",
        "sql": "plain DuckDB SQL",
    }
    head = "| | " + " | ".join(INDICATORS) + " | all four | peak memory | peak / data |"
    lines = [head, "|---" * (len(INDICATORS) + 4) + "|"]
    totals = {}
    for runner, name in names.items():
        r = reports[runner]
        totals[runner] = sum(r["times"].values())
        cells = [f"{r['times'][i]:.2f} s" for i in INDICATORS]
        peak = r["peak_mb"]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {totals[runner]:.2f} s | "
                     f"{peak:,.0f} MB | {peak / data:.1f}× |")  # fmt: skip
    floor = reports["sql"]["times"]
    for engine in (*ENGINES, IN_MEMORY):
        t = reports[engine]["times"]
        cells = [f"{t[i] / floor[i]:.2f}×" for i in INDICATORS]
        lines.append(f"| {names[engine]} / SQL | " + " | ".join(cells)
                     + f" | {totals[engine] / totals['sql']:.2f}× | | |")  # fmt: skip
    lines.append(
        f"\nThe in-memory row excludes loading the panel with `pandas.read_parquet` "
        f"({reports[IN_MEMORY]['load']:.2f} s); its peak memory includes that load's."
    )
    ec = reports["ecomplexity"]
    step = ec["prepare"] + ec["rca_step"]
    full = ec["prepare"] + ec["call"] if "call" in ec else None
    call = (
        f"`ecomplexity()` {ec['call']:.1f} s (RCA with ECI, proximity and density)"
        if full
        else "`ecomplexity()` not run at this size (only at the largest)"
    )
    lines += [
        "",
        f"ecomplexity: read and sum by exporter × product {ec['prepare']:.2f} s, then {call}; "
        f"its RCA step alone {ec['rca_step']:.2f} s; peak {ec['peak_mb']:,.0f} MB; its RCA "
        f"equals ours to {ec['max_rel_gap']:.1e} (relative).",
        "",
        "| RCA speed-up (from the file) | vs `ecomplexity()` | vs its RCA step alone |",
        "|---|---:|---:|",
    ]
    for engine in ENGINES:
        ours = reports[engine]["times"]["rca"]
        against_full = f"{full / ours:.0f}×" if full else "—"
        lines.append(f"| {names[engine]} | {against_full} | {step / ours:.1f}× |")
    baseline = max(reports[e]["baseline_mb"] for e in ENGINES)
    checks = {}
    for engine in ENGINES:
        t = reports[engine]["times"]
        worst = max(t[i] / floor[i] for i in INDICATORS)
        versus_full = f"{_verdict(full / t['rca'] >= 10)} for `ecomplexity()`, " if full else ""
        peak = reports[engine]["peak_mb"]
        checks[engine] = (
            f"{names[engine]}: within 2× of the SQL floor for every indicator "
            f"(worst {worst:.2f}×): {_verdict(worst <= 2)}; ≥ 10× faster than ecomplexity: "
            f"{versus_full}{_verdict(step / t['rca'] >= 10)} for its RCA step alone; "
            f"peak ≤ 3× data ({peak / data:.1f}×): {_verdict(peak <= 3 * data)}"
            f" ({(peak - reports[engine]['baseline_mb']) / data:.1f}× above the interpreter "
            "and imports)"
        )
    mismatch = [i for i in INDICATORS if len({reports[r]["rows"][i] for r in names}) > 1]
    if mismatch:
        checks["rows"] = f"result sizes differ between contenders for {', '.join(mismatch)}!"
    return [
        f"### {rows:,} rows: data {data:,.0f} MB in memory; interpreter and imports "
        f"{baseline:,.0f} MB",
        "",
        *lines,
        "",
        *(f"- {c}" for c in checks.values()),
    ]


def main(argv: list[str] | None = None) -> None:
    """Generate the panels, run every contender per size, then time the report build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--years", type=int, default=None, help="default: ⌈rows / 10⁷⌉")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    parser.add_argument("--skip-report", action="store_true", help="do not time the build")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--indicator", help=argparse.SUPPRESS)
    parser.add_argument("--full-ecomplexity", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _work(args.worker, args.path, args.repeat, args.indicator, args.full_ecomplexity)
        return
    began = time.perf_counter()
    print(f"{os.cpu_count()} cores; DuckDB uses all of them, pandas and NumPy one.\n")
    for rows in args.rows:
        start = time.perf_counter()
        path = generate.ensure(rows, countries=args.countries, products=args.products,
                               years=args.years, seed=args.seed)  # fmt: skip
        meta = pq.ParquetFile(path).metadata
        print(f"panel {path.name}: {meta.num_rows:,} rows, ready in "
              f"{time.perf_counter() - start:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        reports = {}
        for runner in (*ENGINES, IN_MEMORY, "sql"):
            reports[runner] = _spawn(runner, path, args.repeat)
        # ecomplexity() takes a minute or more whatever the rows (its proximity matrix is
        # products × products): it runs at the largest size only.
        full = rows == max(args.rows)
        reports["ecomplexity"] = _spawn("ecomplexity", path, args.repeat, full)
        print("\n".join(_size_table(rows, path, reports)) + "\n", flush=True)
    if not args.skip_report:
        print("### Report build\n")
        print("\n".join(_report_build()) + "\n")
    print(f"benchmark finished in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
