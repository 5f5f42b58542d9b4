"""The app's own remembered choices (theme, column layout, sort, side list, auto-renew),
in a small JSON file beside the profiles file. Anything missing or malformed falls back to
the default: a settings file never stops the app."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ecrtui.core.errors import EcrtuiError
from ecrtui.core.locations import tui_settings_path
from ecrtui.core.writers.jsonfile import make_private_folders, write_atomically


def settings_path(environ: Mapping[str, str]) -> Path:
    """`~/.config/ecrtui/tui-settings.json` (the profiles file's folder)."""
    return tui_settings_path(environ)


@dataclass
class TuiSettings:
    theme: str | None = None
    wide: bool = False
    sort_by: str | None = None
    sidebar: bool | None = None  # None: shown when the terminal is wide enough
    auto_renew: bool = False

    @classmethod
    def load(cls, path: Path) -> TuiSettings:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        defaults = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = data.get(field.name, getattr(defaults, field.name))
            default = getattr(defaults, field.name)
            if field.name in ("wide", "auto_renew"):
                values[field.name] = value if isinstance(value, bool) else default
            elif field.name == "sidebar":
                values[field.name] = value if value is None or isinstance(value, bool) else default
            else:
                values[field.name] = value if value is None or isinstance(value, str) else default
        return cls(**values)

    def save(self, path: Path) -> str | None:
        """Write atomically; the reason when it could not be written (not fatal)."""
        try:
            make_private_folders(path.parent)
            write_atomically(path, asdict(self))
        except (OSError, EcrtuiError) as error:
            return str(getattr(error, "message", error)) or "the settings file could not be written"
        return None
