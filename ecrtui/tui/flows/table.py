"""What the user does to the table itself: select, filter, sort, wide or compact
columns, the side list. The choices that last are kept in the settings (their one
owner), which the table reads when it lays itself out."""

from __future__ import annotations

from textual import on
from textual.widgets import Input

from ecrtui.tui.app_view import AppView
from ecrtui.tui.bindings import SORT_CYCLE
from ecrtui.tui.screens.help_screen import FILTER_HELP, HelpScreen
from ecrtui.tui.screens.main_screen import FilterInput
from ecrtui.tui.widgets.profile_sidebar import ProfileSidebar
from ecrtui.tui.widgets.registry_table import RegistryTable


class TableFlow(AppView):
    def on_registry_table_row_highlighted(self, message: RegistryTable.RowHighlighted) -> None:
        self._show_details()
        self._refresh_footer()  # the footer offers what the row under the cursor allows

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.board.query = event.value
        self._render_all()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.main.close_filter(clear=False)

    def on_profile_sidebar_filter_chosen(self, message: ProfileSidebar.FilterChosen) -> None:
        self.main.open_filter(message.query)
        self.main.close_filter(clear=False)

    def on_filter_input_help_asked(self, message: FilterInput.HelpAsked) -> None:
        self.push_screen(HelpScreen(FILTER_HELP, "", title="Filter: what you can type"))

    def action_filter(self) -> None:
        self.main.open_filter()

    def action_toggle_row(self) -> None:
        key = self.main.table.cursor_key
        if key is None:
            return
        self.main.table.set_marks([key], self.board.toggle(key))
        self.main.table.action_cursor_down()
        self._update_title()
        self._refresh_footer()  # on the last row the cursor does not move: no highlight event

    def action_select_all(self) -> None:
        changed = self.board.select_all()
        self.main.table.set_marks(changed, selected=bool(changed & self.board.selected))
        self._update_title()
        self._refresh_footer()

    def action_toggle_columns(self) -> None:
        self.settings.wide = not self.settings.wide
        self.main.table.relayout()
        self._save_settings()
        self._update_title()

    def action_sort(self, column: str = "") -> None:
        """Sort by `column` (again: back to the profiles file's order); without one, by
        the next column in turn."""
        current = self.settings.sort_by
        if column:
            choice = None if current == column else column
        else:
            at = SORT_CYCLE.index(current) if current in SORT_CYCLE else -1
            choice = SORT_CYCLE[(at + 1) % len(SORT_CYCLE)]
        self.settings.sort_by = choice
        self.main.table.relayout()
        self._save_settings()
        self._render_all()

    def action_toggle_sidebar(self) -> None:
        self.settings.sidebar = self.main.show_sidebar(not self.main.sidebar_shown)
        self._save_settings()
