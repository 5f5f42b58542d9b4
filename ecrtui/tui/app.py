"""The Textual application: bindings and their actions, the thread workers that call the
core through `Services`, and the handlers of what the workers report.

Workers are thin: each calls one blocking `Services` method (logins: in a child process,
login_process.py) and posts messages. Handlers run on the event loop, update the
`RegistryBoard` and hand rows to the widgets, which only render. Every worker error lands in one handler, `on_worker_state_changed`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from ecrtui.core.config import default_profiles_path
from ecrtui.core.diagnose.models import Check
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginFinished, LoginStarted, Registry
from ecrtui.core.sso_config import SsoConfig
from ecrtui.core.usecases.summary import tally_text
from ecrtui.tui.bindings import APP_BINDINGS, BY_ID, MAIN_ONLY, SORT_CYCLE
from ecrtui.tui.commands import EcrtuiCommands
from ecrtui.tui.login_process import isolated_python
from ecrtui.tui.login_process import run_logins as run_logins_in_child
from ecrtui.tui.messages import (
    CachedStateRead,
    CacheProblemMet,
    CheckMade,
    DiagnosisReady,
    InventoryLoaded,
    LoginBatchFinished,
    LoginEventsArrived,
    LogoutFinished,
    SsoLoginFinished,
)
from ecrtui.tui.rows import RegistryBoard, RegistryRow, RowStatus, batch_summary
from ecrtui.tui.screens.confirm_screen import ConfirmScreen
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.discovery_screen import DiscoveryScreen
from ecrtui.tui.screens.help_screen import FILTER_HELP, HelpEntry, HelpScreen
from ecrtui.tui.screens.identity_center import IdentityCenterCommands, built_in_sign_in, open_sign_in, rows_signed_in
from ecrtui.tui.screens.main_screen import FilterInput, MainScreen
from ecrtui.tui.screens.row_screen import RowScreen
from ecrtui.tui.screens.sign_in_screen import SignInScreen
from ecrtui.tui.services import Inventory, Services, display_path
from ecrtui.tui.settings import TuiSettings, settings_path
from ecrtui.tui.widgets.profile_sidebar import ProfileSidebar
from ecrtui.tui.widgets.registry_table import LABELS, RegistryTable
from ecrtui.tui.wording import for_the_app

Clock = Callable[[], dt.datetime]
ROW_ACTIONS = ("login", "logout", "sso_login", "diagnose", "details")
"""The actions whose footer keys depend on the rows (check_action)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class EcrtuiApp(App[None]):
    """ecrtui's interactive face. `services` is the door to the core; `clock` is injected
    so snapshots can freeze the countdowns and tests can move time for auto-renew."""

    TITLE = "ecrtui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    COMMANDS: ClassVar = App.COMMANDS | {EcrtuiCommands, IdentityCenterCommands}
    TICK_SECONDS = 1.0
    # Below 160 columns the side list gives its room to the table (app.tcss) unless the
    # user toggles it; the table's columns fit any width from 60 (registry_table.py).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (160, "-wide")]  # noqa: RUF012 - textual types it so

    def __init__(
        self,
        services: Services | None = None,
        *,
        clock: Clock = utc_now,
        demo: bool = False,
        settings_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.services = services or Services()
        self.clock = clock
        self.demo = demo
        self.board = RegistryBoard()
        self.main = MainScreen()
        self.inventory: Inventory | None = None
        self.user_keymap: dict[str, str] = {}
        self._batches: dict[Worker[object], list[str]] = {}
        self.settings_file = settings_file or settings_path(self.services.environ)
        self.settings = TuiSettings.load(self.settings_file)
        self.quitting = False  # set once a quit is confirmed: workers stop waiting
        self._renewed: dict[str, dt.datetime | None] = {}  # key: the expiry a renewal started from
        self._footer_state: tuple[bool | None, ...] = ()
        self._sidebar_expired: list[str] = []  # the SSO-expired profiles the side list shows

    async def on_mount(self) -> None:
        # Awaiting the push means the screen's widgets exist before anything renders.
        await self.push_screen(self.main)
        self._apply_settings()
        self.sub_title = "demo: local stand-ins, no AWS account" if self.demo else "loading…"
        self.main.details.show_message("ecrtui", "Reading the profiles file and the AWS config…")
        self.set_interval(self.TICK_SECONDS, self.tick)
        self.load_inventory()

    def _apply_settings(self) -> None:
        settings = self.settings
        if settings.theme and settings.theme in self.available_themes:
            self.theme = settings.theme
        self.board.sort_by = settings.sort_by if settings.sort_by in LABELS else None
        self.main.table.set_layout(wide=settings.wide, sort_by=self.board.sort_by)
        self.main.show_sidebar(settings.sidebar)
        self.watch(self, "theme", self._theme_chosen, init=False)
        self._update_title()

    def _theme_chosen(self, theme: str) -> None:
        self.settings.theme = theme
        self._save_settings()

    def _save_settings(self) -> None:
        problem = self.settings.save(self.settings_file)
        if problem:
            self.notify(f"settings not saved: {problem}", title="Settings", severity="warning")

    def tick(self) -> None:
        """Advance the countdowns to the clock's time (every second, and on demand), and
        renew the tokens due for it when auto-renew is on."""
        now = self.clock()
        self.main.table.tick(now)
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is not None and row.expires_at is not None:  # only a countdown changes by itself
            self._show_details()
        if self.settings.auto_renew:
            self._renew_due(now)

    def _renew_due(self, now: dt.datetime) -> None:
        """Log in again to each logged-in registry whose token reached its refresh time
        (the profiles file's refresh_margin before expiry), once per token."""
        margin = dt.timedelta(minutes=self.services.defaults.refresh_margin_minutes)
        due = [
            row
            for row in self.board.rows.values()
            if row.status is RowStatus.LOGGED_IN
            and row.expires_at is not None
            and now >= row.expires_at - margin
            and self._renewed.get(row.key, object()) != row.expires_at
        ]
        if due:
            for row in due:
                self._renewed[row.key] = row.expires_at
            self._start_login(due, renewal=True)

    # --- workers: each calls one core operation and reports by message --------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory")
    def load_inventory(self) -> None:
        inventory = self.services.load_inventory()
        self.post_message(InventoryLoaded(inventory))
        self.post_message(CachedStateRead(*self.services.cached_state(inventory.registries)))

    @work(thread=True, exit_on_error=False, group="login")
    def run_logins(self, registries: list[Registry], renewal: bool = False) -> None:
        # Not exclusive: a second batch may start while one runs. Rows in flight are left
        # out of new batches, so two batches never log into the same registry at once.
        # The logins run in a child process (login_process.py): botocore there never
        # holds this process's GIL, and a quit never waits for a network call.
        worker = get_current_worker()
        results = run_logins_in_child(
            self.services,
            registries,
            self._post_login_events,
            self._post_cache_problem,
            lambda: self.quitting or worker.is_cancelled,
        )
        if results:
            self.post_message(LoginBatchFinished(results, renewal))

    def _post_login_events(self, events: list[LoginEvent]) -> None:
        self.post_message(LoginEventsArrived(events))

    def _post_cache_problem(self, problem: EcrtuiError) -> None:
        self.post_message(CacheProblemMet(problem))

    @work(thread=True, exit_on_error=False, group="logout")
    def run_logout(self, rows: list[RegistryRow]) -> None:
        self.post_message(LogoutFinished(*self.services.logout(rows)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="diagnose")
    def run_diagnosis(self, row: RegistryRow) -> None:
        def made(check: Check) -> None:
            self.post_message(CheckMade(row.key, check))

        self.post_message(DiagnosisReady(row.key, self.services.diagnose(row, on_check=made)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sso")
    def run_sso_login_captured(self, profile: str) -> None:
        code, output = self.services.run_sso_login(profile, capture=True)
        self.post_message(SsoLoginFinished(profile, code, output))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure is reported: a notification with
        the error's remediation, and the rows it was working on marked failed."""
        worker = event.worker
        if event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED):
            self._batches.pop(worker, None)
            self._refresh_footer()
            return
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, EcrtuiError):
            title, message, remediation = error.title, for_the_app(error.message), for_the_app(error.remediation)
        else:
            title, message, remediation = "Unexpected error", for_the_app(f"{type(error).__name__}: {error}"), ""
        self.notify(f"{message}\n{remediation}".strip(), title=title, severity="error", timeout=10)
        keys = self._batches.pop(worker, [])
        for row in self.board.mark([k for k in keys if (r := self.board.get(k)) and r.busy], RowStatus.FAILED):
            self._render_row(row)
        if worker.group == "inventory":
            self.sub_title = "configuration error"
            self.main.details.show_message(title, message, remediation, problem=True)
        if worker.group == "diagnose" and isinstance(self.screen, DiagnosticsScreen):
            self.screen.show_failure(title, message)
        self._refresh_footer()

    # --- handlers: what the workers report ---------------------------------------------

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        inventory = message.inventory
        self.inventory = inventory
        self.board.load(inventory.registries)
        self._apply_keymap(dict(inventory.keymap))
        where = display_path(inventory.profiles_path, self.services.environ)
        self.sub_title = f"demo · {where}" if self.demo else where
        self._sidebar_expired = self.board.sso_expired_profiles()
        self.main.sidebar.show(inventory, self._sidebar_expired)
        self._render_all()
        for problem in inventory.problems:
            self.notify(
                for_the_app(f"{problem.message}\n{problem.remediation}".strip()),
                title=f"Target {problem.target} skipped",
                severity="warning",
                timeout=10,
            )

    def on_cached_state_read(self, message: CachedStateRead) -> None:
        for row in self.board.apply_cached(message.states):
            self._render_row(row)
        self._show_details()
        self._refresh_footer()
        if message.problem is not None:
            self._warn_cache(message.problem, "token expiry unknown")

    def on_cache_problem_met(self, message: CacheProblemMet) -> None:
        self._warn_cache(message.problem, "the tokens are not cached")

    def _warn_cache(self, problem: EcrtuiError, consequence: str) -> None:
        text = for_the_app(f"{consequence}: {problem.message}\n{problem.remediation}".strip())
        self.notify(text, title=problem.title, severity="warning", timeout=10)

    def on_login_events_arrived(self, message: LoginEventsArrived) -> None:
        for event in message.events:
            if isinstance(event, LoginStarted):
                row = self.board.apply_started(event.registry)
            elif isinstance(event, LoginFinished):
                row = self.board.apply_result(event.result)
            else:
                continue
            if row is not None:
                self._render_row(row)

    def on_login_batch_finished(self, message: LoginBatchFinished) -> None:
        results = message.results
        failed = [r for r in results if not r.ok]
        severity: SeverityLevel = "information"
        if failed:
            severity = "error" if len(failed) == len(results) else "warning"
        if message.renewal:
            summary = batch_summary(results).replace("logged in", "renewed")
            self.notify(summary, title="Auto-renew", severity=severity, timeout=3 if not failed else 10)
        else:
            self.notify(batch_summary(results), title="Login", severity=severity)
        expired = self.board.sso_expired_profiles()
        if self.inventory is not None and expired != self._sidebar_expired:  # a rebuild costs a frame
            self._sidebar_expired = expired
            self.main.sidebar.show(self.inventory, expired)
        self._refresh_footer()

    def on_logout_finished(self, message: LogoutFinished) -> None:
        for key, problem in message.outcome.items():
            row = self.board.apply_logout(key, problem)
            if row is not None:
                self._render_row(row)
        problems = [p for p in message.outcome.values() if p]
        done = len(message.outcome) - len(problems)
        text = tally_text(done, len(problems), done_word="logged out", zeros=False)
        self.notify(text, title="Logout", severity="warning" if problems else "information")
        if message.cache_problem is not None:
            self._warn_cache(message.cache_problem, "cached tokens not erased")
        self._refresh_footer()

    def on_check_made(self, message: CheckMade) -> None:
        screen = self.screen
        if isinstance(screen, DiagnosticsScreen) and screen.row.key == message.key:
            screen.show_progress(message.check)

    def on_diagnosis_ready(self, message: DiagnosisReady) -> None:
        screen = self.screen
        if isinstance(screen, DiagnosticsScreen) and screen.row.key == message.key:
            screen.show_diagnosis(message.diagnosis)

    def on_sso_login_finished(self, message: SsoLoginFinished) -> None:
        if message.returncode != 0:
            detail = message.output or f"aws sso login exited with status {message.returncode}"
            self.notify(detail, title=f"SSO login for {message.profile} failed", severity="error", timeout=10)
            return
        retry = [
            row
            for row in self.board.rows.values()
            if (row.registry.profile or "default") == message.profile
            and not row.busy
            and row.status in (RowStatus.SSO_EXPIRED, RowStatus.FAILED)
        ]
        self.notify(f"SSO session of {message.profile} refreshed; logging in again", title="SSO login")
        self._start_login(retry)

    # --- widget events -------------------------------------------------------------------

    def on_registry_table_row_highlighted(self, message: RegistryTable.RowHighlighted) -> None:
        self._show_details()
        self._refresh_footer()  # the footer offers what the row under the cursor allows

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.board.query = event.value
        self._render_all()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.main.close_filter(clear=False)

    def on_profile_sidebar_filter_chosen(self, message: ProfileSidebar.FilterChosen) -> None:
        self.main.open_filter(message.query)
        self.main.close_filter(clear=False)

    def on_filter_input_help_asked(self, message: FilterInput.HelpAsked) -> None:
        self.push_screen(HelpScreen(FILTER_HELP, "", title="Filter: what you can type"))

    # --- actions (bindings and palette) --------------------------------------------------

    def _shown(self) -> set[str]:
        return set(self.main.table.shown_keys)

    def _chosen(self) -> list[RegistryRow]:
        """The rows an action applies to: the selected rows that are shown, else the row
        under the cursor (rows.py: RegistryBoard.chosen)."""
        return self.board.chosen(self.main.table.cursor_key, self._shown())

    def action_toggle_row(self) -> None:
        key = self.main.table.cursor_key
        if key is None:
            return
        self.main.table.set_marks([key], self.board.toggle(key))
        self.main.table.action_cursor_down()
        self._update_title()
        self._refresh_footer()  # on the last row the cursor does not move: no highlight event

    def action_select_all(self) -> None:
        changed = self.board.select_all()
        self.main.table.set_marks(changed, selected=bool(changed & self.board.selected))
        self._update_title()
        self._refresh_footer()

    def action_login(self) -> None:
        self._start_login(self._chosen())

    def _start_login(self, rows: Sequence[RegistryRow], *, renewal: bool = False) -> None:
        busy = [row for row in rows if row.busy]
        rows = [row for row in rows if not row.busy]
        if not rows:
            if renewal:
                return
            if busy:
                self.notify(f"Already in progress: {len(busy)} registr{'ies' if len(busy) > 1 else 'y'}")
            else:
                self.notify("Nothing to log in to: select registries with space, or all with a", severity="warning")
            return
        keys = [row.key for row in rows]
        for row in self.board.mark(keys, RowStatus.QUEUED):
            self._render_row(row)
        worker = self.run_logins([row.registry for row in rows], renewal)
        self._batches[worker] = keys
        if renewal:
            self.notify(f"renewing {len(rows)} token{'s' if len(rows) > 1 else ''}", title="Auto-renew", timeout=3)
        self._refresh_footer()

    def action_logout(self) -> None:
        chosen = self._chosen()
        rows = [row for row in chosen if row.can_log_out]
        if not rows:
            if any(row.busy for row in chosen):
                self.notify("Wait for the login or logout in progress to finish", severity="warning")
            else:
                self.notify("Nothing to log out of: no credentials were written here", severity="warning")
            return
        if len(rows) > 1:
            skipped = len(chosen) - len(rows)
            question = f"Log out of {len(rows)} registries and erase their stored credentials?"
            if skipped:
                question += f" ({skipped} selected with nothing to erase are left alone.)"
            self.push_screen(
                ConfirmScreen("Log out", question, f"log out of {len(rows)}"),
                lambda yes: self._logout(rows) if yes else None,
            )
            return
        self._logout(rows)

    def _logout(self, rows: list[RegistryRow]) -> None:
        keys = [row.key for row in rows]
        for row in self.board.mark(keys, RowStatus.LOGGING_OUT):
            self._render_row(row)
        self._batches[self.run_logout(rows)] = keys

    def action_details(self) -> None:
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is not None:
            self.push_screen(
                RowScreen(row, self.clock(), self.keys_of(BY_ID["sso-login"]), self.keys_of(BY_ID["diagnose"]))
            )

    def action_diagnose(self) -> None:
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is None:
            self.notify("No registry under the cursor", severity="warning")
            return
        if isinstance(self.screen, RowScreen):
            self.pop_screen()
        self.push_screen(DiagnosticsScreen(row))
        self.run_diagnosis(row)

    def action_refresh(self) -> None:
        self.notify("Re-reading the profiles file, AWS config and cached tokens", title="Refresh")
        self.load_inventory()

    def action_filter(self) -> None:
        self.main.open_filter()

    def action_toggle_columns(self) -> None:
        self.settings.wide = not self.main.table.wide
        self.main.table.set_layout(wide=self.settings.wide)
        self._save_settings()
        self._update_title()

    def action_sort(self, column: str = "") -> None:
        """Sort by `column` (again: back to the profiles file's order); without one, by
        the next column in turn."""
        if column:
            choice = None if self.board.sort_by == column else column
        else:
            at = SORT_CYCLE.index(self.board.sort_by) if self.board.sort_by in SORT_CYCLE else -1
            choice = SORT_CYCLE[(at + 1) % len(SORT_CYCLE)]
        self.board.sort_by = self.settings.sort_by = choice
        self.main.table.set_layout(sort_by=choice)
        self._save_settings()
        self._render_all()

    def action_toggle_sidebar(self) -> None:
        self.settings.sidebar = self.main.show_sidebar(not self.main.sidebar_shown)
        self._save_settings()

    def action_toggle_auto_renew(self) -> None:
        self.settings.auto_renew = not self.settings.auto_renew
        self._save_settings()
        state = "on: each token is renewed before its refresh time" if self.settings.auto_renew else "off"
        self.notify(f"Auto-renew {state}", title="Auto-renew")
        self._update_title()
        if self.settings.auto_renew:
            self._renew_due(self.clock())

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, DiagnosticsScreen):
            entries = [
                HelpEntry(self.keys_of(b), b.tooltip or b.description, b.id or "") for b in screen.help_bindings()
            ]
            self.push_screen(HelpScreen(entries, "", title="Diagnostics: keys"))
            return
        if isinstance(screen, HelpScreen):
            screen.dismiss()
            return
        path = self.inventory.profiles_path if self.inventory else None
        source = display_path(path or str(default_profiles_path(self.services.environ)), self.services.environ)
        settings = display_path(str(self.settings_file), self.services.environ)
        self.push_screen(HelpScreen(self.help_entries(), source, settings_source=settings))

    async def action_quit(self) -> None:
        """Quit; while logins run, ask first. Once confirmed the app goes at once: the
        login process finishes the calls in flight on its own (login_process.py)."""
        running = sum(1 for row in self.board.rows.values() if row.busy)
        if not running:
            self.exit()
            return
        question = (
            f"{running} login{'s are' if running > 1 else ' is'} still running. Quit now? "
            "Calls already sent finish in the background; no file is left half-written."
        )
        self.push_screen(ConfirmScreen("Quit while logging in?", question, "quit"), self._quit_confirmed)

    def _quit_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        self.quitting = True
        if not self.is_headless:
            # The terminal's ctrl+c while the process winds down must not print a traceback.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.exit()

    def action_sso_login(self) -> None:
        profile = self._sso_profile()
        if profile is None:
            self.notify("No expired SSO session: the s key is for rows that say SSO expired", severity="warning")
            return
        config = built_in_sign_in(profile, self.services)
        if config is not None:  # ecrtui signs in itself, in a modal: no AWS CLI needed
            open_sign_in(self, config, self.services.environ, self.signed_in)
            return
        try:
            with self.suspend():
                print(f"ecrtui: aws sso login --profile {profile}", flush=True)
                code, output = self.services.run_sso_login(profile, capture=False)
        except SuspendNotSupported:
            # No terminal to hand over (textual-web, headless tests): run it captured.
            self.run_sso_login_captured(profile)
            return
        self.post_message(SsoLoginFinished(profile, code, output))

    def signed_in(self, config: SsoConfig) -> None:
        """After an IAM Identity Center sign-in: log its failed rows in again."""
        self.notify(f"Signed in to IAM Identity Center {config.label}", title="SSO login")
        retry = rows_signed_in(self.board.rows.values(), config)
        if retry:
            self._start_login(retry)

    def _sso_profile(self) -> str | None:
        """The profile under the cursor if its session expired, else the only one that did."""
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is not None and row.status is RowStatus.SSO_EXPIRED:
            return row.registry.profile or "default"
        expired = self.board.sso_expired_profiles()
        return expired[0] if len(expired) == 1 else None

    def _refresh_footer(self) -> None:
        """Re-check the footer's keys, only when what they allow changed (a footer
        rebuild per cursor move or per finished row would be wasted work)."""
        state = tuple(self.check_action(action, ()) for action in ROW_ACTIONS)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Every key in the footer does something visible, or is not shown: the row
        actions show only when they apply to what is chosen, and none of the main
        screen's actions run from inside a dialog (keys or command palette)."""
        if action in MAIN_ONLY and self.screen is not self.main:
            return False
        if isinstance(self.focused, FilterInput) and (action in MAIN_ONLY or action == "quit"):
            return False  # those keys type into the filter: the footer shows the filter's own
        if action == "quit" and isinstance(self.screen, ConfirmScreen):
            return False  # the question on screen is answered with y or n
        if action == "sso_login":
            return self._sso_profile() is not None
        # Neither depends on a row being busy (a press then says so): the footer stays
        # still while a batch runs, rather than being rebuilt as it starts and ends.
        if action == "logout":
            return any(row.has_credentials for row in self._chosen())
        if action == "login":
            return bool(self._chosen())
        if action in ("diagnose", "details"):
            return self.main.table.cursor_key is not None
        return True

    # --- keymap and help -----------------------------------------------------------------

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        known = {binding.id for binding in self.all_bindings()}
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(
                f"keymap: no binding with id {', '.join(unknown)}; ids are {', '.join(sorted(i for i in known if i))}",
                title="Profiles file",
                severity="warning",
                timeout=10,
            )
        self.user_keymap = {k: v for k, v in keymap.items() if k in known}
        self.set_keymap(self.user_keymap)

    def all_bindings(self) -> list[Binding]:
        """Every binding a user can press or remap: the app's, the table's and the
        screens'."""
        nodes: Iterable[type[DOMNode]] = (
            RegistryTable,
            MainScreen,
            FilterInput,
            DiagnosticsScreen,
            HelpScreen,
            RowScreen,
            ConfirmScreen,
            SignInScreen,
            DiscoveryScreen,
        )
        found = list(APP_BINDINGS)
        for node in nodes:
            found += [b for b in node.BINDINGS if isinstance(b, Binding)]
        return found

    def keys_of(self, binding: Binding) -> str:
        """The keys a binding has now, as the footer would show them."""
        keys = self.user_keymap.get(binding.id or "", binding.key)
        return " / ".join(self.get_key_display(binding.with_key(key.strip())) for key in keys.split(","))

    def help_entries(self) -> list[HelpEntry]:
        return [HelpEntry(self.keys_of(b), b.tooltip or b.description, b.id or "") for b in self.all_bindings()]

    # --- rendering -------------------------------------------------------------------------

    def _render_all(self) -> None:
        now = self.clock()
        self.board.now = now
        self.main.table.show(self.board.visible(), self.board.selected, now, universe=self.board.rows.values())
        self._show_details()
        self._update_title()

    def _render_row(self, row: RegistryRow) -> None:
        self.main.table.update_row(row, self.clock())
        if row.key == self.main.table.cursor_key:
            self._show_details()

    def _update_title(self) -> None:
        """The table's title: how many rows show, how many are selected, and how many of
        those the filter hides (never acted on, but counted so they are not forgotten)."""
        shown = self._shown()
        parts = [f"Registries {len(shown)}" + (f" of {len(self.board.rows)}" if self.board.query.strip() else "")]
        selected = len(self.board.selected)
        if selected:
            hidden = self.board.hidden_selected(shown)
            parts.append(f"{selected} selected" + (f" ({hidden} hidden by the filter)" if hidden else ""))
        if self.board.sort_by:
            parts.append(f"by {LABELS[self.board.sort_by].lower()}")
        if self.settings.auto_renew:
            parts.append("auto-renew on")
        self.main.table.border_title = " · ".join(parts)
        self.main.table.border_subtitle = "wide" if self.main.table.wide else ""

    def _show_details(self) -> None:
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is None:
            if self.inventory is not None:
                self.main.details.show_message(
                    "Details", "No registry matches the filter." if self.board.query else "No registries."
                )
            return
        self.main.details.show_row(
            row,
            self.clock(),
            sso_key=self.keys_of(BY_ID["sso-login"]),
            diagnose_key=self.keys_of(BY_ID["diagnose"]),
        )


def run_app(*, demo: bool = False, config: str | None = None) -> int:
    """Run the app on this terminal (`config`: a profiles file other than the default);
    with `demo`, against the embedded stand-ins. A crash ends in a one-line pointer to
    its report (tui/crash.py), never a traceback over the user's terminal."""
    from ecrtui.tui.crash import report_crash, run_guarded

    environ = dict(os.environ)  # the user's own: the demo swaps in a throwaway HOME
    try:
        if not demo:
            return run_guarded(EcrtuiApp(Services(config_path=config)), environ)
        from ecrtui.demo import demo_environment

        with demo_environment():
            # The demo has no SSO portal: its stand-in for the AWS CLI refreshes the profile.
            aws_cli = tuple(isolated_python("ecrtui.tui.demo_sso"))
            return run_guarded(EcrtuiApp(Services(os.environ, aws_cli=aws_cli), demo=True), environ)
    except Exception as error:
        return report_crash(error, environ)
