"""One country pair: checks, then the tables of the pair report, from the embedded panel and files.

**Embedded data.** :func:`embedded_years` checks that the curated ``dots_trade`` table
(IMF DOTS: every reporter × partner × calendar year 1960–2020 × flow, as each reporter
records it) holds the pair, and the functions after it (:func:`both_sides`,
:func:`gaps`, :func:`rank_series`, :func:`world_share`, :func:`potential_absent`, …)
give each section of the report its table from that panel alone, so that any pair has
a report without a file.

**Files.** :func:`select` takes the files loaded by :mod:`analysis.readers.formats` and a
pair (reporter, partner) and stops with a clear :class:`~analysis.errors.DataError` when
the countries are unknown, the pair is absent from the files, the year range holds no
data or two files disagree by a factor of a thousand or a million (mixed units).

Figures from files are always from the reporter's side. For each year and flow the
report takes, in this order: the reporter's own figures, then CEPII BACI's reconciled
flows, then the partner's figures turned round (its imports from the reporter are the
reporter's exports: the mirror view); among files of the same kind, the one listed first
wins. Every table carries ``source_id`` (the file name); :func:`sources` gives the
citations.

**Words.** :func:`balance_word`, :func:`change`, :func:`moved`, :func:`rank_move`,
:func:`compare`, :func:`against_margin`, :func:`ratio_verdict`, :func:`place` and
:func:`possessive` choose the words of the report's sentences from the numbers, and
:func:`usd` and :func:`percent` keep small amounts readable, so that the prose reads
right for any pair.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import data as curated
from analysis.errors import DataError, Problem
from analysis.measures import bilateral, indicators
from analysis.present import text
from analysis.readers.formats import Loaded, Provenance, country_iso3, country_name

__all__ = [
    "CURATED_COLUMNS",
    "Pair",
    "balance_word",
    "both_sides",
    "by_year",
    "change",
    "curated_files",
    "chapters",
    "cited",
    "compare",
    "embedded_years",
    "gap_summary",
    "gaps",
    "against_margin",
    "labelled",
    "latest",
    "mirror",
    "moved",
    "parse_years",
    "percent",
    "place",
    "possessive",
    "potential_absent",
    "potential_rows",
    "provenance_table",
    "rank_move",
    "rank_series",
    "rank_summary",
    "ranking",
    "ratio_verdict",
    "reported_rows",
    "resolve_country",
    "select",
    "sources",
    "usd",
    "world_share",
    "world_shares",
]

FLOWS = ("export", "import")
# Product codes that partition trade when summed at their coarsest level (HS, SITC, BEC).
PRODUCT_KINDS = ("hs", "confidential", "sitc", "bec")
# A file at HS chapter (or SITC division) level with at least this many codes covers all
# goods: HS has 97 chapters (98 and 99 reserved), SITC 67 divisions.
ALL_CHAPTERS = {"HS": 90, "SITC": 60}
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
        """Return the pair's names, for example ``"Brazil–China"``."""
        return f"{country_name(self.reporter)}–{country_name(self.partner)}"


def _suggestions(text: str, codes: pd.DataFrame) -> str:
    """Return up to three listed countries close to a mistyped code or name, for a message."""
    listed = codes[codes["kind"] == "country_or_area"]
    names = dict(zip(listed["iso3"], listed["name"], strict=True))
    word = text.strip()
    if re.fullmatch(r"[A-Za-z]{3}", word):
        close = difflib.get_close_matches(word.upper(), list(names), n=3, cutoff=0.6)
    else:
        lower = {n.lower(): c for c, n in names.items()}
        found = difflib.get_close_matches(word.lower(), list(lower), n=3, cutoff=0.75)
        close = [lower[n] for n in found]
    return " or ".join(f"{c} ({names[c]})" for c in close)


def resolve_country(text: str, *, option: str, codes: pd.DataFrame | None = None) -> str:
    """Return the ISO3 code of a country given by code or name, or stop with a clear error.

    A code or name listed in the ``country_codes`` table is taken as it is (former
    economies such as ``ANT`` included, and groups such as the World, ``WLD``, or the
    European Union as the IMF defines it, ``XDN``: :func:`aggregate_note` says what such
    a side means); anything else is resolved with country_converter. An unspecified
    area ("Europe not specified") is refused.

    Parameters
    ----------
    text
        A code (``KOR``, ``KR``) or a name (``"Korea, Rep."``).
    option
        The command-line option it came from, for the message.
    codes
        The ``country_codes`` table (loaded if ``None``).

    Returns
    -------
    str
        The ISO3 code.

    Raises
    ------
    DataError
        If neither the table nor country_converter knows the country (the message
        suggests close matches from the table), or it is an unspecified area.

    Examples
    --------
    >>> resolve_country("Korea, Rep.", option="--partner")
    'KOR'
    >>> resolve_country("kor", option="--partner")
    'KOR'
    """
    codes = curated.load("country_codes") if codes is None else codes
    word = text.strip()
    by_code = codes.set_index("iso3")
    by_name = {n.lower(): c for c, n in zip(codes["iso3"], codes["name"], strict=True)}
    iso3 = word.upper() if word.upper() in by_code.index else by_name.get(word.lower())
    if iso3 is not None and by_code.loc[iso3, "kind"] not in ("country_or_area", "aggregate"):
        raise DataError(
            Problem("<arguments>", None, option, "a country or a group of countries, not an "
                    "unspecified area", f"{word!r} ({by_code.loc[iso3, 'name']}, "
                    f"{by_code.loc[iso3, 'kind']})")
        )  # fmt: skip
    iso3 = iso3 or country_iso3(word)
    if iso3 is None:
        close = _suggestions(word, codes)
        raise DataError(
            Problem("<arguments>", None, option, "a country code listed in country_codes "
                    "(ISO3, for example IND or KOR) or a name known to country_converter "
                    "(for example 'Korea, Rep.')",
                    repr(text) + (f", which is not listed; did you mean {close}?" if close
                                  else ", which is not listed"))
        )  # fmt: skip
    return iso3


def aggregate_note(codes: Sequence[str], *, table: pd.DataFrame | None = None) -> str:
    """Say which sides of a pair are groups of countries and what their figures are.

    Parameters
    ----------
    codes
        The reporter and the partner.
    table
        The ``country_codes`` table (loaded if ``None``).

    Returns
    -------
    str
        A sentence per group (``""`` when both sides are countries) saying what its
        figures are.

    Examples
    --------
    >>> aggregate_note(["KOR", "USA"])
    ''
    """
    table = curated.load("country_codes") if table is None else table
    rows = table.set_index("iso3").reindex(list(codes))
    groups = rows[rows["kind"] == "aggregate"]
    return " ".join(
        f"{name} is a group of countries, not a country: its figures are those the IMF "
        "compiles for the group (members as the IMF counts them in each year), and a "
        "partner's trade with it is its trade with all the members; the gravity model and "
        "the partner ranks, which are about countries, do not cover it."
        for name in groups["name"]
    )


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
    products = views[views["product_kind"].isin(PRODUCT_KINDS)]
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
    out = out.assign(priority=out["view"].map(_VIEWS), order=out["file"].astype("str").map(order))
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


def _text(column: pd.Series) -> pd.Series:
    """Return a categorical column as text, by taking from its categories (not per row)."""
    categories = column.cat.categories.astype("str")
    return pd.Series(categories.take(column.cat.codes.to_numpy(), allow_fill=True),
                     index=column.index)  # fmt: skip


# A partner's figure may exceed the world total by rounding in the file, no more.
_WORLD_SLACK = 1e-3


def _check_world(rows: pd.DataFrame) -> None:
    """Refuse a file in which trade with one partner exceeds the reporter's trade with the world."""
    totals = rows[rows["product_kind"] == "total"]
    keys = ["file", "reporter_iso3", "year", "flow"]
    world = totals[totals["partner_kind"] == "world"].groupby(keys)["value_usd"].max()
    countries = totals[totals["partner_kind"] == "country"]
    if world.empty or countries.empty:
        return
    both = countries.join(world.rename("world_usd"), on=keys, how="inner")
    over = both[both["value_usd"] > both["world_usd"] * (1 + _WORLD_SLACK)]
    if len(over):
        raise DataError(
            [Problem(r["file"], None, "value", f"{r['reporter_iso3']}'s {r['flow']}s with "
                     f"{r['partner_iso3']} in {r['year']} at most its {r['flow']}s with the "
                     f"World ({r['world_usd']:,.0f} US$ in the same file)",
                     f"{r['value_usd']:,.0f} US$: the file's figures are inconsistent")
             for _, r in over.head(20).iterrows()]
        )  # fmt: skip


#: The columns a table of the data package needs to stand in for a download.
CURATED_COLUMNS = ("reporter_iso3", "partner_iso3", "year", "flow", "value_usd", "source_id")


def curated_files(names: Sequence[str], *, data_dir: Path | None = None) -> list[Loaded]:
    """Give tables of the data package to the pair report as it takes downloads.

    A case's curated tables of total trade by calendar year (``CURATED_COLUMNS``) fill
    the report's "files" sections as a download would: each row keeps its source, and
    the provenance names the table, its recorded hash and its publishers.

    Parameters
    ----------
    names
        Tables of the data package.
    data_dir
        The data folder; the package's own by default.

    Returns
    -------
    list of Loaded
        One per table, in the order given.

    Raises
    ------
    DataError
        If a table lacks a column of ``CURATED_COLUMNS``.
    """
    kwargs = {} if data_dir is None else {"data_dir": data_dir}
    codes = curated.load("country_codes", **kwargs).set_index("iso3")["kind"]
    resources = {r["name"]: r for r in curated.package(**kwargs)["resources"]}
    out = []
    for name in names:
        table = curated.load(name, **kwargs)
        missing = [c for c in CURATED_COLUMNS if c not in table.columns]
        if missing:
            raise DataError(Problem(f"{name}.csv", 1, None,
                                    "the columns " + ", ".join(CURATED_COLUMNS),
                                    "no " + ", ".join(missing)))  # fmt: skip
        resource = resources[name]
        publishers = "; ".join(dict.fromkeys(s["publisher"] for s in resource["sources"]))
        kind = table["partner_iso3"].map(codes).map({"country_or_area": "country"})
        kind = kind.where(table["partner_iso3"] != "WLD", "world").fillna("aggregate")
        file, n = resource["path"], len(table)

        def same(value: str, n: int = n) -> pd.Categorical:
            return pd.Categorical([value] * n)

        rows = pd.DataFrame({
            "reporter_iso3": table["reporter_iso3"].astype("str"),
            "partner_iso3": table["partner_iso3"].astype("str"),
            "product": "TOTAL", "year": table["year"].astype("int64"),
            "flow": pd.Categorical(table["flow"]),
            "value_usd": table["value_usd"].astype("float64"), "quantity": float("nan"),
            "quantity_unit": same(""), "partner_kind": pd.Categorical(kind),
            "product_kind": same("total"), "basis": same("reported"), "file": same(file),
            "source": same(f"{publishers}, curated table {file}"),
        })  # fmt: skip
        provenance = Provenance(file=file, sha256=resource["hash"].removeprefix("sha256:"),
                                format="curated table", publisher=publishers, hs_vintage="",
                                value_unit="US$", rows_in=n, rows_out=n)  # fmt: skip
        out.append(Loaded(rows, provenance))
    return out


def select(
    loaded: Sequence[Loaded], reporter: str, partner: str, *, years: tuple[int, int] | None = None
) -> Pair:
    """Select a country pair from loaded trade files, checking that the files can serve it.

    Parameters
    ----------
    loaded
        Files from :func:`analysis.readers.formats.load_files`, in order of preference.
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
    if not loaded:
        raise DataError(
            Problem(files, None, None, "a trade file (UN Comtrade, BACI, IMF or WITS) among "
                    "the files", "reference files only (a BACI country or product code list "
                    "is read together with a BACI year file)")
        )  # fmt: skip
    for x in loaded:
        if x.provenance.rows_out == 0:
            reasons = "; ".join(f"{reason}: {n}" for reason, n in x.provenance.dropped)
            raise DataError(
                Problem(x.provenance.file, None, None, "trade rows the report can use",
                        f"none of its {x.provenance.rows_in} rows: "
                        + (reasons or "the file has no data rows"))
            )  # fmt: skip
    # Only rows with either country on one side serve the report (the pair, and each
    # country's trade with all partners): a BACI year keeps a few per cent of its rows.
    tables = []
    for x in loaded:
        t = x.table
        sides = [reporter, partner]
        t = t[t["reporter_iso3"].isin(sides) | t["partner_iso3"].isin(sides)]
        tables.append(t.assign(**{c: _text(t[c]) for c in t.columns if t[c].dtype == "category"}))
    rows = pd.concat(tables, ignore_index=True)
    _check_world(rows)
    views = _views(rows, reporter, partner)
    if views.empty:
        held = pd.concat([x.table[["reporter_iso3", "partner_iso3", "partner_kind"]]
                          for x in loaded], ignore_index=True).astype("str")  # fmt: skip
        # Pairs of countries first; a file of trade with the World or regions says so.
        countries = held[held["partner_kind"] == "country"]
        pairs = sorted(set(zip(countries["reporter_iso3"], countries["partner_iso3"], strict=True)))
        if not pairs:
            others = held.drop_duplicates(["reporter_iso3", "partner_iso3"])
            pairs = [(r, f"{p} ({k})") for r, p, k in sorted(
                zip(others["reporter_iso3"], others["partner_iso3"], others["partner_kind"],
                    strict=True))]  # fmt: skip
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


def flows_held(pair: Pair) -> list[str]:
    """Return the flows the files hold for the pair, from the reporter's side.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    list of str
        ``export`` and/or ``import``, in that order.

    Examples
    --------
    >>> rows = pd.DataFrame({"flow": ["import"]})
    >>> flows_held(Pair("IND", "CHN", (2018, 2018), rows, rows, ()))
    ['import']
    """
    return [f for f in FLOWS if (pair.views["flow"] == f).any()]


def products_covered(pair: Pair) -> str:
    """Say which goods the files' figures for the pair cover: all of them, or which codes.

    A file with an all-products total row, or with nearly every HS chapter or SITC
    division (:data:`ALL_CHAPTERS`), covers all goods; any other file covers the codes it
    holds, and its sums are trade in those goods only, never the pair's total trade.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    str
        ``"all goods"``, or for example ``"HS 2402"`` or ``"18 HS codes (01, 02, … 20)"``.

    Examples
    --------
    >>> rows = pd.DataFrame({"flow": ["export"], "product_kind": ["hs"], "product": ["2402"]})
    >>> products_covered(Pair("IDN", "JPN", (2020, 2020), rows, rows, ()))
    'HS 2402'
    """
    views = pair.views
    if (views["product_kind"] == "total").any():
        return "all goods"
    coded = views[views["product_kind"].isin(PRODUCT_KINDS)]
    if coded.empty:
        return "the goods the files name"
    level = coded["product"].str.len()
    codes = sorted(set(coded.loc[level == level.min(), "product"]))
    scheme = "SITC" if (coded["product_kind"] == "sitc").any() else "HS"
    scheme = "BEC" if (coded["product_kind"] == "bec").any() else scheme
    if level.min() == 2 and len(codes) >= ALL_CHAPTERS.get(scheme, len(codes) + 1):
        return "all goods"
    if len(codes) == 1:
        return f"{scheme} {codes[0]}"
    shown = ", ".join(codes[:3]) + (f", … {codes[-1]}" if len(codes) > 3 else "")
    return f"{len(codes)} {scheme} codes ({shown})"


def product_groups(pair: Pair) -> str:
    """Name the product groups :func:`chapters` gives: HS chapters, or SITC or BEC codes.

    Parameters
    ----------
    pair
        The pair.

    Returns
    -------
    str
        ``"HS chapter"``, ``"SITC code"`` or ``"BEC code"`` (singular).

    Examples
    --------
    >>> rows = pd.DataFrame({"flow": ["export"], "product_kind": ["sitc"], "product": ["75"]})
    >>> product_groups(Pair("CHN", "JPN", (2014, 2014), rows, rows, ()))
    'SITC code'
    """
    kinds = set(pair.views["product_kind"])
    return "SITC code" if "sitc" in kinds else "BEC code" if "bec" in kinds else "HS chapter"


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
    world = world.assign(order=world["file"].astype("str").map(order)).sort_values(
        ["year", "flow", "order"]
    )
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
        :func:`analysis.measures.indicators.partner_ranking` with ``partner_name``.
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
    """Return trade by product group in the latest year with product detail, each way.

    HS files are grouped by chapter and labelled from ``labels``; SITC and BEC files by
    their coarsest codes, labelled with the file's own names for them (Comtrade's
    ``Commodity``), never with HS chapter names.

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
        ``flow``, ``hs2`` (the group's code: an HS chapter, or an SITC or BEC code),
        ``label``, ``value_usd``, ``share`` (of the flow), ``source_id``, largest first
        within each flow.
    """
    views = pair.views[pair.views["product_kind"].isin(PRODUCT_KINDS)
                       & (pair.views["view"] != "mirror")]  # fmt: skip
    if views.empty:
        return None, pd.DataFrame()
    year = int(views["year"].max())
    views = views[views["year"] == year]
    order = {p.file: i for i, p in enumerate(pair.provenance)}
    own = {p.file: dict(p.product_labels) for p in pair.provenance}
    parts = []
    for flow, part in views.groupby("flow", sort=True):
        part = part[
            part["file"].astype("str").map(order) == part["file"].astype("str").map(order).min()
        ]
        level = part["product"].str.len()
        part = part[level == level.min()]
        hs = part["product_kind"].isin(["hs", "confidential"]).all()
        chapter = part.assign(hs2=part["product"].str[:2] if hs else part["product"])
        sums = chapter.groupby("hs2", as_index=False)["value_usd"].sum()
        file = part["file"].iloc[0]
        sums = sums.assign(flow=flow, share=sums["value_usd"] / sums["value_usd"].sum(),
                           source_id=file, hs=hs)  # fmt: skip
        parts.append(sums.sort_values(["value_usd", "hs2"], ascending=[False, True]))
    out = pd.concat(parts, ignore_index=True)
    names = {} if labels is None else dict(zip(labels["hs2"], labels["chapter_label"], strict=True))
    names["99"] = "Confidential or not specified"
    out["label"] = [
        f"{c} {names.get(c, '') if hs else own[f].get(c, '')}".strip()
        for c, hs, f in zip(out["hs2"], out["hs"], out["source_id"], strict=True)
    ]
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


# --- The embedded panel (IMF DOTS) -------------------------------------------------------

_SIDES_COLUMNS = ["year", "exports_usd", "imports_usd", "total_usd", "balance_usd",
                  "is_estimate", "reporter_iso3", "source_id"]  # fmt: skip
_DOTS = "dots_trade (IMF DOTS, embedded)"


def _in_years(df: pd.DataFrame, years: tuple[int, int] | None) -> pd.DataFrame:
    """Keep the rows of a table with ``year`` in the range (every row if ``None``)."""
    if years is None:
        return df.iloc[0:0]
    return df[df["year"].between(*years)].reset_index(drop=True)


def embedded_years(
    dots: pd.DataFrame,
    reporter: str,
    partner: str,
    *,
    years: tuple[int, int] | None = None,
    required: bool = True,
) -> tuple[int, int] | None:
    """Return the years for which the embedded panel holds the pair, or stop with a clear error.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        ISO3 codes (from :func:`resolve_country`).
    years
        The year range asked for (``--years``); every year the panel holds if ``None``.
    required
        Whether the report has nothing else (no file): then an absent pair stops the
        build. With files, ``None`` is returned instead.

    Returns
    -------
    tuple of int or None
        First and last year with the pair's rows in the range, either side reporting.

    Raises
    ------
    DataError
        If reporter and partner are the same, or (when ``required``) the panel holds no
        trade between them, or none in the range; the message says what would work.
    """
    if reporter == partner:
        raise DataError(Problem("<arguments>", None, "--partner", "a country other than the "
                                "reporter", partner))  # fmt: skip
    forward = (dots["reporter_iso3"] == reporter) & (dots["partner_iso3"] == partner)
    backward = (dots["reporter_iso3"] == partner) & (dots["partner_iso3"] == reporter)
    held = sorted(int(y) for y in dots.loc[forward | backward, "year"].unique())
    fix = ("give --data FILE with the pair's trade (a UN Comtrade, CEPII BACI, IMF or WITS "
           "download)")  # fmt: skip
    if not held:
        if not required:
            return None
        # unique() first: set() over two million Arrow strings takes seconds.
        listed = set(dots["reporter_iso3"].unique()) | set(dots["partner_iso3"].unique())
        absent = [c for c in (reporter, partner) if c not in listed]
        found = (f"none: {' and '.join(absent)} {'is' if len(absent) == 1 else 'are'} in no row"
                 if absent else "none: neither reports trade with the other")  # fmt: skip
        raise DataError(
            Problem(_DOTS, None, "reporter_iso3, partner_iso3", f"rows of {reporter}–{partner} "
                    f"trade, either side reporting, or else {fix}", found)
        )  # fmt: skip
    first, last = years or (held[0], held[-1])
    inside = [y for y in held if first <= y <= last]
    if not inside:
        if not required:
            return None
        raise DataError(
            Problem(_DOTS, None, "year", f"{reporter}–{partner} trade in {first}–{last}, or else "
                    f"{fix} for those years", f"none; the panel holds it for {held[0]}–{held[-1]}")
        )  # fmt: skip
    return inside[0], inside[-1]


def reported_rows(dots: pd.DataFrame, reporter: str, partner: str) -> pd.DataFrame:
    """Return the rows either country reports: all that :func:`both_sides` and the rest need.

    Every section of the report drawn from the panel reads only the two countries' own
    records (their trade with each other, with the World, with every partner for the
    ranks and with unallocated partners for the mirror gap), so passing these rows
    instead of the whole table gives the same tables, faster.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair.

    Returns
    -------
    pandas.DataFrame
        The rows whose ``reporter_iso3`` is either country.
    """
    return dots[dots["reporter_iso3"].isin([reporter, partner])].reset_index(drop=True)


def both_sides(
    dots: pd.DataFrame, reporter: str, partner: str, *, years: tuple[int, int] | None
) -> pd.DataFrame:
    """Return the pair's yearly totals as each side reports them, reporter's figures first.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair, seen from the reporter.
    years
        The years (from :func:`embedded_years`); an empty table if ``None``.

    Returns
    -------
    pandas.DataFrame
        :func:`analysis.measures.bilateral.both_reporters` in the years: ``exports_usd`` is the
        reporter's exports to the partner (the partner's imports from it, by the
        partner's figures).
    """
    if years is None:
        return pd.DataFrame(columns=_SIDES_COLUMNS)
    return _in_years(bilateral.both_reporters(dots, reporter, partner), years)


def latest(sides: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of the latest year in :func:`both_sides` (one per reporting side).

    Parameters
    ----------
    sides
        Output of :func:`both_sides`.

    Returns
    -------
    pandas.DataFrame
        The rows of the year, the reporter's first.
    """
    if sides.empty:
        return sides
    return sides[sides["year"] == sides["year"].max()].reset_index(drop=True)


def gaps(
    dots: pd.DataFrame,
    reporter: str,
    partner: str,
    *,
    cif_fob_factor: float,
    years: tuple[int, int] | None,
) -> pd.DataFrame:
    """Return the mirror gap of each direction by year, or an empty table if no year has both sides.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair.
    cif_fob_factor
        The CIF/FOB factor (``mirror_gap_causes``).
    years
        The years; an empty table if ``None``.

    Returns
    -------
    pandas.DataFrame
        :func:`analysis.measures.bilateral.mirror_gaps` in the years, the reporter's exports first.
    """
    if years is None:
        return pd.DataFrame(columns=["exporter_iso3", "importer_iso3", "year", "gap_pct",
                                     "beyond_cif_fob_pct", "is_estimate", "source_id"])  # fmt: skip
    try:
        out = bilateral.mirror_gaps(dots, reporter, partner, cif_fob_factor=cif_fob_factor)
    except DataError:  # no year with both sides
        out = pd.DataFrame(columns=["exporter_iso3", "importer_iso3", "year", "gap_pct",
                                    "beyond_cif_fob_pct", "is_estimate", "source_id"])  # fmt: skip
    return _in_years(out, years)


def gap_summary(gaps: pd.DataFrame, *, cif_fob_factor: float, recent: int = 10) -> pd.DataFrame:
    """Summarise each direction's mirror gap: its sign, the CIF/FOB margin and the recent mean.

    Parameters
    ----------
    gaps
        Output of :func:`gaps` (not empty).
    cif_fob_factor
        The CIF/FOB factor; the margin is ``100 * (cif_fob_factor - 1)`` %.
    recent
        The latest this many years are averaged.

    Returns
    -------
    pandas.DataFrame
        One row per direction, indexed by ``exporter_iso3``: ``importer_iso3``,
        ``n_years``, ``first_year``, ``last_year``, ``above`` (years the importer's figure
        is higher), ``beyond`` (years it is higher by more than the margin),
        ``recent_from``, ``recent_gap_pct`` and ``recent_beyond_pct`` (means over the
        recent years).
    """
    margin = 100 * (cif_fob_factor - 1)
    rows = []
    for (exp, imp), part in gaps.groupby(["exporter_iso3", "importer_iso3"], sort=False):
        last = int(part["year"].max())
        late = part[part["year"] > last - recent]
        rows.append({
            "exporter_iso3": exp, "importer_iso3": imp, "n_years": len(part),
            "first_year": int(part["year"].min()), "last_year": last,
            "above": int((part["gap_pct"] > 0).sum()),
            "beyond": int((part["gap_pct"] > margin).sum()),
            "recent_from": int(late["year"].min()),
            "recent_gap_pct": float(late["gap_pct"].mean()),
            "recent_beyond_pct": float(late["beyond_cif_fob_pct"].mean()),
        })  # fmt: skip
    return pd.DataFrame(rows).set_index("exporter_iso3")


def rank_series(
    dots: pd.DataFrame, reporter: str, partner: str, *, years: tuple[int, int] | None
) -> pd.DataFrame:
    """Rank each country among the other's partners by total trade, year by year.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair.
    years
        The years; an empty table if ``None``.

    Returns
    -------
    pandas.DataFrame
        :func:`analysis.measures.bilateral.partner_rank_series` for the partner among the
        reporter's partners (by the reporter's figures), then the reporter among the
        partner's, with ``reporter_iso3``, ``partner_iso3`` and ``source_id``. A country
        that does not report to DOTS has no ranking of its partners.
    """
    cols = ["reporter_iso3", "partner_iso3", "year", "rank", "share_pct", "total_usd",
            "n_partners", "source_id"]  # fmt: skip
    parts = []
    for rep, par in ((reporter, partner), (partner, reporter)) if years else ():
        series = bilateral.partner_rank_series(dots, rep, par)
        own = dots[(dots["reporter_iso3"] == rep) & (dots["partner_iso3"] == bilateral.WORLD)]
        ids = own.groupby("year")["source_id"].agg(lambda s: ";".join(dict.fromkeys(s)))
        parts.append(series.assign(reporter_iso3=rep, partner_iso3=par,
                                   source_id=series["year"].map(ids)))  # fmt: skip
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    return _in_years(out.dropna(subset=["share_pct", "source_id"]), years)


def rank_summary(ranks: pd.DataFrame) -> pd.DataFrame:
    """Summarise each country's rank among the other's partners: first, last and best year.

    Parameters
    ----------
    ranks
        Output of :func:`rank_series`.

    Returns
    -------
    pandas.DataFrame
        One row per ranking, indexed by ``reporter_iso3`` (whose partners are ranked):
        ``partner_iso3``, ``first_year``, ``first_rank``, ``first_share_pct``,
        ``last_year``, ``last_rank``, ``last_share_pct``, ``n_partners`` (in the last
        year), ``best_rank`` and ``best_years`` (how many years at the best rank).
    """
    rows = []
    for (rep, par), part in ranks.groupby(["reporter_iso3", "partner_iso3"], sort=False):
        part = part.sort_values("year")
        first, last = part.iloc[0], part.iloc[-1]
        best = int(part["rank"].min())
        rows.append({
            "reporter_iso3": rep, "partner_iso3": par,
            "first_year": int(first["year"]), "first_rank": int(first["rank"]),
            "first_share_pct": float(first["share_pct"]),
            "last_year": int(last["year"]), "last_rank": int(last["rank"]),
            "last_share_pct": float(last["share_pct"]), "n_partners": int(last["n_partners"]),
            "best_rank": best, "best_years": int((part["rank"] == best).sum()),
        })  # fmt: skip
    cols = ["reporter_iso3", "partner_iso3", "first_year", "first_rank", "first_share_pct",
            "last_year", "last_rank", "last_share_pct", "n_partners", "best_rank",
            "best_years"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols).set_index("reporter_iso3")


def world_share(
    dots: pd.DataFrame, reporter: str, partner: str, *, years: tuple[int, int] | None
) -> pd.DataFrame:
    """Return the partner's share of the reporter's exports and imports, by the reporter's figures.

    Parameters
    ----------
    dots
        The ``dots_trade`` table.
    reporter, partner
        The pair.
    years
        The years; an empty table if ``None``.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``flow``, ``pair_usd`` (the reporter's exports to or imports from the
        partner), ``world_usd`` (its exports to or imports from the World, ``WLD``),
        ``share_pct``, ``source_id``; empty when the reporter does not report.
    """
    cols = ["year", "flow", "pair_usd", "world_usd", "share_pct", "source_id"]
    if years is None or not (dots["reporter_iso3"] == reporter).any():
        return pd.DataFrame(columns=cols)
    own = bilateral.pair_totals(dots, reporter, partner, reporter=reporter)
    world = bilateral.world_trade(dots, reporter)
    if own.empty or world.empty:
        return pd.DataFrame(columns=cols)
    both = own.merge(world, on="year", suffixes=("", "_world"))
    parts = []
    for flow, col in (("export", "exports_usd"), ("import", "imports_usd")):
        parts.append(pd.DataFrame({
            "year": both["year"], "flow": flow, "pair_usd": both[col],
            "world_usd": both[f"{col}_world"],
            "share_pct": 100 * both[col] / both[f"{col}_world"].where(both[f"{col}_world"] > 0),
            "source_id": [_join(f"{a};{b}") for a, b in
                          zip(both["source_id"], both["source_id_world"], strict=True)],
        }))  # fmt: skip
    return _in_years(pd.concat(parts, ignore_index=True)[cols], years)


def potential_absent(
    panel: pd.DataFrame, dots: pd.DataFrame, geodist: pd.DataFrame, countries: Sequence[str]
) -> pd.DataFrame:
    """Say why a country is not in the gravity model's panel, for each country given.

    Parameters
    ----------
    panel
        Output of :func:`analysis.models.gravity.dots_panel` (its ``attrs`` give the rule).
    dots
        The ``dots_trade`` table.
    geodist
        The ``geodist_pairs`` table.
    countries
        ISO3 codes.

    Returns
    -------
    pandas.DataFrame
        One row per country not in the panel: ``iso3``, ``reason`` (a clause such as
        "GeoDist gives no distances for it"); empty when every country is in it.
    """
    info = panel.attrs
    members = set(panel["exporter_iso3"].unique())
    first_year = info["years"][0]
    rows = []
    for c in countries:
        if c in members:
            continue
        own = dots[((dots["reporter_iso3"] == c) & (dots["reporter_kind"] == "economy"))
                   | ((dots["partner_iso3"] == c)
                      & (dots["partner_kind"] == "economy"))]  # fmt: skip
        if own.empty:
            reason = "DOTS records it under no economy code (it is a former or merged economy)"
        elif c not in set(geodist["exporter_iso3"].unique()):
            reason = "CEPII GeoDist gives no distances for it"
        elif int(own["year"].min()) > first_year:
            reason = (f"DOTS has its trade only from {int(own['year'].min())}, after the model's "
                      f"first year, {first_year}")  # fmt: skip
        else:
            reason = f"it does not meet the panel's rule: {info['rule']}"
        rows.append({"iso3": c, "reason": reason})
    return pd.DataFrame(rows, columns=["iso3", "reason"])


def potential_rows(
    pairs: pd.DataFrame, reporter: str, partner: str, *, years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Return the gravity model's rows for both directions of the pair, in the years.

    Parameters
    ----------
    pairs
        The pairs table of :func:`analysis.models.gravity.potential_international`.
    reporter, partner
        The pair.
    years
        The years to keep; every model year if ``None``.

    Returns
    -------
    pandas.DataFrame
        The reporter's exports to the partner, then its imports from it, years in order.
    """
    rows = pairs[
        ((pairs["exporter_iso3"] == reporter) & (pairs["importer_iso3"] == partner))
        | ((pairs["exporter_iso3"] == partner) & (pairs["importer_iso3"] == reporter))
    ]
    rows = rows.assign(first=rows["exporter_iso3"] != reporter).sort_values(["first", "year"])
    rows = rows.drop(columns="first").reset_index(drop=True)
    return rows if years is None else rows[rows["year"].between(*years)].reset_index(drop=True)


# --- Words chosen from the numbers ------------------------------------------------------


# The notebooks write ``pair.usd`` and ``pair.possessive``: the formatters live in present.text.
usd = text.usd
possessive = text.possessive


def percent(value_pct: float) -> str:
    """Format a percentage with one decimal, or two significant digits below 0.1%.

    Examples
    --------
    >>> percent(13.49), percent(0.0175), percent(0)
    ('13.5%', '0.018%', '0%')
    """
    if value_pct == 0:
        return "0%"
    return f"{value_pct:.1f}%" if abs(value_pct) >= 0.1 else f"{value_pct:.2g}%"


def place(rank: int) -> str:
    """Write a rank as a place among partners: ``"largest"``, ``"2nd-largest"``.

    Examples
    --------
    >>> place(1), place(2), place(23)
    ('largest', '2nd-largest', '23rd-largest')
    """
    return "largest" if rank == 1 else f"{text.ordinal(rank)}-largest"


def balance_word(balance: float) -> str:
    """Return ``"surplus"``, ``"deficit"`` or ``"balance"`` for the sign of a trade balance.

    Examples
    --------
    >>> balance_word(3.0), balance_word(-1.0), balance_word(0)
    ('surplus', 'deficit', 'balance')
    """
    return "surplus" if balance > 0 else "deficit" if balance < 0 else "balance"


def change(first: float, last: float) -> str:
    """Describe the change from one value to another: ``"grew 19-fold"``, ``"fell by 40%"``.

    Examples
    --------
    >>> change(1, 19.2), change(1, 2.5), change(100, 135), change(100, 60), change(5, 5)
    ('grew 19-fold', 'grew 2.5-fold', 'grew by 35%', 'fell by 40%', 'did not change')
    >>> change(1, 1102.4)
    'grew 1,102-fold'
    """
    ratio = last / first
    if ratio >= 10:
        return f"grew {ratio:,.0f}-fold"
    if ratio >= 2:
        return f"grew {ratio:.1f}-fold"
    if ratio > 1:
        return f"grew by {100 * (ratio - 1):.0f}%"
    if ratio < 1:
        return f"fell by {100 * (1 - ratio):.0f}%"
    return "did not change"


def rank_move(first: int, last: int) -> str:
    """Say how a rank moved (1 is the top): ``"rose"``, ``"fell"`` or ``"held its place"``.

    Examples
    --------
    >>> rank_move(30, 6), rank_move(1, 2), rank_move(3, 3)
    ('rose', 'fell', 'held its place')
    """
    return "rose" if last < first else "fell" if last > first else "held its place"


def moved(first: float, last: float) -> str:
    """Say how a value moved: ``"rose"``, ``"fell"`` or ``"did not change"``.

    Examples
    --------
    >>> moved(1.0, 2.0), moved(2.0, 1.0), moved(1.0, 1.0)
    ('rose', 'fell', 'did not change')
    """
    return "rose" if last > first else "fell" if last < first else "did not change"


def against_margin(gap_pct: float, margin_pct: float) -> str:
    """Place a mirror gap (importer's CIF figure over the exporter's FOB, in %) against the margin.

    The words follow "the importer's figure was on average x% above (or below) the
    exporter's, …".

    Examples
    --------
    >>> against_margin(12.0, 6.0), against_margin(2.0, 6.0)
    ('more than the CIF/FOB margin', 'within the CIF/FOB margin')
    >>> against_margin(-3.0, 6.0)
    'where the CIF/FOB margin alone would put it above'
    """
    if gap_pct > margin_pct:
        return "more than the CIF/FOB margin"
    if gap_pct >= 0:
        return "within the CIF/FOB margin"
    return "where the CIF/FOB margin alone would put it above"


def compare(a: float, b: float) -> str:
    """Compare ``a`` with ``b``: ``"larger than"``, ``"smaller than"`` or ``"the same as"``.

    Examples
    --------
    >>> compare(2, 1), compare(1, 2), compare(1, 1)
    ('larger than', 'smaller than', 'the same as')
    """
    return "larger than" if a > b else "smaller than" if a < b else "the same as"


def ratio_verdict(low: float, high: float) -> str:
    """Place an actual / predicted interval against 1 (trade as the model predicts).

    Examples
    --------
    >>> ratio_verdict(1.2, 1.5)
    'above the prediction, even at the bottom of the interval'
    >>> ratio_verdict(0.9, 1.1)
    'not distinguishable from the prediction (the interval spans it)'
    """
    if low > 1:
        return "above the prediction, even at the bottom of the interval"
    if high < 1:
        return "below the prediction, even at the top of the interval"
    return "not distinguishable from the prediction (the interval spans it)"
