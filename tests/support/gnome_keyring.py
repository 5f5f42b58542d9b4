"""A private D-Bus session with a real Secret Service, for tests and benchmarks (not
shipped: the wheel carries only what ecrtui itself runs).

`SecretServiceSession(home)` starts its own `dbus-daemon --session` and, on that bus,
gnome-keyring's Secret Service (`gnome-keyring-daemon --foreground --components=secrets`)
with HOME set to `home`, so nothing of the user's own keyring is touched. Processes that
get `session.environ` (DBUS_SESSION_BUS_ADDRESS) use it through `keyring` exactly as on a
desktop. Modes:

- `unlocked`: the login keyring is created and unlocked with a password on stdin.
- `locked`: the daemon runs but nothing is unlocked and no prompt can be shown, so every
  access fails with "Prompt dismissed" (a locked keyring on a headless machine).
- `hanging`: the bus name `org.freedesktop.secrets` belongs to a process that never
  answers (a wedged daemon), so a client that waits without a deadline hangs.

Both daemons are ours (started here, stopped by their process ids).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from support.daemons import Daemon

SECRETS_NAME = "org.freedesktop.secrets"
MODES = ("unlocked", "locked", "hanging")
READY_TIMEOUT_SECONDS = 10.0


class SecretServiceError(RuntimeError):
    """The stand-in could not start (a binary is missing or a daemon died)."""


def missing_binaries() -> list[str]:
    return [name for name in ("dbus-daemon", "gnome-keyring-daemon") if shutil.which(name) is None]


class SecretServiceSession:
    """`with SecretServiceSession(home) as session: ... session.environ ...`"""

    def __init__(self, home: Path, *, mode: str = "unlocked", password: str = "ecrtui-test-keyring") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.home = home
        self.mode = mode
        self.password = password
        self.address = ""
        self._daemons: list[Daemon] = []
        self._runtime_dir: Path | None = None

    @property
    def environ(self) -> dict[str, str]:
        """What a client needs to reach this session's Secret Service."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def _base_environ(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "XDG_", "GNOME_KEYRING"))}
        # A runtime folder of its own: gnome-keyring finds a running daemon through its
        # control socket there and, finding one of another session, hands over and exits.
        return {**keep, "HOME": str(self.home), "XDG_RUNTIME_DIR": str(self.runtime_dir)}

    @property
    def runtime_dir(self) -> Path:
        # Short and under /tmp: gnome-keyring binds its control socket in this folder, and a
        # socket path over 107 bytes (a deep pytest tmp_path) fails to bind, so the daemon exits 0.
        if self._runtime_dir is None:
            self._runtime_dir = Path(tempfile.mkdtemp(prefix="ecrtui-ss-"))
        return self._runtime_dir

    def start(self) -> SecretServiceSession:
        missing = missing_binaries()
        if missing:
            raise SecretServiceError(f"not installed: {', '.join(missing)}")
        self.home.mkdir(parents=True, exist_ok=True)
        self.runtime_dir.chmod(0o700)
        try:
            self._start_daemons()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_daemons(self) -> None:
        bus = Daemon(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            self.logs / "dbus-daemon.log",
            stdout=subprocess.PIPE,
            env=self._base_environ(),
        ).start()
        self._daemons.append(bus)
        assert bus.process is not None and bus.process.stdout is not None
        self.address = bus.process.stdout.readline().decode().strip()
        if not self.address:
            raise SecretServiceError(str(bus.fail("printed no bus address")))
        env = {**self._base_environ(), **self.environ}
        if self.mode == "hanging":
            env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)  # tests/, for `support`
            command = [sys.executable, "-m", "support.gnome_keyring", "--hang"]
        else:
            command = ["gnome-keyring-daemon", "--foreground", "--components=secrets"]
            if self.mode == "unlocked":
                command.append("--unlock")
        daemon = Daemon(command, self.logs / "secret-service.log", stdin=subprocess.PIPE, env=env).start()
        self._daemons.append(daemon)
        assert daemon.process is not None and daemon.process.stdin is not None
        if self.mode == "unlocked":
            daemon.process.stdin.write(self.password.encode())
        daemon.process.stdin.close()  # --unlock reads the password until end of input
        self._wait_for_name(daemon, bus)

    @property
    def logs(self) -> Path:
        """The daemons' stdout and stderr, shown when they fail to start."""
        return self.home / ".ecrtui-daemon-logs"

    def _wait_for_name(self, daemon: Daemon, bus: Daemon) -> None:
        """Poll the bus until the Secret Service name has an owner (a readiness check)."""
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        assert daemon.process is not None
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        with open_dbus_connection(bus=self.address) as connection:
            while time.monotonic() < deadline:
                reply = connection.send_and_get_reply(message_bus.NameHasOwner(SECRETS_NAME), timeout=2)
                if reply.body[0]:
                    return
                if daemon.process.poll() is not None:
                    raise SecretServiceError(
                        f"{self.mode} Secret Service exited before owning {SECRETS_NAME}\n"
                        f"{daemon.fail('exited')}\n{bus.fail('the session bus')}"
                    )
                time.sleep(0.01)
        raise SecretServiceError(str(daemon.fail(f"{SECRETS_NAME} has no owner after {READY_TIMEOUT_SECONDS} s")))

    def stop(self) -> None:
        for daemon in reversed(self._daemons):
            daemon.stop()
        self._daemons.clear()
        if self._runtime_dir is not None:
            shutil.rmtree(self._runtime_dir, ignore_errors=True)
            self._runtime_dir = None

    def __enter__(self) -> SecretServiceSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def hang(environ: Mapping[str, str] | None = None) -> None:
    """Own the Secret Service name and never answer: a wedged daemon."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    env = os.environ if environ is None else environ
    with open_dbus_connection(bus=env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        connection.send_and_get_reply(message_bus.RequestName(SECRETS_NAME))
        while True:
            connection.receive()  # read and drop every call: the callers wait forever


if __name__ == "__main__" and sys.argv[1:] == ["--hang"]:
    hang()
