"""Credential checks: can the target's credentials be resolved, and from which provider;
is an SSO session expired (and the exact `aws sso login` to run); who the caller is
(`sts:GetCallerIdentity`); is the local clock close enough to AWS's for signatures.

Resolution runs in a daemon thread with a deadline: with no credentials anywhere, the
chain ends at the EC2 instance metadata endpoint, which can hold a caller for minutes
(amazon-ecr-credential-helper #137, #351). The doctor reports that instead of waiting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ecrtui.core.aws import SSO_EXPIRED, is_access_denied, policy_statement, translate
from ecrtui.core.config import AwsProfile
from ecrtui.core.deadline import DeadlinePassed, within
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Category, Check, CheckBuilder
from ecrtui.core.models import Target
from ecrtui.core.sso_config import SsoRole

# AWS refuses a request signed more than 5 minutes away from its own clock.
MAX_SKEW_SECONDS = 300
WARN_SKEW_SECONDS = 60
DEFAULT_IMDS = "http://169.254.169.254"

_PROVIDERS = {
    "env": "environment variables (AWS_ACCESS_KEY_ID)",
    "shared-credentials-file": "static keys of profile {profile} in the shared credentials file",
    "config-file": "static keys of profile {profile} in the config file",
    "sso": "IAM Identity Center (SSO) session of profile {profile}",
    "assume-role": "a role assumed by profile {profile}",
    "assume-role-with-web-identity": "a web identity token (AssumeRoleWithWebIdentity)",
    "container-role": "the container credentials endpoint (ECS task role or EKS Pod Identity)",
    "iam-role": "the EC2 instance profile (instance metadata endpoint)",
    "custom-process": "the credential_process of profile {profile}",
    "login": "the `aws login` session of profile {profile}",
}


@dataclass(frozen=True)
class Identity:
    """Who the credentials belong to, from sts:GetCallerIdentity."""

    account: str
    arn: str

    @property
    def principal_arn(self) -> str:
        """The IAM ARN a policy is attached to: an assumed-role session's role, else the ARN."""
        parts = self.arn.split(":", 5)
        if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
            role = parts[5].split("/")[1]
            return f"arn:{parts[1]}:iam::{parts[4]}:role/{role}"
        return self.arn

    @property
    def kind(self) -> str:
        resource = self.arn.split(":", 5)[-1]
        if resource.startswith("assumed-role/"):
            return "role"
        if resource.startswith("user/"):
            return "IAM user"
        return "principal"


@dataclass(frozen=True)
class Resolution:
    """How resolving one set of credentials ended."""

    method: str | None  # botocore's provider name; None when nothing resolved
    error: BaseException | None
    elapsed: float
    timed_out: bool = False


@dataclass(frozen=True)
class CredentialOutcome:
    checks: tuple[Check, ...]
    identity: Identity | None
    usable: bool
    reason: str = ""  # why the credentials cannot be used, for the checks that then skip


def resolve_with_deadline(ctx: DoctorContext, profile: str | None, role_arn: str | None) -> Resolution:
    """Resolve credentials in a daemon thread and stop waiting after the deadline (the
    thread may go on, blocked in the metadata endpoint, but never holds the run up)."""

    def resolve() -> Resolution:
        started = time.monotonic()

        def work() -> Resolution:
            method: str | None = None
            try:
                if role_arn is None and SsoRole.from_profile_key(profile) is not None:
                    method = "sso"  # GetRoleCredentials of a target naming IAM Identity Center
                elif role_arn is None:
                    credentials = ctx.factory.session(profile).get_credentials()
                    method = getattr(credentials, "method", None)
                ctx.factory.credentials(profile, role_arn)
                return Resolution(method, None, time.monotonic() - started)
            except Exception as error:
                return Resolution(method, error, time.monotonic() - started)

        try:
            return within(work, ctx.credential_deadline, name="ecrtui-doctor-credentials", finish_at_exit=False)
        except DeadlinePassed:
            return Resolution(None, None, time.monotonic() - started, timed_out=True)

    return ctx.memo.get(("credentials", profile, role_arn), resolve)


def check_credentials(ctx: DoctorContext, target: Target, sts_region: str) -> CredentialOutcome:
    """Resolve the target's credentials (bounded), then ask STS who they belong to."""
    check = CheckBuilder(target.name, Category.CREDENTIALS)
    profile_name = target.profile or ctx.environ.get("AWS_PROFILE") or ctx.environ.get("AWS_DEFAULT_PROFILE")
    checks: list[Check] = []
    sso = _sso_check(ctx, check, profile_name)
    if sso is not None:
        checks.append(sso)
    base = resolve_with_deadline(ctx, target.profile, None)
    if base.timed_out or base.error is not None:
        checks.append(_unresolved(ctx, check, base, profile_name))
        return CredentialOutcome(tuple(checks), None, False, "the credentials could not be resolved")
    provider = _PROVIDERS.get(base.method or "", base.method or "an unknown provider").format(
        profile=profile_name or "default"
    )
    if target.role_arn is not None:
        assumed = resolve_with_deadline(ctx, target.profile, target.role_arn)
        if assumed.timed_out or assumed.error is not None:
            checks.append(_assume_failed(ctx, check, target, assumed, provider, sts_region))
            return CredentialOutcome(tuple(checks), None, False, f"the role {target.role_arn} could not be assumed")
        provider += f", then the role {target.role_arn} assumed by ecrtui"
    checks.append(
        check.ok("credentials.provider", "Credential source", f"{provider} (resolved in {base.elapsed * 1000:.0f} ms)")
    )
    identity, identity_checks = _identity(ctx, check, target, sts_region)
    checks.extend(identity_checks)
    if identity is None:
        return CredentialOutcome(tuple(checks), None, False, "AWS did not accept the credentials")
    return CredentialOutcome(tuple(checks), identity, True)


# --- failures to resolve ------------------------------------------------------------------------


def _unresolved(ctx: DoctorContext, check: CheckBuilder, resolution: Resolution, profile: str | None) -> Check:
    env = ctx.environ
    imds = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") or DEFAULT_IMDS
    imds_off = env.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true"
    if resolution.timed_out:
        waits = ""
        if env.get("AWS_METADATA_SERVICE_TIMEOUT") or env.get("AWS_METADATA_SERVICE_NUM_ATTEMPTS"):
            waits = (
                f" (AWS_METADATA_SERVICE_TIMEOUT={env.get('AWS_METADATA_SERVICE_TIMEOUT', '1')}, "
                f"AWS_METADATA_SERVICE_NUM_ATTEMPTS={env.get('AWS_METADATA_SERVICE_NUM_ATTEMPTS', '1')} "
                "let it wait that long per request)"
            )
        return check.fail(
            "credentials.provider",
            "Credential source",
            f"resolving credentials did not finish within {ctx.credential_deadline:g} s: with no credentials "
            f"in the environment or the profile, the chain waits on the instance metadata endpoint {imds}, "
            f"which accepts connections but does not answer{waits}. Stopped waiting; nothing after it was tried",
            remediation=(
                "outside EC2, set AWS_EC2_METADATA_DISABLED=true and give credentials (AWS_PROFILE, "
                "`aws configure`, `aws sso login`); on EC2, check the instance profile and the metadata hop "
                "limit (containers need 2)"
            ),
        )
    error = resolution.error
    assert error is not None
    translated = translate(error, action="resolve credentials", profile=profile, settings=ctx.factory.settings)
    if translated.code == "NoCredentials":
        tried = [
            "environment variables",
            f"profile {profile or 'default'} of the shared credentials and config files",
            "web identity",
            "the container endpoint"
            + (
                ""
                if env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
                else " (not configured)"
            ),
            f"the instance metadata endpoint {imds}"
            + (" (disabled by AWS_EC2_METADATA_DISABLED)" if imds_off else f" (no answer; {resolution.elapsed:.1f} s)"),
        ]
        return check.fail(
            "credentials.provider",
            "Credential source",
            f"no AWS credentials found; looked at: {'; '.join(tried)}",
            remediation=translated.remediation,
        )
    return check.fail(
        "credentials.provider",
        "Credential source",
        translated.message,
        remediation=translated.remediation,
        subject=profile,
    )


def _assume_failed(
    ctx: DoctorContext, check: CheckBuilder, target: Target, resolution: Resolution, provider: str, region: str
) -> Check:
    role = target.role_arn or ""
    if resolution.timed_out:
        return check.fail(
            "credentials.assume-role",
            "Assume role",
            f"sts:AssumeRole of {role} did not answer within {ctx.credential_deadline:g} s",
            remediation="check the network path to STS (see the network checks)",
        )
    error = resolution.error
    assert error is not None
    code, message = _error_code(error)
    if is_access_denied(code, message):
        caller = _base_caller(ctx, target, region)
        return check.fail(
            "credentials.assume-role",
            "Assume role",
            f"{caller or 'the caller'} (credentials from {provider}) may not assume {role}",
            remediation=(
                f"attach this policy to {caller or 'the caller'}, and make the trust policy of {role} "
                "name that principal"
            ),
            policy=policy_statement(["sts:AssumeRole"], role),
            subject=role,
        )
    translated = translate(error, action="sts:AssumeRole", profile=target.profile, settings=ctx.factory.settings)
    return check.fail(
        "credentials.assume-role",
        "Assume role",
        f"assuming {role} failed: {translated.message}",
        remediation=translated.remediation,
        subject=role,
    )


def _base_caller(ctx: DoctorContext, target: Target, region: str) -> str | None:
    try:
        answer = ctx.factory.client("sts", region, target.profile, None).get_caller_identity()
    except Exception:  # only for naming the principal in a hint
        return None
    return Identity(str(answer.get("Account", "")), str(answer.get("Arn", ""))).principal_arn


def _error_code(error: BaseException) -> tuple[str, str]:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        details = response.get("Error", {})
        return str(details.get("Code", "")), str(details.get("Message", ""))
    return "", str(error)


# --- SSO -----------------------------------------------------------------------------------------


def _sso_profile(profiles: tuple[AwsProfile, ...], name: str | None) -> AwsProfile | None:
    """The SSO profile `name` takes its credentials from: itself or a source_profile."""
    by_name = {p.name: p for p in profiles}
    seen: set[str] = set()
    current = by_name.get(name or "default")
    while current is not None and current.name not in seen:
        if current.kind == "sso":
            return current
        seen.add(current.name)
        current = by_name.get(current.source_profile or "")
    return None


def _sso_check(ctx: DoctorContext, check: CheckBuilder, profile_name: str | None) -> Check | None:
    sso = _sso_profile(ctx.known_profiles, profile_name)
    if sso is None:
        return None
    login = f"aws sso login --profile {profile_name or sso.name}"
    key_source = sso.sso_session or sso.sso_start_url
    if not key_source:
        return None  # an incomplete SSO profile: botocore's error says what is missing
    home = Path(ctx.environ.get("HOME") or Path.home())
    cache = home / ".aws" / "sso" / "cache" / f"{hashlib.sha1(key_source.encode()).hexdigest()}.json"
    session = f"SSO session {sso.sso_session!r}" if sso.sso_session else f"SSO start URL {sso.sso_start_url}"
    try:
        cached: Any = json.loads(cache.read_text(encoding="utf-8"))
        expires = _parse_expiry(str(cached["expiresAt"]))
    except FileNotFoundError:
        return check.fail(
            "credentials.sso",
            "SSO session",
            f"no cached token for the {session} ({cache}): never logged in, or logged out",
            remediation=f"run: {login}",
            subject=sso.name,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return check.fail(
            "credentials.sso",
            "SSO session",
            f"the token cache {cache} of the {session} cannot be read",
            remediation=f"run: {login}",
            subject=sso.name,
        )
    now = ctx.clock()
    stamp = expires.strftime("%Y-%m-%d %H:%M UTC")
    if expires > now:
        left = int((expires - now).total_seconds())
        return check.ok(
            "credentials.sso",
            "SSO session",
            f"{session} valid until {stamp} (in {left // 3600}h{left % 3600 // 60:02d}m)",
            subject=sso.name,
        )
    if cached.get("refreshToken"):
        return check.warn(
            "credentials.sso",
            "SSO session",
            f"the {session} token expired at {stamp}; botocore will try its refresh token",
            remediation=f"if the credential check below fails, run: {login}",
            subject=sso.name,
        )
    return check.fail(
        "credentials.sso",
        "SSO session",
        f"the {session} expired at {stamp}",
        remediation=f"run: {login}",
        subject=sso.name,
    )


def _parse_expiry(text: str) -> dt.datetime:
    # The AWS CLI writes 2024-01-01T00:00:00Z; older versions wrote ...UTC.
    cleaned = text.strip().replace("UTC", "+00:00").replace("Z", "+00:00")
    moment = dt.datetime.fromisoformat(cleaned)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# --- identity and clock ----------------------------------------------------------------------


@dataclass(frozen=True)
class _CallerAnswer:
    identity: Identity | None
    error: BaseException | None
    server_date: dt.datetime | None
    local_time: dt.datetime  # the local clock halfway through the call


def _ask_identity(ctx: DoctorContext, target: Target, region: str) -> _CallerAnswer:
    def ask() -> _CallerAnswer:
        before = ctx.clock()
        try:
            answer = ctx.factory.client("sts", region, target.profile, target.role_arn).get_caller_identity()
            identity: Identity | None = Identity(str(answer.get("Account", "")), str(answer.get("Arn", "")))
            error: BaseException | None = None
            metadata = answer.get("ResponseMetadata", {})
        except Exception as failure:
            identity, error = None, failure
            response = getattr(failure, "response", None)  # only a ClientError carries the answer
            metadata = response.get("ResponseMetadata", {}) if isinstance(response, dict) else {}
        after = ctx.clock()
        date = (metadata.get("HTTPHeaders") or {}).get("date")
        try:
            server = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            server = None
        return _CallerAnswer(identity, error, server, before + (after - before) / 2)

    return ctx.memo.get(("identity", target.profile, target.role_arn, region), ask)


def _identity(
    ctx: DoctorContext, check: CheckBuilder, target: Target, region: str
) -> tuple[Identity | None, list[Check]]:
    answer = _ask_identity(ctx, target, region)
    checks: list[Check] = []
    if answer.identity is not None:
        identity = answer.identity
        checks.append(
            check.ok(
                "credentials.identity",
                "Caller identity",
                f"{identity.arn} ({identity.kind}, account {identity.account})",
            )
        )
    else:
        assert answer.error is not None
        translated = translate(
            answer.error, action="sts:GetCallerIdentity", profile=target.profile, settings=ctx.factory.settings
        )
        hint = translated.remediation
        if translated.code == SSO_EXPIRED:
            hint = f"run: aws sso login --profile {target.profile or ctx.environ.get('AWS_PROFILE') or 'default'}"
        checks.append(check.fail("credentials.identity", "Caller identity", translated.message, remediation=hint))
    checks.append(_clock(check, answer))
    return answer.identity, checks


def _clock(check: CheckBuilder, answer: _CallerAnswer) -> Check:
    title = "Clock"
    if answer.server_date is None:
        return check.skip("credentials.clock", title, "STS sent no Date header to compare the local clock with")
    skew = (answer.local_time - answer.server_date).total_seconds()
    # The Date header has whole seconds: a second of difference is noise.
    direction = "ahead of" if skew > 0 else "behind"
    amount = abs(skew)
    said = f"the local clock is {amount:.0f} s {direction} AWS (Date header of the STS answer)"
    if amount <= WARN_SKEW_SECONDS:
        return check.ok("credentials.clock", title, said)
    fix = "synchronise the clock (e.g. `timedatectl set-ntp true`, or `w32tm /resync` on Windows)"
    if amount <= MAX_SKEW_SECONDS:
        return check.warn("credentials.clock", title, f"{said}: close to the 5-minute limit", remediation=fix)
    return check.fail(
        "credentials.clock",
        title,
        f"{said}: AWS refuses requests signed more than 5 minutes off (SignatureDoesNotMatch, "
        "`Signature expired`, RequestTimeTooSkewed)",
        remediation=fix,
    )
