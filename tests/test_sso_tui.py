"""IAM Identity Center in the app, driven with Textual's Pilot against the stand-in and
moto: `s` on an SSO-expired row signs in in a modal (code and URL shown, the stand-in's
user approves) and logs the row in again; the palette's discovery screen saves targets."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import pytest
from support.environment import Env
from support.sso import control, sign_in
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList, Static

from ecrtui.core.sso_config import resolve_config
from ecrtui.demo.standins.identity_center import IdentityCenterStandin
from ecrtui.tui.app import EcrtuiApp
from ecrtui.tui.rows import RowStatus
from ecrtui.tui.screens.discovery_screen import DiscoveryScreen
from ecrtui.tui.screens.sign_in_screen import SignInScreen
from ecrtui.tui.services import Services

SIZE = (140, 40)
HOST = "100000000002.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture
def app_env(sso_env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    """botocore reads its endpoint variables from os.environ, in this process."""
    sso_env.vars["ECRTUI_CONFIG"] = str(
        sso_env.write_profiles(
            "targets:\n  - {name: dev, sso_session: corp, account: '100000000002', role: Developer,"
            " region: us-east-1, registries: ['100000000002']}\ndefaults:\n  cache: none\n"
        )
    )
    for key in list(os.environ):
        if key not in sso_env.vars:
            monkeypatch.delenv(key)
    for key, value in sso_env.vars.items():
        monkeypatch.setenv(key, value)
    return sso_env


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def test_s_signs_in_in_a_modal_and_logs_the_row_in_again(
    app_env: Env, identity_center: IdentityCenterStandin
) -> None:
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        await pilot.press("l")
        row = lambda: next(iter(app.board.rows.values()))  # noqa: E731
        await until(pilot, lambda: row().status is RowStatus.SSO_EXPIRED, "the login to fail: not signed in")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in modal")
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        await until(pilot, lambda: screen.authorization is not None, "the code")
        assert screen.authorization is not None
        code = screen.authorization.user_code
        assert code in str(screen.query_one("#sign-in-code", Static).render())
        assert f"{identity_center.url}/start/#/device?user_code={code}" in str(
            screen.query_one("#sign-in-url", Static).render()
        )
        await pilot.press("c")
        assert app.clipboard == code
        assert control(identity_center, "approve", {"user_code": code}) == {"changed": 1}
        await until(pilot, lambda: not isinstance(app.screen, SignInScreen), "the modal to close")
        await until(pilot, lambda: row().status is RowStatus.LOGGED_IN, "the row to log in again")
        assert HOST in app_env.docker_auths()


async def test_a_denied_sign_in_stays_in_the_modal_with_what_to_do(
    app_env: Env, identity_center: IdentityCenterStandin
) -> None:
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        await pilot.press("l")
        await until(pilot, lambda: bool(app.board.sso_expired_profiles()), "the login to fail")
        await pilot.press("s")
        await until(
            pilot, lambda: isinstance(app.screen, SignInScreen) and app.screen.authorization is not None, "code"
        )
        control(identity_center, "deny")
        status = lambda: str(app.screen.query_one("#sign-in-status", Static).render())  # noqa: E731
        await until(pilot, lambda: "denied" in status(), "the denial")
        assert "choose Allow" in str(app.screen.query_one("#sign-in-hint", Static).render())
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, SignInScreen), "the modal to close")


async def test_the_palette_discovery_screen_saves_the_chosen_roles_as_targets(
    app_env: Env, identity_center: IdentityCenterStandin
) -> None:
    assert sign_in(app_env, identity_center, "--sso-session", "corp", "--no-browser").returncode == 0
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        await pilot.press("ctrl+p")
        await pilot.press(*"Discover accounts and roles")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        options = app.screen.query_one(CommandList)
        await until(pilot, lambda: options.option_count > 0, "the palette's hits")
        assert "Discover accounts and roles (corp)" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DiscoveryScreen), "the discovery screen")
        screen = app.screen
        assert isinstance(screen, DiscoveryScreen)
        await until(pilot, lambda: len(screen.accounts) == 5, "the accounts")
        screen.query_one("#discovery-filter", Input).value = "account-001"
        pairs = screen.query_one("#discovery-pairs", SelectionList)
        await until(pilot, lambda: pairs.option_count == 2, "the filter")
        pairs.select_all()
        screen.query_one("#discovery-regions", Input).value = "us-east-1, eu-west-1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, DiscoveryScreen), "the save")
        text = (app_env.home / "profiles.yaml").read_text()
        assert '"account-001/Developer"' in text and '"account-001/ReadOnly"' in text
        assert '{id: "100000000001", region: "eu-west-1"}' in text
        assert "name: dev" in text  # the user's target stays
        await until(pilot, lambda: len(app.board.rows) == 5, "the new registries in the table")


async def test_an_unexpected_sign_in_failure_is_shown_in_the_modal(
    app_env: Env, identity_center: IdentityCenterStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("the cache folder vanished")

    monkeypatch.setattr("ecrtui.tui.screens.sign_in_screen.SignIn.cached", broken)
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        app.push_screen(SignInScreen(resolve_config(sso_session="corp", environ=app_env.vars), app_env.vars))
        status = lambda: " ".join(str(w.render()) for w in app.screen.query("#sign-in-status"))  # noqa: E731
        await until(pilot, lambda: "vanished" in status(), "the failure", timeout=5)
        assert status() == "Sign-in failed: the cache folder vanished"  # one line, no class name


async def test_the_browser_opens_off_the_event_loop(
    app_env: Env, identity_center: IdentityCenterStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []

    def fake_open(url: str) -> bool:
        threads.append(threading.current_thread().name)
        return True

    monkeypatch.setattr("ecrtui.tui.screens.sign_in_screen.webbrowser.open", fake_open)
    environ = {**app_env.vars, "DISPLAY": ":0"}
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        screen = SignInScreen(resolve_config(sso_session="corp", environ=environ), environ)
        app.push_screen(screen)
        await until(pilot, lambda: screen.authorization is not None, "the code")
        assert threads and threads[0] != threading.main_thread().name
        assert "opened in your browser" in str(screen.query_one("#sign-in-hint", Static).render())
        await pilot.press("escape")


async def test_an_unexpected_discovery_failure_is_shown_in_the_screen(
    app_env: Env, identity_center: IdentityCenterStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a malformed answer")

    monkeypatch.setattr("ecrtui.tui.screens.discovery_screen.discover", broken)
    app = EcrtuiApp(Services(app_env.vars))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: len(app.board.rows) == 1, "the inventory")
        config = resolve_config(sso_session="corp", environ=app_env.vars)
        app.push_screen(DiscoveryScreen(config, app_env.vars, app_env.home / "profiles.yaml"))
        status = lambda: " ".join(str(w.render()) for w in app.screen.query("#discovery-status"))  # noqa: E731
        await until(pilot, lambda: "malformed" in status(), "the failure", timeout=5)
        assert status() == "Listing failed: a malformed answer"
