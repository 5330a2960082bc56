"""What a country sells and buys: chapter and section tables for the composition notebook.

Input is a product table like ``india_trade_hs2`` (``partner_iso3``, ``period``, ``hs2``,
``flow``, ``value_usd``, ``source_id``). Blank chapter values are missing, not zero: they
are left out of sums, and every function that sums says how many it left out.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError, Problem

__all__ = [
    "chapter_balances",
    "chapter_table",
    "concentration",
    "named_groups",
    "section_comparison",
    "section_shares",
    "top_chapters",
]


def _select(hs2: pd.DataFrame, partner: str, period: str | None = None) -> pd.DataFrame:
    rows = hs2[hs2["partner_iso3"] == partner]
    if period is not None:
        rows = rows[rows["period"] == period]
    if rows.empty:
        raise DataError(
            Problem("<product table>", None, "partner_iso3, period",
                    "rows for the partner and period", f"none for {partner} {period}")
        )  # fmt: skip
    return rows


def chapter_table(
    hs2: pd.DataFrame, chapters: pd.DataFrame, *, partner: str, period: str
) -> pd.DataFrame:
    """Give each chapter's value, share of the flow and rank, with readable labels.

    Parameters
    ----------
    hs2
        The product table.
    chapters
        The ``hs_chapters`` table.
    partner, period
        The partner and the fiscal year.

    Returns
    -------
    pandas.DataFrame
        ``flow``, ``hs2``, ``label`` (for example ``"84 Machinery"``), ``hs_section``,
        ``section_label``, ``value_usd``, ``share`` (of the flow's total over the chapters
        with a value), ``rank`` (within the flow), ``source_id``; sorted by flow and rank.
    """
    rows = _select(hs2, partner, period).dropna(subset=["value_usd"])
    info = chapters.set_index("hs2")
    out = rows[["flow", "hs2", "value_usd", "source_id"]].assign(
        label=rows["hs2"] + " " + rows["hs2"].map(info["chapter_label"]),
        hs_section=rows["hs2"].map(info["hs_section"]),
        section_label=rows["hs2"].map(info["section_label"]),
        value_usd=rows["value_usd"].astype("float64"),
    )
    out["share"] = out["value_usd"] / out.groupby("flow")["value_usd"].transform("sum")
    out["rank"] = (
        out.groupby("flow")["value_usd"].rank(method="min", ascending=False).astype("int64")
    )
    cols = ["flow", "hs2", "label", "hs_section", "section_label", "value_usd", "share", "rank",
            "source_id"]  # fmt: skip
    return out.sort_values(["flow", "rank", "hs2"], kind="mergesort")[cols].reset_index(drop=True)


def top_chapters(table: pd.DataFrame, *, flow: str, n: int = 10) -> pd.DataFrame:
    """Keep the ``n`` largest chapters of one flow from :func:`chapter_table`.

    Parameters
    ----------
    table
        Output of :func:`chapter_table`.
    flow
        ``"export"`` or ``"import"``.
    n
        How many.

    Returns
    -------
    pandas.DataFrame
        The rows, largest first.
    """
    return table[table["flow"] == flow].head(n).reset_index(drop=True)


def section_shares(hs2: pd.DataFrame, chapters: pd.DataFrame, *, partner: str) -> pd.DataFrame:
    """Compute each HS section's share of each flow, year by year.

    Parameters
    ----------
    hs2
        The product table.
    chapters
        The ``hs_chapters`` table.
    partner
        The partner.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``flow``, ``hs_section``, ``section_label``, ``value_usd``, ``share``,
        ``source_id``.
    """
    rows = _select(hs2, partner).dropna(subset=["value_usd"])
    info = chapters.set_index("hs2")
    rows = rows.assign(hs_section=rows["hs2"].map(info["hs_section"]),
                       section_label=rows["hs2"].map(info["section_label"]))  # fmt: skip
    keys = ["period", "flow", "hs_section", "section_label", "source_id"]
    out = rows.groupby(keys, as_index=False)["value_usd"].sum()
    out["value_usd"] = out["value_usd"].astype("float64")
    out["share"] = out["value_usd"] / out.groupby(["period", "flow"])["value_usd"].transform("sum")
    return out


def chapter_balances(table: pd.DataFrame) -> pd.DataFrame:
    """Compute exports minus imports per chapter from :func:`chapter_table`.

    Parameters
    ----------
    table
        Output of :func:`chapter_table`.

    Returns
    -------
    pandas.DataFrame
        ``hs2``, ``label``, ``exports_usd``, ``imports_usd``, ``balance_usd`` (a chapter
        absent on one side counts as zero there: the source lists no trade), ``source_id``;
        sorted from the largest surplus to the largest deficit.
    """
    wide = table.pivot_table(index=["hs2", "label", "source_id"], columns="flow",
                             values="value_usd", aggfunc="sum", fill_value=0.0)  # fmt: skip
    wide = wide.reindex(columns=["export", "import"], fill_value=0.0).reset_index()
    out = pd.DataFrame(
        {
            "hs2": wide["hs2"],
            "label": wide["label"],
            "exports_usd": wide["export"],
            "imports_usd": wide["import"],
            "balance_usd": wide["export"] - wide["import"],
            "source_id": wide["source_id"],
        }
    )
    return out.sort_values("balance_usd", ascending=False, kind="mergesort").reset_index(drop=True)


def named_groups(table: pd.DataFrame, groups: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """Check the product groups a claim names against the largest chapters of the flow.

    Parameters
    ----------
    table
        Output of :func:`chapter_table` for one partner and year.
    groups
        The ``claim_product_groups`` table.
    top
        A chapter counts as "among the largest" when its rank is at most ``top``.

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``flow``, ``product_group``, ``chapters`` (HS codes), ``share``
        (the group's share of the flow), ``best_rank`` (rank of its largest chapter),
        ``in_top`` (whether that chapter is in the top ``top``), ``source_id``.
    """
    merged = groups.merge(table, on=["flow", "hs2"], how="left")
    grouped = merged.groupby(["claim_id", "flow", "product_group"], sort=False)
    out = pd.DataFrame(
        {
            "chapters": grouped["hs2"].agg(" ".join),
            "share": grouped["share"].sum(),
            "best_rank": grouped["rank"].min(),
        }
    ).reset_index()
    out["in_top"] = out["best_rank"] <= top
    out["source_id"] = ";".join(dict.fromkeys(table["source_id"]))
    return out.sort_values(
        ["flow", "share"], ascending=[True, False], kind="mergesort"
    ).reset_index(drop=True)


def section_comparison(
    hs2: pd.DataFrame, chapters: pd.DataFrame, *, partners: list[str], period: str, flow: str
) -> pd.DataFrame:
    """Set each HS section's share of one flow side by side for several partners.

    Parameters
    ----------
    hs2
        The product table.
    chapters
        The ``hs_chapters`` table.
    partners
        Partner codes, in column order (``WLD`` for the world).
    period
        The fiscal year.
    flow
        ``"export"`` or ``"import"``.

    Returns
    -------
    pandas.DataFrame
        ``hs_section``, ``section_label`` and one share column per partner
        (``share_JPN``…), sorted by the first partner's share.
    """
    parts = []
    for partner in partners:
        s = section_shares(hs2, chapters, partner=partner)
        s = s[(s["period"] == period) & (s["flow"] == flow)]
        parts.append(
            s.set_index(["hs_section", "section_label"])["share"].rename(f"share_{partner}")
        )
    out = pd.concat(parts, axis=1).fillna(0.0).reset_index()
    return out.sort_values(f"share_{partners[0]}", ascending=False, kind="mergesort").reset_index(
        drop=True
    )


def concentration(hs2: pd.DataFrame, *, names: dict[str, str]) -> pd.DataFrame:
    """Compute the HHI of each partner's basket by chapter, per flow and fiscal year.

    Blank or absent chapters count as zero here (the source reads them as missing or
    negligible; :func:`analysis.measures.indicators.fill_missing` marks them).

    Parameters
    ----------
    hs2
        The product table.
    names
        A readable name per partner code, for the ``series`` label.

    Returns
    -------
    pandas.DataFrame
        ``year`` (the fiscal year's first year), ``partner_iso3``, ``flow``, ``series``
        (for example ``"exports to Japan"``), ``n``, ``hhi``, ``hhi_normalised``,
        ``source_id``.
    """
    from analysis.measures import indicators

    filled = indicators.fill_missing(indicators.canonical(hs2))
    out = indicators.hhi(filled, of="product")
    words = {"export": "exports to", "import": "imports from"}
    label = out["flow"].map(words) + " " + out["partner_iso3"].map(names)
    sources = ";".join(dict.fromkeys(hs2["source_id"]))
    return out.assign(series=label, source_id=sources)
