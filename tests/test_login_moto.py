"""Logins end to end against moto server and the ECR Public stand-in: the real CLI in a
subprocess (`--output json`), and the login engine in-process where the test must watch
the AWS calls themselves (chunks of at most 10 registry IDs). Covers default and several
registries, other regions, ECR Public, assumed roles, partial failure, the three writers,
docker config hygiene, logout, and external docker credential helpers."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from support.commands import run_cli
from support.environment import Env
from support.standins import set_standin_mode

from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.engine import LoginEngine
from ecrtui.core.plan import Selection, choose_targets, plan_registries
from ecrtui.core.profiles_file import ProfilesFile
from ecrtui.demo.standins.ecr_public import PUBLIC_TARGET, EcrPublicStandin

JSON_KEYS = {"target", "profile", "registry", "type", "account", "region", "status", "expires_at", "writers", "error"}


def host(account: str, region: str = "us-east-1") -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com"


def login_json(env: Env, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Run `ecrtui login ... --output json`; the exit code, the results and stderr."""
    result = run_cli(env, "login", *args, "--output", "json")
    assert "Traceback" not in result.stderr, result.stderr
    document = json.loads(result.stdout)
    assert document["version"] == 1
    for record in document["results"]:
        assert set(record) == JSON_KEYS
    return result.returncode, document["results"], result.stderr


def decoded(entry: object) -> str:
    assert isinstance(entry, dict)
    return base64.b64decode(entry["auth"]).decode()


def by_registry(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["registry"]: r for r in results}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- what gets logged into --------------------------------------------------------------------


def test_default_registry_of_the_caller(env: Env) -> None:
    env.vars["AWS_REGION"] = "eu-west-1"
    code, [record], stderr = login_json(env)
    assert code == 0, stderr
    assert record == {
        "target": "default",
        "profile": None,
        "registry": host("123456789012", "eu-west-1"),
        "type": "private",
        "account": "123456789012",
        "region": "eu-west-1",
        "status": "ok",
        "expires_at": "2015-01-01T00:00:00Z",  # moto's hard-coded expiry
        "writers": ["docker"],
        "error": None,
    }
    assert decoded(env.docker_auths()[host("123456789012", "eu-west-1")]) == "AWS:123456789012-auth-token"


def test_several_registries_each_get_their_own_token(env: Env) -> None:
    ids = ["111111111111", "222222222222", "333333333333"]
    code, results, stderr = login_json(
        env, "--region", "us-west-2", "--registries", "111111111111, 222222222222 333333333333"
    )
    assert code == 0, stderr
    assert [(r["registry"], r["account"], r["status"]) for r in results] == [
        (host(i, "us-west-2"), i, "ok") for i in ids
    ]
    auths = env.docker_auths()
    for account in ids:
        assert decoded(auths[host(account, "us-west-2")]) == f"AWS:{account}-auth-token"
    output = json.dumps(results) + stderr
    assert "auth-token" not in output  # no password in any output


def test_a_hostname_in_another_region_is_logged_into_there(env: Env) -> None:
    elsewhere = host("444455556666", "eu-central-1")
    code, results, stderr = login_json(env, "--region", "us-east-1", "--registries", f"{elsewhere},123456789012")
    assert code == 0, stderr
    records = by_registry(results)
    assert records[elsewhere]["region"] == "eu-central-1"
    assert records[elsewhere]["account"] == "444455556666"
    assert records[host("123456789012")]["region"] == "us-east-1"
    auths = env.docker_auths()
    assert set(auths) == {elsewhere, host("123456789012")}
    assert decoded(auths[elsewhere]) == "AWS:444455556666-auth-token"


def test_public_goes_to_us_east_1_whatever_the_region(env: Env, ecr_public: EcrPublicStandin) -> None:
    env.vars["AWS_REGION"] = "eu-west-1"
    code, [record], stderr = login_json(env, "--registry-type", "PUBLIC", "--registries", "123456789012")
    assert code == 0, stderr
    assert record["registry"] == "public.ecr.aws"
    assert record["type"] == "public"
    assert record["region"] == "us-east-1"
    assert record["expires_at"] is not None and record["expires_at"] > "2025"
    assert ecr_public.state.calls == [PUBLIC_TARGET]  # one ECR Public call, no private one
    auths = env.docker_auths()
    assert list(auths) == ["public.ecr.aws"]
    assert decoded(auths["public.ecr.aws"]) == "AWS:public-auth-token"


TWENTY_THREE = [f"{100000000000 + n * 1111:012d}" for n in range(23)]


def test_twenty_three_registries_all_log_in(env: Env) -> None:
    code, results, stderr = login_json(env, "--region", "us-east-1", "--registries", ",".join(TWENTY_THREE))
    assert code == 0, stderr
    assert [r["account"] for r in results] == TWENTY_THREE
    assert all(r["status"] == "ok" for r in results)
    auths = env.docker_auths()
    assert set(auths) == {host(account) for account in TWENTY_THREE}
    assert all(decoded(auths[host(a)]) == f"AWS:{a}-auth-token" for a in TWENTY_THREE)


@pytest.fixture
def in_process(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    """The test's process environment replaced by the isolated one: botocore reads its
    endpoint, credentials and config files from os.environ."""
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in env.vars.items():
        monkeypatch.setenv(key, value)
    return env


def test_registry_ids_go_to_aws_in_chunks_of_at_most_ten(in_process: Env) -> None:
    """The engine's own client is watched through botocore's event system (the factory
    hands every caller with the same profile settings the same shared client), and the
    calls really reach moto."""
    env = in_process
    factory = ClientFactory(AwsSettings(environ=dict(env.vars)))
    sent: list[list[str]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(list(params.get("registryIds", [])))

    client = factory.shared_client("ecr", "us-east-1", connections=4)
    client.meta.events.register("provide-client-params.ecr.GetAuthorizationToken", record)
    selection = Selection(region="us-east-1", registries=" ".join(TWENTY_THREE))
    registries = plan_registries(
        choose_targets(ProfilesFile(), selection), ProfilesFile().defaults, (), environ=env.vars
    )
    results = LoginEngine(factory, jobs=4).login(registries)

    assert sorted(len(chunk) for chunk in sent) == [3, 10, 10]
    assert sorted(account for chunk in sent for account in chunk) == sorted(TWENTY_THREE)
    assert [r.host for r in results if r.ok] == [host(a) for a in TWENTY_THREE]
    assert set(env.docker_auths()) == {host(a) for a in TWENTY_THREE}


# --- credentials: assumed roles, and one target failing -------------------------------------------------


def test_assume_role_targets_log_in_with_the_role(env: Env) -> None:
    """moto hands an assumed role credentials of the role's account, and its ECR then
    answers for that account's registry: the host proves the role was used."""
    (env.home / ".aws" / "credentials").write_text(
        "[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    profiles = env.write_profiles(
        "targets:\n"
        "  - name: own\n"
        "    region: us-east-1\n"
        "  - name: assumed\n"
        "    profile: ci\n"
        "    region: eu-west-1\n"
        "    role_arn: arn:aws:iam::998877665544:role/ecr-pull\n"
        "  - name: assumed-ids\n"
        "    region: us-west-2\n"
        "    role_arn: arn:aws:iam::210987654321:role/ecr-pull\n"
        "    registries: ['210987654321']\n"
    )
    code, results, stderr = login_json(env, "--config", str(profiles), "--all")
    assert code == 0, stderr
    assert [(r["target"], r["registry"], r["account"], r["status"]) for r in results] == [
        ("own", host("123456789012"), "123456789012", "ok"),
        ("assumed", host("998877665544", "eu-west-1"), "998877665544", "ok"),
        ("assumed-ids", host("210987654321", "us-west-2"), "210987654321", "ok"),
    ]
    assert decoded(env.docker_auths()[host("998877665544", "eu-west-1")]) == "AWS:998877665544-auth-token"


def test_one_target_failing_does_not_stop_the_others(env: Env, ecr_public: EcrPublicStandin) -> None:
    set_standin_mode(ecr_public, "denied")
    env.write_aws_config(
        "[profile broken-sso]\n"
        "sso_session = gone\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Dev\n"
        "region = us-east-1\n"
    )
    profiles = env.write_profiles(
        "targets:\n"
        "  - name: private\n"
        "    region: us-east-1\n"
        "    registries: ['123456789012', '998877665544']\n"
        "  - name: public\n"
        "    type: public\n"
        "  - name: sso\n"
        "    profile: broken-sso\n"
    )
    code, results, stderr = login_json(env, "--config", str(profiles), "--all")
    assert code == 1
    records = {r["target"]: r for r in results if r["target"] != "private"}
    assert [r["status"] for r in results if r["target"] == "private"] == ["ok", "ok"]
    assert set(env.docker_auths()) == {host("123456789012"), host("998877665544")}

    public = records["public"]
    assert public["status"] == "failed"
    assert "ecr-public:GetAuthorizationToken" in public["error"]
    assert "sts:GetServiceBearerToken" in public["error"]  # the remediation: the policy to attach
    sso = records["sso"]
    assert sso["status"] == "failed"
    assert "sso-session does not exist" in sso["error"]
    assert "aws configure sso --profile broken-sso" in sso["error"]
    assert stderr.count("  hint: ") == 2


# --- writers --------------------------------------------------------------------------------------

OTHER_AUTHS = {
    "ghcr.io": {"auth": base64.b64encode(b"me:ghp_other").decode()},
    "https://index.docker.io/v1/": {"auth": base64.b64encode(b"me:hub").decode()},
}
OTHER_DOCKER_KEYS: dict[str, Any] = {
    "auths": OTHER_AUTHS,
    "credHelpers": {"gcr.io": "gcloud"},
    "psFormat": "table {{.ID}}",
    "HttpHeaders": {"User-Agent": "test"},
    "proxies": {"default": {"httpProxy": "http://proxy:3128"}},
}


def test_docker_podman_and_helm_are_written_0600_keeping_everything_else(env: Env) -> None:
    target = host("123456789012")
    docker = {**OTHER_DOCKER_KEYS, "auths": {**OTHER_AUTHS, f"https://{target}": {"auth": "c3RhbGU="}}}
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps(docker))
    env.docker_config.chmod(0o644)
    env.podman_auth.parent.mkdir(parents=True)
    env.podman_auth.write_text(json.dumps({"auths": {"quay.io": {"auth": "cXVheQ=="}}}))

    code, [record], stderr = login_json(
        env, "--region", "us-east-1", "--registries", "123456789012", "--writer", "docker,podman", "--writer", "helm"
    )
    assert code == 0, stderr
    assert record["writers"] == ["docker", "podman", "helm"]
    for path in (env.docker_config, env.podman_auth, env.helm_config):
        assert mode_of(path) == 0o600, path
        assert decoded(json.loads(path.read_text())["auths"][target]) == "AWS:123456789012-auth-token"

    after = json.loads(env.docker_config.read_text())
    assert f"https://{target}" not in after["auths"]  # the stale duplicate is gone
    assert {k: v for k, v in after.items() if k != "auths"} == {
        k: v for k, v in OTHER_DOCKER_KEYS.items() if k != "auths"
    }
    assert {k: v for k, v in after["auths"].items() if k != target} == OTHER_AUTHS
    assert json.loads(env.podman_auth.read_text())["auths"]["quay.io"] == {"auth": "cXVheQ=="}
    assert not list(env.docker_config.parent.glob("*.tmp"))  # the atomic write left no temp file


def test_logout_erases_exactly_what_login_wrote(env: Env) -> None:
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps(OTHER_DOCKER_KEYS))
    before = json.loads(env.docker_config.read_text())
    elsewhere = host("222222222222", "eu-west-1")
    hosts = f"111111111111 {elsewhere}"
    writers = ("--writer", "docker,podman")

    code, _, stderr = login_json(env, "--region", "us-east-1", "--registries", hosts, *writers)
    assert code == 0, stderr
    assert set(env.docker_auths()) == set(before["auths"]) | {host("111111111111"), elsewhere}

    result = run_cli(env, "logout", "--region", "us-east-1", "--registries", hosts, *writers)
    assert result.returncode == 0, result.stderr
    assert f"Logged out of {elsewhere}" in result.stdout
    assert json.loads(env.docker_config.read_text()) == before
    assert json.loads(env.podman_auth.read_text()) == {"auths": {}}

    again = run_cli(env, "logout", "--region", "us-east-1", "--registries", hosts, *writers)
    assert again.returncode == 0, again.stderr  # nothing left to erase is not a failure
    assert json.loads(env.docker_config.read_text()) == before


FAKE_HELPER = """#!/bin/sh
# A docker credential helper that records what it was given.
printf '%s\\n' "$*" >> "{log}/{name}.argv"
cat >> "{log}/{name}.stdin"
printf '\\n' >> "{log}/{name}.stdin"
"""


def install_helper(env: Env, name: str) -> Path:
    bin_dir = env.home / "bin"
    log = env.home / "helper-log"
    bin_dir.mkdir(exist_ok=True)
    log.mkdir(exist_ok=True)
    script = bin_dir / f"docker-credential-{name}"
    script.write_text(FAKE_HELPER.format(log=log, name=name))
    script.chmod(0o755)
    if not env.vars["PATH"].startswith(f"{bin_dir}:"):
        env.vars["PATH"] = f"{bin_dir}:{env.vars['PATH']}"
    return log


def test_cred_helpers_and_creds_store_receive_the_secret_on_stdin_only(env: Env) -> None:
    by_helper, by_store, own = host("111111111111"), host("222222222222"), host("333333333333")
    install_helper(env, "perhost")
    log = install_helper(env, "store")
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(
        json.dumps({"credHelpers": {by_helper: "perhost", own: "ecrtui"}, "credsStore": "store", "auths": {}})
    )

    code, results, stderr = login_json(
        env, "--region", "us-east-1", "--registries", "111111111111,222222222222,333333333333"
    )
    assert code == 0, stderr
    assert [r["status"] for r in results] == ["ok", "ok", "ok"]

    for name, served in (("perhost", by_helper), ("store", by_store)):
        assert (log / f"{name}.argv").read_text() == "store\n"  # the action only: no secret in argv
        [received] = [json.loads(line) for line in (log / f"{name}.stdin").read_text().splitlines() if line]
        account = served.split(".", 1)[0]
        assert received == {"ServerURL": served, "Username": "AWS", "Secret": f"{account}-auth-token"}

    text = env.docker_config.read_text()
    assert "auth-token" not in text
    config = json.loads(text)
    # docker's placeholders for credentials held in a store; nothing for ecrtui's own helper
    assert config["auths"] == {by_helper: {}, by_store: {}}
    assert config["credHelpers"] == {by_helper: "perhost", own: "ecrtui"}


def test_a_helper_missing_from_path_fails_and_leaves_the_file_alone(env: Env) -> None:
    target = host("123456789012")
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credsStore": "desktop", "auths": {target: {"auth": "b2xkOm9sZA=="}}}))
    before = env.docker_config.read_bytes()
    code, [record], _ = login_json(env, "--region", "us-east-1", "--registries", "123456789012")
    assert code == 1
    assert "docker-credential-desktop is not on PATH" in record["error"]
    assert env.docker_config.read_bytes() == before


def test_a_helper_that_fails_to_store_leaves_the_file_alone(env: Env) -> None:
    """The secret goes to the helper first, under the file's lock: when the helper
    refuses it, no placeholder replaces the entry that was there."""
    target = host("123456789012")
    bin_dir = env.home / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-broken"
    script.write_text("#!/bin/sh\ncat >/dev/null\necho 'error storing credentials: keychain locked'\nexit 1\n")
    script.chmod(0o755)
    env.vars["PATH"] = f"{bin_dir}:{env.vars['PATH']}"
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps({"credsStore": "broken", "auths": {target: {"auth": "b2xkOm9sZA=="}}}))
    before = env.docker_config.read_bytes()
    code, [record], _ = login_json(env, "--region", "us-east-1", "--registries", "123456789012")
    assert code == 1
    assert "keychain locked" in record["error"]
    assert env.docker_config.read_bytes() == before


def test_role_arn_flag_assumes_the_role_for_an_ad_hoc_target(env: Env) -> None:
    """`--role-arn`: moto's STS hands the role credentials of its account, and ECR then
    answers for that account's registry, so the host proves AssumeRole happened first."""
    (env.home / ".aws" / "credentials").write_text(
        "[ci]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    role = "arn:aws:iam::998877665544:role/ecr-push"
    code, results, stderr = login_json(env, "--profile", "ci", "--region", "eu-west-1", "--role-arn", role)
    assert code == 0, stderr
    assert [(r["registry"], r["account"], r["status"]) for r in results] == [
        (host("998877665544", "eu-west-1"), "998877665544", "ok")
    ]
    assert decoded(env.docker_auths()[host("998877665544", "eu-west-1")]) == "AWS:998877665544-auth-token"


@pytest.mark.parametrize(
    "value",
    ["arn:aws:iam::123456789012:user/me", "arn:aws:iam::12345:role/x", "role/x", "arn:aws:iam::123456789012:role/"],
)
def test_role_arn_flag_refuses_what_is_not_a_role(env: Env, value: str) -> None:
    done = run_cli(env, "login", "--region", "us-east-1", "--role-arn", value)
    assert done.returncode == 2
    assert "--role-arn" in done.stderr and "is not an IAM role ARN" in done.stderr
    assert "arn:aws:iam::123456789012:role/NAME" in done.stderr
    assert not env.docker_config.exists()


def test_role_arn_flag_is_for_ad_hoc_targets_only(env: Env) -> None:
    profiles = env.write_profiles("targets:\n  - name: own\n    region: us-east-1\n")
    done = run_cli(env, "login", "--config", str(profiles), "--all", "--role-arn", "arn:aws:iam::998877665544:role/x")
    assert done.returncode == 2
    assert "--role-arn" in done.stderr and "ad-hoc target" in done.stderr


def test_a_profile_named_like_an_sso_role_but_malformed_is_not_the_default_chain(env: Env) -> None:
    """Only a well-formed `sso:SESSION:ACCOUNT:ROLE` key stands for an Identity Center
    role; `sso:dev` is an unknown profile, never a login with the default credentials."""
    result = run_cli(env, "login", "--profile", "sso:dev", "--region", "us-east-1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "'sso:dev' does not exist" in result.stderr
    assert not env.docker_config.exists()


def test_logout_of_a_corrupt_docker_config_still_logs_out_of_the_other_writers(env: Env) -> None:
    host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    login = run_cli(env, "login", "--registries", "123456789012", "--region", "us-east-1", "--writer", "docker,podman")
    assert login.returncode == 0, login.stderr
    env.docker_config.write_text("{ not json")
    logout = run_cli(
        env, "logout", "--registries", "123456789012", "--region", "us-east-1", "--writer", "docker,podman"
    )
    assert logout.returncode == 1  # the docker file could not be read: said, not hidden
    assert "Traceback" not in logout.stderr
    assert host not in json.loads(env.podman_auth.read_text()).get("auths", {}), "podman's entry must still go"
    assert env.docker_config.read_text() == "{ not json", "an unreadable file is never overwritten"
