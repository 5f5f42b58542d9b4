"""The `ecrtui doctor` command's contract: the JSON document (pinned here: renaming a key,
a status, a category or a check id must fail this test), exit codes 0/1/2, the text
rendering (grouped by target, policy JSON indented under its check) and GitHub
annotations."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.commands import run_cli
from support.doctor import doctor_cli, json_checks
from support.environment import Env
from support.standins import set_standin_mode

from ecrtui.demo.standins.ecr_public import EcrPublicStandin

TOP_KEYS = {"version", "status", "counts", "targets"}
GROUP_KEYS = {"name", "status", "missing_policy", "checks"}
CHECK_KEYS = {"id", "category", "title", "subject", "status", "finding", "remediation", "policy"}
STATUSES = {"ok", "warn", "fail", "skip"}
CATEGORIES = ["configuration", "credentials", "network", "permissions", "local"]
# Every check id the doctor can emit; a new one is added here on purpose, never by accident.
CHECK_IDS = {
    "config.profiles-file",
    "config.profile",
    "config.region",
    "config.public-region",
    "config.registry",
    "config.repository",
    "config.plan",
    "credentials.sso",
    "credentials.provider",
    "credentials.assume-role",
    "credentials.identity",
    "credentials.clock",
    "network.proxy",
    "network.ca-bundle",
    "network.endpoint",
    "permissions.login",
    "permissions.service-bearer-token",
    "permissions.repository",
    "permissions.pull-image",
    "permissions.pull-layer",
    "permissions.push-check",
    "permissions.push-upload",
    "permissions.cross-account",
    "local.docker-config",
    "local.public-entry",
    "local.keyring",
    "local.credentials",
    "local.helper",
    "local.duplicate",
    "local.helper-log",
    "local.runtime.desktop-leftover",
    "local.runtime.rancher",
    "local.runtime.finch",
    "local.runtime.nerdctl",
    "credentials.skipped",
    "network.skipped",
    "permissions.skipped",
    "local.skipped",
    "doctor.error",
}


def _assert_schema(document: dict[str, Any]) -> None:
    assert set(document) == TOP_KEYS
    assert document["version"] == 1
    assert document["status"] in STATUSES
    assert set(document["counts"]) == STATUSES and all(isinstance(n, int) for n in document["counts"].values())
    assert sum(document["counts"].values()) == len(json_checks(document))
    for group in document["targets"]:
        assert set(group) == GROUP_KEYS
        assert group["name"] is None or isinstance(group["name"], str)
        assert group["status"] in STATUSES
        assert group["missing_policy"] is None or set(group["missing_policy"]) == {"Version", "Statement"}
        categories = [c["category"] for c in group["checks"]]
        assert categories == sorted(categories, key=CATEGORIES.index), "checks are listed category by category"
        for check in group["checks"]:
            assert set(check) == CHECK_KEYS
            assert check["id"] in CHECK_IDS, check["id"]
            assert check["status"] in STATUSES and check["category"] in CATEGORIES
            assert isinstance(check["title"], str) and isinstance(check["finding"], str) and check["finding"]
            assert check["subject"] is None or isinstance(check["subject"], str)
            assert check["remediation"] is None or isinstance(check["remediation"], str)
            assert check["policy"] is None or check["policy"]["Version"] == "2012-10-17"


def test_json_document_is_pinned_and_a_denial_carries_its_policy(env: Env, ecr_public: EcrPublicStandin) -> None:
    set_standin_mode(ecr_public, "denied")
    env.vars["AWS_ENDPOINT_URL_ECR"] = ecr_public.url
    code, document, stderr = doctor_cli(env, "--region", "us-east-1", "--registries", "123456789012 01234567890")
    assert code == 1, stderr
    _assert_schema(document)
    assert document["status"] == "fail"
    names = [g["name"] for g in document["targets"]]
    assert names == [None, "default"]  # the machine first, then each target
    [login] = json_checks(document, "permissions.login")
    assert login.pop("target") == "default"
    assert login == {
        "id": "permissions.login",
        "category": "permissions",
        "title": "Login (ecr:GetAuthorizationToken)",
        "subject": "us-east-1",
        "status": "fail",
        "finding": login["finding"],
        "remediation": login["remediation"],
        "policy": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"}],
        },
    }
    assert "ecr:GetAuthorizationToken" in login["finding"] and login["remediation"].startswith("attach this policy")
    [target] = [g for g in document["targets"] if g["name"] == "default"]
    assert target["status"] == "fail" and target["missing_policy"] == login["policy"]


def test_exit_0_when_nothing_failed(env: Env) -> None:
    code, document, _ = doctor_cli(env, "--region", "us-east-1")
    _assert_schema(document)
    assert code == 0, [c for c in json_checks(document) if c["status"] == "fail"]
    assert document["counts"]["fail"] == 0 and document["status"] in ("ok", "warn")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "nope"], "no target named 'nope'"),
        (["--registry-type", "bogus"], "Invalid input for 'registry-type'"),
        (["--output", "xml"], "invalid choice"),
        (["--target", "t", "--registries", "123456789012"], "cannot be combined"),
        (["--timeout", "0"], "must be more than 0"),
    ],
)
def test_exit_2_for_bad_usage(env: Env, args: list[str], message: str) -> None:
    profiles = env.write_profiles("version: 1\ntargets:\n  - name: t\n    region: us-east-1\n")
    result = run_cli(env, "doctor", "--config", str(profiles), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stdout == ""


def test_text_groups_by_target_and_indents_the_policy(env: Env, ecr_public: EcrPublicStandin) -> None:
    set_standin_mode(ecr_public, "denied")
    env.vars.update(AWS_ENDPOINT_URL_ECR=ecr_public.url, PYTHONIOENCODING="utf-8")
    result = run_cli(env, "doctor", "--region", "us-east-1")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "This machine"
    assert "Target default" in lines
    start = lines.index("Target default")
    assert lines[start + 1] == "  Configuration"
    [denied] = [line for line in lines if "Login (ecr:GetAuthorizationToken)" in line]
    assert denied.startswith("    ✗ FAIL  Login (ecr:GetAuthorizationToken) [us-east-1]: access denied")
    fix = lines[lines.index(denied) + 1]
    assert fix.startswith("             fix: attach this policy to ") and fix.endswith(":")
    first = lines.index(denied) + 2
    last = lines.index(" " * 15 + "}", first)
    policy_lines = lines[first : last + 1]
    assert policy_lines[0] == " " * 15 + "{"
    assert json.loads("\n".join(policy_lines))["Statement"][0]["Action"] == ["ecr:GetAuthorizationToken"]
    assert lines[-1].startswith("ecrtui doctor: ") and "1 failed" in lines[-1]


def test_ascii_terminal_gets_ascii_symbols(env: Env) -> None:
    env.vars.update(PYTHONIOENCODING="ascii", AWS_REGION="us-east-1")
    result = run_cli(env, "doctor")
    assert result.returncode in (0, 1)
    assert "    + ok  " in result.stdout
    assert "✓" not in result.stdout


def test_github_mode_adds_annotations(env: Env, ecr_public: EcrPublicStandin) -> None:
    set_standin_mode(ecr_public, "denied")
    env.vars.update(AWS_ENDPOINT_URL_ECR=ecr_public.url, GITHUB_ACTIONS="true")
    result = run_cli(env, "doctor", "--region", "us-east-1")
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error::")]
    assert any(line.startswith("::error::default: Login (ecr:GetAuthorizationToken): access denied") for line in errors)
    assert "Target default" in result.stdout  # the readable report is there too
    assert any(line.startswith("::warning::") for line in result.stdout.splitlines())
