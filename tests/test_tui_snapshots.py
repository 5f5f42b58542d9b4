"""Snapshot tests of the app's three screens at a fixed size and a frozen clock: the main
screen with every kind of status (fine, under an hour, expired, failed, SSO expired, not
logged in), the diagnostics screen of a denied login, and the help screen.

The states are reached for real: expiries come from the keyring cache (seeded as an
earlier login would have left it), the failures from logins against the ECR Public
stand-in in denied mode and an SSO profile with no session. The one stand-in is the
doctor's report on the diagnostics snapshot: a real run names the stand-ins' random
ports and its own timings, so that screen renders a fixed report of the same shape
(tests/test_tui_app.py runs the real doctor through the same screen).
`pytest --snapshot-update` rewrites the SVGs under __snapshots__/; review each changed
one before committing it. With ECRTUI_SCREENSHOTS=1 the same screens are also saved to
docs/screenshots/ for the README, whose PNGs are rendered from those SVGs:

    sed 's/<svg /<svg xml:space="preserve" letter-spacing="0.16px" /' main-screen.svg | rsvg-convert -o main-screen.png

(xml:space keeps the leading spaces that librsvg would otherwise drop; librsvg ignores
the SVG's textLength, and the fallback DejaVu Sans Mono is 12.04 px wide at 20 px
against the SVG's 12.2 px cells, so without the letter spacing a long run of text such
as the table header drifts a character off the cells below it).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from support.environment import Env
from support.standins import set_standin_mode
from support.tui_app import DEMO_AWS_CLI, FROZEN_NOW, PROFILES, prepare, seed_cache, settle
from textual.pilot import Pilot

from ecrtui.core.diagnose.check_ids import CheckId
from ecrtui.core.diagnose.models import Category, CheckMaker
from ecrtui.core.iam_policy import identity_policy
from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.tui.app import EcrtuiApp
from ecrtui.tui.rows import RegistryRow
from ecrtui.tui.services import Diagnosis, Services

SIZES = [(80, 24), (100, 30), (130, 40)]
SCREENSHOT_SIZE = (100, 30)  # the README's pictures: a common terminal, every column that matters
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Read at import: the tests' isolated environment drops every variable it does not set.
SAVE_SCREENSHOTS = os.environ.get("ECRTUI_SCREENSHOTS") == "1"

SNAPSHOT_PROFILES = (
    PROFILES
    + """\
  - name: prod
    region: us-east-1
    registries: ["444444444444"]
  - name: legacy
    profile: sso-dev
"""
)
Snap = Callable[..., bool]


def denied_public_report(row: RegistryRow) -> Diagnosis:
    """What `ecrtui doctor` reports for an ECR Public target whose caller lacks the
    permission, with real AWS endpoints and fixed timings."""
    config = CheckMaker("public", Category.CONFIGURATION)
    credentials = CheckMaker("public", Category.CREDENTIALS)
    network = CheckMaker("public", Category.NETWORK)
    permissions = CheckMaker("public", Category.PERMISSIONS)
    local = CheckMaker("public", Category.LOCAL)
    machine = CheckMaker(None, Category.LOCAL)
    caller = "arn:aws:sts::123456789012:assumed-role/Developer/alice"
    grant = identity_policy(["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"])
    checks = (
        config.ok(CheckId.CONFIG_PROFILE, "AWS profile", "no profile named: the default credential chain"),
        config.ok(CheckId.CONFIG_PUBLIC_REGION, "ECR Public region", "ECR Public logins go to us-east-1"),
        credentials.ok(
            CheckId.CREDENTIALS_PROVIDER, "Credential source", "SSO session of profile default (resolved in 42 ms)"
        ),
        credentials.ok(
            CheckId.CREDENTIALS_IDENTITY, "Caller identity", f"{caller} (role session, account 123456789012)"
        ),
        network.ok(
            CheckId.NETWORK_PROXY, "Proxy", "no proxy configured: api.ecr-public.us-east-1.amazonaws.com directly"
        ),
        network.ok(
            CheckId.NETWORK_ENDPOINT,
            "Endpoint",
            "https://api.ecr-public.us-east-1.amazonaws.com reachable (HTTP 404 in 38 ms)",
        ),
        permissions.fail(
            CheckId.PERMISSIONS_LOGIN,
            "Login (ecr-public:GetAuthorizationToken)",
            f"access denied: {caller} may not call ecr-public:GetAuthorizationToken, sts:GetServiceBearerToken",
            remediation="attach the policy below to the role Developer",
            policy=grant,
        ),
        local.ok(
            CheckId.LOCAL_CREDENTIALS,
            "Stored credentials",
            "nothing stored in ~/.docker/config.json: anonymous pulls work",
            subject="public.ecr.aws",
        ),
        machine.warn(
            CheckId.LOCAL_KEYRING,
            "Keyring backend",
            "keyrings.alt.file.PlaintextKeyring keeps cached tokens unencrypted",
            remediation="use the desktop's keyring (Secret Service, Keychain, Credential Manager), or cache: none",
        ),
    )
    return Diagnosis(subject=row.label, checks=checks)


class CannedDoctor(Services):
    def diagnose(self, row: RegistryRow, on_check: object = None) -> Diagnosis:
        return denied_public_report(row)


@pytest.fixture
def mixed_app(env: Env, ecr_public: EcrPublicStandin, monkeypatch: pytest.MonkeyPatch) -> EcrtuiApp:
    """The app over registries in every state the main screen can show."""
    tui_env = prepare(env, monkeypatch)
    tui_env.write_profiles(SNAPSHOT_PROFILES)
    hour = dt.timedelta(hours=1)
    seed_cache(
        tui_env,
        "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
        FROZEN_NOW + 11 * hour,
        account="111111111111",
        region="eu-west-1",
        target="dev",
    )
    seed_cache(
        tui_env,
        "222222222222.dkr.ecr.eu-west-1.amazonaws.com",
        FROZEN_NOW + dt.timedelta(minutes=24, seconds=30),
        account="222222222222",
        region="eu-west-1",
        target="dev",
    )
    seed_cache(
        tui_env,
        "333333333333.dkr.ecr.us-west-2.amazonaws.com",
        FROZEN_NOW - 2 * hour,
        account="333333333333",
        region="us-west-2",
        target="staging",
    )
    set_standin_mode(ecr_public, "denied")
    services = CannedDoctor(tui_env.vars, aws_cli=DEMO_AWS_CLI)
    return EcrtuiApp(services, clock=lambda: FROZEN_NOW)


def shoot(name: str, size: tuple[int, int]) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A run_before step that also saves the screen for the README when asked to
    (ECRTUI_SCREENSHOTS=1) at the README's size, so docs/screenshots shows exactly what
    the snapshot checks."""

    async def save(pilot: Pilot[None]) -> None:
        if SAVE_SCREENSHOTS and size == SCREENSHOT_SIZE:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pilot.app.save_screenshot(f"{name}.svg", str(SCREENSHOTS))

    return save


async def log_into_the_failing_rows(pilot: Pilot[None]) -> None:
    """Select the public and legacy rows, log in (both fail), leave the cursor on the
    denied one so the details panel shows its remediation."""
    app = pilot.app
    assert isinstance(app, EcrtuiApp)
    await settle(pilot)
    table = app.main.table
    for target in ("public", "legacy"):
        key = next(r.key for r in app.board.rows.values() if r.registry.target == target)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("space")
    await pilot.press("l")
    await settle(pilot)
    key = next(r.key for r in app.board.rows.values() if r.registry.target == "public")
    table.move_cursor(row=table.get_row_index(key))
    app.clear_notifications()  # toasts fade; the snapshot is of what stays
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_main_screen_with_mixed_statuses(snap_compare: Snap, mixed_app: EcrtuiApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await log_into_the_failing_rows(pilot)
        await shoot("main-screen", size)(pilot)

    assert snap_compare(mixed_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_diagnostics_screen_of_a_denied_login(snap_compare: Snap, mixed_app: EcrtuiApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await log_into_the_failing_rows(pilot)
        await pilot.press("d")
        await settle(pilot)
        await shoot("diagnostics-screen", size)(pilot)

    assert snap_compare(mixed_app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_help_screen(snap_compare: Snap, mixed_app: EcrtuiApp, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await shoot("help-screen", size)(pilot)

    assert snap_compare(mixed_app, terminal_size=size, run_before=run_before)
