"""`ecrtui sso login` against the IAM Identity Center stand-in: the device flow, the token
cache botocore reads (and botocore's cache read by ecrtui), reuse, refresh, and every bad
input and failure as a one-line message with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.commands import REPO, run_cli
from support.environment import Env
from support.sso import SSO_REGION, START_URL, calls, control, sign_in, squeezed, token_file

from ecrtui.demo.standins.identity_center import IdentityCenterStandin

BOTOCORE_FIELDS = {
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
}


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ecrtui: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def python(env: Env, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env.vars, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )


def test_sign_in_prints_the_code_and_writes_botocores_token_cache(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser")
    assert result.returncode == 0, result.stderr
    assert f"{identity_center.url}/start/#/device" in result.stderr
    assert "signed in to corp until" in result.stderr
    assert result.stdout == ""
    path = token_file(sso_env, "corp")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    cached = json.loads(path.read_text())
    assert set(cached) == BOTOCORE_FIELDS
    assert cached["startUrl"] == START_URL and cached["region"] == SSO_REGION
    assert cached["accessToken"] in identity_center.state.access_tokens
    assert cached["refreshToken"] in identity_center.state.refresh_tokens
    assert cached["clientId"] in identity_center.state.clients
    expires = dt.datetime.strptime(cached["expiresAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert dt.timedelta(hours=7) < expires - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=8)
    assert squeezed(calls(identity_center)) == ["RegisterClient", "StartDeviceAuthorization", "CreateToken"]
    assert list(path.parent.glob("*.tmp")) == []


def test_botocore_resolves_credentials_from_the_cache_ecrtui_wrote(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    sso_env.write_aws_config(
        sso_env.aws_config.read_text()
        + "[profile dev]\nsso_session = corp\nsso_account_id = 100000000002\nsso_role_name = Admin\nregion = us-east-1\n"
    )
    before = len(calls(identity_center))
    # A plain boto3 session: botocore's own SSO provider, token provider and cache reader.
    checked = python(
        sso_env,
        "import boto3\n"
        "session = boto3.Session(profile_name='dev')\n"
        "creds = session.get_credentials().get_frozen_credentials()\n"
        "print(creds.access_key[:4], session.get_credentials().method)\n"
        "session.client('ecr').describe_repositories()\n",
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.split() == ["ASIA", "sso"]
    assert calls(identity_center)[before:] == ["/federation/credentials"]


def test_ecrtui_uses_a_token_botocore_wrote(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    token = json.loads(token_file(sso_env).read_text())
    token_file(sso_env).unlink()
    # botocore's own writer: SSOTokenLoader over JSONFileCache, with its datetime serialiser.
    code = (
        "import json, os, datetime\n"
        "from botocore.utils import SSOTokenLoader, JSONFileCache\n"
        "from botocore.tokens import _sso_json_dumps\n"
        "token = json.loads(os.environ['TOKEN'])\n"
        "token['expiresAt'] = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)\n"
        "cache = JSONFileCache(os.path.expanduser('~/.aws/sso/cache'), dumps_func=_sso_json_dumps)\n"
        "SSOTokenLoader(cache).save_token(token['startUrl'], token, session_name='corp')\n"
    )
    writer = subprocess.run(
        [sys.executable, "-c", code],
        env={**sso_env.vars, "TOKEN": json.dumps(token)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert writer.returncode == 0, writer.stderr
    assert token_file(sso_env).exists()
    before = len(calls(identity_center))
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp", "--no-browser")
    assert result.returncode == 0, result.stderr
    assert "already signed in to corp" in result.stderr
    assert calls(identity_center)[before:] == []


def test_a_valid_sign_in_is_reused_and_force_reuses_the_registration(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    control(identity_center, "approve")  # nothing pending: a no-op, proves the route answers
    again = run_cli(sso_env, "sso", "login", "--sso-session", "corp")
    assert again.returncode == 0 and "already signed in" in again.stderr
    first = calls(identity_center)
    assert squeezed(first) == ["RegisterClient", "StartDeviceAuthorization", "CreateToken"]
    forced = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser", "--force")
    assert forced.returncode == 0, forced.stderr
    assert squeezed(calls(identity_center)[len(first) :]) == [
        "StartDeviceAuthorization",
        "CreateToken",
    ]  # no new RegisterClient


def test_an_expired_access_token_is_renewed_silently_with_the_refresh_token(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    first = calls(identity_center)
    path = token_file(sso_env)
    cached = json.loads(path.read_text())
    cached["expiresAt"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(cached))
    control(identity_center, "expire-tokens")
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp", "--no-browser")
    assert result.returncode == 0, result.stderr
    assert "renewed the sign-in to corp" in result.stderr and "code:" not in result.stderr
    assert calls(identity_center)[len(first) :] == ["CreateToken"]
    renewed = json.loads(path.read_text())
    assert renewed["accessToken"] != cached["accessToken"]
    assert renewed["accessToken"] in identity_center.state.access_tokens
    assert renewed["refreshToken"] != cached["refreshToken"]


def test_slow_down_adds_five_seconds_to_the_polling_interval(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    control(identity_center, "settings", {"slow_down_next": 1})
    started = time.monotonic()
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 5
    assert calls(identity_center).count("CreateToken") >= 2


def test_a_legacy_profile_is_cached_under_the_sha1_of_its_start_url(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    sso_env.write_aws_config(
        f"[profile old]\nsso_start_url = {START_URL}\nsso_region = {SSO_REGION}\n"
        "sso_account_id = 100000000001\nsso_role_name = ReadOnly\n"
    )
    result = sign_in(sso_env, identity_center, "--profile", "old", "--no-browser")
    assert result.returncode == 0, result.stderr
    cached = json.loads(token_file(sso_env, START_URL).read_text())
    assert cached["startUrl"] == START_URL
    checked = python(
        sso_env,
        "import boto3\nprint(boto3.Session(profile_name='old').get_credentials().get_frozen_credentials().access_key[:4])\n",
    )
    assert checked.returncode == 0 and checked.stdout.strip() == "ASIA", checked.stderr


def test_the_browser_opens_only_with_a_display_and_without_no_browser(
    sso_env: Env, identity_center: IdentityCenterStandin, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys\nopen({str(opened)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    sso_env.vars.update(DISPLAY=":99", BROWSER=f"{sys.executable} {browser} %s")
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser", "--force").returncode == 0
    assert not opened.exists()
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--force")
    assert result.returncode == 0, result.stderr
    url = opened.read_text().strip()
    assert url.startswith(f"{identity_center.url}/start/#/device?user_code=") and url.split("=")[-1] in result.stderr


# --- what bad input and failure get --------------------------------------------------------------


def nothing_written(env: Env) -> bool:
    return not (env.home / ".aws" / "sso").exists()


def test_an_unknown_session_is_a_configuration_error(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    result = run_cli(sso_env, "sso", "login", "--sso-session", "crop")
    assert result.returncode == 2
    assert "no [sso-session crop]" in one_line_error(result)
    assert "use one of: corp" in result.stderr
    assert nothing_written(sso_env) and calls(identity_center) == []


def test_an_unknown_profile_and_a_profile_without_sso_are_configuration_errors(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    result = run_cli(sso_env, "sso", "login", "--profile", "nope")
    assert result.returncode == 2 and "profile 'nope' not found" in one_line_error(result)
    sso_env.write_aws_config(sso_env.aws_config.read_text() + "[profile static]\nregion = us-east-1\n")
    result = run_cli(sso_env, "sso", "login", "--profile", "static")
    assert result.returncode == 2
    assert "profile static has no IAM Identity Center settings" in one_line_error(result)
    assert "sso_session = NAME" in result.stderr
    result = run_cli(sso_env, "sso", "login")
    assert result.returncode == 2 and "--sso-session" in result.stderr and "Traceback" not in result.stderr
    assert nothing_written(sso_env) and calls(identity_center) == []


def test_a_bad_start_url_or_region_in_the_session_is_a_configuration_error(sso_env: Env) -> None:
    sso_env.write_aws_config("[sso-session corp]\nsso_start_url = http://corp/start\nsso_region = eu-west-1\n")
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp")
    assert result.returncode == 2 and "is not an https:// URL" in one_line_error(result)
    sso_env.write_aws_config(f"[sso-session corp]\nsso_start_url = {START_URL}\n")
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp")
    assert result.returncode == 2 and "has no sso_region" in one_line_error(result)
    assert nothing_written(sso_env)


def test_a_start_url_or_region_that_does_not_answer_is_a_failure(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    from ecrtui.demo.standins.ports import free_port

    sso_env.vars["AWS_ENDPOINT_URL_SSO_OIDC"] = f"http://127.0.0.1:{free_port()}"
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp", "--timeout", "2")
    assert result.returncode == 1 and "cannot reach" in one_line_error(result)
    sso_env.vars.update(identity_center.environment())
    control(identity_center, "settings", {"fail_oidc": True})
    result = run_cli(sso_env, "sso", "login", "--sso-session", "corp", "--timeout", "2")
    assert result.returncode == 1 and "RegisterClient failed" in one_line_error(result)
    assert nothing_written(sso_env)


def test_a_denied_sign_in_fails_and_writes_no_token(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser", user="deny")
    assert result.returncode == 1
    assert "was denied in the browser" in one_line_error(result)
    assert "choose Allow" in result.stderr
    assert not token_file(sso_env).exists()


def test_an_expired_code_fails_and_writes_no_token(sso_env: Env, identity_center: IdentityCenterStandin) -> None:
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser", user="ignore")
    assert result.returncode == 1
    assert "the sign-in code expired" in one_line_error(result)
    assert not token_file(sso_env).exists()


def test_a_revoked_registration_is_replaced_and_one_revoked_mid_sign_in_fails(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    first = calls(identity_center)
    control(identity_center, "revoke-clients")
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser", "--force")
    assert result.returncode == 0, result.stderr
    assert squeezed(calls(identity_center)[len(first) :]) == [
        "StartDeviceAuthorization",  # the cached registration, refused
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
    ]
    # Revoked while the user is at the browser: a clear failure, and the next run registers anew.
    before = json.loads(token_file(sso_env).read_text())
    revoked = sign_in(
        sso_env, identity_center, "--sso-session", "corp", "--no-browser", "--force", user="revoke-clients"
    )
    assert revoked.returncode == 1
    assert "registration of ecrtui was revoked" in one_line_error(revoked)
    assert json.loads(token_file(sso_env).read_text()) == before


def test_the_secret_scan_catches_identity_center_secrets_and_sign_in_prints_none(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    from support.hygiene import find_secrets

    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser")
    cached = json.loads(token_file(sso_env).read_text())
    secrets = [cached[k] for k in ("accessToken", "refreshToken", "clientSecret")]
    assert [found for _, found in find_secrets(" ".join(secrets))] == secrets  # the scan would see a leak
    assert find_secrets(result.stdout + result.stderr, extra=identity_center.state.handed_out) == []


# --- the token cache follows the credentials-file rules (in process) -----------------------


def test_a_symlinked_token_cache_file_is_replaced_where_the_link_leads(sso_env: Env) -> None:
    from ecrtui.core.sso_cache import write_json

    path = token_file(sso_env, "corp")
    path.parent.mkdir(parents=True)
    real = sso_env.home / "dotfiles" / "token.json"
    real.parent.mkdir()
    real.write_text("{}")
    real.chmod(0o600)
    path.symlink_to(real)
    write_json(path, {"accessToken": "new"})
    assert path.is_symlink() and path.resolve() == real
    assert json.loads(real.read_text()) == {"accessToken": "new"}
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert list(path.parent.glob("*.tmp")) == list(real.parent.glob("*.tmp")) == []


def test_a_cache_folder_that_cannot_be_made_is_a_one_line_writer_error(
    sso_env: Env, identity_center: IdentityCenterStandin
) -> None:
    from ecrtui.core.errors import WriterError
    from ecrtui.core.sso_cache import write_json

    (sso_env.home / ".aws" / "sso").write_text("not a folder")
    path = token_file(sso_env, "corp")
    try:
        write_json(path, {"accessToken": "new"})
    except WriterError as error:
        assert str(path) in error.message and error.remediation
    else:
        raise AssertionError("no WriterError")
    result = sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser")
    assert result.returncode != 0
    assert "cannot write" in one_line_error(result)


def test_the_token_cache_is_written_without_os_fchmod_as_on_windows(
    sso_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from ecrtui.core.sso_cache import write_json

    monkeypatch.delattr(os, "fchmod")
    path = token_file(sso_env, "corp")
    write_json(path, {"accessToken": "new"})
    assert json.loads(path.read_text()) == {"accessToken": "new"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_token_temp_files_are_registered_for_the_signal_cleanup(sso_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from ecrtui.core.sso_cache import write_json
    from ecrtui.core.writers import jsonfile

    live: list[set[str]] = []
    replace = os.replace

    def spy(source: str, target: object) -> None:
        live.append(set(jsonfile._live_temp_files))
        replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", spy)
    write_json(token_file(sso_env, "corp"), {"accessToken": "new"})
    assert len(live) == 1 and len(live[0]) == 1
    assert Path(next(iter(live[0]))).parent == token_file(sso_env, "corp").parent
    assert jsonfile._live_temp_files == set()


# --- every Identity Center secret is redacted from messages once known (in process) --------


def test_the_sso_tokens_and_role_credentials_are_redacted_after_use(
    sso_env: Env, identity_center: IdentityCenterStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecrtui.core.aws import AwsSettings, ClientFactory
    from ecrtui.core.errors import AwsError
    from ecrtui.core.sanitize import redact
    from ecrtui.core.sso import role_credentials
    from ecrtui.core.sso_config import SsoRole

    assert sign_in(sso_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    cached = json.loads(token_file(sso_env, "corp").read_text())
    for name, value in identity_center.environment().items():  # botocore reads them from os.environ
        monkeypatch.setenv(name, value)
    factory = ClientFactory(AwsSettings(environ=sso_env.vars))
    issued = role_credentials(SsoRole("corp", "100000000002", "Admin"), factory, sso_env.vars)
    secrets = [cached["accessToken"], cached["refreshToken"], cached["clientSecret"], issued.secret_key, issued.token]
    for secret in secrets:
        assert secret not in redact(f"failed with {secret}")
        assert secret not in str(AwsError(f"failed: {secret!r}"))
    assert redact(f"key {issued.access_key}") == f"key {issued.access_key[:4]}***"


def test_tokens_and_client_secrets_are_redacted_once_stored(sso_env: Env) -> None:
    import secrets as random

    from ecrtui.core.aws import AwsSettings, ClientFactory
    from ecrtui.core.sanitize import redact
    from ecrtui.core.sso import SignIn
    from ecrtui.core.sso_cache import Registration
    from ecrtui.core.sso_config import resolve_config

    access, refresh, client_secret = (random.token_urlsafe(24) for _ in range(3))
    config = resolve_config(sso_session="corp", environ=sso_env.vars)
    flow = SignIn(config, ClientFactory(AwsSettings(environ=sso_env.vars)), environ=sso_env.vars)
    registration = Registration("client-id", client_secret, dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=90))
    flow._store({"accessToken": access, "expiresIn": 3600, "refreshToken": refresh}, registration, "device")
    for secret in (access, refresh, client_secret):
        assert secret not in redact(f"failed with {secret}")


def test_the_profiles_files_timeout_and_attempts_apply_to_sso_as_to_login(sso_env: Env) -> None:
    """`sso` reads the profiles file's `timeout` and `max_attempts` as `login` does: one
    second and one attempt against a service that never answers, not 10 s three times."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are accepted by the kernel, never answered
    try:
        profiles = sso_env.write_profiles("version: 1\ndefaults:\n  timeout: 1\n  max_attempts: 1\ntargets: []\n")
        sso_env.vars.update(
            ECRTUI_CONFIG=str(profiles), AWS_ENDPOINT_URL_SSO_OIDC=f"http://127.0.0.1:{silent.getsockname()[1]}"
        )
        started = time.monotonic()
        result = run_cli(sso_env, "sso", "login", "--sso-session", "corp", timeout=60)
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert result.returncode == 1, result.stderr
    one_line_error(result)
    assert elapsed < 8, f"took {elapsed:.1f}s"
    assert nothing_written(sso_env)
