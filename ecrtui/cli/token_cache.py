"""The token cache in the headless commands: `login` fills it, `status` shows what it
holds, `logout` empties it. Keyring trouble is a warning on stderr here, never a failed
command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ecrtui.cli import render
from ecrtui.core.cache.entry import identity_key
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.login_cache import LoginCache
from ecrtui.core.cache.store import open_cache
from ecrtui.core.models import Registry
from ecrtui.core.profiles_file import Defaults


def warn(problem: CacheUnavailable, what: str, err: TextIO | None = None) -> None:
    out = sys.stderr if err is None else err
    out.write(f"ecrtui: warning: {what}: {problem.message}\n")
    if problem.remediation:
        out.write(f"  hint: {problem.remediation}\n")
    out.flush()


def login_cache(
    args: argparse.Namespace, defaults: Defaults, environ: Mapping[str, str], *, github: bool
) -> LoginCache | None:
    """The login engine's `on_token`, or None when the cache is off: --no-cache,
    `cache: none`, or GitHub Actions (a job's runner is thrown away, and on a shared
    runner a file-backed keyring would leave the token on disk for the next job)."""
    if getattr(args, "no_cache", False) or not defaults.uses_keyring or github:
        return None
    return LoginCache(
        lambda: open_cache(environ),
        margin=dt.timedelta(minutes=defaults.refresh_margin_minutes),
        on_problem=lambda problem: warn(problem, "the tokens are not cached"),
    )


def forget(hosts: Sequence[str], defaults: Defaults, environ: Mapping[str, str], *, github: bool) -> None:
    """`logout` erases the hosts' cached tokens too, as it erases what login wrote in the
    files; without a keyring nothing was cached, so nothing is said. In GitHub Actions
    too: the post step erases whatever the job may have cached."""
    if not defaults.uses_keyring or not hosts:
        return
    try:
        cache = open_cache(environ)
        for host in hosts:
            cache.erase(host)
    except CacheUnavailable as problem:
        if problem.reason != CacheUnavailable.NO_BACKEND:
            warn(problem, "the cached tokens were not erased")


def annotate_status(
    records: list[dict[str, Any]], registries: Sequence[Registry], defaults: Defaults, environ: Mapping[str, str]
) -> None:
    """Add `cached`, `expires_at` and `expired` to each registry's status record, from the
    entry of its own identity (else the host's current one), and append a record for every
    cached host that no planned registry names. `cached` stays None when the cache is off
    or cannot be read."""
    for record in records:
        record.update(cached=None, expires_at=None, expired=None)
    if not defaults.uses_keyring:
        return
    try:
        cache = open_cache(environ)
        now = dt.datetime.now(dt.timezone.utc)
        for record, registry in zip(records, registries, strict=False):
            entry = None
            if registry.host is not None:
                identity = identity_key(registry.profile, registry.role_arn)
                entry = cache.get(registry.host, identity) or cache.get(registry.host)
            record["cached"] = entry is not None
            if entry is not None:
                record.update(expires_at=render.iso(entry.expires_at), expired=entry.expired(now))
        planned = {r.host for r in registries}
        for host in sorted(set(cache.hosts()) - planned):
            entry = cache.get(host)
            if entry is None:
                continue
            records.append(
                {
                    "target": entry.target,
                    "profile": entry.profile,
                    "registry": host,
                    "type": entry.type,
                    "account": entry.account,
                    "region": entry.region,
                    "written_to": [],
                    "cached": True,
                    "expires_at": render.iso(entry.expires_at),
                    "expired": entry.expired(now),
                }
            )
    except CacheUnavailable as problem:
        if problem.reason != CacheUnavailable.NO_BACKEND:  # no keyring: nothing was cached
            warn(problem, "token expiry unknown")


def expiry_cell(record: Mapping[str, Any], now: dt.datetime | None = None) -> str:
    """The TOKEN column of `ecrtui status`: unknown, not cached, no expiry, or the expiry."""
    if record.get("cached") is None:
        return "-"
    if not record["cached"]:
        return "not cached"
    expires_at = record.get("expires_at")
    if expires_at is None:
        return "cached, no expiry"
    return render.expiry_text(dt.datetime.fromisoformat(expires_at.replace("Z", "+00:00")), now)
