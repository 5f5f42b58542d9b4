"""The `ecrtui` command: the one place that decides what a command line means (the app,
the demo, or a headless command). It sits above cli/ and tui/ so neither imports the
other."""

from __future__ import annotations

import logging
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ecrtui.cli.commands import COMMANDS
from ecrtui.cli.parser import options_taking_a_value
from ecrtui.pipes import quiet_on_closed_pipe

USAGE = 2

NO_TERMINAL = (
    "ecrtui: the app needs a terminal (stdin and stdout); "
    "without one, use `ecrtui login` (or `ecrtui --headless`), see `ecrtui --help`\n"
)
NO_TERMINAL_DEMO = (
    "ecrtui: the demo app needs a terminal (stdin and stdout); without one, run `ecrtui --demo --headless`\n"
)


Mode = Literal["app", "demo", "demo-headless", "headless", "help", "usage"]


@dataclass(frozen=True)
class Launch:
    """What to run: `app`, `demo`, `demo-headless`, `headless` (with `args` for the
    headless parser), `help`, or `usage` (print `message`, exit 2)."""

    mode: Mode
    args: tuple[str, ...] = ()
    config: str | None = None
    message: str = ""


def interpret(raw: Sequence[str]) -> Launch:
    """The meaning of `ecrtui RAW...`. The command is the first word that is neither an
    option nor an option's value; options before it are its own (`ecrtui --region R login`
    is `ecrtui login --region R`), so `ecrtui status --demo` is a (rejected) option of
    status, never the demo, and `ecrtui --target logout login` logs into target `logout`."""
    args = list(raw)
    command_at = _command_at(args)
    if command_at is not None:
        return _command(args, command_at)
    if "-h" in args or "--help" in args:
        return Launch("help")
    if "--version" in args:
        return Launch("headless", ("--version",))
    if "--demo" in args:
        return _demo([a for a in args if a != "--demo"])
    if "--headless" in args:
        return Launch("headless", ("login", *(a for a in args if a != "--headless")))
    return _without_command(args)


def _command_at(args: list[str]) -> int | None:
    """Where the command word is, or None. Which options take a value comes from the
    command's own parser (only the modules of command words present are imported)."""
    for at, word in enumerate(args):
        if word in COMMANDS and _first_word_at(args, at, options_taking_a_value(word)):
            return at
    return None


def _first_word_at(args: list[str], at: int, takes_value: frozenset[str]) -> bool:
    """Whether args[at] is the first word that is neither an option nor an option's value."""
    index = 0
    while index < at:
        if not args[index].startswith("-") or args[index] == "--":
            return False  # an earlier word, or everything after `--` is a word
        index += 2 if args[index] in takes_value else 1
    return index == at


def _command(args: list[str], at: int) -> Launch:
    before = [a for a in args[:at] if a != "--headless"]
    if "--demo" in before:
        return Launch("usage", message="--demo takes no command: run `ecrtui --demo` or `ecrtui --demo --headless`")
    return Launch("headless", (args[at], *before, *args[at + 1 :]))


def _demo(rest: list[str]) -> Launch:
    if rest == ["--headless"]:
        return Launch("demo-headless")
    if not rest:
        return Launch("demo")
    return Launch(
        "usage", message=f"--demo takes no other options (got {shlex.join(rest)}); try `ecrtui --demo --headless`"
    )


def _without_command(args: list[str]) -> Launch:
    """No command, no mode flag: the app (perhaps on another profiles file), or a hint."""
    if not args:
        return Launch("app")
    config = _only_config(args)
    if config is not None:
        return Launch("app", config=config)
    if args[0].startswith("-"):
        return Launch("usage", message=f"options need a command: did you mean `ecrtui login {shlex.join(args)}`?")
    return Launch("headless", tuple(args))  # an unknown command: the parser names the choices


def _only_config(args: list[str]) -> str | None:
    """The path of `ecrtui --config PATH` (the app on another profiles file), else None."""
    if len(args) == 2 and args[0] == "--config":
        return args[1]
    if len(args) == 1 and args[0].startswith("--config="):
        return args[0].split("=", 1)[1] or None
    return None


def _has_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or missing standard streams
        return False


def main(argv: Sequence[str] | None = None) -> int:
    # botocore logs refresh failures with tracebacks; with no handler configured Python
    # would print them on stderr (over the TUI's screen). ecrtui reports errors itself.
    logging.getLogger().addHandler(logging.NullHandler())
    launch = interpret(sys.argv[1:] if argv is None else argv)
    if launch.mode == "usage":
        sys.stderr.write(f"ecrtui: error: {launch.message}\n")
        return USAGE
    if launch.mode in ("app", "demo") and not _has_terminal():
        sys.stderr.write(NO_TERMINAL_DEMO if launch.mode == "demo" else NO_TERMINAL)
        return USAGE
    if launch.mode in ("demo", "demo-headless"):
        from ecrtui.demo import missing_extra

        missing = missing_extra()
        if missing:
            sys.stderr.write(f"ecrtui: {missing}\n")
            return USAGE
    if launch.mode in ("app", "demo"):
        from ecrtui.demo import app_stage
        from ecrtui.tui.app import run_app

        return run_app(config=launch.config, stage=app_stage if launch.mode == "demo" else None)
    return quiet_on_closed_pipe(lambda: _print(launch))


def _print(launch: Launch) -> int:
    """Run a command that prints."""
    if launch.mode == "help":
        from ecrtui.cli.parser import build_parser

        build_parser().print_help(sys.stdout)
        return 0
    from ecrtui.cli.main import main as headless_main

    if launch.mode == "demo-headless":
        from ecrtui.demo import run_headless_demo

        return run_headless_demo(headless_main)
    return headless_main(launch.args)


def entry_point() -> None:
    raise SystemExit(main())
