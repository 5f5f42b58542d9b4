"""Credential checks: can the target's credentials be resolved, and from which provider;
then the SSO session behind them (`sso_checks`), who the caller is and the clock
(`identity_checks`).

Resolution runs in a daemon thread with a deadline: with no credentials anywhere, the
chain ends at the EC2 instance metadata endpoint, which can hold a caller for minutes
off EC2. The doctor reports that instead of waiting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ecrtui.core.aws_errors import code_and_message, is_access_denied, to_aws_error
from ecrtui.core.deadline import DeadlinePassed, within
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.identity_checks import Identity, check_identity
from ecrtui.core.diagnose.models import Category, Check, CheckMaker
from ecrtui.core.diagnose.sso_checks import check_sso_session
from ecrtui.core.iam_policy import identity_policy
from ecrtui.core.models import Target
from ecrtui.core.sso_config import SsoRole

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
    make = CheckMaker(target.name, Category.CREDENTIALS)
    profile_name = target.profile or ctx.environ.get("AWS_PROFILE") or ctx.environ.get("AWS_DEFAULT_PROFILE")
    checks: list[Check] = []
    sso = check_sso_session(ctx, make, profile_name)
    if sso is not None:
        checks.append(sso)
    base = resolve_with_deadline(ctx, target.profile, None)
    if base.timed_out or base.error is not None:
        checks.append(_unresolved(ctx, make, base, profile_name))
        return CredentialOutcome(tuple(checks), None, False, "the credentials could not be resolved")
    provider = _PROVIDERS.get(base.method or "", base.method or "an unknown provider").format(
        profile=profile_name or "default"
    )
    if target.role_arn is not None:
        assumed = resolve_with_deadline(ctx, target.profile, target.role_arn)
        if assumed.timed_out or assumed.error is not None:
            checks.append(_assume_failed(ctx, make, target, assumed, provider, sts_region))
            return CredentialOutcome(tuple(checks), None, False, f"the role {target.role_arn} could not be assumed")
        provider += f", then the role {target.role_arn} assumed by ecrtui"
    checks.append(
        make.ok(
            CheckId.CREDENTIALS_PROVIDER, "Credential source", f"{provider} (resolved in {base.elapsed * 1000:.0f} ms)"
        )
    )
    identity, identity_checks = check_identity(ctx, make, target, sts_region)
    checks.extend(identity_checks)
    if identity is None:
        return CredentialOutcome(tuple(checks), None, False, "AWS did not accept the credentials")
    return CredentialOutcome(tuple(checks), identity, True)


# --- failures to resolve ------------------------------------------------------------------------


def _unresolved(ctx: DoctorContext, make: CheckMaker, resolution: Resolution, profile: str | None) -> Check:
    if resolution.timed_out:
        return _metadata_hang(ctx, make)
    error = resolution.error
    assert error is not None
    translated = to_aws_error(error, action="resolve credentials", profile=profile, settings=ctx.factory.settings)
    if translated.code == "NoCredentials":
        return make.fail(
            CheckId.CREDENTIALS_PROVIDER,
            "Credential source",
            f"no AWS credentials found; looked at: {'; '.join(_places_looked(ctx, resolution, profile))}",
            remediation=translated.remediation,
        )
    return make.fail(
        CheckId.CREDENTIALS_PROVIDER,
        "Credential source",
        translated.message,
        remediation=translated.remediation,
        subject=profile,
    )


def _metadata_endpoint(ctx: DoctorContext) -> str:
    return ctx.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") or DEFAULT_IMDS


def _metadata_hang(ctx: DoctorContext, make: CheckMaker) -> Check:
    env = ctx.environ
    waits = ""
    if env.get("AWS_METADATA_SERVICE_TIMEOUT") or env.get("AWS_METADATA_SERVICE_NUM_ATTEMPTS"):
        waits = (
            f" (AWS_METADATA_SERVICE_TIMEOUT={env.get('AWS_METADATA_SERVICE_TIMEOUT', '1')}, "
            f"AWS_METADATA_SERVICE_NUM_ATTEMPTS={env.get('AWS_METADATA_SERVICE_NUM_ATTEMPTS', '1')} "
            "let it wait that long per request)"
        )
    return make.fail(
        CheckId.CREDENTIALS_PROVIDER,
        "Credential source",
        f"resolving credentials did not finish within {ctx.credential_deadline:g} s: with no credentials "
        f"in the environment or the profile, the chain waits on the instance metadata endpoint "
        f"{_metadata_endpoint(ctx)}, which accepts connections but does not answer{waits}. Stopped waiting; "
        "nothing after it was tried",
        remediation=(
            "outside EC2, set AWS_EC2_METADATA_DISABLED=true and give credentials (AWS_PROFILE, "
            "`aws configure`, `aws sso login`); on EC2, check the instance profile and the metadata hop "
            "limit (containers need 2)"
        ),
    )


def _places_looked(ctx: DoctorContext, resolution: Resolution, profile: str | None) -> list[str]:
    """Where botocore's default chain looked, each with why it had nothing."""
    env = ctx.environ
    container = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") or env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    imds_off = env.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true"
    return [
        "environment variables",
        f"profile {profile or 'default'} of the shared credentials and config files",
        "web identity",
        "the container endpoint" + ("" if container else " (not configured)"),
        f"the instance metadata endpoint {_metadata_endpoint(ctx)}"
        + (" (disabled by AWS_EC2_METADATA_DISABLED)" if imds_off else f" (no answer; {resolution.elapsed:.1f} s)"),
    ]


def _assume_failed(
    ctx: DoctorContext, make: CheckMaker, target: Target, resolution: Resolution, provider: str, region: str
) -> Check:
    role = target.role_arn or ""
    if resolution.timed_out:
        return make.fail(
            CheckId.CREDENTIALS_ASSUME_ROLE,
            "Assume role",
            f"sts:AssumeRole of {role} did not answer within {ctx.credential_deadline:g} s",
            remediation="check the network path to STS (see the network checks)",
        )
    error = resolution.error
    assert error is not None
    code, message = code_and_message(error)
    if is_access_denied(code, message):
        caller = _base_caller(ctx, target, region)
        return make.fail(
            CheckId.CREDENTIALS_ASSUME_ROLE,
            "Assume role",
            f"{caller or 'the caller'} (credentials from {provider}) may not assume {role}",
            remediation=(
                f"attach this policy to {caller or 'the caller'}, and make the trust policy of {role} "
                "name that principal"
            ),
            policy=identity_policy(["sts:AssumeRole"], role),
            subject=role,
        )
    translated = to_aws_error(error, action="sts:AssumeRole", profile=target.profile, settings=ctx.factory.settings)
    return make.fail(
        CheckId.CREDENTIALS_ASSUME_ROLE,
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
