"""Answers from AWS are data, and credentials carry no control characters out: issue 10,
defects 2, 5 and 6, through the real commands against a local server playing ECR
(support/hostile_ecr.py) and moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import hygiene
from support.commands import run_cli
from support.credential_helper import HOST, file_cache, helper, helper_log, use_file_keyring
from support.environment import Env
from support.github_files import parse_file_commands, step_environment
from support.hostile_ecr import HostileEcr, hostile_ecr

A, B, C = "111111111111", "222222222222", "333333333333"
HOSTILE_ENDPOINTS = [
    "https://\n::error::forged",
    "https://a.com,ghcr.io",
    "https://\x1b]0;evil\x07",
    "https://evil.test /v2",
    "https://evil.test\r\n::add-mask::x",
    "https://ghcr.io\u2028::error::forged",
    "",
]
HOSTILE_MESSAGES = [
    "denied\n::error::forged annotation",
    "denied \x1b]0;evil title\x07 \x1b[2J",
    "denied\r::warning::forged",
]


def ecr_host(account: str) -> str:
    return f"{account}.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture
def ecr(env: Env) -> Iterator[HostileEcr]:
    with hostile_ecr() as server:
        env.vars["AWS_ENDPOINT_URL_ECR"] = server.url
        yield server


def github_step(env: Env, tmp_path: Path, *args: str) -> tuple[object, dict[str, str], str]:
    folder = tmp_path / "runner"
    folder.mkdir(exist_ok=True)
    variables, output_file, state_file = step_environment(env.vars, folder, len(list(folder.iterdir())))
    result = run_cli(variables, "login", *args)
    return result, dict(parse_file_commands(state_file.read_text())), output_file.read_text()


def assert_nothing_forged(*texts: str) -> None:
    for text in texts:
        assert not any(c in text for c in "\x1b\x07\r\u2028"), repr(text)
        for line in text.splitlines():
            assert "forged" not in line or not line.startswith(("::error::forged", "::warning::forged")), line
            assert not line.startswith("::add-mask::x")


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS)
def test_a_hostile_proxy_endpoint_is_refused_and_never_printed_or_stored(
    env: Env, ecr: HostileEcr, tmp_path: Path, endpoint: str
) -> None:
    ecr.endpoints = {A: endpoint}
    hygiene.register_secret(f"hostile-ecr-password-{A}")
    result, state, outputs = github_step(env, tmp_path)
    assert result.returncode == 1, result  # type: ignore[attr-defined]
    stdout, stderr = result.stdout, result.stderr  # type: ignore[attr-defined]
    assert "invalid registry address" in stdout + stderr
    assert_nothing_forged(stdout, stderr, outputs)
    assert "ghcr.io" not in state.get("registries", "") and "a.com" not in state.get("registries", "")
    assert not env.docker_config.exists() or "auths" not in env.docker_config.read_text() or (env.docker_auths() == {})
    text = run_cli(env, "login", "--region", "us-east-1")
    assert text.returncode == 1 and "invalid registry address" in text.stderr + text.stdout
    assert_nothing_forged(text.stdout, text.stderr)


@pytest.mark.parametrize("message", HOSTILE_MESSAGES)
def test_a_hostile_error_message_is_printed_escaped(env: Env, ecr: HostileEcr, tmp_path: Path, message: str) -> None:
    ecr.error = (400, "ServerException", message)
    result, _, _ = github_step(env, tmp_path, "--registries", A)
    assert result.returncode == 1  # type: ignore[attr-defined]
    assert "denied" in result.stdout  # type: ignore[attr-defined]
    assert_nothing_forged(result.stdout, result.stderr)  # type: ignore[attr-defined]
    text = run_cli(env, "login", "--registries", A, "--output", "json")
    assert_nothing_forged(text.stdout, text.stderr)


def test_a_token_is_filed_only_under_the_account_it_was_issued_for(env: Env, ecr: HostileEcr) -> None:
    ecr.endpoints = {A: f"https://{ecr_host(A)}", C: f"https://{ecr_host(C)}"}
    for account in (A, C):
        hygiene.register_secret(f"hostile-ecr-password-{account}")
    result = run_cli(env, "login", "--registries", f"{A},{B}", "--region", "us-east-1")
    assert result.returncode == 1, result.stderr
    assert f"Amazon ECR returned no token for {B}" in result.stdout
    assert f"ok      {ecr_host(A)}" in result.stdout
    assert ecr_host(C) in result.stderr and "not asked for" in result.stderr
    auths = env.docker_auths()
    assert set(auths) == {ecr_host(A)}, auths
    assert ecr.requests[-1] == {"registryIds": [A, B]}


# --- credentials with control characters (defect 2) -------------------------------------

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalue0123456789"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"


@pytest.fixture
def pasted(env: Env) -> Env:
    for value in (SESSION_TOKEN, SECRET_KEY, ACCESS_KEY[4:]):
        hygiene.register_secret(value)
    env.vars.update(
        AWS_SESSION_TOKEN=SESSION_TOKEN + "\n",
        AWS_SECRET_ACCESS_KEY=SECRET_KEY + "\r\n",
        AWS_ACCESS_KEY_ID=ACCESS_KEY + " ",
    )
    return env


def assert_no_credential(*texts: str) -> None:
    for text in texts:
        for value in (SESSION_TOKEN, SECRET_KEY, ACCESS_KEY[4:]):
            assert value not in text


def test_credentials_with_a_trailing_line_break_work_with_a_warning_and_never_show(pasted: Env, tmp_path: Path) -> None:
    env = pasted
    text = run_cli(env, "login", "--registries", A, "--region", "us-east-1")
    assert text.returncode == 0, text.stdout + text.stderr
    assert "AWS_SESSION_TOKEN ends with a line break" in text.stderr
    assert "AWS_SECRET_ACCESS_KEY ends with a line break" in text.stderr
    json_run = run_cli(env, "login", "--registries", A, "--region", "us-east-1", "--output", "json")
    github, _, outputs = github_step(env, tmp_path, "--registries", A)
    doctor = run_cli(env, "doctor", "--output", "json")
    assert '"Caller identity"' in doctor.stdout or "caller" in doctor.stdout.lower()
    assert_no_credential(
        text.stdout,
        text.stderr,
        json_run.stdout,
        json_run.stderr,
        github.stdout,  # type: ignore[attr-defined]
        github.stderr,  # type: ignore[attr-defined]
        outputs,
        doctor.stdout,
        doctor.stderr,
    )


@pytest.mark.parametrize("variable", ["AWS_SESSION_TOKEN", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"])
@pytest.mark.parametrize("inside", ["\n", "\x1b", "\r", " "])
def test_a_credential_with_a_control_character_inside_is_refused_by_name(
    pasted: Env, variable: str, inside: str
) -> None:
    env = pasted
    value = {"AWS_SESSION_TOKEN": SESSION_TOKEN, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_ACCESS_KEY_ID": ACCESS_KEY}
    env.vars[variable] = value[variable][:10] + inside + value[variable][10:]
    result = run_cli(env, "login", "--registries", A, "--region", "us-east-1")
    assert result.returncode == 1
    assert f"{variable} holds a control character or a space" in result.stdout + result.stderr
    assert_no_credential(result.stdout, result.stderr)
    assert value[variable][10:] not in result.stdout + result.stderr


def test_the_helper_neither_answers_nor_logs_a_pasted_credential(pasted: Env) -> None:
    env = pasted
    use_file_keyring(env)
    env.vars["AWS_SESSION_TOKEN"] = SESSION_TOKEN[:10] + "\n" + SESSION_TOKEN[10:]
    result = helper(env, "get", HOST)
    assert result.returncode == 1
    assert_no_credential(result.stdout, result.stderr, helper_log(env))
    assert SESSION_TOKEN[10:] not in result.stdout + helper_log(env)
    assert file_cache(env).get(HOST) is None


# --- hosts stored through the helper: data on every way out ------------------------------

STORED_HOSTS = ["evil\x1b]0;owned\x07.example.com", "evil.example.com\n::error::forged", "a\u202egro.example.com"]


@pytest.mark.parametrize("host", STORED_HOSTS)
def test_a_host_stored_through_the_helper_is_printed_escaped(env: Env, host: str) -> None:
    use_file_keyring(env)
    request = '{"ServerURL": ' + json.dumps(host) + ', "Username": "u", "Secret": "stored-host-secret-value"}'
    hygiene.register_secret("stored-host-secret-value")
    stored = helper(env, "store", request)
    outputs = [stored.stdout, stored.stderr]
    for args in (("status",), ("status", "--output", "json")):
        status = run_cli(env, *args, "--region", "us-east-1")
        outputs += [status.stdout, status.stderr]
    listed = helper(env, "list")
    erased = helper(env, "erase", host)
    outputs += [listed.stdout, erased.stdout, helper_log(env)]
    assert_nothing_forged(*outputs)
    for text in outputs:
        assert "\u202e" not in text
