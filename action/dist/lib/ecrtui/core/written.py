"""The record of what ecrtui's logins wrote: per host, who logged in there (target,
profile, role, region, type, account), into which writers, and until when. No secrets;
the file is 0600 in the state folder.

A target that names no registries logs into the caller's default registry, whose host
is known only once AWS has answered; `logout` and `status` find it here instead of
guessing (or asking AWS again, as someone who may no longer have credentials).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ecrtui.core.clock import as_utc, utc_now
from ecrtui.core.locations import state_dir
from ecrtui.core.models import LoginResult, Registry
from ecrtui.core.writers.jsonfile import read_json_object, update_json_file

_VERSION = 1


def record_path(environ: Mapping[str, str]) -> Path:
    return state_dir(environ) / "written.json"


def _iso(moment: dt.datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment else None


def _who(registry: Registry) -> dict[str, Any]:
    """What identifies a registry of a plan whose host is not known yet."""
    return {
        "target": registry.target,
        "profile": registry.profile,
        "role_arn": registry.role_arn,
        "region": registry.region,
        "type": registry.type.value,
    }


def _hosts(data: dict[str, Any]) -> dict[str, Any]:
    hosts = data.get("hosts")
    if not isinstance(hosts, dict) or data.get("v") != _VERSION:
        hosts = {}
        data.clear()
        data.update(v=_VERSION, hosts=hosts)
    return hosts


def note_logins(results: Sequence[LoginResult], environ: Mapping[str, str]) -> None:
    """Record each host a login wrote; raises WriterError when the file cannot be written."""
    written = [r for r in results if r.ok and r.host]
    if not written:
        return

    def mutate(data: dict[str, Any]) -> bool:
        hosts = _hosts(data)
        for result in written:
            assert result.host is not None  # filtered above
            hosts[result.host] = {
                **_who(result.registry),
                "account": result.account_id,
                "writers": list(result.writers),
                "expires_at": _iso(result.expires_at),
                "written_at": _iso(utc_now()),
            }
        return True

    update_json_file(record_path(environ), mutate)


def forget_hosts(hosts: Sequence[str], environ: Mapping[str, str]) -> None:
    """Take logged-out hosts out of the record (nothing to do when none is recorded)."""
    path = record_path(environ)
    if not path.exists() or not any(h in _hosts(read_json_object(path) or {}) for h in hosts):
        return

    def mutate(data: dict[str, Any]) -> bool:
        recorded = _hosts(data)
        return bool([recorded.pop(h) for h in hosts if h in recorded])

    update_json_file(path, mutate)


def resolve(registries: Sequence[Registry], environ: Mapping[str, str]) -> tuple[list[Registry], list[Registry]]:
    """(the registries with each host-less one replaced by the hosts the record has for it,
    the host-less ones it has none for)."""
    if all(r.host is not None for r in registries):
        return list(registries), []
    try:
        recorded = _hosts(read_json_object(record_path(environ)) or {})
    except Exception:  # an unreadable record is as good as none: nothing is guessed
        recorded = {}
    known: list[Registry] = []
    unknown: list[Registry] = []
    for registry in registries:
        if registry.host is not None:
            known.append(registry)
            continue
        who = _who(registry)
        hosts = [
            (host, entry)
            for host, entry in recorded.items()
            if isinstance(entry, dict) and all(entry.get(k) == v for k, v in who.items())
        ]
        if not hosts:
            unknown.append(registry)
        for host, entry in sorted(hosts):
            account = entry.get("account") if isinstance(entry.get("account"), str) else None
            known.append(dataclasses.replace(registry, host=host, account_id=account or registry.account_id))
    return known, unknown
