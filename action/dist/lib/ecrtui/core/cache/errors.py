"""CacheUnavailable: the keyring cannot be used, as the one error the rest of ecrtui
handles, with a `reason` for callers that react differently (a login warns once and goes
on; the helper's `store` fails)."""

from __future__ import annotations

from ecrtui.core.errors import EcrtuiError

TYPE_CHECKING = False  # typing itself is not imported: the helper's cached `get` would pay for it

if TYPE_CHECKING:
    from typing import Final, Literal

    Reason = Literal["no-backend", "locked", "timeout", "failed"]

TURN_OFF = "or turn the cache off (--no-cache, or `cache: none` in the profiles file)"


class CacheUnavailable(EcrtuiError):
    """The keyring cannot be used: none is installed, it is locked, it hangs or it failed."""

    title = "Token cache unavailable"
    NO_BACKEND: Final = "no-backend"
    LOCKED: Final = "locked"
    TIMEOUT: Final = "timeout"
    FAILED: Final = "failed"

    def __init__(self, message: str, *, reason: Reason, remediation: str = "") -> None:
        super().__init__(message, remediation=remediation)
        self.reason: Reason = reason


def no_backend(detail: str = "") -> CacheUnavailable:
    return CacheUnavailable(
        "no keyring backend is available" + (f" ({detail})" if detail else ""),
        reason=CacheUnavailable.NO_BACKEND,
        remediation="start a Secret Service (gnome-keyring, KeePassXC), use the macOS Keychain or Windows "
        "Credential Manager, or name a backend in PYTHON_KEYRING_BACKEND; logins work without the cache",
    )


def timed_out(timeout: float) -> CacheUnavailable:
    return CacheUnavailable(
        f"the keyring did not answer within {timeout:g} s",
        reason=CacheUnavailable.TIMEOUT,
        remediation=f"check that the keyring service (Secret Service over D-Bus) is running and unlocked, {TURN_OFF}",
    )


def unavailable(error: BaseException) -> CacheUnavailable:
    """A keyring exception as the one error the rest of ecrtui handles."""
    if isinstance(error, CacheUnavailable):
        return error
    try:
        from keyring import errors
    except ImportError:  # the fast Secret Service reader's own errors, without keyring
        return CacheUnavailable(f"the keyring failed: {type(error).__name__}", reason=CacheUnavailable.FAILED)
    detail = str(error).strip() or type(error).__name__
    if isinstance(error, errors.NoKeyringError):
        return no_backend(detail)
    if isinstance(error, (errors.KeyringLocked, errors.InitError)):
        # gnome-keyring answers "Prompt dismissed" when no unlocked collection exists and
        # nobody can type the password: to the user that is a locked keyring.
        return CacheUnavailable(
            f"the keyring is locked ({detail})",
            reason=CacheUnavailable.LOCKED,
            remediation=f"unlock it (log into the desktop session, or run `gnome-keyring-daemon --unlock`), {TURN_OFF}",
        )
    return CacheUnavailable(
        f"the keyring failed: {type(error).__name__}: {detail}",
        reason=CacheUnavailable.FAILED,
        remediation=f"check the keyring service, {TURN_OFF}",
    )
