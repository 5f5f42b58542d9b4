"""Cache values that ecrtui never wrote (a corrupt keyring, or one somebody planted into):
each is a miss, read in bounded time, by every reader."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.gnome_keyring import SecretServiceSession

from ecrtui.core.cache.entry import CacheEntry, identity_key
from ecrtui.core.cache.shared_session_keyring import SharedSessionKeyring
from ecrtui.core.cache.store import MAX_CHUNKS, SERVICE, TokenCache, _digest, open_fast_reader, split_value

HOST = "210987654321.dkr.ecr.us-west-2.amazonaws.com"
AT = dt.datetime(2031, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
ENTRY = CacheEntry(
    HOST, "AWS", "planted-" * 40, AT + dt.timedelta(hours=12), AT + dt.timedelta(hours=11), AT,
    identity_key("ci", None), "login", region="us-west-2",
)  # fmt: skip
TOKEN_KEY = f"token:{HOST}:{_digest(ENTRY.identity)}"


def plant(backend: Any, count: int, *, chunks: int | None = None) -> None:
    """The entry's value stored as a head naming `count` pieces, with `chunks` pieces
    written (as many as named unless told): the checksum is right, only the count lies."""
    value = ENTRY.to_json()
    pieces = chunks if chunks is not None else max(count, 1)
    size = -(-len(value) // pieces)
    parts = [value[i * size : (i + 1) * size] for i in range(pieces)]
    backend.set_password(SERVICE, TOKEN_KEY, f"ecrtui-chunks:{count}:{_digest(value)}:{parts[0]}")
    for index, part in enumerate(parts[1:], start=2):
        backend.set_password(SERVICE, f"{TOKEN_KEY}#{index}", part)


@pytest.fixture(params=["file", "keyring", "direct"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, TokenCache]]:
    """A real backend holding ENTRY as a login stores it, and a cache reading it: keyrings.alt's
    file, the Secret Service (gnome-keyring) through keyring, or through the helper's reader."""
    if request.param == "file":
        from keyrings.alt.file import PlaintextKeyring

        backend = PlaintextKeyring()
        backend.file_path = str(tmp_path / "keyring_pass.cfg")
        TokenCache(backend).put(ENTRY)
        yield backend, TokenCache(backend)
        return
    session: SecretServiceSession = request.getfixturevalue("secret_service")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
    writer = SharedSessionKeyring()
    TokenCache(writer).put(ENTRY)
    if request.param == "keyring":
        yield writer, TokenCache(SharedSessionKeyring())
        return
    reader = open_fast_reader({"DBUS_SESSION_BUS_ADDRESS": session.address, "HOME": str(tmp_path)})
    assert reader is not None
    yield writer, reader


def test_a_planted_head_is_read_back_when_its_count_is_sane(stores: tuple[Any, TokenCache]) -> None:
    backend, cache = stores
    plant(backend, 5)
    assert cache.get(HOST) == ENTRY  # the planting itself is right: only the count matters below


@pytest.mark.parametrize("count", [1, 0, -3, MAX_CHUNKS + 1])
def test_a_chunk_count_out_of_range_is_a_miss(stores: tuple[Any, TokenCache], count: int) -> None:
    backend, cache = stores
    plant(backend, count)
    assert cache.get(HOST) is None


def test_a_huge_chunk_count_is_a_quick_miss_not_a_hang(stores: tuple[Any, TokenCache]) -> None:
    backend, cache = stores
    plant(backend, 100_000, chunks=1)  # 999999999 would exhaust the memory of a reader that believed it
    started = time.monotonic()
    assert cache.get(HOST) is None  # a miss, not CacheUnavailable after the deadline
    assert time.monotonic() - started < 1.0


def test_the_biggest_value_we_store_fits_the_chunk_limit() -> None:
    sso_token = "t" * 4000  # ECR tokens of SSO sessions reach about 3 KB
    big = CacheEntry(
        HOST, "AWS", sso_token, AT, AT, AT, identity_key("a-long-profile-name" * 4, "arn:aws:iam::1:role/" + "r" * 64),
        "login", region="us-west-2", profile="p" * 128, target="t" * 128,
    )  # fmt: skip
    assert len(split_value(big.to_json())) <= MAX_CHUNKS // 4


def test_erasing_stops_at_the_chunk_limit(tmp_path: Path) -> None:
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    TokenCache(backend).put(ENTRY)
    for index in range(2, MAX_CHUNKS + 4):  # a run of chunks longer than any value has
        backend.set_password(SERVICE, f"{TOKEN_KEY}#{index}", "x")
    assert TokenCache(backend).erase(HOST)
    assert backend.get_password(SERVICE, f"{TOKEN_KEY}#{MAX_CHUNKS}") is None
    assert backend.get_password(SERVICE, f"{TOKEN_KEY}#{MAX_CHUNKS + 1}") == "x"  # past the limit: left alone
