"""The everyday mistakes of the refusal table (tests/test_refusals.py): registry lists,
profiles files, GitHub Action inputs, flags, AWS config files and credentials files found
broken while writing. Each is refused with its exit code (2: nothing tried; 1: a runtime
failure such as a corrupt config.json found while writing) and one line saying why."""

from __future__ import annotations

import pytest

from support.refusal import Refusal, Setup, a_directory, aws_config, docker_config, in_home, podman_auth, written


def profiles(text: str | bytes) -> Setup:
    return written(in_home("bad.yaml"), text)


LOGIN = ("login", "--region", "us-east-1")
CONFIG = ("login", "--config", "{home}/bad.yaml", "--all")
FULLWIDTH_ID = "".join(chr(0xFF10 + int(d)) for d in "123456789012")  # digits AWS refuses
GITHUB = {"GITHUB_ACTIONS": "true", "AWS_REGION": "us-east-1"}


MISTAKES = [
    # --registries
    pytest.param(
        Refusal((*LOGIN, "--registries", "12345678901"), "registries entry '12345678901' has 11 digits, not 12"),
        id="registries-11-digits",
    ),
    pytest.param(
        Refusal((*LOGIN, "--registries", "1234 5678 9012"), "white space inside an account ID"),
        id="registries-spaced-id",
    ),
    pytest.param(
        Refusal((*LOGIN, "--registries", "123456789012,,998877665544"), "has an empty entry (entry 2)"),
        id="registries-blank",
    ),
    pytest.param(
        Refusal(
            (*LOGIN, "--registries", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"),
            "includes a repository path",
        ),
        id="registries-repository-path",
    ),
    pytest.param(
        Refusal((*LOGIN, "--registries", "123456789012\x1b[2J"), "contains control characters"), id="registries-escape"
    ),
    pytest.param(
        Refusal((*LOGIN, "--registries", "registry.example.com"), "neither a 12-digit account ID nor an ECR hostname"),
        id="registries-not-ecr",
    ),
    pytest.param(
        Refusal(
            (*LOGIN, "--registries", "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example.com"),
            "looks like an ECR hostname but is not one",
        ),
        id="registries-look-alike-host",
    ),
    pytest.param(
        Refusal((*LOGIN, "--registries", FULLWIDTH_ID), "neither a 12-digit account ID"),
        id="registries-fullwidth",
    ),
    # profiles files
    pytest.param(
        Refusal(
            CONFIG,
            "bad.yaml:3: unknown key 'regoin' in a target",
            setup=profiles("targets:\n  - name: a\n    regoin: us-east-1\n"),
        ),
        id="profiles-unknown-key",
    ),
    pytest.param(
        Refusal(
            CONFIG,
            "bad.yaml:4: registry of target 'a' '12345678901' has 11 digits",
            setup=profiles("targets:\n  - name: a\n    registries:\n      - 12345678901\n"),
        ),
        id="profiles-11-digits",
    ),
    pytest.param(
        Refusal(
            CONFIG, "bad.yaml:3: duplicate target name 'a'", setup=profiles("targets:\n  - name: a\n  - name: a\n")
        ),
        id="profiles-duplicate-name",
    ),
    pytest.param(
        Refusal(CONFIG, "bad.yaml:2: not valid YAML", setup=profiles("targets:\n\t- name: a\n")),
        id="profiles-invalid-yaml",
    ),
    pytest.param(
        Refusal(CONFIG, "bad.yaml:2: the file is not UTF-8 text", setup=profiles(b"targets:\n  - name: \xff\xfe\n")),
        id="profiles-not-utf8",
    ),
    pytest.param(
        Refusal(
            CONFIG,
            "bad.yaml:3: target 'a' role_arn 'admin' is not a role ARN",
            setup=profiles("targets:\n  - name: a\n    role_arn: admin\n"),
        ),
        id="profiles-role-arn",
    ),
    pytest.param(
        Refusal(
            CONFIG,
            "is public but lists the private registry 123456789012",
            setup=profiles("targets:\n  - name: a\n    type: public\n    registries: ['123456789012']\n"),
        ),
        id="profiles-public-lists-private",
    ),
    pytest.param(
        Refusal(("login", "--config", "{home}/missing.yaml"), "missing.yaml does not exist"), id="profiles-missing"
    ),
    pytest.param(Refusal(("login", "--config", "{home}/.aws"), ".aws is a directory"), id="profiles-directory"),
    pytest.param(
        Refusal(
            ("login", "--config", "{home}/bad.yaml", "--target", "nope"),
            "no target named 'nope'",
            setup=profiles("targets:\n  - name: a\n"),
        ),
        id="profiles-unknown-target",
    ),
    # GitHub Action inputs
    pytest.param(
        Refusal(
            ("login",),
            "Invalid input for 'registry-type', possible options are [private, public]",
            env={**GITHUB, "INPUT_REGISTRY-TYPE": "foo"},
            github=True,
        ),
        id="github-registry-type",
    ),
    pytest.param(
        Refusal(("login",), "has 11 digits, not 12", env={**GITHUB, "INPUT_REGISTRIES": "12345678901"}, github=True),
        id="github-registries-11-digits",
    ),
    pytest.param(
        Refusal(("login",), "is not a proxy URL", env={**GITHUB, "INPUT_HTTP-PROXY": "not a url"}, github=True),
        id="github-http-proxy",
    ),
    pytest.param(
        Refusal(
            ("login",),
            "input 'region' contains a line break",
            env={**GITHUB, "INPUT_REGION": "us-east-1\n::set-output"},
            github=True,
        ),
        id="github-region-line-break",
    ),
    pytest.param(
        Refusal(("login", "--output", "github", "--jobs", "0"), "argument --jobs: '0' must be 1 or more", github=True),
        id="github-parse-error",
    ),
    # flags
    pytest.param(
        Refusal(
            ("doctor", "--region", "us-east-1", "--role-arn", "role/x"), "--role-arn 'role/x' is not an IAM role ARN"
        ),
        id="doctor-role-arn",  # the doctor reads the selection as login does
    ),
    pytest.param(
        Refusal(("status", "--out", "github"), "unrecognized arguments: --out github"), id="output-abbreviated"
    ),
    pytest.param(
        Refusal(
            ("status", "--output", "json", "--output", "github", "--bogus"),
            "unrecognized arguments: --bogus",
            github=True,
        ),
        id="output-last-wins-github",
    ),
    pytest.param(
        Refusal((*LOGIN, "--http-proxy", "ftp://proxy:21"), "--http-proxy 'ftp://proxy:21' is not a proxy URL"),
        id="proxy-scheme",
    ),
    pytest.param(
        Refusal(
            (*LOGIN, "--http-proxy", "http://user:hunter2@proxy:99999"),
            "--http-proxy 'http://***@proxy:99999' has an invalid port",
            absent="hunter2",
        ),
        id="proxy-port-redacted",
    ),
    pytest.param(Refusal((*LOGIN, "--http-proxy", "http://pro xy:3128"), "is not a proxy URL"), id="proxy-space"),
    pytest.param(
        Refusal((*LOGIN, "--max-attempts", "0"), "argument --max-attempts: '0' must be 1 or more"),
        id="max-attempts-zero",
    ),
    pytest.param(
        Refusal((*LOGIN, "--max-attempts", "many"), "argument --max-attempts: 'many' is not a whole number"),
        id="max-attempts-word",
    ),
    pytest.param(Refusal((*LOGIN, "--timeout", "0"), "argument --timeout: '0' must be more than 0"), id="timeout-zero"),
    pytest.param(
        Refusal((*LOGIN, "--timeout", "nan"), "argument --timeout: 'nan' must be more than 0"), id="timeout-nan"
    ),
    pytest.param(Refusal((*LOGIN, "--timeout", "soon"), "'soon' is not a number of seconds"), id="timeout-word"),
    pytest.param(Refusal((*LOGIN, "--jobs", "-3"), "argument --jobs: '-3' must be 1 or more"), id="jobs-negative"),
    pytest.param(Refusal((*LOGIN, "--writer", "docker,dokcer"), "unknown writer 'dokcer'"), id="writer-unknown"),
    pytest.param(
        Refusal(
            (*LOGIN, "--registry-type", "secret"),
            "Invalid input for 'registry-type', possible options are [private, public]",
        ),
        id="registry-type",
    ),
    pytest.param(Refusal(("login", "--region", "moon"), "'moon' is not an AWS region name"), id="region-malformed"),
    pytest.param(
        Refusal(("login",), "is not an AWS region name", env={"AWS_REGION": "eu_west_1"}), id="region-env-malformed"
    ),
    pytest.param(Refusal(("login",), "Region is missing"), id="region-missing"),
    pytest.param(Refusal((*LOGIN, "--profile", "nope"), "AWS profile 'nope' does not exist"), id="profile-unknown"),
    pytest.param(Refusal((*LOGIN, "--bogus"), "unrecognized arguments: --bogus"), id="unknown-flag"),
    pytest.param(
        Refusal(
            LOGIN,
            "config:3: the AWS config file cannot be parsed",
            setup=written(aws_config, "[default]\nregion = us-east-1\nnot ini\n"),
        ),
        id="aws-config-malformed",
    ),
    # credentials files found broken while writing: the login ran, the file is left alone
    pytest.param(
        Refusal(
            LOGIN,
            "config.json is not valid JSON (line 1); it was left untouched",
            code=1,
            setup=written(docker_config, "{not json"),
        ),
        id="docker-not-json",
    ),
    pytest.param(
        Refusal(LOGIN, "config.json holds a JSON list, not an object", code=1, setup=written(docker_config, "[1, 2]")),
        id="docker-json-array",
    ),
    pytest.param(
        Refusal(LOGIN, "'auths' is a list, not an object", code=1, setup=written(docker_config, '{"auths": []}')),
        id="docker-auths-list",
    ),
    pytest.param(
        Refusal(
            LOGIN, "'credHelpers' is a str, not an object", code=1, setup=written(docker_config, '{"credHelpers": "x"}')
        ),
        id="docker-credhelpers-str",
    ),
    pytest.param(
        Refusal(LOGIN, "config.json is a directory, not a credentials file", code=1, setup=a_directory(docker_config)),
        id="docker-config-directory",
    ),
    pytest.param(
        Refusal(LOGIN, "/file/docker: Not a directory", code=1, env={"DOCKER_CONFIG": "{home}/file/docker"}),
        id="docker-folder-under-file",
    ),
    pytest.param(
        Refusal(
            LOGIN,
            "docker-credential-nothere is not on PATH",
            code=1,
            setup=written(docker_config, '{"credsStore": "nothere"}'),
        ),
        id="docker-helper-missing",
    ),
    pytest.param(
        Refusal(
            (*LOGIN, "--writer", "podman"),
            "auth.json is not valid JSON",
            code=1,
            setup=written(podman_auth, "\x00\x01garbage"),
        ),
        id="podman-not-json",
    ),
]
