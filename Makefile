# The two commands of the README's quick start: `make demo` and `make test`.
.PHONY: setup demo demo-tui test lint bench

setup:
	@./scripts/setup.sh

demo: setup
	.venv/bin/ecrtui --demo --headless

demo-tui: setup
	.venv/bin/ecrtui --demo

test: setup
	.venv/bin/python -m pytest -n 2 --dist loadfile

lint: setup
	.venv/bin/ruff check ecrtui tests benchmarks
	.venv/bin/ruff format --check ecrtui tests benchmarks
	.venv/bin/mypy ecrtui

bench: setup
	.venv/bin/python -m benchmarks
