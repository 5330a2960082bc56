"""Time reading the downloads people use: a BACI year file and a Comtrade file.

Run ``python -m benchmarks.bench_readers`` (part of ``make bench``). It writes, once, into
``benchmarks/data/``: a BACI year file in CEPII's CSV layout (``t,i,j,k,v,q``) from the
BACI-shaped panel of :mod:`benchmarks.generate` (10 million rows by default), the same in
a zip archive as CEPII ships it, its country-code file, and a 100,000-row classic UN
Comtrade CSV. Then, each in a fresh process:

* the floor: DuckDB scanning the BACI CSV and summing it by exporter–importer pair;
* ``analysis.readers.formats.load_files`` on the CSV and on the zip, with peak memory;
* ``load_files`` on the Comtrade file.

Targets (issue "The files people really download"): the BACI file read within 3× the
DuckDB floor (the notebook floor comes on top, see ``bench_build``) under 1.5 GB peak;
the Comtrade file in under 3 s. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from benchmarks.generate import ensure

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BACI_FACTOR, BACI_PEAK_GB, COMTRADE_S = 3.0, 1.5, 3.0
_LOAD = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
from analysis.readers import formats
loaded = formats.load_files([Path(p) for p in sys.argv[1:]])
rows = sum(len(x.table) for x in loaded)
print(time.perf_counter() - t, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)
"""
_LOAD_PAIR = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
from analysis.measures import pair
from analysis.readers import formats
a, b = sys.argv[1:3]
loaded = formats.load_files([Path(p) for p in sys.argv[3:]], countries=[a, b])
pair.select(loaded, a, b)
rows = sum(len(x.table) for x in loaded)
print(time.perf_counter() - t, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)
"""
# A pair build, in a process of its own whose children's peak memory is the build's.
_BUILD = """
import resource, subprocess, sys, time
out, a, b, *data = sys.argv[1:]
t = time.perf_counter()
subprocess.run([sys.executable, "-m", "analysis", "-q", "build", "--reporter", a, "--partner", b,
                *(["--data", *data] if data else []), "--out", out, "--no-progress"],
               check=True, capture_output=True)
print(time.perf_counter() - t, 0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6)
"""
_DUCKDB = """
import resource, sys, time
t = time.perf_counter()
import duckdb
# Its progress bar would be printed with the figures.
duckdb.execute("SET enable_progress_bar = false")
n = duckdb.sql(f"select count(*) from (select i, j, sum(v) from read_csv('{sys.argv[1]}') "
               "group by i, j)").fetchall()[0][0]
print(time.perf_counter() - t, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)
"""


def _run(code: str, *args: Path | str) -> tuple[float, int, float]:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True, check=True)  # fmt: skip
    seconds, rows, peak = out.stdout.split()
    return float(seconds), int(rows), float(peak)


def baci_files(rows: int) -> tuple[Path, Path, Path]:
    """Write (once) a BACI year CSV of about ``rows`` rows, its zip and its country codes."""
    csv_path = DATA / f"BACI_HS17_Y2020_V202401_{rows}.csv"
    zip_path = csv_path.with_suffix(".zip")
    codes_path = DATA / "country_codes_V202401_bench.csv"
    if not (csv_path.is_file() and zip_path.is_file() and codes_path.is_file()):
        table = pq.read_table(ensure(rows, countries=200, products=5000, years=1, seed=0))
        # BACI writes a missing quantity as NA.
        q = table.column("q")
        text = pc.if_else(pc.is_nan(q), pa.scalar("NA"), pc.cast(q, pa.string()))
        table = table.set_column(table.schema.get_field_index("q"), "q", text)
        # BACI's header is bare (t,i,j,k,v,q); pyarrow would quote it.
        with csv_path.open("wb") as out:
            out.write(b"t,i,j,k,v,q\n")
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False,
                                                         quoting_style="none"))  # fmt: skip
        codes = sorted(set(table.column("i").to_pylist()) | set(table.column("j").to_pylist()))
        # Each numeric code stands for a real country, as in BACI's own code file.
        from analysis import data

        iso3 = sorted(data.load("country_codes")["iso3"])
        lines = ["country_code,country_name,country_iso2,country_iso3"]
        lines += [f"{c},Country {c},{iso3[n][:2]},{iso3[n]}" for n, c in enumerate(codes)]
        codes_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(csv_path, csv_path.name)
            z.write(codes_path, "country_codes_V202401.csv")
    return csv_path, zip_path, codes_path


def comtrade_file(rows: int) -> Path:
    """Write (once) a classic Comtrade CSV of ``rows`` rows: 50 reporters, HS4 products."""
    path = DATA / f"comtrade_classic_{rows}_unique.csv"
    if path.is_file():
        return path
    rng = np.random.default_rng(0)
    m49 = ["156", "392", "410", "356", "842", "276", "250", "826", "380", "124", "036",
           "076", "484", "710", "360", "764", "704", "458", "608", "702"]  # fmt: skip
    header = ("Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter,"
              "Partner Code,Partner,Commodity Code,Commodity,Trade Value (US$),Flag")  # fmt: skip
    lines = [header]
    # Each row its own reporter, partner, flow and product, as in a real download.
    pairs = [(r, p) for r in range(len(m49)) for p in range(len(m49)) if r != p]
    for n in range(rows):
        r, p = pairs[n // 2 % len(pairs)]
        flow = ("Import", "Export")[n % 2]
        product = 1001 + n // (2 * len(pairs))
        lines.append(f"H5,2019,{1 + n % 2},{flow},{m49[r]},R{r},{m49[p]},P{p},"
                     f"{product},Goods,{rng.integers(1, 10**9)},0")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _busiest_pair(codes: Path, csv_path: Path) -> tuple[str, str]:
    """Return the ISO3 codes of the exporter–importer pair with the most rows of the file."""
    import duckdb

    i, j = duckdb.sql(f"select i, j from read_csv('{csv_path}') group by i, j "
                      "order by count(*) desc, i, j limit 1").fetchall()[0]  # fmt: skip
    iso = dict(line.split(",")[0::3] for line in codes.read_text("utf-8").splitlines()[1:])
    return iso[str(i)], iso[str(j)]


def main(argv: list[str] | None = None) -> None:
    """Print the floors, the readers' times and peak memory, against their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baci-rows", type=int, default=10_000_000)
    parser.add_argument("--comtrade-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    DATA.mkdir(exist_ok=True)
    csv_path, zip_path, codes = baci_files(args.baci_rows)
    floor, pairs, _ = _run(_DUCKDB, csv_path)
    print(f"BACI year file, {csv_path.stat().st_size / 1e6:,.0f} MB CSV")
    print(f"  floor, DuckDB scan and sum by pair ({pairs:,} pairs): {floor:6.1f} s")
    for label, paths in (("CSV", (csv_path, codes)), ("zip, read in place", (zip_path,))):
        seconds, rows, peak = _run(_LOAD, *paths)
        ok = seconds <= BACI_FACTOR * floor and peak <= BACI_PEAK_GB
        print(f"  load_files, {label}: {seconds:6.1f} s = {seconds / floor:.1f}x the floor, "
              f"{rows:,} rows, peak {peak:.2f} GB (target <= {BACI_FACTOR}x and "
              f"{BACI_PEAK_GB} GB: {'met' if ok else 'not met'})")  # fmt: skip
    # A pair report reads only its two countries' rows, block by block.
    pair = _busiest_pair(codes, csv_path)
    for label, paths in (("CSV", (csv_path, codes)), ("zip", (zip_path,))):
        seconds, rows, peak = _run(_LOAD_PAIR, *pair, *paths)
        ok = seconds <= BACI_FACTOR * floor and peak <= BACI_PEAK_GB
        print(f"  read for the pair {pair[0]}-{pair[1]}, {label}: {seconds:6.1f} s = "
              f"{seconds / floor:.1f}x the floor, {rows:,} rows kept, peak {peak:.2f} GB "
              f"(target <= {BACI_FACTOR}x and {BACI_PEAK_GB} GB: "
              f"{'met' if ok else 'not met'})")  # fmt: skip
    # The whole pair report from the zip, against the same report from the embedded data
    # alone (the notebook floor): what the file adds is its reading and its sections.
    times, peaks = {}, {}
    for label, extra in (("embedded", []), ("zip", [str(zip_path)])):
        with tempfile.TemporaryDirectory() as out:
            times[label], _, peaks[label] = _run(_BUILD, out, *pair, *extra)
    peak = peaks["zip"]
    added = times["zip"] - times["embedded"]
    ok = added <= BACI_FACTOR * floor and peak <= BACI_PEAK_GB
    print(
        f"  pair report {pair[0]}-{pair[1]} from the zip: {times['zip']:6.1f} s; from the "
        f"embedded data alone (the notebook floor) {times['embedded']:.1f} s; the file adds "
        f"{added:.1f} s = {added / floor:.1f}x the DuckDB floor; largest process {peak:.2f} GB "
        f"(target <= {BACI_FACTOR}x and {BACI_PEAK_GB} GB: {'met' if ok else 'not met'})"
    )
    path = comtrade_file(args.comtrade_rows)
    seconds, rows, peak = _run(_LOAD, path)
    print(
        f"Comtrade classic CSV, {rows:,} rows: {seconds:.1f} s, peak {peak:.2f} GB "
        f"(target < {COMTRADE_S} s: {'met' if seconds < COMTRADE_S else 'not met'})"
    )


if __name__ == "__main__":
    main()
