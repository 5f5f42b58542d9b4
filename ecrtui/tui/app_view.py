"""What every part of the app shares: its state (the board of rows, the main screen, the
remembered settings) and the ways to show it (a row, the table's title, the details of
the row under the cursor, the footer's keys). The flows in `tui/flows/` build on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker

from ecrtui.core.errors import EcrtuiError
from ecrtui.tui.bindings import BY_ID
from ecrtui.tui.rows import RegistryBoard, RegistryRow, RowStatus
from ecrtui.tui.screens.main_screen import MainScreen
from ecrtui.tui.services import Inventory, Services
from ecrtui.tui.settings import TuiSettings
from ecrtui.tui.widgets.table_columns import LABELS
from ecrtui.tui.wording import for_the_app

Clock = Callable[[], dt.datetime]
ROW_ACTIONS = ("login", "logout", "sso_login", "diagnose", "details")
"""The actions whose footer keys depend on the rows (check_action)."""


class AppView(App[None]):
    """The app's state and its rendering; `EcrtuiApp` sets every attribute."""

    services: Services
    clock: Clock
    demo: bool
    board: RegistryBoard
    main: MainScreen
    inventory: Inventory | None
    user_keymap: dict[str, str]
    settings_file: Path
    settings: TuiSettings  # the one owner of the theme, sort, columns, side list and auto-renew
    quitting: bool  # set once a quit is confirmed: workers stop waiting
    _batches: dict[Worker[object], list[str]]  # the rows each worker is working on
    _renewed: dict[str, dt.datetime | None]  # key: the expiry a renewal started from
    _footer_state: tuple[bool | None, ...]
    _sidebar_expired: list[str]  # the SSO-expired profiles the side list shows

    def _start_login(self, rows: Sequence[RegistryRow], *, renewal: bool = False) -> None:
        raise NotImplementedError  # flows/login.py

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        raise NotImplementedError  # flows/keys.py

    def _save_settings(self) -> None:
        problem = self.settings.save(self.settings_file)
        if problem:
            self.notify(f"settings not saved: {problem}", title="Settings", severity="warning")

    def _warn_cache(self, problem: EcrtuiError, consequence: str) -> None:
        text = for_the_app(f"{consequence}: {problem.message}\n{problem.remediation}".strip())
        self.notify(text, title=problem.title, severity="warning", timeout=10)

    # --- which rows ----------------------------------------------------------------------

    def _cursor_row(self) -> RegistryRow | None:
        key = self.main.table.cursor_key
        return self.board.get(key) if key else None

    def _shown(self) -> set[str]:
        return set(self.main.table.shown_keys)

    def _chosen(self) -> list[RegistryRow]:
        """The rows an action applies to: the selected rows that are shown, else the row
        under the cursor (rows.py: RegistryBoard.chosen)."""
        return self.board.chosen(self.main.table.cursor_key, self._shown())

    def _sso_profile(self) -> str | None:
        """The profile under the cursor if its session expired, else the only one that did."""
        row = self._cursor_row()
        if row is not None and row.status is RowStatus.SSO_EXPIRED:
            return row.registry.profile or "default"
        expired = self.board.sso_expired_profiles()
        return expired[0] if len(expired) == 1 else None

    # --- keys ----------------------------------------------------------------------------

    def keys_of(self, binding: Binding) -> str:
        """The keys a binding has now, as the footer would show them."""
        keys = self.user_keymap.get(binding.id or "", binding.key)
        return " / ".join(self.get_key_display(binding.with_key(key.strip())) for key in keys.split(","))

    def _refresh_footer(self) -> None:
        """Re-check the footer's keys, only when what they allow changed (a footer
        rebuild per cursor move or per finished row would be wasted work)."""
        state = tuple(self.check_action(action, ()) for action in ROW_ACTIONS)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    # --- rendering -------------------------------------------------------------------------

    def _render_all(self) -> None:
        now = self.clock()
        self.board.now = now
        visible = self.board.visible(self.settings.sort_by)
        self.main.table.show(visible, self.board.selected, now, universe=self.board.rows.values())
        self._show_details()
        self._update_title()

    def _render_row(self, row: RegistryRow) -> None:
        self.main.table.update_row(row, self.clock())
        if row.key == self.main.table.cursor_key:
            self._show_details()

    def _render_rows(self, rows: Sequence[RegistryRow]) -> None:
        for row in rows:
            self._render_row(row)

    def _update_title(self) -> None:
        """The table's title: how many rows show, how many are selected, and how many of
        those the filter hides (never acted on, but counted so they are not forgotten)."""
        shown = self._shown()
        parts = [f"Registries {len(shown)}" + (f" of {len(self.board.rows)}" if self.board.query.strip() else "")]
        selected = len(self.board.selected)
        if selected:
            hidden = self.board.hidden_selected(shown)
            parts.append(f"{selected} selected" + (f" ({hidden} hidden by the filter)" if hidden else ""))
        if self.settings.sort_by in LABELS:
            parts.append(f"by {LABELS[self.settings.sort_by].lower()}")
        if self.settings.auto_renew:
            parts.append("auto-renew on")
        self.main.table.border_title = " · ".join(parts)
        self.main.table.border_subtitle = "wide" if self.settings.wide else ""

    def _show_details(self) -> None:
        row = self._cursor_row()
        if row is None:
            if self.inventory is not None:
                self.main.details.show_message(
                    "Details", "No registry matches the filter." if self.board.query else "No registries."
                )
            return
        self.main.details.show_row(
            row,
            self.clock(),
            sso_key=self.keys_of(BY_ID["sso-login"]),
            diagnose_key=self.keys_of(BY_ID["diagnose"]),
        )
