"""Test support code shared by test modules and benchmarks (importable as `support`)."""
