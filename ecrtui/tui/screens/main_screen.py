"""The main screen: targets and profiles on the left; the registry table, its filter and
the details of the highlighted row on the right. Layout only: the app fills it in."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from ecrtui.tui.widgets.details_panel import DetailsPanel
from ecrtui.tui.widgets.profile_sidebar import ProfileSidebar
from ecrtui.tui.widgets.registry_table import RegistryTable


class MainScreen(Screen[None]):
    """The screen the app opens on."""

    AUTO_FOCUS = "#registries"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close_filter", "Clear filter", show=False, id="clear-filter", tooltip="Clear the filter"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ProfileSidebar(id="sidebar")
            with Vertical(id="main"):
                yield Input(
                    placeholder="filter: words, or field:value (target: profile: region: status: …)", id="filter"
                )
                yield RegistryTable(id="registries")
                yield DetailsPanel(id="details")
        yield Footer()

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
