"""The command line: `ecrtui [--headless] [login|logout|status] [options]`."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from ecrtui import __version__

# Commands that live in a module of their own: name -> (module, help). Each module has
# `add_arguments(parser)` and `run(args) -> ExitCode`; login/logout/status are in commands.py.
COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "helper": ("ecrtui.cli.helper_install", "point docker's credHelpers at docker-credential-ecrtui"),
    "doctor": ("ecrtui.cli.doctor", "permission and environment diagnostics"),
    "sso": ("ecrtui.cli.sso", "sign in to IAM Identity Center (no AWS CLI needed)"),
    "discover": ("ecrtui.cli.discover", "list the accounts and roles of IAM Identity Center; write them as targets"),
}
COMMANDS = ("login", "logout", "status", *COMMAND_MODULES)


DESCRIPTION = """\
Log into Amazon ECR: many accounts, regions and profiles at once.

Three ways in:
  ecrtui                     the interactive app (needs a terminal)
  ecrtui --demo              the app on local stand-ins: no AWS account needed
                             (`ecrtui --demo --headless`: the same as a script)
  ecrtui --headless [opts]   a login with no app (= `ecrtui login`), or a COMMAND below"""


class _Parser(argparse.ArgumentParser):
    """argparse, with errors raised instead of printed so main() renders them once."""

    def error(self, message: str) -> None:  # type: ignore[override]
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _attempts(text: str) -> int:
    value = _positive_int(text)
    if value > 20:  # the profiles file's limit too: more only hammers a throttling service
        raise argparse.ArgumentTypeError(f"{text!r} must be at most 20")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 and at most 3600 seconds")
    return value


def _selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("what to log into")
    group.add_argument(
        "--config", metavar="PATH", help="profiles file (default: $ECRTUI_CONFIG, then ~/.config/ecrtui/profiles.yaml)"
    )
    group.add_argument(
        "--target", metavar="NAME", action="append", default=[], help="a target of the profiles file (repeatable)"
    )
    group.add_argument("--all", action="store_true", help="every target of the profiles file")
    group.add_argument(
        "--profile", metavar="NAME", help="AWS profile of an ad-hoc target (default: the default credential chain)"
    )
    group.add_argument("--region", metavar="NAME", help="AWS region of an ad-hoc target")
    group.add_argument(
        "--role-arn", metavar="ARN", help="IAM role of an ad-hoc target, assumed with the profile's credentials"
    )
    group.add_argument(
        "--registries", metavar="LIST", help="12-digit IDs and/or registry hostnames, separated by commas or spaces"
    )
    group.add_argument("--registry-type", metavar="private|public", help="registry type of an ad-hoc target (any case)")
    group.add_argument(
        "--writer",
        metavar="NAME",
        action="append",
        default=[],
        help="docker, podman, helm or none (repeatable or comma list; default docker)",
    )
    group.add_argument(
        "--output",
        choices=("text", "json", "github"),
        help="result format (default text; github inside GitHub Actions)",
    )


def _login_options(parser: argparse.ArgumentParser) -> None:
    _selection_options(parser)
    group = parser.add_argument_group("how to log in")
    mask = group.add_mutually_exclusive_group()
    mask.add_argument(
        "--mask-password",
        dest="mask_password",
        action="store_true",
        default=None,
        help="GitHub mode: mask the passwords (default)",
    )
    mask.add_argument(
        "--no-mask-password",
        dest="mask_password",
        action="store_false",
        help="GitHub mode: do not mask (to pass them to another job)",
    )
    group.add_argument(
        "--skip-logout", action="store_true", default=None, help="GitHub mode: do not log out in the post-job step"
    )
    group.add_argument("--http-proxy", metavar="URL", help="proxy for the AWS calls (wins over HTTPS_PROXY/HTTP_PROXY)")
    group.add_argument(
        "--max-attempts", metavar="N", type=_attempts, help="attempts per AWS call, with backoff (default 3)"
    )
    group.add_argument(
        "--timeout", metavar="SECONDS", type=_seconds, help="connect and read timeout per AWS call (default 10)"
    )
    group.add_argument("--jobs", metavar="N", type=_positive_int, help="AWS calls in flight at once (default 64)")
    group.add_argument("--no-cache", action="store_true", help="do not put the tokens in the keyring cache")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line. Given the `argv` to parse, only the module of a command it
    names is imported (`ecrtui login` never pays for `doctor`'s); without, every one is."""
    parser = _Parser(
        prog="ecrtui",
        description=DESCRIPTION,
        epilog="Run `ecrtui COMMAND --help` for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action=_VersionAction, help="show the versions of ecrtui, Python, botocore and Textual and exit"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _login_options(commands.add_parser("login", help="log in (the same as --headless)"))
    logout = commands.add_parser("logout", help="erase what login wrote (in GitHub Actions: this job's hosts)")
    _selection_options(logout)
    _selection_options(commands.add_parser("status", help="targets, hosts and what each writer holds for them"))
    for name, (module_name, help_text) in COMMAND_MODULES.items():
        subparser = commands.add_parser(name, help=help_text)
        if argv is None or name in argv:
            importlib.import_module(module_name).add_arguments(subparser)
    return parser


def normalize_argv(argv: Sequence[str]) -> list[str] | None:
    """`ecrtui --headless ...` -> `ecrtui login ...`; None means: open the TUI."""
    args = list(argv)
    if "--headless" in args:
        args.remove("--headless")
        if not any(a in COMMANDS for a in args):
            args.insert(0, "login")
        return args
    if not args:
        return None
    return args
