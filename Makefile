# The two commands of the README's quick start: `make demo` and `make test`.
.PHONY: setup demo demo-headless test lint bench

setup:
	@./scripts/setup.sh

# In a terminal the interactive app; without one (CI, a pipe) the same flow headless.
demo: setup
	@if [ -t 0 ] && [ -t 1 ]; then .venv/bin/ecrtui --demo; else .venv/bin/ecrtui --demo --headless; fi

demo-headless: setup
	.venv/bin/ecrtui --demo --headless

test: setup
	.venv/bin/python -m pytest -n 2 --dist loadfile

lint: setup
	.venv/bin/ruff check ecrtui tests benchmarks
	.venv/bin/ruff format --check ecrtui tests benchmarks
	.venv/bin/mypy ecrtui

bench: setup
	.venv/bin/python -m benchmarks
