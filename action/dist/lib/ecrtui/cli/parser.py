"""The command line's parser: `ecrtui COMMAND [options]`, each command's options added by
its own module. What a command line means (the app, the demo or a command) is decided
before, in ecrtui/launcher.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, cast

from ecrtui import __version__
from ecrtui.cli.commands import COMMANDS, command_module

DESCRIPTION = """\
Log into Amazon ECR: many accounts, regions and profiles at once.

Three ways in:
  ecrtui                     the interactive app (needs a terminal)
  ecrtui --demo              the app on local stand-ins: no AWS account needed
                             (`ecrtui --demo --headless`: the same as a script)
  ecrtui --headless [opts]   a login with no app (= `ecrtui login`), or a COMMAND below"""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors raised instead of printed so main() renders them once."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def version_text() -> str:
    """`ecrtui 0.2.0 (Python 3.12.3, botocore 1.35.0, Textual 0.86.0)`: what a bug report
    needs. Read from the installed packages' metadata: importing textual costs ~100 ms."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name, label in (("botocore", "botocore"), ("textual", "Textual")):
        try:
            found.append(f"{label} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{label} not installed")
    import platform  # only here: every start imports this module

    return f"ecrtui {__version__} (Python {platform.python_version()}, {', '.join(found)})"


class _VersionAction(argparse.Action):
    """argparse's `version` action, with the text made only when `--version` is given."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        sys.stdout.write(version_text() + "\n")
        parser.exit()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. Given the `argv` to parse (the command first, as the
    launcher hands it over), only that command's module is imported (`ecrtui login` never
    pays for `doctor`'s); without, every one is. No abbreviated options: `--out github`
    is refused, never read as `--output github`."""
    parser = _Parser(
        prog="ecrtui",
        allow_abbrev=False,
        description=DESCRIPTION,
        epilog="Run `ecrtui COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="show the versions of ecrtui, Python, botocore and Textual and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    named = argv[0] if argv else None
    for name, (_, help_text) in COMMANDS.items():
        subparser = commands.add_parser(name, help=help_text, allow_abbrev=False)
        if argv is None or name == named:
            command_module(name).add_arguments(subparser)
    return parser


def requested_output(argv: Sequence[str]) -> str | None:
    """The `--output` value the parser will see (the last one given, the exact option name),
    read before the real parse so that even a parse error can be shown in GitHub mode."""
    scan = _Parser(add_help=False, allow_abbrev=False)
    scan.add_argument("--output")
    try:
        known, _ = scan.parse_known_args(list(argv))
    except argparse.ArgumentError:  # `--output` with no value: the real parse says so
        return None
    return cast(str | None, known.output)


def options_taking_a_value(name: str) -> frozenset[str]:
    """The option strings of command NAME that take a value (`--target`, `--region`...),
    read from the options its own module adds: so the launcher can tell `--target logout`
    (a value) from the command `logout`."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    command_module(name).add_arguments(parser)
    return frozenset(option for action in parser._actions if action.nargs != 0 for option in action.option_strings)
