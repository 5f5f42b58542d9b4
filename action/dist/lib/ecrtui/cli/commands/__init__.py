"""One module per command, each with `add_arguments(parser)` and `run(args) -> ExitCode`.
Only the module of the command given is imported."""

from __future__ import annotations

import argparse
import importlib
from typing import Protocol, cast

from ecrtui.cli.exit_codes import ExitCode


class Command(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> ExitCode: ...


# name -> (module, help), in the order `ecrtui --help` lists them. The help is here too so
# that `ecrtui --help` imports no command module.
COMMANDS: dict[str, tuple[str, str]] = {
    "login": ("ecrtui.cli.commands.login", "log in (the same as --headless)"),
    "logout": ("ecrtui.cli.commands.logout", "erase what login wrote (in GitHub Actions: this job's hosts)"),
    "status": ("ecrtui.cli.commands.status", "targets, hosts and what each writer holds for them"),
    "helper": ("ecrtui.cli.commands.helper", "point docker's credHelpers at docker-credential-ecrtui"),
    "doctor": ("ecrtui.cli.commands.doctor", "permission and environment diagnostics"),
    "sso": ("ecrtui.cli.commands.sso", "sign in to IAM Identity Center (no AWS CLI needed)"),
    "discover": (
        "ecrtui.cli.commands.discover",
        "list the accounts and roles of IAM Identity Center; write them as targets",
    ),
}


def command_module(name: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[name][0]))
