"""Install and uninstall our credential helper: point docker (or podman, helm) at
docker-credential-ecrtui for registry hosts (`credHelpers`), so that no password sits in
their files.

`install` adds `credHelpers[host] = "ecrtui"` for each host and removes the plaintext
`auths` entries of those hosts. `uninstall` takes out every `ecrtui` entry again, giving
back any helper that install replaced (remembered in the state folder). The removed
plaintext passwords are not restored: they are expired tokens by then. Files are changed
with the writers' rules: locked, atomic, 0600, every other key kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecrtui.core.locations import state_dir
from ecrtui.core.writers import make_writers
from ecrtui.core.writers.authfile import OWN_HELPER, same_host_keys
from ecrtui.core.writers.jsonfile import check_shape, read_json_object, update_json_file

PROGRAM = f"docker-credential-{OWN_HELPER}"


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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "credHelpers": self.helpers,
            "previous": self.previous,
            "removed_auths": self.removed_auths,
        }


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
            for key in same_host_keys(auths, host):
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


def install(hosts: Sequence[str], writer_names: Sequence[str], environ: Mapping[str, str]) -> list[FileChange]:
    """Point each writer's file at our helper for `hosts`; remember what it replaced."""
    changes = [install_hosts(w.path, hosts) for w in make_writers(writer_names, environ)]
    _remember(environ, changes)
    return changes


def uninstall(writer_names: Sequence[str], environ: Mapping[str, str]) -> list[FileChange]:
    """Take our helper out of each writer's file, giving back what install replaced."""
    writers = make_writers(writer_names, environ)
    changes = [uninstall_hosts(w.path, _recall(environ, w.path)) for w in writers]
    _forget(environ, [w.path for w in writers])
    return changes
