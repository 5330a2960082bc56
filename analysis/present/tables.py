"""Tables for the report: CSV, HTML and LaTeX exports, byte-identical from build to build.

Each table is saved three ways: CSV for spreadsheets (text that a spreadsheet would run
as a formula is neutralised), and a publication table as an HTML fragment (for the
report) and as LaTeX (``booktabs``), every text escaped. Numbers are formatted from the column's
name: ``*_usd`` in US$ billion, ``*_usd_mn`` in US$ million, shares as percentages,
years without thousands separators; the rows' ``source_id`` becomes a source note.
"""

from __future__ import annotations

import csv
import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from analysis import data
from analysis.config import output_dir
from analysis.present.style import VERDICT_COLOURS

# OWASP's CSV-injection rules: text a spreadsheet would evaluate (=, +, -, @, also after
# leading blanks, which spreadsheets skip) or that starts with a tab or a carriage return.
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r")
_WORDS = {"hs": "HS", "fdi": "FDI", "gdp": "GDP", "hhi": "HHI", "usd": "US$", "iso3": "ISO3",
          "cagr": "CAGR"}  # fmt: skip
DEFAULT_NOTE = "Source: computed by the analysis package from the curated tables in data/."


def neutralise(value: object) -> object:
    r"""Return a text cell that a spreadsheet would run as a formula as plain text.

    Parameters
    ----------
    value
        A cell.

    Returns
    -------
    object
        The cell with a leading apostrophe if it is text that starts with ``=``, ``+``,
        ``-`` or ``@`` once leading whitespace is trimmed, or that starts with a tab or a
        carriage return; any other cell unchanged. Text that looks like a negative
        number (``"-2"``) is neutralised too, as OWASP advises for text cells; numbers
        stored as numbers stay numbers.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise(" -2+3"), neutralise("\tx"), neutralise("-2")
    ("'=HYPERLINK(1)", "' -2+3", "'\tx", "'-2")
    >>> neutralise("Brazil"), neutralise(-2.5)
    ('Brazil', -2.5)
    """
    if isinstance(value, str) and (
        value.lstrip().startswith(_FORMULA_START) or value.startswith(_CONTROL_START)
    ):
        return "'" + value
    return value


def safe_for_spreadsheets(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell of a table that a spreadsheet would run as a formula.

    Parameters
    ----------
    df
        The table.

    Returns
    -------
    pandas.DataFrame
        A copy; numbers, dates and booleans are untouched, as are column names that
        are plain identifiers.
    """
    out = df.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_text(df: pd.DataFrame) -> str:
    r"""Write a table as CSV text for spreadsheets: formulas neutralised, one record a row.

    Parameters
    ----------
    df
        The table; its index is not written.

    Returns
    -------
    str
        The CSV, lines ending in ``\n``, dates as ISO days, cells neutralised by
        :func:`safe_for_spreadsheets`.

    Examples
    --------
    >>> csv_text(pd.DataFrame({"a": ["=1", "x"], "b": [-2.5, 3]}))
    "a,b\n'=1,-2.5\nx,3.0\n"
    """
    safe = safe_for_spreadsheets(df)
    # The csv module quotes a cell holding a line feed but not a lone carriage return,
    # which readers take for the end of the row: a table with one has every text quoted.
    texts = [*safe.columns, *(v for col in safe.columns for v in safe[col])]
    lone_cr = any(isinstance(v, str) and "\r" in v for v in texts)
    return safe.to_csv(
        index=False, lineterminator="\n", date_format="%Y-%m-%d",
        quoting=csv.QUOTE_NONNUMERIC if lone_cr else csv.QUOTE_MINIMAL,
    )  # fmt: skip


def humanise(name: str) -> str:
    """Turn a table or column name into words for a heading.

    Parameters
    ----------
    name
        A snake_case name.

    Returns
    -------
    str
        The words, capitalised, with country names and acronyms spelt out.

    Examples
    --------
    >>> humanise("brazil_china_trade_summary")
    'Brazil China trade summary'
    """
    words = [_WORDS.get(w) or _country_words().get(w, w) for w in name.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@cache
def _country_words() -> dict[str, str]:
    """Map one-word country names, lower-cased, to their spelling (``country_codes``)."""
    names = data.load("country_codes")["name"]
    return {n.lower(): n for n in names if n.isalpha()}


def _column_format(df: pd.DataFrame, col: str) -> tuple[str, str | None]:
    """Return a column's label (with its unit) and the format to apply to it."""
    series = df[col]
    base = humanise(col)
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return base, "date" if pd.api.types.is_datetime64_any_dtype(series) else None
    if col.endswith("_usd"):
        return humanise(col.removesuffix("_usd")) + " (US$ bn)", "usd_bn"
    if col.endswith("_usd_mn"):
        return humanise(col.removesuffix("_usd_mn")) + " (US$ mn)", "usd_mn"
    if col.endswith("_pct"):
        return humanise(col.removesuffix("_pct")) + " (%)", "decimal1"
    if col == "share" or col.startswith("share_") or col.endswith("_share"):
        return base, "percent"
    if col == "year" or col.endswith("_year") or col in {"rank", "n"} or col.endswith("_rank"):
        return base, "plain_integer"
    if pd.api.types.is_integer_dtype(series):
        return base, "integer"
    return base, "decimal3"


@dataclass(frozen=True)
class PublicationTable:
    """A table ready to publish: title, column labels, formatted cells and a source note.

    Cells are text, already formatted; ``numeric`` marks the columns set flush right.
    """

    id: str
    title: str
    labels: tuple[str, ...]
    numeric: tuple[bool, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str

    def as_raw_html(self) -> str:
        """Return the table as an HTML fragment, every text escaped.

        Returns
        -------
        str
            A ``<table>`` with a caption, a header row, the body and a footer holding the
            source note.
        """
        # Short text (periods, codes, dates) stays on one line; prose columns wrap.
        prose = [any(len(r[i]) > WRAP_CHARS for r in self.rows) for i in range(len(self.labels))]
        align = [' class="num"' if n else ' class="wrap"' if w else ""
                 for n, w in zip(self.numeric, prose, strict=True)]  # fmt: skip

        def mark(label: str, text: str) -> str:
            # A verdict is marked in its colour (style.VERDICT_COLOURS), its words kept.
            colour = VERDICT_COLOURS.get(text) if label == "Verdict" else None
            return f' style="border-left: 0.5rem solid {colour}"' if colour else ""

        def cells(tag: str, texts: tuple[str, ...]) -> str:
            parts = zip(self.labels, align, texts, strict=True)
            return "".join(f"<{tag}{a}{mark(lab, t)}>{html.escape(t)}</{tag}>"
                           for lab, a, t in parts)  # fmt: skip

        head = cells("th", self.labels)
        body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in self.rows)
        anchor = f' id="{html.escape(self.id)}"' if self.id else ""
        caption = f"<caption>{html.escape(self.title)}</caption>\n" if self.title else ""
        return (
            f'<table class="publication"{anchor}>\n{caption}'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n"
            f'<tfoot><tr><td colspan="{len(self.labels)}">{html.escape(self.note)}</td></tr>'
            "</tfoot>\n</table>\n"
        )

    def as_latex(self) -> str:
        r"""Return the table as a LaTeX ``table`` with ``booktabs`` rules, every text escaped.

        Returns
        -------
        str
            The table environment: caption, ``tabular`` with ``\toprule``, ``\midrule``
            and ``\bottomrule``, and the source note under it.
        """
        spec = "".join("r" if n else "l" for n in self.numeric)
        lines = [
            "\\begin{table}[!t]",
            f"\\caption{{{latex_escape(self.title)}}}",
            f"\\begin{{tabular}}{{{spec}}}",
            "\\toprule",
            " & ".join(latex_escape(t) for t in self.labels) + " \\\\",
            "\\midrule",
            *(" & ".join(latex_escape(c) for c in row) + " \\\\" for row in self.rows),
            "\\bottomrule",
            "\\end{tabular}",
            f"\\par\\smallskip {{\\footnotesize {latex_escape(self.note)}}}",
            "\\end{table}",
        ]
        return "\n".join(lines) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}  # fmt: skip


def latex_escape(text: str) -> str:
    r"""Escape the characters LaTeX treats as commands in a text.

    Parameters
    ----------
    text
        Plain text.

    Returns
    -------
    str
        The text, safe inside a LaTeX document.

    Examples
    --------
    >>> latex_escape("US$4.3 bn & 12% of {total}")
    'US\\$4.3 bn \\& 12\\% of \\{total\\}'
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def publication_table(df: pd.DataFrame, name: str) -> PublicationTable:
    """Build a publication table: labelled columns with units, formatted numbers, a source note.

    Parameters
    ----------
    df
        The table; a ``source_id`` column becomes the source note and is not shown.
    name
        The table's name (its title, and the HTML id, fixed so that builds agree).

    Returns
    -------
    PublicationTable
        The table, ready for ``as_raw_html()`` or ``as_latex()``.
    """
    from analysis.data import citation

    shown = df.reset_index(drop=True)
    note = DEFAULT_NOTE
    if "source_id" in shown.columns:
        # Rows without a source (missing periods, unchecked claims) add nothing to the note.
        ids = [s for s in shown["source_id"] if isinstance(s, str) and s]
        note = citation(ids) if ids else DEFAULT_NOTE
        shown = shown.drop(columns="source_id")
    elif "source" in shown.columns:
        note = "Source: " + "; ".join(dict.fromkeys(shown["source"].dropna().astype(str)))
        shown = shown.drop(columns="source")
    labels, numeric, columns = [], [], []
    for col in shown.columns:
        label, fmt = _column_format(shown, col)
        labels.append(label)
        numeric.append(fmt not in (None, "date"))
        values = shown[col]
        if fmt == "date":
            # Dates print as ISO days, the same in every locale and in the CSV.
            values = values.dt.strftime("%Y-%m-%d")
        cells = values.map(_FORMATS[fmt]) if numeric[-1] else values
        columns.append([MISSING if pd.isna(c) else str(c) for c in cells])
    return PublicationTable(
        id=re.sub(r"[^A-Za-z0-9_-]", "-", name),
        title=humanise(name),
        labels=tuple(labels),
        numeric=tuple(numeric),
        rows=tuple(zip(*columns, strict=True)) if columns else (),
        note=note,
    )


MISSING = "–"
# A text column with a cell longer than this wraps in HTML; shorter ones stay on one line.
WRAP_CHARS = 40


def _sigfig4(value: float) -> str:
    """Format a number to four significant figures, keeping trailing zeros (``1.200``)."""
    digits = 3 if value == 0 else 3 - math.floor(math.log10(abs(value)))
    return f"{round(value, digits):,.{max(digits, 0)}f}"


def _missing_or(fmt: Callable[[float], str]) -> Callable[[object], object]:
    """Wrap a number format so that a missing value stays missing."""
    return lambda value: value if pd.isna(value) else fmt(value)


# The number formats of _column_format: US$ billion and million, percentages, plain years.
_FORMATS: dict[str, Callable[[object], object]] = {
    "usd_bn": _missing_or(lambda v: f"{v * 1e-9:,.2f}"),
    "usd_mn": _missing_or(lambda v: f"{v:,.1f}"),
    "percent": _missing_or(lambda v: f"{v * 100:,.1f}%"),
    "decimal1": _missing_or(lambda v: f"{v:,.1f}"),
    "plain_integer": _missing_or(lambda v: f"{round(v)}"),
    "integer": _missing_or(lambda v: f"{round(v):,}"),
    "decimal3": _missing_or(_sigfig4),
}


# Codes a reader should see in words (the field's enumeration in datapackage.json).
VALUE_WORDS = {
    "period_basis": {"calendar": "calendar year", "fiscal_apr_mar": "fiscal year (Apr–Mar)",
                     "partial_fiscal_apr_mar": "part of a fiscal year (Apr–Mar)"},
}  # fmt: skip
# A notebook page shows at most this many rows of a table; the rest are counted.
PAGE_ROWS = 40
# Scoped under the notebook's own class, whose table rules it must win over.
PAGE_CSS = """<style>
.jp-RenderedHTMLCommon table.publication { border-collapse: collapse; font-size: 0.85rem;
  margin: 0.3rem 0; table-layout: auto; }
.jp-RenderedHTMLCommon table.publication th, .jp-RenderedHTMLCommon table.publication td {
  border: none; border-bottom: 1px solid #ddd; text-align: left; padding: 0.2rem 0.6rem;
  white-space: nowrap; }
.jp-RenderedHTMLCommon table.publication thead th { border-bottom: 2px solid #333;
  vertical-align: bottom; }
.jp-RenderedHTMLCommon table.publication .num { text-align: right;
  font-variant-numeric: tabular-nums; }
.jp-RenderedHTMLCommon table.publication .wrap { white-space: normal; min-width: 18rem; }
.jp-RenderedHTMLCommon table.publication tfoot td { border-bottom: none; font-size: 0.78rem;
  color: #555; white-space: normal; }
</style>"""


def display_html(df: pd.DataFrame, *, max_rows: int = PAGE_ROWS) -> str:
    """Return a table as a reader sees it on a report page: labelled, formatted, cited.

    The same labels and number formats as :func:`publication_table` (units in the
    headers, thousands separators, no scientific notation, missing values as a dash),
    the rows' sources as the note, the first ``max_rows`` rows with the others counted.

    Parameters
    ----------
    df
        Any table; a named index is shown as columns.
    max_rows
        The most rows shown.

    Returns
    -------
    str
        An HTML fragment (every text escaped), in a box that scrolls sideways on a phone.

    Examples
    --------
    >>> html = display_html(pd.DataFrame({"year": [2020], "exports_usd": [4.3e9]}))
    >>> "Exports (US$ bn)" in html and ">4.30<" in html and "e+09" not in html
    True
    """
    shown = df if isinstance(df.index, pd.RangeIndex) else df.reset_index()
    shown = shown.loc[:, ~shown.columns.duplicated()].copy()
    shown.columns = [str(c) for c in shown.columns]
    for col in [c for c in shown.columns if shown[c].dtype == "object"]:
        # Lists or mappings in a cell print as text.
        shown[col] = shown[col].map(lambda v: v if pd.api.types.is_scalar(v) else str(v))
    for col in [c for c in shown.columns if c in VALUE_WORDS]:
        shown[col] = shown[col].map(lambda v, words=VALUE_WORDS[col]: words.get(v, v))
    source = None
    if "source_id" in shown.columns:
        source = _sources_note(shown["source_id"])
        shown = shown.drop(columns="source_id")
    table = publication_table(shown.head(max_rows), "")
    notes = [source or table.note]
    if len(shown) > max_rows:
        notes.append(f"First {max_rows} of {len(shown):,} rows.")
    if any(MISSING in row for row in table.rows):
        notes.append(f"{MISSING}: no value in the data.")
    table = PublicationTable("", "", table.labels, table.numeric, table.rows, " ".join(notes))
    return f'{PAGE_CSS}<div style="overflow-x:auto">{table.as_raw_html()}</div>'


def _sources_note(source_ids: pd.Series) -> str:
    """Cite the registered sources of a table's rows, and name the user's files among them."""
    ids = [i for s in source_ids if isinstance(s, str) for i in s.split(";") if i]
    ids = list(dict.fromkeys(ids))
    registered = set(data.source_table()["source_id"])
    parts = [data.citation([i for i in ids if i in registered]).removeprefix("Source: ")]
    parts = [p for p in parts if p] + [f"the file {i}" for i in ids if i not in registered]
    return "Source: " + "; ".join(parts) if parts else DEFAULT_NOTE


def for_readers() -> None:
    """Show every table of this IPython session as :func:`display_html` does.

    The report's build starts each notebook's kernel with this, so that its pages show
    tables for people; the notebooks opened in JupyterLab keep pandas' own display.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, display_html)


def save_table(df: pd.DataFrame, name: str, out_dir: Path | None = None) -> Path:
    """Save a table as CSV, LaTeX and an HTML fragment, byte-identical from build to build.

    Parameters
    ----------
    df
        The table; its index is not written.
    name
        File name without extension.
    out_dir
        The report folder; ``tables/`` is created in it. Defaults to the report being built.

    Returns
    -------
    pathlib.Path
        The CSV file; ``<name>.tex`` and ``<name>.html`` are written beside it.
    """
    folder = (out_dir or output_dir()) / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    path.write_text(csv_text(df), encoding="utf-8", newline="")
    table = publication_table(df, name)
    (folder / f"{name}.html").write_text(table.as_raw_html(), encoding="utf-8")
    (folder / f"{name}.tex").write_text(table.as_latex(), encoding="utf-8")
    return path
