"""The token cache against real keyrings: gnome-keyring's Secret Service on a private
D-Bus session, and keyrings.alt's file backend. Store, read back, expire, chunk, clean,
erase; and a locked, a wedged and a missing keyring."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.credential_helper import use_secret_service
from support.doctor import doctor_cli, json_checks
from support.environment import Env
from support.gnome_keyring import SecretServiceSession

from ecrtui.core.addresses import RegistryType
from ecrtui.core.cache.backends import open_backend
from ecrtui.core.cache.entry import CacheEntry, entry_for_login, identity_key
from ecrtui.core.cache.errors import CacheUnavailable
from ecrtui.core.cache.login_cache import LoginCache
from ecrtui.core.cache.shared_session_keyring import SharedSessionKeyring
from ecrtui.core.cache.store import CHUNK_SIZE, SERVICE, TokenCache, open_cache, open_fast_reader, split_value
from ecrtui.core.models import Registry, Token

NOW = dt.datetime(2030, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def make_entry(
    secret: str = "s3cr3t", *, host: str = HOST, identity: str | None = None, expires_in: float = 12 * 3600
) -> CacheEntry:
    expires_at = NOW + dt.timedelta(seconds=expires_in)
    return CacheEntry(
        host=host,
        username="AWS",
        secret=secret,
        expires_at=expires_at,
        refresh_at=expires_at - dt.timedelta(minutes=30),
        stored_at=NOW,
        identity=identity or identity_key("dev-sso", None),
        source="login",
        account="123456789012",
        region="eu-west-1",
        profile="dev-sso",
        target="dev",
    )


@pytest.fixture(params=["secret-service", "file"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real keyring backend, empty: Secret Service (gnome-keyring) or keyrings.alt's file."""
    if request.param == "file":
        from keyrings.alt.file import PlaintextKeyring

        backend = PlaintextKeyring()
        backend.file_path = str(tmp_path / "keyring_pass.cfg")
        yield backend
        return
    session: SecretServiceSession = request.getfixturevalue("secret_service")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session.address)
    yield SharedSessionKeyring()


def reopen(backend: Any) -> Any:
    """Another instance on the same storage, as a second process would have."""
    clone = type(backend)()
    if hasattr(backend, "file_path"):
        clone.file_path = backend.file_path
    return clone


def raw(backend: Any, key: str) -> str | None:
    return backend.get_password(SERVICE, key)  # type: ignore[no-any-return]


def token_key(cache: TokenCache, entry: CacheEntry) -> str:
    from ecrtui.core.cache.store import _digest

    return f"token:{entry.host}:{_digest(entry.identity)}"


def test_store_and_read_back(backend: Any) -> None:
    entry = make_entry()
    TokenCache(backend).put(entry)
    reopened = TokenCache(reopen(backend))
    assert reopened.get(HOST) == entry
    assert reopened.get(HOST, identity_key("dev-sso", None)) == entry
    assert reopened.get(HOST, identity_key("other", None)) is None
    assert reopened.hosts() == {HOST: "AWS"}
    assert reopened.get("999999999999.dkr.ecr.eu-west-1.amazonaws.com") is None


def test_expiry_and_refresh_margin(backend: Any) -> None:
    cache = TokenCache(backend)
    cache.put(make_entry(expires_in=3600))
    entry = cache.get(HOST)
    assert entry is not None
    assert entry.fresh(NOW + dt.timedelta(minutes=29))
    assert not entry.fresh(NOW + dt.timedelta(minutes=31)), "inside the 30-minute margin: refresh"
    assert not entry.expired(NOW + dt.timedelta(minutes=59))
    assert entry.expired(NOW + dt.timedelta(minutes=60))


def test_chunks_a_3200_character_token(backend: Any) -> None:
    secret = "".join(chr(ord("a") + i % 26) for i in range(3200))
    entry = make_entry(secret)
    cache = TokenCache(backend)
    cache.put(entry)
    key = token_key(cache, entry)
    stored = [raw(backend, key)] + [raw(backend, f"{key}#{i}") for i in range(2, 7)]
    pieces = [piece for piece in stored if piece is not None]
    assert len(pieces) >= 4, "3,200 characters plus metadata need at least 4 pieces of 1,000"
    assert all(len(piece) <= CHUNK_SIZE for piece in pieces)
    assert secret not in "".join(pieces[:1]), "the head alone does not hold the token"
    assert TokenCache(reopen(backend)).get(HOST) == entry


def test_a_shorter_value_cleans_the_stale_chunks(backend: Any) -> None:
    cache = TokenCache(backend)
    long_entry = make_entry("x" * 3200)
    cache.put(long_entry)
    key = token_key(cache, long_entry)
    assert raw(backend, f"{key}#3") is not None
    cache.put(make_entry("short"))
    assert [raw(backend, f"{key}#{i}") for i in range(2, 6)] == [None] * 4
    assert cache.get(HOST) == make_entry("short")


def test_a_torn_value_is_a_miss(backend: Any) -> None:
    """A chunk from another write (two processes racing) fails the checksum: a miss, so the
    helper refreshes instead of serving a garbled token."""
    cache = TokenCache(backend)
    entry = make_entry("y" * 3200)
    cache.put(entry)
    backend.set_password(SERVICE, f"{token_key(cache, entry)}#3", "z" * 1000)
    assert TokenCache(backend).get(HOST) is None


def test_erase_forgets_every_identity_of_the_host(backend: Any) -> None:
    cache = TokenCache(backend)
    first = make_entry("a" * 3200)
    second = make_entry("b", identity=identity_key("ops", "arn:aws:iam::123456789012:role/pull"))
    other = make_entry("c", host="210987654321.dkr.ecr.eu-west-1.amazonaws.com")
    for entry in (first, second, other):
        cache.put(entry)
    assert cache.get(HOST) == second, "the last stored identity is the host's current one"
    assert cache.get(HOST, first.identity) == first
    assert cache.erase(HOST) is True
    assert cache.get(HOST) is None
    assert cache.get(HOST, first.identity) is None
    assert raw(backend, f"{token_key(cache, first)}#2") is None, "chunks are erased too"
    assert raw(backend, f"host:{HOST}") is None
    assert HOST not in json.dumps([raw(backend, f"index:{shard}") for shard in "0123456789abcdef"])
    assert cache.hosts() == {other.host: "AWS"}
    assert cache.get(other.host) == other
    assert cache.erase(HOST) is False


def test_threads_storing_at_once_lose_no_host(backend: Any) -> None:
    """The login engine stores from its worker threads; the index keeps every host."""
    from concurrent.futures import ThreadPoolExecutor

    cache = TokenCache(backend)
    hosts = [f"{100000000000 + i}.dkr.ecr.eu-west-1.amazonaws.com" for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda host: cache.put(make_entry(host=host)), hosts))
    assert sorted(cache.hosts()) == sorted(hosts)


def test_identity_is_the_profile_and_role_not_the_session() -> None:
    """A new SSO or assume-role session (new access key) still finds the cached token."""
    registry = Registry("dev", "dev-sso", None, RegistryType.PRIVATE, "eu-west-1", "123456789012", HOST)
    token = Token(HOST, "AWS", "pw", NOW + dt.timedelta(hours=12), "123456789012", "eu-west-1")
    entry = entry_for_login(registry, token, margin=dt.timedelta(minutes=45), now=NOW)
    assert entry.identity == identity_key("dev-sso", None) == "profile=dev-sso|role="
    assert entry.refresh_at == NOW + dt.timedelta(hours=12) - dt.timedelta(minutes=45)
    assert identity_key("dev", "arn:aws:iam::1:role/a") != identity_key("dev", "arn:aws:iam::1:role/b")
    undated = entry_for_login(registry, dataclasses.replace(token, expires_at=None), now=NOW)
    assert undated.expires_at == NOW + dt.timedelta(hours=12), "no expiry from AWS: ECR's 12 hours, not forever"
    assert not undated.fresh(NOW + dt.timedelta(hours=11, minutes=31))


def test_an_unreadable_entry_is_a_miss(backend: Any) -> None:
    backend.set_password(SERVICE, f"host:{HOST}", '{"current": "0000000000000000", "identities": {}}')
    backend.set_password(SERVICE, f"token:{HOST}:0000000000000000", "{not json")
    assert TokenCache(backend).get(HOST) is None


@given(st.text(min_size=0, max_size=4000), st.integers(min_value=60, max_value=1500))
def test_split_value_pieces_fit_and_join_back(value: str, size: int) -> None:
    pieces = split_value(value, size)
    assert all(len(piece) <= size for piece in pieces)
    if len(pieces) == 1:
        assert pieces == [value]
    else:
        head = pieces[0].split(":", 3)
        assert int(head[1]) == len(pieces)
        assert head[3] + "".join(pieces[1:]) == value


# --- keyring trouble ------------------------------------------------------------------------


def test_no_backend_is_reported_as_such() -> None:
    with pytest.raises(CacheUnavailable) as caught:
        open_backend({"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert caught.value.reason == CacheUnavailable.NO_BACKEND
    assert "no keyring backend" in caught.value.message


def test_a_locked_keyring_fails_fast_and_clearly(
    locked_secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", locked_secret_service.address)
    started = time.monotonic()
    cache = open_cache({"DBUS_SESSION_BUS_ADDRESS": locked_secret_service.address, "HOME": "/nonexistent"})
    assert cache.backend_name == "ecrtui.core.cache.shared_session_keyring.SharedSessionKeyring"
    with pytest.raises(CacheUnavailable) as caught:
        cache.get(HOST)
    assert time.monotonic() - started < 2.5
    assert caught.value.reason == CacheUnavailable.LOCKED
    assert "locked" in caught.value.message and "unlock" in caught.value.remediation


def test_a_wedged_keyring_times_out_then_fails_at_once(
    hanging_secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", hanging_secret_service.address)
    cache = TokenCache(SharedSessionKeyring(), timeout=1.0)
    started = time.monotonic()
    with pytest.raises(CacheUnavailable) as caught:
        cache.get(HOST)
    assert 0.9 < time.monotonic() - started < 2.0
    assert caught.value.reason == CacheUnavailable.TIMEOUT
    started = time.monotonic()
    with pytest.raises(CacheUnavailable):
        cache.put(make_entry())
    assert time.monotonic() - started < 0.5, "after a timeout the cache fails at once, not once per call"


def test_secret_service_items_are_what_secret_tool_sees(
    secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entries are ordinary Secret Service items of service `ecrtui`, none longer than a
    chunk (what Windows Credential Manager would also accept)."""
    from support.standins import require_binary

    secret_tool = require_binary("secret-tool")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    TokenCache(SharedSessionKeyring()).put(make_entry("q" * 3200))
    listing = subprocess.run(
        [secret_tool, "search", "--all", "service", SERVICE],
        env={"DBUS_SESSION_BUS_ADDRESS": secret_service.address, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    secrets = [
        line.split(" = ", 1)[1]
        for line in (listing.stdout + listing.stderr).splitlines()
        if line.startswith("secret = ")
    ]
    assert len(secrets) >= 6, "head and chunks of the entry, the host record and the index"
    assert max(len(s) for s in secrets) <= CHUNK_SIZE


def test_the_shared_session_backend_writes_keyrings_own_items(
    secret_service: SecretServiceSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ecrtui's Secret Service backend and keyring's read each other's items: the faster one
    changes how the daemon is talked to, not what is stored."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    from keyring.backends.SecretService import Keyring

    TokenCache(Keyring()).put(make_entry("from-keyring"))
    assert TokenCache(SharedSessionKeyring()).get(HOST) == make_entry("from-keyring")
    TokenCache(SharedSessionKeyring()).put(make_entry("from-ecrtui" * 300))
    assert TokenCache(Keyring()).get(HOST) == make_entry("from-ecrtui" * 300)
    assert TokenCache(Keyring()).erase(HOST) and TokenCache(SharedSessionKeyring()).get(HOST) is None


def test_open_cache_prefers_the_platform_keystore(
    secret_service: SecretServiceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a session bus, the Secret Service (ecrtui's shared-session flavour of keyring's
    backend); PYTHON_KEYRING_BACKEND wins over it."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-keyringrc"))
    base = {"HOME": str(tmp_path)}
    with_bus = open_cache({**base, "DBUS_SESSION_BUS_ADDRESS": secret_service.address})
    assert with_bus.backend_name == "ecrtui.core.cache.shared_session_keyring.SharedSessionKeyring"
    chosen = open_cache({**base, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"})
    assert chosen.backend_name == "keyrings.alt.file.PlaintextKeyring"


def test_login_cache_stores_every_token_off_the_login_threads(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")
    problems: list[CacheUnavailable] = []
    sink = LoginCache(lambda: TokenCache(backend), margin=dt.timedelta(minutes=10), on_problem=problems.append)
    registries = [
        Registry("dev", "dev-sso", None, RegistryType.PRIVATE, "eu-west-1", f"{100000000000 + i}", None)
        for i in range(20)
    ]
    tokens = [
        Token(f"{r.account_id}.dkr.ecr.eu-west-1.amazonaws.com", "AWS", f"pw-{i}", NOW, r.account_id, "eu-west-1")
        for i, r in enumerate(registries)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(sink, registries, tokens))
    sink.wait(timeout=30)
    cache = TokenCache(backend)
    assert sorted(cache.hosts()) == sorted(t.host for t in tokens)
    stored = cache.get(tokens[7].host, identity_key("dev-sso", None))
    assert stored is not None and stored.secret == "pw-7" and stored.refresh_at == NOW - dt.timedelta(minutes=10)
    assert problems == []


def test_login_cache_reports_a_missing_keyring_once() -> None:
    problems: list[CacheUnavailable] = []
    sink = LoginCache(
        lambda: open_cache({"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}), on_problem=problems.append
    )
    registry = Registry("dev", None, None, RegistryType.PRIVATE, "eu-west-1", "123456789012", HOST)
    for _ in range(5):
        sink(registry, Token(HOST, "AWS", "pw", NOW, "123456789012", "eu-west-1"))
    sink.wait(timeout=30)
    assert [p.reason for p in problems] == [CacheUnavailable.NO_BACKEND]


def test_doctor_names_the_backend_the_cache_uses(env: Env, secret_service: SecretServiceSession) -> None:
    # keyring's own detection answers its chainer here (keyrings.alt is installed too);
    # the cache, and so the doctor, use the Secret Service alone.
    use_secret_service(env, secret_service)
    env.vars["AWS_REGION"] = "us-east-1"
    _, document, _ = doctor_cli(env)
    [keyring] = json_checks(document, "local.keyring")
    assert keyring["status"] == "ok", keyring
    assert keyring["finding"].startswith("keyring.backends.SecretService.Keyring"), keyring


def test_the_helpers_direct_reader_reads_chunked_entries_keyring_wrote(
    secret_service: SecretServiceSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    long_entry = make_entry("x" * (3 * CHUNK_SIZE + 17))
    short_entry = make_entry("short", host="public.ecr.aws")
    written = TokenCache(SharedSessionKeyring())
    written.put(long_entry)
    written.put(short_entry)
    reader = open_fast_reader({"DBUS_SESSION_BUS_ADDRESS": secret_service.address, "HOME": str(tmp_path)})
    assert reader is not None
    assert reader.get(HOST) == long_entry  # a head and four chunks, read over our own D-Bus client
    assert reader.get("public.ecr.aws") == short_entry
    assert reader.get("999999999999.dkr.ecr.eu-west-1.amazonaws.com") is None


def test_the_direct_reader_declines_a_locked_keyring(
    locked_secret_service: SecretServiceSession, tmp_path: Path
) -> None:
    reader = open_fast_reader({"DBUS_SESSION_BUS_ADDRESS": locked_secret_service.address, "HOME": str(tmp_path)})
    assert reader is not None
    with pytest.raises(CacheUnavailable) as caught:  # the helper then reads through keyring
        reader.get(HOST)
    assert caught.value.reason != CacheUnavailable.TIMEOUT


def test_the_direct_reader_is_not_used_where_keyring_would_choose_otherwise(tmp_path: Path) -> None:
    bus = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent", "HOME": str(tmp_path)}
    assert open_fast_reader({**bus, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}) is None
    assert open_fast_reader({"HOME": str(tmp_path)}) is None  # no session bus
    # keyring sets these on every backend (another collection, say): only keyring reads then
    assert open_fast_reader({**bus, "KEYRING_PROPERTY_PREFERRED_COLLECTION": "/x/y"}) is None
    config = tmp_path / ".config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text("[backend]\ndefault-keyring=keyrings.alt.file.PlaintextKeyring\n")
    assert open_fast_reader(bus) is None
