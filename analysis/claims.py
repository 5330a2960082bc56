"""The claims ledger: each checkable claim of the source articles confronted with the data.

One check per claim id, registered with :func:`check`. A check measures the claimed
quantity on every series the data hold (reporter, basis, period, source), gives each
measurement a verdict, and picks the primary one by a rule it states. Verdicts:

* ``holds``: the measured value, rounded as the claim is rounded, equals the claim (or
  the qualitative statement is true);
* ``holds approximately``: within the claim's tolerance (the ``tolerance_rel`` column of
  the ``claims`` table, each with its reason);
* ``does not hold``;
* ``cannot be checked with the data at hand``: the ledger then says what data would.

Checks read tables through :class:`Tables`, so tests can pass small synthetic tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import composition, data, headline, investment, trends
from analysis.config import DATA_DIR
from analysis.errors import DataError, Problem
from analysis.text import ordinal

__all__ = [
    "CHECKS",
    "Measurement",
    "Result",
    "Tables",
    "VERDICTS",
    "check",
    "ledger",
    "measurements",
    "numeric",
    "run",
    "to_markdown",
]

HOLDS, APPROX, FAILS, UNCHECKABLE = (
    "holds",
    "holds approximately",
    "does not hold",
    "cannot be checked with the data at hand",
)
VERDICTS = (HOLDS, APPROX, FAILS, UNCHECKABLE)


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
    """A claim's verdict: the primary measurement, every measurement, and why."""

    claim_id: str
    verdict: str
    explanation: str
    primary: Measurement | None = None
    measurements: tuple[Measurement, ...] = field(default_factory=tuple)


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

    def __getitem__(self, name: str) -> pd.DataFrame:
        """Return a table by name."""
        if name not in self._tables:
            self._tables[name] = data.load(name, data_dir=self._data_dir)
        return self._tables[name]


Check = Callable[[pd.Series, Tables], Result]
CHECKS: dict[str, Check] = {}


def check(claim_id: str) -> Callable[[Check], Check]:
    """Register a function as the check of one claim id.

    Parameters
    ----------
    claim_id
        The claim, for example ``"C01"``.

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged.
    """

    def register(fn: Check) -> Check:
        if claim_id in CHECKS:
            raise ValueError(f"a check for {claim_id} is already registered")
        CHECKS[claim_id] = fn
        return fn

    return register


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
    """
    if round(measured, _decimals(claimed)) == claimed:
        return HOLDS
    if claimed and abs(measured / claimed - 1) <= tolerance:
        return APPROX
    return FAILS


def _tolerance(claim: pd.Series) -> float:
    value = claim["tolerance_rel"]
    if pd.isna(value):
        raise DataError(
            Problem("claims", None, "tolerance_rel",
                    f"a tolerance for numeric claim {claim['claim_id']}", "blank")
        )  # fmt: skip
    return float(value)


def _bn(value: float) -> str:
    return f"US${value:,.2f} bn"


# --- Trade totals: C01-C04 -------------------------------------------------------------


def _trade_measurements(claim: pd.Series, tables: Tables, column: str) -> list[Measurement]:
    """Measure exports, imports or the total on every period of India–Japan trade."""
    series = headline.series_summary(tables["india_japan_trade"])
    full = series[series["period_basis"] != "partial_fiscal_apr_mar"]
    tol, claimed = _tolerance(claim), float(claim["claimed_value"])
    out = []
    for _, row in full.iterrows():
        value = row[column] / 1e9
        out.append(Measurement(value, "USD bn", f"India-reported, {row['label']}", row["period"],
                               row["source_id"], compare(value, claimed, tol)))  # fmt: skip
    return out


def _primary_for_year(found: list[Measurement], year: str) -> Measurement | None:
    """Pick the series for a claimed year: the calendar year, else the fiscal year from it.

    India's statistics are by fiscal year, so a claim for 2020 without a calendar-2020
    series is checked on FY2020-21.
    """
    for wanted in (year, f"{year}-{(int(year) + 1) % 100:02d}"):
        for m in found:
            if m.period == wanted:
                return m
    return None


def _trade_check(claim: pd.Series, tables: Tables, column: str) -> Result:
    found = _trade_measurements(claim, tables, column)
    claimed = float(claim["claimed_value"])
    primary = _primary_for_year(found, str(claim["period"]))
    if primary is None:
        return Result(claim["claim_id"], UNCHECKABLE, "No series covers the claimed year.",
                      None, tuple(found))  # fmt: skip
    closest = min(found, key=lambda m: abs(m.value - claimed))
    reproduce = [m.series for m in found if m.verdict == HOLDS]
    gap = primary.value / claimed - 1
    text = (
        f"{primary.series} gives {_bn(primary.value)}, {gap:+.0%} against the claimed "
        f"{_bn(claimed)}; no calendar-{claim['period']} series is in the data. "
    )
    text += (
        f"The series that reproduce the claim: {', '.join(reproduce)}."
        if reproduce
        else f"No series reproduces it; the closest is {closest.series} ({_bn(closest.value)})."
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, tuple(found))


@check("C01")
def check_total(claim: pd.Series, tables: Tables) -> Result:
    """Check the claimed India–Japan total trade."""
    return _trade_check(claim, tables, "total_usd")


@check("C02")
def check_exports(claim: pd.Series, tables: Tables) -> Result:
    """Check the claimed Indian exports to Japan."""
    return _trade_check(claim, tables, "exports_usd")


@check("C03")
def check_imports(claim: pd.Series, tables: Tables) -> Result:
    """Check the claimed Indian imports from Japan."""
    return _trade_check(claim, tables, "imports_usd")


@check("C04")
def check_deficit(claim: pd.Series, tables: Tables) -> Result:
    """Check that India runs a deficit with Japan (the sign is the claim)."""
    found = _trade_measurements(claim, tables, "balance_usd")
    signed = [
        Measurement(m.value, m.unit, m.series, m.period, m.source_id,
                    HOLDS if m.value < 0 else FAILS)
        for m in found
    ]  # fmt: skip
    primary = _primary_for_year(signed, str(claim["period"]))
    deficits = sum(m.verdict == HOLDS for m in signed)
    text = (
        f"{primary.series} shows a deficit of {_bn(-primary.value)} (the articles' own figures "
        f"imply {_bn(-float(claim['claimed_value']))}); India ran a deficit with Japan in "
        f"{deficits} of the {len(signed)} periods in the data."
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, tuple(signed))


# --- Investment: C05-C07 ---------------------------------------------------------------


@check("C05")
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
    verdict = compare(value, claimed, _tolerance(claim))
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


@check("C06")
def check_fdi_rank(claim: pd.Series, tables: Tables) -> Result:
    """Check Japan's rank among investors: investor-reported flows 2000–2012 first."""
    ranking = investment.investor_ranking(tables["fdi_india_by_investor"], first=2000, last=2012)
    rank = float(ranking.set_index("investor_iso3").loc["JPN", "rank"])
    claimed = float(claim["claimed_value"])
    primary = Measurement(rank, "rank", "investor-reported net FDI into India (UNCTAD/OECD, 38 "
                          "reporting economies)", "2000-2012", "abn2018_fdi",
                          HOLDS if rank == claimed else FAILS)  # fmt: skip
    published = tables["japan_fdi_india"]
    ranked = published[published["japan_rank"].notna()]
    others = tuple(
        Measurement(float(r.japan_rank), "rank", f"{r.basis} cumulative (grade {r.grade})",
                    r.period, r.source_id, HOLDS if r.japan_rank == claimed else FAILS)
        for r in ranked.itertuples()
    )  # fmt: skip
    text = (
        f"Japan ranks {ordinal(int(rank))} by investor-reported net FDI into India in 2000–2012 "
        "(a list without Mauritius, Singapore or Cyprus); India's cumulative counts give ranks "
        + ", ".join(f"{ordinal(int(m.value))} ({m.period})" for m in others)
        + "."
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, (primary, *others))


@check("C07")
def check_oda_rank(claim: pd.Series, tables: Tables) -> Result:
    """Say what the aid facts show; a donor ranking needs OECD DAC data."""
    oda = tables["japan_oda_india"]
    recipient = oda[oda["measure"].str.contains("largest recipient")]
    text = (
        "Aid to India by donor (OECD DAC) is not in the data. "
        + (f"MOFA Japan states the converse — India has been the largest recipient of Japan's "
           f"ODA since {recipient['period'].iloc[0].split()[0]} — which does not rank donors."
           if len(recipient) else "")
    )  # fmt: skip
    return Result(claim["claim_id"], UNCHECKABLE, text.strip())


# --- Comparisons: C08-C10 --------------------------------------------------------------


def _ratio_tables(tables: Tables) -> pd.DataFrame:
    return trends.comparison_ratios(
        hs2=tables["india_trade_hs2"],
        quad=tables["comtrade_quadrennial"],
        by_partner_2019=tables["india_trade_by_partner_2019"],
        imf=tables["india_china_trade_imf"],
        japan_china=tables["japan_china_trade"],
    )


@check("C08")
def check_one_fifth(claim: pd.Series, tables: Tables) -> Result:
    """Check the upper bound on the latest fiscal year; report every year and basis."""
    ratios = _ratio_tables(tables)
    rows = ratios[ratios["comparison"] == "of India–China"].dropna(subset=["ratio"])
    bound = float(claim["claimed_value"])
    found = tuple(
        Measurement(r.ratio, "ratio", f"{r.numerator_basis} / {r.denominator_basis}", r.period,
                    r.source_id, HOLDS if r.ratio < bound else FAILS)
        for r in rows.itertuples()
    )  # fmt: skip
    fiscal = [m for m in found if "fiscal" in m.series]
    primary = max(fiscal, key=lambda m: m.period)
    under = [m.period for m in fiscal if m.verdict == HOLDS]
    text = (
        f"On India's fiscal-year figures the ratio was {primary.value:.1%} in {primary.period}, "
        f"the latest year; it was under one fifth in {len(under)} of {len(fiscal)} years "
        f"({', '.join(under)}) and above it in the others."
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, found)


@check("C09")
def check_five_percent(claim: pd.Series, tables: Tables) -> Result:
    """Check the ratio to Japan–China trade; primary: each pair reported by one partner."""
    ratios = _ratio_tables(tables)
    rows = ratios[ratios["comparison"] == "of Japan–China"].dropna(subset=["ratio"])
    claimed, tol = float(claim["claimed_value"]), _tolerance(claim)
    found = tuple(
        Measurement(r.ratio, "ratio", f"{r.numerator_basis} / {r.denominator_basis}", r.period,
                    r.source_id, compare(round(r.ratio, 3), claimed, tol))
        for r in rows.itertuples()
    )  # fmt: skip
    latest = max(m.period for m in found)
    recent = [m for m in found if m.period == latest]
    # Like for like: India reports both flows of India–Japan, Japan both of Japan–China.
    primary = next(m for m in recent if "japan customs" in m.series)
    reproduce = [f"{m.series.split(' / ')[1]} ({m.value:.1%})" for m in recent
                 if m.verdict != FAILS]  # fmt: skip
    text = (
        f"In {latest}, with Japan–China trade as Japan's customs report it, the ratio is "
        f"{primary.value:.1%}; across the {len(recent)} measures of Japan–China trade it runs "
        f"from {min(m.value for m in recent):.1%} to {max(m.value for m in recent):.1%}. "
        + (f"About 5% is reproduced by: {', '.join(reproduce)}." if reproduce else "")
    )
    return Result(claim["claim_id"], primary.verdict, text, primary, found)


@check("C10")
def check_partner_rank(claim: pd.Series, tables: Tables) -> Result:
    """Check Japan's rank among India's trading partners (UN Comtrade, 2019)."""
    from analysis import indicators

    ranking = indicators.partner_ranking(tables["india_trade_by_partner_2019"],
                                         countries=tables["country_codes"])  # fmt: skip
    rank = float(ranking.set_index("partner_iso3").loc["JPN", "rank"])
    claimed = float(claim["claimed_value"])
    # "Barely in the top 15": a rank above 15 fails; below it, the tolerance says how far.
    verdict = compare(rank, claimed, _tolerance(claim)) if rank <= claimed else FAILS
    primary = Measurement(rank, "rank", "UN Comtrade, India-reported, total trade by partner",
                          "2019", "comtrade_ind_2019", verdict)  # fmt: skip
    text = (
        f"Japan was India's {ordinal(int(rank))} largest partner by total trade in 2019 "
        f"({ranking.set_index('partner_iso3').loc['JPN', 'share_of_total']:.1%} of India's trade): "
        "inside the top 15, near its end."
    )
    return Result(claim["claim_id"], verdict, text, primary, (primary,))


# --- Potential: C17 --------------------------------------------------------------------

# "Far below": actual trade under half the model's prediction, even at the top of the
# interval; "below": under the prediction at the top of the interval.
FAR_BELOW = 0.5
POTENTIAL_DRAWS = 100


@check("C17")
def check_potential(claim: pd.Series, tables: Tables) -> Result:
    """Check 'far below potential' with the structural gravity model (latest panel year)."""
    from analysis import gravity

    pairs, _ = gravity.potential(tables["gravity_panel"], n_draws=POTENTIAL_DRAWS)
    year = int(pairs["year"].max())
    found = []
    for exporter, importer in [("IND", "JPN"), ("JPN", "IND")]:
        row = pairs[(pairs["exporter_iso3"] == exporter) & (pairs["importer_iso3"] == importer)
                    & (pairs["year"] == year)].iloc[0]  # fmt: skip
        verdict = HOLDS if row["ratio_high"] < FAR_BELOW else (
            APPROX if row["ratio_high"] < 1 else FAILS
        )  # fmt: skip
        found.append(Measurement(
            float(row["ratio"]), "actual / predicted",
            f"{exporter} → {importer} manufacturing trade against a PPML structural gravity "
            f"model (interval {row['ratio_low']:.2f}–{row['ratio_high']:.2f})",
            str(year), row["source_id"], verdict,
        ))  # fmt: skip
    order = VERDICTS.index
    primary = max(found, key=lambda m: order(m.verdict))
    text = (
        f"In {year}, the latest year of the panel, India's manufacturing exports to Japan were "
        f"{found[0].value:.0%} of what the gravity model predicts and Japan's to India "
        f"{found[1].value:.0%}; 'far below' is read as under {FAR_BELOW:.0%} even at the top of "
        "the interval. Manufacturing only, years to 2006 (notebook 07)."
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
    tol = _tolerance(claim)
    verdict = HOLDS if fraction == 1 else (APPROX if fraction >= tol else FAILS)
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


@check("C18")
def check_export_basket(claim: pd.Series, tables: Tables) -> Result:
    """Check the named main exports against the largest HS chapters."""
    return _basket(claim, tables)


@check("C19")
def check_import_basket(claim: pd.Series, tables: Tables) -> Result:
    """Check the named main imports against the largest HS chapters."""
    return _basket(claim, tables)


# --- The ledger ------------------------------------------------------------------------


def run(tables: Tables | None = None) -> list[Result]:
    """Check every claim of the ``claims`` table.

    Parameters
    ----------
    tables
        Where checks read their tables; the curated data by default.

    Returns
    -------
    list of Result
        One per claim, in claim order. A claim without a registered check gets
        ``cannot be checked with the data at hand``.
    """
    tables = tables or Tables()
    out = []
    for _, claim in tables["claims"].iterrows():
        fn = CHECKS.get(claim["claim_id"])
        if fn is None:
            needs = f"The suite's data do not measure this (what would: {claim['checkable_with']})."
            out.append(Result(claim["claim_id"], UNCHECKABLE, needs))
        else:
            out.append(fn(claim, tables))
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
        source_id, tolerance_rel, explanation, checkable_with``.
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
                "tolerance_rel": info.loc[r.claim_id, "tolerance_rel"],
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
    r"""Format a table as GitHub-flavoured Markdown (pipes in cells escaped).

    Parameters
    ----------
    df
        The table.

    Returns
    -------
    str
        The Markdown table, one line per row.

    Examples
    --------
    >>> print(to_markdown(pd.DataFrame({"a": [1.5], "b": ["x|y"]})))
    | a | b |
    | --- | --- |
    | 1.5 | x\|y |
    """

    def cell(v: object) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return ""
        if isinstance(v, float):
            return f"{v:.4g}"
        return str(v).replace("|", "\\|")

    head = [
        "| " + " | ".join(df.columns) + " |",
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
