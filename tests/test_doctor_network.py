"""`ecrtui doctor` network checks with a real proxy (tinyproxy) and a real TLS endpoint
whose certificate nothing trusts: which proxy is used (redacted), NO_PROXY bypassing it,
a proxy that wants credentials, a dead proxy, and TLS failures explained (and fixed by
the remedy the doctor names)."""

from __future__ import annotations

import datetime
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support.commands import run_cli
from support.doctor import doctor_cli, doctor_in_process, isolated_environ, json_checks, one
from support.environment import Env
from support.standins import Tinyproxy

from ecrtui.core.diagnose import CheckStatus
from ecrtui.core.models import Target
from ecrtui.demo.standins.ports import free_port


def test_the_proxy_in_use_is_named_and_used(env: Env, tinyproxy: Tinyproxy) -> None:
    env.vars["HTTP_PROXY"] = tinyproxy.url
    _, document, _ = doctor_cli(env, "--region", "us-east-1")
    [proxy] = json_checks(document, "network.proxy")
    moto_host = env.vars["AWS_ENDPOINT_URL"].split("//", 1)[1]
    assert proxy["finding"] == f"{moto_host} through {tinyproxy.url} (from $HTTP_PROXY)"
    endpoints = json_checks(document, "network.endpoint")
    assert endpoints and all(e["status"] == "ok" and "through the proxy" in e["finding"] for e in endpoints)
    # the probe really went through it (tinyproxy logs each request it forwards)
    assert "Request (file descriptor" in tinyproxy.log_text()
    assert f"GET {env.vars['AWS_ENDPOINT_URL']}/ HTTP/1.1" in tinyproxy.log_text()
    [login] = json_checks(document, "permissions.login")
    assert login["status"] == "ok"


def test_no_proxy_bypass_is_said(env: Env, tinyproxy: Tinyproxy) -> None:
    env.vars.update(HTTP_PROXY=tinyproxy.url, NO_PROXY="127.0.0.1")
    _, document, _ = doctor_cli(env, "--region", "us-east-1")
    [proxy] = json_checks(document, "network.proxy")
    assert f"directly: NO_PROXY=127.0.0.1 bypasses {tinyproxy.url}" in proxy["finding"]
    assert all("reachable directly" in e["finding"] for e in json_checks(document, "network.endpoint"))
    assert "Request (file descriptor" not in tinyproxy.log_text()


def test_proxy_credentials_are_redacted_and_a_wrong_password_explained(env: Env, tinyproxy_auth: Tinyproxy) -> None:
    env.vars["HTTP_PROXY"] = tinyproxy_auth.url
    result = run_cli(env, "doctor", "--region", "us-east-1")
    assert "s3cr3t-proxy-pw" not in result.stdout + result.stderr
    assert f"through http://***@127.0.0.1:{tinyproxy_auth.port}" in result.stdout

    env.vars["HTTP_PROXY"] = f"http://proxyuser:wrong-password@127.0.0.1:{tinyproxy_auth.port}"
    code, document, _ = doctor_cli(env, "--region", "us-east-1")
    assert code == 1
    [sts] = [e for e in json_checks(document, "network.endpoint") if e["subject"] == "sts"]
    assert sts["status"] == "fail" and "refused the request (HTTP 401): it asks for credentials" in sts["finding"]
    assert "wrong-password" not in json.dumps(document)


def test_a_dead_proxy_is_explained(env: Env) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    env.vars["HTTP_PROXY"] = dead
    code, document, _ = doctor_cli(env, "--region", "us-east-1")
    assert code == 1
    endpoint = json_checks(document, "network.endpoint")[0]
    assert endpoint["status"] == "fail"
    assert f"cannot connect to the proxy {dead}" in endpoint["finding"]
    assert "NO_PROXY" in endpoint["remediation"]


# --- TLS -------------------------------------------------------------------------------------------


@dataclass
class TlsEndpoint:
    url: str
    certificate: Path


class _Answer(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for IP:127.0.0.1 signed by nobody anyone trusts (moto needs the
    cryptography package, so it is always there)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ecrtui-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_endpoint(tmp_path: Path) -> Iterator[TlsEndpoint]:
    """An HTTPS server with a self-signed certificate, as a TLS-inspecting proxy or a
    custom endpoint presents one."""
    certificate, key = _self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsEndpoint(f"https://127.0.0.1:{server.server_address[1]}", certificate)
    finally:
        server.shutdown()
        server.server_close()


def test_tls_errors_are_explained_and_the_ca_bundle_fixes_them(
    moto: str, tls_endpoint: TlsEndpoint, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=moto, AWS_ENDPOINT_URL_ECR=tls_endpoint.url, **keys
    )
    report = doctor_in_process([Target(name="t", region="us-east-1")], environ)
    [ecr] = [c for c in report.checks if c.id == "network.endpoint" and c.subject == "ecr"]
    assert ecr.status is CheckStatus.FAIL
    assert "TLS handshake failed: certificate verify failed" in ecr.finding
    assert "set by AWS_ENDPOINT_URL_ECR" in ecr.finding
    assert "AWS_CA_BUNDLE" in ecr.remediation
    login = one(report, "permissions.login")
    assert login.status is CheckStatus.FAIL and "AWS_CA_BUNDLE" in login.remediation

    environ = isolated_environ(
        monkeypatch,
        tmp_path,
        AWS_ENDPOINT_URL=moto,
        AWS_ENDPOINT_URL_ECR=tls_endpoint.url,
        AWS_CA_BUNDLE=str(tls_endpoint.certificate),
        **keys,
    )
    report = doctor_in_process([Target(name="t", region="us-east-1")], environ)
    [ecr] = [c for c in report.checks if c.id == "network.endpoint" and c.subject == "ecr"]
    assert ecr.status is CheckStatus.OK and "HTTP 404" in ecr.finding


def test_a_ca_bundle_that_is_not_a_file(moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environ = isolated_environ(
        monkeypatch,
        tmp_path,
        AWS_ENDPOINT_URL=moto,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CA_BUNDLE=str(tmp_path / "missing.pem"),
    )
    report = doctor_in_process([Target(name="t", region="us-east-1")], environ)
    bundle = one(report, "network.ca-bundle")
    assert bundle.status is CheckStatus.FAIL and "missing.pem" in bundle.finding
