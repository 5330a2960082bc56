"""Structural gravity: data preparation, PPML and OLS estimation, and trade "potential".

The method follows Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced Guide to
Trade Policy Analysis: The Structural Gravity Model* (WTO/UNCTAD), chapter 1: bilateral
trade is explained by trade costs (distance, borders, language, colonial ties, trade
agreements) and by exporter-year and importer-year fixed effects, which stand for each
country's output, spending and multilateral resistance. The model is estimated by
Poisson pseudo-maximum likelihood (PPML) with ``pyfixest``; OLS on log trade is kept for
comparison. Standard errors are clustered by (symmetric) country pair.

:func:`ppml` and :func:`ols` return ``(table, fitted)``: a tidy table with one row per
coefficient (``term, estimate, std_error, p_value, n_obs``) whose ``attrs["diagnostics"]``
records how many rows were used and why any were left out (missing values, separation,
singleton fixed effects) and whether the fit converged; and the fitted values, aligned
with the input rows (missing where a row was not used).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyfixest as pf

from analysis.errors import DataError, Problem, require_columns

__all__ = [
    "POTENTIAL_TERMS",
    "PUBLISHED_GEGRAVITY",
    "PUBLISHED_TABLE1",
    "TABLE1_YEARS",
    "compare_with_published",
    "country_summary",
    "focus_pairs",
    "largest_partners",
    "ols",
    "potential",
    "ppml",
    "prepare",
    "replicate_gegravity",
    "replicate_table1",
]

TABLE1_YEARS = (1986, 1990, 1994, 1998, 2002, 2006)
GRAVITY_TERMS = ["log_distance", "contiguity", "common_language", "colony"]
# The potential model adds agreements and a border dummy per year (intra-national flows
# identify it), as in the book's chapter 1 applications 2 and 3.
POTENTIAL_TERMS = [*GRAVITY_TERMS, "rta"]
# Stata's ppml/glm (and R's fixest/capybara used by the replications) scale the clustered
# variance by G/(G-1) only; pyfixest's default also applies (N-1)/(N-K).
_PPML_SSC = pf.ssc(k_adj=False, G_adj=True)
# OLS: (N-1)/(N-K) counting the slopes but not the absorbed fixed effects, and G/(G-1).
_OLS_SSC = pf.ssc(k_adj=True, k_fixef="none", G_adj=True)
IPF_TOLERANCE = 1e-10
IPF_MAX_ITERATIONS = 5000
FITTED_TOLERANCE = 1e-3

_TABLE1_SOURCE = (
    "Published: M. Vargas Sepúlveda, 'Solutions manual for An Advanced Guide to Trade Policy "
    "Analysis in R' (R package tradepolicy), chapter 1 'Traditional gravity estimates', "
    "rendered output _freeze/01-traditional-gravity/execute-results/html.json in "
    "github.com/pachadotdev/tradepolicy @ 2ff22faa3adade05a3e1e8d1103752d2ebd72dc3, which "
    "states that its estimates match Table 1 (p. 42) of Yotov et al. (2016) except the PPML "
    "R². The book's own table was not available to us."
)
# model, term: (estimate, std_error), as printed there to 3 decimals.
_TABLE1 = {
    "ols": {
        "log_distance": (-1.002, 0.027),
        "contiguity": (0.574, 0.185),
        "common_language": (0.802, 0.082),
        "colony": (0.735, 0.144),
        "log_output": (1.190, 0.009),
        "log_expenditure": (0.908, 0.010),
        "Intercept": (-11.283, 0.296),
    },
    "ols_remoteness": {
        "log_distance": (-1.185, 0.031),
        "contiguity": (0.247, 0.177),
        "common_language": (0.739, 0.078),
        "colony": (0.842, 0.150),
        "log_output": (1.164, 0.009),
        "log_expenditure": (0.903, 0.010),
        "log_remoteness_exp": (0.972, 0.068),
        "log_remoteness_imp": (0.274, 0.060),
        "Intercept": (-35.219, 1.986),
    },
    "ols_fe": {
        "log_distance": (-1.216, 0.038),
        "contiguity": (0.223, 0.199),
        "common_language": (0.661, 0.081),
        "colony": (0.670, 0.147),
    },
    "ppml_fe": {
        "log_distance": (-0.841, 0.032),
        "contiguity": (0.437, 0.083),
        "common_language": (0.247, 0.077),
        "colony": (-0.222, 0.116),
    },
}
PUBLISHED_TABLE1 = pd.DataFrame(
    [
        {"model": m, "term": t, "estimate": e, "std_error": s, "source": _TABLE1_SOURCE}
        for m, terms in _TABLE1.items()
        for t, (e, s) in terms.items()
    ]
)
"""Table 1 of the Advanced Guide (traditional gravity estimates), as published, with source."""

_GEGRAVITY_SOURCE = (
    "Published: P. Herman, gegravity documentation (package index, 'Prepare the trade cost "
    "parameters': 'These values were estimated separately via PPML'), "
    "docs/gegravity/index.html in github.com/peter-herman/gegravity @ "
    "1daaff068c320240a02bbc5fa82bb026c261c9c2; specification from examples/getting_started.py "
    "(PPML, exporter and importer fixed effects, domestic flows included)."
)
PUBLISHED_GEGRAVITY = pd.DataFrame(
    [
        {"term": t, "estimate": e, "std_error": s, "source": _GEGRAVITY_SOURCE}
        for t, e, s in [
            ("log_distance_km", -0.3898623, 0.0729915),
            ("contiguity", 0.891577, 0.1327354),
            ("common_language", 0.0326249, 0.0840702),
            ("pta", 0.4711383, 0.1076578),
            ("international", -3.412584, 0.2151235),
        ]
    ]
)
"""The gegravity example's published PPML estimates (constant left out: it depends on
which fixed effect is dropped), with source."""


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    require_columns(df, columns, f"<{what} input>")


def prepare(panel: pd.DataFrame) -> pd.DataFrame:
    """Add the identifiers and regressors of the structural gravity model to a panel.

    Output ``Y`` and expenditure ``E`` are the sums of each exporter's and importer's
    flows in a year, intra-national flows included (as in the book's do-files); the
    remoteness indexes are the book's: ``ln Σ_j dist_ij / (E_j / ΣE)`` for exporters and
    ``ln Σ_i dist_ij / (Y_i / ΣY)`` for importers, over all partners including oneself.

    Parameters
    ----------
    panel
        The ``gravity_panel`` table (or rows of it with the same columns).

    Returns
    -------
    pandas.DataFrame
        A copy with ``pair`` (symmetric: A-B for both directions), ``exporter_year``,
        ``importer_year``, ``international`` (0/1), ``log_distance``, ``log_trade``
        (missing for zero flows), ``output_usd_mn``, ``expenditure_usd_mn``, their logs
        ``log_output`` and ``log_expenditure``, ``log_remoteness_exp``,
        ``log_remoteness_imp`` and one border dummy ``border_<year>`` per year
        (international × year). No row is dropped.
    """
    _require(panel, ["exporter_iso3", "importer_iso3", "year", "trade_usd_mn", "distance_km"],
             "prepare")  # fmt: skip
    df = panel.copy()
    exp, imp, year = df["exporter_iso3"], df["importer_iso3"], df["year"]
    df["pair"] = np.where(exp < imp, exp + "-" + imp, imp + "-" + exp)
    df["exporter_year"] = exp + "_" + year.astype(str)
    df["importer_year"] = imp + "_" + year.astype(str)
    df["international"] = (exp != imp).astype("int64")
    df["log_distance"] = np.log(df["distance_km"])
    df["log_trade"] = np.log(df["trade_usd_mn"].where(df["trade_usd_mn"] > 0))
    df["output_usd_mn"] = df.groupby([exp, year])["trade_usd_mn"].transform("sum")
    df["expenditure_usd_mn"] = df.groupby([imp, year])["trade_usd_mn"].transform("sum")
    df["log_output"] = np.log(df["output_usd_mn"])
    df["log_expenditure"] = np.log(df["expenditure_usd_mn"])
    total_e = df.drop_duplicates(["importer_iso3", "year"]).groupby("year")["expenditure_usd_mn"]
    total_y = df.drop_duplicates(["exporter_iso3", "year"]).groupby("year")["output_usd_mn"]
    share_e = df["expenditure_usd_mn"] / year.map(total_e.sum())
    share_y = df["output_usd_mn"] / year.map(total_y.sum())
    df["log_remoteness_exp"] = np.log(
        (df["distance_km"] / share_e).groupby([exp, year]).transform("sum")
    )
    df["log_remoteness_imp"] = np.log(
        (df["distance_km"] / share_y).groupby([imp, year]).transform("sum")
    )
    for t in sorted(year.unique()):
        df[f"border_{t}"] = df["international"] * (year == t).astype("int64")
    return df


def _fit(
    method: str,
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    fe: Sequence[str],
    cluster: str | None,
) -> tuple[pd.DataFrame, pd.Series, Any]:
    """Fit with pyfixest; return the tidy table (with diagnostics), fitted values, model."""
    columns = [y, *x, *fe, *([cluster] if cluster else [])]
    _require(df, columns, method)
    complete = df[columns].notna().all(axis=1)
    data = df.loc[complete, columns].reset_index(drop=True)
    if data.empty:
        raise DataError(Problem(f"<{method} input>", None, y, "rows with values", "none"))
    formula = f"{y} ~ {' + '.join(x)}" + (f" | {' + '.join(fe)}" if fe else "")
    vcov = {"CRV1": cluster} if cluster else "hetero"
    with warnings.catch_warnings():
        # pyfixest's own use of pandas' deprecated inplace= is not ours to report.
        warnings.filterwarnings("ignore", message="The inplace keyword", module="pyfixest")
        if method == "ppml":
            model = pf.fepois(formula, data, vcov=vcov, ssc=_PPML_SSC, separation_check=["fe"])
            separated = int(model.n_separation_na or 0)
            converged = bool(model._convergence)
        else:
            model = pf.feols(formula, data, vcov=vcov, ssc=_OLS_SSC)
            separated, converged = 0, True
    used = np.setdiff1d(np.arange(len(data)), np.asarray(list(model._na_index), dtype=int))
    tidy = model.tidy()
    n_obs = int(model._N)
    table = pd.DataFrame(
        {
            "term": tidy.index.astype(str),
            "estimate": tidy["Estimate"].to_numpy(),
            "std_error": tidy["Std. Error"].to_numpy(),
            "p_value": tidy["Pr(>|t|)"].to_numpy(),
            "n_obs": n_obs,
        }
    )
    table.attrs["diagnostics"] = {
        "estimator": "PPML" if method == "ppml" else "OLS",
        "formula": formula,
        "vcov": f"clustered by {cluster}" if cluster else "heteroskedasticity-robust",
        "n_rows": len(df),
        "n_obs": n_obs,
        "dropped_missing": int((~complete).sum()),
        "dropped_separation": separated,
        "dropped_singleton_fe": len(data) - n_obs - separated,
        "converged": converged,
    }
    fitted_used = model.predict(newdata=data.iloc[used], type="response")
    fitted = pd.Series(np.nan, index=df.index, name="fitted")
    fitted.loc[df.index[complete][used]] = np.asarray(fitted_used, dtype=float)
    return table, fitted, model


def ppml(
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    fe: Sequence[str],
    cluster: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Estimate a gravity equation by PPML with high-dimensional fixed effects.

    Rows with a missing value in any model column are left out and counted; rows in a
    fixed-effect group whose outcome is zero throughout (perfectly predicted, so
    "separated") are dropped by ``pyfixest`` and counted too.

    Parameters
    ----------
    df
        The estimation data, one row per flow (zeros allowed in ``y``).
    y
        The outcome (a level, for example ``"trade_usd_mn"``).
    x
        The regressors.
    fe
        The fixed-effect columns (for example ``["exporter_year", "importer_year"]``).
    cluster
        Column to cluster standard errors by; heteroskedasticity-robust if ``None``.

    Returns
    -------
    table : pandas.DataFrame
        ``term, estimate, std_error, p_value, n_obs``; ``table.attrs["diagnostics"]``
        holds ``n_rows``, ``n_obs``, ``dropped_missing``, ``dropped_separation``,
        ``dropped_singleton_fe``, ``converged``, the formula and the variance type.
    fitted : pandas.Series
        Fitted flows on ``df``'s index, missing where a row was not used.

    Examples
    --------
    >>> from analysis import data
    >>> sample = data.load("gegravity_sample_2006")
    >>> table, fitted = ppml(sample, y="trade_usd_mn", x=["pta", "log_distance_km"],
    ...                      fe=["exporter_iso3", "importer_iso3"])
    >>> table.attrs["diagnostics"]["converged"]
    True
    """
    table, fitted, _ = _fit("ppml", df, y=y, x=x, fe=fe, cluster=cluster)
    return table, fitted


def ols(
    df: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    fe: Sequence[str] = (),
    cluster: str | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Estimate a log-linear gravity equation by OLS, with or without fixed effects.

    Parameters
    ----------
    df
        The estimation data; rows where ``y`` (say ``log_trade``) is missing, as for zero
        flows, are left out and counted in the diagnostics.
    y
        The outcome (a log).
    x
        The regressors (an intercept is added when there are no fixed effects).
    fe
        Fixed-effect columns, possibly none.
    cluster
        Column to cluster standard errors by; heteroskedasticity-robust if ``None``.

    Returns
    -------
    table : pandas.DataFrame
        As for :func:`ppml`.
    fitted : pandas.Series
        Fitted values of ``y`` (logs) on ``df``'s index, missing where a row was not used.
    """
    table, fitted, _ = _fit("ols", df, y=y, x=x, fe=fe, cluster=cluster)
    return table, fitted


def replicate_table1(panel: pd.DataFrame) -> pd.DataFrame:
    """Estimate the four columns of the Advanced Guide's Table 1 (traditional gravity).

    International flows of 1986, 1990, …, 2006; OLS drops the zero flows (logs), PPML
    keeps them; standard errors clustered by country pair.

    Parameters
    ----------
    panel
        The ``gravity_panel`` table.

    Returns
    -------
    pandas.DataFrame
        ``model`` (``ols``, ``ols_remoteness``, ``ols_fe``, ``ppml_fe``) and the columns of
        :func:`ppml`'s table, plus the diagnostics of each fit as columns.
    """
    df = prepare(panel[panel["year"].isin(TABLE1_YEARS)])
    intl = df[df["international"] == 1]
    mass = ["log_output", "log_expenditure"]
    remote = ["log_remoteness_exp", "log_remoteness_imp"]
    fe = ["exporter_year", "importer_year"]
    fits = {
        "ols": ols(intl, y="log_trade", x=GRAVITY_TERMS + mass, cluster="pair"),
        "ols_remoteness": ols(intl, y="log_trade", x=GRAVITY_TERMS + mass + remote, cluster="pair"),
        "ols_fe": ols(intl, y="log_trade", x=GRAVITY_TERMS, fe=fe, cluster="pair"),
        "ppml_fe": ppml(intl, y="trade_usd_mn", x=GRAVITY_TERMS, fe=fe, cluster="pair"),
    }
    parts = []
    for name, (table, _) in fits.items():
        diag = table.attrs["diagnostics"]
        parts.append(
            table.assign(
                model=name,
                dropped_missing=diag["dropped_missing"],
                dropped_separation=diag["dropped_separation"],
                converged=diag["converged"],
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out[["model", *[c for c in out.columns if c != "model"]]]


def replicate_gegravity(sample: pd.DataFrame) -> pd.DataFrame:
    """Estimate the gegravity example's PPML: exporter and importer effects, all 900 flows.

    Parameters
    ----------
    sample
        The ``gegravity_sample_2006`` table.

    Returns
    -------
    pandas.DataFrame
        As for :func:`ppml` (heteroskedasticity-robust standard errors, as published).
    """
    table, _ = ppml(
        sample,
        y="trade_usd_mn",
        x=["pta", "contiguity", "common_language", "log_distance_km", "international"],
        fe=["exporter_iso3", "importer_iso3"],
    )
    return table


def compare_with_published(ours: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Set our estimates beside the published ones, term by term.

    Parameters
    ----------
    ours
        Our estimates (``term``, ``estimate``, ``std_error``, and ``model`` if the
        published table has one).
    published
        :data:`PUBLISHED_TABLE1` or :data:`PUBLISHED_GEGRAVITY`.

    Returns
    -------
    pandas.DataFrame
        One row per published coefficient: ``published``, ``ours`` (rounded to 3
        decimals, as published), their standard errors, ``difference`` (unrounded ours
        minus published) and ``source``. A published term we did not estimate stops with
        a :class:`DataError`.
    """
    keys = [k for k in ("model", "term") if k in published.columns]
    merged = published.merge(ours, on=keys, how="left", suffixes=("_published", "_ours"))
    missing = merged[merged["estimate_ours"].isna()]
    if len(missing):
        raise DataError(
            Problem("<published table>", None, "term", "a term we estimate",
                    ", ".join(missing["term"]))
        )  # fmt: skip
    return pd.DataFrame(
        {
            **{k: merged[k] for k in keys},
            "published": merged["estimate_published"],
            "ours": merged["estimate_ours"].round(3),
            "published_se": merged["std_error_published"],
            "ours_se": merged["std_error_ours"].round(3),
            "difference": merged["estimate_ours"] - merged["estimate_published"],
            "source": merged["source"],
        }
    )


def _solve_fixed_effects(
    costs: np.ndarray, output: np.ndarray, expenditure: np.ndarray
) -> np.ndarray:
    """Scale trade-cost terms so that rows add up to output and columns to expenditure.

    Given ``exp(x'β)`` for every pair (``costs``, shape draws × n × n), this finds the
    exporter and importer effects at which predicted flows add up to each country's
    actual output and expenditure — the PPML first-order conditions for the fixed
    effects — by iterative proportional fitting.
    """
    a = np.ones(costs.shape[:2])
    b = np.ones((costs.shape[0], costs.shape[2]))
    for _ in range(IPF_MAX_ITERATIONS):
        a = output / np.einsum("dij,dj->di", costs, b)
        b = expenditure / np.einsum("dij,di->dj", costs, a)
        rows = np.einsum("di,dij,dj->di", a, costs, b)
        if np.max(np.abs(rows / output - 1)) < IPF_TOLERANCE:
            return a[:, :, None] * costs * b[:, None, :]
    raise DataError(
        Problem("<potential>", None, "fixed effects",
                f"convergence within {IPF_MAX_ITERATIONS} iterations", "no convergence")
    )  # fmt: skip


def potential(
    panel: pd.DataFrame, *, n_draws: int = 200, seed: int = 20161, level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimate every pair's predicted ("potential") trade and the actual/predicted ratio.

    The model is PPML on all flows of the panel, intra-national ones included, with
    exporter-year and importer-year fixed effects, log distance, contiguity, common
    language, colonial ties, a regional-trade-agreement dummy and one international-
    border dummy per year; standard errors clustered by pair. Predicted trade is what the
    model expects for a pair given both countries' size and remoteness in that year and
    the pair's trade costs. The interval of the ratio comes from ``n_draws`` draws of the
    trade-cost coefficients from their estimated (clustered) distribution; for each draw
    the fixed effects are solved again so that predicted flows still add up to each
    country's output and expenditure. It reflects the uncertainty of the coefficients,
    not the year-to-year noise of a single flow.

    Parameters
    ----------
    panel
        The ``gravity_panel`` table.
    n_draws
        Number of coefficient draws for the interval.
    seed
        Seed of the random draws (the same seed gives the same interval).
    level
        Coverage of the interval.

    Returns
    -------
    pairs : pandas.DataFrame
        One row per exporter × importer × year (international flows): ``trade_usd_mn``,
        ``predicted_usd_mn``, ``ratio`` (actual / predicted), ``ratio_low``,
        ``ratio_high``, ``source_id``.
    coefficients : pandas.DataFrame
        The model's table, as from :func:`ppml` (diagnostics in ``attrs``).
    """
    df = prepare(panel).reset_index(drop=True)
    borders = sorted(c for c in df.columns if c.startswith("border_"))
    x = POTENTIAL_TERMS + borders
    table, fitted, model = _fit(
        "ppml", df, y="trade_usd_mn", x=x, fe=["exporter_year", "importer_year"], cluster="pair"
    )
    diag = table.attrs["diagnostics"]
    if diag["n_obs"] != len(df):
        raise DataError(
            Problem("<potential>", None, "trade_usd_mn", "every flow used in the fit",
                    f"{len(df) - diag['n_obs']} left out (see the diagnostics)")
        )  # fmt: skip
    beta = table.set_index("term").loc[x, "estimate"].to_numpy()
    model_vcov = np.asarray(model._vcov)
    rng = np.random.default_rng(seed)
    draws = np.vstack([beta, rng.multivariate_normal(beta, model_vcov, size=n_draws)])
    countries = sorted(df["exporter_iso3"].unique())
    n = len(countries)
    parts = []
    for year, grp in df.groupby("year", sort=True):
        grp = grp.sort_values(["exporter_iso3", "importer_iso3"])
        if len(grp) != n * n:
            raise DataError(
                Problem("<potential>", None, "year", f"{n}×{n} flows in {year}", f"{len(grp)}")
            )
        index = grp[x].to_numpy() @ draws.T  # flows × draws
        costs = np.exp(index - index.max(axis=0)).T.reshape(-1, n, n)
        actual = grp["trade_usd_mn"].to_numpy().reshape(n, n)
        predicted = _solve_fixed_effects(
            costs, np.broadcast_to(actual.sum(axis=1), costs.shape[:2]),
            np.broadcast_to(actual.sum(axis=0), costs.shape[:2]),
        ).reshape(len(draws), -1)  # fmt: skip
        ratios = grp["trade_usd_mn"].to_numpy() / predicted[1:]
        tail = (1 - level) / 2
        parts.append(
            grp[["exporter_iso3", "importer_iso3", "year", "trade_usd_mn", "source_id"]].assign(
                predicted_usd_mn=predicted[0],
                fitted_pyfixest=fitted.loc[grp.index].to_numpy(),
                ratio=grp["trade_usd_mn"].to_numpy() / predicted[0],
                ratio_low=np.quantile(ratios, tail, axis=0),
                ratio_high=np.quantile(ratios, 1 - tail, axis=0),
            )
        )
    out = pd.concat(parts, ignore_index=True)
    # At the point estimate the rescaling must give pyfixest's own fitted values, up to
    # pyfixest's stopping rule (its deviance tolerance leaves the smallest economies'
    # effects off by about 0.02%).
    gap = np.max(np.abs(out["predicted_usd_mn"] / out["fitted_pyfixest"] - 1))
    if not gap < FITTED_TOLERANCE:
        raise DataError(
            Problem("<potential>", None, "predicted_usd_mn", "pyfixest's fitted values",
                    f"a relative gap of {gap:.2e}")
        )  # fmt: skip
    out = out[out["exporter_iso3"] != out["importer_iso3"]].drop(columns="fitted_pyfixest")
    cols = ["exporter_iso3", "importer_iso3", "year", "trade_usd_mn", "predicted_usd_mn",
            "ratio", "ratio_low", "ratio_high", "source_id"]  # fmt: skip
    return out[cols].reset_index(drop=True), table


def focus_pairs(
    pairs: pd.DataFrame, country: str, partners: Sequence[str], *, year: int | None = None
) -> pd.DataFrame:
    """Select a country's flows to and from given partners, in both directions.

    Parameters
    ----------
    pairs
        The pairs table of :func:`potential`.
    country
        The country code.
    partners
        Partner codes, in the order wanted.
    year
        Keep only this year (all years if ``None``).

    Returns
    -------
    pandas.DataFrame
        For each partner in turn, the country's exports to it then its imports from it,
        years in order.
    """
    rows = pairs if year is None else pairs[pairs["year"] == year]
    parts = []
    for partner in partners:
        for exp, imp in ((country, partner), (partner, country)):
            part = rows[(rows["exporter_iso3"] == exp) & (rows["importer_iso3"] == imp)]
            if part.empty:
                raise DataError(
                    Problem("<focus_pairs>", None, "exporter_iso3", f"flows {exp} to {imp}",
                            "none")
                )  # fmt: skip
            parts.append(part.sort_values("year"))
    return pd.concat(parts, ignore_index=True)


def country_summary(pairs: pd.DataFrame, countries: Sequence[str], *, year: int) -> pd.DataFrame:
    """Summarise actual / predicted trade over all of each country's flows in a year.

    Parameters
    ----------
    pairs
        The pairs table of :func:`potential`.
    countries
        Country codes.
    year
        The year.

    Returns
    -------
    pandas.DataFrame
        One row per country: ``n_flows`` (exports and imports, every partner),
        ``median_ratio``, ``share_below`` (share of flows under their prediction) and
        ``overall_ratio`` (sum of actual over sum of predicted flows).
    """
    rows = pairs[pairs["year"] == year]
    out = []
    for c in countries:
        sub = rows[(rows["exporter_iso3"] == c) | (rows["importer_iso3"] == c)]
        out.append(
            {
                "country_iso3": c,
                "year": year,
                "n_flows": len(sub),
                "median_ratio": sub["ratio"].median(),
                "share_below": (sub["ratio"] < 1).mean(),
                "overall_ratio": sub["trade_usd_mn"].sum() / sub["predicted_usd_mn"].sum(),
            }
        )
    return pd.DataFrame(out)


def largest_partners(panel: pd.DataFrame, country: str, *, year: int, n: int = 5,
                     exclude: Sequence[str] = ()) -> list[str]:  # fmt: skip
    """List a country's largest partners by two-way trade in a year.

    Parameters
    ----------
    panel
        The ``gravity_panel`` table.
    country
        The country code.
    year
        The year ranked.
    n
        How many partners.
    exclude
        Partners to leave out of the ranking (for example the pair studied).

    Returns
    -------
    list of str
        Partner codes, largest first (ties broken by code).
    """
    rows = panel[(panel["year"] == year) & (panel["exporter_iso3"] != panel["importer_iso3"])]
    out = rows[rows["exporter_iso3"] == country].set_index("importer_iso3")["trade_usd_mn"]
    inn = rows[rows["importer_iso3"] == country].set_index("exporter_iso3")["trade_usd_mn"]
    total = out.add(inn, fill_value=0).drop(list(exclude), errors="ignore")
    if total.empty:
        raise DataError(
            Problem("<largest_partners>", None, "exporter_iso3", f"flows of {country} in {year}",
                    "none")
        )  # fmt: skip
    ranked = total.reset_index().set_axis(["partner", "total"], axis=1)
    ranked = ranked.sort_values(["total", "partner"], ascending=[False, True])
    return ranked["partner"].head(n).tolist()
