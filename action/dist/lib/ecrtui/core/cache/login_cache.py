"""LoginCache: the login engine's `on_token`, putting every token a login fetches into
the token cache from one writer thread."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ecrtui.core.cache.entry import DEFAULT_REFRESH_MARGIN, CacheEntry, entry_for_login
from ecrtui.core.cache.errors import CacheUnavailable

if TYPE_CHECKING:
    from ecrtui.core.cache.store import TokenCache
    from ecrtui.core.models import Registry, Token


class LoginCache:
    """Calls only queue the entry: one writer thread stores them, so a login's results never
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
