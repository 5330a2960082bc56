"""Measures: indicators, panel engines, prices and any pair's trade from both reporters."""
