"""ecrtui's profiles file: what it holds (defaults, targets, keymap), its limits, and
loading it. The YAML is read by `profiles_reader`, imported only when there is a file: a
CI step (most have none) never pays for the YAML parser."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ecrtui.core.errors import ConfigError, UsageError
from ecrtui.core.locations import find_profiles_file
from ecrtui.core.models import Target

MAX_FILE_BYTES = 1024 * 1024
MAX_TARGETS = 2000
MAX_REGISTRIES_PER_TARGET = 1000


class CacheMode(str, Enum):
    """`defaults.cache`: keep tokens in the keyring, or never store them."""

    KEYRING = "keyring"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Defaults:
    region: str | None = None
    writers: tuple[str, ...] = ("docker",)
    cache: CacheMode = CacheMode.KEYRING
    max_attempts: int = 3
    timeout: float = 10.0
    jobs: int = 64
    refresh_margin_minutes: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "cache", CacheMode(self.cache))  # "none" given as text is the member

    @property
    def uses_keyring(self) -> bool:
        """Whether tokens are cached in the keyring (`cache: none` turns that off)."""
        return self.cache is CacheMode.KEYRING


@dataclass(frozen=True)
class ProfilesFile:
    """A loaded profiles file; `path` None when there was none."""

    path: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    targets: tuple[Target, ...] = ()
    keymap: tuple[tuple[str, str], ...] = ()

    def target(self, name: str) -> Target:
        for target in self.targets:
            if target.name == name:
                return target
        known = ", ".join(t.name for t in self.targets) or "none"
        where = self.path or "no profiles file"
        raise UsageError(
            f"no target named {name!r} in {where}",
            remediation=f"use one of: {known}",
        )


def load_profiles(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> ProfilesFile:
    path = find_profiles_file(explicit, environ)
    return ProfilesFile() if path is None else load_profiles_file(path)


def read_profiles_text(path: Path) -> str:
    """The file's text: at most 1 MiB of UTF-8, read once (a FIFO is refused, not waited on)."""
    shown = str(path)
    if path.is_dir():
        raise ConfigError(f"profiles file {shown} is a directory", remediation="point --config at a YAML file")
    if path.exists() and not path.is_file() and str(path) != os.devnull:  # a FIFO would block forever
        raise ConfigError(f"profiles file {shown} is not a regular file", remediation="point --config at a YAML file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot read profiles file {shown}: {error.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"profiles file {shown} is larger than 1 MiB", remediation="is it the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: the file is not UTF-8 text", remediation="save it as UTF-8") from None
    if "\x00" in text:
        raise ConfigError(f"profiles file {shown} is binary, not YAML", remediation="is it the right file?")
    return text


def load_profiles_file(path: Path) -> ProfilesFile:
    return parse_profiles_text(read_profiles_text(path), str(path))


def parse_profiles_text(text: str, shown: str) -> ProfilesFile:
    """The profiles file `shown` (its name in messages) holding `text`."""
    from ecrtui.core.profiles_reader import read_profiles  # the YAML parser, only now

    return read_profiles(text, shown)
