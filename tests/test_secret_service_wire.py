"""The helper's own D-Bus client and Secret Service reader against what a bus may answer:
answers out of order (a real dbus-daemon), crafted messages and auth lines from a socket
we control. Whatever it cannot parse is a DBusError (the reader declines and keyring
decides), found in bounded time and memory."""

from __future__ import annotations

import socket
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.gnome_keyring import SecretServiceSession
from support.standins import require_binary

from ecrtui.core.cache.dbus_wire import _REPLY_SERIAL, _SIGNATURE, METHOD_RETURN, Connection, DBusError, _Writer
from ecrtui.core.cache.secret_service_reader import Declined, SecretServiceReader
from ecrtui.core.cache.store import SERVICE

BUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")


def test_answers_read_out_of_order_are_each_handed_to_their_call(secret_service: SecretServiceSession) -> None:
    """The bus answers in the order asked; asking for the second answer first keeps the
    first one for its own `reply` (it used to be dropped, and that `reply` waited out the
    timeout)."""
    connection = Connection(secret_service.address, timeout=3.0)
    try:
        first = connection.send(*BUS, "GetId")
        second = connection.send(*BUS, "ListNames")
        (names,) = connection.reply(second)
        (bus_id,) = connection.reply(first)
    finally:
        connection.close()
    assert "org.freedesktop.DBus" in names
    assert isinstance(bus_id, str) and len(bus_id) == 32


def answer(signature: str, body: bytes, reply_serial: int = 2) -> bytes:
    """A method return to call `reply_serial` (the first after Hello), body as given."""
    header = _Writer()
    header.data.extend(b"l" + bytes([METHOD_RETURN, 0, 1]) + struct.pack("<II", len(body), 99))
    header.write("a(yv)", [(_REPLY_SERIAL, ("u", reply_serial)), (_SIGNATURE, ("g", signature))])
    header.pad(8)
    return bytes(header.data) + body


class FakeBus:
    """A Unix socket that lets one client in with `auth` and then sends `then`, holding the
    connection open until the test ends."""

    def __init__(self, folder: Path, then: bytes, *, auth: bytes = b"OK 0123456789abcdef\r\n") -> None:
        self.path = str(folder / "bus")
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(1)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(auth, then), daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"unix:path={self.path}"

    def _serve(self, auth: bytes, then: bytes) -> None:
        peer, _ = self.listener.accept()
        try:
            peer.recv(4096)  # the client's AUTH line
            peer.sendall(auth)
            peer.sendall(then)
            self.done.wait(30)
        except OSError:
            pass
        finally:
            peer.close()

    def close(self) -> None:
        self.done.set()
        self.thread.join(10)
        self.listener.close()


@pytest.fixture
def fake_bus(tmp_path: Path) -> Iterator[Callable[..., FakeBus]]:
    started: list[FakeBus] = []

    def start(then: bytes, **kwargs: bytes) -> FakeBus:
        bus = FakeBus(tmp_path, then, **kwargs)
        started.append(bus)
        return bus

    yield start
    for bus in started:
        bus.close()


def nested_arrays(depth: int) -> bytes:
    """`depth` arrays, each holding the next, the innermost empty."""
    body = struct.pack("<I", 0)
    for _ in range(depth - 1):
        body = struct.pack("<I", len(body)) + body
    return body


MALFORMED = {
    "array of empty structs": answer("a()", struct.pack("<I", 8) + bytes(12)),
    "array of empty dict entries": answer("a{}", struct.pack("<I", 8) + bytes(12)),
    "signature cut short": answer("(s", struct.pack("<I", 1) + b"x\0"),
    "unknown type code": answer("z", bytes(8)),
    "variants nested past any limit": answer("v", b"\x01v\x00" * 3000 + b"\x01y\x00\x07"),
    "arrays nested past any limit": answer("a" * 100 + "y", nested_arrays(100)),
    "text that is not UTF-8": answer("s", struct.pack("<I", 2) + b"\xff\xfe\0"),
    "dict entry of three": answer("a{sss}", struct.pack("<II", 12, 0) + b"\0" * 12),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_answer_is_a_dbus_error(fake_bus: Callable[..., FakeBus], name: str) -> None:
    bus = fake_bus(MALFORMED[name])
    connection = Connection(bus.address, timeout=5.0)
    try:
        with pytest.raises(DBusError):
            connection.call(*BUS, "GetId")
    finally:
        connection.close()


def test_an_endless_authentication_answer_is_refused_at_once(fake_bus: Callable[..., FakeBus]) -> None:
    bus = fake_bus(b"", auth=b"x" * 64 * 1024)  # no end of line, connection held open
    with pytest.raises(DBusError, match="too long"):
        Connection(bus.address, timeout=5.0)  # not a wait for the socket's timeout


@pytest.mark.parametrize("address", ["unix:path=%zz", "unix:path=%c3%28", "tcp:host=localhost"])
def test_an_address_that_does_not_parse_is_a_dbus_error(address: str) -> None:
    with pytest.raises(DBusError):
        Connection(address, timeout=1.0)


def test_the_direct_reader_declines_a_secret_that_is_not_utf8(secret_service: SecretServiceSession) -> None:
    """secret-tool stores raw bytes; keyring, which reads them its own way, decides."""
    secret_tool = require_binary("secret-tool")
    subprocess.run(
        [secret_tool, "store", "--label=planted", "service", SERVICE, "username", "host:planted"],
        input=b"\xff\xfe not text",
        env={"DBUS_SESSION_BUS_ADDRESS": secret_service.address, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=30,
        check=True,
    )
    with pytest.raises(Declined):
        SecretServiceReader(secret_service.address).get_password(SERVICE, "host:planted")


@pytest.mark.parametrize("address", ["unix:path=%zz", "unix:path=/nonexistent/bus", "tcp:host=localhost"])
def test_the_direct_reader_declines_a_bus_it_cannot_reach(address: str) -> None:
    with pytest.raises(Declined):
        SecretServiceReader(address).get_password(SERVICE, "host:any")
