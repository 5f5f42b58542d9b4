"""CacheEntry: one cached token, and how a token a login fetched becomes one.

The identity is the AWS profile and the role assumed from it, never the access key: SSO
and assume-role sessions get a new access key every time, and a key-based cache (the Go
helper's) misses after every new session.

A plain class rather than a dataclass: the credential helper's cached `get` reads
entries, and importing dataclasses (which imports inspect) costs more than the read.
"""

from __future__ import annotations

import datetime as dt
import json

from ecrtui.core.clock import as_utc, utc_now

TYPE_CHECKING = False  # typing itself is not imported: the helper's cached `get` would pay for it

if TYPE_CHECKING:
    from typing import Any, Final, Literal

    from ecrtui.core.models import Registry, Token

    # login: a login cached it; helper: the helper refreshed it; docker-login: `docker
    # login` handed it to the helper's `store`.
    Source = Literal["login", "helper", "docker-login"]
    Kind = Literal["private", "public"]

DEFAULT_REFRESH_MARGIN = dt.timedelta(minutes=30)
# GetAuthorizationToken's tokens live 12 hours.
ECR_TOKEN_LIFETIME = dt.timedelta(hours=12)
# Identity and source of the credentials `docker login` handed to the helper's `store`.
DOCKER_LOGIN: Final = "docker-login"

_VERSION = 1
_MOMENTS = ("expires_at", "refresh_at", "stored_at")
_FIELDS = (
    "host",
    "username",
    "secret",
    "expires_at",
    "refresh_at",
    "stored_at",
    "identity",
    "source",
    "type",
    "account",
    "region",
    "profile",
    "role_arn",
    "target",
)


class CacheEntry:
    """One cached token, immutable. `expires_at` None: no expiry is known (credentials
    `docker login` stored for a registry that is not ECR), so the entry is served until
    erased."""

    __slots__ = _FIELDS

    host: str
    username: str
    secret: str
    expires_at: dt.datetime | None
    refresh_at: dt.datetime | None
    stored_at: dt.datetime
    identity: str
    source: Source
    type: Kind
    account: str | None
    region: str | None
    profile: str | None
    role_arn: str | None
    target: str | None

    def __init__(
        self,
        host: str,
        username: str,
        secret: str,
        expires_at: dt.datetime | None,
        refresh_at: dt.datetime | None,
        stored_at: dt.datetime,
        identity: str,
        source: Source,
        type: Kind = "private",
        account: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        role_arn: str | None = None,
        target: str | None = None,
    ) -> None:
        values = (host, username, secret, expires_at, refresh_at, stored_at, identity, source, type)
        for name, value in zip(_FIELDS, (*values, account, region, profile, role_arn, target), strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CacheEntry is immutable: cannot set {name}")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CacheEntry) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:  # never the secret
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS if name != "secret")
        return f"CacheEntry({shown})"

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and (now or utc_now()) >= self.expires_at

    def fresh(self, now: dt.datetime | None = None) -> bool:
        """Servable without asking AWS: still before its refresh time."""
        if self.expires_at is None:
            return True
        refresh_at = self.refresh_at or self.expires_at - DEFAULT_REFRESH_MARGIN
        return (now or utc_now()) < min(refresh_at, self.expires_at)

    def to_json(self) -> str:
        record: dict[str, Any] = {"v": _VERSION}
        for name in _FIELDS:
            value = getattr(self, name)
            record[name] = as_utc(value).isoformat() if name in _MOMENTS and value else value
        return json.dumps(record, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> CacheEntry | None:
        """The entry, or None for anything unreadable (a corrupt or foreign value is a miss)."""
        try:
            record = json.loads(text)
            if not isinstance(record, dict) or record.pop("v", None) != _VERSION:
                return None
            for key in _MOMENTS:
                record[key] = _moment(record.get(key))
            entry = cls(**record)
        except (TypeError, ValueError, RecursionError):
            return None
        text_fields = (entry.host, entry.username, entry.secret, entry.identity, entry.source)
        if entry.stored_at is None or not all(isinstance(value, str) for value in text_fields):
            return None
        return entry


def _moment(value: object) -> dt.datetime | None:
    """A stored moment (ISO 8601, naive read as UTC); a malformed one raises ValueError."""
    return as_utc(dt.datetime.fromisoformat(value)) if isinstance(value, str) else None


def identity_key(profile: str | None, role_arn: str | None) -> str:
    """Who a token was issued to, independent of the session: the AWS profile (empty: the
    default credential chain) and the role assumed from it. The target's name is left out
    on purpose: two targets with the same credentials get the same token."""
    return f"profile={profile or ''}|role={role_arn or ''}"


def entry_for_login(
    registry: Registry,
    token: Token,
    *,
    margin: dt.timedelta = DEFAULT_REFRESH_MARGIN,
    source: Source = "login",
    now: dt.datetime | None = None,
) -> CacheEntry:
    """The cache entry of a token a login (or the helper's refresh) fetched for `registry`.

    The refresh time is fixed when the token is stored, so the helper's hot path never
    reads the profiles file: a changed `refresh_margin` applies from the next token on.
    An answer without an expiry gets ECR's 12 hours, never "no expiry".
    """
    stored_at = now or utc_now()
    expires_at = token.expires_at or stored_at + ECR_TOKEN_LIFETIME
    return CacheEntry(
        host=token.host,
        username=token.username,
        secret=token.password,
        expires_at=expires_at,
        refresh_at=expires_at - margin,
        stored_at=stored_at,
        identity=identity_key(registry.profile, registry.role_arn),
        source=source,
        type="public" if registry.type.value == "public" else "private",
        account=token.account_id or registry.account_id,
        region=token.region or registry.region,
        profile=registry.profile,
        role_arn=registry.role_arn,
        target=registry.target,
    )
