"""A read-only Secret Service client over jeepney alone, for the credential helper's
cached `get`: importing keyring (its backends, its entry points) and secretstorage (its
cryptography) costs several times the interpreter's own start.

It reads exactly the items keyring's Secret Service backend writes (its default scheme:
attributes `service` and `username`, in the default collection), and declines
(`Declined`) whenever anything is not plain: a locked item, no default collection, a
D-Bus error. The caller then goes through keyring, which prompts, unlocks
or reports the problem as it always did.

The secret travels in the protocol's "plain" session: unencrypted over the session bus's
private socket, which only this user (and root) can reach, and those can read the
keyring itself anyway.
"""

from __future__ import annotations

from typing import Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

_BUS_NAME = "org.freedesktop.secrets"
_SERVICE = DBusAddress("/org/freedesktop/secrets", bus_name=_BUS_NAME, interface="org.freedesktop.Secret.Service")
# Longer than the caller's deadline (2 s), which ends a hung read first.
_CALL_TIMEOUT = 10.0


class Declined(Exception):
    """Not a plain read: let keyring handle it."""


class SecretServiceReader:
    """`get_password` as keyring's Secret Service backend answers it, reading only.
    One connection and session per reader; not shared between threads."""

    def __init__(self) -> None:
        self._connection: Any = None
        self._session = ""
        self._collection: DBusAddress | None = None

    def _call(self, address: DBusAddress, method: str, signature: str | None = None, body: tuple[Any, ...] = ()) -> Any:
        reply = self._connection.send_and_get_reply(
            new_method_call(address, method, signature, body), timeout=_CALL_TIMEOUT
        )
        if reply.header.message_type == MessageType.error:
            raise Declined(f"{method}: {reply.header.fields}")
        return reply.body

    def _open(self) -> DBusAddress:
        if self._collection is None:
            self._connection = open_dbus_connection(bus="SESSION")
            _, self._session = self._call(_SERVICE, "OpenSession", "sv", ("plain", ("s", "")))
            (path,) = self._call(_SERVICE, "ReadAlias", "s", ("default",))
            if path == "/":
                raise Declined("no default collection")
            self._collection = DBusAddress(path, bus_name=_BUS_NAME, interface="org.freedesktop.Secret.Collection")
        return self._collection

    def get_password(self, service: str, username: str) -> str | None:
        collection = self._open()
        (items,) = self._call(collection, "SearchItems", "a{ss}", ({"service": service, "username": username},))
        if not items:
            return None
        item = DBusAddress(items[0], bus_name=_BUS_NAME, interface="org.freedesktop.Secret.Item")
        # A locked item (or collection) answers IsLocked: declined, and keyring unlocks or reports it.
        ((_, _, value, _),) = self._call(item, "GetSecret", "o", (self._session,))
        return bytes(value).decode("utf-8")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
