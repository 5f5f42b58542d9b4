"""Local stand-ins started from the system's binaries: docker-registry with htpasswd auth
and tinyproxy on free loopback ports; and `require_binary`, which skips a test when a
binary is missing on a laptop and fails it in CI (ECRTUI_REQUIRE_ALL=1, set by .ci/run).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port
from support.daemons import Daemon


def require_binary(name: str) -> str:
    """The binary's path; skip (fail in CI) when it is missing."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (apt-get install the packages of scripts/setup.sh)"
    if os.environ.get("ECRTUI_REQUIRE_ALL") == "1":
        pytest.fail(f"CI requires every stand-in: {message}")
    pytest.skip(message)


def set_standin_mode(server: EcrPublicStandin, mode: str) -> None:
    with server.state.lock:
        server.state.mode = mode


@dataclass
class RealRegistry:
    host: str
    password: str
    root: Path


@contextlib.contextmanager
def running_docker_registry(root: Path) -> Iterator[RealRegistry]:
    """docker-registry with htpasswd auth: user AWS, the password moto hands out for
    123456789012 (`123456789012-auth-token`)."""
    binary = require_binary("docker-registry")
    require_binary("htpasswd")
    root.mkdir()
    password = "123456789012-auth-token"
    subprocess.run(["htpasswd", "-Bbc", str(root / "htpasswd"), "AWS", password], check=True, capture_output=True)
    port = free_port()
    (root / "config.yml").write_text(
        "version: 0.1\n"
        "log: {level: error}\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}}}\n"
        f"auth: {{htpasswd: {{realm: ecrtui-test, path: {root / 'htpasswd'}}}}}\n"
    )
    daemon = Daemon([binary, "serve", str(root / "config.yml")], root / "docker-registry.log").start()
    try:
        daemon.wait_for_port(port)
        yield RealRegistry(f"127.0.0.1:{port}", password, root)
    finally:
        daemon.stop()


@dataclass
class Tinyproxy:
    url: str
    port: int
    log: Path
    user: str | None = None
    password: str | None = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def running_tinyproxy(tmp_path: Path, *, user: str | None = None, password: str | None = None) -> Iterator[Tinyproxy]:
    """A tinyproxy on a free port for the block's duration (BasicAuth when given)."""
    binary = require_binary("tinyproxy")
    port = free_port()
    log = tmp_path / f"tinyproxy-{port}.log"
    conf = tmp_path / f"tinyproxy-{port}.conf"
    lines = [
        f"Port {port}",
        "Listen 127.0.0.1",
        "Allow 127.0.0.1",
        "LogLevel Info",
        f'LogFile "{log}"',
        "MaxClients 50",
        "ConnectPort 443",
    ]
    if user and password:
        lines.append(f"BasicAuth {user} {password}")
    conf.write_text("\n".join(lines) + "\n")
    daemon = Daemon([binary, "-d", "-c", str(conf)], tmp_path / f"tinyproxy-{port}.out").start()
    try:
        try:
            daemon.wait_for_port(port)
        except RuntimeError as error:  # tinyproxy writes its own complaints to its LogFile
            raise RuntimeError(f"{error}\n{log}:\n{log.read_text(errors='replace') if log.exists() else ''}") from None
        auth = f"{user}:{password}@" if user and password else ""
        yield Tinyproxy(f"http://{auth}127.0.0.1:{port}", port, log, user, password)
    finally:
        daemon.stop()
