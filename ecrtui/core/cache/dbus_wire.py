"""The little of the D-Bus wire protocol the Secret Service reader needs: connect to the
session bus over its Unix socket, authenticate as this user, and make method calls with
the few argument types its calls take (strings, object paths, variants, arrays, dicts,
structs).

Written here rather than imported from jeepney: importing jeepney (which imports typing,
enum, socket's helpers and every message wrapper) cost about as much as the rest of the
credential helper's cached `get`. Anything unexpected raises DBusError (a message that
does not parse, whatever the way, is turned into one where messages are parsed), and the
reader's caller then goes through keyring, which reads the same items.
"""

from __future__ import annotations

# The C module under `socket`: the same sockets without importing enum for their constants.
import _socket
import os
import struct

TYPE_CHECKING = False  # typing itself is not imported: a millisecond of the helper's `get`
if TYPE_CHECKING:
    from typing import Any

# Message types and header fields of the specification.
METHOD_CALL, METHOD_RETURN, ERROR = 1, 2, 3
_PATH, _INTERFACE, _MEMBER, _ERROR_NAME, _REPLY_SERIAL, _DESTINATION, _SIGNATURE = 1, 2, 3, 4, 5, 6, 8
_FIXED = {"y": ("B", 1), "b": ("I", 4), "n": ("h", 2), "q": ("H", 2), "i": ("i", 4), "u": ("I", 4)}
_FIXED.update({"x": ("q", 8), "t": ("Q", 8), "d": ("d", 8), "h": ("I", 4)})
_MAX_MESSAGE = 1 << 24
_MAX_AUTH_LINE = 4096
# Containers inside containers (variants included), as deep as the specification allows.
_MAX_DEPTH = 64
# What a message that does not parse raises on its way; `parse_message` makes it a DBusError.
_MALFORMED = (IndexError, KeyError, ValueError, TypeError, RecursionError, struct.error)


class DBusError(Exception):
    """The bus or the service answered something this client does not handle."""


def _complete(signature: str, start: int) -> int:
    """The end of the single complete type that starts at `start` (IndexError past the end
    of a broken signature)."""
    while signature[start] == "a":
        start += 1
    code = signature[start]
    if code in "({":
        close, depth, index = {"(": ")", "{": "}"}[code], 0, start
        if signature[start + 1] == close:  # `()`, `{}`: elements of no bytes, arrays without end
            raise DBusError(f"empty container in signature {signature!r}")
        while True:
            depth += {code: 1, close: -1}.get(signature[index], 0)
            index += 1
            if depth == 0:
                return index
    return start + 1


def _types(signature: str) -> list[str]:
    """A signature split into its complete types: `a{ss}o` -> [`a{ss}`, `o`]."""
    types, index = [], 0
    while index < len(signature):
        end = _complete(signature, index)
        types.append(signature[index:end])
        index = end
    return types


def _alignment(code: str) -> int:
    if code in "({":
        return 8
    if code in "sog" or code == "a":
        return {"s": 4, "o": 4, "g": 1, "a": 4}[code]
    return 1 if code == "v" else _FIXED[code][1]


class _Writer:
    def __init__(self) -> None:
        self.data = bytearray()

    def pad(self, alignment: int) -> None:
        self.data.extend(b"\0" * (-len(self.data) % alignment))

    def write(self, kind: str, value: Any) -> None:
        code = kind[0]
        self.pad(_alignment(code))
        if code in _FIXED:
            self.data.extend(struct.pack("<" + _FIXED[code][0], value))
        elif code in "so":
            encoded = str(value).encode("utf-8")
            self.data.extend(struct.pack("<I", len(encoded)) + encoded + b"\0")
        elif code == "g":
            encoded = str(value).encode("ascii")
            self.data.extend(bytes([len(encoded)]) + encoded + b"\0")
        elif code == "v":
            inner, inner_value = value
            self.write("g", inner)
            self.write(inner, inner_value)
        elif code in "({":
            for part, item in zip(_types(kind[1:-1]), value, strict=True):
                self.write(part, item)
        elif code == "a":
            self._array(kind[1:], value)
        else:
            raise DBusError(f"cannot write type {kind}")

    def _array(self, element: str, value: Any) -> None:
        at = len(self.data)
        self.data.extend(b"\0\0\0\0")
        self.pad(_alignment(element[0]))
        start = len(self.data)
        items = value.items() if isinstance(value, dict) else value
        for item in items:
            self.write(element, item)
        self.data[at : at + 4] = struct.pack("<I", len(self.data) - start)


class _Reader:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data, self.offset = data, offset

    def align(self, alignment: int) -> None:
        self.offset += -self.offset % alignment

    def take(self, size: int) -> bytes:
        if self.offset + size > len(self.data):
            raise DBusError("message truncated")
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def read(self, kind: str, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise DBusError("containers nested too deep")
        code = kind[0]
        self.align(_alignment(code))
        if code in _FIXED:
            fmt, size = _FIXED[code]
            return struct.unpack("<" + fmt, self.take(size))[0]
        if code in "so":
            (size,) = struct.unpack("<I", self.take(4))
            text = self.take(size + 1)[:-1]
            return text.decode("utf-8") if code == "s" else text.decode("ascii")
        if code == "g":
            return self.take(self.take(1)[0] + 1)[:-1].decode("ascii")
        if code == "v":
            inner = str(self.read("g"))
            return (inner, self.read(inner, depth + 1))
        if code in "({":
            return tuple(self.read(part, depth + 1) for part in _types(kind[1:-1]))
        if code == "a":
            return self._array(kind[1:], depth + 1)
        raise DBusError(f"cannot read type {kind}")

    def _array(self, element: str, depth: int) -> Any:
        (size,) = struct.unpack("<I", self.take(4))
        self.align(_alignment(element[0]))
        end = self.offset + size
        if element == "y":
            return self.take(size)
        items = []
        while self.offset < end:
            start = self.offset
            items.append(self.read(element, depth))
            if self.offset == start:  # nothing consumed: the same element for ever
                raise DBusError(f"array of {element!r} elements taking no bytes")
        return dict(items) if element[0] == "{" else items


def _unescape(text: str) -> str:
    """An address value with its `%XX` escapes decoded."""
    head, *rest = text.split("%")
    decoded = head.encode("utf-8")
    for part in rest:
        decoded += bytes.fromhex(part[:2]) + part[2:].encode("utf-8")
    return decoded.decode("utf-8")


def _socket_path(address: str) -> str:
    """The Unix socket of the first usable address of DBUS_SESSION_BUS_ADDRESS."""
    try:
        for entry in address.split(";"):
            transport, _, rest = entry.partition(":")
            options = dict(part.partition("=")[::2] for part in rest.split(",") if part)
            if transport == "unix" and "path" in options:
                return _unescape(options["path"])
            if transport == "unix" and "abstract" in options:
                return "\0" + _unescape(options["abstract"])
    except ValueError:  # a bad `%` escape, or bytes that are not UTF-8
        raise DBusError("the session bus address does not parse") from None
    raise DBusError("no Unix socket address for the session bus")


class Connection:
    """One connection to the session bus, for method calls: several may be sent before
    their answers are read, and the answers may come in any order."""

    def __init__(self, address: str, timeout: float) -> None:
        self._socket = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        self._socket.settimeout(timeout)
        self._buffer = bytearray()
        self._serial = 0
        self._awaited: set[int] = set()  # calls sent whose answers `reply` has not handed out
        self._answers: dict[int, tuple[int, dict[int, Any], tuple[Any, ...]]] = {}  # come early
        try:
            self._socket.connect(_socket_path(address))
            self._authenticate()
            # The bus wants Hello first; its answer (our unique name) is not needed, and
            # `reply` skips it on the way to the answer of the next call.
            hello = self.send("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello")
            self._awaited.discard(hello)
        except BaseException:
            self.close()
            raise

    def _authenticate(self) -> None:
        uid = str(os.getuid()).encode("ascii").hex()
        self._socket.sendall(b"\0AUTH EXTERNAL " + uid.encode("ascii") + b"\r\n")
        while b"\r\n" not in self._buffer:
            if len(self._buffer) > _MAX_AUTH_LINE:
                raise DBusError("the session bus's answer to the authentication is too long")
            self._receive()
        end = self._buffer.index(b"\r\n")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        if not line.startswith(b"OK "):
            raise DBusError("the session bus refused the authentication")
        self._socket.sendall(b"BEGIN\r\n")

    def _receive(self) -> None:
        chunk = self._socket.recv(65536)
        if not chunk:
            raise DBusError("the session bus closed the connection")
        self._buffer += chunk

    def send(self, destination: str, path: str, interface: str, member: str, signature: str = "", *args: object) -> int:
        """Send a method call; its serial, for `reply`."""
        self._serial += 1
        body = _Writer()
        for kind, value in zip(_types(signature), args, strict=True):
            body.write(kind, value)
        fields = [(_PATH, ("o", path)), (_INTERFACE, ("s", interface)), (_MEMBER, ("s", member))]
        fields.append((_DESTINATION, ("s", destination)))
        if signature:
            fields.append((_SIGNATURE, ("g", signature)))
        header = _Writer()
        header.data.extend(b"l" + bytes([METHOD_CALL, 0, 1]))
        header.data.extend(struct.pack("<II", len(body.data), self._serial))
        header.write("a(yv)", fields)
        header.pad(8)
        self._socket.sendall(bytes(header.data) + bytes(body.data))
        self._awaited.add(self._serial)
        return self._serial

    def reply(self, serial: int) -> tuple[Any, ...]:
        """The body of the answer to call `serial`. Answers to other calls sent read on the
        way are kept for their own `reply`; signals and other messages are skipped."""
        answer = self._answers.pop(serial, None)
        while answer is None:
            message = self._message()
            answered = message[1].get(_REPLY_SERIAL)
            if answered == serial:
                answer = message
            elif isinstance(answered, int) and answered in self._awaited:
                self._answers[answered] = message
        self._awaited.discard(serial)
        kind, fields, body = answer
        if kind == ERROR:
            raise DBusError(f"{fields.get(_ERROR_NAME, 'error')}: {body[:1]}")
        if kind != METHOD_RETURN:
            raise DBusError(f"unexpected message type {kind}")
        return body

    def call(
        self, destination: str, path: str, interface: str, member: str, signature: str = "", *args: object
    ) -> tuple[Any, ...]:
        return self.reply(self.send(destination, path, interface, member, signature, *args))

    def _message(self) -> tuple[int, dict[int, Any], tuple[Any, ...]]:
        while len(self._buffer) < 16:
            self._receive()
        if self._buffer[:1] != b"l":
            raise DBusError("big-endian messages are not handled")
        body_length, _, fields_length = struct.unpack("<III", self._buffer[4:16])
        header_end = 16 + fields_length + (-(16 + fields_length) % 8)
        total = header_end + body_length
        if total > _MAX_MESSAGE:
            raise DBusError("message too large")
        while len(self._buffer) < total:
            self._receive()
        data = bytes(self._buffer[:total])
        del self._buffer[:total]
        return parse_message(data, header_end)

    def close(self) -> None:
        self._socket.close()


def parse_message(data: bytes, header_end: int) -> tuple[int, dict[int, Any], tuple[Any, ...]]:
    """A whole little-endian message: its type, header fields and body. Whatever in it does
    not parse (a broken signature, an unknown type, nesting past the limit, bad UTF-8)
    raises DBusError, here and only here."""
    try:
        fields = {code: value for code, (_, value) in _Reader(data, 12).read("a(yv)")}
        signature = str(fields.get(_SIGNATURE, ""))
        reader = _Reader(data, header_end)
        return data[1], fields, tuple(reader.read(kind) for kind in _types(signature))
    except _MALFORMED as error:
        raise DBusError(f"malformed message ({type(error).__name__})") from None
