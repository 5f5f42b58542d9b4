"""The JSON records of the headless commands, one dataclass each with `to_json()`. Their
fields and order are a contract (JSON_VERSION): tests pin them byte for byte."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from ecrtui.core.cache.entry import CacheEntry
from ecrtui.core.clock import iso_z
from ecrtui.core.models import LoginResult
from ecrtui.core.usecases.status import RegistryStatus

JSON_VERSION = 1


def write_document(document: dict[str, Any], out: TextIO) -> None:
    json.dump(document, out, indent=2)
    out.write("\n")


@dataclass(frozen=True)
class LoginRecord:
    """One login result."""

    target: str
    profile: str | None
    registry: str
    type: str
    account: str | None
    region: str
    status: str
    expires_at: str | None
    writers: list[str]
    error: str | None

    @classmethod
    def of(cls, result: LoginResult) -> LoginRecord:
        registry = result.registry
        return cls(
            target=registry.target,
            profile=registry.profile,
            registry=result.host or registry.label,
            type=registry.type.value,
            account=result.account_id,
            region=registry.region,
            status=result.status.value,
            expires_at=iso_z(result.expires_at),
            writers=list(result.writers),
            error=result.error if result.remediation is None else f"{result.error} ({result.remediation})",
        )

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def login_document(results: Sequence[LoginResult]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "results": [LoginRecord.of(r).to_json() for r in results]}


@dataclass(frozen=True)
class StatusRecord:
    """One registry of `ecrtui status`. `cached` None: the cache is off or unreadable.
    `credentials_in` None (left out of the JSON): a cached host no plan names."""

    target: str | None
    profile: str | None
    registry: str
    type: str
    account: str | None
    region: str | None
    written_to: list[str]
    credentials_in: list[str] | None
    cached: bool | None
    expires_at: str | None
    expired: bool | None

    @classmethod
    def of(cls, status: RegistryStatus) -> StatusRecord:
        registry, entry = status.registry, status.entry
        return cls(
            target=registry.target,
            profile=registry.profile,
            registry=registry.host or (entry.host if entry else registry.label),
            type=registry.type.value,
            account=registry.account_id,
            region=registry.region,
            written_to=list(status.written_to),
            credentials_in=list(status.credentials_in),
            cached=status.cached,
            expires_at=iso_z(entry.expires_at) if entry else None,
            expired=status.expired(),
        )

    @classmethod
    def unplanned(cls, entry: CacheEntry) -> StatusRecord:
        return cls(
            target=entry.target,
            profile=entry.profile,
            registry=entry.host,
            type=entry.type,
            account=entry.account,
            region=entry.region,
            written_to=[],
            credentials_in=None,
            cached=True,
            expires_at=iso_z(entry.expires_at),
            expired=entry.expired(),
        )

    def to_json(self) -> dict[str, Any]:
        record = dict(self.__dict__)
        if self.credentials_in is None:
            del record["credentials_in"]
        return record


def status_document(records: Sequence[StatusRecord]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "registries": [r.to_json() for r in records]}
