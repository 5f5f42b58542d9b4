"""Credential writers: where a login's token ends up (docker, podman, helm files)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ecrtui.core.errors import UsageError, WriterError
from ecrtui.core.locations import docker_config_path, helm_registry_path, podman_auth_path
from ecrtui.core.models import WRITER_NAMES
from ecrtui.core.writers.authfile import AuthFileWriter

_LOCATORS = {"docker": docker_config_path, "podman": podman_auth_path, "helm": helm_registry_path}
# The tools that read a file's `credsStore`: the containers tools (podman writer) do not.
_READS_CREDS_STORE = frozenset({"docker", "helm"})


def make_writers(
    names: Iterable[str], environ: Mapping[str, str] | None = None, lease: str | None = None
) -> tuple[AuthFileWriter, ...]:
    """Writers by name, in the order given, duplicates dropped; `none` means no writer.
    `lease`: a CI job's lease on what they write (a shared runner, see authfile.py)."""
    chosen: dict[str, AuthFileWriter] = {}
    for name in names:
        key = name.strip().lower()
        if key == "none" or key in chosen:
            continue
        if key not in WRITER_NAMES:
            raise UsageError(f"unknown writer {name!r}", remediation=f"use any of: {', '.join(WRITER_NAMES)}, none")
        chosen[key] = AuthFileWriter(key, _LOCATORS[key], environ, lease, creds_store=key in _READS_CREDS_STORE)
    return tuple(chosen.values())


def writers_holding(writers: Iterable[AuthFileWriter], host: str) -> tuple[str, ...]:
    """The names of the writers whose file holds `host`. A file that cannot be read (not
    JSON, not a file) holds nothing here: writing or erasing it says why, and a status
    or a logout goes on with the other files."""
    held = []
    for writer in writers:
        try:
            if writer.holds(host):
                held.append(writer.name)
        except WriterError:
            continue
    return tuple(held)


__all__ = ["AuthFileWriter", "make_writers", "writers_holding"]
