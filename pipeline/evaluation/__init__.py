"""Benchmarks of pipeline stages against third-party gold data."""
