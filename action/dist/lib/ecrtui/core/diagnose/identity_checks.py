"""Who the caller is (`sts:GetCallerIdentity`, asked once per credentials and region), and
whether the local clock is close enough to AWS's for signatures (the `Date` of that same
answer)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from ecrtui.core.aws_errors import SSO_EXPIRED, to_aws_error
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.models import Check, CheckMaker
from ecrtui.core.models import Target

# AWS refuses a request signed more than 5 minutes away from its own clock.
MAX_SKEW_SECONDS = 300

WARN_SKEW_SECONDS = 60


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


def check_identity(
    ctx: DoctorContext, make: CheckMaker, target: Target, region: str
) -> tuple[Identity | None, list[Check]]:
    answer = _ask_identity(ctx, target, region)
    checks: list[Check] = []
    if answer.identity is not None:
        identity = answer.identity
        checks.append(
            make.ok(
                CheckId.CREDENTIALS_IDENTITY,
                "Caller identity",
                f"{identity.arn} ({identity.kind}, account {identity.account})",
            )
        )
    else:
        assert answer.error is not None
        translated = to_aws_error(
            answer.error, action="sts:GetCallerIdentity", profile=target.profile, settings=ctx.factory.settings
        )
        hint = translated.remediation
        if translated.code == SSO_EXPIRED:
            hint = f"run: aws sso login --profile {target.profile or ctx.environ.get('AWS_PROFILE') or 'default'}"
        checks.append(make.fail(CheckId.CREDENTIALS_IDENTITY, "Caller identity", translated.message, remediation=hint))
    checks.append(_clock_check(make, answer))
    return answer.identity, checks


def _clock_check(make: CheckMaker, answer: _CallerAnswer) -> Check:
    title = "Clock"
    if answer.server_date is None:
        return make.skip(CheckId.CREDENTIALS_CLOCK, title, "STS sent no Date header to compare the local clock with")
    skew = (answer.local_time - answer.server_date).total_seconds()
    # The Date header has whole seconds: a second of difference is noise.
    direction = "ahead of" if skew > 0 else "behind"
    amount = abs(skew)
    said = f"the local clock is {amount:.0f} s {direction} AWS (Date header of the STS answer)"
    if amount <= WARN_SKEW_SECONDS:
        return make.ok(CheckId.CREDENTIALS_CLOCK, title, said)
    fix = "synchronise the clock (e.g. `timedatectl set-ntp true`, or `w32tm /resync` on Windows)"
    if amount <= MAX_SKEW_SECONDS:
        return make.warn(CheckId.CREDENTIALS_CLOCK, title, f"{said}: close to the 5-minute limit", remediation=fix)
    return make.fail(
        CheckId.CREDENTIALS_CLOCK,
        title,
        f"{said}: AWS refuses requests signed more than 5 minutes off (SignatureDoesNotMatch, "
        "`Signature expired`, RequestTimeTooSkewed)",
        remediation=fix,
    )
