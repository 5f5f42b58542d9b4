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
import dataclasses
import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecrtui.cli.args import _selection_options
from ecrtui.cli.commands import build_request, plan
from ecrtui.cli.exit_codes import ExitCode
from ecrtui.core.cache.state_folder import state_dir
from ecrtui.core.errors import UsageError
from ecrtui.core.plan import Selection
from ecrtui.core.writers import make_writers
from ecrtui.core.writers.authfile import OWN_HELPER, _same_host_keys
from ecrtui.core.writers.jsonfile import check_shape, read_json_object, update_json_file

PROGRAM = f"docker-credential-{OWN_HELPER}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="helper_action", metavar="ACTION", required=True)
    install = actions.add_parser(
        "install", help="add credHelpers entries for every configured host and drop their plaintext auths"
    )
    _selection_options(install)
    uninstall = actions.add_parser("uninstall", help="take out the credHelpers entries that install added")
    uninstall.add_argument(
        "--writer", metavar="NAME", action="append", default=[], help="docker, podman or helm (default docker)"
    )
    uninstall.add_argument("--output", choices=("text", "json"), help="result format (default text)")


@dataclass
class FileChange:
    """What install or uninstall did to one file."""

    path: Path
    helpers: dict[str, str | None] = field(default_factory=dict)  # host -> helper now (None: entry removed)
    previous: dict[str, str] = field(default_factory=dict)  # host -> the helper it had before
    removed_auths: list[str] = field(default_factory=list)  # plaintext `auths` keys taken out

    @property
    def changed(self) -> bool:
        return bool(self.helpers or self.removed_auths)


def install_hosts(path: Path, hosts: Sequence[str]) -> FileChange:
    change = FileChange(path)

    def mutate(data: dict[str, Any]) -> bool:
        check_shape(path, data, "auths", "credHelpers")
        helpers = data.setdefault("credHelpers", {})
        auths = data.get("auths", {})
        for host in hosts:
            previous = helpers.get(host)
            if previous != OWN_HELPER:
                helpers[host] = change.helpers[host] = OWN_HELPER
                if previous:
                    change.previous[host] = previous
            for key in _same_host_keys(auths, host):
                del auths[key]
                change.removed_auths.append(key)
        return change.changed

    update_json_file(path, mutate)
    return change


def uninstall_hosts(path: Path, restore: Mapping[str, str]) -> FileChange:
    """Take out every `ecrtui` credHelpers entry; give back the helpers in `restore`."""
    change = FileChange(path)

    def mutate(data: dict[str, Any]) -> bool:
        check_shape(path, data, "auths", "credHelpers")
        helpers = data.get("credHelpers")
        if not isinstance(helpers, dict):
            return False
        for host, name in list(helpers.items()):
            if name != OWN_HELPER:
                continue
            change.previous[host] = OWN_HELPER
            if host in restore:
                helpers[host] = change.helpers[host] = restore[host]
            else:
                del helpers[host]
                change.helpers[host] = None
        if not helpers:
            del data["credHelpers"]
        return change.changed

    if read_json_object(path) is not None:  # no file: nothing to take out, nothing to create
        update_json_file(path, mutate)
    return change


# --- what install replaced, for uninstall to give back ---------------------------------


def _record_path(environ: Mapping[str, str]) -> Path:
    return state_dir(environ) / "helper-install.json"


def _remember(environ: Mapping[str, str], changes: Sequence[FileChange]) -> None:
    replaced = [c for c in changes if c.previous]
    if not replaced:
        return

    def mutate(data: dict[str, Any]) -> bool:
        files = data.setdefault("replaced", {})
        for change in replaced:
            known = files.setdefault(str(change.path), {})
            for host, helper in change.previous.items():
                known.setdefault(host, helper)
        return True

    update_json_file(_record_path(environ), mutate)


def _recall(environ: Mapping[str, str], path: Path) -> dict[str, str]:
    data = read_json_object(_record_path(environ)) or {}
    known = (data.get("replaced") or {}).get(str(path)) or {}
    return {host: helper for host, helper in known.items() if isinstance(helper, str)}


def _forget(environ: Mapping[str, str], paths: Sequence[Path]) -> None:
    def mutate(data: dict[str, Any]) -> bool:
        files = data.get("replaced") or {}
        dropped = [str(p) for p in paths if str(p) in files]
        for key in dropped:
            del files[key]
        return bool(dropped)

    if read_json_object(_record_path(environ)) is not None:
        update_json_file(_record_path(environ), mutate)


# --- the command ----------------------------------------------------------------------------


def _writer_names(values: Sequence[str]) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for value in values for n in value.split(",") if n.strip())
    return names or ("docker",)


def _install(args: argparse.Namespace, environ: dict[str, str]) -> list[FileChange]:
    request = build_request(args, environ)
    selection = request.selection
    if not selection.names_targets and selection.registries is None and request.profiles.targets:
        request = dataclasses.replace(request, selection=Selection(all_targets=True, writers=selection.writers))
    registries = plan(request)
    hosts = list(dict.fromkeys(r.host for r in registries if r.host))
    unknown = [r for r in registries if r.host is None]
    for registry in unknown:
        sys.stderr.write(
            f"ecrtui: skipped the {registry.label} of target {registry.target!r}: its host is known only after "
            "a login (name its account ID in the profiles file)\n"
        )
    if not hosts:
        raise UsageError(
            "no registry host to point at docker-credential-ecrtui",
            remediation="add targets with registries to the profiles file, or pass --registries",
        )
    changes = [install_hosts(w.path, hosts) for w in make_writers(_writer_names(args.writer), environ)]
    _remember(environ, changes)
    return changes


def _uninstall(args: argparse.Namespace, environ: dict[str, str]) -> list[FileChange]:
    writers = make_writers(_writer_names(args.writer), environ)
    changes = [uninstall_hosts(w.path, _recall(environ, w.path)) for w in writers]
    _forget(environ, [w.path for w in writers])
    return changes


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
    changes = _install(args, environ) if installing else _uninstall(args, environ)
    if args.output == "json":
        document = {
            "version": 1,
            "action": args.helper_action,
            "files": [
                {
                    "path": str(c.path),
                    "credHelpers": c.helpers,
                    "previous": c.previous,
                    "removed_auths": c.removed_auths,
                }
                for c in changes
            ],
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        _render_text(changes, installing)
    if installing and shutil.which(PROGRAM, path=environ.get("PATH")) is None:
        sys.stderr.write(
            f"ecrtui: warning: {PROGRAM} is not on PATH, so docker cannot run it: "
            f"add {Path(sys.executable).parent} to PATH\n"
        )
    return ExitCode.OK
