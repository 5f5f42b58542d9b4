"""The suite's own layout: shared test code lives in the `support` package and fixtures
come through pytest, so no test module (nor a support module) imports conftest or a test
module, and only tests/conftest.py registers fixture plugins."""

from __future__ import annotations

import ast
from pathlib import Path

from support.commands import REPO

TESTS = REPO / "tests"
# Python files directly in tests/ other than test modules (conftest.py) are not for import.
LOOSE = {path.stem for path in TESTS.glob("*.py")}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports, anywhere in it (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names.add(node.module or "")
    return names


def forbidden(names: set[str]) -> set[str]:
    return {name for name in names if name.split(".")[0] in LOOSE or name.split(".")[0].startswith("test_")}


def test_no_test_or_support_module_imports_conftest_or_a_test_module() -> None:
    files = [*TESTS.glob("test_*.py"), *(TESTS / "support").rglob("*.py")]
    assert len(files) > 50
    found = {str(path.relative_to(TESTS)): sorted(forbidden(imported_modules(path))) for path in files}
    assert {name: bad for name, bad in found.items() if bad} == {}


def test_only_conftest_registers_fixture_plugins() -> None:
    registering = []
    for path in TESTS.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "pytest_plugins" for t in node.targets):
                registering.append(str(path.relative_to(TESTS)))
    assert registering == ["conftest.py"]


def test_the_check_sees_each_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from conftest import Env\nimport test_helper\ndef later():\n    from test_tui_app import prepare\n"
        "from support.commands import run_cli\nfrom . import sibling\n"
    )
    assert forbidden(imported_modules(sample)) == {"conftest", "test_helper", "test_tui_app"}
