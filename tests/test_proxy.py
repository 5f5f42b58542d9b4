"""Proxies for the AWS calls, through real tinyproxy processes.

tinyproxy logs every request it forwards (`Request (file descriptor N): POST
http://127.0.0.1:PORT/ HTTP/1.1` for plain HTTP, `CONNECT host:port` for HTTPS), so its log
proves which proxy a call went through, or that it went through none. Proxy passwords must
never show: not in text, JSON or GitHub output, not in error messages.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.commands import run_cli
from support.environment import Env
from support.standins import Tinyproxy

from ecrtui.core.sanitize import clean, remember_url
from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.ports import free_port

FAST = ("--max-attempts", "1", "--timeout", "5")


def requests_seen(proxy: Tinyproxy) -> list[str]:
    """The request lines tinyproxy received (what it was asked to forward)."""
    return [line.split("): ", 1)[1] for line in proxy.log_text().splitlines() if "]: Request (file descriptor" in line]


def login(env: Env, *args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    variables = {**env.vars, **(extra or {})}
    return run_cli(variables, "login", "--region", "us-east-1", *args)


def all_output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("how", ["--http-proxy", "HTTP_PROXY", "http_proxy"])
def test_the_aws_call_goes_through_the_proxy(env: Env, tinyproxy: Tinyproxy, moto: str, how: str) -> None:
    if how == "--http-proxy":
        result = login(env, "--http-proxy", tinyproxy.url)
    else:
        result = login(env, extra={how: tinyproxy.url})
    assert result.returncode == 0, all_output(result)
    assert f"POST {moto}/ HTTP/1.1" in requests_seen(tinyproxy)
    assert "123456789012.dkr.ecr.us-east-1.amazonaws.com" in env.docker_auths()
    if how == "--http-proxy":
        assert f"AWS calls go through the proxy {tinyproxy.url}" in result.stderr


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy"])
def test_https_proxy_is_not_used_for_http_endpoints(env: Env, tinyproxy: Tinyproxy, variable: str) -> None:
    result = login(env, extra={variable: tinyproxy.url})
    assert result.returncode == 0, all_output(result)
    assert requests_seen(tinyproxy) == []


def test_https_endpoints_use_https_proxy(
    env: Env, tinyproxy: Tinyproxy, second_tinyproxy: Tinyproxy, ecr_public: EcrPublicStandin
) -> None:
    """An https endpoint goes through HTTPS_PROXY (a CONNECT), not HTTP_PROXY. Nothing
    answers TLS there, so the login fails: the proxy's log is the proof."""
    port = free_port()
    result = login(
        env,
        *FAST,
        extra={
            "AWS_ENDPOINT_URL_ECR": f"https://127.0.0.1:{port}",
            "HTTPS_PROXY": tinyproxy.url,
            "HTTP_PROXY": second_tinyproxy.url,
        },
    )
    assert result.returncode == 1
    assert any(line.startswith(f"CONNECT 127.0.0.1:{port}") for line in requests_seen(tinyproxy)), tinyproxy.log_text()
    assert requests_seen(second_tinyproxy) == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NO_PROXY", "127.0.0.1"), ("no_proxy", "localhost, 127.0.0.1"), ("NO_PROXY", "*")],
)
def test_no_proxy_bypasses_the_proxy(env: Env, tinyproxy: Tinyproxy, variable: str, value: str) -> None:
    result = login(env, extra={"HTTP_PROXY": tinyproxy.url, variable: value})
    assert result.returncode == 0, all_output(result)
    assert requests_seen(tinyproxy) == []


def test_no_proxy_applies_to_the_matching_endpoint_only(
    env: Env, tinyproxy: Tinyproxy, moto: str, ecr_public: EcrPublicStandin
) -> None:
    """ECR Public goes to the stand-in on `localhost`; NO_PROXY names only that name, so the
    private call to 127.0.0.1 still goes through the proxy."""
    public_url = ecr_public.url.replace("127.0.0.1", "localhost")
    extra = {"HTTP_PROXY": tinyproxy.url, "NO_PROXY": "localhost", "AWS_ENDPOINT_URL_ECR_PUBLIC": public_url}
    private = login(env, extra=extra)
    public = run_cli({**env.vars, **extra}, "login", "--registry-type", "public")
    assert private.returncode == 0, all_output(private)
    assert public.returncode == 0, all_output(public)
    assert requests_seen(tinyproxy) == [f"POST {moto}/ HTTP/1.1"]


def test_the_flag_wins_over_the_environment(
    env: Env, tinyproxy: Tinyproxy, second_tinyproxy: Tinyproxy, moto: str
) -> None:
    result = login(
        env,
        "--http-proxy",
        tinyproxy.url,
        extra={
            "HTTP_PROXY": second_tinyproxy.url,
            "HTTPS_PROXY": second_tinyproxy.url,
            "http_proxy": second_tinyproxy.url,
        },
    )
    assert result.returncode == 0, all_output(result)
    assert f"POST {moto}/ HTTP/1.1" in requests_seen(tinyproxy)
    assert requests_seen(second_tinyproxy) == []


@pytest.mark.parametrize("how", ["--http-proxy", "HTTP_PROXY"])
@pytest.mark.parametrize("output", ["text", "json"])
def test_a_proxy_with_credentials(env: Env, tinyproxy_auth: Tinyproxy, moto: str, how: str, output: str) -> None:
    assert tinyproxy_auth.password
    args = ("--http-proxy", tinyproxy_auth.url) if how == "--http-proxy" else ()
    extra = {"HTTP_PROXY": tinyproxy_auth.url} if how == "HTTP_PROXY" else {}
    result = login(env, *args, "--output", output, extra=extra)
    assert result.returncode == 0, all_output(result)
    assert f"POST {moto}/ HTTP/1.1" in requests_seen(tinyproxy_auth)  # tinyproxy let it through
    assert tinyproxy_auth.password not in all_output(result)
    if output == "json":
        assert json.loads(result.stdout)["results"][0]["status"] == "ok"
    if how == "--http-proxy":
        assert f"http://***@127.0.0.1:{tinyproxy_auth.port}" in result.stderr


def test_wrong_proxy_credentials_fail_without_showing_them(env: Env, tinyproxy_auth: Tinyproxy) -> None:
    wrong = f"http://{tinyproxy_auth.user}:not-the-password-42@127.0.0.1:{tinyproxy_auth.port}"
    result = login(env, *FAST, "--http-proxy", wrong, "--output", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["results"][0]["status"] == "failed"
    assert "not-the-password-42" not in all_output(result)
    assert not env.docker_config.exists()


@pytest.mark.parametrize("credentials", ["", "alice:dead-proxy-pw@"])
@pytest.mark.parametrize("how", ["--http-proxy", "HTTP_PROXY"])
def test_a_dead_proxy(env: Env, credentials: str, how: str) -> None:
    port = free_port()  # nothing listens there
    url = f"http://{credentials}127.0.0.1:{port}"
    args = ("--http-proxy", url) if how == "--http-proxy" else ()
    result = login(env, *FAST, *args, "--output", "json", extra={"HTTP_PROXY": url} if how == "HTTP_PROXY" else {})
    assert result.returncode == 1
    [record] = json.loads(result.stdout)["results"]
    shown = f"http://{'***@' if credentials else ''}127.0.0.1:{port}"
    assert record["error"].startswith(f"cannot connect to the proxy {shown}")
    assert f"cannot connect to the proxy {shown}" in result.stderr
    assert "dead-proxy-pw" not in all_output(result)
    assert not env.docker_config.exists()


def test_a_dead_proxy_in_github_mode(env: Env, tmp_path: Path) -> None:
    port = free_port()
    outputs = tmp_path / "github_output"
    outputs.touch()
    extra = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "INPUT_HTTP-PROXY": f"http://alice:dead-proxy-pw@127.0.0.1:{port}",
    }
    result = login(env, *FAST, extra=extra)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error::")]
    assert len(errors) == 1
    assert f"cannot connect to the proxy http://***@127.0.0.1:{port}" in errors[0]
    assert "dead-proxy-pw" not in all_output(result) + outputs.read_text()


def test_a_malformed_proxy_url_is_a_usage_error_and_redacted(env: Env, tinyproxy: Tinyproxy) -> None:
    result = login(env, "--http-proxy", "http://alice:bad-url-pw@127.0.0.1:notaport")
    assert result.returncode == 2
    assert "http://***@127.0.0.1:notaport" in result.stderr
    assert "bad-url-pw" not in all_output(result)
    assert not env.docker_config.exists()


# --- the one redaction, over any password (issue 10, defect 3) ----------------------------

AWKWARD = st.text(alphabet=st.sampled_from("abcXYZ019/\\@: %#?!$&'()*+,;=~-._\t"), min_size=6, max_size=24)


@settings(max_examples=300, deadline=None)
@given(password=AWKWARD.filter(lambda p: p.strip() and not p.isspace()), scheme=st.sampled_from(["http://", ""]))
def test_no_password_survives_the_redaction_whatever_it_holds(password: str, scheme: str) -> None:
    """A proxy URL as written (escaped or not), quoted as botocore, urllib3 and ecrtui quote
    it: neither the password nor the `user:password` it forms is left in the message."""
    url = f"{scheme}opsuser:{password}@proxy.example:3128"
    remember_url(url)
    for message in (
        f"cannot connect to the proxy {url}",
        f"Failed to parse: {url!r}",
        f"ProxyError('Unable to connect to proxy', {url.encode()!r})",
    ):
        shown = clean(message)
        assert f"opsuser:{password}" not in shown
        assert password.strip() not in shown or len(password.strip()) < 4
        assert not any(ord(c) < 32 for c in shown)
