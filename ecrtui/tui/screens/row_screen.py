"""The details of one registry in a dialog (`enter` on a row): the same facts as the
panel under the table, with room for a long error and its remediation."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from ecrtui.tui.rows import RegistryRow
from ecrtui.tui.screens.dialog import Dialog
from ecrtui.tui.widgets.details_panel import DetailsPanel


class RowScreen(Dialog[None]):
    """The details panel itself is the box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "Close", id="close-details", tooltip="Details: close"),
        Binding("d", "diagnose", "Diagnose", id="details-diagnose", tooltip="Details: diagnose this registry"),
    ]

    DEFAULT_CSS = """
    RowScreen > DetailsPanel { width: 90%; max-width: 110; max-height: 90%; background: $surface; }
    """

    def __init__(self, row: RegistryRow, now: dt.datetime, sso_key: str, diagnose_key: str) -> None:
        super().__init__()
        self.row, self.now = row, now
        self.keys = (sso_key, diagnose_key)

    def compose(self) -> ComposeResult:
        yield DetailsPanel()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DetailsPanel).show_row(self.row, self.now, sso_key=self.keys[0], diagnose_key=self.keys[1])

    def action_diagnose(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "diagnose")
