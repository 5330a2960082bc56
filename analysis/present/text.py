"""Format numbers and text for the notebooks' prose, so that every figure is computed.

Prose built from data goes through :func:`markdown`: the template is the notebook's own
Markdown, and every value put into it is escaped (:func:`escape_markdown`), so that a tag,
a link or an emphasis in a data file shows as the text it is, in every HTML output.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable


def usd_bn(value_usd: float, digits: int = 1) -> str:
    """Format a US-dollar amount in billions.

    Parameters
    ----------
    value_usd
        Amount in US dollars.
    digits
        Decimals to show.

    Returns
    -------
    str
        For example ``"US$13.7 billion"``; a negative amount gets a minus sign.

    Examples
    --------
    >>> usd_bn(13_724_170_000)
    'US$13.7 billion'
    >>> usd_bn(-5.1e9)
    '−US$5.1 billion'
    """
    sign = "−" if value_usd < 0 else ""
    return f"{sign}US${abs(value_usd) / 1e9:,.{digits}f} billion"


def usd(value_usd: float) -> str:
    """Format a US-dollar amount in billions, or in millions or thousands when it is small.

    Parameters
    ----------
    value_usd
        Amount in US dollars.

    Returns
    -------
    str
        The amount with its unit, one decimal.

    Examples
    --------
    >>> usd(132.3e9), usd(1.2e6), usd(4.5e3)
    ('US$132.3 billion', 'US$1.2 million', 'US$4.5 thousand')
    """
    size = abs(value_usd)
    if size >= 0.95e9:
        return usd_bn(value_usd)
    sign = "−" if value_usd < 0 else ""
    if size >= 0.95e6:
        return f"{sign}US${size / 1e6:,.1f} million"
    return f"{sign}US${size / 1e3:,.1f} thousand"


def possessive(name: str) -> str:
    """Return a name's possessive form.

    Parameters
    ----------
    name
        A country's name.

    Returns
    -------
    str
        The name with ``'s``, or ``'`` after a final *s*.

    Examples
    --------
    >>> possessive("Brazil"), possessive("Philippines")
    ("Brazil's", "Philippines'")
    """
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def pct(fraction: float, digits: int = 0) -> str:
    """Format a fraction as a percentage.

    Parameters
    ----------
    fraction
        For example 0.25.
    digits
        Decimals to show.

    Returns
    -------
    str
        For example ``"25%"``.

    Examples
    --------
    >>> pct(0.2049, 1)
    '20.5%'
    """
    return f"{100 * fraction:.{digits}f}%"


def years(first: int, last: int) -> str:
    """Write a span of years: ``2019`` for one year, ``2019–2021`` for several.

    Parameters
    ----------
    first, last
        The first and last year.

    Returns
    -------
    str
        The span.

    Examples
    --------
    >>> years(2019, 2019), years(2019, 2021)
    ('2019', '2019–2021')
    """
    return str(first) if first == last else f"{first}–{last}"


def ordinal(n: int) -> str:
    """Write an integer as an English ordinal.

    Parameters
    ----------
    n
        A positive integer.

    Returns
    -------
    str
        For example ``"3rd"``.

    Examples
    --------
    >>> [ordinal(i) for i in (1, 2, 3, 4, 11, 12, 13, 21)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# Control characters (a line break would end a table row or start a block; an escape
# sequence would drive a terminal) and Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Markdown punctuation that starts an inline construct: code, emphasis, links and images,
# table cells, strikethrough, maths. ``<``, ``>`` and ``&`` are left to html.escape.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~$])")
# Bare addresses that a renderer turns into links by itself.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=\bwww)(\.)")
# What would open a block at the start of a line: a heading, a list item (a marker then a
# space), a rule or underline (a quote's ``>`` becomes an entity, which opens nothing).
_BLOCK_START = re.compile(r"^(?:#|[-+](?=\s|$)|[0-9]{1,9}[.)](?=\s|$)|[-=](?=[-=\s]*$))")


def one_line(value: object) -> str:
    r"""Write a value as one line of text, each run of control characters made one space.

    Parameters
    ----------
    value
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        The text without line breaks, tabs or terminal escape sequences.

    Examples
    --------
    >>> one_line("two\nlines\x1b[31m red")
    'two lines [31m red'
    """
    return _CONTROL.sub(" ", str(value))


def escape_markdown(value: object) -> str:
    r"""Escape a data value for Markdown, so that it renders as the text it is.

    Parameters
    ----------
    value
        Any value; it is converted with ``str``.

    Returns
    -------
    str
        One line (:func:`one_line`, trimmed) in which Markdown punctuation is
        backslash-escaped, a block marker at the start too, and ``<``, ``>``, ``&`` and
        quotes are HTML entities: no tag, link, image, emphasis or table cell survives.

    Examples
    --------
    >>> escape_markdown("<b>US$4.3</b> [x](javascript:1) | *y*")
    '&lt;b&gt;US\\$4.3&lt;/b&gt; \\[x\\](javascript:1) \\| \\*y\\*'
    >>> escape_markdown("# see https://example.org")
    '\\# see https\\://example.org'
    """
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", one_line(value).strip())
    text = _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)
    text = _BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    return html.escape(text)


class Markdown(str):
    """Markdown whose data have been escaped; a notebook displays it as Markdown.

    Build it with :func:`markdown` or :func:`join_markdown`, not by hand: the class marks
    text as safe to render.
    """

    __slots__ = ()

    def _repr_markdown_(self) -> str:
        """Return the text for IPython's ``text/markdown`` output."""
        return str(self)


class _Escaping(string.Formatter):
    """Format a template with every field escaped, except fields that are :class:`Markdown`."""

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Markdown) and not format_spec:
            return str(value)
        return escape_markdown(format(value, format_spec))


def markdown(template: str, /, *args: object, **fields: object) -> Markdown:
    """Fill a Markdown template with data, escaping every value put into it.

    Parameters
    ----------
    template
        Markdown written by the notebook (trusted), with :meth:`str.format` fields.
    *args, **fields
        The values; each is formatted with its field's format spec and then escaped
        by :func:`escape_markdown`, unless it is already :class:`Markdown`.

    Returns
    -------
    Markdown
        The text; as a cell's last value it displays as Markdown.

    Examples
    --------
    >>> markdown("**{id}** {text} ({share:.0%})", id="C01", text="<img src=x>", share=0.25)
    '**C01** &lt;img src=x&gt; (25%)'
    """
    return Markdown(_Escaping().vformat(template, args, fields))


def join_markdown(separator: str, parts: Iterable[object]) -> Markdown:
    r"""Join values with a Markdown separator, escaping each value that is not Markdown.

    Parameters
    ----------
    separator
        Markdown written by the notebook, for example ``"; "`` or ``"\n\n"``.
    parts
        The values.

    Returns
    -------
    Markdown
        The joined text.

    Examples
    --------
    >>> join_markdown(", ", [markdown("**{}**", 3), "a_b"])
    '**3**, a\\_b'
    """
    return Markdown(separator.join(markdown("{}", p) for p in parts))
