"""Hostile files and environment of the refusal table (tests/test_refusals.py): special
files where a config should be (FIFOs, devices, symlink loops, directories), binary
credentials, read-only and world-writable folders, numbers JSON cannot hold, and
credential-helper names that would run another program."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from support.environment import Env
from support.refusal import (
    Refusal,
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

LOGIN = ("login", "--region", "us-east-1", "--registries", "123456789012")
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
profiles_path = in_home("hostile.yaml")


def p(case: Refusal, name: str) -> Any:
    return pytest.param(case, id=name)


def binary_credentials(env: Env) -> None:
    (env.home / "bin-credentials").write_bytes(b"\xff\xfe\x00garbage" * 100)


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

HOSTILE_FILES = ENVIRONMENT + WRITERS
