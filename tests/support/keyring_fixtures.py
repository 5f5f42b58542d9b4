"""Keyring fixtures for the token-cache and credential-helper tests (registered by
tests/conftest.py): gnome-keyring's Secret Service on a private D-Bus session, unlocked,
locked or wedged. Plain helpers are in credential_helper.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.gnome_keyring import SecretServiceSession
from support.standins import require_binary


def start_secret_service(home: Path, mode: str) -> SecretServiceSession:
    require_binary("dbus-daemon")
    require_binary("gnome-keyring-daemon")
    return SecretServiceSession(home, mode=mode).start()


def running_secret_service(tmp_path: Path, mode: str) -> Iterator[SecretServiceSession]:
    """A Secret Service in `mode` for a fixture's duration; its keyring files in their own HOME."""
    session = start_secret_service(tmp_path / "keyring-home", mode)
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    """A real, unlocked Secret Service."""
    yield from running_secret_service(tmp_path, "unlocked")


@pytest.fixture
def locked_secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    yield from running_secret_service(tmp_path, "locked")


@pytest.fixture
def hanging_secret_service(tmp_path: Path) -> Iterator[SecretServiceSession]:
    yield from running_secret_service(tmp_path, "hanging")
