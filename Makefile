# The two commands of the README's quick start: `make demo` and `make test`.
.PHONY: setup setup-demo demo demo-headless wheel-venv test test-e2e test-unit lint bench

# The wheel users install, built and installed in a fresh virtual environment under
# $(WHEEL_DIR) (tests/support/wheel.py); the end-to-end tests run its commands.
WHEEL_DIR := $(CURDIR)/.build
WHEEL_ENV := ECRTUI_TEST_BIN=$(WHEEL_DIR)/venv/bin ECRTUI_TEST_DIST=$(WHEEL_DIR)/dist
PYTEST := .venv/bin/python -m pytest -n 2 --dist loadfile

setup:
	@./scripts/setup.sh test

# Python and pip only: no apt, no root.
setup-demo:
	@./scripts/setup.sh demo

# In a terminal the interactive app; without one (CI, a pipe) the same flow headless.
demo: setup-demo
	@if [ -t 0 ] && [ -t 1 ]; then .venv/bin/ecrtui --demo; else .venv/bin/ecrtui --demo --headless; fi

demo-headless: setup-demo
	.venv/bin/ecrtui --demo --headless

wheel-venv: setup
	.venv/bin/python tests/support/wheel.py $(WHEEL_DIR)

# The whole suite; its end-to-end layer (marker e2e) runs the installed wheel's commands.
test: wheel-venv
	$(WHEEL_ENV) $(PYTEST)

# Only the end-to-end layer, against the installed wheel.
test-e2e: wheel-venv
	$(WHEEL_ENV) $(PYTEST) -m e2e

# Only the tests that start no command (what CI runs on macOS and Windows).
test-unit: setup
	$(PYTEST) -m "not e2e"

lint: setup
	.venv/bin/ruff check ecrtui tests benchmarks scripts
	.venv/bin/ruff format --check ecrtui tests benchmarks scripts
	.venv/bin/mypy ecrtui
	.venv/bin/lint-imports

bench:
	@./scripts/setup.sh bench
	.venv/bin/python -m benchmarks
