"""The app's key bindings, in one list: the app binds them, the help screen lists them
and the command palette offers them, so the three can never disagree. Every binding has
an id, which the profiles file's `keymap:` uses to give it other keys."""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS: list[Binding] = [
    Binding("space", "toggle_row", "Select", id="select", tooltip="Select or unselect the registry under the cursor"),
    Binding("a", "select_all", "All", id="select-all", tooltip="Select every shown registry (again: select none)"),
    Binding(
        "enter,l",
        "login",
        "Log in",
        id="login",
        tooltip="Log in to the selected registries, or the one under the cursor",
    ),
    Binding(
        "o", "logout", "Log out", id="logout", tooltip="Log out of the selected registries (erase their credentials)"
    ),
    Binding(
        "d", "diagnose", "Diagnose", id="diagnose", tooltip="Diagnose the registry under the cursor (doctor report)"
    ),
    Binding(
        "s",
        "sso_login",
        "SSO login",
        id="sso-login",
        tooltip="Run aws sso login for an expired SSO session, then retry",
    ),
    Binding("r", "refresh", "Refresh", id="refresh", tooltip="Re-read the profiles file, AWS config and cached tokens"),
    Binding("slash", "filter", "Filter", id="filter", tooltip="Filter the registries (words, or field:value)"),
    Binding("question_mark", "help", "Help", id="help", tooltip="Show every key binding"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Quit ecrtui"),
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
