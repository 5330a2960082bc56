"""The flagship case's curation: India–Japan tables from their raw sources, and its registers.

The rebuild (:mod:`analysis.curate.rebuild`) finds this package as it finds any case's:
a subpackage of :mod:`analysis.curate` listing its ``REGISTERS`` (tables written by
hand) and ``DERIVED`` tables (built from raw files), in build order, after the generic
ones.
"""

from analysis.curate.india_japan.aid import ODA_INDIA_BY_DONOR
from analysis.curate.india_japan.brief import (
    CLAIM_TOLERANCES,
    CLAIMS,
    CLAIMS_INDIA_JAPAN,
    EXERCISES,
    MILESTONES,
)
from analysis.curate.india_japan.comparators import (
    INDIA_CHINA_TRADE_IMF,
    INDIA_TRADE_HS2_EIDB_PAGES,
    JAPAN_CHINA_TRADE,
)
from analysis.curate.india_japan.investment import (
    FDI_INDIA_BY_INVESTOR,
    JAPAN_FDI_INDIA,
    JAPAN_ODA_INDIA,
)
from analysis.curate.india_japan.macro import EXCHANGE_RATES, GDP
from analysis.curate.india_japan.products import CLAIM_PRODUCT_GROUPS, INDIA_TRADE_HS2
from analysis.curate.india_japan.trade import (
    COMTRADE_QUADRENNIAL,
    INDIA_JAPAN_TRADE,
    INDIA_TRADE_BY_PARTNER_2019,
)

REGISTERS = (CLAIM_PRODUCT_GROUPS, CLAIM_TOLERANCES, CLAIMS_INDIA_JAPAN)
DERIVED = (
    CLAIMS,
    MILESTONES,
    EXERCISES,
    INDIA_JAPAN_TRADE,
    INDIA_TRADE_BY_PARTNER_2019,
    INDIA_TRADE_HS2,
    COMTRADE_QUADRENNIAL,
    GDP,
    EXCHANGE_RATES,
    JAPAN_FDI_INDIA,
    FDI_INDIA_BY_INVESTOR,
    JAPAN_ODA_INDIA,
    ODA_INDIA_BY_DONOR,
    JAPAN_CHINA_TRADE,
    INDIA_CHINA_TRADE_IMF,
    INDIA_TRADE_HS2_EIDB_PAGES,
)
