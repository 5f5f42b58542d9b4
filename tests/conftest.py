"""The suite's hooks. Shared test code lives in the `support` package (tests/support/):
fixtures in its *_fixtures modules and fixtures.py, registered here, so a test asks for
them by name; plain helpers are imported from `support.<module>`. No test module imports
this file or another test module (tests/test_test_layout.py holds that).

Tests that need a Debian binary skip with a reason on a laptop without it; with
ECRTUI_REQUIRE_ALL=1 (set by .ci/run) the skip becomes a failure, so CI runs them all.

The end-to-end layer (marker `e2e`: every test of a module that holds a function marked
by support.commands.starts_command) runs what users install: with ECRTUI_TEST_BIN set (by
`make test`: the bin folder of a virtual environment holding the built wheel, see
tests/support/wheel.py) the commands come from there, else from this source tree. See
docs/testing.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.commands import TEST_BIN, starts_commands

pytest_plugins = ["support.fixtures", "support.keyring_fixtures", "support.sso_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts the ecrtui commands (the installed wheel's under make test)")
    if TEST_BIN and not (Path(TEST_BIN) / "ecrtui").is_file():
        raise pytest.UsageError(f"ECRTUI_TEST_BIN={TEST_BIN} has no ecrtui: run `make wheel-venv`")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and starts_commands(module):
            item.add_marker(pytest.mark.e2e)
