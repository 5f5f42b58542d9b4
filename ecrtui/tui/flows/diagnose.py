"""A registry's details (`enter`) and its diagnosis (`d`): the doctor's checks for the
row under the cursor, shown as they are made."""

from __future__ import annotations

from textual import work

from ecrtui.core.diagnose.models import Check
from ecrtui.tui.app_view import AppView
from ecrtui.tui.bindings import BY_ID
from ecrtui.tui.messages import CheckMade, DiagnosisReady
from ecrtui.tui.rows import RegistryRow
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.row_screen import RowScreen


class DiagnoseFlow(AppView):
    @work(thread=True, exclusive=True, exit_on_error=False, group="diagnose")
    def run_diagnosis(self, row: RegistryRow) -> None:
        def made(check: Check) -> None:
            self.post_message(CheckMade(row.key, check))

        self.post_message(DiagnosisReady(row.key, self.services.diagnose(row, on_check=made)))

    def _diagnosing(self, key: str) -> DiagnosticsScreen | None:
        """The diagnostics screen on top, if it is the one of `key`'s row."""
        screen = self.screen
        return screen if isinstance(screen, DiagnosticsScreen) and screen.row.key == key else None

    def on_check_made(self, message: CheckMade) -> None:
        screen = self._diagnosing(message.key)
        if screen is not None:
            screen.show_progress(message.check)

    def on_diagnosis_ready(self, message: DiagnosisReady) -> None:
        screen = self._diagnosing(message.key)
        if screen is not None:
            screen.show_diagnosis(message.diagnosis)

    def action_details(self) -> None:
        row = self._cursor_row()
        if row is not None:
            self.push_screen(
                RowScreen(row, self.clock(), self.keys_of(BY_ID["sso-login"]), self.keys_of(BY_ID["diagnose"]))
            )

    def action_diagnose(self) -> None:
        row = self._cursor_row()
        if row is None:
            self.notify("No registry under the cursor", severity="warning")
            return
        if isinstance(self.screen, RowScreen):
            self.pop_screen()
        self.push_screen(DiagnosticsScreen(row))
        self.run_diagnosis(row)
