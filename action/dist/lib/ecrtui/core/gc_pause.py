"""The cyclic garbage collector paused while logins run.

A login run builds botocore sessions, clients and their service models (hundreds of
thousands of objects that live to the end of the run), so the collector's oldest
generation is scanned again and again while they pile up: at 500 registries its full
collections took about a tenth of the run's CPU, under the GIL. Paused, garbage is still
freed as soon as nothing refers to it; only reference cycles wait for the collector's
next turn after the run (peak memory measured no higher). The app runs its logins in a
child process of their own, so that turn never lands on its event loop. Runs may overlap
in one process: the collector comes back when the last one ends, and only if it was on
when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_runs = 0
_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    global _runs, _was_enabled
    with _lock:
        if _runs == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _was_enabled:
                gc.enable()
