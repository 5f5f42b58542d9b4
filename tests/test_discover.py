"""`ecrtui discover` and targets that name IAM Identity Center, against the stand-in and
moto: the whole done-when flow from a HOME with only an sso-session, the profiles file
edits (idempotent, prune, the user's text kept), the bound on calls in flight, throttling,
and each failure as a one-line message with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

from support.commands import run_cli
from support.environment import Env
from support.sso import calls, control, sign_in
from support.standins import set_standin_mode

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.demo.standins.identity_center import IdentityCenterStandin
from ecrtui.demo.standins.identity_center_state import organisation

USER_FILE = """\
# my registries: keep this comment
version: 1
targets:
  - name: mine   # a target of my own
    registries: ["123456789012"]
    region: us-east-1
    profile: ops

defaults:
  writers: [docker]   # and this one
"""


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ecrtui: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def signed_in(env: Env, server: IdentityCenterStandin) -> None:
    result = sign_in(env, server, "--sso-session", "corp", "--no-browser")
    assert result.returncode == 0, result.stderr


def pairs(server: IdentityCenterStandin) -> set[tuple[str, str]]:
    return {(a.account_id, r) for a in server.state.accounts.values() for r in a.roles}


def test_done_when_sign_in_discover_write_log_in_and_rediscover_changes_nothing(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sso_env.aws_config.read_text().count("[") == 1  # only [sso-session corp]
    signed_in(sso_env, identity_center)
    profiles = sso_env.home / "targets.yaml"
    written = run_cli(sso_env, "discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert written.returncode == 0, written.stderr
    assert "wrote 9 targets of sso-session corp" in written.stderr
    first = profiles.read_bytes()
    before = len(calls(identity_center))
    login = run_cli(sso_env, "login", "--config", str(profiles), "--all")
    assert login.returncode == 0, login.stdout + login.stderr
    assert "9 logged in, 0 failed" in login.stderr
    hosts = set(sso_env.docker_auths())
    assert hosts == {f"{a}.dkr.ecr.us-east-1.amazonaws.com" for a in identity_center.state.accounts}
    # one GetRoleCredentials per (account, role): credentials came from Identity Center
    assert calls(identity_center)[before:] == ["/federation/credentials"] * len(pairs(identity_center))
    again = run_cli(sso_env, "discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert profiles.read_bytes() == first


def test_json_lists_every_account_with_its_roles_and_role_filters(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    result = run_cli(sso_env, "discover", "--sso-session", "corp", "--output", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["version"] == 1 and document["sso_session"] == "corp"
    assert document["accounts"][2] == {
        "account_id": "100000000002",
        "account_name": "account-002",
        "roles": ["Admin", "Developer", "ReadOnly"],
    }
    assert len(document["accounts"]) == 5
    admins = run_cli(sso_env, "discover", "--sso-session", "corp", "--output", "json", "--role", "Admin")
    assert [a["account_id"] for a in json.loads(admins.stdout)["accounts"]] == ["100000000002"]


def test_writing_keeps_the_users_text_and_prune_removes_only_what_is_gone(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    profiles = sso_env.write_profiles(USER_FILE)
    args = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--region", "eu-west-1")
    assert run_cli(sso_env, *args, "--write", str(profiles)).returncode == 0
    text = profiles.read_text()
    begin = text.index("  # >>> ecrtui discover --sso-session corp")
    end = text.index("  # <<< ecrtui discover --sso-session corp <<<\n") + len(
        "  # <<< ecrtui discover --sso-session corp <<<\n"
    )
    assert text[:begin] + text[end:] == USER_FILE  # outside the block: byte for byte
    assert '{id: "100000000004", region: "eu-west-1"}' in text
    control(identity_center, "remove-role", {"account_id": "100000000002", "role": "Admin"})
    control(identity_center, "remove-role", {"account_id": "100000000004"})
    kept = run_cli(sso_env, *args, "--write", str(profiles))
    assert kept.returncode == 0 and "unchanged" in kept.stderr  # gone, but not pruned
    pruned = run_cli(sso_env, *args, "--write", str(profiles), "--prune")
    assert pruned.returncode == 0 and "3 removed" in pruned.stderr, pruned.stderr
    after = profiles.read_text()
    assert "account-002/Admin" not in after and "account-004/" not in after
    assert "account-002/Developer" in after and "name: mine   # a target of my own" in after
    assert after.startswith("# my registries: keep this comment\n") and after.endswith(USER_FILE.split("\n\n")[1])


def test_a_role_filter_does_not_prune_the_unchosen_roles(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    signed_in(sso_env, identity_center)
    profiles = sso_env.home / "t.yaml"
    base = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert run_cli(sso_env, *base).returncode == 0
    result = run_cli(sso_env, *base, "--role", "ReadOnly", "--prune")
    assert (result.returncode == 0 and "0 removed" not in result.stderr) or "unchanged" in result.stderr
    assert "account-002/Admin" in profiles.read_text()


def test_pages_are_followed_throttling_is_retried_and_the_bound_is_respected(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    state = identity_center.state
    with state.lock:
        state.accounts = {a.account_id: a for a in organisation(40)}
        state.max_page = 7
        state.delay = 0.05
    state.reset_stats()
    control(identity_center, "settings", {"throttle_next": 2})
    result = run_cli(sso_env, "discover", "--sso-session", "corp", "--output", "json", "--jobs", "4")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["accounts"]) == 40
    log = calls(identity_center)
    assert log.count("/assignment/accounts") >= 6 + 2  # 40 / 7 pages, plus the two throttled
    assert 1 < state.max_in_flight <= 4


def test_a_name_clash_or_a_broken_file_writes_nothing(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    signed_in(sso_env, identity_center)
    clash = USER_FILE.replace("name: mine", 'name: "account-000/ReadOnly"')
    profiles = sso_env.write_profiles(clash)
    args = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    result = run_cli(sso_env, *args)
    assert result.returncode == 2 and "duplicate target name 'account-000/ReadOnly'" in one_line_error(result)
    assert profiles.read_text() == clash
    profiles.write_text("targets: [\n")
    result = run_cli(sso_env, *args)
    assert result.returncode == 2 and "not valid YAML" in one_line_error(result)
    assert profiles.read_text() == "targets: [\n"
    assert [p.name for p in profiles.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_without_a_sign_in_discovery_fails_and_names_the_command(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    profiles = sso_env.home / "t.yaml"
    result = run_cli(sso_env, "discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert result.returncode == 1
    assert "not signed in to IAM Identity Center corp" in one_line_error(result)
    assert "run: ecrtui sso login --sso-session corp" in result.stderr
    assert not profiles.exists() and calls(identity_center) == []
    signed_in(sso_env, identity_center)
    control(identity_center, "revoke-tokens")  # signed out on the portal's side
    result = run_cli(sso_env, "discover", "--sso-session", "corp")
    assert result.returncode == 1 and "not signed in" in one_line_error(result)


def test_bad_discover_usage_is_a_configuration_error(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    for args, message in (
        (("--sso-session", "nope"), "no [sso-session nope]"),
        (("--sso-session", "corp", "--write", "x.yaml"), "--write and --check-ecr need the registries' regions"),
        (("--sso-session", "corp", "--prune"), "--prune and --aws-config only work with --write"),
        (("--sso-session", "corp", "--region", "moon-1"), "moon-1"),
        (("--sso-session", "corp", "--role", "a b"), "is not a role name"),
    ):
        result = run_cli(sso_env, "discover", *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in one_line_error(result), result.stderr
    assert calls(identity_center) == []


def test_a_target_whose_role_is_gone_fails_alone_with_what_to_do(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    profiles = sso_env.write_profiles(
        "targets:\n"
        "  - {name: dev, sso_session: corp, account: '100000000002', role: Developer, region: us-east-1,"
        " registries: ['100000000002']}\n"
        "  - {name: gone, sso_session: corp, account: '100000000001', role: Admin, region: us-east-1,"
        " registries: ['100000000001']}\n"
    )
    result = run_cli(sso_env, "login", "--config", str(profiles), "--all")
    assert result.returncode == 1
    assert "100000000002.dkr.ecr.us-east-1.amazonaws.com" in sso_env.docker_auths()
    assert "role Admin is no longer yours in account 100000000001" in result.stdout + result.stderr
    assert "--prune" in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_sso_target_keys_are_validated_with_file_and_line(sso_env: Env) -> None:
    for target, message in (
        ("{name: a, sso_session: corp, account: '100000000002'}", "has no role"),
        ("{name: a, sso_session: corp, account: '12', role: R}", "is not a 12-digit account ID"),
        ("{name: a, sso_session: corp, account: '100000000002', role: 'a b'}", "is not a role name"),
        ("{name: a, profile: p, sso_session: corp, account: '100000000002', role: R}", "both a profile"),
    ):
        profiles = sso_env.write_profiles(f"targets:\n  - {target}\n")
        result = run_cli(sso_env, "status", "--config", str(profiles), "--all")
        assert result.returncode == 2
        assert f"{profiles}:2:" in one_line_error(result) and message in result.stderr, result.stderr


def test_parallel_logins_renew_an_expired_sign_in_once(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    from support.sso import token_file

    signed_in(sso_env, identity_center)
    profiles = sso_env.home / "t.yaml"
    assert (
        run_cli(
            sso_env, "discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles)
        ).returncode
        == 0
    )
    cached = json.loads(token_file(sso_env).read_text())
    token_file(sso_env).write_text(json.dumps({**cached, "expiresAt": "2020-01-01T00:00:00Z"}))
    control(identity_center, "expire-tokens")
    before = len(calls(identity_center))
    result = run_cli(sso_env, "login", "--config", str(profiles), "--all")
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls(identity_center)[before:].count("CreateToken") == 1
    assert json.loads(token_file(sso_env).read_text())["accessToken"] != cached["accessToken"]


def test_the_doctor_examines_a_target_naming_identity_center(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    profiles = sso_env.write_profiles(
        "targets:\n  - {name: dev, sso_session: corp, account: '100000000002', role: Developer, region: us-east-1,"
        " registries: ['100000000002']}\n"
    )
    result = run_cli(sso_env, "doctor", "--config", str(profiles), "--all", "--output", "json")
    checks = {c["id"]: c for t in json.loads(result.stdout)["targets"] for c in t["checks"]}
    assert checks["config.profile"]["status"] == "ok"
    assert "role Developer in account 100000000002 through sso-session corp" in checks["config.profile"]["finding"]
    assert checks["credentials.provider"]["status"] == "ok", checks["credentials.provider"]
    assert "IAM Identity Center" in checks["credentials.provider"]["finding"]
    assert "/federation/credentials" in calls(identity_center)


def test_aws_config_profiles_are_generated_on_request_used_by_botocore_and_pruned(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    profiles = sso_env.home / "t.yaml"
    args = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert run_cli(sso_env, *args).returncode == 0
    assert "[profile" not in sso_env.aws_config.read_text()  # off by default
    user_config = sso_env.aws_config.read_text() + "\n# mine\n[profile ops]\nregion = eu-west-1\n"
    sso_env.write_aws_config(user_config)
    result = run_cli(sso_env, *args, "--aws-config")
    assert result.returncode == 0, result.stderr
    text = sso_env.aws_config.read_text()
    assert text.startswith(user_config)  # the user's part untouched
    assert "[profile corp-account-002-Admin]\nsso_session = corp\nsso_account_id = 100000000002" in text
    again = run_cli(sso_env, *args, "--aws-config")
    assert again.returncode == 0 and sso_env.aws_config.read_text() == text
    checked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; print(boto3.Session(profile_name='corp-account-002-Admin')"
            ".get_credentials().get_frozen_credentials().access_key[:4])",
        ],
        env=sso_env.vars,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.stdout.strip() == "ASIA", checked.stderr
    control(identity_center, "remove-role", {"account_id": "100000000002", "role": "Admin"})
    pruned = run_cli(sso_env, *args, "--aws-config", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "corp-account-002-Admin" not in sso_env.aws_config.read_text()
    assert "account-002/Admin" not in profiles.read_text()


def test_an_aws_config_clash_writes_neither_file(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    signed_in(sso_env, identity_center)
    clash = sso_env.aws_config.read_text() + "[profile corp-account-000-ReadOnly]\nregion = eu-west-1\n"
    sso_env.write_aws_config(clash)
    profiles = sso_env.home / "t.yaml"
    args = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles), "--aws-config")
    result = run_cli(sso_env, *args)
    assert result.returncode == 2
    assert "already has [profile corp-account-000-ReadOnly]" in one_line_error(result)
    assert not profiles.exists() and sso_env.aws_config.read_text() == clash


def test_check_ecr_marks_where_each_role_gets_a_token(
    sso_env: Env, identity_center: IdentityCenterStandin, ecr_public: EcrPublicStandin
) -> None:
    signed_in(sso_env, identity_center)
    args = ("discover", "--sso-session", "corp", "--role", "Admin", "--region", "us-east-1", "--region", "eu-west-1")
    works = run_cli(sso_env, *args, "--check-ecr", "--output", "json")
    assert works.returncode == 0, works.stderr
    assert json.loads(works.stdout)["ecr"] == [
        {"account_id": "100000000002", "role": "Admin", "region": region, "ok": True, "error": None}
        for region in ("us-east-1", "eu-west-1")
    ]
    # ECR itself refusing (the stand-in answers ECR's GetAuthorizationToken with AccessDenied)
    set_standin_mode(ecr_public, "denied")
    sso_env.vars["AWS_ENDPOINT_URL_ECR"] = ecr_public.url
    denied = run_cli(sso_env, *args, "--check-ecr")
    assert denied.returncode == 0, denied.stderr
    lines = [line for line in denied.stdout.splitlines() if line.startswith("ECR ")]
    assert len(lines) == 2 and all(line.startswith("ECR no  100000000002  Admin") for line in lines)
    assert "ecr:GetAuthorizationToken" in lines[0]


def test_symlinked_profiles_and_aws_config_files_are_updated_where_the_links_lead(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    """A dotfile manager's links stay links, and the files they lead to keep their modes."""
    signed_in(sso_env, identity_center)
    dotfiles = sso_env.home / "dotfiles"
    dotfiles.mkdir()
    real_profiles, real_config = dotfiles / "targets.yaml", dotfiles / "aws-config"
    real_profiles.write_text(USER_FILE)
    real_profiles.chmod(0o640)
    real_config.write_text(sso_env.aws_config.read_text())
    real_config.chmod(0o644)
    sso_env.aws_config.unlink()
    sso_env.aws_config.symlink_to(real_config)
    profiles = sso_env.home / "targets.yaml"
    profiles.symlink_to(real_profiles)
    args = ("discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles), "--aws-config")
    result = run_cli(sso_env, *args)
    assert result.returncode == 0, result.stderr
    assert profiles.is_symlink() and sso_env.aws_config.is_symlink()
    assert real_profiles.read_text().startswith(USER_FILE[:40]) and "account-002/Admin" in real_profiles.read_text()
    assert "[profile corp-account-002-Admin]" in real_config.read_text()
    assert (real_profiles.stat().st_mode & 0o777, real_config.stat().st_mode & 0o777) == (0o640, 0o644)
    assert list(dotfiles.glob("*.tmp")) == list(dotfiles.glob(".*.tmp")) == []


def test_a_profiles_file_that_cannot_be_written_is_a_one_line_error(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    signed_in(sso_env, identity_center)
    (sso_env.home / "not-a-folder").write_text("")
    profiles = sso_env.home / "not-a-folder" / "targets.yaml"
    result = run_cli(sso_env, "discover", "--sso-session", "corp", "--region", "us-east-1", "--write", str(profiles))
    assert result.returncode == 2
    line = one_line_error(result)
    assert f"cannot write {profiles}: " in line
