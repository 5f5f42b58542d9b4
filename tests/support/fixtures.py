"""The fixtures every test may ask for (registered by tests/conftest.py): the AWS
stand-ins (moto server, our ECR Public stand-in) on free loopback ports, the isolated
environment per test, a real registry and real proxies, and the session-wide secret scan.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port, wait_for_port
from support import hygiene
from support.environment import Env, isolated_env
from support.standins import RealRegistry, Tinyproxy, running_docker_registry, running_tinyproxy


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


@pytest.fixture
def env(tmp_path: Path, moto: str, ecr_public: EcrPublicStandin) -> Env:
    return isolated_env(tmp_path / "home", moto, ecr_public.url)


@pytest.fixture(scope="session", autouse=True)
def secret_hygiene() -> Iterator[None]:
    """Fails the session if any CLI run printed or logged a token or password (hygiene.py)."""
    yield
    leaks = hygiene.leaks()
    if leaks:
        pytest.fail("secrets leaked in CLI output:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture
def docker_registry(tmp_path: Path) -> Iterator[RealRegistry]:
    with running_docker_registry(tmp_path / "registry") as registry:
        yield registry


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
