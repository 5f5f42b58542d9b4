"""Exit codes of every ecrtui command, and the one place that maps an error to one."""

from __future__ import annotations

from enum import IntEnum

from ecrtui.core.errors import UsageError


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # at least one registry failed; every other one was still tried
    USAGE = 2  # bad usage, input or configuration: nothing tried, nothing written


def exit_code_for(error: BaseException) -> ExitCode:
    """Bad usage, input or configuration is 2; any other failure 1."""
    return ExitCode.USAGE if isinstance(error, UsageError) else ExitCode.FAILED
