"""Load standard trade downloads as the canonical long table, with their provenance.

Four publishers, six layouts, recognised from the header alone:

* ``comtrade_plus``: the CSV of the UN Comtrade data portal and API (``refYear``,
  ``reporterISO``, ``partnerISO``, ``flowCode``, ``cmdCode``, ``primaryValue``);
* ``comtrade_classic``: the classic UN Comtrade bulk CSV (``Year``, ``Trade Flow``,
  ``Reporter ISO``, ``Partner ISO``, ``Commodity Code``, ``Trade Value (US$)``);
* ``baci``: CEPII BACI (``t, i, j, k, v, q``; values in thousand US$, quantities in
  metric tons), read together with its ``country_codes_V*.csv`` file;
* ``imf_dots``: IMF Direction of Trade Statistics / IMTS by partner, in the long
  (``Time Period``, ``Value``) or wide (one column per year) layout of the IMF data
  portal, or as SDMX-CSV (``COUNTRY``, ``COUNTERPART_COUNTRY``, ``TIME_PERIOD``,
  ``OBS_VALUE``);
* ``wits_raw``: World Bank WITS trade data (``ReporterISO3``, ``PartnerISO3``,
  ``TradeValue in 1000 USD``);
* ``wits_summary``: WITS trade by partner (``Reporter Name``, ``Partner Name``,
  ``Export (US$ Thousand)``, ``Import (US$ Thousand)``).

Every loader returns the same columns (:data:`COLUMNS`): ``flow`` is ``export``,
``import``, ``re-export`` or ``re-import`` from the reporter's side; ``partner_kind``
tells countries from the world total (``WLD``) and from aggregates and unspecified
areas; ``product_kind`` tells the all-products total (``TOTAL``) from HS codes and from
confidential or unspecified codes (HS chapter 99, ``9999``). Such rows are labelled,
not dropped. Rows that are dropped (monthly data, breakdowns by mode of transport,
flows other than the four above, trade balances) are counted by reason in the file's
:class:`Provenance`, as is every unit conversion. Country codes and names are resolved
with ``country_converter``.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import logging
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import READ_MEMO_ENV
from analysis.errors import DataError, Problem
from analysis.readers import files

__all__ = [
    "COLUMNS",
    "FORMATS",
    "Loaded",
    "Provenance",
    "country_iso3",
    "country_name",
    "detect",
    "load_file",
    "load_files",
]

COLUMNS = (
    "reporter_iso3",
    "partner_iso3",
    "product",
    "year",
    "flow",
    "value_usd",
    "quantity",
    "quantity_unit",
    "partner_kind",
    "product_kind",
    "basis",
    "file",
    "source",
)
WORLD = "WLD"
TOTAL = "TOTAL"
_REPEATED = ("flow", "quantity_unit", "partner_kind", "product_kind", "basis", "file", "source")
# The HS chapter for "commodities not specified according to kind" holds confidential trade.
CONFIDENTIAL_CHAPTER = "99"
_HS_VINTAGES = {"H0": "HS1992", "H1": "HS1996", "H2": "HS2002", "H3": "HS2007",
                "H4": "HS2012", "H5": "HS2017", "H6": "HS2022", "S1": "SITC Rev.1",
                "S2": "SITC Rev.2", "S3": "SITC Rev.3", "S4": "SITC Rev.4",
                "BE": "BEC"}  # fmt: skip
_BACI_VINTAGE = re.compile(r"HS(92|96|02|07|12|17|22)")
_YEAR = re.compile(r"[0-9]{4}")
# Trade statistics by partner start after the First World War (the League of Nations');
# a year before that, or after the next, is a typing or export error.
FIRST_YEAR = 1920


def _last_year() -> int:
    """Return the last year a trade figure can be for: next year (forecasts excluded)."""
    return datetime.date.today().year + 1


_UNKNOWN = "<unknown>"


@dataclass(frozen=True)
class Provenance:
    """Where a loaded table comes from and what was done to it.

    ``dropped`` and ``labelled`` count rows by reason: dropped rows are not in the table,
    labelled rows are (as a world total, an aggregate partner, a re-export, ...).
    """

    file: str
    sha256: str
    format: str
    publisher: str
    hs_vintage: str
    value_unit: str
    conversions: tuple[str, ...] = ()
    rows_in: int = 0
    rows_out: int = 0
    dropped: tuple[tuple[str, int], ...] = ()
    labelled: tuple[tuple[str, int], ...] = ()
    # The file's own name for each product code it holds (Comtrade's Commodity column).
    product_labels: tuple[tuple[str, str], ...] = ()

    def citation(self) -> str:
        """Return a short source line: publisher, file name and the start of its SHA-256."""
        return f"{self.publisher}, file {self.file} (sha256 {self.sha256[:12]}…)"

    def as_row(self) -> dict[str, object]:
        """Return the provenance as one flat row for a table."""

        def fmt(pairs: tuple[tuple[str, int], ...]) -> str:
            return "; ".join(f"{reason}: {n}" for reason, n in pairs)

        return {
            "file": self.file,
            "format": self.format,
            "publisher": self.publisher,
            "hs_vintage": self.hs_vintage,
            "value_unit": self.value_unit,
            "conversions": "; ".join(self.conversions),
            "rows_in": self.rows_in,
            "rows_out": self.rows_out,
            "dropped": fmt(self.dropped),
            "labelled": fmt(self.labelled),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Loaded:
    """A file loaded as the canonical long table (``table``) with its ``provenance``."""

    table: pd.DataFrame
    provenance: Provenance


@dataclass
class _Raw:
    """A table read as text: its name, digest, header and cells (``frame``, one row a line).

    ``name`` is the file name (with the archive member or sheet) shown in the report.

    ``lines`` gives the file line (or sheet row) of each row of ``frame``, for messages.
    """

    name: str
    sha256: str
    header: list[str]
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    file_rows: int = 0
    lines: list[int] = field(default_factory=list)
    # The table's full name (path, with any archive member or sheet) and its file's path.
    path: str = ""
    file: str = ""
    # Rows left unread as the file was read, by reason (rows of other countries).
    skipped: dict[str, int] = field(default_factory=dict)

    def line(self, index: int) -> int:
        """Return the line of the file that holds row ``index`` of the frame."""
        return self.lines[index] if index < len(self.lines) else index + 2


@dataclass(frozen=True)
class Format:
    """A download format: its name, publisher, the columns that identify it, its loader."""

    name: str
    publisher: str
    required: tuple[str, ...]
    loader: Callable[[_Raw, Sequence[_Raw]], Loaded] | None
    description: str


# --- Reading and country codes ------------------------------------------------------------


# A header is looked for in the first rows: Excel exports put titles and units above it.
_HEADER_SEARCH_ROWS = 20


def _header_row(rows: list[list[str]]) -> int | None:
    """Return the index of the header among the first rows: the first a format recognises."""
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if _format_of([c.strip().lstrip("\ufeff") for c in row]) is not None:
            return i
    return None


@dataclass(frozen=True)
class _Keep:
    """The rows of a BACI year file to read: those with one of ``codes`` on either side."""

    codes: tuple[int, ...]
    countries: tuple[str, ...]

    @property
    def reason(self) -> str:
        return f"rows without {' or '.join(self.countries)}, not read (not used for the pair)"


def _read_all(paths: Sequence[Path], countries: Sequence[str] | None) -> list[_Raw]:
    """Read downloads as text cells, one :class:`_Raw` per table (file, sheet or member).

    With ``countries``, reference files are read first, so that a BACI year file is
    filtered to the rows of those countries as it is read (its other rows are counted).
    """
    opened = [(str(p), table) for p in paths for table in files.open_tables(Path(p))]

    def raw(path: str, table: files.Table, keep: _Keep | None = None) -> _Raw:
        short = table.name.removeprefix(f"{Path(path).parent}/")
        return replace(_raw(table, short, keep), path=table.name, file=path)

    small = {n: raw(p, t) for n, (p, t) in enumerate(opened) if t.header_line is None}
    keep = None
    if countries:
        iso = _baci_iso([r for r in small.values()
                         if _format_of(r.header) is FORMATS["baci_countries"]])  # fmt: skip
        wanted = set(countries)
        codes = tuple(sorted(int(c) for c, (v, _) in iso.items() if v in wanted and c.isdigit()))
        keep = _Keep(codes, tuple(countries)) if codes else None
    return [small[n] if n in small else raw(p, t, keep) for n, (p, t) in enumerate(opened)]


# BACI's year files, read typed: a missing quantity is written NA.
_BACI_HEADER = ["t", "i", "j", "k", "v", "q"]


def _columnar(table: files.Table, short: str, keep: _Keep | None = None) -> _Raw | None:
    """Read a large plain CSV table with pyarrow; ``None`` if pyarrow cannot.

    BACI year files are read typed (years and country codes as integers, values and
    quantities as numbers); any other layout as text, column by column. A file pyarrow
    refuses (a ragged row, a cell that is not a number, bytes that are not UTF-8) goes to
    the strict reader instead, which names the line.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    assert table.data is not None and table.header_line is not None
    header = [c.strip() for c in next(csv.reader([table.header_line]))]
    if _format_of(header) is None or len(set(header)) != len(header) or "" in header:
        return None
    if header == _BACI_HEADER:
        types = {"t": pa.int32(), "i": pa.int32(), "j": pa.int32(), "k": pa.string(),
                 "v": pa.float64(), "q": pa.float64()}  # fmt: skip
        convert = pacsv.ConvertOptions(column_types=types, null_values=["NA", ""],
                                       strings_can_be_null=False)  # fmt: skip
    else:
        convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in header},
                                       strings_can_be_null=False,
                                       quoted_strings_can_be_null=False)  # fmt: skip
    options = pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24)
    skipped: dict[str, int] = {}
    try:
        if keep is not None and header == _BACI_HEADER:
            # Filtered block by block: ten million rows are never held at once.
            codes = pa.array(keep.codes, type=pa.int32())
            reader = pacsv.open_csv(io.BytesIO(table.data), read_options=options,
                                    convert_options=convert)  # fmt: skip
            batches, total = [], 0
            for batch in reader:
                total += batch.num_rows
                mine = pc.or_(pc.is_in(batch["i"], value_set=codes),
                              pc.is_in(batch["j"], value_set=codes))  # fmt: skip
                batches.append(batch.filter(mine))
            arrow = pa.Table.from_batches(batches, schema=reader.schema)
            skipped[keep.reason] = total - arrow.num_rows
        else:
            arrow = pacsv.read_csv(io.BytesIO(table.data), read_options=options,
                                   convert_options=convert)  # fmt: skip
            total = arrow.num_rows
    except pa.ArrowInvalid:
        return None
    # The bytes are read: a ten-million-row file need not stay in memory beside its table.
    table.data = None
    notes = list(table.notes)
    if header != _BACI_HEADER:
        # Cells are trimmed as the strict reader trims them, and repeated headers dropped.
        arrow = pa.table({c: pc.utf8_trim_whitespace(arrow[c]) for c in header})
        again = pc.equal(arrow[header[0]], header[0])
        for c in header[1:3]:
            again = pc.and_(again, pc.equal(arrow[c], c))
        n = pc.sum(again).as_py() or 0
        if n:
            arrow = arrow.filter(pc.invert(again))
            notes.append(f"{n} repeated header line(s) skipped (downloads joined together)")
    frame = arrow.to_pandas()
    return _Raw(short, table.sha256, header, frame, notes, total, skipped=skipped)


def _raw(table: files.Table, short: str, keep: _Keep | None = None) -> _Raw:
    """Turn one opened table into text cells under its header, with the line of each row.

    Messages name the table by its full path; its provenance, by ``short`` (the file
    name, with the archive member or sheet).
    """
    name = table.name
    if table.header_line is not None:
        fast = _columnar(table, short, keep)
        if fast is not None:
            return fast
        table.decoded()
    if table.rows is not None:
        numbered = [(i + 1, [c.strip() for c in r]) for i, r in enumerate(table.rows) if any(r)]
    else:
        reader = csv.reader(io.StringIO(table.text, newline=""), delimiter=table.delimiter,
                            strict=True)  # fmt: skip
        numbered = []
        try:
            start = 1
            for row in reader:
                # A row is named by the line it starts on, even if a quoted cell spans lines.
                if any(c.strip() for c in row):
                    numbered.append((start, row))
                start = reader.line_num + 1
        except csv.Error as err:
            raise DataError(
                Problem(name, reader.line_num, None, "well-formed CSV", str(err))
            ) from None
    if not numbered:
        raise DataError(Problem(name, None, None, "a header row", "an empty file"))
    notes = list(table.notes)
    found = _header_row([r for _, r in numbered])
    # No known header: the first row is shown to the user as the header that was not known.
    at = found or 0
    if at:
        notes.append(f"{at} row(s) above the header (titles, units) skipped")
    header_line, header = numbered[at][0], [c.strip().lstrip("\ufeff") for c in numbered[at][1]]
    # Some exports end every line with a comma: an unnamed last column, always blank.
    while header and header[-1] == "":
        header.pop()
    _unique_columns(name, header_line, header)
    body = numbered[at + 1 :]
    # Downloads joined end to end repeat the header: those lines are not data.
    repeated = [line for line, r in body if [c.strip() for c in r[: len(header)]] == header]
    if repeated:
        body = [(line, r) for line, r in body if line not in set(repeated)]
        notes.append(f"{len(repeated)} repeated header line(s) skipped (downloads joined "
                     f"together; line {', '.join(map(str, repeated[:5]))})")  # fmt: skip
    bad = [
        Problem(name, line, None, f"{len(header)} fields as in the header",
                f"{len(r)}" + (", the header of another download with other columns: split "
                               "the file where it starts" if _format_of([c.strip() for c in r])
                               else ""))
        for line, r in body
        if found is not None
        and (
            (len(r) < len(header) and table.rows is None)
            or any(c.strip() for c in r[len(header) :])
        )
    ]  # fmt: skip
    if bad:
        raise DataError(bad)
    # A worksheet row may stop at its last filled cell.
    cells = [r[: len(header)] + [""] * (len(header) - len(r)) for _, r in body]
    frame = pd.DataFrame(cells, columns=header, dtype="str").apply(lambda s: s.str.strip())
    return _Raw(short, table.sha256, header, frame, notes, len(frame), [line for line, _ in body])


def _unique_columns(name: str, line: int, header: Sequence[str]) -> None:
    """Refuse a header that names a column twice: which of the two holds the data is unknown."""
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if twice:
        raise DataError(
            Problem(name, line, twice[0], "each column named once in the header",
                    ", ".join(f"{c!r} {header.count(c)} times" for c in twice))
        )  # fmt: skip


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence country_converter's "not found" warnings: unknown names are handled here."""
    logger = logging.getLogger("country_converter")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@cache
def _converter() -> object:
    """Return a ``country_converter.CountryConverter`` on the package's own country table."""
    import country_converter as coco

    # country_converter 1.3 reads Namibia's ISO2 code "NA" as missing under pandas 3 and
    # then fails; reading its own table as plain text avoids that.
    table = pd.read_csv(coco.country_converter.COUNTRY_DATA_FILE, sep="\t", encoding="utf-8",
                        dtype="str", keep_default_na=False, na_values=[""])  # fmt: skip
    numeric = ["ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember",
               "obsolete", "GEOnumeric"]  # fmt: skip
    table = table.astype({c: "Int64" for c in numeric if c in table.columns})
    return coco.CountryConverter(country_data=table)


def _convert(values: Sequence[str], src: str) -> dict[str, str | None]:
    """Map each distinct value to an ISO3 code with country_converter (None when unknown).

    A name that matches several countries (an aggregate such as "Middle East, North
    Africa, Afghanistan, and Pakistan") is unknown too.
    """
    distinct = tuple(sorted({v for v in values if v}))
    return dict(_convert_distinct(distinct, src)) if distinct else {}


@cache
def _convert_distinct(distinct: tuple[str, ...], src: str) -> tuple[tuple[str, str | None], ...]:
    """Convert sorted distinct values once per session: country_converter takes seconds."""
    with _quiet():
        # An empty not_found would give back the input: a sentinel marks the unknown.
        out = _converter().convert(distinct, src=src, to="ISO3", not_found=_UNKNOWN)
    if isinstance(out, str):
        out = [out]
    return tuple(
        (v, c if isinstance(c, str) and c != _UNKNOWN else None)
        for v, c in zip(distinct, out, strict=True)
    )


@cache
def _comtrade_codes() -> dict[str, str]:
    """Map UN Comtrade's and BACI's own numeric codes to ISO3 (``comtrade_country_codes``)."""
    from analysis import data

    table = data.load("comtrade_country_codes")
    return dict(zip(table["code"], table["iso3"], strict=True))


def _iso3(values: pd.Series, src: str) -> pd.Series:
    """Convert a column of codes or names to ISO3, each distinct value once (blank if unknown).

    Numeric codes (``src="UNcode"``) are read through the publishers' own codes first,
    then as ISO 3166 numeric.
    """
    distinct = list(pd.unique(values))
    mapping = _convert(distinct, "ISOnumeric" if src == "UNcode" else src)
    if src == "UNcode":
        own = _comtrade_codes()
        mapping.update({v: own[v] for v in distinct if v in own})
    # A dict lookup per distinct value, not a Python call per row.
    found = values.map({k: v or "" for k, v in mapping.items()})
    return found.astype(object).fillna("").astype("str")


def _names_iso3(values: pd.Series) -> pd.Series:
    """Resolve a column of country codes or names, each distinct value once (kept if unknown)."""
    mapping = {v: country_iso3(v) or v for v in pd.unique(values)}
    return values.map(mapping)


def country_iso3(code_or_name: str) -> str | None:
    """Return the ISO3 code of a country given by ISO3 code, ISO2 code or name.

    Parameters
    ----------
    code_or_name
        For example ``"KOR"``, ``"KR"`` or ``"Korea, Rep."``.

    Returns
    -------
    str or None
        The ISO3 code, or ``None`` if country_converter does not know the country.

    Examples
    --------
    >>> country_iso3("Korea, Rep."), country_iso3("kor"), country_iso3("XYZ")
    ('KOR', 'KOR', None)
    """
    text = code_or_name.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return _convert([text.upper()], "ISO3").get(text.upper())
    return _convert([text], "regex" if len(text) > 2 else "ISO2").get(text)


def country_name(iso3: str) -> str:
    """Return a country's short name (country_converter's ``name_short``).

    Parameters
    ----------
    iso3
        The ISO3 code.

    Returns
    -------
    str
        The name, ``"World"`` for ``WLD``, or the code itself when unknown.

    Examples
    --------
    >>> country_name("KOR")
    'South Korea'
    """
    if iso3 == WORLD:
        return "World"
    with _quiet():
        name = _converter().convert([iso3], src="ISO3", to="name_short", not_found=_UNKNOWN)
    return name if isinstance(name, str) and name != _UNKNOWN else iso3


def _partners(
    codes: pd.Series, world: pd.Series, src: str = "ISO3", names: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Resolve partner codes: ``WLD`` where ``world``, ISO3 for countries, else labelled aggregate.

    Returns the partner codes and their kind (``world``, ``country`` or ``aggregate``);
    an aggregate keeps the code it had in the file, or its name (``names``) if the code
    is blank (Comtrade gives "Other Asia, nes" no ISO code).
    """
    iso = _convert(list(pd.unique(codes[~world])), src)
    resolved = codes.map({k: v or "" for k, v in iso.items()})
    resolved = resolved.astype(object).fillna("").astype("str")
    kind = pd.Series("aggregate", index=codes.index, dtype="str")
    kind[resolved != ""] = "country"
    kind[world] = "world"
    kept = codes if names is None else codes.where(codes != "", names)
    partner = resolved.where(resolved != "", kept).where(~world, WORLD)
    return partner.astype("str"), kind


# --- Shared steps -------------------------------------------------------------------------


class _Steps:
    """Collect what a loader drops and labels, row by row, for the provenance."""

    def __init__(self, raw: _Raw):
        self.raw = raw
        self.keep = pd.Series(True, index=raw.frame.index)
        self.dropped: Counter[str] = Counter(raw.skipped)
        self.conversions: list[str] = list(raw.notes)

    def drop(self, mask: pd.Series, reason: str) -> None:
        """Drop the rows where ``mask`` is true (among those still kept), counting them."""
        hit = mask & self.keep
        if hit.any():
            self.dropped[reason] += int(hit.sum())
            self.keep &= ~hit

    def number(self, column: str, *, missing: Sequence[str] = ()) -> pd.Series:
        """Convert a column to float (blank and ``missing`` markers to NaN), naming bad cells."""
        text = self.raw.frame[column].replace(list(missing), "")
        values = pd.to_numeric(text.replace("", None), errors="coerce").astype("float64")
        self._refuse(values.isna() & (text != ""), column, "a number (no separators)",
                     self.raw.frame[column], limit=None)  # fmt: skip
        return self.amounts(column, values)

    def amounts(self, column: str, values: pd.Series) -> pd.Series:
        """Return values or quantities, refusing a negative or infinite one (an error)."""
        self._refuse((values < 0) | np.isinf(values), column, "a finite amount of zero or more",
                     self.raw.frame[column])  # fmt: skip
        return values

    def years(self, column: str, values: pd.Series) -> pd.Series:
        """Return typed years, refusing one outside the years trade statistics exist for."""
        self._refuse(~values.between(FIRST_YEAR, _last_year()), column,
                     f"a year from {FIRST_YEAR} to {_last_year()}", values)  # fmt: skip
        return values.astype("int64")

    def _refuse(
        self,
        wrong: pd.Series,
        column: str,
        expected: str,
        cells: pd.Series,
        *,
        limit: int | None = 20,
    ) -> None:
        """Raise naming each kept row where ``wrong`` holds (the first ``limit``), if any."""
        wrong = wrong & self.keep
        if wrong.any():
            raise DataError(
                [Problem(self.raw.name, self.raw.line(int(i)), column, expected, repr(cells[i]))
                 for i in wrong[wrong].index[:limit]]
            )  # fmt: skip

    def repeats(self, table: pd.DataFrame) -> None:
        """Drop rows that repeat an earlier row exactly; refuse two rows that disagree.

        Two rows with the same reporter, partner, product, year, flow and basis are one
        figure given twice: with the same value and quantity the later is dropped (counted),
        with another the file cannot say which is right.
        """
        kept = np.flatnonzero(self.keep.to_numpy())
        key = _row_key(table.iloc[kept], _KEY)
        twice = key.duplicated(keep=False).to_numpy()
        if not twice.any():
            return
        rows = table.iloc[kept[twice]]
        same = _row_key(rows, (*_KEY, "value_usd", "quantity")).duplicated().to_numpy()
        self.drop(pd.Series(table.index.isin(rows.index[same]), index=table.index), _REPEATED_ROW)
        # Aggregates are named, not coded: two "Unspecified" partners may be two areas.
        rest = rows[~same & (rows["partner_kind"] != "aggregate").to_numpy()]
        clash = rest[_row_key(rest, _KEY).duplicated(keep=False).to_numpy()]
        if len(clash):
            raise DataError(
                [self._clash(group)
                 for _, group in list(clash.groupby(_row_key(clash, _KEY), sort=False))[:20]]
            )  # fmt: skip

    def _clash(self, group: pd.DataFrame) -> Problem:
        """Describe rows that give one figure different values, and how their lines differ."""
        r = group.iloc[0]
        values = "; ".join(f"{v:,.0f} US$ on line {self.raw.line(int(i))}"
                           for i, v in group["value_usd"].items())  # fmt: skip
        cells = self.raw.frame.loc[group.index]
        differ = [c for c in cells.columns if cells[c].nunique() > 1]
        # Cells that differ besides the value tell the user why (two names read as one code).
        shown = [c for c in differ if not any(w in c.lower() for w in ("value", "share", "qty"))]
        why = (
            "; the lines differ in "
            + ", ".join(f"{c} ({' vs '.join(map(repr, cells[c].unique()[:3]))})" for c in shown[:3])
            if shown
            else ""
        )
        return Problem(self.raw.name, self.raw.line(int(group.index[0])), "value",
                       "one row per reporter, partner, product, year and flow",
                       f"{r['reporter_iso3']}–{r['partner_iso3']}, product {r['product']}, "
                       f"{r['year']} {r['flow']}s given twice with different values: "
                       f"{values}{why}")  # fmt: skip

    def year(self, column: str) -> pd.Series:
        """Return a year column as integers, refusing anything but four digits."""
        text = self.raw.frame[column]
        ok = text.str.fullmatch(_YEAR.pattern)
        ok &= pd.to_numeric(text.where(ok, "0")).between(FIRST_YEAR, _last_year())
        self._refuse(~ok, column, f"a year from {FIRST_YEAR} to {_last_year()} (four digits)",
                     text)  # fmt: skip
        # Rows already dropped (monthly periods) get a placeholder year.
        return pd.to_numeric(text.where(ok, "0")).astype("int64")

    def finish(
        self,
        table: pd.DataFrame,
        fmt: Format,
        hs_vintage: str,
        unit: str,
        labels: pd.Series | None = None,
    ) -> Loaded:
        """Keep the rows not dropped, label them, and return the table with its provenance.

        ``labels`` holds the file's own name of each row's product, if it has one.
        """
        self.repeats(table)
        names: tuple[tuple[str, str], ...] = ()
        if labels is not None:
            kept = pd.DataFrame({"code": table["product"], "label": labels})[self.keep]
            kept = kept[kept["label"] != ""].drop_duplicates("code").sort_values("code")
            names = tuple(zip(kept["code"], kept["label"], strict=True))
        out = table if self.keep.all() else table[self.keep.to_numpy()]
        out = out.reset_index(drop=True)
        out = out.assign(file=_constant(self.raw.name, len(out)))
        prov = Provenance(
            file=self.raw.name,
            sha256=self.raw.sha256,
            format=fmt.name,
            publisher=fmt.publisher,
            hs_vintage=hs_vintage,
            value_unit=unit,
            conversions=tuple(self.conversions),
            rows_in=self.raw.file_rows,
            rows_out=len(out),
            dropped=tuple(sorted(self.dropped.items())),
            labelled=_labels(out),
            product_labels=names,
        )
        out = out.assign(source=_constant(prov.citation(), len(out)))
        # Columns of a few values repeated on every row are categorical: a BACI year has
        # ten million rows, and its file name and citation would otherwise be copied to each.
        out = out.astype({c: "category" for c in _REPEATED})
        return Loaded(out[list(COLUMNS)], prov)


_REPEATED_ROW = "repeated row (the same figure as an earlier row of the file)"
# The columns that identify one figure of a file.
_KEY = ("reporter_iso3", "partner_iso3", "product", "year", "flow", "basis")


def _row_key(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Return one integer per row, equal for rows equal in ``columns`` (missing equal too)."""
    key = np.zeros(len(table), dtype=np.int64)
    size = 1
    for col in columns:
        codes, uniques = pd.factorize(table[col], use_na_sentinel=False)
        if size * (len(uniques) + 1) >= 2**62:
            # Too many combinations for one integer: fold the key so far into its codes.
            key, folded = pd.factorize(key)
            size = len(folded)
        key = key * (len(uniques) + 1) + codes
        size *= len(uniques) + 1
    return pd.Series(key, index=table.index)


def _constant(text: str, n: int) -> pd.Categorical:
    """Return a categorical column holding one text n times (one copy of the text)."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [text])


def _labels(table: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """Count the rows kept but labelled: world totals, aggregates, re-flows, confidential codes."""
    counts = {
        "world-total partner (WLD)": int((table["partner_kind"] == "world").sum()),
        "aggregate or unspecified partner": int((table["partner_kind"] == "aggregate").sum()),
        "re-exports": int((table["flow"] == "re-export").sum()),
        "re-imports": int((table["flow"] == "re-import").sum()),
        "confidential or unspecified product (HS 99)": int(
            (table["product_kind"] == "confidential").sum()
        ),
        "product code of no HS, SITC or BEC form (a group, or an error: not in product sums)": int(
            (table["product_kind"] == "group").sum()
        ),
        "quantity without a unit": int(
            (table["quantity"].notna() & (table["quantity_unit"] == "")).sum()
        ),
    }
    return tuple((k, n) for k, n in counts.items() if n)


def _products(
    codes: pd.Series,
    *,
    width: int | None = None,
    classification: pd.Series | None = None,
    steps: _Steps | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Normalise product codes (``TOTAL``, HS digits) and classify them.

    ``width`` pads codes that lost their leading zero (BACI writes 10121 for 010121).
    ``classification`` holds Comtrade's classification code of each row: codes of the
    SITC (``S1`` … ``S4``) or BEC (``BE``) are kinds of their own (``sitc``, ``bec``),
    never read as HS chapters. A code of no classification (``72A``) is a ``group``,
    counted in the provenance; ``steps`` records the HS codes given back a leading zero.
    """
    text = codes.str.upper().replace({"ALL": TOTAL, "ALL PRODUCTS": TOTAL})
    if width is not None:
        text = text.where(~text.str.fullmatch(r"[0-9]+"), text.str.zfill(width))
    kind = pd.Series("group", index=codes.index, dtype="str")
    kind[text.str.fullmatch(r"[0-9]{2,6}")] = "hs"
    kind[text.str.fullmatch(r"[0-9]{2,6}") & text.str.startswith(CONFIDENTIAL_CHAPTER)] = (
        "confidential"
    )
    if classification is not None:
        scheme = classification.str.upper()
        digits = text.str.fullmatch(r"[0-9]{1,6}")
        # A spreadsheet drops the leading zero of an HS code (3 for chapter 03, 101 for
        # 0101); HS codes have an even number of digits, so one zero is put back.
        odd = digits & scheme.str.match(r"H[0-9S]") & (text.str.len() % 2 == 1)
        if odd.any():
            text = text.where(~odd, "0" + text)
            kind[odd & text.str.fullmatch(r"[0-9]{2,6}")] = "hs"
            if steps is not None:
                steps.conversions.append(f"{int(odd.sum())} HS code(s) of an odd number of "
                                         "digits given back their leading zero")  # fmt: skip
        # SITC sections and BEC categories have one digit.
        kind[digits & scheme.str.match(r"S[1-4]$")] = "sitc"
        kind[digits & scheme.str.match(r"BE")] = "bec"
    kind[text == TOTAL] = "total"
    return text, kind


def _quantity(
    steps: _Steps, value: str | None, unit: pd.Series | str | None, *, none_units: Sequence[str]
) -> tuple[pd.Series, pd.Series]:
    """Return quantities and their units; a unit marked "no quantity" empties the quantity."""
    index = steps.raw.frame.index
    if value is None or value not in steps.raw.frame.columns:
        return pd.Series(float("nan"), index=index), pd.Series("", index=index, dtype="str")
    qty = steps.number(value, missing=["NA"])
    units = unit if isinstance(unit, pd.Series) else pd.Series(unit or "", index=index)
    units = units.astype("str").replace(list(none_units), "")
    no_quantity = units.eq("") & qty.fillna(0).eq(0)
    return qty.where(~no_quantity), units


def _frame(index: pd.Index, **columns: object) -> pd.DataFrame:
    """Build a canonical table (without file and source, added at the end).

    A text given once for every row (``flow="export"``) becomes a categorical column.
    """
    for name, value in columns.items():
        if isinstance(value, str):
            columns[name] = pd.Series(_constant(value, len(index)), index=index)
    return pd.DataFrame(columns, index=index)


def _flows(steps: _Steps, text: pd.Series, mapping: dict[str, str], what: str) -> pd.Series:
    """Map flow labels to the four kept flows, dropping and counting every other flow."""
    flow = text.str.lower().map(mapping)
    for label in sorted(set(text[flow.isna() & steps.keep])):
        steps.drop(text == label, f"{what} {label!r} (not an export, import or re-flow)")
    return flow.fillna("")


# --- Loaders ------------------------------------------------------------------------------


# The columns that identify a Comtrade series, for summing months to years.
_PLUS_KEYS = ("typeCode", "refYear", "reporterCode", "reporterISO", "reporterDesc", "flowCode",
              "flowDesc", "partnerCode", "partnerISO", "partnerDesc", "partner2Code",
              "classificationCode", "cmdCode", "cmdDesc", "customsCode", "motCode")  # fmt: skip
_CLASSIC_KEYS = ("Classification", "Year", "Aggregate Level", "Is Leaf Code", "Trade Flow Code",
                 "Trade Flow", "Reporter Code", "Reporter", "Reporter ISO", "Partner Code",
                 "Partner", "Partner ISO", "2nd Partner Code", "Customs Proc. Code",
                 "Mode of Transport Code", "Commodity Code", "Commodity")  # fmt: skip


def _months(raw: _Raw, period: str, value: str, keys: Sequence[str]) -> tuple[_Raw, Counter[str]]:
    """Sum a Comtrade file's monthly rows (period YYYYMM) to complete calendar years."""
    f = raw.frame
    monthly = f[period].str.fullmatch(r"[0-9]{6}")
    if not monthly.any():
        return raw, Counter()
    text = f[period].where(~monthly, f[period].str[:4] + "M" + f[period].str[4:])
    return _annual(replace(raw, frame=f.assign(**{period: text})), period, value, keys)


def _comtrade_plus(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load the Comtrade portal/API CSV: values in US$, flows X, M, RX, RM kept.

    Monthly rows are summed to the calendar years whose twelve months the file holds.
    """
    if "period" in raw.frame.columns:
        raw, partial = _months(raw, "period", "primaryValue", _PLUS_KEYS)
    else:
        partial = Counter()
    f, steps = raw.frame, _Steps(raw)
    steps.dropped.update(partial)
    for col, total in (("partner2Code", "0"), ("motCode", "0"), ("customsCode", "C00")):
        if col in f.columns:
            steps.drop(~f[col].isin(["", total]), f"breakdown by {col} (totals kept)")
    steps.drop(f["flowCode"].str.lower().isin(["dx", "fm"]), "domestic exports or foreign "
               "imports (DX, FM): parts of exports and imports, which are kept whole")  # fmt: skip
    flow = _flows(steps, f["flowCode"], {"x": "export", "m": "import", "rx": "re-export",
                                         "rm": "re-import"}, "flowCode")  # fmt: skip
    world = f["partnerCode"].isin(["0"]) | f["partnerISO"].isin(["W00", WORLD])
    partner, kind = _partners(f["partnerISO"], world, names=f.get("partnerDesc"))
    if "typeCode" in f.columns:
        steps.drop(f["typeCode"] == "S", "services (typeCode S), not goods")
    taiwan = f["partnerCode"].isin(TAIWAN_CODES) & ~world
    partner = partner.mask(taiwan, "TWN")
    kind = kind.mask(taiwan, "country")
    _taiwan(steps, taiwan)
    product, product_kind = _products(
        f["cmdCode"], classification=f.get("classificationCode"), steps=steps
    )
    reporter = _iso3(f["reporterISO"], "ISO3")
    reporter = reporter.where(reporter != "", f["reporterISO"])
    reporter = reporter.mask(f.get("reporterCode", f["reporterISO"]).isin(TAIWAN_CODES), "TWN")
    unit = f.get("qtyUnitAbbr", pd.Series("", index=f.index))
    unit = unit.where(f.get("qtyUnitCode", pd.Series("", index=f.index)) != "-1", "")
    qty, qty_unit = _quantity(steps, "qty", unit, none_units=["N/A", "NA"])
    table = _frame(f.index, reporter_iso3=reporter, partner_iso3=partner, product=product,
                   year=steps.year("refYear"), flow=flow, value_usd=steps.number("primaryValue"),
                   quantity=qty, quantity_unit=qty_unit, partner_kind=kind,
                   product_kind=product_kind, basis="reported")  # fmt: skip
    steps.drop(table["value_usd"].isna(), "blank primaryValue")
    vintage = _vintage(f.get("classificationCode"))
    return steps.finish(table, FORMATS["comtrade_plus"], vintage, "US$", f.get("cmdDesc"))


# Comtrade's flow labels and codes, in the classic and the new layouts; domestic exports
# and foreign imports (DX, FM) are parts of exports and imports, which are kept whole.
_COMTRADE_FLOWS = {"export": "export", "import": "import", "re-export": "re-export",
                   "re-import": "re-import", "x": "export", "m": "import", "rx": "re-export",
                   "rm": "re-import", "1": "import", "2": "export", "3": "re-export",
                   "4": "re-import"}  # fmt: skip
# Comtrade reports Taiwan as "Other Asia, nes" (code 490): the convention of UN statistics.
TAIWAN_CODES = ("490", "S19")


# Where each layout names a reporter or partner, in order of preference.
def _classic_side(side: str) -> tuple[tuple[str, str], ...]:
    return ((f"{side} ISO", "ISO3"), (f"{side} Code", "UNcode"), (side, "regex"))


def _wits_side(side: str) -> tuple[tuple[str, str], ...]:
    return ((f"{side}ISO3", "ISO3"), (f"{side}Code", "UNcode"), (f"{side}Name", "regex"),
            (side, "regex"))  # fmt: skip


TAIWAN_NOTE = (
    "{n} row(s) of Comtrade's 'Other Asia, nes' (code 490) read as Taiwan (TWN): UN "
    "statistics report Taiwan, Province of China, under that name"
)


def _country_columns(
    f: pd.DataFrame, columns: Sequence[tuple[str, str]]
) -> tuple[pd.Series, pd.Series]:
    """Resolve a reporter or partner from the first of its columns that names it.

    ``columns`` lists (column, kind) in order of preference: an ISO3 column (``ISO3``),
    a numeric code (``UNcode``: ISO 3166 numeric or the publishers' own codes) or a
    name (``regex``). Returns the ISO3 codes (blank when no column resolves a row) and
    the text the file gave in its first present column (for labels).
    """
    blank = pd.Series("", index=f.index)
    out, given = blank, blank
    for col, src in columns:
        if col in f.columns:
            values = f[col].str.lstrip("0") if src == "UNcode" else f[col]
            out = out.where(out != "", _iso3(values, src))
            given = given.where(given != "", f[col])
    return out, given


def _taiwan(steps: _Steps, rows: pd.Series) -> None:
    """Note in the provenance how many kept rows were read as Taiwan, and why."""
    n = int((rows & steps.keep).sum())
    if n:
        steps.conversions.append(TAIWAN_NOTE.format(n=n))


def _comtrade_classic(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load a classic Comtrade CSV, long or short, with or without ISO columns (US$).

    Monthly rows (``Period`` YYYYMM) are summed to the calendar years whose twelve months
    the file holds.
    """
    partial: Counter[str] = Counter()
    if "Period" in raw.frame.columns:
        raw, partial = _months(raw, "Period", "Trade Value (US$)", _CLASSIC_KEYS)
    f, steps = raw.frame, _Steps(raw)
    steps.dropped.update(partial)
    missing = [s for s in ("Reporter", "Partner")
               if not {f"{s} ISO", f"{s} Code", s} & set(f.columns)]  # fmt: skip
    if missing:
        raise DataError(
            Problem(raw.name, 1, None, "the reporter and partner of each row (columns "
                    "Reporter ISO, Reporter Code or Reporter; Partner ISO, Partner Code or "
                    "Partner): download the file again with those columns", "no column for "
                    + " or ".join(m.lower() for m in missing))
        )  # fmt: skip
    if "Period" in f.columns:
        steps.drop(f["Period"].str.len() > 4, "monthly data (Period YYYYMM)")
    for col, total in (("2nd Partner Code", "0"), ("Mode of Transport Code", "0"),
                       ("Customs Proc. Code", "C00")):  # fmt: skip
        if col in f.columns:
            steps.drop(~f[col].isin(["", total]), f"breakdown by {col} (totals kept)")
    classification = f.get("Classification")
    if classification is not None:
        steps.drop(classification.str.upper().str.startswith("EB"),
                   "services (EBOPS classification), not goods")  # fmt: skip
    text = f["Trade Flow"].str.lower()
    steps.drop(text.isin(["dx", "fm"]), "domestic exports or foreign imports (DX, FM): parts "
               "of exports and imports, which are kept whole")  # fmt: skip
    flow = _flows(steps, f["Trade Flow"], _COMTRADE_FLOWS, "Trade Flow")
    reporter, _ = _country_columns(f, _classic_side("Reporter"))
    partner_iso, _ = _country_columns(f, _classic_side("Partner"))
    partner_code = f.get("Partner Code", pd.Series("", index=f.index)).str.lstrip("0")
    names = f.get("Partner", pd.Series("", index=f.index))
    iso_col = f.get("Partner ISO", pd.Series("", index=f.index))
    world = partner_code.eq("") & iso_col.isin([WORLD, "W00"]) | names.eq("World")
    world |= f.get("Partner Code", pd.Series("x", index=f.index)).eq("0")
    taiwan = partner_code.isin(TAIWAN_CODES) | names.eq("Other Asia, nes")
    taiwan &= ~world
    partner_iso = partner_iso.mask(taiwan, "TWN")
    _taiwan(steps, taiwan)
    reporter_taiwan = f.get("Reporter Code", pd.Series("", index=f.index)).isin(TAIWAN_CODES)
    reporter = reporter.mask(reporter_taiwan | f.get("Reporter", names).eq("Other Asia, nes"),
                             "TWN")  # fmt: skip
    known = partner_iso != ""
    kind = pd.Series("aggregate", index=f.index, dtype="str").mask(known, "country")
    kind = kind.mask(world, "world")
    kept = iso_col.where(iso_col != "", partner_code.where(partner_code != "", names))
    partner = partner_iso.where(known, kept).where(~world, WORLD)
    unknown_reporter = (reporter == "") & steps.keep
    if unknown_reporter.any():
        i = int(unknown_reporter[unknown_reporter].index[0])
        column = next(c for c in ("Reporter ISO", "Reporter Code", "Reporter") if c in f.columns)
        raise DataError(
            Problem(raw.name, raw.line(i), column, "a reporter known by ISO3 code, UN M49 code "
                    "or name", repr(f.at[i, column]))
        )  # fmt: skip
    product, product_kind = _products(
        f["Commodity Code"], classification=classification, steps=steps
    )
    unit = f.get("Qty Unit", pd.Series("", index=f.index))
    qty, qty_unit = _quantity(steps, "Qty", unit, none_units=["No Quantity"])
    table = _frame(f.index, reporter_iso3=reporter, partner_iso3=partner, product=product,
                   year=steps.year("Year"), flow=flow,
                   value_usd=steps.number("Trade Value (US$)"), quantity=qty,
                   quantity_unit=qty_unit, partner_kind=kind, product_kind=product_kind,
                   basis="reported")  # fmt: skip
    steps.drop(table["value_usd"].isna(), "blank Trade Value (US$)")
    vintage = _vintage(classification)
    return steps.finish(table, FORMATS["comtrade_classic"], vintage, "US$", f.get("Commodity"))


def _vintage(codes: pd.Series | None) -> str:
    """Return the HS vintage(s) named by Comtrade classification codes (H0 … H6)."""
    if codes is None:
        return "not stated"
    names = sorted({_HS_VINTAGES.get(c, c) for c in codes if c})
    return ", ".join(names) if names else "not stated"


def _take(values: Sequence[object], index: np.ndarray) -> pd.Series:
    """Build a categorical text column from its distinct values and each row's index into them."""
    categories, position = np.unique(np.array(values, dtype=object), return_inverse=True)
    return pd.Series(pd.Categorical.from_codes(position[index], categories.tolist()))


def _baci_codes(codes: Sequence[_Raw]) -> dict[str, str]:
    """Map BACI's country codes (no leading zeros) to the ISO3 codes of its code files."""
    iso: dict[str, str] = {}
    for c in codes:
        col = "country_iso3" if "country_iso3" in c.header else "iso_3digit_alpha"
        iso.update(dict(zip(c.frame["country_code"].str.lstrip("0"), c.frame[col], strict=True)))
    return iso


def _baci_iso(codes: Sequence[_Raw]) -> dict[str, tuple[str, str]]:
    """Map BACI's country codes to the code and kind the loader gives them (:func:`_partners`)."""
    iso = _baci_codes(codes)
    distinct = sorted(iso)
    resolved, kinds = _partners(pd.Series([iso[c] for c in distinct], dtype="str"),
                                pd.Series(False, index=range(len(distinct))))  # fmt: skip
    return dict(zip(distinct, zip(resolved, kinds, strict=True), strict=True))


def _baci(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load CEPII BACI: exporter i to importer j; values ×1000 to US$, quantities in tons.

    A year file has about ten million rows: each country and product code is resolved
    once, among the distinct codes, and the columns are built from those (no Python
    object per row).
    """
    f, steps = raw.frame, _Steps(raw)
    codes = [c for c in companions if _format_of(c.header) is FORMATS["baci_countries"]]
    if not codes:
        raise DataError(
            Problem(raw.name, None, "i, j", "BACI's country-code file (country_codes_V*.csv, "
                    "shipped in the same archive) among the files", "none given")
        )  # fmt: skip
    iso = _baci_iso(codes)
    exporters, importers = pd.factorize(f["i"]), pd.factorize(f["j"])
    distinct = sorted({str(v).lstrip("0") for v in [*exporters[1], *importers[1]]})
    unknown = [c for c in distinct if c not in iso]
    if unknown:
        raise DataError(
            Problem(raw.name, None, "i, j", f"codes listed in {codes[0].name}",
                    ", ".join(unknown[:10]))
        )  # fmt: skip
    resolved, kinds = [iso[c][0] for c in distinct], [iso[c][1] for c in distinct]
    at = {c: n for n, c in enumerate(distinct)}

    def side(found: tuple[np.ndarray, pd.Index]) -> tuple[pd.Series, pd.Series]:
        where = np.array([at[str(v).lstrip("0")] for v in found[1]], dtype=np.int64)
        rows = where[found[0]]
        return _take(resolved, rows), _take(kinds, rows)

    exporter, _ = side(exporters)
    partner, kind = side(importers)
    k_rows, k_values = pd.factorize(f["k"].astype("str"))
    product_u, kind_u = _products(pd.Series(k_values, dtype="str"), width=6)
    product, product_kind = _take(product_u.tolist(), k_rows), _take(kind_u.tolist(), k_rows)
    padded = int(np.bincount(k_rows, minlength=len(k_values))[
        pd.Series(k_values, dtype="str").str.len().to_numpy() < 6].sum())  # fmt: skip
    if padded:
        steps.conversions.append(f"{padded} product codes k padded to 6 digits (leading zero)")
    typed = pd.api.types.is_float_dtype(f["v"])
    value = (f["v"] if typed else steps.number("v")) * 1000
    steps.conversions.append("v: thousand US$ × 1000 = US$")
    if typed:
        qty = f["q"]
        qty_unit = pd.Series(pd.Categorical.from_codes(qty.notna().to_numpy().astype(np.int8),
                                                       ["", "t"]))  # fmt: skip
        year = steps.years("t", f["t"])
        steps.amounts("v", f["v"])
        steps.amounts("q", qty)
    else:
        qty, qty_unit = _quantity(steps, "q", "t", none_units=[])
        qty_unit = qty_unit.where(qty.notna(), "")
        year = steps.year("t")
    table = _frame(f.index, reporter_iso3=exporter, partner_iso3=partner, product=product,
                   year=year, flow="export", value_usd=value, quantity=qty,
                   quantity_unit=qty_unit, partner_kind=kind,
                   product_kind=product_kind, basis="reconciled")  # fmt: skip
    steps.drop(table["value_usd"].isna(), "blank v")
    # BACI states its HS revision only in the file name (BACI_HS17_Y2020_V202401.csv).
    found = _BACI_VINTAGE.search(raw.name)
    vintage = "not stated (BACI file names say it, e.g. BACI_HS17_…)"
    if found:
        vintage = f"HS{'19' if found.group(1) in ('92', '96') else '20'}{found.group(1)}"
    return steps.finish(table, FORMATS["baci"], vintage, "thousand US$")


_IMF_FLOWS = {"TXG_FOB_USD": "export", "XG_FOB_USD": "export",
              "TMG_CIF_USD": "import", "MG_CIF_USD": "import"}  # fmt: skip
_SCALES = {"": 1.0, "0": 1.0, "units": 1.0, "3": 1e3, "thousands": 1e3, "6": 1e6,
           "millions": 1e6, "9": 1e9, "billions": 1e9}  # fmt: skip


_PERIOD = re.compile(r"([0-9]{4})(?:([MQ])([0-9]{1,2}))?")
_PERIODS_IN_YEAR = {"M": 12, "Q": 4}


def _annual(
    raw: _Raw, period: str, value: str, keys: Sequence[str] | None = None
) -> tuple[_Raw, Counter[str]]:
    """Sum monthly or quarterly observations to calendar years where every period is there.

    A year that lacks a month (or quarter) is not an annual figure: its observations are
    left out, counted by reason. Annual rows pass unchanged. ``keys`` are the columns that
    identify a series (every other column by default); other columns of summed rows
    (quantities, weights) are left blank.
    """
    f = raw.frame
    parts = f[period].str.extract(_PERIOD.pattern + "$")
    sub = parts[1].fillna("")
    dropped: Counter[str] = Counter()
    if not sub.ne("").any():
        return raw, dropped
    keys = [c for c in (keys or f.columns) if c in f.columns and c not in (period, value)]
    annual = f[sub.eq("")]
    subs = f[sub.ne("") & parts[0].notna()].assign(_year=parts[0], _kind=sub, _n=parts[2])
    numbers = pd.to_numeric(subs[value].replace("", None), errors="coerce")
    subs = subs.assign(_value=numbers)
    group = [*keys, "_year", "_kind"]
    subs, repeated = _period_repeats(raw, subs, [*group, "_n"], value)
    if repeated:
        dropped[_REPEATED_ROW] += repeated
    counts = subs.groupby(group, sort=True, dropna=False).agg(
        n=("_n", "nunique"), total=("_value", "sum"), rows=("_value", "size")
    ).reset_index()  # fmt: skip
    full = counts["n"] == counts["_kind"].map(_PERIODS_IN_YEAR)
    for kind, word in (("M", "months"), ("Q", "quarters")):
        short = counts[~full & counts["_kind"].eq(kind)]
        if len(short):
            dropped[f"{word} of an incomplete year (fewer than {_PERIODS_IN_YEAR[kind]} "
                    f"{word}: not an annual figure)"] += int(short["rows"].sum())  # fmt: skip
    summed = counts[full].rename(columns={"_year": period}).assign(
        **{value: lambda d: d["total"].map(repr)}
    )[[*keys, period, value]]  # fmt: skip
    summed = summed.reindex(columns=f.columns, fill_value="")
    frame = pd.concat([annual, summed], ignore_index=True)
    note = (f"{int(counts.loc[full, 'rows'].sum())} monthly or quarterly observations summed "
            f"to {int(full.sum())} calendar-year values")  # fmt: skip
    if len(keys) < len(f.columns) - 2:
        note += " (their quantities and weights left blank)"
    lines = [raw.line(int(i)) for i in annual.index] + [0] * len(summed)
    return replace(raw, frame=frame, notes=[*raw.notes, note], lines=lines), dropped


def _period_repeats(
    raw: _Raw, subs: pd.DataFrame, key: list[str], value: str
) -> tuple[pd.DataFrame, int]:
    """Drop a month or quarter given twice with one value; refuse one given two values."""
    twice = subs.duplicated(key, keep=False)
    if not twice.any():
        return subs, 0
    same = subs[twice].duplicated([*key, "_value"])
    subs = subs.drop(same[same].index)
    clash = subs[subs.duplicated(key, keep=False)]
    if len(clash):
        i = int(clash.index[0])
        period = f"{clash.at[i, '_year']}{clash.at[i, '_kind']}{clash.at[i, '_n']}"
        others = clash[(clash[key] == clash.loc[i, key]).all(axis=1)]
        found = "; ".join(f"{raw.frame.at[j, value]} on line {raw.line(int(j))}"
                          for j in others.index)  # fmt: skip
        raise DataError(
            Problem(raw.name, raw.line(i), value, "one value per series and period",
                    f"{period} given twice with different values: {found}")
        )  # fmt: skip
    return subs, int(same.sum())


def _imf(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load IMF trade by partner (DOTS/IMTS): exports FOB and imports CIF, annual rows.

    Monthly (``2019M01`` or ``2019M1``) and quarterly (``2019Q1``) observations are summed
    to calendar years where the year is complete (:func:`_annual`).
    """
    f = raw.frame
    sdmx = "OBS_VALUE" in f.columns
    if not sdmx and "Time Period" not in f.columns:
        years = [c for c in f.columns if _PERIOD.fullmatch(c)]
        keys = [c for c in f.columns if not _PERIOD.fullmatch(c)]
        values = f["Attribute"] == "Value"
        f = f[values].melt(keys, years, "Time Period", "Value")
        f = f[f["Value"] != ""].reset_index(drop=True)
        note = (
            f"wide layout: {int(values.sum())} Value rows × {len(years)} years reshaped to "
            f"{len(f)} observations ({int((~values).sum())} Status rows read as notes)"
        )
        raw = replace(raw, frame=f, notes=[*raw.notes, note], lines=[])
    period_col, value_col = ("TIME_PERIOD", "OBS_VALUE") if sdmx else ("Time Period", "Value")
    raw, partial = _annual(raw, period_col, value_col)
    f = raw.frame
    steps = _Steps(raw)
    steps.dropped.update(partial)
    col = dict(
        zip(("country", "partner", "partner_name", "indicator", "period", "value"),
            ("COUNTRY", "COUNTERPART_COUNTRY", "COUNTERPART_COUNTRY", "INDICATOR",
             "TIME_PERIOD", "OBS_VALUE") if sdmx else
            ("Country Name", "Counterpart Country Code", "Counterpart Country Name",
             "Indicator Code", "Time Period", "Value"), strict=True)
    )  # fmt: skip
    steps.drop(~f[col["period"]].str.fullmatch(_YEAR.pattern), "a period that is not a year")
    indicator = f[col["indicator"]].str.upper()
    for code in sorted(set(indicator[~indicator.isin(list(_IMF_FLOWS)) & steps.keep])):
        steps.drop(indicator == code, f"indicator {code} (only exports FOB and imports CIF kept)")
    flow = indicator.map(_IMF_FLOWS).fillna("")
    if sdmx:
        reporter = _names_iso3(f[col["country"]])
        world = f[col["partner"]].isin(["G001", "W00", "1", "001", WORLD, "World"])
        partner, kind = _partners(f[col["partner"]], world)
    else:
        # IMF country codes (534, for instance) are not ISO codes: the names are resolved instead.
        reporter = _names_iso3(f[col["country"]])
        world = f[col["partner_name"]].eq("World") | f[col["partner"]].isin(["1", "001"])
        partner, kind = _partners(f[col["partner_name"]], world, src="regex")
    scale_col = next((c for c in ("UNIT_MULT", "SCALE") if c in f.columns), None)
    if sdmx and scale_col is None:
        # SDMX gives values in units of 10^UNIT_MULT: without it a figure in millions
        # would be read as dollars.
        raise DataError(
            Problem(raw.name, 1, "UNIT_MULT", "a UNIT_MULT (or SCALE) column: IMF SDMX values "
                    "are in US$ × 10^UNIT_MULT (6: millions)", "neither: download the file "
                    "again with its attributes (labels and codes, all attributes)")
        )  # fmt: skip
    scale = (f[scale_col].str.lower().map(_SCALES).astype("float64") if scale_col
             else pd.Series(1.0, index=f.index))  # fmt: skip
    if scale.isna().any():
        i = scale[scale.isna()].index[0]
        raise DataError(Problem(raw.name, int(i) + 2, scale_col, "a scale such as Units, "
                                "Millions or 6", repr(f.at[i, scale_col])))  # fmt: skip
    value = steps.number(col["value"]) * scale
    if (scale != 1).any():
        steps.conversions.append(f"{col['value']} × {scale_col} (power of ten) = US$")
    nan = pd.Series(float("nan"), index=f.index)
    table = _frame(f.index, reporter_iso3=reporter, partner_iso3=partner, product=TOTAL,
                   year=steps.year(col["period"]), flow=flow, value_usd=value, quantity=nan,
                   quantity_unit="", partner_kind=kind, product_kind="total",
                   basis="reported")  # fmt: skip
    steps.drop(table["value_usd"].isna(), "blank value")
    unit = "US$" + "".join(f" × {s:,.0f}" for s in sorted(set(scale[steps.keep])) if s != 1)
    fmt = FORMATS["imf_sdmx" if sdmx else "imf_dots"]
    return steps.finish(table, fmt, "not applicable (all products)", unit)


_WITS_VALUES = ("TradeValue in 1000 USD", "Trade Value 1000USD")


def _wits_raw(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load WITS trade data (bulk or query layout): thousand US$, quantity beside them."""
    f, steps = raw.frame, _Steps(raw)
    flow_col = "TradeFlowName" if "TradeFlowName" in f.columns else "TradeFlow"
    flow = _flows(steps, f[flow_col], {"export": "export", "import": "import",
                                       "gross exports": "export", "gross imports": "import",
                                       "re-export": "re-export", "re-import": "re-import"},
                  flow_col)  # fmt: skip
    partner_iso, partner_given = _country_columns(f, _wits_side("Partner"))
    world = partner_given.isin([WORLD, "World", "000"]) | partner_iso.eq(WORLD)
    known = partner_iso != ""
    kind = pd.Series("aggregate", index=f.index, dtype="str").mask(known, "country")
    kind = kind.mask(world, "world")
    partner = partner_iso.where(known, partner_given).where(~world, WORLD)
    product, product_kind = _products(
        f["ProductCode"], classification=f.get("Nomenclature"), steps=steps
    )
    reporter, reporter_given = _country_columns(f, _wits_side("Reporter"))
    reporter = reporter.where(reporter != "", reporter_given)
    unit_col = next((c for c in ("QtyUnit", "QuantityToken", "Quantity Unit") if c in f.columns),
                    None)  # fmt: skip
    unit = f[unit_col] if unit_col else None
    qty, qty_unit = _quantity(steps, "Quantity", unit, none_units=["N.Q.", "NQ"])
    value_col = next(c for c in _WITS_VALUES if c in f.columns)
    value = steps.number(value_col) * 1000
    steps.conversions.append(f"{value_col} × 1000 = US$")
    table = _frame(f.index, reporter_iso3=reporter, partner_iso3=partner, product=product,
                   year=steps.year("Year"), flow=flow, value_usd=value, quantity=qty,
                   quantity_unit=qty_unit, partner_kind=kind, product_kind=product_kind,
                   basis="reported")  # fmt: skip
    steps.drop(table["value_usd"].isna(), "blank trade value")
    vintage = _vintage(f.get("Nomenclature"))
    labels = next((f[c] for c in ("Product Description", "ProductDescription") if c in f), None)
    return steps.finish(table, FORMATS["wits_raw"], vintage, "thousand US$", labels)


_WITS_INDICATORS = {"Export (US$ Thousand)": "export", "Import (US$ Thousand)": "import"}


def _wits_summary(raw: _Raw, companions: Sequence[_Raw]) -> Loaded:
    """Load WITS trade by partner (names, thousand US$), in its long or wide layout."""
    f = raw.frame
    if "Indicator" in f.columns:
        # Wide layout: one row per indicator, one column per year.
        years = [c for c in f.columns if _YEAR.fullmatch(c)]
        keys = [c for c in f.columns if not _YEAR.fullmatch(c)]
        rows_in = len(f)
        long = f.melt(keys, years, "Year", "value")
        long = long[long["value"] != ""].reset_index(drop=True)
        note = f"wide layout: {rows_in} rows × {len(years)} years reshaped"
    else:
        present = [c for c in _WITS_INDICATORS if c in f.columns]
        keys = [c for c in f.columns if c not in present]
        long = f.melt(keys, present, "Indicator", "value").reset_index(drop=True)
        note = "one row per partner and year, split into one per flow"
    raw = replace(raw, frame=long, notes=[*raw.notes, note])
    f, steps = long, _Steps(raw)
    for name in sorted(set(f["Indicator"]) - set(_WITS_INDICATORS)):
        steps.drop(f["Indicator"] == name, f"indicator {name!r} (only trade values kept)")
    flow = f["Indicator"].map(_WITS_INDICATORS).fillna("")
    reporter = _names_iso3(f["Reporter Name"])
    world = f["Partner Name"].eq("World")
    partner, kind = _partners(f["Partner Name"], world, src="regex")
    group = f.get("Product Group", pd.Series("All Products", index=f.index))
    product, product_kind = _products(group)
    value = steps.number("value") * 1000
    steps.conversions.append("US$ Thousand × 1000 = US$")
    nan = pd.Series(float("nan"), index=f.index)
    table = _frame(f.index, reporter_iso3=reporter, partner_iso3=partner, product=product,
                   year=steps.year("Year"), flow=flow, value_usd=value, quantity=nan,
                   quantity_unit="", partner_kind=kind, product_kind=product_kind,
                   basis="reported")  # fmt: skip
    return steps.finish(table, FORMATS["wits_summary"], "WITS product groups", "thousand US$")


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("comtrade_plus", "UN Comtrade", ("refYear", "reporterISO", "partnerISO",
               "partnerCode", "flowCode", "cmdCode", "primaryValue"), _comtrade_plus,
               "UN Comtrade data portal / API CSV"),
        Format("comtrade_classic", "UN Comtrade", ("Year", "Trade Flow", "Commodity Code",
               "Trade Value (US$)"), _comtrade_classic,
               "UN Comtrade classic CSV, long or short (reporter and partner by ISO3, M49 "
               "code or name)"),
        Format("baci", "CEPII BACI", ("t", "i", "j", "k", "v", "q"), _baci,
               "CEPII BACI (values in thousand US$)"),
        Format("baci_countries", "CEPII BACI", ("country_code",), None,
               "BACI country codes (country_codes_V*.csv, any release)"),
        Format("baci_products", "CEPII BACI", ("code", "description"), None,
               "BACI product codes (product_codes_HS*_V*.csv)"),
        Format("imf_dots", "IMF", ("Country Name", "Indicator Code",
               "Counterpart Country Name", "Counterpart Country Code"), _imf,
               "IMF DOTS/IMTS CSV, long (Time Period, Value) or wide (years, Attribute)"),
        Format("imf_sdmx", "IMF", ("COUNTRY", "INDICATOR", "COUNTERPART_COUNTRY",
               "TIME_PERIOD", "OBS_VALUE"), _imf, "IMF IMTS SDMX-CSV"),
        Format("wits_raw", "World Bank WITS", ("ProductCode", "Year"), _wits_raw,
               "WITS trade data, bulk or query layout (ProductCode, Year, a trade flow, "
               "TradeValue in 1000 USD; countries by ISO3, code or name)"),
        Format("wits_summary", "World Bank WITS", ("Reporter Name", "Partner Name"),
               _wits_summary, "WITS trade by partner (Export/Import (US$ Thousand))"),
    )
}  # fmt: skip


def _format_of(header: Sequence[str]) -> Format | None:
    """Return the first format whose identifying columns are all in the header."""
    present = set(header)
    for fmt in FORMATS.values():
        if set(fmt.required) <= present:
            if fmt.name == "wits_summary" and not (
                "Indicator" in present or present & set(_WITS_INDICATORS)
            ):
                continue
            if fmt.name == "baci_countries" and not present & {"country_iso3", "iso_3digit_alpha"}:
                continue
            if fmt.name == "wits_raw" and not (
                present & set(_WITS_VALUES) and present & {"TradeFlowName", "TradeFlow"}
            ):
                continue
            if fmt.name == "imf_dots" and not ("Time Period" in present or "Attribute" in present):
                continue
            return fmt
    return None


def detect(header: Sequence[str], *, file: str = "<header>") -> Format:
    """Recognise a download's format from its header.

    Parameters
    ----------
    header
        The column names.
    file
        The file's name, for the error message.

    Returns
    -------
    Format
        The format.

    Raises
    ------
    DataError
        If no format matches; the message lists every format with the columns it needs.

    Examples
    --------
    >>> detect(["t", "i", "j", "k", "v", "q"]).name
    'baci'
    """
    fmt = _format_of([h.strip() for h in header])
    if fmt is None:
        expected = "; ".join(f"{f.description}: {', '.join(f.required)}" for f in FORMATS.values())
        raise DataError(
            Problem(file, 1, None, f"the header of a known format ({expected})",
                    ", ".join(header[:12]) + (" …" if len(header) > 12 else ""))
        )  # fmt: skip
    return fmt


def load_file(path: Path, *, companions: Sequence[Path] = ()) -> Loaded:
    """Load one trade download as the canonical long table.

    Parameters
    ----------
    path
        The CSV file (optionally ``.gz``).
    companions
        Reference files read with it: BACI needs its country-code file.

    Returns
    -------
    Loaded
        The table (columns :data:`COLUMNS`) and its provenance.

    Raises
    ------
    DataError
        If the format is unknown or a cell is malformed (file, row and column named).
    """
    loaded = load_files([path, *companions])
    if len(loaded) != 1:
        raise DataError(Problem(str(path), None, None, "one trade file", f"{len(loaded)}"))
    return loaded[0]


def _distinct(raws: list[_Raw]) -> list[_Raw]:
    """Refuse a table given twice; name tables that share a file name by their folders too.

    Files are told apart by name in the report (the first listed wins), so two files named
    ``comtrade.csv`` in two folders would otherwise be taken for one and summed.
    """
    by_digest: dict[tuple[str, str], _Raw] = {}
    for raw in raws:
        # An archive's members share its digest: a member is told apart by its own name.
        key = (raw.sha256, raw.path[len(raw.file) :])
        if key in by_digest:
            raise DataError(
                Problem(raw.path, None, None, "each file given once",
                        f"the same contents as {by_digest[key].path} (sha256 "
                        f"{raw.sha256[:12]}…): give it once")
            )  # fmt: skip
        by_digest[key] = raw
    names = [raw.name for raw in raws]
    return [replace(r, name=r.path) if names.count(r.name) > 1 else r for r in raws]


def load_files(paths: Sequence[Path], *, countries: Sequence[str] | None = None) -> list[Loaded]:
    """Load trade downloads of any supported format; reference files are used, not returned.

    Parameters
    ----------
    paths
        Trade files and their reference files (BACI country codes), in any order.
    countries
        ISO3 codes: read only BACI rows with one of them on either side, as the file is
        read (a year has ten million rows; a pair report needs a few per cent). The rows
        left unread are counted in the provenance. Every row by default.

    Returns
    -------
    list of Loaded
        One per trade file, in the order given.

    Raises
    ------
    DataError
        If a file is unreadable, of an unknown format or malformed.
    """
    memo = _memo(paths, countries)
    if memo is not None and memo.is_file():
        return pickle.loads(memo.read_bytes())
    raws = _distinct(_read_all(paths, countries))
    formats = [detect(r.header, file=r.name) for r in raws]
    companions = [r for r, f in zip(raws, formats, strict=True) if f.loader is None]
    if raws and len(companions) == len(raws):
        raise DataError(
            Problem(", ".join(r.name for r in raws), None, None, "a trade file (UN Comtrade, "
                    "BACI, IMF or WITS) among the files", "reference files only: "
                    + "; ".join(f"{r.name} is {f.description}" for r, f in
                                zip(raws, formats, strict=True))
                    + ", read together with a BACI year file")
        )  # fmt: skip
    loaded = [
        f.loader(r, companions) for r, f in zip(raws, formats, strict=True) if f.loader is not None
    ]
    if memo is not None:
        # The text cells are not needed any more; the memo is written as a stream.
        del raws, companions
        with memo.open("wb") as fh:
            pickle.dump(loaded, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return loaded


def _memo(paths: Sequence[Path], countries: Sequence[str] | None) -> Path | None:
    """Return where a build keeps what these files gave, or ``None`` outside a build.

    The key names each file by its path and its version on disk (size, times, inode), so
    a file changed between the build's check and its notebook is read again.
    """
    folder = os.environ.get(READ_MEMO_ENV)
    if not folder:
        return None
    versions = []
    for p in paths:
        st = Path(p).resolve().stat()
        versions.append([str(Path(p).resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                         st.st_ino])  # fmt: skip
    key = json.dumps([versions, sorted(countries or [])])
    return Path(folder) / f"{hashlib.sha256(key.encode()).hexdigest()}.pickle"
