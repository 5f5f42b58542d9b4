"""The app's login child process imports only the installed ecrtui: never a package of
the same name in the user's current folder (a checkout), whatever that folder holds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import ecrtui
from ecrtui.tui.login_process import isolated_python


def test_the_child_never_imports_from_the_current_folder(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    planted = tmp_path / "ecrtui"
    planted.mkdir()
    (planted / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n__version__ = 'planted'\n")
    (tmp_path / "runpy.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    result = subprocess.run(
        [*isolated_python("ecrtui"), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ecrtui {ecrtui.__version__} "), result.stdout
    assert not marker.exists(), "a module of the current folder was imported"
