"""Log out: erase the hosts from the writers' files, then from the token cache (or the
credential helper would still serve them), then from the record of written hosts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ecrtui.core import written
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.store import open_cache
from ecrtui.core.engine import logout as erase_from_files
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.profiles_file import Defaults
from ecrtui.core.writers import make_writers, writers_holding

DEFAULT_WRITERS = ("docker",)
# What each problem a logout meets costs, as both faces say it.
TOKENS_NOT_ERASED = "the cached tokens were not erased"
NOT_RERECORDED = "the record of logins was not updated"


@dataclass
class LogoutOutcome:
    """Per host None or why its files were not erased; the hosts a file held before; and
    the cache and record problems, which never fail a logout."""

    problems: dict[str, str | None] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    cache_problem: CacheUnavailable | None = None
    record_problem: EcrtuiError | None = None

    @property
    def failed(self) -> list[str]:
        return [host for host, problem in self.problems.items() if problem]


def _holds(writer_names: Sequence[str], hosts: Sequence[str], environ: Mapping[str, str]) -> set[str]:
    """The hosts some writer's file holds; a file it cannot read is for the erase to report."""
    writers = make_writers(writer_names, environ)
    return {host for host in hosts if writers_holding(writers, host)}


def erase_cached(hosts: Sequence[str], defaults: Defaults, environ: Mapping[str, str]) -> CacheUnavailable | None:
    """Forget the hosts' cached tokens. No keyring at all is no problem: nothing was cached."""
    if not defaults.uses_keyring or not hosts:
        return None
    try:
        cache = open_cache(environ)
        for host in sorted(set(hosts)):
            cache.erase(host)
    except CacheUnavailable as problem:
        return None if problem.reason == CacheUnavailable.NO_BACKEND else problem
    return None


def logout(
    hosts: Sequence[str],
    writer_names: Sequence[str] | None,
    defaults: Defaults,
    environ: Mapping[str, str],
    *,
    lease: str | None = None,
    record: bool = True,
) -> LogoutOutcome:
    """Erase `hosts` everywhere ecrtui put them. `record` False leaves the record of
    written hosts alone (a CI job's post step never wrote it)."""
    names = tuple(writer_names or DEFAULT_WRITERS)
    outcome = LogoutOutcome(held=_holds(names, hosts, environ))
    outcome.problems = erase_from_files(list(hosts), names, dict(environ), lease)
    outcome.cache_problem = erase_cached(hosts, defaults, environ)
    if record:
        try:
            written.forget_hosts([h for h in hosts if h not in outcome.failed], environ)
        except EcrtuiError as error:
            outcome.record_problem = error
    return outcome
