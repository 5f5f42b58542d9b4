"""The docker `config.json` format, shared by docker, podman's `auth.json` and helm's
registry config: bare-host keys, stale `https://` duplicates removed, `credHelpers` and
`credsStore` honoured, every other key kept."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.errors import WriterError
from ecrtui.core.models import Token
from ecrtui.core.registry import bare_host
from ecrtui.core.writers import helpers
from ecrtui.core.writers.jsonfile import check_shape, read_json_object, update_json_file

# A helper with this name is ecrtui itself: it serves tokens from its own cache.
OWN_HELPER = "ecrtui"


def encode_auth(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def decode_auth(value: str) -> tuple[str, str] | None:
    try:
        username, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


def _same_host_keys(auths: Mapping[str, Any], host: str) -> list[str]:
    """Every key docker would read as `host`: the bare key and `https://host/...` forms."""
    return [key for key in auths if bare_host(key) == host]


def helper_for(data: Mapping[str, Any], host: str) -> str | None:
    """Docker's lookup order: credHelpers[host], then credsStore."""
    helpers_map = data.get("credHelpers") or {}
    name = helpers_map.get(host) if isinstance(helpers_map, dict) else None
    if not name:
        store = data.get("credsStore")
        name = store if isinstance(store, str) else None
    return name or None


@dataclass(frozen=True)
class AuthFileWriter:
    """One docker-format credentials file. `locate` finds its path at call time so that
    environment changes (a test's DOCKER_CONFIG, a CI job's REGISTRY_AUTH_FILE) apply."""

    name: str
    locate: Callable[[Mapping[str, str]], Path]
    environ: Mapping[str, str] | None = None

    @property
    def path(self) -> Path:
        return self.locate(os.environ if self.environ is None else self.environ)

    def write(self, tokens: Sequence[Token]) -> None:
        """Store every token, in the file or through the configured helper."""
        path = self.path
        external: list[tuple[str, Token]] = []

        def mutate(data: dict[str, Any]) -> bool:
            check_shape(path, data, "auths", "credHelpers")
            auths = data.setdefault("auths", {})
            for token in tokens:
                for key in _same_host_keys(auths, token.host):
                    del auths[key]
                helper = helper_for(data, token.host)
                if helper is None:
                    auths[token.host] = {"auth": encode_auth(token.username, token.password)}
                elif helper == OWN_HELPER:
                    continue  # docker asks ecrtui itself, which serves its keyring cache
                else:
                    auths[token.host] = {}  # docker's placeholder for credentials in a store
                    external.append((helper, token))
            return True

        update_json_file(path, mutate)
        for helper, token in external:
            helpers.store(helper, token.host, token.username, token.password)

    def erase(self, hosts: Iterable[str]) -> dict[str, str | None]:
        """Forget `hosts`; per host None on success (absent counts) or the reason it failed."""
        path = self.path
        outcome: dict[str, str | None] = {}
        external: list[tuple[str, str]] = []
        wanted = [bare_host(h) for h in hosts]

        def mutate(data: dict[str, Any]) -> bool:
            check_shape(path, data, "auths", "credHelpers")
            auths = data.get("auths", {})
            changed = False
            for host in wanted:
                keys = _same_host_keys(auths, host)
                for key in keys:
                    del auths[key]
                changed = changed or bool(keys)
                helper = helper_for(data, host)
                if helper is not None and helper != OWN_HELPER:
                    external.append((helper, host))
                outcome[host] = None
            return changed

        if read_json_object(path) is None:
            return {bare_host(h): None for h in hosts}
        update_json_file(path, mutate)
        for helper, host in external:
            try:
                helpers.erase(helper, host)
            except WriterError as error:
                outcome[host] = error.message
        return outcome

    def holds(self, host: str) -> bool:
        """Whether the file (or its helper placeholder) has an entry for `host`."""
        data = read_json_object(self.path) or {}
        auths = data.get("auths")
        return isinstance(auths, dict) and bool(_same_host_keys(auths, host))


def docker_config_path(environ: Mapping[str, str]) -> Path:
    folder = environ.get("DOCKER_CONFIG")
    return Path(folder).expanduser() / "config.json" if folder else Path.home() / ".docker" / "config.json"


def podman_auth_path(environ: Mapping[str, str]) -> Path:
    if environ.get("REGISTRY_AUTH_FILE"):
        return Path(environ["REGISTRY_AUTH_FILE"]).expanduser()
    if environ.get("XDG_RUNTIME_DIR"):
        return Path(environ["XDG_RUNTIME_DIR"]) / "containers" / "auth.json"
    return (
        Path(f"/run/containers/{os.getuid()}/auth.json")
        if hasattr(os, "getuid")
        else (Path.home() / ".config" / "containers" / "auth.json")
    )


def helm_registry_path(environ: Mapping[str, str]) -> Path:
    if environ.get("HELM_REGISTRY_CONFIG"):
        return Path(environ["HELM_REGISTRY_CONFIG"]).expanduser()
    if environ.get("HELM_CONFIG_HOME"):
        return Path(environ["HELM_CONFIG_HOME"]).expanduser() / "registry" / "config.json"
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Preferences" / "helm"
    elif sys.platform == "win32":
        base = Path(environ.get("APPDATA", Path.home())) / "helm"
    else:
        base = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "helm"
    return base / "registry" / "config.json"
