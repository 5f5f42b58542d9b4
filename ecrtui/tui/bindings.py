"""The app's key bindings, in one list: the app binds them, the help screen lists them
and the command palette offers them, so the three can never disagree. Every binding has
an id, which the profiles file's `keymap:` uses to give it other keys.

The footer shows them in this order and drops what does not fit on the right, so the
keys a newcomer needs (and `?` and `q`) come first; the rest are in the help and the
palette."""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS: list[Binding] = [
    Binding("space", "toggle_row", "Select", id="select", tooltip="Select or unselect the registry under the cursor"),
    Binding(
        "l",
        "login",
        "Log in",
        id="login",
        tooltip="Log in to the selected registries that are shown, or the one under the cursor",
    ),
    Binding(
        "o",
        "logout",
        "Log out",
        id="logout",
        tooltip="Log out of the selected registries that are shown (erase their credentials), or the one under the cursor",
    ),
    Binding(
        "d", "diagnose", "Diagnose", id="diagnose", tooltip="Diagnose the registry under the cursor (doctor report)"
    ),
    Binding("slash", "filter", "Filter", id="filter", tooltip="Filter the registries (words, or field:value)"),
    Binding("question_mark", "help", "Help", id="help", tooltip="Show the keys that work here"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit ecrtui (asks first while logins run)"),
    Binding(
        "s",
        "sso_login",
        "SSO login",
        id="sso-login",
        tooltip="Sign in again (IAM Identity Center) and retry",
    ),
    Binding("enter", "details", "Details", show=False, id="details", tooltip="Open the details of the registry"),
    Binding("a", "select_all", "All", show=False, id="select-all", tooltip="Select every shown registry (again: none)"),
    Binding(
        "r",
        "refresh",
        "Refresh",
        show=False,
        id="refresh",
        tooltip="Re-read the profiles file, AWS config and cached tokens",
    ),
    Binding(
        "e",
        "sort('expires')",
        "Soonest",
        show=False,
        id="sort-expiry",
        tooltip="Sort by expiry, soonest first (again: the profiles file's order)",
    ),
    Binding("S", "sort", "Sort", show=False, id="sort", tooltip="Sort by the next column in turn"),
    Binding(
        "w",
        "toggle_columns",
        "Wide",
        show=False,
        id="columns",
        tooltip="Switch the columns between compact (fit the screen) and wide (all, scroll sideways)",
    ),
    Binding("b", "toggle_sidebar", "Side list", show=False, id="sidebar", tooltip="Show or hide the side list"),
    Binding(
        "A",
        "toggle_auto_renew",
        "Auto-renew",
        show=False,
        id="auto-renew",
        tooltip="Turn auto-renew on or off (renew each token before its refresh time)",
    ),
    # Textual adds a palette binding of its own unless the app has one: this one has an id.
    Binding(
        "ctrl+p",
        "command_palette",
        "palette",
        show=False,
        priority=True,
        id="command-palette",
        tooltip="Open the command palette (every action by name)",
    ),
]
BY_ID = {binding.id: binding for binding in APP_BINDINGS}
PALETTE_ACTIONS = [binding for binding in APP_BINDINGS if binding.action != "command_palette"]
"""What the command palette offers: everything but opening itself."""
MAIN_ONLY = frozenset(
    {
        "toggle_row",
        "select_all",
        "login",
        "logout",
        "diagnose",
        "details",
        "sso_login",
        "refresh",
        "filter",
        "sort",
        "toggle_columns",
        "toggle_sidebar",
        "toggle_auto_renew",
    }
)
"""Actions of the main screen's rows: never run while a dialog is open on top of it."""
SORT_CYCLE = ("expires", "target", "host", "status", "account", "region", "type", "profile", None)
"""The order `S` goes through the columns (None: the profiles file's order)."""
