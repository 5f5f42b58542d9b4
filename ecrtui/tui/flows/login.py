"""Reading the inventory and logging in: the first read, refresh, `l`, auto-renew, and
what the login process reports row by row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual import work
from textual.notifications import SeverityLevel
from textual.worker import get_current_worker

from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginFinished, LoginStarted, Registry
from ecrtui.tui.app_view import AppView
from ecrtui.tui.login_process import run_logins as run_logins_in_child
from ecrtui.tui.messages import (
    CachedStateRead,
    CacheProblemMet,
    InventoryLoaded,
    LoginBatchFinished,
    LoginEventsArrived,
)
from ecrtui.tui.rows import RegistryRow, RowStatus, batch_summary
from ecrtui.tui.services import display_path
from ecrtui.tui.wording import for_the_app


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


class LoginFlow(AppView):
    # --- workers ---------------------------------------------------------------------------

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

    def _post_cache_problem(self, problem: EcrtuiError, consequence: str) -> None:
        self.post_message(CacheProblemMet(problem, consequence))

    # --- handlers ----------------------------------------------------------------------------

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
        self._render_rows(self.board.apply_cached(message.states))
        self._show_details()
        self._refresh_footer()
        if message.problem is not None:
            self._warn_cache(message.problem, "token expiry unknown")

    def on_cache_problem_met(self, message: CacheProblemMet) -> None:
        self._warn_cache(message.problem, message.consequence)

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

    # --- actions -----------------------------------------------------------------------------

    def action_login(self) -> None:
        self._start_login(self._chosen())

    def _start_login(self, rows: Sequence[RegistryRow], *, renewal: bool = False) -> None:
        busy = [row for row in rows if row.busy]
        rows = [row for row in rows if not row.busy]
        if not rows:
            if not renewal:
                self._nothing_to_log_in(busy)
            return
        keys = [row.key for row in rows]
        self._render_rows(self.board.mark(keys, RowStatus.QUEUED))
        worker = self.run_logins([row.registry for row in rows], renewal)
        self._batches[worker] = keys
        if renewal:
            self.notify(f"renewing {len(rows)} token{plural(len(rows), '', 's')}", title="Auto-renew", timeout=3)
        self._refresh_footer()

    def _nothing_to_log_in(self, busy: Sequence[RegistryRow]) -> None:
        if busy:
            self.notify(f"Already in progress: {len(busy)} registr{plural(len(busy), 'y', 'ies')}")
        else:
            self.notify("Nothing to log in to: select registries with space, or all with a", severity="warning")

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

    def action_refresh(self) -> None:
        self.notify("Re-reading the profiles file, AWS config and cached tokens", title="Refresh")
        self.load_inventory()

    def action_toggle_auto_renew(self) -> None:
        self.settings.auto_renew = not self.settings.auto_renew
        self._save_settings()
        state = "on: each token is renewed before its refresh time" if self.settings.auto_renew else "off"
        self.notify(f"Auto-renew {state}", title="Auto-renew")
        self._update_title()
        if self.settings.auto_renew:
            self._renew_due(self.clock())
