"""Secret hygiene for the whole suite: every CLI run's stdout, stderr and log files are
recorded, and at the end of the session scanned for the secrets the stand-ins hand out
and for terminal control characters (an escape sequence from outside, printed raw).

`commands.run_cli` calls `record()`; a session fixture (fixtures.py) calls `leaks()` and
fails the session if it finds any. Secrets allowed where they are meant to be are left
aside: `::add-mask::` lines (the mask registers the password by design) and the stdout of
`docker-credential-ecrtui get` (the credential helper protocol hands the secret to docker
there). The credentials files themselves are never scanned: they exist to hold secrets.

Tests that hand out a secret of their own call `register_secret(value)`.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# moto: `<registry id>-auth-token`; the ECR Public stand-in: `public-auth-token`; the Identity
# Center stand-in's tokens and secrets (each also registered by its fixture); any
# docker `auth` value (base64 of `AWS:<password>` always starts with QVdTO).
PATTERNS = (
    re.compile(r"\d{12}-auth-token"),
    re.compile(r"public-auth-token"),
    re.compile(r"QVdTO[A-Za-z0-9+/]{6,}={0,2}"),
    # the IAM Identity Center stand-in's access, refresh and device codes, client secrets and role keys
    re.compile(r"(?:accesstoken|refreshtoken|devicecode|clientsecret|rolesecret|rolesession)-[\w-]{8,}"),
)
MASK_COMMAND = "::add-mask::"
MAX_LOG_BYTES = 4 * 1024 * 1024

_lock = threading.Lock()
_known: set[str] = {"s3cr3t-proxy-pw"}  # the tinyproxy_auth fixture's password


@dataclass(frozen=True)
class Output:
    """One stream or file a CLI run produced."""

    test: str
    command: str
    where: str  # stdout | stderr | a log file's path
    text: str


_outputs: list[Output] = []


def register_secret(value: str) -> None:
    """Also treat `value` (and its `AWS:` base64 form) as a secret from now on."""
    with _lock:
        _known.add(value)
        _known.add(base64.b64encode(f"AWS:{value}".encode()).decode())


def find_secrets(text: str, extra: Iterable[str] = ()) -> list[tuple[int, str]]:
    """(line number, secret) for every known secret in `text`, `::add-mask::` lines aside."""
    with _lock:
        literals = sorted({*_known, *extra} - {""})
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if MASK_COMMAND in line:
            continue
        found.extend((number, m.group(0)) for pattern in PATTERNS for m in pattern.finditer(line))
        found.extend((number, secret) for secret in literals if secret in line)
    return found


def record(program: str, args: Sequence[str], stdout: str, stderr: str, home: Path | None) -> None:
    """Keep what one run of `program args` printed, and the log files under `home`."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
    command = " ".join([program, *args])[:200]
    protocol_output = program != "ecrtui" and bool(args) and args[0] == "get"
    outputs = [Output(test, command, "stderr", stderr)]
    if not protocol_output:
        outputs.append(Output(test, command, "stdout", stdout))
    if home is not None and home.is_dir():
        for log in sorted(home.rglob("*.log*")):  # helper.log, and helper.log.1 once rotated
            if log.is_file() and not log.is_symlink() and (log.suffix == ".log" or ".log." in log.name):
                outputs.append(
                    Output(test, command, str(log), log.read_bytes()[:MAX_LOG_BYTES].decode(errors="replace"))
                )
    with _lock:
        _outputs.extend(outputs)


def recorded() -> list[Output]:
    with _lock:
        return list(_outputs)


# Characters that drive a terminal (ESC sequences, BEL, backspace, a bare carriage
# return that overwrites a line) or reorder what is shown (bidi controls): text from
# outside reaches the output escaped, never raw.
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def find_controls(text: str) -> list[tuple[int, str]]:
    """(line number, character) for every terminal control character in `text`."""
    return [
        (number, repr(m.group(0)))
        for number, line in enumerate(text.split("\n"), start=1)
        for m in TERMINAL_CONTROLS.finditer(line.removesuffix("\r"))
    ]


def leaks() -> list[str]:
    """A line per secret or terminal control character found in anything recorded,
    naming the test and the stream."""
    problems = []
    for output in recorded():
        for line, secret in find_secrets(output.text):
            shown = secret[:4] + "..." if len(secret) > 4 else "..."
            problems.append(f"{output.test}: `{output.command}` {output.where} line {line}: secret {shown}")
        for line, char in find_controls(output.text):
            problems.append(f"{output.test}: `{output.command}` {output.where} line {line}: control character {char}")
    return problems
