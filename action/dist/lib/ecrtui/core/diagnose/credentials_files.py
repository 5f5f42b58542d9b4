"""The docker-format credentials files (docker, podman, helm) as the doctor reads them:
only read, never changed, each once per run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.diagnose.context import DoctorContext
from ecrtui.core.errors import WriterError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.locations import docker_config_path
from ecrtui.core.writers import make_writers
from ecrtui.core.writers.jsonfile import read_json_object


@dataclass(frozen=True)
class CredentialsFile:
    """One docker-format credentials file (docker, podman or helm), as read."""

    label: str  # "docker config", "podman auth.json", ...
    path: Path
    data: dict[str, Any] | None  # None: the file does not exist
    error: str = ""  # set when the file cannot be used

    @property
    def auths(self) -> dict[str, Any]:
        auths = (self.data or {}).get("auths")
        return auths if isinstance(auths, dict) else {}

    def keys_for(self, host: str) -> list[str]:
        """Every key docker reads as `host`, the one it uses first."""
        keys = [key for key in self.auths if bare_host(key) == host]
        return sorted(keys, key=lambda key: key != host)


def read_credentials_file(label: str, path: Path) -> CredentialsFile:
    try:
        return CredentialsFile(label, path, read_json_object(path))
    except WriterError as error:
        return CredentialsFile(label, path, None, error=error.message)


_LABELS = {"docker": "docker config", "podman": "podman auth.json", "helm": "helm registry config"}


def target_files(ctx: DoctorContext, writer_names: tuple[str, ...]) -> list[CredentialsFile]:
    """The credentials files of the target's writers (docker when it has none), each read
    once per run."""

    def read(name: str, path: Path) -> CredentialsFile:
        return ctx.memo.get(("file", name), lambda: read_credentials_file(_LABELS[name], path))

    return [read(writer.name, writer.path) for writer in make_writers(writer_names or ("docker",), ctx.environ)]


def docker_config_file(ctx: DoctorContext) -> CredentialsFile:
    """docker's own config file, read once per run (a target writing to docker shares it)."""
    return ctx.memo.get(
        ("file", "docker"), lambda: read_credentials_file(_LABELS["docker"], docker_config_path(ctx.environ))
    )
