"""The values `ecrtui doctor` hands out: one `Check` record per thing examined, and a
`Report` of them. Health checks as data (pipx style): the CLI renders them as text or
JSON, the TUI as a table, and neither has to know how a check was made."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.iam_policy import identity_policy_by_resource
from ecrtui.core.sanitize import clean


class CheckStatus(str, Enum):
    """How a check ended. Only FAIL makes the report fail (exit 1); WARN is worth reading."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"  # could not be examined (a prerequisite failed, or it cannot be done safely)


class Category(str, Enum):
    """The five groups of the issue, in the order a report lists them."""

    CONFIGURATION = "configuration"
    CREDENTIALS = "credentials"
    NETWORK = "network"
    PERMISSIONS = "permissions"
    LOCAL = "local"


@dataclass(frozen=True)
class Check:
    """One finding. `target` None is about this machine, not about one target.

    `id` is one of `CheckId`, a stable contract scripts and the TUI key on;
    `subject` says what within the target it is about (a host, a repository, an endpoint);
    `policy`, set where a permission is missing, is the minimal IAM policy document that
    would grant it.
    """

    id: CheckId
    target: str | None
    category: Category
    title: str
    status: CheckStatus
    finding: str
    remediation: str = ""
    policy: Mapping[str, Any] | None = field(default=None, compare=False)
    subject: str | None = None

    def __post_init__(self) -> None:
        # A finding quotes outside text (AWS errors, URLs, files): it leaves cleaned.
        for name in ("title", "finding", "remediation", "subject"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, clean(value))

    @property
    def failed(self) -> bool:
        return self.status is CheckStatus.FAIL


@dataclass(frozen=True)
class CheckMaker:
    """Makes the checks of one target and category, so call sites name only what varies."""

    target: str | None
    category: Category

    def record(self, status: CheckStatus, id: CheckId, title: str, finding: str, **extra: Any) -> Check:
        return Check(
            id=id, target=self.target, category=self.category, title=title, status=status, finding=finding, **extra
        )

    def ok(self, id: CheckId, title: str, finding: str, **extra: Any) -> Check:
        return self.record(CheckStatus.OK, id, title, finding, **extra)

    def warn(self, id: CheckId, title: str, finding: str, **extra: Any) -> Check:
        return self.record(CheckStatus.WARN, id, title, finding, **extra)

    def fail(self, id: CheckId, title: str, finding: str, **extra: Any) -> Check:
        return self.record(CheckStatus.FAIL, id, title, finding, **extra)

    def skip(self, id: CheckId, title: str, finding: str, **extra: Any) -> Check:
        return self.record(CheckStatus.SKIP, id, title, finding, **extra)


@dataclass(frozen=True)
class TargetReport:
    """The checks of one target (or of the machine, `name` None), in report order."""

    name: str | None
    checks: tuple[Check, ...]

    @property
    def status(self) -> CheckStatus:
        return worst(c.status for c in self.checks)

    def missing_policy(self) -> dict[str, Any] | None:
        """Every missing permission of this target in one policy document, a statement per
        resource, so one attachment fixes them all."""
        by_resource: dict[str, set[str]] = {}
        for check in self.checks:
            if check.policy is None or check.status is not CheckStatus.FAIL:
                continue
            for statement in check.policy.get("Statement", []):
                if "Principal" in statement:  # a repository policy: not for the caller's identity
                    continue
                actions = statement.get("Action", [])
                by_resource.setdefault(str(statement.get("Resource", "*")), set()).update(
                    [actions] if isinstance(actions, str) else actions
                )
        if not by_resource:
            return None
        return identity_policy_by_resource(by_resource)


_SEVERITY = (CheckStatus.OK, CheckStatus.SKIP, CheckStatus.WARN, CheckStatus.FAIL)


def worst(statuses: Iterator[CheckStatus] | tuple[CheckStatus, ...]) -> CheckStatus:
    """The most severe status (fail > warn > skip > ok); OK when there is none."""
    return max(statuses, key=_SEVERITY.index, default=CheckStatus.OK)


@dataclass(frozen=True)
class Report:
    """Every check of one doctor run, machine checks first, then target by target."""

    checks: tuple[Check, ...]

    @property
    def failed(self) -> bool:
        return any(c.failed for c in self.checks)

    @property
    def status(self) -> CheckStatus:
        return worst(c.status for c in self.checks)

    @property
    def exit_status(self) -> int:
        """0 when nothing failed, 1 when a check failed (bad usage, 2, never gets here)."""
        return 1 if self.failed else 0

    def counts(self) -> dict[str, int]:
        return {status.value: sum(1 for c in self.checks if c.status is status) for status in CheckStatus}

    def by_target(self) -> tuple[TargetReport, ...]:
        """The checks grouped by target, groups in order of first appearance."""
        groups: dict[str | None, list[Check]] = {}
        for check in self.checks:
            groups.setdefault(check.target, []).append(check)
        return tuple(TargetReport(name, tuple(checks)) for name, checks in groups.items())
