"""The registry table: one row per registry with its selection mark, status and a live
expiry countdown coloured by urgency. It renders `RegistryRow`s and nothing else.

It is a line-API widget rather than a DataTable: a DataTable re-renders every visible
cell through Rich whenever any cell changes (about 80 ms for a screenful), and during a
batch of 100 logins the rows change dozens of times a second while the login threads
compete for the GIL, which froze the screen for most of a second at a time. Here a row
change re-renders that one line (a handful of segments), and unchanged lines come from
a cache.

Its columns are laid out for the width it has (`plan_columns`): registry, status and
expiry always show; the others join by priority while they fit, or all of them show in
the wide layout, which scrolls sideways a column at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ecrtui.core.clock import utc_now
from ecrtui.tui.rows import ExpiryLevel, RegistryRow, RowStatus, expires_in_text, expiry_level

# What the eye looks for first comes first: which registry, and is it usable. Account,
# region, type and profile follow.
COLUMNS = (
    ("mark", " "),
    ("target", "Target"),
    ("host", "Registry"),
    ("status", "Status"),
    ("expires", "Expires in"),
    ("account", "Account"),
    ("region", "Region"),
    ("type", "Type"),
    ("profile", "Profile"),
)
LABELS = dict(COLUMNS)
RIGHT_ALIGNED = frozenset({"expires"})
# Cells are one space apart (two after a right-aligned column, whose text would
# otherwise run into the next one), with a space at either end of the line.
GAPS = {key: 2 if key in RIGHT_ALIGNED else 1 for key, _ in COLUMNS}
EDGE = 1
SELECTED_MARK = "✔"
HEADER_HEIGHT = 1
SORT_MARK = "▾"
# Status and expiry have fixed widths (their longest possible text, or the header with
# its sort mark), so they never jump as logins run or a filter is typed.
FIXED = {
    "mark": 1,
    "status": max(len("expired"), *(len(status.value) for status in RowStatus)),
    "expires": len(LABELS["expires"]) + 1,
}
# In the compact layout (the default) the registry, its status and its expiry always
# show; the others join, in this order, while they fit, as k9s does: the target (cut to
# TARGET_CAP with an ellipsis), the host in full (else without `.amazonaws.com`), then
# profile, account, region and type, each whole or not at all (an account id is never
# shown cut).
UPGRADES = ("target", "host-full", "profile", "account", "region", "type")
TARGET_CAP = 16
TARGET_MIN = 6
HOST_MIN = 12


def short_host(host: str) -> str:
    """An ECR host without its domain: `111111111111.dkr.ecr.eu-west-1…`."""
    for domain in (".amazonaws.com.cn", ".amazonaws.com"):
        if host.endswith(domain):
            return host[: -len(domain)] + "…"
    return host


def fit(key: str, text: str, width: int) -> str:
    """`text` in `width` cells: the host abbreviated first, anything cut ends in `…`."""
    if cell_len(text) <= width:
        return text
    if key == "host":
        text = short_host(text)
        if cell_len(text) <= width:
            return text
    return text[: max(0, width - 1)] + "…" if width > 0 else ""


def line_width(widths: dict[str, int]) -> int:
    shown = [key for key, _ in COLUMNS if key in widths]
    return sum(widths.values()) + sum(GAPS[key] for key in shown[:-1]) + 2 * EDGE


def plan_columns(natural: dict[str, int], available: int, *, wide: bool) -> dict[str, int]:
    """Each shown column's width. Wide: every column in full (the table scrolls
    sideways). Compact: what fits `available`, by the priorities above."""
    if wide:
        return {key: max(natural[key], FIXED.get(key, 0)) for key, _ in COLUMNS}
    widths = {
        "mark": FIXED["mark"],
        "host": natural["host_short"],
        "status": FIXED["status"],
        "expires": FIXED["expires"],
    }
    over = line_width(widths) - available
    if over > 0:
        widths["host"] = max(HOST_MIN, widths["host"] - over)
    for upgrade in UPGRADES:
        room = available - line_width(widths)
        if upgrade == "host-full":
            if natural["host"] > widths["host"] and natural["host"] - widths["host"] <= room:
                widths["host"] = natural["host"]
        elif upgrade == "target":
            want = min(natural["target"], TARGET_CAP)
            if room - GAPS["target"] >= TARGET_MIN:
                widths["target"] = min(want, room - GAPS["target"])
        elif natural[upgrade] + GAPS[upgrade] <= room:
            widths[upgrade] = natural[upgrade]
    if "target" in widths:  # what is left lets a long target name show in full
        room = available - line_width(widths)
        widths["target"] = min(natural["target"], widths["target"] + max(0, room))
    return widths


def natural_widths(rows: Iterable[RegistryRow]) -> dict[str, int]:
    """What each column would need to show every row in full (and its header)."""
    widths = {key: cell_len(label) + 1 for key, label in COLUMNS}  # +1: room for the sort mark
    widths["host_short"] = widths["host"]
    for row in rows:
        registry = row.registry
        label = row.host or f"default registry ({registry.region})"
        texts = {
            "target": registry.target,
            "host": label,
            "account": row.account_id or "—",
            "region": registry.region,
            "type": registry.type.value,
            "profile": registry.profile or "(default)",
            "host_short": short_host(label),
        }
        for key, text in texts.items():
            width = len(text) if text.isascii() else cell_len(text)  # hosts and ids are ASCII: fast
            if width > widths[key]:
                widths[key] = width
    return widths


class RegistryTable(ScrollView, can_focus=True):
    """A scrollable table of registries with a row cursor and a fixed header."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor-up", tooltip="Move the cursor up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor-down", tooltip="Move the cursor down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="page-up", tooltip="Move the cursor a page up"),
        Binding(
            "pagedown,ctrl+f",
            "page_down",
            "Page down",
            show=False,
            id="page-down",
            tooltip="Move the cursor a page down",
        ),
        Binding("home,g", "first_row", "First", show=False, id="first-row", tooltip="Go to the first registry"),
        Binding("end,G", "last_row", "Last", show=False, id="last-row", tooltip="Go to the last registry"),
        Binding("left", "scroll_left", "Left", show=False, id="scroll-left", tooltip="Scroll the table left"),
        Binding("right", "scroll_right", "Right", show=False, id="scroll-right", tooltip="Scroll the table right"),
    ]

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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._order: list[str] = []
        self._rows: dict[str, RegistryRow] = {}
        self._cells: dict[str, dict[str, Text]] = {}
        self._selected: set[str] = set()
        self._natural = natural_widths(())
        self._widths = plan_columns(self._natural, 80, wide=False)
        self.wide = False  # every column in full, scrolling sideways
        self.sort_by: str | None = None
        self._lines: dict[tuple[str, bool, bool], Strip] = {}  # (key, cursor, focused)
        self._header: Strip | None = None
        self._styles: dict[str, Style] = {}
        self._styles_theme = ""
        self._highlighted: str | None = None
        self._now = utc_now()

    # --- what the app calls ------------------------------------------------------------

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
        self._relayout()
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
                self._set_cells(key, {**self._cells[key], "mark": self._mark(key)})

    def tick(self, now: dt.datetime) -> None:
        """Advance the countdowns: only rows whose text changed are redrawn, so a
        thousand idle rows cost nothing per second."""
        self._now = now
        for key, row in self._rows.items():
            if row.expires_at is None:
                continue
            cells = self._cells[key]
            status, expires = self._status_cell(row, now), self._expiry_cell(row, now)
            if not (_same(status, cells["status"]) and _same(expires, cells["expires"])):
                self._set_cells(key, {**cells, "status": status, "expires": expires})

    def status_styles(self) -> dict[str, Style]:
        """Status colours from the active theme (so they follow a theme change), made
        once per theme rather than once per cell."""
        if self._styles_theme != self.app.theme:  # the name: cheap to read per cell
            theme = self.app.current_theme
            self._styles_theme = self.app.theme
            self._styles = {
                "ok": Style(color=theme.success or "green"),
                "warn": Style(color=theme.warning or "yellow"),
                "bad": Style(color=theme.error or "red", bold=True),
                "busy": Style(color=theme.accent or "cyan"),
                "mark": Style(color=theme.accent or "cyan", bold=True),
                "dim": Style(dim=True),
            }
        return self._styles

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
        self._relayout()
        if self._order:
            self._scroll_to_cursor()

    def set_layout(self, *, wide: bool | None = None, sort_by: str | bool | None = False) -> None:
        """Switch wide/compact, or the sorted column (shown by a mark in its header)."""
        if wide is not None:
            self.wide = wide
        if sort_by is not False:
            self.sort_by = sort_by if isinstance(sort_by, str) else None
        self._relayout()

    @property
    def shown_columns(self) -> list[str]:
        return [key for key, _ in COLUMNS if key in self._widths]

    def _relayout(self) -> None:
        self._widths = plan_columns(self._natural, self.scrollable_content_region.width or 80, wide=self.wide)
        self._forget_lines()

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
            if self._header is None:
                style = self.get_component_rich_style("registry-table--header")
                labels = {key: Text(label + (SORT_MARK if key == self.sort_by else "")) for key, label in COLUMNS}
                self._header = self._strip(labels, style)
            return self._header.crop(scroll_x, scroll_x + width)
        index = round(self.scroll_y) + y - HEADER_HEIGHT
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
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
        return line.crop(scroll_x, scroll_x + width)

    def _strip(self, cells: dict[str, Text], base: Style, *, cursor: bool = False) -> Strip:
        """One line: each cell padded to its column's width, the cells `GAPS` apart. On
        the cursor row the cursor's colours win, so a red status stays readable on it."""
        segments = [Segment(" " * EDGE, base)]
        shown = self.shown_columns
        for index, key in enumerate(shown):
            text = cells[key]
            width = self._widths[key]
            plain = fit(key, text.plain, width)
            pad = width - cell_len(plain)
            body = (" " * pad + plain) if key in RIGHT_ALIGNED else (plain + " " * pad)
            own = text.style if isinstance(text.style, Style) else Style()
            style = own + base if cursor else base + own
            gap = EDGE if index == len(shown) - 1 else GAPS[key]
            segments += [Segment(body, style), Segment(" " * gap, base)]
        return Strip(segments, self._line_width()).simplify()

    def _line_width(self) -> int:
        return line_width(self._widths)

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
        self.virtual_size = Size(self._line_width(), len(self._order) + HEADER_HEIGHT)
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

    # --- cells ----------------------------------------------------------------------------

    def _make_cells(self, row: RegistryRow, now: dt.datetime) -> dict[str, Text]:
        registry = row.registry
        dim = self.status_styles()["dim"]
        return {
            "mark": self._mark(row.key),
            "target": Text(registry.target),
            "host": Text(row.host or f"default registry ({registry.region})", style=dim if row.host is None else ""),
            "status": self._status_cell(row, now),
            "expires": self._expiry_cell(row, now),
            "profile": Text(registry.profile or "(default)", style=dim if registry.profile is None else ""),
            "account": Text(row.account_id or "—", style=dim if row.account_id is None else ""),
            "region": Text(registry.region),
            "type": Text(registry.type.value),
        }

    def _mark(self, key: str) -> Text:
        return Text(SELECTED_MARK, style=self.status_styles()["mark"]) if key in self._selected else Text(" ")

    def _status_cell(self, row: RegistryRow, now: dt.datetime) -> Text:
        text = row.status_text(now)
        palette = self.status_styles()
        if text == "expired" or row.status in (RowStatus.FAILED, RowStatus.SSO_EXPIRED):
            style = palette["bad"]
        elif row.status is RowStatus.LOGGED_IN and expiry_level(row.expires_at, now) is ExpiryLevel.SOON:
            style = palette["warn"]  # nearly out: worth a renewal before a long build
        elif row.busy:
            style = palette["busy"]
        elif row.status in (RowStatus.LOGGED_IN, RowStatus.STORED):
            style = palette["ok"]
        else:
            style = palette["dim"]
        return Text(text, style=style)

    def _expiry_cell(self, row: RegistryRow, now: dt.datetime) -> Text:
        palette = self.status_styles()
        style = {
            ExpiryLevel.FINE: palette["ok"],
            ExpiryLevel.SOON: palette["warn"],
            ExpiryLevel.EXPIRED: palette["bad"],
            ExpiryLevel.UNKNOWN: palette["dim"],
        }[expiry_level(row.expires_at, now)]
        return Text(expires_in_text(row.expires_at, now), style=style)


def _same(first: Text, second: Text) -> bool:
    """Equal text and style (Text's own == ignores the style)."""
    return first.plain == second.plain and first.style == second.style
