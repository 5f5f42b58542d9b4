"""GitHub Actions mode, black-box: a port of every case of aws-actions/amazon-ecr-login's
own test suite, plus the cases it misses.

Each test runs the action as the runner would: `node action/main.js` for a login and
`node action/post.js` for the post-job logout (the ecrtui bundled in action/dist, not the
one installed for the tests), with GITHUB_ACTIONS=true, the
inputs as INPUT_* variables with their hyphens (and the Action's defaults filled in, as the
runner does), and temporary $GITHUB_OUTPUT / $GITHUB_STATE files that are parsed with the
runner's own rules for the file-command format (`name<<DELIM` ... `DELIM`, or `name=value`).
AWS is moto server or our scripted stand-in; proxies are real tinyproxy processes; a
failing docker credential helper is a real program on PATH.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from support import hygiene
from support.commands import REPO
from support.environment import Env
from support.github_files import parse_file_commands, step_environment
from support.standins import Tinyproxy, require_binary, set_standin_mode

from ecrtui.demo.standins.ecr_public import EcrPublicStandin

ACCOUNT = "123456789012"
OTHER = "111111111111"
THIRD = "222222222222"
HOST = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
OTHER_HOST = f"{OTHER}.dkr.ecr.us-east-1.amazonaws.com"
THIRD_HOST = f"{THIRD}.dkr.ecr.us-east-1.amazonaws.com"
SUFFIX = "123456789012_dkr_ecr_us_east_1_amazonaws_com"
PUBLIC_HOST = "public.ecr.aws"

# What the runner sets for inputs a workflow does not give (the Action's action.yml defaults).
UPSTREAM_DEFAULTS = {"mask-password": "true", "skip-logout": "false", "registry-type": "private"}
NOT_MASKED_WARNING = "::warning::Your docker password is not masked."
REGISTRY_TYPE_ERROR = "Invalid input for 'registry-type', possible options are [private, public]"


# --- the runner's side ------------------------------------------------------------------


@dataclass
class Step:
    """One finished step: its process and the outputs and state it left behind."""

    process: subprocess.CompletedProcess[str]
    output_pairs: list[tuple[str, str]]
    state_pairs: list[tuple[str, str]]

    @property
    def code(self) -> int:
        return self.process.returncode

    @property
    def stdout_lines(self) -> list[str]:
        return self.process.stdout.splitlines()

    @property
    def outputs(self) -> dict[str, str]:
        return dict(self.output_pairs)

    @property
    def state(self) -> dict[str, str]:
        return dict(self.state_pairs)

    def state_env(self) -> dict[str, str]:
        """STATE_* variables, as the runner hands the main step's state to the post step."""
        return {f"STATE_{name}": value for name, value in self.state_pairs}

    def errors(self) -> list[str]:
        return [line.removeprefix("::error::") for line in self.stdout_lines if line.startswith("::error::")]

    def __str__(self) -> str:
        return f"exit {self.code}\nstdout:\n{self.process.stdout}\nstderr:\n{self.process.stderr}"


class Runner:
    """A simulated GitHub runner around one isolated environment."""

    def __init__(self, env: Env, folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.steps = 0

    def run(
        self,
        command: str,
        inputs: Mapping[str, str] | None = None,
        *,
        extra: Mapping[str, str | None] | None = None,
        state: Mapping[str, str] | None = None,
        defaults: bool = True,
    ) -> Step:
        """Run the action's step for `ecrtui <command>` (login: main.js, logout: post.js);
        `extra` adds (or, with None, removes) variables."""
        self.steps += 1
        variables, output_file, state_file = step_environment(self.env.vars, self.folder, self.steps)
        given = {**(UPSTREAM_DEFAULTS if defaults else {}), **(inputs or {})}
        variables.update({f"INPUT_{name.upper()}": value for name, value in given.items()})
        variables.update(state or {})
        for name, value in (extra or {}).items():
            if value is None:
                variables.pop(name, None)
            else:
                variables[name] = value
        process = run_action_step(variables, command, self.folder)
        return Step(
            process,
            parse_file_commands(output_file.read_text()),
            parse_file_commands(state_file.read_text()),
        )

    def login(self, inputs: Mapping[str, str] | None = None, **kwargs: Any) -> Step:
        return self.run("login", inputs, **kwargs)

    def logout(self, state: Mapping[str, str], inputs: Mapping[str, str] | None = None, **kwargs: Any) -> Step:
        return self.run("logout", inputs, state=state, **kwargs)


ACTION_STEPS = {"login": "main.js", "logout": "post.js"}


def run_action_step(variables: dict[str, str], command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`node action/<step>.js` from the job's workspace, with the test's Python as the
    runner's; every run is scanned for leaked secrets like the CLI's."""
    workspace = folder / "workspace"
    workspace.mkdir(exist_ok=True)
    variables = {"ECRTUI_PYTHON": sys.executable, "GITHUB_WORKSPACE": str(workspace), **variables}
    completed = subprocess.run(
        [require_binary("node"), str(REPO / "action" / ACTION_STEPS[command])],
        env=variables,
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    hygiene.record("ecrtui", (command,), completed.stdout, completed.stderr, Path(variables["HOME"]))
    return completed


@pytest.fixture
def runner(env: Env, tmp_path: Path) -> Runner:
    folder = tmp_path / "runner"
    folder.mkdir()
    return Runner(env, folder)


def docker_password(env: Env, host: str) -> str:
    auth = env.docker_auths()[host]["auth"]  # type: ignore[index]
    username, _, password = base64.b64decode(auth).decode().partition(":")
    assert username == "AWS"
    return password


def install_helper(env: Env, name: str, *, store_ok: bool, erase_ok: bool) -> None:
    """A real `docker-credential-<name>` on PATH that accepts or refuses store and erase."""
    folder = env.home / "bin"
    folder.mkdir(exist_ok=True)
    program = folder / f"docker-credential-{name}"
    program.write_text(
        "#!/bin/sh\n"
        "cat >/dev/null\n"
        'case "$1" in\n'
        f"  store) {'exit 0' if store_ok else 'echo store refused by the keychain; exit 1'} ;;\n"
        f"  erase) {'exit 0' if erase_ok else 'echo erase refused by the keychain; exit 1'} ;;\n"
        "  *) echo credentials not found in native keychain; exit 1 ;;\n"
        "esac\n"
    )
    program.chmod(0o755)
    env.vars["PATH"] = f"{folder}:{env.vars['PATH']}"


def write_docker_config(env: Env, document: dict[str, Any]) -> None:
    env.docker_config.parent.mkdir(parents=True, exist_ok=True)
    env.docker_config.write_text(json.dumps(document))


def standin_calls(server: EcrPublicStandin) -> list[str]:
    with server.state.lock:
        return list(server.state.calls)


# --- login: the upstream cases ----------------------------------------------------------


def test_default_registry_login(runner: Runner, env: Env) -> None:
    step = runner.login({"registries": ""})
    assert step.code == 0, step
    assert step.output_pairs == [
        ("registry", HOST),
        (f"docker_username_{SUFFIX}", "AWS"),
        (f"docker_password_{SUFFIX}", f"{ACCOUNT}-auth-token"),
    ]
    assert step.state["registries"] == HOST
    assert docker_password(env, HOST) == f"{ACCOUNT}-auth-token"
    assert step.errors() == []


def test_each_of_several_registries(runner: Runner, env: Env) -> None:
    step = runner.login({"registries": f"{ACCOUNT},{OTHER}"})
    assert step.code == 0, step
    outputs = step.outputs
    assert "registry" not in outputs  # only set when exactly one registry was targeted
    for account, host in ((ACCOUNT, HOST), (OTHER, OTHER_HOST)):
        suffix = host.replace(".", "_").replace("-", "_")
        assert outputs[f"docker_username_{suffix}"] == "AWS"
        assert outputs[f"docker_password_{suffix}"] == f"{account}-auth-token"
        assert docker_password(env, host) == f"{account}-auth-token"
    assert step.state["registries"] == f"{HOST},{OTHER_HOST}"


def test_registry_output_for_a_single_registry(runner: Runner) -> None:
    step = runner.login({"registries": OTHER})
    assert step.code == 0, step
    assert step.outputs["registry"] == OTHER_HOST


def test_failed_login_still_sets_registry_and_saves_no_state(runner: Runner, env: Env) -> None:
    """Upstream: the token came back, `docker login` failed. Here the token comes back and
    the credential store refuses it."""
    install_helper(env, "refusing", store_ok=False, erase_ok=True)
    write_docker_config(env, {"credsStore": "refusing"})
    step = runner.login({"registries": ACCOUNT})
    assert step.code == 1, step
    assert step.output_pairs == [("registry", HOST)]
    assert step.state_pairs == []
    [error] = step.errors()
    assert error.startswith(f"Could not login to registry {HOST}: ")
    assert "store refused by the keychain" in error


def test_state_saved_for_the_successful_ones_when_another_fails(runner: Runner, env: Env) -> None:
    """Upstream stops at the first failure; ecrtui tries every registry, so the ones after
    the failing one are logged in and saved too."""
    install_helper(env, "refusing", store_ok=False, erase_ok=True)
    write_docker_config(env, {"credHelpers": {OTHER_HOST: "refusing"}})
    step = runner.login({"registries": f"{ACCOUNT},{OTHER},{THIRD}"})
    assert step.code == 1, step
    assert step.state["registries"] == f"{HOST},{THIRD_HOST}"
    [error] = step.errors()
    assert error.startswith(f"Could not login to registry {OTHER_HOST}: ")
    assert docker_password(env, HOST) == f"{ACCOUNT}-auth-token"
    assert docker_password(env, THIRD_HOST) == f"{THIRD}-auth-token"  # tried after the failure
    outputs = step.outputs
    assert f"docker_password_{THIRD_HOST.replace('.', '_').replace('-', '_')}" in outputs
    assert not any(OTHER in name for name in outputs)


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("no-data", "authorization token returned no data"),
        ("invalid", "authorization token is invalid"),
        ("empty", "authorization token does not contain any authorization data"),
    ],
)
@pytest.mark.parametrize("kind", ["private", "public"])
def test_bad_responses(
    runner: Runner, env: Env, ecr_public: EcrPublicStandin, kind: str, mode: str, message: str
) -> None:
    set_standin_mode(ecr_public, mode)
    product = "Amazon ECR Public" if kind == "public" else "Amazon ECR"
    step = runner.login({"registry-type": kind}, extra={"AWS_ENDPOINT_URL_ECR": ecr_public.url})
    assert step.code == 1, step
    [error] = step.errors()
    assert f"{product} {message}" in error
    assert standin_calls(ecr_public), "the scripted stand-in was never asked"
    assert step.state_pairs == []
    assert not any(name.startswith("docker_") for name in step.outputs)
    assert not env.docker_config.exists()


@pytest.mark.parametrize("kind", ["private", "public"])
def test_ecr_call_rejected(runner: Runner, env: Env, ecr_public: EcrPublicStandin, kind: str) -> None:
    set_standin_mode(ecr_public, "denied")
    step = runner.login({"registry-type": kind}, extra={"AWS_ENDPOINT_URL_ECR": ecr_public.url})
    assert step.code == 1, step
    [error] = step.errors()
    action = "ecr-public:GetAuthorizationToken" if kind == "public" else "ecr:GetAuthorizationToken"
    assert action in error
    assert step.state_pairs == []
    assert not env.docker_config.exists()


@pytest.mark.parametrize("registries", [ACCOUNT, f"{ACCOUNT},{OTHER}"])
def test_skip_logout_saves_no_state(runner: Runner, env: Env, registries: str) -> None:
    step = runner.login({"registries": registries, "skip-logout": "TRUE"})
    assert step.code == 0, step
    assert step.state_pairs == []
    assert docker_password(env, HOST) == f"{ACCOUNT}-auth-token"
    assert step.outputs[f"docker_password_{SUFFIX}"] == f"{ACCOUNT}-auth-token"


@pytest.mark.parametrize(
    ("registry", "suffix"),
    [
        (HOST, SUFFIX),
        (f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com", "123456789012_dkr_ecr_eu_west_1_amazonaws_com"),
        (f"{ACCOUNT}.dkr-ecr.us-west-2.on.aws", "123456789012_dkr_ecr_us_west_2_on_aws"),
        (
            f"https://{ACCOUNT}.dkr.ecr-fips.us-east-2.amazonaws.com/",
            "123456789012_dkr_ecr_fips_us_east_2_amazonaws_com",
        ),
    ],
)
def test_output_name_suffix(runner: Runner, registry: str, suffix: str) -> None:
    step = runner.login({"registries": registry})
    assert step.code == 0, step
    assert step.outputs[f"docker_username_{suffix}"] == "AWS"
    assert step.outputs[f"docker_password_{suffix}"] == f"{ACCOUNT}-auth-token"


def test_outputs_with_masking(runner: Runner) -> None:
    step = runner.login({"registries": f"{ACCOUNT},{OTHER}", "mask-password": "true"})
    assert step.code == 0, step
    lines = step.stdout_lines
    masks = [line for line in lines if line.startswith("::add-mask::")]
    assert masks == [f"::add-mask::{ACCOUNT}-auth-token", f"::add-mask::{OTHER}-auth-token"]
    # Every mask comes before any other line, so no later log line can show a password.
    assert lines[: len(masks)] == masks
    assert NOT_MASKED_WARNING not in step.process.stdout
    assert step.outputs[f"docker_password_{SUFFIX}"] == f"{ACCOUNT}-auth-token"


@pytest.mark.parametrize("value", ["false", "FALSE", "False"])
def test_outputs_without_masking(runner: Runner, value: str) -> None:
    step = runner.login({"registries": ACCOUNT, "mask-password": value})
    assert step.code == 0, step
    assert "::add-mask::" not in step.process.stdout
    assert any(line.startswith(NOT_MASKED_WARNING) for line in step.stdout_lines)
    assert step.outputs[f"docker_password_{SUFFIX}"] == f"{ACCOUNT}-auth-token"


@pytest.mark.parametrize("value", ["", "no", "0", "nope"])
def test_masking_is_on_unless_false(runner: Runner, value: str) -> None:
    step = runner.login({"registries": ACCOUNT, "mask-password": value})
    assert step.code == 0, step
    assert f"::add-mask::{ACCOUNT}-auth-token" in step.stdout_lines


def test_invalid_registry_type(runner: Runner, env: Env, ecr_public: EcrPublicStandin) -> None:
    step = runner.login({"registry-type": "qwerty"}, extra={"AWS_ENDPOINT_URL_ECR": ecr_public.url})
    assert step.code == 2, step
    assert step.stdout_lines == [f"::error::{REGISTRY_TYPE_ERROR}"]
    assert step.output_pairs == step.state_pairs == []
    assert standin_calls(ecr_public) == []  # nothing was tried
    assert not env.docker_config.exists()


@pytest.mark.parametrize("value", ["public", "PUBLIC", " Public "])
def test_public_registry(runner: Runner, env: Env, value: str) -> None:
    # `registries` is ignored for public, as upstream.
    step = runner.login({"registry-type": value, "registries": ACCOUNT}, extra={"AWS_REGION": "eu-west-1"})
    assert step.code == 0, step
    assert step.output_pairs == [
        ("registry", PUBLIC_HOST),
        ("docker_username_public_ecr_aws", "AWS"),
        ("docker_password_public_ecr_aws", "public-auth-token"),
    ]
    assert step.state["registries"] == PUBLIC_HOST
    assert docker_password(env, PUBLIC_HOST) == "public-auth-token"
    assert HOST not in env.docker_auths()


# --- proxies (upstream: input, env, input preferred, none) --------------------------------


def proxied(proxy: Tinyproxy, moto: str) -> bool:
    """Whether tinyproxy's log shows a request to moto (`POST http://127.0.0.1:PORT/`)."""
    return f"POST {moto}/" in proxy.log_text()


def test_proxy_from_input(runner: Runner, tinyproxy: Tinyproxy, moto: str) -> None:
    step = runner.login({"http-proxy": tinyproxy.url})
    assert step.code == 0, step
    assert proxied(tinyproxy, moto)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_proxy_from_environment(runner: Runner, tinyproxy: Tinyproxy, moto: str, variable: str) -> None:
    step = runner.login(extra={variable: tinyproxy.url})
    assert step.code == 0, step
    assert proxied(tinyproxy, moto)


def test_proxy_input_preferred_over_environment(
    runner: Runner, tinyproxy: Tinyproxy, second_tinyproxy: Tinyproxy, moto: str
) -> None:
    step = runner.login({"http-proxy": tinyproxy.url}, extra={"HTTP_PROXY": second_tinyproxy.url})
    assert step.code == 0, step
    assert proxied(tinyproxy, moto)
    assert not proxied(second_tinyproxy, moto)


def test_no_proxy_by_default(runner: Runner, tinyproxy: Tinyproxy, moto: str) -> None:
    step = runner.login({"http-proxy": ""})
    assert step.code == 0, step
    assert not proxied(tinyproxy, moto)
    assert "proxy" not in step.process.stderr


def test_no_proxy_variable_bypasses_the_proxy(runner: Runner, tinyproxy: Tinyproxy, moto: str) -> None:
    step = runner.login(extra={"HTTP_PROXY": tinyproxy.url, "no_proxy": "localhost,127.0.0.1"})
    assert step.code == 0, step
    assert not proxied(tinyproxy, moto)


# --- Pod Identity credentials -------------------------------------------------------------


@dataclass
class ContainerCredentials:
    """A local stand-in for the EKS Pod Identity agent / ECS credentials endpoint."""

    url: str
    requests: list[tuple[str, str | None]]


@pytest.fixture
def container_credentials() -> Iterator[ContainerCredentials]:
    requests: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            requests.append((self.path, self.headers.get("Authorization")))
            body = json.dumps(
                {
                    "AccessKeyId": "ASIAPODIDENTITY00001",
                    "SecretAccessKey": "pod-identity-secret",
                    "Token": "pod-identity-session-token",
                    "Expiration": "2099-01-01T00:00:00Z",
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ContainerCredentials(f"http://127.0.0.1:{server.server_address[1]}/v1/credentials", requests)
    finally:
        server.shutdown()
        server.server_close()


def pod_identity_env(env: Env, credentials: ContainerCredentials) -> dict[str, str | None]:
    token_file = env.home / "eks-pod-identity-token"
    token_file.write_text("pod-identity-authorization-token")
    return {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": credentials.url,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file),
    }


def test_pod_identity_credentials(runner: Runner, env: Env, container_credentials: ContainerCredentials) -> None:
    extra = pod_identity_env(env, container_credentials)
    extra.update(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
    step = runner.login(extra=extra)
    assert step.code == 0, step
    assert container_credentials.requests == [("/v1/credentials", "pod-identity-authorization-token")]
    assert step.outputs["registry"] == HOST


def test_environment_credentials_preferred_over_pod_identity(
    runner: Runner, env: Env, container_credentials: ContainerCredentials
) -> None:
    step = runner.login(extra=pod_identity_env(env, container_credentials))
    assert step.code == 0, step
    assert container_credentials.requests == []


# --- cleanup (the post step) --------------------------------------------------------------


def test_logout_of_every_state_host(runner: Runner, env: Env) -> None:
    login = runner.login({"registries": f"{ACCOUNT},{OTHER}"})
    assert login.code == 0, login
    assert set(env.docker_auths()) == {HOST, OTHER_HOST}
    step = runner.logout(login.state_env(), {"registries": f"{ACCOUNT},{OTHER}"})
    assert step.code == 0, step
    assert env.docker_auths() == {}
    assert f"Logged out of {HOST}" in step.stdout_lines
    assert f"Logged out of {OTHER_HOST}" in step.stdout_lines


def test_logout_uses_state_not_inputs(runner: Runner, env: Env) -> None:
    """The post step sees the inputs again; it must still erase only what the main step
    saved, never a registry whose login failed (another job may hold it, #623)."""
    write_docker_config(env, {"auths": {OTHER_HOST: {"auth": "c29tZW9uZTplbHNl"}}})
    step = runner.logout({"STATE_registries": HOST}, {"registries": f"{ACCOUNT},{OTHER}"})
    assert step.code == 0, step
    assert OTHER_HOST in env.docker_auths()


def test_logout_public(runner: Runner, env: Env) -> None:
    login = runner.login({"registry-type": "public"})
    assert login.code == 0, login
    step = runner.logout(login.state_env(), {"registry-type": "public"})
    assert step.code == 0, step
    assert PUBLIC_HOST not in env.docker_auths()
    assert f"Logged out of {PUBLIC_HOST}" in step.stdout_lines


@pytest.mark.parametrize("state", [{}, {"STATE_registries": ""}])
def test_logout_of_zero_registries(runner: Runner, env: Env, state: dict[str, str]) -> None:
    write_docker_config(env, {"auths": {HOST: {"auth": "QVdTOnB3"}}})
    step = runner.logout(state)
    assert step.code == 0, step
    assert step.errors() == []
    assert HOST in env.docker_auths()


def test_failed_logout_fails_the_step_naming_the_hosts(runner: Runner, env: Env) -> None:
    install_helper(env, "stubborn", store_ok=True, erase_ok=False)
    write_docker_config(env, {"credsStore": "stubborn"})
    login = runner.login({"registries": f"{ACCOUNT},{OTHER}"})
    assert login.code == 0, login
    step = runner.logout(login.state_env())
    assert step.code == 1, step
    errors = step.errors()
    assert f"Failed to logout: {HOST},{OTHER_HOST}" in errors
    for host in (HOST, OTHER_HOST):
        assert any(e.startswith(f"Could not logout of registry {host}: ") and "erase refused" in e for e in errors)


def test_logout_keeps_going_after_a_failure(runner: Runner, env: Env) -> None:
    install_helper(env, "stubborn", store_ok=True, erase_ok=False)
    write_docker_config(env, {"credHelpers": {HOST: "stubborn"}})
    login = runner.login({"registries": f"{ACCOUNT},{OTHER}"})
    assert login.code == 0, login
    step = runner.logout(login.state_env())
    assert step.code == 1, step
    assert OTHER_HOST not in env.docker_auths()  # the host after the failing one is gone
    assert f"Failed to logout: {HOST}" in step.errors()
    assert f"Logged out of {OTHER_HOST}" in step.stdout_lines


def test_logout_honours_skip_logout(runner: Runner, env: Env) -> None:
    write_docker_config(env, {"auths": {HOST: {"auth": "QVdTOnB3"}}})
    step = runner.logout({"STATE_registries": HOST}, {"skip-logout": "true"})
    assert step.code == 0, step
    assert HOST in env.docker_auths()


# --- what the upstream suite misses -------------------------------------------------------


def test_white_space_in_inputs(runner: Runner, env: Env) -> None:
    step = runner.login(
        {
            "registries": f"  {ACCOUNT} ,\t{OTHER}\n",
            "registry-type": "  Private ",
            "mask-password": " FALSE ",
            "skip-logout": " true\n",
        }
    )
    assert step.code == 0, step
    assert set(env.docker_auths()) == {HOST, OTHER_HOST}
    assert "::add-mask::" not in step.process.stdout
    assert step.state_pairs == []


def test_more_than_ten_registries(runner: Runner, env: Env, ecr_public: EcrPublicStandin) -> None:
    """GetAuthorizationToken takes at most 10 IDs: 12 need two calls, and all log in."""
    accounts = [f"{n:012d}" for n in range(100000000001, 100000000013)]
    step = runner.login({"registries": ",".join(accounts)}, extra={"AWS_ENDPOINT_URL_ECR": ecr_public.url})
    assert step.code == 0, step
    assert len(standin_calls(ecr_public)) == 2
    hosts = [f"{a}.dkr.ecr.us-east-1.amazonaws.com" for a in accounts]
    assert step.state["registries"] == ",".join(hosts)
    assert set(env.docker_auths()) == set(hosts)
    assert sum(name.startswith("docker_password_") for name in step.outputs) == 12


def test_missing_region(runner: Runner, env: Env) -> None:
    step = runner.login(extra={"AWS_REGION": None, "AWS_DEFAULT_REGION": None})
    assert step.code == 2, step
    [error] = step.errors()
    assert "Region is missing" in error
    assert step.output_pairs == step.state_pairs == []
    assert not env.docker_config.exists()


def test_region_input(runner: Runner, env: Env) -> None:
    step = runner.login({"region": "eu-west-1"}, extra={"AWS_REGION": None})
    assert step.code == 0, step
    assert step.outputs["registry"] == f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"


@pytest.mark.parametrize(
    "inputs",
    [
        {"registries": f"{ACCOUNT}\nregistry=evil.example.com"},
        {"registries": f"{ACCOUNT}\n::add-mask::x"},
        {"region": "us-east-1\nregistry=evil.example.com"},
        {"http-proxy": "http://127.0.0.1:9\nregistry=evil.example.com"},
        {"registry-type": "private\nregistry=evil.example.com"},
        {"writers": "docker\nregistries=evil.example.com"},
    ],
    ids=["registries", "registries-command", "region", "http-proxy", "registry-type", "writers"],
)
def test_a_newline_in_an_input_injects_nothing(runner: Runner, env: Env, inputs: dict[str, str]) -> None:
    step = runner.login(inputs)
    assert step.code == 2, step
    assert "evil" not in json.dumps([step.output_pairs, step.state_pairs])
    # One `::error::` line; the input's line break cannot start a workflow command of its own.
    assert len(step.stdout_lines) == 1
    assert step.stdout_lines[0].startswith("::error::")
    assert not env.docker_config.exists()


def test_a_newline_in_a_returned_password_stays_one_output(runner: Runner, ecr_public: EcrPublicStandin) -> None:
    """Even a value from AWS cannot forge an output line: heredoc values are opaque."""
    with ecr_public.state.lock:
        ecr_public.state.password = "pw\nregistry=evil.example.com\nghadelimiter_x"
    step = runner.login({"registry-type": "public", "skip-logout": "true"})
    assert step.code == 0, step
    assert step.output_pairs == [
        ("registry", PUBLIC_HOST),
        ("docker_username_public_ecr_aws", "AWS"),
        ("docker_password_public_ecr_aws", "pw\nregistry=evil.example.com\nghadelimiter_x"),
    ]
