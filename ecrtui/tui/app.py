"""The Textual application (placeholder until the TUI issue lands)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class EcrtuiApp(App[None]):
    TITLE = "ecrtui"
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The interactive app is on its way; use `ecrtui login` meanwhile.")
        yield Footer()


def run_app(*, demo: bool = False) -> int:
    EcrtuiApp().run()
    return 0
