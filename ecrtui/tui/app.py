"""The Textual application: bindings and their actions, the thread workers that call the
core through `Services`, and the handlers of what the workers report.

Workers are thin: each calls one blocking `Services` method and posts messages. Handlers
run on the event loop, update the `RegistryBoard` and hand rows to the widgets, which
only render. Every worker error lands in one handler, `on_worker_state_changed`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from ecrtui.core.config import default_profiles_path
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginFinished, LoginStarted, Registry
from ecrtui.core.sso_config import SsoConfig
from ecrtui.tui.bindings import APP_BINDINGS, BY_ID
from ecrtui.tui.commands import EcrtuiCommands
from ecrtui.tui.messages import (
    CachedStateRead,
    CacheProblemMet,
    DiagnosisReady,
    InventoryLoaded,
    LoginBatchFinished,
    LogoutFinished,
    RegistryLoginFinished,
    RegistryLoginStarted,
    SsoLoginFinished,
)
from ecrtui.tui.rows import RegistryBoard, RegistryRow, RowStatus, batch_summary
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.help_screen import HelpEntry, HelpScreen
from ecrtui.tui.screens.identity_center import IdentityCenterCommands, built_in_sign_in, open_sign_in, rows_signed_in
from ecrtui.tui.screens.main_screen import MainScreen
from ecrtui.tui.services import Inventory, Services, display_path
from ecrtui.tui.widgets.profile_sidebar import ProfileSidebar
from ecrtui.tui.widgets.registry_table import RegistryTable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class EcrtuiApp(App[None]):
    """ecrtui's interactive face. `services` is the door to the core; `clock` is injected
    so snapshots can freeze the countdowns."""

    TITLE = "ecrtui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    COMMANDS: ClassVar = App.COMMANDS | {EcrtuiCommands, IdentityCenterCommands}
    TICK_SECONDS = 1.0
    # Below 160 columns the side list gives its room to the table (app.tcss): a row of
    # ECR hosts needs about 125 columns to show every column without scrolling.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (160, "-wide")]  # noqa: RUF012 - textual types it so

    def __init__(self, services: Services | None = None, *, clock: Clock = utc_now, demo: bool = False) -> None:
        super().__init__()
        self.services = services or Services()
        self.clock = clock
        self.demo = demo
        self.board = RegistryBoard()
        self.main = MainScreen()
        self.inventory: Inventory | None = None
        self.user_keymap: dict[str, str] = {}
        self._batches: dict[Worker[object], list[str]] = {}

    async def on_mount(self) -> None:
        # Awaiting the push means the screen's widgets exist before anything renders.
        await self.push_screen(self.main)
        self.sub_title = "demo: local stand-ins, no AWS account" if self.demo else "loading…"
        self.main.details.show_message("ecrtui", "Reading the profiles file and the AWS config…")
        self.set_interval(self.TICK_SECONDS, self.tick)
        self.load_inventory()

    def tick(self) -> None:
        """Advance the countdowns to the clock's time (every second, and on demand)."""
        self.main.table.tick(self.clock())
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is not None and row.expires_at is not None:  # only a countdown changes by itself
            self._show_details()

    # --- workers: each calls one core operation and reports by message --------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory")
    def load_inventory(self) -> None:
        inventory = self.services.load_inventory()
        self.post_message(InventoryLoaded(inventory))
        self.post_message(CachedStateRead(*self.services.cached_state(inventory.registries)))

    @work(thread=True, exit_on_error=False, group="login")
    def run_logins(self, registries: list[Registry]) -> None:
        # Not exclusive: a second batch may start while one runs. Rows in flight are left
        # out of new batches, so two batches never log into the same registry at once.
        results = self.services.login(registries, self._post_login_event, self._post_cache_problem)
        self.post_message(LoginBatchFinished(results))

    def _post_login_event(self, event: LoginEvent) -> None:
        """Called on the engine's threads: turn each event into a message."""
        if isinstance(event, LoginStarted):
            self.post_message(RegistryLoginStarted(event.registry))
        elif isinstance(event, LoginFinished):
            self.post_message(RegistryLoginFinished(event.result))

    def _post_cache_problem(self, problem: EcrtuiError) -> None:
        self.post_message(CacheProblemMet(problem))

    @work(thread=True, exit_on_error=False, group="logout")
    def run_logout(self, rows: list[RegistryRow]) -> None:
        self.post_message(LogoutFinished(*self.services.logout(rows)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="diagnose")
    def run_diagnosis(self, row: RegistryRow) -> None:
        self.post_message(DiagnosisReady(row.key, self.services.diagnose(row)))

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
            return
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        if isinstance(error, EcrtuiError):
            title, message, remediation = error.title, error.message, error.remediation
        else:
            title, message, remediation = "Unexpected error", f"{type(error).__name__}: {error}", ""
        self.notify(f"{message}\n{remediation}".strip(), title=title, severity="error", timeout=10)
        keys = self._batches.pop(worker, [])
        for row in self.board.mark([k for k in keys if (r := self.board.get(k)) and r.busy], RowStatus.FAILED):
            self._render_row(row)
        if worker.group == "inventory":
            self.sub_title = "configuration error"
            self.main.details.show_message(title, message, remediation, problem=True)

    # --- handlers: what the workers report ---------------------------------------------

    def on_inventory_loaded(self, message: InventoryLoaded) -> None:
        inventory = message.inventory
        self.inventory = inventory
        self.board.load(inventory.registries)
        self._apply_keymap(dict(inventory.keymap))
        where = display_path(inventory.profiles_path, self.services.environ)
        self.sub_title = f"demo · {where}" if self.demo else where
        self.main.sidebar.show(inventory, self.board.sso_expired_profiles())
        self._render_all()
        for problem in inventory.problems:
            self.notify(
                f"{problem.message}\n{problem.remediation}".strip(),
                title=f"Target {problem.target} skipped",
                severity="warning",
                timeout=10,
            )

    def on_cached_state_read(self, message: CachedStateRead) -> None:
        for row in self.board.apply_cached(message.states):
            self._render_row(row)
        self._show_details()
        if message.problem is not None:
            self._warn_cache(message.problem, "token expiry unknown")

    def on_cache_problem_met(self, message: CacheProblemMet) -> None:
        self._warn_cache(message.problem, "the tokens are not cached")

    def _warn_cache(self, problem: EcrtuiError, consequence: str) -> None:
        text = f"{consequence}: {problem.message}\n{problem.remediation}".strip()
        self.notify(text, title=problem.title, severity="warning", timeout=10)

    def on_registry_login_started(self, message: RegistryLoginStarted) -> None:
        row = self.board.apply_started(message.registry)
        if row is not None:
            self._render_row(row)

    def on_registry_login_finished(self, message: RegistryLoginFinished) -> None:
        row = self.board.apply_result(message.result)
        if row is not None:
            self._render_row(row)

    def on_login_batch_finished(self, message: LoginBatchFinished) -> None:
        results = message.results
        failed = [r for r in results if not r.ok]
        severity: SeverityLevel = "information"
        if failed:
            severity = "error" if len(failed) == len(results) else "warning"
        self.notify(batch_summary(results), title="Login", severity=severity)
        if self.inventory is not None:
            self.main.sidebar.show(self.inventory, self.board.sso_expired_profiles())
        self.refresh_bindings()

    def on_logout_finished(self, message: LogoutFinished) -> None:
        for key, problem in message.outcome.items():
            row = self.board.apply_logout(key, problem)
            if row is not None:
                self._render_row(row)
        problems = [p for p in message.outcome.values() if p]
        done = len(message.outcome) - len(problems)
        text = f"{done} logged out" + (f", {len(problems)} failed" if problems else "")
        self.notify(text, title="Logout", severity="warning" if problems else "information")
        if message.cache_problem is not None:
            self._warn_cache(message.cache_problem, "cached tokens not erased")

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

    # --- actions (bindings and palette) --------------------------------------------------

    def action_toggle_row(self) -> None:
        key = self.main.table.cursor_key
        if key is None:
            return
        self.main.table.set_marks([key], self.board.toggle(key))
        self.main.table.action_cursor_down()

    def action_select_all(self) -> None:
        changed = self.board.select_all()
        self.main.table.set_marks(changed, selected=bool(changed & self.board.selected))

    def action_login(self) -> None:
        self._start_login(self.board.chosen(self.main.table.cursor_key))

    def _start_login(self, rows: Sequence[RegistryRow]) -> None:
        rows = [row for row in rows if not row.busy]
        if not rows:
            self.notify("Nothing to log in to: select registries with space, or all with a", severity="warning")
            return
        keys = [row.key for row in rows]
        for row in self.board.mark(keys, RowStatus.QUEUED):
            self._render_row(row)
        worker = self.run_logins([row.registry for row in rows])
        self._batches[worker] = keys

    def action_logout(self) -> None:
        rows = [row for row in self.board.chosen(self.main.table.cursor_key) if not row.busy]
        if not rows:
            self.notify("Nothing to log out of", severity="warning")
            return
        keys = [row.key for row in rows]
        for row in self.board.mark(keys, RowStatus.LOGGING_OUT):
            self._render_row(row)
        self._batches[self.run_logout(rows)] = keys

    def action_diagnose(self) -> None:
        key = self.main.table.cursor_key
        row = self.board.get(key) if key else None
        if row is None:
            self.notify("No registry under the cursor", severity="warning")
            return
        self.push_screen(DiagnosticsScreen(row))
        self.run_diagnosis(row)

    def action_refresh(self) -> None:
        self.notify("Re-reading the profiles file, AWS config and cached tokens", title="Refresh")
        self.load_inventory()

    def action_filter(self) -> None:
        self.main.open_filter()

    def action_help(self) -> None:
        path = self.inventory.profiles_path if self.inventory else None
        source = display_path(path or str(default_profiles_path(self.services.environ)), self.services.environ)
        self.push_screen(HelpScreen(self.help_entries(), source))

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sso_login":
            return bool(self.board.sso_expired_profiles())  # shown in the footer only when useful
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
        nodes: Iterable[type[DOMNode]] = (RegistryTable, MainScreen, DiagnosticsScreen, HelpScreen)
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
        self.main.table.show(self.board.visible(), self.board.selected, self.clock())
        self._show_details()

    def _render_row(self, row: RegistryRow) -> None:
        self.main.table.update_row(row, self.clock())
        if row.key == self.main.table.cursor_key:
            self._show_details()

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
            aws_cli = (sys.executable, "-m", "ecrtui.tui.demo_sso")
            return run_guarded(EcrtuiApp(Services(os.environ, aws_cli=aws_cli), demo=True), environ)
    except Exception as error:
        return report_crash(error, environ)
