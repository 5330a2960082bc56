"""Bilateral trade analytics: validated, source-cited tables, indicators and charts."""

from analysis.errors import DataError, IndicatorWarning

__version__ = "0.1.0"
__all__ = ["DataError", "IndicatorWarning", "__version__"]
