"""Logins in a child process, streaming their events back to the app.

botocore's work (signing, parsing, TLS) holds the GIL; run on threads of the app's own
process it stalls the event loop for a tenth of a second at a time during a big batch.
In a child process it cannot. It also lets the app quit at once mid-login: the app stops
reading, and the child (in its own session, so a ctrl+c at the terminal never reaches
it) finishes the calls already in flight and writes their results, each file replaced
whole, never half-written.

The parent sends one pickled request on the child's stdin; the child answers with
length-prefixed pickled frames on its stdout: ("event", LoginEvent), ("problem",
(EcrtuiError, what it cost)) and finally, once every token is in the cache, ("done",
[LoginResult]). Both ends are this package's code.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginResult, Registry

HEADER = struct.Struct("!I")
POLL_SECONDS = 0.05


class LoginProcessFailed(EcrtuiError):
    """The child stopped without reporting its results."""


def isolated_python(module: str) -> list[str]:
    """The command that runs `module` of this package in a child: `python -I` (never the
    current folder, where a checkout may hold its own ecrtui/) with this process's own
    import path, so a `pip install --user` or PYTHONPATH install still works."""
    here = os.getcwd()
    path = [entry for entry in sys.path if entry and os.path.abspath(entry) != here]
    bootstrap = (
        f"import runpy, sys; sys.path[:0] = {path!r}; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-c", bootstrap]


def run_logins(
    services: Any,
    registries: Sequence[Registry],
    on_events: Callable[[list[LoginEvent]], None],
    on_problem: Callable[[EcrtuiError, str], None],
    stop: Callable[[], bool],
) -> list[LoginResult]:
    """Log into `registries` in a child process with `services`' environment and
    defaults. Events come in batches (what arrived in one read), so a burst of results
    costs the app one message, not one each. Returns early (with no results) once
    `stop()` is true: the app is quitting."""
    request = {
        "environ": services.environ,
        "config_path": services.config_path,
        "aws_cli": services.aws_cli,
        "defaults": services.defaults,
        "registries": list(registries),
    }
    child = subprocess.Popen(
        isolated_python("ecrtui.tui.login_process"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(services.environ),
        start_new_session=True,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    errors: list[bytes] = []
    stderr = child.stderr
    reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
    reader.start()
    try:
        child.stdin.write(pickle.dumps(request))
        child.stdin.close()
    except BrokenPipeError:
        pass
    for frames in _frames(child.stdout, stop):
        events = [payload for kind, payload in frames if kind == "event"]
        if events:
            on_events(events)
        for kind, payload in frames:
            if kind == "problem":
                on_problem(*payload)
            elif kind == "done":
                child.wait()
                return list(payload)
    if stop():
        return []  # quitting: the child finishes on its own
    child.wait()
    reader.join(timeout=1)
    detail = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
    raise LoginProcessFailed(
        f"the login process stopped (exit status {child.returncode})" + (f": {detail[-1]}" if detail else ""),
        remediation="log in again; if it keeps failing, run `ecrtui login` in a shell to see the error",
    )


def _frames(stream: IO[bytes], stop: Callable[[], bool]) -> Iterator[list[Any]]:
    """The (kind, payload) frames of each read until end of stream, checking `stop`
    between reads so a quitting app never waits on a child blocked in a network call.
    The blocking reads run on a daemon thread (pipes cannot be polled on every platform),
    which never holds up the end of the process."""
    chunks: queue.Queue[bytes] = queue.Queue()
    fd = stream.fileno()

    def read() -> None:
        while chunk := os.read(fd, 65536):
            chunks.put(chunk)
        chunks.put(b"")

    threading.Thread(target=read, name="ecrtui-login-reader", daemon=True).start()
    buffer = b""
    while not stop():
        try:
            chunk = chunks.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
        if not chunk:
            return
        buffer += chunk
        frames = []
        while len(buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(buffer)
            if len(buffer) < HEADER.size + size:
                break
            frame, buffer = buffer[HEADER.size : HEADER.size + size], buffer[HEADER.size + size :]
            frames.append(pickle.loads(frame))  # written by our own child process
        if frames:
            yield frames


def _child() -> None:
    """The child's side: read the request, log in, stream the frames."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's ctrl+c is the app's business
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by accident goes to stderr, never into the frames
    request = pickle.loads(sys.stdin.buffer.read())
    lock = threading.Lock()

    def send(kind: str, payload: object) -> None:
        data = pickle.dumps((kind, payload))
        with lock, contextlib.suppress(BrokenPipeError, ValueError):  # the app is gone: carry on
            out.write(HEADER.pack(len(data)) + data)
            out.flush()

    from ecrtui.tui.services import Services

    services = Services(request["environ"], config_path=request["config_path"], aws_cli=request["aws_cli"])
    services.defaults = request["defaults"]

    def problem(error: EcrtuiError, consequence: str) -> None:  # as the base class: a subclass may not unpickle
        send("problem", (EcrtuiError(error.message, remediation=error.remediation, title=error.title), consequence))

    results = services.login(request["registries"], lambda e: send("event", e), problem)
    send("done", results)


if __name__ == "__main__":
    _child()
