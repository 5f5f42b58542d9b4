"""A single-flight memo: each key is computed once, and callers that ask for it while the
first computes wait for that one and share its result (or its exception), so N threads
never make N identical AWS calls or credential resolutions."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """Thread-safe; results are kept for the memo's lifetime."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Hashable, Future[Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if future is None:
                future = self._futures[key] = Future()
        if owner:
            try:
                future.set_result(compute())
            except BaseException as error:  # every waiter sees the same failure
                future.set_exception(error)
        result: T = future.result()
        return result
