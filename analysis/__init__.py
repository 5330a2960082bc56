"""Bilateral trade analytics: validated, source-cited tables, indicators and charts."""

from analysis.errors import DataError, IndicatorWarning

# The one place the version is defined: pyproject.toml reads it (dynamic version).
__version__ = "0.1.0"
__all__ = ["DataError", "IndicatorWarning", "__version__"]
