"""Malformed input of every kind, each through the real `ecrtui` command: registry lists,
profiles files, GitHub Action inputs, flags, AWS config files and broken credentials
files. Each must end with the documented exit code (2: nothing tried; 1: a runtime failure
such as a corrupt config.json found while writing), one line saying why, no traceback, and
every credentials file byte-for-byte as it was."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from conftest import Env, run_cli

from ecrtui.demo.standins.ecr_public import PRIVATE_TARGET, EcrPublicStandin

Setup = Callable[[Env], None]


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    reason: str  # what the one line about the failure must say
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)
    setup: Setup | None = None
    github: bool = False  # the reason is an `::error::` line on stdout


def profiles(text: str | bytes) -> Setup:
    def write(env: Env) -> None:
        path = env.home / "bad.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return write


def docker_config(text: str) -> Setup:
    def write(env: Env) -> None:
        env.docker_config.write_text(text)

    return write


def docker_config_is_a_directory(env: Env) -> None:
    env.docker_config.unlink()
    env.docker_config.mkdir()


def aws_config(text: str) -> Setup:
    def write(env: Env) -> None:
        env.aws_config.write_text(text)

    return write


def podman_auth(text: str) -> Setup:
    def write(env: Env) -> None:
        env.podman_auth.write_text(text)

    return write


LOGIN = ("login", "--region", "us-east-1")
CONFIG = ("login", "--config", "{home}/bad.yaml", "--all")
FULLWIDTH_ID = "".join(chr(0xFF10 + int(d)) for d in "123456789012")  # digits AWS refuses
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}

CASES = [
    # --registries
    pytest.param(
        Case((*LOGIN, "--registries", "12345678901"), "registries entry '12345678901' has 11 digits, not 12"),
        id="registries-11-digits",
    ),
    pytest.param(
        Case((*LOGIN, "--registries", "1234 5678 9012"), "white space inside an account ID"), id="registries-spaced-id"
    ),
    pytest.param(
        Case((*LOGIN, "--registries", "123456789012,,998877665544"), "has an empty entry (entry 2)"),
        id="registries-blank",
    ),
    pytest.param(
        Case(
            (*LOGIN, "--registries", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"),
            "includes a repository path",
        ),
        id="registries-repository-path",
    ),
    pytest.param(
        Case((*LOGIN, "--registries", "123456789012\x1b[2J"), "contains control characters"), id="registries-escape"
    ),
    pytest.param(
        Case((*LOGIN, "--registries", "registry.example.com"), "neither a 12-digit account ID nor an ECR hostname"),
        id="registries-not-ecr",
    ),
    pytest.param(
        Case(
            (*LOGIN, "--registries", "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com"),
            "looks like an ECR hostname but is not one",
        ),
        id="registries-look-alike-host",
    ),
    pytest.param(
        Case((*LOGIN, "--registries", FULLWIDTH_ID), "neither a 12-digit account ID"),
        id="registries-fullwidth",
    ),
    # profiles files
    pytest.param(
        Case(
            CONFIG,
            "bad.yaml:3: unknown key 'regoin' in a target",
            setup=profiles("targets:\n  - name: a\n    regoin: us-east-1\n"),
        ),
        id="profiles-unknown-key",
    ),
    pytest.param(
        Case(
            CONFIG,
            "bad.yaml:4: registry of target 'a' '12345678901' has 11 digits",
            setup=profiles("targets:\n  - name: a\n    registries:\n      - 12345678901\n"),
        ),
        id="profiles-11-digits",
    ),
    pytest.param(
        Case(CONFIG, "bad.yaml:3: duplicate target name 'a'", setup=profiles("targets:\n  - name: a\n  - name: a\n")),
        id="profiles-duplicate-name",
    ),
    pytest.param(
        Case(CONFIG, "bad.yaml:2: not valid YAML", setup=profiles("targets:\n\t- name: a\n")),
        id="profiles-invalid-yaml",
    ),
    pytest.param(
        Case(CONFIG, "bad.yaml:2: the file is not UTF-8 text", setup=profiles(b"targets:\n  - name: \xff\xfe\n")),
        id="profiles-not-utf8",
    ),
    pytest.param(
        Case(
            CONFIG,
            "bad.yaml:3: target 'a' role_arn 'admin' is not a role ARN",
            setup=profiles("targets:\n  - name: a\n    role_arn: admin\n"),
        ),
        id="profiles-role-arn",
    ),
    pytest.param(
        Case(
            CONFIG,
            "is public but lists the private registry 123456789012",
            setup=profiles("targets:\n  - name: a\n    type: public\n    registries: ['123456789012']\n"),
        ),
        id="profiles-public-lists-private",
    ),
    pytest.param(
        Case(("login", "--config", "{home}/missing.yaml"), "missing.yaml does not exist"), id="profiles-missing"
    ),
    pytest.param(Case(("login", "--config", "{home}/.aws"), ".aws is a directory"), id="profiles-directory"),
    pytest.param(
        Case(
            ("login", "--config", "{home}/bad.yaml", "--target", "nope"),
            "no target named 'nope'",
            setup=profiles("targets:\n  - name: a\n"),
        ),
        id="profiles-unknown-target",
    ),
    # GitHub Action inputs
    pytest.param(
        Case(
            ("login",),
            "Invalid input for 'registry-type', possible options are [private, public]",
            env={**GITHUB, "INPUT_REGISTRY-TYPE": "foo"},
            github=True,
        ),
        id="github-registry-type",
    ),
    pytest.param(
        Case(("login",), "has 11 digits, not 12", env={**GITHUB, "INPUT_REGISTRIES": "12345678901"}, github=True),
        id="github-registries-11-digits",
    ),
    pytest.param(
        Case(("login",), "is not a proxy URL", env={**GITHUB, "INPUT_HTTP-PROXY": "not a url"}, github=True),
        id="github-http-proxy",
    ),
    pytest.param(
        Case(
            ("login",),
            "input 'region' contains a line break",
            env={**GITHUB, "INPUT_REGION": "us-east-1\n::set-output"},
            github=True,
        ),
        id="github-region-line-break",
    ),
    pytest.param(
        Case(("login", "--output", "github", "--jobs", "0"), "argument --jobs: '0' must be 1 or more", github=True),
        id="github-parse-error",
    ),
    # flags
    pytest.param(
        Case((*LOGIN, "--http-proxy", "ftp://proxy:21"), "--http-proxy 'ftp://proxy:21' is not a proxy URL"),
        id="proxy-scheme",
    ),
    pytest.param(
        Case(
            (*LOGIN, "--http-proxy", "http://user:hunter2@proxy:99999"),
            "--http-proxy 'http://***@proxy:99999' has an invalid port",
        ),
        id="proxy-port-redacted",
    ),
    pytest.param(Case((*LOGIN, "--http-proxy", "http://pro xy:3128"), "is not a proxy URL"), id="proxy-space"),
    pytest.param(
        Case((*LOGIN, "--max-attempts", "0"), "argument --max-attempts: '0' must be 1 or more"), id="max-attempts-zero"
    ),
    pytest.param(
        Case((*LOGIN, "--max-attempts", "many"), "argument --max-attempts: 'many' is not a whole number"),
        id="max-attempts-word",
    ),
    pytest.param(Case((*LOGIN, "--timeout", "0"), "argument --timeout: '0' must be more than 0"), id="timeout-zero"),
    pytest.param(Case((*LOGIN, "--timeout", "nan"), "argument --timeout: 'nan' must be more than 0"), id="timeout-nan"),
    pytest.param(Case((*LOGIN, "--timeout", "soon"), "'soon' is not a number of seconds"), id="timeout-word"),
    pytest.param(Case((*LOGIN, "--jobs", "-3"), "argument --jobs: '-3' must be 1 or more"), id="jobs-negative"),
    pytest.param(Case((*LOGIN, "--writer", "docker,dokcer"), "unknown writer 'dokcer'"), id="writer-unknown"),
    pytest.param(
        Case(
            (*LOGIN, "--registry-type", "secret"),
            "Invalid input for 'registry-type', possible options are [private, public]",
        ),
        id="registry-type",
    ),
    pytest.param(Case(("login", "--region", "moon"), "'moon' is not an AWS region name"), id="region-malformed"),
    pytest.param(
        Case(("login",), "is not an AWS region name", env={"AWS_REGION": "eu_west_1"}), id="region-env-malformed"
    ),
    pytest.param(Case(("login",), "Region is missing"), id="region-missing"),
    pytest.param(Case((*LOGIN, "--profile", "nope"), "AWS profile 'nope' does not exist"), id="profile-unknown"),
    pytest.param(Case((*LOGIN, "--bogus"), "unrecognized arguments: --bogus"), id="unknown-flag"),
    pytest.param(
        Case(
            LOGIN,
            "config:3: the AWS config file cannot be parsed",
            setup=aws_config("[default]\nregion = us-east-1\nnot ini\n"),
        ),
        id="aws-config-malformed",
    ),
    # credentials files found broken while writing: the login ran, the file is left alone
    pytest.param(
        Case(
            LOGIN,
            "config.json is not valid JSON (line 1); it was left untouched",
            code=1,
            setup=docker_config("{not json"),
        ),
        id="docker-not-json",
    ),
    pytest.param(
        Case(LOGIN, "config.json holds a JSON list, not an object", code=1, setup=docker_config("[1, 2]")),
        id="docker-json-array",
    ),
    pytest.param(
        Case(LOGIN, "'auths' is a list, not an object", code=1, setup=docker_config('{"auths": []}')),
        id="docker-auths-list",
    ),
    pytest.param(
        Case(LOGIN, "'credHelpers' is a str, not an object", code=1, setup=docker_config('{"credHelpers": "x"}')),
        id="docker-credhelpers-str",
    ),
    pytest.param(
        Case(LOGIN, "config.json is a directory, not a credentials file", code=1, setup=docker_config_is_a_directory),
        id="docker-config-directory",
    ),
    pytest.param(
        Case(LOGIN, "/file/docker: Not a directory", code=1, env={"DOCKER_CONFIG": "{home}/file/docker"}),
        id="docker-folder-under-file",
    ),
    pytest.param(
        Case(
            LOGIN, "docker-credential-nothere is not on PATH", code=1, setup=docker_config('{"credsStore": "nothere"}')
        ),
        id="docker-helper-missing",
    ),
    pytest.param(
        Case(
            (*LOGIN, "--writer", "podman"), "auth.json is not valid JSON", code=1, setup=podman_auth("\x00\x01garbage")
        ),
        id="podman-not-json",
    ),
]


def prepare(env: Env, case: Case) -> dict[str, str]:
    """Existing credentials files worth protecting, plus the case's own mistake."""
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(
        json.dumps({"auths": {"ghcr.io": {"auth": "bWU6cHc="}}, "credHelpers": {"gcr.io": "gcloud"}})
    )
    env.podman_auth.parent.mkdir(parents=True)
    env.podman_auth.write_text('{"auths": {"quay.io": {"auth": "bWU6cHc="}}}')
    env.helm_config.parent.mkdir(parents=True)
    env.helm_config.write_text('{"auths": {}}')
    env.aws_config.write_text("[profile dev]\nregion = eu-west-1\n")
    (env.home / ".aws" / "credentials").write_text(
        "[dev]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    (env.home / "file").write_text("a regular file\n")
    for name in ("github-output", "github-state"):
        (env.home / name).write_text("")
    variables = {
        "GITHUB_OUTPUT": str(env.home / "github-output"),
        "GITHUB_STATE": str(env.home / "github-state"),
        **{key: value.format(home=env.home) for key, value in case.env.items()},
    }
    if case.setup is not None:
        case.setup(env)
    return variables


def snapshot(env: Env) -> dict[str, bytes | str | None]:
    """Every credentials and configuration file, as bytes (or what stands in its place)."""
    state: dict[str, bytes | str | None] = {}
    for path in sorted(env.home.rglob("*")):
        if path.name.startswith(".") and path.name.endswith(".lock"):
            continue  # the writers' lock files hold no data
        state[str(path)] = "<dir>" if path.is_dir() else path.read_bytes()
    return state


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_cleanly(env: Env, ecr_public: EcrPublicStandin, case: Case) -> None:
    # private ECR calls go to the stand-in, which counts them: exit 2 must mean none was made
    env.vars["AWS_ENDPOINT_URL_ECR"] = ecr_public.url
    env.vars.update(prepare(env, case))
    before = snapshot(env)

    result = run_cli(env, *(arg.format(home=env.home) for arg in case.args))

    assert result.returncode == case.code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    stream = result.stdout if case.github else result.stderr
    lines = [line for line in stream.splitlines() if case.reason in line]
    assert lines, f"{case.reason!r} not on one line of {stream!r}"
    if case.github:
        assert lines[0].startswith("::error::")
    elif case.code == 2:
        assert result.stdout == ""  # stdout carries results only
        assert lines[0].startswith("ecrtui: error: ")
    assert "hunter2" not in result.stdout + result.stderr
    assert snapshot(env) == before
    private_calls = [call for call in ecr_public.state.calls if call == PRIVATE_TARGET]
    assert len(private_calls) == (1 if case.code == 1 else 0)


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
