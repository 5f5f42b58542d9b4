"""`ecrtui doctor` credential checks: the provider named, an expired SSO session with the
exact `aws sso login` to run, no credentials at all (quickly, and in bounded time when the
instance metadata endpoint holds connections open), and clock skew against the Date
header of a real STS answer (moto's)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.doctor import doctor_cli, doctor_in_process, isolated_environ, json_checks, one
from support.environment import Env

from ecrtui.core.diagnose import CheckStatus
from ecrtui.core.models import Target

SSO_CONFIG = """\
[profile dev-sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Dev
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.example/start
sso_region = us-east-1
"""


def _without_keys(env: Env) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        env.vars.pop(name, None)


def test_expired_sso_session_names_the_login_command(env: Env) -> None:
    _without_keys(env)
    env.write_aws_config(SSO_CONFIG)
    cache = env.home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / f"{hashlib.sha1(b'corp').hexdigest()}.json").write_text(
        json.dumps(
            {
                "startUrl": "https://corp.awsapps.example/start",
                "region": "us-east-1",
                "accessToken": "expired-access-token",
                "expiresAt": "2020-01-01T00:00:00Z",
            }
        )
    )
    code, document, _ = doctor_cli(env, "--profile", "dev-sso")
    assert code == 1
    [sso] = json_checks(document, "credentials.sso")
    assert sso["status"] == "fail"
    assert "expired at 2020-01-01 00:00 UTC" in sso["finding"] and "'corp'" in sso["finding"]
    assert sso["remediation"] == "run: aws sso login --profile dev-sso"
    [provider] = json_checks(document, "credentials.provider")
    assert provider["status"] == "fail" and "aws sso login --profile dev-sso" in provider["remediation"]
    assert "expired-access-token" not in json.dumps(document)


def test_never_logged_in_sso_profile(env: Env) -> None:
    _without_keys(env)
    env.write_aws_config(SSO_CONFIG)
    code, document, _ = doctor_cli(env, "--profile", "dev-sso")
    assert code == 1
    [sso] = json_checks(document, "credentials.sso")
    assert sso["status"] == "fail" and "never logged in" in sso["finding"]
    assert sso["remediation"] == "run: aws sso login --profile dev-sso"


def test_no_credentials_at_all_is_reported(env: Env) -> None:
    _without_keys(env)
    started = time.monotonic()
    code, document, _ = doctor_cli(env, "--region", "us-east-1")
    assert code == 1
    [provider] = json_checks(document, "credentials.provider")
    assert provider["status"] == "fail"
    assert provider["finding"].startswith("no AWS credentials found")
    assert "disabled by AWS_EC2_METADATA_DISABLED" in provider["finding"]
    assert "AWS_PROFILE" in provider["remediation"]
    [skipped] = json_checks(document, "permissions.skipped")
    assert skipped["status"] == "skip"
    assert time.monotonic() - started < 20


@pytest.fixture
def stalling_metadata_endpoint() -> Iterator[str]:
    """An instance metadata endpoint that accepts connections and never answers, as a
    firewalled or half-present IMDS does (the kernel completes the handshake from the
    backlog; nothing ever reads)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"


def test_no_credentials_with_a_stalling_metadata_endpoint_is_bounded(env: Env, stalling_metadata_endpoint: str) -> None:
    _without_keys(env)
    del env.vars["AWS_EC2_METADATA_DISABLED"]
    env.vars.update(
        AWS_EC2_METADATA_SERVICE_ENDPOINT=stalling_metadata_endpoint,
        # what botocore would then wait: 60 s per request, 5 attempts, several requests
        AWS_METADATA_SERVICE_TIMEOUT="60",
        AWS_METADATA_SERVICE_NUM_ATTEMPTS="5",
    )
    started = time.monotonic()
    code, document, _ = doctor_cli(env, "--region", "us-east-1", "--timeout", "2")
    elapsed = time.monotonic() - started
    assert code == 1
    [provider] = json_checks(document, "credentials.provider")
    assert provider["status"] == "fail"
    assert "did not finish within 2 s" in provider["finding"]
    assert stalling_metadata_endpoint in provider["finding"]
    assert "AWS_METADATA_SERVICE_TIMEOUT=60" in provider["finding"]
    assert "AWS_EC2_METADATA_DISABLED=true" in provider["remediation"]
    # the deadline, plus interpreter start-up and the other checks
    assert elapsed < 15, elapsed


def test_provider_is_named(moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    environ = isolated_environ(monkeypatch, tmp_path, AWS_ENDPOINT_URL=moto)
    Path(environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        "[static]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    report = doctor_in_process([Target(name="t", profile="static", region="us-east-1")], environ)
    provider = one(report, "credentials.provider")
    assert provider.status is CheckStatus.OK
    assert provider.finding.startswith("static keys of profile static in the shared credentials file")
    identity = one(report, "credentials.identity")
    assert identity.status is CheckStatus.OK and "account 123456789012" in identity.finding

    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=moto, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"
    )
    report = doctor_in_process([Target(name="t", region="us-east-1")], environ)
    assert one(report, "credentials.provider").finding.startswith("environment variables")


@pytest.mark.parametrize(
    ("offset", "status", "words"),
    [
        (dt.timedelta(minutes=10), CheckStatus.FAIL, "ahead of AWS"),
        (dt.timedelta(minutes=-3), CheckStatus.WARN, "behind AWS"),
        (dt.timedelta(0), CheckStatus.OK, "AWS"),
    ],
)
def test_clock_skew_against_the_servers_date_header(
    moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offset: dt.timedelta, status: CheckStatus, words: str
) -> None:
    environ = isolated_environ(
        monkeypatch, tmp_path, AWS_ENDPOINT_URL=moto, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing"
    )

    def skewed_clock() -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc) + offset

    report = doctor_in_process([Target(name="t", region="us-east-1")], environ, clock=skewed_clock)
    clock = one(report, "credentials.clock")
    assert clock.status is status, clock.finding
    assert words in clock.finding
    if status is CheckStatus.FAIL:
        assert "5 minutes" in clock.finding and "timedatectl" in clock.remediation
