"""Per repository: does it exist (`ecr:DescribeRepositories`), may the caller pull
(`BatchGetImage` of a tag that cannot exist answers ImageNotFound when allowed, AccessDenied
when not; `GetDownloadUrlForLayer` of a made-up digest) and push
(`BatchCheckLayerAvailability` of a made-up digest; the upload actions and PutImage only
through `iam:SimulatePrincipalPolicy`, since trying them would write)."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecrtui.core.addresses import PUBLIC_REGION, RegistryType
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.models import Check
from ecrtui.core.diagnose.permission_probe import (
    Outcome,
    PermissionScope,
    attempt,
    decided,
    simulate,
    unknown_reason,
)
from ecrtui.core.iam_policy import identity_policy
from ecrtui.core.models import Registry
from ecrtui.core.partitions import arn_partition

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
class _Probed:
    """One repository as its probes name it: the ARN a policy grants, the subject of its
    checks, and whether it turned out not to exist."""

    registry: Registry
    arn: str
    subject: str
    missing: bool = False


def private_repository_checks(
    scope: PermissionScope, registry: Registry, account: str | None, name: str
) -> list[Check]:
    client = scope.client("ecr", registry.region)
    where = {"registryId": account} if account else {}
    repository = _Probed(registry, repository_arn(registry, account, name), f"{registry.host or registry.label}/{name}")
    exists = _exists(scope, client, where, repository, account, name)
    probe = functools.partial(_probe_check, scope, _Probed(**{**repository.__dict__, "missing": exists.failed}))
    pull_image = attempt(
        lambda: client.batch_get_image(
            repositoryName=name, imageIds=[{"imageTag": f"ecrtui-doctor-{secrets.token_hex(8)}"}], **where
        )
    )
    pull_image_check = probe(
        CheckId.PERMISSIONS_PULL_IMAGE, "Pull: ecr:BatchGetImage", "ecr:BatchGetImage", pull_image, _image_not_found
    )
    pull_layer = attempt(
        lambda: client.get_download_url_for_layer(repositoryName=name, layerDigest=MADE_UP_DIGEST, **where),
        expected=("LayersNotFoundException", "LayerInaccessibleException"),
    )
    pull_layer_check = probe(
        CheckId.PERMISSIONS_PULL_LAYER, "Pull: ecr:GetDownloadUrlForLayer", "ecr:GetDownloadUrlForLayer", pull_layer
    )
    push_check = attempt(
        lambda: client.batch_check_layer_availability(repositoryName=name, layerDigests=[MADE_UP_DIGEST], **where)
    )
    push = "ecr:BatchCheckLayerAvailability"
    push_check_check = probe(CheckId.PERMISSIONS_PUSH_CHECK, f"Push: {push}", push, push_check)
    upload = _push_upload(scope, "ecr", repository, registry.region)
    return [exists, pull_image_check, pull_layer_check, push_check_check, upload]


def _exists(
    scope: PermissionScope, client: Any, where: dict[str, str], repository: _Probed, account: str | None, name: str
) -> Check:
    registry, arn, subject = repository.registry, repository.arn, repository.subject
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
        CheckId.PERMISSIONS_REPOSITORY, title, f"could not be checked: {unknown_reason(outcome)}", subject=subject
    )


def _image_not_found(outcome: Outcome) -> bool:
    failures = (outcome.response or {}).get("failures") or []
    return any(f.get("failureCode") == "ImageNotFound" for f in failures) or bool(
        (outcome.response or {}).get("images")
    )


def _probe_check(
    scope: PermissionScope,
    repository: _Probed,
    id: CheckId,
    title: str,
    action: str,
    outcome: Outcome,
    allowed: Callable[[Outcome], bool] = lambda outcome: True,
) -> Check:
    """The verdict of one probing call; when the answer says nothing, ask the IAM
    simulator instead (if the caller may)."""
    arn, subject = repository.arn, repository.subject
    if outcome.kind == "denied":
        return scope.denied(id, title, [outcome.action or action], arn, subject)
    if outcome.kind == "no-repository" or (repository.missing and outcome.kind != "answered"):
        return scope.make.skip(id, title, "the repository does not exist", subject=subject)
    if outcome.kind == "expected" or (outcome.kind == "answered" and allowed(outcome)):
        said = f"answered {outcome.code}" if outcome.kind == "expected" else "answered without AccessDenied"
        return scope.make.ok(id, title, f"allowed: ECR {said} for a made-up image", subject=subject)
    reason = unknown_reason(outcome) if outcome.kind == "unknown" else "an answer that proves nothing"
    decisions = simulate(scope, (action,), arn, repository.registry.region)
    if isinstance(decisions, dict):
        return decided(scope, id, title, decisions, arn, subject, prefix=f"ECR answered {reason}; ")
    return scope.make.skip(id, title, f"could not be verified: ECR answered {reason}, and {decisions}", subject=subject)


def _push_upload(scope: PermissionScope, service: str, repository: _Probed, region: str) -> Check:
    arn, subject = repository.arn, repository.subject
    title = "Push: upload and PutImage"
    actions = tuple(f"{service}:{a}" for a in UPLOAD_ACTIONS)
    decisions = simulate(scope, actions, arn, region)
    if isinstance(decisions, dict):
        return decided(scope, CheckId.PERMISSIONS_PUSH_UPLOAD, title, decisions, arn, subject)
    return scope.make.skip(
        CheckId.PERMISSIONS_PUSH_UPLOAD,
        title,
        f"{', '.join(actions)} cannot be verified without writing, and {decisions}",
        remediation=f"a push also needs them on {arn}; let the caller call iam:SimulatePrincipalPolicy to check them",
        subject=subject,
    )


def public_repository_checks(scope: PermissionScope, registry: Registry, name: str) -> list[Check]:
    account = scope.identity.account if scope.identity else None
    repository = _Probed(
        registry, repository_arn(registry, account, name), f"{registry.host or 'public.ecr.aws'}/{name}"
    )
    client = scope.client("ecr-public", PUBLIC_REGION)
    push_check = attempt(
        lambda: client.batch_check_layer_availability(repositoryName=name, layerDigests=[MADE_UP_DIGEST])
    )
    return [
        scope.make.ok(
            CheckId.PERMISSIONS_PULL_IMAGE,
            "Pull",
            "pulls from ECR Public need no permission",
            subject=repository.subject,
        ),
        _probe_check(
            scope,
            repository,
            CheckId.PERMISSIONS_PUSH_CHECK,
            "Push: ecr-public:BatchCheckLayerAvailability",
            "ecr-public:BatchCheckLayerAvailability",
            push_check,
        ),
        _push_upload(scope, "ecr-public", repository, PUBLIC_REGION),
    ]
