"""Benchmarks: run with ``python -m benchmarks.<name>``; each prints its figures and a
baseline measured in the same run (see docs/benchmarks.md)."""
