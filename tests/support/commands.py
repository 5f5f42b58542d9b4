"""The real `ecrtui` and `docker-credential-ecrtui` commands, as the end-to-end tests start
them: the installed wheel's when ECRTUI_TEST_BIN names its bin folder (`make test` sets it,
see wheel.py), else this source tree's; always from a working folder outside the tree.

A function that starts a command is marked with `starts_command`: a test module holding
one is in the end-to-end layer (marker `e2e`, applied by tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from support import hygiene
from support.environment import Env

REPO = Path(__file__).resolve().parents[2]
TEST_BIN = os.environ.get("ECRTUI_TEST_BIN", "")
OUTSIDE = Path(tempfile.gettempdir())  # the commands' working folder: not the source tree
_MODULES = {"ecrtui": "ecrtui", "docker-credential-ecrtui": "ecrtui.helper"}

F = TypeVar("F", bound=Callable[..., object])


def starts_command(function: F) -> F:
    """Marks a function (or a class) that starts the real commands: a test module holding
    one is `e2e`."""
    function.starts_ecrtui = True  # type: ignore[attr-defined]
    return function


def starts_commands(module: object) -> bool:
    """Whether a test module holds a function or class marked by `starts_command`."""
    return any(getattr(value, "starts_ecrtui", False) for value in vars(module).values())


@starts_command
def cli_command(program: str = "ecrtui", *python_flags: str) -> list[str]:
    """The argv that starts `ecrtui` or `docker-credential-ecrtui` (python flags such as
    `-X importtime` go to the interpreter): the installed wheel's, or this tree's."""
    if TEST_BIN:
        script = str(Path(TEST_BIN) / program)
        return [str(Path(TEST_BIN) / "python"), *python_flags, script] if python_flags else [script]
    return [sys.executable, *python_flags, "-m", _MODULES[program]]


@starts_command
def cli_python() -> str:
    """The Python that has ecrtui installed (the action's ECRTUI_PYTHON)."""
    return str(Path(TEST_BIN) / "python") if TEST_BIN else sys.executable


@starts_command
def cli_bin() -> str:
    """The folder of the console scripts, for PATH (docker finds the credential helper)."""
    return TEST_BIN or str(Path(sys.executable).parent)


@starts_command
def run_cli(
    env: Env | dict[str, str],
    *args: str,
    stdin: str | None = None,
    timeout: float = 60,
    program: str = "ecrtui",
    cwd: Path | None = None,
    umask: int = -1,
    python_flags: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run the real command (`ecrtui`, or the helper) in a subprocess (see cli_command;
    `python_flags` such as `("-X", "importtime")` go to its interpreter)."""
    variables = env.vars if isinstance(env, Env) else env
    completed = subprocess.run(
        [*cli_command(program, *python_flags), *args],
        env=variables,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=OUTSIDE if cwd is None else cwd,
        umask=umask,
    )
    # Every run is scanned for leaked secrets at the end of the session (hygiene.py).
    hygiene.record(program, args, completed.stdout, completed.stderr, env.home if isinstance(env, Env) else None)
    return completed
