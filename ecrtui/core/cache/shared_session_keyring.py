"""keyring's Secret Service backend with one D-Bus connection and one secret-transfer
session for the whole process.

keyring's backend connects to D-Bus and opens a new encrypted session (a Diffie-Hellman
exchange) for every single call: about 10 ms each, so that caching the tokens of a login
of 100 registries took half a minute, and a cached `get` of the credential helper (a few
reads) 45 ms. Sharing them brings a read to about 1 ms. The items are exactly keyring's
(same attributes and labels), so either backend reads what the other wrote.
"""

from __future__ import annotations

import threading
from typing import Any

from keyring.backends import SecretService
from keyring.errors import PasswordDeleteError
from secretstorage.util import open_session


class SharedSessionKeyring(SecretService.Keyring):
    """Thread-safe: one lock guards the connection, which jeepney does not share between
    concurrent callers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # keyring is untyped
        self._lock = threading.Lock()
        self._collection: Any = None

    @classmethod
    def replacing(cls, backend: SecretService.Keyring) -> SharedSessionKeyring:
        """The same backend (its preferred collection and scheme kept), sharing its session."""
        shared = cls()
        settings = {k: v for k, v in vars(backend).items() if k not in ("_lock", "_collection")}
        vars(shared).update(settings)
        return shared

    def _opened(self) -> Any:
        """The collection, unlocked (or KeyringLocked/InitError), with its session open."""
        if self._collection is None:
            collection = self.get_preferred_collection()  # type: ignore[no-untyped-call]
            # Items found through the collection inherit its session: one exchange in all.
            collection.session = open_session(collection.connection)
            self._collection = collection
        return self._collection

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            for item in self._opened().search_items(self._query(service, username)):
                self.unlock(item)  # type: ignore[no-untyped-call]
                return item.get_secret().decode("utf-8")  # type: ignore[no-any-return]
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            attributes = self._query(service, username, application=self.appid)
            self._opened().create_item(f"Password for '{username}' on '{service}'", attributes, password, replace=True)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            for item in self._opened().search_items(self._query(service, username)):
                item.delete()
                return
        raise PasswordDeleteError("No such password!")
