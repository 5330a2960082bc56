"""Benchmarks: timed comparisons, run by hand (not part of the test suite)."""
