"""Cases: what is specific to one country pair lives in its own folder.

A case is a sub-package here (its pair, story helpers and, optionally, a
``key_figures`` module for its landing page) with its notebooks in the folder of the same
name under ``notebooks/``. The default report is the flagship case's.
"""

from __future__ import annotations

from pathlib import Path

from analysis.config import NOTEBOOK_DIR

#: The cases, by sub-package name; the first is the flagship, which ``make report`` builds.
CASES = ("india_japan",)
FLAGSHIP = CASES[0]


def notebook_folder(case: str = FLAGSHIP) -> Path:
    """Return the folder of a case's notebooks, ``notebooks/<case>/``.

    Parameters
    ----------
    case
        The case's name (its sub-package).

    Returns
    -------
    pathlib.Path
        The folder.
    """
    return NOTEBOOK_DIR / case


def for_folder(folder: Path) -> str | None:
    """Return the key-figures module of the case whose notebooks a folder holds.

    Parameters
    ----------
    folder
        A notebooks folder.

    Returns
    -------
    str or None
        The name of the case's ``key_figures`` module, which gives its landing page;
        ``None`` when the folder is not a case's (the landing page then lists the
        notebooks only).
    """
    folder = folder.resolve()
    for case in CASES:
        if folder == notebook_folder(case).resolve():
            return f"analysis.cases.{case}.key_figures"
    return None
