"""The interactive app driven headless with Textual's Pilot: its environment, its frozen clock, a cache seeded by hand, and readers of what the app shows."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys

import pytest
from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerFailed

from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.store import open_cache
from ecrtui.tui.app import EcrtuiApp
from ecrtui.tui.rows import RowStatus
from ecrtui.tui.services import Services
from support.environment import Env

FROZEN_NOW = dt.datetime(2014, 12, 31, 12, 0, tzinfo=dt.timezone.utc)


DEMO_AWS_CLI = (sys.executable, "-m", "ecrtui.demo.sso")


AWS_CONFIG = """\
[default]
region = us-east-1

[profile team]
region = eu-west-1

[profile sso-dev]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 210987654321
sso_role_name = Developer
region = eu-central-1
"""


CREDENTIALS = """\
[team]
aws_access_key_id = testing
aws_secret_access_key = testing
"""


PROFILES = """\
version: 1
defaults:
  region: us-east-1
targets:
  - name: dev
    region: eu-west-1
    registries: ["111111111111", "222222222222"]
  - name: staging
    region: us-west-2
    registries: ["333333333333"]
  - name: public
    type: public
"""


DEV_HOSTS = ("111111111111.dkr.ecr.eu-west-1.amazonaws.com", "222222222222.dkr.ecr.eu-west-1.amazonaws.com")


STAGING_HOST = "333333333333.dkr.ecr.us-west-2.amazonaws.com"


def prepare(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    """The isolated environment with this module's AWS config and profiles file, also as
    os.environ: botocore reads its endpoint and config-file variables from there, in this
    process."""
    env.write_aws_config(AWS_CONFIG)
    (env.home / ".aws" / "credentials").write_text(CREDENTIALS)
    env.vars["ECRTUI_CONFIG"] = str(env.write_profiles(PROFILES))
    # The token cache in a throwaway file keyring (named, so no backend detection runs).
    env.vars["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env.vars["XDG_DATA_HOME"] = str(env.home / ".local" / "share")
    for key in list(os.environ):
        if key not in env.vars:
            monkeypatch.delenv(key)
    for key, value in env.vars.items():
        monkeypatch.setenv(key, value)
    return env


def seed_cache(env: Env, host: str, expires_at: dt.datetime, *, account: str | None, region: str, target: str) -> None:
    """Put a token in the keyring cache the way an earlier login would have."""
    open_cache(env.vars).put(
        CacheEntry(
            host=host,
            username="AWS",
            secret=f"{account}-cached-token",
            expires_at=expires_at,
            refresh_at=None,
            stored_at=FROZEN_NOW,
            identity=identity_key(None, None),
            source="login",
            type="public" if account is None else "private",
            account=account,
            region=region,
            target=target,
        )
    )


def make_app(env: Env) -> EcrtuiApp:
    return EcrtuiApp(Services(env.vars, aws_cli=DEMO_AWS_CLI), clock=lambda: FROZEN_NOW)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker, then let the loop handle the messages they posted."""
    await wait_for_workers(pilot)
    await pilot.pause()
    await wait_for_workers(pilot)  # handlers may start follow-up workers
    await pilot.pause()


async def wait_for_workers(pilot: Pilot[None]) -> None:
    """Wait for each worker to end. One that failed is not an error here: the app reports
    it (on_worker_state_changed) and the tests check that report. Waiting on it would
    raise WorkerFailed only while the manager still lists it, a race with its removal."""
    for worker in list(pilot.app.workers):
        with contextlib.suppress(WorkerFailed):
            await worker.wait()


def statuses(app: EcrtuiApp) -> dict[str, RowStatus]:
    return {row.label: row.status for row in app.board.rows.values()}


def key_of(app: EcrtuiApp, host: str) -> str:
    return next(r.key for r in app.board.rows.values() if r.label == host)


def text_of(widget: Static) -> str:
    """What a Static shows, as plain text (Content or a Rich renderable)."""
    content = widget.content
    if isinstance(content, Content):
        return content.plain
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def notifications(app: EcrtuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def move_to(pilot: Pilot[None], host: str) -> None:
    app = pilot.app
    assert isinstance(app, EcrtuiApp)
    app.main.table.move_cursor(row=app.main.table.get_row_index(key_of(app, host)))
    await pilot.pause()
