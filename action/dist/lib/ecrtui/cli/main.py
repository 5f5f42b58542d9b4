"""The headless commands' entry point: parse, dispatch, render errors once and turn them
into exit codes. Never a traceback for a user's mistake. (`ecrtui` itself starts in
ecrtui/launcher.py, which decides what a command line means and hands a command's
arguments here, the command first.)"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from ecrtui.cli.commands import command_module
from ecrtui.cli.exit_codes import ExitCode, exit_code_for
from ecrtui.cli.parser import build_parser, requested_output
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.github import command, is_github_actions
from ecrtui.core.sanitize import clean


def main(argv: Sequence[str]) -> int:
    """Run `ecrtui COMMAND ARGS...` (`argv` without the program name)."""
    args_list = list(argv)
    github = _wants_github(args_list)
    _show_core_warnings(github)
    try:
        args = build_parser(args_list).parse_args(args_list)
        if args.command is None:
            build_parser().print_help(sys.stderr)
            return ExitCode.USAGE
        return int(command_module(args.command).run(args))
    except argparse.ArgumentError as error:
        _report(f"{error}", "see `ecrtui --help`" if not github else "", ExitCode.USAGE, github)
        return ExitCode.USAGE
    except EcrtuiError as error:
        code = exit_code_for(error)
        _report(error.message, error.remediation, code, github)
        return code
    except KeyboardInterrupt:
        sys.stderr.write("ecrtui: interrupted\n")
        return 130


class _WarningsToStderr(logging.Handler):
    """core warns (a credential with a trailing line break) through the `ecrtui` logger."""

    def __init__(self, github: bool) -> None:
        super().__init__(logging.WARNING)
        self.github = github

    def emit(self, record: logging.LogRecord) -> None:
        text = clean(record.getMessage())
        sys.stderr.write((command("warning", text.removeprefix("ecrtui: warning: ")) if self.github else text) + "\n")


def _show_core_warnings(github: bool) -> None:
    logger = logging.getLogger("ecrtui")
    if not any(isinstance(h, _WarningsToStderr) for h in logger.handlers):
        logger.addHandler(_WarningsToStderr(github))


def _wants_github(args: list[str]) -> bool:
    """GitHub mode before the arguments are parsed, so even a parse error is `::error::`."""
    output = requested_output(args)
    return output == "github" if output is not None else is_github_actions(os.environ)


def _report(message: str, remediation: str, code: ExitCode, github: bool) -> None:
    text = clean(message)
    hint = clean(remediation)
    if github:
        sys.stdout.write(command("error", f"{text} ({hint})" if hint else text) + "\n")
        sys.stdout.flush()
        return
    sys.stderr.write(f"ecrtui: error: {text}\n")
    if hint:
        sys.stderr.write(f"  hint: {hint}\n")
