"""The claims ledger: each checkable claim of the source articles confronted with the data.

The claims are a claims file (``data/claims_india_japan.csv``) in the vocabulary of
:mod:`analysis.measures.claims`, which measures the trade figures, ratios and rank on
every basis (each reporter's DOTS figures, India's fiscal years) and judges them by
its rules. The few claims that need bespoke logic (FDI snapshots and ranks, aid ranks,
the gravity model, product baskets) name a check registered here with :func:`check`,
which measures the claim on every series the data hold and picks the primary
measurement by a rule it states. Verdicts:

* ``holds``: the measured value, rounded as the claim is rounded, equals the claim (or
  the qualitative statement is true);
* ``holds approximately``: within the claim's tolerance (``data/claim_tolerances.csv``,
  each with its reason, read when the ledger runs: a larger tolerance can only move a
  verdict towards ``holds approximately``, never away from it);
* ``does not hold``;
* ``cannot be checked with the data at hand``: the ledger then says what data would.

Checks read tables through :class:`Tables`, so tests can pass small synthetic tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from analysis import data
from analysis.cases.india_japan import PARTNER, REPORTER, composition, headline, investment
from analysis.config import DATA_DIR
from analysis.errors import DataError, Problem, require_columns
from analysis.measures import claims as engine
from analysis.measures.claims import APPROX, FAILS, HOLDS, UNCHECKABLE, VERDICTS
from analysis.present.text import escape_markdown, ordinal

__all__ = [
    "CHECKS",
    "CLAIMS_FILE",
    "MAX_TOLERANCE",
    "Measurement",
    "Result",
    "Tables",
    "VERDICTS",
    "check",
    "fiscal_years",
    "ledger",
    "measurements",
    "numeric",
    "run",
    "to_markdown",
]

#: The case's claims, written as a claims file (a table of the data package).
CLAIMS_FILE = "claims_india_japan"


@dataclass(frozen=True)
class Measurement:
    """One measurement of a claimed quantity on one series."""

    value: float | None
    unit: str
    series: str
    period: str
    source_id: str
    verdict: str


@dataclass(frozen=True)
class Result:
    """A claim's verdict: the primary measurement, every measurement, why, and the tolerance.

    ``tolerance_rel`` is the one read from the tolerance file when :func:`run` judged the
    claim (``None`` for a claim without a row there).
    """

    claim_id: str
    verdict: str
    explanation: str
    primary: Measurement | None = None
    measurements: tuple[Measurement, ...] = field(default_factory=tuple)
    tolerance_rel: float | None = None


class Tables:
    """Give checks the curated tables, loaded from a data folder or given in memory.

    Parameters
    ----------
    tables
        Tables by name; any other table is loaded from ``data_dir`` when asked for.
    data_dir
        The data folder.
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame] | None = None, *,
                 data_dir: Path = DATA_DIR):  # fmt: skip
        self._tables = dict(tables or {})
        self._data_dir = data_dir
        self._given = set(self._tables)
        self._tolerances: dict[str, float] | None = None
        self._claims: list[engine.Claim] | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return a table by name."""
        if name not in self._tables:
            self._tables[name] = data.load(name, data_dir=self._data_dir)
        return self._tables[name]

    def tolerances(self) -> dict[str, float]:
        """Return the claims' tolerances, by claim id, read and checked once.

        Returns
        -------
        dict
            ``claim_id`` to ``tolerance_rel`` from the ``claim_tolerances`` table.

        Raises
        ------
        DataError
            Naming the file, row and column of every tolerance that is not a number from 0
            to :data:`MAX_TOLERANCE`, that is not 0 for a check that takes none, or whose
            claim is unknown or listed twice.
        """
        if self._tolerances is None:
            self._tolerances = checked_tolerances(self["claim_tolerances"],
                                                  set(self["claims"]["claim_id"]),
                                                  self.tolerance_file,
                                                  takes_tolerance(self.claims()))  # fmt: skip
        return self._tolerances

    def claims(self) -> list[engine.Claim]:
        """Return the case's claims file, read and checked once (:data:`CLAIMS_FILE`).

        Returns
        -------
        list of Claim
            The file's claims of the ``claims`` table, in that table's order.

        Raises
        ------
        DataError
            For every row the claims engine cannot read, and for a claim of the
            ``claims`` table the file leaves out.
        """
        if self._claims is None:
            name = (f"<{CLAIMS_FILE}>" if CLAIMS_FILE in self._given
                    else str(self._data_dir / f"{CLAIMS_FILE}.csv"))  # fmt: skip
            found = {c.claim_id: c for c in engine.claims_from_table(self[CLAIMS_FILE], name,
                                                                     checks=CHECKS)}  # fmt: skip
            listed = list(self["claims"]["claim_id"])
            missing = [cid for cid in listed if cid not in found]
            if missing:
                raise DataError(Problem(name, None, "claim_id",
                                        "a row for every claim of the claims table",
                                        "none for " + ", ".join(missing)))  # fmt: skip
            self._claims = [found[cid] for cid in listed]
        return self._claims

    @property
    def tolerance_file(self) -> str:
        """Name the tolerance table as problems with it do: its file, or ``<claim_tolerances>``."""
        if "claim_tolerances" in self._given:
            return "<claim_tolerances>"
        return str(self._data_dir / "claim_tolerances.csv")


Check = Callable[[pd.Series, Tables], Result]
#: The bespoke checks, by the name a claims file gives in its ``check`` column.
CHECKS: dict[str, Check] = {}
# The checks that read their claim's tolerance.
_TAKES_TOLERANCE: set[str] = set()
# 100% already admits any value from zero to twice the claim: a larger tolerance is a typo
# (5 for 5%) or means the claim is not being checked at all.
MAX_TOLERANCE = 1.0


def check(name: str, *, tolerance: bool = False) -> Callable[[Check], Check]:
    """Register a function as a bespoke check, for claims files to name.

    Parameters
    ----------
    name
        The check's name, as the ``check`` column of a claims file gives it.
    tolerance
        Whether the check reads the claim's tolerance (a check that does not takes the
        claim as exact, and a non-zero tolerance for it is refused).

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged.
    """

    def register(fn: Check) -> Check:
        if name in CHECKS:
            raise ValueError(f"a check named {name} is already registered")
        CHECKS[name] = fn
        if tolerance:
            _TAKES_TOLERANCE.add(name)
        return fn

    return register


def takes_tolerance(claims: list[engine.Claim]) -> set[str]:
    """Return the ids of the claims judged with a tolerance; any other's must be 0.

    Parameters
    ----------
    claims
        The claims file.

    Returns
    -------
    set of str
        The claims whose bespoke check reads a tolerance, and those in the vocabulary
        whose qualifier takes one (:data:`analysis.measures.claims.TAKES_TOLERANCE`).
    """
    bespoke = {c.claim_id for c in claims if c.check in _TAKES_TOLERANCE}
    measured = {c.claim_id for c in claims
                if c.quantity != "other" and c.qualifier in engine.TAKES_TOLERANCE}  # fmt: skip
    return bespoke | measured


def _tolerance_problem(value: object, claim_id: str, takes: set[str]) -> tuple[str, str] | None:
    """Return what a tolerance cell should be and what it is, or ``None`` if it is fine."""
    if isinstance(value, bool):
        return "a number", repr(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "a number", repr(value)
    if not math.isfinite(number):
        return "a finite number", repr(value)
    if not 0 <= number <= MAX_TOLERANCE:
        return (f"a relative tolerance from 0 to {MAX_TOLERANCE:g} ({MAX_TOLERANCE:.0%} "
                "admits anything from zero to twice the claim)", repr(value))  # fmt: skip
    if number and claim_id not in takes:
        return f"0 ({claim_id} is not judged with a tolerance)", repr(value)
    return None


def checked_tolerances(
    table: pd.DataFrame, claim_ids: set[str], file: str, takes: set[str]
) -> dict[str, float]:
    """Check a tolerance table row by row and return its tolerances.

    Parameters
    ----------
    table
        The ``claim_tolerances`` table: ``claim_id`` and ``tolerance_rel``, in file order.
    claim_ids
        The ids of the ``claims`` table.
    file
        How problems name the table's file.
    takes
        The claims judged with a tolerance (:func:`takes_tolerance`).

    Returns
    -------
    dict
        ``claim_id`` to ``tolerance_rel``.

    Raises
    ------
    DataError
        Listing every row (as a text editor numbers it, the header being row 1) whose
        claim is unknown or repeated, or whose tolerance is not a finite number from 0 to
        :data:`MAX_TOLERANCE`, or is not 0 for a claim whose check takes none.

    Examples
    --------
    >>> checked_tolerances(pd.DataFrame({"claim_id": ["C01"], "tolerance_rel": [0.05]}),
    ...                    {"C01"}, "t.csv", {"C01"})
    {'C01': 0.05}
    >>> checked_tolerances(pd.DataFrame({"claim_id": ["C01"], "tolerance_rel": [5.0]}),
    ...                    {"C01"}, "t.csv", {"C01"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    analysis.errors.DataError: t.csv:2:tolerance_rel: expected a relative tolerance from 0 to 1 ...
    """
    require_columns(table, ["claim_id", "tolerance_rel"], file)
    problems, out, first = [], {}, {}
    for i, (cid, value) in enumerate(zip(table["claim_id"], table["tolerance_rel"],
                                         strict=True), start=2):  # fmt: skip
        if cid not in claim_ids:
            problems.append(Problem(file, i, "claim_id", "the id of a claim in the claims table",
                                    repr(cid)))  # fmt: skip
            continue
        if cid in first:
            problems.append(Problem(file, i, "claim_id",
                                    f"one row per claim (first on row {first[cid]})",
                                    cid))  # fmt: skip
            continue
        first[cid] = i
        bad = _tolerance_problem(value, cid, takes)
        if bad:
            problems.append(Problem(file, i, "tolerance_rel", *bad))
        else:
            out[cid] = float(value)
    if problems:
        raise DataError(problems)
    return out


def _decimals(value: float) -> int:
    """Return how many decimals a claimed number is given with (13.7 → 1, 32 → 0)."""
    text = repr(float(value)).rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def compare(measured: float, claimed: float, tolerance: float) -> str:
    """Judge a measured value against a claimed one.

    Parameters
    ----------
    measured, claimed
        In the same unit.
    tolerance
        Relative tolerance for "holds approximately".

    Returns
    -------
    str
        ``holds`` when the measured value rounds to the claim (at the claim's precision),
        ``holds approximately`` within the tolerance, ``does not hold`` otherwise.

    Examples
    --------
    >>> compare(13.72, 13.7, 0.05), compare(14.1, 13.7, 0.05), compare(15.36, 13.7, 0.05)
    ('holds', 'holds approximately', 'does not hold')

    A coarse claim must also be within its tolerance to hold: 0.16 rounds to 0.2, yet it
    is 20% below it.

    >>> compare(0.16, 0.2, 0.1)
    'does not hold'
    """
    within = bool(claimed) and abs(measured / claimed - 1) <= tolerance
    if round(measured, _decimals(claimed)) == claimed and (within or measured == claimed):
        return HOLDS
    return APPROX if within else FAILS


def _tolerance(claim: pd.Series, tables: Tables) -> float:
    """Return the claim's tolerance as the tolerance file gives it now."""
    cid = claim["claim_id"]
    found = tables.tolerances()
    if cid not in found:
        raise DataError(Problem(tables.tolerance_file, None, "claim_id",
                                f"a row for claim {cid}, whose check takes a tolerance",
                                "none"))  # fmt: skip
    return found[cid]


def _bn(value: float) -> str:
    return f"US${value:,.2f} bn"


# --- Trade totals: C01-C04 -------------------------------------------------------------
#
# One sentence of the explainer gives three figures (total, exports, imports) for 2020,
# and C04 follows from two of them. The claims file gives them one sentence id, so the
# claims engine judges them on one basis, the one closest to the three figures together
# (:func:`analysis.measures.claims.judgements`). The headline page narrates that choice
# on the case's own table of bases (:func:`sentence_basis`).

# Which figure of a basis (headline.bases_for_year) each quantity of a sentence states.
_BASIS_COLUMN = {"total_trade": "total_usd", "exports": "exports_usd", "imports": "imports_usd",
                 "balance": "balance_usd"}  # fmt: skip


def sentence_basis(claim_id: str, tables: Tables) -> tuple[pd.Series | None, pd.DataFrame]:
    """Score the bases of a sentence's figures, as the claims engine does, on the headline table.

    Parameters
    ----------
    claim_id
        Any claim of the sentence.
    tables
        The curated tables.

    Returns
    -------
    tuple
        The chosen basis (a row of :func:`~analysis.cases.india_japan.headline.bases_for_year`;
        ``None`` if no series covers the year) and every basis with ``sum_abs_gap``, the
        sum over the sentence's exact or "about" figures of ``|measured / claimed - 1|``.
    """
    claims = {c.claim_id: c for c in tables.claims()}
    mine = claims[claim_id]
    parts = [c for c in claims.values() if c.sentence and c.sentence == mine.sentence
             and c.qualifier in ("exact", "about")]  # fmt: skip
    if not parts:
        raise DataError(Problem(CLAIMS_FILE, None, "sentence",
                                f"a sentence with figures for {claim_id}", "none"))  # fmt: skip
    bases = headline.bases_for_year(
        tables["dots_trade"], tables["india_japan_trade"], tables["country_codes"],
        a=mine.reporter, b=mine.partner, year=mine.year,
    )  # fmt: skip
    if bases.empty:
        return None, bases
    gap = sum((bases[_BASIS_COLUMN[c.quantity]] / (c.value * engine.UNITS[c.unit]) - 1).abs()
              for c in parts)  # fmt: skip
    bases = bases.assign(sum_abs_gap=gap)
    return bases.loc[bases["sum_abs_gap"].idxmin()], bases


def fiscal_years(trade: pd.DataFrame) -> pd.DataFrame:
    """Give India's fiscal-year trade with Japan as the claims engine reads a fiscal basis.

    Parameters
    ----------
    trade
        The ``india_japan_trade`` table (its preferred rows are used).

    Returns
    -------
    pandas.DataFrame
        One row per fiscal year (April–March): ``reporter_iso3``, ``partner_iso3``,
        ``year`` (the year it starts in), ``period`` (``2020-21``), ``exports_usd``,
        ``imports_usd``, ``total_usd``, ``balance_usd``, ``source_id``.
    """
    rows = headline.series_summary(trade)
    rows = rows[rows["period_basis"] == "fiscal_apr_mar"]
    return pd.DataFrame({
        "reporter_iso3": REPORTER, "partner_iso3": PARTNER,
        "year": pd.to_datetime(rows["period_start"]).dt.year.astype("int64"),
        "period": rows["period"].astype(str),
        **{c: rows[c].astype("float64") for c in headline.VALUE_COLUMNS},
        "source_id": rows["source_id"].astype(str),
    }).reset_index(drop=True)  # fmt: skip


# --- Investment: C05-C07 ---------------------------------------------------------------


@check("fdi_cumulative", tolerance=True)
def check_cumulative_fdi(claim: pd.Series, tables: Tables) -> Result:
    """Check cumulative Japanese FDI to the end of 2019 by interpolating between snapshots."""
    snaps = investment.cumulative_snapshots(tables["japan_fdi_india"]).dropna(
        subset=["period_end", "value_usd"]
    )
    end = pd.Timestamp(f"{str(claim['period'])[-4:]}-12-31")
    before, after = snaps[snaps["period_end"] <= end], snaps[snaps["period_end"] > end]
    if before.empty or after.empty:
        return Result(
            claim["claim_id"], UNCHECKABLE,
            "No published cumulative figures on both sides of the claimed date.",
        )  # fmt: skip
    b, a = before.iloc[-1], after.iloc[0]
    weight = (end - b["period_end"]) / (a["period_end"] - b["period_end"])
    value = (b["value_usd"] + weight * (a["value_usd"] - b["value_usd"])) / 1e9
    claimed = float(claim["claimed_value"])
    # An interpolated figure is an estimate: at best it holds approximately.
    verdict = compare(value, claimed, _tolerance(claim, tables))
    verdict = APPROX if verdict == HOLDS else verdict
    primary = Measurement(
        value, "USD bn",
        f"linear interpolation between {b['period']} (grade {b['grade']}) and {a['period']} "
        f"(grade {a['grade']}), DPIIT basis", f"Apr 2000 - {end:%b %Y}",
        f"{b['source_id']};{a['source_id']}", verdict,
    )  # fmt: skip
    text = (
        f"No cumulative figure to {end:%B %Y} was found; interpolating between "
        f"{_bn(b['value_usd'] / 1e9)} ({b['period']}) and {_bn(a['value_usd'] / 1e9)} "
        f"({a['period']}) gives {_bn(value)} against the claimed {_bn(claimed)}."
    )
    return Result(claim["claim_id"], verdict, text, primary, (primary,))


@check("fdi_rank")
def check_fdi_rank(claim: pd.Series, tables: Tables) -> Result:
    """Check Japan's rank among India's investors on India's own (DPIIT) cumulative counts.

    The claim is a rank among *all* investors, so the primary basis is the DPIIT cumulative
    ranking (since April 2000) whose end date is closest to the end of the claimed period;
    a page without an end month counts as ending on 31 December of its last year. The
    investor-reported ranking (UNCTAD/OECD, 2000–2012, 38 reporting economies) leaves out
    Mauritius, Singapore and Cyprus, the largest conduits, so a match there is qualified: at
    best "holds approximately", never "holds"; so is a match on a page of unstated basis.

    Measurements: every ranked figure (each DPIIT count, each page of unstated basis, the
    investor-reported ranking), each with its own verdict. Verdict: the primary DPIIT rank
    equal to the claim holds; otherwise, if the investor-reported rank or another DPIIT
    count ending within the claimed period equals it, the claim holds approximately; else
    it does not hold. Without any DPIIT count the investor-reported rank decides, at best
    approximately.
    """
    cid, claimed = claim["claim_id"], float(claim["claimed_value"])
    first, last = int(str(claim["period"])[:4]), int(str(claim["period"])[-4:])
    end = pd.Timestamp(f"{last}-12-31")
    ranks = investment.japan_ranks(tables["japan_fdi_india"], tables["fdi_india_by_investor"],
                                   first=first, last=last)  # fmt: skip
    if ranks.empty:
        return Result(cid, UNCHECKABLE, "No published rank of Japan among India's investors.")

    def when(r: pd.Series) -> str:
        if r["kind"] == "investor_reported":
            return r["period"].replace("-", "–")
        return f"{r['as_of']:%b %Y}" if r["end_stated"] else f"{r['as_of']:%Y}"

    def grade(r: pd.Series) -> str:
        return ("" if r["end_stated"] else "month not stated, ") + f"grade {r['grade']}"

    def conduits(r: pd.Series) -> str:
        names = str(r["missing_conduits"]).split(", ")
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]

    def series(r: pd.Series) -> str:
        if r["kind"] == "dpiit":
            return (f"DPIIT cumulative FDI equity inflows since April 2000, rank among all "
                    f"investors (grade {r['grade']}; {r['publisher_cited']})")  # fmt: skip
        if r["kind"] == "unclear":
            return f"cumulative FDI, basis not stated (grade {r['grade']}; {r['publisher_cited']})"
        return (f"investor-reported net FDI into India (UNCTAD/OECD), rank among {r['ranked']} "
                f"reporting economies, without {conduits(r)}")  # fmt: skip

    match = ranks["rank"] == claimed
    own = ranks["kind"].map({"dpiit": HOLDS}).fillna(APPROX)  # qualified bases: at best approx
    ranks = ranks.assign(verdict=own.where(match, FAILS))
    found = {i: Measurement(float(r["rank"]), "rank", series(r), r["period"], r["source_id"],
                            r["verdict"]) for i, r in ranks.iterrows()}  # fmt: skip
    dpiit, reported = ranks[ranks["kind"] == "dpiit"], ranks[ranks["kind"] == "investor_reported"]
    unclear = ranks[ranks["kind"] == "unclear"]
    if dpiit.empty:
        r = reported.iloc[0]
        text = (f"No DPIIT ranking was found; among the {r['ranked']} reporting economies "
                f"(without {conduits(r)}) Japan ranks {ordinal(int(r['rank']))} in "
                f"{when(r)}, a qualified basis.")  # fmt: skip
        return Result(cid, r["verdict"], text, found[reported.index[0]], tuple(found.values()))
    # Closest end date first; then the higher grade, then a stated end month.
    closest = dpiit.assign(gap=(dpiit["as_of"] - end).abs()).sort_values(
        ["gap", "grade", "end_stated"], ascending=[True, True, False], kind="mergesort"
    )
    p = closest.iloc[0]
    within = dpiit[(dpiit.index != closest.index[0]) & (dpiit["as_of"] <= end)]
    support = [f"on India's count to {when(r)} ({grade(r)})"
               for _, r in within[within["rank"] == claimed].iterrows()]  # fmt: skip
    support += [f"among the reporting economies in {when(r)}"
                for _, r in reported[reported["rank"] == claimed].iterrows()]  # fmt: skip
    verdict = HOLDS if p["rank"] == claimed else (APPROX if support else FAILS)
    text = (
        f"The claim is a rank among all investors, so it is judged on India's own (DPIIT) "
        f"cumulative count ending closest to {end:%B %Y}: to {when(p)} ({grade(p)}, "
        f"{p['publisher_cited']}) Japan ranks {ordinal(int(p['rank']))}"
        + (f" (notes: {p['notes']})" if isinstance(p["notes"], str) and p["notes"] else "")
        + ". "
    )
    others = dpiit.drop(index=closest.index[0])
    if len(others):
        text += "Other DPIIT counts: " + "; ".join(
            f"{ordinal(int(r['rank']))} to {when(r)} ({grade(r)})" for _, r in others.iterrows()
        ) + ". "  # fmt: skip
    for _, r in reported.iterrows():
        text += (f"Among the {r['ranked']} economies that report their outward FDI (UNCTAD/OECD, "
                 f"{when(r)}) Japan ranks {ordinal(int(r['rank']))}, but that list leaves out "
                 f"{conduits(r)}, the largest conduits, so it can qualify the claim, "
                 "not confirm it. ")  # fmt: skip
    if len(unclear):
        text += "Pages of unstated basis: " + "; ".join(
            f"{ordinal(int(r['rank']))} for {r['period']} (grade {r['grade']}, "
            f"{r['publisher_cited']})" for _, r in unclear.iterrows()
        ) + ". "  # fmt: skip
    if verdict == HOLDS:
        text += f"The claim holds on the closest DPIIT count ({when(p)})."
    elif verdict == APPROX:
        text += (f"So it holds only approximately: Japan was {ordinal(int(claimed))} "
                 + " and ".join(support)
                 + f", but {ordinal(int(p['rank']))} by {when(p)}.")  # fmt: skip
    else:
        text += (f"No ranking within the period gives {ordinal(int(claimed))}: Japan is "
                 f"{ordinal(int(p['rank']))} by {when(p)}.")  # fmt: skip
    return Result(cid, verdict, text, found[closest.index[0]], tuple(found.values()))


# "Recent years", the claim's period, is read as the last ODA_RECENT_YEARS calendar years
# of the aid data (2010-2019 in the 2022 vintage): a decade, long enough to be a standing
# rather than one year's disbursements, short enough to be recent; tied to the data, the
# window moves when a newer vintage is added. The claim holds if Japan is 1st in each year.
ODA_RECENT_YEARS = 10


@check("oda_rank")
def check_oda_rank(claim: pd.Series, tables: Tables) -> Result:
    """Check Japan's rank among India's bilateral DAC donors (net ODA) in each recent year."""

    def mn(value: float) -> str:
        return f"{'−' if value < 0 else ''}US${abs(value) / 1e6:,.0f} million"

    by_year = investment.largest_donor_by_year(tables["oda_india_by_donor"], donor="JPN")
    if by_year.empty:
        return Result(claim["claim_id"], UNCHECKABLE, "The aid table has no donor flows.")
    last = int(by_year["year"].max())
    recent = by_year[by_year["year"] > last - ODA_RECENT_YEARS]
    claimed = float(claim["claimed_value"])
    series = ("rank by net bilateral ODA to India among DAC donors and the EU institutions "
              "(World Bank WDI from OECD DAC)")  # fmt: skip
    found = []
    for r in recent.itertuples():
        rank = None if pd.isna(r.donor_rank) else float(r.donor_rank)
        found.append(Measurement(rank, "rank", series, str(r.year), r.source_id,
                                 HOLDS if rank == claimed else FAILS))  # fmt: skip
    # Primary: the window's worst year (the latest of equals), the one that decides.
    primary = max(found, key=lambda m: (float("inf") if m.value is None else m.value, m.period))
    first, held = int(recent["year"].min()), [m for m in found if m.verdict == HOLDS]
    verdict = HOLDS if len(held) == len(found) else FAILS
    window = f"{first}–{last}, the last {len(found)} years of the aid data"
    if verdict == HOLDS:
        text = f"Japan was India's largest bilateral donor in every year of {window}. "
    else:
        misses = ", ".join(f"{m.period} ({'no flow' if m.value is None else ordinal(int(m.value))})"
                           for m in found if m.verdict != HOLDS)  # fmt: skip
        text = (f"Japan was India's largest bilateral donor in {len(held)} of the {len(found)} "
                f"years of {window}; not in {misses}. ")  # fmt: skip
    latest = recent.iloc[-1]
    if pd.notna(latest["donor_usd"]):
        all_donors = latest["donor_share_of_all_donors"]
        text += (
            f"In {latest['year']} it gave {mn(latest['donor_usd'])} net, "
            f"{latest['donor_share_of_dac_total']:.0%} of the DAC donors' total "
            f"({mn(latest['dac_total_usd'])})"
            + ("" if pd.isna(all_donors) else
               f" and {all_donors:.0%} of India's net ODA from all donors")
            + (f"; the next donor was {latest['runner_up_name']} "
               f"({mn(latest['runner_up_usd'])}). " if latest["donor_rank"] == 1 else
               f"; the largest donor was {latest['leader_name']} "
               f"({mn(latest['leader_usd'])}). ")
        )  # fmt: skip
    spells = investment.years_led_by_others(by_year[by_year["year"] < first])
    if len(spells):
        s = spells.iloc[-1]
        span = (str(s["first_year"]) if s["first_year"] == s["last_year"]
                else f"{s['first_year']}–{s['last_year']}")  # fmt: skip
        text += f"Before that window another donor led in {span} ({s['leaders']})"
        if pd.notna(s["donor_min_usd"]):
            text += (f", when Japan's net flow fell as low as {mn(s['donor_min_usd'])} "
                     f"({s['donor_min_year']}): a net figure subtracts repayments of earlier "
                     "loans")  # fmt: skip
        text += ". "
    text += (
        "Caveats: these are net disbursements, and gross disbursements or commitments can "
        "rank donors differently; only DAC members and the EU institutions are ranked, so "
        "non-DAC providers are absent; multilateral donors (IDA, ADB) are not bilateral and "
        "are left out."
    )
    return Result(claim["claim_id"], verdict, text, primary, tuple(found))


# --- Comparisons ----------------------------------------------------------------------


def range_verdict(values: list[float], claimed: float, tolerance: float) -> str:
    """Judge an "about x" claim on the range of its measures in one year.

    Parameters
    ----------
    values
        Every measure of the quantity in the year.
    claimed
        The claimed value.
    tolerance
        The relative tolerance.

    Returns
    -------
    str
        ``holds`` if every measure holds by :func:`compare` (rounds to the claim and lies
        within the tolerance); ``holds approximately`` if the range of the measures meets
        the band claimed ± tolerance;
        ``does not hold`` if the whole range lies outside the band.

    Examples
    --------
    >>> range_verdict([0.051, 0.049], 0.05, 0.1), range_verdict([0.043, 0.047], 0.05, 0.1)
    ('holds', 'holds approximately')
    >>> range_verdict([0.056, 0.063], 0.05, 0.1)
    'does not hold'
    """
    if not values:
        raise DataError(Problem("<range_verdict>", None, "values", "at least one measure",
                                "none"))  # fmt: skip
    if all(compare(v, claimed, tolerance) == HOLDS for v in values):
        return HOLDS
    low, high = sorted((claimed * (1 - tolerance), claimed * (1 + tolerance)))
    return APPROX if max(values) >= low and min(values) <= high else FAILS


# --- Potential: C17 --------------------------------------------------------------------

# "Far below": actual trade under half the model's prediction, even at the top of the
# interval (holds); "below": under the prediction at the top of the interval (holds
# approximately); otherwise the claim does not hold. The verdict is the less favourable
# of the two directions in the latest year of the DOTS model (2020); the Advanced Guide
# model's latest year (2006) is kept as a second measurement, outside the verdict.
FAR_BELOW = 0.5
POTENTIAL_SERIES = {
    "dots": "total merchandise trade (IMF DOTS, importer-reported) against a PPML structural "
    "gravity model of international flows",
    "agtpa": "manufacturing trade (Advanced Guide panel, 69 countries) against a PPML "
    "structural gravity model with domestic sales",
}


@check("potential")
def check_potential(claim: pd.Series, tables: Tables) -> Result:
    """Check 'far below potential' with structural gravity: DOTS to 2020, beside AGTPA 2006."""
    from analysis.models import gravity

    panel = gravity.dots_panel(tables["dots_trade"], tables["geodist_pairs"], tables["rta_pairs"])
    models = {
        # The models' own number of draws, so that the intervals are notebook 07's.
        "dots": gravity.potential_international(panel)[0],
        "agtpa": gravity.potential(tables["gravity_panel"])[0],
    }
    found, ranges, years = [], [], {}
    for model, pairs in models.items():
        years[model] = year = int(pairs["year"].max())
        for exporter, importer in [("IND", "JPN"), ("JPN", "IND")]:
            row = pairs[(pairs["exporter_iso3"] == exporter) & (pairs["importer_iso3"] == importer)
                        & (pairs["year"] == year)].iloc[0]  # fmt: skip
            verdict = HOLDS if row["ratio_high"] < FAR_BELOW else (
                APPROX if row["ratio_high"] < 1 else FAILS
            )  # fmt: skip
            ranges.append(f"{row['ratio_low']:.0%}–{row['ratio_high']:.0%}")
            found.append(Measurement(
                float(row["ratio"]), "actual / predicted",
                f"{exporter} → {importer} {POTENTIAL_SERIES[model]} (interval "
                f"{row['ratio_low']:.2f}–{row['ratio_high']:.2f})",
                str(year), row["source_id"], verdict,
            ))  # fmt: skip
    order = VERDICTS.index
    primary = max(found[:2], key=lambda m: order(m.verdict))
    text = (
        f"In {years['dots']}, the latest year of the DOTS model ({panel.attrs['n_economies']} "
        f"economies, {len(panel.attrs['years'])} years from {panel.attrs['years'][0]}), "
        f"India's exports to Japan were "
        f"{found[0].value:.0%} of what the gravity model predicts (interval {ranges[0]}) and "
        f"Japan's exports to India {found[1].value:.0%} ({ranges[1]}); 'far below' is read as "
        f"under {FAR_BELOW:.0%} even at the top of the interval, 'below' as under 100% there, "
        f"and the verdict is the less favourable direction. The Advanced Guide's manufacturing "
        f"panel gives {found[2].value:.0%} ({ranges[2]}) and {found[3].value:.0%} ({ranges[3]}) "
        f"in {years['agtpa']}. "
        "Caveats: total merchandise trade, not manufacturing; DOTS figures as the importer "
        "reports them (the exporter's where the importer reports none); the interval "
        "reflects the coefficients' uncertainty only (notebook 07)."
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, tuple(found))


# --- Product baskets: C18-C19 ----------------------------------------------------------


def _basket(claim: pd.Series, tables: Tables) -> Result:
    hs2 = tables["india_trade_hs2"]
    period = max(hs2[hs2["partner_iso3"] == "JPN"]["period"])
    table = composition.chapter_table(hs2, tables["hs_chapters"], partner="JPN", period=period)
    groups = tables["claim_product_groups"]
    named = composition.named_groups(table, groups[groups["claim_id"] == claim["claim_id"]])
    fraction = float(named["in_top"].mean())
    # The claim is that every named group is among them (a fraction of 1): like any relative
    # tolerance, a larger one admits a smaller fraction, so it can only help the claim.
    tol = _tolerance(claim, tables)
    verdict = HOLDS if fraction == 1 else (APPROX if fraction >= 1 - tol else FAILS)
    flow = named["flow"].iloc[0]
    primary = Measurement(fraction, "share of named groups among the 10 largest chapters",
                          f"India-reported {flow}s to/from Japan by HS chapter (EIDB)", period,
                          "dgcis_eidb_hs2", verdict)  # fmt: skip
    outside = named[~named["in_top"]]
    text = (
        f"In {period}, {int(named['in_top'].sum())} of the {len(named)} named groups have a "
        f"chapter among the ten largest of India's {flow}s"
        + (f"; not: {', '.join(outside['product_group'])}" if len(outside) else "")
        + f". Together the named groups make {named['share'].sum():.0%} of the flow."
    )
    return Result(claim["claim_id"], verdict, text, primary, (primary,))


@check("basket", tolerance=True)
def check_basket(claim: pd.Series, tables: Tables) -> Result:
    """Check the named main exports or imports against the largest HS chapters."""
    return _basket(claim, tables)


# --- The ledger ------------------------------------------------------------------------


_UNIT_LABELS = {"usd": "USD", "usd_mn": "USD mn", "usd_bn": "USD bn", "pct": "%",
                "ratio": "ratio", "rank": "rank"}  # fmt: skip


def _from_engine(claim: engine.Claim, evidence: list[engine.Evidence],
                 judged: engine.Judgement, tolerance: float) -> Result:  # fmt: skip
    """Turn the claims engine's verdict on a claim into the ledger's result."""
    unit = _UNIT_LABELS[claim.unit]
    found = tuple(Measurement(e.measured, unit, e.basis, e.period, e.source_id, e.verdict)
                  for e in evidence)  # fmt: skip
    measured = [m for m, e in zip(found, evidence, strict=True) if e.measured is not None]
    # The deciding measurement: the sentence's basis; for a claim judged on every basis,
    # the reporter's own figures; otherwise the first basis with the claim's verdict.
    if judged.judged_on:
        primary = next(m for m in found if m.series == judged.judged_on)
    elif claim.rule == "every_basis" or not measured:
        primary = measured[0] if measured else None
    else:
        primary = next(m for m in measured if m.verdict == judged.verdict)
    text = engine.explain(claim, evidence, judged, tolerance)
    return Result(claim.claim_id, judged.verdict, text, primary, found)


def run(tables: Tables | None = None) -> list[Result]:
    """Check every claim of the ``claims`` table, as the case's claims file states it.

    Parameters
    ----------
    tables
        Where checks read their tables; the curated data by default.

    Returns
    -------
    list of Result
        One per claim, in claim order: the claims engine's verdict for a claim in its
        vocabulary, the bespoke check's for a claim naming one, and ``cannot be checked
        with the data at hand`` for the others, with the data that would check them.
    """
    tables = tables or Tables()
    # Read (and check) the claims file and the tolerances before any check, so that
    # garbage in them is refused even on a row no check reads.
    found = tables.claims()
    tolerances = tables.tolerances()
    qualifiers = engine.qualifier_tolerances(tables["claim_qualifiers"])
    measured = [c for c in found if c.quantity != "other"]
    evidence = (engine.evaluate(measured, tables["dots_trade"], qualifiers=qualifiers,
                                tolerances=tolerances,
                                fiscal=fiscal_years(tables["india_japan_trade"]))
                if measured else [])  # fmt: skip
    judged = engine.judgements(measured, evidence)
    out = []
    for c, (_, claim) in zip(found, tables["claims"].iterrows(), strict=True):
        if c.check:
            result = CHECKS[c.check](claim, tables)
        elif c.quantity == "other":
            needs = f"The suite's data do not measure this (what would: {c.checkable_with})."
            result = Result(c.claim_id, UNCHECKABLE, needs)
        else:
            tolerance = engine.tolerance_of(c, qualifiers, tolerances)
            result = _from_engine(c, [e for e in evidence if e.claim_id == c.claim_id],
                                  judged[c.claim_id], tolerance)  # fmt: skip
        out.append(replace(result, tolerance_rel=tolerances.get(c.claim_id)))
    return out


def ledger(results: list[Result], claims: pd.DataFrame) -> pd.DataFrame:
    """Tabulate results: one row per claim with its verdict and primary measurement.

    Parameters
    ----------
    results
        Output of :func:`run`.
    claims
        The ``claims`` table.

    Returns
    -------
    pandas.DataFrame
        ``claim_id, statement, claimed_value, unit, verdict, measured_value, series, period,
        source_id, tolerance_rel, explanation, checkable_with``; ``tolerance_rel`` is the
        tolerance the check was run with (from the tolerance file, not the ``claims`` table).
    """
    info = claims.set_index("claim_id")
    rows = []
    for r in results:
        p = r.primary
        rows.append(
            {
                "claim_id": r.claim_id,
                "statement": info.loc[r.claim_id, "statement"],
                "claimed_value": info.loc[r.claim_id, "claimed_value"],
                "unit": info.loc[r.claim_id, "unit"],
                "verdict": r.verdict,
                "measured_value": None if p is None else p.value,
                "series": "" if p is None else p.series,
                "period": "" if p is None else p.period,
                "source_id": "" if p is None else p.source_id,
                "tolerance_rel": r.tolerance_rel,
                "explanation": r.explanation,
                "checkable_with": info.loc[r.claim_id, "checkable_with"]
                if r.verdict == UNCHECKABLE else "",
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def measurements(results: list[Result]) -> pd.DataFrame:
    """Tabulate every measurement of every claim, with its own verdict.

    Parameters
    ----------
    results
        Output of :func:`run`.

    Returns
    -------
    pandas.DataFrame
        ``claim_id, series, period, value, unit, verdict, source_id, is_primary``.
    """
    rows = [
        {"claim_id": r.claim_id, "series": m.series, "period": m.period, "value": m.value,
         "unit": m.unit, "verdict": m.verdict, "source_id": m.source_id,
         "is_primary": m == r.primary}
        for r in results for m in r.measurements
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["claim_id", "series", "period", "value", "unit", "verdict",
                                       "source_id", "is_primary"])  # fmt: skip


def to_markdown(df: pd.DataFrame) -> str:
    r"""Format a table as GitHub-flavoured Markdown, every text escaped.

    Parameters
    ----------
    df
        The table.

    Returns
    -------
    str
        The Markdown table, one line per row: line breaks in a cell become spaces, and
        pipes, Markdown punctuation and HTML are escaped
        (:func:`~analysis.present.text.escape_markdown`).

    Examples
    --------
    >>> print(to_markdown(pd.DataFrame({"a": [1.5], "b": ["x|y <b>"]})))
    | a | b |
    | --- | --- |
    | 1.5 | x\|y &lt;b&gt; |
    """

    def cell(v: object) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return f"{v:.4g}"
        return escape_markdown(v)

    head = [
        "| " + " | ".join(escape_markdown(c) for c in df.columns) + " |",
        "| " + " | ".join("---" for _ in df.columns) + " |",
    ]
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(head + body)


def numeric(ledger_table: pd.DataFrame) -> pd.DataFrame:
    """Keep the ledger rows whose claim and measurement are both numbers in the same unit.

    Parameters
    ----------
    ledger_table
        Output of :func:`ledger`.

    Returns
    -------
    pandas.DataFrame
        The rows with a claimed and a measured value (lists and qualitative claims left out).
    """
    both = ledger_table["claimed_value"].notna() & ledger_table["measured_value"].notna()
    return ledger_table[both].reset_index(drop=True)
