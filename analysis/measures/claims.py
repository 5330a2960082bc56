"""Check published claims about any pair's trade, written as data, on every basis the data hold.

A claims file (CSV, one claim a row, :data:`CLAIM_FIELDS`) states each claim in a small
vocabulary: the quantity (:data:`QUANTITIES`), the countries, the period, the claimed
value with its unit (:data:`UNITS`) and how it is qualified (:data:`QUALIFIERS`:
"about", "more than", "less than", "top", "barely in the top"), and the sentence it
comes from. Each claim is measured on each series that could be its source
(:func:`evaluate`): the reporter's own figures and the partner's mirror figures in the
embedded IMF DOTS panel, the reporter's fiscal years where they are given, and the
figures of any downloads given. A basis that cannot measure the claim says which data
would. The verdict of a claim overall follows one rule (:func:`judgements`): its own
(:data:`RULES`), or, for claims stated in one sentence, the basis closest to them all.
A claim outside the vocabulary (quantity ``other``) names a check its caller registers,
or the data that would check it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.config import DATA_DIR
from analysis.curate.claim_files import (
    CLAIM_FILE_FIELDS,
    OPTIONAL_FIELDS,
    QUALIFIERS,
    QUANTITIES,
    RULES,
    UNITS,
)
from analysis.data import country_name
from analysis.errors import DataError, Problem
from analysis.measures import bilateral

CLAIM_FIELDS = CLAIM_FILE_FIELDS
_UNIT_OF = {"export_share": "pct", "import_share": "pct", "trade_share": "pct",
            "trade_ratio": "ratio", "export_rank": "rank", "import_rank": "rank",
            "trade_rank": "rank", "trade_growth": "pct", "export_growth": "pct",
            "import_growth": "pct", "trade_cagr": "pct", "export_cagr": "pct",
            "import_cagr": "pct", "export_product_share": "pct", "import_product_share": "pct",
            "export_hhi": "ratio", "import_hhi": "ratio"}  # fmt: skip
# Quantities measured on product detail, which only downloads hold: their flow.
_PRODUCT_FLOW = {"export_product_share": "export", "import_product_share": "import",
                 "export_hhi": "export", "import_hhi": "import"}  # fmt: skip
_HS_CODE = re.compile(r"[0-9]{2}([0-9]{2}){0,2}")
# Growth over a span (in %), total or compound annual, of each flow.
_GROWTH_OF = {"trade_growth": "total_trade", "export_growth": "exports", "import_growth": "imports",
              "trade_cagr": "total_trade", "export_cagr": "exports",
              "import_cagr": "imports"}  # fmt: skip
_FLOWS = ("exports", "imports", "total_trade", "balance", "surplus", "deficit", *_GROWTH_OF)
HOLDS, APPROX, FAILS, UNCHECKABLE = (
    "holds",
    "holds approximately",
    "does not hold",
    "cannot be checked with the data at hand",
)
VERDICTS = (HOLDS, APPROX, FAILS, UNCHECKABLE)
#: Qualifiers whose verdict reads a tolerance; the others are bounds or ranks.
TAKES_TOLERANCE = ("exact", "about", "barely_top")
# Qualifiers that state a point value: the ones a sentence's basis is chosen on.
_POINT = ("exact", "about")


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
    basis: str = "unstated"
    sentence: str = ""
    product: str = ""
    rule: str = "any_basis"
    check: str = ""
    checkable_with: str = ""


# A value as an article writes it: digits, a point, no exponent (the decimals are its rounding).
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _digits(text: str) -> int:
    """Return how many decimals a number is written with (``56.9``: 1; ``135``: 0)."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def _period(text: str) -> tuple[int, str] | None:
    """Read a period: ``2019`` (basis unstated), ``CY2019`` (calendar) or a fiscal year.

    A fiscal year is written ``FY2019-20``, ``2019-20`` or ``FY2019``, by the year it starts in.

    Examples
    --------
    >>> _period("2019"), _period("CY2019"), _period("FY2019-20"), _period("2019-21")
    ((2019, 'unstated'), (2019, 'calendar'), (2019, 'fiscal'), None)
    """
    m = re.fullmatch(r"(FY|CY)?([12][0-9]{3})(?:-([0-9]{2}))?", text.strip())
    if m is None or (m.group(1) == "CY" and m.group(3) is not None):
        return None
    year = int(m.group(2))
    if m.group(3) is not None and int(m.group(3)) != (year + 1) % 100:
        return None
    if m.group(1) == "CY":
        return year, "calendar"
    return year, "fiscal" if m.group(1) or m.group(3) else "unstated"


def load_claims(
    source: str | Path,
    *,
    reporter: str | None = None,
    partner: str | None = None,
    checks: Collection[str] = (),
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
    checks
        The names of the checks the caller registers for claims outside the vocabulary.
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
        table = data.load(source, data_dir=data_dir)
        return claims_from_table(table, f"{source}.csv", reporter=reporter, partner=partner,
                                 checks=checks)  # fmt: skip
    return read_claims(Path(source), reporter=reporter, partner=partner, checks=checks)


def claims_from_table(
    table: pd.DataFrame,
    name: str,
    *,
    reporter: str | None = None,
    partner: str | None = None,
    checks: Collection[str] = (),
) -> list[Claim]:
    """Check a claims table already in memory, as :func:`read_claims` checks a file.

    Parameters
    ----------
    table
        The claims, one a row, with the columns :data:`CLAIM_FIELDS`.
    name
        How problems name the table (its file).
    reporter, partner, checks
        As for :func:`read_claims`.

    Returns
    -------
    list of Claim
        The claims, in table order.
    """
    cells = table.astype("string").fillna("")
    rows = [list(map(str, cells.columns)), *cells.astype(str).to_numpy().tolist()]
    return _parse(name, rows, reporter, partner, checks)


def read_claims(
    path: Path,
    *,
    reporter: str | None = None,
    partner: str | None = None,
    checks: Collection[str] = (),
) -> list[Claim]:
    """Read and check a claims file: one claim a row, in the vocabulary of this module.

    Parameters
    ----------
    path
        A CSV file with the columns :data:`CLAIM_FIELDS` (those of
        :data:`~analysis.curate.claim_files.OPTIONAL_FIELDS` may be left out).
    reporter, partner
        Countries for the rows that leave ``reporter`` or ``partner`` blank (``--pair``).
    checks
        The names of the checks the caller registers for claims outside the vocabulary
        (quantity ``other``); a file naming another is refused.

    Returns
    -------
    list of Claim
        The claims, in file order.

    Raises
    ------
    DataError
        Every row that cannot be read, by line and column: an unknown quantity, unit,
        qualifier, rule or check, a unit that does not fit the quantity, a country no
        table knows, a period that is not a year or fiscal year, a value that is not a
        number, a claim id given twice, a ratio without its other pair, a growth without
        its base, a claim outside the vocabulary with neither a check nor the data that
        would check it.
    """
    name = str(path)
    try:
        body = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(Problem(name, None, None, "a readable UTF-8 claims file",
                                str(err))) from None  # fmt: skip
    return _parse(name, list(csv.reader(io.StringIO(body))), reporter, partner, checks)


def _parse(
    name: str,
    rows: list[list[str]],
    reporter: str | None,
    partner: str | None,
    checks: Collection[str] = (),
) -> list[Claim]:
    """Check the rows of a claims file (the header first) and return its claims."""
    if not rows:
        raise DataError(Problem(name, None, None, "a header line", "an empty file"))
    header = [h.strip() for h in rows[0]]
    missing = [c for c in CLAIM_FIELDS if c not in header and c not in OPTIONAL_FIELDS]
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
        row = dict.fromkeys(OPTIONAL_FIELDS, "")
        row.update({h: c.strip() for h, c in zip(header, cells, strict=True)})
        claim, found = _check_row(name, line, row, seen, (reporter, partner), checks)
        seen.setdefault(row["claim_id"], line)
        problems += found
        if claim is not None:
            claims.append(claim)
    problems += _check_sentences(name, claims)
    if problems:
        raise DataError(problems)
    if not claims:
        raise DataError(Problem(name, 2, None, "at least one claim", "no row after the header"))
    return claims


def _check_sentences(name: str, claims: Sequence[Claim]) -> list[Problem]:
    """Refuse a sentence whose claims cannot share a basis: no point value, or two periods."""
    problems = []
    for sentence in dict.fromkeys(c.sentence for c in claims if c.sentence):
        mine = [c for c in claims if c.sentence == sentence]
        if not any(c.qualifier in _POINT for c in mine):
            problems.append(Problem(name, None, "sentence", f"an exact or 'about' figure among "
                                    f"the claims of sentence {sentence}", "none"))  # fmt: skip
        if len({c.period for c in mine}) > 1:
            problems.append(Problem(name, None, "sentence", f"one period for the claims of "
                                    f"sentence {sentence}",
                                    ", ".join(sorted({c.period for c in mine}))))  # fmt: skip
    return problems


def _check_row(
    name: str,
    line: int,
    row: dict[str, str],
    seen: dict[str, int],
    pair: tuple[str | None, str | None],
    checks: Collection[str] = (),
) -> tuple[Claim | None, list[Problem]]:
    """Check one row of a claims file: its claim, or the problems of each of its cells."""
    from analysis.measures.pair import resolve_country

    problems: list[Problem] = []

    def bad(column: str, expected: str, found: str | None = None) -> None:
        shown = repr(row[column]) if found is None else found
        problems.append(Problem(name, line, column, expected, shown))

    cid, quantity = row["claim_id"], row["quantity"]
    other = quantity == "other"
    if not cid:
        bad("claim_id", "an id")
    elif cid in seen:
        bad("claim_id", f"an id not used before (line {seen[cid]} has it)")
    if not row["statement"]:
        bad("statement", "the sentence the claim comes from")
    if quantity not in QUANTITIES:
        bad("quantity", "one of " + ", ".join(QUANTITIES))
    rule = row["rule"] or "any_basis"
    if rule not in RULES:
        bad("rule", "one of " + ", ".join(RULES))
    elif rule != "any_basis" and row["sentence"]:
        bad("rule", "blank for a claim in a sentence (the sentence's basis decides)")
    if other:
        if row["check"] and row["check"] not in checks:
            bad("check", "one of the checks registered: " + (", ".join(sorted(checks)) or "none"))
        elif not row["check"] and not row["checkable_with"]:
            bad("checkable_with", "the data that would check it (or a check)")
        if row["sentence"]:
            bad("sentence", "blank for quantity other")
    elif row["check"] or row["checkable_with"]:
        column = "check" if row["check"] else "checkable_with"
        bad(column, "blank, as quantity is not other")
    countries = {}
    defaults = {"reporter": pair[0], "partner": pair[1], "other_reporter": None,
                "other_partner": None}  # fmt: skip
    for column, default in defaults.items():
        given = row[column] or (default or "")
        countries[column] = ""
        if not given:
            needed = not other and (column in ("reporter", "partner")
                                    or quantity == "trade_ratio")  # fmt: skip
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
    value = float(row["value"]) if _NUMBER.fullmatch(row["value"]) else math.nan
    if other:
        # Outside the vocabulary the period, value and unit are the article's, as written.
        if row["value"] and math.isnan(value):
            bad("value", "a number written with digits and a point (56.9), or blank")
        if problems:
            return None, problems
        return Claim(
            claim_id=cid, statement=row["statement"], quantity=quantity,
            reporter=countries["reporter"], partner=countries["partner"], year=0, value=value,
            digits=_digits(row["value"]), unit=row["unit"], qualifier=row["qualifier"] or "exact",
            source=row["source"], period=row["period"], rule=rule, check=row["check"],
            checkable_with=row["checkable_with"],
        ), []  # fmt: skip
    period = _period(row["period"])
    if period is None:
        bad("period", "a year (2019), a calendar year (CY2019) or a fiscal year (FY2019-20)")
    base = _period(row["base_period"]) if row["base_period"] else None
    if quantity in _GROWTH_OF and base is None:
        bad("base_period", "the year the growth is measured from")
    elif quantity not in _GROWTH_OF and row["base_period"] and quantity in QUANTITIES:
        bad("base_period", f"blank: {quantity} is not a growth")
    elif base is not None and period is not None and base[1] != period[1]:
        bad("base_period", f"a year of the period's basis ({period[1]})")
    elif base is not None and period is not None and base[0] >= period[0]:
        bad("base_period", f"a year before the period ({row['period']})")
    if math.isnan(value):
        bad("value", "a number written with digits and a point (56.9)")
    unit, wanted = row["unit"], _UNIT_OF.get(quantity)
    if unit not in UNITS:
        bad("unit", "one of " + ", ".join(UNITS))
    elif quantity in QUANTITIES and not _unit_fits(quantity, unit):
        units = ("usd, usd_mn or usd_bn" if wanted is None
                 else "pct or ratio" if quantity == "trade_ratio" else wanted)  # fmt: skip
        bad("unit", f"a unit of {quantity}: {units}")
    if quantity.endswith("_product_share") and not _HS_CODE.fullmatch(row["product"]):
        bad("product", "an HS code of 2, 4 or 6 digits")
    elif row["product"] and not quantity.endswith("_product_share"):
        bad("product", "blank, as the quantity is not a product share")
    qualifier = row["qualifier"] or "exact"
    if qualifier not in QUALIFIERS:
        bad("qualifier", "one of " + ", ".join(QUALIFIERS))
    elif qualifier in ("top", "barely_top") and wanted != "rank":
        bad("qualifier", f"'{qualifier}' with a rank only")
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
        period=row["period"], basis=period[1], sentence=row["sentence"], product=row["product"],
        rule=rule,
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
    period: str = ""
    source_id: str = ""


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
    """Return a flow (US$), its growth or its compound annual growth (%) from yearly totals."""
    if claim.quantity not in _GROWTH_OF:
        return _flow(totals, claim.quantity, claim.year)
    flow = _GROWTH_OF[claim.quantity]
    x, y = _flow(totals, flow, claim.base_year), _flow(totals, flow, claim.year)
    if x is None or y is None or x <= 0 or y < 0:
        return None
    if claim.quantity.endswith("_cagr"):
        return 100 * ((y / x) ** (1 / (claim.year - claim.base_year)) - 1)
    return 100 * (y / x - 1)


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


def judge(measured: float, claim: Claim, tolerance: float) -> str:
    """Judge a measured value (in the claim's unit) against the claim.

    A value written with ``d`` decimals stands for the interval it rounds from (``56.9``:
    56.85 to 56.95; ``0.2``: 0.15 to 0.25). A point claim (exact, about) holds when the
    measured value lies in that interval, and holds approximately when it lies within
    the tolerance of the value, so a larger tolerance never makes a verdict worse. Bounds
    and "top" hold or do not. "Barely in the top" holds at the rank itself and
    approximately up to the tolerance above it.

    Parameters
    ----------
    measured
        The measured value, in the claim's unit.
    claim
        The claim.
    tolerance
        The relative tolerance (the claim's, or its qualifier's: ``claim_qualifiers``).

    Returns
    -------
    str
        ``holds``, ``holds approximately`` or ``does not hold``.

    Examples
    --------
    >>> c = Claim("X", "s", "exports", "USA", "KOR", 2019, 56.9, 1, "usd_bn", "about")
    >>> judge(56.94, c, 0.05), judge(58.0, c, 0.05), judge(62.0, c, 0.05)
    ('holds', 'holds approximately', 'does not hold')
    >>> r = Claim("R", "s", "trade_rank", "IND", "JPN", 2020, 15, 0, "rank", "barely_top")
    >>> judge(15, r, 0.34), judge(11, r, 0.34), judge(16, r, 0.34)
    ('holds', 'holds approximately', 'does not hold')
    """
    half = 0.5 * 10.0 ** (-claim.digits)
    v, q = claim.value, claim.qualifier
    within = bool(v) and abs(measured / v - 1) <= tolerance + 1e-12
    if q in ("exact", "about", "barely_top"):
        if q == "barely_top" and measured > v + half:
            return FAILS
        if abs(measured - v) <= half + 1e-12:
            return HOLDS
        return APPROX if within else FAILS
    holds = {
        "more_than": measured > v,
        "less_than": measured < v,
        "at_least": measured >= v - half,
        "at_most": measured <= v + half,
        "top": measured <= v,  # a rank at or above the value
    }[q]
    return HOLDS if holds else FAILS


def _dots_value(dots: pd.DataFrame, claim: Claim, side: str) -> tuple[float | None, str]:
    """Measure a claim on IMF DOTS, on ``side``'s figures; ``None`` and the reason if it cannot."""
    name = country_name(side)
    last = int(dots["year"].max())
    if claim.quantity in _PRODUCT_FLOW:
        return None, ("IMF DOTS has totals only: a UN Comtrade or BACI HS file of "
                      f"{name}'s trade (--data) would settle it")  # fmt: skip
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

    if claim.quantity not in _FLOWS and claim.quantity not in _PRODUCT_FLOW:
        return (
            None,
            "the files are read for flows, growth and products; shares, ranks and ratios of "
            "total trade use IMF DOTS",
        )
    if claim.basis == "fiscal":
        return None, "the files give calendar years"
    try:
        chosen = pair.select(trade, claim.reporter, claim.partner)
    except DataError as err:
        first = err.problems[0]
        return None, f"the files cannot serve the pair: {first.expected}, found {first.found}"
    if claim.quantity in _PRODUCT_FLOW:
        return _product_value(chosen.views, claim)
    value = _measure_flow(pair.by_year(chosen), claim)
    if value is None:
        return None, f"the files hold no figure for {_when(claim)}"
    return _in_unit(value, claim), ""


def _product_value(views: pd.DataFrame, claim: Claim) -> tuple[float | None, str]:
    """Measure a product share (%) or an HHI across HS chapters on the files' product detail.

    The reporter's own rows of the claim's year and flow in the first file that has them
    are used, at one level of detail so that no product is counted twice: the product's
    own level where the file has it (else the finest), chapters or the coarsest level for
    an HHI.
    """
    flow = _PRODUCT_FLOW[claim.quantity]
    rows = views[views["product_kind"].isin(["hs", "confidential"]) & (views["view"] != "mirror")
                 & (views["year"] == claim.year) & (views["flow"] == flow)]  # fmt: skip
    if rows.empty:
        return None, (f"the files hold no HS product detail of {flow}s for {claim.year}: a UN "
                      "Comtrade or BACI HS file would settle it")  # fmt: skip
    rows = rows[rows["file"] == rows["file"].iloc[0]]
    levels = set(rows["product"].str.len())
    wanted = len(claim.product)
    level = (min(levels) if claim.quantity.endswith("_hhi")
             else wanted if wanted in levels else max(levels))  # fmt: skip
    if not claim.quantity.endswith("_hhi") and level < wanted:
        return None, (f"the files give {flow}s at {level} digits, not the {wanted} of product "
                      f"{claim.product}")  # fmt: skip
    rows = rows[rows["product"].str.len() == level]
    total = float(rows["value_usd"].sum())
    if not total:
        return None, f"the files' {flow}s for {claim.year} sum to zero"
    if claim.quantity.endswith("_hhi"):
        chapters = rows.groupby(rows["product"].str[:2])["value_usd"].sum() / total
        return float((chapters**2).sum()), ""
    part = rows.loc[rows["product"].str.startswith(claim.product), "value_usd"].sum()
    return 100 * float(part) / total, ""


def _safely(measure: Callable[..., tuple[float | None, str]], *args: object
            ) -> tuple[float | None, str]:  # fmt: skip
    """Run one basis's measure; a data problem of that basis makes it unable to check, not fatal."""
    try:
        return measure(*args)
    except DataError as err:
        first = err.problems[0]
        return None, f"the data cannot measure it: expected {first.expected}, found {first.found}"


def _fiscal_value(fiscal: pd.DataFrame, claim: Claim) -> tuple[float | None, str]:
    """Measure a flow claim on the reporter's fiscal years (the one that starts in its year)."""
    rows = fiscal[(fiscal["reporter_iso3"] == claim.reporter)
                  & (fiscal["partner_iso3"] == claim.partner)]  # fmt: skip
    value = _measure_flow(rows, claim)
    if value is None:
        return None, (f"{country_name(claim.reporter)}'s fiscal-year figures hold none for "
                      f"the year that starts in {claim.year}")  # fmt: skip
    return _in_unit(value, claim), ""


def _fiscal_applies(fiscal: pd.DataFrame | None, claim: Claim) -> bool:
    """Tell whether the reporter's fiscal years could be a flow claim's source."""
    if fiscal is None or claim.quantity not in _FLOWS or claim.basis == "calendar":
        return False
    return bool(((fiscal["reporter_iso3"] == claim.reporter)
                 & (fiscal["partner_iso3"] == claim.partner)).any())  # fmt: skip


def _fiscal_period(fiscal: pd.DataFrame, claim: Claim) -> str:
    """Name the fiscal year a claim is measured on (``2020-21``), as the table labels it."""
    rows = fiscal.loc[fiscal["year"] == claim.year, "period"]
    return str(rows.iloc[0]) if len(rows) else f"{claim.year}-{(claim.year + 1) % 100:02d}"


def tolerance_of(
    claim: Claim, qualifiers: Mapping[str, float], tolerances: Mapping[str, float] | None = None
) -> float:
    """Return the tolerance a claim is judged with: its own if given, else its qualifier's.

    Parameters
    ----------
    claim
        The claim.
    qualifiers
        The tolerance of each qualifier (:func:`qualifier_tolerances`).
    tolerances
        Tolerances of single claims, by claim id.

    Returns
    -------
    float
        The relative tolerance (0 for a qualifier the register does not list).
    """
    return (tolerances or {}).get(claim.claim_id, qualifiers.get(claim.qualifier, 0.0))


def evaluate(
    claims: Sequence[Claim],
    dots: pd.DataFrame,
    *,
    qualifiers: Mapping[str, float],
    tolerances: Mapping[str, float] | None = None,
    trade: Sequence = (),
    fiscal: pd.DataFrame | None = None,
) -> list[Evidence]:
    """Measure each claim on each basis that could be its source, with a verdict per basis.

    Parameters
    ----------
    claims
        Output of :func:`read_claims`; claims outside the vocabulary are left out.
    dots
        The ``dots_trade`` table.
    qualifiers
        The tolerance of each qualifier (:func:`qualifier_tolerances`).
    tolerances
        Tolerances of single claims, by claim id, in place of their qualifier's.
    trade
        Downloads from :func:`analysis.readers.formats.load_files`, if any: another basis.
    fiscal
        A reporter's own figures by fiscal year, if any: ``reporter_iso3``,
        ``partner_iso3``, ``year`` (the year the fiscal year starts in), ``period`` (its
        label), ``exports_usd``, ``imports_usd``, ``total_usd``, ``balance_usd``,
        ``source_id``. A flow claim of that pair whose period does not say "calendar" is
        measured on the fiscal year that starts in its year too.

    Returns
    -------
    list of Evidence
        For each claim: the reporter's own figures, the partner's (mirror) figures, the
        fiscal years and the files where they apply; the measured value in the claim's
        unit and the verdict on that basis, or why it cannot be checked.
    """
    out = []
    for c in claims:
        if c.quantity == "other":
            continue
        calendar = c.period if c.basis != "fiscal" else ""
        bases = [(f"IMF DOTS, {country_name(c.reporter)}'s figures", c.reporter, calendar,
                  _source(dots), *_safely(_dots_value, dots, c, c.reporter)),
                 (f"IMF DOTS, {country_name(c.partner)}'s figures (mirror)", c.partner,
                  calendar, _source(dots), *_safely(_dots_value, dots, c, c.partner))]  # fmt: skip
        if fiscal is not None and _fiscal_applies(fiscal, c):
            bases.append((f"{country_name(c.reporter)}'s fiscal years", c.reporter,
                          _fiscal_period(fiscal, c), _source(fiscal, c.year),
                          *_safely(_fiscal_value, fiscal, c)))  # fmt: skip
        if trade:
            bases.append(("the files given", "", calendar, "",
                          *_safely(_files_value, trade, c)))  # fmt: skip
        tolerance = tolerance_of(c, qualifiers, tolerances)
        for basis, side, period, source_id, value, why in bases:
            if value is None:
                out.append(Evidence(c.claim_id, basis, side, None, UNCHECKABLE, why, period,
                                    source_id))  # fmt: skip
                continue
            out.append(Evidence(c.claim_id, basis, side, value, judge(value, c, tolerance),
                                f"measured {_shown(value, c)} {c.unit} against "
                                f"{QUALIFIERS[c.qualifier].split(' the value')[0]} "
                                f"{c.value:,.{c.digits}f} {c.unit}", period,
                                source_id))  # fmt: skip
    return out


def _source(table: pd.DataFrame, year: int | None = None) -> str:
    """Return the source ids of a table (of its rows for one year), ``;``-joined."""
    rows = table if year is None else table[table["year"] == year]
    return ";".join(dict.fromkeys(map(str, rows["source_id"].unique())))


def overall(evidence: Sequence[Evidence], rule: str = "any_basis") -> str:
    """Give a claim's verdict from its verdicts on every basis, by its rule.

    By ``any_basis`` a claim holds when one series that could be its source bears it
    out (publishers quote one country's statistics, seldom saying whose), holds
    approximately when one does so approximately, does not hold when every series that
    measures it says so, and cannot be checked when none measures it. By
    ``every_basis`` it holds only when every series that measures it bears it out, and
    holds approximately when one does, exactly or approximately.

    Parameters
    ----------
    evidence
        The claim's :class:`Evidence`, one per basis.
    rule
        One of :data:`~analysis.curate.claim_files.RULES`.

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Examples
    --------
    >>> both = [Evidence("X", "a", "USA", 1.0, "does not hold", ""),
    ...         Evidence("X", "b", "KOR", 2.0, "holds", "")]
    >>> overall(both), overall(both, "every_basis")
    ('holds', 'holds approximately')
    """
    measured = [e.verdict for e in evidence if e.verdict != UNCHECKABLE]
    if not measured:
        return UNCHECKABLE
    if rule == "every_basis" and set(measured) == {HOLDS}:
        return HOLDS
    if rule == "every_basis":
        return APPROX if HOLDS in measured or APPROX in measured else FAILS
    return next(v for v in (HOLDS, APPROX, FAILS) if v in measured)


@dataclass(frozen=True)
class Judgement:
    """A claim's verdict, the basis it was judged on (blank: its own rule) and the gaps."""

    claim_id: str
    verdict: str
    judged_on: str = ""
    gaps: tuple[tuple[str, float], ...] = ()


def sentence_gaps(claims: Sequence[Claim], evidence: Sequence[Evidence]) -> dict[str, float]:
    """Score each basis against a sentence's point figures together.

    Parameters
    ----------
    claims
        The claims of one sentence.
    evidence
        Their evidence.

    Returns
    -------
    dict
        For each basis that measures every exact or "about" figure of the sentence, the
        sum over them of ``|measured / claimed - 1|``, in basis order.
    """
    points = {c.claim_id: c.value for c in claims if c.qualifier in _POINT and c.value}
    gaps: dict[str, float] = {}
    for basis in dict.fromkeys(e.basis for e in evidence if e.claim_id in points):
        found = {e.claim_id: e.measured for e in evidence if e.basis == basis
                 and e.claim_id in points and e.measured is not None}  # fmt: skip
        if len(found) == len(points):
            gaps[basis] = sum(abs(found[k] / points[k] - 1) for k in points)
    return gaps


def judgements(claims: Sequence[Claim], evidence: Sequence[Evidence]) -> dict[str, Judgement]:
    """Give every claim its verdict, by its rule or by its sentence's basis.

    Claims stated in one sentence are judged together, on one basis: the one closest to
    all their point figures (the smallest sum of relative gaps, :func:`sentence_gaps`;
    the first in basis order on a tie). Judging each figure on whichever series suits it
    would let a sentence hold that no single source supports. A sentence no basis
    measures in full falls back to each claim's own rule (:func:`overall`).

    Parameters
    ----------
    claims
        The claims.
    evidence
        Output of :func:`evaluate`.

    Returns
    -------
    dict
        :class:`Judgement` by claim id, for the claims in the vocabulary.
    """
    out = {}
    gaps_of = {s: sentence_gaps([k for k in claims if k.sentence == s], evidence)
               for s in dict.fromkeys(c.sentence for c in claims if c.sentence)}  # fmt: skip
    for c in claims:
        if c.quantity == "other":
            continue
        mine = [e for e in evidence if e.claim_id == c.claim_id]
        out[c.claim_id] = Judgement(c.claim_id, overall(mine, c.rule))
        gaps = gaps_of.get(c.sentence)
        if gaps:
            basis = min(gaps, key=gaps.__getitem__)
            on = [e.verdict for e in mine if e.basis == basis]
            out[c.claim_id] = Judgement(c.claim_id, on[0] if on else UNCHECKABLE, basis,
                                        tuple(gaps.items()))  # fmt: skip
    return out


def _shown(measured: float, claim: Claim) -> str:
    """Format a measured value one decimal finer than the claim is written (at least two)."""
    return f"{measured:,.{max(claim.digits, 1) + 1}f}"


def _when(claim: Claim) -> str:
    """Return a claim's period as a phrase: ``2019``, or ``2018 to 2019`` for a growth."""
    return f"{claim.base_year} to {claim.period}" if claim.base_year else claim.period


LEDGER_COLUMNS = ["claim_id", "statement", "claimed", "verdict", "judged_on", "holds_on",
                  "measured", "explanation", "source"]  # fmt: skip


def claimed_phrase(claim: Claim) -> str:
    """Write a claim's value as a phrase: ``about 56.9 usd_bn (2019)``."""
    return (f"{claim.qualifier.replace('_', ' ')} {claim.value:,.{claim.digits}f} {claim.unit} "
            f"({_when(claim)})")  # fmt: skip


def explain(claim: Claim, evidence: Sequence[Evidence], judgement: Judgement,
            tolerance: float) -> str:  # fmt: skip
    """Say in a sentence or two how a claim was judged: the deciding basis and the others.

    Parameters
    ----------
    claim
        The claim.
    evidence
        Its evidence, one per basis.
    judgement
        Its :class:`Judgement`.
    tolerance
        The tolerance it was judged with.

    Returns
    -------
    str
        Plain text.
    """

    def value(e: Evidence) -> str:
        gap = (f" ({e.measured / claim.value - 1:+.1%})" if claim.value and claim.unit != "rank"
               else "")  # fmt: skip
        return f"{_shown(e.measured, claim)} {claim.unit}{gap}"

    def label(e: Evidence) -> str:
        return f"{e.basis}, {e.period}" if e.period else e.basis

    measured = [e for e in evidence if e.measured is not None]
    if not measured:
        return "No basis measures it: " + "; ".join(f"{e.basis}: {e.explanation}"
                                                    for e in evidence) + "."  # fmt: skip
    band = ""
    if claim.qualifier == "barely_top":
        low = math.ceil(claim.value * (1 - tolerance) - 1e-9)
        band = (
            f" 'Barely in the top {claim.value:g}' reads as a rank from {low} to {claim.value:g}."
        )
    elif claim.qualifier in _POINT and tolerance:
        band = f" It holds approximately within {tolerance:.0%} of the claim."
    if judgement.judged_on:
        on = next(e for e in evidence if e.basis == judgement.judged_on)
        others = [e for e in measured if e is not on]
        text = (f"Judged with the other figures of its sentence on the basis closest to them "
                f"all, {label(on)}: "
                + (value(on) if on.measured is not None else on.explanation)
                + f" against {claimed_phrase(claim)}, so it {on.verdict}.")  # fmt: skip
    else:
        others = measured
        text = (f"It {judgement.verdict} against {claimed_phrase(claim)} by its rule "
                f"({claim.rule}: {RULES[claim.rule]}).")  # fmt: skip
    if others:
        text += " Measured: " + "; ".join(
            f"{label(e)}: {value(e)}, {e.verdict}" for e in others) + "."  # fmt: skip
    return text + band


def ledger(
    claims: Sequence[Claim],
    evidence: Sequence[Evidence],
    *,
    qualifiers: Mapping[str, float] | None = None,
    tolerances: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Return one row per claim: its verdict, the bases that bear it out, the measured values.

    Parameters
    ----------
    claims
        The claims in the vocabulary.
    evidence
        Output of :func:`evaluate`.
    qualifiers, tolerances
        As given to :func:`evaluate`, for the explanations.

    Returns
    -------
    pandas.DataFrame
        ``claim_id``, ``statement``, ``claimed`` (the value as a phrase), ``verdict``,
        ``judged_on`` (the sentence's basis, or blank), ``holds_on`` (the bases that bear
        it out, ``;``-joined), ``measured`` (each basis's value in the claim's unit, or why
        not), ``explanation``, ``source``.
    """
    judged = judgements(claims, evidence)
    qualifiers = qualifiers or {}
    rows = []
    for c in claims:
        if c.quantity == "other":
            continue
        mine = [e for e in evidence if e.claim_id == c.claim_id]
        j = judged[c.claim_id]
        tolerance = tolerance_of(c, qualifiers, tolerances)
        rows.append({
            "claim_id": c.claim_id, "statement": c.statement, "claimed": claimed_phrase(c),
            "verdict": j.verdict, "judged_on": j.judged_on,
            "holds_on": "; ".join(e.basis for e in mine if e.verdict == HOLDS),
            "measured": "; ".join(f"{e.basis}: " + (e.explanation if e.measured is None else
                                  _shown(e.measured, c)) for e in mine),
            "explanation": explain(c, mine, j, tolerance), "source": c.source,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)


def evidence_table(evidence: Sequence[Evidence]) -> pd.DataFrame:
    """Return the evidence as a table, one row per claim and basis."""
    return pd.DataFrame([e.__dict__ for e in evidence],
                        columns=["claim_id", "basis", "side", "measured", "verdict",
                                 "explanation"])  # fmt: skip


def qualifier_tolerances(qualifiers: pd.DataFrame) -> dict[str, float]:
    """Return the relative tolerance of each qualifier from the ``claim_qualifiers`` register.

    Parameters
    ----------
    qualifiers
        The ``claim_qualifiers`` table: ``qualifier``, ``tolerance_rel``, ``reason``.

    Returns
    -------
    dict
        The tolerance of each qualifier (0.05: 5% either way).

    Raises
    ------
    DataError
        If the register leaves out a qualifier or gives one no tolerance, or gives a
        bound or "top" a tolerance (they take none).
    """
    given = dict(zip(qualifiers["qualifier"], qualifiers["tolerance_rel"], strict=True))
    problems = []
    for q in QUALIFIERS:
        if q not in given or pd.isna(given[q]):
            problems.append(Problem("claim_qualifiers.csv", None, "tolerance_rel",
                                    f"a tolerance for '{q}'", "none"))  # fmt: skip
        elif q not in TAKES_TOLERANCE and given[q]:
            problems.append(Problem("claim_qualifiers.csv", None, "tolerance_rel",
                                    f"0 for '{q}' (it takes no tolerance)",
                                    repr(given[q])))  # fmt: skip
    if problems:
        raise DataError(problems)
    return {q: float(given[q]) for q in QUALIFIERS}


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
