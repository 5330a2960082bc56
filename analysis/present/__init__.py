"""Presentation: charts, style, publication tables and numbers in prose."""
