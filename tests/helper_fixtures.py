"""Keyring fixtures for the token-cache and credential-helper tests: gnome-keyring's
Secret Service on a private D-Bus session, unlocked, locked or wedged. A test module loads
them with `pytest_plugins = ["helper_fixtures"]`; plain helpers are in helper_support.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import require_binary
from support.gnome_keyring import SecretServiceSession


def start_secret_service(home: Path, mode: str) -> SecretServiceSession:
    require_binary("dbus-daemon")
    require_binary("gnome-keyring-daemon")
    return SecretServiceSession(home, mode=mode).start()


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    """A real, unlocked Secret Service; its keyring files live in their own HOME."""
    session = start_secret_service(tmp_path / "keyring-home", "unlocked")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def locked_secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    session = start_secret_service(tmp_path / "keyring-home", "locked")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def hanging_secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    session = start_secret_service(tmp_path / "keyring-home", "hanging")
    try:
        yield session
    finally:
        session.stop()
