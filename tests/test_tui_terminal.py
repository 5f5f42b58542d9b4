"""A real-terminal smoke test: `ecrtui --demo` in tmux, driven by keys and read back with
capture-pane. It proves what the headless Pilot cannot: the app starts from the command
line on a real terminal, draws, logs in, and suspends for `aws sso login` and comes back.

Every wait polls the screen until the expected text appears, with a deadline; nothing
sleeps for a fixed time.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from conftest import OUTSIDE, cli_command, require_binary

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


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TMUX", "AWS_"))}
    env.update(TERM="xterm-256color", COLUMNS="", LINES="")
    command = f"cd {shlex.quote(str(OUTSIDE))} && exec {shlex.join(cli_command())} --demo"
    # 170 columns: wide enough for the side list (app.py's breakpoint)
    term = open_terminal("demo", command, env, width=170, height=40)
    try:
        yield term
    finally:
        term.run("kill-server")


def test_the_demo_logs_in_and_refreshes_sso_in_a_real_terminal(terminal: Terminal) -> None:
    screen = terminal.wait_for("the demo's registries", lambda s: "legacy-sso" in s and "not logged in" in s)
    assert "demo" in screen.splitlines()[0]  # the header says it is the demo
    assert "TARGETS" in screen and "AWS PROFILES" in screen

    terminal.keys("a", "l")
    screen = terminal.wait_for(
        "every login to finish",
        lambda s: (
            "SSO expired" in row(s, "legacy-sso") and all("logged in" in row(s, t) for t in ("dev", "prod", "public"))
        ),
    )
    assert "11h 59m" in row(screen, "public") or "12h 00m" in row(screen, "public")

    # The SSO action suspends the app, runs the (demo's stand-in for the) AWS CLI on this
    # terminal, comes back and retries.
    terminal.keys("End", "s")
    screen = terminal.wait_for("the SSO retry to log in", lambda s: "logged in" in row(s, "legacy-sso"))
    assert "123456789012.dkr.ecr.eu-central-1" in row(screen, "legacy-sso")

    terminal.keys("q")
    deadline = time.monotonic() + DEADLINE_SECONDS
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    assert not terminal.alive(), "q did not quit the app"
