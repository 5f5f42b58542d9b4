"""The fixtures' daemons say why they failed (tests/support/daemons.py): a daemon that
exits, or never listens, fails its fixture with its exit code and its own output."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from support.daemons import Daemon, DaemonFailed

from ecrtui.demo.standins.ports import free_port


def test_a_daemon_that_exits_fails_with_its_output_and_exit_code(tmp_path: Path) -> None:
    script = "import sys; print('listening soon'); sys.stderr.write('config.yml: bad storage driver\\n'); sys.exit(3)"
    daemon = Daemon([sys.executable, "-c", script], tmp_path / "logs" / "daemon.log").start()
    try:
        with pytest.raises(DaemonFailed) as failed:
            daemon.wait_for_port(free_port(), timeout=30)
    finally:
        daemon.stop()
    message = str(failed.value)
    assert "exited before listening" in message
    assert "it exited with 3" in message
    assert "config.yml: bad storage driver" in message and "listening soon" in message


def test_a_daemon_that_never_listens_fails_with_its_output(tmp_path: Path) -> None:
    script = "import sys, time; sys.stderr.write('waiting for a lock\\n'); sys.stderr.flush(); time.sleep(60)"
    daemon = Daemon([sys.executable, "-c", script], tmp_path / "daemon.log").start()
    try:
        deadline = time.monotonic() + 30
        while "lock" not in daemon.output() and time.monotonic() < deadline:
            time.sleep(0.02)  # until it has said something: a slow start is not the point here
        with pytest.raises(DaemonFailed) as failed:
            daemon.wait_for_port(free_port(), timeout=0.5)
    finally:
        daemon.stop()
    assert "it is still running" in str(failed.value)
    assert "waiting for a lock" in str(failed.value)
    assert daemon.process is not None and daemon.process.poll() is not None, "stop() ended it"


def test_a_missing_binary_is_named(tmp_path: Path) -> None:
    with pytest.raises(DaemonFailed, match="no-such-daemon could not start"):
        Daemon([str(tmp_path / "no-such-daemon")], tmp_path / "daemon.log").start()
