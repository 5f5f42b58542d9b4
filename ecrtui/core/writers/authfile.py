"""The docker `config.json` format, shared by docker, podman's `auth.json` and helm's
registry config: bare-host keys, stale `https://` duplicates removed, `credHelpers` and
`credsStore` honoured, every other key kept."""

from __future__ import annotations

import base64
import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecrtui.core.errors import WriterError
from ecrtui.core.helper_protocol import bare_host
from ecrtui.core.models import Token
from ecrtui.core.writers import credential_programs
from ecrtui.core.writers.jsonfile import (
    check_shape,
    check_writable,
    json_type,
    read_json_object,
    resolve_target,
    update_json_file,
    write_atomically,
)

# A helper with this name is ecrtui itself: it serves tokens from its own cache.
OWN_HELPER = "ecrtui"
# How long a lease keeps an entry from another job's logout: an ECR token's lifetime, past
# which the entry opens nothing anyway (and a job that never ran its post step is forgotten).
LEASE_SECONDS = 12 * 3600


def encode_auth(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def decode_auth(value: str) -> tuple[str, str] | None:
    try:
        username, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (username, password) if sep else None


def same_host_keys(auths: Mapping[str, Any], host: str) -> list[str]:
    """Every key docker would read as `host`: the bare key and `https://host/...` forms."""
    return [key for key in auths if bare_host(key) == host]


def keys_by_host(auths: Mapping[str, Any]) -> dict[str, list[str]]:
    """`same_host_keys` of every host at once: a write of many tokens looks each one up
    here instead of scanning the whole file once per token."""
    index: dict[str, list[str]] = {}
    for key in auths:
        index.setdefault(bare_host(key), []).append(key)
    return index


def credential_store_for(data: Mapping[str, Any], host: str, *, creds_store: bool = True) -> str | None:
    """The name of the credential helper program (`docker-credential-<name>`) docker asks
    for `host`, None for a password kept in the file. Docker's lookup order:
    credHelpers[host], then credsStore. The containers tools (podman, skopeo, buildah) have
    no credsStore: `creds_store=False` follows them."""
    helpers_map = data.get("credHelpers") or {}
    name = helpers_map.get(host) if isinstance(helpers_map, dict) else None
    if (not name or not isinstance(name, str)) and creds_store:
        store = data.get("credsStore")
        name = store if isinstance(store, str) else None
    return name if isinstance(name, str) and name else None


def check_credential_store_names(path: Path, data: Mapping[str, Any]) -> None:
    """Refuse `credsStore`/`credHelpers` values that are not names: docker itself cannot
    read such a file, and guessing what was meant could send a password astray."""
    store = data.get("credsStore")
    if store is not None and not isinstance(store, str):
        raise WriterError(
            f"{path}: 'credsStore' is a {json_type(store)}, not a helper name; the file was left untouched",
            remediation='write it as a name such as "desktop", or remove it',
        )
    for host, name in (data.get("credHelpers") or {}).items():
        if not isinstance(name, str):
            raise WriterError(
                f"{path}: credHelpers[{host!r}] is a {json_type(name)}, not a helper name; the file was left untouched",
                remediation='write each helper as a name such as "ecr-login"',
            )


# --- leases: one shared file, several CI jobs -------------------------------------------
# On a shared runner several jobs log into the same registry through one config.json, and
# the first job's post-step logout would erase what the others still use (the Action ecrtui
# replaces does). A job logs in under a lease (a random id kept in its GitHub state); its
# logout releases the lease and erases the entry only when no other live lease holds it.
# Leases live next to the file (`.config.json.ecrtui-leases`, no secrets) and change under
# the file's lock.


def _leases_path(path: Path) -> Path:
    target = resolve_target(path)
    return target.with_name(f".{target.name}.ecrtui-leases")


def _read_leases(path: Path) -> dict[str, dict[str, float]]:
    """Live leases per host; a damaged leases file only loses leases, it never blocks."""
    try:
        data = read_json_object(_leases_path(path)) or {}
    except WriterError:
        data = {}
    now = time.time()
    return {
        host: {lease: until for lease, until in holders.items() if isinstance(until, (int, float)) and until > now}
        for host, holders in data.items()
        if isinstance(holders, dict)
    }


def _write_leases(path: Path, leases: dict[str, dict[str, float]]) -> None:
    kept = {host: holders for host, holders in leases.items() if holders}
    leases_path = _leases_path(path)
    if kept:
        check_writable(leases_path)
        write_atomically(leases_path, kept)
    else:
        with contextlib.suppress(FileNotFoundError):
            leases_path.unlink()


def _take_leases(path: Path, hosts: Iterable[str], lease: str) -> None:
    check_writable(resolve_target(path))  # no lease on an entry the file will refuse to take
    leases = _read_leases(path)
    for host in hosts:
        leases.setdefault(host, {})[lease] = time.time() + LEASE_SECONDS
    _write_leases(path, leases)


def _release_leases(path: Path, hosts: Iterable[str], lease: str | None) -> set[str]:
    """Drop `lease` on `hosts` (None: every lease, for a logout by hand); return the hosts
    that other live leases still hold."""
    if not _leases_path(path).exists():
        return set()
    leases = _read_leases(path)
    held = set()
    for host in hosts:
        holders = leases.get(host, {})
        if lease is None:
            holders.clear()
        else:
            holders.pop(lease, None)
        if holders:
            held.add(host)
    _write_leases(path, leases)
    return held


@dataclass(frozen=True)
class AuthFileWriter:
    """One docker-format credentials file. `locate` finds its path at call time so that
    environment changes (a test's DOCKER_CONFIG, a CI job's REGISTRY_AUTH_FILE) apply."""

    name: str
    locate: Callable[[Mapping[str, str]], Path]
    environ: Mapping[str, str] | None = None
    lease: str | None = None  # a CI job's lease on what it writes (see "leases" above)
    # Whether the tool reading the file honours `credsStore` (docker, helm); podman, skopeo
    # and buildah ignore it and read `auths`, so a token sent to that store is lost to them.
    creds_store: bool = True

    @property
    def path(self) -> Path:
        return self.locate(os.environ if self.environ is None else self.environ)

    def write(self, tokens: Sequence[Token]) -> None:
        """Store every token, in the file or through the configured store."""
        path = self.path

        def mutate(data: dict[str, Any]) -> bool:
            check_shape(path, data, "auths", "credHelpers")
            check_credential_store_names(path, data)
            auths = data.setdefault("auths", {})
            index = keys_by_host(auths)
            for token in tokens:
                for key in index.pop(token.host, ()):
                    auths.pop(key, None)  # an earlier token of this write may have left none
                index.setdefault(bare_host(token.host), []).append(token.host)  # written below, or not
                store = credential_store_for(data, token.host, creds_store=self.creds_store)
                if store is None:
                    auths[token.host] = {"auth": encode_auth(token.username, token.password)}
                elif store == OWN_HELPER:
                    continue  # docker asks ecrtui itself, which serves its keyring cache
                else:
                    # Stored first, under the file's lock: a program that is missing or
                    # fails raises here, and the file is left as it was.
                    credential_programs.store(store, token.host, token.username, token.password)
                    auths[token.host] = {}  # docker's placeholder for credentials in a store
            if self.lease is not None:
                _take_leases(path, [token.host for token in tokens], self.lease)
            return True

        update_json_file(path, mutate)

    def erase(self, hosts: Iterable[str]) -> dict[str, str | None]:
        """Forget `hosts`; per host None on success (absent counts) or the reason it failed."""
        path = self.path
        outcome: dict[str, str | None] = {}
        external: list[tuple[str, str]] = []
        wanted = [bare_host(h) for h in hosts]

        def mutate(data: dict[str, Any]) -> bool:
            check_shape(path, data, "auths", "credHelpers")
            check_credential_store_names(path, data)
            auths = data.get("auths", {})
            changed = False
            held = _release_leases(path, wanted, self.lease)
            for host in wanted:
                if host in held:  # another job logged in under its own lease and still needs it
                    outcome[host] = None
                    continue
                keys = same_host_keys(auths, host)
                for key in keys:
                    del auths[key]
                changed = changed or bool(keys)
                store = credential_store_for(data, host, creds_store=self.creds_store)
                if store is not None and store != OWN_HELPER:
                    external.append((store, host))
                outcome[host] = None
            return changed

        if read_json_object(path) is None:
            return {bare_host(h): None for h in hosts}
        update_json_file(path, mutate)
        for store, host in external:
            try:
                credential_programs.erase(store, host)
            except WriterError as error:
                outcome[host] = error.message
        return outcome

    def credentials_source(self, host: str) -> str | None:
        """Where the tool reading this file gets `host`'s credentials: the writer's name for
        a password in the file, the store it asks (ecrtui's keyring, or another store), or
        None when it has nothing for the host."""
        try:
            data = read_json_object(self.path) or {}
        except WriterError:
            return None
        found = data.get("auths")
        auths: dict[str, Any] = found if isinstance(found, dict) else {}
        store = credential_store_for(data, host, creds_store=self.creds_store)
        per_host = data.get("credHelpers")
        origin = "credHelpers" if isinstance(per_host, dict) and per_host.get(host) == store else "credsStore"
        if store == OWN_HELPER:
            return f"{self.name}: keyring via docker-credential-{OWN_HELPER}"
        if store is not None and (origin == "credHelpers" or same_host_keys(auths, host)):
            # A credsStore serves every host, but holds only those logged in (a placeholder).
            return f"{self.name}: docker-credential-{store} ({origin})"
        return self.name if same_host_keys(auths, host) else None

    def holds(self, host: str) -> bool:
        """Whether the file (or its store placeholder) has an entry for `host`."""
        data = read_json_object(self.path) or {}
        auths = data.get("auths")
        return isinstance(auths, dict) and bool(same_host_keys(auths, host))
