"""One country pair across loaded trade files: checks, then the tables of the pair report.

:func:`select` takes the files loaded by :mod:`analysis.sources.formats` and a pair
(reporter, partner) and stops with a clear :class:`~analysis.errors.DataError` when the
countries are unknown, the pair is absent from the files, the year range holds no data
or two files disagree by a factor of a thousand or a million (mixed units).

Figures are always from the reporter's side. For each year and flow the report takes,
in this order: the reporter's own figures, then CEPII BACI's reconciled flows, then the
partner's figures turned round (its imports from the reporter are the reporter's
exports: the mirror view); among files of the same kind, the one listed first wins.
Every table carries ``source_id`` (the file name); :func:`sources` gives the citations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis import indicators
from analysis.errors import DataError, Problem
from analysis.sources.formats import Loaded, Provenance, country_iso3, country_name

__all__ = [
    "Pair",
    "by_year",
    "chapters",
    "cited",
    "labelled",
    "mirror",
    "parse_years",
    "provenance_table",
    "ranking",
    "resolve_country",
    "select",
    "sources",
    "world_shares",
]

FLOWS = ("export", "import")
_FLIP = {"export": "import", "import": "export"}
# Priority of each view of the pair: the reporter's own figures first.
_VIEWS = {"reported": 0, "reconciled": 1, "mirror": 2}
# Two files whose figures differ by 10**3 or 10**6 (within this many powers of ten) disagree
# on units, not on the trade.
_UNIT_TOLERANCE = 0.3
_YEARS = re.compile(r"([0-9]{4})(?:\s*[-–:]\s*([0-9]{4}))?")


@dataclass(frozen=True)
class Pair:
    """The rows of one pair and the provenance of the files they come from.

    ``rows`` holds every loaded row in the year range (all reporters and partners, for
    rankings and world totals); ``views`` the pair's rows seen from the reporter's side.
    """

    reporter: str
    partner: str
    years: tuple[int, int]
    rows: pd.DataFrame
    views: pd.DataFrame
    provenance: tuple[Provenance, ...]

    @property
    def title(self) -> str:
        """Return the pair's names, for example ``"India–South Korea"``."""
        return f"{country_name(self.reporter)}–{country_name(self.partner)}"


def resolve_country(text: str, *, option: str) -> str:
    """Return the ISO3 code of a country given by code or name, or stop with a clear error.

    Parameters
    ----------
    text
        A code (``KOR``, ``KR``) or a name (``"Korea, Rep."``).
    option
        The command-line option it came from, for the message.

    Returns
    -------
    str
        The ISO3 code.

    Raises
    ------
    DataError
        If country_converter does not know the country.

    Examples
    --------
    >>> resolve_country("Korea, Rep.", option="--partner")
    'KOR'
    """
    iso3 = country_iso3(text)
    if iso3 is None:
        raise DataError(
            Problem("<arguments>", None, option, "a country code or name known to "
                    "country_converter (for example IND, KOR or 'Korea, Rep.')", repr(text))
        )  # fmt: skip
    return iso3


def parse_years(text: str | None) -> tuple[int, int] | None:
    """Parse a year range written ``2018-2022`` or a single year ``2020``.

    Parameters
    ----------
    text
        The range, or ``None`` for every year in the files.

    Returns
    -------
    tuple of int or None
        First and last year.

    Examples
    --------
    >>> parse_years("2018-2022"), parse_years("2020"), parse_years(None)
    ((2018, 2022), (2020, 2020), None)
    """
    if text is None:
        return None
    match = _YEARS.fullmatch(text.strip())
    if not match or int(match.group(2) or match.group(1)) < int(match.group(1)):
        raise DataError(
            Problem("<arguments>", None, "--years", "a year or a range such as 2018-2022",
                    repr(text))
        )  # fmt: skip
    return int(match.group(1)), int(match.group(2) or match.group(1))


def _join(ids: str) -> str:
    """Return ``;``-joined source ids without repeats, in order."""
    return ";".join(dict.fromkeys(ids.split(";")))


def _views(rows: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    """Return the pair's export and import rows from the reporter's side, with their view."""
    rows = rows[rows["flow"].isin(FLOWS)]
    forward = (rows["reporter_iso3"] == reporter) & (rows["partner_iso3"] == partner)
    backward = (rows["reporter_iso3"] == partner) & (rows["partner_iso3"] == reporter)
    reconciled = rows["basis"] == "reconciled"
    parts = [
        rows[forward & ~reconciled].assign(view="reported"),
        rows[forward & reconciled].assign(view="reconciled"),
        rows[backward & reconciled].assign(view="reconciled"),
        rows[backward & ~reconciled].assign(view="mirror"),
    ]
    for i in (2, 3):
        parts[i] = parts[i].assign(flow=parts[i]["flow"].map(_FLIP))
    out = pd.concat(parts, ignore_index=True)
    return out.assign(reporter_iso3=reporter, partner_iso3=partner)


def _totals(views: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """Return every file's yearly total per view and flow: its TOTAL row or its products' sum.

    A file without a TOTAL row is summed over its coarsest HS level (confidential codes
    included), which partitions the trade without counting a product twice.
    """
    keys = ["view", "file", "year", "flow"]
    total = views[views["product_kind"] == "total"]
    products = views[views["product_kind"].isin(["hs", "confidential"])]
    products = products.assign(level=products["product"].str.len())
    coarsest = products.groupby(keys)["level"].transform("min")
    summed = (
        products[products["level"] == coarsest]
        .groupby(keys, as_index=False)
        .agg(value_usd=("value_usd", "sum"), n=("value_usd", "size"))
    )
    summed = summed.assign(how="sum of " + summed["n"].astype("str") + " products")
    given = total.groupby(keys, as_index=False)["value_usd"].sum().assign(how="total row")
    has_total = given.set_index(keys).index
    summed = summed[~summed.set_index(keys).index.isin(has_total)].drop(columns="n")
    out = pd.concat([given, summed], ignore_index=True)
    out = out.assign(priority=out["view"].map(_VIEWS), order=out["file"].map(order))
    return out.sort_values(["year", "flow", "priority", "order"], kind="mergesort").reset_index(
        drop=True
    )


def _check_units(totals: pd.DataFrame, provenance: Sequence[Provenance]) -> None:
    """Refuse files whose totals for one year and flow differ by a power of a thousand."""
    units = {p.file: p.value_unit for p in provenance}
    problems = []
    for (year, flow), group in totals.groupby(["year", "flow"], sort=True):
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            if first["value_usd"] <= 0 or other["value_usd"] <= 0:
                continue
            power = math.log10(other["value_usd"] / first["value_usd"])
            if any(abs(abs(power) - k) < _UNIT_TOLERANCE for k in (3, 6)):
                problems.append(
                    Problem(other["file"], None, "value", f"{flow}s in {year} close to "
                            f"{first['value_usd']:,.0f} US$ as in {first['file']} (declared unit "
                            f"{units[first['file']]}); mixed units across files",
                            f"{other['value_usd']:,.0f} US$, a factor of "
                            f"{10 ** round(power):g} (declared unit {units[other['file']]})")
                )  # fmt: skip
    if problems:
        raise DataError(problems)


def select(
    loaded: Sequence[Loaded], reporter: str, partner: str, *, years: tuple[int, int] | None = None
) -> Pair:
    """Select a country pair from loaded trade files, checking that the files can serve it.

    Parameters
    ----------
    loaded
        Files from :func:`analysis.sources.formats.load_files`, in order of preference.
    reporter, partner
        Country codes or names (resolved with country_converter).
    years
        First and last year to keep; every year in the files by default.

    Returns
    -------
    Pair
        The pair's rows and provenance.

    Raises
    ------
    DataError
        If a country is unknown, reporter and partner are the same, the files hold no
        trade between them, the year range holds none, or two files mix units.
    """
    reporter = resolve_country(reporter, option="--reporter")
    partner = resolve_country(partner, option="--partner")
    files = ", ".join(x.provenance.file for x in loaded) or "<no files>"
    if reporter == partner:
        raise DataError(Problem("<arguments>", None, "--partner", "a country other than the "
                                "reporter", partner))  # fmt: skip
    rows = pd.concat([x.table for x in loaded], ignore_index=True)
    views = _views(rows, reporter, partner)
    if views.empty:
        countries = rows[rows["partner_kind"] == "country"]
        pairs = sorted(set(zip(countries["reporter_iso3"], countries["partner_iso3"], strict=True)))
        shown = ", ".join(f"{r}–{p}" for r, p in pairs[:12])
        more = f" and {len(pairs) - 12} more" if len(pairs) > 12 else ""
        raise DataError(
            Problem(files, None, "reporter, partner", f"trade between {reporter} and {partner} "
                    "(either side reporting)", f"none; the files hold {shown or 'no pair'}{more}")
        )  # fmt: skip
    held = sorted(set(views["year"]))
    first, last = years or (held[0], held[-1])
    in_range = views[views["year"].between(first, last)]
    if in_range.empty:
        raise DataError(
            Problem(files, None, "year", f"{reporter}–{partner} trade in {first}–{last}",
                    f"none; the files hold it for {', '.join(map(str, held))}")
        )  # fmt: skip
    provenance = tuple(x.provenance for x in loaded)
    order = {p.file: i for i, p in enumerate(provenance)}
    _check_units(_totals(in_range, order), provenance)
    return Pair(
        reporter=reporter,
        partner=partner,
        years=(first, last),
        rows=rows[rows["year"].between(first, last)].reset_index(drop=True),
        views=in_range.reset_index(drop=True),
        provenance=provenance,
    )


def sources(pair: Pair) -> dict[str, str]:
    """Return the citation of each file, by its ``source_id`` (the file name).

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    dict
        File name to citation, for the charts' ``sources`` keyword.
    """
    return {p.file: p.citation() for p in pair.provenance}


def provenance_table(pair: Pair) -> pd.DataFrame:
    """Tabulate each file's format, HS vintage, units, conversions and rows in and out.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        One row per file, in the order given.
    """
    return pd.DataFrame([p.as_row() for p in pair.provenance])


def by_year(pair: Pair) -> pd.DataFrame:
    """Return the reporter's exports to and imports from the partner, year by year.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        ``period`` (the year as text), ``year``, ``exports_usd``, ``imports_usd``,
        ``total_usd``, ``balance_usd``, ``coverage_ratio``, ``basis`` (the view of each
        flow: reported, reconciled or mirror) and ``source_id`` (the files, ``;``-joined).
    """
    order = {p.file: i for i, p in enumerate(pair.provenance)}
    chosen = _totals(pair.views, order).groupby(["year", "flow"], as_index=False).first()
    wide = indicators.summary(chosen[["year", "flow", "value_usd"]], by=["year"])
    meta = chosen.groupby("year").agg(
        basis=("view", lambda v: "; ".join(dict.fromkeys(v))),
        source_id=("file", lambda v: ";".join(dict.fromkeys(v))),
    )
    out = wide.merge(meta, on="year", validate="one_to_one")
    out.insert(0, "period", out["year"].astype("str"))
    cols = ["period", "year", "exports_usd", "imports_usd", "total_usd", "balance_usd",
            "coverage_ratio", "basis", "source_id"]  # fmt: skip
    return out[cols]


def mirror(pair: Pair) -> pd.DataFrame:
    """Set the reporter's own figures beside the partner's mirror figures, where both exist.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``flow``, ``reported_usd``, ``mirror_usd``, ``gap_pct`` (mirror over
        reported, minus one, in %), ``source_id``; empty when one side is missing.
    """
    order = {p.file: i for i, p in enumerate(pair.provenance)}
    totals = _totals(pair.views, order)
    first = totals.groupby(["year", "flow", "view"], as_index=False).first()
    own = first[first["view"] == "reported"]
    mir = first[first["view"] == "mirror"]
    both = own.merge(mir, on=["year", "flow"], suffixes=("_own", "_mirror"))
    out = pd.DataFrame(
        {
            "year": both["year"],
            "flow": both["flow"],
            "reported_usd": both["value_usd_own"],
            "mirror_usd": both["value_usd_mirror"],
            "gap_pct": 100 * (both["value_usd_mirror"] / both["value_usd_own"] - 1),
            "source_id": [
                _join(f"{a};{b}")
                for a, b in zip(both["file_own"], both["file_mirror"], strict=True)
            ],
        }
    )
    return out.sort_values(["year", "flow"]).reset_index(drop=True)


def world_shares(pair: Pair) -> pd.DataFrame:
    """Return the partner's share of the reporter's exports and imports, where files allow.

    The world total is the reporter's own ``WLD`` row from the first file that has one
    for the year.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``flow``, ``pair_usd``, ``world_usd``, ``share``, ``source_id``; empty when
        no file gives the reporter's trade with the world.
    """
    rows = pair.rows
    world = rows[(rows["reporter_iso3"] == pair.reporter) & (rows["partner_kind"] == "world")
                 & (rows["product_kind"] == "total") & rows["flow"].isin(FLOWS)]  # fmt: skip
    order = {p.file: i for i, p in enumerate(pair.provenance)}
    world = world.assign(order=world["file"].map(order)).sort_values(["year", "flow", "order"])
    world = world.groupby(["year", "flow"], as_index=False).first()
    years = by_year(pair)
    long = years.melt(["year", "source_id"], ["exports_usd", "imports_usd"], "flow", "pair_usd")
    long["flow"] = long["flow"].map({"exports_usd": "export", "imports_usd": "import"})
    out = long.merge(world[["year", "flow", "value_usd", "file"]], on=["year", "flow"])
    out = out.dropna(subset=["pair_usd"])
    return pd.DataFrame(
        {
            "year": out["year"],
            "flow": out["flow"],
            "pair_usd": out["pair_usd"],
            "world_usd": out["value_usd"],
            "share": out["pair_usd"] / out["value_usd"],
            "source_id": [
                _join(f"{a};{b}") for a, b in zip(out["source_id"], out["file"], strict=True)
            ],
        }
    ).sort_values(["flow", "year"], ignore_index=True)


def ranking(pair: Pair, *, n: int = 10) -> tuple[int | None, pd.DataFrame]:
    """Rank the reporter's partners in the latest year a file lists several with the world.

    Parameters
    ----------
    pair
        The pair.
    n
        Partners to keep (the pair's partner is added if it ranks lower).

    Returns
    -------
    tuple
        The year (``None`` when no file allows a ranking) and the output of
        :func:`analysis.indicators.partner_ranking` with ``partner_name``.
    """
    rows = pair.rows
    own = rows[(rows["reporter_iso3"] == pair.reporter) & (rows["basis"] == "reported")
               & (rows["product_kind"] == "total") & rows["flow"].isin(FLOWS)
               & rows["partner_kind"].isin(["country", "world"])]  # fmt: skip
    for (year, file), part in sorted(
        own.groupby(["year", "file"]), key=lambda kv: (-kv[0][0], kv[0][1])
    ):
        countries = part.loc[part["partner_kind"] == "country", "partner_iso3"].nunique()
        if countries >= 2 and (part["partner_kind"] == "world").any():
            table = part[["partner_iso3", "flow", "value_usd"]].assign(source_id=file)
            ranked = indicators.partner_ranking(table)
            ranked.insert(2, "partner_name", ranked["partner_iso3"].map(country_name))
            keep = (ranked["rank"] <= n) | (ranked["partner_iso3"] == pair.partner)
            return int(year), ranked[keep].reset_index(drop=True)
    return None, pd.DataFrame()


def chapters(pair: Pair, *, labels: pd.DataFrame | None = None) -> tuple[int | None, pd.DataFrame]:
    """Return trade by HS chapter in the latest year with product detail, each way.

    Parameters
    ----------
    pair
        The pair.
    labels
        HS chapter labels (``hs2``, ``chapter_label``); chapter 99 is labelled as
        confidential or unspecified trade.

    Returns
    -------
    tuple
        The year (``None`` when no file has product detail for the pair) and a table
        ``flow``, ``hs2``, ``label``, ``value_usd``, ``share`` (of the flow), ``source_id``,
        largest first within each flow.
    """
    views = pair.views[pair.views["product_kind"].isin(["hs", "confidential"])
                       & (pair.views["view"] != "mirror")]  # fmt: skip
    if views.empty:
        return None, pd.DataFrame()
    year = int(views["year"].max())
    views = views[views["year"] == year]
    order = {p.file: i for i, p in enumerate(pair.provenance)}
    parts = []
    for flow, part in views.groupby("flow", sort=True):
        part = part[part["file"].map(order) == part["file"].map(order).min()]
        level = part["product"].str.len()
        part = part[level == level.min()]
        chapter = part.assign(hs2=part["product"].str[:2])
        sums = chapter.groupby("hs2", as_index=False)["value_usd"].sum()
        sums = sums.assign(flow=flow, share=sums["value_usd"] / sums["value_usd"].sum(),
                           source_id=part["file"].iloc[0])  # fmt: skip
        parts.append(sums.sort_values(["value_usd", "hs2"], ascending=[False, True]))
    out = pd.concat(parts, ignore_index=True)
    names = {} if labels is None else dict(zip(labels["hs2"], labels["chapter_label"], strict=True))
    names["99"] = "Confidential or not specified"
    out["label"] = [f"{c} {names.get(c, '')}".strip() for c in out["hs2"]]
    return year, out[["flow", "hs2", "label", "value_usd", "share", "source_id"]]


def labelled(pair: Pair) -> pd.DataFrame:
    """List what the files say about the pair besides exports and imports of known goods.

    Re-exports and re-imports, confidential or unspecified products (HS 99), and the
    reporter's trade with aggregate or unspecified partners are kept in the data and
    shown here rather than mixed into the totals.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        ``what``, ``year``, ``flow``, ``partner_iso3``, ``value_usd``, ``source_id``.
    """
    rows = pair.rows
    pair_rows = ((rows["reporter_iso3"] == pair.reporter) & (rows["partner_iso3"] == pair.partner)
                 | (rows["reporter_iso3"] == pair.partner)
                 & (rows["partner_iso3"] == pair.reporter))  # fmt: skip
    reflow = pair_rows & rows["flow"].isin(["re-export", "re-import"])
    secret = pair_rows & (rows["product_kind"] == "confidential")
    aggregate = (rows["reporter_iso3"] == pair.reporter) & (rows["partner_kind"] == "aggregate")
    parts = [
        rows[reflow].assign(what=rows.loc[reflow, "flow"] + "s"),
        rows[secret].assign(what="confidential or unspecified product (HS 99)"),
        rows[aggregate].assign(what="aggregate or unspecified partner"),
    ]
    out = pd.concat(parts, ignore_index=True).rename(columns={"file": "source_id"})
    cols = ["what", "year", "flow", "reporter_iso3", "partner_iso3", "value_usd", "source_id"]
    return out[cols].sort_values(cols[:5], kind="mergesort").reset_index(drop=True)


def cited(df: pd.DataFrame, pair: Pair) -> pd.DataFrame:
    """Replace a table's ``source_id`` by a ``source`` column of citations, for saving.

    Parameters
    ----------
    df
        A table from this module.
    pair
        The pair.

    Returns
    -------
    pandas.DataFrame
        The table with ``source`` (the files' citations) instead of ``source_id``.
    """
    cites = sources(pair)
    text = ["; ".join(cites[i] for i in dict.fromkeys(s.split(";"))) for s in df["source_id"]]
    return df.drop(columns="source_id").assign(source=text)
