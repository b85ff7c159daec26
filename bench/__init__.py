"""Benchmarks that print comparable figures."""
