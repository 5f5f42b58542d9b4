"""What the thread workers tell the app, one message per thing that happened. Workers
never touch widgets: they post these, and the app's handlers update the board and render.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ecrtui.core.diagnose.models import Check
from ecrtui.core.errors import EcrtuiError
from ecrtui.core.models import LoginEvent, LoginResult
from ecrtui.tui.rows import CachedState
from ecrtui.tui.services import Diagnosis, Inventory


@dataclass
class InventoryLoaded(Message):
    """The profiles file and the AWS config were read and planned."""

    inventory: Inventory


@dataclass
class CachedStateRead(Message):
    """What the keyring cache and credential files say, per row key (no network yet);
    `problem` when the keyring could not be read."""

    states: dict[str, CachedState]
    problem: EcrtuiError | None = None


@dataclass
class CacheProblemMet(Message):
    """The keyring refused a token, or the record of written hosts could not be updated,
    during a login: the login went on; `consequence` says what it cost."""

    problem: EcrtuiError
    consequence: str


@dataclass
class LoginEventsArrived(Message):
    """Registries' logins started or finished (a batch of what arrived together)."""

    events: list[LoginEvent]


@dataclass
class LoginBatchFinished(Message):
    """Every registry of one batch has finished (`renewal`: started by auto-renew)."""

    results: list[LoginResult]
    renewal: bool = False


@dataclass
class LogoutFinished(Message):
    """Hosts were erased from their writers and the cache: per row key, None or the
    problem; and each problem of the keyring or the record with what it cost."""

    outcome: dict[str, str | None]
    problems: list[tuple[EcrtuiError, str]]


@dataclass
class CheckMade(Message):
    """One of the doctor's checks is done (the diagnostics screen shows progress)."""

    key: str
    check: Check


@dataclass
class DiagnosisReady(Message):
    """The doctor's report for one row is ready."""

    key: str
    diagnosis: Diagnosis


@dataclass
class SsoLoginFinished(Message):
    """`aws sso login --profile X` exited."""

    profile: str
    returncode: int
    output: str = ""
