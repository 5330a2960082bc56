"""Investment and aid tables: Japanese FDI in India (two bases) and Japanese ODA facts.

Rules, in words:

* ``japan_fdi_india`` keeps every hand-transcribed figure, each with its publisher,
  address and grade, labelled by basis: DPIIT FDI equity inflows (``dpiit_equity``), RBI
  FDI flows (``rbi``), Japan's balance-of-payments outward FDI (``japan_bop``) or a
  basis the page does not state clearly or at all (``unclear``). Bases are never mixed.
  Where two rows give the same period and basis, ``is_preferred`` marks one: the higher
  grade, then the FDI folder's transcription over the general ones, then file order. A
  row holds a value (US$ or rupees), Japan's rank among investing countries, or both;
  a cumulative rank given only in the notes ("rank 4", "the third largest investor") is
  read from them. Each row keeps its page's notes (a leading "+19.8%" written "up
  19.8%", so it is not taken for a formula). Only figures for Japan are kept: the extra
  transcription's all-country totals, aid facts and trade figures are left out, counted
  in the log.
* ``fdi_india_by_investor`` keeps the calendar-year net FDI flows into India reported by
  38 investing countries (1980–2012), blanks kept blank; negative net flows are real
  (disinvestment), not errors.
* ``japan_oda_india`` keeps the aid facts as stated, each value with its own unit.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.curate.india_japan.trade import fiscal_year_bounds
from analysis.curate.raw import (
    MONTHS,
    first_by_rank,
    grade_letter,
    month_end,
    refuse_rows,
    to_number,
)
from analysis.curate.schema import SOURCE_FK, field, fk, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

GRADE_ORDER = {"A": 0, "B": 1, "C": 2}
# The FDI folder's own transcription is checked more closely than the general ones.
SOURCE_ORDER = {"fdi_japan_published_fy": 0, "fdi_japan_published_misc": 1,
                "published_figures_extra": 2}  # fmt: skip
EXTRA_COLUMNS = ["item", "period", "period_basis", "measure", "value", "unit", "publisher_cited",
                 "source_url", "retrieved_via", "grade", "notes"]  # fmt: skip
# Value units of the extra transcription's FDI rows: US$ per unit, or a rank.
EXTRA_UNITS = {"US$ billion": 1e9, "US$ million": 1e6, "rank": None}
ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                 "ninth", "tenth"]  # fmt: skip


def parse_period(text: str, *, file: str, row: int) -> tuple[str, str | None, str | None]:
    """Classify a period label and return its type, first day and last day.

    Parameters
    ----------
    text
        The label as published: ``2019-20`` (fiscal year), ``Apr 2000 - Feb 2014``
        (cumulative since April 2000, or a partial year), ``Apr-Dec 2022`` (part of a
        fiscal year), ``2012 (calendar)``, or ``2000 - 2017`` (cumulative, months not
        stated: no dates).
    file, row
        Where the label was read, for the error message.

    Returns
    -------
    tuple
        ``(period_type, start, end)``; the dates are ISO strings or ``None``.

    Examples
    --------
    >>> parse_period("Apr 2000 - Jun 2018", file="f", row=2)
    ('cumulative', '2000-04-01', '2018-06-30')
    >>> parse_period("Apr-Dec 2022", file="f", row=2)
    ('partial_fiscal_year', '2022-04-01', '2022-12-31')
    """
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        start, end = fiscal_year_bounds(text, file=file, row=row)
        return "fiscal_year", start, end
    m = re.fullmatch(r"([A-Z][a-z]{2}) ([0-9]{4}) - ([A-Z][a-z]{2}) ([0-9]{4})", text)
    if m and m[1] in MONTHS and m[3] in MONTHS:
        first, last = MONTHS.index(m[1]) + 1, MONTHS.index(m[3]) + 1
        start, end = f"{m[2]}-{first:02d}-01", month_end(int(m[4]), last)
        kind = "cumulative" if (m[1], m[2]) == ("Apr", "2000") else "partial_fiscal_year"
        if start < end:
            return kind, start, end
    m = re.fullmatch(r"([A-Z][a-z]{2})-([A-Z][a-z]{2}) ([0-9]{4})", text)
    if m and m[1] in MONTHS and m[2] in MONTHS:
        first, last = MONTHS.index(m[1]) + 1, MONTHS.index(m[2]) + 1
        if first <= last:
            return "partial_fiscal_year", f"{m[3]}-{first:02d}-01", month_end(int(m[3]), last)
    m = re.fullmatch(r"([0-9]{4}) \(calendar\)", text)
    if m:
        return "calendar_year", f"{m[1]}-01-01", f"{m[1]}-12-31"
    if re.fullmatch(r"[0-9]{4} - [0-9]{4}", text):
        return "cumulative", None, None
    raise DataError(
        Problem(file, row, "period", "a period like 2019-20, Apr 2000 - Feb 2014, Apr-Dec 2022, "
                "2012 (calendar) or 2000 - 2017", repr(text))
    )  # fmt: skip


def fdi_basis(text: str) -> str:
    """Classify the basis of an FDI figure from the words of its page.

    Parameters
    ----------
    text
        The basis or measure as transcribed.

    Returns
    -------
    str
        ``rbi``, ``japan_bop``, ``unclear`` or ``dpiit_equity``.

    Examples
    --------
    >>> fdi_basis("RBI basis (not DPIIT)")
    'rbi'
    >>> fdi_basis("DIPP FDI equity inflows (excl. RBI NRI schemes)")
    'dpiit_equity'
    >>> fdi_basis("unstated (reads as DPIIT cumulative) Japanese investments in India")
    'unclear'
    """
    lowered = text.lower()
    # "excl. RBI NRI schemes" describes a DIPP figure; only "RBI basis"/"RBI data" is RBI's.
    if "rbi basis" in lowered or lowered.startswith("rbi"):
        return "rbi"
    if "japan-side" in lowered or "balance of payments" in lowered:
        return "japan_bop"
    # "unstated (reads as DPIIT cumulative)": a reader's guess is not the page's basis.
    if "loosely" in lowered or "unstated" in lowered:
        return "unclear"
    if not ("dipp" in lowered or "dpiit" in lowered or "equity" in lowered):
        return "unclear"
    return "dpiit_equity"


def _resolve_same(urls: pd.Series) -> pd.Series:
    """Replace 'same as above' (as transcribed) by the address of the row above."""
    return urls.where(~urls.str.startswith("same"), None).ffill()


def _stated_rank(notes: pd.Series, period_type: pd.Series) -> pd.Series:
    """Read Japan's cumulative rank from a cumulative row's notes, where they state it.

    Two forms: a note that opens with ``rank 4`` (the transcriber's), or a quoted sentence
    such as ``Japan is the third largest investor``. Other rows get NaN: a rank in the notes
    of an annual row may be for another period.
    """
    digits = notes.str.extract(r"^rank ([0-9]+)\b", expand=False).astype("float64")
    words = notes.str.extract(r"\bJapan is the ([a-z]+) largest investor\b", expand=False)
    rank = digits.fillna(words.map({w: float(i + 1) for i, w in enumerate(ORDINAL_WORDS)}))
    return rank.where(period_type == "cumulative")


def _plain_notes(notes: pd.Series) -> pd.Series:
    """Write a note's leading plus sign before a number as 'up', so it is not read as a formula.

    The curated tables refuse text cells that a spreadsheet would run (``+19.8% ...``).
    """
    return notes.str.replace(r"^\+(?=[0-9])", "up ", regex=True)


def _extra_fdi_rows(ctx: RawContext) -> pd.DataFrame:
    """Derive the rows for Japan from the extra graded transcription (FDI, ODA and trade).

    Kept: its FDI figures for Japan, a value (US$ billion or million) or Japan's rank
    (unit ``rank``, or stated in the quoted sentence of the notes). Left out, counted in
    the log: the all-country DPIIT totals (not Japan's figures; beside Japan's rows they
    would be read as Japan's, and the schema has no investor other than Japan) and the
    rows that are not FDI (aid facts, trade figures). An ``FY`` prefix of a fiscal-year
    label is dropped, so that one period has one label across files.
    """
    sid = "published_figures_extra"
    file = ctx.path(sid)
    raw = ctx.read(sid, EXTRA_COLUMNS)
    refuse_rows(raw, ~raw["item"].isin(["FDI", "ODA", "trade"]), "item", "FDI, ODA or trade",
                file=file)  # fmt: skip
    not_fdi = raw["item"] != "FDI"
    all_countries = ~not_fdi & raw["measure"].str.contains(r"\ball countries\b", case=False)
    kept = raw[~not_fdi & ~all_countries]
    refuse_rows(kept, ~kept["unit"].isin(list(EXTRA_UNITS)), "unit",
                " or ".join(EXTRA_UNITS), file=file)  # fmt: skip
    value = to_number(kept, "value", file=file)
    is_rank = kept["unit"] == "rank"
    refuse_rows(kept, is_rank & ((value % 1 != 0) | (value < 1)), "value", "a rank (1, 2, ...)",
                file=file)  # fmt: skip
    per = kept["unit"].map(EXTRA_UNITS).astype("float64")
    labels = kept["period"].str.strip()
    period = labels.str.replace(r"^FY(?=[0-9]{4}-[0-9]{2}$)", "", regex=True)
    periods = [parse_period(p, file=file, row=int(i) + 2) for i, p in period.items()]
    kinds = pd.Series([p[0] for p in periods], index=kept.index)
    from_notes = _stated_rank(kept["notes"], kinds)
    left_out = raw[not_fdi]["item"].value_counts().sort_index()
    ctx.log(f"  {file}: {len(raw)} rows in, {len(kept)} rows out")
    ctx.log(
        f"    left out {int(all_countries.sum())} all-country DPIIT cumulative totals: not "
        "Japan's figures (the table's rows are Japan's; no other investor in its schema)"
    )
    ctx.log(f"    left out {int(not_fdi.sum())} rows that are not FDI ("
            + ", ".join(f"{item} {n}" for item, n in left_out.items())
            + "): this table holds FDI figures only")  # fmt: skip
    ctx.log(f"    {int((period != labels).sum())} fiscal-year label(s) written without 'FY' "
            f"(as in the other files); Japan's rank read from the notes on "
            f"{int((from_notes.notna() & ~is_rank).sum())} row(s)")  # fmt: skip
    return pd.DataFrame(
        {
            "host_iso3": "IND",
            "investor_iso3": "JPN",
            "period": period,
            "period_type": kinds,
            "period_start": [p[1] for p in periods],
            "period_end": [p[2] for p in periods],
            "basis": (kept["period_basis"] + " " + kept["measure"]).map(fdi_basis),
            "value_usd": (value * per).round().astype("Int64"),
            "value_inr": pd.Series(pd.NA, index=kept.index, dtype="Int64"),
            "japan_rank": value.where(is_rank, from_notes.where(~is_rank)).astype("Int64"),
            "grade": [grade_letter(g, file=file, row=int(i) + 2) for i, g in kept["grade"].items()],
            "publisher_cited": kept["publisher_cited"],
            "source_url": kept["source_url"],
            "notes": _plain_notes(kept["notes"]),
            "source_id": sid,
        }
    )


def build_japan_fdi_india(ctx: RawContext) -> pd.DataFrame:
    """Derive the graded Japanese FDI figures, by basis, with row-level citations.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per published figure.
    """
    folder = ctx.read(
        "fdi_japan_published_fy",
        ["period", "period_type", "basis", "measure", "value_usd_mn", "value_inr_crore",
         "publisher_cited", "source_url", "retrieved_via", "reliability", "notes"],
    )  # fmt: skip
    misc = ctx.read(
        "fdi_japan_published_misc",
        ["period", "measure", "value_usd_bn", "japan_rank", "japan_share_pct", "publisher_cited",
         "source_url", "retrieved_via", "reliability", "notes"],
    )  # fmt: skip
    parts = []
    for sid, raw, usd, per in [
        ("fdi_japan_published_fy", folder, "value_usd_mn", 1e6),
        ("fdi_japan_published_misc", misc, "value_usd_bn", 1e9),
    ]:
        file = ctx.path(sid)
        periods = [parse_period(p, file=file, row=int(i) + 2) for i, p in raw["period"].items()]
        basis_text = raw["basis"] + " " + raw["measure"] if "basis" in raw else raw["measure"]
        inr = (
            to_number(raw, "value_inr_crore", file=file) * 1e7
            if "value_inr_crore" in raw
            else pd.Series(float("nan"), index=raw.index)
        )
        rank = (
            to_number(raw, "japan_rank", file=file)
            if "japan_rank" in raw
            else pd.Series(float("nan"), index=raw.index)
        )
        kinds = pd.Series([p[0] for p in periods], index=raw.index)
        from_notes = _stated_rank(raw["notes"], kinds).where(rank.isna())
        rank = rank.fillna(from_notes)
        plain = _plain_notes(raw["notes"])
        parts.append(
            pd.DataFrame(
                {
                    "host_iso3": "IND",
                    "investor_iso3": "JPN",
                    "period": raw["period"].str.strip(),
                    "period_type": kinds,
                    "period_start": [p[1] for p in periods],
                    "period_end": [p[2] for p in periods],
                    "basis": basis_text.map(fdi_basis),
                    "value_usd": (to_number(raw, usd, file=file) * per).round().astype("Int64"),
                    "value_inr": inr.round().astype("Int64"),
                    "japan_rank": rank.astype("Int64"),
                    "grade": [
                        grade_letter(g, file=file, row=int(i) + 2)
                        for i, g in raw["reliability"].items()
                    ],
                    "publisher_cited": raw["publisher_cited"],
                    "source_url": _resolve_same(raw["source_url"]),
                    "notes": plain,
                    "source_id": sid,
                }
            )  # fmt: skip
        )
        ctx.log(
            f"  {file}: {len(raw)} rows in, {len(raw)} rows out; Japan's cumulative rank read "
            f"from the notes on {int(from_notes.notna().sum())} row(s); "
            f"{int((plain != raw['notes']).sum())} note(s) opening with '+' written 'up'"
        )
    parts.append(_extra_fdi_rows(ctx))
    out = pd.concat(parts, ignore_index=True)
    empty = out["value_usd"].isna() & out["value_inr"].isna() & out["japan_rank"].isna()
    if empty.any():
        row = out[empty].iloc[0]
        raise DataError(Problem(ctx.path(row["source_id"]), None, "value",
                                "a value in US$ or Rs, or Japan's rank",
                                f"none for {row['period']}"))  # fmt: skip
    ranks = [out["grade"].map(GRADE_ORDER), out["source_id"].map(SOURCE_ORDER)]
    first = first_by_rank(out, ranks, ["period", "basis"])
    out["is_preferred"] = first
    ctx.log(f"  japan_fdi_india: {len(out)} rows, {int((~first).sum())} marked not preferred")
    # Say how each new figure stands beside the other rows of the same period.
    extra = out["source_id"] == "published_figures_extra"
    for r in out[extra].itertuples():
        same = out[(out.index != r.Index) & (out["period"] == r.period)]
        beside = "; ".join(
            f"{o.basis} {_figure(o.value_usd, o.japan_rank)} (grade {o.grade}, {o.source_id})"
            for o in same.itertuples()
        )
        ctx.log(f"    {r.period}: {r.basis} {_figure(r.value_usd, r.japan_rank)} (grade {r.grade})"
                + (f" beside {beside}" if beside else ", no other row for this period")
                + ("" if r.is_preferred else "; not preferred"))  # fmt: skip
    return out


def _figure(value: object, rank: object) -> str:
    """Describe a row's figure for the log: its value in US$ bn and Japan's rank if given."""
    parts = [] if pd.isna(value) else [f"US${value / 1e9:,.2f} bn"]
    parts += [] if pd.isna(rank) else [f"rank {rank}"]
    return ", ".join(parts) or "Rs only"


def build_fdi_india_by_investor(ctx: RawContext) -> pd.DataFrame:
    """Derive calendar-year net FDI flows into India as reported by investing countries.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per investing country and year, blanks kept blank.
    """
    file = ctx.path("abn2018_fdi")
    raw = ctx.read("abn2018_fdi", ["host", "source", "year", "fdi_net_flow_usd_mn"])
    refuse_rows(raw, raw["host"] != "IND", "host", "'IND'", file=file)
    value = to_number(raw, "fdi_net_flow_usd_mn", file=file)
    ctx.log(
        f"  {file}: {len(raw)} rows in, {len(raw)} rows out; {int(value.isna().sum())} blank "
        f"(not reported) kept blank; {int((value < 0).sum())} negative net flows kept"
    )
    return pd.DataFrame(
        {
            "host_iso3": "IND",
            "investor_iso3": raw["source"],
            "year": raw["year"],
            "value_usd": (value * 1e6).round().astype("Int64"),
            "source_id": "abn2018_fdi",
        }
    )


def build_japan_oda_india(ctx: RawContext) -> pd.DataFrame:
    """Derive the Japanese ODA facts, each with its unit, grade and citation.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per fact.
    """
    file = ctx.path("oda_japan_published")
    raw = ctx.read(
        "oda_japan_published",
        ["period", "measure", "value", "unit", "publisher_cited", "source_url", "retrieved_via",
         "reliability", "notes"],
    )  # fmt: skip
    value = to_number(raw, "value", file=file)
    units = raw["unit"].where(value.notna(), "")
    missing_unit = raw.index[value.notna() & (raw["unit"] == "")]
    if len(missing_unit):
        raise DataError(Problem(file, int(missing_unit[0]) + 2, "unit", "a unit for the value",
                                "a blank cell"))  # fmt: skip
    ctx.log(f"  {file}: {len(raw)} rows in, {len(raw)} rows out")
    return pd.DataFrame(
        {
            "period": raw["period"],
            "measure": raw["measure"],
            "value": value,
            "unit": units,
            "grade": [
                grade_letter(g, file=file, row=int(i) + 2) for i, g in raw["reliability"].items()
            ],
            "publisher_cited": raw["publisher_cited"],
            "source_url": raw["source_url"],
            "notes": raw["notes"],
            "source_id": "oda_japan_published",
        }
    )


CITED = [
    field("publisher_cited", "string", "Who the page says the figure comes from."),
    field("source_url", "string", "Address of the page the figure was read from."),
]
GRADE = field("grade", "string", "A: official page; B: official figure relayed by press or a "
              "mirror; C: secondary or unclear basis.", enum=["A", "B", "C"])  # fmt: skip

JAPAN_FDI_INDIA = TableSpec(
    name="japan_fdi_india",
    title="Japanese FDI in India as published, by basis (DPIIT equity, RBI, Japan BoP)",
    description="Every published figure found for Japanese FDI in India: Indian fiscal years, "
    "parts of years, calendar years and cumulative totals since April 2000, each with its basis, "
    "grade, publisher, address and notes, and Japan's rank among investing countries where the "
    "page gives it. Bases differ and must not be added together.",
    schema={
        "fields": [
            field("host_iso3", "string", "Host country (India).", pattern="[A-Z]{3}"),
            field("investor_iso3", "string", "Investing country (Japan).", pattern="[A-Z]{3}"),
            field("period", "string", "Period as published."),
            field(
                "period_type",
                "string",
                "Kind of period.",
                enum=["fiscal_year", "partial_fiscal_year", "calendar_year", "cumulative"],
            ),
            field(
                "period_start",
                "date",
                "First day (blank when the page does not say).",
                required=False,
            ),
            field(
                "period_end", "date", "Last day (blank when the page does not say).", required=False
            ),
            field(
                "basis",
                "string",
                "DPIIT FDI equity inflows, RBI FDI flows, Japan's "
                "balance-of-payments outward FDI, or unclear.",
                enum=["dpiit_equity", "rbi", "japan_bop", "unclear"],
            ),
            field(
                "value_usd",
                "integer",
                "Value in US dollars (blank if published in rupees only, or if the page "
                "gives only Japan's rank).",
                unit="US$",
                required=False,
            ),
            field(
                "value_inr",
                "integer",
                "Value in rupees, where published (1 crore = 10 million).",
                unit="INR",
                required=False,
            ),
            field(
                "japan_rank",
                "integer",
                "Japan's rank among investing countries, where stated.",
                required=False,
                minimum=1,
            ),
            GRADE,
            *CITED,
            field(
                "notes",
                "string",
                "Context given by the page and the transcriber's remarks (what was not seen).",
                required=False,
            ),
            field(
                "is_preferred",
                "boolean",
                "The row to use where several give the same period and basis (higher grade first).",
            ),
            source_id(),
        ],
        "primaryKey": ["period", "basis", "source_id", "publisher_cited"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("fdi_japan_published_fy", "fdi_japan_published_misc", "published_figures_extra"),
    build=build_japan_fdi_india,
    sort_by=("period_type", "period_start", "period", "basis", "source_id"),
)

FDI_INDIA_BY_INVESTOR = TableSpec(
    name="fdi_india_by_investor",
    title="Net FDI flows into India by investing country, 1980–2012 (investor-reported)",
    description="Calendar-year net FDI flows into India reported by 38 OECD and major investing "
    "economies (UNCTAD/OECD, compiled by Aisbett, Busse and Nunnenkamp 2018). Mauritius, "
    "Singapore and Cyprus, large conduits on India's own statistics, are not covered, so ranks "
    "are among these 38 only. Blank: not reported.",
    schema={
        "fields": [
            field("host_iso3", "string", "Host country (India).", pattern="[A-Z]{3}"),
            field("investor_iso3", "string", "Investing country.", pattern="[A-Z]{3}"),
            field("year", "year", "Calendar year."),
            field(
                "value_usd",
                "integer",
                "Net FDI flow in current US dollars (negative: net disinvestment).",
                unit="US$",
                required=False,
            ),
            source_id(),
        ],
        "primaryKey": ["host_iso3", "investor_iso3", "year"],
        "foreignKeys": [fk("investor_iso3", "country_codes", "iso3"), SOURCE_FK],
    },
    sources=("abn2018_fdi",),
    build=build_fdi_india_by_investor,
    sort_by=("investor_iso3", "year"),
)

JAPAN_ODA_INDIA = TableSpec(
    name="japan_oda_india",
    title="Japanese official development assistance to India: published facts",
    description="A handful of facts on Japan's ODA to India (start, yen-loan commitments, "
    "cumulative totals), each with its own unit, grade and citation. Not a time series: no "
    "OECD DAC or JICA series was available.",
    schema={
        "fields": [
            field("period", "string", "Period as published."),
            field("measure", "string", "What the figure measures."),
            field(
                "value",
                "number",
                "The figure, in the row's unit (blank for a dated fact).",
                required=False,
            ),
            field(
                "unit",
                "string",
                "Unit of value (JPY billion, USD million), blank when no value.",
                required=False,
            ),
            GRADE,
            *CITED,
            field("notes", "string", "Context given by the page.", required=False),
            source_id(),
        ],
        "primaryKey": ["period", "measure"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("oda_japan_published",),
    build=build_japan_oda_india,
    sort_by=("period", "measure"),
)
