"""The help screen: every binding with the key it has now (after the user's keymap),
what it does, and the id to remap it by."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from ecrtui.tui.screens.dialog import Dialog


@dataclass(frozen=True)
class HelpEntry:
    keys: str
    description: str
    binding_id: str


class HelpScreen(Dialog[None]):
    """A modal list of bindings; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help", tooltip="Close this help"),
    ]

    DEFAULT_CSS = """
    HelpScreen > #dialog { width: 116; height: 90%; }
    HelpScreen DataTable { height: 1fr; }
    HelpScreen #help-hint { margin-top: 1; height: auto; dock: bottom; }
    """

    def __init__(
        self,
        entries: Sequence[HelpEntry],
        keymap_source: str,
        *,
        title: str = "Keys",
        settings_source: str = "",
    ) -> None:
        super().__init__()
        self.entries = tuple(entries)
        self.keymap_source = keymap_source
        self.title_text = title
        self.settings_source = settings_source

    def body(self) -> ComposeResult:
        yield Static(self.title_text, id="help-title", classes="dialog-title")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="help-keys")
        if self.keymap_source:
            hint = (
                f"Remap any key by its id under keymap: in {self.keymap_source}, e.g. keymap: {{login: enter,l}}. "
                "Every action is also in the command palette (ctrl+p)."
            )
            if self.settings_source:
                hint += f" Theme, columns, sort and auto-renew are remembered in {self.settings_source}."
            yield Static(hint, id="help-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Key", key="keys")
        table.add_column("Action", key="action")
        table.add_column("Id (for keymap:)" if self.keymap_source else "", key="id")
        for entry in self.entries:
            table.add_row(
                Text(entry.keys, style="bold"),
                entry.description,
                Text(entry.binding_id, style="dim"),
                key=entry.binding_id or None,
            )


FILTER_HELP = (
    HelpEntry("dev", "a word: rows with it in any column", ""),
    HelpEntry("target:dev", "rows whose target contains dev", ""),
    HelpEntry("profile:sso", "rows whose AWS profile contains sso", ""),
    HelpEntry("account:1111", "rows whose account id contains 1111", ""),
    HelpEntry("region:eu", "rows in a region containing eu", ""),
    HelpEntry("host:public", "rows whose registry host contains public", ""),
    HelpEntry("type:public", "ECR Public (or private) registries", ""),
    HelpEntry("status:expired", "rows whose Status column says so (expired, SSO expired, failed…)", ""),
    HelpEntry("dev region:eu", "every word must match", ""),
    HelpEntry("enter", "keep the filter, back to the table", ""),
    HelpEntry("esc", "clear the filter", ""),
)
"""What the filter understands, for `?` typed in it."""
