"""Daemons the fixtures start (docker-registry, tinyproxy, dbus-daemon, gnome-keyring, a
moto server process), each with its stdout and stderr kept in a log file, so that a
fixture that cannot start one says why: the error carries the exit code and the log.

`Daemon(argv, log).start()`, then `wait_for_port(port)` (or the caller's own readiness
check with `fail(...)`), and `stop()` in a `finally`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

LOG_TAIL_CHARS = 4000


class DaemonFailed(RuntimeError):
    """A daemon exited or never became ready; the message holds its output."""


class Daemon:
    def __init__(
        self,
        argv: Sequence[str],
        log: Path,
        *,
        env: Mapping[str, str] | None = None,
        stdin: int | None = None,
        stdout: int | None = None,
    ) -> None:
        self.argv = list(argv)
        self.log = log
        self.env = dict(env) if env is not None else None
        self.stdin = stdin
        self.stdout = stdout  # subprocess.PIPE to read the daemon's stdout (dbus-daemon's address)
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    @property
    def name(self) -> str:
        return os.path.basename(self.argv[0])

    def start(self) -> Daemon:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("ab")
        try:
            self.process = subprocess.Popen(
                self.argv,
                stdin=self.stdin,
                stdout=self.stdout if self.stdout is not None else self._log_file,
                stderr=self._log_file,
                env=self.env,
            )
        except OSError as error:
            self._log_file.close()
            raise DaemonFailed(f"{self.name} could not start: {error}") from None
        return self

    def output(self) -> str:
        """The end of what the daemon printed so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-LOG_TAIL_CHARS:]

    def fail(self, why: str) -> DaemonFailed:
        """An error saying `why`, with the exit code (if it exited) and the daemon's output."""
        code = self.process.poll() if self.process else None
        status = f"it exited with {code}" if code is not None else "it is still running"
        output = self.output().rstrip() or "(it printed nothing)"
        return DaemonFailed(f"{self.name}: {why} ({status}); command: {' '.join(self.argv)}\n{self.log}:\n{output}")

    def wait_for_port(self, port: int, timeout: float = 15.0) -> None:
        """Poll until the daemon listens on 127.0.0.1:`port`; fail at once if it exits."""
        assert self.process is not None, "start() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            if self.process.poll() is not None:
                raise self.fail(f"exited before listening on 127.0.0.1:{port}")
            time.sleep(0.02)
        raise self.fail(f"nothing listens on 127.0.0.1:{port} after {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
