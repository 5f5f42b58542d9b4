"""The real `ecrtui` app in a pseudo-terminal: a screen read back as text, and its rows."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from support.standins import require_binary

DEADLINE_SECONDS = 30.0


POLL_SECONDS = 0.1


@dataclass
class Terminal:
    """One tmux session on a private server socket (the user's tmux is never touched)."""

    tmux: str
    socket: str
    session: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=10, check=False
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("send-keys", "-t", self.session, key)

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session).returncode == 0

    def wait_for(self, what: str, ready: Callable[[str], bool]) -> str:
        """Poll the screen until `ready(screen)`, or fail showing the last screen."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(POLL_SECONDS)
        pytest.fail(f"timed out waiting for {what}; the screen was:\n{screen}")


def row(screen: str, target: str) -> str:
    """The table line of the first registry of `target`: the text right of the sidebar
    (`│ sidebar │ table`), whose first word after the selection mark is the target."""
    for line in screen.splitlines():
        parts = line.split("│", 2)
        table = parts[2] if len(parts) == 3 else ""
        words = table.replace("✔", " ").split()
        if words[:1] == [target]:
            return table
    return ""


def open_terminal(
    name: str, command: str | list[str], env: dict[str, str], *, width: int, height: int, cwd: str | None = None
) -> Terminal:
    """A detached tmux session of `width` x `height` running `command`; kill its server after."""
    tmux = require_binary("tmux")
    term = Terminal(tmux, f"ecrtui-{name}-{os.getpid()}", name)
    where = ["-c", cwd] if cwd else []
    program = [command] if isinstance(command, str) else command
    size = ["-x", str(width), "-y", str(height)]
    new_session = [tmux, "-L", term.socket, "-f", "/dev/null", "new-session", "-d", "-s", term.session]
    started = subprocess.run(
        [*new_session, *size, *where, *program], env=env, capture_output=True, text=True, timeout=10, check=False
    )
    assert started.returncode == 0, started.stderr
    return term
