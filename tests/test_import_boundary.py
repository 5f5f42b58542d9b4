"""The import boundaries of DESIGN.md, enforced: the headless modules and the credential
helper never load textual, core never imports cli or tui, and the helper does not pay for
boto3/botocore at import time. Imports are checked in fresh interpreters (this process has
long since imported everything) and statically over the source's AST."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import REPO

import ecrtui.cli
import ecrtui.core

CORE = REPO / "ecrtui" / "core"


def modules_of(package: ModuleType) -> list[str]:
    """The package and every module below it."""
    found = pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    return [package.__name__, *sorted(info.name for info in found)]


def loaded_after_import(*modules: str) -> set[str]:
    """The top-level packages in sys.modules of a fresh interpreter after importing `modules`."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


def test_the_check_sees_textual_when_it_is_imported() -> None:
    assert "textual" in loaded_after_import("ecrtui.core", "textual.app")


def test_headless_modules_never_load_textual() -> None:
    modules = [
        "ecrtui.cli.main",
        "ecrtui.cli.commands",
        "ecrtui.helper",
        *modules_of(ecrtui.cli),
        *modules_of(ecrtui.core),
    ]
    assert {"ecrtui.core.engine", "ecrtui.core.writers.authfile", "ecrtui.cli.render"} <= set(modules)
    assert "textual" not in loaded_after_import(*modules)


def test_building_the_parser_never_loads_textual() -> None:
    """`ecrtui login --help` builds every subcommand, including modules registered later."""
    code = (
        "import json, sys\n"
        "from ecrtui.cli.parser import build_parser\n"
        "build_parser()\n"
        "print(json.dumps('textual' in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is False


def test_the_credential_helper_does_not_import_boto_at_import_time() -> None:
    loaded = loaded_after_import("ecrtui.helper")
    assert not loaded & {"boto3", "botocore", "textual", "s3transfer"}


def package_of(path: Path) -> str:
    """The package a source file's relative imports start from."""
    dotted = ".".join(path.relative_to(REPO).with_suffix("").parts)
    return dotted.removesuffix(".__init__") if path.name == "__init__.py" else dotted.rsplit(".", 1)[0]


def imported_modules(source: str, package: str) -> set[str]:
    """Every module a source imports, anywhere in it (lazy imports included), with
    relative imports resolved against `package`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                module = ".".join([*parts, node.module] if node.module else parts)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def forbidden_for_core(names: set[str]) -> set[str]:
    return {name for name in names if name.split(".")[0] == "textual" or name.startswith(("ecrtui.cli", "ecrtui.tui"))}


CORE_FILES = sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", CORE_FILES, ids=[str(p.relative_to(CORE)) for p in CORE_FILES])
def test_core_never_imports_cli_or_tui(path: Path) -> None:
    forbidden = forbidden_for_core(imported_modules(path.read_text(), package_of(path)))
    assert not forbidden, f"{path.relative_to(REPO)} imports {sorted(forbidden)}"


def test_the_static_check_sees_every_form_of_import() -> None:
    source = (
        "import ecrtui.tui.app\n"
        "from ecrtui import cli\n"
        "from ..cli import render\n"
        "from . import models\n"
        "def later():\n"
        "    from textual.app import App\n"
    )
    names = imported_modules(source, package_of(CORE / "writers" / "authfile.py"))
    assert {"ecrtui.core.cli.render", "ecrtui.core.writers.models"} <= names
    names = imported_modules(source, package_of(CORE / "engine.py"))
    assert {"ecrtui.cli.render", "ecrtui.core.models"} <= names
    assert forbidden_for_core(names) == {
        "ecrtui.tui.app",
        "ecrtui.cli",
        "ecrtui.cli.render",
        "textual.app",
        "textual.app.App",
    }
