"""The GitHub Actions runtime, as the upstream Action sees it: INPUT_* variables (hyphens
kept), workflow commands, and the $GITHUB_OUTPUT / $GITHUB_STATE files.

Values are written with the runner's heredoc syntax and a random delimiter, so a value with
a newline can never start a new output or state line (output injection).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ecrtui.core.addresses import RegistryType, output_suffix
from ecrtui.core.errors import UsageError, WriterError

STATE_REGISTRIES = "registries"
STATE_WRITERS = "writers"
STATE_LEASE = "lease"  # the job's lease on what it wrote (shared runners; writers/authfile.py)


def is_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS", "").lower() == "true"


def _input(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(f"INPUT_{name.upper()}")
    if value is None:
        return None
    value = value.strip()
    return value or None


@dataclass(frozen=True)
class ActionInputs:
    registries: str | None
    registry_type: RegistryType
    mask_password: bool
    skip_logout: bool
    http_proxy: str | None
    region: str | None
    profile: str | None
    writers: str | None
    role_to_assume: str | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionInputs:
        """Parse as upstream: masking off only for `false`, skip-logout on only for `true`,
        empty type is private, any other type than private/public is an error."""
        kind = (_input(environ, "registry-type") or "private").lower()
        if kind not in ("private", "public"):
            raise UsageError("Invalid input for 'registry-type', possible options are [private, public]")
        for name in ("registries", "http-proxy", "region", "profile", "writers", "role-to-assume"):
            value = _input(environ, name)
            if value is not None and ("\n" in value or "\r" in value) and name != "registries":
                raise UsageError(f"input {name!r} contains a line break", remediation="give it on one line")
        return cls(
            registries=_input(environ, "registries"),
            registry_type=RegistryType(kind),
            mask_password=(_input(environ, "mask-password") or "true").lower() != "false",
            skip_logout=(_input(environ, "skip-logout") or "false").lower() == "true",
            http_proxy=_input(environ, "http-proxy"),
            region=_input(environ, "region"),
            profile=_input(environ, "profile"),
            writers=_input(environ, "writers"),
            role_to_assume=_input(environ, "role-to-assume"),
        )


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command(name: str, message: str) -> str:
    """A workflow command line, e.g. `::error::message`, with the message escaped."""
    return f"::{name}::{escape_data(message)}"


def credential_outputs(host: str, username: str, password: str) -> list[tuple[str, str]]:
    """The step outputs of one registry's credentials, named as the upstream Action names
    them: `docker_username_<suffix>` and `docker_password_<suffix>`."""
    suffix = output_suffix(host)
    return [(f"docker_username_{suffix}", username), (f"docker_password_{suffix}", password)]


def file_commands(pairs: Iterable[tuple[str, str]]) -> str:
    """Key/value pairs in the runner's file-command format (heredoc with a fresh delimiter)."""
    lines = []
    for key, value in pairs:
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        if delimiter in key or delimiter in value or "\n" in key or "\r" in key or not key:
            raise UsageError(f"cannot write output {key!r}: unexpected characters in it")
        lines.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(lines)


def append_file_commands(path_value: str | None, variable: str, pairs: list[tuple[str, str]]) -> bool:
    """Append to the file named by $GITHUB_OUTPUT/$GITHUB_STATE; False if it is not set."""
    if not pairs:
        return True
    if not path_value:
        return False
    path = Path(path_value)
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(file_commands(pairs))
    except OSError as error:
        raise WriterError(f"cannot append to ${variable} ({path}): {error.strerror}") from None
    return True


def state_hosts(environ: Mapping[str, str]) -> list[str]:
    """The hosts saved by the main step (STATE_registries), as the post step sees them."""
    raw = environ.get(f"STATE_{STATE_REGISTRIES}", "")
    if not raw.strip().isprintable():  # the main step never writes these: the state was tampered with
        raise UsageError(
            f"STATE_{STATE_REGISTRIES} {raw!r} contains control characters",
            remediation="the main step saves plain host names; check what else writes $GITHUB_STATE",
        )
    return [host.strip() for host in raw.split(",") if host.strip()]


def state_writers(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The writers saved by the main step (STATE_writers); empty when none were."""
    return tuple(w for w in environ.get(f"STATE_{STATE_WRITERS}", "").split(",") if w)
