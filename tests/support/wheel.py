"""What a user installs: ecrtui's sdist and wheel, built with `python -m build` (the wheel
from the sdist, so the sdist is proven complete too), and a fresh virtual environment with
the wheel and its `demo` extra installed by pip, as `pipx install 'ecrtui[demo]'` would.

`python tests/support/wheel.py DIR` (what `make wheel-venv` runs) leaves DIR/dist and
DIR/venv; the test suite then runs its end-to-end layer with ECRTUI_TEST_BIN=DIR/venv/bin
and ECRTUI_TEST_DIST=DIR/dist (tests/support/commands.py, tests/test_packaging.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = "Scripts" if os.name == "nt" else "bin"


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Built:
    dist: Path
    venv: Path

    @property
    def wheel(self) -> Path:
        return _only(self.dist, "*.whl")

    @property
    def sdist(self) -> Path:
        return _only(self.dist, "*.tar.gz")

    @property
    def bin(self) -> Path:
        return self.venv / BIN


def _only(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise BuildFailed(f"expected one {pattern} in {folder}, found {[p.name for p in found]}")
    return found[0]


def _run(argv: list[str], what: str, cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise BuildFailed(f"{what} failed (exit {done.returncode}): {' '.join(argv)}\n{done.stdout}\n{done.stderr}")


def build_dist(dist: Path) -> None:
    """The sdist, then the wheel built from it, into `dist` (emptied first)."""
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], "python -m build", dist)


def install_venv(wheel: Path, venv: Path) -> None:
    """A fresh virtual environment (no system site-packages, nothing of the source tree)
    with the wheel and its demo extra; dependencies come from the package index (or pip's
    cache), the way a user's install gets them."""
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(venv)], "python -m venv", venv.parent)
    python = str(venv / BIN / "python")
    pip = [python, "-m", "pip", "--disable-pip-version-check", "--no-input", "--quiet"]
    _run([*pip, "install", f"ecrtui[demo] @ {wheel.as_uri()}"], "pip install of the wheel", venv.parent)


def build(root: Path) -> Built:
    built = Built(root / "dist", root / "venv")
    root.mkdir(parents=True, exist_ok=True)
    build_dist(built.dist)
    install_venv(built.wheel, built.venv)
    return built


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python tests/support/wheel.py DIR\n")
        return 2
    try:
        built = build(Path(argv[0]).resolve())
    except BuildFailed as error:
        sys.stderr.write(f"wheel.py: {error}\n")
        return 1
    sys.stdout.write(f"built {built.wheel.name} and {built.sdist.name}; installed in {built.venv}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
