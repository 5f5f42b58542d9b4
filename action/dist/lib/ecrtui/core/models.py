"""The values the core hands out: targets, planned registries, tokens, login results and
progress events. All frozen, so the CLI and the TUI can share them across threads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from ecrtui.core.addresses import RegistrySpec, RegistryType

WRITER_NAMES = ("docker", "podman", "helm")


@dataclass(frozen=True)
class SourceLocation:
    """Where a value was written: a file and a 1-based line, for error messages."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Target:
    """A set of registries reached with one set of credentials."""

    name: str
    profile: str | None = None
    region: str | None = None
    role_arn: str | None = None
    type: RegistryType = RegistryType.PRIVATE
    registries: tuple[RegistrySpec, ...] = ()
    repositories: tuple[str, ...] = ()
    writers: tuple[str, ...] | None = None
    source: SourceLocation | None = None


@dataclass(frozen=True)
class Registry:
    """One registry to log into, with its credentials and region resolved.

    `account_id` None is the caller's default registry, whose host is known only once AWS
    answers; `host` is where the credentials are stored.
    """

    target: str
    profile: str | None
    role_arn: str | None
    type: RegistryType
    region: str
    account_id: str | None
    host: str | None
    writers: tuple[str, ...] = ("docker",)

    @property
    def label(self) -> str:
        return self.host or f"default registry ({self.region})"


@dataclass(frozen=True)
class Token:
    """Registry credentials from GetAuthorizationToken. The password never shows in repr."""

    host: str
    username: str
    password: str = field(repr=False)
    expires_at: dt.datetime | None
    account_id: str | None
    region: str


class LoginStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class LoginResult:
    """How one registry's login ended. `token` is set on success, for writers and outputs;
    renderers must never print its password."""

    registry: Registry
    status: LoginStatus
    host: str | None
    token: Token | None = None
    writers: tuple[str, ...] = ()
    error: str | None = None
    remediation: str | None = None
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is LoginStatus.OK

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.token.expires_at if self.token else None

    @property
    def account_id(self) -> str | None:
        if self.token and self.token.account_id:
            return self.token.account_id
        return self.registry.account_id


@dataclass(frozen=True)
class LoginStarted:
    """A registry's login has begun (its group's AWS call is in flight)."""

    registry: Registry


@dataclass(frozen=True)
class LoginFinished:
    """A registry's login ended, well or badly."""

    result: LoginResult


LoginEvent = LoginStarted | LoginFinished
