"""The keys: the user's keymap, every binding a user can press or remap, the help
screen that lists them, and which of them the footer offers right now."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.dom import DOMNode

from ecrtui.core.locations import default_profiles_path
from ecrtui.tui.app_view import AppView
from ecrtui.tui.bindings import APP_BINDINGS, MAIN_ONLY
from ecrtui.tui.screens.confirm_screen import ConfirmScreen
from ecrtui.tui.screens.diagnostics_screen import DiagnosticsScreen
from ecrtui.tui.screens.discovery_screen import DiscoveryScreen
from ecrtui.tui.screens.help_screen import HelpEntry, HelpScreen
from ecrtui.tui.screens.main_screen import FilterInput, MainScreen
from ecrtui.tui.screens.row_screen import RowScreen
from ecrtui.tui.screens.sign_in_screen import SignInScreen
from ecrtui.tui.services import display_path
from ecrtui.tui.widgets.registry_table import RegistryTable

# Every node with bindings a user can press or remap, besides the app.
BOUND_NODES: tuple[type[DOMNode], ...] = (
    RegistryTable,
    MainScreen,
    FilterInput,
    DiagnosticsScreen,
    HelpScreen,
    RowScreen,
    ConfirmScreen,
    SignInScreen,
    DiscoveryScreen,
)


class KeysFlow(AppView):
    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        known = {binding.id for binding in self.all_bindings()}
        unknown = sorted(set(keymap) - known)
        if unknown:
            self.notify(
                f"keymap: no binding with id {', '.join(unknown)}; ids are {', '.join(sorted(i for i in known if i))}",
                title="Profiles file",
                severity="warning",
                timeout=10,
            )
        self.user_keymap = {k: v for k, v in keymap.items() if k in known}
        self.set_keymap(self.user_keymap)

    def all_bindings(self) -> list[Binding]:
        """Every binding a user can press or remap: the app's, the table's and the
        screens'."""
        nodes: Iterable[type[DOMNode]] = BOUND_NODES
        found = list(APP_BINDINGS)
        for node in nodes:
            found += [b for b in node.BINDINGS if isinstance(b, Binding)]
        return found

    def help_entries(self, bindings: Iterable[Binding] | None = None) -> list[HelpEntry]:
        chosen = self.all_bindings() if bindings is None else bindings
        return [HelpEntry(self.keys_of(b), b.tooltip or b.description, b.id or "") for b in chosen]

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, DiagnosticsScreen):
            self.push_screen(HelpScreen(self.help_entries(screen.help_bindings()), "", title="Diagnostics: keys"))
            return
        if isinstance(screen, HelpScreen):
            screen.dismiss()
            return
        path = self.inventory.profiles_path if self.inventory else None
        source = display_path(path or str(default_profiles_path(self.services.environ)), self.services.environ)
        settings = display_path(str(self.settings_file), self.services.environ)
        self.push_screen(HelpScreen(self.help_entries(), source, settings_source=settings))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Every key in the footer does something visible, or is not shown: the row
        actions show only when they apply to what is chosen, and none of the main
        screen's actions run from inside a dialog (keys or command palette)."""
        if action in MAIN_ONLY and self.screen is not self.main:
            return False
        if isinstance(self.focused, FilterInput) and (action in MAIN_ONLY or action == "quit"):
            return False  # those keys type into the filter: the footer shows the filter's own
        if action == "quit" and isinstance(self.screen, ConfirmScreen):
            return False  # the question on screen is answered with y or n
        return self._row_action_allowed(action)

    def _row_action_allowed(self, action: str) -> bool:
        if action == "sso_login":
            return self._sso_profile() is not None
        # Neither depends on a row being busy (a press then says so): the footer stays
        # still while a batch runs, rather than being rebuilt as it starts and ends.
        if action == "logout":
            return any(row.has_credentials for row in self._chosen())
        if action == "login":
            return bool(self._chosen())
        if action in ("diagnose", "details"):
            return self.main.table.cursor_key is not None
        return True
