"""Loaded by every Python process started with this folder on PYTHONPATH: records each
network address the process looks up or connects to (an audit hook sees them all, whatever
library makes the call) in the file named by ECRTUI_TEST_NETLOG, one per line."""

from __future__ import annotations

import os
import sys

_LOG = os.environ.get("ECRTUI_TEST_NETLOG")


def _record(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.getaddrinfo":
        address = args[0]
    elif event in ("socket.connect", "socket.sendto"):
        target = args[1] if event == "socket.connect" else args[-1]
        if not isinstance(target, tuple):  # a Unix socket's path: not the network
            return
        address = target[0]
    else:
        return
    if isinstance(address, bytes):
        address = address.decode()
    with open(_LOG, "a", encoding="utf-8") as log:  # type: ignore[arg-type]
        log.write(f"{event} {address}\n")


if _LOG:
    sys.addaudithook(_record)
