"""The main screen: targets and profiles on the left; the registry table, its filter and
the details of the highlighted row on the right. Layout only: the app fills it in."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from ecrtui.tui.rows import FILTER_FIELDS
from ecrtui.tui.widgets.details_panel import DetailsPanel
from ecrtui.tui.widgets.profile_sidebar import ProfileSidebar
from ecrtui.tui.widgets.registry_table import RegistryTable, TableChoices

# Below this the table cannot show a registry with its status and expiry: say so.
MIN_WIDTH, MIN_HEIGHT = 60, 15


class FilterInput(Input):
    """The filter field: `?` lists what can be typed (a filter never needs a `?`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "ask_help", "Filter help", priority=True, id="filter-help", tooltip="Filter: help"),
        Binding("escape", "screen.close_filter", "Clear", id="filter-clear", tooltip="Filter: clear it"),
        Binding("enter", "submit", "Keep", id="filter-keep", tooltip="Filter: keep it, back to the table"),
    ]

    class HelpAsked(Message):
        """The user pressed `?` in the filter."""

    def action_ask_help(self) -> None:
        self.post_message(self.HelpAsked())


class MainScreen(Screen[None]):
    """The screen the app opens on."""

    AUTO_FOCUS = "#registries"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close_filter", "Clear filter", show=False, id="clear-filter", tooltip="Clear the filter"),
    ]

    def __init__(self, choices: TableChoices | None = None) -> None:
        super().__init__()
        self.choices = choices  # the table's wide and sort choices (the app's settings)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="too-small")
        with Horizontal(id="body"):
            yield ProfileSidebar(id="sidebar")
            with Vertical(id="main"):
                field = FilterInput(placeholder=f"words, or field:value ({': '.join(FILTER_FIELDS)}:)", id="filter")
                field.border_title = "Filter"
                field.border_subtitle = "esc clear · enter keep · ? help"
                yield field
                yield RegistryTable(id="registries", choices=self.choices)
                yield DetailsPanel(id="details")
        yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        # Below 100 columns the footer's room goes to the row keys; ctrl+p is in the help.
        self.query_one(Footer).show_command_palette = width >= 100
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}x{height}: ecrtui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\n"
                "Make the window larger (or the font smaller); q quits."
            )

    @property
    def table(self) -> RegistryTable:
        return self.query_one(RegistryTable)

    @property
    def details(self) -> DetailsPanel:
        return self.query_one(DetailsPanel)

    @property
    def sidebar(self) -> ProfileSidebar:
        return self.query_one(ProfileSidebar)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def sidebar_shown(self) -> bool:
        return self.sidebar.display

    def show_sidebar(self, shown: bool | None) -> bool | None:
        """Show or hide the side list at any width; None: shown when wide enough."""
        self.set_class(shown is True, "-sidebar-on")
        self.set_class(shown is False, "-sidebar-off")
        return shown

    def open_filter(self, query: str | None = None) -> None:
        field = self.filter_input
        if query is not None:
            field.value = query
        field.add_class("-open")
        field.focus()

    def action_close_filter(self) -> None:
        self.close_filter(clear=True)

    def close_filter(self, *, clear: bool) -> None:
        field = self.filter_input
        if clear:
            field.value = ""
        if not field.value:
            field.remove_class("-open")
        self.table.focus()
