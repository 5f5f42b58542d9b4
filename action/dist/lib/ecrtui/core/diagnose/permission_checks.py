"""Permission checks: what the caller may do, found out by calls that change nothing.

- Login: `ecr:GetAuthorizationToken` (public: `ecr-public:GetAuthorizationToken` and the
  `sts:GetServiceBearerToken` it needs).
- Per repository (`repository_checks`): exists, pull, push.
- Cross-account repositories: the repository policy of the other account must grant the
  caller too, which no identity policy can fix.
"""

from __future__ import annotations

from ecrtui.core.addresses import PUBLIC_REGION, RegistryType
from ecrtui.core.aws_errors import to_aws_error
from ecrtui.core.diagnose.check_ids import PULL_AND_PUSH, CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.identity_checks import Identity
from ecrtui.core.diagnose.models import Category, Check, CheckMaker, CheckStatus
from ecrtui.core.diagnose.permission_probe import PermissionScope, attempt, decided, simulate
from ecrtui.core.diagnose.repository_checks import (
    PULL_ACTIONS,
    PUSH_ACTIONS,
    private_repository_checks,
    public_repository_checks,
)
from ecrtui.core.iam_policy import repository_policy
from ecrtui.core.models import Registry, Target
from ecrtui.core.tokens import MAX_IDS_PER_CALL


def check_permissions(
    ctx: DoctorContext,
    target: Target,
    registries: tuple[Registry, ...],
    repositories: tuple[str, ...],
    identity: Identity | None,
) -> list[Check]:
    scope = PermissionScope(ctx, target, identity, CheckMaker(target.name, Category.PERMISSIONS))
    if target.type is RegistryType.PUBLIC:
        checks = _public_login(scope)
        for registry in registries[:1]:
            for name in repositories:
                checks.extend(public_repository_checks(scope, registry, name))
        return checks
    by_region: dict[str, list[Registry]] = {}
    for registry in registries:
        by_region.setdefault(registry.region, []).append(registry)
    checks = [_private_login(scope, region, members) for region, members in by_region.items()]
    for registry in registries:
        _add_registry_checks(scope, registry, repositories, checks)
    return checks


def _add_registry_checks(
    scope: PermissionScope, registry: Registry, repositories: tuple[str, ...], checks: list[Check]
) -> None:
    """A private registry's repositories, and for another account's registry what its
    repository policies must grant too (read from the checks made so far)."""
    identity = scope.identity
    account = registry.account_id or (identity.account if identity else None)
    foreign = identity is not None and account is not None and account != identity.account
    if foreign and not repositories:
        checks.append(_cross_account_registry(scope, registry, str(account)))
    for name in repositories:
        checks.extend(private_repository_checks(scope, registry, account, name))
        if foreign:
            checks.append(_cross_account_repository(scope, registry, str(account), name, checks))


# --- login --------------------------------------------------------------------------------------


def _private_login(scope: PermissionScope, region: str, members: list[Registry]) -> Check:
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
            CheckId.PERMISSIONS_LOGIN, title, ["ecr:GetAuthorizationToken"], "*", region, where=f" in {region}"
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


def _public_login(scope: PermissionScope) -> list[Check]:
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
        decisions = simulate(scope, ("sts:GetServiceBearerToken",), "*", PUBLIC_REGION)
        if isinstance(decisions, dict):
            bearer = decided(scope, CheckId.PERMISSIONS_SERVICE_BEARER_TOKEN, bearer_title, decisions, "*", None)
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


# --- cross-account ---------------------------------------------------------------------------------


def _cross_account_registry(scope: PermissionScope, registry: Registry, account: str) -> Check:
    assert scope.identity is not None
    return scope.make.ok(
        CheckId.PERMISSIONS_CROSS_ACCOUNT,
        "Cross-account registry",
        f"registry {account} belongs to another account than the caller ({scope.identity.account}): "
        f"pulls and pushes also need its repository policies to grant {scope.identity.principal_arn}",
        remediation="list the repositories under repositories: (or --repository) to check them",
        subject=registry.host or account,
    )


def _cross_account_repository(
    scope: PermissionScope, registry: Registry, account: str, name: str, checks: list[Check]
) -> Check:
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
