"""Tokens put in the cache as a login would, and what `docker-credential-ecrtui get` served."""

from __future__ import annotations

import datetime as dt
import json

from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.clock import utc_now
from support.credential_helper import (
    HOST,
    file_cache,
)
from support.environment import Env


def prime(env: Env, secret: str, expires_in: dt.timedelta, *, host: str = HOST) -> CacheEntry:
    """Put an entry in the keyring the helper reads, as an earlier login would have."""
    now = utc_now()
    entry = CacheEntry(
        host=host,
        username="AWS",
        secret=secret,
        expires_at=now + expires_in,
        refresh_at=now + expires_in - dt.timedelta(minutes=30),
        stored_at=now - dt.timedelta(hours=12),
        identity=identity_key(None, None),
        source="login",
        account=host.split(".", 1)[0],
        region="us-east-1",
        target="default",
    )
    file_cache(env).put(entry)
    return entry


def served(result: object) -> dict[str, str]:
    assert getattr(result, "returncode", None) == 0, (getattr(result, "stdout", ""), getattr(result, "stderr", ""))
    return json.loads(result.stdout)  # type: ignore[attr-defined, no-any-return]
