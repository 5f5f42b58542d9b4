"""`docker-credential-ecrtui` and the cache in `ecrtui login`/`status`, run as the real
commands in subprocesses, over a real keyring (keyrings.alt's file backend, or
gnome-keyring's Secret Service) and real AWS stand-ins (moto; the ECR stand-in for tokens
that are still valid, which also counts every call)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
import time

from support.cached_tokens import prime, served
from support.commands import run_cli
from support.credential_helper import (
    HOST,
    NO_BACKEND,
    file_cache,
    helper,
    helper_log,
    set_mode,
    standin_calls,
    use_ecr_standin,
    use_file_keyring,
    use_secret_service,
)
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.helper import NOT_FOUND


def login(env: Env, *args: str) -> None:
    result = run_cli(env, "login", "--region", "us-east-1", *args)
    assert result.returncode == 0, result.stderr


# --- login fills the cache, status reads it ------------------------------------------------


def test_login_fills_the_cache_and_status_shows_each_expiry(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    login(env, "--registries", "123456789012")  # moto: its tokens expired in 2015
    use_ecr_standin(env, ecr_public)
    login(env, "--registries", "333333333333")  # the stand-in: valid for 12 hours
    assert json.loads(helper(env, "list").stdout) == {
        HOST: "AWS",
        "333333333333.dkr.ecr.us-east-1.amazonaws.com": "AWS",
    }

    status = run_cli(env, "status", "--region", "us-east-1", "--registries", "123456789012,333333333333,444444444444")
    assert status.returncode == 0, status.stderr
    lines = {line.split()[0]: line for line in status.stdout.splitlines()[1:]}
    assert "expired 2015-01-01 00:00 UTC" in lines[HOST]
    assert "(in 11h5" in lines["333333333333.dkr.ecr.us-east-1.amazonaws.com"]
    assert lines["444444444444.dkr.ecr.us-east-1.amazonaws.com"].endswith("not cached")

    document = json.loads(run_cli(env, "status", "--region", "us-east-1", "--output", "json").stdout)
    by_host = {r["registry"]: r for r in document["registries"]}
    assert by_host[HOST]["expired"] is True and by_host[HOST]["expires_at"] == "2015-01-01T00:00:00Z"
    assert by_host["333333333333.dkr.ecr.us-east-1.amazonaws.com"]["expired"] is False
    assert "auth-token" not in json.dumps(document), "status never shows a password"


def test_the_cache_is_found_again_after_a_new_session(env: Env) -> None:
    """Keyed by profile and role, not by access key: a new session's key still hits."""
    use_file_keyring(env)
    login(env, "--registries", "123456789012")
    env.vars["AWS_ACCESS_KEY_ID"] = "ASIANEWSESSIONKEY"
    document = json.loads(run_cli(env, "status", "--region", "us-east-1", "--output", "json").stdout)
    [record] = [r for r in document["registries"] if r["registry"] == HOST]
    assert record["cached"] is True


def test_no_cache_flag_and_cache_none_keep_the_keyring_empty(env: Env) -> None:
    use_file_keyring(env)
    login(env, "--registries", "123456789012", "--no-cache")
    assert json.loads(helper(env, "list").stdout) == {}
    env.write_profiles("version: 1\ndefaults:\n  cache: none\n", "off.yaml")
    env.vars["ECRTUI_CONFIG"] = str(env.home / "off.yaml")
    login(env, "--registries", "123456789012")
    assert json.loads(helper(env, "list").stdout) == {}
    del env.vars["ECRTUI_CONFIG"]
    login(env, "--registries", "123456789012")
    assert json.loads(helper(env, "list").stdout) == {HOST: "AWS"}, "and the default caches"


def test_logout_forgets_the_cached_tokens(env: Env) -> None:
    use_file_keyring(env)
    login(env, "--registries", "123456789012,210987654321")
    result = run_cli(env, "logout", "--region", "us-east-1", "--registries", "123456789012")
    assert result.returncode == 0, result.stderr
    assert json.loads(helper(env, "list").stdout) == {"210987654321.dkr.ecr.us-east-1.amazonaws.com": "AWS"}


def test_parallel_logins_cache_every_registry(env: Env, ecr_public: EcrPublicStandin) -> None:
    """12 registries: two GetAuthorizationToken calls in parallel, their tokens stored from
    two threads at once; none is lost from the index."""
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    ids = [str(100000000000 + i) for i in range(12)]
    login(env, "--registries", ",".join(ids))
    assert sorted(json.loads(helper(env, "list").stdout)) == sorted(f"{i}.dkr.ecr.us-east-1.amazonaws.com" for i in ids)


# --- get: the hot path -------------------------------------------------------------------------


def test_a_cached_token_is_served_without_aws_and_without_boto3(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    login(env, "--registries", "123456789012")
    assert standin_calls(ecr_public) == 1
    env.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"  # were any AWS call made, it would fail
    result = helper(env, "get", HOST, "-X", "importtime")
    assert served(result) == {"ServerURL": HOST, "Username": "AWS", "Secret": "123456789012-auth-token"}
    assert standin_calls(ecr_public) == 1
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "keyring.core" in imported and "ecrtui.core.cache.store" in imported
    heavy = {name for name in imported if name.split(".")[0] in ("boto3", "botocore", "yaml", "textual", "moto")}
    assert not heavy, f"the hot path imported {sorted(heavy)}"
    ours = {name for name in imported if name.startswith("ecrtui")}
    assert ours <= {
        "ecrtui",
        "ecrtui.helper",
        "ecrtui.core",
        "ecrtui.core.cache",
        "ecrtui.core.cache.backends",
        "ecrtui.core.cache.entry",
        "ecrtui.core.cache.errors",
        "ecrtui.core.locations",
        "ecrtui.core.cache.store",
        "ecrtui.core.clock",
        "ecrtui.core.deadline",
        "ecrtui.core.errors",
        "ecrtui.core.addresses",
        "ecrtui.core.partitions",
        "ecrtui.core.helper_protocol",
        "ecrtui.pipes",  # a closed pipe ends quietly: os and sys only
    }


def test_with_the_secret_service_the_cached_get_imports_no_keyring(
    env: Env, ecr_public: EcrPublicStandin, secret_service: SecretServiceSession
) -> None:
    use_secret_service(env, secret_service)
    use_ecr_standin(env, ecr_public)
    login(env, "--registries", "123456789012")  # written through keyring's own backend
    env.vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"  # were any AWS call made, it would fail
    result = helper(env, "get", HOST, "-X", "importtime")
    assert served(result) == {"ServerURL": HOST, "Username": "AWS", "Secret": "123456789012-auth-token"}
    assert standin_calls(ecr_public) == 1
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "ecrtui.core.cache.secret_service_reader" in imported
    slow = {name for name in imported if name.split(".")[0] in ("keyring", "secretstorage", "cryptography", "logging")}
    assert not slow, f"the cached get imported {sorted(slow)}"


def test_with_a_hung_secret_service_get_asks_aws_within_the_deadline(
    env: Env, ecr_public: EcrPublicStandin, hanging_secret_service: SecretServiceSession
) -> None:
    use_secret_service(env, hanging_secret_service)
    use_ecr_standin(env, ecr_public)
    started = time.monotonic()
    result = helper(env, "get", HOST)
    assert served(result)["Secret"] == "123456789012-auth-token"
    assert time.monotonic() - started < 8, "python start-up, 2 s for the keyring (once), the token from the stand-in"
    assert "did not answer within 2 s" in helper_log(env)


def test_a_miss_is_fetched_cached_then_served_from_the_cache(env: Env, ecr_public: EcrPublicStandin) -> None:
    """No profiles file: account and region come from the hostname, the default credentials."""
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    first = served(helper(env, "get", f"https://{HOST}"))
    assert first["Secret"] == "123456789012-auth-token"
    assert standin_calls(ecr_public) == 1
    assert served(helper(env, "get", HOST))["Secret"] == first["Secret"]
    assert standin_calls(ecr_public) == 1, "the second get made no AWS call"
    entry = file_cache(env).get(HOST)
    assert entry is not None and entry.source == "helper" and not entry.expired()


def test_each_host_uses_the_profile_of_its_target(env: Env, ecr_public: EcrPublicStandin) -> None:
    """The profiles file maps a host (here a custom one) to its target's own profile; a host
    no target names gets the default credentials, which this environment does not have."""
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        del env.vars[name]
    (env.home / ".aws" / "credentials").write_text(
        "[team-a]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    env.write_aws_config("[profile team-a]\nregion = us-east-1\n")
    profiles = env.write_profiles(
        "version: 1\ntargets:\n  - name: team-a\n    profile: team-a\n    registries:\n"
        '      - {id: "210987654321", region: us-east-1, host: registry.team-a.example.com}\n'
    )
    env.vars["ECRTUI_CONFIG"] = str(profiles)
    token = served(helper(env, "get", "registry.team-a.example.com"))
    assert token["Secret"] == "210987654321-auth-token"
    assert file_cache(env).get("registry.team-a.example.com").profile == "team-a"  # type: ignore[union-attr]

    other = helper(env, "get", "998877665544.dkr.ecr.us-east-1.amazonaws.com")
    assert other.returncode == 1
    assert "no AWS credentials found" in other.stdout, other.stdout


def test_an_unknown_host_is_not_found(env: Env) -> None:
    use_file_keyring(env)
    result = helper(env, "get", "registry.example.org")
    assert (result.returncode, result.stdout) == (1, NOT_FOUND + "\n")


# --- expiry: refresh, never serve an expired token ----------------------------------------------


def test_an_expired_cached_token_is_refreshed(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    prime(env, "old-expired-token", dt.timedelta(hours=-1))
    assert served(helper(env, "get", HOST))["Secret"] == "123456789012-auth-token"
    assert standin_calls(ecr_public) == 1
    entry = file_cache(env).get(HOST)
    assert entry is not None and entry.secret == "123456789012-auth-token" and entry.fresh()


def test_when_refresh_fails_an_expired_token_is_never_served(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    set_mode(ecr_public, "denied")
    prime(env, "old-expired-token", dt.timedelta(minutes=-5))
    result = helper(env, "get", HOST)
    assert result.returncode == 1
    assert "old-expired-token" not in result.stdout
    assert result.stdout.startswith(f"ecrtui: cannot get a token for {HOST} (the cached token expired at ")
    assert "access denied" in result.stdout and "ecr:GetAuthorizationToken" in result.stdout
    log = helper_log(env)
    assert "refresh failed" in log and "profile (default chain)" in log and "access denied" in log
    assert "old-expired-token" not in log
    log_path = env.home / ".local" / "state" / "ecrtui" / "helper.log"
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700


def test_inside_the_margin_a_failed_refresh_serves_the_still_valid_token(
    env: Env, ecr_public: EcrPublicStandin
) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    set_mode(ecr_public, "error")
    prime(env, "still-valid-token", dt.timedelta(minutes=10))
    assert served(helper(env, "get", HOST))["Secret"] == "still-valid-token"
    assert standin_calls(ecr_public) >= 1, "it did try to refresh"
    assert "served the cached token" in helper_log(env)


def test_the_refresh_margin_is_configurable(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    use_ecr_standin(env, ecr_public)
    login(env, "--registries", "123456789012")
    entry = file_cache(env).get(HOST)
    assert entry is not None and entry.expires_at and entry.refresh_at
    assert entry.expires_at - entry.refresh_at == dt.timedelta(minutes=30), "the default margin"
    env.write_profiles("version: 1\ndefaults:\n  refresh_margin: 720\n", "margin.yaml")
    env.vars["ECRTUI_CONFIG"] = str(env.home / "margin.yaml")
    login(env, "--registries", "123456789012")
    assert standin_calls(ecr_public) == 2
    # 12 hours of margin: the token is due for refresh as soon as it is stored.
    served(helper(env, "get", HOST))
    assert standin_calls(ecr_public) == 3


# --- store, erase, list, version -----------------------------------------------------------------


def test_store_get_list_erase_round_trip(env: Env, ecr_public: EcrPublicStandin) -> None:
    use_file_keyring(env)
    stored = helper(
        env, "store", json.dumps({"ServerURL": "https://registry.example.org/v2/", "Username": "bot", "Secret": "pw1"})
    )
    assert (stored.returncode, stored.stdout) == (0, "")
    assert served(helper(env, "get", "registry.example.org")) == {
        "ServerURL": "registry.example.org",
        "Username": "bot",
        "Secret": "pw1",
    }
    assert json.loads(helper(env, "list").stdout) == {"registry.example.org": "bot"}
    assert helper(env, "erase", "registry.example.org").returncode == 0
    assert helper(env, "get", "registry.example.org").stdout == NOT_FOUND + "\n"
    erased_again = helper(env, "erase", "registry.example.org")  # nothing there: success, as the reference helpers
    assert (erased_again.returncode, erased_again.stdout) == (0, "")
    assert helper(env, "version").stdout.startswith("docker-credential-ecrtui (ecrtui) ")
    assert helper(env, "frobnicate").returncode == 1
    assert standin_calls(ecr_public) == 0


def test_a_stored_ecr_token_keeps_its_own_expiry(env: Env) -> None:
    """`aws ecr get-login-password | docker login --password-stdin`: the password carries
    its expiration, which the helper keeps so that it refreshes in time."""
    use_file_keyring(env)
    expiration = int(time.time()) + 3 * 3600
    password = base64.b64encode(json.dumps({"payload": "x", "version": "2", "expiration": expiration}).encode())
    stored = helper(env, "store", json.dumps({"ServerURL": HOST, "Username": "AWS", "Secret": password.decode()}))
    assert stored.returncode == 0, stored.stdout
    entry = file_cache(env).get(HOST)
    assert entry is not None and entry.source == "docker-login"
    assert entry.expires_at == dt.datetime.fromtimestamp(expiration, dt.timezone.utc)


def test_store_refuses_bad_input_and_a_cache_that_is_off(env: Env) -> None:
    use_file_keyring(env)
    assert "store expects" in helper(env, "store", "not json").stdout
    env.write_profiles("version: 1\ndefaults:\n  cache: none\n")
    env.vars["ECRTUI_CONFIG"] = str(env.home / "profiles.yaml")
    result = helper(env, "store", json.dumps({"ServerURL": "r.example.org", "Username": "u", "Secret": "s"}))
    assert result.returncode == 1 and "cache: none" in result.stdout


# --- keyring trouble never breaks a login ------------------------------------------------------------


def test_without_a_keyring_backend_login_warns_once_and_the_helper_still_serves(
    env: Env, ecr_public: EcrPublicStandin
) -> None:
    env.vars["PYTHON_KEYRING_BACKEND"] = NO_BACKEND
    result = run_cli(env, "login", "--region", "us-east-1", "--registries", "123456789012,210987654321,333333333333")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("warning") == 1 and "no keyring backend" in result.stderr
    assert set(env.docker_auths()) >= {HOST}, "the login itself was written"
    use_ecr_standin(env, ecr_public)
    assert served(helper(env, "get", HOST))["Secret"] == "123456789012-auth-token"
    assert "token cache unavailable" in helper_log(env)
    stored = helper(env, "store", json.dumps({"ServerURL": "r.example.org", "Username": "u", "Secret": "s"}))
    assert stored.returncode == 1 and "no keyring backend" in stored.stdout


def test_a_locked_keyring_is_a_clear_error_within_two_seconds(
    env: Env, ecr_public: EcrPublicStandin, locked_secret_service: SecretServiceSession
) -> None:
    use_secret_service(env, locked_secret_service)
    started = time.monotonic()
    result = run_cli(env, "login", "--region", "us-east-1", "--registries", "123456789012,210987654321")
    assert result.returncode == 0, result.stderr
    assert "the keyring is locked" in result.stderr and result.stderr.count("warning") == 1
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 20

    started = time.monotonic()
    stored = helper(env, "store", json.dumps({"ServerURL": "r.example.org", "Username": "u", "Secret": "s"}))
    assert time.monotonic() - started < 4, "python start-up, the profiles file, and at most 2 s for the keyring"
    assert stored.returncode == 1 and "the keyring is locked" in stored.stdout and "Traceback" not in stored.stdout

    use_ecr_standin(env, ecr_public)
    assert served(helper(env, "get", HOST))["Secret"] == "123456789012-auth-token", "get falls back to AWS"


def test_a_wedged_keyring_does_not_hang_a_login(env: Env, hanging_secret_service: SecretServiceSession) -> None:
    use_secret_service(env, hanging_secret_service)
    started = time.monotonic()
    result = run_cli(env, "login", "--region", "us-east-1", "--registries", "123456789012,210987654321", timeout=30)
    assert result.returncode == 0, result.stderr
    assert "did not answer within 2 s" in result.stderr
    assert time.monotonic() - started < 20


# --- ecrtui helper install / uninstall --------------------------------------------------------------

PROFILES = """\
version: 1
targets:
  - name: dev
    registries: ["123456789012", 210987654321.dkr.ecr.eu-west-1.amazonaws.com]
  - name: mirror
    registries:
      - {id: "333333333333", region: us-east-1, host: "127.0.0.1:5000"}
  - name: public
    type: public
"""


def test_helper_install_then_uninstall(env: Env) -> None:
    env.write_profiles(PROFILES)
    env.vars["ECRTUI_CONFIG"] = str(env.home / "profiles.yaml")
    env.vars["AWS_REGION"] = "us-east-1"
    plaintext = base64.b64encode(b"AWS:old-password").decode()
    original = {
        "auths": {
            HOST: {"auth": plaintext},
            f"https://{HOST}": {"auth": plaintext},
            "public.ecr.aws": {"auth": plaintext},
            "registry.example.org": {"auth": "dXNlcjpwdw=="},
        },
        "credHelpers": {"127.0.0.1:5000": "ecr-login", "gcr.io": "gcloud"},
        "credsStore": "desktop",
        "psFormat": "table {{.ID}}",
    }
    env.docker_config.parent.mkdir(parents=True)
    env.docker_config.write_text(json.dumps(original))

    result = run_cli(env, "helper", "install")
    assert result.returncode == 0, result.stderr
    data = json.loads(env.docker_config.read_text())
    assert data["credHelpers"] == {
        HOST: "ecrtui",
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com": "ecrtui",
        "127.0.0.1:5000": "ecrtui",
        "public.ecr.aws": "ecrtui",
        "gcr.io": "gcloud",
    }
    assert data["auths"] == {"registry.example.org": {"auth": "dXNlcjpwdw=="}}, "plaintext of those hosts removed"
    assert (data["credsStore"], data["psFormat"]) == ("desktop", "table {{.ID}}")
    assert stat.S_IMODE(os.stat(env.docker_config).st_mode) == 0o600
    assert "127.0.0.1:5000 -> ecrtui (was ecr-login)" in result.stdout
    assert "old-password" not in env.docker_config.read_text()

    again = run_cli(env, "helper", "install")
    assert again.returncode == 0 and "nothing to change" in again.stdout

    undone = run_cli(env, "helper", "uninstall")
    assert undone.returncode == 0, undone.stderr
    data = json.loads(env.docker_config.read_text())
    assert data["credHelpers"] == original["credHelpers"], "exactly the entries install added are gone"
    assert data["auths"] == {"registry.example.org": {"auth": "dXNlcjpwdw=="}}
    assert (data["credsStore"], data["psFormat"]) == ("desktop", "table {{.ID}}")


def test_helper_install_of_one_target_and_its_limits(env: Env) -> None:
    env.write_profiles(PROFILES)
    env.vars["ECRTUI_CONFIG"] = str(env.home / "profiles.yaml")
    result = run_cli(env, "helper", "install", "--target", "mirror", "--output", "json")
    assert result.returncode == 0, result.stderr
    [change] = json.loads(result.stdout)["files"]
    assert change["credHelpers"] == {"127.0.0.1:5000": "ecrtui"}
    assert json.loads(env.docker_config.read_text()) == {"credHelpers": {"127.0.0.1:5000": "ecrtui"}}

    env.docker_config.write_text("{not json")
    broken = run_cli(env, "helper", "install", "--target", "mirror")
    assert broken.returncode == 1 and "not valid JSON" in broken.stderr
    assert env.docker_config.read_text() == "{not json", "an unreadable file is left untouched"

    env.write_profiles("version: 1\ntargets:\n  - name: default-only\n    region: us-east-1\n")
    nothing = run_cli(env, "helper", "install")
    assert nothing.returncode == 2 and "no registry host" in nothing.stderr
