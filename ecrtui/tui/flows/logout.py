"""Logging out (`o`): asked first for more than one registry, then the stored
credentials and the cached tokens erased by a worker."""

from __future__ import annotations

from textual import work

from ecrtui.core.usecases.summary import tally_text
from ecrtui.tui.app_view import AppView
from ecrtui.tui.messages import LogoutFinished
from ecrtui.tui.rows import RegistryRow, RowStatus
from ecrtui.tui.screens.confirm_screen import ConfirmScreen


class LogoutFlow(AppView):
    @work(thread=True, exit_on_error=False, group="logout")
    def run_logout(self, rows: list[RegistryRow]) -> None:
        self.post_message(LogoutFinished(*self.services.logout(rows)))

    def on_logout_finished(self, message: LogoutFinished) -> None:
        for key, problem in message.outcome.items():
            row = self.board.apply_logout(key, problem)
            if row is not None:
                self._render_row(row)
        problems = [p for p in message.outcome.values() if p]
        done = len(message.outcome) - len(problems)
        text = tally_text(done, len(problems), done_word="logged out", zeros=False)
        self.notify(text, title="Logout", severity="warning" if problems else "information")
        for trouble, consequence in message.problems:
            self._warn_cache(trouble, consequence)
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
        if len(rows) == 1:
            self._logout(rows)
            return
        skipped = len(chosen) - len(rows)
        question = f"Log out of {len(rows)} registries and erase their stored credentials?"
        if skipped:
            question += f" ({skipped} selected with nothing to erase are left alone.)"
        self.push_screen(
            ConfirmScreen("Log out", question, f"log out of {len(rows)}"),
            lambda yes: self._logout(rows) if yes else None,
        )

    def _logout(self, rows: list[RegistryRow]) -> None:
        keys = [row.key for row in rows]
        self._render_rows(self.board.mark(keys, RowStatus.LOGGING_OUT))
        self._batches[self.run_logout(rows)] = keys
