"""The flagship case, India–Japan: its pair, story helpers, key figures and claims ledger.

Everything that names India or Japan lives here (and in the data registers); the rest of
the package serves any pair.
"""

REPORTER = "IND"
PARTNER = "JPN"
TITLE = "India–Japan"
