"""A yes/no question in a modal: `y` or `enter` confirms, `n` or `escape` declines. The
app asks it before a bulk logout and before quitting while logins run."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (confirmed) or False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes", tooltip="Confirm"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="Cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > #confirm {
        width: 64;
        max-width: 95%;
        height: auto;
        border: thick $warning 70%;
        border-title-style: bold;
        background: $surface;
        padding: 1 2;
    }
    ConfirmScreen #confirm-question {
        margin-bottom: 1;
    }
    ConfirmScreen #confirm-keys {
        color: $text-muted;
    }
    """

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm") as dialog:
            dialog.border_title = self.title_text
            yield Static(self.question, id="confirm-question")
            yield Static(f"y / enter: {self.yes}    n / esc: cancel", id="confirm-keys")
        yield Footer()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
