"""The registry table's cells: each row's texts, coloured by status and urgency from the
active theme's palette."""

from __future__ import annotations

import datetime as dt

from rich.style import Style
from rich.text import Text
from textual.theme import Theme

from ecrtui.tui.rows import ExpiryLevel, RegistryRow, RowStatus, expires_in_text, expiry_level

SELECTED_MARK = "✔"
Palette = dict[str, Style]


def theme_palette(theme: Theme) -> Palette:
    """The status colours of `theme`, so they follow a theme change."""
    return {
        "ok": Style(color=theme.success or "green"),
        "warn": Style(color=theme.warning or "yellow"),
        "bad": Style(color=theme.error or "red", bold=True),
        "busy": Style(color=theme.accent or "cyan"),
        "mark": Style(color=theme.accent or "cyan", bold=True),
        "dim": Style(dim=True),
    }


def row_cells(row: RegistryRow, now: dt.datetime, palette: Palette, *, selected: bool) -> dict[str, Text]:
    registry = row.registry
    dim = palette["dim"]
    return {
        "mark": mark_cell(selected, palette),
        "target": Text(registry.target),
        "host": Text(row.host or f"default registry ({registry.region})", style=dim if row.host is None else ""),
        "status": status_cell(row, now, palette),
        "expires": expiry_cell(row, now, palette),
        "profile": Text(registry.profile or "(default)", style=dim if registry.profile is None else ""),
        "account": Text(row.account_id or "—", style=dim if row.account_id is None else ""),
        "region": Text(registry.region),
        "type": Text(registry.type.value),
    }


def mark_cell(selected: bool, palette: Palette) -> Text:
    return Text(SELECTED_MARK, style=palette["mark"]) if selected else Text(" ")


def status_cell(row: RegistryRow, now: dt.datetime, palette: Palette) -> Text:
    text = row.status_text(now)
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


EXPIRY_COLOURS = {
    ExpiryLevel.FINE: "ok",
    ExpiryLevel.SOON: "warn",
    ExpiryLevel.EXPIRED: "bad",
    ExpiryLevel.UNKNOWN: "dim",
}


def expiry_cell(row: RegistryRow, now: dt.datetime, palette: Palette) -> Text:
    style = palette[EXPIRY_COLOURS[expiry_level(row.expires_at, now)]]
    return Text(expires_in_text(row.expires_at, now), style=style)


def same(first: Text, second: Text) -> bool:
    """Equal text and style (Text's own == ignores the style)."""
    return first.plain == second.plain and first.style == second.style
