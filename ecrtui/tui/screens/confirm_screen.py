"""A yes/no question in a modal: `y` or `enter` confirms, `n` or `escape` declines. The
app asks it before a bulk logout and before quitting while logins run."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static

from ecrtui.tui.screens.dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    """Dismissed with True (confirmed) or False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes", tooltip="Confirm"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="Cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen > #dialog { width: 64; border: thick $warning 70%; border-title-style: bold; }
    ConfirmScreen #confirm-question { margin-bottom: 1; }
    """

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.box_title = title
        self.question = question
        self.yes = yes

    def body(self) -> ComposeResult:
        yield Static(self.question, id="confirm-question")
        yield Static(f"y / enter: {self.yes}    n / esc: cancel", id="confirm-keys", classes="dialog-hint")

    def below(self) -> ComposeResult:
        yield Footer()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
