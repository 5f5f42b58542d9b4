"""The one error family: every failure the user can act on carries a title, a message
and a remediation hint, so the CLI and the TUI can render it without a traceback."""

from __future__ import annotations


class EcrtuiError(Exception):
    """Base of every error ecrtui reports to a person."""

    title = "Error"

    def __init__(self, message: str, *, remediation: str = "", title: str | None = None) -> None:
        # Every message leaves through here: no credential and no control character in it.
        from ecrtui.core.sanitize import clean  # here: the helper's cached path never needs it

        message, remediation = clean(message), clean(remediation)
        super().__init__(message)
        self.message = message
        self.remediation = remediation
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message

    def one_line(self) -> str:
        """The message and its remediation on one line, for logs and `::error::`."""
        if self.remediation:
            return f"{self.message} ({self.remediation})"
        return self.message


class UsageError(EcrtuiError):
    """Bad input: a flag, an environment input or a registry string. Nothing was tried."""

    title = "Invalid input"


class ConfigError(UsageError):
    """The profiles file (or an AWS config file) cannot be used as written."""

    title = "Configuration error"


class AwsError(EcrtuiError):
    """An AWS call failed: credentials, permissions, network or a bad response."""

    title = "AWS error"

    def __init__(
        self,
        message: str,
        *,
        remediation: str = "",
        code: str = "",
        title: str | None = None,
    ) -> None:
        super().__init__(message, remediation=remediation, title=title)
        self.code = code


class WriterError(EcrtuiError):
    """A credentials file or credential helper could not be updated."""

    title = "Cannot write credentials"
