"""End to end: real clients (skopeo, docker, podman) run `docker-credential-ecrtui`, which
gets tokens from moto over HTTP, keeps them in gnome-keyring's Secret Service, and opens a
real docker-registry with them. No password is written to any file.

moto hands out tokens that expired in 2015; so that the cache can serve one, a small
reverse proxy in front of the dedicated moto server gives GetAuthorizationToken answers
the 12-hour expiry real ECR gives, and counts those calls.
"""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from support.commands import run_cli
from support.credential_helper import helper, use_secret_service
from support.environment import Env
from support.gnome_keyring import SecretServiceSession
from support.oci import write_oci_layout
from support.standins import RealRegistry, require_binary

from ecrtui.demo.standins.ports import free_port, wait_for_port

TOKEN_TARGET = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"


class RealExpiryProxy:
    """Forwards every request to moto; GetAuthorizationToken answers get an expiry 12 hours
    from now (as real ECR's), and are counted."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.token_calls = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                target = self.headers.get("X-Amz-Target", "")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=10)
                try:
                    connection.request("POST", self.path, body=body, headers=headers)
                    response = connection.getresponse()
                    status, payload = response.status, response.read()
                    content_type = response.getheader("Content-Type", "application/x-amz-json-1.1")
                except OSError:
                    status, payload, content_type = 502, b"{}", "application/json"
                finally:
                    connection.close()
                if target == TOKEN_TARGET and status == 200:
                    with proxy.lock:
                        proxy.token_calls += 1
                    document = json.loads(payload)
                    for entry in document.get("authorizationData", []):
                        entry["expiresAt"] = time.time() + 12 * 3600
                    payload = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def dedicated_moto() -> Iterator[tuple[Any, str]]:
    """A moto server of this test alone, so that the test can stop it."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    wait_for_port(port)
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if not stopped:
            server.stop()
            stopped = True

    try:
        yield stop, f"http://127.0.0.1:{port}"
    finally:
        stop()


def files_holding(root: Path, *needles: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in needles)]


def secret_forms(password: str) -> tuple[bytes, ...]:
    return password.encode(), base64.b64encode(f"AWS:{password}".encode())


def run(*command: str, env: Env, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), env=env.vars, input=stdin, capture_output=True, text=True, timeout=120, check=False
    )


def test_skopeo_pushes_and_lists_through_the_helper_with_no_password_in_any_file(
    env: Env,
    tmp_path: Path,
    docker_registry: RealRegistry,
    secret_service: SecretServiceSession,
    dedicated_moto: tuple[Any, str],
) -> None:
    skopeo = require_binary("skopeo")
    stop_moto, moto_url = dedicated_moto
    proxy = RealExpiryProxy(moto_url)
    try:
        use_secret_service(env, secret_service)
        env.vars["AWS_ENDPOINT_URL"] = proxy.url
        profiles = env.write_profiles(
            "version: 1\ntargets:\n  - name: mirror\n    registries:\n"
            f'      - {{id: "123456789012", region: us-east-1, host: "{docker_registry.host}"}}\n'
        )
        env.vars["ECRTUI_CONFIG"] = str(profiles)
        installed = run_cli(env, "helper", "install")
        assert installed.returncode == 0, installed.stderr
        config = json.loads(env.docker_config.read_text())
        assert config == {"credHelpers": {docker_registry.host: "ecrtui"}}

        image = tmp_path / "image"
        write_oci_layout(image, "v1")
        pushed = run(
            skopeo,
            "copy",
            "--dest-tls-verify=false",
            f"oci:{image}:v1",
            f"docker://{docker_registry.host}/team/app:v1",
            env=env,
        )
        assert pushed.returncode == 0, pushed.stderr
        assert proxy.token_calls == 1, "the first get fetched a token from moto, the later ones used the cache"

        stop_moto()  # from here on, any AWS call would fail
        listed = run(skopeo, "list-tags", "--tls-verify=false", f"docker://{docker_registry.host}/team/app", env=env)
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["Tags"] == ["v1"]
        assert proxy.token_calls == 1, "served from the keyring cache"

        leaked = files_holding(tmp_path, *secret_forms(docker_registry.password))
        assert leaked == [], f"a password was written to {leaked}"
    finally:
        proxy.close()


def test_docker_login_with_ecrtui_as_the_creds_store(
    env: Env, docker_registry: RealRegistry, secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("the docker CLI is not installed (skopeo and podman logins are covered below)")
    use_secret_service(env, secret_service)
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credsStore": "ecrtui"}))
    logged_in = run(
        docker,
        "login",
        "--username",
        "AWS",
        "--password-stdin",
        docker_registry.host,
        env=env,
        stdin=docker_registry.password,
    )
    assert logged_in.returncode == 0, logged_in.stderr
    assert "Login Succeeded" in logged_in.stdout
    assert json.loads(helper(env, "get", docker_registry.host).stdout)["Secret"] == docker_registry.password
    assert json.loads(helper(env, "list").stdout) == {docker_registry.host: "AWS"}
    assert files_holding(tmp_path, *secret_forms(docker_registry.password)) == []

    logged_out = run(docker, "logout", docker_registry.host, env=env)
    assert logged_out.returncode == 0, logged_out.stderr
    assert helper(env, "get", docker_registry.host).returncode == 1, "docker logout erased it"


@pytest.mark.parametrize("client", ["skopeo", "podman"])
def test_skopeo_and_podman_login_store_through_the_helper(
    client: str, env: Env, docker_registry: RealRegistry, secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    binary = require_binary(client)
    use_secret_service(env, secret_service)
    env.podman_auth.parent.mkdir(parents=True)
    env.podman_auth.write_text(json.dumps({"credHelpers": {docker_registry.host: "ecrtui"}}))
    wrong = run(
        binary,
        "login",
        "--tls-verify=false",
        "-u",
        "AWS",
        "--password-stdin",
        docker_registry.host,
        env=env,
        stdin="nope",
    )
    assert wrong.returncode != 0, "the registry really checks the password"
    logged_in = run(
        binary,
        "login",
        "--tls-verify=false",
        "-u",
        "AWS",
        "--password-stdin",
        docker_registry.host,
        env=env,
        stdin=docker_registry.password,
    )
    assert logged_in.returncode == 0, logged_in.stderr
    assert json.loads(helper(env, "get", docker_registry.host).stdout)["Secret"] == docker_registry.password
    assert json.loads(env.podman_auth.read_text()) == {"credHelpers": {docker_registry.host: "ecrtui"}}
    assert files_holding(tmp_path, *secret_forms(docker_registry.password)) == []
    logged_out = run(binary, "logout", docker_registry.host, env=env)
    assert logged_out.returncode == 0, logged_out.stderr
    assert helper(env, "get", docker_registry.host).returncode == 1
