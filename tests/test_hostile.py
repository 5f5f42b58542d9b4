"""Hostile and broken input, through the real `ecrtui` command, beyond the refusal table
(tests/test_refusals.py, its cases in tests/support/refusal_*.py) and tests/test_config.py:
special files where a config should be (FIFOs that would hang a reader, devices, symlink
loops), terminal escapes and line breaks smuggled into names, YAML tags that would run
code in a careless loader, numbers JSON cannot hold, read-only and world-writable
folders, GitHub inputs and state crafted to forge output lines, and credential-helper
names that would run another program.

Every case must end with its exit code (2: nothing tried; 1: the login ran and the file
it meant to write was refused), one line saying why, no traceback, no AWS call for 2, and
every file under the test's home exactly as it was: bytes, mode and symlink target.

The property tests at the end (hypothesis) cover what a table cannot: hostname and list
parsing, the profiles loader and docker-config round trips over generated input.
"""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.commands import run_cli
from support.environment import Env

from ecrtui.core.addresses import PUBLIC_HOSTS, parse_ecr_host, parse_registry, parse_registry_list, private_host
from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.locations import docker_config_path
from ecrtui.core.models import Token
from ecrtui.core.profiles_file import load_profiles_file
from ecrtui.core.writers import AuthFileWriter
from ecrtui.demo.standins.ecr_public import PRIVATE_TARGET, EcrPublicStandin

Setup = Callable[[Env], None]


@dataclass(frozen=True)
class Hostile:
    args: tuple[str, ...]
    reason: str  # what the one line about the failure must say
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)
    setup: Setup | None = None
    github: bool = False  # the reason is an `::error::` line on stdout
    absent: str = ""  # a string the output must not contain (a secret, a forged line)


# --- setups ------------------------------------------------------------------------------


def profiles(text: str | bytes) -> Setup:
    def write(env: Env) -> None:
        path = env.home / "hostile.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return write


def target(body: str) -> Setup:
    """One target of a profiles file: `body` is its YAML lines after `- name: t`."""
    return profiles("version: 1\ntargets:\n  - name: t\n" + body)


def fifo(where: Callable[[Env], Path]) -> Setup:
    def make(env: Env) -> None:
        path = where(env)
        if path.exists():
            path.unlink()
        os.mkfifo(path)

    return make


def symlink(where: Callable[[Env], Path], to: str) -> Setup:
    def make(env: Env) -> None:
        path = where(env)
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(to.format(home=env.home, name=path.name))

    return make


def docker_json(text: str | bytes) -> Setup:
    def write(env: Env) -> None:
        env.docker_config.write_bytes(text if isinstance(text, bytes) else text.encode())

    return write


def chmod(where: Callable[[Env], Path], mode: int) -> Setup:
    def change(env: Env) -> None:
        where(env).chmod(mode)

    return change


def binary_credentials(env: Env) -> None:
    (env.home / "bin-credentials").write_bytes(b"\xff\xfe\x00garbage" * 100)


def python_object_target(env: Env) -> None:
    """What an unsafe YAML loader would run: `touch <home>/pwned`."""
    profiles(f'targets:\n  - !!python/object/apply:os.system ["touch {env.home}/pwned"]\n')(env)


def podman_auth_is_a_directory(env: Env) -> None:
    env.podman_auth.unlink()
    env.podman_auth.mkdir()


def link_in_shared_folder(env: Env) -> None:
    """config.json in a world-writable folder, linking to a private file elsewhere: who
    planted the link cannot be known, so the private target is not written either."""
    private = env.home / "private" / "config.json"
    private.parent.mkdir(mode=0o700)
    private.write_text("{}")
    env.docker_config.unlink()
    env.docker_config.symlink_to(private)
    env.docker_config.parent.chmod(0o777)


def foreign_folder(env: Env) -> None:
    """The docker folder belongs to another user (this needs root to arrange: else skipped)."""
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    os.chown(env.docker_config.parent, 54321, -1)


def docker_config(env: Env) -> Path:
    return env.docker_config


def docker_folder(env: Env) -> Path:
    return env.docker_config.parent


def profiles_path(env: Env) -> Path:
    return env.home / "hostile.yaml"


LOGIN = ("login", "--region", "us-east-1", "--registries", "123456789012")
CONFIG = ("login", "--config", "{home}/hostile.yaml", "--all")
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
FORGED = "registry=evil.example.com"


def p(case: Hostile, name: str) -> Any:
    return pytest.param(case, id=name)


PROFILES = [
    p(Hostile(CONFIG, "hostile.yaml is not a regular file", setup=fifo(profiles_path)), "profiles-fifo"),
    p(Hostile(("login", "--config", "/dev/zero", "--all"), "/dev/zero is not a regular file"), "profiles-device"),
    p(
        Hostile(CONFIG, "hostile.yaml does not exist", setup=symlink(profiles_path, "{home}/nowhere.yaml")),
        "profiles-dangling-symlink",
    ),
    p(
        Hostile(CONFIG, "the file is not UTF-8 text", setup=profiles("targets: []\n".encode("utf-16"))),
        "profiles-utf16",
    ),
    p(
        Hostile(CONFIG, "control characters", setup=profiles('targets:\n  - name: "dev\\e[2J\\e[31mok"\n')),
        "name-terminal-escape",
    ),
    p(
        Hostile(CONFIG, "control characters", setup=profiles(f'targets:\n  - name: "dev\\n{FORGED}"\n')),
        "name-line-break",
    ),
    p(Hostile(CONFIG, "control characters", setup=target('    profile: "dev\\tsso"\n')), "profile-tab"),
    p(
        Hostile(CONFIG, "control characters", setup=target('    repositories: ["team/app\\x1b]0;pwned\\x07"]\n')),
        "repository-osc",
    ),
    p(
        Hostile(
            CONFIG,
            "control characters",
            setup=target('    role_arn: "arn:aws:iam::123456789012:role/x\\nregistry=evil"\n'),
        ),
        "role-arn-line-break",
    ),
    p(Hostile(CONFIG, "control characters", setup=profiles('keymap:\n  login: "ctrl+l\\u0000"\n')), "keymap-nul"),
    p(
        Hostile(CONFIG, "is not an AWS region name", setup=target("    region: us-east-\u0661\n")),
        "region-arabic-digit",
    ),
    p(
        Hostile(CONFIG, "neither a 12-digit account ID", setup=target("    registries: [1.23456789012e11]\n")),
        "id-float",
    ),
    p(Hostile(CONFIG, "neither a 12-digit account ID", setup=target("    registries: [true]\n")), "id-bool"),
    p(Hostile(CONFIG, "a target must be a mapping", setup=python_object_target), "python-tag-object"),
    p(
        Hostile(CONFIG, "target name is empty", setup=profiles("targets:\n  - name: !!python/name:os.system ''\n")),
        "python-tag-name",
    ),
    p(Hostile(CONFIG, "must be a text value", setup=profiles("version: [1]\n")), "version-list"),
    p(
        Hostile(CONFIG, "targets must be a list", setup=profiles("targets: {t: {region: us-east-1}}\n")),
        "targets-mapping",
    ),
    p(Hostile(CONFIG, "targets must be a list", setup=profiles("targets: dev\n")), "targets-scalar"),
    p(
        Hostile(CONFIG, "registries must be a list", setup=target("    registries: '123456789012'\n")),
        "registries-scalar",
    ),
    p(Hostile(CONFIG, "must be a mapping", setup=target("    registries: [[123456789012]]\n")), "registry-nested-list"),
    p(
        Hostile(CONFIG, "unknown writer 'kubernetes'", setup=target("    writers: [docker, kubernetes]\n")),
        "writer-unknown",
    ),
    p(Hostile(CONFIG, "between 1 and 20", setup=profiles("defaults:\n  max_attempts: 0\n")), "max-attempts-0"),
    p(
        Hostile(CONFIG, "between 1 and 20", setup=profiles("defaults:\n  max_attempts: 1000000000\n")),
        "max-attempts-huge",
    ),
    p(
        Hostile(CONFIG, "must be a whole number", setup=profiles("defaults:\n  max_attempts: 2.5\n")),
        "max-attempts-float",
    ),
    p(
        Hostile(CONFIG, "must be a whole number", setup=profiles("defaults:\n  max_attempts: three\n")),
        "max-attempts-word",
    ),
    p(Hostile(CONFIG, "must be a number", setup=profiles("defaults:\n  timeout: .inf\n")), "timeout-yaml-inf"),
    p(Hostile(CONFIG, "between 0.1 and 600", setup=profiles("defaults:\n  timeout: nan\n")), "timeout-nan"),
    p(Hostile(CONFIG, "between 0.1 and 600", setup=profiles("defaults:\n  timeout: -1\n")), "timeout-negative"),
    p(Hostile(CONFIG, "between 1 and 256", setup=profiles("defaults:\n  jobs: 100000\n")), "jobs-huge"),
    p(Hostile(CONFIG, "between 0 and 720", setup=profiles("defaults:\n  refresh_margin: 100000\n")), "margin-huge"),
    p(Hostile(CONFIG, "defaults must be a mapping", setup=profiles("defaults: [us-east-1]\n")), "defaults-list"),
    p(Hostile(CONFIG, "did you mean 'targets'", setup=profiles("target:\n  - name: t\n")), "top-key-typo"),
    p(Hostile(CONFIG, "a key that is not a plain name", setup=profiles("? [a, b]\n: c\n")), "complex-key"),
    p(Hostile(CONFIG, "not valid YAML", setup=profiles("targets: []\n---\ntargets: []\n")), "two-documents"),
    p(Hostile(CONFIG, "target name must be a text value", setup=profiles("targets:\n  - name: ~\n")), "name-null"),
    p(
        Hostile(CONFIG, "duplicate target name 't'", setup=profiles("targets:\n  - &t {name: t}\n  - *t\n")),
        "alias-duplicate-target",
    ),
    p(Hostile(CONFIG, "unknown cache 'redis'", setup=profiles("defaults:\n  cache: redis\n")), "cache-unknown"),
    p(
        Hostile(
            CONFIG,
            "control characters",
            setup=target("    registries:\n      - {id: '123456789012', host: \"reg\\x07.example.com\"}\n"),
        ),
        "host-bell",
    ),
    p(
        Hostile(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: ecr.exämple.com}\n"),
        ),
        "host-idn",
    ),
    p(
        Hostile(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: 'localhost:99999'}\n"),
        ),
        "host-port-range",
    ),
    p(
        Hostile(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: 'reg.example.com/v2'}\n"),
        ),
        "host-path",
    ),
]

FLAGS = [
    p(
        Hostile(("login", "--region", "us-east-1", "--registries", "123456789012\u200b"), "neither a 12-digit"),
        "zero-width-space",
    ),
    p(
        Hostile(("login", "--region", "us-east-1", "--registries", "\u202e210987654321"), "neither a 12-digit"),
        "rtl-override",
    ),
    p(
        Hostile(("login", "--region", "us-east-1", "--registries", "\ufeff123456789012"), "neither a 12-digit"),
        "byte-order-mark",
    ),
    p(
        Hostile(("login", "--region", "us-east-1", "--registries", "123456789012\x7f"), "control characters"),
        "delete-char",
    ),
    p(Hostile(("login", "--registries", f"{HOST}."), "looks like an ECR hostname but is not one"), "host-trailing-dot"),
    p(Hostile(("login", "--registries", f"{HOST}:443"), "looks like an ECR hostname but is not one"), "host-with-port"),
    p(
        Hostile(
            ("login", "--registries", HOST.replace(".com", ".c\u03bfm")), "looks like an ECR hostname but is not one"
        ),
        "host-homograph",
    ),
    p(
        Hostile(
            ("login", "--registries", f"https://ops:s3cr3t-in-url@{HOST}"),
            "https://***@",
            absent="s3cr3t-in-url",
        ),
        "host-with-credentials",
    ),
    p(
        Hostile(
            (
                "login",
                "--region",
                "us-east-1",
                "--registries",
                ",".join([*(f"{100000000000 + i}" for i in range(99)), "12345"]),
            ),
            "registries entry '12345' has 5 digits",
        ),
        "hundredth-entry-bad",
    ),
    p(
        Hostile(("login", "--region", "us-east-1\n", "--registries", "123456789012"), "is not an AWS region name"),
        "region-line-break",
    ),
    p(Hostile((*LOGIN, "--profile", f"dev\n{FORGED}"), "does not exist", absent=f"\n{FORGED}"), "profile-line-break"),
    p(Hostile((*LOGIN, "--writer", "docker\x1b[2J"), "unknown writer 'docker\\x1b[2J'"), "writer-escape"),
    p(Hostile((*LOGIN, "--max-attempts", "1000000"), "at most 20"), "flag-max-attempts-huge"),
    p(Hostile((*LOGIN, "--timeout", "inf"), "must be more than 0 and at most 3600"), "timeout-inf"),
    p(Hostile((*LOGIN, "--timeout", "-5"), "must be more than 0 and at most 3600"), "flag-timeout-negative"),
    p(
        Hostile(
            (*LOGIN, "--http-proxy", "http://ops:pw-in-flag@127.0.0.1:3128/\x1b[2J"),
            "is not a proxy URL",
            absent="pw-in-flag",
        ),
        "proxy-escape",
    ),
]

GITHUB_INPUTS = [
    p(
        Hostile(
            ("login",), "neither a 12-digit", env={**GITHUB, "INPUT_REGISTRIES": f"123456789012\n{FORGED}"}, github=True
        ),
        "input-registries-forged-line",
    ),
    p(
        Hostile(
            ("login",), "neither a 12-digit", env={**GITHUB, "INPUT_REGISTRIES": f"123456789012\r{FORGED}"}, github=True
        ),
        "input-registries-carriage-return",
    ),
    p(
        Hostile(
            ("login",),
            "input 'profile' contains a line break",
            env={**GITHUB, "INPUT_PROFILE": f"dev\n{FORGED}"},
            github=True,
        ),
        "input-profile-forged-line",
    ),
    p(
        Hostile(
            ("login",),
            "input 'writers' contains a line break",
            env={**GITHUB, "INPUT_WRITERS": f"docker\n{FORGED}"},
            github=True,
        ),
        "input-writers-forged-line",
    ),
    p(
        Hostile(
            ("login",),
            "input 'http-proxy' contains a line break",
            env={**GITHUB, "INPUT_HTTP-PROXY": f"http://ops:pw-in-input@127.0.0.1:3128\n{FORGED}"},
            github=True,
            absent="pw-in-input",
        ),
        "input-proxy-forged-line",
    ),
    p(
        Hostile(
            ("login",),
            "Invalid input for 'registry-type'",
            env={**GITHUB, "INPUT_REGISTRY-TYPE": f"private\n{FORGED}"},
            github=True,
        ),
        "input-type-forged-line",
    ),
    p(
        Hostile(
            ("logout",),
            "control characters",
            env={**GITHUB, "STATE_registries": f"{HOST}\n::add-mask::x\n::error::forged"},
            github=True,
        ),
        "state-forged-lines",
    ),
]

ENVIRONMENT = [
    p(
        Hostile(
            LOGIN,
            "is not a regular file",
            env={"AWS_CONFIG_FILE": "{home}/aws-fifo"},
            setup=fifo(lambda env: env.home / "aws-fifo"),
        ),
        "aws-config-fifo",
    ),
    p(Hostile(LOGIN, "is a directory", env={"AWS_CONFIG_FILE": "{home}/.aws"}), "aws-config-directory"),
    p(
        Hostile(
            LOGIN,
            "cannot be parsed",
            env={"AWS_SHARED_CREDENTIALS_FILE": "{home}/bin-credentials"},
            setup=binary_credentials,
        ),
        "aws-credentials-binary",
    ),
    p(
        Hostile(
            ("login", "--all"),
            "hostile.yaml is not a regular file",
            env={"ECRTUI_CONFIG": "{home}/hostile.yaml"},
            setup=fifo(profiles_path),
        ),
        "ecrtui-config-fifo",
    ),
]

WRITERS = [
    p(Hostile(LOGIN, "config.json is not a regular file", code=1, setup=fifo(docker_config)), "docker-fifo"),
    p(
        Hostile(LOGIN, "is not a regular file", code=1, setup=symlink(docker_config, "/dev/null")),
        "docker-devnull-link",
    ),
    p(
        Hostile(
            LOGIN,
            "which does not exist; it was left untouched",
            code=1,
            setup=symlink(docker_config, "{home}/gone.json"),
        ),
        "docker-dangling-link",
    ),
    p(Hostile(LOGIN, "leads back to itself", code=1, setup=symlink(docker_config, "{name}")), "docker-link-loop"),
    p(
        Hostile(LOGIN, "config.json is read-only; it was left untouched", code=1, setup=chmod(docker_config, 0o400)),
        "docker-read-only-file",
    ),
    p(
        Hostile(LOGIN, "is read-only; config.json was left untouched", code=1, setup=chmod(docker_folder, 0o500)),
        "docker-read-only-folder",
    ),
    p(
        Hostile(LOGIN, "is writable by every user", code=1, setup=chmod(docker_folder, 0o777)),
        "docker-world-writable-folder",
    ),
    p(Hostile(LOGIN, "is writable by every user", code=1, setup=link_in_shared_folder), "docker-link-in-shared-folder"),
    p(
        Hostile(LOGIN, "is writable by its group", code=1, setup=chmod(docker_folder, 0o770)),
        "docker-group-writable-folder",
    ),
    p(
        Hostile(LOGIN, "belongs to another user", code=1, setup=foreign_folder),
        "docker-folder-of-another-user",
    ),
    p(
        Hostile(
            ("login",),
            "config.json is read-only; it was left untouched",
            code=1,
            env={**GITHUB, "INPUT_REGISTRIES": "123456789012"},
            setup=chmod(docker_config, 0o400),
            github=True,
        ),
        "github-read-only-config-takes-no-lease",
    ),
    p(
        Hostile(LOGIN, "is not valid JSON", code=1, setup=docker_json('{"a": ' * 100_000 + "1" + "}" * 100_000)),
        "docker-deep-nesting",
    ),
    p(Hostile(LOGIN, "is not valid JSON", code=1, setup=docker_json('{"auths": {}, "x": NaN}')), "docker-nan"),
    p(
        Hostile(LOGIN, "a number JSON cannot represent", code=1, setup=docker_json('{"auths": {}, "x": 1e999}')),
        "docker-huge-number",
    ),
    p(Hostile(LOGIN, "is not valid JSON", code=1, setup=docker_json(b'\xef\xbb\xbf{"auths": {}}')), "docker-utf8-bom"),
    p(Hostile(LOGIN, "is not valid JSON", code=1, setup=docker_json('{"auths": {}}'.encode("utf-16"))), "docker-utf16"),
    p(Hostile(LOGIN, "holds a JSON null, not an object", code=1, setup=docker_json("null")), "docker-null"),
    p(Hostile(LOGIN, "holds a JSON string, not an object", code=1, setup=docker_json('"auths"')), "docker-string"),
    p(Hostile(LOGIN, "holds a JSON number, not an object", code=1, setup=docker_json("42")), "docker-number"),
    p(
        Hostile(LOGIN, "'credsStore' is a number, not a helper name", code=1, setup=docker_json('{"credsStore": 123}')),
        "docker-credsstore-number",
    ),
    p(
        Hostile(
            LOGIN,
            f"credHelpers[{HOST!r}] is a list, not a helper name",
            code=1,
            setup=docker_json(json.dumps({"credHelpers": {HOST: ["x"]}})),
        ),
        "docker-credhelper-list",
    ),
    p(
        Hostile(
            LOGIN,
            "credential helper name '../../../bin/sh' is not valid",
            code=1,
            setup=docker_json(json.dumps({"credHelpers": {HOST: "../../../bin/sh"}})),
        ),
        "docker-credhelper-path",
    ),
    p(
        Hostile(
            LOGIN,
            "credential helper name 'x; touch pwned' is not valid",
            code=1,
            setup=docker_json('{"credsStore": "x; touch pwned"}'),
        ),
        "docker-credsstore-shell",
    ),
    p(
        Hostile((*LOGIN, "--writer", "podman"), "auth.json is a directory", code=1, setup=podman_auth_is_a_directory),
        "podman-directory",
    ),
    p(
        Hostile(
            (*LOGIN, "--writer", "helm"),
            "leads back to itself",
            code=1,
            setup=symlink(lambda env: env.helm_config, "{name}"),
        ),
        "helm-link-loop",
    ),
]

CASES = PROFILES + FLAGS + GITHUB_INPUTS + ENVIRONMENT + WRITERS


def prepare(env: Env, case: Hostile) -> dict[str, str]:
    """Credentials files worth protecting, GitHub files, then the case's own trap."""
    for path, content in (
        (env.docker_config, {"auths": {"ghcr.io": {"auth": "bWU6cHc="}}, "credHelpers": {"gcr.io": "gcloud"}}),
        (env.podman_auth, {"auths": {"quay.io": {"auth": "bWU6cHc="}}}),
        (env.helm_config, {"auths": {}}),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
        path.chmod(0o600)
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


def snapshot(root: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every path under `root` as (mode, content): bytes for files, the target for
    symlinks, a marker for folders and special files (never read: a FIFO would block)."""
    state: dict[str, tuple[int, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        if path.name.endswith(".lock"):
            continue  # the writers' lock files hold no data
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            content: bytes | str = f"-> {os.readlink(path)}"
        elif stat.S_ISREG(info.st_mode):
            content = path.read_bytes()
        else:
            content = "<dir>" if stat.S_ISDIR(info.st_mode) else "<special>"
        state[str(path)] = (stat.S_IMODE(info.st_mode), content)
    return state


@pytest.fixture
def writable_again(env: Env) -> Iterator[None]:
    """Give back the write permission cases take away, so that pytest can clean up."""
    yield
    for path in (env.docker_config.parent, env.docker_config):
        if path.exists() and not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_is_refused_cleanly(
    env: Env, ecr_public: EcrPublicStandin, writable_again: None, case: Hostile
) -> None:
    env.vars["AWS_ENDPOINT_URL_ECR"] = ecr_public.url  # counts calls: exit 2 must mean none
    env.vars.update(prepare(env, case))
    before = snapshot(env.home)

    result = run_cli(env, *(arg.format(home=env.home) for arg in case.args), timeout=30)

    output = result.stdout + result.stderr
    assert result.returncode == case.code, output
    assert "Traceback" not in output
    stream = result.stdout if case.github else result.stderr
    lines = [line for line in stream.splitlines() if case.reason in line]
    assert lines, f"{case.reason!r} not on one line of {stream!r}"
    if case.github:  # exactly one workflow command: the error, nothing forged around it
        assert [line for line in output.splitlines() if line.startswith("::")] == [lines[0]]
        assert lines[0].startswith("::error::")
        assert not any(line.startswith(FORGED) for line in output.splitlines())
    elif case.code == 2:
        assert result.stdout == ""
    if case.absent:
        assert case.absent not in output
    for line in output.splitlines():  # nothing printed can move the cursor or retitle a terminal
        assert "\x1b" not in line and "\x07" not in line, line
    after = snapshot(env.home)
    if case.github and case.code == 1:  # upstream sets `registry` even when that login failed
        output_file = str(env.home / "github-output")
        assert after.pop(output_file)[1][:10] == b"registry<<"
        before.pop(output_file)
    assert after == before, "a refused run changed a file"
    assert not (env.home / "pwned").exists()
    calls = [call for call in ecr_public.state.calls if call == PRIVATE_TARGET]
    assert len(calls) == (1 if case.code == 1 else 0)


def test_there_are_at_least_60_hostile_cases() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


# --- symlinks that are fine: followed, never replaced ----------------------------------


def test_a_symlinked_config_is_updated_where_it_points(env: Env) -> None:
    """Dotfile managers link ~/.docker/config.json into a repository: the link stays a
    link, the file it points to is replaced atomically (0600), its other keys kept."""
    real = env.home / "dotfiles" / "docker-config.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"auths": {"ghcr.io": {"auth": "bWU6cHc="}}, "psFormat": "x"}))
    env.docker_config.parent.mkdir()
    env.docker_config.symlink_to(real)
    result = run_cli(env, *LOGIN)
    assert result.returncode == 0, result.stderr
    assert env.docker_config.is_symlink() and env.docker_config.resolve() == real
    data = json.loads(real.read_text())
    assert set(data["auths"]) == {"ghcr.io", HOST} and data["psFormat"] == "x"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert not list(real.parent.glob("*.tmp"))
    assert (real.parent / ".docker-config.json.lock").exists()


def test_two_links_to_one_file_share_its_lock(env: Env) -> None:
    """docker and podman pointed at one file through different links: both entries land,
    because the lock is taken beside the file the links lead to."""
    shared = env.home / "shared" / "auth.json"
    shared.parent.mkdir()
    shared.write_text("{}")
    for link in (env.docker_config, env.podman_auth):
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(shared)
    result = run_cli(env, *LOGIN, "--writer", "docker,podman")
    assert result.returncode == 0, result.stderr
    assert set(json.loads(shared.read_text())["auths"]) == {HOST}
    assert list(shared.parent.glob("*.lock")) == [shared.parent / ".auth.json.lock"]


# --- GitHub output injection through what AWS answers -------------------------------------


def test_a_password_with_line_breaks_cannot_forge_outputs(env: Env, ecr_public: EcrPublicStandin) -> None:
    """A hostile endpoint hands out a password with line breaks and a fake delimiter: the
    outputs file still parses to exactly the expected names, the mask command is one line."""
    output_file, state_file = env.home / "output", env.home / "state"
    output_file.touch()
    state_file.touch()
    password = f"pw\n{FORGED}\nghadelimiter_00000000-0000-0000-0000-000000000000\n::error::forged"
    with ecr_public.state.lock:
        ecr_public.state.password = password
    variables = {**env.vars, **GITHUB, "GITHUB_OUTPUT": str(output_file), "GITHUB_STATE": str(state_file)}
    variables["INPUT_REGISTRY-TYPE"] = "public"
    result = run_cli(variables, "login")
    assert result.returncode == 0, result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("::error::")] == []
    [mask] = [line for line in result.stdout.splitlines() if line.startswith("::add-mask::")]
    assert (
        mask
        == "::add-mask::pw%0Aregistry=evil.example.com%0Aghadelimiter_00000000-0000-0000-0000-000000000000%0A::error::forged"
    )
    from support.github_files import parse_file_commands

    outputs = dict(parse_file_commands(output_file.read_text()))
    assert set(outputs) == {"registry", "docker_username_public_ecr_aws", "docker_password_public_ecr_aws"}
    assert outputs["docker_password_public_ecr_aws"] == password
    assert [name for name, _ in parse_file_commands(state_file.read_text())] == ["registries", "writers", "lease"]


# --- properties -----------------------------------------------------------------------------

accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
regions = st.from_regex(r"(us|eu|ap|cn|us-gov|us-iso|eusc)-[a-z]{4,9}-[1-9]", fullmatch=True)
hosts = st.builds(private_host, accounts, regions, fips=st.booleans(), dualstack=st.booleans())
# What people and attackers put around or inside a hostname.
noise = st.sampled_from(
    [
        "\x00",
        "\x1b",
        "\n",
        "\r",
        "\t",
        " ",
        "\u200b",
        "\u202e",
        "\ufeff",
        "/",
        "@",
        ":",
        "#",
        "?",
        "%",
        "\\",
        "é",
        "\u0661",
    ]
)


@settings(max_examples=300, deadline=None)
@given(host=hosts, extra=noise, data=st.data())
def test_a_hostname_with_anything_inserted_is_refused_or_still_canonical(
    host: str, extra: str, data: st.DataObject
) -> None:
    """Insert a character anywhere in a valid registry hostname: parsing either refuses
    with a UsageError or yields a host made only of DNS characters that parses back to
    the same account and region (no control, Unicode or URL syntax smuggled through)."""
    position = data.draw(st.integers(0, len(host)))
    text = host[:position] + extra + host[position:]
    try:
        spec = parse_registry(text)
    except UsageError as error:
        assert error.message and "\n" not in error.message.replace("\\n", "")
        return
    assert spec.host is not None
    assert spec.host.isascii() and all(c.isalnum() or c in ".-" for c in spec.host), spec.host
    parsed = parse_ecr_host(spec.host)
    assert parsed is not None and (parsed.account_id, parsed.region) == (spec.account_id, spec.region)


@settings(deadline=None)
@given(host=hosts, flips=st.lists(st.booleans(), min_size=80, max_size=80), tail=st.text(min_size=1, max_size=30))
def test_letter_case_never_matters_and_nothing_may_follow_a_host(host: str, flips: list[bool], tail: str) -> None:
    """Docker compares hosts case-insensitively, so must we; and a valid host followed by
    anything (`.evil.example.com`, a newline, a port) is not that registry."""
    mixed = "".join(c.upper() if flip else c for c, flip in zip(host, flips, strict=False))
    assert parse_ecr_host(mixed) == parse_ecr_host(host)
    assume(not (host + tail).lower().endswith(".amazonaws.com.cn"))  # `.cn` makes another valid suffix
    assert parse_ecr_host(host + tail) is None


entries = st.one_of(accounts, hosts, st.sampled_from(list(PUBLIC_HOSTS)))
separators = st.sampled_from([",", " ", "\n", "\t", ", ", " ,\n", "  \t "])


@settings(deadline=None)
@given(items=st.lists(entries, min_size=1, max_size=30), data=st.data())
def test_registry_lists_of_ids_and_hosts_parse_back_in_order(items: list[str], data: st.DataObject) -> None:
    text = items[0] + "".join(data.draw(separators) + item for item in items[1:])
    specs = parse_registry_list(text)
    assert list(specs) == list(dict.fromkeys(parse_registry(item) for item in items))
    assert all(spec.host is None or spec.host in (item.lower() for item in items) for spec in specs)


# Profiles files from a grammar of plausible and implausible YAML values.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    accounts,
    regions,
    hosts,
    st.sampled_from(["docker", "podman", "helm", "none", "keyring", "private", "public", "us-east-1", "1"]),
)
keys = st.sampled_from(
    [
        "version",
        "defaults",
        "targets",
        "keymap",
        "name",
        "profile",
        "region",
        "role_arn",
        "type",
        "registries",
        "repositories",
        "writers",
        "id",
        "host",
        "max_attempts",
        "timeout",
        "jobs",
        "cache",
        "refresh_margin",
        "<<",
        "x",
    ]
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(document=documents, flow=st.booleans())
def test_the_profiles_loader_returns_a_file_or_a_config_error(tmp_path: Path, document: Any, flow: bool) -> None:
    """Whatever the YAML: a loaded file or a ConfigError naming the file, never another
    exception; every loaded target has a printable name."""
    path = tmp_path / "generated.yaml"
    path.write_text(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True))
    try:
        loaded = load_profiles_file(path)
    except ConfigError as error:
        assert str(path) in error.message
        return
    for loaded_target in loaded.targets:
        assert loaded_target.name.isprintable()


# Docker config files: any JSON under keys ecrtui does not own.
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text()),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(), children, max_size=4)),
    max_leaves=20,
)
other_auths = st.dictionaries(
    st.text(min_size=1).filter(lambda k: not k.endswith(".amazonaws.com") and "amazonaws.com/" not in k),
    st.one_of(json_values, st.fixed_dictionaries({"auth": st.text()})),
    max_size=5,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    unrelated=st.dictionaries(
        st.text().filter(lambda k: k not in ("auths", "credHelpers", "credsStore")), json_values, max_size=6
    ),
    auths=other_auths,
    logged_in=st.lists(accounts, min_size=1, max_size=4, unique=True),
)
def test_docker_config_round_trip_keeps_every_unrelated_key(
    tmp_path: Path, unrelated: dict[str, Any], auths: dict[str, Any], logged_in: list[str]
) -> None:
    """Write tokens into a file full of other people's keys, then erase them: the
    unrelated keys, values and auths entries are exactly as they were, at every step."""
    folder = tmp_path / "docker"
    folder.mkdir(exist_ok=True)
    original = {**unrelated, "auths": auths}
    writer = AuthFileWriter("docker", docker_config_path, {"DOCKER_CONFIG": str(folder)})
    writer.path.write_text(json.dumps(original))
    tokens = [Token(private_host(a, "us-east-1"), "AWS", f"{a}-auth-token", None, a, "us-east-1") for a in logged_in]
    writer.write(tokens)
    written = json.loads(writer.path.read_text())
    for token in tokens:
        entry = written["auths"].pop(token.host)
        assert base64.b64decode(entry["auth"]).decode() == f"AWS:{token.password}"
    assert written == original
    assert stat.S_IMODE(writer.path.stat().st_mode) == 0o600
    outcome = writer.erase([t.host for t in tokens])
    assert outcome == {t.host: None for t in tokens}
    assert json.loads(writer.path.read_text()) == original
