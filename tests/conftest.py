"""Shared fixtures: real local stand-ins (moto server, our ECR Public stand-in,
docker-registry, tinyproxy) on free loopback ports, an isolated environment per test, and
a runner for the real `ecrtui` command in a subprocess.

Tests that need a Debian binary skip with a reason on a laptop without it; with
ECRTUI_REQUIRE_ALL=1 (set by .ci/run) the skip becomes a failure, so CI runs them all.

The end-to-end layer (marker `e2e`: every test of a module that starts the `ecrtui` or
`docker-credential-ecrtui` command) runs what users install: with ECRTUI_TEST_BIN set (by
`make test`: the bin folder of a virtual environment holding the built wheel, see
tests/support/wheel.py) the commands come from there, else from this source tree; either
way from a working folder outside the source tree.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import hygiene
from support.daemons import Daemon

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port, wait_for_port

REPO = Path(__file__).resolve().parent.parent
TEST_BIN = os.environ.get("ECRTUI_TEST_BIN", "")
OUTSIDE = Path(tempfile.gettempdir())  # the commands' working folder: not the source tree
_MODULES = {"ecrtui": "ecrtui", "docker-credential-ecrtui": "ecrtui.helper"}


def starts_command(function: Callable[..., object]) -> Callable[..., object]:
    """Marks a function that starts the real commands: a test module importing one is `e2e`."""
    function.starts_ecrtui = True  # type: ignore[attr-defined]
    return function


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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: starts the ecrtui commands (the installed wheel's under make test)")
    if TEST_BIN and not (Path(TEST_BIN) / "ecrtui").is_file():
        raise pytest.UsageError(f"ECRTUI_TEST_BIN={TEST_BIN} has no ecrtui: run `make wheel-venv`")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and any(getattr(v, "starts_ecrtui", False) for v in vars(module).values()):
            item.add_marker(pytest.mark.e2e)


def require_binary(name: str) -> str:
    """The binary's path; skip (fail in CI) when it is missing."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed (apt-get install the packages of scripts/setup.sh)"
    if os.environ.get("ECRTUI_REQUIRE_ALL") == "1":
        pytest.fail(f"CI requires every stand-in: {message}")
    pytest.skip(message)


# --- AWS stand-ins -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def moto(moto_url: str) -> str:
    """The moto server, reset to an empty account for this test."""
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=10).read()
    return moto_url


@pytest.fixture(scope="session")
def ecr_public_server() -> Iterator[EcrPublicStandin]:
    with EcrPublicStandin() as server:
        yield server


@pytest.fixture
def ecr_public(ecr_public_server: EcrPublicStandin) -> EcrPublicStandin:
    """The ECR Public stand-in, answering normally and with its call log cleared."""
    with ecr_public_server.state.lock:
        ecr_public_server.state.mode = "ok"
        ecr_public_server.state.password = "public-auth-token"
        ecr_public_server.state.calls.clear()
    return ecr_public_server


def set_standin_mode(server: EcrPublicStandin, mode: str) -> None:
    with server.state.lock:
        server.state.mode = mode


# --- the isolated environment and the CLI runner -------------------------------------------

_DROPPED = (
    "AWS_",
    "GITHUB_",
    "INPUT_",
    "STATE_",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
    "DOCKER_CONFIG",
    "REGISTRY_AUTH_FILE",
    "HELM_",
    "ECRTUI_CONFIG",
    "XDG_",
    "DBUS_SESSION_BUS_ADDRESS",  # logins cache tokens: never in the developer's own keyring
    "PYTHON_KEYRING_BACKEND",
)


@dataclass
class Env:
    """An isolated HOME with its own AWS, docker, podman and helm files."""

    vars: dict[str, str]
    home: Path

    @property
    def docker_config(self) -> Path:
        return Path(self.vars["DOCKER_CONFIG"]) / "config.json"

    @property
    def podman_auth(self) -> Path:
        return Path(self.vars["REGISTRY_AUTH_FILE"])

    @property
    def helm_config(self) -> Path:
        return Path(self.vars["HELM_REGISTRY_CONFIG"])

    @property
    def aws_config(self) -> Path:
        return Path(self.vars["AWS_CONFIG_FILE"])

    def write_aws_config(self, text: str) -> None:
        self.aws_config.write_text(text)

    def write_profiles(self, text: str, name: str = "profiles.yaml") -> Path:
        path = self.home / name
        path.write_text(text)
        return path

    def docker_auths(self) -> dict[str, object]:
        return json.loads(self.docker_config.read_text()).get("auths", {})


@pytest.fixture
def env(tmp_path: Path, moto: str, ecr_public: EcrPublicStandin) -> Env:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    variables = {k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)}
    variables.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        AWS_CONFIG_FILE=str(home / ".aws" / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / ".aws" / "credentials"),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_ECR_PUBLIC=ecr_public.url,
        AWS_EC2_METADATA_DISABLED="true",
        DOCKER_CONFIG=str(home / ".docker"),
        REGISTRY_AUTH_FILE=str(home / "containers" / "auth.json"),
        HELM_REGISTRY_CONFIG=str(home / "helm" / "registry.json"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return Env(variables, home)


@starts_command
def run_cli(
    env: Env | dict[str, str],
    *args: str,
    stdin: str | None = None,
    timeout: float = 60,
    program: str = "ecrtui",
    cwd: Path | None = None,
    umask: int = -1,
) -> subprocess.CompletedProcess[str]:
    """Run the real command (`ecrtui`, or the helper) in a subprocess (see cli_command)."""
    variables = env.vars if isinstance(env, Env) else env
    completed = subprocess.run(
        [*cli_command(program), *args],
        env=variables,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=OUTSIDE if cwd is None else cwd,
        umask=umask,
    )
    # Every run is scanned for leaked secrets at the end of the session (secret_hygiene).
    hygiene.record(program, args, completed.stdout, completed.stderr, env.home if isinstance(env, Env) else None)
    return completed


@pytest.fixture(scope="session", autouse=True)
def secret_hygiene() -> Iterator[None]:
    """Fails the session if any CLI run printed or logged a token or password (support/hygiene.py)."""
    yield
    leaks = hygiene.leaks()
    if leaks:
        pytest.fail("secrets leaked in CLI output:\n" + "\n".join(leaks), pytrace=False)


# --- a real registry and a real proxy --------------------------------------------------------


@dataclass
class RealRegistry:
    host: str
    password: str
    root: Path


@pytest.fixture
def docker_registry(tmp_path: Path) -> Iterator[RealRegistry]:
    """docker-registry with htpasswd auth: user AWS, the password moto hands out for
    123456789012 (`123456789012-auth-token`)."""
    binary = require_binary("docker-registry")
    require_binary("htpasswd")
    root = tmp_path / "registry"
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


@pytest.fixture
def tinyproxy(tmp_path: Path) -> Iterator[Tinyproxy]:
    with running_tinyproxy(tmp_path) as proxy:
        yield proxy


@pytest.fixture
def second_tinyproxy(tmp_path: Path) -> Iterator[Tinyproxy]:
    """Another proxy, to prove which of two a call went through."""
    with running_tinyproxy(tmp_path) as proxy:
        yield proxy


@pytest.fixture
def tinyproxy_auth(tmp_path: Path) -> Iterator[Tinyproxy]:
    with running_tinyproxy(tmp_path, user="proxyuser", password="s3cr3t-proxy-pw") as proxy:
        yield proxy
