"""The credential helper's slow path: which registry a host is, and a fresh token for it.

A host maps to a registry through the profiles file first (so every registry can have
its own profile or role, the Go helper's most requested missing feature), then through
the metadata of an earlier login's cache entry (the caller's default registry, or a
target since removed), then through the hostname itself (account and region) with the
default credentials. The token is fetched by the login engine, for one registry and with
no writer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from ecrtui.core.addresses import RegistryType, parse_ecr_host
from ecrtui.core.aws import AwsSettings
from ecrtui.core.aws_profiles import discover_aws_profiles
from ecrtui.core.cache.entry import DOCKER_LOGIN, ECR_TOKEN_LIFETIME, CacheEntry
from ecrtui.core.clock import utc_now
from ecrtui.core.errors import AwsError, EcrtuiError
from ecrtui.core.models import Registry, Token
from ecrtui.core.plan import plan_registries
from ecrtui.core.profiles_file import Defaults, ProfilesFile
from ecrtui.core.tokens import password_expiry

FROM_HOSTNAME = "(from the hostname)"
# How long a `get` waits for another process's refresh of the same host: longer than one
# refresh with its retries takes; past it, the waiter refreshes on its own.
REFRESH_LOCK_SECONDS = 90.0


def refresh_lock_path(state: Path, host: str) -> Path:
    """The lock file of `host`'s refresh: a readable, filesystem-safe name per host."""
    safe = re.sub(r"[^a-z0-9.-]", "_", host.lower())[:80]
    return state / "refresh" / f"{safe}-{hashlib.sha256(host.encode()).hexdigest()[:12]}.lock"


@contextlib.contextmanager
def one_refresh_at_a_time(state: Path, host: str, timeout: float = REFRESH_LOCK_SECONDS) -> Iterator[bool]:
    """Hold `host`'s refresh lock across processes, so that parallel first `get`s make one
    AWS call: the others wait, then find the token in the cache. Yields whether the lock is
    held; a lock that cannot be made or taken in time yields False (refresh unlocked)."""
    from filelock import FileLock, Timeout

    from ecrtui.core.errors import EcrtuiError
    from ecrtui.core.writers.jsonfile import make_private_folders, refuse_shared_folder

    path = refresh_lock_path(state, host)
    try:
        make_private_folders(path.parent)
        refuse_shared_folder(path.parent)  # another user could hold the lock and stall every get
        lock = FileLock(path, timeout=timeout, mode=0o600)
        lock.acquire()
    except (Timeout, OSError, EcrtuiError):
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def registry_for_host(
    host: str,
    profiles: ProfilesFile,
    environ: Mapping[str, str],
    cached: CacheEntry | None = None,
) -> Registry | None:
    """The registry `host` stands for, or None when ecrtui cannot know its account."""
    aws_profiles = None
    for target in profiles.targets:
        if aws_profiles is None:
            try:
                aws_profiles = discover_aws_profiles(environ)
            except EcrtuiError:
                aws_profiles = ()
        try:
            planned = plan_registries((target,), profiles.defaults, aws_profiles, environ=environ)
        except EcrtuiError:
            continue  # one broken target must not break the helper for the others
        for registry in planned:
            if registry.host == host:
                return dataclasses.replace(registry, writers=())
    if cached is not None and cached.source != DOCKER_LOGIN and cached.region:
        # Written by a login: its profile and role are the ones that got the token.
        return Registry(
            target=cached.target or "(cached)",
            profile=cached.profile,
            role_arn=cached.role_arn,
            type=RegistryType(cached.type),
            region=cached.region,
            account_id=cached.account,
            host=host,
            writers=(),
        )
    parsed = parse_ecr_host(host)
    if parsed is None:
        return None
    return Registry(
        target=FROM_HOSTNAME,
        profile=None,
        role_arn=None,
        type=parsed.type,
        region=parsed.region,
        account_id=parsed.account_id,
        host=host,
        writers=(),
    )


def settings_for(defaults: Defaults, environ: Mapping[str, str]) -> AwsSettings:
    return AwsSettings(max_attempts=defaults.max_attempts, timeout=defaults.timeout, environ=dict(environ))


def fetch_token(registry: Registry, settings: AwsSettings) -> Token:
    """A fresh token for `registry`; AwsError (with a remediation) when AWS says no."""
    from ecrtui.core.aws import ClientFactory
    from ecrtui.core.engine import LoginEngine

    engine = LoginEngine(ClientFactory(settings), jobs=1, writers=lambda names: ())
    [result] = engine.login([registry])
    if result.ok and result.token is not None:
        return result.token
    raise AwsError(
        result.error or "Amazon ECR returned no token",
        remediation=result.remediation or "",
        code=result.error_code or "",
    )


def docker_login_entry(
    host: str,
    username: str,
    secret: str,
    registry: Registry | None,
    *,
    margin: dt.timedelta,
    now: dt.datetime | None = None,
) -> CacheEntry:
    """The entry of credentials `docker login` stored through the helper.

    For an ECR registry (one the profiles file or the hostname names) the expiry is the
    token's own, or 12 hours from now when it cannot be read, so the helper refreshes it
    in time; any other registry's credentials have no expiry.
    """
    stored_at = now or utc_now()
    expires_at = None
    if registry is not None:
        expires_at = password_expiry(secret) or stored_at + ECR_TOKEN_LIFETIME
    return CacheEntry(
        host=host,
        username=username,
        secret=secret,
        expires_at=expires_at,
        refresh_at=expires_at - margin if expires_at else None,
        stored_at=stored_at,
        identity=DOCKER_LOGIN,
        source=DOCKER_LOGIN,
        type=registry.type.value if registry else RegistryType.PRIVATE.value,
        account=registry.account_id if registry else None,
        region=registry.region if registry else None,
    )
