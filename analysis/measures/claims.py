"""Check published claims about any pair's trade, written as data, on every basis the data hold.

A claims file (CSV, one claim a row, :data:`CLAIM_FIELDS`) states each claim in a small
vocabulary: the quantity (:data:`QUANTITIES`), the countries, the period, the claimed
value with its unit (:data:`UNITS`) and how it is qualified (:data:`QUALIFIERS`:
"about", "more than", "less than", "top"), and the sentence it comes from. Each claim is
measured on each series that could be its source (:func:`evaluate`): the reporter's own
figures and the partner's mirror figures in the embedded IMF DOTS panel, and the
figures of any downloads given. A basis that cannot measure the claim says which data
would. The verdict of a claim overall follows one rule (:func:`overall`).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import DATA_DIR
from analysis.curate.claim_files import CLAIM_FILE_FIELDS, QUALIFIERS, QUANTITIES, UNITS
from analysis.data import country_name
from analysis.errors import DataError, Problem
from analysis.measures import bilateral

CLAIM_FIELDS = CLAIM_FILE_FIELDS
_UNIT_OF = {"export_share": "pct", "import_share": "pct", "trade_share": "pct",
            "trade_ratio": "ratio", "export_rank": "rank", "import_rank": "rank",
            "trade_rank": "rank", "trade_growth": "pct", "export_growth": "pct",
            "import_growth": "pct"}  # fmt: skip
_GROWTH_OF = {"trade_growth": "total_trade", "export_growth": "exports", "import_growth": "imports"}
VERDICTS = ("holds", "does not hold", "cannot be checked")


@dataclass(frozen=True)
class Claim:
    """One row of a claims file, checked: its text fields and the value as written."""

    claim_id: str
    statement: str
    quantity: str
    reporter: str
    partner: str
    year: int
    value: float
    digits: int
    unit: str
    qualifier: str
    other_reporter: str = ""
    other_partner: str = ""
    base_year: int | None = None
    source: str = ""
    period: str = ""
    basis: str = "calendar"


# A value as an article writes it: digits, a point, no exponent (the decimals are its rounding).
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _digits(text: str) -> int:
    """Return how many decimals a number is written with (``56.9``: 1; ``135``: 0)."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _period(text: str) -> tuple[int, str] | None:
    """Read a period: ``2019`` (calendar), ``FY2019-20``, ``2019-20`` or ``FY2019`` (fiscal).

    Examples
    --------
    >>> _period("2019"), _period("FY2019-20"), _period("FY2019"), _period("2019-21")
    ((2019, 'calendar'), (2019, 'fiscal'), (2019, 'fiscal'), None)
    """
    m = re.fullmatch(r"(FY)?([12][0-9]{3})(?:-([0-9]{2}))?", text.strip())
    if m is None:
        return None
    year = int(m.group(2))
    if m.group(3) is not None and int(m.group(3)) != (year + 1) % 100:
        return None
    return year, "fiscal" if m.group(1) or m.group(3) else "calendar"


def load_claims(
    source: str | Path,
    *,
    reporter: str | None = None,
    partner: str | None = None,
    data_dir: Path = DATA_DIR,
) -> list[Claim]:
    """Read and check a claims file, or a claims table of the data package, by name.

    Parameters
    ----------
    source
        A table of the data package (``claims_korea_united_states``) or a CSV file with
        the columns :data:`CLAIM_FIELDS`.
    reporter, partner
        Countries for the rows that leave ``reporter`` or ``partner`` blank (``--pair``).
    data_dir
        The data folder whose tables may be named.

    Returns
    -------
    list of Claim
        The claims, in file order.

    Raises
    ------
    DataError
        Every row that cannot be read, by line and column (:func:`read_claims`).
    """
    from analysis import data

    if isinstance(source, str) and source in data.table_names(data_dir):
        # Through the package, so that a build knows the page read this table.
        table = data.load(source, data_dir=data_dir).astype("string").fillna("")
        rows = [list(map(str, table.columns)), *table.astype(str).to_numpy().tolist()]
        return _parse(f"{source}.csv", rows, reporter, partner)
    return read_claims(Path(source), reporter=reporter, partner=partner)


def read_claims(
    path: Path, *, reporter: str | None = None, partner: str | None = None
) -> list[Claim]:
    """Read and check a claims file: one claim a row, in the vocabulary of this module.

    Parameters
    ----------
    path
        A CSV file with the columns :data:`CLAIM_FIELDS`.
    reporter, partner
        Countries for the rows that leave ``reporter`` or ``partner`` blank (``--pair``).

    Returns
    -------
    list of Claim
        The claims, in file order.

    Raises
    ------
    DataError
        Every row that cannot be read, by line and column: an unknown quantity, unit or
        qualifier, a unit that does not fit the quantity, a country no table knows, a
        period that is not a year or fiscal year, a value that is not a number, a claim
        id given twice, a ratio without its other pair or a growth without its base.
    """
    name = str(path)
    try:
        body = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(Problem(name, None, None, "a readable UTF-8 claims file",
                                str(err))) from None  # fmt: skip
    return _parse(name, list(csv.reader(io.StringIO(body))), reporter, partner)


def _parse(
    name: str, rows: list[list[str]], reporter: str | None, partner: str | None
) -> list[Claim]:
    """Check the rows of a claims file (the header first) and return its claims."""
    if not rows:
        raise DataError(Problem(name, None, None, "a header line", "an empty file"))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in CLAIM_FIELDS if c not in header]
    extra = [c for c in header if c not in CLAIM_FIELDS]
    if missing or extra:
        raise DataError(Problem(name, 1, None, "the columns " + ", ".join(CLAIM_FIELDS),
                                "missing " + (", ".join(missing) or "none") + "; unknown "
                                + (", ".join(extra) or "none")))  # fmt: skip
    problems: list[Problem] = []
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(name, line, None, f"{len(header)} cells", f"{len(cells)}"))
            continue
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        claim, found = _check_row(name, line, row, seen, (reporter, partner))
        seen.setdefault(row["claim_id"], line)
        problems += found
        if claim is not None:
            claims.append(claim)
    if problems:
        raise DataError(problems)
    if not claims:
        raise DataError(Problem(name, 2, None, "at least one claim", "no row after the header"))
    return claims


def _check_row(
    name: str,
    line: int,
    row: dict[str, str],
    seen: dict[str, int],
    pair: tuple[str | None, str | None],
) -> tuple[Claim | None, list[Problem]]:
    """Check one row of a claims file: its claim, or the problems of each of its cells."""
    from analysis.measures.pair import resolve_country

    problems: list[Problem] = []

    def bad(column: str, expected: str, found: str | None = None) -> None:
        shown = repr(row[column]) if found is None else found
        problems.append(Problem(name, line, column, expected, shown))

    cid, quantity = row["claim_id"], row["quantity"]
    if not cid:
        bad("claim_id", "an id")
    elif cid in seen:
        bad("claim_id", f"an id not used before (line {seen[cid]} has it)")
    if not row["statement"]:
        bad("statement", "the sentence the claim comes from")
    if quantity not in QUANTITIES:
        bad("quantity", "one of " + ", ".join(QUANTITIES))
    countries = {}
    defaults = {"reporter": pair[0], "partner": pair[1], "other_reporter": None,
                "other_partner": None}  # fmt: skip
    for column, default in defaults.items():
        given = row[column] or (default or "")
        countries[column] = ""
        if not given:
            needed = column in ("reporter", "partner") or quantity == "trade_ratio"
            if needed:
                pair_option = " or --pair" if column in ("reporter", "partner") else ""
                bad(column, "a country (code or name)" + pair_option)
            continue
        try:
            countries[column] = resolve_country(given, option=column)
        except DataError as err:
            bad(column, "a country (code or name)", f"{given!r}: {err.problems[0].expected}")
    if countries["reporter"] and countries["reporter"] == countries["partner"]:
        bad("partner", "a country other than the reporter")
    period = _period(row["period"])
    if period is None:
        bad("period", "a year (2019) or a fiscal year (FY2019-20)")
    base = _period(row["base_period"]) if row["base_period"] else None
    if quantity in _GROWTH_OF and base is None:
        bad("base_period", "the year the growth is measured from")
    elif quantity not in _GROWTH_OF and row["base_period"] and quantity in QUANTITIES:
        bad("base_period", f"blank: {quantity} is not a growth")
    elif base is not None and period is not None and base[1] != period[1]:
        bad("base_period", f"a {period[1]} year, as the period is")
    elif base is not None and period is not None and base[0] >= period[0]:
        bad("base_period", f"a year before the period ({row['period']})")
    value = float(row["value"]) if _NUMBER.fullmatch(row["value"]) else math.nan
    if math.isnan(value):
        bad("value", "a number written with digits and a point (56.9)")
    unit, wanted = row["unit"], _UNIT_OF.get(quantity)
    if unit not in UNITS:
        bad("unit", "one of " + ", ".join(UNITS))
    elif quantity in QUANTITIES and not _unit_fits(quantity, unit):
        units = ("usd, usd_mn or usd_bn" if wanted is None
                 else "pct or ratio" if quantity == "trade_ratio" else wanted)  # fmt: skip
        bad("unit", f"a unit of {quantity}: {units}")
    qualifier = row["qualifier"] or "exact"
    if qualifier not in QUALIFIERS:
        bad("qualifier", "one of " + ", ".join(QUALIFIERS))
    elif qualifier == "top" and wanted != "rank":
        bad("qualifier", "'top' with a rank only")
    if value < 0 and quantity != "balance" and quantity not in _GROWTH_OF:
        bad("value", f"a value of zero or more for {quantity}")
    if problems or period is None:
        return None, problems
    claim = Claim(
        claim_id=cid, statement=row["statement"], quantity=quantity,
        reporter=countries["reporter"], partner=countries["partner"], year=period[0],
        value=value, digits=_digits(row["value"]), unit=unit, qualifier=qualifier,
        other_reporter=countries["other_reporter"], other_partner=countries["other_partner"],
        base_year=None if base is None else base[0], source=row["source"],
        period=row["period"], basis=period[1],
    )  # fmt: skip
    return claim, []


def _unit_fits(quantity: str, unit: str) -> bool:
    wanted = _UNIT_OF.get(quantity)
    if wanted is None:
        return unit.startswith("usd")
    if quantity == "trade_ratio":
        return unit in ("ratio", "pct")
    return unit == wanted


@dataclass(frozen=True)
class Evidence:
    """A claim measured on one basis: the value in the claim's unit, or why there is none."""

    claim_id: str
    basis: str
    side: str
    measured: float | None
    verdict: str
    explanation: str


def _flow(totals: pd.DataFrame, quantity: str, year: int) -> float | None:
    """Return a flow quantity (US$) from a pair's yearly totals, or ``None`` for no figure."""
    row = totals[totals["year"] == year]
    if row.empty:
        return None
    r = row.iloc[0]
    value = {"exports": r.exports_usd, "imports": r.imports_usd, "total_trade": r.total_usd,
             "balance": r.balance_usd, "surplus": r.balance_usd,
             "deficit": -r.balance_usd}[quantity]  # fmt: skip
    return None if pd.isna(value) else float(value)


def _measure_flow(totals: pd.DataFrame, claim: Claim) -> float | None:
    """Return a flow (US$) or its growth (%) from a pair's yearly totals."""
    if claim.quantity not in _GROWTH_OF:
        return _flow(totals, claim.quantity, claim.year)
    flow = _GROWTH_OF[claim.quantity]
    x, y = _flow(totals, flow, claim.base_year), _flow(totals, flow, claim.year)
    return None if x is None or y is None or not x else 100 * (y / x - 1)


def _share(dots: pd.DataFrame, claim: Claim) -> float | None:
    """Return the partner's share (%) of the reporter's exports, imports or trade with the world."""
    pair = bilateral.pair_totals(dots, claim.reporter, claim.partner, reporter=claim.reporter)
    world = bilateral.world_trade(dots, claim.reporter)
    column = {"export_share": "exports_usd", "import_share": "imports_usd",
              "trade_share": "total_usd"}[claim.quantity]  # fmt: skip
    p = pair.loc[pair["year"] == claim.year, column]
    w = world.loc[world["year"] == claim.year, column]
    if p.empty or w.empty or not w.iloc[0]:
        return None
    return 100 * float(p.iloc[0]) / float(w.iloc[0])


def _rank(dots: pd.DataFrame, claim: Claim) -> float | None:
    """Return the partner's rank among the reporter's partners (by exports, imports or both)."""
    flows = {"export_rank": ["export"], "import_rank": ["import"],
             "trade_rank": ["export", "import"]}[claim.quantity]  # fmt: skip
    rows = dots[(dots["reporter_iso3"] == claim.reporter) & (dots["year"] == claim.year)
                & dots["flow"].isin(flows)]  # fmt: skip
    if rows.empty:
        return None
    ranked = bilateral.partner_ranking(rows, claim.reporter, claim.year).set_index("partner_iso3")
    return float(ranked.loc[claim.partner, "rank"]) if claim.partner in ranked.index else None


def _in_unit(value: float, claim: Claim) -> float:
    """Express a measured value (US$, %, a ratio or a rank) in the claim's unit."""
    if claim.unit.startswith("usd"):
        return value / UNITS[claim.unit]
    if claim.quantity == "trade_ratio" and claim.unit == "pct":
        return 100 * value
    return value


def judge(measured: float, claim: Claim, about_rel: float) -> bool:
    """Tell whether a measured value (in the claim's unit) bears the claim out.

    A value written with ``d`` decimals stands for the interval it rounds from (``56.9``:
    56.85 to 56.95); "about" widens it to ``about_rel`` of the value.

    Parameters
    ----------
    measured
        The measured value, in the claim's unit.
    claim
        The claim.
    about_rel
        The relative tolerance of "about" (``claim_qualifiers``).

    Returns
    -------
    bool
        ``True`` when the claim holds on this value.

    Examples
    --------
    >>> c = Claim("X", "s", "exports", "USA", "KOR", 2019, 56.9, 1, "usd_bn", "exact")
    >>> judge(56.94, c, 0.05), judge(57.0, c, 0.05)
    (True, False)
    """
    half = 0.5 * 10.0 ** (-claim.digits)
    v, q = claim.value, claim.qualifier
    if q == "exact":
        return abs(measured - v) <= half + 1e-12
    if q == "about":
        return abs(measured - v) <= max(half, about_rel * abs(v)) + 1e-12
    if q == "more_than":
        return measured > v
    if q == "less_than":
        return measured < v
    if q == "at_least":
        return measured >= v - half
    if q == "at_most":
        return measured <= v + half
    return measured <= v  # top: a rank at or above the value


def _dots_value(dots: pd.DataFrame, claim: Claim, side: str) -> tuple[float | None, str]:
    """Measure a claim on IMF DOTS, on ``side``'s figures; ``None`` and the reason if it cannot."""
    name = country_name(side)
    last = int(dots["year"].max())
    if claim.basis == "fiscal":
        return None, ("IMF DOTS gives calendar years: a fiscal-year claim needs "
                      f"{country_name(claim.reporter)}'s fiscal-year figures (its ministry's, "
                      "or monthly data summed)")  # fmt: skip
    if (
        claim.quantity in _UNIT_OF
        and claim.quantity != "trade_ratio"
        and claim.quantity not in _GROWTH_OF
    ):
        if side != claim.reporter:
            return None, (f"{name}'s figures give no world total for "
                          f"{country_name(claim.reporter)}: shares and ranks are measured on "
                          "the reporter's own figures")  # fmt: skip
        value = _share(dots, claim) if claim.quantity.endswith("share") else _rank(dots, claim)
    elif claim.quantity == "trade_ratio":
        other_side = claim.other_reporter if side == claim.reporter else claim.other_partner
        a = bilateral.pair_totals(dots, claim.reporter, claim.partner, reporter=side)
        b = bilateral.pair_totals(dots, claim.other_reporter, claim.other_partner,
                                  reporter=other_side)  # fmt: skip
        x, y = _flow(a, "total_trade", claim.year), _flow(b, "total_trade", claim.year)
        value = None if x is None or y is None or not y else x / y
    else:
        totals = bilateral.pair_totals(dots, claim.reporter, claim.partner, reporter=side)
        value = _measure_flow(totals, claim)
    if value is None:
        growth = claim.quantity in _GROWTH_OF
        years = f"{claim.base_year} and {claim.year}" if growth else str(claim.year)
        if claim.year > last:
            return None, (f"IMF DOTS ends in {last}: a download of {name}'s trade for "
                          f"{years} (--data) would settle it")  # fmt: skip
        return None, (f"IMF DOTS gives no usable figure of {name}'s for {years} (a flow, "
                      "the world total or the other pair not reported, or a zero to divide "
                      f"by): a download of {name}'s trade (--data) would settle it")  # fmt: skip
    return _in_unit(value, claim), ""


def _files_value(trade: Sequence, claim: Claim) -> tuple[float | None, str]:
    """Measure a flow claim on the downloads given (``--data``), calendar years."""
    from analysis.measures import pair

    if claim.quantity not in ("exports", "imports", "total_trade", "balance", "surplus",
                              "deficit", *_GROWTH_OF):  # fmt: skip
        return (
            None,
            "the files are read for flows and growth only; shares, ranks and ratios use IMF DOTS",
        )
    if claim.basis == "fiscal":
        return None, "the files give calendar years"
    try:
        chosen = pair.select(trade, claim.reporter, claim.partner)
    except DataError as err:
        first = err.problems[0]
        return None, f"the files cannot serve the pair: {first.expected}, found {first.found}"
    value = _measure_flow(pair.by_year(chosen), claim)
    if value is None:
        return None, f"the files hold no figure for {_when(claim)}"
    return _in_unit(value, claim), ""


def _safely(measure: Callable[..., tuple[float | None, str]], *args: object
            ) -> tuple[float | None, str]:  # fmt: skip
    """Run one basis's measure; a data problem of that basis makes it unable to check, not fatal."""
    try:
        return measure(*args)
    except DataError as err:
        first = err.problems[0]
        return None, f"the data cannot measure it: expected {first.expected}, found {first.found}"


def evaluate(
    claims: Sequence[Claim], dots: pd.DataFrame, *, about_rel: float, trade: Sequence = ()
) -> list[Evidence]:
    """Measure each claim on each basis that could be its source, with a verdict per basis.

    Parameters
    ----------
    claims
        Output of :func:`read_claims`.
    dots
        The ``dots_trade`` table.
    about_rel
        The relative tolerance of "about" (``claim_qualifiers``).
    trade
        Downloads from :func:`analysis.readers.formats.load_files`, if any: a third basis.

    Returns
    -------
    list of Evidence
        For each claim: the reporter's own figures, the partner's (mirror) figures and,
        with downloads, the files; the measured value in the claim's unit and the verdict
        on that basis, or why it cannot be checked.
    """
    out = []
    for c in claims:
        bases = [(f"IMF DOTS, {country_name(c.reporter)}'s figures", c.reporter,
                  *_safely(_dots_value, dots, c, c.reporter)),
                 (f"IMF DOTS, {country_name(c.partner)}'s figures (mirror)", c.partner,
                  *_safely(_dots_value, dots, c, c.partner))]  # fmt: skip
        if trade:
            bases.append(("the files given", "", *_safely(_files_value, trade, c)))
        for basis, side, value, why in bases:
            if value is None:
                out.append(Evidence(c.claim_id, basis, side, None, "cannot be checked", why))
                continue
            holds = judge(value, c, about_rel)
            out.append(Evidence(c.claim_id, basis, side, value,
                                "holds" if holds else "does not hold",
                                f"measured {_shown(value, c)} {c.unit} against "
                                f"{QUALIFIERS[c.qualifier].split(' the value')[0]} "
                                f"{c.value:,.{c.digits}f} {c.unit}"))  # fmt: skip
    return out


def overall(evidence: Sequence[Evidence]) -> str:
    """Give a claim's verdict from its verdicts on every basis, by one rule.

    A claim holds when one series that could be its source bears it out: publishers
    quote one country's statistics, seldom saying whose. It does not hold when every
    series that measures it says so, and cannot be checked when none measures it.

    Parameters
    ----------
    evidence
        The claim's :class:`Evidence`, one per basis.

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Examples
    --------
    >>> overall([Evidence("X", "a", "USA", 1.0, "does not hold", ""),
    ...          Evidence("X", "b", "KOR", 2.0, "holds", "")])
    'holds'
    """
    verdicts = {e.verdict for e in evidence}
    if "holds" in verdicts:
        return "holds"
    return "does not hold" if "does not hold" in verdicts else "cannot be checked"


def _shown(measured: float, claim: Claim) -> str:
    """Format a measured value one decimal finer than the claim is written (at least two)."""
    return f"{measured:,.{max(claim.digits, 1) + 1}f}"


def _when(claim: Claim) -> str:
    """Return a claim's period as a phrase: ``2019``, or ``2018 to 2019`` for a growth."""
    return f"{claim.base_year} to {claim.period}" if claim.base_year else claim.period


LEDGER_COLUMNS = ["claim_id", "statement", "claimed", "verdict", "holds_on", "measured", "source"]


def ledger(claims: Sequence[Claim], evidence: Sequence[Evidence]) -> pd.DataFrame:
    """Return one row per claim: its verdict, the bases that bear it out, the measured values.

    Parameters
    ----------
    claims
        The claims.
    evidence
        Output of :func:`evaluate`.

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``statement``, ``claimed`` (the value as a phrase), ``verdict``,
        ``holds_on`` (the bases, ``;``-joined), ``measured`` (each basis's value in the
        claim's unit, or why not), ``source``.
    """
    rows = []
    for c in claims:
        mine = [e for e in evidence if e.claim_id == c.claim_id]
        rows.append({
            "claim_id": c.claim_id, "statement": c.statement,
            "claimed": f"{c.qualifier.replace('_', ' ')} {c.value:,.{c.digits}f} {c.unit} "
                       f"({_when(c)})",
            "verdict": overall(mine),
            "holds_on": "; ".join(e.basis for e in mine if e.verdict == "holds"),
            "measured": "; ".join(f"{e.basis}: " + (e.explanation if e.measured is None else
                                  _shown(e.measured, c)) for e in mine),
            "source": c.source,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)


def evidence_table(evidence: Sequence[Evidence]) -> pd.DataFrame:
    """Return the evidence as a table, one row per claim and basis."""
    return pd.DataFrame([e.__dict__ for e in evidence],
                        columns=["claim_id", "basis", "side", "measured", "verdict",
                                 "explanation"])  # fmt: skip


def about_tolerance(qualifiers: pd.DataFrame) -> float:
    """Return the relative tolerance of "about" from the ``claim_qualifiers`` register.

    Parameters
    ----------
    qualifiers
        The ``claim_qualifiers`` table: ``qualifier``, ``tolerance_rel``, ``reason``.

    Returns
    -------
    float
        The tolerance (0.05: 5% either way).

    Raises
    ------
    DataError
        If the register gives no tolerance for "about".
    """
    rows = qualifiers.loc[qualifiers["qualifier"] == "about", "tolerance_rel"]
    if len(rows) != 1 or pd.isna(rows.iloc[0]):
        raise DataError(Problem("claim_qualifiers.csv", None, "tolerance_rel",
                                "one tolerance for 'about'", f"{len(rows)} rows"))  # fmt: skip
    return float(rows.iloc[0])


def sources(claims: Sequence[Claim]) -> list[str]:
    """Return the distinct sources the claims cite, in order (a row citing "as K01" adds none).

    Parameters
    ----------
    claims
        The claims.

    Returns
    -------
    list of str
        The sources as written in the file.
    """
    cited = [c.source for c in claims if c.source and "(as " not in c.source]
    return list(dict.fromkeys(cited))


def claims_table(claims: Sequence[Claim]) -> pd.DataFrame:
    """Return the claims as a table: id, statement, quantity, period, value, unit, qualifier."""
    return pd.DataFrame(
        [{"claim_id": c.claim_id, "statement": c.statement, "quantity": c.quantity,
          "period": c.period, "value": c.value, "unit": c.unit, "qualifier": c.qualifier}
         for c in claims],
        columns=["claim_id", "statement", "quantity", "period", "value", "unit", "qualifier"],
    )  # fmt: skip
