"""Cases: what is specific to one country pair lives in its own folder.

A case is a sub-package here (its pair, story helpers and, optionally, a
``key_figures`` module for its landing page) with its notebooks in the folder of the same
name under ``notebooks/``. The default report is the flagship case's.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

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


def _package(case: str) -> ModuleType:
    """Import a case's sub-package, which names its pair and what its report adds."""
    return importlib.import_module(f"analysis.cases.{case}")


def case_of(folder: Path) -> str | None:
    """Return the case whose notebooks a folder holds.

    Parameters
    ----------
    folder
        A notebooks folder.

    Returns
    -------
    str or None
        The case's name, or ``None`` when the folder is not a case's.
    """
    folder = folder.resolve()
    return next((c for c in CASES if folder == notebook_folder(c).resolve()), None)


def pair_parameters(case: str = FLAGSHIP) -> dict[str, str]:
    """Return the parameters that run the report of any pair for a case's pair.

    Parameters
    ----------
    case
        The case's name (its sub-package, which defines ``REPORTER`` and ``PARTNER``).

    Returns
    -------
    dict
        ``reporter`` and ``partner``, ISO3 codes, and ``data_tables``: the case's curated
        tables that stand in for downloads (``PAIR_TABLES``, if it has any).
    """
    package = _package(case)
    return {"reporter": package.REPORTER, "partner": package.PARTNER,
            "data_tables": list(getattr(package, "PAIR_TABLES", ()))}  # fmt: skip


def example_claims(case: str = FLAGSHIP) -> str | None:
    """Return the claims table a case's report checks as its example of any article, if any.

    Parameters
    ----------
    case
        The case's name.

    Returns
    -------
    str or None
        A table of the data package in the claims-file vocabulary, or ``None``.
    """
    return getattr(_package(case), "EXAMPLE_CLAIMS", None)


def module(name: str, case: str = FLAGSHIP) -> ModuleType:
    """Import one of a case's modules (its ``claims`` ledger, its ``key_figures``).

    Parameters
    ----------
    name
        The module's name inside the case's sub-package.
    case
        The case's name.

    Returns
    -------
    module
        The imported module.
    """
    return importlib.import_module(f"{_package(case).__name__}.{name}")


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
    case = case_of(folder)
    return None if case is None else f"analysis.cases.{case}.key_figures"
