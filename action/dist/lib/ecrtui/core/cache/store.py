"""TokenCache: cache entries in one keyring backend, and how they are laid out there.

Layout, under the keyring service `ecrtui` (every value is JSON):

- `token:<host>:<digest>`: one entry per (identity, host): the token, its expiry and
  refresh time, and the account, region, profile, role and target it came from.
- `host:<host>`: the identities that hold a token for the host and the current one (the
  last stored: the same last-login-wins rule as docker's own config file).
- `index:<0-f>`: every cached host with its username, for `list` and `status` (a keyring
  cannot be enumerated), in 16 shards by a hash of the host, so that storing a token
  reads and writes one small shard however many hosts are cached.

Values longer than CHUNK_SIZE characters are split: Windows Credential Manager holds
about 1,280 characters and ECR tokens of SSO sessions reach 3 KB. Chunks are written
before the head that names them, and the head carries a checksum of the whole value, so
a reader never assembles a torn or mixed value: it sees a miss and refreshes.

Every keyring call runs with a deadline: a locked keyring or a hung D-Bus service gives
a clear CacheUnavailable within KEYRING_TIMEOUT_SECONDS, never a hang.

On the credential helper's hot path: the standard library only at import; keyring is
imported when a backend is opened, filelock when something is written.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from ecrtui.core.cache.backends import (
    KEYRING_TIMEOUT_SECONDS,
    backend_name,
    bounded,
    fast_reader_applies,
    open_backend,
)
from ecrtui.core.cache.entry import CacheEntry
from ecrtui.core.cache.errors import CacheUnavailable

TYPE_CHECKING = False  # typing itself is not imported: the helper's cached `get` would pay for it

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, TypeVar

    from keyring.backend import KeyringBackend

    T = TypeVar("T")

SERVICE = "ecrtui"
CHUNK_SIZE = 1000
# The most pieces a value may have. The biggest value stored, an entry holding an SSO
# session's token (about 3 KB) and its JSON, takes a handful; a head naming more (or fewer
# than 2) is corrupt or planted, and reading it as written would fetch that many keys.
MAX_CHUNKS = 64
LOCK_TIMEOUT_SECONDS = 10.0

_CHUNKED = "ecrtui-chunks:"
_INDEX_SHARDS = "0123456789abcdef"

# The interpreter's own SHA-256 (a module compiled into Python) rather than hashlib's,
# which loads OpenSSL first: 2 ms of the helper's cached `get`. Same digests.
try:
    from _sha2 import sha256  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.10 and 3.11
    except ImportError:  # an interpreter built without them
        from hashlib import sha256


def _digest(text: str) -> str:
    digest: str = sha256(text.encode("utf-8")).hexdigest()
    return digest[:16]


def _key(kind: str, host: str, digest: str | None = None) -> str:
    """`token:<host>:<digest>`, `host:<host>`; for `index`, the host's shard."""
    if kind == "index":
        return f"index:{_digest(host)[0]}"
    return f"{kind}:{host}" if digest is None else f"{kind}:{host}:{digest}"


def split_value(value: str, size: int = CHUNK_SIZE) -> list[str]:
    """`value` as stored: itself when short enough, else a head
    `ecrtui-chunks:<count>:<checksum>:<part 1>` followed by parts 2..count, every piece
    at most `size` characters."""
    if len(value) <= size:
        return [value]
    checksum = _digest(value)
    count = 2
    while True:  # the head's length depends on the digits of count: settle it
        head = f"{_CHUNKED}{count}:{checksum}:"
        first = size - len(head)
        rest = [value[i : i + size] for i in range(first, len(value), size)]
        if 1 + len(rest) == count:
            return [head + value[:first], *rest]
        count = 1 + len(rest)


class TokenCache:
    """Cache entries in one keyring backend (any `keyring` backend object).

    Safe to share between threads. `lock_path` names a file lock held while writing, so
    concurrent ecrtui processes do not interleave the read-modify-write of a host's record
    and the index (and file-backed keyrings, which do not lock, lose nothing).
    After one failure (locked, hung, broken) every later call fails at once with the same
    error: a locked keyring would otherwise prompt, or time out, call after call.
    """

    def __init__(
        self, backend: KeyringBackend, *, timeout: float = KEYRING_TIMEOUT_SECONDS, lock_path: Path | None = None
    ) -> None:
        self.backend = backend
        self.timeout = timeout
        self.lock_path = lock_path
        self._lock = threading.RLock()
        self._failure: CacheUnavailable | None = None
        # A call abandoned after its deadline gets a grace period at exit: keyring's Secret
        # Service backend may be inside cryptography's Rust code, which aborts the process
        # when torn down under it. The helper's own reader is plain Python and needs none.
        self.finish_at_exit = True

    @property
    def backend_name(self) -> str:
        return backend_name(self.backend)

    # reading

    def get(self, host: str, identity: str | None = None) -> CacheEntry | None:
        """The entry of `identity` for `host`, or (identity None) the host's current one."""
        if identity is None:
            record = self._read_json(_key("host", host))
            digest = record.get("current") if record else None
            if not isinstance(digest, str):
                return None
        else:
            digest = _digest(identity)
        text = self._read_value(_key("token", host, digest))
        entry = CacheEntry.from_json(text) if text is not None else None
        return entry if entry is not None and entry.host == host else None

    def hosts(self) -> dict[str, str]:
        """Every cached host and its username."""
        found: dict[str, str] = {}
        for shard in _INDEX_SHARDS:
            found.update(self._index_shard(f"index:{shard}"))
        return dict(sorted(found.items()))

    def _index_shard(self, key: str) -> dict[str, str]:
        hosts = (self._read_json(key) or {}).get("hosts")
        return {h: u for h, u in hosts.items() if isinstance(u, str)} if isinstance(hosts, dict) else {}

    @staticmethod
    def _identities(record: Mapping[str, Any]) -> dict[str, str]:
        """A host record's identity digests (and the identities they stand for)."""
        identities = record.get("identities")
        return dict(identities) if isinstance(identities, dict) else {}

    # writing

    def put(self, entry: CacheEntry) -> None:
        """Store `entry` and make it the host's current one."""
        digest = _digest(entry.identity)
        host_key, index_key = _key("host", entry.host), _key("index", entry.host)
        with self._writing():
            # The host record first, then the entry: `erase` finds every entry through the
            # record, so one written by a process that dies right after is still erased.
            # A reader that meets the pointer before the entry sees a miss, which is safe:
            # the helper fetches a fresh token.
            record = self._read_json(host_key) or {}
            identities = self._identities(record)
            if record.get("current") != digest or identities.get(digest) != entry.identity:
                identities[digest] = entry.identity
                self._write_json(host_key, {"current": digest, "identities": identities})
            self._write_value(_key("token", entry.host, digest), entry.to_json())
            shard = self._index_shard(index_key)
            if shard.get(entry.host) != entry.username:
                self._write_json(index_key, {"hosts": {**shard, entry.host: entry.username}})

    def erase(self, host: str) -> bool:
        """Forget every entry of `host`; whether there was any."""
        with self._writing():
            identities = self._identities(self._read_json(_key("host", host)) or {})
            found = False
            for digest in identities:
                found = self._erase_value(_key("token", host, digest)) or found
            found = self._erase_value(_key("host", host)) or found
            shard = self._index_shard(_key("index", host))
            if host in shard:
                del shard[host]
                self._write_json(_key("index", host), {"hosts": shard})
                found = True
            return found

    # values: chunking

    def _read_value(self, key: str) -> str | None:
        head = self._get(key)
        if head is None or not head.startswith(_CHUNKED):
            return head
        try:
            count_text, checksum, first = head[len(_CHUNKED) :].split(":", 2)
            count = int(count_text)
        except ValueError:
            return None
        if not 2 <= count <= MAX_CHUNKS:
            return None
        rest = self._get_many([f"{key}#{index}" for index in range(2, count + 1)])
        if any(part is None for part in rest):
            return None
        value = first + "".join(part for part in rest if part is not None)
        return value if _digest(value) == checksum else None

    def _write_value(self, key: str, value: str) -> None:
        parts = split_value(value)
        for index, part in enumerate(parts[1:], start=2):
            self._set(f"{key}#{index}", part)
        self._set(key, parts[0])
        self._delete_chunks(key, first=len(parts) + 1)  # stale chunks of a longer value

    def _erase_value(self, key: str) -> bool:
        found = self._delete(key)
        self._delete_chunks(key, first=2)
        return found

    def _delete_chunks(self, key: str, *, first: int) -> None:
        """Chunks are numbered without gaps: delete from `first` until one is missing (or
        past the most a value has: a planted run of chunks is not followed for ever)."""
        index = first
        while index <= MAX_CHUNKS and self._delete(f"{key}#{index}"):
            index += 1

    def _read_json(self, key: str) -> dict[str, Any] | None:
        text = self._read_value(key)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):  # nested past the parser's limit: corrupt too
            return None
        return value if isinstance(value, dict) else None

    def _write_json(self, key: str, value: dict[str, Any]) -> None:
        self._write_value(key, json.dumps(value, separators=(",", ":"), sort_keys=True))

    # the keyring, bounded in time

    def _get(self, key: str) -> str | None:
        return self._call(lambda: self.backend.get_password(SERVICE, key))

    def _get_many(self, keys: list[str]) -> list[str | None]:
        """Several values; in one exchange where the backend can (the helper's reader)."""
        many = getattr(self.backend, "get_passwords", None)
        if many is None:
            return [self._get(key) for key in keys]
        found: list[str | None] = self._call(lambda: many(SERVICE, keys))
        return found

    def _set(self, key: str, value: str) -> None:
        self._call(lambda: self.backend.set_password(SERVICE, key, value))

    def _delete(self, key: str) -> bool:
        def delete() -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                self.backend.delete_password(SERVICE, key)
            except PasswordDeleteError:
                return False
            return True

        return self._call(delete)

    def _call(self, call: Callable[[], T]) -> T:
        if self._failure is not None:
            raise self._failure
        try:
            return bounded(call, self.timeout, finish_at_exit=self.finish_at_exit)
        except CacheUnavailable as failure:
            self._failure = failure
            raise

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._lock:
            if self.lock_path is None:
                yield
                return
            lock = self._locked_file(self.lock_path)
            try:
                yield
            finally:
                lock.release()

    @staticmethod
    def _locked_file(path: Path) -> Any:
        """The cache's file lock, held; CacheUnavailable when it cannot be taken."""
        from filelock import FileLock, Timeout

        from ecrtui.core.errors import WriterError
        from ecrtui.core.writers.jsonfile import make_private_folders, refuse_shared_folder

        try:
            make_private_folders(path.parent)
            refuse_shared_folder(path.parent)  # another user could hold or swap the lock
            lock = FileLock(path, timeout=LOCK_TIMEOUT_SECONDS, mode=0o600)
            lock.acquire()
        except (Timeout, OSError, WriterError) as error:
            raise CacheUnavailable(
                f"cannot lock the token cache ({path}): {error}",
                reason=CacheUnavailable.FAILED,
                remediation=f"if no ecrtui is running, delete {path}",
            ) from None
        return lock


def open_cache(environ: Mapping[str, str] | None = None, *, timeout: float = KEYRING_TIMEOUT_SECONDS) -> TokenCache:
    """The cache on the chosen backend, writes locked across processes; or CacheUnavailable."""
    from ecrtui.core.locations import state_dir  # pathlib: not on the direct read's path

    return TokenCache(
        open_backend(environ, timeout=timeout), timeout=timeout, lock_path=state_dir(environ) / "cache.lock"
    )


def open_fast_reader(environ: Mapping[str, str], *, timeout: float = KEYRING_TIMEOUT_SECONDS) -> TokenCache | None:
    """A read-only cache over the Secret Service without keyring, where keyring would
    choose its Secret Service backend with its defaults; else None. Its reads fail with
    CacheUnavailable (reason TIMEOUT for a hung service) where keyring must take over."""
    if not fast_reader_applies(environ):
        return None
    try:
        from ecrtui.core.cache.secret_service_reader import SecretServiceReader
    except ImportError:
        return None
    cache = TokenCache(SecretServiceReader(environ["DBUS_SESSION_BUS_ADDRESS"]), timeout=timeout)  # type: ignore[arg-type]
    cache.finish_at_exit = False
    return cache
