"""Running an external docker credential helper (`docker-credential-<name>`).

Secrets go on stdin only, never on the command line.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from ecrtui.core.errors import WriterError

_HELPER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
HELPER_TIMEOUT_SECONDS = 30
NOT_FOUND = "credentials not found in native keychain"


def helper_program(name: str) -> str:
    if not _HELPER_NAME.fullmatch(name):
        raise WriterError(f"credential helper name {name!r} is not valid")
    program = f"docker-credential-{name}"
    found = shutil.which(program)
    if found is None:
        raise WriterError(
            f"the docker config names the credential helper {name!r} but {program} is not on PATH",
            remediation=f"install {program}, or remove it from credsStore/credHelpers",
        )
    return found


def run_helper(name: str, action: str, stdin: str, secret: str | None = None) -> str:
    """Run `docker-credential-<name> <action>` with `stdin`; a failure's text never
    carries `secret`, even from a helper that echoes its input."""
    program = helper_program(name)
    try:
        completed = subprocess.run(
            [program, action],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=HELPER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise WriterError(f"{program} {action} did not answer in {HELPER_TIMEOUT_SECONDS} s") from None
    except OSError as error:
        raise WriterError(f"cannot run {program}: {error.strerror}") from None
    if completed.returncode != 0:
        reason = completed.stdout.strip() or completed.stderr.strip()
        if secret:
            reason = reason.replace(secret, "***")
        reason = reason[:300]
        if action == "erase" and NOT_FOUND in reason:
            return ""
        raise WriterError(f"{program} {action} failed: {reason or f'exit {completed.returncode}'}")
    return completed.stdout


def store(name: str, host: str, username: str, secret: str) -> None:
    run_helper(name, "store", json.dumps({"ServerURL": host, "Username": username, "Secret": secret}), secret)


def erase(name: str, host: str) -> None:
    run_helper(name, "erase", host)
