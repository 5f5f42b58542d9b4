"""The registry table: one row per registry with its selection mark, status and a live
expiry countdown coloured by urgency. It renders `RegistryRow`s and nothing else; its
columns (table_columns.py) and cells (table_cells.py) live beside it.

It is a line-API widget rather than a DataTable: a DataTable re-renders every visible
cell through Rich whenever any cell changes (about 80 ms for a screenful), and during a
batch of 100 logins the rows change dozens of times a second while the login threads
compete for the GIL, which froze the screen for most of a second at a time. Here a row
change re-renders that one line (a handful of segments), and unchanged lines come from
a cache.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ecrtui.core.clock import utc_now
from ecrtui.tui.bindings import bindings
from ecrtui.tui.rows import RegistryRow
from ecrtui.tui.widgets.table_cells import (
    Palette,
    expiry_cell,
    mark_cell,
    row_cells,
    same,
    status_cell,
    theme_palette,
)
from ecrtui.tui.widgets.table_columns import (
    COLUMNS,
    FIXED,
    GAPS,
    line_strip,
    line_width,
    natural_widths,
    plan_columns,
    short_host,
)

HEADER_HEIGHT = 1
SORT_MARK = "▾"


class TableChoices(Protocol):
    """The column choices the table reads, owned by the app's settings."""

    wide: bool  # every column in full, scrolling sideways
    sort_by: str | None  # the sorted column, marked in its header


@dataclass
class DefaultChoices:
    wide: bool = False
    sort_by: str | None = None


# fmt: off
TABLE_BINDINGS = bindings([
    ("up,k", "cursor_up", "Up", "cursor-up", "Move the cursor up"),
    ("down,j", "cursor_down", "Down", "cursor-down", "Move the cursor down"),
    ("pageup,ctrl+b", "page_up", "Page up", "page-up", "Move the cursor a page up"),
    ("pagedown,ctrl+f", "page_down", "Page down", "page-down", "Move the cursor a page down"),
    ("home,g", "first_row", "First", "first-row", "Go to the first registry"),
    ("end,G", "last_row", "Last", "last-row", "Go to the last registry"),
    ("left", "scroll_left", "Left", "scroll-left", "Scroll the table left"),
    ("right", "scroll_right", "Right", "scroll-right", "Scroll the table right"),
], show=False)
# fmt: on


class RegistryTable(ScrollView, can_focus=True):
    """A scrollable table of registries with a row cursor and a fixed header."""

    BINDINGS: ClassVar[list[BindingType]] = list(TABLE_BINDINGS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "registry-table--header",
        "registry-table--cursor",
        "registry-table--odd-row",
    }

    DEFAULT_CSS = """
    RegistryTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    RegistryTable > .registry-table--header {
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    RegistryTable > .registry-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    RegistryTable:focus > .registry-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RegistryTable > .registry-table--odd-row {
        background: $surface-lighten-1;
    }
    """

    cursor_row: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved to another row (`key` None: the table is empty)."""

        key: str | None

    def __init__(self, *, id: str | None = None, choices: TableChoices | None = None) -> None:
        super().__init__(id=id)
        self.choices: TableChoices = choices or DefaultChoices()
        self._order: list[str] = []
        self._rows: dict[str, RegistryRow] = {}
        self._cells: dict[str, dict[str, Text]] = {}
        self._selected: set[str] = set()
        self._natural = natural_widths(())
        self._widths = plan_columns(self._natural, 80, wide=False)
        self._lines: dict[tuple[str, bool, bool], Strip] = {}  # (key, cursor, focused)
        self._header: Strip | None = None
        self._styles: Palette = {}
        self._styles_theme = ""
        self._highlighted: str | None = None
        self._now = utc_now()

    # --- what the app calls ------------------------------------------------------------

    @property
    def wide(self) -> bool:
        return self.choices.wide

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def shown_keys(self) -> list[str]:
        return list(self._order)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, if any."""
        return self._order[self.cursor_row] if self._order else None

    def get_row_index(self, key: str) -> int:
        return self._order.index(key)

    def get_cell(self, key: str, column: str) -> Text:
        return self._cells[key][column]

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    def show(
        self,
        rows: Sequence[RegistryRow],
        selected: Collection[str],
        now: dt.datetime,
        *,
        universe: Iterable[RegistryRow] | None = None,
    ) -> None:
        """Replace the rows, keeping the cursor on the same registry if it stays. The
        column widths come from `universe` (every row, shown or not), so they do not jump
        while a filter is typed."""
        keep = self.cursor_key
        self._now = now
        self._order = [row.key for row in rows]
        self._rows = {row.key: row for row in rows}
        self._selected = set(selected)
        self._cells = {row.key: self._make_cells(row, now) for row in rows}
        self._natural = natural_widths(rows if universe is None else universe)
        self.relayout()
        index = self._order.index(keep) if keep in self._rows else 0
        self.cursor_row = min(index, max(0, len(self._order) - 1))

    def update_row(self, row: RegistryRow, now: dt.datetime, *, selected: bool | None = None) -> None:
        """Redraw one row (a no-op when the filter hides it)."""
        if row.key not in self._rows:
            return
        self._now = now
        self._rows[row.key] = row
        if selected is not None:
            (self._selected.add if selected else self._selected.discard)(row.key)
        self._set_cells(row.key, self._make_cells(row, now))

    def set_marks(self, keys: Collection[str], selected: bool) -> None:
        for key in keys:
            if key in self._rows:
                (self._selected.add if selected else self._selected.discard)(key)
                self._set_cells(key, {**self._cells[key], "mark": mark_cell(selected, self.status_styles())})

    def tick(self, now: dt.datetime) -> None:
        """Advance the countdowns: only rows whose text changed are redrawn, so a
        thousand idle rows cost nothing per second."""
        self._now = now
        palette = self.status_styles()
        for key, row in self._rows.items():
            if row.expires_at is None:
                continue
            cells = self._cells[key]
            status, expires = status_cell(row, now, palette), expiry_cell(row, now, palette)
            if not (same(status, cells["status"]) and same(expires, cells["expires"])):
                self._set_cells(key, {**cells, "status": status, "expires": expires})

    def status_styles(self) -> Palette:
        """Status colours from the active theme, made once per theme rather than once per
        cell."""
        if self._styles_theme != self.app.theme:  # the name: cheap to read per cell
            self._styles_theme = self.app.theme
            self._styles = theme_palette(self.app.current_theme)
        return self._styles

    def relayout(self) -> None:
        """Lay the columns out again (after a resize, new rows, or a layout choice)."""
        self._widths = plan_columns(self._natural, self.scrollable_content_region.width or 80, wide=self.wide)
        self._forget_lines()

    @property
    def shown_columns(self) -> list[str]:
        return [key for key, _ in COLUMNS if key in self._widths]

    # --- cursor and scrolling --------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._order) - 1))

    def watch_cursor_row(self) -> None:
        self._forget_cursor_lines()
        if self._order:
            self._scroll_to_cursor()
        key = self.cursor_key
        if key != self._highlighted:
            self._highlighted = key
            self.post_message(self.RowHighlighted(key))
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - HEADER_HEIGHT)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def action_page_down(self) -> None:
        self.cursor_row += max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = len(self._order) - 1

    def on_click(self, event: events.Click) -> None:
        if event.y >= HEADER_HEIGHT:
            self.cursor_row = round(self.scroll_y) + event.y - HEADER_HEIGHT

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.relayout()
        if self._order:
            self._scroll_to_cursor()

    def action_scroll_right(self) -> None:
        """A whole column at a time (wide layout)."""
        self.scroll_to(x=self._next_column_start(round(self.scroll_x), +1), animate=False)

    def action_scroll_left(self) -> None:
        self.scroll_to(x=self._next_column_start(round(self.scroll_x), -1), animate=False)

    def _next_column_start(self, x: int, direction: int) -> int:
        starts, at = [], 0  # each column's start, less the space before it
        for key in self.shown_columns:
            starts.append(at)
            at += self._widths[key] + GAPS[key]
        ahead = [s for s in starts if (s > x if direction > 0 else s < x)]
        if not ahead:
            return x if direction > 0 else 0
        return ahead[0] if direction > 0 else ahead[-1]

    # --- rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y < HEADER_HEIGHT:
            return self._header_line().crop(scroll_x, scroll_x + width)
        index = round(self.scroll_y) + y - HEADER_HEIGHT
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
        return self._row_line(index).crop(scroll_x, scroll_x + width)

    def _header_line(self) -> Strip:
        if self._header is None:
            style = self.get_component_rich_style("registry-table--header")
            sort_by = self.choices.sort_by
            labels = {key: Text(label + (SORT_MARK if key == sort_by else "")) for key, label in COLUMNS}
            self._header = self._strip(labels, style)
        return self._header

    def _row_line(self, index: int) -> Strip:
        key = self._order[index]
        cursor, focused = index == self.cursor_row, self.has_focus
        line = self._lines.get((key, cursor, focused))
        if line is None:
            if cursor:
                base = self.get_component_rich_style("registry-table--cursor")
            elif index % 2:
                base = self.get_component_rich_style("registry-table--odd-row")
            else:
                base = self.rich_style
            line = self._lines[(key, cursor, focused)] = self._strip(self._cells[key], base, cursor=cursor)
        return line

    def _strip(self, cells: dict[str, Text], base: Style, *, cursor: bool = False) -> Strip:
        return line_strip(cells, self._widths, base, cursor=cursor)

    def _set_cells(self, key: str, cells: dict[str, Text]) -> None:
        self._cells[key] = cells
        if self._widen(cells):
            self._forget_lines()
        else:
            for cursor in (False, True):
                for focused in (False, True):
                    self._lines.pop((key, cursor, focused), None)
        self.refresh()

    def _widen(self, cells: dict[str, Text]) -> bool:
        """Grow the natural widths to fit `cells` (a login learnt a host); whether the
        layout changed (then every line is redrawn)."""
        grew = False
        for key, text in cells.items():
            if key in self._natural and key not in FIXED and cell_len(text.plain) > self._natural[key]:
                self._natural[key], grew = cell_len(text.plain), True
                if key == "host":
                    self._natural["host_short"] = max(self._natural["host_short"], cell_len(short_host(text.plain)))
        if not grew:
            return False
        widths = plan_columns(self._natural, self.scrollable_content_region.width or 80, wide=self.wide)
        if widths == self._widths:
            return False
        self._widths = widths
        return True

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._header = None
        self.virtual_size = Size(line_width(self._widths), len(self._order) + HEADER_HEIGHT)
        self.refresh()

    def _forget_cursor_lines(self) -> None:
        for cache_key in [k for k in self._lines if k[1]]:
            del self._lines[cache_key]

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        """Every colour comes from the theme: remake the cells and lines."""
        self._cells = {key: self._make_cells(row, self._now) for key, row in self._rows.items()}
        self._forget_lines()

    def _make_cells(self, row: RegistryRow, now: dt.datetime) -> dict[str, Text]:
        return row_cells(row, now, self.status_styles(), selected=row.key in self._selected)
