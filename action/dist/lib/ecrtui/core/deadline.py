"""A call with a deadline: run it in a daemon thread and stop waiting after `timeout`
seconds.

Some calls can block forever (a D-Bus service that never answers, an unlock prompt nobody
sees, a credential process that hangs); the caller gets `DeadlinePassed` and goes on, the
thread is abandoned and the process can still exit.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable

TYPE_CHECKING = False  # typing itself is not imported: the helper's cached `get` would pay for it
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

# How long, at exit, calls abandoned after their deadline get to finish.
EXIT_GRACE_SECONDS = 3.0

_abandoned: list[threading.Thread] = []


class DeadlinePassed(Exception):
    """The call did not end within `timeout` seconds (it may still be running)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(f"no answer within {timeout:g} s")
        self.timeout = timeout


def _let_abandoned_calls_finish() -> None:
    """At exit, give calls abandoned after their deadline a moment to end.

    A call that is merely slow (a loaded machine) is still running Python or native code;
    were the interpreter torn down under it, a daemon thread inside a Rust extension
    (cryptography, for the Secret Service's session) aborts the whole process ("FATAL:
    exception not rethrown"). A call that hangs waits in a socket read, which is safe to
    leave behind once the grace period is over.
    """
    deadline = time.monotonic() + EXIT_GRACE_SECONDS
    for worker in _abandoned:
        worker.join(max(0.0, deadline - time.monotonic()))


def within(call: Callable[[], T], timeout: float, *, name: str = "ecrtui-deadline", finish_at_exit: bool = True) -> T:
    """`call()`'s result, or its exception raised in the caller's thread; DeadlinePassed
    when it has not ended within `timeout` seconds. `finish_at_exit`: the process waits
    EXIT_GRACE_SECONDS at most, at exit, for the abandoned call (False: it never waits)."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the caller's thread below
            outcome.append((False, error))

    worker = threading.Thread(target=run, name=name, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        if finish_at_exit:
            if not _abandoned:
                atexit.register(_let_abandoned_calls_finish)
            _abandoned.append(worker)
        raise DeadlinePassed(timeout)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    result: T = value
    return result
