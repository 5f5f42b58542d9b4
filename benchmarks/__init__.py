"""ecrtui's benchmarks: `make bench` (= `python -m benchmarks`) runs them all against local
stand-ins and prints each table of medians next to its baselines; see RESULTS.md."""
