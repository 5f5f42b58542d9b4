"""`ecrtui doctor` local-state checks, through the real command: entries probed against a
real docker-registry (htpasswd auth, the password moto hands out), a wrong password, a
stale `https://` duplicate, an expired `public.ecr.aws` entry, credential helpers missing
from PATH, and the keyring backend (none usable, or one that never answers)."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.doctor import doctor_cli, json_checks
from support.environment import Env
from support.standins import RealRegistry

from ecrtui.demo.standins.ports import free_port


def _auth(password: str) -> dict[str, str]:
    return {"auth": base64.b64encode(f"AWS:{password}".encode()).decode()}


def _profiles(env: Env, registry: RealRegistry) -> Path:
    return env.write_profiles(
        "version: 1\n"
        "targets:\n"
        "  - name: reg\n"
        "    region: us-east-1\n"
        "    registries:\n"
        f'      - {{id: "123456789012", host: "{registry.host}"}}\n'
    )


def _docker_config(env: Env, data: dict) -> None:
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    env.docker_config.write_text(json.dumps(data))


def test_a_working_entry_opens_the_registry(env: Env, docker_registry: RealRegistry) -> None:
    _docker_config(env, {"auths": {docker_registry.host: _auth(docker_registry.password)}})
    _code, document, _ = doctor_cli(env, "--config", str(_profiles(env, docker_registry)), "--target", "reg")
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "ok", entry
    assert entry["subject"] == docker_registry.host
    assert "works: the registry accepted it (HTTP 200" in entry["finding"]
    assert json_checks(document, "local.duplicate") == []


def test_a_wrong_password_is_refused(env: Env, docker_registry: RealRegistry) -> None:
    _docker_config(env, {"auths": {docker_registry.host: _auth("not-the-password")}})
    code, document, _ = doctor_cli(env, "--config", str(_profiles(env, docker_registry)), "--target", "reg")
    assert code == 1
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "fail"
    assert "no longer works: the registry refused it (HTTP 401" in entry["finding"]
    assert "12 hours" in entry["finding"]
    assert entry["remediation"] == "run: ecrtui login --target reg"


def test_a_stale_https_duplicate_is_named_and_tried(env: Env, docker_registry: RealRegistry) -> None:
    stale = f"https://{docker_registry.host}"
    _docker_config(
        env,
        {"auths": {stale: _auth("an-old-password"), docker_registry.host: _auth(docker_registry.password)}},
    )
    _code, document, _ = doctor_cli(env, "--config", str(_profiles(env, docker_registry)), "--target", "reg")
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "ok" and f"auths['{docker_registry.host}']" in entry["finding"]
    [duplicate] = json_checks(document, "local.duplicate")
    assert duplicate["status"] == "warn"
    assert f"`docker logout {docker_registry.host}` removes only that key" in duplicate["finding"]
    assert "Its credentials are refused (HTTP 401" in duplicate["finding"]
    assert repr(stale) in duplicate["remediation"]


def _ecr_password(expiration: float) -> str:
    """The shape of a real ECR password: base64 of a JSON document with `expiration`."""
    document = {"payload": "opaque", "datakey": "opaque", "version": "2", "type": "DATA_KEY", "expiration": expiration}
    return base64.b64encode(json.dumps(document).encode()).decode()


def test_an_expired_public_entry_that_breaks_anonymous_pulls(env: Env) -> None:
    env.vars["AWS_REGION"] = "us-east-1"
    _docker_config(env, {"auths": {"public.ecr.aws": _auth(_ecr_password(time.time() - 3600))}})
    code, document, _ = doctor_cli(env)
    assert code == 1
    [public] = json_checks(document, "local.public-entry")
    assert public["status"] == "fail" and public["target"] is None
    assert "expired at" in public["finding"] and "even of public images" in public["finding"]
    assert "docker logout public.ecr.aws" in public["remediation"]


def test_helpers_that_are_not_on_path(env: Env, tmp_path: Path) -> None:
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    _docker_config(env, {"auths": {}, "credHelpers": {host: "nowhere"}, "credsStore": "missing-store"})
    code, document, _ = doctor_cli(env, "--region", "us-east-1")
    assert code == 1
    [config] = json_checks(document, "local.docker-config")
    assert config["status"] == "fail" and "docker-credential-missing-store is not on PATH" in config["finding"]
    [helper] = json_checks(document, "local.helper")
    assert helper["status"] == "fail" and helper["subject"] == host
    assert "docker-credential-nowhere is not on PATH" in helper["finding"] and "(credHelpers)" in helper["finding"]


def test_wincred_is_warned_about_long_tokens(env: Env, tmp_path: Path) -> None:
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-wincred"  # only its presence on PATH matters here
    helper.write_text("#!/bin/sh\nexit 1\n")
    helper.chmod(0o755)
    env.vars["PATH"] = f"{bin_dir}:{env.vars['PATH']}"
    _docker_config(env, {"auths": {host: {}}, "credHelpers": {host: "wincred"}})
    _, document, _ = doctor_cli(env, "--region", "us-east-1")
    [check] = json_checks(document, "local.helper")
    assert check["status"] == "warn" and "The stub received bad data" in check["finding"]
    assert "ecrtui helper install" in check["remediation"]


def test_no_usable_keyring_is_a_warning(env: Env) -> None:
    env.vars.update(AWS_REGION="us-east-1", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    _, document, _ = doctor_cli(env)
    [keyring] = json_checks(document, "local.keyring")
    assert keyring["status"] == "warn" and "no usable keyring backend" in keyring["finding"]
    assert "cache: none" in keyring["remediation"]


HANGING_BACKEND = '''
import threading

from keyring.backend import KeyringBackend


class Keyring(KeyringBackend):
    """A keyring whose service never answers (a locked keychain behind a stuck D-Bus)."""

    priority = 1

    def __init__(self):
        threading.Event().wait()

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
'''


def test_a_keyring_that_never_answers_is_bounded(env: Env, tmp_path: Path) -> None:
    (tmp_path / "hangingkeyring.py").write_text(HANGING_BACKEND)
    env.vars.update(AWS_REGION="us-east-1", PYTHONPATH=str(tmp_path), PYTHON_KEYRING_BACKEND="hangingkeyring.Keyring")
    started = time.monotonic()
    _, document, _ = doctor_cli(env, timeout=30)
    assert time.monotonic() - started < 15
    [keyring] = json_checks(document, "local.keyring")
    assert keyring["status"] == "warn" and "did not answer within 2 s" in keyring["finding"]


def test_cache_none_skips_the_keyring(env: Env) -> None:
    profiles = env.write_profiles("version: 1\ndefaults: {region: us-east-1, cache: none}\n")
    _, document, _ = doctor_cli(env, "--config", str(profiles))
    [keyring] = json_checks(document, "local.keyring")
    assert keyring["status"] == "skip" and "cache: none" in keyring["finding"]


def test_an_expired_ecr_token_is_named_without_asking_the_registry(env: Env, docker_registry: RealRegistry) -> None:
    expired = _ecr_password(time.time() - 600)
    _docker_config(env, {"auths": {docker_registry.host: _auth(expired)}})
    code, document, _ = doctor_cli(env, "--config", str(_profiles(env, docker_registry)), "--target", "reg")
    assert code == 1
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "fail" and "holds a token that expired at" in entry["finding"]
    assert "Your authorization token has expired" in entry["finding"]


class _ForeignRegionRegistry(BaseHTTPRequestHandler):
    """A registry that answers a token of another region as ECR does: 400 Bad Request.
    docker-registry has no such answer, so this small server stands in for ECR."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        self.send_response(400 if self.headers.get("Authorization") else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_a_token_of_another_region_is_explained(env: Env) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ForeignRegionRegistry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    try:
        profiles = env.write_profiles(
            "version: 1\ntargets:\n  - name: eu\n    region: eu-west-1\n    registries:\n"
            f'      - {{id: "123456789012", host: "{host}"}}\n'
        )
        _docker_config(env, {"auths": {host: _auth("a-token-from-us-east-1")}})
        code, document, _ = doctor_cli(env, "--config", str(profiles), "--target", "eu")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "fail" and "HTTP 400 Bad Request" in entry["finding"]
    assert "only in the region it was issued" in entry["finding"]


def test_an_unreachable_registry_is_a_warning_not_a_crash(env: Env) -> None:
    host = f"127.0.0.1:{free_port()}"  # nothing listens there
    profiles = env.write_profiles(
        "version: 1\ntargets:\n  - name: gone\n    region: us-east-1\n    registries:\n"
        f'      - {{id: "123456789012", host: "{host}"}}\n'
    )
    _docker_config(env, {"auths": {host: _auth("whatever")}})
    _, document, _ = doctor_cli(env, "--config", str(profiles), "--target", "gone")
    assert json_checks(document, "doctor.error") == []
    [entry] = json_checks(document, "local.credentials")
    assert entry["status"] == "warn"
    assert "could not be tried: cannot connect" in entry["finding"] and "Connection refused" in entry["finding"]
