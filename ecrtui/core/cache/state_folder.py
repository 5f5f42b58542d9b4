"""Where ecrtui keeps its lock and log files."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/ecrtui (the platform's equivalent elsewhere)."""
    env = os.environ if environ is None else environ
    if env.get("XDG_STATE_HOME"):
        base = Path(env["XDG_STATE_HOME"])
    elif sys.platform == "win32" and env.get("LOCALAPPDATA"):
        base = Path(env["LOCALAPPDATA"])
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".local" / "state"
    return base / "ecrtui"
