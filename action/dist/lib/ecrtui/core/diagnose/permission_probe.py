"""How the doctor finds out what the caller may do without changing anything: one probing
call and what its answer means for the permission (`attempt`), the principal the findings
name (`PermissionScope`), and the IAM policy simulator for what a probe cannot tell
(`simulate`, `decided`).

Both kinds of denial count: real ECR's `AccessDeniedException` and the bare HTTP 403 with
an XML body that moto and some proxies send (`core.aws_errors.is_access_denied`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecrtui.core.aws_errors import code_and_message, denied_action, is_access_denied
from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.diagnose.identity_checks import Identity
from ecrtui.core.diagnose.models import Check, CheckMaker
from ecrtui.core.iam_policy import identity_policy
from ecrtui.core.models import Target


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
        return Outcome("unknown", code=code or f"HTTP {status}", message=first_line(message or str(error)), error=error)
    except ResponseParserError as error:
        return Outcome("unknown", code="ResponseParserError", message="an answer botocore cannot parse", error=error)
    except Exception as error:  # connection, TLS
        return Outcome("unknown", code=type(error).__name__, message=first_line(str(error)), error=error)


def first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def unknown_reason(outcome: Outcome) -> str:
    return f"{outcome.code}: {outcome.message}".rstrip(": ")


@dataclass(frozen=True)
class PermissionScope:
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
        self,
        id: CheckId,
        title: str,
        actions: list[str],
        resource: str,
        subject: str | None,
        *,
        where: str = "",
        said: str = "access denied: ",
    ) -> Check:
        """A missing permission, and the policy that grants it to the principal."""
        return self.make.fail(
            id,
            title,
            f"{said}{self.principal} may not call {', '.join(actions)}{where}",
            remediation=f"attach this policy to {self.principal}",
            policy=identity_policy(actions, resource),
            subject=subject,
        )


# --- the IAM policy simulator --------------------------------------------------------------------


def simulate(scope: PermissionScope, actions: tuple[str, ...], resource: str, region: str) -> dict[str, str] | str:
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
            return f"iam:SimulatePrincipalPolicy failed ({unknown_reason(outcome)})"
        results = outcome.response.get("EvaluationResults") or []
        return {str(r.get("EvalActionName")): str(r.get("EvalDecision")) for r in results}

    return scope.ctx.memo.get(("simulate", principal, actions, resource), simulate)


def decided(
    scope: PermissionScope,
    id: CheckId,
    title: str,
    decisions: dict[str, str],
    arn: str,
    subject: str | None,
    prefix: str = "",
) -> Check:
    denied = sorted(action for action, decision in decisions.items() if decision != "allowed")
    if not denied:
        return scope.make.ok(
            id, title, f"{prefix}allowed by the caller's IAM policies (iam:SimulatePrincipalPolicy)", subject=subject
        )
    return scope.denied(id, title, denied, arn, subject, said=f"{prefix}the IAM policy simulator says ")
