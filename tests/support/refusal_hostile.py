"""Hostile input of the refusal table (tests/test_refusals.py), in profiles files, flags
and GitHub inputs: special files where a profiles file should be (FIFOs that would hang a
reader, devices, symlink loops), terminal escapes and line breaks smuggled into names,
YAML tags that would run code in a careless loader, and inputs and state crafted to forge
output lines. Hostile files and environment are in refusal_hostile_files.py."""

from __future__ import annotations

from typing import Any

import pytest

from support.environment import Env
from support.refusal import (
    FORGED,
    Refusal,
    Setup,
    fifo,
    in_home,
    symlink,
    written,
)

profiles_path = in_home("hostile.yaml")


def profiles(text: str | bytes) -> Setup:
    return written(profiles_path, text)


def target(body: str) -> Setup:
    """One target of a profiles file: `body` is its YAML lines after `- name: t`."""
    return profiles("version: 1\ntargets:\n  - name: t\n" + body)


def python_object_target(env: Env) -> None:
    """What an unsafe YAML loader would run: `touch <home>/pwned`."""
    profiles(f'targets:\n  - !!python/object/apply:os.system ["touch {env.home}/pwned"]\n')(env)


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

HOSTILE_INPUT = PROFILES + FLAGS + GITHUB_INPUTS
