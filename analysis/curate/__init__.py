"""Raw sources to curated tables: one module per source, rebuild.py writes data/."""
