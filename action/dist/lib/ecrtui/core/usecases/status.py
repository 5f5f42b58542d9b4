"""What is known about registries without a network call: the host each one logged into
(from the plan, else the record of written hosts, else the cache), the writers whose files
hold it, and the cached token. `ecrtui status` and the app's startup rows read this one
answer, so they never disagree.

The rule for a registry's cached entry: its own identity's entry for the host, else the
host's current one. Every credential file and the credential helper hold one login per
host, so a host another identity logged into is logged in for this registry too. A
registry whose host is unknown (a target without `registries:`) takes the host the record
of written hosts names for its target, profile, role, region and type; without a record,
a cached entry of the same target, identity, region and type (the target too: another
registry of the same identity and region, named by its host, is not this one)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecrtui.core import written
from ecrtui.core.addresses import RegistryType
from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.store import TokenCache, open_cache
from ecrtui.core.clock import utc_now
from ecrtui.core.models import Registry
from ecrtui.core.profiles_file import Defaults
from ecrtui.core.writers import make_writers, writers_holding


@dataclass(frozen=True)
class RegistryStatus:
    """One registry: `planned` as the plan has it, `registry` with its host filled in
    when known. `cached` None: the cache is off or could not be read."""

    planned: Registry
    registry: Registry
    written_to: tuple[str, ...] = ()
    credentials_in: tuple[str, ...] = ()
    cached: bool | None = None
    entry: CacheEntry | None = None

    @property
    def host(self) -> str | None:
        return self.registry.host or (self.entry.host if self.entry else None)

    @property
    def expires_at(self) -> dt.datetime | None:
        return self.entry.expires_at if self.entry else None

    def expired(self, now: dt.datetime | None = None) -> bool | None:
        return self.entry.expired(now or utc_now()) if self.entry else None


@dataclass
class StatusReport:
    """Every planned registry's status, the cached hosts no plan names, and a keyring
    problem (None also when there is no keyring at all: then nothing was cached)."""

    statuses: list[RegistryStatus] = field(default_factory=list)
    unplanned: list[CacheEntry] = field(default_factory=list)
    cache_problem: CacheUnavailable | None = None


def _with_recorded_hosts(registries: Sequence[Registry], environ: Mapping[str, str]) -> list[RegistryStatus]:
    """One status per (registry, host): a host-less registry gets each recorded host, or
    stays host-less; the known ones first, in plan order, as `status` lists them."""
    known: list[RegistryStatus] = []
    unknown: list[RegistryStatus] = []
    for planned in registries:
        resolved, missing = written.resolve([planned], environ)
        known.extend(RegistryStatus(planned, registry) for registry in resolved)
        unknown.extend(RegistryStatus(planned, registry) for registry in missing)
    return known + unknown


def _entry(cache: TokenCache, registry: Registry, hosts: Sequence[str]) -> CacheEntry | None:
    identity = identity_key(registry.profile, registry.role_arn)
    if registry.host is not None:
        return cache.get(registry.host, identity) or cache.get(registry.host)
    if registry.type is not RegistryType.PRIVATE:
        return None
    entries = (cache.get(host, identity) for host in hosts)
    return next((e for e in entries if e and _same_registry(e, registry)), None)


def _same_registry(entry: CacheEntry, registry: Registry) -> bool:
    return entry.target == registry.target and entry.region == registry.region and entry.type == registry.type.value


def _with_cache(statuses: list[RegistryStatus], cache: TokenCache) -> list[RegistryStatus]:
    hostless = any(s.registry.host is None for s in statuses)
    hosts = list(cache.hosts()) if hostless else []
    found = []
    for status in statuses:
        entry = _entry(cache, status.registry, hosts)
        found.append(dataclasses.replace(status, cached=entry is not None, entry=entry))
    return found


def _with_files(status: RegistryStatus, environ: Mapping[str, str]) -> RegistryStatus:
    host = status.host
    if host is None:
        return status
    writers = make_writers(status.registry.writers, environ)
    sources = (writer.credentials_source(host) for writer in writers)
    return dataclasses.replace(
        status,
        written_to=writers_holding(writers, host),
        credentials_in=tuple(source for source in sources if source),
    )


def _unplanned(cache: TokenCache, statuses: Sequence[RegistryStatus]) -> list[CacheEntry]:
    planned = {s.host for s in statuses}
    entries = (cache.get(host) for host in sorted(set(cache.hosts()) - planned))
    return [entry for entry in entries if entry is not None]


def registry_status(
    registries: Sequence[Registry], defaults: Defaults, environ: Mapping[str, str], *, unplanned: bool = False
) -> StatusReport:
    """The status of `registries`; with `unplanned`, also every cached host they miss."""
    report = StatusReport(_with_recorded_hosts(registries, environ))
    if defaults.uses_keyring:
        try:
            cache = open_cache(environ)
            report.statuses = _with_cache(report.statuses, cache)
            report.unplanned = _unplanned(cache, report.statuses) if unplanned else []
        except CacheUnavailable as problem:
            if problem.reason != CacheUnavailable.NO_BACKEND:
                report.cache_problem = problem
    report.statuses = [_with_files(status, environ) for status in report.statuses]
    return report
