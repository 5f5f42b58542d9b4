"""`ecrtui helper install|uninstall`: point docker at docker-credential-ecrtui for every
configured registry host (`credHelpers`), so that no password sits in config.json.

`install` adds `credHelpers[host] = "ecrtui"` for every host of the chosen targets (all
of them by default; public.ecr.aws when a public target exists) and removes the plaintext
`auths` entries of those hosts. `uninstall` takes out every `ecrtui` entry again, giving
back any helper that install replaced (remembered in $XDG_STATE_HOME/ecrtui). The removed
plaintext passwords are not restored: they are expired tokens by then; log in again.
Files are changed with the writers' rules: locked, atomic, 0600, every other key kept.
`--writer podman` / `helm` do the same in their files, which honour `credHelpers` too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ecrtui.cli.exit_codes import ExitCode
from ecrtui.cli.options import OutputFormat, add_output, add_writer, selection_options, writer_names
from ecrtui.cli.records import write_document
from ecrtui.cli.request import build_request, every_target_unless_named, plan
from ecrtui.core.errors import UsageError
from ecrtui.core.usecases.credential_helper import PROGRAM, FileChange, install, uninstall


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="helper_action", metavar="ACTION", required=True)
    installing = actions.add_parser(
        "install", help="add credHelpers entries for every configured host and drop their plaintext auths"
    )
    selection_options(installing)
    uninstalling = actions.add_parser("uninstall", help="take out the credHelpers entries that install added")
    add_writer(uninstalling, "docker, podman or helm (default docker)")
    add_output(uninstalling, (OutputFormat.TEXT, OutputFormat.JSON))


# --- the command ----------------------------------------------------------------------------


def _writers(values: Sequence[str]) -> tuple[str, ...]:
    return writer_names(values) or ("docker",)


def _install(args: argparse.Namespace, environ: dict[str, str]) -> list[FileChange]:
    request = every_target_unless_named(build_request(args, environ))
    registries = plan(request)
    hosts = list(dict.fromkeys(r.host for r in registries if r.host))
    for registry in (r for r in registries if r.host is None):
        sys.stderr.write(
            f"ecrtui: skipped the {registry.label} of target {registry.target!r}: its host is known only after "
            "a login (name its account ID in the profiles file)\n"
        )
    if not hosts:
        raise UsageError(
            "no registry host to point at docker-credential-ecrtui",
            remediation="add targets with registries to the profiles file, or pass --registries",
        )
    return install(hosts, _writers(args.writer), environ)


def _render_text(changes: Sequence[FileChange], installing: bool) -> None:
    for change in changes:
        if not change.changed:
            sys.stdout.write(f"{change.path}: nothing to change\n")
            continue
        sys.stdout.write(f"{change.path}:\n")
        for host, helper in change.helpers.items():
            if installing:
                was = f" (was {change.previous[host]})" if host in change.previous else ""
                sys.stdout.write(f"  credHelpers {host} -> {helper}{was}\n")
            elif helper is None:
                sys.stdout.write(f"  credHelpers {host}: removed\n")
            else:
                sys.stdout.write(f"  credHelpers {host} -> {helper} (given back)\n")
        for key in change.removed_auths:
            sys.stdout.write(f"  auths {key}: removed (the helper serves it now)\n")


def run(args: argparse.Namespace) -> ExitCode:
    environ = dict(os.environ)
    installing = args.helper_action == "install"
    changes = _install(args, environ) if installing else uninstall(_writers(args.writer), environ)
    if args.output == OutputFormat.JSON.value:
        document = {"version": 1, "action": args.helper_action, "files": [c.to_json() for c in changes]}
        write_document(document, sys.stdout)
    else:
        _render_text(changes, installing)
    if installing and shutil.which(PROGRAM, path=environ.get("PATH")) is None:
        sys.stderr.write(
            f"ecrtui: warning: {PROGRAM} is not on PATH, so docker cannot run it: "
            f"add {Path(sys.executable).parent} to PATH\n"
        )
    return ExitCode.OK
