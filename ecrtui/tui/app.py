"""The Textual application: the app's state and its start, put together from the flows
in `tui/flows/` (login, logout, SSO, diagnosis, the table, the keys) over `AppView`.

Workers are thin: each calls one blocking `Services` method (logins: in a child process,
login_process.py) and posts messages. Handlers run on the event loop, update the
`RegistryBoard` and hand rows to the widgets, which only render. Every worker error lands
in one handler, `on_worker_state_changed`.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.worker import Worker, WorkerState

from ecrtui.core.clock import utc_now
from ecrtui.core.errors import EcrtuiError
from ecrtui.tui.app_view import AppView, Clock
from ecrtui.tui.bindings import APP_BINDINGS
from ecrtui.tui.commands import EcrtuiCommands
from ecrtui.tui.flows.diagnose import DiagnoseFlow
from ecrtui.tui.flows.keys import KeysFlow
from ecrtui.tui.flows.login import LoginFlow, plural
from ecrtui.tui.flows.logout import LogoutFlow
from ecrtui.tui.flows.sso import SsoFlow
from ecrtui.tui.flows.table import TableFlow
from ecrtui.tui.login_process import isolated_python
from ecrtui.tui.rows import RegistryBoard, RowStatus
from ecrtui.tui.screens.confirm_screen import ConfirmScreen
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.identity_center import IdentityCenterCommands
from ecrtui.tui.screens.main_screen import MainScreen
from ecrtui.tui.services import Services
from ecrtui.tui.settings import TuiSettings, settings_path
from ecrtui.tui.widgets.table_columns import LABELS
from ecrtui.tui.wording import for_the_app


class EcrtuiApp(LoginFlow, LogoutFlow, SsoFlow, DiagnoseFlow, TableFlow, KeysFlow, AppView):
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
        self.inventory = None
        self.user_keymap = {}
        self._batches = {}
        self.settings_file = settings_file or settings_path(self.services.environ)
        self.settings = TuiSettings.load(self.settings_file)
        if self.settings.sort_by not in LABELS:
            self.settings.sort_by = None
        self.main = MainScreen(self.settings)
        self.quitting = False
        self._renewed = {}
        self._footer_state = ()
        self._sidebar_expired = []

    async def on_mount(self) -> None:
        # Awaiting the push means the screen's widgets exist before anything renders.
        await self.push_screen(self.main)
        self._apply_settings()
        self.sub_title = "demo: local stand-ins, no AWS account" if self.demo else "loading…"
        self.main.details.show_message("ecrtui", "Reading the profiles file and the AWS config…")
        self.set_interval(self.TICK_SECONDS, self.tick)
        self.load_inventory()

    def _apply_settings(self) -> None:
        if self.settings.theme and self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.main.show_sidebar(self.settings.sidebar)
        self.watch(self, "theme", self._theme_chosen, init=False)
        self._update_title()

    def _theme_chosen(self, theme: str) -> None:
        self.settings.theme = theme
        self._save_settings()

    def tick(self) -> None:
        """Advance the countdowns to the clock's time (every second, and on demand), and
        renew the tokens due for it when auto-renew is on."""
        now = self.clock()
        self.main.table.tick(now)
        row = self._cursor_row()
        if row is not None and row.expires_at is not None:  # only a countdown changes by itself
            self._show_details()
        if self.settings.auto_renew:
            self._renew_due(now)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's unexpected failure is reported: a notification with
        the error's remediation, and the rows it was working on marked failed."""
        worker = event.worker
        if event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED):
            self._batches.pop(worker, None)
        elif event.state is WorkerState.ERROR:
            self._worker_failed(worker)
        else:
            return
        self._refresh_footer()

    def _worker_failed(self, worker: Worker[object]) -> None:
        error = worker.error
        if isinstance(error, EcrtuiError):
            title, message, remediation = error.title, for_the_app(error.message), for_the_app(error.remediation)
        else:
            title, message, remediation = "Unexpected error", for_the_app(f"{type(error).__name__}: {error}"), ""
        self.notify(f"{message}\n{remediation}".strip(), title=title, severity="error", timeout=10)
        keys = self._batches.pop(worker, [])
        self._render_rows(self.board.mark([k for k in keys if (r := self.board.get(k)) and r.busy], RowStatus.FAILED))
        if worker.group == "inventory":
            self.sub_title = "configuration error"
            self.main.details.show_message(title, message, remediation, problem=True)
        if worker.group == "diagnose" and isinstance(self.screen, DiagnosticsScreen):
            self.screen.show_failure(title, message)

    async def action_quit(self) -> None:
        """Quit; while logins run, ask first. Once confirmed the app goes at once: the
        login process finishes the calls in flight on its own (login_process.py)."""
        running = sum(1 for row in self.board.rows.values() if row.busy)
        if not running:
            self.exit()
            return
        question = (
            f"{running} login{plural(running, ' is', 's are')} still running. Quit now? "
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


Stage = Callable[[], AbstractContextManager[str]]
"""A stand-in world for the app (the demo's): entered, it has set `os.environ` up and
yields the module to run in place of the AWS CLI (`python -m MODULE sso login ...`)."""


def run_app(*, config: str | None = None, stage: Stage | None = None) -> int:
    """Run the app on this terminal (`config`: a profiles file other than the default);
    with a `stage`, inside it, as the demo. A crash ends in a one-line pointer to its
    report (tui/crash.py), never a traceback over the user's terminal."""
    from ecrtui.tui.crash import report_crash, run_guarded

    environ = dict(os.environ)  # the user's own: a stage swaps in a throwaway HOME
    try:
        if stage is None:
            return run_guarded(EcrtuiApp(Services(config_path=config)), environ)
        with stage() as aws_cli_module:
            aws_cli = tuple(isolated_python(aws_cli_module))
            return run_guarded(EcrtuiApp(Services(os.environ, aws_cli=aws_cli), demo=True), environ)
    except Exception as error:
        return report_crash(error, environ)
