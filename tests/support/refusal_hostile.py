"""The hostile input of the refusal table (tests/test_refusals.py): special files where
a config should be (FIFOs that would hang a reader, devices, symlink loops), terminal
escapes and line breaks smuggled into names, YAML tags that would run code in a careless
loader, numbers JSON cannot hold, read-only and world-writable folders, GitHub inputs and
state crafted to forge output lines, and credential-helper names that would run another
program."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from support.environment import Env
from support.refusal import (
    FORGED,
    Refusal,
    Setup,
    a_directory,
    chmod,
    docker_config,
    docker_folder,
    fifo,
    in_home,
    podman_auth,
    symlink,
    written,
)

profiles_path = in_home("hostile.yaml")


def profiles(text: str | bytes) -> Setup:
    return written(profiles_path, text)


def target(body: str) -> Setup:
    """One target of a profiles file: `body` is its YAML lines after `- name: t`."""
    return profiles("version: 1\ntargets:\n  - name: t\n" + body)


def binary_credentials(env: Env) -> None:
    (env.home / "bin-credentials").write_bytes(b"\xff\xfe\x00garbage" * 100)


def python_object_target(env: Env) -> None:
    """What an unsafe YAML loader would run: `touch <home>/pwned`."""
    profiles(f'targets:\n  - !!python/object/apply:os.system ["touch {env.home}/pwned"]\n')(env)


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


LOGIN = ("login", "--region", "us-east-1", "--registries", "123456789012")
CONFIG = ("login", "--config", "{home}/hostile.yaml", "--all")
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def p(case: Refusal, name: str) -> Any:
    return pytest.param(case, id=name)


PROFILES = [
    p(Refusal(CONFIG, "hostile.yaml is not a regular file", setup=fifo(profiles_path)), "profiles-fifo"),
    p(Refusal(("login", "--config", "/dev/zero", "--all"), "/dev/zero is not a regular file"), "profiles-device"),
    p(
        Refusal(CONFIG, "hostile.yaml does not exist", setup=symlink(profiles_path, "{home}/nowhere.yaml")),
        "profiles-dangling-symlink",
    ),
    p(
        Refusal(CONFIG, "the file is not UTF-8 text", setup=profiles("targets: []\n".encode("utf-16"))),
        "profiles-utf16",
    ),
    p(
        Refusal(CONFIG, "control characters", setup=profiles('targets:\n  - name: "dev\\e[2J\\e[31mok"\n')),
        "name-terminal-escape",
    ),
    p(
        Refusal(CONFIG, "control characters", setup=profiles(f'targets:\n  - name: "dev\\n{FORGED}"\n')),
        "name-line-break",
    ),
    p(Refusal(CONFIG, "control characters", setup=target('    profile: "dev\\tsso"\n')), "profile-tab"),
    p(
        Refusal(CONFIG, "control characters", setup=target('    repositories: ["team/app\\x1b]0;pwned\\x07"]\n')),
        "repository-osc",
    ),
    p(
        Refusal(
            CONFIG,
            "control characters",
            setup=target('    role_arn: "arn:aws:iam::123456789012:role/x\\nregistry=evil"\n'),
        ),
        "role-arn-line-break",
    ),
    p(Refusal(CONFIG, "control characters", setup=profiles('keymap:\n  login: "ctrl+l\\u0000"\n')), "keymap-nul"),
    p(
        Refusal(CONFIG, "is not an AWS region name", setup=target("    region: us-east-\u0661\n")),
        "region-arabic-digit",
    ),
    p(
        Refusal(CONFIG, "neither a 12-digit account ID", setup=target("    registries: [1.23456789012e11]\n")),
        "id-float",
    ),
    p(Refusal(CONFIG, "neither a 12-digit account ID", setup=target("    registries: [true]\n")), "id-bool"),
    p(Refusal(CONFIG, "a target must be a mapping", setup=python_object_target), "python-tag-object"),
    p(
        Refusal(CONFIG, "target name is empty", setup=profiles("targets:\n  - name: !!python/name:os.system ''\n")),
        "python-tag-name",
    ),
    p(Refusal(CONFIG, "must be a text value", setup=profiles("version: [1]\n")), "version-list"),
    p(
        Refusal(CONFIG, "targets must be a list", setup=profiles("targets: {t: {region: us-east-1}}\n")),
        "targets-mapping",
    ),
    p(Refusal(CONFIG, "targets must be a list", setup=profiles("targets: dev\n")), "targets-scalar"),
    p(
        Refusal(CONFIG, "registries must be a list", setup=target("    registries: '123456789012'\n")),
        "registries-scalar",
    ),
    p(Refusal(CONFIG, "must be a mapping", setup=target("    registries: [[123456789012]]\n")), "registry-nested-list"),
    p(
        Refusal(CONFIG, "unknown writer 'kubernetes'", setup=target("    writers: [docker, kubernetes]\n")),
        "writer-unknown",
    ),
    p(Refusal(CONFIG, "between 1 and 20", setup=profiles("defaults:\n  max_attempts: 0\n")), "max-attempts-0"),
    p(
        Refusal(CONFIG, "between 1 and 20", setup=profiles("defaults:\n  max_attempts: 1000000000\n")),
        "max-attempts-huge",
    ),
    p(
        Refusal(CONFIG, "must be a whole number", setup=profiles("defaults:\n  max_attempts: 2.5\n")),
        "max-attempts-float",
    ),
    p(
        Refusal(CONFIG, "must be a whole number", setup=profiles("defaults:\n  max_attempts: three\n")),
        "max-attempts-word",
    ),
    p(Refusal(CONFIG, "must be a number", setup=profiles("defaults:\n  timeout: .inf\n")), "timeout-yaml-inf"),
    p(Refusal(CONFIG, "between 0.1 and 600", setup=profiles("defaults:\n  timeout: nan\n")), "timeout-nan"),
    p(Refusal(CONFIG, "between 0.1 and 600", setup=profiles("defaults:\n  timeout: -1\n")), "timeout-negative"),
    p(Refusal(CONFIG, "between 1 and 256", setup=profiles("defaults:\n  jobs: 100000\n")), "jobs-huge"),
    p(Refusal(CONFIG, "between 0 and 720", setup=profiles("defaults:\n  refresh_margin: 100000\n")), "margin-huge"),
    p(Refusal(CONFIG, "defaults must be a mapping", setup=profiles("defaults: [us-east-1]\n")), "defaults-list"),
    p(Refusal(CONFIG, "did you mean 'targets'", setup=profiles("target:\n  - name: t\n")), "top-key-typo"),
    p(Refusal(CONFIG, "a key that is not a plain name", setup=profiles("? [a, b]\n: c\n")), "complex-key"),
    p(Refusal(CONFIG, "not valid YAML", setup=profiles("targets: []\n---\ntargets: []\n")), "two-documents"),
    p(Refusal(CONFIG, "target name must be a text value", setup=profiles("targets:\n  - name: ~\n")), "name-null"),
    p(
        Refusal(CONFIG, "duplicate target name 't'", setup=profiles("targets:\n  - &t {name: t}\n  - *t\n")),
        "alias-duplicate-target",
    ),
    p(Refusal(CONFIG, "unknown cache 'redis'", setup=profiles("defaults:\n  cache: redis\n")), "cache-unknown"),
    p(
        Refusal(
            CONFIG,
            "control characters",
            setup=target("    registries:\n      - {id: '123456789012', host: \"reg\\x07.example.com\"}\n"),
        ),
        "host-bell",
    ),
    p(
        Refusal(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: ecr.exämple.com}\n"),
        ),
        "host-idn",
    ),
    p(
        Refusal(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: 'localhost:99999'}\n"),
        ),
        "host-port-range",
    ),
    p(
        Refusal(
            CONFIG,
            "is not a hostname",
            setup=target("    registries:\n      - {id: '123456789012', host: 'reg.example.com/v2'}\n"),
        ),
        "host-path",
    ),
]

FLAGS = [
    p(
        Refusal(("login", "--region", "us-east-1", "--registries", "123456789012\u200b"), "neither a 12-digit"),
        "zero-width-space",
    ),
    p(
        Refusal(("login", "--region", "us-east-1", "--registries", "\u202e210987654321"), "neither a 12-digit"),
        "rtl-override",
    ),
    p(
        Refusal(("login", "--region", "us-east-1", "--registries", "\ufeff123456789012"), "neither a 12-digit"),
        "byte-order-mark",
    ),
    p(
        Refusal(("login", "--region", "us-east-1", "--registries", "123456789012\x7f"), "control characters"),
        "delete-char",
    ),
    p(Refusal(("login", "--registries", f"{HOST}."), "looks like an ECR hostname but is not one"), "host-trailing-dot"),
    p(Refusal(("login", "--registries", f"{HOST}:443"), "looks like an ECR hostname but is not one"), "host-with-port"),
    p(
        Refusal(
            ("login", "--registries", HOST.replace(".com", ".c\u03bfm")), "looks like an ECR hostname but is not one"
        ),
        "host-homograph",
    ),
    p(
        Refusal(
            ("login", "--registries", f"https://ops:s3cr3t-in-url@{HOST}"),
            "https://***@",
            absent="s3cr3t-in-url",
        ),
        "host-with-credentials",
    ),
    p(
        Refusal(
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
        Refusal(("login", "--region", "us-east-1\n", "--registries", "123456789012"), "is not an AWS region name"),
        "region-line-break",
    ),
    p(Refusal((*LOGIN, "--profile", f"dev\n{FORGED}"), "does not exist", absent=f"\n{FORGED}"), "profile-line-break"),
    p(Refusal((*LOGIN, "--writer", "docker\x1b[2J"), "unknown writer 'docker\\x1b[2J'"), "writer-escape"),
    p(Refusal((*LOGIN, "--max-attempts", "1000000"), "at most 20"), "flag-max-attempts-huge"),
    p(Refusal((*LOGIN, "--timeout", "inf"), "must be more than 0 and at most 3600"), "timeout-inf"),
    p(Refusal((*LOGIN, "--timeout", "-5"), "must be more than 0 and at most 3600"), "flag-timeout-negative"),
    p(
        Refusal(
            (*LOGIN, "--http-proxy", "http://ops:pw-in-flag@127.0.0.1:3128/\x1b[2J"),
            "is not a proxy URL",
            absent="pw-in-flag",
        ),
        "proxy-escape",
    ),
]

GITHUB_INPUTS = [
    p(
        Refusal(
            ("login",), "neither a 12-digit", env={**GITHUB, "INPUT_REGISTRIES": f"123456789012\n{FORGED}"}, github=True
        ),
        "input-registries-forged-line",
    ),
    p(
        Refusal(
            ("login",), "neither a 12-digit", env={**GITHUB, "INPUT_REGISTRIES": f"123456789012\r{FORGED}"}, github=True
        ),
        "input-registries-carriage-return",
    ),
    p(
        Refusal(
            ("login",),
            "input 'profile' contains a line break",
            env={**GITHUB, "INPUT_PROFILE": f"dev\n{FORGED}"},
            github=True,
        ),
        "input-profile-forged-line",
    ),
    p(
        Refusal(
            ("login",),
            "input 'writers' contains a line break",
            env={**GITHUB, "INPUT_WRITERS": f"docker\n{FORGED}"},
            github=True,
        ),
        "input-writers-forged-line",
    ),
    p(
        Refusal(
            ("login",),
            "input 'http-proxy' contains a line break",
            env={**GITHUB, "INPUT_HTTP-PROXY": f"http://ops:pw-in-input@127.0.0.1:3128\n{FORGED}"},
            github=True,
            absent="pw-in-input",
        ),
        "input-proxy-forged-line",
    ),
    p(
        Refusal(
            ("login",),
            "Invalid input for 'registry-type'",
            env={**GITHUB, "INPUT_REGISTRY-TYPE": f"private\n{FORGED}"},
            github=True,
        ),
        "input-type-forged-line",
    ),
    p(
        Refusal(
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
        Refusal(
            LOGIN,
            "is not a regular file",
            env={"AWS_CONFIG_FILE": "{home}/aws-fifo"},
            setup=fifo(lambda env: env.home / "aws-fifo"),
        ),
        "aws-config-fifo",
    ),
    p(Refusal(LOGIN, "is a directory", env={"AWS_CONFIG_FILE": "{home}/.aws"}), "aws-config-directory"),
    p(
        Refusal(
            LOGIN,
            "cannot be parsed",
            env={"AWS_SHARED_CREDENTIALS_FILE": "{home}/bin-credentials"},
            setup=binary_credentials,
        ),
        "aws-credentials-binary",
    ),
    p(
        Refusal(
            ("login", "--all"),
            "hostile.yaml is not a regular file",
            env={"ECRTUI_CONFIG": "{home}/hostile.yaml"},
            setup=fifo(profiles_path),
        ),
        "ecrtui-config-fifo",
    ),
]

WRITERS = [
    p(Refusal(LOGIN, "config.json is not a regular file", code=1, setup=fifo(docker_config)), "docker-fifo"),
    p(
        Refusal(LOGIN, "is not a regular file", code=1, setup=symlink(docker_config, "/dev/null")),
        "docker-devnull-link",
    ),
    p(
        Refusal(
            LOGIN,
            "which does not exist; it was left untouched",
            code=1,
            setup=symlink(docker_config, "{home}/gone.json"),
        ),
        "docker-dangling-link",
    ),
    p(Refusal(LOGIN, "leads back to itself", code=1, setup=symlink(docker_config, "{name}")), "docker-link-loop"),
    p(
        Refusal(LOGIN, "config.json is read-only; it was left untouched", code=1, setup=chmod(docker_config, 0o400)),
        "docker-read-only-file",
    ),
    p(
        Refusal(LOGIN, "is read-only; config.json was left untouched", code=1, setup=chmod(docker_folder, 0o500)),
        "docker-read-only-folder",
    ),
    p(
        Refusal(LOGIN, "is writable by every user", code=1, setup=chmod(docker_folder, 0o777)),
        "docker-world-writable-folder",
    ),
    p(Refusal(LOGIN, "is writable by every user", code=1, setup=link_in_shared_folder), "docker-link-in-shared-folder"),
    p(
        Refusal(LOGIN, "is writable by its group", code=1, setup=chmod(docker_folder, 0o770)),
        "docker-group-writable-folder",
    ),
    p(
        Refusal(LOGIN, "belongs to another user", code=1, setup=foreign_folder),
        "docker-folder-of-another-user",
    ),
    p(
        Refusal(
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
        Refusal(
            LOGIN, "is not valid JSON", code=1, setup=written(docker_config, '{"a": ' * 100_000 + "1" + "}" * 100_000)
        ),
        "docker-deep-nesting",
    ),
    p(
        Refusal(LOGIN, "is not valid JSON", code=1, setup=written(docker_config, '{"auths": {}, "x": NaN}')),
        "docker-nan",
    ),
    p(
        Refusal(
            LOGIN, "a number JSON cannot represent", code=1, setup=written(docker_config, '{"auths": {}, "x": 1e999}')
        ),
        "docker-huge-number",
    ),
    p(
        Refusal(LOGIN, "is not valid JSON", code=1, setup=written(docker_config, b'\xef\xbb\xbf{"auths": {}}')),
        "docker-utf8-bom",
    ),
    p(
        Refusal(LOGIN, "is not valid JSON", code=1, setup=written(docker_config, '{"auths": {}}'.encode("utf-16"))),
        "docker-utf16",
    ),
    p(Refusal(LOGIN, "holds a JSON null, not an object", code=1, setup=written(docker_config, "null")), "docker-null"),
    p(
        Refusal(LOGIN, "holds a JSON string, not an object", code=1, setup=written(docker_config, '"auths"')),
        "docker-string",
    ),
    p(
        Refusal(LOGIN, "holds a JSON number, not an object", code=1, setup=written(docker_config, "42")),
        "docker-number",
    ),
    p(
        Refusal(
            LOGIN,
            "'credsStore' is a number, not a helper name",
            code=1,
            setup=written(docker_config, '{"credsStore": 123}'),
        ),
        "docker-credsstore-number",
    ),
    p(
        Refusal(
            LOGIN,
            f"credHelpers[{HOST!r}] is a list, not a helper name",
            code=1,
            setup=written(docker_config, json.dumps({"credHelpers": {HOST: ["x"]}})),
        ),
        "docker-credhelper-list",
    ),
    p(
        Refusal(
            LOGIN,
            "credential helper name '../../../bin/sh' is not valid",
            code=1,
            setup=written(docker_config, json.dumps({"credHelpers": {HOST: "../../../bin/sh"}})),
        ),
        "docker-credhelper-path",
    ),
    p(
        Refusal(
            LOGIN,
            "credential helper name 'x; touch pwned' is not valid",
            code=1,
            setup=written(docker_config, '{"credsStore": "x; touch pwned"}'),
        ),
        "docker-credsstore-shell",
    ),
    p(
        Refusal((*LOGIN, "--writer", "podman"), "auth.json is a directory", code=1, setup=a_directory(podman_auth)),
        "podman-directory",
    ),
    p(
        Refusal(
            (*LOGIN, "--writer", "helm"),
            "leads back to itself",
            code=1,
            setup=symlink(lambda env: env.helm_config, "{name}"),
        ),
        "helm-link-loop",
    ),
]

HOSTILE = PROFILES + FLAGS + GITHUB_INPUTS + ENVIRONMENT + WRITERS
