"""The package's error and warning types, shared by every module."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One problem found in a file, located by row and column.

    ``row`` is the line number in the file as a text editor shows it (the header is
    line 1), or ``None`` when the problem concerns the whole file or a whole column.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        """Format the problem as ``file:row:column: expected …, found …``."""
        row = "" if self.row is None else str(self.row)
        column = self.column or ""
        return f"{self.file}:{row}:{column}: expected {self.expected}, found {self.found}"


class DataError(ValueError):
    """Raise when input data break a rule; the message names file, row, column and expectation.

    Parameters
    ----------
    problems
        Every problem found; the message lists the first ``MAX_PROBLEMS_SHOWN``.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - len(lines)
        if hidden > 0:
            lines.append(f"... and {hidden} more problem(s)")
        super().__init__("\n".join(lines))


class IndicatorWarning(UserWarning):
    """Warn that an indicator could not be computed for some rows (for example, a zero divisor)."""


def require_columns(df: Any, columns: Iterable[str], where: str = "<DataFrame>") -> None:
    """Raise a :class:`DataError` naming the columns a table lacks.

    Parameters
    ----------
    df
        The table (anything with ``columns``).
    columns
        The columns it needs.
    where
        How the message names the table, for example ``"<headline input>"``.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(Problem(where, None, ", ".join(missing), "these columns", "none such"))
