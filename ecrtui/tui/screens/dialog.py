"""The shape every dialog shares: a box (`#dialog`) in the middle of the screen over
the dimmed app, with a bold title line and a muted hint. Each dialog gives the box its
size and fills it (`body`); what goes under the box (a footer) is `below`."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > #dialog { max-width: 95%; height: auto; border: thick $primary 60%; background: $surface; padding: 1 2; }
    Dialog .dialog-title { text-style: bold; margin-bottom: 1; }
    Dialog .dialog-hint { color: $text-muted; }
    """

    box_title: str | None = None
    """A title on the box's border (else the body starts with its own title line)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self.box_title
            yield from self.body()
        yield from self.below()

    def body(self) -> ComposeResult:
        yield from ()

    def below(self) -> ComposeResult:
        yield from ()
