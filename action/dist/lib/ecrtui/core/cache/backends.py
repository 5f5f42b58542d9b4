"""Which keyring backend the token cache uses in an environment, and opening it.

keyring's own settings first (PYTHON_KEYRING_BACKEND, keyringrc.cfg), then the
platform's keystore, opened by its class (keyring's detection imports every installed
backend: on Linux the macOS one alone runs a library search costing tens of
milliseconds), then keyring's detection (e.g. keyrings.alt's file backend).

Always one backend, never keyring's chainer: every ecrtui process must read where the
others wrote, and a chain falls through to whichever backend happens to answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from contextlib import suppress

from ecrtui.core.cache.errors import no_backend, timed_out, unavailable
from ecrtui.core.deadline import DeadlinePassed, within

TYPE_CHECKING = False  # typing itself is not imported: the helper's cached `get` would pay for it

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    from keyring.backend import KeyringBackend

    T = TypeVar("T")

KEYRING_TIMEOUT_SECONDS = 2.0

# The platform's own keystore, by class.
NATIVE_BACKENDS = {
    "linux": "keyring.backends.SecretService.Keyring",
    "darwin": "keyring.backends.macOS.Keyring",
    "win32": "keyring.backends.Windows.WinVaultKeyring",
}
SECRET_SERVICE = NATIVE_BACKENDS["linux"]
# Backends that store nothing: with them the cache is off.
_NO_STORAGE = frozenset({"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"})
_SHARED_SESSION = "ecrtui.core.cache.shared_session_keyring"


def bounded(call: Callable[[], T], timeout: float = KEYRING_TIMEOUT_SECONDS, *, finish_at_exit: bool = True) -> T:
    """`call()` (a keyring call) within `timeout` seconds; every failure, a missed
    deadline included, as CacheUnavailable. `finish_at_exit`: see deadline.within."""
    try:
        return within(call, timeout, name="ecrtui-keyring", finish_at_exit=finish_at_exit)
    except DeadlinePassed:
        raise timed_out(timeout) from None
    except BaseException as error:  # a keyring error, as the one the rest of ecrtui handles
        raise unavailable(error) from None


def native_backend(environ: Mapping[str, str]) -> str | None:
    """The platform's keystore backend, unless it cannot be there (the Secret Service
    without a session bus)."""
    if sys.platform == "linux" and not environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    return NATIVE_BACKENDS.get(sys.platform)


def backend_name(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def chosen_backend(environ: Mapping[str, str]) -> KeyringBackend:
    """The keyring backend the cache uses in `environ` (keyring's settings, the platform's
    keystore, keyring's detection), unopened: the doctor describes this one. Raises
    CacheUnavailable (no backend) or keyring's own errors; unbounded in time."""
    import keyring.core

    explicit = environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if explicit:
        return keyring.core.load_keyring(explicit)
    configured = keyring.core.load_config()
    if configured is not None:
        return configured
    native = native_backend(environ)
    if native:
        try:
            return keyring.core.load_keyring(native)
        except Exception:  # not viable here (no daemon, no API): let keyring detect
            pass
    from keyring.backend import by_priority, get_all_keyring
    from keyring.backends.chainer import ChainerBackend

    candidates = [b for b in get_all_keyring() if not isinstance(b, ChainerBackend)]
    if not candidates:
        raise no_backend()
    return max(candidates, key=by_priority)


def _resolve_backend(environ: Mapping[str, str]) -> KeyringBackend:
    backend = chosen_backend(environ)
    if backend_name(backend) == SECRET_SERVICE:
        # keyring's Secret Service backend pays a D-Bus connection and a key exchange per
        # call; this subclass (same items) shares them for the process.
        from ecrtui.core.cache.shared_session_keyring import SharedSessionKeyring

        return SharedSessionKeyring.replacing(backend)  # type: ignore[arg-type]
    return backend


def _import_ahead(environ: Mapping[str, str]) -> None:
    """Import what choosing the backend needs, outside the deadline: on a busy machine
    keyring's imports take seconds, which is slowness, not a hung keyring (and a thread
    abandoned mid-import would hold the import lock)."""
    import importlib

    explicit = environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    modules = ["keyring.core", (explicit or native_backend(environ) or "").rpartition(".")[0]]
    if not explicit and native_backend(environ) == SECRET_SERVICE:
        modules.append(_SHARED_SESSION)
    for module in filter(None, modules):
        with suppress(ImportError):  # a platform without that backend: detection decides
            importlib.import_module(module)


def open_backend(
    environ: Mapping[str, str] | None = None, *, timeout: float = KEYRING_TIMEOUT_SECONDS
) -> KeyringBackend:
    """The keyring backend to use, or CacheUnavailable within `timeout` seconds."""
    env = os.environ if environ is None else environ
    import importlib.util

    if importlib.util.find_spec("keyring") is None:  # the GitHub Action's bundle ships without it
        raise no_backend("the keyring package is not installed")
    _import_ahead(env)
    backend = bounded(lambda: _resolve_backend(env), timeout)
    if backend_name(backend) in _NO_STORAGE:
        raise no_backend(backend_name(backend))
    file_path = getattr(backend, "file_path", None)  # keyrings.alt's file backends
    # They would create its folders with `mkdir -p` modes. Only then: the helper's hot path
    # does not pay for importing the writers.
    if isinstance(file_path, str) and not os.path.isdir(os.path.dirname(file_path)):
        from pathlib import Path

        from ecrtui.core.writers.jsonfile import make_private_folders

        with suppress(OSError):  # the backend reports an unusable folder itself, as a cache problem
            make_private_folders(Path(file_path).parent)
    return backend


def fast_reader_applies(environ: Mapping[str, str]) -> bool:
    """Whether keyring would choose its Secret Service backend with its defaults (Linux, a
    session bus, neither PYTHON_KEYRING_BACKEND nor a keyringrc.cfg): then the helper may
    read the same items without keyring. Not with a KEYRING_PROPERTY_* variable either:
    keyring sets it on every backend (a collection, a scheme), and the direct reader knows
    only the defaults."""
    if native_backend(environ) != SECRET_SERVICE or environ.get("PYTHON_KEYRING_BACKEND", "").strip():
        return False
    if any("KEYRING_PROPERTY_" in name for name in environ):  # keyring's own test: anywhere in the name
        return False
    config_home = environ.get("XDG_CONFIG_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".config"
    )
    return not os.path.exists(os.path.join(config_home, "python_keyring", "keyringrc.cfg"))
