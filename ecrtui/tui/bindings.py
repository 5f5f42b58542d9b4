"""The app's key bindings, in one list: the app binds them, the help screen lists them
and the command palette offers them, so the three can never disagree. Every binding has
an id, which the profiles file's `keymap:` uses to give it other keys.

The footer shows them in this order and drops what does not fit on the right, so the
keys a newcomer needs (and `?` and `q`) come first; the rest are in the help and the
palette."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding


def bindings(rows: Iterable[tuple[str, str, str, str, str]], *, show: bool = True) -> list[Binding]:
    """Bindings from rows of (keys, action, footer label, id, what it does)."""
    return [
        Binding(keys, action, label, show=show, id=binding_id, tooltip=tooltip)
        for keys, action, label, binding_id, tooltip in rows
    ]


# fmt: off
APP_BINDINGS: list[Binding] = [
    *bindings([
        ("space", "toggle_row", "Select", "select", "Select or unselect the registry under the cursor"),
        ("l", "login", "Log in", "login", "Log in to the selected registries that are shown, or the one under the cursor"),
        ("o", "logout", "Log out", "logout", "Log out of the selected registries that are shown (erase their credentials), or the one under the cursor"),
        ("d", "diagnose", "Diagnose", "diagnose", "Diagnose the registry under the cursor (doctor report)"),
        ("slash", "filter", "Filter", "filter", "Filter the registries (words, or field:value)"),
        ("question_mark", "help", "Help", "help", "Show the keys that work here"),
        ("q", "quit", "Quit", "quit", "Quit ecrtui (asks first while logins run)"),
        ("s", "sso_login", "SSO login", "sso-login", "Sign in again (IAM Identity Center) and retry"),
    ]),
    *bindings([
        ("enter", "details", "Details", "details", "Open the details of the registry"),
        ("a", "select_all", "All", "select-all", "Select every shown registry (again: none)"),
        ("r", "refresh", "Refresh", "refresh", "Re-read the profiles file, AWS config and cached tokens"),
        ("e", "sort('expires')", "Soonest", "sort-expiry", "Sort by expiry, soonest first (again: the profiles file's order)"),
        ("S", "sort", "Sort", "sort", "Sort by the next column in turn"),
        ("w", "toggle_columns", "Wide", "columns", "Switch the columns between compact (fit the screen) and wide (all, scroll sideways)"),
        ("b", "toggle_sidebar", "Side list", "sidebar", "Show or hide the side list"),
        ("A", "toggle_auto_renew", "Auto-renew", "auto-renew", "Turn auto-renew on or off (renew each token before its refresh time)"),
    ], show=False),
    # Textual adds a palette binding of its own unless the app has one: this one has an id.
    Binding("ctrl+p", "command_palette", "palette", show=False, priority=True, id="command-palette", tooltip="Open the command palette (every action by name)"),
]
# fmt: on
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
