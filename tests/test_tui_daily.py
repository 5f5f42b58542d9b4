"""The app at the sizes people's terminals are (80x24, 100x30, 130x40) and with the habits
daily users bring from k9s and lazygit: each test reproduces one defect of issue 12 at the
size where it showed, against moto server and the ECR Public stand-in (test_tui_app.py's
environment and clock)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.commands import REPO
from support.environment import Env
from support.faultproxy import FaultProxy
from support.standins import require_binary, set_standin_mode
from support.tui_app import (
    DEV_HOSTS,
    FROZEN_NOW,
    PROFILES,
    STAGING_HOST,
    key_of,
    make_app,
    move_to,
    notifications,
    prepare,
    seed_cache,
    settle,
    statuses,
    text_of,
)
from textual.widgets import LoadingIndicator, Static
from textual.widgets._footer import FooterKey

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.tui.app import EcrtuiApp
from ecrtui.tui.rows import RowStatus
from ecrtui.tui.screens.confirm_screen import ConfirmScreen
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.help_screen import HelpScreen
from ecrtui.tui.screens.row_screen import RowScreen
from ecrtui.tui.services import Services
from ecrtui.tui.settings import TuiSettings

SMALL, MEDIUM, LARGE = (80, 24), (100, 30), (130, 40)
LONG_TARGET = "a-very-long-target-name-from-a-generated-profiles-file"


@pytest.fixture
def tui_env(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    return prepare(env, monkeypatch)


def table_lines(app: EcrtuiApp) -> list[str]:
    """The registry table as the user sees it: each drawn line's text."""
    table = app.main.table
    height = table.scrollable_content_region.height
    return [table.render_line(y).text for y in range(min(height, table.row_count + 1))]


def footer_keys(app: EcrtuiApp) -> list[str]:
    """The keys the footer of the current screen shows, as displayed."""
    return [key.key_display for key in app.screen.query(FooterKey)]


# --- defect 1: actions apply to what is shown ---------------------------------------------------


async def test_a_hidden_selection_is_counted_and_never_acted_on(tui_env: Env) -> None:
    """Select all, filter to one target, clear, filter to another, press l: only what is
    shown logs in, and the title says how many selected rows the filter hides."""
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("a")  # all four
        assert app.main.table.border_title == "Registries 4 · 4 selected"
        await pilot.press("slash", *"target:staging", "enter")
        assert app.main.table.border_title == "Registries 1 of 4 · 4 selected (3 hidden by the filter)"
        await pilot.press("l")
        await settle(pilot)
        assert [h for h, s in statuses(app).items() if s is RowStatus.LOGGED_IN] == [STAGING_HOST]
        assert set(tui_env.docker_auths()) == {STAGING_HOST}
        assert "1 logged in" in notifications(app)
        await pilot.press("a")  # unselect what is shown (staging): the two dev rows and public stay
        await pilot.press("slash", "ctrl+u", *"type:public", "enter")
        assert app.main.table.border_title == "Registries 1 of 4 · 3 selected (2 hidden by the filter)"
        await pilot.press("l")
        await settle(pilot)
        assert statuses(app)["public.ecr.aws"] is RowStatus.LOGGED_IN
        assert {statuses(app)[h] for h in DEV_HOSTS} == {RowStatus.IDLE}
        # No shown row selected: o takes the cursor row; the selected dev rows stay hidden
        # and untouched.
        await pilot.press("space")
        assert app.main.table.border_title == "Registries 1 of 4 · 2 selected (2 hidden by the filter)"
        await pilot.press("o")
        await settle(pilot)
        assert statuses(app)["public.ecr.aws"] is RowStatus.LOGGED_OUT
        assert statuses(app)[STAGING_HOST] is RowStatus.LOGGED_IN
        assert {statuses(app)[h] for h in DEV_HOSTS} == {RowStatus.IDLE}


# --- defect 2: columns at real widths ------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, MEDIUM, LARGE])
async def test_registry_status_and_expiry_always_show_and_an_account_is_never_cut(
    tui_env: Env, size: tuple[int, int]
) -> None:
    tui_env.write_profiles(
        PROFILES + f"  - name: {LONG_TARGET}\n    region: us-east-1\n    registries: ['444444444444']\n"
    )
    seed_cache(
        tui_env,
        DEV_HOSTS[0],
        FROZEN_NOW + dt.timedelta(hours=3),
        account="111111111111",
        region="eu-west-1",
        target="dev",
    )
    app = make_app(tui_env)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.main.table
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off-screen
        assert not table.show_horizontal_scrollbar
        header, *rows = table_lines(app)
        assert "Registry" in header and "Status" in header and "Expires in" in header
        dev = next(line for line in rows if "111111111111" in line)
        assert "logged in" in dev and "3h 00m" in dev
        long_row = next(line for line in rows if "444444444444" in line)
        assert "not logged in" in long_row  # a long target name does not push Status away
        for line in rows:
            digits = [word for word in line.split() if word.isdigit()]
            assert all(len(word) == 12 for word in digits), line  # an account: whole, or not there
        if size == LARGE:
            assert "Account" in header and "111111111111.dkr.ecr.eu-west-1.amazonaws.com" in dev
        print(f"{size[0]}x{size[1]}:\n" + "\n".join([header, *rows]))


async def test_no_column_moves_while_a_filter_is_typed(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        header = table_lines(app)[0]
        await pilot.press("slash")
        for key in "public":
            await pilot.press(key)
            assert table_lines(app)[0] == header
        assert len(app.main.table.shown_keys) == 1


async def test_w_switches_to_every_column_in_full_and_arrows_scroll_a_column_at_a_time(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "Region" not in table_lines(app)[0]
        await pilot.press("w")
        table = app.main.table
        assert table.wide and table.virtual_size.width > table.scrollable_content_region.width
        assert "111111111111.dkr.ecr.eu-west-1.amazonaws.com" in table_lines(app)[1]
        await pilot.press("right")
        assert 1 < table.scroll_x <= 3  # the target column's start, in one press
        await pilot.press("right")
        assert table.scroll_x > 10  # the next column: past the whole target column
        await pilot.press("w")
        assert not table.wide and table.virtual_size.width <= table.scrollable_content_region.width


# --- defect 3: the footer offers only what works -------------------------------------------------


async def test_an_sso_expired_row_offers_no_logout_and_stays_sso_expired(tui_env: Env) -> None:
    tui_env.write_profiles(PROFILES + "  - name: legacy\n    profile: sso-dev\n")
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("end", "l")
        await settle(pilot)
        legacy = next(r for r in app.board.rows.values() if r.registry.target == "legacy")
        assert legacy.status is RowStatus.SSO_EXPIRED
        await pilot.pause()
        keys = footer_keys(app)
        assert "s" in keys and "o" not in keys  # nothing was written for it: no logout offered
        await pilot.press("o")
        await settle(pilot)
        assert app.board.rows[legacy.key].status is RowStatus.SSO_EXPIRED  # not "failed"
        await move_to(pilot, DEV_HOSTS[0])
        await pilot.pause()
        assert "o" not in footer_keys(app)  # never logged in: nothing to log out of
        await pilot.press("l")
        await settle(pilot)
        await pilot.pause()
        assert "o" in footer_keys(app)
        assert {"?", "q"} <= set(footer_keys(app))  # kept at 80 columns


# --- defect 4: the filter matches what is shown --------------------------------------------------


async def test_status_expired_finds_the_rows_that_show_expired(tui_env: Env) -> None:
    tui_env.write_profiles(PROFILES + "  - name: legacy\n    profile: sso-dev\n")
    seed_cache(
        tui_env,
        STAGING_HOST,
        FROZEN_NOW - dt.timedelta(hours=1),
        account="333333333333",
        region="us-west-2",
        target="staging",
    )
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("end", "l")
        await settle(pilot)
        await pilot.press("slash", *"status:expired")
        shown = {app.board.rows[k].registry.target for k in app.main.table.shown_keys}
        assert shown == {"staging", "legacy"}  # "expired" and "SSO expired"


# --- defect 5: quitting mid-login ---------------------------------------------------------------


async def test_quitting_mid_login_asks_first(tui_env: Env, moto: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with FaultProxy(moto, latency=5) as proxy:
        tui_env.vars["AWS_ENDPOINT_URL"] = proxy.url
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        app = make_app(tui_env)
        async with app.run_test(size=SMALL) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("n")
            await pilot.pause()
            assert app.is_running and not isinstance(app.screen, ConfirmScreen)
            await pilot.press("q", "y")
            started = time.monotonic()
            await pilot.pause()
        assert time.monotonic() - started < 1.0
        assert not app.is_running


def test_a_confirmed_quit_mid_login_ends_the_process_within_a_second(tui_env: Env, moto: str) -> None:
    """The installed app in tmux at 80x24, every AWS call 20 s late: l, q, y, and the
    process is gone well before any call could have answered; ctrl+c meanwhile prints no
    traceback and the docker config is never left half-written."""
    tmux = require_binary("tmux")
    socket = f"ecrtui-quit-{os.getpid()}"
    with FaultProxy(moto, latency=20) as proxy:
        variables = {**tui_env.vars, "AWS_ENDPOINT_URL": proxy.url, "TERM": "xterm-256color"}
        # Textual draws on stderr: what the process prints after the app is gone shows on
        # the pane, which stays open a moment to be read.
        command = f"cd {REPO} && {sys.executable} -m ecrtui; echo EXITED-$? > {tui_env.home / 'done'}; sleep 5"
        run = ["new-session", "-d", "-s", "q", "-x", "80", "-y", "24", command]
        subprocess.run([tmux, "-L", socket, "-f", "/dev/null", *run], env=variables, check=True, timeout=10)
        try:

            def screen() -> str:
                return subprocess.run(
                    [tmux, "-L", socket, "capture-pane", "-p", "-t", "q"], capture_output=True, text=True, check=False
                ).stdout

            def keys(*names: str) -> None:
                subprocess.run([tmux, "-L", socket, "send-keys", "-t", "q", *names], check=False)

            def wait_for(ready: object, what: str, deadline: float = 30) -> None:
                end = time.monotonic() + deadline
                while time.monotonic() < end:
                    if ready():  # type: ignore[operator]
                        return
                    time.sleep(0.02)
                pytest.fail(f"timed out waiting for {what}:\n{screen()}")

            wait_for(lambda: "not logged in" in screen(), "the registries")
            keys("l")
            wait_for(lambda: "logging in" in screen() or "queued" in screen(), "the login to start")
            keys("q")
            wait_for(lambda: "Quit now?" in screen(), "the question")
            keys("y")
            confirmed = time.monotonic()
            keys("C-c")
            wait_for(lambda: (tui_env.home / "done").exists(), "the process to exit", deadline=5)
            took = time.monotonic() - confirmed
            after = screen()
        finally:
            subprocess.run([tmux, "-L", socket, "kill-server"], check=False, capture_output=True)
    print(f"confirmed quit to process exit: {took * 1000:.0f} ms")
    assert took < 1.0
    assert "Traceback" not in after and "KeyboardInterrupt" not in after
    assert (tui_env.home / "done").read_text().strip() == "EXITED-0"
    docker = tui_env.docker_config
    assert not docker.exists() or docker.read_text().strip().endswith("}")


# --- defect 7 and what daily users expect -------------------------------------------------------


async def test_below_a_usable_size_the_app_says_so(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=(50, 14)) as pilot:
        await settle(pilot)
        message = text_of(app.main.query_one("#too-small"))
        assert "50x14" in message and "at least 60x15" in message
        assert app.main.query_one("#too-small").display
        assert not app.main.query_one("#body").display


async def test_the_palette_runs_no_row_action_from_inside_a_dialog(tui_env: Env) -> None:
    from ecrtui.tui.commands import EcrtuiCommands

    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        offered = [hit.text async for hit in EcrtuiCommands(app.screen).discover()]
        assert not any("Log in" in text for text in offered)
        await app.run_action("login")  # what a palette command would have run
        await settle(pilot)
        assert set(statuses(app).values()) == {RowStatus.IDLE}


async def test_question_mark_in_the_filter_lists_its_fields_and_esc_is_hinted(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert sorted(footer_keys(app)) == sorted(["?", "esc", "⏎"])  # while typing, only keys that act here
        field = app.main.filter_input
        assert "esc" in str(field.border_subtitle)
        assert "status:" in field.placeholder
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert field.value == ""
        await pilot.press("escape")
        assert field.has_class("-open")


async def test_enter_opens_the_details_and_login_stays_on_l_unless_remapped(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, RowScreen)
        assert DEV_HOSTS[0] in text_of(app.screen.query_one("DetailsPanel"))  # type: ignore[arg-type]
        await pilot.press("escape")
        assert set(statuses(app).values()) == {RowStatus.IDLE}
    tui_env.write_profiles(PROFILES + "keymap:\n  login: enter,l\n  details: i\n")
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert statuses(app)[DEV_HOSTS[0]] is RowStatus.LOGGED_IN


async def test_vi_keys_sorting_by_expiry_and_a_confirmed_bulk_logout(tui_env: Env) -> None:
    seed_cache(
        tui_env,
        STAGING_HOST,
        FROZEN_NOW + dt.timedelta(minutes=5),
        account="333333333333",
        region="us-west-2",
        target="staging",
    )
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        assert app.main.table.cursor_row == 2
        await pilot.press("G")
        assert app.main.table.cursor_row == 3
        await pilot.press("g", "k")
        assert app.main.table.cursor_row == 0
        await pilot.press("e")  # expires soonest first
        assert app.board.rows[app.main.table.shown_keys[0]].label == STAGING_HOST
        assert "Expires in▾" in table_lines(app)[0]
        await pilot.press("a", "l")
        await settle(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert set(statuses(app).values()) == {RowStatus.LOGGED_IN}
        await pilot.press("o", "y")
        await settle(pilot)
        assert set(statuses(app).values()) == {RowStatus.LOGGED_OUT}


async def test_theme_columns_sort_and_side_list_are_remembered(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not app.main.sidebar_shown
        await pilot.press("b", "w", "e")
        await pilot.pause()
        assert app.main.sidebar_shown  # at 80 columns, when asked
        app.theme = "nord"
        await pilot.pause()
    path = tui_env.home / ".config" / "ecrtui" / "tui-settings.json"
    assert path.exists()
    again = make_app(tui_env)
    async with again.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
        assert again.main.table.wide and again.settings.sort_by == "expires"
        assert again.main.sidebar_shown


# --- tokens kept fresh -------------------------------------------------------------------------


async def test_auto_renew_renews_before_the_refresh_time_and_a_failure_turns_the_row_red(
    tui_env: Env, ecr_public: EcrPublicStandin
) -> None:
    """The clock is injected: moving it past a token's refresh time (expiry minus the
    30-minute refresh margin) and ticking renews it; no sleeping."""
    seed_cache(
        tui_env,
        DEV_HOSTS[0],
        FROZEN_NOW + dt.timedelta(hours=2),
        account="111111111111",
        region="eu-west-1",
        target="dev",
    )
    seed_cache(
        tui_env, "public.ecr.aws", FROZEN_NOW + dt.timedelta(hours=2), account=None, region="us-east-1", target="public"
    )
    set_standin_mode(ecr_public, "denied")
    now = [FROZEN_NOW]
    app = EcrtuiApp(Services(tui_env.vars), clock=lambda: now[0])
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("A")
        assert app.settings.auto_renew
        now[0] = FROZEN_NOW + dt.timedelta(minutes=65)  # 55 minutes left: yellow, not yet due
        app.tick()
        await settle(pilot)
        table, key = app.main.table, key_of(app, DEV_HOSTS[0])
        assert table.get_cell(key, "status").style == table.status_styles()["warn"]
        assert DEV_HOSTS[0] not in (tui_env.docker_auths() if tui_env.docker_config.exists() else {})
        now[0] = FROZEN_NOW + dt.timedelta(hours=1, minutes=31)  # 29 minutes left: due
        app.tick()
        await settle(pilot)
        assert auth_renewed(tui_env, DEV_HOSTS[0])
        dev = app.board.rows[key]
        assert dev.status is RowStatus.LOGGED_IN and dev.expires_at == dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc)
        assert "1 renewed" in " ".join(notifications(app))
        public = app.board.rows[key_of(app, "public.ecr.aws")]
        assert public.status is RowStatus.FAILED and "access denied" in (public.error or "")
        assert table.get_cell(public.key, "status").style == table.status_styles()["bad"]
        renewals = [n for n in notifications(app) if n.startswith("renewing")]
        assert len(renewals) == 1
        app.tick()  # renewed once per token: no second attempt, though the new token is already due
        await settle(pilot)
        assert app.board.rows[key].status is RowStatus.LOGGED_IN
        assert [n for n in notifications(app) if n.startswith("renewing")] == renewals


def auth_renewed(env: Env, host: str) -> bool:
    return env.docker_config.exists() and host in env.docker_auths()


async def test_diagnostics_answers_question_mark(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DiagnosticsScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "Diagnostics: keys"


# --- messages in the app's words ------------------------------------------------------------------


def test_class_names_become_words_and_cli_flags_become_the_apps_own_actions() -> None:
    from ecrtui.tui.wording import for_the_app

    said = for_the_app("ecr:GetAuthorizationToken failed: ResponseParserError: Unable to parse response")
    assert said == "ecr:GetAuthorizationToken failed: an answer AWS's client could not read: Unable to parse response"
    assert "ModuleNotFoundError" not in for_the_app("ModuleNotFoundError: No module named 'keyring'")
    fix = for_the_app("pass --region, set AWS_REGION, give the profile a region, or set defaults.region")
    assert "--region" not in fix and "profiles file" in fix
    assert "--no-cache" not in for_the_app("or turn the cache off (--no-cache, or `cache: none` in the profiles file)")


async def test_toasts_never_cover_the_details_at_80x24(tui_env: Env) -> None:
    from textual.widgets._toast import Toast

    app = make_app(tui_env)
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert toasts
        details = app.main.details.region
        assert all(not toast.region.overlaps(details) for toast in toasts)


def test_the_installed_app_at_80x24_logs_in_and_shows_the_expiry(tui_env: Env) -> None:
    """`ecrtui --demo` in tmux at 80x24: a, l, and the expiry column read off the screen."""
    tmux = require_binary("tmux")
    socket = f"ecrtui-80-{os.getpid()}"
    variables = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "AWS_"))}
    variables.update(TERM="xterm-256color", HOME=str(tui_env.home), XDG_CONFIG_HOME=str(tui_env.home / ".config"))
    command = f"cd {REPO} && exec {sys.executable} -m ecrtui --demo"
    run = ["new-session", "-d", "-s", "d", "-x", "80", "-y", "24", command]
    subprocess.run([tmux, "-L", socket, "-f", "/dev/null", *run], env=variables, check=True, timeout=10)

    def screen() -> str:
        return subprocess.run(
            [tmux, "-L", socket, "capture-pane", "-p", "-t", "d"], capture_output=True, text=True, check=False
        ).stdout

    def wait_for(ready: object, what: str) -> str:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            shown = screen()
            if ready(shown):  # type: ignore[operator]
                return shown
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}:\n{screen()}")

    try:
        wait_for(lambda s: "not logged in" in s, "the registries")
        subprocess.run([tmux, "-L", socket, "send-keys", "-t", "d", "a", "l"], check=False)
        shown = wait_for(lambda s: s.count("logged in") - s.count("not logged in") >= 8, "the logins")
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], check=False, capture_output=True)
    header = next(line for line in shown.splitlines() if "Registry" in line and "Status" in line)
    assert "Expires in" in header
    public = next(line for line in shown.splitlines() if " public " in line and "public.ecr.aws" in line)
    assert "logged in" in public
    assert public.rstrip().endswith(("11h 59m", "12h 00m"))  # the expiry column, on screen at 80 columns


async def test_diagnostics_group_the_same_finding_across_hosts(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen)
        shown = text_of(screen.query_one("#check-list"))  # type: ignore[arg-type]
        assert shown.count("Stored credentials") == 1  # one line for both dev registries
        flat = " ".join(shown.split())
        assert "Stored credentials [2" in flat and "registries]" in flat  # the title column wraps
        assert all(host in flat.replace(" ", "") for host in DEV_HOSTS)
        assert "ecrtui login --target" not in flat and "press l" in flat
        assert "--repository" not in flat and "--http-proxy" not in flat
        assert screen.diagnosis is not None
        assert sum(1 for c in screen.diagnosis.checks if c.title == "Stored credentials") == 2  # the copy is whole


async def test_diagnostics_show_progress_while_the_checks_run(
    tui_env: Env, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FaultProxy(moto, latency=0.3) as proxy:
        tui_env.vars["AWS_ENDPOINT_URL"] = proxy.url
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        app = make_app(tui_env)
        async with app.run_test(size=MEDIUM) as pilot:
            await settle(pilot)
            await pilot.press("d")
            screen = app.screen
            assert isinstance(screen, DiagnosticsScreen)
            seen: set[str] = set()
            deadline = time.monotonic() + 30
            while screen.diagnosis is None and time.monotonic() < deadline:
                seen.add(text_of(screen.query_one("#summary")))  # type: ignore[arg-type]
                await pilot.pause(0.02)
            assert screen.diagnosis is not None
            assert any("done, last:" in text for text in seen)  # counted while running


# --- review fixes -----------------------------------------------------------------------------


def test_the_settings_folders_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "config" / "ecrtui" / "tui-settings.json"
    old = os.umask(0o022)
    try:
        assert TuiSettings(theme="nord").save(path) is None
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "config").stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


async def test_the_footer_follows_select_all_and_space_on_the_last_row(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        last = app.main.table.row_count - 1
        app.main.table.move_cursor(row=last)
        await pilot.pause()
        await pilot.press("l")  # the last row only
        await settle(pilot)
        app.main.table.move_cursor(row=0)
        await pilot.pause()
        await pilot.press("space")  # choose the first row: nothing to log out of
        app.main.table.move_cursor(row=last)
        await pilot.pause()
        assert "o" not in footer_keys(app)
        await pilot.press("space")  # the last row joins the selection; the cursor cannot move on
        await pilot.pause()
        assert "o" in footer_keys(app)
        await pilot.press("space")  # and leaves it again
        await pilot.pause()
        assert "o" not in footer_keys(app)
        await pilot.press("a")  # select all: the logged-in last row is chosen too
        await pilot.pause()
        assert "o" in footer_keys(app)


async def test_diagnostics_copy_keys_wait_for_the_report_and_a_failure_is_shown(
    tui_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def failing(self: Services, row: object, on_check: object = None) -> None:
        release.wait(10)
        raise RuntimeError("the doctor fell over")

    monkeypatch.setattr(Services, "diagnose", failing)
    app = make_app(tui_env)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen)
        assert "c" not in footer_keys(app) and "p" not in footer_keys(app)
        release.set()
        await settle(pilot)
        await pilot.pause()
        assert app.screen is screen
        assert "the doctor fell over" in text_of(screen.query_one("#summary", Static))
        assert not screen.query_one(LoadingIndicator).display
