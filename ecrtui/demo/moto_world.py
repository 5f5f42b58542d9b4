"""What the demo changes in moto and botocore, in the demo's own process only: tokens
that last 12 hours, the repositories its targets examine, an IAM policy simulator that
denies the pull-only role its pushes, and every registry host routed to the loopback
stand-in."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from ecrtui.core.clock import utc_now
from ecrtui.demo.standins.registries import LocalRegistries


def fresh_moto_tokens() -> None:
    """moto hands out tokens that expired in 2015; the demo wants realistic 12-hour ones so
    the expiry column means something. Patched in this demo process only."""
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse as EcrResponse

    original = EcrResponse.get_authorization_token

    def get_authorization_token(self: EcrResponse) -> ActionResult:
        result = original(self)
        expires = utc_now() + dt.timedelta(hours=12)
        answer = result.result
        for entry in answer.get("authorizationData", []) if isinstance(answer, dict) else []:
            entry["expiresAt"] = expires
        return result

    EcrResponse.get_authorization_token = get_authorization_token  # type: ignore[method-assign]


# The repository staging and prod examine, in each of their registries: (caller's account,
# region, registry). moto keeps repositories per caller account and region.
DEMO_REPOSITORIES = (
    ("123456789012", "us-west-2", "333333333333"),
    ("123456789012", "eu-central-1", "333333333333"),
    ("123456789012", "ap-southeast-2", "444444444444"),
    ("998877665544", "us-east-1", "998877665544"),
)
# What the demo's pull-only role (prod's ecr-pull) may not do: a push.
PULL_ONLY_ROLE = ":role/ecr-pull"
PUSH_ONLY_ACTIONS = ("InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage")


def create_repositories() -> None:
    from moto.ecr.models import ecr_backends

    for account, region, registry in DEMO_REPOSITORIES:
        ecr_backends[account][region].create_repository(
            repository_name="team/app",
            registry_id=registry,
            encryption_config={},
            image_scan_config={},
            image_tag_mutability="MUTABLE",
            tags=[],
        )


def policy_simulator() -> None:
    """moto has no IAM policy simulator; the demo answers for it: the pull-only role may not
    push (so prod's diagnosis shows the policy that would grant it), all else is allowed.
    Patched in this demo process only."""
    from moto.core.responses import ActionResult
    from moto.iam.responses import IamResponse

    def simulate_principal_policy(self: IamResponse) -> ActionResult:
        principal = self._get_param("PolicySourceArn") or ""
        resources = self._get_param("ResourceArns", []) or ["*"]
        pull_only = PULL_ONLY_ROLE in principal or "assumed-role/ecr-pull/" in principal
        results = [
            {
                "EvalActionName": action,
                "EvalResourceName": resources[0],
                "EvalDecision": "implicitDeny" if pull_only and action.endswith(PUSH_ONLY_ACTIONS) else "allowed",
            }
            for action in self._get_param("ActionNames", [])
        ]
        return ActionResult({"EvaluationResults": results, "IsTruncated": False})

    IamResponse.simulate_principal_policy = simulate_principal_policy  # type: ignore[attr-defined]


@contextlib.contextmanager
def registries_on_loopback(registries: LocalRegistries) -> Iterator[None]:
    """Every HTTP request of this process to an ECR registry host goes to the stand-in: the
    diagnostics try stored credentials at their registry's /v2/ through botocore's HTTP
    session, and a demo reaches nothing outside 127.0.0.1. Patched in this process only."""
    from botocore.awsrequest import AWSPreparedRequest
    from botocore.httpsession import URLLib3Session

    original = URLLib3Session.send

    def send(self: URLLib3Session, request: AWSPreparedRequest) -> object:
        request.url = registries.route(request.url)
        return original(self, request)

    URLLib3Session.send = send
    try:
        yield
    finally:
        URLLib3Session.send = original
