"""A real-terminal smoke test: `ecrtui --demo` in tmux, driven by keys and read back with
capture-pane. It proves what the headless Pilot cannot: the app starts from the command
line on a real terminal, draws, logs in, and suspends for `aws sso login` and comes back.

Every wait polls the screen until the expected text appears, with a deadline; nothing
sleeps for a fixed time.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Iterator

import pytest
from support.commands import OUTSIDE, cli_command
from support.terminal import DEADLINE_SECONDS, POLL_SECONDS, Terminal, open_terminal, row


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
