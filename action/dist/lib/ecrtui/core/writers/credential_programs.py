"""Running an external docker credential helper (`docker-credential-<name>`).

Secrets go on stdin only, never on the command line. The helper is looked up as docker
looks it up: in the absolute folders of PATH only, never in the current folder. A helper
that hangs is killed with every process it started, and the time one helper may take is
a budget for the whole run, not a timeout per token.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

from ecrtui.core.errors import WriterError
from ecrtui.core.helper_protocol import NOT_FOUND

_HELPER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
HELPER_TIMEOUT_SECONDS = 30.0
TIMEOUT_VARIABLE = "ECRTUI_HELPER_TIMEOUT"

_spent_lock = threading.Lock()
_spent: dict[str, float] = {}  # seconds each helper has taken in this process


def time_budget() -> float:
    """The seconds every call to one helper may take together, in this process."""
    try:
        value = float(os.environ.get(TIMEOUT_VARIABLE, ""))
    except ValueError:
        return HELPER_TIMEOUT_SECONDS
    return value if 0 < value <= 3600 else HELPER_TIMEOUT_SECONDS


def _search_path() -> list[str]:
    """PATH's absolute folders: an empty or relative element means the current folder,
    where a checked-out repository could plant `docker-credential-<name>`."""
    return [folder for folder in os.environ.get("PATH", "").split(os.pathsep) if folder and os.path.isabs(folder)]


def _find(program: str) -> str | None:
    suffixes = [""]
    if sys.platform == "win32":
        suffixes = [s.lower() for s in os.environ.get("PATHEXT", ".COM;.EXE;.BAT;.CMD").split(";") if s]
    for folder in _search_path():
        for suffix in suffixes:
            candidate = os.path.join(folder, program + suffix)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def find_program(name: str) -> str:
    if not _HELPER_NAME.fullmatch(name):
        raise WriterError(f"credential helper name {name!r} is not valid")
    program = f"docker-credential-{name}"
    found = _find(program)
    if found is None:
        raise WriterError(
            f"the docker config names the credential helper {name!r} but {program} is not on PATH",
            remediation=f"install {program}, or remove it from credsStore/credHelpers",
        )
    return found


def run_program(name: str, action: str, stdin: str, secret: str | None = None) -> str:
    """Run `docker-credential-<name> <action>` with `stdin`; a failure's text never
    carries `secret`, even from a helper that echoes its input."""
    program = find_program(name)
    budget = time_budget()
    with _spent_lock:
        left = budget - _spent.get(program, 0.0)
    if left <= 0:
        raise WriterError(f"{program} did not answer in {budget:g} s earlier in this run; it was not asked again")
    started = time.monotonic()
    try:
        completed = _run(program, action, stdin, left)
    except subprocess.TimeoutExpired:
        raise WriterError(f"{program} {action} did not answer in {budget:g} s; it was stopped") from None
    except OSError as error:
        raise WriterError(f"cannot run {program}: {error.strerror}") from None
    finally:
        with _spent_lock:
            _spent[program] = _spent.get(program, 0.0) + time.monotonic() - started
    if completed.returncode != 0:
        reason = completed.stdout.strip() or completed.stderr.strip()
        if secret:
            reason = reason.replace(secret, "***")
        reason = reason[:300]
        if action == "erase" and NOT_FOUND in reason:
            return ""
        raise WriterError(f"{program} {action} failed: {reason or f'exit {completed.returncode}'}")
    return completed.stdout


def _run(program: str, action: str, stdin: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """The helper in a process group of its own, so that on a timeout whatever it started
    goes with it (a child holding its pipes open would otherwise keep us waiting)."""
    posix = os.name == "posix"
    process = subprocess.Popen(
        [program, action],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=posix,
        creationflags=getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) if not posix else 0,
    )
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)
        process.kill()
        process.communicate()
        raise
    except BaseException:
        process.kill()
        raise
    return subprocess.CompletedProcess([program, action], process.returncode, stdout, stderr)


def store(name: str, host: str, username: str, secret: str) -> None:
    run_program(name, "store", json.dumps({"ServerURL": host, "Username": username, "Secret": secret}), secret)


def erase(name: str, host: str) -> None:
    run_program(name, "erase", host)
