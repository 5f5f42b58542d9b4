"""`ecrtui doctor` never sends a stored password in the clear or to a stranger (issue 10,
defect 8): through the real command, against local servers that record every
Authorization header they receive. Basic credentials go to the registry host itself, over
HTTPS or a real loopback address, never to a Bearer realm on another host or port, and
"loopback" is decided from the address a name resolves to (`localhost.evil.test` is not)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import hygiene
from support.doctor import doctor_cli, json_checks
from support.environment import Env

PASSWORD = "doctor-probe-secret-pw"


@dataclass
class Recorder:
    port: int = 0
    challenge: str = ""  # a WWW-Authenticate to answer /v2/ with; empty: 200 to everything
    seen: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, Authorization)

    @property
    def authorizations(self) -> list[str]:
        return [auth for _, _, auth in self.seen if auth]


@contextmanager
def recorder(challenge: str = "") -> Iterator[Recorder]:
    state = Recorder(challenge=challenge)

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            state.seen.append((self.command, self.path, self.headers.get("Authorization", "")))

        def do_GET(self) -> None:
            self._record()
            if state.challenge and self.path.endswith("/v2/"):
                self.send_response(401)
                self.send_header("WWW-Authenticate", state.challenge)
            else:
                self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def do_CONNECT(self) -> None:  # a proxy that lets a tunnel open, then speaks no TLS
            self._record()
            self.send_response(200, "Connection established")
            self.end_headers()
            self.wfile.write(b"this is not TLS\r\n\r\n")
            self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def setup(env: Env, host: str) -> list[str]:
    hygiene.register_secret(PASSWORD)
    profiles = env.write_profiles(
        "version: 1\ntargets:\n  - name: reg\n    region: us-east-1\n    registries:\n"
        f'      - {{id: "123456789012", host: "{host}"}}\n'
    )
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    auth = base64.b64encode(f"AWS:{PASSWORD}".encode()).decode()
    env.docker_config.write_text(json.dumps({"auths": {host: {"auth": auth}}}))
    return ["--config", str(profiles), "--target", "reg", "--timeout", "3"]


@pytest.mark.parametrize("realm_host", ["127.0.0.1", "localhost"])
def test_a_bearer_realm_on_another_host_or_port_gets_no_password(env: Env, realm_host: str) -> None:
    with recorder() as stranger:
        realm = f'Bearer realm="http://{realm_host}:{stranger.port}/token",service="registry"'
        with recorder(realm) as registry:
            args = setup(env, f"127.0.0.1:{registry.port}")
            _, document, _ = doctor_cli(env, *args)
    assert registry.authorizations, "the registry itself (loopback) was asked"
    assert stranger.authorizations == [], "a stranger received the stored password"
    [check] = [c for c in json_checks(document, "local.credentials") if "127.0.0.1" in c["finding"]]
    assert "not tried" in check["finding"] and "sends no password elsewhere" in check["finding"]


def test_a_realm_on_the_loopback_registry_itself_is_still_tried(env: Env) -> None:
    with recorder() as registry:
        registry.challenge = f'Bearer realm="http://127.0.0.1:{registry.port}/token",service="registry"'
        args = setup(env, f"127.0.0.1:{registry.port}")
        doctor_cli(env, *args)
    assert [path for _, path, auth in registry.seen if auth and path.startswith("/token")], registry.seen


def test_a_name_that_merely_starts_with_localhost_gets_no_plain_http(env: Env) -> None:
    """`localhost.evil.test` is not loopback: its HTTPS failing is no reason to retry in the
    clear (here through a proxy that would see the password)."""
    with recorder() as proxy:
        args = setup(env, "localhost.evil.test:5000")
        url = f"http://127.0.0.1:{proxy.port}"
        env.vars.update(HTTPS_PROXY=url, HTTP_PROXY=url, NO_PROXY="169.254.169.254")
        doctor_cli(env, *args)
    assert any(method == "CONNECT" for method, _, _ in proxy.seen), "the HTTPS attempt was made"
    assert proxy.authorizations == [], "the password went out over plain HTTP"
