"""`ecrtui status` and the app's rows read one answer (core/usecases/status.py), so they
never disagree about a registry. The same sequence runs through each face in turn (the
installed CLI, then the app's services): log in to a target without `registries:`, to
one by hostname and to one by account ID, let the second one's token expire, log out of
the first (whose host only the record of written hosts knows). After it, both faces are read and must say the same thing for every
registry (logged in, expired or not logged in; the host; the expiry; the files that hold
it), and the same whichever face made the changes.

Everything is real: ECR tokens with a 12-hour expiry from our stand-in, the caller's
account from the moto server, gnome-keyring's Secret Service for the token cache. The
expiry is made to pass by rewriting that entry in the keyring through the cache API."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator
from unittest import mock

import pytest
from support.commands import run_cli
from support.credential_helper import use_ecr_standin, use_secret_service
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.store import open_cache
from ecrtui.core.clock import iso_z, utc_now
from ecrtui.core.models import Registry
from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.tui.rows import RegistryBoard, RegistryRow, RowStatus
from ecrtui.tui.services import Services

CALLER_HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"  # the caller's default registry
BY_HOST = "222222222222.dkr.ecr.us-east-1.amazonaws.com"
BY_ID_HOST = "333333333333.dkr.ecr.us-east-1.amazonaws.com"
PROFILES = f"""\
version: 1
defaults:
  region: us-east-1
targets:
  - name: caller
  - name: byhost
    registries: ["{BY_HOST}"]
  - name: byid
    registries: ["333333333333"]
"""
EXPIRED_AT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

# What a face says about one registry: (host, state, expires_at, files that hold it).
Said = tuple[str, str, str | None, tuple[str, ...]]


@pytest.fixture
def world(env: Env, ecr_public: EcrPublicStandin, secret_service: SecretServiceSession) -> Iterator[Env]:
    use_secret_service(env, secret_service)
    use_ecr_standin(env, ecr_public)
    env.vars["ECRTUI_CONFIG"] = str(env.write_profiles(PROFILES))
    # Also as this process's environment, where the app's services run: botocore reads its
    # endpoints and credentials, and keyring its session bus, from there.
    with mock.patch.dict(os.environ, env.vars, clear=True):
        yield env


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds}s: {what}")
        time.sleep(0.05)


def expire(env: Env, host: str) -> None:
    """Let the host's cached token run out: its entry, rewritten in the real keyring."""
    cache = open_cache(env.vars)
    entry = cache.get(host)
    assert entry is not None, f"no cached token for {host}"
    fields = {name: getattr(entry, name) for name in entry.__slots__}
    cache.put(CacheEntry(**{**fields, "expires_at": EXPIRED_AT, "refresh_at": EXPIRED_AT}))


# --- the two faces -----------------------------------------------------------------------


def drive_cli(env: Env) -> None:
    for target in ("caller", "byhost", "byid"):
        login = run_cli(env, "login", "--target", target)
        assert login.returncode == 0, login.stderr
    expire(env, BY_HOST)
    logout = run_cli(env, "logout", "--target", "caller")
    assert logout.returncode == 0, logout.stderr
    assert f"Logged out of {CALLER_HOST}" in logout.stdout


def app_rows(services: Services) -> dict[str, RegistryRow]:
    """The rows as the app shows them at start: planned, then what is known locally."""
    inventory = services.load_inventory()
    states, problem = services.cached_state(inventory.registries)
    assert problem is None, problem
    board = RegistryBoard()
    board.load(inventory.registries)
    board.apply_cached(states)
    return {row.registry.target: row for row in board.rows.values()}


def drive_app(env: Env) -> None:
    services = Services(env.vars)
    registries: dict[str, Registry] = {r.target: r for r in services.load_inventory().registries}
    problems: list[object] = []
    cache = open_cache(env.vars)
    for target in ("caller", "byhost", "byid"):
        registry = registries[target]
        [result] = services.login([registry], lambda event: None, lambda problem, _: problems.append(problem))
        assert result.ok and result.host, result.error
        # the app's login returns once its token is in the cache, as `ecrtui login` ends
        assert cache.get(result.host, identity_key(registry.profile, registry.role_arn)) is not None
    assert not problems
    expire(env, BY_HOST)
    outcome, logout_problems = services.logout([app_rows(services)["caller"]])
    assert list(outcome.values()) == [None] and logout_problems == []


# --- what each face says -------------------------------------------------------------------


def status_says(env: Env) -> dict[str, Said]:
    status = run_cli(env, "status", "--output", "json")
    assert status.returncode == 0, status.stderr
    said: dict[str, Said] = {}
    for record in json.loads(status.stdout)["registries"]:
        if record["expired"]:
            state = "expired"
        elif record["cached"]:
            state = "logged in"
        else:
            state = "in files" if record["written_to"] else "not logged in"
        said[record["target"]] = (record["registry"], state, record["expires_at"], tuple(record["written_to"]))
    return said


def app_says(env: Env) -> dict[str, Said]:
    now = utc_now()
    said: dict[str, Said] = {}
    for target, row in app_rows(Services(env.vars)).items():
        state = {RowStatus.LOGGED_IN: "logged in", RowStatus.STORED: "in files", RowStatus.IDLE: "not logged in"}[
            row.status
        ]
        if row.status_text(now) == "expired":
            state = "expired"
        said[target] = (row.label, state, iso_z(row.expires_at), row.writers)
    return said


@pytest.mark.parametrize("drive", [drive_cli, drive_app], ids=["through-the-cli", "through-the-app"])
def test_status_and_the_app_agree_on_every_registry(world: Env, drive: Callable[[Env], None]) -> None:
    drive(world)
    from_status, from_app = status_says(world), app_says(world)
    assert from_status == from_app
    assert set(from_status) == {"caller", "byhost", "byid"}  # no cached host beside the plan
    # Logged out: its host is forgotten with the record, so both show the planned label.
    assert from_status["caller"][1:] == ("not logged in", None, ())
    assert CALLER_HOST not in from_status["caller"][0]
    assert from_status["byhost"] == (BY_HOST, "expired", iso_z(EXPIRED_AT), ("docker",))
    host, state, expires_at, files = from_status["byid"]
    assert (host, state, files) == (BY_ID_HOST, "logged in", ("docker",))
    assert expires_at is not None and dt.timedelta(hours=11) < dt.datetime.fromisoformat(expires_at) - utc_now()
