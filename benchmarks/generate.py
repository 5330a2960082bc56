"""Generate a seeded, BACI-shaped trade panel and write it as Parquet.

Run ``python -m benchmarks.generate --rows 10_000_000``. The file has CEPII BACI's layout,
one row per exporter, importer, HS6 product and year with trade:

* ``t`` (int16) year, ``i`` (int16) exporter and ``j`` (int16) importer (numeric country
  codes), ``k`` (int32) HS6 product code;
* ``v`` (float64) value in thousand US$ (3 decimals), ``q`` (float64) quantity in tonnes,
  blank in about 5% of rows as in BACI.

Rows are sorted by ``t, i, j, k`` like BACI's files. Sparsity follows a gravity pattern:
a flow exists with probability ``min(1, c · s_i^0.9 · s_j^0.7 · w_k)``, where country sizes
``s`` and product weights ``w`` are lognormal and ``c`` is tuned so that each year has the
requested number of rows; so large economies trade most products with most partners and
small ones a few. Values are lognormal around a gravity mean (σ = 2, spanning orders of
magnitude as BACI's do). Flows are drawn afresh each year; the same seed and sizes give
the same file.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DATA_DIR = Path(__file__).resolve().parent / "data"
SCHEMA = pa.schema(
    [
        ("t", pa.int16()),
        ("i", pa.int16()),
        ("j", pa.int16()),
        ("k", pa.int32()),
        ("v", pa.float64()),
        ("q", pa.float64()),
    ]
)
BACI_ROWS_PER_YEAR = 10_000_000  # all pairs × ~5,000 HS6 products, one year of BACI


def default_years(rows: int) -> int:
    """Return the number of years giving at most BACI's ~10 million rows a year: ``⌈rows / 10⁷⌉``.

    Parameters
    ----------
    rows
        Rows in the panel.

    Returns
    -------
    int
        Years.

    Examples
    --------
    >>> default_years(1_000_000), default_years(10_000_000), default_years(25_000_000)
    (1, 1, 3)
    """
    return max(1, math.ceil(rows / BACI_ROWS_PER_YEAR))


def path_for(rows: int, *, countries: int, products: int, years: int, seed: int) -> Path:
    """Return the file name that identifies a generated panel by its parameters.

    Parameters
    ----------
    rows, countries, products, years, seed
        The generator's parameters.

    Returns
    -------
    pathlib.Path
        A file under ``benchmarks/data/`` (git-ignored).

    Examples
    --------
    >>> path_for(1_000_000, countries=200, products=5000, years=1, seed=0).name
    'baci_1000000r_200c_5000p_1y_s0.parquet'
    """
    return DATA_DIR / f"baci_{rows}r_{countries}c_{products}p_{years}y_s{seed}.parquet"


def _tune(exporter: np.ndarray, cell: np.ndarray, target: float) -> float:
    """Return ``c`` such that the expected number of flows is ``target``.

    The expected number is ``Σ_e Σ_(j≠e),k min(1, c · exporter_e · cell_jk)``; with ``cell``
    sorted once, each exporter's sum is a binary search, so the bisection stays cheap.
    """
    flat = np.sort(cell.ravel())
    cumulative = np.concatenate([[0.0], np.cumsum(flat)])

    def expected(c: float) -> float:
        scale = c * exporter
        below = np.searchsorted(flat, 1.0 / scale)  # cells with probability < 1
        total = (flat.size - below) + scale * cumulative[below]
        own = np.minimum(1.0, scale[:, None] * cell).sum(axis=1)  # the diagonal j = e
        return float((total - own).sum())

    low, high = 1e-12, 1e12
    for _ in range(100):
        mid = math.sqrt(low * high)
        low, high = (mid, high) if expected(mid) < target else (low, mid)
    return high


def _year(
    rng: np.random.Generator,
    size: np.ndarray,
    weight: np.ndarray,
    codes: np.ndarray,
    products: np.ndarray,
    year: int,
    rows: int,
) -> Iterator[pa.RecordBatch]:
    """Yield one year's rows in batches of a million, sorted by exporter, importer, product."""
    n, n_products = len(size), len(weight)
    exporter = size**0.9
    cell = np.outer(size**0.7, weight)  # importer × product propensity
    # Ask for a few more rows than needed, then drop the surplus at random: an exact count.
    margin = max(0.005, 5 / math.sqrt(rows))
    c = _tune(exporter, cell, rows * (1 + margin))
    hits = []
    for e in range(n):
        p = np.minimum(1.0, c * exporter[e] * cell)
        p[e] = 0.0  # no self-trade
        hits.append(e * cell.size + np.flatnonzero(rng.random(cell.size) < p.ravel()))
    flat = np.concatenate(hits)
    if flat.size < rows:
        raise RuntimeError(f"year {year}: drew {flat.size:,} rows, fewer than {rows:,}")
    drop = rng.choice(flat.size, flat.size - rows, replace=False)
    flat = np.delete(flat, drop)
    for chunk in np.array_split(flat, max(1, flat.size // 1_000_000)):
        e, rest = np.divmod(chunk, cell.size)
        j, k = np.divmod(rest, n_products)
        mean = 2.0 + 0.8 * np.log(size[e] * size[j]) + 0.5 * np.log(weight[k])
        # BACI's smallest value is one US dollar (0.001 thousand).
        v = np.maximum(np.round(np.exp(rng.normal(mean, 2.0)), 3), 0.001)
        q = np.round(v * np.exp(rng.normal(0.0, 1.0, chunk.size)), 3)
        q[rng.random(chunk.size) < 0.05] = np.nan
        yield pa.record_batch(
            [
                pa.array(np.full(chunk.size, year, np.int16)),
                pa.array(codes[e].astype(np.int16)),
                pa.array(codes[j].astype(np.int16)),
                pa.array(products[k].astype(np.int32)),
                pa.array(v),
                pa.array(q),
            ],
            schema=SCHEMA,
        )


def generate(
    path: Path,
    *,
    rows: int,
    countries: int = 200,
    products: int = 5000,
    years: int | None = None,
    seed: int = 0,
    first_year: int = 2000,
) -> Path:
    """Write a BACI-shaped panel of exactly ``rows`` rows to ``path`` (see the module notes).

    Rows are split evenly over the years; each year's flows are drawn with probability
    ``min(1, c · s_i^0.9 · s_j^0.7 · w_k)`` and values ``exp(N(2 + 0.8 ln(s_i s_j) +
    0.5 ln w_k, 2²))``.

    Parameters
    ----------
    path
        The Parquet file to write (its folder is created).
    rows
        Rows in the panel.
    countries, products
        Numbers of countries and HS6 products.
    years
        Number of years; by default :func:`default_years`.
    seed
        Random seed: the same parameters give the same file.
    first_year
        The first year.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    years = years or default_years(rows)
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.choice(np.arange(4, 900), countries, replace=False))
    hs6 = np.sort(rng.choice(np.arange(10_100, 970_000), products, replace=False))
    size = rng.lognormal(0.0, 1.5, countries)
    weight = rng.lognormal(0.0, 1.0, products)
    per_year = [rows // years + (y < rows % years) for y in range(years)]
    if max(per_year) > countries * (countries - 1) * products:
        raise ValueError(f"{max(per_year):,} rows a year do not fit {countries} countries")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with pq.ParquetWriter(partial, SCHEMA, compression="zstd") as writer:
        for y, n_rows in enumerate(per_year):
            # About a million rows per row group: DuckDB reads row groups in parallel.
            for batch in _year(rng, size, weight, codes, hs6, first_year + y, n_rows):
                writer.write_batch(batch, row_group_size=1 << 20)
    partial.replace(path)  # only a complete file gets the final name
    return path


def ensure(
    rows: int,
    *,
    countries: int = 200,
    products: int = 5000,
    years: int | None = None,
    seed: int = 0,
) -> Path:
    """Return the panel's file under ``benchmarks/data/``, generating it if absent.

    Parameters
    ----------
    rows, countries, products, years, seed
        As for :func:`generate`.

    Returns
    -------
    pathlib.Path
        The Parquet file.
    """
    years = years or default_years(rows)
    path = path_for(rows, countries=countries, products=products, years=years, seed=seed)
    if not path.exists():
        generate(path, rows=rows, countries=countries, products=products, years=years, seed=seed)
    return path


def main(argv: list[str] | None = None) -> None:
    """Generate the panels asked for on the command line and print their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--years", type=int, default=None, help="default: ⌈rows / 10⁷⌉")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for rows in args.rows:
        path = ensure(
            rows,
            countries=args.countries,
            products=args.products,
            years=args.years,
            seed=args.seed,
        )
        print(f"{rows:>12,} rows  {path}")


if __name__ == "__main__":
    main()
