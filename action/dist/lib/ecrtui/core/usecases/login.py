"""Log in with the token cache: fetch the tokens, write them, queue each one for the
keyring cache and record which hosts were written where. Keyring and record trouble never
fail a login: they come back beside the results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ecrtui.core import written
from ecrtui.core.aws import AwsSettings, ClientFactory
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.login_cache import LoginCache
from ecrtui.core.cache.store import open_cache
from ecrtui.core.engine import LoginEngine
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginResult, Registry
from ecrtui.core.profiles_file import Defaults


def login_cache(
    defaults: Defaults, environ: Mapping[str, str], on_problem: Callable[[CacheUnavailable], None]
) -> LoginCache | None:
    """The engine's `on_token`, or None when the profiles file turns the cache off."""
    if not defaults.uses_keyring:
        return None
    margin = dt.timedelta(minutes=defaults.refresh_margin_minutes)
    return LoginCache(lambda: open_cache(environ), margin=margin, on_problem=on_problem)


# What each problem a login meets costs, as both faces say it.
NOT_CACHED = "the tokens are not cached"
NOT_RECORDED = "logout and status will not know these hosts"


@dataclass
class LoginOutcome:
    """The results, the cache still storing their tokens, and why the record of written
    hosts was not updated (None when it was, or was not asked for)."""

    results: list[LoginResult]
    cache: LoginCache | None = None
    record_problem: EcrtuiError | None = None

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    def wait_for_cache(self) -> None:
        """Until every token is in the cache, so whoever runs next finds them all."""
        if self.cache is not None:
            self.cache.wait()


def login(
    registries: Sequence[Registry],
    settings: AwsSettings,
    defaults: Defaults,
    *,
    jobs: int,
    on_event: Callable[[LoginEvent], None],
    on_cache_problem: Callable[[CacheUnavailable], None],
    use_cache: bool = True,
    record: bool = True,
    lease: str | None = None,
) -> LoginOutcome:
    """Log into `registries` in parallel. A fresh client factory per call, so a profile
    refreshed meanwhile (`aws sso login`) is read again. `use_cache` False (a flag, or a
    CI job whose runner is thrown away) keeps tokens out of the keyring; `record` False
    leaves the record of written hosts alone (a CI job's logout reads the job's state)."""
    environ = settings.environ
    cache = login_cache(defaults, environ, on_cache_problem) if use_cache else None
    engine = LoginEngine(ClientFactory(settings), jobs=jobs, on_event=on_event, on_token=cache, lease=lease)
    outcome = LoginOutcome(engine.login(registries), cache)
    if record:
        try:
            written.note_logins(outcome.results, environ)
        except EcrtuiError as error:
            outcome.record_problem = error
    return outcome
