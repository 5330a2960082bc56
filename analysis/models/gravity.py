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

from analysis import memo
from analysis.errors import DataError, Problem, require_columns

__all__ = [
    "AGTPA_TO_ISO3",
    "DOTS_MIN_PARTNERS",
    "DOTS_RTA",
    "DOTS_YEARS",
    "POTENTIAL_TERMS",
    "published",
    "TABLE1_YEARS",
    "compare_with_agtpa",
    "compare_with_published",
    "country_summary",
    "dots_panel",
    "focus_pairs",
    "largest_partners",
    "ols",
    "potential",
    "potential_international",
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
# The DOTS model: every fourth year from 1988 to 2020 (see dots_panel for the runtime).
DOTS_YEARS = tuple(range(1988, 2021, 4))
# An economy enters the DOTS panel if it exports to and imports from at least this many
# others in every year (this leaves out Aruba, Bhutan and Tuvalu, observed with 4-5).
DOTS_MIN_PARTNERS = 10
# Free-trade agreements, customs unions and economic-integration agreements; partial-scope
# agreements (GSTP, APTA, …: preferences on a short list of goods) are not counted.
DOTS_RTA = "rta_excl_psa"
DOTS_SOURCES = "imf_dots_all;cepii_geodist;wto_rta"
# The Advanced Guide panel's codes that are not current ISO codes.
AGTPA_TO_ISO3 = {"ROM": "ROU"}
AGTPA_NOTE = (
    "The Advanced Guide's data are manufacturing trade (domestic sales included, though "
    "not used here); DOTS is total merchandise trade (agriculture, fuels and minerals "
    "included), importer-reported, so the coefficients need not coincide."
)
# pyfixest's default convergence tolerance of the PPML iterations; the potential models
# use a tighter one, at which the fitted flows of the smallest exporters (Kiribati in the
# DOTS panel) are within 1e-6 of their converged values instead of 2e-3, so that they can
# be checked against the fixed effects re-solved by iterative proportional fitting.
PPML_TOLERANCE = 1e-8
POTENTIAL_PPML_TOLERANCE = 1e-10
IPF_TOLERANCE = 1e-10
IPF_MAX_ITERATIONS = 5000
FITTED_TOLERANCE = 1e-3


def published(study: str) -> pd.DataFrame:
    """Return published gravity estimates (the ``published_gravity_estimates`` register).

    Parameters
    ----------
    study
        ``"agtpa_table1"`` (Table 1 of the Advanced Guide: models ``ols``,
        ``ols_remoteness``, ``ols_fe``, ``ppml_fe``) or ``"gegravity_example"`` (the
        gegravity example's PPML estimates, constant left out).

    Returns
    -------
    pandas.DataFrame
        ``model``, ``term``, ``estimate``, ``std_error``, ``source``.

    Examples
    --------
    >>> published("gegravity_example").set_index("term").loc["pta", "estimate"]
    np.float64(0.4711383)
    """
    from analysis import data

    table = data.load("published_gravity_estimates")
    rows = table[table["study"] == study]
    return rows[["model", "term", "estimate", "std_error", "source"]].reset_index(drop=True)


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
    iwls_tol: float = PPML_TOLERANCE,
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
            model = pf.fepois(formula, data, vcov=vcov, ssc=_PPML_SSC, separation_check=["fe"],
                              iwls_tol=iwls_tol)  # fmt: skip
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
    if n_obs == len(data):  # every row used: the in-sample predictions, in row order
        fitted_used = model.predict(type="response")
    else:
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
        :func:`published` (``agtpa_table1`` or ``gegravity_example``).

    Returns
    -------
    pandas.DataFrame
        One row per published coefficient: ``published``, ``ours`` (rounded to 3
        decimals, as published), their standard errors, ``difference`` (unrounded ours
        minus published) and ``source``. A published term we did not estimate stops with
        a :class:`DataError`.
    """
    keys = [k for k in ("model", "term") if k in published.columns and k in ours.columns]
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

    Given ``exp(x'β)`` for every pair (``costs``, shape draws × n × n; a zero where a pair
    has no flow in the model, such as the diagonal when there is no domestic trade), this
    finds the exporter and importer effects at which predicted flows add up to each
    country's actual output and expenditure — the PPML first-order conditions for the
    fixed effects — by iterative proportional fitting.
    """
    # Rows add up exactly after each update of ``a``; the rows of the previous ``a`` missed
    # their targets by the factor a_old / a_new, which is the convergence test.
    a = output / costs.sum(axis=2)
    for _ in range(IPF_MAX_ITERATIONS):
        b = expenditure / np.matmul(a[:, None, :], costs)[:, 0, :]
        a_new = output / np.matmul(costs, b[:, :, None])[:, :, 0]
        converged = np.max(np.abs(a / a_new - 1)) < IPF_TOLERANCE
        a = a_new
        if converged:
            return a[:, :, None] * costs * b[:, None, :]
    raise DataError(
        Problem("<potential>", None, "fixed effects",
                f"convergence within {IPF_MAX_ITERATIONS} iterations", "no convergence")
    )  # fmt: skip


def _predict_with_draws(
    df: pd.DataFrame, x: Sequence[str], *, n_draws: int, seed: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit PPML and give every row its prediction and a ratio interval from coefficient draws.

    ``df`` is prepared (:func:`prepare`); each year must hold every ordered pair of its
    countries once, with or without the pairs of a country with itself. A pair that is
    not in the data (the diagonal of an international panel) gets no cost term, so the
    re-solved fixed effects make no self-trade.
    """
    table, fitted, model = _fit(
        "ppml", df, y="trade_usd_mn", x=x, fe=["exporter_year", "importer_year"], cluster="pair",
        iwls_tol=POTENTIAL_PPML_TOLERANCE,
    )  # fmt: skip
    diag = table.attrs["diagnostics"]
    if diag["n_obs"] != len(df):
        raise DataError(
            Problem("<potential>", None, "trade_usd_mn", "every flow used in the fit",
                    f"{len(df) - diag['n_obs']} left out (see the diagnostics)")
        )  # fmt: skip
    beta = table.set_index("term").loc[list(x), "estimate"].to_numpy()
    model_vcov = np.asarray(model._vcov)
    rng = np.random.default_rng(seed)
    draws = np.vstack([beta, rng.multivariate_normal(beta, model_vcov, size=n_draws)])
    tail = (1 - level) / 2
    # Country codes as integers, in code order, once for all years.
    exp_code, codes = pd.factorize(df["exporter_iso3"], sort=True)
    imp_code = codes.get_indexer(df["importer_iso3"])
    if (imp_code < 0).any():
        row = df[imp_code < 0].iloc[0]
        raise DataError(
            Problem("<potential>", None, "importer_iso3", "an importer that also exports",
                    f"{row.importer_iso3} in {row.year}")
        )  # fmt: skip
    parts = []
    for year, rows in df.groupby("year", sort=True).indices.items():
        grp = df.iloc[rows]
        present = np.union1d(exp_code[rows], imp_code[rows])
        n = len(present)
        i = np.searchsorted(present, exp_code[rows])
        j = np.searchsorted(present, imp_code[rows])
        flat = i * n + j
        domestic = int((i == j).sum())
        expected = n * n if domestic else n * (n - 1)
        if len(np.unique(flat)) != len(grp) or len(grp) != expected or domestic not in (0, n):
            raise DataError(
                Problem("<potential>", None, "year",
                        f"every ordered pair of {n} countries once in {year} ({expected} flows)",
                        f"{len(grp)} flows, {domestic} of them domestic")
            )  # fmt: skip
        index = draws @ grp[list(x)].to_numpy().T  # draws × flows
        index -= index.max(axis=1, keepdims=True)
        costs = np.zeros((len(draws), n * n))
        costs[:, flat] = np.exp(index)
        actual = np.zeros(n * n)
        trade = grp["trade_usd_mn"].to_numpy()
        actual[flat] = trade
        actual = actual.reshape(n, n)
        predicted = _solve_fixed_effects(
            costs.reshape(-1, n, n), np.broadcast_to(actual.sum(axis=1), (len(draws), n)),
            np.broadcast_to(actual.sum(axis=0), (len(draws), n)),
        ).reshape(len(draws), -1)[:, flat]  # fmt: skip
        ratios = np.ascontiguousarray((trade / predicted[1:]).T)  # flows × draws
        low, high = np.quantile(ratios, [tail, 1 - tail], axis=1)
        parts.append(
            grp.assign(
                predicted_usd_mn=predicted[0],
                fitted_pyfixest=fitted.iloc[rows].to_numpy(),
                ratio=trade / predicted[0],
                ratio_low=low,
                ratio_high=high,
            )
        )
    out = pd.concat(parts, ignore_index=True)
    # At the point estimate the rescaling must give pyfixest's own fitted values, up to
    # pyfixest's stopping rule (at POTENTIAL_PPML_TOLERANCE the largest gaps are about
    # 2e-5 on the Advanced Guide panel and 1e-6 on the DOTS panel).
    gap = np.max(np.abs(out["predicted_usd_mn"] / out["fitted_pyfixest"] - 1))
    if not gap < FITTED_TOLERANCE:
        raise DataError(
            Problem("<potential>", None, "predicted_usd_mn", "pyfixest's fitted values",
                    f"a relative gap of {gap:.2e}")
        )  # fmt: skip
    return out.drop(columns="fitted_pyfixest"), table


_PAIR_COLUMNS = ["exporter_iso3", "importer_iso3", "year", "trade_usd_mn", "predicted_usd_mn",
                 "ratio", "ratio_low", "ratio_high"]  # fmt: skip


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
    # The potential notebook and the claims ledger fit this model to the same panel.
    return memo.memoised(
        "potential",
        [panel],
        {"n_draws": n_draws, "seed": seed, "level": level},
        lambda: _potential(panel, n_draws=n_draws, seed=seed, level=level),
    )


def _potential(
    panel: pd.DataFrame, *, n_draws: int, seed: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit the model of :func:`potential`."""
    df = prepare(panel).reset_index(drop=True)
    borders = sorted(c for c in df.columns if c.startswith("border_"))
    out, table = _predict_with_draws(
        df, POTENTIAL_TERMS + borders, n_draws=n_draws, seed=seed, level=level
    )
    out = out[out["exporter_iso3"] != out["importer_iso3"]]
    return out[[*_PAIR_COLUMNS, "source_id"]].reset_index(drop=True), table


def potential_international(
    panel: pd.DataFrame, *, n_draws: int = 200, seed: int = 20161, level: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimate predicted trade and the actual/predicted ratio from international flows only.

    The model of :func:`potential` without domestic sales, which DOTS does not have: PPML
    with exporter-year and importer-year fixed effects, log distance, contiguity, common
    language, colonial ties and a trade-agreement dummy, standard errors clustered by
    pair. Without intra-national flows there are no border dummies (a border is crossed
    by every flow), and the fixed effects stand for each economy's international sales
    and purchases rather than its output and spending. The interval comes from
    ``n_draws`` draws of the coefficients, re-solving the fixed effects for each draw so
    that predicted exports and imports add up to the actual ones, with no self-trade
    (zero diagonal). It reflects the coefficients' uncertainty only.

    Parameters
    ----------
    panel
        A panel of international flows with the columns of :func:`dots_panel`: every
        ordered pair of its economies once in each year, none with itself, and every
        economy with positive exports and imports each year (else its flows are
        perfectly predicted and the fit leaves them out, which is refused).
    n_draws
        Number of coefficient draws for the interval.
    seed
        Seed of the random draws.
    level
        Coverage of the interval.

    Returns
    -------
    pairs : pandas.DataFrame
        One row per exporter × importer × year: ``trade_usd_mn``, ``predicted_usd_mn``,
        ``ratio``, ``ratio_low``, ``ratio_high``, ``reporter_side`` and ``source_id``.
    coefficients : pandas.DataFrame
        The model's table, as from :func:`ppml` (diagnostics in ``attrs``).
    """
    _require(panel, [*POTENTIAL_TERMS[1:], "reporter_side", "source_id"], "potential_international")
    options = {"n_draws": n_draws, "seed": seed, "level": level}
    # Two notebooks of a report fit this model to the same panel: the first keeps the result.
    return memo.memoised(
        "potential_international",
        [panel],
        options,
        lambda: _potential_international(panel, n_draws=n_draws, seed=seed, level=level),
    )


def _potential_international(
    panel: pd.DataFrame, *, n_draws: int, seed: int, level: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit the model of :func:`potential_international` (its inputs already checked)."""
    df = prepare(panel).reset_index(drop=True)
    if (df["international"] == 0).any():
        row = df[df["international"] == 0].iloc[0]
        raise DataError(
            Problem("<potential_international input>", None, "importer_iso3",
                    "international flows only", f"{row.exporter_iso3} to itself in {row.year}")
        )  # fmt: skip
    out, table = _predict_with_draws(df, POTENTIAL_TERMS, n_draws=n_draws, seed=seed, level=level)
    cols = [*_PAIR_COLUMNS, "reporter_side", "source_id"]
    return out[cols].reset_index(drop=True), table


def _directed(dots: pd.DataFrame, flow: str) -> pd.DataFrame:
    """Turn one side's rows of ``dots_trade`` into exporter, importer, year, value."""
    rows = dots[dots["flow"] == flow]
    exporter, importer = (
        ("reporter_iso3", "partner_iso3") if flow == "export" else ("partner_iso3", "reporter_iso3")
    )
    return pd.DataFrame(
        {
            "exporter_iso3": rows[exporter].to_numpy(),
            "importer_iso3": rows[importer].to_numpy(),
            "year": rows["year"].to_numpy(),
            "value_usd": rows["value_usd"].to_numpy(dtype="float64"),
            "is_estimate": rows["is_estimate"].to_numpy(dtype=bool),
        }
    ).set_index(["exporter_iso3", "importer_iso3", "year"])


def _trading_economies(
    flows: pd.DataFrame, candidates: set[str], years: Sequence[int], min_partners: int
) -> list[str]:
    """Keep the candidates with enough export and import partners among them every year.

    Dropping an economy can take others below ``min_partners``, so the rule is applied
    until the set no longer shrinks.
    """
    positive = flows[flows["value_usd"] > 0].reset_index()
    keep = set(candidates)
    while True:
        sub = positive[positive["exporter_iso3"].isin(keep) & positive["importer_iso3"].isin(keep)]
        ok = keep
        for side, other in (("exporter_iso3", "importer_iso3"), ("importer_iso3", "exporter_iso3")):
            counts = sub.groupby([side, "year"])[other].nunique().unstack(fill_value=0)
            counts = counts.reindex(index=sorted(keep), columns=list(years), fill_value=0)
            ok = ok & set(counts.index[(counts >= min_partners).all(axis=1)])
        if ok == keep:
            return sorted(keep)
        keep = ok


def dots_panel(
    dots: pd.DataFrame,
    geodist: pd.DataFrame,
    rta: pd.DataFrame,
    *,
    years: Sequence[int] = DOTS_YEARS,
    countries: Sequence[str] | None = None,
    min_partners: int = DOTS_MIN_PARTNERS,
) -> pd.DataFrame:
    """Build a square exporter × importer × year panel of international flows from DOTS.

    **Which figure.** Each flow is the importer's record of its imports (CIF) where the
    importer reports that pair and year, and the exporter's record of its exports (FOB)
    only where the importer reports nothing: customs record imports more carefully than
    exports, because duties are levied on them, and gravity data sets built from
    mirror statistics (CEPII's BACI and Gravity, the USITC's) prefer the importer's
    figure for that reason. A reported zero counts as a report. The fallback figures are
    FOB, a few per cent below what a CIF figure would be; they are not adjusted. Where
    neither side reports the pair-year, the flow is zero. Column ``reporter_side`` says
    which figure was used (``importer``, ``exporter``, ``none``), ``is_estimate`` whether
    the IMF marks it as its estimate.

    **Which economies.** Only rows between two economies (``reporter_kind`` and
    ``partner_kind`` ``economy``) are used: aggregates, unallocated partners and former
    economies (the USSR, Belgium-Luxembourg to 1996, …) are left out. Unless
    ``countries`` is given, an economy enters if GeoDist has it and, by either side's
    records, it exports to and imports from at least ``min_partners`` of the other
    entrants in every one of ``years`` (applied until the set is stable). An economy
    need not report to DOTS itself (Taiwan and, in early years, South Africa do not);
    economies that did not exist in the first year (Russia, the Czech Republic, …) or
    report under another name (Belgium before 1997) are left out. If ``countries`` is
    given, those economies are used as they are, and any economy-year without exports or
    imports is listed in ``attrs["economy_years_without_trade"]``.

    **Trade costs.** Distance (GeoDist, population-weighted), contiguity, common official
    language and colonial link from ``geodist``; ``rta`` is :data:`DOTS_RTA`
    (``rta_excl_psa``) from ``rta``: free-trade agreements, customs unions and economic
    integration agreements, not partial-scope agreements, whose preferences cover a short
    list of goods and which would count, for instance, a pair linked only by APTA as an agreement
    (on the default panel ``rta_any`` gives a coefficient of 0.28 against 0.39: the
    shallow agreements dilute it).

    **Years.** :data:`DOTS_YEARS`, every fourth year 1988–2020. Measured on two shared
    cores, the potential model on this panel (165 economies, 9 years, 243,540 flows, 200
    draws) takes about 11 s and on every second year (17 years) 16–20 s, besides about
    2 s to build the panel; every fourth year keeps notebook 07 and the claims ledger
    quick. Every year from 1988 is in :func:`dots_panel`'s reach through ``years``.

    Parameters
    ----------
    dots
        The ``dots_trade`` table (or rows of it with its columns).
    geodist
        The ``geodist_pairs`` table.
    rta
        The ``rta_pairs`` table.
    years
        The years of the panel.
    countries
        The economies to use; chosen by the rule above if ``None``.
    min_partners
        The rule's minimum number of export and of import partners.

    Returns
    -------
    pandas.DataFrame
        One row per exporter × importer (different) × year: ``trade_usd_mn``,
        ``reporter_side``, ``is_estimate``, ``distance_km``, ``contiguity``,
        ``common_language``, ``colony``, ``rta`` and ``source_id``. ``attrs`` holds the
        counts: ``n_economies``, ``years``, ``n_rows``, ``importer_side``,
        ``exporter_side``, ``zeros_not_reported`` (neither side reports the pair-year),
        ``zeros_reported``, ``importer_zero_over_exporter_positive``, ``estimates``,
        ``economy_years_without_trade``, ``left_out`` (economies with GeoDist data and
        trade records that the rule did not keep) and ``rule``.

    Raises
    ------
    DataError
        If a column is missing, a key is repeated, a value is negative or a chosen
        economy has no GeoDist data.
    """
    _require(dots, ["reporter_iso3", "partner_iso3", "year", "flow", "value_usd", "is_estimate",
                    "reporter_kind", "partner_kind"], "dots_panel")  # fmt: skip
    _require(geodist, ["exporter_iso3", "importer_iso3", "distance_km", "contiguity",
                       "common_language", "colony"], "dots_panel geodist")  # fmt: skip
    _require(rta, ["iso3_a", "iso3_b", "year", DOTS_RTA], "dots_panel rta")
    years = sorted(int(y) for y in years)
    rows = dots[
        (dots["reporter_kind"] == "economy")
        & (dots["partner_kind"] == "economy")
        & dots["year"].isin(years)
        & (dots["reporter_iso3"] != dots["partner_iso3"])
    ]
    key = ["reporter_iso3", "partner_iso3", "year", "flow"]
    if rows.duplicated(key).any():
        row = rows[rows.duplicated(key)].iloc[0]
        raise DataError(
            Problem("<dots_panel input>", None, ",".join(key), "each key once",
                    f"{row.reporter_iso3}-{row.partner_iso3} {row.year} {row.flow} repeated")
        )  # fmt: skip
    if (rows["value_usd"] < 0).any():
        row = rows[rows["value_usd"] < 0].iloc[0]
        raise DataError(
            Problem("<dots_panel input>", None, "value_usd", "a value >= 0",
                    f"{row.value_usd} for {row.reporter_iso3}-{row.partner_iso3} {row.year}")
        )  # fmt: skip
    by_importer, by_exporter = _directed(rows, "import"), _directed(rows, "export")
    with_geo = set(geodist["exporter_iso3"].unique())
    if countries is None:
        either = by_importer.combine_first(by_exporter)
        listed = set(either.index.levels[0]) | set(either.index.levels[1])
        chosen = _trading_economies(either, listed & with_geo, years, min_partners)
        left_out = sorted((listed & with_geo) - set(chosen))
        rule = (
            f"economies with GeoDist data that export to and import from at least "
            f"{min_partners} of the others in every year, by either side's records"
        )
    else:
        chosen, left_out, rule = sorted(countries), [], "given"
        missing = sorted(set(chosen) - with_geo)
        if missing:
            raise DataError(
                Problem("<dots_panel geodist>", None, "exporter_iso3", "every chosen economy",
                        f"no GeoDist row for {', '.join(missing)}")
            )  # fmt: skip
    grid = pd.MultiIndex.from_product([chosen, chosen, years],
                                      names=["exporter_iso3", "importer_iso3", "year"])  # fmt: skip
    grid = grid[grid.get_level_values(0) != grid.get_level_values(1)]
    imp = by_importer.reindex(grid)
    exp = by_exporter.reindex(grid)
    use_imp = imp["value_usd"].notna().to_numpy()
    use_exp = ~use_imp & exp["value_usd"].notna().to_numpy()
    value = np.where(use_imp, imp["value_usd"], np.where(use_exp, exp["value_usd"], 0.0))
    out = grid.to_frame(index=False)
    out["trade_usd_mn"] = value / 1e6
    out["reporter_side"] = np.select([use_imp, use_exp], ["importer", "exporter"], "none")
    imp_flag = imp["is_estimate"].fillna(False).astype(bool).to_numpy()
    exp_flag = exp["is_estimate"].fillna(False).astype(bool).to_numpy()
    out["is_estimate"] = np.where(use_imp, imp_flag, use_exp & exp_flag)
    geo = geodist.set_index(["exporter_iso3", "importer_iso3"])[
        ["distance_km", "contiguity", "common_language", "colony"]
    ]
    out = out.join(geo, on=["exporter_iso3", "importer_iso3"])
    if out["distance_km"].isna().any():
        row = out[out["distance_km"].isna()].iloc[0]
        raise DataError(
            Problem("<dots_panel geodist>", None, "distance_km", "a row for every pair",
                    f"none for {row.exporter_iso3}-{row.importer_iso3}")
        )  # fmt: skip
    first = out["exporter_iso3"] < out["importer_iso3"]
    a = out["exporter_iso3"].where(first, out["importer_iso3"])
    b = out["importer_iso3"].where(first, out["exporter_iso3"])
    agreements = rta[rta["year"].isin(years)].set_index(["iso3_a", "iso3_b", "year"])[DOTS_RTA]
    out["rta"] = (
        agreements.reindex(pd.MultiIndex.from_arrays([a, b, out["year"]])).fillna(0)
        .astype("int64").to_numpy()
    )  # fmt: skip
    out["source_id"] = DOTS_SOURCES
    sums = [
        out.groupby([side, "year"])["trade_usd_mn"].sum().rename_axis(["iso3", "year"])
        for side in ("exporter_iso3", "importer_iso3")
    ]
    totals = pd.concat(sums, axis=1).min(axis=1)
    empty = [f"{c} {y}" for c, y in totals[totals <= 0].index]
    exp_value = exp["value_usd"].to_numpy()
    out.attrs = {
        "n_economies": len(chosen),
        "years": years,
        "n_rows": len(out),
        "importer_side": int(use_imp.sum()),
        "exporter_side": int(use_exp.sum()),
        "zeros_not_reported": int((~use_imp & ~use_exp).sum()),
        "zeros_reported": int(((use_imp | use_exp) & (value == 0)).sum()),
        "importer_zero_over_exporter_positive": int(
            (use_imp & (value == 0) & (exp_value > 0)).sum()
        ),
        "estimates": int(out["is_estimate"].sum()),
        "economy_years_without_trade": empty,
        "left_out": left_out,
        "rule": rule,
    }
    return out


def compare_with_agtpa(
    dots: pd.DataFrame, geodist: pd.DataFrame, rta: pd.DataFrame, agtpa: pd.DataFrame
) -> pd.DataFrame:
    """Estimate the Advanced Guide's PPML on DOTS and set it beside the published Table 1.

    The specification of Table 1's column 4 (``ppml_fe``): international flows of 1986,
    1990, …, 2006; PPML with exporter-year and importer-year fixed effects on log
    distance, contiguity, common language and colonial ties; clustered by pair. It is run
    on a :func:`dots_panel` of the Advanced Guide's 69 countries (``ROM`` read as
    ``ROU``) in those years. The flows of economy-years that DOTS does not cover —
    Belgium in 1986, 1990 and 1994, which DOTS reports only as Belgium-Luxembourg — are
    left out (a zero row would be perfectly predicted by its fixed effect) and counted
    in ``attrs["left_out_flows"]``.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    geodist
        The ``geodist_pairs`` table.
    rta
        The ``rta_pairs`` table (not a regressor here; :func:`dots_panel` needs it).
    agtpa
        The ``gravity_panel`` table, for its country list.

    Returns
    -------
    pandas.DataFrame
        One row per coefficient: ``term``, ``published``, ``ours`` (3 decimals),
        ``published_se``, ``ours_se``, ``difference`` (ours unrounded minus published) and
        ``note`` (manufacturing against total merchandise trade). ``attrs`` holds the
        fit's ``diagnostics`` and the panel's counts (``panel``).
    """
    countries = sorted({AGTPA_TO_ISO3.get(c, c) for c in agtpa["exporter_iso3"].unique()})
    panel = dots_panel(dots, geodist, rta, years=TABLE1_YEARS, countries=countries)
    absent = set(panel.attrs["economy_years_without_trade"])
    keep = ~(
        (panel["exporter_iso3"] + " " + panel["year"].astype(str)).isin(absent)
        | (panel["importer_iso3"] + " " + panel["year"].astype(str)).isin(absent)
    )
    df = prepare(panel[keep])
    table, _ = ppml(df, y="trade_usd_mn", x=GRAVITY_TERMS,
                    fe=["exporter_year", "importer_year"], cluster="pair")  # fmt: skip
    table1 = published("agtpa_table1")
    published_ppml = table1[table1["model"] == "ppml_fe"]
    out = compare_with_published(table.assign(model="ppml_fe"), published_ppml)
    out = out.drop(columns=["model", "source"]).assign(note=AGTPA_NOTE)
    out.attrs = {
        "diagnostics": table.attrs["diagnostics"],
        "panel": panel.attrs,
        "left_out_flows": int((~keep).sum()),
    }
    return out.reset_index(drop=True)


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
