"""The token cache: registry tokens in the operating system's keyring, so that
`docker-credential-ecrtui` can hand them to docker, podman, skopeo and helm and no
password has to sit in any file.

Layout, under the keyring service `ecrtui` (every value is JSON):

- `token:<host>:<digest>`: one entry per (identity, host): the token, its expiry and
  refresh time, and the account, region, profile, role and target it came from.
- `host:<host>`: the identities that hold a token for the host and the current one (the
  last stored: the same last-login-wins rule as docker's own config file).
- `index:<0-f>`: every cached host with its username, for `list` and `status` (a keyring
  cannot be enumerated), in 16 shards by a hash of the host, so that storing a token
  reads and writes one small shard however many hosts are cached.

The identity is the AWS profile and the role assumed from it, never the access key:
SSO and assume-role sessions get a new access key every time, and a key-based cache (the
Go helper's) misses after every new session.

Values longer than CHUNK_SIZE characters are split: Windows Credential Manager holds
about 1,280 characters and ECR tokens of SSO sessions reach 3 KB. Chunks are written
before the head that names them, and the head carries a checksum of the whole value, so
a reader never assembles a torn or mixed value: it sees a miss and refreshes.

Every keyring call runs in a thread with a deadline: a locked keyring or a hung D-Bus
service gives a clear `CacheUnavailable` within KEYRING_TIMEOUT_SECONDS, never a hang.

This module is on the credential helper's hot path: it imports the standard library (and
ecrtui.core.errors) only; keyring is imported when a backend is opened, filelock when
something is written.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import importlib
import importlib.util
import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ecrtui.core.errors import EcrtuiError, WriterError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from ecrtui.core.models import Registry, Token

SERVICE = "ecrtui"
CHUNK_SIZE = 1000
KEYRING_TIMEOUT_SECONDS = 2.0
EXIT_GRACE_SECONDS = 3.0
LOCK_TIMEOUT_SECONDS = 10.0
DEFAULT_REFRESH_MARGIN = dt.timedelta(minutes=30)
# GetAuthorizationToken's tokens live 12 hours (REFERENCE.md section 6).
ECR_TOKEN_LIFETIME = dt.timedelta(hours=12)
# Identity and source of the credentials `docker login` handed to the helper's `store`.
DOCKER_LOGIN = "docker-login"

_ENTRY_VERSION = 1
_CHUNKED = "ecrtui-chunks:"
_INDEX_SHARDS = "0123456789abcdef"

# The platform's own keystore, tried before keyring's detection: that detection imports
# every installed backend (on Linux the macOS one alone runs a library search costing
# tens of milliseconds), which the helper's hot path cannot afford.
_NATIVE_BACKENDS = {
    "linux": "keyring.backends.SecretService.Keyring",
    "darwin": "keyring.backends.macOS.Keyring",
    "win32": "keyring.backends.Windows.WinVaultKeyring",
}
# Backends that store nothing: with them the cache is off.
_NO_STORAGE = frozenset({"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"})

T = TypeVar("T")


class CacheUnavailable(EcrtuiError):
    """The keyring cannot be used: none is installed, it is locked, it hangs or it failed.

    `reason` is one of NO_BACKEND, LOCKED, TIMEOUT, FAILED, for callers that react
    differently (a login warns once and goes on; the helper's `store` fails).
    """

    title = "Token cache unavailable"
    NO_BACKEND = "no-backend"
    LOCKED = "locked"
    TIMEOUT = "timeout"
    FAILED = "failed"

    def __init__(self, message: str, *, reason: str, remediation: str = "") -> None:
        super().__init__(message, remediation=remediation)
        self.reason = reason


_TURN_OFF = "or turn the cache off (--no-cache, or `cache: none` in the profiles file)"


def _no_backend(detail: str = "") -> CacheUnavailable:
    return CacheUnavailable(
        "no keyring backend is available" + (f" ({detail})" if detail else ""),
        reason=CacheUnavailable.NO_BACKEND,
        remediation="start a Secret Service (gnome-keyring, KeePassXC), use the macOS Keychain or Windows "
        "Credential Manager, or name a backend in PYTHON_KEYRING_BACKEND; logins work without the cache",
    )


def _unavailable(error: BaseException) -> CacheUnavailable:
    """A keyring exception as the one error the rest of ecrtui handles."""
    if isinstance(error, CacheUnavailable):
        return error
    if importlib.util.find_spec("keyring") is None:  # the fast Secret Service reader's own errors
        return CacheUnavailable(f"the keyring failed: {type(error).__name__}", reason=CacheUnavailable.FAILED)
    from keyring import errors

    detail = str(error).strip() or type(error).__name__
    if isinstance(error, errors.NoKeyringError):
        return _no_backend(detail)
    if isinstance(error, (errors.KeyringLocked, errors.InitError)):
        # gnome-keyring answers "Prompt dismissed" when no unlocked collection exists and
        # nobody can type the password: to the user that is a locked keyring.
        return CacheUnavailable(
            f"the keyring is locked ({detail})",
            reason=CacheUnavailable.LOCKED,
            remediation=f"unlock it (log into the desktop session, or run `gnome-keyring-daemon --unlock`), {_TURN_OFF}",
        )
    return CacheUnavailable(
        f"the keyring failed: {type(error).__name__}: {detail}",
        reason=CacheUnavailable.FAILED,
        remediation=f"check the keyring service, {_TURN_OFF}",
    )


_abandoned: list[threading.Thread] = []


def _let_abandoned_calls_finish() -> None:
    """At exit, give keyring calls abandoned after their deadline a moment to end.

    A call that is merely slow (a loaded machine) is still running Python or native code;
    were the interpreter torn down under it, a daemon thread inside a Rust extension
    (cryptography, for the Secret Service's session) aborts the whole process ("FATAL:
    exception not rethrown"). A call that hangs waits in a socket read, which is safe to
    leave behind once the grace period is over.
    """
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for worker in _abandoned:
        worker.join(max(0.0, deadline - time.monotonic()))


def bounded(call: Callable[[], T], timeout: float = KEYRING_TIMEOUT_SECONDS) -> T:
    """Run `call` in a daemon thread and wait at most `timeout` seconds for it.

    A keyring call can block forever (a D-Bus service that never answers, an unlock prompt
    nobody sees); the thread is then abandoned and the process can still exit.
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the caller's thread below
            outcome.append((False, error))

    worker = threading.Thread(target=run, name="ecrtui-keyring", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        if not _abandoned:
            atexit.register(_let_abandoned_calls_finish)
        _abandoned.append(worker)
        raise CacheUnavailable(
            f"the keyring did not answer within {timeout:g} s",
            reason=CacheUnavailable.TIMEOUT,
            remediation=f"check that the keyring service (Secret Service over D-Bus) is running and unlocked, {_TURN_OFF}",
        )
    succeeded, value = outcome[0]
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise _unavailable(value)


# --- choosing a backend ---------------------------------------------------------------


def _native_backend(environ: Mapping[str, str]) -> str | None:
    """The platform's keystore backend, unless it cannot be there (the Secret Service
    without a session bus)."""
    if sys.platform == "linux" and not environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    return _NATIVE_BACKENDS.get(sys.platform)


def _resolve_backend(environ: Mapping[str, str]) -> KeyringBackend:
    backend = _chosen_backend(environ)
    if backend_name(backend) == _NATIVE_BACKENDS["linux"]:
        # keyring's Secret Service backend pays a D-Bus connection and a key exchange per
        # call; this subclass (same items) shares them for the process.
        from ecrtui.core.secret_service import SharedSessionKeyring

        return SharedSessionKeyring.replacing(backend)  # type: ignore[arg-type]
    return backend


def _chosen_backend(environ: Mapping[str, str]) -> KeyringBackend:
    """keyring's own settings first (PYTHON_KEYRING_BACKEND, keyringrc.cfg), then the
    platform's keystore, then keyring's detection (e.g. keyrings.alt's file backend).

    Always one backend, never keyring's chainer: every ecrtui process must read where the
    others wrote, and a chain falls through to whichever backend happens to answer.
    """
    import keyring.core

    explicit = environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if explicit:
        return keyring.core.load_keyring(explicit)
    configured = keyring.core.load_config()
    if configured is not None:
        return configured
    native = _native_backend(environ)
    if native:
        try:
            return keyring.core.load_keyring(native)
        except Exception:  # not viable here (no daemon, no API): let keyring detect
            pass
    from keyring.backend import by_priority, get_all_keyring
    from keyring.backends.chainer import ChainerBackend

    candidates = [b for b in get_all_keyring() if not isinstance(b, ChainerBackend)]
    if not candidates:
        raise _no_backend()
    return max(candidates, key=by_priority)


def backend_name(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def open_backend(
    environ: Mapping[str, str] | None = None, *, timeout: float = KEYRING_TIMEOUT_SECONDS
) -> KeyringBackend:
    """The keyring backend to use, or CacheUnavailable within `timeout` seconds."""
    env = os.environ if environ is None else environ
    # Imports happen here, outside the deadline: on a busy machine keyring's take seconds,
    # which is slowness, not a hung keyring (and a thread abandoned mid-import would hold
    # the import lock).
    if importlib.util.find_spec("keyring") is None:  # the GitHub Action's bundle ships without it
        raise _no_backend("the keyring package is not installed")
    explicit = env.get("PYTHON_KEYRING_BACKEND", "").strip()
    modules = ["keyring.core", (explicit or _native_backend(env) or "").rpartition(".")[0]]
    if not explicit and _native_backend(env) == _NATIVE_BACKENDS["linux"]:
        modules.append("ecrtui.core.secret_service")
    for module in filter(None, modules):
        with suppress(ImportError):  # a platform without that backend: detection decides
            importlib.import_module(module)
    backend = bounded(lambda: _resolve_backend(env), timeout)
    if backend_name(backend) in _NO_STORAGE:
        raise _no_backend(backend_name(backend))
    file_path = getattr(backend, "file_path", None)  # keyrings.alt's file backends
    # They would create its folders with `mkdir -p` modes. Only then: the helper's hot path
    # does not pay for importing the writers.
    if isinstance(file_path, str) and not os.path.isdir(os.path.dirname(file_path)):
        from ecrtui.core.writers.jsonfile import make_private_folders

        with suppress(OSError):  # the backend reports an unusable folder itself, as a cache problem
            make_private_folders(Path(file_path).parent)
    return backend


def open_fast_reader(environ: Mapping[str, str], *, timeout: float = KEYRING_TIMEOUT_SECONDS) -> TokenCache | None:
    """A read-only cache over the Secret Service without keyring, where keyring would
    choose its Secret Service backend with its defaults (Linux, a session bus, neither
    PYTHON_KEYRING_BACKEND nor a keyringrc.cfg); else None. Its reads fail with
    CacheUnavailable (reason TIMEOUT for a hung service) where keyring must take over."""
    if _native_backend(environ) != _NATIVE_BACKENDS["linux"] or environ.get("PYTHON_KEYRING_BACKEND", "").strip():
        return None
    config_home = environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME") or str(Path.home()), ".config")
    if os.path.exists(os.path.join(config_home, "python_keyring", "keyringrc.cfg")):
        return None
    try:
        from ecrtui.core.secret_reader import SecretServiceReader
    except ImportError:
        return None
    return TokenCache(SecretServiceReader(), timeout=timeout)  # type: ignore[arg-type]


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where ecrtui keeps its lock and log files: $XDG_STATE_HOME/ecrtui (platform
    equivalent elsewhere)."""
    env = os.environ if environ is None else environ
    if env.get("XDG_STATE_HOME"):
        base = Path(env["XDG_STATE_HOME"])
    elif sys.platform == "win32" and env.get("LOCALAPPDATA"):
        base = Path(env["LOCALAPPDATA"])
    else:
        home = env.get("HOME")
        base = (Path(home) if home else Path.home()) / ".local" / "state"
    return base / "ecrtui"


def open_cache(environ: Mapping[str, str] | None = None, *, timeout: float = KEYRING_TIMEOUT_SECONDS) -> TokenCache:
    """The cache on the chosen backend, writes locked across processes; or CacheUnavailable."""
    return TokenCache(
        open_backend(environ, timeout=timeout), timeout=timeout, lock_path=state_dir(environ) / "cache.lock"
    )


# --- entries ------------------------------------------------------------------------------


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def identity_key(profile: str | None, role_arn: str | None) -> str:
    """Who a token was issued to, independent of the session: the AWS profile (empty: the
    default credential chain) and the role assumed from it. The target's name is left out
    on purpose: two targets with the same credentials get the same token."""
    return f"profile={profile or ''}|role={role_arn or ''}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.timezone.utc).isoformat() if moment else None


def _moment(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class CacheEntry:
    """One cached token. `expires_at` None: no expiry is known (credentials `docker login`
    stored for a registry that is not ECR), so the entry is served until erased."""

    host: str
    username: str
    secret: str = field(repr=False)
    expires_at: dt.datetime | None
    refresh_at: dt.datetime | None
    stored_at: dt.datetime
    identity: str
    source: str  # login | helper | docker-login
    type: str = "private"
    account: str | None = None
    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    target: str | None = None

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and (now or utc_now()) >= self.expires_at

    def fresh(self, now: dt.datetime | None = None) -> bool:
        """Servable without asking AWS: still before its refresh time."""
        if self.expires_at is None:
            return True
        refresh_at = self.refresh_at or self.expires_at - DEFAULT_REFRESH_MARGIN
        return (now or utc_now()) < min(refresh_at, self.expires_at)

    def to_json(self) -> str:
        record = asdict(self)
        for key in ("expires_at", "refresh_at", "stored_at"):
            record[key] = _iso(getattr(self, key))
        return json.dumps({"v": _ENTRY_VERSION, **record}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> CacheEntry | None:
        """The entry, or None for anything unreadable (a corrupt or foreign value is a miss)."""
        try:
            record = json.loads(text)
            if not isinstance(record, dict) or record.pop("v", None) != _ENTRY_VERSION:
                return None
            for key in ("expires_at", "refresh_at", "stored_at"):
                record[key] = _moment(record.get(key))
            entry = cls(**record)
        except (TypeError, ValueError, RecursionError):
            return None
        text_fields = (entry.host, entry.username, entry.secret, entry.identity, entry.source)
        if entry.stored_at is None or not all(isinstance(value, str) for value in text_fields):
            return None
        return entry


def entry_for_login(
    registry: Registry,
    token: Token,
    *,
    margin: dt.timedelta = DEFAULT_REFRESH_MARGIN,
    source: str = "login",
    now: dt.datetime | None = None,
) -> CacheEntry:
    """The cache entry of a token a login (or the helper's refresh) fetched for `registry`.

    The refresh time is fixed when the token is stored, so the helper's hot path never
    reads the profiles file: a changed `refresh_margin` applies from the next token on.
    An answer without an expiry gets ECR's 12 hours, never "no expiry".
    """
    stored_at = now or utc_now()
    expires_at = token.expires_at or stored_at + ECR_TOKEN_LIFETIME
    return CacheEntry(
        host=token.host,
        username=token.username,
        secret=token.password,
        expires_at=expires_at,
        refresh_at=expires_at - margin,
        stored_at=stored_at,
        identity=identity_key(registry.profile, registry.role_arn),
        source=source,
        type=registry.type.value,
        account=token.account_id or registry.account_id,
        region=token.region or registry.region,
        profile=registry.profile,
        role_arn=registry.role_arn,
        target=registry.target,
    )


# --- the cache ----------------------------------------------------------------------------


def _token_key(host: str, digest: str) -> str:
    return f"token:{host}:{digest}"


def _host_key(host: str) -> str:
    return f"host:{host}"


def _index_key(host: str) -> str:
    return f"index:{_digest(host)[0]}"


def _chunk_key(key: str, index: int) -> str:
    return f"{key}#{index}"


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

    @property
    def backend_name(self) -> str:
        return backend_name(self.backend)

    # reading

    def get(self, host: str, identity: str | None = None) -> CacheEntry | None:
        """The entry of `identity` for `host`, or (identity None) the host's current one."""
        if identity is None:
            record = self._read_json(_host_key(host))
            digest = record.get("current") if record else None
            if not isinstance(digest, str):
                return None
        else:
            digest = _digest(identity)
        text = self._read_value(_token_key(host, digest))
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
        with self._writing():
            # The host record first, then the entry: `erase` finds every entry through the
            # record, so one written by a process that dies right after is still erased.
            # A reader that meets the pointer before the entry sees a miss, which is safe:
            # the helper fetches a fresh token.
            record = self._read_json(_host_key(entry.host)) or {}
            identities = self._identities(record)
            if record.get("current") != digest or identities.get(digest) != entry.identity:
                identities[digest] = entry.identity
                self._write_json(_host_key(entry.host), {"current": digest, "identities": identities})
            self._write_value(_token_key(entry.host, digest), entry.to_json())
            shard = self._index_shard(_index_key(entry.host))
            if shard.get(entry.host) != entry.username:
                self._write_json(_index_key(entry.host), {"hosts": {**shard, entry.host: entry.username}})

    def erase(self, host: str) -> bool:
        """Forget every entry of `host`; whether there was any."""
        with self._writing():
            identities = self._identities(self._read_json(_host_key(host)) or {})
            found = False
            for digest in identities:
                found = self._erase_value(_token_key(host, digest)) or found
            found = self._erase_value(_host_key(host)) or found
            shard = self._index_shard(_index_key(host))
            if host in shard:
                del shard[host]
                self._write_json(_index_key(host), {"hosts": shard})
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
        parts = [first]
        for index in range(2, count + 1):
            part = self._get(_chunk_key(key, index))
            if part is None:
                return None
            parts.append(part)
        value = "".join(parts)
        return value if _digest(value) == checksum else None

    def _write_value(self, key: str, value: str) -> None:
        parts = split_value(value)
        for index, part in enumerate(parts[1:], start=2):
            self._set(_chunk_key(key, index), part)
        self._set(key, parts[0])
        self._delete_chunks(key, first=len(parts) + 1)  # stale chunks of a longer value

    def _erase_value(self, key: str) -> bool:
        found = self._delete(key)
        self._delete_chunks(key, first=2)
        return found

    def _delete_chunks(self, key: str, *, first: int) -> None:
        """Chunks are numbered without gaps: delete from `first` until one is missing."""
        index = first
        while self._delete(_chunk_key(key, index)):
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
            return bounded(call, self.timeout)
        except CacheUnavailable as failure:
            self._failure = failure
            raise

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._lock:
            if self.lock_path is None:
                yield
                return
            from filelock import FileLock, Timeout

            try:
                from ecrtui.core.writers.jsonfile import make_private_folders, refuse_shared_folder

                make_private_folders(self.lock_path.parent)
                refuse_shared_folder(self.lock_path.parent)  # another user could hold or swap the lock
                lock = FileLock(self.lock_path, timeout=LOCK_TIMEOUT_SECONDS, mode=0o600)
                lock.acquire()
            except (Timeout, OSError, WriterError) as error:
                raise CacheUnavailable(
                    f"cannot lock the token cache ({self.lock_path}): {error}",
                    reason=CacheUnavailable.FAILED,
                    remediation=f"if no ecrtui is running, delete {self.lock_path}",
                ) from None
            try:
                yield
            finally:
                lock.release()


class LoginCache:
    """The login engine's `on_token`: every token a login fetches goes into the cache.

    Calls only queue the entry: one writer thread stores them, so a login's results never
    wait for the keyring (gnome-keyring rewrites its whole file on every write: caching 100
    tokens takes seconds). The writer is not a daemon thread, so the process waits for it
    to finish at exit and no token is lost; it ends once the queue is empty. The keyring is
    opened on the first token, bounded in time. Any problem is reported once through
    `on_problem` (from the writer thread) and the cache then stays off for the run:
    keyring trouble never fails a login.
    """

    IDLE_SECONDS = 0.2

    def __init__(
        self,
        open_cache: Callable[[], TokenCache],
        *,
        margin: dt.timedelta = DEFAULT_REFRESH_MARGIN,
        on_problem: Callable[[CacheUnavailable], None],
    ) -> None:
        self._open_cache = open_cache
        self.margin = margin
        self._on_problem = on_problem
        self._lock = threading.Lock()
        self._pending: queue.Queue[CacheEntry] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._cache: TokenCache | None = None
        self._off = False

    def __call__(self, registry: Registry, token: Token) -> None:
        entry = entry_for_login(registry, token, margin=self.margin)
        with self._lock:
            if self._off:
                return
            self._pending.put(entry)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_all, name="ecrtui-cache-writer")
                self._writer.start()

    def wait(self, timeout: float | None = None) -> None:
        """Until every queued token is stored (or the cache turned off)."""
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join(timeout)

    def _write_all(self) -> None:
        while True:
            try:
                entry = self._pending.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:  # __call__ queues under this lock: nothing slips between
                    if self._pending.empty():
                        self._writer = None
                        return
                continue
            if not self._off:
                self._store(entry)

    def _store(self, entry: CacheEntry) -> None:
        try:
            if self._cache is None:
                self._cache = self._open_cache()
            self._cache.put(entry)
        except CacheUnavailable as problem:
            with self._lock:
                self._off = True
            self._on_problem(problem)
