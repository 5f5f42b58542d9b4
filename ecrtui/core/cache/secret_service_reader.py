"""A read-only Secret Service client, for the credential helper's cached `get`: importing
keyring (its backends, its entry points), secretstorage (its cryptography) or even jeepney
costs several times the reads themselves. It speaks D-Bus through `dbus_wire`.

It reads exactly the items keyring's Secret Service backend writes (its default scheme:
attributes `service` and `username`, in the default collection), and declines
(`Declined`) whenever anything is not plain: a locked item, no default collection, a
D-Bus error. The caller then goes through keyring, which prompts, unlocks or reports the
problem as it always did.

The secret travels in the protocol's "plain" session: unencrypted over the session bus's
private socket, which only this user (and root) can reach, and those can read the
keyring itself anyway.
"""

from __future__ import annotations

from ecrtui.core.cache.dbus_wire import Connection, DBusError

_BUS_NAME = "org.freedesktop.secrets"
_SERVICE_PATH = "/org/freedesktop/secrets"
_SERVICE = "org.freedesktop.Secret.Service"
_COLLECTION = "org.freedesktop.Secret.Collection"
# Longer than the caller's deadline (2 s), which ends a hung read first.
_CALL_TIMEOUT = 10.0


class Declined(Exception):
    """Not a plain read: let keyring handle it."""


class SecretServiceReader:
    """`get_password` as keyring's Secret Service backend answers it, reading only, and
    `get_passwords` for several items in two round trips. One connection and session per
    reader; not shared between threads."""

    def __init__(self, bus_address: str) -> None:
        self._address = bus_address
        self._connection: Connection | None = None
        self._session = ""
        self._collection = ""

    def _open(self) -> Connection:
        if self._connection is None:
            try:
                connection = Connection(self._address, _CALL_TIMEOUT)
            except (DBusError, OSError) as error:  # no bus there, or not one that lets us in
                raise Declined(str(error) or type(error).__name__) from None
            try:
                # Both asked at once: neither answer depends on the other.
                opening = connection.send(_BUS_NAME, _SERVICE_PATH, _SERVICE, "OpenSession", "sv", "plain", ("s", ""))
                alias = connection.send(_BUS_NAME, _SERVICE_PATH, _SERVICE, "ReadAlias", "s", "default")
                _, session = connection.reply(opening)
                (path,) = connection.reply(alias)
                if path == "/":
                    raise Declined("no default collection")
            except (DBusError, OSError, ValueError) as error:
                connection.close()
                raise Declined(str(error)) from None
            self._session, self._collection = str(session), str(path)
            self._connection = connection
        return self._connection

    def get_password(self, service: str, username: str) -> str | None:
        return self.get_passwords(service, [username])[0]

    def get_passwords(self, service: str, usernames: list[str]) -> list[str | None]:
        """The secrets of several items (None where there is none): every search sent before
        any answer is read, then one GetSecrets."""
        connection = self._open()
        try:
            searches = [
                connection.send(
                    _BUS_NAME,
                    self._collection,
                    _COLLECTION,
                    "SearchItems",
                    "a{ss}",
                    {"service": service, "username": u},
                )
                for u in usernames
            ]
            found = [connection.reply(serial)[0] for serial in searches]
            items = [str(paths[0]) if isinstance(paths, list) and paths else None for paths in found]
            wanted = [item for item in items if item is not None]
            if not wanted:
                return [None] * len(usernames)
            (secrets,) = connection.call(_BUS_NAME, _SERVICE_PATH, _SERVICE, "GetSecrets", "aoo", wanted, self._session)
        except (DBusError, OSError, ValueError) as error:
            # A locked item answers IsLocked: keyring unlocks or reports it.
            raise Declined(str(error)) from None
        if not isinstance(secrets, dict) or not all(item in secrets for item in wanted):
            raise Declined("not every secret was handed over (a locked item?)")
        try:
            return [None if item is None else bytes(secrets[item][2]).decode("utf-8") for item in items]
        except (IndexError, KeyError, TypeError, ValueError):
            # Not a (session, parameters, value, content type) structure, or not UTF-8.
            raise Declined("a secret that is not a plain UTF-8 text") from None
