"""Time the same PPML fit (Advanced Guide Table 1, column 4) with several libraries.

Run ``python -m benchmarks.bench_gravity``. The model: international flows of 1986, 1990,
…, 2006; trade on log distance, contiguity, common language and colonial ties with
exporter-year and importer-year fixed effects (828 of them). Each library is timed once
after a warm-up on the same data; the distance coefficient is printed so the fits can be
checked against each other. A library that is not installed is reported, not installed.
A last line times the DOTS potential model (165 economies, every fourth year 1988–2020,
international flows, 200 coefficient draws) with pyfixest, panel building included.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable

import pandas as pd
import statsmodels.api as sm

from analysis import data
from analysis.models import gravity

TERMS = ["log_distance", "contiguity", "common_language", "colony"]


def _pyfixest(df: pd.DataFrame) -> float:
    table, _ = gravity.ppml(
        df, y="trade_usd_mn", x=TERMS, fe=["exporter_year", "importer_year"], cluster="pair"
    )
    return float(table.set_index("term").loc["log_distance", "estimate"])


def _statsmodels(df: pd.DataFrame) -> float:
    # Dummy fixed effects (one level of each dropped), as the book's Stata code does.
    dummies = pd.get_dummies(df[["exporter_year", "importer_year"]], drop_first=True, dtype=float)
    exog = sm.add_constant(pd.concat([df[TERMS], dummies], axis=1))
    fit = sm.GLM(df["trade_usd_mn"], exog, family=sm.families.Poisson()).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["pair"])[0]}
    )
    return float(fit.params["log_distance"])


def main() -> None:
    """Print wall time per library and the ratio to the fastest."""
    panel = data.load("gravity_panel")
    df = gravity.prepare(panel[panel["year"].isin(gravity.TABLE1_YEARS)])
    df = df[df["international"] == 1].reset_index(drop=True)
    runners: dict[str, Callable[[pd.DataFrame], float] | None] = {
        "pyfixest (fepois)": _pyfixest,
        "statsmodels GLM, dummy fixed effects": _statsmodels,
        "gme (USITC)": None,
    }
    if importlib.util.find_spec("gme") is not None:
        print("gme is installed, but no runner is written for it yet")
    results = {}
    for name, run in runners.items():
        if run is None:
            print(f"{name:40s} unavailable (not installed; not installed by this benchmark)")
            continue
        run(df.head(2000))  # warm-up: imports, compilation
        start = time.perf_counter()
        beta = run(df)
        results[name] = time.perf_counter() - start
        print(f"{name:40s} {results[name]:8.2f} s   log_distance = {beta:.4f}")
    fastest = min(results.values())
    print(f"{len(df):,} flows, {df['exporter_year'].nunique() + df['importer_year'].nunique()} "
          "fixed effects")  # fmt: skip
    for name, seconds in results.items():
        print(f"{name:40s} {seconds / fastest:8.1f} x the fastest")
    _dots_model()


def _dots_model() -> None:
    """Time the DOTS panel and potential model (pyfixest fit plus 200 coefficient draws)."""
    tables = [data.load(name) for name in ("dots_trade", "geodist_pairs", "rta_pairs")]
    start = time.perf_counter()
    panel = gravity.dots_panel(*tables)
    built = time.perf_counter() - start
    _, coefficients = gravity.potential_international(panel)
    seconds = time.perf_counter() - start
    beta = coefficients.set_index("term").loc["log_distance", "estimate"]
    name = "DOTS potential model (pyfixest + draws)"
    print(f"{name:40s} {seconds:8.2f} s   log_distance = {beta:.4f}   "
          f"({len(panel):,} flows; panel built in {built:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
