"""Benchmarks (run as scripts) and the generators they share with the tests."""
