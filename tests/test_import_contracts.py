"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and they are not
vacuous: planted in a copy of the package, each kind of crossing breaks its contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.commands import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the package found in `root` (a copy, or the source tree)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "COLUMNS": "300"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_source_tree_keeps_every_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contracts")
    shutil.copytree(REPO / "ecrtui", root / "ecrtui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


PLANTED = [
    # (module written into the copy, its source, the contract that must break)
    ("ecrtui/core/planted.py", "from ecrtui.cli import render\n", "core is the bottom layer"),
    ("ecrtui/core/planted.py", "def later():\n    import textual.app\n", "core is the bottom layer"),
    ("ecrtui/cli/planted.py", "from ecrtui.tui import rows\n", "the faces never import each other"),
    ("ecrtui/cli/planted.py", "import ecrtui.launcher\n", "layers: the launcher over"),
    ("ecrtui/pipes.py", "from textual.widgets import Static\n", "only the app's modules import textual"),
    ("ecrtui/cli/planted.py", "from ecrtui.tui import app\n", "the headless modules never reach textual"),
    ("ecrtui/helper_planted.py", "import boto3\n", None),  # not the helper: nothing breaks
]


@pytest.mark.parametrize(("where", "source", "contract"), PLANTED, ids=[f"{w}:{s.strip()}" for w, s, _ in PLANTED])
def test_a_planted_crossing_breaks_its_contract(copy: Path, where: str, source: str, contract: str | None) -> None:
    planted = copy / where
    original = planted.read_text() if planted.exists() else None
    planted.write_text((original or "") + source)  # a new module, or an import added to one
    try:
        result = lint_imports(copy)
    finally:
        if original is None:
            planted.unlink()
        else:
            planted.write_text(original)
    if contract is None:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert contract in broken_part(result.stdout), result.stdout


def broken_part(report: str) -> str:
    """The report's section naming each broken contract (a heading per contract)."""
    return report.partition("Broken contracts")[2]


def test_the_helper_module_importing_boto3_breaks_its_contract(copy: Path) -> None:
    helper = copy / "ecrtui" / "helper.py"
    if not helper.is_file():  # a package: plant in its __init__
        helper = copy / "ecrtui" / "helper" / "__init__.py"
    original = helper.read_text()
    helper.write_text(original + "\n\ndef later() -> None:\n    import botocore.session\n")
    try:
        result = lint_imports(copy)
    finally:
        helper.write_text(original)
    assert result.returncode == 1
    assert "the credential helper's own imports stay off boto3" in broken_part(result.stdout)
