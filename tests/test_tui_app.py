"""The interactive app, driven headless with Textual's Pilot against moto server and the
ECR Public stand-in: every binding and flow of the main screen, the diagnostics and help
screens, the keymap and the command palette.

The clock is frozen before moto's hard-coded token expiry (2015-01-01), so moto's tokens
read as fresh here and the expiry column is deterministic.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import time

import pytest
from support.environment import Env
from support.faultproxy import FaultProxy
from support.standins import set_standin_mode
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
from textual.widgets import DataTable, Input, Static, TextArea

from ecrtui.demo.standins.ecr_public import EcrPublicStandin
from ecrtui.tui.app import EcrtuiApp
from ecrtui.tui.bindings import APP_BINDINGS
from ecrtui.tui.commands import EcrtuiCommands
from ecrtui.tui.rows import RowStatus
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen, wrap_title
from ecrtui.tui.screens.help_screen import HelpScreen
from ecrtui.tui.services import Services

SIZE = (140, 40)
WIDE = (200, 40)  # wide enough for the side list beside the table


@pytest.fixture
def tui_env(env: Env, monkeypatch: pytest.MonkeyPatch) -> Env:
    return prepare(env, monkeypatch)


def cell(app: EcrtuiApp, host: str, column: str) -> str:
    return str(app.main.table.get_cell(key_of(app, host), column))


def auth_of(env: Env, host: str) -> str:
    auth = env.docker_auths()[host]["auth"]  # type: ignore[index]
    return base64.b64decode(auth).decode()


# --- startup ---------------------------------------------------------------------------------


async def test_startup_lists_targets_profiles_and_registries_without_a_network_call(
    tui_env: Env, ecr_public: EcrPublicStandin
) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert list(statuses(app)) == [*DEV_HOSTS, STAGING_HOST, "public.ecr.aws"]
        assert set(statuses(app).values()) == {RowStatus.IDLE}
        sidebar = [str(option.prompt) for option in app.main.sidebar.options]
        assert any(line.startswith("dev ") for line in sidebar)
        assert any(line.startswith("sso-dev ") and "sso" in line for line in sidebar)
        assert app.sub_title == "~/profiles.yaml"
        assert cell(app, STAGING_HOST, "region") == "us-west-2"
        assert cell(app, STAGING_HOST, "account") == "333333333333"
    assert ecr_public.state.calls == []


async def test_without_a_profiles_file_each_aws_profile_and_ecr_public_are_listed(tui_env: Env) -> None:
    del tui_env.vars["ECRTUI_CONFIG"]
    os.environ.pop("ECRTUI_CONFIG")
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = list(app.board.rows.values())
        assert [(r.registry.target, r.registry.region, r.registry.type.value) for r in rows] == [
            ("default", "us-east-1", "private"),
            ("team", "eu-west-1", "private"),
            ("sso-dev", "eu-central-1", "private"),
            ("ecr-public", "us-east-1", "public"),
        ]
        assert app.sub_title == "no profiles file"
        await pilot.press("a", "l")
        await settle(pilot)
        # The caller's own registry is known only once AWS answers: the row learns its host.
        assert statuses(app)["123456789012.dkr.ecr.eu-west-1.amazonaws.com"] is RowStatus.LOGGED_IN
        assert statuses(app)["public.ecr.aws"] is RowStatus.LOGGED_IN
    # Started again, the app finds the default registry's host and expiry in the cache.
    again = make_app(tui_env)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert statuses(again)["123456789012.dkr.ecr.eu-west-1.amazonaws.com"] is RowStatus.LOGGED_IN
        assert cell(again, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "expires") == "12h 00m"


async def test_startup_shows_cached_expiry_from_the_keyring_before_any_network_call(
    tui_env: Env, ecr_public: EcrPublicStandin
) -> None:
    seed_cache(
        tui_env,
        DEV_HOSTS[0],
        FROZEN_NOW + dt.timedelta(minutes=40),
        account="111111111111",
        region="eu-west-1",
        target="dev",
    )
    seed_cache(
        tui_env,
        STAGING_HOST,
        FROZEN_NOW - dt.timedelta(hours=1),
        account="333333333333",
        region="us-west-2",
        target="staging",
    )
    seed_cache(
        tui_env,
        "public.ecr.aws",
        FROZEN_NOW + dt.timedelta(hours=11),
        account=None,
        region="us-east-1",
        target="public",
    )
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert statuses(app) == {
            DEV_HOSTS[0]: RowStatus.LOGGED_IN,
            DEV_HOSTS[1]: RowStatus.IDLE,
            STAGING_HOST: RowStatus.LOGGED_IN,
            "public.ecr.aws": RowStatus.LOGGED_IN,
        }
        assert cell(app, DEV_HOSTS[0], "expires") == "40m 00s"
        assert cell(app, STAGING_HOST, "expires") == "expired"
        assert cell(app, STAGING_HOST, "status") == "expired"
        assert cell(app, "public.ecr.aws", "expires") == "11h 00m"
    assert ecr_public.state.calls == []  # the cache answered; no AWS call was made


async def test_the_countdown_ticks_and_changes_colour_as_time_passes(tui_env: Env) -> None:
    seed_cache(
        tui_env,
        DEV_HOSTS[0],
        FROZEN_NOW + dt.timedelta(hours=1, seconds=1),
        account="111111111111",
        region="eu-west-1",
        target="dev",
    )
    now = [FROZEN_NOW]
    app = EcrtuiApp(Services(tui_env.vars), clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table, key = app.main.table, key_of(app, DEV_HOSTS[0])
        styles = table.status_styles()
        assert cell(app, DEV_HOSTS[0], "expires") == "1h 00m"
        assert table.get_cell(key, "expires").style == styles["ok"]
        now[0] = FROZEN_NOW + dt.timedelta(seconds=2)
        app.tick()
        assert cell(app, DEV_HOSTS[0], "expires") == "59m 59s"
        assert table.get_cell(key, "expires").style == styles["warn"]
        now[0] = FROZEN_NOW + dt.timedelta(hours=2)
        app.tick()
        assert cell(app, DEV_HOSTS[0], "expires") == "expired"
        assert cell(app, DEV_HOSTS[0], "status") == "expired"
        assert table.get_cell(key, "expires").style == styles["bad"]


async def test_credentials_already_in_the_docker_config_show_at_startup(tui_env: Env) -> None:
    docker = tui_env.docker_config
    docker.parent.mkdir(parents=True)
    docker.write_text(json.dumps({"auths": {STAGING_HOST: {"auth": "QVdTOng="}}}))
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert statuses(app)[STAGING_HOST] is RowStatus.STORED
        assert cell(app, STAGING_HOST, "status") == "in config"
        assert statuses(app)[DEV_HOSTS[0]] is RowStatus.IDLE


# --- select and log in -------------------------------------------------------------------------


async def test_space_selects_and_l_logs_into_the_selection_in_parallel(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # the first two rows; space moves down
        assert cell(app, DEV_HOSTS[0], "mark") == "✔"
        assert cell(app, STAGING_HOST, "mark").strip() == ""
        await pilot.press("l")
        assert {statuses(app)[h] for h in DEV_HOSTS} <= {RowStatus.QUEUED, RowStatus.RUNNING, RowStatus.LOGGED_IN}
        await settle(pilot)
        assert statuses(app) == {
            DEV_HOSTS[0]: RowStatus.LOGGED_IN,
            DEV_HOSTS[1]: RowStatus.LOGGED_IN,
            STAGING_HOST: RowStatus.IDLE,
            "public.ecr.aws": RowStatus.IDLE,
        }
        assert cell(app, DEV_HOSTS[0], "status") == "logged in"
        assert cell(app, DEV_HOSTS[0], "expires") == "12h 00m"  # moto: 2015-01-01, clock: noon before
        assert auth_of(tui_env, DEV_HOSTS[0]) == "AWS:111111111111-auth-token"
        assert auth_of(tui_env, DEV_HOSTS[1]) == "AWS:222222222222-auth-token"
        assert STAGING_HOST not in tui_env.docker_auths()
        assert "2 logged in" in notifications(app)


async def test_a_selects_all_and_l_logs_in(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert app.board.selected == set(app.board.rows)
        await pilot.press("l")
        await settle(pilot)
        assert set(statuses(app).values()) == {RowStatus.LOGGED_IN}
        assert set(tui_env.docker_auths()) == {*DEV_HOSTS, STAGING_HOST, "public.ecr.aws"}
        assert "4 logged in" in notifications(app)
        await pilot.press("a")  # again: select none
        assert app.board.selected == set()


async def test_l_without_a_selection_logs_into_the_row_under_the_cursor(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await move_to(pilot, STAGING_HOST)
        await pilot.press("l")
        await settle(pilot)
        assert [h for h, s in statuses(app).items() if s is RowStatus.LOGGED_IN] == [STAGING_HOST]
        assert set(tui_env.docker_auths()) == {STAGING_HOST}


async def test_a_failing_target_beside_succeeding_ones(tui_env: Env, ecr_public: EcrPublicStandin) -> None:
    set_standin_mode(ecr_public, "denied")
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "l")
        await settle(pilot)
        assert statuses(app)["public.ecr.aws"] is RowStatus.FAILED
        assert [s for h, s in statuses(app).items() if h != "public.ecr.aws"] == [RowStatus.LOGGED_IN] * 3
        assert cell(app, "public.ecr.aws", "status") == "failed"
        assert "3 logged in, 1 failed" in notifications(app)
        await move_to(pilot, "public.ecr.aws")
        details = text_of(app.main.details)
        assert "access denied" in details
        assert "attach a policy" in details  # the remediation, not a traceback
        assert "Traceback" not in details
        assert "public.ecr.aws" not in tui_env.docker_auths()


REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-south-1",
    "ca-central-1", "sa-east-1", "eu-south-1", "af-south-1", "me-south-1", "ap-east-1",
)  # fmt: skip


async def test_the_ui_answers_keys_while_100_logins_run(
    tui_env: Env, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 registries in 20 regions, every AWS call 0.4 s late (the fault proxy): keys
    pressed mid-batch are handled mid-batch, which a login on the event loop would
    prevent. The event loop's longest stall is measured by a 10 ms heartbeat."""
    targets = "".join(
        f"  - name: r{i}\n    region: {region}\n    registries: [{', '.join(repr(f'{i:02d}00000000{n:02d}') for n in range(5))}]\n"
        for i, region in enumerate(REGIONS)
    )
    tui_env.write_profiles(f"version: 1\ntargets:\n{targets}")
    with FaultProxy(moto, latency=0.4) as proxy:
        tui_env.vars["AWS_ENDPOINT_URL"] = proxy.url
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        app = make_app(tui_env)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert len(app.board.rows) == 100
            gaps: list[float] = []
            last = [time.perf_counter()]

            def beat() -> None:
                now = time.perf_counter()
                gaps.append(now - last[0])
                last[0] = now

            # How many logins were still in flight each time a key moved the cursor.
            in_flight: list[int] = []
            move_down = app.main.table.action_cursor_down

            def counting_move_down() -> None:
                in_flight.append(sum(1 for row in app.board.rows.values() if row.busy))
                move_down()

            monkeypatch.setattr(app.main.table, "action_cursor_down", counting_move_down)
            app.set_interval(0.01, beat)
            await pilot.press("a", "l", "down", "down", "down")
            await settle(pilot)
            assert app.main.table.cursor_row == 3
            # The first key after `l` was handled while the batch ran (a login on the event
            # loop would have handled it only after the last one).
            assert len(in_flight) == 3 and in_flight[0] > 0
            assert set(statuses(app).values()) == {RowStatus.LOGGED_IN}, notifications(app)
            assert len(tui_env.docker_auths()) == 100
            print(f"longest event-loop stall during 100 logins: {max(gaps) * 1000:.0f} ms")


# --- logout, filter ------------------------------------------------------------------------------


async def test_o_logs_out_of_the_selection(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "l")
        await settle(pilot)
        await pilot.press("a")  # select none
        await move_to(pilot, DEV_HOSTS[1])
        await pilot.press("o")
        await settle(pilot)
        assert statuses(app)[DEV_HOSTS[1]] is RowStatus.LOGGED_OUT
        assert cell(app, DEV_HOSTS[1], "expires") == "—"
        assert set(tui_env.docker_auths()) == {DEV_HOSTS[0], STAGING_HOST, "public.ecr.aws"}
        assert "1 logged out" in notifications(app)


async def test_slash_filters_the_table_and_escape_clears_it(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"eu-west")
        assert app.main.table.shown_keys == [r.key for r in app.board.rows.values() if r.label in DEV_HOSTS]
        await pilot.press("enter")  # back to the table, filter kept
        assert app.focused is app.main.table
        await pilot.press("a", "l")  # "all" means all that are shown
        await settle(pilot)
        assert set(tui_env.docker_auths()) == set(DEV_HOSTS)
        await pilot.press("slash", "escape")
        assert len(app.main.table.shown_keys) == 4
        await pilot.press("slash", *"type:public")
        assert [app.board.rows[k].label for k in app.main.table.shown_keys] == ["public.ecr.aws"]


async def test_choosing_a_target_in_the_sidebar_filters_to_it(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        sidebar = app.main.sidebar
        sidebar.focus()
        sidebar.highlighted = next(i for i, o in enumerate(sidebar.options) if o.id == "target:staging")
        await pilot.press("enter")
        assert app.main.filter_input.value == "target:staging"
        assert [app.board.rows[k].label for k in app.main.table.shown_keys] == [STAGING_HOST]


@pytest.mark.parametrize(("size", "sidebar_shown"), [(WIDE, True), ((130, 34), False)])
async def test_every_column_shows_without_scrolling_and_the_side_list_only_when_wide(
    tui_env: Env, size: tuple[int, int], sidebar_shown: bool
) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.main.sidebar.display is sidebar_shown
        table = app.main.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        assert not table.show_horizontal_scrollbar


# --- diagnostics, help ------------------------------------------------------------------------------


def test_long_check_titles_wrap_at_spaces_and_punctuation_not_mid_word() -> None:
    assert wrap_title("Login (ecr-public:GetAuthorizationToken)") == ["Login", "(ecr-public:", "GetAuthorizationToken)"]
    assert wrap_title("Stored credentials [public.ecr.aws]") == ["Stored credentials", "[public.ecr.aws]"]
    assert wrap_title("Keyring backend") == ["Keyring backend"]
    assert wrap_title("x" * 30, width=26) == ["x" * 26, "x" * 4]  # no break point: folded


async def test_d_opens_diagnostics_with_checks_remediation_and_a_copyable_policy(
    tui_env: Env, ecr_public: EcrPublicStandin
) -> None:
    set_standin_mode(ecr_public, "denied")
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await move_to(pilot, "public.ecr.aws")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen)
        assert screen.diagnosis is not None
        checks = text_of(screen.query_one("#check-list", Static))
        assert "may not call ecr-public:GetAuthorizationToken" in checks  # the doctor's finding
        assert "attach this policy" in checks  # and its remediation
        assert "Caller identity" in checks
        policy = screen.query_one("#policy", TextArea).text
        assert '"ecr-public:GetAuthorizationToken"' in policy
        assert '"sts:GetServiceBearerToken"' in policy
        await pilot.press("c")
        assert app.clipboard.startswith("ecrtui diagnostics: public.ecr.aws")
        failed = [line for line in app.clipboard.splitlines() if line.startswith("[FAIL]")]
        assert any("may not call ecr-public:GetAuthorizationToken" in line for line in failed)
        await pilot.press("p")
        assert app.clipboard == policy
        await pilot.press("escape")
        assert not isinstance(app.screen, DiagnosticsScreen)


async def test_question_mark_lists_every_binding_with_its_id(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        table = screen.query_one(DataTable)
        ids = [key.value for key in table.rows]
        assert {b.id for b in APP_BINDINGS} <= set(ids)
        assert {"copy-report", "copy-policy", "clear-filter", "command-palette"} <= set(ids)
        assert {"filter-help", "confirm-yes", "close-sign-in", "copy-sso-code", "save-discovery"} <= set(ids)
        assert str(table.get_cell("login", "keys")) == "l"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


# --- keymap, palette -----------------------------------------------------------------------------


async def test_the_profiles_file_keymap_remaps_bindings(tui_env: Env) -> None:
    text = (
        PROFILES
        + "keymap:\n  login: ctrl+g\n  select-all: x\n  cursor-down: j\n  no-such-binding: y\n  confirm-yes: Y\n"
    )
    tui_env.write_profiles(text)
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("no-such-binding" in message for message in notifications(app))
        assert not any("id confirm-yes" in message for message in notifications(app))  # a dialog's key
        await pilot.press("a", "l")  # the old keys do nothing now
        await settle(pilot)
        assert app.board.selected == set()
        assert set(statuses(app).values()) == {RowStatus.IDLE}
        await pilot.press("x", "ctrl+g")
        await settle(pilot)
        assert set(statuses(app).values()) == {RowStatus.LOGGED_IN}
        await pilot.press("j", "j")  # vi keys for the table's cursor
        assert app.main.table.cursor_row == 2
        await pilot.press("question_mark")
        table = app.screen.query_one(DataTable)
        assert str(table.get_cell("login", "keys")) == "^g"


async def test_every_action_is_a_palette_command(tui_env: Env) -> None:
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Log in to the selected")
        await pilot.pause(0.3)  # the palette searches on a short debounce timer
        await pilot.press("enter")
        await settle(pilot)
        # Nothing selected: the palette's "log in" takes the row under the cursor.
        assert statuses(app)[DEV_HOSTS[0]] is RowStatus.LOGGED_IN
        assert DEV_HOSTS[0] in tui_env.docker_auths()
        # ...and the palette offers every binding's action, by its description.
        offered = [hit.text async for hit in EcrtuiCommands(app.main).discover()]
        assert offered == [b.tooltip for b in APP_BINDINGS if b.id != "command-palette"]
        assert len(offered) == len(APP_BINDINGS) - 1


# --- SSO, errors --------------------------------------------------------------------------------------


async def test_an_expired_sso_session_shows_and_s_refreshes_it_and_retries(tui_env: Env) -> None:
    """The AWS CLI is the demo's stand-in (no SSO portal exists here): it rewrites the
    profile the way a refreshed session behaves. Headless there is no terminal to
    suspend, so the app runs it captured; tests/test_tui_terminal.py covers the suspend."""
    tui_env.write_profiles(PROFILES + "  - name: legacy\n    profile: sso-dev\n")
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "l")
        await settle(pilot)
        legacy = next(r for r in app.board.rows.values() if r.registry.target == "legacy")
        assert legacy.status is RowStatus.SSO_EXPIRED
        assert str(app.main.table.get_cell(legacy.key, "status")) == "SSO expired"
        details = text_of(app.main.details)
        assert "aws sso login --profile sso-dev" in details
        assert any("SSO expired" in str(o.prompt) for o in app.main.sidebar.options)
        await pilot.press("s")
        await settle(pilot)
        legacy = next(r for r in app.board.rows.values() if r.registry.target == "legacy")
        assert legacy.status is RowStatus.LOGGED_IN
        assert legacy.host == "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
        assert "SSO session of sso-dev refreshed; logging in again" in notifications(app)


async def test_a_broken_profiles_file_is_shown_not_a_traceback(tui_env: Env) -> None:
    tui_env.write_profiles("version: 1\ntargets:\n  - name: dev\n    regoin: eu-west-1\n")
    app = make_app(tui_env)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        assert any("unknown key 'regoin'" in message for message in notifications(app))
        details = text_of(app.main.details)
        assert "did you mean 'region'?" in details
        assert app.sub_title == "configuration error"
        tui_env.write_profiles(PROFILES)
        await pilot.press("r")  # fixed: refresh reads it again
        await settle(pilot)
        assert len(app.board.rows) == 4
        assert app.sub_title == "~/profiles.yaml"
