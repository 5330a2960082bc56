"""Format numbers for the notebooks' prose, so that every figure in a sentence is computed."""

from __future__ import annotations


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
