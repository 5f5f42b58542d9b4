"""Only the interactive face imports textual: every module that imports it, anywhere in
its source (lazy imports included), lives in ecrtui/tui/; and the modules of ecrtui/tui/
that run outside the app (the demo's AWS CLI stand-in, the adapter's data) do not drag
it in. tests/test_import_boundary.py checks the headless side in fresh interpreters."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "ecrtui"
TUI = PACKAGE / "tui"


def imports_textual(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "textual" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] == "textual":
            return True
    return False


def test_only_tui_modules_import_textual() -> None:
    importers = {path for path in PACKAGE.rglob("*.py") if imports_textual(path)}
    outside = sorted(str(p.relative_to(REPO)) for p in importers if TUI not in p.parents)
    assert outside == []
    # The scan finds what it should: the app and its screens and widgets do import it.
    assert {TUI / "app.py", TUI / "screens" / "main_screen.py", TUI / "widgets" / "registry_table.py"} <= importers


def test_the_scan_sees_lazy_and_aliased_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def later():\n    import textual.app as t\n")
    assert imports_textual(sample)
    sample.write_text("from .textual import x\nimport textualize\n")
    assert not imports_textual(sample)


def test_the_demo_sso_stand_in_runs_without_textual() -> None:
    """It runs as a subprocess of the app, once per SSO refresh: it must stay light."""
    code = "import json, sys, ecrtui.demo.sso; print(json.dumps('textual' in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) is False
