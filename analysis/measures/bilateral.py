"""Any pair's trade from both reporters: totals, the mirror gap, world totals and ranks.

Every function takes the ``dots_trade`` table (or rows of the same shape: one row per
reporter × partner × year × flow, as the reporter records it) and country codes, so the
same calls serve any pair. A pair's trade can be read from either side: what ``a``
reports of its exports to ``b`` (FOB) and what ``b`` reports of its imports from ``a``
(CIF) measure the same goods, and their difference is the *mirror gap*.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import DataError, Problem, require_columns
from analysis.measures import indicators
from analysis.measures.indicators import WORLD

__all__ = [
    "ECONOMY_KINDS",
    "both_reporters",
    "mirror_gaps",
    "mirror_partner_ranking",
    "pair_totals",
    "partner_ranking",
    "partner_rank_series",
    "unallocated_share",
    "world_trade",
]

COLUMNS = ["reporter_iso3", "partner_iso3", "year", "flow", "value_usd", "source_id"]
ECONOMY_KINDS = ("economy", "former_economy")


def _pair_rows(dots: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    require_columns(dots, COLUMNS, "<dots_trade input>")
    rows = dots[(dots["reporter_iso3"] == reporter) & (dots["partner_iso3"] == partner)]
    return rows


def pair_totals(dots: pd.DataFrame, a: str, b: str, *, reporter: str) -> pd.DataFrame:
    """Give ``a``'s exports to, imports from and total trade with ``b``, as one side reports.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    a, b
        The pair, seen from ``a``: exports are ``a`` → ``b``.
    reporter
        Whose statistics: ``a`` (its own exports FOB and imports CIF) or ``b`` (``b``'s
        imports CIF from ``a`` stand for ``a``'s exports, ``b``'s exports FOB to ``a`` for
        ``a``'s imports: the mirror view).

    Returns
    -------
    pandas.DataFrame
        One row per year where both flows exist: ``year``, ``exports_usd``,
        ``imports_usd``, ``total_usd``, ``balance_usd``, ``is_estimate`` (either flow is
        an IMF estimate), ``reporter_iso3``, ``source_id``; ``attrs["years_with_one_flow"]``
        lists the years left out because the reporter gives one flow only.

    Raises
    ------
    DataError
        If the rows repeat a year and flow (they would be added up silently otherwise).

    Examples
    --------
    >>> dots = pd.DataFrame({"reporter_iso3": ["USA", "USA"], "partner_iso3": ["KOR", "KOR"],
    ...     "year": [2020, 2020], "flow": ["import", "export"], "value_usd": [4, 9],
    ...     "is_estimate": [False, False], "source_id": ["s", "s"]})
    >>> usa = pair_totals(dots, "KOR", "USA", reporter="USA")
    >>> usa[["exports_usd", "imports_usd"]].iloc[0].tolist()
    [4, 9]
    """
    if reporter not in (a, b):
        raise DataError(Problem("<pair_totals>", None, "reporter", f"{a} or {b}", reporter))
    other = b if reporter == a else a
    rows = _pair_rows(dots, reporter, other)
    repeated = rows.duplicated(["year", "flow"], keep="first")
    if repeated.any():
        first = rows[repeated].iloc[0]
        raise DataError(Problem("<dots_trade input>", None, "reporter_iso3, partner_iso3, "
                                "year, flow", "one row per year and flow",
                                f"{int(repeated.sum())} repeated, first {reporter}→{other} "
                                f"{first['year']} {first['flow']}"))  # fmt: skip
    # From a's side: its exports are the reporter's exports if a reports, else its imports.
    exports_flow = "export" if reporter == a else "import"
    wide = rows.pivot(index="year", columns="flow", values="value_usd")
    est = rows.assign(e=rows.get("is_estimate", False)).groupby("year")["e"].any()
    complete = wide.dropna() if {"export", "import"} <= set(wide.columns) else wide.iloc[0:0]
    one_flow = sorted(set(wide.index) - set(complete.index))
    wide = complete
    imports_flow = "import" if exports_flow == "export" else "export"
    out = pd.DataFrame(
        {
            "year": wide.index.astype("int64"),
            "exports_usd": wide.get(exports_flow, pd.Series(dtype="float64")).to_numpy(),
            "imports_usd": wide.get(imports_flow, pd.Series(dtype="float64")).to_numpy(),
        }
    )
    out["total_usd"] = out["exports_usd"] + out["imports_usd"]
    out["balance_usd"] = out["exports_usd"] - out["imports_usd"]
    out["is_estimate"] = out["year"].map(est).fillna(False).astype(bool).to_numpy()
    out["reporter_iso3"] = reporter
    sources = rows.groupby("year")["source_id"].agg(lambda s: ";".join(dict.fromkeys(s)))
    out["source_id"] = out["year"].map(sources).to_numpy()
    out = out.reset_index(drop=True)
    # Years where the reporter gives only one flow have no total: counted, not hidden.
    out.attrs["years_with_one_flow"] = [int(y) for y in one_flow]
    return out


def both_reporters(dots: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Stack a pair's yearly totals as ``a`` reports them and as ``b`` reports them.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    a, b
        The pair, seen from ``a``.

    Returns
    -------
    pandas.DataFrame
        :func:`pair_totals` for each reporter, ``a`` first.
    """
    return pd.concat(
        [pair_totals(dots, a, b, reporter=a), pair_totals(dots, a, b, reporter=b)],
        ignore_index=True,
    )


def unallocated_share(dots: pd.DataFrame, reporter: str) -> pd.DataFrame:
    """Give the share of a reporter's trade it assigns to no partner economy, by flow and year.

    Parameters
    ----------
    dots
        The ``dots_trade`` table (with ``partner_kind``).
    reporter
        The reporter.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``flow``, ``unallocated_usd``, ``world_usd``, ``share_pct``.
    """
    require_columns(dots, [*COLUMNS, "partner_kind"], "<dots_trade input>")
    rows = dots[dots["reporter_iso3"] == reporter]
    world = rows[rows["partner_iso3"] == WORLD].groupby(["year", "flow"])["value_usd"].sum()
    un = rows[rows["partner_kind"] == "unallocated"].groupby(["year", "flow"])["value_usd"].sum()
    out = pd.DataFrame({"world_usd": world}).join(un.rename("unallocated_usd"), how="left")
    out["unallocated_usd"] = out["unallocated_usd"].fillna(0)
    out["share_pct"] = 100 * out["unallocated_usd"] / out["world_usd"].where(out["world_usd"] > 0)
    return out.reset_index()[["year", "flow", "unallocated_usd", "world_usd", "share_pct"]]


def mirror_gaps(dots: pd.DataFrame, a: str, b: str, *, cif_fob_factor: float) -> pd.DataFrame:
    """Set each direction's exporter-reported FOB figure beside the importer's CIF figure.

    The gap is the importer's figure over the exporter's, minus one. Part of it is the
    freight and insurance that CIF includes: ``cif_fob_factor - 1`` (the IMF uses 1.06,
    see ``data/mirror_gap_causes.csv``). What remains comes from timing, re-exports
    counted by origin, withheld (confidential) trade, estimates and errors; the share of
    each side's trade it assigns to no partner sizes the confidential part.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    a, b
        The pair; both directions are returned.
    cif_fob_factor
        The CIF/FOB ratio expected from freight and insurance alone.

    Returns
    -------
    pandas.DataFrame
        One row per direction and year where both sides report: ``exporter_iso3``,
        ``importer_iso3``, ``year``, ``exporter_fob_usd``, ``importer_cif_usd``,
        ``gap_usd``, ``gap_pct``, ``beyond_cif_fob_pct`` (the gap left after the CIF/FOB
        margin), ``exporter_unallocated_pct``, ``importer_unallocated_pct`` (shares of
        the exporter's exports and the importer's imports with no partner),
        ``is_estimate``, ``source_id``.

    Examples
    --------
    >>> dots = pd.DataFrame({"reporter_iso3": ["KOR", "USA"], "partner_iso3": ["USA", "KOR"],
    ...     "year": [2020, 2020], "flow": ["export", "import"], "value_usd": [100, 112],
    ...     "is_estimate": [False, False], "partner_kind": ["economy", "economy"],
    ...     "source_id": ["s", "s"]})
    >>> gap = mirror_gaps(dots, "KOR", "USA", cif_fob_factor=1.06).iloc[0]
    >>> round(float(gap["gap_pct"]), 1), round(float(gap["beyond_cif_fob_pct"]), 1)
    (12.0, 5.7)
    """
    parts = []
    for exp, imp in ((a, b), (b, a)):
        fob = _pair_rows(dots, exp, imp)
        fob = fob[fob["flow"] == "export"].set_index("year")
        cif = _pair_rows(dots, imp, exp)
        cif = cif[cif["flow"] == "import"].set_index("year")
        years = fob.index.intersection(cif.index).sort_values()
        if years.empty:
            continue
        f = fob.loc[years, "value_usd"].astype("float64")
        c = cif.loc[years, "value_usd"].astype("float64")
        part = pd.DataFrame(
            {
                "exporter_iso3": exp,
                "importer_iso3": imp,
                "year": years.astype("int64"),
                "exporter_fob_usd": f.to_numpy(),
                "importer_cif_usd": c.to_numpy(),
            }
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            part["gap_usd"] = part["importer_cif_usd"] - part["exporter_fob_usd"]
            ratio = part["importer_cif_usd"] / part["exporter_fob_usd"].where(f.to_numpy() > 0)
            part["gap_pct"] = 100 * (ratio - 1)
            part["beyond_cif_fob_pct"] = 100 * (ratio / cif_fob_factor - 1)
        if "partner_kind" in dots.columns:
            un_exp = unallocated_share(dots, exp).query("flow == 'export'").set_index("year")
            un_imp = unallocated_share(dots, imp).query("flow == 'import'").set_index("year")
            part["exporter_unallocated_pct"] = part["year"].map(un_exp["share_pct"])
            part["importer_unallocated_pct"] = part["year"].map(un_imp["share_pct"])
        est_f = fob.loc[years].get("is_estimate", pd.Series(False, index=years))
        est_c = cif.loc[years].get("is_estimate", pd.Series(False, index=years))
        part["is_estimate"] = (est_f.to_numpy() | est_c.to_numpy()).astype(bool)
        part["source_id"] = (
            (fob.loc[years, "source_id"] + ";" + cif.loc[years, "source_id"])
            .map(lambda s: ";".join(dict.fromkeys(s.split(";"))))
            .to_numpy()
        )
        parts.append(part)
    if not parts:
        raise DataError(
            Problem(
                "<mirror_gaps>",
                None,
                "year",
                f"a year where both {a} and {b} report their trade",
                "none",
            )
        )
    return pd.concat(parts, ignore_index=True)


def world_trade(dots: pd.DataFrame, reporter: str) -> pd.DataFrame:
    """Give a reporter's exports to and imports from the world, by year.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter
        The reporter.

    Returns
    -------
    pandas.DataFrame
        :func:`pair_totals` of the reporter with the World (``WLD``).
    """
    return pair_totals(dots, reporter, WORLD, reporter=reporter)


def partner_ranking(dots: pd.DataFrame, reporter: str, year: int) -> pd.DataFrame:
    """Rank a reporter's partner economies by total trade (exports + imports) in a year.

    The panel's rows go to :func:`analysis.measures.indicators.partner_ranking`, the one
    ranking of the package: only economies and former economies are ranked (aggregates and
    unallocated areas are not partners), and shares are of the reporter's trade with the
    World.

    Parameters
    ----------
    dots
        The ``dots_trade`` table (with ``partner_kind``).
    reporter
        The reporter.
    year
        The year.

    Returns
    -------
    pandas.DataFrame
        ``partner_iso3``, ``total_usd``, ``share_pct``, ``rank`` (1 = largest; ties share
        the lower rank), ``year``, largest first.
    """
    require_columns(dots, [*COLUMNS, "partner_kind"], "<dots_trade input>")
    rows = dots[(dots["reporter_iso3"] == reporter) & (dots["year"] == year)]
    if rows.empty:
        raise DataError(
            Problem("<partner_ranking>", None, "year", f"{reporter}'s figures for {year}", "none")
        )
    kept = rows[rows["partner_kind"].isin(ECONOMY_KINDS) | (rows["partner_iso3"] == WORLD)]
    ranked = indicators.partner_ranking(kept[["partner_iso3", "flow", "value_usd"]])
    ranked = ranked.assign(share_pct=100 * ranked["share_of_total"], year=year)
    return ranked[["partner_iso3", "total_usd", "share_pct", "rank", "year"]]


def partner_rank_series(dots: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    """Give a partner's rank and share among a reporter's partners, year by year.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``rank``, ``share_pct``, ``total_usd``, ``n_partners``.
    """
    require_columns(dots, [*COLUMNS, "partner_kind"], "<dots_trade input>")
    rows = dots[(dots["reporter_iso3"] == reporter)]
    econ = rows[rows["partner_kind"].isin(ECONOMY_KINDS)]
    total = econ.groupby(["year", "partner_iso3"])["value_usd"].sum().reset_index()
    total = total.sort_values(["year", "value_usd", "partner_iso3"], ascending=[True, False, True])
    total["rank"] = total.groupby("year").cumcount() + 1
    world = rows[rows["partner_iso3"] == WORLD].groupby("year")["value_usd"].sum()
    mine = total[total["partner_iso3"] == partner].set_index("year")
    out = pd.DataFrame(
        {
            "year": mine.index.astype("int64"),
            "rank": mine["rank"].to_numpy(),
            "total_usd": mine["value_usd"].to_numpy(),
            "share_pct": 100 * mine["value_usd"].to_numpy() / mine.index.map(world).to_numpy(),
            "n_partners": mine.index.map(total.groupby("year").size()).to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def mirror_partner_ranking(dots: pd.DataFrame, country: str, year: int) -> pd.DataFrame:
    """Rank a country's partners by what each partner reports of its trade with it.

    The mirror of :func:`partner_ranking`: each partner economy's own exports to and
    imports from ``country`` in ``year``.

    Parameters
    ----------
    dots
        The ``dots_trade`` table (with ``reporter_kind``).
    country
        The country whose partners are ranked.
    year
        The year.

    Returns
    -------
    pandas.DataFrame
        ``partner_iso3`` (the reporting partner), ``total_usd``, ``rank``, ``year``,
        largest first (ties by code).
    """
    require_columns(dots, [*COLUMNS, "reporter_kind"], "<dots_trade input>")
    rows = dots[
        (dots["partner_iso3"] == country)
        & (dots["year"] == year)
        & dots["reporter_kind"].isin(ECONOMY_KINDS)
        & (dots["reporter_iso3"] != country)
    ]
    if rows.empty:
        raise DataError(Problem("<mirror_partner_ranking>", None, "year",
                                f"partners' figures for {country} in {year}", "none"))  # fmt: skip
    total = rows.groupby("reporter_iso3")["value_usd"].sum().reset_index()
    total.columns = ["partner_iso3", "total_usd"]
    total = total.sort_values(["total_usd", "partner_iso3"], ascending=[False, True])
    total["rank"] = np.arange(1, len(total) + 1)
    total["year"] = year
    return total.reset_index(drop=True)
