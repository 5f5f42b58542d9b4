"""Permission checks: what the caller may do, found out by calls that change nothing.

- Login: `ecr:GetAuthorizationToken` (public: `ecr-public:GetAuthorizationToken` and the
  `sts:GetServiceBearerToken` it needs).
- Per repository: exists (`DescribeRepositories`); pull (`BatchGetImage` of a tag that
  cannot exist answers ImageNotFound when allowed, AccessDenied when not;
  `GetDownloadUrlForLayer` of a made-up digest); push (`BatchCheckLayerAvailability` of a
  made-up digest; the upload actions and PutImage only through
  `iam:SimulatePrincipalPolicy`, since trying them would write).
- Cross-account repositories: the repository policy of the other account must grant the
  caller too, which no identity policy can fix.

Both kinds of denial count: real ECR's `AccessDeniedException` and the bare HTTP 403 with
an XML body that moto and some proxies send (`core.aws_errors.is_access_denied`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecrtui.core.addresses import PUBLIC_REGION, RegistryType
from ecrtui.core.aws_errors import code_and_message, denied_action, is_access_denied, to_aws_error
from ecrtui.core.diagnose.check_ids import PULL_AND_PUSH, CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.credential_checks import Identity
from ecrtui.core.diagnose.models import Category, Check, CheckMaker, CheckStatus
from ecrtui.core.iam_policy import identity_policy, repository_policy
from ecrtui.core.models import Registry, Target
from ecrtui.core.partitions import arn_partition
from ecrtui.core.tokens import MAX_IDS_PER_CALL

# A well-formed digest no image has: a malformed one could be refused before IAM is asked.
MADE_UP_DIGEST = "sha256:" + hashlib.sha256(b"ecrtui doctor: a layer that does not exist").hexdigest()
PULL_ACTIONS = ("BatchGetImage", "GetDownloadUrlForLayer")
UPLOAD_ACTIONS = ("InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage")
PUSH_ACTIONS = ("BatchCheckLayerAvailability", *UPLOAD_ACTIONS)


def repository_arn(registry: Registry, account: str | None, name: str) -> str:
    owner = account or "*"
    if registry.type is RegistryType.PUBLIC:
        return f"arn:aws:ecr-public::{owner}:repository/{name}"
    return f"arn:{arn_partition(registry.region)}:ecr:{registry.region}:{owner}:repository/{name}"


@dataclass(frozen=True)
class Outcome:
    """How one probing call ended.

    kind: `answered` (no error), `denied`, `expected` (an error that only comes after
    IAM let the call through), `no-repository`, or `unknown` (anything that says nothing
    about the permission: a 5xx, throttling, a connection error).
    """

    kind: str
    response: Any = None
    code: str = ""
    message: str = ""
    action: str | None = None
    error: BaseException | None = None  # what the call raised, for to_aws_error()


def attempt(operation: Callable[[], Any], *, expected: tuple[str, ...] = ()) -> Outcome:
    """Make one probing call and say how it ended: the answer, or what its error means
    for the permission asked about."""
    import botocore.exceptions as bx
    from botocore.parsers import ResponseParserError

    try:
        return Outcome("answered", operation())
    except bx.ClientError as error:
        code, message = code_and_message(error)
        if is_access_denied(code, message):
            return Outcome("denied", code=code, message=message, action=denied_action(message), error=error)
        if code == "RepositoryNotFoundException":
            return Outcome("no-repository", code=code, message=message, error=error)
        if code in expected:
            return Outcome("expected", code=code, message=message, error=error)
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if message.lstrip().startswith("<"):  # an HTML or XML page, not an AWS error
            code, message = f"HTTP {status}", "a page that is not an AWS error"
        return Outcome(
            "unknown", code=code or f"HTTP {status}", message=_first_line(message or str(error)), error=error
        )
    except ResponseParserError as error:
        return Outcome("unknown", code="ResponseParserError", message="an answer botocore cannot parse", error=error)
    except Exception as error:  # connection, TLS
        return Outcome("unknown", code=type(error).__name__, message=_first_line(str(error)), error=error)


def _first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _unknown_reason(outcome: Outcome) -> str:
    return f"{outcome.code}: {outcome.message}".rstrip(": ")


@dataclass(frozen=True)
class _Scope:
    """One target's permission run: who asks, with which clients, naming which principal."""

    ctx: DoctorContext
    target: Target
    identity: Identity | None
    make: CheckMaker

    @property
    def principal(self) -> str:
        if self.identity is None:
            return "the caller"
        return f"{self.identity.principal_arn} ({self.identity.kind})"

    def client(self, service: str, region: str) -> Any:
        return self.ctx.factory.client(service, region, self.target.profile, self.target.role_arn)

    def denied(
        self, id: CheckId, title: str, actions: list[str], resource: str, subject: str | None, what: str = ""
    ) -> Check:
        listed = ", ".join(actions)
        return self.make.fail(
            id,
            title,
            f"access denied: {self.principal} may not call {listed}{what}",
            remediation=f"attach this policy to {self.principal}",
            policy=identity_policy(actions, resource),
            subject=subject,
        )


def check_permissions(
    ctx: DoctorContext,
    target: Target,
    registries: tuple[Registry, ...],
    repositories: tuple[str, ...],
    identity: Identity | None,
) -> list[Check]:
    scope = _Scope(ctx, target, identity, CheckMaker(target.name, Category.PERMISSIONS))
    if target.type is RegistryType.PUBLIC:
        checks = _public_login(scope)
        for registry in registries[:1]:
            for name in repositories:
                checks.extend(_public_repository(scope, registry, name))
        return checks
    checks = []
    by_region: dict[str, list[Registry]] = {}
    for registry in registries:
        by_region.setdefault(registry.region, []).append(registry)
    for region, members in by_region.items():
        checks.append(_private_login(scope, region, members))
    for registry in registries:
        account = registry.account_id or (identity.account if identity else None)
        foreign = identity is not None and account is not None and account != identity.account
        if foreign and not repositories:
            checks.append(_cross_account_registry(scope, registry, str(account)))
        for name in repositories:
            checks.extend(_private_repository(scope, registry, account, name))
            if foreign:
                checks.append(_cross_account_repository(scope, registry, str(account), name, checks))
    return checks


# --- login --------------------------------------------------------------------------------------


def _private_login(scope: _Scope, region: str, members: list[Registry]) -> Check:
    title = "Login (ecr:GetAuthorizationToken)"
    ids = [r.account_id for r in members if r.account_id][:MAX_IDS_PER_CALL]
    client = scope.client("ecr", region)
    outcome = attempt(lambda: client.get_authorization_token(**({"registryIds": ids} if ids else {})))
    if outcome.kind == "answered":
        return scope.make.ok(
            CheckId.PERMISSIONS_LOGIN, title, f"allowed in {region}: ECR handed out a token", subject=region
        )
    if outcome.kind == "denied":
        return scope.denied(
            CheckId.PERMISSIONS_LOGIN, title, ["ecr:GetAuthorizationToken"], "*", region, f" in {region}"
        )
    translated = to_aws_error(
        outcome.error or RuntimeError(outcome.message),
        action="ecr:GetAuthorizationToken",
        profile=scope.target.profile,
        settings=scope.ctx.factory.settings,
    )
    return scope.make.fail(
        CheckId.PERMISSIONS_LOGIN,
        title,
        f"in {region}: {translated.message}",
        remediation=translated.remediation,
        subject=region,
    )


def _public_login(scope: _Scope) -> list[Check]:
    login_title = "Login (ecr-public:GetAuthorizationToken)"
    bearer_title = "Login (sts:GetServiceBearerToken)"
    client = scope.client("ecr-public", PUBLIC_REGION)
    outcome = attempt(client.get_authorization_token)
    if outcome.kind == "answered":
        return [
            scope.make.ok(CheckId.PERMISSIONS_LOGIN, login_title, "allowed: ECR Public handed out a token"),
            scope.make.ok(
                CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN, bearer_title, "allowed (ECR Public's token needs it)"
            ),
        ]
    if outcome.kind == "denied" and outcome.action == "sts:GetServiceBearerToken":
        return [
            scope.make.ok(
                CheckId.PERMISSIONS_LOGIN, login_title, "allowed: the denial came from the next step, the bearer token"
            ),
            scope.denied(
                CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN, bearer_title, ["sts:GetServiceBearerToken"], "*", None
            ),
        ]
    if outcome.kind == "denied":
        # The README's minimal public login policy: both actions, on any resource.
        login = scope.denied(
            CheckId.PERMISSIONS_LOGIN,
            login_title,
            ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"],
            "*",
            None,  # one public login per target: nothing to tell apart
        )
        decisions = _simulate(scope, ("sts:GetServiceBearerToken",), "*", PUBLIC_REGION)
        if isinstance(decisions, dict):
            bearer = _decided(scope, CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN, bearer_title, decisions, "*", None)
        else:
            bearer = scope.make.skip(
                CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN,
                bearer_title,
                f"checked only once ecr-public:GetAuthorizationToken is allowed ({decisions})",
            )
        return [login, bearer]
    translated = to_aws_error(
        outcome.error or RuntimeError(outcome.message),
        action="ecr-public:GetAuthorizationToken",
        profile=scope.target.profile,
        settings=scope.ctx.factory.settings,
    )
    return [
        scope.make.fail(CheckId.PERMISSIONS_LOGIN, login_title, translated.message, remediation=translated.remediation),
        scope.make.skip(CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN, bearer_title, "the login call did not get that far"),
    ]


# --- repositories -------------------------------------------------------------------------------


def _private_repository(scope: _Scope, registry: Registry, account: str | None, name: str) -> list[Check]:
    client = scope.client("ecr", registry.region)
    where = {"registryId": account} if account else {}
    arn = repository_arn(registry, account, name)
    subject = f"{registry.host or registry.label}/{name}"
    checks = [_exists(scope, client, where, registry, account, name, arn, subject)]
    missing = checks[0].failed
    pull_image = attempt(
        lambda: client.batch_get_image(
            repositoryName=name, imageIds=[{"imageTag": f"ecrtui-doctor-{secrets.token_hex(8)}"}], **where
        )
    )
    checks.append(
        _probe_check(
            scope,
            CheckId.PERMISSIONS_PULL_IMAGE,
            "Pull: ecr:BatchGetImage",
            "ecr:BatchGetImage",
            pull_image,
            arn,
            subject,
            missing,
            allowed=_image_not_found,
            registry=registry,
        )
    )
    pull_layer = attempt(
        lambda: client.get_download_url_for_layer(repositoryName=name, layerDigest=MADE_UP_DIGEST, **where),
        expected=("LayersNotFoundException", "LayerInaccessibleException"),
    )
    checks.append(
        _probe_check(
            scope,
            CheckId.PERMISSIONS_PULL_LAYER,
            "Pull: ecr:GetDownloadUrlForLayer",
            "ecr:GetDownloadUrlForLayer",
            pull_layer,
            arn,
            subject,
            missing,
            registry=registry,
        )
    )
    push_check = attempt(
        lambda: client.batch_check_layer_availability(repositoryName=name, layerDigests=[MADE_UP_DIGEST], **where)
    )
    checks.append(
        _probe_check(
            scope,
            CheckId.PERMISSIONS_PUSH_CHECK,
            "Push: ecr:BatchCheckLayerAvailability",
            "ecr:BatchCheckLayerAvailability",
            push_check,
            arn,
            subject,
            missing,
            registry=registry,
        )
    )
    checks.append(_push_upload(scope, "ecr", arn, subject, registry.region))
    return checks


def _exists(
    scope: _Scope,
    client: Any,
    where: dict[str, str],
    registry: Registry,
    account: str | None,
    name: str,
    arn: str,
    subject: str,
) -> Check:
    title = "Repository exists (ecr:DescribeRepositories)"
    outcome = attempt(lambda: client.describe_repositories(repositoryNames=[name], **where))
    owner = account or "the caller's account"
    if outcome.kind == "answered":
        return scope.make.ok(
            CheckId.PERMISSIONS_REPOSITORY, title, f"{name} exists in {owner} ({registry.region})", subject=subject
        )
    if outcome.kind == "no-repository":
        return scope.make.fail(
            CheckId.PERMISSIONS_REPOSITORY,
            title,
            f"{name} does not exist in registry {owner} in {registry.region}",
            remediation=(
                f"create it (`aws ecr create-repository --repository-name {name} --region {registry.region}`), "
                "or fix the name or region: repositories belong to one region"
            ),
            subject=subject,
        )
    if outcome.kind == "denied":
        return scope.make.warn(
            CheckId.PERMISSIONS_REPOSITORY,
            title,
            f"cannot tell whether {name} exists: {scope.principal} may not call ecr:DescribeRepositories "
            "(pull and push do not need it)",
            remediation=f"to let ecrtui doctor see it, attach this policy to {scope.principal}",
            policy=identity_policy(["ecr:DescribeRepositories"], arn),
            subject=subject,
        )
    return scope.make.skip(
        CheckId.PERMISSIONS_REPOSITORY, title, f"could not be checked: {_unknown_reason(outcome)}", subject=subject
    )


def _image_not_found(outcome: Outcome) -> bool:
    failures = (outcome.response or {}).get("failures") or []
    return any(f.get("failureCode") == "ImageNotFound" for f in failures) or bool(
        (outcome.response or {}).get("images")
    )


def _probe_check(
    scope: _Scope,
    id: CheckId,
    title: str,
    action: str,
    outcome: Outcome,
    arn: str,
    subject: str,
    repository_missing: bool,
    *,
    registry: Registry,
    allowed: Callable[[Outcome], bool] = lambda outcome: True,
) -> Check:
    """The verdict of one probing call; when the answer says nothing, ask the IAM
    simulator instead (if the caller may)."""
    if outcome.kind == "denied":
        return scope.denied(id, title, [outcome.action or action], arn, subject)
    if outcome.kind == "no-repository" or (repository_missing and outcome.kind != "answered"):
        return scope.make.skip(id, title, "the repository does not exist", subject=subject)
    if outcome.kind == "expected" or (outcome.kind == "answered" and allowed(outcome)):
        said = f"answered {outcome.code}" if outcome.kind == "expected" else "answered without AccessDenied"
        return scope.make.ok(id, title, f"allowed: ECR {said} for a made-up image", subject=subject)
    reason = _unknown_reason(outcome) if outcome.kind == "unknown" else "an answer that proves nothing"
    decisions = _simulate(scope, (action,), arn, registry.region)
    if isinstance(decisions, dict):
        return _decided(scope, id, title, decisions, arn, subject, prefix=f"ECR answered {reason}; ")
    return scope.make.skip(id, title, f"could not be verified: ECR answered {reason}, and {decisions}", subject=subject)


def _push_upload(scope: _Scope, service: str, arn: str, subject: str, region: str) -> Check:
    title = "Push: upload and PutImage"
    actions = tuple(f"{service}:{a}" for a in UPLOAD_ACTIONS)
    decisions = _simulate(scope, actions, arn, region)
    if isinstance(decisions, dict):
        return _decided(scope, CheckId.PERMISSIONS_PUSH_UPLOAD, title, decisions, arn, subject)
    return scope.make.skip(
        CheckId.PERMISSIONS_PUSH_UPLOAD,
        title,
        f"{', '.join(actions)} cannot be verified without writing, and {decisions}",
        remediation=f"a push also needs them on {arn}; let the caller call iam:SimulatePrincipalPolicy to check them",
        subject=subject,
    )


def _public_repository(scope: _Scope, registry: Registry, name: str) -> list[Check]:
    account = scope.identity.account if scope.identity else None
    arn = repository_arn(registry, account, name)
    subject = f"{registry.host or 'public.ecr.aws'}/{name}"
    client = scope.client("ecr-public", PUBLIC_REGION)
    push_check = attempt(
        lambda: client.batch_check_layer_availability(repositoryName=name, layerDigests=[MADE_UP_DIGEST])
    )
    return [
        scope.make.ok(
            CheckId.PERMISSIONS_PULL_IMAGE, "Pull", "pulls from ECR Public need no permission", subject=subject
        ),
        _probe_check(
            scope,
            CheckId.PERMISSIONS_PUSH_CHECK,
            "Push: ecr-public:BatchCheckLayerAvailability",
            "ecr-public:BatchCheckLayerAvailability",
            push_check,
            arn,
            subject,
            False,
            registry=registry,
        ),
        _push_upload(scope, "ecr-public", arn, subject, PUBLIC_REGION),
    ]


# --- the IAM policy simulator --------------------------------------------------------------------


def _simulate(scope: _Scope, actions: tuple[str, ...], resource: str, region: str) -> dict[str, str] | str:
    """{action: allowed | implicitDeny | explicitDeny}, or why the simulator could not say."""
    if scope.identity is None:
        return "the caller's identity is unknown"
    principal = scope.identity.principal_arn
    if ":root" in principal or ":federated-user/" in principal:
        return "iam:SimulatePrincipalPolicy cannot simulate this kind of principal"

    def simulate() -> dict[str, str] | str:
        client = scope.client("iam", region)
        outcome = attempt(
            lambda: client.simulate_principal_policy(
                PolicySourceArn=principal, ActionNames=list(actions), ResourceArns=[resource]
            )
        )
        if outcome.kind == "denied":
            return "the caller may not call iam:SimulatePrincipalPolicy"
        if outcome.kind != "answered":
            return f"iam:SimulatePrincipalPolicy failed ({_unknown_reason(outcome)})"
        results = outcome.response.get("EvaluationResults") or []
        return {str(r.get("EvalActionName")): str(r.get("EvalDecision")) for r in results}

    return scope.ctx.memo.get(("simulate", principal, actions, resource), simulate)


def _decided(
    scope: _Scope, id: CheckId, title: str, decisions: dict[str, str], arn: str, subject: str | None, prefix: str = ""
) -> Check:
    denied = sorted(action for action, decision in decisions.items() if decision != "allowed")
    if not denied:
        return scope.make.ok(
            id, title, f"{prefix}allowed by the caller's IAM policies (iam:SimulatePrincipalPolicy)", subject=subject
        )
    return scope.make.fail(
        id,
        title,
        f"{prefix}the IAM policy simulator says {scope.principal} may not call {', '.join(denied)}",
        remediation=f"attach this policy to {scope.principal}",
        policy=identity_policy(denied, arn),
        subject=subject,
    )


# --- cross-account ---------------------------------------------------------------------------------


def _cross_account_registry(scope: _Scope, registry: Registry, account: str) -> Check:
    assert scope.identity is not None
    return scope.make.ok(
        CheckId.PERMISSIONS_CROSS_ACCOUNT,
        "Cross-account registry",
        f"registry {account} belongs to another account than the caller ({scope.identity.account}): "
        f"pulls and pushes also need its repository policies to grant {scope.identity.principal_arn}",
        remediation="list the repositories under repositories: (or --repository) to check them",
        subject=registry.host or account,
    )


def _cross_account_repository(scope: _Scope, registry: Registry, account: str, name: str, checks: list[Check]) -> Check:
    assert scope.identity is not None
    subject = f"{registry.host or registry.label}/{name}"
    mine = [c for c in checks if c.subject == subject and c.id in PULL_AND_PUSH]
    denied = [c for c in mine if c.status is CheckStatus.FAIL]
    principal = scope.identity.principal_arn
    title = "Cross-account repository"
    if not denied:
        return scope.make.ok(
            CheckId.PERMISSIONS_CROSS_ACCOUNT,
            title,
            f"{name} is in account {account}, the caller in {scope.identity.account}: what was allowed above is "
            f"also granted by its repository policy",
            subject=subject,
        )
    actions = [f"ecr:{a}" for a in (*PULL_ACTIONS, *PUSH_ACTIONS)]
    return scope.make.warn(
        CheckId.PERMISSIONS_CROSS_ACCOUNT,
        title,
        f"{name} is in account {account}, the caller in {scope.identity.account}: besides the caller's IAM "
        f"policy, the repository policy in account {account} must grant {principal}",
        remediation=(
            f"in account {account}, add this statement to the repository policy of {name} "
            f"(`aws ecr set-repository-policy --repository-name {name} --policy-text file://policy.json`); "
            "keep only the pull actions for a pull-only role"
        ),
        policy=repository_policy(principal, actions),
        subject=subject,
    )
