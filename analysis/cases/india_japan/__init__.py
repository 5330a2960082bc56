"""The flagship case, India–Japan: its pair, story helpers, key figures and claims ledger.

Everything that names India or Japan lives here, in its curation steps
(:mod:`analysis.curate.india_japan`) and in the data registers; the rest of the package
serves any pair.
"""

REPORTER = "IND"
PARTNER = "JPN"
TITLE = "India–Japan"
#: A claims file about another pair, checked on a page of the report as the example of
#: fact-checking any article (the data package's table of that name).
EXAMPLE_CLAIMS = "claims_korea_united_states"
#: The case's curated tables that fill the pair report's "files" sections, as downloads
#: would: India's trade with every partner and the world in 2019 (UN Comtrade).
PAIR_TABLES = ("india_trade_by_partner_2019",)
